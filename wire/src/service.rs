//! Messaging Services (`messaging.twilio.com/v1`, OAI `twilio_messaging_v1.json`:
//! `messaging.v1.service` and `messaging.v1.service.phone_number`): a pool of senders that a
//! message can be sent through with `MessagingServiceSid` instead of `From`.
//!
//! ```text
//! POST   /v1/Services                         FriendlyName=…&InboundRequestUrl=…  → 201 Service
//! GET    /v1/Services                                                             → 200 ServicePage ("services")
//! GET    /v1/Services/{Sid}                                                       → 200 Service
//! POST   /v1/Services/{Sid}                   StatusCallback=…                    → 200 Service
//! DELETE /v1/Services/{Sid}                                                       → 204
//! POST   /v1/Services/{Sid}/PhoneNumbers      PhoneNumberSid=PN…                  → 201 ServicePhoneNumber
//! GET    /v1/Services/{Sid}/PhoneNumbers                                          → 200 ServicePhoneNumberPage ("phone_numbers")
//! GET    /v1/Services/{Sid}/PhoneNumbers/{PN} → 200;   DELETE → 204
//! ```
//!
//! Unlike the 2010-04-01 API, v1 dates are ISO 8601 (`2015-07-30T20:12:31Z`), resources carry
//! an absolute `url`, and a list page has one `meta` object ([`V1Meta`]) with absolute paging
//! URLs and the list's `key`.

use serde::{Deserialize, Serialize};

use crate::sid::{AccountSid, PhoneNumberSid, ServiceSid};

/// A Messaging Service with every key of the OAI fetch example.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Service {
    /// The owner, `AC` + 32 hex.
    pub account_sid: AccountSid,
    /// `MG` + 32 hex.
    pub sid: ServiceSid,
    /// ISO 8601, `2015-07-30T20:12:31Z`.
    pub date_created: String,
    /// ISO 8601.
    pub date_updated: String,
    /// The name given (required at creation).
    pub friendly_name: String,
    /// Where messages to the pool's numbers go (unless `use_inbound_webhook_on_number`).
    pub inbound_request_url: Option<String>,
    /// `GET` or `POST`.
    pub inbound_method: String,
    /// Called when `inbound_request_url` fails.
    pub fallback_url: Option<String>,
    /// `GET` or `POST`.
    pub fallback_method: String,
    /// Status callbacks of messages sent through the service that name none of their own.
    pub status_callback: Option<String>,
    /// The same sender for the same recipient.
    pub sticky_sender: bool,
    /// MMS converted to SMS + link where MMS is not supported.
    pub mms_converter: bool,
    /// Smart Encoding of lookalike Unicode characters (§8.3).
    pub smart_encoding: bool,
    /// Obsolete.
    pub fallback_to_long_code: bool,
    /// A sender with the recipient's area code when the pool has one.
    pub area_code_geomatch: bool,
    /// Seconds a message may wait in the queue, 1..=36000 (default 36000).
    pub validity_period: u32,
    /// `inherit`, `enable` or `disable`.
    pub scan_message_content: String,
    /// Reserved.
    pub synchronous_validation: bool,
    /// `marketing`, `notifications`, `undeclared`, ...
    pub usecase: String,
    /// Whether a US A2P campaign is registered.
    pub us_app_to_person_registered: bool,
    /// True: inbound messages go to each number's own `sms_url`, not `inbound_request_url`.
    pub use_inbound_webhook_on_number: bool,
    /// Absolute URLs of the subresources (`phone_numbers`, `short_codes`, ...).
    pub links: serde_json::Map<String, serde_json::Value>,
    /// This resource's absolute URL.
    pub url: String,
}

/// A number of a Messaging Service's sender pool.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServicePhoneNumber {
    /// The IncomingPhoneNumber's SID, `PN` + 32 hex.
    pub sid: PhoneNumberSid,
    /// The owner, `AC` + 32 hex.
    pub account_sid: AccountSid,
    /// The service, `MG` + 32 hex.
    pub service_sid: ServiceSid,
    /// ISO 8601: when it joined the pool.
    pub date_created: String,
    /// ISO 8601.
    pub date_updated: String,
    /// E.164.
    pub phone_number: String,
    /// ISO 3166 alpha-2 (`US`).
    pub country_code: String,
    /// What it can do, upper case (`["SMS", "MMS", "Voice"]`).
    pub capabilities: Vec<String>,
    /// This resource's absolute URL.
    pub url: String,
}

/// The `meta` of a v1 list page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct V1Meta {
    /// The page number, 0-based.
    pub page: u64,
    /// Records per page.
    pub page_size: u64,
    /// Absolute URL of page 0.
    pub first_page_url: String,
    /// Absolute URL of the previous page, `null` on the first.
    pub previous_page_url: Option<String>,
    /// Absolute URL of the next page, `null` on the last.
    pub next_page_url: Option<String>,
    /// The list's key: `services`, `phone_numbers`.
    pub key: String,
    /// Absolute URL of this page.
    pub url: String,
}

/// A page of `GET /v1/Services`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServicePage {
    /// The records of this page.
    pub services: Vec<Service>,
    /// Paging.
    pub meta: V1Meta,
}

/// A page of `GET /v1/Services/{Sid}/PhoneNumbers`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServicePhoneNumberPage {
    /// The records of this page.
    pub phone_numbers: Vec<ServicePhoneNumber>,
    /// Paging.
    pub meta: V1Meta,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_oai_examples_read_and_write_back() {
        let service = serde_json::json!({
            "account_sid": "ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "sid": "MGaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
            "date_created": "2015-07-30T20:12:31Z", "date_updated": "2015-07-30T20:12:33Z",
            "friendly_name": "My Service!", "inbound_request_url": "https://www.example.com/",
            "inbound_method": "POST", "fallback_url": null, "fallback_method": "POST",
            "status_callback": "https://www.example.com", "sticky_sender": true,
            "mms_converter": true, "smart_encoding": false, "fallback_to_long_code": true,
            "area_code_geomatch": true, "validity_period": 600, "scan_message_content": "inherit",
            "synchronous_validation": true, "usecase": "marketing",
            "us_app_to_person_registered": false, "use_inbound_webhook_on_number": true,
            "links": {"phone_numbers": "https://messaging.twilio.com/v1/Services/MGaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/PhoneNumbers"},
            "url": "https://messaging.twilio.com/v1/Services/MGaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
        });
        let s: Service = serde_json::from_value(service.clone()).unwrap();
        assert_eq!(serde_json::to_value(&s).unwrap(), service);
        let number = serde_json::json!({
            "sid": "PNaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "account_sid": "ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
            "service_sid": "MGaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "date_created": "2015-07-30T20:12:31Z",
            "date_updated": "2015-07-30T20:12:33Z", "phone_number": "+987654321",
            "country_code": "US", "capabilities": [],
            "url": "https://messaging.twilio.com/v1/Services/MGaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/PhoneNumbers/PNaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
        });
        let n: ServicePhoneNumber = serde_json::from_value(number.clone()).unwrap();
        assert_eq!(serde_json::to_value(&n).unwrap(), number);
    }
}
