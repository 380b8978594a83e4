//! The engine's HTTP side (axum, on loopback).
//!
//! - `POST /sms/inbound`: Twilio's inbound-message webhook (§4.1 of the Twilio reference). The
//!   `X-Twilio-Signature` is checked against the engine's public URL and the account's Auth Token;
//!   a bad or missing signature gets 403 and nothing is stored (PROVIDER-4). Answers TwiML
//!   `<Response/>`: replies go out through the REST API.
//! - `POST /sms/status`: Twilio's StatusCallback (§3.1), signed like the webhook; moves the
//!   message's delivery status forward in the transcript (PROVIDER-3) and answers 204.
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
use twilio_wire::message::MessageStatus;
use twilio_wire::sid::MessageSid;

use crate::domain::model::{Media, PartyTable};
use crate::domain::phone::E164;
use crate::engine::{Engine, InboundOutcome, InboundSms, StatusReport};
use crate::error::{Error, ErrorClass};

/// The path of the inbound webhook.
pub const INBOUND_PATH: &str = "/sms/inbound";
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

fn param<'p>(params: &'p [(String, String)], name: &str) -> Option<&'p str> {
    params
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.as_str())
}

async fn inbound(State(st): State<WebState>, headers: HeaderMap, body: Bytes) -> Response {
    let params = match verified_form(&st, INBOUND_PATH, &headers, &body) {
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
    let (Some(sid), Some(status)) = (
        param(&params, "MessageSid"),
        param(&params, "MessageStatus").or_else(|| param(&params, "SmsStatus")),
    ) else {
        return refuse(
            StatusCode::BAD_REQUEST,
            &Error::BadWebhook("a status callback needs MessageSid and MessageStatus".into()),
        );
    };
    let sid = match MessageSid::parse(sid) {
        Ok(sid) => sid,
        Err(e) => return refuse(StatusCode::BAD_REQUEST, &Error::BadWebhook(e.to_string())),
    };
    let status = match MessageStatus::deserialize(serde::de::value::StrDeserializer::<
        serde::de::value::Error,
    >::new(status))
    {
        Ok(s) => s,
        Err(_) => {
            return refuse(
                StatusCode::BAD_REQUEST,
                &Error::BadWebhook(format!(
                    "MessageStatus '{status}' is not one of Twilio's message statuses"
                )),
            )
        }
    };
    let report = StatusReport {
        sid,
        status,
        error_code: param(&params, "ErrorCode").and_then(|c| c.parse().ok()),
        error_message: param(&params, "ErrorMessage").map(str::to_owned),
    };
    match st.engine.handle_status(report) {
        Ok(_) => StatusCode::NO_CONTENT.into_response(),
        Err(e) => refuse(status_of(&e), &e),
    }
}

fn inbound_sms(params: &[(String, String)]) -> Result<InboundSms, Error> {
    let get = |k: &str| param(params, k);
    let need = |k: &str| get(k).ok_or_else(|| Error::BadWebhook(format!("missing parameter {k}")));
    let num_media: usize = get("NumMedia").and_then(|n| n.parse().ok()).unwrap_or(0);
    let media = (0..num_media)
        .filter_map(|n| {
            Some(Media {
                url: get(&format!("MediaUrl{n}"))?.to_owned(),
                content_type: get(&format!("MediaContentType{n}"))
                    .unwrap_or("application/octet-stream")
                    .to_owned(),
            })
        })
        .collect();
    Ok(InboundSms {
        sid: MessageSid::parse(need("MessageSid")?)
            .map_err(|e| Error::BadWebhook(e.to_string()))?,
        from: E164::parse(need("From")?, None)?,
        to: E164::parse(need("To")?, None)?,
        body: get("Body").unwrap_or("").to_owned(),
        media,
        opt_out_type: get("OptOutType").map(str::to_owned),
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
