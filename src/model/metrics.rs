//! Per-rep performance metrics by day, summed over any period a ranking rule needs.

use crate::ids::RepId;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::ops::Range;

/// Named metric values per rep per (team-zone) day: "inquiries_handled", "sample_orders",
/// "follow_ups", "meetings_hosted", …. Names are free; a ranking reads the ones its weights
/// name and treats a missing one as 0.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Metrics {
    days: BTreeMap<RepId, BTreeMap<NaiveDate, BTreeMap<String, f64>>>,
}

impl Metrics {
    /// An empty book.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds `value` to `metric` for `rep` on `day` (values accumulate). Non-finite values are
    /// ignored, so one bad reading cannot poison a ranking.
    pub fn record(&mut self, rep: RepId, day: NaiveDate, metric: &str, value: f64) {
        if !value.is_finite() {
            return;
        }
        *self
            .days
            .entry(rep)
            .or_default()
            .entry(day)
            .or_default()
            .entry(metric.to_owned())
            .or_insert(0.0) += value;
    }

    /// The sum of `metric` for `rep` over the days in `days` (end exclusive).
    pub fn total(&self, rep: RepId, metric: &str, days: Range<NaiveDate>) -> f64 {
        self.days.get(&rep).map_or(0.0, |by_day| {
            by_day
                .range(days)
                .filter_map(|(_, metrics)| metrics.get(metric))
                .sum()
        })
    }

    /// Every metric of `rep` summed over `days`, by name.
    pub fn totals(&self, rep: RepId, days: Range<NaiveDate>) -> BTreeMap<String, f64> {
        let mut out = BTreeMap::new();
        if let Some(by_day) = self.days.get(&rep) {
            for metrics in by_day.range(days).map(|(_, m)| m) {
                for (name, value) in metrics {
                    *out.entry(name.clone()).or_insert(0.0) += value;
                }
            }
        }
        out
    }

    /// The reps with any recorded metric, in id order.
    pub fn reps(&self) -> impl Iterator<Item = RepId> + '_ {
        self.days.keys().copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn totals_sum_only_the_days_inside_the_window() {
        let d = |day| NaiveDate::from_ymd_opt(2026, 11, day).unwrap();
        let mut m = Metrics::new();
        m.record(RepId(1), d(2), "follow_ups", 3.0);
        m.record(RepId(1), d(3), "follow_ups", 4.0);
        m.record(RepId(1), d(9), "follow_ups", 100.0);
        m.record(RepId(1), d(3), "bad", f64::NAN);
        assert_eq!(m.total(RepId(1), "follow_ups", d(2)..d(9)), 7.0);
        assert_eq!(m.total(RepId(1), "missing", d(2)..d(9)), 0.0);
        assert_eq!(m.total(RepId(2), "follow_ups", d(2)..d(9)), 0.0);
        assert!(!m.totals(RepId(1), d(1)..d(30)).contains_key("bad"));
    }
}
