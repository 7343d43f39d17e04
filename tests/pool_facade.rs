//! The `Pool` facade over a store, the allocator view, the 撞单 check and the reports.

mod pool_support;

use chrono::{DateTime, Utc};
use leadpool::ManualClock;
use leadpool::allocate::{AllocState, Allocator, Decision, Explanation, Request, TeamView};
use leadpool::error::{Conflict, StoreError};
use leadpool::ids::PoolId;
use leadpool::ids::{ClientId, RepId};
use leadpool::label::Label;
use leadpool::model::{ContactLevel, DedupeKeys, Region};
use leadpool::pool::Actor;
use leadpool::pool::{
    Assigner, Config, Event, Pool, PoolError, PoolPolicy, PoolView, TransferScope, Via,
};
use leadpool::reason::{ExclusionReason, Refusal, Step};
use leadpool::rng::{Rng, seeded};
use leadpool::store::{MemoryStore, Recorded, Store, Write};
use leadpool::txn::{Footprint, Plan, Retry, Snapshot};
use pool_support::read;
use pool_support::*;

/// A test allocator: the rep with the lightest open load the pool would not refuse.
struct LightestLoad;

impl Allocator for LightestLoad {
    fn allocate(&self, request: &Request<'_>, _rng: &mut dyn Rng) -> Decision {
        let mut best = None;
        let mut refused = Vec::new();
        for rep in request.team().reps() {
            if let Some(refusal) = request.view().pool_refusal(rep.id, request.client()) {
                refused.push((rep.id, refusal));
                continue;
            }
            let load = request.view().open_load(rep.id);
            if best.is_none_or(|(_, l)| load < l) {
                best = Some((rep.id, load));
            }
        }
        let mut explanation = Explanation::new(Step::Custom {
            rule: Label::new("lightest_load"),
            rep: best.map(|(rep, _)| rep),
        })
        .with_considered(request.team().len() as u32);
        for (rep, refusal) in refused {
            explanation.exclude(rep, ExclusionReason::Refused(refusal));
        }
        match best {
            Some((rep, _)) => Decision::assigned(request.client().id(), rep, explanation),
            None => Decision::unassigned(request.client().id(), explanation),
        }
    }
}

/// A pool over a memory store, reading time from a manual clock the test moves.
struct Timed {
    pool: Pool<MemoryStore, ManualClock>,
    clock: ManualClock,
}

impl Timed {
    fn at(&self, instant: DateTime<Utc>) -> &Pool<MemoryStore, ManualClock> {
        self.clock.set(instant);
        &self.pool
    }
}

fn seed_pool(clients: u64) -> Timed {
    let policy = PoolPolicy {
        private_cap: Some(2),
        ..seed_policy()
    };
    let clock = ManualClock::new(t0());
    let config = Config::new(team(3), administered(policy)).unwrap();
    let pool = Pool::bootstrap(MemoryStore::new(), config, clock.clone()).unwrap();
    for id in 1..=clients {
        pool.import(Actor::System, client(id)).unwrap();
    }
    Timed { pool, clock }
}

#[test]
fn facade_runs_the_life_cycle_against_the_store() {
    let pool = seed_pool(3);
    pool.at(t0()).claim(ClientId(1), A).unwrap();
    pool.at(day(1))
        .follow_up(ClientId(1), A, ContactLevel::Phone, "called")
        .unwrap();
    pool.at(t0()).claim(ClientId(2), B).unwrap();
    let store = pool.pool.store();
    assert_eq!(read::due(store, day(7)), [ClientId(2)]);
    let report = pool.at(day(10)).sweep().unwrap();
    assert!(report.skipped.is_empty());
    assert!(
        matches!(&report.events[..], [Event::Released { client: released, .. }, Event::Reminded { client, .. }]
        if *client == ClientId(1) && *released == ClientId(2))
    );
    let c2 = read::client(store, ClientId(2)).unwrap().value;
    assert!(c2.is_public());
    assert_eq!(read::ledger(store, B).value.holding(), 0);
    assert_eq!(
        pool.at(day(11)).claim(ClientId(2), B).unwrap_err(),
        PoolError::Refused {
            client: ClientId(2),
            rep: B,
            reason: Refusal::Cooldown { until: day(15) }
        }
    );
    pool.at(day(11)).claim(ClientId(2), C).unwrap();
    pool.at(day(11)).claim(ClientId(3), C).unwrap();
    let versions = |s: &MemoryStore| {
        let rows: Vec<u64> = (1..=3)
            .map(|id| read::client(s, ClientId(id)).unwrap().version)
            .collect();
        let ledgers: Vec<u64> = [A, C].map(|r| read::ledger(s, r).version).to_vec();
        (rows, ledgers)
    };
    let before = versions(store);
    let full = pool
        .at(day(12))
        .transfer(Actor::Admin(ADMIN), A, C, TransferScope::All)
        .unwrap_err();
    assert_eq!(
        full,
        PoolError::Refused {
            client: ClientId(1),
            rep: C,
            reason: Refusal::CapReached { holding: 2, cap: 2 }
        }
    );
    assert_eq!(versions(store), before, "a refused command writes nothing");
    pool.at(day(12))
        .release(Actor::Rep(C), ClientId(2), C, "moved abroad")
        .unwrap();
    pool.at(day(12))
        .transfer(Actor::Admin(ADMIN), A, C, TransferScope::All)
        .unwrap();
    assert_eq!(store.owned_by(C).unwrap(), [ClientId(1), ClientId(3)]);
    pool.at(day(13))
        .mark_deal(Actor::System, ClientId(1), B)
        .unwrap();
    assert_eq!(
        read::client(store, ClientId(1)).unwrap().value.deal_owner(),
        Some(C)
    );
    assert_eq!(read::ledger(store, C).value.holding_won(), 1);
}

#[test]
fn facade_import_reports_duplicates_found_through_the_store() {
    let pool = &seed_pool(0).pool;
    let keys = |name| DedupeKeys::from_raw(Some(name), None, None, None);
    pool.import(
        Actor::System,
        client(1).with_keys(keys("Shenzhen Widget Co., Ltd.")),
    )
    .unwrap();
    let events = pool
        .import(Actor::System, client(2).with_keys(keys("shenzhen widget")))
        .unwrap();
    assert!(
        matches!(&events[..], [Event::DuplicateReported { existing, .. }] if *existing == ClientId(1))
    );
    assert_eq!(pool.store().len(), 1);
    assert_eq!(
        pool.import(Actor::System, client(1)).unwrap_err(),
        PoolError::DuplicateId(ClientId(1))
    );
}

#[test]
fn assign_by_rule_publishes_the_allocators_explanation() {
    let pool = seed_pool(4);
    pool.at(t0()).claim(ClientId(1), A).unwrap();
    pool.at(t0()).claim(ClientId(2), A).unwrap();
    pool.at(t0()).claim(ClientId(3), B).unwrap();
    let (decision, events) = pool
        .at(day(1))
        .assign_by_rule(
            ClientId(4),
            &LightestLoad,
            &AllocState::new(),
            None,
            &mut seeded(1),
        )
        .unwrap();
    assert_eq!(decision.rep, Some(C));
    let cap = ExclusionReason::Refused(Refusal::CapReached { holding: 2, cap: 2 });
    assert!(
        decision
            .explanation
            .excluded()
            .any(|e| e.rep == A && e.reason == cap)
    );
    match &events[..] {
        [
            Event::OwnerChanged {
                to,
                via:
                    Via::Assign {
                        by: Assigner::Rule { explanation },
                    },
                ..
            },
        ] => {
            assert_eq!(*to, C);
            assert!(
                matches!(explanation.decisive(), Some(Step::Custom { rule, .. }) if rule.as_str() == "lightest_load")
            );
        }
        other => panic!("expected a rule assignment, got {other:?}"),
    }
}

#[test]
fn manager_assignment_names_the_rep_and_respects_the_cap() {
    let pool = &seed_pool(3).pool;
    pool.assign(Actor::Admin(ADMIN), ClientId(1), B).unwrap();
    pool.assign(Actor::Admin(ADMIN), ClientId(2), B).unwrap();
    let err = pool
        .assign(Actor::Admin(ADMIN), ClientId(3), B)
        .unwrap_err();
    assert_eq!(
        err,
        PoolError::Refused {
            client: ClientId(3),
            rep: B,
            reason: Refusal::CapReached { holding: 2, cap: 2 }
        }
    );
}

#[test]
fn facade_policy_change_retimes_stored_clients() {
    let pool = seed_pool(2);
    pool.at(t0()).claim(ClientId(1), A).unwrap();
    let next = PoolPolicy {
        remind_after_days: Some(20),
        ..pool.pool.config().unwrap().value.policy().clone()
    };
    pool.at(day(1))
        .change_policy(Actor::Admin(ADMIN), next.clone())
        .unwrap();
    assert_eq!(pool.pool.config().unwrap().value.policy(), &next);
    let c = read::client(pool.pool.store(), ClientId(1)).unwrap().value;
    let timers = c.custody().timers();
    assert_eq!(
        (timers.remind_at, timers.release_at()),
        (Some(day(20)), Some(day(23)))
    );
    assert_eq!(c.deadline(), Some(day(20)));
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
            note: "no".into(),
        },
        day(1),
    )
    .unwrap();
    let view = PoolView::new(&w.state, day(1));
    let c3 = w.state.client(ClientId(3)).unwrap();
    let c2 = w.state.client(ClientId(2)).unwrap();
    assert_eq!(
        view.pool_refusal(A, c3),
        Some(Refusal::CapReached { holding: 1, cap: 1 })
    );
    assert_eq!(
        view.pool_refusal(B, c2),
        Some(Refusal::Cooldown { until: day(6) })
    );
    assert_eq!(view.pool_refusal(C, c3), None);
    assert_eq!(view.open_load(A), 1);
    assert_eq!(view.last_assigned_at(A), Some(t0()));
    let (d0, d1, d2) = (t0().date_naive(), day(1).date_naive(), day(2).date_naive());
    assert_eq!(view.received_in(A, d0..d1), 1);
    assert_eq!(view.received_in(A, d1..d2), 0);
    assert_eq!(view.held_in_region(A, &Region::world()), 1);
    let same_day = PoolView::new(&w.state, t0());
    assert_eq!(same_day.pool_refusal(C, c3), None);
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
    let view = PoolView::new(&w.state, day(2));
    let card = DedupeKeys::from_raw(None, Some("13800138000"), None, Some("86"));
    let prior = view.prior_contact(&card).expect("the phone matches");
    assert_eq!(
        (prior.rep, prior.client, prior.level, prior.since),
        (B, ClientId(1), Some(ContactLevel::Visit), day(1))
    );
}

/// A store where another writer always wins the race for a client row.
struct AlwaysStale(MemoryStore);

impl Store for AlwaysStale {
    fn load(&self, footprint: &Footprint) -> Result<Snapshot, StoreError> {
        self.0.load(footprint)
    }
    fn commit(&self, plan: &Plan) -> Result<u64, StoreError> {
        match plan.writes().first() {
            Some(Write::Update { client, expected }) => {
                Err(StoreError::Conflict(Conflict::Client {
                    id: client.id(),
                    expected: *expected,
                    found: expected + 1,
                }))
            }
            _ => self.0.commit(plan),
        }
    }
    fn due(&self, now: DateTime<Utc>, limit: usize) -> Result<Vec<ClientId>, StoreError> {
        self.0.due(now, limit)
    }
    fn events(&self, after: u64, limit: usize) -> Result<Vec<Recorded>, StoreError> {
        self.0.events(after, limit)
    }
    fn owned_by(&self, rep: RepId) -> Result<Vec<ClientId>, StoreError> {
        self.0.owned_by(rep)
    }
    fn public_pool(&self, pool: PoolId) -> Result<Vec<ClientId>, StoreError> {
        self.0.public_pool(pool)
    }
}

#[test]
fn facade_gives_up_after_bounded_retries_with_a_typed_error_and_writes_nothing() {
    let config = Config::new(team(2), seed_policy()).unwrap();
    let pool = Pool::bootstrap(
        AlwaysStale(MemoryStore::new()),
        config,
        ManualClock::new(t0()),
    )
    .unwrap()
    .with_retry(Retry::immediate(3));
    pool.import(Actor::System, client(1)).unwrap();
    let err = pool.claim(ClientId(1), A).unwrap_err();
    assert!(matches!(
        err,
        PoolError::Contention {
            attempts: 3,
            last: StoreError::Conflict(Conflict::Client { .. })
        }
    ));
    let stored = read::client(&pool.store().0, ClientId(1)).unwrap();
    assert_eq!((stored.version, stored.value.owner()), (1, None));
    assert_eq!(read::ledger(&pool.store().0, A).version, 0);
    let log = pool.events(0, 100).unwrap();
    assert_eq!(
        log.len(),
        3,
        "install (2 events) and the import; nothing for the claim"
    );
}

#[test]
fn assign_by_rule_skips_reps_the_pool_would_refuse_and_a_refusal_writes_nothing() {
    let policy = PoolPolicy {
        private_cap: Some(1),
        ..seed_policy()
    };
    let config = Config::new(team(3), administered(policy)).unwrap();
    let pool = Pool::bootstrap(MemoryStore::new(), config, ManualClock::new(t0())).unwrap();
    for id in 1..=4 {
        pool.import(Actor::System, client(id)).unwrap();
    }
    pool.claim(ClientId(1), A).unwrap();
    let mut alloc = AllocState::new();
    let (decision, events) = pool
        .assign_by_rule(ClientId(2), &LightestLoad, &alloc, None, &mut seeded(3))
        .unwrap();
    assert_eq!(decision.rep, Some(B));
    assert!(matches!(&events[..], [Event::OwnerChanged { to, .. }] if *to == B));
    alloc.apply(&decision);
    let (decision, _) = pool
        .assign_by_rule(ClientId(3), &LightestLoad, &alloc, None, &mut seeded(3))
        .unwrap();
    assert_eq!(decision.rep, Some(C));
    let before = pool.store().clients();
    let err = pool
        .assign_by_rule(ClientId(4), &LightestLoad, &alloc, None, &mut seeded(3))
        .unwrap_err();
    assert!(matches!(
        err,
        PoolError::NobodyChosen {
            client: ClientId(4),
            ..
        }
    ));
    assert_eq!(pool.store().clients(), before);
}

#[test]
fn ledgers_count_clients_held_per_region_and_recent_receipts_through_the_store() {
    let pool = seed_pool(0);
    let region = |path: &str| path.parse::<Region>().unwrap();
    pool.at(t0())
        .import(
            Actor::System,
            client(1).with_region(region("CN/Guangdong/Shenzhen")),
        )
        .unwrap();
    pool.at(t0())
        .import(
            Actor::System,
            client(2).with_region(region("CN/Zhejiang/Hangzhou")),
        )
        .unwrap();
    pool.at(t0()).claim(ClientId(1), A).unwrap();
    pool.at(day(1)).claim(ClientId(2), A).unwrap();
    let ledger = read::ledger(pool.pool.store(), A).value;
    assert_eq!(ledger.held_in_region(&region("CN/Guangdong")), 1);
    assert_eq!(ledger.held_in_region(&region("CN")), 2);
    assert_eq!(ledger.held_in_region(&Region::world()), 2);
    let days = |from: i64, to: i64| day(from).date_naive()..day(to).date_naive();
    assert_eq!(ledger.received_in(days(1, 2)), 1);
    pool.at(day(2))
        .release(Actor::Rep(A), ClientId(1), A, "duplicate of a key account")
        .unwrap();
    let ledger = read::ledger(pool.pool.store(), A).value;
    assert_eq!(ledger.held_in_region(&region("CN/Guangdong")), 0);
    assert_eq!(
        ledger.received_in(days(0, 3)),
        2,
        "a release does not undo a receipt"
    );
}
