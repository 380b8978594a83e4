//! ServiceNow's validation endpoints: validate_phone_number and validate_profile.

use cucumber::{then, when};

use super::StepResult;
use crate::check::params::{ForConsumer, InRegion, Requester};
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

#[when(expr = "the agent validates the phone number {string}{for_consumer}{in_region}")]
async fn validate_number(
    w: &mut ConvWorld,
    number: String,
    consumer: ForConsumer,
    region: InRegion,
) -> StepResult {
    Ok(w.validate_number(&number, &consumer, &region).await?)
}

#[when(expr = "the agent validates the profile of {string} for {requester}")]
async fn validate_profile(w: &mut ConvWorld, number: String, who: Requester) -> StepResult {
    Ok(w.validate_profile(&number, &who).await?)
}

#[then(expr = "the validation answers {string}{in_region}")]
fn answers(w: &mut ConvWorld, e164: String, region: InRegion) -> StepResult {
    Ok(w.check_validation_answers(&e164, &region)?)
}

#[then(expr = "the validation is refused with {string}")]
fn refused(w: &mut ConvWorld, text: String) -> StepResult {
    Ok(w.check_validation_refused(&text)?)
}
