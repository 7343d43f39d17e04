//! Property test against a reference model: random command sequences from several reps with
//! the clock moving forward must keep the pool's invariants (seed 001).

mod pool_support;

use chrono::{DateTime, Duration, Utc};
use leadpool::ids::{ClientId, PoolId, RepId};
use leadpool::model::{ContactLevel, DedupeKeys};
use leadpool::pool::{
    Assigner, Command, Event, Flag, PoolDef, PoolPolicy, PoolState, Route, TransferScope, decide,
    decide_owned, evolve, evolve_owned,
};
use pool_support::{client, t0, team};
use proptest::prelude::*;
use std::collections::BTreeMap;

const CLIENTS: u64 = 12;
const REPS: u64 = 4;

#[derive(Clone, Debug)]
enum Op {
    Claim(u64, u64),
    Assign(u64, u64),
    Release(u64, u64, bool),
    FollowUp(u64, u64, u8),
    Transfer(u64, u64, Vec<u64>),
    TransferAll(u64, u64),
    Deal(u64, u64),
    Handover(u64, u64),
    Lock(u64, bool),
    Import(u64, u8),
    MovePool(u64, bool),
    ChangePolicy(bool),
    Sweep,
    Advance(i64),
}

fn op() -> impl Strategy<Value = Op> {
    let c = 1..=CLIENTS;
    let r = 1..=REPS;
    prop_oneof![
        6 => (c.clone(), r.clone()).prop_map(|(c, r)| Op::Claim(c, r)),
        2 => (c.clone(), r.clone()).prop_map(|(c, r)| Op::Assign(c, r)),
        2 => (c.clone(), r.clone(), any::<bool>()).prop_map(|(c, r, b)| Op::Release(c, r, b)),
        4 => (c.clone(), r.clone(), 0..4u8).prop_map(|(c, r, l)| Op::FollowUp(c, r, l)),
        1 => (r.clone(), r.clone(), prop::collection::vec(c.clone(), 0..4))
            .prop_map(|(a, b, cs)| Op::Transfer(a, b, cs)),
        1 => (r.clone(), r.clone()).prop_map(|(a, b)| Op::TransferAll(a, b)),
        1 => (c.clone(), r.clone()).prop_map(|(c, r)| Op::Deal(c, r)),
        1 => (c.clone(), r.clone()).prop_map(|(c, r)| Op::Handover(c, r)),
        1 => (c.clone(), any::<bool>()).prop_map(|(c, b)| Op::Lock(c, b)),
        1 => (CLIENTS + 1..=CLIENTS + 8, 0..16u8).prop_map(|(c, k)| Op::Import(c, k)),
        1 => (c.clone(), any::<bool>()).prop_map(|(c, b)| Op::MovePool(c, b)),
        1 => any::<bool>().prop_map(Op::ChangePolicy),
        3 => Just(Op::Sweep),
        4 => (1..72i64).prop_map(Op::Advance),
    ]
}

fn command(op: &Op) -> Option<Command> {
    let (cid, rid) = (ClientId, RepId);
    Some(match op {
        Op::Claim(c, r) => Command::Claim {
            client: cid(*c),
            rep: rid(*r),
        },
        Op::Assign(c, r) => Command::Assign {
            client: cid(*c),
            rep: rid(*r),
            by: Assigner::Manager { name: "m".into() },
        },
        Op::Release(c, r, with_reason) => Command::Release {
            client: cid(*c),
            rep: rid(*r),
            reason: if *with_reason {
                "not interested".into()
            } else {
                String::new()
            },
        },
        Op::FollowUp(c, r, l) => Command::FollowUp {
            client: cid(*c),
            rep: rid(*r),
            level: ContactLevel::ALL[usize::from(*l)],
            note: String::new(),
        },
        Op::Transfer(a, b, cs) => Command::Transfer {
            from: rid(*a),
            to: rid(*b),
            scope: TransferScope::Only(cs.iter().copied().map(cid).collect()),
        },
        Op::TransferAll(a, b) => Command::Transfer {
            from: rid(*a),
            to: rid(*b),
            scope: TransferScope::All,
        },
        Op::Deal(c, r) => Command::MarkDeal {
            client: cid(*c),
            closed_by: rid(*r),
        },
        Op::Handover(c, r) => Command::Handover {
            client: cid(*c),
            to: rid(*r),
        },
        Op::Lock(c, on) => Command::SetFlag {
            client: cid(*c),
            flag: Flag::Locked(*on),
        },
        Op::Import(c, k) => Command::Import {
            client: Box::new(keyed(*c, *k)),
        },
        Op::MovePool(c, export) => Command::MovePool {
            client: cid(*c),
            to: if *export { EXPORT } else { PoolId::DEFAULT },
        },
        Op::ChangePolicy(slow) => Command::ChangePolicy {
            policy: Box::new(policy(*slow)),
        },
        Op::Sweep => Command::Sweep,
        Op::Advance(_) => return None,
    })
}

const EXPORT: PoolId = PoolId(7);

/// A client whose company key is one of 16 names, so imports collide with known clients.
fn keyed(id: u64, key: u8) -> leadpool::model::Client {
    let name = format!("company {key}");
    client(id).with_keys(DedupeKeys::from_raw(Some(&name), None, None, None))
}

/// Two policies with the same caps and different timers; `slow` doubles every period.
fn policy(slow: bool) -> PoolPolicy {
    let k = if slow { 2 } else { 1 };
    let mut pools = BTreeMap::new();
    pools.insert(PoolId::DEFAULT, PoolDef::default());
    let members = [RepId(1), RepId(2)].into();
    pools.insert(
        EXPORT,
        PoolDef {
            name: "export".into(),
            members,
        },
    );
    PoolPolicy {
        pools,
        private_cap: Some(3),
        cap_overrides: [(RepId(4), 1)].into(),
        remind_after_days: Some(2 * k),
        release_after_reminder_days: 2 * k,
        cooldown_days: 3 * k,
        daily_claim_limit: Some(2),
        protection_days: 4 * k,
        handover_after_days: 5 * k,
        ..PoolPolicy::default()
    }
}

/// What the model remembers independently of the pool: owners and the releases.
#[derive(Default)]
struct Model {
    known: std::collections::BTreeSet<ClientId>,
    owner: BTreeMap<ClientId, RepId>,
    released: BTreeMap<ClientId, (RepId, DateTime<Utc>)>,
}

impl Model {
    fn apply(&mut self, event: &Event, policy: &PoolPolicy) -> Result<(), TestCaseError> {
        match event {
            Event::OwnerChanged {
                client,
                to,
                route,
                at,
                ..
            } => {
                let before = self.owner.get(client).copied();
                match route {
                    Route::Claim { .. } => {
                        prop_assert_eq!(before, None, "claimed an owned client");
                        if let Some((from, released_at)) = self.released.get(client) {
                            let cooling = *at
                                < *released_at + Duration::days(i64::from(policy.cooldown_days));
                            prop_assert!(!(cooling && from == to), "claim inside the cooldown");
                        }
                    }
                    Route::Assign { .. } | Route::Deal => prop_assert_eq!(before, None),
                    Route::Transfer { from } | Route::Handover { from, .. } => {
                        prop_assert_eq!(before, Some(*from))
                    }
                }
                self.owner.insert(*client, *to);
            }
            Event::Imported { client } => {
                prop_assert!(self.known.insert(client.id), "imported twice");
            }
            Event::DuplicateReported {
                incoming, existing, ..
            } => {
                prop_assert!(!self.known.contains(incoming), "a known id reported as new");
                prop_assert!(self.known.contains(existing), "matched an unknown client");
            }
            Event::Released {
                client,
                from,
                at,
                reason,
                ..
            } => {
                prop_assert!(!reason.trim().is_empty(), "a release without a reason");
                prop_assert_eq!(self.owner.remove(client), Some(*from));
                self.released.insert(*client, (*from, *at));
            }
            _ => {}
        }
        Ok(())
    }
}

fn check_invariants(
    state: &PoolState,
    model: &Model,
    policy: &PoolPolicy,
) -> Result<(), TestCaseError> {
    let mut held: BTreeMap<RepId, u32> = BTreeMap::new();
    prop_assert_eq!(
        state.len(),
        model.known.len(),
        "nothing lost, nothing duplicated"
    );
    for id in model.known.iter().copied() {
        let c = state
            .client(id)
            .expect("every imported client is still there");
        prop_assert!(
            c.owner.is_none_or(|o| policy.is_member(o, c.pool)),
            "{} owned outside its pool",
            id
        );
        prop_assert_eq!(c.owner, model.owner.get(&id).copied());
        let in_private = u32::from(c.owner.is_some_and(|o| state.owned_by(o).any(|x| x == id)));
        let in_public = u32::from(state.public_in(c.pool).any(|x| x == id));
        prop_assert_eq!(
            in_private + in_public,
            1,
            "{} must be in exactly one pool",
            id
        );
        if let Some(owner) = c.owner {
            *held.entry(owner).or_default() += 1;
        } else {
            prop_assert_eq!(c.deadline, None);
        }
    }
    for rep in (1..=REPS).map(RepId) {
        let holding = held.get(&rep).copied().unwrap_or(0);
        prop_assert_eq!(state.ledger(rep).holding, holding);
        let cap = policy.cap_for(rep, state.rep(rep)).unwrap_or(u32::MAX);
        prop_assert!(
            holding <= cap,
            "{} holds {} over its cap {}",
            rep,
            holding,
            cap
        );
    }
    Ok(())
}

proptest! {
    #[test]
    fn random_commands_keep_the_pool_invariants(ops in prop::collection::vec(op(), 1..300)) {
        let mut policy = policy(false);
        let mut state = PoolState::new(team(REPS));
        let mut log = Vec::new();
        let mut model = Model::default();
        let mut now = t0();
        for id in 1..=CLIENTS {
            let import = Command::Import { client: Box::new(client(id)) };
            for event in decide(&state, &import, now, &policy).unwrap() {
                model.apply(&event, &policy)?;
                evolve(&mut state, &event);
                log.push(event);
            }
        }
        for op in &ops {
            if let Op::Advance(hours) = op {
                now += Duration::hours(*hours);
                continue;
            }
            let Some(command) = command(op) else { continue };
            let before = state.clone();
            match decide(&state, &command, now, &policy) {
                Ok(events) => {
                    for event in &events {
                        model.apply(event, &policy)?;
                        evolve(&mut state, event);
                    }
                    log.extend(events);
                    if let Command::ChangePolicy { policy: next } = &command {
                        policy = (**next).clone();
                    }
                }
                Err(_) => prop_assert_eq!(&state, &before, "a refused command changed the state"),
            }
            check_invariants(&state, &model, &policy)?;
        }
        prop_assert_eq!(PoolState::replay(team(REPS), &log), state.clone());
    }

    #[test]
    fn handing_over_commands_and_events_decides_and_evolves_exactly_as_borrowing(
        ops in prop::collection::vec(op(), 1..200),
        duplicate_keys in prop::collection::vec(0u8..4, 0..6),
    ) {
        // The owned paths (`decide_owned`, `evolve_owned`) only skip copies: the same
        // commands must give the same events or refusals, and the same state.
        let mut policy = policy(false);
        let mut borrowed = PoolState::new(team(REPS));
        let mut owned = borrowed.clone();
        let mut now = t0();
        let imports = (1..=CLIENTS).map(|id| Op::Import(id, id as u8 % 4));
        let extra = duplicate_keys.iter().enumerate().map(|(i, k)| Op::Import(CLIENTS + 1 + i as u64, *k));
        for op in imports.chain(extra).chain(ops) {
            if let Op::Advance(hours) = op {
                now += Duration::hours(hours);
                continue;
            }
            let Some(command) = command(&op) else { continue };
            let expected = decide(&borrowed, &command, now, &policy);
            let actual = decide_owned(&owned, command.clone(), now, &policy);
            prop_assert_eq!(&actual, &expected);
            if let Ok(events) = actual {
                for event in expected.iter().flatten() {
                    evolve(&mut borrowed, event);
                }
                for event in events {
                    evolve_owned(&mut owned, event);
                }
            }
            if let Command::ChangePolicy { policy: next } = &command {
                if expected.is_ok() {
                    policy = (**next).clone();
                }
            }
            prop_assert_eq!(&owned, &borrowed);
        }
    }
}
