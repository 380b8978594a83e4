//! Loading topic files into a checked [`TopicSet`], and every refusal (VA-9).
//!
//! One file is one topic. A file is refused, with a [`TopicError`] naming it (and the topic and
//! node), when:
//!
//! - it is not TOML, or a topic-level key is missing, unknown or of the wrong type
//!   ([`TopicError::Parse`]); the keys are `name`, `trigger`, `start`, `nodes`, and optionally
//!   `description`, `fallback` and `interrupt`;
//! - the name is empty, a trigger has no words, or a topic that is not the fallback has no trigger
//!   ([`TopicError::BadTopic`]);
//! - a node uses a kind SMS does not support, such as `input = "date_picker"`, `"carousel"`,
//!   `"multi_flat_select"` or `response = "html"` ([`TopicError::Unsupported`]), or a File Picker
//!   accepts something other than images ([`TopicError::NonImageFileType`]);
//! - a node is otherwise malformed ([`TopicError::BadNode`]): among others, a kind misspelt
//!   (`staticchoice`: a "did you mean"), a Dynamic Choice `source` the engine does not answer
//!   ([`DYNAMIC_CHOICE_SOURCES`]), a card `table` or field it cannot read ([`CARD_TABLES`]), a
//!   verify `table` that is no requester table ([`REQUESTER_TABLES`]);
//! - `start` is missing or names no node ([`TopicError::MissingStart`]);
//! - a `next`, `default`, `if_empty`, `if_unverified` or case names no node
//!   ([`TopicError::DanglingRef`]);
//! - a `{placeholder}` or branch names no variable of the topic ([`TopicError::UnknownVariable`]);
//! - responses and branches loop without an input in between ([`TopicError::Loop`]), or run more
//!   than [`MAX_RUN`] nodes in a row ([`TopicError::TooLong`]);
//! - a relative image URL names no file of the topics folder ([`TopicError::MissingMedia`],
//!   [`TopicSet::load_dir`] only).
//!
//! Files are also checked together: two topics with one name, one trigger phrase in two topics,
//! two fallbacks. The first problem found is reported (files in name order, nodes in id order).

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::Path;

use serde::de::DeserializeOwned;
use serde::Deserialize;

use super::error::TopicError;
use super::model::{
    BranchCase, CardField, ChoiceOption, Node, Topic, TopicSet, CARD_TABLES,
    DYNAMIC_CHOICE_SOURCES, REQUESTER_TABLES,
};
use super::reply;
use super::template::{is_var_name, placeholders};
use twilio_wire::webhook::OptOutType;

/// The supported `input` kinds (seed 003: Text, Static Choice, Dynamic Choice, Boolean, File
/// Picker).
pub const INPUT_KINDS: &[&str] = &[
    "text",
    "static_choice",
    "dynamic_choice",
    "boolean",
    "file_picker",
];
/// The supported `response` kinds (seed 003: Text, Image, Link, Card).
pub const RESPONSE_KINDS: &[&str] = &["text", "image", "link", "card"];
/// The supported `flow` kinds.
pub const FLOW_KINDS: &[&str] = &["branch", "verify", "transfer", "end"];

/// Virtual Agent Designer's kinds that SMS cannot carry (VA-9), refused as such, never taken
/// for a slip of the keyboard near a supported one (`time_picker` is not `file_picker`).
const UNSUPPORTED_KINDS: &[&str] = &[
    "carousel",
    "date_picker",
    "time_picker",
    "date_time_picker",
    "multi_flat_select",
    "multi_select",
    "masked",
    "html",
    "script",
];

impl TopicSet {
    /// The file behind a relative image URL of a loaded topic (`media/guide.png` →
    /// `<topics dir>/media/guide.png`), for the engine to serve; `None` for absolute URLs, for
    /// URLs no topic uses, and for sets not loaded from a folder.
    pub fn media_file(&self, url: &str) -> Option<std::path::PathBuf> {
        let root = self.media_root.as_ref()?;
        let used = self.topics.iter().any(|t| {
            t.nodes
                .values()
                .any(|n| matches!(n, Node::Image { url: u, .. } if u == url))
        });
        (used && is_relative_media(url)).then(|| root.join(url))
    }

    /// Loads every `*.toml` file directly in `dir` (not in sub-folders), in file-name order, as
    /// [`TopicSet::from_sources`] does, then checks that every relative image URL names a file
    /// under `dir`. Other files are ignored. Error messages name files as `dir` joined with the
    /// file name.
    ///
    /// # Errors
    ///
    /// [`TopicError::Io`] when `dir` or a file cannot be read, [`TopicError::NoTopics`] when `dir`
    /// has no `*.toml` file, [`TopicError::MissingMedia`], and every error of
    /// [`TopicSet::from_sources`].
    pub fn load_dir(dir: impl AsRef<Path>) -> Result<TopicSet, TopicError> {
        let dir = dir.as_ref();
        let io = |path: &Path| {
            let path = path.to_owned();
            move |source| TopicError::Io { path, source }
        };
        let mut files = vec![];
        for entry in fs::read_dir(dir).map_err(io(dir))? {
            let path = entry.map_err(io(dir))?.path();
            if path.extension().is_some_and(|e| e == "toml") && path.is_file() {
                files.push(path);
            }
        }
        if files.is_empty() {
            return Err(TopicError::NoTopics {
                dir: dir.to_owned(),
            });
        }
        files.sort();
        let mut sources = vec![];
        for path in files {
            let text = fs::read_to_string(&path).map_err(io(&path))?;
            sources.push((path.display().to_string(), text));
        }
        let mut set =
            TopicSet::from_sources(sources.iter().map(|(f, t)| (f.as_str(), t.as_str())))?;
        for topic in &set.topics {
            for (id, node) in &topic.nodes {
                if let Node::Image { url, .. } = node {
                    if is_relative_media(url) && !dir.join(url).is_file() {
                        return Err(TopicError::MissingMedia {
                            file: topic.file.clone(),
                            topic: topic.name.clone(),
                            node: id.clone(),
                            url: url.clone(),
                            root: dir.to_owned(),
                        });
                    }
                }
            }
        }
        set.media_root = Some(dir.to_owned());
        Ok(set)
    }

    /// The same set, with relative image URLs served from `dir` (see [`TopicSet::media_file`]);
    /// for sets built with [`TopicSet::from_sources`] from a folder's files plus others.
    #[must_use]
    pub fn with_media_root(mut self, dir: impl Into<std::path::PathBuf>) -> TopicSet {
        self.media_root = Some(dir.into());
        self
    }

    /// One topic from the text of one file; `file` is only used in error messages (for example
    /// `"topics/greeting.toml"`).
    ///
    /// # Errors
    ///
    /// Every per-file error of [`TopicSet::from_sources`].
    #[allow(clippy::should_implement_trait)]
    pub fn from_str(file: &str, text: &str) -> Result<TopicSet, TopicError> {
        TopicSet::from_sources([(file, text)])
    }

    /// Several topics from `(file name, file text)` pairs, checked one by one in the order given,
    /// then together. Relative image URLs are not checked against files (no folder).
    ///
    /// # Errors
    ///
    /// Per file: [`TopicError::Parse`], [`TopicError::BadTopic`], [`TopicError::Unsupported`],
    /// [`TopicError::NonImageFileType`], [`TopicError::BadNode`], [`TopicError::MissingStart`],
    /// [`TopicError::DanglingRef`], [`TopicError::UnknownVariable`], [`TopicError::Loop`],
    /// [`TopicError::TooLong`].
    /// Together: [`TopicError::DuplicateTopic`], [`TopicError::DuplicateTrigger`],
    /// [`TopicError::TwoFallbacks`].
    pub fn from_sources<'a>(
        sources: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Result<TopicSet, TopicError> {
        let mut topics: Vec<Topic> = vec![];
        for (file, text) in sources {
            let t = parse_topic(file, text)?;
            if let Some(first) = topics.iter().find(|o| o.name == t.name) {
                return Err(TopicError::DuplicateTopic {
                    name: t.name,
                    first_file: first.file.clone(),
                    second_file: t.file,
                });
            }
            if let Some(first) = topics.iter().find(|o| o.fallback && t.fallback) {
                return Err(TopicError::TwoFallbacks {
                    first_topic: first.name.clone(),
                    first_file: first.file.clone(),
                    second_topic: t.name,
                    second_file: t.file,
                });
            }
            for trigger in &t.triggers {
                if let Some(first) = topics.iter().find(|o| o.triggers.contains(trigger)) {
                    return Err(TopicError::DuplicateTrigger {
                        trigger: trigger.join(" "),
                        first_topic: first.name.clone(),
                        first_file: first.file.clone(),
                        second_topic: t.name.clone(),
                        second_file: t.file.clone(),
                    });
                }
            }
            topics.push(t);
        }
        Ok(TopicSet {
            topics,
            media_root: None,
        })
    }
}

/// Whether an image URL names a file beside the topics (served by the engine) rather than an
/// absolute URL: no `://` and no placeholder.
pub fn is_relative_media(url: &str) -> bool {
    !url.contains("://") && !url.contains('{')
}

/// Lower-case words of a message or trigger: runs of letters and digits (`"What's up?"` →
/// `["what", "s", "up"]`).
pub fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTopic {
    name: String,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    trigger: Vec<String>,
    #[serde(default)]
    start: Option<String>,
    #[serde(default)]
    fallback: bool,
    #[serde(default)]
    interrupt: bool,
    #[serde(default)]
    nodes: BTreeMap<String, toml::Table>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTextInput {
    prompt: Option<String>,
    var: String,
    next: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawOption {
    label: String,
    value: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawStaticChoice {
    prompt: String,
    var: String,
    options: Vec<RawOption>,
    next: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDynamicChoice {
    prompt: String,
    var: String,
    source: String,
    if_empty: Option<String>,
    next: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBoolean {
    prompt: String,
    var: String,
    next: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFilePicker {
    prompt: String,
    var: String,
    types: Option<Vec<String>>,
    next: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawText {
    text: String,
    next: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawImage {
    url: String,
    alt: Option<String>,
    next: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLink {
    label: String,
    url: String,
    next: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawField {
    field: String,
    label: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCard {
    title: Option<String>,
    table: String,
    record: String,
    fields: Vec<RawField>,
    not_found: Option<String>,
    next: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCase {
    equals: Option<String>,
    one_of: Option<Vec<String>>,
    next: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBranch {
    var: String,
    #[serde(default)]
    cases: Vec<RawCase>,
    default: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawVerify {
    table: String,
    record: String,
    #[serde(default)]
    same_phone: bool,
    next: Option<String>,
    if_unverified: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMessage {
    message: Option<String>,
}

/// Where a node-level problem is: builds the errors.
struct At<'a> {
    file: &'a str,
    topic: &'a str,
    node: &'a str,
}

impl At<'_> {
    fn bad(&self, message: impl Into<String>) -> TopicError {
        TopicError::BadNode {
            file: self.file.to_owned(),
            topic: self.topic.to_owned(),
            node: self.node.to_owned(),
            message: message.into(),
        }
    }

    /// The node's settings as `T`; a refusal names the kind and, where it is one key's fault
    /// (a wrong type), that key: `flow verify: same_phone: invalid type: …`.
    fn de<T: DeserializeOwned>(&self, kind: &str, table: toml::Table) -> Result<T, TopicError> {
        serde_path_to_error::deserialize(toml::Value::Table(table)).map_err(
            |e: serde_path_to_error::Error<toml::de::Error>| {
                let path = e.path().to_string();
                let message = e.inner().message().trim().to_owned();
                // An unknown or missing key's message names it already.
                if path == "." || path.is_empty() || message.contains(&format!("`{path}`")) {
                    self.bad(format!("{kind}: {message}"))
                } else {
                    self.bad(format!("{kind}: {path}: {message}"))
                }
            },
        )
    }

    fn var(&self, var: String) -> Result<String, TopicError> {
        if is_var_name(&var) {
            Ok(var)
        } else {
            Err(self.bad(format!(
                "`var` must be letters, digits and _ only (got `{var}`)"
            )))
        }
    }

    fn not_empty(&self, key: &str, value: String) -> Result<String, TopicError> {
        if value.trim().is_empty() {
            Err(self.bad(format!("`{key}` must not be empty")))
        } else {
            Ok(value)
        }
    }
}

fn parse_topic(file: &str, text: &str) -> Result<Topic, TopicError> {
    let raw: RawTopic = toml::from_str(text).map_err(|e| TopicError::Parse {
        file: file.to_owned(),
        message: e.to_string().trim_end().to_owned(),
    })?;
    let name = raw.name.trim().to_owned();
    let bad_topic = |message: String| TopicError::BadTopic {
        file: file.to_owned(),
        topic: name.clone(),
        message,
    };
    if name.is_empty() {
        return Err(bad_topic("`name` must not be empty".to_owned()));
    }
    let mut triggers: Vec<Vec<String>> = vec![];
    for t in &raw.trigger {
        let w = words(t);
        if w.is_empty() {
            return Err(bad_topic(format!(
                "trigger \"{t}\" has no words (letters or digits)"
            )));
        }
        if !triggers.contains(&w) {
            triggers.push(w);
        }
    }
    if triggers.is_empty() && !raw.fallback {
        return Err(bad_topic(
            "no trigger, so nothing can start this topic: add trigger = [\"word\", ...] \
             or make it the fallback (fallback = true)"
                .to_owned(),
        ));
    }
    let mut nodes = BTreeMap::new();
    for (id, table) in raw.nodes {
        let at = At {
            file,
            topic: &name,
            node: &id,
        };
        let node = parse_node(&at, table)?;
        nodes.insert(id, node);
    }
    let topic = Topic {
        name: name.clone(),
        file: file.to_owned(),
        description: raw.description,
        triggers,
        fallback: raw.fallback,
        interrupt: raw.interrupt,
        start: String::new(),
        nodes,
    };
    let start = match raw.start {
        Some(s) if topic.nodes.contains_key(&s) => s,
        start => {
            return Err(TopicError::MissingStart {
                file: file.to_owned(),
                topic: name,
                start,
            })
        }
    };
    let topic = Topic { start, ..topic };
    check_refs(&topic)?;
    check_vars(&topic)?;
    check_loops(&topic)?;
    Ok(topic)
}

fn parse_node(at: &At<'_>, mut table: toml::Table) -> Result<Node, TopicError> {
    let present: Vec<&str> = ["input", "response", "flow"]
        .into_iter()
        .filter(|k| table.contains_key(*k))
        .collect();
    let category = match present.as_slice() {
        [one] => *one,
        [] => {
            return Err(at.bad(
                "a node needs exactly one of input = \"…\", response = \"…\" or flow = \"…\"",
            ))
        }
        many => {
            return Err(at.bad(format!(
                "a node is exactly one of input, response or flow, not {}",
                many.join(" and ")
            )))
        }
    };
    let kind = match table.remove(category) {
        Some(toml::Value::String(s)) => s,
        _ => return Err(at.bad(format!("`{category}` must be a string, such as \"text\""))),
    };
    let supported = match category {
        "input" => INPUT_KINDS,
        "response" => RESPONSE_KINDS,
        _ => FLOW_KINDS,
    };
    if !supported.contains(&kind.as_str()) {
        // A slip of the keyboard (`staticchoice`, `imgae`: one edit, `_` aside) is a typo, not
        // a control SMS lacks.
        let near = (!UNSUPPORTED_KINDS.contains(&kind.as_str()))
            .then(|| nearest_within(&kind, supported.iter().copied(), 1))
            .flatten();
        if let Some(near) = near {
            return Err(at.bad(format!(
                "{category} `{kind}` is no {category} kind; did you mean `{near}`?"
            )));
        }
        return Err(TopicError::Unsupported {
            file: at.file.to_owned(),
            topic: at.topic.to_owned(),
            node: at.node.to_owned(),
            category: category.to_owned(),
            kind,
        });
    }
    let what = format!("{category} {kind}");
    let node = match (category, kind.as_str()) {
        ("input", "text") => {
            let r: RawTextInput = at.de(&what, table)?;
            Node::TextInput {
                prompt: r.prompt.filter(|p| !p.trim().is_empty()),
                var: at.var(r.var)?,
                next: r.next,
            }
        }
        ("input", "static_choice") => {
            let r: RawStaticChoice = at.de(&what, table)?;
            Node::StaticChoice {
                prompt: r.prompt,
                var: at.var(r.var)?,
                options: options(at, r.options)?,
                next: r.next,
            }
        }
        ("input", "dynamic_choice") => {
            let r: RawDynamicChoice = at.de(&what, table)?;
            let source = at.not_empty("source", r.source)?;
            if !DYNAMIC_CHOICE_SOURCES.contains(&source.as_str()) {
                return Err(at.bad(format!(
                    "`source` `{source}` is no Dynamic Choice source{}; the sources: {}",
                    did_you_mean(&source, DYNAMIC_CHOICE_SOURCES),
                    DYNAMIC_CHOICE_SOURCES.join(", ")
                )));
            }
            Node::DynamicChoice {
                prompt: r.prompt,
                var: at.var(r.var)?,
                source,
                if_empty: r.if_empty,
                next: r.next,
            }
        }
        ("input", "boolean") => {
            let r: RawBoolean = at.de(&what, table)?;
            Node::Boolean {
                prompt: r.prompt,
                var: at.var(r.var)?,
                next: r.next,
            }
        }
        ("input", "file_picker") => {
            let r: RawFilePicker = at.de(&what, table)?;
            let types = r.types.unwrap_or_else(|| vec!["image/*".to_owned()]);
            if types.is_empty() {
                return Err(at.bad("`types` must not be empty (leave it out for image/*)"));
            }
            for t in &types {
                let ok = t
                    .trim()
                    .to_ascii_lowercase()
                    .strip_prefix("image/")
                    .is_some_and(|sub| !sub.is_empty() && !sub.contains(['/', ';', ' ']));
                if !ok {
                    return Err(TopicError::NonImageFileType {
                        file: at.file.to_owned(),
                        topic: at.topic.to_owned(),
                        node: at.node.to_owned(),
                        content_type: t.clone(),
                    });
                }
            }
            Node::FilePicker {
                prompt: r.prompt,
                var: at.var(r.var)?,
                types,
                next: r.next,
            }
        }
        ("response", "text") => {
            let r: RawText = at.de(&what, table)?;
            Node::Text {
                text: at.not_empty("text", r.text)?,
                next: r.next,
            }
        }
        ("response", "image") => {
            let r: RawImage = at.de(&what, table)?;
            let url = at.not_empty("url", r.url)?;
            check_image_url(at, &url)?;
            Node::Image {
                url,
                alt: r.alt.unwrap_or_default(),
                next: r.next,
            }
        }
        ("response", "link") => {
            let r: RawLink = at.de(&what, table)?;
            Node::Link {
                label: r.label,
                url: at.not_empty("url", r.url)?,
                next: r.next,
            }
        }
        ("response", "card") => {
            let r: RawCard = at.de(&what, table)?;
            if r.fields.is_empty() {
                return Err(at.bad("a card needs at least one field"));
            }
            let table = at.not_empty("table", r.table)?;
            let Some((_, columns)) = CARD_TABLES.iter().find(|(name, _)| *name == table) else {
                let tables = CARD_TABLES.map(|(name, _)| name);
                return Err(at.bad(format!(
                    "`table` `{table}` is no table a card reads{}; the tables: {}",
                    did_you_mean(&table, tables),
                    tables.join(", ")
                )));
            };
            let mut fields = vec![];
            for f in r.fields {
                let field = at.not_empty("field", f.field)?;
                if !columns.contains(&field.as_str()) {
                    return Err(at.bad(format!(
                        "field `{field}` is no field of {table}{}; its fields: {}",
                        did_you_mean(&field, columns.iter().copied()),
                        columns.join(", ")
                    )));
                }
                let label = f.label.unwrap_or_else(|| field.clone());
                fields.push(CardField { field, label });
            }
            Node::Card {
                title: r.title.filter(|t| !t.trim().is_empty()),
                table,
                record: at.not_empty("record", r.record)?,
                fields,
                not_found: r.not_found,
                next: r.next,
            }
        }
        ("flow", "branch") => {
            let r: RawBranch = at.de(&what, table)?;
            let mut cases = vec![];
            for (i, c) in r.cases.into_iter().enumerate() {
                let values = match (c.equals, c.one_of) {
                    (Some(v), None) => vec![v],
                    (None, Some(vs)) if !vs.is_empty() => vs,
                    _ => {
                        return Err(at.bad(format!(
                            "cases[{i}] needs exactly one of `equals = \"…\"` and a non-empty \
                             `one_of = [\"…\", …]`"
                        )))
                    }
                };
                cases.push(BranchCase {
                    values,
                    next: c.next,
                });
            }
            Node::Branch {
                var: r.var,
                cases,
                default: r.default,
            }
        }
        ("flow", "verify") => {
            let r: RawVerify = at.de(&what, table)?;
            let table = at.not_empty("table", r.table)?;
            if !REQUESTER_TABLES.contains(&table.as_str()) {
                return Err(at.bad(format!(
                    "`table` `{table}` is no requester table{}; the tables: {}",
                    did_you_mean(&table, REQUESTER_TABLES),
                    REQUESTER_TABLES.join(", ")
                )));
            }
            Node::Verify {
                table,
                record: at.not_empty("record", r.record)?,
                same_phone: r.same_phone,
                next: r.next,
                if_unverified: r.if_unverified,
            }
        }
        ("flow", "transfer") => Node::Transfer {
            message: at.de::<RawMessage>(&what, table)?.message,
        },
        _ => Node::End {
            message: at.de::<RawMessage>(&what, table)?.message,
        },
    };
    Ok(node)
}

fn options(at: &At<'_>, raw: Vec<RawOption>) -> Result<Vec<ChoiceOption>, TopicError> {
    if raw.is_empty() {
        return Err(at.bad("a static_choice needs at least one option"));
    }
    let mut out: Vec<ChoiceOption> = vec![];
    for o in raw {
        let label = at.not_empty("label", o.label)?;
        if OptOutType::of_keyword(&label) == Some(OptOutType::Stop) {
            return Err(at.bad(format!(
                "option `{label}` is one of Twilio's opt-out keywords: a requester who replies \
                 with it is unsubscribed from the number and gets no further message; label it \
                 in more than one word (for example `{label} it`)"
            )));
        }
        let value = o.value.unwrap_or_else(|| label.clone());
        for prev in &out {
            if reply::normalize(&prev.label) == reply::normalize(&label) {
                return Err(at.bad(format!("two options are labelled `{label}`")));
            }
            if reply::normalize(&prev.value) == reply::normalize(&value) {
                return Err(at.bad(format!("two options have the value `{value}`")));
            }
        }
        out.push(ChoiceOption { label, value });
    }
    Ok(out)
}

fn check_image_url(at: &At<'_>, url: &str) -> Result<(), TopicError> {
    if !is_relative_media(url) {
        let lower = url.to_ascii_lowercase();
        if url.contains("://") && !(lower.starts_with("http://") || lower.starts_with("https://")) {
            return Err(at.bad(format!(
                "image url `{url}` must be http(s)://… or a file path relative to the topics folder"
            )));
        }
        return Ok(());
    }
    let escapes = url.starts_with('/')
        || url.contains('\\')
        || url.split('/').any(|seg| seg == ".." || seg.is_empty());
    if escapes {
        return Err(at.bad(format!(
            "image url `{url}` must be http(s)://… or a file path relative to the topics folder \
             (no leading /, no ..)"
        )));
    }
    Ok(())
}

/// The node ids a node refers to, with the key that holds each.
fn refs(node: &Node) -> Vec<(String, &str)> {
    let mut out = vec![];
    match node {
        Node::TextInput { next, .. }
        | Node::StaticChoice { next, .. }
        | Node::Boolean { next, .. }
        | Node::FilePicker { next, .. }
        | Node::Text { next, .. }
        | Node::Image { next, .. }
        | Node::Link { next, .. }
        | Node::Card { next, .. } => out.extend(next.as_deref().map(|n| ("next".to_owned(), n))),
        Node::DynamicChoice { if_empty, next, .. } => {
            out.extend(next.as_deref().map(|n| ("next".to_owned(), n)));
            out.extend(if_empty.as_deref().map(|n| ("if_empty".to_owned(), n)));
        }
        Node::Verify {
            next,
            if_unverified,
            ..
        } => {
            out.extend(next.as_deref().map(|n| ("next".to_owned(), n)));
            out.extend(
                if_unverified
                    .as_deref()
                    .map(|n| ("if_unverified".to_owned(), n)),
            );
        }
        Node::Branch { cases, default, .. } => {
            for (i, c) in cases.iter().enumerate() {
                out.push((format!("cases[{i}].next"), c.next.as_str()));
            }
            out.push(("default".to_owned(), default.as_str()));
        }
        Node::Transfer { .. } | Node::End { .. } => {}
    }
    out
}

/// The node ids reached from a node without waiting for the requester.
fn flow_edges(node: &Node) -> Vec<&str> {
    match node {
        Node::Text { next, .. }
        | Node::Image { next, .. }
        | Node::Link { next, .. }
        | Node::Card { next, .. } => next.as_deref().into_iter().collect(),
        Node::DynamicChoice { if_empty, .. } => if_empty.as_deref().into_iter().collect(),
        Node::Verify {
            next,
            if_unverified,
            ..
        } => next
            .iter()
            .chain(if_unverified)
            .map(String::as_str)
            .collect(),
        Node::Branch { cases, default, .. } => cases
            .iter()
            .map(|c| c.next.as_str())
            .chain(std::iter::once(default.as_str()))
            .collect(),
        _ => vec![],
    }
}

/// The texts of a node that may hold placeholders.
fn texts(node: &Node) -> Vec<&str> {
    match node {
        Node::TextInput { prompt, .. } => prompt.as_deref().into_iter().collect(),
        Node::StaticChoice {
            prompt, options, ..
        } => std::iter::once(prompt.as_str())
            .chain(options.iter().map(|o| o.label.as_str()))
            .collect(),
        Node::DynamicChoice { prompt, .. }
        | Node::Boolean { prompt, .. }
        | Node::FilePicker { prompt, .. } => vec![prompt],
        Node::Text { text, .. } => vec![text],
        Node::Image { url, alt, .. } => vec![url, alt],
        Node::Link { label, url, .. } => vec![label, url],
        Node::Card {
            title,
            record,
            not_found,
            ..
        } => title
            .as_deref()
            .into_iter()
            .chain(std::iter::once(record.as_str()))
            .chain(not_found.as_deref())
            .collect(),
        Node::Verify { record, .. } => vec![record],
        Node::Branch { .. } => vec![],
        Node::Transfer { message } | Node::End { message } => {
            message.as_deref().into_iter().collect()
        }
    }
}

/// Every variable name an input of the topic sets (`var`, `var.label`, `var.type`).
pub(crate) fn captured_vars(topic: &Topic) -> BTreeSet<String> {
    let mut vars = BTreeSet::new();
    for node in topic.nodes.values() {
        match node {
            Node::TextInput { var, .. } | Node::Boolean { var, .. } => {
                vars.insert(var.clone());
            }
            Node::StaticChoice { var, .. } | Node::DynamicChoice { var, .. } => {
                vars.insert(var.clone());
                vars.insert(format!("{var}.label"));
            }
            Node::FilePicker { var, .. } => {
                vars.insert(var.clone());
                vars.insert(format!("{var}.type"));
            }
            _ => {}
        }
    }
    vars
}

fn check_refs(topic: &Topic) -> Result<(), TopicError> {
    for (id, node) in &topic.nodes {
        for (field, target) in refs(node) {
            if !topic.nodes.contains_key(target) {
                return Err(TopicError::DanglingRef {
                    file: topic.file.clone(),
                    topic: topic.name.clone(),
                    node: id.clone(),
                    field,
                    target: target.to_owned(),
                });
            }
        }
    }
    Ok(())
}

fn check_vars(topic: &Topic) -> Result<(), TopicError> {
    let known = captured_vars(topic);
    for (id, node) in &topic.nodes {
        let mut used: Vec<String> = texts(node).into_iter().flat_map(placeholders).collect();
        if let Node::Branch { var, .. } = node {
            used.push(var.clone());
        }
        if let Some(var) = used.into_iter().find(|v| !known.contains(v)) {
            return Err(TopicError::UnknownVariable {
                file: topic.file.clone(),
                topic: topic.name.clone(),
                node: id.clone(),
                var,
                known: known.iter().cloned().collect(),
            });
        }
    }
    Ok(())
}

/// Most nodes one turn may run without waiting for the requester (the longest chain of
/// responses and branches, with the input, transfer or end it reaches). Longer chains are refused
/// at load time ([`TopicError::TooLong`]), so a turn never stops half-way.
pub const MAX_RUN: usize = 1000;

fn check_loops(topic: &Topic) -> Result<(), TopicError> {
    // Depth-first search over the edges taken without waiting, with an explicit stack (a topic
    // may have tens of thousands of nodes): a node on the current path seen again closes a loop.
    // A node is done once everything after it is; its run is then one more than its longest
    // successor's.
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        OnPath,
        Done(usize),
    }
    let mut marks: BTreeMap<&str, Mark> = BTreeMap::new();
    let mut longest: Option<(usize, &str)> = None;
    for root in topic.nodes.keys() {
        if marks.contains_key(root.as_str()) {
            continue;
        }
        // (node, the nodes it leads to without waiting, how many of them were visited)
        let mut path: Vec<(&str, Vec<&str>, usize)> = vec![];
        marks.insert(root, Mark::OnPath);
        path.push((root, flow_edges(&topic.nodes[root]), 0));
        while let Some((id, edges, visited)) = path.last_mut() {
            let id = *id;
            if let Some(&next) = edges.get(*visited) {
                *visited += 1;
                match marks.get(next) {
                    Some(Mark::OnPath) => {
                        let from = path.iter().position(|p| p.0 == next).unwrap_or(0);
                        let mut nodes: Vec<String> =
                            path[from..].iter().map(|p| p.0.to_owned()).collect();
                        nodes.push(next.to_owned());
                        return Err(TopicError::Loop {
                            file: topic.file.clone(),
                            topic: topic.name.clone(),
                            nodes,
                        });
                    }
                    Some(Mark::Done(_)) => {}
                    None => {
                        marks.insert(next, Mark::OnPath);
                        path.push((next, flow_edges(&topic.nodes[next]), 0));
                    }
                }
            } else {
                let run = 1 + edges
                    .iter()
                    .filter_map(|n| match marks.get(n) {
                        Some(Mark::Done(r)) => Some(*r),
                        _ => None,
                    })
                    .max()
                    .unwrap_or(0);
                marks.insert(id, Mark::Done(run));
                if longest.is_none_or(|(r, _)| run > r) {
                    longest = Some((run, id));
                }
                path.pop();
            }
        }
    }
    match longest {
        Some((run, node)) if run > MAX_RUN => Err(TopicError::TooLong {
            file: topic.file.clone(),
            topic: topic.name.clone(),
            node: node.to_owned(),
            run,
            max: MAX_RUN,
        }),
        _ => Ok(()),
    }
}

/// The one of `choices` a slip of the keyboard away from `word` (at most one edit in four
/// letters, at least one; case and `_` ignored), the closest first.
fn nearest<'a>(word: &str, choices: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let most = (word.chars().count() / 4).max(1);
    nearest_within(word, choices, most)
}

/// The one of `choices` at most `most` edits from `word` (case and `_` ignored), the closest
/// first.
fn nearest_within<'a>(
    word: &str,
    choices: impl IntoIterator<Item = &'a str>,
    most: usize,
) -> Option<&'a str> {
    let squeeze = |w: &str| w.replace('_', "").to_lowercase();
    let want = squeeze(word);
    choices
        .into_iter()
        .map(|c| (strsim::damerau_levenshtein(&squeeze(c), &want), c))
        .filter(|(d, _)| *d <= most)
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// `; did you mean `x`?` for the [`nearest`] choice, or nothing.
fn did_you_mean<'a>(word: &str, choices: impl IntoIterator<Item = &'a str>) -> String {
    nearest(word, choices).map_or_else(String::new, |c| format!("; did you mean `{c}`?"))
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE: &str = "topics/t.toml";

    /// A valid topic with `extra` appended (more nodes, or keys of `[nodes.ask]`).
    fn topic_with(extra: &str) -> String {
        format!(
            "name = \"t\"\ntrigger = [\"thing\"]\nstart = \"ask\"\n\n\
             [nodes.ask]\ninput = \"text\"\nprompt = \"What?\"\nvar = \"what\"\n{extra}\n"
        )
    }

    fn err(text: &str) -> String {
        TopicSet::from_str(FILE, text)
            .expect_err("should be refused")
            .to_string()
    }

    fn node_err(node_body: &str) -> String {
        err(&topic_with(&format!(
            "next = \"x\"\n\n[nodes.x]\n{node_body}"
        )))
    }

    #[test]
    fn loads_a_minimal_topic() {
        let set = TopicSet::from_str(FILE, &topic_with("")).unwrap();
        let t = set.topic("t").unwrap();
        assert_eq!(t.start, "ask");
        assert_eq!(t.triggers, vec![vec!["thing".to_owned()]]);
        assert_eq!(t.file, FILE);
        assert!(set.fallback().is_none());
    }

    #[test]
    fn refuses_unsupported_controls_and_responses_naming_file_and_node() {
        for (category, kind) in [
            ("input", "carousel"),
            ("input", "date_picker"),
            ("input", "multi_flat_select"),
            ("response", "html"),
            ("flow", "script"),
            ("response", "boolean"),
        ] {
            let e = node_err(&format!("{category} = \"{kind}\"\n"));
            assert_eq!(
                e,
                format!(
                    "topics/t.toml: topic `t`, node `x`: {category} `{kind}` is not supported \
                     over SMS; supported: input = text | static_choice | dynamic_choice | \
                     boolean | file_picker; response = text | image | link | card; flow = \
                     branch | verify | transfer | end"
                )
            );
        }
    }

    /// A verify node names a requester table; its `if_unverified` must name a node, and its
    /// `record` only variables the topic captures.
    #[test]
    fn verify_names_a_requester_table_and_known_nodes() {
        let at = "topics/t.toml: topic `t`, node `x`: ";
        let verify = |table: &str, rest: &str| {
            format!("flow = \"verify\"\ntable = \"{table}\"\nrecord = \"{{what}}\"\n{rest}")
        };
        assert_eq!(
            node_err(&verify("sys_users", "")),
            format!(
                "{at}`table` `sys_users` is no requester table; did you mean `sys_user`?; the \
                 tables: sys_user, csm_consumer, customer_contact"
            )
        );
        assert_eq!(
            node_err(&verify("sys_user", "if_unverified = \"nowhere\"\n")),
            format!("{at}`if_unverified` goes to `nowhere`, but there is no node `nowhere`")
        );
        assert!(
            node_err("flow = \"verify\"\ntable = \"sys_user\"\nrecord = \"{who}\"\n")
                .contains("`who`")
        );
        assert_eq!(
            node_err(&verify("sys_user", "same_phone = \"yes\"\n")),
            format!(
                "{at}flow verify: same_phone: invalid type: string \"yes\", expected a boolean"
            )
        );
        let set = TopicSet::from_str(
            FILE,
            &topic_with(&format!(
                "next = \"x\"\n\n[nodes.x]\n{}",
                verify(
                    "customer_contact",
                    "same_phone = true\nif_unverified = \"ask\"\n"
                )
            )),
        )
        .unwrap();
        assert_eq!(
            set.topic("t").unwrap().nodes["x"],
            Node::Verify {
                table: "customer_contact".into(),
                record: "{what}".into(),
                same_phone: true,
                next: None,
                if_unverified: Some("ask".into()),
            }
        );
    }

    /// A misspelt kind, Dynamic Choice source, card table or field is refused at load, naming
    /// what was meant: at run time they would only say "nothing to choose from" or "couldn't
    /// find that record".
    #[test]
    fn refuses_a_misspelt_kind_source_table_or_field_saying_what_was_meant() {
        let at = "topics/t.toml: topic `t`, node `x`: ";
        assert_eq!(
            node_err("input = \"staticchoice\"\n"),
            format!("{at}input `staticchoice` is no input kind; did you mean `static_choice`?")
        );
        // A kind SMS lacks is said to be so, even near a supported one.
        assert!(node_err("input = \"time_picker\"\n").contains("is not supported over SMS"));
        let choice = |source: &str| {
            node_err(&format!(
                "input = \"dynamic_choice\"\nprompt = \"Which?\"\nvar = \"c\"\nsource = \"{source}\"\n"
            ))
        };
        assert_eq!(
            choice("open_case"),
            format!(
                "{at}`source` `open_case` is no Dynamic Choice source; did you mean \
                 `open_cases`?; the sources: open_cases"
            )
        );
        assert_eq!(
            choice("my_orders"),
            format!(
                "{at}`source` `my_orders` is no Dynamic Choice source; the sources: open_cases"
            )
        );
        let card = |table: &str, field: &str| {
            node_err(&format!(
                "response = \"card\"\ntable = \"{table}\"\nrecord = \"{{what}}\"\nfields = [{{ field = \"{field}\" }}]\n"
            ))
        };
        assert_eq!(
            card("x_convsms_orders", "state"),
            format!(
                "{at}`table` `x_convsms_orders` is no table a card reads; did you mean \
                 `x_convsms_order`?; the tables: sn_customerservice_case, x_convsms_order"
            )
        );
        assert_eq!(
            card("x_convsms_order", "staet"),
            format!(
                "{at}field `staet` is no field of x_convsms_order; did you mean `state`?; \
                 its fields: sys_id, number, state, carrier, expected_delivery"
            )
        );
        assert_eq!(
            card("x_convsms_order", "status"),
            format!(
                "{at}field `status` is no field of x_convsms_order; its fields: sys_id, \
                 number, state, carrier, expected_delivery"
            )
        );
        assert!(TopicSet::from_str(FILE, &topic_with(
            "next = \"x\"\n\n[nodes.x]\nresponse = \"card\"\ntable = \"x_convsms_order\"\nrecord = \"{what}\"\nfields = [{ field = \"state\" }]\n"
        ))
        .is_ok());
    }

    #[test]
    fn refuses_a_file_picker_for_other_files() {
        for t in ["application/pdf", "*/*", "image", "video/*", "image/*/x"] {
            let e = node_err(&format!(
                "input = \"file_picker\"\nprompt = \"Send\"\nvar = \"f\"\ntypes = [\"image/png\", \"{t}\"]\n"
            ));
            assert_eq!(
                e,
                format!(
                    "topics/t.toml: topic `t`, node `x`: file_picker type `{t}` is not supported \
                     over SMS: only images can be sent (use image/* or types such as image/png)"
                )
            );
        }
        let ok = topic_with(
            "next = \"x\"\n[nodes.x]\ninput = \"file_picker\"\nprompt = \"P\"\nvar = \"f\"\n",
        );
        let set = TopicSet::from_str(FILE, &ok).unwrap();
        assert!(matches!(
            &set.topics()[0].nodes["x"],
            Node::FilePicker { types, .. } if types == &["image/*"]
        ));
    }

    #[test]
    fn refuses_dangling_references() {
        assert_eq!(
            err(&topic_with("next = \"nowhere\"")),
            "topics/t.toml: topic `t`, node `ask`: `next` goes to `nowhere`, but there is no \
             node `nowhere`"
        );
        assert_eq!(
            node_err(
                "flow = \"branch\"\nvar = \"what\"\ncases = [{ equals = \"a\", next = \"ask\" }, \
                 { equals = \"b\", next = \"gone\" }]\ndefault = \"ask\"\n"
            ),
            "topics/t.toml: topic `t`, node `x`: `cases[1].next` goes to `gone`, but there is no \
             node `gone`"
        );
        assert!(
            node_err("flow = \"branch\"\nvar = \"what\"\ndefault = \"void\"\n")
                .contains("`default` goes to `void`")
        );
        assert!(node_err(
            "input = \"dynamic_choice\"\nprompt = \"P\"\nvar = \"c\"\nsource = \"open_cases\"\nif_empty = \"none\"\n"
        )
        .contains("node `x`: `if_empty` goes to `none`"));
    }

    #[test]
    fn refuses_a_missing_start() {
        let text = "name = \"t\"\ntrigger = [\"a\"]\n[nodes.end]\nflow = \"end\"\n";
        assert_eq!(
            err(text),
            "topics/t.toml: topic `t`: no `start` node (add start = \"<node id>\")"
        );
        let text =
            "name = \"t\"\ntrigger = [\"a\"]\nstart = \"begin\"\n[nodes.end]\nflow = \"end\"\n";
        assert_eq!(
            err(text),
            "topics/t.toml: topic `t`: starts at `begin`, but there is no node `begin`"
        );
    }

    #[test]
    fn refuses_unknown_variables() {
        assert_eq!(
            node_err("response = \"text\"\ntext = \"You said {waht}\"\n"),
            "topics/t.toml: topic `t`, node `x`: `waht` is not a variable of this topic \
             (variables: what)"
        );
        assert!(
            node_err("flow = \"branch\"\nvar = \"nope\"\ndefault = \"ask\"\n")
                .contains("`nope` is not a variable")
        );
        // A choice's label and a file's type are variables; literal braces are not.
        let ok = topic_with(
            "next = \"c\"\n[nodes.c]\ninput = \"static_choice\"\nprompt = \"{what}?\"\nvar = \"c\"\n\
             options = [{ label = \"A\" }]\nnext = \"f\"\n[nodes.f]\ninput = \"file_picker\"\n\
             prompt = \"{c.label}\"\nvar = \"f\"\nnext = \"e\"\n[nodes.e]\nflow = \"end\"\n\
             message = \"{f} {f.type} {{literal}}\"\n",
        );
        TopicSet::from_str(FILE, &ok).unwrap();
    }

    #[test]
    fn refuses_loops_without_an_input() {
        let text = topic_with(
            "next = \"a\"\n[nodes.a]\nresponse = \"text\"\ntext = \"A\"\nnext = \"b\"\n\
             [nodes.b]\nflow = \"branch\"\nvar = \"what\"\ndefault = \"a\"\n",
        );
        assert_eq!(
            err(&text),
            "topics/t.toml: topic `t`: nodes a -> b -> a loop without waiting for the requester"
        );
        // Through an input it is fine.
        let ok = topic_with(
            "next = \"a\"\n[nodes.a]\nresponse = \"text\"\ntext = \"A\"\nnext = \"ask\"\n",
        );
        TopicSet::from_str(FILE, &ok).unwrap();
        // A Dynamic Choice with nothing to choose does not wait.
        let text = topic_with(
            "next = \"d\"\n[nodes.d]\ninput = \"dynamic_choice\"\nprompt = \"P\"\nvar = \"c\"\n\
             source = \"open_cases\"\nif_empty = \"e\"\n[nodes.e]\nresponse = \"text\"\ntext = \"none\"\n\
             next = \"d\"\n",
        );
        assert!(err(&text).contains("nodes d -> e -> d loop"));
    }

    /// A topic whose start runs `len` text responses in a row, then ends.
    fn chain(len: usize) -> String {
        let mut t = String::from("name = \"chain\"\ntrigger = [\"chain\"]\nstart = \"n0\"\n");
        for i in 0..len {
            t.push_str(&format!(
                "[nodes.n{i}]\nresponse = \"text\"\ntext = \"{i}\"\n"
            ));
            if i + 1 < len {
                t.push_str(&format!("next = \"n{}\"\n", i + 1));
            }
        }
        t
    }

    #[test]
    fn a_chain_of_forty_thousand_nodes_is_refused_without_overflowing_the_stack() {
        // Checked on a thread with a small stack: a recursive walk overflows it long before.
        let text = chain(40_000);
        let msg = std::thread::Builder::new()
            .stack_size(256 * 1024)
            .spawn(move || err(&text))
            .unwrap()
            .join()
            .expect("loading must not overflow the stack");
        assert_eq!(
            msg,
            "topics/t.toml: topic `chain`, node `n0`: 40000 nodes run one after another without \
             waiting for the requester; at most 1000 may (add an input, or split the topic)"
        );
    }

    #[test]
    fn the_longest_allowed_chain_runs_to_its_end() {
        let set = TopicSet::from_str(FILE, &chain(MAX_RUN)).unwrap();
        let turn = set
            .start("chain", &crate::domain::topic::NoChoiceSource)
            .unwrap();
        assert_eq!(turn.outbound.len(), MAX_RUN);
        assert!(turn.ended);
        assert!(err(&chain(MAX_RUN + 1)).contains("1001 nodes run one after another"));
    }

    #[test]
    fn refuses_malformed_nodes() {
        let cases: &[(&str, &str)] = &[
            ("prompt = \"P\"\n", "a node needs exactly one of input"),
            (
                "input = \"text\"\nresponse = \"text\"\nvar = \"v\"\n",
                "a node is exactly one of input, response or flow, not input and response",
            ),
            ("input = 3\n", "`input` must be a string"),
            (
                "input = \"text\"\nvar = \"v\"\npromt = \"P\"\n",
                "input text: unknown field `promt`",
            ),
            (
                "input = \"boolean\"\nvar = \"v\"\n",
                "input boolean: missing field `prompt`",
            ),
            (
                "input = \"text\"\nvar = \"a.b\"\n",
                "`var` must be letters, digits and _ only (got `a.b`)",
            ),
            (
                "input = \"static_choice\"\nprompt = \"P\"\nvar = \"v\"\noptions = []\n",
                "a static_choice needs at least one option",
            ),
            (
                "input = \"static_choice\"\nprompt = \"P\"\nvar = \"v\"\n\
                 options = [{ label = \"Yes\" }, { label = \"YES!\" }]\n",
                "two options are labelled `YES!`",
            ),
            (
                "input = \"static_choice\"\nprompt = \"P\"\nvar = \"v\"\n\
                 options = [{ label = \"Track\" }, { label = \"Cancel\" }]\n",
                "option `Cancel` is one of Twilio's opt-out keywords",
            ),
            (
                "flow = \"branch\"\nvar = \"what\"\ncases = [{ equals = \"a\", one_of = [\"b\"], \
                 next = \"ask\" }]\ndefault = \"ask\"\n",
                "cases[0] needs exactly one of `equals",
            ),
            (
                "response = \"card\"\ntable = \"x_convsms_order\"\nrecord = \"r\"\nfields = []\n",
                "a card needs at least one field",
            ),
            (
                "response = \"image\"\nurl = \"../secret.png\"\n",
                "image url `../secret.png` must be http(s)://",
            ),
            (
                "response = \"image\"\nurl = \"ftp://x/a.png\"\n",
                "must be http(s)://",
            ),
            (
                "response = \"text\"\ntext = \" \"\n",
                "`text` must not be empty",
            ),
        ];
        for (body, want) in cases {
            let e = node_err(body);
            assert!(
                e.starts_with("topics/t.toml: topic `t`, node `x`: ") && e.contains(want),
                "{body:?}: {e}"
            );
        }
    }

    #[test]
    fn refuses_bad_topics_and_bad_toml() {
        let e = err("name = \"t\"\nstart = \"a\"\n[nodes.a]\nflow = \"end\"\n");
        assert!(e.starts_with("topics/t.toml: topic `t`: no trigger"), "{e}");
        let e = err("name = \"t\"\ntrigger = [\"?!\"]\nstart = \"a\"\n[nodes.a]\nflow = \"end\"\n");
        assert!(e.contains("trigger \"?!\" has no words"), "{e}");
        let e = err("name = \" \"\nfallback = true\nstart = \"a\"\n[nodes.a]\nflow = \"end\"\n");
        assert!(e.contains("`name` must not be empty"), "{e}");
        let e = err("name = \"t\"\ntriggers = [\"a\"]\n");
        assert!(
            e.starts_with("topics/t.toml: not a valid topic file: TOML parse error at line 2")
                && e.contains("unknown field `triggers`"),
            "{e}"
        );
        let e = err("name = \"t\n");
        assert!(
            e.starts_with("topics/t.toml: not a valid topic file:"),
            "{e}"
        );
    }

    fn fallback_topic(name: &str, triggers: &str) -> String {
        format!(
            "name = \"{name}\"\nfallback = true\ntrigger = [{triggers}]\nstart = \"e\"\n\
             [nodes.e]\nflow = \"end\"\n"
        )
    }

    fn plain_topic(name: &str, triggers: &str) -> String {
        format!(
            "name = \"{name}\"\ntrigger = [{triggers}]\nstart = \"e\"\n[nodes.e]\nflow = \"end\"\n"
        )
    }

    #[test]
    fn refuses_conflicts_between_files() {
        let a = fallback_topic("a", "");
        let b = fallback_topic("b", "");
        let e = TopicSet::from_sources([("a.toml", a.as_str()), ("b.toml", b.as_str())])
            .unwrap_err()
            .to_string();
        assert_eq!(
            e,
            "two fallback topics: `a` (a.toml) and `b` (b.toml); only one topic may set \
             fallback = true"
        );
        let a = plain_topic("a", "\"Order Status\", \"x\"");
        let b = plain_topic("b", "\"order   status!\"");
        let e = TopicSet::from_sources([("a.toml", a.as_str()), ("b.toml", b.as_str())])
            .unwrap_err()
            .to_string();
        assert_eq!(
            e,
            "trigger `order status` is used by topic `a` (a.toml) and by topic `b` (b.toml)"
        );
        let b = plain_topic("a", "\"y\"");
        let e = TopicSet::from_sources([("a.toml", a.as_str()), ("b.toml", b.as_str())])
            .unwrap_err()
            .to_string();
        assert_eq!(e, "two topics are named `a`: a.toml and b.toml");
    }

    fn temp_dir(name: &str) -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("convsms-topic-{}-{name}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn load_dir_refusals() {
        let dir = temp_dir("empty");
        fs::write(dir.join("notes.txt"), "not a topic").unwrap();
        let e = TopicSet::load_dir(&dir).unwrap_err();
        assert!(matches!(e, TopicError::NoTopics { .. }), "{e}");
        assert!(e
            .to_string()
            .ends_with("no topic files (*.toml) in this folder"));

        let e = TopicSet::load_dir(dir.join("missing")).unwrap_err();
        assert!(matches!(e, TopicError::Io { .. }), "{e}");

        fs::write(
            dir.join("pic.toml"),
            "name = \"pic\"\ntrigger = [\"pic\"]\nstart = \"i\"\n[nodes.i]\nresponse = \"image\"\n\
             url = \"media/none.png\"\n",
        )
        .unwrap();
        let e = TopicSet::load_dir(&dir).unwrap_err().to_string();
        assert_eq!(
            e,
            format!(
                "{}: topic `pic`, node `i`: image `media/none.png` is not a file of {}",
                dir.join("pic.toml").display(),
                dir.display()
            )
        );

        fs::create_dir_all(dir.join("media")).unwrap();
        fs::write(dir.join("media/none.png"), b"\x89PNG").unwrap();
        let set = TopicSet::load_dir(&dir).unwrap();
        assert_eq!(
            set.media_file("media/none.png"),
            Some(dir.join("media/none.png"))
        );
        assert_eq!(set.media_file("media/other.png"), None);
        let _ = fs::remove_dir_all(&dir);
    }

    #[test]
    fn loads_the_real_topics_folder() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("topics");
        let set = TopicSet::load_dir(&dir).unwrap_or_else(|e| panic!("{e}"));
        let names: Vec<&str> = set.topics().iter().map(|t| t.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "greeting",
                "open_cases",
                "order_status",
                "report_damage",
                "talk_to_agent"
            ]
        );
        assert_eq!(set.fallback().map(|t| t.name.as_str()), Some("greeting"));
        assert!(set.topic("talk_to_agent").unwrap().interrupt);
        assert_eq!(
            set.media_file("media/photo_guide.png"),
            Some(dir.join("media/photo_guide.png"))
        );
        // Every kind SMS supports is used by at least one shipped topic.
        let nodes: Vec<&Node> = set.topics().iter().flat_map(|t| t.nodes.values()).collect();
        let has = |f: fn(&Node) -> bool| nodes.iter().any(|n| f(n));
        assert!(has(|n| matches!(n, Node::TextInput { .. })));
        assert!(has(|n| matches!(n, Node::StaticChoice { .. })));
        assert!(has(|n| matches!(n, Node::DynamicChoice { .. })));
        assert!(has(|n| matches!(n, Node::Boolean { .. })));
        assert!(has(|n| matches!(n, Node::FilePicker { .. })));
        assert!(has(|n| matches!(n, Node::Text { .. })));
        assert!(has(|n| matches!(n, Node::Image { .. })));
        assert!(has(|n| matches!(n, Node::Link { .. })));
        assert!(has(|n| matches!(n, Node::Card { .. })));
        assert!(has(|n| matches!(n, Node::Branch { .. })));
        assert!(has(|n| matches!(n, Node::Transfer { .. })));
        assert!(has(|n| matches!(n, Node::End { .. })));
    }

    /// The ```toml blocks of a Markdown or `//!` text.
    fn toml_blocks(text: &str) -> Vec<String> {
        let mut blocks = vec![];
        let mut cur: Option<String> = None;
        for line in text.lines() {
            let line = line
                .strip_prefix("//!")
                .map_or(line, |l| l.strip_prefix(' ').unwrap_or(l));
            match (&mut cur, line.trim_end()) {
                (None, "```toml") => cur = Some(String::new()),
                (Some(b), "```") => {
                    blocks.push(std::mem::take(b));
                    cur = None;
                }
                (Some(b), l) => {
                    b.push_str(l);
                    b.push('\n');
                }
                (None, _) => {}
            }
        }
        blocks
    }

    /// Whole topics must load; node snippets must be valid nodes.
    fn check_examples(source: &str, text: &str) -> usize {
        let blocks = toml_blocks(text);
        for block in &blocks {
            if block.lines().any(|l| l.starts_with("name =")) {
                TopicSet::from_str(source, block).unwrap_or_else(|e| panic!("{e}\n{block}"));
            } else {
                let table: toml::Table =
                    toml::from_str(block).unwrap_or_else(|e| panic!("{source}: {e}\n{block}"));
                let nodes = table["nodes"].as_table().expect("a [nodes.x] snippet");
                for (id, node) in nodes {
                    let at = At {
                        file: source,
                        topic: "example",
                        node: id,
                    };
                    let node = node.as_table().expect("a node table").clone();
                    parse_node(&at, node).unwrap_or_else(|e| panic!("{e}\n{block}"));
                }
            }
        }
        blocks.len()
    }

    #[test]
    fn documented_examples_are_valid() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let guide = fs::read_to_string(root.join("docs/topics.md")).unwrap();
        assert_eq!(check_examples("docs/topics.md", &guide), 14);
        let module = fs::read_to_string(root.join("src/domain/topic/mod.rs")).unwrap();
        assert_eq!(check_examples("src/domain/topic/mod.rs", &module), 1);
    }

    #[test]
    fn unknown_key_message_lists_the_keys() {
        assert_eq!(
            node_err("input = \"text\"\nvar = \"v\"\npromt = \"P\"\n"),
            "topics/t.toml: topic `t`, node `x`: input text: unknown field `promt`, expected one \
             of `prompt`, `var`, `next`"
        );
    }

    #[test]
    fn words_are_lower_case_alphanumeric_runs() {
        assert_eq!(words("What's UP, Doc?"), ["what", "s", "up", "doc"]);
        assert!(words(" !? ").is_empty());
    }
}
