//! SMS update notifications: START, STOP and Notification, and the updates they are for (seed
//! 003).

use cucumber::{then, when};

use super::StepResult;
use crate::check::params::{Count, Switch};
use crate::check::world::ConvWorld;

pub const EXAMPLES: &[&str] = &[
    r#"When case "CS0001001" changes to state "resolved""#,
    r#"Then sys_user "Ada Lovelace" has SMS update notifications on"#,
    r#"Then sys_user "Ada Lovelace" has SMS update notifications off"#,
    r#"Then sys_user "Ada Lovelace" never set SMS update notifications"#,
    r#"Then no SMS update subscription is stored"#,
    r#"Then 2 SMS update subscriptions are stored"#,
];

#[when(expr = "case {string} changes to state {string}")]
async fn case_state(w: &mut ConvWorld, number: String, state: String) -> StepResult {
    Ok(w.set_case_state(&number, &state).await?)
}

#[then(expr = "sys_user {string} has SMS update notifications {on_off}")]
fn setting(w: &mut ConvWorld, user: String, on: Switch) -> StepResult {
    Ok(w.check_sms_updates(&user, on.0)?)
}

#[then(expr = "sys_user {string} never set SMS update notifications")]
fn never_set(w: &mut ConvWorld, user: String) -> StepResult {
    Ok(w.check_sms_updates_never_set(&user)?)
}

#[then(expr = "{count} SMS update subscription(s) is/are stored")]
fn stored(w: &mut ConvWorld, n: Count) -> StepResult {
    Ok(w.check_subscription_count(n.0)?)
}
