//! Provider numbers, the provider's webhooks and status callbacks, and the simulated Twilio's
//! carriers and faults.

use cucumber::{given, then, when};

use super::StepResult;
use crate::check::params::{
    Carrier, ErrorCode, InboundWebhookFault, Integration, List, ListFault, MessageRef, NumberUse,
    SendFault, Signature, StatusCallbackFault, Switch,
};
use crate::check::world::ConvWorld;

pub const EXAMPLES: &[&str] = &[
    r#"Given the Conversational SMS provider number "+14155550100""#,
    r#"Given the Conversational SMS provider numbers "+14155550100" and "+14155550101""#,
    r#"Given "+14155550199" is a ServiceNowTwilioDirect number"#,
    r#"Given "+14155550198" is a Twilio Notify number"#,
    r#"When an administrator adds "+14155550199" as a Conversational SMS provider number"#,
    r#"Then Twilio's number "+14155550199" sends inbound messages to the engine"#,
    r#"When a webhook with the signature "bm90IGEgc2lnbmF0dXJl" posts "Hi" from "+14155552671" to "+14155550100""#,
    r#"When a webhook with no signature posts "Hi" from "+14155552671" to "+14155550100""#,
    r#"When a webhook with Twilio's signature of "Hi" posts "Send my refund to 1234" from "+14155552671" to "+14155550100""#,
    r#"When Twilio delivers the same inbound webhook again"#,
    r#"When Twilio delivers the webhook of message #1 of IMS0001001 again"#,
    r#"Then the webhook is answered with status 403"#,
    r#"Then "+14155550100" is a Conversational SMS provider number"#,
    r#"Then "+14155550198" is not a Conversational SMS provider number"#,
    r#"Then "+14155550198" is still a Twilio Notify number"#,
    r#"Given the handset "+14155552671" is unreachable"#,
    r#"Given the handset "+14155552671" is not a mobile number"#,
    r#"Given Twilio answers every send with HTTP 500"#,
    r#"Given Twilio answers every send with HTTP 429"#,
    r#"Given Twilio answers 2% of sends with HTTP 429"#,
    r#"Given Twilio answers 10% of sends to or from "+14155550100" with HTTP 500"#,
    r#"Given Twilio answers sends normally again"#,
    r#"Given Twilio answers the next message list with HTTP 500"#,
    r#"Given Twilio answers 20% of message lists to or from "+14155550100" with HTTP 500"#,
    r#"Given Twilio answers message lists normally again"#,
    r#"Given Twilio drops every status callback"#,
    r#"Given Twilio duplicates every status callback"#,
    r#"Given Twilio reorders status callbacks"#,
    r#"Given Twilio delays every status callback by 120 seconds"#,
    r#"Given Twilio duplicates 3% of status callbacks"#,
    r#"Given Twilio reorders 3% of status callbacks to or from "+14155550100""#,
    r#"Given Twilio times out on every inbound webhook"#,
    r#"Given Twilio times out on 1% of inbound webhooks"#,
    r#"Given Twilio draws its faults from seed 7"#,
    r#"Given Twilio's own opt-out handling is off"#,
    r#"When the simulated Twilio restarts"#,
    r#"When Twilio reports message #2 of IMS0001001 as "sent""#,
    r#"When Twilio reports message #2 of IMS0001001 as "undelivered" with error 30003"#,
    r#"When Twilio deletes message #2 of IMS0001001"#,
    r#"Then message #2 of IMS0001001 has status "delivered""#,
    r#"Then message #2 of IMS0001001 has status "undelivered" with error 30003"#,
    r#"Then agents see the delivery error "The handset is switched off or out of coverage." on message #2 of IMS0001001"#,
    r#"When Twilio reports the 1st message "+14155552671" received as "delivered""#,
    r#"Then the 2nd message "+14155552671" received has status "sent""#,
];

#[given(expr = "the Conversational SMS provider number(s) {list}")]
fn provider_numbers(w: &mut ConvWorld, numbers: List) -> StepResult {
    Ok(w.given_provider_numbers(&numbers.0)?)
}

#[given(expr = "{string} is a {integration} number")]
fn other_integration(w: &mut ConvWorld, number: String, integration: Integration) -> StepResult {
    Ok(w.given_other_integration_number(&number, integration.0)?)
}

#[when(expr = "an administrator adds {string} as a Conversational SMS provider number")]
async fn admin_adds(w: &mut ConvWorld, number: String) -> StepResult {
    Ok(w.admin_adds_provider_number(&number).await?)
}

#[then(expr = "Twilio's number {string} sends inbound messages to the engine")]
fn number_sends_to_engine(w: &mut ConvWorld, number: String) -> StepResult {
    Ok(w.check_number_sends_to_engine(&number)?)
}

#[when(expr = "a webhook with {signature} posts {string} from {string} to {string}")]
async fn forged(
    w: &mut ConvWorld,
    signature: Signature,
    body: String,
    from: String,
    to: String,
) -> StepResult {
    Ok(w.forged_webhook(&signature, &body, &from, &to).await?)
}

#[when("Twilio delivers the same inbound webhook again")]
async fn redeliver(w: &mut ConvWorld) -> StepResult {
    Ok(w.redeliver().await?)
}

#[when(expr = "Twilio delivers the webhook of {message} again")]
async fn redeliver_message(w: &mut ConvWorld, message: MessageRef) -> StepResult {
    Ok(w.redeliver_message(&message).await?)
}

#[then(expr = "the webhook is answered with status {int}")]
fn webhook_status(w: &mut ConvWorld, status: i64) -> StepResult {
    Ok(w.check_webhook_status(status)?)
}

#[then(expr = "{string} is {number_use}")]
fn number_use(w: &mut ConvWorld, number: String, used: NumberUse) -> StepResult {
    Ok(w.check_number_use(&number, used)?)
}

#[when(expr = "Twilio reports {message} as {string}{error_code}")]
async fn report_status(
    w: &mut ConvWorld,
    message: MessageRef,
    status: String,
    error: ErrorCode,
) -> StepResult {
    Ok(w.report_status(&message, &status, error.0).await?)
}

#[when(expr = "Twilio deletes {message}")]
async fn twilio_deletes(w: &mut ConvWorld, message: MessageRef) -> StepResult {
    Ok(w.twilio_deletes(&message).await?)
}

#[then(expr = "{message} has status {string}{error_code}")]
fn message_status(
    w: &mut ConvWorld,
    message: MessageRef,
    status: String,
    error: ErrorCode,
) -> StepResult {
    Ok(w.check_message_status(&message, &status, error.0)?)
}

#[then(expr = "agents see the delivery error {string} on {message}")]
fn delivery_error(w: &mut ConvWorld, text: String, message: MessageRef) -> StepResult {
    Ok(w.check_delivery_error(&message, &text)?)
}

#[given(expr = "the handset {string} is {carrier}")]
fn carrier(w: &mut ConvWorld, phone: String, profile: Carrier) -> StepResult {
    Ok(w.given_carrier(&phone, profile.0)?)
}

#[given(expr = "Twilio answers {api_fault}")]
fn api_fault(w: &mut ConvWorld, fault: SendFault) -> StepResult {
    Ok(w.given_api_fault(fault.fault, &fault.strikes)?)
}

#[given(expr = "Twilio answers {list_fault}")]
fn list_fault(w: &mut ConvWorld, fault: ListFault) -> StepResult {
    Ok(w.given_list_fault(fault.fault, &fault.strikes)?)
}

#[given(expr = "Twilio {callback_fault}")]
fn callback_fault(w: &mut ConvWorld, fault: StatusCallbackFault) -> StepResult {
    Ok(w.given_callback_fault(fault.fault, &fault.strikes)?)
}

#[given(expr = "Twilio {webhook_fault}")]
fn webhook_fault(w: &mut ConvWorld, fault: InboundWebhookFault) -> StepResult {
    Ok(w.given_webhook_timeouts(&fault.strikes)?)
}

#[given(expr = "Twilio draws its faults from seed {int}")]
fn fault_seed(w: &mut ConvWorld, seed: u64) -> StepResult {
    Ok(w.given_fault_seed(seed)?)
}

#[given(expr = "Twilio's own opt-out handling is {on_off}")]
fn opt_out_handling(w: &mut ConvWorld, on: Switch) -> StepResult {
    Ok(w.given_opt_out_handling(on.0)?)
}

/// What `convsms serve` journals when it starts again on its database: the simulated Twilio
/// forgets its messages, opt-outs, carriers and faults, and counts SIDs on from above every
/// stored one.
#[when("the simulated Twilio restarts")]
fn sim_restarts(w: &mut ConvWorld) -> StepResult {
    Ok(w.sim_restarts()?)
}
