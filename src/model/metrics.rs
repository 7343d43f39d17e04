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
    days: BTreeMap<RepId, BTreeMap<NaiveDate, DayMetrics>>,
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
        self.days
            .entry(rep)
            .or_default()
            .entry(day)
            .or_default()
            .add(metric.into(), value);
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
                for (metric, value) in metrics.iter() {
                    *out.entry(metric).or_insert(0.0) += value;
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

/// One rep's metrics of one day: the named metrics in a fixed row (a record is an index, not
/// a search of a map of its own), the team's own in a map. Read, compared, printed and
/// serialised as the map of metric to value it stands for, in [`Metric`]'s order (the named
/// ones in their variants' order, then the team's own by name).
#[derive(Clone, Default, PartialEq)]
struct DayMetrics {
    /// Per named metric (at its place in [`Metric::NAMED`]), the value; 0 when not recorded.
    named: [f64; Metric::NAMED.len()],
    /// Bit `i` set: `named[i]` was recorded.
    recorded: u8,
    /// The team's own metrics.
    other: BTreeMap<CustomMetric, f64>,
}

impl Metric {
    /// The place of a named metric in [`Metric::NAMED`] (`None` for a team's own).
    fn place(&self) -> Option<usize> {
        Some(match self {
            Metric::Inquiries => 0,
            Metric::InquiriesHandled => 1,
            Metric::SampleOrders => 2,
            Metric::FollowUps => 3,
            Metric::MeetingsHosted => 4,
            Metric::DealsWon => 5,
            Metric::Other(_) => return None,
        })
    }
}

impl DayMetrics {
    /// Adds `value` to `metric` (from 0 when not recorded yet).
    #[inline]
    fn add(&mut self, metric: Metric, value: f64) {
        match metric.place() {
            Some(i) => {
                self.named[i] += value;
                self.recorded |= 1 << i;
            }
            None => {
                if let Metric::Other(custom) = metric {
                    *self.other.entry(custom).or_insert(0.0) += value;
                }
            }
        }
    }

    /// The value of `metric`, if recorded.
    fn get(&self, metric: &Metric) -> Option<f64> {
        match (metric.place(), metric) {
            (Some(i), _) => (self.recorded & 1 << i != 0).then_some(self.named[i]),
            (None, Metric::Other(custom)) => self.other.get(custom).copied(),
            (None, _) => None,
        }
    }

    /// The recorded metrics and their values, in [`Metric`]'s order.
    fn iter(&self) -> impl Iterator<Item = (Metric, f64)> + '_ {
        Metric::NAMED
            .into_iter()
            .zip(self.named)
            .enumerate()
            .filter(|(i, _)| self.recorded & 1 << i != 0)
            .map(|(_, ((metric, _), value))| (metric, value))
            .chain(
                self.other
                    .iter()
                    .map(|(custom, &value)| (Metric::Other(custom.clone()), value)),
            )
    }
}

impl From<BTreeMap<Metric, f64>> for DayMetrics {
    fn from(map: BTreeMap<Metric, f64>) -> Self {
        let mut day = DayMetrics::default();
        for (metric, value) in map {
            match metric.place() {
                Some(i) => {
                    day.named[i] = value;
                    day.recorded |= 1 << i;
                }
                None => {
                    if let Metric::Other(custom) = metric {
                        day.other.insert(custom, value);
                    }
                }
            }
        }
        day
    }
}

impl std::fmt::Debug for DayMetrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

impl Serialize for DayMetrics {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.iter())
    }
}

impl<'de> Deserialize<'de> for DayMetrics {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        BTreeMap::<Metric, f64>::deserialize(deserializer).map(DayMetrics::from)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

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

    /// The book as it was kept before the named metrics had a fixed row: three nested maps,
    /// its derived `Debug` and serde, the reference the flat row is checked against.
    mod nested {
        use super::super::Metric;
        use crate::ids::RepId;
        use chrono::NaiveDate;
        use serde::{Deserialize, Serialize};
        use std::collections::BTreeMap;

        #[derive(Debug, Default, PartialEq, Serialize, Deserialize)]
        pub struct Metrics {
            pub days: BTreeMap<RepId, BTreeMap<NaiveDate, BTreeMap<Metric, f64>>>,
        }

        impl Metrics {
            pub fn record(&mut self, rep: RepId, day: NaiveDate, metric: Metric, value: f64) {
                if !value.is_finite() {
                    return;
                }
                let slot = self
                    .days
                    .entry(rep)
                    .or_default()
                    .entry(day)
                    .or_default()
                    .entry(metric)
                    .or_insert(0.0);
                *slot += value;
            }
        }
    }

    fn metric() -> impl Strategy<Value = Metric> {
        prop_oneof![
            (0..Metric::NAMED.len()).prop_map(|i| Metric::NAMED[i].0.clone()),
            prop_oneof![
                Just("a"),
                Just("zz"),
                Just("recorded_wins"),
                Just("follow_ups"),
                Just("")
            ]
            .prop_map(Metric::from),
        ]
    }

    fn value() -> impl Strategy<Value = f64> {
        prop_oneof![
            8 => -1e6..1e6f64,
            1 => prop_oneof![Just(0.0), Just(-0.0), Just(f64::NAN), Just(f64::INFINITY)],
        ]
    }

    #[test]
    fn the_named_metrics_sit_in_their_order_at_their_place() {
        for (i, (metric, name)) in Metric::NAMED.iter().enumerate() {
            assert_eq!(metric.place(), Some(i));
            assert_eq!(Metric::from(*name), *metric);
        }
        assert!(Metric::NAMED.windows(2).all(|w| w[0].0 < w[1].0));
        assert!(Metric::NAMED.iter().all(|(m, _)| *m < Metric::from("")));
        assert_eq!(Metric::from("x").place(), None);
    }

    #[test]
    fn empty_reps_and_days_and_signed_zeros_read_back_as_written() {
        for json in [
            r#"{"days":{}}"#,
            r#"{"days":{"1":{}}}"#,
            r#"{"days":{"1":{"2026-11-02":{}}}}"#,
            r#"{"days":{"1":{"2026-11-02":{"follow_ups":-0.0,"deals_won":0.0,"a":-0.0}},"2":{}}}"#,
        ] {
            let flat: Metrics = serde_json::from_str(json).unwrap();
            let nested: nested::Metrics = serde_json::from_str(json).unwrap();
            assert_eq!(serde_json::to_string(&flat).unwrap(), json);
            assert_eq!(format!("{flat:?}"), format!("{nested:?}"));
            assert_eq!(
                flat.reps().collect::<Vec<_>>(),
                nested.days.keys().copied().collect::<Vec<_>>()
            );
        }
        // A repeated key: the last one counts, as in a map.
        let twice: Metrics = serde_json::from_str(
            r#"{"days":{"1":{"2026-11-02":{"a":1.0,"a":2.0,"deals_won":3.0,"deals_won":4.0}}}}"#,
        )
        .unwrap();
        let d = NaiveDate::from_ymd_opt(2026, 11, 2).unwrap();
        let next = d.succ_opt().unwrap();
        assert_eq!(twice.total(RepId(1), &Metric::from("a"), d..next), 2.0);
        assert_eq!(twice.total(RepId(1), &Metric::DealsWon, d..next), 4.0);
    }

    proptest! {
        /// Whatever is recorded, the book totals, prints, compares and serialises as the
        /// nested maps it replaced.
        #[test]
        fn the_flat_row_answers_as_the_nested_maps(
            records in proptest::collection::vec((1u64..4, 0u32..5, metric(), value()), 0..60),
            queries in proptest::collection::vec((0u64..5, metric(), 0u32..6, 0u32..6), 1..20),
        ) {
            let day = |k: u32| NaiveDate::from_ymd_opt(2026, 11, 1).unwrap() + chrono::Duration::days(i64::from(k));
            let mut flat = Metrics::new();
            let mut nested = nested::Metrics::default();
            for (rep, d, metric, value) in records {
                flat.record(RepId(rep), day(d), metric.clone(), value);
                nested.record(RepId(rep), day(d), metric, value);
            }
            for (rep, metric, from, to) in queries {
                let range = day(from.min(to))..day(from.max(to));
                let expected = nested.days.get(&RepId(rep)).map_or(0.0, |by_day| {
                    by_day
                        .range(range.clone())
                        .filter_map(|(_, m)| m.get(&metric))
                        .fold(0.0, |a, x| a + x)
                });
                prop_assert_eq!(flat.total(RepId(rep), &metric, range.clone()).to_bits(), expected.to_bits());
                let mut totals = BTreeMap::new();
                if let Some(by_day) = nested.days.get(&RepId(rep)) {
                    for (_, m) in by_day.range(range.clone()) {
                        for (metric, value) in m {
                            *totals.entry(metric.clone()).or_insert(0.0) += value;
                        }
                    }
                }
                prop_assert_eq!(flat.totals(RepId(rep), range), totals);
            }
            let json = serde_json::to_string(&flat).unwrap();
            prop_assert_eq!(&json, &serde_json::to_string(&nested).unwrap());
            prop_assert_eq!(format!("{flat:?}"), format!("{nested:?}"));
            prop_assert_eq!(flat.reps().collect::<Vec<_>>(), nested.days.keys().copied().collect::<Vec<_>>());
            let back: Metrics = serde_json::from_str(&json).unwrap();
            prop_assert_eq!(&back, &flat);
            prop_assert_eq!(serde_json::to_string(&back).unwrap(), json);
        }
    }
}
