//! The virtual agent: topics, records they show, and live agents' rich replies.

use cucumber::gherkin::Step;
use cucumber::{given, then, when};

use super::StepResult;
use crate::check::params::{CaseState, InteractionNo, Requester, TopicPosition};
use crate::check::world::ConvWorld;

pub const EXAMPLES: &[&str] = &[
    r#"Given the virtual agent answers with the built-in topics"#,
    r#"Given the virtual agent answers only with the topic files that follow"#,
    r#"Given the topic file "store_hours.toml":"#,
    r#"When an administrator loads the topic file "carousel.toml":"#,
    r#"Given consumer "Bea Brown" has an open case "CS0001001" about "Router broken""#,
    r#"Given consumer "Bea Brown" has a resolved case "CS0001002" about "Old bill""#,
    r#"Given the order "4471" is "In transit" with "UPS", expected "Tuesday""#,
    r#"When agent "alice" sends the card of case "CS0001001" on interaction IMS0001001"#,
    r#"Then "+14155552671" receives from "+14155550100":"#,
    r#"Then interaction IMS0001001 waits in topic "order_status" at node "ask_need""#,
    r#"Then interaction IMS0001001 waits in no topic"#,
];

#[given("the virtual agent answers with the built-in topics")]
fn built_in_topics(w: &mut ConvWorld) -> StepResult {
    Ok(w.given_built_in_topics()?)
}

#[given("the virtual agent answers only with the topic files that follow")]
fn only_topic_files(w: &mut ConvWorld) -> StepResult {
    Ok(w.given_only_topic_files()?)
}

#[given(expr = "the topic file {string}:")]
fn topic_file(w: &mut ConvWorld, file: String, step: &Step) -> StepResult {
    Ok(w.given_topic_file(&file, step)?)
}

#[when(expr = "an administrator loads the topic file {string}:")]
fn admin_loads_topic(w: &mut ConvWorld, file: String, step: &Step) -> StepResult {
    Ok(w.admin_loads_topic_file(&file, step)?)
}

#[given(expr = "{requester} has a(n) {case_state} case {string} about {string}")]
fn case(
    w: &mut ConvWorld,
    who: Requester,
    state: CaseState,
    number: String,
    about: String,
) -> StepResult {
    Ok(w.given_case(&who, state.0, &number, &about)?)
}

#[given(expr = "the order {string} is {string} with {string}, expected {string}")]
fn order(
    w: &mut ConvWorld,
    number: String,
    state: String,
    carrier: String,
    eta: String,
) -> StepResult {
    Ok(w.given_order(&number, &state, &carrier, &eta)?)
}

#[when(expr = "agent {string} sends the card of case {string} on interaction {interaction}")]
async fn agent_card(
    w: &mut ConvWorld,
    agent: String,
    case: String,
    number: InteractionNo,
) -> StepResult {
    Ok(w.send_case_card(&agent, &case, &number).await?)
}

#[then(expr = "{string} receives from {string}:")]
fn receives_exactly(w: &mut ConvWorld, phone: String, from: String, step: &Step) -> StepResult {
    Ok(w.check_receives_exactly(&phone, &from, step)?)
}

#[then(expr = "interaction {interaction} waits in {topic_position}")]
fn waits_at(w: &mut ConvWorld, number: InteractionNo, position: TopicPosition) -> StepResult {
    Ok(w.check_waits_at(&number, &position)?)
}
