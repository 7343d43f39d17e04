//! Per-rep performance metrics by day, summed over any period a ranking rule needs.

use crate::ids::RepId;
use crate::label::Label;
use chrono::NaiveDate;
use serde::ser::{SerializeMap, SerializeStruct};
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

mod day;
mod reps;

use day::DayMetrics;
use reps::{ByDay, RepDays};

/// Metric values per rep per (team-zone) day. A ranking reads the metrics its weights name
/// and treats a missing one as 0.
///
/// Printed, compared and serialised as the nested maps it stands for (rep to day to metric to
/// value); kept as a table of reps by id whose days keep their named metrics in a fixed row.
#[derive(Clone, Default)]
pub struct Metrics {
    days: RepDays,
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
            .entry(day)
            .or_default()
            .add(metric.into(), value);
    }

    /// The sum of `metric` for `rep` over the days in `days` (end exclusive; a window that
    /// ends before it starts holds no day).
    pub fn total(&self, rep: RepId, metric: &Metric, days: Range<NaiveDate>) -> f64 {
        self.days.get(rep).map_or(0.0, |by_day| {
            within(by_day, days)
                .filter_map(|(_, metrics)| metrics.get(metric))
                .fold(0.0, |a, x| a + x)
        })
    }

    /// Every metric of `rep` summed over `days`, by metric (none for a window that ends
    /// before it starts).
    pub fn totals(&self, rep: RepId, days: Range<NaiveDate>) -> BTreeMap<Metric, f64> {
        let mut out = BTreeMap::new();
        if let Some(by_day) = self.days.get(rep) {
            for metrics in within(by_day, days).map(|(_, m)| m) {
                for (metric, value) in metrics.iter() {
                    *out.entry(metric).or_insert(0.0) += value;
                }
            }
        }
        out
    }

    /// The reps with any recorded metric, in id order.
    pub fn reps(&self) -> impl Iterator<Item = RepId> + '_ {
        self.days.iter().map(|(rep, _)| rep)
    }
}

/// The days of `by_day` inside `days`: none when the window ends before it starts (an ordered
/// map's own `range` panics on that).
fn within(
    by_day: &ByDay,
    days: Range<NaiveDate>,
) -> std::collections::btree_map::Range<'_, NaiveDate, DayMetrics> {
    let days = if days.start > days.end {
        days.start..days.start
    } else {
        days
    };
    by_day.range(days)
}

impl PartialEq for Metrics {
    fn eq(&self, other: &Self) -> bool {
        self.days.len() == other.days.len() && self.days.iter().eq(other.days.iter())
    }
}

/// The reps' days as the map they stand for, for `Debug` and serde.
struct AsMap<'a>(&'a RepDays);

impl std::fmt::Debug for AsMap<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_map().entries(self.0.iter()).finish()
    }
}

impl Serialize for AsMap<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (rep, days) in self.0.iter() {
            map.serialize_entry(&rep, days)?;
        }
        map.end()
    }
}

impl std::fmt::Debug for Metrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Metrics")
            .field("days", &AsMap(&self.days))
            .finish()
    }
}

impl Serialize for Metrics {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut book = serializer.serialize_struct("Metrics", 1)?;
        book.serialize_field("days", &AsMap(&self.days))?;
        book.end()
    }
}

impl<'de> Deserialize<'de> for Metrics {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        /// The book as written: the nested maps.
        #[derive(Deserialize)]
        #[serde(rename = "Metrics")]
        struct Written {
            days: BTreeMap<RepId, ByDay>,
        }
        let written = Written::deserialize(deserializer)?;
        let mut days = RepDays::default();
        for (rep, by_day) in written.days {
            *days.entry(rep) = by_day;
        }
        Ok(Metrics { days })
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
    fn a_window_that_ends_before_it_starts_holds_no_day() {
        let d = |day| NaiveDate::from_ymd_opt(2026, 11, day).unwrap();
        let mut m = Metrics::new();
        m.record(RepId(1), d(3), "follow_ups", 4.0);
        let reversed = d(9)..d(2);
        assert_eq!(m.total(RepId(1), &Metric::FollowUps, reversed.clone()), 0.0);
        assert!(m.totals(RepId(1), reversed).is_empty());
        // An empty window (start = end) also holds none.
        assert_eq!(m.total(RepId(1), &Metric::FollowUps, d(3)..d(3)), 0.0);
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
        pub(super) struct Metrics {
            pub(super) days: BTreeMap<RepId, BTreeMap<NaiveDate, BTreeMap<Metric, f64>>>,
        }

        impl Metrics {
            pub(super) fn record(
                &mut self,
                rep: RepId,
                day: NaiveDate,
                metric: Metric,
                value: f64,
            ) {
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

    /// Rep ids of a team (small, dense), a few far off (kept apart, then covered as the
    /// vector grows) and at the end of the range.
    fn rep() -> impl Strategy<Value = u64> {
        prop_oneof![
            6 => 0u64..8,
            2 => 60u64..300,
            1 => prop_oneof![Just(u64::MAX), Just(1 << 40)],
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
    fn reps_far_apart_are_listed_in_id_order_and_move_into_the_vector_when_covered() {
        let d = NaiveDate::from_ymd_opt(2026, 11, 2).unwrap();
        let next = d.succ_opt().unwrap();
        let mut m = Metrics::new();
        for rep in [u64::MAX, 500, 200, 3, 0, 1 << 40] {
            m.record(RepId(rep), d, Metric::FollowUps, rep as f64);
        }
        assert_eq!(
            m.reps().collect::<Vec<_>>(),
            [0, 3, 200, 500, 1 << 40, u64::MAX].map(RepId)
        );
        // Enough reps that the vector reaches 200 and 500: they move out of the map.
        for rep in 4..150 {
            m.record(RepId(rep), d, Metric::DealsWon, 1.0);
        }
        assert!(m.days.len() == 152);
        for rep in [0, 3, 200, 500, 1 << 40, u64::MAX] {
            assert_eq!(m.total(RepId(rep), &Metric::FollowUps, d..next), rep as f64);
        }
        assert_eq!(m.reps().count(), 152);
        assert!(m.reps().collect::<Vec<_>>().windows(2).all(|w| w[0] < w[1]));
        let json = serde_json::to_string(&m).unwrap();
        let back: Metrics = serde_json::from_str(&json).unwrap();
        assert_eq!(back, m);
        assert_eq!(serde_json::to_string(&back).unwrap(), json);
        assert_ne!(Metrics::new(), m);
    }

    #[test]
    fn empty_reps_and_days_and_signed_zeros_read_back_as_written() {
        for json in [
            r#"{"days":{}}"#,
            r#"{"days":{"1":{}}}"#,
            r#"{"days":{"1":{"2026-11-02":{}}}}"#,
            r#"{"days":{"1":{"2026-11-02":{"follow_ups":-0.0,"deals_won":0.0,"a":-0.0}},"2":{}}}"#,
            r#"{"days":{"0":{},"70":{"2026-11-02":{}},"18446744073709551615":{}}}"#,
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
            records in proptest::collection::vec((rep(), 0u32..5, metric(), value()), 0..60),
            queries in proptest::collection::vec((rep(), metric(), 0u32..6, 0u32..6), 1..20),
        ) {
            let day = |k: u32| NaiveDate::from_ymd_opt(2026, 11, 1).unwrap() + chrono::Duration::days(i64::from(k));
            let mut flat = Metrics::new();
            let mut nested = nested::Metrics::default();
            for (rep, d, metric, value) in records.iter().cloned() {
                flat.record(RepId(rep), day(d), metric.clone(), value);
                nested.record(RepId(rep), day(d), metric, value);
            }
            // The same records in the reverse order keep the reps in other places (the
            // vector grows at other moments): the book compares equal all the same.
            let mut reversed = Metrics::new();
            for (rep, d, metric, value) in records.into_iter().rev() {
                reversed.record(RepId(rep), day(d), metric, value);
            }
            // Sums in another order may round differently: the books are equal exactly when
            // they print the same.
            prop_assert_eq!(
                reversed == flat,
                serde_json::to_string(&reversed).unwrap() == serde_json::to_string(&flat).unwrap()
            );
            prop_assert_eq!(reversed.reps().collect::<Vec<_>>(), flat.reps().collect::<Vec<_>>());
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
            // The lengths the maps declare to serde (a format that writes a map's length
            // first reads them; JSON does not): as many entries as are written.
            prop_assert_eq!(flat.days.len(), flat.days.iter().count());
            for (_, by_day) in flat.days.iter() {
                for day in by_day.values() {
                    prop_assert_eq!(day.len(), day.iter().count());
                }
            }
            let back: Metrics = serde_json::from_str(&json).unwrap();
            prop_assert_eq!(&back, &flat);
            prop_assert_eq!(serde_json::to_string(&back).unwrap(), json);
        }
    }
}
