//! The book's reps: each rep's days, found by the rep's id.

use super::day::DayMetrics;
use crate::ids::RepId;
use chrono::NaiveDate;
use std::collections::BTreeMap;

/// One rep's metrics by day.
pub(super) type ByDay = BTreeMap<NaiveDate, DayMetrics>;

/// Ids below this are always kept at their place in the id-indexed vector.
const MIN_DENSE: usize = 64;

/// Each rep's days, by rep id. A team numbers its reps densely from 1, so a rep's days are
/// kept at its id's place in a vector (a record is an index, not a search among every rep);
/// an id far beyond the reps kept is kept in an ordered map instead. The vector grows to cover
/// an id below four places per rep kept (or [`MIN_DENSE`]), and the map's reps it then covers
/// move into it, so the map only ever holds ids past the vector's end: listing the vector's
/// reps, then the map's, lists every rep in id order.
///
/// A rep kept with no days (read so from a file) stays kept, as it did in the nested maps this
/// replaces.
#[derive(Clone, Debug, Default)]
pub(super) struct RepDays {
    /// Rep `i`'s days at place `i`, for the ids the vector covers.
    dense: Vec<Option<ByDay>>,
    /// The reps past the vector's end.
    sparse: BTreeMap<RepId, ByDay>,
    /// How many reps are kept (in the vector and the map).
    len: usize,
}

impl RepDays {
    /// The days of `rep`, if it is kept.
    #[inline]
    pub(super) fn get(&self, rep: RepId) -> Option<&ByDay> {
        match usize::try_from(rep.0) {
            Ok(i) if i < self.dense.len() => self.dense[i].as_ref(),
            _ => self.sparse.get(&rep),
        }
    }

    /// The days of `rep`, kept from now on (with none) if it was not.
    #[inline]
    pub(super) fn entry(&mut self, rep: RepId) -> &mut ByDay {
        let i = match usize::try_from(rep.0) {
            Ok(i) if i < self.dense.len() => i,
            _ => return self.entry_beyond(rep),
        };
        let slot = &mut self.dense[i];
        if slot.is_none() {
            self.len += 1;
        }
        slot.get_or_insert_with(BTreeMap::new)
    }

    /// [`RepDays::entry`] of an id past the vector's end: the vector grows to cover it, or the
    /// map keeps it.
    #[inline(never)]
    fn entry_beyond(&mut self, rep: RepId) -> &mut ByDay {
        let reach = self.len.saturating_add(1).saturating_mul(4).max(MIN_DENSE);
        match usize::try_from(rep.0) {
            Ok(i) if i < reach => {
                // Powers of two: the vector is resized once per doubling, not once per rep.
                // (`i` is below `reach`, so `i + 1` does not overflow.)
                let len = (i + 1)
                    .checked_next_power_of_two()
                    .unwrap_or(i + 1)
                    .max(MIN_DENSE);
                self.dense.resize(len, None);
                // The map's reps the vector now covers move into it.
                let beyond = self.sparse.split_off(&RepId(len as u64));
                for (covered, days) in std::mem::replace(&mut self.sparse, beyond) {
                    self.dense[covered.0 as usize] = Some(days);
                }
                let slot = &mut self.dense[i];
                if slot.is_none() {
                    self.len += 1;
                }
                slot.get_or_insert_with(BTreeMap::new)
            }
            _ => {
                if !self.sparse.contains_key(&rep) {
                    self.len += 1;
                }
                self.sparse.entry(rep).or_default()
            }
        }
    }

    /// How many reps are kept.
    pub(super) fn len(&self) -> usize {
        self.len
    }

    /// Every rep kept and its days, in id order.
    pub(super) fn iter(&self) -> impl Iterator<Item = (RepId, &ByDay)> + '_ {
        self.dense
            .iter()
            .enumerate()
            .filter_map(|(i, days)| days.as_ref().map(|days| (RepId(i as u64), days)))
            .chain(self.sparse.iter().map(|(rep, days)| (*rep, days)))
    }
}
