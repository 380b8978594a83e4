//! `convsms serve`'s JSON API (documented with curl examples in `docs/serve.md`).
//!
//! Every action is a catalogue step: the typed routes (handsets, agents, time) build the
//! sentence a QA engineer would write and run it through [`Handle::step`], and `POST /api/steps`
//! runs any sentence of `convsms steps` as given, so everything a scenario can do, a person can
//! do by hand (setup of people, queues, messaging actions, properties, topics; simulator faults).
//! Reads (interactions, transcripts, handsets, the workspace, the timeline, ServiceNow's Table
//! API) run between steps on the same world.
//!
//! Errors answer in ServiceNow's shape, `{"error": {"message", "detail"}, "status": "failure"}`:
//! 400 for a request that is not what a route expects (what was wrong and what was expected),
//! 404 for an unknown table or interaction, 422 when the step ran and failed (an unknown agent,
//! a check that did not hold), 400 with `"refused"` when the engine refused the action (nothing
//! was written; the journal keeps the refusal and its check).

use std::convert::Infallible;

use axum::extract::{Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use convsms::domain::encoded_query::EncodedQuery;
use convsms::domain::model::{Handler, InteractionNumber};
use serde::Deserialize;
use serde_json::{json, Value};
use twilio_wire::message::Direction;

use super::runner::{Handle, Ran, StepError};
use super::{export, page, timeline};
use crate::check::params::At;
use crate::check::world::quote;

/// A ServiceNow-shaped error answer.
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    message: String,
    detail: String,
}

impl ApiError {
    /// 400: the request is not what the route expects.
    pub fn bad(message: impl Into<String>, detail: impl Into<String>) -> Self {
        ApiError {
            status: StatusCode::BAD_REQUEST,
            message: message.into(),
            detail: detail.into(),
        }
    }

    /// 404 for an interaction that does not exist; the detail says where to find the others.
    fn not_found(message: impl Into<String>) -> Self {
        ApiError {
            status: StatusCode::NOT_FOUND,
            message: message.into(),
            detail: "an interaction that exists: GET /api/interactions lists them".into(),
        }
    }

    fn internal(e: impl std::fmt::Display) -> Self {
        ApiError {
            status: StatusCode::INTERNAL_SERVER_ERROR,
            message: e.to_string(),
            detail: "a bug or a broken database file".into(),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (
            self.status,
            Json(json!({
                "error": { "message": self.message, "detail": self.detail },
                "status": "failure",
            })),
        )
            .into_response()
    }
}

impl From<StepError> for ApiError {
    fn from(e: StepError) -> Self {
        match e {
            StepError::NotAStep(m) => ApiError::bad(
                m,
                "a step sentence of the library, keyword first (GET /api/steps lists them)",
            ),
            StepError::Failed(m) => ApiError {
                status: StatusCode::UNPROCESSABLE_ENTITY,
                message: m,
                detail: "the step ran and failed; nothing it refused was written".into(),
            },
        }
    }
}

type ApiResult = Result<Response, ApiError>;

/// A JSON body whose rejection (not JSON, a missing or unknown field, a wrong type) answers in
/// ServiceNow's error shape, naming what was wrong.
pub struct ApiJson<T>(pub T);

impl<T: serde::de::DeserializeOwned, S: Send + Sync> axum::extract::FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: axum::extract::Request, state: &S) -> Result<Self, ApiError> {
        match Json::<T>::from_request(req, state).await {
            Ok(Json(v)) => Ok(ApiJson(v)),
            Err(e) => Err(ApiError::bad(
                e.body_text(),
                "a JSON body with the fields docs/serve.md lists for this route",
            )),
        }
    }
}

/// A query string whose rejection answers in ServiceNow's error shape.
pub struct ApiQuery<T>(pub T);

impl<T: serde::de::DeserializeOwned, S: Send + Sync> axum::extract::FromRequestParts<S>
    for ApiQuery<T>
{
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &S,
    ) -> Result<Self, ApiError> {
        match Query::<T>::from_request_parts(parts, state).await {
            Ok(Query(v)) => Ok(ApiQuery(v)),
            Err(e) => Err(ApiError::bad(
                e.body_text(),
                "the query parameters docs/serve.md lists for this route",
            )),
        }
    }
}

/// The API's routes, on `handle`.
pub fn router(handle: Handle) -> Router {
    Router::new()
        .route("/api", get(index))
        .route("/api/steps", get(steps).post(run_step))
        .route("/", get(page::index))
        .route("/assets/{file}", get(page::asset))
        .route("/api/handsets", get(handsets))
        .route("/api/validate-number", get(validate_number))
        .route("/api/agents", get(agents))
        .route("/api/handsets/{phone}/texts", post(handset_text))
        .route("/api/handsets/{phone}/messages", get(handset_messages))
        .route("/api/agents/{agent}/presence", post(agent_presence))
        .route("/api/agents/{agent}/capacity", post(agent_capacity))
        .route("/api/agents/{agent}/inbox", get(agent_inbox))
        .route(
            "/api/agents/{agent}/offers/{number}/{verdict}",
            post(agent_offer),
        )
        .route("/api/agents/{agent}/ongoing", get(agent_ongoing))
        .route("/api/agents/{agent}/replies", post(agent_reply))
        .route("/api/agents/{agent}/close", post(agent_close))
        .route("/api/agents/{agent}/transfer", post(agent_transfer))
        .route("/api/agents/{agent}/leave", post(agent_leave))
        .route("/api/agents/{agent}/compose", post(agent_compose))
        .route("/api/agents/{agent}/case-card", post(agent_case_card))
        .route(
            "/api/agents/{agent}/compose/validate",
            post(agent_compose_validate),
        )
        .route("/api/setup/topics/reload", post(topics_reload))
        .route("/api/setup/people", post(setup_person))
        .route("/api/setup/agents", post(setup_agent))
        .route("/api/setup/provider-numbers", post(setup_provider_number))
        .route("/api/setup/properties/{name}", post(setup_property))
        .route("/api/time", get(time_now))
        .route("/api/time/advance", post(time_advance))
        .route("/api/interactions", get(interactions))
        .route("/api/interactions/{number}", get(interaction))
        .route("/api/interactions/{number}/transcript", get(transcript))
        .route(
            "/api/interactions/{number}/relink",
            post(interaction_relink),
        )
        .route("/api/cases/{number}/state", post(case_state))
        .route("/api/timeline", get(timeline_read))
        .route("/api/events", get(events))
        .route("/api/now/table/{table}", get(table))
        .route("/api/export/feature", get(export_feature))
        .route("/api/export/mark", post(export_mark))
        .with_state(handle)
}

/// A route asked with a method it does not take: 405 in ServiceNow's shape (axum adds the
/// `Allow` header with the methods it takes).
pub async fn method_not_allowed(method: axum::http::Method, uri: axum::http::Uri) -> ApiError {
    ApiError {
        status: StatusCode::METHOD_NOT_ALLOWED,
        message: format!("{method} is not a method of {}", uri.path()),
        detail: "the methods in this answer's Allow header; GET /api lists the routes".into(),
    }
}

/// Any other path: 404 in ServiceNow's shape, pointing at the list of routes.
pub async fn not_found(uri: axum::http::Uri) -> ApiError {
    ApiError {
        status: StatusCode::NOT_FOUND,
        message: format!("no route {}", uri.path()),
        detail: "GET /api lists the routes; docs/serve.md documents them".into(),
    }
}

/// A step's answer: 200 with what it came to, or 400 when the engine refused it, saying
/// whether anything was written all the same (`wrote`: for example a send Twilio refused, kept in
/// the transcript as `failed`).
fn ran(r: Ran) -> ApiResult {
    let detail = match &r.wrote {
        Some(what) => format!("refused, but not without effect: {what}"),
        None => "the engine refused it; nothing was written".to_owned(),
    };
    match &r.refused {
        None => Ok(Json(json!({ "result": r })).into_response()),
        Some(e) => Ok((
            StatusCode::BAD_REQUEST,
            Json(json!({
                "error": { "message": e, "detail": detail },
                "status": "failure",
                "result": r,
            })),
        )
            .into_response()),
    }
}

async fn step(h: &Handle, sentence: String) -> ApiResult {
    ran(h.step(sentence, None).await?)
}

/// A message's text for a step (a text, a reply, a Compose SMS body): anything but a carriage
/// return, since a step quotes a double quote as `\"`, a line break as `\n` and a backslash
/// that would be read with what follows as `\\` ([`quote`]).
fn message_text<'a>(field: &str, value: &'a str) -> Result<&'a str, ApiError> {
    if value.contains('\r') {
        return Err(ApiError::bad(
            format!("{field} holds a carriage return: {value:?}"),
            format!("{field} with line breaks as \\n alone (a step sentence cannot carry \\r)"),
        ));
    }
    Ok(value)
}

/// A name or number for a `{string}`: one line, no double quote, not ending in a backslash (a
/// step reads a name as written, so it cannot carry any of them).
fn text<'a>(field: &str, value: &'a str) -> Result<&'a str, ApiError> {
    match export::unquotable(value) {
        None => Ok(value),
        Some(why @ "ends in a backslash") => Err(ApiError::bad(
            format!("{field} {why}: {value:?}"),
            format!("{field} not ending in \\ (a quoted text of a step sentence cannot)"),
        )),
        Some(why) => Err(ApiError::bad(
            format!("{field} {why}: {value:?}"),
            format!("{field} as one line without \" (a step sentence cannot carry it)"),
        )),
    }
}

fn interaction_number(s: &str) -> Result<InteractionNumber, ApiError> {
    InteractionNumber::parse(s)
        .map_err(|e| ApiError::bad(e.to_string(), "IMS and seven digits, such as IMS0001001"))
}

async fn index() -> Json<Value> {
    Json(json!({
        "docs": "docs/serve.md",
        "steps": "GET /api/steps (the catalogue), POST /api/steps {\"step\": \"When ...\"}",
        "page": "GET / (the web page)",
        "routes": [
            "GET /api/handsets", "GET /api/validate-number?number=&region=", "GET /api/agents",
            "POST /api/handsets/{phone}/texts", "GET /api/handsets/{phone}/messages",
            "POST /api/agents/{agent}/presence", "POST /api/agents/{agent}/capacity",
            "GET /api/agents/{agent}/inbox", "POST /api/agents/{agent}/offers/{IMS}/accept|reject",
            "GET /api/agents/{agent}/ongoing", "POST /api/agents/{agent}/replies",
            "POST /api/agents/{agent}/close", "POST /api/agents/{agent}/transfer",
            "POST /api/agents/{agent}/leave", "POST /api/agents/{agent}/compose",
            "POST /api/agents/{agent}/case-card", "POST /api/agents/{agent}/compose/validate",
            "POST /api/setup/topics/reload", "POST /api/setup/people", "POST /api/setup/agents",
            "POST /api/setup/provider-numbers", "POST /api/setup/properties/{name}",
            "GET /api/time", "POST /api/time/advance", "GET /api/interactions",
            "GET /api/interactions/{IMS}", "GET /api/interactions/{IMS}/transcript",
            "POST /api/interactions/{IMS}/relink", "POST /api/cases/{number}/state",
            "GET /api/timeline", "GET /api/events", "GET /api/now/table/{table}",
            "GET /api/export/feature", "POST /api/export/mark",
        ],
    }))
}

async fn steps() -> Response {
    let mut out = vec![];
    match crate::check::print_steps(&mut out) {
        Ok(()) => (
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            String::from_utf8_lossy(&out).into_owned(),
        )
            .into_response(),
        Err(e) => ApiError::internal(e).into_response(),
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct StepBody {
    step: String,
    #[serde(default)]
    docstring: Option<String>,
}

async fn run_step(State(h): State<Handle>, ApiJson(b): ApiJson<StepBody>) -> ApiResult {
    ran(h.step(b.step, b.docstring).await?)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TextBody {
    to: String,
    /// Required, as Twilio requires `Body` or `MediaUrl`: an empty string only with `media`.
    #[serde(default)]
    body: Option<String>,
    #[serde(default)]
    media: Vec<String>,
    /// The MIME type of the one file in `media` (`image/heic`), which the handset sends whatever
    /// its URL's name says; without it, the type is read from the URL's extension.
    #[serde(default)]
    content_type: Option<String>,
}

/// A handset's number as the simulated carrier would deliver it, as the engine takes it
/// (`E164::from_provider`): a valid number with its country calling code (`+14155552671`, or
/// written with punctuation, `+1 415 555 2671`), or strict E.164 in a range libphonenumber does
/// not know yet (`+12005550100`); never letters (a vanity `+1415555ABCD` would be read as its
/// keypad digits) or a national number.
///
/// # Errors
/// A 400 saying what the number should look like, before anything is sent or recorded.
fn handset_number(text: &str) -> Result<(), ApiError> {
    use convsms::domain::phone::E164;
    let taken = !text.bytes().any(|b| b.is_ascii_alphabetic()) && E164::from_provider(text).is_ok();
    if taken {
        return Ok(());
    }
    Err(ApiError::bad(
        format!("'{text}' is not a handset number"),
        "a number in E.164 with its country calling code, such as +14155552671",
    ))
}

async fn handset_text(
    State(h): State<Handle>,
    Path(phone): Path<String>,
    ApiJson(b): ApiJson<TextBody>,
) -> ApiResult {
    let from = text("the handset number", &phone)?;
    handset_number(from)?;
    let to = text("to", &b.to)?;
    let body = match (&b.body, b.media.is_empty()) {
        (Some(body), _) if !body.is_empty() || !b.media.is_empty() => message_text("body", body)?,
        (None, false) => message_text("body", "")?,
        _ => {
            return Err(ApiError::bad(
                "a text needs a body or media; this one has neither",
                "{\"to\": \"+14155550100\", \"body\": \"Hi\"}, or \"media\": [URL, ...] (a body may then be empty)",
            ))
        }
    };
    if b.content_type.is_some() && b.media.len() != 1 {
        return Err(ApiError::bad(
            format!(
                "content_type gives the type of one file; media has {}",
                b.media.len()
            ),
            "\"media\": [URL], \"content_type\": \"image/heic\"; or media without content_type",
        ));
    }
    const MEDIA: &str = "media: URLs of the files the handset sends, such as \
                         https://example.com/a.png; content_type: one MIME type, such as image/heic";
    let mut files = Vec::with_capacity(b.media.len());
    for m in &b.media {
        text("a media URL", m)?;
        let file = convsms_sim::InboundMedia::checked(m, b.content_type.as_deref())
            .map_err(|e| ApiError::bad(e.to_string(), MEDIA))?;
        files.push(file);
    }
    // Agents see an image exactly when its type (given, or its URL's) is image/*: the step
    // says which, and refuses the other word. Several files that mix the two are "the files"
    // (agents see each as what it is).
    let images = files.iter().all(convsms_sim::InboundMedia::is_image);
    let typed = files.first().and_then(|f| f.content_type.clone());
    let (one, several) = if images {
        ("image", "images")
    } else {
        ("file", "files")
    };
    let media = match b.media.as_slice() {
        [] => String::new(),
        [u] => match &typed {
            Some(m) => format!(
                " with the {one} {} of type \"{}\"",
                quote(u),
                m.essence_str()
            ),
            None => format!(" with the {one} {}", quote(u)),
        },
        [init @ .., last] => format!(
            " with the {several} {} and {}",
            init.iter().map(|u| quote(u)).collect::<Vec<_>>().join(", "),
            quote(last)
        ),
    };
    step(
        &h,
        format!(
            "When {} texts {}{media} to {}",
            quote(from),
            quote(body),
            quote(to)
        ),
    )
    .await
}

async fn handset_messages(State(h): State<Handle>, Path(phone): Path<String>) -> ApiResult {
    let out = h
        .read(move |r| {
            let sim = &r.world.stack.sim;
            let mut all: Vec<_> = sim
                .messages_to(&phone)
                .into_iter()
                .chain(sim.messages().into_iter().filter(|m| {
                    m.direction == Direction::Inbound && m.from.as_deref() == Some(phone.as_str())
                }))
                .collect();
            all.sort_by(|a, b| a.sid.as_str().cmp(b.sid.as_str()));
            all.into_iter()
                .map(|m| {
                    // The media URLs as the engine's transcript keeps them (its own
                    // attachments for what agents sent, the handset's URLs for what it sent).
                    let media: Vec<String> = r
                        .world
                        .stack
                        .store
                        .read(|tx| tx.audit_messages_with_sid(&m.sid))
                        .unwrap_or_default()
                        .into_iter()
                        .flat_map(|row| row.message.media.into_iter().map(|x| x.url))
                        .collect();
                    json!({
                        "sid": m.sid.to_string(),
                        "direction": if m.direction == Direction::Inbound { "sent" } else { "received" },
                        "from": m.from, "to": m.to, "body": m.body,
                        "num_media": m.num_media, "media": media,
                        "status": m.status.to_string(),
                        "error_code": m.error_code, "error_message": m.error_message,
                        "date_created": m.date_created,
                    })
                })
                .collect::<Vec<_>>()
        })
        .await
        .map_err(ApiError::internal)?;
    Ok(Json(json!({ "result": out })).into_response())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PresenceBody {
    presence: String,
}

async fn agent_presence(
    State(h): State<Handle>,
    Path(agent): Path<String>,
    ApiJson(b): ApiJson<PresenceBody>,
) -> ApiResult {
    let agent = text("the agent", &agent)?;
    let verb = match b.presence.as_str() {
        "available" => "becomes available",
        "away" => "goes away",
        "offline" => "goes offline",
        other => {
            return Err(ApiError::bad(
                format!("'{other}' is not a presence"),
                "presence: available, away or offline",
            ))
        }
    };
    step(&h, format!("When agent {} {verb}", quote(agent))).await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CapacityBody {
    capacity: u32,
}

async fn agent_capacity(
    State(h): State<Handle>,
    Path(agent): Path<String>,
    ApiJson(b): ApiJson<CapacityBody>,
) -> ApiResult {
    let agent = text("the agent", &agent)?;
    step(
        &h,
        format!(
            "When agent {}'s SMS capacity becomes {}",
            quote(agent),
            b.capacity
        ),
    )
    .await
}

async fn agent_inbox(State(h): State<Handle>, Path(agent): Path<String>) -> ApiResult {
    let out = h
        .read(move |r| {
            r.world
                .engine()
                .workspace_inbox(&agent)
                .map_err(|e| e.to_string())?;
            r.world
                .stack
                .store
                .read(|tx| tx.offers_to(&agent))
                .map_err(|e| e.to_string())
        })
        .await
        .map_err(ApiError::internal)?
        .map_err(|e| ApiError::bad(e, "a user_name of an agent"))?;
    Ok(Json(json!({ "result": out })).into_response())
}

async fn agents(State(h): State<Handle>) -> ApiResult {
    let out = h
        .read(|r| r.world.stack.store.read(|tx| tx.agents()))
        .await
        .map_err(ApiError::internal)?
        .map_err(ApiError::internal)?;
    Ok(Json(json!({ "result": out })).into_response())
}

/// Every handset number the simulated Twilio has seen (senders of inbound, recipients of
/// outbound messages), sorted.
async fn handsets(State(h): State<Handle>) -> ApiResult {
    let out = h
        .read(|r| {
            r.world
                .stack
                .sim
                .messages()
                .into_iter()
                .filter_map(|m| match m.direction {
                    Direction::Inbound => m.from,
                    _ => Some(m.to),
                })
                .collect::<std::collections::BTreeSet<String>>()
        })
        .await
        .map_err(ApiError::internal)?;
    Ok(Json(json!({ "result": out })).into_response())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ValidateQuery {
    number: String,
    #[serde(default)]
    region: Option<String>,
}

/// A phone number read as the agent's Compose SMS form reads it (libphonenumber): valid or not,
/// its E.164 form and region, or what is wrong. Writes nothing.
async fn validate_number(ApiQuery(q): ApiQuery<ValidateQuery>) -> ApiResult {
    let region = match q.region.as_deref() {
        None | Some("") => None,
        Some(r) => Some(convsms::domain::phone::Region::parse(r).map_err(|e| {
            ApiError::bad(
                e.to_string(),
                "region: an ISO 3166-1 alpha-2 code such as GB",
            )
        })?),
    };
    let region = region.or_else(|| {
        convsms::domain::phone::Region::parse(convsms::engine::DEFAULT_REGION_CODE).ok()
    });
    Ok(
        Json(json!({ "result": convsms::domain::phone::validation_json(&q.number, region) }))
            .into_response(),
    )
}

async fn agent_offer(
    State(h): State<Handle>,
    Path((agent, number, verdict)): Path<(String, String, String)>,
) -> ApiResult {
    let agent = text("the agent", &agent)?;
    let n = interaction_number(&number)?;
    let verb = match verdict.as_str() {
        "accept" => "accepts",
        "reject" => "rejects",
        other => {
            return Err(ApiError::bad(
                format!("'{other}' is not an answer to an offer"),
                "accept or reject",
            ))
        }
    };
    step(
        &h,
        format!("When agent {} {verb} the work item for {n}", quote(agent)),
    )
    .await
}

async fn agent_ongoing(State(h): State<Handle>, Path(agent): Path<String>) -> ApiResult {
    let out = h
        .read(move |r| {
            r.world
                .engine()
                .ongoing_tab(&agent)
                .map_err(|e| e.to_string())
        })
        .await
        .map_err(ApiError::internal)?
        .map_err(|e| ApiError::bad(e, "a user_name of an agent"))?;
    let rows: Vec<Value> = out
        .iter()
        .map(|o| {
            json!({
                "interaction": o.interaction.to_string(),
                "new_message": o.unread,
                "last_activity_at": o.last_activity_at,
            })
        })
        .collect();
    Ok(Json(json!({ "result": rows })).into_response())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ReplyBody {
    interaction: String,
    body: String,
    #[serde(default)]
    close: bool,
}

async fn agent_reply(
    State(h): State<Handle>,
    Path(agent): Path<String>,
    ApiJson(b): ApiJson<ReplyBody>,
) -> ApiResult {
    let agent = text("the agent", &agent)?;
    let n = interaction_number(&b.interaction)?;
    let body = message_text("body", &b.body)?;
    let tail = if b.close { " and closes" } else { " in" };
    let r = h
        .step(
            format!(
                "When agent {} replies {}{tail} {n}",
                quote(agent),
                quote(body)
            ),
            None,
        )
        .await?;
    if r.refused.is_some() {
        return ran(r);
    }
    // Where the message went: not always `n` (a reply into the virtual agent's conversation
    // closes it and opens one for the agent, AGENT-3).
    let sent = last_send(&h).await?;
    Ok(Json(json!({ "result": r, "sent": sent })).into_response())
}

/// The last send of the world, as compose and reply answers show it: the interaction the
/// message went into, Twilio's refusal, the profile warning.
async fn last_send(h: &Handle) -> Result<Value, ApiError> {
    h.read(|r| {
        r.world.last_send.as_ref().map_or(Value::Null, |s| {
            json!({
                "interaction": s.interaction.to_string(),
                "provider_error": s.refusal(),
                "warning": s.warning,
            })
        })
    })
    .await
    .map_err(ApiError::internal)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CloseBody {
    interaction: String,
}

async fn agent_close(
    State(h): State<Handle>,
    Path(agent): Path<String>,
    ApiJson(b): ApiJson<CloseBody>,
) -> ApiResult {
    let agent = text("the agent", &agent)?;
    let n = interaction_number(&b.interaction)?;
    step(&h, format!("When agent {} closes {n}", quote(agent))).await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TransferBody {
    interaction: String,
    /// The agent (user_name) to transfer to; exactly one of `to_agent` and `to_queue`.
    #[serde(default)]
    to_agent: Option<String>,
    /// The SMS queue (name) to transfer to.
    #[serde(default)]
    to_queue: Option<String>,
}

async fn agent_transfer(
    State(h): State<Handle>,
    Path(agent): Path<String>,
    ApiJson(b): ApiJson<TransferBody>,
) -> ApiResult {
    let agent = text("the agent", &agent)?;
    let n = interaction_number(&b.interaction)?;
    let target = match (&b.to_agent, &b.to_queue) {
        (Some(a), None) => format!("agent {}", quote(text("to_agent", a)?)),
        (None, Some(q)) => format!("queue {}", quote(text("to_queue", q)?)),
        _ => {
            return Err(ApiError::bad(
                "a transfer names one target",
                "either \"to_agent\" (a user_name) or \"to_queue\" (a queue's name)",
            ))
        }
    };
    step(
        &h,
        format!("When agent {} transfers {n} to {target}", quote(agent)),
    )
    .await
}

async fn agent_leave(
    State(h): State<Handle>,
    Path(agent): Path<String>,
    ApiJson(b): ApiJson<CloseBody>,
) -> ApiResult {
    let agent = text("the agent", &agent)?;
    let n = interaction_number(&b.interaction)?;
    step(&h, format!("When agent {} leaves {n}", quote(agent))).await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ComposeBody {
    /// Send this text; without it, the form is opened and shown.
    #[serde(default)]
    body: Option<String>,
    #[serde(default)]
    interaction: Option<String>,
    #[serde(default)]
    from: Option<String>,
    #[serde(default)]
    to: Option<String>,
    /// The requester composed for: `{"table": "consumer", "name": "Bea Brown"}`.
    #[serde(default, rename = "for")]
    for_requester: Option<RequesterRef>,
}

/// A requester record by table and name.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RequesterRef {
    table: String,
    name: String,
}

impl RequesterRef {
    /// The words of a `{requester}`: ` for consumer "Bea Brown"`.
    fn words(&self) -> Result<String, ApiError> {
        let table = match self.table.as_str() {
            "sys_user" | "user" => "sys_user",
            "csm_consumer" | "consumer" => "consumer",
            "customer_contact" | "contact" => "customer contact",
            other => {
                return Err(ApiError::bad(
                    format!("'{other}' is not a requester table"),
                    "table: sys_user, consumer (csm_consumer) or contact (customer_contact)",
                ))
            }
        };
        if self.name.trim().is_empty() {
            return Err(ApiError::bad(
                "the name is empty",
                "name: the requester's name, such as Bea Brown",
            ));
        }
        Ok(format!("{table} {}", quote(text("name", &self.name)?)))
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RelinkBody {
    /// The record the agent verified: `{"table": "sys_user", "name": "Ada Lovelace"}`.
    to: RequesterRef,
}

/// An agent verified who is texting and re-links the interaction and its messaging profile to
/// that record (seed 002, PROFILE-4).
async fn interaction_relink(
    State(h): State<Handle>,
    Path(number): Path<String>,
    ApiJson(b): ApiJson<RelinkBody>,
) -> ApiResult {
    let n = interaction_number(&number)?;
    step(
        &h,
        format!(
            "When the agent re-links interaction {n} to {}",
            b.to.words()?
        ),
    )
    .await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CaseStateBody {
    /// The case's new state, for example `resolved`.
    state: String,
}

/// A case changes state on the instance: its contact is texted the update when they opted in
/// to SMS updates (seed 003).
async fn case_state(
    State(h): State<Handle>,
    Path(number): Path<String>,
    ApiJson(b): ApiJson<CaseStateBody>,
) -> ApiResult {
    let number = text("the case number", &number)?;
    if b.state.trim().is_empty() {
        return Err(ApiError::bad(
            "the state is empty",
            "state: the case's new state, such as resolved",
        ));
    }
    step(
        &h,
        format!(
            "When case {} changes to state {}",
            quote(number),
            quote(text("state", &b.state)?)
        ),
    )
    .await
}

async fn agent_compose(
    State(h): State<Handle>,
    Path(agent): Path<String>,
    ApiJson(b): ApiJson<ComposeBody>,
) -> ApiResult {
    let agent = quote(text("the agent", &agent)?);
    let on = match &b.interaction {
        Some(n) => format!(" on interaction {}", interaction_number(n)?),
        None => String::new(),
    };
    let for_words = match &b.for_requester {
        Some(r) => format!(" for {}", r.words()?),
        None => String::new(),
    };
    let Some(body) = &b.body else {
        if b.from.is_some() || b.to.is_some() {
            return Err(ApiError::bad(
                "\"from\" and \"to\" are for a send",
                "a \"body\" to send; without one, the form opens (on an interaction or for a requester)",
            ));
        }
        let r = h
            .step(
                format!("When agent {agent} opens Compose SMS{on}{for_words}"),
                None,
            )
            .await?;
        let form = h
            .read(|r| {
                r.world.last_form.as_ref().map(|f| {
                    json!({
                        "from_choices": f.from_choices.iter().map(ToString::to_string).collect::<Vec<_>>(),
                        "from": f.from.as_ref().map(ToString::to_string),
                        "to": f.to.as_ref().map(ToString::to_string),
                        "ongoing": f.ongoing.as_ref().map(ToString::to_string),
                    })
                })
            })
            .await
            .map_err(ApiError::internal)?;
        return Ok(Json(json!({ "result": r, "form": form })).into_response());
    };
    let mut sentence = format!(
        "When agent {agent} composes {}{on}",
        quote(message_text("body", body)?)
    );
    if let Some(from) = &b.from {
        sentence.push_str(&format!(" from {}", quote(text("from", from)?)));
    }
    if let Some(to) = &b.to {
        sentence.push_str(&format!(" to {}", quote(text("to", to)?)));
    }
    sentence.push_str(&for_words);
    let r = h.step(sentence, None).await?;
    if r.refused.is_some() {
        return ran(r);
    }
    let sent = last_send(&h).await?;
    Ok(Json(json!({ "result": r, "sent": sent })).into_response())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PersonBody {
    table: String,
    name: String,
    #[serde(default)]
    mobile_phone: Option<String>,
    #[serde(default)]
    country: Option<String>,
}

/// A requester record: sys_user, consumer or contact, with a mobile phone (national numbers are
/// read in `country`) or none.
async fn setup_person(State(h): State<Handle>, ApiJson(b): ApiJson<PersonBody>) -> ApiResult {
    let who = RequesterRef {
        table: b.table,
        name: b.name,
    }
    .words()?;
    let phone = match &b.mobile_phone {
        Some(p) => format!(" with mobile phone {}", quote(text("mobile_phone", p)?)),
        None => " with no mobile phone".to_owned(),
    };
    let country = match &b.country {
        Some(c) => format!(" located in {}", quote(text("country", c)?)),
        None => String::new(),
    };
    step(&h, format!("Given a {who}{phone}{country}")).await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AgentBody {
    user_name: String,
    #[serde(default)]
    available: bool,
}

/// An agent (a sys_user with the agent_workspace_user role), available for SMS or not.
async fn setup_agent(State(h): State<Handle>, ApiJson(b): ApiJson<AgentBody>) -> ApiResult {
    let name = quote(text("user_name", &b.user_name)?);
    let tail = if b.available {
        " who is available for SMS"
    } else {
        ""
    };
    step(&h, format!("Given an agent {name}{tail}")).await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NumberBody {
    number: String,
}

/// An administrator adds a Conversational SMS provider number (refused when it is not a valid
/// number or belongs to another integration).
async fn setup_provider_number(
    State(h): State<Handle>,
    ApiJson(b): ApiJson<NumberBody>,
) -> ApiResult {
    let n = quote(text("number", &b.number)?);
    step(
        &h,
        format!("When an administrator adds {n} as a Conversational SMS provider number"),
    )
    .await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PropertyBody {
    value: String,
}

/// A system property (`glide.phone_number.default_region`, …).
async fn setup_property(
    State(h): State<Handle>,
    Path(name): Path<String>,
    ApiJson(b): ApiJson<PropertyBody>,
) -> ApiResult {
    let name = quote(text("the property name", &name)?);
    let value = quote(text("value", &b.value)?);
    step(&h, format!("Given the property {name} is {value}")).await
}

/// Loads every topic file of the topic folder again, each as the administrator's step (a load
/// error names the file and the node).
async fn topics_reload(State(h): State<Handle>) -> ApiResult {
    let Some(dir) = crate::check::topics::topic_sources().dir.clone() else {
        return Err(ApiError::bad(
            "convsms serve answers with the built-in topics (there was no topics/ folder): there \
             is no folder to reload"
                .to_owned(),
            "convsms serve started with --topics DIR, or in a folder with a topics/ folder",
        ));
    };
    let files = crate::check::topics::TopicSources::read(&dir)
        .map(|s| s.files)
        .map_err(|e| {
            ApiError::bad(
                format!("reading the topic folder {}: {e}", dir.display()),
                "a readable folder of *.toml topic files (--topics)",
            )
        })?;
    // All or nothing: each file's load is checked against the world's topics as it would run,
    // before any file is loaded (a trigger moved from a later file to an earlier one is refused
    // here, not halfway).
    let check = files.clone();
    let checked = h
        .read(move |r| {
            r.world
                .check_topic_files(&check)
                .map_err(|e| format!("{e:#}"))
        })
        .await
        .map_err(ApiError::internal)?;
    if let Err(e) = checked {
        return Err(ApiError::bad(
            e,
            "topic files the loader accepts, each in turn (docs/topics.md); nothing was loaded",
        ));
    }
    let mut loaded = vec![];
    for (file, text) in files {
        let r = h
            .step(
                format!(
                    "When an administrator loads the topic file {}:",
                    quote(&file)
                ),
                Some(text),
            )
            .await?;
        if let Some(e) = &r.refused {
            // Checked above; only a change between the check and the load gets here.
            return Err(ApiError::bad(
                e.clone(),
                "a topic file the loader accepts (docs/topics.md); the files before it are loaded",
            ));
        }
        loaded.push(file);
    }
    Ok(Json(json!({ "result": { "loaded": loaded } })).into_response())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ValidateBody {
    to: String,
    #[serde(rename = "for")]
    for_requester: RequesterRef,
}

/// Before a send: the Compose SMS form's check of the To number's messaging profile for the
/// requester (`/api/now/initiate_message/validate_profile`), with the warning the agent would see
/// (`"currently associated with consumer Ann Archer"`).
async fn agent_compose_validate(
    State(h): State<Handle>,
    Path(agent): Path<String>,
    ApiJson(b): ApiJson<ValidateBody>,
) -> ApiResult {
    text("the agent", &agent)?;
    let to = text("to", &b.to)?;
    let r = h
        .step(
            format!(
                "When the agent validates the profile of {} for {}",
                quote(to),
                b.for_requester.words()?
            ),
            None,
        )
        .await?;
    let answer = h
        .read(|r| {
            r.world
                .last_http
                .as_ref()
                .and_then(|a| serde_json::from_str::<Value>(&a.body).ok())
        })
        .await
        .map_err(ApiError::internal)?;
    if r.refused.is_some() {
        return ran(r);
    }
    Ok(Json(json!({ "result": r, "validation": answer })).into_response())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CaseCardBody {
    case: String,
    interaction: String,
}

async fn agent_case_card(
    State(h): State<Handle>,
    Path(agent): Path<String>,
    ApiJson(b): ApiJson<CaseCardBody>,
) -> ApiResult {
    let agent = text("the agent", &agent)?;
    let n = interaction_number(&b.interaction)?;
    let case = text("case", &b.case)?;
    step(
        &h,
        format!(
            "When agent {} sends the card of case {} on interaction {n}",
            quote(agent),
            quote(case)
        ),
    )
    .await
}

async fn time_now(State(h): State<Handle>) -> ApiResult {
    let now = h.read(|r| r.now()).await.map_err(ApiError::internal)?;
    Ok(Json(json!({ "result": { "now": now } })).into_response())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AdvanceBody {
    /// A duration (`90s`, `5m`, `2h`, `3d`, `1h 30m`).
    #[serde(default)]
    by: Option<String>,
    /// `next_timer`: to the engine's next scheduled work (a messaging-action timer, an idle
    /// close, an offer's expiry or a send's retry); or a moment in UTC, `2026-01-07 09:30:00`,
    /// or a time of day, `17:30:00` (its next occurrence). A moment already past is refused.
    #[serde(default)]
    to: Option<String>,
}

async fn time_advance(State(h): State<Handle>, ApiJson(b): ApiJson<AdvanceBody>) -> ApiResult {
    let sentence =
        match (b.by.as_deref(), b.to.as_deref()) {
            (Some(by), None) => {
                if by.trim_start().starts_with('-') {
                    return Err(ApiError::bad(
                        format!("'{by}' would move the clock back; time only moves forward"),
                        "by: a duration such as 90s, 5m, 2h, 3d or 1h 30m",
                    ));
                }
                let d = humantime::parse_duration(by).map_err(|e| {
                    ApiError::bad(
                        format!("'{by}' is not a duration: {e}"),
                        "by: a duration such as 90s, 5m, 2h, 3d or 1h 30m",
                    )
                })?;
                export::passes(d.as_secs() as i64).ok_or_else(|| {
                    ApiError::bad(
                        format!("'{by}' is less than a second"),
                        "by: at least one second",
                    )
                })?
            }
            (None, Some("next_timer")) => "When time advances to the next timer".to_owned(),
            (None, Some(moment)) => match moment.parse::<At>() {
                Ok(at) => format!("When time advances to \"{at}\""),
                Err(e) => return Err(ApiError::bad(
                    format!("to '{moment}' is no point in time this API knows: {e}"),
                    "{\"to\": \"next_timer\"} (the engine's next scheduled work), {\"to\": \"2026-01-07 09:30:00\"} \
                     or {\"to\": \"17:30:00\"} (UTC; a time of day is its next occurrence), or {\"by\": \"5m\"}",
                )),
            },
            _ => {
                return Err(ApiError::bad(
                    "give either \"by\" or \"to\"",
                    "{\"by\": \"5m\"}, {\"to\": \"next_timer\"} or {\"to\": \"2026-01-07 09:30:00\"}",
                ))
            }
        };
    step(&h, sentence).await
}

fn interaction_json(r: &super::runner::Runner, i: &convsms::domain::model::Interaction) -> Value {
    let assigned = match &i.handler {
        Handler::Queue => None,
        Handler::VirtualAgent => Some("virtual.agent".to_owned()),
        Handler::Agent(a) => r.world.store().read(|tx| tx.user_name(a)).ok().flatten(),
    };
    let (table, id) = (i.opened_for.0, i.opened_for.1.as_str());
    let requester = r
        .world
        .store()
        .read(|tx| tx.party(table, id))
        .ok()
        .flatten();
    json!({
        "number": i.number.to_string(),
        "state": i.state.as_str(),
        "active": i.active,
        "assigned_to": assigned,
        // Whom it is opened for: `{"table": "sys_user", "name": "Ada Lovelace"}` (the guest
        // user's name for an unknown number), as a re-link changes it.
        "opened_for": { "table": table.as_str(), "name": requester.map(|p| p.name) },
        "requester_phone": i.requester_phone.as_ref().map(ToString::to_string),
        "provider_phone": i.provider_phone.as_ref().map(ToString::to_string),
        "opened_at": i.opened_at,
    })
}

async fn interactions(State(h): State<Handle>) -> ApiResult {
    let out = h
        .read(|r| {
            r.world.store().read(|tx| tx.interactions()).map(|all| {
                all.iter()
                    .map(|i| interaction_json(r, i))
                    .collect::<Vec<_>>()
            })
        })
        .await
        .map_err(ApiError::internal)?
        .map_err(ApiError::internal)?;
    Ok(Json(json!({ "result": out })).into_response())
}

async fn interaction(State(h): State<Handle>, Path(number): Path<String>) -> ApiResult {
    let n = interaction_number(&number)?;
    let out = h
        .read(move |r| {
            let i = r.world.store().read(|tx| tx.interaction(&n))?;
            let Some(i) = i else { return Ok(None) };
            let mut v = interaction_json(r, &i);
            v["transcript"] = json!(convsms::transcript::render(r.world.store(), &n)?);
            let messages = r.world.store().read(|tx| tx.transcript(&i.sys_id))?;
            v["messages"] = json!(messages
                .iter()
                .map(|m| json!({
                    "seq": m.seq,
                    "direction": m.direction.as_str(),
                    "author_kind": m.author_kind.as_str(),
                    "author": m.author,
                    "body": m.body,
                    "media": m.media.iter().map(|x| &x.url).collect::<Vec<_>>(),
                    "message_sid": m.provider_sid.as_ref().map(ToString::to_string),
                    "status": m.status.as_str(),
                    "error_code": m.error_code,
                    "error_message": m.error_message,
                    "created_at": m.created_at,
                }))
                .collect::<Vec<_>>());
            Ok::<_, anyhow::Error>(Some(v))
        })
        .await
        .map_err(ApiError::internal)?
        .map_err(ApiError::internal)?
        .ok_or_else(|| ApiError::not_found(format!("no interaction {number}")))?;
    Ok(Json(json!({ "result": out })).into_response())
}

async fn transcript(State(h): State<Handle>, Path(number): Path<String>) -> ApiResult {
    let n = interaction_number(&number)?;
    let text = h
        .read(move |r| convsms::transcript::render(r.world.store(), &n).map_err(|e| e.to_string()))
        .await
        .map_err(ApiError::internal)?
        .map_err(ApiError::not_found)?;
    Ok(([(header::CONTENT_TYPE, "text/plain; charset=utf-8")], text).into_response())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TimelineQuery {
    #[serde(default)]
    limit: Option<i64>,
}

async fn timeline_read(State(h): State<Handle>, ApiQuery(q): ApiQuery<TimelineQuery>) -> ApiResult {
    let limit = q.limit.unwrap_or(200);
    if !(1..=10_000).contains(&limit) {
        return Err(ApiError::bad(
            format!("limit {limit} is out of range"),
            "limit: how many of the latest entries, 1 to 10000 (200 when left out)",
        ));
    }
    let out = h
        .read(move |r| timeline::read(&r.world.stack.store, limit))
        .await
        .map_err(ApiError::internal)?
        .map_err(ApiError::internal)?;
    Ok(Json(json!({ "result": out })).into_response())
}

async fn events(
    State(h): State<Handle>,
) -> Sse<impl futures::Stream<Item = Result<Event, Infallible>>> {
    let rx = h.notices.subscribe();
    let stream = futures::stream::unfold(rx, |mut rx| async move {
        let e = match rx.recv().await {
            Ok(n) => Event::default()
                .event(n.kind)
                .json_data(&n.data)
                .unwrap_or_default(),
            Err(tokio::sync::broadcast::error::RecvError::Lagged(k)) => {
                Event::default().event("lagged").data(k.to_string())
            }
            Err(tokio::sync::broadcast::error::RecvError::Closed) => return None,
        };
        Some((Ok(e), rx))
    });
    Sse::new(stream).keep_alive(KeepAlive::default())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TableQuery {
    #[serde(default)]
    sysparm_query: Option<String>,
    #[serde(default)]
    sysparm_fields: Option<String>,
    #[serde(default)]
    sysparm_limit: Option<usize>,
    #[serde(default)]
    sysparm_offset: Option<usize>,
}

/// ServiceNow's Table API, read-only: `{"result": [...]}`, each record's fields as strings.
async fn table(
    State(h): State<Handle>,
    Path(name): Path<String>,
    ApiQuery(q): ApiQuery<TableQuery>,
) -> ApiResult {
    let query = match q.sysparm_query.as_deref() {
        None | Some("") => None,
        Some(text) => Some(EncodedQuery::parse(text).map_err(|e| {
            ApiError::bad(
                format!("sysparm_query: {e}"),
                "an encoded query such as active=true^stateINnew,work_in_progress",
            )
        })?),
    };
    let fields: Option<Vec<String>> = q.sysparm_fields.as_deref().map(|f| {
        f.split(',')
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty())
            .collect()
    });
    let limit = q.sysparm_limit.unwrap_or(10_000);
    let offset = q.sysparm_offset.unwrap_or(0);
    let table_name = name.clone();
    let (rows, names) = h
        .read(move |r| {
            r.world.stack.store.read(|tx| {
                Ok::<_, rusqlite::Error>((tx.table_records(&table_name)?, tx.table_names()?))
            })
        })
        .await
        .map_err(ApiError::internal)?
        .map_err(ApiError::internal)?;
    let Some(rows) = rows else {
        return Err(ApiError {
            status: StatusCode::NOT_FOUND,
            message: format!("Invalid table {name}"),
            detail: format!("one of: {}", names.join(", ")),
        });
    };
    let result: Vec<Value> = rows
        .into_iter()
        .filter(|rec| query.as_ref().is_none_or(|q| q.eval(rec)))
        .skip(offset)
        .take(limit)
        .map(|rec| match &fields {
            None => json!(rec),
            Some(f) => json!(f
                .iter()
                .filter_map(|k| rec.get(k).map(|v| (k.clone(), Value::String(v.clone()))))
                .collect::<serde_json::Map<String, Value>>()),
        })
        .collect();
    Ok(Json(json!({ "result": result })).into_response())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ExportQuery {
    #[serde(default)]
    name: Option<String>,
}

async fn export_feature(State(h): State<Handle>, ApiQuery(q): ApiQuery<ExportQuery>) -> ApiResult {
    let text = h
        .read(move |r| export::feature(r, q.name.as_deref()).map_err(|e| e.to_string()))
        .await
        .map_err(ApiError::internal)?
        .map_err(|e| ApiError::bad(e, "name: one line"))?;
    Ok(([(header::CONTENT_TYPE, "text/plain; charset=utf-8")], text).into_response())
}

async fn export_mark(State(h): State<Handle>) -> ApiResult {
    let seq = h
        .read(|r| {
            r.world.stack.store.write(|tx| {
                let last = tx.journal_last()?;
                tx.set_serve_state("mark", &last.to_string())?;
                Ok::<_, rusqlite::Error>(last)
            })
        })
        .await
        .map_err(ApiError::internal)?
        .map_err(ApiError::internal)?;
    Ok(Json(json!({ "result": { "mark": seq } })).into_response())
}
