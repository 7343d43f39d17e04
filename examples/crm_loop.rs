//! A CRM's loop over arriving leads, as a live service runs it: import each lead, let a rule
//! pick its rep, assign it, and log the rep's first call; every event stored (here as a JSON
//! line, standing in for the CRM's database) before it is applied. One event buffer, one
//! decision and one explanation box serve every lead (`decide_into`, `allocate_into`,
//! `Decision::explanation_boxed`, `evolve_reclaim`): once they are warm, a lead allocates only
//! the client the CRM decodes, which the import moves into the pool (and the pool's tables
//! grow now and then). The store's own allocations (here a `String` per event and the log's
//! growth) are the CRM's, not the crate's. serde_json's `float_roundtrip` feature (this crate's
//! own dependency enables it) keeps the figures in stored explanations exact, so the log
//! replays to the same state (README, "Determinism").
//!
//! `cargo run --example crm_loop`

use chrono::{Duration, TimeZone, Utc};
use leadpool::allocate::{AllocState, Allocator, Decision, Explanation, Request, RoundRobin, Team};
use leadpool::ids::{ClientId, RepId};
use leadpool::model::{Client, ContactLevel, Rep, Source};
use leadpool::pool::{
    Actor, Assigner, Command, Config, PoolPolicy, PoolState, PoolView, decide_into, evolve_reclaim,
};
use leadpool::rng::seeded;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let team = Team::new((1..=4).map(|i| Rep::new(RepId(i), format!("Rep {i}"))));
    let policy = PoolPolicy {
        private_cap: Some(100),
        remind_after_days: Some(7),
        ..PoolPolicy::default()
    };
    let mut state = PoolState::new(Config::new(team.clone(), policy)?);
    let round_robin = RoundRobin::new(&team);
    let mut turns = AllocState::new();
    let mut rng = seeded(7);
    let start = Utc.with_ymd_and_hms(2026, 11, 2, 1, 0, 0).unwrap();

    // Kept across leads: the events of one command, the rule's decision, and the box its
    // explanation travels in (handed back by each assignment's event once it is applied).
    let mut events = Vec::new();
    let mut decision = Decision::unassigned(ClientId(0), Explanation::default());
    let mut spare = None;
    let mut log: Vec<String> = Vec::new();

    for n in 1..=12u64 {
        let now = start + Duration::minutes(7 * n as i64);
        // The arrival, as the CRM decodes it from its request.
        let id = ClientId(1000 + n);
        let arrival = Client::new(id, format!("Lead {n}"), Source::Website, now);
        let import = Command::Import {
            client: Box::new(arrival),
        };
        decide_into(&state, Actor::System, import, now, &mut events)?;
        store_and_apply(&mut state, &mut events, &mut log, &mut spare)?;

        // The rule's pick, over the pool's view (which answers the admission rules).
        let Some(client) = state.client(id) else {
            continue; // reported as a duplicate of a known client
        };
        let view = PoolView::new(&state, now);
        let request = Request::new(client, &team, now)
            .with_view(&view)
            .with_state(&turns);
        round_robin.allocate_into(&request, &mut rng, &mut decision);
        let Some(rep) = decision.rep else { continue };
        let assign = Command::Assign {
            client: id,
            rep,
            by: Assigner::Rule {
                // Into the spare box: no allocation once the first assignment handed one back.
                explanation: decision.explanation_boxed(spare.take()),
            },
        };
        decide_into(&state, Actor::System, assign, now, &mut events)?;
        turns.apply(&decision);
        store_and_apply(&mut state, &mut events, &mut log, &mut spare)?;

        let call = Command::FollowUp {
            client: id,
            rep,
            level: ContactLevel::Phone,
            note: String::new(),
        };
        decide_into(&state, Actor::Rep(rep), call, now, &mut events)?;
        store_and_apply(&mut state, &mut events, &mut log, &mut spare)?;
    }

    println!("{} events stored", log.len());
    if let Some(line) = log.iter().rev().find(|l| l.contains("\"owner_changed\"")) {
        println!("the last assignment, as stored:\n{line}");
    }
    for rep in team.reps() {
        println!("{}: {} clients", rep.name, state.owned_by(rep.id).count());
    }
    // The log rebuilds the live state exactly.
    let replayed = PoolState::replay(
        state.config().clone(),
        &log.iter()
            .map(|l| serde_json::from_str(l))
            .collect::<Result<Vec<_>, _>>()?,
    );
    assert_eq!(replayed, state);
    println!("replaying the stored log rebuilds the state: yes");
    Ok(())
}

/// Stores each event of the buffer (the CRM's write), then applies it, keeping a rule
/// assignment's explanation box for the next one.
fn store_and_apply(
    state: &mut PoolState,
    events: &mut Vec<leadpool::pool::Event>,
    log: &mut Vec<String>,
    spare: &mut Option<Box<Explanation>>,
) -> Result<(), serde_json::Error> {
    for event in events.drain(..) {
        log.push(serde_json::to_string(&event)?);
        if let Some(explanation) = evolve_reclaim(state, event) {
            *spare = Some(explanation);
        }
    }
    Ok(())
}
