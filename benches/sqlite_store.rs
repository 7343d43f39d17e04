//! The SQLite example adapter's reads against the naive baselines a document-only table, or a
//! row-at-a-time store, would force:
//!
//! - `sqlite_due`: the deadline index against reading, parsing, filtering and sorting every
//!   client document in Rust;
//! - `sqlite_load_by_key`: a footprint naming a dedupe key (an import's read) through the key
//!   table, against the same document scan;
//! - `sqlite_load_assignment`: a rule assignment's footprint (the configuration, the client,
//!   every rep's ledger) in one read transaction of three batched queries, against the
//!   contract-v1 way: one autocommit query per row.

#[path = "../examples/sqlite_store/store.rs"]
#[allow(dead_code)] // The bench uses only the adapter's reads and row encoding.
mod store;

use chrono::{DateTime, Duration, TimeZone, Utc};
use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use leadpool::allocate::Team;
use leadpool::ids::{ClientId, RepId};
use leadpool::model::{Client, DedupeKey, DedupeKeys, Rep, RepLedger, Source};
use leadpool::pool::Actor;
use leadpool::pool::{Command, Config, PoolPolicy, PoolState, execute};
use leadpool::store::{Store, Versioned};
use leadpool::txn::{Footprint, Plan};
use rusqlite::params;
use std::hint::black_box;
use std::path::PathBuf;
use store::SqliteStore;
use store::commit::{INSERT_CLIENT_SQL, INSERT_KEY_SQL, INSERT_LEDGER_SQL};
use store::rows::{ClientRow, encode, key_to_sql};

const CLIENTS: u64 = 5_000;
const REPS: u64 = 20;

/// Removes the benchmark database and its WAL side files.
struct RemoveOnDrop(PathBuf);

impl Drop for RemoveOnDrop {
    fn drop(&mut self) {
        for suffix in ["", "-wal", "-shm"] {
            let mut name = self.0.clone().into_os_string();
            name.push(suffix);
            let _ = std::fs::remove_file(name);
        }
    }
}

fn base() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 24, 9, 0, 0).unwrap()
}

fn client(id: u64) -> Client {
    let keys = DedupeKeys {
        company: Some(format!("company{id}")),
        ..DedupeKeys::default()
    };
    Client::new(
        ClientId(id),
        format!("client {id}"),
        Source::Website,
        base() - Duration::days(10),
    )
    .with_keys(keys)
}

/// The policy of the fixture: a reminder 10 days after a claim.
fn policy() -> PoolPolicy {
    PoolPolicy {
        remind_after_days: Some(10),
        release_after_reminder_days: 5,
        ..PoolPolicy::default()
    }
}

/// The clients and ledgers as the engine leaves them: every client imported, two in three
/// claimed by one of the reps at an instant that puts its reminder `id % 100` days after
/// `base()`.
fn fixture(config: &Config) -> PoolState {
    let mut state = PoolState::new(config.clone());
    for id in 1..=CLIENTS {
        let import = Command::Import {
            client: Box::new(client(id)),
        };
        execute(
            &mut state,
            Actor::System,
            import,
            base() - Duration::days(10),
        )
        .expect("import");
        if id % 3 != 0 {
            let claim = Command::Claim {
                client: ClientId(id),
                rep: RepId(id % REPS + 1),
            };
            let at = base() - Duration::days(10) + Duration::days((id % 100) as i64);
            execute(&mut state, Actor::Rep(RepId(id % REPS + 1)), claim, at).expect("claim");
        }
    }
    state
}

/// 5,000 clients (two in three owned by one of 20 reps, deadlines spread over 100 days so 1 in
/// 100 is due at the probe instant, one company key each), 20 ledgers, and the configuration.
/// The engine builds them in memory (`fixture`); the rows are written with the adapter's own
/// encoding in one transaction (5,000 durable commits would take the bench's time in `fsync`).
fn populate(store: &SqliteStore) {
    let mut conn = rusqlite::Connection::open(store.path()).expect("open");
    let tx = conn.transaction().expect("begin");
    let team = Team::new((1..=REPS).map(|i| Rep::new(RepId(i), format!("rep {i}"))));
    let config = Config::new(team, policy()).expect("config");
    let state = fixture(&config);
    for client in state.clients() {
        let row = ClientRow::of(client).expect("a storable client");
        tx.execute(
            INSERT_CLIENT_SQL,
            params![row.id, row.owner, row.pool, row.deadline, row.doc],
        )
        .expect("insert client");
        for key in client.keys().iter() {
            let (kind, value) = key_to_sql(&key);
            tx.execute(INSERT_KEY_SQL, params![kind, value, row.id])
                .expect("insert key");
        }
    }
    for ledger in state.ledgers() {
        let doc = encode(ledger, String::new).expect("ledger");
        tx.execute(INSERT_LEDGER_SQL, params![ledger.rep().0 as i64, doc])
            .expect("insert ledger");
    }
    tx.commit().expect("commit");
    let snapshot = store.load(&Footprint::config()).expect("load");
    let install = Plan::install(&snapshot, config, base()).expect("install plan");
    store.commit(&install).expect("install");
}

/// The naive baseline: every document read and parsed, then filtered in Rust.
fn documents_where(conn: &rusqlite::Connection, keep: impl Fn(&Client) -> bool) -> Vec<Client> {
    let mut stmt = conn
        .prepare_cached("SELECT doc FROM clients")
        .expect("prepare");
    let docs = stmt
        .query_map([], |row| row.get::<_, String>(0))
        .expect("query");
    docs.map(|doc| serde_json::from_str::<Client>(&doc.expect("row")).expect("a client"))
        .filter(|c| keep(c))
        .collect()
}

/// `due` by the naive scan: (deadline, id) order.
fn naive_due(conn: &rusqlite::Connection, now: DateTime<Utc>) -> Vec<ClientId> {
    let mut due: Vec<(Option<DateTime<Utc>>, ClientId)> =
        documents_where(conn, |c| c.deadline().is_some_and(|d| d <= now))
            .into_iter()
            .map(|c| (c.deadline(), c.id()))
            .collect();
    due.sort();
    due.into_iter().map(|(_, id)| id).collect()
}

/// The clients carrying `key`, by the naive scan: id order.
fn naive_by_key(conn: &rusqlite::Connection, key: &DedupeKey) -> Vec<ClientId> {
    let mut ids: Vec<ClientId> = documents_where(conn, |c| c.keys().iter().any(|k| k == *key))
        .into_iter()
        .map(|c| c.id())
        .collect();
    ids.sort();
    ids
}

/// An assignment's rows one query at a time, each its own implicit transaction: the
/// configuration, the client, then each rep's ledger.
fn row_at_a_time(
    conn: &rusqlite::Connection,
    id: ClientId,
) -> (Option<Client>, Vec<Versioned<RepLedger>>) {
    let _config: String = conn
        .prepare_cached("SELECT doc FROM config WHERE id = 1")
        .and_then(|mut s| s.query_row([], |r| r.get(0)))
        .expect("config");
    let client: Option<Client> = conn
        .prepare_cached("SELECT doc FROM clients WHERE id = ?1")
        .and_then(|mut s| s.query_row([id.0 as i64], |r| r.get::<_, String>(0)))
        .ok()
        .map(|doc| serde_json::from_str(&doc).expect("a client"));
    let mut ledgers = Vec::new();
    let mut stmt = conn
        .prepare_cached("SELECT version, doc FROM ledgers WHERE rep = ?1")
        .expect("prepare");
    for rep in 1..=REPS {
        let (version, doc): (i64, String) = stmt
            .query_row([rep as i64], |r| Ok((r.get(0)?, r.get(1)?)))
            .expect("ledger");
        ledgers.push(Versioned {
            version: version as u64,
            value: serde_json::from_str(&doc).expect("a ledger"),
        });
    }
    (client, ledgers)
}

fn ids_of(snapshot: &leadpool::txn::Snapshot) -> Vec<ClientId> {
    snapshot.clients().map(|c| c.value.id()).collect()
}

fn bench_reads(c: &mut Criterion) {
    let path = std::env::temp_dir().join(format!("leadpool-bench-{}.db", std::process::id()));
    let _cleanup = RemoveOnDrop(path.clone());
    let store = SqliteStore::open(&path).expect("open");
    populate(&store);
    let conn = rusqlite::Connection::open(&path).expect("open baseline connection");
    let now = base();
    let key = DedupeKey::Company("company7".into());
    let by_key = Footprint::config().with_keys([key.clone()]);
    let assign = Footprint::assignment(ClientId(7));
    // The baselines must answer what the adapter does, or the ratios mean nothing.
    assert_eq!(
        store.due(now, usize::MAX).expect("due"),
        naive_due(&conn, now)
    );
    assert_eq!(
        ids_of(&store.load(&by_key).expect("load")),
        naive_by_key(&conn, &key)
    );
    let batched = store.load(&assign).expect("load");
    let (client, ledgers) = row_at_a_time(&conn, ClientId(7));
    assert_eq!(
        batched.client(ClientId(7)).map(|c| &c.value),
        client.as_ref()
    );
    assert_eq!(batched.ledgers().cloned().collect::<Vec<_>>(), ledgers);

    let mut group = c.benchmark_group("sqlite_due");
    group.bench_function(BenchmarkId::new("deadline_index", CLIENTS), |b| {
        b.iter(|| store.due(black_box(now), usize::MAX).expect("due"))
    });
    group.bench_function(BenchmarkId::new("naive_document_scan", CLIENTS), |b| {
        b.iter(|| naive_due(&conn, black_box(now)))
    });
    group.finish();

    let mut group = c.benchmark_group("sqlite_load_by_key");
    group.bench_function(BenchmarkId::new("key_table", CLIENTS), |b| {
        b.iter(|| store.load(black_box(&by_key)).expect("load"))
    });
    group.bench_function(BenchmarkId::new("naive_document_scan", CLIENTS), |b| {
        b.iter(|| naive_by_key(&conn, black_box(&key)))
    });
    group.finish();

    let mut group = c.benchmark_group("sqlite_load_assignment");
    group.bench_function(BenchmarkId::new("one_batched_read", REPS), |b| {
        b.iter(|| store.load(black_box(&assign)).expect("load"))
    });
    group.bench_function(BenchmarkId::new("row_at_a_time", REPS), |b| {
        b.iter(|| row_at_a_time(&conn, black_box(ClientId(7))))
    });
    group.finish();
}

criterion_group!(benches, bench_reads);
criterion_main!(benches);
