//! One rep's metrics of one day.

use super::{CustomMetric, Metric};
use serde::ser::SerializeMap;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One rep's metrics of one day: the named metrics in a fixed row (a record is an index, not
/// a search of a map of its own), the team's own in a map. Read, compared, printed and
/// serialised as the map of metric to value it stands for, in [`Metric`]'s order (the named
/// ones in their variants' order, then the team's own by name).
#[derive(Clone, Default, PartialEq)]
pub(super) struct DayMetrics {
    /// Per named metric (at its place in [`Metric::NAMED`]), the value; 0 when not recorded.
    named: [f64; Metric::NAMED.len()],
    /// Bit `i` set: `named[i]` was recorded.
    recorded: u8,
    /// The team's own metrics.
    other: BTreeMap<CustomMetric, f64>,
}

impl Metric {
    /// The place of a named metric in [`Metric::NAMED`] (`None` for a team's own).
    pub(super) fn place(&self) -> Option<usize> {
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
    pub(super) fn add(&mut self, metric: Metric, value: f64) {
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
    pub(super) fn get(&self, metric: &Metric) -> Option<f64> {
        match (metric.place(), metric) {
            (Some(i), _) => (self.recorded & 1 << i != 0).then_some(self.named[i]),
            (None, Metric::Other(custom)) => self.other.get(custom).copied(),
            (None, _) => None,
        }
    }

    /// How many metrics are recorded: as many as [`DayMetrics::iter`] yields.
    pub(super) fn len(&self) -> usize {
        self.recorded.count_ones() as usize + self.other.len()
    }

    /// The recorded metrics and their values, in [`Metric`]'s order.
    pub(super) fn iter(&self) -> impl Iterator<Item = (Metric, f64)> + '_ {
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
    /// A map of its length (formats that write the length first need it).
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.len()))?;
        for (metric, value) in self.iter() {
            map.serialize_entry(&metric, &value)?;
        }
        map.end()
    }
}

impl<'de> Deserialize<'de> for DayMetrics {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        BTreeMap::<Metric, f64>::deserialize(deserializer).map(DayMetrics::from)
    }
}
