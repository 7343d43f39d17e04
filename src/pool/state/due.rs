//! The deadline index: clients by their earliest pending timer, in hour buckets, so a sweep
//! reads the buckets up to its instant and nothing else.
//!
//! Entries are only ever appended: moving a client's deadline appends a new entry with a new
//! stamp and leaves the old one behind, stale (its stamp no longer matches the client's row).
//! Each bucket counts its live entries; a bucket with none is dropped whole, one with more stale
//! than live entries is compacted, so the index stays within a constant factor of the live
//! deadlines. Deadlines are set from the clock, which moves forward, so an entry usually lands
//! at the end of its bucket in (deadline, id) order; a bucket that received one out of order
//! is sorted by the sweep that reads it (a copy: reading never changes the state).

use super::table::Handle;
use crate::ids::ClientId;
use chrono::{DateTime, Utc};
use std::collections::BTreeMap;

/// Seconds per bucket.
const BUCKET_SECONDS: i64 = 3_600;

/// One deadline entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Entry {
    pub at: DateTime<Utc>,
    pub id: ClientId,
    pub handle: Handle,
    pub stamp: u32,
}

#[derive(Clone, Debug, Default)]
struct Bucket {
    /// In insertion order; sorted by (deadline, id) while `sorted`.
    entries: Vec<Entry>,
    live: u32,
    /// False once an entry arrived out of order: readers sort a copy.
    unsorted: bool,
}

/// Deadlines in hour buckets; see the module docs.
#[derive(Clone, Debug, Default)]
pub(crate) struct DueIndex {
    buckets: BTreeMap<i64, Bucket>,
}

fn bucket_of(at: DateTime<Utc>) -> i64 {
    at.timestamp().div_euclid(BUCKET_SECONDS)
}

impl DueIndex {
    /// Records a live deadline.
    pub(crate) fn insert(&mut self, entry: Entry) {
        let key = bucket_of(entry.at);
        // Deadlines are set from a clock that moves forward by a fixed term, so most land in
        // the latest bucket: reach it down the map's right edge, without a search.
        let bucket = match self.buckets.last_entry() {
            Some(last) if *last.key() == key => last.into_mut(),
            _ => self.buckets.entry(key).or_default(),
        };
        bucket.live = bucket.live.saturating_add(1);
        if let Some(last) = bucket.entries.last() {
            bucket.unsorted |= (last.at, last.id) > (entry.at, entry.id);
        }
        bucket.entries.push(entry);
    }

    /// Forgets the live deadline at `at` (its entry is stale from now on: the caller has
    /// changed the client's stamp). `live` says whether an entry is still live, for compaction.
    pub(crate) fn forget(&mut self, at: DateTime<Utc>, live: impl Fn(&Entry) -> bool) {
        let key = bucket_of(at);
        let Some(bucket) = self.buckets.get_mut(&key) else {
            return;
        };
        bucket.live = bucket.live.saturating_sub(1);
        if bucket.live == 0 {
            self.buckets.remove(&key);
        } else if bucket.entries.len() > 2 * bucket.live as usize + 8 {
            bucket.entries.retain(|e| live(e));
        }
    }

    /// Entries at or before `instant`, in (deadline, id) order, stale ones included (the
    /// caller filters them by stamp). Read in place, bucket by bucket, without copying or
    /// allocating, except that a bucket whose entries arrived out of order is sorted in a copy.
    /// Its size hint's upper bound counts the entries it can still yield, so a caller can
    /// reserve once.
    pub(crate) fn up_to(&self, instant: DateTime<Utc>) -> UpTo<'_> {
        UpTo {
            buckets: self.buckets.range(..=bucket_of(instant)),
            instant,
            current: [].iter(),
            sorted: Vec::new().into_iter(),
        }
    }

    /// The earliest entry `live` accepts.
    pub(crate) fn first(&self, live: impl Fn(&Entry) -> bool) -> Option<Entry> {
        self.buckets.values().find_map(|b| {
            b.entries
                .iter()
                .filter(|e| live(e))
                .min_by_key(|e| (e.at, e.id))
                .copied()
        })
    }
}

/// The entries [`DueIndex::up_to`] lists, read bucket by bucket.
#[derive(Clone)]
pub(crate) struct UpTo<'a> {
    buckets: std::collections::btree_map::Range<'a, i64, Bucket>,
    instant: DateTime<Utc>,
    /// The rest of the current bucket (up to the instant), when it is in order.
    current: std::slice::Iter<'a, Entry>,
    /// The rest of the current bucket's sorted copy, when it is not.
    sorted: std::vec::IntoIter<Entry>,
}

impl<'a> UpTo<'a> {
    /// The entries of `bucket` at or before the instant, when the bucket is in order: all of
    /// them, except in the instant's own bucket, which is cut where the instant falls.
    fn in_order(&self, key: i64, bucket: &'a Bucket) -> &'a [Entry] {
        if key < bucket_of(self.instant) {
            return &bucket.entries;
        }
        let instant = self.instant;
        let end = bucket.entries.partition_point(|e| e.at <= instant);
        &bucket.entries[..end]
    }
}

impl Iterator for UpTo<'_> {
    type Item = Entry;

    #[inline]
    fn next(&mut self) -> Option<Entry> {
        loop {
            if let Some(entry) = self.current.next() {
                return Some(*entry);
            }
            if let Some(entry) = self.sorted.next() {
                return Some(entry);
            }
            let (&key, bucket) = self.buckets.next()?;
            if bucket.unsorted {
                self.sorted = sorted_copy(bucket, self.instant);
            } else {
                self.current = self.in_order(key, bucket).iter();
            }
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let rest: usize = self
            .buckets
            .clone()
            .map(|(&key, bucket)| {
                if bucket.unsorted {
                    bucket.entries.len()
                } else {
                    self.in_order(key, bucket).len()
                }
            })
            .sum();
        (0, Some(self.current.len() + self.sorted.len() + rest))
    }
}

/// The entries of a bucket that received some out of order, at or before `instant`, sorted
/// (a copy: reading never changes the state). Kept out of line: most buckets are in order.
#[inline(never)]
fn sorted_copy(bucket: &Bucket, instant: DateTime<Utc>) -> std::vec::IntoIter<Entry> {
    let mut copy: Vec<Entry> = bucket
        .entries
        .iter()
        .filter(|e| e.at <= instant)
        .copied()
        .collect();
    copy.sort_unstable_by_key(|e| (e.at, e.id));
    copy.into_iter()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Duration, TimeZone};
    use proptest::prelude::*;
    use std::collections::BTreeSet;

    fn t(minutes: i64) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 2, 9, 0, 0).unwrap() + Duration::minutes(minutes)
    }

    proptest! {
        /// Setting and clearing deadlines in any order, the index lists what the ordered set
        /// of (deadline, id) it replaces lists, for any instant.
        #[test]
        fn the_index_lists_what_an_ordered_set_lists(
            ops in proptest::collection::vec((0u32..40, proptest::option::of(-600i64..6_000)), 0..300),
            probes in proptest::collection::vec(-700i64..7_000, 1..8),
        ) {
            let mut index = DueIndex::default();
            let mut model: BTreeSet<(DateTime<Utc>, ClientId)> = BTreeSet::new();
            let mut current: Vec<Option<DateTime<Utc>>> = vec![None; 40];
            let mut stamps = vec![0u32; 40];
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
                    index.forget(old, |e| stamps[e.handle as usize] == e.stamp);
                }
                if let Some(at) = next {
                    model.insert((at, id));
                    index.insert(Entry { at, id, handle, stamp: stamps[h] });
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
    }
}
