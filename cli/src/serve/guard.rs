//! Who may talk to `convsms serve`: a local developer, not a web page they happen to visit.
//!
//! - Every request's `Host` must name a loopback address (`127.0.0.1`, `localhost`, `[::1]`,
//!   any port), which defeats DNS rebinding; with `--token` (required by `--bind` to another
//!   address) the token replaces that check.
//! - Every mutating request (`POST`, `PUT`, `PATCH`, `DELETE`) of the API must come from no
//!   `Origin` or a loopback one (a foreign page's `fetch` carries its own) and carry
//!   `Content-Type: application/json` (a cross-site "simple" request cannot).
//! - With `--token`, every request needs `Authorization: Bearer <token>`, except Twilio's
//!   webhooks (`/sms/*`), which the engine checks by `X-Twilio-Signature`.
//!
//! Each refusal is 403 or 415 in ServiceNow's error shape, saying what was wrong and what was
//! expected.

use axum::extract::Request;
use axum::http::{header, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

/// The rules of one server.
#[derive(Clone, Debug, Default)]
pub struct Guard {
    /// The token every request must carry (`Authorization: Bearer …`), if any.
    pub token: Option<String>,
}

fn refuse(status: StatusCode, message: String, detail: &str) -> Response {
    (
        status,
        Json(json!({
            "error": { "message": message, "detail": detail },
            "status": "failure",
        })),
    )
        .into_response()
}

/// Whether a `Host` (or an `Origin`'s host) names this machine: `127.0.0.1`, `localhost` or
/// `[::1]`, with or without a port.
pub fn is_loopback_host(host: &str) -> bool {
    let name = if let Some(rest) = host.strip_prefix('[') {
        rest.split(']').next().unwrap_or_default()
    } else {
        host.rsplit_once(':').map_or(host, |(h, _)| h)
    };
    matches!(name, "127.0.0.1" | "localhost" | "::1")
}

/// Whether an `Origin` is a page served from this machine over http(s).
pub fn is_loopback_origin(origin: &str) -> bool {
    origin
        .strip_prefix("http://")
        .or_else(|| origin.strip_prefix("https://"))
        .is_some_and(is_loopback_host)
}

/// The middleware: checks `req` against the rules, then runs the rest.
pub async fn check(guard: Guard, req: Request, next: Next) -> Response {
    let path = req.uri().path();
    let webhook = path.starts_with("/sms/");
    let headers = req.headers();
    if let Some(token) = &guard.token {
        let given = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "));
        if !webhook && given != Some(token.as_str()) {
            return refuse(
                StatusCode::FORBIDDEN,
                "missing or wrong token".into(),
                "the header Authorization: Bearer <the --token the server was started with>",
            );
        }
    } else {
        let host = headers
            .get(header::HOST)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        if !is_loopback_host(host) {
            return refuse(
                StatusCode::FORBIDDEN,
                format!("Host '{host}' is not this machine"),
                "Host 127.0.0.1, localhost or [::1] (start with --bind and --token to serve others)",
            );
        }
    }
    let mutating = matches!(
        *req.method(),
        Method::POST | Method::PUT | Method::PATCH | Method::DELETE
    );
    if mutating && path.starts_with("/api/") && !path.starts_with("/api/now/") {
        if let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) {
            if !is_loopback_origin(origin) {
                return refuse(
                    StatusCode::FORBIDDEN,
                    format!("cross-site request from Origin '{origin}'"),
                    "no Origin, or a page of http://127.0.0.1, http://localhost or http://[::1]",
                );
            }
        }
        let json = headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/json"));
        if !json {
            return refuse(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "the body is not JSON".into(),
                "Content-Type: application/json",
            );
        }
    }
    next.run(req).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_hosts_and_origins_are_told_apart() {
        for h in [
            "127.0.0.1",
            "127.0.0.1:8080",
            "localhost:1",
            "[::1]:80",
            "[::1]",
        ] {
            assert!(is_loopback_host(h), "{h}");
        }
        for h in [
            "evil.example",
            "127.0.0.1.evil.example:80",
            "",
            "10.0.0.1:8080",
        ] {
            assert!(!is_loopback_host(h), "{h}");
        }
        assert!(is_loopback_origin("http://localhost:3000"));
        assert!(!is_loopback_origin("https://evil.example"));
        assert!(!is_loopback_origin("null"));
    }
}
