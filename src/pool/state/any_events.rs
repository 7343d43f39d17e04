//! Every index stays true to the clients under any run of hand-built events (a caller may
//! build and apply any event): imports of new, known, owned and far-off ids; owner changes,
//! to the same owner too; releases and pool moves across pools; clones mid-run; each event
//! applied by `evolve`, `evolve_owned` or `evolve_reclaim`; and the log replayed.
use super::tests::check;
use super::*;
use crate::model::{DedupeKeys, ReleaseReason, Source};
use crate::pool::{Actor, Event, Via, evolve, evolve_owned, evolve_reclaim};
use chrono::{Duration, NaiveDate, TimeZone};
use proptest::prelude::*;

/// The pools the events move clients between.
const POOLS: [PoolId; 3] = [PoolId(0), PoolId(1), PoolId(2)];

#[derive(Clone, Debug)]
enum Op {
    Import(u64, Option<u64>, Option<u8>, u8, u8),
    Own(u64, u64, bool),
    Release(u64, u64, u64),
    Pool(u64, u64),
    Clone,
    Owned(bool),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        3 => (prop_oneof![0u64..40, 5_000u64..5_010, Just(u64::MAX - 1), 1u64<<40..(1u64<<40)+5], proptest::option::of(0u64..4), proptest::option::of(0u8..4), 0u8..3, 0u8..3)
            .prop_map(|(k, o, c, p, m)| Op::Import(k, o, c, p, m)),
        4 => (0u64..40, 1u64..4, any::<bool>()).prop_map(|(k, r, t)| Op::Own(k, r, t)),
        2 => (0u64..40, 1u64..4, 0u64..3).prop_map(|(k, r, p)| Op::Release(k, r, p)),
        2 => (0u64..40, 0u64..3).prop_map(|(k, p)| Op::Pool(k, p)),
        1 => Just(Op::Clone),
        1 => any::<bool>().prop_map(Op::Owned),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]
    #[test]
    fn hand_built_events_keep_every_index(ops in proptest::collection::vec(op(), 1..120)) {
        let start = Utc.with_ymd_and_hms(2026, 11, 2, 9, 0, 0).unwrap();
        let day = NaiveDate::from_ymd_opt(2026, 11, 2).unwrap();
        let mut state = PoolState::default();
        let mut log = Vec::new();
        let mut owned_way = 0u8;
        for (step, op) in ops.into_iter().enumerate() {
            let now = start + Duration::hours(step as i64 * 5);
            let event = match op {
                Op::Import(k, owner, company, pool, phone) => {
                    let mut c = Client::new(ClientId(k), format!("c{k}"), Source::Website, now)
                        .with_keys(DedupeKeys {
                            company: company.map(|c| format!("co{c}")),
                            phone: Some(format!("p{}", k.wrapping_add(u64::from(phone)) % 5)),
                            email: None,
                        })
                        .with_pool(PoolId(u64::from(pool)));
                    if let Some(o) = owner {
                        if o > 0 { c.fixture_set_owner(Some(RepId(o))); }
                    }
                    Event::Imported { client: Box::new(c), actor: Actor::System }
                }
                Op::Own(k, r, t) => Event::OwnerChanged {
                    client: ClientId(k), to: RepId(r), via: Via::Transfer { from: RepId(1) }, at: now, day,
                    timers: crate::model::Timers { remind_at: t.then_some(now + Duration::days(2)), release: None },
                    actor: Actor::System,
                },
                Op::Release(k, r, p) => Event::Released {
                    client: ClientId(k), from: RepId(r), at: now,
                    reason: ReleaseReason::Owner { note: "n".into() }, to_pool: PoolId(p), actor: Actor::System,
                },
                Op::Pool(k, p) => Event::PoolChanged { client: ClientId(k), from: PoolId(0), to: PoolId(p), at: now, actor: Actor::System },
                Op::Clone => { state = state.clone(); check(&state, &POOLS)?; continue; }
                Op::Owned(b) => { owned_way = u8::from(b) + 1; continue; }
            };
            log.push(event.clone());
            match owned_way {
                0 => evolve(&mut state, &event),
                1 => evolve_owned(&mut state, event),
                _ => { let _ = evolve_reclaim(&mut state, event); }
            }
            check(&state, &POOLS)?;
        }
        let replayed = PoolState::replay(state.config().clone(), &log);
        check(&replayed, &POOLS)?;
        prop_assert!(replayed == state);
    }
}

/// Many keys growing the key table through its eightfold steps and past 65,536 slots, entered
/// both ways, with clones along the way: every key still finds its client.
#[test]
fn every_key_is_found_after_the_table_grows_past_its_fast_growth() {
    let at = Utc.with_ymd_and_hms(2026, 11, 2, 9, 0, 0).unwrap();
    let mut state = PoolState::default();
    for k in 0..20_000u64 {
        let id = if k % 7 == 0 { k * 1_000_003 } else { k };
        let c = Client::new(ClientId(id), "c", Source::Website, at).with_keys(DedupeKeys {
            company: Some(format!("co{}", k % 97)),
            phone: Some(format!("p{k}")),
            email: Some(format!("e{k}")),
        });
        if k % 2 == 0 {
            state.load_client(Box::new(c));
        } else {
            state.load_copy(&c, |_| {});
        }
        if k % 3000 == 0 {
            state = state.clone();
        }
    }
    for c in state.clients() {
        for key in c.keys().iter() {
            assert!(state.find_by_key(&key).any(|id| id == c.id()));
        }
    }
}
