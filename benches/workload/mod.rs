//! The fixed workloads every speed benchmark runs, shared by the criterion groups and the
//! instruction-count program (`benches/instructions.rs`) so both measure the same thing.
#![allow(dead_code)]

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use leadpool::allocate::{
    Allocator, LeadFactors, LeastLoaded, LoadRank, Ranking, RankingMode, RoundRobin, ScoreTier,
    ScoreWeighted, SkillMatch, Team, TeamView, Territory,
};
use leadpool::calendar::Window;
use leadpool::ids::{ClientId, RepId};
use leadpool::model::{Client, LeadInputs, Metric, Metrics, Region, Rep, Source, Tier};
use leadpool::pool::Actor;
use leadpool::pool::{Command, Config, Event, PoolPolicy, PoolState, Via, decide, evolve};
use leadpool::sim::{LeadStream, StreamConfig};
use std::collections::BTreeMap;

// ---------------------------------------------------------------- the simulated day

/// The instant the simulated day starts.
pub fn day_start() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 23, 0, 0, 0).unwrap()
}

/// The day's pool policy: a cap no rep reaches, remind after 7 days, release 3 days later.
pub fn day_policy() -> PoolPolicy {
    PoolPolicy {
        private_cap: Some(1_000),
        remind_after_days: Some(7),
        release_after_reminder_days: 3,
        ..PoolPolicy::default()
    }
}

/// A team of `reps` plain reps.
pub fn day_team(reps: u64) -> Team {
    Team::new((1..=reps).map(|i| Rep::new(RepId(i), format!("rep {i}"))))
}

/// One day of `leads` synthetic leads for `team`, no repeated trade-show cards.
pub fn day_stream(team: &Team, leads: u32) -> LeadStream {
    let config = StreamConfig {
        leads_per_day: leads,
        repeat_card_percent: 0,
        zone: Default::default(),
        ..StreamConfig::default()
    };
    LeadStream::synthetic(&config, team, day_start(), 1, 1)
}

// ---------------------------------------------------------------- allocators

/// Tags in the allocator workload's vocabulary.
pub const TAGS: u64 = 64;

/// The instant of every allocation.
pub fn alloc_now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 24, 10, 0, 0).unwrap()
}

fn city(k: usize) -> String {
    format!("CN/P{}/C{}", k % 30, k % 300)
}

/// A team of `n` reps with weights, tiers, one city each and two skills each.
pub fn alloc_team(n: usize) -> Team {
    Team::new((0..n).map(|i| {
        Rep::new(RepId(i as u64 + 1), "rep")
            .with_weight(i as u32 % 4 + 1)
            .with_tier(i as u8 % 3)
            .with_regions([city(i).parse::<Region>().unwrap()])
            .with_skills([
                format!("t{}", i as u64 % TAGS),
                format!("t{}", (i as u64 * 7 + 3) % TAGS),
            ])
    }))
}

/// A view with a load per rep, computed, so the view itself costs nothing to build.
pub struct Loads;
impl TeamView for Loads {
    fn open_load(&self, rep: RepId) -> u32 {
        loads(rep)
    }
}

/// [`Loads`] with the reps kept in open-load order, as a CRM's database with an index on open
/// load keeps them (built once, like that index): what least-loaded reads from the bottom.
pub struct IndexedLoads {
    order: std::collections::BTreeSet<LoadRank>,
}

impl IndexedLoads {
    /// The index over `team`.
    pub fn new(team: &Team) -> Self {
        Self {
            order: team
                .reps()
                .iter()
                .map(|r| LoadRank {
                    load: loads(r.id),
                    last_assigned_at: None,
                    rep: r.id,
                })
                .collect(),
        }
    }
}

impl TeamView for IndexedLoads {
    fn open_load(&self, rep: RepId) -> u32 {
        loads(rep)
    }
    fn indexes_open_load(&self) -> bool {
        true
    }
    fn next_by_open_load(&self, after: Option<LoadRank>) -> Option<LoadRank> {
        use std::ops::Bound::{Excluded, Unbounded};
        match after {
            None => self.order.first().copied(),
            Some(after) => self
                .order
                .range((Excluded(after), Unbounded))
                .next()
                .copied(),
        }
    }
}

/// The load [`Loads`] reports for `rep`.
pub fn loads(rep: RepId) -> u32 {
    (rep.0 * 2_654_435_761 % 97) as u32
}

/// Lead `k` of the allocator workload: a district of a city, three tags, a score.
pub fn alloc_lead(k: u64) -> Client {
    Client::new(
        ClientId(k),
        "lead",
        Source::Other {
            label: "bench".into(),
        },
        alloc_now(),
    )
    .with_region(format!("{}/D1", city(k as usize)).parse().unwrap())
    .with_tags(["t0", "t5", "t12"])
    .with_lead(LeadInputs {
        budget: (k * 37 % 101) as u8,
        urgency: 60,
        product_fit: 70,
    })
}

/// The strategies the allocator workload measures, by name.
pub const STRATEGIES: [&str; 6] = [
    "round_robin",
    "territory",
    "skill",
    "score",
    "ranking",
    "least_loaded",
];

/// The score bands: tier 2 from 70, tier 1 from 40, tier 0 below.
pub fn score_bands() -> [ScoreTier; 3] {
    [
        ScoreTier {
            min_score: 70,
            rep_tiers: vec![Tier(2)],
        },
        ScoreTier {
            min_score: 40,
            rep_tiers: vec![Tier(1)],
        },
        ScoreTier {
            min_score: 0,
            rep_tiers: vec![Tier(0)],
        },
    ]
}

/// The day the ranking's metrics are recorded (in the previous week of [`alloc_now`]).
pub fn metrics_day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 18).unwrap()
}

/// Last week's follow-ups and sample orders for every rep.
pub fn alloc_metrics(team: &Team) -> Metrics {
    let mut metrics = Metrics::new();
    let day = metrics_day();
    for rep in team.reps() {
        metrics.record(rep.id, day, "follow_ups", (rep.id.0 * 31 % 17) as f64);
        metrics.record(rep.id, day, "sample_orders", (rep.id.0 * 7 % 5) as f64);
    }
    metrics
}

/// The days the naive ranking sums metrics over (last week).
pub fn ranking_days() -> std::ops::Range<NaiveDate> {
    let day = metrics_day();
    day - Duration::days(2)..day + Duration::days(5)
}

/// The strategy `name` built for `team`.
pub fn strategy(name: &str, team: &Team) -> Box<dyn Allocator> {
    match name {
        "round_robin" => Box::new(RoundRobin::new(team)),
        "territory" => Box::new(Territory::new(team)),
        "skill" => Box::new(SkillMatch::new(team, ["t0"])),
        "score" => Box::new(ScoreWeighted::new(
            team,
            LeadFactors::default(),
            &score_bands(),
        )),
        "ranking" => {
            let weights = BTreeMap::from([
                (Metric::from("follow_ups"), 1.0),
                (Metric::from("sample_orders"), 3.0),
            ]);
            Box::new(Ranking::new(
                team,
                "website",
                Window::PreviousWeek,
                weights,
                RankingMode::Top1,
            ))
        }
        "least_loaded" => Box::new(LeastLoaded::new(200)),
        other => panic!("unknown strategy {other}"),
    }
}

// ---------------------------------------------------------------- the sweep

/// The first instant of the sweep workload.
pub fn sweep_t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 2, 9, 0, 0).unwrap()
}

/// Reps of the sweep workload.
pub const SWEEP_REPS: u64 = 100;

/// The sweep's policy: remind after 7 days, release 3 days later.
pub fn sweep_policy() -> PoolPolicy {
    PoolPolicy {
        remind_after_days: Some(7),
        release_after_reminder_days: 3,
        ..PoolPolicy::default()
    }
}

/// When the sweep runs: 7 days after t0, when 1% of the clients are due.
pub fn sweep_now() -> DateTime<Utc> {
    sweep_t0() + Duration::days(7)
}

/// `n` owned clients; client i is claimed `i % 100` hours after t0, so 1% fall due per hour.
/// Each claim is decided (so its timers are the policy's) and applied.
pub fn owned_state(n: u64, policy: PoolPolicy) -> PoolState {
    let team = Team::new((1..=SWEEP_REPS).map(|i| Rep::new(RepId(i), format!("rep {i}"))));
    let mut state = PoolState::new(Config::new(team, policy).expect("a valid policy"));
    for id in 1..=n {
        let client = Client::new(ClientId(id), String::new(), Source::Website, sweep_t0());
        let at = sweep_t0() + Duration::hours((id % 100) as i64);
        apply(
            &mut state,
            Actor::System,
            Command::Import {
                client: Box::new(client),
            },
            at,
        );
        let rep = RepId(id % SWEEP_REPS + 1);
        let claim = Command::Claim {
            client: ClientId(id),
            rep,
        };
        apply(&mut state, Actor::Rep(rep), claim, at);
    }
    state
}

fn apply(state: &mut PoolState, actor: Actor, command: Command, at: DateTime<Utc>) {
    for event in decide(state, actor, command, at).expect("accepted") {
        evolve(state, &event);
    }
}

/// True when `event` hands a client to a rep by a rule (what the day's assignments are).
pub fn is_rule_assignment(event: &Event) -> bool {
    matches!(
        event,
        Event::OwnerChanged {
            via: Via::Assign { .. },
            ..
        }
    )
}
