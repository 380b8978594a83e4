//! The topic state machine: [`TopicSet::start`] for a message when no topic is running,
//! [`TopicSet::resume`] for the requester's answer to the input a topic waits at.
//!
//! A turn runs nodes from where it starts until the next input node (whose question it sends and
//! where it waits), a transfer, an end, or a node without `next`. Responses become one
//! [`Outbound`] each, in order. The engine stores [`Turn::state`] (JSON through serde) and passes
//! it back with the next message.
//!
//! Choices where the seeds are silent:
//!
//! - **Which topic starts**: the topic whose trigger phrase occurs earliest in the message (as
//!   whole words, any case); on a tie the longer phrase, then the topic loaded first; no match →
//!   the fallback topic; no fallback → an empty turn with `ended`.
//! - **Interrupts**: while a topic waits, a message containing a trigger of a topic with
//!   `interrupt = true` (talk_to_agent) abandons the current topic and starts that one, even at a
//!   Text input. Other topics' triggers are not looked at mid-topic.
//! - **Re-prompts** (VA-10): an answer that does not fit the control is answered by one SMS, a
//!   sorry line ([`render::SORRY`], or [`render::images_only`] when a File Picker got media
//!   none of its types) followed by the whole question again; the topic stays where it was, as often as
//!   needed.
//! - **Stored values**: a Text input stores the trimmed text; a choice its option's value (and
//!   `<var>.label` the label); a Boolean `yes` or `no`; a File Picker the first accepted image's
//!   URL (and `<var>.type` its content type).
//! - **Dynamic Choice**: the options are asked of the [`ChoiceSource`] once, when the question is
//!   sent, and kept in [`TopicState::choices`], so the answer is read against the list the
//!   requester saw.
//! - **A state that no longer fits the topics** (the topic or node was removed or changed kind
//!   since it was stored): the message is handled as by [`TopicSet::start`].

use std::borrow::Cow;
use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::load::words;
use super::model::{ChoiceOption, Node, Topic, TopicSet};
use super::render::{self, Outbound};
use super::reply::{self, ImageReply};
use super::template::{fill, fill_within, MAX_BODY_UNITS};

/// Sent when a Dynamic Choice's source has no options and the node has no `if_empty`; the topic
/// then ends.
pub const NO_OPTIONS: &str = "Sorry, there is nothing to choose from right now.";
/// Sent when a Card's record is not found and the node has no `not_found`.
pub const NOT_FOUND: &str = "Sorry, I couldn't find that record.";
/// Sent when a verify node could not verify the requester and has no `if_unverified`; the topic
/// then ends.
pub const NOT_VERIFIED: &str = "Sorry, I couldn't verify who you are.";
/// Most nodes one turn runs; only reachable through a hand-made state, since the loader refuses
/// loops without an input and longer runs ([`super::load::MAX_RUN`]).
const MAX_STEPS: usize = super::load::MAX_RUN;

/// What a [`ChoiceSource`] may look at: where the topic is and what it has captured.
#[derive(Clone, Copy, Debug)]
pub struct TopicContext<'a> {
    /// The running topic's name.
    pub topic: &'a str,
    /// The node asking (a Dynamic Choice or a Card).
    pub node: &'a str,
    /// Every variable captured so far (`var`, `var.label`, `var.type`).
    pub vars: &'a BTreeMap<String, String>,
}

/// Run-time data for topics, implemented by the engine for one conversation (it knows the
/// requester, so "the requester's open cases" need no parameter).
///
/// Reading the data may fail (the engine reads it from its store): a failure is the source's
/// [`ChoiceSource::Error`], which ends the turn with that error rather than being shown to the
/// requester as "no options" or "not found".
pub trait ChoiceSource {
    /// Why the data could not be read.
    type Error;

    /// The options of a Dynamic Choice whose `source` is `source` (for example `open_cases`), in
    /// the order to list them; empty when there are none or the source is unknown.
    ///
    /// # Errors
    /// The source's error when the data cannot be read.
    fn options(
        &self,
        source: &str,
        ctx: &TopicContext<'_>,
    ) -> Result<Vec<ChoiceOption>, Self::Error>;

    /// The values of `fields` (field names, in order) of the record `record` (placeholders already
    /// filled) of `table`, in the same order; `None` when there is no such record. Missing
    /// trailing values show as empty.
    ///
    /// # Errors
    /// The source's error when the data cannot be read.
    fn card(
        &self,
        table: &str,
        record: &str,
        fields: &[String],
        ctx: &TopicContext<'_>,
    ) -> Result<Option<Vec<String>>, Self::Error>;

    /// A `verify` node (PROFILE-4): whether the requester is the record whose `name` is
    /// `record` (placeholders already filled) in `table` (one of
    /// [`REQUESTER_TABLES`](super::REQUESTER_TABLES)), its mobile phone the number texting when
    /// `same_phone`; when so, the interaction and its messaging profile are re-linked to it
    /// before this returns, so the rest of the turn (a Dynamic Choice of open cases) is the
    /// verified requester's. The only write a topic makes, and only through this port.
    ///
    /// # Errors
    /// The source's error when the data cannot be read or written.
    fn verify(
        &self,
        table: &str,
        record: &str,
        same_phone: bool,
        ctx: &TopicContext<'_>,
    ) -> Result<Verification, Self::Error>;
}

/// What [`ChoiceSource::verify`] found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verification {
    /// The requester is that record: the interaction and its profile now link to it.
    Relinked,
    /// No record of the table has that name.
    NoSuchRecord,
    /// The record's mobile phone is not the number texting (only with `same_phone`).
    OtherPhone,
}

/// A [`ChoiceSource`] with nothing: no options, no records.
#[derive(Clone, Copy, Debug, Default)]
pub struct NoChoiceSource;

impl ChoiceSource for NoChoiceSource {
    type Error = std::convert::Infallible;

    fn options(&self, _: &str, _: &TopicContext<'_>) -> Result<Vec<ChoiceOption>, Self::Error> {
        Ok(vec![])
    }

    fn card(
        &self,
        _: &str,
        _: &str,
        _: &[String],
        _: &TopicContext<'_>,
    ) -> Result<Option<Vec<String>>, Self::Error> {
        Ok(None)
    }

    fn verify(
        &self,
        _: &str,
        _: &str,
        _: bool,
        _: &TopicContext<'_>,
    ) -> Result<Verification, Self::Error> {
        Ok(Verification::NoSuchRecord)
    }
}

/// One message from the requester.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Input {
    /// The SMS body (may be empty for an MMS).
    pub text: String,
    /// The MMS media: (URL, content type), in order.
    pub media: Vec<(String, String)>,
}

impl Input {
    /// A text message without media.
    pub fn text(text: impl Into<String>) -> Self {
        Input {
            text: text.into(),
            media: vec![],
        }
    }

    /// An MMS with one media item and a body.
    pub fn mms(
        text: impl Into<String>,
        url: impl Into<String>,
        content_type: impl Into<String>,
    ) -> Self {
        Input {
            text: text.into(),
            media: vec![(url.into(), content_type.into())],
        }
    }
}

/// Where a topic waits, stored by the engine between messages (as JSON).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TopicState {
    /// The topic's name.
    pub topic: String,
    /// The input node waited at.
    pub node: String,
    /// Captured variables.
    #[serde(default)]
    pub vars: BTreeMap<String, String>,
    /// A Dynamic Choice's options as sent; empty otherwise.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub choices: Vec<ChoiceOption>,
}

/// What one message did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Turn {
    /// Messages to send, in order.
    pub outbound: Vec<Outbound>,
    /// Where the topic waits; `None` when it ended or transferred.
    pub state: Option<TopicState>,
    /// Hand the conversation to a live agent (`ended` is then false).
    pub transfer: bool,
    /// The topic is over (an `end` node, a node without `next`, no topic to start, or a Dynamic
    /// Choice with nothing to choose).
    pub ended: bool,
}

impl Turn {
    /// Every message cut to Twilio's 1,600 UTF-16 code units (a longer body is refused with
    /// 21617, and the requester would get nothing): a long value a text echoes is already cut
    /// by [`super::template::fill_within`]; this catches the rest (a question with a long option
    /// list, a re-prompt, a card's values), ending it with [`super::template::CUT_MARK`].
    fn fitted(mut self) -> Turn {
        for o in &mut self.outbound {
            o.body = super::template::cut(&o.body, MAX_BODY_UNITS);
        }
        self
    }
}

impl TopicSet {
    /// The topic a message starts, by triggers only (no fallback): the trigger phrase occurring
    /// earliest as whole words, any case; on a tie the longer phrase, then the topic loaded first.
    pub fn matching_topic(&self, text: &str) -> Option<&Topic> {
        self.best_match(text, |_| true)
    }

    /// Handles a message when no topic is running: starts the topic it triggers, else the
    /// fallback, and runs it until it waits, transfers or ends. With neither, an empty turn with
    /// `ended`.
    ///
    /// # Errors
    /// The source's error when a Dynamic Choice or Card could not read its data.
    pub fn start<E>(&self, text: &str, src: &dyn ChoiceSource<Error = E>) -> Result<Turn, E> {
        self.start_turn(text, src).map(Turn::fitted)
    }

    fn start_turn<E>(&self, text: &str, src: &dyn ChoiceSource<Error = E>) -> Result<Turn, E> {
        match self.matching_topic(text).or_else(|| self.fallback()) {
            Some(topic) => self.run(topic, Some(&topic.start), BTreeMap::new(), src),
            None => Ok(Turn {
                ended: true,
                ..Turn::default()
            }),
        }
    }

    /// Handles the requester's answer to the input `state` waits at: an interrupting topic's
    /// trigger starts it; else the answer is read (leniently, see [`reply`]) and the topic goes on;
    /// an answer that does not fit is re-prompted and the state kept. A state that no longer fits
    /// the loaded topics is handled as [`TopicSet::start`].
    ///
    /// # Errors
    /// The source's error when a Dynamic Choice or Card could not read its data.
    pub fn resume<E>(
        &self,
        state: &TopicState,
        input: &Input,
        src: &dyn ChoiceSource<Error = E>,
    ) -> Result<Turn, E> {
        self.resume_turn(state, input, src).map(Turn::fitted)
    }

    fn resume_turn<E>(
        &self,
        state: &TopicState,
        input: &Input,
        src: &dyn ChoiceSource<Error = E>,
    ) -> Result<Turn, E> {
        let Some((topic, node)) = self
            .topic(&state.topic)
            .and_then(|t| t.nodes.get(&state.node).map(|n| (t, n)))
            .filter(|(_, n)| n.is_input())
        else {
            return self.start(&input.text, src);
        };
        if let Some(t) = self.best_match(&input.text, |t| t.interrupt && t.name != topic.name) {
            return self.run(t, Some(&t.start), BTreeMap::new(), src);
        }
        let mut vars = state.vars.clone();
        let (sorry, next) = match node {
            Node::TextInput { var, next, .. } => {
                let text = input.text.trim();
                if text.is_empty() {
                    (Cow::Borrowed(render::SORRY), None)
                } else {
                    vars.insert(var.clone(), text.to_owned());
                    (Cow::Borrowed(render::SORRY), Some(next))
                }
            }
            Node::StaticChoice {
                var, options, next, ..
            } => {
                let options = filled_options(options, &state.vars);
                match reply::choice(&input.text, &options) {
                    Some(i) => {
                        set_choice(&mut vars, var, &options[i]);
                        (Cow::Borrowed(render::SORRY), Some(next))
                    }
                    None => (Cow::Borrowed(render::SORRY), None),
                }
            }
            Node::DynamicChoice { var, next, .. } => {
                if state.choices.is_empty() {
                    // A hand-made state without the list sent: ask again.
                    return self.run(topic, Some(&state.node), vars, src);
                }
                match reply::choice(&input.text, &state.choices) {
                    Some(i) => {
                        set_choice(&mut vars, var, &state.choices[i]);
                        (Cow::Borrowed(render::SORRY), Some(next))
                    }
                    None => (Cow::Borrowed(render::SORRY), None),
                }
            }
            Node::Boolean { var, next, .. } => match reply::boolean(&input.text) {
                Some(b) => {
                    vars.insert(var.clone(), if b { "yes" } else { "no" }.to_owned());
                    (Cow::Borrowed(render::SORRY), Some(next))
                }
                None => (Cow::Borrowed(render::SORRY), None),
            },
            Node::FilePicker {
                var, types, next, ..
            } => match reply::image(&input.media, types) {
                ImageReply::Accepted(url, ct) => {
                    vars.insert(var.clone(), url.to_owned());
                    vars.insert(format!("{var}.type"), ct.to_owned());
                    (Cow::Borrowed(render::SORRY), Some(next))
                }
                ImageReply::NotAnImage(_) => (render::images_only(types), None),
                ImageReply::NoMedia => (Cow::Borrowed(render::SORRY), None),
            },
            _ => unreachable!("filtered by is_input"),
        };
        match next {
            Some(next) => self.run(topic, next.as_deref(), vars, src),
            None => {
                let question = question(node, &vars, &state.choices);
                Ok(Turn {
                    outbound: vec![render::reprompt(&sorry, question)],
                    state: Some(state.clone()),
                    transfer: false,
                    ended: false,
                })
            }
        }
    }

    fn best_match(&self, text: &str, eligible: impl Fn(&Topic) -> bool) -> Option<&Topic> {
        let w = words(text);
        let mut best: Option<(usize, std::cmp::Reverse<usize>, usize)> = None;
        for (order, topic) in self.topics.iter().enumerate() {
            if !eligible(topic) {
                continue;
            }
            for trigger in &topic.triggers {
                if let Some(pos) = w
                    .windows(trigger.len())
                    .position(|win| win == trigger.as_slice())
                {
                    let key = (pos, std::cmp::Reverse(trigger.len()), order);
                    if best.is_none_or(|b| key < b) {
                        best = Some(key);
                    }
                }
            }
        }
        best.map(|(_, _, order)| &self.topics[order])
    }

    /// Runs `topic` from `node` until it waits, transfers or ends.
    fn run<E>(
        &self,
        topic: &Topic,
        node: Option<&str>,
        vars: BTreeMap<String, String>,
        src: &dyn ChoiceSource<Error = E>,
    ) -> Result<Turn, E> {
        let mut out = vec![];
        let mut cur = node.map(str::to_owned);
        let ended = |outbound| Turn {
            outbound,
            state: None,
            transfer: false,
            ended: true,
        };
        for _ in 0..MAX_STEPS {
            let Some(id) = cur.take() else {
                return Ok(ended(out));
            };
            let Some(node) = topic.nodes.get(&id) else {
                return Ok(ended(out));
            };
            let ctx = TopicContext {
                topic: &topic.name,
                node: &id,
                vars: &vars,
            };
            let wait = |out: Vec<Outbound>, choices: Vec<ChoiceOption>| Turn {
                outbound: out,
                state: Some(TopicState {
                    topic: topic.name.clone(),
                    node: id.clone(),
                    vars: vars.clone(),
                    choices,
                }),
                transfer: false,
                ended: false,
            };
            match node {
                Node::TextInput { prompt, .. } => {
                    if let Some(p) = prompt {
                        out.push(render::text(&fill_within(p, &vars, MAX_BODY_UNITS)));
                    }
                    return Ok(wait(out, vec![]));
                }
                Node::StaticChoice { .. } | Node::Boolean { .. } | Node::FilePicker { .. } => {
                    out.push(question(node, &vars, &[]));
                    return Ok(wait(out, vec![]));
                }
                Node::DynamicChoice {
                    source, if_empty, ..
                } => {
                    let options = src.options(source, &ctx)?;
                    if options.is_empty() {
                        match if_empty {
                            Some(n) => cur = Some(n.clone()),
                            None => {
                                out.push(render::text(NO_OPTIONS));
                                return Ok(ended(out));
                            }
                        }
                    } else {
                        out.push(question(node, &vars, &options));
                        return Ok(wait(out, options));
                    }
                }
                Node::Text { text, next } => {
                    out.push(render::text(&fill_within(text, &vars, MAX_BODY_UNITS)));
                    cur = next.clone();
                }
                Node::Image { url, alt, next } => {
                    out.push(render::image(&fill(url, &vars), &fill(alt, &vars)));
                    cur = next.clone();
                }
                Node::Link { label, url, next } => {
                    out.push(render::link(&fill(label, &vars), &fill(url, &vars)));
                    cur = next.clone();
                }
                Node::Card {
                    title,
                    table,
                    record,
                    fields,
                    not_found,
                    next,
                } => {
                    let names: Vec<String> = fields.iter().map(|f| f.field.clone()).collect();
                    let record = fill(record, &vars);
                    match src.card(table, &record, &names, &ctx)? {
                        Some(values) => {
                            let pairs: Vec<(String, String)> = fields
                                .iter()
                                .enumerate()
                                .map(|(i, f)| {
                                    (f.label.clone(), values.get(i).cloned().unwrap_or_default())
                                })
                                .collect();
                            let title = title.as_ref().map(|t| fill(t, &vars));
                            out.push(render::card(title.as_deref(), &pairs));
                        }
                        None => out.push(render::text(&match not_found {
                            Some(t) => fill(t, &vars),
                            None => NOT_FOUND.to_owned(),
                        })),
                    }
                    cur = next.clone();
                }
                Node::Verify {
                    table,
                    record,
                    same_phone,
                    next,
                    if_unverified,
                } => {
                    let record = fill(record, &vars);
                    match src.verify(table, record.trim(), *same_phone, &ctx)? {
                        Verification::Relinked => cur = next.clone(),
                        Verification::NoSuchRecord | Verification::OtherPhone => {
                            match if_unverified {
                                Some(n) => cur = Some(n.clone()),
                                None => {
                                    out.push(render::text(NOT_VERIFIED));
                                    return Ok(ended(out));
                                }
                            }
                        }
                    }
                }
                Node::Branch {
                    var,
                    cases,
                    default,
                } => {
                    let value = reply::normalize(vars.get(var).map(String::as_str).unwrap_or(""));
                    let hit = cases
                        .iter()
                        .find(|c| c.values.iter().any(|v| reply::normalize(v) == value));
                    cur = Some(hit.map_or(default, |c| &c.next).clone());
                }
                Node::Transfer { message } => {
                    if let Some(m) = message {
                        out.push(render::text(&fill_within(m, &vars, MAX_BODY_UNITS)));
                    }
                    return Ok(Turn {
                        outbound: out,
                        state: None,
                        transfer: true,
                        ended: false,
                    });
                }
                Node::End { message } => {
                    if let Some(m) = message {
                        out.push(render::text(&fill_within(m, &vars, MAX_BODY_UNITS)));
                    }
                    return Ok(ended(out));
                }
            }
        }
        Ok(ended(out))
    }
}

/// A Static Choice's options with placeholders in their labels filled.
fn filled_options(options: &[ChoiceOption], vars: &BTreeMap<String, String>) -> Vec<ChoiceOption> {
    options
        .iter()
        .map(|o| ChoiceOption::new(fill(&o.label, vars), o.value.clone()))
        .collect()
}

fn set_choice(vars: &mut BTreeMap<String, String>, var: &str, option: &ChoiceOption) {
    vars.insert(var.to_owned(), option.value.clone());
    vars.insert(format!("{var}.label"), option.label.clone());
}

/// The question an input node sends (placeholders filled); `choices` are a Dynamic Choice's
/// options as sent (ignored for other nodes).
fn question(node: &Node, vars: &BTreeMap<String, String>, choices: &[ChoiceOption]) -> Outbound {
    match node {
        Node::TextInput { prompt, .. } => {
            render::text(&prompt.as_deref().map(|p| fill(p, vars)).unwrap_or_default())
        }
        Node::StaticChoice {
            prompt, options, ..
        } => render::choice(&fill(prompt, vars), &filled_options(options, vars)),
        Node::DynamicChoice { prompt, .. } => render::choice(&fill(prompt, vars), choices),
        Node::Boolean { prompt, .. } => render::boolean(&fill(prompt, vars)),
        Node::FilePicker { prompt, .. } => render::file_picker(&fill(prompt, vars)),
        _ => Outbound::default(),
    }
}

#[cfg(test)]
mod tests {
    use std::cell::RefCell;
    use std::path::Path;

    use super::*;

    fn shipped() -> TopicSet {
        TopicSet::load_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("topics"))
            .unwrap_or_else(|e| panic!("{e}"))
    }

    /// Open cases CS0001 and CS0002; orders 1001; records answer with `<field> of <record>`.
    #[derive(Default)]
    struct TestSource {
        cases: RefCell<Vec<ChoiceOption>>,
        asked: RefCell<Vec<String>>,
    }

    impl TestSource {
        fn with_cases() -> Self {
            TestSource {
                cases: RefCell::new(vec![
                    ChoiceOption::new("CS0001 Router broken", "sys1"),
                    ChoiceOption::new("CS0002 Refund", "sys2"),
                ]),
                asked: RefCell::default(),
            }
        }
    }

    impl ChoiceSource for TestSource {
        type Error = std::convert::Infallible;

        fn options(
            &self,
            source: &str,
            ctx: &TopicContext<'_>,
        ) -> Result<Vec<ChoiceOption>, Self::Error> {
            self.asked
                .borrow_mut()
                .push(format!("options {source} at {}/{}", ctx.topic, ctx.node));
            Ok(match source {
                "open_cases" => self.cases.borrow().clone(),
                _ => vec![],
            })
        }

        fn card(
            &self,
            table: &str,
            record: &str,
            fields: &[String],
            ctx: &TopicContext<'_>,
        ) -> Result<Option<Vec<String>>, Self::Error> {
            self.asked.borrow_mut().push(format!(
                "card {table} {record} {} at {}/{}",
                fields.join(","),
                ctx.topic,
                ctx.node
            ));
            Ok(match (table, record) {
                ("sn_customerservice_case", "sys2") => Some(vec![
                    "CS0002".into(),
                    "Refund".into(),
                    "Open".into(),
                    ctx.vars["case.label"].clone(),
                ]),
                ("x_convsms_order", "1001") => {
                    Some(vec!["Shipped".into(), "UPS".into()]) // expected_delivery missing
                }
                _ => None,
            })
        }

        /// Ada texts from her own phone; Grace is on record with another.
        fn verify(
            &self,
            table: &str,
            record: &str,
            same_phone: bool,
            ctx: &TopicContext<'_>,
        ) -> Result<Verification, Self::Error> {
            self.asked.borrow_mut().push(format!(
                "verify {table} {record:?} same_phone={same_phone} at {}/{}",
                ctx.topic, ctx.node
            ));
            Ok(match (table, record) {
                ("sys_user", "Ada Lovelace") => Verification::Relinked,
                ("sys_user", "Grace Hopper") if same_phone => Verification::OtherPhone,
                ("sys_user", "Grace Hopper") => Verification::Relinked,
                _ => Verification::NoSuchRecord,
            })
        }
    }

    fn bodies(turn: &Turn) -> Vec<&str> {
        turn.outbound.iter().map(|o| o.body.as_str()).collect()
    }

    fn say(
        set: &TopicSet,
        turn: &Turn,
        text: &str,
        src: &dyn ChoiceSource<Error = std::convert::Infallible>,
    ) -> Turn {
        set.resume(
            turn.state.as_ref().expect("topic waits"),
            &Input::text(text),
            src,
        )
        .unwrap()
    }

    #[test]
    fn greeting_is_the_fallback_and_captures_text() {
        let set = shipped();
        let t = set.start("Hi", &NoChoiceSource).unwrap();
        assert_eq!(
            bodies(&t),
            ["Hi, this is the virtual agent. What can I help you with today?"]
        );
        let s = t.state.clone().unwrap();
        assert_eq!(
            (s.topic.as_str(), s.node.as_str()),
            ("greeting", "ask_issue")
        );
        let t = say(&set, &t, "  My router is broken ", &NoChoiceSource);
        assert_eq!(
            bodies(&t),
            ["Thanks, I have noted: 'My router is broken'. Reply AGENT to talk to a live agent."]
        );
        assert_eq!(
            t.state.as_ref().unwrap().vars["issue"],
            "My router is broken"
        );
        let t = say(&set, &t, "It blinks red", &NoChoiceSource);
        assert_eq!(
            bodies(&t),
            ["I have added: 'It blinks red'. Reply AGENT to talk to a live agent."]
        );
        assert!(!t.ended && !t.transfer);
        // An MMS without text at a Text input: re-prompt.
        let empty = set
            .resume(
                t.state.as_ref().unwrap(),
                &Input::mms("", "https://x.test/a.png", "image/png"),
                &NoChoiceSource,
            )
            .unwrap();
        assert_eq!(bodies(&empty), ["Sorry, I didn't get that."]);
        assert_eq!(empty.state, t.state);
        let t = say(&set, &t, "AGENT", &NoChoiceSource);
        assert_eq!(bodies(&t), ["Transferring you to a live agent."]);
        assert!(t.transfer && !t.ended && t.state.is_none());
    }

    #[test]
    fn talk_to_agent_interrupts_and_starts() {
        let set = shipped();
        let t = set.start("agent please", &NoChoiceSource).unwrap();
        assert_eq!(bodies(&t), ["Transferring you to a live agent."]);
        assert!(t.transfer);
        let t = set.start("Hi", &NoChoiceSource).unwrap();
        let t = say(&set, &t, "Can I talk to a human?", &NoChoiceSource);
        assert!(t.transfer);
        // Words, not substrings.
        let t = set.start("agents of change", &NoChoiceSource).unwrap();
        assert_eq!(t.state.unwrap().topic, "greeting");
    }

    #[test]
    fn order_status_static_choice_card_link_boolean_branch() {
        let set = shipped();
        let src = TestSource::default();
        let t = set.start("Where is my ORDER?", &src).unwrap();
        assert_eq!(bodies(&t), ["Sure. What is your order number?"]);
        let t = say(&set, &t, "1001", &src);
        let question = "What would you like to do with order 1001?\n1. Track it\n\
                        2. Change the delivery address\n3. Cancel it\n\
                        Reply with a number or the option's name.";
        assert_eq!(bodies(&t), [question]);
        let again = say(&set, &t, "the second one", &src);
        assert_eq!(
            bodies(&again),
            [format!("Sorry, I didn't get that.\n{question}")]
        );
        assert_eq!(again.state, t.state);
        let tracked = say(&set, &again, " track IT! ", &src);
        assert_eq!(
            bodies(&tracked),
            [
                "Order 1001\nStatus: Shipped\nCarrier: UPS\nExpected:",
                "Track your parcel: https://track.example.com/orders/1001",
                "Did that answer your question?\nReply YES or NO.",
            ]
        );
        assert_eq!(
            src.asked.borrow().as_slice(),
            ["card x_convsms_order 1001 state,carrier,expected_delivery at order_status/order_card"]
        );
        let vars = &tracked.state.as_ref().unwrap().vars;
        assert_eq!(
            (vars["need"].as_str(), vars["need.label"].as_str()),
            ("track", "Track it")
        );
        let maybe = say(&set, &tracked, "maybe", &src);
        assert_eq!(
            bodies(&maybe),
            ["Sorry, I didn't get that.\nDid that answer your question?\nReply YES or NO."]
        );
        let yes = say(&set, &maybe, "Y", &src);
        assert_eq!(bodies(&yes), ["Glad I could help. Text us any time."]);
        assert!(yes.ended && !yes.transfer && yes.state.is_none());
        let no = say(&set, &maybe, "no.", &src);
        assert_eq!(bodies(&no), ["Transferring you to a live agent."]);
        assert!(no.transfer && !no.ended);
    }

    #[test]
    fn order_status_other_branches() {
        let set = shipped();
        let src = TestSource::default();
        let t = set.start("order", &src).unwrap();
        let t = say(&set, &t, "2002", &src);
        let address = say(&set, &t, "2", &src);
        assert_eq!(
            bodies(&address),
            [
                "Change the delivery address: https://shop.example.com/orders/2002/address",
                "Glad I could help. Text us any time.",
            ]
        );
        let cancel = say(&set, &t, "cancel", &src);
        assert_eq!(
            bodies(&cancel),
            ["Cancel order 2002? This cannot be undone.\nReply YES or NO."]
        );
        let kept = say(&set, &cancel, "N", &src);
        assert_eq!(bodies(&kept), ["OK, order 2002 stays as it is."]);
        assert!(kept.ended);
        let gone = say(&set, &cancel, "yes", &src);
        assert_eq!(
            bodies(&gone),
            ["An agent will cancel order 2002 for you. Transferring you now."]
        );
        assert!(gone.transfer);
        // Card of an unknown order: the topic's not_found text.
        let track = say(&set, &t, "1", &src);
        assert_eq!(bodies(&track)[0], "Sorry, I couldn't find order 2002.");
    }

    #[test]
    fn report_damage_file_picker_and_image() {
        let set = shipped();
        let t = set
            .start("My lamp arrived damaged", &NoChoiceSource)
            .unwrap();
        assert_eq!(bodies(&t), ["Sorry to hear that. Which item was damaged?"]);
        let t = say(&set, &t, "lamp", &NoChoiceSource);
        assert_eq!(
            t.outbound,
            [
                Outbound {
                    body: "A good photo shows the whole item and the damage up close.".into(),
                    media: vec!["media/photo_guide.png".into()],
                },
                Outbound::sms(
                    "Please send a photo of the damaged lamp.\n\
                     Reply with an image (a picture message)."
                ),
            ]
        );
        let question =
            "Please send a photo of the damaged lamp.\nReply with an image (a picture message).";
        let state = t.state.clone().unwrap();
        let pdf = set
            .resume(
                &state,
                &Input::mms("receipt", "https://x.test/r.pdf", "application/pdf"),
                &NoChoiceSource,
            )
            .unwrap();
        assert_eq!(
            bodies(&pdf),
            [format!("Sorry, I can only accept images.\n{question}")]
        );
        assert_eq!(pdf.state.as_ref(), Some(&state));
        let text = set
            .resume(&state, &Input::text("here it is"), &NoChoiceSource)
            .unwrap();
        assert_eq!(
            bodies(&text),
            [format!("Sorry, I didn't get that.\n{question}")]
        );
        let png = set
            .resume(
                &state,
                &Input::mms("", "https://x.test/lamp.png", "image/png"),
                &NoChoiceSource,
            )
            .unwrap();
        assert_eq!(
            bodies(&png),
            [
                "Thanks, we received your photo of the lamp and opened a damage claim. We will \
              text you within 2 business days."
            ]
        );
        assert!(png.ended);
    }

    #[test]
    fn file_picker_stores_url_and_type() {
        let set = TopicSet::from_str(
            "f.toml",
            "name = \"f\"\ntrigger = [\"photo\"]\nstart = \"p\"\n[nodes.p]\n\
             input = \"file_picker\"\nprompt = \"Photo?\"\nvar = \"pic\"\ntypes = [\"image/png\"]\n\
             next = \"e\"\n[nodes.e]\nflow = \"end\"\nmessage = \"Got {pic} ({pic.type})\"\n",
        )
        .unwrap();
        let t = set.start("photo", &NoChoiceSource).unwrap();
        let jpeg = set
            .resume(
                t.state.as_ref().unwrap(),
                &Input::mms("", "u1", "image/jpeg"),
                &NoChoiceSource,
            )
            .unwrap();
        assert!(bodies(&jpeg)[0]
            .starts_with("Sorry, I can only accept images of type image/png.\nPhoto?"));
        let input = Input {
            text: String::new(),
            media: vec![
                ("u0".into(), "text/plain".into()),
                ("u1".into(), "image/PNG".into()),
            ],
        };
        let done = set
            .resume(t.state.as_ref().unwrap(), &input, &NoChoiceSource)
            .unwrap();
        assert_eq!(bodies(&done), ["Got u1 (image/PNG)"]);
    }

    #[test]
    fn open_cases_dynamic_choice_and_card() {
        let set = shipped();
        let src = TestSource::with_cases();
        let t = set.start("What about my cases?", &src).unwrap();
        assert_eq!(
            bodies(&t),
            [
                "Which of your open cases?\n1. CS0001 Router broken\n2. CS0002 Refund\n\
              Reply with a number or the option's name."
            ]
        );
        let state = t.state.clone().unwrap();
        assert_eq!(state.choices.len(), 2);
        // The list as sent is kept: a case closed meanwhile does not shift the numbers.
        src.cases.borrow_mut().remove(0);
        let bad = say(&set, &t, "3", &src);
        assert!(bodies(&bad)[0]
            .starts_with("Sorry, I didn't get that.\nWhich of your open cases?\n1. CS0001"));
        let t = say(&set, &t, "cs0002 refund", &src);
        assert_eq!(
            bodies(&t),
            [
                "Case: CS0002\nSubject: Refund\nState: Open\nAssigned to: CS0002 Refund",
                "Would you like to talk to an agent about this case?\nReply YES or NO.",
            ]
        );
        assert_eq!(
            src.asked.borrow().as_slice(),
            [
                "options open_cases at open_cases/pick_case",
                "card sn_customerservice_case sys2 number,short_description,state,assigned_to \
                 at open_cases/case_card",
            ]
        );
        let t = say(&set, &t, "yes", &src);
        assert_eq!(
            bodies(&t),
            ["Transferring you to a live agent about CS0002 Refund."]
        );
        assert!(t.transfer);
    }

    /// A verify node re-links through the source with the answer filled in and trimmed, goes
    /// on from `next` once verified, to `if_unverified` when not (no such record, another
    /// phone), and without `if_unverified` says [`NOT_VERIFIED`] and ends.
    #[test]
    fn verify_relinks_or_goes_to_if_unverified() {
        let topic = |same_phone: bool, if_unverified: &str| {
            TopicSet::from_str(
                "v.toml",
                &format!(
                    "name = \"v\"\ntrigger = [\"verify\"]\nstart = \"ask\"\n\
                     [nodes.ask]\ninput = \"text\"\nprompt = \"Your name?\"\nvar = \"who\"\n\
                     next = \"check\"\n\
                     [nodes.check]\nflow = \"verify\"\ntable = \"sys_user\"\n\
                     record = \"{{who}}\"\nsame_phone = {same_phone}\nnext = \"ok\"\n{if_unverified}\
                     [nodes.ok]\nresponse = \"text\"\ntext = \"Thanks, {{who}}.\"\n\
                     [nodes.again]\ninput = \"text\"\nprompt = \"Try again?\"\nvar = \"who\"\n\
                     next = \"check\"\n"
                ),
            )
            .unwrap()
        };
        let src = TestSource::with_cases();
        let set = topic(false, "if_unverified = \"again\"\n");
        let t = set.start("verify me", &src).unwrap();
        let t = say(&set, &t, " Ada Lovelace ", &src);
        assert_eq!(bodies(&t), ["Thanks, Ada Lovelace."]);
        assert!(t.ended);
        let t = set.start("verify me", &src).unwrap();
        let t = say(&set, &t, "Nobody", &src);
        assert_eq!(bodies(&t), ["Try again?"]);
        assert_eq!(t.state.as_ref().unwrap().node, "again");
        let t = say(&set, &t, "Grace Hopper", &src);
        assert_eq!(bodies(&t), ["Thanks, Grace Hopper."]);
        assert_eq!(
            src.asked.borrow().as_slice(),
            [
                "verify sys_user \"Ada Lovelace\" same_phone=false at v/check",
                "verify sys_user \"Nobody\" same_phone=false at v/check",
                "verify sys_user \"Grace Hopper\" same_phone=false at v/check",
            ]
        );
        // With same_phone, Grace's record has another phone; no if_unverified: said and ended.
        let set = topic(true, "");
        let t = set.start("verify me", &src).unwrap();
        let t = say(&set, &t, "Grace Hopper", &src);
        assert_eq!(bodies(&t), [NOT_VERIFIED]);
        assert!(t.ended && t.state.is_none());
        let t = set.start("verify me", &NoChoiceSource).unwrap();
        let t = say(&set, &t, "Ada Lovelace", &NoChoiceSource);
        assert_eq!(bodies(&t), [NOT_VERIFIED]);
    }

    #[test]
    fn open_cases_without_cases() {
        let set = shipped();
        let t = set.start("my cases", &NoChoiceSource).unwrap();
        assert_eq!(bodies(&t), ["You have no open cases."]);
        assert!(t.ended && t.state.is_none());
    }

    #[test]
    fn dynamic_choice_without_if_empty_says_so() {
        let set = TopicSet::from_str(
            "d.toml",
            "name = \"d\"\ntrigger = [\"pick\"]\nstart = \"d\"\n[nodes.d]\n\
             input = \"dynamic_choice\"\nprompt = \"Which?\"\nvar = \"c\"\nsource = \"open_cases\"\n",
        )
        .unwrap();
        let t = set.start("pick", &NoChoiceSource).unwrap();
        assert_eq!(bodies(&t), [NO_OPTIONS]);
        assert!(t.ended);
    }

    #[test]
    fn state_round_trips_as_json() {
        let set = shipped();
        let src = TestSource::with_cases();
        let t = set.start("ticket", &src).unwrap();
        let state = t.state.unwrap();
        let json = serde_json::to_string(&state).unwrap();
        assert_eq!(
            json,
            r#"{"topic":"open_cases","node":"pick_case","vars":{},"choices":[{"label":"CS0001 Router broken","value":"sys1"},{"label":"CS0002 Refund","value":"sys2"}]}"#
        );
        let back: TopicState = serde_json::from_str(&json).unwrap();
        assert_eq!(back, state);
        let plain: TopicState =
            serde_json::from_str(r#"{"topic":"greeting","node":"ask_issue"}"#).unwrap();
        assert!(plain.vars.is_empty() && plain.choices.is_empty());
        assert_eq!(
            serde_json::to_string(&plain).unwrap(),
            r#"{"topic":"greeting","node":"ask_issue","vars":{}}"#
        );
    }

    #[test]
    fn a_stale_state_starts_over() {
        let set = shipped();
        for (topic, node) in [("gone", "x"), ("greeting", "gone"), ("greeting", "noted")] {
            let state = TopicState {
                topic: topic.into(),
                node: node.into(),
                vars: BTreeMap::new(),
                choices: vec![],
            };
            let t = set
                .resume(&state, &Input::text("order"), &NoChoiceSource)
                .unwrap();
            assert_eq!(t.state.unwrap().topic, "order_status", "{topic}/{node}");
        }
        // A Dynamic Choice state without its list asks again.
        let state = TopicState {
            topic: "open_cases".into(),
            node: "pick_case".into(),
            vars: BTreeMap::new(),
            choices: vec![],
        };
        let t = set
            .resume(&state, &Input::text("1"), &TestSource::with_cases())
            .unwrap();
        assert_eq!(t.state.unwrap().choices.len(), 2);
    }

    #[test]
    fn trigger_choice_earliest_then_longest() {
        let mk = |name: &str, trig: &str| {
            format!("name = \"{name}\"\ntrigger = [{trig}]\nstart = \"e\"\n[nodes.e]\nflow = \"end\"\nmessage = \"{name}\"\n")
        };
        let a = mk("a", "\"order\"");
        let b = mk("b", "\"late\", \"order late\"");
        let c = mk("c", "\"my order\"");
        let set = TopicSet::from_sources([("a", a.as_str()), ("b", b.as_str()), ("c", c.as_str())])
            .unwrap();
        let pick = |text: &str| set.matching_topic(text).map(|t| t.name.clone());
        assert_eq!(pick("late order"), Some("b".into()));
        assert_eq!(pick("order late"), Some("b".into())); // same position, longer phrase
        assert_eq!(pick("my order is late"), Some("c".into()));
        assert_eq!(pick("ORDER!"), Some("a".into()));
        assert_eq!(pick("orders"), None);
        // No trigger and no fallback: nothing to say.
        let t = set.start("hello", &NoChoiceSource).unwrap();
        assert!(t.ended && t.outbound.is_empty() && t.state.is_none());
    }

    #[test]
    fn branch_cases_one_of_and_default() {
        let set = TopicSet::from_str(
            "b.toml",
            "name = \"b\"\ntrigger = [\"go\"]\nstart = \"ask\"\n\
             [nodes.ask]\ninput = \"text\"\nprompt = \"Colour?\"\nvar = \"c\"\nnext = \"br\"\n\
             [nodes.br]\nflow = \"branch\"\nvar = \"c\"\n\
             cases = [{ equals = \"red\", next = \"r\" }, { one_of = [\"blue\", \"green\"], next = \"bg\" }]\n\
             default = \"other\"\n\
             [nodes.r]\nflow = \"end\"\nmessage = \"Red\"\n\
             [nodes.bg]\nflow = \"end\"\nmessage = \"Cool {c}\"\n\
             [nodes.other]\nflow = \"end\"\n",
        )
        .unwrap();
        let start = set.start("go", &NoChoiceSource).unwrap();
        let answer = |text: &str| say(&set, &start, text, &NoChoiceSource);
        assert_eq!(bodies(&answer("RED!")), ["Red"]);
        assert_eq!(bodies(&answer("green")), ["Cool green"]);
        assert_eq!(bodies(&answer(" Blue ")), ["Cool Blue"]);
        let other = answer("purple");
        assert!(other.outbound.is_empty() && other.ended);
    }
}
