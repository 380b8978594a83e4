//! The agent's workspace: the Ongoing tab and its new-message indicator, and the system messages
//! agents see against the subset requesters receive by SMS (INBOX-1, INBOX-2, SYSMSG-1).

use cucumber::{then, when};

use super::ensure;
use crate::check::world::ConvWorld;

pub const EXAMPLES: &[&str] = &[
    r#"When agent "alice" reads IMS0001001"#,
    r#"Then agent "alice"'s Ongoing tab shows IMS0001001 with a new message"#,
    r#"Then agent "alice"'s Ongoing tab shows IMS0001001 without a new message"#,
    r#"Then agent "alice"'s Ongoing tab does not show IMS0001001"#,
    r#"Then agent "alice"'s Ongoing tab is empty"#,
    r#"Then agent "alice"'s Ongoing tab indicator shows 1 new message"#,
    r#"Then agents see "alice rejected the conversation." in IMS0001001"#,
    r#"Then the requester of IMS0001001 receives "You are now chatting with alice.""#,
    r#"Then the requester of IMS0001001 does not receive "alice rejected the conversation.""#,
];

#[when(regex = r#"^agent "([^"]+)" reads (\S+)$"#)]
fn reads(w: &mut ConvWorld, agent: String, interaction: String) -> Result<(), String> {
    w.read_conversation(&agent, &interaction)
}

#[then(regex = r#"^agent "([^"]+)"'s Ongoing tab shows (\S+) (with|without) a new message$"#)]
fn shows(
    w: &mut ConvWorld,
    agent: String,
    interaction: String,
    with: String,
) -> Result<(), String> {
    let tab = w.ongoing(&agent)?;
    let want = with == "with";
    let row = tab
        .iter()
        .find(|r| r.interaction.as_str() == interaction)
        .ok_or_else(|| format!("{agent}'s Ongoing tab does not show {interaction}: {tab:?}"))?;
    ensure(row.unread == want, || {
        let got = if row.unread { "with" } else { "without" };
        format!("{agent}'s Ongoing tab shows {interaction} {got} a new message, expected {with}")
    })
}

#[then(regex = r#"^agent "([^"]+)"'s Ongoing tab does not show (\S+)$"#)]
fn not_shown(w: &mut ConvWorld, agent: String, interaction: String) -> Result<(), String> {
    let tab = w.ongoing(&agent)?;
    ensure(
        !tab.iter().any(|r| r.interaction.as_str() == interaction),
        || format!("{agent}'s Ongoing tab still shows {interaction}: {tab:?}"),
    )
}

#[then(regex = r#"^agent "([^"]+)"'s Ongoing tab is empty$"#)]
fn empty(w: &mut ConvWorld, agent: String) -> Result<(), String> {
    let tab = w.ongoing(&agent)?;
    ensure(tab.is_empty(), || {
        format!("{agent}'s Ongoing tab is not empty: {tab:?}")
    })
}

#[then(regex = r#"^agent "([^"]+)"'s Ongoing tab indicator shows (\d+|no) new messages?$"#)]
fn indicator(w: &mut ConvWorld, agent: String, n: String) -> Result<(), String> {
    let n: usize = n.parse().unwrap_or(0);
    let tab = w.ongoing(&agent)?;
    let got = tab.iter().filter(|r| r.unread).count();
    ensure(got == n, || {
        format!("{agent}'s Ongoing tab indicator shows {got}, expected {n}: {tab:?}")
    })
}

#[then(regex = r#"^agents see "([^"]+)" in (\S+)$"#)]
fn agents_see(w: &mut ConvWorld, text: String, interaction: String) -> Result<(), String> {
    let lines = w.system_lines(&interaction)?;
    ensure(lines.contains(&text), || {
        format!("the system messages of {interaction} are {lines:?}; none is {text:?}")
    })
}

#[then(regex = r#"^the requester of (\S+) (receives|does not receive) "([^"]+)"$"#)]
fn requester_receives(
    w: &mut ConvWorld,
    interaction: String,
    verb: String,
    text: String,
) -> Result<(), String> {
    let got = w.requester_received(&interaction)?;
    let want = verb == "receives";
    ensure(got.contains(&text) == want, || {
        format!("the requester of {interaction} {verb} {text:?}? They received {got:?}")
    })
}
