//! Reading request bodies: whole, at most [`MAX_REQUEST_BYTES`], within the body-read timeout
//! ([`crate::SimConfig::body_read_timeout`]); and the REST API's form body, [`FormParams`],
//! whose failures answer in Twilio's error JSON (§5.1) as every other API error does:
//!
//! | what | status | code |
//! |---|---|---|
//! | more than [`MAX_REQUEST_BYTES`] | 413 | 20413 "Request Entity Too Large" |
//! | not complete within the body-read timeout | 408 | 20001 (UNCONFIRMED: Twilio documents no code) |
//! | broken off or malformed (a bad chunk) | 400 | 20001 (UNCONFIRMED) |
//!
//! The control API reads its bodies with [`read_body`] too and answers its own error shape (see
//! `control`).

use std::sync::Arc;
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::{FromRequest, Request};
use http_body_util::{BodyExt as _, LengthLimitError, Limited};
use twilio_wire::ApiError;

use crate::api::respond::ApiReply;
use crate::Core;

/// The largest request body read, in bytes (2 MiB, axum's default limit): far above any
/// Messages create form (a 1,600-character body and ten media URLs).
pub(crate) const MAX_REQUEST_BYTES: usize = 2 * 1024 * 1024;

/// Why a request body could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum BodyError {
    /// It is longer than the limit, in bytes.
    TooLarge(usize),
    /// It did not arrive whole within this time.
    TimedOut(Duration),
    /// The connection broke off, or the body's framing was malformed.
    Unreadable(String),
}

impl BodyError {
    /// The HTTP status: 413, 408 or 400.
    pub(crate) fn status(&self) -> u16 {
        match self {
            BodyError::TooLarge(_) => 413,
            BodyError::TimedOut(_) => 408,
            BodyError::Unreadable(_) => 400,
        }
    }
}

impl std::fmt::Display for BodyError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            BodyError::TooLarge(limit) => write!(
                f,
                "the request body is larger than {limit} bytes; send at most {limit}"
            ),
            BodyError::TimedOut(after) => write!(
                f,
                "the request body did not arrive whole within {} ms; send it at once",
                after.as_millis()
            ),
            BodyError::Unreadable(why) => write!(f, "the request body could not be read: {why}"),
        }
    }
}

/// Reads `body` whole: at most `limit` bytes (reading stops past it), within `timeout`.
///
/// # Errors
/// [`BodyError`] as its variants say.
pub(crate) async fn read_body(
    body: Body,
    limit: usize,
    timeout: Duration,
) -> Result<Bytes, BodyError> {
    let collected = tokio::time::timeout(timeout, Limited::new(body, limit).collect()).await;
    match collected {
        Err(_) => Err(BodyError::TimedOut(timeout)),
        Ok(Ok(collected)) => Ok(collected.to_bytes()),
        Ok(Err(e)) if e.is::<LengthLimitError>() => Err(BodyError::TooLarge(limit)),
        Ok(Err(e)) => Err(BodyError::Unreadable(e.to_string())),
    }
}

/// The decoded `application/x-www-form-urlencoded` body of a REST API request, whatever its
/// `Content-Type` says (§1): `+` and `%20` decode to a space, names may repeat, invalid UTF-8
/// is replaced. Read with [`read_body`] ([`MAX_REQUEST_BYTES`], the body-read timeout).
pub(crate) struct FormParams(pub(crate) Vec<(String, String)>);

impl FromRequest<Arc<Core>> for FormParams {
    type Rejection = ApiReply;

    async fn from_request(request: Request, core: &Arc<Core>) -> Result<Self, Self::Rejection> {
        let bytes = read_body(
            request.into_body(),
            MAX_REQUEST_BYTES,
            core.body_read_timeout,
        )
        .await
        .map_err(|e| {
            let code = match e {
                BodyError::TooLarge(_) => 20413,
                _ => 20001,
            };
            ApiReply(ApiError::new(code, e.status(), e.to_string()))
        })?;
        Ok(FormParams(
            form_urlencoded::parse(&bytes).into_owned().collect(),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::*;
    use serde_json::Value;

    #[tokio::test]
    async fn limits_and_timeouts_of_a_body() {
        let body = Body::from(vec![b'a'; 11]);
        let e = read_body(body, 10, Duration::from_secs(5))
            .await
            .unwrap_err();
        assert_eq!((e.status(), e.clone()), (413, BodyError::TooLarge(10)));
        let ok = read_body(Body::from("To=x"), 10, Duration::from_secs(5)).await;
        assert_eq!(ok.unwrap(), Bytes::from("To=x"));
        // A body that never ends: nothing is ever sent on its channel.
        let (_sender, never) = http_body_util::channel::Channel::<Bytes, axum::Error>::new(1);
        let stalled = Body::new(never);
        let e = read_body(stalled, 10, Duration::from_millis(50))
            .await
            .unwrap_err();
        assert_eq!(e.status(), 408);
        assert!(e.to_string().contains("within 50 ms"), "{e}");
    }

    #[tokio::test]
    async fn an_oversized_create_is_answered_413_in_twilios_shape() {
        let sim = start_sim(&["+14155550100"]).await;
        let body = format!(
            "To=%2B14155552671&From=%2B14155550100&Body={}",
            "a".repeat(MAX_REQUEST_BYTES)
        );
        let resp = post_form(&sim, &body).await;
        assert_eq!(resp.status(), 413);
        let v: Value = resp.json().await.unwrap();
        assert_error_shape(&v, 20413, 413);
        assert!(
            v["message"]
                .as_str()
                .unwrap()
                .contains("larger than 2097152 bytes"),
            "{v}"
        );
        assert!(sim.messages().is_empty());
    }
}
