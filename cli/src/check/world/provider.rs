//! The world's provider: Conversational SMS provider numbers, the provider's webhooks and status
//! callbacks, and the simulated Twilio's carriers and faults.

use anyhow::{bail, ensure, Context as _};
use convsms::domain::delivery::Direction;
use convsms::domain::model::{InteractionNumber, Message};
use convsms::domain::phone::E164;
use convsms::engine::CONVERSATIONAL_SMS;
use convsms::web::{INBOUND_PATH, STATUS_PATH};
use convsms_sim::{ApiFault, CallbackFault, CarrierProfile, WebhookFault};
use twilio_wire::message::{MessageStatus, API_VERSION};
use twilio_wire::sid::{AccountSid, MessageSid};
use twilio_wire::webhook::{InboundMessage, StatusCallback};

use super::{ConvWorld, HttpAnswer};
use crate::check::params::{MessageRef, NumberUse, Signature, Strikes};

/// How the store names another integration: `Twilio Notify` → `twilio_notify`.
fn integration_key(integration: &str) -> String {
    integration.to_ascii_lowercase().replace(' ', "_")
}

impl ConvWorld {
    /// The simulated Twilio starts afresh, as a restarted `convsms serve`'s does: its
    /// messages, media, opt-outs, carriers and faults forgotten (the account's numbers and
    /// Messaging Services kept), and its SID counters on at the next block of 2^32 above every
    /// SID the engine stored, so that no new SID repeats one.
    pub fn sim_restarts(&mut self) -> anyhow::Result<()> {
        let max = self
            .store()
            .read(|tx| tx.max_message_sid_counter())
            .context("reading the stored SIDs")?;
        self.stack.sim.reset();
        self.stack.sim.count_sids_from(((max >> 32) + 1) << 32);
        Ok(())
    }

    /// Adds Conversational SMS provider numbers (and makes the simulated account own them).
    pub fn given_provider_numbers(&mut self, numbers: &[String]) -> anyhow::Result<()> {
        for n in numbers {
            let n = self
                .engine()
                .add_provider_number("Conversational SMS", CONVERSATIONAL_SMS, n)
                .with_context(|| format!("adding the provider number {n}"))?;
            self.stack.sim.add_number(n.as_str());
        }
        Ok(())
    }

    /// Registers a number with another integration (ServiceNowTwilioDirect, Twilio Notify).
    pub fn given_other_integration_number(
        &mut self,
        number: &str,
        integration: &str,
    ) -> anyhow::Result<()> {
        let key = integration_key(integration);
        let n = self
            .engine()
            .add_provider_number(integration, &key, number)
            .with_context(|| format!("adding {number} as a {integration} number"))?;
        // One Twilio account can hold the numbers of several integrations.
        self.stack.sim.add_number(n.as_str());
        Ok(())
    }

    /// An administrator adds a Conversational SMS provider number (PROVIDER-1): the number is
    /// the Twilio account's (bought there first), and the engine points its messaging webhook
    /// at itself through Twilio's IncomingPhoneNumbers API before recording it. A refusal is
    /// kept for "Then".
    pub async fn admin_adds_provider_number(&mut self, number: &str) -> anyhow::Result<()> {
        self.mark()?;
        if let Ok(e164) = E164::parse(number, None) {
            // One Twilio account holds the numbers of every integration: adding it again is
            // harmless.
            self.stack.sim.add_number(e164.as_str());
        }
        let engine = self.stack.engine.clone();
        if let Err(e) = engine.connect_provider_number(number).await {
            self.refused(e);
        }
        Ok(())
    }

    /// Checks that the simulated Twilio's number `number` has the engine's inbound webhook as
    /// its own messaging webhook (its IncomingPhoneNumber `SmsUrl`, with `SmsMethod` POST).
    pub fn check_number_sends_to_engine(&self, number: &str) -> anyhow::Result<()> {
        let e164 = E164::parse(number, None).with_context(|| format!("the number \"{number}\""))?;
        let resource = self
            .stack
            .sim
            .incoming_phone_number(e164.as_str())
            .with_context(|| format!("{number} is not a number of the Twilio account"))?;
        let engine = format!("{}{INBOUND_PATH}", self.stack.engine_url);
        ensure!(
            resource.sms_url == engine && resource.sms_method == "POST",
            "Twilio's number {number} sends inbound messages {}; expected it to POST them to the \
             engine's webhook {engine}",
            if resource.sms_url.is_empty() {
                "to no webhook of its own".to_owned()
            } else {
                format!("with {} to {}", resource.sms_method, resource.sms_url)
            }
        );
        Ok(())
    }

    /// Posts an inbound webhook that Twilio did not sign: a wrong signature, none, or Twilio's
    /// signature of another body (a webhook tampered with on the way).
    pub async fn forged_webhook(
        &mut self,
        signature: &Signature,
        body: &str,
        from: &str,
        to: &str,
    ) -> anyhow::Result<()> {
        self.mark()?;
        let params_of = |body: &str| -> anyhow::Result<Vec<(String, String)>> {
            Ok(InboundMessage::sms(
                MessageSid::parse("SM00000000000000000000000000000bad")?,
                AccountSid::parse(self.stack.sim.account_sid())?,
                from,
                to,
                body,
            )
            .to_params())
        };
        let url = format!("{}{INBOUND_PATH}", self.stack.engine_url);
        let header = match signature {
            Signature::Header(header) => header.clone(),
            Signature::SignedFor(signed) => Some(twilio_wire::signature::sign(
                self.stack.sim.auth_token(),
                &url,
                &params_of(signed)?,
            )),
        };
        let mut req = self.stack.http.post(url).form(&params_of(body)?);
        if let Some(sig) = &header {
            req = req.header("X-Twilio-Signature", sig);
        }
        let answer = self.answer(req, "posting the webhook").await?;
        if answer.status != 200 {
            self.refused(&answer.body);
        }
        self.last_http = Some(answer);
        Ok(())
    }

    /// Sends a request to the engine and reads its answer.
    pub(crate) async fn answer(
        &self,
        req: reqwest::RequestBuilder,
        doing: &str,
    ) -> anyhow::Result<HttpAnswer> {
        let resp = req.send().await.context(doing.to_owned())?;
        let status = resp.status().as_u16();
        let body = resp
            .text()
            .await
            .with_context(|| format!("{doing}: reading the answer"))?;
        Ok(HttpAnswer { status, body })
    }

    /// The simulator delivers the last inbound webhook again (a Twilio retry).
    pub async fn redeliver(&mut self) -> anyhow::Result<()> {
        let sid = self
            .last_inbound
            .clone()
            .context("no inbound message was sent yet, so none can be delivered again")?;
        self.redeliver_sid(sid).await
    }

    /// Twilio delivers the webhook of an earlier inbound message again (a webhook retry).
    pub async fn redeliver_message(&mut self, message: &MessageRef) -> anyhow::Result<()> {
        let (_, m) = self.message_ref(message)?;
        ensure!(
            m.direction == Direction::Inbound,
            "{message} is {}, not a message the requester sent",
            m.direction.as_str()
        );
        let sid = m
            .provider_sid
            .with_context(|| format!("{message} has no MessageSid"))?;
        self.redeliver_sid(sid).await
    }

    async fn redeliver_sid(&mut self, sid: MessageSid) -> anyhow::Result<()> {
        self.mark()?;
        let before = crate::soak::audit::writes_and_sends(&self.stack)?;
        // Only a webhook the engine stored is a re-delivery for it: one it refused the first
        // time is taken now for the first time.
        let stored = self
            .stack
            .store
            .read(|tx| tx.has_provider_sid(&sid))
            .context("looking the message up")?;
        let delivered = self.stack.sim.redeliver_inbound(&sid).await;
        if stored && self.redelivery_violation.is_none() {
            self.redelivery_violation = crate::soak::invariants::redelivery_changed_nothing(
                &sid,
                before,
                crate::soak::audit::writes_and_sends(&self.stack)?,
            )
            .err();
        }
        let d = match delivered {
            Ok(d) => d,
            Err(e @ convsms_sim::SimError::WebhookTimeout { .. }) => {
                // The engine got it; Twilio lost its answer (an injected fault).
                self.last_http = None;
                self.refused(e);
                return Ok(());
            }
            Err(e) => {
                return Err(e).with_context(|| format!("delivering the webhook of {sid} again"))
            }
        };
        let a = d
            .answer
            .with_context(|| format!("the webhook of {sid} was not posted again: no SMS URL"))?;
        self.last_http = Some(HttpAnswer {
            status: a.http_status,
            body: a.body,
        });
        Ok(())
    }

    /// Checks the HTTP status the last webhook was answered with.
    pub fn check_webhook_status(&self, status: i64) -> anyhow::Result<()> {
        self.refusal_checked();
        let got = self.last_http.as_ref().context("no webhook was posted")?;
        ensure!(
            i64::from(got.status) == status,
            "the webhook was answered with status {}, expected {status}: {}",
            got.status,
            got.body
        );
        Ok(())
    }

    /// Checks whose a number is: Conversational SMS's (or not), or another integration's.
    pub fn check_number_use(&self, number: &str, want: NumberUse) -> anyhow::Result<()> {
        let e164 = E164::parse(number, None).with_context(|| format!("the number \"{number}\""))?;
        let owner = self
            .store()
            .read(|tx| tx.provider_number_owner(&e164))
            .with_context(|| format!("looking up who has {number}"))?;
        let key = want
            .integration
            .map_or_else(|| CONVERSATIONAL_SMS.to_owned(), integration_key);
        let has = owner.as_ref().is_some_and(|(_, integ)| *integ == key);
        let whose = match &owner {
            Some((_, integ)) if integ == CONVERSATIONAL_SMS => {
                format!("{number} is a Conversational SMS provider number")
            }
            Some((app, _)) => format!("{number} belongs to {app}"),
            None => format!("{number} belongs to no integration"),
        };
        let name = want.integration.unwrap_or("Conversational SMS");
        ensure!(
            has == want.is,
            "{whose}; expected it {} {name}'s",
            if want.is { "to be" } else { "not to be" }
        );
        Ok(())
    }

    /// A message of a conversation: its interaction and transcript row. `the 2nd message
    /// "+14155552671" received` is the second message the simulated Twilio was given for that
    /// handset, delivered or not, found in the transcripts by its MessageSid.
    ///
    /// # Errors
    /// No such message; one Twilio sent itself (a STOP or START confirmation), which is in no
    /// transcript: the error quotes it.
    fn message_ref(&self, r: &MessageRef) -> anyhow::Result<(InteractionNumber, Message)> {
        match r {
            MessageRef::Transcript { interaction, seq } => {
                Ok((interaction.clone(), self.message(interaction, *seq)?))
            }
            MessageRef::LastSent { interaction } => {
                let last = self
                    .messages(interaction)?
                    .into_iter()
                    .filter(|m| m.direction == Direction::Outbound)
                    .max_by_key(|m| m.seq)
                    .with_context(|| {
                        format!("{interaction} sent its requester no message, so not {r}")
                    })?;
                Ok((interaction.clone(), last))
            }
            MessageRef::Received { phone, nth } => {
                let sid = &self.sent_sid(phone, *nth, r)?;
                for n in self.interaction_numbers()? {
                    if let Some(m) = self
                        .messages(&n)?
                        .into_iter()
                        .find(|m| m.provider_sid.as_ref() == Some(sid))
                    {
                        return Ok((n, m));
                    }
                }
                let body = self
                    .stack
                    .sim
                    .messages_to(phone)
                    .into_iter()
                    .find(|m| &m.sid == sid)
                    .map(|m| m.body)
                    .unwrap_or_default();
                bail!(
                    "{r} ({sid}) is in no transcript: the engine did not send it (it reads {}: \
                     Twilio's own answer to STOP, START or HELP, or a message an app sent \
                     through Twilio's REST API), so no step about the engine's messages can name \
                     it; check what the handset got with `\"{phone}\" receives \"...\" from \
                     \"...\"`",
                    super::quote(&body)
                )
            }
        }
    }

    /// The MessageSid of the `nth` (from 1; `None`: the last) message sent to `phone`, delivered
    /// or not, which `r` names.
    ///
    /// # Errors
    /// Fewer messages were sent to it.
    fn sent_sid(
        &self,
        phone: &str,
        nth: Option<usize>,
        r: &MessageRef,
    ) -> anyhow::Result<MessageSid> {
        let sent = self.received_sids(phone);
        match nth {
            Some(nth) => sent.get(nth - 1),
            None => sent.last(),
        }
        .cloned()
        .with_context(|| format!("{phone} was sent {} message(s), so not {r}", sent.len()))
    }

    /// Checks a message's text is `expected` (all of it; `\n` for a line break): as agents see
    /// it in the transcript, or for `the 2nd message "+1…" received`, as the handset got it
    /// (Twilio's own STOP and START confirmations too).
    ///
    /// # Errors
    /// Another text; a handset's message that never reached it (`undelivered`, `failed`,
    /// `canceled`, or still `scheduled`): the ordinals count every message sent to a handset,
    /// so that a check of such a message's status can name it, but it was not received, so it
    /// reads nothing.
    pub fn check_reads(&self, message: &MessageRef, expected: &str) -> anyhow::Result<()> {
        let expected = super::unescape(expected);
        let body = match message {
            MessageRef::Transcript { .. } | MessageRef::LastSent { .. } => {
                self.message_ref(message)?.1.body
            }
            MessageRef::Received { phone, nth } => {
                let sid = &self.sent_sid(phone, *nth, message)?;
                let received = self.received(phone);
                match received.iter().find(|m| &m.sid == sid) {
                    Some(m) => m.body.clone(),
                    None => {
                        let status = if self.stack.sim.fails_for_media(sid) {
                            "failing: the simulated Twilio could not fetch its media".to_owned()
                        } else {
                            self.outbound_to(phone)
                                .into_iter()
                                .find(|m| &m.sid == sid)
                                .map(|m| match (m.status, m.error_code) {
                                    (MessageStatus::Scheduled, _) => {
                                        "scheduled, not sent yet".to_owned()
                                    }
                                    (status, Some(code)) => {
                                        format!("{} with error {code}", status.as_str())
                                    }
                                    (status, None) => status.as_str().to_owned(),
                                })
                                .unwrap_or_else(|| "not delivered".to_owned())
                        };
                        bail!(
                            "{message} ({sid}) never reached the handset: it is {status}, so it \
                             reads nothing there ({phone} received {} message(s)); the ordinals \
                             count every message sent to a handset, so that `{message} has \
                             status \"...\"` can name this one",
                            received.len()
                        )
                    }
                }
            }
        };
        ensure!(
            body == expected,
            "{message} reads {:?}; expected {:?}",
            body,
            expected
        );
        Ok(())
    }

    /// Posts a signed status callback for a message, as Twilio would (to replay late, duplicated
    /// or out-of-order reports).
    pub async fn report_status(
        &mut self,
        message: &MessageRef,
        status: &str,
        error: Option<u32>,
    ) -> anyhow::Result<()> {
        let (number, m) = self.message_ref(message)?;
        anyhow::ensure!(
            m.direction == convsms::domain::delivery::Direction::Outbound,
            "{message} is {}: Twilio reports the delivery of messages sent to a handset, \
             expected an outbound message",
            match m.direction {
                convsms::domain::delivery::Direction::Inbound => "the requester's own (inbound)",
                _ => "an internal line agents see, never sent",
            }
        );
        let sid = m
            .provider_sid
            .with_context(|| format!("{message} has no MessageSid"))?;
        // A report written by the scenario, not Twilio's: invariant 3 does not hold the
        // engine's status of this SID to the simulator's.
        self.hand_reported.insert(sid.clone());
        let i = self.interaction(&number)?;
        let phone = |p: Option<E164>| p.map(|p| p.to_string()).unwrap_or_default();
        let message_status = MessageStatus::from_wire(status).with_context(|| {
            format!(
                "'{status}' is not a Twilio message status; expected one of {}",
                MessageStatus::ALL.map(MessageStatus::as_str).join(", ")
            )
        })?;
        let params = StatusCallback {
            message_sid: sid,
            message_status,
            error_code: error,
            error_message: None,
            account_sid: AccountSid::parse(self.stack.sim.account_sid())?,
            messaging_service_sid: None,
            from: phone(i.provider_phone),
            to: phone(i.requester_phone),
            api_version: API_VERSION.to_owned(),
            raw_dlr_done_date: None,
        }
        .to_params();
        let url = format!("{}{STATUS_PATH}", self.stack.engine_url);
        let signature = twilio_wire::signature::sign(self.stack.sim.auth_token(), &url, &params);
        self.mark()?;
        let req = self
            .stack
            .http
            .post(&url)
            .header("X-Twilio-Signature", signature)
            .form(&params);
        let doing = format!("reporting {message} as {status}");
        self.last_http = Some(self.answer(req, &doing).await?);
        Ok(())
    }

    /// Deletes a message's record at Twilio through the REST API (`DELETE
    /// …/Messages/{MessageSid}.json` with the account's credentials, as an account's
    /// data-retention job does); Twilio answers 404 (20404) for it afterwards.
    ///
    /// # Errors
    /// When the message has no MessageSid, or Twilio does not answer 204 (it refuses, 20009, to
    /// delete a message still on its way).
    pub async fn twilio_deletes(&mut self, message: &MessageRef) -> anyhow::Result<()> {
        let (_, m) = self.message_ref(message)?;
        let sid = m
            .provider_sid
            .with_context(|| format!("{message} has no MessageSid"))?;
        let sim = &self.stack.sim;
        let url = format!(
            "{}/2010-04-01/Accounts/{}/Messages/{sid}.json",
            sim.base_url(),
            sim.account_sid()
        );
        let answer = self
            .stack
            .http
            .delete(&url)
            .basic_auth(sim.account_sid(), Some(sim.auth_token()))
            .send()
            .await
            .with_context(|| format!("deleting {message} at Twilio"))?;
        let status = answer.status();
        let body = answer.text().await.unwrap_or_default();
        anyhow::ensure!(
            status == reqwest::StatusCode::NO_CONTENT,
            "Twilio answered {status} to deleting {message} ({sid}): {body}; it deletes a \
             message once its status is final (delivered, undelivered, failed): let time pass first"
        );
        Ok(())
    }

    /// Checks a message's status (and error code, when one is expected) in the transcript.
    pub fn check_message_status(
        &self,
        message: &MessageRef,
        status: &str,
        error: Option<u32>,
    ) -> anyhow::Result<()> {
        anyhow::ensure!(
            convsms::domain::delivery::ALL_STATUSES
                .iter()
                .any(|s| s.as_str() == status),
            "'{status}' is not a message status; expected one of {}",
            convsms::domain::delivery::ALL_STATUSES
                .map(|s| s.as_str())
                .join(", ")
        );
        let (_, m) = self.message_ref(message)?;
        let want_code = error.map(i64::from);
        if m.status.as_str() == status && (want_code.is_none() || m.error_code == want_code) {
            return Ok(());
        }
        let code =
            |c: Option<i64>| c.map_or_else(|| "no error".to_owned(), |c| format!("error {c}"));
        let expected = match want_code {
            Some(_) => format!("{status} with {}", code(want_code)),
            None => status.to_owned(),
        };
        // Which message the number named, and (the transcript numbering every line, internal
        // ones too) the numbers of those sent, to find the one meant.
        let mut seen = format!(
            "it reads {}",
            crate::check::report::shorten(&super::quote(&m.body), 62)
        );
        if let MessageRef::Transcript { interaction, .. } | MessageRef::LastSent { interaction } =
            message
        {
            let sent: Vec<String> = self
                .messages(interaction)?
                .iter()
                .filter(|x| x.direction == Direction::Outbound)
                .map(|x| format!("#{} {}", x.seq, x.status))
                .collect();
            seen.push_str(&match sent.as_slice() {
                [] => format!("; {interaction} sent no message"),
                _ => format!(
                    "; the messages {interaction} sent (the numbering counts internal lines \
                     too): {}",
                    sent.join(", ")
                ),
            });
        }
        bail!(
            "{message} is {} with {}; expected {expected} ({seen})",
            m.status,
            code(m.error_code)
        )
    }

    /// Checks the delivery error agents see on a message (`error 30003: Unreachable destination
    /// handset. The handset is switched off or out of coverage.`,
    /// [`convsms::transcript::delivery_error`]) is `expected`: all of it as shown, its words
    /// alone, its code alone (`error 30003`), Twilio's message alone or the code's meaning alone.
    pub fn check_delivery_error(&self, message: &MessageRef, expected: &str) -> anyhow::Result<()> {
        let expected = super::unescape(expected);
        ensure!(
            !expected.trim().is_empty(),
            "the expected delivery error is empty; write what agents see, such as \
             \"The handset is switched off or out of coverage.\" or \"error 30003\""
        );
        let (_, m) = self.message_ref(message)?;
        let Some(shown) = convsms::transcript::delivery_error(&m) else {
            bail!(
                "{message} is {} with no delivery error; agents see none",
                m.status
            );
        };
        // The whole text, or one of its parts: "error 30003", the words after it, Twilio's
        // message, what the code means.
        let parts = shown.split_once(": ").filter(|_| m.error_code.is_some());
        let twilio = m.error_message.as_deref().map(str::trim);
        let meaning = m
            .error_code
            .and_then(|c| u32::try_from(c).ok())
            .and_then(convsms::provider::advice);
        let matches = expected == shown
            || parts.is_some_and(|(code, words)| expected == code || expected == words)
            || twilio.is_some_and(|t| !t.is_empty() && t == expected)
            || meaning == Some(expected.as_str());
        ensure!(
            matches,
            "agents see the delivery error \"{shown}\" on {message}; expected \"{expected}\" \
             (write all of it, the words after the code, Twilio's message or what the code \
             means alone, or the code alone, such as \"error 30003\")"
        );
        Ok(())
    }

    /// Gives a handset a carrier profile in the simulated Twilio.
    pub fn given_carrier(&mut self, phone: &str, profile: CarrierProfile) -> anyhow::Result<()> {
        let phone = E164::parse(phone, None).with_context(|| format!("the handset \"{phone}\""))?;
        self.stack.sim.set_carrier(phone.as_str(), profile);
        Ok(())
    }

    /// Makes Twilio's Messages API answer the sends `strikes` picks with `fault`, or with `None`
    /// answer every send normally again (every rule removed, global and per number).
    pub fn given_api_fault(
        &mut self,
        fault: Option<ApiFault>,
        strikes: &Strikes,
    ) -> anyhow::Result<()> {
        match fault {
            None => self.stack.sim.clear_api_faults(),
            Some(_) => (self.stack.sim).set_api_fault(strikes.scope.clone(), fault, strikes.which),
        }
        Ok(())
    }

    /// Makes the message lists (`GET …/Messages.json`) `strikes` picks answer `fault`; `None`
    /// removes every list rule.
    pub fn given_list_fault(
        &mut self,
        fault: Option<ApiFault>,
        strikes: &Strikes,
    ) -> anyhow::Result<()> {
        match fault {
            None => self.stack.sim.clear_list_faults(),
            Some(_) => (self.stack.sim).set_list_fault(strikes.scope.clone(), fault, strikes.which),
        }
        Ok(())
    }

    /// Makes the status callbacks `strikes` picks suffer `fault`.
    pub fn given_callback_fault(
        &mut self,
        fault: CallbackFault,
        strikes: &Strikes,
    ) -> anyhow::Result<()> {
        self.stack
            .sim
            .set_callback_fault(strikes.scope.clone(), Some(fault), strikes.which);
        Ok(())
    }

    /// Makes the inbound webhooks `strikes` picks time out: the engine gets the request, its
    /// answer is lost (error 11200), and the text is refused with "timed out".
    pub fn given_webhook_timeouts(&mut self, strikes: &Strikes) -> anyhow::Result<()> {
        self.stack.sim.set_webhook_fault(
            strikes.scope.clone(),
            Some(WebhookFault::Timeout),
            strikes.which,
        );
        Ok(())
    }

    /// Starts the simulator's fault generator from `seed`: rules striking a share of requests
    /// (not every one) draw from it, so the same steps strike the same requests.
    pub fn given_fault_seed(&mut self, seed: u64) -> anyhow::Result<()> {
        self.stack.sim.set_fault_seed(seed);
        Ok(())
    }

    /// Turns Twilio's own STOP/START/HELP handling on or off (Advanced Opt-Out).
    pub fn given_opt_out_handling(&mut self, on: bool) -> anyhow::Result<()> {
        self.stack.sim.set_opt_out_handling(on);
        Ok(())
    }
}
