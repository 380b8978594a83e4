//! Conversations: handsets texting, interactions, assignment, the live group profile, what
//! handsets receive, transcripts, refusals and time.

use cucumber::{then, when};

use super::StepResult;
use crate::check::params::{
    Assignee, At, Count, Duration, Failure, Group, InteractionNo, Media, MessageRef, ReceivedMedia,
    Receives, RequesterOrGuest,
};
use crate::check::world::ConvWorld;

pub const EXAMPLES: &[&str] = &[
    r#"When "+14155552671" texts "Hello" to "+14155550100""#,
    r#"When "+14155552671" texts "Look" with the image "https://example.com/a.png" to "+14155550100""#,
    r#"When "+14155552671" texts "Here" with the file "https://example.com/a.pdf" to "+14155550100""#,
    r#"When "+14155552671" texts "Both" with the images "https://example.com/a.png" and "https://example.com/b.jpg" to "+14155550100""#,
    r#"When "+14155552671" and "+14155552672" text "Hi" to "+14155550100" at the same time"#,
    r#"When interaction IMS0001001 is closed"#,
    r#"When 30 minutes pass"#,
    r#"When 1 minute passes"#,
    r#"When time advances to "2026-01-06 09:00:00""#,
    r#"When time advances to "17:30:00""#,
    r#"Then interaction IMS0001001 is opened for sys_user "Ada Lovelace""#,
    r#"Then interaction IMS0001001 is opened for the guest user"#,
    r#"Then interaction IMS0001001 is assigned to the virtual agent"#,
    r#"Then interaction IMS0001001 is assigned to agent "alice""#,
    r#"Then interaction IMS0001001 is assigned to nobody"#,
    r#"Then interaction IMS0001001 is an active messaging interaction on the SMS channel"#,
    r#"Then interaction IMS0001001 is closed"#,
    r#"Then interaction IMS0001001 was closed at "2026-01-05 11:00:00""#,
    r#"Then interaction IMS0001001 is in state "work_in_progress""#,
    r#"Then interaction IMS0001001 is between "+14155552671" and "+14155550100""#,
    r#"Then there are 2 interactions"#,
    r#"Then there is 1 interaction"#,
    r#"Then there are no interactions"#,
    r#"Then the live group profile of IMS0001001 is "alice, bob""#,
    r#"Then the live group profile of IMS0001001 is empty"#,
    r#"Then "+14155552671" receives "Hi, this is the virtual agent. What can I help you with today?" from "+14155550100""#,
    r#"Then "+14155552671" receives "Cancel order 4471? This cannot be undone.\nReply YES or NO." from "+14155550100""#,
    r#"Then "+14155552671" does not receive "Hi, this is the virtual agent. What can I help you with today?" from "+14155550100""#,
    r#"Then "+14155552671" receives a message containing "CS0001001" from "+14155550100""#,
    r#"Then "+14155552671" does not receive a message containing "CS0001002" from "+14155550100""#,
    r#"Then "+14155552671" receives a message with 1 image from "+14155550100""#,
    r#"Then "+14155552671" receives a message with 2 images from "+14155550100""#,
    r#"Then "+14155552671" receives a message with 1 file from "+14155550100""#,
    r#"Then "+14155552671" receives "See this" with 1 image from "+14155550100""#,
    r#"Then "+14155552671" has received 2 messages"#,
    r#"Then "+14155552671" has received 1 message"#,
    r#"Then message #2 of IMS0001001 reads "Hello Bea""#,
    r#"Then the last message "+14155552671" received reads "Hi, this is the virtual agent. What can I help you with today?""#,
    r#"Then the transcript of IMS0001001 has 3 messages"#,
    r#"Then the transcript of IMS0001001 has 1 message"#,
    r#"Then the transcript of IMS0001001 ends with a failed message with error 21610"#,
    r#"Then the transcript of IMS0001001 ends with an undelivered message with error 30006"#,
    r#"Then the transcript matches the snapshot"#,
    r#"Then the request is refused with "not a valid phone number""#,
    r#"Then nothing was written and nothing was sent"#,
];

#[when(expr = "{string} texts {string}{media} to {string}")]
async fn texts(
    w: &mut ConvWorld,
    from: String,
    body: String,
    media: Media,
    to: String,
) -> StepResult {
    Ok(w.text(&from, &body, &media.0, &to).await?)
}

#[when(expr = "{string} and {string} text {string} to {string} at the same time")]
async fn text_at_once(
    w: &mut ConvWorld,
    a: String,
    b: String,
    body: String,
    to: String,
) -> StepResult {
    Ok(w.text_at_once(&a, &b, &body, &to).await?)
}

#[when(expr = "interaction {interaction} is closed")]
async fn close(w: &mut ConvWorld, number: InteractionNo) -> StepResult {
    Ok(w.close(&number).await?)
}

#[when(expr = "{duration} pass(es)")]
async fn time_passes(w: &mut ConvWorld, by: Duration) -> StepResult {
    Ok(w.pass_time(by.0).await?)
}

#[when(expr = "time advances to {date_time}")]
async fn time_advances_to(w: &mut ConvWorld, at: At) -> StepResult {
    Ok(w.advance_to(at).await?)
}

#[then(expr = "interaction {interaction} is opened for {requester_or_guest}")]
fn opened_for(w: &mut ConvWorld, number: InteractionNo, who: RequesterOrGuest) -> StepResult {
    Ok(w.check_opened_for(&number, &who.0)?)
}

#[then(expr = "interaction {interaction} is assigned to {assignee}")]
fn assigned(w: &mut ConvWorld, number: InteractionNo, assignee: Assignee) -> StepResult {
    Ok(w.check_assignee(&number, &assignee)?)
}

#[then(expr = "interaction {interaction} is an active messaging interaction on the SMS channel")]
fn active_sms(w: &mut ConvWorld, number: InteractionNo) -> StepResult {
    Ok(w.check_active_sms(&number)?)
}

#[then(expr = "interaction {interaction} is closed")]
fn closed(w: &mut ConvWorld, number: InteractionNo) -> StepResult {
    Ok(w.check_closed(&number)?)
}

#[then(expr = "interaction {interaction} was closed at {date_time}")]
fn closed_at(w: &mut ConvWorld, number: InteractionNo, at: At) -> StepResult {
    Ok(w.check_closed_at(&number, &at)?)
}

#[then(expr = "interaction {interaction} is in state {string}")]
fn in_state(w: &mut ConvWorld, number: InteractionNo, state: String) -> StepResult {
    Ok(w.check_state(&number, &state)?)
}

#[then(expr = "interaction {interaction} is between {string} and {string}")]
fn between(
    w: &mut ConvWorld,
    number: InteractionNo,
    requester: String,
    provider: String,
) -> StepResult {
    Ok(w.check_between(&number, &requester, &provider)?)
}

#[then(expr = "there is/are {count} interaction(s)")]
fn interaction_count(w: &mut ConvWorld, count: Count) -> StepResult {
    Ok(w.check_interaction_count(count.0)?)
}

#[then(expr = "the live group profile of {interaction} is {group}")]
fn live_group(w: &mut ConvWorld, number: InteractionNo, group: Group) -> StepResult {
    Ok(w.check_live_group(&number, &group.0)?)
}

#[then(expr = "{string} {receives} {string} from {string}")]
fn receives(
    w: &mut ConvWorld,
    phone: String,
    verb: Receives,
    body: String,
    from: String,
) -> StepResult {
    Ok(w.check_receives(&phone, verb.0, &body, &from)?)
}

#[then(expr = "{string} {receives} a message containing {string} from {string}")]
fn receives_containing(
    w: &mut ConvWorld,
    phone: String,
    verb: Receives,
    text: String,
    from: String,
) -> StepResult {
    Ok(w.check_receives_containing(&phone, verb.0, &text, &from)?)
}

#[then(expr = "{string} receives a message with {received_media} from {string}")]
fn receives_media(
    w: &mut ConvWorld,
    phone: String,
    media: ReceivedMedia,
    from: String,
) -> StepResult {
    Ok(w.check_receives_media(&phone, media.0, &from)?)
}

#[then(expr = "{string} receives {string} with {received_media} from {string}")]
fn receives_text_and_media(
    w: &mut ConvWorld,
    phone: String,
    text: String,
    media: ReceivedMedia,
    from: String,
) -> StepResult {
    Ok(w.check_receives_text_with_media(&phone, &text, media.0, &from)?)
}

#[then(expr = "{string} has received {count} message(s)")]
fn received_count(w: &mut ConvWorld, phone: String, count: Count) -> StepResult {
    Ok(w.check_received_count(&phone, count.0)?)
}

#[then(expr = "the transcript of {interaction} has {count} message(s)")]
fn transcript_length(w: &mut ConvWorld, number: InteractionNo, count: Count) -> StepResult {
    Ok(w.check_transcript_length(&number, count.0)?)
}

#[then(expr = "the transcript of {interaction} ends with a(n) {failure} message with error {int}")]
fn transcript_failed(
    w: &mut ConvWorld,
    number: InteractionNo,
    failure: Failure,
    code: i64,
) -> StepResult {
    Ok(w.check_ends_failed(&number, failure.0, code)?)
}

#[then("the transcript matches the snapshot")]
fn snapshot(w: &mut ConvWorld) -> StepResult {
    Ok(w.check_snapshot()?)
}

#[then(expr = "the request is refused with {string}")]
fn refused(w: &mut ConvWorld, text: String) -> StepResult {
    Ok(w.check_refused(&text)?)
}

#[then("nothing was written and nothing was sent")]
fn nothing_written(w: &mut ConvWorld) -> StepResult {
    Ok(w.check_nothing_written()?)
}

#[then(expr = "{message} reads {string}")]
fn reads(w: &mut ConvWorld, message: MessageRef, text: String) -> StepResult {
    Ok(w.check_reads(&message, &text)?)
}
