//! SMS update notifications (seed 003): a user who texted START is texted when a case of theirs
//! changes state; nobody else is (NOTIF-1..5 decide who has opted in).

use crate::domain::keywords::{case_update_text, receives_updates};
use crate::domain::model::{Handler, InteractionNumber, InteractionState, InteractionType};
use crate::domain::work_assignment::SystemMessage;
use crate::engine::config::CONVERSATIONAL_SMS;
use crate::engine::core::Engine;
use crate::engine::system_messages::SmsTiming;
use crate::error::Error;

/// What [`Engine::set_case_state`] did besides setting the state.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CaseUpdate {
    /// The case already had that state: nothing changed, nobody is told.
    Unchanged,
    /// The state changed; its contact was not texted: not a registered user who opted in, or
    /// without a phone or a provider number to text from.
    NotNotified,
    /// The contact was texted the update, in this interaction: the conversation under way on
    /// the pair, or one opened for the notification and closed once it was sent.
    Notified(InteractionNumber),
}

impl Engine {
    /// Sets case `number`'s state (a case updated on the instance: by an agent, a workflow)
    /// and, when it changed, texts its contact an SMS update notification
    /// ([`case_update_text`]) when they receive them ([`receives_updates`]: a registered
    /// sys_user who texted START; seed 003).
    ///
    /// The update goes to the phone of their newest active messaging profile, else their mobile
    /// phone, from the provider number of their newest SMS interaction, else the first
    /// Conversational SMS provider number. In a conversation under way on that pair it is
    /// posted there (agents see it as the SMS); otherwise it opens an interaction for the
    /// notification alone, which closes once sent (a reply opens a conversation of its own,
    /// as any first text does, REQ-1). Choices where the seeds are silent.
    ///
    /// # Errors
    /// [`Error::UnknownRecord`] when no case has that number (nothing is written);
    /// [`Error::Store`].
    pub async fn set_case_state(&self, number: &str, state: &str) -> Result<CaseUpdate, Error> {
        let now = self.clock.now();
        let state = state.trim();
        let (update, pending) = self.store.write(|tx| {
            let mut pending = vec![];
            let case = tx
                .case_by_number(number)?
                .ok_or_else(|| Error::UnknownRecord {
                    table: "sn_customerservice_case",
                    name: number.to_owned(),
                    near: vec![],
                })?;
            if case.state == state {
                return Ok((CaseUpdate::Unchanged, pending));
            }
            tx.set_case_state(&case.sys_id, state)?;
            let Some(contact) = tx.party(case.contact.0, &case.contact.1)? else {
                return Ok((CaseUpdate::NotNotified, pending));
            };
            let subscribed = if receives_updates(&contact, Some(true)) {
                tx.subscription(&contact.sys_id)?
            } else {
                None
            };
            if !receives_updates(&contact, subscribed) {
                return Ok((CaseUpdate::NotNotified, pending));
            }
            let Some(phone) = tx.update_phone(&contact)? else {
                tracing::info!(case = number, "no phone to text the case's update to");
                return Ok((CaseUpdate::NotNotified, pending));
            };
            let provider = match tx.last_provider_of(&phone)? {
                Some(p) => Some(p),
                None => tx.provider_numbers(CONVERSATIONAL_SMS)?.into_iter().next(),
            };
            let Some(provider) = provider else {
                tracing::info!(
                    case = number,
                    "no provider number to text the case's update from"
                );
                return Ok((CaseUpdate::NotNotified, pending));
            };
            let notice = SystemMessage::UpdateNotification {
                text: case_update_text(&case.number, &case.short_description, state),
            };
            let under_way = tx.active_sms_interaction(&phone, &provider)?;
            let opened = under_way.is_none();
            let i = match under_way {
                Some(i) => i,
                None => {
                    let profile = tx.active_profile(&phone)?.map(|p| p.sys_id);
                    tx.insert_interaction(
                        InteractionType::Messaging,
                        &Handler::VirtualAgent,
                        &contact,
                        profile.as_deref(),
                        Some(&phone),
                        Some(&provider),
                        None,
                        now,
                    )?
                }
            };
            // Sent with the transaction, so that it comes before the line that closes an
            // interaction it opened.
            self.post_system_message(
                tx,
                &i,
                &notice,
                now,
                SmsTiming::WithTheTransaction(&mut pending),
            )?;
            if opened {
                self.post_system_message(
                    tx,
                    &i,
                    &SystemMessage::NotificationSent,
                    now,
                    SmsTiming::AfterCommit,
                )?;
                tx.close_interaction(&i.sys_id, InteractionState::ClosedComplete, now)?;
            }
            tracing::info!(case = number, interaction = %i.number, "SMS update notification");
            Ok::<_, Error>((CaseUpdate::Notified(i.number), pending))
        })?;
        self.dispatch(pending).await?;
        self.flush_system_sms().await?;
        Ok(update)
    }
}
