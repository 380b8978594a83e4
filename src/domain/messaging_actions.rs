//! Messaging actions: timers on conversations that fire an action when one side leaves the other
//! unanswered (seed 002, "Messaging actions"; ACTION-1..8).
//!
//! Pure: no IO, no clock, no store. The engine passes `now` and the rows it loaded, and stores the
//! decisions: a [`Timer`] is plain data (interaction, action name, event, due time, state), one
//! row per timer, run by `Engine::tick` like the other timers.
//!
//! # How the timers run
//!
//! - A message from one [`Side`] starts, for every active action of that side's [`Event`], a
//!   timer due `duration_secs` later, and cancels the pending timers of the other side's event:
//!   the other side answered (ACTION-3). See [`on_message`].
//! - **Choice (the seed is silent):** while a timer of the same action is already pending on the
//!   interaction, a further message from the same side does not restart it: the duration counts
//!   from the *first* unanswered message ("requester message without agent response" is about how
//!   long that first message has waited).
//! - A timer fires exactly once, at `due_at` (not a second earlier), when [`fire_due`] runs at or
//!   after it. The filter is checked against the interaction *at firing time*, not when the timer
//!   started (ACTION-4): a state changed in between counts. A timer whose filter does not match, or
//!   whose action was deactivated, deleted or moved to the other event since, is skipped and ends
//!   `cancelled`; either way it never fires later.
//! - After firing, the action's timer starts again only with the next message of that side.
//! - Only live agents' messages are [`Side::Agent`]; the virtual agent's replies and system
//!   messages are neither side and start or cancel nothing (the engine does not call
//!   [`on_message`] for them).
//! - When the interaction closes, every pending timer is cancelled ([`on_closed`]).
//!
//! # The virtual agent's idle timeout
//!
//! ServiceNow also closes a conversation left idle for `com.glide.cs.conversation_idle_timeout`
//! seconds (default 7200). Where that timeout and a messaging action that closes the interaction
//! (a [`Action::SetState`] to a `closed_*` state) both apply, the lower duration wins and the other
//! does not run: see [`plan_closing`].

use chrono::{DateTime, TimeDelta, Utc};

use crate::domain::encoded_query::{EncodedQuery, QueryError, Record};
use crate::domain::model::{InteractionState, SysId};

/// The fields of the interactions of due timers, by interaction sys_id (see [`fire_due`]).
pub type Records = std::collections::BTreeMap<SysId, Record>;

/// The system property of the conversation idle timeout, in seconds.
pub const IDLE_TIMEOUT_PROPERTY: &str = "com.glide.cs.conversation_idle_timeout";
/// ServiceNow's default for [`IDLE_TIMEOUT_PROPERTY`]: two hours, in seconds.
pub const DEFAULT_IDLE_TIMEOUT_SECS: i64 = 7200;
/// The longest duration an action may have, in seconds (one year of 365 days): longer is refused.
pub const MAX_DURATION_SECS: i64 = 365 * 86_400;

/// Name of the default action that reminds the agent ([`defaults`]).
pub const REMIND_AGENT: &str = "Remind agent";
/// Name of the default action that closes an abandoned conversation ([`defaults`]).
pub const CLOSE_ABANDONED: &str = "Close abandoned conversation";

/// Who sent a message.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Side {
    /// The requester, by SMS.
    Requester,
    /// A live agent (workspace reply or Compose SMS).
    Agent,
}

impl Side {
    /// The other side.
    pub fn other(self) -> Side {
        match self {
            Side::Requester => Side::Agent,
            Side::Agent => Side::Requester,
        }
    }
}

/// The event of a messaging action: which side's message starts its timer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Event {
    /// "Requester message without agent response": started by a requester message, cancelled by
    /// an agent message (ACTION-1).
    RequesterWithoutAgentResponse,
    /// "Agent message without requester response": started by an agent message, cancelled by a
    /// requester message (ACTION-2).
    AgentWithoutRequesterResponse,
}

impl Event {
    /// The event a message from `side` starts.
    pub fn started_by(side: Side) -> Event {
        match side {
            Side::Requester => Event::RequesterWithoutAgentResponse,
            Side::Agent => Event::AgentWithoutRequesterResponse,
        }
    }

    /// The side whose message starts this event's timers.
    pub fn starter(self) -> Side {
        match self {
            Event::RequesterWithoutAgentResponse => Side::Requester,
            Event::AgentWithoutRequesterResponse => Side::Agent,
        }
    }

    /// The stored value: `requester_without_agent_response` or `agent_without_requester_response`.
    pub fn as_str(self) -> &'static str {
        match self {
            Event::RequesterWithoutAgentResponse => "requester_without_agent_response",
            Event::AgentWithoutRequesterResponse => "agent_without_requester_response",
        }
    }

    /// Parses [`Event::as_str`]'s values; `None` for anything else.
    pub fn parse(s: &str) -> Option<Event> {
        [
            Event::RequesterWithoutAgentResponse,
            Event::AgentWithoutRequesterResponse,
        ]
        .into_iter()
        .find(|e| e.as_str() == s)
    }
}

/// What a messaging action does when its timer fires (ACTION-5..8).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Action {
    /// Send a workspace notification with `text` to the assigned agent (ACTION-5).
    PromptAgent {
        /// The notification text.
        text: String,
    },
    /// Post a system message with `text` into the conversation; the requester receives it by SMS
    /// (ACTION-6, see [`crate::domain::work_assignment::SystemMessage::PromptRequester`]).
    PromptRequester {
        /// The message text.
        text: String,
    },
    /// Remove the assigned agent; the interaction goes back to routing (ACTION-7).
    Reassign,
    /// Set `interaction.state` to `state`, a ServiceNow choice value such as `on_hold` or
    /// `closed_abandoned` (ACTION-8).
    SetState {
        /// The state value.
        state: String,
    },
}

impl Action {
    /// Whether the action closes the interaction: a [`Action::SetState`] to a `closed_*` state.
    pub fn closes(&self) -> bool {
        matches!(self, Action::SetState { state } if state.starts_with("closed"))
    }
}

/// A messaging action record (seed 002): event, duration, filter condition and action.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MessagingAction {
    /// Unique name; timers refer to their action by it.
    pub name: String,
    /// Which side's message starts the timer.
    pub event: Event,
    /// Seconds from the starting message to firing; 1 ..= [`MAX_DURATION_SECS`].
    pub duration_secs: i64,
    /// Inactive actions start no timers, and their pending timers are skipped when due.
    pub active: bool,
    /// Condition on the interaction, checked when the timer fires; `None` matches every
    /// interaction.
    pub filter: Option<EncodedQuery>,
    /// What happens when it fires.
    pub action: Action,
}

/// Why a messaging action was refused when saved.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ActionError {
    /// The name is empty or only white space.
    #[error("a messaging action needs a name")]
    EmptyName,
    /// Two actions share a name (timers refer to actions by name).
    #[error("messaging action '{name}' exists twice; names must be unique")]
    DuplicateName {
        /// The name.
        name: String,
    },
    /// The duration is not within 1 ..= [`MAX_DURATION_SECS`] seconds.
    #[error(
        "messaging action '{name}': duration {secs} s is out of range; expected 1 to {MAX_DURATION_SECS} seconds"
    )]
    Duration {
        /// The action.
        name: String,
        /// The refused duration, in seconds.
        secs: i64,
    },
    /// A prompt with no text.
    #[error("messaging action '{name}': a prompt needs a text")]
    EmptyText {
        /// The action.
        name: String,
    },
    /// A Set state with no state.
    #[error("messaging action '{name}': Set state needs a state value")]
    EmptyState {
        /// The action.
        name: String,
    },
    /// A Set state whose value is no interaction state: the interaction would hold a state
    /// nothing reads back (ACTION-8 sets one of the interaction's own states).
    #[error("messaging action '{name}': Set state \"{state}\" is not an interaction state; expected one of new, work_in_progress, on_hold, closed_complete, closed_abandoned")]
    UnknownState {
        /// The action.
        name: String,
        /// The value as given.
        state: String,
    },
    /// The filter condition is no valid encoded query.
    #[error("messaging action '{name}': filter condition: {source}")]
    Filter {
        /// The action.
        name: String,
        /// Where and why the query was refused.
        source: QueryError,
    },
}

impl MessagingAction {
    /// Parses a filter condition as typed in the action form: empty (or only white space) means no
    /// filter.
    ///
    /// # Errors
    /// [`ActionError::Filter`] with the query's [`QueryError`] (byte position and what was
    /// expected), naming the action `name`.
    pub fn parse_filter(name: &str, text: &str) -> Result<Option<EncodedQuery>, ActionError> {
        if text.trim().is_empty() {
            return Ok(None);
        }
        EncodedQuery::parse_on(text, &crate::domain::model::INTERACTION_FIELDS)
            .map(Some)
            .map_err(|source| ActionError::Filter {
                name: name.to_owned(),
                source,
            })
    }

    /// Checks one action before it is saved.
    ///
    /// # Errors
    /// [`ActionError::EmptyName`], [`ActionError::Duration`], [`ActionError::EmptyText`],
    /// [`ActionError::EmptyState`] or [`ActionError::UnknownState`].
    pub fn validate(&self) -> Result<(), ActionError> {
        let name = || self.name.clone();
        if self.name.trim().is_empty() {
            return Err(ActionError::EmptyName);
        }
        if !(1..=MAX_DURATION_SECS).contains(&self.duration_secs) {
            return Err(ActionError::Duration {
                name: name(),
                secs: self.duration_secs,
            });
        }
        match &self.action {
            Action::PromptAgent { text } | Action::PromptRequester { text }
                if text.trim().is_empty() =>
            {
                Err(ActionError::EmptyText { name: name() })
            }
            Action::SetState { state } if state.trim().is_empty() => {
                Err(ActionError::EmptyState { name: name() })
            }
            Action::SetState { state } if InteractionState::parse(state).is_none() => {
                Err(ActionError::UnknownState {
                    name: name(),
                    state: state.clone(),
                })
            }
            _ => Ok(()),
        }
    }

    /// When a timer started at `from` is due; `None` when the duration is out of range.
    pub fn due_at(&self, from: DateTime<Utc>) -> Option<DateTime<Utc>> {
        if !(1..=MAX_DURATION_SECS).contains(&self.duration_secs) {
            return None;
        }
        from.checked_add_signed(TimeDelta::try_seconds(self.duration_secs)?)
    }

    fn filter_matches(&self, record: &Record) -> bool {
        self.filter.as_ref().is_none_or(|f| f.eval(record))
    }
}

/// Checks a whole set of actions: each with [`MessagingAction::validate`], and unique names.
///
/// # Errors
/// The first [`ActionError`] found, in order.
pub fn validate_all(actions: &[MessagingAction]) -> Result<(), ActionError> {
    for (i, a) in actions.iter().enumerate() {
        a.validate()?;
        if actions[..i].iter().any(|b| b.name == a.name) {
            return Err(ActionError::DuplicateName {
                name: a.name.clone(),
            });
        }
    }
    Ok(())
}

/// The two messaging actions this engine installs by default.
///
/// Seed 002 lists only the parameters (event, duration, filter, action) and gives no default
/// records; these two are ServiceNow's defaults as our brief states them, with our filters:
///
/// 1. [`REMIND_AGENT`]: requester message without agent response for 30 minutes (1800 s) →
///    Prompt agent "The requester has been waiting 30 minutes for your response."
/// 2. [`CLOSE_ABANDONED`]: agent message without requester response for 2 days (172 800 s) →
///    Set state `closed_abandoned`.
///
/// Both filter on `state=work_in_progress` (a live agent works the interaction): a conversation
/// with the virtual agent or waiting in the queue has no agent to remind, and is left to the idle
/// timeout ([`plan_closing`]).
pub fn defaults() -> Vec<MessagingAction> {
    let live = || Some(EncodedQuery::parse("state=work_in_progress").expect("a valid query"));
    vec![
        MessagingAction {
            name: REMIND_AGENT.to_owned(),
            event: Event::RequesterWithoutAgentResponse,
            duration_secs: 30 * 60,
            active: true,
            filter: live(),
            action: Action::PromptAgent {
                text: "The requester has been waiting 30 minutes for your response.".to_owned(),
            },
        },
        MessagingAction {
            name: CLOSE_ABANDONED.to_owned(),
            event: Event::AgentWithoutRequesterResponse,
            duration_secs: 2 * 86_400,
            active: true,
            filter: live(),
            action: Action::SetState {
                state: "closed_abandoned".to_owned(),
            },
        },
    ]
}

/// The state of a timer row.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TimerState {
    /// Waiting for `due_at`.
    Pending,
    /// Its action ran (once).
    Fired,
    /// Ended without running: the other side answered, the interaction closed, or when due its
    /// filter did not match or its action was inactive, deleted or moved to the other event.
    Cancelled,
}

impl TimerState {
    /// The stored value: `pending`, `fired`, `cancelled`.
    pub fn as_str(self) -> &'static str {
        match self {
            TimerState::Pending => "pending",
            TimerState::Fired => "fired",
            TimerState::Cancelled => "cancelled",
        }
    }

    /// Parses [`TimerState::as_str`]'s values; `None` for anything else.
    pub fn parse(s: &str) -> Option<TimerState> {
        [
            TimerState::Pending,
            TimerState::Fired,
            TimerState::Cancelled,
        ]
        .into_iter()
        .find(|t| t.as_str() == s)
    }
}

/// One messaging-action timer on one interaction: a store row. At most one per (interaction,
/// action) is pending.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Timer {
    /// The interaction's sys_id.
    pub interaction: SysId,
    /// The [`MessagingAction::name`].
    pub action: String,
    /// The action's event when the timer started.
    pub event: Event,
    /// When it fires.
    pub due_at: DateTime<Utc>,
    /// Pending, fired or cancelled.
    pub state: TimerState,
}

/// What one message does to an interaction's timers. Apply `cancel` before inserting `schedule`
/// (a store may keep a unique index on pending (interaction, action)).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TimerChanges {
    /// Pending timers to set `cancelled`, as (action name, event), on the interaction: the other
    /// side's, which this message answers (ACTION-3).
    pub cancel: Vec<(String, Event)>,
    /// New timers to insert (state pending).
    pub schedule: Vec<Timer>,
}

/// Timers a message from `side` at `now` starts and cancels on `interaction` (ACTION-1..3).
///
/// `pending` is the interaction's timers as loaded (any state; rows of other interactions and
/// non-pending rows are ignored). Every pending timer of the other side's event is cancelled; every
/// active action of this side's event that has no pending timer gets one due at
/// `now + duration_secs` (an already pending one keeps its due time). Filters are not checked
/// here but when the timer fires ([`fire_due`]).
pub fn on_message(
    interaction: &str,
    actions: &[MessagingAction],
    pending: &[Timer],
    side: Side,
    now: DateTime<Utc>,
) -> TimerChanges {
    let mine = Event::started_by(side);
    let pending: Vec<&Timer> = pending
        .iter()
        .filter(|t| t.interaction == interaction && t.state == TimerState::Pending)
        .collect();
    let cancel = pending
        .iter()
        .filter(|t| t.event != mine)
        .map(|t| (t.action.clone(), t.event))
        .collect();
    let schedule = actions
        .iter()
        .filter(|a| a.active && a.event == mine)
        .filter(|a| {
            !pending
                .iter()
                .any(|t| t.action == a.name && t.event == mine)
        })
        .filter_map(|a| {
            Some(Timer {
                interaction: interaction.to_owned(),
                action: a.name.clone(),
                event: mine,
                due_at: a.due_at(now)?,
                state: TimerState::Pending,
            })
        })
        .collect();
    TimerChanges { cancel, schedule }
}

/// The pending timers of `interaction` to cancel because it closed.
pub fn on_closed(interaction: &str, pending: &[Timer]) -> TimerChanges {
    TimerChanges {
        cancel: pending
            .iter()
            .filter(|t| t.interaction == interaction && t.state == TimerState::Pending)
            .map(|t| (t.action.clone(), t.event))
            .collect(),
        schedule: Vec::new(),
    }
}

/// Why a due timer did not run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SkipReason {
    /// The filter condition did not match the interaction at firing time (ACTION-4).
    FilterMismatch,
    /// The action is inactive now.
    Inactive,
    /// No action has that name any more.
    UnknownAction,
    /// The action's event changed since the timer started.
    EventChanged,
}

/// What a due timer does.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Run the action (ACTION-5..8).
    Run(Action),
    /// Nothing runs.
    Skipped(SkipReason),
}

/// The decision for one due timer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Firing {
    /// The timer as it must be stored now: state `fired` when the action runs, else `cancelled`.
    pub timer: Timer,
    /// Run or skip.
    pub outcome: Outcome,
}

/// Decides every pending timer due at `now` (`due_at <= now`; one due a second later is left
/// pending), in due order (then interaction, then action name).
///
/// `records` holds each due timer's interaction's fields *now*, for the filter (ACTION-4); an
/// interaction it does not hold has every field empty. Each returned [`Firing`] carries the timer's new state; once the engine stores it,
/// the timer is no longer pending and never fires again (ACTION-1/2 "fires once").
pub fn fire_due(
    timers: &[Timer],
    actions: &[MessagingAction],
    now: DateTime<Utc>,
    records: &Records,
) -> Vec<Firing> {
    let empty = Record::new();
    let mut due: Vec<&Timer> = timers
        .iter()
        .filter(|t| t.state == TimerState::Pending && t.due_at <= now)
        .collect();
    due.sort_by(|a, b| {
        (a.due_at, &a.interaction, &a.action).cmp(&(b.due_at, &b.interaction, &b.action))
    });
    due.into_iter()
        .map(|t| {
            let outcome = match actions.iter().find(|a| a.name == t.action) {
                None => Outcome::Skipped(SkipReason::UnknownAction),
                Some(a) if !a.active => Outcome::Skipped(SkipReason::Inactive),
                Some(a) if a.event != t.event => Outcome::Skipped(SkipReason::EventChanged),
                Some(a) if !a.filter_matches(records.get(&t.interaction).unwrap_or(&empty)) => {
                    Outcome::Skipped(SkipReason::FilterMismatch)
                }
                Some(a) => Outcome::Run(a.action.clone()),
            };
            let state = match outcome {
                Outcome::Run(_) => TimerState::Fired,
                Outcome::Skipped(_) => TimerState::Cancelled,
            };
            Firing {
                timer: Timer { state, ..t.clone() },
                outcome,
            }
        })
        .collect()
}

/// Which timeout closes a conversation that went silent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ClosingTimeout {
    /// The idle timeout ([`IDLE_TIMEOUT_PROPERTY`]), in seconds.
    Idle {
        /// Seconds.
        secs: i64,
    },
    /// A closing messaging action.
    Action {
        /// Its name.
        name: String,
        /// Its duration, in seconds.
        secs: i64,
    },
}

/// How a conversation gets closed when it goes silent: [`plan_closing`]'s answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClosingPlan {
    /// The winner, if any timeout applies.
    pub winner: Option<ClosingTimeout>,
    /// Whether the engine runs the idle timeout for this interaction.
    pub idle_close: bool,
    /// The actions to pass to [`on_message`]: all of them except the closing actions that lost.
    pub actions: Vec<MessagingAction>,
}

/// Decides between the idle timeout and closing messaging actions: **the lower timeout wins**.
///
/// `idle_timeout_secs` is the idle timeout when it applies to the interaction (the engine passes
/// `None` when it does not, and [`DEFAULT_IDLE_TIMEOUT_SECS`] when the property is unset; zero or
/// less means "never", as ServiceNow treats a non-positive timeout). A messaging action competes
/// when it is active, [`Action::closes`], and its filter matches `record` now (it is checked again
/// when it fires). Durations are compared, in seconds; on a tie the action wins (it is the more
/// specific configuration, and it sets the state it was configured with). The losers do not run:
/// the idle close is off when an action wins, and the closing actions that competed and lost
/// are left out of [`ClosingPlan::actions`] (closing actions that do not compete now, being
/// inactive or not matching, are kept: their filter is checked again when they fire). Actions that do not close (prompts, reassign, other
/// states) never compete and are always kept.
pub fn plan_closing(
    idle_timeout_secs: Option<i64>,
    actions: &[MessagingAction],
    record: &Record,
) -> ClosingPlan {
    let idle = idle_timeout_secs
        .filter(|&s| s > 0)
        .map(|secs| ClosingTimeout::Idle { secs });
    let best_action = actions
        .iter()
        .filter(|a| a.active && a.action.closes() && a.filter_matches(record))
        .min_by_key(|a| a.duration_secs);
    let winner = match (idle, best_action) {
        (Some(ClosingTimeout::Idle { secs }), Some(a)) if secs < a.duration_secs => {
            Some(ClosingTimeout::Idle { secs })
        }
        (_, Some(a)) => Some(ClosingTimeout::Action {
            name: a.name.clone(),
            secs: a.duration_secs,
        }),
        (idle, None) => idle,
    };
    let kept = actions
        .iter()
        .filter(|a| {
            !a.action.closes()
                || matches!(&winner, Some(ClosingTimeout::Action { name, .. }) if *name == a.name)
                || !a.active
                || !a.filter_matches(record)
        })
        .cloned()
        .collect();
    ClosingPlan {
        idle_close: matches!(winner, Some(ClosingTimeout::Idle { .. })),
        winner,
        actions: kept,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn t0() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, 12, 9, 0, 0).unwrap()
    }

    fn secs(s: i64) -> TimeDelta {
        TimeDelta::seconds(s)
    }

    fn action(
        name: &str,
        event: Event,
        duration_secs: i64,
        filter: &str,
        action: Action,
    ) -> MessagingAction {
        MessagingAction {
            name: name.into(),
            event,
            duration_secs,
            active: true,
            filter: MessagingAction::parse_filter(name, filter).unwrap(),
            action,
        }
    }

    fn set_state(state: &str) -> Action {
        Action::SetState {
            state: state.into(),
        }
    }

    /// Applies changes to an in-memory timer table, as the engine does to its rows.
    fn apply(timers: &mut Vec<Timer>, interaction: &str, changes: TimerChanges) {
        for (name, event) in changes.cancel {
            for t in timers.iter_mut() {
                if t.interaction == interaction
                    && t.action == name
                    && t.event == event
                    && t.state == TimerState::Pending
                {
                    t.state = TimerState::Cancelled;
                }
            }
        }
        timers.extend(changes.schedule);
    }

    /// A message: computes the changes against the current rows and applies them.
    fn msg(
        timers: &mut Vec<Timer>,
        actions: &[MessagingAction],
        interaction: &str,
        side: Side,
        now: DateTime<Utc>,
    ) -> TimerChanges {
        let changes = on_message(interaction, actions, timers, side, now);
        apply(timers, interaction, changes.clone());
        changes
    }

    fn store(timers: &mut [Timer], firings: &[Firing]) {
        for f in firings {
            let row = timers
                .iter_mut()
                .find(|t| {
                    t.interaction == f.timer.interaction
                        && t.action == f.timer.action
                        && t.due_at == f.timer.due_at
                        && t.state == TimerState::Pending
                })
                .unwrap();
            *row = f.timer.clone();
        }
    }

    /// Interactions `i1` and `i2` (the ones these tests use) in `state`.
    fn fields(state: &'static str) -> Records {
        ["i1", "i2"]
            .map(|i| (i.to_owned(), record(&[("state", state)])))
            .into()
    }

    fn record(fields: &[(&str, &str)]) -> Record {
        fields
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn defaults_are_valid_and_as_documented() {
        let d = defaults();
        validate_all(&d).unwrap();
        assert_eq!(d[0].name, REMIND_AGENT);
        assert_eq!(d[0].event, Event::RequesterWithoutAgentResponse);
        assert_eq!(d[0].duration_secs, 1800);
        assert!(matches!(d[0].action, Action::PromptAgent { .. }));
        assert_eq!(d[1].name, CLOSE_ABANDONED);
        assert_eq!(d[1].event, Event::AgentWithoutRequesterResponse);
        assert_eq!(d[1].duration_secs, 172_800);
        assert_eq!(d[1].action, set_state("closed_abandoned"));
        assert!(d[1].action.closes());
        assert!(!d[0].action.closes());
    }

    #[test]
    fn requester_message_fires_the_reminder_once_at_due_time_not_before() {
        // ACTION-1
        let actions = defaults();
        let mut timers = Vec::new();
        let ch = on_message("i1", &actions, &timers, Side::Requester, t0());
        assert!(ch.cancel.is_empty());
        assert_eq!(ch.schedule.len(), 1);
        assert_eq!(ch.schedule[0].action, REMIND_AGENT);
        assert_eq!(ch.schedule[0].due_at, t0() + secs(1800));
        apply(&mut timers, "i1", ch);

        let live = fields("work_in_progress");
        let early = t0() + secs(1800) - TimeDelta::milliseconds(1);
        assert!(fire_due(&timers, &actions, early, &live).is_empty());
        let f = fire_due(&timers, &actions, t0() + secs(1800), &live);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].outcome, Outcome::Run(actions[0].action.clone()));
        assert_eq!(f[0].timer.state, TimerState::Fired);
        store(&mut timers, &f);
        // Once: a later tick finds nothing.
        assert!(fire_due(&timers, &actions, t0() + secs(10_000), &live).is_empty());
    }

    #[test]
    fn agent_message_fires_close_abandoned_after_two_days() {
        // ACTION-2
        let actions = defaults();
        let mut timers = Vec::new();
        msg(&mut timers, &actions, "i1", Side::Agent, t0());
        assert_eq!(timers.len(), 1);
        let live = fields("work_in_progress");
        assert!(fire_due(&timers, &actions, t0() + secs(172_799), &live).is_empty());
        let f = fire_due(&timers, &actions, t0() + secs(172_800), &live);
        assert_eq!(f[0].outcome, Outcome::Run(set_state("closed_abandoned")));
    }

    #[test]
    fn the_other_side_answering_cancels_the_timer() {
        // ACTION-3
        let actions = defaults();
        let mut timers = Vec::new();
        msg(&mut timers, &actions, "i1", Side::Requester, t0());
        let ch = on_message("i1", &actions, &timers, Side::Agent, t0() + secs(600));
        assert_eq!(
            ch.cancel,
            vec![(
                REMIND_AGENT.to_owned(),
                Event::RequesterWithoutAgentResponse
            )]
        );
        assert_eq!(ch.schedule.len(), 1);
        assert_eq!(ch.schedule[0].action, CLOSE_ABANDONED);
        assert_eq!(ch.schedule[0].due_at, t0() + secs(600 + 172_800));
        apply(&mut timers, "i1", ch);
        let live = fields("work_in_progress");
        assert!(fire_due(&timers, &actions, t0() + secs(1800), &live).is_empty());
        // And the requester answering cancels the agent-side timer in turn.
        let ch = on_message("i1", &actions, &timers, Side::Requester, t0() + secs(3600));
        assert_eq!(
            ch.cancel,
            vec![(
                CLOSE_ABANDONED.to_owned(),
                Event::AgentWithoutRequesterResponse
            )]
        );
        apply(&mut timers, "i1", ch);
        let f = fire_due(&timers, &actions, t0() + secs(400_000), &live);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].timer.action, REMIND_AGENT);
        assert_eq!(f[0].timer.due_at, t0() + secs(3600 + 1800));
    }

    #[test]
    fn a_second_message_from_the_same_side_keeps_the_first_due_time() {
        let actions = defaults();
        let mut timers = Vec::new();
        msg(&mut timers, &actions, "i1", Side::Requester, t0());
        let ch = on_message("i1", &actions, &timers, Side::Requester, t0() + secs(900));
        assert_eq!(ch, TimerChanges::default());
        // Another interaction's timer does not count.
        let ch = on_message("i2", &actions, &timers, Side::Requester, t0() + secs(900));
        assert_eq!(ch.schedule.len(), 1);
        assert_eq!(ch.schedule[0].interaction, "i2");
    }

    #[test]
    fn after_firing_the_next_message_starts_a_new_timer() {
        let actions = defaults();
        let mut timers = Vec::new();
        msg(&mut timers, &actions, "i1", Side::Requester, t0());
        let f = fire_due(
            &timers,
            &actions,
            t0() + secs(1800),
            &fields("work_in_progress"),
        );
        store(&mut timers, &f);
        let ch = on_message("i1", &actions, &timers, Side::Requester, t0() + secs(2000));
        assert_eq!(ch.schedule[0].due_at, t0() + secs(3800));
    }

    #[test]
    fn filter_is_checked_at_firing_time() {
        // ACTION-4: state is On Hold when the message arrives, not when the timer is due.
        let actions = vec![action(
            "Nudge",
            Event::AgentWithoutRequesterResponse,
            60,
            "state=on_hold",
            Action::PromptRequester {
                text: "Are you still there?".into(),
            },
        )];
        let mut timers = Vec::new();
        msg(&mut timers, &actions, "i1", Side::Agent, t0());
        let f = fire_due(
            &timers,
            &actions,
            t0() + secs(60),
            &fields("work_in_progress"),
        );
        assert_eq!(f[0].outcome, Outcome::Skipped(SkipReason::FilterMismatch));
        assert_eq!(f[0].timer.state, TimerState::Cancelled);
        store(&mut timers, &f);
        assert!(fire_due(&timers, &actions, t0() + secs(120), &fields("on_hold")).is_empty());

        // And the other way round: not on hold at the message, on hold when due → fires.
        let mut timers = Vec::new();
        msg(&mut timers, &actions, "i2", Side::Agent, t0());
        let f = fire_due(&timers, &actions, t0() + secs(60), &fields("on_hold"));
        assert!(matches!(
            f[0].outcome,
            Outcome::Run(Action::PromptRequester { .. })
        ));
    }

    #[test]
    fn inactive_deleted_or_moved_actions_do_not_fire() {
        let mut actions = defaults();
        let mut timers = Vec::new();
        msg(&mut timers, &actions, "i1", Side::Requester, t0());
        let live = fields("work_in_progress");
        let due = t0() + secs(1800);

        actions[0].active = false;
        let f = fire_due(&timers, &actions, due, &live);
        assert_eq!(f[0].outcome, Outcome::Skipped(SkipReason::Inactive));
        // Inactive actions start nothing.
        assert!(on_message("i9", &actions, &[], Side::Requester, t0())
            .schedule
            .is_empty());

        actions[0].active = true;
        actions[0].event = Event::AgentWithoutRequesterResponse;
        let f = fire_due(&timers, &actions, due, &live);
        assert_eq!(f[0].outcome, Outcome::Skipped(SkipReason::EventChanged));

        let f = fire_due(&timers, &actions[1..], due, &live);
        assert_eq!(f[0].outcome, Outcome::Skipped(SkipReason::UnknownAction));
    }

    #[test]
    fn every_action_kind_runs() {
        // ACTION-5..8: the decision carries the configured action.
        let kinds = [
            Action::PromptAgent {
                text: "Ping".into(),
            },
            Action::PromptRequester {
                text: "Still there?".into(),
            },
            Action::Reassign,
            set_state("on_hold"),
        ];
        for kind in kinds {
            let actions = vec![action(
                "A",
                Event::RequesterWithoutAgentResponse,
                5,
                "",
                kind.clone(),
            )];
            let ch = on_message("i1", &actions, &[], Side::Requester, t0());
            let f = fire_due(&ch.schedule, &actions, t0() + secs(5), &Records::new());
            assert_eq!(f[0].outcome, Outcome::Run(kind));
        }
    }

    #[test]
    fn due_timers_come_in_due_order() {
        let actions = vec![
            action(
                "slow",
                Event::RequesterWithoutAgentResponse,
                20,
                "",
                Action::Reassign,
            ),
            action(
                "fast",
                Event::RequesterWithoutAgentResponse,
                10,
                "",
                Action::Reassign,
            ),
        ];
        let mut timers = Vec::new();
        msg(&mut timers, &actions, "i2", Side::Requester, t0());
        msg(&mut timers, &actions, "i1", Side::Requester, t0());
        let f = fire_due(&timers, &actions, t0() + secs(30), &Records::new());
        let order: Vec<_> = f
            .iter()
            .map(|f| (f.timer.interaction.as_str(), f.timer.action.as_str()))
            .collect();
        assert_eq!(
            order,
            [
                ("i1", "fast"),
                ("i2", "fast"),
                ("i1", "slow"),
                ("i2", "slow")
            ]
        );
    }

    #[test]
    fn closing_cancels_every_pending_timer_of_that_interaction() {
        let actions = defaults();
        let mut timers = Vec::new();
        msg(&mut timers, &actions, "i1", Side::Requester, t0());
        msg(&mut timers, &actions, "i2", Side::Agent, t0());
        let ch = on_closed("i1", &timers);
        assert_eq!(
            ch.cancel,
            vec![(
                REMIND_AGENT.to_owned(),
                Event::RequesterWithoutAgentResponse
            )]
        );
    }

    #[test]
    fn validation_refuses_bad_actions() {
        let ok = action(
            "A",
            Event::AgentWithoutRequesterResponse,
            60,
            "",
            Action::Reassign,
        );
        assert_eq!(ok.validate(), Ok(()));
        let mut a = ok.clone();
        a.name = " ".into();
        assert_eq!(a.validate(), Err(ActionError::EmptyName));
        for bad in [0, -5, MAX_DURATION_SECS + 1] {
            let mut a = ok.clone();
            a.duration_secs = bad;
            assert_eq!(
                a.validate(),
                Err(ActionError::Duration {
                    name: "A".into(),
                    secs: bad
                })
            );
            assert_eq!(a.due_at(t0()), None);
        }
        let mut a = ok.clone();
        a.action = Action::PromptRequester { text: "".into() };
        assert_eq!(
            a.validate(),
            Err(ActionError::EmptyText { name: "A".into() })
        );
        a.action = set_state(" ");
        assert_eq!(
            a.validate(),
            Err(ActionError::EmptyState { name: "A".into() })
        );
        // A typo would leave the interaction in a state nothing reads back.
        a.action = set_state("on_hodl");
        let err = a.validate().unwrap_err();
        assert_eq!(
            err,
            ActionError::UnknownState {
                name: "A".into(),
                state: "on_hodl".into()
            }
        );
        assert!(err
            .to_string()
            .contains("expected one of new, work_in_progress, on_hold"));
        a.action = set_state("on_hold");
        assert_eq!(a.validate(), Ok(()));
        assert_eq!(
            validate_all(&[ok.clone(), ok.clone()]),
            Err(ActionError::DuplicateName { name: "A".into() })
        );
        let err = MessagingAction::parse_filter("A", "state=on_hold^").unwrap_err();
        match &err {
            ActionError::Filter { name, source } => {
                assert_eq!(name, "A");
                assert_eq!(source.position, 14);
            }
            other => panic!("{other:?}"),
        }
        assert!(err.to_string().contains("byte 14"), "{err}");
        assert_eq!(MessagingAction::parse_filter("A", "  "), Ok(None));
    }

    #[test]
    fn stored_values_round_trip() {
        for e in [
            Event::RequesterWithoutAgentResponse,
            Event::AgentWithoutRequesterResponse,
        ] {
            assert_eq!(Event::parse(e.as_str()), Some(e));
            assert_eq!(Event::started_by(e.starter()), e);
        }
        for s in [
            TimerState::Pending,
            TimerState::Fired,
            TimerState::Cancelled,
        ] {
            assert_eq!(TimerState::parse(s.as_str()), Some(s));
        }
        assert_eq!(Event::parse("other"), None);
        assert_eq!(TimerState::parse("Pending"), None);
        assert_eq!(Side::Agent.other(), Side::Requester);
    }

    #[test]
    fn the_lower_timeout_wins() {
        let record = record(&[("state", "work_in_progress")]);
        let d = defaults();

        // Idle 7200 s against close-abandoned 2 days: the idle timeout wins, the action is dropped.
        let plan = plan_closing(Some(DEFAULT_IDLE_TIMEOUT_SECS), &d, &record);
        assert_eq!(plan.winner, Some(ClosingTimeout::Idle { secs: 7200 }));
        assert!(plan.idle_close);
        let names: Vec<_> = plan.actions.iter().map(|a| a.name.as_str()).collect();
        assert_eq!(names, [REMIND_AGENT]);

        // Idle 3 days: the action wins, the idle close is off, both actions stay.
        let plan = plan_closing(Some(3 * 86_400), &d, &record);
        assert_eq!(
            plan.winner,
            Some(ClosingTimeout::Action {
                name: CLOSE_ABANDONED.into(),
                secs: 172_800
            })
        );
        assert!(!plan.idle_close);
        assert_eq!(plan.actions, d);

        // A tie goes to the action.
        let plan = plan_closing(Some(172_800), &d, &record);
        assert!(matches!(plan.winner, Some(ClosingTimeout::Action { .. })));

        // No idle timeout, or a non-positive one: the action alone.
        for idle in [None, Some(0), Some(-1)] {
            let plan = plan_closing(idle, &d, &record);
            assert!(matches!(plan.winner, Some(ClosingTimeout::Action { .. })));
            assert!(!plan.idle_close);
        }

        // The closing action does not apply (filter): the idle timeout alone, the action kept
        // (it may still apply when it fires; its filter is checked again then).
        let plan = plan_closing(Some(7200), &d, &Record::new());
        assert_eq!(plan.winner, Some(ClosingTimeout::Idle { secs: 7200 }));
        assert_eq!(plan.actions, d);

        // Of two closing actions, the shorter wins and the longer is dropped.
        let mut two = d.clone();
        two.push(action(
            "Close fast",
            Event::AgentWithoutRequesterResponse,
            3600,
            "",
            set_state("closed_complete"),
        ));
        let plan = plan_closing(Some(7200), &two, &record);
        assert_eq!(
            plan.winner,
            Some(ClosingTimeout::Action {
                name: "Close fast".into(),
                secs: 3600
            })
        );
        let names: Vec<_> = plan.actions.iter().map(|a| a.name.as_str()).collect();
        assert_eq!(names, [REMIND_AGENT, "Close fast"]);

        // Nothing applies at all.
        let plan = plan_closing(None, &d[..1], &record);
        assert_eq!(plan.winner, None);
        assert!(!plan.idle_close);
    }
}
