//! The async facade on a multi-threaded tokio runtime, as an axum or actix handler would call
//! it: no `spawn_blocking`, futures sent across threads, the same rules and retries as the
//! sync pool.

use chrono::{DateTime, TimeZone, Utc};
use leadpool::allocate::{AllocState, RoundRobin, Team};
use leadpool::clock::ManualClock;
use leadpool::ids::{ClientId, RepId};
use leadpool::model::{Client, Rep, Source};
use leadpool::pool::{Actor, AsyncPool, Config, Event, PoolError, PoolPolicy, PoolState};
use leadpool::store::MemoryStore;
use leadpool::txn::Retry;
use std::sync::Arc;
use std::time::Duration;

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 2, 9, 0, 0).unwrap()
}

fn config(cap: u32) -> Config {
    let team = Team::new((1..=4).map(|i| Rep::new(RepId(i), format!("rep {i}"))));
    let policy = PoolPolicy {
        admins: [RepId(900)].into(),
        private_cap: Some(cap),
        ..PoolPolicy::default()
    };
    Config::new(team, policy).unwrap()
}

fn assert_send<T: Send>(value: T) -> T {
    value
}

type Shared = Arc<AsyncPool<MemoryStore, ManualClock>>;

fn pool() -> Shared {
    let pool = AsyncPool::new(MemoryStore::new(), ManualClock::new(t0()))
        .with_retry(Retry::new(
            50,
            Duration::from_micros(50),
            Duration::from_millis(2),
        ))
        .with_sleep(|delay| Box::pin(tokio::time::sleep(delay)));
    Arc::new(pool)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn handlers_on_several_threads_claim_without_spawn_blocking_and_keep_every_cap() {
    let pool = pool();
    assert!(pool.install(config(3)).await.unwrap());
    assert!(
        !pool.install(config(9)).await.unwrap(),
        "the first configuration stays"
    );
    for id in 1..=20 {
        let client = Client::new(ClientId(id), format!("client {id}"), Source::Website, t0());
        pool.import(Actor::System, client).await.unwrap();
    }
    let mut tasks = Vec::new();
    for rep in 1..=4 {
        for id in 1..=20 {
            let pool = Arc::clone(&pool);
            // `tokio::spawn` needs a `Send` future: the pool's futures are.
            tasks.push(tokio::spawn(assert_send(async move {
                pool.claim(ClientId(id), RepId(rep)).await
            })));
        }
    }
    let mut won = 0;
    for task in tasks {
        match task.await.unwrap() {
            Ok(events) => {
                assert!(matches!(&events[..], [Event::OwnerChanged { .. }]));
                won += 1;
            }
            Err(PoolError::AlreadyOwned { .. } | PoolError::Refused { .. }) => {}
            Err(other) => panic!("unexpected: {other}"),
        }
    }
    assert_eq!(
        won, 12,
        "four reps, three each: every cap binds, none is passed"
    );
    let log: Vec<Event> = pool
        .events(0, 1_000)
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.event)
        .collect();
    let folded = PoolState::replay(Config::default(), &log);
    for rep in 1..=4 {
        assert_eq!(folded.owned_by(RepId(rep)).count(), 3);
        assert_eq!(
            pool.store_owned(RepId(rep)).await,
            folded.owned_by(RepId(rep)).collect::<Vec<_>>()
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rule_assignment_and_policy_changes_from_async_code() {
    let pool = pool();
    pool.install(config(1)).await.unwrap();
    for id in 1..=5 {
        let client = Client::new(ClientId(id), format!("client {id}"), Source::Website, t0());
        pool.import(Actor::System, client).await.unwrap();
    }
    let team = pool.config().await.unwrap().value.team().clone();
    let allocator = RoundRobin::new(&team);
    let mut state = AllocState::new();
    let mut rng = leadpool::seeded(1);
    let mut owners = Vec::new();
    for id in 1..=4 {
        let (decision, _) =
            assert_send(pool.assign_by_rule(ClientId(id), &allocator, &state, None, &mut rng))
                .await
                .unwrap();
        state.apply(&decision);
        owners.push(decision.rep.unwrap());
    }
    owners.sort();
    assert_eq!(owners, (1..=4).map(RepId).collect::<Vec<_>>());
    let full = pool
        .assign_by_rule(ClientId(5), &allocator, &state, None, &mut rng)
        .await;
    assert!(
        matches!(full, Err(PoolError::NobodyChosen { .. })),
        "{full:?}"
    );
    let mut raised = pool.config().await.unwrap().value.policy().clone();
    raised.private_cap = Some(2);
    let policy = Box::new(raised);
    pool.execute(
        Actor::Admin(RepId(900)),
        leadpool::pool::Command::ChangePolicy { policy },
    )
    .await
    .unwrap();
    assert_eq!(pool.config().await.unwrap().version, 2);
    let (decision, _) = pool
        .assign_by_rule(ClientId(5), &allocator, &state, None, &mut rng)
        .await
        .unwrap();
    assert!(decision.rep.is_some(), "the raised cap is in force at once");
}

trait OwnedList {
    async fn store_owned(&self, rep: RepId) -> Vec<ClientId>;
}

impl OwnedList for Shared {
    async fn store_owned(&self, rep: RepId) -> Vec<ClientId> {
        leadpool::store::AsyncStore::owned_by(self.store(), rep)
            .await
            .unwrap()
    }
}
