//! The world's agent workspace: the Ongoing tab and its new-message indicator, and the system
//! messages agents see against the subset requesters receive by SMS (INBOX-1, INBOX-2, SYSMSG-1).

use anyhow::{ensure, Context as _};
use convsms::domain::delivery::Direction;
use convsms::domain::model::{InteractionNumber, Message};
use convsms::engine::work_assignment::OngoingRow;
use convsms::engine::{ComposeRequest, ToField};

use super::{lines, quote_expected, ConvWorld};
use crate::check::params::{AgentReply, Attached};

/// An Ongoing tab row as a failure message shows it.
struct RowShown<'a>(&'a OngoingRow);

impl std::fmt::Display for RowShown<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let r = self.0;
        let new = if r.unread { "with" } else { "without" };
        write!(f, "{} {new} a new message", r.interaction)
    }
}

impl ConvWorld {
    /// The agent opens a conversation in the workspace (clearing its new-message indicator); an
    /// unknown agent or interaction is a refusal kept for "Then".
    pub fn read_conversation(
        &mut self,
        agent: &str,
        number: &InteractionNumber,
    ) -> anyhow::Result<()> {
        self.mark()?;
        // An unknown agent or interaction is refused, as a reply is, for "Then" to check.
        if let Err(e) = self.engine().read_conversation(agent, number) {
            self.refused(e);
        }
        Ok(())
    }

    /// The agent replies in a conversation (their SMS joins it, as Compose SMS on the interaction
    /// does), then closes it, or only closes it. A refused reply is kept for "Then" and the
    /// conversation stays open. A reply in a closed conversation is refused (saying how to
    /// compose instead). Only the agent a conversation is assigned to can close it: another
    /// agent, an unknown name or a closed conversation is a refusal kept for "Then", and a reply
    /// and close that would be refused sends nothing. A reply that leaves the virtual agent's
    /// conversation for one of the agent's own (AGENT-3) closes that one.
    pub async fn agent_replies(&mut self, agent: &str, reply: &AgentReply) -> anyhow::Result<()> {
        // No such interaction: refused, as Compose SMS on one is (and as `convsms serve` answers
        // an offer that does not exist), for `Then the request is refused with …` to check.
        let i = match self.store().read(|tx| tx.interaction(&reply.interaction)) {
            Ok(Some(i)) => i,
            Ok(None) => {
                self.mark()?;
                let all = self.interaction_numbers().unwrap_or_default();
                self.refused(format!(
                    "no interaction {}; the interactions are: {}",
                    reply.interaction,
                    super::joined(all)
                ));
                return Ok(());
            }
            Err(e) => return Err(e).with_context(|| format!("looking up {}", reply.interaction)),
        };
        if !i.active && reply.text.is_some() {
            // A reply belongs to an open conversation; composing on a closed record would open
            // another one (and could close the requester's current one, AGENT-3) unasked.
            self.mark()?;
            self.refused(format!(
                "{} is closed ({}): a reply goes into an open conversation; to write to the \
                 requester again, compose a new message (When agent \"{agent}\" composes \"…\" \
                 on interaction {})",
                reply.interaction,
                i.state.as_str(),
                reply.interaction
            ));
            return Ok(());
        }
        if let (true, Some(_)) = (reply.close, &reply.text) {
            // A close that would be refused is refused before the reply goes out.
            if let Err(e) = self.engine().may_reply_and_close(agent, &reply.interaction) {
                self.mark()?;
                self.refused(e);
                return Ok(());
            }
        }
        if let Some(text) = &reply.text {
            self.send(ComposeRequest {
                agent: agent.to_owned(),
                interaction: Some(reply.interaction.clone()),
                to: ToField::Default,
                body: super::unescape(text),
                ..ComposeRequest::default()
            })
            .await?;
            if self.last_error.is_some() && self.last_send.is_none() {
                return Ok(());
            }
        }
        if reply.close {
            if reply.text.is_none() {
                self.mark()?;
            }
            // What closes is the conversation the reply went into: another one when the reply
            // left the virtual agent's (AGENT-3).
            let target = match (&reply.text, &self.last_send) {
                (Some(_), Some(sent)) => sent.interaction.clone(),
                _ => reply.interaction.clone(),
            };
            let engine = self.stack.engine.clone();
            if let Err(e) = engine.close_by(agent, &target).await {
                self.refused(e);
            }
        }
        Ok(())
    }

    /// The agent's Ongoing tab, most recent activity first.
    fn ongoing(&self, agent: &str) -> anyhow::Result<Vec<OngoingRow>> {
        self.engine()
            .ongoing_tab(agent)
            .with_context(|| format!("reading {agent}'s Ongoing tab"))
    }

    /// Checks that the agent's Ongoing tab shows an interaction, with or without a new message.
    pub fn check_ongoing_shows(
        &self,
        agent: &str,
        number: &InteractionNumber,
        new_message: bool,
    ) -> anyhow::Result<()> {
        let tab = self.ongoing(agent)?;
        let shown = || lines(tab.iter().map(RowShown));
        let row = tab
            .iter()
            .find(|r| r.interaction == *number)
            .with_context(|| {
                format!(
                    "{agent}'s Ongoing tab does not show {number}; it shows:{}",
                    shown()
                )
            })?;
        let with = |b: bool| if b { "with" } else { "without" };
        ensure!(
            row.unread == new_message,
            "{agent}'s Ongoing tab shows {number} {} a new message, expected {}",
            with(row.unread),
            with(new_message)
        );
        Ok(())
    }

    /// Checks that the agent's Ongoing tab does not show an interaction.
    pub fn check_ongoing_hides(
        &self,
        agent: &str,
        number: &InteractionNumber,
    ) -> anyhow::Result<()> {
        // A mistyped number is not shown either: refused, not passed.
        self.interaction(number)?;
        let tab = self.ongoing(agent)?;
        ensure!(
            !tab.iter().any(|r| r.interaction == *number),
            "{agent}'s Ongoing tab still shows {number}:{}",
            lines(tab.iter().map(RowShown))
        );
        Ok(())
    }

    /// Checks that the agent's Ongoing tab is empty.
    pub fn check_ongoing_empty(&self, agent: &str) -> anyhow::Result<()> {
        let tab = self.ongoing(agent)?;
        ensure!(
            tab.is_empty(),
            "{agent}'s Ongoing tab is not empty:{}",
            lines(tab.iter().map(RowShown))
        );
        Ok(())
    }

    /// Checks how many conversations with new messages the agent's Ongoing tab indicator shows.
    pub fn check_indicator(&self, agent: &str, count: usize) -> anyhow::Result<()> {
        let tab = self.ongoing(agent)?;
        let got = tab.iter().filter(|r| r.unread).count();
        ensure!(
            got == count,
            "{agent}'s Ongoing tab indicator shows {got} conversations with new messages, \
             expected {count}:{}",
            lines(tab.iter().map(RowShown))
        );
        Ok(())
    }

    /// Checks that agents see a system message in an interaction (an internal transcript line).
    pub fn check_agents_see(&self, text: &str, number: &InteractionNumber) -> anyhow::Result<()> {
        let text = super::unescape(text);
        let system: Vec<String> = self
            .messages(number)?
            .into_iter()
            .filter(|m| m.direction == Direction::Internal)
            .map(|m| m.body)
            .collect();
        ensure!(
            system.contains(&text),
            "agents do not see {} in {number}; its system messages:{}",
            quote_expected(&text),
            lines(system.iter().map(|s| quote_expected(s)))
        );
        Ok(())
    }

    /// Checks that agents see a message from the requester in an interaction, with its text and
    /// media: `attached` images (media of type `image/*`) and other files.
    pub fn check_agents_see_requester_message(
        &self,
        text: &str,
        attached: Attached,
        number: &InteractionNumber,
    ) -> anyhow::Result<()> {
        let text = super::unescape(text);
        let counts = |m: &Message| {
            let images = m
                .media
                .iter()
                .filter(|x| x.content_type.starts_with("image/"))
                .count();
            (images, m.media.len() - images)
        };
        let inbound: Vec<Message> = self
            .messages(number)?
            .into_iter()
            .filter(|m| m.direction == Direction::Inbound)
            .collect();
        let shown = |m: &Message| {
            let (images, files) = counts(m);
            format!(
                "{} with {images} image(s) and {files} file(s)",
                quote_expected(&m.body)
            )
        };
        ensure!(
            inbound
                .iter()
                .any(|m| m.body == text && counts(m) == (attached.images, attached.files)),
            "agents do not see the requester's message {} with {} image(s) and {} file(s) in {number}; the requester's messages:{}",
            quote_expected(&text),
            attached.images,
            attached.files,
            lines(inbound.iter().map(shown))
        );
        Ok(())
    }

    /// Checks whether the requester of an interaction received a text from its provider number.
    pub fn check_requester_receives(
        &self,
        number: &InteractionNumber,
        receives: bool,
        text: &str,
    ) -> anyhow::Result<()> {
        let text = super::unescape(text);
        let i = self.interaction(number)?;
        let (Some(requester), Some(provider)) = (i.requester_phone, i.provider_phone) else {
            anyhow::bail!("{number} is not an SMS conversation");
        };
        let got: Vec<String> = self
            .received(requester.as_str())
            .into_iter()
            .filter(|m| m.from == provider.as_str())
            .map(|m| m.body)
            .collect();
        let expected = if receives {
            "expected to receive"
        } else {
            "expected not to receive"
        };
        ensure!(
            got.contains(&text) == receives,
            "the requester of {number} was {expected} {}; they received:{}",
            quote_expected(&text),
            lines(got.iter().map(|b| quote_expected(b)))
        );
        // A text written slightly otherwise than it was sent would pass on the typo.
        if let Some((near, how)) = got
            .iter()
            .filter(|_| !receives)
            .find_map(|b| super::conversation::near_miss(b, &text).map(|how| (b, how)))
        {
            anyhow::bail!(
                "the requester of {number} received {}, which differs from {} {how}: write the \
                 text exactly as it is sent, to check that it was not",
                quote_expected(near),
                quote_expected(&text)
            );
        }
        Ok(())
    }
}
