//! Time as data: the [`Clock`] port and its two adapters.
//!
//! Nothing in the engine reads wall time directly; every timestamp comes from the clock it was
//! given. Scenarios use a [`ManualClock`] that only moves when a step moves it, so they can jump days
//! in microseconds and stay deterministic.

use std::sync::{Arc, Mutex, PoisonError};

use chrono::{DateTime, Duration, SubsecRound, Utc};

/// What the engine needs to know about time: the current instant, in UTC.
pub trait Clock: Send + Sync {
    /// The current instant, to the millisecond: the store keeps times to the millisecond
    /// (RFC 3339 with three decimals), so an instant finer than that would fall between two the
    /// store can tell apart, and work due then would run late.
    fn now(&self) -> DateTime<Utc>;
}

/// Wall time, for `convsms sim` and real runs.
#[derive(Clone, Copy, Debug, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now().trunc_subsecs(3)
    }
}

/// A clock that stands still until told to move; cheap to clone (clones share one instant).
#[derive(Clone, Debug)]
pub struct ManualClock(Arc<Mutex<DateTime<Utc>>>);

impl ManualClock {
    /// A clock stopped at `start`.
    pub fn starting_at(start: DateTime<Utc>) -> Self {
        ManualClock(Arc::new(Mutex::new(start)))
    }

    /// Moves the clock forward by `by` (negative durations are ignored: time never runs backwards).
    pub fn advance(&self, by: Duration) {
        let mut now = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        if by > Duration::zero() {
            *now += by;
        }
    }

    /// Sets the clock to `to` if that is not in its past.
    pub fn set(&self, to: DateTime<Utc>) {
        let mut now = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        if to > *now {
            *now = to;
        }
    }
}

impl Clock for ManualClock {
    fn now(&self) -> DateTime<Utc> {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .trunc_subsecs(3)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clocks_tell_time_to_the_millisecond() {
        let start: DateTime<Utc> = "2026-01-05T09:00:01.751266941Z".parse().unwrap();
        let clock = ManualClock::starting_at(start);
        assert_eq!(clock.now().to_rfc3339(), "2026-01-05T09:00:01.751+00:00");
        clock.advance(Duration::nanoseconds(999_999));
        assert_eq!(clock.now().to_rfc3339(), "2026-01-05T09:00:01.752+00:00");
        assert_eq!(SystemClock.now().timestamp_subsec_nanos() % 1_000_000, 0);
    }
}
