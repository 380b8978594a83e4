//! Messaging profiles (sys_cs_channel_user_profile).

use cucumber::{given, then, when};

use super::StepResult;
use crate::check::params::{
    Activity, Count, InteractionNo, MobilePhone, Requester, RequesterOrNobody,
};
use crate::check::world::ConvWorld;

pub const EXAMPLES: &[&str] = &[
    r#"Given a messaging profile links "+14155552671" to sys_user "Ada Lovelace""#,
    r#"Given a messaging profile links "+14155552671" to nobody"#,
    r#"When the agent re-links interaction IMS0001001 to sys_user "Ada Lovelace""#,
    r#"Then "+14155552671" has an active messaging profile linked to sys_user "Ada Lovelace""#,
    r#"Then "+14155552671" has an active messaging profile linked to nobody"#,
    r#"Then "+14155552671" has an inactive messaging profile linked to consumer "Bea Brown""#,
    r#"Then "+14155552671" has 2 messaging profiles"#,
    r#"Then "+14155552671" has 1 messaging profile"#,
    r#"Then the sys_user "Ada Lovelace" has mobile phone "+14155552671""#,
    r#"Then the sys_user "Ada Lovelace" has no mobile phone"#,
];

#[given(expr = "a messaging profile links {string} to {requester_or_nobody}")]
fn profile(w: &mut ConvWorld, phone: String, to: RequesterOrNobody) -> StepResult {
    Ok(w.given_profile(&phone, &to)?)
}

#[when(expr = "the agent re-links interaction {interaction} to {requester}")]
fn relink(w: &mut ConvWorld, number: InteractionNo, to: Requester) -> StepResult {
    Ok(w.relink(&number, &to)?)
}

#[then(expr = "{string} has an {activity} messaging profile linked to {requester_or_nobody}")]
fn has_profile(
    w: &mut ConvWorld,
    phone: String,
    activity: Activity,
    linked: RequesterOrNobody,
) -> StepResult {
    Ok(w.check_profile(&phone, activity.0, &linked)?)
}

#[then(expr = "{string} has {count} messaging profile(s)")]
fn profile_count(w: &mut ConvWorld, phone: String, count: Count) -> StepResult {
    Ok(w.check_profile_count(&phone, count.0)?)
}

#[then(expr = "the {requester} has {mobile_phone}")]
fn mobile_phone(w: &mut ConvWorld, who: Requester, phone: MobilePhone) -> StepResult {
    Ok(w.check_mobile_phone(&who, &phone)?)
}
