//! Random command sequences from arbitrary bytes, at arbitrary instants (chrono's extremes
//! included), under policies with arbitrary numbers: after every command the pool's invariants
//! hold (one owner, ledgers equal to ownership, caps respected, one pool per client), a
//! refused command changes nothing, and the log replays to the state. Never a panic.
#![no_main]

use arbitrary::Arbitrary;
use chrono::{DateTime, TimeZone, Utc};
use leadpool::allocate::Team;
use leadpool::model::{Client, ContactLevel, DedupeKeys, Rep, Source};
use leadpool::pool::{
    Actor, Command, Config, Department, Flag, PoolPolicy, PoolState, TransferScope, execute,
};
use leadpool::{ClientId, PoolId, RepId};
use libfuzzer_sys::fuzz_target;

#[derive(Arbitrary, Debug)]
struct Numbers {
    cap: Option<u8>,
    remind: Option<u32>,
    release: u32,
    cooldown: u32,
    daily: Option<u8>,
    protection: u32,
    embargo: Option<u32>,
    handover: u32,
    zone_minutes: i16,
}

#[derive(Arbitrary, Debug)]
enum Op {
    Import(u8, u8, Option<(u8, u8, i32)>),
    Claim(u8, u8),
    Assign(u8, u8),
    Release(u8, u8, bool),
    FollowUp(u8, u8, u8),
    Transfer(u8, u8, Vec<u8>),
    TransferAll(u8, u8),
    Deal(u8, u8),
    Handover(u8, u8),
    Lock(u8, bool),
    MovePool(u8, u8),
    Sweep,
    SweepClient(u8),
    ChangePolicy(Numbers),
    Advance(i64),
}

/// Admin 9 administers everything; manager 10 manages reps 1 and 2.
fn base_policy() -> PoolPolicy {
    let sales = Department {
        managers: [RepId(10)].into(),
        reps: [RepId(1), RepId(2)].into(),
        ..Department::default()
    };
    PoolPolicy {
        admins: [RepId(9)].into(),
        departments: [(leadpool::ids::DeptId(1), sales)].into(),
        ..PoolPolicy::default()
    }
}

/// Any actor: reps 1 to 4, manager 10 (or 1, who manages nobody), admin 9 (or 1), the system.
fn actor(n: u8) -> Actor {
    match n % 8 {
        0..=3 => Actor::Rep(RepId(u64::from(n % 8) + 1)),
        4 => Actor::Manager(RepId(10)),
        5 => Actor::Manager(RepId(1)),
        6 => Actor::Admin(RepId(if n & 0x80 == 0 { 9 } else { 1 })),
        _ => Actor::System,
    }
}

fn policy(n: &Numbers) -> PoolPolicy {
    PoolPolicy {
        private_cap: n.cap.map(u32::from),
        remind_after_days: n.remind,
        release_after_reminder_days: n.release,
        cooldown_days: n.cooldown,
        daily_claim_limit: n.daily.map(u32::from),
        protection_days: n.protection,
        embargo_days: n.embargo,
        handover_after_days: n.handover,
        zone: leadpool::TeamZone::east_minutes(i32::from(n.zone_minutes) % 1440).unwrap_or_default(),
        ..base_policy()
    }
}

fn command(op: &Op, now: DateTime<Utc>) -> Option<Command> {
    let (c, r) = (|x: &u8| ClientId(u64::from(*x % 16)), |x: &u8| RepId(u64::from(*x % 5)));
    Some(match op {
        Op::Import(id, key, history) => {
            let name = format!("company {}", key % 8);
            let mut client = Client::new(c(id), "c", Source::Website, now)
                .with_keys(DedupeKeys::from_raw(Some(&name), None, None, None));
            if let Some((rep, level, hours)) = history {
                let at = now
                    .checked_add_signed(chrono::Duration::hours(i64::from(*hours)))
                    .unwrap_or(now);
                client = client.with_history([leadpool::model::Contact {
                    rep: r(rep),
                    level: ContactLevel::ALL[usize::from(*level % 4)],
                    at,
                    note: String::new(),
                }]);
            }
            Command::Import { client: Box::new(client) }
        }
        Op::Claim(x, y) => Command::Claim { client: c(x), rep: r(y) },
        Op::Assign(x, y) => Command::Assign {
            client: c(x),
            rep: r(y),
            by: leadpool::pool::Assigner::Manager,
        },
        Op::Release(x, y, blank) => Command::Release {
            client: c(x),
            rep: r(y),
            note: if *blank { String::new() } else { "no".into() },
        },
        Op::FollowUp(x, y, l) => Command::FollowUp {
            client: c(x),
            rep: r(y),
            level: ContactLevel::ALL[usize::from(*l % 4)],
            note: String::new(),
        },
        Op::Transfer(a, b, ids) => Command::Transfer {
            from: r(a),
            to: r(b),
            scope: TransferScope::Only(ids.iter().map(c).collect()),
        },
        Op::TransferAll(a, b) => Command::Transfer { from: r(a), to: r(b), scope: TransferScope::All },
        Op::Deal(x, y) => Command::MarkDeal { client: c(x), closed_by: r(y) },
        Op::Handover(x, y) => Command::Handover { client: c(x), to: r(y) },
        Op::Lock(x, on) => Command::SetFlag { client: c(x), flag: Flag::Locked(*on) },
        Op::MovePool(x, p) => Command::MovePool { client: c(x), to: PoolId(u64::from(*p % 3)) },
        Op::Sweep => Command::Sweep,
        Op::SweepClient(x) => Command::SweepClient { client: c(x) },
        Op::ChangePolicy(n) => Command::ChangePolicy { policy: Box::new(policy(n)) },
        Op::Advance(_) => return None,
    })
}

fn check(state: &PoolState) {
    let mut held = std::collections::BTreeMap::new();
    for client in state.clients() {
        if let Some(owner) = client.owner() {
            *held.entry(owner).or_insert(0u32) += 1;
            assert!(state.owned_by(owner).any(|id| id == client.id()));
            assert!(!state.public_in(client.pool()).any(|id| id == client.id()));
        } else {
            assert!(state.public_in(client.pool()).any(|id| id == client.id()));
            assert_eq!(client.deadline(), None);
        }
    }
    for rep in state.team().reps() {
        let holding = held.get(&rep.id).copied().unwrap_or(0);
        assert_eq!(state.ledger(rep.id).holding(), holding, "{}", rep.id);
    }
}

fuzz_target!(|input: (Vec<(Op, u8)>, i64)| {
    let (ops, start) = input;
    let team = Team::new((1..=3).map(|i| Rep::new(RepId(i), "r")));
    let config = Config::new(team, base_policy()).expect("the base policy is valid");
    let mut state = PoolState::new(config.clone());
    let mut log = Vec::new();
    let mut now = Utc.timestamp_opt(start % 253_402_300_799, 0).single().unwrap_or_default();
    for (op, who) in ops.iter().take(200) {
        if let Op::Advance(seconds) = op {
            now = now.checked_add_signed(chrono::Duration::seconds(*seconds % 10_000_000_000)).unwrap_or(now);
            continue;
        }
        let Some(command) = command(op, now) else { continue };
        let before = state.clone();
        match execute(&mut state, actor(*who), command, now) {
            Ok(events) => log.extend(events),
            Err(_) => assert_eq!(state, before, "a refused command changed the state"),
        }
        check(&state);
    }
    assert_eq!(PoolState::replay(config, &log), state, "the log rebuilds the state");
});
