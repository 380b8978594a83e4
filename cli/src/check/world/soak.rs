//! The world's soak invariants: the checks `convsms soak` runs, on the scenario's store and
//! simulator.

use convsms_sim::Simulator;
use twilio_wire::message::Direction;

use super::ConvWorld;
use crate::soak::invariants::{self, StatusTracker};
use crate::soak::snapshot::{self, Snapshot};

impl ConvWorld {
    /// Runs every invariant `convsms soak` checks along the way (`crate::soak::snapshot::judge`)
    /// on the scenario's store and simulator, and with `settled` first the end-of-run one (every
    /// send in a final status). The acknowledged inbound messages are the texts the simulated
    /// handsets sent, but STOP and START.
    ///
    /// # Errors
    /// The store cannot be read, or an invariant is broken: the error names it (`invariant 2
    /// outbound-sent-at-most-once broken: ...`).
    pub fn check_soak_invariants(&self, settled: bool) -> anyhow::Result<()> {
        let snap = Snapshot::take(self.store(), &self.stack.sim)?;
        let acked = acknowledged_inbound(&self.stack.sim);
        if settled {
            invariants::settled(&snap.rows).map_err(|v| anyhow::anyhow!("{v}"))?;
        }
        snapshot::judge(&snap, &acked, &mut StatusTracker::default(), &mut |_| {})
            .map_err(|v| anyhow::anyhow!("{v}"))
    }
}

/// The SIDs of the inbound texts a soak counts as acknowledged, oldest first.
fn acknowledged_inbound(sim: &Simulator) -> Vec<twilio_wire::sid::MessageSid> {
    sim.messages()
        .into_iter()
        .filter(|m| m.direction == Direction::Inbound && snapshot::acknowledged(&m.body))
        .map(|m| m.sid)
        .collect()
}
