//! Logging a contact in place (no owner or pool index consulted, the deadline worked out only
//! for a follow-up) against the general modification it replaced.

use super::*;
use crate::allocate::Team;
use crate::model::{
    Client, ContactLevel, RecycleCause, RecycleKind, Rep, ScheduledRelease, Source,
};
use crate::pool::test_commands::rule_assignment;
use crate::pool::{Actor, Command, Config, PoolPolicy, decide};
use chrono::{DateTime, Duration, TimeZone, Utc};
use proptest::prelude::*;

/// `log_contact` as first written: through [`PoolState::modify`], which compares the client's
/// place and deadline before and after every change.
fn log_contact_by_modify(
    state: &mut PoolState,
    client: ClientId,
    contact: Contact,
    follow_up: Option<Timers>,
) {
    state.modify(client, |c| {
        if let Some(timers) = follow_up {
            c.custody.last_follow_up = Some(contact.at);
            c.custody.timers = timers;
        }
        c.contacts.push(contact);
    })
}

fn start() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 30, 22, 0, 0).unwrap()
}

/// A pool of `clients` clients, every other one (and all the first four) assigned to one of
/// three reps in turn, in an id order that is not the import order.
fn pool(clients: u64) -> PoolState {
    let team = Team::new((1..=3).map(|i| Rep::new(RepId(i), format!("rep {i}"))));
    let policy = PoolPolicy {
        remind_after_days: Some(1),
        release_after_reminder_days: 1,
        ..PoolPolicy::default()
    };
    let mut state = PoolState::new(Config::new(team, policy).expect("a valid policy"));
    let now = start();
    for k in (0..clients).rev() {
        let client = Box::new(Client::new(
            ClientId(k),
            format!("c{k}"),
            Source::Website,
            now,
        ));
        for event in decide(&state, Actor::System, Command::Import { client }, now).unwrap() {
            evolve(&mut state, &event);
        }
        if k < 4 || k % 2 == 0 {
            let (actor, command) = rule_assignment(k, k % 3 + 1);
            for event in decide(&state, actor, command, now).unwrap() {
                evolve(&mut state, &event);
            }
        }
    }
    state
}

/// One contact to log: the client (some unknown), the hours after the start, and the timers
/// of a follow-up: none (another rep's contact), none pending, or a release some hours later
/// (many sharing an hour), with or without a reminder.
type Logged = (u64, i64, Option<Option<(i64, Option<i64>)>>);

fn logged() -> impl Strategy<Value = Logged> {
    let timers = proptest::option::of(proptest::option::of((
        0i64..72,
        proptest::option::of(1i64..24),
    )));
    (0u64..24, 0i64..96, timers)
}

fn event(&(k, hours, follow_up): &Logged) -> (ClientId, Contact, Option<Timers>) {
    let at = start() + Duration::hours(hours);
    let timers = follow_up.map(|pending| match pending {
        None => Timers::default(),
        Some((release, remind)) => {
            let release = at + Duration::hours(release);
            Timers {
                remind_at: remind.map(|h| release - Duration::hours(h)),
                release: Some(ScheduledRelease {
                    at: release,
                    cause: RecycleCause {
                        rule: RecycleKind::NoFollowUp,
                        days: 1,
                    },
                }),
            }
        }
    });
    let contact = Contact {
        rep: RepId(k % 3 + 1),
        level: ContactLevel::ALL[(k % 4) as usize],
        at,
        note: format!("call {k}"),
    };
    (ClientId(k), contact, timers)
}

/// The two states hold the same clients, and their deadline indexes the same live entries.
fn same(a: &PoolState, b: &PoolState) -> Result<(), TestCaseError> {
    prop_assert!(a == b);
    let far = Utc.with_ymd_and_hms(2100, 1, 1, 0, 0, 0).unwrap();
    prop_assert_eq!(
        a.due_by(far).collect::<Vec<_>>(),
        b.due_by(far).collect::<Vec<_>>()
    );
    prop_assert_eq!(a.next_deadline(), b.next_deadline());
    // The deadline index itself (buckets, live counts, free slots), not only what it lists: a
    // forgotten entry left counted live is never dropped nor compacted. Chunk boundaries are
    // left out (a cloned chunk is full, so the next entry starts a new one).
    let index = |s: &PoolState| format!("{:?}", s.due).replace("}], [Entry", "}, Entry");
    prop_assert_eq!(index(a), index(b));
    // And each counts live exactly the clients with a deadline (the two paths share the code
    // that forgets an old entry, so only this catches an entry never forgotten).
    let with_deadline = a.clients().filter(|c| c.deadline().is_some()).count();
    prop_assert_eq!(a.due.counted_live(), with_deadline);
    prop_assert_eq!(b.due.counted_live(), with_deadline);
    let mut expected: Vec<(DateTime<Utc>, ClientId)> = a
        .clients()
        .filter_map(|c| Some((c.deadline()?, c.id())))
        .collect();
    expected.sort_unstable();
    let expected: Vec<ClientId> = expected.into_iter().map(|(_, id)| id).collect();
    prop_assert_eq!(a.due_by(far).collect::<Vec<_>>(), expected);
    for client in a.clients() {
        let row = a
            .clients
            .row(a.clients.handle(client.id()).unwrap())
            .unwrap();
        prop_assert_eq!(row.due_at, client.deadline());
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Follow-ups that keep, move, clear or set the deadline (many in one hour), other reps'
    /// contacts and contacts with unknown clients, applied by value, by reference and to a
    /// clone taken midway, leave the clients and the deadline index as the general
    /// modification does.
    #[test]
    fn a_contact_logged_in_place_changes_what_modify_changed(
        logged in proptest::collection::vec(logged(), 1..120),
        clone_at in 0usize..120,
    ) {
        let mut fast = pool(20);
        let mut plain = fast.clone();
        let mut clone = None;
        for (i, one) in logged.iter().enumerate() {
            if i == clone_at {
                clone = Some((fast.clone(), plain.clone()));
            }
            let (client, contact, follow_up) = event(one);
            if i % 2 == 0 {
                evolve_owned(&mut fast, Event::ContactLogged {
                    client,
                    contact: contact.clone(),
                    follow_up,
                    actor: Actor::Rep(contact.rep),
                });
            } else {
                evolve(&mut fast, &Event::ContactLogged {
                    client,
                    contact: contact.clone(),
                    follow_up,
                    actor: Actor::Rep(contact.rep),
                });
            }
            log_contact_by_modify(&mut plain, client, contact.clone(), follow_up);
            if let Some((fast_clone, plain_clone)) = &mut clone {
                log_contact(fast_clone, client, contact.clone(), follow_up);
                log_contact_by_modify(plain_clone, client, contact, follow_up);
            }
            same(&fast, &plain)?;
        }
        if let Some((fast_clone, plain_clone)) = &clone {
            same(fast_clone, plain_clone)?;
        }
    }
}

#[test]
fn a_follow_up_that_keeps_the_deadline_leaves_its_entry_and_one_that_clears_it_drops_it() {
    let mut state = pool(4);
    let id = ClientId(1);
    let before = state
        .client(id)
        .and_then(Client::deadline)
        .expect("an owned client");
    let row = |s: &PoolState| {
        let row = s.clients.row(s.clients.handle(id).unwrap()).unwrap();
        (row.due_stamp, row.due_slot, row.due_at)
    };
    let (stamp, slot, _) = row(&state);
    let timers = state.client(id).unwrap().custody().timers;
    let contact = |k: u64| Contact {
        rep: RepId(2),
        level: ContactLevel::Phone,
        at: start(),
        note: format!("call {k}"),
    };
    // The same timers: the entry stays live, its stamp and bucket as they were.
    log_contact(&mut state, id, contact(1), Some(timers));
    assert_eq!(row(&state), (stamp, slot, Some(before)));
    assert_eq!(state.next_deadline(), Some(before));
    // Another rep's contact: no timers, nothing moves.
    log_contact(&mut state, id, contact(2), None);
    assert_eq!(row(&state).0, stamp);
    assert_eq!(state.client(id).unwrap().contacts().len(), 2);
    // Timers cleared (an exempt client): the entry goes stale and no new one is made.
    log_contact(&mut state, id, contact(3), Some(Timers::default()));
    assert_eq!(row(&state).2, None);
    assert_ne!(row(&state).0, stamp);
    assert!(state.due_by(start() + Duration::days(30)).all(|c| c != id));
    // An unknown client: nothing happens.
    let copy = state.clone();
    log_contact(&mut state, ClientId(99), contact(4), Some(timers));
    assert!(state == copy);
}
