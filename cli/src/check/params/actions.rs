//! Typed parameters of messaging actions: their words, timers and workspace notifications.

use std::str::FromStr;

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use convsms::domain::messaging_actions::{Action, Event};
use convsms::domain::model::InteractionNumber;
use cucumber::Parameter;

use super::{interaction_number, quoted_texts, take_quoted, unhonoured, unread, Unhonoured};

/// `a messaging action` (active) or `an inactive messaging action`.
#[derive(Clone, Copy, Debug, Parameter)]
#[param(
    name = "a_messaging_action",
    regex = "a messaging action|an inactive messaging action"
)]
pub struct NewAction {
    /// Whether it is active.
    pub active: bool,
}

impl FromStr for NewAction {
    type Err = Unhonoured;
    fn from_str(words: &str) -> Result<Self, Unhonoured> {
        Ok(NewAction {
            active: !words.contains("inactive"),
        })
    }
}

/// A messaging action's event, quoted: `"requester message without agent response"` or `"agent
/// message without requester response"`.
#[derive(Clone, Copy, Debug, Parameter)]
#[param(name = "event", regex = r#""[^"]*""#)]
pub struct ActionEvent(pub Event);

impl FromStr for ActionEvent {
    type Err = Unhonoured;
    fn from_str(words: &str) -> Result<Self, Unhonoured> {
        match words.trim_matches('"') {
            "requester message without agent response" => {
                Ok(ActionEvent(Event::RequesterWithoutAgentResponse))
            }
            "agent message without requester response" => {
                Ok(ActionEvent(Event::AgentWithoutRequesterResponse))
            }
            other => unhonoured(format!(
                "'{other}' is not a messaging action's event; the events are \
                 \"requester message without agent response\" and \"agent message without \
                 requester response\""
            )),
        }
    }
}

/// What a messaging action does: `prompts the agent "…"`, `prompts the requester "…"`,
/// `reassigns`, `sets state "on_hold"`.
#[derive(Clone, Debug, Parameter)]
#[param(
    name = "effect",
    regex = r#"prompts the agent "[^"]*"|prompts the requester "[^"]*"|reassigns|sets state "[^"]*""#
)]
pub struct Effect(pub Action);

impl FromStr for Effect {
    type Err = Unhonoured;
    fn from_str(words: &str) -> Result<Self, Unhonoured> {
        let text = quoted_texts(words).into_iter().next().unwrap_or_default();
        Ok(Effect(if words.starts_with("prompts the agent") {
            Action::PromptAgent { text }
        } else if words.starts_with("prompts the requester") {
            Action::PromptRequester { text }
        } else if words == "reassigns" {
            Action::Reassign
        } else {
            Action::SetState { state: text }
        }))
    }
}

/// A moment on the scenario's clock (UTC), quoted: a time of day, `"09:10:00"` (any day), or a
/// date and time, `"2026-01-07 09:30:00"` (scenarios start on 2026-01-05 at 09:00:00).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Parameter)]
/// Any quoted text matches, so that a time written otherwise (`"9:10"`) is refused with the
/// form expected rather than with "no step matches".
#[param(name = "date_time", regex = r#""[^"]*""#)]
pub struct At {
    /// The date, when given.
    pub date: Option<NaiveDate>,
    /// The time of day.
    pub time: NaiveTime,
}

impl FromStr for At {
    type Err = Unhonoured;
    fn from_str(words: &str) -> Result<Self, Unhonoured> {
        let text = words.trim_matches('"');
        // chrono reads a leap second (`23:59:60`); the scenario's clock never shows one.
        if text.ends_with(":60") {
            return unhonoured(format!(
                "\"{text}\" has a 60th second, which the scenario's clock never shows; write \
                 the minute's :59 or the next minute's :00"
            ));
        }
        match text.split_once(' ') {
            None => NaiveTime::parse_from_str(text, "%H:%M:%S")
                .map(|time| At { date: None, time })
                .or_else(|_| {
                    unhonoured(format!(
                        "\"{text}\" is not a time of day as HH:MM:SS (for example 09:10:00), or a \
                         date and time as YYYY-MM-DD HH:MM:SS"
                    ))
                }),
            Some(_) => NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S")
                .map(|at| At {
                    date: Some(at.date()),
                    time: at.time(),
                })
                .or_else(|_| {
                    unhonoured(format!(
                        "\"{text}\" is not a date and time as YYYY-MM-DD HH:MM:SS (for example \
                         2026-01-07 09:30:00), or a time of day as HH:MM:SS"
                    ))
                }),
        }
    }
}

impl std::fmt::Display for At {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.date {
            Some(d) => write!(f, "{d} {}", self.time.format("%H:%M:%S")),
            None => write!(f, "{}", self.time.format("%H:%M:%S")),
        }
    }
}

/// An agent's workspace notification: `the workspace notification "…" for IMS0001001` (none, or
/// how many: `agent "alice" has no workspace notification`, `has 2 workspace notifications`).
#[derive(Clone, Debug, Parameter)]
#[param(
    name = "notification",
    regex = r#"the workspace notification "[^"]+" for \S+"#
)]
pub struct Notification(pub String, pub InteractionNumber);

impl FromStr for Notification {
    type Err = Unhonoured;
    fn from_str(words: &str) -> Result<Self, Unhonoured> {
        let mut rest = words;
        match take_quoted(&mut rest, "the workspace notification ") {
            Some(text) => match rest.strip_prefix(" for ") {
                Some(n) => interaction_number(n).map(|n| Notification(text, n)),
                None => unread(words, "a workspace notification"),
            },
            None => unread(words, "a workspace notification"),
        }
    }
}
