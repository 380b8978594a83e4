//! What agents do to an interaction as a whole: re-link it to the right requester (PROFILE-4) and
//! close it (SYSMSG-1).

use crate::domain::model::{InteractionNumber, InteractionState, PartyTable};
use crate::domain::work_assignment::SystemMessage;
use crate::engine::core::Engine;
use crate::engine::records::find_party;
use crate::engine::system_messages::SmsTiming;
use crate::error::Error;

impl Engine {
    /// Re-links an interaction and its messaging profile to the right requester record, after an
    /// agent or the VA verified who is texting (PROFILE-4).
    ///
    /// # Errors
    /// [`Error::UnknownInteraction`], [`Error::UnknownRecord`].
    pub fn relink(&self, number: &InteractionNumber, to: (PartyTable, &str)) -> Result<(), Error> {
        self.store.write(|tx| {
            let i = tx
                .interaction(number)?
                .ok_or_else(|| Error::UnknownInteraction(number.to_string()))?;
            let party = find_party(tx, to.0, to.1)?;
            tx.relink_interaction(&i.sys_id, &party)?;
            if let Some(p) = &i.profile {
                tx.relink_profile(p, &party)?;
            }
            Ok(())
        })
    }

    /// Closes an interaction as completed (the agent ends the conversation); the requester is
    /// told by SMS. Closing a closed interaction changes nothing.
    ///
    /// # Errors
    /// [`Error::UnknownInteraction`].
    pub async fn close(&self, number: &InteractionNumber) -> Result<(), Error> {
        let now = self.clock.now();
        self.store.write(|tx| {
            let i = tx
                .interaction(number)?
                .ok_or_else(|| Error::UnknownInteraction(number.to_string()))?;
            if !i.active {
                return Ok(());
            }
            // Agents see the line; the requester gets "This conversation is closed." (SYSMSG-1).
            self.post_system_message(tx, &i, &SystemMessage::Closed, now, SmsTiming::AfterCommit)?;
            tx.close_interaction(&i.sys_id, InteractionState::ClosedComplete, now)?;
            tracing::info!(interaction = %i.number, "closed by an agent");
            self.awa_closed(tx, &i, now)?;
            Ok::<_, Error>(())
        })?;
        self.flush_system_sms().await
    }
}
