//! The engine's top-level error enum, organised by what the caller must do ([`Error::class`]).

use chrono::{DateTime, Utc};

use crate::domain::encoded_query::QueryError;
use crate::domain::model::InteractionNumber;
use crate::domain::phone::{PhoneError, E164};
use crate::domain::work_assignment::{AwaError, WorkItemState};
use crate::store::StoreError;

/// What a caller must do about an [`Error`]; the HTTP layer answers with its status code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorClass {
    /// The request is wrong (a number, a name, a missing field, a forged webhook): fix it and send
    /// it again. HTTP 400 (a webhook whose X-Twilio-Signature does not match is answered 403
    /// before the engine sees it).
    Request,
    /// The instance is not set up for this (no provider number, a number owned by another
    /// integration): an administrator must change the configuration. HTTP 409.
    Configuration,
    /// The engine or its database failed: report it. HTTP 500.
    Bug,
}

/// Why the engine refused or failed a request.
///
/// Every refusal happens before anything is written: a refused request leaves the store as it was.
///
/// - **Fix the request** ([`ErrorClass::Request`]): [`Error::InvalidPhoneNumber`] ..
///   [`Error::WorkAssignment`].
/// - **Fix the configuration** ([`ErrorClass::Configuration`]): [`Error::NoProvider`],
///   [`Error::ProviderNumberInUse`], [`Error::ProviderSetup`].
/// - **Report a bug** ([`ErrorClass::Bug`]): [`Error::Store`].
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A phone number is not a valid phone number (PHONE-4, COMPOSE-5).
    #[error(transparent)]
    InvalidPhoneNumber(#[from] PhoneError),
    /// No interaction has this number.
    #[error(
        "no interaction {0}; expected the number of one that exists (they are numbered IMS0001001, IMS0001002, ... as they open)"
    )]
    UnknownInteraction(String),
    /// No record of that kind has this name: `no sys_user named 'Alice'`, followed by `; did you
    /// mean 'alice'?` when records are named so but for case and spacing.
    #[error("no {table} named '{name}'{}", did_you_mean(.near))]
    UnknownRecord {
        /// `sys_user`, `csm_consumer`, `customer_contact` or `awa_queue`.
        table: &'static str,
        /// The name looked up.
        name: String,
        /// Names of that table equal to `name` but for letter case and spacing (at most three).
        near: Vec<String>,
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
    #[error("{} is not a provider number you can send from; expected one of {}",
        if from.trim().is_empty() { "an empty From" } else { from.as_str() }, list(.choices))]
    FromNotAllowed {
        /// The From given.
        from: String,
        /// The numbers allowed.
        choices: Vec<E164>,
    },
    /// No To number was given and none is known for the interaction (COMPOSE-4).
    #[error("no To number: the interaction's requester has no phone; choose Other and type one")]
    NoRecipient,
    /// No To number was given, and the message names no interaction and no requester whose
    /// number To could default to (COMPOSE-4).
    #[error("no To number: the message names no interaction and no requester to send to; name one, or choose Other and type a number")]
    NoRecipientNamed,
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
    /// A `sys_properties` value the engine would not use as given: a name the engine does not
    /// read, or a value of the wrong kind ([`crate::engine::Engine::set_property`]).
    #[error("property {name} refused: {problem}")]
    InvalidProperty {
        /// The property's name.
        name: String,
        /// What is wrong and what is expected.
        problem: String,
    },
    /// A messaging action cannot be saved: empty name, bad duration or text, or a filter that is
    /// not a valid encoded query (with the position of the error) (ACTION-4).
    #[error("messaging action refused: {0}")]
    InvalidAction(crate::domain::messaging_actions::ActionError),
    /// A Workspace Inbox answer or an AWA setting was refused: nothing (or not that) is offered to
    /// the agent, the offer expired, or a queue's condition is not a valid encoded query (ROUTE-1,
    /// INBOX-3).
    #[error(transparent)]
    WorkAssignment(#[from] WorkAssignmentRefusal),
    /// No Conversational SMS provider is configured: Compose SMS is not offered (COMPOSE-1).
    #[error("Compose SMS is not available: no messaging provider number is configured for Conversational SMS")]
    NoProvider,
    /// The number already belongs to an integration (PROVIDER-1): another one, or Conversational
    /// SMS itself (the number was added before).
    #[error("{}", number_in_use(number, application, integration))]
    ProviderNumberInUse {
        /// The number.
        number: E164,
        /// The application that has it.
        application: String,
        /// Its integration.
        integration: String,
    },
    /// The provider would not point a new provider number's messaging webhook at the engine:
    /// the number is not the provider account's, the credentials are wrong, or the provider
    /// is unreachable (PROVIDER-1).
    #[error("the SMS provider could not point {number} at this instance: {}", .source.reason())]
    ProviderSetup {
        /// The number being added.
        number: E164,
        /// What the provider answered.
        source: crate::provider::ProviderError,
    },
    /// The store failed: a bug or a broken database file.
    #[error("store failure: {0}")]
    Store(#[from] StoreError),
}

impl Error {
    /// What the caller must do about this error.
    pub fn class(&self) -> ErrorClass {
        match self {
            Error::NoProvider | Error::ProviderNumberInUse { .. } | Error::ProviderSetup { .. } => {
                ErrorClass::Configuration
            }
            Error::Store(_) => ErrorClass::Bug,
            Error::InvalidPhoneNumber(_)
            | Error::UnknownInteraction(_)
            | Error::UnknownRecord { .. }
            | Error::MissingRole { .. }
            | Error::FromRequired { .. }
            | Error::FromNotAllowed { .. }
            | Error::NoRecipient
            | Error::NoRecipientNamed
            | Error::EmptyMessage
            | Error::AttachmentTypeNotAllowed { .. }
            | Error::NotAProviderNumber(_)
            | Error::BadWebhook(_)
            | Error::InvalidAction(_)
            | Error::InvalidProperty { .. }
            | Error::WorkAssignment(_) => ErrorClass::Request,
        }
    }
}

/// Why a Workspace Inbox answer or an Advanced Work Assignment setting was refused, in the
/// agent's words (names and interaction numbers, not sys_ids) (ROUTE-1, INBOX-1..3).
#[derive(Debug, thiserror::Error)]
pub enum WorkAssignmentRefusal {
    /// A queue may not take the default queue's name.
    #[error("\"{default}\" is the default queue: it takes what no other queue takes; name your queue otherwise")]
    DefaultQueueName {
        /// The default queue's name.
        default: &'static str,
    },
    /// A queue's condition is not a valid encoded query (the error names the byte position).
    #[error("the condition of queue \"{queue}\": {error}")]
    InvalidCondition {
        /// The queue's name.
        queue: String,
        /// Where and why the condition does not parse.
        error: QueryError,
    },
    /// The interaction was never handed to live agents.
    #[error("{interaction} has no work item: it was never handed to live agents")]
    NeverRouted {
        /// The interaction named.
        interaction: InteractionNumber,
    },
    /// The agent answered without naming an interaction and nothing is offered to them.
    #[error("{agent}'s Workspace Inbox offers no work item")]
    NothingOffered {
        /// The agent's name.
        agent: String,
    },
    /// The agent answered without naming an interaction and several are offered to them.
    #[error("{agent}'s Workspace Inbox offers several work items ({}): say which", numbers(.offered))]
    SeveralOffered {
        /// The agent's name.
        agent: String,
        /// The interactions offered, oldest first.
        offered: Vec<InteractionNumber>,
    },
    /// The work item is waiting, accepted or cancelled: not offered to anyone.
    #[error("the work item for {interaction} is {}, not offered to {agent}", .state.as_str())]
    NotOffered {
        /// The interaction.
        interaction: InteractionNumber,
        /// The work item's state.
        state: WorkItemState,
        /// The agent who answered.
        agent: String,
    },
    /// The work item is offered to another agent.
    #[error("the work item for {interaction} is offered to {}, not to {agent}", .offered_to.as_deref().unwrap_or("another agent"))]
    OfferedToAnother {
        /// The interaction.
        interaction: InteractionNumber,
        /// The agent who answered.
        agent: String,
        /// The agent it is offered to, when known.
        offered_to: Option<String>,
    },
    /// The offer timed out before the answer.
    #[error("the offer of {interaction} to {agent} expired at {}", .expired_at.format("%H:%M:%S"))]
    OfferExpired {
        /// The interaction.
        interaction: InteractionNumber,
        /// The agent who answered.
        agent: String,
        /// When the offer expired.
        expired_at: DateTime<Utc>,
    },
    /// A transfer, leave or close of a closed conversation.
    #[error(
        "{interaction} is closed ({state}): a closed conversation cannot be transferred, left or closed again"
    )]
    Closed {
        /// The interaction.
        interaction: InteractionNumber,
        /// Its closed state: `closed_complete` or `closed_abandoned`.
        state: String,
    },
    /// A transfer, leave or close of an open conversation not assigned to the agent.
    #[error("{interaction} is {held}, not assigned to {agent}: only the agent it is assigned to can transfer, leave or close it")]
    NotAssigned {
        /// The interaction.
        interaction: InteractionNumber,
        /// The agent who tried.
        agent: String,
        /// Where it is: "assigned to bob", "with the virtual agent", "waiting for an agent".
        held: String,
    },
    /// An agent transferred a conversation to themselves.
    #[error("{agent} cannot transfer {interaction} to themselves: name another agent or a queue")]
    TransferToSelf {
        /// The interaction.
        interaction: InteractionNumber,
        /// The agent.
        agent: String,
    },
    /// The agent a conversation is transferred to cannot take it now.
    #[error("{agent} cannot take {interaction}: {why}; transfer it to an available agent with a free SMS slot, or to a queue")]
    CannotTake {
        /// The interaction.
        interaction: InteractionNumber,
        /// The agent named.
        agent: String,
        /// Why: "they are away", "they have no SMS presence", "their only SMS slot is taken",
        /// "all 3 of their SMS slots are taken".
        why: String,
    },
    /// A transfer names a queue that does not exist.
    #[error("no SMS queue is named '{queue}'; the queues are {}", .queues.iter().map(|q| format!("'{q}'")).collect::<Vec<_>>().join(", "))]
    UnknownQueue {
        /// The name given.
        queue: String,
        /// The queues there are, by name.
        queues: Vec<String>,
    },
    /// Any other refusal of the work-assignment rules.
    #[error(transparent)]
    Rule(#[from] AwaError),
}

fn numbers(list: &[InteractionNumber]) -> String {
    list.iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

fn list(choices: &[E164]) -> String {
    choices
        .iter()
        .map(E164::as_str)
        .collect::<Vec<_>>()
        .join(", ")
}

/// [`Error::ProviderNumberInUse`] in words: a number added twice is said as such, not as a
/// clash with another integration.
fn number_in_use(number: &E164, application: &str, integration: &str) -> String {
    if integration == crate::domain::model::CONVERSATIONAL_SMS {
        format!("{number} is already a Conversational SMS provider number")
    } else {
        format!(
            "{number} is already used by {application} ({integration}); Conversational SMS \
             needs numbers of its own"
        )
    }
}

/// `; did you mean 'a'?` (or `'a' or 'b'`) for names close to one that was not found; empty
/// for none.
fn did_you_mean(near: &[String]) -> String {
    if near.is_empty() {
        return String::new();
    }
    let quoted: Vec<String> = near.iter().map(|n| format!("'{n}'")).collect();
    format!("; did you mean {}?", quoted.join(" or "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes_say_what_the_caller_must_do() {
        assert_eq!(Error::EmptyMessage.class(), ErrorClass::Request);
        assert_eq!(
            Error::BadWebhook("no MessageSid".into()).class(),
            ErrorClass::Request
        );
        assert_eq!(Error::NoProvider.class(), ErrorClass::Configuration);
        assert_eq!(
            Error::Store(rusqlite::Error::QueryReturnedNoRows).class(),
            ErrorClass::Bug
        );
        let refusal = WorkAssignmentRefusal::NothingOffered {
            agent: "alice".into(),
        };
        assert_eq!(
            Error::from(refusal).to_string(),
            "alice's Workspace Inbox offers no work item"
        );
    }
}
