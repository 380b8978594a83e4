//! What every REST handler shares, the Messages handlers of `api` and the Media handlers of
//! `media`: Twilio-shaped error answers ([`ApiReply`], [`resource_not_found`], §5.1) and HTTP
//! Basic authentication ([`authenticate`], [`live_only`], §1). It sits below `api` so that
//! `media` depends on it alone: `api` uses `media`, `media` uses `api::respond`, and no two
//! sibling modules import each other.

use axum::http::{header, HeaderMap, HeaderValue, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::Json;
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use twilio_wire::ApiError;

use crate::Core;

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
/// The `Authorization` header value of Basic credentials `user` and `password`:
/// `Basic base64(user:password)`.
pub(crate) fn basic_authorization(user: &str, password: &str) -> String {
    format!("Basic {}", STANDARD.encode(format!("{user}:{password}")))
}

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

/// Who made an authenticated request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Caller {
    /// The live account's SID and Auth Token.
    Live,
    /// One of the live account's API keys (`SK…` and its secret, see `keys`), with the live
    /// account's SID in the path.
    Key,
    /// The test credentials (§10).
    Test,
}

/// Checks Basic auth: the username must be the live (or test) account SID and the password its
/// token, or the username one of the live account's API keys (`SK…`, see `keys`) and the
/// password its secret; and the path's `{AccountSid}` that account.
///
/// # Errors
/// 401 / 20003 "Authentication Error - No credentials provided" without usable credentials,
/// 401 / 20003 "Authenticate" for wrong ones or another account in the path.
pub(crate) fn authenticate(
    core: &Core,
    headers: &HeaderMap,
    path_account: &str,
) -> Result<Caller, ApiError> {
    let live = core.account_sid.as_str();
    // The live credentials as clients write them: no decoding.
    if path_account == live
        && headers
            .get(header::AUTHORIZATION)
            .is_some_and(|v| v.as_bytes() == core.live_authorization.as_bytes())
    {
        return Ok(Caller::Live);
    }
    let Some((user, password)) = basic_credentials(headers) else {
        return Err(ApiError::new(
            20003,
            401,
            "Authentication Error - No credentials provided",
        ));
    };
    let test = &core.test_credentials;
    if user == live && password == core.auth_token && path_account == live {
        Ok(Caller::Live)
    } else if user.starts_with("SK") && path_account == live && core.keys.verify(&user, &password) {
        Ok(Caller::Key)
    } else if user == test.account_sid.as_str()
        && password == test.auth_token
        && path_account == test.account_sid.as_str()
    {
        Ok(Caller::Test)
    } else {
        Err(ApiError::new(20003, 401, "Authenticate"))
    }
}

/// [`authenticate`] for a resource test credentials may not use.
///
/// # Errors
/// As [`authenticate`]; 403 / 20008 for test credentials.
pub(crate) fn live_only(
    core: &Core,
    headers: &HeaderMap,
    path_account: &str,
) -> Result<(), ApiError> {
    match authenticate(core, headers, path_account)? {
        Caller::Live | Caller::Key => Ok(()),
        Caller::Test => Err(ApiError::new(
            20008,
            403,
            "Resource not accessible with Test Account Credentials",
        )),
    }
}

/// [`live_only`] for an API whose paths name no account (`messaging.twilio.com/v1`): the
/// account is the one the credentials name (the test account for the test credentials).
///
/// # Errors
/// As [`live_only`].
pub(crate) fn live_only_v1(core: &Core, headers: &HeaderMap) -> Result<(), ApiError> {
    let test = core.test_credentials.account_sid.as_str();
    let account = match basic_credentials(headers) {
        Some((user, _)) if user == test => test,
        _ => core.account_sid.as_str(),
    };
    live_only(core, headers, account)
}

/// The SID of a `{Sid}.json` path segment (`SM…`, `SK…`, `PN…` + 32 hex), read by `parse`.
///
/// # Errors
/// 404 / 20404 ([`resource_not_found`]) when the segment lacks `.json` or `parse` refuses it,
/// as Twilio answers a malformed SID.
pub(crate) fn sid_of<T, E>(
    file: &str,
    uri: &Uri,
    parse: impl FnOnce(&str) -> Result<T, E>,
) -> Result<T, ApiError> {
    file.strip_suffix(".json")
        .and_then(|s| parse(s).ok())
        .ok_or_else(|| resource_not_found(uri))
}

/// 404 / 20404 for `uri`, with Twilio's wording.
pub(crate) fn resource_not_found(uri: &Uri) -> ApiError {
    ApiError::new(
        20404,
        404,
        format!("The requested resource {} was not found", uri.path()),
    )
}
