//! Errors: Twilio's REST error JSON ([`ApiError`], §5.1) and this crate's own [`WireError`].

use serde::{Deserialize, Serialize};

/// Why a value could not be read as one of Twilio's wire formats.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum WireError {
    /// The text is not a SID of the expected kind: wrong prefix, not exactly 32 hexadecimal digits
    /// after the two-letter prefix, or not 34 characters in all.
    #[error("'{value}' is not a valid {kind}; expected {expected}")]
    InvalidSid {
        /// Which SID was expected, for example `Message SID`.
        kind: &'static str,
        /// The shape that was expected, for example `SM or MM followed by 32 hexadecimal digits`.
        expected: &'static str,
        /// The text as given.
        value: String,
    },
    /// The text is not an RFC 2822 date-time such as `Thu, 24 Aug 2023 05:01:45 +0000`.
    #[error("'{value}' is not an RFC 2822 date-time such as 'Thu, 24 Aug 2023 05:01:45 +0000': {reason}")]
    InvalidDate {
        /// The text as given.
        value: String,
        /// chrono's reason.
        reason: String,
    },
}

/// Twilio's REST error body, exactly `{"code", "message", "more_info", "status"}` (§5.1).
///
/// It never carries `type` or `title`: with both present twilio-python switches to its RFC 9457
/// exception path (§1). Extra keys that Twilio sometimes adds (`detail` on some 401s) are ignored
/// when deserializing.
///
/// Example: `{"code": 21211, "message": "The 'To' number +1 is not a valid phone number.",
/// "more_info": "https://www.twilio.com/docs/errors/21211", "status": 400}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiError {
    /// Twilio's error code, for example 21211 (§5.2).
    pub code: u32,
    /// Human-readable explanation.
    pub message: String,
    /// Documentation link, `https://www.twilio.com/docs/errors/<code>`.
    pub more_info: String,
    /// The HTTP status the error came with (400, 401, 404, ...).
    pub status: u16,
}

impl ApiError {
    /// An error with `code`, HTTP `status` and `message`, and `more_info` set to
    /// [`ApiError::more_info_for`]`(code)`.
    pub fn new(code: u32, status: u16, message: impl Into<String>) -> ApiError {
        ApiError {
            code,
            message: message.into(),
            more_info: ApiError::more_info_for(code),
            status,
        }
    }

    /// Twilio's documentation URL for an error code: `https://www.twilio.com/docs/errors/<code>`.
    pub fn more_info_for(code: u32) -> String {
        format!("https://www.twilio.com/docs/errors/{code}")
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "Twilio error {} (HTTP {}): {} ({})",
            self.code, self.status, self.message, self.more_info
        )
    }
}

impl std::error::Error for ApiError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serializes_exactly_the_v2010_shape() {
        let e = ApiError::new(
            21211,
            400,
            "The 'To' number +1 is not a valid phone number.",
        );
        let v = serde_json::to_value(&e).unwrap();
        let obj = v.as_object().unwrap();
        let mut keys: Vec<&str> = obj.keys().map(String::as_str).collect();
        keys.sort_unstable();
        assert_eq!(keys, ["code", "message", "more_info", "status"]);
        assert_eq!(v["code"], 21211);
        assert_eq!(v["status"], 400);
        assert_eq!(v["more_info"], "https://www.twilio.com/docs/errors/21211");
        assert!(obj.get("type").is_none() && obj.get("title").is_none());
    }

    #[test]
    fn deserializes_a_captured_401_with_detail() {
        let body = r#"{"code": 20003, "detail": "Your AccountSid or AuthToken was incorrect.", "message": "Authentication Error - No credentials provided", "more_info": "https://www.twilio.com/docs/errors/20003", "status": 401}"#;
        let e: ApiError = serde_json::from_str(body).unwrap();
        assert_eq!(e.code, 20003);
        assert_eq!(e.status, 401);
        assert_eq!(e.message, "Authentication Error - No credentials provided");
    }
}
