//! The simulated Twilio REST API (2010-04-01, §2.1):
//!
//! | method | path under `/2010-04-01/Accounts/{AccountSid}` | answer |
//! |---|---|---|
//! | POST | `/Messages.json` | create: 201 + Message, or a 400 of [`crate::validate`] |
//! | GET | `/Messages.json` | list: 200 + page (`messages`, newest first; [`crate::list`]) |
//! | GET | `/Messages/{Sid}.json` | fetch: 200 + Message |
//! | POST | `/Messages/{Sid}.json` | update: `Body=` redacts, `Status=canceled` cancels; 200 + Message |
//! | DELETE | `/Messages/{Sid}.json` | delete: 204, empty body |
//! | GET | `/Messages/{Sid}/Media.json`, `/Messages/{Sid}/Media/{Sid}[.json]` | [`crate::media`] |
//! | DELETE | `/Messages/{Sid}/Media/{Sid}.json` | [`crate::media`] |
//! | POST | `/Messages/{Sid}/Feedback.json` | MessageFeedback: 200 + its JSON (OAI) |
//!
//! Beside it: `/Keys` ([`crate::keys`]), `/IncomingPhoneNumbers` ([`crate::phone_numbers`]) and
//! Messaging Services ([`crate::services`]).
//!
//! Anything else: 404 / 20404 (unknown path) or 405 / 20004 (known path, other method). An
//! unknown or malformed message SID gives 404 / 20404 on every verb.
//!
//! Every API request needs HTTP Basic auth: `AccountSid:AuthToken` of the live account, one of
//! its API keys `SK…:secret` (see [`crate::keys`]), or the
//! test credentials of [`crate::testcreds`] (create only; 403 / 20008 elsewhere), with the same
//! account in the path; otherwise 401 / 20003. POST bodies are
//! `application/x-www-form-urlencoded` whatever the `Content-Type` header says; `+` and `%20`
//! both decode to a space and `MediaUrl` may repeat. A body over 2 MiB answers 413 / 20413, one
//! that does not arrive in time 408 (see [`crate::body`]), in the same error JSON.
//!
//! Create, with live credentials: the API faults of [`crate::api_faults`] first, then the checks
//! of [`crate::validate`], then the sender and account checks of [`crate::services::admit`]
//! (Messaging Service pool, capabilities, opt-out), then the media fetch of [`crate::media`]; the
//! message is recorded with
//! status `queued` (`accepted` with a Messaging Service, `scheduled` with `ScheduleType=fixed`).
//!
//! Fetch, list and update answers carry `subresource_uris.feedback` besides `media`, as the OAI
//! fetch and list examples do; create answers carry `media` only (§2.3).
//!
//! Update: `Body` may only be set to the empty string (redaction, allowed in any status:
//! UNCONFIRMED), `Status` only to `canceled`, one of the two per request; anything else is
//! 400 / 30400 "Parameters are not valid" (another Body, another Status, neither, both: the
//! causes Twilio's error page lists; the HTTP status is UNCONFIRMED). Only a `scheduled`
//! message can be canceled: otherwise 400 / 30409. A canceled message keeps `date_sent` null.
//!
//! Delete: only a message in a final status can be deleted: `delivered`, `undelivered`,
//! `failed`, `received`, `canceled`, `read` or `partially_delivered`. In `queued`, `sending`,
//! `sent`, `accepted`, `scheduled` or `receiving` the answer is **400** / 20009 "Cannot delete
//! this resource before it is complete" (the HTTP status is UNCONFIRMED; §5.2 says "probably
//! 400"). Deleting a message deletes its media.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use twilio_wire::message::{Direction, Message, MessageStatus, API_VERSION};
use twilio_wire::page::MessagePage;
use twilio_wire::sid::{AccountSid, MessageSid};
use twilio_wire::ApiError;

use crate::body::FormParams;
use crate::list::{page_of, DateFilter, ListQuery, Window};
use crate::state::{ListFilter, NewMessage, Record, SimState};
use crate::stored::{StoredMessage, Text};
use crate::validate::Credentials;
use crate::{media, validate, Core};

pub(crate) mod respond;

use respond::{authenticate, live_only, resource_not_found, ApiReply, Caller};

/// The API routes, with Twilio-shaped 404 and 405 answers.
pub(crate) fn router() -> Router<Arc<Core>> {
    Router::new()
        .route(
            "/2010-04-01/Accounts/{account}/Messages.json",
            post(create_message).get(list_messages),
        )
        .route(
            "/2010-04-01/Accounts/{account}/Messages/{file}",
            get(fetch_message)
                .post(update_message)
                .delete(delete_message),
        )
        .route(
            "/2010-04-01/Accounts/{account}/Messages/{message}/Media.json",
            get(media::list),
        )
        .route(
            "/2010-04-01/Accounts/{account}/Messages/{message}/Feedback.json",
            post(create_feedback),
        )
        .route(
            "/2010-04-01/Accounts/{account}/Messages/{message}/Media/{file}",
            get(media::fetch_one).delete(media::delete),
        )
        .method_not_allowed_fallback(method_not_allowed)
        .fallback(not_found)
}

/// The first non-empty value of `name`, or `""`.
fn param<'a>(params: &'a [(String, String)], name: &str) -> &'a str {
    params
        .iter()
        .find(|(n, v)| n == name && !v.is_empty())
        .map_or("", |(_, v)| v.as_str())
}

/// The simulator's create-message API taken as values, below HTTP: what
/// [`crate::Simulator::rest_forms`] hands out (cheap to clone).
#[derive(Clone)]
pub struct RestForms {
    core: Arc<Core>,
}

impl RestForms {
    pub(crate) fn new(core: Arc<Core>) -> RestForms {
        RestForms { core }
    }

    /// `POST {base_url}/2010-04-01/Accounts/{AccountSid}/Messages.json` of the form `params`,
    /// with the `Authorization` header `authorization` (`Basic base64(user:password)`): the
    /// route's own handler (Basic auth, API faults, validation, the create), with no request to
    /// encode, route or decode. The answer's HTTP status and body (the Message JSON, or
    /// Twilio's error JSON), as over the network. `None` when `url` is not that route under
    /// this simulator's base URL: send it as an HTTP request instead. `Some(Err(why))` when no
    /// answer comes ([`crate::ApiFault::ResetAfterCreate`]: the message was created, and the
    /// connection would have closed without an answer).
    pub async fn create_message(
        &self,
        url: &str,
        authorization: &str,
        params: Vec<(String, String)>,
    ) -> Option<Result<(u16, Bytes), String>> {
        let account = url
            .strip_prefix(self.core.base_url.as_str())?
            .strip_prefix("/2010-04-01/Accounts/")?
            .strip_suffix("/Messages.json")?;
        if account.contains(['/', '?', '#']) {
            return None;
        }
        let mut headers = HeaderMap::new();
        headers.insert(header::AUTHORIZATION, authorization.parse().ok()?);
        let response = match create_message(
            State(self.core.clone()),
            Path(account.to_owned()),
            headers,
            FormParams(params),
        )
        .await
        {
            Ok(r) => r,
            Err(e) => e.into_response(),
        };
        let status = response.status().as_u16();
        // An answer is one buffer; only a reset fails, and then no answer came.
        Some(
            axum::body::to_bytes(response.into_body(), usize::MAX)
                .await
                .map(|body| (status, body))
                .map_err(|e| format!("the connection closed before the answer: {e}")),
        )
    }
}

/// `POST /2010-04-01/Accounts/{AccountSid}/Messages.json`.
async fn create_message(
    State(core): State<Arc<Core>>,
    Path(account): Path<String>,
    headers: HeaderMap,
    FormParams(params): FormParams,
) -> Result<Response, ApiReply> {
    let caller = authenticate(&core, &headers, &account)?;
    if caller == Caller::Test {
        return create_test_message(&core, &params);
    }
    let fault = core
        .api_faults
        .decide(param(&params, "To"), param(&params, "From"));
    if !fault.delay.is_zero() {
        core.api_faults.sleep(fault.delay).await;
    }
    if let Some(error) = fault.error {
        return Err(error.into());
    }
    // The state lock is taken only for the sender lookup and the opt-out check; number parsing
    // (libphonenumber, the costliest step) runs outside it, except for a sender not given in its
    // held form.
    let request = validate::create_request(
        &params,
        Credentials::Live(&|n| core.state().owned(n).map(str::to_owned)),
    )?;
    if let Some(at) = request.send_at {
        validate::schedule_window(at, core.clock.now())?;
    }
    // The sender (a Messaging Service's pick), its capabilities, 21614 and 21610: refused
    // before the media are fetched; without media, under the lock of the insert.
    let mut sender = None;
    if !request.media_urls.is_empty() {
        sender = Some(crate::services::admit(&mut core.state(), &request)?);
    }
    let (fetched, media_failure) = media::fetch_all(&core, &request.media_urls).await;
    let now = core.clock.now();
    let mut state = core.state();
    let sender = match sender {
        Some(sender) => sender,
        None => crate::services::admit(&mut state, &request)?,
    };
    let (sid, _) = state.next_message_sid(!fetched.is_empty());
    let media = state.new_fetched_media(fetched);
    let status = if request.send_at.is_some() {
        MessageStatus::Scheduled
    } else if request.messaging_service_sid.is_some() {
        MessageStatus::Accepted
    } else {
        MessageStatus::Queued
    };
    let mut message = SimState::new_message(NewMessage {
        sid: sid.clone(),
        direction: Direction::OutboundApi,
        status,
        from: request.from.as_deref().unwrap_or(""),
        to: &request.to,
        body: &request.body,
        num_media: media.len(),
        now,
        sent: None,
    });
    if request.from.is_none() {
        message.from = None;
    }
    message.messaging_service_sid = request.messaging_service_sid.clone();
    if matches!(status, MessageStatus::Scheduled | MessageStatus::Accepted) && media.is_empty() {
        // Segments are counted when the message is queued: a scheduled one when it is sent (OAI
        // scheduled SMS example), a Messaging Service's once a sender is assigned (OAI
        // `num_segments`: "initially `0`, since a sender hasn't yet been assigned").
        message.num_segments = 0;
    }
    // Stored with its sender; a Messaging Service send answers `from` null (see `services`),
    // and a scheduled one shows it only once it is sent.
    let message = Arc::new(message);
    let mut sender_from = Some(sender.from.as_str())
        .filter(|f| !f.is_empty())
        .map(Text::from);
    if let Some(at) = request.send_at {
        let picked = if message.from.is_none() {
            sender_from.take()
        } else {
            None
        };
        // At least 300 s ahead when checked; the media fetch in between takes no virtual time
        // under a manual clock, but a wall clock's may have moved: never before creation.
        state.schedule(&sid, at.max(now), picked);
    }
    let stored = if sender_from == message.from {
        message.clone()
    } else {
        let mut stored = (*message).clone();
        stored.from = sender_from;
        Arc::new(stored)
    };
    state.push(Record {
        message: stored,
        sent_at: None,
        status_callback: sender.status_callback,
        media,
        inbound: None,
        holds: 0,
    });
    match media_failure {
        // The answer says `queued` (`accepted`, `scheduled`); the message fails as soon as it is queued (see `media`), a
        // change the status callback reports.
        Some(failure) => crate::delivery::schedule_failure(&mut state, &sid, now, failure),
        None => crate::delivery::schedule(&mut state, &sid, now),
    }
    // Messages that retention dropped are freed after the lock is released.
    let dropped = state.take_dropped();
    drop(state);
    drop(dropped);
    if let Some(error) = fault.error_after_create {
        // The message exists and goes its way; the caller is told it failed.
        core.api_faults.answered_after_create();
        return Err(error.into());
    }
    if fault.reset_after_create {
        // The message exists and goes its way; the caller is told nothing.
        core.api_faults.reset_after_create();
        return Ok(connection_reset());
    }
    Ok(created(&core.account_sid, &message))
}

/// An answer that never comes: its body fails at once, so the server closes the connection
/// (hyper aborts a response whose body errs) and the client reads no answer.
fn connection_reset() -> Response {
    let failing = futures::stream::once(async {
        Err::<Bytes, std::io::Error>(std::io::Error::new(
            std::io::ErrorKind::ConnectionReset,
            "connection reset after the create (injected fault)",
        ))
    });
    // Were the head sent before the connection closes, it would be a create's.
    (StatusCode::CREATED, axum::body::Body::from_stream(failing)).into_response()
}

/// The 201 answer of a create: the message as JSON, serialised into a buffer of the usual size
/// at once (axum's `Json` starts at 128 bytes and grows three times for a message).
fn created(account: &AccountSid, message: &StoredMessage) -> Response {
    let mut body = Vec::with_capacity(1024);
    match serde_json::to_writer(&mut body, &message.shown(account, false)) {
        Ok(()) => (
            StatusCode::CREATED,
            [(header::CONTENT_TYPE, "application/json")],
            body,
        )
            .into_response(),
        // A message is plain strings and numbers: this cannot fail, but answer as Twilio would.
        Err(e) => ApiReply(ApiError::new(
            20500,
            500,
            format!("Internal Server Error: {e}"),
        ))
        .into_response(),
    }
}

/// Create with the test credentials (§10): validated, answered, never recorded.
fn create_test_message(core: &Core, params: &[(String, String)]) -> Result<Response, ApiReply> {
    let request = validate::create_request(params, Credentials::Test)?;
    let with_media = !request.media_urls.is_empty();
    let message = SimState::new_message(NewMessage {
        sid: core.test_credentials.next_sid(with_media),
        direction: Direction::OutboundApi,
        status: MessageStatus::Queued,
        from: request.from.as_deref().unwrap_or(""),
        to: &request.to,
        body: &request.body,
        num_media: request.media_urls.len(),
        now: core.clock.now(),
        sent: None,
    });
    Ok(created(&core.test_credentials.account_sid, &message))
}

/// A stored message as fetch, list and update show it: with `subresource_uris.feedback`. Call it
/// after releasing the state lock: it copies the message.
fn shown(core: &Core, message: &StoredMessage) -> Message {
    let mut m = message.wire(&core.account_sid);
    m.subresource_uris.feedback = Some(Message::feedback_uri_for(&core.account_sid, &m.sid));
    m
}

/// The message SID of a `{Sid}.json` path segment.
fn message_sid(file: &str, uri: &Uri) -> Result<MessageSid, ApiError> {
    crate::api::respond::sid_of(file, uri, MessageSid::parse)
}

/// `GET /2010-04-01/Accounts/{AccountSid}/Messages.json`: filters `To`, `From`, `DateSent`,
/// `DateSent<`, `DateSent>`; newest first; paged as in [`crate::list`]. A page is read through
/// the B-tree of messages and the indexes of `To`, `From` and `DateSent`
/// ([`SimState::list_window`]): O(log n + page) when the filter's matches are dense among the
/// messages walked (a `Page` offset without a token: O(offset)). Under the state lock it only
/// picks the page's messages (shared pointers); copying and serialising them happen after.
/// The list's injected faults (`api_faults`, matched by the `To` and `From` filters) strike
/// first.
async fn list_messages(
    State(core): State<Arc<Core>>,
    Path(account): Path<String>,
    headers: HeaderMap,
    uri: Uri,
) -> Result<Json<MessagePage>, ApiReply> {
    live_only(&core, &headers, &account)?;
    let query = ListQuery::parse(
        uri.query(),
        &["To", "From", "DateSent", "DateSent<", "DateSent>"],
    );
    let fault = core.list_faults.decide_list(
        query.filter("To").unwrap_or(""),
        query.filter("From").unwrap_or(""),
    );
    if !fault.delay.is_zero() {
        core.list_faults.sleep(fault.delay).await;
    }
    if let Some(error) = fault.error {
        return Err(error.into());
    }
    query.check_page()?;
    let dates = DateFilter::from_query(&query, "DateSent")?;
    let number = |name: &str| {
        query
            .filter(name)
            .map(|n| (n.to_owned(), crate::numbers::normalise(n)))
    };
    let filter = ListFilter {
        to: number("To"),
        from: number("From"),
        sent: (!dates.is_empty()).then(|| dates.seconds()),
    };
    let path = format!("/{API_VERSION}/Accounts/{}/Messages.json", core.account_sid);
    let window = {
        let state = core.state();
        let (window, _) = state.list_window(&filter, query.start(), query.page_size as usize);
        Window {
            items: window
                .items
                .iter()
                .map(|r| r.message.clone())
                .collect::<Vec<Arc<StoredMessage>>>(),
            more_before: window.more_before,
            more_after: window.more_after,
        }
    };
    let page = page_of(window, |m| m.sid.as_str(), &path, &query);
    Ok(Json(MessagePage {
        meta: page.meta,
        messages: page.items.iter().map(|m| shown(&core, m)).collect(),
    }))
}

/// `GET /2010-04-01/Accounts/{AccountSid}/Messages/{Sid}.json`.
async fn fetch_message(
    State(core): State<Arc<Core>>,
    Path((account, file)): Path<(String, String)>,
    headers: HeaderMap,
    uri: Uri,
) -> Result<Json<Message>, ApiReply> {
    live_only(&core, &headers, &account)?;
    let sid = message_sid(&file, &uri)?;
    let message = {
        let state = core.state();
        let record = state.find(&sid).ok_or_else(|| resource_not_found(&uri))?;
        record.message.clone()
    };
    Ok(Json(shown(&core, &message)))
}

/// `POST /2010-04-01/Accounts/{AccountSid}/Messages/{Sid}/Feedback.json` (§2.1, optional):
/// the MessageFeedback of an existing message, `Outcome` `confirmed` (also when absent:
/// UNCONFIRMED default) or `unconfirmed`; 200 + `{account_sid, message_sid, outcome,
/// date_created, date_updated, uri}` as in the OAI example. Nothing reads feedback back, so it
/// is answered, not kept. An unknown message gives 404 / 20404, another `Outcome` 400 / 20001.
async fn create_feedback(
    State(core): State<Arc<Core>>,
    Path((account, message)): Path<(String, String)>,
    headers: HeaderMap,
    uri: Uri,
    FormParams(params): FormParams,
) -> Result<Json<serde_json::Value>, ApiReply> {
    live_only(&core, &headers, &account)?;
    let sid = MessageSid::parse(&message).map_err(|_| resource_not_found(&uri))?;
    if core.state().find(&sid).is_none() {
        return Err(resource_not_found(&uri).into());
    }
    let outcome = match params.iter().find(|(n, _)| n == "Outcome") {
        None => "confirmed",
        Some((_, v)) if v == "confirmed" || v == "unconfirmed" => v.as_str(),
        Some((_, v)) => {
            return Err(ApiError::new(
                20001,
                400,
                format!("Invalid Outcome '{v}': expected confirmed or unconfirmed."),
            )
            .into())
        }
    };
    let now = twilio_wire::date::rfc2822(core.clock.now());
    let ac = &core.account_sid;
    Ok(Json(serde_json::json!({
        "account_sid": ac.as_str(),
        "message_sid": sid.as_str(),
        "outcome": outcome,
        "date_created": now,
        "date_updated": now,
        "uri": format!("/2010-04-01/Accounts/{ac}/Messages/{sid}/Feedback.json"),
    })))
}

/// `POST /2010-04-01/Accounts/{AccountSid}/Messages/{Sid}.json`: redact or cancel.
async fn update_message(
    State(core): State<Arc<Core>>,
    Path((account, file)): Path<(String, String)>,
    headers: HeaderMap,
    uri: Uri,
    FormParams(params): FormParams,
) -> Result<Json<Message>, ApiReply> {
    live_only(&core, &headers, &account)?;
    let sid = message_sid(&file, &uri)?;
    let value = |name: &str| {
        params
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    };
    let now = core.clock.now();
    let mut state = core.state();
    let record = state
        .find_mut(&sid)
        .ok_or_else(|| resource_not_found(&uri))?;
    // Twilio's error 30400 "Parameters are not valid" lists these four causes.
    let invalid = |why: &str| ApiError::new(30400, 400, format!("Parameters are not valid: {why}"));
    let redact = match value("Body") {
        None => false,
        Some("") => true,
        Some(_) => {
            return Err(invalid(
                "a message body redaction needs an empty Body (a body can only be redacted)",
            )
            .into())
        }
    };
    let cancel = match value("Status") {
        None => false,
        Some("canceled") => true,
        Some(other) => {
            return Err(invalid(&format!(
                "Status '{other}' is not valid (the only one is canceled)"
            ))
            .into())
        }
    };
    if !redact && !cancel {
        return Err(invalid("the POST body has neither Body nor Status").into());
    }
    if redact && cancel {
        return Err(
            invalid("a message cannot be canceled and its body redacted at the same time").into(),
        );
    }
    if cancel && record.message.status != MessageStatus::Scheduled {
        return Err(ApiError::new(30409, 400, "This message cannot be canceled").into());
    }
    if cancel {
        let m = record.message_mut();
        m.status = MessageStatus::Canceled;
        m.date_updated = now;
    }
    if redact {
        let m = record.message_mut();
        m.body = Text::default();
        m.date_updated = now;
    }
    let message = record.message.clone();
    if cancel {
        crate::delivery::cancel(&mut state, &sid);
    }
    drop(state);
    Ok(Json(shown(&core, &message)))
}

/// `DELETE /2010-04-01/Accounts/{AccountSid}/Messages/{Sid}.json`: 204 with an empty body.
async fn delete_message(
    State(core): State<Arc<Core>>,
    Path((account, file)): Path<(String, String)>,
    headers: HeaderMap,
    uri: Uri,
) -> Result<StatusCode, ApiReply> {
    live_only(&core, &headers, &account)?;
    let sid = message_sid(&file, &uri)?;
    let mut state = core.state();
    let record = state.find(&sid).ok_or_else(|| resource_not_found(&uri))?;
    if !crate::state::is_final(record.message.status) {
        return Err(ApiError::new(
            20009,
            400,
            format!(
                "Cannot delete this resource before it is complete: message {sid} is {}",
                record.message.status
            ),
        )
        .into());
    }
    state.remove(&sid);
    Ok(StatusCode::NO_CONTENT)
}

/// Any path the simulator does not serve: Twilio's 20404, or under `/_sim/` the control API's
/// own shape.
async fn not_found(uri: Uri) -> Response {
    if uri.path() == "/_sim" || uri.path().starts_with("/_sim/") {
        return crate::control::not_found(&uri);
    }
    ApiReply(resource_not_found(&uri)).into_response()
}

/// A served path with a method it does not support (yet).
pub(crate) async fn method_not_allowed(uri: Uri) -> ApiReply {
    ApiReply(ApiError::new(
        20004,
        405,
        format!(
            "Method not allowed: the simulator does not support this method on {} ({API_VERSION} API)",
            uri.path()
        ),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::*;
    use axum::http::header;
    use base64::Engine as _;
    use serde_json::Value;

    const FROM: &str = "+14155550100";
    const TO: &str = "+14155552671";

    async fn sim() -> crate::Simulator {
        start_sim(&[FROM]).await
    }

    #[tokio::test]
    async fn create_returns_201_and_the_message_json() {
        let sim = sim().await;
        let resp = post_form(
            &sim,
            "To=%2B14155552671&From=%2B14155550100&Body=hello+world&SmartEncoded=true",
        )
        .await;
        assert_eq!(resp.status(), 201);
        assert!(resp.headers()[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("application/json"));
        let v: Value = resp.json().await.unwrap();
        let ac = sim.account_sid().to_owned();
        let sm = "SM00000000000000000000000000000001";
        let expected = serde_json::json!({
            "account_sid": ac,
            "api_version": "2010-04-01",
            "body": "hello world",
            "date_created": "Thu, 24 Aug 2023 05:01:45 +0000",
            "date_sent": null,
            "date_updated": "Thu, 24 Aug 2023 05:01:45 +0000",
            "direction": "outbound-api",
            "error_code": null,
            "error_message": null,
            "from": FROM,
            "messaging_service_sid": null,
            "num_media": "0",
            "num_segments": "1",
            "price": null,
            "price_unit": "USD",
            "sid": sm,
            "status": "queued",
            "subresource_uris": {"media": format!("/2010-04-01/Accounts/{ac}/Messages/{sm}/Media.json")},
            "to": TO,
            "uri": format!("/2010-04-01/Accounts/{ac}/Messages/{sm}.json"),
        });
        assert_eq!(v, expected);
        let m: twilio_wire::message::Message = serde_json::from_value(v).unwrap();
        assert_eq!(sim.messages_to(TO), vec![m]);
    }

    #[tokio::test]
    async fn plus_and_percent20_both_decode_to_spaces() {
        let sim = sim().await;
        for body in ["Body=hi+there", "Body=hi%20there"] {
            let resp = post_form(
                &sim,
                &format!("To=%2B14155552671&From=%2B14155550100&{body}"),
            )
            .await;
            assert_eq!(resp.status(), 201);
            let v: Value = resp.json().await.unwrap();
            assert_eq!(v["body"], "hi there");
        }
    }

    #[tokio::test]
    async fn repeated_media_url_gives_an_mm_sid() {
        let sim = sim().await;
        let resp = post_form(
            &sim,
            "To=%2B14155552671&From=%2B14155550100&MediaUrl=https%3A%2F%2Fx.test%2Fa.jpg&MediaUrl=https%3A%2F%2Fx.test%2Fb.png",
        )
        .await;
        assert_eq!(resp.status(), 201);
        let v: Value = resp.json().await.unwrap();
        assert_eq!(v["sid"], "MM00000000000000000000000000000001");
        assert_eq!(v["num_media"], "2");
        assert_eq!(v["num_segments"], "1");
        assert_eq!(v["body"], "");
    }

    #[tokio::test]
    async fn num_segments_follows_the_encoding() {
        let sim = sim().await;
        let cases = [
            ("1".repeat(161), "2"),
            (format!("😜{}", "1".repeat(69)), "2"),
            ("é".repeat(160), "1"),
        ];
        for (body, segments) in cases {
            let form = form_urlencoded::Serializer::new(String::new())
                .append_pair("To", TO)
                .append_pair("From", FROM)
                .append_pair("Body", &body)
                .finish();
            let v: Value = post_form(&sim, &form).await.json().await.unwrap();
            assert_eq!(v["num_segments"], segments, "{body}");
        }
    }

    #[tokio::test]
    async fn each_validation_error_has_its_code_and_shape() {
        let sim = sim().await;
        let long = "a".repeat(1601);
        let eleven: String = (0..11)
            .map(|i| format!("&MediaUrl=https%3A%2F%2Fx.test%2F{i}.jpg"))
            .collect();
        let cases: Vec<(String, u32)> = vec![
            (String::new(), 21603),
            ("To=%2B14155552671&Body=hi".into(), 21603),
            ("From=%2B14155550100&Body=hi".into(), 21604),
            ("To=%2B14155552671&From=%2B14155550100".into(), 21602),
            ("To=%2B14155552671&From=%2B14155550100&Body=".into(), 21602),
            ("To=%2B14155552671&From=Apple&Body=hi".into(), 21212),
            (
                "To=%2B14155552671&From=%2B14155552672&Body=hi".into(),
                21606,
            ),
            // The sender is checked before `To`, whether or not the account owns it.
            ("To=hello&From=%2B14155552672&Body=hi".into(), 21606),
            ("To=hello&From=Apple&Body=hi".into(), 21212),
            ("To=%2B6512&From=%2B14155550100&Body=hi".into(), 21211),
            ("To=hello&From=%2B14155550100&Body=hi".into(), 21211),
            (
                format!("To=%2B14155552671&From=%2B14155550100&Body={long}"),
                21617,
            ),
            (
                "To=%2B14155552671&From=%2B14155550100&MediaUrl=ftp%3A%2F%2Fx.test%2Fa.jpg".into(),
                21620,
            ),
            (
                format!("To=%2B14155552671&From=%2B14155550100&Body=hi{eleven}"),
                21623,
            ),
        ];
        for (form, code) in cases {
            let resp = post_form(&sim, &form).await;
            assert_eq!(resp.status(), 400, "{form}");
            let v: Value = resp.json().await.unwrap();
            assert_error_shape(&v, code, 400);
        }
        // 1,600 UTF-16 units is still fine; 800 emoji are 1,600 units.
        let ok = format!(
            "To=%2B14155552671&From=%2B14155550100&Body={}",
            "%F0%9F%98%9C".repeat(800)
        );
        assert_eq!(post_form(&sim, &ok).await.status(), 201);
        let over = format!(
            "To=%2B14155552671&From=%2B14155550100&Body={}a",
            "%F0%9F%98%9C".repeat(800)
        );
        assert_eq!(post_form(&sim, &over).await.status(), 400);
        // An owned sender written in another form is sent from the number as held.
        let resp = post_form(&sim, "To=%2B14155552671&From=%2B1+415-555-0100&Body=hi").await;
        assert_eq!(resp.status(), 201);
        let v: Value = resp.json().await.unwrap();
        assert_eq!(v["from"], "+14155550100");
        // Only the accepted sends were recorded.
        assert_eq!(sim.messages().len(), 2);
    }

    #[tokio::test]
    async fn a_create_taken_as_values_answers_as_over_http_and_other_urls_are_declined() {
        let sim = sim().await;
        let forms = sim.rest_forms();
        let url = messages_url(&sim);
        let live = format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD.encode(format!(
                "{}:{}",
                sim.account_sid(),
                sim.auth_token()
            ))
        );
        let form = |to: &str| {
            vec![
                ("To".to_owned(), to.to_owned()),
                ("From".to_owned(), "+14155550100".to_owned()),
                ("Body".to_owned(), "hi".to_owned()),
            ]
        };
        let (status, body) = forms
            .create_message(&url, &live, form("+14155552671"))
            .await
            .unwrap()
            .unwrap();
        let v: Value = serde_json::from_slice(&body).unwrap();
        assert_eq!((status, v["status"].as_str()), (201, Some("queued")));
        let (status, body) = forms
            .create_message(&url, "Basic d3Jvbmc6d3Jvbmc=", form("+14155552671"))
            .await
            .unwrap()
            .unwrap();
        assert_error_shape(&serde_json::from_slice(&body).unwrap(), 20003, status);
        assert_eq!(status, 401);
        let (status, body) = forms
            .create_message(&url, &live, form("12"))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(status, 400, "{}", String::from_utf8_lossy(&body));
        // A reset after the create: the message exists, and no answer comes.
        sim.set_api_fault(
            crate::FaultScope::Global,
            Some(crate::ApiFault::ResetAfterCreate),
            crate::Strikes::Next(1),
        );
        let why = forms
            .create_message(&url, &live, form("+14155552671"))
            .await
            .unwrap()
            .unwrap_err();
        assert!(why.contains("closed before the answer"), "{why}");
        assert_eq!(sim.faults_struck().api_reset_after_create, 1);
        // Not the create route of this simulator: declined, nothing recorded.
        let other_account = url.replace(sim.account_sid(), "AC00000000000000000000000000000002");
        let elsewhere = format!(
            "http://twilio.invalid/2010-04-01/Accounts/{}/Messages.json",
            sim.account_sid()
        );
        for declined in [
            elsewhere,
            format!("{url}?x=1"),
            url.replace("Messages.json", "Messages/SM1.json"),
            format!("{}/2010-04-01/Accounts/a/b/Messages.json", sim.base_url()),
        ] {
            assert_eq!(
                forms
                    .create_message(&declined, &live, form("+14155552671"))
                    .await,
                None,
                "{declined}"
            );
        }
        let (status, _) = forms
            .create_message(&other_account, &live, form("+14155552671"))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            status, 401,
            "another account in the path: refused as over HTTP"
        );
        assert_eq!(
            sim.messages().len(),
            2,
            "the first, and the one reset after its create"
        );
    }

    #[tokio::test]
    async fn basic_auth_failures_are_401_20003() {
        let sim = sim().await;
        let url = messages_url(&sim);
        let form = "To=%2B14155552671&From=%2B14155550100&Body=hi";
        let http = reqwest::Client::new();
        let attempts = [
            http.post(&url).body(form),
            http.post(&url)
                .basic_auth(sim.account_sid(), Some("wrong"))
                .body(form),
            http.post(&url)
                .basic_auth("AC00000000000000000000000000000002", Some(sim.auth_token()))
                .body(form),
            http.post(&url)
                .header("Authorization", "Bearer abc")
                .body(form),
            http.post(format!(
                "{}/2010-04-01/Accounts/AC00000000000000000000000000000002/Messages.json",
                sim.base_url()
            ))
            .basic_auth(sim.account_sid(), Some(sim.auth_token()))
            .body(form),
        ];
        for attempt in attempts {
            let resp = attempt.send().await.unwrap();
            assert_eq!(resp.status(), 401);
            assert!(resp.headers().contains_key(header::WWW_AUTHENTICATE));
            let v: Value = resp.json().await.unwrap();
            assert_error_shape(&v, 20003, 401);
        }
        assert!(sim.messages().is_empty());
        // The live credentials written otherwise (scheme case, spacing) are decoded and pass.
        let token = base64::engine::general_purpose::STANDARD.encode(format!(
            "{}:{}",
            sim.account_sid(),
            sim.auth_token()
        ));
        for value in [format!("basic {token}"), format!("Basic  {token} ")] {
            let resp = http
                .post(&url)
                .header("Authorization", value.as_str())
                .body(form)
                .send()
                .await
                .unwrap();
            assert_eq!(resp.status(), 201, "{value}");
        }
    }

    #[tokio::test]
    async fn fetch_returns_the_message_or_20404() {
        let sim = sim().await;
        let created: Value = post_form(&sim, "To=%2B14155552671&From=%2B14155550100&Body=hi")
            .await
            .json()
            .await
            .unwrap();
        let http = reqwest::Client::new();
        let get = |path: String| {
            http.get(format!("{}{path}", sim.base_url()))
                .basic_auth(sim.account_sid(), Some(sim.auth_token()))
                .send()
        };
        let resp = get(created["uri"].as_str().unwrap().to_owned())
            .await
            .unwrap();
        assert_eq!(resp.status(), 200);
        // Fetch adds the feedback subresource URI, as the OAI fetch example does.
        let mut expected = created.clone();
        expected["subresource_uris"]["feedback"] = Value::String(
            created["uri"]
                .as_str()
                .unwrap()
                .replace(".json", "/Feedback.json"),
        );
        assert_eq!(resp.json::<Value>().await.unwrap(), expected);

        // The hex digits compare case-insensitively (the 10th message's SID ends in `a`); the
        // SM/MM prefix does not.
        let ac = sim.account_sid().to_owned();
        for _ in 0..9 {
            post_form(&sim, "To=%2B14155552671&From=%2B14155550100&Body=hi").await;
        }
        let tenth = "SM0000000000000000000000000000000a";
        let resp = get(format!(
            "/2010-04-01/Accounts/{ac}/Messages/{}.json",
            tenth.to_ascii_uppercase()
        ))
        .await
        .unwrap();
        assert_eq!(resp.status(), 200);
        assert_eq!(resp.json::<Value>().await.unwrap()["sid"], tenth);
        let sid = created["sid"].as_str().unwrap();
        let as_mms = format!("MM{}", &sid[2..]);
        for path in [
            format!("/2010-04-01/Accounts/{ac}/Messages/{as_mms}.json"),
            format!("/2010-04-01/Accounts/{ac}/Messages/SM000000000000000000000000000000ff.json"),
            format!("/2010-04-01/Accounts/{ac}/Messages/nope.json"),
            format!("/2010-04-01/Accounts/{ac}/Messages/SM00000000000000000000000000000001"),
            format!("/2010-04-01/Accounts/{ac}/Calls.json"),
        ] {
            let resp = get(path.clone()).await.unwrap();
            assert_eq!(resp.status(), 404, "{path}");
            let v: Value = resp.json().await.unwrap();
            assert_error_shape(&v, 20404, 404);
            assert_eq!(
                v["message"],
                format!("The requested resource {path} was not found")
            );
        }
        let resp = http
            .get(format!(
                "{}{}",
                sim.base_url(),
                created["uri"].as_str().unwrap()
            ))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 401);
    }

    #[tokio::test]
    async fn unsupported_method_is_405_20004() {
        let sim = sim().await;
        let resp = reqwest::Client::new()
            .delete(messages_url(&sim))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 405);
        assert_error_shape(&resp.json().await.unwrap(), 20004, 405);
    }

    /// A clock the test moves, by whole days.
    struct StepClock(std::sync::Mutex<chrono::DateTime<chrono::Utc>>);

    impl crate::SimClock for StepClock {
        fn now(&self) -> chrono::DateTime<chrono::Utc> {
            *self.0.lock().unwrap()
        }
    }

    impl StepClock {
        fn next_day(&self) {
            *self.0.lock().unwrap() += chrono::Duration::days(1);
        }
    }

    async fn sim_with_clock() -> (crate::Simulator, Arc<StepClock>) {
        let clock = Arc::new(StepClock(std::sync::Mutex::new(t0())));
        let config = crate::SimConfig {
            numbers: vec![FROM.to_owned()],
            ..crate::SimConfig::for_tests()
        };
        let sim = crate::Simulator::start(config, clock.clone())
            .await
            .unwrap();
        (sim, clock)
    }

    fn sids(page: &Value) -> Vec<String> {
        page["messages"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["sid"].as_str().unwrap().to_owned())
            .collect()
    }

    #[tokio::test]
    async fn a_page_numbered_past_64_bits_is_400_not_a_wrap() {
        let sim = sim().await;
        let created: Value = post_form(&sim, "To=%2B14155552671&From=%2B14155550100&Body=hi")
            .await
            .json()
            .await
            .unwrap();
        let sid = created["sid"].as_str().unwrap();
        let http = reqwest::Client::new();
        let get = |path: String| {
            http.get(format!("{}{path}", sim.base_url()))
                .basic_auth(sim.account_sid(), Some(sim.auth_token()))
                .send()
        };
        let base = format!("/2010-04-01/Accounts/{}/Messages", sim.account_sid());
        for query in [
            "Page=18446744073709551615",
            "Page=18446744073709551616",
            "Page=368934881474191032&PageSize=50",
            "Page=18446744073709551&PageSize=1000",
        ] {
            for path in [
                format!("{base}.json?{query}"),
                format!("{base}/{sid}/Media.json?{query}"),
            ] {
                let resp = get(path.clone()).await.unwrap();
                assert_eq!(resp.status(), 400, "{path}");
                let v: Value = resp.json().await.unwrap();
                assert_error_shape(&v, 20001, 400);
                assert!(
                    v["message"].as_str().unwrap().starts_with("Invalid Page: "),
                    "{v}"
                );
            }
        }
        // The last page that can be counted is answered (empty).
        let resp = get(format!("{base}.json?Page=368934881474191031&PageSize=50"))
            .await
            .unwrap();
        assert_eq!(resp.status(), 200);
        let v: Value = resp.json().await.unwrap();
        assert_eq!(v["start"], 18_446_744_073_709_551_550_u64);
        assert_eq!(v["messages"], serde_json::json!([]));
    }

    #[tokio::test]
    async fn list_pages_newest_first_with_filters() {
        let app = start_receiver(200, "").await;
        let (sim, clock) = sim_with_clock().await;
        sim.set_sms_url(&format!("{}/sms", app.base));
        const OTHER: &str = "+14155552672";
        // Day 0 (2023-08-24): 3 inbound from TO; day 1: 2 from OTHER; day 2: 2 from TO.
        // Outbound sends in between have no date_sent yet.
        for (day, handset, n) in [(0, TO, 3), (1, OTHER, 2), (2, TO, 2)] {
            if day > 0 {
                clock.next_day();
            }
            for i in 0..n {
                sim.send_inbound(handset, FROM, &format!("d{day} m{i}"), &[])
                    .await
                    .unwrap();
            }
            post_form(
                &sim,
                &format!("To=%2B{}&From=%2B14155550100&Body=out{day}", &handset[1..]),
            )
            .await;
        }
        let all: Vec<String> = sim
            .messages()
            .iter()
            .rev()
            .map(|m| m.sid.to_string())
            .collect();
        assert_eq!(all.len(), 10);
        let ac = sim.account_sid().to_owned();
        let base = format!("/2010-04-01/Accounts/{ac}/Messages.json");

        // Default page: everything, newest first, exactly the nine keys.
        let page = get_json(&sim, &base).await;
        let mut keys: Vec<&str> = page
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        keys.sort_unstable();
        assert_eq!(
            keys,
            [
                "end",
                "first_page_uri",
                "messages",
                "next_page_uri",
                "page",
                "page_size",
                "previous_page_uri",
                "start",
                "uri"
            ]
        );
        assert_eq!(sids(&page), all);
        assert_eq!(page["uri"], format!("{base}?PageSize=50&Page=0"));
        assert_eq!(page["first_page_uri"], page["uri"]);
        assert_eq!(
            (page["page"].as_u64(), page["page_size"].as_u64()),
            (Some(0), Some(50))
        );
        assert_eq!(
            (page["start"].as_u64(), page["end"].as_u64()),
            (Some(0), Some(9))
        );
        assert!(page["next_page_uri"].is_null() && page["previous_page_uri"].is_null());
        assert!(page["messages"][0]["subresource_uris"]["feedback"].is_string());

        // Walk PageSize=3 pages by next_page_uri, as the SDKs do.
        let mut walked = Vec::new();
        let mut next = Some(format!("{base}?PageSize=3"));
        let mut pages = 0;
        while let Some(uri) = next {
            let page = get_json(&sim, &uri).await;
            assert_eq!(page["page"], pages);
            assert_eq!(page["start"], pages * 3);
            walked.extend(sids(&page));
            next = page["next_page_uri"].as_str().map(str::to_owned);
            if let Some(n) = &next {
                let last = walked.last().unwrap();
                assert!(
                    n.starts_with(&format!("{base}?PageSize=3&Page={}", pages + 1)),
                    "{n}"
                );
                assert!(n.ends_with(&format!("&PageToken=PA{last}")), "{n}");
            }
            pages += 1;
        }
        assert_eq!((walked, pages), (all.clone(), 4));

        // Filters: To / From (encoded or not), DateSent with literal and encoded comparisons.
        let from_to = get_json(&sim, &format!("{base}?From=%2B14155552671")).await;
        assert_eq!(sids(&from_to).len(), 5);
        let to_other = get_json(&sim, &format!("{base}?To=+14155552672")).await;
        assert_eq!(sids(&to_other).len(), 1);
        assert_eq!(
            to_other["uri"],
            format!("{base}?To=%2B14155552672&PageSize=50&Page=0")
        );
        let day1 = get_json(&sim, &format!("{base}?DateSent=2023-08-25")).await;
        assert_eq!(sids(&day1), all[4..6]);
        let upto = get_json(&sim, &format!("{base}?DateSent<=2023-08-25")).await;
        assert_eq!(sids(&upto).len(), 5);
        let after = get_json(
            &sim,
            &format!("{base}?DateSent%3E=2023-08-25T05%3A01%3A45Z"),
        )
        .await;
        assert_eq!(sids(&after).len(), 4);
        assert!(sids(&after).iter().all(|s| !s.is_empty()));
        // Paging across pages keeps the filters.
        let p0 = get_json(
            &sim,
            &format!("{base}?From=%2B14155552671&DateSent%3E=2023-08-24&PageSize=2"),
        )
        .await;
        let next = p0["next_page_uri"].as_str().unwrap().to_owned();
        assert!(
            next.starts_with(&format!(
                "{base}?From=%2B14155552671&DateSent%3E=2023-08-24&PageSize=2&Page=1&PageToken=PA"
            )),
            "{next}"
        );
        let p1 = get_json(&sim, &next).await;
        let p2 = get_json(&sim, p1["next_page_uri"].as_str().unwrap()).await;
        assert!(p2["next_page_uri"].is_null());
        let filtered: Vec<String> = [sids(&p0), sids(&p1), sids(&p2)].concat();
        let expected: Vec<String> = sim
            .messages()
            .iter()
            .rev()
            .filter(|m| m.from.as_deref() == Some(TO))
            .map(|m| m.sid.to_string())
            .collect();
        assert_eq!(filtered, expected);
        let back = get_json(&sim, p1["previous_page_uri"].as_str().unwrap()).await;
        assert_eq!(sids(&back), sids(&p0));
        // An empty result.
        let none = get_json(&sim, &format!("{base}?To=%2B14155559999")).await;
        assert!(sids(&none).is_empty());
        assert_eq!(
            (none["start"].as_u64(), none["end"].as_u64()),
            (Some(0), Some(0))
        );
        // A bad date is a Twilio-shaped 400.
        let resp = authed(&sim, reqwest::Method::GET, &format!("{base}?DateSent=soon"))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 400);
        assert_error_shape(&resp.json().await.unwrap(), 20001, 400);
    }

    #[tokio::test]
    async fn documented_parameters_messaging_services_and_scheduling() {
        let sim = sim().await;
        let service = crate::test_support::pool(&sim, FROM);
        let form = form_urlencoded::Serializer::new(String::new())
            .append_pair("To", TO)
            .append_pair("MessagingServiceSid", service.sid.as_str())
            .append_pair("Body", "“Curly” — and…")
            .append_pair("SmartEncoded", "true")
            .append_pair("ProvideFeedback", "false")
            .append_pair("Attempt", "1")
            .append_pair("ValidityPeriod", "600")
            .append_pair("ContentRetention", "retain")
            .append_pair("AddressRetention", "retain")
            .append_pair("PersistentAction", "mailto:a@example.com")
            .append_pair("PersistentAction", "mailto:b@example.com")
            .append_pair("RiskCheck", "enable")
            .append_pair("Unknown", "ignored")
            .finish();
        let resp = post_form(&sim, &form).await;
        assert_eq!(resp.status(), 201);
        let v: Value = resp.json().await.unwrap();
        assert_eq!(v["status"], "accepted");
        assert_eq!(v["from"], Value::Null);
        assert_eq!(v["messaging_service_sid"], service.sid.as_str());
        assert_eq!(v["body"], "\"Curly\" - and...");
        // OAI: "initially `0`, since a sender hasn't yet been assigned".
        assert_eq!(v["num_segments"], "0");

        let schedule = |extra: &str| {
            format!("To=%2B14155552671&Body=later&ScheduleType=fixed&SendAt=2023-08-25T05%3A01%3A45Z{extra}")
        };
        let with_service = format!("&MessagingServiceSid={}", service.sid.as_str());
        let scheduled: Value = post_form(&sim, &schedule(&with_service))
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(scheduled["status"], "scheduled");
        assert_eq!(scheduled["num_segments"], "0");
        assert_eq!(scheduled["date_sent"], Value::Null);
        // Scheduling needs a Messaging Service (35118) and a SendAt 300 s to 35 days ahead of
        // the clock (t0): an hour ago, or 299 s ahead, is 35115.
        let resp = post_form(&sim, &schedule("&From=%2B14155550100")).await;
        assert_error_shape(&resp.json().await.unwrap(), 35118, 400);
        for send_at in ["2023-08-24T04%3A01%3A45Z", "2023-08-24T05%3A06%3A44Z"] {
            let form = format!(
                "To=%2B14155552671&Body=later&ScheduleType=fixed&SendAt={send_at}{with_service}"
            );
            let resp = post_form(&sim, &form).await;
            assert_error_shape(&resp.json().await.unwrap(), 35115, 400);
        }
        let resp = post_form(
            &sim,
            "To=%2B14155552671&From=%2B14155550100&Body=x&SmartEncoded=maybe",
        )
        .await;
        assert_error_shape(&resp.json().await.unwrap(), 20001, 400);
    }

    #[tokio::test]
    async fn feedback_on_a_message_answers_its_outcome_as_the_oai_example() {
        let sim = sim().await;
        let created: Value = post_form(&sim, "To=%2B14155552671&From=%2B14155550100&Body=hi")
            .await
            .json()
            .await
            .unwrap();
        let sm = created["sid"].as_str().unwrap();
        let ac = sim.account_sid().to_owned();
        let path = |sid: &str| format!("/2010-04-01/Accounts/{ac}/Messages/{sid}/Feedback.json");
        let feedback = |sid: String, form: &'static str| {
            authed(&sim, reqwest::Method::POST, &path(&sid))
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(form)
                .send()
        };
        let resp = feedback(sm.to_owned(), "Outcome=unconfirmed")
            .await
            .unwrap();
        assert_eq!(resp.status(), 200);
        let v: Value = resp.json().await.unwrap();
        assert_eq!(v["outcome"], "unconfirmed");
        assert_eq!(v["message_sid"], sm);
        assert_eq!(v["account_sid"], ac.as_str());
        assert_eq!(v["uri"], path(sm));
        assert_eq!(v["date_created"], created["date_created"]);
        let v: Value = feedback(sm.to_owned(), "")
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(v["outcome"], "confirmed");
        // The subresource a fetch advertises is this route.
        let fetched: Value = authed(
            &sim,
            reqwest::Method::GET,
            &format!("/2010-04-01/Accounts/{ac}/Messages/{sm}.json"),
        )
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
        assert_eq!(fetched["subresource_uris"]["feedback"], path(sm));
        let resp = feedback(sm.to_owned(), "Outcome=maybe").await.unwrap();
        assert_error_shape(&resp.json().await.unwrap(), 20001, 400);
        let unknown = "SM0000000000000000000000000000ffff".to_owned();
        let resp = feedback(unknown, "Outcome=confirmed").await.unwrap();
        assert_error_shape(&resp.json().await.unwrap(), 20404, 404);
    }

    #[tokio::test]
    async fn update_redacts_and_cancels_and_delete_needs_a_final_status() {
        let app = start_receiver(200, "").await;
        let sim = sim().await;
        sim.set_sms_url(&format!("{}/sms", app.base));
        let queued: Value = post_form(&sim, "To=%2B14155552671&From=%2B14155550100&Body=secret")
            .await
            .json()
            .await
            .unwrap();
        let service = crate::test_support::pool(&sim, FROM);
        let scheduled: Value = post_form(
            &sim,
            &format!(
                "To=%2B14155552671&MessagingServiceSid={}&Body=later&ScheduleType=fixed&SendAt=2023-09-01T00%3A00%3A00Z",
                service.sid.as_str()
            ),
        )
        .await
        .json()
        .await
        .unwrap();
        let inbound = sim.send_inbound(TO, FROM, "hello", &[]).await.unwrap();
        let ac = sim.account_sid().to_owned();
        let path = |sid: &str| format!("/2010-04-01/Accounts/{ac}/Messages/{sid}.json");
        let update = |sid: String, form: &'static str| {
            authed(&sim, reqwest::Method::POST, &path(&sid))
                .body(form)
                .send()
        };
        let q = queued["sid"].as_str().unwrap().to_owned();
        let s = scheduled["sid"].as_str().unwrap().to_owned();

        // Redaction.
        let resp = update(q.clone(), "Body=").await.unwrap();
        assert_eq!(resp.status(), 200);
        let v: Value = resp.json().await.unwrap();
        assert_eq!(v["body"], "");
        assert_eq!(v["sid"], q.as_str());
        assert_eq!(sim.messages()[0].body, "");
        // Only redaction and cancellation are updates, one at a time (Twilio's 30400 causes:
        // another Body, another Status, neither, both).
        for form in ["Body=new", "Status=sent", "", "Status=canceled&Body="] {
            let resp = update(s.clone(), form).await.unwrap();
            assert_eq!(resp.status(), 400, "{form}");
            assert_error_shape(&resp.json().await.unwrap(), 30400, 400);
        }
        let stored = sim.message(&MessageSid::parse(&s).unwrap()).unwrap();
        assert_eq!(
            (stored.status.as_str(), stored.body.as_str()),
            ("scheduled", "later"),
            "nothing changed"
        );
        // Only a scheduled message can be canceled.
        let resp = update(q.clone(), "Status=canceled").await.unwrap();
        assert_eq!(resp.status(), 400);
        assert_error_shape(&resp.json().await.unwrap(), 30409, 400);
        let resp = update(s.clone(), "Status=canceled").await.unwrap();
        assert_eq!(resp.status(), 200);
        let v: Value = resp.json().await.unwrap();
        assert_eq!(v["status"], "canceled");
        assert_eq!(v["date_sent"], Value::Null);

        // Delete: not while queued; a received or canceled message goes, with an empty 204.
        let resp = authed(&sim, reqwest::Method::DELETE, &path(&q))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 400);
        assert_error_shape(&resp.json().await.unwrap(), 20009, 400);
        for sid in [inbound.sid.to_string(), s.clone()] {
            let resp = authed(&sim, reqwest::Method::DELETE, &path(&sid))
                .send()
                .await
                .unwrap();
            assert_eq!(resp.status(), 204);
            assert!(resp.headers().get(header::CONTENT_TYPE).is_none());
            assert!(resp.bytes().await.unwrap().is_empty());
        }
        assert_eq!(sim.messages().len(), 1);

        // 20404 for unknown SIDs on every verb.
        let gone = inbound.sid.to_string();
        for method in [
            reqwest::Method::GET,
            reqwest::Method::POST,
            reqwest::Method::DELETE,
        ] {
            for sid in [gone.as_str(), "SM000000000000000000000000000000ff", "nope"] {
                let resp = authed(&sim, method.clone(), &path(sid))
                    .body("Body=")
                    .send()
                    .await
                    .unwrap();
                assert_eq!(resp.status(), 404, "{method} {sid}");
                assert_error_shape(&resp.json().await.unwrap(), 20404, 404);
            }
        }
    }
}
