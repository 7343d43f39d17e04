//! [`Retry`]: how often and how patiently a command is tried again after a retryable error.

use crate::rng::{Rng, below};
use std::time::Duration;

/// Bounded retries with "full jitter" exponential backoff: before attempt `n + 1` (n ≥ 1)
/// wait a uniform draw from `0..=min(cap, base · 2ⁿ⁻¹)`. The draw comes from a generator the
/// caller seeds, so a test replays the same waits.
///
/// A conflict (someone else wrote first) is retried at once the first time: reading again is
/// usually enough. Later attempts back off, so instances racing for one row spread out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Retry {
    attempts: u32,
    base: Duration,
    cap: Duration,
}

impl Default for Retry {
    /// 8 attempts, backoff from 2 ms up to 100 ms.
    fn default() -> Self {
        Self {
            attempts: 8,
            base: Duration::from_millis(2),
            cap: Duration::from_millis(100),
        }
    }
}

impl Retry {
    /// `attempts` tries in all (at least 1), waits growing from `base` to at most `cap`.
    pub fn new(attempts: u32, base: Duration, cap: Duration) -> Self {
        Self {
            attempts: attempts.max(1),
            base,
            cap: cap.max(base),
        }
    }

    /// No waiting between attempts (tests, in-memory stores).
    pub fn immediate(attempts: u32) -> Self {
        Self::new(attempts, Duration::ZERO, Duration::ZERO)
    }

    /// How many tries in all.
    pub fn attempts(&self) -> u32 {
        self.attempts
    }

    /// The wait before the attempt after `failed` failures (1 for the first retry): zero
    /// for the first retry, then a jittered draw under the exponential ceiling.
    pub fn delay<R: Rng + ?Sized>(&self, failed: u32, rng: &mut R) -> Duration {
        if failed <= 1 {
            return Duration::ZERO;
        }
        let shift = (failed - 2).min(20);
        let ceiling = self
            .base
            .checked_mul(1 << shift)
            .map_or(self.cap, |d| d.min(self.cap));
        let nanos = u64::try_from(ceiling.as_nanos()).unwrap_or(u64::MAX);
        Duration::from_nanos(below(rng, nanos.saturating_add(1)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::seeded;

    #[test]
    fn the_first_retry_is_immediate_and_later_ones_stay_under_a_growing_ceiling() {
        let retry = Retry::new(10, Duration::from_millis(2), Duration::from_millis(50));
        let mut rng = seeded(1);
        assert_eq!(retry.delay(1, &mut rng), Duration::ZERO);
        for failed in 2..40 {
            let ceiling = Duration::from_millis(2 << (failed - 2).min(20)).min(retry.cap);
            for _ in 0..50 {
                assert!(retry.delay(failed, &mut rng) <= ceiling.min(Duration::from_millis(50)));
            }
        }
    }

    #[test]
    fn waits_are_jittered_and_reproducible_from_the_seed() {
        let retry = Retry::default();
        let draws = |seed| {
            let mut rng = seeded(seed);
            (2..8).map(|n| retry.delay(n, &mut rng)).collect::<Vec<_>>()
        };
        assert_eq!(draws(7), draws(7));
        assert_ne!(draws(7), draws(8));
        let distinct: std::collections::BTreeSet<_> = draws(7).into_iter().collect();
        assert!(distinct.len() > 1, "not a constant wait");
    }

    #[test]
    fn at_least_one_attempt_and_a_cap_not_below_the_base() {
        let retry = Retry::new(0, Duration::from_millis(5), Duration::from_millis(1));
        assert_eq!(retry.attempts(), 1);
        assert_eq!(retry.cap, Duration::from_millis(5));
        assert_eq!(Retry::immediate(3).delay(5, &mut seeded(0)), Duration::ZERO);
    }
}
