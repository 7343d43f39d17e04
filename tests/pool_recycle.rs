//! Recycle rules (no follow-up, no opportunity, no deal; days per client level; reminders),
//! exemptions, the embargo on newly pooled clients, and several pools with members.
mod pool_support;

use leadpool::ids::{ClientId, PoolId};
use leadpool::model::ContactLevel;
use leadpool::model::RecycleKind;
use leadpool::pool::{Command, Event, Flag, PoolDef, PoolError, PoolPolicy, RecycleRule};
use leadpool::reason::Refusal;
use pool_support::*;
use std::collections::BTreeSet;

#[test]
fn recycle_no_follow_up_counts_from_the_later_of_follow_up_and_claim() {
    let policy = PoolPolicy {
        recycle: vec![RecycleRule::new(RecycleKind::NoFollowUp, 20, 5)],
        ..PoolPolicy::default()
    };
    let mut w = World::new(2, policy);
    w.import([1]);
    // B phones the public client on day 1, A claims on day 3: the clock runs from the claim.
    w.contact(1, B, ContactLevel::Phone, day(1)).unwrap();
    w.claim(1, A, day(3)).unwrap();
    let c = w.state.client(ClientId(1)).unwrap();
    assert_eq!(
        (
            c.custody().timers().remind_at,
            c.custody().timers().release_at()
        ),
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
    // The CRM classifies the client (its own data, so the system sets it on a public client).
    w.run_as(
        leadpool::pool::Actor::System,
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
        if *client == ClientId(1) && reason.to_string() == "no open opportunity 30 days after claim")
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
        if *client == ClientId(1) && reason.to_string() == "no deal 90 days after claim")
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
    w.contact(2, A, ContactLevel::Cooperating, t0()).unwrap();
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
        PoolError::Refused {
            client: ClientId(1),
            rep: A,
            reason: Refusal::Embargoed { until: day(2) }
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
            ..PoolDef::default()
        },
    );
    policy.pools.insert(
        PoolId(7),
        PoolDef {
            name: "export".into(),
            members: [A].into(),
            ..PoolDef::default()
        },
    );
    let mut w = World::new(2, policy);
    let mut export = client(1);
    export = export.with_pool(PoolId(7));
    w.run(
        Command::Import {
            client: Box::new(export),
        },
        t0(),
    )
    .unwrap();
    assert_eq!(
        w.claim(1, B, t0()).unwrap_err(),
        PoolError::Refused {
            client: ClientId(1),
            rep: B,
            reason: Refusal::NotMember { pool: PoolId(7) }
        }
    );
    w.claim(1, A, t0()).unwrap();
    w.run(
        Command::Release {
            client: ClientId(1),
            rep: A,
            note: "wrong product".into(),
        },
        day(1),
    )
    .unwrap();
    assert_eq!(w.state.client(ClientId(1)).unwrap().pool(), PoolId(0));
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

/// The release time and rule of client 1.
fn scheduled(w: &World) -> Option<(chrono::DateTime<chrono::Utc>, RecycleKind)> {
    let c = w.state.client(ClientId(1)).unwrap();
    c.custody()
        .timers()
        .release
        .map(|release| (release.at, release.cause.rule))
}

#[test]
fn the_earliest_release_of_all_rules_decides_and_the_first_listed_wins_a_tie() {
    let with = |remind: Option<u32>, recycle: Vec<RecycleRule>| PoolPolicy {
        remind_after_days: remind,
        release_after_reminder_days: 3,
        recycle,
        ..PoolPolicy::default()
    };
    let deal = |days| RecycleRule::new(RecycleKind::NoDeal, days, 1);
    let opportunity = |days| RecycleRule::new(RecycleKind::NoOpportunity, days, 1);
    // (base rule: remind after n days, released 3 days later; further rules) -> the release.
    let cases = [
        // A later-listed rule that releases earlier decides.
        (Some(7), vec![deal(5)], (day(6), RecycleKind::NoDeal)),
        // The base rule releases first: a later rule does not move it.
        (Some(7), vec![deal(30)], (day(11), RecycleKind::NoFollowUp)),
        // The same instant: the base rule, listed first, keeps it.
        (Some(7), vec![deal(10)], (day(11), RecycleKind::NoFollowUp)),
        // Among further rules alone: the earliest, and the first listed on a tie.
        (
            None,
            vec![deal(20), opportunity(9)],
            (day(10), RecycleKind::NoOpportunity),
        ),
        (
            None,
            vec![deal(9), opportunity(9)],
            (day(10), RecycleKind::NoDeal),
        ),
    ];
    for (remind, recycle, expected) in cases {
        let mut w = World::new(1, with(remind, recycle.clone()));
        w.import([1]);
        w.claim(1, A, day(1)).unwrap();
        assert_eq!(scheduled(&w), Some(expected), "{remind:?} {recycle:?}");
    }
}

#[test]
fn a_rule_that_reminds_zero_days_before_sends_no_reminder() {
    let policy = PoolPolicy {
        remind_after_days: None,
        recycle: vec![RecycleRule::new(RecycleKind::NoDeal, 9, 0)],
        ..PoolPolicy::default()
    };
    let mut w = World::new(1, policy);
    w.import([1]);
    w.claim(1, A, day(1)).unwrap();
    let timers = w.state.client(ClientId(1)).unwrap().custody().timers();
    assert_eq!(
        (timers.remind_at, timers.release_at()),
        (None, Some(day(10)))
    );
}

#[test]
fn a_no_deal_rule_does_not_apply_to_a_won_client_even_when_deals_are_not_exempt() {
    let policy = PoolPolicy {
        remind_after_days: None,
        exempt_won: false,
        // The deal's own contact level would exempt the client otherwise.
        exempt_levels: Default::default(),
        recycle: vec![
            RecycleRule::new(RecycleKind::NoDeal, 9, 1),
            RecycleRule::new(RecycleKind::NoOpportunity, 40, 1),
        ],
        ..PoolPolicy::default()
    };
    let mut w = World::new(1, policy);
    w.import([1]);
    w.claim(1, A, day(1)).unwrap();
    assert_eq!(scheduled(&w), Some((day(10), RecycleKind::NoDeal)));
    w.run(
        Command::MarkDeal {
            client: ClientId(1),
            closed_by: A,
        },
        day(2),
    )
    .unwrap();
    // Won: only the no-opportunity rule still runs, from the claim.
    assert_eq!(scheduled(&w), Some((day(41), RecycleKind::NoOpportunity)));
}
