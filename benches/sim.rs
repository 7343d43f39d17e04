//! End-to-end simulated day: import, allocate, follow up, sweep, for 1,000 reps and 100,000
//! leads (and a tenth of that), beside a naive baseline doing the same day without indexes.
//!
//! Run briefly: `cargo bench --bench sim -- --warm-up-time 1 --measurement-time 5`.
//!
//! The baseline is what a first implementation looks like: clients in one `Vec`; each lead
//! scans every rep for the least-served eligible one (holding under the cap); each rep scans
//! every client to find its own to follow up; the sweep scans every client. It keeps a hash
//! index for dedupe only, because a linear dedupe scan would take minutes at this size.

use chrono::{DateTime, Duration, TimeZone, Utc};
use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use leadpool::allocate::{RoundRobin, Team};
use leadpool::ids::RepId;
use leadpool::model::{Client, Contact, ContactLevel, DedupeKey, Rep};
use leadpool::pool::{Config, PoolPolicy};
use leadpool::sim::{LeadStream, SeededBehaviour, Simulation, StreamConfig};
use std::collections::HashMap;
use std::hint::black_box;

fn start() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 23, 0, 0, 0).unwrap()
}

fn policy() -> PoolPolicy {
    PoolPolicy {
        private_cap: Some(1_000),
        remind_after_days: Some(7),
        release_after_reminder_days: 3,
        ..PoolPolicy::default()
    }
}

fn team(reps: u64) -> Team {
    Team::new((1..=reps).map(|i| Rep::new(RepId(i), format!("rep {i}"))))
}

fn stream(team: &Team, leads: u32) -> LeadStream {
    let config = StreamConfig {
        leads_per_day: leads,
        repeat_card_percent: 0,
        zone: Default::default(),
        ..StreamConfig::default()
    };
    LeadStream::synthetic(&config, team, start(), 1, 1)
}

/// One client as the baseline keeps it: the arrival and its custody, side by side.
struct NaiveClient {
    /// The arrival's description, kept as a CRM keeps its record.
    #[allow(dead_code)]
    client: Client,
    owner: Option<RepId>,
    owned_since: Option<DateTime<Utc>>,
    last_follow_up: Option<DateTime<Utc>>,
    deadline: Option<DateTime<Utc>>,
    contacts: Vec<Contact>,
}

/// The baseline's whole state.
struct NaiveDay {
    clients: Vec<NaiveClient>,
    keys: HashMap<DedupeKey, usize>,
    assigned: Vec<u64>,
    holding: Vec<u32>,
}

/// The same day without indexes: see the module docs.
fn naive_day(team: &Team, stream: &LeadStream, policy: &PoolPolicy) -> usize {
    let n = team.len();
    let cap = policy.private_cap.unwrap_or(u32::MAX);
    let mut day = NaiveDay {
        clients: Vec::new(),
        keys: HashMap::new(),
        assigned: vec![0; n],
        holding: vec![0; n],
    };
    let remind = Duration::days(i64::from(policy.remind_after_days.unwrap_or(7)));
    for arrival in stream.arrivals() {
        if arrival
            .client
            .keys()
            .iter()
            .any(|k| day.keys.contains_key(&k))
        {
            continue;
        }
        let index = day.clients.len();
        for key in arrival.client.keys().iter() {
            day.keys.insert(key, index);
        }
        let mut client = NaiveClient {
            client: arrival.client.clone(),
            owner: None,
            owned_since: None,
            last_follow_up: None,
            deadline: None,
            contacts: Vec::new(),
        };
        // Scan every rep: the least served under the cap wins, ties to the lower id.
        let mut best: Option<usize> = None;
        for (i, rep) in team.reps().iter().enumerate() {
            if !rep.availability.is_available(arrival.at) || day.holding[i] >= cap {
                continue;
            }
            if best.is_none_or(|b| day.assigned[i] < day.assigned[b]) {
                best = Some(i);
            }
        }
        if let Some(i) = best {
            day.assigned[i] += 1;
            day.holding[i] += 1;
            client.owner = Some(team.reps()[i].id);
            client.owned_since = Some(arrival.at);
            client.deadline = Some(arrival.at + remind);
        }
        day.clients.push(client);
    }
    // Each rep follows up its own clients, found by scanning every client.
    let evening = start() + Duration::hours(17);
    for rep in team.reps() {
        for client in day.clients.iter_mut().filter(|c| c.owner == Some(rep.id)) {
            client.contacts.push(Contact {
                rep: rep.id,
                level: ContactLevel::Phone,
                at: evening,
                note: String::new(),
            });
            client.last_follow_up = Some(evening);
            client.deadline = Some(evening + remind);
        }
    }
    // The sweep scans every client for what is due.
    let night = start() + Duration::hours(23);
    day.clients
        .iter()
        .filter(|c| c.deadline.is_some_and(|d| d <= night))
        .count()
}

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
            b.iter(|| black_box(naive_day(&team, &stream, &policy)))
        });
    }
    group.finish();
}

criterion_group!(benches, simulated_day);
criterion_main!(benches);
