//! Requesters, agents and settings.

use cucumber::given;

use super::StepResult;
use crate::check::params::NewRequester;
use crate::check::world::ConvWorld;

pub const EXAMPLES: &[&str] = &[
    r#"Given a sys_user "Ada Lovelace" with mobile phone "+14155552671""#,
    r#"Given a consumer "Bea Brown" with mobile phone "07400 123456" located in "GB""#,
    r#"Given a customer contact "Cy Chen""#,
    r#"Given a contact "Cy Chen" with no mobile phone"#,
    r#"Given a user "Ada Lovelace" with mobile phone "+14155552671""#,
    r#"Given a consumer with mobile phone "+14155550123""#,
    r#"Given made-up names come from seed 7"#,
    r#"Given an agent "alice""#,
    r#"Given an agent "bob" who is available for SMS"#,
    r#"Given a user "eve" without the agent_workspace_user role"#,
    r#"Given the property "glide.phone_number.default_region" is "GB""#,
    r#"Given the virtual agent is off"#,
];

#[given(expr = "a {new_requester}")]
fn requester(w: &mut ConvWorld, new: NewRequester) -> StepResult {
    Ok(w.given_requester(&new)?)
}

/// The requesters created without a name get theirs from this seed's generator, from here on
/// (2026 until a step says otherwise; `convsms serve --seed` writes this step into its export).
#[given(expr = "made-up names come from seed {int}")]
fn names_seed(w: &mut ConvWorld, seed: u64) -> StepResult {
    Ok(w.given_names_seed(seed)?)
}

#[given(expr = "an agent {string}")]
fn agent(w: &mut ConvWorld, name: String) -> StepResult {
    Ok(w.given_agent(&name)?)
}

#[given(expr = "an agent {string} who is available for SMS")]
fn available_agent(w: &mut ConvWorld, name: String) -> StepResult {
    Ok(w.given_available_agent(&name)?)
}

#[given(expr = "a user {string} without the agent_workspace_user role")]
fn user_without_role(w: &mut ConvWorld, name: String) -> StepResult {
    Ok(w.given_user_without_agent_role(&name)?)
}

#[given(expr = "the property {string} is {string}")]
fn property(w: &mut ConvWorld, name: String, value: String) -> StepResult {
    Ok(w.given_property(&name, &value)?)
}

#[given("the virtual agent is off")]
fn va_off(w: &mut ConvWorld) -> StepResult {
    Ok(w.given_virtual_agent_off()?)
}
