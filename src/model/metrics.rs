//! Per-rep performance metrics by day, summed over any period a ranking rule needs.

use crate::ids::RepId;
use crate::label::Label;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::ops::Range;

/// A performance metric a ranking rule can weigh (seed rule 3: "platform inquiries handled,
/// sample orders, follow-ups logged, morning meetings hosted, …"). The names the seeds use are
/// variants; any other name a team configures is a [`Metric::Other`]. Serialised as its name
/// (`"inquiries_handled"`, or the custom name as given), so a policy file writes plain strings.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum Metric {
    /// Inquiries to the rep's own platform sub-account (seed rule 2b ranks by them).
    Inquiries,
    /// Platform inquiries the rep handled.
    InquiriesHandled,
    /// Sample orders.
    SampleOrders,
    /// Follow-ups logged.
    FollowUps,
    /// Morning meetings hosted.
    MeetingsHosted,
    /// Deals won.
    DealsWon,
    /// A metric the team names itself.
    Other(CustomMetric),
}

/// The name of a team's own metric: never one of the names [`Metric`] has a variant for (build
/// it with `Metric::from(name)`).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CustomMetric(Label);

impl CustomMetric {
    /// The name.
    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }
}

impl Metric {
    /// The metrics with a variant, with their names.
    const NAMED: [(Metric, &'static str); 6] = [
        (Metric::Inquiries, "inquiries"),
        (Metric::InquiriesHandled, "inquiries_handled"),
        (Metric::SampleOrders, "sample_orders"),
        (Metric::FollowUps, "follow_ups"),
        (Metric::MeetingsHosted, "meetings_hosted"),
        (Metric::DealsWon, "deals_won"),
    ];

    /// The metric's name, as configured and serialised.
    pub fn name(&self) -> &str {
        match self {
            Metric::Other(custom) => custom.as_str(),
            known => Self::NAMED
                .iter()
                .find(|(m, _)| m == known)
                .map_or("", |(_, name)| name),
        }
    }
}

impl From<&str> for Metric {
    /// The metric called `name`: a variant for the seeds' names, [`Metric::Other`] for the rest.
    fn from(name: &str) -> Self {
        Self::NAMED.iter().find(|(_, n)| *n == name).map_or_else(
            || Metric::Other(CustomMetric(Label::new(name))),
            |(m, _)| m.clone(),
        )
    }
}

impl From<String> for Metric {
    fn from(name: String) -> Self {
        Metric::from(name.as_str())
    }
}

impl std::fmt::Display for Metric {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl Serialize for Metric {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.name())
    }
}

impl<'de> Deserialize<'de> for Metric {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(Metric::from)
    }
}

/// Metric values per rep per (team-zone) day. A ranking reads the metrics its weights name
/// and treats a missing one as 0.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Metrics {
    days: BTreeMap<RepId, BTreeMap<NaiveDate, BTreeMap<Metric, f64>>>,
}

impl Metrics {
    /// An empty book.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds `value` to `metric` for `rep` on `day` (values accumulate). Non-finite values are
    /// ignored, so one bad reading cannot poison a ranking.
    pub fn record(&mut self, rep: RepId, day: NaiveDate, metric: impl Into<Metric>, value: f64) {
        if !value.is_finite() {
            return;
        }
        let slot = self
            .days
            .entry(rep)
            .or_default()
            .entry(day)
            .or_default()
            .entry(metric.into())
            .or_insert(0.0);
        *slot += value;
    }

    /// The sum of `metric` for `rep` over the days in `days` (end exclusive).
    pub fn total(&self, rep: RepId, metric: &Metric, days: Range<NaiveDate>) -> f64 {
        self.days.get(&rep).map_or(0.0, |by_day| {
            by_day
                .range(days)
                .filter_map(|(_, metrics)| metrics.get(metric))
                .fold(0.0, |a, x| a + x)
        })
    }

    /// Every metric of `rep` summed over `days`, by metric.
    pub fn totals(&self, rep: RepId, days: Range<NaiveDate>) -> BTreeMap<Metric, f64> {
        let mut out = BTreeMap::new();
        if let Some(by_day) = self.days.get(&rep) {
            for metrics in by_day.range(days).map(|(_, m)| m) {
                for (metric, value) in metrics {
                    *out.entry(metric.clone()).or_insert(0.0) += value;
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
        let follow_ups = Metric::FollowUps;
        assert_eq!(m.total(RepId(1), &follow_ups, d(2)..d(9)), 7.0);
        assert_eq!(m.total(RepId(1), &Metric::from("missing"), d(2)..d(9)), 0.0);
        assert_eq!(m.total(RepId(2), &follow_ups, d(2)..d(9)), 0.0);
        assert!(
            !m.totals(RepId(1), d(1)..d(30))
                .contains_key(&Metric::from("bad"))
        );
    }

    #[test]
    fn the_seed_names_are_variants_and_other_names_round_trip() {
        assert_eq!(Metric::from("sample_orders"), Metric::SampleOrders);
        let custom = Metric::from("recorded_wins");
        assert!(matches!(custom, Metric::Other(_)));
        assert_eq!(custom.name(), "recorded_wins");
        for metric in [Metric::MeetingsHosted, custom] {
            let json = serde_json::to_string(&metric).unwrap();
            assert_eq!(serde_json::from_str::<Metric>(&json).unwrap(), metric);
        }
    }
}
