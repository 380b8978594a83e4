//! ServiceNow's validation endpoints: validate_phone_number and validate_profile.

use cucumber::{then, when};
use serde_json::json;

use super::ensure;
use crate::check::world::ConvWorld;

pub const EXAMPLES: &[&str] = &[
    r#"When the agent validates the phone number "+14155552671""#,
    r#"When the agent validates the phone number "07400 123456" for consumer "Bea Brown""#,
    r#"When the agent validates the phone number "020 7183 8750" in region "GB""#,
    r#"When the agent validates the profile of "+14155552671" for consumer "Bea Brown""#,
    r#"Then the validation answers "+447400123456""#,
    r#"Then the validation answers "+447400123456" in region "GB""#,
    r#"Then the validation is refused with "is not a phone number""#,
];

#[when(
    regex = r#"^the agent validates the phone number "([^"]*)"(?: for consumer "([^"]+)")?(?: in region "([^"]+)")?$"#
)]
async fn validate_number(
    w: &mut ConvWorld,
    number: String,
    consumer: String,
    region: String,
) -> Result<(), String> {
    let mut body = json!({"phone_number": number});
    if !consumer.is_empty() {
        body["consumer"] = json!(consumer);
    }
    if !region.is_empty() {
        body["region"] = json!(region);
    }
    w.call_endpoint("validate_phone_number", body).await
}

#[when(
    regex = r#"^the agent validates the profile of "([^"]+)" for (consumer|contact|user) "([^"]+)"$"#
)]
async fn validate_profile(
    w: &mut ConvWorld,
    number: String,
    kind: String,
    name: String,
) -> Result<(), String> {
    w.call_endpoint(
        "validate_profile",
        json!({"phone_number": number, kind: name}),
    )
    .await
}

fn answer(w: &ConvWorld) -> Result<(u16, serde_json::Value), String> {
    let h = w.last_http.as_ref().ok_or("no endpoint was called")?;
    let v = serde_json::from_str(&h.body).map_err(|e| format!("not JSON ({e}): {}", h.body))?;
    Ok((h.status, v))
}

#[then(regex = r#"^the validation answers "([^"]+)"(?: in region "([^"]+)")?$"#)]
fn answers(w: &mut ConvWorld, e164: String, region: String) -> Result<(), String> {
    let (status, v) = answer(w)?;
    let r = &v["result"];
    ensure(
        status == 200 && r["valid"] == true && r["e164"] == e164.as_str(),
        || format!("expected {e164}, got {status} {v}"),
    )?;
    ensure(region.is_empty() || r["region"] == region.as_str(), || {
        format!("expected region {region}, got {v}")
    })
}

#[then(regex = r#"^the validation is refused with "([^"]+)"$"#)]
fn refused(w: &mut ConvWorld, text: String) -> Result<(), String> {
    let (status, v) = answer(w)?;
    let msg = v["error"]["message"].as_str().unwrap_or_default();
    ensure(
        status == 400 && v["status"] == "failure" && msg.contains(&text),
        || format!("expected a 400 failure saying {text:?}, got {status} {v}"),
    )
}
