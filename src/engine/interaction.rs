//! What agents do to an interaction as a whole: re-link it to the right requester (PROFILE-4) and
//! close it (SYSMSG-1): their own conversation ([`Engine::close_by`]), or any record
//! ([`Engine::close`]).

use chrono::{DateTime, Utc};

use crate::domain::model::{Handler, Interaction, InteractionNumber, InteractionState, PartyTable};
use crate::domain::work_assignment::SystemMessage;
use crate::engine::core::Engine;
use crate::engine::records::find_party;
use crate::engine::system_messages::SmsTiming;
use crate::error::Error;
use crate::store::Tx;

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

    /// Closes an interaction as completed, whoever holds it (the interaction record closed
    /// from its form, as an administrator may); the requester is told by SMS. Closing a closed
    /// interaction changes nothing. An agent ending their own conversation is
    /// [`Engine::close_by`].
    ///
    /// # Errors
    /// [`Error::UnknownInteraction`].
    pub async fn close(&self, number: &InteractionNumber) -> Result<(), Error> {
        let now = self.clock.now();
        self.store.write(|tx| {
            let i = tx
                .interaction(number)?
                .ok_or_else(|| Error::UnknownInteraction(number.to_string()))?;
            if i.active {
                self.close_complete(tx, &i, now)?;
            }
            Ok::<_, Error>(())
        })?;
        self.flush_system_sms().await
    }

    /// `agent` (a user_name) ends a conversation assigned to them in Agent Workspace: it closes
    /// as completed and the requester is told "This conversation is closed." by SMS (SYSMSG-1).
    ///
    /// # Errors
    /// [`Error::UnknownRecord`] when no sys_user has that user_name;
    /// [`Error::UnknownInteraction`]; [`Error::WorkAssignment`] when the conversation is
    /// already closed ([`WorkAssignmentRefusal::Closed`](crate::error::WorkAssignmentRefusal::Closed))
    /// or not assigned to `agent`: with the virtual agent, waiting in a queue or offered, or
    /// assigned to another agent
    /// ([`WorkAssignmentRefusal::NotAssigned`](crate::error::WorkAssignmentRefusal::NotAssigned)).
    /// Nothing is written then.
    pub async fn close_by(&self, agent: &str, number: &InteractionNumber) -> Result<(), Error> {
        let now = self.clock.now();
        self.store.write(|tx| {
            let i = super::work_assignment::held_by(tx, agent, number)?;
            self.close_complete(tx, &i, now)
        })?;
        self.flush_system_sms().await
    }

    /// Whether `agent` may reply in `number` and then close what the reply goes into, asked
    /// before the reply is sent so that a refused close sends nothing: a conversation another
    /// agent holds takes the reply in itself (the agent joins it) and is not theirs to close. One
    /// the virtual agent or a queue holds is fine: the reply opens one for the agent (AGENT-3)
    /// or takes it from the queue, and that is what closes.
    ///
    /// # Errors
    /// [`Error::UnknownRecord`] when no sys_user has that user_name;
    /// [`Error::UnknownInteraction`]; [`Error::WorkAssignment`] with
    /// [`WorkAssignmentRefusal::NotAssigned`](crate::error::WorkAssignmentRefusal::NotAssigned)
    /// when another agent holds it.
    pub fn may_reply_and_close(
        &self,
        agent: &str,
        number: &InteractionNumber,
    ) -> Result<(), Error> {
        self.store.read(|tx| {
            let i = tx
                .interaction(number)?
                .ok_or_else(|| Error::UnknownInteraction(number.to_string()))?;
            match &i.handler {
                Handler::Agent(_) if i.active => {
                    super::work_assignment::held_by(tx, agent, number).map(|_| ())
                }
                _ => find_party(tx, PartyTable::SysUser, agent).map(|_| ()),
            }
        })
    }

    /// Closes the active interaction `i` as completed: agents see the line, the requester gets
    /// "This conversation is closed." (SYSMSG-1), and its work item and timers settle.
    fn close_complete(
        &self,
        tx: &Tx<'_>,
        i: &Interaction,
        now: DateTime<Utc>,
    ) -> Result<(), Error> {
        self.post_system_message(tx, i, &SystemMessage::Closed, now, SmsTiming::AfterCommit)?;
        tx.close_interaction(&i.sys_id, InteractionState::ClosedComplete, now)?;
        tracing::info!(interaction = %i.number, "closed by an agent");
        self.awa_closed(tx, i, now)
    }
}
