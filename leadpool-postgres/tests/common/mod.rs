//! What the PostgreSQL tests share: the server from `DATABASE_URL`, a fresh schema per test,
//! a blocking wrapper that runs the conformance suite (which is synchronous) on the async
//! store, and for the tenant tests a tenant's history and a dump of a tenant's rows.
#![allow(dead_code)]

use chrono::{DateTime, TimeZone, Utc};
use leadpool::StoreError;
use leadpool::allocate::Team;
use leadpool::clock::ManualClock;
use leadpool::ids::{ClientId, PoolId, RepId};
use leadpool::model::{Client, DedupeKeys, Rep, Source};
use leadpool::pool::Actor;
use leadpool::pool::{AsyncPool, Config, Event, PoolPolicy};
use leadpool::store::{AsyncStore, Recorded, Store};
use leadpool::txn::{Footprint, Plan, Snapshot};
use leadpool_postgres::{PgStore, TenantId};
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

/// The tenant of the stores the tests build: not the default one (0), so that a statement
/// that left the tenant out, or wrote 0, would not go unnoticed.
pub const TENANT: TenantId = TenantId(42);

/// A migrated, empty store of [`TENANT`] in a schema of its own.
pub async fn fresh_store(url: &str, test: &str, pool_size: usize) -> (PgStore, String) {
    let schema = schema_name(test);
    create_schema(url, &schema).await;
    let store =
        PgStore::connect_config(config_in(url, &schema), pool_size, TENANT).expect("a pool");
    store.migrate().await.expect("migrations apply");
    (store, schema)
}

/// A plain connection whose `search_path` is `schema`, for looking at the tables directly.
pub async fn admin_client(url: &str, schema: &str) -> tokio_postgres::Client {
    let (client, connection) = config_in(url, schema)
        .connect(tokio_postgres::NoTls)
        .await
        .expect("connect");
    tokio::spawn(connection);
    client
}

/// Every table of the adapter, each with a tenant column.
pub const TABLES: [&str; 6] = [
    "leadpool_config",
    "leadpool_log_head",
    "leadpool_clients",
    "leadpool_client_keys",
    "leadpool_ledgers",
    "leadpool_events",
];

/// Every row of `tenant` in every table, as text: the table, the transaction that wrote the
/// row (`xmin`: an update, even to the same values, writes a new row version) and every column.
/// Equal before and after an operation exactly when no row of the tenant was added, removed,
/// changed or rewritten by it.
pub async fn tenant_rows(admin: &tokio_postgres::Client, tenant: TenantId) -> Vec<String> {
    let mut rows = Vec::new();
    for table in TABLES {
        let found = admin
            .query(
                &format!(
                    "SELECT xmin::text || ' ' || t::text FROM {table} t \
                     WHERE tenant = $1 ORDER BY t::text"
                ),
                &[&tenant.0],
            )
            .await
            .expect("a tenant's rows");
        rows.extend(
            found
                .iter()
                .map(|row| format!("{table}: {}", row.get::<_, String>(0))),
        );
    }
    rows
}

/// How many rows of `tenant` `table` holds.
pub async fn count_rows(admin: &tokio_postgres::Client, table: &str, tenant: TenantId) -> i64 {
    admin
        .query_one(
            &format!("SELECT count(*) FROM {table} WHERE tenant = $1"),
            &[&tenant.0],
        )
        .await
        .expect("a count")
        .get(0)
}

/// The instant tenant histories start at.
pub fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 2, 9, 0, 0)
        .single()
        .unwrap_or_default()
}

/// The companies, phones and e-mails of [`history`]: the keys the conformance suite uses
/// too, so that a tenant holding them stands in the way of any lookup that crossed tenants.
pub const COMPANIES: [&str; 6] = [
    "acme",
    "globex",
    "company 0",
    "company 1",
    "initrode",
    "umbrella",
];

/// The team and policy of [`history`]: reps 1 to 3, reminders after a day, releases a day
/// later.
pub fn history_config() -> Config {
    let team = Team::new((1..=3).map(|i| Rep::new(RepId(i), format!("rep {i}"))));
    let policy = PoolPolicy {
        admins: [RepId(900)].into(),
        remind_after_days: Some(1),
        release_after_reminder_days: 1,
        ..PoolPolicy::default()
    };
    Config::new(team, policy).expect("a configuration")
}

/// Which company [`history`] gives client `id` (1 to 6): `reversed` hands them out the other
/// way round, so that the same key is held by different ids in two tenants.
pub fn company_of(id: u64, reversed: bool) -> &'static str {
    let n = if reversed { 6 - id } else { id - 1 } as usize;
    COMPANIES[n]
}

/// A tenant's history through the pool, at [`t0`]: the team and policy installed; clients 1
/// to 6 imported, named `"{label} {id}"`, each with a company of [`COMPANIES`] (see
/// [`company_of`]), client 1 with the conformance suite's phone and e-mail too; clients 1 and 2
/// claimed by rep 1 and client 3 by rep 2 (so they have deadlines a day later); and the due
/// clients of two days later leased by `store`'s `due`. Rows in every table. Returns the
/// events committed.
pub async fn history(store: &PgStore, label: &str, reversed: bool) -> Vec<Event> {
    let pool = AsyncPool::new(store.clone(), ManualClock::new(t0()));
    assert!(pool.install(history_config()).await.expect("install"));
    let mut events = Vec::new();
    for id in 1..=6 {
        let keys = DedupeKeys {
            company: Some(company_of(id, reversed).into()),
            phone: (id == 1).then(|| "8613800138000".into()),
            email: (id == 1).then(|| "buyer@acme.com".into()),
        };
        let client = Client::new(ClientId(id), format!("{label} {id}"), Source::Website, t0())
            .with_keys(keys);
        events.extend(pool.import(Actor::System, client).await.expect("import"));
    }
    for (id, rep) in [(1, 1), (2, 1), (3, 2)] {
        events.extend(pool.claim(ClientId(id), RepId(rep)).await.expect("claim"));
    }
    let leased = store
        .due(t0() + chrono::Duration::days(2), 10)
        .await
        .expect("due");
    assert_eq!(leased, vec![ClientId(1), ClientId(2), ClientId(3)]);
    events
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
