//! axum middleware that keeps a loopback server to local tools, around the pure checks of
//! [`twilio_wire::loopback`] (which say why: DNS rebinding, cross-site simple POSTs). Reusable by
//! any axum server on 127.0.0.1, each answering refusals in its own error shape through a
//! [`Render`] function:
//!
//! ```no_run
//! # fn demo(router: axum::Router) -> axum::Router {
//! use axum::middleware::from_fn_with_state;
//! use convsms_sim::loopback;
//! router
//!     .layer(from_fn_with_state(loopback::json_error as loopback::Render, loopback::require_loopback_origin))
//!     .layer(from_fn_with_state(loopback::json_error as loopback::Render, loopback::require_loopback_host))
//! # }
//! ```
//!
//! The simulator's own use: [`require_loopback_host`] on every route of the served app (the
//! REST API answers Twilio's error JSON, 403 / 20403; `/_sim/` routes `{"error": "…"}`), and on
//! the `/_sim/` routes [`require_loopback_origin`] and a `Content-Type` check per route (see
//! `control`). [`crate::Simulator::app`], called in process, has no `Host` check: its requests
//! never cross a socket, and their URLs may name any host.

use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, StatusCode, Uri};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Json;
use twilio_wire::loopback::{self, Refusal};
use twilio_wire::ApiError;

/// How a server answers a [`Refusal`] of the request to `uri`.
pub type Render = fn(&Uri, Refusal) -> Response;

/// Renders a refusal as `{"error": "<message>"}` with its status (the simulator's control API
/// shape).
pub fn json_error(_uri: &Uri, refusal: Refusal) -> Response {
    let status = StatusCode::from_u16(refusal.status).unwrap_or(StatusCode::FORBIDDEN);
    (
        status,
        Json(serde_json::json!({ "error": refusal.message })),
    )
        .into_response()
}

/// The simulator's shape: `{"error"}` under `/_sim/`, Twilio's error JSON elsewhere (403 /
/// 20403 "Forbidden", 415 / 20001), as the REST API answers every error.
pub(crate) fn simulator_error(uri: &Uri, refusal: Refusal) -> Response {
    if uri.path().starts_with("/_sim/") {
        return json_error(uri, refusal);
    }
    let code = if refusal.status == 403 { 20403 } else { 20001 };
    crate::api::respond::ApiReply(ApiError::new(code, refusal.status, refusal.message))
        .into_response()
}

/// A header's value as text, `None` when absent; a value that is not visible ASCII reads as
/// `Some("")` (and is refused as not loopback).
fn header_text<'a>(headers: &'a HeaderMap, name: &header::HeaderName) -> Option<&'a str> {
    headers.get(name).map(|v| v.to_str().unwrap_or(""))
}

/// Middleware: refuses (403) a request whose `Host` header is not a loopback name
/// ([`loopback::check_host`]); a request without `Host` passes.
pub async fn require_loopback_host(
    State(render): State<Render>,
    request: Request,
    next: Next,
) -> Response {
    match loopback::check_host(header_text(request.headers(), &header::HOST)) {
        Ok(()) => next.run(request).await,
        Err(refusal) => render(request.uri(), refusal),
    }
}

/// Middleware: refuses (403) a request whose `Origin` header is not a loopback origin
/// ([`loopback::check_origin`]); a request without `Origin` passes.
pub async fn require_loopback_origin(
    State(render): State<Render>,
    request: Request,
    next: Next,
) -> Response {
    match loopback::check_origin(header_text(request.headers(), &header::ORIGIN)) {
        Ok(()) => next.run(request).await,
        Err(refusal) => render(request.uri(), refusal),
    }
}

/// [`loopback::check_content_type`] on `request`'s `Content-Type` header.
///
/// # Errors
/// 415 as that function says.
pub fn check_content_type(request: &Request, accepted: &[&str]) -> Result<(), Refusal> {
    loopback::check_content_type(
        header_text(request.headers(), &header::CONTENT_TYPE),
        accepted,
    )
}

#[cfg(test)]
mod tests {
    use serde_json::Value;

    use crate::test_support::*;

    #[tokio::test]
    async fn a_foreign_host_is_refused_on_every_route_in_each_routes_shape() {
        let sim = start_sim(&["+14155550100"]).await;
        let http = reqwest::Client::new();
        let resp = http
            .get(format!("{}/_sim/messages", sim.base_url()))
            .header("Host", "evil.example:4010")
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 403);
        let v: Value = resp.json().await.unwrap();
        let error = v["error"].as_str().unwrap();
        assert!(
            error.contains("'evil.example:4010' is not a loopback name"),
            "{v}"
        );

        let resp = http
            .get(messages_url(&sim))
            .basic_auth(sim.account_sid(), Some(sim.auth_token()))
            .header("Host", "evil.example")
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 403);
        let v: Value = resp.json().await.unwrap();
        assert_error_shape(&v, 20403, 403);

        for host in ["localhost:1", "127.0.0.1", "[::1]:4010"] {
            let resp = http
                .get(messages_url(&sim))
                .basic_auth(sim.account_sid(), Some(sim.auth_token()))
                .header("Host", host)
                .send()
                .await
                .unwrap();
            assert_eq!(resp.status(), 200, "{host}");
        }
    }
}
