//! Requester-initiated conversations (PROFILE-1..4, REQ-1..3, NOTIF, VA): an authenticated inbound
//! SMS is matched to a requester, joins or opens the pair's interaction, and the virtual agent (or
//! the system, for a keyword) answers.

use chrono::{DateTime, Utc};

use twilio_wire::sid::MessageSid;

use crate::domain::conversation::{self, InboundRoute, ProfileDecision};
use crate::domain::delivery::{DeliveryStatus, Direction};
use crate::domain::keywords;
use crate::domain::messaging_actions::Side;
use crate::domain::model::*;
use crate::domain::phone::E164;
use crate::domain::topic::{Input as TopicInput, TopicState, Turn};
use crate::domain::work_assignment::SystemMessage;
use crate::engine::config::{properties, CONVERSATIONAL_SMS};
use crate::engine::core::{Engine, EngineConfig};
use crate::engine::delivery::{queue_outbound, PendingSend};
use crate::engine::records::guest;
use crate::engine::system_messages::SmsTiming;
use crate::engine::virtual_agent as va;
use crate::error::Error;
use crate::store::Tx;

/// An SMS as the provider's inbound webhook delivered it (Twilio §4.1), already authenticated.
#[derive(Clone, Debug)]
pub struct InboundSms {
    /// Twilio's MessageSid (`SM`/`MM` + 32 hex).
    pub sid: MessageSid,
    /// The requester's phone.
    pub from: E164,
    /// The provider number texted.
    pub to: E164,
    /// Text.
    pub body: String,
    /// Media the requester sent.
    pub media: Vec<Media>,
    /// Twilio's `OptOutType` (`STOP`, `START`, `HELP`) when Twilio's own opt-out handling acted on
    /// the message (Twilio reference §7).
    pub opt_out_type: Option<String>,
}

/// What happened to an inbound SMS.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum InboundOutcome {
    /// Stored in this interaction.
    Stored(InteractionNumber),
    /// The same MessageSid was already stored: nothing changed (webhook retries).
    Duplicate,
}

impl Engine {
    /// Handles an inbound SMS (PROFILE-1..4, REQ-1..3): matches the number to a requester, joins
    /// or opens the pair's interaction, lets the virtual agent answer, and sends its replies.
    ///
    /// # Errors
    /// [`Error::NotAProviderNumber`] when `to` is not a Conversational SMS number (nothing stored).
    pub async fn handle_inbound(&self, sms: InboundSms) -> Result<InboundOutcome, Error> {
        let now = self.clock.now();
        let public = self.settings();
        let topics = self.topics();
        let (outcome, pending) = self.store.write(|tx| {
            if tx.has_provider_sid(&sms.sid)? {
                tracing::debug!(sid = %sms.sid, "webhook retry of a stored MessageSid; nothing changed");
                return Ok((InboundOutcome::Duplicate, vec![]));
            }
            let providers = tx.provider_numbers(CONVERSATIONAL_SMS)?;
            if !providers.contains(&sms.to) {
                return Err(Error::NotAProviderNumber(sms.to.clone()));
            }
            let profile = tx.active_profile(&sms.from)?;
            let match_customers = tx
                .property(properties::MATCH_CUSTOMER_PHONES)?
                .is_some_and(|v| v.trim() == "true");
            let customers = if match_customers {
                tx.customers_by_phone(&sms.from)?
            } else {
                vec![]
            };
            let record = conversation::record_for_number(
                tx.user_by_phone(&sms.from)?,
                customers,
                match_customers,
            );
            let (profile_id, opened_for) =
                match conversation::match_profile(record, profile.as_ref()) {
                    ProfileDecision::UseProfile {
                        profile,
                        opened_for,
                    } => {
                        let party = match opened_for {
                            Some((t, id)) => tx.party(t, &id)?,
                            None => None,
                        };
                        (profile, party)
                    }
                    ProfileDecision::LinkGuestProfile { profile, user } => {
                        tx.relink_profile(&profile, &user)?;
                        (profile, Some(user))
                    }
                    ProfileDecision::CreateProfile { user } => {
                        (tx.insert_profile(&sms.from, user.as_ref(), now)?, user)
                    }
                };
            let opened_for = match opened_for {
                Some(p) => p,
                None => guest(tx)?,
            };
            let va_enabled = tx
                .property(properties::VIRTUAL_AGENT_ENABLED)?
                .is_none_or(|v| v != "false");
            let keyword = keywords::keyword_of(&sms.body, sms.opt_out_type.as_deref());
            let route = conversation::route_inbound(
                tx.active_sms_interaction(&sms.from, &sms.to)?,
                va_enabled,
                keyword.is_some(),
            );
            let answer_and_close = route == InboundRoute::AnswerKeyword;
            let mut pending = vec![];
            let interaction = match route {
                InboundRoute::Join(i) => {
                    let i = *i;
                    store_inbound(tx, &i, &sms, now)?;
                    if keyword.is_none() && i.handler == Handler::VirtualAgent {
                        let requester = tx
                            .party(i.opened_for.0, &i.opened_for.1)?
                            .unwrap_or_else(|| opened_for.clone());
                        let src = va::StoreChoices::new(tx, &i, requester);
                        let turn = match va_state(&i) {
                            Some(state) => topics.resume(&state, &topic_input(&sms), &src)?,
                            None => topics.start(&sms.body, &src)?,
                        };
                        self.apply_turn(tx, &i, turn, &public, now, &mut pending)?;
                    }
                    i
                }
                opening @ (InboundRoute::Open { .. } | InboundRoute::AnswerKeyword) => {
                    // A keyword answered alone opens the requester's interaction unassigned,
                    // and it is handed to no agent (it closes once answered, below).
                    let handler = match opening {
                        InboundRoute::Open { handler } => handler,
                        _ => Handler::Queue,
                    };
                    let i = tx.insert_interaction(
                        InteractionType::Messaging,
                        &handler,
                        &opened_for,
                        Some(&profile_id),
                        Some(&sms.from),
                        Some(&sms.to),
                        None,
                        now,
                    )?;
                    store_inbound(tx, &i, &sms, now)?;
                    if handler == Handler::Queue && !answer_and_close {
                        self.route_to_live_agent(tx, &i, now)?;
                    }
                    if handler == Handler::VirtualAgent && keyword.is_none() {
                        let src = va::StoreChoices::new(tx, &i, opened_for.clone());
                        let turn = topics.start(&sms.body, &src)?;
                        self.apply_turn(tx, &i, turn, &public, now, &mut pending)?;
                    }
                    i
                }
            };
            // A keyword is a command to the notification system, not a turn of the conversation
            // (as it does not wake the virtual agent): it starts no requester timer and answers
            // no agent's. Agents still see it, flagged as new.
            if keyword.is_none() {
                self.actions_on_message(tx, &interaction, Side::Requester, now)?;
            }
            self.awa_requester_message(tx, &interaction, now)?;
            if let Some(kw) = keyword {
                // START / STOP / Notification (NOTIF-1..5): the system answers, not the VA.
                let registered = opened_for.table == PartyTable::SysUser && !opened_for.is_guest();
                let current = if registered {
                    tx.subscription(&opened_for.sys_id)?
                } else {
                    None
                };
                let d =
                    keywords::decide(kw, Some(&opened_for), current, sms.opt_out_type.is_some());
                if let Some(enabled) = d.set {
                    tx.set_subscription(&opened_for.sys_id, enabled, now)?;
                }
                if let Some(reply) = d.reply {
                    self.post_system_message(
                        tx,
                        &interaction,
                        &SystemMessage::KeywordReply {
                            text: reply.to_owned(),
                        },
                        now,
                        SmsTiming::WithTheTransaction(&mut pending),
                    )?;
                }
            }
            if answer_and_close {
                self.post_system_message(
                    tx,
                    &interaction,
                    &SystemMessage::KeywordAnswered,
                    now,
                    SmsTiming::WithTheTransaction(&mut pending),
                )?;
                tx.close_interaction(&interaction.sys_id, InteractionState::ClosedComplete, now)?;
            }
            tracing::info!(interaction = %interaction.number, sid = %sms.sid, handler = ?interaction.handler,
                "inbound SMS stored");
            Ok((InboundOutcome::Stored(interaction.number), pending))
        })?;
        self.dispatch(pending).await?;
        self.flush_system_sms().await?;
        Ok(outcome)
    }

    /// Sends a topic turn's messages (images as MMS, relative media URLs served by the engine),
    /// stores where the topic waits, and hands the conversation to a live agent on transfer.
    fn apply_turn(
        &self,
        tx: &Tx<'_>,
        i: &Interaction,
        turn: Turn,
        config: &EngineConfig,
        now: DateTime<Utc>,
        pending: &mut Vec<PendingSend>,
    ) -> Result<(), Error> {
        for out in &turn.outbound {
            let media: Vec<Media> = out
                .media
                .iter()
                .map(|url| Media {
                    url: absolute_media_url(&config.public_url, url),
                    content_type: content_type_of(url).to_owned(),
                })
                .collect();
            pending.push(queue_outbound(
                tx,
                i,
                AuthorKind::VirtualAgent,
                None,
                &out.body,
                &media,
                config,
                now,
            )?);
        }
        match &turn.state {
            Some(state) => tx.set_va_state(
                &i.sys_id,
                Some(&state.topic),
                Some(&state.node),
                Some(&serde_json::to_string(state).expect("topic state serializes")),
            )?,
            None => tx.set_va_state(&i.sys_id, None, None, None)?,
        }
        if turn.transfer {
            self.route_to_live_agent(tx, i, now)?;
        }
        Ok(())
    }
}

/// Where the interaction's topic waits, from `interaction.va_state`. A state that does not read
/// back (written by an older build, or edited by hand) is logged and the topic starts afresh: the
/// requester gets an answer rather than an error, and the log says why the conversation restarted.
fn va_state(i: &Interaction) -> Option<TopicState> {
    let json = i.va_state.as_deref()?;
    match serde_json::from_str::<TopicState>(json) {
        Ok(state) => Some(state),
        Err(e) => {
            tracing::warn!(interaction = %i.number, error = %e,
                "the stored virtual-agent state does not read back; the topic starts again");
            None
        }
    }
}

/// A requester's SMS as a topic input: its text and its media (URL, content type).
fn topic_input(sms: &InboundSms) -> TopicInput {
    TopicInput {
        text: sms.body.clone(),
        media: sms
            .media
            .iter()
            .map(|m| (m.url.clone(), m.content_type.clone()))
            .collect(),
    }
}

/// A topic's media URL made absolute: `http(s)://…` as is; a path relative to the topics folder
/// (`media/photo.png`) is served by the engine at `{public_url}/topics/media/photo.png`.
fn absolute_media_url(public_url: &str, url: &str) -> String {
    if url.starts_with("http://") || url.starts_with("https://") {
        url.to_owned()
    } else {
        format!("{public_url}/topics/{}", url.trim_start_matches('/'))
    }
}

/// The MIME type of an image URL, by extension (the topic layer only allows images).
pub(crate) fn content_type_of(url: &str) -> &'static str {
    let ext = url.rsplit('.').next().unwrap_or("").to_ascii_lowercase();
    match ext.as_str() {
        "png" => "image/png",
        "gif" => "image/gif",
        "webp" => "image/webp",
        _ => "image/jpeg",
    }
}

fn store_inbound(
    tx: &Tx<'_>,
    i: &Interaction,
    sms: &InboundSms,
    now: DateTime<Utc>,
) -> Result<(), Error> {
    tx.insert_message(
        &i.sys_id,
        Direction::Inbound,
        AuthorKind::Requester,
        None,
        &sms.body,
        &sms.media,
        Some(&sms.sid),
        DeliveryStatus::Received,
        now,
    )?;
    Ok(())
}
