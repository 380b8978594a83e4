//! SMS update notifications: START, STOP and Notification (seed 003).

use cucumber::then;

use super::ensure;
use crate::check::world::ConvWorld;

pub const EXAMPLES: &[&str] = &[
    r#"Then sys_user "Ada Lovelace" has SMS update notifications on"#,
    r#"Then sys_user "Ada Lovelace" has SMS update notifications off"#,
    r#"Then sys_user "Ada Lovelace" never set SMS update notifications"#,
    r#"Then no SMS update subscription is stored"#,
];

#[then(regex = r#"^sys_user "([^"]+)" has SMS update notifications (on|off)$"#)]
fn setting(w: &mut ConvWorld, user: String, state: String) -> Result<(), String> {
    let got = w.subscription(&user)?;
    let want = state == "on";
    // Never set means off (NOTIF-1).
    ensure(got.unwrap_or(false) == want, || {
        format!("{user}'s SMS updates are {got:?}, expected {state}")
    })
}

#[then(regex = r#"^sys_user "([^"]+)" never set SMS update notifications$"#)]
fn never_set(w: &mut ConvWorld, user: String) -> Result<(), String> {
    let got = w.subscription(&user)?;
    ensure(got.is_none(), || {
        format!("{user} has a stored setting {got:?}")
    })
}

#[then("no SMS update subscription is stored")]
fn none_stored(w: &mut ConvWorld) -> Result<(), String> {
    let n = w.subscription_count()?;
    ensure(n == 0, || format!("{n} subscriptions are stored"))
}
