//! Row contracts: versions, refusals and all-or-nothing batches.

use super::{Probe, Rows, base, client, ensure_eq, ok};
use crate::error::{Conflict, StoreError};
use crate::ids::{ClientId, PoolId, RepId};
use crate::model::RepLedger;
use crate::model::{Client, Contact, ContactLevel, DedupeKey, DedupeKeys, Region};
use crate::store::{Store, Versioned, Write};
use chrono::Duration;

/// Keys used by the row contracts.
fn keys(company: &str) -> DedupeKeys {
    DedupeKeys {
        company: Some(company.to_owned()),
        phone: Some("8613800138000".to_owned()),
        email: None,
    }
}

/// The probe every row contract snapshots: ids 1..=9, reps 1..=3, pools 0..=1.
pub(super) fn probe() -> Probe {
    Probe {
        ids: (1..=9).map(ClientId).collect(),
        reps: (1..=3).map(RepId).collect(),
        pools: vec![PoolId(0), PoolId(1)],
        keys: vec![
            DedupeKey::Company("acme".into()),
            DedupeKey::Company("globex".into()),
            DedupeKey::Phone("8613800138000".into()),
        ],
        instants: vec![
            base() - Duration::hours(2),
            base(),
            base() + Duration::hours(2),
        ],
    }
}

/// A client with every kind of field filled, so a store that drops or mangles any field of
/// the document is caught.
fn rich_client(id: u64) -> Client {
    let c = client(id)
        .with_region(Region::new(["CN", "Guangdong", "Shenzhen"]).unwrap_or_default())
        .with_industry("electronics")
        .with_tags(["technical", "price-driven"])
        .with_keys(keys("acme"))
        .with_flags(false, true, Some("A"))
        .with_history([Contact {
            rep: RepId(2),
            level: ContactLevel::Visit,
            at: base() - Duration::days(3),
            note: "visited the 工厂".into(),
        }]);
    super::through_the_pool(c)
}

/// get/insert/update round-trip every field; versions start at 1 and grow by 1; a batch
/// returns each write's new version in order, and writes of one row in one batch apply in
/// order.
pub(crate) fn round_trip<S: Store + ?Sized>(store: &S) {
    const C: &str = "round_trip";
    probe().require_empty(store, C);
    ensure_eq!(
        C,
        ok(C, "get", store.get(ClientId(1))),
        None,
        "get of an absent id"
    );
    let mut first = rich_client(1);
    ensure_eq!(
        C,
        ok(C, "insert", store.insert(first.clone())),
        1,
        "insert's version"
    );
    let stored = Versioned {
        version: 1,
        value: first.clone(),
    };
    ensure_eq!(
        C,
        ok(C, "get", store.get(ClientId(1))),
        Some(stored),
        "get after insert"
    );

    first = first.with_name("ACME Shenzhen");
    first.fixture_set_owner(Some(RepId(2)));
    first.fixture_set_deadline(Some(base() + Duration::minutes(5)));
    ensure_eq!(
        C,
        ok(C, "update", store.update(first.clone(), 1)),
        2,
        "update's version"
    );
    ensure_eq!(
        C,
        ok(C, "update", store.update(first.clone(), 2)),
        3,
        "second update"
    );
    let stored = Versioned {
        version: 3,
        value: first.clone(),
    };
    ensure_eq!(
        C,
        ok(C, "get", store.get(ClientId(1))),
        Some(stored),
        "get after updates"
    );

    let second = client(2);
    first = first.with_tags(["vip"]);
    let mut ledger = RepLedger::new(RepId(2));
    ledger.fixture_set_holding(1, 0);
    let batch = [
        Write::Insert {
            client: second.clone(),
        },
        Write::Update {
            client: first.clone(),
            expected: 3,
        },
        Write::Ledger {
            ledger: ledger.clone(),
            expected: 0,
        },
    ];
    let versions = ok(
        C,
        "commit of insert+update+ledger",
        store.commit_writes(&batch),
    );
    ensure_eq!(
        C,
        versions,
        vec![1, 4, 1],
        "versions returned by a batch, in order"
    );
    ensure_eq!(
        C,
        ok(C, "get", store.get(ClientId(1))).map(|v| v.value),
        Some(first),
        "row 1"
    );
    ensure_eq!(
        C,
        ok(C, "get", store.get(ClientId(2))).map(|v| v.value),
        Some(second),
        "row 2"
    );
    ensure_eq!(
        C,
        ok(C, "ledger", store.ledger(RepId(2))).value,
        ledger,
        "ledger"
    );

    let third = client(3);
    let mut renamed = third.clone();
    renamed = renamed.with_name("renamed in the same batch");
    let batch = [
        Write::Insert { client: third },
        Write::Update {
            client: renamed.clone(),
            expected: 1,
        },
    ];
    let versions = ok(
        C,
        "insert then update in one batch",
        store.commit_writes(&batch),
    );
    ensure_eq!(
        C,
        versions,
        vec![1, 2],
        "writes of one row in one batch apply in order"
    );
    let stored = Versioned {
        version: 2,
        value: renamed,
    };
    ensure_eq!(
        C,
        ok(C, "get", store.get(ClientId(3))),
        Some(stored),
        "row 3"
    );
    ensure_eq!(
        C,
        ok(C, "empty commit", store.commit_writes(&[])),
        Vec::<u64>::new(),
        "empty batch"
    );
}

/// Inserting an existing id is refused with `AlreadyExists`, alone or in a batch, and leaves
/// the row and every index as they were.
pub(crate) fn insert_existing_refused<S: Store + ?Sized>(store: &S) {
    const C: &str = "insert_existing_refused";
    let probe = probe();
    probe.require_empty(store, C);
    let mut original = client(1).with_keys(keys("acme"));
    original.fixture_set_deadline(Some(base()));
    ok(C, "insert", store.insert(original));
    let before = probe.snapshot(store, C);

    let mut intruder = client(1).with_keys(keys("globex"));
    intruder.fixture_set_owner(Some(RepId(1)));
    intruder.fixture_set_pool(PoolId(1));
    intruder.fixture_set_deadline(Some(base() - Duration::hours(2)));
    let refused = store.insert(intruder.clone());
    ensure_eq!(
        C,
        refused,
        Err(StoreError::Conflict(Conflict::Client {
            id: ClientId(1),
            expected: 0,
            found: 1
        })),
        "second insert"
    );
    ensure_eq!(
        C,
        probe.snapshot(store, C),
        before,
        "rows and indexes after the refusal"
    );

    let batch = [
        Write::Insert { client: client(2) },
        Write::Insert { client: intruder },
    ];
    let refused = store.commit_writes(&batch);
    ensure_eq!(
        C,
        refused,
        Err(StoreError::Conflict(Conflict::Client {
            id: ClientId(1),
            expected: 0,
            found: 1
        })),
        "batch"
    );
    ensure_eq!(
        C,
        probe.snapshot(store, C),
        before,
        "state after the refused batch"
    );
}

/// Updating an absent id is refused with a client conflict (found version 0) and creates
/// nothing.
pub(crate) fn update_missing_refused<S: Store + ?Sized>(store: &S) {
    const C: &str = "update_missing_refused";
    let probe = probe();
    probe.require_empty(store, C);
    ok(C, "insert", store.insert(client(1)));
    let before = probe.snapshot(store, C);
    let mut ghost = client(7).with_keys(keys("globex"));
    ghost.fixture_set_owner(Some(RepId(1)));
    ghost.fixture_set_deadline(Some(base()));
    for expected in [0, 1] {
        let refused = store.update(ghost.clone(), expected);
        ensure_eq!(
            C,
            refused,
            Err(StoreError::Conflict(Conflict::Client {
                id: ClientId(7),
                expected,
                found: 0,
            })),
            "update of an absent id expecting version {expected}"
        );
        ensure_eq!(
            C,
            probe.snapshot(store, C),
            before,
            "state after the refusal"
        );
    }
}

/// An update naming a stale (or future) version is refused with `Conflict` carrying both
/// versions; the row, its owner, pool, keys and deadline indexes all stay as they were.
pub(crate) fn stale_version_refused<S: Store + ?Sized>(store: &S) {
    const C: &str = "stale_version_refused";
    let probe = probe();
    probe.require_empty(store, C);
    let mut row = client(1).with_keys(keys("acme"));
    row.fixture_set_deadline(Some(base()));
    ok(C, "insert", store.insert(row.clone()));
    row.fixture_set_owner(Some(RepId(1)));
    *row.fixture_keys() = keys("globex");
    row.fixture_set_deadline(Some(base() + Duration::hours(2)));
    ensure_eq!(
        C,
        ok(C, "update", store.update(row.clone(), 1)),
        2,
        "fresh update"
    );
    let before = probe.snapshot(store, C);

    let mut stale = row.clone();
    stale = stale.with_name("lost update");
    stale.fixture_set_owner(None);
    stale.fixture_set_pool(PoolId(1));
    *stale.fixture_keys() = keys("acme");
    stale.fixture_set_deadline(Some(base() - Duration::hours(2)));
    for expected in [1, 3] {
        let refused = store.update(stale.clone(), expected);
        let conflict = StoreError::Conflict(Conflict::Client {
            id: ClientId(1),
            expected,
            found: 2,
        });
        ensure_eq!(
            C,
            refused,
            Err(conflict),
            "update expecting version {expected}"
        );
        ensure_eq!(
            C,
            probe.snapshot(store, C),
            before,
            "row and every index after it"
        );
    }
    ensure_eq!(
        C,
        ok(C, "update", store.update(row, 2)),
        3,
        "update at the current version"
    );
}

/// A batch with one refused write - stale client, stale ledger, absent id, or a second write
/// of a row the batch already moved - writes nothing at all.
pub(crate) fn batch_atomicity<S: Store + ?Sized>(store: &S) {
    const C: &str = "batch_atomicity";
    let probe = probe();
    probe.require_empty(store, C);
    ok(C, "insert", store.insert(client(1)));
    ok(C, "insert", store.insert(client(2)));
    let ledger = Write::Ledger {
        ledger: RepLedger::new(RepId(1)),
        expected: 0,
    };
    ok(
        C,
        "first ledger write",
        store.commit_writes(std::slice::from_ref(&ledger)),
    );
    let before = probe.snapshot(store, C);

    let mut claimed = client(1).with_keys(keys("acme"));
    claimed.fixture_set_owner(Some(RepId(1)));
    claimed.fixture_set_deadline(Some(base()));
    let claim = Write::Update {
        client: claimed.clone(),
        expected: 1,
    };
    let mut held = RepLedger::new(RepId(1));
    held.fixture_set_holding(1, 0);
    let fresh_ledger = Write::Ledger {
        ledger: held.clone(),
        expected: 1,
    };
    let insert = Write::Insert { client: client(3) };
    let conflict = |id, expected, found| {
        StoreError::Conflict(Conflict::Client {
            id: ClientId(id),
            expected,
            found,
        })
    };
    let cases: Vec<(&str, Vec<Write>, StoreError)> = vec![
        (
            "a stale client write last",
            vec![
                insert.clone(),
                claim.clone(),
                fresh_ledger.clone(),
                Write::Update {
                    client: client(2),
                    expected: 5,
                },
            ],
            conflict(2, 5, 1),
        ),
        (
            "a stale ledger write",
            vec![claim.clone(), ledger, insert.clone()],
            StoreError::Conflict(Conflict::Ledger {
                rep: RepId(1),
                expected: 0,
                found: 1,
            }),
        ),
        (
            "an update of an absent id",
            vec![
                insert.clone(),
                claim.clone(),
                Write::Update {
                    client: client(9),
                    expected: 1,
                },
            ],
            StoreError::Conflict(Conflict::Client {
                id: ClientId(9),
                expected: 1,
                found: 0,
            }),
        ),
        (
            "a second write of a row at the version the batch already moved",
            vec![claim.clone(), claim.clone()],
            conflict(1, 1, 2),
        ),
    ];
    for (case, batch, error) in cases {
        ensure_eq!(
            C,
            store.commit_writes(&batch),
            Err(error),
            "batch with {case}"
        );
        ensure_eq!(
            C,
            probe.snapshot(store, C),
            before,
            "state after the batch with {case}"
        );
    }
    let versions = ok(
        C,
        "valid batch",
        store.commit_writes(&[insert, claim, fresh_ledger]),
    );
    ensure_eq!(
        C,
        versions,
        vec![1, 2, 2],
        "the same writes without the bad one"
    );
    ensure_eq!(
        C,
        ok(C, "owned_by", store.owned_by(RepId(1))),
        vec![ClientId(1)],
        "owner"
    );
    ensure_eq!(
        C,
        ok(C, "ledger", store.ledger(RepId(1))).value,
        held,
        "ledger"
    );
}
