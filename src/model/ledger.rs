//! [`RepLedger`]: the counters a rep's limits are checked against, of bounded size.

use super::Region;
use crate::ids::RepId;
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
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
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    held_regions: BTreeMap<Region, u32>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    received: BTreeMap<NaiveDate, u32>,
}

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
        self.held_regions
            .range(region..)
            .take_while(|(r, _)| region.covers(r))
            .fold(0u32, |sum, (_, n)| sum.saturating_add(*n))
    }

    /// Clients received (by any route) on the team days `days`; exact for the last
    /// [`RepLedger::RECEIPT_DAYS`] days.
    pub fn received_in(&self, days: Range<NaiveDate>) -> u32 {
        if days.start >= days.end {
            return 0;
        }
        self.received
            .range(days)
            .fold(0u32, |sum, (_, n)| sum.saturating_add(*n))
    }

    /// Sets the holding counts, for the conformance suite's fixtures only.
    #[cfg(any(test, feature = "conformance"))]
    pub(crate) fn fixture_set_holding(&mut self, holding: u32, won: u32) {
        self.holding = holding;
        self.holding_won = won;
    }

    /// The rep takes a client of `region` on team day `day` at `at`; `claims` is the rep's
    /// claim count on that day after this one, for a claim.
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
        self.adjust_region(region, true);
        self.last_assigned_at = Some(at);
        if let Some(n) = claims {
            self.claims = Some((day, n));
        }
        // Most receipts fall on the latest day the ledger knows: count them without a search.
        match self.received.last_entry() {
            Some(mut last) if *last.key() == day => {
                let slot = last.get_mut();
                *slot = slot.saturating_add(1);
            }
            _ => {
                let slot = self.received.entry(day).or_insert(0);
                *slot = slot.saturating_add(1);
            }
        }
        // Forget the days before the window (`day` minus RECEIPT_DAYS - 1), compared as day
        // numbers: a day more than RECEIPT_DAYS - 1 days before `day` is before the horizon.
        let today = day.num_days_from_ce();
        while self.received.first_key_value().is_some_and(|(d, _)| {
            i64::from(today) - i64::from(d.num_days_from_ce()) > i64::from(Self::RECEIPT_DAYS - 1)
        }) {
            self.received.pop_first();
        }
    }

    /// A client of `region` leaves the rep's private pool (released, transferred away).
    pub(crate) fn leave(&mut self, region: &Region, won: bool) {
        self.holding = self.holding.saturating_sub(1);
        if won {
            self.holding_won = self.holding_won.saturating_sub(1);
        }
        self.adjust_region(region, false);
    }

    /// A deal was marked on one of the rep's clients.
    pub(crate) fn won(&mut self) {
        self.holding_won = self.holding_won.saturating_add(1).min(self.holding);
    }

    fn adjust_region(&mut self, region: &Region, held: bool) {
        if held {
            match self.held_regions.get_mut(region) {
                Some(n) => *n = n.saturating_add(1),
                None => {
                    self.held_regions.insert(region.clone(), 1);
                }
            }
        } else if let Some(n) = self.held_regions.get_mut(region) {
            *n = n.saturating_sub(1);
            if *n == 0 {
                self.held_regions.remove(region);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

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
        assert_eq!(ledger.received.len(), RepLedger::RECEIPT_DAYS as usize);
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
                proptest::prop_assert_eq!(&ledger.received, &reference);
            }
        }
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
