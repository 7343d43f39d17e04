//! The client-store contract, exercised method by method on the embedded `MemoryStore`.

use chrono::{DateTime, Duration, TimeZone, Utc};
use leadpool::conformance::{ledger_holding, placed};
use leadpool::error::StoreError;
use leadpool::ids::{ClientId, PoolId, RepId};
use leadpool::model::RepLedger;
use leadpool::model::{Client, DedupeKey, DedupeKeys, Source};
use leadpool::store::{ClientStore, MemoryStore, Write};

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 23, 9, 0, 0).unwrap()
}

fn client(id: u64, company: &str) -> Client {
    Client::new(ClientId(id), company, Source::Website, t0()).with_keys(DedupeKeys::from_raw(
        Some(company),
        None,
        Some(&format!("info@{}.com", company.to_lowercase())),
        None,
    ))
}

fn snapshot(store: &MemoryStore) -> String {
    // Everything observable through the trait, so "unchanged" means unchanged everywhere.
    let mut out = serde_json::to_string(&store.clients()).unwrap();
    out += &format!("{:?}", store.owned_by(RepId(1)).unwrap());
    out += &format!("{:?}", store.public_pool(PoolId::DEFAULT).unwrap());
    out += &format!("{:?}", store.due_by(t0() + Duration::days(365)).unwrap());
    out += &format!("{:?}", store.ledger(RepId(1)).unwrap());
    out
}

#[test]
fn insert_then_get_returns_version_one() {
    let store = MemoryStore::new();
    assert_eq!(store.get(ClientId(1)).unwrap(), None);
    assert_eq!(store.insert(client(1, "Acme")).unwrap(), 1);
    let stored = store.get(ClientId(1)).unwrap().unwrap();
    assert_eq!(stored.version, 1);
    assert_eq!(stored.value, client(1, "Acme"));
    assert_eq!(store.len(), 1);
}

#[test]
fn inserting_an_existing_id_is_refused() {
    let store = MemoryStore::new();
    store.insert(client(1, "Acme")).unwrap();
    let before = snapshot(&store);
    assert_eq!(
        store.insert(client(1, "Other")),
        Err(StoreError::AlreadyExists(ClientId(1)))
    );
    assert_eq!(snapshot(&store), before);
}

#[test]
fn update_with_the_read_version_bumps_it() {
    let store = MemoryStore::new();
    store.insert(client(1, "Acme")).unwrap();
    let mut c = store.get(ClientId(1)).unwrap().unwrap();
    c.value = placed(
        c.value.clone(),
        Some(RepId(1)),
        c.value.pool(),
        c.value.deadline(),
    );
    assert_eq!(store.update(c.value.clone(), c.version).unwrap(), 2);
    assert_eq!(store.get(ClientId(1)).unwrap().unwrap().version, 2);
    assert_eq!(store.owned_by(RepId(1)).unwrap(), vec![ClientId(1)]);
    assert!(store.public_pool(PoolId::DEFAULT).unwrap().is_empty());
}

#[test]
fn a_stale_update_is_refused_and_changes_nothing() {
    let store = MemoryStore::new();
    store.insert(client(1, "Acme")).unwrap();
    let read_by_a = store.get(ClientId(1)).unwrap().unwrap();
    let read_by_b = read_by_a.clone();

    let mut a = read_by_a.value.clone();
    a = placed(a.clone(), Some(RepId(1)), a.pool(), a.deadline());
    store.update(a, read_by_a.version).unwrap();
    let before = snapshot(&store);

    let mut b = read_by_b.value.clone();
    b = placed(b.clone(), Some(RepId(2)), b.pool(), b.deadline());
    b = placed(b.clone(), b.owner(), b.pool(), Some(t0()));
    assert_eq!(
        store.update(b, read_by_b.version),
        Err(StoreError::Conflict {
            id: ClientId(1),
            expected: 1,
            found: 2
        })
    );
    assert_eq!(snapshot(&store), before);
    assert!(store.owned_by(RepId(2)).unwrap().is_empty());
    assert!(store.due_by(t0()).unwrap().is_empty());
}

#[test]
fn updating_a_missing_client_is_refused() {
    let store = MemoryStore::new();
    assert_eq!(
        store.update(client(9, "Ghost"), 1),
        Err(StoreError::NotFound(ClientId(9)))
    );
    assert!(store.is_empty());
}

#[test]
fn a_batch_with_one_stale_write_writes_nothing() {
    let store = MemoryStore::new();
    store.insert(client(1, "Acme")).unwrap();
    store.insert(client(2, "Globex")).unwrap();
    let before = snapshot(&store);
    let mut one = client(1, "Acme");
    one = placed(one.clone(), Some(RepId(1)), one.pool(), one.deadline());
    let batch = [
        Write::Update {
            client: one,
            expected: 1,
        },
        Write::Ledger {
            ledger: ledger_holding(RepId(1), 1, 0),
            expected: 0,
        },
        Write::Update {
            client: client(2, "Globex"),
            expected: 7,
        },
    ];
    assert!(matches!(
        store.commit(&batch),
        Err(StoreError::Conflict {
            id: ClientId(2),
            ..
        })
    ));
    assert_eq!(snapshot(&store), before);
}

#[test]
fn two_writes_of_one_row_in_a_batch_are_checked_in_sequence() {
    let store = MemoryStore::new();
    let batch = [
        Write::Insert {
            client: client(1, "Acme"),
        },
        Write::Update {
            client: client(1, "Acme Two"),
            expected: 1,
        },
    ];
    assert_eq!(store.commit(&batch).unwrap(), vec![1, 2]);
    assert_eq!(
        store.get(ClientId(1)).unwrap().unwrap().value.name(),
        "Acme Two"
    );
    let stale = [
        Write::Update {
            client: client(1, "x"),
            expected: 2,
        },
        Write::Update {
            client: client(1, "y"),
            expected: 2,
        },
    ];
    assert!(matches!(
        store.commit(&stale),
        Err(StoreError::Conflict {
            expected: 2,
            found: 3,
            ..
        })
    ));
}

#[test]
fn ledgers_start_at_version_zero_and_refuse_stale_writes() {
    let store = MemoryStore::new();
    let fresh = store.ledger(RepId(4)).unwrap();
    assert_eq!(fresh.version, 0);
    assert_eq!(fresh.value, RepLedger::new(RepId(4)));
    let mut ledger = fresh.value.clone();
    ledger = ledger_holding(ledger.rep(), 3, 0);
    assert_eq!(
        store
            .commit(&[Write::Ledger {
                ledger: ledger.clone(),
                expected: 0
            }])
            .unwrap(),
        vec![1]
    );
    assert_eq!(
        store.commit(&[Write::Ledger {
            ledger,
            expected: 0
        }]),
        Err(StoreError::LedgerConflict {
            rep: RepId(4),
            expected: 0,
            found: 1
        })
    );
    assert_eq!(store.ledger(RepId(4)).unwrap().value.holding(), 3);
}

#[test]
fn listings_follow_ownership_and_pools_in_id_order() {
    let store = MemoryStore::new();
    for id in [5, 3, 1, 4, 2] {
        store.insert(client(id, &format!("C{id}"))).unwrap();
    }
    for id in [4, 2] {
        let mut c = store.get(ClientId(id)).unwrap().unwrap();
        c.value = placed(
            c.value.clone(),
            Some(RepId(1)),
            c.value.pool(),
            c.value.deadline(),
        );
        store.update(c.value, c.version).unwrap();
    }
    let mut other_pool = store.get(ClientId(5)).unwrap().unwrap();
    other_pool.value = placed(
        other_pool.value.clone(),
        other_pool.value.owner(),
        PoolId(7),
        other_pool.value.deadline(),
    );
    store.update(other_pool.value, other_pool.version).unwrap();
    assert_eq!(
        store.owned_by(RepId(1)).unwrap(),
        vec![ClientId(2), ClientId(4)]
    );
    assert_eq!(
        store.public_pool(PoolId::DEFAULT).unwrap(),
        vec![ClientId(1), ClientId(3)]
    );
    assert_eq!(store.public_pool(PoolId(7)).unwrap(), vec![ClientId(5)]);
    assert!(store.owned_by(RepId(2)).unwrap().is_empty());
}

#[test]
fn a_dedupe_key_belongs_to_one_client_and_lookups_follow_key_changes() {
    let store = MemoryStore::new();
    store.insert(client(1, "Acme")).unwrap();
    let acme = DedupeKey::Company("acme".into());
    assert_eq!(
        store.insert(client(2, "ACME Co., Ltd.")),
        Err(leadpool::StoreError::DuplicateKey {
            key: acme.clone(),
            holder: ClientId(1)
        }),
        "the same company cannot be stored twice"
    );
    assert_eq!(store.len(), 1, "the refused insert wrote nothing");
    store.insert(client(2, "Initech")).unwrap();
    let mut renamed = store.get(ClientId(2)).unwrap().unwrap();
    renamed.value =
        renamed
            .value
            .clone()
            .with_keys(DedupeKeys::from_raw(Some("Globex"), None, None, None));
    store.update(renamed.value, renamed.version).unwrap();
    assert_eq!(store.find_by_key(&acme).unwrap(), vec![ClientId(1)]);
    assert_eq!(
        store
            .find_by_key(&DedupeKey::Company("globex".into()))
            .unwrap(),
        vec![ClientId(2)]
    );
    assert_eq!(
        store
            .find_by_key(&DedupeKey::Email("info@acme.com".into()))
            .unwrap(),
        vec![ClientId(1)]
    );
}

#[test]
fn due_by_is_inclusive_and_ordered_by_deadline_then_id() {
    let store = MemoryStore::new();
    let at = |days: i64| t0() + Duration::days(days);
    for (id, due) in [
        (1, Some(3)),
        (2, Some(1)),
        (3, None),
        (4, Some(3)),
        (5, Some(10)),
    ] {
        let mut c = client(id, &format!("C{id}"));
        c = placed(c.clone(), c.owner(), c.pool(), due.map(at));
        store.insert(c).unwrap();
    }
    assert!(
        store
            .due_by(at(1) - Duration::seconds(1))
            .unwrap()
            .is_empty()
    );
    assert_eq!(store.due_by(at(1)).unwrap(), vec![ClientId(2)]);
    assert_eq!(
        store.due_by(at(3)).unwrap(),
        vec![ClientId(2), ClientId(1), ClientId(4)]
    );
    // Clearing a deadline removes the client from the index.
    let mut c = store.get(ClientId(2)).unwrap().unwrap();
    c.value = placed(c.value.clone(), c.value.owner(), c.value.pool(), None);
    store.update(c.value, c.version).unwrap();
    assert_eq!(store.due_by(at(9)).unwrap(), vec![ClientId(1), ClientId(4)]);
}

#[test]
fn the_store_works_through_references_boxes_and_arcs() {
    fn count(store: impl ClientStore) -> usize {
        store.public_pool(PoolId::DEFAULT).unwrap().len()
    }
    let store = std::sync::Arc::new(MemoryStore::new());
    store.insert(client(1, "Acme")).unwrap();
    assert_eq!(count(&*store), 1);
    assert_eq!(count(store.clone()), 1);
    let boxed: Box<dyn ClientStore> = Box::new(MemoryStore::new());
    assert_eq!(count(boxed), 0);
}
