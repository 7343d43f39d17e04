//! The SQLite example adapter (`examples/sqlite_store/`) against store contract v2: the whole
//! conformance suite on temporary WAL files (fresh ones, and several handles on one file),
//! index use, typed errors for bad data and a busy lock, two instances sharing a policy, and
//! durability across closing, reopening and a killed process.

mod pool_support;
#[path = "../examples/sqlite_store/store.rs"]
#[allow(dead_code)] // The tests use most of the adapter, not every item.
mod store;

use pool_support::{ADMIN, administered};

use chrono::{DateTime, TimeZone, Utc};
use leadpool::ManualClock;
use leadpool::allocate::Team;
use leadpool::conformance::{self, Contract};
use leadpool::error::StoreError;
use leadpool::ids::{ClientId, PoolId, RepId};
use leadpool::model::{Client, DedupeKeys, Rep, Source};
use leadpool::pool::Actor;
use leadpool::pool::{Config, Pool, PoolError, PoolPolicy};
use leadpool::store::{Recorded, Store};
use leadpool::txn::{Footprint, Plan, Snapshot};
use std::collections::BTreeMap;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicU32, AtomicUsize, Ordering};
use std::time::Duration;
use store::SqliteStore;

/// A directory of its own under the system temp dir, removed on drop, so databases are
/// cleaned up even when an assertion fails (the panic unwinds through the guard).
struct TempDir(PathBuf);

impl TempDir {
    fn new(label: &str) -> Self {
        static NEXT: AtomicU32 = AtomicU32::new(0);
        let path = std::env::temp_dir().join(format!(
            "leadpool-sqlite-{label}-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        ));
        // A leftover from a crashed run with the same pid would confuse the test.
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).expect("the temp dir is writable");
        Self(path)
    }

    /// A fresh database file name in the directory.
    fn db(&self, name: &str) -> PathBuf {
        self.0.join(format!("{name}.db"))
    }

    /// Another new database file name at each call.
    fn next_db(&self) -> PathBuf {
        static NEXT: AtomicU32 = AtomicU32::new(0);
        self.db(&format!("n{}", NEXT.fetch_add(1, Ordering::Relaxed)))
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn open(path: &Path) -> SqliteStore {
    SqliteStore::open(path).unwrap_or_else(|e| panic!("opening {}: {e}", path.display()))
}

fn at() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 24, 9, 0, 0).unwrap()
}

fn config(cap: u32) -> Config {
    let team = Team::new([Rep::new(RepId(1), "Li"), Rep::new(RepId(2), "Wang")]);
    let policy = PoolPolicy {
        private_cap: Some(cap),
        remind_after_days: Some(7),
        release_after_reminder_days: 3,
        ..PoolPolicy::default()
    };
    Config::new(team, administered(policy)).expect("a valid configuration")
}

fn company(id: u64, name: &str) -> Client {
    let keys = DedupeKeys {
        company: Some(name.into()),
        ..DedupeKeys::default()
    };
    Client::new(ClientId(id), name, Source::Website, at()).with_keys(keys)
}

/// A backend error that says trying again cannot succeed.
fn is_final_backend_error(error: &StoreError) -> bool {
    matches!(error, StoreError::Backend { .. }) && !error.is_retryable()
}

fn ledger_version_and_holding(store: &SqliteStore, rep: RepId) -> (u64, u32) {
    let snapshot = store
        .load(&Footprint::config().with_reps([rep]))
        .expect("load");
    snapshot
        .ledgers()
        .find(|l| l.value.rep() == rep)
        .map_or((0, 0), |l| (l.version, l.value.holding()))
}

/// Several handles on one file, each with its own connections, used in turn: every call of
/// a contract goes to another "instance", as processes sharing the file would.
struct Instances {
    handles: Vec<SqliteStore>,
    next: AtomicUsize,
}

impl Instances {
    fn open(path: &Path, n: usize) -> Self {
        Self {
            handles: (0..n).map(|_| open(path)).collect(),
            next: AtomicUsize::new(0),
        }
    }

    fn pick(&self) -> &SqliteStore {
        &self.handles[self.next.fetch_add(1, Ordering::Relaxed) % self.handles.len()]
    }
}

impl Store for Instances {
    fn load(&self, footprint: &Footprint) -> Result<Snapshot, StoreError> {
        self.pick().load(footprint)
    }
    fn commit(&self, plan: &Plan) -> Result<u64, StoreError> {
        self.pick().commit(plan)
    }
    fn due(&self, now: DateTime<Utc>, limit: usize) -> Result<Vec<ClientId>, StoreError> {
        self.pick().due(now, limit)
    }
    fn events(&self, after: u64, limit: usize) -> Result<Vec<Recorded>, StoreError> {
        self.pick().events(after, limit)
    }
    fn owned_by(&self, rep: RepId) -> Result<Vec<ClientId>, StoreError> {
        self.pick().owned_by(rep)
    }
    fn public_pool(&self, pool: PoolId) -> Result<Vec<ClientId>, StoreError> {
        self.pick().public_pool(pool)
    }
}

#[test]
fn sqlite_store_honours_every_store_contract() {
    let dir = TempDir::new("contracts");
    let report = conformance::run_all(|| open(&dir.next_db()));
    assert_eq!(report, Contract::ALL);
}

/// Every contract again with each call on one of three handles on the same file, so the
/// racing contracts (claims, imports, pools with policy changes) run on separate connection
/// pools writing one WAL file.
#[test]
fn every_contract_holds_across_three_handles_on_one_file() {
    let dir = TempDir::new("instances");
    let report = conformance::run_all(|| Instances::open(&dir.next_db(), 3));
    assert_eq!(report, Contract::ALL);
}

#[test]
fn the_file_is_in_wal_mode_with_schema_version_two() {
    let dir = TempDir::new("wal");
    let path = dir.db("wal");
    drop(open(&path));
    let conn = rusqlite::Connection::open(&path).expect("the database exists");
    let mode: String = conn
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .expect("journal mode");
    assert_eq!(mode, "wal");
    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .expect("user version");
    assert_eq!(version, store::schema::SCHEMA_VERSION);
    conn.execute_batch("PRAGMA user_version = 3")
        .expect("set a newer version");
    drop(conn);
    let newer = SqliteStore::open(&path)
        .err()
        .expect("a newer schema is refused");
    assert!(is_final_backend_error(&newer), "{newer}");
    assert!(newer.to_string().contains("schema version 3"), "{newer}");
}

/// Every query is answered by an index: the listings, the log, the ledgers, and each part of
/// a load (ids, keys, owners, deadlines): never a scan of every client, nor a sort of one.
#[test]
fn every_query_is_served_by_its_index() {
    let dir = TempDir::new("plans");
    let path = dir.db("plans");
    drop(open(&path));
    let conn = rusqlite::Connection::open(&path).expect("the database exists");
    let plan = |sql: &str| -> String {
        let mut stmt = conn
            .prepare(&format!("EXPLAIN QUERY PLAN {sql}"))
            .expect("the query is valid SQL");
        let nulls = vec![rusqlite::types::Null; stmt.parameter_count()];
        let plan: Vec<String> = stmt
            .query_map(rusqlite::params_from_iter(nulls), |row| row.get(3))
            .and_then(|rows| rows.collect())
            .expect("a query plan");
        plan.join(" | ")
    };
    use store::{load::LEDGERS_SQL, schema::*};
    for (sql, index) in [
        (OWNED_BY_SQL, "INDEX clients_by_owner (owner=?)"),
        (PUBLIC_POOL_SQL, "INDEX clients_public (pool=?)"),
        (DUE_SQL, "INDEX clients_by_deadline (deadline<?)"),
        (EVENTS_SQL, "INTEGER PRIMARY KEY (rowid>?)"),
        (LEDGERS_SQL, "INTEGER PRIMARY KEY (rowid=?)"),
    ] {
        let plan = plan(sql);
        assert!(plan.contains(index), "{sql}: {plan:?} does not use {index}");
        assert!(plan.starts_with("SEARCH"), "{sql}: {plan:?} scans");
        assert!(!plan.contains("TEMP B-TREE"), "{sql}: {plan:?} sorts");
    }
    // Ids and deadlines; then keys and owners too. Each part searches its index, and the
    // union is joined back to `clients` by primary key.
    let due = Footprint::sweep(at()).with_clients([ClientId(1)]);
    let all = (due.clone())
        .with_keys([leadpool::model::DedupeKey::Company("acme".into())])
        .with_owned_by([RepId(1)]);
    let key = "SEARCH k USING PRIMARY KEY (kind=? AND value=?)";
    let owner = "INDEX clients_by_owner (owner=?)";
    for (footprint, parts) in [(due, &[][..]), (all, &[key, owner][..])] {
        let (sql, _) = store::load::clients_query(&footprint)
            .expect("a query")
            .expect("clients are read");
        let plan = plan(&sql);
        let always = [
            "INDEX clients_by_deadline (deadline<?)",
            "SEARCH c USING INTEGER PRIMARY KEY (rowid=?)",
        ];
        for index in always.iter().chain(parts) {
            assert!(plan.contains(index), "{plan:?} does not use {index}");
        }
        assert!(!plan.contains("SCAN c"), "{plan:?} scans the clients");
        assert!(!plan.contains("SCAN k"), "{plan:?} scans the keys");
    }
}

#[test]
fn a_database_that_cannot_be_opened_is_a_non_retryable_backend_error() {
    let dir = TempDir::new("missing");
    let result = SqliteStore::open(dir.0.join("no-such-dir").join("crm.db"));
    assert!(
        result.as_ref().is_err_and(is_final_backend_error),
        "{:?}",
        result.err()
    );
}

/// A claim whose reminder would fall after 2262-04-11 (past the nanosecond range) fails as a
/// backend error, not retried, and writes nothing: no row, ledger or event.
#[test]
fn a_deadline_beyond_the_nanosecond_range_is_refused_and_nothing_is_written() {
    let dir = TempDir::new("range");
    let start = Utc.with_ymd_and_hms(2262, 4, 6, 0, 0, 0).unwrap();
    let pool = Pool::bootstrap(open(&dir.db("range")), config(5), ManualClock::new(start))
        .expect("install");
    pool.import(
        Actor::System,
        Client::new(ClientId(1), "late", Source::Website, start),
    )
    .expect("import");
    let log = pool.events(0, 100).expect("events").len();
    let refused = pool.claim(ClientId(1), RepId(1));
    let final_error = matches!(&refused, Err(PoolError::Store(e)) if is_final_backend_error(e));
    assert!(final_error, "{refused:?}");
    assert_eq!(pool.client(ClientId(1)).expect("client").version, 1);
    assert_eq!(pool.events(0, 100).expect("events").len(), log);
    assert_eq!(ledger_version_and_holding(pool.store(), RepId(1)), (0, 0));
}

/// Bad stored data is a typed, non-retryable backend error naming the row, never a panic.
#[test]
fn corrupt_rows_are_typed_errors() {
    let dir = TempDir::new("corrupt");
    let path = dir.db("corrupt");
    let pool = Pool::bootstrap(open(&path), config(5), ManualClock::new(at())).expect("install");
    for id in 1..=3 {
        pool.import(Actor::System, company(id, &format!("company {id}")))
            .expect("import");
    }
    let conn = rusqlite::Connection::open(&path).expect("open");
    conn.execute_batch(
        "UPDATE clients SET doc = '{\"not\": \"a client\"}' WHERE id = 1;
         UPDATE clients SET version = -4 WHERE id = 2;
         UPDATE clients SET doc = (SELECT doc FROM clients WHERE id = 2) WHERE id = 3;
         INSERT INTO events (seq, doc) VALUES (100, 'garbage');",
    )
    .expect("corrupt the rows");
    let store = pool.store();
    for (id, says) in [
        (1, "client#1: the stored document is not valid"),
        (2, "stored client version -4 is out of range"),
        (3, "the stored document is of client#2"),
    ] {
        let error = store.load(&Footprint::client(ClientId(id))).unwrap_err();
        assert!(is_final_backend_error(&error), "{error:?}");
        assert!(error.to_string().contains(says), "{error}");
    }
    let error = store.events(0, 1000).unwrap_err();
    assert!(error.to_string().contains("event 100"), "{error}");
    conn.execute_batch("UPDATE config SET doc = '[]'")
        .expect("corrupt the configuration");
    let error = pool.config().unwrap_err();
    assert!(error.to_string().contains("configuration"), "{error}");
}

/// Another connection holding the write lock past the busy timeout makes a commit fail with
/// a retryable backend error (SQLITE_BUSY); the pool retries it and reports contention; once
/// the lock is released the same command commits.
#[test]
fn a_busy_database_is_a_retryable_backend_error() {
    let dir = TempDir::new("busy");
    let path = dir.db("busy");
    let store = open(&path)
        .with_busy_timeout(Duration::from_millis(20))
        .expect("timeout");
    let pool = Pool::bootstrap(store, config(5), ManualClock::new(at())).expect("install");
    let mut blocker = rusqlite::Connection::open(&path).expect("open");
    let lock = blocker
        .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
        .expect("take the write lock");
    let plan = {
        let import = leadpool::pool::Command::Import {
            client: Box::new(company(1, "acme")),
        };
        let snapshot = pool
            .store()
            .load(&Footprint::of(&import))
            .expect("reads go on");
        Plan::decide(&snapshot, Actor::System, import, at()).expect("a plan")
    };
    let busy = pool.store().commit(&plan).unwrap_err();
    let retryable = matches!(busy, StoreError::Backend { .. }) && busy.is_retryable();
    assert!(retryable, "{busy:?}");
    let contended = pool.import(Actor::System, company(1, "acme"));
    assert!(
        matches!(contended, Err(PoolError::Contention { ref last, .. }) if last.is_retryable()),
        "{contended:?}"
    );
    drop(lock);
    assert_eq!(
        pool.import(Actor::System, company(1, "acme"))
            .expect("import")
            .len(),
        1
    );
}

/// Two instances over one file: the second finds the first's configuration (its own install
/// is a no-op), and a policy change committed by one is what the other decides under next.
#[test]
fn two_instances_share_the_configuration_and_its_changes() {
    let dir = TempDir::new("shared");
    let path = dir.db("shared");
    let clock = ManualClock::new(at());
    let a = Pool::bootstrap(open(&path), config(5), clock.clone()).expect("install");
    let b = Pool::new(open(&path), clock);
    assert_eq!(b.install(config(9)), Ok(false), "B keeps A's configuration");
    assert_eq!(b.config().expect("config").value, config(5));
    for id in 1..=3 {
        a.import(Actor::System, company(id, &format!("company {id}")))
            .expect("import");
    }
    b.claim(ClientId(1), RepId(1)).expect("claim under cap 5");
    a.change_policy(Actor::Admin(ADMIN), config(1).policy().clone())
        .expect("cap 1");
    assert_eq!(b.config().expect("config").version, 2);
    let refused = b.claim(ClientId(2), RepId(1));
    assert!(
        matches!(refused, Err(PoolError::Refused { .. })),
        "{refused:?}"
    );
    let log_a = a.events(0, 100).expect("events");
    assert_eq!(log_a, b.events(0, 100).expect("events"));
    let seqs: Vec<u64> = log_a.iter().map(|r| r.seq).collect();
    assert_eq!(seqs, (1..=seqs.len() as u64).collect::<Vec<_>>());
}

#[test]
fn configuration_events_and_rows_survive_closing_and_reopening() {
    let dir = TempDir::new("reopen");
    let path = dir.db("reopen");
    let (log, client) = {
        let pool =
            Pool::bootstrap(open(&path), config(5), ManualClock::new(at())).expect("install");
        pool.import(Actor::System, company(5, "acme"))
            .expect("import");
        pool.claim(ClientId(5), RepId(1)).expect("claim");
        pool.change_policy(Actor::Admin(ADMIN), config(3).policy().clone())
            .expect("policy");
        let log = pool.events(0, 100).expect("events");
        (log, pool.client(ClientId(5)).expect("client"))
    };
    let pool = Pool::new(open(&path), ManualClock::new(at()));
    let stored = pool.config().expect("the configuration survived");
    assert_eq!((stored.version, stored.value), (2, config(3)));
    assert_eq!(pool.events(0, 100).expect("events"), log);
    assert_eq!(pool.client(ClientId(5)).expect("client"), client);
    assert_eq!(pool.store().owned_by(RepId(1)), Ok(vec![ClientId(5)]));
    assert_eq!(ledger_version_and_holding(pool.store(), RepId(1)).1, 1);
}

/// Set in the child process of the kill test: the database it writes to.
const KILLED_WRITER_DB: &str = "LEADPOOL_KILLED_WRITER_DB";
const KILL_TEST: &str = "acknowledged_commands_survive_a_killed_process";
const KILLED_CLIENTS: u64 = 30;

/// Killing the process between commands loses nothing that was acknowledged.
///
/// The test re-runs its own binary as a child that runs a pool (install, imports, claims),
/// prints an acknowledgement after each command returns, and then aborts: no destructor, no
/// `sqlite3_close`, no checkpoint; the writes exist only in the WAL file. The parent reopens
/// the file and finds every acknowledged row, ledger and event, and no more events. This
/// proves crash safety of the process, not safety against power loss or an OS crash (which
/// `synchronous = FULL` is for and which a test cannot provoke).
#[test]
fn acknowledged_commands_survive_a_killed_process() {
    if let Some(path) = std::env::var_os(KILLED_WRITER_DB) {
        run_acknowledge_and_abort(Path::new(&path));
    }
    let dir = TempDir::new("killed");
    let path = dir.db("killed");
    let exe = std::env::current_exe().expect("the test binary's path");
    let output = Command::new(exe)
        .args(["--exact", KILL_TEST, "--nocapture", "--test-threads=1"])
        .env(KILLED_WRITER_DB, &path)
        // A core dump of the aborted child, where enabled, lands in the removed temp dir.
        .current_dir(&dir.0)
        .output()
        .expect("the child test process starts");
    assert!(!output.status.success(), "the writer must die by abort");
    let stdout = String::from_utf8_lossy(&output.stdout);
    // client -> owner (0: public); the log length after the last acknowledged command.
    let mut owners: BTreeMap<u64, u64> = BTreeMap::new();
    let mut logged = 0;
    for line in stdout.lines() {
        let Some(rest) = line.strip_prefix("ack ") else {
            continue;
        };
        let fields: Vec<u64> = rest
            .split(' ')
            .map(|f| f.parse().expect("a number"))
            .collect();
        let [id, owner, log] = fields[..] else {
            panic!("malformed acknowledgement {line:?}");
        };
        owners.insert(id, owner);
        logged = log;
    }
    assert_eq!(
        owners.len() as u64,
        KILLED_CLIENTS,
        "child output: {stdout}"
    );
    let wal = path.with_extension("db-wal");
    assert!(
        std::fs::metadata(&wal).is_ok_and(|m| m.len() > 0),
        "the aborted writer left its commits in {}",
        wal.display()
    );
    let store = open(&path);
    let log = store.events(0, usize::MAX).expect("events");
    assert_eq!(
        log.len() as u64,
        logged,
        "every acknowledged event, and no more"
    );
    let snapshot = store
        .load(&Footprint::config().with_clients(owners.keys().map(|&id| ClientId(id))))
        .expect("load");
    assert_eq!(snapshot.config_version(), 1);
    for (&id, &owner) in &owners {
        let stored = snapshot
            .client(ClientId(id))
            .expect("an acknowledged import");
        assert_eq!(
            stored.value.owner(),
            (owner > 0).then_some(RepId(owner)),
            "client#{id}"
        );
    }
    for rep in [RepId(1), RepId(2)] {
        let owned = store.owned_by(rep).expect("owned_by");
        let (_, holding) = ledger_version_and_holding(&store, rep);
        assert_eq!(holding as usize, owned.len(), "holding of {rep}");
    }
}

/// The child's side of the kill test: never returns.
fn run_acknowledge_and_abort(path: &Path) -> ! {
    let pool = Pool::bootstrap(open(path), config(50), ManualClock::new(at())).expect("install");
    let mut logged = 2;
    let mut out = std::io::stdout().lock();
    // libtest has printed "test NAME ... " without a newline: acknowledge on lines of their own.
    writeln!(out).expect("stdout");
    for id in 1..=KILLED_CLIENTS {
        logged += pool
            .import(Actor::System, company(id, &format!("client {id}")))
            .expect("import")
            .len();
        writeln!(out, "ack {id} 0 {logged}").expect("stdout");
        if id % 3 == 0 {
            let rep = id % 2 + 1;
            logged += pool.claim(ClientId(id), RepId(rep)).expect("claim").len();
            writeln!(out, "ack {id} {rep} {logged}").expect("stdout");
        }
        out.flush().expect("stdout");
    }
    std::process::abort();
}
