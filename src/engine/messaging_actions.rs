//! Messaging actions on the engine (seed 002, ACTION-1..8) and the virtual agent's idle timeout.
//!
//! A message from one side starts that side's timers and cancels the other side's
//! ([`crate::domain::messaging_actions::on_message`]); [`Engine::tick`] fires what is due at the clock's now, checking
//! each action's filter against the interaction at that moment ([`crate::domain::messaging_actions::fire_due`]). Every
//! timer is a row of `sys_cs_action_timer`, so a restart loses none. Where the idle timeout
//! (`com.glide.cs.conversation_idle_timeout`) and a closing messaging action both apply, the lower
//! timeout wins ([`crate::domain::messaging_actions::plan_closing`]).

use chrono::{DateTime, Duration, Utc};

use crate::domain::messaging_actions::{
    self as actions, Action, ActionError, MessagingAction, Outcome, Side, TimerState,
    DEFAULT_IDLE_TIMEOUT_SECS, IDLE_TIMEOUT_PROPERTY,
};
use crate::domain::model::{Handler, Interaction, InteractionState};
use crate::domain::work_assignment::SystemMessage;
use crate::engine::core::Engine;
use crate::engine::delivery::PendingSend;
use crate::engine::system_messages::SmsTiming;
use crate::error::Error;
use crate::store::{InteractionFields, Tx};

/// What [`Engine::run_due_actions`] did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ActionReport {
    /// (interaction number, action name) of every action that ran, in firing order.
    pub fired: Vec<(String, String)>,
    /// Interactions the idle timeout closed as abandoned.
    pub idle_closed: Vec<String>,
}

impl Engine {
    /// Saves (creates or replaces) a messaging action after checking it (ACTION-4: an invalid
    /// filter is refused with the position of the error).
    ///
    /// # Errors
    /// [`Error::InvalidAction`] naming what is wrong; nothing is saved.
    pub fn save_messaging_action(&self, action: &MessagingAction) -> Result<(), Error> {
        action.validate().map_err(Error::InvalidAction)?;
        self.store.write(|tx| Ok(tx.save_messaging_action(action)?))
    }

    /// Turns every messaging action, the two defaults included, on or off.
    ///
    /// # Errors
    /// [`Error::Store`].
    pub fn set_all_actions_active(&self, active: bool) -> Result<(), Error> {
        self.store
            .write(|tx| Ok(tx.set_all_actions_active(active)?))
    }

    /// Starts and cancels timers for a message from `side` in `interaction` (call it in the
    /// transaction that stores the message).
    pub(crate) fn actions_on_message(
        &self,
        tx: &Tx<'_>,
        interaction: &Interaction,
        side: Side,
        now: DateTime<Utc>,
    ) -> Result<(), Error> {
        let all = tx.messaging_actions()?;
        let record = tx.interaction_fields(&interaction.sys_id, read_by_filters(&all))?;
        let idle = idle_timeout(tx, interaction)?;
        let plan = actions::plan_closing(idle, &all, &record);
        let pending = tx.pending_timers(&interaction.sys_id)?;
        let changes = actions::on_message(&interaction.sys_id, &plan.actions, &pending, side, now);
        for (action, event) in changes.cancel {
            tx.set_timer_state(
                &interaction.sys_id,
                &action,
                event,
                TimerState::Cancelled,
                now,
            )?;
        }
        for timer in &changes.schedule {
            tx.insert_timer(timer, now)?;
        }
        Ok(())
    }

    /// Fires every messaging-action timer due at `now` and closes idle virtual-agent conversations;
    /// returns what ran. Called by [`Engine::tick`].
    ///
    /// # Errors
    /// [`Error::Store`], or a failure to send a Prompt requester message.
    pub async fn run_due_actions(&self, now: DateTime<Utc>) -> Result<ActionReport, Error> {
        let (report, pending) = self.store.write(|tx| {
            let mut report = ActionReport::default();
            let mut pending = vec![];
            let all = tx.messaging_actions()?;
            let due = tx.due_timers(now)?;
            let wanted = read_by_filters(&all);
            let records =
                tx.interactions_fields(due.iter().map(|t| t.interaction.as_str()), wanted)?;
            for firing in actions::fire_due(&due, &all, now, &records) {
                let t = &firing.timer;
                let i = tx.interaction_by_sys_id(&t.interaction)?;
                // An action that can do nothing is not recorded as fired (see `run_action`),
                // nor is one on a conversation that is closed or gone: closing cancels its
                // timers, and this holds should one be missed (the timer's row says what
                // happened, not what would have).
                let state = match (&firing.outcome, &i) {
                    (Outcome::Run(_), None) => TimerState::Cancelled,
                    (Outcome::Run(_), Some(i)) if !i.active => TimerState::Cancelled,
                    (Outcome::Run(a), Some(i)) if does_nothing(a, i) => TimerState::Cancelled,
                    _ => t.state,
                };
                tx.set_timer_state(&t.interaction, &t.action, t.event, state, now)?;
                let Outcome::Run(action) = firing.outcome else {
                    continue;
                };
                let Some(i) = i else {
                    continue;
                };
                if !i.active {
                    continue;
                }
                if self.run_action(tx, &i, &t.action, &action, now, &mut pending)? {
                    tracing::info!(interaction = %i.number, action = %t.action, "messaging action fired");
                    report.fired.push((i.number.to_string(), t.action.clone()));
                }
            }
            for sys_id in idle_candidates(tx, now)? {
                let Some(i) = tx.interaction_by_sys_id(&sys_id)? else {
                    continue;
                };
                let record = tx.interaction_fields(&i.sys_id, wanted)?;
                let plan = actions::plan_closing(idle_timeout(tx, &i)?, &all, &record);
                if plan.idle_close {
                    let notice = if tx.agents_wrote(&i.sys_id)? {
                        SystemMessage::IdleClosed
                    } else {
                        SystemMessage::IdleClosedKeywordsOnly
                    };
                    self.post_system_message(
                        tx,
                        &i,
                        &notice,
                        now,
                        SmsTiming::WithTheTransaction(&mut pending),
                    )?;
                    tx.close_interaction(&i.sys_id, InteractionState::ClosedAbandoned, now)?;
                    tracing::info!(interaction = %i.number, "closed by the idle timeout");
                    report.idle_closed.push(i.number.to_string());
                }
            }
            Ok::<_, Error>((report, pending))
        })?;
        self.send_pending(pending).await?;
        Ok(report)
    }

    /// Carries out `action` on `i`; false when it did nothing ([`does_nothing`]: a Set state
    /// naming no state, stored by an older build; a Prompt agent or Reassign with no live agent
    /// assigned), so that it is not reported as fired.
    fn run_action(
        &self,
        tx: &Tx<'_>,
        i: &Interaction,
        name: &str,
        action: &Action,
        now: DateTime<Utc>,
        pending: &mut Vec<PendingSend>,
    ) -> Result<bool, Error> {
        match action {
            Action::PromptAgent { text } => {
                let Handler::Agent(agent) = &i.handler else {
                    return Ok(false);
                };
                tx.notify_agent(agent, Some(&i.sys_id), text, now)?;
            }
            Action::PromptRequester { text } => {
                self.post_system_message(
                    tx,
                    i,
                    &SystemMessage::PromptRequester { text: text.clone() },
                    now,
                    SmsTiming::WithTheTransaction(pending),
                )?;
            }
            Action::Reassign => {
                let Handler::Agent(sys_id) = &i.handler else {
                    return Ok(false);
                };
                let agent = tx.user_name(sys_id)?;
                self.post_system_message(
                    tx,
                    i,
                    &SystemMessage::Reassigned {
                        agent: agent.unwrap_or_else(|| "The assigned agent".to_owned()),
                    },
                    now,
                    SmsTiming::AfterCommit,
                )?;
                tx.assign(&i.sys_id, &Handler::Queue)?;
                self.route_to_live_agent(tx, i, now)?;
            }
            Action::SetState { state } => match InteractionState::parse(state) {
                Some(
                    s @ (InteractionState::ClosedComplete | InteractionState::ClosedAbandoned),
                ) => {
                    // The requester is told, as when an agent closes it (SYSMSG-1).
                    self.post_system_message(
                        tx,
                        i,
                        &SystemMessage::ActionClosed {
                            action: name.to_owned(),
                            state: s.as_str().to_owned(),
                        },
                        now,
                        SmsTiming::WithTheTransaction(pending),
                    )?;
                    tx.close_interaction(&i.sys_id, s, now)?;
                }
                Some(s) => {
                    // Agents see the change (the system messages' table); the requester is
                    // told nothing. A state it already has is no change.
                    if s != i.state {
                        self.post_system_message(
                            tx,
                            i,
                            &SystemMessage::StateChanged {
                                state: s.as_str().to_owned(),
                            },
                            now,
                            SmsTiming::WithTheTransaction(pending),
                        )?;
                    }
                    tx.set_interaction_state(&i.sys_id, s.as_str())?
                }
                // Refused when saved (ActionError::UnknownState); one stored by an older build
                // is skipped rather than written where nothing reads it back.
                None => {
                    tracing::warn!(interaction = %i.number, action = %name, %state,
                        "Set state names no interaction state; nothing set");
                    return Ok(false);
                }
            },
        }
        Ok(true)
    }
}

/// True for an action that can do nothing when it fires on `i`, whose timer then settles as
/// cancelled, not fired: a Set state naming no interaction state (refused when saved,
/// `ActionError::UnknownState`; stored by an older build), and a Prompt agent or a Reassign on a
/// conversation no live agent is assigned to (the virtual agent's, or one waiting in a queue):
/// there is no agent to notify or to remove (seed 002: "Remove assigned agent from
/// interaction"; our reading where the seed is silent, so that a Reassign does not take a
/// conversation from the virtual agent mid-topic).
fn does_nothing(action: &Action, i: &Interaction) -> bool {
    match action {
        Action::SetState { state } => InteractionState::parse(state).is_none(),
        Action::PromptAgent { .. } | Action::Reassign => !matches!(i.handler, Handler::Agent(_)),
        Action::PromptRequester { .. } => false,
    }
}

/// The interaction fields the filters of `actions` read (what [`Tx::interaction_fields`] loads
/// for them: the defaults read `state` alone).
fn read_by_filters(actions: &[MessagingAction]) -> InteractionFields {
    InteractionFields::read_by(actions.iter().filter_map(|a| a.filter.as_ref()))
}

/// The idle timeout that applies to an interaction: only while the virtual agent handles it.
fn idle_timeout(tx: &Tx<'_>, i: &Interaction) -> Result<Option<i64>, Error> {
    if i.handler != Handler::VirtualAgent {
        return Ok(None);
    }
    configured_idle_timeout(tx).map(Some)
}

/// Virtual-agent interactions silent for at least the idle timeout.
fn idle_candidates(tx: &Tx<'_>, now: DateTime<Utc>) -> Result<Vec<String>, Error> {
    let Some(secs) = idle_timeout_secs(tx)? else {
        return Ok(vec![]);
    };
    Ok(tx.idle_va_interactions(now - Duration::seconds(secs))?)
}

/// The virtual agent's idle timeout in seconds (`com.glide.cs.conversation_idle_timeout`, 7200
/// when unset or not a number); `None` when it is 0 or less (no idle close).
pub(super) fn idle_timeout_secs(tx: &Tx<'_>) -> Result<Option<i64>, Error> {
    let secs = configured_idle_timeout(tx)?;
    Ok((secs > 0).then_some(secs))
}

/// `com.glide.cs.conversation_idle_timeout` as stored, in seconds ([`DEFAULT_IDLE_TIMEOUT_SECS`]
/// when unset or not a whole number; 0 or less means no idle close).
fn configured_idle_timeout(tx: &Tx<'_>) -> Result<i64, Error> {
    Ok(tx
        .property(IDLE_TIMEOUT_PROPERTY)?
        .and_then(|v| v.trim().parse::<i64>().ok())
        .unwrap_or(DEFAULT_IDLE_TIMEOUT_SECS))
}

impl From<ActionError> for Error {
    fn from(e: ActionError) -> Self {
        Error::InvalidAction(e)
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use chrono::TimeZone;

    use super::*;
    use crate::clock::ManualClock;
    use crate::domain::messaging_actions::{Event, Timer};
    use crate::domain::model::{InteractionType, PartyTable, AGENT_ROLE};
    use crate::domain::phone::E164;
    use crate::store::SqliteStore;
    use crate::twilio::TwilioClient;

    fn engine(store: Arc<SqliteStore>, clock: &ManualClock) -> Engine {
        // Prompt agent sends nothing, so the provider is never called.
        let provider = TwilioClient::new(
            "http://127.0.0.1:9",
            "AC00000000000000000000000000000001",
            "t",
        );
        Engine::new(store, Arc::new(provider), Arc::new(clock.clone()))
    }

    /// Agent alice in an SMS conversation with Bea opened at `t0`, and `action`'s timer on it
    /// (requester without agent response), due 600 seconds later.
    fn alice_with_bea(
        tx: &Tx<'_>,
        t0: DateTime<Utc>,
        action: &str,
    ) -> Result<Interaction, crate::store::StoreError> {
        let agent = tx.insert_party(PartyTable::SysUser, "alice", Some("alice"), None, None)?;
        tx.grant_role(&agent.sys_id, AGENT_ROLE)?;
        let bea = tx.insert_party(PartyTable::CsmConsumer, "Bea", None, None, None)?;
        let i = tx.insert_interaction(
            InteractionType::Messaging,
            &Handler::Agent(agent.sys_id.clone()),
            &bea,
            None,
            E164::parse("+14155552671", None).ok().as_ref(),
            E164::parse("+14155550100", None).ok().as_ref(),
            None,
            t0,
        )?;
        tx.insert_timer(&pending_timer(&i, action, t0), t0)?;
        Ok(i)
    }

    /// `action`'s timer on `i` (requester without agent response), pending, due 600 seconds
    /// after `t0`.
    fn pending_timer(i: &Interaction, action: &str, t0: DateTime<Utc>) -> Timer {
        Timer {
            interaction: i.sys_id.clone(),
            action: action.into(),
            event: Event::RequesterWithoutAgentResponse,
            due_at: t0 + Duration::seconds(600),
            state: TimerState::Pending,
        }
    }

    /// Prompt agent "Bea is waiting" 600 seconds after a requester message without an agent's
    /// answer.
    fn nudge() -> MessagingAction {
        MessagingAction {
            name: "Nudge".into(),
            event: Event::RequesterWithoutAgentResponse,
            duration_secs: 600,
            active: true,
            filter: None,
            action: Action::PromptAgent {
                text: "Bea is waiting".into(),
            },
        }
    }

    #[tokio::test]
    async fn a_restart_loses_no_timer() {
        let dir = std::env::temp_dir().join(format!("convsms-timers-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("engine.sqlite");
        let _ = std::fs::remove_file(&path);
        let t0 = Utc.with_ymd_and_hms(2026, 1, 5, 9, 0, 0).unwrap();
        let clock = ManualClock::starting_at(t0);
        {
            let store = Arc::new(SqliteStore::open(&path).unwrap());
            let e = engine(store.clone(), &clock);
            e.save_messaging_action(&nudge()).unwrap();
            store.write(|tx| alice_with_bea(tx, t0, "Nudge")).unwrap();
        } // the engine and its connection are gone
        let store = Arc::new(SqliteStore::open(&path).unwrap());
        let e = engine(store.clone(), &clock);
        let early = e
            .run_due_actions(t0 + Duration::seconds(599))
            .await
            .unwrap();
        assert!(early.fired.is_empty(), "not a second early: {early:?}");
        let due = e
            .run_due_actions(t0 + Duration::seconds(600))
            .await
            .unwrap();
        assert_eq!(
            due.fired,
            vec![("IMS0001001".to_owned(), "Nudge".to_owned())]
        );
        let again = e
            .run_due_actions(t0 + Duration::seconds(6000))
            .await
            .unwrap();
        assert!(again.fired.is_empty(), "fires once: {again:?}");
        let alice = store
            .read(|tx| tx.party_by_name(PartyTable::SysUser, "alice"))
            .unwrap()
            .unwrap();
        let notes = store.read(|tx| tx.notifications(&alice.sys_id)).unwrap();
        assert_eq!(
            notes,
            vec![(Some("IMS0001001".to_owned()), "Bea is waiting".to_owned())]
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }

    /// A timer still pending on a closed conversation (closing cancels them; say one was
    /// missed) does nothing when due and is recorded as cancelled, not fired.
    #[tokio::test]
    async fn a_timer_left_on_a_closed_conversation_is_cancelled_not_fired() {
        let t0 = Utc.with_ymd_and_hms(2026, 1, 5, 9, 0, 0).unwrap();
        let clock = ManualClock::starting_at(t0);
        let store = Arc::new(SqliteStore::open_in_memory().unwrap());
        let e = engine(store.clone(), &clock);
        store
            .write(|tx| {
                tx.save_messaging_action(&nudge())?;
                let i = alice_with_bea(tx, t0, "Nudge")?;
                tx.close_interaction(&i.sys_id, InteractionState::ClosedComplete, t0)?;
                // The timer a close missed.
                tx.insert_timer(&pending_timer(&i, "Nudge", t0), t0)
            })
            .unwrap();
        let pending = store.read(|tx| tx.timers(None)).unwrap();
        assert!(
            pending.iter().any(|t| t.state == TimerState::Pending),
            "{pending:?}"
        );
        let due = e
            .run_due_actions(t0 + Duration::seconds(600))
            .await
            .unwrap();
        assert!(due.fired.is_empty(), "nothing fired: {due:?}");
        let timers = store.read(|tx| tx.timers(None)).unwrap();
        assert!(
            timers.iter().all(|t| t.state == TimerState::Cancelled),
            "{timers:?}"
        );
        let alice = store
            .read(|tx| tx.party_by_name(PartyTable::SysUser, "alice"))
            .unwrap()
            .unwrap();
        assert!(store
            .read(|tx| tx.notifications(&alice.sys_id))
            .unwrap()
            .is_empty());
    }

    #[tokio::test]
    async fn a_stored_set_state_naming_no_state_is_skipped_and_not_reported_as_fired() {
        let t0 = Utc.with_ymd_and_hms(2026, 1, 5, 9, 0, 0).unwrap();
        let clock = ManualClock::starting_at(t0);
        let store = Arc::new(SqliteStore::open_in_memory().unwrap());
        let e = engine(store.clone(), &clock);
        let interaction = store
            .write(|tx| {
                // As an older build stored it: the engine now refuses it when saved.
                tx.save_messaging_action(&MessagingAction {
                    name: "Park".into(),
                    event: Event::RequesterWithoutAgentResponse,
                    duration_secs: 600,
                    active: true,
                    filter: None,
                    action: Action::SetState {
                        state: "on_hodl".into(),
                    },
                })?;
                alice_with_bea(tx, t0, "Park")
            })
            .unwrap();
        let due = e
            .run_due_actions(t0 + Duration::seconds(600))
            .await
            .unwrap();
        assert!(due.fired.is_empty(), "nothing was set: {due:?}");
        let timers = store.read(|tx| tx.timers(None)).unwrap();
        assert_eq!(timers.len(), 1);
        assert_eq!(
            timers[0].state,
            TimerState::Cancelled,
            "its timer is not recorded as fired"
        );
        let after = store
            .read(|tx| tx.interaction_by_sys_id(&interaction.sys_id))
            .unwrap()
            .unwrap();
        assert_eq!(after.state, interaction.state, "the state is untouched");
        assert!(after.active);
    }
}
