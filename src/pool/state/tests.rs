//! The pool state's indexes against the clients they index, through the pool's own commands:
//! every row's remembered deadline, bucket and book place, the owner books, public sets,
//! deadline index and id listing, after every event.

use super::*;
use crate::model::{ContactLevel, Source};
use crate::pool::test_commands::{owner_deal, owner_release, rule_assignment};
use crate::pool::{Actor, Command, PoolPolicy, TransferScope, decide};
use chrono::{Duration, TimeZone};
use proptest::prelude::*;

#[derive(Clone, Debug)]
enum Op {
    Import(u64),
    Assign(u64, u64),
    FollowUp(u64),
    Release(u64),
    Deal(u64),
    TransferAll(u64, u64),
    Sweep(i64),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        3 => (0u64..16).prop_map(Op::Import),
        4 => (0u64..16, 1u64..4).prop_map(|(k, r)| Op::Assign(k, r)),
        3 => (0u64..16).prop_map(Op::FollowUp),
        1 => (0u64..16).prop_map(Op::Release),
        1 => (0u64..16).prop_map(Op::Deal),
        1 => (1u64..4, 1u64..4).prop_map(|(a, b)| Op::TransferAll(a, b)),
        1 => (0i64..120).prop_map(Op::Sweep),
    ]
}

/// Every index of `state` says what its clients say (every client is in one of `pools`, and
/// owned by rep 1, 2 or 3 if by anyone): each row's id, deadline and book place, every key
/// finding exactly the clients carrying it, the owner books, the public sets and count, and
/// the deadline index.
pub(super) fn check(state: &PoolState, pools: &[PoolId]) -> Result<(), TestCaseError> {
    let clients: Vec<&Client> = state.clients().collect();
    prop_assert!(clients.windows(2).all(|w| w[0].id() < w[1].id()));
    prop_assert_eq!(clients.len(), state.len());
    for client in &clients {
        let handle = state.clients.handle(client.id()).expect("a known id");
        let row = state.clients.row(handle).expect("its row");
        prop_assert_eq!(row.client.id(), client.id());
        prop_assert_eq!(row.due_at, client.deadline());
        if let Some(owner) = client.owner() {
            let book = state.owned.get(owner.0).expect("the owner's book");
            prop_assert_eq!(book.handles().get(row.owner_slot as usize), Some(&handle));
        }
        // Every key of the client finds exactly the clients carrying it.
        for key in client.keys().iter() {
            let found: Vec<ClientId> = state.find_by_key(&key).collect();
            prop_assert!(found.contains(&client.id()), "{:?} {:?}", key, found);
            let expected: Vec<ClientId> = clients
                .iter()
                .filter(|c| c.keys().iter().any(|k| k == key))
                .map(|c| c.id())
                .collect();
            prop_assert_eq!(found, expected);
        }
    }
    for rep in 1..4 {
        let owned: Vec<ClientId> = state.owned_by(RepId(rep)).collect();
        let expected: Vec<ClientId> = clients
            .iter()
            .filter(|c| c.owner() == Some(RepId(rep)))
            .map(|c| c.id())
            .collect();
        prop_assert_eq!(owned, expected);
        let total: usize = state.owned.get(rep).map_or(0, |b| b.handles().len());
        prop_assert_eq!(
            total,
            clients
                .iter()
                .filter(|c| c.owner() == Some(RepId(rep)))
                .count()
        );
    }
    let mut n = 0;
    for &pool in pools {
        let public: Vec<ClientId> = state.public_in(pool).collect();
        let expected: Vec<ClientId> = clients
            .iter()
            .filter(|c| c.owner().is_none() && c.pool() == pool)
            .map(|c| c.id())
            .collect();
        n += expected.len();
        prop_assert_eq!(public, expected);
    }
    prop_assert_eq!(state.public_len(), n);
    let far = Utc.with_ymd_and_hms(2200, 1, 1, 0, 0, 0).unwrap();
    let due: Vec<ClientId> = state.due_by(far).collect();
    let mut expected: Vec<(DateTime<Utc>, ClientId)> = clients
        .iter()
        .filter_map(|c| Some((c.deadline()?, c.id())))
        .collect();
    expected.sort_unstable();
    let expected: Vec<ClientId> = expected.into_iter().map(|(_, id)| id).collect();
    prop_assert_eq!(due, expected);
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]
    /// Imports in any id order, assignments, follow-ups, releases, deals, transfers of whole
    /// books and sweeps keep every index equal to what the clients say, and folding the events
    /// again rebuilds the same state.
    #[test]
    fn the_indexes_follow_the_clients(ops in proptest::collection::vec(op(), 20..160)) {
        let team = Team::new((1..=3).map(|i| Rep::new(RepId(i), format!("rep {i}"))));
        // Timers on (a reminder a day after the last follow-up, the release a day later), so
        // that deadlines enter, move and leave the index, and sweeps find some due.
        let policy = PoolPolicy {
            admins: [RepId(9)].into(),
            remind_after_days: Some(1),
            release_after_reminder_days: 1,
            ..PoolPolicy::default()
        };
        let pool = policy.default_pool;
        let config = Config::new(team, policy).expect("a valid policy");
        let mut state = PoolState::new(config.clone());
        let mut log = Vec::new();
        let start = Utc.with_ymd_and_hms(2026, 11, 2, 9, 0, 0).unwrap();
        for (step, op) in ops.into_iter().enumerate() {
            // Hours apart, so that deadlines spread over many buckets and sweeps find some due.
            let now = start + Duration::hours(step as i64 * 7);
            let owner = |k: u64| state.client(ClientId(k)).and_then(Client::owner);
            let (actor, command) = match op {
                Op::Import(k) => (Actor::System, Command::Import {
                    client: Box::new(Client::new(ClientId(k), format!("c{k}"), Source::Website, now)),
                }),
                Op::Assign(k, r) => rule_assignment(k, r),
                Op::FollowUp(k) => match owner(k) {
                    Some(rep) => (Actor::Rep(rep), Command::FollowUp {
                        client: ClientId(k),
                        rep,
                        level: ContactLevel::Visit,
                        note: String::new(),
                    }),
                    None => continue,
                },
                Op::Release(k) => match owner_release(&state, k) {
                    Some(command) => command,
                    None => continue,
                },
                Op::Deal(k) => match owner_deal(&state, k) {
                    Some(command) => command,
                    None => continue,
                },
                Op::TransferAll(from, to) => (Actor::Admin(RepId(9)), Command::Transfer {
                    from: RepId(from),
                    to: RepId(to),
                    scope: TransferScope::All,
                }),
                Op::Sweep(hours) => {
                    let at = now + Duration::days(hours);
                    let Ok(events) = decide(&state, Actor::System, Command::Sweep, at) else {
                        continue;
                    };
                    for event in events {
                        evolve(&mut state, &event);
                        log.push(event);
                    }
                    check(&state, &[pool])?;
                    continue;
                }
            };
            let Ok(events) = decide(&state, actor, command, now) else {
                continue;
            };
            for event in events {
                evolve(&mut state, &event);
                log.push(event);
            }
            check(&state, &[pool])?;
        }
        let replayed = PoolState::replay(config, &log);
        check(&replayed, &[pool])?;
        prop_assert!(replayed == state);
    }
}
