//! The simulated Twilio REST API (2010-04-01, §2.1):
//!
//! * `POST /2010-04-01/Accounts/{AccountSid}/Messages.json`: create; 201 + Message JSON, or a
//!   400 error of [`crate::validate`];
//! * `GET /2010-04-01/Accounts/{AccountSid}/Messages/{Sid}.json`: fetch; 200 + Message JSON, or
//!   404 / 20404;
//! * anything else: 404 / 20404 (unknown path) or 405 / 20004 (known path, other method).
//!
//! Every API request needs HTTP Basic auth `AccountSid:AuthToken` with the account of the path;
//! otherwise 401 / 20003. POST bodies are `application/x-www-form-urlencoded` whatever the
//! `Content-Type` header says; `+` and `%20` both decode to a space and `MediaUrl` may repeat.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use twilio_wire::message::{Direction, MessageStatus, API_VERSION};
use twilio_wire::sid::MessageSid;
use twilio_wire::ApiError;

use crate::state::{NewMessage, Record, SimState};
use crate::{validate, Core};

/// The API routes, with Twilio-shaped 404 and 405 answers.
pub(crate) fn router() -> Router<Arc<Core>> {
    Router::new()
        .route(
            "/2010-04-01/Accounts/{account}/Messages.json",
            post(create_message),
        )
        .route(
            "/2010-04-01/Accounts/{account}/Messages/{file}",
            get(fetch_message),
        )
        .method_not_allowed_fallback(method_not_allowed)
        .fallback(not_found)
}

/// An [`ApiError`] as an HTTP response: its `status`, JSON body, and for 401 a
/// `WWW-Authenticate: Basic` challenge.
pub(crate) struct ApiReply(pub(crate) ApiError);

impl IntoResponse for ApiReply {
    fn into_response(self) -> Response {
        let status =
            StatusCode::from_u16(self.0.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut response = (status, Json(self.0)).into_response();
        if status == StatusCode::UNAUTHORIZED {
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Basic realm=\"Twilio API\""),
            );
        }
        response
    }
}

impl From<ApiError> for ApiReply {
    fn from(e: ApiError) -> Self {
        ApiReply(e)
    }
}

/// The `(username, password)` of an `Authorization: Basic …` header.
fn basic_credentials(headers: &HeaderMap) -> Option<(String, String)> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, encoded) = value.trim().split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = String::from_utf8(STANDARD.decode(encoded.trim()).ok()?).ok()?;
    let (user, password) = decoded.split_once(':')?;
    Some((user.to_owned(), password.to_owned()))
}

/// Checks Basic auth: the username must be the account SID, the password its token, and the
/// path's `{AccountSid}` the same account.
///
/// # Errors
/// 401 / 20003 "Authentication Error - No credentials provided" without usable credentials,
/// 401 / 20003 "Authenticate" for wrong ones or another account in the path.
fn authenticate(core: &Core, headers: &HeaderMap, path_account: &str) -> Result<(), ApiError> {
    let Some((user, password)) = basic_credentials(headers) else {
        return Err(ApiError::new(
            20003,
            401,
            "Authentication Error - No credentials provided",
        ));
    };
    let account = core.account_sid.as_str();
    if user != account || password != core.auth_token || path_account != account {
        return Err(ApiError::new(20003, 401, "Authenticate"));
    }
    Ok(())
}

/// `POST /2010-04-01/Accounts/{AccountSid}/Messages.json`.
async fn create_message(
    State(core): State<Arc<Core>>,
    Path(account): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<(StatusCode, Json<twilio_wire::message::Message>), ApiReply> {
    authenticate(&core, &headers, &account)?;
    let params: Vec<(String, String)> = form_urlencoded::parse(&body).into_owned().collect();
    let now = core.clock.now();
    let mut state = core.state();
    let request = validate::create_request(&params, |n| state.owns(n))?;
    let (sid, _) = state.next_message_sid(!request.media_urls.is_empty());
    let media = state.new_media(&request.media_urls);
    let message = SimState::new_message(
        &core.account_sid,
        NewMessage {
            sid,
            direction: Direction::OutboundApi,
            status: MessageStatus::Queued,
            from: &request.from,
            to: &request.to,
            body: &request.body,
            num_media: media.len(),
            now,
            sent: None,
        },
    );
    state.push(Record {
        message: message.clone(),
        status_callback: request.status_callback,
        media,
        inbound: None,
    });
    Ok((StatusCode::CREATED, Json(message)))
}

/// 404 / 20404 for `uri`, with Twilio's wording.
fn resource_not_found(uri: &Uri) -> ApiError {
    ApiError::new(
        20404,
        404,
        format!("The requested resource {} was not found", uri.path()),
    )
}

/// `GET /2010-04-01/Accounts/{AccountSid}/Messages/{Sid}.json`.
async fn fetch_message(
    State(core): State<Arc<Core>>,
    Path((account, file)): Path<(String, String)>,
    headers: HeaderMap,
    uri: Uri,
) -> Result<Json<twilio_wire::message::Message>, ApiReply> {
    authenticate(&core, &headers, &account)?;
    let sid = file
        .strip_suffix(".json")
        .and_then(|s| MessageSid::parse(s).ok())
        .ok_or_else(|| resource_not_found(&uri))?;
    let state = core.state();
    let record = state.find(&sid).ok_or_else(|| resource_not_found(&uri))?;
    Ok(Json(record.message.clone()))
}

/// Any path the simulator does not serve.
async fn not_found(uri: Uri) -> ApiReply {
    ApiReply(resource_not_found(&uri))
}

/// A served path with a method it does not support (yet).
async fn method_not_allowed(uri: Uri) -> ApiReply {
    ApiReply(ApiError::new(
        20004,
        405,
        format!(
            "Method not allowed: the simulator does not support this method on {} ({API_VERSION} API)",
            uri.path()
        ),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::*;
    use serde_json::Value;

    const FROM: &str = "+14155550100";
    const TO: &str = "+14155552671";

    async fn sim() -> crate::Simulator {
        start_sim(&[FROM]).await
    }

    #[tokio::test]
    async fn create_returns_201_and_the_message_json() {
        let sim = sim().await;
        let resp = post_form(
            &sim,
            "To=%2B14155552671&From=%2B14155550100&Body=hello+world&SmartEncoded=true",
        )
        .await;
        assert_eq!(resp.status(), 201);
        assert!(resp.headers()[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("application/json"));
        let v: Value = resp.json().await.unwrap();
        let ac = sim.account_sid().to_owned();
        let sm = "SM00000000000000000000000000000001";
        let expected = serde_json::json!({
            "account_sid": ac,
            "api_version": "2010-04-01",
            "body": "hello world",
            "date_created": "Thu, 24 Aug 2023 05:01:45 +0000",
            "date_sent": null,
            "date_updated": "Thu, 24 Aug 2023 05:01:45 +0000",
            "direction": "outbound-api",
            "error_code": null,
            "error_message": null,
            "from": FROM,
            "messaging_service_sid": null,
            "num_media": "0",
            "num_segments": "1",
            "price": null,
            "price_unit": "USD",
            "sid": sm,
            "status": "queued",
            "subresource_uris": {"media": format!("/2010-04-01/Accounts/{ac}/Messages/{sm}/Media.json")},
            "to": TO,
            "uri": format!("/2010-04-01/Accounts/{ac}/Messages/{sm}.json"),
        });
        assert_eq!(v, expected);
        let m: twilio_wire::message::Message = serde_json::from_value(v).unwrap();
        assert_eq!(sim.messages_to(TO), vec![m]);
    }

    #[tokio::test]
    async fn plus_and_percent20_both_decode_to_spaces() {
        let sim = sim().await;
        for body in ["Body=hi+there", "Body=hi%20there"] {
            let resp = post_form(
                &sim,
                &format!("To=%2B14155552671&From=%2B14155550100&{body}"),
            )
            .await;
            assert_eq!(resp.status(), 201);
            let v: Value = resp.json().await.unwrap();
            assert_eq!(v["body"], "hi there");
        }
    }

    #[tokio::test]
    async fn repeated_media_url_gives_an_mm_sid() {
        let sim = sim().await;
        let resp = post_form(
            &sim,
            "To=%2B14155552671&From=%2B14155550100&MediaUrl=https%3A%2F%2Fx.test%2Fa.jpg&MediaUrl=https%3A%2F%2Fx.test%2Fb.png",
        )
        .await;
        assert_eq!(resp.status(), 201);
        let v: Value = resp.json().await.unwrap();
        assert_eq!(v["sid"], "MM00000000000000000000000000000001");
        assert_eq!(v["num_media"], "2");
        assert_eq!(v["num_segments"], "1");
        assert_eq!(v["body"], "");
    }

    #[tokio::test]
    async fn num_segments_follows_the_encoding() {
        let sim = sim().await;
        let cases = [
            ("1".repeat(161), "2"),
            (format!("😜{}", "1".repeat(69)), "2"),
            ("é".repeat(160), "1"),
        ];
        for (body, segments) in cases {
            let form = form_urlencoded::Serializer::new(String::new())
                .append_pair("To", TO)
                .append_pair("From", FROM)
                .append_pair("Body", &body)
                .finish();
            let v: Value = post_form(&sim, &form).await.json().await.unwrap();
            assert_eq!(v["num_segments"], segments, "{body}");
        }
    }

    #[tokio::test]
    async fn each_validation_error_has_its_code_and_shape() {
        let sim = sim().await;
        let long = "a".repeat(1601);
        let eleven: String = (0..11)
            .map(|i| format!("&MediaUrl=https%3A%2F%2Fx.test%2F{i}.jpg"))
            .collect();
        let cases: Vec<(String, u32)> = vec![
            (String::new(), 21603),
            ("To=%2B14155552671&Body=hi".into(), 21603),
            ("From=%2B14155550100&Body=hi".into(), 21604),
            ("To=%2B14155552671&From=%2B14155550100".into(), 21602),
            ("To=%2B14155552671&From=%2B14155550100&Body=".into(), 21602),
            ("To=%2B14155552671&From=Apple&Body=hi".into(), 21212),
            (
                "To=%2B14155552671&From=%2B14155552672&Body=hi".into(),
                21606,
            ),
            ("To=%2B6512&From=%2B14155550100&Body=hi".into(), 21211),
            ("To=hello&From=%2B14155550100&Body=hi".into(), 21211),
            (
                format!("To=%2B14155552671&From=%2B14155550100&Body={long}"),
                21617,
            ),
            (
                "To=%2B14155552671&From=%2B14155550100&MediaUrl=ftp%3A%2F%2Fx.test%2Fa.jpg".into(),
                21620,
            ),
            (
                format!("To=%2B14155552671&From=%2B14155550100&Body=hi{eleven}"),
                21623,
            ),
        ];
        for (form, code) in cases {
            let resp = post_form(&sim, &form).await;
            assert_eq!(resp.status(), 400, "{form}");
            let v: Value = resp.json().await.unwrap();
            assert_error_shape(&v, code, 400);
        }
        // 1,600 UTF-16 units is still fine; 800 emoji are 1,600 units.
        let ok = format!(
            "To=%2B14155552671&From=%2B14155550100&Body={}",
            "%F0%9F%98%9C".repeat(800)
        );
        assert_eq!(post_form(&sim, &ok).await.status(), 201);
        let over = format!(
            "To=%2B14155552671&From=%2B14155550100&Body={}a",
            "%F0%9F%98%9C".repeat(800)
        );
        assert_eq!(post_form(&sim, &over).await.status(), 400);
        // Only the accepted send was recorded.
        assert_eq!(sim.messages().len(), 1);
    }

    #[tokio::test]
    async fn basic_auth_failures_are_401_20003() {
        let sim = sim().await;
        let url = messages_url(&sim);
        let form = "To=%2B14155552671&From=%2B14155550100&Body=hi";
        let http = reqwest::Client::new();
        let attempts = [
            http.post(&url).body(form),
            http.post(&url)
                .basic_auth(sim.account_sid(), Some("wrong"))
                .body(form),
            http.post(&url)
                .basic_auth("AC00000000000000000000000000000002", Some(sim.auth_token()))
                .body(form),
            http.post(&url)
                .header("Authorization", "Bearer abc")
                .body(form),
            http.post(format!(
                "{}/2010-04-01/Accounts/AC00000000000000000000000000000002/Messages.json",
                sim.base_url()
            ))
            .basic_auth(sim.account_sid(), Some(sim.auth_token()))
            .body(form),
        ];
        for attempt in attempts {
            let resp = attempt.send().await.unwrap();
            assert_eq!(resp.status(), 401);
            assert!(resp.headers().contains_key(header::WWW_AUTHENTICATE));
            let v: Value = resp.json().await.unwrap();
            assert_error_shape(&v, 20003, 401);
        }
        assert!(sim.messages().is_empty());
    }

    #[tokio::test]
    async fn fetch_returns_the_message_or_20404() {
        let sim = sim().await;
        let created: Value = post_form(&sim, "To=%2B14155552671&From=%2B14155550100&Body=hi")
            .await
            .json()
            .await
            .unwrap();
        let http = reqwest::Client::new();
        let get = |path: String| {
            http.get(format!("{}{path}", sim.base_url()))
                .basic_auth(sim.account_sid(), Some(sim.auth_token()))
                .send()
        };
        let resp = get(created["uri"].as_str().unwrap().to_owned())
            .await
            .unwrap();
        assert_eq!(resp.status(), 200);
        assert_eq!(resp.json::<Value>().await.unwrap(), created);

        let ac = sim.account_sid().to_owned();
        for path in [
            format!("/2010-04-01/Accounts/{ac}/Messages/SM000000000000000000000000000000ff.json"),
            format!("/2010-04-01/Accounts/{ac}/Messages/nope.json"),
            format!("/2010-04-01/Accounts/{ac}/Messages/SM00000000000000000000000000000001"),
            format!("/2010-04-01/Accounts/{ac}/Calls.json"),
        ] {
            let resp = get(path.clone()).await.unwrap();
            assert_eq!(resp.status(), 404, "{path}");
            let v: Value = resp.json().await.unwrap();
            assert_error_shape(&v, 20404, 404);
            assert_eq!(
                v["message"],
                format!("The requested resource {path} was not found")
            );
        }
        let resp = http
            .get(format!(
                "{}{}",
                sim.base_url(),
                created["uri"].as_str().unwrap()
            ))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 401);
    }

    #[tokio::test]
    async fn unsupported_method_is_405_20004() {
        let sim = sim().await;
        let resp = reqwest::Client::new()
            .delete(messages_url(&sim))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 405);
        assert_error_shape(&resp.json().await.unwrap(), 20004, 405);
    }
}
