//! The Compose SMS form (agent-initiated conversations).

use cucumber::{given, then, when};

use super::StepResult;
use crate::check::params::{
    ComposeScope, Composition, InteractionNo, List, Ongoing, Requester, Warning,
};
use crate::check::world::ConvWorld;

pub const EXAMPLES: &[&str] = &[
    r#"Given a phone interaction for consumer "Bea Brown""#,
    r#"Given a phone interaction from "+14155559876" for consumer "Bea Brown""#,
    r#"Given a send-from/send-to extension that sends from "+14155550101" to "+14155552671""#,
    r#"Given the default send-from/send-to extension"#,
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

#[given(expr = "a phone interaction for {requester}")]
fn phone_interaction(w: &mut ConvWorld, who: Requester) -> StepResult {
    Ok(w.given_phone_interaction(&who, None)?)
}

#[given(expr = "a phone interaction from {string} for {requester}")]
fn phone_interaction_from(w: &mut ConvWorld, caller: String, who: Requester) -> StepResult {
    Ok(w.given_phone_interaction_from(&caller, &who)?)
}

/// What a restarted `convsms serve` journals: an extension set by step lived in memory.
#[given(expr = r"the default send-from\/send-to extension")]
fn default_extension(w: &mut ConvWorld) -> StepResult {
    Ok(w.given_default_extension()?)
}

#[given(expr = r"a send-from\/send-to extension that sends from {list} to {string}")]
fn extension(w: &mut ConvWorld, from: List, to: String) -> StepResult {
    Ok(w.given_extension(&from.0, &to)?)
}

#[when(expr = "agent {string} opens Compose SMS{compose_scope}")]
fn open(w: &mut ConvWorld, agent: String, scope: ComposeScope) -> StepResult {
    Ok(w.open_compose(&agent, &scope)?)
}

#[when(expr = "agent {string} composes {string}{composition}")]
async fn compose(
    w: &mut ConvWorld,
    agent: String,
    body: String,
    composition: Composition,
) -> StepResult {
    Ok(w.compose(&agent, &body, &composition).await?)
}

#[then(expr = "the Compose SMS form offers From {list} with none preselected")]
fn offers(w: &mut ConvWorld, from: List) -> StepResult {
    Ok(w.check_offers_from(&from.0)?)
}

#[then(expr = "the Compose SMS form preselects From {string}")]
fn preselects(w: &mut ConvWorld, from: String) -> StepResult {
    Ok(w.check_preselects_from(&from)?)
}

#[then(expr = "the Compose SMS form fills To with {string}")]
fn fills_to(w: &mut ConvWorld, to: String) -> StepResult {
    Ok(w.check_fills_to(&to)?)
}

#[then(expr = "the Compose SMS form shows {ongoing}")]
fn ongoing(w: &mut ConvWorld, want: Ongoing) -> StepResult {
    Ok(w.check_form_ongoing(&want)?)
}

#[then(expr = "the message went into interaction {interaction}")]
fn went_into(w: &mut ConvWorld, number: InteractionNo) -> StepResult {
    Ok(w.check_went_into(&number)?)
}

#[then(expr = "the agent sees {warning}")]
fn warning(w: &mut ConvWorld, want: Warning) -> StepResult {
    Ok(w.check_warning(&want)?)
}
