//! Shared test fixtures: a fixed clock, a simulator on port 0, authenticated API calls, and a
//! tiny axum webhook receiver on port 0 that records what it was sent.

use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::Router;
use chrono::{DateTime, TimeZone, Utc};
use serde_json::Value;

use crate::{SimClock, SimConfig, Simulator};

/// A clock stopped at [`t0`].
pub(crate) struct FixedClock(pub(crate) DateTime<Utc>);

impl SimClock for FixedClock {
    fn now(&self) -> DateTime<Utc> {
        self.0
    }
}

/// 2023-08-24 05:01:45 UTC, the instant of the OAI create example.
pub(crate) fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2023, 8, 24, 5, 1, 45).unwrap()
}

/// A Messaging Service "Pool" whose sender pool is `sender` (scheduling needs one: 35118).
pub(crate) fn pool(sim: &Simulator, sender: &str) -> twilio_wire::service::Service {
    sim.create_service(&crate::ServiceSetup {
        params: vec![("FriendlyName".into(), "Pool".into())],
        senders: vec![sender.into()],
    })
    .expect("the pool is created")
}

/// A simulator with [`SimConfig::for_tests`], owning `numbers`, clock at [`t0`].
pub(crate) async fn start_sim(numbers: &[&str]) -> Simulator {
    let config = SimConfig {
        numbers: numbers.iter().map(|n| (*n).to_owned()).collect(),
        ..SimConfig::for_tests()
    };
    Simulator::start(config, Arc::new(FixedClock(t0())))
        .await
        .expect("simulator starts")
}

/// The create URL of the simulator's account.
pub(crate) fn messages_url(sim: &Simulator) -> String {
    format!(
        "{}/2010-04-01/Accounts/{}/Messages.json",
        sim.base_url(),
        sim.account_sid()
    )
}

/// A request of `method` to `path` (from `/2010-04-01/…`) with the account's Basic auth.
pub(crate) fn authed(
    sim: &Simulator,
    method: reqwest::Method,
    path: &str,
) -> reqwest::RequestBuilder {
    reqwest::Client::new()
        .request(method, format!("{}{path}", sim.base_url()))
        .basic_auth(sim.account_sid(), Some(sim.auth_token()))
}

/// `GET path` with the account's Basic auth, answered 200: its JSON.
pub(crate) async fn get_json(sim: &Simulator, path: &str) -> Value {
    let resp = authed(sim, reqwest::Method::GET, path)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200, "{path}");
    resp.json().await.unwrap()
}

/// POSTs the raw form `body` to the create URL with the account's Basic auth.
pub(crate) async fn post_form(sim: &Simulator, body: &str) -> reqwest::Response {
    post_form_result(sim, body)
        .await
        .expect("simulator answers")
}

/// [`post_form`], a failure to read an answer's head returned rather than a panic.
pub(crate) async fn post_form_result(
    sim: &Simulator,
    body: &str,
) -> reqwest::Result<reqwest::Response> {
    reqwest::Client::new()
        .post(messages_url(sim))
        .basic_auth(sim.account_sid(), Some(sim.auth_token()))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(body.to_owned())
        .send()
        .await
}

/// An answer's status and JSON body (`null` when the body is empty).
///
/// # Panics
/// The body cannot be read or is not JSON.
pub(crate) async fn status_and_json(resp: reqwest::Response) -> (u16, Value) {
    let status = resp.status().as_u16();
    let bytes = resp.bytes().await.expect("the answer's body");
    let v = if bytes.is_empty() {
        Value::Null
    } else {
        serde_json::from_slice(&bytes).expect("a JSON answer")
    };
    (status, v)
}

/// Asserts `v` is exactly Twilio's error JSON for `code` and `status`.
pub(crate) fn assert_error_shape(v: &Value, code: u32, status: u16) {
    let obj = v.as_object().expect("error body is an object");
    let mut keys: Vec<&str> = obj.keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(keys, ["code", "message", "more_info", "status"], "{v}");
    assert_eq!(v["code"], code, "{v}");
    assert_eq!(v["status"], status, "{v}");
    assert_eq!(
        v["more_info"],
        format!("https://www.twilio.com/docs/errors/{code}")
    );
    assert!(!v["message"].as_str().unwrap().is_empty());
}

/// One request the receiver got.
#[derive(Clone, Debug)]
pub(crate) struct Hit {
    /// `GET`, `POST`, ...
    pub(crate) method: axum::http::Method,
    /// Path and query as requested.
    pub(crate) uri: Uri,
    pub(crate) headers: HeaderMap,
    /// The decoded form, in order.
    pub(crate) params: Vec<(String, String)>,
    /// The raw body.
    pub(crate) raw: String,
}

impl Hit {
    /// The single value of `name`.
    pub(crate) fn param(&self, name: &str) -> &str {
        let values: Vec<&str> = self
            .params
            .iter()
            .filter(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
            .collect();
        assert_eq!(values.len(), 1, "{name} in {:?}", self.params);
        values[0]
    }

    /// A header as text.
    pub(crate) fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .unwrap_or_else(|| panic!("no {name} header"))
            .to_str()
            .unwrap()
    }
}

/// A webhook receiver on `127.0.0.1:0` answering every request with `status` and `body`.
pub(crate) struct Receiver {
    /// `http://127.0.0.1:PORT`.
    pub(crate) base: String,
    pub(crate) hits: Arc<Mutex<Vec<Hit>>>,
    task: tokio::task::JoinHandle<()>,
}

impl Receiver {
    /// Everything received so far, oldest first.
    pub(crate) fn hits(&self) -> Vec<Hit> {
        self.hits.lock().unwrap().clone()
    }
}

impl Drop for Receiver {
    fn drop(&mut self) {
        self.task.abort();
    }
}

#[derive(Clone)]
struct ReceiverState {
    hits: Arc<Mutex<Vec<Hit>>>,
    status: StatusCode,
    body: &'static str,
}

async fn record(
    State(st): State<ReceiverState>,
    method: axum::http::Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> (StatusCode, [(&'static str, &'static str); 1], &'static str) {
    let params = form_urlencoded::parse(&body).into_owned().collect();
    st.hits.lock().unwrap().push(Hit {
        method,
        uri,
        headers,
        params,
        raw: String::from_utf8_lossy(&body).into_owned(),
    });
    (st.status, [("Content-Type", "text/xml")], st.body)
}

/// A receiver's app (answering every request with `status` and `body`) and what it received.
pub(crate) fn receiver_app(status: u16, body: &'static str) -> (Router, Arc<Mutex<Vec<Hit>>>) {
    let hits = Arc::new(Mutex::new(Vec::new()));
    let app = Router::new().fallback(record).with_state(ReceiverState {
        hits: hits.clone(),
        status: StatusCode::from_u16(status).unwrap(),
        body,
    });
    (app, hits)
}

/// Starts a [`Receiver`].
pub(crate) async fn start_receiver(status: u16, body: &'static str) -> Receiver {
    let (app, hits) = receiver_app(status, body);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let task = tokio::spawn(async move {
        axum::serve(listener, app).await.unwrap();
    });
    Receiver { base, hits, task }
}

/// A loopback URL where nothing listens (a port bound and released).
pub(crate) async fn dead_url() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    format!("http://{addr}/sms")
}

/// The status of a send to +14155552671 `From` `from`, one of the account's numbers.
pub(crate) async fn send_from(sim: &Simulator, from: &str) -> u16 {
    let form = format!(
        "To=%2B14155552671&From={}&Body=hi",
        from.replace('+', "%2B")
    );
    post_form(sim, &form).await.status().as_u16()
}

/// A Messaging Service named "Pool" whose sender pool is `senders`, in order; its SID.
pub(crate) fn pool_service(sim: &Simulator, senders: &[&str]) -> String {
    sim.create_service(&crate::ServiceSetup {
        params: vec![("FriendlyName".into(), "Pool".into())],
        senders: senders.iter().map(|s| (*s).to_owned()).collect(),
    })
    .expect("a pool of the account's numbers")
    .sid
    .to_string()
}
