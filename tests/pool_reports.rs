//! The 撞单 check and the reports of seed 003, serde of commands and policies, and the
//! facade's bounded retries.
mod pool_support;

use chrono::{Datelike, Duration};
use leadpool::TeamZone;
use leadpool::conflict::{ContactVerdict, Protection, may_contact};
use leadpool::ids::{ClientId, RepId};
use leadpool::model::{ContactLevel, Metric, Metrics};
use leadpool::pool::report::{leaderboard, monthly};
use leadpool::pool::{PoolPolicy, TransferScope};
use pool_support::*;

#[test]
fn a_former_deal_protects_for_the_window_not_for_ever_and_owned_clients_always() {
    let mut w = World::new(3, seed_policy());
    w.import(1..=2);
    w.run(
        leadpool::pool::Command::MarkDeal {
            client: ClientId(1),
            closed_by: A,
        },
        day(1),
    )
    .unwrap();
    w.run(
        leadpool::pool::Command::Release {
            client: ClientId(1),
            rep: A,
            note: "handled by key accounts".into(),
        },
        day(2),
    )
    .unwrap();
    let c1 = w.state.client(ClientId(1)).unwrap();
    // Released after the deal: the cooperation ended; its contact protects like any other.
    assert_eq!(
        may_contact(c1, B, day(30), 30),
        ContactVerdict::Refused {
            by: A,
            level: Some(ContactLevel::Cooperating),
            since: day(1),
            protection: Protection::Window { until: day(31) }
        }
    );
    assert_eq!(may_contact(c1, B, day(31), 30), ContactVerdict::Allowed);
    assert_eq!(may_contact(c1, B, day(400), 30), ContactVerdict::Allowed);
    w.claim(2, C, day(3)).unwrap();
    let c2 = w.state.client(ClientId(2)).unwrap();
    assert!(
        matches!(may_contact(c2, B, day(3), 30), ContactVerdict::Refused { by, protection: Protection::Owned, .. } if by == C)
    );
    assert_eq!(may_contact(c2, C, day(3), 30), ContactVerdict::Allowed);
}

#[test]
fn monthly_report_lists_visited_sampled_and_cooperating_clients_in_two_zones() {
    let mut w = World::new(2, seed_policy());
    w.import(1..=4);
    let log = |w: &mut World, id, rep, level, at| {
        w.run(
            leadpool::pool::Command::FollowUp {
                client: ClientId(id),
                rep,
                level,
                note: String::new(),
            },
            at,
        )
        .unwrap();
    };
    log(&mut w, 1, A, ContactLevel::Visit, day(1));
    log(&mut w, 2, A, ContactLevel::Sample, day(2));
    log(&mut w, 3, B, ContactLevel::Phone, day(2));
    w.claim(4, B, day(3)).unwrap();
    w.run(
        leadpool::pool::Command::MarkDeal {
            client: ClientId(4),
            closed_by: B,
        },
        day(4),
    )
    .unwrap();
    log(&mut w, 1, A, ContactLevel::Sample, day(40));
    let zone = TeamZone::east_hours(8).unwrap();
    let november = zone.month_of(day(1));
    assert_eq!(november.start.month(), 11);
    let rows = monthly(w.state.clients(), zone, &november);
    assert_eq!(rows.len(), 2);
    assert_eq!(
        (
            rows[0].rep,
            rows[0].visited.iter().copied().collect::<Vec<_>>(),
            rows[0].sampled.iter().copied().collect::<Vec<_>>()
        ),
        (A, vec![ClientId(1)], vec![ClientId(2)])
    );
    assert!(rows[0].cooperating.is_empty());
    assert_eq!(
        (
            rows[1].rep,
            rows[1].cooperating.iter().copied().collect::<Vec<_>>()
        ),
        (B, vec![ClientId(4)])
    );
    let december = zone.month_of(day(40));
    let rows = monthly(w.state.clients(), zone, &december);
    assert_eq!(
        rows[0].sampled.iter().copied().collect::<Vec<_>>(),
        [ClientId(1)]
    );
}

#[test]
fn a_deal_closed_by_a_colleague_is_credited_once_to_the_owner() {
    let mut w = World::new(2, seed_policy());
    w.import([1]);
    w.claim(1, A, day(1)).unwrap();
    w.run(
        leadpool::pool::Command::MarkDeal {
            client: ClientId(1),
            closed_by: B,
        },
        day(2),
    )
    .unwrap();
    let zone = TeamZone::east_hours(8).unwrap();
    let rows = monthly(w.state.clients(), zone, &zone.month_of(day(2)));
    assert_eq!(rows.len(), 1, "only the owner has a row: {rows:?}");
    assert_eq!(rows[0].rep, A);
    assert_eq!(
        rows[0].cooperating.iter().copied().collect::<Vec<_>>(),
        [ClientId(1)]
    );
    let deal = w
        .state
        .client(ClientId(1))
        .unwrap()
        .custody()
        .deal()
        .unwrap();
    assert_eq!(
        (deal.credited_to, deal.closed_by),
        (A, B),
        "the closer is kept as data"
    );
}

#[test]
fn leaderboard_ranks_reps_best_first_and_ties_share_a_rank() {
    let mut metrics = Metrics::new();
    let d = |n| t0().date_naive() + Duration::days(n);
    metrics.record(A, d(0), "revenue", 300.0);
    metrics.record(B, d(1), "revenue", 500.0);
    metrics.record(C, d(2), "revenue", 300.0);
    metrics.record(C, d(30), "revenue", 10_000.0);
    let revenue = Metric::from("revenue");
    let board = leaderboard(&metrics, &revenue, d(0)..d(7), [C, A, B, RepId(4)]);
    let rows: Vec<_> = board.iter().map(|s| (s.rank, s.rep, s.value)).collect();
    assert_eq!(
        rows,
        [
            (1, B, 500.0),
            (2, A, 300.0),
            (2, C, 300.0),
            (4, RepId(4), 0.0)
        ]
    );
}

#[test]
fn commands_and_events_round_trip_through_json() {
    let command = leadpool::pool::Command::Transfer {
        from: A,
        to: B,
        scope: TransferScope::Only(vec![ClientId(3)]),
    };
    let json = serde_json::to_string(&command).unwrap();
    assert_eq!(
        serde_json::from_str::<leadpool::pool::Command>(&json).unwrap(),
        command
    );
    let policy: PoolPolicy = toml::from_str("private_cap = 50\nremind_after_days = 7\nrelease_after_reminder_days = 3\ncooldown_days = 5\nzone = \"+08:00\"\n").unwrap();
    assert_eq!(
        (
            policy.private_cap,
            policy.remind_after_days,
            policy.cooldown_days
        ),
        (Some(50), Some(7), 5)
    );
    assert!(policy.exempt_levels.contains(&ContactLevel::Cooperating));
}

#[test]
fn policy_reads_per_rep_caps_and_pools_from_toml() {
    let text = r#"
        private_cap = 50
        default_pool = 0
        [cap_overrides]
        2 = 80
        [pools.0]
        name = "general"
        [pools.7]
        name = "export"
        members = [1, 3]
    "#;
    let policy: PoolPolicy = toml::from_str(text).unwrap();
    assert_eq!(policy.cap_for(B, None), Some(80));
    assert_eq!(policy.cap_for(A, None), Some(50));
    let config = leadpool::pool::Config::new(team(3), policy.clone()).unwrap();
    assert!(config.is_member(C, leadpool::ids::PoolId(7)));
    assert!(!config.is_member(B, leadpool::ids::PoolId(7)));
    let json = serde_json::to_string(&policy).unwrap();
    assert_eq!(serde_json::from_str::<PoolPolicy>(&json).unwrap(), policy);
}
