//! Allocation strategies at 10, 1,000 and 100,000 reps, each beside a naive baseline: a linear
//! scan over all reps, recomputed per lead (what a CRM writes without indexes).
//!
//! Run briefly: `cargo bench --bench allocate -- --warm-up-time 1 --measurement-time 2`.

#[path = "naive/mod.rs"]
mod naive;
#[path = "workload/mod.rs"]
mod workload;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use leadpool::allocate::{AllocState, Allocator, OwnerFirst, Request, Team};
use leadpool::ids::{ClientId, RepId};
use leadpool::model::{Client, Metrics, Source};
use leadpool::rng::seeded;
use naive::allocate::*;
use std::hint::black_box;
use workload::{
    IndexedLoads, alloc_lead as lead, alloc_metrics, alloc_now as now, alloc_team as team, strategy,
};

const SIZES: [usize; 3] = [10, 1_000, 100_000];

/// Runs `alloc` over a stream of leads, applying each decision (as a live pool would).
fn run_real(
    c: &mut criterion::BenchmarkGroup<'_, criterion::measurement::WallTime>,
    n: usize,
    alloc: &dyn Allocator,
    team: &Team,
    metrics: Option<&Metrics>,
) {
    let leads: Vec<Client> = (0..64).map(lead).collect();
    let view = IndexedLoads::new(team);
    let mut state = AllocState::new();
    let mut rng = seeded(1);
    // Install rotations / standings once, as the first decision of a period does.
    for l in &leads {
        let mut req = Request::new(l, team, now())
            .with_state(&state)
            .with_view(&view);
        if let Some(m) = metrics {
            req = req.with_metrics(m);
        }
        let d = alloc.allocate(&req, &mut rng);
        state.apply(&d);
    }
    let mut k = 0;
    c.bench_function(BenchmarkId::new("indexed", n), |b| {
        b.iter(|| {
            k = (k + 1) % leads.len();
            let mut req = Request::new(&leads[k], team, now())
                .with_state(&state)
                .with_view(&view);
            if let Some(m) = metrics {
                req = req.with_metrics(m);
            }
            let d = alloc.allocate(&req, &mut rng);
            state.apply(&d);
            black_box(d.rep)
        })
    });
}

fn benches(c: &mut Criterion) {
    for n in SIZES {
        let team = team(n);
        let sample = if n >= 100_000 { 10 } else { 50 };
        let metrics = alloc_metrics(&team);
        let leads: Vec<Client> = (0..64).map(lead).collect();
        for name in workload::STRATEGIES {
            let mut g = c.benchmark_group(name);
            g.sample_size(sample);
            run_real(
                &mut g,
                n,
                strategy(name, &team).as_ref(),
                &team,
                Some(&metrics),
            );
            let mut k = 0usize;
            let mut naive = NaivePicker::new(n);
            g.bench_function(BenchmarkId::new("naive", n), |b| {
                b.iter(|| {
                    k += 1;
                    black_box(naive.decide(name, &team, &metrics, &leads[k % 64], k))
                })
            });
            g.finish();
        }

        let mut g = c.benchmark_group("owner_first");
        g.sample_size(sample);
        let named = RepId(n as u64 / 2 + 1);
        let card = Client::new(
            ClientId(1),
            "card",
            Source::TradeShow { received_by: named },
            now(),
        );
        let request = Request::new(&card, &team, now());
        g.bench_function(BenchmarkId::new("indexed", n), |b| {
            b.iter(|| black_box(OwnerFirst.allocate(&request, &mut seeded(0)).rep))
        });
        g.bench_function(BenchmarkId::new("naive", n), |b| {
            b.iter(|| {
                let rep = team
                    .reps()
                    .iter()
                    .find(|r| r.id == named && r.availability.is_available(now()))
                    .map(|r| r.id);
                black_box(explained(ClientId(1), rep, "owner_first"))
            })
        });
        g.finish();
    }
}

criterion_group!(allocate, benches);
criterion_main!(allocate);
