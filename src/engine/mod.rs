//! The conversation engine: applies [`crate::domain::conversation`] decisions to the store and sends through the
//! provider.
//!
//! Each operation loads what it needs, decides, and writes in **one** transaction; messages to send
//! are written first as `pending` and then handed to the [`SmsProvider`], whose answer (a
//! MessageSid, or a refusal with Twilio's error code) is recorded on the same message. A refused
//! request writes nothing; a refused send keeps the failed message in the transcript (PROVIDER-2).

pub mod extension;
pub mod messaging_actions;
pub mod virtual_agent;
pub mod work_assignment;

use std::sync::{Arc, RwLock};

use chrono::{DateTime, Duration, Utc};
use twilio_wire::sid::MessageSid;

use crate::clock::Clock;
use crate::domain::conversation::{
    self as domain, ComposeAction, InboundRoute, ProfileCheck, ProfileDecision,
};
use crate::domain::keywords as notif;
use crate::domain::messaging_actions::Side;
use crate::domain::model::*;
use crate::domain::phone::{Region, E164};
use crate::domain::topic::{Input as TopicInput, TopicSet, TopicState, Turn};
use crate::engine::extension::{
    AgentInitiatedConversationUtil, AgentInitiatedMessagingUtilExtPointImpl, ComposeContext,
};
use crate::engine::virtual_agent as va;
use crate::error::Error;
use crate::provider::{OutboundSms, ProviderError, SmsProvider};
use crate::store::{SqliteStore, Tx};

/// The integration name of Conversational SMS provider numbers.
pub const CONVERSATIONAL_SMS: &str = "conversational_sms";

/// `sys_properties` the engine reads, with their defaults.
pub mod properties {
    /// Region for national numbers when the requester's location is unknown (PHONE-3); default `US`.
    pub const DEFAULT_REGION: &str = "glide.phone_number.default_region";
    /// Whether new requester conversations go to the virtual agent (`true`, default) or straight to
    /// live agents (`false`) (REQ-1).
    pub const VIRTUAL_AGENT_ENABLED: &str = "com.glide.cs.sms.virtual_agent.enabled";
    /// Comma-separated MIME patterns allowed as Compose SMS attachments; default `image/*`
    /// (COMPOSE-6).
    pub const ATTACHMENT_TYPES: &str = "com.glide.cs.sms.attachment.allowed_types";
}

/// An SMS as the provider's inbound webhook delivered it (Twilio §4.1), already authenticated.
#[derive(Clone, Debug)]
pub struct InboundSms {
    /// Twilio's MessageSid (`SM`/`MM` + 32 hex).
    pub sid: String,
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

/// A delivery status callback, as the provider posted it (Twilio §3.1), already authenticated.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StatusReport {
    /// The MessageSid (`SM`/`MM` + 32 hex).
    pub sid: String,
    /// `MessageStatus`: queued, sending, sent, delivered, undelivered or failed.
    pub status: String,
    /// `ErrorCode` on failed and undelivered messages (30003, 30005, ...).
    pub error_code: Option<i64>,
    /// `ErrorMessage`, when the provider sends one.
    pub error_message: Option<String>,
}

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
    /// The From number as typed or chosen; `None` to take the only one (COMPOSE-2).
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
    /// The provider's refusal, shown to the agent; the message stays in the transcript as failed.
    pub provider_error: Option<ProviderError>,
    /// A warning shown before sending, for example that the number was linked to someone else.
    pub warning: Option<String>,
}

/// Settings that are not data: where the provider posts statuses, where attachments are served.
#[derive(Clone, Debug, Default)]
pub struct EngineConfig {
    /// The StatusCallback URL sent with every message, if any.
    pub status_callback: Option<String>,
    /// The engine's public base URL (`http://127.0.0.1:PORT`), for attachment URLs.
    pub public_url: String,
}

pub(crate) struct PendingSend {
    message: SysId,
    /// Attempts already made.
    attempts: i64,
    sms: OutboundSms,
}

/// At most this many attempts are made to hand a message to the provider.
pub const MAX_SEND_ATTEMPTS: i64 = 5;
/// The wait before the first retry, in seconds; it doubles for each further attempt.
pub const RETRY_BACKOFF_SECS: i64 = 30;
/// How long, in seconds, a message may sit in queued/sending/sent before the engine asks the
/// provider for its status.
pub const RECONCILE_AFTER_SECS: i64 = 600;

/// What [`Engine::tick`] did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TickReport {
    /// Messaging actions fired and idle conversations closed.
    pub actions: crate::engine::messaging_actions::ActionReport,
    /// Sends attempted again.
    pub retried: usize,
    /// Messages whose status the provider's answer moved forward.
    pub reconciled: usize,
}

/// The Conversational SMS engine.
pub struct Engine {
    pub(crate) store: Arc<SqliteStore>,
    pub(crate) provider: Arc<dyn SmsProvider>,
    pub(crate) clock: Arc<dyn Clock>,
    extension: RwLock<Arc<dyn AgentInitiatedConversationUtil>>,
    pub(crate) config: RwLock<EngineConfig>,
    topics: RwLock<Arc<TopicSet>>,
}

impl Engine {
    /// An engine over `store`, sending through `provider`, with time from `clock`.
    pub fn new(
        store: Arc<SqliteStore>,
        provider: Arc<dyn SmsProvider>,
        clock: Arc<dyn Clock>,
    ) -> Self {
        Engine {
            store,
            provider,
            clock,
            extension: RwLock::new(Arc::new(AgentInitiatedMessagingUtilExtPointImpl)),
            config: RwLock::new(EngineConfig::default()),
            topics: RwLock::new(Arc::new(TopicSet::default())),
        }
    }

    /// The store (read access for queries and scenarios).
    pub fn store(&self) -> &SqliteStore {
        &self.store
    }

    /// The current instant of the engine's clock.
    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    /// Replaces the settings.
    pub fn configure(&self, config: EngineConfig) {
        *self.config.write().expect("config lock") = config;
    }

    /// Installs a customer's send-from/send-to implementation (COMPOSE-8).
    pub fn install_extension(&self, ext: Arc<dyn AgentInitiatedConversationUtil>) {
        *self.extension.write().expect("extension lock") = ext;
    }

    /// Replaces the virtual agent's topics (VA-1..10). Load them with [`TopicSet::load_dir`], which
    /// refuses what SMS cannot carry (VA-9).
    pub fn set_topics(&self, topics: Arc<TopicSet>) {
        *self.topics.write().expect("topics lock") = topics;
    }

    /// The virtual agent's topics.
    pub fn topics(&self) -> Arc<TopicSet> {
        self.topics.read().expect("topics lock").clone()
    }

    fn extension(&self) -> Arc<dyn AgentInitiatedConversationUtil> {
        self.extension.read().expect("extension lock").clone()
    }

    // ----- configuration ----------------------------------------------------------------------

    /// Adds `number` to provider application `application` of `integration` (PROVIDER-1).
    ///
    /// # Errors
    /// [`Error::InvalidPhoneNumber`] unless `number` is E.164; [`Error::ProviderNumberInUse`] when
    /// any application already has the number.
    pub fn add_provider_number(
        &self,
        application: &str,
        integration: &str,
        number: &str,
    ) -> Result<E164, Error> {
        let number = E164::parse(number, None)?;
        self.store.write(|tx| {
            if let Some((app, integ)) = tx.provider_number_owner(&number)? {
                return Err(Error::ProviderNumberInUse {
                    number: number.clone(),
                    application: app,
                    integration: integ,
                });
            }
            tx.insert_provider_number(application, integration, &number)?;
            Ok(number.clone())
        })
    }

    fn default_region(tx: &Tx<'_>) -> Result<Region, Error> {
        let code = tx
            .property(properties::DEFAULT_REGION)?
            .unwrap_or_else(|| "US".to_owned());
        Ok(Region::parse(&code)?)
    }

    // ----- phone and profile validation -------------------------------------------------------

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
                    .map_or_else(|| Self::default_region(tx), Ok)?,
                (None, None) => Self::default_region(tx)?,
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

    // ----- requester-initiated ----------------------------------------------------------------

    /// Handles an inbound SMS (PROFILE-1..4, REQ-1..3): matches the number to a requester, joins
    /// or opens the pair's interaction, lets the virtual agent answer, and sends its replies.
    ///
    /// # Errors
    /// [`Error::NotAProviderNumber`] when `to` is not a Conversational SMS number (nothing stored).
    pub async fn handle_inbound(&self, sms: InboundSms) -> Result<InboundOutcome, Error> {
        let now = self.clock.now();
        let public = self.config.read().expect("config").clone();
        let topics = self.topics();
        let (outcome, pending) = self.store.write(|tx| {
            if tx.has_provider_sid(&sms.sid)? {
                return Ok((InboundOutcome::Duplicate, vec![]));
            }
            let providers = tx.provider_numbers(CONVERSATIONAL_SMS)?;
            if !providers.contains(&sms.to) {
                return Err(Error::NotAProviderNumber(sms.to.clone()));
            }
            let profile = tx.active_profile(&sms.from)?;
            let (profile_id, opened_for) =
                match domain::match_profile(tx.user_by_phone(&sms.from)?, profile.as_ref()) {
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
            let keyword = notif::keyword(&sms.body);
            let route =
                domain::route_inbound(tx.active_sms_interaction(&sms.from, &sms.to)?, va_enabled);
            let mut pending = vec![];
            let interaction = match route {
                InboundRoute::Join(i) => {
                    let i = *i;
                    store_inbound(tx, &i, &sms, now)?;
                    if keyword.is_none() && i.handler == Handler::VirtualAgent {
                        let requester = tx
                            .party(i.opened_for.0, &i.opened_for.1)?
                            .unwrap_or_else(|| opened_for.clone());
                        let src = va::StoreChoices {
                            tx,
                            requester: &requester,
                        };
                        let state = i
                            .va_state
                            .as_deref()
                            .and_then(|j| serde_json::from_str::<TopicState>(j).ok());
                        let turn = match state {
                            Some(state) => topics.resume(&state, &topic_input(&sms), &src),
                            None => topics.start(&sms.body, &src),
                        };
                        self.apply_turn(tx, &i, turn, &public, now, &mut pending)?;
                    }
                    i
                }
                InboundRoute::Open { handler } => {
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
                    if handler == Handler::Queue {
                        self.route_to_live_agent(tx, &i, now)?;
                    }
                    if handler == Handler::VirtualAgent && keyword.is_none() {
                        let src = va::StoreChoices {
                            tx,
                            requester: &opened_for,
                        };
                        let turn = topics.start(&sms.body, &src);
                        self.apply_turn(tx, &i, turn, &public, now, &mut pending)?;
                    }
                    i
                }
            };
            self.actions_on_message(tx, &interaction, Side::Requester, now)?;
            self.awa_requester_message(tx, &interaction, now)?;
            if let Some(kw) = keyword {
                // START / STOP / Notification (NOTIF-1..5): the system answers, not the VA.
                let registered = opened_for.table == PartyTable::SysUser && !opened_for.is_guest();
                let current = if registered {
                    tx.subscription(&opened_for.sys_id)?
                } else {
                    None
                };
                let d = notif::decide(kw, Some(&opened_for), current, sms.opt_out_type.is_some());
                if let Some(enabled) = d.set {
                    tx.set_subscription(&opened_for.sys_id, enabled, now)?;
                }
                if let Some(reply) = d.reply {
                    pending.push(queue_outbound(
                        tx,
                        &interaction,
                        AuthorKind::System,
                        None,
                        reply,
                        &[],
                        &public,
                        now,
                    )?);
                }
            }
            Ok((InboundOutcome::Stored(interaction.number), pending))
        })?;
        self.dispatch(pending).await?;
        self.awa_flush().await?;
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

    /// Hands an interaction to live agents (REQ-1 without the virtual agent, VA-7, ROUTE-1): it
    /// waits unassigned in its Advanced Work Assignment queue and is offered to an available agent
    /// with free SMS capacity, who takes it by accepting in the Workspace Inbox (see
    /// [`crate::engine::work_assignment`]).
    pub(crate) fn route_to_live_agent(
        &self,
        tx: &Tx<'_>,
        i: &Interaction,
        now: DateTime<Utc>,
    ) -> Result<(), Error> {
        self.awa_route(tx, i, now)
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
            system_note(tx, i, &format!("{name} joined the conversation."), now)?;
        }
        Ok(())
    }

    // ----- agent-initiated --------------------------------------------------------------------

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
            let from = (from_choices.len() == 1).then(|| from_choices[0].clone());
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
    /// [`Error::EmptyMessage`], [`Error::AttachmentTypeNotAllowed`], [`Error::UnknownInteraction`],
    /// [`Error::UnknownRecord`].
    pub async fn send_sms(&self, req: ComposeRequest) -> Result<SendOutcome, Error> {
        let now = self.clock.now();
        let ext = self.extension();
        let config = self.config.read().expect("config").clone();
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
                None if choices.len() == 1 => choices[0].clone(),
                None => return Err(Error::FromRequired { choices }),
                Some(text) => match E164::parse(text, None) {
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
                ToField::Default => ext.send_to(&ctx).ok_or(Error::NoRecipient)?,
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
            let action = domain::decide_compose(active.as_ref(), &requester);
            let interaction = match action {
                ComposeAction::Append {
                    interaction,
                    assign,
                } => {
                    let i = active.expect("append implies an active interaction");
                    debug_assert_eq!(i.sys_id, interaction);
                    if assign {
                        tx.assign(&i.sys_id, &Handler::Agent(agent.sys_id.clone()))?;
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
                    warning,
                },
                vec![send],
            ))
        })?;
        let mut errors = self.dispatch(pending).await?;
        Ok(SendOutcome {
            provider_error: errors.pop().flatten(),
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

    /// Sends pending messages one by one and records each answer; returns each refusal.
    ///
    /// A retryable refusal ([`ProviderError::is_retryable`]: unreachable, 5xx, 429) leaves the
    /// message `retrying` with its next attempt [`RETRY_BACKOFF_SECS`] × 2^(attempt − 1) later, up to
    /// [`MAX_SEND_ATTEMPTS`] attempts; [`Engine::tick`] makes the attempt. Any other refusal, or the
    /// last attempt's, leaves it `failed` with the provider's code (PROVIDER-2). Nothing is dropped.
    async fn dispatch(
        &self,
        pending: Vec<PendingSend>,
    ) -> Result<Vec<Option<ProviderError>>, Error> {
        let mut out = Vec::with_capacity(pending.len());
        for p in pending {
            let result = self.provider.send(&p.sms).await;
            let now = self.clock.now();
            self.store.write(|tx| -> Result<(), Error> {
                match &result {
                    Ok(sent) => {
                        tx.record_send(
                            &p.message,
                            Some(sent.sid.as_str()),
                            &sent.status,
                            None,
                            now,
                        )?;
                        tx.count_attempt(&p.message)?;
                    }
                    Err(e) => {
                        let text = match e {
                            ProviderError::Rejected { message, .. } => message.clone(),
                            ProviderError::Unavailable(_) => e.to_string(),
                        };
                        let error = (e.code().map_or(0, i64::from), text.as_str());
                        let attempt = p.attempts + 1;
                        if e.is_retryable() && attempt < MAX_SEND_ATTEMPTS {
                            let wait = RETRY_BACKOFF_SECS << (attempt - 1);
                            tx.schedule_retry(
                                &p.message,
                                error,
                                now + Duration::seconds(wait),
                                now,
                            )?;
                        } else {
                            tx.record_send(&p.message, None, "failed", Some(error), now)?;
                            tx.count_attempt(&p.message)?;
                        }
                    }
                }
                Ok(())
            })?;
            out.push(result.err());
        }
        Ok(out)
    }

    /// Sends messages queued inside a transaction that has committed.
    pub(crate) async fn send_pending(&self, pending: Vec<PendingSend>) -> Result<(), Error> {
        self.dispatch(pending).await.map(|_| ())
    }

    /// Runs what is due at the clock's now (call it whenever time moves): fires due messaging
    /// actions and the virtual agent's idle timeout ([`Engine::run_due_actions`]), retries sends waiting in
    /// `retrying`, then asks the provider about messages whose status has not moved for
    /// [`RECONCILE_AFTER_SECS`] (a StatusCallback may have been dropped) and applies what it says
    /// as a status report would.
    ///
    /// # Errors
    /// [`Error::Store`]. Provider failures while reconciling are skipped and tried again at a later
    /// tick.
    pub async fn tick(&self) -> Result<TickReport, Error> {
        let now = self.clock.now();
        let actions = self.run_due_actions(now).await?;
        self.awa_tick(now).await?;
        let config = self.config.read().expect("config").clone();
        let pending = self.store.read(|tx| -> Result<Vec<PendingSend>, Error> {
            let mut pending = vec![];
            for row in tx.due_retries(now)? {
                let Some(i) = tx.interaction_by_sys_id(&row.interaction)? else {
                    continue;
                };
                let (Some(to), Some(from)) = (i.requester_phone, i.provider_phone) else {
                    continue;
                };
                pending.push(PendingSend {
                    message: row.message,
                    attempts: row.attempts,
                    sms: OutboundSms {
                        from,
                        to,
                        body: row.body,
                        media_urls: row.media.into_iter().map(|m| m.url).collect(),
                        status_callback: config.status_callback.clone(),
                    },
                });
            }
            Ok(pending)
        })?;
        let retried = pending.len();
        self.dispatch(pending).await?;

        let stale = self
            .store
            .read(|tx| tx.stale_in_flight(now - Duration::seconds(RECONCILE_AFTER_SECS)))?;
        let mut reconciled = 0;
        for sid in stale {
            let Ok(parsed) = MessageSid::parse(&sid) else {
                continue;
            };
            let Ok(state) = self.provider.fetch_state(&parsed).await else {
                continue;
            };
            let changed = self.handle_status(StatusReport {
                sid: sid.clone(),
                status: state.status,
                error_code: state.error_code.map(i64::from),
                error_message: state.error_message,
            })?;
            if changed {
                reconciled += 1;
            } else {
                self.store.write(|tx| tx.touch_message(&sid, now))?;
            }
        }
        Ok(TickReport {
            retried,
            reconciled,
            actions,
        })
    }

    // ----- provider callbacks -----------------------------------------------------------------

    /// Applies a delivery status callback (PROVIDER-3): the message with this MessageSid takes the
    /// reported status if it moves forward ([`domain::status_advances`]); a late, duplicated or
    /// out-of-order report changes nothing. Returns whether the status changed.
    ///
    /// A MessageSid the engine does not know is ignored (`Ok(false)`): it is not one of ours.
    ///
    /// # Errors
    /// [`Error::Store`].
    pub fn handle_status(&self, report: StatusReport) -> Result<bool, Error> {
        let now = self.clock.now();
        self.store.write(|tx| {
            let Some((message, current)) = tx.message_by_sid(&report.sid)? else {
                return Ok(false);
            };
            if !domain::status_advances(&current, &report.status) {
                return Ok(false);
            }
            let error = report
                .error_code
                .map(|c| (c, report.error_message.as_deref().unwrap_or("")));
            tx.set_message_status(&message, &report.status, error, now)?;
            Ok(true)
        })
    }

    // ----- agent tools ------------------------------------------------------------------------

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
            self.post_system_message(
                tx,
                &i,
                &crate::domain::work_assignment::SystemMessage::Closed,
                now,
            )?;
            tx.close_interaction(&i.sys_id, InteractionState::ClosedComplete, now)?;
            self.awa_closed(tx, &i, now)?;
            Ok::<_, Error>(())
        })?;
        self.awa_flush().await
    }
}

// ----- helpers that run inside a transaction ---------------------------------------------------

fn guest(tx: &Tx<'_>) -> Result<Party, Error> {
    Ok(tx
        .party(PartyTable::SysUser, GUEST_SYS_ID)?
        .expect("migration 1 creates the guest user"))
}

/// A record by name.
pub(crate) fn find_party(tx: &Tx<'_>, table: PartyTable, name: &str) -> Result<Party, Error> {
    tx.party_by_name(table, name)?
        .ok_or_else(|| Error::UnknownRecord {
            table: table.as_str(),
            name: name.to_owned(),
        })
}

fn party_region(tx: &Tx<'_>, party: Option<&Party>) -> Result<Region, Error> {
    match party.and_then(|p| p.country) {
        Some(r) => Ok(r),
        None => Engine::default_region(tx),
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
    match domain::check_profile(tx.active_profile(phone)?.as_ref(), requester) {
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
        "inbound",
        AuthorKind::Requester,
        None,
        &sms.body,
        &sms.media,
        Some(&sms.sid),
        "received",
        now,
    )?;
    Ok(())
}

pub(crate) fn system_note(
    tx: &Tx<'_>,
    i: &Interaction,
    text: &str,
    now: DateTime<Utc>,
) -> Result<(), Error> {
    tx.insert_message(
        &i.sys_id,
        "internal",
        AuthorKind::System,
        None,
        text,
        &[],
        None,
        "internal",
        now,
    )?;
    Ok(())
}

#[allow(clippy::too_many_arguments)]
pub(crate) fn queue_outbound(
    tx: &Tx<'_>,
    i: &Interaction,
    kind: AuthorKind,
    author: Option<&str>,
    body: &str,
    media: &[Media],
    config: &EngineConfig,
    now: DateTime<Utc>,
) -> Result<PendingSend, Error> {
    let (Some(to), Some(from)) = (i.requester_phone.clone(), i.provider_phone.clone()) else {
        unreachable!("SMS interactions always have both phones");
    };
    let message = tx.insert_message(
        &i.sys_id, "outbound", kind, author, body, media, None, "pending", now,
    )?;
    Ok(PendingSend {
        message,
        attempts: 0,
        sms: OutboundSms {
            from,
            to,
            body: body.to_owned(),
            media_urls: media.iter().map(|m| m.url.clone()).collect(),
            status_callback: config.status_callback.clone(),
        },
    })
}
