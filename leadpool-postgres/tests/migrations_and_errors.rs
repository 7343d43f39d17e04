//! Migrations applied twice and concurrently, an edited migration noticed, and PostgreSQL's
//! errors sorted into the store contract's kinds: serialization failures and deadlocks are
//! retryable (and the pool's retry loop gets past them), a dead server is unavailable, a
//! corrupt row is a typed error.

mod common;

use chrono::{TimeZone, Utc};
use common::{TENANT, config_in, create_schema, database_url, fresh_store, runtime, schema_name};
use leadpool::StoreError;
use leadpool::allocate::Team;
use leadpool::clock::ManualClock;
use leadpool::ids::{ClientId, RepId};
use leadpool::model::{Client, Rep, Source};
use leadpool::pool::Actor;
use leadpool::pool::{AsyncPool, Command, Config, PoolError, PoolPolicy};
use leadpool::store::AsyncStore;
use leadpool::txn::{Footprint, Plan, Retry};
use leadpool_postgres::{PgError, PgStore, store_error};
use tokio_postgres::NoTls;

async fn connect(url: &str, schema: &str) -> tokio_postgres::Client {
    let (client, connection) = config_in(url, schema)
        .connect(NoTls)
        .await
        .expect("connect");
    tokio::spawn(connection);
    client
}

#[test]
fn migrations_apply_once_whether_run_twice_or_by_many_instances_at_once() {
    let Some(url) = database_url("migrations") else {
        return;
    };
    runtime().block_on(async {
        let schema = schema_name("mig");
        create_schema(&url, &schema).await;
        let store = PgStore::connect_config(config_in(&url, &schema), 2, TENANT).expect("a pool");
        let first = store.migrate().await.expect("first migration");
        assert_eq!(first.applied, vec![1, 2]);
        assert_eq!(first.version, 2);
        let again = store.migrate().await.expect("second migration");
        assert!(again.applied.is_empty());
        assert_eq!(again.version, 2);

        // Eight instances starting at once on an empty schema: one migrates, the others wait
        // on the advisory lock and find nothing to do.
        let schema = schema_name("migrace");
        create_schema(&url, &schema).await;
        let racers: Vec<_> = (0..8)
            .map(|_| {
                let config = config_in(&url, &schema);
                tokio::spawn(async move {
                    let store = PgStore::connect_config(config, 1, TENANT).expect("a pool");
                    store.migrate().await
                })
            })
            .collect();
        let mut applied = Vec::new();
        for racer in racers {
            let done = racer
                .await
                .expect("a task")
                .expect("a concurrent migration");
            applied.extend(done.applied);
        }
        assert_eq!(
            applied,
            vec![1, 2],
            "exactly one instance applied the migrations"
        );
        let client = connect(&url, &schema).await;
        let rows = client
            .query(
                "SELECT version FROM leadpool_migrations ORDER BY version",
                &[],
            )
            .await
            .expect("the migrations table");
        assert_eq!(rows.len(), 2);

        // An edited migration is noticed, not silently skipped.
        client
            .execute("UPDATE leadpool_migrations SET checksum = 'edited'", &[])
            .await
            .expect("tamper");
        let store = PgStore::connect_config(config_in(&url, &schema), 1, TENANT).expect("a pool");
        match store.migrate().await {
            Err(PgError::MigrationChanged { version: 1, .. }) => {}
            other => panic!("expected MigrationChanged, got {other:?}"),
        }
    });
}

#[test]
fn serialization_failures_and_deadlocks_are_retryable_errors() {
    let Some(url) = database_url("sqlstate") else {
        return;
    };
    runtime().block_on(async {
        let schema = schema_name("sqlstate");
        create_schema(&url, &schema).await;
        let a = connect(&url, &schema).await;
        let b = connect(&url, &schema).await;
        a.batch_execute(
            "CREATE TABLE t (id int PRIMARY KEY, n int); INSERT INTO t VALUES (1, 0), (2, 0)",
        )
        .await
        .expect("a table");

        // 40001: a REPEATABLE READ transaction updates a row changed since its snapshot.
        a.batch_execute("BEGIN ISOLATION LEVEL REPEATABLE READ; SELECT * FROM t")
            .await
            .expect("begin");
        b.execute("UPDATE t SET n = n + 1 WHERE id = 1", &[])
            .await
            .expect("concurrent update");
        let error = a
            .execute("UPDATE t SET n = n + 1 WHERE id = 1", &[])
            .await
            .expect_err("a serialization failure");
        assert_eq!(error.code().map(|c| c.code()), Some("40001"));
        let mapped = store_error(error);
        assert!(
            matches!(
                mapped,
                StoreError::Backend {
                    retryable: true,
                    ..
                }
            ),
            "{mapped:?}"
        );
        a.batch_execute("ROLLBACK").await.expect("rollback");

        // 40P01: two transactions lock two rows in opposite orders.
        a.batch_execute("BEGIN; UPDATE t SET n = 1 WHERE id = 1")
            .await
            .expect("a locks 1");
        b.batch_execute("BEGIN; UPDATE t SET n = 1 WHERE id = 2")
            .await
            .expect("b locks 2");
        let (ra, rb) = tokio::join!(
            a.execute("UPDATE t SET n = 2 WHERE id = 2", &[]),
            b.execute("UPDATE t SET n = 2 WHERE id = 1", &[]),
        );
        let error = match (ra, rb) {
            (Err(e), Ok(_)) | (Ok(_), Err(e)) => e,
            other => panic!("expected one deadlock victim, got {other:?}"),
        };
        assert_eq!(error.code().map(|c| c.code()), Some("40P01"));
        let mapped = store_error(error);
        assert!(mapped.is_retryable() && !mapped.is_conflict(), "{mapped:?}");
        let _ = a.batch_execute("ROLLBACK").await;
        let _ = b.batch_execute("ROLLBACK").await;
    });
}

fn install_config() -> Config {
    let team = Team::new([Rep::new(RepId(1), "Li"), Rep::new(RepId(2), "Wang")]);
    Config::new(team, PoolPolicy::default()).expect("a configuration")
}

#[test]
fn a_commit_aborted_by_the_server_is_retryable_and_the_pool_retries_it() {
    let Some(url) = database_url("retry") else {
        return;
    };
    runtime().block_on(async {
        let (store, schema) = fresh_store(&url, "retry", 2).await;
        let now = Utc
            .with_ymd_and_hms(2026, 11, 2, 9, 0, 0)
            .single()
            .unwrap_or_default();
        let pool =
            AsyncPool::new(store.clone(), ManualClock::new(now)).with_retry(Retry::immediate(5));
        assert!(pool.install(install_config()).await.expect("install"));
        pool.import(
            Actor::System,
            Client::new(ClientId(1), "ACME", Source::Website, now),
        )
        .await
        .expect("import");
        // The server aborts the next commits that write a ledger: twice with a serialization
        // failure, then once with a deadlock, as a busy PostgreSQL would.
        let admin = connect(&url, &schema).await;
        admin
            .batch_execute(
                "CREATE SEQUENCE aborts;
                 CREATE FUNCTION abort_some() RETURNS trigger LANGUAGE plpgsql AS $$
                 DECLARE n bigint := nextval('aborts');
                 BEGIN
                     IF n <= 2 THEN
                         RAISE EXCEPTION 'injected' USING ERRCODE = 'serialization_failure';
                     ELSIF n = 3 THEN
                         RAISE EXCEPTION 'injected' USING ERRCODE = 'deadlock_detected';
                     END IF;
                     RETURN NEW;
                 END $$;
                 CREATE TRIGGER abort_some BEFORE INSERT OR UPDATE ON leadpool_ledgers
                     FOR EACH ROW EXECUTE FUNCTION abort_some();",
            )
            .await
            .expect("the trigger");

        // The store reports the abort as retryable and writes nothing.
        let claim = leadpool::pool::Command::Claim {
            client: ClientId(1),
            rep: RepId(1),
        };
        let snapshot = store.load(&Footprint::of(&claim)).await.expect("load");
        let plan = Plan::decide(&snapshot, Actor::Rep(RepId(1)), claim, now).expect("a plan");
        let error = store.commit(&plan).await.expect_err("an injected abort");
        assert!(
            matches!(
                error,
                StoreError::Backend {
                    retryable: true,
                    ..
                }
            ),
            "{error:?}"
        );
        let head = store.events(0, usize::MAX).await.expect("events").len();

        // The pool retries through the second serialization failure and the deadlock.
        let events = pool
            .claim(ClientId(1), RepId(1))
            .await
            .expect("claimed after retries");
        assert_eq!(events.len(), 1);
        let attempts: i64 = admin
            .query_one("SELECT last_value FROM aborts", &[])
            .await
            .expect("the sequence")
            .get(0);
        assert_eq!(
            attempts, 4,
            "three aborted commits, then one that went through"
        );
        let log = store.events(0, usize::MAX).await.expect("events");
        assert_eq!(log.len(), head + 1, "one event for the one committed claim");
        assert_eq!(
            pool.client(ClientId(1))
                .await
                .expect("the client")
                .value
                .owner(),
            Some(RepId(1))
        );

        // With fewer attempts than aborts, the pool gives up with the last error.
        admin
            .batch_execute("ALTER SEQUENCE aborts RESTART WITH 1")
            .await
            .expect("restart");
        let impatient =
            AsyncPool::new(store.clone(), ManualClock::new(now)).with_retry(Retry::immediate(2));
        let release = Command::Release {
            client: ClientId(1),
            rep: RepId(1),
            note: "wrong region".into(),
        };
        match impatient.execute(Actor::Rep(RepId(1)), release).await {
            Err(PoolError::Contention { attempts: 2, last }) => assert!(last.is_retryable()),
            other => panic!("expected contention, got {other:?}"),
        }
    });
}

#[test]
fn an_unreachable_server_is_unavailable_and_a_corrupt_row_is_a_typed_error() {
    let Some(url) = database_url("errors") else {
        return;
    };
    runtime().block_on(async {
        // Port 1 on the loopback: nobody listens there.
        let dead =
            PgStore::connect("postgres://postgres@127.0.0.1:1/postgres", TENANT).expect("a pool");
        match dead.load(&Footprint::config()).await {
            Err(error @ StoreError::Unavailable { .. }) => assert!(error.is_retryable()),
            other => panic!("expected Unavailable, got {other:?}"),
        }

        let (store, schema) = fresh_store(&url, "corrupt", 1).await;
        let admin = connect(&url, &schema).await;
        admin
            .batch_execute(
                "INSERT INTO leadpool_clients (tenant, id, version, pool, dedupe, doc)
                 VALUES (42, 7, 1, 0, '{}', '{\"not\": \"a client\"}')",
            )
            .await
            .expect("a corrupt row");
        let error = store
            .load(&Footprint::client(ClientId(7)))
            .await
            .expect_err("a corrupt row is an error, not a panic");
        let StoreError::Backend {
            source,
            retryable: false,
        } = &error
        else {
            panic!("expected a permanent backend error, got {error:?}");
        };
        assert!(
            matches!(
                source.downcast_ref::<PgError>(),
                Some(PgError::CorruptRow {
                    table: "leadpool_clients",
                    ..
                })
            ),
            "{error}"
        );
        // The log is append-only.
        let refused = admin
            .batch_execute(
                "INSERT INTO leadpool_events (tenant, seq, event) VALUES (42, 1, '{}');
                 DELETE FROM leadpool_events",
            )
            .await;
        assert!(refused.is_err(), "deleting from the log is refused");
    });
}
