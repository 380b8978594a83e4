//! The IncomingPhoneNumber resource of the 2010-04-01 API (OAI
//! `api.v2010.account.incoming_phone_number`): a number the account owns, and where Twilio sends
//! what reaches it ("A message comes in": `sms_url` with `sms_method`, `sms_fallback_url`).
//!
//! ```text
//! GET  /2010-04-01/Accounts/{AccountSid}/IncomingPhoneNumbers.json[?PhoneNumber=&FriendlyName=]
//!                                                → 200 IncomingPhoneNumberPage ("incoming_phone_numbers")
//! GET  /2010-04-01/Accounts/{AccountSid}/IncomingPhoneNumbers/{Sid}.json → 200 IncomingPhoneNumber
//! POST /2010-04-01/Accounts/{AccountSid}/IncomingPhoneNumbers/{Sid}.json SmsUrl=…&SmsMethod=POST…
//!                                                → 200 IncomingPhoneNumber
//! ```
//!
//! Unset URLs are the empty string (as in the OAI examples), except `voice_url` and
//! `voice_fallback_url`, which are `null` there.

use serde::{Deserialize, Serialize};

use crate::page::PageMeta;
use crate::sid::{AccountSid, PhoneNumberSid};

/// What a number can do (OAI `phone-number-capabilities`): receive calls, SMS, MMS, faxes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Capabilities {
    /// Voice calls.
    pub voice: bool,
    /// SMS: sending from it and receiving texts.
    #[serde(rename = "sms", alias = "SMS")]
    pub sms: bool,
    /// MMS.
    #[serde(rename = "mms", alias = "MMS")]
    pub mms: bool,
    /// Fax.
    pub fax: bool,
}

impl Default for Capabilities {
    /// A US local number's: voice, SMS and MMS, no fax.
    fn default() -> Self {
        Capabilities {
            voice: true,
            sms: true,
            mms: true,
            fax: false,
        }
    }
}

/// The IncomingPhoneNumber JSON with every key of the OAI fetch example.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct IncomingPhoneNumber {
    /// The owner, `AC` + 32 hex.
    pub account_sid: AccountSid,
    /// `none`, `any`, `local` or `foreign`.
    pub address_requirements: String,
    /// `AD` + 32 hex, if any.
    pub address_sid: Option<String>,
    /// `2010-04-01`.
    pub api_version: String,
    /// Whether the number is new to Twilio.
    pub beta: bool,
    /// What the number can do.
    pub capabilities: Capabilities,
    /// RFC 2822.
    pub date_created: String,
    /// RFC 2822.
    pub date_updated: String,
    /// `Active` or `Inactive`.
    pub emergency_status: String,
    /// `AD` + 32 hex, if any.
    pub emergency_address_sid: Option<String>,
    /// `registered`, `unregistered`, ...
    pub emergency_address_status: String,
    /// A name; Twilio's default is the national format, `(415) 555-0100`.
    pub friendly_name: String,
    /// `RI` + 32 hex, if any.
    pub identity_sid: Option<String>,
    /// `twilio` or `hosted`.
    pub origin: String,
    /// E.164, `+14155550100`.
    pub phone_number: String,
    /// `PN` + 32 hex.
    pub sid: PhoneNumberSid,
    /// `AP` + 32 hex or empty.
    pub sms_application_sid: String,
    /// `GET` or `POST`.
    pub sms_fallback_method: String,
    /// Called when `sms_url` fails; empty when unset.
    pub sms_fallback_url: String,
    /// `GET` or `POST`.
    pub sms_method: String,
    /// The "A message comes in" webhook; empty when unset.
    pub sms_url: String,
    /// Status callbacks of calls to the number; empty when unset.
    pub status_callback: String,
    /// `GET` or `POST`.
    pub status_callback_method: String,
    /// `TK` + 32 hex, if any.
    pub trunk_sid: Option<String>,
    /// `/2010-04-01/Accounts/AC…/IncomingPhoneNumbers/PN….json`.
    pub uri: String,
    /// `AP` + 32 hex or empty.
    pub voice_application_sid: String,
    /// CNAM look-ups.
    pub voice_caller_id_lookup: bool,
    /// `GET` or `POST`.
    pub voice_fallback_method: String,
    /// Null when unset.
    pub voice_fallback_url: Option<String>,
    /// `GET` or `POST`.
    pub voice_method: String,
    /// Null when unset.
    pub voice_url: Option<String>,
    /// `voice` or `fax`.
    pub voice_receive_mode: String,
    /// `in-use`.
    pub status: String,
    /// `BU` + 32 hex, if any.
    pub bundle_sid: Option<String>,
    /// `local`, `mobile`, `toll-free`, ...
    #[serde(rename = "type")]
    pub kind: String,
}

impl IncomingPhoneNumber {
    /// `/2010-04-01/Accounts/{account}/IncomingPhoneNumbers/{sid}.json`.
    pub fn uri_for(account: &AccountSid, sid: &PhoneNumberSid) -> String {
        format!(
            "/{}/Accounts/{account}/IncomingPhoneNumbers/{sid}.json",
            crate::message::API_VERSION
        )
    }
}

/// A page of `GET …/IncomingPhoneNumbers.json`: the eight meta keys and `incoming_phone_numbers`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct IncomingPhoneNumberPage {
    /// The eight meta keys.
    #[serde(flatten)]
    pub meta: PageMeta,
    /// The records of this page.
    pub incoming_phone_numbers: Vec<IncomingPhoneNumber>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_oai_fetch_example_reads_and_writes_back_the_same_keys() {
        let example = serde_json::json!({
            "account_sid": "ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "address_requirements": "none",
            "address_sid": "ADaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "api_version": "2010-04-01",
            "beta": false, "capabilities": {"voice": true, "sms": false, "mms": true, "fax": false},
            "date_created": "Thu, 30 Jul 2015 23:19:04 +0000",
            "date_updated": "Thu, 30 Jul 2015 23:19:04 +0000", "emergency_status": "Active",
            "emergency_address_sid": "ADaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
            "emergency_address_status": "registered", "friendly_name": "(808) 925-5327",
            "identity_sid": "RIaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "origin": "origin",
            "phone_number": "+18089255327", "sid": "PNaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
            "sms_application_sid": "", "sms_fallback_method": "POST", "sms_fallback_url": "",
            "sms_method": "POST", "sms_url": "", "status_callback": "",
            "status_callback_method": "POST", "trunk_sid": null,
            "uri": "/2010-04-01/Accounts/ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/IncomingPhoneNumbers/PNaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.json",
            "voice_application_sid": "", "voice_caller_id_lookup": false,
            "voice_fallback_method": "POST", "voice_fallback_url": null, "voice_method": "POST",
            "voice_url": null, "voice_receive_mode": "voice", "status": "in-use",
            "bundle_sid": "BUaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "type": "local"
        });
        let number: IncomingPhoneNumber = serde_json::from_value(example.clone()).unwrap();
        assert!(!number.capabilities.sms && number.capabilities.mms);
        assert_eq!(number.kind, "local");
        assert_eq!(serde_json::to_value(&number).unwrap(), example);
        assert_eq!(
            IncomingPhoneNumber::uri_for(&number.account_sid, &number.sid),
            number.uri
        );
    }
}
