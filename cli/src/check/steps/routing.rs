//! Advanced Work Assignment: SMS queues, agents' presence and capacity, work items offered in the
//! Workspace Inbox, accepted or rejected (ROUTE-1, ROUTE-2, INBOX-3).

use cucumber::{given, then, when};

use super::{ensure, quoted};
use crate::check::world::ConvWorld;
use convsms::domain::work_assignment::Presence;

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
    r#"Then agent "alice"'s Workspace Inbox offers IMS0001001"#,
    r#"Then agent "alice"'s Workspace Inbox offers IMS0001001 and IMS0001002"#,
    r#"Then agent "bob"'s Workspace Inbox is empty"#,
    r#"Then the work item for IMS0001001 is "pending""#,
    r#"Then the work item for IMS0001001 is offered to agent "bob""#,
    r#"Then the work item for IMS0001001 is in queue "Billing""#,
];

fn presence(word: &str) -> Presence {
    Presence::parse(word).unwrap_or(Presence::Offline)
}

#[given(
    regex = r#"^a queue "([^"]+)" for SMS(?: where "([^"]*)")?(?: in order (-?\d+))?(?: with agents? (.+))?$"#
)]
fn queue(
    w: &mut ConvWorld,
    name: String,
    condition: String,
    order: String,
    agents: String,
) -> Result<(), String> {
    let order = order.parse().unwrap_or(100);
    w.given_queue(&name, &condition, order, &quoted(&agents))
}

#[when(
    regex = r#"^an administrator saves a queue "([^"]+)" for SMS(?: where "([^"]*)")?(?: in order (-?\d+))?(?: with agents? (.+))?$"#
)]
fn admin_saves_queue(
    w: &mut ConvWorld,
    name: String,
    condition: String,
    order: String,
    agents: String,
) -> Result<(), String> {
    let order = order.parse().unwrap_or(100);
    w.try_save_queue(&name, &condition, order, &quoted(&agents));
    Ok(())
}

#[given(regex = r#"^agent "([^"]+)" is (available|away|offline)$"#)]
fn given_presence(w: &mut ConvWorld, agent: String, word: String) -> Result<(), String> {
    w.given_presence(&agent, presence(&word))
}

#[given(regex = r#"^agent "([^"]+)" has SMS capacity (\d+)$"#)]
fn given_capacity(w: &mut ConvWorld, agent: String, n: u32) -> Result<(), String> {
    w.given_capacity(&agent, n)
}

#[when(regex = r#"^agent "([^"]+)" (?:becomes|goes) (available|away|offline)$"#)]
fn when_presence(w: &mut ConvWorld, agent: String, word: String) -> Result<(), String> {
    w.given_presence(&agent, presence(&word))
}

#[when(regex = r#"^agent "([^"]+)"'s SMS capacity becomes (\d+)$"#)]
fn when_capacity(w: &mut ConvWorld, agent: String, n: u32) -> Result<(), String> {
    w.given_capacity(&agent, n)
}

#[when(
    regex = r#"^agent "([^"]+)" (accepts|rejects) the (?:offered work item|work item for (\S+))$"#
)]
async fn answer(
    w: &mut ConvWorld,
    agent: String,
    verb: String,
    interaction: String,
) -> Result<(), String> {
    let interaction = (!interaction.is_empty()).then_some(interaction.as_str());
    w.answer_offer(&agent, verb == "accepts", interaction).await
}

#[then(
    regex = r#"^agent "([^"]+)"'s Workspace Inbox (?:offers (\S+(?:(?:, | and )\S+)*)|is empty)$"#
)]
fn inbox(w: &mut ConvWorld, agent: String, list: String) -> Result<(), String> {
    let want: Vec<String> = list
        .replace(" and ", ", ")
        .split(", ")
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect();
    let got = w.inbox(&agent)?;
    ensure(got == want, || {
        format!("{agent}'s Workspace Inbox offers {got:?}, expected {want:?}")
    })
}

#[then(regex = r#"^the work item for (\S+) is "([^"]+)"$"#)]
fn item_state(w: &mut ConvWorld, interaction: String, state: String) -> Result<(), String> {
    let item = w.work_item(&interaction)?;
    ensure(item.state.as_str() == state, || {
        format!("the work item for {interaction} is {item:?}, expected state {state}")
    })
}

#[then(regex = r#"^the work item for (\S+) is offered to agent "([^"]+)"$"#)]
fn item_offered(w: &mut ConvWorld, interaction: String, agent: String) -> Result<(), String> {
    let item = w.work_item(&interaction)?;
    ensure(
        item.active
            && item.state == convsms::domain::work_assignment::WorkItemState::Offered
            && item.agent.as_deref() == Some(agent.as_str()),
        || format!("the work item for {interaction} is {item:?}, expected offered to {agent}"),
    )
}

#[then(regex = r#"^the work item for (\S+) is in queue "([^"]+)"$"#)]
fn item_queue(w: &mut ConvWorld, interaction: String, queue: String) -> Result<(), String> {
    let item = w.work_item(&interaction)?;
    ensure(item.queue == queue, || {
        format!(
            "the work item for {interaction} is in queue {:?}, expected {queue:?}",
            item.queue
        )
    })
}
