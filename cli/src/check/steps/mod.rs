//! The step library, one file per domain concept (mirroring `features/<concept>/`).
//!
//! Every step reads its words through typed parameters ([`super::params`]: `{requester}`,
//! `{duration}`, `{count}` …) and calls one [`ConvWorld`](super::world::ConvWorld) method, whose
//! file under `world/` has the step file's name. Each
//! file lists an example sentence for each of its steps in `EXAMPLES`: `convsms steps` prints them,
//! and a test checks that every step has an example and every example matches exactly one step.

pub mod actions;
pub mod compose;
pub mod conversation;
pub mod inbox;
pub mod notifications;
pub mod people;
pub mod phone;
pub mod profiles;
pub mod provider;
pub mod routing;
pub mod soak;
pub mod virtual_agent;

/// Every example sentence, by concept.
pub const EXAMPLES: &[(&str, &[&str])] = &[
    ("people", people::EXAMPLES),
    ("provider", provider::EXAMPLES),
    ("profiles", profiles::EXAMPLES),
    ("conversation", conversation::EXAMPLES),
    ("compose", compose::EXAMPLES),
    ("phone", phone::EXAMPLES),
    ("notifications", notifications::EXAMPLES),
    ("virtual_agent", virtual_agent::EXAMPLES),
    ("actions", actions::EXAMPLES),
    ("routing", routing::EXAMPLES),
    ("inbox", inbox::EXAMPLES),
    ("soak", soak::EXAMPLES),
];

/// What a step returns: the World's error, shown with its causes.
pub type StepResult = Result<(), Failure>;

/// A failed step. Cucumber prints a step's error with `{}`, which for an [`anyhow::Error`] is its
/// outermost context only; this shows the whole chain ("saving the queue "Broken": invalid
/// encoded query at byte 3 ...").
pub struct Failure(anyhow::Error);

impl From<anyhow::Error> for Failure {
    fn from(e: anyhow::Error) -> Self {
        Failure(e)
    }
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:#}", self.0)
    }
}
