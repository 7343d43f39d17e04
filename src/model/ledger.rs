//! [`RepLedger`]: the counters a rep's limits are checked against, of bounded size.

mod receipts;

use super::Region;
use crate::ids::RepId;
use chrono::{DateTime, NaiveDate, Utc};
use receipts::Receipts;
use serde::{Deserialize, Serialize};
use std::ops::Range;

/// A rep's counters that limits are checked against. Stores keep it beside the clients (one
/// versioned row per rep) so that two concurrent commands for one rep cannot both pass a
/// limit: both write the ledger with the version they read, and the second is refused.
///
/// Its size is bounded: counts per team day for the last [`RepLedger::RECEIPT_DAYS`] days, one
/// claim counter, and a count per region held; nothing grows with time. Only the pool's events
/// change it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RepLedger {
    rep: RepId,
    #[serde(default)]
    holding: u32,
    #[serde(default)]
    holding_won: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    claims: Option<(NaiveDate, u32)>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    last_assigned_at: Option<DateTime<Utc>>,
    /// Count per region held, sorted by region, no zero counts; serialised as a map.
    #[serde(default, skip_serializing_if = "Vec::is_empty", with = "region_counts")]
    held_regions: Vec<(Region, u32)>,
    /// Receipts per team day; serialised as a map of dates.
    #[serde(default, skip_serializing_if = "Receipts::is_empty")]
    received: Receipts,
}

/// Held regions up to which a ledger's counts are scanned (longer lists are searched by
/// halves).
const SCANNED_REGIONS: usize = 16;

impl RepLedger {
    /// How many team days of receipts a ledger keeps (today included): enough for daily,
    /// weekly and 30-day intake quotas.
    pub const RECEIPT_DAYS: u32 = 31;

    /// An empty ledger for `rep`.
    pub fn new(rep: RepId) -> Self {
        Self {
            rep,
            ..Self::default()
        }
    }

    /// The rep.
    pub fn rep(&self) -> RepId {
        self.rep
    }

    /// Clients the rep owns now.
    pub fn holding(&self) -> u32 {
        self.holding
    }

    /// Of those, clients with a deal in force.
    pub fn holding_won(&self) -> u32 {
        self.holding_won
    }

    /// Open clients: held and without a deal.
    pub fn open(&self) -> u32 {
        self.holding.saturating_sub(self.holding_won)
    }

    /// Successful claims on the team day `day`.
    pub fn claims_on(&self, day: NaiveDate) -> u32 {
        match self.claims {
            Some((d, n)) if d == day => n,
            _ => 0,
        }
    }

    /// When the rep last received a client by any route (tie-breaks use it).
    pub fn last_assigned_at(&self) -> Option<DateTime<Utc>> {
        self.last_assigned_at
    }

    /// Clients held inside `region` (regions under it sort right after it).
    pub fn held_in_region(&self, region: &Region) -> u32 {
        let from = self.held_regions.partition_point(|(r, _)| r < region);
        self.held_regions[from..]
            .iter()
            .take_while(|(r, _)| region.covers(r))
            .fold(0u32, |sum, (_, n)| sum.saturating_add(*n))
    }

    /// Clients received (by any route) on the team days `days`; exact for the last
    /// [`RepLedger::RECEIPT_DAYS`] days.
    pub fn received_in(&self, days: Range<NaiveDate>) -> u32 {
        self.received.received_in(days)
    }

    /// Sets the holding counts, for the conformance suite's fixtures only.
    #[cfg(any(test, feature = "conformance"))]
    pub(crate) fn fixture_set_holding(&mut self, holding: u32, won: u32) {
        self.holding = holding;
        self.holding_won = won;
    }

    /// The rep takes a client of `region` on team day `day` at `at`; `claims` is the rep's
    /// claim count on that day after this one, for a claim. Inlined where an owner change is
    /// applied (its one caller there), with the event's fields in registers.
    #[inline(always)]
    pub(crate) fn take(
        &mut self,
        region: &Region,
        won: bool,
        at: DateTime<Utc>,
        day: NaiveDate,
        claims: Option<u32>,
    ) {
        self.holding = self.holding.saturating_add(1);
        if won {
            self.holding_won = self.holding_won.saturating_add(1);
        }
        self.count_region(region, true);
        self.last_assigned_at = Some(at);
        if let Some(n) = claims {
            self.claims = Some((day, n));
        }
        self.received.take(day);
    }

    /// A client of `region` leaves the rep's private pool (released, transferred away).
    pub(crate) fn leave(&mut self, region: &Region, won: bool) {
        self.holding = self.holding.saturating_sub(1);
        if won {
            self.holding_won = self.holding_won.saturating_sub(1);
        }
        self.count_region(region, false);
    }

    /// A deal was marked on one of the rep's clients.
    pub(crate) fn won(&mut self) {
        self.holding_won = self.holding_won.saturating_add(1).min(self.holding);
    }

    /// Counts a client of `region` in (`held`) or out. The usual case, a region the rep holds
    /// already and more than one client of, among few regions, is a scan of their
    /// fingerprints and an increment or decrement, here where the ledger is changed; a region
    /// to add or remove, and a long list, go through [`RepLedger::adjust_region`].
    #[inline]
    fn count_region(&mut self, region: &Region, held: bool) {
        if self.held_regions.len() <= SCANNED_REGIONS {
            if let Some((_, n)) = self.held_regions.iter_mut().find(|(r, _)| r == region) {
                if held {
                    *n = n.saturating_add(1);
                    return;
                }
                if *n > 1 {
                    *n -= 1;
                    return;
                }
            }
        }
        self.adjust_region(region, held);
    }

    /// Where `region` is in the sorted counts (`Err`: where it would go). A rep usually holds
    /// a few regions: those are scanned comparing fingerprints, which tells two regions apart
    /// without reading their text, where an ordered search compares the shared country and
    /// province again at every step. Longer lists are searched by halves.
    fn find_region(&self, region: &Region) -> Result<usize, usize> {
        if self.held_regions.len() <= SCANNED_REGIONS {
            if let Some(i) = self.held_regions.iter().position(|(r, _)| r == region) {
                return Ok(i);
            }
            return Err(self.held_regions.partition_point(|(r, _)| r < region));
        }
        self.held_regions.binary_search_by(|(r, _)| r.cmp(region))
    }

    /// Counts a client of `region` in (`held`) or out, in general. A sorted vector, searched
    /// by halves: fewer region comparisons than a B-tree's scan of its nodes, and a rep holds
    /// few regions, so an insertion moves little. Out of line: most changes are
    /// [`RepLedger::count_region`]'s usual case.
    #[inline(never)]
    fn adjust_region(&mut self, region: &Region, held: bool) {
        let found = self.find_region(region);
        match (found, held) {
            (Ok(i), true) => {
                let n = &mut self.held_regions[i].1;
                *n = n.saturating_add(1);
            }
            (Err(i), true) => {
                // Room for the regions a rep usually holds, at once (not 1, 4, 8, 16).
                if self.held_regions.capacity() == 0 {
                    self.held_regions.reserve_exact(SCANNED_REGIONS);
                }
                self.held_regions.insert(i, (region.clone(), 1));
            }
            (Ok(i), false) => {
                let n = &mut self.held_regions[i].1;
                *n = n.saturating_sub(1);
                if *n == 0 {
                    self.held_regions.remove(i);
                }
            }
            (Err(_), false) => {}
        }
    }
}

/// The region counts' serialised form: a map from region to count, as before they were kept
/// in a vector (a map naming a region twice keeps its last count).
mod region_counts {
    use super::Region;
    use serde::{Deserialize, Deserializer, Serializer};
    use std::collections::BTreeMap;

    pub(super) fn serialize<S: Serializer>(
        counts: &[(Region, u32)],
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        serializer.collect_map(counts.iter().map(|(r, n)| (r, n)))
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Vec<(Region, u32)>, D::Error> {
        let map = BTreeMap::<Region, u32>::deserialize(deserializer)?;
        Ok(map.into_iter().collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use std::collections::BTreeMap;

    fn day(n: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 1).unwrap() + chrono::Days::new(u64::from(n))
    }

    #[test]
    fn receipts_older_than_the_window_are_forgotten_so_the_row_stays_small() {
        let mut ledger = RepLedger::new(RepId(1));
        let at = Utc.with_ymd_and_hms(2026, 11, 1, 9, 0, 0).unwrap();
        for n in 0..100 {
            ledger.take(&Region::world(), false, at, day(n), None);
        }
        assert_eq!(
            ledger.received.entries().count(),
            RepLedger::RECEIPT_DAYS as usize
        );
        assert_eq!(ledger.received_in(day(99)..day(100)), 1);
        assert_eq!(ledger.received_in(day(70)..day(100)), 30);
        assert_eq!(ledger.received_in(day(0)..day(60)), 0, "forgotten");
        assert_eq!(ledger.holding(), 100);
    }

    /// The receipt window as it was kept before the fast path: an entry per take, then every
    /// day before `day - (RECEIPT_DAYS - 1)` forgotten.
    fn reference_take(received: &mut BTreeMap<NaiveDate, u32>, day: NaiveDate) {
        let slot = received.entry(day).or_insert(0);
        *slot = slot.saturating_add(1);
        let horizon = day
            .checked_sub_days(chrono::Days::new(u64::from(RepLedger::RECEIPT_DAYS - 1)))
            .unwrap_or(NaiveDate::MIN);
        while received
            .first_key_value()
            .is_some_and(|(d, _)| *d < horizon)
        {
            received.pop_first();
        }
    }

    proptest::proptest! {
        /// Receipts kept by the fast path (same-day increment, day-number horizon) are the
        /// ones the plain map kept, for days in any order, near chrono's first date too.
        #[test]
        fn the_receipt_window_matches_the_plain_map(
            early in proptest::bool::ANY,
            days in proptest::collection::vec(0u32..90, 0..80),
        ) {
            let base = if early { NaiveDate::MIN } else { day(0) };
            let at = Utc.with_ymd_and_hms(2026, 11, 1, 9, 0, 0).unwrap();
            let mut ledger = RepLedger::new(RepId(1));
            let mut reference = BTreeMap::new();
            for n in days {
                let d = base + chrono::Days::new(u64::from(n));
                ledger.take(&Region::world(), false, at, d, None);
                reference_take(&mut reference, d);
                let kept: BTreeMap<NaiveDate, u32> = ledger.received.entries().collect();
                proptest::prop_assert_eq!(&kept, &reference);
            }
        }
    }

    proptest::proptest! {
        /// Region counts kept in the sorted vector answer like the ordered map they replaced,
        /// for every region and its ancestors, and survive a JSON round trip as that map.
        #[test]
        fn region_counts_match_an_ordered_map(
            moves in proptest::collection::vec((proptest::bool::ANY, 0u8..3, 0u8..3, 0u8..4), 0..60),
        ) {
            let at = Utc.with_ymd_and_hms(2026, 11, 1, 9, 0, 0).unwrap();
            let region = |a: u8, b: u8, c: u8| -> Region {
                format!("R{a}/S{b}/T{c}").parse().unwrap()
            };
            let mut ledger = RepLedger::new(RepId(1));
            let mut model: BTreeMap<Region, u32> = BTreeMap::new();
            for (take, a, b, c) in moves {
                let r = region(a, b, c);
                if take {
                    ledger.take(&r, false, at, day(0), None);
                    *model.entry(r).or_insert(0) += 1;
                } else {
                    ledger.leave(&r, false);
                    if let Some(n) = model.get_mut(&r) {
                        *n -= 1;
                        if *n == 0 {
                            model.remove(&r);
                        }
                    }
                }
            }
            for a in 0..3 {
                for b in 0..3 {
                    for c in 0..4 {
                        let r = region(a, b, c);
                        for probe in r.ancestry().map(|s| Region::new(s).unwrap()) {
                            let expected: u32 = model
                                .iter()
                                .filter(|(held, _)| probe.covers(held))
                                .map(|(_, n)| *n)
                                .sum();
                            proptest::prop_assert_eq!(ledger.held_in_region(&probe), expected);
                        }
                    }
                }
            }
            let json = serde_json::to_value(&ledger).unwrap();
            let as_map: BTreeMap<String, u32> =
                model.iter().map(|(r, n)| (r.to_string(), *n)).collect();
            proptest::prop_assert_eq!(
                json.get("held_regions").cloned().unwrap_or_default(),
                if as_map.is_empty() { serde_json::Value::Null } else { serde_json::to_value(&as_map).unwrap() }
            );
            let back: RepLedger = serde_json::from_value(json).unwrap();
            proptest::prop_assert_eq!(back, ledger);
        }
    }

    /// The usual case (a held region among at most 16, counted up or down past one) and the
    /// general path (a region added or emptied, a longer list) keep the same counts: sorted,
    /// no zero count, an emptied region gone, a region never held left alone.
    #[test]
    fn region_counts_around_the_scanned_bound() {
        let at = Utc.with_ymd_and_hms(2026, 11, 1, 9, 0, 0).unwrap();
        let region = |n: u32| -> Region { format!("CN/P{}/C{n:02}", n % 3).parse().unwrap() };
        let mut ledger = RepLedger::new(RepId(1));
        let check = |ledger: &RepLedger, model: &BTreeMap<Region, u32>| {
            let held: Vec<(Region, u32)> = model.iter().map(|(r, n)| (r.clone(), *n)).collect();
            assert_eq!(ledger.held_regions, held);
        };
        let mut model: BTreeMap<Region, u32> = BTreeMap::new();
        // Up to 16 regions (scanned), then a 17th and 18th (searched by halves), twice each.
        for n in (0..18).chain(0..18) {
            ledger.take(&region(n), false, at, day(0), None);
            *model.entry(region(n)).or_insert(0) += 1;
            check(&ledger, &model);
        }
        // Down to one, then out, for regions on both sides of the bound; a region never held
        // and one already gone change nothing.
        for n in [0, 17, 5, 16, 0, 17, 40] {
            ledger.leave(&region(n), false);
            if let Some(count) = model.get_mut(&region(n)) {
                *count -= 1;
                if *count == 0 {
                    model.remove(&region(n));
                }
            }
            check(&ledger, &model);
        }
        let province: Region = "CN/P0".parse().unwrap();
        let expected: u32 = model
            .iter()
            .filter(|(r, _)| province.covers(r))
            .map(|(_, n)| n)
            .sum();
        assert_eq!((ledger.held_in_region(&province), expected), (10, 10));
        // Back under the bound: the scan finds what the searched list kept.
        for n in [1, 2, 3] {
            ledger.leave(&region(n), false);
            ledger.leave(&region(n), false);
            model.remove(&region(n));
            check(&ledger, &model);
        }
        ledger.take(&region(4), false, at, day(0), None);
        *model.entry(region(4)).or_insert(0) += 1;
        check(&ledger, &model);
        assert_eq!(ledger.held_regions.len(), 13);
    }

    #[test]
    fn claims_count_for_their_day_only() {
        let mut ledger = RepLedger::new(RepId(1));
        let at = Utc.with_ymd_and_hms(2026, 11, 1, 9, 0, 0).unwrap();
        ledger.take(&Region::world(), false, at, day(3), Some(2));
        assert_eq!(ledger.claims_on(day(3)), 2);
        assert_eq!(ledger.claims_on(day(4)), 0);
    }

    #[test]
    fn counters_saturate_instead_of_wrapping() {
        let mut ledger = RepLedger::new(RepId(1));
        ledger.holding = u32::MAX;
        let at = Utc.with_ymd_and_hms(2026, 11, 1, 9, 0, 0).unwrap();
        ledger.take(&Region::world(), true, at, day(0), Some(u32::MAX));
        assert_eq!(ledger.holding(), u32::MAX);
        ledger.leave(&Region::world(), true);
        ledger.leave(&Region::world(), true);
        assert_eq!(ledger.holding_won(), 0);
    }
}
