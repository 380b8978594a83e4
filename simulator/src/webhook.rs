//! Signed form POSTs from the simulated Twilio to the app (§4.1, §3.1, §6): the inbound message
//! webhook and status callbacks; and the debugger log of what went wrong with them. An inbound
//! webhook whose number (or Messaging Service) says `GET` is a GET instead: the parameters in
//! the URL's query (after any query the URL has), signed over that whole URL with no body
//! parameters, as §6 says of GET requests.
//!
//! Each request is `application/x-www-form-urlencoded` (spaces as `+`, as Twilio sends them),
//! signed over the exact URL string and the decoded parameters with the account's Auth Token
//! (`X-Twilio-Signature`), and carries `I-Twilio-Idempotency-Token` and
//! `User-Agent: TwilioProxy/1.1`. Redirects are not followed; the app's answer is returned as is.
//!
//! Connection overrides (<https://twilio.com/docs/usage/webhooks/webhooks-connection-overrides>):
//! a URL may end in a fragment such as `#rc=2&rp=5xx,rt&rt=2000`. The fragment is never sent
//! (HTTP does not send fragments), and the signature is computed over the URL **without** it,
//! the URL the app can rebuild from its request (UNCONFIRMED: Twilio does not say). Read:
//!
//! * `rc`: retries after a failed attempt, 0–5 (clamped); 1 when the fragment omits it;
//! * `rp`: which failures are retried, a comma list of `ct` (cannot connect), `rt` (no answer in
//!   time: a read timeout or an injected [`crate::WebhookFault::Timeout`]), `4xx`, `5xx`, `all`;
//!   `ct` when the fragment omits it;
//! * `rt`: the per-attempt timeout in milliseconds, 100–15000 (clamped), instead of 15 s;
//! * `ct`, `tt`, `e`, `sni`: accepted and ignored.
//!
//! A URL without a fragment is tried once: the simulator retries only when the URL asks (Twilio
//! documents a default of one retry on connection timeouts; the simulator leaves it out so that
//! an unreachable app fails fast). Retries follow at once, without waiting.
//!
//! Every attempt, with its request, signature, answer and duration, goes to the inspector's
//! journal (`inspector`, the page at `GET /`). Every failed attempt (no connection, timeout, or
//! an answer other than 2xx) is logged as
//! debugger error 11200 "HTTP retrieval failure" ([`crate::Simulator::errors`],
//! `GET /_sim/errors`).

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use twilio_wire::sid::MessageSid;
use twilio_wire::signature;

use crate::state::SimState;
use crate::transport::{self, TransportError};
use crate::{Core, SimError, WebhookFault};

/// A webhook's or status callback's form, in sending order: built once, then shared by its
/// attempts, its re-deliveries and the inspector's journal (no copy per attempt).
pub(crate) type Form = Arc<[(String, String)]>;

/// Twilio's webhook `User-Agent`.
pub(crate) const USER_AGENT: &str = "TwilioProxy/1.1";
/// How long Twilio waits for the TCP connection (two 5 s attempts, §4.1).
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// How long Twilio waits for the whole answer (§4.1).
const TOTAL_TIMEOUT: Duration = Duration::from_secs(15);
/// Most retries a connection override may ask for.
const MAX_RETRIES: u32 = 5;
/// The most of an app's answer that is read, in bytes: Twilio's 64 kB limit on a TwiML answer
/// (error 11750 "TwiML response body too large"; read as 64 KiB, 65,536 bytes). Reading stops
/// past it, so a huge answer costs no memory; the answer counts as too large.
pub(crate) const MAX_ANSWER_BYTES: usize = 64 * 1024;

/// Debugger code: the app could not be reached, did not answer in time, or answered non-2xx.
pub(crate) const HTTP_RETRIEVAL_FAILURE: u32 = 11200;
/// Debugger code: the answer is not a TwiML document.
pub(crate) const DOCUMENT_PARSE_FAILURE: u32 = 12100;
/// Debugger code: part of the TwiML was skipped.
pub(crate) const SCHEMA_VALIDATION_WARNING: u32 = 12200;
/// Debugger code: a `<Message to>` that is not a valid phone number.
pub(crate) const TO_ATTRIBUTE_INVALID: u32 = 14101;
/// Debugger code: a `<Message from>` that is not one of the account's numbers.
pub(crate) const FROM_ATTRIBUTE_INVALID: u32 = 14102;
/// Debugger code: a `<Message>` with no text and no media, or too much of either.
pub(crate) const INVALID_BODY: u32 = 14103;
/// Debugger code: the answer to the inbound webhook is over [`MAX_ANSWER_BYTES`].
pub(crate) const TWIML_TOO_LARGE: u32 = 11750;
/// Debugger code (a warning): more `<Message>` replies than Twilio sends for one inbound
/// message ([`crate::twiml::MAX_REPLIES`]).
pub(crate) const REPLY_LIMIT_EXCEEDED: u32 = 14109;

/// Twilio's title for a debugger `code` (ERR).
fn title(code: u32) -> &'static str {
    match code {
        HTTP_RETRIEVAL_FAILURE => "HTTP retrieval failure",
        DOCUMENT_PARSE_FAILURE => "Document parse failure",
        SCHEMA_VALIDATION_WARNING => "Schema validation warning",
        TO_ATTRIBUTE_INVALID => "\"To\" Attribute is Invalid",
        FROM_ATTRIBUTE_INVALID => "Message \"From\" Attribute is Invalid",
        INVALID_BODY => "Message Invalid Body",
        TWIML_TOO_LARGE => "TwiML response body too large",
        REPLY_LIMIT_EXCEEDED => "TwiML Reply message limit exceeded",
        _ => "Error",
    }
}

/// One entry of the simulator's debugger log, Twilio's Console "Debugger" in miniature.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DebuggerEvent {
    /// Twilio's error code: 11200 (HTTP retrieval failure), 11750 (TwiML answer over 64 KiB),
    /// 12100 (document parse failure), 12200 (schema validation warning), 14101/14102/14103
    /// (bad `<Message>` to/from/body), 14109 (more than 10 `<Message>` replies).
    pub code: u32,
    /// Twilio's title for the code, a colon, and what exactly happened, for example
    /// `HTTP retrieval failure: the app answered HTTP 500`.
    pub message: String,
    /// The message concerned: the inbound message for webhook and TwiML errors, the outbound one
    /// for status callbacks.
    pub sid: Option<MessageSid>,
    /// The URL requested, as configured (with any connection-override fragment), if any.
    pub url: Option<String>,
    /// When, by the simulator's clock (RFC 3339 in JSON).
    pub at: DateTime<Utc>,
}

/// Appends a debugger event for `code` with `detail`.
pub(crate) fn log(
    state: &mut SimState,
    at: DateTime<Utc>,
    code: u32,
    detail: &str,
    sid: Option<&MessageSid>,
    url: Option<&str>,
) {
    state.log_debugger(DebuggerEvent {
        code,
        message: format!("{}: {detail}", title(code)),
        sid: sid.cloned(),
        url: url.map(str::to_owned),
        at,
    });
}

/// The HTTP client for webhooks: Twilio's timeouts and user agent, no proxy, no redirects.
///
/// # Errors
/// [`SimError::Http`] when reqwest cannot build it.
pub(crate) fn client() -> Result<reqwest::Client, SimError> {
    reqwest::Client::builder()
        .user_agent(USER_AGENT)
        .connect_timeout(CONNECT_TIMEOUT)
        .timeout(TOTAL_TIMEOUT)
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy()
        .build()
        .map_err(SimError::Http)
}

/// What the app answered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Answer {
    /// HTTP status code.
    pub(crate) status: u16,
    /// Body as text (lossy UTF-8): at most [`MAX_ANSWER_BYTES`] of it.
    pub(crate) body: String,
    /// True when the body was longer than [`MAX_ANSWER_BYTES`] (reading stopped there).
    pub(crate) too_large: bool,
}

/// The connection overrides of a URL's fragment (see the module docs).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Overrides {
    /// Retries after the first attempt.
    pub(crate) retries: u32,
    /// Failure kinds that are retried: `ct`, `rt`, `4xx`, `5xx`, `all`.
    pub(crate) policy: Vec<String>,
    /// Per-attempt timeout, when given.
    pub(crate) read_timeout: Option<Duration>,
}

/// `url` without its fragment, and the connection overrides the fragment asks for.
pub(crate) fn split_overrides(url: &str) -> (&str, Overrides) {
    let Some((base, fragment)) = url.split_once('#') else {
        return (
            url,
            Overrides {
                retries: 0,
                policy: Vec::new(),
                read_timeout: None,
            },
        );
    };
    let mut o = Overrides {
        retries: 1,
        policy: vec!["ct".to_owned()],
        read_timeout: None,
    };
    for (key, value) in form_urlencoded::parse(fragment.as_bytes()) {
        match key.as_ref() {
            "rc" => {
                if let Ok(n) = value.trim().parse::<u32>() {
                    o.retries = n.min(MAX_RETRIES);
                }
            }
            "rp" => {
                o.policy = value
                    .split(',')
                    .map(|p| p.trim().to_ascii_lowercase())
                    .filter(|p| !p.is_empty())
                    .collect();
            }
            "rt" => {
                if let Ok(ms) = value.trim().parse::<u64>() {
                    o.read_timeout = Some(Duration::from_millis(ms.clamp(100, 15_000)));
                }
            }
            _ => {}
        }
    }
    (base, o)
}

/// How one attempt failed, for the retry policy.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Failure {
    /// No TCP connection (`ct`).
    Connect,
    /// No (complete) answer in time, or a broken answer (`rt`).
    Read,
    /// A 4xx answer.
    Client,
    /// A 5xx answer.
    Server,
    /// Another non-2xx answer (1xx, 3xx): never retried.
    Other,
}

impl Failure {
    fn retried_by(self, policy: &[String]) -> bool {
        let key = match self {
            Failure::Connect => "ct",
            Failure::Read => "rt",
            Failure::Client => "4xx",
            Failure::Server => "5xx",
            Failure::Other => return false,
        };
        policy.iter().any(|p| p == key || p == "all")
    }
}

/// How a delivery ended: its last attempt's result.
#[derive(Debug)]
pub(crate) enum Outcome {
    /// The app answered (any status; an injected server error answers 500).
    Answered(Answer),
    /// An injected [`WebhookFault::Timeout`] swallowed the answer.
    TimedOut,
    /// The request could not be sent or its answer read.
    Failed(TransportError),
}

/// The HTTP method of a webhook: Twilio's `SmsMethod` / `InboundMethod`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) enum Method {
    /// The parameters form-encoded in the body, signed with the URL (the default).
    #[default]
    Post,
    /// The parameters appended to the URL's query, signed as that whole URL with no body
    /// parameters (§6: a GET's signature covers the full URL).
    Get,
}

impl Method {
    /// `GET` or `POST`, any case; `None` for anything else.
    pub(crate) fn parse(s: &str) -> Option<Method> {
        match s.to_ascii_uppercase().as_str() {
            "POST" => Some(Method::Post),
            "GET" => Some(Method::Get),
            _ => None,
        }
    }

    /// `GET` or `POST`.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Method::Post => "POST",
            Method::Get => "GET",
        }
    }
}

/// The URL as the request line carries it: `url` in the WHATWG URL standard's serialization
/// (the `url` crate's, which the HTTP client sends), so that `'`, a space, a quote or a
/// non-ASCII character in the query reach the app percent-encoded (`it's` → `it%27s`) and the
/// `X-Twilio-Signature` is over that same text, as Twilio signs "the full URL Twilio requested"
/// and as twilio-node's validator, which reads the URL through `new URL()`, computes it
/// (reference §6.1, steps 1 and 6). A URL that does not parse is used as given.
pub(crate) fn requested_url(url: &str) -> std::borrow::Cow<'_, str> {
    match url::Url::parse(url) {
        Ok(parsed) if parsed.as_str() != url => std::borrow::Cow::Owned(parsed.into()),
        _ => std::borrow::Cow::Borrowed(url),
    }
}

/// `url` (no fragment) with `params` appended to its query, form-encoded as a GET webhook sends
/// them.
pub(crate) fn with_query(url: &str, params: &[(String, String)]) -> String {
    let query = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(params)
        .finish();
    if query.is_empty() {
        url.to_owned()
    } else if url.contains('?') {
        format!("{url}&{query}")
    } else {
        format!("{url}?{query}")
    }
}

/// One signed request of `params` to `url` (no fragment; for a GET, `url` carries them already),
/// over the network or in process (`transport`).
async fn post_once(
    core: &Core,
    method: Method,
    url: &str,
    params: &[(String, String)],
    idempotency_token: &str,
    signature: &str,
    timeout: Option<Duration>,
) -> Result<Answer, TransportError> {
    if method == Method::Post {
        if let Some(answer) = core
            .routes
            .post_form(url, signature, idempotency_token, params)
            .await
        {
            return Ok(Answer {
                status: answer.status,
                too_large: answer.body.len() > MAX_ANSWER_BYTES,
                body: String::from_utf8_lossy(
                    &answer.body[..answer.body.len().min(MAX_ANSWER_BYTES)],
                )
                .into_owned(),
            });
        }
    }
    let request = match method {
        Method::Post => core.http.post(url).form(params),
        Method::Get => core.http.get(url),
    };
    let mut request = request
        .header("X-Twilio-Signature", signature)
        .header("I-Twilio-Idempotency-Token", idempotency_token);
    if let Some(t) = timeout {
        request = request.timeout(t);
    }
    let request = request
        .build()
        .map_err(|e| TransportError::Read(e.to_string()))?;
    let answered = transport::execute(&core.routes, &core.http, request, MAX_ANSWER_BYTES).await?;
    Ok(Answer {
        status: answered.status,
        body: String::from_utf8_lossy(&answered.body).into_owned(),
        too_large: answered.truncated,
    })
}

/// POSTs `params` to `url` (which may carry connection overrides), signed, with
/// `idempotency_token`, retrying as the overrides ask. `fault` strikes the first attempt only.
/// Each failed attempt is logged as 11200 against `sid`. Never holds the state lock across a
/// request.
pub(crate) async fn deliver(
    core: &Core,
    url: &str,
    params: &Form,
    idempotency_token: &str,
    fault: Option<WebhookFault>,
    sid: &MessageSid,
) -> Outcome {
    deliver_as(
        core,
        Method::Post,
        url,
        params,
        idempotency_token,
        fault,
        sid,
    )
    .await
}

/// [`deliver`] with `method`: a GET sends `params` in the URL's query and signs that whole URL.
pub(crate) async fn deliver_as(
    core: &Core,
    method: Method,
    url: &str,
    params: &Form,
    idempotency_token: &str,
    fault: Option<WebhookFault>,
    sid: &MessageSid,
) -> Outcome {
    let (base, overrides) = split_overrides(url);
    let get_url;
    let (target, signed): (&str, &[(String, String)]) = match method {
        Method::Post => (base, &params[..]),
        Method::Get => {
            get_url = with_query(base, params);
            (&get_url, &[])
        }
    };
    let requested = requested_url(target);
    let target: &str = &requested;
    let signature = signature::sign(&core.auth_token, target, signed);
    let mut attempt = 0;
    loop {
        let (started, at) = (tokio::time::Instant::now(), core.clock.now());
        let outcome = match (attempt, fault) {
            (0, Some(WebhookFault::ServerError)) => Outcome::Answered(Answer {
                status: 500,
                body: String::new(),
                too_large: false,
            }),
            (0, Some(WebhookFault::Timeout)) => {
                // The app gets the request; its answer is too late to count.
                let _ = post_once(
                    core,
                    method,
                    target,
                    params,
                    idempotency_token,
                    &signature,
                    overrides.read_timeout,
                )
                .await;
                Outcome::TimedOut
            }
            _ => match post_once(
                core,
                method,
                target,
                params,
                idempotency_token,
                &signature,
                overrides.read_timeout,
            )
            .await
            {
                Ok(answer) => Outcome::Answered(answer),
                Err(e) => Outcome::Failed(e),
            },
        };
        record(
            core,
            Attempt {
                method,
                url,
                params,
                signature: &signature,
                token: idempotency_token,
                sid,
                number: attempt + 1,
                injected: attempt == 0 && fault.is_some(),
                at,
                took: started.elapsed(),
            },
            &outcome,
        );
        let (failure, detail) = match &outcome {
            Outcome::Answered(a) if (200..300).contains(&a.status) => return outcome,
            Outcome::Answered(a) => (
                match a.status {
                    400..=499 => Failure::Client,
                    500..=599 => Failure::Server,
                    _ => Failure::Other,
                },
                format!("the app answered HTTP {}", a.status),
            ),
            Outcome::TimedOut => (
                Failure::Read,
                "the app did not answer in time (injected timeout)".to_owned(),
            ),
            Outcome::Failed(e @ TransportError::Connect(_)) => (Failure::Connect, e.to_string()),
            Outcome::Failed(e @ TransportError::Read(_)) => (Failure::Read, e.to_string()),
        };
        {
            let mut state = core.state();
            log(
                &mut state,
                core.clock.now(),
                HTTP_RETRIEVAL_FAILURE,
                &detail,
                Some(sid),
                Some(url),
            );
        }
        if attempt < overrides.retries && failure.retried_by(&overrides.policy) {
            attempt += 1;
        } else {
            return outcome;
        }
    }
}

/// One delivery attempt, as the inspector's journal records it.
struct Attempt<'a> {
    method: Method,
    url: &'a str,
    params: &'a Form,
    signature: &'a str,
    token: &'a str,
    sid: &'a MessageSid,
    /// 1 for the first attempt.
    number: u32,
    /// Whether an injected fault struck it.
    injected: bool,
    at: DateTime<Utc>,
    took: Duration,
}

/// Records `attempt` and its `outcome` in the inspector's journal: an inbound webhook when the
/// message is inbound, a status callback otherwise.
fn record(core: &Core, attempt: Attempt<'_>, outcome: &Outcome) {
    let outcome = match outcome {
        Outcome::Answered(a) if attempt.injected => Err(format!(
            "injected fault: HTTP {} (the app was not called)",
            a.status
        )),
        Outcome::Answered(a) => Ok((a.status, a.body.clone())),
        Outcome::TimedOut => {
            Err("injected fault: no answer in time (the app got the request)".to_owned())
        }
        Outcome::Failed(e) => Err(e.to_string()),
    };
    let mut state = core.state();
    let inbound = state
        .find(attempt.sid)
        .is_some_and(|r| r.message.direction == twilio_wire::message::Direction::Inbound);
    state.journal.delivery(crate::inspector::Delivery {
        kind: if inbound {
            "inbound webhook"
        } else {
            "status callback"
        },
        sid: attempt.sid.clone(),
        method: attempt.method.as_str(),
        url: attempt.url.to_owned(),
        attempt: attempt.number,
        params: Arc::clone(attempt.params),
        signature: attempt.signature.to_owned(),
        token: attempt.token.to_owned(),
        outcome,
        at: attempt.at,
        took: attempt.took,
    });
}

impl crate::Simulator {
    /// The debugger log, oldest first: every failed webhook or status-callback attempt (11200),
    /// every TwiML answer over 64 KiB (11750), that could not be read (12100) or was partly
    /// skipped (12200), every `<Message>` reply refused for its `to` (14101), `from` (14102) or
    /// body (14103), and every answer with more than 10 replies (14109). Only the newest
    /// [`crate::SimConfig::retain`] events are kept.
    pub fn errors(&self) -> Vec<DebuggerEvent> {
        self.core.state().debugger()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overrides_come_from_the_fragment_only() {
        let (url, o) = split_overrides("http://127.0.0.1:9/sms?x=1");
        assert_eq!(url, "http://127.0.0.1:9/sms?x=1");
        assert_eq!(o.retries, 0);

        let (url, o) = split_overrides("http://127.0.0.1:9/sms?x=1#rc=3&rp=5xx,RT&rt=50&ct=100");
        assert_eq!(url, "http://127.0.0.1:9/sms?x=1");
        assert_eq!(o.retries, 3);
        assert_eq!(o.policy, ["5xx", "rt"]);
        assert_eq!(o.read_timeout, Some(Duration::from_millis(100)));

        let (_, o) = split_overrides("http://h/s#rc=9");
        assert_eq!(
            (o.retries, o.policy.as_slice()),
            (5, ["ct".to_owned()].as_slice())
        );
        let (_, o) = split_overrides("http://h/s#tt=1000");
        assert_eq!(o.retries, 1);
    }

    #[test]
    fn retry_policy() {
        let p = |s: &[&str]| s.iter().map(|x| (*x).to_owned()).collect::<Vec<_>>();
        assert!(Failure::Server.retried_by(&p(&["5xx"])));
        assert!(!Failure::Server.retried_by(&p(&["ct", "4xx"])));
        assert!(Failure::Read.retried_by(&p(&["all"])));
        assert!(Failure::Connect.retried_by(&p(&["ct"])));
        assert!(!Failure::Other.retried_by(&p(&["all"])));
        assert_eq!(title(12100), "Document parse failure");
    }
}
