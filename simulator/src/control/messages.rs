//! `GET /_sim/messages` (paged), `POST /_sim/inbound` and `POST /_sim/reset` (see the table in
//! [`super`]).

use std::sync::Arc;

use axum::extract::State;
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use twilio_wire::message::Message;
use twilio_wire::sid::MessageSid;

use crate::{handsets, Core, SimError};

/// The routes of this module.
pub(super) fn router() -> Router<Arc<Core>> {
    Router::new()
        .route("/_sim/messages", get(list_messages))
        .route("/_sim/inbound", post(inbound))
        .route("/_sim/reset", post(reset))
}

impl crate::Simulator {
    /// Returns the simulator to its start-up state, keeping the account's numbers and SMS URL:
    /// no messages (SIDs start again at 1), no media, no opt-out blocks, no pending callbacks, an
    /// empty debugger log and no faults (see `POST /_sim/reset`). The freed memory is given back
    /// to the system (glibc's `malloc_trim`), so a long-running simulator's resident size falls
    /// back after a reset.
    pub fn reset(&self) {
        reset_core(&self.core);
    }
}

fn reset_core(core: &Core) {
    core.state().reset();
    core.api_faults.clear();
    core.api_faults.reseed(0);
    // The old store is dropped by now; without this the process stays at its high-water mark.
    crate::memory::give_back();
}

async fn reset(State(core): State<Arc<Core>>) -> StatusCode {
    reset_core(&core);
    StatusCode::NO_CONTENT
}

/// Messages per answer of `GET /_sim/messages` when `limit` is not given.
pub(crate) const DEFAULT_LIMIT: usize = 1000;
/// The largest `limit` of `GET /_sim/messages`.
pub(crate) const MAX_LIMIT: usize = 10_000;

/// One answer of `GET /_sim/messages`.
#[derive(Debug, Serialize)]
struct MessagesPage {
    /// The messages, oldest first.
    messages: Vec<Arc<Message>>,
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
    /// repeated one, `after` not a message SID, `limit` not an integer in 1..=10000.
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
                    q.to = Some(match value.strip_prefix(' ') {
                        Some(rest) => format!("+{rest}"),
                        None => value.into_owned(),
                    })
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

/// `GET /_sim/messages[?to=E164][&after=SID][&limit=N]`: see the table in [`super`]. Under the
/// state lock it only picks the page's messages (shared pointers); serialising happens after.
async fn list_messages(State(core): State<Arc<Core>>, uri: Uri) -> Response {
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
    let (messages, more) =
        core.state()
            .messages_page(query.to.as_deref(), query.after, query.limit);
    let next = more
        .then(|| messages.last().map(|m| query.next(&m.sid)))
        .flatten();
    Json(MessagesPage { messages, next }).into_response()
}

/// The body of `POST /_sim/inbound`.
#[derive(Debug, Deserialize)]
struct InboundRequest {
    from: String,
    to: String,
    #[serde(default)]
    body: String,
    #[serde(default)]
    media_urls: Vec<String>,
}

async fn inbound(State(core): State<Arc<Core>>, Json(req): Json<InboundRequest>) -> Response {
    match handsets::send_inbound(&core, &req.from, &req.to, &req.body, &req.media_urls).await {
        Ok(delivery) => Json(delivery).into_response(),
        Err(e) => {
            let status = match e {
                SimError::NoSmsUrl
                | SimError::NotAccountNumber(_)
                | SimError::UnknownInbound(_) => StatusCode::BAD_REQUEST,
                SimError::Webhook { .. } => StatusCode::BAD_GATEWAY,
                SimError::WebhookTimeout { .. } => StatusCode::GATEWAY_TIMEOUT,
                _ => StatusCode::INTERNAL_SERVER_ERROR,
            };
            (status, Json(serde_json::json!({ "error": e.to_string() }))).into_response()
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::test_support::*;
    use crate::InboundDelivery;
    use serde_json::{json, Value};
    use twilio_wire::message::Message;

    const SHOP: &str = "+14155550100";
    const HANDSET: &str = "+14155552671";

    #[tokio::test]
    async fn inbound_then_list_over_http() {
        let app = start_receiver(200, "<Response/>").await;
        let sim = start_sim(&[SHOP]).await;
        sim.set_sms_url(&format!("{}/sms", app.base));
        let http = reqwest::Client::new();

        let resp = http
            .post(format!("{}/_sim/inbound", sim.base_url()))
            .json(&json!({"from": HANDSET, "to": SHOP, "body": "hi"}))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 200);
        let d: InboundDelivery = resp.json().await.unwrap();
        assert_eq!(d.sid.as_str(), "SM00000000000000000000000000000001");
        assert_eq!((d.http_status, d.body.as_str()), (200, "<Response/>"));
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
        let resp = send(SHOP).await.unwrap();
        assert_eq!(resp.status(), 400);
        let v: Value = resp.json().await.unwrap();
        assert!(v["error"].as_str().unwrap().contains("set_sms_url"), "{v}");

        sim.set_sms_url(&dead_url().await);
        assert_eq!(send("+14155550199").await.unwrap().status(), 400);
        assert_eq!(send(SHOP).await.unwrap().status(), 502);
    }
}
