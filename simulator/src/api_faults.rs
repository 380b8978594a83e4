//! Injected faults of the Messages API: of the create (`POST …/Messages.json`) rate limiting
//! (429 / 20429), server errors (500 / 20500) before or after the message is created, and added
//! latency; of the list (`GET …/Messages.json`, a rule set of its own: `Core::list_faults`) the
//! same but for the create's "after the create", answered as a plain 500. Globally or per number,
//! seeded and deterministic. The model is the one of the webhook and callback faults (`faults`), and the
//! choice is made by the same function, `faults::pick`:
//!
//! * one rule per [`FaultScope`]: a [`FaultScope::Number`] rule applies when the request's `To`
//!   or `From` is that number (compared in E.164) and wins over the [`FaultScope::Global`] rule;
//! * each rule strikes the next `n` requests ([`crate::Strikes::Next`]) or has a `probability`
//!   in `[0, 1]` ([`crate::Strikes::Share`]; clamped, NaN counts as 0); at 1 it strikes every
//!   request and draws nothing, strictly between 0 and 1 each candidate request draws once from
//!   the ChaCha8 stream of its pair of numbers (`faults::Draws`, the create API's own streams),
//!   seeded with 0 until [`ApiFaultState::reseed`]: the n-th send between two numbers is struck
//!   or not whatever requests between other numbers came before it.
//!
//! What a striking fault does, after authentication (live credentials only: test credentials
//! never see faults) and before any validation:
//!
//! * [`ApiFault::RateLimit`]: 429 + `{"code": 20429, "message": "Too Many Requests",
//!   "more_info": "https://www.twilio.com/docs/errors/20429", "status": 429}` (§5.1); nothing is
//!   recorded;
//! * [`ApiFault::ServerError`]: 500 + `{"code": 20500, "message": "Internal Server Error", …,
//!   "status": 500}` (20500 is Twilio's internal-error code; a real 500's body is UNCONFIRMED);
//!   nothing is recorded;
//! * [`ApiFault::ServerErrorAfterCreate`]: the request is handled as usual (validated, the
//!   message created, queued and sent, its StatusCallbacks posted), but the answer is the same
//!   500 / 20500 as [`ApiFault::ServerError`]'s: what a client sees when the answer to a create
//!   that succeeded is lost (a proxy's 502 or 504, a connection reset, a timeout; UNCONFIRMED
//!   that Twilio itself answers 500 after creating). The client cannot tell the two 500s apart;
//!   only listing the messages (`GET …/Messages.json?To=…&From=…`) can. A request refused by
//!   validation is answered with its refusal, as nothing was created;
//! * [`ApiFault::ResetAfterCreate`]: handled as usual too, but the connection is closed
//!   instead of the answer (the response's body fails, so the server drops the connection): a
//!   client reads no answer, as after a reset or a timeout, and cannot tell whether anything was
//!   created. In process ([`crate::RestForms::create_message`]) the caller gets `Err`: no answer;
//! * [`ApiFault::Latency`]: the server waits `ms` milliseconds (`tokio::time::sleep`, real time)
//!   and then handles the request normally.
//!
//! A list request is matched by its `To` and `From` filters, and struck as a create would be,
//! with draws of its own (so lists do not move the creates' draws); a
//! [`ApiFault::ServerErrorAfterCreate`] or [`ApiFault::ResetAfterCreate`] rule of the list,
//! which has nothing to create, answers the plain 500 (the control API refuses to set one).
//!
//! JSON of a fault: `{"kind": "rate_limit"}`, `{"kind": "server_error"}`,
//! `{"kind": "server_error_after_create"}`, `{"kind": "reset_after_create"}`, `{"kind":
//! "latency", "ms": 1500}`: the `"api"` key
//! (the create) or the `"list"` key (the list) of `POST /_sim/faults` (see `control`).

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use serde::{Deserialize, Serialize};
use twilio_wire::ApiError;

use crate::faults::{self, Rule};
use crate::FaultScope;

/// A fault of the create API. See the module docs of `api_faults`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ApiFault {
    /// Answer 429 / 20429 "Too Many Requests" (JSON `{"kind": "rate_limit"}`).
    RateLimit,
    /// Answer 500 / 20500 "Internal Server Error" (JSON `{"kind": "server_error"}`).
    ServerError,
    /// Create the message as usual, then answer 500 / 20500 as [`ApiFault::ServerError`] does
    /// (JSON `{"kind": "server_error_after_create"}`): a create whose answer was lost.
    ServerErrorAfterCreate,
    /// Create the message as usual, then close the connection without an answer (JSON
    /// `{"kind": "reset_after_create"}`): a create whose answer never came (a reset, or a
    /// timeout: the client reads nothing). In process the caller is told the same: no answer.
    ResetAfterCreate,
    /// Wait `ms` milliseconds, then answer normally (JSON `{"kind": "latency", "ms": 1500}`).
    Latency {
        /// The added delay, in milliseconds of real time.
        ms: u64,
    },
}

/// What the faults decided for one create request.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Decision {
    /// Wait this long first.
    pub(crate) delay: Duration,
    /// Then answer this error instead of handling the request.
    pub(crate) error: Option<ApiError>,
    /// Or handle the request, and answer this error instead of the created message (when the
    /// request was valid: a refusal is answered as such).
    pub(crate) error_after_create: Option<ApiError>,
    /// Or handle the request, and close the connection instead of answering the created
    /// message (when the request was valid).
    pub(crate) reset_after_create: bool,
}

/// How the server waits; tests replace it to observe delays without waiting.
pub(crate) type Sleep =
    Arc<dyn Fn(Duration) -> Pin<Box<dyn Future<Output = ()> + Send>> + Send + Sync>;

/// The rules and their draws.
struct Rules {
    draws: faults::Draws,
    rules: Vec<Rule<ApiFault>>,
    /// Faults that struck: 429s, 500s, 500s after the create, slowed requests, resets after
    /// the create.
    struck: [u64; 5],
}

/// The API faults in force on a running simulator (a field of [`crate::Core`]).
pub(crate) struct ApiFaultState {
    rules: Mutex<Rules>,
    sleep: Mutex<Sleep>,
}

impl Default for ApiFaultState {
    /// The create's rules (draws named `api`).
    fn default() -> Self {
        ApiFaultState::new("api")
    }
}

impl ApiFaultState {
    /// Rules drawing from the streams named `draws` (`api` for the create, `list` for the list).
    pub(crate) fn new(draws: &'static str) -> Self {
        ApiFaultState {
            rules: Mutex::new(Rules {
                draws: faults::Draws::new(draws),
                rules: Vec::new(),
                struck: [0; 5],
            }),
            sleep: Mutex::new(Arc::new(|d| Box::pin(tokio::time::sleep(d)))),
        }
    }
}

impl std::fmt::Debug for ApiFaultState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ApiFaultState").finish_non_exhaustive()
    }
}

impl ApiFaultState {
    fn lock(&self) -> MutexGuard<'_, Rules> {
        self.rules.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Sets (or with `fault: None` removes) the rule of `scope`, striking as `strikes` say.
    pub(crate) fn set(
        &self,
        scope: FaultScope,
        fault: Option<ApiFault>,
        strikes: impl Into<faults::Strikes>,
    ) {
        Rule::set(&mut self.lock().rules, scope, fault, strikes);
    }

    /// Restarts the draws from `seed`.
    pub(crate) fn reseed(&self, seed: u64) {
        self.lock().draws.reseed(seed);
    }

    /// Removes every rule (the draws keep their positions).
    pub(crate) fn clear(&self) {
        self.lock().rules.clear();
    }

    /// The rules in force, in the order they were set (for the inspector).
    pub(crate) fn rules(&self) -> Vec<Rule<ApiFault>> {
        self.lock().rules.clone()
    }

    /// The fault striking a create request with `To` `to` and `From` `from` (empty when absent),
    /// chosen by [`faults::pick`] like every other fault: the first number rule matching either,
    /// else the global rule, then a draw when its probability is strictly between 0 and 1.
    pub(crate) fn decide(&self, to: &str, from: &str) -> Decision {
        let mut guard = self.lock();
        let Rules {
            draws,
            rules,
            struck,
        } = &mut *guard;
        let Some(kind) = faults::pick(rules, draws, &[to, from], |_| true) else {
            // No rule, or it did not strike (no rule set is the common case: no number parsing).
            return Decision::default();
        };
        // A 500 after the create is counted when it is answered (`answered_after_create`): a
        // request that validation refuses created nothing.
        match kind {
            ApiFault::RateLimit => struck[0] += 1,
            ApiFault::ServerError => struck[1] += 1,
            ApiFault::ServerErrorAfterCreate | ApiFault::ResetAfterCreate => {}
            ApiFault::Latency { .. } => struck[3] += 1,
        }
        let internal = || ApiError::new(20500, 500, "Internal Server Error");
        match kind {
            ApiFault::Latency { ms } => Decision {
                delay: Duration::from_millis(ms),
                ..Decision::default()
            },
            ApiFault::RateLimit => Decision {
                error: Some(ApiError::new(20429, 429, "Too Many Requests")),
                ..Decision::default()
            },
            ApiFault::ServerError => Decision {
                error: Some(internal()),
                ..Decision::default()
            },
            ApiFault::ServerErrorAfterCreate => Decision {
                error_after_create: Some(internal()),
                ..Decision::default()
            },
            ApiFault::ResetAfterCreate => Decision {
                reset_after_create: true,
                ..Decision::default()
            },
        }
    }

    /// The fault striking a list request filtered by `To` `to` and `From` `from` (empty when
    /// absent), as [`ApiFaultState::decide`] chooses it; a list creates nothing, so a
    /// [`ApiFault::ServerErrorAfterCreate`] rule answers the plain 500 (and counts as one).
    pub(crate) fn decide_list(&self, to: &str, from: &str) -> Decision {
        let mut decision = self.decide(to, from);
        let after_create = decision.error_after_create.take().is_some()
            || std::mem::take(&mut decision.reset_after_create);
        if after_create {
            self.lock().struck[1] += 1;
            decision.error = Some(ApiError::new(20500, 500, "Internal Server Error"));
        }
        decision
    }

    /// Adds the list faults that struck so far to `tally` (`list_*`).
    pub(crate) fn add_list_tally(&self, tally: &mut faults::FaultTally) {
        let [rate_limit, server_error, _, latency, _] = self.lock().struck;
        tally.list_rate_limit += rate_limit;
        tally.list_server_error += server_error;
        tally.list_latency += latency;
    }

    /// Counts a create answered 500 after the message was created
    /// ([`ApiFault::ServerErrorAfterCreate`]).
    pub(crate) fn answered_after_create(&self) {
        self.lock().struck[2] += 1;
    }

    /// Counts a create whose connection was closed after the message was created
    /// ([`ApiFault::ResetAfterCreate`]).
    pub(crate) fn reset_after_create(&self) {
        self.lock().struck[4] += 1;
    }

    /// Adds the create-API faults that struck so far to `tally`.
    pub(crate) fn add_tally(&self, tally: &mut faults::FaultTally) {
        let [rate_limit, server_error, after_create, latency, reset] = self.lock().struck;
        tally.api_rate_limit += rate_limit;
        tally.api_server_error += server_error;
        tally.api_server_error_after_create += after_create;
        tally.api_latency += latency;
        tally.api_reset_after_create += reset;
    }

    /// Waits `delay` with the sleep function in force.
    pub(crate) async fn sleep(&self, delay: Duration) {
        let sleep = self.sleep.lock().unwrap_or_else(|e| e.into_inner()).clone();
        sleep(delay).await;
    }

    /// Replaces the sleep function (tests observe delays with it instead of waiting).
    #[cfg(test)]
    pub(crate) fn set_sleep(&self, sleep: Sleep) {
        *self.sleep.lock().unwrap_or_else(|e| e.into_inner()) = sleep;
    }
}

impl crate::Simulator {
    /// Sets (or with `fault: None` removes) the create-API fault of `scope` (a number matches a
    /// request whose `To` or `From` it is), striking the requests `strikes` say: a probability
    /// in `[0, 1]` (an `f64`, clamped; 1 = every request) or [`crate::Strikes::Next`]. See
    /// [`ApiFault`] for what each does.
    pub fn set_api_fault(
        &self,
        scope: FaultScope,
        fault: Option<ApiFault>,
        strikes: impl Into<crate::Strikes>,
    ) {
        self.core.api_faults.set(scope, fault, strikes);
    }

    /// Removes every create-API fault rule, global and per number (the draws keep their
    /// positions; the webhook and callback rules stay).
    pub fn clear_api_faults(&self) {
        self.core.api_faults.clear();
    }

    /// Sets (or with `fault: None` removes) the fault of the message list (`GET
    /// …/Messages.json`) for `scope` (a number matches a list filtered `To` or `From` it),
    /// striking the requests `strikes` say, as [`crate::Simulator::set_api_fault`] does for the
    /// create. [`ApiFault::ServerErrorAfterCreate`] answers the plain 500 here: a list creates
    /// nothing. The draws are the list's own: lists do not move the creates' faults.
    pub fn set_list_fault(
        &self,
        scope: FaultScope,
        fault: Option<ApiFault>,
        strikes: impl Into<crate::Strikes>,
    ) {
        self.core.list_faults.set(scope, fault, strikes);
    }

    /// Removes every fault rule of the message list, global and per number (the draws keep
    /// their positions; the other rules stay).
    pub fn clear_list_faults(&self) {
        self.core.list_faults.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::*;

    const FROM: &str = "+14155550100";
    const TO: &str = "+14155552671";
    const OTHER: &str = "+14155552672";

    fn codes(state: &ApiFaultState, to: &str, n: usize) -> Vec<Option<u32>> {
        (0..n)
            .map(|_| state.decide(to, FROM).error.map(|e| e.code))
            .collect()
    }

    #[test]
    fn number_rules_win_and_draws_follow_the_seed() {
        let pattern = |seed: u64| {
            let s = ApiFaultState::default();
            s.reseed(seed);
            s.set(
                FaultScope::Number("+1 (415) 555-2671".into()),
                Some(ApiFault::RateLimit),
                0.5,
            );
            codes(&s, TO, 64)
        };
        assert_eq!(pattern(7), pattern(7));
        assert_ne!(pattern(7), pattern(8));
        let hits = pattern(7).iter().filter(|c| c.is_some()).count();
        assert!((10..54).contains(&hits), "{hits} of 64");

        let s = ApiFaultState::default();
        s.set(FaultScope::Global, Some(ApiFault::ServerError), 1.0);
        s.set(
            FaultScope::Number(TO.into()),
            Some(ApiFault::Latency { ms: 250 }),
            1.0,
        );
        let d = s.decide(TO, FROM);
        assert_eq!((d.delay, d.error), (Duration::from_millis(250), None));
        // A number rule also matches the sender.
        assert_eq!(s.decide(OTHER, TO).delay, Duration::from_millis(250));
        let d = s.decide(OTHER, FROM);
        assert_eq!(d.error.map(|e| (e.code, e.status)), Some((20500, 500)));
        s.set(FaultScope::Global, None, 1.0);
        assert_eq!(s.decide(OTHER, FROM), Decision::default());
        s.set(FaultScope::Global, Some(ApiFault::RateLimit), 0.0);
        assert_eq!(s.decide(OTHER, FROM), Decision::default());
        s.clear();
        assert_eq!(s.decide(TO, FROM), Decision::default());
        // Only the faults that struck are counted: two slowed requests, one 500.
        let mut tally = faults::FaultTally::default();
        s.add_tally(&mut tally);
        assert_eq!(
            (
                tally.api_latency,
                tally.api_server_error,
                tally.api_rate_limit
            ),
            (2, 1, 0)
        );
    }

    #[test]
    fn json_shapes() {
        for (json, fault) in [
            (r#"{"kind":"rate_limit"}"#, ApiFault::RateLimit),
            (r#"{"kind":"server_error"}"#, ApiFault::ServerError),
            (
                r#"{"kind":"server_error_after_create"}"#,
                ApiFault::ServerErrorAfterCreate,
            ),
            (
                r#"{"kind":"reset_after_create"}"#,
                ApiFault::ResetAfterCreate,
            ),
            (
                r#"{"kind":"latency","ms":1500}"#,
                ApiFault::Latency { ms: 1500 },
            ),
        ] {
            assert_eq!(serde_json::from_str::<ApiFault>(json).unwrap(), fault);
            assert_eq!(serde_json::to_string(&fault).unwrap(), json);
        }
        assert!(serde_json::from_str::<ApiFault>(r#"{"kind":"boom"}"#).is_err());
    }

    /// POSTs "hi" from [`FROM`] to `to` over HTTP.
    async fn say_hi(sim: &crate::Simulator, to: &str) -> reqwest::Response {
        let form = form_urlencoded::Serializer::new(String::new())
            .append_pair("To", to)
            .append_pair("From", FROM)
            .append_pair("Body", "hi")
            .finish();
        post_form(sim, &form).await
    }

    #[tokio::test]
    async fn faults_over_http_write_nothing_and_latency_is_applied() {
        let sim = start_sim(&[FROM]).await;
        let slept = Arc::new(Mutex::new(Vec::<Duration>::new()));
        let log = slept.clone();
        sim.core.api_faults.set_sleep(Arc::new(move |d| {
            log.lock().unwrap().push(d);
            Box::pin(async {})
        }));
        let send = |to: &'static str| say_hi(&sim, to);
        sim.set_api_fault(
            FaultScope::Number(TO.into()),
            Some(ApiFault::RateLimit),
            1.0,
        );
        sim.set_api_fault(
            FaultScope::Number(OTHER.into()),
            Some(ApiFault::Latency { ms: 250 }),
            1.0,
        );
        let resp = send(TO).await;
        assert_eq!(resp.status(), 429);
        assert_error_shape(&resp.json().await.unwrap(), 20429, 429);
        sim.set_api_fault(
            FaultScope::Number(TO.into()),
            Some(ApiFault::ServerError),
            1.0,
        );
        let resp = send(TO).await;
        assert_eq!(resp.status(), 500);
        assert_error_shape(&resp.json().await.unwrap(), 20500, 500);
        assert!(sim.messages().is_empty());
        assert!(slept.lock().unwrap().is_empty());

        assert_eq!(send(OTHER).await.status(), 201);
        assert_eq!(*slept.lock().unwrap(), [Duration::from_millis(250)]);
        sim.set_api_fault(FaultScope::Number(TO.into()), None, 1.0);
        assert_eq!(send(TO).await.status(), 201);
        let sids: Vec<String> = sim.messages().iter().map(|m| m.sid.to_string()).collect();
        assert_eq!(
            sids,
            [
                "SM00000000000000000000000000000001",
                "SM00000000000000000000000000000002"
            ]
        );
    }

    #[tokio::test]
    async fn a_500_after_the_create_leaves_the_message_created_and_listed() {
        let sim = start_sim(&[FROM]).await;
        sim.set_api_fault(
            FaultScope::Global,
            Some(ApiFault::ServerErrorAfterCreate),
            1.0,
        );
        let send = |to: &'static str| say_hi(&sim, to);
        let resp = send(TO).await;
        assert_eq!(resp.status(), 500);
        // The same answer as a 500 that created nothing: the client cannot tell them apart.
        assert_error_shape(&resp.json().await.unwrap(), 20500, 500);
        let created: Vec<(String, String)> = sim
            .messages()
            .iter()
            .map(|m| (m.sid.to_string(), m.body.clone()))
            .collect();
        assert_eq!(
            created,
            [(
                "SM00000000000000000000000000000001".to_owned(),
                "hi".to_owned()
            )]
        );
        let page = get_json(
            &sim,
            &format!(
                "/2010-04-01/Accounts/{}/Messages.json?To=%2B14155552671&From=%2B14155550100",
                sim.account_sid()
            ),
        )
        .await;
        assert_eq!(
            page["messages"][0]["sid"],
            "SM00000000000000000000000000000001"
        );
        assert_eq!(page["messages"][0]["status"], "queued");
        // A request validation refuses created nothing and is answered with its refusal.
        let resp = send("+1415").await;
        assert_eq!(resp.status(), 400);
        assert_eq!(sim.messages().len(), 1);
        assert_eq!(sim.faults_struck().api_server_error_after_create, 1);
    }

    #[tokio::test]
    async fn list_faults_strike_lists_by_their_filters_and_leave_creates_alone() {
        let sim = start_sim(&[FROM]).await;
        assert_eq!(say_hi(&sim, TO).await.status(), 201);
        let list = |to: &str| {
            let path = format!(
                "/2010-04-01/Accounts/{}/Messages.json?To={}&From=%2B14155550100",
                sim.account_sid(),
                to.replace('+', "%2B")
            );
            authed(&sim, reqwest::Method::GET, &path).send()
        };
        sim.set_list_fault(
            FaultScope::Number(TO.into()),
            Some(ApiFault::ServerError),
            crate::Strikes::Next(1),
        );
        // A number rule matches the filter; the create between two numbers it names is not struck.
        assert_eq!(say_hi(&sim, TO).await.status(), 201);
        let resp = list(OTHER).await.unwrap();
        assert_eq!(resp.status(), 200, "another handset's list");
        let resp = list(TO).await.unwrap();
        assert_eq!(resp.status(), 500);
        assert_error_shape(&resp.json().await.unwrap(), 20500, 500);
        let resp = list(TO).await.unwrap();
        assert_eq!(resp.status(), 200, "the next list: the rule struck once");
        let page: serde_json::Value = resp.json().await.unwrap();
        assert_eq!(page["messages"].as_array().map(Vec::len), Some(2));

        // A 500 after the create has nothing to create on a list: the plain 500.
        sim.set_list_fault(
            FaultScope::Global,
            Some(ApiFault::ServerErrorAfterCreate),
            1.0,
        );
        assert_eq!(list(TO).await.unwrap().status(), 500);
        sim.set_list_fault(FaultScope::Global, Some(ApiFault::RateLimit), 1.0);
        let resp = list(TO).await.unwrap();
        assert_eq!(resp.status(), 429);
        assert_error_shape(&resp.json().await.unwrap(), 20429, 429);
        let tally = sim.faults_struck();
        assert_eq!(
            (
                tally.list_server_error,
                tally.list_rate_limit,
                tally.api_server_error,
                tally.api_rate_limit
            ),
            (2, 1, 0, 0)
        );
        sim.clear_faults();
        assert_eq!(list(TO).await.unwrap().status(), 200);
    }

    #[tokio::test]
    async fn the_control_api_sets_list_faults_and_refuses_one_after_a_create() {
        let sim = start_sim(&[FROM]).await;
        let post = |body: serde_json::Value| {
            reqwest::Client::new()
                .post(format!("{}/_sim/faults", sim.base_url()))
                .json(&body)
                .send()
        };
        let resp = post(serde_json::json!({"list": {"kind": "server_error_after_create"}}))
            .await
            .unwrap();
        assert_eq!(resp.status(), 400);
        let why: serde_json::Value = resp.json().await.unwrap();
        assert!(
            why["error"]
                .as_str()
                .is_some_and(|e| e.contains("a list creates nothing")),
            "{why}"
        );
        assert!(sim.core.list_faults.rules().is_empty(), "nothing set");
        let resp = post(serde_json::json!({"list": {"kind": "server_error"}, "next": 1}))
            .await
            .unwrap();
        assert_eq!(resp.status(), 200);
        assert_eq!(sim.core.list_faults.rules().len(), 1);
        assert!(
            sim.core.api_faults.rules().is_empty(),
            "the create's rules stay"
        );
    }

    #[tokio::test]
    async fn a_reset_after_the_create_leaves_the_message_created_and_no_answer() {
        let sim = start_sim(&[FROM]).await;
        sim.set_api_fault(
            FaultScope::Global,
            Some(ApiFault::ResetAfterCreate),
            crate::Strikes::Next(1),
        );
        let form = form_urlencoded::Serializer::new(String::new())
            .append_pair("To", TO)
            .append_pair("From", FROM)
            .append_pair("Body", "hi")
            .finish();
        // Whether hyper sends the head before it drops the connection or not, no answer can
        // be read whole.
        let answer = match post_form_result(&sim, &form).await {
            Ok(resp) => resp.bytes().await.map(|_| ()),
            Err(e) => Err(e),
        };
        assert!(answer.is_err(), "an answer was read: {answer:?}");
        assert_eq!(sim.messages().len(), 1, "created");
        assert_eq!(sim.faults_struck().api_reset_after_create, 1);
        // The next create is answered.
        assert_eq!(say_hi(&sim, TO).await.status(), 201);
    }

    #[tokio::test(start_paused = true)]
    async fn the_server_s_sleep_waits_the_latency() {
        let start = tokio::time::Instant::now();
        ApiFaultState::default()
            .sleep(Duration::from_millis(1500))
            .await;
        assert_eq!(start.elapsed(), Duration::from_millis(1500));
    }
}
