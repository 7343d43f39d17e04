//! The transaction contracts: the stored configuration, the event log, batched reads, and the
//! engine itself racing on several threads.

use super::{Rows, base, client, ensure_eq, ok, placed};
use crate::allocate::Team;
use crate::clock::ManualClock;
use crate::error::{Conflict, StoreError};
use crate::ids::{ClientId, PoolId, RepId};
use crate::model::{DedupeKey, DedupeKeys, Rep};
use crate::pool::admission::{Route, admit};
use crate::pool::{
    Actor, Command, Config, Event, Pool, PoolError, PoolPolicy, PoolState, Via, evolve,
};
use crate::store::{Recorded, Store, Versioned, Write};
use crate::txn::{Footprint, Plan};
use chrono::Duration;
use std::collections::BTreeSet;
use std::sync::Barrier;

/// A team of `reps` reps under `policy`.
fn config(reps: u64, policy: PoolPolicy) -> Config {
    let team = Team::new((1..=reps).map(|i| Rep::new(RepId(i), format!("rep {i}"))));
    match Config::new(team, policy) {
        Ok(config) => config,
        Err(error) => panic!("conformance fixture: {error}"),
    }
}

/// The policy admin of the fixtures (not a rep).
const ADMIN: Actor = Actor::Admin(RepId(900));

fn capped(cap: u32) -> PoolPolicy {
    PoolPolicy {
        admins: [RepId(900)].into(),
        private_cap: Some(cap),
        remind_after_days: Some(7),
        release_after_reminder_days: 3,
        ..PoolPolicy::default()
    }
}

/// Every event of the log, checking the positions run 1, 2, 3, … without a gap.
fn whole_log<S: Store + ?Sized>(store: &S, contract: &str) -> Vec<Event> {
    let log = ok(contract, "events(0, ..)", store.events(0, usize::MAX));
    for (i, recorded) in log.iter().enumerate() {
        ensure_eq!(
            contract,
            recorded.seq,
            i as u64 + 1,
            "position of event {i}"
        );
    }
    log.into_iter().map(|r| r.event).collect()
}

/// Folds the log from an empty pool and checks it equals what the store holds: the
/// configuration, every client in `ids`, and the ledgers of the team.
fn log_folds_to_store<S: Store + ?Sized>(store: &S, contract: &str, ids: &[ClientId]) {
    let events = whole_log(store, contract);
    let folded = PoolState::replay(Config::default(), &events);
    let stored = ok(
        contract,
        "load",
        store.load(
            &Footprint::config()
                .with_clients(ids.iter().copied())
                .with_reps(folded.team().reps().iter().map(|r| r.id)),
        ),
    );
    let config = stored.config().map(|c| c.value.clone());
    ensure_eq!(
        contract,
        config,
        Some(folded.config().clone()),
        "configuration folded from the log"
    );
    for &id in ids {
        ensure_eq!(
            contract,
            stored.client(id).map(|c| c.value.clone()),
            folded.client(id).cloned(),
            "{id} folded from the log"
        );
    }
    for rep in folded.team().reps() {
        let stored_ledger = stored
            .ledgers()
            .find(|l| l.value.rep() == rep.id)
            .map(|l| l.value.clone());
        let folded_ledger = folded.ledger_ref(rep.id).cloned();
        let empty = crate::model::RepLedger::new(rep.id);
        ensure_eq!(
            contract,
            stored_ledger.unwrap_or_else(|| empty.clone()),
            folded_ledger.unwrap_or(empty),
            "ledger of {} folded from the log",
            rep.id
        );
    }
}

/// The configuration is stored with a version: none (0) at first, 1 once installed, +1 per
/// policy or team change. A second install, or any plan decided under an older version, is
/// refused with a configuration conflict and writes nothing.
pub(crate) fn config_versions<S: Store + ?Sized>(store: &S) {
    const C: &str = "config_versions";
    let empty = ok(C, "load", store.load(&Footprint::config()));
    ensure_eq!(C, empty.config(), None, "configuration of a fresh store");
    let first = config(2, capped(5));
    let install = match Plan::install(&empty, first.clone(), base()) {
        Ok(plan) => plan,
        Err(error) => panic!("conformance fixture: {error}"),
    };
    ok(C, "commit(install)", store.commit(&install));
    let read = ok(C, "load", store.load(&Footprint::config()));
    let installed = Versioned {
        version: 1,
        value: first.clone(),
    };
    ensure_eq!(
        C,
        read.config(),
        Some(&installed),
        "configuration after the install"
    );
    ensure_eq!(
        C,
        store.commit(&install),
        Err(StoreError::Conflict(Conflict::Config {
            expected: 0,
            found: 1
        })),
        "a second install"
    );
    let decide =
        |snapshot: &crate::txn::Snapshot, actor: Actor, command: Command| match Plan::decide(
            snapshot,
            actor,
            command,
            base(),
        ) {
            Ok(plan) => plan,
            Err(error) => panic!("conformance fixture: {error}"),
        };
    let import = Command::Import {
        client: Box::new(client(1)),
    };
    let snapshot = ok(C, "load", store.load(&Footprint::of(&import)));
    ok(
        C,
        "commit(import)",
        store.commit(&decide(&snapshot, Actor::System, import)),
    );
    let claim = Command::Claim {
        client: ClientId(1),
        rep: RepId(1),
    };
    let before_change = ok(C, "load", store.load(&Footprint::of(&claim)));
    let stale_claim = decide(&before_change, Actor::Rep(RepId(1)), claim);
    let change = Command::ChangePolicy {
        policy: Box::new(capped(1)),
    };
    let snapshot = ok(C, "load", store.load(&Footprint::of(&change)));
    ok(
        C,
        "commit(change)",
        store.commit(&decide(&snapshot, ADMIN, change)),
    );
    let read = ok(C, "load", store.load(&Footprint::client(ClientId(1))));
    ensure_eq!(C, read.config_version(), 2, "version after a policy change");
    ensure_eq!(
        C,
        read.config().map(|c| c.value.policy().private_cap),
        Some(Some(1)),
        "policy after the change"
    );
    let log = whole_log(store, C).len();
    ensure_eq!(
        C,
        store.commit(&stale_claim),
        Err(StoreError::Conflict(Conflict::Config {
            expected: 1,
            found: 2
        })),
        "a claim decided under the old policy"
    );
    let after = ok(C, "load", store.load(&Footprint::client(ClientId(1))));
    ensure_eq!(
        C,
        after.client(ClientId(1)),
        read.client(ClientId(1)),
        "the client after the refused claim"
    );
    ensure_eq!(
        C,
        whole_log(store, C).len(),
        log,
        "events after the refusal"
    );
}

/// Every committed plan's events are appended in order with consecutive positions from 1;
/// a refused command appends nothing; reading after a position pages through the log; and
/// folding the whole log from an empty pool gives exactly the stored configuration, clients
/// and ledgers.
pub(crate) fn event_log<S: Store + ?Sized>(store: &S) {
    const C: &str = "event_log";
    let clock = ManualClock::new(base());
    let pool = Pool::new(store, clock.clone());
    let expect = |what: &str, result: Result<Vec<Event>, PoolError>| match result {
        Ok(events) => events,
        Err(error) => panic!("store contract `{C}` failed: {what}: {error}"),
    };
    let mut appended: Vec<Event> = Vec::new();
    match pool.install(config(3, capped(2))) {
        Ok(true) => {}
        other => panic!("store contract `{C}` failed: install on a fresh store: {other:?}"),
    }
    appended.extend(whole_log(store, C));
    ensure_eq!(C, appended.len(), 2, "events of the install (team, policy)");
    for id in 1..=4 {
        let keys = DedupeKeys {
            company: Some(format!("company {id}")),
            ..DedupeKeys::default()
        };
        appended.extend(expect(
            "import",
            pool.import(Actor::System, client(id).with_keys(keys)),
        ));
    }
    appended.extend(expect("claim", pool.claim(ClientId(1), RepId(1))));
    appended.extend(expect("claim", pool.claim(ClientId(2), RepId(1))));
    let refused = pool.claim(ClientId(3), RepId(1));
    if refused.is_ok() {
        panic!("store contract `{C}` failed: a claim over the cap was accepted");
    }
    let duplicate = client(9).with_keys(DedupeKeys {
        company: Some("company 2".into()),
        ..DedupeKeys::default()
    });
    appended.extend(expect(
        "duplicate import",
        pool.import(Actor::System, duplicate),
    ));
    appended.extend(expect(
        "follow-up",
        pool.follow_up(
            ClientId(1),
            RepId(1),
            crate::model::ContactLevel::Phone,
            "called",
        ),
    ));
    appended.extend(expect(
        "release",
        pool.release(Actor::Rep(RepId(1)), ClientId(2), RepId(1), "wrong region"),
    ));
    appended.extend(expect("claim", pool.claim(ClientId(2), RepId(2))));
    clock.advance(Duration::days(8));
    match pool.sweep() {
        Ok(report) if report.skipped.is_empty() => appended.extend(report.events),
        other => panic!("store contract `{C}` failed: sweep: {other:?}"),
    }
    appended.extend(expect(
        "policy change",
        pool.change_policy(ADMIN, capped(3)),
    ));
    let log = whole_log(store, C);
    ensure_eq!(
        C,
        log,
        appended,
        "the log against the events each command returned"
    );
    let page = ok(C, "events(3, 2)", store.events(3, 2));
    ensure_eq!(
        C,
        page.iter().map(|r| r.seq).collect::<Vec<_>>(),
        vec![4, 5],
        "positions of events(3, 2)"
    );
    ensure_eq!(
        C,
        page.into_iter().map(|r| r.event).collect::<Vec<_>>(),
        log[3..5].to_vec(),
        "events(3, 2)"
    );
    let end = log.len() as u64;
    ensure_eq!(
        C,
        ok(C, "events(end, 5)", store.events(end, 5)),
        Vec::<Recorded>::new(),
        "events after the last"
    );
    let ids: Vec<ClientId> = (1..=4).chain([9]).map(ClientId).collect();
    log_folds_to_store(store, C, &ids);
}

/// One load answers a whole footprint, from one view: the clients by id, by key, owned by
/// listed reps or by anyone, due by an instant; the listed ledgers or all of them; and always
/// the ledger of every returned client's owner.
pub(crate) fn footprint_reads<S: Store + ?Sized>(store: &S) {
    const C: &str = "footprint_reads";
    let key = |company: &str| DedupeKeys {
        company: Some(company.into()),
        ..DedupeKeys::default()
    };
    let due = base() + Duration::hours(1);
    let rows = [
        placed(
            client(1).with_keys(key("acme")),
            Some(RepId(1)),
            PoolId(0),
            Some(due),
        ),
        placed(
            client(2).with_keys(key("globex")),
            Some(RepId(2)),
            PoolId(0),
            None,
        ),
        placed(client(3), None, PoolId(0), None),
        placed(
            client(4),
            Some(RepId(1)),
            PoolId(1),
            Some(base() + Duration::days(9)),
        ),
        placed(
            client(5).with_keys(key("initech")),
            Some(RepId(3)),
            PoolId(0),
            Some(base()),
        ),
    ];
    let mut writes: Vec<Write> = rows
        .iter()
        .cloned()
        .map(|client| Write::Insert { client })
        .collect();
    for (rep, holding) in [(1, 2), (2, 1), (3, 1), (4, 0)] {
        writes.push(Write::Ledger {
            ledger: super::ledger_holding(RepId(rep), holding, 0),
            expected: 0,
        });
    }
    ok(C, "commit", store.commit_writes(&writes));
    let ids = |ids: &[u64]| ids.iter().copied().map(ClientId).collect::<BTreeSet<_>>();
    let reps = |reps: &[u64]| reps.iter().copied().map(RepId).collect::<BTreeSet<_>>();
    let cases: Vec<(&str, Footprint, BTreeSet<ClientId>, BTreeSet<RepId>)> = vec![
        ("nothing", Footprint::config(), ids(&[]), reps(&[])),
        (
            "one client",
            Footprint::client(ClientId(2)),
            ids(&[2]),
            reps(&[2]),
        ),
        (
            "a public client",
            Footprint::client(ClientId(3)),
            ids(&[3]),
            reps(&[]),
        ),
        (
            "an absent client",
            Footprint::client(ClientId(8)),
            ids(&[]),
            reps(&[]),
        ),
        (
            "a key",
            Footprint::config().with_keys([DedupeKey::Company("acme".into())]),
            ids(&[1]),
            reps(&[1]),
        ),
        (
            "a client and every ledger",
            Footprint::assignment(ClientId(1)),
            ids(&[1]),
            reps(&[1, 2, 3, 4]),
        ),
        (
            "owned by a rep",
            Footprint::config().with_owned_by([RepId(1)]),
            ids(&[1, 4]),
            reps(&[1]),
        ),
        (
            "every owned client",
            Footprint::of(&Command::ChangePolicy {
                policy: Box::new(PoolPolicy::default()),
            }),
            ids(&[1, 2, 4, 5]),
            reps(&[1, 2, 3]),
        ),
        ("due by", Footprint::sweep(due), ids(&[1, 5]), reps(&[1, 3])),
        (
            "listed ledgers",
            Footprint::config().with_reps([RepId(4), RepId(2)]),
            ids(&[]),
            reps(&[2, 4]),
        ),
        (
            "a transfer of everything",
            Footprint::of(&Command::Transfer {
                from: RepId(1),
                to: RepId(4),
                scope: crate::pool::TransferScope::All,
            }),
            ids(&[1, 4]),
            reps(&[1, 4]),
        ),
    ];
    for (case, footprint, want_clients, want_ledgers) in cases {
        let snapshot = ok(C, case, store.load(&footprint));
        let clients: BTreeSet<ClientId> = snapshot.clients().map(|c| c.value.id()).collect();
        ensure_eq!(C, clients, want_clients, "clients read for {case}");
        let ledgers: BTreeSet<RepId> = snapshot
            .ledgers()
            .filter(|l| l.version > 0)
            .map(|l| l.value.rep())
            .collect();
        ensure_eq!(C, ledgers, want_ledgers, "ledgers read for {case}");
        for read in snapshot.clients() {
            let row = rows.iter().find(|r| r.id() == read.value.id());
            ensure_eq!(
                C,
                Some(&read.value),
                row,
                "{} as read for {case}",
                read.value.id()
            );
        }
    }
}

/// Threads that race on one store with pools of their own (as instances of a web service
/// would): claims for four reps, imports of the same companies, sweeps, and policy changes
/// that lower and raise the cap. Afterwards: every company was imported once; folding the
/// log, every claim was admissible under the policy in force when it committed (no cap
/// exceeded); the events the threads were told of are exactly the log; and the log folds to
/// the stored state.
pub(crate) fn concurrent_pool<S: Store + Sync + ?Sized>(store: &S) {
    const C: &str = "concurrent_pool";
    const THREADS: u64 = 4;
    const CLIENTS: u64 = 24;
    let clock = ManualClock::new(base());
    let admin = Pool::new(store, clock.clone());
    if !matches!(admin.install(config(4, capped(4))), Ok(true)) {
        panic!("store contract `{C}` failed: install on a fresh store");
    }
    let company = |n: u64| DedupeKeys {
        company: Some(format!("company {n}")),
        ..DedupeKeys::default()
    };
    let start = Barrier::new(THREADS as usize);
    let told: Vec<Vec<Event>> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..THREADS)
            .map(|t| {
                let (start, clock) = (&start, clock.clone());
                scope.spawn(move || {
                    let pool = Pool::new(store, clock).with_jitter_seed(t);
                    let mut told = Vec::new();
                    let mut keep = |result: Result<Vec<Event>, PoolError>| match result {
                        Ok(events) => told.extend(events),
                        Err(
                            PoolError::Refused { .. }
                            | PoolError::AlreadyOwned { .. }
                            | PoolError::UnknownClient(_),
                        ) => {}
                        Err(error) => panic!("store contract `{C}` failed: thread {t}: {error}"),
                    };
                    start.wait();
                    // Every thread imports every company, under an id of its own.
                    for n in 0..CLIENTS {
                        let id = ClientId(100 * (t + 1) + n);
                        keep(pool.import(Actor::System, client(id.0).with_keys(company(n))));
                    }
                    let rep = RepId(t + 1);
                    for round in 0..3 {
                        for n in 0..CLIENTS {
                            for owner in 1..=THREADS {
                                let id = ClientId(100 * owner + (n + t * 5) % CLIENTS);
                                keep(pool.claim(id, rep));
                            }
                        }
                        if t == 0 {
                            keep(
                                pool.change_policy(
                                    ADMIN,
                                    capped(if round % 2 == 0 { 2 } else { 5 }),
                                ),
                            );
                        }
                        keep(pool.sweep().map(|report| report.events));
                    }
                    told
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| match h.join() {
                Ok(told) => told,
                Err(panic) => std::panic::resume_unwind(panic),
            })
            .collect()
    });
    for n in 0..CLIENTS {
        let key = DedupeKey::Company(format!("company {n}"));
        let holders = ok(C, "find_by_key", store.find_by_key(&key));
        ensure_eq!(C, holders.len(), 1, "clients carrying company {n}");
    }
    let log = whole_log(store, C);
    let mut state = PoolState::new(Config::default());
    for event in &log {
        if let Event::OwnerChanged {
            client,
            to,
            via: Via::Claim { .. },
            at,
            ..
        } = event
        {
            let Some(claimed) = state.client(*client) else {
                panic!("store contract `{C}` failed: the log claims unknown {client}");
            };
            if let Err(refusal) = admit(&state, Route::Claim, *to, &[claimed], *at) {
                panic!(
                    "store contract `{C}` failed: {to} claimed {client}, which the policy \
                     in force refused: {refusal}"
                );
            }
        }
        evolve(&mut state, event);
    }
    let mut told: Vec<Event> = told.into_iter().flatten().collect();
    let mut logged = log[2..].to_vec();
    let key = |e: &Event| serde_key(e);
    told.sort_by_key(key);
    logged.sort_by_key(key);
    ensure_eq!(
        C,
        told.len(),
        logged.len(),
        "events the threads were told of against the log"
    );
    ensure_eq!(
        C,
        told,
        logged,
        "events the threads were told of against the log"
    );
    let ids: Vec<ClientId> = (1..=THREADS)
        .flat_map(|t| (0..CLIENTS).map(move |n| ClientId(100 * t + n)))
        .collect();
    log_folds_to_store(store, C, &ids);
}

/// A total order on events for comparing two lists regardless of interleaving.
fn serde_key(event: &Event) -> String {
    format!("{event:?}")
}
