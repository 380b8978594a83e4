//! The records of Conversational SMS, as the engine reads them from the store.
//!
//! Names follow ServiceNow's tables (`interaction`, `sys_cs_channel_user_profile`,
//! `live_group_profile`, `sys_cs_message`) and states.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use twilio_wire::sid::MessageSid;

use crate::domain::delivery::{DeliveryStatus, Direction};
use crate::domain::phone::{Region, E164};

/// A ServiceNow record id: 32 lower-case hex digits.
pub type SysId = String;

/// The sys_id of the built-in guest user (PROFILE-3).
pub const GUEST_SYS_ID: &str = "00000000000000000000000000000001";
/// The sys_id of the sys_user that stands for the virtual agent.
pub const VIRTUAL_AGENT_SYS_ID: &str = "00000000000000000000000000000002";
/// The role an agent needs to compose SMS (COMPOSE-7).
pub const AGENT_ROLE: &str = "agent_workspace_user";

/// An interaction number: `IMS` and seven digits, from `IMS0001001` up.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct InteractionNumber(String);

/// The text is not an interaction number.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("'{0}' is not an interaction number; expected IMS and seven digits, such as IMS0001001")]
pub struct BadInteractionNumber(pub String);

impl InteractionNumber {
    /// Parses `IMS` + 7 digits.
    ///
    /// # Errors
    /// [`BadInteractionNumber`] for anything else.
    pub fn parse(text: &str) -> Result<Self, BadInteractionNumber> {
        let t = text.trim();
        match t.strip_prefix("IMS") {
            Some(d) if d.len() == 7 && d.bytes().all(|b| b.is_ascii_digit()) => {
                Ok(InteractionNumber(t.to_owned()))
            }
            _ => Err(BadInteractionNumber(text.to_owned())),
        }
    }

    /// The number built from a counter value (`1001` → `IMS0001001`).
    pub fn from_counter(n: i64) -> Self {
        InteractionNumber(format!("IMS{n:07}"))
    }

    /// The number as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for InteractionNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for InteractionNumber {
    type Err = BadInteractionNumber;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

/// The table a requester record lives in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PartyTable {
    /// `sys_user`: a registered user (or the guest user).
    SysUser,
    /// `csm_consumer`: a B2C consumer.
    CsmConsumer,
    /// `customer_contact`: a B2B contact.
    CustomerContact,
}

impl PartyTable {
    /// ServiceNow's table name.
    pub fn as_str(self) -> &'static str {
        match self {
            PartyTable::SysUser => "sys_user",
            PartyTable::CsmConsumer => "csm_consumer",
            PartyTable::CustomerContact => "customer_contact",
        }
    }

    /// The table of a ServiceNow table name; `None` for other tables.
    pub fn from_table(name: &str) -> Option<Self> {
        match name {
            "sys_user" => Some(PartyTable::SysUser),
            "csm_consumer" => Some(PartyTable::CsmConsumer),
            "customer_contact" => Some(PartyTable::CustomerContact),
            _ => None,
        }
    }

    /// How the table is named in sentences ("user", "consumer", "contact").
    pub fn noun(self) -> &'static str {
        match self {
            PartyTable::SysUser => "user",
            PartyTable::CsmConsumer => "consumer",
            PartyTable::CustomerContact => "contact",
        }
    }
}

/// A requester record: a row of `sys_user`, `csm_consumer` or `customer_contact`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Party {
    /// Which table.
    pub table: PartyTable,
    /// Its sys_id.
    pub sys_id: SysId,
    /// Display name.
    pub name: String,
    /// Mobile phone in E.164, if known.
    pub phone: Option<E164>,
    /// Location (ISO 3166-1 alpha-2), if known: used to read national numbers (PHONE-2).
    pub country: Option<Region>,
}

impl Party {
    /// Whether this is the built-in guest user.
    pub fn is_guest(&self) -> bool {
        self.table == PartyTable::SysUser && self.sys_id == GUEST_SYS_ID
    }

    /// Whether this is the record `(table, sys_id)`.
    pub fn is(&self, record: &(PartyTable, SysId)) -> bool {
        self.table == record.0 && self.sys_id == record.1
    }

    /// A bare record for unit tests: its sys_id and name are `id`, no phone, no country.
    #[cfg(test)]
    pub(crate) fn fixture(table: PartyTable, id: &str) -> Party {
        Party {
            table,
            sys_id: id.into(),
            name: id.into(),
            phone: None,
            country: None,
        }
    }

    /// "consumer Ada Lovelace".
    pub fn describe(&self) -> String {
        format!("{} {}", self.table.noun(), self.name)
    }
}

/// A `sys_cs_channel_user_profile` row: a requester phone linked to a record, or to nobody.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChannelUserProfile {
    /// Its sys_id.
    pub sys_id: SysId,
    /// The requester phone.
    pub phone: E164,
    /// The linked record (`user_table`, `user_document`), `None` for a guest profile.
    pub user: Option<(PartyTable, SysId)>,
    /// Whether it is the number's current profile.
    pub active: bool,
}

/// A customer service case (`sn_customerservice_case`), as an SMS update notification reads it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CaseRecord {
    /// Its sys_id.
    pub sys_id: SysId,
    /// Its number, for example `CS0001001`.
    pub number: String,
    /// Its short description (may be empty).
    pub short_description: String,
    /// Its state, for example `open` or `resolved`.
    pub state: String,
    /// Its contact: `(contact_table, contact)`.
    pub contact: (PartyTable, SysId),
}

/// Interaction types used here.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InteractionType {
    /// A messaging interaction (channel `sms`).
    Messaging,
    /// A phone call interaction (VALIDATE-2).
    Phone,
}

impl InteractionType {
    /// ServiceNow's value.
    pub fn as_str(self) -> &'static str {
        match self {
            InteractionType::Messaging => "messaging",
            InteractionType::Phone => "phone",
        }
    }

    /// The type with this stored value; `None` for any other text.
    pub fn parse(s: &str) -> Option<Self> {
        [InteractionType::Messaging, InteractionType::Phone]
            .into_iter()
            .find(|t| t.as_str() == s)
    }
}

/// `interaction.state` values used here.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InteractionState {
    /// Opened, not yet with a live agent (with the virtual agent or waiting in the queue).
    New,
    /// A live agent works it.
    WorkInProgress,
    /// Waiting on something outside the conversation (set by agents or messaging actions).
    OnHold,
    /// Closed normally (also when a newer interaction replaces it, AGENT-3/4).
    ClosedComplete,
    /// Closed because the requester went silent.
    ClosedAbandoned,
}

/// The interaction fields this engine models, as filter conditions (messaging actions, queue
/// conditions) name them: `assigned_to` reads as the agent's user_name, the rest as stored.
pub const INTERACTION_FIELDS: [&str; 10] = [
    "number",
    "type",
    "channel",
    "state",
    "active",
    "opened_for_table",
    "requester_phone",
    "provider_phone",
    "va_topic",
    "assigned_to",
];

impl InteractionState {
    /// ServiceNow's value.
    pub fn as_str(self) -> &'static str {
        match self {
            InteractionState::New => "new",
            InteractionState::WorkInProgress => "work_in_progress",
            InteractionState::OnHold => "on_hold",
            InteractionState::ClosedComplete => "closed_complete",
            InteractionState::ClosedAbandoned => "closed_abandoned",
        }
    }

    /// Parses ServiceNow's value; `None` for states this engine does not use.
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "new" => InteractionState::New,
            "work_in_progress" => InteractionState::WorkInProgress,
            "on_hold" => InteractionState::OnHold,
            "closed_complete" => InteractionState::ClosedComplete,
            "closed_abandoned" => InteractionState::ClosedAbandoned,
            _ => return None,
        })
    }
}

/// Who handles an active interaction.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Handler {
    /// The virtual agent (REQ-3, AGENT-3).
    VirtualAgent,
    /// A live agent, by sys_id (REQ-2, AGENT-2).
    Agent(SysId),
    /// Nobody yet: waiting for a live agent.
    Queue,
}

/// An `interaction` row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Interaction {
    /// Its sys_id.
    pub sys_id: SysId,
    /// `IMS…`.
    pub number: InteractionNumber,
    /// messaging or phone.
    pub kind: InteractionType,
    /// Current state.
    pub state: InteractionState,
    /// Open or closed.
    pub active: bool,
    /// Who handles it.
    pub handler: Handler,
    /// `opened_for`: the requester record.
    pub opened_for: (PartyTable, SysId),
    /// The channel user profile it was opened with.
    pub profile: Option<SysId>,
    /// Requester phone (E.164).
    pub requester_phone: Option<E164>,
    /// Provider number (E.164), for SMS.
    pub provider_phone: Option<E164>,
    /// Current virtual-agent node, while the VA handles it.
    pub va_node: Option<String>,
    /// When it was opened.
    pub opened_at: DateTime<Utc>,
    /// The virtual agent's topic state (JSON of `topic::TopicState`), while it waits for input.
    pub va_state: Option<String>,
}

/// Who wrote a transcript message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AuthorKind {
    /// The person texting.
    Requester,
    /// The virtual agent.
    VirtualAgent,
    /// A live agent.
    Agent,
    /// The system (agent joined, closed, ...).
    System,
}

impl AuthorKind {
    /// Stored value.
    pub fn as_str(self) -> &'static str {
        match self {
            AuthorKind::Requester => "requester",
            AuthorKind::VirtualAgent => "virtual_agent",
            AuthorKind::Agent => "agent",
            AuthorKind::System => "system",
        }
    }

    /// The kind with this stored value; `None` for any other text.
    pub fn parse(s: &str) -> Option<Self> {
        [
            AuthorKind::Requester,
            AuthorKind::VirtualAgent,
            AuthorKind::Agent,
            AuthorKind::System,
        ]
        .into_iter()
        .find(|k| k.as_str() == s)
    }
}

/// One media item of a message.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Media {
    /// Absolute URL.
    pub url: String,
    /// MIME type, for example `image/png`.
    pub content_type: String,
}

/// A `sys_cs_message` row, as transcripts show it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Message {
    /// Position in the interaction, from 1.
    pub seq: i64,
    /// Which way it went.
    pub direction: Direction,
    /// Who wrote it.
    pub author_kind: AuthorKind,
    /// The agent's user_name, for agent messages.
    pub author: Option<String>,
    /// Text.
    pub body: String,
    /// Media.
    pub media: Vec<Media>,
    /// Twilio's MessageSid (`SM`/`MM` + 32 hex), once the provider has one.
    pub provider_sid: Option<MessageSid>,
    /// Where it is in its lifecycle.
    pub status: DeliveryStatus,
    /// Provider error code of a failed send.
    pub error_code: Option<i64>,
    /// Provider error text of a failed send.
    pub error_message: Option<String>,
    /// When it was written.
    pub created_at: DateTime<Utc>,
    /// When its status last changed.
    pub updated_at: DateTime<Utc>,
    /// How many times it was handed to the provider (0 for messages that are not sent).
    pub attempts: i64,
}

/// A name as a "did you mean" compares it: spaces dropped, ASCII letters in lower case (as
/// SQLite's `lower(replace(name, ' ', ''))`): `Alice Ng` and `alice ng` and `AliceNg` meet.
pub fn squeezed(name: &str) -> String {
    name.chars()
        .filter(|c| *c != ' ')
        .collect::<String>()
        .to_ascii_lowercase()
}

/// The integration name of Conversational SMS provider numbers (`sys_cs_provider_number`'s
/// integration; other integrations, such as ServiceNowTwilioDirect, keep their own numbers:
/// PROVIDER-1).
pub const CONVERSATIONAL_SMS: &str = "conversational_sms";
