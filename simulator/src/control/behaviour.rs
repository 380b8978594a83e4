//! `POST /_sim/flush`, `/_sim/carrier`, `/_sim/optout`, `/_sim/faults` and `GET /_sim/errors`:
//! how the simulated Twilio and the carriers behave (see the table in [`super`]).

use std::sync::Arc;

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::json;

use super::{e164, error, ControlError, ControlJson, NoFields, NoQuery};
use crate::faults::{Rule, Strikes, WebhookFault};
use crate::{delivery, CallbackFault, CarrierProfile, Core, DebuggerEvent, FaultScope};

/// The routes of this module.
pub(super) fn router() -> Router<Arc<Core>> {
    Router::new()
        .route("/_sim/flush", post(flush))
        .route("/_sim/carrier", post(carrier))
        .route("/_sim/optout", post(optout))
        .route("/_sim/faults", post(faults))
        .route("/_sim/errors", get(errors))
}

async fn flush(
    State(core): State<Arc<Core>>,
    ControlJson(NoFields): ControlJson<NoFields>,
) -> Json<serde_json::Value> {
    let callbacks = delivery::run_due(&core).await;
    Json(json!({ "callbacks": callbacks }))
}

/// The body of `POST /_sim/carrier` (and its answer).
#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
struct CarrierRequest {
    number: String,
    profile: CarrierProfile,
}

async fn carrier(
    State(core): State<Arc<Core>>,
    ControlJson(req): ControlJson<CarrierRequest>,
) -> Result<Json<CarrierRequest>, ControlError> {
    let number = e164("number", &req.number)?;
    {
        let mut state = core.state();
        state.delivery.set_carrier(&number, req.profile);
    }
    Ok(Json(CarrierRequest {
        number,
        profile: req.profile,
    }))
}

/// The body of `POST /_sim/optout`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct OptOutRequest {
    enabled: bool,
}

async fn optout(
    State(core): State<Arc<Core>>,
    ControlJson(req): ControlJson<OptOutRequest>,
) -> Json<serde_json::Value> {
    core.state().optout.set_handling(req.enabled);
    Json(json!({ "enabled": req.enabled }))
}

/// `Some(value)` for a present key, even when its value is `null` (then `Some(None)`).
fn present<'de, D, T>(d: D) -> Result<Option<Option<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(d).map(Some)
}

/// The body of `POST /_sim/faults`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FaultsRequest {
    seed: Option<u64>,
    #[serde(default)]
    clear: bool,
    number: Option<String>,
    probability: Option<f64>,
    next: Option<u32>,
    #[serde(default, deserialize_with = "present")]
    callback: Option<Option<CallbackFault>>,
    #[serde(default, deserialize_with = "present")]
    webhook: Option<Option<WebhookFault>>,
    #[serde(default, deserialize_with = "present")]
    api: Option<Option<crate::ApiFault>>,
    #[serde(default, deserialize_with = "present")]
    list: Option<Option<crate::ApiFault>>,
}

async fn faults(
    State(core): State<Arc<Core>>,
    ControlJson(req): ControlJson<FaultsRequest>,
) -> Result<Json<serde_json::Value>, ControlError> {
    let strikes = match (req.probability, req.next) {
        (Some(_), Some(_)) => {
            return Err(error(
                StatusCode::BAD_REQUEST,
                "give probability (a share of requests) or next (a count of them), not both"
                    .to_owned(),
            ))
        }
        (_, Some(0)) => {
            return Err(error(
                StatusCode::BAD_REQUEST,
                "next must be at least 1 (a null fault removes a rule)".to_owned(),
            ))
        }
        (_, Some(n)) => Strikes::Next(n),
        (p, None) => {
            let probability = p.unwrap_or(1.0);
            if !(0.0..=1.0).contains(&probability) {
                return Err(error(
                    StatusCode::BAD_REQUEST,
                    format!("probability must be between 0 and 1, got {probability}"),
                ));
            }
            Strikes::Share(probability)
        }
    };
    if let Some(Some(crate::ApiFault::ServerErrorAfterCreate | crate::ApiFault::ResetAfterCreate)) =
        req.list
    {
        return Err(error(
            StatusCode::BAD_REQUEST,
            "list: a list creates nothing; give {\"kind\": \"server_error\"}, \"rate_limit\" \
             or \"latency\""
                .to_owned(),
        ));
    }
    let scope = match req.number.as_deref() {
        Some(n) => FaultScope::Number(e164("number", n)?),
        None => FaultScope::Global,
    };
    if let Some(seed) = req.seed {
        core.api_faults.reseed(seed);
        core.list_faults.reseed(seed);
    }
    if req.clear {
        core.api_faults.clear();
        core.list_faults.clear();
    }
    if let Some(fault) = req.api {
        core.api_faults.set(scope.clone(), fault, strikes);
    }
    if let Some(fault) = req.list {
        core.list_faults.set(scope.clone(), fault, strikes);
    }
    let mut state = core.state();
    if let Some(seed) = req.seed {
        state.faults.reseed(seed);
    }
    if req.clear {
        state.faults.clear();
    }
    if let Some(fault) = req.callback {
        Rule::set(&mut state.faults.callback, scope.clone(), fault, strikes);
    }
    if let Some(fault) = req.webhook {
        Rule::set(&mut state.faults.webhook, scope, fault, strikes);
    }
    Ok(Json(json!({})))
}

async fn errors(State(core): State<Arc<Core>>, _: NoQuery) -> Json<Vec<DebuggerEvent>> {
    Json(core.state().debugger())
}

#[cfg(test)]
mod tests {
    use serde_json::{json, Value};

    use crate::delivery::testing::{send, send_ok, start, HANDSET, SHOP};
    use crate::test_support::*;
    use crate::{CarrierProfile, DebuggerEvent};

    async fn post(sim: &crate::Simulator, path: &str, body: Value) -> reqwest::Response {
        reqwest::Client::new()
            .post(format!("{}{path}", sim.base_url()))
            .json(&body)
            .send()
            .await
            .unwrap()
    }

    #[tokio::test]
    async fn flush_runs_what_is_due_by_the_simulator_clock() {
        let app = start_receiver(200, "").await;
        let (sim, clock) = start().await;
        send_ok(&sim, HANDSET, "hi", Some(&format!("{}/s", app.base))).await;
        let flush = || async {
            let resp = post(&sim, "/_sim/flush", json!({})).await;
            assert_eq!(resp.status(), 200);
            resp.json::<Value>().await.unwrap()
        };
        assert_eq!(flush().await, json!({"callbacks": 0}));
        clock.advance(5);
        assert_eq!(flush().await, json!({"callbacks": 2}));
        assert_eq!(app.hits().len(), 2);
    }

    #[tokio::test]
    async fn carrier_and_optout_over_http() {
        let (sim, _clock) = start().await;
        let resp = post(
            &sim,
            "/_sim/carrier",
            json!({"number": "+1 415 555 2671", "profile": "not_mobile"}),
        )
        .await;
        assert_eq!(resp.status(), 200);
        assert_eq!(
            resp.json::<Value>().await.unwrap(),
            json!({"number": HANDSET, "profile": "not_mobile"})
        );
        assert_eq!(sim.carrier(HANDSET), CarrierProfile::NotMobile);
        assert_eq!(send(&sim, HANDSET, "hi", None).await.status(), 400);
        let bad = post(
            &sim,
            "/_sim/carrier",
            json!({"number": HANDSET, "profile": "lost"}),
        )
        .await;
        assert!(bad.status().is_client_error());

        let app = start_receiver(200, "").await;
        sim.set_sms_url(&format!("{}/sms", app.base));
        let resp = post(&sim, "/_sim/optout", json!({"enabled": false})).await;
        assert_eq!(
            resp.json::<Value>().await.unwrap(),
            json!({"enabled": false})
        );
        sim.send_inbound("+14155550123", SHOP, "STOP", &[])
            .await
            .unwrap();
        assert!(!sim.is_opted_out(SHOP, "+14155550123"));
        post(&sim, "/_sim/optout", json!({"enabled": true})).await;
        sim.send_inbound("+14155550123", SHOP, "STOP", &[])
            .await
            .unwrap();
        assert!(sim.is_opted_out(SHOP, "+14155550123"));
    }

    #[tokio::test]
    async fn faults_and_errors_over_http() {
        let app = start_receiver(200, "").await;
        let (sim, clock) = start().await;
        sim.set_sms_url(&format!("{}/sms", app.base));
        let ok = post(
            &sim,
            "/_sim/faults",
            json!({"seed": 3, "number": HANDSET, "callback": {"kind": "drop"},
                   "webhook": {"kind": "server_error"}}),
        )
        .await;
        assert_eq!(ok.status(), 200);
        let bad = post(
            &sim,
            "/_sim/faults",
            json!({"probability": 2.0, "callback": null}),
        )
        .await;
        assert_eq!(bad.status(), 400);
        assert!(bad.json::<Value>().await.unwrap()["error"].is_string());

        send_ok(&sim, HANDSET, "hi", Some(&format!("{}/s", app.base))).await;
        clock.advance(5);
        assert_eq!(sim.run_due().await, 0, "dropped");
        let d = sim.send_inbound(HANDSET, SHOP, "hi", &[]).await.unwrap();
        assert_eq!(d.http_status(), Some(500));

        let errors: Vec<DebuggerEvent> = reqwest::get(format!("{}/_sim/errors", sim.base_url()))
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(errors, sim.errors());
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].code, 11200);
        assert_eq!(errors[0].sid, Some(d.sid));

        // `null` removes the rule of the scope; `clear` removes them all.
        post(
            &sim,
            "/_sim/faults",
            json!({"number": HANDSET, "callback": null}),
        )
        .await;
        send_ok(&sim, HANDSET, "again", Some(&format!("{}/s", app.base))).await;
        clock.advance(5);
        assert_eq!(sim.run_due().await, 2);
        post(&sim, "/_sim/faults", json!({"clear": true})).await;
        assert_eq!(
            sim.send_inbound(HANDSET, SHOP, "x", &[])
                .await
                .unwrap()
                .http_status(),
            Some(200)
        );

        // `next` strikes that many deliveries, then the rule is gone.
        for refused in [
            json!({"next": 2, "probability": 0.5, "webhook": {"kind": "server_error"}}),
            json!({"next": 0, "webhook": {"kind": "server_error"}}),
            json!({"next": -1, "webhook": {"kind": "server_error"}}),
        ] {
            let resp = post(&sim, "/_sim/faults", refused.clone()).await;
            assert_eq!(resp.status(), 400, "{refused}");
        }
        assert_eq!(
            sim.send_inbound(HANDSET, SHOP, "y", &[])
                .await
                .unwrap()
                .http_status(),
            Some(200)
        );
        let ok = post(
            &sim,
            "/_sim/faults",
            json!({"next": 2, "webhook": {"kind": "server_error"}}),
        )
        .await;
        assert_eq!(ok.status(), 200);
        let mut answers = Vec::new();
        for body in ["a", "b", "c"] {
            let d = sim.send_inbound(HANDSET, SHOP, body, &[]).await.unwrap();
            answers.push(d.http_status());
        }
        assert_eq!(answers, [Some(500), Some(500), Some(200)]);
    }
}
