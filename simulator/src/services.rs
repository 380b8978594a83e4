//! Messaging Services (`messaging.twilio.com/v1`, OAI `twilio_messaging_v1.json`): a pool of
//! senders a message is sent through with `MessagingServiceSid` instead of `From`, with the
//! service's own status callback and inbound webhook.
//!
//! **Where.** The SDKs build absolute URLs on `https://messaging.twilio.com`; the simulator serves
//! that domain under the path prefix `/messaging` of its base URL (the convention other
//! emulators use: rewrite `https://messaging.twilio.com` to `{base_url}/messaging`), and also
//! without it, at `/v1/…`, for a client whose messaging base URL is set to the simulator's:
//!
//! | method | path under `/messaging` (or none) | answer |
//! |---|---|---|
//! | POST | `/v1/Services` | create: 201 + [`Service`] |
//! | GET | `/v1/Services` | 200 + page (`services`, oldest first) |
//! | GET / POST / DELETE | `/v1/Services/{Sid}` | fetch 200, update 200, delete 204 |
//! | POST | `/v1/Services/{Sid}/PhoneNumbers` (`PhoneNumberSid`) | add a sender: 201 + [`ServicePhoneNumber`] |
//! | GET | `/v1/Services/{Sid}/PhoneNumbers` | 200 + page (`phone_numbers`, in the order added) |
//! | GET / DELETE | `/v1/Services/{Sid}/PhoneNumbers/{PN…}` | fetch 200, remove 204 |
//!
//! Live credentials or an API key (see `keys`); the test credentials get 403 / 20008. Resource
//! `url`s, `links` and the paging URLs of `meta` are absolute URLs under
//! `{base_url}/messaging/v1/`, so that following them stays on the simulator. Dates are ISO 8601
//! (`2023-08-24T05:01:45Z`), as v1 writes them.
//!
//! **Create and update** take `FriendlyName` (required at creation: 400 / 20001 without it; at
//! most 64 characters), `InboundRequestUrl`, `FallbackUrl`, `StatusCallback` (absolute http(s)
//! URLs, empty to clear; else 400 / 21502 "Invalid callback url"), `InboundMethod`,
//! `FallbackMethod` (`GET` or `POST`, else 400 / 20001), the booleans `StickySender`
//! (default true), `MmsConverter` (true), `SmartEncoding` (true), `FallbackToLongCode` (true),
//! `AreaCodeGeomatch` (true), `SynchronousValidation` (true), `UseInboundWebhookOnNumber`
//! (false) (`true`/`false`, else 400 / 20001), `ValidityPeriod` (1..=36000 seconds, default
//! 36000, else 400 / 20001), `ScanMessageContent` (`inherit`, `enable`, `disable`) and `Usecase`
//! (default `undeclared`). Unknown parameters are ignored. Defaults are UNCONFIRMED beyond the
//! OAI descriptions.
//!
//! **The sender pool.** `PhoneNumberSid` must be a `PN…` of the account's IncomingPhoneNumbers
//! (else 404 / 20404); a number already in this pool is 409 / 21710, one in another service's
//! pool 409 / 21712 (Twilio's codes; the 409 status is UNCONFIRMED).
//!
//! **Sending through a service** (`MessagingServiceSid` on `POST …/Messages.json`, checked after
//! the §2.2 checks of `validate`): an unknown service is 400 / 21701 "The Messaging Service does
//! not exist"; a `From` given as well is used as given (it must be the account's, as always).
//! Otherwise the sender is picked from the pool: with `sticky_sender`, the number that last sent
//! to the same recipient through this service while it is still in the pool; else the next
//! SMS-capable number of the pool in turn (round robin, in the order they were added:
//! deterministic; Twilio's own choice also weighs geography, UNCONFIRMED). An empty pool is
//! 400 / 21704, a pool without an SMS-capable number 400 / 21703. The create answer shows
//! `status` `accepted`, `from` null and `num_segments` "0" (the sender is not chosen yet, as
//! Twilio answers; the segments are counted once it is queued); the
//! stored message, what fetch and list show, has the sender as `from` from the start. A
//! scheduled one (`ScheduleType=fixed`) shows `from` null until it is queued at its `SendAt`,
//! as the OAI's scheduled examples do; the sender it then shows is the one picked at the create
//! (Twilio picks it when it sends, UNCONFIRMED; the pool's checks are the create's). Without
//! its own `StatusCallback` the message's callbacks go to the service's `status_callback`, and
//! every callback of a service message carries `MessagingServiceSid`. A handset that texted STOP
//! to any number of the pool has opted out of the service: 400 / 21610 whichever sender would
//! be picked, until it texts START to one of them (`optout`). The pick is remembered only when
//! the create succeeds.
//!
//! **Inbound.** A handset's text to a pool number is POSTed to the service's
//! `inbound_request_url` when it is set and `use_inbound_webhook_on_number` is false; otherwise
//! to the number's own `sms_url`, else the simulator-wide SMS URL (see `phone_numbers`), with the
//! method that goes with the URL (`inbound_method`, `sms_method`; POST for the simulator-wide
//! one; a GET carries the parameters in its query, see `webhook`). The
//! webhook and the stored inbound Message carry the service's `MessagingServiceSid` either way.
//! `fallback_url` is stored and shown, never called.

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::{DateTime, Utc};
use twilio_wire::page::{PageLinks, PageMeta};
use twilio_wire::service::{
    Service, ServicePage, ServicePhoneNumber, ServicePhoneNumberPage, V1Meta,
};
use twilio_wire::sid::{PhoneNumberSid, ServiceSid};
use twilio_wire::ApiError;

use crate::api::respond::{live_only_v1 as live_only, resource_not_found, ApiReply};
use crate::body::FormParams;
use crate::list::{window, ListQuery};
use crate::state::SimState;
use crate::validate::{is_http_url, OutboundRequest};
use crate::webhook::Method;
use crate::{numbers, phone_numbers, Core, SimError};

/// The longest `FriendlyName` taken (UNCONFIRMED).
const MAX_FRIENDLY_NAME: usize = 64;
/// The largest `ValidityPeriod`, in seconds (OAI: "1 to 36,000").
const MAX_VALIDITY: u32 = 36_000;

/// A service's settings: what create and update set.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Settings {
    friendly_name: String,
    inbound_request_url: Option<String>,
    inbound_method: String,
    fallback_url: Option<String>,
    fallback_method: String,
    status_callback: Option<String>,
    sticky_sender: bool,
    mms_converter: bool,
    smart_encoding: bool,
    fallback_to_long_code: bool,
    area_code_geomatch: bool,
    synchronous_validation: bool,
    use_inbound_webhook_on_number: bool,
    validity_period: u32,
    scan_message_content: String,
    usecase: String,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            friendly_name: String::new(),
            inbound_request_url: None,
            inbound_method: "POST".to_owned(),
            fallback_url: None,
            fallback_method: "POST".to_owned(),
            status_callback: None,
            sticky_sender: true,
            mms_converter: true,
            smart_encoding: true,
            fallback_to_long_code: true,
            area_code_geomatch: true,
            synchronous_validation: true,
            use_inbound_webhook_on_number: false,
            validity_period: MAX_VALIDITY,
            scan_message_content: "inherit".to_owned(),
            usecase: "undeclared".to_owned(),
        }
    }
}

/// One service.
#[derive(Clone, Debug)]
struct Record {
    settings: Settings,
    /// The sender pool: numbers as the account holds them, with when each joined, in order.
    pool: Vec<(String, DateTime<Utc>)>,
    /// The pool index the next round-robin pick starts at.
    next: usize,
    date_created: DateTime<Utc>,
    date_updated: DateTime<Utc>,
}

/// Every Messaging Service, by SID counter, and the sticky senders.
#[derive(Clone, Debug, Default)]
pub(crate) struct Services {
    last: u64,
    services: BTreeMap<u128, Record>,
    /// (service counter, recipient) → the sender last used.
    sticky: BTreeMap<(u128, String), String>,
}

impl Services {
    /// The same services and pools, without sticky senders or round-robin positions: what a
    /// `/_sim/reset` keeps.
    pub(crate) fn without_assignments(mut self) -> Services {
        self.sticky.clear();
        for r in self.services.values_mut() {
            r.next = 0;
        }
        self
    }

    /// Every service as `(MG…, friendly name, senders)`, oldest first (for the inspector).
    pub(crate) fn summaries(
        &self,
        _account: &twilio_wire::sid::AccountSid,
    ) -> Vec<(String, String, Vec<String>)> {
        self.services
            .iter()
            .map(|(n, r)| {
                (
                    ServiceSid::from_counter(u64::try_from(*n).unwrap_or(u64::MAX)).to_string(),
                    r.settings.friendly_name.clone(),
                    r.pool.iter().map(|(p, _)| p.clone()).collect(),
                )
            })
            .collect()
    }

    /// The service (the number in its SID) whose pool holds `number` (as held), if one does: a
    /// number is in one pool at most (21712).
    pub(crate) fn service_of(&self, number: &str) -> Option<u128> {
        self.owner_of(number).map(|(n, _)| n)
    }

    /// The numbers of service `n`'s pool now, as held (none for a service that does not exist).
    pub(crate) fn pool_of(&self, n: u128) -> impl Iterator<Item = &str> {
        self.services
            .get(&n)
            .into_iter()
            .flat_map(|r| r.pool.iter().map(|(number, _)| number.as_str()))
    }

    /// The service whose pool holds `number` (as held), with its record.
    fn owner_of(&self, number: &str) -> Option<(u128, &Record)> {
        self.services
            .iter()
            .find(|(_, r)| r.pool.iter().any(|(n, _)| n == number))
            .map(|(n, r)| (*n, r))
    }
}

/// ISO 8601 as v1 writes it: `2015-07-30T20:12:31Z`.
fn iso(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// The service `n` as the API shows it.
fn resource(core: &Core, n: u128, r: &Record) -> Service {
    let sid = ServiceSid::from_counter(u64::try_from(n).unwrap_or(u64::MAX));
    let url = format!("{}/messaging/v1/Services/{sid}", core.base_url);
    let links = [
        ("phone_numbers", "PhoneNumbers"),
        ("short_codes", "ShortCodes"),
        ("alpha_senders", "AlphaSenders"),
        ("messages", "Messages"),
        ("us_app_to_person", "Compliance/Usa2p"),
        ("us_app_to_person_usecases", "Compliance/Usa2p/Usecases"),
        ("channel_senders", "ChannelSenders"),
        ("destination_alpha_senders", "DestinationAlphaSenders"),
    ]
    .into_iter()
    .map(|(k, tail)| {
        (
            k.to_owned(),
            serde_json::Value::from(format!("{url}/{tail}")),
        )
    })
    .collect();
    let s = &r.settings;
    Service {
        account_sid: core.account_sid.clone(),
        sid,
        date_created: iso(r.date_created),
        date_updated: iso(r.date_updated),
        friendly_name: s.friendly_name.clone(),
        inbound_request_url: s.inbound_request_url.clone(),
        inbound_method: s.inbound_method.clone(),
        fallback_url: s.fallback_url.clone(),
        fallback_method: s.fallback_method.clone(),
        status_callback: s.status_callback.clone(),
        sticky_sender: s.sticky_sender,
        mms_converter: s.mms_converter,
        smart_encoding: s.smart_encoding,
        fallback_to_long_code: s.fallback_to_long_code,
        area_code_geomatch: s.area_code_geomatch,
        validity_period: s.validity_period,
        scan_message_content: s.scan_message_content.clone(),
        synchronous_validation: s.synchronous_validation,
        usecase: s.usecase.clone(),
        us_app_to_person_registered: false,
        use_inbound_webhook_on_number: s.use_inbound_webhook_on_number,
        links,
        url,
    }
}

/// A pool member as the API shows it.
fn member(
    core: &Core,
    state: &SimState,
    service: &ServiceSid,
    number: &str,
    added: DateTime<Utc>,
) -> Option<ServicePhoneNumber> {
    let sid = phone_numbers::sid_of(state, number)?;
    let caps = state.phone_numbers.capabilities(number);
    let capabilities = [
        (caps.voice, "Voice"),
        (caps.sms, "SMS"),
        (caps.mms, "MMS"),
        (caps.fax, "Fax"),
    ]
    .into_iter()
    .filter(|(on, _)| *on)
    .map(|(_, name)| name.to_owned())
    .collect();
    Some(ServicePhoneNumber {
        url: format!(
            "{}/messaging/v1/Services/{service}/PhoneNumbers/{sid}",
            core.base_url
        ),
        sid,
        account_sid: core.account_sid.clone(),
        service_sid: service.clone(),
        date_created: iso(added),
        date_updated: iso(added),
        phone_number: number.to_owned(),
        country_code: numbers::region(number).unwrap_or_default(),
        capabilities,
    })
}

/// A v1 error: Twilio's error JSON with `code`, `status` and `message`.
fn invalid(name: &str, value: &str, expected: &str) -> ApiError {
    ApiError::new(
        20001,
        400,
        format!("Invalid {name}: '{value}' is not {expected}"),
    )
}

/// Applies the create/update form `params` to `s` (see the module docs).
///
/// # Errors
/// 400 / 20001 or 21502 for the first bad parameter; `s` is then half-changed, so callers work
/// on a copy.
fn apply_form(s: &mut Settings, params: &[(String, String)]) -> Result<(), ApiError> {
    for (name, value) in params {
        let boolean = || match value.to_ascii_lowercase().as_str() {
            "true" => Ok(true),
            "false" => Ok(false),
            _ => Err(invalid(name, value, "true or false")),
        };
        let url = || {
            if value.is_empty() {
                Ok(None)
            } else if is_http_url(value) {
                Ok(Some(value.clone()))
            } else {
                Err(ApiError::new(
                    21502,
                    400,
                    format!(
                        "Invalid callback url: {name} '{value}' is not an absolute http(s) URL; \
                         expected for example https://example.com/sms, or empty to clear it"
                    ),
                ))
            }
        };
        let method = || {
            Method::parse(value)
                .map(|m| m.as_str().to_owned())
                .ok_or_else(|| invalid(name, value, "GET or POST"))
        };
        match name.as_str() {
            "FriendlyName" => {
                let chars = value.chars().count();
                if chars > MAX_FRIENDLY_NAME {
                    return Err(ApiError::new(
                        20001,
                        400,
                        format!(
                            "Invalid FriendlyName: it has {chars} characters; expected at most \
                             {MAX_FRIENDLY_NAME}"
                        ),
                    ));
                }
                s.friendly_name = value.clone();
            }
            "InboundRequestUrl" => s.inbound_request_url = url()?,
            "FallbackUrl" => s.fallback_url = url()?,
            "StatusCallback" => s.status_callback = url()?,
            "InboundMethod" => s.inbound_method = method()?,
            "FallbackMethod" => s.fallback_method = method()?,
            "StickySender" => s.sticky_sender = boolean()?,
            "MmsConverter" => s.mms_converter = boolean()?,
            "SmartEncoding" => s.smart_encoding = boolean()?,
            "FallbackToLongCode" => s.fallback_to_long_code = boolean()?,
            "AreaCodeGeomatch" => s.area_code_geomatch = boolean()?,
            "SynchronousValidation" => s.synchronous_validation = boolean()?,
            "UseInboundWebhookOnNumber" => s.use_inbound_webhook_on_number = boolean()?,
            "ValidityPeriod" => {
                s.validity_period = value
                    .trim()
                    .parse::<u32>()
                    .ok()
                    .filter(|v| (1..=MAX_VALIDITY).contains(v))
                    .ok_or_else(|| invalid(name, value, "a number of seconds from 1 to 36000"))?;
            }
            "ScanMessageContent" => {
                if !["inherit", "enable", "disable"].contains(&value.as_str()) {
                    return Err(invalid(name, value, "inherit, enable or disable"));
                }
                s.scan_message_content = value.clone();
            }
            "Usecase" => s.usecase = value.clone(),
            _ => {}
        }
    }
    Ok(())
}

/// The service counter of a `{Sid}` path segment, if the service exists.
fn service_number(state: &SimState, sid: &str, uri: &Uri) -> Result<u128, ApiError> {
    let n = ServiceSid::parse(sid)
        .map_err(|_| resource_not_found(uri))?
        .number();
    if state.services.services.contains_key(&n) {
        Ok(n)
    } else {
        Err(resource_not_found(uri))
    }
}

/// The routes, under `/messaging/v1` and `/v1`.
pub(crate) fn router() -> Router<Arc<Core>> {
    let v1 = Router::new()
        .route("/Services", post(create).get(list))
        .route("/Services/{sid}", get(fetch).post(update).delete(delete))
        .route(
            "/Services/{sid}/PhoneNumbers",
            post(add_number).get(list_numbers),
        )
        .route(
            "/Services/{sid}/PhoneNumbers/{pn}",
            get(fetch_number).delete(remove_number),
        )
        .method_not_allowed_fallback(crate::api::method_not_allowed);
    Router::new()
        .nest("/messaging/v1", v1.clone())
        .nest("/v1", v1)
}

/// The `meta` of a v1 page of `window` for the list at `{base}/messaging/v1{path}`.
fn v1_meta<T>(
    core: &Core,
    path: &str,
    key: &str,
    w: &crate::list::Window<T>,
    sid: impl Fn(&T) -> &str,
    query: &ListQuery,
) -> V1Meta {
    let next_token = w
        .more_after
        .then(|| w.items.last().map(|i| format!("PA{}", sid(i))))
        .flatten();
    let previous_token = w
        .more_before
        .then(|| w.items.first().map(|i| format!("PB{}", sid(i))))
        .flatten();
    let meta = PageMeta::new(&PageLinks {
        path: &format!("{}/messaging/v1{path}", core.base_url),
        filters: &query.filters,
        page_size: query.page_size,
        page: query.page,
        token: query.raw_token.as_deref(),
        count: w.items.len() as u64,
        next_token,
        previous_token,
    });
    V1Meta {
        page: meta.page,
        page_size: meta.page_size,
        first_page_url: meta.first_page_uri,
        previous_page_url: meta.previous_page_uri,
        next_page_url: meta.next_page_uri,
        key: key.to_owned(),
        url: meta.uri,
    }
}

/// `POST /v1/Services`.
async fn create(
    State(core): State<Arc<Core>>,
    headers: HeaderMap,
    FormParams(params): FormParams,
) -> Result<(StatusCode, Json<Service>), ApiReply> {
    live_only(&core, &headers)?;
    if !params
        .iter()
        .any(|(n, v)| n == "FriendlyName" && !v.is_empty())
    {
        return Err(ApiError::new(
            20001,
            400,
            "Missing required parameter FriendlyName in the post body",
        )
        .into());
    }
    let mut settings = Settings::default();
    apply_form(&mut settings, &params)?;
    let now = core.clock.now();
    let mut state = core.state();
    let services = &mut state.services;
    services.last += 1;
    let n = u128::from(services.last);
    let record = Record {
        settings,
        pool: Vec::new(),
        next: 0,
        date_created: now,
        date_updated: now,
    };
    let shown = resource(&core, n, &record);
    services.services.insert(n, record);
    Ok((StatusCode::CREATED, Json(shown)))
}

/// `GET /v1/Services`: oldest first.
async fn list(
    State(core): State<Arc<Core>>,
    headers: HeaderMap,
    uri: Uri,
) -> Result<Json<ServicePage>, ApiReply> {
    live_only(&core, &headers)?;
    let query = ListQuery::parse(uri.query(), &[]);
    query.check_page()?;
    let all: Vec<Service> = {
        let state = core.state();
        state
            .services
            .services
            .iter()
            .map(|(n, r)| resource(&core, *n, r))
            .collect()
    };
    let w = window(&all, |s| s.sid.as_str(), false, &query);
    let meta = v1_meta(
        &core,
        "/Services",
        "services",
        &w,
        |s| s.sid.as_str(),
        &query,
    );
    Ok(Json(ServicePage {
        services: w.items,
        meta,
    }))
}

/// `GET /v1/Services/{Sid}`.
async fn fetch(
    State(core): State<Arc<Core>>,
    Path(sid): Path<String>,
    headers: HeaderMap,
    uri: Uri,
) -> Result<Json<Service>, ApiReply> {
    live_only(&core, &headers)?;
    let state = core.state();
    let n = service_number(&state, &sid, &uri)?;
    Ok(Json(resource(&core, n, &state.services.services[&n])))
}

/// `POST /v1/Services/{Sid}`: the parameters given change; the others stay.
async fn update(
    State(core): State<Arc<Core>>,
    Path(sid): Path<String>,
    headers: HeaderMap,
    uri: Uri,
    FormParams(params): FormParams,
) -> Result<Json<Service>, ApiReply> {
    live_only(&core, &headers)?;
    let now = core.clock.now();
    let mut state = core.state();
    let n = service_number(&state, &sid, &uri)?;
    let record = state
        .services
        .services
        .get_mut(&n)
        .ok_or_else(|| resource_not_found(&uri))?;
    let mut settings = record.settings.clone();
    if params
        .iter()
        .any(|(k, v)| k == "FriendlyName" && v.is_empty())
    {
        return Err(invalid("FriendlyName", "", "a name").into());
    }
    apply_form(&mut settings, &params)?;
    record.settings = settings;
    record.date_updated = now;
    Ok(Json(resource(&core, n, record)))
}

/// `DELETE /v1/Services/{Sid}`: 204; its pool is released and its sticky senders forgotten.
async fn delete(
    State(core): State<Arc<Core>>,
    Path(sid): Path<String>,
    headers: HeaderMap,
    uri: Uri,
) -> Result<StatusCode, ApiReply> {
    live_only(&core, &headers)?;
    let mut state = core.state();
    let n = service_number(&state, &sid, &uri)?;
    state.services.services.remove(&n);
    state.services.sticky.retain(|(s, _), _| *s != n);
    Ok(StatusCode::NO_CONTENT)
}

/// `POST /v1/Services/{Sid}/PhoneNumbers` with `PhoneNumberSid`: 201.
async fn add_number(
    State(core): State<Arc<Core>>,
    Path(sid): Path<String>,
    headers: HeaderMap,
    uri: Uri,
    FormParams(params): FormParams,
) -> Result<(StatusCode, Json<ServicePhoneNumber>), ApiReply> {
    live_only(&core, &headers)?;
    let now = core.clock.now();
    let pn = params
        .iter()
        .find(|(n, v)| n == "PhoneNumberSid" && !v.is_empty())
        .map(|(_, v)| v.clone())
        .ok_or_else(|| {
            ApiError::new(
                20001,
                400,
                "Missing required parameter PhoneNumberSid in the post body",
            )
        })?;
    let mut state = core.state();
    let n = service_number(&state, &sid, &uri)?;
    let service_sid = ServiceSid::parse(&sid).map_err(|_| resource_not_found(&uri))?;
    let number = PhoneNumberSid::parse(&pn)
        .ok()
        .and_then(|p| phone_numbers::number_of(&state, &p))
        .ok_or_else(|| {
            ApiError::new(
                20404,
                404,
                format!("The requested resource PhoneNumberSid {pn} was not found: it is not one of the account's IncomingPhoneNumbers"),
            )
        })?;
    join_pool(&mut state, n, &number, now)?;
    let shown = member(&core, &state, &service_sid, &number, now)
        .ok_or_else(|| resource_not_found(&uri))?;
    Ok((StatusCode::CREATED, Json(shown)))
}

/// Puts the owned number `number` (as held) in service `n`'s pool at `now`.
///
/// # Errors
/// 409 / 21710 when it is in this pool already, 409 / 21712 when in another service's.
fn join_pool(
    state: &mut SimState,
    n: u128,
    number: &str,
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    if let Some((owner, _)) = state.services.owner_of(number) {
        return Err(if owner == n {
            ApiError::new(
                21710,
                409,
                format!("Phone Number Already Exists in Messaging Service: {number}"),
            )
        } else {
            ApiError::new(
                21712,
                409,
                format!(
                    "Phone Number or Short Code is associated with another Messaging Service: \
                     {number} is in {}",
                    ServiceSid::from_counter(u64::try_from(owner).unwrap_or(u64::MAX))
                ),
            )
        });
    }
    if let Some(r) = state.services.services.get_mut(&n) {
        r.pool.push((number.to_owned(), now));
    }
    Ok(())
}

/// `GET /v1/Services/{Sid}/PhoneNumbers`: in the order added.
async fn list_numbers(
    State(core): State<Arc<Core>>,
    Path(sid): Path<String>,
    headers: HeaderMap,
    uri: Uri,
) -> Result<Json<ServicePhoneNumberPage>, ApiReply> {
    live_only(&core, &headers)?;
    let query = ListQuery::parse(uri.query(), &[]);
    query.check_page()?;
    let (service_sid, members) = {
        let state = core.state();
        let n = service_number(&state, &sid, &uri)?;
        let service_sid = ServiceSid::parse(&sid).map_err(|_| resource_not_found(&uri))?;
        let members: Vec<ServicePhoneNumber> = state.services.services[&n]
            .pool
            .iter()
            .filter_map(|(number, added)| member(&core, &state, &service_sid, number, *added))
            .collect();
        (service_sid, members)
    };
    // Pool order is not SID order: page by position.
    let query = ListQuery {
        raw_token: None,
        ..query
    };
    let w = window(&members, |m| m.sid.as_str(), false, &query);
    let meta = v1_meta(
        &core,
        &format!("/Services/{service_sid}/PhoneNumbers"),
        "phone_numbers",
        &w,
        |m| m.sid.as_str(),
        &query,
    );
    Ok(Json(ServicePhoneNumberPage {
        phone_numbers: w.items,
        meta,
    }))
}

/// The pool member `pn` of service `n`: the number as held.
fn pool_member(state: &SimState, n: u128, pn: &str, uri: &Uri) -> Result<String, ApiError> {
    let number = PhoneNumberSid::parse(pn)
        .ok()
        .and_then(|p| phone_numbers::number_of(state, &p))
        .ok_or_else(|| resource_not_found(uri))?;
    let in_pool = state.services.services[&n]
        .pool
        .iter()
        .any(|(p, _)| *p == number);
    if in_pool {
        Ok(number)
    } else {
        Err(resource_not_found(uri))
    }
}

/// `GET /v1/Services/{Sid}/PhoneNumbers/{PN…}`.
async fn fetch_number(
    State(core): State<Arc<Core>>,
    Path((sid, pn)): Path<(String, String)>,
    headers: HeaderMap,
    uri: Uri,
) -> Result<Json<ServicePhoneNumber>, ApiReply> {
    live_only(&core, &headers)?;
    let state = core.state();
    let n = service_number(&state, &sid, &uri)?;
    let number = pool_member(&state, n, &pn, &uri)?;
    let service_sid = ServiceSid::parse(&sid).map_err(|_| resource_not_found(&uri))?;
    let added = state.services.services[&n]
        .pool
        .iter()
        .find(|(p, _)| *p == number)
        .map_or(core.clock.now(), |(_, at)| *at);
    let shown = member(&core, &state, &service_sid, &number, added)
        .ok_or_else(|| resource_not_found(&uri))?;
    Ok(Json(shown))
}

/// `DELETE /v1/Services/{Sid}/PhoneNumbers/{PN…}`: 204; sticky senders that were this number
/// are forgotten.
async fn remove_number(
    State(core): State<Arc<Core>>,
    Path((sid, pn)): Path<(String, String)>,
    headers: HeaderMap,
    uri: Uri,
) -> Result<StatusCode, ApiReply> {
    live_only(&core, &headers)?;
    let mut state = core.state();
    let n = service_number(&state, &sid, &uri)?;
    let number = pool_member(&state, n, &pn, &uri)?;
    let services = &mut state.services;
    if let Some(r) = services.services.get_mut(&n) {
        r.pool.retain(|(p, _)| *p != number);
    }
    services
        .sticky
        .retain(|(s, _), sender| !(*s == n && *sender == number));
    Ok(StatusCode::NO_CONTENT)
}

/// Who sends an outbound message, as the create handler records it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Sender {
    /// The sender, as the account holds it (or as given, for a sender that is not a number).
    pub(crate) from: String,
    /// The status callback URL: the request's, else its Messaging Service's.
    pub(crate) status_callback: Option<String>,
}

/// The sender of a checked create `request` and the create-time checks that depend on the
/// account's configuration, in this order: the Messaging Service (unknown: 400 / 21701; its
/// pool empty: 21704, without an SMS-capable number: 21703), the sender's capabilities (no SMS:
/// 21606, media without MMS: 21621), then `delivery::admit` (21614, 21610), then the handset's
/// opt-out of the service (21610, [`crate::optout`]). A sticky pick is remembered only when
/// every check passed.
///
/// # Errors
/// The first check that failed, HTTP 400; nothing changes then.
pub(crate) fn admit(state: &mut SimState, request: &OutboundRequest) -> Result<Sender, ApiError> {
    let mut status_callback = request.status_callback.clone();
    let mut pick: Option<(u128, usize)> = None;
    let mut service = None;
    let from = match &request.messaging_service_sid {
        None => request.from.clone().unwrap_or_default(),
        Some(mg) => {
            let n = ServiceSid::parse(mg)
                .ok()
                .map(|s| s.number())
                .filter(|n| state.services.services.contains_key(n))
                .ok_or_else(|| {
                    ApiError::new(
                        21701,
                        400,
                        format!("The Messaging Service does not exist: {mg}"),
                    )
                })?;
            service = Some(n);
            let record = &state.services.services[&n];
            if status_callback.is_none() {
                status_callback = record.settings.status_callback.clone();
            }
            match &request.from {
                Some(from) => from.clone(),
                None => {
                    let (from, next) = pick_sender(state, n, &request.to)?;
                    pick = next.map(|i| (n, i));
                    from
                }
            }
        }
    };
    let caps = state.phone_numbers.capabilities(&from);
    if state.owns(&from) && !caps.sms {
        return Err(ApiError::new(
            21606,
            400,
            format!(
                "The From phone number {from} is not a valid, SMS-capable inbound phone number \
                 or short code for your account."
            ),
        ));
    }
    if state.owns(&from) && !caps.mms && !request.media_urls.is_empty() {
        return Err(ApiError::new(
            21621,
            400,
            format!("The 'From' number {from} has not been enabled for MMS"),
        ));
    }
    crate::delivery::admit(state, &from, &request.to)?;
    // A handset that opted out of one of the service's numbers opted out of the service (§7
    // Scope): refused whichever sender it would use, a `From` given outside its pool too.
    if service.is_some_and(|n| crate::optout::service_blocked(state, n, &request.to)) {
        return Err(crate::delivery::unsubscribed());
    }
    if let Some(mg) = &request.messaging_service_sid {
        if let Some(n) = ServiceSid::parse(mg).ok().map(|s| s.number()) {
            remember(state, n, &request.to, &from, pick.map(|(_, i)| i));
        }
    }
    Ok(Sender {
        from,
        status_callback,
    })
}

/// The sender for a message to `to` through service `n`, and the round-robin index used (none
/// for a sticky sender).
///
/// # Errors
/// 400 / 21704 for an empty pool, 400 / 21703 when no pool number can send SMS.
fn pick_sender(state: &SimState, n: u128, to: &str) -> Result<(String, Option<usize>), ApiError> {
    let record = &state.services.services[&n];
    if record.pool.is_empty() {
        return Err(ApiError::new(
            21704,
            400,
            "The Messaging Service contains no phone numbers",
        ));
    }
    let capable = |number: &str| state.phone_numbers.capabilities(number).sms;
    if record.settings.sticky_sender {
        if let Some(sender) = state.services.sticky.get(&(n, to.to_owned())) {
            if record.pool.iter().any(|(p, _)| p == sender) && capable(sender) {
                return Ok((sender.clone(), None));
            }
        }
    }
    let len = record.pool.len();
    (0..len)
        .map(|k| (record.next + k) % len)
        .find(|&i| capable(&record.pool[i].0))
        .map(|i| (record.pool[i].0.clone(), Some(i)))
        .ok_or_else(|| {
            ApiError::new(
                21703,
                400,
                "The Messaging Service does not have a phone number available to send a message",
            )
        })
}

/// Records a send from `from` to `to` through service `n`: the sticky sender, and the next
/// round-robin position after pool index `picked`.
fn remember(state: &mut SimState, n: u128, to: &str, from: &str, picked: Option<usize>) {
    let services = &mut state.services;
    let Some(record) = services.services.get_mut(&n) else {
        return;
    };
    if let Some(i) = picked {
        record.next = (i + 1) % record.pool.len().max(1);
    }
    if record.settings.sticky_sender {
        services.sticky.insert((n, to.to_owned()), from.to_owned());
    }
}

/// Where a handset's text to the owned number `to` goes, and the Messaging Service whose pool
/// holds `to`, if any.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct InboundRoute {
    /// The webhook URL and how it is called (the number's `sms_method` or the service's
    /// `inbound_method`; POST for the simulator-wide SMS URL); `None` when no URL applies.
    pub(crate) webhook: Option<(String, Method)>,
    /// `MG…`, for the webhook's `MessagingServiceSid` and the stored Message.
    pub(crate) service: Option<String>,
}

/// See the module docs ("Inbound") and `phone_numbers`.
///
/// # Errors
/// [`SimError::NotSmsCapable`] when `to` is an owned number without the SMS capability.
pub(crate) fn inbound_route(state: &SimState, to: &str) -> Result<InboundRoute, SimError> {
    let held = state.owned(to);
    let service = held.and_then(|h| state.services.owner_of(h));
    let method = |m: &str| Method::parse(m).unwrap_or_default();
    let number_url = held
        .and_then(|h| state.phone_numbers.get(h))
        .filter(|s| !s.sms_url.is_empty())
        .map(|s| (s.sms_url.as_str(), method(&s.sms_method)));
    let service_url = service
        .filter(|(_, r)| !r.settings.use_inbound_webhook_on_number)
        .and_then(|(_, r)| {
            let url = r.settings.inbound_request_url.as_deref()?;
            Some((url, method(&r.settings.inbound_method)))
        });
    let webhook = service_url
        .or(number_url)
        .or(state.sms_url().map(|u| (u, Method::Post)))
        .map(|(url, method)| (url.to_owned(), method));
    if let Some(h) = held {
        if !state.phone_numbers.capabilities(h).sms {
            return Err(SimError::NotSmsCapable(h.to_owned()));
        }
    }
    Ok(InboundRoute {
        webhook,
        service: service.map(|(n, _)| {
            ServiceSid::from_counter(u64::try_from(n).unwrap_or(u64::MAX)).to_string()
        }),
    })
}

/// A Messaging Service as a shared setup declares it (`convsms sim --seed-file`): its settings
/// as create parameters, and its sender pool.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ServiceSetup {
    /// The create form, Twilio's names: `FriendlyName` (required), `InboundRequestUrl`,
    /// `StatusCallback`, `StickySender`, `UseInboundWebhookOnNumber`, ...
    pub params: Vec<(String, String)>,
    /// Owned numbers (E.164) for the sender pool, in order.
    pub senders: Vec<String>,
}

impl crate::Simulator {
    /// Creates a Messaging Service from `setup`, as `POST /v1/Services` and then
    /// `POST …/PhoneNumbers` for each sender do. Returns the service.
    ///
    /// # Errors
    /// [`SimError::InvalidConfig`] with the API's message when a parameter is refused, a sender
    /// is not one of the account's numbers, or is in another service's pool; nothing is created
    /// then.
    pub fn create_service(&self, setup: &ServiceSetup) -> Result<Service, SimError> {
        let bad = |e: ApiError| SimError::InvalidConfig(e.message);
        if !setup
            .params
            .iter()
            .any(|(n, v)| n == "FriendlyName" && !v.is_empty())
        {
            return Err(SimError::InvalidConfig(
                "a Messaging Service needs a FriendlyName".to_owned(),
            ));
        }
        let mut settings = Settings::default();
        apply_form(&mut settings, &setup.params).map_err(bad)?;
        let now = self.core.clock.now();
        let mut state = self.core.state();
        let mut pool: Vec<(String, DateTime<Utc>)> = Vec::new();
        for sender in &setup.senders {
            let held = state.owned(sender).map(str::to_owned).ok_or_else(|| {
                SimError::InvalidConfig(format!(
                    "{sender} is not one of the account's numbers; declare it as a number first"
                ))
            })?;
            if state.services.owner_of(&held).is_some() || pool.iter().any(|(p, _)| *p == held) {
                return Err(SimError::InvalidConfig(format!(
                    "{held} is already in a Messaging Service's sender pool"
                )));
            }
            pool.push((held, now));
        }
        let services = &mut state.services;
        services.last += 1;
        let n = u128::from(services.last);
        let record = Record {
            settings,
            pool,
            next: 0,
            date_created: now,
            date_updated: now,
        };
        let shown = resource(&self.core, n, &record);
        services.services.insert(n, record);
        Ok(shown)
    }

    /// Every Messaging Service, oldest first.
    pub fn services(&self) -> Vec<Service> {
        let state = self.core.state();
        state
            .services
            .services
            .iter()
            .map(|(n, r)| resource(&self.core, *n, r))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use serde_json::Value;

    use crate::test_support::*;
    use crate::{NumberUpdate, ServiceSetup};

    const A: &str = "+14155550100";
    const B: &str = "+14155550101";
    const C: &str = "+14155550102";
    const H1: &str = "+14155552671";
    const H2: &str = "+14155552672";

    /// An authenticated request to `{base}{path}` with a form body; status and JSON (null if
    /// empty).
    async fn call(
        sim: &crate::Simulator,
        method: reqwest::Method,
        path: &str,
        form: &[(&str, &str)],
    ) -> (u16, Value) {
        let body = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(form)
            .finish();
        let resp = reqwest::Client::new()
            .request(method, format!("{}{path}", sim.base_url()))
            .basic_auth(sim.account_sid(), Some(sim.auth_token()))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .body(body)
            .send()
            .await
            .unwrap();
        crate::test_support::status_and_json(resp).await
    }

    async fn send(sim: &crate::Simulator, form: &[(&str, &str)]) -> (u16, Value) {
        let path = format!("/2010-04-01/Accounts/{}/Messages.json", sim.account_sid());
        call(sim, reqwest::Method::POST, &path, form).await
    }

    #[tokio::test]
    async fn services_and_their_pools_over_rest_on_both_prefixes() {
        let sim = start_sim(&[A, B, C]).await;
        let base = sim.base_url();
        let post = reqwest::Method::POST;
        let (status, v) = call(&sim, post.clone(), "/messaging/v1/Services", &[]).await;
        assert_eq!(status, 400);
        assert_error_shape(&v, 20001, 400);
        let (status, created) = call(
            &sim,
            post.clone(),
            "/messaging/v1/Services",
            &[
                ("FriendlyName", "Support"),
                ("StatusCallback", "https://app.example/status"),
                ("ValidityPeriod", "600"),
            ],
        )
        .await;
        assert_eq!(status, 201, "{created}");
        let mg = "MG00000000000000000000000000000001";
        assert_eq!(created["sid"], mg);
        assert_eq!(created["friendly_name"], "Support");
        assert_eq!(created["status_callback"], "https://app.example/status");
        assert_eq!(created["validity_period"], 600);
        assert_eq!(created["sticky_sender"], true);
        assert_eq!(created["use_inbound_webhook_on_number"], false);
        assert_eq!(created["inbound_request_url"], Value::Null);
        assert_eq!(created["date_created"], "2023-08-24T05:01:45Z");
        assert_eq!(created["url"], format!("{base}/messaging/v1/Services/{mg}"));
        assert_eq!(
            created["links"]["phone_numbers"],
            format!("{base}/messaging/v1/Services/{mg}/PhoneNumbers")
        );
        let _: twilio_wire::service::Service = serde_json::from_value(created.clone()).unwrap();

        // The same resource without the prefix.
        let (status, fetched) = call(
            &sim,
            reqwest::Method::GET,
            &format!("/v1/Services/{mg}"),
            &[],
        )
        .await;
        assert_eq!((status, &fetched), (200, &created));

        // Update: given parameters change, others stay; bad values change nothing.
        let path = format!("/messaging/v1/Services/{mg}");
        let (status, updated) = call(
            &sim,
            post.clone(),
            &path,
            &[
                ("InboundRequestUrl", "https://app.example/in"),
                ("StickySender", "false"),
            ],
        )
        .await;
        assert_eq!(status, 200);
        assert_eq!(updated["inbound_request_url"], "https://app.example/in");
        assert_eq!(updated["sticky_sender"], false);
        assert_eq!(updated["status_callback"], "https://app.example/status");
        for (form, code) in [
            (("StickySender", "maybe"), 20001),
            (("ValidityPeriod", "0"), 20001),
            (("StatusCallback", "ftp://x"), 21502),
            (("InboundMethod", "PUT"), 20001),
        ] {
            let (status, v) = call(&sim, post.clone(), &path, &[form]).await;
            assert_eq!(status, 400, "{form:?}");
            assert_error_shape(&v, code, 400);
        }
        let (_, unchanged) = call(&sim, reqwest::Method::GET, &path, &[]).await;
        assert_eq!(unchanged, updated);

        // The pool: add, list, duplicates, another service, unknown numbers, remove.
        let numbers = format!("{path}/PhoneNumbers");
        let pn = |i: u64| twilio_wire::sid::PhoneNumberSid::from_counter(i).to_string();
        let (status, added) =
            call(&sim, post.clone(), &numbers, &[("PhoneNumberSid", &pn(2))]).await;
        assert_eq!(status, 201, "{added}");
        assert_eq!(added["phone_number"], B);
        assert_eq!(added["service_sid"], mg);
        assert_eq!(added["country_code"], "US");
        assert_eq!(
            added["capabilities"],
            serde_json::json!(["Voice", "SMS", "MMS"])
        );
        call(&sim, post.clone(), &numbers, &[("PhoneNumberSid", &pn(1))]).await;
        let (status, v) = call(&sim, post.clone(), &numbers, &[("PhoneNumberSid", &pn(2))]).await;
        assert_eq!(status, 409);
        assert_error_shape(&v, 21710, 409);
        let (status, v) = call(&sim, post.clone(), &numbers, &[("PhoneNumberSid", &pn(9))]).await;
        assert_eq!(status, 404);
        assert_error_shape(&v, 20404, 404);
        let (_, other) = call(
            &sim,
            post.clone(),
            "/messaging/v1/Services",
            &[("FriendlyName", "Other")],
        )
        .await;
        let (status, v) = call(
            &sim,
            post.clone(),
            &format!(
                "/messaging/v1/Services/{}/PhoneNumbers",
                other["sid"].as_str().unwrap()
            ),
            &[("PhoneNumberSid", &pn(1))],
        )
        .await;
        assert_eq!(status, 409);
        assert_error_shape(&v, 21712, 409);
        let (status, page) = call(
            &sim,
            reqwest::Method::GET,
            &format!("{numbers}?PageSize=1"),
            &[],
        )
        .await;
        assert_eq!(status, 200);
        assert_eq!(
            page["phone_numbers"][0]["phone_number"], B,
            "in the order added"
        );
        assert_eq!(page["meta"]["key"], "phone_numbers");
        let next = page["meta"]["next_page_url"].as_str().unwrap().to_owned();
        assert!(
            next.starts_with(&format!("{base}{numbers}?PageSize=1&Page=1")),
            "{next}"
        );
        let (_, second) = call(&sim, reqwest::Method::GET, &next[base.len()..], &[]).await;
        assert_eq!(second["phone_numbers"][0]["phone_number"], A);
        assert_eq!(second["meta"]["next_page_url"], Value::Null);
        let (status, v) = call(
            &sim,
            reqwest::Method::DELETE,
            &format!("{numbers}/{}", pn(2)),
            &[],
        )
        .await;
        assert_eq!((status, v), (204, Value::Null));
        let (status, _) = call(
            &sim,
            reqwest::Method::GET,
            &format!("{numbers}/{}", pn(2)),
            &[],
        )
        .await;
        assert_eq!(status, 404);

        // The service list, then delete.
        let (_, all) = call(&sim, reqwest::Method::GET, "/messaging/v1/Services", &[]).await;
        assert_eq!(all["services"].as_array().unwrap().len(), 2);
        assert_eq!(all["meta"]["key"], "services");
        assert_eq!(
            all["meta"]["url"],
            format!("{base}/messaging/v1/Services?PageSize=50&Page=0")
        );
        let (status, _) = call(&sim, reqwest::Method::DELETE, &path, &[]).await;
        assert_eq!(status, 204);
        let (status, v) = call(&sim, reqwest::Method::GET, &path, &[]).await;
        assert_eq!(status, 404);
        assert_error_shape(&v, 20404, 404);
        // Its numbers are free again.
        let (status, _) = call(
            &sim,
            post.clone(),
            &format!(
                "/messaging/v1/Services/{}/PhoneNumbers",
                other["sid"].as_str().unwrap()
            ),
            &[("PhoneNumberSid", &pn(1))],
        )
        .await;
        assert_eq!(status, 201);

        // No credentials: 401.
        let resp = reqwest::get(format!("{base}/messaging/v1/Services"))
            .await
            .unwrap();
        assert_eq!(resp.status(), 401);
    }

    #[tokio::test]
    async fn sends_through_a_service_pick_sticky_senders_in_turn_and_use_its_callback() {
        let app = start_receiver(200, "").await;
        let sim = start_sim(&[A, B, C]).await;
        let service = sim
            .create_service(&ServiceSetup {
                params: vec![
                    ("FriendlyName".into(), "Pool".into()),
                    (
                        "StatusCallback".into(),
                        format!("{}/service-status", app.base),
                    ),
                ],
                senders: vec![A.into(), B.into()],
            })
            .unwrap();
        let mg = service.sid.to_string();
        let through = |to: &'static str| {
            let mg = mg.clone();
            let sim = &sim;
            async move {
                send(
                    sim,
                    &[("To", to), ("MessagingServiceSid", &mg), ("Body", "hi")],
                )
                .await
            }
        };
        let (status, first) = through(H1).await;
        assert_eq!(status, 201, "{first}");
        assert_eq!(first["status"], "accepted");
        assert_eq!(
            first["from"],
            Value::Null,
            "the create answer has no sender yet"
        );
        assert_eq!(first["messaging_service_sid"], mg.as_str());
        let (_, second) = through(H2).await;
        let (_, again) = through(H1).await;
        let from = |v: &Value| {
            let sid = twilio_wire::sid::MessageSid::parse(v["sid"].as_str().unwrap()).unwrap();
            sim.message(&sid).unwrap().from.unwrap()
        };
        assert_eq!(from(&first), A, "the first of the pool");
        assert_eq!(from(&second), B, "the next in turn for another recipient");
        assert_eq!(
            from(&again),
            A,
            "sticky: the same sender for the same recipient"
        );
        // A From given with the service is used as given.
        let (_, explicit) = send(
            &sim,
            &[
                ("To", H2),
                ("From", C),
                ("MessagingServiceSid", &mg),
                ("Body", "x"),
            ],
        )
        .await;
        assert_eq!(explicit["from"], C);

        // The service's status callback, with MessagingServiceSid.
        sim.run_due().await; // accepted -> queued
        let hits = app.hits();
        assert!(!hits.is_empty());
        assert!(hits.iter().all(|h| h.uri.path() == "/service-status"));
        assert!(hits.iter().all(|h| h.param("MessagingServiceSid") == mg));
        assert_eq!(hits[0].param("MessageStatus"), "queued");

        // Refusals.
        let (status, v) = send(
            &sim,
            &[
                ("To", H1),
                ("MessagingServiceSid", "MG000000000000000000000000000000ff"),
                ("Body", "x"),
            ],
        )
        .await;
        assert_eq!(status, 400);
        assert_error_shape(&v, 21701, 400);
        let empty = sim
            .create_service(&ServiceSetup {
                params: vec![("FriendlyName".into(), "Empty".into())],
                senders: vec![],
            })
            .unwrap();
        let (status, v) = send(
            &sim,
            &[
                ("To", H1),
                ("MessagingServiceSid", empty.sid.as_str()),
                ("Body", "x"),
            ],
        )
        .await;
        assert_eq!(status, 400);
        assert_error_shape(&v, 21704, 400);
        assert_eq!(sim.messages().len(), 4);
    }

    #[tokio::test]
    async fn a_refused_send_remembers_no_pick_and_reset_forgets_the_picks() {
        let sim = start_sim(&[A, B]).await;
        let service = sim
            .create_service(&ServiceSetup {
                params: vec![("FriendlyName".into(), "Pool".into())],
                senders: vec![A.into(), B.into()],
            })
            .unwrap();
        let mg = service.sid.to_string();
        sim.set_carrier(H2, crate::CarrierProfile::NotMobile);
        let (status, v) = send(
            &sim,
            &[("To", H2), ("MessagingServiceSid", &mg), ("Body", "x")],
        )
        .await;
        assert_eq!(status, 400);
        assert_error_shape(&v, 21614, 400);
        let (_, ok) = send(
            &sim,
            &[("To", H1), ("MessagingServiceSid", &mg), ("Body", "x")],
        )
        .await;
        let sid = twilio_wire::sid::MessageSid::parse(ok["sid"].as_str().unwrap()).unwrap();
        assert_eq!(sim.message(&sid).unwrap().from.as_deref(), Some(A));
        sim.reset();
        assert_eq!(sim.services().len(), 1, "reset keeps the services");
        let (_, after) = send(
            &sim,
            &[("To", H2), ("MessagingServiceSid", &mg), ("Body", "x")],
        )
        .await;
        assert_eq!(after["status"], "accepted", "{after}");
        let sid = twilio_wire::sid::MessageSid::parse(after["sid"].as_str().unwrap()).unwrap();
        assert_eq!(
            sim.message(&sid).unwrap().from.as_deref(),
            Some(A),
            "round robin starts over"
        );
    }

    #[tokio::test]
    async fn inbound_to_a_pool_number_goes_to_the_service_unless_it_defers_to_the_number() {
        let service_app = start_receiver(200, "").await;
        let number_app = start_receiver(200, "").await;
        let sim = start_sim(&[A, B]).await;
        sim.provision_number(
            A,
            NumberUpdate {
                sms_url: Some(format!("{}/number", number_app.base)),
                ..NumberUpdate::default()
            },
        )
        .unwrap();
        let service = sim
            .create_service(&ServiceSetup {
                params: vec![
                    ("FriendlyName".into(), "Pool".into()),
                    (
                        "InboundRequestUrl".into(),
                        format!("{}/service", service_app.base),
                    ),
                ],
                senders: vec![A.into()],
            })
            .unwrap();
        let delivered = sim.send_inbound(H1, A, "to the pool", &[]).await.unwrap();
        let hits = service_app.hits();
        assert_eq!(hits.len(), 1);
        assert_eq!(hits[0].param("MessagingServiceSid"), service.sid.as_str());
        let names: Vec<&str> = hits[0].params.iter().map(|(n, _)| n.as_str()).collect();
        let to = names.iter().position(|n| *n == "To").unwrap();
        assert_eq!(names[to + 1], "MessagingServiceSid");
        assert!(number_app.hits().is_empty());
        assert_eq!(
            sim.message(&delivered.sid)
                .unwrap()
                .messaging_service_sid
                .as_deref(),
            Some(service.sid.as_str())
        );

        // Deferring to the number's own webhook.
        let (status, _) = call(
            &sim,
            reqwest::Method::POST,
            &format!("/messaging/v1/Services/{}", service.sid),
            &[("UseInboundWebhookOnNumber", "true")],
        )
        .await;
        assert_eq!(status, 200);
        sim.send_inbound(H1, A, "to the number", &[]).await.unwrap();
        let hits = number_app.hits();
        assert_eq!(hits.len(), 1);
        assert_eq!(hits[0].param("MessagingServiceSid"), service.sid.as_str());
        assert_eq!(service_app.hits().len(), 1);

        // Back to the service's URL, called with GET.
        let (status, _) = call(
            &sim,
            reqwest::Method::POST,
            &format!("/messaging/v1/Services/{}", service.sid),
            &[
                ("UseInboundWebhookOnNumber", "false"),
                ("InboundMethod", "get"),
            ],
        )
        .await;
        assert_eq!(status, 200);
        sim.send_inbound(H1, A, "by get", &[]).await.unwrap();
        let hits = service_app.hits();
        assert_eq!(hits.len(), 2);
        assert_eq!(hits[1].method, axum::http::Method::GET);
        assert!(hits[1].uri.query().unwrap().contains("Body=by+get"));

        // A number in no pool and with no URL at all: recorded, without a MessagingServiceSid,
        // and posted nowhere (Twilio's default reply goes to the handset, see `optout`).
        let nobody = sim.send_inbound(H1, B, "nobody", &[]).await.unwrap();
        assert_eq!(nobody.answer, None);
        let stored = sim.message(&nobody.sid).unwrap();
        assert_eq!(
            (stored.body.as_str(), stored.messaging_service_sid),
            ("nobody", None)
        );
        assert_eq!((number_app.hits().len(), service_app.hits().len()), (1, 2));
    }

    #[tokio::test]
    async fn a_seeded_service_refuses_unknown_or_taken_senders() {
        let sim = start_sim(&[A]).await;
        let setup = |senders: &[&str]| ServiceSetup {
            params: vec![("FriendlyName".into(), "S".into())],
            senders: senders.iter().map(|s| (*s).to_owned()).collect(),
        };
        let err = sim.create_service(&setup(&[B])).unwrap_err();
        assert!(
            err.to_string().contains("not one of the account's numbers"),
            "{err}"
        );
        let err = sim.create_service(&setup(&[A, A])).unwrap_err();
        assert!(err.to_string().contains("already in"), "{err}");
        let err = sim
            .create_service(&ServiceSetup {
                params: vec![],
                senders: vec![],
            })
            .unwrap_err();
        assert!(err.to_string().contains("FriendlyName"), "{err}");
        assert!(sim.services().is_empty());
    }
}
