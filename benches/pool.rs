//! Pool benchmarks: the sweep against a naive full scan, and claim / follow-up throughput.
//!
//! Run briefly: `cargo bench --bench pool -- --warm-up-time 1 --measurement-time 2`.

#[path = "naive/mod.rs"]
mod naive;
#[path = "workload/mod.rs"]
mod workload;

use chrono::Duration;
use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use leadpool::ids::{ClientId, RepId};
use leadpool::model::ContactLevel;
use leadpool::pool::Actor;
use leadpool::pool::{Command, PoolPolicy, decide, execute};
use naive::sweep::naive_sweep;
use std::hint::black_box;
use workload::{
    SWEEP_REPS as REPS, owned_state, sweep_now, sweep_policy as policy, sweep_t0 as t0,
};

fn sweep(c: &mut Criterion) {
    let policy = policy();
    let now = sweep_now();
    for n in [100_000u64, 1_000_000] {
        let mut group = c.benchmark_group(format!("sweep_{n}_clients_1pct_due"));
        group.sample_size(10);
        let state = owned_state(n, policy.clone());
        let due = decide(&state, Actor::System, Command::Sweep, now).expect("sweeps are accepted");
        assert_eq!(due.len() as u64, n / 100);
        assert_eq!(naive_sweep(&state, now, &policy), due);
        group.bench_function(BenchmarkId::new("indexed", n), |b| {
            b.iter(|| decide(black_box(&state), Actor::System, Command::Sweep, now))
        });
        group.bench_function(BenchmarkId::new("naive_full_scan", n), |b| {
            b.iter(|| naive_sweep(black_box(&state), now, &policy))
        });
        group.finish();
    }
}

fn claim_and_follow_up(c: &mut Criterion) {
    let n = 10_000u64;
    let policy = PoolPolicy {
        private_cap: Some(1_000),
        ..policy()
    };
    let base = owned_state(n, policy);
    let now = t0() + Duration::days(1);

    let mut group = c.benchmark_group("claim_release_10000_clients");
    // A claim then a release of one client: two commands decided and applied.
    let mut state = base.clone();
    let mut i = 0u64;
    let release_all: Vec<Command> = (1..=n)
        .map(|id| Command::Release {
            client: ClientId(id),
            rep: RepId(id % REPS + 1),
            note: String::from("bench"),
        })
        .collect();
    for command in &release_all {
        let Command::Release { rep, .. } = command else {
            unreachable!("releases only")
        };
        execute(&mut state, Actor::Rep(*rep), command.clone(), now).expect("the owner releases");
    }
    group.bench_function("indexed_ledger", |b| {
        b.iter(|| {
            i = i % n + 1;
            let rep = RepId(i % REPS + 1);
            let claim = Command::Claim {
                client: ClientId(i),
                rep,
            };
            execute(&mut state, Actor::Rep(rep), claim, now).expect("public and under the cap");
            let release = Command::Release {
                client: ClientId(i),
                rep,
                note: String::from("bench"),
            };
            execute(&mut state, Actor::Rep(rep), release, now).expect("the owner releases")
        })
    });
    // The naive cap check counts the rep's clients by scanning every client first.
    group.bench_function("naive_count_scan", |b| {
        b.iter(|| {
            i = i % n + 1;
            let rep = RepId(i % REPS + 1);
            let held = state.clients().filter(|c| c.owner() == Some(rep)).count();
            assert!(held < 1_000);
            let claim = Command::Claim {
                client: ClientId(i),
                rep,
            };
            execute(&mut state, Actor::Rep(rep), claim, now).expect("public and under the cap");
            let release = Command::Release {
                client: ClientId(i),
                rep,
                note: String::from("bench"),
            };
            execute(&mut state, Actor::Rep(rep), release, now).expect("the owner releases")
        })
    });
    group.finish();

    let mut group = c.benchmark_group("follow_up_10000_clients");
    let mut state = base.clone();
    let mut j = 0u64;
    group.bench_function("indexed_deadlines", |b| {
        b.iter(|| {
            j = j % n + 1;
            let command = Command::FollowUp {
                client: ClientId(j),
                rep: RepId(j % REPS + 1),
                level: ContactLevel::Phone,
                note: String::new(),
            };
            execute(&mut state, Actor::Rep(RepId(j % REPS + 1)), command, now)
                .expect("the owner follows up")
        })
    });
    // Without a deadline index a scheduler rescans every client for the next due timer.
    group.bench_function("naive_rescan_next_due", |b| {
        b.iter(|| {
            j = j % n + 1;
            let command = Command::FollowUp {
                client: ClientId(j),
                rep: RepId(j % REPS + 1),
                level: ContactLevel::Phone,
                note: String::new(),
            };
            let events = execute(&mut state, Actor::Rep(RepId(j % REPS + 1)), command, now)
                .expect("the owner follows up");
            let next = state.clients().filter_map(|c| c.deadline()).min();
            (events, next)
        })
    });
    group.finish();
}

criterion_group!(benches, sweep, claim_and_follow_up);
criterion_main!(benches);
