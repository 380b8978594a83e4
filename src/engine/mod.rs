//! The conversation engine: applies [`crate::domain::conversation`] decisions to the store and sends through the
//! provider.
//!
//! Each operation loads what it needs, decides, and writes in **one** transaction; messages to send
//! are written first as `pending` and then handed to the [`crate::provider::SmsProvider`], whose answer (a
//! MessageSid, or a refusal with Twilio's error code) is recorded on the same message. A refused
//! request writes nothing; a refused send keeps the failed message in the transcript (PROVIDER-2).

//!
//! One module per use case; this file only declares them and re-exports what callers use:
//!
//! - [`core`]: the [`Engine`] (ports, settings, topics, extension).
//! - [`config`]: `sys_properties` and provider numbers (PROVIDER-1).
//! - [`inbound`]: an inbound SMS, the virtual agent's turn and keywords (PROFILE, REQ, VA, NOTIF).
//! - [`compose`]: Compose SMS, phone and profile validation (AGENT, COMPOSE, PHONE, VALIDATE).
//! - [`delivery`]: dispatch, retries, status callbacks and reconciliation (PROVIDER-2, PROVIDER-3).
//! - [`messaging_actions`]: messaging-action timers and the idle timeout (ACTION).
//! - [`notifications`]: SMS update notifications to users who opted in (seed 003, NOTIF).
//! - [`work_assignment`]: AWA queues, offers, the Workspace Inbox and Ongoing tab (ROUTE, INBOX).
//! - [`interaction`]: re-linking and closing an interaction.
//! - [`system_messages`]: the system's lines to agents and the requester (SYSMSG).
//! - [`virtual_agent`]: the topic runtime's adapter to the store (Dynamic Choice, Card, a
//!   verified requester's re-link).
//! - [`extension`]: the `AgentInitiatedConversationUtil` extension point (COMPOSE-8).
//! - [`tick`]: [`Engine::tick`], everything that runs on the clock.
//! - `records`: look-ups shared by the use cases.

pub mod compose;
pub mod config;
pub mod core;
pub mod delivery;
pub mod extension;
pub mod inbound;
pub mod interaction;
pub mod messaging_actions;
pub mod notifications;
mod records;
pub mod system_messages;
pub mod tick;
pub mod virtual_agent;
pub mod work_assignment;

pub use self::compose::{Attachment, ComposeForm, ComposeRequest, SendOutcome, ToField};
pub use self::config::{
    check_property, properties, CONVERSATIONAL_SMS, DEFAULT_REGION_CODE, KNOWN_PROPERTIES,
};
pub use self::core::{Engine, EngineConfig};
pub use self::delivery::{
    StatusReport, MAX_SEND_ATTEMPTS, RECONCILE_AFTER_SECS, RETRY_BACKOFF_SECS,
};
pub use self::inbound::{InboundOutcome, InboundSms};
pub use self::notifications::CaseUpdate;
pub use self::tick::TickReport;
