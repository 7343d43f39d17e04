//! The simulated day allocates no more per lead than a hand-written loop does (three blocks:
//! the imported client's box, its first contact, and the arrival's own data): the decision, its
//! explanation and the events are plain values, and the explanation's box is reused from one
//! rule assignment to the next.

mod counting;

use chrono::{DateTime, TimeZone, Utc};
use leadpool::allocate::{RoundRobin, Team};
use leadpool::ids::RepId;
use leadpool::model::Rep;
use leadpool::pool::{Config, PoolPolicy};
use leadpool::sim::{LeadStream, SeededBehaviour, Simulation, StreamConfig};

fn start() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 23, 0, 0, 0).unwrap()
}

/// Heap blocks allocated by a one-day simulation of `leads` leads over 100 reps (the stream,
/// team and configuration built beforehand).
fn allocations_for(leads: u32) -> usize {
    let team = Team::new((1..=100).map(|i| Rep::new(RepId(i), format!("rep {i}"))));
    let stream_config = StreamConfig {
        leads_per_day: leads,
        repeat_card_percent: 0,
        ..StreamConfig::default()
    };
    let stream = LeadStream::synthetic(&stream_config, &team, start(), 1, 1);
    let policy = PoolPolicy {
        private_cap: Some(1_000),
        remind_after_days: Some(7),
        release_after_reminder_days: 3,
        ..PoolPolicy::default()
    };
    let config = Config::new(team.clone(), policy).unwrap();
    let round_robin = RoundRobin::new(&team);
    let diligent = SeededBehaviour::diligent(1);
    let before = counting::allocations();
    let outcome = Simulation::new(config, &round_robin, &stream, start(), 1)
        .with_behaviour(&diligent)
        .keep_events(false)
        .run();
    let after = counting::allocations();
    assert_eq!(outcome.report.pool.follow_ups, u64::from(leads));
    after - before
}

#[test]
fn a_simulated_day_allocates_at_most_three_blocks_per_lead() {
    // The difference of two runs cancels the fixed cost (tables, the report).
    let small = allocations_for(2_000);
    let large = allocations_for(6_000);
    let per_lead = (large - small) as f64 / 4_000.0;
    assert!(per_lead <= 3.05, "{per_lead:.2} heap allocations per lead");
}
