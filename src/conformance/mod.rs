//! The store-adapter conformance suite: every contract [`ClientStore`] documents, as code an
//! adapter author runs against their own store (cargo feature `conformance`).
//!
//! ```
//! use leadpool::conformance;
//! use leadpool::store::MemoryStore;
//!
//! let report = conformance::run_all(MemoryStore::new);
//! assert_eq!(report.passed.len(), conformance::CONTRACTS.len());
//! ```
//!
//! Each contract is also a public function taking a **fresh, empty** store, so a failing one
//! can be run alone while debugging an adapter. [`run_all`] calls the factory once per
//! contract, so every contract starts from an empty store (a new temporary database, a new
//! schema, a truncated table set…).
//!
//! # Panics
//!
//! This is a test harness: a contract that does not hold panics, with a message that starts
//! with ``store contract `NAME` failed`` and says what was expected and what the store answered.
//! That is what `#[test]` functions want; nothing in the engine calls this module.
//!
//! Client ids used stay below 100 and rep ids below 10, so any id column works. Deadlines are
//! compared to the nanosecond: a store must keep [`Client::deadline`] exactly (an integer of
//! nanoseconds, not a microsecond timestamp), or [`due_by_boundaries`] fails.

mod concurrent;
mod indexes;
mod ledgers;
mod rows;

pub use concurrent::{
    CLAIM_CAP, CLAIM_CLIENTS, CLAIM_REPS, CLAIM_THREADS, IMPORT_COMPANIES, concurrent_claims,
    concurrent_claims_with, concurrent_imports,
};
pub use indexes::{
    dedupe_lookups, due_by_boundaries, indexes_match_scan, indexes_match_scan_seeded,
    owner_and_pool_listings,
};
pub use ledgers::ledger_versions;
pub use rows::{
    batch_atomicity, insert_existing_refused, round_trip, stale_version_refused,
    update_missing_refused,
};

use crate::error::StoreError;
use crate::ids::{ClientId, PoolId, RepId};
use crate::model::RepLedger;
use crate::model::{Client, DedupeKey, Source};
use crate::store::{ClientStore, Versioned};
use chrono::{DateTime, Duration, TimeZone, Utc};
use std::collections::BTreeMap;
use std::fmt;

/// Every contract [`run_all`] checks, in the order it checks them, with what it means.
pub const CONTRACTS: &[(&str, &str)] = &[
    (
        "round_trip",
        "get returns what insert/update stored; versions start at 1 and grow by 1; a batch returns each write's version in order",
    ),
    (
        "insert_existing_refused",
        "inserting an id that exists is refused with AlreadyExists and changes nothing",
    ),
    (
        "update_missing_refused",
        "updating an id that does not exist is refused with NotFound and changes nothing",
    ),
    (
        "stale_version_refused",
        "an update naming a stale version is refused with Conflict; the row and every index stay unchanged",
    ),
    (
        "batch_atomicity",
        "a batch with one refused write writes nothing, whatever its position",
    ),
    (
        "ledger_versions",
        "a ledger never written reads as version 0; ledger writes are version-checked",
    ),
    (
        "owner_and_pool_listings",
        "owned_by and public_pool follow claims, transfers, releases and pool moves, ascending",
    ),
    (
        "dedupe_lookups",
        "a dedupe key belongs to one client: an insert carrying a held key is refused with DuplicateKey; find_by_key follows key changes and removals; key kinds never mix",
    ),
    (
        "due_by_boundaries",
        "due_by is inclusive to the nanosecond, ordered by (deadline, id), and follows deadline changes",
    ),
    (
        "indexes_match_scan",
        "after a seeded random sequence of writes every index answers what a scan of the rows does",
    ),
    (
        "concurrent_claims",
        "threads racing to claim the same clients never double-claim nor exceed a rep's cap",
    ),
    (
        "concurrent_imports",
        "threads racing to insert clients of one company: exactly one commits, the others get DuplicateKey naming it",
    ),
];

/// What [`run_all`] checked: the names of the contracts that held (all of them, since a
/// failure panics).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Report {
    /// Names from [`CONTRACTS`], in the order they ran.
    pub passed: Vec<&'static str>,
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} store contracts held: {}",
            self.passed.len(),
            self.passed.join(", ")
        )
    }
}

/// `client` placed as a store row can hold it: owned by `owner` (public when `None`) in `pool`,
/// due at `deadline`. For adapter authors' own store tests: the engine never builds clients
/// this way (it changes custody only through its events).
pub fn placed(
    mut client: Client,
    owner: Option<RepId>,
    pool: PoolId,
    deadline: Option<DateTime<Utc>>,
) -> Client {
    client.fixture_set_owner(owner);
    client.fixture_set_pool(pool);
    client.fixture_set_deadline(deadline);
    client
}

/// A ledger row for `rep` holding `holding` clients, `won` of them with a deal, for adapter
/// authors' own store tests.
pub fn ledger_holding(rep: RepId, holding: u32, won: u32) -> RepLedger {
    let mut ledger = RepLedger::new(rep);
    ledger.fixture_set_holding(holding, won);
    ledger
}

/// `client` as the engine stores it after a life: imported with its history and flags into a
/// pool under a timer policy, claimed by rep 3, released by rep 3 with a reason, claimed by rep
/// 2 and followed up; so a store that drops or mangles any custody field is caught.
pub(crate) fn through_the_pool(client: Client) -> Client {
    use crate::allocate::Team;
    use crate::model::Rep;
    use crate::pool::{Command, Config, PoolPolicy, PoolState, execute};
    let id = client.id();
    let team = Team::new((1..=3).map(|i| Rep::new(RepId(i), format!("rep {i}"))));
    let policy = PoolPolicy {
        remind_after_days: Some(20),
        release_after_reminder_days: 10,
        ..PoolPolicy::default()
    };
    let Ok(config) = Config::new(team, policy) else {
        return client;
    };
    let mut state = PoolState::new(config);
    let t = base() - Duration::days(2);
    let steps = [
        Command::Import {
            client: Box::new(client.clone()),
        },
        Command::Claim {
            client: id,
            rep: RepId(3),
        },
        Command::Release {
            client: id,
            rep: RepId(3),
            note: "not followed up for 30 days".into(),
        },
    ];
    for command in steps {
        if execute(&mut state, command, t).is_err() {
            return client;
        }
    }
    let later = [
        Command::Claim {
            client: id,
            rep: RepId(2),
        },
        Command::FollowUp {
            client: id,
            rep: RepId(2),
            level: crate::model::ContactLevel::Sample,
            note: "sample sent".into(),
        },
    ];
    for command in later {
        if execute(&mut state, command, base() + ns(123_456_789)).is_err() {
            return client;
        }
    }
    state.client(id).cloned().unwrap_or(client)
}

/// A ledger with every field filled, as the engine keeps it after two claims on one day.
pub(crate) fn busy_ledger(rep: RepId) -> RepLedger {
    let mut ledger = RepLedger::new(rep);
    let region = crate::model::Region::world();
    ledger.take(&region, false, base(), base().date_naive(), Some(1));
    ledger.take(&region, true, base() + ns(1), base().date_naive(), Some(2));
    ledger
}

/// One contract, run on a fresh store.
type Check<S> = fn(&S);

/// Runs every contract in [`CONTRACTS`], each on a fresh store from `factory`.
///
/// # Panics
///
/// When a contract does not hold, naming it (see the [module docs](self)).
pub fn run_all<S, F>(factory: F) -> Report
where
    S: ClientStore + Send + Sync,
    F: Fn() -> S,
{
    let checks: [(&'static str, Check<S>); 12] = [
        ("round_trip", round_trip::<S>),
        ("insert_existing_refused", insert_existing_refused::<S>),
        ("update_missing_refused", update_missing_refused::<S>),
        ("stale_version_refused", stale_version_refused::<S>),
        ("batch_atomicity", batch_atomicity::<S>),
        ("ledger_versions", ledger_versions::<S>),
        ("owner_and_pool_listings", owner_and_pool_listings::<S>),
        ("dedupe_lookups", dedupe_lookups::<S>),
        ("due_by_boundaries", due_by_boundaries::<S>),
        ("indexes_match_scan", indexes_match_scan::<S>),
        ("concurrent_claims", concurrent_claims::<S>),
        ("concurrent_imports", concurrent_imports::<S>),
    ];
    let mut report = Report::default();
    for (name, check) in checks {
        check(&factory());
        report.passed.push(name);
    }
    report
}

/// Panics with the contract's name and the store's error.
fn ok<T>(contract: &str, what: &str, result: Result<T, StoreError>) -> T {
    match result {
        Ok(value) => value,
        Err(error) => {
            panic!("store contract `{contract}` failed: {what}: unexpected error: {error}")
        }
    }
}

/// Asserts equality, naming the contract and the step.
macro_rules! ensure_eq {
    ($contract:expr, $found:expr, $expected:expr, $($what:tt)+) => {{
        let (found, expected) = (&$found, &$expected);
        if found != expected {
            panic!(
                "store contract `{}` failed: {}\n     store answered: {:?}\n  contract requires: {:?}",
                $contract,
                format!($($what)+),
                found,
                expected
            );
        }
    }};
}
pub(crate) use ensure_eq;

/// The instant every fixture is built around: 2026-11-23 09:00 UTC.
fn base() -> DateTime<Utc> {
    // A valid calendar date: `single` cannot be None.
    Utc.with_ymd_and_hms(2026, 11, 23, 9, 0, 0)
        .single()
        .unwrap_or_default()
}

fn ns(n: i64) -> Duration {
    Duration::nanoseconds(n)
}

/// A plain public client in the default pool.
fn client(id: u64) -> Client {
    Client::new(
        ClientId(id),
        format!("client {id}"),
        Source::Website,
        base(),
    )
}

/// The ids, reps, pools, keys and instants a contract looks at, and what every index answers
/// for them. Two snapshots compare equal when nothing observable through the trait changed.
#[derive(Clone, Debug, Default)]
struct Probe {
    ids: Vec<ClientId>,
    reps: Vec<RepId>,
    pools: Vec<PoolId>,
    keys: Vec<DedupeKey>,
    instants: Vec<DateTime<Utc>>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct Snapshot {
    rows: BTreeMap<ClientId, Option<Versioned<Client>>>,
    ledgers: BTreeMap<RepId, Versioned<RepLedger>>,
    indexes: Indexes,
}

/// The answers of the four index queries.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Indexes {
    owned_by: BTreeMap<RepId, Vec<ClientId>>,
    public_pool: BTreeMap<PoolId, Vec<ClientId>>,
    find_by_key: BTreeMap<DedupeKey, Vec<ClientId>>,
    due_by: BTreeMap<DateTime<Utc>, Vec<ClientId>>,
}

impl Probe {
    fn snapshot<S: ClientStore + ?Sized>(&self, store: &S, contract: &str) -> Snapshot {
        let rows = self
            .ids
            .iter()
            .map(|&id| (id, ok(contract, &format!("get({id})"), store.get(id))))
            .collect();
        let ledgers = self
            .reps
            .iter()
            .map(|&rep| {
                (
                    rep,
                    ok(contract, &format!("ledger({rep})"), store.ledger(rep)),
                )
            })
            .collect();
        Snapshot {
            rows,
            ledgers,
            indexes: self.indexes(store, contract),
        }
    }

    fn indexes<S: ClientStore + ?Sized>(&self, store: &S, contract: &str) -> Indexes {
        Indexes {
            owned_by: self
                .reps
                .iter()
                .map(|&r| (r, ok(contract, "owned_by", store.owned_by(r))))
                .collect(),
            public_pool: self
                .pools
                .iter()
                .map(|&p| (p, ok(contract, "public_pool", store.public_pool(p))))
                .collect(),
            find_by_key: self
                .keys
                .iter()
                .map(|k| (k.clone(), ok(contract, "find_by_key", store.find_by_key(k))))
                .collect(),
            due_by: self
                .instants
                .iter()
                .map(|&t| (t, ok(contract, "due_by", store.due_by(t))))
                .collect(),
        }
    }

    /// What the indexes must answer for these rows, by scanning all of them.
    fn scan<'a>(&self, rows: impl Iterator<Item = &'a Client> + Clone) -> Indexes {
        let ids = |keep: &dyn Fn(&Client) -> bool| -> Vec<ClientId> {
            let mut ids: Vec<ClientId> = rows.clone().filter(|c| keep(c)).map(|c| c.id()).collect();
            ids.sort();
            ids
        };
        let due = |t: DateTime<Utc>| -> Vec<ClientId> {
            let mut due: Vec<(DateTime<Utc>, ClientId)> = rows
                .clone()
                .filter_map(|c| c.deadline().filter(|d| *d <= t).map(|d| (d, c.id())))
                .collect();
            due.sort();
            due.into_iter().map(|(_, id)| id).collect()
        };
        Indexes {
            owned_by: self
                .reps
                .iter()
                .map(|&r| (r, ids(&|c| c.owner() == Some(r))))
                .collect(),
            public_pool: self
                .pools
                .iter()
                .map(|&p| (p, ids(&|c| c.owner().is_none() && c.pool() == p)))
                .collect(),
            find_by_key: self
                .keys
                .iter()
                .map(|k| (k.clone(), ids(&|c| c.keys().iter().any(|own| own == *k))))
                .collect(),
            due_by: self.instants.iter().map(|&t| (t, due(t))).collect(),
        }
    }

    /// Panics unless every probed id is absent: contracts need a fresh store.
    fn require_empty<S: ClientStore + ?Sized>(&self, store: &S, contract: &str) {
        for &id in &self.ids {
            if ok(contract, "get", store.get(id)).is_some() {
                panic!("store contract `{contract}` needs a fresh, empty store, but {id} exists");
            }
        }
    }
}
