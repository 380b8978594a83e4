//! How the simulator's own HTTP requests (webhooks, status callbacks, `MediaUrl` fetches) reach
//! the app: over the network with reqwest, or, for URLs under the base URL of an app registered
//! with [`crate::Simulator::route_in_process`], straight into that app's axum `Router` through
//! tower's `oneshot`.
//!
//! Both ways send the very same `reqwest::Request` (same form encoding, same
//! `X-Twilio-Signature`, same headers), converted to an `http::Request`: the app runs the same
//! handlers, signature check included, without sockets. The in-process way has no timeouts and
//! follows no redirects (an app answering in process cannot hang on a socket).

use std::sync::RwLock;

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

/// The in-process apps, by base URL (at most a handful; looked up per request).
#[derive(Default)]
pub(crate) struct Routes(RwLock<Vec<InProcessApp>>);

impl Routes {
    /// Routes URLs under `base_url` to `app`, replacing an earlier app of that base URL.
    pub(crate) fn set(&self, base_url: &str, app: Router) {
        let base_url = base_url.trim_end_matches('/').to_owned();
        let mut routes = self.0.write().unwrap_or_else(|e| e.into_inner());
        routes.retain(|r| r.base_url != base_url);
        routes.push(InProcessApp { base_url, app });
    }

    /// The app `url` goes to, if one is registered for it.
    pub(crate) fn find(&self, url: &str) -> Option<Router> {
        let routes = self.0.read().unwrap_or_else(|e| e.into_inner());
        routes
            .iter()
            .find(|r| {
                url.strip_prefix(&r.base_url)
                    .is_some_and(|rest| rest.is_empty() || rest.starts_with(['/', '?', '#']))
            })
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

/// An answer, read whole.
pub(crate) struct Answered {
    /// HTTP status code.
    pub(crate) status: u16,
    /// Its headers.
    pub(crate) headers: HeaderMap,
    /// Its body.
    pub(crate) body: Bytes,
}

/// Sends `request` (built with `client`) to its app, in process when [`Routes`] has one for its
/// URL, else over the network, and reads the whole answer.
///
/// # Errors
/// [`TransportError`] as its variants say.
pub(crate) async fn execute(
    routes: &Routes,
    client: &reqwest::Client,
    request: reqwest::Request,
) -> Result<Answered, TransportError> {
    if let Some(app) = routes.find(request.url().as_str()) {
        return in_process(app, request).await;
    }
    let response = client
        .execute(request)
        .await
        .map_err(|e| TransportError::from_reqwest(&e))?;
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let body = response
        .bytes()
        .await
        .map_err(|e| TransportError::from_reqwest(&e))?;
    Ok(Answered {
        status,
        headers,
        body,
    })
}

/// Calls `app` with `request`, without sockets.
///
/// # Errors
/// [`TransportError::Read`] when the request cannot be converted (a streaming body) or the
/// answer's body cannot be read.
pub(crate) async fn in_process(
    app: Router,
    request: reqwest::Request,
) -> Result<Answered, TransportError> {
    let request: axum::http::Request<reqwest::Body> = request
        .try_into()
        .map_err(|e: reqwest::Error| TransportError::Read(e.to_string()))?;
    let response = match app.oneshot(request).await {
        Ok(r) => r,
        Err(never) => match never {},
    };
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let body = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .map_err(|e| TransportError::Read(e.to_string()))?;
    Ok(Answered {
        status,
        headers,
        body,
    })
}

#[cfg(test)]
mod tests {
    use twilio_wire::signature;

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
        assert_eq!(inbound.http_status, 200);
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
}
