//! The store-adapter conformance suite: every point of the store contract v2 (see
//! [`crate::store`]) as code an adapter author runs against their own store (cargo feature
//! `conformance`).
//!
//! ```
//! use leadpool::conformance::{self, Contract};
//! use leadpool::store::MemoryStore;
//!
//! let report = conformance::run_all(MemoryStore::new);
//! assert_eq!(report, Contract::ALL);
//! // One contract alone, while debugging an adapter:
//! Contract::EventLog.check(&MemoryStore::new());
//! ```
//!
//! [`run_all`] calls the factory once per contract, so every contract starts from an empty
//! store (a new temporary database, a new schema, a truncated table set…). An async adapter
//! runs the suite through a blocking wrapper of its own (a sync [`Store`] that runs each
//! future on its runtime), as `leadpool-postgres` does.
//!
//! # Panics
//!
//! This is a test harness: a contract that does not hold panics, with a message that starts
//! with ``store contract `NAME` failed`` and says what was expected and what the store answered.
//! That is what `#[test]` functions want; nothing in the engine calls this module.
//!
//! Client ids used stay below 1,000 and rep ids below 10, so any id column works. Deadlines
//! are compared to the nanosecond: a store must keep [`Client::deadline`] exactly (an integer
//! of nanoseconds, not a microsecond timestamp), or [`Contract::DueOrder`] fails.

mod concurrent;
mod indexes;
mod ledgers;
#[cfg(test)]
mod props;
mod rows;
mod txn;

use crate::error::StoreError;
use crate::ids::{ClientId, PoolId, RepId};
use crate::model::RepLedger;
use crate::model::{Client, DedupeKey, Source};
use crate::store::{Store, Version, Versioned, Write};
use crate::txn::{Footprint, Plan};
use chrono::{DateTime, Duration, TimeZone, Utc};
use std::collections::BTreeMap;

macro_rules! contracts {
    ($($variant:ident => $name:literal, $check:path, $meaning:literal;)*) => {
        /// One point of the store contract, checked on a fresh, empty store.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        #[non_exhaustive]
        pub enum Contract {
            $(
                #[doc = $meaning]
                $variant,
            )*
        }

        impl Contract {
            /// Every contract, in the order [`run_all`] checks them.
            pub const ALL: &'static [Contract] = &[$(Contract::$variant),*];

            /// The contract's name, as failures and reports print it.
            pub fn name(self) -> &'static str {
                match self {
                    $(Contract::$variant => $name,)*
                }
            }

            /// What the contract requires of a store.
            pub fn meaning(self) -> &'static str {
                match self {
                    $(Contract::$variant => $meaning,)*
                }
            }

            /// Checks the contract on `store`, which must be fresh and empty.
            ///
            /// # Panics
            ///
            /// When the contract does not hold, naming it.
            pub fn check<S: Store + Sync + ?Sized>(self, store: &S) {
                match self {
                    $(Contract::$variant => $check(store),)*
                }
            }
        }
    };
}

contracts! {
    RoundTrip => "round_trip", rows::round_trip,
        "A load returns what a commit stored, every field; versions start at 1 and grow by 1.";
    InsertExistingRefused => "insert_existing_refused", rows::insert_existing_refused,
        "Inserting an id that exists is a client conflict and changes nothing.";
    UpdateMissingRefused => "update_missing_refused", rows::update_missing_refused,
        "Updating an id that does not exist is a client conflict (found 0) and changes nothing.";
    StaleVersionRefused => "stale_version_refused", rows::stale_version_refused,
        "An update naming a stale version is a client conflict; the row and every index stay.";
    PlanAtomicity => "plan_atomicity", rows::batch_atomicity,
        "A plan with one refused write writes nothing (rows, ledgers, events), wherever it is.";
    LedgerVersions => "ledger_versions", ledgers::ledger_versions,
        "A ledger never written reads as version 0; ledger writes are version-checked.";
    ConfigVersions => "config_versions", txn::config_versions,
        "The configuration is stored and versioned; a plan decided under an older one is refused.";
    EventLog => "event_log", txn::event_log,
        "Events are appended with the commit, numbered from 1, never for a refused plan, and folding the log rebuilds the stored state.";
    FootprintReads => "footprint_reads", txn::footprint_reads,
        "A load answers every part of a footprint: ids, keys, relatives, owners, due, ledgers, and the owners' ledgers.";
    OwnerAndPoolListings => "owner_and_pool_listings", indexes::owner_and_pool_listings,
        "owned_by and public_pool follow claims, transfers, releases and pool moves, ascending.";
    DedupeLookups => "dedupe_lookups", indexes::dedupe_lookups,
        "A dedupe key belongs to one client: an insert carrying a held key is refused naming the holder; lookups follow key changes; key kinds never mix.";
    DueOrder => "due_order", indexes::due_by_boundaries,
        "due is inclusive to the nanosecond, ordered by (deadline, id), limited, and follows deadline changes.";
    IndexesMatchScan => "indexes_match_scan", indexes::indexes_match_scan,
        "After a seeded random sequence of plans every index answers what a scan of the rows does.";
    ConcurrentClaims => "concurrent_claims", concurrent::concurrent_claims,
        "Threads racing to claim the same rows never double-claim nor exceed a rep's cap.";
    ConcurrentImports => "concurrent_imports", concurrent::concurrent_imports,
        "Threads racing to insert clients of one company: exactly one commits, the others are refused naming it.";
    ConcurrentPool => "concurrent_pool", txn::concurrent_pool,
        "Pools on several threads racing claims, imports, sweeps and policy changes: one owner per client, no cap exceeded, no duplicate company, and the log folds to the stored state.";
}

/// Runs every contract in [`Contract::ALL`], each on a fresh store from `factory`; returns
/// the contracts that held (all of them, since a failure panics).
///
/// # Panics
///
/// When a contract does not hold, naming it (see the [module docs](self)).
pub fn run_all<S, F>(mut factory: F) -> Vec<Contract>
where
    S: Store + Sync,
    F: FnMut() -> S,
{
    let mut passed = Vec::with_capacity(Contract::ALL.len());
    for &contract in Contract::ALL {
        contract.check(&factory());
        passed.push(contract);
    }
    passed
}

/// `client` placed as a store row can hold it: owned by `owner` (public when `None`) in `pool`,
/// due at `deadline`. For adapter authors' own store tests: the engine never builds clients
/// this way (it changes custody only through its events).
pub(crate) fn placed(
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
pub(crate) fn ledger_holding(rep: RepId, holding: u32, won: u32) -> RepLedger {
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
    use crate::pool::{Actor, Command, Config, PoolPolicy, PoolState, execute};
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
        let actor = match &command {
            Command::Claim { rep, .. } | Command::Release { rep, .. } => Actor::Rep(*rep),
            _ => Actor::System,
        };
        if execute(&mut state, actor, command, t).is_err() {
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
        let actor = Actor::Rep(RepId(2));
        if execute(&mut state, actor, command, base() + ns(123_456_789)).is_err() {
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

/// Row-level reads and writes over the v2 contract, so the row contracts read like the
/// operations they check: each is one [`Store::load`] or one [`Store::commit`] of a raw plan.
pub(crate) trait Rows {
    fn get(&self, id: ClientId) -> Result<Option<Versioned<Client>>, StoreError>;
    fn ledger(&self, rep: RepId) -> Result<Versioned<RepLedger>, StoreError>;
    /// Commits `batch` as one plan under the stored configuration version; returns the
    /// version each write gives its row, in order.
    fn commit_writes(&self, batch: &[Write]) -> Result<Vec<Version>, StoreError>;
    fn insert(&self, client: Client) -> Result<Version, StoreError> {
        let versions = self.commit_writes(&[Write::Insert { client }])?;
        Ok(versions.first().copied().unwrap_or(1))
    }
    fn update(&self, client: Client, expected: Version) -> Result<Version, StoreError> {
        let versions = self.commit_writes(&[Write::Update { client, expected }])?;
        Ok(versions.first().copied().unwrap_or(expected + 1))
    }
    fn find_by_key(&self, key: &DedupeKey) -> Result<Vec<ClientId>, StoreError>;
    fn due_by(&self, instant: DateTime<Utc>) -> Result<Vec<ClientId>, StoreError>;
}

impl<S: Store + ?Sized> Rows for S {
    fn get(&self, id: ClientId) -> Result<Option<Versioned<Client>>, StoreError> {
        Ok(self.load(&Footprint::client(id))?.client(id).cloned())
    }

    fn ledger(&self, rep: RepId) -> Result<Versioned<RepLedger>, StoreError> {
        let snapshot = self.load(&Footprint::config().with_reps([rep]))?;
        Ok(snapshot
            .ledgers()
            .find(|l| l.value.rep() == rep)
            .cloned()
            .unwrap_or_else(|| Versioned {
                version: 0,
                value: RepLedger::new(rep),
            }))
    }

    fn commit_writes(&self, batch: &[Write]) -> Result<Vec<Version>, StoreError> {
        let before = self.load(&Footprint::config())?;
        let mut clients: BTreeMap<ClientId, Version> = BTreeMap::new();
        let mut ledgers: BTreeMap<RepId, Version> = BTreeMap::new();
        for write in batch {
            match write {
                Write::Insert { client } => {
                    clients.entry(client.id()).or_insert(0);
                }
                Write::Update { client, expected } => {
                    clients.entry(client.id()).or_insert(*expected);
                }
                Write::Ledger { ledger, expected } => {
                    ledgers.entry(ledger.rep()).or_insert(*expected);
                }
            }
        }
        let plan = Plan::raw(before.config_version(), batch.to_vec(), Vec::new());
        self.commit(&plan)?;
        Ok(batch
            .iter()
            .map(|write| match write {
                Write::Insert { client } => {
                    let v = clients.entry(client.id()).or_insert(0);
                    *v += 1;
                    *v
                }
                Write::Update { client, .. } => {
                    let v = clients.entry(client.id()).or_insert(0);
                    *v += 1;
                    *v
                }
                Write::Ledger { ledger, .. } => {
                    let v = ledgers.entry(ledger.rep()).or_insert(0);
                    *v += 1;
                    *v
                }
            })
            .collect())
    }

    fn find_by_key(&self, key: &DedupeKey) -> Result<Vec<ClientId>, StoreError> {
        let snapshot = self.load(&Footprint::config().with_keys([key.clone()]))?;
        Ok(snapshot.clients().map(|c| c.value.id()).collect())
    }

    fn due_by(&self, instant: DateTime<Utc>) -> Result<Vec<ClientId>, StoreError> {
        self.due(instant, usize::MAX)
    }
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
struct Seen {
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
    fn snapshot<S: Store + ?Sized>(&self, store: &S, contract: &str) -> Seen {
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
        Seen {
            rows,
            ledgers,
            indexes: self.indexes(store, contract),
        }
    }

    fn indexes<S: Store + ?Sized>(&self, store: &S, contract: &str) -> Indexes {
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
    fn require_empty<S: Store + ?Sized>(&self, store: &S, contract: &str) {
        for &id in &self.ids {
            if ok(contract, "get", store.get(id)).is_some() {
                panic!("store contract `{contract}` needs a fresh, empty store, but {id} exists");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::store::MemoryStore;

    #[test]
    fn memory_store_indexes_match_a_scan_under_other_seeds() {
        for seed in [1, 7, 99] {
            super::indexes::indexes_match_scan_seeded(&MemoryStore::new(), seed, 200);
        }
    }

    #[test]
    fn memory_store_survives_claim_races_from_two_to_sixteen_threads() {
        for threads in [2, 3, 16] {
            super::concurrent::concurrent_claims_with(&MemoryStore::new(), threads);
        }
    }
}
