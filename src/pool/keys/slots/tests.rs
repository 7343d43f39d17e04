use super::*;
use proptest::prelude::*;
use std::collections::{BTreeMap, BTreeSet};

/// The test's clients: client `n` is at handle `n`.
fn id_of(handle: Handle) -> Option<ClientId> {
    Some(ClientId(u64::from(handle)))
}

fn insert(slots: &mut HashSlots, hash: u64, handle: Handle) {
    slots.insert(hash, ClientId(u64::from(handle)), handle, id_of);
}

/// The handles stored with `hash`, checked to come each once, ascending by id.
fn stored(slots: &HashSlots, hash: u64) -> BTreeSet<Handle> {
    let found: Vec<Handle> = slots.get(hash).collect();
    assert!(
        found.windows(2).all(|w| w[0] < w[1]),
        "ascending, each once"
    );
    found.into_iter().collect()
}

/// An empty table answers nothing; hashes sharing a home slot, several clients sharing a hash
/// and handles at the ends of their range are all found, each once, after growing past every
/// size; the table stays at most half full and keeps each hash in one slot.
#[test]
fn edge_cases() {
    let mut slots = HashSlots::default();
    assert_eq!(slots.get(0).count(), 0);
    assert_eq!(slots.get(u64::MAX).count(), 0);
    assert!(slots.get_stored(0).is_none());
    // Zero is a hash like any other; so is a handle of zero.
    insert(&mut slots, 0, 0);
    assert_eq!(stored(&slots, 0), BTreeSet::from([0]));
    // Same home slot (low bits), different hashes.
    insert(&mut slots, 1 << 40, 1);
    insert(&mut slots, 2 << 40, 2);
    assert_eq!(stored(&slots, 1 << 40), BTreeSet::from([1]));
    assert_eq!(stored(&slots, 2 << 40), BTreeSet::from([2]));
    assert_eq!(stored(&slots, 3 << 40), BTreeSet::new());
    // One hash, several handles, one arriving out of order; a pair stored twice is kept once.
    insert(&mut slots, 0, Handle::MAX);
    insert(&mut slots, 0, 7);
    insert(&mut slots, 0, 7);
    insert(&mut slots, 0, 0);
    assert_eq!(stored(&slots, 0), BTreeSet::from([0, 7, Handle::MAX]));
    assert_eq!(slots.len, 3, "one slot per hash");
    // The last slot's run wraps to the first.
    let last = (slots.slots.len() - 1) as u64;
    for handle in 10..14 {
        insert(&mut slots, last + (u64::from(handle) << 40), handle);
    }
    for handle in 10..14 {
        let hash = last + (u64::from(handle) << 40);
        assert_eq!(stored(&slots, hash), BTreeSet::from([handle]));
    }
    for n in 0..10_000u32 {
        insert(&mut slots, u64::from(n) << 32, n);
        assert!(slots.len * 2 <= slots.slots.len());
        assert!(slots.slots.len().is_power_of_two());
    }
    assert_eq!(stored(&slots, 0), BTreeSet::from([0, 7, Handle::MAX]));
    assert_eq!(stored(&slots, 9_999 << 32), BTreeSet::from([9_999]));
    assert_eq!(slots.pairs().count(), 10_000 + 2 + 2 + 4);
}

/// The table grows eight times over while small and twice from [`FAST_GROWTH_BELOW`] slots,
/// every hash found after each growth, the table at most half full.
#[test]
fn the_table_grows_eightfold_while_small_then_doubles() {
    let mut slots = HashSlots::default();
    let mut sizes = vec![0];
    let keys = FAST_GROWTH_BELOW as u64 / 2 + 10;
    // Hashes whose low bits collide in runs, so the moves meet occupied slots.
    let hash = |n: u64| (n / 3) | (n % 3) << 50;
    for n in 0..keys {
        insert(&mut slots, hash(n), n as Handle);
        if sizes.last() != Some(&slots.slots.len()) {
            sizes.push(slots.slots.len());
            for m in (0..=n).step_by(97).chain([n]) {
                assert_eq!(stored(&slots, hash(m)), BTreeSet::from([m as Handle]));
            }
        }
        assert!(slots.len * 2 <= slots.slots.len());
    }
    let mut want = vec![0, FIRST];
    while *want.last().unwrap() < 2 * FAST_GROWTH_BELOW {
        let last = *want.last().unwrap();
        want.push(if last < FAST_GROWTH_BELOW {
            last * 8
        } else {
            last * 2
        });
    }
    assert_eq!(sizes, want);
    assert_eq!(slots.pairs().count(), keys as usize);
}

/// A hash whose home slot is free is stored there, and found there first: a probe starts
/// from the hash's low bits.
#[test]
fn a_hash_sits_at_its_home_slot_when_it_is_free() {
    let mut slots = HashSlots::default();
    insert(&mut slots, 5, 1);
    let size = slots.slots.len();
    assert_eq!(slots.find(5), Some(5 % size));
    insert(&mut slots, 9 + (1 << 40), 2);
    assert_eq!(slots.find(9 + (1 << 40)), Some(9 % size));
    // The same home, taken: the next slot.
    insert(&mut slots, 9, 3);
    assert_eq!(slots.find(9), Some(10 % size));
}

/// However many clients share one key, it takes one slot: other keys' probes stay short,
/// and its holders are read in id order, each once, whatever order they were stored in.
#[test]
fn a_key_many_clients_share_takes_one_slot() {
    let mut slots = HashSlots::default();
    let shared = 42;
    let mut handles: Vec<Handle> = (0..8_000).collect();
    // A fixed shuffle: ids arrive out of order.
    handles.sort_by_key(|h| (u64::from(*h) * 2_654_435_761) % 8_009);
    for &handle in &handles {
        insert(&mut slots, shared, handle);
    }
    for n in 0..100u32 {
        insert(&mut slots, 1_000 + u64::from(n), 10_000 + n);
    }
    assert_eq!(slots.len, 101);
    let read: Vec<Handle> = slots.get(shared).collect();
    assert_eq!(read, (0..8_000).collect::<Vec<_>>());
    // A key nobody carries: its run ends within a few slots of its home.
    for probe in 0..1_000u64 {
        let hash = 1 << 32 | probe;
        assert_eq!(slots.get(hash).count(), 0);
        let mask = slots.slots.len() - 1;
        let mut at = home(hash, slots.slots.len());
        let mut run = 0;
        while is_full(&slots.slots[at]) {
            run += 1;
            at = (at + 1) & mask;
        }
        assert!(run <= 101, "a run of {run}");
    }
}

proptest! {
    /// The table answers like an ordered map from hash to a set of handles, whatever the
    /// hashes (few distinct low bits force long runs) and however many pairs.
    #[test]
    fn the_table_answers_like_an_ordered_multimap(
        pairs in proptest::collection::vec((0u64..40, 0u64..4, 0u32..30), 0..200),
    ) {
        let mut slots = HashSlots::default();
        let mut model: BTreeMap<u64, BTreeSet<Handle>> = BTreeMap::new();
        for (low, high, handle) in pairs {
            let hash = low | high << 62;
            insert(&mut slots, hash, handle);
            model.entry(hash).or_default().insert(handle);
            prop_assert!(slots.len * 2 <= slots.slots.len());
        }
        prop_assert_eq!(slots.len, model.len());
        for low in 0..41u64 {
            for high in 0..4u64 {
                let hash = low | high << 62;
                let want = model.get(&hash).cloned().unwrap_or_default();
                // Nothing stored is answered `None` at once; anything stored, in full.
                let at_once: Option<BTreeSet<Handle>> =
                    slots.get_stored(hash).map(|holders| holders.collect());
                prop_assert_eq!(at_once, model.get(&hash).cloned());
                prop_assert_eq!(stored(&slots, hash), want);
            }
        }
        let pairs: BTreeSet<(u64, Handle)> = slots.pairs().collect();
        let want: BTreeSet<(u64, Handle)> = model
            .iter()
            .flat_map(|(hash, handles)| handles.iter().map(move |h| (*hash, *h)))
            .collect();
        prop_assert_eq!(pairs, want);
    }
}
