//! The simulator's control API under `/_sim/`: JSON, no authentication, loopback only, for tools
//! outside the process (`convsms sim`, SDK tests in other languages). The user's guide, with curl
//! examples, is `docs/simulator-control.md`. Every route, with the Rust call it mirrors:
//!
//! | route | body | answer | Rust | module |
//! |---|---|---|---|---|
//! | `GET /_sim/messages[?to=E164][&after=SID][&limit=N]` | | 200 + `{"messages": [Message… + "twilio_reply"], "next"}`, oldest first | [`crate::Simulator::messages_to`], [`crate::Simulator::messages_after`] | `messages` |
//! | `POST /_sim/inbound` | `{"from", "to", "body"?, "media_urls"?}` or the form `From=&To=&Body=&MediaUrl=` | 200 + `{"sid", "http_status", "body"}` (`{"sid"}` when no SMS URL applies) | [`crate::Simulator::send_inbound`] | `messages` |
//! | `POST /_sim/sms_url` | `{"url"}` | 200 + the same | [`crate::Simulator::set_sms_url`] | `messages` |
//! | `POST /_sim/reset` | none (or `{}`) | 204 | [`crate::Simulator::reset`] | `messages` |
//! | `POST /_sim/flush` | none (or `{}`) | 200 + `{"callbacks": n}` | [`crate::Simulator::run_due`] | `behaviour` |
//! | `POST /_sim/carrier` | `{"number", "profile"}` | 200 + the same, number in E.164 | [`crate::Simulator::set_carrier`] | `behaviour` |
//! | `POST /_sim/optout` | `{"enabled": bool}` | 200 + `{"enabled"}` | [`crate::Simulator::set_opt_out_handling`] | `behaviour` |
//! | `POST /_sim/faults` | see below | 200 + `{}` | [`crate::Simulator::set_fault_seed`], [`crate::Simulator::clear_faults`], [`crate::Simulator::set_callback_fault`], [`crate::Simulator::set_webhook_fault`], [`crate::Simulator::set_api_fault`], [`crate::Simulator::set_list_fault`] | `behaviour` |
//! | `GET /_sim/errors` | | 200 + `[{"code", "message", "sid", "url", "at"}…]`, oldest first | [`crate::Simulator::errors`] | `behaviour` |
//! | `GET /_sim/numbers` | | 200 + `[IncomingPhoneNumber…]`, in the order added | [`crate::Simulator::incoming_phone_numbers`] | `provision` |
//! | `POST /_sim/numbers` | `{"number", "friendly_name"?, "sms_url"?, "sms_method"?, "sms_fallback_url"?, "sms_fallback_method"?, "status_callback"?, "status_callback_method"?, "capabilities"?}` | 201 (new number) or 200 + IncomingPhoneNumber | [`crate::Simulator::provision_number`] | `provision` |
//!
//! Every request, refused before anything changes, with `{"error": "…"}` saying what was wrong
//! and what was expected:
//!
//! * 403 when a browser sent a foreign `Origin` (anything but `http(s)://127.0.0.1`,
//!   `localhost` or `[::1]`, any port), on every route; and (the server's check, not the in-process
//!   app's) when the `Host` is not one of those names (DNS rebinding). See [`crate::loopback`].
//! * 415 when a POST does not declare `Content-Type: application/json` (on `/_sim/inbound`, or
//!   `application/x-www-form-urlencoded`): a cross-site page can send `text/plain` without a
//!   preflight, never JSON.
//! * 400 when the JSON does not parse or has the wrong shape (serde's reason: a missing or
//!   unknown key, a wrong type); an empty body reads as `{}`. 413 over 1 MiB; 408 when the body
//!   does not arrive within [`crate::SimConfig::body_read_timeout`].
//! * 400 when a phone number (`number` of carrier and faults, `from` and `to` of inbound) is not
//!   a valid number in international form: it is stored in E.164.
//! * 404 for a path under `/_sim/` that is no route; 405 for a route asked with a method it does
//!   not take (its methods in `Allow`).
//!
//! Routes:
//!
//! * `GET /_sim/messages?to=E164&after=SID&limit=N`: a page of the retained Message resources
//!   (see [`crate::SimConfig::retain`]) sent to `to`, or without `to` of every retained
//!   message, with Twilio's opt-out auto-replies merged in, oldest first, from the first whose SID
//!   counter is above `after`'s (default: the first), at most `limit` (default 1,000, at most
//!   10,000): `{"messages": [...], "next": "/_sim/messages?…&after=SM…&limit=N"}`, `next` being
//!   `null` on the last page. A page costs O(log n + limit) however many are retained, and the
//!   state lock is not held while it is serialised. 400 + `{"error"}` for an unknown or
//!   repeated parameter, an `after` that is not `SM`/`MM` + 32 hex, a `limit` outside
//!   1..=10,000. A `+` that was not percent-encoded arrives as a space; a leading space of `to`
//!   is read back as `+`. (Until this page format it answered a bare array of every message.)
//!   Each entry is the Message resource plus `"twilio_reply"`: `true` for Twilio's own
//!   replies (to STOP, START and HELP, and to a text for a number with no SMS URL; see
//!   `optout`), which take a MessageSid of the shared counter but
//!   are not the account's messages: Twilio's REST API neither lists them nor finds them (fetch
//!   answers 404 / 20404, as §7 says they are "not stored as your messages").
//! * `POST /_sim/inbound` with `{"from", "to", "body", "media_urls"}` (`body` and `media_urls`
//!   optional; unknown keys refused), or a Twilio-style form `From`, `To`, `Body`, `MediaUrl`
//!   (repeatable): a handset texts the account. 200 + `{"sid", "http_status", "body"}`, or
//!   `{"sid"}` alone when no SMS URL applies to `to` (recorded and posted nowhere; Twilio's
//!   default reply goes to the handset, see `optout`). 400 + `{"error"}` when `to` is not one of
//!   the account's numbers or cannot receive SMS (nothing is recorded then); 502 + `{"error",
//!   "sid"}` when the webhook could not be delivered, 504 + `{"error", "sid"}` when an injected
//!   timeout fault lost the answer: in both the handset's message is recorded, as Twilio records
//!   one whose webhook failed (error 11200 in `GET /_sim/errors`), and `sid` names it.
//! * `POST /_sim/sms_url` with `{"url": "http://127.0.0.1:8080/sms/inbound"}`: the account's
//!   messaging webhook from now on; 400 unless an absolute http(s) URL.
//! * `POST /_sim/reset`: forgets every message, media file, schedule, opt-out block, status
//!   callback and debugger entry, restarts the SID counters, and removes every fault (API faults
//!   and their generator too); the account's configuration stays (numbers and their settings,
//!   SMS URL, API keys, Messaging Services; sticky senders start over). Everything else the state
//!   holds returns to its start-up value (carrier profiles, Twilio's opt-out handling; the
//!   retention window and the delivery timing stay as set). An empty body
//!   or `{}`; any other is refused (400) and nothing is forgotten.
//! * `POST /_sim/numbers`: gives the account the number (any valid number; stored in E.164) if
//!   it does not own it yet, then applies the settings given, as the REST update of an
//!   IncomingPhoneNumber does (see `phone_numbers`), plus `capabilities`
//!   (`{"voice", "sms", "mms", "fax"}`, booleans). 400 + `{"error"}` naming the field for a bad
//!   number, URL, method or name; nothing changes then.
//! * `POST /_sim/flush`: the simulator cannot move a clock it does not own: it applies what is
//!   due by the clock it was started with. A server on wall time delivers whatever has become
//!   due since the messages were created (the simulator itself runs no background timer;
//!   `convsms sim` flushes every 200 ms).
//! * `POST /_sim/carrier`: profiles in snake case: `delivers`, `unreachable`,
//!   `unknown_handset`, `landline`, `filtered`, `unknown_error`, `not_mobile`
//!   ([`crate::CarrierProfile`]).
//! * `POST /_sim/faults` takes any of `{"seed": 7, "clear": true, "number": "+1…",
//!   "probability": 0.5, "callback": {"kind": "delay", "seconds": 10}, "webhook": {"kind":
//!   "timeout"}, "api": {"kind": "rate_limit"}, "list": {"kind": "server_error"}}` (unknown
//!   keys are refused), applied in that order: `seed` restarts the generators, `clear` removes
//!   every rule, then each of `api` / `list` / `callback` / `webhook` sets the rule of the scope (`number`, matching a message's `From` or
//!   `To`; global without it) striking a share of requests, `probability` (default 1), or
//!   instead the next `next` of them (`"next": 2`, then the rule is gone: [`crate::Strikes`]);
//!   a `null` fault removes that scope's rule. 400 + `{"error"}` when `probability` is outside
//!   `[0, 1]`, `next` is 0 or given with `probability`, or `number` is not a valid number
//!   (nothing is changed then). Faults: [`crate::CallbackFault`], [`crate::WebhookFault`]
//!   (see `faults`) and [`crate::ApiFault`]: `{"kind": "rate_limit"}` (429 / 20429),
//!   `{"kind": "server_error"}` (500 / 20500), `{"kind": "server_error_after_create"}` (the
//!   message is created, the answer is the same 500), `{"kind": "reset_after_create"}` (the
//!   message is created, the connection closed without an answer), `{"kind": "latency", "ms":
//!   1500}`, under
//!   `api` on `POST …/Messages.json`, under `list` on `GET …/Messages.json` (matched by its `To`
//!   and `From` filters; the two after-the-create kinds are refused there: a list creates
//!   nothing;
//!   see `api_faults`).

use std::sync::Arc;

use axum::extract::{FromRequest, Request};
use axum::http::{Method, StatusCode};
use axum::middleware::{from_fn, from_fn_with_state, Next};
use axum::response::{IntoResponse, Response};
use axum::{Json, Router};
use serde::de::DeserializeOwned;

use crate::body::read_body;
use crate::{loopback, numbers, Core};

mod behaviour;
mod messages;
mod provision;

/// `application/json`.
const JSON: &str = "application/json";
/// `application/x-www-form-urlencoded`.
const FORM: &str = "application/x-www-form-urlencoded";
/// The largest control request body read, in bytes.
const MAX_CONTROL_BYTES: usize = 1024 * 1024;

/// Every `/_sim/` route, behind the `Origin` and `Content-Type` checks (the `Host` check is the
/// server's, see [`crate::loopback`]).
pub(crate) fn router() -> Router<Arc<Core>> {
    messages::router()
        .merge(behaviour::router())
        .merge(provision::router())
        .method_not_allowed_fallback(method_not_allowed)
        .route_layer(from_fn(require_body_type))
        .route_layer(from_fn_with_state(
            loopback::json_error as loopback::Render,
            loopback::require_loopback_origin,
        ))
}

/// A control route asked with a method it does not take: 405 + `{"error"}`, the route's methods
/// in the `Allow` header (axum's).
async fn method_not_allowed(method: Method, uri: axum::http::Uri) -> ControlError {
    ControlError {
        status: StatusCode::METHOD_NOT_ALLOWED,
        message: format!(
            "{method} is not a method of {}; expected one of this answer's Allow header \
             (docs/simulator-control.md lists the routes)",
            uri.path()
        ),
    }
}

/// A path under `/_sim/` that is no control route: 404 + `{"error"}`.
pub(crate) fn not_found(uri: &axum::http::Uri) -> Response {
    ControlError {
        status: StatusCode::NOT_FOUND,
        message: format!(
            "no control route {}; expected one of the routes docs/simulator-control.md lists \
             (/_sim/messages, /_sim/inbound, /_sim/flush, …)",
            uri.path()
        ),
    }
    .into_response()
}

/// A control API error: `status` and `{"error": message}`.
#[derive(Debug)]
pub(crate) struct ControlError {
    status: StatusCode,
    message: String,
}

impl IntoResponse for ControlError {
    fn into_response(self) -> Response {
        (
            self.status,
            Json(serde_json::json!({ "error": self.message })),
        )
            .into_response()
    }
}

/// A [`ControlError`] of `status` saying `message`.
pub(crate) fn error(status: StatusCode, message: impl Into<String>) -> ControlError {
    ControlError {
        status,
        message: message.into(),
    }
}

/// The media types a mutating request to `path` may declare.
fn accepted_body_types(path: &str) -> &'static [&'static str] {
    if path == "/_sim/inbound" {
        &[JSON, FORM]
    } else {
        &[JSON]
    }
}

/// Middleware: a request other than GET or HEAD must declare `Content-Type: application/json`
/// (on `/_sim/inbound`, or `application/x-www-form-urlencoded`), else 415 `{"error"}`.
async fn require_body_type(request: Request, next: Next) -> Response {
    // Only a POST carries a body here: the other methods are answered 405 (no control route
    // takes them), which a body's type must not turn into 415.
    if *request.method() != Method::POST {
        return next.run(request).await;
    }
    let accepted = accepted_body_types(request.uri().path());
    match loopback::check_content_type(&request, accepted) {
        Ok(()) => next.run(request).await,
        Err(refusal) => loopback::json_error(request.uri(), refusal),
    }
}

/// At most 40 characters of `value` for a message, then `…`.
pub(crate) fn shortened(value: &str) -> String {
    let mut chars = value.chars();
    let head: String = chars.by_ref().take(40).collect();
    if chars.next().is_some() {
        format!("{head}…")
    } else {
        head
    }
}

/// `number` in E.164 (`+14155552671`) when it is a valid phone number in international form
/// (spaces and punctuation allowed: `+1 (415) 555-2671`).
///
/// # Errors
/// 400 `{"error"}` naming `field`, quoting (the start of) the value and the shape expected.
pub(crate) fn e164(field: &str, number: &str) -> Result<String, ControlError> {
    numbers::to_e164(number).ok_or_else(|| {
        error(
            StatusCode::BAD_REQUEST,
            format!(
                "{field} '{}' is not a valid phone number; expected E.164: '+', the country code \
                 and the number, for example +14155552671",
                shortened(number)
            ),
        )
    })
}

/// A JSON request body of type `T`, read whole (at most 1 MiB, within the body-read timeout).
/// An empty body reads as `{}`. Refusals are `{"error"}`: 413 too large, 408 too slow, 400 not
/// JSON of the expected shape (serde's reason: the missing or unknown field, the wrong type).
pub(crate) struct ControlJson<T>(pub(crate) T);

impl<T: DeserializeOwned> FromRequest<Arc<Core>> for ControlJson<T> {
    type Rejection = ControlError;

    async fn from_request(request: Request, core: &Arc<Core>) -> Result<Self, ControlError> {
        let bytes = body_bytes(request, core).await?;
        let text: &[u8] = if bytes.iter().all(u8::is_ascii_whitespace) {
            b"{}"
        } else {
            &bytes
        };
        serde_json::from_slice(text).map(ControlJson).map_err(|e| {
            error(
                StatusCode::BAD_REQUEST,
                format!("the body is not the JSON this route takes: {e}"),
            )
        })
    }
}

/// The body of a route that takes none (`POST /_sim/reset`, `/_sim/flush`): empty, or `{}`.
/// Read as [`ControlJson`], so a body that is anything else (not JSON, an array, a key) is
/// refused with 400 before the route acts, and one that is slow to arrive with 408.
#[derive(Debug)]
pub(crate) struct NoFields;

impl<'de> serde::Deserialize<'de> for NoFields {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        // A map, as serde reads a struct, but not a sequence, which a derived empty struct
        // also takes.
        let fields = serde_json::Map::<String, serde_json::Value>::deserialize(d)?;
        match fields.keys().next() {
            None => Ok(NoFields),
            Some(key) => Err(serde::de::Error::custom(format!(
                "unknown field `{key}`: this route takes none; send no body or {{}}"
            ))),
        }
    }
}

/// The query of a GET route that takes no parameter (`/_sim/errors`, `/_sim/numbers`): a
/// parameter is refused (400 `{"error"}` naming it), as `/_sim/messages` refuses one it does not
/// know, rather than ignored.
pub(crate) struct NoQuery;

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for NoQuery {
    type Rejection = ControlError;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        _: &S,
    ) -> Result<Self, ControlError> {
        match parts.uri.query().filter(|q| !q.is_empty()) {
            None => Ok(NoQuery),
            Some(query) => Err(error(
                StatusCode::BAD_REQUEST,
                format!(
                    "{} takes no parameter; got '{}'",
                    parts.uri.path(),
                    shortened(query)
                ),
            )),
        }
    }
}

/// The body of `request`, read as [`ControlJson`] reads it.
///
/// # Errors
/// 413, 408 or 400 `{"error"}` (see [`crate::body::BodyError`]).
async fn body_bytes(request: Request, core: &Core) -> Result<axum::body::Bytes, ControlError> {
    read_body(
        request.into_body(),
        MAX_CONTROL_BYTES,
        core.body_read_timeout,
    )
    .await
    .map_err(|e| {
        let status = StatusCode::from_u16(e.status()).unwrap_or(StatusCode::BAD_REQUEST);
        error(status, e.to_string())
    })
}

#[cfg(test)]
mod tests {
    use serde_json::{json, Value};

    use crate::test_support::*;

    const SHOP: &str = "+14155550100";
    const HANDSET: &str = "+14155552671";

    /// POSTs `body` to `path` with `headers`; the status and the JSON answer (`null` if empty).
    async fn post(
        sim: &crate::Simulator,
        path: &str,
        headers: &[(&str, &str)],
        body: &str,
    ) -> (u16, Value) {
        let mut request = reqwest::Client::new()
            .post(format!("{}{path}", sim.base_url()))
            .body(body.to_owned());
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        crate::test_support::status_and_json(request.send().await.unwrap()).await
    }

    #[tokio::test]
    async fn cross_site_simple_posts_and_foreign_origins_are_refused_and_change_nothing() {
        let app = start_receiver(200, "").await;
        let sim = start_sim(&[SHOP]).await;
        sim.set_sms_url(&format!("{}/sms", app.base));
        sim.send_inbound(HANDSET, SHOP, "hi", &[]).await.unwrap();

        let evil = [
            ("Content-Type", "text/plain"),
            ("Origin", "https://evil.example"),
        ];
        for path in [
            "/_sim/reset",
            "/_sim/flush",
            "/_sim/optout",
            "/_sim/inbound",
        ] {
            let (status, v) = post(&sim, path, &evil, "{}").await;
            assert_eq!(status, 403, "{path}");
            assert_eq!(
                v["error"],
                "the Origin 'https://evil.example' is not a loopback origin; expected \
                 http://127.0.0.1, http://localhost or http://[::1] (any port; https too), or \
                 no Origin header",
                "{path}"
            );
        }
        // Even with the right Content-Type.
        let (status, _) = post(
            &sim,
            "/_sim/reset",
            &[("Content-Type", "application/json"), ("Origin", "null")],
            "",
        )
        .await;
        assert_eq!(status, 403);
        // Without an Origin, a simple request's Content-Type is refused.
        for (path, expected) in [
            ("/_sim/reset", "expected Content-Type: application/json"),
            (
                "/_sim/inbound",
                "expected a Content-Type of application/json or application/x-www-form-urlencoded",
            ),
        ] {
            let (status, v) = post(&sim, path, &[("Content-Type", "text/plain")], "{}").await;
            assert_eq!(status, 415, "{path}");
            let error = v["error"].as_str().unwrap();
            assert!(
                error.starts_with("this request has Content-Type 'text/plain'; ")
                    && error.ends_with(expected),
                "{path}: {error}"
            );
        }
        let (status, v) = post(&sim, "/_sim/reset", &[], "").await;
        assert_eq!(status, 415);
        assert!(
            v["error"].as_str().unwrap().contains("has no Content-Type"),
            "{v}"
        );
        assert_eq!(sim.messages().len(), 1, "nothing was reset");
        // The routes that take no body take none: anything but an empty body or `{}` is
        // refused before they act.
        for (path, body, expected) in [
            (
                "/_sim/reset",
                "not json",
                "the body is not the JSON this route takes: expected",
            ),
            ("/_sim/reset", r#"{"bogus": 1}"#, "unknown field `bogus`"),
            ("/_sim/flush", r#"{"bogus": 1}"#, "unknown field `bogus`"),
            (
                "/_sim/reset",
                "[]",
                "invalid type: sequence, expected a map",
            ),
        ] {
            let (status, v) = post(&sim, path, &[("Content-Type", "application/json")], body).await;
            assert_eq!(status, 400, "{path} {body}: {v}");
            assert!(v["error"].as_str().unwrap().contains(expected), "{v}");
        }
        assert_eq!(sim.messages().len(), 1, "nothing was reset");
        // Reads that take no parameter refuse one rather than ignore it.
        for path in ["/_sim/errors?x=1", "/_sim/numbers?x=1"] {
            let (status, v) = crate::test_support::status_and_json(
                reqwest::get(format!("{}{path}", sim.base_url()))
                    .await
                    .unwrap(),
            )
            .await;
            assert_eq!(status, 400, "{path}: {v}");
            assert!(
                v["error"]
                    .as_str()
                    .unwrap()
                    .ends_with("takes no parameter; got 'x=1'"),
                "{v}"
            );
        }

        // A local page and a tool both get through.
        let (status, v) = post(
            &sim,
            "/_sim/flush",
            &[
                ("Content-Type", "application/json"),
                ("Origin", "http://localhost:3000"),
            ],
            "",
        )
        .await;
        assert_eq!((status, v), (200, json!({"callbacks": 0})));
        let (status, _) = post(
            &sim,
            "/_sim/reset",
            &[("Content-Type", "application/json; charset=utf-8")],
            "{}",
        )
        .await;
        assert_eq!(status, 204);
        assert!(sim.messages().is_empty());
        // Reads need no Content-Type, but a foreign Origin is refused there too.
        let resp = reqwest::Client::new()
            .get(format!("{}/_sim/errors", sim.base_url()))
            .header("Origin", "https://evil.example")
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 403);
        assert_eq!(
            reqwest::get(format!("{}/_sim/errors", sim.base_url()))
                .await
                .unwrap()
                .status(),
            200
        );
    }

    #[tokio::test]
    async fn malformed_or_oversized_bodies_get_json_errors() {
        let sim = start_sim(&[SHOP]).await;
        let json = [("Content-Type", "application/json")];
        let (status, v) = post(&sim, "/_sim/carrier", &json, "{bad").await;
        assert_eq!(status, 400);
        assert!(
            v["error"]
                .as_str()
                .unwrap()
                .starts_with("the body is not the JSON this route takes: key must be a string"),
            "{v}"
        );
        let (status, v) = post(&sim, "/_sim/optout", &json, r#"{"enabled": true, "x": 1}"#).await;
        assert_eq!(status, 400);
        assert!(
            v["error"].as_str().unwrap().contains("unknown field `x`"),
            "{v}"
        );
        let (status, v) = post(
            &sim,
            "/_sim/carrier",
            &json,
            r#"{"number": "+14155552671"}"#,
        )
        .await;
        assert_eq!(status, 400);
        assert!(
            v["error"]
                .as_str()
                .unwrap()
                .contains("missing field `profile`"),
            "{v}"
        );
        let huge = format!(
            r#"{{"number": "{}", "profile": "landline"}}"#,
            "1".repeat(2 << 20)
        );
        let (status, v) = post(&sim, "/_sim/carrier", &json, &huge).await;
        assert_eq!(status, 413);
        assert!(
            v["error"]
                .as_str()
                .unwrap()
                .contains("larger than 1048576 bytes"),
            "{v}"
        );
        // No such route, and a route asked with a method it does not take: the same shape.
        let http = reqwest::Client::new();
        let r = http
            .get(format!("{}/_sim/nothing", sim.base_url()))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 404);
        let v: serde_json::Value = r.json().await.unwrap();
        assert!(
            v["error"]
                .as_str()
                .unwrap()
                .starts_with("no control route /_sim/nothing;"),
            "{v}"
        );
        let r = http
            .delete(format!("{}/_sim/flush", sim.base_url()))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 405);
        assert_eq!(r.headers()["allow"], "POST");
        let v: serde_json::Value = r.json().await.unwrap();
        assert!(
            v["error"]
                .as_str()
                .unwrap()
                .starts_with("DELETE is not a method of /_sim/flush;"),
            "{v}"
        );
        // Twilio's own paths keep Twilio's shape.
        let r = http
            .get(format!("{}/2010-04-01/Nothing.json", sim.base_url()))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 404);
        let v: serde_json::Value = r.json().await.unwrap();
        assert_eq!(v["code"], 20404, "{v}");
    }

    #[tokio::test]
    async fn numbers_must_be_valid_e164_however_long() {
        let sim = start_sim(&[SHOP]).await;
        let json = [("Content-Type", "application/json")];
        let long = "9".repeat(100_000);
        for (path, body, field) in [
            (
                "/_sim/carrier",
                json!({"number": long, "profile": "landline"}),
                "number",
            ),
            (
                "/_sim/faults",
                json!({"number": long, "webhook": null}),
                "number",
            ),
            ("/_sim/inbound", json!({"from": long, "to": SHOP}), "from"),
            (
                "/_sim/inbound",
                json!({"from": HANDSET, "to": "+1555"}),
                "to",
            ),
            (
                "/_sim/carrier",
                json!({"number": "+15558675310", "profile": "landline"}),
                "number",
            ),
        ] {
            let (status, v) = post(&sim, path, &json, &body.to_string()).await;
            assert_eq!(status, 400, "{path} {field}");
            let error = v["error"].as_str().unwrap();
            assert!(
                error.starts_with(&format!("{field} '"))
                    && error.ends_with(
                        "is not a valid phone number; expected E.164: '+', the country code \
                         and the number, for example +14155552671"
                    ),
                "{error}"
            );
            assert!(error.len() < 200, "the value is quoted short: {error}");
        }
        assert!(sim.messages().is_empty());
        assert_eq!(sim.carrier("+15558675310"), crate::CarrierProfile::Delivers);
        // A formatted valid number is stored in E.164.
        let (status, v) = post(
            &sim,
            "/_sim/faults",
            &json,
            r#"{"number": "+1 (415) 555-2671", "webhook": {"kind": "server_error"}}"#,
        )
        .await;
        assert_eq!((status, v), (200, json!({})));
    }
}
