//! Twilio's two messaging webhook forms, as typed values that convert to and from the
//! `application/x-www-form-urlencoded` parameters Twilio POSTs (decoded `(name, value)` pairs, as
//! [`crate::signature`] signs them):
//!
//! * [`InboundMessage`]: "A message comes in", POSTed to the number's messaging URL (§4.1);
//! * [`StatusCallback`]: a delivery status report, POSTed to the message's `StatusCallback`
//!   URL (§3.1).
//!
//! `to_params` writes Twilio's parameter order (the order of captured Twilio requests; the order
//! does not matter to the signature, which sorts the names). `from_params` reads a form in any
//! order; it takes the first value of a name given more than once and ignores names it does not
//! know, since Twilio adds parameters without notice (§3.1). It checks what the types promise
//! (SID shapes, numbers, the status and opt-out enums) and that every parameter Twilio always
//! sends is there; it does not check phone numbers (`From`/`To` may be E.164 such as
//! `+14155552671`, a short code, or a channel address such as `whatsapp:+14155552671`) or free
//! text. Every refusal is a [`WebhookError`].
//!
//! ```
//! use twilio_wire::webhook::StatusCallback;
//! use twilio_wire::message::MessageStatus;
//!
//! let form: Vec<(String, String)> = [
//!     ("SmsSid", "SMbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"),
//!     ("SmsStatus", "delivered"),
//!     ("MessageStatus", "delivered"),
//!     ("To", "+15558675310"),
//!     ("MessageSid", "SMbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"),
//!     ("AccountSid", "ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"),
//!     ("From", "+15005550006"),
//!     ("ApiVersion", "2010-04-01"),
//! ]
//! .iter()
//! .map(|(n, v)| (n.to_string(), v.to_string()))
//! .collect();
//! let callback = StatusCallback::from_params(&form).unwrap();
//! assert_eq!(callback.message_status, MessageStatus::Delivered);
//! assert_eq!(callback.to_params(), form);
//! ```

use chrono::{DateTime, Utc};

use crate::message::MessageStatus;
use crate::sid::{AccountSid, MessageSid};

/// Why a form could not be read as one of Twilio's webhooks.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum WebhookError {
    /// A parameter Twilio always sends is absent.
    #[error("the {form} has no {name} parameter")]
    Missing {
        /// Which form: `inbound message webhook` or `status callback`.
        form: &'static str,
        /// The parameter, for example `MessageSid` or `MediaUrl1`.
        name: String,
    },
    /// A parameter is present but its value does not have the expected shape.
    #[error("{name}='{value}' is not valid; expected {expected}")]
    Invalid {
        /// The parameter, for example `NumMedia`.
        name: String,
        /// The value as posted.
        value: String,
        /// The shape that was expected, for example `a whole number (0 or more)`.
        expected: String,
    },
    /// `MessageStatus` (or `SmsStatus` in its place) is not one of Twilio's message statuses.
    #[error(
        "{name}='{value}' is not a Twilio message status; expected one of {}",
        expected_statuses()
    )]
    UnknownStatus {
        /// `MessageStatus` or `SmsStatus`.
        name: &'static str,
        /// The value as posted.
        value: String,
    },
}

/// `queued, sending, …, canceled`: every [`MessageStatus`], comma-separated.
fn expected_statuses() -> String {
    MessageStatus::ALL
        .iter()
        .map(|s| s.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// The value of the first parameter called `name`.
fn param<'p, K: AsRef<str>, V: AsRef<str>>(params: &'p [(K, V)], name: &str) -> Option<&'p str> {
    params
        .iter()
        .find(|(n, _)| n.as_ref() == name)
        .map(|(_, v)| v.as_ref())
}

/// Reads one form's parameters, naming the form in [`WebhookError::Missing`].
struct Reader<'p, K, V> {
    params: &'p [(K, V)],
    form: &'static str,
}

impl<'p, K: AsRef<str>, V: AsRef<str>> Reader<'p, K, V> {
    fn get(&self, name: &str) -> Option<&'p str> {
        param(self.params, name)
    }

    fn need(&self, name: &str) -> Result<&'p str, WebhookError> {
        self.get(name).ok_or_else(|| WebhookError::Missing {
            form: self.form,
            name: name.to_owned(),
        })
    }

    fn text(&self, name: &str) -> Result<String, WebhookError> {
        self.need(name).map(str::to_owned)
    }

    fn optional(&self, name: &str) -> Option<String> {
        self.get(name).map(str::to_owned)
    }

    fn message_sid(&self) -> Result<MessageSid, WebhookError> {
        let value = self.need("MessageSid")?;
        MessageSid::parse(value).map_err(|_| invalid("MessageSid", value, SID_SHAPE))
    }

    fn account_sid(&self) -> Result<AccountSid, WebhookError> {
        let value = self.need("AccountSid")?;
        AccountSid::parse(value)
            .map_err(|_| invalid("AccountSid", value, "AC followed by 32 hexadecimal digits"))
    }

    fn number<T: std::str::FromStr>(&self, name: &str, value: &str) -> Result<T, WebhookError> {
        value
            .parse()
            .map_err(|_| invalid(name, value, "a whole number (0 or more)"))
    }
}

const SID_SHAPE: &str = "SM or MM followed by 32 hexadecimal digits";

fn invalid(name: &str, value: &str, expected: &str) -> WebhookError {
    WebhookError::Invalid {
        name: name.to_owned(),
        value: value.to_owned(),
        expected: expected.to_owned(),
    }
}

/// Appends `(name, value)` to a form.
fn put(p: &mut Vec<(String, String)>, name: &str, value: &str) {
    p.push((name.to_owned(), value.to_owned()));
}

/// The result of a geo lookup on a phone number: the `FromCity`, `FromState`, `FromZip`,
/// `FromCountry` (or `To…`) parameters of §4.1. Twilio sends all four even when the lookup found
/// nothing (`ToCity=&ToZip=`); each is then the empty string.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Geo {
    /// City in upper case as Twilio writes it (`BRIDGEPORT`), or empty.
    pub city: String,
    /// State or province code (`CT`), or empty.
    pub state: String,
    /// Postal code (`06607`), or empty.
    pub zip: String,
    /// ISO 3166-1 alpha-2 country code (`US`), or empty.
    pub country: String,
}

impl Geo {
    /// The parameters of the sender's lookup, in [`Geo`]'s field order.
    const FROM: [&'static str; 4] = ["FromCity", "FromState", "FromZip", "FromCountry"];
    /// The parameters of the recipient's lookup, in [`Geo`]'s field order.
    const TO: [&'static str; 4] = ["ToCity", "ToState", "ToZip", "ToCountry"];

    /// Reads the four fields `names` ([`Geo::FROM`] or [`Geo::TO`]); an absent field is empty.
    fn read<K: AsRef<str>, V: AsRef<str>>(r: &Reader<'_, K, V>, names: &[&str; 4]) -> Geo {
        let field = |i: usize| r.get(names[i]).unwrap_or_default().to_owned();
        Geo {
            city: field(0),
            state: field(1),
            zip: field(2),
            country: field(3),
        }
    }
}

/// One media item of an inbound MMS: the `MediaUrl{N}` and `MediaContentType{N}` parameters
/// (§4.1, §9).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct InboundMedia {
    /// Absolute URL of the file as Twilio stores it:
    /// `https://api.twilio.com/2010-04-01/Accounts/AC…/Messages/MM…/Media/ME…` (no `.json`).
    pub url: String,
    /// Its MIME type, for example `image/jpeg`.
    pub content_type: String,
}

/// The `OptOutType` parameter Twilio adds to an inbound keyword message it acted on (§7, §4.1):
/// `STOP`, `START` or `HELP`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum OptOutType {
    /// An opt-out keyword (STOP, UNSUBSCRIBE, END, QUIT, STOPALL, REVOKE, OPTOUT, CANCEL).
    Stop,
    /// An opt-in keyword (START, YES, UNSTOP).
    Start,
    /// A help keyword (HELP, INFO).
    Help,
}

impl OptOutType {
    /// The wire value: `STOP`, `START` or `HELP`.
    pub fn as_str(self) -> &'static str {
        match self {
            OptOutType::Stop => "STOP",
            OptOutType::Start => "START",
            OptOutType::Help => "HELP",
        }
    }

    /// Twilio's default keywords of this type on long codes, upper case (Twilio reference §7):
    /// opt-out `STOP`, `UNSUBSCRIBE`, `END`, `QUIT`, `STOPALL`, `REVOKE`, `OPTOUT`, `CANCEL`;
    /// opt-in `START`, `YES`, `UNSTOP`; help `HELP`, `INFO`.
    pub const fn keywords(self) -> &'static [&'static str] {
        match self {
            OptOutType::Stop => &[
                "STOP",
                "UNSUBSCRIBE",
                "END",
                "QUIT",
                "STOPALL",
                "REVOKE",
                "OPTOUT",
                "CANCEL",
            ],
            OptOutType::Start => &["START", "YES", "UNSTOP"],
            OptOutType::Help => &["HELP", "INFO"],
        }
    }

    /// The type of `body` when the whole body, trimmed of white space, is one of Twilio's
    /// default keywords ([`OptOutType::keywords`]) in any case: `" stop "` is `Stop`, while
    /// `"STOP."` and `"stop please"` are ordinary messages (§7: only single-word messages
    /// trigger; the exact trimming and punctuation rules are UNCONFIRMED, this is the
    /// simulator's reading).
    pub fn of_keyword(body: &str) -> Option<OptOutType> {
        let word = body.trim().to_uppercase();
        [OptOutType::Stop, OptOutType::Start, OptOutType::Help]
            .into_iter()
            .find(|t| t.keywords().contains(&word.as_str()))
    }

    /// The type spelled `s` (exactly, upper case), or `None`.
    pub fn from_wire(s: &str) -> Option<OptOutType> {
        [OptOutType::Stop, OptOutType::Start, OptOutType::Help]
            .into_iter()
            .find(|t| t.as_str() == s)
    }
}

impl std::fmt::Display for OptOutType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The inbound message webhook, "A message comes in" (§4.1): what Twilio POSTs to the messaging
/// URL of the texted number.
///
/// Parameters, in the order [`InboundMessage::to_params`] writes them (a captured Twilio MMS
/// webhook; `MessagingServiceSid` where captured Messaging Service webhooks have it):
/// `ToCountry`, `MediaContentType{N}`…, `ToState`, `SmsMessageSid`, `NumMedia`, `ToCity`,
/// `FromZip`, `SmsSid`, `FromState`, `SmsStatus` (`received`), `FromCity`, `Body`,
/// `FromCountry`, `To`, `MessagingServiceSid` (when set), `ToZip`, `NumSegments`, `MessageSid`,
/// `AccountSid`, `From`, `MediaUrl{N}`…, `ApiVersion`, `OptOutType` (when set). `SmsSid` and
/// `SmsMessageSid` repeat `MessageSid` (deprecated aliases); `NumMedia` is the number of
/// `media`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InboundMessage {
    /// `MessageSid`: `SM` + 32 hex, or `MM` + 32 hex when the message has media.
    pub message_sid: MessageSid,
    /// `AccountSid`: the account that owns the texted number, `AC` + 32 hex.
    pub account_sid: AccountSid,
    /// `MessagingServiceSid` (`MG` + 32 hex, not checked), only when the number belongs to a
    /// Messaging Service.
    pub messaging_service_sid: Option<String>,
    /// `From`: the sender, E.164 (`+14155552671`) or a channel address (`whatsapp:+1…`).
    pub from: String,
    /// `To`: the texted number, E.164 or a channel address.
    pub to: String,
    /// `Body`: the text, up to 1,600 characters; empty for a media-only message.
    pub body: String,
    /// `NumSegments`: how many SMS segments the text took (§8), 1 and up.
    pub num_segments: u32,
    /// `MediaUrl{N}` / `MediaContentType{N}` for N = 0..`NumMedia`−1 (at most 10).
    pub media: Vec<InboundMedia>,
    /// `FromCity`, `FromState`, `FromZip`, `FromCountry`.
    pub from_geo: Geo,
    /// `ToCity`, `ToState`, `ToZip`, `ToCountry`.
    pub to_geo: Geo,
    /// `OptOutType`, only on a keyword message Twilio's opt-out handling acted on (§7).
    pub opt_out_type: Option<OptOutType>,
    /// `ApiVersion`: `2010-04-01` ([`crate::message::API_VERSION`]).
    pub api_version: String,
}

impl InboundMessage {
    /// The name of this form in [`WebhookError::Missing`].
    pub const FORM: &'static str = "inbound message webhook";

    /// A plain SMS `from` a handset `to` an account number (both E.164): `NumSegments` counted
    /// from `body` as Twilio does ([`crate::segments::num_segments`]), no media, no Messaging
    /// Service, empty geo fields, no `OptOutType`, `ApiVersion` 2010-04-01. Set the other
    /// fields with struct update syntax.
    pub fn sms(
        message_sid: MessageSid,
        account_sid: AccountSid,
        from: &str,
        to: &str,
        body: &str,
    ) -> InboundMessage {
        InboundMessage {
            message_sid,
            account_sid,
            messaging_service_sid: None,
            from: from.to_owned(),
            to: to.to_owned(),
            body: body.to_owned(),
            num_segments: u32::try_from(crate::segments::num_segments(body)).unwrap_or(u32::MAX),
            media: vec![],
            from_geo: Geo::default(),
            to_geo: Geo::default(),
            opt_out_type: None,
            api_version: crate::message::API_VERSION.to_owned(),
        }
    }

    /// The form's parameters in Twilio's order (see [`InboundMessage`]); geo fields are written
    /// even when empty, `SmsStatus` is always `received`.
    pub fn to_params(&self) -> Vec<(String, String)> {
        let mut p = Vec::with_capacity(25 + 2 * self.media.len());
        let sid = self.message_sid.as_str();
        put(&mut p, "ToCountry", &self.to_geo.country);
        for (i, m) in self.media.iter().enumerate() {
            put(&mut p, &format!("MediaContentType{i}"), &m.content_type);
        }
        put(&mut p, "ToState", &self.to_geo.state);
        put(&mut p, "SmsMessageSid", sid);
        put(&mut p, "NumMedia", &self.media.len().to_string());
        put(&mut p, "ToCity", &self.to_geo.city);
        put(&mut p, "FromZip", &self.from_geo.zip);
        put(&mut p, "SmsSid", sid);
        put(&mut p, "FromState", &self.from_geo.state);
        put(&mut p, "SmsStatus", MessageStatus::Received.as_str());
        put(&mut p, "FromCity", &self.from_geo.city);
        put(&mut p, "Body", &self.body);
        put(&mut p, "FromCountry", &self.from_geo.country);
        put(&mut p, "To", &self.to);
        if let Some(service) = &self.messaging_service_sid {
            put(&mut p, "MessagingServiceSid", service);
        }
        put(&mut p, "ToZip", &self.to_geo.zip);
        put(&mut p, "NumSegments", &self.num_segments.to_string());
        put(&mut p, "MessageSid", sid);
        put(&mut p, "AccountSid", self.account_sid.as_str());
        put(&mut p, "From", &self.from);
        for (i, m) in self.media.iter().enumerate() {
            put(&mut p, &format!("MediaUrl{i}"), &m.url);
        }
        put(&mut p, "ApiVersion", &self.api_version);
        if let Some(kind) = self.opt_out_type {
            put(&mut p, "OptOutType", kind.as_str());
        }
        p
    }

    /// Reads an inbound message webhook form (decoded pairs, any order: `String`s, or text
    /// borrowed from the body where it needed no decoding, as `form_urlencoded::parse` gives).
    ///
    /// Required: `MessageSid`, `AccountSid`, `From`, `To`, `Body` (may be empty), `NumMedia`,
    /// `NumSegments`, `ApiVersion`, and `MediaUrl{N}` and `MediaContentType{N}` for every N below
    /// `NumMedia`. Optional: `MessagingServiceSid`, `OptOutType`, the eight geo fields (absent
    /// reads as empty). `SmsSid`, `SmsMessageSid` and `SmsStatus` are not read.
    ///
    /// # Errors
    /// [`WebhookError::Missing`] for an absent required parameter; [`WebhookError::Invalid`] for
    /// a `MessageSid` that is not `SM`/`MM` + 32 hex, an `AccountSid` that is not `AC` + 32 hex,
    /// a `NumMedia` or `NumSegments` that is not a whole number, or an `OptOutType` other than
    /// `STOP`, `START`, `HELP`.
    pub fn from_params<K: AsRef<str>, V: AsRef<str>>(
        params: &[(K, V)],
    ) -> Result<InboundMessage, WebhookError> {
        let r = Reader {
            params,
            form: Self::FORM,
        };
        let message_sid = r.message_sid()?;
        let account_sid = r.account_sid()?;
        let from = r.text("From")?;
        let to = r.text("To")?;
        let body = r.text("Body")?;
        let num_media: usize = r.number("NumMedia", r.need("NumMedia")?)?;
        let num_segments: u32 = r.number("NumSegments", r.need("NumSegments")?)?;
        let api_version = r.text("ApiVersion")?;
        let media = (0..num_media)
            .map(|i| {
                Ok(InboundMedia {
                    url: r.text(&format!("MediaUrl{i}"))?,
                    content_type: r.text(&format!("MediaContentType{i}"))?,
                })
            })
            .collect::<Result<Vec<_>, WebhookError>>()?;
        let opt_out_type = match r.get("OptOutType") {
            None => None,
            Some(v) => Some(
                OptOutType::from_wire(v)
                    .ok_or_else(|| invalid("OptOutType", v, "STOP, START or HELP"))?,
            ),
        };
        Ok(InboundMessage {
            message_sid,
            account_sid,
            messaging_service_sid: r.optional("MessagingServiceSid"),
            from,
            to,
            body,
            num_segments,
            media,
            from_geo: Geo::read(&r, &Geo::FROM),
            to_geo: Geo::read(&r, &Geo::TO),
            opt_out_type,
            api_version,
        })
    }
}

/// A status callback (§3.1): what Twilio POSTs to a message's `StatusCallback` URL when its
/// status changes after creation.
///
/// Parameters, in the order [`StatusCallback::to_params`] writes them (the order of captured
/// callbacks): `ErrorCode` and `ErrorMessage` (each when set), `SmsSid`, `SmsStatus`,
/// `MessageStatus`, `To`, `MessagingServiceSid` (when set), `MessageSid`, `AccountSid`, `From`,
/// `ApiVersion`, `RawDlrDoneDate` (when set). `SmsSid` repeats `MessageSid` and `SmsStatus`
/// repeats `MessageStatus` (deprecated aliases). `Body` is never part of it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StatusCallback {
    /// `MessageSid`: the message reported on, `SM`/`MM` + 32 hex.
    pub message_sid: MessageSid,
    /// `MessageStatus`: its new status (§3), for example `sent` or `delivered`.
    pub message_status: MessageStatus,
    /// `ErrorCode`: Twilio's error code (§5.2, for example 30003) on `failed` and `undelivered`.
    pub error_code: Option<u32>,
    /// `ErrorMessage`: text for `error_code`, when Twilio sends one.
    pub error_message: Option<String>,
    /// `AccountSid`: the account that sent the message, `AC` + 32 hex.
    pub account_sid: AccountSid,
    /// `MessagingServiceSid` (`MG` + 32 hex, not checked), for a Messaging Service send.
    pub messaging_service_sid: Option<String>,
    /// `From`: the sender, E.164 or a channel address; may be empty.
    pub from: String,
    /// `To`: the recipient, E.164 or a channel address.
    pub to: String,
    /// `ApiVersion`: `2010-04-01` ([`crate::message::API_VERSION`]).
    pub api_version: String,
    /// `RawDlrDoneDate`: when the carrier's delivery receipt says it was done, `YYMMDDhhmm`
    /// with no time zone (not checked); on `delivered` and `undelivered` callbacks. See
    /// [`raw_dlr_done_date`].
    pub raw_dlr_done_date: Option<String>,
}

impl StatusCallback {
    /// The name of this form in [`WebhookError::Missing`].
    pub const FORM: &'static str = "status callback";

    /// The form's parameters in Twilio's order (see [`StatusCallback`]).
    pub fn to_params(&self) -> Vec<(String, String)> {
        let mut p = Vec::with_capacity(12);
        let sid = self.message_sid.as_str();
        let status = self.message_status.as_str();
        if let Some(code) = self.error_code {
            put(&mut p, "ErrorCode", &code.to_string());
        }
        if let Some(text) = &self.error_message {
            put(&mut p, "ErrorMessage", text);
        }
        put(&mut p, "SmsSid", sid);
        put(&mut p, "SmsStatus", status);
        put(&mut p, "MessageStatus", status);
        put(&mut p, "To", &self.to);
        if let Some(service) = &self.messaging_service_sid {
            put(&mut p, "MessagingServiceSid", service);
        }
        put(&mut p, "MessageSid", sid);
        put(&mut p, "AccountSid", self.account_sid.as_str());
        put(&mut p, "From", &self.from);
        put(&mut p, "ApiVersion", &self.api_version);
        if let Some(date) = &self.raw_dlr_done_date {
            put(&mut p, "RawDlrDoneDate", date);
        }
        p
    }

    /// Reads a status callback form (decoded pairs, any order: `String`s or borrowed text, as
    /// [`InboundMessage::from_params`] takes them).
    ///
    /// Required: `MessageSid`, `MessageStatus` (when absent, the deprecated `SmsStatus` is read
    /// in its place), `AccountSid`, `From` and `To` (either may be empty), `ApiVersion`.
    /// Optional: `ErrorCode`, `ErrorMessage`, `MessagingServiceSid`, `RawDlrDoneDate`. `SmsSid`
    /// is not read.
    ///
    /// # Errors
    /// [`WebhookError::Missing`] for an absent required parameter;
    /// [`WebhookError::UnknownStatus`] for a status that is not one of [`MessageStatus::ALL`]
    /// (the message names the value and lists the expected ones); [`WebhookError::Invalid`] for
    /// a `MessageSid` that is not `SM`/`MM` + 32 hex, an `AccountSid` that is not `AC` + 32 hex,
    /// or an `ErrorCode` that is not a whole number.
    pub fn from_params<K: AsRef<str>, V: AsRef<str>>(
        params: &[(K, V)],
    ) -> Result<StatusCallback, WebhookError> {
        let r = Reader {
            params,
            form: Self::FORM,
        };
        let message_sid = r.message_sid()?;
        let (name, value) = match (r.get("MessageStatus"), r.get("SmsStatus")) {
            (Some(v), _) => ("MessageStatus", v),
            (None, Some(v)) => ("SmsStatus", v),
            (None, None) => r.need("MessageStatus").map(|v| ("MessageStatus", v))?,
        };
        let message_status =
            MessageStatus::from_wire(value).ok_or_else(|| WebhookError::UnknownStatus {
                name,
                value: value.to_owned(),
            })?;
        let account_sid = r.account_sid()?;
        let error_code = match r.get("ErrorCode") {
            None => None,
            Some(v) => Some(r.number("ErrorCode", v)?),
        };
        Ok(StatusCallback {
            message_sid,
            message_status,
            error_code,
            error_message: r.optional("ErrorMessage"),
            account_sid,
            messaging_service_sid: r.optional("MessagingServiceSid"),
            from: r.text("From")?,
            to: r.text("To")?,
            api_version: r.text("ApiVersion")?,
            raw_dlr_done_date: r.optional("RawDlrDoneDate"),
        })
    }
}

/// `at` as `RawDlrDoneDate` writes it: `YYMMDDhhmm` in UTC, for example `2308240501` for
/// 2023-08-24 05:01:45 UTC (§3.1; the seconds are dropped).
pub fn raw_dlr_done_date(at: DateTime<Utc>) -> String {
    at.format("%y%m%d%H%M").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn form(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
            .collect()
    }

    fn names(params: &[(String, String)]) -> Vec<&str> {
        params.iter().map(|(n, _)| n.as_str()).collect()
    }

    fn mms() -> InboundMessage {
        InboundMessage {
            message_sid: MessageSid::mms(7),
            account_sid: AccountSid::from_counter(1),
            messaging_service_sid: Some("MG00000000000000000000000000000003".into()),
            from: "+14155552671".into(),
            to: "+14155550100".into(),
            body: "Photo & more: ça va?".into(),
            num_segments: 1,
            media: vec![
                InboundMedia {
                    url: "https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/MM7/Media/ME1"
                        .into(),
                    content_type: "image/jpeg".into(),
                },
                InboundMedia {
                    url: "https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/MM7/Media/ME2"
                        .into(),
                    content_type: "image/png".into(),
                },
            ],
            from_geo: Geo {
                city: "BRIDGEPORT".into(),
                state: "CT".into(),
                zip: "06607".into(),
                country: "US".into(),
            },
            to_geo: Geo {
                country: "US".into(),
                ..Geo::default()
            },
            opt_out_type: Some(OptOutType::Stop),
            api_version: "2010-04-01".into(),
        }
    }

    fn delivered() -> StatusCallback {
        StatusCallback {
            message_sid: MessageSid::sms(2),
            message_status: MessageStatus::Undelivered,
            error_code: Some(30003),
            error_message: Some("Unreachable destination handset".into()),
            account_sid: AccountSid::from_counter(1),
            messaging_service_sid: Some("MG00000000000000000000000000000003".into()),
            from: "+14155550100".into(),
            to: "+14155552671".into(),
            api_version: "2010-04-01".into(),
            raw_dlr_done_date: Some("2308240501".into()),
        }
    }

    #[test]
    fn inbound_round_trips_in_twilio_order() {
        let m = mms();
        let p = m.to_params();
        assert_eq!(
            names(&p),
            [
                "ToCountry",
                "MediaContentType0",
                "MediaContentType1",
                "ToState",
                "SmsMessageSid",
                "NumMedia",
                "ToCity",
                "FromZip",
                "SmsSid",
                "FromState",
                "SmsStatus",
                "FromCity",
                "Body",
                "FromCountry",
                "To",
                "MessagingServiceSid",
                "ToZip",
                "NumSegments",
                "MessageSid",
                "AccountSid",
                "From",
                "MediaUrl0",
                "MediaUrl1",
                "ApiVersion",
                "OptOutType",
            ]
        );
        assert_eq!(param(&p, "NumMedia"), Some("2"));
        assert_eq!(param(&p, "SmsStatus"), Some("received"));
        assert_eq!(param(&p, "SmsSid"), Some(m.message_sid.as_str()));
        assert_eq!(InboundMessage::from_params(&p).unwrap(), m);
        // Any order reads the same.
        let reversed: Vec<_> = p.iter().rev().cloned().collect();
        assert_eq!(InboundMessage::from_params(&reversed).unwrap(), m);

        let plain = InboundMessage {
            messaging_service_sid: None,
            media: Vec::new(),
            opt_out_type: None,
            message_sid: MessageSid::sms(1),
            ..m
        };
        let p = plain.to_params();
        assert_eq!(p.len(), 19);
        assert!(!names(&p).contains(&"OptOutType"));
        assert_eq!(InboundMessage::from_params(&p).unwrap(), plain);
    }

    #[test]
    fn status_callback_round_trips_in_twilio_order() {
        let c = delivered();
        let p = c.to_params();
        assert_eq!(
            names(&p),
            [
                "ErrorCode",
                "ErrorMessage",
                "SmsSid",
                "SmsStatus",
                "MessageStatus",
                "To",
                "MessagingServiceSid",
                "MessageSid",
                "AccountSid",
                "From",
                "ApiVersion",
                "RawDlrDoneDate",
            ]
        );
        assert_eq!(StatusCallback::from_params(&p).unwrap(), c);
        let sent = StatusCallback {
            message_status: MessageStatus::Sent,
            error_code: None,
            error_message: None,
            messaging_service_sid: None,
            raw_dlr_done_date: None,
            ..c
        };
        let p = sent.to_params();
        assert_eq!(
            names(&p),
            [
                "SmsSid",
                "SmsStatus",
                "MessageStatus",
                "To",
                "MessageSid",
                "AccountSid",
                "From",
                "ApiVersion"
            ]
        );
        assert_eq!(StatusCallback::from_params(&p).unwrap(), sent);
    }

    /// The captured MMS webhook of §4.1, in its order. The reference elides the SIDs after
    /// their first characters; they are completed here with the one full SID it gives and
    /// `a` / `b` digits.
    #[test]
    fn reads_the_captured_mms_webhook_of_4_1() {
        let mm = "MM1c05a7205210e96eac11f4e1a484d3f2";
        let ac = "ACe2cdaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
        let media_url = format!(
            "https://api.twilio.com/2010-04-01/Accounts/{ac}/Messages/{mm}/Media/MEfb1dbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
        );
        let body = format!(
            "ToCountry=US&MediaContentType0=image%2Fjpeg&ToState=TX&SmsMessageSid={mm}&NumMedia=1&ToCity=\
             &FromZip=06607&SmsSid={mm}&FromState=CT&SmsStatus=received&FromCity=BRIDGEPORT&Body=Test+mms&FromCountry=US\
             &To=%2B19362373705&ToZip=&NumSegments=1&MessageSid={mm}&AccountSid={ac}&From=%2B12032572584\
             &MediaUrl0={}&ApiVersion=2010-04-01",
            media_url.replace(':', "%3A").replace('/', "%2F")
        );
        let params: Vec<(String, String)> = form_urlencoded::parse(body.as_bytes())
            .into_owned()
            .collect();
        let m = InboundMessage::from_params(&params).unwrap();
        assert_eq!(m.message_sid.as_str(), mm);
        assert!(m.message_sid.is_mms());
        assert_eq!(
            (m.from.as_str(), m.to.as_str()),
            ("+12032572584", "+19362373705")
        );
        assert_eq!(m.body, "Test mms");
        assert_eq!(
            m.media,
            [InboundMedia {
                url: media_url,
                content_type: "image/jpeg".into()
            }]
        );
        assert_eq!(
            m.from_geo,
            Geo {
                city: "BRIDGEPORT".into(),
                state: "CT".into(),
                zip: "06607".into(),
                country: "US".into()
            }
        );
        assert_eq!(
            (m.to_geo.city.as_str(), m.to_geo.state.as_str()),
            ("", "TX")
        );
        assert_eq!((m.num_segments, m.api_version.as_str()), (1, "2010-04-01"));
        assert_eq!(m.opt_out_type, None);
        // Written back, it is the captured form, parameter for parameter and in order.
        assert_eq!(m.to_params(), params);
    }

    /// The messaging-flavoured signature vectors of §6.2: their forms are webhooks too.
    #[test]
    fn reads_the_signed_forms_of_6_2() {
        let sm = "SMbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";
        let inbound = form(&[
            ("AccountSid", "ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"),
            ("ApiVersion", "2010-04-01"),
            ("Body", "Hello there"),
            ("From", "+15005550006"),
            ("MessageSid", sm),
            ("NumMedia", "0"),
            ("NumSegments", "1"),
            ("SmsMessageSid", sm),
            ("SmsSid", sm),
            ("SmsStatus", "received"),
            ("To", "+15558675310"),
        ]);
        assert!(crate::signature::validate(
            "12345",
            "https://example.com/sms/inbound?tenant=acme",
            &inbound,
            "hHpx1GP1ed01rkB6wtC9hr6QIgA="
        ));
        let m = InboundMessage::from_params(&inbound).unwrap();
        assert_eq!(
            (m.message_sid.as_str(), m.body.as_str()),
            (sm, "Hello there")
        );
        assert!(m.media.is_empty() && m.from_geo == Geo::default());

        let status = form(&[
            ("AccountSid", "ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"),
            ("ApiVersion", "2010-04-01"),
            ("From", "+15005550006"),
            ("MessageSid", sm),
            ("MessageStatus", "delivered"),
            ("SmsSid", sm),
            ("SmsStatus", "delivered"),
            ("To", "+15558675310"),
        ]);
        let c = StatusCallback::from_params(&status).unwrap();
        assert_eq!(c.message_status, MessageStatus::Delivered);
        assert_eq!((c.error_code, c.raw_dlr_done_date.as_deref()), (None, None));
        // The same parameters, in Twilio's order.
        let mut again = c.to_params();
        again.sort();
        let mut sorted = status.clone();
        sorted.sort();
        assert_eq!(again, sorted);
    }

    #[test]
    fn an_unknown_status_names_the_value_and_the_expected_ones() {
        let mut p = delivered().to_params();
        for (n, v) in &mut p {
            if n == "MessageStatus" {
                *v = "lost".into();
            }
        }
        let err = StatusCallback::from_params(&p).unwrap_err();
        assert_eq!(
            err,
            WebhookError::UnknownStatus {
                name: "MessageStatus",
                value: "lost".into()
            }
        );
        assert_eq!(
            err.to_string(),
            "MessageStatus='lost' is not a Twilio message status; expected one of queued, \
             sending, sent, failed, delivered, undelivered, receiving, received, accepted, \
             scheduled, read, partially_delivered, canceled"
        );
        // Without MessageStatus the deprecated SmsStatus counts, and is checked the same way.
        let without: Vec<_> = delivered()
            .to_params()
            .into_iter()
            .filter(|(n, _)| n != "MessageStatus")
            .collect();
        assert_eq!(
            StatusCallback::from_params(&without)
                .unwrap()
                .message_status,
            MessageStatus::Undelivered
        );
        let odd: Vec<_> = without
            .into_iter()
            .map(|(n, v)| {
                if n == "SmsStatus" {
                    (n, "Delivered".into())
                } else {
                    (n, v)
                }
            })
            .collect();
        let err = StatusCallback::from_params(&odd).unwrap_err();
        assert!(
            err.to_string().starts_with("SmsStatus='Delivered' is not"),
            "{err}"
        );
    }

    #[test]
    fn malformed_forms_say_what_is_wrong() {
        let drop = |p: Vec<(String, String)>, name: &str| -> Vec<(String, String)> {
            p.into_iter().filter(|(n, _)| n != name).collect()
        };
        let set = |p: Vec<(String, String)>, name: &str, value: &str| -> Vec<(String, String)> {
            p.into_iter()
                .map(|(n, v)| {
                    if n == name {
                        (n, value.to_owned())
                    } else {
                        (n, v)
                    }
                })
                .collect()
        };
        let status = || delivered().to_params();
        let inbound = || mms().to_params();

        for name in ["MessageSid", "AccountSid", "From", "To", "ApiVersion"] {
            let err = StatusCallback::from_params(&drop(status(), name)).unwrap_err();
            assert_eq!(
                err.to_string(),
                format!("the status callback has no {name} parameter")
            );
        }
        let neither = drop(drop(status(), "MessageStatus"), "SmsStatus");
        assert_eq!(
            StatusCallback::from_params(&neither)
                .unwrap_err()
                .to_string(),
            "the status callback has no MessageStatus parameter"
        );
        assert_eq!(
            StatusCallback::from_params(&set(status(), "ErrorCode", "3000x"))
                .unwrap_err()
                .to_string(),
            "ErrorCode='3000x' is not valid; expected a whole number (0 or more)"
        );
        assert_eq!(
            StatusCallback::from_params(&set(status(), "MessageSid", "SM42"))
                .unwrap_err()
                .to_string(),
            "MessageSid='SM42' is not valid; expected SM or MM followed by 32 hexadecimal digits"
        );
        assert!(matches!(
            StatusCallback::from_params(&set(status(), "AccountSid", "SM00000000000000000000000000000001")),
            Err(WebhookError::Invalid { name, .. }) if name == "AccountSid"
        ));

        for name in [
            "MessageSid",
            "AccountSid",
            "From",
            "To",
            "Body",
            "NumMedia",
            "NumSegments",
            "ApiVersion",
            "MediaUrl1",
            "MediaContentType0",
        ] {
            let err = InboundMessage::from_params(&drop(inbound(), name)).unwrap_err();
            assert_eq!(
                err.to_string(),
                format!("the inbound message webhook has no {name} parameter")
            );
        }
        assert_eq!(
            InboundMessage::from_params(&set(inbound(), "NumMedia", "3"))
                .unwrap_err()
                .to_string(),
            "the inbound message webhook has no MediaUrl2 parameter"
        );
        assert_eq!(
            InboundMessage::from_params(&set(inbound(), "NumMedia", "-1"))
                .unwrap_err()
                .to_string(),
            "NumMedia='-1' is not valid; expected a whole number (0 or more)"
        );
        assert_eq!(
            InboundMessage::from_params(&set(inbound(), "OptOutType", "stop"))
                .unwrap_err()
                .to_string(),
            "OptOutType='stop' is not valid; expected STOP, START or HELP"
        );
        // Optional fields may be absent: geo reads as empty, the rest as None.
        let mut lean = inbound();
        let optional = [
            "ToCity",
            "ToState",
            "ToZip",
            "ToCountry",
            "FromCity",
            "FromState",
            "FromZip",
            "FromCountry",
            "MessagingServiceSid",
            "OptOutType",
            "SmsSid",
            "SmsMessageSid",
            "SmsStatus",
        ];
        lean.retain(|(n, _)| !optional.contains(&n.as_str()));
        assert_eq!(lean.len(), mms().to_params().len() - optional.len());
        let m = InboundMessage::from_params(&lean).unwrap();
        assert_eq!((m.from_geo, m.to_geo), (Geo::default(), Geo::default()));
        assert_eq!((m.messaging_service_sid, m.opt_out_type), (None, None));
    }

    #[test]
    fn first_value_wins_and_unknown_names_are_ignored() {
        let mut p = delivered().to_params();
        p.push(("MessageStatus".into(), "lost".into()));
        p.push(("ChannelPrefix".into(), "sms".into()));
        assert_eq!(StatusCallback::from_params(&p).unwrap(), delivered());
    }

    #[test]
    fn raw_dlr_done_date_is_yymmddhhmm_in_utc() {
        let at = Utc.with_ymd_and_hms(2023, 8, 24, 5, 1, 45).unwrap();
        assert_eq!(raw_dlr_done_date(at), "2308240501");
        let at = Utc.with_ymd_and_hms(2009, 12, 31, 23, 59, 59).unwrap();
        assert_eq!(raw_dlr_done_date(at), "0912312359");
    }

    #[test]
    fn opt_out_types_spell_as_on_the_wire() {
        for t in [OptOutType::Stop, OptOutType::Start, OptOutType::Help] {
            assert_eq!(OptOutType::from_wire(t.as_str()), Some(t));
            assert_eq!(t.to_string(), t.as_str());
        }
        assert_eq!(OptOutType::from_wire("Stop"), None);
    }
}
