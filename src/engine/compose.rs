//! Agent-initiated conversations: the Compose SMS form and its send (AGENT-1..5, COMPOSE-1..9),
//! phone and profile validation (PHONE-1..4, VALIDATE-1..2).
//!
//! Every check runs before anything is written; the send-from / send-to choices come from the
//! installed [`crate::engine::extension::AgentInitiatedConversationUtil`] extension point (COMPOSE-8).

use chrono::{DateTime, Utc};

use crate::domain::conversation::{self, ComposeAction, ProfileCheck};
use crate::domain::messaging_actions::Side;
use crate::domain::model::*;
use crate::domain::phone::{Region, E164};
use crate::domain::work_assignment::SystemMessage;
use crate::engine::config::{properties, CONVERSATIONAL_SMS};
use crate::engine::core::Engine;
use crate::engine::delivery::queue_outbound;
use crate::engine::extension::ComposeContext;
use crate::engine::records::{default_region, find_party, guest, party_region};
use crate::engine::system_messages::SmsTiming;
use crate::error::Error;
use crate::provider::ProviderError;
use crate::store::Tx;

/// A file attached in Compose SMS.
#[derive(Clone, Debug)]
pub struct Attachment {
    /// File name, for example `photo.png`.
    pub file_name: String,
    /// MIME type, for example `image/png`.
    pub content_type: String,
    /// The bytes.
    pub data: Vec<u8>,
}

/// The To field of Compose SMS.
#[derive(Clone, Debug, Default)]
pub enum ToField {
    /// The default number (COMPOSE-4).
    #[default]
    Default,
    /// "Other": a number typed by the agent, converted to E.164 (COMPOSE-5).
    Other(String),
}

/// A Compose SMS submission.
#[derive(Clone, Debug, Default)]
pub struct ComposeRequest {
    /// The agent's user_name.
    pub agent: String,
    /// The interaction the agent composes from (its record gives the requester), if any.
    pub interaction: Option<InteractionNumber>,
    /// The requester record, when composing outside an interaction.
    pub requester: Option<(PartyTable, String)>,
    /// The From number as typed or chosen: E.164, or a national number in the instance's
    /// default region (`glide.phone_number.default_region`); `None` to take the only one
    /// (COMPOSE-2).
    pub from: Option<String>,
    /// The To field.
    pub to: ToField,
    /// Message text.
    pub body: String,
    /// Optional attachment.
    pub attachment: Option<Attachment>,
}

/// What the Compose SMS form shows before sending (COMPOSE-1..4, AGENT-5).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ComposeForm {
    /// The From choices.
    pub from_choices: Vec<E164>,
    /// The preselected From: set when there is exactly one choice.
    pub from: Option<E164>,
    /// The default To, in E.164.
    pub to: Option<E164>,
    /// The ongoing SMS interaction with that number, shown to the agent (AGENT-5).
    pub ongoing: Option<InteractionNumber>,
}

/// The result of a Compose SMS send.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SendOutcome {
    /// The interaction the message went into.
    pub interaction: InteractionNumber,
    /// The provider's refusal, shown to the agent; the message stays in the transcript, as
    /// `failed` or, when the refusal is retryable, `retrying` (see `retry_at`).
    pub provider_error: Option<ProviderError>,
    /// When the refusal is retryable ([`ProviderError::is_retryable`]: unreachable, HTTP 5xx or
    /// 429) and attempts are left: the time (UTC) the engine hands the message to the provider
    /// again ([`crate::engine::delivery::RETRY_BACKOFF_SECS`] after the first attempt). `None`
    /// when the message went out or failed for good.
    pub retry_at: Option<DateTime<Utc>>,
    /// A warning shown before sending, for example that the number was linked to someone else.
    pub warning: Option<String>,
}

impl SendOutcome {
    /// The provider's refusal as the agent reads it, `None` when there was none: Twilio's error,
    /// and for a retryable one when the message is tried again, such as `the SMS provider is
    /// unavailable: HTTP 500; the message is kept and sent again at 09:00:30 UTC`.
    pub fn refusal(&self) -> Option<String> {
        let e = self.provider_error.as_ref()?;
        Some(match self.retry_at {
            Some(at) => format!(
                "{e}; the message is kept and sent again at {} UTC",
                at.format("%Y-%m-%d %H:%M:%S")
            ),
            None => e.to_string(),
        })
    }
}

impl Engine {
    /// Converts `number` to E.164 (PHONE-1..4): unchanged when already E.164, else read in
    /// `region`, else the consumer's location, else the default region.
    ///
    /// # Errors
    /// [`Error::InvalidPhoneNumber`]; [`Error::UnknownRecord`] for an unknown consumer.
    pub fn validate_phone_number(
        &self,
        number: &str,
        consumer: Option<&str>,
        region: Option<&str>,
    ) -> Result<E164, Error> {
        self.store.read(|tx| {
            let region = match (region, consumer) {
                (Some(r), _) => Region::parse(r)?,
                (None, Some(name)) => find_party(tx, PartyTable::CsmConsumer, name)?
                    .country
                    .map_or_else(|| default_region(tx), Ok)?,
                (None, None) => default_region(tx)?,
            };
            Ok(E164::parse(number, Some(region))?)
        })
    }

    /// Checks whether `phone` is linked to someone other than `requester` (VALIDATE-1) and returns
    /// the warning to show, if any.
    ///
    /// # Errors
    /// [`Error::InvalidPhoneNumber`]; [`Error::UnknownRecord`].
    pub fn validate_profile(
        &self,
        phone: &str,
        requester: (PartyTable, &str),
    ) -> Result<Option<String>, Error> {
        self.store.read(|tx| {
            let party = find_party(tx, requester.0, requester.1)?;
            let phone = E164::parse(phone, Some(party_region(tx, Some(&party))?))?;
            profile_warning(tx, &phone, &party)
        })
    }

    /// What the Compose SMS form shows to `agent` composing from `interaction` (COMPOSE-1..4,
    /// AGENT-5).
    ///
    /// # Errors
    /// [`Error::UnknownRecord`], [`Error::MissingRole`] (COMPOSE-7), [`Error::NoProvider`]
    /// (COMPOSE-1), [`Error::UnknownInteraction`].
    pub fn compose_form(
        &self,
        agent: &str,
        interaction: Option<&InteractionNumber>,
        requester: Option<(PartyTable, &str)>,
    ) -> Result<ComposeForm, Error> {
        let ext = self.extension();
        self.store.read(|tx| {
            let agent = authorized_agent(tx, agent)?;
            let context = load_context(tx, interaction, requester)?;
            let providers = tx.provider_numbers(CONVERSATIONAL_SMS)?;
            let ctx = ComposeContext {
                agent: &agent,
                interaction: context.0.as_ref(),
                requester: context.1.as_ref(),
                provider_numbers: &providers,
            };
            let from_choices = ext.send_from(&ctx);
            if from_choices.is_empty() {
                return Err(Error::NoProvider);
            }
            let to = ext.send_to(&ctx);
            let from = preselected_from(&from_choices, context.0.as_ref().filter(|i| i.active));
            let mut ongoing = None;
            if let Some(to) = &to {
                for f in from.iter().chain(from_choices.iter()) {
                    if let Some(i) = tx.active_sms_interaction(to, f)? {
                        ongoing = Some(i.number);
                        break;
                    }
                }
            }
            Ok(ComposeForm {
                from_choices,
                from,
                to,
                ongoing,
            })
        })
    }

    /// Sends a Compose SMS (AGENT-1..4, COMPOSE-1..9, VALIDATE-1..2).
    ///
    /// Every check runs before anything is written. On a provider refusal the interaction and the
    /// failed message stay, and [`SendOutcome::provider_error`] carries Twilio's error (PROVIDER-2).
    ///
    /// # Errors
    /// [`Error::MissingRole`], [`Error::NoProvider`], [`Error::FromRequired`],
    /// [`Error::FromNotAllowed`], [`Error::InvalidPhoneNumber`], [`Error::NoRecipient`],
    /// [`Error::NoRecipientNamed`],
    /// [`Error::EmptyMessage`], [`Error::AttachmentTypeNotAllowed`], [`Error::UnknownInteraction`],
    /// [`Error::UnknownRecord`].
    pub async fn send_sms(&self, req: ComposeRequest) -> Result<SendOutcome, Error> {
        let now = self.clock.now();
        let ext = self.extension();
        let config = self.settings();
        let (outcome, pending) = self.store.write(|tx| {
            let agent = authorized_agent(tx, &req.agent)?;
            let (context, requester) = load_context(
                tx,
                req.interaction.as_ref(),
                req.requester.as_ref().map(|(t, n)| (*t, n.as_str())),
            )?;
            let providers = tx.provider_numbers(CONVERSATIONAL_SMS)?;
            let ctx = ComposeContext {
                agent: &agent,
                interaction: context.as_ref(),
                requester: requester.as_ref(),
                provider_numbers: &providers,
            };
            let choices = ext.send_from(&ctx);
            if choices.is_empty() {
                return Err(Error::NoProvider);
            }
            let from = match &req.from {
                // A reply in an open conversation to its requester, not a new message.
                None => match preselected_from(
                    &choices,
                    context
                        .as_ref()
                        .filter(|i| i.active && matches!(req.to, ToField::Default)),
                ) {
                    Some(n) => n,
                    None => return Err(Error::FromRequired { choices }),
                },
                // Typed as the agent would (seeds 000-002: "manually enter a provider
                // number"), national numbers in the instance's default region.
                Some(text) => match E164::parse(text, Some(default_region(tx)?)) {
                    Ok(n) if choices.contains(&n) => n,
                    _ => {
                        return Err(Error::FromNotAllowed {
                            from: text.clone(),
                            choices,
                        })
                    }
                },
            };
            let to = match &req.to {
                ToField::Default => ext.send_to(&ctx).ok_or(match (&context, &requester) {
                    (None, None) => Error::NoRecipientNamed,
                    _ => Error::NoRecipient,
                })?,
                ToField::Other(text) => {
                    E164::parse(text, Some(party_region(tx, requester.as_ref())?))?
                }
            };
            if req.body.trim().is_empty() && req.attachment.is_none() {
                return Err(Error::EmptyMessage);
            }
            let media = match &req.attachment {
                Some(a) => {
                    check_attachment_type(tx, &a.content_type)?;
                    let id = tx.insert_attachment(&a.file_name, &a.content_type, &a.data)?;
                    vec![Media {
                        url: format!("{}/api/now/attachment/{id}/file", config.public_url),
                        content_type: a.content_type.clone(),
                    }]
                }
                None => vec![],
            };
            // The requester: the interaction's record, else the record the agent chose, else whoever
            // the number's profile links, else the guest user.
            let profile = tx.active_profile(&to)?;
            let requester = match requester {
                Some(r) => r,
                None => match profile.as_ref().and_then(|p| p.user.clone()) {
                    Some((t, id)) => tx
                        .party(t, &id)?
                        .ok_or(Error::Store(rusqlite::Error::QueryReturnedNoRows))?,
                    None => guest(tx)?,
                },
            };
            let warning = profile_warning(tx, &to, &requester)?;
            let active = tx.active_sms_interaction(&to, &from)?;
            let action = conversation::decide_compose(active.as_ref(), &requester);
            let interaction = match action {
                ComposeAction::Append {
                    interaction,
                    assign,
                    identify,
                } => {
                    let i = active.expect("append implies an active interaction");
                    debug_assert_eq!(i.sys_id, interaction);
                    if assign {
                        tx.assign(&i.sys_id, &Handler::Agent(agent.sys_id.clone()))?;
                    }
                    if identify {
                        // A guest conversation whose owner the agent names becomes theirs.
                        tx.relink_interaction(&i.sys_id, &requester)?;
                        ensure_profile(tx, &to, &requester, now)?;
                    }
                    self.agent_joins(tx, &i, &agent.sys_id, now)?;
                    i
                }
                ComposeAction::Open => {
                    let profile = ensure_profile(tx, &to, &requester, now)?;
                    self.open_for_agent(tx, &agent, &requester, &profile, &to, &from, now)?
                }
                ComposeAction::ReplaceVirtualAgent { close } => {
                    tx.close_interaction(&close, InteractionState::ClosedComplete, now)?;
                    let profile = ensure_profile(tx, &to, &requester, now)?;
                    self.open_for_agent(tx, &agent, &requester, &profile, &to, &from, now)?
                }
                ComposeAction::ReplaceRequester {
                    close,
                    deactivate_profile,
                } => {
                    tx.close_interaction(&close, InteractionState::ClosedComplete, now)?;
                    if let Some(p) = deactivate_profile {
                        tx.deactivate_profile(&p)?;
                    }
                    let profile = ensure_profile(tx, &to, &requester, now)?;
                    self.open_for_agent(tx, &agent, &requester, &profile, &to, &from, now)?
                }
            };
            self.actions_on_message(tx, &interaction, Side::Agent, now)?;
            self.awa_agent_message(tx, &interaction, &agent.sys_id, now)?;
            let send = queue_outbound(
                tx,
                &interaction,
                AuthorKind::Agent,
                Some(&agent.sys_id),
                &req.body,
                &media,
                &config,
                now,
            )?;
            Ok((
                SendOutcome {
                    interaction: interaction.number,
                    provider_error: None,
                    retry_at: None,
                    warning,
                },
                vec![send],
            ))
        })?;
        tracing::info!(interaction = %outcome.interaction, agent = %req.agent, "Compose SMS");
        let sent = self.dispatch(pending).await?.pop();
        let (provider_error, retry_at) = sent.map_or((None, None), |d| (d.error, d.retry_at));
        Ok(SendOutcome {
            provider_error,
            retry_at,
            ..outcome
        })
    }

    #[allow(clippy::too_many_arguments)]
    fn open_for_agent(
        &self,
        tx: &Tx<'_>,
        agent: &Party,
        requester: &Party,
        profile: &str,
        to: &E164,
        from: &E164,
        now: DateTime<Utc>,
    ) -> Result<Interaction, Error> {
        let i = tx.insert_interaction(
            InteractionType::Messaging,
            &Handler::Agent(agent.sys_id.clone()),
            requester,
            Some(profile),
            Some(to),
            Some(from),
            None,
            now,
        )?;
        self.agent_joins(tx, &i, &agent.sys_id, now)?;
        Ok(i)
    }

    fn agent_joins(
        &self,
        tx: &Tx<'_>,
        i: &Interaction,
        agent: &str,
        now: DateTime<Utc>,
    ) -> Result<(), Error> {
        if tx.join_live_group(&i.sys_id, agent, now)? {
            let name = tx.user_name(agent)?.unwrap_or_default();
            self.post_system_message(
                tx,
                i,
                &SystemMessage::AgentStarted { agent: name },
                now,
                SmsTiming::AfterCommit,
            )?;
        }
        Ok(())
    }
}

fn authorized_agent(tx: &Tx<'_>, user_name: &str) -> Result<Party, Error> {
    let agent = find_party(tx, PartyTable::SysUser, user_name)?;
    if !tx.has_role(&agent.sys_id, AGENT_ROLE)? {
        return Err(Error::MissingRole {
            user: user_name.to_owned(),
            role: AGENT_ROLE,
        });
    }
    Ok(agent)
}

/// The context interaction and the requester record of a compose.
fn load_context(
    tx: &Tx<'_>,
    interaction: Option<&InteractionNumber>,
    requester: Option<(PartyTable, &str)>,
) -> Result<(Option<Interaction>, Option<Party>), Error> {
    let context = match interaction {
        Some(n) => Some(
            tx.interaction(n)?
                .ok_or_else(|| Error::UnknownInteraction(n.to_string()))?,
        ),
        None => None,
    };
    let party = match (requester, &context) {
        (Some((t, name)), _) => Some(find_party(tx, t, name)?),
        (None, Some(i)) => tx
            .party(i.opened_for.0, &i.opened_for.1)?
            .filter(|p| !p.is_guest()),
        (None, None) => None,
    };
    Ok((context, party))
}

fn check_attachment_type(tx: &Tx<'_>, content_type: &str) -> Result<(), Error> {
    let allowed = tx
        .property(properties::ATTACHMENT_TYPES)?
        .unwrap_or_else(|| "image/*".to_owned());
    let ok = allowed.split(',').map(str::trim).any(|pat| {
        pat == "*/*"
            || pat.eq_ignore_ascii_case(content_type)
            || pat.strip_suffix("/*").is_some_and(|top| {
                content_type
                    .split('/')
                    .next()
                    .is_some_and(|t| t.eq_ignore_ascii_case(top))
            })
    });
    if ok {
        Ok(())
    } else {
        Err(Error::AttachmentTypeNotAllowed {
            content_type: content_type.to_owned(),
            allowed,
        })
    }
}

fn profile_warning(tx: &Tx<'_>, phone: &E164, requester: &Party) -> Result<Option<String>, Error> {
    match conversation::check_profile(tx.active_profile(phone)?.as_ref(), requester) {
        ProfileCheck::Ok => Ok(None),
        ProfileCheck::LinkedToOther { linked, .. } => {
            let other = tx
                .party(linked.0, &linked.1)?
                .map_or_else(|| linked.1.clone(), |p| p.describe());
            Ok(Some(format!(
                "The phone number {phone} is currently associated with {other}. Sending a new message will associate it with {}.",
                requester.describe()
            )))
        }
    }
}

/// The number's active profile for `requester`: kept when it links them (or links nobody, which
/// it then links to them), replaced when it links someone else (VALIDATE-1, AGENT-4).
fn ensure_profile(
    tx: &Tx<'_>,
    phone: &E164,
    requester: &Party,
    now: DateTime<Utc>,
) -> Result<SysId, Error> {
    let link = (!requester.is_guest()).then_some(requester);
    match tx.active_profile(phone)? {
        Some(p) => match (&p.user, link) {
            (Some((t, id)), Some(r)) if *t == r.table && *id == r.sys_id => Ok(p.sys_id),
            (None, Some(r)) => {
                tx.relink_profile(&p.sys_id, r)?;
                Ok(p.sys_id)
            }
            (_, None) => Ok(p.sys_id),
            (Some(_), Some(r)) => {
                tx.deactivate_profile(&p.sys_id)?;
                Ok(tx.insert_profile(phone, Some(r), now)?)
            }
        },
        None => Ok(tx.insert_profile(phone, link, now)?),
    }
}

/// The From the Compose SMS form preselects among `choices` (the extension's send-from numbers):
/// the only one (COMPOSE-2); else, for a reply in an open SMS interaction (`interaction`, given
/// only when it is active and the message goes to its requester), the provider number that
/// conversation already uses, so that the reply reaches the requester from the number they
/// texted (REQ-2, VA-7: the same conversation continues); else none, and the agent chooses
/// (COMPOSE-3: a new message).
fn preselected_from(choices: &[E164], interaction: Option<&Interaction>) -> Option<E164> {
    if let [only] = choices {
        return Some(only.clone());
    }
    interaction
        .and_then(|i| i.provider_phone.as_ref())
        .filter(|p| choices.contains(p))
        .cloned()
}
