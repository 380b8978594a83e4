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

use std::borrow::Cow;
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

/// A webhook's answer before it is an HTTP response: what [`receive_form`] gives an app that
/// posts forms in process, and what the HTTP handlers send.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WebhookAnswer {
    /// 200 (TwiML), 204 (a status callback applied), 400, 403, 409 or 500 (see the module docs).
    pub status: StatusCode,
    /// TwiML `<Response/>` (`text/xml`), or the refusal's text (`text/plain`), or empty.
    pub body: String,
    /// Whether `body` is TwiML (`text/xml`) rather than plain text.
    pub twiml: bool,
}

impl IntoResponse for WebhookAnswer {
    fn into_response(self) -> Response {
        if self.twiml {
            (self.status, [("content-type", "text/xml")], self.body).into_response()
        } else if self.body.is_empty() {
            self.status.into_response()
        } else {
            (self.status, self.body).into_response()
        }
    }
}

fn twiml_empty() -> WebhookAnswer {
    WebhookAnswer {
        status: StatusCode::OK,
        body: "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response/>".to_owned(),
        twiml: true,
    }
}

/// The HTTP status for an engine error, by what the caller must do ([`Error::class`]).
fn status_of(err: &Error) -> StatusCode {
    match err.class() {
        ErrorClass::Request => StatusCode::BAD_REQUEST,
        ErrorClass::Configuration => StatusCode::CONFLICT,
        ErrorClass::Bug => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

fn refuse(status: StatusCode, err: &Error) -> WebhookAnswer {
    WebhookAnswer {
        status,
        body: err.to_string(),
        twiml: false,
    }
}

/// Checks `signature` (the `X-Twilio-Signature` header, `None` when it is missing) over
/// `public_url + path` and the posted `params`; [`Error::BadWebhook`] (answered 403) when it is
/// missing or wrong.
fn verify<K: AsRef<str>, V: AsRef<str>>(
    st: &WebState,
    path: &str,
    signature: Option<&str>,
    params: &[(K, V)],
) -> Result<(), Error> {
    let url = format!("{}{path}", st.public_url);
    let Some(signature) = signature else {
        return Err(Error::BadWebhook(
            "missing X-Twilio-Signature header".into(),
        ));
    };
    // Twilio signs the URL it requests, which an HTTP client sends in the URL standard's
    // serialization (host in lower case, `'` as %27 in the query); the configured text is
    // accepted too, as Twilio's own validators accept both forms.
    // The serialization is made only when the configured text does not match: the URL
    // standard's parser was a third of this check.
    let requested = || url::Url::parse(&url).map(String::from).unwrap_or_default();
    if !twilio_wire::signature::validate(&st.auth_token, &url, params, signature)
        && !twilio_wire::signature::validate(&st.auth_token, &requested(), params, signature)
    {
        return Err(Error::BadWebhook(format!(
            "X-Twilio-Signature does not match {url} and the posted parameters"
        )));
    }
    Ok(())
}

/// A form's decoded `(name, value)` pairs, borrowing from the body each that needed no decoding
/// (most of a Twilio webhook's: only `+`, `%2B` and the like are copied).
type Form<'b> = Vec<(Cow<'b, str>, Cow<'b, str>)>;

/// The form of a request body and its `X-Twilio-Signature`, if any.
fn read_form<'h, 'b>(headers: &'h HeaderMap, body: &'b [u8]) -> (Option<&'h str>, Form<'b>) {
    let signature = headers
        .get("x-twilio-signature")
        .and_then(|v| v.to_str().ok());
    (signature, form_urlencoded::parse(body).collect())
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
    let (signature, params) = read_form(headers, body);
    inbound_form(st, signature, &params).await.into_response()
}

/// [`inbound_webhook`] of a form already read.
async fn inbound_form<K: AsRef<str>, V: AsRef<str>>(
    st: &WebState,
    signature: Option<&str>,
    params: &[(K, V)],
) -> WebhookAnswer {
    if let Err(e) = verify(st, INBOUND_PATH, signature, params) {
        return refuse(StatusCode::FORBIDDEN, &e);
    }
    let sms = match inbound_sms(params) {
        Ok(sms) => sms,
        Err(e) => return refuse(StatusCode::BAD_REQUEST, &e),
    };
    match st.engine.handle_inbound(sms).await {
        Ok(InboundOutcome::Stored(_) | InboundOutcome::Duplicate) => twiml_empty(),
        Err(e) => refuse(status_of(&e), &e),
    }
}

async fn status(State(st): State<WebState>, headers: HeaderMap, body: Bytes) -> Response {
    let (signature, params) = read_form(&headers, &body);
    status_form(&st, signature, &params).into_response()
}

/// What `POST /sms/status` does with a form already read (see the module docs).
fn status_form<K: AsRef<str>, V: AsRef<str>>(
    st: &WebState,
    signature: Option<&str>,
    params: &[(K, V)],
) -> WebhookAnswer {
    if let Err(e) = verify(st, STATUS_PATH, signature, params) {
        return refuse(StatusCode::FORBIDDEN, &e);
    }
    let callback = match StatusCallback::from_params(params) {
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
        Ok(_) => WebhookAnswer {
            status: StatusCode::NO_CONTENT,
            body: String::new(),
            twiml: false,
        },
        Err(e) => refuse(status_of(&e), &e),
    }
}

/// A signed form POSTed to `path` (`/sms/inbound` or `/sms/status`, no query), taken as values
/// rather than as an HTTP request: `signature` is the `X-Twilio-Signature` header (`None` when
/// missing) and `params` the form's parameters. The same checks and the same answer as the
/// route's HTTP handler (see the module docs), without a request to build, route or decode:
/// what a simulator calling the engine in process uses (`convsms soak`'s `inproc` transport).
/// `None` for any other path (the caller then sends an HTTP request to [`router`]).
pub async fn receive_form(
    st: &WebState,
    path: &str,
    signature: Option<&str>,
    params: &[(String, String)],
) -> Option<WebhookAnswer> {
    match path {
        INBOUND_PATH => Some(inbound_form(st, signature, params).await),
        STATUS_PATH => Some(status_form(st, signature, params)),
        _ => None,
    }
}

/// The engine's view of a signed, well-formed inbound webhook.
///
/// # Errors
/// [`Error::BadWebhook`] when the form is not an inbound message webhook (§4.1);
/// [`Error::InvalidPhoneNumber`] when `From` or `To` is not a phone number in E.164
/// ([`E164::from_provider`]: a number libphonenumber does not know is still taken).
fn inbound_sms<K: AsRef<str>, V: AsRef<str>>(params: &[(K, V)]) -> Result<InboundSms, Error> {
    let m = InboundMessage::from_params(params).map_err(|e| Error::BadWebhook(e.to_string()))?;
    Ok(InboundSms {
        sid: m.message_sid,
        from: E164::from_provider(&m.from)?,
        to: E164::from_provider(&m.to)?,
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
        serve_state().await.public_url
    }

    /// [`serve`], returning the handlers' state (its `public_url` is the base URL).
    async fn serve_state() -> WebState {
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
        let state = WebState {
            engine,
            auth_token: TOKEN.to_owned(),
            public_url,
        };
        let app = router(state.clone());
        tokio::spawn(async move { axum::serve(listener, app).await });
        state
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
    async fn a_signature_over_the_configured_or_the_requested_url_is_accepted() {
        // The simulator (and an HTTP client) requests the URL standard's serialization of the
        // configured URL: here with the host in lower case.
        let mut st = serve_state().await;
        st.public_url = "http://LocalHost:8080".into();
        let params = callback();
        for signed_over in [
            "http://LocalHost:8080/sms/status",
            "http://localhost:8080/sms/status",
        ] {
            let signature = twilio_wire::signature::sign(TOKEN, signed_over, &params);
            assert!(
                verify(&st, STATUS_PATH, Some(&signature), &params).is_ok(),
                "{signed_over}"
            );
        }
        let other =
            twilio_wire::signature::sign(TOKEN, "http://localhost:8081/sms/status", &params);
        assert!(verify(&st, STATUS_PATH, Some(&other), &params).is_err());
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
    async fn forms_taken_as_values_get_the_answers_of_the_http_handlers() {
        let st = serve_state().await;
        let mut inbound = inbound_form_without_body();
        inbound.push(("Body".into(), "hi".into()));
        let cases = [
            (STATUS_PATH, callback(), true),
            (STATUS_PATH, callback(), false),
            (STATUS_PATH, with(callback(), "MessageStatus", "lost"), true),
            (INBOUND_PATH, inbound_form_without_body(), true),
            (
                INBOUND_PATH,
                with(inbound.clone(), "From", "not a number"),
                true,
            ),
            (INBOUND_PATH, inbound.clone(), false),
            // The provider number is not configured: the engine's own refusal.
            (INBOUND_PATH, inbound, true),
        ];
        for (path, params, signed) in cases {
            let url = format!("{}{path}", st.public_url);
            let signature = twilio_wire::signature::sign(TOKEN, &url, &params);
            let signature = signed.then_some(signature.as_str());
            let answer = receive_form(&st, path, signature, &params)
                .await
                .expect("a webhook path");
            let over_http = post(&st.public_url, path, &params, signed).await;
            assert_eq!(
                (answer.status.as_u16(), answer.body.clone()),
                over_http,
                "{path} {params:?} signed: {signed}"
            );
            assert_eq!(answer.twiml, answer.status == StatusCode::OK, "{answer:?}");
        }
        assert_eq!(receive_form(&st, "/sms/other", None, &[]).await, None);
        assert_eq!(receive_form(&st, "/sms/status?x=1", None, &[]).await, None);
    }

    /// An inbound message webhook's form without its `Body`.
    fn inbound_form_without_body() -> Vec<(String, String)> {
        [
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
        .collect()
    }

    #[tokio::test]
    async fn malformed_inbound_webhooks_are_400_after_the_signature_check() {
        let base = serve().await;
        let form = inbound_form_without_body();
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
