//! Many threads claiming the same clients, or importing the same company, through `Pool` over
//! `MemoryStore`: the optimistic versions let exactly one claim win per client, no rep passes
//! its cap or daily limit, and of two imports of one company exactly one is stored.

mod pool_support;

use chrono::{DateTime, Utc};
use leadpool::ManualClock;
use leadpool::clock::Clock;
use leadpool::error::{Conflict, StoreError};
use leadpool::ids::{ClientId, RepId};
use leadpool::model::DedupeKeys;
use leadpool::pool::Actor;
use leadpool::pool::{Config, Event, Pool, PoolError, PoolPolicy};
use leadpool::reason::Refusal;
use leadpool::store::{MemoryStore, Recorded, Store, Write};
use leadpool::txn::{Footprint, Plan, Retry, Snapshot};
use pool_support::read;
use pool_support::{client, t0, team};
use std::collections::BTreeMap;
use std::sync::Barrier;
use std::thread;

const CLIENTS: u64 = 40;
const REPS: u64 = 8;

#[test]
fn concurrent_claims_give_each_client_at_most_one_owner_and_respect_caps() {
    let policy = PoolPolicy {
        private_cap: Some(4),
        daily_claim_limit: Some(3),
        ..PoolPolicy::default()
    };
    let pool = pool(REPS, policy);
    for id in 1..=CLIENTS {
        pool.import(Actor::System, client(id)).unwrap();
    }
    check(&pool, &race(&pool), 3);
    // The next day the daily limit resets and the cap of 4 binds instead.
    pool.clock().advance(chrono::Duration::days(1));
    check(&pool, &race(&pool), 4);
}

type MemoryPool = Pool<MemoryStore, ManualClock>;

fn pool(reps: u64, policy: PoolPolicy) -> MemoryPool {
    let config = Config::new(team(reps), policy).unwrap();
    Pool::bootstrap(MemoryStore::new(), config, ManualClock::new(t0()))
        .unwrap()
        .with_retry(Retry::immediate(64))
}

type Outcomes = Vec<Vec<(ClientId, Result<(), PoolError>)>>;

fn race(pool: &MemoryPool) -> Outcomes {
    let barrier = Barrier::new(REPS as usize);
    thread::scope(|s| {
        let handles: Vec<_> = (1..=REPS)
            .map(|r| {
                let barrier = &barrier;
                s.spawn(move || {
                    barrier.wait();
                    // Every rep goes after every client, each starting at a different one.
                    (0..CLIENTS)
                        .map(|i| {
                            let id = ClientId((i + r * 5) % CLIENTS + 1);
                            (id, pool.claim(id, RepId(r)).map(|_| ()))
                        })
                        .collect()
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    })
}

fn check(pool: &MemoryPool, results: &Outcomes, per_rep: u32) {
    let mut wins: BTreeMap<ClientId, Vec<RepId>> = BTreeMap::new();
    for (r, outcomes) in results.iter().enumerate() {
        for (id, outcome) in outcomes {
            match outcome {
                Ok(()) => {
                    let rep = RepId(r as u64 + 1);
                    wins.entry(*id).or_default().push(rep);
                }
                Err(
                    PoolError::AlreadyOwned { .. }
                    | PoolError::Refused {
                        reason: Refusal::CapReached { .. } | Refusal::DailyLimit { .. },
                        ..
                    },
                ) => {}
                Err(other) => panic!("unexpected refusal: {other}"),
            }
        }
    }
    assert!(
        wins.values().all(|reps| reps.len() == 1),
        "a client won twice: {wins:?}"
    );
    let store = pool.store();
    let mut total = 0;
    for rep in (1..=REPS).map(RepId) {
        let owned = store.owned_by(rep).unwrap();
        let ledger = read::ledger(store, rep).value;
        let won_now = wins.values().filter(|reps| reps[0] == rep).count();
        assert_eq!(
            ledger.holding() as usize,
            owned.len(),
            "{rep}: ledger and rows agree"
        );
        assert_eq!(
            ledger.holding(),
            per_rep,
            "{rep} filled up to its limit, no further"
        );
        assert!(won_now <= 3, "{rep} passed the daily limit of 3");
        let today = pool.clock().now().date_naive();
        assert_eq!(
            ledger.claims_on(today) as usize,
            won_now,
            "{rep}: claims counted today"
        );
        total += owned.len();
    }
    let public = store.public_pool(leadpool::PoolId::DEFAULT).unwrap().len();
    assert_eq!(
        total + public,
        CLIENTS as usize,
        "nothing lost, nothing duplicated"
    );
    assert_eq!(total, (REPS * u64::from(per_rep)) as usize);
}

#[test]
fn concurrent_claims_by_one_rep_cannot_both_pass_the_cap_or_the_daily_limit() {
    for (policy, limit) in [
        (
            PoolPolicy {
                private_cap: Some(3),
                ..PoolPolicy::default()
            },
            3,
        ),
        (
            PoolPolicy {
                daily_claim_limit: Some(2),
                ..PoolPolicy::default()
            },
            2,
        ),
    ] {
        let pool = pool(1, policy);
        for id in 1..=16 {
            pool.import(Actor::System, client(id)).unwrap();
        }
        let barrier = Barrier::new(16);
        let wins: usize = thread::scope(|s| {
            let handles: Vec<_> = (1..=16u64)
                .map(|id| {
                    let (pool, barrier) = (&pool, &barrier);
                    s.spawn(move || {
                        barrier.wait();
                        match pool.claim(ClientId(id), RepId(1)) {
                            Ok(_) => 1,
                            Err(PoolError::Refused {
                                reason: Refusal::CapReached { .. } | Refusal::DailyLimit { .. },
                                ..
                            }) => 0,
                            Err(other) => panic!("unexpected refusal: {other}"),
                        }
                    })
                })
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).sum()
        });
        assert_eq!(wins, limit);
        let owned = pool.store().owned_by(RepId(1)).unwrap();
        assert_eq!(owned.len(), limit);
        assert_eq!(
            read::ledger(pool.store(), RepId(1)).value.holding() as usize,
            limit
        );
    }
}

#[test]
fn of_two_concurrent_imports_of_one_company_exactly_one_is_stored() {
    // Before the dedupe keys were part of the versioned commit, 25 of 200 rounds stored both.
    for round in 0..200u64 {
        let pool = pool(2, PoolPolicy::default());
        let barrier = Barrier::new(2);
        let company = format!("Shenzhen Widget {round} Co., Ltd.");
        let outcomes: Vec<Vec<Event>> = thread::scope(|s| {
            let handles: Vec<_> = [1u64, 2]
                .map(|id| {
                    let (pool, barrier, company) = (&pool, &barrier, &company);
                    s.spawn(move || {
                        let keys = DedupeKeys::from_raw(Some(company), None, None, None);
                        barrier.wait();
                        pool.import(Actor::System, client(id).with_keys(keys))
                            .unwrap()
                    })
                })
                .into_iter()
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        let imported = outcomes
            .iter()
            .filter(|events| matches!(events[..], [Event::Imported { .. }]))
            .count();
        let reported: Vec<ClientId> = outcomes
            .iter()
            .filter_map(|events| match events[..] {
                [Event::DuplicateReported { existing, .. }] => Some(existing),
                _ => None,
            })
            .collect();
        assert_eq!(imported, 1, "round {round}: {outcomes:?}");
        assert_eq!(pool.store().len(), 1, "round {round}");
        let stored = pool.store().clients()[0].value.id();
        assert_eq!(
            reported,
            [stored],
            "the loser is told which client it duplicates"
        );
    }
}

/// A store under ordinary write load: every row a plan writes has been written by another
/// instance meanwhile with probability 1 in 30, so the commit meets a stale version and is
/// refused with a conflict (as a database would refuse it). A plan writing many rows almost
/// never gets through; a short one almost always does.
struct UnderLoad {
    store: MemoryStore,
    rng: std::sync::Mutex<leadpool::LeadRng>,
}

impl Store for UnderLoad {
    fn load(&self, footprint: &Footprint) -> Result<Snapshot, StoreError> {
        self.store.load(footprint)
    }
    fn commit(&self, plan: &Plan) -> Result<u64, StoreError> {
        for write in plan.writes() {
            let hit = {
                let mut rng = self.rng.lock().unwrap();
                leadpool::rng::below(&mut *rng, 30) == 0
            };
            if let (true, Write::Update { client, expected }) = (hit, write) {
                return Err(StoreError::Conflict(Conflict::Client {
                    id: client.id(),
                    expected: *expected,
                    found: expected + 1,
                }));
            }
        }
        self.store.commit(plan)
    }
    fn due(&self, now: DateTime<Utc>, limit: usize) -> Result<Vec<ClientId>, StoreError> {
        self.store.due(now, limit)
    }
    fn events(&self, after: u64, limit: usize) -> Result<Vec<Recorded>, StoreError> {
        self.store.events(after, limit)
    }
    fn owned_by(&self, rep: RepId) -> Result<Vec<ClientId>, StoreError> {
        self.store.owned_by(rep)
    }
    fn public_pool(&self, pool: leadpool::PoolId) -> Result<Vec<ClientId>, StoreError> {
        self.store.public_pool(pool)
    }
}

#[test]
fn a_sweep_releases_every_due_client_under_ordinary_write_load() {
    // 200 clients are due. A sweep that committed every release in one batch met a stale row
    // on almost every attempt (1 - (29/30)^202: 99.9%) and gave up with `Contention`, releasing
    // nothing; one release per commit, each with its own retries, gets every one through.
    let policy = PoolPolicy {
        remind_after_days: Some(1),
        release_after_reminder_days: 1,
        ..PoolPolicy::default()
    };
    let config = Config::new(team(2), policy).unwrap();
    let store = UnderLoad {
        store: MemoryStore::new(),
        rng: std::sync::Mutex::new(leadpool::seeded(7)),
    };
    let pool = Pool::bootstrap(store, config, ManualClock::new(t0())).unwrap();
    for id in 1..=200 {
        pool.import(Actor::System, client(id)).unwrap();
    }
    for id in 1..=200 {
        pool.claim(ClientId(id), RepId(id % 2 + 1)).unwrap();
    }
    pool.clock().advance(chrono::Duration::days(3));
    let whole_batch = pool.execute(Actor::System, leadpool::pool::Command::Sweep);
    assert!(
        matches!(whole_batch, Err(PoolError::Contention { .. })),
        "the one-batch sweep should not get through this load: {whole_batch:?}"
    );
    let report = pool.sweep().unwrap();
    assert!(report.skipped.is_empty(), "{:?}", report.skipped);
    let released = report
        .events
        .iter()
        .filter(|e| matches!(e, Event::Released { .. }))
        .count();
    assert_eq!(released, 200);
    for rep in [RepId(1), RepId(2)] {
        assert_eq!(read::ledger(pool.store(), rep).value.holding(), 0);
    }
}
