//! How the simulator's own HTTP requests (webhooks, status callbacks, `MediaUrl` fetches) reach
//! the app: over the network with reqwest, or, for URLs under the base URL of an app registered
//! with [`crate::Simulator::route_in_process`], straight into that app's axum `Router` through
//! tower's `oneshot`.
//!
//! Both ways send the very same `reqwest::Request` (same form encoding, same
//! `X-Twilio-Signature`, same headers), converted to an `http::Request`: the app runs the same
//! handlers, signature check included, without sockets. The in-process way has no timeouts and
//! follows no redirects (an app answering in process cannot hang on a socket).
//!
//! Below HTTP, an app may also take the simulator's signed form POSTs (webhooks and status
//! callbacks) as values: a [`FormReceiver`] registered with
//! [`crate::Simulator::receive_forms_in_process`] gets the URL, the `X-Twilio-Signature` and the
//! parameters, with no request built, encoded, routed or decoded (what `convsms soak`'s `inproc`
//! transport does for speed). GETs and `MediaUrl` fetches still go to the registered app.

use std::sync::{Arc, RwLock};

use axum::body::Bytes;
use axum::http::HeaderMap;
use axum::Router;
use tower::ServiceExt as _;

/// An app the simulator calls in process: every URL starting with `base_url` goes to `app`.
#[derive(Clone)]
pub(crate) struct InProcessApp {
    /// `http://host:port` (no trailing slash) the app's URLs start with.
    pub(crate) base_url: String,
    /// The app.
    pub(crate) app: Router,
}

/// A signed form POST handed to a [`FormReceiver`]: what the HTTP request would carry.
#[derive(Clone, Copy, Debug)]
pub struct PostedForm<'a> {
    /// The absolute URL posted to, exactly as signed (`http://host:port/path`, no fragment).
    pub url: &'a str,
    /// The path and query of `url` after the receiver's base URL (`/sms/status`).
    pub path: &'a str,
    /// The `X-Twilio-Signature` header's value (HMAC-SHA1 over `url` and the parameters).
    pub signature: &'a str,
    /// The `I-Twilio-Idempotency-Token` header's value.
    pub idempotency_token: &'a str,
    /// The form's parameters, in the order they would be encoded.
    pub params: &'a [(String, String)],
}

/// An app's answer to a [`PostedForm`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FormAnswer {
    /// HTTP status code (200, 204, 400, 403, ...).
    pub status: u16,
    /// The body (TwiML for an inbound webhook, empty or an error text otherwise).
    pub body: Bytes,
}

/// An app that takes the simulator's signed form POSTs in process, as values (see the module
/// docs). It checks the signature and the form as its HTTP handler would.
#[async_trait::async_trait]
pub trait FormReceiver: Send + Sync {
    /// Answers one POST, or `None` when `form.path` is not one it takes as a value: the
    /// simulator then sends it as an HTTP request to the app registered for the base URL.
    async fn post_form(&self, form: PostedForm<'_>) -> Option<FormAnswer>;
}

/// A [`FormReceiver`] under its base URL.
#[derive(Clone)]
struct FormRoute {
    base_url: String,
    receiver: Arc<dyn FormReceiver>,
}

/// The in-process apps, by base URL (at most a handful; looked up per request), and the form
/// receivers.
#[derive(Default)]
pub(crate) struct Routes(RwLock<Vec<InProcessApp>>, RwLock<Vec<FormRoute>>);

/// The rest of `url` after `base_url` when `url` is under it (empty, or from a `/`, `?`, `#`).
fn under<'u>(url: &'u str, base_url: &str) -> Option<&'u str> {
    url.strip_prefix(base_url)
        .filter(|rest| rest.is_empty() || rest.starts_with(['/', '?', '#']))
}

impl Routes {
    /// Hands POSTed forms under `base_url` to `receiver`, replacing an earlier receiver there.
    pub(crate) fn set_form_receiver(&self, base_url: &str, receiver: Arc<dyn FormReceiver>) {
        let base_url = base_url.trim_end_matches('/').to_owned();
        let mut forms = self.1.write().unwrap_or_else(|e| e.into_inner());
        forms.retain(|r| r.base_url != base_url);
        forms.push(FormRoute { base_url, receiver });
    }

    /// Offers a signed POST of `params` to `url` to its [`FormReceiver`], if one is registered
    /// for it; `None` when there is none or it declines.
    pub(crate) async fn post_form(
        &self,
        url: &str,
        signature: &str,
        idempotency_token: &str,
        params: &[(String, String)],
    ) -> Option<FormAnswer> {
        let (receiver, path) = {
            let forms = self.1.read().unwrap_or_else(|e| e.into_inner());
            forms
                .iter()
                .find_map(|r| under(url, &r.base_url).map(|path| (r.receiver.clone(), path)))?
        };
        receiver
            .post_form(PostedForm {
                url,
                path,
                signature,
                idempotency_token,
                params,
            })
            .await
    }

    /// Routes URLs under `base_url` to `app`, replacing an earlier app of that base URL.
    pub(crate) fn set(&self, base_url: &str, app: Router) {
        let base_url = base_url.trim_end_matches('/').to_owned();
        let mut routes = self.0.write().unwrap_or_else(|e| e.into_inner());
        routes.retain(|r| r.base_url != base_url);
        routes.push(InProcessApp { base_url, app });
    }

    /// Forgets every in-process app and form receiver. They may hold what holds the simulator
    /// (an app that sends to it in process holds its core), so a simulator dropped with them
    /// in place would never be freed, nor would the app and its store.
    pub(crate) fn clear(&self) {
        self.0.write().unwrap_or_else(|e| e.into_inner()).clear();
        self.1.write().unwrap_or_else(|e| e.into_inner()).clear();
    }

    /// The app `url` goes to, if one is registered for it.
    pub(crate) fn find(&self, url: &str) -> Option<Router> {
        let routes = self.0.read().unwrap_or_else(|e| e.into_inner());
        routes
            .iter()
            .find(|r| under(url, &r.base_url).is_some())
            .map(|r| r.app.clone())
    }
}

/// Why a request got no usable answer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TransportError {
    /// No connection to the app (refused, unreachable, DNS, connect timeout).
    #[error("cannot connect: {0}")]
    Connect(String),
    /// Connected, but no complete answer (timeout, reset, a body that could not be read), or
    /// the request could not be built.
    #[error("no usable answer: {0}")]
    Read(String),
}

impl TransportError {
    fn from_reqwest(e: &reqwest::Error) -> TransportError {
        if e.is_connect() {
            TransportError::Connect(e.to_string())
        } else {
            TransportError::Read(e.to_string())
        }
    }
}

/// An answer, read up to a limit.
pub(crate) struct Answered {
    /// HTTP status code.
    pub(crate) status: u16,
    /// Its headers.
    pub(crate) headers: HeaderMap,
    /// Its body, or its first `limit` bytes when it is longer.
    pub(crate) body: Bytes,
    /// True when the body is longer than the limit: reading stopped there and `body` holds the
    /// first `limit` bytes.
    pub(crate) truncated: bool,
}

/// Appends `chunk` to `body` up to `limit` bytes in all; true when some of it did not fit.
fn append_capped(body: &mut Vec<u8>, chunk: &[u8], limit: usize) -> bool {
    let room = limit.saturating_sub(body.len());
    body.extend_from_slice(&chunk[..chunk.len().min(room)]);
    chunk.len() > room
}

/// Sends `request` (built with `client`) to its app, in process when [`Routes`] has one for its
/// URL, else over the network, and reads the answer's body up to `limit` bytes: past it the
/// reading stops (the rest is never buffered) and [`Answered::truncated`] is set.
///
/// # Errors
/// [`TransportError`] as its variants say.
pub(crate) async fn execute(
    routes: &Routes,
    client: &reqwest::Client,
    request: reqwest::Request,
    limit: usize,
) -> Result<Answered, TransportError> {
    if let Some(app) = routes.find(request.url().as_str()) {
        return in_process(app, request, limit).await;
    }
    let mut response = client
        .execute(request)
        .await
        .map_err(|e| TransportError::from_reqwest(&e))?;
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let mut body = Vec::new();
    let mut truncated = false;
    while let Some(chunk) = response
        .chunk()
        .await
        .map_err(|e| TransportError::from_reqwest(&e))?
    {
        if append_capped(&mut body, &chunk, limit) {
            truncated = true;
            break;
        }
    }
    Ok(Answered {
        status,
        headers,
        body: Bytes::from(body),
        truncated,
    })
}

/// Calls `app` with `request`, without sockets, and reads the answer's body up to `limit`
/// bytes as [`execute`] does.
///
/// # Errors
/// [`TransportError::Read`] when the request cannot be converted (a streaming body) or the
/// answer's body cannot be read.
pub(crate) async fn in_process(
    app: Router,
    request: reqwest::Request,
    limit: usize,
) -> Result<Answered, TransportError> {
    use http_body_util::BodyExt as _;
    let request: axum::http::Request<reqwest::Body> = request
        .try_into()
        .map_err(|e: reqwest::Error| TransportError::Read(e.to_string()))?;
    let response = match app.oneshot(request).await {
        Ok(r) => r,
        Err(never) => match never {},
    };
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let mut stream = response.into_body();
    let mut body = Vec::new();
    let mut truncated = false;
    while let Some(frame) = stream.frame().await {
        let frame = frame.map_err(|e| TransportError::Read(e.to_string()))?;
        if let Ok(chunk) = frame.into_data() {
            if append_capped(&mut body, &chunk, limit) {
                truncated = true;
                break;
            }
        }
    }
    Ok(Answered {
        status,
        headers,
        body: Bytes::from(body),
        truncated,
    })
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use axum::body::Bytes;
    use twilio_wire::signature;

    use super::{FormAnswer, FormReceiver, PostedForm};

    use crate::delivery::testing::{send_ok, start, HANDSET, SHOP};
    use crate::test_support::receiver_app;

    /// No socket listens on this host: only the in-process app can answer.
    const APP: &str = "http://app.invalid";

    #[tokio::test]
    async fn webhooks_and_callbacks_reach_an_in_process_app_signed_as_over_the_network() {
        let (sim, clock) = start().await;
        let (app, hits) = receiver_app(200, "<Response/>");
        sim.route_in_process(&format!("{APP}/"), app);
        sim.set_sms_url(&format!("{APP}/sms"));
        let inbound = sim.send_inbound(HANDSET, SHOP, "hi", &[]).await.unwrap();
        assert_eq!(inbound.http_status(), Some(200));
        let sid = send_ok(&sim, HANDSET, "hello", Some(&format!("{APP}/status"))).await;
        clock.advance(120);
        sim.run_due().await;

        let hits = hits.lock().unwrap().clone();
        assert_eq!(hits[0].param("Body"), "hi");
        let statuses: Vec<&str> = hits[1..].iter().map(|h| h.param("MessageStatus")).collect();
        assert_eq!(statuses, ["sent", "delivered"], "callbacks of {sid}");
        for h in &hits {
            let url = format!("{APP}{}", h.uri.path());
            let signed = h.header("X-Twilio-Signature");
            assert!(
                signature::validate(sim.auth_token(), &url, &h.params, signed),
                "{url} {signed}"
            );
        }
        // Another host still goes over the network (and fails here).
        sim.set_sms_url("http://other.invalid/sms");
        assert!(sim.send_inbound(HANDSET, SHOP, "hi", &[]).await.is_err());
    }

    /// A form as a [`FormReceiver`] got it: URL, path, signature, parameters.
    type Got = (String, String, String, Vec<(String, String)>);

    /// A [`FormReceiver`] that takes `/status` and declines the rest, keeping what it got.
    struct StatusForms(Mutex<Vec<Got>>);

    #[async_trait::async_trait]
    impl FormReceiver for StatusForms {
        async fn post_form(&self, form: PostedForm<'_>) -> Option<FormAnswer> {
            if form.path != "/status" {
                return None;
            }
            self.0.lock().unwrap().push((
                form.url.to_owned(),
                form.path.to_owned(),
                form.signature.to_owned(),
                form.params.to_vec(),
            ));
            Some(FormAnswer {
                status: 204,
                body: Bytes::new(),
            })
        }
    }

    #[tokio::test]
    async fn a_form_receiver_gets_the_signed_forms_it_takes_and_the_app_the_others() {
        let (sim, clock) = start().await;
        let (app, hits) = receiver_app(200, "<Response/>");
        sim.route_in_process(APP, app);
        let forms = Arc::new(StatusForms(Mutex::new(vec![])));
        sim.receive_forms_in_process(&format!("{APP}/"), forms.clone());
        sim.set_sms_url(&format!("{APP}/sms"));
        let inbound = sim.send_inbound(HANDSET, SHOP, "hi", &[]).await.unwrap();
        assert_eq!(
            inbound.http_status(),
            Some(200),
            "declined: the app answered"
        );
        let sid = send_ok(&sim, HANDSET, "hello", Some(&format!("{APP}/status"))).await;
        clock.advance(120);
        sim.run_due().await;

        let hits = hits.lock().unwrap().clone();
        assert_eq!(hits.len(), 1, "only the inbound webhook reached the app");
        assert_eq!(hits[0].param("Body"), "hi");
        let forms = forms.0.lock().unwrap().clone();
        let statuses: Vec<&str> = forms
            .iter()
            .map(|(_, _, _, p)| {
                p.iter()
                    .find(|(k, _)| k == "MessageStatus")
                    .unwrap()
                    .1
                    .as_str()
            })
            .collect();
        assert_eq!(statuses, ["sent", "delivered"], "callbacks of {sid}");
        for (url, path, signed, params) in &forms {
            assert_eq!(url, &format!("{APP}/status"));
            assert_eq!(path, "/status");
            assert!(
                signature::validate(sim.auth_token(), url, params, signed),
                "{url} {signed}"
            );
        }
        let sid = twilio_wire::sid::MessageSid::parse(&sid).unwrap();
        assert_eq!(
            sim.message(&sid).expect("the message").status.as_str(),
            "delivered"
        );
    }
}
