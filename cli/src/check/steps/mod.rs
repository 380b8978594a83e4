//! The step library, one file per domain concept (mirroring `features/<concept>/`).
//!
//! Every step parses its words and calls one [`ConvWorld`](super::world::ConvWorld) method. Each
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
pub mod virtual_agent;

use convsms::domain::model::PartyTable;

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
];

/// The words a step may use for a requester table.
pub const TABLE: &str = r"(sys_user|user|consumer|customer contact|contact)";

/// Reads a table word.
pub fn table(word: &str) -> PartyTable {
    match word {
        "consumer" => PartyTable::CsmConsumer,
        "customer contact" | "contact" => PartyTable::CustomerContact,
        _ => PartyTable::SysUser,
    }
}

/// The quoted strings of a list such as `"+1…", "+1…" and "+1…"`.
pub fn quoted(list: &str) -> Vec<String> {
    list.split('"')
        .skip(1)
        .step_by(2)
        .map(str::to_owned)
        .collect()
}

/// Fails with `msg` unless `cond`.
pub fn ensure(cond: bool, msg: impl FnOnce() -> String) -> Result<(), String> {
    if cond {
        Ok(())
    } else {
        Err(msg())
    }
}
