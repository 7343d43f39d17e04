//! Claims and rule assignments per second through `AsyncPool` over `PgStore`, with 1 and 4
//! instances (OS processes) on one PostgreSQL, beside a hand-written baseline: one conditional
//! `UPDATE … SET owner = $1 WHERE id = $2 AND owner IS NULL` per claim, no rules, no log.
//!
//! ```text
//! scripts/with-postgres.sh cargo bench -p leadpool-postgres --bench throughput
//! WITH_POSTGRES_DURABLE=1 scripts/with-postgres.sh cargo bench -p leadpool-postgres --bench throughput
//! ```
//!
//! Each instance runs `TASKS` concurrent tasks (request handlers); each task claims
//! `PER_TASK` public clients of its own slice for a rep of its own (or assigns them by the
//! least-loaded rule, which reads every ledger and writes the chosen rep's, so concurrent
//! assignments race for the same ledger). The rate is all operations over the time the
//! slowest instance took, from a common start. "Retried" is the share of
//! commits the store refused (a version conflict, a lost dedupe race, or a retryable abort)
//! and the pool read, decided and committed again. Without `DATABASE_URL` it prints how to run
//! it and exits.

use chrono::{DateTime, TimeZone, Utc};
use leadpool::allocate::{AllocState, LeastLoaded, Team};
use leadpool::clock::Clock;
use leadpool::ids::{ClientId, PoolId, RepId};
use leadpool::model::{Client, Rep, Source};
use leadpool::pool::Actor;
use leadpool::pool::{AsyncPool, Config, PoolError, PoolPolicy};
use leadpool::store::{AsyncStore, Recorded};
use leadpool::txn::{Footprint, Plan, Retry, Snapshot};
use leadpool::{LeadRng, StoreError, seeded};
use leadpool_postgres::{PgStore, TenantId};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

const SCHEMA: &str = "leadpool_bench";
const TASKS: u64 = 4;
/// Operations each task runs, on clients of its own.
const PER_TASK: u64 = 300;
const REPS: u64 = 16;
/// Public clients per scenario: a slice for every task of four instances.
const CLIENTS: u64 = PER_TASK * TASKS * 4;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Scenario {
    Claims,
    Assignments,
    Baseline,
}

impl Scenario {
    fn name(self) -> &'static str {
        match self {
            Scenario::Claims => "claims",
            Scenario::Assignments => "assignments",
            Scenario::Baseline => "baseline",
        }
    }
    fn parse(s: &str) -> Option<Self> {
        [Scenario::Claims, Scenario::Assignments, Scenario::Baseline]
            .into_iter()
            .find(|x| x.name() == s)
    }
}

struct FixedClock(DateTime<Utc>);
impl Clock for FixedClock {
    fn now(&self) -> DateTime<Utc> {
        self.0
    }
}

fn now0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 2, 9, 0, 0)
        .single()
        .unwrap_or_default()
}

/// Counts commits and the ones refused (each refusal is a retry of the pool's loop).
struct Counting<S> {
    inner: S,
    commits: AtomicU64,
    refused: AtomicU64,
}

impl<S: AsyncStore> AsyncStore for Counting<S> {
    async fn load(&self, footprint: &Footprint) -> Result<Snapshot, StoreError> {
        self.inner.load(footprint).await
    }
    async fn commit(&self, plan: &Plan) -> Result<u64, StoreError> {
        let outcome = self.inner.commit(plan).await;
        self.commits.fetch_add(1, Ordering::Relaxed);
        if matches!(&outcome, Err(e) if e.is_retryable()) {
            self.refused.fetch_add(1, Ordering::Relaxed);
        }
        outcome
    }
    async fn due(&self, now: DateTime<Utc>, limit: usize) -> Result<Vec<ClientId>, StoreError> {
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

fn config_for(url: &str) -> tokio_postgres::Config {
    let mut config: tokio_postgres::Config = url.parse().expect("DATABASE_URL parses");
    config.options(format!("-c search_path={SCHEMA}"));
    config
}

fn wall_nanos() -> u128 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0)
}

/// The first client id of a scenario's range.
fn first_id(scenario: Scenario, instances: u64) -> u64 {
    let slot = match (scenario, instances) {
        (Scenario::Claims, 1) => 0,
        (Scenario::Claims, _) => 1,
        (Scenario::Assignments, 1) => 2,
        (Scenario::Assignments, _) => 3,
        (Scenario::Baseline, 1) => 4,
        (Scenario::Baseline, _) => 5,
    };
    1 + slot * CLIENTS
}

/// One instance's run; prints `RESULT ops refused commits retried seconds`.
async fn instance(url: String, scenario: Scenario, instances: u64, k: u64, start_at: u128) {
    let store = PgStore::connect_config(config_for(&url), TASKS as usize, TenantId::DEFAULT)
        .expect("a pool");
    let counting = Counting {
        inner: store.clone(),
        commits: AtomicU64::new(0),
        refused: AtomicU64::new(0),
    };
    let pool = Arc::new(
        AsyncPool::new(counting, FixedClock(now0()))
            .with_retry(Retry::new(
                50,
                Duration::from_millis(1),
                Duration::from_millis(20),
            ))
            .with_jitter_seed(k)
            .with_sleep(|d| Box::pin(tokio::time::sleep(d))),
    );
    // Warm the connections and statement caches before the clock starts.
    let _ = pool.config().await;
    let first = first_id(scenario, instances);
    while wall_nanos() < start_at {
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    let started = Instant::now();
    let tasks: Vec<_> = (0..TASKS)
        .map(|task| {
            let pool = pool.clone();
            let store = store.clone();
            tokio::spawn(async move {
                let worker = k * TASKS + task;
                let rep = RepId(worker % REPS + 1);
                let mut rng: LeadRng = seeded(1000 + worker);
                // Room for every assignment: the rule balances, it never runs out.
                let allocator = LeastLoaded::new(1_000_000);
                let alloc_state = AllocState::default();
                let baseline = if scenario == Scenario::Baseline {
                    let conn = store.pool().get().await.expect("a connection");
                    Some(conn)
                } else {
                    None
                };
                let statement = match &baseline {
                    Some(conn) => Some(
                        conn.prepare_cached(
                            "UPDATE leadpool_bench_baseline SET owner = $1 WHERE id = $2 AND owner IS NULL",
                        )
                        .await
                        .expect("prepare"),
                    ),
                    None => None,
                };
                let (mut done, mut refused) = (0u64, 0u64);
                for n in 0..PER_TASK {
                    let id = ClientId(first + worker * PER_TASK + n);
                    let ok = match scenario {
                        Scenario::Claims => match pool.claim(id, rep).await {
                            Ok(_) => true,
                            Err(PoolError::Store(e)) => panic!("store failed: {e}"),
                            Err(_) => false,
                        },
                        Scenario::Assignments => match pool
                            .assign_by_rule(id, &allocator, &alloc_state, None, &mut rng)
                            .await
                        {
                            Ok(_) => true,
                            Err(PoolError::Store(e)) => panic!("store failed: {e}"),
                            Err(_) => false,
                        },
                        Scenario::Baseline => {
                            let (Some(conn), Some(statement)) = (&baseline, &statement) else {
                                unreachable!()
                            };
                            let owner = rep.0 as i64;
                            let id = id.0 as i64;
                            conn.execute(statement, &[&owner, &id]).await.expect("update") == 1
                        }
                    };
                    if ok {
                        done += 1;
                    } else {
                        refused += 1;
                    }
                }
                (done, refused)
            })
        })
        .collect();
    let (mut done, mut refused) = (0, 0);
    for task in tasks {
        let (d, r) = task.await.expect("a task");
        done += d;
        refused += r;
    }
    let seconds = started.elapsed().as_secs_f64();
    let store = pool.store();
    println!(
        "RESULT {done} {refused} {} {} {seconds}",
        store.commits.load(Ordering::Relaxed),
        store.refused.load(Ordering::Relaxed)
    );
}

struct Figures {
    per_second: f64,
    refused: u64,
    commits: u64,
    retried: u64,
}

fn run(url: &str, scenario: Scenario, instances: u64) -> Figures {
    let exe = std::env::current_exe().expect("the bench binary");
    let start_at = wall_nanos() + 1_500_000_000;
    let children: Vec<_> = (0..instances)
        .map(|k| {
            Command::new(&exe)
                .env(
                    "LEADPOOL_BENCH_CHILD",
                    format!("{} {instances} {k} {start_at}", scenario.name()),
                )
                .env("DATABASE_URL", url)
                .stdout(Stdio::piped())
                .spawn()
                .expect("an instance")
        })
        .collect();
    let mut figures = Figures {
        per_second: 0.0,
        refused: 0,
        commits: 0,
        retried: 0,
    };
    let mut total = 0u64;
    let mut longest = 0f64;
    for child in children {
        let output = child.wait_with_output().expect("an instance's output");
        assert!(output.status.success(), "an instance failed");
        let text = String::from_utf8_lossy(&output.stdout);
        let line = text
            .lines()
            .find(|l| l.starts_with("RESULT"))
            .expect("a RESULT line");
        let f: Vec<f64> = line
            .split_whitespace()
            .skip(1)
            .filter_map(|x| x.parse().ok())
            .collect();
        total += f[0] as u64;
        figures.refused += f[1] as u64;
        figures.commits += f[2] as u64;
        figures.retried += f[3] as u64;
        longest = longest.max(f[4]);
    }
    figures.per_second = total as f64 / longest;
    figures
}

async fn prepare(url: &str) {
    let (client, connection) = tokio_postgres::connect(url, tokio_postgres::NoTls)
        .await
        .expect("connect");
    tokio::spawn(connection);
    client
        .batch_execute(&format!(
            "DROP SCHEMA IF EXISTS {SCHEMA} CASCADE; CREATE SCHEMA {SCHEMA}"
        ))
        .await
        .expect("the bench schema");
    let store = PgStore::connect_config(config_for(url), 8, TenantId::DEFAULT).expect("a pool");
    store.migrate().await.expect("migrate");
    let pool = Arc::new(AsyncPool::new(store.clone(), FixedClock(now0())));
    let team = Team::new((1..=REPS).map(|i| Rep::new(RepId(i), format!("rep {i}"))));
    let policy = PoolPolicy {
        remind_after_days: Some(30),
        release_after_reminder_days: 7,
        ..PoolPolicy::default()
    };
    pool.install(Config::new(team, policy).expect("config"))
        .await
        .expect("install");
    // Imports through the pool, 8 at a time, for the four pool scenarios.
    let started = Instant::now();
    let importers: Vec<_> = (0..8u64)
        .map(|i| {
            let pool = pool.clone();
            tokio::spawn(async move {
                for n in (0..4 * CLIENTS).filter(|n| n % 8 == i) {
                    let client = Client::new(
                        ClientId(1 + n),
                        format!("lead {n}"),
                        Source::Website,
                        now0(),
                    );
                    pool.import(Actor::System, client).await.expect("import");
                }
            })
        })
        .collect();
    for importer in importers {
        importer.await.expect("an importer");
    }
    let imports = 4 * CLIENTS;
    eprintln!(
        "imported {imports} clients through the pool in {:.1?} ({:.0}/s, 8 tasks)",
        started.elapsed(),
        imports as f64 / started.elapsed().as_secs_f64()
    );
    client
        .batch_execute(&format!(
            "CREATE TABLE {SCHEMA}.leadpool_bench_baseline (id bigint PRIMARY KEY, owner bigint);
             INSERT INTO {SCHEMA}.leadpool_bench_baseline SELECT g, NULL FROM generate_series({}, {}) g;
             ANALYZE;",
            first_id(Scenario::Baseline, 1),
            first_id(Scenario::Baseline, 4) + CLIENTS - 1
        ))
        .await
        .expect("the baseline table");
}

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a runtime");
    if let Ok(spec) = std::env::var("LEADPOOL_BENCH_CHILD") {
        let parts: Vec<&str> = spec.split_whitespace().collect();
        let scenario = Scenario::parse(parts[0]).expect("a scenario");
        let instances: u64 = parts[1].parse().expect("instances");
        let k: u64 = parts[2].parse().expect("instance");
        let start_at: u128 = parts[3].parse().expect("start");
        let url = std::env::var("DATABASE_URL").expect("DATABASE_URL");
        rt.block_on(instance(url, scenario, instances, k, start_at));
        return;
    }
    // `cargo bench` passes --bench; `cargo test --benches` does not: then only check it runs.
    let Ok(url) = std::env::var("DATABASE_URL") else {
        eprintln!(
            "throughput: DATABASE_URL is not set; run \
             `scripts/with-postgres.sh cargo bench -p leadpool-postgres --bench throughput`"
        );
        return;
    };
    if !std::env::args().any(|a| a == "--bench") {
        eprintln!("throughput: not run as a benchmark (pass --bench, as cargo bench does)");
        return;
    }
    rt.block_on(prepare(&url));
    println!(
        "{:<12} {:>9} {:>12} {:>10} {:>9} {:>9}",
        "scenario", "instances", "per second", "refused", "commits", "retried"
    );
    let mut table = Vec::new();
    for scenario in [Scenario::Baseline, Scenario::Claims, Scenario::Assignments] {
        for instances in [1, 4] {
            let f = run(&url, scenario, instances);
            let share = if f.commits == 0 {
                0.0
            } else {
                100.0 * f.retried as f64 / f.commits as f64
            };
            println!(
                "{:<12} {:>9} {:>12.0} {:>10} {:>9} {:>8.1}%",
                scenario.name(),
                instances,
                f.per_second,
                f.refused,
                f.commits,
                share
            );
            table.push((scenario, instances, f.per_second));
        }
    }
    for instances in [1, 4] {
        let rate = |s: Scenario| {
            table
                .iter()
                .find(|(x, i, _)| *x == s && *i == instances)
                .map_or(0.0, |t| t.2)
        };
        let base = rate(Scenario::Baseline);
        println!(
            "{instances} instance(s): claims at {:.1}% of the baseline ({:.2}x slower), rule assignments at {:.1}%",
            100.0 * rate(Scenario::Claims) / base,
            base / rate(Scenario::Claims),
            100.0 * rate(Scenario::Assignments) / base,
        );
    }
}
