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
//!
//! A bucket keeps its entries in chunks that double in size up to [`CHUNK_MAX`] entries: an
//! entry once pushed is never moved by a growing bucket (a vector's reallocation would copy the
//! whole bucket each time it doubles).

use super::table::Handle;
use crate::ids::ClientId;
use chrono::{DateTime, NaiveDate, NaiveDateTime, Timelike, Utc};
use std::collections::BTreeMap;

/// Hours per day: buckets are hours.
const HOURS_PER_DAY: i64 = 24;

/// Seconds per bucket.
const BUCKET_SECONDS: u32 = 3_600;

/// Places for the buckets reached lately: a day's hours and some more.
const RECENT: usize = 32;

/// Entries in a bucket's first chunk.
const CHUNK_FIRST: usize = 8;

/// Entries in a bucket's largest chunks (few in tests, so that the property test fills some).
#[cfg(not(test))]
const CHUNK_MAX: usize = 1_024;
#[cfg(test)]
const CHUNK_MAX: usize = 32;

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
    /// In insertion order, chunk after chunk, none empty; sorted by (deadline, id) unless
    /// `unsorted`.
    chunks: Vec<Vec<Entry>>,
    /// Entries in all chunks.
    len: usize,
    live: u32,
    /// True once an entry arrived out of order: readers sort a copy.
    unsorted: bool,
}

impl Bucket {
    /// Appends `entry` to the last chunk, or to a new one twice its size when it is full.
    fn push(&mut self, entry: Entry) {
        if let Some(last) = self.chunks.last_mut() {
            // (deadline, id) order, compared field by field: most entries are later.
            self.unsorted |= last
                .last()
                .is_some_and(|e| e.at > entry.at || (e.at == entry.at && e.id > entry.id));
            if last.len() < last.capacity() {
                last.push(entry);
                self.len += 1;
                return;
            }
        }
        let size = self
            .chunks
            .last()
            .map_or(CHUNK_FIRST, |c| (c.capacity() * 2).min(CHUNK_MAX));
        let mut chunk = Vec::with_capacity(size);
        chunk.push(entry);
        self.chunks.push(chunk);
        self.len += 1;
    }

    /// Keeps the entries `live` accepts, in order.
    fn compact(&mut self, live: impl Fn(&Entry) -> bool) {
        for chunk in &mut self.chunks {
            chunk.retain(|e| live(e));
        }
        self.chunks.retain(|c| !c.is_empty());
        self.len = self.chunks.iter().map(Vec::len).sum();
    }

    fn entries(&self) -> impl Iterator<Item = &Entry> + '_ {
        self.chunks.iter().flatten()
    }
}

/// Deadlines in hour buckets; see the module docs.
///
/// The buckets live in `slots`, found by hour through `order`; the slots of the hours reached
/// lately are remembered in `recent`, one place per hour modulo [`RECENT`], so that deadlines
/// set or cleared in the hours of a working day find their buckets without a search. A
/// dropped bucket's slot is reused, with its chunk list's capacity.
#[derive(Clone, Debug, Default)]
pub(crate) struct DueIndex {
    /// Hour to slot, in hour order.
    order: BTreeMap<i64, usize>,
    slots: Vec<Bucket>,
    /// Slots of dropped buckets, empty.
    free: Vec<usize>,
    /// (hour, slot) of an hour reached lately, at the hour modulo [`RECENT`]; only hours in
    /// `order`.
    recent: [Option<(i64, usize)>; RECENT],
    /// The date of the last deadline entered or forgotten and its day number from the epoch
    /// (most deadlines fall on the date of the one before: its number is not computed again).
    known: (NaiveDate, i64),
}

/// The day number of `date` from the Unix epoch.
fn epoch_day(date: NaiveDate) -> i64 {
    use chrono::Datelike;
    /// 1970-01-01's day number from the common era.
    const EPOCH_FROM_CE: i64 = 719_163;
    i64::from(date.num_days_from_ce()) - EPOCH_FROM_CE
}

/// The hour bucket of `at` (the hours from the epoch to it, rounded down), given `day`, the
/// day number of its date from the epoch.
fn hour_of(day: i64, at: NaiveDateTime) -> i64 {
    day * HOURS_PER_DAY + i64::from(at.time().num_seconds_from_midnight() / BUCKET_SECONDS)
}

fn bucket_of(at: DateTime<Utc>) -> i64 {
    let at = at.naive_utc();
    hour_of(epoch_day(at.date()), at)
}

impl DueIndex {
    /// The hour bucket of `at`, reusing the last date's day number.
    fn bucket_at(&mut self, at: DateTime<Utc>) -> i64 {
        // The naive UTC fields as stored: `DateTime::date_naive` would add the zero offset.
        let at = at.naive_utc();
        let date = at.date();
        if date != self.known.0 {
            self.known = (date, epoch_day(date));
        }
        hour_of(self.known.1, at)
    }

    /// The place of hour `key` in `recent`.
    fn recent_place(key: i64) -> usize {
        key.rem_euclid(RECENT as i64) as usize
    }

    /// The slot of the bucket of hour `key`, if there is one (remembered in `recent`).
    fn find(&mut self, key: i64) -> Option<usize> {
        let place = Self::recent_place(key);
        // (No `let` chains: the library builds on Rust 1.85.)
        if let Some((hour, slot)) = self.recent[place] {
            if hour == key {
                return Some(slot);
            }
        }
        let slot = *self.order.get(&key)?;
        self.recent[place] = Some((key, slot));
        Some(slot)
    }

    /// Records a live deadline.
    pub(crate) fn insert(&mut self, entry: Entry) {
        let key = self.bucket_at(entry.at);
        let slot = match self.find(key) {
            Some(slot) => slot,
            None => {
                let slot = self.free.pop().unwrap_or_else(|| {
                    self.slots.push(Bucket::default());
                    self.slots.len() - 1
                });
                self.order.insert(key, slot);
                self.recent[Self::recent_place(key)] = Some((key, slot));
                slot
            }
        };
        let bucket = &mut self.slots[slot];
        bucket.live = bucket.live.saturating_add(1);
        bucket.push(entry);
    }

    /// Forgets the live deadline at `at` (its entry is stale from now on: the caller has
    /// changed the client's stamp). `live` says whether an entry is still live, for compaction.
    pub(crate) fn forget(&mut self, at: DateTime<Utc>, live: impl Fn(&Entry) -> bool) {
        let key = self.bucket_at(at);
        let Some(slot) = self.find(key) else {
            return;
        };
        let bucket = &mut self.slots[slot];
        bucket.live = bucket.live.saturating_sub(1);
        if bucket.live == 0 {
            bucket.chunks.clear();
            bucket.len = 0;
            bucket.unsorted = false;
            self.order.remove(&key);
            self.free.push(slot);
            // `find` just remembered it.
            self.recent[Self::recent_place(key)] = None;
        } else if bucket.len > 2 * bucket.live as usize + 8 {
            bucket.compact(live);
        }
    }

    /// Entries at or before `instant`, in (deadline, id) order, stale ones included (the
    /// caller filters them by stamp). Read in place, bucket by bucket, without copying or
    /// allocating, except that a bucket whose entries arrived out of order is sorted in a copy.
    /// Its size hint's upper bound counts the entries it can still yield, so a caller can
    /// reserve once.
    pub(crate) fn up_to(&self, instant: DateTime<Utc>) -> UpTo<'_> {
        let last = bucket_of(instant);
        UpTo {
            buckets: self.order.range(..=last),
            slots: &self.slots,
            instant,
            last,
            chunks: [].iter(),
            cut: false,
            current: [].iter(),
            sorted: Vec::new().into_iter(),
        }
    }

    /// The earliest entry `live` accepts.
    pub(crate) fn first(&self, live: impl Fn(&Entry) -> bool) -> Option<Entry> {
        self.order
            .values()
            .map(|&slot| &self.slots[slot])
            .find_map(|b| {
                b.entries()
                    .filter(|e| live(e))
                    .min_by_key(|e| (e.at, e.id))
                    .copied()
            })
    }
}

/// The entries [`DueIndex::up_to`] lists, read bucket by bucket.
#[derive(Clone)]
pub(crate) struct UpTo<'a> {
    buckets: std::collections::btree_map::Range<'a, i64, usize>,
    slots: &'a [Bucket],
    instant: DateTime<Utc>,
    /// The instant's bucket.
    last: i64,
    /// The chunks left of the current bucket, when it is in order.
    chunks: std::slice::Iter<'a, Vec<Entry>>,
    /// Whether the current bucket is the instant's own, whose chunks are cut at the instant.
    cut: bool,
    /// The rest of the current chunk (up to the instant).
    current: std::slice::Iter<'a, Entry>,
    /// The rest of the current bucket's sorted copy, when it is not in order.
    sorted: std::vec::IntoIter<Entry>,
}

impl<'a> UpTo<'a> {
    /// The entries of `chunk` of an in-order bucket at or before the instant: all of them,
    /// except in the instant's own bucket, which is cut where the instant falls.
    fn in_order(&self, chunk: &'a [Entry], cut: bool) -> &'a [Entry] {
        if !cut {
            return chunk;
        }
        let instant = self.instant;
        &chunk[..chunk.partition_point(|e| e.at <= instant)]
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
            if let Some(chunk) = self.chunks.next() {
                let part = self.in_order(chunk, self.cut);
                if part.len() < chunk.len() {
                    // The rest of the bucket is after the instant.
                    self.chunks = [].iter();
                }
                self.current = part.iter();
                continue;
            }
            let (&key, &slot) = self.buckets.next()?;
            let slots = self.slots;
            let bucket = &slots[slot];
            if bucket.unsorted {
                self.sorted = sorted_copy(bucket, self.instant);
            } else {
                self.chunks = bucket.chunks.iter();
                self.cut = key >= self.last;
            }
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let chunks: usize = self
            .chunks
            .clone()
            .map(|c| self.in_order(c, self.cut).len())
            .sum();
        let rest: usize = self
            .buckets
            .clone()
            .map(|(&key, &slot)| {
                let bucket = &self.slots[slot];
                if bucket.unsorted {
                    bucket.len
                } else {
                    let cut = key >= self.last;
                    bucket
                        .chunks
                        .iter()
                        .map(|c| self.in_order(c, cut).len())
                        .sum()
                }
            })
            .sum();
        (
            0,
            Some(self.current.len() + self.sorted.len() + chunks + rest),
        )
    }
}

/// The entries of a bucket that received some out of order, at or before `instant`, sorted
/// (a copy: reading never changes the state). Kept out of line: most buckets are in order.
#[inline(never)]
fn sorted_copy(bucket: &Bucket, instant: DateTime<Utc>) -> std::vec::IntoIter<Entry> {
    let mut copy: Vec<Entry> = bucket
        .entries()
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
        for k in 0..N {
            index.insert(entry(k, 0));
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
            index.forget(at(k), |e| alive[e.handle as usize]);
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

    #[test]
    fn the_default_known_date_is_the_epoch() {
        let index = DueIndex::default();
        assert_eq!(epoch_day(index.known.0), index.known.1);
        assert_eq!(index.known.1, 0);
    }
}
