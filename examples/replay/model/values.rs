//! The value of a won deal, per segment.

use serde::{Deserialize, Serialize};

/// The value of a won deal, per segment: the mean observed value, or a fallback (e.g. the list
/// price) for a segment with no observed deal.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SegmentValues {
    values: Vec<f64>,
}

impl SegmentValues {
    /// Means of `won` (segment, value) pairs; `fallback[s]` where segment `s` has none (0 when
    /// no fallback is given). Non-finite or negative values and out-of-range segments are
    /// skipped.
    pub fn fit(segments: usize, won: &[(usize, f64)], fallback: &[f64]) -> Self {
        let mut sums = vec![(0.0f64, 0u64); segments];
        for &(s, v) in won {
            if let Some(slot) = sums.get_mut(s).filter(|_| v.is_finite() && v >= 0.0) {
                slot.0 += v;
                slot.1 += 1;
            }
        }
        let values = sums
            .iter()
            .enumerate()
            .map(|(s, &(sum, n))| {
                if n > 0 {
                    sum / n as f64
                } else {
                    fallback
                        .get(s)
                        .copied()
                        .filter(|v| v.is_finite())
                        .unwrap_or(0.0)
                }
            })
            .collect();
        Self { values }
    }

    /// The value of a won deal in `segment` (0 for an unknown segment).
    pub fn value(&self, segment: usize) -> f64 {
        self.values.get(segment).copied().unwrap_or(0.0)
    }
}
