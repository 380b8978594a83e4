//! A simulated Twilio Programmable Messaging provider (2010-04-01 Messages API) served over real
//! HTTP on `127.0.0.1`, for offline tests of an app that talks to Twilio.
//!
//! Section numbers (§) refer to `../shared/reference/twilio-messaging.md` (beside the
//! repository). Start one with [`Simulator::start`]; point a Twilio client at
//! [`Simulator::base_url`]; play handsets with [`Simulator::send_inbound`] and look at what they
//! received with [`Simulator::messages_to`].
//!
//! A tour of the modules:
//!
//! * `state`: everything the simulated account holds (records of messages, their media and
//!   inbound deliveries, the owned numbers, the SMS URL, the SID counters), behind one
//!   `std::sync::Mutex` that is never held across an `.await`. Messages live in a B-tree keyed
//!   by SID counter, within a retention window ([`SimConfig::retain`], 100,000 by default): the
//!   oldest *settled* messages (final, with no status change, callback or webhook delivery
//!   pending, each of which holds its message) are dropped first, so memory stays flat over a
//!   long run; a message in flight is never dropped. Indexes of `To`, `From` and `DateSent`
//!   are kept in step with it for the lists, and the messages are shared (`Arc`) so that a list
//!   copies pointers under the lock and serialises after it. Read as you go with
//!   [`Simulator::messages_after`] and [`Simulator::message`].
//! * `stored`: a message as stored, compact and typed (instants, counts, the SID inline, no
//!   copy of the account-wide fields), written out as the §2.3 JSON on demand, byte for byte
//!   what `twilio_wire::message::Message` serialises.
//! * `api`: the Twilio REST surface: create, list, fetch, update (redact, cancel) and delete of
//!   Messages (§2.1); Twilio-shaped 404s and 405s for anything else. Its child `api::respond`
//!   holds what the Media handlers share with it: HTTP Basic auth and Twilio's error answers.
//! * `inspector`: `GET /`, an HTML page of the account, faults, messages with their status
//!   history, webhook and status-callback deliveries and the debugger log, refreshing itself;
//!   its journal of status changes and deliveries lives in the state.
//! * `keys`: API keys (`SK…` + secret), their REST resource, and the second pair of Basic-auth
//!   credentials they are (§1); kept behind their own lock in `Core`.
//! * `phone_numbers`: IncomingPhoneNumbers, the owned numbers as REST resources (`PN…`), each
//!   with its own `sms_url` (several apps can share one simulator) and capabilities.
//! * `services`: Messaging Services (`messaging.twilio.com/v1`, served under `/messaging/v1/` and
//!   `/v1/`): sender pools, sticky senders, the service's status callback and inbound URL.
//! * `validate`: the synchronous 400 checks of a create request (§2.2), in a fixed order.
//! * `list`: list queries, date filters and paging (§2.4); a page of messages is read around
//!   its token through the B-tree and the indexes (`state`), about O(page) whatever is retained.
//! * `media`: fetching `MediaUrl` files at create time and the Media subresource (§2.5, §9).
//! * `testcreds`: the test credentials and their magic numbers (§10).
//! * `api_faults`: injected 429 / 500 / latency faults of the create API and of the message
//!   list ([`ApiFault`]).
//! * `numbers`: phone-number validity through libphonenumber (`rlibphonenumber`).
//! * segment counting lives in `twilio_wire::segments` (§8), shared with the engine.
//! * `handsets`: messages from handsets to the account (inbound, §4.1).
//! * `webhook`: signed form POSTs from "Twilio" to the app (`X-Twilio-Signature`, §6),
//!   connection-override retries, and the debugger log ([`DebuggerEvent`]).
//! * `delivery`: carrier profiles ([`CarrierProfile`]), the outbound status lifecycle on the
//!   timetable [`DeliveryTiming`] (final 2.5 s after creation by default) driven by
//!   [`Simulator::run_due`], and status callbacks (§3, §3.1).
//! * `optout`: Twilio's STOP/START/HELP keyword handling and the 21610 block (§7).
//! * `twiml`: reading the app's TwiML answer to the inbound webhook (§4.2).
//! * `faults`: seeded, injected webhook and status-callback faults ([`WebhookFault`],
//!   [`CallbackFault`], [`FaultScope`]).
//! * `memory`: giving the freed store back to the system after a reset (glibc `malloc_trim`).
//! * `transport`: how the simulator's own requests reach the app: reqwest over the network, or
//!   an app registered with [`Simulator::route_in_process`] called without sockets, or, below
//!   HTTP, a [`FormReceiver`] ([`Simulator::receive_forms_in_process`]) handed the signed forms
//!   as values.
//! * `control`: the JSON control API under `/_sim/` for tools outside the process (messages,
//!   inbound, sms_url, reset, flush, carrier, optout, faults, errors, numbers), one table of
//!   routes in its docs.
//! * `serve`: the HTTP server: hyper HTTP/1.1 connections closed after
//!   [`SimConfig::header_read_timeout`] without a request head (stalled or idle), accept errors
//!   (`EMFILE`) backed off, a graceful stop.
//! * `body`: request bodies read whole with a limit and [`SimConfig::body_read_timeout`]; the
//!   REST API's form body, refused in Twilio's error JSON (413 / 20413, 408, 400).
//! * [`loopback`]: axum middleware that refuses a non-loopback `Host` (every route of the served
//!   app) or `Origin` (the control API), around [`twilio_wire::loopback`]'s checks; reusable.
//! * [`error`]: the error type [`SimError`], what driving the simulator can fail with.
//!
//! Everything is deterministic: message SIDs are `SM`/`MM` + a per-simulator counter shared by
//! inbound and outbound messages, media SIDs `ME` + their own counter, and every timestamp comes
//! from the injected [`SimClock`].

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use twilio_wire::message::{Message, MessageStatus};
use twilio_wire::sid::{AccountSid, MessageSid};

mod api;
mod api_faults;
mod body;
mod control;
mod delivery;
pub mod error;
mod faults;
mod handsets;
mod inspector;
mod keys;
mod list;
pub mod loopback;
mod media;
mod memory;
mod numbers;
mod optout;
mod phone_numbers;
mod serve;
mod services;
mod state;
mod stored;
mod testcreds;
mod transport;
mod twiml;
mod validate;
mod webhook;

#[cfg(test)]
mod fidelity_tests;
#[cfg(test)]
mod retention_tests;
#[cfg(test)]
mod test_support;

pub use api::RestForms;
pub use api_faults::ApiFault;
pub use delivery::{CarrierProfile, DeliveryTiming, RefusedCallbacks};
pub use error::SimError;
pub use faults::{CallbackFault, FaultScope, FaultTally, Strikes, WebhookFault};
pub use keys::KeyError;
pub use optout::classify as opt_out_keyword;
pub use phone_numbers::NumberUpdate;
pub use services::ServiceSetup;
pub use state::DEFAULT_RETAIN;
pub use testcreds::{DEFAULT_TEST_ACCOUNT_SID, DEFAULT_TEST_AUTH_TOKEN};
pub use transport::{FormAnswer, FormReceiver, PostedForm, TransportError};
pub use webhook::DebuggerEvent;

/// Where the simulator's timestamps come from (`date_created`, `date_updated`, `date_sent`).
pub trait SimClock: Send + Sync {
    /// The current instant, in UTC.
    fn now(&self) -> DateTime<Utc>;
}

/// The default of [`SimConfig::header_read_timeout`] and [`SimConfig::body_read_timeout`].
pub const DEFAULT_READ_TIMEOUT: Duration = Duration::from_secs(30);

/// How to start a [`Simulator`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SimConfig {
    /// TCP port on 127.0.0.1 to listen on; 0 lets the OS choose (read it back with
    /// [`Simulator::base_url`]).
    pub port: u16,
    /// The simulated account's SID, `AC` + 32 hex; the Basic-auth username and the
    /// `{AccountSid}` in every API path.
    pub account_sid: String,
    /// The account's Auth Token: the Basic-auth password and the webhook signing key. Not empty.
    pub auth_token: String,
    /// E.164 numbers the account owns (`+14155552671`): the only valid `From` of a send and the
    /// only numbers handsets can text.
    pub numbers: Vec<String>,
    /// The owned numbers' messaging webhook ("A message comes in" URL), if configured.
    pub sms_url: Option<String>,
    /// The test credentials' Account SID (§10), `AC` + 32 hex, different from `account_sid`:
    /// with it and `test_auth_token` the API only creates messages against the magic numbers
    /// and records nothing (see `testcreds`).
    pub test_account_sid: String,
    /// The test credentials' Auth Token. Not empty.
    pub test_auth_token: String,
    /// The retention window, in messages (default 100,000): whenever more are stored, the oldest
    /// *settled* ones are dropped until this many remain. Settled means in a final status
    /// (`delivered`, `undelivered`, `failed`, `received`, `read`, `partially_delivered`,
    /// `canceled`) with nothing pending: no scheduled status change, no status callback waiting
    /// (delayed, held back) or being POSTed, no inbound webhook delivery in progress. A message
    /// still in flight is never dropped, however old, so more than `retain` may be stored for a
    /// while. A dropped message (and its media) answers 404 as a deleted one does; SID counters
    /// and [`Simulator::outbound_created`] are unaffected. The debugger log
    /// ([`Simulator::errors`]) and Twilio's keyword auto-replies keep their newest `retain`
    /// entries. `usize::MAX` keeps everything; 0 drops each message as soon as it is settled.
    /// Change it later with [`Simulator::set_retention`].
    pub retain: usize,
    /// How long a connection may take to send a whole request head (request line and headers),
    /// and how long it may stay idle on keep-alive waiting for the next one, before the server
    /// closes it (default 30 s; hyper's `header_read_timeout`). Must be more than zero.
    pub header_read_timeout: Duration,
    /// How long a request's body may take to arrive whole once its head has (default 30 s):
    /// past it the request is answered 408. Must be more than zero.
    pub body_read_timeout: Duration,
    /// When an outbound message's statuses change after it is `queued` (`sending`, `sent`, the
    /// final status); default [`DeliveryTiming::REALISTIC`]: final 2.5 s after creation. Kept
    /// by [`Simulator::reset`].
    pub timing: DeliveryTiming,
}

impl SimConfig {
    /// The deterministic test configuration: port 0, account `AC00000000000000000000000000000001`,
    /// auth token `0123456789abcdef0123456789abcdef`, no numbers, no webhook; test credentials
    /// [`DEFAULT_TEST_ACCOUNT_SID`] (`AC00000000000000000000000000007e57`) /
    /// [`DEFAULT_TEST_AUTH_TOKEN`] (`7e577e577e577e577e577e577e577e57`); retention 100,000
    /// messages; header-read and body-read timeouts of 30 s; delivery timing
    /// [`DeliveryTiming::REALISTIC`].
    pub fn for_tests() -> Self {
        SimConfig {
            port: 0,
            account_sid: AccountSid::from_counter(1).to_string(),
            auth_token: "0123456789abcdef0123456789abcdef".to_owned(),
            numbers: Vec::new(),
            sms_url: None,
            test_account_sid: DEFAULT_TEST_ACCOUNT_SID.to_owned(),
            test_auth_token: DEFAULT_TEST_AUTH_TOKEN.to_owned(),
            retain: state::DEFAULT_RETAIN,
            header_read_timeout: DEFAULT_READ_TIMEOUT,
            body_read_timeout: DEFAULT_READ_TIMEOUT,
            timing: DeliveryTiming::default(),
        }
    }
}

/// One picture or file of a handset's MMS ([`Simulator::send_inbound_media`]): where the
/// carrier fetched it from, and its MIME type when the handset says (a URL without an extension,
/// `https://cdn.example/media/7f3a`, as Twilio's own media URLs are). Without one, the type is
/// read from the URL's extension ([`InboundMedia::type_of_url`]). The webhook's
/// `MediaContentType{N}` carries it as a bare type in lower case (`image/heic`: parameters such
/// as `; charset=utf-8` are dropped, as Twilio's examples of it show bare types) (§4.1).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InboundMedia {
    /// The file's URL: absolute http(s) when made by [`InboundMedia::checked`].
    pub url: String,
    /// Its MIME type (`image/png`, `application/pdf`), or `None` to read it from the URL.
    pub content_type: Option<mime::Mime>,
}

impl InboundMedia {
    /// A file whose type is read from its URL's extension (the URL unchecked).
    pub fn at(url: impl Into<String>) -> Self {
        InboundMedia {
            url: url.into(),
            content_type: None,
        }
    }

    /// A file a handset can send: `url` an absolute http(s) URL, `content_type` (when given)
    /// one MIME type, `type/subtype` without a wildcard, read case-insensitively.
    ///
    /// # Errors
    /// [`SimError::InvalidMedia`] saying which of the two is wrong and what was expected.
    pub fn checked(url: &str, content_type: Option<&str>) -> Result<Self, SimError> {
        let absolute = url::Url::parse(url)
            .is_ok_and(|u| matches!(u.scheme(), "http" | "https") && u.host().is_some());
        if !absolute {
            return Err(SimError::InvalidMedia(format!(
                "media URL '{}' is not an absolute http(s) URL; expected one such as \
                 https://cdn.example.com/photo.jpg",
                control::shortened(url)
            )));
        }
        let content_type = match content_type {
            None => None,
            Some(t) => Some(
                t.parse::<mime::Mime>()
                    .ok()
                    .filter(|m| m.type_() != mime::STAR && m.subtype() != mime::STAR)
                    .ok_or_else(|| {
                        SimError::InvalidMedia(format!(
                            "content type '{}' is not a MIME type; expected one such as \
                             image/png or application/pdf",
                            control::shortened(t)
                        ))
                    })?,
            ),
        };
        Ok(InboundMedia {
            url: url.to_owned(),
            content_type,
        })
    }

    /// The MIME type the simulated handset sends for a file named `url` when none is given:
    /// from its path's extension (`.jpg` and `.jpeg` `image/jpeg`, `.png`, `.gif`, `.webp`,
    /// `.mp4`, `.mp3`, `.pdf`, `.vcf`, `.txt`), else `application/octet-stream`.
    pub fn type_of_url(url: &str) -> &'static str {
        state::guess_content_type(url)
    }

    /// The MIME type the webhook reports for it: the one given (bare), else its URL's.
    pub fn content_type(&self) -> String {
        match &self.content_type {
            Some(m) => m.essence_str().to_owned(),
            None => Self::type_of_url(&self.url).to_owned(),
        }
    }

    /// Whether agents see it as an image: its type is `image/*`.
    pub fn is_image(&self) -> bool {
        self.content_type().starts_with("image/")
    }
}

/// What became of a handset's text: the inbound message it was recorded as, and what the app
/// answered to its webhook. As JSON (`POST /_sim/inbound`): `{"sid", "http_status", "body"}`, or
/// `{"sid"}` alone when no SMS URL applied; reading JSON refuses one of `http_status` and `body`
/// without the other, and any other key.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "InboundDeliveryJson")]
pub struct InboundDelivery {
    /// The inbound message's SID (`SM…`, or `MM…` with media).
    pub sid: MessageSid,
    /// The app's answer; `None` when no SMS URL applies to the texted number, so that nothing was
    /// posted: Twilio then records the message, handles an opt-out keyword and sends its default
    /// reply to any other text (§7, see the `optout` module).
    #[serde(flatten)]
    pub answer: Option<WebhookAnswer>,
}

impl InboundDelivery {
    /// The HTTP status the app answered with, or `None` when nothing was posted (no SMS URL).
    pub fn http_status(&self) -> Option<u16> {
        self.answer.as_ref().map(|a| a.http_status)
    }
}

/// [`InboundDelivery`] as JSON, read strictly: serde's `flatten` of an `Option` would read a
/// broken answer (a `body` without its `http_status`) as no answer at all.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct InboundDeliveryJson {
    sid: MessageSid,
    http_status: Option<u16>,
    body: Option<String>,
}

impl TryFrom<InboundDeliveryJson> for InboundDelivery {
    type Error = String;

    fn try_from(json: InboundDeliveryJson) -> Result<Self, String> {
        let answer = match (json.http_status, json.body) {
            (Some(http_status), Some(body)) => Some(WebhookAnswer { http_status, body }),
            (None, None) => None,
            (status, _) => {
                let (has, lacks) = if status.is_some() {
                    ("http_status", "body")
                } else {
                    ("body", "http_status")
                };
                return Err(format!(
                    "`{has}` without `{lacks}`: the app's answer has both, and a text posted \
                     nowhere (no SMS URL) neither"
                ));
            }
        };
        Ok(InboundDelivery {
            sid: json.sid,
            answer,
        })
    }
}

/// The app's answer to an inbound webhook.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebhookAnswer {
    /// The HTTP status the app answered with (200 expected).
    pub http_status: u16,
    /// The body the app answered with (TwiML, or empty), as text (invalid UTF-8 replaced): at
    /// most its first 65,536 bytes. A 2xx answer longer than that is Twilio's error 11750 and is
    /// not carried out (see [`Simulator::errors`]).
    pub body: String,
}

/// What the HTTP handlers and the [`Simulator`] handle share.
pub(crate) struct Core {
    pub(crate) account_sid: AccountSid,
    pub(crate) auth_token: String,
    /// The `Authorization` header value of the live credentials as clients send it,
    /// `Basic base64(AccountSid:AuthToken)`: the common request is authenticated by comparing
    /// it, without decoding (`api::respond::authenticate`).
    pub(crate) live_authorization: String,
    /// `http://127.0.0.1:PORT`, no trailing slash.
    pub(crate) base_url: String,
    pub(crate) clock: Arc<dyn SimClock>,
    /// HTTP client for webhooks to the app.
    pub(crate) http: reqwest::Client,
    /// HTTP client for fetching `MediaUrl` files (`media`).
    pub(crate) media_http: reqwest::Client,
    /// The test credentials (`testcreds`).
    pub(crate) test_credentials: testcreds::TestCredentials,
    /// Injected create-API faults (`api_faults`).
    pub(crate) api_faults: api_faults::ApiFaultState,
    /// Injected faults of the message list, `GET …/Messages.json` (`api_faults`).
    pub(crate) list_faults: api_faults::ApiFaultState,
    /// Apps called in process instead of over the network (`transport`).
    pub(crate) routes: transport::Routes,
    /// [`SimConfig::body_read_timeout`] (`body`).
    pub(crate) body_read_timeout: Duration,
    /// The account's API keys, behind their own lock ([`keys`]).
    pub(crate) keys: keys::Keys,
    /// How many status callbacks `Simulator::run_due_detached` may be POSTing at once to each
    /// origin (scheme, host and port of the URL: one app), [`delivery::DETACHED_CALLBACKS`];
    /// the others to that origin wait for a slot.
    pub(crate) callback_slots:
        Mutex<std::collections::HashMap<String, Arc<tokio::sync::Semaphore>>>,
    state: Mutex<state::SimState>,
}

impl Core {
    /// Locks the state. Never hold the guard across an `.await`.
    pub(crate) fn state(&self) -> MutexGuard<'_, state::SimState> {
        // A panic while holding the lock leaves plain data behind; keep serving it.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// The HTTP app on `core`: the Twilio API and the control API.
fn app(core: &Arc<Core>) -> axum::Router {
    api::router()
        .merge(keys::router())
        .merge(phone_numbers::router())
        .merge(services::router())
        .merge(inspector::router())
        .merge(control::router())
        .with_state(core.clone())
}

/// [`app`] as the server serves it: behind the loopback `Host` check (see [`loopback`]).
fn served_app(core: &Arc<Core>) -> axum::Router {
    app(core).layer(axum::middleware::from_fn_with_state(
        loopback::simulator_error as loopback::Render,
        loopback::require_loopback_host,
    ))
}

/// A running simulated Twilio on `127.0.0.1`. Dropping it stops the server too; prefer
/// [`Simulator::shutdown`], which waits until it has stopped.
pub struct Simulator {
    core: Arc<Core>,
    stop: Option<oneshot::Sender<()>>,
    server: Option<JoinHandle<()>>,
}

impl Simulator {
    /// Binds `127.0.0.1:{config.port}` and starts serving the Twilio API and the `/_sim` control
    /// API. Timestamps come from `clock`.
    ///
    /// # Errors
    /// [`SimError::InvalidConfig`] when `account_sid` is not `AC` + 32 hex, `auth_token` is
    /// empty or a read timeout is zero; [`SimError::Bind`] when the port cannot be bound; [`SimError::Http`] when the
    /// webhook HTTP client cannot be built.
    pub async fn start(config: SimConfig, clock: Arc<dyn SimClock>) -> Result<Simulator, SimError> {
        let account_sid = AccountSid::parse(&config.account_sid)
            .map_err(|e| SimError::InvalidConfig(e.to_string()))?;
        if config.auth_token.is_empty() {
            return Err(SimError::InvalidConfig(
                "the auth token is empty; expected a secret such as 32 hex digits".to_owned(),
            ));
        }
        let test_account_sid = AccountSid::parse(&config.test_account_sid)
            .map_err(|e| SimError::InvalidConfig(format!("test_account_sid: {e}")))?;
        if test_account_sid
            .as_str()
            .eq_ignore_ascii_case(account_sid.as_str())
            || config.test_auth_token.is_empty()
        {
            return Err(SimError::InvalidConfig(
                "the test credentials need their own account SID and a non-empty token".to_owned(),
            ));
        }
        for (name, timeout) in [
            ("header_read_timeout", config.header_read_timeout),
            ("body_read_timeout", config.body_read_timeout),
        ] {
            if timeout.is_zero() {
                return Err(SimError::InvalidConfig(format!(
                    "{name} is zero; expected a duration such as 30 s"
                )));
            }
        }
        let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, config.port));
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .map_err(|source| SimError::Bind {
                port: config.port,
                source,
            })?;
        let local = listener.local_addr().map_err(|source| SimError::Bind {
            port: config.port,
            source,
        })?;
        let core = Arc::new(Core {
            live_authorization: api::respond::basic_authorization(
                account_sid.as_str(),
                &config.auth_token,
            ),
            account_sid: account_sid.clone(),
            auth_token: config.auth_token,
            base_url: format!("http://{local}"),
            clock,
            http: webhook::client()?,
            media_http: media::client()?,
            test_credentials: testcreds::TestCredentials::new(
                test_account_sid,
                config.test_auth_token,
            ),
            api_faults: api_faults::ApiFaultState::default(),
            list_faults: api_faults::ApiFaultState::new("list"),
            routes: transport::Routes::default(),
            body_read_timeout: config.body_read_timeout,
            keys: keys::Keys::default(),
            callback_slots: Mutex::default(),
            state: Mutex::new({
                let mut state = state::SimState::new(
                    account_sid.clone(),
                    config.numbers,
                    config.sms_url,
                    config.retain,
                );
                state.delivery.timing = config.timing;
                state
            }),
        });
        {
            // Every number the account starts with gets its IncomingPhoneNumber settings now.
            let now = core.clock.now();
            let mut state = core.state();
            for number in state.numbers().to_vec() {
                state.phone_numbers.ensure(&number, now);
            }
        }
        let app = served_app(&core);
        let (stop, stopped) = oneshot::channel::<()>();
        let server = tokio::spawn(serve::run(
            listener,
            app,
            config.header_read_timeout,
            stopped,
        ));
        Ok(Simulator {
            core,
            stop: Some(stop),
            server: Some(server),
        })
    }

    /// The simulator's HTTP app (the Twilio API and the `/_sim/` control API), to call in
    /// process with tower's `oneshot` instead of over loopback: the same handlers the server
    /// runs, on the same state. Requests are routed by path; the host does not matter (the
    /// server's loopback `Host` check, see [`loopback`], guards the socket only).
    pub fn app(&self) -> axum::Router {
        app(&self.core)
    }

    /// From now on, the webhooks, status callbacks and `MediaUrl` fetches whose URL starts with
    /// `base_url` (`http://host:port`, a trailing `/` ignored) go to `app` in process (tower
    /// `oneshot`) instead of over the network: the same signed request, without sockets,
    /// timeouts or redirects. Registering a base URL again replaces its app.
    pub fn route_in_process(&self, base_url: &str, app: axum::Router) {
        self.core.routes.set(base_url, app);
    }

    /// The create-message route taken as values, below HTTP ([`RestForms::create_message`]):
    /// for an app that sends in process (`convsms soak`'s `inproc` transport).
    pub fn rest_forms(&self) -> RestForms {
        RestForms::new(self.core.clone())
    }

    /// From now on, the signed form POSTs (inbound-message webhooks and status callbacks) whose
    /// URL starts with `base_url` are offered to `receiver` as values
    /// ([`PostedForm`]: URL, `X-Twilio-Signature`, parameters) before anything else:
    /// no request is built, encoded or routed. What it declines goes on as before (to the app of
    /// [`Simulator::route_in_process`], or over the network). Faults, retries, timeouts of the
    /// connection overrides and the debugger log are the simulator's, as for any request.
    pub fn receive_forms_in_process(
        &self,
        base_url: &str,
        receiver: std::sync::Arc<dyn FormReceiver>,
    ) {
        self.core.routes.set_form_receiver(base_url, receiver);
    }

    /// Makes the SID counters count on from above `counter`: the next message SID is at least
    /// `SM`/`MM` + (`counter` + 1) in 32 hex digits, and likewise the next media `ME` SID. A
    /// simulator started again beside an app's database that holds SIDs of an earlier run (as
    /// `convsms serve` does on restart) uses it so that no new SID repeats a stored one. Counters
    /// never move back: a `counter` below the current one changes nothing.
    pub fn count_sids_from(&self, counter: u64) {
        self.core.state().count_sids_from(counter);
    }

    /// The server's base URL, `http://127.0.0.1:PORT` (no trailing slash); the Twilio API lives
    /// under `{base_url}/2010-04-01/`.
    pub fn base_url(&self) -> String {
        self.core.base_url.clone()
    }

    /// The account SID, `AC` + 32 hex.
    pub fn account_sid(&self) -> &str {
        self.core.account_sid.as_str()
    }

    /// The account's Auth Token.
    pub fn auth_token(&self) -> &str {
        &self.core.auth_token
    }

    /// The test credentials' Account SID (§10, [`SimConfig::test_account_sid`]).
    pub fn test_account_sid(&self) -> &str {
        self.core.test_credentials.account_sid.as_str()
    }

    /// The test credentials' Auth Token ([`SimConfig::test_auth_token`]).
    pub fn test_auth_token(&self) -> &str {
        &self.core.test_credentials.auth_token
    }

    /// Gives the account the number `e164` (for example `+14155552671`), so it can send from it and
    /// handsets can text it. Adding a number twice is harmless.
    pub fn add_number(&self, e164: &str) {
        let now = self.core.clock.now();
        let mut state = self.core.state();
        state.add_number(e164);
        if let Some(held) = state.owned(e164).map(str::to_owned) {
            state.phone_numbers.ensure(&held, now);
        }
    }

    /// Sets the account numbers' messaging webhook to `url` (absolute http(s) URL), replacing any
    /// earlier one.
    pub fn set_sms_url(&self, url: &str) {
        self.core.state().set_sms_url(url);
    }

    /// A handset `from` texts the account number `to` with `body` and, optionally, media (absolute
    /// URLs of the original files). The simulator records the inbound Message (direction
    /// `inbound`, status `received`, `MM` SID when there is media), POSTs the signed webhook of
    /// §4.1 to the SMS URL (all parameters, including the empty geo fields; headers
    /// `X-Twilio-Signature`, `I-Twilio-Idempotency-Token`, `User-Agent: TwilioProxy/1.1`) and
    /// returns what the app answered. The webhook's `MediaUrlN` point at the simulator's media
    /// URLs `{base_url}/2010-04-01/Accounts/AC…/Messages/MM…/Media/ME…`, as Twilio's do. An
    /// opt-out keyword is handled first (§7, see `optout`), and a 2xx TwiML answer is carried out
    /// (replies, §4.2, see `handsets`); a non-2xx answer is reported here and logged as 11200.
    /// When no SMS URL applies to `to`, the message is recorded, posted nowhere, and `answer` is
    /// `None`: an opt-out keyword is handled all the same, and any other text gets Twilio's
    /// default reply (§7, see `optout`).
    ///
    /// # Errors
    /// [`SimError::NotAccountNumber`] when `to` is not one of the account's numbers and
    /// [`SimError::NotSmsCapable`] when it cannot receive SMS (nothing is recorded in either case);
    /// [`SimError::Webhook`] when the app cannot be reached or does not answer within 15 s,
    /// [`SimError::WebhookTimeout`] when an injected timeout fault swallowed the answer (the
    /// message stays recorded and can be re-delivered).
    pub async fn send_inbound(
        &self,
        from: &str,
        to: &str,
        body: &str,
        media_urls: &[String],
    ) -> Result<InboundDelivery, SimError> {
        let media: Vec<InboundMedia> = media_urls.iter().map(InboundMedia::at).collect();
        handsets::send_inbound(&self.core, from, to, body, &media).await
    }

    /// [`Simulator::send_inbound`] of an MMS whose media may each carry the MIME type the handset
    /// gives ([`InboundMedia`]): the webhook's `MediaContentType{N}` is that type, whatever the
    /// URL's name says.
    ///
    /// # Errors
    /// As for [`Simulator::send_inbound`].
    pub async fn send_inbound_media(
        &self,
        from: &str,
        to: &str,
        body: &str,
        media: &[InboundMedia],
    ) -> Result<InboundDelivery, SimError> {
        handsets::send_inbound(&self.core, from, to, body, media).await
    }

    /// Re-delivers the webhook of the earlier inbound message `sid` exactly as before (same URL,
    /// same parameters, same `I-Twilio-Idempotency-Token`, freshly signed), as Twilio does on a
    /// retry.
    ///
    /// # Errors
    /// [`SimError::UnknownInbound`] when `sid` is not an inbound message of this simulator whose
    /// webhook was posted (retained; one recorded while no SMS URL applied has none);
    /// [`SimError::Webhook`] as for [`Simulator::send_inbound`].
    pub async fn redeliver_inbound(&self, sid: &MessageSid) -> Result<InboundDelivery, SimError> {
        handsets::redeliver_inbound(&self.core, sid).await
    }

    /// Every retained message sent to `to` (what that handset received, or for an account
    /// number what handsets sent it), with Twilio's retained auto-replies to it, oldest
    /// first. O(n) in the retained messages.
    pub fn messages_to(&self, to: &str) -> Vec<Message> {
        self.core.state().messages_to(to)
    }

    /// How many outbound messages (API creates, TwiML replies) were ever created, deleted and
    /// dropped ones included: the same cost however many messages the simulator holds.
    pub fn outbound_created(&self) -> u64 {
        self.core.state().outbound_created()
    }

    /// Every retained message (see [`SimConfig::retain`]), inbound and outbound, oldest first.
    /// O(n): it copies them all, under the state lock; a harness reading as it goes should use
    /// [`Simulator::messages_after`].
    pub fn messages(&self) -> Vec<Message> {
        self.core.state().messages()
    }

    /// At most `limit` retained messages whose SID counter (the number in the SID,
    /// [`MessageSid::number`]: `n` for `SM`/`MM` + `{n:032x}`) is greater than `counter`, oldest
    /// (lowest counter) first; `counter` 0 starts at the first. To read everything once, pass the
    /// counter of the last message of the previous call. Messages dropped by retention or
    /// deleted are skipped, and counters taken by Twilio's auto-replies (not account messages)
    /// are gaps. O(log n + limit).
    pub fn messages_after(&self, counter: u64, limit: usize) -> Vec<Message> {
        self.core.state().messages_after(counter, limit)
    }

    /// Message `sid` as stored, or `None` when it was never created, was deleted or was dropped
    /// by retention. O(log n), without copying any other message.
    pub fn message(&self, sid: &MessageSid) -> Option<Message> {
        let message = self.core.state().find(sid).map(|r| r.message.clone());
        message.map(|m| m.wire(&self.core.account_sid))
    }

    /// The status callbacks the app did not take (an answer other than 2xx, none in time, no
    /// connection), counted since the simulator started or was last reset, with the last one. Twilio does not
    /// retry them (no connection override asks it to, on this simulator's callbacks); the
    /// debugger log has each as 11200 too.
    pub fn refused_status_callbacks(&self) -> RefusedCallbacks {
        self.core.state().delivery.refused.clone()
    }

    /// Message `sid`'s status and `ErrorCode` (30003, 21610, ...), without copying the message;
    /// `None` when it was never created, was deleted or was dropped by retention. O(log n).
    pub fn status_of(&self, sid: &MessageSid) -> Option<(MessageStatus, Option<u32>)> {
        let state = self.core.state();
        let record = state.find(sid)?;
        Some((record.message.status, record.message.error_code))
    }

    /// The MIME types of message `sid`'s media, in `MediaUrl` order (`image/png`, ...: the
    /// `Content-Type` its URL answered, or guessed from the URL's extension), as the Media
    /// subresource reports them; `None` when the message was never created, was deleted or was
    /// dropped by retention. O(log n).
    pub fn media_types(&self, sid: &MessageSid) -> Option<Vec<String>> {
        let state = self.core.state();
        let record = state.find(sid)?;
        Some(
            record
                .media
                .iter()
                .map(|m| m.content_type.clone())
                .collect(),
        )
    }

    /// How many messages are stored now (retained), inbound and outbound. O(1).
    pub fn stored(&self) -> usize {
        self.core.state().len()
    }

    /// Keeps at most `retain` messages from now on (see [`SimConfig::retain`]); shrinking it
    /// drops the oldest settled messages at once. `usize::MAX` keeps everything.
    pub fn set_retention(&self, retain: usize) {
        self.core.state().set_retention(retain);
    }

    /// Stops the server and waits until it has stopped (in-flight requests finish first).
    pub async fn shutdown(mut self) {
        self.stop_server().await;
    }

    /// Stops the server and waits until it has stopped, keeping the simulator for what does not
    /// need the server (its state, in-process routes). A server that is only told to stop, as
    /// [`Drop`] does, ends when its runtime next runs it, and until then its app holds the
    /// simulator's whole state; a caller that drops simulators in a loop on a busy
    /// current-thread runtime (a soak's shrinker) stops them this way.
    pub async fn stop_server(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(server) = self.server.take() {
            let _ = server.await;
        }
    }
}

impl Drop for Simulator {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        // An app routed in process may hold this core (an engine that sends in process does):
        // forget it, or the two keep each other, and the app's store, alive for good.
        self.core.routes.clear();
    }
}

impl std::fmt::Debug for Simulator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Simulator")
            .field("base_url", &self.core.base_url)
            .field("account_sid", &self.core.account_sid)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::{start_sim, t0, FixedClock};

    #[test]
    fn test_config_is_deterministic() {
        let c = SimConfig::for_tests();
        assert_eq!(c.port, 0);
        assert_eq!(c.account_sid, "AC00000000000000000000000000000001");
        assert_eq!(c.auth_token, "0123456789abcdef0123456789abcdef");
        assert!(c.numbers.is_empty() && c.sms_url.is_none());
        assert_eq!(c, SimConfig::for_tests());
    }

    #[tokio::test]
    async fn start_refuses_bad_config() {
        let clock: Arc<dyn SimClock> = Arc::new(FixedClock(t0()));
        let bad_sid = SimConfig {
            account_sid: "SM00000000000000000000000000000001".into(),
            ..SimConfig::for_tests()
        };
        let err = Simulator::start(bad_sid, clock.clone()).await.unwrap_err();
        assert!(matches!(err, SimError::InvalidConfig(_)), "{err}");
        let no_token = SimConfig {
            auth_token: String::new(),
            ..SimConfig::for_tests()
        };
        let err = Simulator::start(no_token, clock.clone()).await.unwrap_err();
        assert!(matches!(err, SimError::InvalidConfig(_)), "{err}");

        let first = start_sim(&[]).await;
        let port: u16 = first
            .base_url()
            .rsplit(':')
            .next()
            .unwrap()
            .parse()
            .unwrap();
        let taken = SimConfig {
            port,
            ..SimConfig::for_tests()
        };
        let err = Simulator::start(taken, clock).await.unwrap_err();
        assert!(matches!(err, SimError::Bind { .. }), "{err}");
    }

    #[tokio::test]
    async fn serves_on_loopback_until_shut_down() {
        let sim = start_sim(&["+1 415 555 0100"]).await;
        let base = sim.base_url();
        assert!(base.starts_with("http://127.0.0.1:"), "{base}");
        assert_eq!(sim.account_sid(), "AC00000000000000000000000000000001");
        let url = format!("{base}/_sim/messages");
        assert_eq!(reqwest::get(&url).await.unwrap().status(), 200);
        sim.shutdown().await;
        assert!(reqwest::get(&url).await.is_err());
    }
}
