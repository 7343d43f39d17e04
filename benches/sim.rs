//! End-to-end simulated day: import, allocate, follow up, sweep, for 1,000 reps and 100,000
//! leads (and a tenth of that), beside a naive baseline doing the same day without indexes.
//!
//! Run briefly: `cargo bench --bench sim -- --warm-up-time 1 --measurement-time 5`.
//!
//! The baseline (`benches/naive/day.rs`) is what a first implementation looks like: clients in
//! one `Vec`; each lead scans every rep for the least-served eligible one (holding under the
//! cap); each rep scans every client to find its own to follow up; the sweep scans every
//! client. It keeps a hash index for dedupe only, because a linear dedupe scan would take
//! minutes at this size. `scripts/instructions.sh` counts the same two days' instructions.

#[path = "naive/mod.rs"]
mod naive;
#[path = "workload/mod.rs"]
mod workload;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use leadpool::allocate::RoundRobin;
use leadpool::pool::Config;
use leadpool::sim::{SeededBehaviour, Simulation};
use naive::day::naive_day;
use std::hint::black_box;
use workload::{day_policy as policy, day_start as start, day_stream as stream, day_team as team};

fn simulated_day(c: &mut Criterion) {
    let mut group = c.benchmark_group("sim_day");
    group.sample_size(10);
    for (reps, leads) in [(100u64, 10_000u32), (1_000, 100_000)] {
        let team = team(reps);
        let stream = stream(&team, leads);
        let policy = policy();
        let round_robin = RoundRobin::new(&team);
        let diligent = SeededBehaviour::diligent(1);
        let label = format!("{reps}reps_{leads}leads");
        group.bench_function(BenchmarkId::new("leadpool", &label), |b| {
            b.iter(|| {
                let config = Config::new(team.clone(), policy.clone()).expect("a valid policy");
                let outcome = Simulation::new(config, &round_robin, &stream, start(), 1)
                    .with_behaviour(&diligent)
                    .keep_events(false)
                    .run();
                black_box(outcome.report.pool.follow_ups)
            })
        });
        group.bench_function(BenchmarkId::new("naive", &label), |b| {
            b.iter(|| black_box(naive_day(&team, &stream, &policy, start())))
        });
    }
    group.finish();
}

criterion_group!(benches, simulated_day);
criterion_main!(benches);
