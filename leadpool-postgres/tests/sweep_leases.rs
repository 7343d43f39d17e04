//! The due-client queue shared by instances: `due` leases what it returns to the instance that
//! asked, so concurrent sweeps split the work, and a lease expires on the caller's clock.

mod common;

use chrono::{Duration, TimeZone, Utc};
use common::{TENANT, config_in, database_url, fresh_store, runtime};
use leadpool::allocate::Team;
use leadpool::clock::ManualClock;
use leadpool::ids::{ClientId, RepId};
use leadpool::model::{Client, Rep, Source};
use leadpool::pool::Actor;
use leadpool::pool::{AsyncPool, Config, PoolPolicy};
use leadpool::store::AsyncStore;
use leadpool_postgres::PgStore;
use std::collections::BTreeSet;

#[test]
fn instances_split_the_due_clients_and_leases_expire() {
    let Some(url) = database_url("leases") else {
        return;
    };
    runtime().block_on(async {
        let (first, schema) = fresh_store(&url, "lease", 2).await;
        let first = first.with_sweep_lease(std::time::Duration::from_secs(60));
        let second = PgStore::connect_config(config_in(&url, &schema), 2, TENANT)
            .expect("a pool")
            .with_sweep_lease(std::time::Duration::from_secs(60));
        let now = Utc
            .with_ymd_and_hms(2026, 11, 2, 9, 0, 0)
            .single()
            .unwrap_or_default();
        let clock = ManualClock::new(now);
        let pool = AsyncPool::new(first.clone(), clock.clone());
        let team = Team::new([Rep::new(RepId(1), "Li")]);
        let policy = PoolPolicy {
            remind_after_days: Some(1),
            release_after_reminder_days: 1,
            ..PoolPolicy::default()
        };
        pool.install(Config::new(team, policy).expect("config"))
            .await
            .expect("install");
        for id in 1..=6 {
            pool.import(
                Actor::System,
                Client::new(ClientId(id), format!("c{id}"), Source::Website, now),
            )
            .await
            .expect("import");
            pool.claim(ClientId(id), RepId(1)).await.expect("claim");
            clock.advance(Duration::seconds(1));
        }
        let later = now + Duration::days(3);
        let all: Vec<ClientId> = (1..=6).map(ClientId).collect();

        // The first instance takes three; the second gets the other three, never the same.
        let a = first.due(later, 3).await.expect("due");
        let b = second.due(later, 10).await.expect("due");
        assert_eq!(a, all[..3].to_vec(), "ascending (deadline, id)");
        assert_eq!(
            b,
            all[3..].to_vec(),
            "the rest, not what the first instance leased"
        );
        // An instance still sees its own leases (a sweep pages through them).
        assert_eq!(first.due(later, 10).await.expect("due"), a);
        // Nothing is left for a third look by the second instance within the lease…
        let again: BTreeSet<ClientId> = second
            .due(later, 10)
            .await
            .expect("due")
            .into_iter()
            .collect();
        assert_eq!(again, b.iter().copied().collect());
        // …and once the lease has run out on the caller's clock, everything is due again.
        let expired = later + Duration::seconds(61);
        assert_eq!(second.due(expired, 10).await.expect("due"), all);

        // Sweeps by two instances at once release every client exactly once.
        let sweeper = |store: PgStore| {
            let clock = ManualClock::new(expired + Duration::minutes(10));
            async move { AsyncPool::new(store, clock).sweep().await.expect("a sweep") }
        };
        let (ra, rb) = tokio::join!(sweeper(first.clone()), sweeper(second.clone()));
        assert!(ra.skipped.is_empty() && rb.skipped.is_empty());
        let released = ra.events.len() + rb.events.len();
        assert_eq!(released, 6, "one release per client: {ra:?} {rb:?}");
        assert_eq!(
            first
                .public_pool(leadpool::ids::PoolId::DEFAULT)
                .await
                .expect("pool"),
            all
        );
    });
}
