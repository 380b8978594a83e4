//! Advanced Work Assignment: SMS queues, agents' presence and capacity, work items offered in the
//! Workspace Inbox, accepted or rejected (ROUTE-1, ROUTE-2, INBOX-3); conversations agents
//! transfer or leave (SYSMSG-1).

use cucumber::{given, then, when};

use super::StepResult;
use crate::check::params::{
    AgentPresence, Count, InOrder, InboxOffers, InteractionNo, Offer, Verdict, Waiting, Where,
    WithAgents,
};
use crate::check::world::ConvWorld;

pub const EXAMPLES: &[&str] = &[
    r#"Given a queue "Billing" for SMS where "provider_phone=+14155550101" with agents "bob", "carol""#,
    r#"Given a queue "Priority" for SMS where "opened_for_table=csm_consumer" in order 10 with agent "carol""#,
    r#"When an administrator saves a queue "Broken" for SMS where "provider_phone=^^x" with agent "bob""#,
    r#"Given agent "bob" is away"#,
    r#"Given agent "bob" has SMS capacity 1"#,
    r#"When agent "bob" becomes available"#,
    r#"When agent "alice" goes offline"#,
    r#"When agent "bob"'s SMS capacity becomes 2"#,
    r#"When agent "alice" accepts the offered work item"#,
    r#"When agent "alice" rejects the work item for IMS0001001"#,
    r#"When agent "alice" transfers IMS0001001 to agent "bob""#,
    r#"When agent "alice" transfers IMS0001001 to queue "Billing""#,
    r#"When agent "alice" leaves IMS0001001"#,
    r#"Then agent "alice"'s Workspace Inbox offers IMS0001001"#,
    r#"Then agent "alice"'s Workspace Inbox offers IMS0001001 and IMS0001002"#,
    r#"Then agent "bob"'s Workspace Inbox is empty"#,
    r#"Then the work item for IMS0001001 is "pending""#,
    r#"Then the work item for IMS0001001 is offered to agent "bob""#,
    r#"Then the work item for IMS0001001 is in queue "Billing""#,
    r#"Then queue "Conversational SMS" has waiting IMS0001002 and IMS0001003"#,
    r#"Then queue "Billing" has nothing waiting"#,
];

#[given(expr = "a queue {string} for SMS{where}{in_order}{with_agents}")]
fn queue(
    w: &mut ConvWorld,
    name: String,
    condition: Where,
    order: InOrder,
    agents: WithAgents,
) -> StepResult {
    Ok(w.given_queue(&name, &condition, order.0, &agents.0)?)
}

#[when(expr = "an administrator saves a queue {string} for SMS{where}{in_order}{with_agents}")]
fn admin_saves_queue(
    w: &mut ConvWorld,
    name: String,
    condition: Where,
    order: InOrder,
    agents: WithAgents,
) -> StepResult {
    Ok(w.admin_saves_queue(&name, &condition, order.0, &agents.0)?)
}

#[given(expr = "agent {string} is {presence}")]
fn given_presence(w: &mut ConvWorld, agent: String, presence: AgentPresence) -> StepResult {
    Ok(w.given_presence(&agent, presence.0)?)
}

#[given(expr = "agent {string} has SMS capacity {count}")]
fn given_capacity(w: &mut ConvWorld, agent: String, capacity: Count) -> StepResult {
    Ok(w.given_capacity(&agent, capacity.0)?)
}

#[when(expr = "agent {string} becomes/goes {presence}")]
fn when_presence(w: &mut ConvWorld, agent: String, presence: AgentPresence) -> StepResult {
    Ok(w.given_presence(&agent, presence.0)?)
}

#[when(expr = "agent {string}'s SMS capacity becomes {count}")]
fn when_capacity(w: &mut ConvWorld, agent: String, capacity: Count) -> StepResult {
    Ok(w.given_capacity(&agent, capacity.0)?)
}

#[when(expr = "agent {string} {verdict} the {offer}")]
async fn answer(w: &mut ConvWorld, agent: String, verdict: Verdict, offer: Offer) -> StepResult {
    Ok(w.answer_offer(&agent, verdict, &offer).await?)
}

#[when(expr = "agent {string} transfers {interaction} to agent {string}")]
async fn transfer_to_agent(
    w: &mut ConvWorld,
    agent: String,
    number: InteractionNo,
    to: String,
) -> StepResult {
    Ok(w.transfer_to_agent(&agent, &number, &to).await?)
}

#[when(expr = "agent {string} transfers {interaction} to queue {string}")]
async fn transfer_to_queue(
    w: &mut ConvWorld,
    agent: String,
    number: InteractionNo,
    queue: String,
) -> StepResult {
    Ok(w.transfer_to_queue(&agent, &number, &queue).await?)
}

#[when(expr = "agent {string} leaves {interaction}")]
async fn leave(w: &mut ConvWorld, agent: String, number: InteractionNo) -> StepResult {
    Ok(w.leave(&agent, &number).await?)
}

#[then(expr = "agent {string}'s Workspace Inbox {inbox}")]
fn inbox(w: &mut ConvWorld, agent: String, offers: InboxOffers) -> StepResult {
    Ok(w.check_inbox(&agent, &offers.0)?)
}

#[then(expr = "the work item for {interaction} is {string}")]
fn item_state(w: &mut ConvWorld, number: InteractionNo, state: String) -> StepResult {
    Ok(w.check_work_item_state(&number, &state)?)
}

#[then(expr = "the work item for {interaction} is offered to agent {string}")]
fn item_offered(w: &mut ConvWorld, number: InteractionNo, agent: String) -> StepResult {
    Ok(w.check_offered_to(&number, &agent)?)
}

#[then(expr = "the work item for {interaction} is in queue {string}")]
fn item_queue(w: &mut ConvWorld, number: InteractionNo, queue: String) -> StepResult {
    Ok(w.check_in_queue(&number, &queue)?)
}

#[then(expr = "queue {string} has {waiting}")]
fn queue_waiting(w: &mut ConvWorld, queue: String, waiting: Waiting) -> StepResult {
    Ok(w.check_queue_waiting(&queue, &waiting.0)?)
}
