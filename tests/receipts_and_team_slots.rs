//! A rep's receipts (ring of counters) and a team's id slots, through public serde
//! and events only.

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use leadpool::allocate::Team;
use leadpool::ids::{ClientId, RepId};
use leadpool::model::{Client, Rep, RepLedger, Source, Timers};
use leadpool::pool::{Actor, Config, Event, PoolState, Via, evolve};
use proptest::prelude::*;
use std::collections::BTreeMap;

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 2, 9, 0, 0).unwrap()
}

fn date(base: u8, n: u64) -> NaiveDate {
    match base {
        0 => NaiveDate::MIN + chrono::Days::new(n),
        1 => NaiveDate::MAX - chrono::Days::new(200) + chrono::Days::new(n),
        _ => NaiveDate::from_ymd_opt(2026, 11, 1).unwrap() + chrono::Days::new(n),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]
    /// Receipts taken through OwnerChanged events on days in any order answer, compare and
    /// serialise like the plain map of dates; a stored map of any shape reads back equal.
    #[test]
    fn receipts_through_events_and_json(
        base in 0u8..3,
        days in proptest::collection::vec(0u64..150, 0..80),
        stored in proptest::collection::vec((0u64..200, 0u32..3), 0..8),
        probes in proptest::collection::vec((0u64..200, 0u64..200), 1..8),
    ) {
        let mut state = PoolState::new(Config::default());
        evolve(&mut state, &Event::Imported {
            client: Box::new(Client::new(ClientId(1), "c", Source::Website, t0())),
            actor: Actor::System,
        });
        let mut model: BTreeMap<NaiveDate, u32> = BTreeMap::new();
        for (k, &d) in days.iter().enumerate() {
            let day = date(base, d);
            // Alternate reps so the client changes hands; rep 7 is the one watched.
            let to = if k % 2 == 0 { RepId(7) } else { RepId(8) };
            evolve(&mut state, &Event::OwnerChanged {
                client: ClientId(1), to, via: Via::Claim { claims: 1 }, at: t0(), day,
                timers: Timers::default(), actor: Actor::System,
            });
            if to == RepId(7) {
                *model.entry(day).or_insert(0) += 1;
                model.retain(|x, _| i64::from(chrono::Datelike::num_days_from_ce(&day)) - i64::from(chrono::Datelike::num_days_from_ce(x)) < 31);
            }
        }
        let ledger = state.ledger(RepId(7));
        for &(a, b) in &probes {
            let (a, b) = (date(base, a), date(base, b));
            let expected = if a < b { model.range(a..b).map(|(_, n)| *n).sum() } else { 0 };
            prop_assert_eq!(ledger.received_in(a..b), expected);
        }
        let json = serde_json::to_value(&ledger).unwrap();
        let received = json.get("received").cloned().unwrap_or(serde_json::json!({}));
        prop_assert_eq!(received, serde_json::to_value(&model).unwrap());
        let back: RepLedger = serde_json::from_value(json.clone()).unwrap();
        prop_assert_eq!(&back, &ledger);
        // A stored map of any shape.
        let old: BTreeMap<NaiveDate, u32> = stored.iter().map(|&(d, n)| (date(base, d), n)).collect();
        let mut doc = json;
        doc["received"] = serde_json::to_value(&old).unwrap();
        let read: RepLedger = serde_json::from_value(doc.clone()).unwrap();
        let again = serde_json::to_value(&read).unwrap();
        prop_assert_eq!(again.get("received").cloned().unwrap_or(serde_json::json!({})), serde_json::to_value(&old).unwrap());
        let read_twice: RepLedger = serde_json::from_value(again).unwrap();
        prop_assert_eq!(&read_twice, &read);
        for &(a, b) in &probes {
            let (a, b) = (date(base, a), date(base, b));
            let expected: u32 = if a < b { old.range(a..b).map(|(_, n)| *n).sum() } else { 0 };
            prop_assert_eq!(read.received_in(a..b), expected);
        }
        // Equality tells maps apart exactly as the map did.
        prop_assert_eq!(read == ledger, (old == model) && {
            let mut d2 = serde_json::to_value(&ledger).unwrap();
            d2["received"] = serde_json::to_value(&old).unwrap();
            serde_json::from_value::<RepLedger>(d2).unwrap() == ledger
        });
    }

    /// A team finds reps alike however it was built (new, try_new, JSON, default).
    #[test]
    fn teams_built_differently_agree(
        ids in proptest::collection::btree_set(prop_oneof![0u64..8, 0u64..400, any::<u64>(), Just(u64::MAX)], 0..40),
    ) {
        let reps: Vec<Rep> = ids.iter().rev().map(|&i| Rep::new(RepId(i), format!("r{i}"))).collect();
        let a = Team::new(reps.clone());
        let b = Team::try_new(reps.clone()).unwrap();
        let c: Team = serde_json::from_value(serde_json::to_value(&a).unwrap()).unwrap();
        prop_assert_eq!(&a, &b);
        prop_assert_eq!(&a, &c);
        if ids.is_empty() {
            prop_assert_eq!(&a, &Team::default());
        }
        for probe in ids.iter().copied().chain([0, 1, 63, 64, 200, u64::MAX]) {
            let expected = ids.iter().position(|&i| i == probe);
            prop_assert_eq!(a.position(RepId(probe)), expected);
            prop_assert_eq!(c.position(RepId(probe)), expected);
            prop_assert_eq!(Team::default().position(RepId(probe)), None);
        }
    }
}
