//! Virtual-agent topics: conversations a QA engineer writes as files, run as a pure state machine
//! over SMS (seed 003, rows VA-1..VA-10).
//!
//! - [`load`]: the topic files (`topics/*.toml`) and every refusal ([`TopicError`], VA-9).
//! - [`render`]: what each control and response looks like as an SMS or MMS ([`Outbound`]).
//! - [`reply`]: lenient reading of the requester's answers (VA-2, VA-4, VA-5, VA-10).
//! - [`run`]: the state machine, [`TopicSet::start`] and [`TopicSet::resume`], with the
//!   [`ChoiceSource`] port the engine implements for Dynamic Choice and Card.
//! - [`template`]: `{var}` placeholders.
//! - [`model`]: the topic file's shapes (nodes, inputs, responses), and the Dynamic Choice
//!   sources and card tables and fields the engine answers, which [`load`] holds topics to.
//! - [`error`]: [`TopicError`], every refusal of a topic file or folder.
//!
//! Nothing here reads a clock or a store or sends anything; the only IO is reading topic files in
//! [`TopicSet::load_dir`]. `docs/topics.md` is the guide for QA.
//!
//! # Why TOML
//!
//! A topic is a small graph of nodes, each with a handful of named settings, written and reviewed by
//! people who are not Rust programmers. TOML suits that: one `[nodes.<id>]` table per node reads as
//! a list of steps, strings need no escaping beyond quotes, comments are allowed, there is no
//! significant indentation to get wrong (YAML) and no bracket nesting to balance (JSON), and the
//! `toml` crate (the one Cargo itself uses) deserialises it through serde with line and column
//! in its errors. Unknown keys are refused, so a misspelt setting is an error, not a silent default.
//!
//! # The format in one example
//!
//! ```toml
//! name = "order_status"
//! trigger = ["order", "delivery"]        # words, any case; "order status" matches as a phrase
//! start = "pick"
//!
//! [nodes.pick]
//! input = "static_choice"                  # a user input control
//! prompt = "What do you need?"
//! var = "need"                             # stores the value; need.label stores the label
//! options = [{ label = "Where is it?", value = "track" }, { label = "Cancel it" , value = "cancel" }]
//! next = "route"
//!
//! [nodes.route]
//! flow = "branch"                          # branch, verify, transfer or end
//! var = "need"
//! cases = [{ equals = "track", next = "bye" }]
//! default = "agent"
//!
//! [nodes.bye]
//! response = "text"                        # a bot response
//! text = "It is on its way ({need.label})."
//!
//! [nodes.agent]
//! flow = "transfer"
//! message = "Transferring you to a live agent."
//! ```
//!
//! Each node has exactly one of `input` (text, static_choice, dynamic_choice, boolean,
//! file_picker), `response` (text, image, link, card) or `flow` (branch, verify, transfer, end); any other
//! kind is refused at load time, naming the file and the node. An input or response without
//! `next` ends the topic after it.

pub mod error;
pub mod load;
pub mod model;
pub mod render;
pub mod reply;
pub mod run;
pub mod template;

pub use error::TopicError;
pub use model::{
    BranchCase, CardField, ChoiceOption, Node, Topic, TopicSet, CARD_TABLES,
    DYNAMIC_CHOICE_SOURCES, OPEN_CASES, REQUESTER_TABLES,
};
pub use render::Outbound;
pub use run::{ChoiceSource, Input, NoChoiceSource, TopicContext, TopicState, Turn, Verification};

/// Loads every `*.toml` file of `dir` as one [`TopicSet`]; see [`TopicSet::load_dir`].
///
/// # Errors
///
/// Every [`TopicError`] variant but none other.
pub fn load_dir(dir: impl AsRef<std::path::Path>) -> Result<TopicSet, TopicError> {
    TopicSet::load_dir(dir)
}
