//! The SQLite example adapter (`examples/sqlite_store/store.rs`) against the store contract:
//! the whole conformance suite on temporary file databases, claim races from 8 threads,
//! index use, and durability across a killed process.

#[path = "../examples/sqlite_store/store.rs"]
mod store;

use chrono::{TimeZone, Utc};
use leadpool::conformance;
use leadpool::conformance::{ledger_holding, placed};
use leadpool::error::StoreError;
use leadpool::ids::{ClientId, RepId};
use leadpool::model::{Client, Source};
use leadpool::store::{ClientStore, Write};
use std::collections::BTreeMap;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicU32, Ordering};
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
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn open(path: &Path) -> SqliteStore {
    SqliteStore::open(path).unwrap_or_else(|e| panic!("opening {}: {e}", path.display()))
}

#[test]
fn sqlite_store_honours_every_store_contract() {
    let dir = TempDir::new("contracts");
    let next = AtomicU32::new(0);
    let report = conformance::run_all(|| {
        open(&dir.db(&format!("c{}", next.fetch_add(1, Ordering::Relaxed))))
    });
    let all: Vec<&str> = conformance::CONTRACTS
        .iter()
        .map(|(name, _)| *name)
        .collect();
    assert_eq!(report.passed, all, "{report}");
}

#[test]
fn sqlite_indexes_match_a_scan_under_another_seed() {
    let dir = TempDir::new("seeded");
    conformance::indexes_match_scan_seeded(&open(&dir.db("seed7")), 7, 150);
}

/// Issue rule: concurrent claims of the same clients from 8 threads, each on its own pooled
/// connection, leave every client with at most one owner and no rep over its cap.
#[test]
fn eight_threads_claiming_the_same_clients_never_double_claim_nor_exceed_a_cap() {
    let dir = TempDir::new("race");
    for round in 0..2 {
        conformance::concurrent_claims_with(&open(&dir.db(&format!("race{round}"))), 8);
    }
}

/// The listing queries are answered by their indexes, never by a scan of every client, and
/// `due_by` reads the deadline index in order (no sort step).
#[test]
fn every_listing_query_is_served_by_its_index() {
    let dir = TempDir::new("plans");
    let path = dir.db("plans");
    drop(open(&path));
    let conn = rusqlite::Connection::open(&path).expect("the database exists");
    for (sql, index) in [
        (store::OWNED_BY_SQL, "INDEX clients_by_owner (owner=?)"),
        (store::PUBLIC_POOL_SQL, "INDEX clients_public (pool=?)"),
        (store::FIND_BY_KEY_SQL, "PRIMARY KEY (kind=? AND value=?)"),
        (store::DUE_BY_SQL, "INDEX clients_by_deadline (deadline<?)"),
    ] {
        let mut stmt = conn
            .prepare(&format!("EXPLAIN QUERY PLAN {sql}"))
            .expect("the query is valid SQL");
        let nulls = vec![rusqlite::types::Null; stmt.parameter_count()];
        let plan: Vec<String> = stmt
            .query_map(rusqlite::params_from_iter(nulls), |row| {
                row.get::<_, String>(3)
            })
            .and_then(|rows| rows.collect())
            .expect("a query plan");
        let plan = plan.join(" | ");
        assert!(
            plan.contains(index),
            "{sql}: plan {plan:?} does not use {index}"
        );
        assert!(plan.starts_with("SEARCH"), "{sql}: plan {plan:?} scans");
        assert!(!plan.contains("TEMP B-TREE"), "{sql}: plan {plan:?} sorts");
    }
}

#[test]
fn a_database_that_cannot_be_opened_is_a_backend_error() {
    let dir = TempDir::new("missing");
    let result = SqliteStore::open(dir.0.join("no-such-dir").join("crm.db"));
    assert!(
        matches!(result, Err(StoreError::Backend(_))),
        "{:?}",
        result.err()
    );
}

#[test]
fn a_deadline_beyond_the_nanosecond_range_is_refused_and_nothing_is_written() {
    let dir = TempDir::new("range");
    let store = open(&dir.db("range"));
    let at = Utc.with_ymd_and_hms(2026, 11, 24, 9, 0, 0).unwrap();
    let mut far = Client::new(ClientId(1), "far future", Source::Website, at);
    far = placed(
        far.clone(),
        far.owner(),
        far.pool(),
        Utc.with_ymd_and_hms(2300, 1, 1, 0, 0, 0).single(),
    );
    let batch = [
        Write::Insert {
            client: Client::new(ClientId(2), "fine", Source::Website, at),
        },
        Write::Insert { client: far },
    ];
    assert!(matches!(store.commit(&batch), Err(StoreError::Backend(_))));
    assert_eq!(
        store.get(ClientId(2)),
        Ok(None),
        "the batch was rolled back"
    );
}

#[test]
fn data_survives_closing_and_reopening_the_file() {
    let dir = TempDir::new("reopen");
    let path = dir.db("reopen");
    let at = Utc.with_ymd_and_hms(2026, 11, 24, 9, 0, 0).unwrap();
    let mut client = Client::new(ClientId(5), "ACME", Source::Website, at);
    {
        let store = open(&path);
        store.insert(client.clone()).expect("insert");
        client = placed(
            client.clone(),
            Some(RepId(1)),
            client.pool(),
            client.deadline(),
        );
        store.update(client.clone(), 1).expect("claim");
    }
    let store = open(&path);
    let stored = store
        .get(ClientId(5))
        .expect("get")
        .expect("the client survived");
    assert_eq!((stored.version, stored.value), (2, client));
    assert_eq!(store.owned_by(RepId(1)), Ok(vec![ClientId(5)]));
}

/// Set in the child process of the kill test: the database it writes to.
const KILLED_WRITER_DB: &str = "LEADPOOL_KILLED_WRITER_DB";
const KILL_TEST: &str = "acknowledged_writes_survive_a_killed_process";
const KILLED_CLIENTS: u64 = 30;

/// Issue rule: killing the process between commands loses nothing that was acknowledged.
///
/// The test re-runs its own binary as a child that commits inserts and claims (each with its
/// ledger), prints an acknowledgement after each commit returns, and then aborts: no
/// destructor, no `sqlite3_close`, no checkpoint; the writes exist only in the WAL file. The
/// parent reopens the file and finds every acknowledged write. This proves crash safety of
/// the process (what SQLite wrote before acknowledging is in the OS's hands); it does not
/// prove safety against power loss or an OS crash, which `synchronous = FULL` is for and which
/// a test cannot provoke.
#[test]
fn acknowledged_writes_survive_a_killed_process() {
    if let Some(path) = std::env::var_os(KILLED_WRITER_DB) {
        write_acknowledge_and_abort(Path::new(&path));
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
    assert!(
        !output.status.success(),
        "the writer must die by abort, not finish cleanly"
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    // Acknowledged state: client -> (version, owner), rep -> ledger version.
    let mut clients: BTreeMap<u64, (u64, Option<u64>)> = BTreeMap::new();
    let mut ledgers: BTreeMap<u64, u64> = BTreeMap::new();
    for line in stdout.lines() {
        let fields: Vec<u64> = match line.strip_prefix("ack ") {
            Some(rest) => rest
                .split(' ')
                .map(|f| f.parse().expect("a number"))
                .collect(),
            None => continue,
        };
        match fields[..] {
            [id, version] => {
                clients.insert(id, (version, None));
            }
            [id, version, rep, ledger_version] => {
                clients.insert(id, (version, Some(rep)));
                ledgers.insert(rep, ledger_version);
            }
            _ => panic!("malformed acknowledgement {line:?}"),
        }
    }
    assert_eq!(
        clients.len() as u64,
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
    for (&id, &(version, owner)) in &clients {
        let stored = store
            .get(ClientId(id))
            .expect("get")
            .expect("an acknowledged insert");
        assert_eq!(stored.version, version, "client#{id}");
        assert_eq!(stored.value.owner(), owner.map(RepId), "client#{id}");
    }
    for (&rep, &version) in &ledgers {
        let ledger = store.ledger(RepId(rep)).expect("ledger");
        assert_eq!(ledger.version, version, "ledger of rep#{rep}");
        let owned = store.owned_by(RepId(rep)).expect("owned_by");
        assert_eq!(
            ledger.value.holding() as usize,
            owned.len(),
            "holding of rep#{rep}"
        );
    }
}

/// The child's side of the kill test: never returns.
fn write_acknowledge_and_abort(path: &Path) -> ! {
    let store = open(path);
    let at = Utc.with_ymd_and_hms(2026, 11, 24, 9, 0, 0).unwrap();
    let mut out = std::io::stdout().lock();
    // libtest has printed "test NAME ... " without a newline: start acknowledgements on a line
    // of their own.
    writeln!(out).expect("stdout");
    for id in 1..=KILLED_CLIENTS {
        let client = Client::new(ClientId(id), format!("client {id}"), Source::Website, at);
        let version = store.insert(client.clone()).expect("insert");
        if id % 3 != 0 {
            writeln!(out, "ack {id} {version}").expect("stdout");
            out.flush().expect("stdout");
            continue;
        }
        let rep = RepId(id % 2 + 1);
        let ledger = store.ledger(rep).expect("ledger");
        let mut claimed = client;
        claimed = placed(
            claimed.clone(),
            Some(rep),
            claimed.pool(),
            claimed.deadline(),
        );
        let held = ledger_holding(rep, ledger.value.holding() + 1, 0);
        let batch = [
            Write::Update {
                client: claimed,
                expected: version,
            },
            Write::Ledger {
                ledger: held,
                expected: ledger.version,
            },
        ];
        let versions = store.commit(&batch).expect("claim");
        writeln!(out, "ack {id} {} {} {}", versions[0], rep.0, versions[1]).expect("stdout");
        out.flush().expect("stdout");
    }
    std::process::abort();
}
