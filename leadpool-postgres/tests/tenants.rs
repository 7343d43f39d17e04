//! Many tenants in one set of tables: no operation of one tenant reads or changes another's
//! rows, dedupe keys and log positions are per tenant, tenants' commits do not wait for one
//! another, and a database of schema version 1 moves to the default tenant and keeps working.

mod common;

use chrono::Duration;
use common::{
    COMPANIES, TABLES, admin_client, company_of, count_rows, create_schema, database_url,
    fresh_store, history, history_config, runtime, schema_name, t0, tenant_rows,
};
use leadpool::StoreError;
use leadpool::clock::ManualClock;
use leadpool::ids::{ClientId, PoolId, RepId};
use leadpool::model::{Client, DedupeKey, DedupeKeys, Source};
use leadpool::pool::Actor;
use leadpool::pool::{AsyncPool, Command, Event, PoolPolicy};
use leadpool::store::{AsyncStore, Recorded};
use leadpool::txn::{Footprint, Plan, Snapshot};
use leadpool_postgres::{MIGRATIONS, PgStore, TenantId};
use std::collections::BTreeSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

const A: TenantId = TenantId(1);
const B: TenantId = TenantId(2);

fn company(name: &str) -> DedupeKey {
    DedupeKey::Company(name.into())
}

/// Everything a load can read of a tenant: clients 1 to 10 by id, every company by key, the
/// clients of every rep, every client due by a week later, every ledger.
fn everything() -> Footprint {
    Footprint::sweep(t0() + Duration::days(7))
        .with_clients((1..=10).map(ClientId))
        .with_keys(COMPANIES.map(company))
        .with_owned_by((1..=3).map(RepId))
        .with_reps((1..=3).map(RepId))
}

fn names(snapshot: &Snapshot) -> Vec<String> {
    snapshot
        .clients()
        .map(|c| c.value.name().to_owned())
        .collect()
}

#[test]
fn no_operation_of_one_tenant_reads_or_changes_another_tenants_rows() {
    let Some(url) = database_url("tenant_isolation") else {
        return;
    };
    runtime().block_on(async {
        let (store, schema) = fresh_store(&url, "isolation", 4).await;
        let a = store
            .for_tenant(A)
            .with_sweep_lease(std::time::Duration::from_secs(60));
        assert_eq!(a.tenant(), A);
        // Tenant B through a store of its own (another lease holder, as another instance).
        let b = PgStore::connect_config(common::config_in(&url, &schema), 2, B).expect("a pool");
        let admin = admin_client(&url, &schema).await;

        // The same ids, reps and keys in both tenants; B hands the companies out the other
        // way round, so that one key is held by different ids in the two.
        history(&a, "A", false).await;
        history(&b, "B", true).await;
        let before = tenant_rows(&admin, B).await;
        let unchanged = |what: &'static str| {
            let (admin, before) = (&admin, &before);
            async move {
                assert_eq!(
                    &tenant_rows(admin, B).await,
                    before,
                    "{what} in tenant A changed a row of tenant B"
                );
            }
        };

        // Load: only A's clients, ledgers and configuration, by id, key, owner and due date.
        let snapshot = a.load(&everything()).await.expect("load");
        assert_eq!(
            names(&snapshot),
            (1..=6).map(|i| format!("A {i}")).collect::<Vec<_>>()
        );
        for id in 1..=6 {
            let keys = snapshot
                .client(ClientId(id))
                .expect("a client")
                .value
                .keys();
            assert_eq!(keys.company.as_deref(), Some(company_of(id, false)));
        }
        let reps: Vec<u64> = snapshot.ledgers().map(|l| l.value.rep().0).collect();
        assert_eq!(reps, vec![1, 2]);
        assert_eq!(snapshot.config().map(|c| c.version), Some(1));
        let by_key = a
            .load(&Footprint::config().with_keys([company("umbrella")]))
            .await
            .expect("load by key");
        assert_eq!(names(&by_key), vec!["A 6"], "A's holder, not B's client 1");
        unchanged("a load").await;

        // Listings: A's own.
        let pool = AsyncPool::new(a.clone(), ManualClock::new(t0()));
        let b_pool = AsyncPool::new(b.clone(), ManualClock::new(t0()));
        b_pool
            .claim(ClientId(5), RepId(3))
            .await
            .expect("B claims client 5");
        let before = tenant_rows(&admin, B).await;
        let unchanged = |what: &'static str| {
            let (admin, before) = (&admin, &before);
            async move {
                assert_eq!(
                    &tenant_rows(admin, B).await,
                    before,
                    "{what} in tenant A changed a row of tenant B"
                );
            }
        };
        assert_eq!(a.owned_by(RepId(3)).await.expect("owned"), vec![]);
        assert_eq!(
            b.owned_by(RepId(3)).await.expect("owned"),
            vec![ClientId(5)]
        );
        assert_eq!(
            a.public_pool(PoolId::DEFAULT).await.expect("public"),
            vec![ClientId(4), ClientId(5), ClientId(6)]
        );
        assert_eq!(
            b.public_pool(PoolId::DEFAULT).await.expect("public"),
            vec![ClientId(4), ClientId(6)]
        );
        unchanged("a listing").await;

        // Import: a company B holds is new to A; a company A holds is a duplicate of A's.
        let events = pool
            .import(
                Actor::System,
                Client::new(ClientId(7), "A 7", Source::Website, t0()).with_keys(DedupeKeys {
                    company: Some("b only".into()),
                    ..DedupeKeys::default()
                }),
            )
            .await
            .expect("import");
        assert!(matches!(events.as_slice(), [Event::Imported { .. }]));
        unchanged("an import").await;
        let events = pool
            .import(
                Actor::System,
                Client::new(ClientId(8), "A 8", Source::Website, t0()).with_keys(DedupeKeys {
                    company: Some("umbrella".into()),
                    ..DedupeKeys::default()
                }),
            )
            .await
            .expect("a reported duplicate");
        match events.as_slice() {
            [Event::DuplicateReported { existing, .. }] => assert_eq!(*existing, ClientId(6)),
            other => panic!("expected a duplicate of A's client 6, got {other:?}"),
        }
        unchanged("a duplicate import").await;

        // Claim: client 5 is public in A although B's client 5 is owned.
        pool.claim(ClientId(5), RepId(2)).await.expect("A claims 5");
        assert_eq!(
            a.owned_by(RepId(2)).await.expect("owned"),
            vec![ClientId(3), ClientId(5)]
        );
        assert_eq!(
            b.owned_by(RepId(2)).await.expect("owned"),
            vec![ClientId(3)]
        );
        unchanged("a claim").await;

        // Policy change.
        let policy = PoolPolicy {
            private_cap: Some(4),
            ..history_config().policy().clone()
        };
        pool.execute(
            Actor::Admin(RepId(900)),
            Command::ChangePolicy {
                policy: Box::new(policy.clone()),
            },
        )
        .await
        .expect("a policy change");
        assert_eq!(pool.config().await.expect("config").version, 2);
        assert_eq!(b_pool.config().await.expect("config").version, 1);
        assert_eq!(
            b_pool.config().await.expect("config").value.policy(),
            history_config().policy()
        );
        unchanged("a policy change").await;

        // Due and leases: A's leases cover A's due clients only (1, 2, 3 and the 5 it just
        // claimed); B's due clients (1, 2, 3 and its own 5) are B's to lease.
        let later = t0() + Duration::days(2) + Duration::minutes(10);
        let due_ids = [1, 2, 3, 5].map(ClientId).to_vec();
        let due = a.due(later, 10).await.expect("due");
        assert_eq!(due, due_ids);
        unchanged("a leasing due").await;
        let leased_in_a: i64 = admin
            .query_one(
                "SELECT count(*) FROM leadpool_clients WHERE tenant = $1 \
                 AND sweep_lease_until IS NOT NULL",
                &[&A.0],
            )
            .await
            .expect("count")
            .get(0);
        assert_eq!(leased_in_a, 4);
        assert_eq!(
            b.due(later, 10).await.expect("B's due"),
            due_ids,
            "B's due clients are not leased by A"
        );
        let before = tenant_rows(&admin, B).await;
        let unchanged = |what: &'static str| {
            let (admin, before) = (&admin, &before);
            async move {
                assert_eq!(
                    &tenant_rows(admin, B).await,
                    before,
                    "{what} in tenant A changed a row of tenant B"
                );
            }
        };

        // Sweep: releases (two days after the claims) of A's clients only.
        let sweeper = AsyncPool::new(a.clone(), ManualClock::new(later));
        let report = sweeper.sweep().await.expect("a sweep");
        assert!(report.skipped.is_empty(), "{:?}", report.skipped);
        let swept: BTreeSet<ClientId> = report
            .events
            .iter()
            .filter_map(|e| match e {
                Event::Reminded { client, .. } | Event::Released { client, .. } => Some(*client),
                _ => None,
            })
            .collect();
        assert_eq!(report.events.len(), due_ids.len(), "{:?}", report.events);
        assert_eq!(
            swept,
            due_ids.iter().copied().collect(),
            "{:?}",
            report.events
        );
        unchanged("a sweep").await;

        // Events: A's log only, from 1.
        let log = a.events(0, usize::MAX).await.expect("events");
        for (i, r) in log.iter().enumerate() {
            assert_eq!(r.seq, i as u64 + 1);
        }
        let imported: Vec<String> = log
            .iter()
            .filter_map(|r| match &r.event {
                Event::Imported { client, .. } => Some(client.name().to_owned()),
                _ => None,
            })
            .collect();
        assert_eq!(imported, ["A 1", "A 2", "A 3", "A 4", "A 5", "A 6", "A 7"]);
        assert!(log.iter().all(|r| !matches!(
            &r.event,
            Event::OwnerChanged { client, to, .. } if *client == ClientId(5) && *to == RepId(3)
        )));
        let b_log = b.events(0, usize::MAX).await.expect("events");
        assert!(
            b_log
                .iter()
                .all(|r| !matches!(r.event, Event::Reminded { .. } | Event::Released { .. }))
        );
        assert_eq!(
            b_log.len() as i64,
            count_rows(&admin, "leadpool_events", B).await
        );
        unchanged("reading events").await;

        // And the other way round: B's reads never saw A's writes.
        let b_snapshot = b.load(&everything()).await.expect("load");
        assert_eq!(
            names(&b_snapshot),
            (1..=6).map(|i| format!("B {i}")).collect::<Vec<_>>()
        );
        assert_eq!(
            b_snapshot.client(ClientId(5)).expect("5").value.owner(),
            Some(RepId(3))
        );
        assert!(b_snapshot.client(ClientId(7)).is_none());
    });
}

#[test]
fn dedupe_keys_are_unique_per_tenant_not_across_tenants() {
    let Some(url) = database_url("tenant_dedupe") else {
        return;
    };
    runtime().block_on(async {
        let (store, _schema) = fresh_store(&url, "dedupe", 4).await;
        let pools: Vec<_> = [A, B]
            .map(|t| Arc::new(AsyncPool::new(store.for_tenant(t), ManualClock::new(t0()))))
            .into();
        for pool in &pools {
            assert!(pool.install(history_config()).await.expect("install"));
        }
        let globex = |id: u64| {
            Client::new(ClientId(id), format!("Globex {id}"), Source::Website, t0()).with_keys(
                DedupeKeys {
                    company: Some("globex".into()),
                    phone: Some("8613800138000".into()),
                    ..DedupeKeys::default()
                },
            )
        };
        // The same company, at once, in both tenants: both imported.
        let (ra, rb) = tokio::join!(pools[0].import(Actor::System, globex(10)), pools[1].import(Actor::System, globex(10)));
        for events in [ra.expect("A imports"), rb.expect("B imports")] {
            assert!(
                matches!(events.as_slice(), [Event::Imported { client, .. }] if client.id() == ClientId(10)),
                "{events:?}"
            );
        }
        // Again in A, under another id: a duplicate of A's client; B's holder is B's.
        for (pool, existing) in [(&pools[0], 10), (&pools[1], 10)] {
            let events = pool.import(Actor::System, globex(11)).await.expect("a reported duplicate");
            match events.as_slice() {
                [Event::DuplicateReported { existing: e, incoming, .. }] => {
                    assert_eq!((*e, *incoming), (ClientId(existing), ClientId(11)));
                }
                other => panic!("expected a duplicate, got {other:?}"),
            }
        }
        // A company only B has is new to A, under the id B gave it.
        pools[1]
            .import(Actor::System, Client::new(ClientId(20), "Hooli", Source::Website, t0()).with_keys(
                DedupeKeys {
                    company: Some("hooli".into()),
                    ..DedupeKeys::default()
                },
            ))
            .await
            .expect("B imports Hooli");
        let events = pools[0]
            .import(Actor::System, Client::new(ClientId(20), "Hooli", Source::Website, t0()).with_keys(
                DedupeKeys {
                    company: Some("hooli".into()),
                    ..DedupeKeys::default()
                },
            ))
            .await
            .expect("A imports Hooli");
        assert!(matches!(events.as_slice(), [Event::Imported { .. }]), "{events:?}");

        // Each tenant: clients 10 and 20, one holder per key.
        for pool in &pools {
            let snapshot = pool
                .store()
                .load(
                    &Footprint::config().with_keys([
                        company("globex"),
                        DedupeKey::Phone("8613800138000".into()),
                        company("hooli"),
                    ]),
                )
                .await
                .expect("load");
            let ids: Vec<ClientId> = snapshot.clients().map(|c| c.value.id()).collect();
            assert_eq!(ids, vec![ClientId(10), ClientId(20)]);
        }

        // In the store itself: an insert of a held key is refused, naming the holder of its
        // own tenant (A's client 6, not B's lower 5), and an insert of a key only the other
        // tenant holds goes through.
        let initech = |id: u64| {
            Client::new(ClientId(id), "Initech", Source::Website, t0()).with_keys(DedupeKeys {
                company: Some("initech".into()),
                ..DedupeKeys::default()
            })
        };
        pools[1].import(Actor::System, initech(5)).await.expect("B imports Initech");
        let a = pools[0].store();
        let commit_import = |client: Client| async move {
            // Decided without reading the key, so that the store itself must refuse it.
            let id = client.id();
            let import = Command::Import {
                client: Box::new(client),
            };
            let snapshot = a.load(&Footprint::client(id)).await.expect("load");
            let plan = Plan::decide(&snapshot, Actor::System, import, t0()).expect("a plan");
            a.commit(&plan).await
        };
        commit_import(initech(6)).await.expect("A's first Initech");
        match commit_import(initech(12)).await {
            Err(StoreError::Conflict(conflict)) => {
                let text = format!("{conflict:?}");
                assert!(
                    text.contains("DuplicateKey") && text.contains("holder: ClientId(6)"),
                    "{text}"
                );
            }
            other => panic!("expected a duplicate-key conflict, got {other:?}"),
        }
    });
}

#[test]
fn event_positions_are_gap_free_from_one_in_every_tenant() {
    let Some(url) = database_url("tenant_positions") else {
        return;
    };
    runtime().block_on(async {
        let (store, _schema) = fresh_store(&url, "positions", 8).await;
        let tenants = [TenantId(1), TenantId(2), TenantId(3)];
        // Three tenants, two tasks each, importing and claiming at once.
        let mut tasks = Vec::new();
        for (k, tenant) in tenants.into_iter().enumerate() {
            let pool = Arc::new(
                AsyncPool::new(store.for_tenant(tenant), ManualClock::new(t0()))
                    .with_sleep(|d| Box::pin(tokio::time::sleep(d)))
                    .with_jitter_seed(k as u64),
            );
            assert!(pool.install(history_config()).await.expect("install"));
            let installed = pool.events(0, usize::MAX).await.expect("events").len();
            assert!(installed > 0);
            for task in 0..2u64 {
                let pool = pool.clone();
                tasks.push(tokio::spawn(async move {
                    let mut events = 0;
                    for n in 0..10u64 {
                        let id = ClientId(1 + task * 100 + n);
                        let client = Client::new(id, "lead", Source::Website, t0());
                        events += pool
                            .import(Actor::System, client)
                            .await
                            .expect("import")
                            .len();
                        let rep = RepId(1 + (n + task) % 3);
                        events += pool.claim(id, rep).await.expect("claim").len();
                    }
                    (tenant, installed, events)
                }));
            }
        }
        let mut told = std::collections::BTreeMap::<TenantId, (usize, usize)>::new();
        for task in tasks {
            let (tenant, installed, events) = task.await.expect("a task");
            let entry = told.entry(tenant).or_default();
            *entry = (installed, entry.1 + events);
        }
        for tenant in tenants {
            let log = store
                .for_tenant(tenant)
                .events(0, usize::MAX)
                .await
                .expect("events");
            // The install's events, then 20 imports and 20 claims, one event each.
            let (installed, events) = told[&tenant];
            assert_eq!(events, 40, "{tenant}");
            let total = (installed + events) as u64;
            let positions: Vec<u64> = log.iter().map(|r| r.seq).collect();
            assert_eq!(positions, (1..=total).collect::<Vec<u64>>(), "{tenant}");
            // Paging from the middle reads on from there, in the tenant.
            let tail = store
                .for_tenant(tenant)
                .events(total - 1, 10)
                .await
                .expect("events");
            assert_eq!(tail.iter().map(|r| r.seq).collect::<Vec<_>>(), vec![total]);
        }
        // A tenant that never committed has an empty log.
        let none = store
            .for_tenant(TenantId(99))
            .events(0, 10)
            .await
            .expect("events");
        assert!(none.is_empty());
    });
}

/// Counts the commits the store refused (conflicts and retryable aborts alike).
struct Counting {
    inner: PgStore,
    refused: Arc<AtomicU64>,
}

impl AsyncStore for Counting {
    async fn load(&self, footprint: &Footprint) -> Result<Snapshot, StoreError> {
        self.inner.load(footprint).await
    }
    async fn commit(&self, plan: &Plan) -> Result<u64, StoreError> {
        let outcome = self.inner.commit(plan).await;
        if outcome.is_err() {
            self.refused.fetch_add(1, Ordering::Relaxed);
        }
        outcome
    }
    async fn due(
        &self,
        now: chrono::DateTime<chrono::Utc>,
        limit: usize,
    ) -> Result<Vec<ClientId>, StoreError> {
        self.inner.due(now, limit).await
    }
    async fn events(&self, after: u64, limit: usize) -> Result<Vec<Recorded>, StoreError> {
        self.inner.events(after, limit).await
    }
    async fn owned_by(&self, rep: RepId) -> Result<Vec<ClientId>, StoreError> {
        self.inner.owned_by(rep).await
    }
    async fn public_pool(&self, pool: PoolId) -> Result<Vec<ClientId>, StoreError> {
        self.inner.public_pool(pool).await
    }
}

#[test]
fn commits_of_two_tenants_neither_conflict_nor_wait_for_each_other() {
    let Some(url) = database_url("tenant_concurrency") else {
        return;
    };
    runtime().block_on(async {
        let (store, schema) = fresh_store(&url, "concurrency", 8).await;
        let clock = ManualClock::new(t0());
        const CLIENTS: u64 = 40;
        for tenant in [A, B] {
            let pool = AsyncPool::new(store.for_tenant(tenant), clock.clone());
            assert!(pool.install(history_config()).await.expect("install"));
            // Clients 1 to 80 for the claims, 81 for the locked part.
            for id in 1..=2 * CLIENTS + 1 {
                pool.import(
                    Actor::System,
                    Client::new(ClientId(id), "lead", Source::Website, t0()),
                )
                .await
                .expect("import");
            }
        }

        // 1. Claims of the same client ids by the same reps in both tenants at once (two
        //    tasks per tenant, each with a rep and clients of its own): no commit refused.
        let refused = Arc::new(AtomicU64::new(0));
        let mut tasks = Vec::new();
        for tenant in [A, B] {
            let pool = Arc::new(
                AsyncPool::new(
                    Counting {
                        inner: store.for_tenant(tenant),
                        refused: refused.clone(),
                    },
                    clock.clone(),
                )
                .with_sleep(|d| Box::pin(tokio::time::sleep(d))),
            );
            for task in 0..2u64 {
                let pool = pool.clone();
                tasks.push(tokio::spawn(async move {
                    let rep = RepId(1 + task);
                    for n in 1..=CLIENTS {
                        let id = ClientId(task * CLIENTS + n);
                        pool.claim(id, rep).await.expect("a claim");
                    }
                }));
            }
        }
        for task in tasks {
            task.await.expect("a task");
        }
        assert_eq!(
            refused.load(Ordering::Relaxed),
            0,
            "commits refused while two tenants claimed the same ids"
        );
        for tenant in [A, B] {
            let tenant_store = store.for_tenant(tenant);
            for rep in [1, 2] {
                let owned = tenant_store.owned_by(RepId(rep)).await.expect("owned");
                let expected: Vec<ClientId> = ((rep - 1) * CLIENTS + 1..=rep * CLIENTS)
                    .map(ClientId)
                    .collect();
                assert_eq!(owned, expected, "{tenant} rep {rep}");
            }
        }

        // 2. With B's configuration and log counter locked by another transaction, A's
        //    commits (a claim, a policy change) go through; B's claim waits for the lock.
        let locker = admin_client(&url, &schema).await;
        locker
            .batch_execute(&format!(
                "BEGIN; \
                 SELECT 1 FROM leadpool_config WHERE tenant = {b} FOR UPDATE; \
                 SELECT 1 FROM leadpool_log_head WHERE tenant = {b} FOR UPDATE;",
                b = B.0
            ))
            .await
            .expect("lock B's rows");
        let a_pool = AsyncPool::new(store.for_tenant(A), clock.clone());
        let b_pool = Arc::new(AsyncPool::new(store.for_tenant(B), clock.clone()));
        let blocked = {
            let b_pool = b_pool.clone();
            tokio::spawn(async move { b_pool.claim(ClientId(2 * CLIENTS + 1), RepId(3)).await })
        };
        let a_done = tokio::time::timeout(std::time::Duration::from_secs(20), async {
            a_pool
                .claim(ClientId(2 * CLIENTS + 1), RepId(3))
                .await
                .expect("A's claim");
            a_pool
                .execute(
                    Actor::Admin(RepId(900)),
                    Command::ChangePolicy {
                        policy: Box::new(PoolPolicy {
                            private_cap: Some(100),
                            ..history_config().policy().clone()
                        }),
                    },
                )
                .await
                .expect("A's policy change");
        })
        .await;
        assert!(a_done.is_ok(), "A's commits waited for B's locked rows");
        assert!(
            !blocked.is_finished(),
            "B's claim went through B's locked rows"
        );
        locker.batch_execute("ROLLBACK").await.expect("unlock");
        let b_events = blocked
            .await
            .expect("a task")
            .expect("B's claim, once unlocked");
        assert_eq!(b_events.len(), 1);
        assert_eq!(
            store.for_tenant(A).owned_by(RepId(3)).await.expect("owned"),
            vec![ClientId(2 * CLIENTS + 1)]
        );
        assert_eq!(
            store.for_tenant(B).owned_by(RepId(3)).await.expect("owned"),
            vec![ClientId(2 * CLIENTS + 1)]
        );
    });
}

#[test]
fn a_database_of_version_1_moves_to_the_default_tenant_and_keeps_working() {
    let Some(url) = database_url("tenant_migration") else {
        return;
    };
    runtime().block_on(async {
        // A history written by today's store in the default tenant of a scratch schema…
        let (source, source_schema) = fresh_store(&url, "v1src", 2).await;
        let source = source.for_tenant(TenantId::DEFAULT);
        history(&source, "old", false).await;
        let expected_snapshot = source.load(&everything()).await.expect("load");
        let expected_log = source.events(0, usize::MAX).await.expect("events");

        // …copied into a schema at version 1, as the adapter's first release left it.
        let schema = schema_name("v1");
        create_schema(&url, &schema).await;
        let admin = admin_client(&url, &schema).await;
        admin
            .batch_execute(
                "CREATE TABLE leadpool_migrations (
                    version    integer     PRIMARY KEY,
                    name       text        NOT NULL,
                    checksum   text        NOT NULL,
                    applied_at timestamptz NOT NULL DEFAULT now()
                )",
            )
            .await
            .expect("the migrations table");
        let v1 = &MIGRATIONS[0];
        assert_eq!(v1.version, 1);
        admin.batch_execute(v1.sql).await.expect("version 1");
        admin
            .execute(
                "INSERT INTO leadpool_migrations (version, name, checksum) VALUES ($1, $2, $3)",
                &[&v1.version, &v1.name, &v1.checksum()],
            )
            .await
            .expect("record version 1");
        let has_tenant: i64 = admin
            .query_one(
                "SELECT count(*) FROM information_schema.columns \
                 WHERE table_schema = $1 AND column_name = 'tenant'",
                &[&schema],
            )
            .await
            .expect("columns")
            .get(0);
        assert_eq!(has_tenant, 0, "version 1 has no tenant column");
        let s = &source_schema;
        admin
            .batch_execute(&format!(
                "UPDATE leadpool_config SET version = o.version, doc = o.doc \
                     FROM {s}.leadpool_config o WHERE o.tenant = 0 AND leadpool_config.id = 1;
                 UPDATE leadpool_log_head SET head = o.head \
                     FROM {s}.leadpool_log_head o WHERE o.tenant = 0 AND leadpool_log_head.id = 1;
                 INSERT INTO leadpool_clients (id, version, owner, pool, deadline, dedupe, \
                     sweep_lease_until, sweep_lease_holder, doc) \
                     SELECT id, version, owner, pool, deadline, dedupe, sweep_lease_until, \
                     sweep_lease_holder, doc FROM {s}.leadpool_clients WHERE tenant = 0;
                 INSERT INTO leadpool_client_keys (kind, value, client_id, holder) \
                     SELECT kind, value, client_id, holder FROM {s}.leadpool_client_keys \
                     WHERE tenant = 0;
                 INSERT INTO leadpool_ledgers (rep, version, doc) \
                     SELECT rep, version, doc FROM {s}.leadpool_ledgers WHERE tenant = 0;
                 INSERT INTO leadpool_events (seq, event) \
                     SELECT seq, event FROM {s}.leadpool_events WHERE tenant = 0;"
            ))
            .await
            .expect("the history at version 1");

        // Migrating applies version 2 only.
        let store = PgStore::connect_config(common::config_in(&url, &schema), 2, TenantId::DEFAULT)
            .expect("a pool");
        let migrated = store.migrate().await.expect("migrate");
        assert_eq!(migrated.applied, vec![2]);
        assert_eq!(migrated.version, 2);
        for table in TABLES {
            let all: i64 = admin
                .query_one(&format!("SELECT count(*) FROM {table}"), &[])
                .await
                .expect("count")
                .get(0);
            assert!(all > 0, "{table} has rows");
            assert_eq!(
                count_rows(&admin, table, TenantId::DEFAULT).await,
                all,
                "every row of {table} is in the default tenant"
            );
        }

        // The default tenant reads what version 1 held: every client, ledger, the
        // configuration and the log.
        let snapshot = store.load(&everything()).await.expect("load");
        assert_eq!(format!("{snapshot:?}"), format!("{expected_snapshot:?}"));
        assert_eq!(store.events(0, usize::MAX).await.expect("events"), expected_log);
        let later = t0() + Duration::days(2) + Duration::minutes(10);
        assert_eq!(
            store.due(later, 10).await.expect("due"),
            vec![ClientId(1), ClientId(2), ClientId(3)]
        );

        // And keeps working: a claim appends at the next position; a held key is still held.
        let pool = AsyncPool::new(store.clone(), ManualClock::new(t0()));
        pool.claim(ClientId(4), RepId(3)).await.expect("a claim");
        let log = store.events(0, usize::MAX).await.expect("events");
        assert_eq!(log.len(), expected_log.len() + 1);
        assert_eq!(log.last().map(|r| r.seq), Some(expected_log.len() as u64 + 1));
        let events = pool
            .import(Actor::System, Client::new(ClientId(9), "again", Source::Website, t0()).with_keys(
                DedupeKeys {
                    company: Some("acme".into()),
                    ..DedupeKeys::default()
                },
            ))
            .await
            .expect("a reported duplicate");
        assert!(
            matches!(events.as_slice(), [Event::DuplicateReported { existing, .. }] if *existing == ClientId(1)),
            "{events:?}"
        );

        // A new tenant beside it starts from nothing, its log at 1.
        let newcomer = store.for_tenant(TenantId(5));
        assert!(newcomer.create_tenant().await.expect("create"));
        assert!(!newcomer.create_tenant().await.expect("create again"));
        let fresh = newcomer.load(&everything()).await.expect("load");
        assert!(fresh.config().is_none() && fresh.clients().next().is_none());
        history(&newcomer, "new", false).await;
        let new_log = newcomer.events(0, usize::MAX).await.expect("events");
        assert_eq!(new_log.first().map(|r| r.seq), Some(1));
        assert_eq!(new_log.len(), expected_log.len());
        assert_eq!(
            store.events(0, usize::MAX).await.expect("events").len(),
            expected_log.len() + 2
        );

        // A row written without a tenant is refused, not put in tenant 0.
        let error = admin
            .execute(
                "INSERT INTO leadpool_ledgers (rep, version, doc) VALUES (9, 1, '{}')",
                &[],
            )
            .await
            .expect_err("no default tenant");
        assert_eq!(error.code().map(|c| c.code()), Some("23502"), "{error}");
        // The log is still append-only.
        let refused = admin
            .batch_execute("DELETE FROM leadpool_events WHERE tenant = 0")
            .await;
        assert!(refused.is_err(), "deleting from the log is refused");
    });
}

#[test]
fn the_example_row_level_security_policy_shows_a_reporting_role_one_tenant() {
    let Some(url) = database_url("tenant_rls") else {
        return;
    };
    runtime().block_on(async {
        let (store, schema) = fresh_store(&url, "rls", 2).await;
        history(&store.for_tenant(A), "A", false).await;
        history(&store.for_tenant(B), "B", true).await;
        let admin = admin_client(&url, &schema).await;
        let mut counts = Vec::new();
        for table in TABLES {
            counts.push((table, count_rows(&admin, table, A).await));
        }
        let role = format!("lp_reporting_{}_{}", std::process::id(), schema.len());
        admin
            .batch_execute(&format!(
                "CREATE ROLE {role} NOLOGIN; \
                 GRANT USAGE ON SCHEMA {schema} TO {role}; \
                 GRANT SELECT ON ALL TABLES IN SCHEMA {schema} TO {role};"
            ))
            .await
            .expect("a reporting role");
        let policies =
            include_str!("../examples/row_level_security.sql").replace("leadpool_reporting", &role);
        admin
            .batch_execute(&policies)
            .await
            .expect("the example policies");

        // The reporting role, its session naming tenant A: A's rows, in every table.
        admin
            .batch_execute(&format!("SET ROLE {role}; SET leadpool.tenant = '{}'", A.0))
            .await
            .expect("a reporting session");
        let count = |sql: String| {
            let admin = &admin;
            async move {
                admin
                    .query_one(&sql, &[])
                    .await
                    .expect("a count")
                    .get::<_, i64>(0)
            }
        };
        for (table, in_a) in &counts {
            assert!(*in_a > 0, "{table}");
            assert_eq!(
                count(format!("SELECT count(*) FROM {table}")).await,
                *in_a,
                "{table}"
            );
            let in_b = count(format!(
                "SELECT count(*) FROM {table} WHERE tenant = {}",
                B.0
            ))
            .await;
            assert_eq!(in_b, 0, "{table}: the reporting role sees tenant B");
        }
        // Without the setting, nothing.
        admin
            .batch_execute("RESET leadpool.tenant")
            .await
            .expect("reset");
        for table in TABLES {
            assert_eq!(
                count(format!("SELECT count(*) FROM {table}")).await,
                0,
                "{table}"
            );
        }
        admin.batch_execute("RESET ROLE").await.expect("reset role");

        // The store (the tables' owner here, as the example asks) is not affected.
        let pool = AsyncPool::new(store.for_tenant(A), ManualClock::new(t0()));
        pool.claim(ClientId(4), RepId(3)).await.expect("a claim");
        assert_eq!(
            store
                .for_tenant(B)
                .public_pool(PoolId::DEFAULT)
                .await
                .expect("public"),
            vec![ClientId(4), ClientId(5), ClientId(6)]
        );
        admin
            .batch_execute(&format!("DROP OWNED BY {role}; DROP ROLE {role};"))
            .await
            .expect("drop the role");
    });
}
