//! The simulator's control API under `/_sim/`: JSON, no authentication, loopback only, for tools
//! outside the process (`convsms sim`, SDK tests in other languages). Every endpoint, with the
//! Rust call it mirrors:
//!
//! | endpoint | body | answer | Rust |
//! |---|---|---|---|
//! | `GET /_sim/messages[?to=E164]` | | 200 + `[Message…]`, oldest first | [`crate::Simulator::messages_to`], [`crate::Simulator::messages`] |
//! | `POST /_sim/inbound` | `{"from", "to", "body"?, "media_urls"?}` | 200 + `{"sid", "http_status", "body"}` | [`crate::Simulator::send_inbound`] |
//! | `POST /_sim/reset` | none | 204 | [`crate::Simulator::reset`] |
//! | `POST /_sim/flush` | none | 200 + `{"callbacks": n}` | [`crate::Simulator::run_due`] |
//! | `POST /_sim/carrier` | `{"number", "profile"}` | 200 + the same, number normalised | [`crate::Simulator::set_carrier`] |
//! | `POST /_sim/optout` | `{"enabled": bool}` | 200 + `{"enabled"}` | [`crate::Simulator::set_opt_out_handling`] |
//! | `POST /_sim/faults` | see below | 200 + `{}` | `set_fault_seed`, `clear_faults`, `set_callback_fault`, `set_webhook_fault`, [`crate::Simulator::set_api_fault`] |
//! | `GET /_sim/errors` | | 200 + `[{"code", "message", "sid", "url", "at"}…]` | [`crate::Simulator::errors`] |
//!
//! Errors are `{"error": "…"}` with a 4xx/5xx status (malformed JSON on the `sim_routes`
//! endpoints gets axum's plain-text rejection). `flush`, `carrier`, `optout`, `faults` and
//! `errors` live in `sim_routes` (delivery, opt-out and webhook/callback faults), which documents
//! them in full; the others here.
//!
//! `POST /_sim/faults` takes any of `{"seed": 7, "clear": true, "number": "+1…",
//! "probability": 0.5, "callback": {"kind": "delay", "seconds": 10}, "webhook": {"kind":
//! "timeout"}, "api": {"kind": "rate_limit"}}`, applied in that order: `seed` restarts the
//! generators, `clear` removes every rule, then each of `callback` / `webhook` / `api` sets the
//! rule of the scope (`number`, matching a message's `From` or `To`; global without it) with
//! `probability` (default 1); a `null` fault removes that scope's rule. API faults
//! (`api_faults`): `{"kind": "rate_limit"}` (429 / 20429), `{"kind": "server_error"}`
//! (500 / 20500), `{"kind": "latency", "ms": 1500}`, on `POST …/Messages.json` only.
//!
//! * `GET /_sim/messages?to=E164`: 200 + JSON array of Message resources sent to `to`, oldest
//!   first; without `to`, every message. A `+` that was not percent-encoded arrives as a space; a
//!   leading space is read back as `+`.
//! * `POST /_sim/inbound` with JSON `{"from", "to", "body", "media_urls"}` (`body` and
//!   `media_urls` optional): a handset texts the account, as [`crate::Simulator::send_inbound`].
//!   200 + JSON `{"sid", "http_status", "body"}` (the app's answer); 400 + `{"error"}` for
//!   [`SimError::NoSmsUrl`] / [`SimError::NotAccountNumber`]; 502 + `{"error"}` when the webhook
//!   could not be delivered; 504 + `{"error"}` when an injected timeout fault lost the answer.
//! * `POST /_sim/reset`: forgets every message, media file, schedule, opt-out block, status
//!   callback and debugger entry, restarts the SID counters, and removes every fault (API faults
//!   and their generator too); the account's numbers and SMS URL stay. Everything else the state
//!   holds returns to its start-up value. 204, empty body.

use std::sync::Arc;

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use twilio_wire::message::Message;

use crate::{handsets, Core, SimError};

/// The `/_sim` routes.
pub(crate) fn router() -> Router<Arc<Core>> {
    Router::new()
        .route("/_sim/messages", get(list_messages))
        .route("/_sim/inbound", post(inbound))
        .route("/_sim/reset", post(reset))
}

impl crate::Simulator {
    /// Returns the simulator to its start-up state, keeping the account's numbers and SMS URL:
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
}

async fn reset(State(core): State<Arc<Core>>) -> StatusCode {
    reset_core(&core);
    StatusCode::NO_CONTENT
}

#[derive(Debug, Deserialize)]
struct MessagesQuery {
    to: Option<String>,
}

async fn list_messages(
    State(core): State<Arc<Core>>,
    Query(query): Query<MessagesQuery>,
) -> Json<Vec<Message>> {
    let state = core.state();
    Json(match query.to {
        Some(to) => {
            let to = match to.strip_prefix(' ') {
                Some(rest) => format!("+{rest}"),
                None => to,
            };
            state.messages_to(&to)
        }
        None => state.messages(),
    })
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
            let list: Vec<Message> = http
                .get(format!("{}/_sim/messages{query}", sim.base_url()))
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            assert_eq!(list.len(), 1, "{query}");
            assert_eq!(list[0].body, "back");
        }
        let all: Vec<Message> = http
            .get(format!("{}/_sim/messages", sim.base_url()))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(all, sim.messages());
        assert_eq!(all.len(), 2);
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
