//! The runs behind the report: the policies side by side, the frontier of minimum shares, the
//! verdict on the learning allocator's goal, and the sensitivity to each assumption.

use crate::model::Fitted;
use crate::montecarlo::{Evaluated, evaluate, progress};
use crate::oracle::oracle;
use crate::report::{Report, Row, rows, table};
use crate::world::{Factory, World, learned, policies};
use leadpool::sim::{Assumptions, Counterfactual};
use std::fmt::Write;

/// The learning allocator's minimum share in the main table, in equal shares.
pub const FLOOR: f64 = 0.9;
/// The learning allocator's other minimum shares on the frontier, in equal shares.
pub const FRONTIER: [f64; 5] = [0.0, 0.25, 0.5, 0.75, 1.0];
/// The oracle's other minimum shares on the frontier.
pub const ORACLE_FRONTIER: [f64; 3] = [0.0, 0.5, 0.75];

/// How to run.
pub struct Options {
    /// Seeds 0..seeds.
    pub seeds: u64,
    /// The learning allocator's minimum share, in equal shares.
    pub floor: f64,
    /// No progress bar.
    pub quiet: bool,
    /// Also run the frontier of minimum shares.
    pub frontier: bool,
}

/// The main policies and the oracle at the options' floor.
fn main_policies<'w>(
    world: &'w World,
    model: &'w Fitted,
    floor: f64,
) -> Result<Vec<(String, Factory<'w>)>, Box<dyn std::error::Error>> {
    let mut list = policies(world, floor)?;
    list.push(("oracle".to_owned(), oracle(world, model, floor)));
    Ok(list)
}

/// The replay's whole pipeline, as `replay` runs it: fit the model on every closed
/// opportunity, state the assumptions (the reference load from the data), run the policies
/// (and the frontier) over the seeds. Returns the report, the evaluated main policies and the
/// number of weeks.
pub fn replay_report(
    world: &World,
    options: &Options,
    load_slope: f64,
    newcomer_odds: f64,
) -> Result<(Report, Vec<Evaluated>, usize), Box<dyn std::error::Error>> {
    let (model, _) = world.fit(&world.closed)?;
    let assumptions = Assumptions {
        load_slope,
        load_reference: world.reference_load(&model),
        newcomer_odds,
    };
    let replay = Counterfactual::new(&world.team, &world.leads, &model)
        .with_assumptions(assumptions)
        .with_metrics(&world.metrics);
    let (report, evaluated) = report(world, &model, &replay, options)?;
    Ok((report, evaluated, replay.weeks()))
}

/// Runs every policy and the frontier, and builds the report.
pub fn report(
    world: &World,
    model: &Fitted,
    replay: &Counterfactual<'_>,
    options: &Options,
) -> Result<(Report, Vec<Evaluated>), Box<dyn std::error::Error>> {
    let main = main_policies(world, model, options.floor)?;
    let mut frontier: Vec<(String, Factory<'_>)> = Vec::new();
    let mut floors = Vec::new();
    for f in FRONTIER.into_iter().filter(|_| options.frontier) {
        frontier.push((format!("learned @ {f:.2}"), learned(world, f)?));
        floors.push(Some(f));
    }
    for f in ORACLE_FRONTIER.into_iter().filter(|_| options.frontier) {
        frontier.push((format!("oracle @ {f:.2}"), oracle(world, model, f)));
        floors.push(Some(f));
    }
    let bar = progress(
        options.seeds * (main.len() + frontier.len()) as u64,
        options.quiet,
    );
    bar.set_message("policies");
    let evaluated = evaluate(replay, &main, options.seeds, &bar);
    bar.set_message("frontier");
    let swept = evaluate(replay, &frontier, options.seeds, &bar);
    bar.finish_and_clear();
    let historical = evaluated.iter().find(|e| e.name == "historical");
    let main_floors: Vec<Option<f64>> = main
        .iter()
        .map(|(name, _)| (name == "learned" || name == "oracle").then_some(options.floor))
        .collect();
    let policies = rows(&evaluated, historical, &main_floors);
    // The main table's learned and oracle rows are the frontier's points at its floor.
    let mut frontier = rows(&swept, historical, &floors);
    for row in policies.iter().filter(|r| r.floor.is_some()) {
        frontier.push(Row {
            name: format!("{} @ {:.2}", row.name, options.floor),
            ..row.clone()
        });
    }
    frontier.sort_by(|a, b| {
        let key = |r: &Row| (!r.name.starts_with("learned"), r.floor.unwrap_or(0.0));
        let (ka, kb) = (key(a), key(b));
        ka.0.cmp(&kb.0).then(ka.1.total_cmp(&kb.1))
    });
    let report = Report {
        seeds: options.seeds,
        leads: world.leads.len(),
        reps: world.team.len(),
        assumptions: replay.assumptions(),
        policies,
        frontier,
    };
    Ok((report, evaluated))
}

/// Whether the learning allocator met the goal, in figures.
pub fn verdict(report: &Report) -> String {
    let find = |name: &str| report.policies.iter().find(|r| r.name == name);
    let (Some(h), Some(l)) = (find("historical"), find("learned")) else {
        return String::new();
    };
    let equal = 1.0 / report.reps.max(1) as f64;
    let vs = l.revenue_vs_historical.unwrap_or_default();
    let checks = [
        (
            format!("revenue at least 5% above historical: {:+.2}%", vs.mean),
            vs.mean >= 5.0,
        ),
        (
            format!(
                "lower end of its revenue interval above historical's mean: {:.0}k vs {:.0}k",
                l.summary.expected_revenue.lo / 1000.0,
                h.summary.expected_revenue.mean / 1000.0
            ),
            l.summary.expected_revenue.lo > h.summary.expected_revenue.mean,
        ),
        (
            format!("lead Gini at most 0.10: {:.3}", l.summary.lead_gini.mean),
            l.summary.lead_gini.hi <= 0.10,
        ),
        (
            format!(
                "no rep under half an equal share: least {:.2} x equal (worst seed {:.2})",
                l.summary.min_share.mean / equal,
                l.summary.min_share.lo / equal
            ),
            l.summary.min_share.lo >= 0.5 * equal,
        ),
    ];
    let mut out = String::from("\nThe learning allocator's goal:\n");
    for (text, met) in checks {
        let _ = writeln!(out, "  [{}] {text}", if met { "met" } else { "NOT met" });
    }
    if let Some(o) = find("oracle") {
        let _ = writeln!(
            out,
            "  ceiling at the same floor (oracle, knows the model): {:+.2}% revenue vs historical",
            o.revenue_vs_historical.unwrap_or_default().mean
        );
    }
    out
}

/// Reruns historical, round-robin, learned and the oracle with each assumption varied.
pub fn sensitivity(
    world: &World,
    model: &Fitted,
    base: Assumptions,
    options: &Options,
) -> Result<String, Box<dyn std::error::Error>> {
    let variants = [
        ("as fitted (neutral)", base),
        (
            "load slope 0.004/lead",
            Assumptions {
                load_slope: 0.004,
                ..base
            },
        ),
        (
            "load slope 0.01/lead",
            Assumptions {
                load_slope: 0.01,
                ..base
            },
        ),
        (
            "newcomer odds x0.8",
            Assumptions {
                newcomer_odds: 0.8,
                ..base
            },
        ),
        (
            "newcomer odds x0.5",
            Assumptions {
                newcomer_odds: 0.5,
                ..base
            },
        ),
    ];
    let keep = [
        "historical",
        "round-robin",
        "least-loaded",
        "learned",
        "oracle",
    ];
    let bar = progress(
        options.seeds * (variants.len() * keep.len()) as u64,
        options.quiet,
    );
    let mut out = format!(
        "Sensitivity: expected revenue ($k, mean [95% interval]) and the paired difference from historical, {} seeds; reference load {:.1} open leads\n",
        options.seeds, base.load_reference
    );
    for (label, assumptions) in variants {
        let list: Vec<(String, Factory<'_>)> = main_policies(world, model, options.floor)?
            .into_iter()
            .filter(|(name, _)| keep.contains(&name.as_str()))
            .collect();
        let replay = Counterfactual::new(&world.team, &world.leads, model)
            .with_assumptions(assumptions)
            .with_metrics(&world.metrics);
        bar.set_message(label);
        let evaluated = evaluate(&replay, &list, options.seeds, &bar);
        let historical = evaluated.iter().find(|e| e.name == "historical");
        let rows: Vec<Row> = rows(&evaluated, historical, &[]);
        let _ = writeln!(out, "\n{label}:");
        out += &table(&rows, world.team.len());
    }
    bar.finish_and_clear();
    Ok(out)
}
