//! A pool life cycle on a SQLite file, through the `Pool` facade over the SQLite adapter:
//! import (with a duplicate reported, not inserted), claim, an assignment by the seed's rules
//! with its published explanation, a reminder, the automatic release, the former owner refused
//! inside the cooldown, a reclaim by another rep; then close, reopen and show that every
//! acknowledged change survived.
//!
//! ```text
//! cargo run --example sqlite_store [-- PATH]
//! ```
//!
//! PATH must not exist yet (default: a file under the system temp dir); the example removes
//! the database when it ends. The adapter itself is `examples/sqlite_store/store.rs`.

mod store;

use chrono::{DateTime, Duration, TimeZone, Utc};
use leadpool::ManualClock;
use leadpool::allocate::{AllocState, Policy, Team};
use leadpool::ids::{ClientId, PoolId, RepId};
use leadpool::model::{Client, ContactLevel, DedupeKeys, Rep, Source};
use leadpool::pool::{Config, Event, Pool, PoolPolicy};
use leadpool::rng::seeded;
use leadpool::store::ClientStore;
use std::error::Error;
use std::path::PathBuf;
use store::SqliteStore;

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

fn print_events(label: &str, events: &[Event]) {
    println!("== {label}");
    for event in events {
        match serde_json::to_string(event) {
            Ok(json) => println!("   {json}"),
            Err(err) => println!("   (event not printable: {err})"),
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
    // The engine takes time as input; fixed instants keep the output reproducible.
    let start: DateTime<Utc> = Utc
        .with_ymd_and_hms(2026, 11, 2, 1, 0, 0)
        .single()
        .ok_or("invalid start instant")?;
    let day = |n: i64| start + Duration::days(n);
    let (li, wang) = (RepId(1), RepId(2));
    let team = Team::new([Rep::new(li, "Li Lei"), Rep::new(wang, "Wang Fang")]);
    // Seed 001: remind after 7 days without a follow-up, release 3 days later, and the former
    // owner may not claim the client back for 5 days.
    let policy = PoolPolicy {
        private_cap: Some(50),
        remind_after_days: Some(7),
        release_after_reminder_days: 3,
        cooldown_days: 5,
        ..PoolPolicy::default()
    };
    let acme = ClientId(1);
    let huaqiang = ClientId(2);

    println!("database: {}", path.display());
    {
        let clock = ManualClock::new(day(0));
        let config = Config::new(team.clone(), policy.clone())?;
        let pool = Pool::new(SqliteStore::open(&path)?, config, clock.clone());
        for (id, name, phone, source) in [
            (
                acme,
                "ACME Trading Co., Ltd.",
                "+86 138 0013 8000",
                Source::Website,
            ),
            (
                huaqiang,
                "深圳市华强电子有限公司",
                "0755 8888 1234",
                Source::TradeShow { received_by: wang },
            ),
            // The same company as client 1, typed differently: reported, not duplicated.
            (
                ClientId(3),
                "acme trading",
                "13800138000",
                Source::PlatformMaster,
            ),
        ] {
            let keys = DedupeKeys::from_raw(Some(name), Some(phone), None, Some("86"));
            let client = Client::new(id, name, source, day(0)).with_keys(keys);
            print_events(&format!("import {id}"), &pool.import(client)?);
        }
        print_events("Li claims ACME", &pool.claim(acme, li)?);

        // The card Wang collected at the booth goes to Wang by the seed's rule 1.
        let router = Policy::seed_default().build(&team)?;
        let (decision, events) = pool.assign_by_rule(
            huaqiang,
            router.as_ref(),
            &AllocState::new(),
            None,
            &mut seeded(7),
        )?;
        println!("   rule said: {}", decision.explanation);
        print_events("assign the trade-show card by rule", &events);
        clock.set(day(1));
        print_events(
            "Wang visits",
            &pool.follow_up(huaqiang, wang, ContactLevel::Visit, "showroom")?,
        );
        clock.set(day(7));
        print_events("sweep on day 7 (Li is reminded)", &pool.sweep()?.events);
        clock.set(day(10));
        print_events("sweep on day 10 (ACME goes back)", &pool.sweep()?.events);
        clock.set(day(12));
        match pool.claim(acme, li) {
            Ok(_) => return Err("the former owner reclaimed inside the cooldown".into()),
            Err(refusal) => println!("== Li tries again on day 12\n   refused: {refusal}"),
        }
        print_events("Wang claims ACME on day 12", &pool.claim(acme, wang)?);
    } // The pool, the store and its connections close here.

    let store = SqliteStore::open(&path)?;
    println!("reopened {}", path.display());
    let owned = store.owned_by(wang)?;
    let public = store.public_pool(PoolId::DEFAULT)?;
    let acme_row = store.get(acme)?.ok_or("ACME is missing after reopening")?;
    let release = acme_row.value.custody().last_release.clone();
    println!("{wang} owns {owned:?}; public pool {public:?}");
    println!(
        "ACME at version {}, last released from {:?} because {:?}",
        acme_row.version,
        release.as_ref().map(|r| r.from),
        release.as_ref().map(|r| r.reason.to_string())
    );
    println!("{wang}'s ledger: {:?}", store.ledger(wang)?.value);
    let survived = owned == [acme, huaqiang]
        && public.is_empty()
        && store.get(ClientId(3))?.is_none()
        && release.is_some_and(|r| r.from == li)
        && store.ledger(li)?.value.holding() == 0
        && store.ledger(wang)?.value.holding() == 2;
    if !survived {
        return Err("the reopened database does not hold what was acknowledged".into());
    }
    println!("everything acknowledged survived closing and reopening");
    Ok(())
}
