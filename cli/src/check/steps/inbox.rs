//! The agent's workspace: the Ongoing tab and its new-message indicator, and the system messages
//! agents see against the subset requesters receive by SMS (INBOX-1, INBOX-2, SYSMSG-1).

use cucumber::{then, when};

use super::StepResult;
use crate::check::params::{AgentReply, Attached, Count, InteractionNo, NewMessage, Receives};
use crate::check::world::ConvWorld;

pub const EXAMPLES: &[&str] = &[
    r#"When agent "alice" reads IMS0001001"#,
    r#"When agent "alice" replies "On it, one moment" in IMS0001001"#,
    r#"When agent "alice" replies "All sorted, goodbye" and closes IMS0001001"#,
    r#"When agent "alice" closes IMS0001001"#,
    r#"Then agent "alice"'s Ongoing tab shows IMS0001001 with a new message"#,
    r#"Then agent "alice"'s Ongoing tab shows IMS0001001 without a new message"#,
    r#"Then agent "alice"'s Ongoing tab does not show IMS0001001"#,
    r#"Then agent "alice"'s Ongoing tab is empty"#,
    r#"Then agent "alice"'s Ongoing tab indicator shows 1 conversation with new messages"#,
    r#"Then agent "alice"'s Ongoing tab indicator shows no conversations with new messages"#,
    r#"Then agents see "alice rejected the conversation." in IMS0001001"#,
    r#"Then agents see the requester's message "Hi" in IMS0001001"#,
    r#"Then agents see the requester's message "Look" with 2 images in IMS0001001"#,
    r#"Then the requester of IMS0001001 receives "You are now chatting with alice.""#,
    r#"Then the requester of IMS0001001 does not receive "alice rejected the conversation.""#,
];

#[when(expr = "agent {string} reads {interaction}")]
fn reads(w: &mut ConvWorld, agent: String, number: InteractionNo) -> StepResult {
    Ok(w.read_conversation(&agent, &number)?)
}

#[when(expr = "agent {string} {reply}")]
async fn replies(w: &mut ConvWorld, agent: String, reply: AgentReply) -> StepResult {
    Ok(w.agent_replies(&agent, &reply).await?)
}

#[then(expr = "agent {string}'s Ongoing tab shows {interaction} {with_or_without} a new message")]
fn shows(
    w: &mut ConvWorld,
    agent: String,
    number: InteractionNo,
    new_message: NewMessage,
) -> StepResult {
    Ok(w.check_ongoing_shows(&agent, &number, new_message.0)?)
}

#[then(expr = "agent {string}'s Ongoing tab does not show {interaction}")]
fn not_shown(w: &mut ConvWorld, agent: String, number: InteractionNo) -> StepResult {
    Ok(w.check_ongoing_hides(&agent, &number)?)
}

#[then(expr = "agent {string}'s Ongoing tab is empty")]
fn empty(w: &mut ConvWorld, agent: String) -> StepResult {
    Ok(w.check_ongoing_empty(&agent)?)
}

/// Seed 002: "the tab indicator and record highlight indicate when an SMS conversation has a
/// new message": it counts conversations, however many new messages each has.
#[then(
    expr = "agent {string}'s Ongoing tab indicator shows {count} conversation(s) with new messages"
)]
fn indicator(w: &mut ConvWorld, agent: String, count: Count) -> StepResult {
    Ok(w.check_indicator(&agent, count.0)?)
}

#[then(expr = "agents see {string} in {interaction}")]
fn agents_see(w: &mut ConvWorld, text: String, number: InteractionNo) -> StepResult {
    Ok(w.check_agents_see(&text, &number)?)
}

#[then(expr = "agents see the requester's message {string}{attached} in {interaction}")]
fn agents_see_requester(
    w: &mut ConvWorld,
    text: String,
    attached: Attached,
    number: InteractionNo,
) -> StepResult {
    Ok(w.check_agents_see_requester_message(&text, attached, &number)?)
}

#[then(expr = "the requester of {interaction} {receives} {string}")]
fn requester_receives(
    w: &mut ConvWorld,
    number: InteractionNo,
    receives: Receives,
    text: String,
) -> StepResult {
    Ok(w.check_requester_receives(&number, receives.0, &text)?)
}
