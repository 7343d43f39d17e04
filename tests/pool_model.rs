//! The pool against a reference model (tests/reference): random command sequences from reps
//! who are active, on leave, gone or unknown, under policies that change mid-run (caps, daily
//! limits, embargo, cooldown scopes, protection windows, limits of 0 and of u32::MAX), with
//! imported history and a clock that moves forward, sometimes to chrono's last years. Every
//! command must get the verdict the model predicts (accepted, or refused by the same rule),
//! refused commands change nothing, the state must match the model after every step, the
//! allocators' view must agree with `decide`, and the log must replay to the same state.
//! Every command is asked by an actor: mostly the one who would naturally ask, otherwise any
//! rep, manager, admin or the system, and the model says independently who may.

mod pool_support;
mod reference;

use chrono::{DateTime, Duration, Utc};
use leadpool::allocate::{Explanation, Team, TeamView};
use leadpool::ids::{ClientId, PoolId, RepId};
use leadpool::label::Label;
use leadpool::model::{Availability, Client, Contact, ContactLevel, DedupeKeys, Rep};
use leadpool::pool::{
    Actor, Assigner, Command, Config, CooldownScope, Department, Event, Flag, PoolDef, PoolError,
    PoolPolicy, PoolState, PoolView, TransferScope, Via, decide, decide_into, evolve_owned,
    evolve_reclaim, execute,
};
use leadpool::reason::{Refusal, Step};
use pool_support::{client, t0};
use proptest::prelude::*;
use reference::{EXPORT_ADMIN, MANAGERS, POLICY_ADMIN, RClient, RRep, Reference, Verdict, Way};
use std::collections::BTreeMap;

const CLIENTS: u64 = 10;
/// Reps 1 and 2 are active, 3 is on leave for four days, 4 has left, 5 is not on the team.
const REPS: u64 = 5;
const EXPORT: PoolId = PoolId(7);

#[derive(Clone, Debug)]
enum Op {
    Claim(u64, u64),
    AssignManager(u64, u64),
    AssignRule(u64, u64),
    Release(u64, u64, bool),
    FollowUp(u64, u64, u8),
    Transfer(u64, u64, Vec<u64>),
    TransferAll(u64, u64),
    Deal(u64, u64),
    Handover(u64, u64),
    Lock(u64, bool),
    /// Client id, company key, and an imported contact (rep, level, hours from now).
    Import(u64, u8, Option<(u64, u8, i64)>),
    MovePool(u64, bool),
    ChangePolicy(u8),
    Sweep,
    Advance(i64),
    /// To within a few days of chrono's last instant.
    JumpToTheEnd,
}

fn op() -> impl Strategy<Value = Op> {
    let c = 1..=CLIENTS + 2;
    let r = 1..=REPS;
    prop_oneof![
        8 => (c.clone(), r.clone()).prop_map(|(c, r)| Op::Claim(c, r)),
        2 => (c.clone(), r.clone()).prop_map(|(c, r)| Op::AssignManager(c, r)),
        2 => (c.clone(), r.clone()).prop_map(|(c, r)| Op::AssignRule(c, r)),
        2 => (c.clone(), r.clone(), any::<bool>()).prop_map(|(c, r, b)| Op::Release(c, r, b)),
        5 => (c.clone(), r.clone(), 0..4u8).prop_map(|(c, r, l)| Op::FollowUp(c, r, l)),
        1 => (r.clone(), r.clone(), prop::collection::vec(c.clone(), 0..4))
            .prop_map(|(a, b, cs)| Op::Transfer(a, b, cs)),
        1 => (r.clone(), r.clone()).prop_map(|(a, b)| Op::TransferAll(a, b)),
        2 => (c.clone(), r.clone()).prop_map(|(c, r)| Op::Deal(c, r)),
        1 => (c.clone(), r.clone()).prop_map(|(c, r)| Op::Handover(c, r)),
        1 => (c.clone(), any::<bool>()).prop_map(|(c, b)| Op::Lock(c, b)),
        2 => (
            CLIENTS + 1..=CLIENTS + 8,
            0..16u8,
            prop::option::of((r.clone(), 0..4u8, -200i64..48)),
        )
            .prop_map(|(c, k, h)| Op::Import(c, k, h)),
        1 => (c.clone(), any::<bool>()).prop_map(|(c, b)| Op::MovePool(c, b)),
        1 => (0..4u8).prop_map(Op::ChangePolicy),
        3 => Just(Op::Sweep),
        4 => (1..72i64).prop_map(Op::Advance),
        1 => prop::bool::weighted(0.03).prop_map(|jump| if jump { Op::JumpToTheEnd } else { Op::Sweep }),
    ]
}

fn pools() -> BTreeMap<PoolId, PoolDef> {
    let export = PoolDef {
        name: "export".into(),
        members: [RepId(1), RepId(2)].into(),
        admins: [RepId(EXPORT_ADMIN)].into(),
        ..PoolDef::default()
    };
    [(PoolId::DEFAULT, PoolDef::default()), (EXPORT, export)].into()
}

/// Four policies the run switches between: the seed's numbers, a slow one with an embargo and
/// everyone's cooldown, one that freezes claims with limits of 0, and one of extremes.
fn policy(which: u8) -> PoolPolicy {
    let sales = Department {
        managers: [RepId(10)].into(),
        reps: [RepId(1), RepId(2), RepId(3)].into(),
        ..Department::default()
    };
    let below = Department {
        parent: Some(leadpool::ids::DeptId(1)),
        managers: [RepId(11)].into(),
        reps: [RepId(4)].into(),
        ..Department::default()
    };
    let base = PoolPolicy {
        admins: [RepId(POLICY_ADMIN)].into(),
        departments: [
            (leadpool::ids::DeptId(1), sales),
            (leadpool::ids::DeptId(2), below),
        ]
        .into(),
        pools: pools(),
        private_cap: Some(3),
        remind_after_days: Some(2),
        release_after_reminder_days: 2,
        cooldown_days: 3,
        daily_claim_limit: Some(2),
        protection_days: 4,
        handover_after_days: 5,
        ..PoolPolicy::default()
    };
    match which % 4 {
        0 => base,
        1 => PoolPolicy {
            remind_after_days: Some(4),
            release_after_reminder_days: 4,
            cooldown_days: 6,
            cooldown_scope: CooldownScope::Everyone,
            embargo_days: Some(1),
            cap_excludes_won: true,
            cap_overrides: [(RepId(1), 1)].into(),
            protection_days: 8,
            handover_after_days: 10,
            reps_transfer_own: true,
            ..base
        },
        2 => PoolPolicy {
            private_cap: Some(0),
            daily_claim_limit: Some(0),
            protection_days: 0,
            cooldown_days: 0,
            ..base
        },
        _ => PoolPolicy {
            private_cap: None,
            remind_after_days: Some(u32::MAX),
            release_after_reminder_days: u32::MAX,
            cooldown_days: u32::MAX,
            daily_claim_limit: None,
            protection_days: u32::MAX,
            handover_after_days: 0,
            embargo_days: Some(u32::MAX),
            ..base
        },
    }
}

fn team() -> Team {
    Team::new([
        Rep::new(RepId(1), "Li"),
        Rep::new(RepId(2), "Wang").with_cap(2),
        Rep::new(RepId(3), "Zhang").with_availability(Availability::OnLeave {
            until: t0() + Duration::days(4),
        }),
        Rep::new(RepId(4), "Zhao").with_availability(Availability::Inactive),
    ])
}

fn reference() -> Reference {
    let team = team()
        .reps()
        .iter()
        .map(|r| {
            let rep = RRep {
                availability: r.availability,
                cap_override: r.cap_override,
            };
            (r.id, rep)
        })
        .collect();
    Reference {
        team,
        policy: policy(0),
        clients: BTreeMap::new(),
        claims: BTreeMap::new(),
    }
}

/// The rule a refusal names, as the model names it.
fn kind(result: &Result<Vec<Event>, PoolError>) -> Verdict {
    let Err(err) = result else {
        return Verdict::Accepted;
    };
    Verdict::Refused(match err {
        PoolError::UnknownClient(_) => "unknown_client",
        PoolError::UnknownRep(_) => "unknown_rep",
        PoolError::UnknownPool(_) => "unknown_pool",
        PoolError::DuplicateId(_) => "duplicate_id",
        PoolError::AlreadyOwned { .. } => "already_owned",
        PoolError::NotOwner { .. } => "not_owner",
        PoolError::MissingReason(_) => "missing_reason",
        PoolError::HandoverTooEarly { .. } => "handover_too_early",
        PoolError::SameRep { .. } => "same_rep",
        PoolError::AlreadyWon { .. } => "already_won",
        PoolError::FutureHistory { .. } => "future_history",
        PoolError::Forbidden(_) => "forbidden",
        PoolError::NotOwned { .. } => "not_owned",
        PoolError::Refused { reason, .. } => match reason {
            Refusal::NotOnTeam => "unknown_rep",
            Refusal::Unavailable { .. } => "unavailable",
            Refusal::NotMember { .. } => "not_member",
            Refusal::Embargoed { .. } => "embargoed",
            Refusal::Cooldown { .. } => "cooldown",
            Refusal::Protected { .. } => "protected",
            Refusal::CapReached { .. } => "cap_reached",
            Refusal::DailyLimit { .. } => "daily_limit",
            _ => "other refusal",
        },
        _ => "other error",
    })
}

fn keyed(id: u64, key: u8) -> Client {
    let name = format!("company {key}");
    client(id).with_keys(DedupeKeys::from_raw(Some(&name), None, None, None))
}

fn rule_explanation() -> Box<Explanation> {
    Box::new(Explanation::new(Step::Custom {
        rule: Label::new("test"),
        rep: None,
    }))
}

/// The command for `op`, and what the model expects of it.
fn step(op: &Op, model: &Reference, now: DateTime<Utc>) -> Option<(Command, Verdict)> {
    let (cid, rid) = (ClientId, RepId);
    Some(match op {
        Op::Claim(c, r) => (
            Command::Claim {
                client: cid(*c),
                rep: rid(*r),
            },
            model.take_public(cid(*c), rid(*r), Way::Claim, now),
        ),
        Op::AssignManager(c, r) | Op::AssignRule(c, r) => {
            let (by, way) = match op {
                Op::AssignRule(..) => {
                    let explanation = rule_explanation();
                    (Assigner::Rule { explanation }, Way::Rule)
                }
                _ => (Assigner::Manager, Way::Manager),
            };
            let command = Command::Assign {
                client: cid(*c),
                rep: rid(*r),
                by,
            };
            (command, model.take_public(cid(*c), rid(*r), way, now))
        }
        Op::Release(c, r, blank) => (
            Command::Release {
                client: cid(*c),
                rep: rid(*r),
                note: if *blank {
                    " ".into()
                } else {
                    "not interested".into()
                },
            },
            model.release(cid(*c), rid(*r), *blank),
        ),
        Op::FollowUp(c, r, l) => (
            Command::FollowUp {
                client: cid(*c),
                rep: rid(*r),
                level: ContactLevel::ALL[usize::from(*l)],
                note: String::new(),
            },
            model.follow_up(cid(*c), rid(*r), now),
        ),
        Op::Transfer(a, b, _) | Op::TransferAll(a, b) => {
            let mut ids: Vec<ClientId> = match op {
                Op::Transfer(_, _, cs) => cs.iter().copied().map(cid).collect(),
                _ => model
                    .clients
                    .iter()
                    .filter(|(_, c)| c.owner == Some(rid(*a)))
                    .map(|(id, _)| *id)
                    .collect(),
            };
            ids.sort_unstable();
            ids.dedup();
            let scope = match op {
                Op::Transfer(..) => TransferScope::Only(ids.clone()),
                _ => TransferScope::All,
            };
            let verdict = model.transfer(rid(*a), rid(*b), &ids, now);
            let command = Command::Transfer {
                from: rid(*a),
                to: rid(*b),
                scope,
            };
            (command, verdict)
        }
        Op::Deal(c, r) => (
            Command::MarkDeal {
                client: cid(*c),
                closed_by: rid(*r),
            },
            model.deal(cid(*c), rid(*r), now),
        ),
        Op::Handover(c, r) => (
            Command::Handover {
                client: cid(*c),
                to: rid(*r),
            },
            model.handover(cid(*c), rid(*r), now),
        ),
        Op::Lock(c, on) => (
            Command::SetFlag {
                client: cid(*c),
                flag: Flag::Locked(*on),
            },
            match model.clients.get(&cid(*c)) {
                None => Verdict::Refused("unknown_client"),
                // A person sets flags only on an owned client (the system may on any).
                Some(x) if x.owner.is_none() => Verdict::Refused("not_owned"),
                Some(_) => Verdict::Accepted,
            },
        ),
        Op::Import(c, key, history) => {
            let mut incoming = keyed(*c, *key);
            let mut future = false;
            if let Some((rep, level, hours)) = history {
                let at = now
                    .checked_add_signed(Duration::hours(*hours))
                    .unwrap_or(now);
                future = at > now;
                incoming = incoming.with_history([Contact {
                    rep: rid(*rep),
                    level: ContactLevel::ALL[usize::from(*level)],
                    at,
                    note: "migrated".into(),
                }]);
            }
            let verdict = if model.clients.contains_key(&cid(*c)) {
                Verdict::Refused("duplicate_id")
            } else if future {
                Verdict::Refused("future_history")
            } else {
                Verdict::Accepted
            };
            let command = Command::Import {
                client: Box::new(incoming),
            };
            (command, verdict)
        }
        Op::MovePool(c, export) => {
            let to = if *export { EXPORT } else { PoolId::DEFAULT };
            let verdict = match model.clients.get(&cid(*c)) {
                None => Verdict::Refused("unknown_client"),
                Some(client) => match client.owner {
                    Some(owner) if *export && !matches!(owner.0, 1 | 2) => {
                        Verdict::Refused("not_member")
                    }
                    _ => Verdict::Accepted,
                },
            };
            (
                Command::MovePool {
                    client: cid(*c),
                    to,
                },
                verdict,
            )
        }
        Op::ChangePolicy(which) => (
            Command::ChangePolicy {
                policy: Box::new(policy(*which)),
            },
            Verdict::Accepted,
        ),
        Op::Sweep => (Command::Sweep, Verdict::Accepted),
        Op::Advance(_) | Op::JumpToTheEnd => return None,
    })
}

/// Applies an accepted command to the model; for a sweep, checks it released exactly what the
/// model says is due.
fn apply(
    op: &Op,
    events: &[Event],
    model: &mut Reference,
    now: DateTime<Utc>,
) -> Result<(), TestCaseError> {
    let (cid, rid) = (ClientId, RepId);
    match op {
        Op::Claim(c, r) => model.give(cid(*c), rid(*r), now, true),
        Op::AssignManager(c, r) | Op::AssignRule(c, r) => model.give(cid(*c), rid(*r), now, false),
        Op::Release(c, _, _) => model.free(cid(*c), now),
        Op::FollowUp(c, r, l) => {
            model.contact(cid(*c), rid(*r), ContactLevel::ALL[usize::from(*l)], now)
        }
        Op::Transfer(_, b, _) | Op::TransferAll(_, b) => {
            for event in events {
                if let Event::OwnerChanged { client, .. } = event {
                    model.give(*client, rid(*b), now, false);
                }
            }
        }
        Op::Deal(c, r) => {
            let public = model
                .clients
                .get(&cid(*c))
                .is_some_and(|x| x.owner.is_none());
            if public {
                model.give(cid(*c), rid(*r), now, true);
            }
            if let Some(client) = model.clients.get_mut(&cid(*c)) {
                // The closing contact is logged, but it is no follow-up of the owner's.
                client
                    .contacts
                    .push((rid(*r), ContactLevel::Cooperating, now));
                client.deal = true;
            }
        }
        Op::Handover(c, r) => model.give(cid(*c), rid(*r), now, false),
        Op::Lock(c, on) => {
            if let Some(client) = model.clients.get_mut(&cid(*c)) {
                client.locked = *on;
            }
        }
        Op::Import(c, key, history) => {
            let company = format!("company {key}");
            let taken = model
                .clients
                .values()
                .any(|x| x.company.as_deref() == Some(&company));
            let duplicate = events
                .iter()
                .any(|e| matches!(e, Event::DuplicateReported { .. }));
            prop_assert_eq!(
                duplicate,
                taken,
                "a duplicate company is reported, a new one imported"
            );
            if !taken {
                let contacts = history
                    .iter()
                    .map(|(rep, level, hours)| {
                        let at = now
                            .checked_add_signed(Duration::hours(*hours))
                            .unwrap_or(now);
                        (rid(*rep), ContactLevel::ALL[usize::from(*level)], at)
                    })
                    .collect();
                let fresh = RClient {
                    pooled_at: Some(now),
                    contacts,
                    company: Some(company),
                    ..RClient::default()
                };
                model.clients.insert(cid(*c), fresh);
            }
        }
        Op::MovePool(c, export) => {
            if let Some(client) = model.clients.get_mut(&cid(*c)) {
                client.pool = if *export { EXPORT } else { PoolId::DEFAULT };
            }
        }
        Op::ChangePolicy(which) => model.policy = policy(*which),
        Op::Sweep => {
            let mut released: Vec<ClientId> = events
                .iter()
                .filter_map(|e| match e {
                    Event::Released { client, .. } => Some(*client),
                    _ => None,
                })
                .collect();
            released.sort_unstable();
            prop_assert_eq!(&released, &model.due(now), "the sweep releases what is due");
            for id in released {
                model.free(id, now);
            }
        }
        Op::Advance(_) | Op::JumpToTheEnd => {}
    }
    Ok(())
}

/// The pool's state equals the model's, client by client and rep by rep.
fn same_state(state: &PoolState, model: &Reference) -> Result<(), TestCaseError> {
    prop_assert_eq!(
        state.len(),
        model.clients.len(),
        "nothing lost, nothing duplicated"
    );
    for (id, m) in &model.clients {
        let c = state
            .client(*id)
            .expect("every imported client is still there");
        prop_assert_eq!(c.owner(), m.owner, "owner of {}", id);
        prop_assert_eq!(c.pool(), m.pool, "pool of {}", id);
        prop_assert_eq!(c.custody().deal().is_some(), m.deal, "deal on {}", id);
        prop_assert_eq!(
            c.custody().last_release().as_ref().map(|r| (r.from, r.at)),
            m.release,
            "last release of {}",
            id
        );
        prop_assert_eq!(
            c.custody().timers().release_at(),
            model.release_at(m),
            "release time of {}",
            id
        );
    }
    for rep in (1..=REPS).map(RepId) {
        let held = model
            .clients
            .values()
            .filter(|c| c.owner == Some(rep))
            .count() as u32;
        prop_assert_eq!(state.ledger(rep).holding(), held, "holding of {}", rep);
    }
    let public = model.clients.values().filter(|c| c.owner.is_none()).count();
    prop_assert_eq!(
        state.public_len(),
        public,
        "unowned clients, counted by the index"
    );
    Ok(())
}

/// Who asks for `op`: half the time whoever naturally would, otherwise anyone.
fn actor(op: &Op, pick: usize) -> Actor {
    let anyone = [
        Actor::Rep(RepId(1)),
        Actor::Rep(RepId(2)),
        Actor::Rep(RepId(3)),
        Actor::Rep(RepId(4)),
        Actor::Rep(RepId(5)),
        Actor::Manager(RepId(MANAGERS[0])),
        Actor::Manager(RepId(MANAGERS[1])),
        Actor::Admin(RepId(POLICY_ADMIN)),
        Actor::Admin(RepId(EXPORT_ADMIN)),
        Actor::System,
    ];
    if let Some(actor) = pick.checked_sub(10).and_then(|i| anyone.get(i)) {
        return *actor;
    }
    match op {
        Op::Claim(_, r) | Op::Release(_, r, _) | Op::FollowUp(_, r, _) | Op::Deal(_, r) => {
            Actor::Rep(RepId(*r))
        }
        Op::AssignRule(..) | Op::Import(..) | Op::Sweep => Actor::System,
        _ => Actor::Admin(RepId(POLICY_ADMIN)),
    }
}

/// The model's verdict with the actor's authority: refusals the pool finds before it asks who
/// is asking (an unknown client or rep, a transfer of someone else's clients) stand; otherwise
/// an actor without the authority is forbidden.
fn with_authority(op: &Op, actor: Actor, model: &Reference, verdict: Verdict) -> Verdict {
    let (cid, rid) = (ClientId, RepId);
    let first: &[&str] = match op {
        Op::Claim(..) | Op::AssignManager(..) | Op::AssignRule(..) | Op::Release(..) => {
            &["unknown_client"]
        }
        Op::Lock(..) | Op::MovePool(..) => &["unknown_client"],
        Op::FollowUp(..) | Op::Deal(..) => &["unknown_client", "unknown_rep"],
        Op::Handover(..) => &["unknown_client", "unknown_rep", "not_owner"],
        // An admin's authority depends on the pools of the clients moved, so theirs is asked
        // once the clients are read; a rep's or a manager's before (it reveals nothing).
        Op::Transfer(..) | Op::TransferAll(..) if matches!(actor, Actor::Admin(_)) => {
            &["unknown_client", "unknown_rep", "not_owner", "same_rep"]
        }
        Op::Transfer(..) | Op::TransferAll(..) => &["unknown_rep"],
        _ => &[],
    };
    if let Verdict::Refused(rule) = verdict {
        if first.contains(&rule) {
            return verdict;
        }
    }
    let may = match op {
        Op::Claim(_, r) | Op::FollowUp(_, r, _) => {
            Reference::may_act_for_themselves(actor, rid(*r))
        }
        Op::AssignManager(c, r) => model.may_assign(actor, cid(*c), rid(*r), false, EXPORT),
        Op::AssignRule(c, r) => model.may_assign(actor, cid(*c), rid(*r), true, EXPORT),
        Op::Release(c, r, _) => model.may_release(actor, cid(*c), rid(*r), EXPORT),
        Op::Deal(c, r) => model.may_mark_deal(actor, cid(*c), rid(*r), EXPORT),
        Op::Transfer(a, b, cs) => {
            let mut ids: Vec<ClientId> = cs.iter().copied().map(cid).collect();
            ids.sort_unstable();
            ids.dedup();
            model.may_move(actor, rid(*a), rid(*b), &ids, EXPORT)
        }
        Op::TransferAll(a, b) => {
            let ids: Vec<ClientId> = model
                .clients
                .iter()
                .filter(|(_, c)| c.owner == Some(rid(*a)))
                .map(|(id, _)| *id)
                .collect();
            model.may_move(actor, rid(*a), rid(*b), &ids, EXPORT)
        }
        Op::Handover(c, r) => model.may_hand_over(actor, cid(*c), rid(*r), EXPORT),
        Op::Lock(c, _) => model.may_flag(actor, cid(*c), EXPORT),
        Op::Import(_, _, history) => Reference::may_import(actor, history.is_some()),
        Op::MovePool(c, export) => {
            let to = if *export { EXPORT } else { PoolId::DEFAULT };
            model.may_move_pool(actor, cid(*c), to, EXPORT)
        }
        Op::ChangePolicy(_) => Reference::may_change_policy(actor),
        Op::Sweep => actor == Actor::System,
        Op::Advance(_) | Op::JumpToTheEnd => true,
    };
    match (may, op, verdict) {
        (false, ..) => Verdict::Refused("forbidden"),
        // The system sets flags on public clients too (the CRM's own data).
        (true, Op::Lock(..), Verdict::Refused("not_owned")) if actor == Actor::System => {
            Verdict::Accepted
        }
        (true, _, verdict) => verdict,
    }
}

/// The allocators' view refuses a public client to a rep exactly when `decide` refuses a rule
/// assignment of it, for the same reason.
fn view_agrees_with_decide(state: &PoolState, now: DateTime<Utc>) -> Result<(), TestCaseError> {
    let view = PoolView::new(state, now);
    for client in state.clients().filter(|c| c.is_public()) {
        for rep in (1..=REPS).map(RepId) {
            let by = Assigner::Rule {
                explanation: rule_explanation(),
            };
            let command = Command::Assign {
                client: client.id(),
                rep,
                by,
            };
            let decided = match decide(state, Actor::System, command, now) {
                Ok(_) => None,
                Err(PoolError::Refused { reason, .. }) => Some(reason),
                Err(PoolError::UnknownRep(_)) => Some(Refusal::NotOnTeam),
                Err(other) => panic!("a rule assignment of a public client failed: {other}"),
            };
            prop_assert_eq!(
                view.pool_refusal(rep, client),
                decided,
                "{} to {}",
                client.id(),
                rep
            );
        }
    }
    Ok(())
}

proptest! {
    #[test]
    fn every_command_gets_the_reference_models_verdict(
        ops in prop::collection::vec((op(), 0..20usize), 1..300)
    ) {
        let start = Config::new(team(), policy(0)).unwrap();
        let mut state = PoolState::new(start.clone());
        let mut model = reference();
        let mut log = Vec::new();
        let mut now = t0();
        let imports = (1..=CLIENTS).map(|id| (Op::Import(id, id as u8, None), 0));
        for (i, (op, pick)) in imports.chain(ops).enumerate() {
            match op {
                Op::Advance(hours) => {
                    now = now.checked_add_signed(Duration::hours(hours)).unwrap_or(now);
                    continue;
                }
                Op::JumpToTheEnd => {
                    now = now.max(DateTime::<Utc>::MAX_UTC - Duration::days(3));
                    continue;
                }
                _ => {}
            }
            let Some((command, expected)) = step(&op, &model, now) else { continue };
            let actor = actor(&op, pick);
            let expected = with_authority(&op, actor, &model, expected);
            let before = state.clone();
            // The buffered decider appends what `decide` returns (nothing on refusal) after
            // whatever the buffer held, and applying it by value reaches the same state.
            let mut buffer = log.iter().rev().take(2).cloned().collect::<Vec<Event>>();
            let held = buffer.len();
            let appended = decide_into(&state, actor, command.clone(), now, &mut buffer);
            let result = execute(&mut state, actor, command, now);
            prop_assert_eq!(kind(&result), expected.clone(), "{:?} at {}: {:?}", op, now, result);
            prop_assert_eq!(appended.is_ok(), result.is_ok());
            let tail = buffer.split_off(held);
            prop_assert_eq!(&tail, result.as_deref().unwrap_or(&[]));
            // Applied reclaiming each rule assignment's explanation box: the same state, and
            // the box of each such event handed back holding its explanation.
            let mut reclaimed = before.clone();
            for event in tail.iter().cloned() {
                let explanation = match &event {
                    Event::OwnerChanged {
                        via: Via::Assign { by: Assigner::Rule { explanation } },
                        ..
                    } => Some(explanation.clone()),
                    _ => None,
                };
                prop_assert_eq!(evolve_reclaim(&mut reclaimed, event), explanation);
            }
            prop_assert_eq!(&reclaimed, &state, "events applied reclaiming reach the same state");
            let mut by_value = before.clone();
            tail.into_iter().for_each(|event| evolve_owned(&mut by_value, event));
            prop_assert_eq!(&by_value, &state, "events applied by value reach the same state");
            match result {
                Ok(events) => {
                    apply(&op, &events, &mut model, now)?;
                    log.extend(events);
                }
                Err(_) => prop_assert_eq!(&state, &before, "a refused command changed the state"),
            }
            same_state(&state, &model)?;
            if i % 16 == 0 {
                view_agrees_with_decide(&state, now)?;
            }
        }
        prop_assert_eq!(PoolState::replay(start, &log), state, "the log rebuilds the state");
    }
}
