//! [`PgStore`]: the store contract v2 over PostgreSQL.

use crate::codec::{
    Params, client_param, dedupe_column, instant_param, key_from_column, key_parts, rep_param,
    to_u64,
};
use crate::error::{PgError, corrupt, pool_error, store_error};
use crate::migrate::{Migrated, migrate};
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

/// The leadpool store in a PostgreSQL database: an [`AsyncStore`] over a
/// [`deadpool_postgres::Pool`]. Cheap to clone (the pool is shared); one per process is
/// enough, and any number of processes may share one database.
///
/// Every method takes a connection from the pool for the length of one transaction:
///
/// - [`load`](AsyncStore::load) reads the whole footprint with one statement in a
///   `REPEATABLE READ, READ ONLY` transaction (pipelined: one round trip).
/// - [`commit`](AsyncStore::commit) runs one `READ COMMITTED` transaction: the configuration
///   row locked `FOR SHARE` (or updated, version-checked, for a new configuration), then each
///   write version-checked (`UPDATE … WHERE id = $1 AND version = $2`; inserts with
///   `ON CONFLICT DO NOTHING`), the dedupe keys of inserted clients claimed in the unique
///   index, and the events appended under the log's counter row, then `COMMIT`.
/// - [`due`](AsyncStore::due) picks due clients `FOR UPDATE SKIP LOCKED` and leases them to
///   this store for [`DEFAULT_SWEEP_LEASE`] of the caller's clock, so that instances sweeping
///   at once split the work; an expired lease is ignored, so none hides a client for good.
#[derive(Clone)]
pub struct PgStore {
    pool: Pool,
    lease_nanos: i64,
    holder: i64,
}

impl std::fmt::Debug for PgStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PgStore")
            .field("pool", &self.pool.status())
            .field("lease_nanos", &self.lease_nanos)
            .field("holder", &self.holder)
            .finish()
    }
}

impl PgStore {
    /// A store over `pool`. Run [`PgStore::migrate`] (or [`migrate`](crate::migrate())) once at
    /// start-up before using it.
    pub fn new(pool: Pool) -> Self {
        Self {
            pool,
            lease_nanos: nanos_of(DEFAULT_SWEEP_LEASE),
            holder: instance_token(),
        }
    }

    /// A store with a pool of [`DEFAULT_POOL_SIZE`] connections to `url`
    /// (`postgres://user:password@host:port/database`, libpq style; add
    /// `?options=-c%20search_path%3Dmyschema` to keep the tables in a schema of their own).
    /// No connection is opened until the first use.
    ///
    /// # Errors
    ///
    /// [`PgError::Config`] when the URL does not parse or the pool cannot be built.
    pub fn connect(url: &str) -> Result<Self, PgError> {
        Self::connect_with(url, DEFAULT_POOL_SIZE)
    }

    /// [`PgStore::connect`] with a pool of `size` connections.
    ///
    /// # Errors
    ///
    /// As [`PgStore::connect`].
    pub fn connect_with(url: &str, size: usize) -> Result<Self, PgError> {
        let config: tokio_postgres::Config = url
            .parse()
            .map_err(|e: tokio_postgres::Error| PgError::Config(e.to_string()))?;
        Self::connect_config(config, size)
    }

    /// A store with a pool of `size` connections made from `config` (set its `options` to
    /// `-c search_path=myschema` to keep the tables in a schema of their own).
    ///
    /// # Errors
    ///
    /// [`PgError::Config`] when the pool cannot be built.
    pub fn connect_config(config: tokio_postgres::Config, size: usize) -> Result<Self, PgError> {
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
        Ok(Self::new(pool))
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
    /// [`migrate`](crate::migrate())).
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

    async fn session(&self) -> Result<Session, StoreError> {
        let conn = self.pool.get().await.map_err(pool_error)?;
        Ok(Session {
            conn: Some(conn),
            in_transaction: false,
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
        let query = LoadQuery::of(footprint)?;
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
        snapshot_of(&rows)
    }

    async fn commit(&self, plan: &Plan) -> Result<u64, StoreError> {
        let encoded = Encoded::of(plan)?;
        let mut session = self.session().await?;
        session.in_transaction = true;
        match commit_in(&session, plan, &encoded).await {
            Ok(Outcome::Committed(head)) => {
                session.in_transaction = false;
                Ok(head)
            }
            Ok(Outcome::RolledBack(error)) => {
                // The COMMIT found the transaction aborted and rolled it back.
                session.in_transaction = false;
                Err(error)
            }
            Err(error) => {
                session.roll_back().await;
                Err(error)
            }
        }
    }

    async fn due(&self, now: DateTime<Utc>, limit: usize) -> Result<Vec<ClientId>, StoreError> {
        let now = instant_param(now);
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let session = self.session().await?;
        let rows = if self.lease_nanos == 0 {
            let statement = session.statement(DUE_READ).await?;
            session.query(&statement, &[&now, &limit]).await
        } else {
            let until = now.saturating_add(self.lease_nanos);
            let statement = session.statement(DUE_LEASE).await?;
            session
                .query(&statement, &[&now, &limit, &self.holder, &until])
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
        let statement = session
            .statement(
                "SELECT seq, event FROM leadpool_events WHERE seq > $1 ORDER BY seq LIMIT $2",
            )
            .await?;
        let rows = session
            .query(&statement, &[&after, &limit])
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
        self.ids(
            "SELECT id FROM leadpool_clients WHERE owner = $1 ORDER BY id",
            &[&rep],
        )
        .await
    }

    async fn public_pool(&self, pool: PoolId) -> Result<Vec<ClientId>, StoreError> {
        let pool =
            i64::try_from(pool.0).map_err(|_| crate::error::out_of_range("pool id", pool))?;
        self.ids(
            "SELECT id FROM leadpool_clients WHERE owner IS NULL AND pool = $1 ORDER BY id",
            &[&pool],
        )
        .await
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

const DUE_READ: &str = "SELECT id, deadline FROM leadpool_clients \
     WHERE deadline <= $1 ORDER BY deadline, id LIMIT $2";

const DUE_LEASE: &str = "WITH picked AS ( \
         SELECT id FROM leadpool_clients \
         WHERE deadline <= $1 \
           AND (sweep_lease_until IS NULL OR sweep_lease_until <= $1 OR sweep_lease_holder = $3) \
         ORDER BY deadline, id \
         LIMIT $2 \
         FOR UPDATE SKIP LOCKED) \
     UPDATE leadpool_clients c SET sweep_lease_until = $4, sweep_lease_holder = $3 \
     FROM picked WHERE c.id = picked.id \
     RETURNING c.id, c.deadline";

/// The one statement that answers a footprint: the configuration, the clients, the ledgers
/// (listed, or all, plus the owners' of the clients), as rows `(part, key, version, doc)`.
struct LoadQuery {
    sql: String,
    params: Params,
}

impl LoadQuery {
    fn of(footprint: &Footprint) -> Result<Self, StoreError> {
        let mut params = Params::default();
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
                "SELECT client_id FROM leadpool_client_keys \
                 WHERE (kind, value) IN (SELECT * FROM unnest({k}::text[], {v}::text[]))"
            ));
        }
        if footprint.all_owned() {
            sources.push("SELECT id FROM leadpool_clients WHERE owner IS NOT NULL".into());
        } else if !footprint.owned_by().is_empty() {
            let reps: Vec<i64> = footprint
                .owned_by()
                .iter()
                .map(|rep| rep_param(*rep))
                .collect::<Result<_, _>>()?;
            sources.push(format!(
                "SELECT id FROM leadpool_clients WHERE owner = ANY({}::bigint[])",
                params.push(reps)
            ));
        }
        if let Some(instant) = footprint.due_by() {
            sources.push(format!(
                "SELECT id FROM leadpool_clients WHERE deadline <= {}::bigint",
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
                   WHERE id IN (SELECT * FROM ids)) \
             SELECT 0::int2 AS part, 0::bigint AS key, version, doc FROM leadpool_config WHERE id = 1 \
             UNION ALL SELECT 1::int2, id, version, doc FROM c \
             UNION ALL SELECT 2::int2, rep, version, doc FROM leadpool_ledgers WHERE {ledgers} \
             ORDER BY part, key",
            sources.join(" UNION ")
        );
        Ok(Self { sql, params })
    }
}

fn snapshot_of(rows: &[Row]) -> Result<Snapshot, StoreError> {
    let mut config = None;
    let mut clients = Vec::new();
    let mut ledgers = Vec::new();
    for row in rows {
        let part: i16 = row.try_get(0).map_err(store_error)?;
        let key: i64 = row.try_get(1).map_err(store_error)?;
        let version: i64 = row.try_get(2).map_err(store_error)?;
        match part {
            0 => {
                let version = to_u64("leadpool_config", 1, version)?;
                if version > 0 {
                    let Json(value) = row
                        .try_get::<_, Json<Config>>(3)
                        .map_err(|e| corrupt("leadpool_config", 1, e))?;
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
}

const CONFIG_SHARE: &str = "SELECT version FROM leadpool_config WHERE id = 1 FOR SHARE";
const CONFIG_UPDATE: &str = "UPDATE leadpool_config SET version = version + 1, doc = $2 \
     WHERE id = 1 AND version = $1 RETURNING version";
const CONFIG_VERSION: &str = "SELECT version FROM leadpool_config WHERE id = 1";
const CLIENT_INSERT: &str = "INSERT INTO leadpool_clients \
     (id, version, owner, pool, deadline, dedupe, doc) VALUES ($1, 1, $2, $3, $4, $5, $6) \
     ON CONFLICT (id) DO NOTHING";
const CLIENT_UPDATE: &str = "UPDATE leadpool_clients c SET version = c.version + 1, \
     owner = $3, pool = $4, deadline = $5, dedupe = $6, doc = $7 \
     WHERE c.id = $1 AND c.version = $2 \
     RETURNING (SELECT o.dedupe FROM leadpool_clients o WHERE o.id = c.id)";
const CLIENT_VERSION: &str = "SELECT version FROM leadpool_clients WHERE id = $1";
const KEYS_CLAIM: &str = "INSERT INTO leadpool_client_keys (kind, value, client_id, holder) \
     SELECT k.kind, k.value, $3, true FROM unnest($1::text[], $2::text[]) AS k(kind, value) \
     ON CONFLICT DO NOTHING RETURNING kind, value";
const KEYS_CARRY: &str = "INSERT INTO leadpool_client_keys (kind, value, client_id, holder) \
     SELECT k.kind, k.value, $3, false FROM unnest($1::text[], $2::text[]) AS k(kind, value) \
     ON CONFLICT DO NOTHING";
const KEY_HOLDER: &str = "SELECT client_id FROM leadpool_client_keys \
     WHERE kind = $1 AND value = $2 AND client_id <> $3 ORDER BY client_id LIMIT 1";
const KEYS_LOCK: &str = "SELECT pg_advisory_xact_lock(h) FROM \
     (SELECT DISTINCT hashtextextended(k, 1985) AS h FROM unnest($1::text[]) AS k ORDER BY 1) s";
const KEYS_DROP: &str = "DELETE FROM leadpool_client_keys \
     WHERE client_id = $3 AND (kind, value) IN (SELECT * FROM unnest($1::text[], $2::text[]))";
const KEYS_PROMOTE: &str = "UPDATE leadpool_client_keys k SET holder = true \
     FROM (SELECT DISTINCT ON (kind, value) kind, value, client_id FROM leadpool_client_keys \
           WHERE (kind, value) IN (SELECT * FROM unnest($1::text[], $2::text[])) \
           ORDER BY kind, value, client_id) p \
     WHERE k.kind = p.kind AND k.value = p.value AND k.client_id = p.client_id \
       AND NOT EXISTS (SELECT 1 FROM leadpool_client_keys h \
                       WHERE h.kind = p.kind AND h.value = p.value AND h.holder)";
const LEDGER_INSERT: &str = "INSERT INTO leadpool_ledgers (rep, version, doc) \
     VALUES ($1, 1, $2) ON CONFLICT (rep) DO NOTHING";
const LEDGER_UPDATE: &str = "UPDATE leadpool_ledgers SET version = version + 1, doc = $3 \
     WHERE rep = $1 AND version = $2";
const LEDGER_VERSION: &str = "SELECT version FROM leadpool_ledgers WHERE rep = $1";
const EVENTS_APPEND: &str = "WITH h AS (UPDATE leadpool_log_head SET head = head + $1 \
         WHERE id = 1 RETURNING head), \
     ins AS (INSERT INTO leadpool_events (seq, event) \
         SELECT h.head - $1 + e.ord, e.event FROM h, \
         unnest($2::jsonb[]) WITH ORDINALITY AS e(event, ord)) \
     SELECT head FROM h";
const LOG_HEAD: &str = "SELECT head FROM leadpool_log_head WHERE id = 1";

/// The statements of one commit. Round trips: `BEGIN` with the configuration check; the
/// writes (pipelined together when the plan inserts nothing, one by one otherwise, since an
/// insert's dedupe keys depend on the writes before it); the events with `COMMIT`.
async fn commit_in(
    session: &Session,
    plan: &Plan,
    encoded: &Encoded,
) -> Result<Outcome, StoreError> {
    // 1. BEGIN, and the configuration: locked FOR SHARE (a policy change waits for this commit,
    //    and this commit for it), or replaced, version-checked.
    let expected = encoded.config_version;
    let (begun, checked) = match plan.new_config() {
        Some(config) => {
            let statement = session.statement(CONFIG_UPDATE).await?;
            let doc = Json(config);
            join(
                session.batch_execute("BEGIN"),
                session.query(&statement, &[&expected, &doc]),
            )
            .await
        }
        None => {
            let statement = session.statement(CONFIG_SHARE).await?;
            join(
                session.batch_execute("BEGIN"),
                session.query(&statement, &[]),
            )
            .await
        }
    };
    begun.map_err(store_error)?;
    let rows = checked.map_err(commit_error)?;
    let found = match (plan.new_config(), rows.first()) {
        (Some(_), Some(_)) => None,
        (Some(_), None) => Some(single_version(session, CONFIG_VERSION, &[]).await?),
        (None, Some(row)) => {
            let version: i64 = row.try_get(0).map_err(store_error)?;
            (version != expected).then_some(version)
        }
        (None, None) => (expected != 0).then_some(0),
    };
    if let Some(found) = found {
        return Err(Conflict::Config {
            expected: plan.config_version(),
            found: to_u64("leadpool_config", 1, found)?,
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
            session.query_one(&statement, &[]),
            session.batch_execute("COMMIT"),
        )
        .await
    } else {
        let statement = session.statement(EVENTS_APPEND).await?;
        let count = i64::try_from(plan.events().len())
            .map_err(|_| crate::error::out_of_range("event count", plan.events().len()))?;
        let events: Vec<Json<&Event>> = plan.events().iter().map(Json).collect();
        join(
            session.query_one(&statement, &[&count, &events]),
            session.batch_execute("COMMIT"),
        )
        .await
    };
    match (head, committed) {
        (Ok(row), Ok(())) => {
            let head: i64 = row.try_get(0).map_err(store_error)?;
            Ok(Outcome::Committed(to_u64("leadpool_log_head", 1, head)?))
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

async fn single_version(
    session: &Session,
    sql: &str,
    params: &[&(dyn ToSql + Sync)],
) -> Result<i64, StoreError> {
    let statement = session.statement(sql).await?;
    let row = session
        .query_opt(&statement, params)
        .await
        .map_err(commit_error)?;
    match row {
        Some(row) => row.try_get(0).map_err(store_error),
        None => Ok(0),
    }
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
                .execute(&insert, &[id, owner, pool, deadline, dedupe, &doc])
                .await
                .map_err(commit_error)?;
            if inserted == 0 {
                let found = single_version(session, CLIENT_VERSION, &[id]).await?;
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
                session.execute(&statement, &[rep, &doc]).await
            } else {
                let statement = session.statement(LEDGER_UPDATE).await?;
                session.execute(&statement, &[rep, exp, &doc]).await
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
                        &[id, expected, owner, pool, deadline, dedupe, doc],
                    )
                    .await
                    .map(Done::Rows),
                (_, EncodedWrite::Ledger { rep, expected: 0 }, Doc::Ledger(doc)) => session
                    .execute(statement, &[rep, doc])
                    .await
                    .map(Done::Count),
                (_, EncodedWrite::Ledger { rep, expected }, Doc::Ledger(doc)) => session
                    .execute(statement, &[rep, expected, doc])
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
            &[id, expected, owner, pool, deadline, dedupe, &doc],
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
            let found = single_version(session, CLIENT_VERSION, &[&key]).await?;
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
    let found = single_version(session, LEDGER_VERSION, &[&key]).await?;
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
        .query(&statement, &[&kinds, &values, &id])
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
            .query_opt(&statement, &[kind, value, &id])
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
        .execute(&lock, &[&all])
        .await
        .map_err(commit_error)?;
    if !removed.is_empty() {
        let (kinds, values) = key_parts(&removed);
        let drop = session.statement(KEYS_DROP).await?;
        session
            .execute(&drop, &[&kinds, &values, &id])
            .await
            .map_err(commit_error)?;
        let promote = session.statement(KEYS_PROMOTE).await?;
        session
            .execute(&promote, &[&kinds, &values])
            .await
            .map_err(commit_error)?;
    }
    if !added.is_empty() {
        let (kinds, values) = key_parts(&added);
        let claim = session.statement(KEYS_CLAIM).await?;
        session
            .query(&claim, &[&kinds, &values, &id])
            .await
            .map_err(commit_error)?;
        let carry = session.statement(KEYS_CARRY).await?;
        session
            .execute(&carry, &[&kinds, &values, &id])
            .await
            .map_err(commit_error)?;
    }
    Ok(())
}
