//! The engine's HTTP side (axum, on loopback).
//!
//! - `POST /sms/inbound`: Twilio's inbound-message webhook (§4.1 of the Twilio reference). The
//!   `X-Twilio-Signature` is checked against the engine's public URL and the account's Auth Token;
//!   a bad or missing signature gets 403 and nothing is stored (PROVIDER-4). A signed form that
//!   is not an inbound message webhook ([`twilio_wire::webhook::InboundMessage::from_params`]
//!   refuses it: a parameter missing, a malformed SID or count) or whose `From`/`To` is not a
//!   phone number gets 400 with the reason, and nothing is stored. Answers TwiML `<Response/>`:
//!   replies go out through the REST API.
//! - `POST /sms/status`: Twilio's StatusCallback (§3.1), signed like the webhook; moves the
//!   message's delivery status forward in the transcript (PROVIDER-3) and answers 204 (also for a
//!   SID the engine does not know). A signed form that is not a status callback
//!   ([`twilio_wire::webhook::StatusCallback::from_params`]), for example with a
//!   `MessageStatus` that is not one of Twilio's statuses, gets 400 with the reason (the value
//!   and the expected statuses) and changes nothing.
//!
//! Every refusal body is the text of an [`Error`] (`refused webhook: …`); the signature is always
//! checked first, so an unsigned form gets 403 whatever it holds.
//! - `POST /api/now/initiate_message/validate_phone_number` (PHONE-1..4) and
//!   `POST /api/now/initiate_message/validate_profile` (VALIDATE-1): ServiceNow's endpoints,
//!   answering `{"result": {...}}`, or `{"error": {"message", "detail"}, "status": "failure"}` with
//!   400 as ServiceNow's REST API does.
//! - `GET /api/now/attachment/{sys_id}/file`: the bytes of a Compose SMS attachment, for the
//!   provider to fetch.
//! - `GET /topics/{path}`: an image a topic sends by MMS (`media/guide.png` in the topics folder).

use std::net::SocketAddr;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::json;
use twilio_wire::webhook::{InboundMessage, StatusCallback};

use crate::domain::model::{Media, PartyTable};
use crate::domain::phone::E164;
use crate::engine::{Engine, InboundOutcome, InboundSms, StatusReport};
use crate::error::{Error, ErrorClass};

/// The path of the inbound webhook.
pub const INBOUND_PATH: &str = crate::engine::config::INBOUND_WEBHOOK_PATH;
/// The path of the delivery status callback (Twilio's `StatusCallback`).
pub const STATUS_PATH: &str = "/sms/status";

/// What the handlers share.
#[derive(Clone)]
pub struct WebState {
    /// The engine.
    pub engine: Arc<Engine>,
    /// The Twilio Auth Token that signs webhooks.
    pub auth_token: String,
    /// The public base URL Twilio calls (`http://127.0.0.1:PORT`), exactly as configured there:
    /// signatures are computed over it.
    pub public_url: String,
}

/// The router.
pub fn router(state: WebState) -> Router {
    Router::new()
        .route(INBOUND_PATH, post(inbound))
        .route(STATUS_PATH, post(status))
        .route(
            "/api/now/initiate_message/validate_phone_number",
            post(validate_phone_number),
        )
        .route(
            "/api/now/initiate_message/validate_profile",
            post(validate_profile),
        )
        .route("/api/now/attachment/{sys_id}/file", get(attachment))
        .route("/topics/{*path}", get(topic_media))
        .with_state(state)
}

/// Binds 127.0.0.1:`port` (0 for any) and returns the listener and its address.
///
/// # Errors
/// The port cannot be bound.
pub async fn bind(port: u16) -> std::io::Result<(tokio::net::TcpListener, SocketAddr)> {
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
    let addr = listener.local_addr()?;
    Ok((listener, addr))
}

fn twiml_empty() -> Response {
    (
        [("content-type", "text/xml")],
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response/>",
    )
        .into_response()
}

/// The HTTP status for an engine error, by what the caller must do ([`Error::class`]).
fn status_of(err: &Error) -> StatusCode {
    match err.class() {
        ErrorClass::Request => StatusCode::BAD_REQUEST,
        ErrorClass::Configuration => StatusCode::CONFLICT,
        ErrorClass::Bug => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

fn refuse(status: StatusCode, err: &Error) -> Response {
    (status, err.to_string()).into_response()
}

/// Checks `X-Twilio-Signature` over `public_url + path` and the posted form; returns the form, or
/// [`Error::BadWebhook`] (answered 403) when the signature is missing or wrong.
fn verified_form(
    st: &WebState,
    path: &str,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<Vec<(String, String)>, Error> {
    let params: Vec<(String, String)> = form_urlencoded::parse(body).into_owned().collect();
    let url = format!("{}{path}", st.public_url);
    let Some(signature) = headers
        .get("x-twilio-signature")
        .and_then(|v| v.to_str().ok())
    else {
        return Err(Error::BadWebhook(
            "missing X-Twilio-Signature header".into(),
        ));
    };
    if !twilio_wire::signature::validate(&st.auth_token, &url, &params, signature) {
        return Err(Error::BadWebhook(format!(
            "X-Twilio-Signature does not match {url} and the posted parameters"
        )));
    }
    Ok(params)
}

async fn inbound(State(st): State<WebState>, headers: HeaderMap, body: Bytes) -> Response {
    inbound_webhook(&st, &headers, &body).await
}

/// What `POST /sms/inbound` does once axum has read the request: checks `X-Twilio-Signature`
/// (403), reads the form as Twilio's inbound message webhook (§4.1; 400), hands the message to
/// [`Engine::handle_inbound`] and answers TwiML `<Response/>` (200), or the engine's refusal (see
/// the module docs). `body` is the `application/x-www-form-urlencoded` body as posted. Public so
/// that `convsms bench engine` measures the webhook's own path without a socket.
pub async fn inbound_webhook(st: &WebState, headers: &HeaderMap, body: &[u8]) -> Response {
    let params = match verified_form(st, INBOUND_PATH, headers, body) {
        Ok(p) => p,
        Err(e) => return refuse(StatusCode::FORBIDDEN, &e),
    };
    let sms = match inbound_sms(&params) {
        Ok(sms) => sms,
        Err(e) => return refuse(StatusCode::BAD_REQUEST, &e),
    };
    match st.engine.handle_inbound(sms).await {
        Ok(InboundOutcome::Stored(_) | InboundOutcome::Duplicate) => twiml_empty(),
        Err(e) => refuse(status_of(&e), &e),
    }
}

async fn status(State(st): State<WebState>, headers: HeaderMap, body: Bytes) -> Response {
    let params = match verified_form(&st, STATUS_PATH, &headers, &body) {
        Ok(p) => p,
        Err(e) => return refuse(StatusCode::FORBIDDEN, &e),
    };
    let callback = match StatusCallback::from_params(&params) {
        Ok(c) => c,
        Err(e) => return refuse(StatusCode::BAD_REQUEST, &Error::BadWebhook(e.to_string())),
    };
    let report = StatusReport {
        sid: callback.message_sid,
        status: callback.message_status,
        error_code: callback.error_code.map(i64::from),
        error_message: callback.error_message,
    };
    match st.engine.handle_status(report) {
        Ok(_) => StatusCode::NO_CONTENT.into_response(),
        Err(e) => refuse(status_of(&e), &e),
    }
}

/// The engine's view of a signed, well-formed inbound webhook.
///
/// # Errors
/// [`Error::BadWebhook`] when the form is not an inbound message webhook (§4.1);
/// [`Error::InvalidPhoneNumber`] when `From` or `To` is not a phone number.
fn inbound_sms(params: &[(String, String)]) -> Result<InboundSms, Error> {
    let m = InboundMessage::from_params(params).map_err(|e| Error::BadWebhook(e.to_string()))?;
    Ok(InboundSms {
        sid: m.message_sid,
        from: E164::parse(&m.from, None)?,
        to: E164::parse(&m.to, None)?,
        body: m.body,
        media: m
            .media
            .into_iter()
            .map(|x| Media {
                url: x.url,
                content_type: x.content_type,
            })
            .collect(),
        opt_out_type: m.opt_out_type.map(|t| t.as_str().to_owned()),
    })
}

fn now_error(err: Error) -> Response {
    let status = status_of(&err);
    let detail = match &err {
        Error::InvalidPhoneNumber(_) => "invalid phone number",
        Error::UnknownRecord { .. } => "unknown record",
        _ => "request refused",
    };
    (
        status,
        Json(json!({"error": {"message": err.to_string(), "detail": detail}, "status": "failure"})),
    )
        .into_response()
}

/// Body of `validate_phone_number`.
#[derive(Debug, Deserialize)]
pub struct ValidatePhoneBody {
    /// The number as typed.
    pub phone_number: String,
    /// A consumer's name: its location gives the region (PHONE-2).
    pub consumer: Option<String>,
    /// An explicit ISO 3166-1 alpha-2 region.
    pub region: Option<String>,
}

async fn validate_phone_number(
    State(st): State<WebState>,
    Json(b): Json<ValidatePhoneBody>,
) -> Response {
    match st.engine.validate_phone_number(
        &b.phone_number,
        b.consumer.as_deref(),
        b.region.as_deref(),
    ) {
        Ok(e164) => Json(json!({"result": {
            "phone_number": b.phone_number,
            "valid": true,
            "e164": e164.as_str(),
            "region": e164.region().map(|r| r.to_string()),
        }}))
        .into_response(),
        Err(e) => now_error(e),
    }
}

/// Body of `validate_profile`: the number and the record the agent writes for (one of them).
#[derive(Debug, Deserialize)]
pub struct ValidateProfileBody {
    /// The To number.
    pub phone_number: String,
    /// A consumer's name.
    pub consumer: Option<String>,
    /// A customer contact's name.
    pub contact: Option<String>,
    /// A sys_user's user_name.
    pub user: Option<String>,
}

async fn validate_profile(
    State(st): State<WebState>,
    Json(b): Json<ValidateProfileBody>,
) -> Response {
    let who = match (&b.consumer, &b.contact, &b.user) {
        (Some(n), _, _) => (PartyTable::CsmConsumer, n.as_str()),
        (_, Some(n), _) => (PartyTable::CustomerContact, n.as_str()),
        (_, _, Some(n)) => (PartyTable::SysUser, n.as_str()),
        _ => {
            return (
                StatusCode::BAD_REQUEST,
                Json(json!({"error": {"message": "name the consumer, contact or user the message is for", "detail": "missing requester"}, "status": "failure"})),
            )
                .into_response()
        }
    };
    match st.engine.validate_profile(&b.phone_number, who) {
        Ok(warning) => Json(json!({"result": {
            "valid": warning.is_none(),
            "message": warning,
        }}))
        .into_response(),
        Err(e) => now_error(e),
    }
}

async fn attachment(State(st): State<WebState>, Path(sys_id): Path<String>) -> Response {
    match st.engine.store().read(|tx| tx.attachment(&sys_id)) {
        Ok(Some((ct, data))) => ([("content-type", ct)], data).into_response(),
        Ok(None) => (StatusCode::NOT_FOUND, format!("no attachment {sys_id}")).into_response(),
        Err(e) => now_error(Error::Store(e)),
    }
}

/// The image file behind a topic's relative media URL (`/topics/media/guide.png`), for the provider
/// to fetch when it sends the MMS (VA-6).
async fn topic_media(State(st): State<WebState>, Path(path): Path<String>) -> Response {
    let Some(file) = st.engine.topics().media_file(&path) else {
        return (
            StatusCode::NOT_FOUND,
            format!("no topic uses the image {path}"),
        )
            .into_response();
    };
    match tokio::fs::read(&file).await {
        Ok(bytes) => (
            [(
                "content-type",
                crate::engine::inbound::content_type_of(&path),
            )],
            bytes,
        )
            .into_response(),
        Err(e) => (StatusCode::NOT_FOUND, format!("{}: {e}", file.display())).into_response(),
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use chrono::{TimeZone, Utc};
    use twilio_wire::message::MessageStatus;
    use twilio_wire::sid::{AccountSid, MessageSid};
    use twilio_wire::webhook::StatusCallback;

    use super::*;
    use crate::clock::ManualClock;
    use crate::store::SqliteStore;
    use crate::twilio::TwilioClient;

    const TOKEN: &str = "0123456789abcdef0123456789abcdef";

    /// The router on 127.0.0.1:0 over an empty in-memory store; returns its base URL.
    async fn serve() -> String {
        let store = Arc::new(SqliteStore::open_in_memory().unwrap());
        let ac = AccountSid::from_counter(1);
        // Nothing is sent in these tests: the provider points at a closed port.
        let provider = Arc::new(TwilioClient::new("http://127.0.0.1:9", ac.as_str(), TOKEN));
        let clock = Arc::new(ManualClock::starting_at(
            Utc.with_ymd_and_hms(2026, 1, 5, 9, 0, 0).unwrap(),
        ));
        let engine = Arc::new(Engine::new(store, provider, clock));
        let (listener, addr) = bind(0).await.unwrap();
        let public_url = format!("http://{addr}");
        let app = router(WebState {
            engine,
            auth_token: TOKEN.to_owned(),
            public_url: public_url.clone(),
        });
        tokio::spawn(async move { axum::serve(listener, app).await });
        public_url
    }

    /// POSTs `params` to `base + path`, signed when `signed`; returns (status, body).
    async fn post(
        base: &str,
        path: &str,
        params: &[(String, String)],
        signed: bool,
    ) -> (u16, String) {
        let url = format!("{base}{path}");
        let mut req = reqwest::Client::new().post(&url).form(params);
        if signed {
            req = req.header(
                "X-Twilio-Signature",
                twilio_wire::signature::sign(TOKEN, &url, params),
            );
        }
        let resp = req.send().await.unwrap();
        let status = resp.status().as_u16();
        (status, resp.text().await.unwrap())
    }

    fn callback() -> Vec<(String, String)> {
        StatusCallback {
            message_sid: MessageSid::sms(1),
            message_status: MessageStatus::Delivered,
            error_code: None,
            error_message: None,
            account_sid: AccountSid::from_counter(1),
            messaging_service_sid: None,
            from: "+14155550100".into(),
            to: "+14155552671".into(),
            api_version: "2010-04-01".into(),
            raw_dlr_done_date: None,
        }
        .to_params()
    }

    fn with(mut params: Vec<(String, String)>, name: &str, value: &str) -> Vec<(String, String)> {
        for (n, v) in &mut params {
            if n == name {
                *v = value.to_owned();
            }
        }
        params
    }

    #[tokio::test]
    async fn status_callbacks_are_checked_for_signature_then_shape() {
        let base = serve().await;
        // Well formed, for a message the engine does not know: accepted, nothing changes.
        assert_eq!(
            post(&base, STATUS_PATH, &callback(), true).await,
            (204, String::new())
        );

        let lost = with(callback(), "MessageStatus", "lost");
        let (status, body) = post(&base, STATUS_PATH, &lost, false).await;
        assert_eq!(status, 403, "the signature is checked first: {body}");
        let (status, body) = post(&base, STATUS_PATH, &lost, true).await;
        assert_eq!(status, 400);
        assert_eq!(
            body,
            "refused webhook: MessageStatus='lost' is not a Twilio message status; expected one \
             of queued, sending, sent, failed, delivered, undelivered, receiving, received, \
             accepted, scheduled, read, partially_delivered, canceled"
        );

        let mut bad_code = callback();
        bad_code.insert(0, ("ErrorCode".into(), "300o3".into()));
        let (status, body) = post(&base, STATUS_PATH, &bad_code, true).await;
        assert_eq!(status, 400);
        assert!(body.contains("ErrorCode='300o3' is not valid"), "{body}");

        let no_sid: Vec<_> = callback()
            .into_iter()
            .filter(|(n, _)| n != "MessageSid")
            .collect();
        let (status, body) = post(&base, STATUS_PATH, &no_sid, true).await;
        assert_eq!(
            (status, body.as_str()),
            (
                400,
                "refused webhook: the status callback has no MessageSid parameter"
            )
        );
    }

    #[tokio::test]
    async fn malformed_inbound_webhooks_are_400_after_the_signature_check() {
        let base = serve().await;
        let form: Vec<(String, String)> = [
            ("MessageSid", "SM00000000000000000000000000000001"),
            ("AccountSid", "AC00000000000000000000000000000001"),
            ("From", "+14155552671"),
            ("To", "+14155550100"),
            ("NumMedia", "0"),
            ("NumSegments", "1"),
            ("ApiVersion", "2010-04-01"),
        ]
        .iter()
        .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
        .collect();
        assert_eq!(post(&base, INBOUND_PATH, &form, false).await.0, 403);
        let (status, body) = post(&base, INBOUND_PATH, &form, true).await;
        assert_eq!(
            (status, body.as_str()),
            (
                400,
                "refused webhook: the inbound message webhook has no Body parameter"
            )
        );
        let mut form = form;
        form.push(("Body".into(), "hi".into()));
        let (status, body) = post(&base, INBOUND_PATH, &with(form, "NumMedia", "1"), true).await;
        assert_eq!(
            (status, body.as_str()),
            (
                400,
                "refused webhook: the inbound message webhook has no MediaUrl0 parameter"
            )
        );
    }
}
