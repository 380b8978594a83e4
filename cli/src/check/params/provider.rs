//! Typed parameters of the provider: other integrations, carriers, Twilio's faults, webhooks and status callbacks.

use std::str::FromStr;

use convsms_sim::{ApiFault, CallbackFault, CarrierProfile};
use cucumber::Parameter;

use super::{quoted_texts, unhonoured, unread, Duration, Unhonoured};

/// `ServiceNowTwilioDirect` or `Twilio Notify`: another integration's number.
#[derive(Clone, Copy, Debug, Parameter)]
#[param(name = "integration", regex = "ServiceNowTwilioDirect|Twilio Notify")]
pub struct Integration(pub &'static str);

impl FromStr for Integration {
    type Err = Unhonoured;
    fn from_str(words: &str) -> Result<Self, Unhonoured> {
        match words {
            "ServiceNowTwilioDirect" => Ok(Integration("ServiceNowTwilioDirect")),
            "Twilio Notify" => Ok(Integration("Twilio Notify")),
            _ => unread(words, "an integration"),
        }
    }
}

/// Whose a number is: `a Conversational SMS provider number`, `not a Conversational SMS provider
/// number`, `a ServiceNowTwilioDirect number` or `a Twilio Notify number` (another integration's;
/// `still` may come first: `still a Twilio Notify number`, after a refused attempt to take it).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NumberUse {
    /// The integration: `None` for Conversational SMS, else another integration's name.
    pub integration: Option<&'static str>,
    /// Whether the number is that integration's (`false`: it is not Conversational SMS's).
    pub is: bool,
}
parameter!(
    NumberUse,
    "number_use",
    "(?:still )?a (?:Conversational SMS provider|ServiceNowTwilioDirect|Twilio Notify) number|not a Conversational SMS provider number"
);

impl FromStr for NumberUse {
    type Err = Unhonoured;
    fn from_str(words: &str) -> Result<Self, Unhonoured> {
        if words == "not a Conversational SMS provider number" {
            return Ok(NumberUse {
                integration: None,
                is: false,
            });
        }
        let which = words.trim_start_matches("still ");
        let integration = match which {
            "a Conversational SMS provider number" => None,
            other => Some(
                other
                    .strip_prefix("a ")
                    .and_then(|o| o.strip_suffix(" number"))
                    .and_then(|o| o.parse::<Integration>().ok())
                    .map(|i| i.0)
                    .map_or_else(|| unread(words, "whose a number is"), Ok)?,
            ),
        };
        Ok(NumberUse {
            integration,
            is: true,
        })
    }
}

/// How a handset's carrier treats messages to it.
#[derive(Clone, Copy, Debug, Parameter)]
#[param(
    name = "carrier",
    regex = "reachable|unreachable|an unknown handset|a landline|filtered by its carrier|failing with an unknown error|not a mobile number"
)]
pub struct Carrier(pub CarrierProfile);

impl FromStr for Carrier {
    type Err = Unhonoured;
    fn from_str(words: &str) -> Result<Self, Unhonoured> {
        Ok(Carrier(match words {
            "reachable" => CarrierProfile::Delivers,
            "unreachable" => CarrierProfile::Unreachable,
            "an unknown handset" => CarrierProfile::UnknownHandset,
            "a landline" => CarrierProfile::Landline,
            "filtered by its carrier" => CarrierProfile::Filtered,
            "failing with an unknown error" => CarrierProfile::UnknownError,
            "not a mobile number" => CarrierProfile::NotMobile,
            _ => return unread(words, "a carrier behaviour"),
        }))
    }
}

/// How Twilio's Messages API answers sends: `every send with HTTP 500` (or 429), or `sends
/// normally again`.
#[derive(Clone, Copy, Debug, Parameter)]
#[param(
    name = "api_fault",
    regex = r"every send with HTTP \d{3}|sends normally again"
)]
pub struct SendFault(pub Option<ApiFault>);

impl FromStr for SendFault {
    type Err = Unhonoured;
    fn from_str(words: &str) -> Result<Self, Unhonoured> {
        match words.strip_prefix("every send with HTTP ") {
            None => Ok(SendFault(None)),
            Some("500") => Ok(SendFault(Some(ApiFault::ServerError))),
            Some("429") => Ok(SendFault(Some(ApiFault::RateLimit))),
            Some(other) => unhonoured(format!(
                "the simulated Twilio can answer every send with HTTP 500 or 429, not {other}"
            )),
        }
    }
}

/// What Twilio does to every status callback: `drops every status callback`, `duplicates every
/// status callback`, `reorders status callbacks`, `delays every status callback by 120 seconds`.
///
/// Only a delay takes a duration, in whole seconds: a duration on another fault, or a delay
/// without one, is refused rather than ignored.
#[derive(Clone, Copy, Debug)]
pub struct StatusCallbackFault(pub CallbackFault);
parameter!(
    StatusCallbackFault,
    "callback_fault",
    concat!(
        "(?:drops every|duplicates every|reorders|delays every) status callbacks?(?: by ",
        duration!(),
        ")?"
    )
);

impl FromStr for StatusCallbackFault {
    type Err = Unhonoured;
    fn from_str(words: &str) -> Result<Self, Unhonoured> {
        let (fault, by) = match words.split_once(" by ") {
            Some((fault, by)) => (fault, Some(by)),
            None => (words, None),
        };
        let kind = fault.split(" status").next().unwrap_or_default();
        let fault = match (kind, by) {
            ("delays every", Some(by)) => {
                let Duration(delta) = by.parse()?;
                let seconds = u32::try_from(delta.num_seconds())
                    .or_else(|_| unhonoured(format!("{by} is too long a delay")))?;
                CallbackFault::Delay { seconds }
            }
            ("delays every", None) => {
                return unhonoured(
                    "say how long Twilio delays them, such as 'Twilio delays every status callback by 120 seconds'",
                )
            }
            (kind, Some(by)) => {
                return unhonoured(format!(
                    "Twilio {kind} status callbacks without delaying them, so 'by {by}' cannot be honoured: \
                     leave it out, or write 'Twilio delays every status callback by {by}'"
                ))
            }
            ("drops every", None) => CallbackFault::Drop,
            ("duplicates every", None) => CallbackFault::Duplicate,
            ("reorders", None) => CallbackFault::Reorder,
            _ => return unread(words, "a status callback fault"),
        };
        Ok(StatusCallbackFault(fault))
    }
}

/// An inbound webhook's signature: `the signature "…"` or `no signature` (as is `the
/// signature ""`: no header is sent).
#[derive(Clone, Debug, Parameter)]
#[param(name = "signature", regex = r#"the signature "[^"]*"|no signature"#)]
pub struct Signature(pub Option<String>);

impl FromStr for Signature {
    type Err = Unhonoured;
    fn from_str(words: &str) -> Result<Self, Unhonoured> {
        Ok(Signature(
            quoted_texts(words)
                .into_iter()
                .next()
                .filter(|s| !s.is_empty()),
        ))
    }
}

/// An optional clause `with error 30003`: a Twilio error code.
#[derive(Clone, Copy, Debug, Parameter)]
#[param(name = "error_code", regex = r"(?: with error \d+)?")]
pub struct ErrorCode(pub Option<u32>);

impl FromStr for ErrorCode {
    type Err = Unhonoured;
    fn from_str(words: &str) -> Result<Self, Unhonoured> {
        match words.strip_prefix(" with error ") {
            None => Ok(ErrorCode(None)),
            Some(code) => code
                .parse()
                .map(|c| ErrorCode(Some(c)))
                .or_else(|_| unhonoured(format!("{code} is not a Twilio error code"))),
        }
    }
}
