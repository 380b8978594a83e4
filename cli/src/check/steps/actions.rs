//! Messaging actions: timers on conversations (seed 002).

use cucumber::{given, then, when};

use super::ensure;
use crate::check::world::ConvWorld;
use convsms::domain::messaging_actions::{Action, TimerState};

pub const EXAMPLES: &[&str] = &[
    r#"Given a messaging action "Nudge" on "requester message without agent response" after 10 minutes that prompts the agent "Bea is waiting""#,
    r#"Given a messaging action "Ping" on "agent message without requester response" after 1 hour that prompts the requester "Are you still there?" where "state=work_in_progress""#,
    r#"Given a messaging action "Hand back" on "requester message without agent response" after 15 minutes that reassigns"#,
    r#"Given a messaging action "Hold" on "agent message without requester response" after 2 days that sets state "on_hold" where "stateINwork_in_progress,new""#,
    r#"Given an inactive messaging action "Off" on "agent message without requester response" after 5 minutes that reassigns"#,
    r#"Given no messaging actions are active"#,
    r#"When an administrator saves a messaging action "Broken" on "agent message without requester response" after 5 minutes that reassigns where "state=^^x""#,
    r#"When time advances to the next timer"#,
    r#"Then no messaging action has fired"#,
    r#"Then messaging action "Nudge" has fired once for IMS0001001"#,
    r#"Then interaction IMS0001001 has a pending timer "Nudge" due at "09:10:00""#,
    r#"Then interaction IMS0001001 has no pending timer"#,
    r#"Then agent "alice" has the workspace notification "Bea is waiting" for IMS0001001"#,
    r#"Then agent "alice" has no workspace notification"#,
];

fn seconds(n: i64, unit: &str) -> i64 {
    match unit.trim_end_matches('s') {
        "second" => n,
        "minute" => n * 60,
        "hour" => n * 3600,
        _ => n * 86_400,
    }
}

fn action(words: &str) -> Action {
    let quoted = words.split('"').nth(1).unwrap_or_default().to_owned();
    if words.starts_with("prompts the agent") {
        Action::PromptAgent { text: quoted }
    } else if words.starts_with("prompts the requester") {
        Action::PromptRequester { text: quoted }
    } else if words == "reassigns" {
        Action::Reassign
    } else {
        Action::SetState { state: quoted }
    }
}

#[given(
    regex = r#"^(an? |an inactive )messaging action "([^"]+)" on "(requester message without agent response|agent message without requester response)" after (\d+) (seconds?|minutes?|hours?|days?) that (prompts the agent "[^"]*"|prompts the requester "[^"]*"|reassigns|sets state "[^"]*")(?: where "([^"]*)")?$"#
)]
#[allow(clippy::too_many_arguments)]
fn given_action(
    w: &mut ConvWorld,
    article: String,
    name: String,
    event: String,
    n: i64,
    unit: String,
    what: String,
    filter: String,
) -> Result<(), String> {
    let a = ConvWorld::messaging_action(
        &name,
        &event,
        seconds(n, &unit),
        action(&what),
        &filter,
        !article.contains("inactive"),
    )?;
    w.given_action(a)
}

#[given("no messaging actions are active")]
fn none_active(w: &mut ConvWorld) -> Result<(), String> {
    w.given_no_actions()
}

#[when(
    regex = r#"^an administrator saves (?:an? |an inactive )messaging action "([^"]+)" on "(requester message without agent response|agent message without requester response)" after (\d+) (seconds?|minutes?|hours?|days?) that (prompts the agent "[^"]*"|prompts the requester "[^"]*"|reassigns|sets state "[^"]*")(?: where "([^"]*)")?$"#
)]
#[allow(clippy::too_many_arguments)]
fn save_action(
    w: &mut ConvWorld,
    name: String,
    event: String,
    n: i64,
    unit: String,
    what: String,
    filter: String,
) {
    let a = ConvWorld::messaging_action(
        &name,
        &event,
        seconds(n, &unit),
        action(&what),
        &filter,
        true,
    );
    w.try_save_action(a);
}

#[when("time advances to the next timer")]
async fn next_timer(w: &mut ConvWorld) -> Result<(), String> {
    w.advance_to_next_timer().await
}

#[then("no messaging action has fired")]
fn none_fired(w: &mut ConvWorld) -> Result<(), String> {
    let fired: Vec<_> = w
        .timers()?
        .into_iter()
        .filter(|t| t.3 == TimerState::Fired)
        .collect();
    ensure(fired.is_empty(), || format!("fired: {fired:?}"))
}

#[then(regex = r#"^messaging action "([^"]+)" has fired once for (\S+)$"#)]
fn fired_once(w: &mut ConvWorld, name: String, number: String) -> Result<(), String> {
    let all = w.timers()?;
    let n = all
        .iter()
        .filter(|t| t.0 == number && t.1 == name && t.3 == TimerState::Fired)
        .count();
    ensure(n == 1, || {
        format!("{name} fired {n} times for {number}; timers: {all:?}")
    })
}

#[then(regex = r#"^interaction (\S+) has a pending timer "([^"]+)" due at "(\d\d:\d\d:\d\d)"$"#)]
fn pending_timer(
    w: &mut ConvWorld,
    number: String,
    name: String,
    at: String,
) -> Result<(), String> {
    let all = w.timers()?;
    ensure(
        all.iter().any(|t| {
            t.0 == number
                && t.1 == name
                && t.3 == TimerState::Pending
                && t.2.format("%H:%M:%S").to_string() == at
        }),
        || format!("no pending {name} due at {at} for {number}; timers: {all:?}"),
    )
}

#[then(regex = r"^interaction (\S+) has no pending timer$")]
fn no_pending(w: &mut ConvWorld, number: String) -> Result<(), String> {
    let all = w.timers()?;
    ensure(
        !all.iter()
            .any(|t| t.0 == number && t.3 == TimerState::Pending),
        || format!("timers: {all:?}"),
    )
}

#[then(
    regex = r#"^agent "([^"]+)" has (?:the workspace notification "([^"]+)" for (\S+)|no workspace notification)$"#
)]
fn notification(
    w: &mut ConvWorld,
    agent: String,
    text: String,
    number: String,
) -> Result<(), String> {
    let got = w.notifications(&agent)?;
    if text.is_empty() {
        return ensure(got.is_empty(), || {
            format!("{agent} has notifications {got:?}")
        });
    }
    ensure(
        got.iter()
            .any(|(n, t)| n.as_deref() == Some(number.as_str()) && *t == text),
        || format!("{agent} has no notification {text:?} for {number}: {got:?}"),
    )
}
