//! The learning allocator (`leadpool::allocate::Learned`): Thompson sampling that learns only
//! from the outcomes it is told, behind a minimum share, eligibility and load limits.

use chrono::{DateTime, Duration, TimeZone, Utc};
use leadpool::allocate::{
    Allocator, Filter, Learned, LearnedPolicy, Policy, Prior, Request, Team, TeamView,
};
use leadpool::config::ConfigRule;
use leadpool::ids::{ClientId, RepId};
use leadpool::model::{Availability, Client, Rep, Source};
use leadpool::reason::ExclusionReason;
use leadpool::rng::seeded;
use std::collections::BTreeMap;

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 23, 1, 0, 0).unwrap()
}

fn team(n: u64) -> Team {
    Team::new((1..=n).map(|i| Rep::new(RepId(i), format!("rep {i}"))))
}

fn lead(i: u64) -> Client {
    let product = if i % 2 == 0 { "pumps" } else { "valves" };
    Client::new(
        ClientId(i),
        "lead",
        Source::Website,
        t0() + Duration::hours(i as i64),
    )
    .with_tags([product])
}

fn policy(min_share: f64) -> LearnedPolicy {
    LearnedPolicy {
        segments: vec!["pumps".into(), "valves".into()],
        min_share,
        ..LearnedPolicy::default()
    }
}

/// What the tests' CRM knows: who received what, when, and how many leads each rep holds open.
#[derive(Default)]
struct Book {
    received: BTreeMap<RepId, Vec<DateTime<Utc>>>,
    open: BTreeMap<RepId, u32>,
}

impl TeamView for Book {
    fn open_load(&self, rep: RepId) -> u32 {
        self.open.get(&rep).copied().unwrap_or(0)
    }
    fn last_assigned_at(&self, rep: RepId) -> Option<DateTime<Utc>> {
        self.received.get(&rep).and_then(|v| v.last().copied())
    }
    fn received_in(&self, rep: RepId, days: std::ops::Range<chrono::NaiveDate>) -> u32 {
        self.received.get(&rep).map_or(0, |v| {
            v.iter().filter(|t| days.contains(&t.date_naive())).count() as u32
        })
    }
}

impl Book {
    fn count(&self, rep: RepId) -> usize {
        self.received.get(&rep).map_or(0, Vec::len)
    }
}

/// Plays `leads` leads through `learned` (seeded by `seed`); each lead's outcome is told at
/// once: `wins(rep)` says whether that rep wins. Returns the book and the decisions.
fn play(
    learned: &mut Learned,
    team: &Team,
    leads: u64,
    seed: u64,
    wins: impl Fn(RepId) -> bool,
) -> (Book, Vec<Option<RepId>>) {
    let mut book = Book::default();
    let mut rng = seeded(seed);
    let mut decisions = Vec::new();
    for i in 1..=leads {
        let client = lead(i);
        let decision = {
            let request = Request::new(&client, team, client.created_at()).with_view(&book);
            learned.allocate(&request, &mut rng)
        };
        decisions.push(decision.rep);
        if let Some(rep) = decision.rep {
            book.received
                .entry(rep)
                .or_default()
                .push(client.created_at());
            learned.observe(&client, rep, wins(rep));
        }
    }
    (book, decisions)
}

#[test]
fn a_rep_that_always_wins_gets_most_leads_when_no_floor_holds_it_back() {
    let team = team(5);
    let mut learned = policy(0.0).build_learned(&team).unwrap();
    let (book, _) = play(&mut learned, &team, 1000, 1, |rep| rep == RepId(1));
    assert!(book.count(RepId(1)) > 600, "{}", book.count(RepId(1)));
    assert!(learned.mean(RepId(1), Some("pumps")) > learned.mean(RepId(2), Some("pumps")));
}

#[test]
fn every_rep_keeps_its_minimum_share_however_badly_it_does() {
    let team = team(5);
    // 0.8 of an equal share over a 28-day window; leads arrive hourly, so the window holds
    // 672 leads and the floor is about 107 per rep per window.
    let mut learned = policy(0.8 / 5.0).build_learned(&team).unwrap();
    let (book, _) = play(&mut learned, &team, 2000, 1, |rep| rep == RepId(1));
    for rep in team.reps() {
        let share = book.count(rep.id) as f64 / 2000.0;
        assert!(share >= 0.8 / 5.0 - 0.005, "{}: {share}", rep.id);
    }
    // The rest still follows the outcomes.
    assert!(book.count(RepId(1)) > book.count(RepId(2)));
}

#[test]
fn the_full_floor_is_an_equal_rotation() {
    let team = team(4);
    let mut learned = policy(0.25).build_learned(&team).unwrap();
    let (book, _) = play(&mut learned, &team, 400, 3, |rep| rep == RepId(4));
    for rep in team.reps() {
        assert!(
            (99..=101).contains(&book.count(rep.id)),
            "{}",
            book.count(rep.id)
        );
    }
}

#[test]
fn the_same_seed_gives_the_same_decisions_and_another_seed_differs() {
    let team = team(6);
    let run = |seed| {
        let mut learned = policy(0.0).build_learned(&team).unwrap();
        play(&mut learned, &team, 300, seed, |rep| rep.0 % 2 == 0).1
    };
    assert_eq!(run(7), run(7));
    assert_ne!(run(7), run(8));
}

#[test]
fn it_never_returns_a_rep_a_filter_excludes_or_one_on_leave_or_at_capacity() {
    let reps = vec![
        Rep::new(RepId(1), "excluded by the filter"),
        Rep::new(RepId(2), "on leave").with_availability(Availability::OnLeave {
            until: t0() + Duration::days(365),
        }),
        Rep::new(RepId(3), "at capacity"),
        Rep::new(RepId(4), "free"),
        Rep::new(RepId(5), "free"),
    ];
    let team = Team::new(reps);
    let config = LearnedPolicy {
        capacity: Some(10),
        ..policy(0.0)
    };
    let mut learned = config.build_learned(&team).unwrap();
    let mut book = Book::default();
    book.open.insert(RepId(3), 10);
    let rule = |_: &Request<'_>, rep: &Rep| {
        (rep.id == RepId(1)).then(|| ExclusionReason::Custom {
            rule: leadpool::label::Label::new("excluded in this test"),
        })
    };
    let mut rng = seeded(5);
    for i in 1..=300 {
        let client = lead(i);
        let decision = {
            let filtered = Filter::new(&learned, rule);
            let request = Request::new(&client, &team, client.created_at()).with_view(&book);
            filtered.allocate(&request, &mut rng)
        };
        let rep = decision.rep.expect("two reps are free");
        assert!(rep == RepId(4) || rep == RepId(5), "got {rep}");
        assert!(matches!(
            decision.explanation.decisive(),
            Some(
                leadpool::reason::Step::ThompsonDraw { .. }
                    | leadpool::reason::Step::MinimumShare { .. }
            )
        ));
        assert_eq!(decision.explanation.considered(), 5);
        assert_eq!(decision.explanation.excluded().count(), 3);
        book.received
            .entry(rep)
            .or_default()
            .push(client.created_at());
        // The excluded reps "win" everything: it must not matter.
        learned.observe(&client, rep, false);
        learned.observe(&client, RepId(1), true);
    }
}

#[test]
fn nobody_eligible_is_an_unassigned_decision_with_reasons() {
    let team = Team::new([Rep::new(RepId(1), "a").with_availability(Availability::Inactive)]);
    let learned = policy(0.0).build_learned(&team).unwrap();
    let client = lead(1);
    let decision = learned.allocate(&Request::new(&client, &team, t0()), &mut seeded(1));
    assert_eq!(decision.rep, None);
    assert_eq!(
        decision.explanation.decisive(),
        Some(&leadpool::reason::Step::NobodyEligible)
    );
    assert_eq!(
        decision.explanation.to_string(),
        "no rep may take the client"
    );
}

#[test]
fn a_newcomer_gets_leads_from_the_first_day_on_the_prior() {
    let team = team(5);
    // Four veterans with a long, good record; rep 5 has none.
    let mut veterans = policy(0.0).build_learned(&team).unwrap();
    for i in 0..400u64 {
        let rep = RepId(1 + i % 4);
        veterans.observe(&lead(i), rep, i % 3 != 0);
    }
    let config = LearnedPolicy {
        learned: veterans.posterior(),
        ..policy(0.0)
    };
    let mut learned = config.build_learned(&team).unwrap();
    let (book, _) = play(&mut learned, &team, 24, 11, |_| true);
    assert!(
        book.count(RepId(5)) >= 1,
        "the newcomer got nothing on day one"
    );
}

#[test]
fn bad_configuration_is_a_typed_error() {
    let team = team(4);
    let build = |p: LearnedPolicy| p.build_learned(&team).map(|_| ());
    let path = |p: LearnedPolicy| build(p).err().map(|e| e.path);
    assert_eq!(path(policy(0.3)), Some("min_share".to_owned()));
    assert_eq!(
        build(policy(0.3)).err().map(|e| e.rule),
        Some(ConfigRule::OutOfRange {
            value: 0.3,
            min: 0.0,
            max: 0.25
        })
    );
    assert_eq!(path(policy(-0.1)), Some("min_share".to_owned()));
    assert_eq!(path(policy(f64::NAN)), Some("min_share".to_owned()));
    let prior = |prior| LearnedPolicy {
        prior,
        ..policy(0.0)
    };
    for bad in [
        Prior {
            mean: 1.5,
            ..Prior::default()
        },
        Prior {
            cell_strength: f64::INFINITY,
            ..Prior::default()
        },
        Prior {
            team_strength: 0.0,
            ..Prior::default()
        },
    ] {
        let err = build(prior(bad)).unwrap_err();
        assert!(err.path.starts_with("prior."), "{err}");
    }
    let no_window = LearnedPolicy {
        window_days: 0,
        ..policy(0.0)
    };
    assert_eq!(path(no_window), Some("window_days".to_owned()));
    assert!(build(policy(0.25)).is_ok());
}

#[test]
fn the_policy_is_serde_and_what_was_learned_survives_a_restart() {
    let team = team(3);
    let mut learned = policy(0.1).build_learned(&team).unwrap();
    play(&mut learned, &team, 120, 2, |rep| rep == RepId(2));
    let stored = Policy::Learned(LearnedPolicy {
        learned: learned.posterior(),
        ..learned.config().clone()
    });
    let json = serde_json::to_string(&stored).unwrap();
    assert!(json.contains(r#""strategy":"learned""#));
    let back: Policy = serde_json::from_str(&json).unwrap();
    assert_eq!(back, stored);
    let Policy::Learned(config) = back else {
        unreachable!()
    };
    let resumed = config.build_learned(&team).unwrap();
    assert_eq!(resumed.posterior(), learned.posterior());
    assert_eq!(
        resumed.mean(RepId(2), Some("valves")),
        learned.mean(RepId(2), Some("valves"))
    );
    // The boxed form builds too, and decides.
    let boxed = stored.build(&team).unwrap();
    let client = lead(500);
    assert!(
        boxed
            .allocate(&Request::new(&client, &team, t0()), &mut seeded(1))
            .rep
            .is_some()
    );
    // A minimal policy reads with every default.
    let minimal: Policy = serde_json::from_str(r#"{"strategy":"learned"}"#).unwrap();
    assert!(minimal.build(&team).is_ok());
}
