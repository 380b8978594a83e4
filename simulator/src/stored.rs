//! A Message resource as the simulator stores it, [`StoredMessage`]: the fields that differ
//! between messages, typed (dates as instants, counts as integers, the SID inline), with no
//! copy of what every message of the account shares (`account_sid`, `api_version`, `uri`,
//! `subresource_uris`, `price`, `price_unit`), the numbers and a short body inline ([`Text`]).
//! A retained message costs one allocation (two with a longer body), instead of about twenty
//! strings; the §2.3 JSON is written from it on demand ([`StoredMessage::shown`]), byte for
//! byte what [`twilio_wire::message::Message`] serialises, or the wire struct is built
//! ([`StoredMessage::wire`]) for the Rust API and the pages.

use chrono::{DateTime, Utc};
use serde::ser::{SerializeStruct, Serializer};
use serde::Serialize;
use twilio_wire::date::{rfc2822, Rfc2822};
use twilio_wire::message::{Direction, Message, MessageStatus, SubresourceUris, API_VERSION};
use twilio_wire::sid::{AccountSid, MessageSid};

/// A message's text or number: `compact_str`'s string, held inline up to 24 bytes (phone
/// numbers, short bodies), else on the heap; the same 24 bytes as a `String`, without an
/// allocation (and a cache miss when a message is dropped or indexed) for a number.
pub(crate) type Text = compact_str::CompactString;

/// What every message reports as `price_unit`; `price` stays null (the simulator charges
/// nothing).
const PRICE_UNIT: &str = "USD";

/// One message as stored. The account is the simulator's, given when it is shown.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct StoredMessage {
    /// `SM` + 32 hex, or `MM` + 32 hex when it has media.
    pub(crate) sid: MessageSid,
    /// Which way it travels.
    pub(crate) direction: Direction,
    /// Where it is in its lifecycle (§3).
    pub(crate) status: MessageStatus,
    /// Number of media items, 0..10 (`num_media`, a decimal string on the wire).
    pub(crate) num_media: u32,
    /// Number of SMS segments (`num_segments`, a decimal string on the wire; 0 for a scheduled
    /// text until it is sent, and for a Messaging Service's text until it is queued).
    pub(crate) num_segments: u32,
    /// Twilio's error code once failed or undelivered.
    pub(crate) error_code: Option<u32>,
    /// When it was created (shown as RFC 2822, to the second).
    pub(crate) date_created: DateTime<Utc>,
    /// When it last changed.
    pub(crate) date_updated: DateTime<Utc>,
    /// When it was sent; `None` until then.
    pub(crate) date_sent: Option<DateTime<Utc>>,
    /// The text (`""` after redaction or for a media-only message).
    pub(crate) body: Text,
    /// Recipient.
    pub(crate) to: Text,
    /// Sender; `None` for a Messaging Service send until a sender is chosen.
    pub(crate) from: Option<Text>,
    /// The Messaging Service it went through.
    pub(crate) messaging_service_sid: Option<String>,
    /// Text for `error_code`.
    pub(crate) error_message: Option<String>,
}

impl StoredMessage {
    /// The message as the JSON of the API shows it for `account`: with
    /// `subresource_uris.feedback` when `feedback` (fetch, list and update answers), without
    /// it for a create's answer (§2.3).
    pub(crate) fn shown<'a>(&'a self, account: &'a AccountSid, feedback: bool) -> Shown<'a> {
        Shown {
            account,
            message: self,
            feedback,
        }
    }

    /// The wire struct of the message of `account`, as [`StoredMessage::shown`] writes it
    /// without `feedback`.
    pub(crate) fn wire(&self, account: &AccountSid) -> Message {
        Message {
            account_sid: account.clone(),
            api_version: API_VERSION.to_owned(),
            body: self.body.to_string(),
            date_created: rfc2822(self.date_created),
            date_sent: self.date_sent.map(rfc2822),
            date_updated: rfc2822(self.date_updated),
            direction: self.direction,
            error_code: self.error_code,
            error_message: self.error_message.clone(),
            from: self.from.as_deref().map(str::to_owned),
            messaging_service_sid: self.messaging_service_sid.clone(),
            num_media: self.num_media.to_string(),
            num_segments: self.num_segments.to_string(),
            price: None,
            price_unit: Some(PRICE_UNIT.to_owned()),
            subresource_uris: SubresourceUris {
                media: Message::media_uri_for(account, &self.sid),
                feedback: None,
            },
            to: self.to.to_string(),
            uri: Message::uri_for(account, &self.sid),
            sid: self.sid.clone(),
            status: self.status,
        }
    }
}

/// A [`StoredMessage`] as the API shows it ([`StoredMessage::shown`]): serialises as the §2.3
/// Message JSON, the fields in the order, with the names and types, of
/// [`twilio_wire::message::Message`], writing dates, counts and URIs straight into the output.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Shown<'a> {
    account: &'a AccountSid,
    message: &'a StoredMessage,
    feedback: bool,
}

/// A count written as a JSON string (`"1"`), as the API types `num_media` and `num_segments`.
struct Decimal(u32);

impl Serialize for Decimal {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(&self.0)
    }
}

/// `/2010-04-01/Accounts/{account}/Messages/{sid}{tail}` as a JSON string.
struct MessagePath<'a> {
    account: &'a AccountSid,
    sid: &'a MessageSid,
    tail: &'static str,
}

impl Serialize for MessagePath<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut path = [0u8; 128];
        let parts = [
            "/",
            API_VERSION,
            "/Accounts/",
            self.account.as_str(),
            "/Messages/",
            self.sid.as_str(),
            self.tail,
        ];
        let mut end = 0;
        for part in parts {
            path[end..end + part.len()].copy_from_slice(part.as_bytes());
            end += part.len();
        }
        // Every part is ASCII.
        serializer.serialize_str(std::str::from_utf8(&path[..end]).unwrap_or_default())
    }
}

/// `subresource_uris`: `media`, then `feedback` when shown.
struct Subresources<'a> {
    account: &'a AccountSid,
    sid: &'a MessageSid,
    feedback: bool,
}

impl Serialize for Subresources<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let path = |tail| MessagePath {
            account: self.account,
            sid: self.sid,
            tail,
        };
        let mut s =
            serializer.serialize_struct("SubresourceUris", 1 + usize::from(self.feedback))?;
        s.serialize_field("media", &path("/Media.json"))?;
        if self.feedback {
            s.serialize_field("feedback", &path("/Feedback.json"))?;
        }
        s.end()
    }
}

impl Serialize for Shown<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let (account, m) = (self.account, self.message);
        let mut s = serializer.serialize_struct("Message", 20)?;
        s.serialize_field("account_sid", account)?;
        s.serialize_field("api_version", API_VERSION)?;
        s.serialize_field("body", &m.body)?;
        s.serialize_field("date_created", &Rfc2822(m.date_created))?;
        s.serialize_field("date_sent", &m.date_sent.map(Rfc2822))?;
        s.serialize_field("date_updated", &Rfc2822(m.date_updated))?;
        s.serialize_field("direction", &m.direction)?;
        s.serialize_field("error_code", &m.error_code)?;
        s.serialize_field("error_message", &m.error_message)?;
        s.serialize_field("from", &m.from)?;
        s.serialize_field("messaging_service_sid", &m.messaging_service_sid)?;
        s.serialize_field("num_media", &Decimal(m.num_media))?;
        s.serialize_field("num_segments", &Decimal(m.num_segments))?;
        s.serialize_field("price", &None::<&str>)?;
        s.serialize_field("price_unit", PRICE_UNIT)?;
        s.serialize_field("sid", &m.sid)?;
        s.serialize_field("status", &m.status)?;
        s.serialize_field(
            "subresource_uris",
            &Subresources {
                account,
                sid: &m.sid,
                feedback: self.feedback,
            },
        )?;
        s.serialize_field("to", &m.to)?;
        s.serialize_field(
            "uri",
            &MessagePath {
                account,
                sid: &m.sid,
                tail: ".json",
            },
        )?;
        s.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn sample() -> StoredMessage {
        let t = Utc.with_ymd_and_hms(2023, 8, 24, 5, 1, 45).unwrap();
        StoredMessage {
            sid: MessageSid::sms(42),
            direction: Direction::OutboundApi,
            status: MessageStatus::Queued,
            num_media: 0,
            num_segments: 1,
            error_code: None,
            date_created: t,
            date_updated: t,
            date_sent: None,
            body: "Hello! \u{1f44d} \"quoted\" \\ \n".into(),
            to: "+14155552345".into(),
            from: Some("+14155550100".into()),
            messaging_service_sid: None,
            error_message: None,
        }
    }

    /// What the wire struct serialises, with `feedback` set as the API sets it.
    fn via_wire(m: &StoredMessage, account: &AccountSid, feedback: bool) -> String {
        let mut wire = m.wire(account);
        if feedback {
            wire.subresource_uris.feedback = Some(Message::feedback_uri_for(account, &m.sid));
        }
        serde_json::to_string(&wire).unwrap()
    }

    #[test]
    fn shown_writes_the_bytes_of_the_wire_struct() {
        let account = AccountSid::from_counter(1);
        let t = Utc.with_ymd_and_hms(2024, 2, 29, 23, 59, 59).unwrap();
        let mut variants = vec![sample()];
        let mut m = sample();
        m.sid = MessageSid::mms(7);
        m.num_media = 10;
        m.status = MessageStatus::Undelivered;
        m.error_code = Some(30007);
        m.error_message = Some("Carrier violation".into());
        m.date_sent = Some(t);
        m.date_updated = t + chrono::TimeDelta::milliseconds(1500);
        m.from = None;
        m.messaging_service_sid = Some("MG00000000000000000000000000000002".into());
        m.direction = Direction::OutboundReply;
        m.num_segments = 0;
        m.body = Text::default();
        variants.push(m);
        for m in &variants {
            for feedback in [false, true] {
                let direct = serde_json::to_string(&m.shown(&account, feedback)).unwrap();
                assert_eq!(direct, via_wire(m, &account, feedback));
            }
        }
    }

    #[test]
    fn text_is_inline_up_to_24_bytes_and_reads_back_whole() {
        let fits = "é".repeat(12);
        let over = format!("{fits}a");
        for (s, inline) in [
            ("", true),
            ("+14155552671", true),
            (fits.as_str(), true),
            (over.as_str(), false),
        ] {
            let text = Text::from(s);
            assert_eq!(text.is_heap_allocated(), !inline, "{s}");
            assert_eq!(text.as_str(), s);
            assert_eq!(
                serde_json::to_string(&text).unwrap(),
                serde_json::to_string(s).unwrap()
            );
        }
        assert_eq!(std::mem::size_of::<Text>(), std::mem::size_of::<String>());
    }

    #[test]
    fn wire_round_trips_through_the_sdk_shape() {
        let account = AccountSid::from_counter(9);
        let m = sample();
        let json = serde_json::to_value(m.shown(&account, false)).unwrap();
        let back: Message = serde_json::from_value(json.clone()).unwrap();
        assert_eq!(back, m.wire(&account));
        assert_eq!(json["num_segments"], "1");
        assert_eq!(json["date_created"], "Thu, 24 Aug 2023 05:01:45 +0000");
        assert_eq!(
            json["uri"],
            "/2010-04-01/Accounts/AC00000000000000000000000000000009/Messages/SM0000000000000000000000000000002a.json"
        );
        assert!(json["subresource_uris"].get("feedback").is_none());
    }
}
