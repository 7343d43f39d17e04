//! A CRM's loop over arriving leads (import, the rule's pick, the assignment, a first call, each
//! event applied as soon as it is decided) allocates, once warm, nothing in the crate: only the
//! client the CRM decodes for each lead, which the import moves into the pool. The events go into one kept buffer, the rule decides into one kept decision, and
//! each assignment's explanation travels in the box the previous assignment's event handed
//! back (`Decision::explanation_boxed`, `evolve_reclaim`).

mod counting;

use chrono::{DateTime, Duration, TimeZone, Utc};
use leadpool::allocate::{AllocState, Allocator, Decision, Explanation, Request, RoundRobin, Team};
use leadpool::ids::{ClientId, RepId};
use leadpool::model::{Client, ContactLevel, Rep, Source};
use leadpool::pool::{
    Actor, Assigner, Command, Config, Event, PoolPolicy, PoolState, PoolView, decide_into,
    evolve_reclaim,
};
use leadpool::rng::seeded;

fn start() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 23, 1, 0, 0).unwrap()
}

/// Heap blocks the crate allocates for `leads` leads through a CRM's loop over 100 reps: those
/// of the whole loop but the decoding of each client (its box and card, the CRM's part, built
/// inside the loop as a CRM builds them).
fn allocations_for(leads: u64) -> usize {
    let team = Team::new((1..=100).map(|i| Rep::new(RepId(i), format!("rep {i}"))));
    let policy = PoolPolicy {
        private_cap: Some(1_000),
        remind_after_days: Some(7),
        ..PoolPolicy::default()
    };
    let mut state = PoolState::new(Config::new(team.clone(), policy).unwrap());
    let round_robin = RoundRobin::new(&team);
    let mut turns = AllocState::new();
    let mut rng = seeded(1);
    let mut events: Vec<Event> = Vec::new();
    let mut decision = Decision::unassigned(ClientId(0), Explanation::default());
    let mut spare = None;
    let mut decoded = 0;
    let before = counting::allocations();
    for n in 0..leads {
        let now = start() + Duration::seconds(n as i64);
        let id = ClientId(n + 1);
        let decoding = counting::allocations();
        let client = Box::new(Client::new(id, "", Source::Website, now));
        decoded += counting::allocations() - decoding;
        decide_into(
            &state,
            Actor::System,
            Command::Import { client },
            now,
            &mut events,
        )
        .unwrap();
        apply(&mut state, &mut events, &mut spare);
        let client = state.client(id).unwrap();
        let view = PoolView::new(&state, now);
        let request = Request::new(client, &team, now)
            .with_view(&view)
            .with_state(&turns);
        round_robin.allocate_into(&request, &mut rng, &mut decision);
        let rep = decision.rep.unwrap();
        turns.apply(&decision);
        let by = Assigner::Rule {
            explanation: decision.explanation_boxed(spare.take()),
        };
        let assign = Command::Assign {
            client: id,
            rep,
            by,
        };
        decide_into(&state, Actor::System, assign, now, &mut events).unwrap();
        apply(&mut state, &mut events, &mut spare);
        let call = Command::FollowUp {
            client: id,
            rep,
            level: ContactLevel::Phone,
            note: String::new(),
        };
        decide_into(&state, Actor::Rep(rep), call, now, &mut events).unwrap();
        apply(&mut state, &mut events, &mut spare);
    }
    let after = counting::allocations();
    assert_eq!(state.len() as u64, leads);
    after - before - decoded
}

/// Applies each decided event, keeping a rule assignment's explanation box.
fn apply(state: &mut PoolState, events: &mut Vec<Event>, spare: &mut Option<Box<Explanation>>) {
    for event in events.drain(..) {
        if let Some(explanation) = evolve_reclaim(state, event) {
            *spare = Some(explanation);
        }
    }
}

#[test]
fn a_crm_loop_allocates_nothing_in_the_crate_per_lead() {
    // The difference of two runs cancels the fixed cost (the first boxes and buffers).
    let small = allocations_for(2_000);
    let large = allocations_for(6_000);
    let per_lead = (large - small) as f64 / 4_000.0;
    // Nothing per lead; the pool's tables growing now and then add a few hundredths.
    assert!(per_lead <= 0.05, "{per_lead:.3} heap allocations per lead");
}
