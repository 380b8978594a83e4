//! The world's soak invariants: the checks `convsms soak` runs, on the scenario's store and
//! simulator.

use std::collections::BTreeMap;

use convsms::clock::Clock as _;
use convsms_sim::Simulator;
use twilio_wire::message::Direction;

use super::ConvWorld;
use crate::soak::audit::{self, Auditor};

impl ConvWorld {
    /// Runs the invariants `convsms soak` checks along the way ([`Auditor::check`]: 1-5, 7, 8
    /// and 9) on everything the scenario's store and simulator hold, and with `settled` first
    /// the end-of-run one (every send in a final status). The acknowledged inbound messages are
    /// the texts the simulated handsets sent, but keywords ([`audit::acknowledged`]). The
    /// routing invariants (5b, 6) and the missed-timer check need the moment right after a
    /// tick's routing pass, which only the soak knows: they are the soak's alone.
    ///
    /// # Errors
    /// The store cannot be read, or an invariant is broken: the error names it (`invariant 2
    /// outbound-sent-at-most-once broken: ...`).
    pub fn check_soak_invariants(&self, settled: bool) -> anyhow::Result<()> {
        let mut auditor = Auditor::default();
        if settled {
            auditor
                .check_settled(&self.stack)?
                .map_err(|v| anyhow::anyhow!("{v}"))?;
        }
        let acked = acknowledged_inbound(&self.stack.sim);
        let now = self.stack.clock.now();
        auditor
            .check(
                &self.stack,
                now,
                &acked,
                &BTreeMap::new(),
                chrono::DateTime::<chrono::Utc>::MIN_UTC,
            )?
            .map_err(|v| anyhow::anyhow!("{v}"))
    }
}

/// The SIDs of the inbound texts a soak counts as acknowledged, oldest first.
fn acknowledged_inbound(sim: &Simulator) -> Vec<twilio_wire::sid::MessageSid> {
    sim.messages()
        .into_iter()
        .filter(|m| m.direction == Direction::Inbound && audit::acknowledged(&m.body))
        .map(|m| m.sid)
        .collect()
}
