//! `GET /_sim/messages`, `POST /_sim/inbound` and `POST /_sim/reset` (see the table in
//! [`super`]).

use std::sync::Arc;

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use twilio_wire::message::Message;

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
