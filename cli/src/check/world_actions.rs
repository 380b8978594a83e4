//! The scenario world's messaging actions: configure them, move time to their timers, read what
//! fired.

use chrono::{DateTime, Utc};
use convsms::domain::encoded_query::EncodedQuery;
use convsms::domain::messaging_actions::{Action, Event, MessagingAction, TimerState};
use convsms::domain::model::PartyTable;

use super::world::ConvWorld;

type StepResult = Result<(), String>;

/// A timer as steps read it: (interaction number, action name, due time, state).
pub type TimerView = (String, String, DateTime<Utc>, TimerState);

impl ConvWorld {
    /// Builds a messaging action from a step's words; `filter` is an encoded query or empty.
    pub fn messaging_action(
        name: &str,
        event: &str,
        duration_secs: i64,
        action: Action,
        filter: &str,
        active: bool,
    ) -> Result<MessagingAction, String> {
        let event = match event {
            "requester message without agent response" => Event::RequesterWithoutAgentResponse,
            _ => Event::AgentWithoutRequesterResponse,
        };
        let filter = if filter.is_empty() {
            None
        } else {
            Some(
                EncodedQuery::parse(filter)
                    .map_err(|e| format!("messaging action refused: {e}"))?,
            )
        };
        Ok(MessagingAction {
            name: name.to_owned(),
            event,
            duration_secs,
            active,
            filter,
            action,
        })
    }

    /// Saves a messaging action (a "Given": it must be valid).
    pub fn given_action(&mut self, action: MessagingAction) -> StepResult {
        self.engine()
            .save_messaging_action(&action)
            .map_err(|e| e.to_string())
    }

    /// Tries to save a messaging action as an administrator would; a refusal is kept for "Then".
    pub fn try_save_action(&mut self, action: Result<MessagingAction, String>) {
        self.mark();
        let result = action.and_then(|a| {
            self.engine()
                .save_messaging_action(&a)
                .map_err(|e| e.to_string())
        });
        if let Err(e) = result {
            self.refused(e);
        }
    }

    /// Turns the shipped default actions (and every other) off.
    pub fn given_no_actions(&mut self) -> StepResult {
        self.engine()
            .set_all_actions_active(false)
            .map_err(|e| e.to_string())
    }

    /// Moves the clock to the earliest pending timer and runs what is due.
    pub async fn advance_to_next_timer(&mut self) -> StepResult {
        let next = self
            .store()
            .read(|tx| tx.next_timer_due())
            .map_err(|e| e.to_string())?
            .ok_or("no messaging-action timer is pending")?;
        let now = convsms::clock::Clock::now(&self.stack.clock);
        self.pass_time(next - now).await
    }

    /// Every timer as (interaction number, action, due time, state).
    pub fn timers(&self) -> Result<Vec<TimerView>, String> {
        self.store()
            .read(|tx| {
                let mut out = vec![];
                for t in tx.timers(None)? {
                    let number = tx
                        .interaction_by_sys_id(&t.interaction)?
                        .map(|i| i.number.to_string())
                        .unwrap_or_default();
                    out.push((number, t.action, t.due_at, t.state));
                }
                Ok::<_, rusqlite::Error>(out)
            })
            .map_err(|e| e.to_string())
    }

    /// An agent's workspace notifications: (interaction number, text).
    pub fn notifications(&self, agent: &str) -> Result<Vec<(Option<String>, String)>, String> {
        let a = self.party(PartyTable::SysUser, agent)?;
        self.store()
            .read(|tx| tx.notifications(&a.sys_id))
            .map_err(|e| e.to_string())
    }
}
