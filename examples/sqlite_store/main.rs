//! Two instances of a CRM service sharing one SQLite file, each with its own `Pool` over its
//! own `SqliteStore` (its own connections), as two processes behind a load balancer would:
//!
//! 1. Instance A installs the team and policy; instance B, started with another policy, finds
//!    A's in the file and keeps it (the configuration lives in the store, not in a process).
//! 2. A pool life cycle, the commands alternating between the instances: imports (a duplicate
//!    reported, not inserted), a claim, an assignment by the seed's rules with its published
//!    explanation, a follow-up, the reminder and the automatic release, the former owner
//!    refused inside the cooldown, a reclaim by another rep.
//! 3. A changes the policy (a lower cap); B's next claim is decided under it and refused.
//! 4. Both close; a third instance reopens the file, finds the configuration at its version,
//!    every acknowledged change, and reads the audit log back with `pool.events(..)`.
//!
//! ```text
//! cargo run --example sqlite_store [-- PATH]
//! ```
//!
//! PATH must not exist yet (default: a file under the system temp dir); the example removes
//! the database when it ends. The adapter is `examples/sqlite_store/store.rs` and its modules.

#[allow(dead_code)] // The example uses part of the adapter; its tests and bench use the rest.
mod store;

use chrono::{DateTime, Duration, TimeZone, Utc};
use leadpool::ManualClock;
use leadpool::allocate::{AllocState, Policy, Team};
use leadpool::ids::{ClientId, PoolId, RepId};
use leadpool::model::{Client, ContactLevel, DedupeKeys, Rep, Source};
use leadpool::pool::{Actor, Config, Event, Pool, PoolPolicy};
use leadpool::rng::seeded;
use leadpool::store::Store;
use leadpool::txn::Footprint;
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

/// Prints what one instance committed, one JSON event a line.
fn print_events(instance: &str, label: &str, events: &[Event]) -> usize {
    println!("== [{instance}] {label}");
    for event in events {
        match serde_json::to_string(event) {
            Ok(json) => println!("   {json}"),
            Err(err) => println!("   (event not printable: {err})"),
        }
    }
    events.len()
}

/// The event's kind, as its JSON tag says (`imported`, `owner_changed`, …).
fn kind(event: &Event) -> String {
    serde_json::to_value(event)
        .ok()
        .and_then(|json| Some(json.get("event")?.as_str()?.to_owned()))
        .unwrap_or_else(|| "(unnamed)".to_owned())
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
    // Zhou, the sales director, administers the pools and the policy (she takes no clients).
    let zhou = RepId(90);
    let policy = PoolPolicy {
        admins: [zhou].into(),
        private_cap: Some(50),
        remind_after_days: Some(7),
        release_after_reminder_days: 3,
        cooldown_days: 5,
        ..PoolPolicy::default()
    };
    let (acme, huaqiang, globex) = (ClientId(1), ClientId(2), ClientId(4));
    let mut committed = 0;

    println!("database: {}", path.display());
    {
        // One clock for the demo; each instance would read the system clock in production.
        let clock = ManualClock::new(day(0));
        let a = Pool::bootstrap(
            SqliteStore::open(&path)?,
            Config::new(team.clone(), policy.clone())?,
            clock.clone(),
        )?;
        let b = Pool::new(SqliteStore::open(&path)?, clock.clone());
        let other = PoolPolicy {
            private_cap: Some(5),
            ..policy.clone()
        };
        let installed = b.install(Config::new(team.clone(), other)?)?;
        let seen = b.config()?;
        println!(
            "== [B] starts with its own policy: installed {installed}; runs under version {} \
             (cap {:?}, A's)",
            seen.version,
            seen.value.policy().private_cap
        );
        committed += 2; // A's install: the team and the policy.

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
            (globex, "Globex Corporation", "+1 555 0100", Source::Website),
        ] {
            let keys = DedupeKeys::from_raw(Some(name), Some(phone), None, Some("86"));
            let client = Client::new(id, name, source, day(0)).with_keys(keys);
            committed += print_events(
                "A",
                &format!("import {id}"),
                &a.import(Actor::System, client)?,
            );
        }
        committed += print_events("B", "Li claims ACME", &b.claim(acme, li)?);

        // The card Wang collected at the booth goes to Wang by the seed's rule 1.
        let router = Policy::seed_default().build(&team)?;
        let (decision, events) = a.assign_by_rule(
            huaqiang,
            router.as_ref(),
            &AllocState::new(),
            None,
            &mut seeded(7),
        )?;
        committed += print_events("A", "assign the trade-show card by rule", &events);
        println!("   rule said: {}", decision.explanation);
        clock.set(day(1));
        let visit = b.follow_up(huaqiang, wang, ContactLevel::Visit, "showroom")?;
        committed += print_events("B", "Wang visits", &visit);
        clock.set(day(7));
        let swept = a.sweep()?;
        committed += print_events("A", "sweep on day 7 (Li is reminded)", &swept.events);
        clock.set(day(10));
        let swept = b.sweep()?;
        committed += print_events("B", "sweep on day 10 (ACME goes back)", &swept.events);
        clock.set(day(12));
        match a.claim(acme, li) {
            Ok(_) => return Err("the former owner reclaimed inside the cooldown".into()),
            Err(refusal) => println!("== [A] Li tries again on day 12\n   refused: {refusal}"),
        }
        let reclaim = b.claim(acme, wang)?;
        committed += print_events("B", "Wang claims ACME on day 12", &reclaim);

        // A lowers the cap to 2; B decides its next command under the new policy.
        let lower = PoolPolicy {
            private_cap: Some(2),
            ..policy.clone()
        };
        committed += print_events(
            "A",
            "Zhou lowers the cap to 2",
            &a.change_policy(Actor::Admin(zhou), lower)?,
        );
        let seen = b.config()?;
        println!(
            "== [B] now runs under version {} (cap {:?})",
            seen.version,
            seen.value.policy().private_cap
        );
        match b.claim(globex, wang) {
            Ok(_) => return Err("B claimed over the cap A set".into()),
            Err(refusal) => println!("== [B] Wang tries to claim Globex\n   refused: {refusal}"),
        }
    } // Both pools, their stores and connections close here.

    let pool = Pool::new(SqliteStore::open(&path)?, ManualClock::new(day(12)));
    println!("reopened {}", path.display());
    let config = pool.config()?;
    println!(
        "configuration version {}: cap {:?}",
        config.version,
        config.value.policy().private_cap
    );
    let store = pool.store();
    let owned = store.owned_by(wang)?;
    let public = store.public_pool(PoolId::DEFAULT)?;
    let acme_row = pool.client(acme)?;
    let release = acme_row.value.custody().last_release().cloned();
    println!("{wang} owns {owned:?}; public pool {public:?}");
    println!(
        "ACME at version {}, last released from {:?} because {:?}",
        acme_row.version,
        release.as_ref().map(|r| r.from),
        release.as_ref().map(|r| r.reason.to_string())
    );
    let ledgers = store.load(&Footprint::config().with_reps([li, wang]))?;
    let holding = |rep: RepId| {
        ledgers
            .ledgers()
            .find(|l| l.value.rep() == rep)
            .map_or(0, |l| l.value.holding())
    };
    println!("holdings: {li} {}, {wang} {}", holding(li), holding(wang));

    println!("== the audit log, read back");
    let log = pool.events(0, 1000)?;
    for recorded in &log {
        let client = recorded.event.client().map(|c| c.to_string());
        println!(
            "   {:>3} {} {}",
            recorded.seq,
            kind(&recorded.event),
            client.unwrap_or_default()
        );
    }
    let survived = config.version == 2
        && config.value.policy().private_cap == Some(2)
        && owned == [acme, huaqiang]
        && public == [globex]
        && pool.client(ClientId(3)).is_err()
        && release.is_some_and(|r| r.from == li)
        && holding(li) == 0
        && holding(wang) == 2
        && log.len() == committed
        && log.iter().zip(1..).all(|(r, seq)| r.seq == seq);
    if !survived {
        return Err("the reopened database does not hold what was acknowledged".into());
    }
    println!(
        "everything acknowledged survived closing and reopening; the log holds the {committed} \
         events the two instances were told of, numbered 1..={committed}"
    );
    Ok(())
}
