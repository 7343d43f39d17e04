//! The pool state's new indexes (client table, id sets, deadline buckets) answer like
//! plain ordered maps, driven through public events only.

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use leadpool::ids::{ClientId, PoolId, RepId};
use leadpool::model::{Client, ReleaseReason, Source, Timers};
use leadpool::pool::{Actor, Config, Event, PoolState, Via, evolve, evolve_owned};
use proptest::prelude::*;
use std::collections::{BTreeMap, BTreeSet};

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 2, 9, 0, 0).unwrap()
}

#[derive(Clone, Debug)]
enum Op {
    Import(u64),
    /// Claim the k-th known client by rep, with a deadline (minutes from t0 or far).
    Own(usize, u64, Option<i64>),
    Release(usize, u64),
}

fn id() -> impl Strategy<Value = u64> {
    prop_oneof![
        4 => 0u64..300,
        2 => 3_000u64..12_000,
        1 => any::<u64>(),
        1 => Just(u64::MAX),
        1 => (u64::MAX - 5)..=u64::MAX,
    ]
}

fn deadline() -> impl Strategy<Value = Option<i64>> {
    proptest::option::of(prop_oneof![
        6 => -200i64..2_000,
        1 => -4_000_000_000i64..4_000_000_000,
        1 => Just(i64::MAX),
        1 => Just(i64::MIN),
    ])
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        3 => id().prop_map(Op::Import),
        3 => (any::<usize>(), 1u64..5, deadline()).prop_map(|(k, r, d)| Op::Own(k, r, d)),
        1 => (any::<usize>(), 0u64..3).prop_map(|(k, p)| Op::Release(k, p)),
    ]
}

/// A deadline from minutes, clamped into chrono's range.
fn at(minutes: i64) -> DateTime<Utc> {
    match minutes {
        i64::MAX => DateTime::<Utc>::MAX_UTC,
        i64::MIN => DateTime::<Utc>::MIN_UTC,
        m => t0() + Duration::minutes(m),
    }
}

#[derive(Clone, Debug, PartialEq)]
struct Row {
    owner: Option<RepId>,
    pool: PoolId,
    deadline: Option<DateTime<Utc>>,
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]
    #[test]
    fn state_indexes_answer_like_ordered_maps(
        ops in proptest::collection::vec(op(), 0..250),
        bulk in prop_oneof![Just(0u64), 1u64..4_000],
        bulk_ops in proptest::collection::vec((any::<usize>(), 1u64..3, proptest::option::of(prop_oneof![0i64..240, 0i64..7_200, -100_000i64..100_000]), any::<bool>()), 0..4_000),
        probes in proptest::collection::vec(prop_oneof![-300i64..2_100, any::<i64>()], 1..6),
        by_value in any::<bool>(),
    ) {
        let mut state = PoolState::new(Config::default());
        let mut model: BTreeMap<u64, Row> = BTreeMap::new();
        let mut order: Vec<u64> = Vec::new();
        let bulk_ops = bulk_ops.into_iter().map(|(k, r, d, rel)| if rel { Op::Release(k, r) } else { Op::Own(k, r, d) });
        let ops: Vec<Op> = (0..bulk).map(|i| Op::Import(i * 2 + 500)).chain(bulk_ops.take(if bulk > 0 { 4_000 } else { 0 })).chain(ops).collect();
        for op in ops {
            let event = match op {
                Op::Import(id) => {
                    let client = Client::new(ClientId(id), format!("c{id}"), Source::Website, t0());
                    if let std::collections::btree_map::Entry::Vacant(slot) = model.entry(id) {
                        slot.insert(Row { owner: None, pool: client.pool(), deadline: None });
                        order.push(id);
                    }
                    Event::Imported { client: Box::new(client), actor: Actor::System }
                }
                Op::Own(k, rep, d) => {
                    if order.is_empty() { continue; }
                    let id = order[k % order.len()];
                    let timers = Timers { remind_at: d.map(at), release: None };
                    let row = model.get_mut(&id).unwrap();
                    row.owner = Some(RepId(rep));
                    row.deadline = timers.deadline();
                    Event::OwnerChanged {
                        client: ClientId(id),
                        to: RepId(rep),
                        via: Via::Claim { claims: 1 },
                        at: t0(),
                        day: NaiveDate::from_ymd_opt(2026, 11, 2).unwrap(),
                        timers,
                        actor: Actor::System,
                    }
                }
                Op::Release(k, pool) => {
                    if order.is_empty() { continue; }
                    let id = order[k % order.len()];
                    let row = model.get_mut(&id).unwrap();
                    let Some(from) = row.owner else { continue };
                    row.owner = None;
                    row.pool = PoolId(pool);
                    row.deadline = None;
                    Event::Released {
                        client: ClientId(id),
                        from,
                        at: t0(),
                        reason: ReleaseReason::Owner { note: "x".into() },
                        to_pool: PoolId(pool),
                        actor: Actor::System,
                    }
                }
            };
            if by_value { evolve_owned(&mut state, event) } else { evolve(&mut state, &event) }
        }
        // Listing and lookups.
        let listed: Vec<u64> = state.clients().map(|c| c.id().0).collect();
        prop_assert_eq!(listed, model.keys().copied().collect::<Vec<_>>());
        prop_assert_eq!(state.len(), model.len());
        for (&id, row) in &model {
            let c = state.client(ClientId(id));
            prop_assert!(c.is_some(), "client {} not found", id);
            let c = c.unwrap();
            prop_assert_eq!(c.owner(), row.owner);
            prop_assert_eq!(c.deadline(), row.deadline);
        }
        for probe in [0u64, 1, 4_095, 4_096, 12_000, u64::MAX, u64::MAX - 1] {
            prop_assert_eq!(state.client(ClientId(probe)).is_some(), model.contains_key(&probe));
        }
        // Owner and public indexes.
        for rep in 0..6u64 {
            let expected: Vec<u64> = model.iter().filter(|(_, r)| r.owner == Some(RepId(rep))).map(|(i, _)| *i).collect();
            prop_assert_eq!(state.owned_by(RepId(rep)).map(|c| c.0).collect::<Vec<_>>(), expected);
        }
        let pools: BTreeSet<PoolId> = model.values().map(|r| r.pool).chain([PoolId(0), PoolId(1), PoolId(2)]).collect();
        for pool in pools {
            let expected: Vec<u64> = model.iter().filter(|(_, r)| r.owner.is_none() && r.pool == pool).map(|(i, _)| *i).collect();
            prop_assert_eq!(state.public_in(pool).map(|c| c.0).collect::<Vec<_>>(), expected);
        }
        prop_assert_eq!(state.public_len(), model.values().filter(|r| r.owner.is_none()).count());
        // Deadlines.
        let mut due: Vec<(DateTime<Utc>, u64)> = model.iter().filter_map(|(i, r)| r.deadline.map(|d| (d, *i))).collect();
        due.sort();
        prop_assert_eq!(state.next_deadline(), due.first().map(|d| d.0));
        for p in probes.into_iter().chain([i64::MAX, i64::MIN]) {
            let instant = match p {
                i64::MAX | i64::MIN => at(p),
                m if m.abs() < 10_000_000 => at(m),
                m => DateTime::from_timestamp(m.rem_euclid(800_000_000_000) - 400_000_000_000, 0).unwrap_or(t0()),
            };
            let expected: Vec<u64> = due.iter().filter(|(d, _)| *d <= instant).map(|(_, i)| *i).collect();
            prop_assert_eq!(state.due_by(instant).map(|c| c.0).collect::<Vec<_>>(), expected, "at {}", instant);
        }
        // A state rebuilt in id order is equal.
        let clone = state.clone();
        prop_assert_eq!(&clone, &state);
    }
}

/// One hour holding thousands of deadlines (past the production chunk size), set out of order
/// and moved again and again (stale entries, compaction), then emptied and filled again.
#[test]
fn one_crowded_hour_lists_like_an_ordered_set() {
    let mut state = PoolState::new(Config::default());
    let mut deadlines: BTreeMap<u64, DateTime<Utc>> = BTreeMap::new();
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut rand = |m: u64| {
        seed = seed
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (seed >> 33) % m
    };
    let n = 3_000u64;
    for id in 0..n {
        let client = Client::new(ClientId(id), format!("c{id}"), Source::Website, t0());
        evolve(
            &mut state,
            &Event::Imported {
                client: Box::new(client),
                actor: Actor::System,
            },
        );
    }
    let check = |state: &PoolState, deadlines: &BTreeMap<u64, DateTime<Utc>>| {
        let mut due: Vec<(DateTime<Utc>, u64)> = deadlines.iter().map(|(i, d)| (*d, *i)).collect();
        due.sort();
        for s in [-1i64, 0, 1, 17, 30, 59, 60, 61, 119, 120, 10_000] {
            let instant = t0() + Duration::seconds(s * 60);
            let expected: Vec<u64> = due
                .iter()
                .filter(|(d, _)| *d <= instant)
                .map(|(_, i)| *i)
                .collect();
            let listed: Vec<u64> = state.due_by(instant).map(|c| c.0).collect();
            assert_eq!(listed, expected, "at {instant}");
        }
        assert_eq!(state.next_deadline(), due.first().map(|d| d.0));
    };
    for round in 0..3 {
        for step in 0..12_000u64 {
            let id = if round == 0 { step % n } else { rand(n) };
            // Mostly in order within the hour, sometimes earlier, sometimes the next hour.
            let secs = match rand(10) {
                0 => rand(3_600),
                1 => 3_600 + rand(3_600),
                _ => (step * 3_600 / 12_000).min(3_599),
            };
            let d = t0() + Duration::seconds(secs as i64);
            deadlines.insert(id, d);
            evolve(
                &mut state,
                &Event::OwnerChanged {
                    client: ClientId(id),
                    to: RepId(1 + rand(3)),
                    via: Via::Claim { claims: 1 },
                    at: t0(),
                    day: NaiveDate::from_ymd_opt(2026, 11, 2).unwrap(),
                    timers: Timers {
                        remind_at: Some(d),
                        release: None,
                    },
                    actor: Actor::System,
                },
            );
        }
        check(&state, &deadlines);
        // Empty every bucket, then the next round fills them again.
        for id in 0..n {
            let Some(owner) = state.client(ClientId(id)).and_then(Client::owner) else {
                continue;
            };
            evolve(
                &mut state,
                &Event::Released {
                    client: ClientId(id),
                    from: owner,
                    at: t0(),
                    reason: ReleaseReason::Owner { note: "x".into() },
                    to_pool: PoolId(0),
                    actor: Actor::System,
                },
            );
            deadlines.remove(&id);
            if id % 500 == 0 {
                check(&state, &deadlines);
            }
        }
        check(&state, &deadlines);
    }
}
