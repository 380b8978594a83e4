//! `GET /_sim/messages`, `POST /_sim/inbound`, `POST /_sim/sms_url` and `POST /_sim/reset` (see
//! the table in [`super`]).

use std::sync::Arc;

use axum::extract::{FromRequest, Query, Request, State};
use axum::http::{header, StatusCode};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use twilio_wire::loopback::media_type;
use twilio_wire::message::Message;

use super::{body_bytes, e164, error, ControlError, ControlJson, FORM};
use crate::state::SimState;
use crate::{handsets, numbers, Core, SimError};

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
}

async fn reset(State(core): State<Arc<Core>>) -> StatusCode {
    reset_core(&core);
    StatusCode::NO_CONTENT
}

#[derive(Debug, Deserialize)]
struct MessagesQuery {
    to: Option<String>,
}

/// One entry of `GET /_sim/messages`: the Message resource, and whether Twilio itself sent it
/// (a STOP/START/HELP auto-reply of `optout`, not one of the account's messages).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
struct LoggedMessage {
    #[serde(flatten)]
    message: Message,
    twilio_reply: bool,
}

/// The account's retained messages and Twilio's retained auto-replies, sent to `to` if given
/// (compared as given and in E.164), oldest (lowest SID counter) first.
fn message_log(state: &SimState, to: Option<&str>) -> Vec<LoggedMessage> {
    let wanted = to.map(|to| (to.to_owned(), numbers::normalise(to)));
    let kept = |m: &&Message| {
        wanted
            .as_ref()
            .is_none_or(|(given, normal)| m.to == *given || m.to == *normal)
    };
    let logged = |twilio_reply: bool| {
        move |m: &Message| LoggedMessage {
            message: m.clone(),
            twilio_reply,
        }
    };
    let mut log: Vec<LoggedMessage> = state
        .records()
        .map(|r| &r.message)
        .filter(kept)
        .map(logged(false))
        .chain(
            state
                .optout
                .auto_replies
                .iter()
                .filter(kept)
                .map(logged(true)),
        )
        .collect();
    // SIDs share one counter; order by it (the hex digits), whatever the SM/MM prefix.
    log.sort_by(|a, b| a.message.sid.as_str()[2..].cmp(&b.message.sid.as_str()[2..]));
    log
}

async fn list_messages(
    State(core): State<Arc<Core>>,
    Query(query): Query<MessagesQuery>,
) -> Json<Vec<LoggedMessage>> {
    let to = query.to.map(|to| match to.strip_prefix(' ') {
        Some(rest) => format!("+{rest}"),
        None => to,
    });
    Json(message_log(&core.state(), to.as_deref()))
}

/// The body of `POST /_sim/inbound`: JSON `{"from", "to", "body"?, "media_urls"?}`, or a
/// Twilio-style form `From=…&To=…&Body=…&MediaUrl=…` (`MediaUrl` repeated).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct InboundRequest {
    from: String,
    to: String,
    #[serde(default)]
    body: String,
    #[serde(default)]
    media_urls: Vec<String>,
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
        };
        for (name, value) in form_urlencoded::parse(&bytes) {
            match name.as_ref() {
                "From" => req.from = value.into_owned(),
                "To" => req.to = value.into_owned(),
                "Body" => req.body = value.into_owned(),
                "MediaUrl" => req.media_urls.push(value.into_owned()),
                other => {
                    return Err(error(
                        StatusCode::BAD_REQUEST,
                        format!(
                            "unknown form parameter '{}'; expected From, To, Body and MediaUrl \
                             (repeatable)",
                            super::shortened(other)
                        ),
                    ))
                }
            }
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

/// What `POST /_sim/inbound` answers when no SMS URL is set.
const NO_SMS_URL: &str = "no SMS URL is configured for the account's numbers, so a handset's \
    message has nowhere to go: start the simulator with `convsms sim --sms-url URL`, or set one \
    with POST /_sim/sms_url {\"url\": \"http://127.0.0.1:8080/sms/inbound\"}";

async fn inbound(
    State(core): State<Arc<Core>>,
    req: InboundRequest,
) -> Result<Json<crate::InboundDelivery>, ControlError> {
    let from = e164("from", &req.from)?;
    let to = e164("to", &req.to)?;
    match handsets::send_inbound(&core, &from, &to, &req.body, &req.media_urls).await {
        Ok(delivery) => Ok(Json(delivery)),
        Err(SimError::NoSmsUrl) => Err(error(StatusCode::BAD_REQUEST, NO_SMS_URL)),
        Err(e) => {
            let status = match e {
                SimError::NotAccountNumber(_)
                | SimError::NotSmsCapable(_)
                | SimError::UnknownInbound(_) => StatusCode::BAD_REQUEST,
                SimError::Webhook { .. } => StatusCode::BAD_GATEWAY,
                SimError::WebhookTimeout { .. } => StatusCode::GATEWAY_TIMEOUT,
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
        let resp = send(SHOP).await.unwrap();
        assert_eq!(resp.status(), 400);
        let v: Value = resp.json().await.unwrap();
        let error = v["error"].as_str().unwrap();
        assert!(
            error.contains("`convsms sim --sms-url URL`") && error.contains("POST /_sim/sms_url"),
            "{v}"
        );
        assert!(sim.messages().is_empty(), "nothing recorded");

        // Set over the control API.
        let set = |url: &str| {
            http.post(format!("{}/_sim/sms_url", sim.base_url()))
                .json(&json!({ "url": url }))
                .send()
        };
        let resp = set("ftp://x.test/sms").await.unwrap();
        assert_eq!(resp.status(), 400);
        let v: Value = resp.json().await.unwrap();
        assert!(
            v["error"]
                .as_str()
                .unwrap()
                .contains("not an absolute http(s) URL"),
            "{v}"
        );
        let dead = dead_url().await;
        let resp = set(&dead).await.unwrap();
        assert_eq!(resp.status(), 200);
        assert_eq!(resp.json::<Value>().await.unwrap(), json!({ "url": dead }));

        let resp = send("+14155550199").await.unwrap();
        assert_eq!(resp.status(), 400);
        let v: Value = resp.json().await.unwrap();
        assert!(
            v["error"]
                .as_str()
                .unwrap()
                .contains("is not a number of the simulated Twilio account"),
            "{v}"
        );
        assert_eq!(send(SHOP).await.unwrap().status(), 502);
    }

    #[tokio::test]
    async fn inbound_takes_a_twilio_form_as_well_as_json() {
        let app = start_receiver(200, "").await;
        let sim = start_sim(&[SHOP]).await;
        sim.set_sms_url(&format!("{}/sms", app.base));
        let http = reqwest::Client::new();
        let post = |form: &'static str| {
            http.post(format!("{}/_sim/inbound", sim.base_url()))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .body(form)
                .send()
        };
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
                reqwest::get(url)
                    .await
                    .unwrap()
                    .json::<Vec<Value>>()
                    .await
                    .unwrap()
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
        let http = reqwest::Client::new();
        let listed: Value = http
            .get(messages_url(&sim))
            .basic_auth(sim.account_sid(), Some(sim.auth_token()))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
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
        let fetch = http
            .get(format!(
                "{}/2010-04-01/Accounts/{}/Messages/SM00000000000000000000000000000002.json",
                sim.base_url(),
                sim.account_sid()
            ))
            .basic_auth(sim.account_sid(), Some(sim.auth_token()))
            .send()
            .await
            .unwrap();
        assert_eq!(fetch.status(), 404);
    }
}
