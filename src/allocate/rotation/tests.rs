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
