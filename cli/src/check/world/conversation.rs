//! The world's conversations: handsets texting, interactions, assignment, the live group profile,
//! what handsets receive, transcripts, refusals and time.

use anyhow::{bail, ensure, Context as _};
use chrono::{SubsecRound as _, TimeDelta};
use convsms::domain::delivery::DeliveryStatus;
use convsms::domain::model::{
    Handler, InteractionNumber, InteractionState, InteractionType, PartyTable, GUEST_SYS_ID,
};
use convsms::engine::config::properties;
use convsms_sim::InboundMedia;

use super::{joined, lines, ConvWorld, HttpAnswer};
use crate::check::params::{Assignee, At, Attached, Requester};
use crate::check::snapshot;

/// What a transcript snapshot writes for the simulated Twilio's address (`http://127.0.0.1:PORT`,
/// a port of the run), so that a media URL it hosts reads the same on every run.
pub const SIMULATOR_IN_SNAPSHOTS: &str = "http://twilio.simulator";

/// The longest a step moves the scenario clock, in days: two years.
pub const LONGEST_STEP_DAYS: i64 = 731;

impl ConvWorld {
    /// A handset texts a provider number through the simulated Twilio; a refusal is kept for
    /// "Then".
    pub async fn text(
        &mut self,
        from: &str,
        body: &str,
        media: &[InboundMedia],
        to: &str,
    ) -> anyhow::Result<()> {
        self.mark()?;
        let body = super::unescape(body);
        let d = match self
            .stack
            .sim
            .send_inbound_media(from, to, &body, media)
            .await
        {
            Ok(d) => d,
            Err(e) => {
                self.refused(e);
                return Ok(());
            }
        };
        self.last_http = d.answer.as_ref().map(|a| HttpAnswer {
            status: a.http_status,
            body: a.body.clone(),
        });
        self.last_inbound = Some(d.sid);
        match d.answer {
            Some(a) if a.http_status == 200 => {}
            Some(a) => self.refused(format!("webhook answered {}: {}", a.http_status, a.body)),
            None => self.refused(format!(
                "no SMS URL applies to {to}, so the text was posted nowhere"
            )),
        }
        Ok(())
    }

    /// Two handsets text the same provider number at the same time.
    pub async fn text_at_once(
        &mut self,
        a: &str,
        b: &str,
        body: &str,
        to: &str,
    ) -> anyhow::Result<()> {
        self.mark()?;
        let body = super::unescape(body);
        let sim = &self.stack.sim;
        let sends = [a, b].map(|from| sim.send_inbound(from, to, &body, &[]));
        for (from, d) in [a, b]
            .into_iter()
            .zip(futures::future::join_all(sends).await)
        {
            let d = d.with_context(|| format!("{from} texting {to}"))?;
            let a = d.answer.with_context(|| {
                format!("no SMS URL applies to {to}, so {from}'s text was posted nowhere")
            })?;
            ensure!(
                a.http_status == 200,
                "the webhook of {from}'s text answered {}: {}",
                a.http_status,
                a.body
            );
        }
        Ok(())
    }

    /// Closes an interaction.
    pub async fn close(&mut self, number: &InteractionNumber) -> anyhow::Result<()> {
        self.stack
            .engine
            .close(number)
            .await
            .with_context(|| format!("closing {number}"))
    }

    /// Moves the scenario clock and runs what became due: first Twilio's side (status
    /// transitions and their callbacks), then the engine's ([`convsms::engine::Engine::tick`]:
    /// retries, status reconciliation, messaging-action timers).
    ///
    /// # Errors
    /// `by` is longer than [`LONGEST_STEP_DAYS`], or what falls due on the way fails.
    pub async fn pass_time(&mut self, by: TimeDelta) -> anyhow::Result<()> {
        ensure!(
            by <= TimeDelta::days(LONGEST_STEP_DAYS),
            "a step moves the scenario clock at most {LONGEST_STEP_DAYS} days (two years), not \
             {} days: the engine runs each instant's work on the way (an offer nobody takes is \
             made again every minute), so a longer jump can take minutes; split it into steps, \
             or run `convsms soak --duration` for traffic over years",
            by.num_days()
        );
        self.stack.pass_time(by).await
    }

    /// Moves the scenario clock to a moment, running what falls due on the way as
    /// [`Self::pass_time`] does: a date and time (UTC), or a time of day, read as its next
    /// occurrence (today's when the clock has not passed it, else tomorrow's).
    ///
    /// # Errors
    /// The moment is before the scenario clock (time only moves forward), or what falls due on
    /// the way fails.
    pub async fn advance_to(&mut self, at: At) -> anyhow::Result<()> {
        let now = self.now();
        let today = now.date_naive().and_time(at.time).and_utc();
        let to = match at.date {
            Some(date) => date.and_time(at.time).and_utc(),
            None if today >= now => today,
            None => today + TimeDelta::days(1),
        };
        ensure!(
            to >= now,
            "\"{at}\" is before the scenario's clock ({}): time only moves forward",
            now.format("%Y-%m-%d %H:%M:%S")
        );
        self.pass_time(to - now).await
    }

    /// Checks who an interaction is opened for.
    pub fn check_opened_for(
        &self,
        number: &InteractionNumber,
        want: &Requester,
    ) -> anyhow::Result<()> {
        let i = self.interaction(number)?;
        let p = self
            .store()
            .read(|tx| tx.party(i.opened_for.0, &i.opened_for.1))
            .with_context(|| format!("reading who {number} is opened for"))?
            .with_context(|| format!("{number} is opened for a record that does not exist"))?;
        let got = Requester {
            table: p.table,
            name: p.name,
        };
        if got == *want {
            return Ok(());
        }
        // The usual surprise: an inbound text opened it for the guest user, as consumers and
        // contacts are matched by phone only when a property says so (seed 002 matches
        // sys_users alone). Not the hint for an interaction opened otherwise (Compose SMS).
        let for_guest = i.opened_for.0 == PartyTable::SysUser && i.opened_for.1 == GUEST_SYS_ID;
        let by_phone_off = for_guest
            && matches!(
                want.table,
                PartyTable::CsmConsumer | PartyTable::CustomerContact
            )
            && self
                .store()
                .read(|tx| tx.property(properties::MATCH_CUSTOMER_PHONES))
                .context("reading the engine's properties")?
                .is_none_or(|v| v.trim() != "true");
        let hint = if by_phone_off {
            format!(
                " (an inbound number is matched to consumers' and contacts' mobile phones only \
                 with `Given the property \"{}\" is \"true\"`; by default only sys_users \
                 match, and numbers a messaging profile links)",
                properties::MATCH_CUSTOMER_PHONES
            )
        } else {
            String::new()
        };
        bail!("{number} is opened for {got}, expected {want}{hint}")
    }

    /// Checks who an interaction is assigned to, by user_name (`virtual.agent` for the virtual
    /// agent), or that it is assigned to nobody.
    pub fn check_assignee(
        &self,
        number: &InteractionNumber,
        want: &Assignee,
    ) -> anyhow::Result<()> {
        let i = self.interaction(number)?;
        let got = match &i.handler {
            Handler::Queue => None,
            Handler::VirtualAgent => Some("virtual.agent".to_owned()),
            Handler::Agent(a) => self
                .store()
                .read(|tx| tx.user_name(a))
                .with_context(|| format!("reading who {number} is assigned to"))?,
        };
        let want = want.0.as_deref();
        let show = |a: Option<&str>| a.unwrap_or("nobody").to_owned();
        ensure!(
            got.as_deref() == want,
            "{number} is assigned to {}, expected {}",
            show(got.as_deref()),
            show(want)
        );
        Ok(())
    }

    /// Checks that an interaction is an active messaging interaction with a provider number.
    pub fn check_active_sms(&self, number: &InteractionNumber) -> anyhow::Result<()> {
        let i = self.interaction(number)?;
        ensure!(
            i.active && i.kind == InteractionType::Messaging && i.provider_phone.is_some(),
            "{number} is a {} interaction, {}, {}",
            i.kind.as_str(),
            if i.active { "active" } else { "closed" },
            match &i.provider_phone {
                Some(p) => format!("on provider number {p}"),
                None => "on no provider number".to_owned(),
            }
        );
        Ok(())
    }

    /// Checks that an interaction is closed (complete or abandoned).
    pub fn check_closed(&self, number: &InteractionNumber) -> anyhow::Result<()> {
        let i = self.interaction(number)?;
        ensure!(
            !i.active
                && matches!(
                    i.state,
                    InteractionState::ClosedComplete | InteractionState::ClosedAbandoned
                ),
            "{number} is {} ({})",
            i.state.as_str(),
            if i.active { "active" } else { "inactive" }
        );
        Ok(())
    }

    /// Checks that an interaction closed at `at`, a date and time (a time of day alone would
    /// match any day, so it is refused), to the second.
    pub fn check_closed_at(&self, number: &InteractionNumber, at: &At) -> anyhow::Result<()> {
        let Some(date) = at.date else {
            anyhow::bail!(
                "write the date with the time, such as \"2026-01-05 11:00:00\": a time of day \
                 alone would match a close on any day"
            );
        };
        self.interaction(number)?;
        let closed = self
            .store()
            .read(|tx| tx.interaction_closed_at(number))
            .with_context(|| format!("reading when {number} closed"))?;
        let want = date.and_time(at.time).and_utc();
        match closed {
            None => bail!("{number} is still open; expected it closed at {want}"),
            Some(got) => ensure!(
                got.trunc_subsecs(0) == want,
                "{number} closed at {}, expected {}",
                got.format("%Y-%m-%d %H:%M:%S"),
                want.format("%Y-%m-%d %H:%M:%S")
            ),
        }
        Ok(())
    }

    /// Checks an interaction's state.
    pub fn check_state(&self, number: &InteractionNumber, state: &str) -> anyhow::Result<()> {
        ensure!(
            InteractionState::parse(state).is_some(),
            "'{state}' is not an interaction state; expected one of new, work_in_progress, \
             on_hold, closed_complete, closed_abandoned"
        );
        let i = self.interaction(number)?;
        ensure!(
            i.state.as_str() == state,
            "{number} is in state {}, expected {state}",
            i.state.as_str()
        );
        Ok(())
    }

    /// Checks an interaction's requester phone and provider number.
    pub fn check_between(
        &self,
        number: &InteractionNumber,
        requester: &str,
        provider: &str,
    ) -> anyhow::Result<()> {
        let i = self.interaction(number)?;
        let show = |p: Option<convsms::domain::phone::E164>| {
            p.map_or_else(|| "no number".to_owned(), |p| p.to_string())
        };
        let (got_r, got_p) = (show(i.requester_phone), show(i.provider_phone));
        ensure!(
            got_r == requester && got_p == provider,
            "{number} is between {got_r} and {got_p}, expected {requester} and {provider}"
        );
        Ok(())
    }

    /// Checks how many interactions exist.
    pub fn check_interaction_count(&self, count: usize) -> anyhow::Result<()> {
        let all = self.interaction_numbers()?;
        ensure!(
            all.len() == count,
            "expected {count} interaction{}, found {}",
            if count == 1 { "" } else { "s" },
            if all.is_empty() {
                "none".to_owned()
            } else {
                format!("{}: {}", all.len(), joined(&all))
            }
        );
        Ok(())
    }

    /// Checks an interaction's live group profile (user_names, in joining order).
    pub fn check_live_group(
        &self,
        number: &InteractionNumber,
        want: &[String],
    ) -> anyhow::Result<()> {
        let i = self.interaction(number)?;
        let got = self
            .store()
            .read(|tx| tx.live_group(&i.sys_id))
            .with_context(|| format!("reading the live group profile of {number}"))?;
        ensure!(
            got == want,
            "the live group profile of {number} is {}, expected {}",
            joined(&got),
            joined(want)
        );
        Ok(())
    }

    /// Refuses a handset nothing in the scenario knows (it texted nothing, nothing was sent to
    /// it, no person or messaging profile has the number): that it has nothing (`nothing`, as
    /// the check says it: "received nothing") would pass on any typo of the number.
    pub(super) fn handset_in_scenario(&self, phone: &str, nothing: &str) -> anyhow::Result<()> {
        let on_the_wire = self
            .stack
            .sim
            .messages()
            .iter()
            .any(|m| m.from.as_deref() == Some(phone) || m.to == phone);
        if on_the_wire {
            return Ok(());
        }
        let known = match convsms::domain::phone::E164::parse(phone, None) {
            Ok(e164) => self
                .store()
                .read(|tx| {
                    Ok::<_, convsms::store::StoreError>(
                        !tx.users_by_phone(&e164)?.is_empty()
                            || !tx.customers_by_phone(&e164)?.is_empty()
                            || !tx.profiles(&e164)?.is_empty(),
                    )
                })
                .context("looking the number up")?,
            Err(_) => false,
        };
        ensure!(
            known,
            "{phone} is nobody's number in this scenario: it texted nothing, nothing was sent to \
             it, and no person or messaging profile has it, so that it {nothing} checks \
             nothing; check the number"
        );
        Ok(())
    }

    /// Refuses a "does not receive" that could not fail: `from` is no provider number of the
    /// scenario and sent nothing (a typo of it would pass), or `phone` is no handset of it.
    fn negative_is_meaningful(&self, phone: &str, from: &str) -> anyhow::Result<()> {
        let known = self
            .store()
            .read(|tx| tx.provider_numbers(convsms::engine::CONVERSATIONAL_SMS))
            .context("reading the provider numbers")?;
        let sent_something = self
            .stack
            .sim
            .messages()
            .iter()
            .any(|m| m.from.as_deref() == Some(from));
        ensure!(
            sent_something || known.iter().any(|n| n.as_str() == from),
            "{from} is not a Conversational SMS provider number of this scenario and has sent \
             nothing, so not receiving from it checks nothing; expected one of: {}",
            if known.is_empty() {
                "(none yet)".to_owned()
            } else {
                known
                    .iter()
                    .map(|n| n.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            }
        );
        self.handset_in_scenario(phone, "received nothing")
    }

    /// Checks that a handset received a text from a number, or (`receives` false) that it has
    /// not, so far; `\n` in `body` is a line break and `\\` a backslash ([`super::unescape`]).
    pub fn check_receives(
        &self,
        phone: &str,
        receives: bool,
        body: &str,
        from: &str,
    ) -> anyhow::Result<()> {
        let body = super::unescape(body);
        let got = self.received(phone);
        let found = got.iter().any(|m| m.from == from && m.body == body);
        if !receives {
            self.negative_is_meaningful(phone, from)?;
            ensure!(
                !found,
                "{phone} received {} from {from}, expected not to; it received:{}",
                super::quote_expected(&body),
                lines(&got)
            );
            // A text written slightly otherwise than it was sent would pass on the typo.
            let near = got
                .iter()
                .filter(|m| m.from == from)
                .find_map(|m| near_miss(&m.body, &body).map(|how| (m, how)));
            if let Some((m, how)) = near {
                anyhow::bail!(
                    "{phone} received {} from {from}, which differs from {} {how}: write the \
                     text exactly as it is sent, to check that it was not (or check a part of \
                     it with `does not receive a message containing`)",
                    super::quote_expected(&m.body),
                    super::quote_expected(&body)
                );
            }
            return Ok(());
        }
        ensure!(
            found,
            "{phone} did not receive {} from {from}; it received:{}{}",
            super::quote_expected(&body),
            lines(&got),
            self.undelivered_note(phone)
        );
        Ok(())
    }

    /// Checks that a handset received a text containing `text` from a number, or (`receives`
    /// false) none so far; `\n` in `text` is a line break.
    pub fn check_receives_containing(
        &self,
        phone: &str,
        receives: bool,
        text: &str,
        from: &str,
    ) -> anyhow::Result<()> {
        let text = super::unescape(text);
        super::words_expected(&text)?;
        let got = self.received(phone);
        if !receives {
            self.negative_is_meaningful(phone, from)?;
            ensure!(
                !got.iter().any(|m| m.from == from && m.body.contains(&text)),
                "{phone} received a message containing {} from {from}, expected none; it \
                 received:{}",
                super::quote_expected(&text),
                lines(&got)
            );
            return Ok(());
        }
        ensure!(
            got.iter().any(|m| m.from == from && m.body.contains(&text)),
            "{phone} received no message containing {} from {from}; it received:{}{}",
            super::quote_expected(&text),
            lines(&got),
            self.undelivered_note(phone)
        );
        Ok(())
    }

    /// Checks that a handset received a message from a number with `attached` media: so many
    /// images (`image/*`, as the simulator's Media subresource types them) and other files.
    pub fn check_receives_media(
        &self,
        phone: &str,
        attached: Attached,
        from: &str,
    ) -> anyhow::Result<()> {
        self.check_received_with_media(phone, None, attached, from)
    }

    /// Checks that a handset received `text` (`\n` a line break) with `attached` media in one
    /// message from a number.
    pub fn check_receives_text_with_media(
        &self,
        phone: &str,
        text: &str,
        attached: Attached,
        from: &str,
    ) -> anyhow::Result<()> {
        self.check_received_with_media(phone, Some(text), attached, from)
    }

    fn check_received_with_media(
        &self,
        phone: &str,
        text: Option<&str>,
        attached: Attached,
        from: &str,
    ) -> anyhow::Result<()> {
        let text = text.map(super::unescape);
        let got = self.received(phone);
        ensure!(
            got.iter().any(|m| m.from == from
                && m.images_and_files() == (attached.images, attached.files)
                && text.as_ref().is_none_or(|t| m.body == *t)),
            "{phone} received no message{}{attached} from {from}; it received:{}{}",
            text.as_ref()
                .map_or(String::new(), |t| format!(" {}", super::quote_expected(t))),
            lines(&got),
            self.undelivered_note(phone)
        );
        Ok(())
    }

    /// Checks how many messages a handset received.
    pub fn check_received_count(&self, phone: &str, count: usize) -> anyhow::Result<()> {
        if count == 0 {
            self.handset_in_scenario(phone, "received nothing")?;
        }
        let got = self.received(phone);
        ensure!(
            got.len() == count,
            "{phone} received {}, expected {count}:{}{}",
            messages(got.len()),
            lines(&got),
            self.undelivered_note(phone)
        );
        Ok(())
    }

    /// Checks how many messages an interaction's transcript has.
    pub fn check_transcript_length(
        &self,
        number: &InteractionNumber,
        count: usize,
    ) -> anyhow::Result<()> {
        let t = self.transcript(number)?;
        let got = t.lines().filter(|l| l.starts_with("  #")).count();
        ensure!(
            got == count,
            "the transcript of {number} has {}, expected {count}:\n{t}",
            messages(got)
        );
        Ok(())
    }

    /// Checks that an interaction's last message ended `failed` or `undelivered` (`status`) with a
    /// provider error code.
    pub fn check_ends_failed(
        &self,
        number: &InteractionNumber,
        status: DeliveryStatus,
        code: i64,
    ) -> anyhow::Result<()> {
        // The stored message decides, whether it failed at the send (no MessageSid) or later
        // (a StatusCallback, reconciliation).
        let last = self.messages(number)?.pop();
        if last.is_some_and(|m| m.status == status && m.error_code == Some(code)) {
            return Ok(());
        }
        let t = self.transcript(number)?;
        let last = t.lines().last().unwrap_or_default();
        // Say what it ended as: "undelivered ... error 30006" is not "failed".
        let ended = last
            .rsplit_once('[')
            .map(|(_, status)| status.trim_end_matches(']'))
            .unwrap_or(last);
        bail!(
            "the last message of {number} is not {} with error {code}: it is [{ended}] \
             (failed and undelivered are different Twilio statuses)\n{t}",
            status.as_str()
        )
    }

    /// Compares the transcripts of every interaction with the scenario's snapshot (each URL of
    /// the simulated Twilio written with [`SIMULATOR_IN_SNAPSHOTS`] for its address), or writes it
    /// when accepting (`convsms check --accept`). A scenario has one snapshot: a second snapshot
    /// step fails (two transcripts for one file could never both match it).
    pub fn check_snapshot(&mut self) -> anyhow::Result<()> {
        ensure!(
            !self.snapshot.checked,
            "this scenario already checked its snapshot: a scenario has one snapshot file, so \
             one `Then the transcript matches the snapshot` step (put it where the transcript is \
             complete, usually last)"
        );
        self.snapshot.checked = true;
        let mut text = String::new();
        for n in self.interaction_numbers()? {
            text.push_str(&self.transcript(&n)?);
            text.push('\n');
        }
        // The simulator listens on a port of the moment; a URL it hosts (a requester's media,
        // which a topic may repeat back) is written without it, so the snapshot matches twice.
        let text = text.replace(&self.stack.sim.base_url(), SIMULATOR_IN_SNAPSHOTS);
        let target = &self.snapshot;
        let dir = target.dir.display();
        let file = snapshot::path(&target.dir, &target.name);
        let named = (target.named_dir.as_ref())
            .map_or(String::new(), |d| format!(" --snapshots {}", d.display()));
        let accept = format!(
            "If the new transcript is right, accept it with\n  convsms check{named} --accept {}\n\
             then review the change to the .snap file (git diff {dir}) before committing it.",
            target.feature
        );
        if !target.dir.is_dir() {
            // A new project's first snapshot: accepting it makes the folder, as insta does.
            ensure!(
                target.accept,
                "there is no snapshot {} yet, nor the snapshots folder {dir} (`--accept` creates \
                 it; `--snapshots DIR` names another); this run's transcript is:\n{}\n{accept}",
                file.display(),
                text.trim_end()
            );
        }
        let old = snapshot::read(&file)
            .with_context(|| format!("reading the snapshot {}", file.display()))?;
        if target.accept {
            self.snapshot.compared = true;
            // Written when the scenario has passed: a later failing step may mean this
            // transcript is wrong.
            self.snapshot.accepted =
                (!old.is_some_and(|old| snapshot::same(&old, &text))).then_some(text);
            return Ok(());
        }
        match old {
            Some(old) if snapshot::same(&old, &text) => Ok(()),
            Some(old) => bail!(
                "the transcript does not match the snapshot {}:\n{}\n{accept}",
                file.display(),
                crate::check::report::snapshot::diff(&old, &text)
            ),
            None => bail!(
                "there is no snapshot {} yet; this run's transcript is:\n{}\n{accept}",
                file.display(),
                text.trim_end()
            ),
        }
    }

    /// Checks that the last action was refused with a message containing `text`.
    pub fn check_refused(&self, text: &str) -> anyhow::Result<()> {
        super::words_expected(text)?;
        self.refusal_checked();
        match &self.last_error {
            Some(e) if e.contains(text) => Ok(()),
            Some(e) => bail!("the request was refused with \"{e}\", which does not say \"{text}\""),
            None => match self
                .unchecked
                .iter()
                .rev()
                .map(|r| &r.text)
                .find(|e| e.contains(text))
            {
                Some(earlier) => bail!(
                    "the last action was not refused (expected \"{text}\"); an earlier one \
                     was, with \"{earlier}\": check a refusal right after the step that caused \
                     it, since every action starts afresh"
                ),
                None => bail!("the request was not refused (expected \"{text}\")"),
            },
        }
    }

    /// Checks that the store is as it was before the last action and that no message went out
    /// since.
    pub fn check_nothing_written(&self) -> anyhow::Result<()> {
        let (changes, sent) = self.before.context("no action was taken yet")?;
        let now = self.store().committed_changes();
        ensure!(
            now == changes,
            "the store changed: {} row(s) were written since the last action",
            now - changes
        );
        let now = self.stack.sim.outbound_created();
        ensure!(
            now == sent,
            "{} message(s) went out through the simulated Twilio since the last action",
            now - sent
        );
        Ok(())
    }
}

/// `1 message`, `2 messages`, `0 messages`: a count as a failure message reads it.
fn messages(n: usize) -> String {
    if n == 1 {
        "1 message".to_owned()
    } else {
        format!("{n} messages")
    }
}

/// A text with case, white space and punctuation left out: what a near-miss of a text
/// shares with it.
pub(super) fn loosely(text: &str) -> String {
    text.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// Whether `written`, the text of a negative check ("does not receive"), is a near miss of a
/// text that was `sent`, on which the check would pass by its slip: the same but for case,
/// spaces or punctuation, a typo or two in its words (one slip per 20 characters, at least one;
/// its numbers the same, and at least 5 characters: `order 1002` is another text than `order
/// 1001`, `2` than `1`), or the sent text cut short (at least 12 characters of its start). Says
/// how it differs.
pub(super) fn near_miss(sent: &str, written: &str) -> Option<&'static str> {
    let (sent, written) = (loosely(sent), loosely(written));
    if sent == written {
        return Some("only in case, spaces or punctuation");
    }
    let digits = |t: &str| t.chars().filter(char::is_ascii_digit).collect::<String>();
    let slips = (written.chars().count() / 20).max(1);
    if written.chars().count() >= 5
        && digits(&sent) == digits(&written)
        && crate::check::suggest::distance(&sent, &written) <= slips
    {
        return Some("by a typo");
    }
    if written.chars().count() >= 12 && sent.starts_with(&written) {
        return Some("by being cut short");
    }
    None
}

#[cfg(test)]
mod tests {
    use super::near_miss;

    #[test]
    fn a_negative_check_on_a_slip_of_a_sent_text_is_a_near_miss() {
        let sent = "alice rejected the conversation.";
        assert_eq!(
            near_miss(sent, "Alice rejected the conversation"),
            Some("only in case, spaces or punctuation")
        );
        assert_eq!(
            near_miss(sent, "alice rejected the conversaton."),
            Some("by a typo")
        );
        assert_eq!(
            near_miss(
                "Hi, this is the virtual agent. What can I help you with today?",
                "Hi, this is the virtual agent."
            ),
            Some("by being cut short")
        );
        // Another text, or a short word at the start of a longer one, is not; nor another
        // number.
        assert_eq!(near_miss(sent, "bob accepted the conversation."), None);
        assert_eq!(near_miss(sent, "alice"), None);
        assert_eq!(
            near_miss("Your order 1001 has shipped", "Your order 1002 has shipped"),
            None
        );
        assert_eq!(near_miss("1", "2"), None);
    }
}
