//! The concurrency contract: optimistic claims racing from several threads.

use super::{Rows, client, ensure_eq, ok};
use crate::error::{Conflict, StoreError};
use crate::ids::{ClientId, PoolId, RepId};
use crate::store::{Store, Write};
use std::collections::BTreeMap;
use std::sync::Barrier;

/// Threads racing in [`concurrent_claims`].
pub(crate) const CLAIM_THREADS: u32 = 8;
/// Reps they claim for (two threads per rep, so ledgers race too).
pub(crate) const CLAIM_REPS: u32 = 4;
/// Most clients one rep may hold in the race.
pub(crate) const CLAIM_CAP: u32 = 4;
/// Public clients raced for: more than the reps can hold together, so every cap binds.
pub(crate) const CLAIM_CLIENTS: u32 = 24;

/// Gives up on one client after this many conflicts in a row (a livelocked store).
const MAX_ATTEMPTS: u32 = 10_000;

/// [`concurrent_claims_with`] with [`CLAIM_THREADS`] threads.
pub(crate) fn concurrent_claims<S: Store + Sync + ?Sized>(store: &S) {
    concurrent_claims_with(store, CLAIM_THREADS);
}

/// `threads` threads (thread `t` claiming for rep `t % CLAIM_REPS + 1`) race through the same
/// [`CLAIM_CLIENTS`] public clients in id order by the optimistic protocol: read the client
/// and the rep's ledger; skip the client if owned, stop at [`CLAIM_CAP`]; commit
/// `[Update client (owner = rep), Ledger (holding + 1)]` at the versions read; on a conflict,
/// read again and retry. Then, for every rep that had a thread: no client was won twice, no rep is over the cap (every rep is
/// exactly at it, since there are more clients than room), each ledger's `holding` equals
/// `owned_by(rep)`, and `owned_by` and `public_pool` agree with the claims that succeeded.
pub(crate) fn concurrent_claims_with<S: Store + Sync + ?Sized>(store: &S, threads: u32) {
    const C: &str = "concurrent_claims";
    let pool = PoolId(0);
    for id in 1..=u64::from(CLAIM_CLIENTS) {
        if ok(C, "get", store.get(ClientId(id))).is_some() {
            panic!("store contract `{C}` needs a fresh, empty store, but client#{id} exists");
        }
        ok(C, "insert", store.insert(client(id)));
    }
    let start = Barrier::new(threads as usize);
    let wins: Vec<(RepId, Vec<ClientId>)> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                let rep = RepId(u64::from(t % CLAIM_REPS + 1));
                let start = &start;
                scope.spawn(move || {
                    start.wait();
                    (rep, claim_until_full(store, rep))
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| match h.join() {
                Ok(won) => won,
                // Re-raise the thread's own panic, which names the contract.
                Err(panic) => std::panic::resume_unwind(panic),
            })
            .collect()
    });

    let mut winner: BTreeMap<ClientId, RepId> = BTreeMap::new();
    for (rep, ids) in &wins {
        for id in ids {
            if let Some(first) = winner.insert(*id, *rep) {
                panic!(
                    "store contract `{C}` failed: {id} was claimed twice, by {first} and by {rep}"
                );
            }
        }
    }
    for r in 1..=u64::from(threads.min(CLAIM_REPS)) {
        let rep = RepId(r);
        let won: Vec<ClientId> = winner
            .iter()
            .filter(|(_, w)| **w == rep)
            .map(|(id, _)| *id)
            .collect();
        let owned = ok(C, "owned_by", store.owned_by(rep));
        ensure_eq!(
            C,
            owned,
            won,
            "owned_by({rep}) against the claims that succeeded"
        );
        let holding = ok(C, "ledger", store.ledger(rep)).value.holding();
        ensure_eq!(
            C,
            holding as usize,
            owned.len(),
            "{rep}'s ledger holding against owned_by"
        );
        ensure_eq!(
            C,
            holding,
            CLAIM_CAP,
            "{rep}'s holding (never over the cap, and room ran out)"
        );
    }
    for id in 1..=u64::from(CLAIM_CLIENTS) {
        let id = ClientId(id);
        let owner = ok(C, "get", store.get(id)).and_then(|c| c.value.owner());
        ensure_eq!(C, owner, winner.get(&id).copied(), "owner of {id}");
    }
    let unclaimed: Vec<ClientId> = (1..=u64::from(CLAIM_CLIENTS))
        .map(ClientId)
        .filter(|id| !winner.contains_key(id))
        .collect();
    ensure_eq!(
        C,
        ok(C, "public_pool", store.public_pool(pool)),
        unclaimed,
        "public pool after the race"
    );
}

/// One thread's run: claims for `rep` until the cap or the end of the list; returns the ids
/// it won.
fn claim_until_full<S: Store + ?Sized>(store: &S, rep: RepId) -> Vec<ClientId> {
    const C: &str = "concurrent_claims";
    let mut won = Vec::new();
    'clients: for id in (1..=u64::from(CLAIM_CLIENTS)).map(ClientId) {
        for _ in 0..MAX_ATTEMPTS {
            let Some(read) = ok(C, "get", store.get(id)) else {
                panic!("store contract `{C}` failed: {id} vanished during the race");
            };
            if read.value.owner().is_some() {
                continue 'clients;
            }
            let ledger = ok(C, "ledger", store.ledger(rep));
            if ledger.value.holding() >= CLAIM_CAP {
                break 'clients;
            }
            let mut claimed = read.value;
            claimed.fixture_set_owner(Some(rep));
            let mut held = ledger.value;
            held.fixture_set_holding(held.holding() + 1, 0);
            let batch = [
                Write::Update {
                    client: claimed,
                    expected: read.version,
                },
                Write::Ledger {
                    ledger: held,
                    expected: ledger.version,
                },
            ];
            match store.commit_writes(&batch) {
                Ok(_) => {
                    won.push(id);
                    continue 'clients;
                }
                Err(
                    StoreError::Conflict(Conflict::Client { .. })
                    | StoreError::Conflict(Conflict::Ledger { .. }),
                ) => {}
                Err(error) => panic!("store contract `{C}` failed: {rep} claiming {id}: {error}"),
            }
        }
        panic!("store contract `{C}` failed: {rep} met {MAX_ATTEMPTS} conflicts in a row on {id}");
    }
    won
}

/// One insert of the import race: the company, the id tried, what the store answered.
type ImportTry = (u64, ClientId, Result<(), StoreError>);

/// Companies raced for in [`concurrent_imports`].
pub(crate) const IMPORT_COMPANIES: u32 = 8;

/// [`CLAIM_THREADS`] threads race to insert a client of each of [`IMPORT_COMPANIES`] companies
/// (each thread its own ids, all carrying the same company key): for every company exactly one
/// insert commits, every other is refused with [`Conflict::DuplicateKey`](crate::error::Conflict::DuplicateKey) naming the client
/// that won, and `find_by_key` lists that client alone.
pub(crate) fn concurrent_imports<S: Store + Sync + ?Sized>(store: &S) {
    const C: &str = "concurrent_imports";
    let threads = u64::from(CLAIM_THREADS);
    let companies = u64::from(IMPORT_COMPANIES);
    let start = Barrier::new(CLAIM_THREADS as usize);
    let outcomes: Vec<Vec<ImportTry>> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                let start = &start;
                scope.spawn(move || {
                    start.wait();
                    (0..companies)
                        .map(|company| {
                            let id = ClientId(1 + company * threads + t);
                            let keys = crate::model::DedupeKeys {
                                company: Some(format!("company {company}")),
                                ..Default::default()
                            };
                            let result = store.insert(client(id.0).with_keys(keys));
                            (company, id, result.map(|_| ()))
                        })
                        .collect()
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| match h.join() {
                Ok(outcome) => outcome,
                Err(panic) => std::panic::resume_unwind(panic),
            })
            .collect()
    });
    for company in 0..companies {
        let tries: Vec<&ImportTry> = outcomes
            .iter()
            .flatten()
            .filter(|(c, ..)| *c == company)
            .collect();
        let winners: Vec<ClientId> = tries
            .iter()
            .filter(|(_, _, r)| r.is_ok())
            .map(|(_, id, _)| *id)
            .collect();
        let [winner] = winners[..] else {
            panic!(
                "store contract `{C}` failed: company {company} was inserted {} times: {winners:?}",
                winners.len()
            );
        };
        let key = crate::model::DedupeKey::Company(format!("company {company}"));
        for (_, id, result) in &tries {
            if *id == winner {
                continue;
            }
            let want = Err(StoreError::Conflict(Conflict::DuplicateKey {
                key: key.clone(),
                holder: winner,
            }));
            ensure_eq!(
                C,
                result.clone(),
                want,
                "insert of {id} for company {company}"
            );
            ensure_eq!(
                C,
                ok(C, "get", store.get(*id)),
                None,
                "{id} after its refused insert"
            );
        }
        ensure_eq!(
            C,
            ok(C, "find_by_key", store.find_by_key(&key)),
            vec![winner],
            "find_by_key for company {company}"
        );
    }
}
