//! The world's messaging actions: configure them, move time to their timers, read what fired.

use anyhow::{bail, ensure, Context as _};
use chrono::{DateTime, TimeDelta, Utc};
use convsms::domain::messaging_actions::{Action, ActionError, Event, MessagingAction, TimerState};
use convsms::domain::model::{InteractionNumber, PartyTable};

use super::{lines, quote, ConvWorld};
use crate::check::params::{At, Notification, Where};

/// A timer as steps read it.
#[derive(Clone, Debug)]
struct TimerView {
    interaction: String,
    action: String,
    due_at: DateTime<Utc>,
    state: TimerState,
}

impl std::fmt::Display for TimerView {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "\"{}\" for {}, due at {}, {}",
            self.action,
            self.interaction,
            self.due_at.format("%Y-%m-%d %H:%M:%S"),
            self.state.as_str()
        )
    }
}

/// Builds a messaging action from a step's words; a filter that is not an encoded query is
/// refused as the engine words it ("messaging action refused: ... at byte 10").
fn messaging_action(
    active: bool,
    name: &str,
    event: Event,
    after: TimeDelta,
    effect: &Action,
    filter: Option<&str>,
) -> anyhow::Result<MessagingAction> {
    let filter = match filter {
        Some(text) => {
            MessagingAction::parse_filter(name, text).context("messaging action refused")?
        }
        None => None,
    };
    Ok(MessagingAction {
        name: name.to_owned(),
        event,
        duration_secs: after.num_seconds(),
        active,
        filter,
        action: effect.clone(),
    })
}

impl ConvWorld {
    /// Saves a messaging action (a "Given": it must be valid).
    pub fn given_action(
        &mut self,
        active: bool,
        name: &str,
        event: Event,
        after: TimeDelta,
        effect: &Action,
        filter: &Where,
    ) -> anyhow::Result<()> {
        let action = messaging_action(active, name, event, after, effect, filter.0.as_deref())
            .with_context(|| format!("the messaging action \"{name}\""))?;
        self.refuse_name_taken(&action)
            .context("messaging action refused")?;
        self.engine()
            .save_messaging_action(&action)
            .with_context(|| format!("saving the messaging action \"{name}\""))
    }

    /// A second action of a name already saved with other settings would replace the first
    /// silently (timers refer to actions by name): refused. Saving the same settings again, active
    /// or not (the defaults spelled out after `no messaging actions are active`), is allowed.
    fn refuse_name_taken(&self, action: &MessagingAction) -> anyhow::Result<()> {
        let saved = self
            .store()
            .read(|tx| tx.messaging_actions())
            .context("reading the messaging actions")?;
        match saved.iter().find(|a| a.name == action.name) {
            Some(a)
                if (MessagingAction {
                    active: action.active,
                    ..a.clone()
                }) != *action =>
            {
                Err(ActionError::DuplicateName {
                    name: action.name.clone(),
                }
                .into())
            }
            _ => Ok(()),
        }
    }

    /// An administrator saves a messaging action; a refusal is kept for "Then".
    pub fn admin_saves_action(
        &mut self,
        active: bool,
        name: &str,
        event: Event,
        after: TimeDelta,
        effect: &Action,
        filter: &Where,
    ) -> anyhow::Result<()> {
        self.mark()?;
        let saved = messaging_action(active, name, event, after, effect, filter.0.as_deref())
            .and_then(|a| {
                self.refuse_name_taken(&a)
                    .context("messaging action refused")?;
                Ok(self.engine().save_messaging_action(&a)?)
            });
        if let Err(e) = saved {
            self.refused(format!("{e:#}"));
        }
        Ok(())
    }

    /// Turns the shipped default actions (and every other) off.
    pub fn given_no_actions(&mut self) -> anyhow::Result<()> {
        self.engine()
            .set_all_actions_active(false)
            .context("turning every messaging action off")
    }

    /// Moves the clock to the engine's next scheduled work (a messaging-action timer, an idle
    /// close, an offer's expiry or a send's retry: [`convsms::store::TickDue::scheduled`]) and
    /// runs what is due on the way and there.
    pub async fn advance_to_next_timer(&mut self) -> anyhow::Result<()> {
        let now = self.now();
        let next = self
            .engine()
            .next_tick_due(now)
            .context("finding the engine's next timer")?
            .scheduled()
            .context(
                "nothing is scheduled: no messaging-action timer, idle virtual-agent \
                 conversation, offer or retry is pending",
            )?;
        self.pass_time(next - now).await
    }

    /// Every timer.
    fn timers(&self) -> anyhow::Result<Vec<TimerView>> {
        self.store()
            .read(|tx| {
                let mut out = vec![];
                for t in tx.timers(None)? {
                    let interaction = tx
                        .interaction_by_sys_id(&t.interaction)?
                        .map(|i| i.number.to_string())
                        .unwrap_or_default();
                    out.push(TimerView {
                        interaction,
                        action: t.action,
                        due_at: t.due_at,
                        state: t.state,
                    });
                }
                Ok::<_, rusqlite::Error>(out)
            })
            .context("reading the messaging-action timers")
    }

    /// Checks that no messaging action has fired.
    pub fn check_none_fired(&self) -> anyhow::Result<()> {
        let fired: Vec<_> = self
            .timers()?
            .into_iter()
            .filter(|t| t.state == TimerState::Fired)
            .collect();
        ensure!(
            fired.is_empty(),
            "messaging actions fired:{}",
            lines(&fired)
        );
        Ok(())
    }

    /// Checks that a messaging action fired exactly `times` times for an interaction (0: it has
    /// not fired). The action must be saved (active or not) and the interaction exist: a
    /// misspelt name would otherwise "not fire" and pass.
    pub fn check_fired_times(
        &self,
        name: &str,
        number: &InteractionNumber,
        times: usize,
    ) -> anyhow::Result<()> {
        let saved = self
            .store()
            .read(|tx| tx.messaging_actions())
            .context("reading the messaging actions")?;
        if !saved.iter().any(|a| a.name == name) {
            let mut names: Vec<String> =
                saved.into_iter().map(|a| format!("'{}'", a.name)).collect();
            names.sort();
            bail!(
                "no messaging action is named '{name}'; the actions are {}",
                names.join(", ")
            );
        }
        self.interaction(number)?;
        let all = self.timers()?;
        let n = all
            .iter()
            .filter(|t| {
                t.interaction == number.as_str() && t.action == name && t.state == TimerState::Fired
            })
            .count();
        let said = |n: usize| match n {
            0 => "never".to_owned(),
            1 => "once".to_owned(),
            n => format!("{n} times"),
        };
        ensure!(
            n == times,
            "\"{name}\" fired {} for {number}, expected {}; the timers:{}",
            said(n),
            said(times),
            lines(&all)
        );
        Ok(())
    }

    /// Checks that an interaction has a pending timer of an action, due at a time of day (any
    /// day) or at a date and time.
    pub fn check_pending_timer(
        &self,
        number: &InteractionNumber,
        name: &str,
        at: At,
    ) -> anyhow::Result<()> {
        let all = self.timers()?;
        let due = |t: &TimerView| {
            let local = t.due_at.naive_utc();
            local.time() == at.time && at.date.is_none_or(|d| d == local.date())
        };
        ensure!(
            all.iter().any(|t| {
                t.interaction == number.as_str()
                    && t.action == name
                    && t.state == TimerState::Pending
                    && due(t)
            }),
            "{number} has no pending timer \"{name}\" due at {at}; the timers:{}",
            lines(&all)
        );
        Ok(())
    }

    /// Checks how many pending timers an interaction has (`0`: none).
    pub fn check_pending_timer_count(
        &self,
        number: &InteractionNumber,
        want: usize,
    ) -> anyhow::Result<()> {
        // A mistyped number has no timer either: refused, not passed.
        self.interaction(number)?;
        let all = self.timers()?;
        let got = all
            .iter()
            .filter(|t| t.interaction == number.as_str() && t.state == TimerState::Pending)
            .count();
        ensure!(
            got == want,
            "{number} has {got} pending timer(s), expected {want}; the timers:{}",
            lines(&all)
        );
        Ok(())
    }

    /// An agent's workspace notifications, as `"text" for IMS…` lines for a failure message.
    fn notifications_of(&self, agent: &str) -> anyhow::Result<Vec<(Option<String>, String)>> {
        let a = self.party(PartyTable::SysUser, agent)?;
        self.store()
            .read(|tx| tx.notifications(&a.sys_id))
            .with_context(|| format!("reading {agent}'s workspace notifications"))
    }

    /// Checks that an agent has a workspace notification with this text for this interaction.
    pub fn check_notification(&self, agent: &str, want: &Notification) -> anyhow::Result<()> {
        let got = self.notifications_of(agent)?;
        let Notification(text, number) = want;
        ensure!(
            got.iter()
                .any(|(n, t)| n.as_deref() == Some(number.as_str()) && t == text),
            "{agent} has no workspace notification \"{text}\" for {number}; they have:{}",
            lines(shown(&got))
        );
        Ok(())
    }

    /// Checks how many workspace notifications an agent has (`0`: none).
    pub fn check_notification_count(&self, agent: &str, want: usize) -> anyhow::Result<()> {
        let got = self.notifications_of(agent)?;
        ensure!(
            got.len() == want,
            "{agent} has {} workspace notification(s), expected {want}:{}",
            got.len(),
            lines(shown(&got))
        );
        Ok(())
    }
}

/// Workspace notifications as a failure message lists them.
fn shown(got: &[(Option<String>, String)]) -> impl Iterator<Item = String> + '_ {
    got.iter().map(|(n, text)| {
        format!(
            "{} for {}",
            quote(text),
            n.as_deref().unwrap_or("no interaction")
        )
    })
}
