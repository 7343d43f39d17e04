//! Round-robin over mid-size teams (sorted "run" queues, round-end swap) serves in
//! the order the rotation's definition gives, computed plainly: eligible members
//! (served / weight <= turns / total) by deadline ((served + 1) / weight, last turn, id),
//! then the others by eligible time (served / weight, last turn, id).

mod alloc_support;

use alloc_support::{client, now};
use leadpool::allocate::{AllocState, Allocator, Decision, Request, RoundRobin, Team};
use leadpool::ids::RepId;
use leadpool::model::{Rep, Source};
use leadpool::rng::seeded;
use proptest::prelude::*;
use std::cmp::Ordering;

fn frac_cmp(a: (i128, i128), b: (i128, i128)) -> Ordering {
    (a.0 * b.1).cmp(&(b.0 * a.1))
}

/// Serves `turns` leads by round-robin over `n` reps (uniform weight 3, or `weights`; ids
/// spaced by `gap + 1`), reloading the allocation state from JSON at the turns in
/// `reload_at`, and checks each pick against the rotation's plain definition and
/// `allocate_into` against `allocate`.
fn serves_by_the_plain_definition(
    n: usize,
    uniform: bool,
    weights: &[u32],
    gap: u64,
    turns: usize,
    reload_at: &[usize],
) -> Result<(), TestCaseError> {
    let w: Vec<u32> = (0..n)
        .map(|i| if uniform { 3 } else { weights[i] })
        .collect();
    let ids: Vec<u64> = (0..n as u64).map(|i| i * (gap + 1)).collect();
    let team =
        Team::new((0..n).map(|i| Rep::new(RepId(ids[i]), format!("r{i}")).with_weight(w[i])));
    let rr = RoundRobin::new(&team);
    let mut state = AllocState::new();
    let total: i128 = w.iter().map(|&x| i128::from(x)).sum();
    let (mut t, mut seq) = (0i128, 0u64);
    let mut served = vec![0i128; n];
    let mut last = vec![0u64; n];
    let mut kept = Decision::unassigned(leadpool::ids::ClientId(0), Default::default());
    for k in 0..turns {
        if reload_at.contains(&k) {
            let json = serde_json::to_string(&state).unwrap();
            state = serde_json::from_str(&json).unwrap();
        }
        let lead = client(k as u64, Source::Website);
        let request = Request::new(&lead, &team, now()).with_state(&state);
        let decision = rr.allocate(&request, &mut seeded(1));
        rr.allocate_into(&request, &mut seeded(1), &mut kept);
        prop_assert_eq!(&kept, &decision);
        // The plain definition.
        let eligible = |i: usize| served[i] * total <= t * i128::from(w[i]);
        let key = |i: usize, ready: bool| (served[i] + i128::from(ready), i128::from(w[i]));
        let pick = (0..n)
            .map(|i| (eligible(i), i))
            .min_by(|&(ea, a), &(eb, b)| {
                eb.cmp(&ea)
                    .then_with(|| frac_cmp(key(a, ea), key(b, eb)))
                    .then(last[a].cmp(&last[b]))
                    .then(ids[a].cmp(&ids[b]))
            })
            .map(|(_, i)| i)
            .unwrap();
        prop_assert_eq!(decision.rep, Some(RepId(ids[pick])), "turn {}", k);
        state.apply(&decision);
        t += 1;
        seq += 1;
        served[pick] += 1;
        last[pick] = seq;
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(40))]
    #[test]
    fn round_robin_serves_by_the_plain_definition(
        n in 17usize..300,
        uniform in any::<bool>(),
        weights in proptest::collection::vec(1u32..5, 300),
        gap in 0u64..3,
        turns in 1usize..2_500,
        reload_at in proptest::collection::vec(0usize..600, 0..4),
    ) {
        serves_by_the_plain_definition(n, uniform, &weights, gap, turns, &reload_at)?;
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3))]
    #[test]
    fn round_robin_serves_by_the_plain_definition_at_the_layout_bound(
        n in 4_090usize..4_105,
        uniform in any::<bool>(),
        weights in proptest::collection::vec(1u32..5, 4_105),
        gap in 0u64..3,
        turns in 8_000usize..9_000,
        reload_at in proptest::collection::vec(0usize..600, 0..4),
    ) {
        serves_by_the_plain_definition(n, uniform, &weights, gap, turns, &reload_at)?;
    }
}
