//! `replay --fit`: the outcome model checked out of sample, beside two baselines, and the
//! evidence behind each assumption.

use crate::model::{Observation, STRENGTH_GRID, Shrinkage, WinModel, brier, cv_log_loss, log_loss};
use crate::world::{Closed, FOLDS, World};
use std::collections::BTreeMap;
use std::fmt::Write;

fn strengths(s: &Shrinkage) -> String {
    let k = |x: f64| {
        if x.is_finite() {
            format!("{x}")
        } else {
            "inf".to_owned()
        }
    };
    format!(
        "agent {}, product {}, agent x product {}, sector {}",
        k(s.agent),
        k(s.segment),
        k(s.cell),
        k(s.context)
    )
}

/// The fit check as text.
pub fn check(world: &World) -> Result<String, Box<dyn std::error::Error>> {
    let closed = &world.closed;
    let (Some(first), Some(last)) = (closed.first(), closed.last()) else {
        return Err("no closed opportunity".into());
    };
    let span = (last.engaged - first.engaged).num_days();
    let cutoff = first.engaged + chrono::Duration::days(span * 2 / 3);
    let obs = |c: &[Closed]| c.iter().map(|c| c.obs).collect::<Vec<Observation>>();
    let split = closed.partition_point(|c| c.engaged < cutoff);
    let (train, test) = (obs(&closed[..split]), obs(&closed[split..]));
    let shape = world.shape();

    let constant = WinModel::constant(shape, &train)?;
    let mut agent_best = (f64::INFINITY, f64::INFINITY);
    for &k in &STRENGTH_GRID {
        let loss = cv_log_loss(shape, &train, Shrinkage::agent_only(k), FOLDS)?;
        if loss < agent_best.0 - 1e-12 {
            agent_best = (loss, k);
        }
    }
    let agent_only = WinModel::fit(shape, &train, Shrinkage::agent_only(agent_best.1))?;
    let (full, selection) = WinModel::fit_selected(shape, &train, &STRENGTH_GRID, FOLDS)?;

    let mut out = format!(
        "Outcome model, out of sample: fitted on the {} opportunities engaged {} to {} (first two thirds of the timeline), predicting the {} engaged {} to {}\n\n",
        train.len(),
        first.engaged,
        cutoff.pred_opt().unwrap_or(cutoff),
        test.len(),
        cutoff,
        last.engaged
    );
    let _ = writeln!(
        out,
        "{:<40} {:>8} {:>9}   strengths (pseudo-counts, by 5-fold CV on the fitting third)",
        "model", "Brier", "log-loss"
    );
    for (name, model, note) in [
        (
            "constant rate",
            &constant,
            format!("win rate {:.3}", constant.base_rate()),
        ),
        ("agent only", &agent_only, format!("agent {}", agent_best.1)),
        (
            "hierarchical (agent x product x sector)",
            &full,
            strengths(&selection.shrinkage),
        ),
    ] {
        let pairs = model.predict(&test);
        let _ = writeln!(
            out,
            "{:<40} {:>8.5} {:>9.5}   {note}",
            name,
            brier(&pairs),
            log_loss(&pairs)
        );
    }
    let test_rate = test.iter().filter(|o| o.won).count() as f64 / test.len().max(1) as f64;
    let _ = writeln!(
        out,
        "(the held-out third's own win rate is {test_rate:.3}; a model that knew it in advance would score Brier {:.5})",
        test_rate * (1.0 - test_rate)
    );

    let (model, all) = world.fit(closed)?;
    let _ = writeln!(
        out,
        "\nFitted on all {} closed opportunities (the replay's model): {}",
        closed.len(),
        strengths(&all.shrinkage)
    );
    let agents: Vec<usize> = (0..shape.agents)
        .filter(|&a| model.wins.agent_observations(a) > 0)
        .collect();
    let raw: Vec<f64> = agents
        .iter()
        .map(|&a| {
            let mine: Vec<&Closed> = closed.iter().filter(|c| c.obs.agent == a).collect();
            mine.iter().filter(|c| c.obs.won).count() as f64 / mine.len() as f64
        })
        .collect();
    let range = |v: &[f64]| {
        let lo = v.iter().copied().fold(f64::INFINITY, f64::min);
        let hi = v.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        format!("{lo:.3} to {hi:.3}")
    };
    let shrunk: Vec<f64> = agents.iter().map(|&a| model.wins.agent_rate(a)).collect();
    let cells: Vec<f64> = agents
        .iter()
        .flat_map(|&a| (0..shape.segments).map(move |s| (a, s)))
        .map(|(a, s)| model.wins.p(a, s, shape.contexts))
        .collect();
    let _ = writeln!(
        out,
        "  agents' raw win rates {}; shrunk {}; agent x product cells {}",
        range(&raw),
        range(&shrunk),
        range(&cells)
    );
    let _ = writeln!(
        out,
        "  newcomers ({} agents without history) get the team rate {:.3}",
        world.newcomers,
        model.wins.base_rate()
    );
    let values: Vec<String> = world
        .products
        .iter()
        .enumerate()
        .map(|(s, p)| format!("{p} {:.0}", model.values.value(s)))
        .collect();
    let _ = writeln!(out, "  deal value per product: {}", values.join(", "));
    let _ = writeln!(
        out,
        "  days to close: team mean {:.1}; agent means shrunk with {} pseudo-deals (held-out squared error), range {}",
        model.delays.team_mean(),
        model.delays.strength(),
        range(
            &(0..shape.agents)
                .map(|a| model.delays.agent_mean(a))
                .collect::<Vec<_>>()
        )
    );
    out += &load_table(world);
    Ok(out)
}

/// Win rate by the recorded agent's open load at engagement (recorded close dates; leads open
/// at the snapshot stay open): the evidence for the load assumption, confounded with time.
fn load_table(world: &World) -> String {
    let close_of: BTreeMap<_, _> = world
        .closed
        .iter()
        .map(|c| (c.client, c.engaged + chrono::Duration::days(c.days as i64)))
        .collect();
    let won_of: BTreeMap<_, _> = world.closed.iter().map(|c| (c.client, c.obs.won)).collect();
    let mut open: Vec<Vec<chrono::NaiveDate>> = vec![Vec::new(); world.team.len()];
    let mut bins: BTreeMap<usize, (u32, u32)> = BTreeMap::new();
    for lead in &world.leads {
        let id = lead.client.id();
        let day = lead.client.created_at().date_naive();
        let Some(pos) = world.recorded_rep(id).and_then(|r| world.team.position(r)) else {
            continue;
        };
        open[pos].retain(|close| *close > day);
        if let Some(won) = won_of.get(&id) {
            let bin = bins.entry((open[pos].len() / 20).min(5)).or_default();
            bin.1 += 1;
            bin.0 += u32::from(*won);
        }
        open[pos].push(close_of.get(&id).copied().unwrap_or(chrono::NaiveDate::MAX));
    }
    let mut out = String::from(
        "\nWin rate by the recorded agent's open load at engagement (confounded with time: loads are low at the start of the data, when its win rates were high):\n",
    );
    for (bin, (won, n)) in bins {
        let label = if bin == 5 {
            "100+".to_owned()
        } else {
            format!("{}-{}", bin * 20, bin * 20 + 19)
        };
        let _ = writeln!(
            out,
            "  {label:>7} open: {n:>5} closed, won {:.3}",
            f64::from(won) / f64::from(n.max(1))
        );
    }
    out
}
