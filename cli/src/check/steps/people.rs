//! Requesters, agents and settings.

use cucumber::given;

use super::{table, TABLE};
use crate::check::world::ConvWorld;

pub const EXAMPLES: &[&str] = &[
    r#"Given a sys_user "Ada Lovelace" with mobile phone "+14155552671""#,
    r#"Given a consumer "Bea Brown" with mobile phone "07400 123456" located in "GB""#,
    r#"Given a customer contact "Cy Chen""#,
    r#"Given a consumer with mobile phone "+14155550123""#,
    r#"Given an agent "alice""#,
    r#"Given an agent "bob" who is available for SMS"#,
    r#"Given a user "eve" without the agent_workspace_user role"#,
    r#"Given the property "glide.phone_number.default_region" is "GB""#,
    r#"Given the virtual agent is off"#,
];

#[given(
    regex = r#"^an? (sys_user|user|consumer|customer contact|contact)(?: "([^"]+)")?(?: with mobile phone "([^"]+)")?(?: located in "([A-Za-z]{2})")?$"#
)]
fn party(
    w: &mut ConvWorld,
    t: String,
    name: String,
    phone: String,
    country: String,
) -> Result<(), String> {
    let _ = TABLE;
    fn opt(s: &str) -> Option<&str> {
        (!s.is_empty()).then_some(s)
    }
    w.given_party(table(&t), opt(&name), opt(&phone), opt(&country))
}

#[given(regex = r#"^an agent "([^"]+)"( who is available for SMS)?$"#)]
fn agent(w: &mut ConvWorld, name: String, available: String) -> Result<(), String> {
    w.given_agent(&name, true, !available.is_empty())
}

#[given(regex = r#"^a user "([^"]+)" without the agent_workspace_user role$"#)]
fn user_without_role(w: &mut ConvWorld, name: String) -> Result<(), String> {
    w.given_agent(&name, false, false)
}

#[given(regex = r#"^the property "([^"]+)" is "([^"]*)"$"#)]
fn property(w: &mut ConvWorld, name: String, value: String) -> Result<(), String> {
    w.given_property(&name, &value)
}

#[given("the virtual agent is off")]
fn va_off(w: &mut ConvWorld) -> Result<(), String> {
    w.given_property(convsms::engine::properties::VIRTUAL_AGENT_ENABLED, "false")
}
