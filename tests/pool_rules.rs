//! One test per pool rule of seed 001 and the peers' features, named for the rule.

mod pool_support;

use chrono::Duration;
use leadpool::TeamZone;
use leadpool::ids::{ClientId, PoolId, RepId};
use leadpool::model::{ContactLevel, Rep};
use leadpool::pool::{
    Assigner, Command, CooldownScope, Event, Flag, PoolDef, PoolError, PoolPolicy, PoolState,
    RecycleKind, RecycleRule, Route, TransferScope,
};
use pool_support::*;
use std::collections::BTreeSet;

#[test]
fn cap_reached_claim_refused_with_the_numbers() {
    let mut w = World::new(
        2,
        PoolPolicy {
            private_cap: Some(2),
            ..seed_policy()
        },
    );
    w.import(1..=3);
    w.claim(1, A, t0()).unwrap();
    w.claim(2, A, t0()).unwrap();
    let err = w.claim(3, A, t0()).unwrap_err();
    assert_eq!(
        err,
        PoolError::CapReached {
            rep: A,
            holding: 2,
            cap: 2
        }
    );
    assert_eq!(w.owner(3), None);
    assert_eq!(w.holding(A), 2);
}

#[test]
fn per_rep_cap_overrides_come_from_the_policy_first_then_the_rep() {
    let team =
        leadpool::allocate::Team::new([Rep::new(A, "a").with_cap(1), Rep::new(B, "b").with_cap(1)]);
    let mut policy = PoolPolicy {
        private_cap: Some(5),
        ..seed_policy()
    };
    policy.cap_overrides.insert(B, 3);
    let mut w = World {
        state: PoolState::new(team),
        policy,
        log: Vec::new(),
    };
    w.import(1..=5);
    w.claim(1, A, t0()).unwrap();
    assert!(matches!(
        w.claim(2, A, t0()),
        Err(PoolError::CapReached { cap: 1, .. })
    ));
    for id in 2..=4 {
        w.claim(id, B, t0()).unwrap();
    }
    assert!(matches!(
        w.claim(5, B, t0()),
        Err(PoolError::CapReached { cap: 3, .. })
    ));
}

#[test]
fn holding_cap_can_leave_won_clients_out() {
    let mut w = World::new(
        2,
        PoolPolicy {
            private_cap: Some(1),
            cap_excludes_won: true,
            ..seed_policy()
        },
    );
    w.import(1..=2);
    w.claim(1, A, t0()).unwrap();
    w.run(
        Command::MarkDeal {
            client: ClientId(1),
            closed_by: A,
        },
        day(1),
    )
    .unwrap();
    w.claim(2, A, day(1))
        .expect("the won client does not count against the cap");
    assert_eq!(w.holding(A), 2);
    assert_eq!(w.state.ledger(A).holding_won, 1);
}

#[test]
fn reminder_at_day_n_and_release_at_n_plus_m_with_the_reason() {
    let mut w = World::new(2, seed_policy());
    w.import([1]);
    w.claim(1, A, t0()).unwrap();
    assert!(w.sweep(day(7) - Duration::seconds(1)).is_empty());
    let reminded = w.sweep(day(7));
    assert!(
        matches!(&reminded[..], [Event::Reminded { rep, release_at, .. }] if *rep == A && *release_at == day(10))
    );
    assert!(w.sweep(day(8)).is_empty(), "a reminder is sent once");
    assert!(w.sweep(day(10) - Duration::seconds(1)).is_empty());
    let released = w.sweep(day(10));
    match &released[..] {
        [
            Event::Released {
                from,
                reason,
                automatic: true,
                ..
            },
        ] => {
            assert_eq!(*from, A);
            assert_eq!(reason, "not followed up for 10 days");
        }
        other => panic!("expected one automatic release, got {other:?}"),
    }
    let c = w.state.client(ClientId(1)).unwrap();
    assert!(c.is_public());
    assert_eq!(
        c.custody.last_release.as_ref().unwrap().reason,
        "not followed up for 10 days"
    );
    assert_eq!(w.holding(A), 0);
}

#[test]
fn follow_up_by_the_owner_restarts_the_timers() {
    let mut w = World::new(1, seed_policy());
    w.import([1]);
    w.claim(1, A, t0()).unwrap();
    w.run(
        Command::FollowUp {
            client: ClientId(1),
            rep: A,
            level: ContactLevel::Phone,
            note: String::new(),
        },
        day(6),
    )
    .unwrap();
    assert!(w.sweep(day(10)).is_empty());
    assert!(matches!(&w.sweep(day(13))[..], [Event::Reminded { .. }]));
    assert!(matches!(&w.sweep(day(16))[..], [Event::Released { .. }]));
}

fn released_at_day_10(policy: PoolPolicy) -> World {
    let mut w = World::new(3, policy);
    w.import([1]);
    w.claim(1, A, t0()).unwrap();
    w.sweep(day(10));
    assert_eq!(w.owner(1), None);
    w
}

#[test]
fn former_owner_refused_inside_the_cooldown_and_accepted_after() {
    let mut w = released_at_day_10(seed_policy());
    let err = w.claim(1, A, day(14)).unwrap_err();
    assert_eq!(
        err,
        PoolError::Cooldown {
            client: ClientId(1),
            rep: A,
            until: day(15)
        }
    );
    w.claim(1, A, day(15)).expect("the cooldown is over");
}

#[test]
fn another_rep_allowed_during_and_after_the_former_owners_cooldown() {
    let mut w = released_at_day_10(seed_policy());
    w.claim(1, B, day(11))
        .expect("the cooldown binds only the former owner");
    let mut w = released_at_day_10(seed_policy());
    w.claim(1, B, day(15)).expect("after the cooldown");
}

#[test]
fn cooldown_for_everyone_refuses_every_rep_until_it_ends() {
    let policy = PoolPolicy {
        cooldown_scope: CooldownScope::Everyone,
        ..seed_policy()
    };
    let mut w = released_at_day_10(policy);
    assert!(matches!(
        w.claim(1, B, day(12)),
        Err(PoolError::Cooldown { rep: B, .. })
    ));
    w.claim(1, B, day(15)).unwrap();
}

#[test]
fn cooldown_counts_from_the_release_not_the_claim() {
    let mut w = World::new(
        2,
        PoolPolicy {
            cooldown_days: 5,
            ..PoolPolicy::default()
        },
    );
    w.import([1]);
    w.claim(1, A, t0()).unwrap();
    w.run(
        Command::Release {
            client: ClientId(1),
            rep: A,
            reason: "no budget".into(),
        },
        day(20),
    )
    .unwrap();
    assert!(
        matches!(w.claim(1, A, day(24)), Err(PoolError::Cooldown { until, .. }) if until == day(25))
    );
}

#[test]
fn daily_claim_limit_counts_per_team_calendar_day() {
    let policy = PoolPolicy {
        daily_claim_limit: Some(2),
        zone: TeamZone::east_hours(8).unwrap(),
        ..PoolPolicy::default()
    };
    let mut w = World::new(1, policy);
    w.import(1..=4);
    // 09:00 UTC is 17:00 in UTC+8; 16:30 UTC is 00:30 the next team day.
    w.claim(1, A, t0()).unwrap();
    w.claim(2, A, t0() + Duration::hours(6)).unwrap();
    let err = w
        .claim(3, A, t0() + Duration::minutes(6 * 60 + 59))
        .unwrap_err();
    assert!(matches!(
        err,
        PoolError::DailyLimit {
            claims: 2,
            limit: 2,
            ..
        }
    ));
    w.claim(3, A, t0() + Duration::minutes(7 * 60 + 30))
        .expect("a new day in UTC+8");
}

#[test]
fn refused_claim_does_not_use_the_daily_quota() {
    let policy = PoolPolicy {
        daily_claim_limit: Some(1),
        private_cap: Some(1),
        ..seed_policy()
    };
    let mut w = World::new(2, policy);
    w.import(1..=3);
    w.claim(1, B, t0()).unwrap();
    assert!(matches!(
        w.claim(1, A, t0()),
        Err(PoolError::AlreadyOwned { .. })
    ));
    assert_eq!(w.state.ledger(A).claims_today, 0);
    w.claim(2, A, t0())
        .expect("the refused claim did not count");
    assert!(matches!(
        w.claim(3, A, t0()),
        Err(PoolError::CapReached { .. })
    ));
}

#[test]
fn phone_only_contact_does_not_protect() {
    let mut w = World::new(2, seed_policy());
    w.import([1]);
    w.run(
        Command::FollowUp {
            client: ClientId(1),
            rep: A,
            level: ContactLevel::Phone,
            note: "called".into(),
        },
        t0(),
    )
    .unwrap();
    let c = w.state.client(ClientId(1)).unwrap();
    let verdict = leadpool::conflict::may_contact(c, B, day(1), 30);
    assert_eq!(
        verdict,
        leadpool::conflict::ContactVerdict::Notice { by: A, at: t0() }
    );
    w.claim(1, B, day(1))
        .expect("a phone call protects nothing");
}

#[test]
fn visit_protects_for_x_days_and_not_after() {
    let mut w = World::new(2, seed_policy());
    w.import([1]);
    w.run(
        Command::FollowUp {
            client: ClientId(1),
            rep: A,
            level: ContactLevel::Visit,
            note: "met".into(),
        },
        t0(),
    )
    .unwrap();
    let err = w.claim(1, B, day(29)).unwrap_err();
    assert_eq!(
        err,
        PoolError::Protected {
            client: ClientId(1),
            by: A,
            level: Some(ContactLevel::Visit),
            since: t0()
        }
    );
    w.claim(1, B, day(30)).expect("the window has closed");
}

#[test]
fn non_owner_contact_with_an_owned_client_is_refused_with_who_and_since() {
    let mut w = World::new(2, seed_policy());
    w.import([1]);
    w.claim(1, A, t0()).unwrap();
    let err = w
        .run(
            Command::FollowUp {
                client: ClientId(1),
                rep: B,
                level: ContactLevel::Phone,
                note: String::new(),
            },
            day(1),
        )
        .unwrap_err();
    assert_eq!(
        err,
        PoolError::Protected {
            client: ClientId(1),
            by: A,
            level: None,
            since: t0()
        }
    );
}

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
        matches!(&events[..], [Event::DealMarked { credited_to, closed_by, .. }] if *credited_to == A && *closed_by == B)
    );
    let c = w.state.client(ClientId(1)).unwrap();
    assert_eq!(c.deal_owner(), Some(A));
    assert_eq!(c.owner, Some(A));
    assert_eq!(c.deadline, None, "a won client is exempt from recycling");
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
    assert_eq!(moved.custody.owned_since, Some(day(2)));
    assert_eq!(
        moved.custody.release_at,
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
        PoolError::CapReached {
            rep: B,
            holding: 0,
            cap: 2
        }
    ));
    assert_eq!(w.holding(A), 3);
    w.policy.cap_overrides.clear();
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
    w.run(
        Command::FollowUp {
            client: ClientId(1),
            rep: A,
            level: ContactLevel::Visit,
            note: "factory visit".into(),
        },
        day(5),
    )
    .unwrap();
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
                route: Route::Handover { from, history },
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
fn recycle_no_follow_up_counts_from_the_later_of_follow_up_and_claim() {
    let policy = PoolPolicy {
        recycle: vec![RecycleRule::new(RecycleKind::NoFollowUp, 20, 5)],
        ..PoolPolicy::default()
    };
    let mut w = World::new(2, policy);
    w.import([1]);
    // B phones the public client on day 1, A claims on day 3: the clock runs from the claim.
    w.run(
        Command::FollowUp {
            client: ClientId(1),
            rep: B,
            level: ContactLevel::Phone,
            note: String::new(),
        },
        day(1),
    )
    .unwrap();
    w.claim(1, A, day(3)).unwrap();
    let c = w.state.client(ClientId(1)).unwrap();
    assert_eq!(
        (c.custody.remind_at, c.custody.release_at),
        (Some(day(18)), Some(day(23)))
    );
}

#[test]
fn recycle_no_opportunity_uses_the_client_levels_days_and_reminds_before() {
    let rule = RecycleRule::new(RecycleKind::NoOpportunity, 30, 3).with_level_days("A", 60);
    let mut w = World::new(
        2,
        PoolPolicy {
            recycle: vec![rule],
            ..PoolPolicy::default()
        },
    );
    w.import(1..=2);
    w.run(
        Command::SetFlag {
            client: ClientId(2),
            flag: Flag::Level(Some("A".into())),
        },
        t0(),
    )
    .unwrap();
    w.claim(1, A, t0()).unwrap();
    w.claim(2, A, t0()).unwrap();
    assert!(
        matches!(&w.sweep(day(27))[..], [Event::Reminded { client, .. }] if *client == ClientId(1))
    );
    let released = w.sweep(day(30));
    assert!(
        matches!(&released[..], [Event::Released { client, reason, .. }]
        if *client == ClientId(1) && reason == "no open opportunity 30 days after claim")
    );
    // An open opportunity lifts the rule for client 2.
    w.run(
        Command::SetFlag {
            client: ClientId(2),
            flag: Flag::OpenOpportunity(true),
        },
        day(40),
    )
    .unwrap();
    assert!(w.sweep(day(100)).is_empty());
    assert_eq!(w.owner(2), Some(A));
}

#[test]
fn recycle_no_deal_releases_unless_a_deal_is_marked() {
    let rule = RecycleRule::new(RecycleKind::NoDeal, 90, 7);
    let mut w = World::new(
        1,
        PoolPolicy {
            recycle: vec![rule],
            ..PoolPolicy::default()
        },
    );
    w.import(1..=2);
    w.claim(1, A, t0()).unwrap();
    w.claim(2, A, t0()).unwrap();
    w.run(
        Command::MarkDeal {
            client: ClientId(2),
            closed_by: A,
        },
        day(50),
    )
    .unwrap();
    let released = w.sweep(day(90));
    assert!(
        matches!(&released[..], [Event::Released { client, reason, .. }]
        if *client == ClientId(1) && reason == "no deal 90 days after claim")
    );
    assert_eq!(w.owner(2), Some(A));
}

#[test]
fn locked_and_cooperating_clients_are_exempt_from_auto_release() {
    let mut w = World::new(1, seed_policy());
    w.import(1..=3);
    for id in 1..=3 {
        w.claim(id, A, t0()).unwrap();
    }
    w.run(
        Command::SetFlag {
            client: ClientId(1),
            flag: Flag::Locked(true),
        },
        t0(),
    )
    .unwrap();
    w.run(
        Command::FollowUp {
            client: ClientId(2),
            rep: A,
            level: ContactLevel::Cooperating,
            note: String::new(),
        },
        t0(),
    )
    .unwrap();
    let released = w.sweep(day(30));
    assert!(matches!(&released[..], [Event::Released { client, .. }] if *client == ClientId(3)));
    assert_eq!((w.owner(1), w.owner(2)), (Some(A), Some(A)));
}

#[test]
fn embargo_refuses_every_claim_for_n_days_after_pooling() {
    let mut w = World::new(
        2,
        PoolPolicy {
            embargo_days: Some(2),
            ..seed_policy()
        },
    );
    w.import([1]);
    assert_eq!(
        w.claim(1, A, day(1)).unwrap_err(),
        PoolError::Embargoed {
            client: ClientId(1),
            until: day(2)
        }
    );
    w.claim(1, A, day(2)).unwrap();
}

#[test]
fn pools_have_members_releases_return_to_the_default_pool_and_clients_move_between_pools() {
    let mut policy = seed_policy();
    policy.pools.insert(
        PoolId(0),
        PoolDef {
            name: "general".into(),
            members: BTreeSet::new(),
        },
    );
    policy.pools.insert(
        PoolId(7),
        PoolDef {
            name: "export".into(),
            members: [A].into(),
        },
    );
    let mut w = World::new(2, policy);
    let mut export = client(1);
    export.pool = PoolId(7);
    w.run(
        Command::Import {
            client: Box::new(export),
        },
        t0(),
    )
    .unwrap();
    assert_eq!(
        w.claim(1, B, t0()).unwrap_err(),
        PoolError::NotMember {
            rep: B,
            pool: PoolId(7)
        }
    );
    w.claim(1, A, t0()).unwrap();
    w.run(
        Command::Release {
            client: ClientId(1),
            rep: A,
            reason: "wrong product".into(),
        },
        day(1),
    )
    .unwrap();
    assert_eq!(w.state.client(ClientId(1)).unwrap().pool, PoolId(0));
    w.run(
        Command::MovePool {
            client: ClientId(1),
            to: PoolId(7),
        },
        day(2),
    )
    .unwrap();
    assert_eq!(
        w.state.public_in(PoolId(7)).collect::<Vec<_>>(),
        [ClientId(1)]
    );
    let bad = w
        .run(
            Command::MovePool {
                client: ClientId(1),
                to: PoolId(9),
            },
            day(2),
        )
        .unwrap_err();
    assert_eq!(bad, PoolError::UnknownPool(PoolId(9)));
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
    let by = Assigner::Manager {
        name: "Wang".into(),
    };
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
            c.custody.release_at,
            Some(since + Duration::days(10)),
            "client {id}"
        );
        assert_eq!(c.deadline, Some(since + Duration::days(7)), "client {id}");
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
        (c.owner, c.custody.owned_since, c.deadline),
        (Some(C), Some(day(3)), None)
    );
}

#[test]
fn policy_change_recomputes_every_deadline_deterministically() {
    let mut w = World::new(2, seed_policy());
    w.import(1..=3);
    w.claim(1, A, t0()).unwrap();
    w.claim(2, B, day(1)).unwrap();
    let next = PoolPolicy {
        remind_after_days: Some(14),
        release_after_reminder_days: 7,
        ..seed_policy()
    };
    let command = Command::ChangePolicy {
        policy: Box::new(next.clone()),
    };
    let first = leadpool::pool::decide(&w.state, &command, day(2), &w.policy).unwrap();
    let second = leadpool::pool::decide(&w.state, &command, day(2), &w.policy).unwrap();
    assert_eq!(first, second);
    w.run(command, day(2)).unwrap();
    let c1 = w.state.client(ClientId(1)).unwrap();
    assert_eq!(
        (c1.custody.remind_at, c1.custody.release_at),
        (Some(day(14)), Some(day(21)))
    );
    assert_eq!(
        c1.custody.release_reason.as_deref(),
        Some("not followed up for 21 days")
    );
    let c2 = w.state.client(ClientId(2)).unwrap();
    assert_eq!(c2.custody.release_at, Some(day(22)));
    assert_eq!(w.state.client(ClientId(3)).unwrap().deadline, None);
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
        reason: "  ".into(),
    };
    assert_eq!(
        w.run(blank, day(1)).unwrap_err(),
        PoolError::MissingReason(ClientId(1))
    );
    let stranger = Command::Release {
        client: ClientId(1),
        rep: B,
        reason: "mine now".into(),
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
    w.run(
        Command::FollowUp {
            client: ClientId(2),
            rep: B,
            level: ContactLevel::Sample,
            note: "sample".into(),
        },
        day(2),
    )
    .unwrap();
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
    let rebuilt = PoolState::replay(team(3), &log);
    assert_eq!(rebuilt, w.state);
}
