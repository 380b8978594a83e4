//! Messaging profiles (sys_cs_channel_user_profile).

use cucumber::{given, then, when};

use super::{ensure, table};
use crate::check::world::ConvWorld;

pub const EXAMPLES: &[&str] = &[
    r#"Given a messaging profile links "+14155552671" to sys_user "Ada Lovelace""#,
    r#"Given a messaging profile links "+14155552671" to nobody"#,
    r#"When the agent re-links interaction IMS0001001 to sys_user "Ada Lovelace""#,
    r#"Then "+14155552671" has an active messaging profile linked to sys_user "Ada Lovelace""#,
    r#"Then "+14155552671" has an active messaging profile linked to nobody"#,
    r#"Then "+14155552671" has an inactive messaging profile linked to consumer "Bea Brown""#,
    r#"Then "+14155552671" has 2 messaging profiles"#,
    r#"Then the sys_user "Ada Lovelace" has mobile phone "+14155552671""#,
    r#"Then the sys_user "Ada Lovelace" has no mobile phone"#,
];

#[given(
    regex = r#"^a messaging profile links "([^"]+)" to (?:nobody|(sys_user|user|consumer|customer contact|contact) "([^"]+)")$"#
)]
fn profile(w: &mut ConvWorld, phone: String, t: String, name: String) -> Result<(), String> {
    let to = (!t.is_empty()).then(|| (table(&t), name.as_str()));
    w.given_profile(&phone, to)
}

#[when(
    regex = r#"^the agent re-links interaction (\S+) to (sys_user|user|consumer|customer contact|contact) "([^"]+)"$"#
)]
fn relink(w: &mut ConvWorld, number: String, t: String, name: String) -> Result<(), String> {
    w.relink(&number, (table(&t), &name))
}

#[then(
    regex = r#"^"([^"]+)" has an (active|inactive) messaging profile linked to (?:nobody|(sys_user|user|consumer|customer contact|contact) "([^"]+)")$"#
)]
fn has_profile(
    w: &mut ConvWorld,
    phone: String,
    state: String,
    t: String,
    name: String,
) -> Result<(), String> {
    let active = state == "active";
    let want = (!t.is_empty()).then(|| (table(&t), name.clone()));
    let all = w.profiles(&phone)?;
    ensure(all.iter().any(|p| p.0 == active && p.1 == want), || {
        format!("no {state} profile of {phone} linked to {want:?}; its profiles (active, linked): {all:?}")
    })
}

#[then(regex = r#"^"([^"]+)" has (\d+) messaging profiles?$"#)]
fn profile_count(w: &mut ConvWorld, phone: String, n: usize) -> Result<(), String> {
    let all = w.profiles(&phone)?;
    ensure(all.len() == n, || {
        format!("expected {n} profiles of {phone}, found {all:?}")
    })
}

#[then(
    regex = r#"^the (sys_user|user|consumer|customer contact|contact) "([^"]+)" has (?:no mobile phone|mobile phone "([^"]+)")$"#
)]
fn record_phone(w: &mut ConvWorld, t: String, name: String, phone: String) -> Result<(), String> {
    let got = w.phone_of(table(&t), &name)?;
    let want = (!phone.is_empty()).then_some(phone);
    ensure(got == want, || {
        format!("{name} has mobile phone {got:?}, expected {want:?}")
    })
}
