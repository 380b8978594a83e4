//! Who may talk to `convsms serve`: a local developer, not a web page they happen to visit.
//!
//! - Every request's `Host` must name a loopback address (`127.0.0.1`, `localhost`, `[::1]`,
//!   any port), which defeats DNS rebinding; with `--token` (required by `--bind` to another
//!   address) the token replaces that check.
//! - Every mutating request (`POST`, `PUT`, `PATCH`, `DELETE`) of the API must come from no
//!   `Origin` or a loopback one (a foreign page's `fetch` carries its own), and a `POST` must
//!   carry `Content-Type: application/json` (a cross-site "simple" request cannot; the other
//!   methods are never simple, so a browser asks first, and the API takes none of them: they
//!   answer 405).
//! - With `--token`, every request needs `Authorization: Bearer <token>`, except Twilio's
//!   webhooks (`/sms/*`), which the engine checks by `X-Twilio-Signature`. A browser cannot
//!   send that header for the page or its event stream: `GET /?token=<token>` answers a redirect
//!   to `/` that sets the cookie [`TOKEN_COOKIE`]`_<port>` (`HttpOnly`, `SameSite=Strict`, so no
//!   other site's request carries it; named by port, since a host's ports share cookies), which
//!   then stands for the header.
//!
//! The checks are `twilio_wire::loopback`'s, shared with the simulator's control API; each
//! refusal is 403 or 415 in ServiceNow's error shape, saying what was wrong and what was
//! expected.

use axum::extract::Request;
use axum::http::{header, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;
use twilio_wire::loopback::{self, Refusal};

/// The cookie that carries `--token` for a browser, before `_<port>` (set by
/// `GET /?token=<token>`).
pub const TOKEN_COOKIE: &str = "convsms_token";

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

/// A refusal of `twilio_wire::loopback`, in ServiceNow's error shape.
fn refused(r: Refusal, detail: &str) -> Response {
    let status = StatusCode::from_u16(r.status).unwrap_or(StatusCode::FORBIDDEN);
    refuse(status, r.message, detail)
}

/// Whether `given` is the token, compared in constant time (a wrong guess learns nothing from
/// how long the answer took but the length).
fn same(given: &str, token: &str) -> bool {
    use subtle::ConstantTimeEq as _;
    given.len() == token.len() && bool::from(given.as_bytes().ct_eq(token.as_bytes()))
}

/// The middleware: checks `req` against the rules, then runs the rest.
pub async fn check(guard: Guard, req: Request, next: Next) -> Response {
    let path = req.uri().path();
    let webhook = path.starts_with("/sms/");
    let headers = req.headers();
    let header = |name| {
        headers
            .get(name)
            .and_then(|v: &header::HeaderValue| v.to_str().ok())
    };
    if let Some(token) = &guard.token {
        // Browsers share a host's cookies across its ports: the cookie's name carries this
        // server's port, so that another server on the host neither reads nor overwrites it.
        let port = header(header::HOST)
            .and_then(|h| h.rsplit_once(':'))
            .map_or("80", |(_, p)| p);
        let name = format!("{TOKEN_COOKIE}_{port}");
        let page_token = (*req.method() == Method::GET && path == "/")
            .then(|| req.uri().query())
            .flatten()
            .and_then(|q| q.split('&').find_map(|kv| kv.strip_prefix("token=")));
        if let Some(raw) = page_token {
            // Percent-decoded, a `+` kept as itself (a base64 token has them) or read as a
            // space (form encoding): either may be how the token was pasted.
            let literal = percent_encoding::percent_decode_str(raw).decode_utf8_lossy();
            let form = form_urlencoded::parse(format!("t={raw}").as_bytes())
                .next()
                .map(|(_, v)| v.into_owned())
                .unwrap_or_default();
            if same(&literal, token) || same(&form, token) {
                let cookie = cookie::Cookie::build((name, token.clone()))
                    .http_only(true)
                    .same_site(cookie::SameSite::Strict)
                    .path("/")
                    .build();
                return (
                    StatusCode::SEE_OTHER,
                    [
                        (header::LOCATION, "/".to_owned()),
                        (header::SET_COOKIE, cookie.encoded().to_string()),
                    ],
                )
                    .into_response();
            }
        }
        let bearer = header(header::AUTHORIZATION).and_then(|v| v.strip_prefix("Bearer "));
        let cookie = headers
            .get_all(header::COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| cookie::Cookie::split_parse_encoded(v).flatten())
            .find(|c| c.name() == name)
            .map(|c| c.value().to_owned());
        let given = bearer.map(str::to_owned).or(cookie);
        if !webhook && !given.is_some_and(|g| same(&g, token)) {
            return refuse(
                StatusCode::FORBIDDEN,
                "missing or wrong token".into(),
                "the header Authorization: Bearer <the --token the server was started with>; in \
                 a browser, open /?token=<the token> once",
            );
        }
    } else if let Err(r) = loopback::check_host(header(header::HOST)) {
        return refused(r, "start with --bind and --token to serve other machines");
    }
    let mutating = matches!(
        *req.method(),
        Method::POST | Method::PUT | Method::PATCH | Method::DELETE
    );
    if mutating && path.starts_with("/api/") {
        // With a token (another machine's browser), the page's own origin is this server's.
        let same_origin = guard.token.is_some()
            && header(header::ORIGIN)
                .zip(header(header::HOST))
                .is_some_and(|(o, h)| o.strip_prefix("http://") == Some(h));
        let origin = if same_origin {
            Ok(())
        } else {
            loopback::check_origin(header(header::ORIGIN))
        };
        if let Err(r) = origin {
            return refused(
                r,
                "no cross-site request: use the page this server serves, or curl",
            );
        }
        // A route that takes PUT, PATCH or DELETE must check its body's type itself.
        if *req.method() == Method::POST {
            if let Err(r) =
                loopback::check_content_type(header(header::CONTENT_TYPE), &["application/json"])
            {
                return refused(r, "a JSON body (docs/serve.md)");
            }
        }
    }
    next.run(req).await
}
