//! Index contracts: owner and public-pool listings, dedupe lookups, deadlines, and agreement
//! with a brute-force scan after a seeded random workload.

use super::{Probe, Rows, base, client, ensure_eq, ns, ok};
use crate::error::{Conflict, StoreError};
use crate::ids::{ClientId, PoolId, RepId};
use crate::model::RepLedger;
use crate::model::{Client, DedupeKey, DedupeKeys};
use crate::rng::{Rng, below, seeded};
use crate::store::{Store, Version, Versioned, Write};
use chrono::{DateTime, Duration, Utc};
use std::collections::BTreeMap;

fn ids(raw: &[u64]) -> Vec<ClientId> {
    raw.iter().copied().map(ClientId).collect()
}

/// Reads `id` (which must exist), applies `change`, and writes it back at the version read.
fn modify<S: Store + ?Sized>(store: &S, contract: &str, id: u64, change: impl FnOnce(&mut Client)) {
    let Some(Versioned { version, mut value }) = ok(contract, "get", store.get(ClientId(id)))
    else {
        panic!(
            "store contract `{contract}` failed: client#{id} was inserted but get found nothing"
        );
    };
    change(&mut value);
    ensure_eq!(
        contract,
        ok(contract, "update", store.update(value, version)),
        version + 1,
        "update of client#{id}"
    );
}

/// `owned_by` and `public_pool` follow claims, transfers, releases and pool moves, and list
/// ids ascending whatever the insertion order.
pub(crate) fn owner_and_pool_listings<S: Store + ?Sized>(store: &S) {
    const C: &str = "owner_and_pool_listings";
    let (r1, r2) = (RepId(1), RepId(2));
    let (p0, p1) = (PoolId(0), PoolId(1));
    let probe = Probe {
        ids: ids(&[1, 3, 5, 7, 9]),
        reps: vec![r1, r2],
        pools: vec![p0, p1],
        ..Probe::default()
    };
    probe.require_empty(store, C);
    for (id, pool, owner) in [
        (5, p0, None),
        (3, p0, None),
        (9, p0, Some(r2)),
        (1, p1, None),
        (7, p1, None),
    ] {
        let mut c = client(id);
        c.fixture_set_pool(pool);
        c.fixture_set_owner(owner);
        ok(C, "insert", store.insert(c));
    }
    let listings = |store: &S| {
        let i = probe.indexes(store, C);
        (
            i.owned_by[&r1].clone(),
            i.owned_by[&r2].clone(),
            i.public_pool[&p0].clone(),
            i.public_pool[&p1].clone(),
        )
    };
    let expect = |step: &str, o1: &[u64], o2: &[u64], q0: &[u64], q1: &[u64]| {
        let want = (ids(o1), ids(o2), ids(q0), ids(q1));
        ensure_eq!(
            C,
            listings(store),
            want,
            "(owned_by rep#1, rep#2, public_pool pool#0, pool#1) {step}"
        );
    };
    expect("after inserts out of id order", &[], &[9], &[3, 5], &[1, 7]);
    modify(store, C, 5, |c| c.fixture_set_owner(Some(r1)));
    expect("after rep#1 claims client#5", &[5], &[9], &[3], &[1, 7]);
    modify(store, C, 9, |c| c.fixture_set_owner(Some(r1)));
    expect(
        "after client#9 moves from rep#2 to rep#1",
        &[5, 9],
        &[],
        &[3],
        &[1, 7],
    );
    modify(store, C, 5, |c| c.fixture_set_owner(None));
    expect("after rep#1 releases client#5", &[9], &[], &[3, 5], &[1, 7]);
    modify(store, C, 3, |c| c.fixture_set_pool(p1));
    expect(
        "after client#3 moves to pool#1",
        &[9],
        &[],
        &[5],
        &[1, 3, 7],
    );
    modify(store, C, 9, |c| c.fixture_set_pool(p1));
    expect(
        "after owned client#9 moves to pool#1",
        &[9],
        &[],
        &[5],
        &[1, 3, 7],
    );
    modify(store, C, 9, |c| c.fixture_set_owner(None));
    expect(
        "after client#9 is released into pool#1",
        &[],
        &[],
        &[5],
        &[1, 3, 7, 9],
    );
    ensure_eq!(
        C,
        ok(C, "public_pool", store.public_pool(PoolId(99))),
        Vec::<ClientId>::new(),
        "an unknown pool"
    );
}

/// A dedupe key belongs to one client: inserting a client with a key another client carries
/// is refused with [`Conflict::DuplicateKey`] naming the holder, and writes nothing.
/// `find_by_key` lists the client carrying a key, follows key changes and removals, and a phone
/// "acme" never matches a company "acme".
pub(crate) fn dedupe_lookups<S: Store + ?Sized>(store: &S) {
    const C: &str = "dedupe_lookups";
    let acme = DedupeKey::Company("acme".into());
    let globex = DedupeKey::Company("globex".into());
    let phone = DedupeKey::Phone("8613800138000".into());
    let email = DedupeKey::Email("buyer@acme.com".into());
    let odd_phone = DedupeKey::Phone("acme".into());
    let probe = Probe {
        ids: ids(&[2, 4, 6, 8]),
        keys: vec![
            acme.clone(),
            globex.clone(),
            phone.clone(),
            email.clone(),
            odd_phone.clone(),
        ],
        ..Probe::default()
    };
    probe.require_empty(store, C);
    let with = |id, company: Option<&str>, phone: Option<&str>, email: Option<&str>| {
        client(id).with_keys(DedupeKeys {
            company: company.map(Into::into),
            phone: phone.map(Into::into),
            email: email.map(Into::into),
        })
    };
    ok(C, "insert", store.insert(with(6, None, Some("acme"), None)));
    ok(
        C,
        "insert",
        store.insert(with(4, Some("acme"), None, Some("buyer@acme.com"))),
    );
    let before = probe.snapshot(store, C);
    ensure_eq!(
        C,
        store.insert(with(2, Some("acme"), Some("8613800138000"), None)),
        Err(StoreError::Conflict(Conflict::DuplicateKey {
            key: acme.clone(),
            holder: ClientId(4)
        })),
        "inserting a second client with company acme"
    );
    ensure_eq!(
        C,
        probe.snapshot(store, C),
        before,
        "rows and indexes after the refused insert"
    );
    ok(
        C,
        "insert",
        store.insert(with(2, Some("globex"), Some("8613800138000"), None)),
    );
    let expect = |step: &str, answers: [&[u64]; 5]| {
        let found = probe.indexes(store, C).find_by_key;
        let want: BTreeMap<DedupeKey, Vec<ClientId>> = probe
            .keys
            .iter()
            .cloned()
            .zip(answers.iter().map(|a| ids(a)))
            .collect();
        ensure_eq!(C, found, want, "find_by_key for each key {step}");
    };
    // Order of answers: acme, globex, phone, email, phone "acme".
    expect("after inserts", [&[4], &[2], &[2], &[4], &[6]]);
    modify(store, C, 2, |c| {
        c.fixture_keys().company = None;
        c.fixture_keys().phone = None;
    });
    expect(
        "after client#2 drops its company and phone",
        [&[4], &[], &[], &[4], &[6]],
    );
    modify(store, C, 4, |c| *c.fixture_keys() = DedupeKeys::default());
    expect("after client#4 loses every key", [&[], &[], &[], &[], &[6]]);
    modify(store, C, 6, |c| {
        c.fixture_keys().company = Some("acme".into())
    });
    expect(
        "after client#6 gains company acme",
        [&[6], &[], &[], &[], &[6]],
    );
    ensure_eq!(
        C,
        store.insert(with(8, Some("acme"), None, None)),
        Err(StoreError::Conflict(Conflict::DuplicateKey {
            key: acme,
            holder: ClientId(6)
        })),
        "inserting company acme once client#6 carries it"
    );
}

/// `due_by(t)` lists clients with a deadline at or before `t`, inclusive to the nanosecond,
/// in (deadline, id) order, and follows deadline changes and removals.
pub(crate) fn due_by_boundaries<S: Store + ?Sized>(store: &S) {
    const C: &str = "due_by_boundaries";
    let d = base();
    let probe = Probe {
        ids: ids(&[1, 2, 3, 4, 6, 8]),
        ..Probe::default()
    };
    probe.require_empty(store, C);
    for (id, deadline) in [
        (4, Some(d)),
        (2, Some(d)),
        (6, Some(d + ns(1))),
        (3, Some(d - ns(1))),
        (8, None),
        (1, Some(d + Duration::days(1))),
    ] {
        let mut c = client(id);
        c.fixture_set_deadline(deadline);
        ok(C, "insert", store.insert(c));
    }
    let expect = |at: DateTime<Utc>, step: &str, want: &[u64]| {
        ensure_eq!(
            C,
            ok(C, "due_by", store.due_by(at)),
            ids(want),
            "due_by({at:?}) {step}"
        );
    };
    expect(d - ns(2), "two nanoseconds before the boundary", &[]);
    expect(d - ns(1), "one nanosecond before the boundary", &[3]);
    expect(d, "at the boundary (inclusive, ties by id)", &[3, 2, 4]);
    expect(
        d + ns(1),
        "one nanosecond after the boundary",
        &[3, 2, 4, 6],
    );
    expect(d + Duration::days(1), "a day later", &[3, 2, 4, 6, 1]);
    expect(
        d + Duration::days(3650),
        "ten years later",
        &[3, 2, 4, 6, 1],
    );
    modify(store, C, 3, |c| {
        c.fixture_set_deadline(Some(d + Duration::days(2)))
    });
    expect(d, "after client#3's deadline moves two days later", &[2, 4]);
    modify(store, C, 4, |c| c.fixture_set_deadline(None));
    expect(d, "after client#4's deadline is removed", &[2]);
    modify(store, C, 8, |c| {
        c.fixture_set_deadline(Some(d - Duration::days(1)))
    });
    expect(d, "after client#8 gains a deadline a day earlier", &[8, 2]);
    expect(d + Duration::days(3), "three days later", &[8, 2, 6, 1, 3]);
}

/// [`indexes_match_scan_seeded`] with seed 2026 and 150 steps.
pub(crate) fn indexes_match_scan<S: Store + ?Sized>(store: &S) {
    indexes_match_scan_seeded(store, 2026, 150);
}

const RANDOM_IDS: u64 = 12;
const RANDOM_REPS: u64 = 3;
const COMPANIES: [&str; 3] = ["acme", "globex", "initech"];
const PHONES: [&str; 2] = ["8613800000001", "8613800000002"];
const EMAILS: [&str; 2] = ["a@acme.com", "b@globex.com"];
/// Deadline offsets from the base instant, in nanoseconds; neighbours differ by little.
const DEADLINES: [i64; 5] = [-1_000_000_000, -1, 0, 1, 3_600_000_000_000];

/// Runs `steps` seeded pseudo-random batches (inserts, updates, ledger writes, some stale,
/// some of existing ids) and after each one checks that the store's answer matched the
/// contract (success exactly when every write was valid), that every row and ledger equals a
/// model kept beside it, and that every index answers what a scan of the rows does.
pub(crate) fn indexes_match_scan_seeded<S: Store + ?Sized>(store: &S, seed: u64, steps: u32) {
    const C: &str = "indexes_match_scan";
    let mut probe = Probe {
        ids: (1..=RANDOM_IDS).map(ClientId).collect(),
        reps: (1..=RANDOM_REPS).map(RepId).collect(),
        pools: vec![PoolId(0), PoolId(1)],
        ..Probe::default()
    };
    probe
        .keys
        .extend(COMPANIES.map(|c| DedupeKey::Company(c.into())));
    probe
        .keys
        .extend(PHONES.map(|p| DedupeKey::Phone(p.into())));
    probe
        .keys
        .extend(EMAILS.map(|e| DedupeKey::Email(e.into())));
    for offset in DEADLINES {
        probe
            .instants
            .extend([base() + ns(offset - 1), base() + ns(offset)]);
    }
    probe.require_empty(store, C);
    let mut rng = seeded(seed);
    let mut rows: BTreeMap<ClientId, Versioned<Client>> = BTreeMap::new();
    let mut ledgers: BTreeMap<RepId, Versioned<RepLedger>> = BTreeMap::new();
    for step in 0..steps {
        let batch = random_batch(&mut rng, &rows, &ledgers);
        let valid = batch_is_valid(&batch, &rows, &ledgers);
        let result = store.commit_writes(&batch);
        match (&result, valid) {
            (Ok(_), true) => apply(&batch, &mut rows, &mut ledgers),
            (
                Err(StoreError::Conflict(
                    Conflict::Client { .. }
                    | Conflict::Ledger { .. }
                    | Conflict::DuplicateKey { .. },
                )),
                false,
            ) => {}
            _ => panic!(
                "store contract `{C}` failed: seed {seed} step {step}: batch {batch:?} \
                 (valid: {valid}) returned {result:?}"
            ),
        }
        let snapshot = probe.snapshot(store, C);
        let stored: BTreeMap<ClientId, Versioned<Client>> = snapshot
            .rows
            .iter()
            .filter_map(|(id, row)| row.clone().map(|r| (*id, r)))
            .collect();
        ensure_eq!(
            C,
            stored,
            rows,
            "seed {seed} step {step}: rows after {batch:?}"
        );
        for (rep, ledger) in &snapshot.ledgers {
            let want = ledgers.get(rep).cloned().unwrap_or(Versioned {
                version: 0,
                value: RepLedger::new(*rep),
            });
            ensure_eq!(C, *ledger, want, "seed {seed} step {step}: ledger of {rep}");
        }
        let scanned = probe.scan(stored.values().map(|v| &v.value));
        ensure_eq!(
            C,
            snapshot.indexes,
            scanned,
            "seed {seed} step {step}: indexes against a scan of every row"
        );
    }
}

/// One to three writes of distinct ids (and at most one ledger per rep), each valid with
/// probability about 5/6.
fn random_batch(
    rng: &mut impl Rng,
    rows: &BTreeMap<ClientId, Versioned<Client>>,
    ledgers: &BTreeMap<RepId, Versioned<RepLedger>>,
) -> Vec<Write> {
    let mut batch: Vec<Write> = Vec::new();
    let size = 1 + below(rng, 3);
    for _ in 0..size {
        let stale = below(rng, 6) == 0;
        if below(rng, 4) == 0 {
            let rep = RepId(1 + below(rng, RANDOM_REPS));
            if batch
                .iter()
                .any(|w| matches!(w, Write::Ledger { ledger, .. } if ledger.rep() == rep))
            {
                continue;
            }
            let current = ledgers.get(&rep).map_or(0, |l| l.version);
            let mut ledger = RepLedger::new(rep);
            ledger.fixture_set_holding(u32::try_from(below(rng, 10)).unwrap_or(0), 0);
            let expected = if stale { current + 1 } else { current };
            batch.push(Write::Ledger { ledger, expected });
            continue;
        }
        let id = ClientId(1 + below(rng, RANDOM_IDS));
        let touched = |w: &Write| matches!(w, Write::Insert { client } | Write::Update { client, .. } if client.id() == id);
        if batch.iter().any(touched) {
            continue;
        }
        let client = random_client(rng, id);
        let write = match rows.get(&id) {
            // A stale insert is an insert of an id that exists.
            None if stale => Write::Update {
                client,
                expected: 1,
            },
            None => Write::Insert { client },
            Some(_) if stale && below(rng, 2) == 0 => Write::Insert { client },
            Some(row) => {
                let expected: Version = if stale { row.version - 1 } else { row.version };
                Write::Update { client, expected }
            }
        };
        batch.push(write);
    }
    batch
}

fn random_client(rng: &mut impl Rng, id: ClientId) -> Client {
    let mut pick = |n: usize| usize::try_from(below(rng, n as u64)).unwrap_or(0);
    let mut c = client(id.0);
    c = c.with_name(format!("client {} rev {}", id.0, pick(1000)));
    c.fixture_set_pool(PoolId(pick(2) as u64));
    c.fixture_set_owner((pick(3) > 0).then(|| RepId(1 + pick(RANDOM_REPS as usize) as u64)));
    *c.fixture_keys() = DedupeKeys {
        company: (pick(4) > 0).then(|| COMPANIES[pick(COMPANIES.len())].to_owned()),
        phone: (pick(2) > 0).then(|| PHONES[pick(PHONES.len())].to_owned()),
        email: (pick(3) == 0).then(|| EMAILS[pick(EMAILS.len())].to_owned()),
    };
    c.fixture_set_deadline((pick(4) > 0).then(|| base() + ns(DEADLINES[pick(DEADLINES.len())])));
    c
}

/// Whether a store must accept `batch`: each write valid against the rows as the writes before
/// it in the batch left them.
fn batch_is_valid(
    batch: &[Write],
    rows: &BTreeMap<ClientId, Versioned<Client>>,
    ledgers: &BTreeMap<RepId, Versioned<RepLedger>>,
) -> bool {
    let (mut rows, mut ledgers) = (rows.clone(), ledgers.clone());
    for write in batch {
        if !write_is_valid(write, &rows, &ledgers) {
            return false;
        }
        apply(std::slice::from_ref(write), &mut rows, &mut ledgers);
    }
    true
}

fn write_is_valid(
    write: &Write,
    rows: &BTreeMap<ClientId, Versioned<Client>>,
    ledgers: &BTreeMap<RepId, Versioned<RepLedger>>,
) -> bool {
    match write {
        Write::Insert { client } => {
            let taken = |key: &DedupeKey| {
                rows.values().any(|r| {
                    r.value.id() != client.id() && r.value.keys().iter().any(|k| &k == key)
                })
            };
            !rows.contains_key(&client.id()) && !client.keys().iter().any(|k| taken(&k))
        }
        Write::Update { client, expected } => rows
            .get(&client.id())
            .is_some_and(|r| r.version == *expected),
        Write::Ledger { ledger, expected } => {
            ledgers.get(&ledger.rep()).map_or(0, |l| l.version) == *expected
        }
    }
}

fn apply(
    batch: &[Write],
    rows: &mut BTreeMap<ClientId, Versioned<Client>>,
    ledgers: &mut BTreeMap<RepId, Versioned<RepLedger>>,
) {
    for write in batch {
        match write {
            Write::Insert { client } | Write::Update { client, .. } => {
                let version = rows.get(&client.id()).map_or(0, |r| r.version) + 1;
                rows.insert(
                    client.id(),
                    Versioned {
                        version,
                        value: client.clone(),
                    },
                );
            }
            Write::Ledger { ledger, .. } => {
                let version = ledgers.get(&ledger.rep()).map_or(0, |l| l.version) + 1;
                ledgers.insert(
                    ledger.rep(),
                    Versioned {
                        version,
                        value: ledger.clone(),
                    },
                );
            }
        }
    }
}
