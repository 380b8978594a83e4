//! [`TwilioClient`]: the Twilio REST adapter of the [`SmsProvider`] port.
//!
//! It sends each [`OutboundSms`] as Twilio's "Send a message" call (§2.1-2.2 of the reference
//! beside the repository, `../shared/reference/twilio-messaging.md`):
//!
//! ```text
//! POST {base_url}/2010-04-01/Accounts/{AccountSid}/Messages.json
//! Authorization: Basic base64(AccountSid:AuthToken)
//! Content-Type: application/x-www-form-urlencoded
//! Accept: application/json
//!
//! To=%2B14155552671&From=%2B14155550100&Body=hello+there&MediaUrl=…&MediaUrl=…&StatusCallback=…
//! ```
//!
//! and reads the answer: any 2xx (normally 201) with a Message JSON becomes a [`SentSms`]; a 4xx
//! with Twilio's error JSON (§5.1) becomes [`ProviderError::Rejected`]; everything else (no
//! connection, timeout, 5xx, a body that is not Twilio's JSON) becomes
//! [`ProviderError::Unavailable`].
//!
//! When a provider number is added, [`SmsProvider::set_number_sms_url`] points its messaging
//! webhook at the engine with the IncomingPhoneNumbers API: it finds the number's `PN…` SID
//! (`GET …/IncomingPhoneNumbers.json?PhoneNumber=%2B1…`, an exact `phone_number` match) and
//! updates it (`POST …/IncomingPhoneNumbers/{Sid}.json` with `SmsUrl=…&SmsMethod=POST`), reading
//! the answers as a send's.
//!
//! [`TwilioClient::in_process`] sends the same requests into an axum app in process (the soak's
//! `inproc` transport), and reads its answers the same way; with
//! [`TwilioClient::with_messages_api`] a send goes below HTTP, its form handed to a
//! [`MessagesApi`] as values.

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use base64::Engine as _;
use chrono::{DateTime, Utc};
use serde::Deserialize;
use twilio_wire::message::MessageStatus;
use twilio_wire::sid::MessageSid;
use twilio_wire::ApiError;

use crate::domain::phone::E164;
use crate::provider::{
    DeliveryState, OutboundSms, ProviderError, ProviderMessage, SentSms, SmsProvider,
};

/// How long one send may take, connection included, before it counts as unavailable.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
/// At most this many characters of an unexpected answer are quoted in an error.
const SNIPPET_CHARS: usize = 200;

/// A Twilio REST API in the same process that takes the create-message POST as values, below
/// HTTP (`convsms_sim::RestForms`): no request to encode, route or decode.
#[async_trait]
pub trait MessagesApi: Send + Sync {
    /// POSTs the form `params` to `url` (`{base_url}/2010-04-01/Accounts/{AccountSid}/
    /// Messages.json`) with the `Authorization` header `authorization` (`Basic
    /// base64(AccountSid:AuthToken)`). The answer's HTTP status and body, read as over the
    /// network, or `Err(why)` when no answer came (the connection closed before it: the client
    /// reports [`ProviderError::NoAnswer`]); `None` when it does not take `url` (the client
    /// then sends an HTTP request).
    async fn create_message(
        &self,
        url: &str,
        authorization: &str,
        params: Vec<(String, String)>,
    ) -> Option<Result<(u16, axum::body::Bytes), String>>;
}

/// A Twilio REST client for one account: sends SMS/MMS through the 2010-04-01 Messages API.
///
/// Cheap to clone (the HTTP connection pool is shared). `Debug` does not show the token.
#[derive(Clone)]
pub struct TwilioClient {
    http: reqwest::Client,
    /// Where requests go: the network, or an app in process.
    transport: Transport,
    /// Base URL without a trailing slash: `https://api.twilio.com`, or a simulator's
    /// `http://127.0.0.1:PORT`.
    base_url: String,
    account_sid: String,
    auth_token: String,
    /// Sends below HTTP, when set ([`TwilioClient::with_messages_api`]).
    messages_api: Option<Arc<dyn MessagesApi>>,
    /// `Basic base64(AccountSid:AuthToken)`.
    authorization: String,
}

impl TwilioClient {
    /// A client for the account `account_sid` (`AC` + 32 hex) with its `auth_token`, talking to
    /// `base_url` (`https://api.twilio.com` in production, `convsms_sim::Simulator::base_url` in
    /// tests; a trailing `/` is ignored). Requests time out after 30 s.
    ///
    /// Nothing is checked or sent here: bad credentials surface on the first send as
    /// [`ProviderError::Rejected`] with code 20003.
    ///
    /// # Panics
    /// Only if the TLS backend cannot be initialised, as [`reqwest::Client::new`].
    pub fn new(base_url: &str, account_sid: &str, auth_token: &str) -> TwilioClient {
        let http = reqwest::Client::builder()
            .timeout(REQUEST_TIMEOUT)
            .build()
            .unwrap_or_else(|_| reqwest::Client::new());
        TwilioClient {
            http,
            transport: Transport::Network,
            base_url: base_url.trim_end_matches('/').to_owned(),
            messages_api: None,
            authorization: format!(
                "Basic {}",
                base64::engine::general_purpose::STANDARD
                    .encode(format!("{account_sid}:{auth_token}"))
            ),
            account_sid: account_sid.to_owned(),
            auth_token: auth_token.to_owned(),
        }
    }

    /// A client whose requests go to `app` in process (tower `oneshot` on the axum `Router`)
    /// instead of over the network: the same requests as [`TwilioClient::new`] builds (URL
    /// under `base_url`, Basic auth, form body, `Accept`), without sockets or timeouts. For an
    /// in-process simulated Twilio (`convsms_sim::Simulator::app`); the answers are read as
    /// over the network.
    pub fn in_process(
        app: axum::Router,
        base_url: &str,
        account_sid: &str,
        auth_token: &str,
    ) -> TwilioClient {
        TwilioClient {
            transport: Transport::InProcess(app),
            ..TwilioClient::new(base_url, account_sid, auth_token)
        }
    }

    /// This client with its sends handed to `api` as values, below HTTP: the same URL,
    /// `Authorization` and form as [`TwilioClient::send`] would post, its answer read the same
    /// way. Fetches and number updates still go as requests (to the network or the app of
    /// [`TwilioClient::in_process`]), and so does a send `api` does not take.
    #[must_use]
    pub fn with_messages_api(mut self, api: Arc<dyn MessagesApi>) -> TwilioClient {
        self.messages_api = Some(api);
        self
    }

    /// The create URL, `{base_url}/2010-04-01/Accounts/{AccountSid}/Messages.json`.
    pub fn messages_url(&self) -> String {
        format!(
            "{}/2010-04-01/Accounts/{}/Messages.json",
            self.base_url, self.account_sid
        )
    }

    /// The form of a send: `To`, `From`, `Body` (left out when empty), one `MediaUrl` per media
    /// URL, `StatusCallback` when set.
    fn form(sms: &OutboundSms) -> Vec<(&'static str, &str)> {
        let mut form = vec![("To", sms.to.as_str()), ("From", sms.from.as_str())];
        if !sms.body.is_empty() {
            form.push(("Body", sms.body.as_str()));
        }
        form.extend(sms.media_urls.iter().map(|u| ("MediaUrl", u.as_str())));
        if let Some(cb) = &sms.status_callback {
            form.push(("StatusCallback", cb.as_str()));
        }
        form
    }
}

impl std::fmt::Debug for TwilioClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TwilioClient")
            .field("base_url", &self.base_url)
            .field("account_sid", &self.account_sid)
            .finish_non_exhaustive()
    }
}

/// Where a [`TwilioClient`]'s requests go.
#[derive(Clone)]
enum Transport {
    /// Over the network, with reqwest.
    Network,
    /// Into this app, in process.
    InProcess(axum::Router),
}

/// The parts of Twilio's Message JSON (§2.3) a send needs; other fields are ignored.
#[derive(Deserialize)]
struct CreatedMessage {
    sid: MessageSid,
    status: MessageStatus,
    /// A decimal string; `"0"` while Twilio has not counted (Messaging Service sends).
    #[serde(default)]
    num_segments: Option<String>,
}

/// The parts of a fetched Message JSON (§2.3) the engine reads.
#[derive(Deserialize)]
struct FetchedMessage {
    status: MessageStatus,
    #[serde(default)]
    error_code: Option<u32>,
    #[serde(default)]
    error_message: Option<String>,
}

/// The parts of a Messages list page (§2.4) the engine reads: newest first.
#[derive(Deserialize)]
struct MessageListPage {
    messages: Vec<ListedMessage>,
    #[serde(default)]
    next_page_uri: Option<String>,
}

/// The parts of a listed Message JSON (§2.3) the engine reads.
#[derive(Deserialize)]
struct ListedMessage {
    sid: MessageSid,
    status: MessageStatus,
    /// `null` after redaction.
    #[serde(default)]
    body: Option<String>,
    /// Decimal strings, as Twilio writes them.
    #[serde(default)]
    num_media: Option<String>,
    #[serde(default)]
    num_segments: Option<String>,
    /// RFC 2822.
    date_created: String,
    #[serde(default)]
    error_code: Option<u32>,
    #[serde(default)]
    error_message: Option<String>,
}

/// Records asked for per page when looking for a send whose answer was lost.
const LIST_PAGE_SIZE: u32 = 50;
/// At most this many pages are read back (2,000 messages between two numbers since the send).
const LIST_MAX_PAGES: usize = 40;

/// The parts of an IncomingPhoneNumbers page the engine reads.
#[derive(Deserialize)]
struct NumberPage {
    incoming_phone_numbers: Vec<NumberEntry>,
}

/// The parts of an IncomingPhoneNumber JSON the engine reads.
#[derive(Deserialize)]
struct NumberEntry {
    sid: String,
    phone_number: String,
    #[serde(default)]
    sms_url: String,
}

/// Twilio's error JSON (§5.1), read leniently: `more_info` may be missing, extra keys are ignored.
#[derive(Deserialize)]
struct ErrorBody {
    code: u32,
    message: String,
    #[serde(default)]
    more_info: Option<String>,
}

/// The first [`SNIPPET_CHARS`] characters of `body`, for error messages.
fn snippet(body: &str) -> String {
    let mut s: String = body.chars().take(SNIPPET_CHARS).collect();
    if body.chars().count() > SNIPPET_CHARS {
        s.push('…');
    }
    s
}

#[async_trait]
impl SmsProvider for TwilioClient {
    /// Sends `sms` with one POST to [`TwilioClient::messages_url`].
    ///
    /// # Errors
    /// * [`ProviderError::Rejected`] for a 4xx answer with Twilio's error JSON: `http_status` is
    ///   the HTTP status, `code`/`message`/`more_info` come from the JSON (`more_info` defaults to
    ///   `https://www.twilio.com/docs/errors/<code>`). For example 400/21211 (invalid To),
    ///   400/21610 (opted out), 401/20003 (bad credentials), 429/20429.
    /// * [`ProviderError::Unavailable`] when Twilio cannot be reached (no connection: nothing
    ///   was sent), for any 5xx, and for an answer that is not the expected JSON (a 2xx without
    ///   a Message SID, an HTML error page). A 5xx with Twilio's error JSON is said in its words
    ///   (`Twilio answered HTTP 500: Internal Server Error (Twilio error 20500)`), anything
    ///   else with the URL and the start of the body.
    /// * [`ProviderError::NoAnswer`] when the request went out and no answer was read: no answer
    ///   within 30 s, the connection closed before the answer, or its body unreadable.
    async fn send(&self, sms: &OutboundSms) -> Result<SentSms, ProviderError> {
        let url = self.messages_url();
        let mut created = None;
        if let Some(api) = &self.messages_api {
            let form = Self::form(sms)
                .into_iter()
                .map(|(n, v)| (n.to_owned(), v.to_owned()))
                .collect();
            if let Some(answer) = api.create_message(&url, &self.authorization, form).await {
                let (status, body) = answer.map_err(|why| {
                    ProviderError::NoAnswer(format!("no answer from Twilio at {url}: {why}"))
                })?;
                let status = reqwest::StatusCode::from_u16(status).map_err(|e| {
                    ProviderError::Unavailable(format!("Twilio answered at {url} {e}"))
                })?;
                created = Some(read_answer::<CreatedMessage>(
                    status,
                    &String::from_utf8_lossy(&body),
                    &url,
                )?);
            }
        }
        let created: CreatedMessage = match created {
            Some(c) => c,
            None => {
                let request = self.http.post(&url).form(&Self::form(sms));
                self.call(request, &url).await?
            }
        };
        let num_segments = created
            .num_segments
            .and_then(|n| n.trim().parse().ok())
            .unwrap_or(0);
        Ok(SentSms {
            sid: created.sid,
            status: created.status,
            num_segments,
        })
    }

    /// Fetches `GET …/Messages/{Sid}.json` and reads `status`, `error_code`, `error_message`.
    ///
    /// # Errors
    /// As [`TwilioClient::send`]; an unknown SID is `Rejected` with 404/20404.
    async fn fetch_state(&self, sid: &MessageSid) -> Result<DeliveryState, ProviderError> {
        let url = format!(
            "{}/2010-04-01/Accounts/{}/Messages/{sid}.json",
            self.base_url, self.account_sid
        );
        let fetched: FetchedMessage = self.call(self.http.get(&url), &url).await?;
        Ok(DeliveryState {
            status: fetched.status,
            error_code: fetched.error_code,
            error_message: fetched.error_message,
        })
    }

    /// Lists `GET …/Messages.json?To={to}&From={from}&PageSize=50` (newest first), following
    /// `next_page_uri` until a page holds nothing created at or after `since`'s second, and
    /// answers those created at or after it, oldest first (by `date_created`, read as RFC
    /// 2822; a message whose date cannot be read is left out, a `null` body reads as empty).
    ///
    /// # Errors
    /// As [`TwilioClient::send`]; [`ProviderError::Unavailable`] when the list runs past 40
    /// pages (2,000 messages) without reaching `since`: what was not read may hold the message,
    /// so the list cannot say it is not there.
    async fn created_since(
        &self,
        from: &E164,
        to: &E164,
        since: DateTime<Utc>,
    ) -> Result<Vec<ProviderMessage>, ProviderError> {
        use chrono::Timelike as _;
        let since = since.with_nanosecond(0).unwrap_or(since);
        let mut url = format!(
            "{}/2010-04-01/Accounts/{}/Messages.json",
            self.base_url, self.account_sid
        );
        let mut request = self.http.get(&url).query(&[
            ("To", to.as_str()),
            ("From", from.as_str()),
            ("PageSize", &LIST_PAGE_SIZE.to_string()),
        ]);
        let mut found = Vec::new();
        let mut complete = false;
        for _ in 0..LIST_MAX_PAGES {
            let page: MessageListPage = self.call(request, &url).await?;
            let mut newer = false;
            for m in page.messages {
                let Ok(created_at) = twilio_wire::date::parse_rfc2822(&m.date_created) else {
                    tracing::warn!(sid = %m.sid, date_created = %m.date_created,
                        "a listed message's date_created is not RFC 2822; left out");
                    continue;
                };
                if created_at < since {
                    continue;
                }
                newer = true;
                let count = |n: Option<String>| n.and_then(|n| n.trim().parse().ok());
                found.push(ProviderMessage {
                    sid: m.sid,
                    status: m.status,
                    num_segments: count(m.num_segments).unwrap_or(0),
                    body: m.body.unwrap_or_default(),
                    num_media: count(m.num_media).unwrap_or(0) as usize,
                    created_at,
                    error_code: m.error_code,
                    error_message: m.error_message,
                });
            }
            match page.next_page_uri {
                Some(next) if newer => {
                    url = format!("{}{next}", self.base_url);
                    request = self.http.get(&url);
                }
                _ => {
                    complete = true;
                    break;
                }
            }
        }
        if !complete {
            // What was not read may hold the message: the list cannot say it is not there.
            return Err(ProviderError::Unavailable(format!(
                "Twilio's list of the messages from {from} to {to} since {since} runs past \
                 {LIST_MAX_PAGES} pages of {LIST_PAGE_SIZE}; not read to its end"
            )));
        }
        found.reverse();
        found.sort_by_key(|m| m.created_at);
        Ok(found)
    }

    /// Finds `number` with `GET …/IncomingPhoneNumbers.json?PhoneNumber=…` and sets its `SmsUrl`
    /// (and `SmsMethod=POST`) with `POST …/IncomingPhoneNumbers/{Sid}.json`.
    ///
    /// # Errors
    /// As [`TwilioClient::send`]; a number the account does not own is `Rejected` with
    /// 404 / 20404; an answer whose `sms_url` is not `sms_url` is `Unavailable`.
    async fn set_number_sms_url(&self, number: &E164, sms_url: &str) -> Result<(), ProviderError> {
        let list = format!(
            "{}/2010-04-01/Accounts/{}/IncomingPhoneNumbers.json",
            self.base_url, self.account_sid
        );
        let request = self
            .http
            .get(&list)
            .query(&[("PhoneNumber", number.as_str())]);
        let page: NumberPage = self.call(request, &list).await?;
        let Some(found) = page
            .incoming_phone_numbers
            .into_iter()
            .find(|n| n.phone_number == number.as_str())
        else {
            return Err(ProviderError::Rejected {
                http_status: 404,
                code: 20404,
                message: format!(
                    "{number} is not one of the Twilio account's incoming phone numbers"
                ),
                more_info: ApiError::more_info_for(20404),
            });
        };
        let url = format!(
            "{}/2010-04-01/Accounts/{}/IncomingPhoneNumbers/{}.json",
            self.base_url, self.account_sid, found.sid
        );
        let request = self
            .http
            .post(&url)
            .form(&[("SmsUrl", sms_url), ("SmsMethod", "POST")]);
        let updated: NumberEntry = self.call(request, &url).await?;
        if updated.sms_url != sms_url {
            return Err(ProviderError::Unavailable(format!(
                "Twilio answered the update of {number} at {url} with SmsUrl '{}', not '{sms_url}'",
                updated.sms_url
            )));
        }
        Ok(())
    }
}

impl TwilioClient {
    /// Sends `request` with Basic auth and maps Twilio's answer: 2xx JSON → `T`, 4xx with Twilio's
    /// error JSON → [`ProviderError::Rejected`], anything else → [`ProviderError::Unavailable`].
    async fn call<T: serde::de::DeserializeOwned>(
        &self,
        request: reqwest::RequestBuilder,
        url: &str,
    ) -> Result<T, ProviderError> {
        let request = request
            .basic_auth(&self.account_sid, Some(&self.auth_token))
            .header(reqwest::header::ACCEPT, "application/json")
            .build()
            .map_err(|e| {
                ProviderError::Unavailable(format!("cannot build the request to {url}: {e}"))
            })?;
        let (status, body) = match &self.transport {
            Transport::Network => {
                let response = self.http.execute(request).await.map_err(|e| {
                    if e.is_connect() {
                        // Nothing was sent: no connection was made.
                        ProviderError::Unavailable(format!("cannot reach Twilio at {url}: {e}"))
                    } else {
                        // Sent, perhaps acted on, and no answer read (a timeout, a reset).
                        ProviderError::NoAnswer(format!("no answer from Twilio at {url}: {e}"))
                    }
                })?;
                let status = response.status();
                let body = response.text().await.map_err(|e| {
                    ProviderError::NoAnswer(format!(
                        "the answer (HTTP {}) from Twilio at {url} broke off: {e}",
                        status.as_u16()
                    ))
                })?;
                (status, body)
            }
            Transport::InProcess(app) => in_process(app.clone(), request, url).await?,
        };
        read_answer(status, &body, url)
    }
}

/// Reads Twilio's answer `body` of HTTP `status` to a request to `url`: 2xx JSON → `T`, 4xx
/// with Twilio's error JSON → [`ProviderError::Rejected`], anything else →
/// [`ProviderError::Unavailable`].
fn read_answer<T: serde::de::DeserializeOwned>(
    status: reqwest::StatusCode,
    body: &str,
    url: &str,
) -> Result<T, ProviderError> {
    if status.is_success() {
        return serde_json::from_str(body).map_err(|e| {
            ProviderError::Unavailable(format!(
                "Twilio answered HTTP {} at {url} without the expected JSON ({e}): {}",
                status.as_u16(),
                snippet(body)
            ))
        });
    }
    let twilio_error = serde_json::from_str::<ErrorBody>(body).ok();
    if status.is_client_error() {
        if let Some(err) = twilio_error {
            return Err(ProviderError::Rejected {
                http_status: status.as_u16(),
                code: err.code,
                more_info: err
                    .more_info
                    .unwrap_or_else(|| ApiError::more_info_for(err.code)),
                message: err.message,
            });
        }
    }
    Err(ProviderError::Unavailable(match twilio_error {
        // Twilio's own error JSON (a 5xx): its words, not the JSON; it was Twilio that answered.
        Some(err) => format!(
            "Twilio answered HTTP {}: {} (Twilio error {})",
            status.as_u16(),
            err.message,
            err.code
        ),
        None => format!(
            "Twilio answered HTTP {} at {url}: {}",
            status.as_u16(),
            snippet(body)
        ),
    }))
}

/// Calls `app` with `request` without sockets; answers as [`TwilioClient::call`] reads them.
///
/// # Errors
/// [`ProviderError::Unavailable`] when the request cannot be converted,
/// [`ProviderError::NoAnswer`] when the answer's body breaks off (as over the network).
async fn in_process(
    app: axum::Router,
    request: reqwest::Request,
    url: &str,
) -> Result<(reqwest::StatusCode, String), ProviderError> {
    use tower::ServiceExt as _;
    let request: axum::http::Request<reqwest::Body> = request.try_into().map_err(|e| {
        ProviderError::Unavailable(format!("cannot build the request to {url}: {e}"))
    })?;
    let response = match app.oneshot(request).await {
        Ok(r) => r,
        Err(never) => match never {},
    };
    let status = response.status();
    let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .map_err(|e| {
            ProviderError::NoAnswer(format!(
                "the answer (HTTP {}) from Twilio at {url} broke off: {e}",
                status.as_u16()
            ))
        })?;
    Ok((status, String::from_utf8_lossy(&bytes).into_owned()))
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use chrono::TimeZone;
    use serde_json::json;
    use wiremock::matchers::{method, path};
    use wiremock::{Mock, MockServer, ResponseTemplate};

    use super::*;
    use crate::domain::phone::E164;

    const AC: &str = "ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    const TOKEN: &str = "s3cr3t-token";
    const FROM: &str = "+14155550100";
    const TO: &str = "+14155552671";

    fn sms(body: &str, media: &[&str], status_callback: Option<&str>) -> OutboundSms {
        OutboundSms {
            from: E164::parse(FROM, None).unwrap(),
            to: E164::parse(TO, None).unwrap(),
            body: body.to_owned(),
            media_urls: media.iter().map(|m| (*m).to_owned()).collect(),
            status_callback: status_callback.map(str::to_owned),
        }
    }

    fn created_json(sid: &str, num_segments: &str) -> serde_json::Value {
        json!({
            "account_sid": AC, "api_version": "2010-04-01", "body": "hello there",
            "date_created": "Thu, 24 Aug 2023 05:01:45 +0000", "date_sent": null,
            "date_updated": "Thu, 24 Aug 2023 05:01:45 +0000", "direction": "outbound-api",
            "error_code": null, "error_message": null, "from": FROM, "messaging_service_sid": null,
            "num_media": "2", "num_segments": num_segments, "price": null, "price_unit": "USD",
            "sid": sid, "status": "queued",
            "subresource_uris": {"media": format!("/2010-04-01/Accounts/{AC}/Messages/{sid}/Media.json")},
            "to": TO, "uri": format!("/2010-04-01/Accounts/{AC}/Messages/{sid}.json"),
        })
    }

    async fn server_answering(response: ResponseTemplate) -> MockServer {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path(format!("/2010-04-01/Accounts/{AC}/Messages.json")))
            .respond_with(response)
            .mount(&server)
            .await;
        server
    }

    /// The error a send gets from a Twilio answering `response`.
    async fn send_answered(response: ResponseTemplate) -> ProviderError {
        let server = server_answering(response).await;
        TwilioClient::new(&server.uri(), AC, TOKEN)
            .send(&sms("hi", &[], None))
            .await
            .unwrap_err()
    }

    #[tokio::test]
    async fn posts_the_form_with_basic_auth_and_maps_201() {
        let sid = "MM0123456789abcdef0123456789abcdef";
        let server =
            server_answering(ResponseTemplate::new(201).set_body_json(created_json(sid, "1")))
                .await;
        let client = TwilioClient::new(&format!("{}/", server.uri()), AC, TOKEN);
        let sent = client
            .send(&sms(
                "hello there",
                &["https://cdn.test/a.jpg", "https://cdn.test/b.png"],
                Some("https://engine.test/status?x=1"),
            ))
            .await
            .unwrap();
        assert_eq!(
            sent,
            SentSms {
                sid: MessageSid::parse(sid).unwrap(),
                status: MessageStatus::Queued,
                num_segments: 1
            }
        );

        let requests = server.received_requests().await.unwrap();
        assert_eq!(requests.len(), 1);
        let req = &requests[0];
        assert_eq!(req.method.as_str(), "POST");
        assert_eq!(
            req.url.path(),
            format!("/2010-04-01/Accounts/{AC}/Messages.json")
        );
        // base64("ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa:s3cr3t-token")
        assert_eq!(
            req.headers.get("authorization").unwrap().to_str().unwrap(),
            "Basic QUNhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYTpzM2NyM3QtdG9rZW4="
        );
        assert_eq!(
            req.headers.get("content-type").unwrap().to_str().unwrap(),
            "application/x-www-form-urlencoded"
        );
        let form: Vec<(String, String)> = form_urlencoded::parse(&req.body).into_owned().collect();
        let expected: Vec<(String, String)> = [
            ("To", TO),
            ("From", FROM),
            ("Body", "hello there"),
            ("MediaUrl", "https://cdn.test/a.jpg"),
            ("MediaUrl", "https://cdn.test/b.png"),
            ("StatusCallback", "https://engine.test/status?x=1"),
        ]
        .iter()
        .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
        .collect();
        assert_eq!(form, expected);
        let raw = String::from_utf8(req.body.clone()).unwrap();
        assert!(raw.contains("To=%2B14155552671"), "{raw}");
        assert!(raw.contains("Body=hello+there"), "{raw}");
    }

    #[tokio::test]
    async fn media_only_sends_no_body_param() {
        let server = server_answering(
            ResponseTemplate::new(201)
                .set_body_json(created_json("MM0123456789abcdef0123456789abcdef", "1")),
        )
        .await;
        let client = TwilioClient::new(&server.uri(), AC, TOKEN);
        client
            .send(&sms("", &["https://cdn.test/a.jpg"], None))
            .await
            .unwrap();
        let req = &server.received_requests().await.unwrap()[0];
        let names: Vec<String> = form_urlencoded::parse(&req.body)
            .map(|(n, _)| n.into_owned())
            .collect();
        assert_eq!(names, ["To", "From", "MediaUrl"]);
        assert_eq!(
            req.headers.get("accept").unwrap().to_str().unwrap(),
            "application/json"
        );
    }

    #[tokio::test]
    async fn maps_400_21211_to_rejected() {
        let message = "The 'To' number +14155552671 is not a valid phone number.";
        let server = server_answering(ResponseTemplate::new(400).set_body_json(json!({
            "code": 21211, "message": message,
            "more_info": "https://www.twilio.com/docs/errors/21211", "status": 400
        })))
        .await;
        let err = TwilioClient::new(&server.uri(), AC, TOKEN)
            .send(&sms("hi", &[], None))
            .await
            .unwrap_err();
        assert_eq!(
            err,
            ProviderError::Rejected {
                http_status: 400,
                code: 21211,
                message: message.into(),
                more_info: "https://www.twilio.com/docs/errors/21211".into(),
            }
        );
    }

    #[tokio::test]
    async fn maps_401_20003_to_rejected() {
        let server = server_answering(ResponseTemplate::new(401).set_body_json(json!({
            "code": 20003, "detail": "Your AccountSid or AuthToken was incorrect.",
            "message": "Authentication Error - No credentials provided", "status": 401
        })))
        .await;
        let err = TwilioClient::new(&server.uri(), AC, "wrong")
            .send(&sms("hi", &[], None))
            .await
            .unwrap_err();
        match err {
            ProviderError::Rejected {
                http_status,
                code,
                more_info,
                ..
            } => {
                assert_eq!((http_status, code), (401, 20003));
                // more_info was missing: it defaults to the code's documentation page.
                assert_eq!(more_info, "https://www.twilio.com/docs/errors/20003");
            }
            other => panic!("expected Rejected, got {other:?}"),
        }
    }

    #[tokio::test]
    async fn html_500_is_unavailable() {
        let err = send_answered(ResponseTemplate::new(500).set_body_raw(
            "<html><body>Internal Server Error</body></html>",
            "text/html",
        ))
        .await;
        assert!(
            matches!(&err, ProviderError::Unavailable(m) if m.contains("HTTP 500") && m.contains("Internal Server Error")),
            "{err:?}"
        );
        assert_eq!(err.code(), None);
    }

    #[tokio::test]
    async fn a_500_with_twilios_json_is_unavailable_in_twilios_words() {
        let err = send_answered(ResponseTemplate::new(500).set_body_json(json!({
            "code": 20500,
            "message": "Internal Server Error",
            "more_info": "https://www.twilio.com/docs/errors/20500",
            "status": 500
        })))
        .await;
        assert_eq!(
            err,
            ProviderError::Unavailable(
                "Twilio answered HTTP 500: Internal Server Error (Twilio error 20500)".into()
            )
        );
        assert!(err.is_retryable());
    }

    #[tokio::test]
    async fn non_json_answers_and_dead_servers_are_unavailable() {
        let server = server_answering(ResponseTemplate::new(201).set_body_string("OK")).await;
        let err = TwilioClient::new(&server.uri(), AC, TOKEN)
            .send(&sms("hi", &[], None))
            .await
            .unwrap_err();
        assert!(matches!(err, ProviderError::Unavailable(_)), "{err:?}");

        let server =
            server_answering(ResponseTemplate::new(404).set_body_string("Not Found")).await;
        let err = TwilioClient::new(&server.uri(), AC, TOKEN)
            .send(&sms("hi", &[], None))
            .await
            .unwrap_err();
        assert!(matches!(err, ProviderError::Unavailable(_)), "{err:?}");

        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        drop(listener);
        let err = TwilioClient::new(&format!("http://{addr}"), AC, TOKEN)
            .send(&sms("hi", &[], None))
            .await
            .unwrap_err();
        assert!(
            matches!(&err, ProviderError::Unavailable(m) if m.contains("cannot reach Twilio")),
            "{err:?}"
        );
    }

    #[tokio::test]
    async fn a_request_read_and_never_answered_is_no_answer() {
        // A server that reads the whole request, then closes the connection without a word:
        // whether it acted is unknown (a reset after the create looks the same).
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let server = tokio::spawn(async move {
            use tokio::io::AsyncReadExt as _;
            let (mut socket, _) = listener.accept().await.unwrap();
            let mut request = Vec::new();
            let mut buf = [0u8; 4096];
            // Headers, then the form (its length is small: one read after the headers does).
            while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                let n = socket.read(&mut buf).await.unwrap();
                assert!(n > 0, "the client closed first");
                request.extend_from_slice(&buf[..n]);
            }
            let head = String::from_utf8_lossy(&request).to_lowercase();
            let length: usize = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length: "))
                .and_then(|v| v.trim().parse().ok())
                .unwrap_or(0);
            let body_start = request.windows(4).position(|w| w == b"\r\n\r\n").unwrap() + 4;
            while request.len() < body_start + length {
                let n = socket.read(&mut buf).await.unwrap();
                assert!(n > 0, "the client closed first");
                request.extend_from_slice(&buf[..n]);
            }
            drop(socket);
            String::from_utf8_lossy(&request[body_start..]).into_owned()
        });
        let err = TwilioClient::new(&format!("http://{addr}"), AC, TOKEN)
            .send(&sms("hi", &[], None))
            .await
            .unwrap_err();
        let form = server.await.unwrap();
        assert!(
            form.contains("Body=hi"),
            "the request went out whole: {form}"
        );
        assert!(
            matches!(&err, ProviderError::NoAnswer(m) if m.contains("no answer from Twilio")),
            "{err:?}"
        );
        assert!(err.may_have_created() && err.is_retryable());
        assert_eq!(err.code(), None);
    }

    struct FixedClock;
    impl convsms_sim::SimClock for FixedClock {
        fn now(&self) -> chrono::DateTime<chrono::Utc> {
            chrono::Utc.with_ymd_and_hms(2023, 8, 24, 5, 1, 45).unwrap()
        }
    }

    /// A simulator on [`FixedClock`] that owns [`FROM`].
    async fn simulator_owning_from() -> convsms_sim::Simulator {
        let sim = convsms_sim::Simulator::start(
            convsms_sim::SimConfig::for_tests(),
            Arc::new(FixedClock),
        )
        .await
        .unwrap();
        sim.add_number(FROM);
        sim
    }

    /// A simulator clock moved by hand (seconds after 2023-08-24T05:01:45Z).
    struct SteppedClock(std::sync::atomic::AtomicI64);
    impl convsms_sim::SimClock for SteppedClock {
        fn now(&self) -> chrono::DateTime<chrono::Utc> {
            FixedClock.now()
                + chrono::Duration::seconds(self.0.load(std::sync::atomic::Ordering::SeqCst))
        }
    }

    #[tokio::test]
    async fn created_since_lists_the_messages_between_two_numbers_oldest_first() {
        use convsms_sim::SimClock as _;
        let clock = Arc::new(SteppedClock(0.into()));
        let sim = convsms_sim::Simulator::start(convsms_sim::SimConfig::for_tests(), clock.clone())
            .await
            .unwrap();
        sim.add_number(FROM);
        let client = TwilioClient::new(&sim.base_url(), sim.account_sid(), sim.auth_token());
        let from = E164::parse(FROM, None).unwrap();
        let to = E164::parse(TO, None).unwrap();
        // 60 messages at the first instant (two pages of 50 and 10), one to another handset.
        for i in 0..60 {
            client
                .send(&sms(&format!("early {i}"), &[], None))
                .await
                .unwrap();
        }
        let mut other = sms("elsewhere", &[], None);
        other.to = E164::parse("+14155552672", None).unwrap();
        client.send(&other).await.unwrap();
        clock.0.store(90, std::sync::atomic::Ordering::SeqCst);
        sim.set_api_fault(
            convsms_sim::FaultScope::Global,
            Some(convsms_sim::ApiFault::ServerErrorAfterCreate),
            1.0,
        );
        let err = client
            .send(&sms("late", &["https://cdn.test/a.jpg"], None))
            .await
            .unwrap_err();
        assert!(err.may_have_created(), "{err:?}");
        let late_at = clock.now();

        let found = client.created_since(&from, &to, late_at).await.unwrap();
        let found: Vec<_> = found
            .iter()
            .map(|m| {
                (
                    m.body.as_str(),
                    m.num_media,
                    m.created_at,
                    m.status.as_str(),
                )
            })
            .collect();
        assert_eq!(found, [("late", 1, late_at, "queued")]);
        // Since a time within the first second: all 61 to TO, across two pages, oldest first.
        let all = client
            .created_since(
                &from,
                &to,
                FixedClock.now() + chrono::Duration::milliseconds(500),
            )
            .await
            .unwrap();
        assert_eq!(all.len(), 61);
        assert_eq!(all[0].body, "early 0");
        assert_eq!(all[0].sid, MessageSid::sms(1));
        assert_eq!(all[59].body, "early 59");
        assert_eq!(all[60].body, "late");
        assert!(all.iter().all(|m| m.num_segments == 1));
        // Nothing after the last one.
        let none = client
            .created_since(&from, &to, late_at + chrono::Duration::seconds(1))
            .await
            .unwrap();
        assert!(none.is_empty());
    }

    #[tokio::test]
    async fn a_list_longer_than_the_pages_read_cannot_say() {
        // Every page holds a message newer than `since` and points to another page.
        let server = MockServer::start().await;
        let list = format!("/2010-04-01/Accounts/{AC}/Messages.json");
        Mock::given(method("GET"))
            .and(path(list.clone()))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({
                "messages": [{
                    "sid": "SM00000000000000000000000000000001",
                    "status": "delivered",
                    "body": "Hello",
                    "num_media": "0",
                    "num_segments": "1",
                    "date_created": "Thu, 24 Aug 2023 05:01:45 +0000",
                }],
                "next_page_uri": format!("{list}?PageSize=50&Page=1&PageToken=PAx"),
            })))
            .mount(&server)
            .await;
        let client = TwilioClient::new(&server.uri(), AC, TOKEN);
        let since = chrono::Utc.with_ymd_and_hms(2023, 8, 24, 5, 0, 0).unwrap();
        let err = client
            .created_since(
                &E164::parse(FROM, None).unwrap(),
                &E164::parse(TO, None).unwrap(),
                since,
            )
            .await
            .unwrap_err();
        assert!(
            matches!(&err, ProviderError::Unavailable(m) if m.contains("runs past 40 pages")),
            "{err:?}"
        );
        assert_eq!(server.received_requests().await.unwrap().len(), 40);
    }

    #[tokio::test]
    async fn sends_through_the_real_simulator() {
        let sim = simulator_owning_from().await;
        let client = TwilioClient::new(&sim.base_url(), sim.account_sid(), sim.auth_token());

        let sent = client
            .send(&sms(&"1".repeat(161), &[], None))
            .await
            .unwrap();
        assert_eq!(sent.sid, MessageSid::sms(1));
        assert_eq!((sent.status.as_str(), sent.num_segments), ("queued", 2));
        let received = sim.messages_to(TO);
        assert_eq!(received.len(), 1);
        assert_eq!(received[0].from.as_deref(), Some(FROM));

        let mms = client
            .send(&sms(
                "look",
                &["https://cdn.test/a.jpg", "https://cdn.test/b.jpg"],
                None,
            ))
            .await
            .unwrap();
        assert!(mms.sid.is_mms());
        assert_eq!(sim.messages_to(TO)[1].num_media, "2");

        let mut bad = sms("hi", &[], None);
        bad.from = E164::parse("+14155552672", None).unwrap();
        let err = client.send(&bad).await.unwrap_err();
        assert_eq!(err.code(), Some(21606));

        let wrong = TwilioClient::new(&sim.base_url(), sim.account_sid(), "wrong");
        let err = wrong.send(&sms("hi", &[], None)).await.unwrap_err();
        assert!(
            matches!(
                err,
                ProviderError::Rejected {
                    http_status: 401,
                    code: 20003,
                    ..
                }
            ),
            "{err:?}"
        );
        sim.shutdown().await;
    }

    /// The IncomingPhoneNumber JSON of `number` (`sid`), its `sms_url` as given.
    fn number_json(sid: &str, number: &str, sms_url: &str) -> serde_json::Value {
        json!({"account_sid": AC, "sid": sid, "phone_number": number, "sms_url": sms_url,
               "sms_method": "POST", "friendly_name": "(415) 555-0100"})
    }

    #[tokio::test]
    async fn points_a_number_at_the_engine_by_its_pn_sid() {
        let server = MockServer::start().await;
        let pn = "PN0123456789abcdef0123456789abcdef";
        Mock::given(method("GET"))
            .and(path(format!(
                "/2010-04-01/Accounts/{AC}/IncomingPhoneNumbers.json"
            )))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({
                "incoming_phone_numbers": [
                    number_json("PN000000000000000000000000000000aa", "+141555501001", ""),
                    number_json(pn, FROM, "https://old.example/sms"),
                ],
                "page": 0, "page_size": 50, "start": 0, "end": 1, "uri": "/", "first_page_uri": "/",
                "next_page_uri": null, "previous_page_uri": null
            })))
            .mount(&server)
            .await;
        let engine_url = "https://instance.example/sms/inbound";
        Mock::given(method("POST"))
            .and(path(format!(
                "/2010-04-01/Accounts/{AC}/IncomingPhoneNumbers/{pn}.json"
            )))
            .respond_with(
                ResponseTemplate::new(200).set_body_json(number_json(pn, FROM, engine_url)),
            )
            .mount(&server)
            .await;
        let client = TwilioClient::new(&server.uri(), AC, TOKEN);
        let number = E164::parse(FROM, None).unwrap();
        client
            .set_number_sms_url(&number, engine_url)
            .await
            .unwrap();

        let requests = server.received_requests().await.unwrap();
        assert_eq!(requests.len(), 2);
        let (list, update) = (&requests[0], &requests[1]);
        assert_eq!(list.method.as_str(), "GET");
        assert_eq!(list.url.query(), Some("PhoneNumber=%2B14155550100"));
        assert_eq!(update.method.as_str(), "POST");
        let form: Vec<(String, String)> =
            form_urlencoded::parse(&update.body).into_owned().collect();
        assert_eq!(
            form,
            [
                ("SmsUrl".to_owned(), engine_url.to_owned()),
                ("SmsMethod".to_owned(), "POST".to_owned())
            ]
        );
        for req in &requests {
            assert_eq!(
                req.headers.get("authorization").unwrap().to_str().unwrap(),
                "Basic QUNhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYTpzM2NyM3QtdG9rZW4="
            );
        }
    }

    #[tokio::test]
    async fn a_number_the_account_does_not_own_or_an_ignored_update_is_an_error() {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .and(path(format!("/2010-04-01/Accounts/{AC}/IncomingPhoneNumbers.json")))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({
                "incoming_phone_numbers": [number_json("PN000000000000000000000000000000aa", TO, "")]
            })))
            .mount(&server)
            .await;
        Mock::given(method("POST"))
            .respond_with(ResponseTemplate::new(200).set_body_json(number_json(
                "PN000000000000000000000000000000aa",
                TO,
                "https://somewhere.else/",
            )))
            .mount(&server)
            .await;
        let client = TwilioClient::new(&server.uri(), AC, TOKEN);
        let err = client
            .set_number_sms_url(&E164::parse(FROM, None).unwrap(), "https://i.example/sms")
            .await
            .unwrap_err();
        assert_eq!(err.code(), Some(20404), "{err:?}");
        assert!(
            err.to_string().contains("+14155550100 is not one of"),
            "{err}"
        );
        assert_eq!(
            server.received_requests().await.unwrap().len(),
            1,
            "no update"
        );
        let err = client
            .set_number_sms_url(&E164::parse(TO, None).unwrap(), "https://i.example/sms")
            .await
            .unwrap_err();
        assert!(
            matches!(&err, ProviderError::Unavailable(m) if m.contains("not 'https://i.example/sms'")),
            "{err:?}"
        );
    }

    #[tokio::test]
    async fn points_a_number_of_the_real_simulator() {
        let sim = simulator_owning_from().await;
        let client = TwilioClient::new(&sim.base_url(), sim.account_sid(), sim.auth_token());
        let url = "http://127.0.0.1:9/sms/inbound";
        client
            .set_number_sms_url(&E164::parse(FROM, None).unwrap(), url)
            .await
            .unwrap();
        let number = sim.incoming_phone_number(FROM).unwrap();
        assert_eq!(
            (number.sms_url.as_str(), number.sms_method.as_str()),
            (url, "POST")
        );
        let err = client
            .set_number_sms_url(&E164::parse(TO, None).unwrap(), url)
            .await
            .unwrap_err();
        assert_eq!(err.code(), Some(20404));
        sim.shutdown().await;
    }

    #[tokio::test]
    async fn in_process_sends_reach_the_simulator_without_its_socket() {
        let sim = simulator_owning_from().await;
        // A host nobody listens on: only the in-process app can answer.
        let base = "http://twilio.invalid";
        let client = TwilioClient::in_process(sim.app(), base, sim.account_sid(), sim.auth_token());
        let sent = client
            .send(&sms(&"1".repeat(161), &[], None))
            .await
            .unwrap();
        assert_eq!((sent.status.as_str(), sent.num_segments), ("queued", 2));
        assert_eq!(sim.messages_to(TO).len(), 1);
        let state = client.fetch_state(&sent.sid).await.unwrap();
        assert_eq!(state.status.as_str(), "queued");

        let wrong = TwilioClient::in_process(sim.app(), base, sim.account_sid(), "wrong");
        let err = wrong.send(&sms("hi", &[], None)).await.unwrap_err();
        assert_eq!(err.code(), Some(20003), "{err:?}");
        let network = TwilioClient::new(base, sim.account_sid(), sim.auth_token());
        assert!(matches!(
            network.send(&sms("hi", &[], None)).await,
            Err(ProviderError::Unavailable(_))
        ));
        sim.shutdown().await;
    }

    /// The simulator's create-message route as a [`MessagesApi`], counting what it takes.
    struct Forms(convsms_sim::RestForms, std::sync::atomic::AtomicUsize);

    #[async_trait]
    impl MessagesApi for Forms {
        async fn create_message(
            &self,
            url: &str,
            authorization: &str,
            params: Vec<(String, String)>,
        ) -> Option<Result<(u16, axum::body::Bytes), String>> {
            let answer = self.0.create_message(url, authorization, params).await;
            if answer.is_some() {
                self.1.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            }
            answer
        }
    }

    #[tokio::test]
    async fn sends_below_http_are_read_as_the_same_answers() {
        let sim = simulator_owning_from().await;
        let forms = || Arc::new(Forms(sim.rest_forms(), Default::default()));
        let taken = forms();
        let client = TwilioClient::in_process(
            sim.app(),
            &sim.base_url(),
            sim.account_sid(),
            sim.auth_token(),
        )
        .with_messages_api(taken.clone());
        let long = sms(&"1".repeat(161), &[], None);
        let sent = client.send(&long).await.unwrap();
        assert_eq!((sent.status.as_str(), sent.num_segments), ("queued", 2));
        assert_eq!(sim.messages_to(TO).len(), 1);
        let state = client.fetch_state(&sent.sid).await.unwrap();
        assert_eq!(state.status.as_str(), "queued");

        // Refusals read as over HTTP: bad credentials, a From the account does not own.
        let wrong = TwilioClient::in_process(sim.app(), &sim.base_url(), sim.account_sid(), "x")
            .with_messages_api(taken.clone());
        let over_http =
            TwilioClient::in_process(sim.app(), &sim.base_url(), sim.account_sid(), "x");
        let (below, above) = (
            wrong.send(&long).await.unwrap_err(),
            over_http.send(&long).await.unwrap_err(),
        );
        assert_eq!(below, above);
        assert_eq!(below.code(), Some(20003), "{below:?}");
        let mut not_ours = long.clone();
        not_ours.from = E164::parse("+14155550199", None).unwrap();
        let refused = client.send(&not_ours).await.map(|s| s.status);
        assert_eq!(
            refused.clone().unwrap_err().code(),
            Some(21606),
            "{refused:?}"
        );
        assert_eq!(taken.1.load(std::sync::atomic::Ordering::Relaxed), 3);
        let over_http = TwilioClient::in_process(
            sim.app(),
            &sim.base_url(),
            sim.account_sid(),
            sim.auth_token(),
        );
        assert_eq!(refused, over_http.send(&not_ours).await.map(|s| s.status));

        // A URL the API does not take (another base URL) goes as a request, here to the app.
        let declined = forms();
        let elsewhere = "http://twilio.invalid";
        let client =
            TwilioClient::in_process(sim.app(), elsewhere, sim.account_sid(), sim.auth_token())
                .with_messages_api(declined.clone());
        client.send(&long).await.unwrap();
        assert_eq!(declined.1.load(std::sync::atomic::Ordering::Relaxed), 0);
        assert_eq!(sim.messages_to(TO).len(), 2);
        sim.shutdown().await;
    }
}
