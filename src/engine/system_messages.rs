//! System messages (SYSMSG-1): everything the system says in a conversation, to agents, to the
//! requester, or both, goes through `Engine::post_system_message`.
//!
//! What each message says to whom is the domain's table ([`SystemMessage::agent_text`],
//! [`SystemMessage::sms_text`]); this module writes it: the agents' line as an internal transcript
//! message, the requester's text as an outbound SMS from the system. When that SMS is written is
//! the caller's `SmsTiming`:
//!
//! - `SmsTiming::WithTheTransaction`: written now, in the caller's transaction, and sent with the
//!   use case's other messages (keyword replies, a messaging action's Prompt requester);
//! - `SmsTiming::AfterCommit`: kept in the outbox (`awa_sms_outbox`) and written and sent by
//!   `Engine::flush_system_sms` once the transaction has committed (work assignment and closing,
//!   whose callers have no outgoing messages of their own).

use chrono::{DateTime, Utc};

use crate::domain::delivery::{DeliveryStatus, Direction};
use crate::domain::model::{AuthorKind, Interaction};
use crate::domain::work_assignment::SystemMessage;
use crate::engine::core::Engine;
use crate::engine::delivery::{queue_outbound, PendingSend};
use crate::error::Error;
use crate::store::Tx;

/// When a system message's SMS to the requester is written and sent (see the module docs).
pub(super) enum SmsTiming<'a> {
    /// Written in the caller's transaction and pushed onto the caller's messages to send.
    WithTheTransaction(&'a mut Vec<PendingSend>),
    /// Written and sent by [`Engine::flush_system_sms`] after the transaction commits.
    AfterCommit,
}

impl Engine {
    /// Posts a system message into `i` (SYSMSG-1): its agents' line, if it has one, as an internal
    /// transcript message; its requester's text, if it has one, as an SMS at `timing`.
    ///
    /// # Errors
    /// [`Error::Store`].
    pub(super) fn post_system_message(
        &self,
        tx: &Tx<'_>,
        i: &Interaction,
        message: &SystemMessage,
        now: DateTime<Utc>,
        timing: SmsTiming<'_>,
    ) -> Result<(), Error> {
        if let Some(text) = message.agent_text() {
            tx.insert_message(
                &i.sys_id,
                Direction::Internal,
                AuthorKind::System,
                None,
                &text,
                &[],
                None,
                DeliveryStatus::Internal,
                now,
            )?;
        }
        if let Some(text) = message.sms_text() {
            match timing {
                SmsTiming::WithTheTransaction(pending) => pending.push(queue_outbound(
                    tx,
                    i,
                    AuthorKind::System,
                    None,
                    &text,
                    &[],
                    &self.settings(),
                    now,
                )?),
                SmsTiming::AfterCommit => tx.push_system_sms(&i.sys_id, &text)?,
            }
        }
        Ok(())
    }

    /// Writes and sends the system SMS waiting in the outbox ([`SmsTiming::AfterCommit`]), in the
    /// order they were posted. Call it after the transaction that posted them has committed.
    ///
    /// # Errors
    /// [`Error::Store`]; a provider refusal is recorded on the message.
    pub(super) async fn flush_system_sms(&self) -> Result<(), Error> {
        // After this engine's own write, whether it posted any is known without a transaction.
        if self.store.system_sms_known_none() || !self.store.read(|tx| tx.system_sms_waiting())? {
            return Ok(());
        }
        let now = self.clock.now();
        let config = self.settings();
        let pending = self.store.write(|tx| {
            let mut pending = vec![];
            for (interaction, body) in tx.take_system_sms()? {
                let Some(i) = tx.interaction_by_sys_id(&interaction)? else {
                    tracing::warn!(%interaction, "a system SMS for an interaction that is gone");
                    continue;
                };
                if i.requester_phone.is_none() || i.provider_phone.is_none() {
                    continue;
                }
                pending.push(queue_outbound(
                    tx,
                    &i,
                    AuthorKind::System,
                    None,
                    &body,
                    &[],
                    &config,
                    now,
                )?);
            }
            Ok::<_, Error>(pending)
        })?;
        if pending.is_empty() {
            return Ok(());
        }
        self.send_pending(pending).await
    }
}
