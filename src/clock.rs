//! Time as an input: the [`Clock`] trait and a [`ManualClock`] for tests and simulations.
//!
//! The engine never reads a clock: its functions take `now` as an argument, and facades such as
//! the pool read the caller's [`Clock`] once per command and pass the reading down. The crate
//! has no system clock of its own (it is sans-IO); a service supplies one in three lines:
//!
//! ```
//! use chrono::{DateTime, Utc};
//! use leadpool::clock::Clock;
//!
//! struct SystemClock;
//! impl Clock for SystemClock {
//!     fn now(&self) -> DateTime<Utc> {
//!         DateTime::<Utc>::from(std::time::SystemTime::now())
//!     }
//! }
//! assert!(SystemClock.now().timestamp() > 0);
//! ```

use chrono::{DateTime, Duration, Utc};
use std::sync::{Arc, Mutex, PoisonError};

/// A source of the current instant.
pub trait Clock {
    /// The current instant.
    fn now(&self) -> DateTime<Utc>;
}

impl<C: Clock + ?Sized> Clock for &C {
    fn now(&self) -> DateTime<Utc> {
        (**self).now()
    }
}

impl<C: Clock + ?Sized> Clock for Box<C> {
    fn now(&self) -> DateTime<Utc> {
        (**self).now()
    }
}

impl<C: Clock + ?Sized> Clock for Arc<C> {
    fn now(&self) -> DateTime<Utc> {
        (**self).now()
    }
}

/// A clock that moves only when told to. Clones share one reading, so a test can hold one
/// handle and give another to the code under test.
///
/// ```
/// use leadpool::clock::{Clock, ManualClock};
/// use chrono::{Duration, TimeZone, Utc};
///
/// let clock = ManualClock::new(Utc.with_ymd_and_hms(2026, 11, 23, 9, 0, 0).unwrap());
/// let shared = clock.clone();
/// clock.advance(Duration::days(30));
/// assert_eq!(shared.now(), Utc.with_ymd_and_hms(2026, 12, 23, 9, 0, 0).unwrap());
/// ```
#[derive(Clone, Debug)]
pub struct ManualClock {
    now: Arc<Mutex<DateTime<Utc>>>,
}

impl ManualClock {
    /// A clock reading `start`.
    pub fn new(start: DateTime<Utc>) -> Self {
        Self {
            now: Arc::new(Mutex::new(start)),
        }
    }

    /// Sets the reading (it may go backwards: a test may want that).
    pub fn set(&self, instant: DateTime<Utc>) {
        *self.now.lock().unwrap_or_else(PoisonError::into_inner) = instant;
    }

    /// Moves the reading by `by` and returns the new reading. Saturates at chrono's range
    /// instead of overflowing.
    pub fn advance(&self, by: Duration) -> DateTime<Utc> {
        let mut now = self.now.lock().unwrap_or_else(PoisonError::into_inner);
        *now = now
            .checked_add_signed(by)
            .unwrap_or(if by > Duration::zero() {
                DateTime::<Utc>::MAX_UTC
            } else {
                DateTime::<Utc>::MIN_UTC
            });
        *now
    }
}

impl Clock for ManualClock {
    fn now(&self) -> DateTime<Utc> {
        // A poisoned lock still holds a valid instant: a panic elsewhere cannot corrupt it.
        *self.now.lock().unwrap_or_else(PoisonError::into_inner)
    }
}
