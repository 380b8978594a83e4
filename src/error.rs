//! The engine's one error enum, organised by what the caller must do.

use crate::domain::phone::{PhoneError, E164};
use crate::store::StoreError;

/// Why the engine refused or failed a request.
///
/// Every refusal happens before anything is written: a refused request leaves the store as it was.
///
/// - **Fix the request**: [`Error::InvalidPhoneNumber`] .. [`Error::BadWebhook`].
/// - **Fix the configuration**: [`Error::NoProvider`], [`Error::ProviderNumberInUse`].
/// - **Report a bug**: [`Error::Store`].
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A phone number is not a valid phone number (PHONE-4, COMPOSE-5).
    #[error(transparent)]
    InvalidPhoneNumber(#[from] PhoneError),
    /// No interaction has this number.
    #[error(
        "no interaction {0}; expected the number of an existing interaction, such as IMS0001001"
    )]
    UnknownInteraction(String),
    /// No record of that kind has this name.
    #[error("no {table} named '{name}'")]
    UnknownRecord {
        /// `sys_user`, `csm_consumer` or `customer_contact`.
        table: &'static str,
        /// The name looked up.
        name: String,
    },
    /// The user lacks a role the operation needs (COMPOSE-7).
    #[error("{user} lacks the {role} role, which Compose SMS requires")]
    MissingRole {
        /// The user's user_name.
        user: String,
        /// The role needed.
        role: &'static str,
    },
    /// Several provider numbers and no From chosen (COMPOSE-3).
    #[error("choose a From number: this instance has several provider numbers ({})", list(.choices))]
    FromRequired {
        /// The numbers to choose among.
        choices: Vec<E164>,
    },
    /// The From number is not one the agent may send from (COMPOSE-3, COMPOSE-8).
    #[error("{from} is not a provider number you can send from; expected one of {}", list(.choices))]
    FromNotAllowed {
        /// The From given.
        from: String,
        /// The numbers allowed.
        choices: Vec<E164>,
    },
    /// No To number was given and none is known for the interaction (COMPOSE-4).
    #[error("no To number: the interaction's requester has no phone; choose Other and type one")]
    NoRecipient,
    /// Neither text nor attachment (COMPOSE-9).
    #[error("the message is empty: type a message or attach a file")]
    EmptyMessage,
    /// The attachment's type is not allowed (COMPOSE-6).
    #[error("attachments of type {content_type} are not allowed; allowed: {allowed} (an administrator can allow more)")]
    AttachmentTypeNotAllowed {
        /// The attachment's MIME type.
        content_type: String,
        /// The allowed MIME patterns.
        allowed: String,
    },
    /// An inbound SMS was addressed to a number that is not a Conversational SMS provider number.
    #[error("{0} is not a Conversational SMS provider number")]
    NotAProviderNumber(E164),
    /// An inbound webhook is not Twilio's (bad or missing X-Twilio-Signature, missing parameters)
    /// (PROVIDER-4).
    #[error("refused webhook: {0}")]
    BadWebhook(String),
    /// A messaging action cannot be saved: empty name, bad duration or text, or a filter that is
    /// not a valid encoded query (with the position of the error) (ACTION-4).
    #[error("messaging action refused: {0}")]
    InvalidAction(crate::domain::messaging_actions::ActionError),
    /// A Workspace Inbox answer or an AWA setting was refused: nothing (or not that) is offered to
    /// the agent, the offer expired, or a queue's condition is not a valid encoded query (ROUTE-1,
    /// INBOX-3).
    #[error("{0}")]
    WorkAssignment(String),
    /// No Conversational SMS provider is configured: Compose SMS is not offered (COMPOSE-1).
    #[error("Compose SMS is not available: no messaging provider number is configured for Conversational SMS")]
    NoProvider,
    /// The number already belongs to another integration (PROVIDER-1).
    #[error("{number} is already used by {application} ({integration}); Conversational SMS needs numbers of its own")]
    ProviderNumberInUse {
        /// The number.
        number: E164,
        /// The application that has it.
        application: String,
        /// Its integration.
        integration: String,
    },
    /// The store failed: a bug or a broken database file.
    #[error("store failure: {0}")]
    Store(#[from] StoreError),
}

fn list(choices: &[E164]) -> String {
    choices
        .iter()
        .map(E164::as_str)
        .collect::<Vec<_>>()
        .join(", ")
}
