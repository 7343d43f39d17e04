//! Allocation strategies at 10, 1,000 and 100,000 reps, each beside a naive baseline: a linear
//! scan over all reps, recomputed per lead (what a CRM writes without indexes).
//!
//! Run briefly: `cargo bench --bench allocate -- --warm-up-time 1 --measurement-time 2`.

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use leadpool::allocate::{
    AllocState, Allocator, Decision, Explanation, LeadFactors, LeastLoaded, OwnerFirst, Ranking,
    RankingMode, Request, RoundRobin, ScoreTier, ScoreWeighted, SkillMatch, Team, TeamView,
    Territory,
};
use leadpool::calendar::Window;
use leadpool::ids::{ClientId, RepId};
use leadpool::label::Label;
use leadpool::model::{Client, LeadInputs, Metric, Metrics, Region, Rep, Source, Tier};
use leadpool::reason::Step;
use leadpool::rng::{LeadRng, below, seeded};
use std::collections::BTreeMap;
use std::hint::black_box;

const SIZES: [usize; 3] = [10, 1_000, 100_000];
const TAGS: u64 = 64;

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 24, 10, 0, 0).unwrap()
}

fn city(k: usize) -> String {
    format!("CN/P{}/C{}", k % 30, k % 300)
}

fn team(n: usize) -> Team {
    Team::new((0..n).map(|i| {
        Rep::new(RepId(i as u64 + 1), "rep")
            .with_weight(i as u32 % 4 + 1)
            .with_tier(i as u8 % 3)
            .with_regions([city(i).parse::<Region>().unwrap()])
            .with_skills([
                format!("t{}", i as u64 % TAGS),
                format!("t{}", (i as u64 * 7 + 3) % TAGS),
            ])
    }))
}

/// A view with a load per rep, computed, so the view itself costs nothing to build.
struct Loads;
impl TeamView for Loads {
    fn open_load(&self, rep: RepId) -> u32 {
        (rep.0 * 2_654_435_761 % 97) as u32
    }
}

fn lead(k: u64) -> Client {
    Client::new(
        ClientId(k),
        "lead",
        Source::Other {
            label: "bench".into(),
        },
        now(),
    )
    .with_region(format!("{}/D1", city(k as usize)).parse().unwrap())
    .with_tags(["t0", "t5", "t12"])
    .with_lead(LeadInputs {
        budget: (k * 37 % 101) as u8,
        urgency: 60,
        product_fit: 70,
    })
}

/// Runs `alloc` over a stream of leads, applying each decision (as a live pool would).
fn run_real(
    c: &mut criterion::BenchmarkGroup<'_, criterion::measurement::WallTime>,
    n: usize,
    alloc: &dyn Allocator,
    team: &Team,
    metrics: Option<&Metrics>,
) {
    let leads: Vec<Client> = (0..64).map(lead).collect();
    let mut state = AllocState::new();
    let mut rng = seeded(1);
    // Install rotations / standings once, as the first decision of a period does.
    for l in &leads {
        let mut req = Request::new(l, team, now())
            .with_state(&state)
            .with_view(&Loads);
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
                .with_view(&Loads);
            if let Some(m) = metrics {
                req = req.with_metrics(m);
            }
            let d = alloc.allocate(&req, &mut rng);
            state.apply(&d);
            black_box(d.rep)
        })
    });
}

/// Wraps a naive pick in a decision with the same kind of explanation the real strategies
/// return, so both sides pay for building the audit record.
fn explained(client: ClientId, rep: Option<RepId>, rule: &str) -> Decision {
    let explanation = Explanation::new(Step::Custom {
        rule: Label::new(rule),
        rep,
    })
    .with_considered(1);
    match rep {
        Some(rep) => Decision::assigned(client, rep, explanation),
        None => Decision::unassigned(client, explanation),
    }
}

fn naive_rr(team: &Team, credit: &mut [i64]) -> Option<RepId> {
    let (mut best, mut total) = (None::<usize>, 0i64);
    for (i, rep) in team.reps().iter().enumerate() {
        if !rep.availability.is_available(now()) {
            continue;
        }
        credit[i] += i64::from(rep.weight);
        total += i64::from(rep.weight);
        if best.is_none_or(|b| credit[i] > credit[b]) {
            best = Some(i);
        }
    }
    let b = best?;
    credit[b] -= total;
    Some(team.reps()[b].id)
}

fn naive_territory(team: &Team, client: &Client, turn: usize) -> Option<RepId> {
    let mut depth = None;
    let mut candidates = Vec::new();
    for rep in team.reps() {
        for region in &rep.regions {
            if region.covers(client.region()) {
                if depth.is_none_or(|d| region.depth() > d) {
                    depth = Some(region.depth());
                    candidates.clear();
                }
                if depth == Some(region.depth()) {
                    candidates.push(rep.id);
                }
            }
        }
    }
    (!candidates.is_empty()).then(|| candidates[turn % candidates.len()])
}

fn naive_skill(team: &Team, client: &Client, required: &[&str]) -> Option<RepId> {
    let mut best: Option<(usize, u32, RepId)> = None;
    for rep in team.reps() {
        let has = |t: &str| rep.skills.iter().any(|s| s == t);
        if !required.iter().all(|t| has(t)) {
            continue;
        }
        let score = client.tags().iter().filter(|t| has(t)).count();
        let load = Loads.open_load(rep.id);
        if best.is_none_or(|(s, l, _)| score > s || (score == s && load < l)) {
            best = Some((score, load, rep.id));
        }
    }
    best.map(|b| b.2)
}

fn naive_score(team: &Team, client: &Client, rng: &mut LeadRng) -> Option<RepId> {
    let score = LeadFactors::default().score(&client.lead());
    let tier = if score >= 70.0 {
        2
    } else if score >= 40.0 {
        1
    } else {
        0
    };
    let pool: Vec<&Rep> = team
        .reps()
        .iter()
        .filter(|r| r.tier == Tier(tier))
        .collect();
    let total: u64 = pool.iter().map(|r| u64::from(r.weight)).sum();
    let mut x = below(rng, total);
    for rep in pool {
        if x < u64::from(rep.weight) {
            return Some(rep.id);
        }
        x -= u64::from(rep.weight);
    }
    None
}

fn naive_ranking(
    team: &Team,
    metrics: &Metrics,
    days: std::ops::Range<NaiveDate>,
) -> Option<RepId> {
    let mut best: Option<(f64, RepId)> = None;
    for rep in team.reps() {
        let s = metrics.total(rep.id, &Metric::FollowUps, days.clone())
            + 3.0 * metrics.total(rep.id, &Metric::SampleOrders, days.clone());
        if best.is_none_or(|(b, _)| s > b) {
            best = Some((s, rep.id));
        }
    }
    best.map(|b| b.1)
}

fn naive_least_loaded(team: &Team) -> Option<RepId> {
    let mut all: Vec<(u32, RepId)> = team
        .reps()
        .iter()
        .map(|r| (Loads.open_load(r.id), r.id))
        .collect();
    all.sort();
    all.first().map(|a| a.1)
}

fn benches(c: &mut Criterion) {
    for n in SIZES {
        let team = team(n);
        let sample = if n >= 100_000 { 10 } else { 50 };

        let mut g = c.benchmark_group("round_robin");
        g.sample_size(sample);
        run_real(&mut g, n, &RoundRobin::new(&team), &team, None);
        let mut credit = vec![0i64; n];
        g.bench_function(BenchmarkId::new("naive", n), |b| {
            b.iter(|| black_box(explained(ClientId(1), naive_rr(&team, &mut credit), "rr")))
        });
        g.finish();

        let mut g = c.benchmark_group("territory");
        g.sample_size(sample);
        run_real(&mut g, n, &Territory::new(&team), &team, None);
        let leads: Vec<Client> = (0..64).map(lead).collect();
        let mut k = 0;
        g.bench_function(BenchmarkId::new("naive", n), |b| {
            b.iter(|| {
                k += 1;
                black_box(explained(
                    ClientId(1),
                    naive_territory(&team, &leads[k % 64], k),
                    "territory",
                ))
            })
        });
        g.finish();

        let mut g = c.benchmark_group("skill");
        g.sample_size(sample);
        run_real(&mut g, n, &SkillMatch::new(&team, ["t0"]), &team, None);
        g.bench_function(BenchmarkId::new("naive", n), |b| {
            b.iter(|| {
                black_box(explained(
                    ClientId(1),
                    naive_skill(&team, &leads[3], &["t0"]),
                    "skill",
                ))
            })
        });
        g.finish();

        let mut g = c.benchmark_group("score");
        g.sample_size(sample);
        let bands = [
            ScoreTier {
                min_score: 70,
                rep_tiers: vec![Tier(2)],
            },
            ScoreTier {
                min_score: 40,
                rep_tiers: vec![Tier(1)],
            },
            ScoreTier {
                min_score: 0,
                rep_tiers: vec![Tier(0)],
            },
        ];
        let score = ScoreWeighted::new(&team, LeadFactors::default(), &bands);
        run_real(&mut g, n, &score, &team, None);
        let mut rng = seeded(2);
        g.bench_function(BenchmarkId::new("naive", n), |b| {
            b.iter(|| {
                k += 1;
                black_box(explained(
                    ClientId(1),
                    naive_score(&team, &leads[k % 64], &mut rng),
                    "score",
                ))
            })
        });
        g.finish();

        let mut g = c.benchmark_group("ranking");
        g.sample_size(sample);
        let mut metrics = Metrics::new();
        let day = NaiveDate::from_ymd_opt(2026, 11, 18).unwrap();
        for rep in team.reps() {
            metrics.record(rep.id, day, "follow_ups", (rep.id.0 * 31 % 17) as f64);
            metrics.record(rep.id, day, "sample_orders", (rep.id.0 * 7 % 5) as f64);
        }
        let weights = BTreeMap::from([
            (Metric::from("follow_ups"), 1.0),
            (Metric::from("sample_orders"), 3.0),
        ]);
        let ranking = Ranking::new(
            &team,
            "website",
            Window::PreviousWeek,
            weights,
            RankingMode::Top1,
        );
        run_real(&mut g, n, &ranking, &team, Some(&metrics));
        let days = day - Duration::days(2)..day + Duration::days(5);
        g.bench_function(BenchmarkId::new("naive", n), |b| {
            b.iter(|| {
                black_box(explained(
                    ClientId(1),
                    naive_ranking(&team, &metrics, days.clone()),
                    "ranking",
                ))
            })
        });
        g.finish();

        let mut g = c.benchmark_group("least_loaded");
        g.sample_size(sample);
        run_real(&mut g, n, &LeastLoaded::new(200), &team, None);
        g.bench_function(BenchmarkId::new("naive", n), |b| {
            b.iter(|| {
                black_box(explained(
                    ClientId(1),
                    naive_least_loaded(&team),
                    "least_loaded",
                ))
            })
        });
        g.finish();

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
