//! The SQLite example adapter's index queries against the naive baseline a document-only table
//! would force: read every client document, parse it, filter and sort in Rust.

#[path = "../examples/sqlite_store/store.rs"]
#[allow(dead_code)] // The bench uses only the adapter's queries, not every item.
mod store;

use chrono::{DateTime, Duration, TimeZone, Utc};
use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use leadpool::conformance::placed;
use leadpool::ids::ClientId;
use leadpool::model::{Client, DedupeKey, DedupeKeys, Source};
use leadpool::store::{ClientStore, Write};
use std::hint::black_box;
use std::path::PathBuf;
use store::SqliteStore;

const CLIENTS: u64 = 5_000;

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

/// 5,000 clients, deadlines spread over 100 days (1 in 100 due at the probe instant), one
/// company key each, shared by 10 clients.
fn populate(store: &SqliteStore) {
    let batch: Vec<Write> = (1..=CLIENTS)
        .map(|id| {
            let keys = DedupeKeys {
                company: Some(format!("company{}", id % 500)),
                ..DedupeKeys::default()
            };
            let client = Client::new(
                ClientId(id),
                format!("client {id}"),
                Source::Website,
                base(),
            )
            .with_keys(keys);
            let due = Some(base() + Duration::days((id % 100) as i64));
            let client = placed(client, None, leadpool::ids::PoolId::DEFAULT, due);
            Write::Insert { client }
        })
        .collect();
    store.commit(&batch).expect("populate");
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

/// `due_by` by the naive scan: (deadline, id) order.
fn naive_due_by(conn: &rusqlite::Connection, now: DateTime<Utc>) -> Vec<ClientId> {
    let mut due: Vec<(Option<DateTime<Utc>>, ClientId)> =
        documents_where(conn, |c| c.deadline().is_some_and(|d| d <= now))
            .into_iter()
            .map(|c| (c.deadline(), c.id()))
            .collect();
    due.sort();
    due.into_iter().map(|(_, id)| id).collect()
}

/// `find_by_key` by the naive scan: id order.
fn naive_find_by_key(conn: &rusqlite::Connection, key: &DedupeKey) -> Vec<ClientId> {
    let mut ids: Vec<ClientId> = documents_where(conn, |c| c.keys().iter().any(|k| k == *key))
        .into_iter()
        .map(|c| c.id())
        .collect();
    ids.sort();
    ids
}

fn bench_queries(c: &mut Criterion) {
    let path = std::env::temp_dir().join(format!("leadpool-bench-{}.db", std::process::id()));
    let _cleanup = RemoveOnDrop(path.clone());
    let store = SqliteStore::open(&path).expect("open");
    populate(&store);
    let conn = rusqlite::Connection::open(&path).expect("open baseline connection");
    let now = base();
    let key = DedupeKey::Company("company7".into());
    // The baseline must answer what the adapter does, or the ratio means nothing.
    assert_eq!(store.due_by(now).expect("due_by"), naive_due_by(&conn, now));
    assert_eq!(
        store.find_by_key(&key).expect("find_by_key"),
        naive_find_by_key(&conn, &key)
    );

    let mut group = c.benchmark_group("sqlite_due_by");
    group.bench_function(BenchmarkId::new("deadline_index", CLIENTS), |b| {
        b.iter(|| store.due_by(black_box(now)).expect("due_by"))
    });
    group.bench_function(BenchmarkId::new("naive_document_scan", CLIENTS), |b| {
        b.iter(|| naive_due_by(&conn, black_box(now)))
    });
    group.finish();

    let mut group = c.benchmark_group("sqlite_find_by_key");
    group.bench_function(BenchmarkId::new("key_table", CLIENTS), |b| {
        b.iter(|| store.find_by_key(black_box(&key)).expect("find_by_key"))
    });
    group.bench_function(BenchmarkId::new("naive_document_scan", CLIENTS), |b| {
        b.iter(|| naive_find_by_key(&conn, black_box(&key)))
    });
    group.finish();
}

criterion_group!(benches, bench_queries);
criterion_main!(benches);
