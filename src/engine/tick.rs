//! [`Engine::tick`]: everything that runs on the clock, in one place.

use chrono::{DateTime, Utc};

use crate::engine::core::Engine;
use crate::engine::messaging_actions::{idle_timeout_secs, ActionReport};
use crate::error::Error;
use crate::store::TickDue;

/// What [`Engine::tick`] did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TickReport {
    /// Messaging actions fired and idle conversations closed.
    pub actions: ActionReport,
    /// Sends attempted again.
    pub retried: usize,
    /// Messages whose status the provider's answer moved forward.
    pub reconciled: usize,
}

impl Engine {
    /// When each kind of work of [`Engine::tick`] next falls due, strictly after `after`: a
    /// messaging-action timer, a virtual-agent conversation's idle close, an offer's expiry, a
    /// send's retry, a status to reconcile ([`TickDue::earliest`] of them all). A caller that
    /// moves the clock over a span ticks at each such instant, so that what falls due on the way
    /// runs at its own time, in order, and not at the end of the span.
    ///
    /// # Errors
    /// [`Error::Store`].
    pub fn next_tick_due(&self, after: DateTime<Utc>) -> Result<TickDue, Error> {
        self.store.read(|tx| {
            let idle = idle_timeout_secs(tx)?;
            Ok(tx.next_tick_due(after, idle, crate::engine::delivery::RECONCILE_AFTER_SECS)?)
        })
    }

    /// Runs the kinds of work `due` (from [`Engine::next_tick_due`] or an earlier call) has due
    /// at the clock's now, in [`Engine::tick`]'s order, with the routing pass after messaging
    /// actions too (they close and reassign conversations), and no other; returns when each kind
    /// falls due next, strictly after now. After messaging actions or idle closes everything is
    /// asked again; after an offer's expiry, a retry or a reconciliation only those three:
    /// messaging-action timers are started only by requesters' and agents' messages (inbound and
    /// Compose SMS), and the messages a routing pass writes go to conversations in the queue or
    /// with an agent, which have no idle close to bring nearer.
    ///
    /// A caller moving the clock over a span calls this at each instant [`TickDue::earliest`]
    /// names, and [`Engine::tick`] at the end.
    ///
    /// # Errors
    /// [`Error::Store`]. Provider failures while reconciling are skipped, as in
    /// [`Engine::tick`].
    pub async fn tick_due(&self, due: TickDue) -> Result<TickDue, Error> {
        let now = self.clock.now();
        let is_due = |at: Option<DateTime<Utc>>| at.is_some_and(|at| at <= now);
        let actions = is_due(due.timer) || is_due(due.idle_close);
        if actions {
            self.run_due_actions(now).await?;
        }
        // Messaging actions close and reassign conversations: the routing pass (and the
        // system SMS it sends) follows them at once, as in `tick`.
        if actions || is_due(due.offer_expiry) {
            self.awa_tick(now).await?;
        }
        if is_due(due.retry) {
            self.retry_due(now).await?;
        }
        if is_due(due.reconcile) {
            self.reconcile_stale(now).await?;
        }
        if actions {
            return self.next_tick_due(now);
        }
        let mut next = due;
        self.store.read(|tx| {
            tx.refresh_tick_due(
                &mut next,
                now,
                crate::engine::delivery::RECONCILE_AFTER_SECS,
            )
        })?;
        Ok(next)
    }

    /// Runs what is due at the clock's now (call it whenever time moves): in this order:
    /// 1. due messaging actions and the virtual agent's idle timeout ([`Engine::run_due_actions`]);
    /// 2. Advanced Work Assignment: expired offers, then a routing pass;
    /// 3. sends waiting in `retrying` ([`Engine::retry_due`]);
    /// 4. messages whose status has not moved for [`crate::engine::delivery::RECONCILE_AFTER_SECS`] (a
    ///    StatusCallback may have been dropped) ([`Engine::reconcile_stale`]).
    ///
    /// # Errors
    /// [`Error::Store`]. Provider failures while reconciling are skipped and tried again at a later
    /// tick.
    pub async fn tick(&self) -> Result<TickReport, Error> {
        let now = self.clock.now();
        let actions = self.run_due_actions(now).await?;
        self.awa_tick(now).await?;
        let retried = self.retry_due(now).await?;
        let reconciled = self.reconcile_stale(now).await?;
        Ok(TickReport {
            retried,
            reconciled,
            actions,
        })
    }
}
