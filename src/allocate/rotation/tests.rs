//! The rotation's examples.

use super::*;

fn take(rotation: &mut Rotation, turns: usize) -> Vec<u64> {
    (0..turns)
        .map(|_| {
            let next = rotation.order().next().map_or(0, |r| r.0);
            rotation.serve(RepId(next));
            next
        })
        .collect()
}

#[test]
fn a_heavy_member_is_interleaved_not_served_in_a_burst() {
    let mut rotation = Rotation::new(&[(RepId(1), 3), (RepId(2), 1)]);
    assert_eq!(take(&mut rotation, 8), [1, 2, 1, 1, 1, 2, 1, 1]);
}

#[test]
fn many_light_members_do_not_starve_behind_a_heavy_one() {
    let members: Vec<(RepId, u32)> = std::iter::once((RepId(0), 10))
        .chain((1..=10).map(|i| (RepId(i), 1)))
        .collect();
    let mut rotation = Rotation::new(&members);
    let picks = take(&mut rotation, 20);
    let heavy = picks.iter().filter(|p| **p == 0).count();
    assert_eq!(heavy, 10, "{picks:?}");
    assert!(picks.windows(3).all(|w| w != [0, 0, 0]), "{picks:?}");
}

#[test]
fn serialised_state_rebuilds_the_same_order() {
    let mut rotation = Rotation::new(&[(RepId(1), 2), (RepId(2), 3), (RepId(3), 1)]);
    take(&mut rotation, 5);
    let data: RotationData = rotation.clone().into();
    let back = Rotation::from(data);
    assert_eq!(back, rotation);
    assert_eq!(
        back.order().collect::<Vec<_>>(),
        rotation.order().collect::<Vec<_>>()
    );
}

#[test]
fn rebase_keeps_places_and_admits_newcomers_at_the_current_level() {
    let mut rotation = Rotation::new(&[(RepId(1), 1), (RepId(2), 1), (RepId(3), 1)]);
    assert_eq!(take(&mut rotation, 2), [1, 2]);
    let mut bigger = rotation.rebase(&[(RepId(1), 1), (RepId(2), 1), (RepId(3), 1), (RepId(4), 1)]);
    let next = take(&mut bigger, 4);
    assert_eq!(next[0], 3, "rep 3 was due: {next:?}");
    assert_eq!(next.iter().filter(|r| **r == 4).count(), 1, "{next:?}");
}

#[test]
fn calibrating_a_member_that_is_ahead_changes_nothing() {
    let mut rotation = Rotation::new(&[(RepId(1), 1), (RepId(2), 1)]);
    take(&mut rotation, 1);
    let before = rotation.clone();
    rotation.calibrate(RepId(1));
    assert_eq!(rotation, before);
    rotation.calibrate(RepId(99));
    assert_eq!(rotation, before);
}

mod first_ready {
    use super::super::queue::Queue;
    use super::*;
    use proptest::prelude::*;

    /// A rotation of `weights` (ids from 1) in sorted queues; when `late`, a few turns short of
    /// the narrow bound with everyone at their share, so serving crosses it.
    fn sorted(weights: &[u32], late: bool) -> Rotation {
        let members: Vec<(RepId, u32)> = (1..).map(RepId).zip(weights.iter().copied()).collect();
        let mut data: RotationData = Rotation::new(&members).into();
        let total: u64 = weights.iter().map(|&w| u64::from(w)).sum();
        if late && total > 0 {
            data.turns = NARROW - 3;
            for (_, m) in &mut data.members {
                m.served = i64::try_from(data.turns * u64::from(m.weight) / total).unwrap();
            }
        }
        Rotation::laid_out(data, Layout::Sorted)
    }

    /// True when `serve` of the member at `index` takes the inline path.
    fn first_ready(rotation: &Rotation, index: usize) -> bool {
        matches!(rotation.ready, Queue::Sorted(_))
            && rotation.narrow
            && rotation.ready.peek().map(|s| s.member as usize) == Some(index)
    }

    proptest! {
        /// A sorted rotation served through `serve` (the inline turn when it applies) stays
        /// exactly the one served through the general path, turn by turn: counters, both
        /// queues, the next turn, over teams of equal or mixed weights, calibrations, serves
        /// of members not due, and the narrow bound.
        #[test]
        fn the_first_ready_turn_serves_as_the_general_path_does(
            uniform in any::<bool>(),
            weights in proptest::collection::vec(prop_oneof![4 => 1u32..5, 1 => 1u32..100_000], 1..40),
            late in any::<bool>(),
            ops in proptest::collection::vec((0u8..10, 0usize..64), 0..300),
        ) {
            let weights: Vec<u32> = weights.iter().map(|&w| if uniform { 3 } else { w }).collect();
            let mut fast = sorted(&weights, late);
            let mut general = fast.clone();
            let (mut next_turns, mut inline) = (0, 0);
            for (op, k) in ops {
                let n = weights.len();
                let rep = match op {
                    0..=6 => general.first().map_or(RepId(0), |(_, rep)| rep),
                    7 => RepId(1 + (k % n) as u64),
                    8 => RepId(k as u64),
                    _ => {
                        fast.calibrate(RepId(1 + (k % n) as u64));
                        general.calibrate(RepId(1 + (k % n) as u64));
                        RepId(0)
                    }
                };
                if op < 9 {
                    next_turns += usize::from(op <= 6);
                    if let Some(index) = general.index(rep) {
                        inline += usize::from(first_ready(&fast, index));
                        general.serve_at(index);
                    }
                    fast.serve(rep);
                }
                prop_assert_eq!(&fast.data, &general.data);
                prop_assert_eq!(fast.narrow, general.narrow);
                prop_assert_eq!(fast.ready.sorted(), general.ready.sorted());
                prop_assert_eq!(fast.waiting.sorted(), general.waiting.sorted());
                prop_assert_eq!(fast.first(), general.first());
            }
            // The next turn is served inline unless the bound was crossed first.
            prop_assert!(next_turns == 0 || inline > 0 || late);
        }
    }
}

mod cycle {
    use super::*;
    use proptest::prelude::*;

    /// `n` members (ids from 1) of weight `weight`, laid out as `layout`, fresh or, when
    /// `late`, a few turns short of the narrow bound with everyone at their share.
    fn uniform(n: u64, weight: u32, late: bool, layout: Layout) -> Rotation {
        let members: Vec<(RepId, u32)> = (1..=n).map(|i| (RepId(i), weight)).collect();
        let mut data: RotationData = Rotation::new(&members).into();
        if late {
            let rounds = (NARROW - 3) / n;
            data.turns = rounds * n;
            data.seq = data.turns;
            for (_, m) in &mut data.members {
                m.served = rounds as i64;
            }
        }
        Rotation::laid_out(data, layout)
    }

    /// The general path's reference: the same counters in heaps, in i128.
    fn reference(rotation: &Rotation) -> Rotation {
        let mut heaps = Rotation::laid_out(rotation.data.clone(), Layout::Heap);
        heaps.narrow = false;
        heaps
    }

    proptest! {
        /// A rotation that may cycle serves, turn by turn, exactly as the heaps in i128 do
        /// (counters, next turn, whole order) through turns for the next member, turns for
        /// others, strangers, calibrations and the narrow bound; stored counters of another
        /// shape (a member two levels ahead, a last turn after the rotation's count, a turn
        /// sequence at its end) are served the general way. A fresh team cycles from the
        /// start, and one taken out of the cycle by a skip comes back once its rounds settle.
        #[test]
        fn a_cycle_serves_as_the_heaps_do(
            n in 1u64..40,
            weight in 1u32..5,
            late in any::<bool>(),
            shape in 0u8..5,
            ops in proptest::collection::vec((0u8..12, 0u64..48), 0..400),
        ) {
            let mut cycled = uniform(n, weight, late, Layout::Cycle);
            if shape > 0 {
                let mut data = cycled.data.clone();
                match shape {
                    1 => data.members[0].1.served += 2,
                    2 => data.members[(n / 2) as usize].1.last_seq = data.seq + 5,
                    3 => data.seq = u64::MAX - 2,
                    _ => data.members.iter_mut().for_each(|(_, m)| m.weight = 0),
                }
                cycled = Rotation::laid_out(data, Layout::Cycle);
            }
            prop_assert_eq!(cycled.cycling(), shape == 0 || shape == 3);
            let mut heaps = reference(&cycled);
            let mut left = false;
            for (op, k) in ops {
                match op {
                    0..=8 => {
                        let next = heaps.first().map_or(RepId(0), |(_, rep)| rep);
                        cycled.serve(next);
                        heaps.serve(next);
                    }
                    9 => {
                        left |= cycled.cycling() && k % n != 0;
                        cycled.serve(RepId(1 + k % n));
                        heaps.serve(RepId(1 + k % n));
                    }
                    10 => {
                        cycled.serve(RepId(k));
                        heaps.serve(RepId(k));
                    }
                    _ => {
                        cycled.calibrate(RepId(1 + k % n));
                        heaps.calibrate(RepId(1 + k % n));
                    }
                }
                prop_assert_eq!(&cycled.data, &heaps.data);
                prop_assert_eq!(cycled.first(), heaps.first());
                prop_assert_eq!(cycled.order().collect::<Vec<_>>(), heaps.order().collect::<Vec<_>>());
                // While cycling, the queues are empty; otherwise they hold everyone.
                let queued = cycled.ready.sorted().len() + cycled.waiting.sorted().len();
                prop_assert_eq!(queued, if cycled.cycling() { 0 } else { n as usize });
            }
            // Out of the cycle after a skip, a fresh team returns to it once the others have
            // caught up with whoever ran ahead (at most the spread of levels in rounds of plain
            // turns) and the queues' turns have reached the next check (one more round).
            if shape == 0 && !late && left {
                let levels = heaps.data.members.iter().map(|(_, m)| m.served);
                let spread = levels.clone().max().unwrap_or(0) - levels.min().unwrap_or(0);
                for _ in 0..(spread as u64 + 2) * n {
                    let next = heaps.first().map_or(RepId(0), |(_, rep)| rep);
                    cycled.serve(next);
                    heaps.serve(next);
                    prop_assert_eq!(&cycled.data, &heaps.data);
                }
                prop_assert!(cycled.cycling());
            }
        }
    }

    /// The usual turns of a fresh team of equal weights come from the cycle, round after round,
    /// in id order; a turn for someone else leaves it with the queues as they would stand, and
    /// the end of that round brings it back.
    #[test]
    fn a_fresh_team_cycles_and_returns_after_a_skip() {
        let mut rotation = Rotation::from(RotationData::from(Rotation::new(
            &(1..=20).map(|i| (RepId(i), 1)).collect::<Vec<_>>(),
        )));
        assert!(rotation.cycling());
        assert_eq!(
            take(&mut rotation, 25),
            (1..=20).chain(1..=5).collect::<Vec<_>>()
        );
        assert!(rotation.cycling());
        // Rep 7 is skipped (on leave): rep 6 first, then 8 served before it.
        rotation.serve(RepId(6));
        rotation.serve(RepId(8));
        assert!(!rotation.cycling());
        assert_eq!(rotation.first().map(|(_, rep)| rep), Some(RepId(7)));
        let reference = {
            let mut heaps = Rotation::laid_out(rotation.data.clone(), Layout::Heap);
            take(&mut heaps, 60)
        };
        assert_eq!(take(&mut rotation, 60), reference);
        assert!(rotation.cycling());
    }

    /// Stored counters at the narrow bound or past it are served in the queues: the cycle
    /// takes only narrow counts.
    #[test]
    fn the_narrow_bound_takes_the_rotation_out_of_its_cycle() {
        let mut rotation = uniform(20, 1, true, Layout::Cycle);
        assert!(rotation.cycling());
        let mut heaps = reference(&rotation);
        for _ in 0..40 {
            let next = heaps.first().map(|(_, rep)| rep).unwrap();
            rotation.serve(next);
            heaps.serve(next);
            assert_eq!(rotation.data, heaps.data);
        }
        assert!(!rotation.cycling() && !rotation.narrow);
    }
}

mod cycle_edges {
    use super::super::queue::{Queue, SORTED_MAX};
    use super::*;

    /// A team larger than the sorted queues take cycles too, leaves its cycle into heaps at a
    /// skip (the walk's turn for someone else), serves from them as a fresh heap layout would,
    /// and returns to its cycle once the round ends.
    #[test]
    fn a_team_past_the_sorted_size_cycles_and_falls_back_to_heaps() {
        let n = SORTED_MAX as u64 + 4;
        let members: Vec<(RepId, u32)> = (1..=n).map(|i| (RepId(i), 2)).collect();
        let mut rotation = Rotation::new(&members);
        assert!(rotation.cycling());
        take(&mut rotation, 10);
        rotation.serve(RepId(12));
        assert!(!rotation.cycling());
        assert!(matches!(rotation.ready, Queue::Heap(_)));
        let mut heaps = Rotation::laid_out(rotation.data.clone(), Layout::Heap);
        for _ in 0..n + 5 {
            let next = heaps.first().map(|(_, rep)| rep);
            assert_eq!(rotation.first().map(|(_, rep)| rep), next);
            rotation.serve(next.unwrap());
            heaps.serve(next.unwrap());
        }
        assert_eq!(rotation.data, heaps.data);
        assert!(rotation.cycling());
    }

    /// A cycling rotation cloned or stored mid-round and loaded again is the same rotation,
    /// cycling at the same place, and serves on exactly as the original does.
    #[test]
    fn a_cycle_survives_a_clone_and_a_round_trip_mid_round() {
        let members: Vec<(RepId, u32)> = (1..=30).map(|i| (RepId(i * 3), 1)).collect();
        let mut rotation = Rotation::new(&members);
        take(&mut rotation, 47);
        let json = serde_json::to_string(&rotation).unwrap();
        let mut loaded: Rotation = serde_json::from_str(&json).unwrap();
        let mut cloned = rotation.clone();
        assert!(loaded.cycling() && cloned.cycling());
        assert_eq!(
            (loaded.cursor, &loaded.cycle),
            (rotation.cursor, &rotation.cycle)
        );
        let served = take(&mut rotation, 65);
        assert_eq!(take(&mut loaded, 65), served);
        assert_eq!(take(&mut cloned, 65), served);
        assert_eq!(loaded, rotation);
        assert_eq!(cloned, rotation);
    }
}
