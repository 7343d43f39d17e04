//! The instruction-count program: one fixed workload per run, its measured part inside
//! [`callgrind_measured_region`], so `valgrind --tool=callgrind
//! --toggle-collect='*callgrind_measured_region*'` counts exactly that part. Driven by
//! `scripts/instructions.sh`, which also runs it under DHAT for heap allocations (with and
//! without `--skip`, which does the setup but not the measured part, to subtract the setup's).
//!
//! ```text
//! instructions day <reps> <leads> <leadpool|naive> [--skip]
//! instructions lead <reps> <leads> leadpool [--skip]
//! instructions alloc <strategy> <reps> <leadpool|naive> [--skip]
//! instructions sweep <clients> <leadpool|naive> [--skip]
//! ```
//!
//! It prints `units=N` (leads, decisions or due clients) for the script to divide by. Run
//! without a workload (as `cargo bench` does) it prints this usage and exits.

#[path = "naive/mod.rs"]
mod naive;
#[path = "workload/mod.rs"]
mod workload;

use leadpool::allocate::{AllocState, Allocator, Decision, Explanation, Request, RoundRobin};
use leadpool::ids::ClientId;
use leadpool::model::ContactLevel;
use leadpool::pool::Actor;
use leadpool::pool::{
    Assigner, Command, Config, PoolState, PoolView, decide, decide_into, evolve_owned,
};
use leadpool::rng::seeded;
use leadpool::sim::{SeededBehaviour, Simulation};
use std::hint::black_box;
use workload::*;

/// The part of a run callgrind counts: everything `f` does, and nothing else.
#[inline(never)]
fn callgrind_measured_region<R>(f: impl FnOnce() -> R) -> R {
    black_box(f())
}

/// Runs `f` as the measured part unless `skip` (then the setup alone is measured by DHAT).
fn measure<R>(skip: bool, f: impl FnOnce() -> R) {
    if !skip {
        black_box(callgrind_measured_region(f));
    }
}

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    let skip = args.iter().any(|a| a == "--skip");
    let args: Vec<&str> = args
        .iter()
        .map(String::as_str)
        .filter(|a| *a != "--skip")
        .collect();
    match args.as_slice() {
        ["day", reps, leads, side] => {
            day(reps.parse().unwrap(), leads.parse().unwrap(), side, skip)
        }
        ["lead", reps, leads, "leadpool"] => {
            lead(reps.parse().unwrap(), leads.parse().unwrap(), skip)
        }
        ["alloc", name, reps, side] => alloc(name, reps.parse().unwrap(), side, skip),
        ["sweep", clients, side] => sweep(clients.parse().unwrap(), side, skip),
        _ => eprintln!(
            "instruction-count workloads (run them with scripts/instructions.sh): \
             day|lead|alloc|sweep …; see the module docs"
        ),
    }
}

/// The whole simulated day: import, allocate by round-robin, follow up every client, sweep.
fn day(reps: u64, leads: u32, side: &str, skip: bool) {
    let team = day_team(reps);
    let stream = day_stream(&team, leads);
    let policy = day_policy();
    println!("units={}", stream.len());
    match side {
        "leadpool" => {
            let round_robin = RoundRobin::new(&team);
            let diligent = SeededBehaviour::diligent(1);
            let config = Config::new(team.clone(), policy.clone()).expect("a valid policy");
            measure(skip, || {
                let outcome = Simulation::new(config, &round_robin, &stream, day_start(), 1)
                    .with_behaviour(&diligent)
                    .keep_events(false)
                    .run();
                assert_eq!(outcome.report.pool.follow_ups, stream.len() as u64);
                outcome.report.pool.follow_ups
            });
        }
        "naive" => measure(skip, || {
            naive::day::naive_day(&team, &stream, &policy, day_start())
        }),
        other => panic!("unknown side {other}"),
    }
}

/// The crate's own part of a lead, as a CRM calls it: import, allocate (round-robin over the
/// pool's view), assign, one follow-up, each decided into one reused buffer and applied
/// (`allocate_into`, `decide_into`, `evolve_owned`). The rule's explanation goes with the
/// assignment's command in the box the previous assignment's event handed back
/// (`Decision::explanation_boxed`, `evolve_reclaim`), as a CRM that stores each event before
/// applying it can. Each arrival is built (a boxed client, as a CRM decodes it from the request
/// that brought it) just before its lead, outside the measured part: every lead is a measured
/// part of its own. `scripts/instructions.sh lead` splits the measured part by who runs it: the
/// crate deciding and applying the three commands (the calls to `decide_into`, `evolve_owned`
/// and `evolve`), the crate's other calls (the allocator's pick and rotation, the explanation
/// boxed), and this loop's own code with what is inlined into it.
fn lead(reps: u64, leads: u32, skip: bool) {
    let team = day_team(reps);
    let stream = day_stream(&team, leads);
    let config = Config::new(team.clone(), day_policy()).expect("a valid policy");
    let round_robin = RoundRobin::new(&team);
    let mut state = PoolState::new(config);
    let mut alloc = AllocState::new();
    let mut rng = seeded(1);
    println!("units={}", stream.len());
    let mut assigned = 0u64;
    // One buffer for every command's events and one decision, as a CRM's loop would keep.
    let mut events = Vec::new();
    let mut decision = Decision::unassigned(ClientId(0), Explanation::default());
    let mut spare = None;
    for arrival in stream.arrivals() {
        // The arrival as a CRM receives it: decoded from its request into a client of its
        // own, the caller's part, not measured. Copying it into the pool (the import) and
        // freeing the box are measured.
        let (now, client) = (arrival.at, Box::new(arrival.client.clone()));
        let one_lead = || {
            let id = client.id();
            let import = Command::Import { client };
            decide_into(&state, Actor::System, import, now, &mut events).expect("fresh ids import");
            events
                .drain(..)
                .for_each(|event| evolve_owned(&mut state, event));
            let Some(client) = state.client(id) else {
                return false;
            };
            let view = PoolView::new(&state, now);
            let request = Request::new(client, &team, now)
                .with_view(&view)
                .with_state(&alloc);
            round_robin.allocate_into(&request, &mut rng, &mut decision);
            let Some(rep) = decision.rep else {
                return false;
            };
            // The rule's pick is always admitted here (the view asked the admission rules), so
            // its rotation turn can be taken before the command is decided.
            alloc.apply(&decision);
            // The explanation goes with the command (and its event, which a CRM stores).
            let assign = Command::Assign {
                client: id,
                rep,
                by: Assigner::Rule {
                    explanation: decision.explanation_boxed(spare.take()),
                },
            };
            decide_into(&state, Actor::System, assign, now, &mut events)
                .expect("the rule's pick is admitted");
            events.drain(..).for_each(|event| {
                if let Some(boxed) = leadpool::pool::evolve_reclaim(&mut state, event) {
                    spare = Some(boxed);
                }
            });

            let follow_up = Command::FollowUp {
                client: id,
                rep,
                level: ContactLevel::Phone,
                note: String::new(),
            };
            decide_into(&state, Actor::Rep(rep), follow_up, now, &mut events)
                .expect("the owner follows up");
            events
                .drain(..)
                .for_each(|event| evolve_owned(&mut state, event));
            true
        };
        if skip {
            continue;
        }
        assigned += u64::from(callgrind_measured_region(one_lead));
    }
    if !skip {
        assert_eq!(assigned, stream.len() as u64);
    }
}

/// Decisions the allocator workload measures at `reps` reps.
fn decisions(reps: usize) -> usize {
    if reps >= 100_000 { 20 } else { 1_000 }
}

/// One strategy: `decisions(reps)` decisions over 64 leads, each applied.
fn alloc(name: &str, reps: usize, side: &str, skip: bool) {
    let team = alloc_team(reps);
    let leads: Vec<_> = (0..64).map(alloc_lead).collect();
    let metrics = alloc_metrics(&team);
    let count = decisions(reps);
    println!("units={count}");
    match side {
        "leadpool" => {
            let allocator = strategy(name, &team);
            let view = IndexedLoads::new(&team);
            let mut state = AllocState::new();
            let mut rng = seeded(1);
            // Install rotations and standings, as the first decisions of a period do.
            for lead in &leads {
                let request = Request::new(lead, &team, alloc_now())
                    .with_state(&state)
                    .with_view(&view)
                    .with_metrics(&metrics);
                let decision = allocator.allocate(&request, &mut rng);
                state.apply(&decision);
            }
            measure(skip, || {
                let mut placed = 0usize;
                // One decision kept across calls, as a CRM's loop would (`allocate_into`).
                let mut decision = Decision::unassigned(ClientId(0), Explanation::default());
                for k in 0..count {
                    let request = Request::new(&leads[k % 64], &team, alloc_now())
                        .with_state(&state)
                        .with_view(&view)
                        .with_metrics(&metrics);
                    allocator.allocate_into(&request, &mut rng, &mut decision);
                    state.apply(&decision);
                    placed += usize::from(decision.rep.is_some());
                }
                placed
            });
        }
        "naive" => {
            let mut naive = naive::allocate::NaivePicker::new(reps);
            measure(skip, || {
                let mut placed = 0usize;
                for k in 0..count {
                    let decision = naive.decide(name, &team, &metrics, &leads[k % 64], k);
                    placed += usize::from(black_box(decision).rep.is_some());
                }
                placed
            });
        }
        other => panic!("unknown side {other}"),
    }
}

/// The sweep with 1% of `clients` due: the deadline index against a full scan.
fn sweep(clients: u64, side: &str, skip: bool) {
    let policy = sweep_policy();
    let state = owned_state(clients, policy.clone());
    let now = sweep_now();
    println!("units={}", clients / 100);
    match side {
        "leadpool" => measure(skip, || {
            let events =
                decide(&state, Actor::System, Command::Sweep, now).expect("sweeps are accepted");
            assert_eq!(events.len() as u64, clients / 100);
            events
        }),
        "naive" => measure(skip, || {
            let events = naive::sweep::naive_sweep(&state, now, &policy);
            assert_eq!(events.len() as u64, clients / 100);
            events
        }),
        other => panic!("unknown side {other}"),
    }
}
