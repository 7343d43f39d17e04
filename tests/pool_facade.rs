//! The `Pool` facade over a store, the allocator view, the 撞单 check and the reports.

mod pool_support;

use leadpool::allocate::{
    AllocState, Allocator, Decision, ExclusionReason, Explanation, Request, TeamView,
};
use leadpool::ids::{ClientId, RepId};
use leadpool::model::{ContactLevel, DedupeKeys, Region};
use leadpool::pool::{
    Assigner, Event, Pool, PoolError, PoolPolicy, PoolView, Route, TransferScope,
};
use leadpool::rng::{Rng, seeded};
use leadpool::store::{ClientStore, MemoryStore};
use pool_support::*;

/// A test allocator: the rep with the lightest open load the pool would not refuse.
struct LightestLoad;

impl Allocator for LightestLoad {
    fn allocate(&self, request: &Request<'_>, _rng: &mut dyn Rng) -> Decision {
        let mut excluded = Vec::new();
        let mut best = None;
        for rep in request.team.reps() {
            if let Some(exclusion) = request.view.pool_refusal(rep.id, request.client) {
                excluded.push(exclusion);
                continue;
            }
            let load = request.view.open_load(rep.id);
            if best.is_none_or(|(_, l)| load < l) {
                best = Some((rep.id, load));
            }
        }
        let explanation = Explanation {
            rule: "lightest_load".into(),
            considered: request.team.len() as u32,
            excluded,
            reason: "fewest open clients".into(),
            figure: best.map(|(_, l)| f64::from(l)),
            steps: Vec::new(),
        };
        match best {
            Some((rep, _)) => Decision::assigned(request.client.id, rep, explanation),
            None => Decision::unassigned(request.client.id, explanation),
        }
    }
}

fn seed_pool(clients: u64) -> Pool<MemoryStore> {
    let policy = PoolPolicy {
        private_cap: Some(2),
        ..seed_policy()
    };
    let pool = Pool::new(MemoryStore::new(), team(3), policy);
    for id in 1..=clients {
        pool.import(client(id), t0()).unwrap();
    }
    pool
}

#[test]
fn facade_runs_the_life_cycle_against_the_store() {
    let pool = seed_pool(3);
    pool.claim(ClientId(1), A, t0()).unwrap();
    pool.follow_up(ClientId(1), A, ContactLevel::Phone, "called", day(1))
        .unwrap();
    pool.claim(ClientId(2), B, t0()).unwrap();
    let store = pool.store();
    assert_eq!(store.due_by(day(7)).unwrap(), [ClientId(2)]);
    let events = pool.sweep(day(10)).unwrap();
    assert!(
        matches!(&events[..], [Event::Released { client: released, .. }, Event::Reminded { client, .. }]
        if *client == ClientId(1) && *released == ClientId(2))
    );
    let c2 = store.get(ClientId(2)).unwrap().unwrap().value;
    assert!(c2.is_public());
    assert_eq!(store.ledger(B).unwrap().value.holding, 0);
    assert_eq!(
        pool.claim(ClientId(2), B, day(11)).unwrap_err(),
        PoolError::Cooldown {
            client: ClientId(2),
            rep: B,
            until: day(15)
        }
    );
    pool.claim(ClientId(2), C, day(11)).unwrap();
    pool.claim(ClientId(3), C, day(11)).unwrap();
    let versions = |s: &MemoryStore| {
        let rows: Vec<u64> = (1..=3)
            .map(|id| s.get(ClientId(id)).unwrap().unwrap().version)
            .collect();
        let ledgers: Vec<u64> = [A, C].map(|r| s.ledger(r).unwrap().version).to_vec();
        (rows, ledgers)
    };
    let before = versions(store);
    let full = pool
        .transfer(A, C, TransferScope::All, day(12))
        .unwrap_err();
    assert_eq!(
        full,
        PoolError::CapReached {
            rep: C,
            holding: 2,
            cap: 2
        }
    );
    assert_eq!(versions(store), before, "a refused command writes nothing");
    pool.release(ClientId(2), C, "moved abroad", day(12))
        .unwrap();
    pool.transfer(A, C, TransferScope::All, day(12)).unwrap();
    assert_eq!(store.owned_by(C).unwrap(), [ClientId(1), ClientId(3)]);
    pool.mark_deal(ClientId(1), B, day(13)).unwrap();
    assert_eq!(
        store.get(ClientId(1)).unwrap().unwrap().value.deal_owner(),
        Some(C)
    );
    assert_eq!(store.ledger(C).unwrap().value.holding_won, 1);
}

#[test]
fn facade_import_reports_duplicates_found_through_the_store() {
    let pool = seed_pool(0);
    let keys = |name| DedupeKeys::from_raw(Some(name), None, None, None);
    pool.import(client(1).with_keys(keys("Shenzhen Widget Co., Ltd.")), t0())
        .unwrap();
    let events = pool
        .import(client(2).with_keys(keys("shenzhen widget")), t0())
        .unwrap();
    assert!(
        matches!(&events[..], [Event::DuplicateReported { existing, .. }] if *existing == ClientId(1))
    );
    assert_eq!(pool.store().len(), 1);
    assert_eq!(
        pool.import(client(1), t0()).unwrap_err(),
        PoolError::DuplicateId(ClientId(1))
    );
}

#[test]
fn assign_by_rule_publishes_the_allocators_explanation() {
    let pool = seed_pool(4);
    pool.claim(ClientId(1), A, t0()).unwrap();
    pool.claim(ClientId(2), A, t0()).unwrap();
    pool.claim(ClientId(3), B, t0()).unwrap();
    let (decision, events) = pool
        .assign_by_rule(
            ClientId(4),
            &LightestLoad,
            &AllocState::new(),
            &mut seeded(1),
            day(1),
        )
        .unwrap();
    assert_eq!(decision.rep, Some(C));
    assert!(
        decision
            .explanation
            .excluded
            .iter()
            .any(|e| e.rep == A && e.reason == ExclusionReason::AtCap { holding: 2, cap: 2 })
    );
    match &events[..] {
        [
            Event::OwnerChanged {
                to,
                route:
                    Route::Assign {
                        by: Assigner::Rule { explanation },
                    },
                ..
            },
        ] => {
            assert_eq!(*to, C);
            assert_eq!(explanation.rule, "lightest_load");
        }
        other => panic!("expected a rule assignment, got {other:?}"),
    }
}

#[test]
fn manager_assignment_names_the_rep_and_respects_the_cap() {
    let pool = seed_pool(3);
    pool.assign_by_manager(ClientId(1), B, "Wang", t0())
        .unwrap();
    pool.assign_by_manager(ClientId(2), B, "Wang", t0())
        .unwrap();
    let err = pool
        .assign_by_manager(ClientId(3), B, "Wang", t0())
        .unwrap_err();
    assert_eq!(
        err,
        PoolError::CapReached {
            rep: B,
            holding: 2,
            cap: 2
        }
    );
}

#[test]
fn facade_policy_change_retimes_stored_clients() {
    let pool = seed_pool(2);
    pool.claim(ClientId(1), A, t0()).unwrap();
    let next = PoolPolicy {
        remind_after_days: Some(20),
        ..pool.policy()
    };
    pool.change_policy(next.clone(), day(1)).unwrap();
    assert_eq!(pool.policy(), next);
    let c = pool.store().get(ClientId(1)).unwrap().unwrap().value;
    assert_eq!(
        (c.custody.timers.remind_at, c.custody.timers.release_at),
        (Some(day(20)), Some(day(23)))
    );
    assert_eq!(c.deadline, Some(day(20)));
}

#[test]
fn pool_view_reports_what_the_pool_would_refuse() {
    let policy = PoolPolicy {
        private_cap: Some(1),
        daily_claim_limit: Some(1),
        ..seed_policy()
    };
    let mut w = World::new(3, policy);
    w.import(1..=3);
    w.claim(1, A, t0()).unwrap();
    w.claim(2, B, t0()).unwrap();
    w.run(
        leadpool::pool::Command::Release {
            client: ClientId(2),
            rep: B,
            reason: "no".into(),
        },
        day(1),
    )
    .unwrap();
    let view = PoolView::new(&w.state, &w.policy, day(1));
    let c3 = w.state.client(ClientId(3)).unwrap();
    let c2 = w.state.client(ClientId(2)).unwrap();
    assert_eq!(
        view.pool_refusal(A, c3).map(|e| e.reason),
        Some(ExclusionReason::AtCap { holding: 1, cap: 1 })
    );
    assert_eq!(
        view.pool_refusal(B, c2).map(|e| e.reason),
        Some(ExclusionReason::Cooldown { until: day(6) })
    );
    assert_eq!(view.pool_refusal(C, c3), None);
    assert_eq!(view.open_load(A), 1);
    assert_eq!(view.last_assigned_at(A), Some(t0()));
    assert_eq!(view.received_since(A, t0()), 1);
    assert_eq!(view.received_since(A, day(1)), 0);
    assert_eq!(view.held_in_region(A, &Region::world()), 1);
    let same_day = PoolView::new(&w.state, &w.policy, t0());
    let reason = same_day.pool_refusal(C, c3).map(|e| e.reason);
    assert_eq!(reason, None);
}

#[test]
fn view_finds_the_prior_contact_by_dedupe_keys() {
    let mut w = World::new(2, seed_policy());
    let keys = DedupeKeys::from_raw(Some("Acme"), Some("+86 138 0013 8000"), None, Some("86"));
    w.run(
        leadpool::pool::Command::Import {
            client: Box::new(client(1).with_keys(keys.clone())),
        },
        t0(),
    )
    .unwrap();
    w.run(
        leadpool::pool::Command::FollowUp {
            client: ClientId(1),
            rep: B,
            level: ContactLevel::Visit,
            note: String::new(),
        },
        day(1),
    )
    .unwrap();
    let view = PoolView::new(&w.state, &w.policy, day(2));
    let card = DedupeKeys::from_raw(None, Some("13800138000"), None, Some("86"));
    let prior = view.prior_contact(&card).expect("the phone matches");
    assert_eq!(
        (prior.rep, prior.client, prior.level, prior.since),
        (B, ClientId(1), Some(ContactLevel::Visit), day(1))
    );
}

/// A store where another writer always wins the race.
struct AlwaysStale(MemoryStore);

impl ClientStore for AlwaysStale {
    fn get(
        &self,
        id: ClientId,
    ) -> Result<Option<leadpool::store::Versioned<leadpool::model::Client>>, leadpool::StoreError>
    {
        self.0.get(id)
    }
    fn ledger(
        &self,
        rep: RepId,
    ) -> Result<leadpool::store::Versioned<leadpool::store::RepLedger>, leadpool::StoreError> {
        self.0.ledger(rep)
    }
    fn commit(&self, batch: &leadpool::store::Batch) -> Result<Vec<u64>, leadpool::StoreError> {
        match batch.first() {
            Some(leadpool::store::Write::Update { client, expected }) => {
                Err(leadpool::StoreError::Conflict {
                    id: client.id,
                    expected: *expected,
                    found: expected + 1,
                })
            }
            _ => self.0.commit(batch),
        }
    }
    fn owned_by(&self, rep: RepId) -> Result<Vec<ClientId>, leadpool::StoreError> {
        self.0.owned_by(rep)
    }
    fn public_pool(
        &self,
        pool: leadpool::ids::PoolId,
    ) -> Result<Vec<ClientId>, leadpool::StoreError> {
        self.0.public_pool(pool)
    }
    fn find_by_key(
        &self,
        key: &leadpool::model::DedupeKey,
    ) -> Result<Vec<ClientId>, leadpool::StoreError> {
        self.0.find_by_key(key)
    }
    fn due_by(
        &self,
        instant: chrono::DateTime<chrono::Utc>,
    ) -> Result<Vec<ClientId>, leadpool::StoreError> {
        self.0.due_by(instant)
    }
}

#[test]
fn facade_gives_up_after_bounded_retries_with_a_typed_error_and_writes_nothing() {
    let pool = Pool::new(AlwaysStale(MemoryStore::new()), team(2), seed_policy()).with_attempts(3);
    pool.import(client(1), t0()).unwrap();
    let err = pool.claim(ClientId(1), A, t0()).unwrap_err();
    assert!(matches!(
        err,
        PoolError::Contention {
            attempts: 3,
            last: leadpool::StoreError::Conflict { .. }
        }
    ));
    let stored = pool.store().0.get(ClientId(1)).unwrap().unwrap();
    assert_eq!((stored.version, stored.value.owner), (1, None));
    assert_eq!(pool.store().0.ledger(A).unwrap().version, 0);
}

#[test]
fn in_memory_assign_by_rule_skips_reps_the_pool_would_refuse() {
    let policy = PoolPolicy {
        private_cap: Some(1),
        ..seed_policy()
    };
    let mut w = World::new(3, policy);
    w.import(1..=3);
    w.claim(1, A, t0()).unwrap();
    let mut alloc = AllocState::new();
    let (decision, events) = leadpool::pool::assign_by_rule(
        &mut w.state,
        &w.policy,
        ClientId(2),
        &LightestLoad,
        &mut alloc,
        &mut seeded(3),
        day(1),
    )
    .unwrap();
    assert_eq!(decision.rep, Some(B));
    assert!(matches!(&events[..], [Event::OwnerChanged { to, .. }] if *to == B));
    let (decision, _) = leadpool::pool::assign_by_rule(
        &mut w.state,
        &w.policy,
        ClientId(3),
        &LightestLoad,
        &mut alloc,
        &mut seeded(3),
        day(1),
    )
    .unwrap();
    assert_eq!(decision.rep, Some(C));
    w.import([4]);
    let before = w.state.clone();
    let err = leadpool::pool::assign_by_rule(
        &mut w.state,
        &w.policy,
        ClientId(4),
        &LightestLoad,
        &mut alloc,
        &mut seeded(3),
        day(1),
    )
    .unwrap_err();
    assert!(matches!(
        err,
        PoolError::NobodyChosen {
            client: ClientId(4),
            ..
        }
    ));
    assert_eq!(w.state, before);
}

#[test]
fn ledgers_count_clients_held_per_region_and_recent_receipts_through_the_store() {
    let pool = seed_pool(0);
    let region = |path: &str| path.parse::<Region>().unwrap();
    pool.import(client(1).with_region(region("CN/Guangdong/Shenzhen")), t0())
        .unwrap();
    pool.import(client(2).with_region(region("CN/Zhejiang/Hangzhou")), t0())
        .unwrap();
    pool.claim(ClientId(1), A, t0()).unwrap();
    pool.claim(ClientId(2), A, day(1)).unwrap();
    let ledger = pool.store().ledger(A).unwrap().value;
    assert_eq!(ledger.held_in_region(&region("CN/Guangdong")), 1);
    assert_eq!(ledger.held_in_region(&region("CN")), 2);
    assert_eq!(ledger.held_in_region(&Region::world()), 2);
    assert_eq!(ledger.received_since(day(1)), 1);
    pool.release(ClientId(1), A, "duplicate of a key account", day(2))
        .unwrap();
    let ledger = pool.store().ledger(A).unwrap().value;
    assert_eq!(ledger.held_in_region(&region("CN/Guangdong")), 0);
    assert_eq!(
        ledger.received_since(t0()),
        2,
        "a release does not undo a receipt"
    );
}

#[test]
fn receipts_older_than_the_window_are_dropped_from_the_ledger() {
    let mut ledger = leadpool::store::RepLedger::new(A);
    ledger.record_receipt(t0());
    ledger.record_receipt(day(10));
    ledger.record_receipt(day(5));
    assert_eq!(ledger.received, [t0(), day(5), day(10)]);
    ledger.record_receipt(day(70));
    assert_eq!(ledger.received, [day(10), day(70)]);
    assert_eq!(ledger.received_since(day(10)), 2);
}
