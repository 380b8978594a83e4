//! Conversations: handsets texting, interactions, assignment, the live group profile, what
//! handsets receive, transcripts and refusals.

use cucumber::{then, when};

use super::{ensure, table};
use crate::check::world::ConvWorld;
use convsms::domain::model::InteractionState;

pub const EXAMPLES: &[&str] = &[
    r#"When "+14155552671" texts "Hello" to "+14155550100""#,
    r#"When "+14155552671" texts "Look" with the image "https://example.com/a.png" to "+14155550100""#,
    r#"When "+14155552671" texts "Here" with the file "https://example.com/a.pdf" to "+14155550100""#,
    r#"When "+14155552671" and "+14155552672" text "Hi" to "+14155550100" at the same time"#,
    r#"When interaction IMS0001001 is closed"#,
    r#"When 30 minutes pass"#,
    r#"Then interaction IMS0001001 is opened for sys_user "Ada Lovelace""#,
    r#"Then interaction IMS0001001 is opened for the guest user"#,
    r#"Then interaction IMS0001001 is assigned to the virtual agent"#,
    r#"Then interaction IMS0001001 is assigned to agent "alice""#,
    r#"Then interaction IMS0001001 is assigned to nobody"#,
    r#"Then interaction IMS0001001 is an active messaging interaction on the SMS channel"#,
    r#"Then interaction IMS0001001 is closed"#,
    r#"Then interaction IMS0001001 is in state "work_in_progress""#,
    r#"Then interaction IMS0001001 is between "+14155552671" and "+14155550100""#,
    r#"Then there are 2 interactions"#,
    r#"Then the live group profile of IMS0001001 is "alice, bob""#,
    r#"Then the live group profile of IMS0001001 is empty"#,
    r#"Then "+14155552671" receives "Hi, this is the virtual agent. What can I help you with today?" from "+14155550100""#,
    r#"Then "+14155552671" receives "Cancel order 4471? This cannot be undone.\nReply YES or NO." from "+14155550100""#,
    r#"Then "+14155552671" receives a message with 1 image from "+14155550100""#,
    r#"Then "+14155552671" has received 2 messages"#,
    r#"Then the transcript of IMS0001001 has 3 messages"#,
    r#"Then the transcript of IMS0001001 ends with a failed message with error 21610"#,
    r#"Then the transcript matches the snapshot"#,
    r#"Then the request is refused with "not a valid phone number""#,
    r#"Then nothing was written and nothing was sent"#,
];

#[when(
    regex = r#"^"([^"]+)" texts "([^"]*)"(?: with the (?:image|file) "([^"]+)")? to "([^"]+)"$"#
)]
async fn texts(
    w: &mut ConvWorld,
    from: String,
    body: String,
    image: String,
    to: String,
) -> Result<(), String> {
    let media: Vec<String> = (!image.is_empty()).then_some(image).into_iter().collect();
    w.text(&from, &body, &to, &media).await
}

#[when(regex = r#"^"([^"]+)" and "([^"]+)" text "([^"]*)" to "([^"]+)" at the same time$"#)]
async fn text_at_once(
    w: &mut ConvWorld,
    a: String,
    b: String,
    body: String,
    to: String,
) -> Result<(), String> {
    w.text_concurrently(&[a, b], &body, &to).await
}

#[when(regex = r"^interaction (\S+) is closed$")]
async fn close(w: &mut ConvWorld, number: String) -> Result<(), String> {
    w.close(&number).await
}

#[when(regex = r"^(\d+) (seconds?|minutes?|hours?|days?) pass(?:es)?$")]
async fn time_passes(w: &mut ConvWorld, n: i64, unit: String) -> Result<(), String> {
    let by = match unit.trim_end_matches('s') {
        "second" => chrono::Duration::seconds(n),
        "minute" => chrono::Duration::minutes(n),
        "hour" => chrono::Duration::hours(n),
        _ => chrono::Duration::days(n),
    };
    w.pass_time(by).await
}

#[then(
    regex = r#"^interaction (\S+) is opened for (?:the guest user|(sys_user|user|consumer|customer contact|contact) "([^"]+)")$"#
)]
fn opened_for(w: &mut ConvWorld, number: String, t: String, name: String) -> Result<(), String> {
    let i = w.interaction(&number)?;
    let (got_t, got_name) = w.opened_for(&i)?;
    let (want_t, want_name) = if t.is_empty() {
        (
            convsms::domain::model::PartyTable::SysUser,
            "Guest".to_owned(),
        )
    } else {
        (table(&t), name)
    };
    ensure(got_t == want_t && got_name == want_name, || {
        format!(
            "{number} is opened for {} {got_name}, expected {} {want_name}",
            got_t.as_str(),
            want_t.as_str()
        )
    })
}

#[then(
    regex = r#"^interaction (\S+) is assigned to (?:the (virtual agent)|agent "([^"]+)"|(nobody))$"#
)]
fn assigned(
    w: &mut ConvWorld,
    number: String,
    va: String,
    agent: String,
    _nobody: String,
) -> Result<(), String> {
    let i = w.interaction(&number)?;
    let got = w.assignee(&i)?;
    let want = if !va.is_empty() {
        Some("virtual.agent".to_owned())
    } else if !agent.is_empty() {
        Some(agent)
    } else {
        None
    };
    ensure(got == want, || {
        format!("{number} is assigned to {got:?}, expected {want:?}")
    })
}

#[then(regex = r"^interaction (\S+) is an active messaging interaction on the SMS channel$")]
fn active_sms(w: &mut ConvWorld, number: String) -> Result<(), String> {
    let i = w.interaction(&number)?;
    ensure(
        i.active
            && i.kind == convsms::domain::model::InteractionType::Messaging
            && i.provider_phone.is_some(),
        || format!("{number} is {:?}, active={}", i.kind, i.active),
    )
}

#[then(regex = r"^interaction (\S+) is closed$")]
fn closed(w: &mut ConvWorld, number: String) -> Result<(), String> {
    let i = w.interaction(&number)?;
    ensure(
        !i.active
            && matches!(
                i.state,
                InteractionState::ClosedComplete | InteractionState::ClosedAbandoned
            ),
        || format!("{number} is {} (active={})", i.state.as_str(), i.active),
    )
}

#[then(regex = r#"^interaction (\S+) is in state "([^"]+)"$"#)]
fn in_state(w: &mut ConvWorld, number: String, state: String) -> Result<(), String> {
    let i = w.interaction(&number)?;
    ensure(i.state.as_str() == state, || {
        format!("{number} is in state {}", i.state.as_str())
    })
}

#[then(regex = r#"^interaction (\S+) is between "([^"]+)" and "([^"]+)"$"#)]
fn between(
    w: &mut ConvWorld,
    number: String,
    requester: String,
    provider: String,
) -> Result<(), String> {
    let i = w.interaction(&number)?;
    let got = (
        i.requester_phone.map(|p| p.to_string()).unwrap_or_default(),
        i.provider_phone.map(|p| p.to_string()).unwrap_or_default(),
    );
    ensure(got == (requester.clone(), provider.clone()), || {
        format!("{number} is between {got:?}, expected ({requester}, {provider})")
    })
}

#[then(regex = r"^there (?:are|is) (\d+|no) interactions?$")]
fn interaction_count(w: &mut ConvWorld, n: String) -> Result<(), String> {
    let n: usize = n.parse().unwrap_or(0);
    let all = w.interaction_numbers();
    ensure(all.len() == n, || {
        format!("expected {n} interactions, found {all:?}")
    })
}

#[then(regex = r#"^the live group profile of (\S+) is (?:"([^"]*)"|empty)$"#)]
fn live_group(w: &mut ConvWorld, number: String, list: String) -> Result<(), String> {
    let got = w.live_group(&number)?;
    let want: Vec<String> = list
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect();
    ensure(got == want, || {
        format!("the live group profile of {number} is {got:?}, expected {want:?}")
    })
}

#[then(regex = r#"^"([^"]+)" receives "([^"]*)" from "([^"]+)"$"#)]
fn receives(w: &mut ConvWorld, phone: String, body: String, from: String) -> Result<(), String> {
    // `\n` in the step stands for a line break of the SMS.
    let body = body.replace("\\n", "\n");
    let got = w.received(&phone);
    ensure(got.iter().any(|(f, b, _)| *f == from && *b == body), || {
        format!("{phone} did not receive {body:?} from {from}; it received (from, body, media): {got:?}")
    })
}

#[then(regex = r#"^"([^"]+)" receives a message with (\d+) images? from "([^"]+)"$"#)]
fn receives_media(w: &mut ConvWorld, phone: String, n: usize, from: String) -> Result<(), String> {
    let got = w.received(&phone);
    ensure(got.iter().any(|(f, _, m)| *f == from && *m == n), || {
        format!("{phone} received no message with {n} media from {from}; it received: {got:?}")
    })
}

#[then(regex = r#"^"([^"]+)" has received (\d+|no) messages?$"#)]
fn received_count(w: &mut ConvWorld, phone: String, n: String) -> Result<(), String> {
    let n: usize = n.parse().unwrap_or(0);
    let got = w.received(&phone);
    ensure(got.len() == n, || {
        format!("{phone} received {} messages: {got:?}", got.len())
    })
}

#[then(regex = r"^the transcript of (\S+) has (\d+) messages?$")]
fn transcript_len(w: &mut ConvWorld, number: String, n: usize) -> Result<(), String> {
    let t = w.transcript(&number)?;
    let got = t.lines().filter(|l| l.starts_with("  #")).count();
    ensure(got == n, || {
        format!("the transcript has {got} messages:\n{t}")
    })
}

#[then(regex = r"^the transcript of (\S+) ends with a failed message with error (\d+)$")]
fn transcript_failed(w: &mut ConvWorld, number: String, code: u32) -> Result<(), String> {
    let t = w.transcript(&number)?;
    let last = t.lines().last().unwrap_or_default().to_owned();
    ensure(last.contains(&format!("[failed error {code}:")), || {
        format!("the last message is not failed with {code}:\n{t}")
    })
}

#[then("the transcript matches the snapshot")]
fn snapshot(w: &mut ConvWorld) -> Result<(), String> {
    w.assert_transcripts_snapshot()
}

#[then(regex = r#"^the request is refused with "([^"]+)"$"#)]
fn refused(w: &mut ConvWorld, text: String) -> Result<(), String> {
    match &w.last_error {
        Some(e) if e.contains(&text) => Ok(()),
        Some(e) => Err(format!("refused with {e:?}, which does not say {text:?}")),
        None => Err(format!("the request was not refused (expected {text:?})")),
    }
}

#[then("nothing was written and nothing was sent")]
fn nothing_written(w: &mut ConvWorld) -> Result<(), String> {
    w.nothing_written()
}
