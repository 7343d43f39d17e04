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
        let bucket = self.buckets.entry(bucket_of(entry.at)).or_default();
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
    /// caller filters them by stamp). Buckets whose entries arrived out of order are sorted
    /// in the copy.
    pub(crate) fn up_to(&self, instant: DateTime<Utc>) -> Vec<Entry> {
        let mut out = Vec::new();
        for bucket in self.buckets.range(..=bucket_of(instant)).map(|(_, b)| b) {
            let from = out.len();
            out.extend(bucket.entries.iter().filter(|e| e.at <= instant).copied());
            if bucket.unsorted {
                out[from..].sort_unstable_by_key(|e: &Entry| (e.at, e.id));
            }
        }
        out
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
                    .into_iter()
                    .filter(|e| stamps[e.handle as usize] == e.stamp)
                    .map(|e| (e.at, e.id))
                    .collect();
                let expected: Vec<_> = model.range(..=(now, ClientId(u64::MAX))).copied().collect();
                prop_assert_eq!(listed, expected);
            }
            let first = index.first(|e| stamps[e.handle as usize] == e.stamp).map(|e| (e.at, e.id));
            prop_assert_eq!(first, model.first().copied());
        }
    }
}
