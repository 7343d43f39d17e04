//! The simulation harness, end to end through the library driver.
#![cfg(feature = "sim")]

use chrono::{DateTime, Duration, TimeZone, Utc};
use leadpool::allocate::{
    Decision, Explanation, Policy, RankingMode, RankingPolicy, RoundRobin, Team, from_fn,
};
use leadpool::calendar::Window;
use leadpool::ids::RepId;
use leadpool::label::Label;
use leadpool::model::{Client, ContactLevel, Metric, Metrics, Rep, SourceKind};
use leadpool::pool::{Event, PoolPolicy, PoolState};
use leadpool::reason::Step;
use leadpool::rng::Rng;
use leadpool::sim::{
    Close, LeadStream, RepBehaviour, RepProfile, SeededBehaviour, SimPolicy, SimReport, Simulation,
    StreamConfig, SyntheticTeam, TeamConfig, Today,
};
use std::collections::BTreeMap;

/// Monday 2026-11-23, 00:00 in UTC+8.
fn monday() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 22, 16, 0, 0).unwrap()
}

/// The default job of `examples/simulate.rs`: 20 reps, 8 weeks, the seed rules.
fn default_run(seed: u64) -> SimReport {
    let policy = SimPolicy::seed_default();
    let team = SyntheticTeam::generate(&TeamConfig::default(), seed);
    let config = StreamConfig {
        zone: policy.pool.zone,
        ..StreamConfig::default()
    };
    let stream = LeadStream::synthetic(&config, &team.team, monday(), 56, seed);
    let allocator = policy.build(&team.team).unwrap();
    let behaviour = SeededBehaviour::new(seed, team.profiles.clone());
    Simulation::new(
        cfg(team.team, policy.pool),
        &allocator,
        &stream,
        monday(),
        56,
    )
    .with_seed(seed)
    .with_label(policy.name)
    .with_behaviour(&behaviour)
    .run()
    .report
}

/// A run of 21 days under `policy`, with its event log or without it.
fn run_logged_or_not(policy: &SimPolicy, keep: bool) -> leadpool::sim::SimOutcome {
    let seed = 7;
    let team = SyntheticTeam::generate(&TeamConfig::default(), seed);
    let config = StreamConfig {
        zone: policy.pool.zone,
        ..StreamConfig::default()
    };
    let stream = LeadStream::synthetic(&config, &team.team, monday(), 21, seed);
    let allocator = policy.build(&team.team).unwrap();
    let behaviour = SeededBehaviour::new(seed, team.profiles.clone());
    Simulation::new(
        cfg(team.team.clone(), policy.pool.clone()),
        &allocator,
        &stream,
        monday(),
        21,
    )
    .with_seed(seed)
    .with_behaviour(&behaviour)
    .keep_events(keep)
    .run()
}

#[test]
fn a_run_without_its_event_log_reports_and_ends_exactly_like_one_with_it() {
    // Dropping the log lets the driver copy arrivals straight into the pool (asking the
    // import's rules about them where they lie, with no event built) and move timers and
    // contacts into it instead of copying them; nothing it decides or reports may change.
    let default = SimPolicy::seed_default();
    // A cap of two open clients per rep: most arrivals stay in the public pool as imported,
    // so the import's own work (not only what an assignment then overwrites) is compared.
    let mut capped = SimPolicy::seed_default();
    capped.pool.private_cap = Some(2);
    for policy in [default, capped] {
        let logged = run_logged_or_not(&policy, true);
        let unlogged = run_logged_or_not(&policy, false);
        assert!(unlogged.events.is_empty());
        assert!(logged.report.pool.releases > 0 && logged.report.pool.deals_won > 0);
        // Arrivals both imported and reported as duplicates of known clients.
        assert!(logged.report.pool.imported > 0 && logged.report.pool.duplicates > 0);
        assert_eq!(unlogged.report.to_string(), logged.report.to_string());
        assert_eq!(unlogged.report, logged.report);
        assert_eq!(unlogged.state, logged.state);
        assert_eq!(unlogged.metrics, logged.metrics);
        // The indexes too (the state's equality compares clients and ledgers).
        let end = chrono::DateTime::<chrono::Utc>::MAX_UTC;
        assert_eq!(unlogged.state.public_len(), logged.state.public_len());
        assert_eq!(
            unlogged.state.due_by(end).collect::<Vec<_>>(),
            logged.state.due_by(end).collect::<Vec<_>>()
        );
        for rep in logged.state.team().reps() {
            assert_eq!(
                unlogged.state.owned_by(rep.id).collect::<Vec<_>>(),
                logged.state.owned_by(rep.id).collect::<Vec<_>>()
            );
        }
    }
    let mut capped = SimPolicy::seed_default();
    capped.pool.private_cap = Some(2);
    let public = run_logged_or_not(&capped, false).state.public_len();
    assert!(public > 100, "{public}");
}

#[test]
fn same_seed_gives_the_same_report_and_another_seed_differs() {
    let a = default_run(42);
    let b = default_run(42);
    assert_eq!(a, b);
    assert_eq!(a.to_string(), b.to_string());
    let c = default_run(43);
    assert_ne!(a.to_string(), c.to_string());
    // The default job exercises the whole life cycle.
    assert_eq!(a.weekly.len(), 8);
    assert!(a.pool.assigned > 1000);
    assert!(a.pool.releases > 0 && a.pool.reclaims > 0 && a.pool.reminders > 0);
    assert!(a.pool.deals_won > 0 && a.pool.follow_ups > 0);
}

#[test]
fn round_robin_over_equal_reps_is_nearly_perfectly_fair() {
    let team = SyntheticTeam::generate(&TeamConfig::default(), 5).team;
    assert!(team.reps().iter().all(|r| r.weight == 1));
    let stream = LeadStream::synthetic(&StreamConfig::default(), &team, monday(), 28, 5);
    let round_robin = RoundRobin::new(&team);
    let diligent = SeededBehaviour::diligent(5);
    let policy = PoolPolicy {
        zone: StreamConfig::default().zone,
        ..PoolPolicy::default()
    };
    let report = Simulation::new(cfg(team, policy), &round_robin, &stream, monday(), 28)
        .with_behaviour(&diligent)
        .run()
        .report;
    assert!(report.pool.assigned > 700);
    assert_eq!(report.pool.releases, 0);
    assert!(
        report.overall.counts.gini < 0.05,
        "Gini {}",
        report.overall.counts.gini
    );
    // Counts differ by at most one over the whole run.
    assert!(report.overall.counts.max - report.overall.counts.min <= 1.0);
}

/// A team whose first two reps handle far more platform inquiries than the rest.
fn team_with_two_stars() -> (Team, BTreeMap<RepId, RepProfile>) {
    let team = Team::new((1..=10).map(|i| Rep::new(RepId(i), format!("Rep {i:02}"))));
    let profiles = (1..=10)
        .map(|i| {
            let inquiries = if i <= 2 { 20.0 } else { 1.0 };
            (
                RepId(i),
                RepProfile {
                    inquiries_per_day: inquiries,
                    ..RepProfile::default()
                },
            )
        })
        .collect();
    (team, profiles)
}

#[test]
fn performance_ranking_gives_website_inquiries_to_last_weeks_top_performers() {
    // Seed rule 3: website inquiries to the best performers of the previous week, here the
    // top 2 by inquiries handled; directory lists rotate over everyone.
    let (team, profiles) = team_with_two_stars();
    let allocation = Policy::Router {
        routes: BTreeMap::from([(
            SourceKind::Website,
            Policy::Ranking(RankingPolicy {
                key: Some("website".into()),
                window: Window::PreviousWeek,
                weights: BTreeMap::from([(Metric::from("inquiries_handled"), 1.0)]),
                mode: RankingMode::TopK { k: 2 },
            }),
        )]),
        default: Some(Box::new(Policy::RoundRobin {
            key: None,
            rejoin: Default::default(),
        })),
    };
    let allocator = allocation.build(&team).unwrap();
    let config = StreamConfig {
        mix: BTreeMap::from([(SourceKind::Website, 1), (SourceKind::DirectorySearch, 1)]),
        ..StreamConfig::default()
    };
    let stream = LeadStream::synthetic(&config, &team, monday(), 21, 3);
    // The week before the run, as the CRM recorded it.
    let mut history = Metrics::new();
    let zone = config.zone;
    for day in 1..=7 {
        let date = zone.day_of(monday() - Duration::days(day));
        for rep in team.reps() {
            let handled = if rep.id.0 <= 2 { 100.0 } else { 5.0 };
            history.record(rep.id, date, "inquiries_handled", handled);
        }
    }
    let behaviour = SeededBehaviour::new(3, profiles);
    let policy = PoolPolicy {
        zone,
        ..PoolPolicy::default()
    };
    let report = Simulation::new(cfg(team, policy), &allocator, &stream, monday(), 21)
        .with_behaviour(&behaviour)
        .with_metrics(history)
        .run()
        .report;
    let website = |rep: u64| {
        report.reps[rep as usize - 1]
            .by_source
            .get(&SourceKind::Website)
            .copied()
            .unwrap_or(0)
    };
    let total: u64 = (1..=10).map(website).sum();
    let stars = website(1) + website(2);
    assert!(total > 200, "{total} website leads");
    assert_eq!(stars, total, "every website lead went to the top two");
    assert!(website(1) > total / 4 && website(2) > total / 4);
    // Directory lists still reach everyone.
    for row in &report.reps {
        assert!(
            row.by_source
                .get(&SourceKind::DirectorySearch)
                .copied()
                .unwrap_or(0)
                > 10
        );
    }
}

/// A rep who never follows anything up.
struct Idle;

impl RepBehaviour for Idle {
    fn follow_up(
        &self,
        _: &Today<'_>,
        _: &Rep,
        _: &Client,
        _: &mut dyn Rng,
    ) -> Option<ContactLevel> {
        None
    }
    fn close(&self, _: &Today<'_>, _: &Rep, _: &Client, _: f64, _: &mut dyn Rng) -> Option<Close> {
        None
    }
}

#[test]
fn a_harness_user_plugs_in_an_allocator_and_a_behaviour_and_the_log_rebuilds_the_state() {
    let team = Team::new((1..=3).map(|i| Rep::new(RepId(i), format!("Rep {i}"))));
    let always_rep_3 = from_fn(|request, _rng| {
        Decision::assigned(
            request.client().id(),
            RepId(3),
            Explanation::new(Step::Custom {
                rule: Label::new("always_rep_3"),
                rep: Some(RepId(3)),
            }),
        )
    });
    let policy = SimPolicy::seed_pool();
    let config = StreamConfig {
        leads_per_day: 5,
        zone: policy.zone,
        ..StreamConfig::default()
    };
    let stream = LeadStream::synthetic(&config, &team, monday(), 21, 1);
    let start = cfg(team.clone(), policy);
    let outcome = Simulation::new(start.clone(), &always_rep_3, &stream, monday(), 21)
        .with_behaviour(&Idle)
        .run();
    let report = &outcome.report;
    assert_eq!(report.reps[2].assigned, report.pool.assigned);
    assert_eq!(report.reps[2].follow_ups, 0);
    // Seed 001: not followed up for N + M = 15 days -> released with the reason shown.
    let releases: Vec<&Event> = outcome
        .events
        .iter()
        .filter(|e| matches!(e, Event::Released { .. }))
        .collect();
    assert_eq!(releases.len() as u64, report.pool.releases);
    assert!(!releases.is_empty());
    assert!(releases.iter().all(|e| matches!(e,
        Event::Released { reason, from: RepId(3), .. }
            if reason.is_automatic() && reason.to_string() == "not followed up for 15 days")));
    assert_eq!(report.reps[2].reminders, report.pool.reminders);
    assert_eq!(PoolState::replay(start, &outcome.events), outcome.state);
}

#[test]
fn an_empty_stream_and_a_zero_day_run_report_defined_values() {
    let team = SyntheticTeam::generate(&TeamConfig::default(), 1).team;
    let stream = LeadStream::default();
    let round_robin = RoundRobin::new(&team);
    for days in [0, 7] {
        let report = Simulation::new(
            cfg(team.clone(), PoolPolicy::default()),
            &round_robin,
            &stream,
            monday(),
            days,
        )
        .run()
        .report;
        assert_eq!(report.pool.arrivals, 0);
        assert_eq!(report.overall.counts.gini, 0.0);
        assert_eq!(report.overall.counts.jain, 1.0);
        assert!(!report.to_string().contains("NaN"));
    }
}

#[test]
fn the_example_policy_file_loads_and_runs_round_robin_fairly() {
    let policy: SimPolicy =
        serde_json::from_str(include_str!("../examples/policies/round_robin.json")).unwrap();
    assert_eq!(policy.pool.remind_after_days, Some(7));
    let team = SyntheticTeam::generate(&TeamConfig::default(), 2).team;
    let config = StreamConfig {
        zone: policy.pool.zone,
        ..StreamConfig::default()
    };
    let stream = LeadStream::synthetic(&config, &team, monday(), 14, 2);
    let allocator = policy.build(&team).unwrap();
    let diligent = SeededBehaviour::diligent(2);
    let report = Simulation::new(cfg(team, policy.pool), &allocator, &stream, monday(), 14)
        .with_behaviour(&diligent)
        .run()
        .report;
    assert_eq!(
        report.pool.assigned,
        stream.len() as u64 - report.pool.duplicates
    );
    assert!(report.overall.counts.gini < 0.05);
}

#[test]
fn a_run_reaching_past_chronos_last_day_stops_without_panicking() {
    let team = SyntheticTeam::generate(&TeamConfig::default(), 1).team;
    let start = DateTime::<Utc>::MAX_UTC - Duration::days(2);
    let stream = LeadStream::synthetic(&StreamConfig::default(), &team, start, 10, 1);
    assert!(!stream.is_empty());
    let round_robin = RoundRobin::new(&team);
    let report = Simulation::new(
        cfg(team, PoolPolicy::default()),
        &round_robin,
        &stream,
        start,
        10,
    )
    .run()
    .report;
    assert_eq!(
        report.pool.assigned + report.pool.duplicates,
        stream.len() as u64
    );
}

#[test]
fn the_report_reads_back_from_its_json() {
    let report = default_run(9);
    let json = serde_json::to_string(&report).unwrap();
    assert!(!json.contains("NaN"));
    let back: SimReport = serde_json::from_str(&json).unwrap();
    assert_eq!(back.pool, report.pool);
    assert_eq!(back.reps.len(), report.reps.len());
    assert_eq!(back.weekly.len(), report.weekly.len());
    assert_eq!(back.reps[0].by_source, report.reps[0].by_source);
    assert_eq!(back.zone, report.zone);
}

/// The pool configuration of a test team under `policy`.
fn cfg(team: Team, policy: PoolPolicy) -> leadpool::pool::Config {
    leadpool::pool::Config::new(team, policy).expect("a valid test configuration")
}
