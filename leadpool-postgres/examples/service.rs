//! A SaaS CRM back end in miniature: N instances (OS processes) of an async service sharing
//! one PostgreSQL and serving T tenants (companies) from the same tables. Each instance holds
//! one `PgStore` (one connection pool) and handles a stream of requests (lead imports,
//! claims, rule assignments, follow-ups) on concurrent tasks, with a background sweeper, as
//! request handlers of an axum or actix service would. Every request carries its tenant, as
//! an `X-Tenant` header set by an authenticating gateway would; the handler parses it into a
//! `TenantId` and works on `store.for_tenant(tenant)`. No `spawn_blocking` anywhere.
//!
//! ```text
//! scripts/with-postgres.sh cargo run -p leadpool-postgres --example service -- --instances 3 --tenants 2
//! ```
//!
//! The parent migrates (once for every tenant), installs each tenant's team and policy,
//! starts the instances (`--instance k`), waits for them, and prints what each did and what
//! the database holds for each tenant. The demo's calendar runs one day per wall-clock
//! second, so the sweepers find reminders and releases due within the run.

use chrono::{DateTime, Duration, TimeZone, Utc};
use leadpool::allocate::{AllocState, LeastLoaded, Team};
use leadpool::clock::Clock;
use leadpool::ids::{ClientId, PoolId, RepId};
use leadpool::model::{Client, ContactLevel, DedupeKeys, Rep, Source};
use leadpool::pool::Actor;
use leadpool::pool::{AsyncPool, Config, Event, PoolError, PoolPolicy};
use leadpool::store::AsyncStore;
use leadpool_postgres::{PgStore, TenantId};
use std::collections::BTreeMap;
use std::process::{Command, ExitCode};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Instant, SystemTime, UNIX_EPOCH};

const SCHEMA: &str = "leadpool_service_demo";
const REPS: u64 = 6;
const HANDLERS: u64 = 4;
const REQUESTS_PER_HANDLER: u64 = 150;

/// The demo calendar: one simulated day per wall-clock second since `start`.
#[derive(Clone, Copy)]
struct DemoClock {
    start: u128,
}

fn wall_nanos() -> u128 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0)
}

fn epoch() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 2, 9, 0, 0)
        .single()
        .unwrap_or_default()
}

impl Clock for DemoClock {
    fn now(&self) -> DateTime<Utc> {
        let elapsed = wall_nanos().saturating_sub(self.start);
        let simulated = i64::try_from(elapsed.saturating_mul(86_400)).unwrap_or(i64::MAX);
        epoch() + Duration::nanoseconds(simulated)
    }
}

fn url_in_schema() -> Result<tokio_postgres::Config, String> {
    let url = std::env::var("DATABASE_URL")
        .map_err(|_| "DATABASE_URL is not set: run me under scripts/with-postgres.sh".to_owned())?;
    let mut config: tokio_postgres::Config = url.parse().map_err(|e| format!("{e}"))?;
    config.options(format!("-c search_path={SCHEMA}"));
    Ok(config)
}

#[derive(Default)]
struct Tally {
    accepted: AtomicU64,
    refused: AtomicU64,
    events: AtomicU64,
    slowest_micros: AtomicU64,
}

impl Tally {
    fn record(
        &self,
        started: Instant,
        outcome: Result<Vec<Event>, PoolError>,
    ) -> Result<(), PoolError> {
        let micros = u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX);
        self.slowest_micros.fetch_max(micros, Ordering::Relaxed);
        match outcome {
            Ok(events) => {
                self.accepted.fetch_add(1, Ordering::Relaxed);
                self.events
                    .fetch_add(events.len() as u64, Ordering::Relaxed);
                Ok(())
            }
            // A store that failed for good is the service's problem; a refusal is an answer.
            Err(error @ PoolError::Store(_)) => Err(error),
            Err(_) => {
                self.refused.fetch_add(1, Ordering::Relaxed);
                Ok(())
            }
        }
    }
}

/// The tenant a request is for, from its `X-Tenant` header (which a gateway sets after
/// authenticating the caller: never trust a tenant the caller picks).
fn tenant_of(headers: &BTreeMap<&str, String>) -> Result<TenantId, String> {
    let value = headers.get("x-tenant").ok_or("400: no X-Tenant header")?;
    value
        .parse()
        .map_err(|_| format!("400: X-Tenant {value:?} is not a tenant id"))
}

/// The pool of one request's tenant: the instance's store bound to the tenant (a clone over
/// the same connections), under an `AsyncPool` (cheap to build).
fn leads(
    store: &PgStore,
    tenant: TenantId,
    clock: DemoClock,
    seed: u64,
) -> AsyncPool<PgStore, DemoClock> {
    AsyncPool::new(store.for_tenant(tenant), clock)
        .with_jitter_seed(seed)
        .with_sleep(|d| Box::pin(tokio::time::sleep(d)))
}

/// The tenants of the demo: 1 to `count`.
fn tenants(count: u64) -> impl Iterator<Item = TenantId> {
    (1..=count).map(|t| TenantId(t as i64))
}

/// One request handler: what an axum handler would do per request, in a loop, for requests
/// of every tenant in turn.
async fn handler(
    store: PgStore,
    tally: Arc<Tally>,
    instance: u64,
    handler: u64,
    clock: DemoClock,
    tenant_count: u64,
) -> Result<(), PoolError> {
    let allocator = LeastLoaded::new(50);
    let alloc_state = AllocState::default();
    let mut rng = leadpool::seeded(instance * 100 + handler);
    for n in 0..REQUESTS_PER_HANDLER {
        let started = Instant::now();
        // The request's headers, as the web framework hands them over.
        let headers = BTreeMap::from([(
            "x-tenant",
            (1 + (n + handler + instance) % tenant_count).to_string(),
        )]);
        let tenant = match tenant_of(&headers) {
            Ok(tenant) => tenant,
            Err(response) => {
                eprintln!("{response}");
                continue;
            }
        };
        let pool = leads(&store, tenant, clock, instance * 100 + handler);
        // Leads arrive at every instance; the same company often reaches several of them.
        let lead = ClientId(1 + (instance * HANDLERS + handler) * 10_000 + n);
        let company = (n * 7 + handler) % 120;
        let rep = RepId((n + handler + instance) % REPS + 1);
        let outcome = match n % 5 {
            0 | 1 => {
                let client = Client::new(
                    lead,
                    format!("Company {company}"),
                    Source::Website,
                    clock.now(),
                )
                .with_keys(DedupeKeys::from_raw(
                    Some(&format!("Company {company}")),
                    None,
                    None,
                    None,
                ));
                pool.import(Actor::System, client).await
            }
            2 => match pool.store().public_pool(PoolId::DEFAULT).await {
                Ok(public) => match public.get((n as usize) % public.len().max(1)) {
                    Some(id) => pool.claim(*id, rep).await,
                    None => Ok(Vec::new()),
                },
                Err(error) => Err(PoolError::Store(error)),
            },
            3 => match pool.store().public_pool(PoolId::DEFAULT).await {
                Ok(public) => match public.first() {
                    Some(id) => pool
                        .assign_by_rule(*id, &allocator, &alloc_state, None, &mut rng)
                        .await
                        .map(|(_, events)| events),
                    None => Ok(Vec::new()),
                },
                Err(error) => Err(PoolError::Store(error)),
            },
            _ => match pool.store().owned_by(rep).await {
                Ok(owned) => match owned.first() {
                    Some(id) => {
                        let (level, note) = (ContactLevel::Phone, "called back".into());
                        let follow_up = leadpool::pool::Command::FollowUp {
                            client: *id,
                            rep,
                            level,
                            note,
                        };
                        pool.execute(Actor::Rep(rep), follow_up).await
                    }
                    None => Ok(Vec::new()),
                },
                Err(error) => Err(PoolError::Store(error)),
            },
        };
        tally.record(started, outcome)?;
    }
    Ok(())
}

async fn run_instance(k: u64, start: u128, tenant_count: u64) -> Result<(), String> {
    // One store, one connection pool, for every tenant; requests choose theirs.
    let store = PgStore::connect_config(url_in_schema()?, 8, TenantId::DEFAULT)
        .map_err(|e| e.to_string())?;
    // Every instance migrates at start-up: the first one does the work, the others find it done.
    store.migrate().await.map_err(|e| e.to_string())?;
    let clock = DemoClock { start };
    let tally = Arc::new(Tally::default());
    let started = Instant::now();
    let serving = Arc::new(std::sync::atomic::AtomicBool::new(true));
    let sweeper = {
        let (store, serving) = (store.clone(), serving.clone());
        tokio::spawn(async move {
            let mut swept = 0usize;
            while serving.load(Ordering::Relaxed) {
                tokio::time::sleep(std::time::Duration::from_millis(250)).await;
                // Each tenant's due clients, with its own policy.
                for tenant in tenants(tenant_count) {
                    if let Ok(report) = leads(&store, tenant, clock, k).sweep().await {
                        swept += report.events.len();
                    }
                }
            }
            swept
        })
    };
    let handlers: Vec<_> = (0..HANDLERS)
        .map(|h| {
            tokio::spawn(handler(
                store.clone(),
                tally.clone(),
                k,
                h,
                clock,
                tenant_count,
            ))
        })
        .collect();
    for h in handlers {
        h.await
            .map_err(|e| e.to_string())?
            .map_err(|e| e.to_string())?;
    }
    let handled = started.elapsed();
    serving.store(false, Ordering::Relaxed);
    let swept = sweeper.await.map_err(|e| e.to_string())?;
    let requests = HANDLERS * REQUESTS_PER_HANDLER;
    println!(
        "instance {k}: {requests} requests in {:.2?} ({:.0}/s): {} accepted, {} refused, {} events, \
         slowest {} ms; sweeper committed {swept} reminders and releases",
        handled,
        requests as f64 / handled.as_secs_f64(),
        tally.accepted.load(Ordering::Relaxed),
        tally.refused.load(Ordering::Relaxed),
        tally.events.load(Ordering::Relaxed),
        tally.slowest_micros.load(Ordering::Relaxed) / 1000,
    );
    Ok(())
}

async fn prepare(instances: u64, tenant_count: u64) -> Result<u128, String> {
    let url = std::env::var("DATABASE_URL")
        .map_err(|_| "DATABASE_URL is not set: run me under scripts/with-postgres.sh".to_owned())?;
    let (client, connection) = tokio_postgres::connect(&url, tokio_postgres::NoTls)
        .await
        .map_err(|e| e.to_string())?;
    tokio::spawn(connection);
    client
        .batch_execute(&format!(
            "DROP SCHEMA IF EXISTS {SCHEMA} CASCADE; CREATE SCHEMA {SCHEMA}"
        ))
        .await
        .map_err(|e| e.to_string())?;
    let store = PgStore::connect_config(url_in_schema()?, 2, TenantId::DEFAULT)
        .map_err(|e| e.to_string())?;
    // Once for the database, whatever the number of tenants.
    let migrated = store.migrate().await.map_err(|e| e.to_string())?;
    let start = wall_nanos();
    for tenant in tenants(tenant_count) {
        // Each tenant its own team and policy: a different cap per tenant.
        let store = store.for_tenant(tenant);
        store.create_tenant().await.map_err(|e| e.to_string())?;
        let pool = AsyncPool::new(store, DemoClock { start });
        let team = Team::new((1..=REPS).map(|i| Rep::new(RepId(i), format!("rep {i}"))));
        let policy = PoolPolicy {
            private_cap: Some(15 + 10 * tenant.0 as u32),
            remind_after_days: Some(2),
            release_after_reminder_days: 1,
            ..PoolPolicy::default()
        };
        let config = Config::new(team, policy).map_err(|e| e.to_string())?;
        pool.install(config).await.map_err(|e| e.to_string())?;
    }
    println!(
        "schema {SCHEMA} at migration {}; {tenant_count} tenants, each with a team of {REPS} \
         installed; starting {instances} instances",
        migrated.version
    );
    Ok(start)
}

async fn summary(tenant_count: u64) -> Result<(), String> {
    let store = PgStore::connect_config(url_in_schema()?, 2, TenantId::DEFAULT)
        .map_err(|e| e.to_string())?;
    for tenant in tenants(tenant_count) {
        tenant_summary(&store.for_tenant(tenant)).await?;
    }
    Ok(())
}

async fn tenant_summary(store: &PgStore) -> Result<(), String> {
    let tenant = store.tenant();
    let log = store
        .events(0, usize::MAX)
        .await
        .map_err(|e| e.to_string())?;
    let mut kinds = std::collections::BTreeMap::<String, usize>::new();
    for recorded in &log {
        let name = format!("{:?}", recorded.event);
        let name = name
            .split([' ', '(', '{'])
            .next()
            .unwrap_or_default()
            .to_owned();
        *kinds.entry(name).or_default() += 1;
    }
    println!(
        "{tenant}: the log holds {} events, positions 1 to {}: {kinds:?}",
        log.len(),
        log.last().map_or(0, |r| r.seq)
    );
    for rep in 1..=REPS {
        let owned = store
            .owned_by(RepId(rep))
            .await
            .map_err(|e| e.to_string())?;
        print!("rep {rep}: {} clients  ", owned.len());
    }
    let public = store
        .public_pool(PoolId::DEFAULT)
        .await
        .map_err(|e| e.to_string())?;
    println!("\n{tenant}: public pool: {} clients", public.len());
    Ok(())
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    let value = |flag: &str| {
        args.iter()
            .position(|a| a == flag)
            .and_then(|i| args.get(i + 1))
            .and_then(|v| v.parse::<u128>().ok())
    };
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(error) => {
            eprintln!("service: no runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    let tenant_count = value("--tenants").unwrap_or(2).clamp(1, 100) as u64;
    let outcome = if let (Some(k), Some(start)) = (value("--instance"), value("--start")) {
        rt.block_on(run_instance(k as u64, start, tenant_count))
    } else {
        let instances = value("--instances").unwrap_or(3).clamp(1, 16) as u64;
        rt.block_on(async {
            let start = prepare(instances, tenant_count).await?;
            let exe = std::env::current_exe().map_err(|e| e.to_string())?;
            let mut children = Vec::new();
            for k in 0..instances {
                let child = Command::new(&exe)
                    .args([
                        "--instance",
                        &k.to_string(),
                        "--start",
                        &start.to_string(),
                        "--tenants",
                        &tenant_count.to_string(),
                    ])
                    .spawn()
                    .map_err(|e| e.to_string())?;
                children.push(child);
            }
            let mut failed = 0;
            for mut child in children {
                if !child.wait().map(|s| s.success()).unwrap_or(false) {
                    failed += 1;
                }
            }
            summary(tenant_count).await?;
            if failed > 0 {
                return Err(format!("{failed} instances failed"));
            }
            Ok(())
        })
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("service: {error}");
            ExitCode::FAILURE
        }
    }
}
