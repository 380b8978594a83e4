//! The [`SmsProvider`] port: what the engine needs from an SMS provider such as Twilio.
//!
//! The engine sends through this trait and never names a technology; [`crate::twilio::TwilioClient`]
//! is the adapter for Twilio's REST API (2010-04-01 Messages and IncomingPhoneNumbers).

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use twilio_wire::message::MessageStatus;
use twilio_wire::sid::MessageSid;

use crate::domain::phone::E164;

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
    pub status: MessageStatus,
    /// Number of SMS segments the body takes (Twilio's `num_segments`).
    pub num_segments: u32,
}

/// A message's delivery state as the provider knows it (Twilio §2.3 `status`, `error_code`,
/// `error_message`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeliveryState {
    /// queued, sending, sent, delivered, undelivered, failed, ... (Twilio §3).
    pub status: MessageStatus,
    /// The error code of a failed or undelivered message (30003, ...).
    pub error_code: Option<u32>,
    /// The provider's text for it.
    pub error_message: Option<String>,
}

/// A message the provider holds, as its list shows it (Twilio §2.3-2.4): what the engine
/// compares with a send whose answer was lost ([`SmsProvider::created_since`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProviderMessage {
    /// The provider's id (`SM…`/`MM…` + 32 hex).
    pub sid: MessageSid,
    /// Where it is now (Twilio §3).
    pub status: MessageStatus,
    /// Number of SMS segments (Twilio's `num_segments`).
    pub num_segments: u32,
    /// The text as the provider holds it.
    pub body: String,
    /// How many media items it carries (Twilio's `num_media`).
    pub num_media: usize,
    /// When the provider created it (Twilio's `date_created`, to the second).
    pub created_at: DateTime<Utc>,
    /// The error code of a failed or undelivered message.
    pub error_code: Option<u32>,
    /// The provider's text for it.
    pub error_message: Option<String>,
}

/// Why a send did not go out.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ProviderError {
    /// The provider refused the message (Twilio's error JSON, §5.1): show `message` to the agent and
    /// record `code` on the message; retrying the same request will fail the same way.
    #[error("the SMS provider refused the message: {message} (Twilio error {code}, HTTP {http_status}).{} See {more_info}", advice(*.code).map(|a| format!(" {a}")).unwrap_or_default())]
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
    /// The request went out but no answer was read: a timeout, or the connection closed before
    /// the answer (or in its body). Whether the provider acted on it is unknown; the message may
    /// be retried later, after a look in the provider's list (see `engine::delivery`).
    #[error("the SMS provider did not answer: {0}")]
    NoAnswer(String),
}

/// What a Twilio error code means for the agent, in plain words (Twilio §2.2, §5.2, §7).
pub fn advice(code: u32) -> Option<&'static str> {
    Some(match code {
        21610 => "The recipient replied STOP to this number: they must text START before you can message them again.",
        21211 => "The To number is not a valid phone number.",
        21214 | 21614 => "The To number cannot receive SMS (a landline or not a mobile number).",
        21408 => "The account may not send SMS to the To number's country.",
        21606 | 21212 => "The From number is not an SMS-capable number of this Twilio account.",
        21612 => "The To number cannot be reached by SMS from this number.",
        21617 => "The message is longer than 1,600 characters.",
        21620 | 21623 => "An attachment could not be used: check its URL and that there are at most 10.",
        11200 => "Twilio could not fetch an attachment from its URL: check that the file is reachable.",
        30019 => "The attachments are larger than the carrier accepts (5 MB in all).",
        20003 => "Twilio refused the account's credentials: an administrator must check the provider settings.",
        20429 => "Twilio is rate-limiting this account: try again shortly.",
        30003 => "The handset is switched off or out of coverage.",
        30005 => "The number does not exist or is no longer in service.",
        30006 => "The number is a landline or its carrier does not take SMS.",
        30007 => "The carrier filtered the message as spam or unwanted.",
        30008 => "The carrier reported an unknown error.",
        _ => return None,
    })
}

impl ProviderError {
    /// Whether the same request may succeed later: the provider was unreachable, answered 5xx, or
    /// rate-limited the account (HTTP 429, Twilio 20429).
    pub fn is_retryable(&self) -> bool {
        match self {
            ProviderError::Unavailable(_) | ProviderError::NoAnswer(_) => true,
            ProviderError::Rejected { http_status, .. } => {
                *http_status == 429 || *http_status >= 500
            }
        }
    }

    /// Whether the provider may have created the message although the send failed: it answered
    /// 5xx, or no answer was read (a timeout, a reset: [`ProviderError::NoAnswer`]; a body that
    /// is not Twilio's; every [`ProviderError::Unavailable`], so also a connection refused, where
    /// nothing was created and the engine's look at the list costs one request more). Only a
    /// 4xx refusal with Twilio's error JSON (429 included) says that nothing was created.
    pub fn may_have_created(&self) -> bool {
        match self {
            ProviderError::Unavailable(_) | ProviderError::NoAnswer(_) => true,
            ProviderError::Rejected { http_status, .. } => *http_status >= 500,
        }
    }

    /// What the provider said, without saying what was being done: `{message} (Twilio error
    /// {code}, HTTP {status}). See {more_info}` for a refusal, the reason for an unavailable
    /// provider.
    pub fn reason(&self) -> String {
        match self {
            ProviderError::Rejected {
                http_status,
                code,
                message,
                more_info,
            } => format!("{message} (Twilio error {code}, HTTP {http_status}). See {more_info}"),
            ProviderError::Unavailable(why) => format!("the SMS provider is unavailable: {why}"),
            ProviderError::NoAnswer(why) => format!("the SMS provider did not answer: {why}"),
        }
    }

    /// The provider's error code, if it gave one.
    pub fn code(&self) -> Option<u32> {
        match self {
            ProviderError::Rejected { code, .. } => Some(*code),
            ProviderError::Unavailable(_) | ProviderError::NoAnswer(_) => None,
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

    /// Asks the provider for a message's current delivery state (used when a status callback may
    /// have been lost).
    ///
    /// # Errors
    /// As [`SmsProvider::send`]; an unknown SID is [`ProviderError::Rejected`] (Twilio 20404).
    async fn fetch_state(&self, sid: &MessageSid) -> Result<DeliveryState, ProviderError>;

    /// The outbound messages the provider created from `from` to `to` at or after `since` (UTC;
    /// the provider's times are whole seconds, so `since` counts from its second), oldest
    /// first: where the engine looks for the message of a send whose failure does not say it
    /// was not created ([`ProviderError::may_have_created`]) before sending it again.
    ///
    /// The default finds nothing: a provider that cannot list messages has the send retried.
    ///
    /// # Errors
    /// As [`SmsProvider::send`], and whenever the answer may be incomplete (an adapter that
    /// cannot read the whole list must fail rather than answer part of it: the engine sends
    /// again when the answer lacks the message).
    async fn created_since(
        &self,
        from: &E164,
        to: &E164,
        since: DateTime<Utc>,
    ) -> Result<Vec<ProviderMessage>, ProviderError> {
        let _ = (from, to, since);
        Ok(Vec::new())
    }

    /// Points the provider number `number`'s messaging webhook ("A message comes in": Twilio's
    /// IncomingPhoneNumber `SmsUrl`, with `SmsMethod` POST) at `sms_url`, an absolute http(s)
    /// URL, so that texts to it reach the engine: what ServiceNow's Twilio setup does when a
    /// number is added to Conversational SMS.
    ///
    /// The default does nothing and succeeds: a provider without per-number webhooks (or a test
    /// double) has nothing to configure.
    ///
    /// # Errors
    /// [`ProviderError::Rejected`] when the provider refuses (the number is not the account's:
    /// 404 / 20404; bad credentials: 401 / 20003; a URL it does not take: 400 / 21402),
    /// [`ProviderError::Unavailable`] when it cannot be reached.
    async fn set_number_sms_url(&self, number: &E164, sms_url: &str) -> Result<(), ProviderError> {
        let _ = (number, sms_url);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rejected(http_status: u16, code: u32) -> ProviderError {
        ProviderError::Rejected {
            http_status,
            code,
            message: String::new(),
            more_info: String::new(),
        }
    }

    #[test]
    fn only_a_4xx_says_that_nothing_was_created() {
        assert!(ProviderError::Unavailable("Twilio answered HTTP 502".into()).may_have_created());
        assert!(ProviderError::NoAnswer("timed out".into()).may_have_created());
        assert!(ProviderError::NoAnswer("timed out".into()).is_retryable());
        assert!(rejected(500, 20500).may_have_created());
        assert!(rejected(503, 20503).may_have_created());
        for (status, code) in [(429, 20429), (400, 21211), (401, 20003), (404, 20404)] {
            assert!(!rejected(status, code).may_have_created(), "{status}");
        }
        // A 429 is retried although it created nothing.
        assert!(rejected(429, 20429).is_retryable());
    }
}
