//! `replay --pool-sim`: the whole pool state machine replayed under five policies, each lead
//! keeping its recorded outcome whoever gets it (so wins and win rate are the same for every
//! policy: this view measures how leads were spread, not what they would have won).
//!
//! Every policy runs through the same simulation driver with the same pool and the same rep
//! behaviour, so only the allocation differs:
//! - reps follow up each client weekly and never let one lapse (no release timers), and never
//!   claim: the replay measures allocation, not diligence;
//! - an opportunity closes on its recorded close date with its recorded outcome and value,
//!   whoever holds it;
//! - "historical" assigns each opportunity to the agent recorded for it.
//!
//! Rep tiers (for score-weighted allocation) are the quartiles of each agent's recorded wins;
//! the five agents with no opportunity in the data are tier 0, the newcomers. Performance
//! ranking reads the agents' recorded activity of the previous week (opportunities engaged,
//! deals won x 3) and shares each lead among the top 5 in proportion to score.

use crate::dataset::{Dataset, Historical, Stage};
use chrono::Duration;
use leadpool::allocate::{
    Allocator, Decision, Explanation, LeadFactors, Policy, RankingMode, RankingPolicy, ScorePolicy,
    ScoreTier, Team, TerritoryPolicy, from_fn,
};
use leadpool::calendar::Window;
use leadpool::ids::{ClientId, RepId};
use leadpool::label::Label;
use leadpool::model::{Client, ContactLevel, Metric, Metrics, Rep, Tier};
use leadpool::pool::{Config, PoolPolicy};
use leadpool::reason::Step;
use leadpool::rng::Rng;
use leadpool::sim::{Close, RepBehaviour, SimReport, Simulation, Today};
use std::collections::BTreeMap;

/// Reps of the replay: follow up weekly, close on the recorded date with the recorded outcome.
struct AsRecorded<'h> {
    history: &'h BTreeMap<ClientId, Historical>,
}

impl AsRecorded<'_> {
    fn closes_today(&self, today: &Today<'_>, client: ClientId) -> bool {
        self.history.get(&client).is_some_and(|h| match h.stage {
            Stage::Won { closed, .. } | Stage::Lost { closed } => today.day >= closed,
            Stage::Open => false,
        })
    }
}

impl RepBehaviour for AsRecorded<'_> {
    fn follow_up(
        &self,
        today: &Today<'_>,
        _rep: &Rep,
        client: &Client,
        _rng: &mut dyn Rng,
    ) -> Option<ContactLevel> {
        let weekly = (today.day - client.created_at().date_naive()).num_days() % 7 == 0;
        (weekly || self.closes_today(today, client.id())).then_some(ContactLevel::Phone)
    }

    fn close(
        &self,
        today: &Today<'_>,
        _rep: &Rep,
        client: &Client,
        _value: f64,
        _rng: &mut dyn Rng,
    ) -> Option<Close> {
        if !self.closes_today(today, client.id()) {
            return None;
        }
        match self.history.get(&client.id())?.stage {
            Stage::Won { value, .. } => Some(Close::Won { value }),
            Stage::Lost { .. } => Some(Close::Lost),
            Stage::Open => None,
        }
    }
}

/// The team with tiers from recorded wins (quartiles; no opportunity = tier 0).
pub fn tiered(team: &Team, history: &BTreeMap<ClientId, Historical>) -> Team {
    let mut wins: BTreeMap<RepId, u32> = BTreeMap::new();
    for h in history.values() {
        if matches!(h.stage, Stage::Won { .. }) {
            *wins.entry(h.rep).or_default() += 1;
        }
    }
    let mut ranked: Vec<(u32, RepId)> = wins.iter().map(|(rep, n)| (*n, *rep)).collect();
    ranked.sort();
    let n = ranked.len().max(1);
    let tier_of: BTreeMap<RepId, u8> = ranked
        .iter()
        .enumerate()
        .map(|(i, (_, rep))| (*rep, (i * 4 / n) as u8))
        .collect();
    Team::new(team.reps().iter().map(|r| Rep {
        tier: Tier(tier_of.get(&r.id).copied().unwrap_or(0)),
        ..r.clone()
    }))
}

/// The agents' recorded activity as performance metrics: opportunities engaged (on the engage
/// date) and deals won (on the close date). Rankings read only past weeks of it.
pub fn recorded_performance(data: &Dataset) -> Metrics {
    let mut metrics = Metrics::new();
    for arrival in data.stream.arrivals() {
        let Some(h) = data.history.get(&arrival.client.id()) else {
            continue;
        };
        metrics.record(h.rep, arrival.at.date_naive(), "recorded_engagements", 1.0);
        if let Stage::Won { closed, .. } = h.stage {
            metrics.record(h.rep, closed, "recorded_wins", 1.0);
        }
    }
    metrics
}

/// The policies compared, each with the allocator built for `team`.
type Named<'h> = Vec<(&'static str, Box<dyn Allocator + 'h>)>;

/// The score-weighted policy both replays use: bands cut near the score quantiles of this data
/// set (35%, 60%, 80%), so each tier's share of leads is close to its share of reps (see
/// [`tiered`]).
pub fn score_policy() -> Policy {
    let band = |min_score, tiers: &[u8]| ScoreTier {
        min_score,
        rep_tiers: tiers.iter().map(|t| Tier(*t)).collect(),
    };
    Policy::Score(ScorePolicy {
        factors: LeadFactors::default(),
        tiers: vec![
            band(0, &[0]),
            band(36, &[1]),
            band(44, &[2]),
            band(50, &[3]),
        ],
    })
}

/// The performance ranking both replays use: last week's recorded engagements and wins (see
/// [`recorded_performance`]), the top five sharing in proportion.
pub fn ranking_policy() -> Policy {
    Policy::Ranking(RankingPolicy {
        key: Some("performance".into()),
        window: Window::PreviousWeek,
        weights: BTreeMap::from([
            (Metric::from("recorded_engagements"), 1.0),
            (Metric::from("recorded_wins"), 3.0),
        ]),
        mode: RankingMode::TopK { k: 5 },
    })
}

fn policies<'h>(
    team: &Team,
    history: &'h BTreeMap<ClientId, Historical>,
) -> Result<Named<'h>, Box<dyn std::error::Error>> {
    let historical = from_fn(
        move |request, _rng| match history.get(&request.client().id()) {
            Some(h) => Decision::assigned(
                request.client().id(),
                h.rep,
                Explanation::new(Step::Custom {
                    rule: Label::new("historical: the agent recorded in the data set"),
                    rep: Some(h.rep),
                }),
            ),
            None => Decision::unassigned(request.client().id(), Explanation::default()),
        },
    );
    let round_robin = Policy::RoundRobin {
        key: None,
        rejoin: Default::default(),
    };
    let territory = Policy::Territory(TerritoryPolicy::default());
    let score = score_policy();
    let ranking = ranking_policy();
    Ok(vec![
        ("historical", Box::new(historical)),
        ("round-robin", round_robin.build(team)?),
        ("territory", territory.build(team)?),
        ("score-weighted", score.build(team)?),
        ("performance top-5", ranking.build(team)?),
    ])
}

fn ratio(r: Option<f64>) -> String {
    r.map_or_else(|| "inf".to_owned(), |r| format!("{r:.2}"))
}

/// Runs the pool-state-machine replay and prints its tables.
pub fn run(data: &Dataset) -> Result<(), Box<dyn std::error::Error>> {
    let team = tiered(&data.team, &data.history);
    let arrivals = data.stream.arrivals();
    let (Some(first), Some(last_arrival)) = (arrivals.first(), arrivals.last()) else {
        return Err("the data set has no opportunity".into());
    };
    let last_close = data
        .history
        .values()
        .filter_map(|h| match h.stage {
            Stage::Won { closed, .. } | Stage::Lost { closed } => Some(closed),
            Stage::Open => None,
        })
        .max()
        .unwrap_or(last_arrival.at.date_naive());
    let start = first.at - Duration::hours(9);
    let days = (last_close - start.date_naive()).num_days() as u32 + 1;
    eprintln!(
        "replaying {} opportunities ({} Prospecting rows without engage date arrive on the last engage date) over {days} days, {} agents ({} with no opportunity)",
        data.opportunities,
        data.prospecting_without_date,
        data.agents.len(),
        data.agents
            .iter()
            .filter(|a| !data
                .history
                .values()
                .any(|h| team.get(h.rep).is_some_and(|r| r.name == a.sales_agent)))
            .count()
    );

    let behaviour = AsRecorded {
        history: &data.history,
    };
    let performance = recorded_performance(data);
    let mut reports: Vec<(&str, SimReport)> = Vec::new();
    for (name, allocator) in policies(&team, &data.history)? {
        eprintln!("  {name}…");
        let config = Config::new(team.clone(), PoolPolicy::default())?;
        let report = Simulation::new(config, &allocator, &data.stream, start, days)
            .with_label(name)
            .with_behaviour(&behaviour)
            .with_metrics(performance.clone())
            .keep_events(false)
            .run()
            .report;
        reports.push((name, report));
    }

    println!(
        "CRM Sales Opportunities replay: {} leads, {} reps (Central / East / West), {} to {}",
        data.stream.len(),
        team.len(),
        start.date_naive(),
        last_close
    );
    println!();
    println!(
        "{:<18} {:>6} {:>6} {:>6} {:>6} {:>8} {:>9} {:>9} {:>9} {:>6} {:>10} {:>7}",
        "policy",
        "leads",
        "min",
        "max",
        "Gini",
        "Jain",
        "max/min",
        "value G",
        "value J",
        "won",
        "revenue G",
        "win %"
    );
    for (name, r) in &reports {
        let c = &r.overall.counts;
        let v = &r.overall.values;
        let o = r.overall.outcomes.clone().unwrap_or_default();
        println!(
            "{:<18} {:>6.0} {:>6.0} {:>6.0} {:>6.3} {:>8.3} {:>9} {:>9.3} {:>9.3} {:>6} {:>10.3} {:>6.1}%",
            name,
            c.total,
            c.min,
            c.max,
            c.gini,
            c.jain,
            ratio(c.max_min_ratio),
            v.gini,
            v.jain,
            o.totals.won,
            o.revenue.gini,
            100.0 * o.win_rate
        );
    }
    println!();
    println!("Leads and value received per rep (value in thousands of list price)");
    print!("{:<20} {:<8} {:>4}", "rep", "office", "tier");
    for (name, _) in &reports {
        let short: String = name.chars().take(11).collect();
        print!(" {short:>16}");
    }
    println!();
    for (i, rep) in team.reps().iter().enumerate() {
        let office = rep
            .regions
            .first()
            .map(|r| r.to_string())
            .unwrap_or_default();
        print!("{:<20} {:<8} {:>4}", rep.name, office, rep.tier.0);
        for (_, r) in &reports {
            let row = &r.reps[i];
            print!(" {:>6} {:>8.0}k", row.received(), row.value / 1000.0);
        }
        println!();
    }
    Ok(())
}
