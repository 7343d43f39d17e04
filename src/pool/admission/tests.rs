//! The one-client pass of the admission rules against the batch path it stands for.

use super::*;
use crate::allocate::Team;
use crate::ids::{ClientId, PoolId};
use crate::model::{ContactLevel, Source};
use crate::pool::test_commands::rule_assignment;
use crate::pool::{Actor, Command, Config, CooldownScope, PoolDef, PoolPolicy, decide, evolve};
use chrono::{Duration, TimeZone};

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 2, 9, 0, 0).unwrap()
}

const EXPORT: PoolId = PoolId(7);

/// A pool where every per-client rule refuses someone: an export pool of reps 1 and 2, an
/// embargo, everyone's cooldown, a protection window.
fn state(scope: CooldownScope) -> PoolState {
    let team = Team::new((1..=3).map(|i| Rep::new(RepId(i), format!("rep {i}"))));
    state_with(scope, team, None, |_| {})
}

/// [`state`] for `team`, with the policy changed by `tweak`; with `deal`, that rep closes a
/// deal on the public client 5 a day later (a claim and a deal in one, counted by the daily
/// limit).
fn state_with(
    scope: CooldownScope,
    team: Team,
    deal: Option<RepId>,
    tweak: impl Fn(&mut PoolPolicy),
) -> PoolState {
    let export = PoolDef {
        members: [RepId(1), RepId(2)].into(),
        ..PoolDef::default()
    };
    let policy = PoolPolicy {
        pools: [(PoolId::DEFAULT, PoolDef::default()), (EXPORT, export)].into(),
        embargo_days: Some(1),
        cooldown_days: 3,
        cooldown_scope: scope,
        protection_days: 4,
        private_cap: None,
        ..PoolPolicy::default()
    };
    let mut policy = policy;
    tweak(&mut policy);
    let mut state = PoolState::new(Config::new(team, policy).unwrap());
    let run = |state: &mut PoolState, actor: Actor, command: Command, at: DateTime<Utc>| {
        for event in decide(state, actor, command, at).unwrap() {
            evolve(state, &event);
        }
    };
    for id in 1..=6 {
        let mut client = Client::new(ClientId(id), format!("c{id}"), Source::Website, t0());
        if id == 6 {
            client = client.with_pool(EXPORT);
        }
        let import = Command::Import {
            client: Box::new(client),
        };
        run(&mut state, Actor::System, import, t0());
    }
    let assign = |client: u64, rep: u64| rule_assignment(client, rep).1;
    // Client 2: held by rep 2 and released (embargo; cooldown).
    run(&mut state, Actor::System, assign(2, 2), t0());
    let release = Command::Release {
        client: ClientId(2),
        rep: RepId(2),
        note: "lost".into(),
    };
    run(
        &mut state,
        Actor::Rep(RepId(2)),
        release,
        t0() + Duration::hours(1),
    );
    // Client 3: public, called by rep 3 (protected from the others).
    let call = Command::FollowUp {
        client: ClientId(3),
        rep: RepId(3),
        level: ContactLevel::Phone,
        note: String::new(),
    };
    run(
        &mut state,
        Actor::Rep(RepId(3)),
        call,
        t0() + Duration::hours(1),
    );
    // Client 4: owned by rep 1.
    run(&mut state, Actor::System, assign(4, 1), t0());
    if let Some(closed_by) = deal {
        let deal = Command::MarkDeal {
            client: ClientId(5),
            closed_by,
        };
        // After the embargo, on the next day.
        run(&mut state, Actor::System, deal, t0() + Duration::hours(25));
    }
    state
}

/// For every route, rep, client and instant, the one-client pass refuses as the batch path
/// does for a batch of one; every per-client rule refuses somewhere.
/// The name of a refusal's variant, for counting which rules a test saw refuse.
fn variant(refusal: &Refusal) -> Option<String> {
    format!("{refusal:?}")
        .split([' ', '{'])
        .next()
        .map(str::to_owned)
}

#[test]
fn one_client_is_checked_as_a_batch_of_one() {
    let mut seen = std::collections::BTreeSet::new();
    for scope in [CooldownScope::FormerOwner, CooldownScope::Everyone] {
        let state = state(scope);
        for hours in [2, 30, 24 * 5, 24 * 30] {
            let now = t0() + Duration::hours(hours);
            for route in Route::ALL {
                for rep in 1..=3 {
                    for client in state.clients() {
                        let rep = RepId(rep);
                        let one = one_client(&state, route, rep, client, now).map_err(|r| (0, r));
                        let batch = batch_rules(&state, route, rep, &[client], now);
                        assert_eq!(
                            one,
                            batch,
                            "{route:?} {rep:?} {:?} at +{hours}h",
                            client.id()
                        );
                        if let Err((_, refusal)) = one {
                            seen.insert(variant(&refusal));
                        }
                    }
                }
            }
        }
    }
    for kind in ["NotMember", "Embargoed", "Cooldown", "Protected"] {
        assert!(
            seen.contains(&Some(kind.to_owned())),
            "no {kind} among {seen:?}"
        );
    }
}

/// Every rule of a one-client admission (availability, the per-client rules, the cap, the
/// daily limit), as `decide` asks them for one client, refuses as the batch path does for a
/// batch of one: under caps that refuse someone or nobody (counting won clients or not), daily
/// limits, a rep on leave and an inactive one.
#[test]
fn one_client_is_admitted_as_a_batch_of_one() {
    use crate::model::Availability;
    let back = t0() + Duration::days(3);
    let team = Team::new([
        Rep::new(RepId(1), "rep 1"),
        Rep::new(RepId(2), "rep 2").with_cap(1),
        Rep::new(RepId(3), "rep 3").with_availability(Availability::OnLeave { until: back }),
        Rep::new(RepId(4), "rep 4").with_availability(Availability::Inactive),
    ]);
    let mut seen = std::collections::BTreeSet::new();
    for cap in [None, Some(1), Some(2)] {
        for excludes_won in [false, true] {
            for limit in [None, Some(1), Some(2)] {
                let tweak = |policy: &mut PoolPolicy| {
                    policy.private_cap = cap;
                    policy.cap_excludes_won = excludes_won;
                    policy.daily_claim_limit = limit;
                };
                let state =
                    state_with(CooldownScope::Everyone, team.clone(), Some(RepId(2)), tweak);
                for hours in [2, 30, 24 * 5] {
                    let now = t0() + Duration::hours(hours);
                    for route in Route::ALL {
                        for profile in state.team().reps() {
                            for client in state.clients() {
                                let one = admit_one(&state, route, profile, client, now);
                                let batch = admit_batch(&state, route, profile, &[client], now);
                                assert_eq!(
                                    one,
                                    batch,
                                    "{route:?} {:?} {:?} at +{hours}h, cap {cap:?} \
                                     (won excluded: {excludes_won}), limit {limit:?}",
                                    profile.id,
                                    client.id()
                                );
                                assert_eq!(one, admit_rep(&state, route, profile, &[client], now));
                                if let Err((_, refusal)) = one {
                                    seen.insert(variant(&refusal));
                                }
                            }
                        }
                    }
                }
            }
        }
    }
    for kind in [
        "Unavailable",
        "NotMember",
        "Embargoed",
        "Cooldown",
        "Protected",
        "CapReached",
        "DailyLimit",
    ] {
        assert!(
            seen.contains(&Some(kind.to_owned())),
            "no {kind} among {seen:?}"
        );
    }
}
