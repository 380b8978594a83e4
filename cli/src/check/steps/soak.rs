//! The soak's invariants, checked on a scenario (the last step of a feature `convsms soak`
//! writes when an invariant breaks).

use cucumber::{then, when};

use super::StepResult;
use crate::check::world::ConvWorld;

pub const EXAMPLES: &[&str] = &[
    r#"When time passes until every send has settled"#,
    r#"Then every soak invariant holds"#,
    r#"Then every soak invariant holds and every send has settled"#,
];

#[when("time passes until every send has settled")]
async fn until_settled(w: &mut ConvWorld) -> StepResult {
    Ok(w.pass_time_until_settled().await?)
}

#[then("every soak invariant holds")]
fn invariants_hold(w: &mut ConvWorld) -> StepResult {
    Ok(w.check_soak_invariants(false)?)
}

#[then("every soak invariant holds and every send has settled")]
fn invariants_hold_settled(w: &mut ConvWorld) -> StepResult {
    Ok(w.check_soak_invariants(true)?)
}
