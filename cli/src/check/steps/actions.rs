//! Messaging actions: timers on conversations (seed 002).

use cucumber::{given, then, when};

use super::StepResult;
use crate::check::params::{
    ActionEvent, At, Count, Duration, Effect, InteractionNo, NewAction, Notification, Where,
};
use crate::check::world::ConvWorld;

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
    r#"Then messaging action "Nudge" has fired 2 times for IMS0001001"#,
    r#"Then messaging action "Nudge" has fired 1 time for IMS0001001"#,
    r#"Then messaging action "Nudge" has not fired for IMS0001001"#,
    r#"Then interaction IMS0001001 has a pending timer "Nudge" due at "09:10:00""#,
    r#"Then interaction IMS0001001 has a pending timer "Close abandoned conversation" due at "2026-01-07 09:30:00""#,
    r#"Then interaction IMS0001001 has no pending timer"#,
    r#"Then interaction IMS0001001 has 2 pending timers"#,
    r#"Then agent "alice" has the workspace notification "Bea is waiting" for IMS0001001"#,
    r#"Then agent "alice" has no workspace notification"#,
    r#"Then agent "alice" has 2 workspace notifications"#,
];

#[given(expr = "{a_messaging_action} {string} on {event} after {duration} that {effect}{where}")]
fn given_action(
    w: &mut ConvWorld,
    new: NewAction,
    name: String,
    event: ActionEvent,
    after: Duration,
    effect: Effect,
    filter: Where,
) -> StepResult {
    Ok(w.given_action(new.active, &name, event.0, after.0, &effect.0, &filter)?)
}

#[given("no messaging actions are active")]
fn none_active(w: &mut ConvWorld) -> StepResult {
    Ok(w.given_no_actions()?)
}

#[when(
    expr = "an administrator saves {a_messaging_action} {string} on {event} after {duration} that {effect}{where}"
)]
fn save_action(
    w: &mut ConvWorld,
    new: NewAction,
    name: String,
    event: ActionEvent,
    after: Duration,
    effect: Effect,
    filter: Where,
) -> StepResult {
    Ok(w.admin_saves_action(new.active, &name, event.0, after.0, &effect.0, &filter)?)
}

#[when("time advances to the next timer")]
async fn next_timer(w: &mut ConvWorld) -> StepResult {
    Ok(w.advance_to_next_timer().await?)
}

#[then("no messaging action has fired")]
fn none_fired(w: &mut ConvWorld) -> StepResult {
    Ok(w.check_none_fired()?)
}

#[then(expr = "messaging action {string} has fired once for {interaction}")]
fn fired_once(w: &mut ConvWorld, name: String, number: InteractionNo) -> StepResult {
    Ok(w.check_fired_times(&name, &number, 1)?)
}

#[then(expr = "messaging action {string} has fired {count} time(s) for {interaction}")]
fn fired_times(w: &mut ConvWorld, name: String, count: Count, number: InteractionNo) -> StepResult {
    Ok(w.check_fired_times(&name, &number, count.0)?)
}

#[then(expr = "messaging action {string} has not fired for {interaction}")]
fn not_fired(w: &mut ConvWorld, name: String, number: InteractionNo) -> StepResult {
    Ok(w.check_fired_times(&name, &number, 0)?)
}

#[then(expr = "interaction {interaction} has a pending timer {string} due at {date_time}")]
fn pending_timer(w: &mut ConvWorld, number: InteractionNo, name: String, at: At) -> StepResult {
    Ok(w.check_pending_timer(&number, &name, at)?)
}

#[then(expr = "interaction {interaction} has {count} pending timer(s)")]
fn pending_count(w: &mut ConvWorld, number: InteractionNo, n: Count) -> StepResult {
    Ok(w.check_pending_timer_count(&number, n.0)?)
}

#[then(expr = "agent {string} has {notification}")]
fn notification(w: &mut ConvWorld, agent: String, want: Notification) -> StepResult {
    Ok(w.check_notification(&agent, &want)?)
}

#[then(expr = "agent {string} has {count} workspace notification(s)")]
fn notification_count(w: &mut ConvWorld, agent: String, n: Count) -> StepResult {
    Ok(w.check_notification_count(&agent, n.0)?)
}
