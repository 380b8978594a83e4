//! Typed parameters of advanced Work Assignment: presence, queues and work items.

use std::str::FromStr;

use convsms::domain::model::InteractionNumber;
use convsms::domain::work_assignment::Presence;
use cucumber::Parameter;

use super::{interaction_number, quoted_texts, unhonoured, unread, Unhonoured};

/// An agent's presence on the SMS channel: `available`, `away` or `offline`.
#[derive(Clone, Copy, Debug, Parameter)]
#[param(name = "presence", regex = "available|away|offline")]
pub struct AgentPresence(pub Presence);

impl FromStr for AgentPresence {
    type Err = Unhonoured;
    fn from_str(words: &str) -> Result<Self, Unhonoured> {
        match Presence::parse(words) {
            Some(p) => Ok(AgentPresence(p)),
            None => unread(words, "a presence"),
        }
    }
}

/// An optional clause ` in order 10`: a queue's order.
#[derive(Clone, Copy, Debug, Parameter)]
#[param(name = "in_order", regex = r"(?: in order -?\d+)?")]
pub struct InOrder(pub Option<i32>);

impl FromStr for InOrder {
    type Err = Unhonoured;
    fn from_str(words: &str) -> Result<Self, Unhonoured> {
        match words.strip_prefix(" in order ") {
            None => Ok(InOrder(None)),
            Some(n) => n
                .parse()
                .map(|n| InOrder(Some(n)))
                .or_else(|_| unhonoured(format!("{n} is too large a queue order"))),
        }
    }
}

/// An optional clause ` with agent "bob"` or ` with agents "bob", "carol"`.
#[derive(Clone, Debug)]
pub struct WithAgents(pub Vec<String>);
parameter!(
    WithAgents,
    "with_agents",
    concat!("(?: with agents? ", quoted_list!(), ")?")
);

impl FromStr for WithAgents {
    type Err = Unhonoured;
    fn from_str(words: &str) -> Result<Self, Unhonoured> {
        Ok(WithAgents(quoted_texts(words)))
    }
}

/// `accepts` or `rejects` (a work item).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Parameter)]
#[param(name = "verdict", regex = "accepts|rejects")]
pub enum Verdict {
    /// The agent takes it.
    Accept,
    /// The agent declines it.
    Reject,
}

impl FromStr for Verdict {
    type Err = Unhonoured;
    fn from_str(words: &str) -> Result<Self, Unhonoured> {
        Ok(if words == "accepts" {
            Verdict::Accept
        } else {
            Verdict::Reject
        })
    }
}

/// Which work item: `offered work item` (the only one offered) or `work item for IMS0001001`.
#[derive(Clone, Debug, Parameter)]
#[param(name = "offer", regex = r"offered work item|work item for \S+")]
pub struct Offer(pub Option<InteractionNumber>);

impl FromStr for Offer {
    type Err = Unhonoured;
    fn from_str(words: &str) -> Result<Self, Unhonoured> {
        match words.strip_prefix("work item for ") {
            Some(n) => interaction_number(n).map(|n| Offer(Some(n))),
            None => Ok(Offer(None)),
        }
    }
}

/// What a Workspace Inbox holds: `offers IMS0001001 and IMS0001002` or `is empty`.
#[derive(Clone, Debug, Parameter)]
#[param(name = "inbox", regex = r"offers \S+(?:(?:, | and )\S+)*|is empty")]
pub struct InboxOffers(pub Vec<InteractionNumber>);

impl FromStr for InboxOffers {
    type Err = Unhonoured;
    fn from_str(words: &str) -> Result<Self, Unhonoured> {
        let list = words.strip_prefix("offers ").unwrap_or_default();
        list.replace(" and ", ", ")
            .split(", ")
            .filter(|s| !s.is_empty())
            .map(interaction_number)
            .collect::<Result<_, _>>()
            .map(InboxOffers)
    }
}

/// What waits in a queue, in line (oldest first, the order they will be offered in): `waiting
/// IMS0001002 and IMS0001003` or `nothing waiting`.
#[derive(Clone, Debug, PartialEq, Eq, Parameter)]
#[param(
    name = "waiting",
    regex = r"waiting \S+(?:(?:, | and )\S+)*|nothing waiting"
)]
pub struct Waiting(pub Vec<InteractionNumber>);

impl FromStr for Waiting {
    type Err = Unhonoured;
    fn from_str(words: &str) -> Result<Self, Unhonoured> {
        let list = words.strip_prefix("waiting ").unwrap_or_default();
        list.replace(" and ", ", ")
            .split(", ")
            .filter(|s| !s.is_empty())
            .map(interaction_number)
            .collect::<Result<_, _>>()
            .map(Waiting)
    }
}
