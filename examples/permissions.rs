//! Who may do what: a sales department with a manager, a pool admin and a policy admin, the
//! permission matrix the pool decides, and a short day in which the signed-in user is passed as
//! the actor of every command: what each may do goes through, the rest is refused with a typed
//! reason naming the actor, the action and the authority they lack.
//!
//! `cargo run --example permissions` (English) or
//! `cargo run --example permissions -- --lang zh-CN` (简体中文).

use chrono::{Duration, TimeZone, Utc};
use leadpool::allocate::Team;
use leadpool::i18n::{Lang, Render};
use leadpool::ids::{ClientId, DeptId, PoolId, RepId};
use leadpool::model::{Client, Rep, Source};
use leadpool::pool::admission::PermissionMatrix;
use leadpool::pool::{
    Actor, Assigner, Command, Config, Department, Flag, PoolDef, PoolPolicy, PoolState,
    TransferScope, execute,
};
use std::collections::BTreeMap;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let lang = lang_from_args()?;
    let (li, wang) = (RepId(1), RepId(2));
    let (manager_zhao, admin_sun, director_zhou) = (RepId(10), RepId(20), RepId(30));
    let export = PoolId(7);
    let team = Team::new([Rep::new(li, "Li Lei"), Rep::new(wang, "Wang Fang")]);
    let sales = Department {
        name: "East China sales".into(),
        managers: [manager_zhao].into(),
        reps: [li, wang].into(),
        ..Department::default()
    };
    let policy = PoolPolicy {
        // Zhou (sales director) may change the policy and administers every pool; Sun
        // administers the export pool only, which is open to the East China department.
        admins: [director_zhou].into(),
        departments: BTreeMap::from([(DeptId(1), sales)]),
        pools: BTreeMap::from([
            (PoolId::DEFAULT, PoolDef::default()),
            (
                export,
                PoolDef {
                    name: "export".into(),
                    departments: [DeptId(1)].into(),
                    admins: [admin_sun].into(),
                    ..PoolDef::default()
                },
            ),
        ]),
        ..PoolPolicy::default()
    };

    // The matrix the pool decides, as README shows it.
    println!("{}", PermissionMatrix.render(lang));

    let mut state = PoolState::new(Config::new(team, policy.clone())?);
    let start = Utc.with_ymd_and_hms(2026, 11, 30, 1, 0, 0).unwrap();
    let acme = ClientId(1);
    let globex = ClientId(2);
    let script = vec![
        (
            "the web form imports ACME",
            Actor::System,
            Command::Import {
                client: Box::new(Client::new(acme, "ACME", Source::Website, start)),
            },
        ),
        (
            "Wang imports Globex into the export pool",
            Actor::Rep(wang),
            Command::Import {
                client: Box::new(
                    Client::new(globex, "Globex", Source::Website, start).with_pool(export),
                ),
            },
        ),
        (
            "Li claims ACME",
            Actor::Rep(li),
            Command::Claim {
                client: acme,
                rep: li,
            },
        ),
        (
            "Li locks ACME against recycling",
            Actor::Rep(li),
            Command::SetFlag {
                client: acme,
                flag: Flag::Locked(true),
            },
        ),
        (
            "Li moves ACME to Wang",
            Actor::Rep(li),
            Command::Transfer {
                from: li,
                to: wang,
                scope: TransferScope::All,
            },
        ),
        (
            "manager Zhao locks ACME (a key account)",
            Actor::Manager(manager_zhao),
            Command::SetFlag {
                client: acme,
                flag: Flag::Locked(true),
            },
        ),
        (
            "Sun assigns Globex to Wang",
            Actor::Admin(admin_sun),
            Command::Assign {
                client: globex,
                rep: wang,
                by: Assigner::Manager,
            },
        ),
        (
            "Sun moves ACME into the export pool",
            Actor::Admin(admin_sun),
            Command::MovePool {
                client: acme,
                to: export,
            },
        ),
        (
            "Sun raises the cap",
            Actor::Admin(admin_sun),
            Command::ChangePolicy {
                policy: Box::new(PoolPolicy {
                    private_cap: Some(80),
                    ..policy.clone()
                }),
            },
        ),
        (
            "director Zhou raises the cap",
            Actor::Admin(director_zhou),
            Command::ChangePolicy {
                policy: Box::new(PoolPolicy {
                    private_cap: Some(80),
                    ..policy.clone()
                }),
            },
        ),
    ];
    for (i, (label, actor, command)) in script.into_iter().enumerate() {
        let at = start + Duration::minutes(i as i64);
        match execute(&mut state, actor, command, at) {
            Ok(events) => {
                println!("ok      {label}");
                for event in &events {
                    println!("          {}", serde_json::to_string(event)?);
                }
            }
            Err(refusal) => println!("refused {label}\n          {}", refusal.render(lang)),
        }
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
