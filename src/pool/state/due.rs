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

/// Whether `entry`, appended after `last`, breaks a bucket's (deadline, id) order; compared
/// field by field: most entries are later.
#[inline]
fn out_of_order(last: &Entry, entry: &Entry) -> bool {
    last.at > entry.at || (last.at == entry.at && last.id > entry.id)
}

#[derive(Clone, Debug, Default)]
struct Bucket {
    /// The bucket's hour (its key in `order`), while it is in use.
    hour: i64,
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
    #[inline]
    fn push(&mut self, entry: Entry) {
        if !self.push_in_room(entry) {
            self.push_chunk(entry);
        }
    }

    /// Appends `entry` to the last chunk if it has room; false (nothing done) if not.
    #[inline]
    fn push_in_room(&mut self, entry: Entry) -> bool {
        let Some(last) = self.chunks.last_mut() else {
            return false;
        };
        if last.len() >= last.capacity() {
            return false;
        }
        self.unsorted |= last.last().is_some_and(|e| out_of_order(e, &entry));
        last.push(entry);
        self.len += 1;
        true
    }

    /// Appends `entry` in a new chunk (out of line: most entries find room in the last one).
    #[inline(never)]
    fn push_chunk(&mut self, entry: Entry) {
        self.unsorted |= self
            .chunks
            .last()
            .and_then(|c| c.last())
            .is_some_and(|e| out_of_order(e, &entry));
        let size = self
            .chunks
            .last()
            .map_or(CHUNK_FIRST, |c| (c.capacity() * 2).min(CHUNK_MAX));
        let mut chunk = Vec::with_capacity(size);
        chunk.push(entry);
        self.chunks.push(chunk);
        self.len += 1;
    }

    /// True when the bucket holds more than twice as many entries as live deadlines, plus
    /// eight: time to compact it.
    #[inline]
    fn overgrown(&self) -> bool {
        self.len > 2 * self.live as usize + 8
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

    /// The entries the buckets count as live, in all (for tests: it must equal the clients
    /// that have a deadline, or a forgotten entry is left counted and never dropped).
    #[cfg(test)]
    pub(crate) fn counted_live(&self) -> usize {
        let in_use = self.order.values();
        in_use.map(|&slot| self.slots[slot].live as usize).sum()
    }

    /// Records a live deadline; returns the slot of its bucket, which stays the bucket's as
    /// long as the deadline is live, for [`DueIndex::forget`]. Inlined where deadlines are set:
    /// the usual case (an hour reached lately, room in its bucket's last chunk) is a few reads
    /// and an append; looking a bucket up or opening one, and adding a chunk, are out of line.
    #[inline(always)]
    pub(crate) fn insert(&mut self, entry: Entry) -> u32 {
        let key = self.bucket_at(entry.at);
        // (No `let` chains: the library builds on Rust 1.85.)
        if let Some((hour, slot)) = self.recent[Self::recent_place(key)] {
            if hour == key {
                if let Some(bucket) = self.slots.get_mut(slot) {
                    if bucket.push_in_room(entry) {
                        bucket.live = bucket.live.saturating_add(1);
                        return u32::try_from(slot).unwrap_or(u32::MAX);
                    }
                }
            }
        }
        self.insert_elsewhere(key, entry)
    }

    /// [`DueIndex::insert`] into a bucket not reached lately, or whose last chunk is full.
    #[inline(never)]
    fn insert_elsewhere(&mut self, key: i64, entry: Entry) -> u32 {
        let slot = match self.recent[Self::recent_place(key)] {
            Some((hour, slot)) if hour == key => slot,
            _ => self.enter(key),
        };
        let bucket = &mut self.slots[slot];
        bucket.live = bucket.live.saturating_add(1);
        bucket.push(entry);
        u32::try_from(slot).unwrap_or(u32::MAX)
    }

    /// The slot of the bucket of hour `key`, looked up or opened, and remembered in `recent`.
    #[inline(never)]
    fn enter(&mut self, key: i64) -> usize {
        if let Some(slot) = self.find(key) {
            return slot;
        }
        let slot = self.free.pop().unwrap_or_else(|| {
            self.slots.push(Bucket::default());
            self.slots.len() - 1
        });
        self.slots[slot].hour = key;
        self.order.insert(key, slot);
        self.recent[Self::recent_place(key)] = Some((key, slot));
        slot
    }

    /// Forgets a live deadline, entered into the bucket at `slot` (what [`DueIndex::insert`]
    /// returned): its entry is stale from now on (the caller has changed the client's stamp).
    /// The bucket is reached through its slot, without working out the deadline's hour. `live`
    /// says whether an entry is still live, for compaction. A slot holding no live deadline
    /// is ignored.
    ///
    /// Inlined where deadlines move: the usual case is a count taken down; dropping an
    /// emptied bucket and compacting one are out of line ([`DueIndex::tidy`]).
    #[inline]
    pub(crate) fn forget(&mut self, slot: u32, live: impl Fn(&Entry) -> bool) {
        let Some(bucket) = self.slots.get_mut(slot as usize).filter(|b| b.live > 0) else {
            return;
        };
        bucket.live -= 1;
        if bucket.live == 0 || bucket.overgrown() {
            self.tidy(slot as usize, live);
        }
    }

    /// Drops the bucket at `slot` if it holds no live deadline, or compacts it if it holds
    /// more than twice as many entries as live deadlines, plus eight.
    #[inline(never)]
    fn tidy(&mut self, slot: usize, live: impl Fn(&Entry) -> bool) {
        let Some(bucket) = self.slots.get_mut(slot) else {
            return;
        };
        if bucket.live == 0 {
            bucket.chunks.clear();
            bucket.len = 0;
            bucket.unsorted = false;
            let key = bucket.hour;
            self.order.remove(&key);
            self.free.push(slot);
            let place = Self::recent_place(key);
            if self.recent[place].is_some_and(|(hour, _)| hour == key) {
                self.recent[place] = None;
            }
        } else if bucket.overgrown() {
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
mod tests;
