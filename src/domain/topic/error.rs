//! [`TopicError`]: why topic files were refused. Every message names the file, and the topic and
//! node when there is one, so QA can fix the file without reading Rust.

use std::path::PathBuf;

/// The node kinds SMS supports, as the refusal messages list them.
pub const SUPPORTED_KINDS: &str = "input = text | static_choice | dynamic_choice | boolean | \
     file_picker; response = text | image | link | card; flow = branch | verify | transfer | end";

/// Why topic files were refused at load time. Nothing is loaded when any file is refused.
///
/// - **Reading**: [`TopicError::Io`], [`TopicError::NoTopics`].
/// - **One file**: [`TopicError::Parse`] .. [`TopicError::TooLong`].
/// - **Files together**: [`TopicError::DuplicateTopic`], [`TopicError::DuplicateTrigger`],
///   [`TopicError::TwoFallbacks`].
#[derive(Debug, thiserror::Error)]
pub enum TopicError {
    /// A folder or file could not be read.
    #[error("cannot read {}: {source}", .path.display())]
    Io {
        /// The folder or file.
        path: PathBuf,
        /// What the OS said.
        source: std::io::Error,
    },
    /// The folder has no `*.toml` file.
    #[error("{}: no topic files (*.toml) in this folder", .dir.display())]
    NoTopics {
        /// The folder.
        dir: PathBuf,
    },
    /// Not TOML, or a topic-level key is missing, misspelt or of the wrong type.
    #[error("{file}: not a valid topic file: {message}")]
    Parse {
        /// The file.
        file: String,
        /// The `toml` crate's message, with line and column.
        message: String,
    },
    /// A topic-level setting is wrong: empty name, a trigger with no words, a topic that is not
    /// the fallback and has no trigger (nothing could ever start it).
    #[error("{file}: topic `{topic}`: {message}")]
    BadTopic {
        /// The file.
        file: String,
        /// The topic's name (possibly empty).
        topic: String,
        /// What is wrong.
        message: String,
    },
    /// A node is malformed: not exactly one of `input`, `response`, `flow`; a missing, unknown or
    /// mistyped key; a bad variable name; no or duplicate options; a branch case without exactly
    /// one of `equals` and `one_of`; a card without fields; a malformed image URL.
    #[error("{file}: topic `{topic}`, node `{node}`: {message}")]
    BadNode {
        /// The file.
        file: String,
        /// The topic.
        topic: String,
        /// The node id.
        node: String,
        /// What is wrong.
        message: String,
    },
    /// A control, response or flow kind SMS does not support (VA-9), for example
    /// `input = "date_picker"` or `response = "carousel"`.
    #[error(
        "{file}: topic `{topic}`, node `{node}`: {category} `{kind}` is not supported over SMS; \
         supported: {supported}",
        supported = SUPPORTED_KINDS
    )]
    Unsupported {
        /// The file.
        file: String,
        /// The topic.
        topic: String,
        /// The node id.
        node: String,
        /// `input`, `response` or `flow`.
        category: String,
        /// The kind asked for.
        kind: String,
    },
    /// A File Picker accepting a type that is not an image (VA-5, VA-9): only images can be sent
    /// in an SMS conversation.
    #[error(
        "{file}: topic `{topic}`, node `{node}`: file_picker type `{content_type}` is not \
         supported over SMS: only images can be sent (use image/* or types such as image/png)"
    )]
    NonImageFileType {
        /// The file.
        file: String,
        /// The topic.
        topic: String,
        /// The node id.
        node: String,
        /// The refused type, as written.
        content_type: String,
    },
    /// `start` is missing, or names no node.
    #[error("{file}: topic `{topic}`: {}", start_problem(.start))]
    MissingStart {
        /// The file.
        file: String,
        /// The topic.
        topic: String,
        /// The `start` key, if given.
        start: Option<String>,
    },
    /// A `next`, `default`, `if_empty` or case `next` names no node.
    #[error(
        "{file}: topic `{topic}`, node `{node}`: `{field}` goes to `{target}`, but there is no \
         node `{target}`"
    )]
    DanglingRef {
        /// The file.
        file: String,
        /// The topic.
        topic: String,
        /// The node holding the reference.
        node: String,
        /// `next`, `default`, `if_empty` or `cases[<i>].next` (from 0).
        field: String,
        /// The missing node id.
        target: String,
    },
    /// A `{placeholder}` or a branch's `var` names no variable an input of the topic captures.
    #[error(
        "{file}: topic `{topic}`, node `{node}`: `{var}` is not a variable of this topic \
         (variables: {})", list(.known)
    )]
    UnknownVariable {
        /// The file.
        file: String,
        /// The topic.
        topic: String,
        /// The node using it.
        node: String,
        /// The name used.
        var: String,
        /// Every variable the topic captures, sorted.
        known: Vec<String>,
    },
    /// Responses and branches that lead back to themselves without an input in between: the bot
    /// would talk forever.
    #[error(
        "{file}: topic `{topic}`: nodes {} loop without waiting for the requester",
        .nodes.join(" -> ")
    )]
    Loop {
        /// The file.
        file: String,
        /// The topic.
        topic: String,
        /// The loop, first node repeated at the end.
        nodes: Vec<String>,
    },
    /// From a node, more nodes run one after another without waiting for the requester than
    /// one turn may run ([`crate::domain::topic::load::MAX_RUN`]).
    #[error(
        "{file}: topic `{topic}`, node `{node}`: {run} nodes run one after another without \
         waiting for the requester; at most {max} may (add an input, or split the topic)"
    )]
    TooLong {
        /// The file.
        file: String,
        /// The topic.
        topic: String,
        /// The first node of the longest such run.
        node: String,
        /// How many nodes that run has.
        run: usize,
        /// The most allowed.
        max: usize,
    },
    /// An image URL names a file that is not in the topics folder.
    #[error("{file}: topic `{topic}`, node `{node}`: image `{url}` is not a file of {}",
        .root.display())]
    MissingMedia {
        /// The file.
        file: String,
        /// The topic.
        topic: String,
        /// The node id.
        node: String,
        /// The relative URL.
        url: String,
        /// The topics folder.
        root: PathBuf,
    },
    /// Two files declare the same topic name.
    #[error("two topics are named `{name}`: {first_file} and {second_file}")]
    DuplicateTopic {
        /// The name.
        name: String,
        /// The file loaded first.
        first_file: String,
        /// The other file.
        second_file: String,
    },
    /// Two topics share a trigger phrase (compared as lower-case words).
    #[error(
        "trigger `{trigger}` is used by topic `{first_topic}` ({first_file}) and by topic \
         `{second_topic}` ({second_file})"
    )]
    DuplicateTrigger {
        /// The phrase, normalised (lower-case words, one space apart).
        trigger: String,
        /// The first topic.
        first_topic: String,
        /// Its file.
        first_file: String,
        /// The second topic.
        second_topic: String,
        /// Its file.
        second_file: String,
    },
    /// Two topics set `fallback = true`.
    #[error(
        "two fallback topics: `{first_topic}` ({first_file}) and `{second_topic}` \
         ({second_file}); only one topic may set fallback = true"
    )]
    TwoFallbacks {
        /// The first topic.
        first_topic: String,
        /// Its file.
        first_file: String,
        /// The second topic.
        second_topic: String,
        /// Its file.
        second_file: String,
    },
}

fn start_problem(start: &Option<String>) -> String {
    match start {
        None => "no `start` node (add start = \"<node id>\")".to_owned(),
        Some(s) => format!("starts at `{s}`, but there is no node `{s}`"),
    }
}

fn list(names: &[String]) -> String {
    if names.is_empty() {
        "none".to_owned()
    } else {
        names.join(", ")
    }
}
