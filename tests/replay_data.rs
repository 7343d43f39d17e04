//! The CRM Sales Opportunities loader used by `examples/replay`, checked against the files.
#![cfg(feature = "sim")]

// The loader is shared with the example, which reads every item; this test reads most.
#[allow(dead_code)]
#[path = "../examples/replay/dataset.rs"]
mod dataset;

use dataset::{Dataset, Stage};
use leadpool::allocate::{Decision, Explanation, from_fn};
use leadpool::ids::RepId;
use leadpool::model::Region;
use leadpool::pool::{Config, PoolPolicy};
use leadpool::sim::{SeededBehaviour, Simulation};
use std::collections::BTreeMap;
use std::path::Path;

fn load() -> Dataset {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/data/crm-sales-opportunities");
    Dataset::load(&dir).expect("the data set ships with the crate")
}

#[test]
fn every_opportunity_becomes_a_lead_and_prospecting_rows_get_the_documented_arrival() {
    let data = load();
    assert_eq!(data.opportunities, 8_800);
    assert_eq!(data.stream.len(), 8_800);
    assert_eq!(data.history.len(), 8_800);
    assert_eq!(data.prospecting_without_date, 500);
    assert_eq!(data.team.len(), 35);
    assert_eq!(data.agents.len(), 35);
    let last = data.stream.arrivals().last().unwrap().at;
    assert_eq!(last.date_naive().to_string(), "2017-12-27");
    let won = data
        .history
        .values()
        .filter(|h| matches!(h.stage, Stage::Won { .. }))
        .count();
    let lost = data
        .history
        .values()
        .filter(|h| matches!(h.stage, Stage::Lost { .. }))
        .count();
    assert_eq!((won, lost), (4_238, 2_473));
}

#[test]
fn the_data_sets_spellings_are_normalised_and_offices_are_territories() {
    let data = load();
    let tags: Vec<&String> = data
        .stream
        .arrivals()
        .iter()
        .flat_map(|a| a.client.tags())
        .collect();
    assert!(tags.iter().any(|t| *t == "GTX Pro"));
    assert!(!tags.iter().any(|t| *t == "GTXPro"));
    assert!(tags.iter().any(|t| *t == "technology"));
    assert!(!tags.iter().any(|t| *t == "technolgy"));
    let offices: Vec<Region> = ["Central", "East", "West"]
        .iter()
        .map(|o| o.parse().unwrap())
        .collect();
    for rep in data.team.reps() {
        assert_eq!(rep.regions.len(), 1);
        assert!(offices.contains(&rep.regions[0]));
    }
    for arrival in data.stream.arrivals() {
        let recorded = data.history[&arrival.client.id()].rep;
        let office = &data.team.get(recorded).unwrap().regions[0];
        assert_eq!(arrival.client.region(), office);
        assert!(arrival.value > 0.0);
    }
}

#[test]
fn replaying_the_first_two_months_as_recorded_reproduces_the_recorded_counts() {
    let data = load();
    let history = &data.history;
    let as_recorded = from_fn(|request, _rng| {
        Decision::assigned(
            request.client().id(),
            history[&request.client().id()].rep,
            Explanation::default(),
        )
    });
    let start = data.stream.arrivals()[0].at;
    let days = 61;
    let end = start + chrono::Duration::days(i64::from(days));
    let mut expected: BTreeMap<RepId, u64> = BTreeMap::new();
    for a in data.stream.between(start, end) {
        *expected.entry(history[&a.client.id()].rep).or_default() += 1;
    }
    let diligent = SeededBehaviour::diligent(1);
    let config = Config::new(data.team.clone(), PoolPolicy::default()).unwrap();
    let report = Simulation::new(config, &as_recorded, &data.stream, start, days)
        .with_behaviour(&diligent)
        .keep_events(false)
        .run()
        .report;
    assert_eq!(report.pool.assigned, 273); // engaged 2016-10-20 ..= 2016-12-19
    for row in &report.reps {
        assert_eq!(row.assigned, expected.get(&row.rep).copied().unwrap_or(0));
    }
}
