//! The `Pool` facade over a store, the allocator view, the 撞单 check and the reports.

mod pool_support;

use chrono::{Datelike, Duration};
use leadpool::TeamZone;
use leadpool::allocate::{
    AllocState, Allocator, Decision, ExclusionReason, Explanation, Request, TeamView,
};
use leadpool::conflict::{ContactVerdict, Protection, may_contact};
use leadpool::ids::{ClientId, RepId};
use leadpool::model::{ContactLevel, DedupeKeys, Metrics, Region};
use leadpool::pool::report::{leaderboard, monthly};
use leadpool::pool::{
    Assigner, Event, Pool, PoolError, PoolPolicy, PoolView, Route, TransferScope,
};
use leadpool::rng::{Rng, seeded};
use leadpool::store::{ClientStore, MemoryStore};
use pool_support::*;

/// A test allocator: the rep with the lightest open load the pool would not refuse.
struct LightestLoad;

impl Allocator for LightestLoad {
    fn allocate(&self, request: &Request<'_>, _rng: &mut dyn Rng) -> Decision {
        let mut excluded = Vec::new();
        let mut best = None;
        for rep in request.team.reps() {
            if let Some(exclusion) = request.view.pool_refusal(rep.id, request.client) {
                excluded.push(exclusion);
                continue;
            }
            let load = request.view.open_load(rep.id);
            if best.is_none_or(|(_, l)| load < l) {
                best = Some((rep.id, load));
            }
        }
        let explanation = Explanation {
            rule: "lightest_load".into(),
            considered: request.team.len() as u32,
            excluded,
            reason: "fewest open clients".into(),
            figure: best.map(|(_, l)| f64::from(l)),
            steps: Vec::new(),
        };
        match best {
            Some((rep, _)) => Decision::assigned(request.client.id, rep, explanation),
            None => Decision::unassigned(request.client.id, explanation),
        }
    }
}

fn seed_pool(clients: u64) -> Pool<MemoryStore> {
    let policy = PoolPolicy {
        private_cap: Some(2),
        ..seed_policy()
    };
    let pool = Pool::new(MemoryStore::new(), team(3), policy);
    for id in 1..=clients {
        pool.import(client(id), t0()).unwrap();
    }
    pool
}

#[test]
fn facade_runs_the_life_cycle_against_the_store() {
    let pool = seed_pool(3);
    pool.claim(ClientId(1), A, t0()).unwrap();
    pool.follow_up(ClientId(1), A, ContactLevel::Phone, "called", day(1))
        .unwrap();
    pool.claim(ClientId(2), B, t0()).unwrap();
    let store = pool.store();
    assert_eq!(store.due_by(day(7)).unwrap(), [ClientId(2)]);
    let events = pool.sweep(day(10)).unwrap();
    assert!(
        matches!(&events[..], [Event::Released { client: released, .. }, Event::Reminded { client, .. }]
        if *client == ClientId(1) && *released == ClientId(2))
    );
    let c2 = store.get(ClientId(2)).unwrap().unwrap().value;
    assert!(c2.is_public());
    assert_eq!(store.ledger(B).unwrap().value.holding, 0);
    assert_eq!(
        pool.claim(ClientId(2), B, day(11)).unwrap_err(),
        PoolError::Cooldown {
            client: ClientId(2),
            rep: B,
            until: day(15)
        }
    );
    pool.claim(ClientId(2), C, day(11)).unwrap();
    pool.claim(ClientId(3), C, day(11)).unwrap();
    pool.transfer(A, C, TransferScope::All, day(12))
        .unwrap_err();
    pool.release(ClientId(2), C, "moved abroad", day(12))
        .unwrap();
    pool.transfer(A, C, TransferScope::All, day(12)).unwrap();
    assert_eq!(store.owned_by(C).unwrap(), [ClientId(1), ClientId(3)]);
    pool.mark_deal(ClientId(1), B, day(13)).unwrap();
    assert_eq!(
        store.get(ClientId(1)).unwrap().unwrap().value.deal_owner(),
        Some(C)
    );
    assert_eq!(store.ledger(C).unwrap().value.holding_won, 1);
}

#[test]
fn facade_import_reports_duplicates_found_through_the_store() {
    let pool = seed_pool(0);
    let keys = |name| DedupeKeys::from_raw(Some(name), None, None, None);
    pool.import(client(1).with_keys(keys("Shenzhen Widget Co., Ltd.")), t0())
        .unwrap();
    let events = pool
        .import(client(2).with_keys(keys("shenzhen widget")), t0())
        .unwrap();
    assert!(
        matches!(&events[..], [Event::DuplicateReported { existing, .. }] if *existing == ClientId(1))
    );
    assert_eq!(pool.store().len(), 1);
    assert_eq!(
        pool.import(client(1), t0()).unwrap_err(),
        PoolError::DuplicateId(ClientId(1))
    );
}

#[test]
fn assign_by_rule_publishes_the_allocators_explanation() {
    let pool = seed_pool(4);
    pool.claim(ClientId(1), A, t0()).unwrap();
    pool.claim(ClientId(2), A, t0()).unwrap();
    pool.claim(ClientId(3), B, t0()).unwrap();
    let (decision, events) = pool
        .assign_by_rule(
            ClientId(4),
            &LightestLoad,
            &AllocState::new(),
            &mut seeded(1),
            day(1),
        )
        .unwrap();
    assert_eq!(decision.rep, Some(C));
    assert!(
        decision
            .explanation
            .excluded
            .iter()
            .any(|e| e.rep == A && e.reason == ExclusionReason::AtCap { holding: 2, cap: 2 })
    );
    match &events[..] {
        [
            Event::OwnerChanged {
                to,
                route:
                    Route::Assign {
                        by: Assigner::Rule { explanation },
                    },
                ..
            },
        ] => {
            assert_eq!(*to, C);
            assert_eq!(explanation.rule, "lightest_load");
        }
        other => panic!("expected a rule assignment, got {other:?}"),
    }
}

#[test]
fn manager_assignment_names_the_rep_and_respects_the_cap() {
    let pool = seed_pool(3);
    pool.assign_by_manager(ClientId(1), B, "Wang", t0())
        .unwrap();
    pool.assign_by_manager(ClientId(2), B, "Wang", t0())
        .unwrap();
    let err = pool
        .assign_by_manager(ClientId(3), B, "Wang", t0())
        .unwrap_err();
    assert_eq!(
        err,
        PoolError::CapReached {
            rep: B,
            holding: 2,
            cap: 2
        }
    );
}

#[test]
fn facade_policy_change_retimes_stored_clients() {
    let pool = seed_pool(2);
    pool.claim(ClientId(1), A, t0()).unwrap();
    let next = PoolPolicy {
        remind_after_days: Some(20),
        ..pool.policy()
    };
    pool.change_policy(next.clone(), day(1)).unwrap();
    assert_eq!(pool.policy(), next);
    let c = pool.store().get(ClientId(1)).unwrap().unwrap().value;
    assert_eq!(
        (c.custody.remind_at, c.custody.release_at),
        (Some(day(20)), Some(day(23)))
    );
    assert_eq!(c.deadline, Some(day(20)));
}

#[test]
fn pool_view_reports_what_the_pool_would_refuse() {
    let policy = PoolPolicy {
        private_cap: Some(1),
        daily_claim_limit: Some(1),
        ..seed_policy()
    };
    let mut w = World::new(3, policy);
    w.import(1..=3);
    w.claim(1, A, t0()).unwrap();
    w.claim(2, B, t0()).unwrap();
    w.run(
        leadpool::pool::Command::Release {
            client: ClientId(2),
            rep: B,
            reason: "no".into(),
        },
        day(1),
    )
    .unwrap();
    let view = PoolView::new(&w.state, &w.policy, day(1));
    let c3 = w.state.client(ClientId(3)).unwrap();
    let c2 = w.state.client(ClientId(2)).unwrap();
    assert_eq!(
        view.pool_refusal(A, c3).map(|e| e.reason),
        Some(ExclusionReason::AtCap { holding: 1, cap: 1 })
    );
    assert_eq!(
        view.pool_refusal(B, c2).map(|e| e.reason),
        Some(ExclusionReason::Cooldown { until: day(6) })
    );
    assert_eq!(view.pool_refusal(C, c3), None);
    assert_eq!(view.open_load(A), 1);
    assert_eq!(view.last_assigned_at(A), Some(t0()));
    assert_eq!(view.received_since(A, t0()), 1);
    assert_eq!(view.received_since(A, day(1)), 0);
    assert_eq!(view.held_in_region(A, &Region::world()), 1);
    let same_day = PoolView::new(&w.state, &w.policy, t0());
    let reason = same_day.pool_refusal(C, c3).map(|e| e.reason);
    assert_eq!(reason, None);
}

#[test]
fn view_finds_the_prior_contact_by_dedupe_keys() {
    let mut w = World::new(2, seed_policy());
    let keys = DedupeKeys::from_raw(Some("Acme"), Some("+86 138 0013 8000"), None, Some("86"));
    w.run(
        leadpool::pool::Command::Import {
            client: Box::new(client(1).with_keys(keys.clone())),
        },
        t0(),
    )
    .unwrap();
    w.run(
        leadpool::pool::Command::FollowUp {
            client: ClientId(1),
            rep: B,
            level: ContactLevel::Visit,
            note: String::new(),
        },
        day(1),
    )
    .unwrap();
    let view = PoolView::new(&w.state, &w.policy, day(2));
    let card = DedupeKeys::from_raw(None, Some("13800138000"), None, Some("86"));
    let prior = view.prior_contact(&card).expect("the phone matches");
    assert_eq!(
        (prior.rep, prior.client, prior.level, prior.since),
        (B, ClientId(1), Some(ContactLevel::Visit), day(1))
    );
}

#[test]
fn conflict_check_refuses_cooperating_and_owned_clients_with_who_and_since() {
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
            reason: "handled by key accounts".into(),
        },
        day(2),
    )
    .unwrap();
    let c1 = w.state.client(ClientId(1)).unwrap();
    let verdict = may_contact(c1, B, day(400), 30);
    assert_eq!(
        verdict,
        ContactVerdict::Refused {
            by: A,
            level: Some(ContactLevel::Cooperating),
            since: day(1),
            protection: Protection::Cooperating
        }
    );
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
fn leaderboard_ranks_reps_best_first_and_ties_share_a_rank() {
    let mut metrics = Metrics::new();
    let d = |n| t0().date_naive() + Duration::days(n);
    metrics.record(A, d(0), "revenue", 300.0);
    metrics.record(B, d(1), "revenue", 500.0);
    metrics.record(C, d(2), "revenue", 300.0);
    metrics.record(C, d(30), "revenue", 10_000.0);
    let board = leaderboard(&metrics, "revenue", d(0)..d(7), [C, A, B, RepId(4)]);
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
    assert!(policy.is_member(C, leadpool::ids::PoolId(7)));
    assert!(!policy.is_member(B, leadpool::ids::PoolId(7)));
    let json = serde_json::to_string(&policy).unwrap();
    assert_eq!(serde_json::from_str::<PoolPolicy>(&json).unwrap(), policy);
}
