//! The bridge between the engine's [`Clock`] port and the simulator's [`SimClock`]: the two crates
//! do not depend on each other, so the binary that runs both gives them one clock.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use convsms::clock::Clock;
use convsms_sim::SimClock;

/// Any engine [`Clock`] as the simulator's clock: both read the same instant.
pub struct SharedClock<C>(pub C);

impl<C: Clock + Send + Sync> SimClock for SharedClock<C> {
    fn now(&self) -> DateTime<Utc> {
        self.0.now()
    }
}

/// `clock` as the simulator's clock, ready for [`convsms_sim::Simulator::start`].
pub fn for_simulator<C: Clock + Send + Sync + 'static>(clock: C) -> Arc<dyn SimClock> {
    Arc::new(SharedClock(clock))
}
