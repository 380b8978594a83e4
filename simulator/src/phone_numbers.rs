//! IncomingPhoneNumbers (OAI `api.v2010.account.incoming_phone_number`): the numbers the account
//! owns as REST resources, each with its own "A message comes in" webhook, so that several apps
//! can share one simulator. Under `/2010-04-01/Accounts/{AccountSid}`:
//!
//! | method | path | answer |
//! |---|---|---|
//! | GET | `/IncomingPhoneNumbers.json` (`PhoneNumber`, `FriendlyName` filters) | 200 + page (`incoming_phone_numbers`, in the order the numbers were added) |
//! | GET | `/IncomingPhoneNumbers/{Sid}.json` | 200 + [`IncomingPhoneNumber`] |
//! | POST | `/IncomingPhoneNumbers/{Sid}.json` | update; 200 + [`IncomingPhoneNumber`] |
//!
//! Buying (`POST …/IncomingPhoneNumbers.json`) and releasing (`DELETE …/{Sid}.json`) are not
//! simulated (405 / 20004): numbers come from [`crate::SimConfig::numbers`],
//! [`crate::Simulator::add_number`], [`crate::Simulator::provision_number`] or
//! `POST /_sim/numbers`. Live credentials or an API key; test credentials get 403 / 20008.
//!
//! * **SIDs**: `PN` + the number's position among the owned numbers, from 1, in 32 hex digits:
//!   deterministic, stable across `/_sim/reset` (which keeps the numbers and their settings).
//! * **Update** takes `FriendlyName` (at most 64 characters, else 400 / 20001), `SmsUrl`,
//!   `SmsFallbackUrl`, `StatusCallback`, `VoiceUrl`, `VoiceFallbackUrl` (each an absolute
//!   http(s) URL, or empty to clear, else 400 / 21402 "Invalid Url"), `SmsMethod`,
//!   `SmsFallbackMethod`, `StatusCallbackMethod`, `VoiceMethod`, `VoiceFallbackMethod` (`GET`
//!   or `POST`, any case, else 400 / 21403 "Invalid Method"), `VoiceCallerIdLookup` (`true` or
//!   `false`, any case, else 400 / 20001). The voice settings are stored and shown, never used:
//!   the simulator has no calls. `voice_url` and `voice_fallback_url` are null while empty, as
//!   in the OAI's examples (after clearing too: UNCONFIRMED). Other OAI parameters (voice
//!   application, receive mode, trunk, emergency, address, bundle) are accepted and ignored. Capabilities cannot be changed through the REST API (Twilio's update takes none); they
//!   are set when a number is provisioned (`/_sim/numbers`, `convsms sim --seed-file`).
//! * **What the settings do.** A handset's text to the number is POSTed to its `sms_url` when set
//!   (else to the simulator-wide SMS URL, [`crate::Simulator::set_sms_url`]), unless the number is
//!   in a Messaging Service's sender pool whose `inbound_request_url` takes precedence (see
//!   `services`). A number without the `sms` capability can neither send (400 / 21606) nor
//!   receive texts ([`crate::SimError::NotSmsCapable`]); without `mms` it cannot send media
//!   (400 / 21621). `status_callback` is the number's *voice* call status callback in Twilio and
//!   does nothing here; message status callbacks come from the message or its Messaging Service.
//! * `SmsMethod=GET` makes the inbound webhook a GET with the parameters in the URL's query,
//!   signed over that whole URL (see `webhook`).
//! * **Not simulated**: `sms_fallback_url` is stored and shown but never called (a failed
//!   webhook is logged as 11200, see `webhook`).
//! * **Defaults** (UNCONFIRMED, from the OAI example): `friendly_name` the number in its national
//!   format (`(415) 555-0100`), methods `POST`, URLs empty, capabilities voice + SMS + MMS,
//!   `address_requirements` `none`, `origin` `twilio`, `status` `in-use`, `type` `local`,
//!   `beta` false, `emergency_status` `Inactive`.

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::{HeaderMap, Uri};
use axum::routing::get;
use axum::{Json, Router};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use twilio_wire::date::rfc2822;
use twilio_wire::message::API_VERSION;
use twilio_wire::phone_number::{Capabilities, IncomingPhoneNumber, IncomingPhoneNumberPage};
use twilio_wire::sid::{AccountSid, PhoneNumberSid};
use twilio_wire::ApiError;

use crate::api::respond::{live_only, resource_not_found, ApiReply};
use crate::body::FormParams;
use crate::list::{paginate, ListQuery};
use crate::state::SimState;
use crate::validate::is_http_url;
use crate::{numbers, Core};

/// The longest `FriendlyName` taken (Twilio's usual 64; UNCONFIRMED for numbers).
const MAX_FRIENDLY_NAME: usize = 64;

/// One owned number's settings.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct NumberSetting {
    pub(crate) friendly_name: String,
    /// Empty when unset.
    pub(crate) sms_url: String,
    pub(crate) sms_method: String,
    pub(crate) sms_fallback_url: String,
    pub(crate) sms_fallback_method: String,
    pub(crate) status_callback: String,
    pub(crate) status_callback_method: String,
    /// Empty when unset (shown as null). Stored and shown only: the simulator has no calls.
    pub(crate) voice_url: String,
    pub(crate) voice_method: String,
    pub(crate) voice_fallback_url: String,
    pub(crate) voice_fallback_method: String,
    pub(crate) voice_caller_id_lookup: bool,
    pub(crate) capabilities: Capabilities,
    pub(crate) date_created: DateTime<Utc>,
    pub(crate) date_updated: DateTime<Utc>,
}

impl NumberSetting {
    /// The defaults of the module docs for `number`, added at `now`.
    fn new(number: &str, now: DateTime<Utc>) -> NumberSetting {
        NumberSetting {
            friendly_name: numbers::national(number).unwrap_or_else(|| number.to_owned()),
            sms_url: String::new(),
            sms_method: "POST".to_owned(),
            sms_fallback_url: String::new(),
            sms_fallback_method: "POST".to_owned(),
            status_callback: String::new(),
            status_callback_method: "POST".to_owned(),
            voice_url: String::new(),
            voice_method: "POST".to_owned(),
            voice_fallback_url: String::new(),
            voice_fallback_method: "POST".to_owned(),
            voice_caller_id_lookup: false,
            capabilities: Capabilities::default(),
            date_created: now,
            date_updated: now,
        }
    }
}

/// The settings of every owned number, by the number as the account holds it.
#[derive(Clone, Debug, Default)]
pub(crate) struct NumberSettings {
    by_number: BTreeMap<String, NumberSetting>,
}

impl NumberSettings {
    /// The settings of `number` (as held), if it has any yet.
    pub(crate) fn get(&self, number: &str) -> Option<&NumberSetting> {
        self.by_number.get(number)
    }

    /// Gives `number` (as held) the default settings unless it has some.
    pub(crate) fn ensure(&mut self, number: &str, now: DateTime<Utc>) {
        self.by_number
            .entry(number.to_owned())
            .or_insert_with(|| NumberSetting::new(number, now));
    }

    /// The capabilities of `number` (as held): the defaults when it has no settings.
    pub(crate) fn capabilities(&self, number: &str) -> Capabilities {
        self.get(number).map(|s| s.capabilities).unwrap_or_default()
    }
}

/// The SID of the owned number at `index` (0-based) among the owned numbers.
fn sid_at(index: usize) -> PhoneNumberSid {
    PhoneNumberSid::from_counter(index as u64 + 1)
}

/// The owned number (as held) whose SID is `sid`.
pub(crate) fn number_of(state: &SimState, sid: &PhoneNumberSid) -> Option<String> {
    let index = usize::try_from(sid.number().checked_sub(1)?).ok()?;
    state.numbers().get(index).cloned()
}

/// The SID of the owned number `number` (compared as given and in E.164).
pub(crate) fn sid_of(state: &SimState, number: &str) -> Option<PhoneNumberSid> {
    let held = state.owned(number)?;
    state.numbers().iter().position(|n| n == held).map(sid_at)
}

/// The resource of the owned number at `index`.
fn resource(account: &AccountSid, state: &SimState, index: usize) -> Option<IncomingPhoneNumber> {
    let number = state.numbers().get(index)?;
    let fallback;
    let s = match state.phone_numbers.get(number) {
        Some(s) => s,
        None => {
            fallback = NumberSetting::new(number, DateTime::<Utc>::UNIX_EPOCH);
            &fallback
        }
    };
    let sid = sid_at(index);
    Some(IncomingPhoneNumber {
        account_sid: account.clone(),
        address_requirements: "none".to_owned(),
        address_sid: None,
        api_version: API_VERSION.to_owned(),
        beta: false,
        capabilities: s.capabilities,
        date_created: rfc2822(s.date_created),
        date_updated: rfc2822(s.date_updated),
        emergency_status: "Inactive".to_owned(),
        emergency_address_sid: None,
        emergency_address_status: "unregistered".to_owned(),
        friendly_name: s.friendly_name.clone(),
        identity_sid: None,
        origin: "twilio".to_owned(),
        phone_number: number.clone(),
        sms_application_sid: String::new(),
        sms_fallback_method: s.sms_fallback_method.clone(),
        sms_fallback_url: s.sms_fallback_url.clone(),
        sms_method: s.sms_method.clone(),
        sms_url: s.sms_url.clone(),
        status_callback: s.status_callback.clone(),
        status_callback_method: s.status_callback_method.clone(),
        trunk_sid: None,
        uri: IncomingPhoneNumber::uri_for(account, &sid),
        voice_application_sid: String::new(),
        voice_caller_id_lookup: s.voice_caller_id_lookup,
        voice_fallback_method: s.voice_fallback_method.clone(),
        voice_fallback_url: Some(s.voice_fallback_url.clone()).filter(|u| !u.is_empty()),
        voice_method: s.voice_method.clone(),
        voice_url: Some(s.voice_url.clone()).filter(|u| !u.is_empty()),
        voice_receive_mode: "voice".to_owned(),
        status: "in-use".to_owned(),
        bundle_sid: None,
        kind: "local".to_owned(),
        sid,
    })
}

/// Every owned number's resource, in the order they were added.
pub(crate) fn all(account: &AccountSid, state: &SimState) -> Vec<IncomingPhoneNumber> {
    (0..state.numbers().len())
        .filter_map(|i| resource(account, state, i))
        .collect()
}

/// The resource of the owned number `number`.
pub(crate) fn find(
    account: &AccountSid,
    state: &SimState,
    number: &str,
) -> Option<IncomingPhoneNumber> {
    let held = state.owned(number)?;
    let index = state.numbers().iter().position(|n| n == held)?;
    resource(account, state, index)
}

/// Changes to a number's settings; `None` leaves a field as it is.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NumberUpdate {
    /// A name, at most 64 characters.
    pub friendly_name: Option<String>,
    /// "A message comes in": an absolute http(s) URL, or empty to clear.
    pub sms_url: Option<String>,
    /// `POST` or `GET` (the parameters in the URL's query, see `webhook`).
    pub sms_method: Option<String>,
    /// An absolute http(s) URL, or empty (stored, never called).
    pub sms_fallback_url: Option<String>,
    /// `GET` or `POST`.
    pub sms_fallback_method: Option<String>,
    /// The voice status callback: an absolute http(s) URL, or empty (stored only).
    pub status_callback: Option<String>,
    /// `GET` or `POST`.
    pub status_callback_method: Option<String>,
    /// "A call comes in": an absolute http(s) URL, or empty to clear (stored and shown only:
    /// the simulator has no calls).
    pub voice_url: Option<String>,
    /// `GET` or `POST`.
    pub voice_method: Option<String>,
    /// An absolute http(s) URL, or empty (stored and shown only).
    pub voice_fallback_url: Option<String>,
    /// `GET` or `POST`.
    pub voice_fallback_method: Option<String>,
    /// `true` or `false`, any case (stored and shown only).
    pub voice_caller_id_lookup: Option<String>,
    /// What the number can do (provisioning only; the REST update takes none).
    pub capabilities: Option<Capabilities>,
}

impl NumberUpdate {
    /// The update a REST form asks for (`FriendlyName`, `SmsUrl`, ...; other names ignored).
    fn from_form(params: &[(String, String)]) -> NumberUpdate {
        let value = |name: &str| {
            params
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, v)| v.clone())
        };
        NumberUpdate {
            friendly_name: value("FriendlyName"),
            sms_url: value("SmsUrl"),
            sms_method: value("SmsMethod"),
            sms_fallback_url: value("SmsFallbackUrl"),
            sms_fallback_method: value("SmsFallbackMethod"),
            status_callback: value("StatusCallback"),
            status_callback_method: value("StatusCallbackMethod"),
            voice_url: value("VoiceUrl"),
            voice_method: value("VoiceMethod"),
            voice_fallback_url: value("VoiceFallbackUrl"),
            voice_fallback_method: value("VoiceFallbackMethod"),
            voice_caller_id_lookup: value("VoiceCallerIdLookup"),
            capabilities: None,
        }
    }

    /// Checks every field, naming it as `name` gives it (`SmsUrl` or `sms_url`).
    ///
    /// # Errors
    /// 400 / 21402 for a URL that is neither empty nor absolute http(s), 400 / 21403 for a method
    /// other than `GET`/`POST`, 400 / 20001 for a `FriendlyName` over 64 characters.
    pub(crate) fn check(
        &self,
        name: impl Fn(&'static str) -> &'static str,
    ) -> Result<(), ApiError> {
        if let Some(f) = &self.friendly_name {
            let chars = f.chars().count();
            if chars > MAX_FRIENDLY_NAME {
                return Err(ApiError::new(
                    20001,
                    400,
                    format!(
                        "Invalid {}: it has {chars} characters; expected at most {MAX_FRIENDLY_NAME}",
                        name("FriendlyName")
                    ),
                ));
            }
        }
        if let Some(v) = &self.voice_caller_id_lookup {
            if boolean(v).is_none() {
                return Err(ApiError::new(
                    20001,
                    400,
                    format!(
                        "Invalid {} '{v}': expected true or false",
                        name("VoiceCallerIdLookup")
                    ),
                ));
            }
        }
        for (field, value, example) in [
            ("SmsUrl", &self.sms_url, "sms"),
            ("SmsFallbackUrl", &self.sms_fallback_url, "sms-fallback"),
            ("StatusCallback", &self.status_callback, "call-status"),
            ("VoiceUrl", &self.voice_url, "voice"),
            (
                "VoiceFallbackUrl",
                &self.voice_fallback_url,
                "voice-fallback",
            ),
        ] {
            if let Some(v) = value
                .as_deref()
                .filter(|v| !v.is_empty() && !is_http_url(v))
            {
                return Err(ApiError::new(
                    21402,
                    400,
                    format!(
                        "Invalid Url: {} '{v}' is not an absolute http(s) URL; expected for \
                         example https://example.com/{example}, or empty to clear it",
                        name(field)
                    ),
                ));
            }
        }
        for (field, value) in [
            ("SmsMethod", &self.sms_method),
            ("SmsFallbackMethod", &self.sms_fallback_method),
            ("StatusCallbackMethod", &self.status_callback_method),
            ("VoiceMethod", &self.voice_method),
            ("VoiceFallbackMethod", &self.voice_fallback_method),
        ] {
            let Some(v) = value.as_deref() else { continue };
            if crate::webhook::Method::parse(v).is_none() {
                return Err(ApiError::new(
                    21403,
                    400,
                    format!("Invalid Method: {} '{v}' is not GET or POST", name(field)),
                ));
            }
        }
        Ok(())
    }

    /// Applies the (checked) update to `s` at `now`.
    fn apply(self, s: &mut NumberSetting, now: DateTime<Utc>) {
        let upper = |v: String| v.to_ascii_uppercase();
        if let Some(v) = self.friendly_name {
            s.friendly_name = v;
        }
        if let Some(v) = self.sms_url {
            s.sms_url = v;
        }
        if let Some(v) = self.sms_method {
            s.sms_method = upper(v);
        }
        if let Some(v) = self.sms_fallback_url {
            s.sms_fallback_url = v;
        }
        if let Some(v) = self.sms_fallback_method {
            s.sms_fallback_method = upper(v);
        }
        if let Some(v) = self.status_callback {
            s.status_callback = v;
        }
        if let Some(v) = self.status_callback_method {
            s.status_callback_method = upper(v);
        }
        if let Some(v) = self.voice_url {
            s.voice_url = v;
        }
        if let Some(v) = self.voice_method {
            s.voice_method = upper(v);
        }
        if let Some(v) = self.voice_fallback_url {
            s.voice_fallback_url = v;
        }
        if let Some(v) = self.voice_fallback_method {
            s.voice_fallback_method = upper(v);
        }
        if let Some(v) = self.voice_caller_id_lookup.as_deref().and_then(boolean) {
            s.voice_caller_id_lookup = v;
        }
        if let Some(v) = self.capabilities {
            s.capabilities = v;
        }
        s.date_updated = now;
    }
}

/// Applies `update` to the owned number `held` (as the account holds it) at `now`.
///
/// # Errors
/// As [`NumberUpdate::check`]; nothing changes then.
pub(crate) fn update(
    state: &mut SimState,
    held: &str,
    update: NumberUpdate,
    now: DateTime<Utc>,
    name: impl Fn(&'static str) -> &'static str,
) -> Result<(), ApiError> {
    update.check(name)?;
    state.phone_numbers.ensure(held, now);
    if let Some(s) = state.phone_numbers.by_number.get_mut(held) {
        update.apply(s, now);
    }
    Ok(())
}

/// The REST routes, under `/2010-04-01/Accounts/{AccountSid}`.
pub(crate) fn router() -> Router<Arc<Core>> {
    Router::new()
        .route(
            "/2010-04-01/Accounts/{account}/IncomingPhoneNumbers.json",
            get(list),
        )
        .route(
            "/2010-04-01/Accounts/{account}/IncomingPhoneNumbers/{file}",
            get(fetch).post(update_number),
        )
        .method_not_allowed_fallback(crate::api::method_not_allowed)
}

/// The PN SID of a `{Sid}.json` path segment.
fn pn_sid(file: &str, uri: &Uri) -> Result<PhoneNumberSid, ApiError> {
    crate::api::respond::sid_of(file, uri, PhoneNumberSid::parse)
}

/// The digits of `s`.
fn digits(s: &str) -> String {
    s.chars().filter(char::is_ascii_digit).collect()
}

/// `GET …/IncomingPhoneNumbers.json`: `PhoneNumber` matches numbers whose digits contain the
/// filter's digits (so `+14155550100` finds exactly that number; UNCONFIRMED: Twilio's pattern
/// rules are not documented), `FriendlyName` matches exactly; in the order the numbers were
/// added.
async fn list(
    State(core): State<Arc<Core>>,
    Path(account): Path<String>,
    headers: HeaderMap,
    uri: Uri,
) -> Result<Json<IncomingPhoneNumberPage>, ApiReply> {
    live_only(&core, &headers, &account)?;
    let query = ListQuery::parse(
        uri.query(),
        &["PhoneNumber", "FriendlyName", "Beta", "Origin"],
    );
    query.check_page()?;
    let wanted_digits = query.filter("PhoneNumber").map(digits);
    let wanted_name = query.filter("FriendlyName");
    let numbers: Vec<IncomingPhoneNumber> = all(&core.account_sid, &core.state())
        .into_iter()
        .filter(|n| {
            wanted_digits
                .as_deref()
                .is_none_or(|d| digits(&n.phone_number).contains(d))
                && wanted_name.is_none_or(|f| n.friendly_name == f)
        })
        .collect();
    let path = format!(
        "/{API_VERSION}/Accounts/{}/IncomingPhoneNumbers.json",
        core.account_sid
    );
    let page = paginate(&numbers, |n| n.sid.as_str(), false, &path, &query);
    Ok(Json(IncomingPhoneNumberPage {
        meta: page.meta,
        incoming_phone_numbers: page.items,
    }))
}

/// `GET …/IncomingPhoneNumbers/{Sid}.json`.
async fn fetch(
    State(core): State<Arc<Core>>,
    Path((account, file)): Path<(String, String)>,
    headers: HeaderMap,
    uri: Uri,
) -> Result<Json<IncomingPhoneNumber>, ApiReply> {
    live_only(&core, &headers, &account)?;
    let sid = pn_sid(&file, &uri)?;
    let state = core.state();
    let number = number_of(&state, &sid).ok_or_else(|| resource_not_found(&uri))?;
    let found = find(&core.account_sid, &state, &number).ok_or_else(|| resource_not_found(&uri))?;
    Ok(Json(found))
}

/// `POST …/IncomingPhoneNumbers/{Sid}.json`: see the module docs.
async fn update_number(
    State(core): State<Arc<Core>>,
    Path((account, file)): Path<(String, String)>,
    headers: HeaderMap,
    uri: Uri,
    FormParams(params): FormParams,
) -> Result<Json<IncomingPhoneNumber>, ApiReply> {
    live_only(&core, &headers, &account)?;
    let sid = pn_sid(&file, &uri)?;
    let now = core.clock.now();
    let mut state = core.state();
    let number = number_of(&state, &sid).ok_or_else(|| resource_not_found(&uri))?;
    update(
        &mut state,
        &number,
        NumberUpdate::from_form(&params),
        now,
        |n| n,
    )?;
    let found = find(&core.account_sid, &state, &number).ok_or_else(|| resource_not_found(&uri))?;
    Ok(Json(found))
}

/// Gives the account `number` if it does not own it yet and applies `settings` (see
/// [`crate::Simulator::provision_number`]); the resource, and whether the number is new.
///
/// # Errors
/// What was wrong and what was expected, naming the field in snake case; nothing changes then.
pub(crate) fn provision(
    core: &Core,
    number: &str,
    settings: NumberUpdate,
) -> Result<(IncomingPhoneNumber, bool), String> {
    let e164 = numbers::to_e164(number).ok_or_else(|| {
        format!(
            "number '{number}' is not a valid phone number; expected E.164: '+', the country \
             code and the number, for example +14155552671"
        )
    })?;
    settings.check(snake_name).map_err(|e| e.message)?;
    let now = core.clock.now();
    let mut state = core.state();
    let new = !state.owns(&e164);
    state.add_number(&e164);
    let held = state.owned(&e164).unwrap_or(&e164).to_owned();
    state.phone_numbers.ensure(&held, now);
    update(&mut state, &held, settings, now, snake_name).map_err(|e| e.message)?;
    let resource = find(&core.account_sid, &state, &held)
        .ok_or_else(|| format!("{e164} could not be added"))?;
    Ok((resource, new))
}

/// `true` or `false` in any case, as Twilio's boolean parameters read.
fn boolean(v: &str) -> Option<bool> {
    if v.eq_ignore_ascii_case("true") {
        Some(true)
    } else if v.eq_ignore_ascii_case("false") {
        Some(false)
    } else {
        None
    }
}

/// The JSON names of the update fields, for errors of the control API and seed files.
pub(crate) fn snake_name(rest: &'static str) -> &'static str {
    match rest {
        "FriendlyName" => "friendly_name",
        "SmsUrl" => "sms_url",
        "SmsMethod" => "sms_method",
        "SmsFallbackUrl" => "sms_fallback_url",
        "SmsFallbackMethod" => "sms_fallback_method",
        "StatusCallback" => "status_callback",
        "StatusCallbackMethod" => "status_callback_method",
        "VoiceUrl" => "voice_url",
        "VoiceMethod" => "voice_method",
        "VoiceFallbackUrl" => "voice_fallback_url",
        "VoiceFallbackMethod" => "voice_fallback_method",
        "VoiceCallerIdLookup" => "voice_caller_id_lookup",
        other => other,
    }
}

impl crate::Simulator {
    /// Gives the account the number `number` (any valid number in international form; stored
    /// in E.164) if it does not own it yet, then applies `settings` to it, as
    /// `POST /_sim/numbers` does. Returns the number's IncomingPhoneNumber resource.
    ///
    /// # Errors
    /// [`crate::SimError::InvalidConfig`] naming the field when `number` is not a valid number
    /// (expected E.164), a URL is neither empty nor absolute http(s), a method is not `GET`/`POST`
    /// or `friendly_name` is over 64 characters. Nothing
    /// changes then.
    pub fn provision_number(
        &self,
        number: &str,
        settings: NumberUpdate,
    ) -> Result<IncomingPhoneNumber, crate::SimError> {
        provision(&self.core, number, settings)
            .map(|(resource, _)| resource)
            .map_err(crate::SimError::InvalidConfig)
    }

    /// The IncomingPhoneNumber resource of the owned number `number` (compared as given and in
    /// E.164), `None` when the account does not own it.
    pub fn incoming_phone_number(&self, number: &str) -> Option<IncomingPhoneNumber> {
        find(&self.core.account_sid, &self.core.state(), number)
    }

    /// Every owned number's IncomingPhoneNumber resource, in the order they were added.
    pub fn incoming_phone_numbers(&self) -> Vec<IncomingPhoneNumber> {
        all(&self.core.account_sid, &self.core.state())
    }
}

#[cfg(test)]
mod tests {
    use serde_json::Value;

    use super::NumberUpdate;
    use crate::test_support::*;

    const SHOP: &str = "+14155550100";
    const DESK: &str = "+14155550101";
    const HANDSET: &str = "+14155552671";

    async fn call(
        sim: &crate::Simulator,
        method: reqwest::Method,
        tail: &str,
        form: &str,
    ) -> (u16, Value) {
        let resp = reqwest::Client::new()
            .request(
                method,
                format!(
                    "{}/2010-04-01/Accounts/{}/{tail}",
                    sim.base_url(),
                    sim.account_sid()
                ),
            )
            .basic_auth(sim.account_sid(), Some(sim.auth_token()))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .body(form.to_owned())
            .send()
            .await
            .unwrap();
        crate::test_support::status_and_json(resp).await
    }

    #[tokio::test]
    async fn numbers_list_fetch_and_update_with_deterministic_sids() {
        let sim = start_sim(&[SHOP, DESK]).await;
        let (status, page) =
            call(&sim, reqwest::Method::GET, "IncomingPhoneNumbers.json", "").await;
        assert_eq!(status, 200);
        let list = page["incoming_phone_numbers"].as_array().unwrap();
        assert_eq!(list.len(), 2);
        assert_eq!(list[0]["sid"], "PN00000000000000000000000000000001");
        assert_eq!(list[0]["phone_number"], SHOP);
        assert_eq!(list[0]["friendly_name"], "(415) 555-0100");
        assert_eq!(list[0]["sms_url"], "");
        assert_eq!(
            list[0]["capabilities"],
            serde_json::json!({"voice": true, "sms": true, "mms": true, "fax": false})
        );
        assert_eq!(list[1]["sid"], "PN00000000000000000000000000000002");
        assert_eq!(page["page_size"], 50);

        let (_, only) = call(
            &sim,
            reqwest::Method::GET,
            "IncomingPhoneNumbers.json?PhoneNumber=%2B14155550101",
            "",
        )
        .await;
        let only = only["incoming_phone_numbers"].as_array().unwrap();
        assert_eq!(only.len(), 1);
        assert_eq!(only[0]["phone_number"], DESK);

        let pn = "PN00000000000000000000000000000002";
        let tail = format!("IncomingPhoneNumbers/{pn}.json");
        let (status, updated) = call(
            &sim,
            reqwest::Method::POST,
            &tail,
            "SmsUrl=https%3A%2F%2Fdesk.example%2Fsms&SmsMethod=post&FriendlyName=Desk&VoiceUrl=https%3A%2F%2Fdesk.example%2Fvoice&VoiceMethod=get&VoiceCallerIdLookup=true",
        )
        .await;
        assert_eq!(status, 200, "{updated}");
        assert_eq!(updated["sms_url"], "https://desk.example/sms");
        assert_eq!(updated["sms_method"], "POST");
        assert_eq!(updated["friendly_name"], "Desk");
        // Voice settings are stored and shown (the simulator has no calls).
        assert_eq!(updated["voice_url"], "https://desk.example/voice");
        assert_eq!(updated["voice_method"], "GET");
        assert_eq!(updated["voice_fallback_url"], Value::Null);
        assert_eq!(updated["voice_caller_id_lookup"], true);
        let (_, fetched) = call(&sim, reqwest::Method::GET, &tail, "").await;
        assert_eq!(fetched, updated);
        assert_eq!(
            sim.incoming_phone_number(DESK).unwrap().sms_url,
            "https://desk.example/sms"
        );

        // Bad input: a clear 400, nothing changed.
        for (form, code) in [
            ("SmsUrl=ftp%3A%2F%2Fx", 21402),
            ("SmsUrl=not+a+url", 21402),
            ("SmsMethod=PUT", 21403),
            ("VoiceUrl=ftp%3A%2F%2Fx", 21402),
            ("VoiceFallbackMethod=PATCH", 21403),
            ("VoiceCallerIdLookup=yes", 20001),
            (
                "SmsUrl=https%3A%2F%2Fnew.example&FriendlyName=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
                20001,
            ),
        ] {
            let (status, v) = call(&sim, reqwest::Method::POST, &tail, form).await;
            assert_eq!(status, 400, "{form}");
            assert_error_shape(&v, code, 400);
        }
        let (_, unchanged) = call(&sim, reqwest::Method::GET, &tail, "").await;
        assert_eq!(unchanged, updated);
        // Clearing.
        let (_, cleared) = call(&sim, reqwest::Method::POST, &tail, "SmsUrl=&VoiceUrl=").await;
        assert_eq!(cleared["sms_url"], "");
        assert_eq!(cleared["voice_url"], Value::Null);

        // Unknown SIDs, buying and releasing.
        let (status, v) = call(
            &sim,
            reqwest::Method::GET,
            "IncomingPhoneNumbers/PN00000000000000000000000000000009.json",
            "",
        )
        .await;
        assert_eq!(status, 404);
        assert_error_shape(&v, 20404, 404);
        let (status, v) = call(&sim, reqwest::Method::DELETE, &tail, "").await;
        assert_eq!(status, 405);
        assert_error_shape(&v, 20004, 405);
        let (status, _) = call(
            &sim,
            reqwest::Method::POST,
            "IncomingPhoneNumbers.json",
            "PhoneNumber=%2B14155550102",
        )
        .await;
        assert_eq!(status, 405);
    }

    #[tokio::test]
    async fn inbound_goes_to_the_numbers_own_sms_url_else_the_simulator_wide_one() {
        let shared = start_receiver(200, "").await;
        let own = start_receiver(200, "").await;
        let sim = start_sim(&[SHOP, DESK]).await;
        sim.set_sms_url(&format!("{}/shared", shared.base));
        sim.provision_number(
            DESK,
            NumberUpdate {
                sms_url: Some(format!("{}/desk", own.base)),
                ..NumberUpdate::default()
            },
        )
        .unwrap();
        sim.send_inbound(HANDSET, DESK, "to the desk", &[])
            .await
            .unwrap();
        sim.send_inbound(HANDSET, SHOP, "to the shop", &[])
            .await
            .unwrap();
        let (own_hits, shared_hits) = (own.hits(), shared.hits());
        assert_eq!(own_hits.len(), 1);
        assert_eq!(own_hits[0].uri.path(), "/desk");
        assert_eq!(own_hits[0].param("Body"), "to the desk");
        // Signed with the auth token over the number's own URL.
        let params: Vec<(String, String)> = own_hits[0].params.clone();
        assert!(twilio_wire::signature::validate(
            sim.auth_token(),
            &format!("{}/desk", own.base),
            &params,
            own_hits[0].header("X-Twilio-Signature"),
        ));
        assert_eq!(shared_hits.len(), 1);
        assert_eq!(shared_hits[0].param("Body"), "to the shop");
    }

    #[tokio::test]
    async fn sms_method_get_sends_the_parameters_in_the_query_signed_as_the_whole_url() {
        let app = start_receiver(200, "").await;
        let sim = start_sim(&[SHOP]).await;
        sim.provision_number(
            SHOP,
            NumberUpdate {
                sms_url: Some(format!("{}/sms?app=desk", app.base)),
                sms_method: Some("get".into()),
                ..NumberUpdate::default()
            },
        )
        .unwrap();
        assert_eq!(sim.incoming_phone_number(SHOP).unwrap().sms_method, "GET");
        let first = sim
            .send_inbound(HANDSET, SHOP, "hi there", &[])
            .await
            .unwrap();
        sim.redeliver_inbound(&first.sid).await.unwrap();
        let hits = app.hits();
        assert_eq!(hits.len(), 2);
        for hit in &hits {
            assert_eq!(hit.method, axum::http::Method::GET);
            assert!(hit.raw.is_empty(), "no body");
            assert_eq!(hit.uri.path(), "/sms");
            let query: Vec<(String, String)> =
                form_urlencoded::parse(hit.uri.query().unwrap().as_bytes())
                    .into_owned()
                    .collect();
            assert_eq!(query[0], ("app".to_owned(), "desk".to_owned()));
            let param = |n: &str| query.iter().find(|(k, _)| k == n).unwrap().1.as_str();
            assert_eq!(
                (param("Body"), param("MessageSid")),
                ("hi there", first.sid.as_str())
            );
            let signature = hit.header("X-Twilio-Signature");
            let full = format!("{}{}", app.base, hit.uri);
            assert!(twilio_wire::signature::validate(
                sim.auth_token(),
                &full,
                twilio_wire::signature::NO_PARAMS,
                signature
            ));
            assert!(!twilio_wire::signature::validate(
                sim.auth_token(),
                &format!("{}/sms?app=desk", app.base),
                &query[1..],
                signature
            ));
        }
        assert_eq!(hits[0].uri, hits[1].uri, "a re-delivery is the same GET");
    }

    #[tokio::test]
    async fn provisioning_adds_numbers_and_capabilities_limit_them() {
        let app = start_receiver(200, "").await;
        let sim = start_sim(&[SHOP]).await;
        let voice_only = "+14155550102";
        let added = sim
            .provision_number(
                "+1 415 555 0102",
                NumberUpdate {
                    friendly_name: Some("Voice line".into()),
                    sms_url: Some(format!("{}/sms", app.base)),
                    capabilities: Some(twilio_wire::phone_number::Capabilities {
                        voice: true,
                        sms: false,
                        mms: false,
                        fax: false,
                    }),
                    ..NumberUpdate::default()
                },
            )
            .unwrap();
        assert_eq!(added.phone_number, voice_only);
        assert_eq!(added.sid.as_str(), "PN00000000000000000000000000000002");
        assert!(!added.capabilities.sms);
        let err = sim
            .send_inbound(HANDSET, voice_only, "hello?", &[])
            .await
            .unwrap_err();
        assert!(matches!(err, crate::SimError::NotSmsCapable(_)), "{err}");
        assert!(app.hits().is_empty());
        let resp = post_form(
            &sim,
            "To=%2B14155552671&From=%2B14155550102&Body=from+a+voice+line",
        )
        .await;
        assert_eq!(resp.status(), 400);
        assert_error_shape(&resp.json().await.unwrap(), 21606, 400);
        // No MMS capability: no media.
        sim.provision_number(
            SHOP,
            NumberUpdate {
                capabilities: Some(twilio_wire::phone_number::Capabilities {
                    voice: true,
                    sms: true,
                    mms: false,
                    fax: false,
                }),
                ..NumberUpdate::default()
            },
        )
        .unwrap();
        let resp = post_form(
            &sim,
            "To=%2B14155552671&From=%2B14155550100&Body=pic&MediaUrl=https%3A%2F%2Fx.test%2Fa.png",
        )
        .await;
        assert_eq!(resp.status(), 400);
        assert_error_shape(&resp.json().await.unwrap(), 21621, 400);
        assert!(sim.messages().is_empty());

        // Refusals name the field and change nothing.
        let err = sim
            .provision_number(
                "+14155550103",
                NumberUpdate {
                    sms_url: Some("nope".into()),
                    ..NumberUpdate::default()
                },
            )
            .unwrap_err();
        assert!(err.to_string().contains("sms_url 'nope'"), "{err}");
        assert!(sim.incoming_phone_number("+14155550103").is_none());
        let err = sim
            .provision_number("555-0100", NumberUpdate::default())
            .unwrap_err();
        assert!(err.to_string().contains("expected E.164"), "{err}");
        assert_eq!(sim.incoming_phone_numbers().len(), 2);
    }
}
