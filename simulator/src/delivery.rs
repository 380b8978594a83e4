//! Outbound delivery (§3): carrier profiles per handset, the status lifecycle of every outbound
//! message, and status callbacks (§3.1), all driven by the simulator's clock.
//!
//! **Lifecycle.** A message the app creates (`outbound-api`) or a TwiML reply
//! (`outbound-reply`) starts `queued` with `date_sent` null. Its later statuses follow the
//! simulator's timetable, [`DeliveryTiming`] ([`crate::SimConfig::timing`]), counted from the
//! instant it was created; with the default, [`DeliveryTiming::REALISTIC`], about what Twilio
//! takes for a reachable US handset (Twilio's timing varies):
//!
//! | profile of the `To` handset | +0.5 s | +1 s | +2.5 s | error |
//! |---|---|---|---|---|
//! | [`CarrierProfile::Delivers`] (default) | `sending` | `sent` | `delivered` | — |
//! | [`CarrierProfile::Unreachable`] | `sending` | `sent` | `undelivered` | 30003 Unreachable destination handset |
//! | [`CarrierProfile::UnknownHandset`] | `sending` | `sent` | `undelivered` | 30005 Unknown destination handset |
//! | [`CarrierProfile::Landline`] | `sending` | `sent` | `undelivered` | 30006 Landline or unreachable carrier |
//! | [`CarrierProfile::Filtered`] | `sending` | `sent` | `undelivered` | 30007 Carrier violation |
//! | [`CarrierProfile::UnknownError`] | `sending` | — | `failed` | 30008 Unknown error |
//! | [`CarrierProfile::NotMobile`] | the create is refused: HTTP 400 / 21614 "To number: +…, is not a mobile number" |
//!
//! [`DeliveryTiming::FAST`] moves the columns to +0.1 s, +0.2 s and +0.5 s,
//! [`DeliveryTiming::INSTANT`] makes every step due at once (applied in order by the next run),
//! and any other timetable can be given step by step. The dates are RFC 2822, to the second, so
//! a sub-second step shows in `date_updated` / `date_sent` as the second it falls in.
//!
//! A message created `accepted` (Messaging Service) becomes `queued` at once, then follows the
//! table from that instant; one created `scheduled` becomes `queued` at its `SendAt` and follows
//! the table from there; a scheduled message canceled before then goes no further. The profile
//! is read when the message is created (changing it later does not affect messages already
//! created); the timetable is the simulator's for its whole life. 30008 is modelled as `failed` from `sending` (never `sent`, so `date_sent`
//! stays null); §3 allows either status for it. The error texts are the short OAI-example style
//! (30007 "Carrier violation").
//!
//! A message whose media could not be fetched (see `media`) has one step instead of the table:
//! `failed` with 11200 or 30019 as soon as it is `queued` (at once, or at its `SendAt`), with
//! a status callback like any change after creation.
//!
//! Nothing moves on its own: [`crate::Simulator::run_due`] (or `POST /_sim/flush`) applies every
//! transition due at or before `clock.now()`, in time order, ties broken by SID counter, and sets
//! `status`, `date_updated` (the transition's due instant, not the instant of the call),
//! `date_sent` (when it becomes `sent`) and `error_code`/`error_message`.
//!
//! **Create-time checks** (run by the API's create handler after the §2.2 checks, first failure
//! wins): 21614 when the `To` handset's profile is [`CarrierProfile::NotMobile`], then 21610 when
//! the handset opted out from the `From` number (see `optout`).
//!
//! **Status callbacks.** When the create request carried `StatusCallback` (or a TwiML
//! `<Message action>`), the transitions to `sent`, `delivered`, `undelivered` and `failed` each
//! POST a signed form to it (see [`crate::webhook`]), and so does `queued` when it is not the
//! initial status (after `accepted` or `scheduled`). The initial status never gets a callback,
//! per §3; `sending` gets none either: whether Twilio reports it is UNCONFIRMED, and §3 suggests
//! `sent` + final as the safe set. The form is a [`twilio_wire::webhook::StatusCallback`];
//! parameters, in this order: `ErrorCode` and `ErrorMessage` (failed/undelivered only),
//! `SmsSid`, `SmsStatus`, `MessageStatus`, `To`, `MessageSid`, `AccountSid`, `From`,
//! `ApiVersion`, then `RawDlrDoneDate` (delivered/undelivered only, `YYMMDDhhmm` in UTC of the
//! final transition), and `MessagingServiceSid` for a message sent through a Messaging Service
//! (see `services`). `Body` is not sent. Each callback has its
//! own `I-Twilio-Idempotency-Token` `00000000-0000-4000-9000-{n:012x}` (n counts callbacks from
//! 1; a duplicate or retry repeats its token). Callbacks are not retried unless the URL asks with
//! connection overrides; a failed one is logged as 11200. Faults
//! ([`crate::Simulator::set_callback_fault`]) may drop, duplicate, reorder or delay them.

use std::borrow::Cow;
use std::collections::BTreeMap;

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};
use serde::{Deserialize, Serialize};
use twilio_wire::message::{MessageStatus, API_VERSION};
use twilio_wire::sid::{AccountSid, MessageSid};
use twilio_wire::webhook::{raw_dlr_done_date, StatusCallback};
use twilio_wire::ApiError;

use crate::faults::CallbackFault;
use crate::media::MediaFailure;
use crate::state::{Hold, OwnedHold, Record, SimState};
use crate::stored::StoredMessage;
use crate::{numbers, webhook, Core};

/// How a handset's carrier treats messages to it; set with [`crate::Simulator::set_carrier`].
/// See the `delivery` module docs for each profile's lifecycle. In JSON, snake case
/// (`"unknown_handset"`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CarrierProfile {
    /// Every message is delivered (`delivered`).
    #[default]
    Delivers,
    /// `undelivered`, 30003 "Unreachable destination handset".
    Unreachable,
    /// `undelivered`, 30005 "Unknown destination handset".
    UnknownHandset,
    /// `undelivered`, 30006 "Landline or unreachable carrier".
    Landline,
    /// `undelivered`, 30007 "Carrier violation" (message filtered).
    Filtered,
    /// `failed`, 30008 "Unknown error".
    UnknownError,
    /// Creates are refused synchronously: HTTP 400 / 21614.
    NotMobile,
}

/// When an outbound message's statuses change (§3): each step's delay after the step before, so
/// the final status comes `to_sending + to_sent + to_final` after the message is `queued`.
/// Twilio's own timing varies with the carrier; for a reachable US handset `delivered` usually
/// comes within a few seconds, which [`DeliveryTiming::REALISTIC`] (the default) models. A
/// profile without `sent` ([`CarrierProfile::UnknownError`]) reaches its final status at the
/// same instant as the others. Set it with [`crate::SimConfig::timing`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DeliveryTiming {
    /// From `queued` (the create, or the instant an `accepted` or `scheduled` message becomes
    /// `queued`) to `sending`.
    pub to_sending: Duration,
    /// From `sending` to `sent` (`date_sent` is set then).
    pub to_sent: Duration,
    /// From `sent` to the final status (`delivered`, `undelivered` or `failed`).
    pub to_final: Duration,
}

impl DeliveryTiming {
    /// Every status at once: `sending`, `sent` and the final status are due the instant the
    /// message is `queued` (applied by the next [`crate::Simulator::run_due`]).
    pub const INSTANT: DeliveryTiming = DeliveryTiming {
        to_sending: Duration::ZERO,
        to_sent: Duration::ZERO,
        to_final: Duration::ZERO,
    };
    /// Quick but ordered: `sending` after 100 ms, `sent` 100 ms later, the final status 300 ms
    /// after that (500 ms in all).
    pub const FAST: DeliveryTiming = DeliveryTiming {
        to_sending: Duration::from_millis(100),
        to_sent: Duration::from_millis(100),
        to_final: Duration::from_millis(300),
    };
    /// The default, about what Twilio takes for a reachable US handset: `sending` after 500 ms,
    /// `sent` 500 ms later, the final status 1.5 s after that (2.5 s in all).
    pub const REALISTIC: DeliveryTiming = DeliveryTiming {
        to_sending: Duration::from_millis(500),
        to_sent: Duration::from_millis(500),
        to_final: Duration::from_millis(1500),
    };

    /// From `queued` to the final status.
    pub fn total(&self) -> Duration {
        self.to_sending + self.to_sent + self.to_final
    }
}

impl Default for DeliveryTiming {
    /// [`DeliveryTiming::REALISTIC`].
    fn default() -> Self {
        DeliveryTiming::REALISTIC
    }
}

/// `d` as a chrono delta (saturating at about 292 years, far beyond any timetable).
fn delta(d: Duration) -> TimeDelta {
    TimeDelta::from_std(d).unwrap_or(TimeDelta::MAX)
}

/// One scheduled status change.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Step {
    /// How long after the lifecycle's start (`queued`).
    after: TimeDelta,
    status: MessageStatus,
    /// `(error_code, error_message)` set with this status.
    error: Option<(u32, Cow<'static, str>)>,
}

impl CarrierProfile {
    /// The final status and its error.
    fn outcome(self) -> (MessageStatus, Option<(u32, &'static str)>) {
        match self {
            CarrierProfile::Delivers => (MessageStatus::Delivered, None),
            CarrierProfile::Unreachable => (
                MessageStatus::Undelivered,
                Some((30003, "Unreachable destination handset")),
            ),
            CarrierProfile::UnknownHandset => (
                MessageStatus::Undelivered,
                Some((30005, "Unknown destination handset")),
            ),
            // A NotMobile handset is refused at create time and never gets here; should a message
            // reach it anyway, it ends as a landline would.
            CarrierProfile::Landline | CarrierProfile::NotMobile => (
                MessageStatus::Undelivered,
                Some((30006, "Landline or unreachable carrier")),
            ),
            CarrierProfile::Filtered => (
                MessageStatus::Undelivered,
                Some((30007, "Carrier violation")),
            ),
            CarrierProfile::UnknownError => (MessageStatus::Failed, Some((30008, "Unknown error"))),
        }
    }
}

/// A message still on its way: its profile, read when it was created, and where it is in the
/// timetable (the simulator's, [`DeliveryState::timing`], fixed for its life). The steps are
/// computed when needed: no allocation per message, and a small entry in the queue of due
/// changes, whose B-tree nodes shift entries on every removal.
#[derive(Clone, Debug)]
struct Lifecycle {
    /// The message's SID counter.
    n: u64,
    /// The instant it is (or becomes) `queued`: the timetable counts from here.
    start: DateTime<Utc>,
    profile: CarrierProfile,
    /// True when its first step is `queued` itself (created `accepted` or `scheduled`).
    queued_first: bool,
    /// Index of the next step.
    next: u8,
    /// True when its media could not be fetched (see `media`): then its one step after
    /// `queued` is `failed` at once, with the error kept in [`DeliveryState::media_failures`]
    /// (rare, so not in every entry: a bool fits in this one's padding).
    media_failed: bool,
}

impl Lifecycle {
    /// Step `i` of the timetable `timing`, `None` past the last.
    fn step(&self, i: u8, timing: &DeliveryTiming) -> Option<Step> {
        let i = if self.queued_first {
            if i == 0 {
                return Some(Step {
                    after: TimeDelta::zero(),
                    status: MessageStatus::Queued,
                    error: None,
                });
            }
            i - 1
        } else {
            i
        };
        if self.media_failed {
            // The error is filled in from `DeliveryState::media_failures` when it is applied.
            return (i == 0).then_some(Step {
                after: TimeDelta::zero(),
                status: MessageStatus::Failed,
                error: None,
            });
        }
        let t = timing;
        let sending = delta(t.to_sending);
        let sent = sending + delta(t.to_sent);
        let done = sent + delta(t.to_final);
        let (status, error) = self.profile.outcome();
        let fin = Step {
            after: done,
            status,
            error: error.map(|(code, text)| (code, Cow::Borrowed(text))),
        };
        let plain = |after, status| Step {
            after,
            status,
            error: None,
        };
        match (i, self.profile) {
            (0, _) => Some(plain(sending, MessageStatus::Sending)),
            // 30008 is modelled as `failed` from `sending`: never `sent`.
            (1, CarrierProfile::UnknownError) => Some(fin),
            (1, _) => Some(plain(sent, MessageStatus::Sent)),
            (2, p) if p != CarrierProfile::UnknownError => Some(fin),
            _ => None,
        }
    }

    /// When its next step is due on the timetable `timing`.
    fn due(&self, timing: &DeliveryTiming) -> DateTime<Utc> {
        let after = self
            .step(self.next, timing)
            .map_or(TimeDelta::zero(), |s| s.after);
        self.start + after
    }
}

/// A status callback ready to POST.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Callback {
    /// The message it reports on.
    pub(crate) sid: MessageSid,
    /// The `StatusCallback` URL as given (it may carry connection overrides).
    pub(crate) url: String,
    /// The form, in sending order (a duplicated callback shares it).
    pub(crate) params: webhook::Form,
    /// `I-Twilio-Idempotency-Token`.
    pub(crate) token: String,
    /// True for a final status (`delivered`, `undelivered`, `failed`).
    pub(crate) is_final: bool,
    /// Its number among all callbacks, from 1.
    seq: u64,
}

impl Callback {
    /// POSTs it to its URL, signed. Twilio goes on whatever the answer: a failure is logged as
    /// 11200 by `webhook::deliver`, and counted in [`RefusedCallbacks`].
    async fn post(&self, core: &Core) {
        let outcome =
            webhook::deliver(core, &self.url, &self.params, &self.token, None, &self.sid).await;
        let what = match outcome {
            webhook::Outcome::Answered(a) if (200..300).contains(&a.status) => return,
            webhook::Outcome::Answered(a) => {
                let body: String = a.body.chars().take(300).collect();
                format!("the app answered HTTP {}: {body:?}", a.status)
            }
            webhook::Outcome::TimedOut => "the app did not answer in time".to_owned(),
            webhook::Outcome::Failed(e) => e.to_string(),
        };
        let refused = &mut core.state().delivery.refused;
        refused.count += 1;
        refused.last = Some((self.sid.clone(), what));
    }
}

/// The status callbacks the app did not take: answered other than 2xx, not in time, or not
/// reachable ([`crate::Simulator::refused_status_callbacks`]).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RefusedCallbacks {
    /// How many, since the simulator started or was last reset (each callback once, by its
    /// last attempt's outcome).
    pub count: u64,
    /// The last one: the MessageSid it reported on and what happened.
    pub last: Option<(MessageSid, String)>,
}

/// A callback held back by a [`CallbackFault::Delay`].
#[derive(Clone, Debug)]
struct Delayed {
    due: DateTime<Utc>,
    callback: Callback,
}

/// Carrier profiles, lifecycles and callbacks not yet sent.
#[derive(Debug, Default)]
pub(crate) struct DeliveryState {
    /// Profiles by normalised number; absent means [`CarrierProfile::Delivers`].
    carriers: BTreeMap<String, CarrierProfile>,
    /// Messages that have steps left, keyed by (due time of their next step, SID counter), so the
    /// next transition is the first entry: `run_due` costs O(log n) per transition.
    lifecycles: BTreeMap<(DateTime<Utc>, u64), Lifecycle>,
    /// Delayed callbacks.
    delayed: Vec<Delayed>,
    /// Callbacks held back by [`CallbackFault::Reorder`], at most one per message.
    held: Vec<Callback>,
    /// The errors of messages whose media could not be fetched, by SID counter, until their
    /// `failed` step is applied (see [`schedule_failure`]).
    media_failures: BTreeMap<u64, MediaFailure>,
    /// The last callback number handed out.
    last_callback: u64,
    /// Status callbacks the app did not take ([`RefusedCallbacks`]).
    pub(crate) refused: RefusedCallbacks,
    /// The timetable of every message ([`crate::SimConfig::timing`]), fixed for the simulator's
    /// life (a reset keeps it).
    pub(crate) timing: DeliveryTiming,
}

impl DeliveryState {
    /// The carrier profile of `number`.
    pub(crate) fn carrier(&self, number: &str) -> CarrierProfile {
        // The common case (no profile set, or the number already in E.164) costs no parsing.
        if self.carriers.is_empty() {
            return CarrierProfile::default();
        }
        self.carriers
            .get(number)
            .or_else(|| self.carriers.get(&numbers::normalise(number)))
            .copied()
            .unwrap_or_default()
    }

    /// Gives `number` the carrier `profile` ([`CarrierProfile::Delivers`] removes the entry).
    pub(crate) fn set_carrier(&mut self, number: &str, profile: CarrierProfile) {
        let key = numbers::normalise(number);
        if profile == CarrierProfile::Delivers {
            self.carriers.remove(&key);
        } else {
            self.carriers.insert(key, profile);
        }
    }
}

/// The create-time checks of the module docs, for a send from `from` to `to` (both normalised).
///
/// # Errors
/// HTTP 400 / 21614 for a [`CarrierProfile::NotMobile`] handset; 400 / 21610 when `to` opted out
/// from `from`, or from another number of its Messaging Service's pool ([`crate::optout`]).
pub(crate) fn admit(state: &SimState, from: &str, to: &str) -> Result<(), ApiError> {
    if state.delivery.carrier(to) == CarrierProfile::NotMobile {
        return Err(ApiError::new(
            21614,
            400,
            format!("To number: {to}, is not a mobile number"),
        ));
    }
    if crate::optout::blocked(state, from, to) {
        return Err(unsubscribed());
    }
    Ok(())
}

/// Twilio's refusal of a send to a handset that opted out: HTTP 400 / 21610.
pub(crate) fn unsubscribed() -> ApiError {
    ApiError::new(21610, 400, "Attempt to send to unsubscribed recipient")
}

/// Starts the lifecycle of the just-recorded outbound message `sid`, created at `now`, with the
/// profile its `To` handset has now. A message created `queued` starts at `now`; one created
/// `accepted` (Messaging Service) first becomes `queued` at `now`; one created `scheduled` first
/// becomes `queued` at its `SendAt`, and the rest of the timetable counts from there. Unknown
/// SIDs are ignored. The lifecycle holds the message until its last step (see `state`).
pub(crate) fn schedule(state: &mut SimState, sid: &MessageSid, now: DateTime<Utc>) {
    schedule_with(state, sid, now, false);
}

/// Like [`schedule`], for a message whose media could not be fetched: instead of the carrier's
/// steps, it becomes `failed` with `failure`'s error as soon as it is `queued` (at once, or at
/// its `SendAt`), a change after creation that the status callback reports (§3).
pub(crate) fn schedule_failure(
    state: &mut SimState,
    sid: &MessageSid,
    now: DateTime<Utc>,
    failure: MediaFailure,
) {
    if let Some(n) = crate::state::counter(sid) {
        state.delivery.media_failures.insert(n, failure);
        schedule_with(state, sid, now, true);
    }
}

fn schedule_with(state: &mut SimState, sid: &MessageSid, now: DateTime<Utc>, media_failed: bool) {
    let (Some(record), Some(n)) = (state.find(sid), crate::state::counter(sid)) else {
        return;
    };
    let profile = state.delivery.carrier(&record.message.to);
    let (start, queued_first) = match record.message.status {
        MessageStatus::Queued => (now, false),
        MessageStatus::Accepted => (now, true),
        MessageStatus::Scheduled => (state.send_at(sid).unwrap_or(now), true),
        // Anything else (a refused reply recorded as failed, say) has no lifecycle.
        _ => return,
    };
    state.hold_at(n, 1);
    let lifecycle = Lifecycle {
        n,
        start,
        profile,
        queued_first,
        next: 0,
        media_failed,
    };
    let due = lifecycle.due(&state.delivery.timing);
    state.delivery.lifecycles.insert((due, n), lifecycle);
}

/// The §3.1 form for `m`, which has just changed to its current status at `at`:
/// `ErrorCode`/`ErrorMessage` when it has an error code, `RawDlrDoneDate` when it is delivered
/// or undelivered, `MessagingServiceSid` for a message sent through a Messaging Service.
fn callback_params(m: &StoredMessage, account: &AccountSid, at: DateTime<Utc>) -> webhook::Form {
    let final_receipt = matches!(
        m.status,
        MessageStatus::Delivered | MessageStatus::Undelivered
    );
    StatusCallback {
        message_sid: m.sid.clone(),
        message_status: m.status,
        error_code: m.error_code,
        error_message: m.error_code.and(m.error_message.clone()),
        account_sid: account.clone(),
        messaging_service_sid: m.messaging_service_sid.clone(),
        from: m.from.as_deref().unwrap_or_default().to_owned(),
        to: m.to.to_string(),
        api_version: API_VERSION.to_owned(),
        raw_dlr_done_date: final_receipt.then(|| raw_dlr_done_date(at)),
    }
    .to_params()
    .into()
}

/// Statuses that get a status callback.
fn reported(status: MessageStatus) -> bool {
    matches!(
        status,
        MessageStatus::Queued
            | MessageStatus::Sent
            | MessageStatus::Delivered
            | MessageStatus::Undelivered
            | MessageStatus::Failed
    )
}

/// Which kind of event is due next.
enum Due {
    Transition((DateTime<Utc>, u64)),
    Delayed(usize),
}

/// Applies the earliest event due at or before `now` and returns the callbacks to POST now (maybe
/// none); `None` when nothing is due.
fn apply_next(state: &mut SimState, now: DateTime<Utc>) -> Option<Vec<Callback>> {
    let d = &state.delivery;
    let transition = d
        .lifecycles
        .keys()
        .next()
        .filter(|(due, _)| *due <= now)
        .map(|&(due, c)| ((due, c, 0u8, 0u64), Due::Transition((due, c))));
    let delayed = d
        .delayed
        .iter()
        .enumerate()
        .filter(|(_, x)| x.due <= now)
        .map(|(i, x)| {
            (
                (
                    x.due,
                    crate::state::counter(&x.callback.sid).unwrap_or(u64::MAX),
                    1u8,
                    x.callback.seq,
                ),
                Due::Delayed(i),
            )
        });
    let (_, next) = transition
        .into_iter()
        .chain(delayed)
        .min_by_key(|(key, _)| *key)?;
    match next {
        Due::Delayed(i) => Some(vec![state.delivery.delayed.remove(i).callback]),
        Due::Transition(key) => Some(transition_at(state, key)),
    }
}

/// Applies the next step of the lifecycle under `key` and returns the callbacks to POST now.
///
/// Holds (see `state`): the lifecycle holds its message until its last step is applied; every
/// callback struck holds it while it waits in `delayed` or `held` or is being POSTed (one hold
/// per copy: a duplicated callback holds twice, a dropped one not at all).
fn transition_at(state: &mut SimState, key: (DateTime<Utc>, u64)) -> Vec<Callback> {
    let Some(mut lifecycle) = state.delivery.lifecycles.remove(&key) else {
        return Vec::new();
    };
    let timing = state.delivery.timing;
    let at = lifecycle.due(&timing);
    let Some(mut step) = lifecycle.step(lifecycle.next, &timing) else {
        return Vec::new();
    };
    let n = lifecycle.n;
    if lifecycle.media_failed && step.status == MessageStatus::Failed {
        if let Some(failure) = state.delivery.media_failures.remove(&n) {
            step.error = Some((failure.code, Cow::Owned(failure.message)));
        }
    }
    lifecycle.next += 1;
    let finished = lifecycle.step(lifecycle.next, &timing).is_none();
    if step.status == MessageStatus::Queued {
        // A scheduled Messaging Service send shows its sender once it is sent.
        state.reveal_scheduled_sender(n);
    }
    let account = state.account().clone();
    // One look-up of the record for the whole change (see `SimState::change_at`).
    let changed = state.change_at(n, |record| {
        if record.message.status == MessageStatus::Canceled {
            // A scheduled message canceled through the API: it goes no further. (`cancel`
            // removes its lifecycle at once; this is the safety net.) Its hold goes.
            record.holds = record.holds.saturating_sub(1);
            return None;
        }
        let before = (record.message.status, record.message.sid.clone());
        let report = apply_step(record, &account, &step, at);
        if finished {
            record.holds = record.holds.saturating_sub(1);
        }
        Some((before, report))
    });
    let Some(Some(((before, sid), report))) = changed else {
        // Gone (deleted), or canceled: nothing more to do or report.
        return Vec::new();
    };
    // The inspector's status history.
    let error = step.error.as_ref().map(|(code, _)| *code);
    state.journal.status(sid, before, step.status, error, at);
    if !finished {
        let due = lifecycle.due(&timing);
        state.delivery.lifecycles.insert((due, n), lifecycle);
    }
    match report {
        Some(report) => strike(state, n, report, step.status, at),
        None => Vec::new(),
    }
}

/// Cancels scheduled message `sid` (its status already set to `canceled`): its lifecycle, due
/// at its `SendAt`, is removed and releases its hold, so that the message is settled at once.
pub(crate) fn cancel(state: &mut SimState, sid: &MessageSid) {
    let Some(at) = state.send_at(sid) else {
        return;
    };
    let Some(n) = crate::state::counter(sid) else {
        return;
    };
    state.delivery.media_failures.remove(&n);
    if state.delivery.lifecycles.remove(&(at, n)).is_some() {
        state.release(sid);
    } else {
        state.settle(sid);
    }
}

/// What a status change reports: the status callback's URL and form, and the numbers its
/// faults are picked by.
struct Report {
    sid: MessageSid,
    url: String,
    params: webhook::Form,
    numbers: [String; 2],
}

/// Sets the status (and dates, error) of `step` on `record` at `at`; the status callback to
/// send, if the message has a `StatusCallback` and the status is reported. The callback holds
/// the message once already (see [`strike`]), so that it is not settled meanwhile.
fn apply_step(
    record: &mut Record,
    account: &AccountSid,
    step: &Step,
    at: DateTime<Utc>,
) -> Option<Report> {
    let m = record.message_mut();
    m.status = step.status;
    m.date_updated = at;
    if let Some((code, text)) = &step.error {
        m.error_code = Some(*code);
        m.error_message = Some(text.clone().into_owned());
    }
    if step.status == MessageStatus::Queued && m.num_segments == 0 && m.num_media == 0 {
        // A scheduled text's segments are counted when it is sent, a Messaging Service's once
        // its sender is assigned (see `StoredMessage`).
        m.num_segments =
            u32::try_from(twilio_wire::segments::num_segments(&m.body)).unwrap_or(u32::MAX);
    }
    if step.status == MessageStatus::Sent {
        record.mark_sent(at);
    }
    let url = record
        .status_callback
        .clone()
        .filter(|_| reported(step.status))?;
    record.holds += 1;
    let m = &record.message;
    Some(Report {
        sid: m.sid.clone(),
        url,
        params: callback_params(m, account, at),
        numbers: [
            m.from.as_deref().unwrap_or_default().to_owned(),
            m.to.to_string(),
        ],
    })
}

/// The callbacks to POST now for the status callback `report` of the message with SID counter
/// `n`, which changed to `status` at `at`, after any fault struck it. Each copy alive (waiting
/// or about to be POSTed) holds the message once; the hold `apply_step` took is then released.
fn strike(
    state: &mut SimState,
    n: u64,
    report: Report,
    status: MessageStatus,
    at: DateTime<Utc>,
) -> Vec<Callback> {
    state.delivery.last_callback += 1;
    let seq = state.delivery.last_callback;
    let callback = Callback {
        sid: report.sid,
        url: report.url,
        params: report.params,
        token: format!("00000000-0000-4000-9000-{seq:012x}"),
        is_final: !matches!(status, MessageStatus::Queued | MessageStatus::Sent),
        seq,
    };
    let [from, to] = &report.numbers;
    // A reorder holds back a non-final callback when none of the message's is held already.
    let holdable = !callback.is_final && !state.delivery.held.iter().any(|h| h.sid == callback.sid);
    let fault = (state.faults).pick_callback(&[from.as_str(), to.as_str()], holdable);
    // Callbacks alive (waiting or about to be POSTed) are all this message's that changed here:
    // hold it once per new one (a held callback now going out keeps the hold it had).
    let d = &mut state.delivery;
    let waiting = d.delayed.len() + d.held.len();
    let out = with_fault(d, callback, fault, at);
    let alive = d.delayed.len() + d.held.len() + out.len();
    state.hold_at(
        n,
        u32::try_from(alive.saturating_sub(waiting)).unwrap_or(u32::MAX),
    );
    state.release_at(n);
    out
}

/// The callbacks to POST now for `callback` struck by `fault`, updating the held and delayed
/// ones. A callback held for reordering goes out right after the same message's next one.
fn with_fault(
    d: &mut DeliveryState,
    callback: Callback,
    fault: Option<CallbackFault>,
    at: DateTime<Utc>,
) -> Vec<Callback> {
    let sid = callback.sid.clone();
    let mut out = Vec::new();
    match fault {
        None => out.push(callback),
        Some(CallbackFault::Drop) => {}
        Some(CallbackFault::Duplicate) => {
            out.push(callback.clone());
            out.push(callback);
        }
        Some(CallbackFault::Delay { seconds }) => d.delayed.push(Delayed {
            due: at + TimeDelta::seconds(i64::from(seconds)),
            callback,
        }),
        Some(CallbackFault::Reorder) if !callback.is_final => {
            if !d.held.iter().any(|h| h.sid == sid) {
                d.held.push(callback);
                return out;
            }
            out.push(callback);
        }
        Some(CallbackFault::Reorder) => out.push(callback),
    }
    if let Some(pos) = d.held.iter().position(|h| h.sid == sid) {
        out.push(d.held.remove(pos));
    }
    out
}

/// Events applied per lock: transitions without a callback (the common case under load) are
/// applied in runs under one lock, so creates racing a long flush wait at most one run.
const EVENTS_PER_LOCK: usize = 16;

/// Runs of events applied between two yields to the requests that share the flush's worker
/// thread (128 events, about 0.1 ms). Yielding after every run let a flush under sustained load
/// (40,000 creates/s, three status changes each) fall behind, so messages stayed in flight and
/// retention could not drop them (600,000 stored after a million creates); yielding never would
/// hold those requests for a whole flush.
const RUNS_PER_YIELD: usize = 8;

/// Applies due events in order until one yields callbacks (returned, to be POSTed before the next
/// event is applied) or [`EVENTS_PER_LOCK`] have been applied (an empty batch); `None` when
/// nothing is due.
fn apply_until_callback(core: &Core) -> Option<Vec<Callback>> {
    let mut state = core.state();
    let now = core.clock.now();
    let mut out = Some(Vec::new());
    for _ in 0..EVENTS_PER_LOCK {
        match apply_next(&mut state, now) {
            None => {
                out = None;
                break;
            }
            Some(batch) if !batch.is_empty() => {
                out = Some(batch);
                break;
            }
            Some(_) => {}
        }
    }
    // Messages that retention dropped are freed after the lock is released.
    let dropped = state.take_dropped();
    drop(state);
    drop(dropped);
    out
}

/// See [`crate::Simulator::run_due`].
pub(crate) async fn run_due(core: &Core) -> usize {
    let mut posted = 0;
    let mut runs = 0;
    while let Some(batch) = apply_until_callback(core) {
        if batch.is_empty() {
            runs += 1;
            if runs % RUNS_PER_YIELD == 0 {
                // A long flush shares its worker thread with the requests queued there.
                tokio::task::yield_now().await;
            }
        }
        // Each callback holds its message until it has been POSTed (or this future is dropped).
        let batch: Vec<(Callback, Hold<'_>)> = batch
            .into_iter()
            .map(|c| {
                let hold = Hold::adopt(core, c.sid.clone());
                (c, hold)
            })
            .collect();
        for (callback, hold) in batch {
            posted += 1;
            callback.post(core).await;
            drop(hold);
        }
    }
    posted
}

/// How many status callbacks [`crate::Simulator::run_due_detached`] POSTs at once to one
/// origin (one app): a bound on the sockets an app that never answers takes (each POST gives up
/// after `webhook`'s timeout); the other apps' callbacks do not wait for its slots.
pub(crate) const DETACHED_CALLBACKS: usize = 16;

/// The slots of `url`'s origin (scheme, host, port; the URL itself when it has none).
fn slots_for(core: &Core, url: &str) -> Arc<tokio::sync::Semaphore> {
    let origin = url::Url::parse(url)
        .map(|u| u.origin().ascii_serialization())
        .unwrap_or_else(|_| url.to_owned());
    let mut slots = core
        .callback_slots
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    slots
        .entry(origin)
        .or_insert_with(|| Arc::new(tokio::sync::Semaphore::new(DETACHED_CALLBACKS)))
        .clone()
}

/// See [`crate::Simulator::run_due_detached`].
pub(crate) async fn run_due_detached(core: &Arc<Core>) -> usize {
    // Each callback's hold is adopted as soon as its transition is applied, so that dropping
    // this future (or a task never run) releases it.
    let mut by_message: BTreeMap<MessageSid, Vec<(Callback, OwnedHold)>> = BTreeMap::new();
    let mut spawned = 0;
    let mut runs = 0;
    while let Some(batch) = apply_until_callback(core) {
        if batch.is_empty() {
            runs += 1;
            if runs % RUNS_PER_YIELD == 0 {
                tokio::task::yield_now().await;
            }
        }
        for callback in batch {
            spawned += 1;
            let hold = OwnedHold::adopt(core.clone(), callback.sid.clone());
            by_message
                .entry(callback.sid.clone())
                .or_default()
                .push((callback, hold));
        }
    }
    // One task per message, its callbacks in order; the messages' tasks run side by side,
    // at most DETACHED_CALLBACKS POSTs at once to each app.
    for (_, callbacks) in by_message {
        let core = core.clone();
        tokio::spawn(async move {
            for (callback, hold) in callbacks {
                let Ok(_slot) = slots_for(&core, &callback.url).acquire_owned().await else {
                    return;
                };
                callback.post(&core).await;
                drop(hold);
            }
        });
    }
    spawned
}

impl crate::Simulator {
    /// True when message `sid` fails because its media could not be fetched (see `media`):
    /// its `failed` step is still to come, or came with 11200 or 30019. A handset never gets
    /// such a message, whatever its status says now. False for an unknown SID.
    pub fn fails_for_media(&self, sid: &MessageSid) -> bool {
        let state = self.core.state();
        let pending = crate::state::counter(sid)
            .is_some_and(|n| state.delivery.media_failures.contains_key(&n));
        pending
            || state.find(sid).is_some_and(|r| {
                r.message.status == MessageStatus::Failed
                    && matches!(r.message.error_code, Some(11200 | 30019))
            })
    }

    /// Applies every status transition (and delayed status callback) due at or before the
    /// clock's `now()`, in time order (ties by message SID), and POSTs the resulting status
    /// callbacks one after another. Returns how many status callbacks it sent: a duplicated
    /// callback counts twice, a dropped or still-delayed one not at all, and one whose request
    /// failed still counts (it is logged as 11200). Nothing else ever advances a message; see
    /// the `delivery` module docs for the timetable.
    pub async fn run_due(&self) -> usize {
        run_due(&self.core).await
    }

    /// Like [`Self::run_due`], for a server on the wall clock (`convsms sim`): applies every
    /// transition due now, then POSTs their status callbacks on tasks of their own, one task per
    /// message (its callbacks in order), at most 16 POSTs at once to each app (URL origin),
    /// without waiting for them; returns how many it started. So an app whose callback URL
    /// answers slowly (or never: each POST gives up after `webhook`'s timeout) delays its own
    /// callbacks only, not the other messages' statuses or the other apps' callbacks, as on
    /// Twilio, where one slow endpoint holds up nothing else. Callbacks of one message started
    /// by two calls may overlap (Twilio does not promise their order either).
    ///
    /// The tasks outlive [`Self::shutdown`] until their POST ends (at most `webhook`'s timeout
    /// each); dropping this future releases every hold it took. Needs a tokio runtime.
    pub async fn run_due_detached(&self) -> usize {
        run_due_detached(&self.core).await
    }

    /// When the next status transition or delayed status callback falls due (`None`: every
    /// message has reached its final status and no callback waits), so that a caller moving
    /// the clock over a span can stop there and [`Self::run_due`] at that instant. A callback
    /// held back for reordering has no time of its own: it goes with its message's next one.
    pub fn next_due(&self) -> Option<DateTime<Utc>> {
        let state = self.core.state();
        let d = &state.delivery;
        let transition = d.lifecycles.keys().next().map(|&(due, _)| due);
        let delayed = d.delayed.iter().map(|x| x.due).min();
        transition.into_iter().chain(delayed).min()
    }

    /// Gives the handset `number` (E.164) the carrier `profile`, for messages created from now
    /// on. [`CarrierProfile::Delivers`] restores the default.
    pub fn set_carrier(&self, number: &str, profile: CarrierProfile) {
        self.core.state().delivery.set_carrier(number, profile);
    }

    /// The carrier profile of `number` ([`CarrierProfile::Delivers`] unless set).
    pub fn carrier(&self, number: &str) -> CarrierProfile {
        self.core.state().delivery.carrier(number)
    }
}

/// Fixtures for tests of the lifecycle, opt-out, TwiML and faults: a clock the test moves.
#[cfg(test)]
pub(crate) mod testing {
    use std::sync::{Arc, Mutex};
    use std::time::Duration;

    use chrono::{DateTime, TimeDelta, Utc};

    use super::DeliveryTiming;
    use crate::{SimClock, SimConfig, Simulator};

    /// The account number the fixtures own.
    pub(crate) const SHOP: &str = "+14155550100";
    /// A handset.
    pub(crate) const HANDSET: &str = "+14155552671";

    /// 2023-08-24 05:01:45 UTC.
    pub(crate) fn t0() -> DateTime<Utc> {
        crate::test_support::t0()
    }

    /// A clock that moves only when the test says so.
    #[derive(Debug)]
    pub(crate) struct TestClock(Mutex<DateTime<Utc>>);

    impl TestClock {
        /// Moves the clock forward by `seconds`.
        pub(crate) fn advance(&self, seconds: i64) {
            *self.0.lock().unwrap() += TimeDelta::seconds(seconds);
        }

        /// Moves the clock forward by `ms` milliseconds.
        pub(crate) fn advance_ms(&self, ms: i64) {
            *self.0.lock().unwrap() += TimeDelta::milliseconds(ms);
        }
    }

    impl SimClock for TestClock {
        fn now(&self) -> DateTime<Utc> {
            *self.0.lock().unwrap()
        }
    }

    /// Seconds from creation to `sending` in [`TIMING`].
    pub(crate) const SENDING_AFTER: i64 = 1;
    /// Seconds from creation to `sent` in [`TIMING`].
    pub(crate) const SENT_AFTER: i64 = 2;
    /// Seconds from creation to the final status in [`TIMING`].
    pub(crate) const FINAL_AFTER: i64 = 5;
    /// The timetable of the lifecycle tests: whole seconds, so each step has its own RFC 2822
    /// date (+1 s `sending`, +2 s `sent`, +5 s final).
    pub(crate) const TIMING: DeliveryTiming = DeliveryTiming {
        to_sending: Duration::from_secs(SENDING_AFTER as u64),
        to_sent: Duration::from_secs((SENT_AFTER - SENDING_AFTER) as u64),
        to_final: Duration::from_secs((FINAL_AFTER - SENT_AFTER) as u64),
    };

    /// A simulator owning [`SHOP`] and `+14155550101`, on a [`TestClock`] at [`t0`], with the
    /// timetable [`TIMING`].
    pub(crate) async fn start() -> (Simulator, Arc<TestClock>) {
        start_with(TIMING).await
    }

    /// [`start`] with the timetable `timing`.
    pub(crate) async fn start_with(timing: DeliveryTiming) -> (Simulator, Arc<TestClock>) {
        let clock = Arc::new(TestClock(Mutex::new(t0())));
        let config = SimConfig {
            numbers: vec![SHOP.to_owned(), "+14155550101".to_owned()],
            timing,
            ..SimConfig::for_tests()
        };
        let sim = Simulator::start(config, clock.clone())
            .await
            .expect("simulator starts");
        (sim, clock)
    }

    /// Creates a message from [`SHOP`] to `to` through the REST API, with `StatusCallback` when
    /// given.
    pub(crate) async fn send(
        sim: &Simulator,
        to: &str,
        body: &str,
        status_callback: Option<&str>,
    ) -> reqwest::Response {
        let mut form = form_urlencoded::Serializer::new(String::new());
        form.append_pair("To", to)
            .append_pair("From", SHOP)
            .append_pair("Body", body);
        if let Some(url) = status_callback {
            form.append_pair("StatusCallback", url);
        }
        crate::test_support::post_form(sim, &form.finish()).await
    }

    /// Like [`send`], returning the new message's SID; panics unless it is 201.
    pub(crate) async fn send_ok(
        sim: &Simulator,
        to: &str,
        body: &str,
        status_callback: Option<&str>,
    ) -> String {
        let resp = send(sim, to, body, status_callback).await;
        assert_eq!(resp.status(), 201);
        let v: serde_json::Value = resp.json().await.unwrap();
        v["sid"].as_str().unwrap().to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::testing::*;
    use super::*;
    use crate::test_support::{assert_error_shape, dead_url, start_receiver, Hit};
    use crate::{FaultScope, Simulator};

    fn statuses(hits: &[Hit]) -> Vec<String> {
        hits.iter()
            .map(|h| {
                format!(
                    "{}:{}",
                    &h.param("MessageSid")[32..],
                    h.param("MessageStatus")
                )
            })
            .collect()
    }

    fn message(sim: &Simulator, sid: &str) -> twilio_wire::message::Message {
        sim.messages()
            .into_iter()
            .find(|m| m.sid.as_str() == sid)
            .unwrap()
    }

    fn at(seconds: i64) -> String {
        twilio_wire::date::rfc2822(t0() + TimeDelta::seconds(seconds))
    }

    #[tokio::test]
    async fn lifecycle_moves_only_with_the_clock_and_skips_the_initial_callback() {
        let app = start_receiver(200, "").await;
        let (sim, clock) = start().await;
        let url = format!("{}/status?tenant=acme", app.base);
        let sid = send_ok(&sim, HANDSET, "hi", Some(&url)).await;

        assert_eq!(sim.run_due().await, 0);
        let m = message(&sim, &sid);
        assert_eq!(
            (m.status, m.date_sent.as_deref()),
            (MessageStatus::Queued, None)
        );

        clock.advance(1);
        assert_eq!(sim.run_due().await, 0);
        let m = message(&sim, &sid);
        assert_eq!(m.status, MessageStatus::Sending);
        assert_eq!((m.date_updated, m.date_sent), (at(1), None));
        assert!(app.hits().is_empty(), "no callback for queued or sending");

        clock.advance(1);
        assert_eq!(sim.run_due().await, 1);
        let m = message(&sim, &sid);
        assert_eq!(m.status, MessageStatus::Sent);
        assert_eq!(m.date_sent.as_deref(), Some(at(2).as_str()));

        clock.advance(2);
        assert_eq!(sim.run_due().await, 0);
        assert_eq!(message(&sim, &sid).status, MessageStatus::Sent);
        clock.advance(1);
        assert_eq!(sim.run_due().await, 1);
        let m = message(&sim, &sid);
        assert_eq!(m.status, MessageStatus::Delivered);
        assert_eq!((m.date_updated, m.date_sent), (at(5), Some(at(2))));
        assert_eq!((m.error_code, m.error_message), (None, None));

        clock.advance(3600);
        assert_eq!(sim.run_due().await, 0);
        assert_eq!(statuses(&app.hits()), ["01:sent", "01:delivered"]);
        assert!(sim.errors().is_empty());
    }

    #[tokio::test]
    async fn on_the_wall_clock_a_callback_url_that_never_answers_holds_up_no_other_message() {
        // Accepts connections (the backlog) and never answers: each POST to it waits for the
        // webhook timeout (15 s).
        let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let silent_url = format!("http://{}/status", silent.local_addr().unwrap());
        let app = start_receiver(200, "").await;
        let (sim, clock) = start().await;
        // More messages to the silent app than it gets POST slots at once.
        let mut stuck = String::new();
        for k in 0..=DETACHED_CALLBACKS {
            stuck = send_ok(
                &sim,
                HANDSET,
                &format!("#{k}, to the silent app"),
                Some(&silent_url),
            )
            .await;
        }
        let other = send_ok(
            &sim,
            "+14155552672",
            "second",
            Some(&format!("{}/s", app.base)),
        )
        .await;
        clock.advance(FINAL_AFTER);
        // The other app's callbacks arrive, in order, well before the silent one gives up.
        tokio::time::timeout(Duration::from_secs(10), async {
            let each = 2 * (DETACHED_CALLBACKS + 2);
            assert_eq!(
                sim.run_due_detached().await,
                each,
                "sent and delivered, each"
            );
            // Every status moved at once, the silent app's message included.
            assert_eq!(message(&sim, &stuck).status.as_str(), "delivered");
            assert_eq!(message(&sim, &other).status.as_str(), "delivered");
            while app.hits().len() < 2 {
                tokio::task::yield_now().await;
            }
        })
        .await
        .expect("the other app's callbacks are not held up by the silent app");
        let tail = &other[32..];
        assert_eq!(
            statuses(&app.hits()),
            [format!("{tail}:sent"), format!("{tail}:delivered")]
        );
        drop(silent);
    }

    #[tokio::test]
    async fn a_scheduled_text_counts_its_segments_when_sent() {
        let (sim, clock) = start().await;
        let service = crate::test_support::pool(&sim, SHOP);
        let form = form_urlencoded::Serializer::new(String::new())
            .append_pair("To", HANDSET)
            .append_pair("MessagingServiceSid", service.sid.as_str())
            .append_pair("Body", &"later ".repeat(30))
            .append_pair("ScheduleType", "fixed")
            .append_pair("SendAt", &(t0() + TimeDelta::seconds(300)).to_rfc3339())
            .finish();
        let resp = crate::test_support::post_form(&sim, &form).await;
        assert_eq!(resp.status(), 201);
        let created = resp.json::<serde_json::Value>().await.unwrap();
        assert_eq!(created["num_segments"], "0", "counted when sent");
        let sid = created["sid"].as_str().unwrap();
        clock.advance(299);
        sim.run_due().await;
        assert_eq!(message(&sim, sid).status.as_str(), "scheduled");
        clock.advance(1 + SENT_AFTER);
        sim.run_due().await;
        let m = message(&sim, sid);
        assert_eq!(m.status.as_str(), "sent");
        assert_eq!(m.num_segments, "2", "180 GSM-7 characters");
        assert_eq!(m.date_sent.as_deref(), Some(at(300 + SENT_AFTER).as_str()));
    }

    /// A scheduled Messaging Service send has no sender until it is queued at its `SendAt`
    /// (`from` null, as the OAI's scheduled examples show); then the one its service picked, in
    /// the `From` filter too. One canceled first never gets one; one deleted leaves the filter.
    #[tokio::test]
    async fn a_scheduled_service_send_shows_its_sender_once_sent() {
        let (sim, clock) = start().await;
        let service = crate::test_support::pool(&sim, SHOP);
        let form = |after: i64| {
            form_urlencoded::Serializer::new(String::new())
                .append_pair("To", HANDSET)
                .append_pair("MessagingServiceSid", service.sid.as_str())
                .append_pair("Body", "later")
                .append_pair("ScheduleType", "fixed")
                .append_pair("SendAt", &(t0() + TimeDelta::seconds(after)).to_rfc3339())
                .finish()
        };
        let resp = crate::test_support::post_form(&sim, &form(300)).await;
        assert_eq!(resp.status(), 201);
        let created: serde_json::Value = resp.json().await.unwrap();
        let resp = crate::test_support::post_form(&sim, &form(360)).await;
        let canceled: serde_json::Value = resp.json().await.unwrap();
        let canceled = canceled["sid"].as_str().unwrap().to_owned();
        let one = |sid: &str| {
            format!(
                "/2010-04-01/Accounts/{}/Messages/{sid}.json",
                sim.account_sid()
            )
        };
        let resp = crate::test_support::authed(&sim, reqwest::Method::POST, &one(&canceled))
            .form(&[("Status", "canceled")])
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 200);
        assert_eq!(
            (&created["status"], &created["from"]),
            (&serde_json::json!("scheduled"), &serde_json::Value::Null)
        );
        let sid = created["sid"].as_str().unwrap();
        let from_path = format!(
            "/2010-04-01/Accounts/{}/Messages.json?From=%2B14155550100",
            sim.account_sid()
        );
        async fn listed(sim: &Simulator, path: &str) -> usize {
            let page = crate::test_support::get_json(sim, path).await;
            page["messages"].as_array().unwrap().len()
        }
        assert_eq!(message(&sim, sid).from, None, "no sender while scheduled");
        assert_eq!(listed(&sim, &from_path).await, 0);
        clock.advance(299);
        sim.run_due().await;
        assert_eq!(message(&sim, sid).from, None, "a second before SendAt");
        clock.advance(1 + SENT_AFTER);
        sim.run_due().await;
        let m = message(&sim, sid);
        assert_eq!(
            (m.status.as_str(), m.from.as_deref()),
            ("sent", Some(SHOP)),
            "sent from the pool"
        );
        assert_eq!(listed(&sim, &from_path).await, 1);
        clock.advance(120);
        sim.run_due().await;
        let c = message(&sim, &canceled);
        assert_eq!((c.status.as_str(), c.from), ("canceled", None));
        let resp = crate::test_support::authed(&sim, reqwest::Method::DELETE, &one(sid))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 204, "delivered by now");
        assert_eq!(
            listed(&sim, &from_path).await,
            0,
            "the deleted one left the filter"
        );
    }

    #[tokio::test]
    async fn a_callback_url_with_characters_to_encode_is_signed_as_requested() {
        // Reference §6.1 steps 1 and 6: the signature is over the URL Twilio requested, which
        // carries `'`, a space, a quote and `é` percent-encoded (twilio-node reads it through
        // `new URL()`); signing the configured text instead fails every validator.
        let app = start_receiver(200, "").await;
        let (sim, clock) = start().await;
        let configured = format!("{}/status?y=it's&n=a b&q=\"x\"&c=café", app.base);
        let sid = send_ok(&sim, HANDSET, "hi", Some(&configured)).await;
        clock.advance(10);
        assert_eq!(sim.run_due().await, 2);
        let requested_path = "/status?y=it%27s&n=a%20b&q=%22x%22&c=caf%C3%A9";
        let requested = format!("{}{requested_path}", app.base);
        let hits = app.hits();
        assert_eq!(hits.len(), 2, "{sid}");
        for hit in &hits {
            assert_eq!(hit.uri.to_string(), requested_path);
            let signature = hit.header("X-Twilio-Signature");
            assert!(twilio_wire::signature::validate(
                sim.auth_token(),
                &requested,
                &hit.params,
                signature
            ));
            assert!(!twilio_wire::signature::validate(
                sim.auth_token(),
                &configured,
                &hit.params,
                signature
            ));
        }
    }

    #[tokio::test]
    async fn callbacks_carry_the_3_1_params_and_a_valid_signature() {
        let app = start_receiver(200, "").await;
        let (sim, clock) = start().await;
        let url = format!("{}/status?tenant=acme", app.base);
        let sid = send_ok(&sim, HANDSET, "hi", Some(&url)).await;
        clock.advance(10);
        assert_eq!(sim.run_due().await, 2);

        let hits = app.hits();
        let names = |h: &Hit| h.params.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>();
        let base = [
            "SmsSid",
            "SmsStatus",
            "MessageStatus",
            "To",
            "MessageSid",
            "AccountSid",
            "From",
            "ApiVersion",
        ];
        assert_eq!(names(&hits[0]), base);
        let mut delivered = base.to_vec();
        delivered.push("RawDlrDoneDate");
        assert_eq!(names(&hits[1]), delivered);
        for (name, value) in [
            ("SmsSid", sid.as_str()),
            ("MessageSid", sid.as_str()),
            ("SmsStatus", "delivered"),
            ("MessageStatus", "delivered"),
            ("To", HANDSET),
            ("From", SHOP),
            ("AccountSid", sim.account_sid()),
            ("ApiVersion", "2010-04-01"),
            ("RawDlrDoneDate", "2308240501"),
        ] {
            assert_eq!(hits[1].param(name), value, "{name}");
        }
        let read = StatusCallback::from_params(&hits[1].params).unwrap();
        assert_eq!(read.message_status, MessageStatus::Delivered);
        assert_eq!(read.to_params(), hits[1].params);
        for hit in &hits {
            assert_eq!(hit.uri.to_string(), "/status?tenant=acme");
            assert_eq!(hit.header("User-Agent"), "TwilioProxy/1.1");
            assert_eq!(
                hit.header("Content-Type"),
                "application/x-www-form-urlencoded"
            );
            assert!(twilio_wire::signature::validate(
                sim.auth_token(),
                &url,
                &hit.params,
                hit.header("X-Twilio-Signature")
            ));
            assert!(!twilio_wire::signature::validate(
                "another-token",
                &url,
                &hit.params,
                hit.header("X-Twilio-Signature")
            ));
        }
        assert_eq!(
            hits[0].header("I-Twilio-Idempotency-Token"),
            "00000000-0000-4000-9000-000000000001"
        );
        assert_eq!(
            hits[1].header("I-Twilio-Idempotency-Token"),
            "00000000-0000-4000-9000-000000000002"
        );
    }

    #[tokio::test]
    async fn a_late_run_applies_everything_in_time_order_with_ties_by_sid() {
        let app = start_receiver(200, "").await;
        let (sim, clock) = start().await;
        let url = format!("{}/s", app.base);
        sim.set_carrier("+14155550199", CarrierProfile::Unreachable);
        let first = send_ok(&sim, HANDSET, "one", Some(&url)).await;
        let second = send_ok(&sim, "+14155550199", "two", Some(&url)).await;
        clock.advance(1);
        let third = send_ok(&sim, HANDSET, "three", Some(&url)).await;
        let silent = send_ok(&sim, HANDSET, "no callback", None).await;

        clock.advance(100);
        assert_eq!(sim.run_due().await, 6);
        assert_eq!(
            statuses(&app.hits()),
            [
                "01:sent",
                "02:sent",
                "03:sent",
                "01:delivered",
                "02:undelivered",
                "03:delivered"
            ]
        );
        // Timestamps are the transitions' own instants, not the instant of the late run.
        assert_eq!(message(&sim, &first).date_updated, at(5));
        assert_eq!(message(&sim, &second).date_updated, at(5));
        assert_eq!(message(&sim, &third).date_sent, Some(at(3)));
        let m = message(&sim, &silent);
        assert_eq!(
            (m.status, m.date_updated),
            (MessageStatus::Delivered, at(6))
        );
    }

    #[tokio::test]
    async fn each_carrier_profile_ends_as_documented() {
        let app = start_receiver(200, "").await;
        let (sim, clock) = start().await;
        let url = format!("{}/s", app.base);
        let cases = [
            (
                "+14155550111",
                CarrierProfile::Delivers,
                MessageStatus::Delivered,
                None,
            ),
            (
                "+14155550112",
                CarrierProfile::Unreachable,
                MessageStatus::Undelivered,
                Some((30003, "Unreachable destination handset")),
            ),
            (
                "+14155550113",
                CarrierProfile::UnknownHandset,
                MessageStatus::Undelivered,
                Some((30005, "Unknown destination handset")),
            ),
            (
                "+14155550114",
                CarrierProfile::Landline,
                MessageStatus::Undelivered,
                Some((30006, "Landline or unreachable carrier")),
            ),
            (
                "+14155550115",
                CarrierProfile::Filtered,
                MessageStatus::Undelivered,
                Some((30007, "Carrier violation")),
            ),
            (
                "+14155550116",
                CarrierProfile::UnknownError,
                MessageStatus::Failed,
                Some((30008, "Unknown error")),
            ),
        ];
        let mut sids = Vec::new();
        for (number, profile, _, _) in &cases {
            sim.set_carrier(number, *profile);
            assert_eq!(sim.carrier(number), *profile);
            sids.push(send_ok(&sim, number, "hi", Some(&url)).await);
        }
        clock.advance(FINAL_AFTER);
        sim.run_due().await;
        for ((number, _, status, error), sid) in cases.iter().zip(&sids) {
            let m = message(&sim, sid);
            assert_eq!(m.status, *status, "{number}");
            assert_eq!(m.error_code, error.map(|e| e.0), "{number}");
            assert_eq!(m.error_message.as_deref(), error.map(|e| e.1), "{number}");
            let sent = *status != MessageStatus::Failed;
            assert_eq!(m.date_sent.is_some(), sent, "{number}");
            let finals: Vec<Hit> = app
                .hits()
                .into_iter()
                .filter(|h| h.param("MessageSid") == sid && h.param("MessageStatus") != "sent")
                .collect();
            assert_eq!(finals.len(), 1, "{number}");
            let f = &finals[0];
            assert_eq!(f.param("MessageStatus"), status.as_str());
            let names: Vec<&str> = f.params.iter().map(|(n, _)| n.as_str()).collect();
            match error {
                Some((code, text)) => {
                    assert_eq!(&names[..2], ["ErrorCode", "ErrorMessage"]);
                    assert_eq!(f.param("ErrorCode"), code.to_string());
                    assert_eq!(f.param("ErrorMessage"), *text);
                }
                None => assert!(!names.contains(&"ErrorCode")),
            }
            assert_eq!(names.contains(&"RawDlrDoneDate"), sent, "{number}");
        }
        // The failed message was never `sent`: one callback only.
        let failed_hits = app
            .hits()
            .iter()
            .filter(|h| h.param("MessageSid") == sids[5])
            .count();
        assert_eq!(failed_hits, 1);

        // Not a mobile number: refused at create time, nothing recorded.
        let before = sim.messages().len();
        sim.set_carrier("+14155550117", CarrierProfile::NotMobile);
        let resp = send(&sim, "+1 415 555 0117", "hi", None).await;
        assert_eq!(resp.status(), 400);
        let v: serde_json::Value = resp.json().await.unwrap();
        assert_error_shape(&v, 21614, 400);
        assert_eq!(
            v["message"],
            "To number: +14155550117, is not a mobile number"
        );
        assert_eq!(sim.messages().len(), before);
        // Back to the default.
        sim.set_carrier("+14155550117", CarrierProfile::Delivers);
        assert_eq!(send(&sim, "+14155550117", "hi", None).await.status(), 201);
    }

    #[tokio::test]
    async fn the_profile_is_read_at_create_time() {
        let (sim, clock) = start().await;
        let sid = send_ok(&sim, HANDSET, "hi", None).await;
        sim.set_carrier(HANDSET, CarrierProfile::Unreachable);
        clock.advance(FINAL_AFTER);
        assert_eq!(sim.run_due().await, 0);
        assert_eq!(message(&sim, &sid).status, MessageStatus::Delivered);
    }

    #[tokio::test]
    async fn dropped_callbacks_are_never_sent() {
        let app = start_receiver(200, "").await;
        let (sim, clock) = start().await;
        sim.set_callback_fault(FaultScope::Global, Some(CallbackFault::Drop), 1.0);
        let sid = send_ok(&sim, HANDSET, "hi", Some(&format!("{}/s", app.base))).await;
        clock.advance(FINAL_AFTER);
        assert_eq!(sim.run_due().await, 0);
        assert!(app.hits().is_empty());
        assert_eq!(message(&sim, &sid).status, MessageStatus::Delivered);
    }

    #[tokio::test]
    async fn duplicated_callbacks_repeat_params_and_token() {
        let app = start_receiver(200, "").await;
        let (sim, clock) = start().await;
        sim.set_callback_fault(FaultScope::Global, Some(CallbackFault::Duplicate), 1.0);
        send_ok(&sim, HANDSET, "hi", Some(&format!("{}/s", app.base))).await;
        clock.advance(FINAL_AFTER);
        assert_eq!(sim.run_due().await, 4);
        let hits = app.hits();
        assert_eq!(
            statuses(&hits),
            ["01:sent", "01:sent", "01:delivered", "01:delivered"]
        );
        // Two callbacks (sent, delivered) were struck, each once.
        let struck = sim.faults_struck();
        assert_eq!((struck.callback_duplicate, struck.callback_drop), (2, 0));
        assert_eq!(hits[0].raw, hits[1].raw);
        assert_eq!(
            hits[0].header("I-Twilio-Idempotency-Token"),
            hits[1].header("I-Twilio-Idempotency-Token")
        );
        assert_ne!(
            hits[1].header("I-Twilio-Idempotency-Token"),
            hits[2].header("I-Twilio-Idempotency-Token")
        );
    }

    #[tokio::test]
    async fn reordered_callbacks_deliver_the_final_status_first() {
        let app = start_receiver(200, "").await;
        let (sim, clock) = start().await;
        sim.set_callback_fault(FaultScope::Global, Some(CallbackFault::Reorder), 1.0);
        let url = format!("{}/s", app.base);
        send_ok(&sim, HANDSET, "hi", Some(&url)).await;
        sim.set_carrier("+14155550116", CarrierProfile::UnknownError);
        send_ok(&sim, "+14155550116", "hi", Some(&url)).await;
        clock.advance(SENT_AFTER);
        assert_eq!(sim.run_due().await, 0, "sent is held back");
        clock.advance(FINAL_AFTER);
        assert_eq!(sim.run_due().await, 3);
        assert_eq!(
            statuses(&app.hits()),
            ["01:delivered", "01:sent", "02:failed"]
        );
    }

    #[tokio::test]
    async fn a_delayed_callback_arrives_after_the_final_one() {
        let app = start_receiver(200, "").await;
        let (sim, clock) = start().await;
        sim.set_callback_fault(
            FaultScope::Global,
            Some(CallbackFault::Delay { seconds: 10 }),
            1.0,
        );
        let sid = send_ok(&sim, HANDSET, "hi", Some(&format!("{}/s", app.base))).await;
        clock.advance(FINAL_AFTER);
        assert_eq!(sim.run_due().await, 0);
        assert_eq!(message(&sim, &sid).status, MessageStatus::Delivered);
        // Stop delaying: only callbacks struck later are affected.
        sim.set_callback_fault(FaultScope::Global, None, 1.0);
        let late = send_ok(&sim, HANDSET, "later", Some(&format!("{}/s", app.base))).await;
        clock.advance(SENT_AFTER); // t0+7: `sent` of the first is due at t0+12
        assert_eq!(sim.run_due().await, 1);
        clock.advance(5); // t0+12: the second's `delivered` (t0+10), then the delayed `sent`
        assert_eq!(sim.run_due().await, 2);
        clock.advance(3); // t0+15: the delayed `delivered` of the first
        assert_eq!(sim.run_due().await, 1);
        assert_eq!(
            statuses(&app.hits()),
            ["02:sent", "02:delivered", "01:sent", "01:delivered"]
        );
        assert_eq!(message(&sim, &late).status, MessageStatus::Delivered);
        // The late `sent` still says `sent`, although the message has long been delivered.
        assert_eq!(app.hits()[2].param("SmsStatus"), "sent");
    }

    #[tokio::test]
    async fn callbacks_the_app_refused_are_counted_with_the_last_one() {
        let (sim, clock) = start().await;
        let refusing = start_receiver(403, "no").await;
        let taking = start_receiver(204, "").await;
        let sid: MessageSid = send_ok(&sim, HANDSET, "hi", Some(&format!("{}/s", refusing.base)))
            .await
            .parse()
            .unwrap();
        send_ok(&sim, HANDSET, "ok", Some(&format!("{}/s", taking.base))).await;
        clock.advance(FINAL_AFTER);
        assert_eq!(sim.run_due().await, 4);
        let refused = sim.refused_status_callbacks();
        assert_eq!(
            refused.count, 2,
            "sent and delivered of the first message alone"
        );
        let (last, what) = refused.last.unwrap();
        assert_eq!(last, sid);
        assert!(what.contains("HTTP 403"), "{what}");
        // And the status a SID has, as Twilio holds it.
        assert_eq!(sim.status_of(&sid), Some((MessageStatus::Delivered, None)));
        assert_eq!(sim.status_of(&MessageSid::sms(999)), None);
    }

    #[tokio::test]
    async fn faults_apply_per_number_and_follow_the_seed() {
        let app = start_receiver(200, "").await;
        let (sim, clock) = start().await;
        let url = format!("{}/s", app.base);
        sim.set_callback_fault(
            FaultScope::Number("+14155550199".into()),
            Some(CallbackFault::Drop),
            1.0,
        );
        send_ok(&sim, "+14155550199", "dropped", Some(&url)).await;
        send_ok(&sim, HANDSET, "kept", Some(&url)).await;
        clock.advance(FINAL_AFTER);
        assert_eq!(sim.run_due().await, 2);
        assert_eq!(statuses(&app.hits()), ["02:sent", "02:delivered"]);

        // A 50 % duplicate rule strikes the same callbacks for the same seed.
        let pattern = |seed: u64| async move {
            let app = start_receiver(200, "").await;
            let (sim, clock) = start().await;
            sim.set_fault_seed(seed);
            sim.set_callback_fault(FaultScope::Global, Some(CallbackFault::Duplicate), 0.5);
            for i in 0..8 {
                send_ok(
                    &sim,
                    HANDSET,
                    &format!("m{i}"),
                    Some(&format!("{}/s", app.base)),
                )
                .await;
            }
            clock.advance(FINAL_AFTER);
            sim.run_due().await;
            statuses(&app.hits())
        };
        let a = pattern(42).await;
        assert_eq!(a, pattern(42).await);
        assert!(a.len() > 16 && a.len() < 32, "{a:?}");
    }

    #[tokio::test]
    async fn failed_callbacks_are_logged_and_retried_only_on_request() {
        let (sim, clock) = start().await;
        let dead = dead_url().await;
        let sid = send_ok(&sim, HANDSET, "hi", Some(&dead)).await;
        clock.advance(FINAL_AFTER);
        assert_eq!(sim.run_due().await, 2);
        let errors = sim.errors();
        assert_eq!(errors.len(), 2);
        assert_eq!(errors[0].code, 11200);
        assert_eq!(
            errors[0].sid.as_ref().map(MessageSid::as_str),
            Some(sid.as_str())
        );
        assert_eq!(errors[0].url.as_deref(), Some(dead.as_str()));
        assert!(errors[0]
            .message
            .starts_with("HTTP retrieval failure: cannot connect"));
        assert_eq!(errors[0].at, t0() + TimeDelta::seconds(FINAL_AFTER));

        let app = start_receiver(503, "busy").await;
        let url = format!("{}/s#rc=2&rp=5xx", app.base);
        send_ok(&sim, HANDSET, "again", Some(&url)).await;
        clock.advance(SENT_AFTER);
        assert_eq!(sim.run_due().await, 1);
        let hits = app.hits();
        assert_eq!(hits.len(), 3, "one attempt and two retries");
        assert_eq!(hits[0].raw, hits[2].raw);
        assert_eq!(hits[0].uri.to_string(), "/s");
        // Signed over the URL without its fragment.
        assert!(twilio_wire::signature::validate(
            sim.auth_token(),
            &format!("{}/s", app.base),
            &hits[0].params,
            hits[0].header("X-Twilio-Signature")
        ));
        assert_eq!(sim.errors().len(), 5);
        assert!(sim.errors()[4].message.ends_with("HTTP 503"));
    }
}

#[cfg(test)]
mod timing_tests {
    use super::testing::*;
    use super::*;

    /// The status of every message, after moving the clock to `ms` after t0 and running what is
    /// due.
    async fn at_ms(
        sim: &crate::Simulator,
        clock: &TestClock,
        now_ms: &mut i64,
        ms: i64,
    ) -> Vec<MessageStatus> {
        clock.advance_ms(ms - *now_ms);
        *now_ms = ms;
        sim.run_due().await;
        sim.messages().iter().map(|m| m.status).collect()
    }

    /// Sends one message to a delivering handset and one to an `UnknownError` one, then checks
    /// the statuses just before and at each step of `timing` (milliseconds after creation).
    async fn follows(timing: DeliveryTiming, steps_ms: [i64; 3]) {
        use MessageStatus::*;
        let (sim, clock) = start_with(timing).await;
        sim.set_carrier("+14155550116", CarrierProfile::UnknownError);
        send_ok(&sim, HANDSET, "hi", None).await;
        send_ok(&sim, "+14155550116", "hi", None).await;
        let mut now = 0;
        assert_eq!(
            at_ms(&sim, &clock, &mut now, 0).await[0],
            if steps_ms[2] == 0 {
                Delivered
            } else if steps_ms[0] == 0 {
                Sending
            } else {
                Queued
            }
        );
        let [sending, sent, fin] = steps_ms;
        if sending > 0 {
            assert_eq!(
                at_ms(&sim, &clock, &mut now, sending - 1).await,
                [Queued, Queued]
            );
        }
        if sent > sending {
            assert_eq!(
                at_ms(&sim, &clock, &mut now, sending).await,
                [Sending, Sending]
            );
            assert_eq!(
                at_ms(&sim, &clock, &mut now, sent - 1).await,
                [Sending, Sending]
            );
        }
        if fin > sent {
            assert_eq!(at_ms(&sim, &clock, &mut now, sent).await, [Sent, Sending]);
            assert_eq!(
                at_ms(&sim, &clock, &mut now, fin - 1).await,
                [Sent, Sending]
            );
        }
        assert_eq!(
            at_ms(&sim, &clock, &mut now, fin).await,
            [Delivered, Failed]
        );
        let m = &sim.messages()[0];
        assert_eq!(
            m.date_updated,
            twilio_wire::date::rfc2822(t0() + TimeDelta::milliseconds(fin)),
            "the final status carries its own instant"
        );
    }

    #[tokio::test]
    async fn the_default_timetable_is_final_within_three_seconds() {
        assert_eq!(DeliveryTiming::default(), DeliveryTiming::REALISTIC);
        assert_eq!(
            crate::SimConfig::for_tests().timing,
            DeliveryTiming::REALISTIC
        );
        assert!(DeliveryTiming::REALISTIC.total() <= Duration::from_secs(3));
        follows(DeliveryTiming::REALISTIC, [500, 1000, 2500]).await;
    }

    #[tokio::test]
    async fn the_fast_timetable_is_final_after_half_a_second() {
        follows(DeliveryTiming::FAST, [100, 200, 500]).await;
    }

    #[tokio::test]
    async fn the_instant_timetable_is_final_at_the_first_run() {
        follows(DeliveryTiming::INSTANT, [0, 0, 0]).await;
        // Every step is still applied, in order, each with its callback.
        let app = crate::test_support::start_receiver(200, "").await;
        let (sim, _clock) = start_with(DeliveryTiming::INSTANT).await;
        send_ok(&sim, HANDSET, "hi", Some(&format!("{}/s", app.base))).await;
        assert_eq!(sim.run_due().await, 2);
        let statuses: Vec<String> = app
            .hits()
            .iter()
            .map(|h| h.param("MessageStatus").to_owned())
            .collect();
        assert_eq!(statuses, ["sent", "delivered"]);
    }

    #[tokio::test]
    async fn a_timetable_given_step_by_step_adds_up_the_delays() {
        let timing = DeliveryTiming {
            to_sending: Duration::from_millis(300),
            to_sent: Duration::from_millis(700),
            to_final: Duration::from_millis(2000),
        };
        assert_eq!(timing.total(), Duration::from_secs(3));
        follows(timing, [300, 1000, 3000]).await;
    }

    #[tokio::test]
    async fn a_reset_keeps_the_timetable() {
        let (sim, clock) = start_with(DeliveryTiming::FAST).await;
        sim.reset();
        send_ok(&sim, HANDSET, "hi", None).await;
        clock.advance_ms(500);
        sim.run_due().await;
        assert_eq!(sim.messages()[0].status, MessageStatus::Delivered);
    }
}
