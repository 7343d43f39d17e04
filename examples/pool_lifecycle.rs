//! One client through the pool: import, claim, reminder, automatic release, the former
//! owner's cooldown, and the reclaim by another rep. Each command is asked by an actor (the
//! system imports and sweeps, reps claim for themselves). Prints every event as JSON (what a
//! CRM stores, with its actor) and, for refusals and releases, the reason in words.
//!
//! `cargo run --example pool_lifecycle` (English) or
//! `cargo run --example pool_lifecycle -- --lang zh-CN` (简体中文).

use chrono::{DateTime, Duration, TimeZone, Utc};
use leadpool::allocate::Team;
use leadpool::i18n::{Lang, Locale, Render};
use leadpool::ids::{ClientId, RepId};
use leadpool::model::{Client, DedupeKeys, Rep, Source};
use leadpool::pool::{Actor, Command, Config, Event, PoolPolicy, PoolState, execute};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let lang = lang_from_args()?;
    let li = RepId(1);
    let wang = RepId(2);
    let team = Team::new([Rep::new(li, "Li Lei"), Rep::new(wang, "Wang Fang")]);
    // Seed 001: remind after 7 days without a follow-up, release 3 days later, and the former
    // owner may not pick the client back up for 5 days.
    let policy = PoolPolicy {
        private_cap: Some(50),
        remind_after_days: Some(7),
        release_after_reminder_days: 3,
        cooldown_days: 5,
        zone: "+08:00".parse()?,
        ..PoolPolicy::default()
    };
    let locale = Locale::new(lang).with_zone(policy.zone);
    let mut state = PoolState::new(Config::new(team, policy)?);
    let start = Utc.with_ymd_and_hms(2026, 11, 2, 1, 0, 0).unwrap();
    let day = |n: i64| start + Duration::days(n);
    let acme = ClientId(1001);
    let keys = DedupeKeys::from_raw(Some("ACME Trading Co., Ltd."), None, None, None);
    let client = Client::new(acme, "ACME Trading", Source::Website, start).with_keys(keys);

    let script: Vec<(DateTime<Utc>, &str, Actor, Command)> = vec![
        (
            day(0),
            "import",
            Actor::System,
            Command::Import {
                client: Box::new(client),
            },
        ),
        (
            day(0),
            "Li claims",
            Actor::Rep(li),
            Command::Claim {
                client: acme,
                rep: li,
            },
        ),
        (day(7), "sweep on day 7", Actor::System, Command::Sweep),
        (day(10), "sweep on day 10", Actor::System, Command::Sweep),
        (
            day(12),
            "Li tries to reclaim",
            Actor::Rep(li),
            Command::Claim {
                client: acme,
                rep: li,
            },
        ),
        (
            day(12),
            "Li tries to claim it for Wang",
            Actor::Rep(li),
            Command::Claim {
                client: acme,
                rep: wang,
            },
        ),
        (
            day(12),
            "Wang claims",
            Actor::Rep(wang),
            Command::Claim {
                client: acme,
                rep: wang,
            },
        ),
    ];
    for (at, label, actor, command) in script {
        println!("== {label} ({at})");
        match execute(&mut state, actor, command, at) {
            Ok(events) => {
                for event in &events {
                    println!("   {}", serde_json::to_string(event)?);
                    if let Event::Released { reason, .. } = event {
                        println!("   -> {}", reason.render(locale));
                    }
                    if let Event::Reminded { cause, .. } = event {
                        println!("   -> {}", cause.render(locale));
                    }
                }
                if events.is_empty() {
                    println!("   nothing due");
                }
            }
            Err(refusal) => println!("   refused: {}", refusal.render(locale)),
        }
    }
    if let Some(client) = state.client(acme) {
        println!("== {} is now owned by {:?}", client.name(), client.owner());
    }
    Ok(())
}

/// `--lang en` (the default) or `--lang zh-CN`.
fn lang_from_args() -> Result<Lang, Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    match args.iter().position(|a| a == "--lang") {
        Some(i) => Ok(args.get(i + 1).ok_or("--lang needs a value")?.parse()?),
        None => Ok(Lang::En),
    }
}
