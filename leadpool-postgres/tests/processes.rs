//! Several OS processes on one database, as the instances of a web service would be: this
//! test binary starts copies of itself (running only `child_process_entry`, which does
//! nothing unless `LEADPOOL_PG_CHILD` is set), each with an `AsyncPool` over its own
//! `PgStore` on a tokio runtime. Each child prints every event it was told of (`ACK` lines)
//! as soon as the commit that made it is acknowledged.

mod common;
#[path = "common/race.rs"]
mod race;

use common::{TENANT, config_in, database_url, fresh_store, runtime};
use leadpool::pool::AsyncPool;
use leadpool_postgres::PgStore;
use race::{SharedClock, acknowledged, race_task, racing_pool, verify};
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The process tests share two cores: one at a time.
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

const CHILD: &str = "LEADPOOL_PG_CHILD";

/// The entry point of a child process (a no-op in a normal test run).
#[test]
fn child_process_entry() {
    let Ok(role) = std::env::var(CHILD) else {
        return;
    };
    let var = |name: &str| std::env::var(name).unwrap_or_else(|_| panic!("{name} is set"));
    let url = var("DATABASE_URL");
    let schema = var("LEADPOOL_PG_SCHEMA");
    let t: u64 = var("LEADPOOL_PG_T").parse().expect("a process number");
    let start: i128 = var("LEADPOOL_PG_START").parse().expect("a start instant");
    let rounds: u64 = var("LEADPOOL_PG_ROUNDS").parse().expect("a round count");
    let seconds: u64 = var("LEADPOOL_PG_SECONDS").parse().expect("a duration");
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a runtime");
    rt.block_on(async move {
        let store = PgStore::connect_config(config_in(&url, &schema), 4, TENANT).expect("a pool");
        // Every instance migrates at start-up; all but the first find nothing to do.
        store.migrate().await.expect("migrate");
        let pool = Arc::new(racing_pool(store, SharedClock { start }, t));
        let until = Instant::now() + Duration::from_secs(seconds);
        let tasks = 2;
        let handles: Vec<_> = (0..tasks)
            .map(|task| tokio::spawn(race_task(pool.clone(), t, task, tasks, rounds, until)))
            .collect();
        let mut refused = 0;
        let mut contention = 0;
        for handle in handles {
            let tally = handle.await.expect("a racing task");
            refused += tally.refused;
            contention += tally.contention;
        }
        println!("DONE {role} process {t}: {refused} refused, {contention} gave up on contention");
    });
}

/// Starts child `t` of a race on `schema`.
fn spawn_child(
    url: &str,
    schema: &str,
    t: u64,
    clock: SharedClock,
    rounds: u64,
    seconds: u64,
) -> Child {
    let exe = std::env::current_exe().expect("the test binary");
    Command::new(exe)
        .args([
            "--exact",
            "child_process_entry",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(CHILD, "race")
        .env("DATABASE_URL", url)
        .env("LEADPOOL_PG_SCHEMA", schema)
        .env("LEADPOOL_PG_T", t.to_string())
        .env("LEADPOOL_PG_START", clock.start.to_string())
        .env("LEADPOOL_PG_ROUNDS", rounds.to_string())
        .env("LEADPOOL_PG_SECONDS", seconds.to_string())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("a child process")
}

/// Reads a child's stdout on a thread of its own, counting `ACK` lines as they arrive.
fn collect(child: &mut Child, acks: Arc<AtomicUsize>) -> std::thread::JoinHandle<String> {
    let stdout = child.stdout.take().expect("piped stdout");
    std::thread::spawn(move || {
        let mut all = String::new();
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if line.contains("ACK {") {
                acks.fetch_add(1, Ordering::Relaxed);
            }
            all.push_str(&line);
            all.push('\n');
        }
        all
    })
}

/// A migrated schema with the team and policy installed, and the clock the race runs on.
async fn prepare(url: &str, test: &str) -> (PgStore, String, SharedClock) {
    let (store, schema) = fresh_store(url, test, 4).await;
    let clock = SharedClock::starting_now();
    let admin = AsyncPool::new(store.clone(), clock);
    assert!(admin.install(race::config()).await.expect("install"));
    (store, schema, clock)
}

#[test]
fn four_processes_racing_keep_every_invariant_and_the_log_matches_what_they_were_told() {
    let Some(url) = database_url("four_processes") else {
        return;
    };
    let _guard = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let started = Instant::now();
    let (store, schema, clock) = runtime().block_on(prepare(&url, "race"));
    let mut children: Vec<Child> = (0..4)
        .map(|t| spawn_child(&url, &schema, t, clock, 1_000, 4))
        .collect();
    let readers: Vec<_> = children
        .iter_mut()
        .map(|child| collect(child, Arc::new(AtomicUsize::new(0))))
        .collect();
    for (t, child) in children.iter_mut().enumerate() {
        let status = child.wait().expect("wait for a child");
        assert!(status.success(), "process {t} failed: {status}");
    }
    let mut told = Vec::new();
    for reader in readers {
        let output = reader.join().expect("a reader");
        let done = output
            .lines()
            .find(|l| l.starts_with("DONE"))
            .unwrap_or("no DONE line");
        eprintln!("{done}");
        told.extend(acknowledged(&output));
    }
    let events = told.len();
    let mut kinds = std::collections::BTreeMap::<String, usize>::new();
    for event in &told {
        let name = format!("{event:?}");
        let name = name
            .split([' ', '(', '{'])
            .next()
            .unwrap_or_default()
            .to_owned();
        *kinds.entry(name).or_default() += 1;
    }
    eprintln!("events told, by kind: {kinds:?}");
    let changes = runtime().block_on(verify(&store, told, true));
    eprintln!(
        "4 processes: {events} events acknowledged, all in the log, {changes} claims and \
         assignments re-admitted ({:.1?})",
        started.elapsed()
    );
    assert!(changes > 0, "the race moved some clients");
}

#[test]
fn a_process_killed_mid_run_loses_nothing_it_acknowledged() {
    let Some(url) = database_url("sigkill") else {
        return;
    };
    let _guard = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let started = Instant::now();
    let (store, schema, clock) = runtime().block_on(prepare(&url, "kill"));
    // Two processes; the first is killed once it has acknowledged a good number of events,
    // in the middle of its work; the second runs to the end.
    let mut victim = spawn_child(&url, &schema, 0, clock, 1_000, 60);
    let mut survivor = spawn_child(&url, &schema, 1, clock, 3, 20);
    let victim_acks = Arc::new(AtomicUsize::new(0));
    let victim_reader = collect(&mut victim, victim_acks.clone());
    let survivor_reader = collect(&mut survivor, Arc::new(AtomicUsize::new(0)));
    let deadline = Instant::now() + Duration::from_secs(30);
    while victim_acks.load(Ordering::Relaxed) < 200 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    victim.kill().expect("SIGKILL the victim");
    let status = victim.wait().expect("reap the victim");
    assert!(
        !status.success(),
        "the victim was killed, not finished: {status}"
    );
    let survivor_status = survivor.wait().expect("wait for the survivor");
    assert!(
        survivor_status.success(),
        "the survivor failed: {survivor_status}"
    );
    let victim_told = acknowledged(&victim_reader.join().expect("a reader"));
    let survivor_told = acknowledged(&survivor_reader.join().expect("a reader"));
    assert!(
        victim_told.len() >= 200,
        "the victim acknowledged {} events",
        victim_told.len()
    );
    let acknowledged_by_victim = victim_told.len();
    let mut told = victim_told;
    told.extend(survivor_told);
    runtime().block_on(verify(&store, told, false));
    eprintln!(
        "killed after {acknowledged_by_victim} acknowledged events: every one is in the log, \
         and the log folds to the stored state ({:.1?})",
        started.elapsed()
    );
}
