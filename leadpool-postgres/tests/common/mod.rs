//! What the PostgreSQL tests share: the server from `DATABASE_URL`, a fresh schema per test,
//! and a blocking wrapper that runs the conformance suite (which is synchronous) on the
//! async store.
#![allow(dead_code)]

use chrono::{DateTime, Utc};
use leadpool::StoreError;
use leadpool::ids::{ClientId, PoolId, RepId};
use leadpool::store::{AsyncStore, Recorded, Store};
use leadpool::txn::{Footprint, Plan, Snapshot};
use leadpool_postgres::PgStore;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU32, Ordering};
use tokio::runtime::{Handle, Runtime};

/// The server's URL, or `None` (with a note on stderr) when `DATABASE_URL` is not set, in
/// which case the test returns at once.
pub fn database_url(test: &str) -> Option<String> {
    match std::env::var("DATABASE_URL") {
        Ok(url) if !url.is_empty() => Some(url),
        _ => {
            eprintln!(
                "{test}: DATABASE_URL is not set, skipping this PostgreSQL test. \
                 Run `scripts/with-postgres.sh cargo test -p leadpool-postgres` to run it \
                 against a throwaway server."
            );
            None
        }
    }
}

/// The runtime the blocking wrapper's futures run on (two workers: the machine has two
/// cores).
pub fn runtime() -> &'static Runtime {
    static RUNTIME: OnceLock<Runtime> = OnceLock::new();
    RUNTIME.get_or_init(|| {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("a tokio runtime")
    })
}

/// A schema name no other test of this run uses: `lp_<test>_<pid>_<n>`.
pub fn schema_name(test: &str) -> String {
    static N: AtomicU32 = AtomicU32::new(0);
    format!(
        "lp_{}_{}_{}",
        test,
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    )
}

/// Creates (or recreates) `schema`, empty.
pub async fn create_schema(url: &str, schema: &str) {
    let (client, connection) = tokio_postgres::connect(url, tokio_postgres::NoTls)
        .await
        .expect("connect to DATABASE_URL");
    let task = tokio::spawn(connection);
    client
        .batch_execute(&format!(
            "DROP SCHEMA IF EXISTS {schema} CASCADE; CREATE SCHEMA {schema};"
        ))
        .await
        .expect("create the test schema");
    drop(client);
    let _ = task.await;
}

/// A connection configuration for `url` whose `search_path` is `schema`.
pub fn config_in(url: &str, schema: &str) -> tokio_postgres::Config {
    let mut config: tokio_postgres::Config = url.parse().expect("DATABASE_URL parses");
    config.options(format!("-c search_path={schema}"));
    config
}

/// A migrated, empty store in a schema of its own.
pub async fn fresh_store(url: &str, test: &str, pool_size: usize) -> (PgStore, String) {
    let schema = schema_name(test);
    create_schema(url, &schema).await;
    let store = PgStore::connect_config(config_in(url, &schema), pool_size).expect("a pool");
    store.migrate().await.expect("migrations apply");
    (store, schema)
}

/// A synchronous [`Store`] over the async one: each call runs the future on the shared
/// runtime. Call it from threads that are not the runtime's (the conformance suite's own).
pub struct Blocking {
    pub store: PgStore,
    pub handle: Handle,
}

impl Blocking {
    pub fn new(store: PgStore) -> Self {
        Self {
            store,
            handle: runtime().handle().clone(),
        }
    }
}

impl Store for Blocking {
    fn load(&self, footprint: &Footprint) -> Result<Snapshot, StoreError> {
        self.handle.block_on(self.store.load(footprint))
    }
    fn commit(&self, plan: &Plan) -> Result<u64, StoreError> {
        self.handle.block_on(self.store.commit(plan))
    }
    fn due(&self, now: DateTime<Utc>, limit: usize) -> Result<Vec<ClientId>, StoreError> {
        self.handle.block_on(self.store.due(now, limit))
    }
    fn events(&self, after: u64, limit: usize) -> Result<Vec<Recorded>, StoreError> {
        self.handle.block_on(self.store.events(after, limit))
    }
    fn owned_by(&self, rep: RepId) -> Result<Vec<ClientId>, StoreError> {
        self.handle.block_on(self.store.owned_by(rep))
    }
    fn public_pool(&self, pool: PoolId) -> Result<Vec<ClientId>, StoreError> {
        self.handle.block_on(self.store.public_pool(pool))
    }
}
