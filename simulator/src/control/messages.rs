//! `GET /_sim/messages` (paged), `POST /_sim/inbound`, `POST /_sim/sms_url` and `POST /_sim/reset` (see
//! the table in [`super`]).

use std::sync::Arc;

use axum::extract::{FromRequest, Request, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use twilio_wire::loopback::media_type;
use twilio_wire::sid::MessageSid;

use super::{body_bytes, e164, error, ControlError, ControlJson, NoFields, FORM};
use crate::stored::{Shown, StoredMessage};
use crate::{handsets, Core, SimError};

/// The routes of this module.
pub(super) fn router() -> Router<Arc<Core>> {
    Router::new()
        .route("/_sim/messages", get(list_messages))
        .route("/_sim/inbound", post(inbound))
        .route("/_sim/sms_url", post(sms_url))
        .route("/_sim/reset", post(reset))
}

impl crate::Simulator {
    /// Returns the simulator to its start-up state, keeping the account's configuration (numbers
    /// and their settings, SMS URL, API keys, Messaging Services, whose sticky senders start over):
    /// no messages (SIDs start again at 1), no media, no opt-out blocks, no pending callbacks, an
    /// empty debugger log and no faults (see `POST /_sim/reset`).
    pub fn reset(&self) {
        reset_core(&self.core);
    }
}

fn reset_core(core: &Core) {
    core.state().reset();
    core.api_faults.clear();
    core.api_faults.reseed(0);
    core.list_faults.clear();
    core.list_faults.reseed(0);
    // The old store is dropped by now; without this the process stays at its high-water mark.
    crate::memory::give_back();
}

async fn reset(
    State(core): State<Arc<Core>>,
    ControlJson(NoFields): ControlJson<NoFields>,
) -> StatusCode {
    reset_core(&core);
    StatusCode::NO_CONTENT
}

/// Messages per answer of `GET /_sim/messages` when `limit` is not given.
pub(crate) const DEFAULT_LIMIT: usize = 1000;
/// The largest `limit` of `GET /_sim/messages`.
pub(crate) const MAX_LIMIT: usize = 10_000;

/// One answer of `GET /_sim/messages`.
#[derive(Debug, Serialize)]
struct MessagesPage<'a> {
    /// The messages, oldest first, each marked whether Twilio itself sent it.
    messages: Vec<LoggedMessage<'a>>,
    /// The path of the next answer (`/_sim/messages?…&after=SID&limit=N`), `null` after the last.
    next: Option<String>,
}

/// The query of `GET /_sim/messages`: `to`, `after` and `limit`, each at most once.
#[derive(Debug, PartialEq, Eq)]
struct MessagesQuery {
    to: Option<String>,
    after: u64,
    limit: usize,
}

impl MessagesQuery {
    /// Reads `query` (form-encoded; a `+` that was not percent-encoded arrives as a space and a
    /// leading space of `to` is read back as `+`).
    ///
    /// # Errors
    /// The reason, naming the parameter and what was expected: an unknown parameter, a
    /// repeated one, `to` not a phone number, `after` not a message SID, `limit` not an integer
    /// in 1..=10000.
    fn parse(query: Option<&str>) -> Result<MessagesQuery, String> {
        let mut q = MessagesQuery {
            to: None,
            after: 0,
            limit: DEFAULT_LIMIT,
        };
        let mut seen: Vec<String> = Vec::new();
        for (name, value) in form_urlencoded::parse(query.unwrap_or("").as_bytes()) {
            if seen.iter().any(|n| *n == name) {
                return Err(format!("'{name}' is given twice; give it once"));
            }
            seen.push(name.to_string());
            match name.as_ref() {
                "to" => {
                    let to = match value.strip_prefix(' ') {
                        Some(rest) => format!("+{rest}"),
                        None => value.into_owned(),
                    };
                    if crate::numbers::to_e164(&to).is_none() {
                        return Err(format!(
                            "to '{to}' is not a valid phone number; expected E.164: '+', the \
                             country code and the number, for example +14155552671"
                        ));
                    }
                    q.to = Some(to);
                }
                "after" => {
                    let sid = MessageSid::parse(&value).map_err(|_| {
                        format!(
                            "after '{value}' is not a message SID; expected SM or MM followed by \
                             32 hexadecimal digits, the last SID of the previous answer"
                        )
                    })?;
                    // Every SID the simulator hands out fits; a larger one is past them all.
                    q.after = u64::try_from(sid.number()).unwrap_or(u64::MAX);
                }
                "limit" => {
                    q.limit = value
                        .parse::<usize>()
                        .ok()
                        .filter(|n| (1..=MAX_LIMIT).contains(n))
                        .ok_or_else(|| {
                            format!(
                                "limit '{value}' is not a number of messages from 1 to {MAX_LIMIT}"
                            )
                        })?;
                }
                other => {
                    return Err(format!(
                        "unknown parameter '{other}'; expected to, after and limit"
                    ))
                }
            }
        }
        Ok(q)
    }

    /// The path of the answer after the one that ended with message `last`.
    fn next(&self, last: &MessageSid) -> String {
        let mut query = form_urlencoded::Serializer::new(String::new());
        if let Some(to) = &self.to {
            query.append_pair("to", to);
        }
        query
            .append_pair("after", last.as_str())
            .append_pair("limit", &self.limit.to_string());
        format!("/_sim/messages?{}", query.finish())
    }
}

/// One entry of `GET /_sim/messages`: the Message resource, and whether Twilio itself sent it
/// (an auto-reply of `optout`, to a keyword or to a text for a number with no SMS URL: not one of
/// the account's messages).
#[derive(Clone, Copy, Debug, Serialize)]
struct LoggedMessage<'a> {
    #[serde(flatten)]
    message: Shown<'a>,
    twilio_reply: bool,
}

/// `GET /_sim/messages[?to=E164][&after=SID][&limit=N]`: see the table in [`super`]. The
/// account's retained messages and Twilio's retained auto-replies (marked `twilio_reply`),
/// merged by SID counter. Under the state lock it only picks the page's messages (shared
/// pointers); serialising happens after.
async fn list_messages(State(core): State<Arc<Core>>, uri: axum::http::Uri) -> Response {
    let query = match MessagesQuery::parse(uri.query()) {
        Ok(q) => q,
        Err(e) => {
            return (
                StatusCode::BAD_REQUEST,
                Json(serde_json::json!({ "error": e })),
            )
                .into_response()
        }
    };
    let (page, more) = {
        let state = core.state();
        let (page, more) = state.messages_page(query.to.as_deref(), query.after, query.limit);
        let page: Vec<(Arc<StoredMessage>, bool)> = page
            .into_iter()
            .map(|m| {
                let twilio_reply = state.optout.auto_replies.iter().any(|r| r.sid == m.sid);
                (m, twilio_reply)
            })
            .collect();
        (page, more)
    };
    let next = more
        .then(|| page.last().map(|(m, _)| query.next(&m.sid)))
        .flatten();
    let messages = page
        .iter()
        .map(|(m, twilio_reply)| LoggedMessage {
            message: m.shown(&core.account_sid, false),
            twilio_reply: *twilio_reply,
        })
        .collect();
    Json(MessagesPage { messages, next }).into_response()
}

/// The body of `POST /_sim/inbound`: JSON `{"from", "to", "body"?, "media_urls"?}` or with
/// `"media": [{"url", "content_type"?}]` in place of `media_urls`, or a Twilio-style form
/// `From=…&To=…&Body=…&MediaUrl=…&MediaContentType=…` (`MediaUrl` repeated, and
/// `MediaContentType` once for each or not at all).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct InboundRequest {
    from: String,
    to: String,
    #[serde(default)]
    body: String,
    #[serde(default)]
    media_urls: Vec<String>,
    #[serde(default)]
    media: Vec<MediaRequest>,
}

/// One file of `"media"`: its URL and, when the handset says, its MIME type.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct MediaRequest {
    url: String,
    #[serde(default)]
    content_type: Option<String>,
}

impl InboundRequest {
    /// The media, each checked ([`crate::InboundMedia::checked`]).
    ///
    /// # Errors
    /// Both `media_urls` and `media` given, a URL that is not an absolute http(s) URL, or a
    /// type that is not one MIME type.
    fn media(&self) -> Result<Vec<crate::InboundMedia>, ControlError> {
        if !self.media_urls.is_empty() && !self.media.is_empty() {
            return Err(error(
                StatusCode::BAD_REQUEST,
                "give media_urls or media, not both; expected \"media_urls\": [url, …] or \
                 \"media\": [{\"url\", \"content_type\"}, …]",
            ));
        }
        let urls = self.media_urls.iter().map(|u| (u.as_str(), None));
        let typed = self
            .media
            .iter()
            .map(|m| (m.url.as_str(), m.content_type.as_deref()));
        urls.chain(typed)
            .map(|(url, t)| {
                crate::InboundMedia::checked(url, t)
                    .map_err(|e| error(StatusCode::BAD_REQUEST, e.to_string()))
            })
            .collect()
    }
}

impl FromRequest<Arc<Core>> for InboundRequest {
    type Rejection = ControlError;

    async fn from_request(request: Request, core: &Arc<Core>) -> Result<Self, ControlError> {
        let is_form = request
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|ct| media_type(ct) == FORM);
        if !is_form {
            return ControlJson::from_request(request, core)
                .await
                .map(|ControlJson(req)| req);
        }
        let bytes = body_bytes(request, core).await?;
        let mut req = InboundRequest {
            from: String::new(),
            to: String::new(),
            body: String::new(),
            media_urls: Vec::new(),
            media: Vec::new(),
        };
        let mut types = Vec::new();
        for (name, value) in form_urlencoded::parse(&bytes) {
            match name.as_ref() {
                "From" => req.from = value.into_owned(),
                "To" => req.to = value.into_owned(),
                "Body" => req.body = value.into_owned(),
                "MediaUrl" => req.media_urls.push(value.into_owned()),
                "MediaContentType" => types.push(value.into_owned()),
                other => {
                    return Err(error(
                        StatusCode::BAD_REQUEST,
                        format!(
                            "unknown form parameter '{}'; expected From, To, Body, MediaUrl \
                             (repeatable) and MediaContentType (one for each MediaUrl, in order)",
                            super::shortened(other)
                        ),
                    ))
                }
            }
        }
        if !types.is_empty() {
            if types.len() != req.media_urls.len() {
                return Err(error(
                    StatusCode::BAD_REQUEST,
                    format!(
                        "the form has {} MediaContentType for {} MediaUrl; expected one for \
                         each, in order, or none",
                        types.len(),
                        req.media_urls.len()
                    ),
                ));
            }
            req.media = std::mem::take(&mut req.media_urls)
                .into_iter()
                .zip(types)
                .map(|(url, t)| MediaRequest {
                    url,
                    content_type: Some(t),
                })
                .collect();
        }
        for (name, value) in [("From", &req.from), ("To", &req.to)] {
            if value.is_empty() {
                return Err(error(
                    StatusCode::BAD_REQUEST,
                    format!("the form has no {name}; expected From=+1…&To=+1…&Body=…"),
                ));
            }
        }
        Ok(req)
    }
}

async fn inbound(
    State(core): State<Arc<Core>>,
    req: InboundRequest,
) -> Result<Response, ControlError> {
    let from = e164("from", &req.from)?;
    let to = e164("to", &req.to)?;
    let media = req.media()?;
    match handsets::send_inbound(&core, &from, &to, &req.body, &media).await {
        Ok(delivery) => Ok(Json(delivery).into_response()),
        // The handset's message is recorded (as Twilio records one whose webhook failed, with
        // error 11200 in the debugger): the answer names it.
        Err(
            ref e @ (SimError::Webhook { ref sid, .. } | SimError::WebhookTimeout { ref sid, .. }),
        ) => {
            let status = match e {
                SimError::Webhook { .. } => StatusCode::BAD_GATEWAY,
                _ => StatusCode::GATEWAY_TIMEOUT,
            };
            let body = serde_json::json!({ "error": e.to_string(), "sid": sid });
            Ok((status, Json(body)).into_response())
        }
        Err(e) => {
            let status = match e {
                SimError::NotAccountNumber(_)
                | SimError::NotSmsCapable(_)
                | SimError::UnknownInbound(_) => StatusCode::BAD_REQUEST,
                _ => StatusCode::INTERNAL_SERVER_ERROR,
            };
            Err(error(status, e.to_string()))
        }
    }
}

/// The body of `POST /_sim/sms_url` (and its answer).
#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
struct SmsUrlRequest {
    url: String,
}

async fn sms_url(
    State(core): State<Arc<Core>>,
    ControlJson(req): ControlJson<SmsUrlRequest>,
) -> Result<Json<SmsUrlRequest>, ControlError> {
    let usable = url::Url::parse(&req.url)
        .is_ok_and(|u| matches!(u.scheme(), "http" | "https") && u.host().is_some());
    if !usable {
        return Err(error(
            StatusCode::BAD_REQUEST,
            format!(
                "url '{}' is not an absolute http(s) URL; expected for example \
                 http://127.0.0.1:8080/sms/inbound",
                super::shortened(&req.url)
            ),
        ));
    }
    core.state().set_sms_url(&req.url);
    Ok(Json(req))
}

#[cfg(test)]
mod tests {
    use crate::test_support::*;
    use crate::InboundDelivery;
    use serde_json::{json, Value};
    use twilio_wire::message::Message;

    const SHOP: &str = "+14155550100";
    const HANDSET: &str = "+14155552671";

    /// `POST /_sim/inbound` of the handset's "hi" to the shop, as JSON.
    async fn text_hi(sim: &crate::Simulator) -> reqwest::Response {
        reqwest::Client::new()
            .post(format!("{}/_sim/inbound", sim.base_url()))
            .json(&json!({"from": HANDSET, "to": SHOP, "body": "hi"}))
            .send()
            .await
            .unwrap()
    }

    /// Asserts a 400 whose error says `why`.
    async fn assert_refused(resp: reqwest::Response, why: &str) {
        assert_eq!(resp.status(), 400, "{why}");
        let v: Value = resp.json().await.unwrap();
        assert!(v["error"].as_str().unwrap().contains(why), "{why}: {v}");
    }

    /// `POST /_sim/inbound` of the Twilio-style form `body`.
    async fn inbound_form(
        sim: &crate::Simulator,
        body: &'static str,
    ) -> reqwest::Result<reqwest::Response> {
        reqwest::Client::new()
            .post(format!("{}/_sim/inbound", sim.base_url()))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .body(body)
            .send()
            .await
    }

    /// With no SMS URL the text is recorded and posted nowhere: 200 with the SID alone.
    #[tokio::test]
    async fn inbound_without_an_sms_url_answers_the_sid_alone() {
        let sim = start_sim(&[SHOP]).await;
        let resp = text_hi(&sim).await;
        assert_eq!(resp.status(), 200);
        let v: Value = resp.json().await.unwrap();
        assert_eq!(v, json!({"sid": "SM00000000000000000000000000000001"}));
        let d: InboundDelivery = serde_json::from_value(v).unwrap();
        assert_eq!(d.answer, None);
        // Twilio's default reply is logged as Twilio's, not the account's, with the next SID.
        let page = get_page(&sim, "?to=%2B14155552671").await;
        assert_eq!(page["messages"].as_array().unwrap().len(), 1, "{page}");
        assert_eq!(page["messages"][0]["twilio_reply"], true, "{page}");
        assert_eq!(
            page["messages"][0]["sid"],
            "SM00000000000000000000000000000002"
        );
        // Read back strictly: half an answer is not "no answer".
        let sid = "SM00000000000000000000000000000001";
        for (json, why) in [
            (
                json!({"sid": sid, "http_status": 200}),
                "`http_status` without `body`",
            ),
            (
                json!({"sid": sid, "http_status": 200, "body": null}),
                "`http_status` without `body`",
            ),
            (
                json!({"sid": sid, "body": "<Response/>"}),
                "`body` without `http_status`",
            ),
            (json!({"sid": sid, "status": 200}), "unknown field `status`"),
        ] {
            let err = serde_json::from_value::<InboundDelivery>(json.clone()).unwrap_err();
            assert!(err.to_string().contains(why), "{json}: {err}");
        }
        let answered = json!({"sid": sid, "http_status": 200, "body": ""});
        let d: InboundDelivery = serde_json::from_value(answered.clone()).unwrap();
        assert_eq!(serde_json::to_value(&d).unwrap(), answered);
    }

    #[tokio::test]
    async fn inbound_then_list_over_http() {
        let app = start_receiver(200, "<Response/>").await;
        let sim = start_sim(&[SHOP]).await;
        sim.set_sms_url(&format!("{}/sms", app.base));

        let resp = text_hi(&sim).await;
        assert_eq!(resp.status(), 200);
        let d: InboundDelivery = resp.json().await.unwrap();
        assert_eq!(d.sid.as_str(), "SM00000000000000000000000000000001");
        assert_eq!(
            (d.http_status(), d.answer.as_ref().unwrap().body.as_str()),
            (Some(200), "<Response/>")
        );
        assert_eq!(app.hits()[0].param("Body"), "hi");

        post_form(&sim, "To=%2B14155552671&From=%2B14155550100&Body=back").await;
        for query in ["?to=%2B14155552671", "?to=+14155552671"] {
            let page = get_page(&sim, query).await;
            let list: Vec<Message> = serde_json::from_value(page["messages"].clone()).unwrap();
            assert_eq!(list.len(), 1, "{query}");
            assert_eq!(list[0].body, "back");
            assert_eq!(page["next"], Value::Null);
        }
        let page = get_page(&sim, "").await;
        let all: Vec<Message> = serde_json::from_value(page["messages"].clone()).unwrap();
        assert_eq!(all, sim.messages());
        assert_eq!(all.len(), 2);
    }

    /// `GET /_sim/messages{query}`, answered 200: its JSON.
    async fn get_page(sim: &crate::Simulator, query: &str) -> Value {
        let resp = reqwest::get(format!("{}/_sim/messages{query}", sim.base_url()))
            .await
            .unwrap();
        assert_eq!(resp.status(), 200, "{query}");
        resp.json().await.unwrap()
    }

    /// Follows `next` from `first` to the end: the SIDs' numbers and the pages' sizes.
    async fn walk(sim: &crate::Simulator, first: &str) -> (Vec<u128>, Vec<usize>) {
        let (mut sids, mut sizes) = (Vec::new(), Vec::new());
        let mut query = first.to_owned();
        loop {
            let page = get_page(sim, &query).await;
            let list: Vec<Message> = serde_json::from_value(page["messages"].clone()).unwrap();
            sizes.push(list.len());
            sids.extend(list.iter().map(|m| m.sid.number()));
            match page["next"].as_str() {
                Some(next) => query = next.strip_prefix("/_sim/messages").unwrap().to_owned(),
                None => return (sids, sizes),
            }
        }
    }

    #[tokio::test]
    async fn messages_come_in_pages_with_a_next_cursor() {
        let sim = start_sim(&[SHOP]).await;
        for i in 0..7 {
            let to = if i % 2 == 0 { HANDSET } else { "+14155552672" };
            let form = format!(
                "To={}&From=%2B14155550100&Body=m{i}",
                to.replace('+', "%2B")
            );
            assert_eq!(post_form(&sim, &form).await.status(), 201);
        }
        let (sids, sizes) = walk(&sim, "?limit=3").await;
        assert_eq!(sids, [1, 2, 3, 4, 5, 6, 7]);
        assert_eq!(sizes, [3, 3, 1]);
        let page = get_page(&sim, "?limit=3").await;
        assert_eq!(
            page["next"],
            "/_sim/messages?after=SM00000000000000000000000000000003&limit=3"
        );
        // `to` pages through that handset's messages only, and `next` keeps it.
        let (sids, sizes) = walk(&sim, "?to=%2B14155552671&limit=2").await;
        assert_eq!(sids, [1, 3, 5, 7]);
        assert_eq!(sizes, [2, 2]);
        let page = get_page(&sim, "?to=%2B14155552671&limit=2").await;
        assert_eq!(
            page["next"],
            "/_sim/messages?to=%2B14155552671&after=SM00000000000000000000000000000003&limit=2"
        );
        // `after` starts past a SID; the default limit takes everything here.
        let (sids, _) = walk(&sim, "?after=SM00000000000000000000000000000005").await;
        assert_eq!(sids, [6, 7]);
        let (sids, _) = walk(&sim, "?after=MM00000000000000000000000000000007").await;
        assert!(sids.is_empty());
    }

    #[tokio::test]
    async fn bad_paging_parameters_are_refused_with_the_reason() {
        let sim = start_sim(&[SHOP]).await;
        for (query, says) in [
            (
                "?limit=0",
                "limit '0' is not a number of messages from 1 to 10000",
            ),
            ("?limit=10001", "from 1 to 10000"),
            ("?limit=ten", "limit 'ten'"),
            ("?after=SM12", "after 'SM12' is not a message SID"),
            (
                "?page=2",
                "unknown parameter 'page'; expected to, after and limit",
            ),
            ("?limit=1&limit=2", "'limit' is given twice"),
            (
                "?to=abc",
                "to 'abc' is not a valid phone number; expected E.164",
            ),
        ] {
            let resp = reqwest::get(format!("{}/_sim/messages{query}", sim.base_url()))
                .await
                .unwrap();
            assert_eq!(resp.status(), 400, "{query}");
            let v: Value = resp.json().await.unwrap();
            assert!(v["error"].as_str().unwrap().contains(says), "{query}: {v}");
        }
    }

    #[tokio::test]
    async fn reset_forgets_messages_and_faults_but_keeps_the_account() {
        let app = start_receiver(200, "").await;
        let sim = start_sim(&[SHOP]).await;
        sim.set_sms_url(&format!("{}/sms", app.base));
        sim.send_inbound(HANDSET, SHOP, "hi", &[]).await.unwrap();
        sim.set_api_fault(
            crate::FaultScope::Global,
            Some(crate::ApiFault::RateLimit),
            1.0,
        );
        assert_eq!(
            post_form(&sim, "To=%2B14155552671&From=%2B14155550100&Body=x")
                .await
                .status(),
            429
        );
        let resp = reqwest::Client::new()
            .post(format!("{}/_sim/reset", sim.base_url()))
            .header("Content-Type", "application/json")
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 204);
        assert!(resp.bytes().await.unwrap().is_empty());
        assert!(sim.messages().is_empty());
        let v: Value = post_form(&sim, "To=%2B14155552671&From=%2B14155550100&Body=x")
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(v["sid"], "SM00000000000000000000000000000001");
        let d = sim.send_inbound(HANDSET, SHOP, "again", &[]).await.unwrap();
        assert_eq!(d.sid.as_str(), "SM00000000000000000000000000000002");
        sim.reset();
        assert!(sim.messages().is_empty());
    }

    #[tokio::test]
    async fn inbound_errors_are_json() {
        let sim = start_sim(&[SHOP]).await;
        let http = reqwest::Client::new();
        let send = |to: &str| {
            http.post(format!("{}/_sim/inbound", sim.base_url()))
                .json(&json!({"from": HANDSET, "to": to, "body": "hi"}))
                .send()
        };
        // Set over the control API.
        let set = |url: &str| {
            http.post(format!("{}/_sim/sms_url", sim.base_url()))
                .json(&json!({ "url": url }))
                .send()
        };
        let resp = set("ftp://x.test/sms").await.unwrap();
        assert_refused(resp, "not an absolute http(s) URL").await;
        let dead = dead_url().await;
        let resp = set(&dead).await.unwrap();
        assert_eq!(resp.status(), 200);
        assert_eq!(resp.json::<Value>().await.unwrap(), json!({ "url": dead }));

        let resp = send("+14155550199").await.unwrap();
        assert_refused(resp, "is not a number of the simulated Twilio account").await;
        assert!(sim.messages().is_empty(), "a refused text is not recorded");
        // The app cannot be reached: the handset's message is recorded, as Twilio records it,
        // and the 502 names it.
        let resp = send(SHOP).await.unwrap();
        assert_eq!(resp.status(), 502);
        let v: Value = resp.json().await.unwrap();
        assert_eq!(v["sid"], "SM00000000000000000000000000000001", "{v}");
        assert!(
            v["error"].as_str().unwrap().starts_with("webhook POST to "),
            "{v}"
        );
        assert_eq!(sim.messages().len(), 1);
        assert_eq!(sim.errors()[0].code, 11200);
    }

    #[tokio::test]
    async fn inbound_takes_a_twilio_form_as_well_as_json() {
        let app = start_receiver(200, "").await;
        let sim = start_sim(&[SHOP]).await;
        sim.set_sms_url(&format!("{}/sms", app.base));
        let post = |form: &'static str| inbound_form(&sim, form);
        let resp = post("From=%2B1+415+555+2671&To=%2B14155550100&Body=hi+there&MediaUrl=https%3A%2F%2Fcdn.test%2Fa.jpg")
            .await
            .unwrap();
        assert_eq!(resp.status(), 200);
        let d: InboundDelivery = resp.json().await.unwrap();
        assert_eq!(d.sid.as_str(), "MM00000000000000000000000000000001");
        let hit = &app.hits()[0];
        assert_eq!(
            (hit.param("From"), hit.param("Body"), hit.param("NumMedia")),
            (HANDSET, "hi there", "1")
        );

        for (form, why) in [
            (
                "from=%2B14155552671&To=%2B14155550100",
                "unknown form parameter 'from'",
            ),
            ("To=%2B14155550100&Body=x", "the form has no From"),
            (
                "From=4155552671&To=%2B14155550100",
                "from '4155552671' is not a valid phone number",
            ),
        ] {
            let resp = post(form).await.unwrap();
            assert_eq!(resp.status(), 400, "{form}");
            let v: Value = resp.json().await.unwrap();
            assert!(v["error"].as_str().unwrap().contains(why), "{form}: {v}");
        }
        assert_eq!(sim.messages().len(), 1, "refused forms record nothing");
    }

    /// A handset's file may carry its MIME type: the webhook reports that type, not the one its
    /// URL's name suggests; a type that is not one MIME type is refused, and nothing recorded.
    #[tokio::test]
    async fn inbound_media_carry_the_content_type_the_handset_gives() {
        let app = start_receiver(200, "").await;
        let sim = start_sim(&[SHOP]).await;
        sim.set_sms_url(&format!("{}/sms", app.base));
        let http = reqwest::Client::new();
        let url = format!("{}/_sim/inbound", sim.base_url());
        let resp = http
            .post(&url)
            .json(&json!({"from": HANDSET, "to": SHOP, "body": "", "media": [
                {"url": "https://cdn.test/media/7f3a", "content_type": "image/heic"},
                {"url": "https://cdn.test/b.png", "content_type": "application/pdf; name=b"},
                {"url": "https://cdn.test/c.jpg"},
            ]}))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 200);
        let form = |body: &'static str| inbound_form(&sim, body);
        let resp = form("From=%2B14155552671&To=%2B14155550100&MediaUrl=https%3A%2F%2Fcdn.test%2Fm%2F1&MediaContentType=video%2Fmp4")
            .await
            .unwrap();
        assert_eq!(resp.status(), 200);
        let hits = app.hits();
        assert_eq!(
            [0, 1, 2].map(|n| hits[0].param(&format!("MediaContentType{n}"))),
            ["image/heic", "application/pdf", "image/jpeg"]
        );
        assert_eq!(hits[1].param("MediaContentType0"), "video/mp4");

        for (json, why) in [
            (
                json!({"from": HANDSET, "to": SHOP, "media_urls": ["https://cdn.test/a.png"],
                       "media": [{"url": "https://cdn.test/b.png"}]}),
                "give media_urls or media, not both",
            ),
            (
                json!({"from": HANDSET, "to": SHOP,
                       "media": [{"url": "https://cdn.test/a", "content_type": "png"}]}),
                "content type 'png' is not a MIME type",
            ),
            (
                json!({"from": HANDSET, "to": SHOP,
                       "media": [{"url": "https://cdn.test/a", "content_type": "image/*"}]}),
                "content type 'image/*' is not a MIME type",
            ),
            (
                json!({"from": HANDSET, "to": SHOP,
                       "media": [{"url": "https://cdn.test/a", "type": "image/png"}]}),
                "unknown field `type`",
            ),
            (
                json!({"from": HANDSET, "to": SHOP, "media_urls": ["cdn.test/a.png"]}),
                "media URL 'cdn.test/a.png' is not an absolute http(s) URL",
            ),
        ] {
            let resp = http.post(&url).json(&json).send().await.unwrap();
            assert_eq!(resp.status(), 400, "{json}");
            let v: Value = resp.json().await.unwrap();
            assert!(v["error"].as_str().unwrap().contains(why), "{json}: {v}");
        }
        let resp = form("From=%2B14155552671&To=%2B14155550100&MediaUrl=https%3A%2F%2Fcdn.test%2Fa&MediaUrl=https%3A%2F%2Fcdn.test%2Fb&MediaContentType=image%2Fpng")
            .await
            .unwrap();
        assert_refused(resp, "the form has 1 MediaContentType for 2 MediaUrl").await;
        assert_eq!(sim.messages().len(), 2, "refused requests record nothing");
    }

    #[tokio::test]
    async fn twilios_keyword_replies_are_in_the_log_marked_but_not_the_accounts() {
        let app = start_receiver(200, "").await;
        let sim = start_sim(&[SHOP]).await;
        sim.set_sms_url(&format!("{}/sms", app.base));
        sim.send_inbound(HANDSET, SHOP, "STOP", &[]).await.unwrap();
        post_form(&sim, "To=%2B14155550123&From=%2B14155550100&Body=later").await;

        let log = |query: &'static str| {
            let url = format!("{}/_sim/messages{query}", sim.base_url());
            async move {
                let page: Value = reqwest::get(url).await.unwrap().json().await.unwrap();
                page["messages"].as_array().unwrap().clone()
            }
        };
        let all = log("").await;
        let shown: Vec<(&str, &str, bool)> = all
            .iter()
            .map(|m| {
                (
                    m["sid"].as_str().unwrap(),
                    m["direction"].as_str().unwrap(),
                    m["twilio_reply"].as_bool().unwrap(),
                )
            })
            .collect();
        assert_eq!(
            shown,
            [
                ("SM00000000000000000000000000000001", "inbound", false),
                ("SM00000000000000000000000000000002", "outbound-reply", true),
                ("SM00000000000000000000000000000003", "outbound-api", false),
            ]
        );
        assert!(all[1]["body"].as_str().unwrap().contains("unsubscribed"));
        let to_handset = log("?to=%2B14155552671").await;
        assert_eq!(to_handset.len(), 1);
        assert_eq!(to_handset[0]["twilio_reply"], true);
        // The entries read as Message resources too.
        let as_messages: Vec<Message> = serde_json::from_value(Value::Array(all)).unwrap();
        assert_eq!(as_messages.len(), 3);

        // Twilio's REST API knows only the account's messages (§7): the reply is not listed
        // and its SID is not found.
        let listed = get_json(
            &sim,
            &format!("/2010-04-01/Accounts/{}/Messages.json", sim.account_sid()),
        )
        .await;
        let sids: Vec<&str> = listed["messages"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["sid"].as_str().unwrap())
            .collect();
        assert_eq!(
            sids,
            [
                "SM00000000000000000000000000000003",
                "SM00000000000000000000000000000001"
            ]
        );
        let fetch = authed(
            &sim,
            reqwest::Method::GET,
            &format!(
                "/2010-04-01/Accounts/{}/Messages/SM00000000000000000000000000000002.json",
                sim.account_sid()
            ),
        )
        .send()
        .await
        .unwrap();
        assert_eq!(fetch.status(), 404);
    }
}
