//! The world's soak invariants: the checks `convsms soak` runs, on the scenario's store and
//! simulator.

use anyhow::Context as _;

use convsms::clock::Clock as _;
use convsms_sim::Simulator;
use twilio_wire::message::Direction;

use super::ConvWorld;
use crate::soak::audit::{self, Auditor};

impl ConvWorld {
    /// Lets time pass as `convsms soak`'s closing settle does: waits of
    /// [`feature::SETTLE_MINUTES`] (30 minutes) until every outbound transcript row is in a final
    /// status (delivered, undelivered, failed), at most [`crate::soak::MAX_SETTLE_WAITS`] of
    /// them (two days), each running what falls due on the way (callbacks, retries, timers,
    /// idle closes, whose notices are more sends to settle). Sends still unsettled after the
    /// last wait are no error here: `Then every soak invariant holds and every send has
    /// settled` names them.
    ///
    /// # Errors
    /// What falls due on the way fails, or the store cannot be read.
    ///
    /// [`feature::SETTLE_MINUTES`]: crate::soak::feature::SETTLE_MINUTES
    pub async fn pass_time_until_settled(&mut self) -> anyhow::Result<()> {
        let wait = chrono::TimeDelta::minutes(crate::soak::feature::SETTLE_MINUTES);
        for _ in 0..crate::soak::MAX_SETTLE_WAITS {
            self.pass_time(wait).await?;
            let rows = audit::all_rows(&self.stack).context("reading the transcripts")?;
            if crate::soak::invariants::settled(&rows).is_ok() {
                break;
            }
        }
        Ok(())
    }

    /// Runs the invariants `convsms soak` checks along the way ([`Auditor::check`]: 1-5, 5b
    /// and 14 from the store's offer log, 7, 8, 9, 11 from its log of openings, 12 and 13) on
    /// everything
    /// the scenario's store and simulator
    /// hold, then liveness (6:
    /// [`Auditor::check_liveness`]), and with `settled` the end-of-run one (every send in a final
    /// status). The acknowledged inbound messages are the texts the simulated handsets sent, but
    /// keywords ([`audit::acknowledged`]). 6 holds right after a routing pass, and a scenario is
    /// always at one between steps: every step that can change routing ends with a pass, and
    /// time passing runs one at each instant something falls due. 5b's reading of the routing
    /// state right after a pass ([`invariants::oldest_first`]) needs to know which offers the
    /// last pass made, and several steps of a scenario make offers at one instant; the
    /// missed-timer check needs the soak's record of its last tick: both are the soak's alone.
    ///
    /// # Errors
    /// The store cannot be read, or an invariant is broken: the error names it (`invariant 2
    /// outbound-sent-at-most-once broken: ...`).
    pub fn check_soak_invariants(&mut self, settled: bool) -> anyhow::Result<()> {
        let verdict = self.soak_verdict(settled);
        if !self.follows_status_moves {
            // A look once (`serve`): the change log the check started would otherwise grow
            // with every later write, with no one to take it.
            self.stack
                .store
                .write(|tx| tx.audit_stop_message_changes())
                .context("stopping the store's log of changed transcript rows")?;
        }
        verdict
    }

    fn soak_verdict(&mut self, settled: bool) -> anyhow::Result<()> {
        if let Some(v) = &self.redelivery_violation {
            anyhow::bail!("{v}");
        }
        if let Some(v) =
            crate::soak::invariants::callbacks_taken(&self.stack.sim.refused_status_callbacks())
        {
            anyhow::bail!("{v}");
        }
        let stopped = self
            .stack
            .stop_liveness
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .violation
            .clone();
        if let Some(v) = stopped {
            anyhow::bail!("{v}");
        }
        let mut auditor = Auditor::default();
        auditor.hand_reported.clone_from(&self.hand_reported);
        // Closes made before a step changed the idle timeout were made under the default.
        auditor.idle_timeout_at_most = self
            .shortest_idle_timeout
            .map(|s| s.min(convsms::domain::messaging_actions::DEFAULT_IDLE_TIMEOUT_SECS));
        let acked = acknowledged_inbound(&self.stack.sim);
        let now = self.stack.clock.now();
        // Work kept beyond a lowered capacity counts while it is still held and the agent still
        // over capacity, as in the soak's checks.
        let r = audit::routing(&self.stack, now).context("reading the agents' work")?;
        let loads = audit::loads(&r.agents, &r.items, &r.numbers, &self.kept_over_capacity);
        audit::trim_kept(&loads, &mut self.kept_over_capacity);
        auditor.declined = std::mem::take(&mut self.declined);
        let along_the_way = auditor.check(
            &self.stack,
            now,
            &acked,
            &self.kept_over_capacity,
            chrono::DateTime::<chrono::Utc>::MIN_UTC,
        );
        self.declined = std::mem::take(&mut auditor.declined);
        let along_the_way = along_the_way?;
        // 6 holds right after a routing pass: every step that can change routing ends with one,
        // and time passing runs one at each instant something fell due.
        let along_the_way = match along_the_way {
            Ok(()) => auditor.check_liveness(&self.stack, now)?,
            broken => broken,
        };
        // The end-of-run one reads the statuses that check saw: all of them when it passed (a
        // violation stops it early).
        if settled && along_the_way.is_ok() {
            auditor
                .check_settled(&self.stack)?
                .map_err(|v| anyhow::anyhow!("{v}"))?;
        }
        along_the_way.map_err(|v| anyhow::anyhow!("{v}"))
    }
}

/// The SIDs of the inbound texts, oldest first: a soak counts each as acknowledged (keywords
/// too: the engine stores every text in a transcript).
fn acknowledged_inbound(sim: &Simulator) -> Vec<twilio_wire::sid::MessageSid> {
    sim.messages()
        .into_iter()
        .filter(|m| m.direction == Direction::Inbound)
        .map(|m| m.sid)
        .collect()
}
