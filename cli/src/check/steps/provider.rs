//! Provider numbers and the provider's webhooks.

use cucumber::{given, then, when};

use super::{ensure, quoted};
use crate::check::world::ConvWorld;
use convsms_sim::{ApiFault, CallbackFault, CarrierProfile};

pub const EXAMPLES: &[&str] = &[
    r#"Given the Conversational SMS provider number "+14155550100""#,
    r#"Given the Conversational SMS provider numbers "+14155550100" and "+14155550101""#,
    r#"Given "+14155550199" is a ServiceNowTwilioDirect number"#,
    r#"When an administrator adds "+14155550199" as a Conversational SMS provider number"#,
    r#"When a webhook with the signature "bm90IGEgc2lnbmF0dXJl" posts "Hi" from "+14155552671" to "+14155550100""#,
    r#"When a webhook with no signature posts "Hi" from "+14155552671" to "+14155550100""#,
    r#"When Twilio delivers the same inbound webhook again"#,
    r#"Then the webhook is answered with status 403"#,
    r#"Then "+14155550100" is a Conversational SMS provider number"#,
    r#"Given the handset "+14155552671" is unreachable"#,
    r#"Given the handset "+14155552671" is not a mobile number"#,
    r#"Given Twilio answers every send with HTTP 500"#,
    r#"Given Twilio answers every send with HTTP 429"#,
    r#"Given Twilio answers sends normally again"#,
    r#"Given Twilio drops every status callback"#,
    r#"Given Twilio duplicates every status callback"#,
    r#"Given Twilio reorders status callbacks"#,
    r#"Given Twilio delays every status callback by 120 seconds"#,
    r#"Given Twilio's own opt-out handling is off"#,
    r#"When Twilio reports message #2 of IMS0001001 as "sent""#,
    r#"When Twilio reports message #2 of IMS0001001 as "undelivered" with error 30003"#,
    r#"Then message #2 of IMS0001001 has status "delivered""#,
    r#"Then message #2 of IMS0001001 has status "undelivered" with error 30003"#,
];

#[given(regex = r#"^the Conversational SMS provider numbers? (".+")$"#)]
fn provider_numbers(w: &mut ConvWorld, list: String) -> Result<(), String> {
    w.given_provider_numbers(&quoted(&list))
}

#[given(regex = r#"^"([^"]+)" is a (ServiceNowTwilioDirect|Twilio Notify) number$"#)]
fn other_integration(w: &mut ConvWorld, number: String, integration: String) -> Result<(), String> {
    w.given_other_integration_number(&integration, &number)
}

#[when(regex = r#"^an administrator adds "([^"]+)" as a Conversational SMS provider number$"#)]
fn admin_adds(w: &mut ConvWorld, number: String) -> Result<(), String> {
    w.admin_adds_provider_number(&number)
}

#[when(
    regex = r#"^a webhook with (?:the signature "([^"]*)"|no signature) posts "([^"]*)" from "([^"]+)" to "([^"]+)"$"#
)]
async fn forged(
    w: &mut ConvWorld,
    sig: String,
    body: String,
    from: String,
    to: String,
) -> Result<(), String> {
    let sig = (!sig.is_empty()).then_some(sig.as_str());
    w.forged_webhook(&from, &body, &to, sig).await
}

#[when("Twilio delivers the same inbound webhook again")]
async fn redeliver(w: &mut ConvWorld) -> Result<(), String> {
    w.redeliver().await
}

#[then(regex = r"^the webhook is answered with status (\d{3})$")]
fn webhook_status(w: &mut ConvWorld, status: u16) -> Result<(), String> {
    let got = w.last_http.as_ref().ok_or("no webhook was posted")?;
    ensure(got.status == status, || {
        format!("expected status {status}, got {}: {}", got.status, got.body)
    })
}

#[then(regex = r#"^"([^"]+)" is a Conversational SMS provider number$"#)]
fn is_provider_number(w: &mut ConvWorld, number: String) -> Result<(), String> {
    let all = w.provider_numbers()?;
    ensure(all.contains(&number), || {
        format!("{number} is not among the provider numbers {all:?}")
    })
}

#[when(regex = r#"^Twilio reports message #(\d+) of (\S+) as "([a-z_]+)"(?: with error (\d+))?$"#)]
async fn report_status(
    w: &mut ConvWorld,
    seq: i64,
    number: String,
    status: String,
    code: String,
) -> Result<(), String> {
    let code = code.parse().ok();
    w.post_status_callback(&number, seq, &status, code).await
}

#[then(regex = r#"^message #(\d+) of (\S+) has status "([a-z_]+)"(?: with error (\d+))?$"#)]
fn message_status(
    w: &mut ConvWorld,
    seq: i64,
    number: String,
    status: String,
    code: String,
) -> Result<(), String> {
    let got = w.message_status(&number, seq)?;
    let want_code: Option<i64> = code.parse().ok();
    ensure(
        got.0 == status && (want_code.is_none() || got.1 == want_code),
        || {
            format!("message #{seq} of {number} is {:?} with error {:?}; expected {status:?} with error {want_code:?}", got.0, got.1)
        },
    )
}

#[given(
    regex = r#"^the handset "([^"]+)" is (reachable|unreachable|an unknown handset|a landline|filtered by its carrier|failing with an unknown error|not a mobile number)$"#
)]
fn carrier(w: &mut ConvWorld, phone: String, profile: String) -> Result<(), String> {
    let profile = match profile.as_str() {
        "unreachable" => CarrierProfile::Unreachable,
        "an unknown handset" => CarrierProfile::UnknownHandset,
        "a landline" => CarrierProfile::Landline,
        "filtered by its carrier" => CarrierProfile::Filtered,
        "failing with an unknown error" => CarrierProfile::UnknownError,
        "not a mobile number" => CarrierProfile::NotMobile,
        _ => CarrierProfile::Delivers,
    };
    w.given_carrier(&phone, profile)
}

#[given(regex = r"^Twilio answers (?:every send with HTTP (500|429)|sends normally again)$")]
fn api_fault(w: &mut ConvWorld, status: String) {
    let fault = match status.as_str() {
        "500" => Some(ApiFault::ServerError),
        "429" => Some(ApiFault::RateLimit),
        _ => None,
    };
    w.given_api_fault(fault);
}

#[given(
    regex = r"^Twilio (drops every|duplicates every|reorders) status callbacks?(?: by (\d+) seconds)?$|^Twilio delays every status callback by (\d+) seconds$"
)]
fn callback_fault(w: &mut ConvWorld, kind: String, _unused: String, delay: String) {
    let fault = match kind.as_str() {
        "drops every" => CallbackFault::Drop,
        "duplicates every" => CallbackFault::Duplicate,
        "reorders" => CallbackFault::Reorder,
        _ => CallbackFault::Delay {
            seconds: delay.parse().unwrap_or(0),
        },
    };
    w.given_callback_fault(Some(fault));
}

#[given("Twilio's own opt-out handling is off")]
fn opt_out_off(w: &mut ConvWorld) {
    w.given_opt_out_handling(false);
}
