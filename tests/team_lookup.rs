//! A team finds each rep by id, whatever the ids: small sequence numbers (read from the
//! id-indexed slots), large ones (searched), and ids no rep has.

use leadpool::allocate::Team;
use leadpool::ids::RepId;
use leadpool::model::Rep;
use proptest::prelude::*;

proptest! {
    #[test]
    fn a_team_finds_every_rep_by_id_and_no_other(
        ids in proptest::collection::btree_set(prop_oneof![0u64..200, 200u64..2_000, any::<u64>()], 0..60),
        probes in proptest::collection::vec(prop_oneof![0u64..300, any::<u64>()], 0..100),
    ) {
        let team = Team::new(ids.iter().map(|&id| Rep::new(RepId(id), format!("rep {id}"))));
        let sorted: Vec<u64> = ids.iter().copied().collect();
        for (position, &id) in sorted.iter().enumerate() {
            prop_assert_eq!(team.position(RepId(id)), Some(position));
            prop_assert_eq!(team.get(RepId(id)).map(|r| r.id), Some(RepId(id)));
        }
        for probe in probes.into_iter().chain([0, 1, u64::MAX]) {
            let expected = sorted.binary_search(&probe).ok();
            prop_assert_eq!(team.position(RepId(probe)), expected);
            prop_assert_eq!(team.get(RepId(probe)).map(|r| r.id), expected.map(|_| RepId(probe)));
        }
    }
}
