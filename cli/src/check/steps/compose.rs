//! The Compose SMS form (agent-initiated conversations).

use cucumber::{given, then, when};

use super::{ensure, quoted, table};
use crate::check::world::ConvWorld;
use convsms::domain::model::InteractionNumber;
use convsms::engine::{ComposeRequest, ToField};

pub const EXAMPLES: &[&str] = &[
    r#"Given a phone interaction for consumer "Bea Brown""#,
    r#"Given a send-from/send-to extension that sends from "+14155550101" to "+14155552671""#,
    r#"When agent "alice" opens Compose SMS"#,
    r#"When agent "alice" opens Compose SMS on interaction IMS0001001"#,
    r#"When agent "alice" opens Compose SMS for consumer "Bea Brown""#,
    r#"When agent "alice" composes "Hello" on interaction IMS0001001"#,
    r#"When agent "alice" composes "Hello" from "+14155550100" to "(415) 555-2671" for consumer "Bea Brown""#,
    r#"When agent "alice" composes "" with the attachment "photo.png" of type "image/png" to "+14155552671""#,
    r#"Then the Compose SMS form offers From "+14155550100" and "+14155550101" with none preselected"#,
    r#"Then the Compose SMS form preselects From "+14155550100""#,
    r#"Then the Compose SMS form fills To with "+447400123456""#,
    r#"Then the Compose SMS form shows the ongoing interaction IMS0001001"#,
    r#"Then the Compose SMS form shows no ongoing interaction"#,
    r#"Then the message went into interaction IMS0001002"#,
    r#"Then the agent sees the warning "currently associated with consumer Ann Archer""#,
    r#"Then the agent sees no warning"#,
];

#[given(
    regex = r#"^a phone interaction for (sys_user|user|consumer|customer contact|contact) "([^"]+)"$"#
)]
fn phone_interaction(w: &mut ConvWorld, t: String, name: String) -> Result<(), String> {
    w.given_phone_interaction(table(&t), &name)
}

#[given(regex = r#"^a send-from/send-to extension that sends from (".+?") to "([^"]+)"$"#)]
fn extension(w: &mut ConvWorld, from: String, to: String) -> Result<(), String> {
    w.given_extension(&quoted(&from), Some(&to))
}

#[when(
    regex = r#"^agent "([^"]+)" opens Compose SMS(?: on interaction (\S+))?(?: for (sys_user|user|consumer|customer contact|contact) "([^"]+)")?$"#
)]
fn open(
    w: &mut ConvWorld,
    agent: String,
    number: String,
    t: String,
    name: String,
) -> Result<(), String> {
    let number = (!number.is_empty()).then_some(number.as_str());
    let requester = (!t.is_empty()).then(|| (table(&t), name.as_str()));
    w.open_compose(&agent, number, requester)
}

#[when(
    regex = r#"^agent "([^"]+)" composes "([^"]*)"(?: with the attachment "([^"]+)" of type "([^"]+)")?(?: on interaction (\S+))?(?: from "([^"]+)")?(?: to "([^"]+)")?(?: for (sys_user|user|consumer|customer contact|contact) "([^"]+)")?$"#
)]
#[allow(clippy::too_many_arguments)]
async fn compose(
    w: &mut ConvWorld,
    agent: String,
    body: String,
    file: String,
    content_type: String,
    number: String,
    from: String,
    to: String,
    t: String,
    name: String,
) -> Result<(), String> {
    let interaction = if number.is_empty() {
        None
    } else {
        Some(InteractionNumber::parse(&number).map_err(|e| e.to_string())?)
    };
    let req = ComposeRequest {
        agent,
        interaction,
        requester: (!t.is_empty()).then(|| (table(&t), name)),
        from: (!from.is_empty()).then_some(from),
        to: if to.is_empty() {
            ToField::Default
        } else {
            ToField::Other(to)
        },
        body,
        attachment: (!file.is_empty()).then(|| ConvWorld::attachment(&file, &content_type)),
    };
    w.compose(req).await
}

fn form(w: &ConvWorld) -> Result<&convsms::engine::ComposeForm, String> {
    w.last_form.as_ref().ok_or_else(|| {
        format!(
            "no Compose SMS form is open (last error: {:?})",
            w.last_error
        )
    })
}

#[then(regex = r#"^the Compose SMS form offers From (".+") with none preselected$"#)]
fn offers(w: &mut ConvWorld, list: String) -> Result<(), String> {
    let f = form(w)?;
    let got: Vec<String> = f.from_choices.iter().map(|n| n.to_string()).collect();
    ensure(got == quoted(&list) && f.from.is_none(), || {
        format!("the form offers {got:?} with {:?} preselected", f.from)
    })
}

#[then(regex = r#"^the Compose SMS form preselects From "([^"]+)"$"#)]
fn preselects(w: &mut ConvWorld, from: String) -> Result<(), String> {
    let f = form(w)?;
    let got = f.from.as_ref().map(|n| n.to_string());
    ensure(got.as_deref() == Some(from.as_str()), || {
        format!("the form preselects {got:?}")
    })
}

#[then(regex = r#"^the Compose SMS form fills To with "([^"]+)"$"#)]
fn fills_to(w: &mut ConvWorld, to: String) -> Result<(), String> {
    let f = form(w)?;
    let got = f.to.as_ref().map(|n| n.to_string());
    ensure(got.as_deref() == Some(to.as_str()), || {
        format!("the form fills To with {got:?}")
    })
}

#[then(
    regex = r"^the Compose SMS form shows (?:the ongoing interaction (\S+)|no ongoing interaction)$"
)]
fn ongoing(w: &mut ConvWorld, number: String) -> Result<(), String> {
    let f = form(w)?;
    let got = f.ongoing.as_ref().map(|n| n.to_string());
    let want = (!number.is_empty()).then_some(number);
    ensure(got == want, || {
        format!("the form shows ongoing {got:?}, expected {want:?}")
    })
}

#[then(regex = r"^the message went into interaction (\S+)$")]
fn went_into(w: &mut ConvWorld, number: String) -> Result<(), String> {
    let out = w
        .last_send
        .as_ref()
        .ok_or_else(|| format!("nothing was sent (last error: {:?})", w.last_error))?;
    ensure(out.interaction.as_str() == number, || {
        format!("the message went into {}", out.interaction)
    })
}

#[then(regex = r#"^the agent sees (?:the warning "([^"]+)"|no warning)$"#)]
fn warning(w: &mut ConvWorld, text: String) -> Result<(), String> {
    let from_send = w.last_send.as_ref().and_then(|o| o.warning.clone());
    let from_http = w.last_http.as_ref().and_then(|h| {
        serde_json::from_str::<serde_json::Value>(&h.body)
            .ok()
            .and_then(|v| v["result"]["message"].as_str().map(str::to_owned))
    });
    let got = from_send.or(from_http);
    if text.is_empty() {
        return ensure(got.is_none(), || {
            format!("the agent sees the warning {got:?}")
        });
    }
    ensure(got.as_deref().is_some_and(|g| g.contains(&text)), || {
        format!("the agent sees {got:?}, expected a warning saying {text:?}")
    })
}
