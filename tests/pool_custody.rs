//! One test per custody rule: deals, transfers, imports, handovers, recycle rules, exemptions,
//! embargo, pools, timers on every owner change, policy changes and replay (seeds 001, 003).
mod pool_support;

use chrono::Duration;
use leadpool::ids::{ClientId, RepId};
use leadpool::model::ContactLevel;
use leadpool::model::{RecycleCause, RecycleKind};
use leadpool::pool::{
    Actor, Assigner, Command, Event, Flag, PoolError, PoolPolicy, PoolState, TransferScope, Via,
};
use leadpool::reason::Refusal;
use pool_support::*;

#[test]
fn deal_credited_to_the_owner_even_when_another_rep_closed_it() {
    let mut w = World::new(2, seed_policy());
    w.import([1]);
    w.claim(1, A, t0()).unwrap();
    let events = w
        .run(
            Command::MarkDeal {
                client: ClientId(1),
                closed_by: B,
            },
            day(3),
        )
        .unwrap();
    assert!(
        matches!(&events[..], [Event::DealMarked { credited_to, contact, .. }] if *credited_to == A && contact.rep == B)
    );
    let c = w.state.client(ClientId(1)).unwrap();
    assert_eq!(c.deal_owner(), Some(A));
    assert_eq!(c.owner(), Some(A));
    assert_eq!(c.deadline(), None, "a won client is exempt from recycling");
}

#[test]
fn transfer_moves_every_named_client_and_nothing_else() {
    let mut w = World::new(3, seed_policy());
    w.import(1..=5);
    for id in 1..=4 {
        w.claim(id, A, t0()).unwrap();
    }
    w.claim(5, C, t0()).unwrap();
    let scope = TransferScope::Only(vec![ClientId(2), ClientId(4)]);
    let events = w
        .run(
            Command::Transfer {
                from: A,
                to: B,
                scope,
            },
            day(2),
        )
        .unwrap();
    assert_eq!(events.len(), 2);
    let owners: Vec<_> = (1..=5).map(|id| w.owner(id)).collect();
    assert_eq!(owners, [Some(A), Some(B), Some(A), Some(B), Some(C)]);
    assert_eq!((w.holding(A), w.holding(B), w.holding(C)), (2, 2, 1));
    let moved = w.state.client(ClientId(2)).unwrap();
    assert_eq!(moved.custody().owned_since(), Some(day(2)));
    assert_eq!(
        moved.custody().timers().release_at(),
        Some(day(12)),
        "the transfer set the timers"
    );
}

#[test]
fn one_click_transfer_moves_all_or_nothing() {
    let mut w = World::new(
        2,
        PoolPolicy {
            cap_overrides: [(B, 2)].into(),
            ..seed_policy()
        },
    );
    w.import(1..=3);
    for id in 1..=3 {
        w.claim(id, A, t0()).unwrap();
    }
    let err = w
        .run(
            Command::Transfer {
                from: A,
                to: B,
                scope: TransferScope::All,
            },
            day(1),
        )
        .unwrap_err();
    assert!(matches!(
        err,
        PoolError::Refused {
            rep: B,
            reason: Refusal::CapReached { holding: 0, cap: 2 },
            ..
        }
    ));
    assert_eq!(w.holding(A), 3);
    let mut uncapped = w.policy().clone();
    uncapped.cap_overrides.clear();
    w.run(
        Command::ChangePolicy {
            policy: Box::new(uncapped),
        },
        day(1),
    )
    .unwrap();
    w.run(
        Command::Transfer {
            from: A,
            to: B,
            scope: TransferScope::All,
        },
        day(1),
    )
    .unwrap();
    assert_eq!((w.holding(A), w.holding(B)), (0, 3));
}

#[test]
fn transfer_of_a_client_the_rep_does_not_own_is_refused_and_moves_nothing() {
    let mut w = World::new(3, seed_policy());
    w.import(1..=2);
    w.claim(1, A, t0()).unwrap();
    w.claim(2, C, t0()).unwrap();
    let scope = TransferScope::Only(vec![ClientId(1), ClientId(2)]);
    let err = w
        .run(
            Command::Transfer {
                from: A,
                to: B,
                scope,
            },
            day(1),
        )
        .unwrap_err();
    assert_eq!(
        err,
        PoolError::NotOwner {
            client: ClientId(2),
            rep: A,
            owner: Some(C)
        }
    );
    assert_eq!((w.owner(1), w.owner(2)), (Some(A), Some(C)));
}

#[test]
fn import_matching_a_known_client_is_reported_not_duplicated() {
    let mut w = World::new(2, seed_policy());
    w.run(
        Command::Import {
            client: Box::new(client_with_company(1, "ACME Co., Ltd.")),
        },
        t0(),
    )
    .unwrap();
    w.claim(1, A, t0()).unwrap();
    let events = w
        .run(
            Command::Import {
                client: Box::new(client_with_company(2, "acme")),
            },
            day(1),
        )
        .unwrap();
    assert!(
        matches!(&events[..], [Event::DuplicateReported { incoming, existing, owner, .. }]
        if *incoming == ClientId(2) && *existing == ClientId(1) && *owner == Some(A))
    );
    assert_eq!(w.state.len(), 1);
    let again = w
        .run(
            Command::Import {
                client: Box::new(client(1)),
            },
            day(1),
        )
        .unwrap_err();
    assert_eq!(again, PoolError::DuplicateId(ClientId(1)));
}

#[test]
fn handover_of_a_long_unclosed_client_shows_the_history_and_restarts_timers() {
    let mut w = World::new(
        2,
        PoolPolicy {
            handover_after_days: 60,
            ..seed_policy()
        },
    );
    w.import([1]);
    w.claim(1, A, t0()).unwrap();
    w.contact(1, A, ContactLevel::Visit, day(5)).unwrap();
    w.run(
        Command::SetFlag {
            client: ClientId(1),
            flag: Flag::Locked(true),
        },
        day(5),
    )
    .unwrap();
    let early = w
        .run(
            Command::Handover {
                client: ClientId(1),
                to: B,
            },
            day(59),
        )
        .unwrap_err();
    assert_eq!(
        early,
        PoolError::HandoverTooEarly {
            client: ClientId(1),
            eligible_at: day(60)
        }
    );
    let events = w
        .run(
            Command::Handover {
                client: ClientId(1),
                to: B,
            },
            day(60),
        )
        .unwrap();
    match &events[..] {
        [
            Event::OwnerChanged {
                to,
                via: Via::Handover { from, history },
                ..
            },
        ] => {
            assert_eq!((*to, *from), (B, A));
            assert_eq!(history.len(), 1);
            assert_eq!(
                (history[0].rep, history[0].level, history[0].at),
                (A, ContactLevel::Visit, day(5))
            );
        }
        other => panic!("expected a handover, got {other:?}"),
    }
    assert_eq!(w.owner(1), Some(B));
}

#[test]
fn every_owner_change_path_sets_the_timers() {
    let mut w = World::new(
        3,
        PoolPolicy {
            handover_after_days: 0,
            ..seed_policy()
        },
    );
    w.import(1..=4);
    w.claim(1, A, t0()).unwrap();
    let by = Assigner::Manager;
    w.run(
        Command::Assign {
            client: ClientId(2),
            rep: A,
            by,
        },
        t0(),
    )
    .unwrap();
    w.claim(3, A, t0()).unwrap();
    w.run(
        Command::Transfer {
            from: A,
            to: B,
            scope: TransferScope::Only(vec![ClientId(3)]),
        },
        day(1),
    )
    .unwrap();
    w.run(
        Command::Handover {
            client: ClientId(1),
            to: C,
        },
        day(2),
    )
    .unwrap();
    for (id, since) in [(1, day(2)), (2, t0()), (3, day(1))] {
        let c = w.state.client(ClientId(id)).unwrap();
        assert_eq!(
            c.custody().timers().release_at(),
            Some(since + Duration::days(10)),
            "client {id}"
        );
        assert_eq!(c.deadline(), Some(since + Duration::days(7)), "client {id}");
    }
    // A deal on a public client makes the closer its owner; the deal exempts it.
    w.run(
        Command::MarkDeal {
            client: ClientId(4),
            closed_by: C,
        },
        day(3),
    )
    .unwrap();
    let c = w.state.client(ClientId(4)).unwrap();
    assert_eq!(
        (c.owner(), c.custody().owned_since(), c.deadline()),
        (Some(C), Some(day(3)), None)
    );
}

#[test]
fn policy_change_recomputes_every_deadline_deterministically() {
    let mut w = World::new(2, seed_policy());
    w.import(1..=3);
    w.claim(1, A, t0()).unwrap();
    w.claim(2, B, day(1)).unwrap();
    let next = administered(PoolPolicy {
        remind_after_days: Some(14),
        release_after_reminder_days: 7,
        ..seed_policy()
    });
    let command = Command::ChangePolicy {
        policy: Box::new(next.clone()),
    };
    let admin = Actor::Admin(ADMIN);
    let first = leadpool::pool::decide(&w.state, admin, command.clone(), day(2)).unwrap();
    let second = leadpool::pool::decide(&w.state, admin, command.clone(), day(2)).unwrap();
    assert_eq!(first, second);
    w.run(command, day(2)).unwrap();
    let c1 = w.state.client(ClientId(1)).unwrap();
    assert_eq!(
        (
            c1.custody().timers().remind_at,
            c1.custody().timers().release_at()
        ),
        (Some(day(14)), Some(day(21)))
    );
    assert_eq!(
        c1.custody().timers().release.map(|r| r.cause),
        Some(RecycleCause {
            rule: RecycleKind::NoFollowUp,
            days: 21
        })
    );
    let c2 = w.state.client(ClientId(2)).unwrap();
    assert_eq!(c2.custody().timers().release_at(), Some(day(22)));
    assert_eq!(w.state.client(ClientId(3)).unwrap().deadline(), None);
    assert!(
        w.sweep(day(20))
            .iter()
            .all(|e| matches!(e, Event::Reminded { .. }))
    );
}

#[test]
fn release_needs_a_reason_and_the_owner() {
    let mut w = World::new(2, seed_policy());
    w.import([1]);
    w.claim(1, A, t0()).unwrap();
    let blank = Command::Release {
        client: ClientId(1),
        rep: A,
        note: "  ".into(),
    };
    assert_eq!(
        w.run(blank, day(1)).unwrap_err(),
        PoolError::MissingReason(ClientId(1))
    );
    let stranger = Command::Release {
        client: ClientId(1),
        rep: B,
        note: "mine now".into(),
    };
    assert!(matches!(
        w.run(stranger, day(1)),
        Err(PoolError::NotOwner { owner: Some(A), .. })
    ));
    assert!(matches!(
        w.claim(9, A, t0()),
        Err(PoolError::UnknownClient(ClientId(9)))
    ));
    w.import([2]);
    assert_eq!(
        w.claim(2, RepId(99), t0()).unwrap_err(),
        PoolError::UnknownRep(RepId(99))
    );
}

#[test]
fn sweep_reads_only_what_is_due_in_deadline_order() {
    let mut w = World::new(1, seed_policy());
    w.import(1..=3);
    w.claim(3, A, t0()).unwrap();
    w.claim(1, A, day(1)).unwrap();
    w.claim(2, A, day(2)).unwrap();
    assert_eq!(
        w.state.due_by(day(8)).collect::<Vec<_>>(),
        [ClientId(3), ClientId(1)]
    );
    let ids: Vec<_> = w.sweep(day(8)).iter().filter_map(Event::client).collect();
    assert_eq!(ids, [ClientId(3), ClientId(1)]);
}

#[test]
fn replaying_the_log_rebuilds_the_state_exactly() {
    let mut w = World::new(3, seed_policy());
    w.import(1..=4);
    w.claim(1, A, t0()).unwrap();
    w.claim(2, B, t0()).unwrap();
    w.contact(2, B, ContactLevel::Sample, day(2)).unwrap();
    w.sweep(day(10));
    w.claim(1, C, day(11)).unwrap();
    w.run(
        Command::MarkDeal {
            client: ClientId(2),
            closed_by: B,
        },
        day(12),
    )
    .unwrap();
    let json = serde_json::to_string(&w.log).unwrap();
    let log: Vec<Event> = serde_json::from_str(&json).unwrap();
    let rebuilt = PoolState::replay(w.start.clone(), &log);
    assert_eq!(rebuilt, w.state);
}
