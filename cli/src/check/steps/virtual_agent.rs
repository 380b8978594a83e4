//! The virtual agent: topics, records they show, and live agents' rich replies.

use cucumber::gherkin::Step;
use cucumber::{given, then, when};

use super::{ensure, table};
use crate::check::world::ConvWorld;

pub const EXAMPLES: &[&str] = &[
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

fn docstring(step: &Step) -> Result<String, String> {
    step.docstring
        .as_ref()
        .map(|d| d.trim_start_matches('\n').to_owned())
        .ok_or_else(|| {
            "this step needs the file's text as a docstring (between \"\"\" lines)".to_owned()
        })
}

#[given(regex = r#"^the topic file "([^"]+)":$"#)]
fn topic_file(w: &mut ConvWorld, file: String, step: &Step) -> Result<(), String> {
    let text = docstring(step)?;
    w.load_topic_file(&file, &text)
}

#[when(regex = r#"^an administrator loads the topic file "([^"]+)":$"#)]
fn admin_loads_topic(w: &mut ConvWorld, file: String, step: &Step) -> Result<(), String> {
    let text = docstring(step)?;
    w.try_load_topic_file(&file, &text);
    Ok(())
}

#[given(
    regex = r#"^(sys_user|user|consumer|customer contact|contact) "([^"]+)" has an? (open|resolved) case "([^"]+)" about "([^"]+)"$"#
)]
fn case(
    w: &mut ConvWorld,
    t: String,
    name: String,
    state: String,
    number: String,
    text: String,
) -> Result<(), String> {
    w.given_case(table(&t), &name, &number, &text, &state)
}

#[given(regex = r#"^the order "([^"]+)" is "([^"]+)" with "([^"]+)", expected "([^"]+)"$"#)]
fn order(
    w: &mut ConvWorld,
    number: String,
    state: String,
    carrier: String,
    eta: String,
) -> Result<(), String> {
    w.given_order(&number, &state, &carrier, &eta)
}

#[when(regex = r#"^agent "([^"]+)" sends the card of case "([^"]+)" on interaction (\S+)$"#)]
async fn agent_card(
    w: &mut ConvWorld,
    agent: String,
    case: String,
    number: String,
) -> Result<(), String> {
    w.send_card(&agent, &number, "sn_customerservice_case", &case)
        .await
}

#[then(regex = r#"^"([^"]+)" receives from "([^"]+)":$"#)]
fn receives_exactly(
    w: &mut ConvWorld,
    phone: String,
    from: String,
    step: &Step,
) -> Result<(), String> {
    let want = docstring(step)?;
    let got = w.received(&phone);
    ensure(
        got.iter()
            .any(|(f, b, _)| *f == from && b.trim_end() == want.trim_end()),
        || {
            format!("{phone} did not receive from {from}:\n{want}\nIt received (from, body, media): {got:#?}")
        },
    )
}

#[then(regex = r#"^interaction (\S+) waits in (?:no topic|topic "([^"]+)" at node "([^"]+)")$"#)]
fn waits_at(w: &mut ConvWorld, number: String, topic: String, node: String) -> Result<(), String> {
    let i = w.interaction(&number)?;
    let got = i
        .va_state
        .as_deref()
        .and_then(|j| serde_json::from_str::<serde_json::Value>(j).ok());
    let got = got.map(|v| {
        (
            v["topic"].as_str().unwrap_or("").to_owned(),
            v["node"].as_str().unwrap_or("").to_owned(),
        )
    });
    let want = (!topic.is_empty()).then(|| (topic.clone(), node.clone()));
    ensure(got == want, || {
        format!("{number} waits at {got:?}, expected {want:?}")
    })
}
