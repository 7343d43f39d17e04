//! One test per pool rule of seed 001 and the peers' features, named for the rule.

mod pool_support;

use chrono::Duration;
use leadpool::TeamZone;
use leadpool::ids::ClientId;
use leadpool::model::{ContactLevel, Rep};
use leadpool::model::{RecycleCause, RecycleKind, ReleaseReason};
use leadpool::pool::{Command, CooldownScope, Event, PoolError, PoolPolicy};
use leadpool::reason::Refusal;
use pool_support::*;

fn not_followed_up_for(days: u32) -> ReleaseReason {
    ReleaseReason::Policy {
        cause: RecycleCause {
            rule: RecycleKind::NoFollowUp,
            days,
        },
    }
}

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
        PoolError::Refused {
            client: ClientId(3),
            rep: A,
            reason: Refusal::CapReached { holding: 2, cap: 2 }
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
    let mut w = World::with_team(team, policy);
    w.import(1..=5);
    w.claim(1, A, t0()).unwrap();
    assert!(matches!(
        w.claim(2, A, t0()),
        Err(PoolError::Refused {
            reason: Refusal::CapReached { cap: 1, .. },
            ..
        })
    ));
    for id in 2..=4 {
        w.claim(id, B, t0()).unwrap();
    }
    assert!(matches!(
        w.claim(5, B, t0()),
        Err(PoolError::Refused {
            reason: Refusal::CapReached { cap: 3, .. },
            ..
        })
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
    assert_eq!(w.state.ledger(A).holding_won(), 1);
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
        [Event::Released { from, reason, .. }] => {
            assert_eq!(*from, A);
            assert_eq!(*reason, not_followed_up_for(10));
            assert!(reason.is_automatic());
            assert_eq!(reason.to_string(), "not followed up for 10 days");
        }
        other => panic!("expected one automatic release, got {other:?}"),
    }
    let c = w.state.client(ClientId(1)).unwrap();
    assert!(c.is_public());
    assert_eq!(
        c.custody().last_release().as_ref().unwrap().reason,
        not_followed_up_for(10)
    );
    assert_eq!(w.holding(A), 0);
}

#[test]
fn follow_up_by_the_owner_restarts_the_timers() {
    let mut w = World::new(1, seed_policy());
    w.import([1]);
    w.claim(1, A, t0()).unwrap();
    w.contact(1, A, ContactLevel::Phone, day(6)).unwrap();
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
        PoolError::Refused {
            client: ClientId(1),
            rep: A,
            reason: Refusal::Cooldown { until: day(15) }
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
        Err(PoolError::Refused {
            rep: B,
            reason: Refusal::Cooldown { .. },
            ..
        })
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
            note: "no budget".into(),
        },
        day(20),
    )
    .unwrap();
    assert!(
        matches!(w.claim(1, A, day(24)), Err(PoolError::Refused { reason: Refusal::Cooldown { until, .. }, .. }) if until == day(25))
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
        PoolError::Refused {
            reason: Refusal::DailyLimit {
                claims: 2,
                limit: 2,
                ..
            },
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
    assert_eq!(w.state.ledger(A).claims_on(t0().date_naive()), 0);
    w.claim(2, A, t0())
        .expect("the refused claim did not count");
    assert!(matches!(
        w.claim(3, A, t0()),
        Err(PoolError::Refused {
            reason: Refusal::CapReached { .. },
            ..
        })
    ));
}

#[test]
fn phone_only_contact_does_not_protect() {
    let mut w = World::new(2, seed_policy());
    w.import([1]);
    w.contact(1, A, ContactLevel::Phone, t0()).unwrap();
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
    w.contact(1, A, ContactLevel::Visit, t0()).unwrap();
    let err = w.claim(1, B, day(29)).unwrap_err();
    assert_eq!(
        err,
        PoolError::Refused {
            client: ClientId(1),
            rep: B,
            reason: Refusal::Protected {
                by: A,
                level: Some(ContactLevel::Visit),
                since: t0(),
                until: Some(day(30))
            }
        }
    );
    w.claim(1, B, day(30)).expect("the window has closed");
}

#[test]
fn non_owner_contact_with_an_owned_client_is_refused_with_who_and_since() {
    let mut w = World::new(2, seed_policy());
    w.import([1]);
    w.claim(1, A, t0()).unwrap();
    let err = w.contact(1, B, ContactLevel::Phone, day(1)).unwrap_err();
    assert_eq!(
        err,
        PoolError::Refused {
            client: ClientId(1),
            rep: B,
            reason: Refusal::Protected {
                by: A,
                level: None,
                since: t0(),
                until: None
            }
        }
    );
}
