//! The workload that racing processes run, and the checks on what they leave behind.

use chrono::{DateTime, Duration, TimeZone, Utc};
use leadpool::allocate::{AllocState, LeastLoaded, Team};
use leadpool::clock::Clock;
use leadpool::ids::{ClientId, PoolId, RepId};
use leadpool::model::{Client, ContactLevel, DedupeKey, DedupeKeys, Rep, Source};
use leadpool::pool::Actor;
use leadpool::pool::admission::{Route, admit};
use leadpool::pool::{
    Assigner, AsyncPool, Command, Config, Event, PoolError, PoolPolicy, PoolState, Via, evolve,
};
use leadpool::store::AsyncStore;
use leadpool::txn::{Footprint, Retry};
use leadpool_postgres::PgStore;
use std::collections::BTreeSet;
use std::io::Write as _;
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

/// Reps on the team; process `t` works for reps `t + 1` (and its second task for the same).
pub const REPS: u64 = 4;
/// Companies every process imports (under ids of its own): all but one import of each is a
/// duplicate.
pub const COMPANIES: u64 = 16;

/// The instant the simulated calendar starts at.
pub fn base() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 23, 9, 0, 0)
        .single()
        .unwrap_or_default()
}

pub fn policy(cap: u32) -> PoolPolicy {
    PoolPolicy {
        admins: [RepId(900)].into(),
        private_cap: Some(cap),
        remind_after_days: Some(1),
        release_after_reminder_days: 1,
        ..PoolPolicy::default()
    }
}

pub fn config() -> Config {
    let team = Team::new((1..=REPS).map(|i| Rep::new(RepId(i), format!("rep {i}"))));
    Config::new(team, policy(3)).expect("a valid configuration")
}

pub fn company(n: u64) -> DedupeKeys {
    DedupeKeys {
        company: Some(format!("company {n}")),
        ..DedupeKeys::default()
    }
}

/// The id process `t` gives its import of company `n`.
pub fn id_of(t: u64, n: u64) -> ClientId {
    ClientId(1000 * (t + 1) + n)
}

/// A clock every process reads alike: the simulated calendar runs one day per wall-clock
/// second since `start` (nanoseconds since 1970), so sweeps find reminders and releases due
/// within a run of a few seconds.
#[derive(Clone, Copy, Debug)]
pub struct SharedClock {
    pub start: i128,
}

impl SharedClock {
    pub fn starting_now() -> Self {
        Self {
            start: wall_nanos(),
        }
    }
}

fn wall_nanos() -> i128 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos() as i128)
        .unwrap_or(0)
}

impl Clock for SharedClock {
    fn now(&self) -> DateTime<Utc> {
        let elapsed = (wall_nanos() - self.start).max(0);
        let simulated = elapsed.saturating_mul(86_400).min(i64::MAX as i128) as i64;
        base() + Duration::nanoseconds(simulated)
    }
}

/// What one task of a racing process saw, besides the events it printed.
#[derive(Debug, Default, Clone, Copy)]
pub struct Tally {
    pub refused: u64,
    pub contention: u64,
}

/// Prints each event as an `ACK` line the moment the commit that made it is acknowledged.
fn acknowledge(events: &[Event]) {
    let mut out = std::io::stdout().lock();
    for event in events {
        let line = serde_json::to_string(event).expect("events serialise");
        // One write per line: a SIGKILL never leaves a half line before a whole one.
        let _ = out.write_all(format!("ACK {line}\n").as_bytes());
    }
    let _ = out.flush();
}

/// What a command's outcome means for the race: events printed, a refusal counted, and any
/// error that is neither a refusal nor contention is a failure of the store.
fn keep(tally: &mut Tally, outcome: Result<Vec<Event>, PoolError>) {
    match outcome {
        Ok(events) => acknowledge(&events),
        Err(PoolError::Contention { .. }) => tally.contention += 1,
        Err(PoolError::Store(error)) => panic!("store failed: {error}"),
        Err(_) => tally.refused += 1,
    }
}

/// One task of racing process `t`: imports every company whose number has the task's parity,
/// then `rounds` rounds (or until `until`, whichever comes first) of claims, rule assignments,
/// releases and follow-ups over every process's ids, a sweep per round, and (task 0 of
/// process 0) a policy change per round that lowers and raises the cap.
pub async fn race_task<S: AsyncStore + 'static>(
    pool: Arc<AsyncPool<S, SharedClock>>,
    t: u64,
    task: u64,
    tasks: u64,
    rounds: u64,
    until: std::time::Instant,
) -> Tally {
    let mut tally = Tally::default();
    let worker = t * tasks + task;
    for n in (0..COMPANIES).filter(|n| n % tasks == task) {
        let id = id_of(t, n);
        let client = Client::new(id, format!("company {n} by {t}"), Source::Website, base())
            .with_keys(company(n));
        keep(&mut tally, pool.import(Actor::System, client).await);
    }
    let rep = RepId(t % REPS + 1);
    let allocator = LeastLoaded::default();
    let alloc_state = AllocState::default();
    let mut rng = leadpool::seeded(worker);
    for round in 0..rounds {
        if std::time::Instant::now() >= until {
            break;
        }
        for n in 0..COMPANIES {
            for owner in 0..REPS {
                let id = id_of(owner, (n + worker * 3) % COMPANIES);
                let outcome = match (n + round + worker + owner) % 6 {
                    0..=2 => pool.claim(id, rep).await,
                    3 => pool
                        .assign_by_rule(id, &allocator, &alloc_state, None, &mut rng)
                        .await
                        .map(|(_, events)| events),
                    4 => {
                        let note = "not a fit".into();
                        pool.execute(
                            Actor::Rep(rep),
                            Command::Release {
                                client: id,
                                rep,
                                note,
                            },
                        )
                        .await
                    }
                    _ => {
                        let (level, note) = (ContactLevel::Phone, "called".into());
                        let follow_up = Command::FollowUp {
                            client: id,
                            rep,
                            level,
                            note,
                        };
                        pool.execute(Actor::Rep(rep), follow_up).await
                    }
                };
                keep(&mut tally, outcome);
            }
        }
        if t == 0 && task == 0 {
            let cap = if round % 2 == 0 { 2 } else { 5 };
            let policy = Box::new(policy(cap));
            keep(
                &mut tally,
                pool.execute(Actor::Admin(RepId(900)), Command::ChangePolicy { policy })
                    .await,
            );
        }
        match pool.sweep().await {
            Ok(report) => {
                acknowledge(&report.events);
                for (_, error) in report.skipped {
                    keep(&mut tally, Err(error));
                }
            }
            Err(error) => keep(&mut tally, Err(error)),
        }
    }
    tally
}

/// A pool over `store` as a racing process runs it: retries patient enough for four
/// processes on two cores.
pub fn racing_pool(
    store: PgStore,
    clock: SharedClock,
    seed: u64,
) -> AsyncPool<PgStore, SharedClock> {
    AsyncPool::new(store, clock)
        .with_retry(Retry::new(
            30,
            std::time::Duration::from_millis(1),
            std::time::Duration::from_millis(50),
        ))
        .with_jitter_seed(seed)
        .with_sleep(|d| Box::pin(tokio::time::sleep(d)))
}

/// The `ACK` lines of a process's output, as events. A last line cut short by a kill is left
/// out; any other line that does not parse fails the test.
pub fn acknowledged(output: &str) -> Vec<Event> {
    let lines: Vec<&str> = output.lines().collect();
    let mut events = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        // libtest's "test child_process_entry ... " has no newline: the first ACK follows it.
        let Some(at) = line.find("ACK {") else {
            continue;
        };
        let json = &line[at + 4..];
        match serde_json::from_str::<Event>(json) {
            Ok(event) => events.push(event),
            Err(_) if i + 1 == lines.len() => {}
            Err(error) => panic!("unreadable ACK line {line:?}: {error}"),
        }
    }
    events
}

/// What the store holds after a race, checked against the log and against what the processes
/// were told:
///
/// - positions run 1, 2, 3, … without a gap;
/// - every company is carried by exactly one client;
/// - folding the log, every claim and assignment was admissible under the policy in force
///   when it committed (no cap exceeded, whichever policy that was);
/// - `exact`: the events the processes were told of are exactly the log after the install
///   (one event per committed change, none for a refused one); otherwise (a process was
///   killed) every event it was told of is in the log;
/// - the log folds to the stored state: configuration, every client, every ledger, and the
///   owner and public-pool listings.
pub async fn verify(store: &PgStore, told: Vec<Event>, exact: bool) -> usize {
    let recorded = store.events(0, usize::MAX).await.expect("events");
    for (i, r) in recorded.iter().enumerate() {
        assert_eq!(r.seq, i as u64 + 1, "log positions are consecutive from 1");
    }
    let log: Vec<Event> = recorded.into_iter().map(|r| r.event).collect();
    for n in 0..COMPANIES {
        let key = DedupeKey::Company(format!("company {n}"));
        let snapshot = store
            .load(&Footprint::config().with_keys([key]))
            .await
            .expect("load by key");
        assert_eq!(
            snapshot.clients().count(),
            1,
            "clients carrying company {n}"
        );
    }
    let mut state = PoolState::new(Config::default());
    let mut changes = 0;
    for event in &log {
        if let Event::OwnerChanged {
            client,
            to,
            via,
            at,
            ..
        } = event
        {
            let route = match via {
                Via::Claim { .. } => Some(Route::Claim),
                Via::Assign {
                    by: Assigner::Rule { .. },
                } => Some(Route::RuleAssignment),
                Via::Assign {
                    by: Assigner::Manager,
                } => Some(Route::ManagerAssignment),
                _ => None,
            };
            if let Some(route) = route {
                let claimed = state
                    .client(*client)
                    .unwrap_or_else(|| panic!("the log moves unknown {client}"));
                if let Err(refusal) = admit(&state, route, *to, &[claimed], *at) {
                    panic!(
                        "{to} took {client} by {route:?}, which the policy in force refused: \
                         {refusal}"
                    );
                }
                changes += 1;
            }
        }
        evolve(&mut state, event);
    }
    let key = |e: &Event| format!("{e:?}");
    let mut told = told;
    told.sort_by_key(key);
    let mut logged = log[2..].to_vec();
    logged.sort_by_key(key);
    if exact {
        if told.len() != logged.len() {
            let mut rest: Vec<String> = told.iter().map(key).collect();
            for event in &logged {
                let k = key(event);
                match rest.binary_search(&k) {
                    Ok(i) => {
                        rest.remove(i);
                    }
                    Err(_) => eprintln!("logged, not told: {k}"),
                }
            }
            for k in rest {
                eprintln!("told, not logged: {k}");
            }
        }
        assert_eq!(told.len(), logged.len(), "events told against the log");
        assert!(told == logged, "the events told are not the log");
    } else {
        let mut missing = Vec::new();
        let mut pool: Vec<String> = logged.iter().map(key).collect();
        for event in &told {
            let k = key(event);
            match pool.binary_search(&k) {
                Ok(i) => {
                    pool.remove(i);
                }
                Err(_) => missing.push(k),
            }
        }
        assert!(
            missing.is_empty(),
            "{} acknowledged events are not in the log: {:?}",
            missing.len(),
            missing.first()
        );
    }
    // The log folds to the stored state.
    let folded = PoolState::replay(Config::default(), &log);
    let ids: Vec<ClientId> = folded.clients().map(|c| c.id()).collect();
    let reps: Vec<RepId> = folded.team().reps().iter().map(|r| r.id).collect();
    let stored = store
        .load(
            &Footprint::config()
                .with_clients(ids.iter().copied())
                .with_reps(reps.iter().copied()),
        )
        .await
        .expect("load everything");
    assert_eq!(
        stored.config().map(|c| &c.value),
        Some(folded.config()),
        "configuration folded from the log"
    );
    for &id in &ids {
        assert_eq!(
            stored.client(id).map(|c| &c.value),
            folded.client(id),
            "{id} folded from the log"
        );
    }
    for &rep in &reps {
        let stored_ledger = stored
            .ledgers()
            .find(|l| l.value.rep() == rep)
            .map(|l| &l.value);
        let empty = leadpool::model::RepLedger::new(rep);
        assert_eq!(
            stored_ledger.unwrap_or(&empty),
            folded.ledger_ref(rep).unwrap_or(&empty),
            "ledger of {rep} folded from the log"
        );
        let owned: Vec<ClientId> = folded
            .clients()
            .filter(|c| c.owner() == Some(rep))
            .map(|c| c.id())
            .collect();
        assert_eq!(
            store.owned_by(rep).await.expect("owned_by"),
            owned,
            "owned_by({rep})"
        );
    }
    let public: Vec<ClientId> = folded
        .clients()
        .filter(|c| c.owner().is_none() && c.pool() == PoolId::DEFAULT)
        .map(|c| c.id())
        .collect();
    assert_eq!(
        store
            .public_pool(PoolId::DEFAULT)
            .await
            .expect("public_pool"),
        public,
        "public pool"
    );
    let listed: BTreeSet<ClientId> = ids.iter().copied().collect();
    assert_eq!(listed.len(), ids.len());
    changes
}
