//! The world's virtual agent: topic files, the records topics show, and live agents' rich
//! replies.

use std::sync::Arc;

use crate::check::topics::{topic_sources, TopicSources};
use anyhow::{ensure, Context as _};
use convsms::domain::model::{Interaction, InteractionNumber};
use convsms::engine::ComposeRequest;
use cucumber::gherkin::Step;

use super::{docstring, lines, ConvWorld};
use crate::check::params::{Requester, TopicPosition};

impl ConvWorld {
    /// Adds the step's docstring as a topic file (or replaces the folder's file of that name) and
    /// reloads the topics.
    ///
    /// # Errors
    /// The topic set does not load (VA-9): the error names the file and the node.
    pub fn given_topic_file(&mut self, file: &str, step: &Step) -> anyhow::Result<()> {
        let text = docstring(step)?;
        self.load_topic_file(file, &text)
            .with_context(|| format!("loading the topic file {file}"))
    }

    /// An administrator loads the step's docstring as a topic file; a refusal is kept for
    /// "Then".
    pub fn admin_loads_topic_file(&mut self, file: &str, step: &Step) -> anyhow::Result<()> {
        let text = docstring(step)?;
        self.mark()?;
        if let Err(e) = self.load_topic_file(file, &text) {
            self.refused(e);
        }
        Ok(())
    }

    /// Its error is the loader's refusal alone (VA-9), as an administrator reads it.
    fn load_topic_file(&mut self, file: &str, text: &str) -> anyhow::Result<()> {
        let mut extra = self.extra_topics.clone();
        extra.retain(|(f, _)| f != file);
        extra.push((file.to_owned(), text.to_owned()));
        let set = self.base_topics().load_with(&extra)?;
        self.engine().set_topics(Arc::new(set));
        self.extra_topics = extra;
        Ok(())
    }

    /// Whether loading `files` one after another, each as `When an administrator loads the
    /// topic file …` would, succeeds at every step; nothing is loaded. What `convsms serve`'s
    /// reload checks first, so that it loads all or none.
    ///
    /// # Errors
    /// The loader's refusal (naming the file and the node) at the first file that would fail.
    pub(crate) fn check_topic_files(&self, files: &[(String, String)]) -> anyhow::Result<()> {
        let mut extra = self.extra_topics.clone();
        for (file, text) in files {
            extra.retain(|(f, _)| f != file);
            extra.push((file.clone(), text.clone()));
            self.base_topics().load_with(&extra)?;
        }
        Ok(())
    }

    /// The topics the scenario's topic files add to: the run's, or the built-in ones after
    /// `Given the virtual agent answers with the built-in topics`.
    fn base_topics(&self) -> std::borrow::Cow<'static, TopicSources> {
        if self.only_topic_files {
            // The folder stays the root of the media its files show.
            std::borrow::Cow::Owned(TopicSources {
                dir: topic_sources().dir.clone(),
                files: vec![],
            })
        } else if self.built_in_topics {
            std::borrow::Cow::Owned(TopicSources::built_in())
        } else {
            std::borrow::Cow::Borrowed(topic_sources())
        }
    }

    /// The virtual agent answers with the built-in topics alone (those `convsms soak` answers
    /// with), whatever the run's topic folder holds; topic files the scenario loaded before are
    /// dropped, those it loads after are added to them.
    ///
    /// # Errors
    /// The built-in topics do not load (a bug of the build).
    pub fn given_built_in_topics(&mut self) -> anyhow::Result<()> {
        let set = TopicSources::built_in().load()?;
        self.engine().set_topics(Arc::new(set));
        self.built_in_topics = true;
        self.only_topic_files = false;
        self.extra_topics.clear();
        Ok(())
    }

    /// The virtual agent answers only with the topic files the steps after this one load
    /// (`Given the topic file "…":`), neither the run's folder nor the built-in topics; until
    /// one loads, it has no topic. What `convsms serve`'s export writes where the topics a
    /// server answered with differ from what the folder holds.
    ///
    /// # Errors
    /// An empty topic set does not load (a bug).
    pub fn given_only_topic_files(&mut self) -> anyhow::Result<()> {
        self.only_topic_files = true;
        self.built_in_topics = false;
        self.extra_topics.clear();
        let set = self.base_topics().load()?;
        self.engine().set_topics(Arc::new(set));
        Ok(())
    }

    /// Gives a requester a customer service case.
    pub fn given_case(
        &mut self,
        who: &Requester,
        state: &str,
        number: &str,
        about: &str,
    ) -> anyhow::Result<()> {
        let party = self.party(who.table, &who.name)?;
        self.store()
            .write(|tx| tx.insert_case(number, about, state, &party))
            .with_context(|| format!("creating the case {number} of {who}"))
    }

    /// Creates an order record.
    pub fn given_order(
        &mut self,
        number: &str,
        state: &str,
        carrier: &str,
        eta: &str,
    ) -> anyhow::Result<()> {
        self.store()
            .write(|tx| tx.insert_order(number, state, carrier, eta))
            .with_context(|| format!("creating the order {number}"))
    }

    /// A live agent sends the card of a customer service case into an interaction (VA-8).
    pub async fn send_case_card(
        &mut self,
        agent: &str,
        case: &str,
        number: &InteractionNumber,
    ) -> anyhow::Result<()> {
        let body =
            case_card_body(self.store(), case)?.with_context(|| format!("no case {case}"))?;
        self.send(ComposeRequest {
            agent: agent.to_owned(),
            interaction: Some(number.clone()),
            body,
            ..Default::default()
        })
        .await
    }

    /// Checks that a handset received exactly the step's docstring from a number (trailing
    /// blanks aside).
    pub fn check_receives_exactly(
        &self,
        phone: &str,
        from: &str,
        step: &Step,
    ) -> anyhow::Result<()> {
        let want = docstring(step)?;
        let got = self.received(phone);
        ensure!(
            got.iter()
                .any(|m| m.from == from && m.body.trim_end() == want.trim_end()),
            "{phone} did not receive from {from}:\n{want}\nIt received:{}{}",
            lines(got.iter().map(|m| format!("from {}:\n{}", m.from, m.body))),
            self.undelivered_note(phone)
        );
        Ok(())
    }

    /// Checks where an interaction waits in the virtual agent: (topic, node), or in no topic (a
    /// closed one waits in none).
    pub fn check_waits_at(
        &self,
        number: &InteractionNumber,
        want: &TopicPosition,
    ) -> anyhow::Result<()> {
        let want = want.0.as_ref();
        let i = self.interaction(number)?;
        let got = topic_position(&i);
        // A closed conversation waits nowhere, wherever its topic stopped.
        if !i.active && want.is_some() {
            anyhow::bail!(
                "{number} is closed, so it waits in no topic{}; expected it to wait in topic \"{}\" \
                 at node \"{}\"",
                got.as_ref().map_or(String::new(), |(t, n)| format!(
                    " (its topic stopped at topic \"{t}\", node \"{n}\")"
                )),
                want.map_or("", |w| w.0.as_str()),
                want.map_or("", |w| w.1.as_str()),
            );
        }
        let got = got.filter(|_| i.active);
        let show = |p: Option<&(String, String)>| {
            p.map_or_else(
                || "no topic".to_owned(),
                |(t, n)| format!("topic \"{t}\" at node \"{n}\""),
            )
        };
        ensure!(
            got.as_ref() == want,
            "{number} waits in {}, expected {}",
            show(got.as_ref()),
            show(want)
        );
        Ok(())
    }
}

/// Where an interaction waits in the virtual agent, as `waits in topic "…" at node "…"` reads
/// it: (topic, node) from its `va_state`, `None` in no topic.
pub(crate) fn topic_position(i: &Interaction) -> Option<(String, String)> {
    i.va_state
        .as_deref()
        .and_then(|j| serde_json::from_str::<serde_json::Value>(j).ok())
        .map(|v| {
            (
                v["topic"].as_str().unwrap_or("").to_owned(),
                v["node"].as_str().unwrap_or("").to_owned(),
            )
        })
}

/// The text of the card of customer service case `case` (`CS…`) as an agent sends it into a
/// conversation (VA-8): its number, subject and state, labelled `Case`, `Subject`, `State`, as
/// the virtual agent renders a card (`convsms::domain::topic::render::card`). `None` when no case
/// has that number. The step `When agent … sends the card of case …` and the soak's agents send
/// the same text.
///
/// # Errors
/// The store cannot be read.
pub(crate) fn case_card_body(
    store: &convsms::store::SqliteStore,
    case: &str,
) -> anyhow::Result<Option<String>> {
    let Some(values) = store
        .read(|tx| tx.case_card(case))
        .with_context(|| format!("reading the case {case}"))?
    else {
        return Ok(None);
    };
    let pairs: Vec<(String, String)> = (["Case", "Subject", "State"].iter())
        .map(|l| l.to_string())
        .zip(values)
        .collect();
    Ok(Some(
        convsms::domain::topic::render::card(None, &pairs).body,
    ))
}
