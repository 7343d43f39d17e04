//! The serde form of every reason, release reason, event and command is pinned in
//! `tests/snapshots/serde.jsonl`: CRMs store them, so a tag or a field name must not change by
//! accident. Regenerate on purpose with `UPDATE_SNAPSHOTS=1 cargo test --lib snapshot`, and
//! say so in the CHANGELOG.

use crate::allocate::{Explanation, Team};
use crate::i18n::tests::{exclusions, forbiddens, refusals, releases, steps};
use crate::ids::{ClientId, PoolId, RepId};
use crate::model::{
    Client, Contact, ContactLevel, DedupeKey, RecycleCause, RecycleKind, Rep, ScheduledRelease,
    Source, Timers,
};
use crate::pool::{Actor, Assigner, Command, Event, Flag, PoolPolicy, Retimed, TransferScope, Via};
use chrono::{NaiveDate, TimeZone, Utc};
use serde::Serialize;

fn at() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 24, 1, 30, 0).unwrap()
}

fn timers() -> Timers {
    Timers {
        remind_at: Some(at()),
        release: Some(ScheduledRelease {
            at: at(),
            cause: RecycleCause {
                rule: RecycleKind::NoFollowUp,
                days: 15,
            },
        }),
    }
}

fn contact() -> Contact {
    Contact {
        rep: RepId(2),
        level: ContactLevel::Visit,
        at: at(),
        note: "showroom".into(),
    }
}

fn explanation() -> Box<Explanation> {
    Box::new(Explanation::new(crate::reason::Step::NamedRep {
        rep: RepId(2),
    }))
}

fn events() -> Vec<Event> {
    let (client, rep) = (ClientId(1), RepId(2));
    let day = NaiveDate::from_ymd_opt(2026, 11, 24).unwrap();
    let mut all = vec![
        Event::Imported {
            client: Box::new(Client::new(client, "ACME", Source::Website, at())),
            actor: Actor::System,
        },
        Event::DuplicateReported {
            incoming: ClientId(9),
            existing: client,
            key: DedupeKey::Company("acme".into()),
            owner: Some(rep),
            at: at(),
            actor: Actor::System,
        },
        Event::ContactLogged {
            client,
            contact: contact(),
            follow_up: Some(timers()),
            actor: Actor::Rep(rep),
        },
        Event::Reminded {
            client,
            rep,
            at: at(),
            release_at: at(),
            cause: RecycleCause {
                rule: RecycleKind::NoDeal,
                days: 90,
            },
            actor: Actor::System,
        },
        Event::DealMarked {
            client,
            credited_to: rep,
            contact: contact(),
            timers: Timers::default(),
            actor: Actor::Manager(RepId(3)),
        },
        Event::FlagSet {
            client,
            flag: Flag::Level(Some("A".into())),
            timers: timers(),
            actor: Actor::Admin(RepId(4)),
        },
        Event::PoolChanged {
            client,
            from: PoolId(0),
            to: PoolId(7),
            at: at(),
            actor: Actor::Admin(RepId(4)),
        },
        Event::PolicyChanged {
            policy: Box::new(PoolPolicy::default()),
            at: at(),
            retimed: vec![Retimed {
                client,
                timers: timers(),
            }],
            actor: Actor::Admin(RepId(4)),
        },
        Event::TeamChanged {
            team: Box::new(Team::new([Rep::new(rep, "Wang")])),
            at: at(),
            actor: Actor::System,
        },
    ];
    for reason in releases() {
        all.push(Event::Released {
            client,
            from: rep,
            at: at(),
            reason,
            to_pool: PoolId(0),
            actor: Actor::Rep(rep),
        });
    }
    let vias = [
        Via::Claim { claims: 2 },
        Via::Assign {
            by: Assigner::Manager,
        },
        Via::Assign {
            by: Assigner::Rule {
                explanation: explanation(),
            },
        },
        Via::Transfer { from: RepId(1) },
        Via::Handover {
            from: RepId(1),
            history: vec![contact()],
        },
        Via::Deal { claims: 1 },
    ];
    for via in vias {
        all.push(Event::OwnerChanged {
            client,
            to: rep,
            via,
            at: at(),
            day,
            timers: timers(),
            actor: Actor::Manager(RepId(3)),
        });
    }
    all
}

fn commands() -> Vec<Command> {
    let (client, rep) = (ClientId(1), RepId(2));
    vec![
        Command::Import {
            client: Box::new(Client::new(client, "ACME", Source::Website, at())),
        },
        Command::Claim { client, rep },
        Command::Assign {
            client,
            rep,
            by: Assigner::Manager,
        },
        Command::Transfer {
            from: RepId(1),
            to: rep,
            scope: TransferScope::Only(vec![client]),
        },
        Command::Transfer {
            from: RepId(1),
            to: rep,
            scope: TransferScope::All,
        },
        Command::FollowUp {
            client,
            rep,
            level: ContactLevel::Sample,
            note: String::new(),
        },
        Command::Release {
            client,
            rep,
            note: "no budget".into(),
        },
        Command::Sweep,
        Command::SweepClient { client },
        Command::MarkDeal {
            client,
            closed_by: rep,
        },
        Command::Handover { client, to: rep },
        Command::SetFlag {
            client,
            flag: Flag::Locked(true),
        },
        Command::MovePool {
            client,
            to: PoolId(7),
        },
        Command::ChangePolicy {
            policy: Box::new(PoolPolicy::default()),
        },
        Command::ChangeTeam {
            team: Box::new(Team::new([Rep::new(rep, "Wang")])),
        },
    ]
}

fn lines<T: Serialize>(kind: &str, values: &[T], out: &mut String) {
    for value in values {
        out.push_str(kind);
        out.push(' ');
        out.push_str(&serde_json::to_string(value).expect("serialisable"));
        out.push('\n');
    }
}

#[test]
fn serde_tags_and_fields_are_pinned() {
    let mut now = String::new();
    lines("refusal", &refusals(), &mut now);
    lines("exclusion", &exclusions(), &mut now);
    lines("step", &steps(), &mut now);
    lines("release", &releases(), &mut now);
    lines("event", &events(), &mut now);
    lines("command", &commands(), &mut now);
    lines("forbidden", &forbiddens(), &mut now);
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/snapshots/serde.jsonl");
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(path, &now).expect("the snapshot is writable");
    }
    let pinned = std::fs::read_to_string(path).unwrap_or_default();
    for (i, (was, is)) in pinned.lines().zip(now.lines()).enumerate() {
        assert_eq!(was, is, "line {} of {path} changed", i + 1);
    }
    assert_eq!(
        pinned.lines().count(),
        now.lines().count(),
        "{path} lists other values"
    );
}

#[test]
fn every_pinned_value_reads_back() {
    for e in events() {
        let json = serde_json::to_string(&e).unwrap();
        assert_eq!(serde_json::from_str::<Event>(&json).unwrap(), e, "{json}");
    }
    for c in commands() {
        let json = serde_json::to_string(&c).unwrap();
        assert_eq!(serde_json::from_str::<Command>(&json).unwrap(), c, "{json}");
    }
    for f in forbiddens() {
        let json = serde_json::to_string(&f).unwrap();
        assert_eq!(
            serde_json::from_str::<crate::pool::Forbidden>(&json).unwrap(),
            f,
            "{json}"
        );
    }
    for s in steps() {
        let json = serde_json::to_string(&s).unwrap();
        assert_eq!(
            serde_json::from_str::<crate::reason::Step>(&json).unwrap(),
            s,
            "{json}"
        );
    }
    for r in exclusions() {
        let json = serde_json::to_string(&r).unwrap();
        assert_eq!(
            serde_json::from_str::<crate::reason::ExclusionReason>(&json).unwrap(),
            r,
            "{json}"
        );
    }
}
