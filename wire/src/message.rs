//! The Message resource JSON of the 2010-04-01 API (§2.3; OAI `api.v2010.account.message`).
//!
//! Every field is always present and `null` when it has no value. The types are the ones the SDKs
//! parse: `num_segments` and `num_media` are **strings**, `error_code` is an integer or null,
//! `price` a string or null, and the three dates are RFC 2822 strings (see [`crate::date`]).

use serde::{Deserialize, Serialize};

use crate::sid::{AccountSid, MediaSid, MessageSid};

/// The API version every v2010 resource reports: `"2010-04-01"`.
pub const API_VERSION: &str = "2010-04-01";

/// One Message as the API returns it (create → 201, fetch → 200), field for field.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Message {
    /// The account that owns the message, `AC` + 32 hex.
    pub account_sid: AccountSid,
    /// Always [`API_VERSION`], `"2010-04-01"`.
    pub api_version: String,
    /// The text, up to 1,600 characters; `""` after redaction or for a media-only message.
    pub body: String,
    /// When the resource was created, RFC 2822 in GMT (`Thu, 24 Aug 2023 05:01:45 +0000`).
    pub date_created: String,
    /// When it was sent (RFC 2822), `null` until sent.
    pub date_sent: Option<String>,
    /// When it last changed (RFC 2822).
    pub date_updated: String,
    /// Which way it travels.
    pub direction: Direction,
    /// Twilio's error code (30001..30034, §5.2) once failed or undelivered, otherwise `null`.
    pub error_code: Option<u32>,
    /// Text for `error_code`, otherwise `null`.
    pub error_message: Option<String>,
    /// Sender: E.164 number, short code or alphanumeric sender ID; `null` for a Messaging
    /// Service send until a sender is chosen.
    pub from: Option<String>,
    /// Messaging Service (`MG` + 32 hex) the message went through, or `null`.
    pub messaging_service_sid: Option<String>,
    /// Number of media items as a decimal string, `"0"`..`"10"`.
    pub num_media: String,
    /// Number of SMS segments as a decimal string, `"1"`.. (`"0"` at first for Messaging Service
    /// or scheduled sends).
    pub num_segments: String,
    /// What the message cost, a negative decimal string such as `"-0.00750"`; `null` until priced.
    pub price: Option<String>,
    /// ISO 4217 currency of `price`, normally `"USD"` (the OAI example shows `null`).
    pub price_unit: Option<String>,
    /// `SM` + 32 hex, or `MM` + 32 hex when the message has media.
    pub sid: MessageSid,
    /// Where it is in its lifecycle (§3).
    pub status: MessageStatus,
    /// Host-relative URIs of its subresources.
    pub subresource_uris: SubresourceUris,
    /// Recipient: E.164 number (or a channel address such as `whatsapp:+1…`).
    pub to: String,
    /// Host-relative URI of this resource: `/2010-04-01/Accounts/{AC}/Messages/{SM}.json`.
    pub uri: String,
}

impl Message {
    /// The host-relative resource URI `/2010-04-01/Accounts/{account}/Messages/{sid}.json`.
    pub fn uri_for(account: &AccountSid, sid: &MessageSid) -> String {
        format!("/{API_VERSION}/Accounts/{account}/Messages/{sid}.json")
    }

    /// The host-relative media list URI
    /// `/2010-04-01/Accounts/{account}/Messages/{sid}/Media.json`.
    pub fn media_uri_for(account: &AccountSid, sid: &MessageSid) -> String {
        format!("/{API_VERSION}/Accounts/{account}/Messages/{sid}/Media.json")
    }
}

impl Message {
    /// The host-relative feedback URI
    /// `/2010-04-01/Accounts/{account}/Messages/{sid}/Feedback.json` (present in
    /// `subresource_uris` of fetch, list and update answers, §2.3).
    pub fn feedback_uri_for(account: &AccountSid, sid: &MessageSid) -> String {
        format!("/{API_VERSION}/Accounts/{account}/Messages/{sid}/Feedback.json")
    }
}

/// One Media subresource of a message (§2.5; OAI `api.v2010.account.message.media`), as
/// `GET …/Messages/{MessageSid}/Media/{Sid}.json` returns it and as the items of `media_list`.
///
/// Example: `{"account_sid": "AC…", "content_type": "image/jpeg", "date_created":
/// "Sun, 16 Aug 2015 15:53:54 +0000", "date_updated": "Sun, 16 Aug 2015 15:53:55 +0000",
/// "parent_sid": "MM…", "sid": "ME…", "uri": "/2010-04-01/Accounts/AC…/Messages/MM…/Media/ME….json"}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Media {
    /// The account that owns the message, `AC` + 32 hex.
    pub account_sid: AccountSid,
    /// The MIME type of the file, for example `image/jpeg`.
    pub content_type: String,
    /// When the resource was created, RFC 2822 (`Thu, 24 Aug 2023 05:01:45 +0000`).
    pub date_created: String,
    /// When it last changed, RFC 2822.
    pub date_updated: String,
    /// The message the media belongs to, `SM`/`MM` + 32 hex.
    pub parent_sid: MessageSid,
    /// `ME` + 32 hex.
    pub sid: MediaSid,
    /// Host-relative URI of this resource:
    /// `/2010-04-01/Accounts/{AC}/Messages/{MM}/Media/{ME}.json`. The file itself is served at the
    /// same URI without `.json`.
    pub uri: String,
}

impl Media {
    /// The host-relative resource URI
    /// `/2010-04-01/Accounts/{account}/Messages/{message}/Media/{sid}.json`.
    pub fn uri_for(account: &AccountSid, message: &MessageSid, sid: &MediaSid) -> String {
        format!("/{API_VERSION}/Accounts/{account}/Messages/{message}/Media/{sid}.json")
    }
}

/// `subresource_uris`: host-relative URIs of the message's subresources.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubresourceUris {
    /// `/2010-04-01/Accounts/{AC}/Messages/{SM}/Media.json`, always present.
    pub media: String,
    /// `/2010-04-01/Accounts/{AC}/Messages/{SM}/Feedback.json`: present in fetch and list answers
    /// of the OAI examples, absent from create answers; omitted from the JSON when `None`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub feedback: Option<String>,
}

/// `direction` (OAI `message_enum_direction`), serialized in kebab case.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Direction {
    /// `inbound`: a handset texted one of the account's numbers.
    Inbound,
    /// `outbound-api`: created through POST Messages.
    OutboundApi,
    /// `outbound-call`: sent during a call.
    OutboundCall,
    /// `outbound-reply`: created by a TwiML `<Message>` reply to an inbound message.
    OutboundReply,
}

/// `status` (OAI `message_enum_status`, §3), serialized in snake case (`partially_delivered`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MessageStatus {
    /// Waiting to be sent; the initial status of a send without a Messaging Service.
    Queued,
    /// Being handed to the carrier.
    Sending,
    /// The carrier accepted it.
    Sent,
    /// It could not be sent (30001, 30002, ...).
    Failed,
    /// The carrier confirmed delivery.
    Delivered,
    /// The carrier reported it was not delivered (30003..30008).
    Undelivered,
    /// An inbound message being received.
    Receiving,
    /// An inbound message that has arrived.
    Received,
    /// Accepted by a Messaging Service, not yet queued.
    Accepted,
    /// Scheduled for later (`ScheduleType=fixed`).
    Scheduled,
    /// Read by the recipient (WhatsApp only).
    Read,
    /// Partially delivered (undocumented in the OAI description).
    PartiallyDelivered,
    /// A scheduled message that was canceled.
    Canceled,
}

impl MessageStatus {
    /// Every status, in the order of OAI `message_enum_status` (§3).
    pub const ALL: [MessageStatus; 13] = [
        MessageStatus::Queued,
        MessageStatus::Sending,
        MessageStatus::Sent,
        MessageStatus::Failed,
        MessageStatus::Delivered,
        MessageStatus::Undelivered,
        MessageStatus::Receiving,
        MessageStatus::Received,
        MessageStatus::Accepted,
        MessageStatus::Scheduled,
        MessageStatus::Read,
        MessageStatus::PartiallyDelivered,
        MessageStatus::Canceled,
    ];

    /// The status spelled `s` on the wire (exactly, lower case: `"partially_delivered"`), or
    /// `None` when `s` is not one of [`MessageStatus::ALL`].
    pub fn from_wire(s: &str) -> Option<MessageStatus> {
        MessageStatus::ALL.into_iter().find(|m| m.as_str() == s)
    }

    /// The wire spelling, for example `"queued"` or `"partially_delivered"`.
    pub fn as_str(self) -> &'static str {
        match self {
            MessageStatus::Queued => "queued",
            MessageStatus::Sending => "sending",
            MessageStatus::Sent => "sent",
            MessageStatus::Failed => "failed",
            MessageStatus::Delivered => "delivered",
            MessageStatus::Undelivered => "undelivered",
            MessageStatus::Receiving => "receiving",
            MessageStatus::Received => "received",
            MessageStatus::Accepted => "accepted",
            MessageStatus::Scheduled => "scheduled",
            MessageStatus::Read => "read",
            MessageStatus::PartiallyDelivered => "partially_delivered",
            MessageStatus::Canceled => "canceled",
        }
    }
}

impl std::fmt::Display for MessageStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Direction {
    /// The wire spelling, for example `"outbound-api"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Inbound => "inbound",
            Direction::OutboundApi => "outbound-api",
            Direction::OutboundCall => "outbound-call",
            Direction::OutboundReply => "outbound-reply",
        }
    }
}

impl std::fmt::Display for Direction {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The OAI `create` example, verbatim.
    const OAI_CREATE: &str = r#"{
      "account_sid": "ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
      "api_version": "2010-04-01",
      "body": "Hello! \ud83d\udc4d",
      "date_created": "Thu, 24 Aug 2023 05:01:45 +0000",
      "date_sent": "Thu, 24 Aug 2023 05:01:45 +0000",
      "date_updated": "Thu, 24 Aug 2023 05:01:45 +0000",
      "direction": "outbound-api",
      "error_code": null,
      "error_message": null,
      "from": "+14155552345",
      "num_media": "0",
      "num_segments": "1",
      "price": null,
      "price_unit": null,
      "messaging_service_sid": "MGaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
      "sid": "SMaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
      "status": "queued",
      "subresource_uris": {
        "media": "/2010-04-01/Accounts/ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/Messages/SMaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/Media.json"
      },
      "to": "+14155552345",
      "uri": "/2010-04-01/Accounts/ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/Messages/SMaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.json"
    }"#;

    #[test]
    fn round_trips_the_oai_example_with_every_field_and_type() {
        let m: Message = serde_json::from_str(OAI_CREATE).unwrap();
        assert_eq!(m.status, MessageStatus::Queued);
        assert_eq!(m.direction, Direction::OutboundApi);
        assert_eq!(m.body, "Hello! 👍");
        let sid = MessageSid::parse("SMaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa").unwrap();
        assert_eq!(m.uri, Message::uri_for(&m.account_sid, &sid));
        assert_eq!(
            m.subresource_uris.media,
            Message::media_uri_for(&m.account_sid, &sid)
        );

        let back = serde_json::to_value(&m).unwrap();
        let original: serde_json::Value = serde_json::from_str(OAI_CREATE).unwrap();
        assert_eq!(back, original);
        let obj = back.as_object().unwrap();
        assert_eq!(obj.len(), 20);
        assert!(obj["num_segments"].is_string() && obj["num_media"].is_string());
        assert!(obj["error_code"].is_null() && obj["price"].is_null());
    }

    #[test]
    fn error_code_is_an_integer_and_feedback_appears_when_set() {
        let mut m: Message = serde_json::from_str(OAI_CREATE).unwrap();
        m.error_code = Some(30007);
        m.error_message = Some("Carrier violation".into());
        m.status = MessageStatus::PartiallyDelivered;
        m.subresource_uris.feedback = Some("/x/Feedback.json".into());
        let v = serde_json::to_value(&m).unwrap();
        assert_eq!(v["error_code"], serde_json::json!(30007));
        assert_eq!(v["status"], "partially_delivered");
        assert_eq!(v["subresource_uris"]["feedback"], "/x/Feedback.json");
    }

    #[test]
    fn media_round_trips_the_oai_fetch_example() {
        let json = r#"{
          "account_sid": "ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
          "content_type": "image/jpeg",
          "date_created": "Sun, 16 Aug 2015 15:53:54 +0000",
          "date_updated": "Sun, 16 Aug 2015 15:53:55 +0000",
          "parent_sid": "SMaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
          "sid": "MEaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
          "uri": "/2010-04-01/Accounts/ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/Messages/SMaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/Media/MEaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.json"
        }"#;
        let m: Media = serde_json::from_str(json).unwrap();
        assert_eq!(m.uri, Media::uri_for(&m.account_sid, &m.parent_sid, &m.sid));
        let original: serde_json::Value = serde_json::from_str(json).unwrap();
        assert_eq!(serde_json::to_value(&m).unwrap(), original);
        let sid = MessageSid::sms(1);
        assert_eq!(
            Message::feedback_uri_for(&m.account_sid, &sid),
            "/2010-04-01/Accounts/ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/Messages/SM00000000000000000000000000000001/Feedback.json"
        );
    }

    #[test]
    fn enums_spell_as_on_the_wire() {
        assert_eq!(
            serde_json::to_string(&Direction::OutboundReply).unwrap(),
            "\"outbound-reply\""
        );
        assert_eq!(Direction::Inbound.to_string(), "inbound");
        assert_eq!(MessageStatus::Received.to_string(), "received");
        assert!(serde_json::from_str::<MessageStatus>("\"lost\"").is_err());
    }

    #[test]
    fn from_wire_reads_every_status_and_nothing_else() {
        for status in MessageStatus::ALL {
            assert_eq!(MessageStatus::from_wire(status.as_str()), Some(status));
            let json = serde_json::to_string(&status).unwrap();
            assert_eq!(json, format!("\"{status}\""));
        }
        for bad in ["", "lost", "Delivered", "partially-delivered", " sent"] {
            assert_eq!(MessageStatus::from_wire(bad), None, "{bad:?}");
        }
    }
}
