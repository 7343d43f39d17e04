//! Property: the memory store's indexes always agree with a brute-force scan, after any
//! sequence of inserts, updates and refused (stale) updates.

use super::{Rows, placed};
use crate::error::{Conflict, StoreError};
use crate::ids::{ClientId, PoolId, RepId};
use crate::model::{Client, DedupeKey, DedupeKeys, Source};
use crate::store::{MemoryStore, Store};
use chrono::{Duration, TimeZone, Utc};
use proptest::prelude::*;

#[derive(Clone, Debug)]
enum Op {
    Insert {
        id: u64,
        company: u8,
        owner: Option<u64>,
        pool: u64,
        due: Option<i64>,
    },
    Update {
        id: u64,
        company: u8,
        owner: Option<u64>,
        pool: u64,
        due: Option<i64>,
        stale: bool,
    },
}

fn op() -> impl Strategy<Value = Op> {
    let fields = (
        0u64..12,
        0u8..4,
        proptest::option::of(0u64..3),
        0u64..2,
        proptest::option::of(0i64..6),
    );
    prop_oneof![
        fields
            .clone()
            .prop_map(|(id, company, owner, pool, due)| Op::Insert {
                id,
                company,
                owner,
                pool,
                due
            }),
        (fields, any::<bool>()).prop_map(|((id, company, owner, pool, due), stale)| Op::Update {
            id,
            company,
            owner,
            pool,
            due,
            stale
        }),
    ]
}

fn build(id: u64, company: u8, owner: Option<u64>, pool: u64, due: Option<i64>) -> Client {
    let t0 = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
    let c = Client::new(ClientId(id), "c", Source::Website, t0).with_keys(DedupeKeys::from_raw(
        Some(&format!("Company {company} Ltd")),
        Some(&format!("+86 1380013{:04}", company)),
        None,
        None,
    ));
    placed(
        c,
        owner.map(RepId),
        PoolId(pool),
        due.map(|d| t0 + Duration::days(d)),
    )
}

proptest! {
    #[test]
    fn indexes_agree_with_a_full_scan(ops in proptest::collection::vec(op(), 0..60)) {
        let store = MemoryStore::new();
        for op in ops {
            match op {
                Op::Insert { id, company, owner, pool, due } => {
                    let existed = store.get(ClientId(id)).unwrap().is_some();
                    let key = DedupeKey::Company(format!("company{company}"));
                    let taken = !store.find_by_key(&key).unwrap().is_empty();
                    let result = store.insert(build(id, company, owner, pool, due));
                    prop_assert_eq!(result.is_err(), existed || taken, "{:?}", result);
                    if !existed && taken {
                        let duplicate = matches!(result, Err(StoreError::Conflict(Conflict::DuplicateKey { .. })));
                        prop_assert!(duplicate, "a taken key is refused as such");
                    }
                }
                Op::Update { id, company, owner, pool, due, stale } => {
                    if let Some(current) = store.get(ClientId(id)).unwrap() {
                        let version = if stale { current.version + 1 } else { current.version };
                        let result = store.update(build(id, company, owner, pool, due), version);
                        prop_assert_eq!(result.is_err(), stale);
                    }
                }
            }
        }
        let all = store.clients();
        let t0 = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
        for rep in 0..3 {
            let scan: Vec<_> = all.iter().filter(|c| c.value.owner() == Some(RepId(rep))).map(|c| c.value.id()).collect();
            prop_assert_eq!(store.owned_by(RepId(rep)).unwrap(), scan);
        }
        for pool in 0..2 {
            let scan: Vec<_> = all.iter().filter(|c| c.value.owner().is_none() && c.value.pool() == PoolId(pool)).map(|c| c.value.id()).collect();
            prop_assert_eq!(store.public_pool(PoolId(pool)).unwrap(), scan);
        }
        for company in 0..4u8 {
            let key = DedupeKey::Company(format!("company{company}"));
            let scan: Vec<_> = all.iter().filter(|c| c.value.keys().iter().any(|k| k == key)).map(|c| c.value.id()).collect();
            prop_assert_eq!(store.find_by_key(&key).unwrap(), scan);
        }
        for day in 0..7 {
            let by = t0 + Duration::days(day);
            let mut scan: Vec<_> = all.iter().filter_map(|c| c.value.deadline().filter(|d| *d <= by).map(|d| (d, c.value.id()))).collect();
            scan.sort();
            let scan: Vec<_> = scan.into_iter().map(|(_, id)| id).collect();
            prop_assert_eq!(store.due_by(by).unwrap(), scan);
        }
    }
}

#[test]
fn the_store_works_through_references_boxes_and_arcs() {
    fn count(store: impl Store) -> usize {
        store.events(0, 10).map_or(0, |events| events.len())
    }
    let store = MemoryStore::new();
    assert_eq!(count(&store), 0);
    assert_eq!(count(Box::new(MemoryStore::new())), 0);
    assert_eq!(count(std::sync::Arc::new(MemoryStore::new())), 0);
}
