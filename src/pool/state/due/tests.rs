//! The deadline index against ordered sets, and its edge cases.

use super::*;
use chrono::{Duration, TimeZone};
use proptest::prelude::*;
use std::collections::BTreeSet;

fn t(minutes: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 2, 9, 0, 0).unwrap() + Duration::minutes(minutes)
}

/// Deadlines set in (deadline, id) order, ties and a re-set of the same deadline
/// included, keep their bucket sorted (read in place); the bucket grows by doubling chunks
/// up to the largest size, and forgetting most deadlines keeps it within twice its live
/// entries (plus a few).
#[test]
fn an_ordered_bucket_stays_sorted_grows_by_chunks_and_stays_bounded() {
    const N: u64 = 600;
    let mut index = DueIndex::default();
    // Within one hour: several entries share each second, in increasing id.
    let at = |k: u64| t(0) + Duration::seconds((k * 3_599 / N) as i64);
    let entry = |k: u64, stamp: u32| Entry {
        at: at(k),
        id: ClientId(k),
        handle: k as Handle,
        stamp,
    };
    let mut slots = Vec::new();
    for k in 0..N {
        slots.push(index.insert(entry(k, 0)));
    }
    // The last deadline set again (a new stamp), at the same instant.
    index.insert(entry(N - 1, 1));
    // Read in place: a clone would shrink the chunks to their lengths.
    let slot = *index.order.get(&bucket_of(at(0))).expect("one bucket");
    let full = &index.slots[slot];
    assert!(!full.unsorted, "entries set in order need no sorting");
    assert_eq!(full.len, N as usize + 1);
    let sizes: Vec<usize> = full.chunks.iter().map(Vec::capacity).collect();
    let mut expected = Vec::new();
    let (mut size, mut held) = (CHUNK_FIRST, 0);
    while held < full.len {
        expected.push(size);
        held += size;
        size = (size * 2).min(CHUNK_MAX);
    }
    assert_eq!(sizes, expected, "chunks double up to the largest size");
    // Forget all but a few: stale entries are compacted away.
    let mut alive = vec![true; N as usize];
    for k in 0..N - 5 {
        alive[k as usize] = false;
        let alive = &alive;
        index.forget(slots[k as usize], |e| alive[e.handle as usize]);
    }
    let left = &index.slots[slot];
    assert!(
        left.len <= 2 * left.live as usize + 8,
        "{} entries held for {} live",
        left.len,
        left.live
    );
}

proptest! {
    /// Setting and clearing deadlines in any order, the index lists what the ordered set
    /// of (deadline, id) it replaces lists, for any instant.
    #[test]
    fn the_index_lists_what_an_ordered_set_lists(
        mode in 0u8..3,
        ops in proptest::collection::vec((0u32..40, proptest::option::of(-600i64..6_000)), 0..300),
        probes in proptest::collection::vec(-700i64..7_000, 1..8),
    ) {
        // Modes 1 and 2 set deadlines within a few hours, so that buckets fill several
        // chunks: 1 in any order, 2 a minute apart in order (as the clock sets them, so
        // that buckets are read in place).
        let dense = mode > 0;
        let ops = ops.into_iter().enumerate().map(|(k, (handle, deadline))| {
            let d = deadline.map(|d| match mode {
                0 => d,
                1 => d.rem_euclid(180) - 60,
                _ => k as i64 - 60,
            });
            (handle, d)
        });
        let probes = probes.into_iter().map(|p| if dense { p.rem_euclid(360) - 90 } else { p });
        let mut index = DueIndex::default();
        let mut model: BTreeSet<(DateTime<Utc>, ClientId)> = BTreeSet::new();
        let mut current: Vec<Option<DateTime<Utc>>> = vec![None; 40];
        let mut stamps = vec![0u32; 40];
        // The bucket slot of each live deadline, as a client's row remembers it.
        let mut slots = [u32::MAX; 40];
        for (handle, deadline) in ops {
            let h = handle as usize;
            let id = ClientId(u64::from(handle) * 7 % 40);
            let next = deadline.map(t);
            if current[h] == next {
                continue;
            }
            stamps[h] += 1;
            if let Some(old) = current[h] {
                model.remove(&(old, id));
                let stamps = &stamps;
                index.forget(slots[h], |e| stamps[e.handle as usize] == e.stamp);
            }
            if let Some(at) = next {
                model.insert((at, id));
                slots[h] = index.insert(Entry { at, id, handle, stamp: stamps[h] });
            }
            current[h] = next;
        }
        for probe in probes {
            let now = t(probe);
            let listed: Vec<(DateTime<Utc>, ClientId)> = index
                .up_to(now)
                .filter(|e| stamps[e.handle as usize] == e.stamp)
                .map(|e| (e.at, e.id))
                .collect();
            let expected: Vec<_> = model.range(..=(now, ClientId(u64::MAX))).copied().collect();
            prop_assert_eq!(listed, expected);
            // The size hint bounds what is listed (a sweep reserves by it), at every step.
            let mut entries = index.up_to(now);
            loop {
                let upper = entries.size_hint().1.expect("an upper bound");
                let rest = entries.clone().count();
                prop_assert!(rest <= upper, "{} entries left, hint {}", rest, upper);
                if entries.next().is_none() {
                    break;
                }
            }
        }
        let first = index.first(|e| stamps[e.handle as usize] == e.stamp).map(|e| (e.at, e.id));
        prop_assert_eq!(first, model.first().copied());
    }

    /// The hour bucket, computed from the day number (the last one kept), is the
    /// timestamp's hour, over chrono's whole range.
    #[test]
    fn buckets_are_hours_from_the_epoch(
        seconds in proptest::collection::vec(-8_300_000_000_000i64..8_300_000_000_000, 1..6),
        nanos in 0u32..2_000_000_000,
    ) {
        let mut index = DueIndex::default();
        for at in seconds.into_iter().filter_map(|s| DateTime::from_timestamp(s, nanos)) {
            let hour = at.timestamp().div_euclid(3_600);
            prop_assert_eq!(bucket_of(at), hour);
            prop_assert_eq!(index.bucket_at(at), hour);
            if let Some(later) = at.checked_add_signed(Duration::minutes(30)) {
                prop_assert_eq!(index.bucket_at(later), bucket_of(later));
            }
        }
    }
}

/// A slot with no live deadline (never used, emptied, out of range) is ignored; an emptied
/// slot taken by another hour serves that hour.
#[test]
fn forgetting_through_a_slot_without_a_live_deadline_changes_nothing() {
    let mut index = DueIndex::default();
    let entry = |minutes: i64, k: u32| Entry {
        at: t(minutes),
        id: ClientId(u64::from(k)),
        handle: k,
        stamp: 0,
    };
    index.forget(0, |_| true);
    index.forget(u32::MAX, |_| true);
    let first = index.insert(entry(0, 1));
    index.forget(first, |_| false);
    assert!(index.order.is_empty(), "the emptied bucket is dropped");
    index.forget(first, |_| false);
    index.forget(first + 1, |_| false);
    // The freed slot is reused for a later hour.
    let later = index.insert(entry(300, 2));
    assert_eq!(later, first);
    assert_eq!(index.slots[later as usize].hour, bucket_of(t(300)));
    let listed: Vec<ClientId> = index.up_to(t(400)).map(|e| e.id).collect();
    assert_eq!(listed, [ClientId(2)]);
    index.forget(later, |_| false);
    assert_eq!(index.up_to(t(400)).count(), 0);
    assert!(index.recent.iter().all(Option::is_none));
}

#[test]
fn the_default_known_date_is_the_epoch() {
    let index = DueIndex::default();
    assert_eq!(epoch_day(index.known.0), index.known.1);
    assert_eq!(index.known.1, 0);
}

/// Forgetting leaves stale entries in place until a bucket holds more than twice its live
/// entries plus eight, then compacts it to its live entries: compaction is paid once per
/// many forgets, not on each (and the bucket stays within that bound).
#[test]
fn a_bucket_is_compacted_only_past_twice_its_live_entries_and_eight() {
    const N: u64 = 100;
    let mut index = DueIndex::default();
    let mut slots = Vec::new();
    for k in 0..N {
        slots.push(index.insert(Entry {
            at: t(0) + Duration::seconds(k as i64),
            id: ClientId(k),
            handle: k as Handle,
            stamp: 0,
        }));
    }
    let slot = *index.order.get(&bucket_of(t(0))).expect("one bucket");
    let mut alive = vec![true; N as usize];
    let mut compactions = 0;
    for k in 0..N - 1 {
        let held = index.slots[slot].len;
        alive[k as usize] = false;
        let alive = &alive;
        index.forget(slots[k as usize], |e| alive[e.handle as usize]);
        let bucket = &index.slots[slot];
        let live = bucket.live as usize;
        assert_eq!(live, (N - 1 - k) as usize);
        if held > 2 * live + 8 {
            assert_eq!(bucket.len, live, "compacted to its live entries");
            compactions += 1;
        } else {
            assert_eq!(bucket.len, held, "stale entries kept until the bound");
        }
    }
    // Compacted a few times over the 99 forgets, not on each.
    assert!((2..=6).contains(&compactions), "{compactions} compactions");
}

/// An entry out of (deadline, id) order is noticed whether it lands in the last chunk's room
/// (the inlined append) or opens a new chunk (the out-of-line one): the bucket is read
/// sorted either way; a bucket whose entries all arrive in order across a chunk boundary is
/// not marked.
#[test]
fn an_entry_out_of_order_is_noticed_in_room_and_in_a_new_chunk() {
    for late in [3, CHUNK_FIRST as u64] {
        let mut index = DueIndex::default();
        let mut expected = Vec::new();
        // `late` entries in order, then one earlier than all of them: in the first chunk's
        // room (3), or first of the second chunk (the first one full).
        for k in 0..late {
            index.insert(Entry {
                at: t(10) + Duration::seconds(k as i64),
                id: ClientId(100 + k),
                handle: k as Handle,
                stamp: 0,
            });
            expected.push(ClientId(100 + k));
        }
        index.insert(Entry {
            at: t(1),
            id: ClientId(7),
            handle: 99,
            stamp: 0,
        });
        expected.insert(0, ClientId(7));
        let slot = *index.order.get(&bucket_of(t(0))).expect("one bucket");
        assert!(index.slots[slot].unsorted, "late = {late}");
        let listed: Vec<ClientId> = index.up_to(t(59)).map(|e| e.id).collect();
        assert_eq!(listed, expected);
    }
    let mut index = DueIndex::default();
    for k in 0..(CHUNK_FIRST as u64 + 3) {
        index.insert(Entry {
            at: t(0) + Duration::seconds(k as i64),
            id: ClientId(k),
            handle: k as Handle,
            stamp: 0,
        });
    }
    let slot = *index.order.get(&bucket_of(t(0))).expect("one bucket");
    assert_eq!(index.slots[slot].chunks.len(), 2);
    assert!(!index.slots[slot].unsorted);
}
