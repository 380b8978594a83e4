//! `GET` and `POST /_sim/numbers`: the account's numbers and their IncomingPhoneNumber settings
//! (see `phone_numbers`), for a tool that provisions a number without the REST API's purchase.

use std::sync::Arc;

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use serde::Deserialize;
use twilio_wire::phone_number::{Capabilities, IncomingPhoneNumber};

use super::{error, ControlError, ControlJson, NoQuery};
use crate::phone_numbers::{self, NumberUpdate};
use crate::Core;

/// The routes of this module.
pub(super) fn router() -> Router<Arc<Core>> {
    Router::new().route("/_sim/numbers", get(list).post(provision))
}

/// The body of `POST /_sim/numbers`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ProvisionRequest {
    number: String,
    friendly_name: Option<String>,
    sms_url: Option<String>,
    sms_method: Option<String>,
    sms_fallback_url: Option<String>,
    sms_fallback_method: Option<String>,
    status_callback: Option<String>,
    status_callback_method: Option<String>,
    capabilities: Option<Capabilities>,
}

async fn list(State(core): State<Arc<Core>>, _: NoQuery) -> Json<Vec<IncomingPhoneNumber>> {
    Json(phone_numbers::all(&core.account_sid, &core.state()))
}

async fn provision(
    State(core): State<Arc<Core>>,
    ControlJson(req): ControlJson<ProvisionRequest>,
) -> Result<(StatusCode, Json<IncomingPhoneNumber>), ControlError> {
    let update = NumberUpdate {
        friendly_name: req.friendly_name,
        sms_url: req.sms_url,
        sms_method: req.sms_method,
        sms_fallback_url: req.sms_fallback_url,
        sms_fallback_method: req.sms_fallback_method,
        status_callback: req.status_callback,
        status_callback_method: req.status_callback_method,
        capabilities: req.capabilities,
        // Voice settings are the REST API's (the simulator has no calls).
        ..NumberUpdate::default()
    };
    match phone_numbers::provision(&core, &req.number, update) {
        Ok((resource, true)) => Ok((StatusCode::CREATED, Json(resource))),
        Ok((resource, false)) => Ok((StatusCode::OK, Json(resource))),
        Err(message) => Err(error(StatusCode::BAD_REQUEST, message)),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{json, Value};

    use crate::test_support::*;

    async fn post(sim: &crate::Simulator, body: Value) -> (u16, Value) {
        let resp = reqwest::Client::new()
            .post(format!("{}/_sim/numbers", sim.base_url()))
            .header("Content-Type", "application/json")
            .body(body.to_string())
            .send()
            .await
            .unwrap();
        (resp.status().as_u16(), resp.json().await.unwrap())
    }

    #[tokio::test]
    async fn provisioning_adds_or_updates_a_number_and_refuses_bad_settings() {
        let sim = start_sim(&["+14155550100"]).await;
        let (status, v) = post(
            &sim,
            json!({"number": "+1 415 555 0199", "sms_url": "http://127.0.0.1:9/sms",
                   "capabilities": {"voice": false, "sms": true, "mms": false, "fax": false}}),
        )
        .await;
        assert_eq!(status, 201, "{v}");
        assert_eq!(v["sid"], "PN00000000000000000000000000000002");
        assert_eq!(v["phone_number"], "+14155550199");
        assert_eq!(v["sms_url"], "http://127.0.0.1:9/sms");
        assert_eq!(v["capabilities"]["mms"], false);
        let (status, v) = post(
            &sim,
            json!({"number": "+14155550100", "friendly_name": "Front desk"}),
        )
        .await;
        assert_eq!(
            (status, v["friendly_name"].as_str()),
            (200, Some("Front desk"))
        );
        for (body, wanted) in [
            (
                json!({"number": "555"}),
                "number '555' is not a valid phone number",
            ),
            (
                json!({"number": "+14155550198", "sms_url": "x"}),
                "Invalid Url: sms_url 'x' is not an absolute http(s) URL",
            ),
            (
                json!({"number": "+14155550198", "smsurl": "x"}),
                "unknown field `smsurl`",
            ),
        ] {
            let (status, v) = post(&sim, body.clone()).await;
            assert_eq!(status, 400, "{body}");
            assert!(v["error"].as_str().unwrap().contains(wanted), "{v}");
        }
        let list: Value = reqwest::get(format!("{}/_sim/numbers", sim.base_url()))
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(
            list.as_array().unwrap().len(),
            2,
            "nothing refused was added"
        );
    }
}
