//! `replay --json`: the report the counterfactual replay prints, built by the example's own
//! code on the real data set (two seeds, no frontier, to keep the test short).

#[allow(dead_code)]
#[path = "../examples/replay/analysis.rs"]
mod analysis;
#[allow(dead_code)]
#[path = "../examples/replay/dataset.rs"]
mod dataset;
#[allow(dead_code)]
#[path = "../examples/replay/model/mod.rs"]
mod model;
#[allow(dead_code)]
#[path = "../examples/replay/montecarlo.rs"]
mod montecarlo;
#[allow(dead_code)]
#[path = "../examples/replay/oracle.rs"]
mod oracle;
#[allow(dead_code)]
#[path = "../examples/replay/pool_sim.rs"]
mod pool_sim;
#[allow(dead_code)]
#[path = "../examples/replay/report.rs"]
mod report;
#[allow(dead_code)]
#[path = "../examples/replay/world.rs"]
mod world;

use serde_json::Value;
use std::path::Path;

#[test]
fn the_json_report_has_one_object_per_policy_with_each_figure_as_mean_lo_hi() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/data/crm-sales-opportunities");
    let data = dataset::Dataset::load(&dir).expect("the data set ships with the crate");
    let world = world::World::new(&data).unwrap();
    let options = analysis::Options {
        seeds: 2,
        floor: analysis::FLOOR,
        quiet: true,
        frontier: false,
    };
    let (report, _, _) = analysis::replay_report(&world, &options, 0.0, 1.0).unwrap();
    let json: Value = serde_json::from_str(&report::json(&report).unwrap()).unwrap();
    assert_eq!(json["seeds"], 2);
    assert_eq!(json["leads"], 8_800);
    let policies = json["policies"].as_array().expect("a list of policies");
    let names: Vec<&str> = policies.iter().filter_map(|p| p["name"].as_str()).collect();
    for name in ["historical", "round-robin", "learned"] {
        assert!(names.contains(&name), "{name} missing from {names:?}");
    }
    for policy in policies {
        for key in [
            "expected_wins",
            "expected_revenue",
            "lead_gini",
            "value_gini",
            "min_share",
        ] {
            let figure = &policy[key];
            let (mean, lo, hi) = (
                figure["mean"].as_f64(),
                figure["lo"].as_f64(),
                figure["hi"].as_f64(),
            );
            let (Some(mean), Some(lo), Some(hi)) = (mean, lo, hi) else {
                panic!(
                    "{}: {key} is not {{mean, lo, hi}}: {figure}",
                    policy["name"]
                );
            };
            assert!(lo <= mean + 1e-9 && mean <= hi + 1e-9, "{key}: {figure}");
        }
    }
    // Every policy places all 8,800 leads; wins are some of them.
    let historical = &policies[0];
    assert_eq!(historical["name"], "historical");
    let wins = historical["expected_wins"]["mean"].as_f64().unwrap();
    assert!(wins > 4_000.0 && wins < 8_800.0, "{wins}");
    // The recorded assignment leaves five agents without a lead.
    assert_eq!(historical["min_share"]["mean"], 0.0);
}
