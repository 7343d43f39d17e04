//! A pool life cycle on a SQLite file through the `ClientStore` trait alone: import clients
//! into the public pool, claim one by the optimistic protocol (client + rep ledger, checked
//! versions, retry on conflict), list what falls due, release it with a public reason, claim
//! another, then close, reopen and show that everything survived.
//!
//! ```text
//! cargo run --example sqlite_store [-- PATH]
//! ```
//!
//! PATH must not exist yet (default: a file under the system temp dir); the example removes
//! the database when it ends. The adapter itself is `examples/sqlite_store/store.rs`.

mod store;

use chrono::{DateTime, Duration, TimeZone, Utc};
use leadpool::error::StoreError;
use leadpool::ids::{ClientId, PoolId, RepId};
use leadpool::model::{Client, DedupeKeys, Release, Source};
use leadpool::store::{ClientStore, Write};
use std::error::Error;
use std::path::PathBuf;
use store::SqliteStore;

/// Most clients one rep may hold in this example's policy.
const CAP: u32 = 2;
/// Days without a follow-up before the owner is reminded, and before the client is released.
const REMIND_DAYS: i64 = 7;
const RELEASE_DAYS: i64 = 30;

/// Removes the database and its WAL side files when the example ends, even on error.
struct RemoveOnExit(PathBuf);

impl Drop for RemoveOnExit {
    fn drop(&mut self) {
        for suffix in ["", "-wal", "-shm"] {
            let mut name = self.0.clone().into_os_string();
            name.push(suffix);
            let _ = std::fs::remove_file(name);
        }
    }
}

fn main() -> Result<(), Box<dyn Error>> {
    let path = match std::env::args_os().nth(1) {
        Some(path) => PathBuf::from(path),
        None => std::env::temp_dir().join(format!("leadpool-example-{}.db", std::process::id())),
    };
    if path.exists() {
        return Err(format!("{} exists; give a path for a new file", path.display()).into());
    }
    let _cleanup = RemoveOnExit(path.clone());
    // The engine takes time as input; a fixed instant keeps the output reproducible.
    let now = Utc
        .with_ymd_and_hms(2026, 11, 24, 9, 0, 0)
        .single()
        .ok_or("invalid start instant")?;
    let (alice, bob) = (RepId(7), RepId(8));

    println!("database: {}", path.display());
    {
        let store = SqliteStore::open(&path)?;
        for (id, name, phone) in [
            (1, "ACME Trading Co., Ltd.", "+86 138 0013 8000"),
            (2, "深圳市华强电子有限公司", "0755 8888 1234"),
            (3, "Globex GmbH", "+49 30 1234567"),
        ] {
            let keys = DedupeKeys::from_raw(Some(name), Some(phone), None, Some("86"));
            store.insert(Client::new(ClientId(id), name, Source::Website, now).with_keys(keys))?;
        }
        println!(
            "imported; public pool: {:?}",
            store.public_pool(PoolId::DEFAULT)?
        );

        claim(&store, ClientId(2), alice, now)?;
        println!(
            "{alice} claimed client#2; {alice} owns {:?}",
            store.owned_by(alice)?
        );
        let reminder = now + Duration::days(REMIND_DAYS);
        println!(
            "due a second before the reminder: {:?}; at it: {:?}",
            store.due_by(reminder - Duration::seconds(1))?,
            store.due_by(reminder)?
        );

        release(&store, ClientId(2), reminder, "no budget until next year")?;
        println!(
            "client#2 released; public pool: {:?}",
            store.public_pool(PoolId::DEFAULT)?
        );
        claim(&store, ClientId(3), bob, reminder)?;
        println!("{bob} claimed client#3");
    } // The store and its connections close here.

    let store = SqliteStore::open(&path)?;
    println!("reopened {}", path.display());
    let public = store.public_pool(PoolId::DEFAULT)?;
    let owned = store.owned_by(bob)?;
    let released = store
        .get(ClientId(2))?
        .ok_or("client#2 is missing after reopening")?;
    let reason = released.value.custody.last_release.map(|r| r.reason);
    println!("public pool: {public:?}; {bob} owns {owned:?}");
    println!(
        "client#2 at version {}, released because: {reason:?}",
        released.version
    );
    println!("{bob}'s ledger: {:?}", store.ledger(bob)?);
    let survived = public == [ClientId(1), ClientId(2)]
        && owned == [ClientId(3)]
        && reason.as_deref() == Some("no budget until next year")
        && store.ledger(alice)?.value.holding == 0;
    if !survived {
        return Err("the reopened database does not hold what was committed".into());
    }
    println!("everything committed survived closing and reopening");
    Ok(())
}

/// Claims `id` for `rep` by the optimistic protocol: read the client and the rep's ledger,
/// check, write both at the versions read; if another writer got in between, read again.
fn claim(
    store: &impl ClientStore,
    id: ClientId,
    rep: RepId,
    now: DateTime<Utc>,
) -> Result<(), Box<dyn Error>> {
    for _ in 0..16 {
        let read = store.get(id)?.ok_or(StoreError::NotFound(id))?;
        if let Some(owner) = read.value.owner {
            return Err(format!("{id} already belongs to {owner}").into());
        }
        let ledger = store.ledger(rep)?;
        if ledger.value.holding >= CAP {
            return Err(format!("{rep} already holds {CAP} clients").into());
        }
        let mut client = read.value;
        client.owner = Some(rep);
        client.custody.owned_since = Some(now);
        client.custody.remind_at = Some(now + Duration::days(REMIND_DAYS));
        client.custody.release_at = Some(now + Duration::days(RELEASE_DAYS));
        client.refresh_deadline();
        let mut held = ledger.value;
        held.holding += 1;
        held.last_assigned_at = Some(now);
        let batch = [
            Write::Update {
                client,
                expected: read.version,
            },
            Write::Ledger {
                ledger: held,
                expected: ledger.version,
            },
        ];
        match store.commit(&batch) {
            Ok(_) => return Ok(()),
            Err(StoreError::Conflict { .. } | StoreError::LedgerConflict { .. }) => continue,
            Err(other) => return Err(other.into()),
        }
    }
    Err(format!("{id}: gave up after repeated conflicts").into())
}

/// Returns `id` to the public pool with a reason everyone sees, and frees the owner's slot.
fn release(
    store: &impl ClientStore,
    id: ClientId,
    now: DateTime<Utc>,
    reason: &str,
) -> Result<(), Box<dyn Error>> {
    for _ in 0..16 {
        let read = store.get(id)?.ok_or(StoreError::NotFound(id))?;
        let owner = read
            .value
            .owner
            .ok_or_else(|| format!("{id} is not owned"))?;
        let ledger = store.ledger(owner)?;
        let mut client = read.value;
        client.owner = None;
        client.custody.pooled_at = Some(now);
        client.custody.last_release = Some(Release {
            from: owner,
            at: now,
            reason: reason.into(),
        });
        client.custody.remind_at = None;
        client.custody.release_at = None;
        client.refresh_deadline();
        let mut held = ledger.value;
        held.holding = held.holding.saturating_sub(1);
        let batch = [
            Write::Update {
                client,
                expected: read.version,
            },
            Write::Ledger {
                ledger: held,
                expected: ledger.version,
            },
        ];
        match store.commit(&batch) {
            Ok(_) => return Ok(()),
            Err(StoreError::Conflict { .. } | StoreError::LedgerConflict { .. }) => continue,
            Err(other) => return Err(other.into()),
        }
    }
    Err(format!("{id}: gave up after repeated conflicts").into())
}
