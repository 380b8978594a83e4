//! The soak's invariants (issue 10), each a function over what the store and the simulator hold
//! at one moment, returning the first [`Violation`] it finds.
//!
//! The functions read small views ([`Row`], [`SimRow`], [`ActiveSms`], [`AgentLoad`]) that
//! [`super`] builds from the SQLite store and the simulator, so a unit test can craft a
//! violation in a few lines. Numbering follows the issue. Invariants 5b (oldest first) and 6
//! (liveness) read the routing state right after a tick's routing pass ([`Routing`]), when
//! every offer made "now" was made by that pass.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt;

use chrono::{DateTime, TimeDelta, Utc};
use convsms::domain::delivery::{DeliveryStatus, Direction, ALL_STATUSES};
use convsms::domain::messaging_actions::TimerState;
use convsms::domain::model::{AuthorKind, InteractionNumber, PartyTable};
use convsms::domain::model::{GUEST_SYS_ID, VIRTUAL_AGENT_SYS_ID};
use convsms::domain::work_assignment::{
    free_capacity, Agent, Presence, Queue, WorkItem, WorkItemState,
};
use convsms::store::{ActiveAudit, OpenedAudit, TimerAudit};
use serde::Serialize;
use twilio_wire::message::Direction as SimDirection;
use twilio_wire::sid::MessageSid;
use twilio_wire::webhook::OptOutType;

/// One of the invariants the soak checks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Invariant {
    /// 1. Every acknowledged inbound SMS is in exactly one transcript, once.
    InboundOnce,
    /// 2. Every outbound message reaches the simulator at most once.
    OutboundAtMostOnce,
    /// 3. No delivery status moves backwards, and a final one is Twilio's.
    StatusForward,
    /// 4. At most one active SMS interaction per (requester, provider) pair.
    OneActivePerPair,
    /// 5. No agent holds more SMS work than their capacity.
    Capacity,
    /// 5b. Offers go oldest-first.
    OldestFirst,
    /// 6. Nothing waits while an agent who may take it is available with free capacity.
    Liveness,
    /// 7. Nothing is sent to a handset after STOP (until START).
    OptOut,
    /// 8. Every timer fires once, never early, never missed; a closed interaction stays quiet.
    Timers,
    /// 9. Each message reaches the simulator as its transcript row holds it: body, numbers and
    ///    segments.
    Segments,
    /// 10. The engine answers every request the traffic makes without failing: a store error or
    ///     a bug (`ErrorClass::Bug`, HTTP 500) is no refusal.
    EngineAnswers,
    /// 11. Every SMS interaction is opened through its number's active messaging profile, for
    ///     whom that profile links (PROFILE-1..4, AGENT-4).
    OpenedForItsProfile,
    /// 12. A live agent an active SMS interaction is assigned to is in its live group profile
    ///     (AGENT-1..4).
    AssigneeInLiveGroup,
    /// 13. The virtual agent shows a requester only their own cases: the options of a list of
    ///     cases are open cases of the interaction's requester, a case's card one of theirs
    ///     (VA-3, VA-6).
    OwnCasesOnly,
    /// 14. Routing never offers a work item to an agent who rejected it, nor the work item a
    ///     requeue made to the agent the conversation was taken from (a transfer, leaving it, a
    ///     Reassign). A transfer to them by name may.
    NeverOfferedBack,
}

impl Invariant {
    /// Every invariant, in the issue's order.
    pub const ALL: [Invariant; 15] = [
        Invariant::InboundOnce,
        Invariant::OutboundAtMostOnce,
        Invariant::StatusForward,
        Invariant::OneActivePerPair,
        Invariant::Capacity,
        Invariant::OldestFirst,
        Invariant::Liveness,
        Invariant::OptOut,
        Invariant::Timers,
        Invariant::Segments,
        Invariant::EngineAnswers,
        Invariant::OpenedForItsProfile,
        Invariant::AssigneeInLiveGroup,
        Invariant::OwnCasesOnly,
        Invariant::NeverOfferedBack,
    ];

    /// Its short name, as the report and the JSON show it.
    pub fn name(self) -> &'static str {
        match self {
            Invariant::InboundOnce => "1 inbound-in-one-transcript-once",
            Invariant::OutboundAtMostOnce => "2 outbound-sent-at-most-once",
            Invariant::StatusForward => "3 status-never-backwards",
            Invariant::OneActivePerPair => "4 one-active-sms-per-pair",
            Invariant::Capacity => "5 agent-within-sms-capacity",
            Invariant::OldestFirst => "5b offers-oldest-first",
            Invariant::Liveness => "6 nothing-waits-for-a-free-agent",
            Invariant::OptOut => "7 nothing-sent-after-stop",
            Invariant::Timers => "8 timers-once-closed-quiet",
            Invariant::Segments => "9 sent-as-transcribed",
            Invariant::EngineAnswers => "10 engine-never-fails",
            Invariant::OpenedForItsProfile => "11 opened-for-its-profile",
            Invariant::AssigneeInLiveGroup => "12 assignee-in-live-group",
            Invariant::OwnCasesOnly => "13 own-cases-only",
            Invariant::NeverOfferedBack => "14 declined-never-offered-back",
        }
    }
}

impl fmt::Display for Invariant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A broken invariant: which, the interaction concerned (when one is), and what was seen.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Violation {
    /// The invariant.
    pub invariant: Invariant,
    /// The interaction whose transcript explains it, if any.
    pub interaction: Option<InteractionNumber>,
    /// What was seen, in words.
    pub detail: String,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invariant {} broken: {}", self.invariant, self.detail)
    }
}

fn broken<T>(
    invariant: Invariant,
    interaction: Option<&InteractionNumber>,
    detail: String,
) -> Result<T, Violation> {
    Err(Violation {
        invariant,
        interaction: interaction.cloned(),
        detail,
    })
}

/// One transcript row, as the invariants read it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Row {
    /// Its key in the store (the SQLite rowid: dense, from 1).
    pub rowid: i64,
    /// Its interaction.
    pub interaction: InteractionNumber,
    /// Its interaction's requester and provider numbers (E.164; `None` on no phone).
    pub pair: (Option<String>, Option<String>),
    /// Its position in the transcript.
    pub seq: i64,
    /// Which way it went.
    pub direction: Direction,
    /// Its text.
    pub body: String,
    /// Whether it carries media (an MMS: segments do not apply).
    pub media: bool,
    /// Twilio's MessageSid, once it has one.
    pub sid: Option<MessageSid>,
    /// Its delivery status.
    pub status: DeliveryStatus,
    /// How many times the engine handed it to the provider.
    pub attempts: i64,
    /// Twilio's error code, when a send or its delivery failed.
    pub error_code: Option<i64>,
    /// Who wrote it.
    pub author: AuthorKind,
    /// When it was written.
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
    /// When a `retrying` send is to be made again.
    pub next_attempt_at: Option<DateTime<Utc>>,
    /// When the attempt whose answer was lost started, while a `retrying` send waits for
    /// Twilio's list to say whether it created the message.
    pub unconfirmed_since: Option<DateTime<Utc>>,
}

/// One message of the simulator, as the invariants read it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SimRow {
    /// Its SID.
    pub sid: MessageSid,
    /// Which way it went.
    pub direction: SimDirection,
    /// `num_segments`.
    pub segments: usize,
    /// Sender (E.164).
    pub from: String,
    /// Recipient (E.164).
    pub to: String,
    /// Its text.
    pub body: String,
    /// Twilio's `error_code`, when it failed.
    pub error_code: Option<u32>,
}

/// An active SMS interaction: who with, on which provider number.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ActiveSms {
    /// The interaction.
    pub interaction: InteractionNumber,
    /// The requester's number (E.164).
    pub requester: String,
    /// The provider number (E.164).
    pub provider: String,
}

/// An agent's SMS capacity and the work items holding a slot of it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AgentLoad {
    /// The agent's user_name (or sys_id).
    pub agent: String,
    /// Their SMS capacity.
    pub capacity: u32,
    /// The interactions of the active Offered or Accepted work items they hold.
    pub held: Vec<InteractionNumber>,
    /// What they held when their capacity was last lowered below their load: lowering a capacity
    /// withdraws offers beyond it but revokes no accepted work, so these may keep them over it.
    pub kept: Vec<InteractionNumber>,
}

/// Invariant 1: Every inbound SMS the webhook acknowledged (`acked`) is in exactly one transcript,
/// once.
pub fn inbound_once(acked: &[MessageSid], rows: &[Row]) -> Result<(), Violation> {
    let mut seen: HashMap<&MessageSid, Vec<&Row>> = HashMap::new();
    for r in rows.iter().filter(|r| r.direction == Direction::Inbound) {
        if let Some(sid) = &r.sid {
            seen.entry(sid).or_default().push(r);
        }
    }
    for sid in acked {
        match seen.get(sid).map(Vec::as_slice).unwrap_or_default() {
            [_] => {}
            [] => {
                return broken(
                    Invariant::InboundOnce,
                    None,
                    format!("the acknowledged inbound {sid} is in no transcript"),
                )
            }
            many => {
                let places: Vec<String> = many
                    .iter()
                    .map(|r| format!("{} #{}", r.interaction, r.seq))
                    .collect();
                return broken(
                    Invariant::InboundOnce,
                    Some(&many[0].interaction),
                    format!(
                        "the inbound {sid} is in the transcripts {} times: {}",
                        many.len(),
                        places.join(", ")
                    ),
                );
            }
        }
    }
    Ok(())
}

/// Invariant 1, where: an inbound SMS is in the conversation between its sender and the number it
/// was texted to (the interaction's requester and provider numbers), not another of the
/// requester's. `sim` holds the simulator's messages, read by SID.
pub fn inbound_in_its_conversation(sim: &[SimRow], rows: &[Row]) -> Result<(), Violation> {
    let by_sid: HashMap<&MessageSid, &SimRow> = sim.iter().map(|m| (&m.sid, m)).collect();
    for r in rows.iter().filter(|r| r.direction == Direction::Inbound) {
        let Some(m) = r.sid.as_ref().and_then(|sid| by_sid.get(sid)) else {
            continue;
        };
        let (requester, provider) = (r.pair.0.as_deref(), r.pair.1.as_deref());
        if requester != Some(m.from.as_str()) || provider != Some(m.to.as_str()) {
            return broken(
                Invariant::InboundOnce,
                Some(&r.interaction),
                format!(
                    "the inbound {} from {} to {} is in {} #{}, the conversation between {} and {}",
                    m.sid,
                    m.from,
                    m.to,
                    r.interaction,
                    r.seq,
                    requester.unwrap_or("no requester number"),
                    provider.unwrap_or("no provider number")
                ),
            );
        }
    }
    Ok(())
}

/// The retry policy invariant 2 holds the engine to (the README's): a send Twilio refuses with
/// an error worth retrying (HTTP 429 or 5xx, Twilio's 20429 and 205xx) is made again, up to this
/// many attempts in all, then ends as failed with that error. The soak's own figure, not the
/// engine's constant: a test holds the two equal, so a change of policy changes both on purpose.
pub const RETRY_POLICY_ATTEMPTS: i64 = 5;

/// The retry policy's wait before the first retry, in seconds, doubling for each further one
/// (the README's; a test holds it equal to the engine's `RETRY_BACKOFF_SECS`).
pub const RETRY_POLICY_BACKOFF_SECS: i64 = 30;

/// The longest wait between two looks in Twilio's list for a lost answer, in seconds (the
/// README's; a test holds it equal to the engine's `LOOK_WAIT_AT_MOST_SECS`).
pub const RETRY_POLICY_LOOK_WAIT_AT_MOST_SECS: i64 = 3_600;

/// Invariant 2's retry policy in time: a send left `retrying` after `k` attempts is to be made
/// again exactly [`RETRY_POLICY_BACKOFF_SECS`] × 2^(k−1) after that attempt (a send whose lost
/// answer is unconfirmed at least as long as it has been, up to
/// [`RETRY_POLICY_LOOK_WAIT_AT_MOST_SECS`]: its next step is a look in Twilio's list) (its
/// `next_attempt_at` against the time the row changed), and is not made again before then:
/// the due time of each retrying row seen is remembered until the row changes again (bounded by
/// the sends in flight), and a later attempt (more attempts) written earlier breaks it.
#[derive(Debug, Default)]
pub struct RetryTracker {
    /// Retrying rows by rowid: attempts made, when the next one is due.
    due: HashMap<i64, (i64, DateTime<Utc>)>,
}

impl RetryTracker {
    /// Checks the rows changed since the last check (`rows`).
    pub fn check(&mut self, rows: &[Row]) -> Result<(), Violation> {
        for r in rows.iter().filter(|r| r.direction == Direction::Outbound) {
            if let Some((attempts, due)) = self.due.get(&r.rowid).copied() {
                if r.attempts > attempts && r.updated_at < due {
                    return broken(
                        Invariant::OutboundAtMostOnce,
                        Some(&r.interaction),
                        format!(
                            "{} #{} was handed to the provider again at {}, before its retry was \
                             due at {} (attempt {} of the retry policy)",
                            r.interaction,
                            r.seq,
                            r.updated_at.to_rfc3339(),
                            due.to_rfc3339(),
                            attempts + 1
                        ),
                    );
                }
            }
            if r.status != DeliveryStatus::Retrying {
                self.due.remove(&r.rowid);
                continue;
            }
            let mut wait = RETRY_POLICY_BACKOFF_SECS << (r.attempts - 1).clamp(0, 30);
            if let Some(since) = r.unconfirmed_since {
                // Its next step is a look in Twilio's list: at least as long as its answer has
                // been unconfirmed, up to an hour.
                let waited = (r.updated_at - since).num_seconds();
                wait = wait.max(waited.min(RETRY_POLICY_LOOK_WAIT_AT_MOST_SECS));
            }
            let want = r.updated_at + chrono::TimeDelta::seconds(wait);
            if r.next_attempt_at != Some(want) {
                return broken(
                    Invariant::OutboundAtMostOnce,
                    Some(&r.interaction),
                    format!(
                        "{} #{} is retrying after {} attempt(s) made at {}, next at {}; the retry \
                         policy waits {wait} s, until {}",
                        r.interaction,
                        r.seq,
                        r.attempts,
                        r.updated_at.to_rfc3339(),
                        r.next_attempt_at
                            .map_or_else(|| "no time".to_owned(), |t| t.to_rfc3339()),
                        want.to_rfc3339()
                    ),
                );
            }
            self.due.insert(r.rowid, (r.attempts, want));
        }
        Ok(())
    }
}

/// Whether Twilio's error `code` is one the retry policy retries (20429, 205xx).
fn retried(code: i64) -> bool {
    code == 20429 || (20500..20600).contains(&code)
}

/// Invariant 2: Every outbound message reaches the simulator at most once: no two transcript rows
/// share a MessageSid, and every message the simulator created through its API belongs to a
/// transcript row (a second create for the same row would leave one behind), but for one
/// message with its numbers and text for each row of `awaiting` (`retrying` with
/// `unconfirmed_since`: its lost answer awaits the look in Twilio's list its retry makes
/// first; or `failed` with it: given up, its fate unknown, never sent again). Those messages
/// are returned, for the caller to hand in again with the next check's `sim` until a row owns
/// them: once their row stops awaiting (adopted, or sent again blind, which leaves one behind),
/// nothing excuses them; and within the
/// retry policy ([`RETRY_POLICY_ATTEMPTS`]): no row handed to the provider more often, and
/// none that failed with an error the policy retries after fewer attempts.
pub fn outbound_at_most_once(
    sim: &[SimRow],
    rows: &[Row],
    awaiting: &[Row],
) -> Result<Vec<SimRow>, Violation> {
    let mut owner: HashMap<&MessageSid, &Row> = HashMap::new();
    for r in rows.iter().filter(|r| r.direction == Direction::Outbound) {
        if r.attempts > RETRY_POLICY_ATTEMPTS {
            return broken(
                Invariant::OutboundAtMostOnce,
                Some(&r.interaction),
                format!(
                    "{} #{} was handed to the provider {} times, more than the retry policy's {RETRY_POLICY_ATTEMPTS}",
                    r.interaction, r.seq, r.attempts
                ),
            );
        }
        if r.status == DeliveryStatus::Failed
            && r.sid.is_none()
            && r.error_code.is_some_and(retried)
            && r.attempts < RETRY_POLICY_ATTEMPTS
        {
            return broken(
                Invariant::OutboundAtMostOnce,
                Some(&r.interaction),
                format!(
                    "{} #{} failed with error {} after {} attempts; the retry policy makes {RETRY_POLICY_ATTEMPTS}",
                    r.interaction,
                    r.seq,
                    r.error_code.unwrap_or_default(),
                    r.attempts
                ),
            );
        }
        if let Some(sid) = &r.sid {
            if let Some(first) = owner.insert(sid, r) {
                return broken(
                    Invariant::OutboundAtMostOnce,
                    Some(&r.interaction),
                    format!(
                        "{sid} is the send of both {} #{} and {} #{}",
                        first.interaction, first.seq, r.interaction, r.seq
                    ),
                );
            }
        }
    }
    // Sends whose answer was lost and whose retry is to look in Twilio's list before sending
    // again: each may have left one message no row owns yet, from its numbers with its text
    // (adopted at the look; a blind resend would own a second one and leave this one behind,
    // which the check after the row stops awaiting catches: the caller hands the excused
    // messages back in).
    let mut excusable: HashMap<(&str, &str, &str), usize> = HashMap::new();
    for r in awaiting.iter().filter(|r| {
        r.direction == Direction::Outbound
            && matches!(r.status, DeliveryStatus::Retrying | DeliveryStatus::Failed)
            && r.unconfirmed_since.is_some()
    }) {
        if let (Some(to), Some(from)) = (&r.pair.0, &r.pair.1) {
            *excusable
                .entry((to.as_str(), from.as_str(), r.body.as_str()))
                .or_default() += 1;
        }
    }
    let mut excused = vec![];
    for (at, m) in sim
        .iter()
        .enumerate()
        .filter(|(_, m)| m.direction == SimDirection::OutboundApi)
    {
        if !owner.contains_key(&m.sid) {
            if let Some(n) = excusable
                .get_mut(&(m.to.as_str(), m.from.as_str(), m.body.as_str()))
                .filter(|n| **n > 0)
            {
                *n -= 1;
                excused.push(m.clone());
                continue;
            }
            // A duplicate send has a twin: the same text to the same handset from the same
            // number, that a row owns, created by the same send (so in the same window of
            // `sim`). The nearest one is the likeliest (a standard text, a greeting or a close
            // notice, may have gone to that handset before): after, then before.
            let same = |o: &&SimRow| {
                o.direction == SimDirection::OutboundApi
                    && (&o.to, &o.from, &o.body) == (&m.to, &m.from, &m.body)
            };
            let twin = sim[at + 1..]
                .iter()
                .filter(same)
                .find_map(|o| owner.get(&o.sid))
                .or_else(|| {
                    sim[..at]
                        .iter()
                        .rev()
                        .filter(same)
                        .find_map(|o| owner.get(&o.sid))
                });
            return broken(
                Invariant::OutboundAtMostOnce,
                twin.map(|r| &r.interaction),
                format!(
                    "the simulator holds the outbound {} ({} to {}) that no transcript row sent{}",
                    m.sid,
                    m.from,
                    m.to,
                    match twin {
                        Some(r) => format!(
                            ": probably a duplicate send of {} #{} ({}), the nearest with the same text and numbers",
                            r.interaction,
                            r.seq,
                            r.sid.as_ref().map_or("", MessageSid::as_str)
                        ),
                        None => " (a duplicate send?)".to_owned(),
                    }
                ),
            );
        }
    }
    Ok(excused)
}

/// Invariant 2 for Twilio's re-delivery of a webhook the engine acknowledged (`sid`): the engine
/// recognises the MessageSid and changes nothing, so no transcript row is written and nothing is
/// sent between `before` and `after` (each: the last transcript rowid, the simulator's count of
/// outbound messages created; no virtual time passes in between, so nothing else could). A
/// re-delivery answered again (the virtual agent's turn run twice, a second greeting) makes rows
/// each sent once, which the checks of rows and sends cannot tell from a first answer.
pub fn redelivery_changed_nothing(
    sid: &MessageSid,
    before: (i64, u64),
    after: (i64, u64),
) -> Result<(), Violation> {
    if before == after {
        return Ok(());
    }
    broken(
        Invariant::OutboundAtMostOnce,
        None,
        format!(
            "re-delivering the acknowledged {sid} (Twilio retrying its webhook) made the engine \
             write {} transcript row(s) and send {} message(s): a re-delivered webhook must \
             change nothing",
            after.0 - before.0,
            after.1.saturating_sub(before.1)
        ),
    )
}

/// Invariant 2, at the end of a run (after the retry policy and status reconciliation had time
/// to act): every outbound message ended in a final status.
pub fn settled(rows: &[Row]) -> Result<(), Violation> {
    for r in rows.iter().filter(|r| r.direction == Direction::Outbound) {
        if !r.status.is_final() {
            return broken(
                Invariant::OutboundAtMostOnce,
                Some(&r.interaction),
                format!(
                    "{} #{} is still {} after {} attempts at the end of the run",
                    r.interaction,
                    r.seq,
                    r.status.as_str(),
                    r.attempts
                ),
            );
        }
    }
    Ok(())
}

/// Invariant 3, against Twilio: an outbound row whose status says Twilio has it (queued and
/// after) has a MessageSid, and a row in a final status (delivered, undelivered, failed) has the
/// status and error code Twilio has for that SID (`twilio`: the simulator's status and
/// `ErrorCode` of a SID, `None` when it no longer holds it). Twilio settles a message before it
/// reports it, by a StatusCallback or a fetch, so an engine that applied a callback to the
/// wrong row, or marked a row delivered that Twilio never had, disagrees here. `rows`: the rows
/// changed since the last check.
pub fn status_is_twilios(
    rows: &[Row],
    twilio: impl Fn(&MessageSid) -> Option<(DeliveryStatus, Option<u32>)>,
) -> Result<(), Violation> {
    for r in rows.iter().filter(|r| r.direction == Direction::Outbound) {
        let Some(sid) = &r.sid else {
            if !matches!(
                r.status,
                DeliveryStatus::Pending | DeliveryStatus::Retrying | DeliveryStatus::Failed
            ) {
                return broken(
                    Invariant::StatusForward,
                    Some(&r.interaction),
                    format!(
                        "{} #{} is {} but has no MessageSid: Twilio never took it",
                        r.interaction,
                        r.seq,
                        r.status.as_str()
                    ),
                );
            }
            continue;
        };
        if !r.status.is_final() {
            continue;
        }
        let Some((status, code)) = twilio(sid) else {
            continue;
        };
        let code = code.map(i64::from);
        if (status, code) != (r.status, r.error_code) {
            let with = |code: Option<i64>| code.map_or(String::new(), |c| format!(" ({c})"));
            return broken(
                Invariant::StatusForward,
                Some(&r.interaction),
                format!(
                    "{} #{} ({sid}) is {}{} in the transcript but {}{} at Twilio",
                    r.interaction,
                    r.seq,
                    r.status.as_str(),
                    with(r.error_code),
                    status.as_str(),
                    with(code)
                ),
            );
        }
    }
    Ok(())
}

/// Invariant 3, step by step: every change of an outbound row's status the store made since the
/// last check (`moves`: rowid, from, to, as the store's audit trigger reported each one) goes
/// forward, and a final status never changes into another: between two checks a status could
/// otherwise go forward and back again unseen. `rows` are the rows changed since the last check
/// (a moved row is one of them), for naming the message.
pub fn status_moves(moves: &[(i64, String, String)], rows: &[Row]) -> Result<(), Violation> {
    for (rowid, from, to) in moves {
        let Some(r) = rows
            .iter()
            .find(|r| r.rowid == *rowid && r.direction == Direction::Outbound)
        else {
            continue;
        };
        let (Ok(before), Ok(after)) =
            (from.parse::<DeliveryStatus>(), to.parse::<DeliveryStatus>())
        else {
            return broken(
                Invariant::StatusForward,
                Some(&r.interaction),
                format!(
                    "{} #{} changed from status '{from}' to '{to}', one of which is no delivery \
                     status",
                    r.interaction, r.seq
                ),
            );
        };
        went_forward(r, before, after)?;
    }
    Ok(())
}

/// Invariant 3's rule for one change of `r`'s status: a lower rank, or one final status for
/// another, is a move back.
fn went_forward(r: &Row, before: DeliveryStatus, after: DeliveryStatus) -> Result<(), Violation> {
    let backwards = matches!((before.rank(), after.rank()), (Some(a), Some(b)) if b < a);
    let final_changed = before.is_final() && after.is_final() && before != after;
    if backwards || final_changed {
        return broken(
            Invariant::StatusForward,
            Some(&r.interaction),
            format!(
                "{} #{} ({}) went from {} back to {}",
                r.interaction,
                r.seq,
                r.sid.as_ref().map_or("no sid", |s| s.as_str()),
                before.as_str(),
                after.as_str()
            ),
        );
    }
    Ok(())
}

/// Invariant 3: No delivery status moves backwards: remembers each outbound message's status across
/// checks, in one byte per row (indexed by rowid), so it fits a million messages in a megabyte.
#[derive(Debug, Default)]
pub struct StatusTracker {
    /// By rowid: 0 for never seen, else 1 + the status's position in [`ALL_STATUSES`].
    last: Vec<u8>,
}

impl StatusTracker {
    /// Compares every outbound row's status with the one seen at the last check, then remembers
    /// it.
    pub fn check(&mut self, rows: &[Row]) -> Result<(), Violation> {
        for r in rows.iter().filter(|r| r.direction == Direction::Outbound) {
            let Ok(at) = usize::try_from(r.rowid) else {
                continue;
            };
            if self.last.len() <= at {
                self.last.resize(at + 1, 0);
            }
            let code = ALL_STATUSES
                .iter()
                .position(|s| *s == r.status)
                .map_or(0, |p| p as u8 + 1);
            if let Some(before) = self.last[at]
                .checked_sub(1)
                .map(|p| ALL_STATUSES[p as usize])
            {
                if before.rank().is_some() && r.status.rank().is_some() {
                    went_forward(r, before, r.status)?;
                }
            }
            self.last[at] = code;
        }
        Ok(())
    }

    /// The rowids of the outbound rows whose status, as last checked, is not final, in rowid
    /// order.
    pub fn unsettled(&self) -> Vec<i64> {
        let not_final: Vec<u8> = ALL_STATUSES
            .iter()
            .enumerate()
            .filter(|(_, s)| s.rank().is_some() && !s.is_final())
            .map(|(p, _)| p as u8 + 1)
            .collect();
        self.last
            .iter()
            .enumerate()
            .filter(|(_, code)| not_final.contains(code))
            .filter_map(|(rowid, _)| i64::try_from(rowid).ok())
            .collect()
    }
}

/// Invariant 4: At most one active SMS interaction per (requester number, provider number) pair.
pub fn one_active_per_pair(active: &[ActiveSms]) -> Result<(), Violation> {
    let mut pairs: BTreeMap<(&str, &str), &InteractionNumber> = BTreeMap::new();
    for a in active {
        if let Some(first) = pairs.insert((&a.requester, &a.provider), &a.interaction) {
            return broken(
                Invariant::OneActivePerPair,
                Some(&a.interaction),
                format!(
                    "{first} and {} are both active between {} and {}",
                    a.interaction, a.requester, a.provider
                ),
            );
        }
    }
    Ok(())
}

/// Invariant 5: No agent holds more SMS work (active Offered or Accepted items) than their
/// capacity, except work they held when their capacity was lowered ([`AgentLoad::kept`]: the
/// engine withdraws the offers beyond it but revokes no accepted work, and offers no more until
/// the load falls below the capacity).
pub fn capacity(loads: &[AgentLoad]) -> Result<(), Violation> {
    for l in loads {
        if l.held.len() > l.capacity as usize && l.held.iter().any(|h| !l.kept.contains(h)) {
            let held: Vec<String> = l.held.iter().map(ToString::to_string).collect();
            return broken(
                Invariant::Capacity,
                l.held.last(),
                format!(
                    "{} holds {} SMS work items ({}) with a capacity of {}",
                    l.agent,
                    l.held.len(),
                    held.join(", "),
                    l.capacity
                ),
            );
        }
    }
    Ok(())
}

/// The routing state right after a tick (expired offers, then a routing pass) at `now`.
#[derive(Clone, Debug)]
pub struct Routing {
    /// The tick's virtual time.
    pub now: DateTime<Utc>,
    /// The agents (presence, SMS capacity).
    pub agents: Vec<Agent>,
    /// The queues and their members.
    pub queues: Vec<Queue>,
    /// The active work items.
    pub items: Vec<WorkItem>,
    /// Interaction numbers by interaction sys_id, for messages.
    pub numbers: HashMap<String, InteractionNumber>,
    /// Closed interactions whose work item is still active (a pass catches items up with their
    /// interactions: right after one there are none).
    pub closed_with_items: Vec<InteractionNumber>,
}

impl Routing {
    fn number(&self, item: &WorkItem) -> Option<&InteractionNumber> {
        self.numbers.get(item.interaction.as_str())
    }

    /// The items that wait for an offer: active, and neither offered, accepted nor cancelled.
    /// Said here, not with the engine's `WorkItemState::is_waiting`, so that a mistake there
    /// cannot hide what it strands.
    pub fn waiting(&self) -> impl Iterator<Item = &WorkItem> {
        self.items.iter().filter(|i| {
            i.active
                && !matches!(
                    i.state,
                    WorkItemState::Offered | WorkItemState::Accepted | WorkItemState::Cancelled
                )
        })
    }
}

/// Invariant 5b: offers go oldest-first. Right after a routing pass, no item offered in that
/// pass (`offered_at` = now) is younger than an item of its queue still waiting that the same
/// agent, a member of that queue, had not declined: the pass would have offered the older one
/// first. (An offer to an agent outside the queue is a transfer to them by name, which the line
/// does not govern.)
pub fn oldest_first(r: &Routing) -> Result<(), Violation> {
    for w in r.waiting() {
        for x in r.items.iter().filter(|x| {
            x.state == WorkItemState::Offered
                && x.offered_at == Some(r.now)
                && x.queue == w.queue
                && (x.created_at, &x.sys_id) > (w.created_at, &w.sys_id)
        }) {
            let Some(agent) = &x.agent else { continue };
            let member = r
                .queues
                .iter()
                .any(|q| q.sys_id == w.queue && q.agents.contains(agent));
            if w.declined_by.contains(agent) || !member {
                continue;
            }
            return broken(
                Invariant::OldestFirst,
                r.number(w),
                format!(
                    "{} (waiting since {}) was passed over: {agent} was offered the younger {} (created {}) at {}",
                    r.number(w).map_or_else(|| w.interaction.to_string(), ToString::to_string),
                    w.created_at.to_rfc3339(),
                    r.number(x).map_or_else(|| x.interaction.to_string(), ToString::to_string),
                    x.created_at.to_rfc3339(),
                    r.now.to_rfc3339()
                ),
            );
        }
    }
    Ok(())
}

/// Who declined each open conversation, as invariant 14 remembers it between looks.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Declines {
    /// The agent it was last taken from (a transfer, leaving it, a Reassign): the work item
    /// that requeue made is never offered to them.
    pub given_up_by: Option<String>,
    /// (work item sys_id, agent) of each offer rejected: that item is never offered to them
    /// again.
    pub rejected: BTreeSet<(String, String)>,
}

/// Invariant 14's memory: interaction number → its [`Declines`].
pub type Declined = HashMap<String, Declines>;

/// Invariant 14, at every offer: routing's offers (`offers.made` with `routed`) go to no agent
/// who declined that work item, by the store's offer log in the order written
/// (`offers.declines`): who rejected an offer of the item, and the agent the conversation was
/// taken from by the requeue that made it (a transfer, leaving it, a Reassign: the item waiting
/// after one is the requeue's, since the one they held completed with it). `declined` carries
/// what earlier looks saw and takes this look's. An offer by a transfer to the agent by name
/// is the transferring agent's choice, not routing's: never judged. The engine keeps the same
/// memory in each work item's `declined_by`; this judges it from what the engine did, not from
/// what it wrote down. An agent who gave the conversation up or rejected it before its last
/// requeue may be offered it again: a conversation every agent once passed on would otherwise
/// wait for ever. Says how many routed offers it judged against a decline remembered for
/// their conversation (its subjects: an offer of a conversation nobody declined can break
/// nothing).
pub fn never_offered_back(
    offers: &convsms::store::OfferLog,
    declined: &mut Declined,
) -> Result<usize, Violation> {
    let mut judged = 0;
    let (mut made, mut declines) = (offers.made.iter().peekable(), offers.declines.iter());
    let mut next_decline = declines.next();
    let remember = |declined: &mut Declined, d: &convsms::store::Decline| {
        let memory = declined.entry(d.interaction.clone()).or_default();
        match &d.rejected {
            Some(item) => {
                memory.rejected.insert((item.clone(), d.agent.clone()));
            }
            None => memory.given_up_by = Some(d.agent.clone()),
        }
    };
    loop {
        match (made.peek(), next_decline) {
            (Some(o), Some(d)) if d.seq < o.seq => {
                remember(declined, d);
                next_decline = declines.next();
            }
            (Some(o), _) => {
                let memory = declined.get(&o.interaction);
                judged += usize::from(o.routed && memory.is_some());
                let why = memory.and_then(|m| {
                    if m.rejected.contains(&(o.item.clone(), o.agent.clone())) {
                        Some("who had rejected an offer of that work item")
                    } else if m.given_up_by.as_ref() == Some(&o.agent) {
                        Some(
                            "from whom the conversation was taken (a transfer, leaving it or a \
                             Reassign) by the requeue that made that work item",
                        )
                    } else {
                        None
                    }
                });
                if let (true, Some(why)) = (o.routed, why) {
                    let number = InteractionNumber::parse(&o.interaction).ok();
                    return broken(
                        Invariant::NeverOfferedBack,
                        number.as_ref(),
                        format!(
                            "routing offered {} (work item {}) to {} at {}, {why}",
                            o.interaction, o.item, o.agent, o.at
                        ),
                    );
                }
                made.next();
            }
            (None, Some(d)) => {
                remember(declined, d);
                next_decline = declines.next();
            }
            (None, None) => return Ok(judged),
        }
    }
}

/// Invariant 5b, at every offer: no offer passed over an older item of its queue that was
/// waiting when the offer was written, that the agent offered had not declined, and that the
/// same instant did not offer to someone (`offers`, the store's offer log: its triggers see
/// each offer as it is written, so each routing pass is judged, not only the one after a
/// check, [`oldest_first`]).
pub fn none_passed_over(offers: &convsms::store::OfferLog) -> Result<(), Violation> {
    let made: std::collections::HashSet<(&str, &str)> = offers
        .made
        .iter()
        .map(|o| (o.item.as_str(), o.at.as_str()))
        .collect();
    for p in &offers.passed_over {
        if made.contains(&(p.waiting_item.as_str(), p.at.as_str())) {
            // Offered at the same instant, to someone else: written later in the same pass.
            continue;
        }
        let number = InteractionNumber::parse(&p.waiting).ok();
        return broken(
            Invariant::OldestFirst,
            number.as_ref(),
            format!(
                "{} (waiting since {}) was passed over: {} was offered the younger {} at {}",
                p.waiting, p.waiting_since, p.agent, p.offered, p.at
            ),
        );
    }
    Ok(())
}

/// Invariant 6 (liveness): right after a routing pass, nothing waits while a member of its queue
/// who has not declined it is Available with free SMS capacity; and no closed conversation's work
/// item is still active ([`items_in_step`]), holding a slot (so that its agent looks busy to
/// the rest of this check too) or waiting.
pub fn liveness(r: &Routing) -> Result<(), Violation> {
    items_in_step(&r.closed_with_items)?;
    let free: HashMap<&str, u32> = r
        .agents
        .iter()
        .filter(|a| a.presence == Presence::Available)
        .map(|a| (a.sys_id.as_str(), free_capacity(a, &r.items)))
        .filter(|(_, n)| *n > 0)
        .collect();
    for w in r.waiting() {
        let Some(q) = r.queues.iter().find(|q| q.sys_id == w.queue) else {
            return broken(
                Invariant::Liveness,
                r.number(w),
                format!(
                    "{} waits in a queue that does not exist ({}): no agent can ever be offered it",
                    r.number(w)
                        .map_or_else(|| w.interaction.to_string(), ToString::to_string),
                    w.queue
                ),
            );
        };
        let idle = q
            .agents
            .iter()
            .find(|a| !w.declined_by.contains(a) && free.contains_key(a.as_str()));
        if let Some(agent) = idle {
            return broken(
                Invariant::Liveness,
                r.number(w),
                format!(
                    "{} waits in {} ({}) at {} while its member {agent} is available with {} free slots",
                    r.number(w).map_or_else(|| w.interaction.to_string(), ToString::to_string),
                    q.name,
                    w.state.as_str(),
                    r.now.to_rfc3339(),
                    free[agent.as_str()]
                ),
            );
        }
    }
    Ok(())
}

/// Invariant 6, work items in step with their interactions: right after a routing pass no
/// closed interaction has an active work item (`closed_with_items`, by number). The pass
/// completes or cancels the item of a conversation that closed; one it missed keeps its agent's
/// slot taken by nothing (or waits to be offered a closed conversation), and the liveness
/// check itself, which counts slots by active items, would not see the agent free.
pub fn items_in_step(closed_with_items: &[InteractionNumber]) -> Result<(), Violation> {
    match closed_with_items.first() {
        None => Ok(()),
        Some(n) => broken(
            Invariant::Liveness,
            Some(n),
            format!(
                "{n} is closed but its work item is still active, holding its agent's slot or \
                 waiting: no routing pass caught it up with the close"
            ),
        ),
    }
}

/// Invariant 4, the pair itself: every active SMS interaction records both numbers (one
/// without would escape the unique index of active pairs and every check by pair).
pub fn every_active_sms_has_its_pair(active: &[ActiveAudit]) -> Result<(), Violation> {
    match active.iter().find(|a| !a.has_pair) {
        None => Ok(()),
        Some(a) => broken(
            Invariant::OneActivePerPair,
            Some(&a.interaction),
            format!(
                "{} is an active SMS interaction without its requester or provider number",
                a.interaction
            ),
        ),
    }
}

/// Invariant 6, conversations nobody has: every active SMS interaction is with someone, the
/// virtual agent or a live agent, or waits for one with an active work item; one that has none
/// of these waits forever, unseen by the routing (`active`: the active SMS interactions).
pub fn nothing_stranded(active: &[ActiveAudit]) -> Result<(), Violation> {
    match active
        .iter()
        .find(|a| a.assigned_to.is_none() && !a.has_work_item)
    {
        None => Ok(()),
        Some(a) => broken(
            Invariant::Liveness,
            Some(&a.interaction),
            format!(
                "{} is active with nobody: neither the virtual agent nor a live agent has it, and \
                 no work item waits for an agent",
                a.interaction
            ),
        ),
    }
}

/// Invariant 10 for the status callbacks: the engine takes every one the simulator posts (its
/// answers reach no step of the traffic, so [`Violation`]s of 10 found elsewhere miss them):
/// `refused` is the simulator's count of callbacks the engine answered other than 2xx (or not at
/// all), which must be 0. An engine that answers them 403 or 500 would otherwise
/// pass: the status it failed to apply comes later through the reconciliation's fetch.
pub fn callbacks_taken(refused: &convsms_sim::RefusedCallbacks) -> Option<Violation> {
    if refused.count == 0 {
        return None;
    }
    let (sid, what) = refused
        .last
        .as_ref()
        .map_or(("?", "?"), |(sid, what)| (sid.as_str(), what.as_str()));
    Some(Violation {
        invariant: Invariant::EngineAnswers,
        interaction: None,
        detail: format!(
            "the engine did not take {} status callback(s) of the simulated Twilio; the last, \
             for {sid}: {what}",
            refused.count
        ),
    })
}

/// Invariant 7: nothing is sent to a handset after it texted an opt-out keyword to a number,
/// until it texts an opt-in keyword there (Twilio's keywords, the whole trimmed body, any case).
/// `sim` is the simulator's messages, oldest first; what opt-out rules allow is allowed: a reply
/// the simulator recorded as failed with 21610. (One look at everything: [`OptOutTracker`]
/// carries the blocks across checks.)
#[cfg(test)]
pub fn opt_out(sim: &[SimRow]) -> Result<(), Violation> {
    OptOutTracker::default().check(sim)
}

/// Invariant 7 across checks: the blocked (provider number, handset) pairs so far (at most one
/// entry per pair, whatever the length of the run).
#[derive(Debug, Default)]
pub struct OptOutTracker {
    blocked: std::collections::HashSet<(String, String)>,
}

impl OptOutTracker {
    /// Walks the simulator's messages new since the last check (`sim`, oldest first).
    pub fn check(&mut self, sim: &[SimRow]) -> Result<(), Violation> {
        for m in sim {
            match m.direction {
                SimDirection::Inbound => match convsms_sim::opt_out_keyword(&m.body) {
                    Some(OptOutType::Stop) => {
                        self.blocked.insert((m.to.clone(), m.from.clone()));
                    }
                    Some(OptOutType::Start) => {
                        self.blocked.remove(&(m.to.clone(), m.from.clone()));
                    }
                    _ => {}
                },
                _ if m.error_code == Some(21610) => {}
                _ => {
                    if self.blocked.contains(&(m.from.clone(), m.to.clone())) {
                        return broken(
                            Invariant::OptOut,
                            None,
                            format!(
                                "{} ({:?}) was sent from {} to {} after that handset texted STOP there",
                                m.sid, m.direction, m.from, m.to
                            ),
                        );
                    }
                }
            }
        }
        Ok(())
    }
}

/// Invariant 7, the engine's side: the engine does not answer a STOP that Twilio handled. With
/// Twilio's opt-out handling (reference §7) Twilio confirms the opt-out itself and blocks the
/// pair, so a keyword reply of the engine's ([`keywords::UNSUBSCRIBED`],
/// [`keywords::REGISTERED_ONLY`]) written right after the STOP (the next row of its transcript,
/// at the same instant) and refused with 21610 is a reply the engine should not have made:
/// nothing reaches the handset, so the simulator's side of invariant 7 cannot see it.
/// (`rows`: the transcript rows that changed since the last check, a STOP and its reply among
/// them, as one webhook writes both; `before`: the rows just before the refused keyword replies
/// whose STOP did not change since, read again.)
///
/// [`keywords::UNSUBSCRIBED`]: convsms::domain::keywords::UNSUBSCRIBED
/// [`keywords::REGISTERED_ONLY`]: convsms::domain::keywords::REGISTERED_ONLY
pub fn no_reply_to_a_handled_stop(rows: &[Row], before: &[Row]) -> Result<(), Violation> {
    let at: HashMap<(&InteractionNumber, i64), &Row> =
        rows.iter().map(|r| ((&r.interaction, r.seq), r)).collect();
    for stop in rows.iter().chain(before).filter(|r| {
        r.direction == Direction::Inbound
            && convsms_sim::opt_out_keyword(&r.body) == Some(OptOutType::Stop)
    }) {
        let Some(reply) = at.get(&(&stop.interaction, stop.seq + 1)) else {
            continue;
        };
        if refused_keyword_reply(reply) && reply.created_at == stop.created_at {
            return broken(
                Invariant::OptOut,
                Some(&stop.interaction),
                format!(
                    "{} #{} answered the STOP of #{} with {:?}, which Twilio refused with 21610: \
                     Twilio handled that STOP, confirmed it itself and blocks the pair",
                    stop.interaction, reply.seq, stop.seq, reply.body
                ),
            );
        }
    }
    Ok(())
}

/// Whether `r` is one of the engine's replies to STOP ([`keywords::UNSUBSCRIBED`],
/// [`keywords::REGISTERED_ONLY`]) that Twilio refused with 21610: what
/// [`no_reply_to_a_handled_stop`] looks at (a reply refused after a retry changes in a later
/// check than its STOP, which the auditor then reads again).
///
/// [`keywords::UNSUBSCRIBED`]: convsms::domain::keywords::UNSUBSCRIBED
/// [`keywords::REGISTERED_ONLY`]: convsms::domain::keywords::REGISTERED_ONLY
pub fn refused_keyword_reply(r: &Row) -> bool {
    use convsms::domain::keywords::{REGISTERED_ONLY, UNSUBSCRIBED};
    r.direction == Direction::Outbound
        && r.author == AuthorKind::System
        && r.error_code == Some(21610)
        && [UNSUBSCRIBED, REGISTERED_ONLY].contains(&r.body.as_str())
}

/// Invariant 8, timers: a timer is due exactly its action's duration after it started (both as
/// the store recorded them at the start, migration 18); a fired timer fired at or after its due
/// time; no pending timer was due
/// before `last_tick` (the last time the engine ran what was due); and a settled timer never
/// changes again (remembered across checks: eight bytes per settled timer, plus the state and
/// settle time of those the last check saw).
#[derive(Debug, Default)]
pub struct TimerTracker {
    /// Every settled timer seen, by a hash of its sys_id.
    seen: std::collections::HashSet<u64>,
    /// The state and settle time of the settled timers the last check saw (a timer settled at
    /// the very time of a check shows in the next one too).
    window: HashMap<u64, (TimerState, Option<DateTime<Utc>>)>,
}

/// A timer's key in [`TimerTracker`]: FNV-1a of its sys_id (deterministic, 8 bytes).
fn timer_key(sys_id: &str) -> u64 {
    let mut digest = super::report::Fnv::default();
    digest.feed(sys_id.as_bytes());
    digest.value()
}

impl TimerTracker {
    /// Checks `timers` against the rules above, then remembers the settled ones.
    pub fn check(
        &mut self,
        timers: &[TimerAudit],
        last_tick: DateTime<Utc>,
    ) -> Result<(), Violation> {
        let mut window = HashMap::new();
        for t in timers {
            let what = format!("the {:?} timer {} of {}", t.action, t.sys_id, t.interaction);
            if let (Some(start), Some(secs)) = (t.started_at, t.duration_secs) {
                if Some(t.due_at - start) != TimeDelta::try_seconds(secs) {
                    return broken(
                        Invariant::Timers,
                        Some(&t.interaction),
                        format!(
                            "{what} is due {} seconds after it started at {} (due {}), but its action waits {secs} seconds",
                            (t.due_at - start).num_seconds(),
                            start.to_rfc3339(),
                            t.due_at.to_rfc3339()
                        ),
                    );
                }
            }
            if let Some(closed) = t.closed_at {
                // A close cancels the interaction's pending timers at once (`close_interaction`):
                // none outlives it, to fire or be cancelled later, nor starts after it.
                let late = match (t.state, t.settled_at) {
                    (TimerState::Pending, _) => Some("is still pending".to_owned()),
                    (state, Some(at)) if at > closed => Some(format!(
                        "settled as {} at {}",
                        state.as_str(),
                        at.to_rfc3339()
                    )),
                    _ => None,
                };
                if let Some(late) = late {
                    return broken(
                        Invariant::Timers,
                        Some(&t.interaction),
                        format!(
                            "{what} {late}, but its interaction closed at {}: a close settles \
                             its timers then",
                            closed.to_rfc3339()
                        ),
                    );
                }
            }
            if t.answered_when_cancelled == Some(false) && t.settled_at != t.closed_at {
                // ACTION-3: only the other side's message (or a close) ends a timer before its
                // time; one of its own side leaves it as it is (it keeps its due time).
                return broken(
                    Invariant::Timers,
                    Some(&t.interaction),
                    format!(
                        "{what} was cancelled at {}, before its due time {}, with neither an \
                         answer from the side it waits for nor a close at that instant",
                        t.settled_at
                            .map_or("an unknown time".into(), |a| a.to_rfc3339()),
                        t.due_at.to_rfc3339()
                    ),
                );
            }
            if t.state == TimerState::Fired && t.settled_at.is_none_or(|at| at < t.due_at) {
                return broken(
                    Invariant::Timers,
                    Some(&t.interaction),
                    format!(
                        "{what} fired early: due {}, fired {}",
                        t.due_at.to_rfc3339(),
                        t.settled_at
                            .map_or("at an unknown time".into(), |a| a.to_rfc3339())
                    ),
                );
            }
            if t.state == TimerState::Pending && t.due_at <= last_tick {
                return broken(
                    Invariant::Timers,
                    Some(&t.interaction),
                    format!(
                        "{what} is still pending: due {}, but the engine ran what was due at {}",
                        t.due_at.to_rfc3339(),
                        last_tick.to_rfc3339()
                    ),
                );
            }
            if t.state == TimerState::Pending {
                continue;
            }
            let key = timer_key(&t.sys_id);
            let now = (t.state, t.settled_at);
            let again = match self.window.get(&key) {
                Some(before) => (*before != now).then(|| before.0.as_str()),
                None => self.seen.contains(&key).then_some("settled"),
            };
            if let Some(before) = again {
                return broken(
                    Invariant::Timers,
                    Some(&t.interaction),
                    format!(
                        "{what} settled as {before} and then became {} (settled again)",
                        t.state.as_str()
                    ),
                );
            }
            self.seen.insert(key);
            window.insert(key, now);
        }
        self.window = window;
        Ok(())
    }
}

/// Invariant 8, the virtual agent's idle close: never early. Each close (`closes`: the internal
/// note of an idle close, with when the interaction's last message before it was written) came
/// at least `timeout_secs` (`com.glide.cs.conversation_idle_timeout`) after that message.
pub fn idle_closes_never_early(
    closes: &[(Row, Option<DateTime<Utc>>)],
    timeout_secs: i64,
) -> Result<(), Violation> {
    for (note, last) in closes {
        let Some(last) = last else { continue };
        let silent = (note.created_at - *last).num_seconds();
        if silent < timeout_secs {
            return broken(
                Invariant::Timers,
                Some(&note.interaction),
                format!(
                    "{} was closed for idleness at {} after {silent} s of silence (its last \
                     message at {}); the idle timeout is {timeout_secs} s",
                    note.interaction,
                    note.created_at.to_rfc3339(),
                    last.to_rfc3339()
                ),
            );
        }
    }
    Ok(())
}

/// Invariant 8, closed interactions: no agent or virtual-agent message was written after the
/// interaction closed (`closed`: number and `closed_at`), later in time or at the same instant
/// after the close (`closes`: the last transcript rowid before each close the audit's trigger
/// saw, by interaction).
pub fn closed_stay_quiet(
    rows: &[Row],
    closed: &[(InteractionNumber, DateTime<Utc>)],
    closes: &HashMap<InteractionNumber, (DateTime<Utc>, i64)>,
) -> Result<(), Violation> {
    let closed: HashMap<&InteractionNumber, DateTime<Utc>> =
        closed.iter().map(|(n, at)| (n, *at)).collect();
    for r in rows
        .iter()
        .filter(|r| matches!(r.author, AuthorKind::Agent | AuthorKind::VirtualAgent))
    {
        if let Some(&(at, last)) = closes.get(&r.interaction) {
            if r.created_at == at && r.rowid > last {
                return broken(
                    Invariant::Timers,
                    Some(&r.interaction),
                    format!(
                        "{} #{} ({:?}, {:?}) was written after the interaction closed at {}, at \
                         the same instant",
                        r.interaction,
                        r.seq,
                        r.author,
                        r.body,
                        at.to_rfc3339()
                    ),
                );
            }
        }
        if let Some(at) = closed.get(&r.interaction) {
            if r.created_at > *at {
                return broken(
                    Invariant::Timers,
                    Some(&r.interaction),
                    format!(
                        "{} #{} ({:?}, {:?}) was written at {}, after the interaction closed at {}",
                        r.interaction,
                        r.seq,
                        r.author,
                        r.body,
                        r.created_at.to_rfc3339(),
                        at.to_rfc3339()
                    ),
                );
            }
        }
    }
    Ok(())
}

/// Invariant 9: every message the engine sent is, at the simulator, the one its transcript row
/// holds: the same body, from the interaction's provider number to its requester (E.164), and,
/// for an SMS (no media), as many segments as the transcript counts ([`convsms::transcript::segments`]).
/// Both sides count segments with `twilio_wire::segments` (tested against the cases of Twilio's
/// own segment calculator there), so the count agrees whenever the bodies do: what this catches
/// is a body changed between the transcript and the wire (cut, re-encoded, another row's) and a
/// message sent to or from the wrong number.
pub fn segments(sim: &[SimRow], rows: &[Row]) -> Result<(), Violation> {
    let by_sid: HashMap<&MessageSid, &SimRow> = sim.iter().map(|m| (&m.sid, m)).collect();
    for r in rows.iter().filter(|r| r.direction == Direction::Outbound) {
        let Some(sid) = &r.sid else { continue };
        let Some(m) = by_sid.get(sid) else { continue };
        let at = || format!("{} #{} ({sid})", r.interaction, r.seq);
        if m.body != r.body {
            return broken(
                Invariant::Segments,
                Some(&r.interaction),
                format!(
                    "{} reads {:?} in the transcript but {:?} at the simulator",
                    at(),
                    short(&r.body),
                    short(&m.body)
                ),
            );
        }
        let (requester, provider) = (r.pair.0.as_deref(), r.pair.1.as_deref());
        if (Some(m.to.as_str()), Some(m.from.as_str())) != (requester, provider) {
            return broken(
                Invariant::Segments,
                Some(&r.interaction),
                format!(
                    "{} went from {} to {} at the simulator; its interaction is with {} on {}",
                    at(),
                    m.from,
                    m.to,
                    requester.unwrap_or("no number"),
                    provider.unwrap_or("no number")
                ),
            );
        }
        if r.media {
            continue;
        }
        let ours = convsms::transcript::segments(&r.body);
        if ours != m.segments {
            return broken(
                Invariant::Segments,
                Some(&r.interaction),
                format!(
                    "{} takes {ours} segments in the transcript, {} in the simulator",
                    at(),
                    m.segments
                ),
            );
        }
    }
    Ok(())
}

/// At most 60 characters of `body`, for a violation's detail.
fn short(body: &str) -> String {
    match body.char_indices().nth(60) {
        Some((at, _)) => format!("{}…", &body[..at]),
        None => body.to_owned(),
    }
}

/// Invariant 11 (PROFILE-1..4, AGENT-4): every SMS interaction, at the moment it is opened,
/// records its requester number's active messaging profile and is opened for whom that profile
/// links: the profile's user (PROFILE-1, 2, 4; AGENT-4's new profile), or the guest user when it
/// links nobody (PROFILE-3). Judged at the opening (the audit's trigger), as later changes to a
/// profile (an agent's Compose SMS linking a guest's profile to the person they write to) do
/// not re-open the interactions already under way.
pub fn opened_for_its_profile(opened: &[OpenedAudit]) -> Result<(), Violation> {
    for o in opened {
        let (table, sys_id) = (o.opened_for.0.as_str(), o.opened_for.1.as_str());
        let (linked_table, linked) = (o.profile_user.0.as_str(), o.profile_user.1.as_str());
        let why = if o.profile_phone.is_empty() {
            Some("records no messaging profile".to_owned())
        } else if !o.profile_active {
            Some(format!(
                "was opened through a messaging profile of {} that is not active",
                o.profile_phone
            ))
        } else if o.profile_phone != o.requester_phone {
            Some(format!(
                "is with {} but was opened through the messaging profile of {}",
                o.requester_phone, o.profile_phone
            ))
        } else if linked.is_empty() {
            ((table, sys_id) != ("sys_user", GUEST_SYS_ID)).then(|| {
                format!(
                    "was opened for {table} {sys_id}, but the messaging profile of {} links \
                     nobody (the guest user)",
                    o.profile_phone
                )
            })
        } else {
            ((table, sys_id) != (linked_table, linked)).then(|| {
                format!(
                    "was opened for {table} {sys_id}, but the messaging profile of {} links \
                     {linked_table} {linked}",
                    o.profile_phone
                )
            })
        };
        if let Some(why) = why {
            let number = InteractionNumber::parse(&o.interaction).ok();
            return broken(
                Invariant::OpenedForItsProfile,
                number.as_ref(),
                format!("{} {why}", o.interaction),
            );
        }
    }
    Ok(())
}

/// A case's owner as the store has it: the requester's table and sys_id, and whether the case
/// is open.
pub type CaseOwner = (PartyTable, String, bool);

/// Who a requester is: table, sys_id and name (the name for messages only).
pub type Requester = (PartyTable, String, String);

/// A case a message names: its number, whether it is a list's option (else a card's), and its
/// owner (`None`: no case has that number).
pub type NamedCase = (String, bool, Option<CaseOwner>);

/// A message of the virtual agent that names customer service cases, with what the store says
/// of each: the input of invariant 13.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CaseCitation {
    /// Its interaction.
    pub interaction: InteractionNumber,
    /// Its place in the transcript.
    pub seq: i64,
    /// The interaction's requester.
    pub requester: Requester,
    /// The names of the owners of the cases it names that are not the requester's, by sys_id
    /// (for the message).
    pub others: BTreeMap<String, String>,
    /// Each case it names ([`cases_named`]): its number, whether it is a list's option (else a
    /// card's), and its owner (table, sys_id) and whether it is open, `None` when no case has
    /// that number.
    pub cases: Vec<NamedCase>,
}

/// The cases a virtual-agent message names: the options of a list (`1. CS0000453 Password
/// reset`: number, true) and the `Case:` line of a card (`Case: CS0000453`: number, false).
/// Other mentions (a requester's words echoed back) are not read.
pub fn cases_named(body: &str) -> Vec<(String, bool)> {
    let case = |s: &str| -> Option<String> {
        let digits = s.strip_prefix("CS")?;
        let n = digits.bytes().take_while(u8::is_ascii_digit).count();
        (n > 0 && digits[n..].chars().next().is_none_or(char::is_whitespace))
            .then(|| format!("CS{}", &digits[..n]))
    };
    body.lines()
        .map(str::trim)
        .filter_map(|line| {
            if let Some(rest) = line.strip_prefix("Case: ") {
                return case(rest).map(|c| (c, false));
            }
            let n = line.bytes().take_while(u8::is_ascii_digit).count();
            let option = line[n..].strip_prefix(". ").filter(|_| n > 0)?;
            case(option).map(|c| (c, true))
        })
        .collect()
}

/// Invariant 13: the virtual agent shows a requester only their own cases (VA-3, VA-6): each
/// case a list offers is an open case of the interaction's requester, each case card one of
/// theirs. A list or card naming a case of somebody else, or none, breaks it.
pub fn own_cases_only(citations: &[CaseCitation]) -> Result<(), Violation> {
    for c in citations {
        for (number, option, found) in &c.cases {
            let what = if *option {
                "offers"
            } else {
                "shows the card of"
            };
            let problem = match found {
                None => "no such case".to_owned(),
                Some((table, owner, _)) if (table, owner) != (&c.requester.0, &c.requester.1) => {
                    let name = c.others.get(owner).map_or(owner.as_str(), String::as_str);
                    format!("a case of {} {name}", table.as_str())
                }
                Some((_, _, false)) if *option => "a resolved or closed case".to_owned(),
                Some(_) => continue,
            };
            return broken(
                Invariant::OwnCasesOnly,
                Some(&c.interaction),
                format!(
                    "the virtual agent {what} {number} in {} #{} ({problem}), to {} {}",
                    c.interaction,
                    c.seq,
                    c.requester.0.as_str(),
                    c.requester.2
                ),
            );
        }
    }
    Ok(())
}

/// Invariant 12 (AGENT-1..4, "the agent joins the live group profile"; accepting an offer joins
/// it too): an active SMS interaction assigned to a live agent (not the virtual agent, not
/// waiting) has that agent as a current member of its live group profile (joined, not left).
pub fn assignee_in_live_group(active: &[ActiveAudit]) -> Result<(), Violation> {
    for a in active {
        let Some(agent) = a.assigned_to.as_deref() else {
            continue;
        };
        if agent != VIRTUAL_AGENT_SYS_ID && !a.assignee_in_group {
            let name = a.assignee.as_deref().unwrap_or(agent);
            return broken(
                Invariant::AssigneeInLiveGroup,
                Some(&a.interaction),
                format!(
                    "{} is assigned to {name}, who is not in its live group profile",
                    a.interaction
                ),
            );
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const SHOP: &str = "+14155550100";
    const HANDSET: &str = "+447400123456";

    fn ims(n: u32) -> InteractionNumber {
        format!("IMS{n:07}").parse().unwrap()
    }

    fn row(i: u32, seq: i64, direction: Direction, sid: Option<u64>) -> Row {
        Row {
            rowid: i64::from(i) * 1000 + seq,
            interaction: ims(i),
            pair: (Some(HANDSET.to_owned()), Some(SHOP.to_owned())),
            seq,
            direction,
            body: "Hello".to_owned(),
            media: false,
            sid: sid.map(MessageSid::sms),
            status: if direction == Direction::Inbound {
                DeliveryStatus::Received
            } else {
                DeliveryStatus::Queued
            },
            attempts: i64::from(direction == Direction::Outbound),
            error_code: None,
            author: if direction == Direction::Inbound {
                AuthorKind::Requester
            } else {
                AuthorKind::Agent
            },
            created_at: t(0),
            updated_at: t(0),
            next_attempt_at: None,
            unconfirmed_since: None,
        }
    }

    fn t(seconds: i64) -> DateTime<Utc> {
        crate::check::world::epoch() + chrono::TimeDelta::seconds(seconds)
    }

    fn sim(sid: u64, direction: SimDirection, segments: usize) -> SimRow {
        SimRow {
            sid: MessageSid::sms(sid),
            direction,
            segments,
            from: SHOP.to_owned(),
            to: HANDSET.to_owned(),
            body: "Hello".to_owned(),
            error_code: None,
        }
    }

    #[test]
    fn an_inbound_in_no_transcript_or_in_two_is_caught() {
        let acked = [MessageSid::sms(1), MessageSid::sms(2)];
        let good = [
            row(1, 1, Direction::Inbound, Some(1)),
            row(1, 2, Direction::Outbound, Some(3)),
            row(2, 1, Direction::Inbound, Some(2)),
        ];
        assert_eq!(inbound_once(&acked, &good), Ok(()));
        let lost = inbound_once(&acked, &good[..2]).unwrap_err();
        assert_eq!(lost.invariant, Invariant::InboundOnce);
        assert!(lost.detail.contains("in no transcript"), "{lost}");
        let mut twice = good.to_vec();
        twice.push(row(3, 1, Direction::Inbound, Some(2)));
        let v = inbound_once(&acked, &twice).unwrap_err();
        assert_eq!(v.interaction, Some(ims(2)));
        assert!(v.detail.contains("2 times"), "{v}");
    }

    #[test]
    fn a_final_status_twilio_does_not_have_is_caught() {
        let mut r = row(1, 2, Direction::Outbound, Some(2));
        r.status = DeliveryStatus::Delivered;
        let twilio = |status, code| move |_: &MessageSid| Some((status, code));
        assert_eq!(
            status_is_twilios(
                std::slice::from_ref(&r),
                twilio(DeliveryStatus::Delivered, None)
            ),
            Ok(())
        );
        // A callback applied to the wrong row: Twilio says undelivered.
        let v = status_is_twilios(
            std::slice::from_ref(&r),
            twilio(DeliveryStatus::Undelivered, Some(30003)),
        )
        .unwrap_err();
        assert_eq!(v.invariant, Invariant::StatusForward);
        assert_eq!(
            v.detail,
            "IMS0000001 #2 (SM00000000000000000000000000000002) is delivered in the transcript but \
             undelivered (30003) at Twilio"
        );
        // The same status with another error code.
        r.status = DeliveryStatus::Undelivered;
        r.error_code = Some(30005);
        assert!(status_is_twilios(
            std::slice::from_ref(&r),
            twilio(DeliveryStatus::Undelivered, Some(30003))
        )
        .is_err());
        // A status still in flight is not compared (its callback may be on its way), nor a SID
        // Twilio no longer holds.
        r.status = DeliveryStatus::Sent;
        assert_eq!(
            status_is_twilios(
                std::slice::from_ref(&r),
                twilio(DeliveryStatus::Delivered, None)
            ),
            Ok(())
        );
        r.status = DeliveryStatus::Delivered;
        r.error_code = None;
        assert_eq!(
            status_is_twilios(std::slice::from_ref(&r), |_| None),
            Ok(())
        );
        // Delivered without ever reaching Twilio; pending, retrying and refused rows have no SID.
        r.sid = None;
        let v = status_is_twilios(std::slice::from_ref(&r), |_| None).unwrap_err();
        assert!(v.detail.contains("has no MessageSid"), "{v}");
        for status in [
            DeliveryStatus::Pending,
            DeliveryStatus::Retrying,
            DeliveryStatus::Failed,
        ] {
            r.status = status;
            assert_eq!(
                status_is_twilios(std::slice::from_ref(&r), |_| None),
                Ok(())
            );
        }
    }

    #[test]
    fn a_status_callback_the_engine_refused_is_caught() {
        let none = convsms_sim::RefusedCallbacks::default();
        assert_eq!(callbacks_taken(&none), None);
        let refused = convsms_sim::RefusedCallbacks {
            count: 2,
            last: Some((
                MessageSid::sms(9),
                "the app answered HTTP 403: \"\"".to_owned(),
            )),
        };
        let v = callbacks_taken(&refused).unwrap();
        assert_eq!(v.invariant, Invariant::EngineAnswers);
        assert_eq!(
            v.detail,
            "the engine did not take 2 status callback(s) of the simulated Twilio; the last, for \
             SM00000000000000000000000000000009: the app answered HTTP 403: \"\""
        );
    }

    #[test]
    fn an_idle_close_before_the_timeout_is_caught() {
        let note = Row {
            created_at: t(7200),
            ..row(1, 5, Direction::Internal, None)
        };
        assert_eq!(
            idle_closes_never_early(&[(note.clone(), Some(t(0)))], 7200),
            Ok(())
        );
        assert_eq!(
            idle_closes_never_early(&[(note.clone(), None)], 7200),
            Ok(())
        );
        let v = idle_closes_never_early(&[(note, Some(t(1)))], 7200).unwrap_err();
        assert_eq!(v.invariant, Invariant::Timers);
        assert!(v.detail.contains("after 7199 s of silence"), "{v}");
    }

    #[test]
    fn a_redelivery_that_writes_or_sends_is_caught() {
        let sid = MessageSid::sms(7);
        assert_eq!(redelivery_changed_nothing(&sid, (40, 12), (40, 12)), Ok(()));
        let v = redelivery_changed_nothing(&sid, (40, 12), (41, 13)).unwrap_err();
        assert_eq!(v.invariant, Invariant::OutboundAtMostOnce);
        assert!(
            v.detail
                .contains("write 1 transcript row(s) and send 1 message(s)"),
            "{v}"
        );
        // A row without a send (a reply that failed before reaching Twilio) is caught too.
        assert!(redelivery_changed_nothing(&sid, (40, 12), (41, 12)).is_err());
    }

    #[test]
    fn a_second_send_of_one_row_is_caught() {
        let rows = [
            row(1, 1, Direction::Inbound, Some(1)),
            row(1, 2, Direction::Outbound, Some(2)),
        ];
        let sims = [
            sim(1, SimDirection::Inbound, 1),
            sim(2, SimDirection::OutboundApi, 1),
            sim(4, SimDirection::OutboundReply, 1),
        ];
        assert_eq!(outbound_at_most_once(&sims, &rows, &[]), Ok(vec![]));
        // The engine sent row #2 again: the simulator holds SM…3 that no row owns.
        let mut again = sims.to_vec();
        again.push(sim(3, SimDirection::OutboundApi, 1));
        let v = outbound_at_most_once(&again, &rows, &[]).unwrap_err();
        assert_eq!(v.invariant, Invariant::OutboundAtMostOnce);
        // Its twin (same text, same numbers) is row #2's send: the violation names its
        // interaction, so that its transcript is printed.
        assert_eq!(v.interaction, Some(ims(1)), "{v}");
        assert!(
            v.detail
                .contains("probably a duplicate send of IMS0000001 #2"),
            "{v}"
        );
        // The same text went to that handset in an earlier interaction too: the nearest twin
        // (the send right after the stray one, as the engine keeps the second SID) is named.
        let mut earlier = rows.to_vec();
        earlier.push(row(2, 1, Direction::Outbound, Some(5)));
        let mut window = vec![sim(5, SimDirection::OutboundApi, 1)];
        window.extend(sims.iter().filter(|m| m.sid != MessageSid::sms(2)).cloned());
        window.push(sim(3, SimDirection::OutboundApi, 1));
        window.push(sim(2, SimDirection::OutboundApi, 1));
        let v = outbound_at_most_once(&window, &earlier, &[]).unwrap_err();
        assert_eq!(v.interaction, Some(ims(1)), "{v}");
        // Another handset's message with the same text is no twin.
        let mut elsewhere = sims.to_vec();
        let mut stray = sim(3, SimDirection::OutboundApi, 1);
        stray.to = "+447700900123".into();
        elsewhere.push(stray);
        let v = outbound_at_most_once(&elsewhere, &rows, &[]).unwrap_err();
        assert_eq!(v.interaction, None, "{v}");
        // Without a twin, no interaction is guessed.
        let mut stray = sims.to_vec();
        let mut other = sim(3, SimDirection::OutboundApi, 1);
        other.body = "not sent by anyone".into();
        stray.push(other);
        let v = outbound_at_most_once(&stray, &rows, &[]).unwrap_err();
        assert_eq!(v.interaction, None, "{v}");
        assert!(v.detail.contains("(a duplicate send?)"), "{v}");
        // Two rows claiming one send.
        let mut shared = rows.to_vec();
        shared.push(row(2, 1, Direction::Outbound, Some(2)));
        let v = outbound_at_most_once(&sims, &shared, &[]).unwrap_err();
        assert_eq!(v.interaction, Some(ims(2)));
        // More attempts than the retry policy allows.
        let mut tried = rows.to_vec();
        tried[1].attempts = RETRY_POLICY_ATTEMPTS + 1;
        let v = outbound_at_most_once(&sims, &tried, &[]).unwrap_err();
        assert!(v.detail.contains("retry policy"), "{v}");
        // Given up on a 429 before the policy's last attempt; a 21610 is not retried.
        let mut early = rows.to_vec();
        early.push(Row {
            sid: None,
            status: DeliveryStatus::Failed,
            error_code: Some(20429),
            attempts: RETRY_POLICY_ATTEMPTS - 1,
            ..row(3, 1, Direction::Outbound, None)
        });
        let v = outbound_at_most_once(&sims, &early, &[]).unwrap_err();
        assert_eq!(
            v.detail,
            "IMS0000003 #1 failed with error 20429 after 4 attempts; the retry policy makes 5"
        );
        early.last_mut().unwrap().attempts = RETRY_POLICY_ATTEMPTS;
        assert_eq!(outbound_at_most_once(&sims, &early, &[]), Ok(vec![]));
        early.last_mut().unwrap().error_code = Some(21610);
        early.last_mut().unwrap().attempts = 1;
        assert_eq!(outbound_at_most_once(&sims, &early, &[]), Ok(vec![]));
    }

    #[test]
    fn a_lost_answer_awaiting_its_look_excuses_one_message_and_no_more() {
        let rows = [
            row(1, 1, Direction::Inbound, Some(1)),
            row(1, 2, Direction::Outbound, Some(2)),
        ];
        let mut sims = vec![
            sim(1, SimDirection::Inbound, 1),
            sim(2, SimDirection::OutboundApi, 1),
            // Created by #3's attempt, whose answer was lost.
            sim(3, SimDirection::OutboundApi, 1),
        ];
        let awaiting = Row {
            sid: None,
            status: DeliveryStatus::Retrying,
            unconfirmed_since: Some(t(0)),
            ..row(1, 3, Direction::Outbound, None)
        };
        let excused = outbound_at_most_once(&sims, &rows, std::slice::from_ref(&awaiting));
        assert_eq!(excused, Ok(vec![sims[2].clone()]), "handed back");
        // The same row retrying without a look pending excuses nothing.
        let plain = Row {
            unconfirmed_since: None,
            ..awaiting.clone()
        };
        assert!(outbound_at_most_once(&sims, &rows, &[plain]).is_err());
        // One look pending excuses one message: a second with its text is a duplicate.
        sims.push(sim(4, SimDirection::OutboundApi, 1));
        let v = outbound_at_most_once(&sims, &rows, std::slice::from_ref(&awaiting)).unwrap_err();
        assert!(
            v.detail.contains("SM00000000000000000000000000000004"),
            "{v}"
        );
        // Nor another text, or another handset's message.
        let mut other = sims[..3].to_vec();
        other[2].body = "Bye".into();
        assert!(outbound_at_most_once(&other, &rows, std::slice::from_ref(&awaiting)).is_err());

        // Given up after a day, its fate unknown: it still excuses its message.
        let unknown = Row {
            status: DeliveryStatus::Failed,
            ..awaiting.clone()
        };
        assert_eq!(
            outbound_at_most_once(&sims[..3], &rows, &[unknown]),
            Ok(vec![sims[2].clone()])
        );
        // A later check, the excused message handed in again: adopted by its row, it passes;
        // the row sent again blind (owning another message) leaves it behind, and it is caught.
        let carried = vec![sim(3, SimDirection::OutboundApi, 1)];
        let adopted = Row {
            sid: Some(MessageSid::sms(3)),
            status: DeliveryStatus::Delivered,
            unconfirmed_since: None,
            ..awaiting.clone()
        };
        assert_eq!(outbound_at_most_once(&carried, &[adopted], &[]), Ok(vec![]));
        let mut later = carried.clone();
        later.push(sim(5, SimDirection::OutboundApi, 1));
        let resent = Row {
            sid: Some(MessageSid::sms(5)),
            status: DeliveryStatus::Queued,
            unconfirmed_since: None,
            ..awaiting
        };
        let v = outbound_at_most_once(&later, &[resent], &[]).unwrap_err();
        assert!(
            v.detail.contains("SM00000000000000000000000000000003"),
            "{v}"
        );
        assert!(
            v.detail
                .contains("probably a duplicate send of IMS0000001 #3"),
            "{v}"
        );
    }

    /// The soak holds the engine to its own figure of the retry policy: a change of policy is
    /// made in both places, on purpose.
    #[test]
    fn the_retry_policy_is_the_engines() {
        assert_eq!(
            RETRY_POLICY_ATTEMPTS,
            convsms::engine::delivery::MAX_SEND_ATTEMPTS
        );
        assert_eq!(
            RETRY_POLICY_BACKOFF_SECS,
            convsms::engine::delivery::RETRY_BACKOFF_SECS
        );
        assert_eq!(
            RETRY_POLICY_LOOK_WAIT_AT_MOST_SECS,
            convsms::engine::delivery::LOOK_WAIT_AT_MOST_SECS
        );
    }

    #[test]
    fn a_retry_off_the_policy_or_early_is_caught() {
        let retrying = |attempts, at: i64, next: i64| Row {
            status: DeliveryStatus::Retrying,
            sid: None,
            attempts,
            updated_at: t(at),
            next_attempt_at: Some(t(next)),
            ..row(1, 2, Direction::Outbound, None)
        };
        let mut tracker = RetryTracker::default();
        // 30 s after the first attempt, 60 s after the second.
        assert_eq!(tracker.check(&[retrying(1, 0, 30)]), Ok(()));
        assert_eq!(tracker.check(&[retrying(2, 30, 90)]), Ok(()));
        // A wait off the policy.
        let v = RetryTracker::default()
            .check(&[retrying(2, 30, 60)])
            .unwrap_err();
        assert_eq!(v.invariant, Invariant::OutboundAtMostOnce);
        assert!(v.detail.contains("waits 60 s"), "{v}");
        // The third attempt made before its time (due at 90).
        let v = tracker.check(&[retrying(3, 89, 209)]).unwrap_err();
        assert!(v.detail.contains("before its retry was due"), "{v}");
        // Delivered at last: forgotten.
        let mut tracker = RetryTracker::default();
        tracker.check(&[retrying(1, 0, 30)]).unwrap();
        let done = Row {
            status: DeliveryStatus::Queued,
            attempts: 2,
            updated_at: t(30),
            ..row(1, 2, Direction::Outbound, Some(9))
        };
        assert_eq!(tracker.check(&[done]), Ok(()));
        assert!(tracker.due.is_empty());

        // A lost answer awaiting its look: the wait grows with the time it has been
        // unconfirmed (lost at 0, looks failed at 30 and 60), up to an hour.
        let looking = |at: i64, next: i64| Row {
            unconfirmed_since: Some(t(0)),
            ..retrying(1, at, next)
        };
        let mut tracker = RetryTracker::default();
        assert_eq!(tracker.check(&[looking(0, 30)]), Ok(()));
        assert_eq!(tracker.check(&[looking(30, 60)]), Ok(()));
        assert_eq!(tracker.check(&[looking(60, 120)]), Ok(()));
        assert_eq!(tracker.check(&[looking(7_200, 10_800)]), Ok(()));
        let v = RetryTracker::default()
            .check(&[looking(60, 90)])
            .unwrap_err();
        assert!(v.detail.contains("waits 60 s"), "{v}");
    }

    #[test]
    fn a_send_not_final_at_the_end_is_caught() {
        let mut r = row(1, 2, Direction::Outbound, Some(2));
        for (status, ok) in [
            (DeliveryStatus::Delivered, true),
            (DeliveryStatus::Failed, true),
            (DeliveryStatus::Sent, false),
            (DeliveryStatus::Retrying, false),
        ] {
            r.status = status;
            assert_eq!(settled(std::slice::from_ref(&r)).is_ok(), ok, "{status:?}");
        }
        // Inbound rows are not sends.
        assert_eq!(settled(&[row(1, 1, Direction::Inbound, Some(1))]), Ok(()));
    }

    #[test]
    fn a_status_moving_back_is_caught_across_checks() {
        let mut t = StatusTracker::default();
        let mut r = row(1, 2, Direction::Outbound, Some(2));
        r.status = DeliveryStatus::Sent;
        assert_eq!(t.check(std::slice::from_ref(&r)), Ok(()));
        r.status = DeliveryStatus::Delivered;
        assert_eq!(t.check(std::slice::from_ref(&r)), Ok(()));
        r.status = DeliveryStatus::Sending;
        let v = t.check(std::slice::from_ref(&r)).unwrap_err();
        assert_eq!(v.invariant, Invariant::StatusForward);
        assert!(v.detail.contains("delivered back to sending"), "{v}");
        // One final status to another is a move back too.
        let mut t = StatusTracker::default();
        r.status = DeliveryStatus::Delivered;
        t.check(std::slice::from_ref(&r)).unwrap();
        r.status = DeliveryStatus::Undelivered;
        assert!(t.check(std::slice::from_ref(&r)).is_err());
    }

    /// A status that went forward and back between two checks ends forward of where the last
    /// check saw it: only the store's reported moves show the step back.
    #[test]
    fn a_status_moving_back_between_checks_is_caught_by_its_moves() {
        let mut r = row(7, 2, Direction::Outbound, Some(2));
        r.status = DeliveryStatus::Sent;
        let rows = [r];
        let id = rows[0].rowid;
        let m = |from: &str, to: &str| (id, from.to_owned(), to.to_owned());
        let forward = [m("queued", "sent"), m("sent", "delivered")];
        assert_eq!(status_moves(&forward, &rows), Ok(()));
        // queued → delivered → sent: the check sees only `sent`, after `queued`, and passes.
        let mut t = StatusTracker::default();
        let mut seen = rows[0].clone();
        seen.status = DeliveryStatus::Queued;
        t.check(std::slice::from_ref(&seen)).unwrap();
        assert_eq!(t.check(&rows), Ok(()));
        let v =
            status_moves(&[m("queued", "delivered"), m("delivered", "sent")], &rows).unwrap_err();
        assert_eq!(v.invariant, Invariant::StatusForward);
        assert!(v.detail.contains("delivered back to sent"), "{v}");
        // One final status to another, and a status no one knows.
        assert!(status_moves(&[m("delivered", "undelivered")], &rows).is_err());
        assert!(status_moves(&[m("sent", "lost")], &rows).is_err());
        // A row that is not outbound, or not among the rows read, is not judged.
        assert_eq!(
            status_moves(&[(id + 1, "delivered".into(), "sent".into())], &rows),
            Ok(())
        );
    }

    /// A text to the second provider number that joined the conversation on the first is caught.
    #[test]
    fn an_inbound_message_in_another_conversation_is_caught() {
        let mut inbound = row(1, 1, Direction::Inbound, Some(9));
        let sim = |to: &str| SimRow {
            sid: MessageSid::sms(9),
            direction: SimDirection::Inbound,
            segments: 1,
            from: HANDSET.to_owned(),
            to: to.to_owned(),
            body: "Hello".to_owned(),
            error_code: None,
        };
        assert_eq!(
            inbound_in_its_conversation(&[sim(SHOP)], std::slice::from_ref(&inbound)),
            Ok(())
        );
        let v = inbound_in_its_conversation(&[sim("+14155550101")], std::slice::from_ref(&inbound))
            .unwrap_err();
        assert_eq!(v.invariant, Invariant::InboundOnce);
        assert!(
            v.detail.contains("to +14155550101 is in IMS0000001 #1"),
            "{v}"
        );
        inbound.pair.0 = None;
        assert!(inbound_in_its_conversation(&[sim(SHOP)], &[inbound]).is_err());
    }

    #[test]
    fn two_active_interactions_for_one_pair_are_caught() {
        let a = |i, req: &str, prov: &str| ActiveSms {
            interaction: ims(i),
            requester: req.to_owned(),
            provider: prov.to_owned(),
        };
        let ok = [
            a(1, "+447400123456", "+14155550100"),
            a(2, "+447400123456", "+14155550101"),
            a(3, "+33612345678", "+14155550100"),
        ];
        assert_eq!(one_active_per_pair(&ok), Ok(()));
        let mut bad = ok.to_vec();
        bad.push(a(4, "+33612345678", "+14155550100"));
        let v = one_active_per_pair(&bad).unwrap_err();
        assert_eq!(
            (v.invariant, v.interaction.clone()),
            (Invariant::OneActivePerPair, Some(ims(4)))
        );
    }

    fn opened(i: u32, opened_for: (&str, &str), linked: (&str, &str)) -> OpenedAudit {
        OpenedAudit {
            interaction: ims(i).to_string(),
            requester_phone: "+447400123456".to_owned(),
            opened_for: (opened_for.0.to_owned(), opened_for.1.to_owned()),
            profile_phone: "+447400123456".to_owned(),
            profile_active: true,
            profile_user: (linked.0.to_owned(), linked.1.to_owned()),
        }
    }

    #[test]
    fn an_interaction_opened_for_someone_its_profile_does_not_link_is_caught() {
        let bea = ("csm_consumer", "00000000000000000000000000000abc");
        let guest = ("sys_user", GUEST_SYS_ID);
        let nobody = ("", "");
        let ok = [opened(1, bea, bea), opened(2, guest, nobody)];
        assert_eq!(opened_for_its_profile(&ok), Ok(()));
        let caught = |bad: OpenedAudit| {
            let v = opened_for_its_profile(&[ok[0].clone(), bad]).unwrap_err();
            assert_eq!(
                (v.invariant, v.interaction.clone()),
                (Invariant::OpenedForItsProfile, Some(ims(3)))
            );
            v.detail
        };
        // The profile links Bea, the interaction went to the guest (or the other way round).
        let d = caught(opened(3, guest, bea));
        assert!(d.contains("links csm_consumer"), "{d}");
        let d = caught(opened(3, bea, nobody));
        assert!(d.contains("links nobody"), "{d}");
        // Through a deactivated profile, another number's, or none.
        let d = caught(OpenedAudit {
            profile_active: false,
            ..opened(3, bea, bea)
        });
        assert!(d.contains("not active"), "{d}");
        let d = caught(OpenedAudit {
            profile_phone: "+33612345678".to_owned(),
            ..opened(3, bea, bea)
        });
        assert!(d.contains("+33612345678"), "{d}");
        let d = caught(OpenedAudit {
            profile_phone: String::new(),
            ..opened(3, bea, bea)
        });
        assert!(d.contains("no messaging profile"), "{d}");
    }

    #[test]
    fn the_virtual_agent_showing_someone_else_s_case_or_a_closed_one_in_a_list_is_caught() {
        assert_eq!(
            cases_named("Which of your open cases?\n1. CS0000453 Password reset\n2. CS12 Refund\nReply with a number or the option's name."),
            [("CS0000453".to_owned(), true), ("CS12".to_owned(), true)]
        );
        assert_eq!(
            cases_named("Case: CS0000278\nSubject: Damaged lamp"),
            [("CS0000278".to_owned(), false)]
        );
        // A requester's words echoed back, or a case number inside other words, are not read.
        assert!(cases_named("I have added: 'CS0000453'. 1. CSx\nCase: CS9a").is_empty());
        let bea = (
            PartyTable::CsmConsumer,
            "bea".to_owned(),
            "Bea Brown".to_owned(),
        );
        let cite = |cases: Vec<NamedCase>| CaseCitation {
            interaction: ims(5),
            seq: 3,
            requester: bea.clone(),
            others: [("ann".to_owned(), "Ann Archer".to_owned())].into(),
            cases,
        };
        let hers = |open: bool| Some((bea.0, bea.1.clone(), open));
        let ok = [
            cite(vec![("CS1".into(), true, hers(true))]),
            cite(vec![("CS2".into(), false, hers(false))]),
        ];
        assert_eq!(own_cases_only(&ok), Ok(()));
        for (bad, why) in [
            (
                cite(vec![(
                    "CS3".into(),
                    true,
                    Some((PartyTable::SysUser, "ann".into(), true)),
                )]),
                "a case of sys_user Ann Archer), to csm_consumer Bea Brown",
            ),
            (
                cite(vec![("CS4".into(), true, hers(false))]),
                "a resolved or closed case",
            ),
            (cite(vec![("CS5".into(), false, None)]), "no such case"),
        ] {
            let v = own_cases_only(&[ok[0].clone(), bad]).unwrap_err();
            assert_eq!(
                (v.invariant, v.interaction.clone()),
                (Invariant::OwnCasesOnly, Some(ims(5)))
            );
            assert!(v.detail.contains(why), "{v}");
        }
    }

    #[test]
    fn an_assignee_outside_the_live_group_is_caught() {
        let assigned = |i, to: Option<&str>, in_group| ActiveAudit {
            interaction: ims(i),
            assigned_to: to.map(str::to_owned),
            assignee: to.map(|_| "alice".to_owned()),
            assignee_in_group: in_group,
            has_work_item: to.is_none(),
            has_pair: true,
        };
        let ok = [
            assigned(1, Some("00000000000000000000000000000a11"), true),
            assigned(2, None, false),
            assigned(3, Some(VIRTUAL_AGENT_SYS_ID), false),
        ];
        assert_eq!(assignee_in_live_group(&ok), Ok(()));
        let mut bad = ok.to_vec();
        bad.push(assigned(4, Some("00000000000000000000000000000a11"), false));
        let v = assignee_in_live_group(&bad).unwrap_err();
        assert_eq!(
            (v.invariant, v.interaction.clone()),
            (Invariant::AssigneeInLiveGroup, Some(ims(4)))
        );
        assert!(v.detail.contains("assigned to alice"), "{}", v.detail);
    }

    #[test]
    fn a_conversation_nobody_has_is_caught() {
        let active = |i, to: Option<&str>, has_work_item| ActiveAudit {
            interaction: ims(i),
            assigned_to: to.map(str::to_owned),
            assignee: None,
            assignee_in_group: true,
            has_work_item,
            has_pair: i != 5,
        };
        let ok = [
            active(1, Some(VIRTUAL_AGENT_SYS_ID), false),
            active(2, Some("00000000000000000000000000000a11"), true),
            active(3, None, true),
        ];
        assert_eq!(nothing_stranded(&ok), Ok(()));
        let mut bad = ok.to_vec();
        bad.push(active(4, None, false));
        let v = nothing_stranded(&bad).unwrap_err();
        assert_eq!(
            (v.invariant, v.interaction.clone()),
            (Invariant::Liveness, Some(ims(4)))
        );
        // Invariant 4: an active SMS interaction without its pair of numbers.
        assert_eq!(every_active_sms_has_its_pair(&ok), Ok(()));
        let v = every_active_sms_has_its_pair(&[active(5, None, true)]).unwrap_err();
        assert_eq!(
            (v.invariant, v.interaction.clone()),
            (Invariant::OneActivePerPair, Some(ims(5)))
        );
    }

    #[test]
    fn an_agent_over_capacity_is_caught() {
        let mut l = AgentLoad {
            agent: "alice".to_owned(),
            capacity: 2,
            held: vec![ims(1), ims(2)],
            kept: vec![],
        };
        assert_eq!(capacity(std::slice::from_ref(&l)), Ok(()));
        l.held.push(ims(3));
        let v = capacity(std::slice::from_ref(&l)).unwrap_err();
        assert_eq!(
            (v.invariant, v.interaction.clone()),
            (Invariant::Capacity, Some(ims(3)))
        );
        assert!(v.detail.contains("holds 3"), "{v}");
        // Capacity lowered from 3 to 2 while holding all three: nothing is revoked.
        l.kept = l.held.clone();
        assert_eq!(capacity(std::slice::from_ref(&l)), Ok(()));
        // But no new work while over it.
        l.held = vec![ims(1), ims(2), ims(4)];
        assert!(capacity(&[l]).is_err());
    }

    #[test]
    fn a_segment_count_the_simulator_disagrees_with_is_caught() {
        let mut r = row(1, 2, Direction::Outbound, Some(2));
        r.body = "é😀".repeat(40); // UCS-2: 120 code units, 2 segments of 67
        let sent = |segments| SimRow {
            body: r.body.clone(),
            ..sim(2, SimDirection::OutboundApi, segments)
        };
        let two = [sent(2)];
        assert_eq!(segments(&two, std::slice::from_ref(&r)), Ok(()));
        let one = [sent(1)];
        let v = segments(&one, std::slice::from_ref(&r)).unwrap_err();
        assert_eq!(v.invariant, Invariant::Segments);
        // MMS rows are not counted in segments.
        r.media = true;
        assert_eq!(segments(&one, std::slice::from_ref(&r)), Ok(()));
        r.media = false;
        // The body the simulator got is not the transcript's.
        let mut cut = two.clone();
        cut[0].body = "é😀".repeat(39);
        let v = segments(&cut, std::slice::from_ref(&r)).unwrap_err();
        assert_eq!(v.invariant, Invariant::Segments);
        assert!(v.detail.contains("at the simulator"), "{v}");
        // Sent to another handset, or from another number.
        let mut elsewhere = two.clone();
        elsewhere[0].to = "+447700900123".into();
        let v = segments(&elsewhere, std::slice::from_ref(&r)).unwrap_err();
        assert!(
            v.detail
                .contains("its interaction is with +447400123456 on +14155550100"),
            "{v}"
        );
        let mut other_number = two.clone();
        other_number[0].from = "+14155550199".into();
        assert!(segments(&other_number, std::slice::from_ref(&r)).is_err());
        // An MMS is checked for its caption and numbers too.
        r.media = true;
        assert!(segments(&cut, std::slice::from_ref(&r)).is_err());
    }

    fn routing(items: Vec<WorkItem>, free_slots: u32) -> Routing {
        let held = items.iter().filter(|i| i.holds_slot_of("alice")).count() as u32;
        let alice = Agent {
            sys_id: "alice".into(),
            presence: Presence::Available,
            sms_capacity: free_slots + held,
        };
        let queue = Queue {
            sys_id: "q".into(),
            name: "Soak".to_owned(),
            order: 100,
            condition: None,
            agents: vec!["alice".into()],
        };
        Routing {
            now: t(60),
            agents: vec![alice],
            queues: vec![queue],
            numbers: items
                .iter()
                .enumerate()
                .map(|(n, i)| (i.interaction.to_string(), ims(n as u32 + 1)))
                .collect(),
            items,
            closed_with_items: vec![],
        }
    }

    fn offered(item: &mut WorkItem, agent: &str, at: DateTime<Utc>) {
        item.state = WorkItemState::Offered;
        item.agent = Some(agent.into());
        item.offered_at = Some(at);
    }

    #[test]
    fn a_younger_offer_past_an_older_waiting_item_is_caught() {
        let old = WorkItem::new("w1", "i1", "q", t(0));
        let mut young = WorkItem::new("w2", "i2", "q", t(10));
        offered(&mut young, "alice", t(60));
        let r = routing(vec![old.clone(), young.clone()], 0);
        let v = oldest_first(&r).unwrap_err();
        assert_eq!(
            (v.invariant, v.interaction.clone()),
            (Invariant::OldestFirst, Some(ims(1)))
        );
        assert!(v.detail.contains("younger IMS0000002"), "{v}");
        // Alice declined the older one: passing it over is right.
        let mut declined = old.clone();
        declined.declined_by.push("alice".into());
        assert_eq!(
            oldest_first(&routing(vec![declined, young.clone()], 0)),
            Ok(())
        );
        // A transfer by name to an agent outside the queue is not the line's choice either.
        let mut transferred = young.clone();
        offered(&mut transferred, "bob", t(60));
        assert_eq!(
            oldest_first(&routing(vec![old.clone(), transferred], 0)),
            Ok(())
        );
        // An offer made before this pass is not this pass's choice.
        offered(&mut young, "alice", t(30));
        assert_eq!(oldest_first(&routing(vec![old, young], 0)), Ok(()));
    }

    #[test]
    fn an_item_waiting_while_a_member_is_free_is_caught() {
        let waiting = WorkItem::new("w1", "i1", "q", t(0));
        let v = liveness(&routing(vec![waiting.clone()], 1)).unwrap_err();
        assert_eq!(
            (v.invariant, v.interaction.clone()),
            (Invariant::Liveness, Some(ims(1)))
        );
        assert!(
            v.detail.contains("alice is available with 1 free slots"),
            "{v}"
        );
        assert_eq!(liveness(&routing(vec![waiting.clone()], 0)), Ok(()));
        let mut away = routing(vec![waiting.clone()], 1);
        away.agents[0].presence = Presence::Away;
        assert_eq!(liveness(&away), Ok(()));
        let mut declined = waiting;
        declined.declined_by.push("alice".into());
        assert_eq!(liveness(&routing(vec![declined], 1)), Ok(()));
    }

    #[test]
    fn a_closed_conversation_s_item_still_holding_a_slot_is_caught() {
        // Alice holds i1's item, accepted, and has no free slot; i2 waits. Were i1 closed and
        // its item not caught up, the slot count alone would say Alice is busy.
        let mut held = WorkItem::new("w1", "i1", "q", t(0));
        held.state = WorkItemState::Accepted;
        held.agent = Some("alice".into());
        let waiting = WorkItem::new("w2", "i2", "q", t(10));
        let in_step = routing(vec![held, waiting], 0);
        assert_eq!(liveness(&in_step), Ok(()));
        let stale = Routing {
            closed_with_items: vec![ims(1)],
            ..in_step
        };
        let v = liveness(&stale).unwrap_err();
        assert_eq!(
            (v.invariant, v.interaction.clone()),
            (Invariant::Liveness, Some(ims(1)))
        );
        assert!(
            v.detail
                .ends_with("is closed but its work item is still active, holding its agent's slot or waiting: no routing pass caught it up with the close"),
            "{v}"
        );
    }

    #[test]
    fn a_send_after_stop_is_caught_and_start_lifts_it() {
        let inbound = |sid, body: &str| SimRow {
            from: HANDSET.to_owned(),
            to: SHOP.to_owned(),
            body: body.to_owned(),
            ..sim(sid, SimDirection::Inbound, 1)
        };
        let out = |sid| sim(sid, SimDirection::OutboundApi, 1);
        assert_eq!(opt_out(&[inbound(1, "hi"), out(2)]), Ok(()));
        let v = opt_out(&[inbound(1, " stop "), out(2)]).unwrap_err();
        assert_eq!(v.invariant, Invariant::OptOut);
        assert!(v.detail.contains("after that handset texted STOP"), "{v}");
        assert_eq!(
            opt_out(&[inbound(1, "STOP"), inbound(2, "start"), out(3)]),
            Ok(())
        );
        // A reply the simulator failed with 21610 is what the rules allow.
        let refused = SimRow {
            error_code: Some(21610),
            ..sim(2, SimDirection::OutboundReply, 1)
        };
        assert_eq!(opt_out(&[inbound(1, "STOP"), refused]), Ok(()));
        // The block is per pair: another handset is not blocked.
        let other = SimRow {
            to: "+33612345678".to_owned(),
            ..out(2)
        };
        assert_eq!(opt_out(&[inbound(1, "STOP"), other]), Ok(()));
    }

    #[test]
    fn an_offer_that_passed_over_an_older_waiting_item_is_caught() {
        use convsms::store::{MadeOffer, OfferLog, PassedOver};
        let at = "2026-01-05T09:10:00.000Z";
        let passed = PassedOver {
            offered: "IMS0000002".into(),
            waiting: "IMS0000001".into(),
            waiting_item: "w1".into(),
            waiting_since: "2026-01-05T09:00:00.000Z".into(),
            agent: "a1".into(),
            at: at.into(),
        };
        let made = |seq, item: &str, agent: &str| MadeOffer {
            seq,
            item: item.into(),
            at: at.into(),
            interaction: "IMS0000002".into(),
            agent: agent.into(),
            routed: true,
        };
        let mut log = OfferLog {
            made: vec![made(0, "w2", "a1")],
            declines: vec![],
            passed_over: vec![passed],
        };
        let v = none_passed_over(&log).unwrap_err();
        assert_eq!(
            (v.invariant, v.interaction.clone()),
            (Invariant::OldestFirst, Some(ims(1)))
        );
        assert!(
            v.detail.contains("was offered the younger IMS0000002"),
            "{v}"
        );
        // The older item offered at the same instant (later in the same pass) was not passed over.
        log.made.push(made(1, "w1", "a2"));
        assert_eq!(none_passed_over(&log), Ok(()));
        // Offered at another instant does not excuse it.
        log.made[1].at = "2026-01-05T09:11:00.000Z".into();
        assert!(none_passed_over(&log).is_err());
    }

    /// Invariant 14: routing's offer of a work item to an agent who rejected it, or who the
    /// conversation was taken from by the requeue that made it, is caught, in this look or a
    /// later one; an offer before the decline, of another item, to someone else or by a
    /// transfer by name is not, nor one to an agent who gave it up before a later requeue.
    #[test]
    fn a_work_item_offered_back_to_an_agent_who_declined_it_is_caught() {
        use convsms::store::{Decline, MadeOffer, OfferLog};
        let offer = |seq, item: &str, agent: &str, routed| MadeOffer {
            seq,
            item: item.into(),
            at: "2026-01-05T09:10:00.000Z".into(),
            interaction: "IMS0000001".into(),
            agent: agent.into(),
            routed,
        };
        let decline = |seq, agent: &str, rejected: Option<&str>| Decline {
            seq,
            interaction: "IMS0000001".into(),
            agent: agent.into(),
            rejected: rejected.map(Into::into),
        };
        let look = |made, declines| OfferLog {
            made,
            declines,
            passed_over: vec![],
        };
        // alice is offered w1 and rejects it; bob is offered it.
        let mut declined = Declined::new();
        let first = look(
            vec![offer(0, "w1", "alice", true), offer(2, "w1", "bob", true)],
            vec![decline(1, "alice", Some("w1"))],
        );
        assert_eq!(
            never_offered_back(&first, &mut declined),
            Ok(1),
            "bob's offer"
        );
        // A later look offers w1 to alice again.
        let again = look(vec![offer(0, "w1", "alice", true)], vec![]);
        let v = never_offered_back(&again, &mut declined.clone()).unwrap_err();
        assert_eq!(
            (v.invariant, v.interaction.clone()),
            (Invariant::NeverOfferedBack, Some(ims(1)))
        );
        assert!(
            v.detail.contains("had rejected an offer of that work item"),
            "{v}"
        );
        // Without the earlier look's memory the same look passes: the memory is what caught it.
        assert_eq!(never_offered_back(&again, &mut Declined::new()), Ok(0));
        // A look in which `gave_up` had the conversation taken from them, then routing offered
        // `item` to `agent` (or a transfer did, without `routed`).
        let after_giving_up = |gave_up: &str, item: &str, agent: &str, routed| {
            look(
                vec![offer(1, item, agent, routed)],
                vec![decline(0, gave_up, None)],
            )
        };
        // bob accepts w1 and leaves: w2 goes to carol, not back to bob; alice may have it.
        let left = after_giving_up("bob", "w2", "bob", true);
        let v = never_offered_back(&left, &mut declined.clone()).unwrap_err();
        assert!(
            v.detail.contains("by the requeue that made that work item"),
            "{v}"
        );
        let fine = after_giving_up("bob", "w2", "alice", true);
        assert_eq!(never_offered_back(&fine, &mut declined.clone()), Ok(1));
        // Offered to bob by a transfer by name: the transferring agent's choice.
        let by_name = after_giving_up("bob", "w2", "bob", false);
        assert_eq!(never_offered_back(&by_name, &mut declined.clone()), Ok(0));
        // alice took w2 and left: w3 may go to bob, not to alice.
        let mut later = declined.clone();
        never_offered_back(&fine, &mut later).unwrap();
        let w3 = after_giving_up("alice", "w3", "bob", true);
        assert_eq!(never_offered_back(&w3, &mut later.clone()), Ok(1));
        let back = after_giving_up("alice", "w3", "alice", true);
        assert!(never_offered_back(&back, &mut later).is_err());
    }

    #[test]
    fn a_reply_to_a_stop_twilio_handled_is_caught() {
        use convsms::domain::keywords::{STATUS_OFF, UNSUBSCRIBED};
        let stop = Row {
            body: "stop".into(),
            ..row(1, 4, Direction::Inbound, Some(4))
        };
        let reply = Row {
            body: UNSUBSCRIBED.into(),
            author: AuthorKind::System,
            status: DeliveryStatus::Failed,
            error_code: Some(21610),
            ..row(1, 5, Direction::Outbound, None)
        };
        let v = no_reply_to_a_handled_stop(&[stop.clone(), reply.clone()], &[]).unwrap_err();
        assert_eq!(
            (v.invariant, v.interaction.clone()),
            (Invariant::OptOut, Some(ims(1)))
        );
        assert!(
            v.detail
                .starts_with("IMS0000001 #5 answered the STOP of #4"),
            "{v}"
        );
        // Delivered (Twilio's handling off: the engine confirms itself), another text, or an
        // agent's reply refused with 21610: none is a reply the engine should not have made.
        for other in [
            Row {
                error_code: None,
                status: DeliveryStatus::Delivered,
                ..reply.clone()
            },
            Row {
                body: STATUS_OFF.into(),
                ..reply.clone()
            },
            Row {
                author: AuthorKind::Agent,
                ..reply.clone()
            },
            Row {
                seq: 6,
                ..reply.clone()
            },
        ] {
            assert_eq!(
                no_reply_to_a_handled_stop(&[stop.clone(), other], &[]),
                Ok(())
            );
        }
        // The reply refused after a retry, in a later check than its STOP (read again).
        assert!(refused_keyword_reply(&reply));
        assert!(no_reply_to_a_handled_stop(std::slice::from_ref(&reply), &[stop]).is_err());
    }

    /// IMS0000001's "Remind agent" timer, started at 0 s and due at 1800 s (its action's
    /// duration), in `state`, settled at `settled` seconds.
    fn reminder(state: TimerState, settled: Option<i64>) -> TimerAudit {
        TimerAudit {
            sys_id: "t1".to_owned(),
            interaction: ims(1),
            action: "Remind agent".to_owned(),
            due_at: t(1800),
            state,
            settled_at: settled.map(t),
            started_at: Some(t(0)),
            duration_secs: Some(1800),
            closed_at: None,
            answered_when_cancelled: None,
        }
    }

    #[test]
    fn a_timer_that_outlives_its_interaction_s_close_is_caught() {
        // Closed at 600 s: its 1800 s reminder settles then, cancelled.
        let timer = |state, settled: Option<i64>| TimerAudit {
            closed_at: Some(t(600)),
            ..reminder(state, settled)
        };
        assert_eq!(
            TimerTracker::default().check(&[timer(TimerState::Cancelled, Some(600))], t(600)),
            Ok(())
        );
        // A timer that fired and closed the interaction at the same instant.
        assert_eq!(
            TimerTracker::default().check(
                &[TimerAudit {
                    due_at: t(600),
                    duration_secs: Some(600),
                    ..timer(TimerState::Fired, Some(600))
                }],
                t(600)
            ),
            Ok(())
        );
        // Left pending by the close, then settled at its due time (cancelled by its filter, or
        // fired), or still pending.
        for (state, settled) in [
            (TimerState::Cancelled, Some(1800)),
            (TimerState::Fired, Some(1800)),
            (TimerState::Pending, None),
        ] {
            let v = TimerTracker::default()
                .check(&[timer(state, settled)], t(1800))
                .unwrap_err();
            assert_eq!(v.invariant, Invariant::Timers);
            assert!(
                v.detail
                    .ends_with("but its interaction closed at 2026-01-05T09:10:00+00:00: a close settles its timers then"),
                "{v}"
            );
        }
    }

    #[test]
    fn a_timer_cancelled_before_its_time_without_an_answer_is_caught() {
        // The requester's reminder, cancelled at 600 s.
        let cancelled = |answered, closed_at: Option<i64>| TimerAudit {
            closed_at: closed_at.map(t),
            answered_when_cancelled: Some(answered),
            ..reminder(TimerState::Cancelled, Some(600))
        };
        // By the agent's answer then, or by the close.
        assert_eq!(
            TimerTracker::default().check(&[cancelled(true, None)], t(600)),
            Ok(())
        );
        assert_eq!(
            TimerTracker::default().check(&[cancelled(false, Some(600))], t(600)),
            Ok(())
        );
        // By nothing that answers it: a second text of the requester restarting it, say.
        let v = TimerTracker::default()
            .check(&[cancelled(false, None)], t(600))
            .unwrap_err();
        assert_eq!(v.invariant, Invariant::Timers);
        assert!(
            v.detail.ends_with(
                "was cancelled at 2026-01-05T09:10:00+00:00, before its due time \
                 2026-01-05T09:30:00+00:00, with neither an answer from the side it waits for \
                 nor a close at that instant"
            ),
            "{v}"
        );
    }

    #[test]
    fn a_timer_early_missed_or_settled_twice_is_caught() {
        let timer = reminder;
        let mut tracker = TimerTracker::default();
        // Due sooner than its action's duration after its start (or later).
        for due in [1740, 1860] {
            let wrong = TimerAudit {
                due_at: t(due),
                ..timer(TimerState::Pending, None)
            };
            let v = TimerTracker::default().check(&[wrong], t(0)).unwrap_err();
            assert!(
                v.detail.contains(&format!(
                    "is due {due} seconds after it started at 2026-01-05T09:00:00+00:00"
                )) && v.detail.ends_with("its action waits 1800 seconds"),
                "{v}"
            );
        }
        // A timer older than migration 18 is judged without it.
        let old = TimerAudit {
            due_at: t(1740),
            started_at: None,
            ..timer(TimerState::Pending, None)
        };
        assert_eq!(TimerTracker::default().check(&[old], t(0)), Ok(()));
        assert_eq!(
            tracker.check(&[timer(TimerState::Pending, None)], t(1799)),
            Ok(())
        );
        let missed = tracker
            .check(&[timer(TimerState::Pending, None)], t(1800))
            .unwrap_err();
        assert!(missed.detail.contains("still pending"), "{missed}");
        let early = tracker
            .check(&[timer(TimerState::Fired, Some(1799))], t(1799))
            .unwrap_err();
        assert!(early.detail.contains("fired early"), "{early}");
        assert_eq!(
            tracker.check(&[timer(TimerState::Fired, Some(1800))], t(1800)),
            Ok(())
        );
        let again = tracker
            .check(&[timer(TimerState::Fired, Some(1900))], t(1900))
            .unwrap_err();
        assert_eq!(again.invariant, Invariant::Timers);
        assert!(again.detail.contains("settled again"), "{again}");
    }

    #[test]
    fn an_agent_message_after_close_is_caught() {
        let mut r = row(1, 3, Direction::Outbound, Some(3));
        r.created_at = t(100);
        let closed = [(ims(1), t(100))];
        let none = HashMap::new();
        assert_eq!(
            closed_stay_quiet(std::slice::from_ref(&r), &closed, &none),
            Ok(())
        );
        // At the same instant: before the close (its rowid at most the last one then) or after.
        let mut closes = HashMap::new();
        closes.insert(ims(1), (t(100), r.rowid));
        assert_eq!(
            closed_stay_quiet(std::slice::from_ref(&r), &closed, &closes),
            Ok(())
        );
        closes.insert(ims(1), (t(100), r.rowid - 1));
        let v = closed_stay_quiet(std::slice::from_ref(&r), &closed, &closes).unwrap_err();
        assert!(v.detail.contains("at the same instant"), "{v}");
        r.created_at = t(101);
        let v = closed_stay_quiet(std::slice::from_ref(&r), &closed, &none).unwrap_err();
        assert_eq!(
            (v.invariant, v.interaction.clone()),
            (Invariant::Timers, Some(ims(1)))
        );
        // System messages (the close notice) may follow.
        r.author = AuthorKind::System;
        assert_eq!(closed_stay_quiet(&[r], &closed, &closes), Ok(()));
    }
}
