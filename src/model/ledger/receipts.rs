//! [`Receipts`]: a rep's receipts per team day for the last [`DAYS`] days, as fixed counters.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::collections::BTreeMap;
use std::fmt;
use std::ops::Range;

/// How many team days are kept (today included).
pub(super) const DAYS: usize = super::RepLedger::RECEIPT_DAYS as usize;

/// Receipts per team day, with the meaning of the ordered map of dates they replaced (and
/// serialised as that map): taking a client on `day` counts one on `day` and forgets every day
/// more than `DAYS - 1` days before `day`.
///
/// Kept as a ring of `DAYS` counters, the newest day's at `head`, while the receipts fit one
/// (all counts non-zero, within `DAYS` days of the newest): taking on the newest day, as the
/// clock mostly does, is a date comparison and an increment; on a later day, a few cleared
/// counters; never an allocation. Receipts that do not fit (a day taken out of order more than
/// the window back, or a map read so) are kept in the map itself until they fit again.
#[derive(Clone)]
pub(super) enum Receipts {
    /// `counts[(head + DAYS - k) % DAYS]` is the count of the day `k` days before `newest`,
    /// for `k` in `0..DAYS`; zero means no entry. Empty (all zero) when `counts[head]` is zero.
    Ring {
        newest: NaiveDate,
        head: usize,
        counts: [u32; DAYS],
    },
    /// The map as it was kept before the ring.
    Map(BTreeMap<NaiveDate, u32>),
}

impl Default for Receipts {
    fn default() -> Self {
        Self::Ring {
            newest: NaiveDate::default(),
            head: 0,
            counts: [0; DAYS],
        }
    }
}

/// The day numbered `n` (days from the common era), if chrono has one.
fn date(n: i64) -> Option<NaiveDate> {
    NaiveDate::from_num_days_from_ce_opt(i32::try_from(n).ok()?)
}

/// Days from `older` to `day` (negative when `older` is later), as day numbers, so that dates
/// at chrono's ends cannot overflow.
fn days_between(older: NaiveDate, day: NaiveDate) -> i64 {
    i64::from(day.num_days_from_ce()) - i64::from(older.num_days_from_ce())
}

/// The ring slot of the day `back` days before the one at `head` (`back` below `DAYS`).
fn slot(head: usize, back: i64) -> usize {
    (head + DAYS - back.clamp(0, DAYS as i64 - 1) as usize) % DAYS
}

impl Receipts {
    /// True when nothing is counted.
    pub(super) fn is_empty(&self) -> bool {
        match self {
            Self::Ring { head, counts, .. } => counts[*head] == 0,
            Self::Map(map) => map.is_empty(),
        }
    }

    /// The counts in date order, as the map holds them.
    pub(super) fn entries(&self) -> impl Iterator<Item = (NaiveDate, u32)> + '_ {
        let (ring, map) = match self {
            Self::Ring {
                newest,
                head,
                counts,
            } => {
                let newest = i64::from(newest.num_days_from_ce());
                let back = if self.is_empty() {
                    0..0
                } else {
                    0..DAYS as i64
                };
                let ring = back.rev().filter_map(move |k| {
                    let count = counts[slot(*head, k)];
                    (count > 0).then_some(())?;
                    Some((date(newest - k)?, count))
                });
                (Some(ring), None)
            }
            Self::Map(map) => (None, Some(map.iter().map(|(d, n)| (*d, *n)))),
        };
        ring.into_iter().flatten().chain(map.into_iter().flatten())
    }

    /// Counts one client taken on `day`, then forgets the days before the window.
    #[inline]
    pub(super) fn take(&mut self, day: NaiveDate) {
        // Most receipts fall on the newest day counted: an increment.
        if let Self::Ring {
            newest,
            head,
            counts,
        } = self
        {
            let count = &mut counts[*head];
            if *newest == day && *count > 0 {
                *count = count.saturating_add(1);
                return;
            }
        }
        self.take_elsewhere(day);
    }

    /// [`Receipts::take`] on another day than the newest, or into the map.
    #[inline(never)]
    fn take_elsewhere(&mut self, day: NaiveDate) {
        match self {
            Self::Ring {
                newest,
                head,
                counts,
            } => {
                if counts[*head] == 0 {
                    // Empty: all counters are zero.
                    *newest = day;
                } else if day > *newest {
                    let ahead = days_between(*newest, day);
                    if ahead >= DAYS as i64 {
                        *counts = [0; DAYS];
                    } else {
                        // The slots of the new days held the days that leave the window.
                        for _ in 0..ahead {
                            *head = (*head + 1) % DAYS;
                            counts[*head] = 0;
                        }
                    }
                    *newest = day;
                } else if day < *newest {
                    let back = days_between(day, *newest);
                    if back >= DAYS as i64 {
                        // Older than the window: the map keeps what the ring cannot.
                        *self = Self::Map(self.entries().collect());
                        return self.take_elsewhere(day);
                    }
                    let count = &mut counts[slot(*head, back)];
                    *count = count.saturating_add(1);
                    return;
                }
                let count = &mut counts[*head];
                *count = count.saturating_add(1);
            }
            Self::Map(map) => {
                let count = map.entry(day).or_insert(0);
                *count = count.saturating_add(1);
                while map
                    .first_key_value()
                    .is_some_and(|(d, _)| days_between(*d, day) >= DAYS as i64)
                {
                    map.pop_first();
                }
                self.fit();
            }
        }
    }

    /// Moves the map's counts into the ring if they fit one.
    fn fit(&mut self) {
        let Self::Map(map) = self else {
            return;
        };
        let (Some((first, _)), Some((last, _))) = (map.first_key_value(), map.last_key_value())
        else {
            *self = Self::default();
            return;
        };
        let newest = *last;
        if days_between(*first, newest) >= DAYS as i64 || map.values().any(|n| *n == 0) {
            return;
        }
        let mut counts = [0; DAYS];
        for (d, n) in map.iter() {
            counts[slot(0, days_between(*d, newest))] = *n;
        }
        *self = Self::Ring {
            newest,
            head: 0,
            counts,
        };
    }

    /// Clients received on the team days `days`.
    pub(super) fn received_in(&self, days: Range<NaiveDate>) -> u32 {
        if days.start >= days.end {
            return 0;
        }
        match self {
            Self::Ring {
                newest,
                head,
                counts,
            } => {
                if self.is_empty() {
                    return 0;
                }
                // Days back from the newest: from the end's (exclusive) to the start's.
                let nearest = days_between(days.end, *newest) + 1;
                let farthest = days_between(days.start, *newest);
                (nearest.max(0)..=farthest.min(DAYS as i64 - 1))
                    .fold(0u32, |sum, k| sum.saturating_add(counts[slot(*head, k)]))
            }
            Self::Map(map) => map
                .range(days)
                .fold(0u32, |sum, (_, n)| sum.saturating_add(*n)),
        }
    }
}

impl PartialEq for Receipts {
    fn eq(&self, other: &Self) -> bool {
        self.entries().eq(other.entries())
    }
}

impl Eq for Receipts {}

impl fmt::Debug for Receipts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.entries()).finish()
    }
}

impl Serialize for Receipts {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.entries())
    }
}

impl<'de> Deserialize<'de> for Receipts {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let mut receipts = Self::Map(BTreeMap::deserialize(deserializer)?);
        receipts.fit();
        Ok(receipts)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The map the ring replaced: count on `day`, then forget the days more than `DAYS - 1`
    /// days before it.
    fn reference_take(map: &mut BTreeMap<NaiveDate, u32>, day: NaiveDate) {
        let count = map.entry(day).or_insert(0);
        *count = count.saturating_add(1);
        map.retain(|d, _| days_between(*d, day) < DAYS as i64);
    }

    proptest! {
        /// From any stored map (zero counts, spread days, chrono's ends), taking days in any
        /// order, the receipts list, sum, compare and serialise as the plain map does.
        #[test]
        fn receipts_answer_like_the_plain_map(
            base in 0u8..3,
            stored in proptest::collection::vec((0u64..120, 0u32..3), 0..6),
            days in proptest::collection::vec(0u64..120, 0..60),
            probes in proptest::collection::vec((0u64..130, 0u64..130), 1..6),
        ) {
            let base = match base {
                0 => NaiveDate::MIN,
                1 => NaiveDate::MAX - chrono::Days::new(130),
                _ => NaiveDate::from_ymd_opt(2026, 11, 1).unwrap(),
            };
            let at = |n: u64| base + chrono::Days::new(n);
            let mut model: BTreeMap<NaiveDate, u32> =
                stored.into_iter().map(|(d, n)| (at(d), n)).collect();
            let mut receipts: Receipts =
                serde_json::from_value(serde_json::to_value(&model).unwrap()).unwrap();
            for d in days.into_iter().map(Some).chain([None]) {
                if let Some(d) = d {
                    receipts.take(at(d));
                    reference_take(&mut model, at(d));
                }
                let listed: BTreeMap<NaiveDate, u32> = receipts.entries().collect();
                prop_assert_eq!(&listed, &model);
                prop_assert_eq!(receipts.is_empty(), model.is_empty());
                for &(from, to) in &probes {
                    let expected = if from < to {
                        model.range(at(from)..at(to)).fold(0u32, |s, (_, n)| s.saturating_add(*n))
                    } else {
                        0
                    };
                    prop_assert_eq!(receipts.received_in(at(from)..at(to)), expected);
                }
                let json = serde_json::to_value(&receipts).unwrap();
                prop_assert_eq!(&json, &serde_json::to_value(&model).unwrap());
                let back: Receipts = serde_json::from_value(json).unwrap();
                prop_assert_eq!(&back, &receipts);
                prop_assert_eq!(format!("{back:?}"), format!("{model:?}"));
            }
        }
    }

    /// Receipts are equal when they count the same days, whichever form holds them; a count
    /// or a day apart makes them differ.
    #[test]
    fn receipts_are_equal_when_they_count_the_same_days() {
        let day = NaiveDate::from_ymd_opt(2026, 11, 1).unwrap();
        let mut ring = Receipts::default();
        ring.take(day);
        let map = Receipts::Map(BTreeMap::from([(day, 1)]));
        assert!(matches!(ring, Receipts::Ring { .. }));
        assert_eq!(ring, map);
        let mut more = ring.clone();
        more.take(day);
        assert_ne!(ring, more);
        let mut later = Receipts::default();
        later.take(day + chrono::Days::new(1));
        assert_ne!(ring, later);
        assert_ne!(ring, Receipts::default());
    }

    /// Receipts pushed into the map by a day older than the window go back to the ring once
    /// the window has passed that day (the ring is the cheap form).
    #[test]
    fn receipts_return_to_the_ring_once_they_fit_again() {
        let day = NaiveDate::from_ymd_opt(2026, 11, 1).unwrap();
        let mut receipts = Receipts::default();
        receipts.take(day);
        receipts.take(day - chrono::Days::new(40));
        assert!(matches!(receipts, Receipts::Map(_)));
        // The next day's receipt moves the window past the old day, which is forgotten.
        receipts.take(day + chrono::Days::new(1));
        assert!(matches!(receipts, Receipts::Ring { .. }), "{receipts:?}");
        assert_eq!(receipts.received_in(NaiveDate::MIN..NaiveDate::MAX), 2);
    }

    #[test]
    fn counts_saturate_in_the_ring_and_in_the_map() {
        let day = NaiveDate::from_ymd_opt(2026, 11, 1).unwrap();
        let stored = BTreeMap::from([(day, u32::MAX)]);
        let mut receipts: Receipts =
            serde_json::from_value(serde_json::to_value(&stored).unwrap()).unwrap();
        receipts.take(day);
        assert_eq!(receipts.received_in(day..day.succ_opt().unwrap()), u32::MAX);
        receipts.take(day - chrono::Days::new(40));
        assert!(matches!(receipts, Receipts::Map(_)));
        receipts.take(day);
        assert_eq!(
            receipts.received_in(NaiveDate::MIN..NaiveDate::MAX),
            u32::MAX
        );
    }
}
