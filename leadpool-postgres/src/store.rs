//! [`PgStore`]: the store contract v2 over PostgreSQL.

use crate::codec::{
    Params, client_param, dedupe_column, instant_param, key_from_column, key_parts, rep_param,
    to_u64,
};
use crate::error::{PgError, corrupt, pool_error, store_error};
use crate::migrate::{Migrated, migrate};
use crate::tenant::TenantId;
use chrono::{DateTime, Utc};
use deadpool_postgres::{Manager, ManagerConfig, Object, Pool, RecyclingMethod};
use futures_util::future::{join, join3};
use leadpool::StoreError;
use leadpool::error::Conflict;
use leadpool::ids::{ClientId, PoolId, RepId};
use leadpool::model::{Client, DedupeKey, RepLedger};
use leadpool::pool::{Config, Event};
use leadpool::store::{AsyncStore, Recorded, Version, Versioned, Write};
use leadpool::txn::{Footprint, Plan, Snapshot};
use std::collections::BTreeSet;
use std::ops::Deref;
use std::time::Duration;
use tokio_postgres::error::SqlState;
use tokio_postgres::types::{Json, ToSql};
use tokio_postgres::{NoTls, Row};

/// How long the ids [`AsyncStore::due`] returns are leased to the instance that asked, unless
/// set with [`PgStore::with_sweep_lease`].
pub const DEFAULT_SWEEP_LEASE: Duration = Duration::from_secs(30);

/// Connections in the pool [`PgStore::connect`] builds.
pub const DEFAULT_POOL_SIZE: usize = 16;

/// The leadpool store of one tenant in a PostgreSQL database: an [`AsyncStore`] over a
/// [`deadpool_postgres::Pool`], bound to a [`TenantId`]. Cheap to clone (the pool is shared);
/// one pool per process is enough, any number of processes may share one database, and
/// [`for_tenant`](PgStore::for_tenant) gives the store of another tenant over the same pool
/// (a clone: no connection, no query), so a service serving many tenants builds one store
/// at start-up and one `for_tenant` per request.
///
/// Every statement reads and writes the store's tenant's rows only (`WHERE tenant = $n` on
/// every table, the tenant first in every key and index): client ids, rep ids, dedupe keys
/// and log positions are per tenant, and two tenants' commits lock no common row.
///
/// Every method takes a connection from the pool for the length of one transaction:
///
/// - [`load`](AsyncStore::load) reads the whole footprint with one statement in a
///   `REPEATABLE READ, READ ONLY` transaction (pipelined: one round trip).
/// - [`commit`](AsyncStore::commit) runs one `READ COMMITTED` transaction: the configuration
///   row locked `FOR SHARE` (or updated, version-checked, for a new configuration), then each
///   write version-checked (`UPDATE … WHERE id = $1 AND version = $2`; inserts with
///   `ON CONFLICT DO NOTHING`), the dedupe keys of inserted clients claimed in the unique
///   index, and the events appended under the log's counter row, then `COMMIT`. The
///   configuration row and the counter row are the tenant's own, created by its first
///   commit (or [`create_tenant`](PgStore::create_tenant)).
/// - [`due`](AsyncStore::due) picks due clients `FOR UPDATE SKIP LOCKED` and leases them to
///   this store for [`DEFAULT_SWEEP_LEASE`] of the caller's clock, so that instances sweeping
///   at once split the work; an expired lease is ignored, so none hides a client for good.
#[derive(Clone)]
pub struct PgStore {
    pool: Pool,
    tenant: TenantId,
    lease_nanos: i64,
    holder: i64,
}

impl std::fmt::Debug for PgStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PgStore")
            .field("pool", &self.pool.status())
            .field("tenant", &self.tenant)
            .field("lease_nanos", &self.lease_nanos)
            .field("holder", &self.holder)
            .finish()
    }
}

impl PgStore {
    /// The store of `tenant` over `pool`. Run [`PgStore::migrate`] (or
    /// [`migrate`](crate::migrate())) once at start-up before using it.
    pub fn new(pool: Pool, tenant: TenantId) -> Self {
        Self {
            pool,
            tenant,
            lease_nanos: nanos_of(DEFAULT_SWEEP_LEASE),
            holder: instance_token(),
        }
    }

    /// The store of `tenant` with a pool of [`DEFAULT_POOL_SIZE`] connections to `url`
    /// (`postgres://user:password@host:port/database`, libpq style; add
    /// `?options=-c%20search_path%3Dmyschema` to keep the tables in a schema of their own).
    /// No connection is opened until the first use. A single-company deployment passes
    /// [`TenantId::DEFAULT`]; a service of many tenants passes any, and calls
    /// [`for_tenant`](PgStore::for_tenant) per request.
    ///
    /// # Errors
    ///
    /// [`PgError::Config`] when the URL does not parse or the pool cannot be built.
    pub fn connect(url: &str, tenant: TenantId) -> Result<Self, PgError> {
        Self::connect_with(url, DEFAULT_POOL_SIZE, tenant)
    }

    /// [`PgStore::connect`] with a pool of `size` connections.
    ///
    /// # Errors
    ///
    /// As [`PgStore::connect`].
    pub fn connect_with(url: &str, size: usize, tenant: TenantId) -> Result<Self, PgError> {
        let config: tokio_postgres::Config = url
            .parse()
            .map_err(|e: tokio_postgres::Error| PgError::Config(e.to_string()))?;
        Self::connect_config(config, size, tenant)
    }

    /// The store of `tenant` with a pool of `size` connections made from `config` (set its
    /// `options` to `-c search_path=myschema` to keep the tables in a schema of their own).
    ///
    /// # Errors
    ///
    /// [`PgError::Config`] when the pool cannot be built.
    pub fn connect_config(
        config: tokio_postgres::Config,
        size: usize,
        tenant: TenantId,
    ) -> Result<Self, PgError> {
        let manager = Manager::from_config(
            config,
            NoTls,
            ManagerConfig {
                recycling_method: RecyclingMethod::Fast,
            },
        );
        let pool = Pool::builder(manager)
            .max_size(size.max(1))
            .runtime(deadpool_postgres::Runtime::Tokio1)
            .wait_timeout(Some(Duration::from_secs(30)))
            .create_timeout(Some(Duration::from_secs(10)))
            .build()
            .map_err(|e| PgError::Config(e.to_string()))?;
        Ok(Self::new(pool, tenant))
    }

    /// The store of `tenant` over the same connection pool, with the same sweep lease and the
    /// same lease holder (this instance): a clone, no connection and no query. Call it per
    /// request with the tenant the request was authenticated for.
    pub fn for_tenant(&self, tenant: TenantId) -> Self {
        Self {
            tenant,
            ..self.clone()
        }
    }

    /// The tenant whose rows this store reads and writes.
    pub fn tenant(&self) -> TenantId {
        self.tenant
    }

    /// Leases the ids [`due`](AsyncStore::due) returns for `lease` of the caller's clock
    /// (`Duration::ZERO`: no lease, `due` is a plain read).
    pub fn with_sweep_lease(mut self, lease: Duration) -> Self {
        self.lease_nanos = nanos_of(lease);
        self
    }

    /// The connection pool.
    pub fn pool(&self) -> &Pool {
        &self.pool
    }

    /// Applies the shipped migrations with a connection of the pool (see
    /// [`migrate`](crate::migrate())). The schema serves every tenant: this migrates the
    /// database, once, whichever tenant the store is bound to.
    ///
    /// # Errors
    ///
    /// As [`migrate`](crate::migrate()), or [`PgError::Pool`] when no connection can be had.
    pub async fn migrate(&self) -> Result<Migrated, PgError> {
        let conn = self.pool.get().await?;
        let result = migrate(&conn).await;
        if result.is_err() {
            // Do not hand a connection that may be mid-transaction back to the pool.
            drop(Object::take(conn));
        }
        result
    }

    /// Creates the tenant's configuration row (version 0: nothing installed) and log counter
    /// (head 0) if they are missing, in one statement; `true` when it created them.
    ///
    /// Optional: a tenant's first commit creates them (the store notices the missing row,
    /// creates both and commits again). Call it where your application provisions a new
    /// company, to keep that write out of the first request's path, or to make sure a tenant
    /// id is known to the database before serving it.
    ///
    /// # Errors
    ///
    /// A failed statement, or [`PgError::Pool`] when no connection can be had.
    pub async fn create_tenant(&self) -> Result<bool, PgError> {
        let conn = self.pool.get().await?;
        let statement = conn.prepare_cached(TENANT_CREATE).await?;
        let row = conn.query_one(&statement, &[&self.tenant.0]).await?;
        Ok(row.try_get::<_, i64>(0)? > 0)
    }

    async fn session(&self) -> Result<Session, StoreError> {
        let conn = self.pool.get().await.map_err(pool_error)?;
        Ok(Session {
            conn: Some(conn),
            in_transaction: false,
            tenant: self.tenant.0,
        })
    }
}

fn nanos_of(duration: Duration) -> i64 {
    i64::try_from(duration.as_nanos()).unwrap_or(i64::MAX)
}

/// A number that tells this store's leases from other instances': the process id, the time and
/// a per-process random seed, hashed.
fn instance_token() -> i64 {
    use std::hash::{BuildHasher, Hasher};
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u32(std::process::id());
    hasher.write_u64(COUNTER.fetch_add(1, Ordering::Relaxed));
    if let Ok(since) = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH) {
        hasher.write_u128(since.as_nanos());
    }
    // Never 0, so that NULL and 0 never meet.
    (hasher.finish() >> 1) as i64 | 1
}

/// A pooled connection, and whether a transaction may be open on it. Dropped mid-transaction
/// (an error path that could not roll back, or a caller that dropped the future: a request
/// timed out), the connection is taken out of the pool and closed, and the server rolls the
/// transaction back; it never goes back to the pool half-way through a transaction.
struct Session {
    conn: Option<Object>,
    in_transaction: bool,
    /// The store's tenant: a parameter of every statement.
    tenant: i64,
}

impl Deref for Session {
    type Target = Object;
    fn deref(&self) -> &Object {
        // Set in `PgStore::session` and taken only in `drop`.
        self.conn.as_ref().unwrap_or_else(|| unreachable!())
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        if self.in_transaction {
            if let Some(conn) = self.conn.take() {
                drop(Object::take(conn));
            }
        }
    }
}

impl Session {
    async fn statement(&self, sql: &str) -> Result<tokio_postgres::Statement, StoreError> {
        self.prepare_cached(sql).await.map_err(store_error)
    }

    /// Ends the transaction: rolls it back, and forgets it if that worked.
    async fn roll_back(&mut self) {
        if self.batch_execute("ROLLBACK").await.is_ok() {
            self.in_transaction = false;
        }
    }
}

impl AsyncStore for PgStore {
    async fn load(&self, footprint: &Footprint) -> Result<Snapshot, StoreError> {
        let query = LoadQuery::of(footprint, self.tenant.0)?;
        let mut session = self.session().await?;
        let statement = session.statement(&query.sql).await?;
        session.in_transaction = true;
        let (begun, rows, committed) = join3(
            session.batch_execute("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY"),
            session.query(&statement, &query.params.refs()),
            session.batch_execute("COMMIT"),
        )
        .await;
        if committed.is_ok() {
            session.in_transaction = false;
        }
        begun.map_err(store_error)?;
        let rows = rows.map_err(store_error)?;
        committed.map_err(store_error)?;
        drop(session);
        snapshot_of(&rows, self.tenant)
    }

    async fn commit(&self, plan: &Plan) -> Result<u64, StoreError> {
        let encoded = Encoded::of(plan)?;
        let mut session = self.session().await?;
        let mut created = false;
        loop {
            session.in_transaction = true;
            match commit_in(&session, plan, &encoded).await {
                Ok(Outcome::Committed(head)) => {
                    session.in_transaction = false;
                    return Ok(head);
                }
                Ok(Outcome::RolledBack(error)) => {
                    // The COMMIT found the transaction aborted and rolled it back.
                    session.in_transaction = false;
                    return Err(error);
                }
                Ok(Outcome::NoTenant) if !created => {
                    // The tenant's first commit: nothing was written yet. Create its
                    // configuration and counter rows (a concurrent first commit may create
                    // them too: ON CONFLICT DO NOTHING), then commit again.
                    session.roll_back().await;
                    if session.in_transaction {
                        return Err(StoreError::unavailable(
                            "the connection failed to roll back a transaction",
                        ));
                    }
                    let statement = session.statement(TENANT_CREATE).await?;
                    session
                        .query_one(&statement, &[&session.tenant])
                        .await
                        .map_err(commit_error)?;
                    created = true;
                }
                Ok(Outcome::NoTenant) => {
                    session.roll_back().await;
                    return Err(corrupt(
                        "leadpool_config",
                        self.tenant,
                        "no row for the tenant after creating it",
                    ));
                }
                Err(error) => {
                    session.roll_back().await;
                    return Err(error);
                }
            }
        }
    }

    async fn due(&self, now: DateTime<Utc>, limit: usize) -> Result<Vec<ClientId>, StoreError> {
        let now = instant_param(now);
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let session = self.session().await?;
        let rows = if self.lease_nanos == 0 {
            let statement = session.statement(DUE_READ).await?;
            session
                .query(&statement, &[&now, &limit, &session.tenant])
                .await
        } else {
            let until = now.saturating_add(self.lease_nanos);
            let statement = session.statement(DUE_LEASE).await?;
            session
                .query(
                    &statement,
                    &[&now, &limit, &self.holder, &until, &session.tenant],
                )
                .await
        }
        .map_err(store_error)?;
        drop(session);
        let mut due = Vec::with_capacity(rows.len());
        for row in &rows {
            let id: i64 = row.try_get(0).map_err(store_error)?;
            let deadline: i64 = row.try_get(1).map_err(store_error)?;
            due.push((deadline, ClientId(to_u64("leadpool_clients", id, id)?)));
        }
        // UPDATE … RETURNING has no order of its own.
        due.sort_unstable();
        Ok(due.into_iter().map(|(_, id)| id).collect())
    }

    async fn events(&self, after: u64, limit: usize) -> Result<Vec<Recorded>, StoreError> {
        let after = i64::try_from(after).unwrap_or(i64::MAX);
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let session = self.session().await?;
        let statement = session.statement(EVENTS_READ).await?;
        let rows = session
            .query(&statement, &[&after, &limit, &session.tenant])
            .await
            .map_err(store_error)?;
        drop(session);
        rows.iter()
            .map(|row| {
                let seq: i64 = row.try_get(0).map_err(store_error)?;
                let Json(event) = row
                    .try_get::<_, Json<Event>>(1)
                    .map_err(|e| corrupt("leadpool_events", seq, e))?;
                Ok(Recorded {
                    seq: to_u64("leadpool_events", seq, seq)?,
                    event,
                })
            })
            .collect()
    }

    async fn owned_by(&self, rep: RepId) -> Result<Vec<ClientId>, StoreError> {
        let rep = rep_param(rep)?;
        self.ids(OWNED_BY, &[&rep, &self.tenant.0]).await
    }

    async fn public_pool(&self, pool: PoolId) -> Result<Vec<ClientId>, StoreError> {
        let pool =
            i64::try_from(pool.0).map_err(|_| crate::error::out_of_range("pool id", pool))?;
        self.ids(PUBLIC_POOL, &[&pool, &self.tenant.0]).await
    }
}

impl PgStore {
    async fn ids(
        &self,
        sql: &str,
        params: &[&(dyn ToSql + Sync)],
    ) -> Result<Vec<ClientId>, StoreError> {
        let session = self.session().await?;
        let statement = session.statement(sql).await?;
        let rows = session
            .query(&statement, params)
            .await
            .map_err(store_error)?;
        drop(session);
        rows.iter()
            .map(|row| {
                let id: i64 = row.try_get(0).map_err(store_error)?;
                Ok(ClientId(to_u64("leadpool_clients", id, id)?))
            })
            .collect()
    }
}

// Every statement names the tenant: its last parameter in the fixed statements below (and in
// the statements written inline), `$1` in the load's generated query.

const EVENTS_READ: &str = "SELECT seq, event FROM leadpool_events \
     WHERE tenant = $3 AND seq > $1 ORDER BY seq LIMIT $2";

const OWNED_BY: &str =
    "SELECT id FROM leadpool_clients WHERE tenant = $2 AND owner = $1 ORDER BY id";

const PUBLIC_POOL: &str = "SELECT id FROM leadpool_clients \
     WHERE tenant = $2 AND owner IS NULL AND pool = $1 ORDER BY id";

const DUE_READ: &str = "SELECT id, deadline FROM leadpool_clients \
     WHERE tenant = $3 AND deadline <= $1 ORDER BY deadline, id LIMIT $2";

const DUE_LEASE: &str = "WITH picked AS ( \
         SELECT id FROM leadpool_clients \
         WHERE tenant = $5 AND deadline <= $1 \
           AND (sweep_lease_until IS NULL OR sweep_lease_until <= $1 OR sweep_lease_holder = $3) \
         ORDER BY deadline, id \
         LIMIT $2 \
         FOR UPDATE SKIP LOCKED) \
     UPDATE leadpool_clients c SET sweep_lease_until = $4, sweep_lease_holder = $3 \
     FROM picked WHERE c.tenant = $5 AND c.id = picked.id \
     RETURNING c.id, c.deadline";

/// The one statement that answers a footprint: the configuration, the clients, the ledgers
/// (listed, or all, plus the owners' of the clients), as rows `(part, key, version, doc)`,
/// all of one tenant (`$1`).
struct LoadQuery {
    sql: String,
    params: Params,
}

impl LoadQuery {
    fn of(footprint: &Footprint, tenant: i64) -> Result<Self, StoreError> {
        let mut params = Params::default();
        let t = params.push(tenant);
        let ids: Vec<i64> = footprint
            .clients()
            .iter()
            .map(|id| client_param(*id))
            .collect::<Result<_, _>>()?;
        let mut sources = vec![format!("SELECT unnest({}::bigint[])", params.push(ids))];
        if !footprint.keys().is_empty() {
            let (kinds, values) = key_parts(footprint.keys());
            let (k, v) = (params.push(kinds), params.push(values));
            sources.push(format!(
                "SELECT client_id FROM leadpool_client_keys WHERE tenant = {t} \
                 AND (kind, value) IN (SELECT * FROM unnest({k}::text[], {v}::text[]))"
            ));
        }
        if footprint.all_owned() {
            sources.push(format!(
                "SELECT id FROM leadpool_clients WHERE tenant = {t} AND owner IS NOT NULL"
            ));
        } else if !footprint.owned_by().is_empty() {
            let reps: Vec<i64> = footprint
                .owned_by()
                .iter()
                .map(|rep| rep_param(*rep))
                .collect::<Result<_, _>>()?;
            sources.push(format!(
                "SELECT id FROM leadpool_clients WHERE tenant = {t} AND owner = ANY({}::bigint[])",
                params.push(reps)
            ));
        }
        if let Some(instant) = footprint.due_by() {
            sources.push(format!(
                "SELECT id FROM leadpool_clients WHERE tenant = {t} AND deadline <= {}::bigint",
                params.push(instant_param(instant))
            ));
        }
        let ledgers = if footprint.all_reps() {
            "TRUE".to_owned()
        } else {
            let reps: Vec<i64> = footprint
                .reps()
                .iter()
                .map(|rep| rep_param(*rep))
                .collect::<Result<_, _>>()?;
            format!(
                "rep = ANY({}::bigint[]) OR rep IN (SELECT owner FROM c WHERE owner IS NOT NULL)",
                params.push(reps)
            )
        };
        let sql = format!(
            "WITH ids AS ({}), \
             c AS (SELECT id, version, owner, doc FROM leadpool_clients \
                   WHERE tenant = {t} AND id IN (SELECT * FROM ids)) \
             SELECT 0::int2 AS part, 0::bigint AS key, version, doc FROM leadpool_config \
                 WHERE tenant = {t} \
             UNION ALL SELECT 1::int2, id, version, doc FROM c \
             UNION ALL SELECT 2::int2, rep, version, doc FROM leadpool_ledgers \
                 WHERE tenant = {t} AND ({ledgers}) \
             ORDER BY part, key",
            sources.join(" UNION ")
        );
        Ok(Self { sql, params })
    }
}

fn snapshot_of(rows: &[Row], tenant: TenantId) -> Result<Snapshot, StoreError> {
    let mut config = None;
    let mut clients = Vec::new();
    let mut ledgers = Vec::new();
    for row in rows {
        let part: i16 = row.try_get(0).map_err(store_error)?;
        let key: i64 = row.try_get(1).map_err(store_error)?;
        let version: i64 = row.try_get(2).map_err(store_error)?;
        match part {
            0 => {
                let version = to_u64("leadpool_config", tenant, version)?;
                if version > 0 {
                    let Json(value) = row
                        .try_get::<_, Json<Config>>(3)
                        .map_err(|e| corrupt("leadpool_config", tenant, e))?;
                    config = Some(Versioned { version, value });
                }
            }
            1 => {
                let Json(value) = row
                    .try_get::<_, Json<Client>>(3)
                    .map_err(|e| corrupt("leadpool_clients", key, e))?;
                if i64::try_from(value.id().0).ok() != Some(key) {
                    return Err(corrupt(
                        "leadpool_clients",
                        key,
                        format!("the document is {}", value.id()),
                    ));
                }
                let version = to_u64("leadpool_clients", key, version)?;
                clients.push(Versioned { version, value });
            }
            _ => {
                let Json(value) = row
                    .try_get::<_, Json<RepLedger>>(3)
                    .map_err(|e| corrupt("leadpool_ledgers", key, e))?;
                if i64::try_from(value.rep().0).ok() != Some(key) {
                    return Err(corrupt(
                        "leadpool_ledgers",
                        key,
                        format!("the document is the ledger of {}", value.rep()),
                    ));
                }
                let version = to_u64("leadpool_ledgers", key, version)?;
                ledgers.push(Versioned { version, value });
            }
        }
    }
    let mut snapshot = Snapshot::new(config);
    for client in clients {
        snapshot.add_client(client);
    }
    for ledger in ledgers {
        snapshot.add_ledger(ledger);
    }
    Ok(snapshot)
}

/// A plan's values as statement parameters, converted before a connection is taken, so a
/// value that cannot be stored fails without touching the database.
struct Encoded {
    config_version: i64,
    writes: Vec<EncodedWrite>,
    has_insert: bool,
}

enum EncodedWrite {
    Client {
        id: i64,
        expected: i64,
        owner: Option<i64>,
        pool: i64,
        deadline: Option<i64>,
        dedupe: Vec<String>,
    },
    Ledger {
        rep: i64,
        expected: i64,
    },
}

impl Encoded {
    fn of(plan: &Plan) -> Result<Self, StoreError> {
        let version =
            |v: Version| i64::try_from(v).map_err(|_| crate::error::out_of_range("version", v));
        let mut writes = Vec::with_capacity(plan.writes().len());
        let mut has_insert = false;
        for write in plan.writes() {
            writes.push(match write {
                Write::Insert { client } | Write::Update { client, .. } => {
                    let expected = match write {
                        Write::Update { expected, .. } => version(*expected)?,
                        _ => {
                            has_insert = true;
                            0
                        }
                    };
                    EncodedWrite::Client {
                        id: client_param(client.id())?,
                        expected,
                        owner: client.owner().map(rep_param).transpose()?,
                        pool: i64::try_from(client.pool().0)
                            .map_err(|_| crate::error::out_of_range("pool id", client.pool()))?,
                        deadline: client
                            .deadline()
                            .map(|d| {
                                d.timestamp_nanos_opt()
                                    .ok_or_else(|| crate::error::out_of_range("deadline", d))
                            })
                            .transpose()?,
                        dedupe: dedupe_column(client.keys().iter()),
                    }
                }
                Write::Ledger { ledger, expected } => EncodedWrite::Ledger {
                    rep: rep_param(ledger.rep())?,
                    expected: version(*expected)?,
                },
            });
        }
        Ok(Self {
            config_version: version(plan.config_version())?,
            writes,
            has_insert,
        })
    }
}

/// How a commit ended when nothing failed on our side.
enum Outcome {
    /// Committed; the log's head.
    Committed(u64),
    /// A statement failed, and the pipelined COMMIT rolled the transaction back.
    RolledBack(StoreError),
    /// The tenant has no configuration row yet; nothing was written, the transaction is open.
    NoTenant,
}

const CONFIG_SHARE: &str = "SELECT version FROM leadpool_config WHERE tenant = $1 FOR SHARE";
const CONFIG_UPDATE: &str = "UPDATE leadpool_config SET version = version + 1, doc = $2 \
     WHERE tenant = $3 AND version = $1 RETURNING version";
const CONFIG_VERSION: &str = "SELECT version FROM leadpool_config WHERE tenant = $1";
/// A tenant's configuration row (nothing installed) and log counter, in one statement; the
/// number of rows it created.
const TENANT_CREATE: &str = "WITH c AS (INSERT INTO leadpool_config (tenant, version, doc) \
         VALUES ($1, 0, NULL) ON CONFLICT (tenant) DO NOTHING RETURNING 1), \
     h AS (INSERT INTO leadpool_log_head (tenant, head) \
         VALUES ($1, 0) ON CONFLICT (tenant) DO NOTHING RETURNING 1) \
     SELECT (SELECT count(*) FROM c) + (SELECT count(*) FROM h)";
const CLIENT_INSERT: &str = "INSERT INTO leadpool_clients \
     (tenant, id, version, owner, pool, deadline, dedupe, doc) \
     VALUES ($7, $1, 1, $2, $3, $4, $5, $6) \
     ON CONFLICT (tenant, id) DO NOTHING";
const CLIENT_UPDATE: &str = "UPDATE leadpool_clients c SET version = c.version + 1, \
     owner = $3, pool = $4, deadline = $5, dedupe = $6, doc = $7 \
     WHERE c.tenant = $8 AND c.id = $1 AND c.version = $2 \
     RETURNING (SELECT o.dedupe FROM leadpool_clients o WHERE o.tenant = c.tenant AND o.id = c.id)";
const CLIENT_VERSION: &str = "SELECT version FROM leadpool_clients WHERE tenant = $2 AND id = $1";
const KEYS_CLAIM: &str = "INSERT INTO leadpool_client_keys \
     (tenant, kind, value, client_id, holder) \
     SELECT $4, k.kind, k.value, $3, true FROM unnest($1::text[], $2::text[]) AS k(kind, value) \
     ON CONFLICT DO NOTHING RETURNING kind, value";
const KEYS_CARRY: &str = "INSERT INTO leadpool_client_keys \
     (tenant, kind, value, client_id, holder) \
     SELECT $4, k.kind, k.value, $3, false FROM unnest($1::text[], $2::text[]) AS k(kind, value) \
     ON CONFLICT DO NOTHING";
const KEY_HOLDER: &str = "SELECT client_id FROM leadpool_client_keys \
     WHERE tenant = $4 AND kind = $1 AND value = $2 AND client_id <> $3 \
     ORDER BY client_id LIMIT 1";
/// Advisory locks on the tenant's keys (the tenant in the hashed text, so that tenants moving
/// the same company's key do not wait for each other).
const KEYS_LOCK: &str = "SELECT pg_advisory_xact_lock(h) FROM \
     (SELECT DISTINCT hashtextextended($2::bigint::text || ':' || k, 1985) AS h \
      FROM unnest($1::text[]) AS k ORDER BY 1) s";
const KEYS_DROP: &str = "DELETE FROM leadpool_client_keys \
     WHERE tenant = $4 AND client_id = $3 \
       AND (kind, value) IN (SELECT * FROM unnest($1::text[], $2::text[]))";
const KEYS_PROMOTE: &str = "UPDATE leadpool_client_keys k SET holder = true \
     FROM (SELECT DISTINCT ON (kind, value) kind, value, client_id FROM leadpool_client_keys \
           WHERE tenant = $3 AND (kind, value) IN (SELECT * FROM unnest($1::text[], $2::text[])) \
           ORDER BY kind, value, client_id) p \
     WHERE k.tenant = $3 AND k.kind = p.kind AND k.value = p.value \
       AND k.client_id = p.client_id \
       AND NOT EXISTS (SELECT 1 FROM leadpool_client_keys h \
                       WHERE h.tenant = $3 AND h.kind = p.kind AND h.value = p.value \
                         AND h.holder)";
const LEDGER_INSERT: &str = "INSERT INTO leadpool_ledgers (tenant, rep, version, doc) \
     VALUES ($3, $1, 1, $2) ON CONFLICT (tenant, rep) DO NOTHING";
const LEDGER_UPDATE: &str = "UPDATE leadpool_ledgers SET version = version + 1, doc = $3 \
     WHERE tenant = $4 AND rep = $1 AND version = $2";
const LEDGER_VERSION: &str = "SELECT version FROM leadpool_ledgers WHERE tenant = $2 AND rep = $1";
/// The events, numbered from the tenant's counter row. Without that row the positions would be
/// NULL and the insert fails (and the transaction with it) rather than committing the writes
/// without their events.
const EVENTS_APPEND: &str = "WITH h AS (UPDATE leadpool_log_head SET head = head + $1 \
         WHERE tenant = $3 RETURNING head), \
     ins AS (INSERT INTO leadpool_events (tenant, seq, event) \
         SELECT $3, (SELECT head FROM h) - $1 + e.ord, e.event \
         FROM unnest($2::jsonb[]) WITH ORDINALITY AS e(event, ord)) \
     SELECT head FROM h";
const LOG_HEAD: &str = "SELECT head FROM leadpool_log_head WHERE tenant = $1";

/// The statements of one commit. Round trips: `BEGIN` with the configuration check; the
/// writes (pipelined together when the plan inserts nothing, one by one otherwise, since an
/// insert's dedupe keys depend on the writes before it); the events with `COMMIT`.
async fn commit_in(
    session: &Session,
    plan: &Plan,
    encoded: &Encoded,
) -> Result<Outcome, StoreError> {
    // 1. BEGIN, and the tenant's configuration: locked FOR SHARE (a policy change waits for
    //    this commit, and this commit for it), or replaced, version-checked. No row: the
    //    tenant's first commit, which the caller answers by creating the row.
    let expected = encoded.config_version;
    let tenant = &session.tenant;
    let (begun, checked) = match plan.new_config() {
        Some(config) => {
            let statement = session.statement(CONFIG_UPDATE).await?;
            let doc = Json(config);
            join(
                session.batch_execute("BEGIN"),
                session.query(&statement, &[&expected, &doc, tenant]),
            )
            .await
        }
        None => {
            let statement = session.statement(CONFIG_SHARE).await?;
            join(
                session.batch_execute("BEGIN"),
                session.query(&statement, &[tenant]),
            )
            .await
        }
    };
    begun.map_err(store_error)?;
    let rows = checked.map_err(commit_error)?;
    let found = match (plan.new_config(), rows.first()) {
        (Some(_), Some(_)) => None,
        (Some(_), None) => match version_of(session, CONFIG_VERSION, &[tenant]).await? {
            Some(found) => Some(found),
            None => return Ok(Outcome::NoTenant),
        },
        (None, Some(row)) => {
            let version: i64 = row.try_get(0).map_err(store_error)?;
            (version != expected).then_some(version)
        }
        (None, None) => return Ok(Outcome::NoTenant),
    };
    if let Some(found) = found {
        return Err(Conflict::Config {
            expected: plan.config_version(),
            found: to_u64("leadpool_config", tenant, found)?,
        }
        .into());
    }

    // 2. The writes.
    if encoded.has_insert {
        for (write, enc) in plan.writes().iter().zip(&encoded.writes) {
            write_one(session, write, enc).await?;
        }
    } else {
        write_pipelined(session, plan, encoded).await?;
    }

    // 3. The events, under the counter row, and COMMIT.
    let (head, committed) = if plan.events().is_empty() {
        let statement = session.statement(LOG_HEAD).await?;
        join(
            session.query_one(&statement, &[tenant]),
            session.batch_execute("COMMIT"),
        )
        .await
    } else {
        let statement = session.statement(EVENTS_APPEND).await?;
        let count = i64::try_from(plan.events().len())
            .map_err(|_| crate::error::out_of_range("event count", plan.events().len()))?;
        let events: Vec<Json<&Event>> = plan.events().iter().map(Json).collect();
        join(
            session.query_one(&statement, &[&count, &events, tenant]),
            session.batch_execute("COMMIT"),
        )
        .await
    };
    match (head, committed) {
        (Ok(row), Ok(())) => {
            let head: i64 = row.try_get(0).map_err(store_error)?;
            Ok(Outcome::Committed(to_u64(
                "leadpool_log_head",
                tenant,
                head,
            )?))
        }
        (Err(error), Ok(())) => Ok(Outcome::RolledBack(commit_error(error))),
        (_, Err(error)) => Err(commit_error(error)),
    }
}

/// A driver error inside a commit: as [`store_error`], except that a unique violation there is
/// a lost race on one of the adapter's own indexes (the expected ones are answered with
/// `ON CONFLICT`), which a retry resolves.
fn commit_error(error: tokio_postgres::Error) -> StoreError {
    if error.code() == Some(&SqlState::UNIQUE_VIOLATION) {
        StoreError::backend(error, true)
    } else {
        store_error(error)
    }
}

/// The version a statement reads, 0 when there is no row.
async fn single_version(
    session: &Session,
    sql: &str,
    params: &[&(dyn ToSql + Sync)],
) -> Result<i64, StoreError> {
    Ok(version_of(session, sql, params).await?.unwrap_or(0))
}

/// The version a statement reads, if there is a row.
async fn version_of(
    session: &Session,
    sql: &str,
    params: &[&(dyn ToSql + Sync)],
) -> Result<Option<i64>, StoreError> {
    let statement = session.statement(sql).await?;
    let row = session
        .query_opt(&statement, params)
        .await
        .map_err(commit_error)?;
    row.map(|row| row.try_get(0).map_err(store_error))
        .transpose()
}

/// One write, alone.
async fn write_one(session: &Session, write: &Write, enc: &EncodedWrite) -> Result<(), StoreError> {
    match (write, enc) {
        (
            Write::Insert { client },
            EncodedWrite::Client {
                id,
                owner,
                pool,
                deadline,
                dedupe,
                ..
            },
        ) => {
            let insert = session.statement(CLIENT_INSERT).await?;
            let doc = Json(client);
            let inserted = session
                .execute(
                    &insert,
                    &[id, owner, pool, deadline, dedupe, &doc, &session.tenant],
                )
                .await
                .map_err(commit_error)?;
            if inserted == 0 {
                let found = single_version(session, CLIENT_VERSION, &[id, &session.tenant]).await?;
                return Err(Conflict::Client {
                    id: client.id(),
                    expected: 0,
                    found: to_u64("leadpool_clients", id, found)?,
                }
                .into());
            }
            claim_keys(session, client, *id).await
        }
        (Write::Update { client, expected }, enc @ EncodedWrite::Client { id, .. }) => {
            let update = session.statement(CLIENT_UPDATE).await?;
            let rows = query_update(session, &update, client, enc).await?;
            let old = updated(session, rows, client.id(), *id, *expected).await?;
            sync_keys(session, *id, &old, enc).await
        }
        (Write::Ledger { ledger, expected }, EncodedWrite::Ledger { rep, expected: exp }) => {
            let doc = Json(ledger);
            let changed = if *exp == 0 {
                let statement = session.statement(LEDGER_INSERT).await?;
                session
                    .execute(&statement, &[rep, &doc, &session.tenant])
                    .await
            } else {
                let statement = session.statement(LEDGER_UPDATE).await?;
                session
                    .execute(&statement, &[rep, exp, &doc, &session.tenant])
                    .await
            }
            .map_err(commit_error)?;
            ledger_written(session, changed, ledger.rep(), *rep, *expected).await
        }
        _ => Err(corrupt("plan", "write", "encoded out of step")),
    }
}

/// Every write of a plan that inserts nothing, pipelined: the statements run in order on the
/// server as if sent one by one, and the first refusal in plan order is reported.
async fn write_pipelined(
    session: &Session,
    plan: &Plan,
    encoded: &Encoded,
) -> Result<(), StoreError> {
    let mut statements = Vec::new();
    for write in plan.writes() {
        statements.push(match write {
            Write::Update { .. } => session.statement(CLIENT_UPDATE).await?,
            Write::Ledger { expected: 0, .. } => session.statement(LEDGER_INSERT).await?,
            Write::Ledger { .. } => session.statement(LEDGER_UPDATE).await?,
            Write::Insert { .. } => return Err(corrupt("plan", "write", "insert not pipelined")),
        });
    }
    let docs: Vec<Doc<'_>> = plan
        .writes()
        .iter()
        .map(|write| match write {
            Write::Insert { client } | Write::Update { client, .. } => Doc::Client(Json(client)),
            Write::Ledger { ledger, .. } => Doc::Ledger(Json(ledger)),
        })
        .collect();
    let futures = plan
        .writes()
        .iter()
        .zip(&encoded.writes)
        .zip(&statements)
        .zip(&docs)
        .map(|(((write, enc), statement), doc)| async move {
            match (write, enc, doc) {
                (
                    Write::Update { .. },
                    EncodedWrite::Client {
                        id,
                        expected,
                        owner,
                        pool,
                        deadline,
                        dedupe,
                        ..
                    },
                    Doc::Client(doc),
                ) => session
                    .query(
                        statement,
                        &[
                            id,
                            expected,
                            owner,
                            pool,
                            deadline,
                            dedupe,
                            doc,
                            &session.tenant,
                        ],
                    )
                    .await
                    .map(Done::Rows),
                (_, EncodedWrite::Ledger { rep, expected: 0 }, Doc::Ledger(doc)) => session
                    .execute(statement, &[rep, doc, &session.tenant])
                    .await
                    .map(Done::Count),
                (_, EncodedWrite::Ledger { rep, expected }, Doc::Ledger(doc)) => session
                    .execute(statement, &[rep, expected, doc, &session.tenant])
                    .await
                    .map(Done::Count),
                _ => Ok(Done::Count(0)),
            }
        });
    let results = futures_util::future::join_all(futures).await;
    let mut olds = Vec::with_capacity(results.len());
    for ((write, enc), result) in plan.writes().iter().zip(&encoded.writes).zip(results) {
        let done = result.map_err(commit_error)?;
        match (write, enc, done) {
            (
                Write::Update { client, expected },
                EncodedWrite::Client { id, .. },
                Done::Rows(rows),
            ) => {
                olds.push(Some(
                    updated(session, rows, client.id(), *id, *expected).await?,
                ));
            }
            (
                Write::Ledger { ledger, expected },
                EncodedWrite::Ledger { rep, .. },
                Done::Count(n),
            ) => {
                ledger_written(session, n, ledger.rep(), *rep, *expected).await?;
                olds.push(None);
            }
            _ => return Err(corrupt("plan", "write", "pipelined out of step")),
        }
    }
    for (enc, old) in encoded.writes.iter().zip(olds) {
        if let (EncodedWrite::Client { id, .. }, Some(old)) = (enc, old) {
            sync_keys(session, *id, &old, enc).await?;
        }
    }
    Ok(())
}

enum Doc<'a> {
    Client(Json<&'a Client>),
    Ledger(Json<&'a RepLedger>),
}

enum Done {
    Rows(Vec<Row>),
    Count(u64),
}

async fn query_update(
    session: &Session,
    statement: &tokio_postgres::Statement,
    client: &Client,
    enc: &EncodedWrite,
) -> Result<Vec<Row>, StoreError> {
    let EncodedWrite::Client {
        id,
        expected,
        owner,
        pool,
        deadline,
        dedupe,
        ..
    } = enc
    else {
        return Err(corrupt("plan", "write", "encoded out of step"));
    };
    let doc = Json(client);
    session
        .query(
            statement,
            &[
                id,
                expected,
                owner,
                pool,
                deadline,
                dedupe,
                &doc,
                &session.tenant,
            ],
        )
        .await
        .map_err(commit_error)
}

/// The old dedupe keys of an updated client, or the conflict when no row matched.
async fn updated(
    session: &Session,
    rows: Vec<Row>,
    id: ClientId,
    key: i64,
    expected: Version,
) -> Result<Vec<String>, StoreError> {
    match rows.first() {
        Some(row) => row.try_get(0).map_err(store_error),
        None => {
            let found = single_version(session, CLIENT_VERSION, &[&key, &session.tenant]).await?;
            Err(Conflict::Client {
                id,
                expected,
                found: to_u64("leadpool_clients", key, found)?,
            }
            .into())
        }
    }
}

async fn ledger_written(
    session: &Session,
    changed: u64,
    rep: RepId,
    key: i64,
    expected: Version,
) -> Result<(), StoreError> {
    if changed == 1 {
        return Ok(());
    }
    let found = single_version(session, LEDGER_VERSION, &[&key, &session.tenant]).await?;
    Err(Conflict::Ledger {
        rep,
        expected,
        found: to_u64("leadpool_ledgers", key, found)?,
    }
    .into())
}

/// Claims an inserted client's keys in the unique index of holders. A key held already
/// (committed, or by a transaction this one waited for) refuses the insert, naming the lowest
/// other client that carries it, as the contract asks.
async fn claim_keys(session: &Session, client: &Client, id: i64) -> Result<(), StoreError> {
    let keys: Vec<DedupeKey> = client.keys().iter().collect();
    if keys.is_empty() {
        return Ok(());
    }
    let (kinds, values) = key_parts(&keys);
    let statement = session.statement(KEYS_CLAIM).await?;
    let rows = session
        .query(&statement, &[&kinds, &values, &id, &session.tenant])
        .await
        .map_err(commit_error)?;
    let mut claimed = BTreeSet::new();
    for row in &rows {
        let kind: String = row.try_get(0).map_err(store_error)?;
        let value: String = row.try_get(1).map_err(store_error)?;
        claimed.insert((kind, value));
    }
    for (key, (kind, value)) in keys.iter().zip(kinds.iter().zip(&values)) {
        if claimed.contains(&(kind.clone(), value.clone())) {
            continue;
        }
        let statement = session.statement(KEY_HOLDER).await?;
        let holder = session
            .query_opt(&statement, &[kind, value, &id, &session.tenant])
            .await
            .map_err(commit_error)?;
        return match holder {
            Some(row) => {
                let holder: i64 = row.try_get(0).map_err(store_error)?;
                Err(Conflict::DuplicateKey {
                    key: key.clone(),
                    holder: ClientId(to_u64("leadpool_client_keys", holder, holder)?),
                }
                .into())
            }
            None => Err(PgError::KeyMoved(format!("{kind} {value:?}")).into()),
        };
    }
    Ok(())
}

/// Brings an updated client's rows in the key table in line with its new keys (rare: the
/// engine never changes a stored client's keys, but the contract allows it). The keys whose
/// carriers change are locked (transaction-level advisory locks, in hash order) so that two
/// updates moving one key cannot both leave it without a holder.
async fn sync_keys(
    session: &Session,
    id: i64,
    old: &[String],
    enc: &EncodedWrite,
) -> Result<(), StoreError> {
    let EncodedWrite::Client { dedupe: new, .. } = enc else {
        return Ok(());
    };
    let removed: Vec<&String> = old.iter().filter(|k| !new.contains(k)).collect();
    let added: Vec<&String> = new.iter().filter(|k| !old.contains(k)).collect();
    if removed.is_empty() && added.is_empty() {
        return Ok(());
    }
    let parse = |column: &[&String]| -> Result<Vec<DedupeKey>, StoreError> {
        column
            .iter()
            .map(|text| {
                key_from_column(text)
                    .ok_or_else(|| corrupt("leadpool_clients", id, "dedupe column"))
            })
            .collect()
    };
    let (removed, added) = (parse(&removed)?, parse(&added)?);
    let all: Vec<&String> = old.iter().chain(new.iter()).collect();
    let lock = session.statement(KEYS_LOCK).await?;
    session
        .execute(&lock, &[&all, &session.tenant])
        .await
        .map_err(commit_error)?;
    if !removed.is_empty() {
        let (kinds, values) = key_parts(&removed);
        let drop = session.statement(KEYS_DROP).await?;
        session
            .execute(&drop, &[&kinds, &values, &id, &session.tenant])
            .await
            .map_err(commit_error)?;
        let promote = session.statement(KEYS_PROMOTE).await?;
        session
            .execute(&promote, &[&kinds, &values, &session.tenant])
            .await
            .map_err(commit_error)?;
    }
    if !added.is_empty() {
        let (kinds, values) = key_parts(&added);
        let claim = session.statement(KEYS_CLAIM).await?;
        session
            .query(&claim, &[&kinds, &values, &id, &session.tenant])
            .await
            .map_err(commit_error)?;
        let carry = session.statement(KEYS_CARRY).await?;
        session
            .execute(&carry, &[&kinds, &values, &id, &session.tenant])
            .await
            .map_err(commit_error)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    /// How many times `sql` reads or writes one of the adapter's tables.
    fn table_references(sql: &str) -> usize {
        [
            "FROM leadpool_",
            "UPDATE leadpool_",
            "INTO leadpool_",
            "JOIN leadpool_",
        ]
        .iter()
        .map(|verb| sql.matches(verb).count())
        .sum()
    }

    fn names_the_tenant_for_every_table(name: &str, sql: &str) {
        let tables = table_references(sql);
        let tenants = sql.matches("tenant").count();
        assert!(
            tenants >= tables,
            "{name} touches {tables} table(s) but names the tenant {tenants} time(s): {sql}"
        );
    }

    #[test]
    fn every_statement_names_the_tenant_for_every_table_it_touches() {
        let statements = [
            ("EVENTS_READ", EVENTS_READ),
            ("OWNED_BY", OWNED_BY),
            ("PUBLIC_POOL", PUBLIC_POOL),
            ("DUE_READ", DUE_READ),
            ("DUE_LEASE", DUE_LEASE),
            ("CONFIG_SHARE", CONFIG_SHARE),
            ("CONFIG_UPDATE", CONFIG_UPDATE),
            ("CONFIG_VERSION", CONFIG_VERSION),
            ("TENANT_CREATE", TENANT_CREATE),
            ("CLIENT_INSERT", CLIENT_INSERT),
            ("CLIENT_UPDATE", CLIENT_UPDATE),
            ("CLIENT_VERSION", CLIENT_VERSION),
            ("KEYS_CLAIM", KEYS_CLAIM),
            ("KEYS_CARRY", KEYS_CARRY),
            ("KEY_HOLDER", KEY_HOLDER),
            ("KEYS_DROP", KEYS_DROP),
            ("KEYS_PROMOTE", KEYS_PROMOTE),
            ("LEDGER_INSERT", LEDGER_INSERT),
            ("LEDGER_UPDATE", LEDGER_UPDATE),
            ("LEDGER_VERSION", LEDGER_VERSION),
            ("EVENTS_APPEND", EVENTS_APPEND),
            ("LOG_HEAD", LOG_HEAD),
        ];
        for (name, sql) in statements {
            assert!(table_references(sql) > 0, "{name} reads no table");
            names_the_tenant_for_every_table(name, sql);
        }
        // The key locks touch no table; the tenant is part of what they hash.
        assert!(KEYS_LOCK.contains("$2::bigint::text"));
    }

    #[test]
    fn the_load_query_filters_every_part_by_the_tenant() {
        let now = Utc
            .with_ymd_and_hms(2026, 11, 2, 9, 0, 0)
            .single()
            .unwrap_or_default();
        let footprints = [
            Footprint::sweep(now)
                .with_clients([ClientId(1)])
                .with_keys([DedupeKey::Company("acme".into())])
                .with_owned_by([RepId(1)])
                .with_reps([RepId(2)]),
            Footprint::assignment(ClientId(1)),
            Footprint::config(),
        ];
        for footprint in footprints {
            let query = LoadQuery::of(&footprint, 7).expect("a query");
            names_the_tenant_for_every_table("the load", &query.sql);
            // The tenant is the first parameter, compared by every part.
            assert_eq!(
                query.sql.matches("tenant = $1").count(),
                table_references(&query.sql),
                "{}",
                query.sql
            );
        }
    }
}
