//! The world's Compose SMS form (agent-initiated conversations) and customers' send-from/send-to
//! extension.

use std::sync::Arc;

use anyhow::{ensure, Context as _};
use convsms::domain::model::{Handler, InteractionNumber, InteractionType};
use convsms::domain::phone::E164;
use convsms::engine::extension::{
    AgentInitiatedConversationUtil, AgentInitiatedMessagingUtilExtPointImpl, ComposeContext,
};
use convsms::engine::{Attachment, ComposeForm, ComposeRequest, ToField};

use super::{joined, ConvWorld};
use crate::check::params::{ComposeScope, Composition, Ongoing, Requester, Warning};

/// A customer's extension that always offers the same numbers (COMPOSE-8).
struct FixedNumbers {
    from: Vec<E164>,
    to: Option<E164>,
}

impl AgentInitiatedConversationUtil for FixedNumbers {
    fn send_from(&self, _: &ComposeContext<'_>) -> Vec<E164> {
        self.from.clone()
    }
    fn send_to(&self, _: &ComposeContext<'_>) -> Option<E164> {
        self.to.clone()
    }
}

fn phone(text: &str) -> anyhow::Result<E164> {
    E164::parse(text, None).with_context(|| format!("the phone number \"{text}\""))
}

/// A phone, or what the form shows instead.
fn shown(p: Option<&E164>) -> String {
    p.map_or_else(|| "nothing".to_owned(), |p| p.to_string())
}

impl ConvWorld {
    /// Opens a phone-call interaction for a record (VALIDATE-2), the call from `caller` (a
    /// number as people write it).
    pub fn given_phone_interaction_from(
        &mut self,
        caller: &str,
        who: &Requester,
    ) -> anyhow::Result<()> {
        self.given_phone_interaction(who, Some(caller))
    }

    /// Opens a phone-call interaction for a record (VALIDATE-2), the call from `caller` (a
    /// number as people write it), else from the record's own phone.
    pub fn given_phone_interaction(
        &mut self,
        who: &Requester,
        caller: Option<&str>,
    ) -> anyhow::Result<()> {
        let party = self.party(who.table, &who.name)?;
        let caller = caller.map(phone).transpose()?;
        let now = self.now();
        self.store()
            .write(|tx| {
                tx.insert_interaction(
                    InteractionType::Phone,
                    &Handler::Queue,
                    &party,
                    None,
                    caller.as_ref().or(party.phone.as_ref()),
                    None,
                    None,
                    now,
                )
                .map(|_| ())
            })
            .with_context(|| format!("opening a phone interaction for {who}"))
    }

    /// Installs a customer's send-from/send-to extension (COMPOSE-8).
    pub fn given_extension(&mut self, from: &[String], to: &str) -> anyhow::Result<()> {
        let from = from
            .iter()
            .map(|f| phone(f))
            .collect::<anyhow::Result<Vec<_>>>()?;
        let to = Some(phone(to)?);
        self.engine()
            .install_extension(Arc::new(FixedNumbers { from, to }));
        Ok(())
    }

    /// The engine's own send-from/send-to extension again
    /// (`AgentInitiatedMessagingUtilExtPointImpl`): what a restarted `convsms serve` answers
    /// with, since an extension set by step lives in memory.
    pub fn given_default_extension(&mut self) -> anyhow::Result<()> {
        self.engine()
            .install_extension(Arc::new(AgentInitiatedMessagingUtilExtPointImpl));
        Ok(())
    }

    /// The agent opens Compose SMS; a refusal is kept for "Then".
    pub fn open_compose(&mut self, agent: &str, scope: &ComposeScope) -> anyhow::Result<()> {
        self.mark()?;
        let requester = scope.requester.as_ref().map(Requester::as_pair);
        match self
            .engine()
            .compose_form(agent, scope.interaction.as_ref(), requester)
        {
            Ok(form) => self.last_form = Some(form),
            Err(e) => self.refused(e),
        }
        Ok(())
    }

    /// The agent fills in Compose SMS and presses Send; a refusal (the engine's or the
    /// provider's) is kept for "Then". An attachment gets made-up bytes of its type.
    pub async fn compose(
        &mut self,
        agent: &str,
        body: &str,
        c: &Composition,
    ) -> anyhow::Result<()> {
        let req = ComposeRequest {
            agent: agent.to_owned(),
            interaction: c.interaction.clone(),
            requester: c.requester.clone().map(|r| (r.table, r.name)),
            from: c.from.clone(),
            to: c.to.clone().map_or(ToField::Default, ToField::Other),
            body: super::unescape(body),
            attachment: c
                .attachment
                .as_ref()
                .map(|(file, content_type)| Attachment {
                    file_name: file.clone(),
                    content_type: content_type.clone(),
                    data: format!("{content_type}:{file}").into_bytes(),
                }),
        };
        self.send(req).await
    }

    /// Sends a Compose SMS request.
    pub(crate) async fn send(&mut self, req: ComposeRequest) -> anyhow::Result<()> {
        self.mark()?;
        match self.stack.engine.send_sms(req).await {
            Ok(out) => {
                if let Some(e) = out.refusal() {
                    self.refused(e);
                }
                self.last_send = Some(out);
            }
            Err(e) => self.refused(e),
        }
        Ok(())
    }

    fn form(&self) -> anyhow::Result<&ComposeForm> {
        self.last_form
            .as_ref()
            .with_context(|| format!("no Compose SMS form is open ({})", self.last_error_text()))
    }

    /// Checks the From numbers the form offers, with none preselected.
    pub fn check_offers_from(&self, want: &[String]) -> anyhow::Result<()> {
        let f = self.form()?;
        let got: Vec<String> = f.from_choices.iter().map(|n| n.to_string()).collect();
        ensure!(
            got == want && f.from.is_none(),
            "the form offers From {} with {} preselected; expected {} with none preselected",
            joined(&got),
            shown(f.from.as_ref()),
            joined(want)
        );
        Ok(())
    }

    /// Checks the From number the form preselects.
    pub fn check_preselects_from(&self, from: &str) -> anyhow::Result<()> {
        let f = self.form()?;
        ensure!(
            f.from.as_ref().is_some_and(|n| n.as_str() == from),
            "the form preselects From {}, expected {from}",
            shown(f.from.as_ref())
        );
        Ok(())
    }

    /// Checks the To number the form fills in.
    pub fn check_fills_to(&self, to: &str) -> anyhow::Result<()> {
        let f = self.form()?;
        ensure!(
            f.to.as_ref().is_some_and(|n| n.as_str() == to),
            "the form fills To with {}, expected {to}",
            shown(f.to.as_ref())
        );
        Ok(())
    }

    /// Checks the ongoing interaction the form shows, or that it shows none.
    pub fn check_form_ongoing(&self, want: &Ongoing) -> anyhow::Result<()> {
        let f = self.form()?;
        let want = want.0.as_ref();
        let show = |n: Option<&InteractionNumber>| {
            n.map_or_else(|| "no ongoing interaction".to_owned(), |n| n.to_string())
        };
        ensure!(
            f.ongoing.as_ref() == want,
            "the form shows {}, expected {}",
            show(f.ongoing.as_ref()),
            show(want)
        );
        Ok(())
    }

    /// Checks which interaction the last Compose SMS send went into.
    pub fn check_went_into(&self, number: &InteractionNumber) -> anyhow::Result<()> {
        let out = self
            .last_send
            .as_ref()
            .with_context(|| format!("nothing was sent ({})", self.last_error_text()))?;
        ensure!(
            out.interaction == *number,
            "the message went into {}, expected {number}",
            out.interaction
        );
        Ok(())
    }

    /// The warning the agent sees after the last action: the Compose SMS send's, else the
    /// validation answer's (`result.message`); `None` when there is none.
    pub(crate) fn shown_warning(&self) -> Option<String> {
        let from_send = self.last_send.as_ref().and_then(|o| o.warning.clone());
        from_send.or_else(|| {
            self.last_endpoint?;
            self.last_http.as_ref().and_then(|h| {
                serde_json::from_str::<serde_json::Value>(&h.body)
                    .ok()
                    .and_then(|v| v["result"]["message"].as_str().map(str::to_owned))
            })
        })
    }

    /// Checks the warning the agent sees (from the last send or endpoint answer): one that
    /// contains `want`, or none.
    pub fn check_warning(&self, want: &Warning) -> anyhow::Result<()> {
        // The warning is of the last request: after another (a text, another send) "no
        // warning" would pass on that request's answer without looking at the warning.
        ensure!(
            self.last_send.is_some() || self.last_endpoint.is_some(),
            "the last step was not a Compose SMS send or a validation request, so there is no \
             warning to look at: check it right after one"
        );
        match (want.0.as_deref(), self.shown_warning()) {
            (None, None) => Ok(()),
            (None, Some(got)) => anyhow::bail!("the agent sees the warning \"{got}\""),
            (Some(want), Some(got)) if got.contains(want) => Ok(()),
            (Some(want), got) => anyhow::bail!(
                "the agent sees {}, expected a warning saying \"{want}\"",
                got.map_or_else(
                    || "no warning".to_owned(),
                    |g| format!("the warning \"{g}\"")
                )
            ),
        }
    }
}
