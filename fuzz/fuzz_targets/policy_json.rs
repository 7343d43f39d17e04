//! Any JSON as a pool policy, an allocation policy, a simulation policy or a team: refused with
//! an error, or accepted and then buildable for a team, valid again after a round trip, and
//! usable for a decision. Never a panic.
#![no_main]

use leadpool::allocate::{Policy, Request, Team};
use leadpool::model::{Client, Rep, Source};
use leadpool::pool::{Config, PoolPolicy};
use leadpool::{ClientId, RepId, seeded};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let team = Team::new((1..=3).map(|i| Rep::new(RepId(i), "r")));
    if let Ok(policy) = serde_json::from_slice::<PoolPolicy>(data) {
        // Deserialising validated it; its own round trip must validate again.
        let json = serde_json::to_vec(&policy).expect("a policy serialises");
        let back: PoolPolicy = serde_json::from_slice(&json).expect("a policy reads back");
        assert_eq!(back, policy);
        let _ = Config::new(team.clone(), policy);
    }
    if let Ok(policy) = serde_json::from_slice::<Policy>(data) {
        if let Ok(allocator) = policy.build(&team) {
            let at = chrono::DateTime::<chrono::Utc>::UNIX_EPOCH;
            let client = Client::new(ClientId(1), "c", Source::Website, at);
            let decision = allocator.allocate(&Request::new(&client, &team, at), &mut seeded(1));
            if let Some(rep) = decision.rep {
                assert!(team.get(rep).is_some(), "a decision for a rep off the team");
            }
            let _ = decision.explanation.to_string();
        }
    }
    if let Ok(team) = serde_json::from_slice::<Team>(data) {
        let _ = Policy::seed_default().build(&team);
    }
    let _ = serde_json::from_slice::<Config>(data);
    let _ = serde_json::from_slice::<leadpool::sim::SimPolicy>(data);
});
