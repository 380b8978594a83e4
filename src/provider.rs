//! The [`SmsProvider`] port: what the engine needs from an SMS provider such as Twilio.
//!
//! The engine sends through this trait and never names a technology; [`crate::twilio::TwilioClient`]
//! is the adapter for Twilio's REST API (2010-04-01 Messages).

use async_trait::async_trait;
use twilio_wire::sid::MessageSid;

use crate::phone::E164;

/// One outbound message, as the engine asks for it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutboundSms {
    /// The provider number it is sent from (a `sys_cs_provider_application` number).
    pub from: E164,
    /// The requester's handset.
    pub to: E164,
    /// Message text, up to 1,600 characters; may be empty when `media_urls` is not.
    pub body: String,
    /// Absolute http(s) URLs of media to send as MMS, at most 10.
    pub media_urls: Vec<String>,
    /// Where the provider posts delivery statuses (Twilio's `StatusCallback`), if anywhere.
    pub status_callback: Option<String>,
}

/// What the provider answered to an accepted send.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SentSms {
    /// The provider's id for the message (`SM…`/`MM…` + 32 hex).
    pub sid: MessageSid,
    /// The provider's initial status, normally `queued` (Twilio §3).
    pub status: String,
    /// Number of SMS segments the body takes (Twilio's `num_segments`).
    pub num_segments: u32,
}

/// Why a send did not go out.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ProviderError {
    /// The provider refused the message (Twilio's error JSON, §5.1): show `message` to the agent and
    /// record `code` on the message; retrying the same request will fail the same way.
    #[error("the SMS provider refused the message: {message} (error {code}, HTTP {http_status}, see {more_info})")]
    Rejected {
        /// HTTP status of the answer (400, 401, 404, 429, ...).
        http_status: u16,
        /// Twilio's error code, for example 21211 or 21610.
        code: u32,
        /// Twilio's message, in plain words.
        message: String,
        /// Twilio's documentation link for the code.
        more_info: String,
    },
    /// The provider could not be reached or answered something that is not Twilio's JSON; the
    /// message may be retried later.
    #[error("the SMS provider is unavailable: {0}")]
    Unavailable(String),
}

impl ProviderError {
    /// The provider's error code, if it gave one.
    pub fn code(&self) -> Option<u32> {
        match self {
            ProviderError::Rejected { code, .. } => Some(*code),
            ProviderError::Unavailable(_) => None,
        }
    }
}

/// Sends SMS and MMS through a provider.
#[async_trait]
pub trait SmsProvider: Send + Sync {
    /// Sends one message.
    ///
    /// # Errors
    /// [`ProviderError::Rejected`] when the provider refuses it, [`ProviderError::Unavailable`]
    /// when it cannot be reached.
    async fn send(&self, sms: &OutboundSms) -> Result<SentSms, ProviderError>;
}
