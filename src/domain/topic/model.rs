//! The topic model: what a loaded topic file is (nodes, choices, cards, branches) and the set of
//! topics the virtual agent runs. Plain data; [`super::load`] builds it, [`super::run`] runs it.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

/// One option of a Static or Dynamic Choice: what the requester reads and what the topic stores.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChoiceOption {
    /// Shown in the numbered list; a reply equal to it (any case) selects the option.
    pub label: String,
    /// Stored in the input's variable; a reply equal to it (any case) also selects the option.
    pub value: String,
}

impl ChoiceOption {
    /// An option from its label and value.
    pub fn new(label: impl Into<String>, value: impl Into<String>) -> Self {
        ChoiceOption {
            label: label.into(),
            value: value.into(),
        }
    }
}

/// One field of a Card: the record field to read and the label shown before its value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CardField {
    /// The record's field name, for example `short_description`.
    pub field: String,
    /// Shown as `Label: value`; the field name when the topic gives none.
    pub label: String,
}

/// One case of a branch: where to go when the variable matches.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BranchCase {
    /// The values that select this case (one for `equals`, several for `one_of`), compared
    /// ignoring case and surrounding spaces and punctuation.
    pub values: Vec<String>,
    /// The node to go to.
    pub next: String,
}

/// The Dynamic Choice source listing the requester's open cases (VA-3): `CS0001001 Router
/// broken`, valued by case number.
pub const OPEN_CASES: &str = "open_cases";

/// Every Dynamic Choice `source` the engine answers; a topic naming another is refused at load
/// ([`crate::domain::topic::TopicError::BadNode`]).
pub const DYNAMIC_CHOICE_SOURCES: [&str; 1] = [OPEN_CASES];

/// The tables a Card reads, by record `number` (VA-6, VA-8), each with the fields it may show:
/// every column of the table (a store test holds them to the schema). A topic naming another
/// table or field is refused at load.
pub const CARD_TABLES: [(&str, &[&str]); 2] = [
    (
        "sn_customerservice_case",
        &[
            "sys_id",
            "number",
            "short_description",
            "state",
            "assigned_to",
            "contact_table",
            "contact",
        ],
    ),
    (
        "x_convsms_order",
        &["sys_id", "number", "state", "carrier", "expected_delivery"],
    ),
];

/// The requester tables a `verify` node re-links to (PROFILE-4), each record named by its `name`
/// (as agents name them): a topic naming another table is refused at load.
pub const REQUESTER_TABLES: [&str; 3] = ["sys_user", "csm_consumer", "customer_contact"];

/// One node of a topic, as loaded (every reference checked).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Node {
    /// `input = "text"`: free text, trimmed, into `var` (VA-1). Without a prompt the topic waits
    /// silently for the requester's next message.
    TextInput {
        /// Sent as is (placeholders filled); `None` sends nothing.
        prompt: Option<String>,
        /// The variable the answer is stored in.
        var: String,
        /// Where to go after the answer; `None` ends the topic.
        next: Option<String>,
    },
    /// `input = "static_choice"`: a numbered list of fixed options (VA-2).
    StaticChoice {
        /// The question.
        prompt: String,
        /// Stores the chosen option's value; `<var>.label` its label.
        var: String,
        /// At least one, labels distinct ignoring case.
        options: Vec<ChoiceOption>,
        /// Where to go after the answer; `None` ends the topic.
        next: Option<String>,
    },
    /// `input = "dynamic_choice"`: a numbered list built at run time by [`ChoiceSource::options`](super::ChoiceSource::options)
    /// (VA-3).
    DynamicChoice {
        /// The question.
        prompt: String,
        /// Stores the chosen option's value; `<var>.label` its label.
        var: String,
        /// The name passed to [`ChoiceSource::options`](super::ChoiceSource::options), for example `open_cases`.
        source: String,
        /// Where to go, without asking, when the source has no options; `None` sends
        /// [`run::NO_OPTIONS`](super::run::NO_OPTIONS) and ends the topic.
        if_empty: Option<String>,
        /// Where to go after the answer; `None` ends the topic.
        next: Option<String>,
    },
    /// `input = "boolean"`: yes or no (VA-4); stores `yes` or `no`.
    Boolean {
        /// The question.
        prompt: String,
        /// Stores `yes` or `no`.
        var: String,
        /// Where to go after the answer; `None` ends the topic.
        next: Option<String>,
    },
    /// `input = "file_picker"`: an image sent by MMS (VA-5); stores its URL, `<var>.type` its
    /// content type.
    FilePicker {
        /// The question.
        prompt: String,
        /// Stores the media URL.
        var: String,
        /// Accepted content types, all `image/…` (`image/*` or exact types such as `image/png`).
        types: Vec<String>,
        /// Where to go after the answer; `None` ends the topic.
        next: Option<String>,
    },
    /// `response = "text"`.
    Text {
        /// Sent as is (placeholders filled).
        text: String,
        /// The next node; `None` ends the topic.
        next: Option<String>,
    },
    /// `response = "image"`: an MMS whose body is the alt text.
    Image {
        /// An absolute `http(s)://` URL, or a path relative to the topics folder (see
        /// [`TopicSet::media_file`]).
        url: String,
        /// The MMS body; may be empty.
        alt: String,
        /// The next node; `None` ends the topic.
        next: Option<String>,
    },
    /// `response = "link"`: `label: url`.
    Link {
        /// Text before the URL.
        label: String,
        /// The URL.
        url: String,
        /// The next node; `None` ends the topic.
        next: Option<String>,
    },
    /// `response = "card"`: fields of one record, one `Label: value` line each, read through
    /// [`ChoiceSource::card`](super::ChoiceSource::card).
    Card {
        /// An optional first line.
        title: Option<String>,
        /// The record's table, for example `sn_customerservice_case`.
        table: String,
        /// Which record (placeholders filled), for example `{case}`.
        record: String,
        /// At least one.
        fields: Vec<CardField>,
        /// Sent instead when the record is not found; `None` sends [`run::NOT_FOUND`](super::run::NOT_FOUND).
        not_found: Option<String>,
        /// The next node; `None` ends the topic.
        next: Option<String>,
    },
    /// `flow = "branch"`: the first case whose values match `var` (unset counts as empty), else
    /// `default`.
    Branch {
        /// The variable compared.
        var: String,
        /// Tried in order.
        cases: Vec<BranchCase>,
        /// Where to go when no case matches.
        default: String,
    },
    /// `flow = "verify"`: the virtual agent verifies who is texting and re-links the interaction
    /// and its messaging profile to that record (seed 002: "Virtual agent or live agent can
    /// verify the user and reassociate the interaction/profile with the correct user", PROFILE-4),
    /// through [`ChoiceSource::verify`](super::ChoiceSource::verify). Sends nothing itself.
    Verify {
        /// One of [`REQUESTER_TABLES`].
        table: String,
        /// The record's `name` (placeholders filled), for example `{who}`.
        record: String,
        /// Verified only when the record's mobile phone is the number texting (the record itself
        /// vouches for the handset); otherwise naming a record is enough, the topic's own
        /// questions before this node being the check.
        same_phone: bool,
        /// Where to go once re-linked; `None` ends the topic.
        next: Option<String>,
        /// Where to go when not verified (no such record, or another phone with `same_phone`);
        /// `None` sends [`run::NOT_VERIFIED`](super::run::NOT_VERIFIED) and ends the topic.
        if_unverified: Option<String>,
    },
    /// `flow = "transfer"`: hands the conversation to a live agent (VA-7).
    Transfer {
        /// Sent before the transfer; `None` sends nothing.
        message: Option<String>,
    },
    /// `flow = "end"`: the topic is over.
    End {
        /// Sent last; `None` sends nothing.
        message: Option<String>,
    },
}

impl Node {
    /// Whether the topic waits for the requester at this node.
    pub fn is_input(&self) -> bool {
        matches!(
            self,
            Node::TextInput { .. }
                | Node::StaticChoice { .. }
                | Node::DynamicChoice { .. }
                | Node::Boolean { .. }
                | Node::FilePicker { .. }
        )
    }
}

/// One topic, as loaded from one file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Topic {
    /// The `name` key; unique in a [`TopicSet`]; stored in [`TopicState::topic`](super::TopicState::topic).
    pub name: String,
    /// The file it came from, as given to the loader (for error messages).
    pub file: String,
    /// Free text for people; not sent.
    pub description: Option<String>,
    /// Trigger phrases, each as lower-case words (`"Order Status"` → `["order", "status"]`).
    pub triggers: Vec<Vec<String>>,
    /// Whether it answers messages no trigger matches.
    pub fallback: bool,
    /// Whether its triggers also switch to it from the middle of another topic.
    pub interrupt: bool,
    /// The first node.
    pub start: String,
    /// Every node by id.
    pub nodes: BTreeMap<String, Node>,
}

/// Every loaded topic, checked together (no duplicate names or triggers, at most one fallback).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TopicSet {
    /// In load order (file name order for [`TopicSet::load_dir`]).
    pub(super) topics: Vec<Topic>,
    /// The folder relative image URLs are resolved against; `None` unless loaded from a folder.
    pub(super) media_root: Option<PathBuf>,
}

impl TopicSet {
    /// Every topic, in load order.
    pub fn topics(&self) -> &[Topic] {
        &self.topics
    }

    /// The topic named `name`.
    pub fn topic(&self, name: &str) -> Option<&Topic> {
        self.topics.iter().find(|t| t.name == name)
    }

    /// The topic with `fallback = true`, if any.
    pub fn fallback(&self) -> Option<&Topic> {
        self.topics.iter().find(|t| t.fallback)
    }
}
