//! The typed entries (an import, an assignment, a contact decided with no command) against
//! the command's own arm under the action [`Action::of`] gives the command (built here, not
//! through the entries) and against [`decided`] (which dispatches to the entries): the same
//! events or the same refusal, for every kind of actor, known and unknown clients and reps, as
//! the state changes.

use super::*;
use crate::allocate::{Explanation, Team};
use crate::ids::PoolId;
use crate::label::Label;
use crate::model::{Contact, DedupeKeys, Source};
use crate::pool::{Config, PoolDef, evolve};
use crate::reason::Step;
use chrono::{Duration, TimeZone};
use proptest::prelude::*;

const EXPORT: PoolId = PoolId(7);

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 2, 9, 0, 0).unwrap()
}

/// Reps 1 to 3 (rep 3 a manager of rep 1 and an admin of the export pool, which only reps 1
/// and 2 work), a cap of three, the default timers.
fn state() -> PoolState {
    let team = Team::new((1..=3).map(|i| Rep::new(RepId(i), format!("rep {i}"))));
    let export = PoolDef {
        members: [RepId(1), RepId(2)].into(),
        admins: [RepId(3)].into(),
        ..PoolDef::default()
    };
    let policy = PoolPolicy {
        pools: [(PoolId::DEFAULT, PoolDef::default()), (EXPORT, export)].into(),
        private_cap: Some(3),
        remind_after_days: Some(7),
        release_after_reminder_days: 3,
        ..PoolPolicy::default()
    };
    PoolState::new(Config::new(team, policy).unwrap())
}

fn actor(kind: u8, person: u64) -> Actor {
    match kind % 4 {
        0 => Actor::System,
        1 => Actor::Rep(RepId(person)),
        2 => Actor::Manager(RepId(person)),
        _ => Actor::Admin(RepId(person)),
    }
}

/// A client to import: a fresh id or a known one, in a pool that exists or not, sharing a
/// phone with others or not, with a history (a migration) or not.
fn incoming(id: u64, pool: u8, phone: u8, history: bool, now: DateTime<Utc>) -> Box<Client> {
    let pool = [PoolId::DEFAULT, EXPORT, PoolId(99)][usize::from(pool % 3)];
    let keys = DedupeKeys::from_raw(None, Some(&format!("1380000{:04}", phone % 4)), None, None);
    let mut client = Client::new(ClientId(id), format!("c{id}"), Source::Website, now)
        .with_pool(pool)
        .with_keys(keys);
    if history {
        client = client.with_history([Contact {
            rep: RepId(1),
            level: ContactLevel::Visit,
            at: now - Duration::hours(1),
            note: String::new(),
        }]);
    }
    Box::new(client)
}

fn by(rule: bool) -> Assigner {
    if rule {
        Assigner::Rule {
            explanation: Box::new(Explanation::new(Step::Custom {
                rule: Label::new("test"),
                rep: None,
            })),
        }
    } else {
        Assigner::Manager
    }
}

/// The reference: `command`'s arm, decided under the action [`Action::of`] names for it (so an
/// entry asking the permission matrix about another action differs).
fn by_arm(
    state: &PoolState,
    actor: Actor,
    command: Command,
    now: DateTime<Utc>,
) -> Result<Decided, PoolError> {
    let ctx = Ctx::new(state, actor, Action::of(&command), now);
    match command {
        Command::Import { client } => intake::import(&ctx, client),
        Command::Assign { client, rep, by } => custody::assign(&ctx, client, rep, by),
        Command::FollowUp {
            client,
            rep,
            level,
            note,
        } => timing::follow_up(&ctx, client, rep, level, note),
        other => panic!("no typed entry for {other:?}"),
    }
}

/// The entry's answer equals the arm's and `decided`'s for `command`; the events, if any.
fn same(
    entry: Result<Decided, PoolError>,
    state: &PoolState,
    actor: Actor,
    command: impl Fn() -> Command,
    now: DateTime<Utc>,
) -> Result<Vec<Event>, TestCaseError> {
    let entry = entry.map(Decided::into_vec);
    let arm = by_arm(state, actor, command(), now).map(Decided::into_vec);
    prop_assert_eq!(&entry, &arm);
    let dispatched = decided(state, actor, command(), now).map(Decided::into_vec);
    prop_assert_eq!(&entry, &dispatched);
    Ok(entry.unwrap_or_default())
}

/// The simulation's way to import a client it holds borrowed ([`screened_import`], then
/// [`PoolState::load_copy`] prepared by [`accept_import`] when accepted) ends where deciding the import and applying its
/// event does: the same refusal, the same duplicate report, the same state.
#[cfg(feature = "sim")]
fn same_copied(
    state: &PoolState,
    actor: Actor,
    incoming: &Client,
    now: DateTime<Utc>,
) -> Result<(), TestCaseError> {
    let command = Command::Import {
        client: Box::new(incoming.clone()),
    };
    let decided = decided(state, actor, command, now).map(Decided::into_vec);
    let screened = screened_import(state, actor, incoming, now);
    match (decided, screened) {
        (Err(by_event), Err(copied)) => prop_assert_eq!(by_event, copied),
        (Ok(events), Ok(Some(duplicate))) => {
            let reported = matches!(duplicate, Event::DuplicateReported { .. });
            prop_assert!(reported, "a duplicate's report");
            prop_assert_eq!(events, vec![duplicate]);
        }
        (Ok(events), Ok(None)) => {
            let imported = matches!(events.as_slice(), [Event::Imported { .. }]);
            prop_assert!(imported, "an accepted import's event");
            let mut by_event = state.clone();
            events.iter().for_each(|e| evolve(&mut by_event, e));
            let mut copied = state.clone();
            copied.load_copy(incoming, |copy| accept_import(copy, now));
            prop_assert_eq!(&copied, &by_event);
            prop_assert_eq!(copied.client(incoming.id()), by_event.client(incoming.id()));
            // The indexes too (the state's equality compares clients and ledgers, not them).
            let pool = incoming.pool();
            prop_assert_eq!(copied.public_len(), by_event.public_len());
            prop_assert_eq!(
                copied.public_in(pool).collect::<Vec<_>>(),
                by_event.public_in(pool).collect::<Vec<_>>()
            );
            prop_assert_eq!(
                copied.first_known_key(incoming.keys()),
                by_event.first_known_key(incoming.keys())
            );
            let end = DateTime::<Utc>::MAX_UTC;
            prop_assert_eq!(
                copied.due_by(end).collect::<Vec<_>>(),
                by_event.due_by(end).collect::<Vec<_>>()
            );
        }
        (decided, screened) => {
            return Err(TestCaseError::fail(format!(
                "decided {decided:?}, screened {screened:?}"
            )));
        }
    }
    Ok(())
}

/// One step: (what, actor kind, person, client id, rep id, pool, phone, flag).
type Step6 = (u8, u8, u64, u64, u64, u8, u8, bool);

fn step() -> impl Strategy<Value = Step6> {
    (
        0u8..3,
        0u8..4,
        0u64..5,
        0u64..12,
        0u64..5,
        0u8..3,
        0u8..4,
        any::<bool>(),
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn the_typed_entries_decide_as_the_commands_do(steps in proptest::collection::vec(step(), 1..40)) {
        let mut state = state();
        for (i, (what, kind, person, id, rep, pool, phone, flag)) in steps.into_iter().enumerate() {
            let now = t0() + Duration::minutes(37 * i as i64);
            let actor = actor(kind, person);
            let (client, rep) = (ClientId(id), RepId(rep));
            #[cfg(feature = "sim")]
            if what == 0 {
                same_copied(&state, actor, &incoming(id, pool, phone, flag, now), now)?;
            }
            let events = match what {
                0 => same(
                    decided_import(&state, actor, incoming(id, pool, phone, flag, now), now),
                    &state,
                    actor,
                    || Command::Import { client: incoming(id, pool, phone, flag, now) },
                    now,
                )?,
                1 => same(
                    decided_assign(&state, actor, client, rep, by(flag), now),
                    &state,
                    actor,
                    || Command::Assign { client, rep, by: by(flag) },
                    now,
                )?,
                _ => {
                    let level = ContactLevel::ALL[usize::from(phone)];
                    // The owner's own follow-up, usually; anyone's contact otherwise.
                    let (actor, rep) = match state.client(client).and_then(Client::owner) {
                        Some(owner) if flag => (Actor::Rep(owner), owner),
                        _ => (actor, rep),
                    };
                    same(
                        decided_follow_up(&state, actor, client, rep, level, String::new(), now),
                        &state,
                        actor,
                        || Command::FollowUp { client, rep, level, note: String::new() },
                        now,
                    )?
                }
            };
            for event in &events {
                evolve(&mut state, event);
            }
        }
    }
}

/// Arrivals the property test does not build (an owner and a deadline of their own, a lock, an
/// opportunity and a level, history dated after the import, a duplicate of an owned client,
/// by every kind of actor): the simulation's copy of each ends where its command does.
#[cfg(feature = "sim")]
#[test]
fn a_copied_import_of_any_arrival_ends_where_its_command_does() {
    let now = t0() + Duration::days(3);
    let mut state = state();
    // A known client owned by rep 1, with a deadline; its phone ends in 0001.
    let mut known = *incoming(1, 0, 1, false, t0());
    known.fixture_set_owner(Some(RepId(1)));
    known.fixture_set_deadline(Some(now + Duration::days(2)));
    evolve(
        &mut state,
        &Event::Imported {
            client: Box::new(known),
            actor: Actor::System,
        },
    );
    assert_eq!(state.owned_by(RepId(1)).count(), 1);
    // An arrival with an owner, a deadline, flags, a level and a history before now (into the
    // export pool, which reps 1 and 2 work and rep 3 administers).
    let mut full = *incoming(2, 1, 2, true, now);
    full.fixture_set_owner(Some(RepId(2)));
    full.fixture_set_deadline(Some(now + Duration::days(1)));
    let full = full.with_flags(true, true, Some("A"));
    let later = Client::new(ClientId(3), "c3", Source::Website, now).with_history([Contact {
        rep: RepId(1),
        level: ContactLevel::Visit,
        at: now + Duration::hours(1),
        note: String::new(),
    }]);
    let mut duplicate = *incoming(4, 0, 1, false, now);
    duplicate.fixture_set_owner(Some(RepId(3)));
    duplicate.fixture_set_deadline(Some(now));
    let cases: Vec<(Actor, Client)> = vec![
        (Actor::System, full.clone()),
        (Actor::Admin(RepId(3)), full.clone()),
        (Actor::Rep(RepId(2)), full.clone()),
        (Actor::Manager(RepId(3)), full),
        (Actor::System, later),
        (Actor::System, duplicate),
        (Actor::System, *incoming(5, 2, 3, false, now)),
        (Actor::System, *incoming(1, 0, 3, false, now)),
        (Actor::Rep(RepId(3)), *incoming(6, 1, 3, false, now)),
    ];
    let mut answers = Vec::new();
    for (actor, client) in &cases {
        same_copied(&state, *actor, client, now).unwrap();
        answers.push(match screened_import(&state, *actor, client, now) {
            Ok(None) => "accepted",
            Ok(Some(Event::DuplicateReported {
                existing: ClientId(1),
                owner: Some(RepId(1)),
                ..
            })) => "duplicate of the owned client",
            Ok(Some(other)) => panic!("unexpected {other:?}"),
            Err(PoolError::Forbidden { .. }) => "forbidden",
            Err(PoolError::FutureHistory { .. }) => "future history",
            Err(PoolError::UnknownPool(_)) => "unknown pool",
            Err(PoolError::DuplicateId(_)) => "duplicate id",
            Err(other) => panic!("unexpected {other:?}"),
        });
    }
    assert_eq!(
        answers,
        [
            "accepted",
            "accepted",
            "forbidden",
            "forbidden",
            "future history",
            "duplicate of the owned client",
            "unknown pool",
            "duplicate id",
            "forbidden",
        ]
    );
}

/// The contact's arm names its action (`Ctx::permit_as`) instead of reading the context's:
/// it must be the one `Action::of` gives the command, which the context holds.
#[test]
fn a_contact_is_permitted_under_the_action_of_its_command() {
    let command = Command::FollowUp {
        client: ClientId(1),
        rep: RepId(1),
        level: ContactLevel::Phone,
        note: String::new(),
    };
    assert_eq!(Action::of(&command), Action::of_follow_up());
    // A manager may not log a rep's contact: refused under that action.
    let mut state = state();
    evolve(
        &mut state,
        &Event::Imported {
            client: incoming(1, 0, 0, false, t0()),
            actor: Actor::System,
        },
    );
    let refused = decided_follow_up(
        &state,
        Actor::Manager(RepId(3)),
        ClientId(1),
        RepId(1),
        ContactLevel::Phone,
        String::new(),
        t0(),
    );
    assert!(
        matches!(
            refused,
            Err(PoolError::Forbidden(crate::pool::Forbidden {
                action: Action::FollowUp,
                ..
            }))
        ),
        "{refused:?}"
    );
}
