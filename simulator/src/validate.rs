//! The synchronous checks of `POST …/Messages.json` (§2.2), each answered with HTTP 400 and
//! Twilio's error JSON.
//!
//! Twilio does not document its checking order beyond "an empty POST gives 21603" (UNCONFIRMED);
//! the simulator checks, first failure wins:
//!
//! 1. 21603 `From` missing or empty (so an empty POST gives 21603);
//! 2. 21604 `To` missing or empty;
//! 3. 21602 no `Body` text and no `MediaUrl`;
//! 4. 21212 `From` is not a valid phone number (unless the account owns it exactly as given);
//! 5. 21606 `From` is not one of the account's numbers;
//! 6. 21211 `To` is not a valid phone number;
//! 7. 21617 `Body` longer than 1,600 UTF-16 code units;
//! 8. 21620 a `MediaUrl` that is not an absolute http(s) URL with a host;
//! 9. 21623 more than 10 `MediaUrl`.
//!
//! Parameters the simulator does not model (`MessagingServiceSid`, `ContentSid`, `SendAt`, …) are
//! ignored.

use twilio_wire::ApiError;

use crate::numbers;

/// Most characters (UTF-16 code units) a body may have.
pub(crate) const MAX_BODY_UNITS: usize = 1600;
/// Most `MediaUrl` values one message may carry.
pub(crate) const MAX_MEDIA: usize = 10;

/// A create request that passed every check.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct OutboundRequest {
    /// Sender, in E.164 when it is a valid number, otherwise exactly as owned.
    pub(crate) from: String,
    /// Recipient, in E.164.
    pub(crate) to: String,
    /// Text, possibly empty when there is media.
    pub(crate) body: String,
    /// Media URLs in the order given.
    pub(crate) media_urls: Vec<String>,
    /// `StatusCallback`, if given and not empty.
    pub(crate) status_callback: Option<String>,
}

/// The first non-empty value of `name`.
fn first<'a>(params: &'a [(String, String)], name: &str) -> Option<&'a str> {
    params
        .iter()
        .find(|(n, v)| n == name && !v.is_empty())
        .map(|(_, v)| v.as_str())
}

fn bad_request(code: u32, message: impl Into<String>) -> ApiError {
    ApiError::new(code, 400, message)
}

/// Checks the decoded form `params` of a create request; `owns` tells whether the account owns a
/// sender.
///
/// # Errors
/// The [`ApiError`] (HTTP 400) of the first failed check, in the order of the module docs.
pub(crate) fn create_request(
    params: &[(String, String)],
    owns: impl Fn(&str) -> bool,
) -> Result<OutboundRequest, ApiError> {
    let from = first(params, "From")
        .ok_or_else(|| bad_request(21603, "A 'From' phone number is required."))?;
    let to = first(params, "To")
        .ok_or_else(|| bad_request(21604, "A 'To' phone number is required."))?;
    let body = first(params, "Body").unwrap_or("");
    let media_urls: Vec<String> = params
        .iter()
        .filter(|(n, _)| n == "MediaUrl")
        .map(|(_, v)| v.clone())
        .collect();
    if body.is_empty() && media_urls.is_empty() {
        return Err(bad_request(21602, "Message body is required."));
    }
    let from_owned_as_given = owns(from);
    if !from_owned_as_given && !numbers::is_valid(from) {
        return Err(bad_request(
            21212,
            format!("The 'From' number {from} is not a valid phone number, shortcode, or alphanumeric sender ID."),
        ));
    }
    if !from_owned_as_given {
        return Err(bad_request(
            21606,
            format!("The From phone number {from} is not a valid, SMS-capable inbound phone number or short code for your account."),
        ));
    }
    if !numbers::is_valid(to) {
        return Err(bad_request(
            21211,
            format!("The 'To' number {to} is not a valid phone number."),
        ));
    }
    if body.encode_utf16().count() > MAX_BODY_UNITS {
        return Err(bad_request(
            21617,
            "The concatenated message body exceeds the 1600 character limit.",
        ));
    }
    if let Some(bad) = media_urls.iter().find(|u| !is_http_url(u)) {
        return Err(bad_request(
            21620,
            format!("Invalid media URL(s): '{bad}' is not an absolute http or https URL."),
        ));
    }
    if media_urls.len() > MAX_MEDIA {
        return Err(bad_request(
            21623,
            format!(
                "Number of media files exceeds allowed limit: {} given, at most {MAX_MEDIA} allowed.",
                media_urls.len()
            ),
        ));
    }
    Ok(OutboundRequest {
        from: numbers::normalise(from),
        to: numbers::normalise(to),
        body: body.to_owned(),
        media_urls,
        status_callback: first(params, "StatusCallback").map(str::to_owned),
    })
}

/// True for an absolute `http://` or `https://` URL with a host.
fn is_http_url(s: &str) -> bool {
    url::Url::parse(s)
        .map(|u| {
            matches!(u.scheme(), "http" | "https") && u.host_str().is_some_and(|h| !h.is_empty())
        })
        .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
            .collect()
    }

    fn code(params: &[(&str, &str)]) -> u32 {
        create_request(&p(params), |n| n == "+14155550100")
            .unwrap_err()
            .code
    }

    #[test]
    fn order_of_checks() {
        assert_eq!(code(&[]), 21603);
        assert_eq!(code(&[("To", "+14155552671")]), 21603);
        assert_eq!(code(&[("From", "+14155550100")]), 21604);
        assert_eq!(code(&[("From", "+14155550100"), ("To", "x")]), 21602);
        assert_eq!(
            code(&[("From", "Apple"), ("To", "x"), ("Body", "hi")]),
            21212
        );
        assert_eq!(
            code(&[("From", "+14155552671"), ("To", "x"), ("Body", "hi")]),
            21606
        );
        assert_eq!(
            code(&[("From", "+14155550100"), ("To", "x"), ("Body", "hi")]),
            21211
        );
    }

    #[test]
    fn accepted_request_is_normalised() {
        let ok = create_request(
            &p(&[
                ("From", "+14155550100"),
                ("To", "+1 (415) 555-2671"),
                ("Body", "hi"),
                ("MediaUrl", "https://x.test/a.png"),
                ("StatusCallback", "http://127.0.0.1:1/status"),
                ("SmartEncoded", "true"),
            ]),
            |n| n == "+14155550100",
        )
        .unwrap();
        assert_eq!(ok.to, "+14155552671");
        assert_eq!(ok.media_urls, ["https://x.test/a.png"]);
        assert_eq!(
            ok.status_callback.as_deref(),
            Some("http://127.0.0.1:1/status")
        );
    }

    #[test]
    fn media_url_shapes() {
        assert!(is_http_url("https://example.com/a.jpg"));
        assert!(is_http_url("http://127.0.0.1:8080/a"));
        for bad in [
            "ftp://example.com/a.jpg",
            "/a.jpg",
            "example.com/a.jpg",
            "",
            "https://",
        ] {
            assert!(!is_http_url(bad), "{bad}");
        }
    }
}
