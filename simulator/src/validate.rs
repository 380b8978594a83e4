//! The synchronous checks of `POST …/Messages.json` (§2.2), each answered with HTTP 400 and
//! Twilio's error JSON.
//!
//! Every parameter of §2.2 is accepted (`To`, `StatusCallback`, `ApplicationSid`, `MaxPrice`,
//! `ProvideFeedback`, `Attempt`, `ValidityPeriod`, `ForceDelivery`, `ContentRetention`,
//! `AddressRetention`, `SmartEncoded`, `PersistentAction`, `TrafficType`, `ShortenUrls`,
//! `ScheduleType`, `SendAt`, `SendAsMms`, `ContentVariables`, `RiskCheck`, `From`,
//! `FallbackFrom`, `MessagingServiceSid`, `Body`, `MediaUrl`, `ContentSid`); unknown parameters
//! are ignored. Booleans are `true` / `false` (any letter case). What the simulator models:
//!
//! * `SmartEncoded=true`: the §8.3 substitutions ([`twilio_wire::segments::smart_encode`]) are applied
//!   to the body before it is counted, stored and sent (off by default: UNCONFIRMED);
//! * `MessagingServiceSid`: echoed as `messaging_service_sid`; `From` may then be omitted
//!   (`from` is null), the initial status is `accepted` (§3) and `num_segments` is `"0"` until
//!   the message is queued (OAI: "since a sender hasn't yet been assigned"; `"1"` with media);
//! * `ScheduleType=fixed` with `SendAt` (ISO 8601): the initial status is `scheduled`,
//!   `num_segments` is `"0"` until it is queued at its `SendAt` and counted (`"1"` with media,
//!   OAI scheduled examples) and the message can be canceled. As Twilio's error pages say:
//!   scheduling needs a `MessagingServiceSid` (35118), a `SendAt` (35111) that parses (35115)
//!   and lies between 300 seconds and 35 days ahead of the simulator's clock, both inclusive
//!   (35115, checked by the create handler: [`schedule_window`]);
//! * `StatusCallback`: kept for status callbacks.
//!
//! Twilio does not document its checking order beyond "an empty POST gives 21603" (UNCONFIRMED);
//! the simulator checks, first failure wins:
//!
//! 1. 21603 `From` missing or empty and no `MessagingServiceSid` (so an empty POST gives 21603);
//! 2. 21604 `To` missing or empty;
//! 3. 21602 no `Body` text, no `MediaUrl` and no `ContentSid`;
//! 4. 63007 `From` is a channel address (`whatsapp:+1…`: the account has SMS/MMS senders only),
//!    then 21910 `To` is one (From and To of different channels) (ERR's codes and texts);
//! 5. with live credentials: 21212 `From` is not a valid phone number (unless the account owns
//!    it exactly as given), then 21606 `From` is not one of the account's numbers; with test
//!    credentials the magic `From` table of [`crate::testcreds`] (21212, 21606, 21611);
//! 6. with test credentials the magic `To` table (21211, 21612, 21408, 21610, 21614); then 21211
//!    `To` is not a valid phone number;
//! 7. 21617 `Body` longer than 1,600 UTF-16 code units (as given, before Smart Encoding);
//! 8. 21620 a `MediaUrl` that is not an absolute http(s) URL with a host;
//! 9. 21623 more than 10 `MediaUrl`;
//! 10. 21609 a `StatusCallback` that is not an absolute http(s) URL with a host free of
//!     underscores, or longer than 4,000 characters;
//! 11. 21624 a `ValidityPeriod` that is not an integer in 1..=36000 (OAI 2026 range);
//! 12. 21654 `ContentVariables` without `ContentSid`, then 21656 `ContentVariables` that are not
//!     a JSON object (§5.2; ERR's texts);
//! 13. 20001 any other malformed value (UNCONFIRMED code): a boolean that is not true/false,
//!     `Attempt` not an integer, `MaxPrice` not a finite number ≥ 0 (`NaN`, `inf`, `-1`), a value outside its enum
//!     (`ContentRetention`, `AddressRetention`, `TrafficType`, `ScheduleType`, `RiskCheck`), a
//!     malformed `MessagingServiceSid` (`MG`…), `ApplicationSid` (`AP`…) or `ContentSid`
//!     (`HX`…);
//! 14. with `ScheduleType=fixed`: 35118 no `MessagingServiceSid`, 35111 no `SendAt`, 35115 a
//!     `SendAt` that is not an ISO 8601 date-time.
//!
//! Checks of other modules come after these, in the create handler (`api`).

use chrono::{DateTime, TimeDelta, Utc};
use twilio_wire::ApiError;

use crate::{numbers, testcreds};
use twilio_wire::segments;

/// Most characters (UTF-16 code units) a body may have.
pub(crate) const MAX_BODY_UNITS: usize = 1600;
/// Most `MediaUrl` values one message may carry.
pub(crate) const MAX_MEDIA: usize = 10;
/// Longest `StatusCallback` Twilio accepts (ERR 21609).
pub(crate) const MAX_CALLBACK_CHARS: usize = 4000;

/// Whose credentials the request came with, and so how senders are checked.
pub(crate) enum Credentials<'a> {
    /// The live account: `owned` gives a sender as the account holds it (E.164 when readable),
    /// `None` when the account does not own it.
    Live(&'a dyn Fn(&str) -> Option<String>),
    /// The test credentials: the magic numbers of §10.
    Test,
}

/// A create request that passed every check.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct OutboundRequest {
    /// Sender, in E.164 when it is a valid number, otherwise exactly as given; `None` for a
    /// Messaging Service send without `From`.
    pub(crate) from: Option<String>,
    /// Recipient, in E.164.
    pub(crate) to: String,
    /// Text to send (after Smart Encoding when asked), possibly empty when there is media.
    pub(crate) body: String,
    /// Media URLs in the order given.
    pub(crate) media_urls: Vec<String>,
    /// `StatusCallback`, if given and not empty.
    pub(crate) status_callback: Option<String>,
    /// `MessagingServiceSid` (`MG` + 32 hex), if given.
    pub(crate) messaging_service_sid: Option<String>,
    /// `SendAt` of a `ScheduleType=fixed` send.
    pub(crate) send_at: Option<DateTime<Utc>>,
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

fn invalid(name: &str, value: &str, expected: &str) -> ApiError {
    bad_request(
        20001,
        format!("Invalid {name}: '{value}' is not {expected}"),
    )
}

/// The value of boolean parameter `name` (`None` when absent).
///
/// # Errors
/// 20001 when it is neither `true` nor `false`.
fn boolean(params: &[(String, String)], name: &str) -> Result<Option<bool>, ApiError> {
    match first(params, name) {
        None => Ok(None),
        Some(v) if v.eq_ignore_ascii_case("true") => Ok(Some(true)),
        Some(v) if v.eq_ignore_ascii_case("false") => Ok(Some(false)),
        Some(v) => Err(invalid(name, v, "true or false")),
    }
}

/// The channel of a channel address (`whatsapp` for `whatsapp:+14155552671`, `WhatsApp` for
/// `WhatsApp:+1…`): an ASCII name of letters, in any case, before the first `:`; `None` for a
/// phone number, short code or sender ID.
fn channel_of(address: &str) -> Option<&str> {
    let (channel, _) = address.split_once(':')?;
    (!channel.is_empty() && channel.bytes().all(|b| b.is_ascii_alphabetic())).then_some(channel)
}

/// True when `s` is `prefix` + 32 hex digits.
fn is_sid(s: &str, prefix: &str) -> bool {
    s.len() == 34 && s.starts_with(prefix) && s[2..].bytes().all(|b| b.is_ascii_hexdigit())
}

/// Checks the decoded form `params` of a create request made with `credentials`.
///
/// # Errors
/// The [`ApiError`] (HTTP 400) of the first failed check, in the order of the module docs.
pub(crate) fn create_request(
    params: &[(String, String)],
    credentials: Credentials<'_>,
) -> Result<OutboundRequest, ApiError> {
    let test = matches!(credentials, Credentials::Test);
    let service = first(params, "MessagingServiceSid").filter(|_| !test);
    let from = first(params, "From");
    if from.is_none() && service.is_none() {
        return Err(bad_request(21603, "A 'From' phone number is required."));
    }
    let to = first(params, "To")
        .ok_or_else(|| bad_request(21604, "A 'To' phone number is required."))?;
    let body = first(params, "Body").unwrap_or("");
    let media_urls: Vec<String> = params
        .iter()
        .filter(|(n, _)| n == "MediaUrl")
        .map(|(_, v)| v.clone())
        .collect();
    if body.is_empty() && media_urls.is_empty() && first(params, "ContentSid").is_none() {
        return Err(bad_request(21602, "Message body is required."));
    }
    // The account has SMS/MMS senders only: a channel address (`whatsapp:+1…`, §2.2) names a
    // channel it has no sender on, and is never read as the phone number inside it.
    if let Some(from) = from.filter(|f| channel_of(f).is_some()) {
        return Err(bad_request(
            63007,
            format!("Twilio could not find a Channel with the specified From address: {from}"),
        ));
    }
    if let Some(channel) = channel_of(to) {
        return Err(bad_request(
            21910,
            format!("Invalid From and To pair. From and To should be of the same channel: To is a {channel} address, From an SMS sender."),
        ));
    }
    // Each number is parsed at most once: libphonenumber dominates a create's cost.
    let from = match (from, &credentials) {
        (None, _) => None,
        (Some(from), Credentials::Test) => {
            testcreds::check_from(from)?;
            Some(numbers::normalise(from))
        }
        (Some(from), Credentials::Live(owned)) => match owned(from) {
            Some(held) => Some(held),
            None if !numbers::is_valid(from) => {
                return Err(bad_request(
                    21212,
                    format!("The 'From' number {from} is not a valid phone number, shortcode, or alphanumeric sender ID."),
                ));
            }
            None => {
                return Err(bad_request(
                    21606,
                    format!("The From phone number {from} is not a valid, SMS-capable inbound phone number or short code for your account."),
                ));
            }
        },
    };
    if test {
        if let Some(e) = testcreds::check_to(to) {
            return Err(e);
        }
    }
    let Some(to_e164) = numbers::to_e164(to) else {
        return Err(bad_request(
            21211,
            format!("The 'To' number {to} is not a valid phone number."),
        ));
    };
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
    let status_callback = first(params, "StatusCallback");
    if let Some(cb) = status_callback {
        if !valid_status_callback(cb) {
            return Err(bad_request(
                21609,
                format!("Invalid 'StatusCallback': '{cb}' is not an http or https URL with a valid hostname."),
            ));
        }
    }
    if let Some(v) = first(params, "ValidityPeriod") {
        if !v.parse::<u32>().is_ok_and(|n| (1..=36000).contains(&n)) {
            return Err(bad_request(
                21624,
                format!(
                    "Invalid validity period value: '{v}' is not an integer between 1 and 36000."
                ),
            ));
        }
    }
    if let Some(v) = first(params, "ContentVariables") {
        if first(params, "ContentSid").is_none() {
            return Err(bad_request(
                21654,
                "A ContentSid must be specified if ContentVariables are provided.",
            ));
        }
        if !serde_json::from_str::<serde_json::Value>(v).is_ok_and(|j| j.is_object()) {
            return Err(bad_request(
                21656,
                format!("The ContentVariables Parameter is invalid: '{v}' is not a JSON object such as {{\"1\":\"Ada\"}}."),
            ));
        }
    }
    let smart = boolean(params, "SmartEncoded")?.unwrap_or(false);
    for name in [
        "ProvideFeedback",
        "ForceDelivery",
        "ShortenUrls",
        "SendAsMms",
    ] {
        boolean(params, name)?;
    }
    if let Some(v) = first(params, "Attempt") {
        v.parse::<u32>()
            .map_err(|_| invalid("Attempt", v, "an integer"))?;
    }
    if let Some(v) = first(params, "MaxPrice") {
        // `NaN`, `inf` and negative prices parse as f64 but are no price.
        v.trim()
            .parse::<f64>()
            .ok()
            .filter(|p| p.is_finite() && *p >= 0.0)
            .ok_or_else(|| {
                invalid(
                    "MaxPrice",
                    v,
                    "a price: a number of at least 0, such as 0.05",
                )
            })?;
    }
    for (name, allowed) in [
        ("ContentRetention", &["retain", "discard"][..]),
        ("AddressRetention", &["retain", "obfuscate"]),
        ("TrafficType", &["free"]),
        ("RiskCheck", &["enable", "disable"]),
    ] {
        if let Some(v) = first(params, name) {
            if !allowed.contains(&v) {
                return Err(invalid(name, v, &format!("one of {}", allowed.join(", "))));
            }
        }
    }
    for (name, prefix) in [
        ("MessagingServiceSid", "MG"),
        ("ApplicationSid", "AP"),
        ("ContentSid", "HX"),
    ] {
        if let Some(v) = first(params, name) {
            if !is_sid(v, prefix) {
                return Err(invalid(
                    name,
                    v,
                    &format!("{prefix} followed by 32 hexadecimal digits"),
                ));
            }
        }
    }
    if let Some(v) = first(params, "ScheduleType").filter(|v| *v != "fixed") {
        return Err(bad_request(
            35126,
            format!(
                "The ScheduleType value provided is not supported for this channel: '{v}' (the \
                 only one is 'fixed')"
            ),
        ));
    }
    let send_at = match first(params, "ScheduleType").filter(|_| !test) {
        Some(_) => {
            if service.is_none() {
                return Err(bad_request(
                    35118,
                    "MessagingServiceSid is required to schedule a message",
                ));
            }
            let raw = first(params, "SendAt").unwrap_or("");
            if raw.is_empty() {
                return Err(bad_request(35111, "SendAt timestamp is missing"));
            }
            let at = DateTime::parse_from_rfc3339(raw).map_err(|_| {
                bad_request(
                    35115,
                    format!(
                        "Scheduling does not support this timestamp: '{raw}' is not an ISO 8601 \
                         date-time in UTC such as 2024-01-02T15:04:05Z"
                    ),
                )
            })?;
            Some(at.with_timezone(&Utc))
        }
        None => None,
    };
    Ok(OutboundRequest {
        from,
        to: to_e164,
        body: if smart {
            segments::smart_encode(body)
        } else {
            body.to_owned()
        },
        media_urls,
        status_callback: status_callback.map(str::to_owned),
        messaging_service_sid: service.map(str::to_owned),
        send_at,
    })
}

/// Least time ahead a `SendAt` may be (Twilio's error 35115: "between 300 seconds and 35
/// days (3024000 seconds) in the future, inclusive").
pub(crate) const MIN_SCHEDULE_AHEAD: TimeDelta = TimeDelta::seconds(300);
/// Most time ahead a `SendAt` may be (35 days, Twilio's error 35115).
pub(crate) const MAX_SCHEDULE_AHEAD: TimeDelta = TimeDelta::days(35);

/// Checks that a `SendAt` is within Twilio's scheduling window, from [`MIN_SCHEDULE_AHEAD`] to
/// [`MAX_SCHEDULE_AHEAD`] after `now` (the simulator's clock), both inclusive.
///
/// # Errors
/// 35115 "Scheduling does not support this timestamp", with the window and how far `at` is.
pub(crate) fn schedule_window(at: DateTime<Utc>, now: DateTime<Utc>) -> Result<(), ApiError> {
    let ahead = at - now;
    if (MIN_SCHEDULE_AHEAD..=MAX_SCHEDULE_AHEAD).contains(&ahead) {
        return Ok(());
    }
    Err(bad_request(
        35115,
        format!(
            "Scheduling does not support this timestamp: SendAt {} is {} s from now; it must be \
             between 300 seconds and 35 days (3024000 seconds) in the future, inclusive",
            at.format("%Y-%m-%dT%H:%M:%SZ"),
            ahead.num_seconds()
        ),
    ))
}

/// Whether Twilio takes `cb` as a `StatusCallback`: an http(s) URL with "a valid hostname and
/// underscores are not allowed", of at most `MAX_CALLBACK_CHARS` characters. An app sends the
/// same one with every message, so each thread remembers the last it accepted (the URL
/// standard's parser was a tenth of a create's checks).
fn valid_status_callback(cb: &str) -> bool {
    thread_local! {
        static LAST_ACCEPTED: std::cell::RefCell<String> = const { std::cell::RefCell::new(String::new()) };
    }
    if LAST_ACCEPTED.with_borrow(|last| !last.is_empty() && last == cb) {
        return true;
    }
    let ok = http_url(cb).is_some_and(|u| u.host_str().is_some_and(|h| !h.contains('_')))
        && cb.chars().count() <= MAX_CALLBACK_CHARS;
    if ok {
        LAST_ACCEPTED.with_borrow_mut(|last| cb.clone_into(last));
    }
    ok
}

/// True for an absolute `http://` or `https://` URL with a host: what Twilio accepts for a
/// media URL, a `StatusCallback`, a number's or service's webhook URL, a TwiML reply's media.
pub(crate) fn is_http_url(s: &str) -> bool {
    http_url(s).is_some()
}

/// `s` parsed, when it is an absolute `http://` or `https://` URL with a non-empty host;
/// `None` for any other text.
fn http_url(s: &str) -> Option<url::Url> {
    url::Url::parse(s).ok().filter(|u| {
        matches!(u.scheme(), "http" | "https") && u.host_str().is_some_and(|h| !h.is_empty())
    })
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

    fn live(params: &[(&str, &str)]) -> Result<OutboundRequest, ApiError> {
        create_request(
            &p(params),
            Credentials::Live(&|n| (n == "+14155550100").then(|| n.to_owned())),
        )
    }

    fn code(params: &[(&str, &str)]) -> u32 {
        live(params).unwrap_err().code
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
    fn channel_addresses_are_refused_not_read_as_the_number_inside() {
        let whatsapp = [
            ("From", "whatsapp:+14155550100"),
            ("To", "whatsapp:+14155552671"),
            ("Body", "hi"),
        ];
        let e = live(&whatsapp).unwrap_err();
        assert_eq!((e.code, e.status), (63007, 400));
        assert!(e.message.contains("whatsapp:+14155550100"), "{}", e.message);
        let e = live(&[
            ("From", "+14155550100"),
            ("To", "whatsapp:+14155552671"),
            ("Body", "hi"),
        ])
        .unwrap_err();
        assert_eq!(e.code, 21910);
        assert!(e.message.contains("whatsapp"), "{}", e.message);
        assert_eq!(channel_of("messenger:1234"), Some("messenger"));
        let e = live(&[
            ("From", "+14155550100"),
            ("To", "WhatsApp:+14155552671"),
            ("Body", "hi"),
        ])
        .unwrap_err();
        assert_eq!(e.code, 21910, "any case");
        assert_eq!(channel_of("+14155552671"), None);
        assert_eq!(channel_of("Apple"), None);
    }

    const OK: [(&str, &str); 3] = [
        ("From", "+14155550100"),
        ("To", "+14155552671"),
        ("Body", "hi"),
    ];

    fn with<'a>(extra: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
        let mut pairs: Vec<(&str, &str)> = OK.to_vec();
        pairs.extend_from_slice(extra);
        pairs
    }

    fn code_with(extra: &[(&str, &str)]) -> Option<u32> {
        live(&with(extra)).err().map(|e| e.code)
    }

    #[test]
    fn every_documented_parameter_is_accepted() {
        let all = [
            ("StatusCallback", "https://example.com/status?x=1"),
            ("ApplicationSid", "APaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"),
            ("MaxPrice", "0.05"),
            ("ProvideFeedback", "true"),
            ("Attempt", "2"),
            ("ValidityPeriod", "36000"),
            ("ForceDelivery", "False"),
            ("ContentRetention", "discard"),
            ("AddressRetention", "obfuscate"),
            ("SmartEncoded", "false"),
            ("PersistentAction", "mailto:test@example.com"),
            ("PersistentAction", "geo:37.7,-122.4"),
            ("TrafficType", "free"),
            ("ShortenUrls", "true"),
            ("ScheduleType", "fixed"),
            ("SendAt", "2023-08-25T05:01:45Z"),
            ("SendAsMms", "true"),
            ("ContentVariables", "{\"1\":\"x\"}"),
            ("RiskCheck", "disable"),
            ("FallbackFrom", "+14155550100"),
            ("MessagingServiceSid", "MGaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"),
            ("MediaUrl", "https://x.test/a.png"),
            ("ContentSid", "HXaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"),
            ("Tags", "{\"campaign\": \"x\"}"),
            ("SomethingNew", "whatever"),
        ];
        let ok = live(&with(&all)).unwrap();
        assert_eq!(
            ok.send_at.map(|t| t.to_rfc3339()).as_deref(),
            Some("2023-08-25T05:01:45+00:00")
        );
        assert_eq!(
            ok.messaging_service_sid.as_deref(),
            Some("MGaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")
        );
        assert_eq!(ok.from.as_deref(), Some("+14155550100"));
    }

    const MG: &str = "MGaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";

    /// Twilio's window, both ends inclusive: 300 seconds to 35 days ahead (error 35115).
    #[test]
    fn a_send_at_is_taken_from_300_seconds_to_35_days_ahead() {
        let now = DateTime::parse_from_rfc3339("2026-01-05T09:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let code = |ahead: TimeDelta| schedule_window(now + ahead, now).err().map(|e| e.code);
        assert_eq!(code(TimeDelta::seconds(300)), None);
        assert_eq!(code(TimeDelta::days(35)), None);
        assert_eq!(code(TimeDelta::seconds(299)), Some(35115));
        assert_eq!(
            code(TimeDelta::days(35) + TimeDelta::seconds(1)),
            Some(35115)
        );
        assert_eq!(code(TimeDelta::seconds(-60)), Some(35115));
        let e = schedule_window(now + TimeDelta::seconds(60), now).unwrap_err();
        assert_eq!(
            e.message,
            "Scheduling does not support this timestamp: SendAt 2026-01-05T09:01:00Z is 60 s \
             from now; it must be between 300 seconds and 35 days (3024000 seconds) in the \
             future, inclusive"
        );
    }

    #[test]
    fn malformed_values_are_refused() {
        let cases: [(&[(&str, &str)], u32); 25] = [
            (&[("StatusCallback", "ftp://example.com/s")], 21609),
            (
                &[("StatusCallback", "https://my_host.example.com/s")],
                21609,
            ),
            (&[("StatusCallback", "/relative")], 21609),
            (&[("ContentVariables", "{\"1\":\"a\"}")], 21654),
            (
                &[
                    ("ContentSid", "HXaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"),
                    ("ContentVariables", "{bad"),
                ],
                21656,
            ),
            (&[("ValidityPeriod", "0")], 21624),
            (&[("ValidityPeriod", "36001")], 21624),
            (&[("ValidityPeriod", "ten")], 21624),
            (&[("SmartEncoded", "yes")], 20001),
            (&[("ShortenUrls", "1")], 20001),
            (&[("Attempt", "two")], 20001),
            (&[("MaxPrice", "cheap")], 20001),
            (&[("MaxPrice", "NaN")], 20001),
            (&[("MaxPrice", "inf")], 20001),
            (&[("MaxPrice", "-infinity")], 20001),
            (&[("MaxPrice", "-0.05")], 20001),
            (&[("ContentRetention", "keep")], 20001),
            (&[("TrafficType", "paid")], 20001),
            (&[("RiskCheck", "maybe")], 20001),
            (&[("MessagingServiceSid", "MG123")], 20001),
            // Scheduling (Twilio's error pages 35126, 35118, 35111, 35115).
            (&[("ScheduleType", "later")], 35126),
            (&[("ScheduleType", "fixed")], 35118),
            (
                &[
                    ("ScheduleType", "fixed"),
                    ("SendAt", "2030-01-01T00:00:00Z"),
                ],
                35118,
            ),
            (
                &[("ScheduleType", "fixed"), ("MessagingServiceSid", MG)],
                35111,
            ),
            (
                &[
                    ("ScheduleType", "fixed"),
                    ("MessagingServiceSid", MG),
                    ("SendAt", "tomorrow"),
                ],
                35115,
            ),
        ];
        for (extra, expected) in cases {
            assert_eq!(code_with(extra), Some(expected), "{extra:?}");
        }
        let long = format!("https://example.com/{}", "a".repeat(4000));
        assert_eq!(code_with(&[("StatusCallback", &long)]), Some(21609));
        assert_eq!(code_with(&[("SendAt", "garbage")]), None); // ignored without ScheduleType
    }

    /// The thread's last accepted `StatusCallback` is accepted again as it was, and only it.
    #[test]
    fn a_callback_accepted_before_does_not_open_the_door_to_another() {
        let good = "https://app.example.com/sms/status";
        for _ in 0..2 {
            assert_eq!(code_with(&[("StatusCallback", good)]), None);
        }
        assert_eq!(
            code_with(&[("StatusCallback", "https://app_example.com/sms/status")]),
            Some(21609)
        );
        assert_eq!(code_with(&[("StatusCallback", "/sms/status")]), Some(21609));
        assert_eq!(code_with(&[("StatusCallback", good)]), None);
    }

    #[test]
    fn messaging_service_makes_from_optional_and_smart_encoding_applies() {
        let ok = live(&[
            ("MessagingServiceSid", "MGaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"),
            ("To", "+14155552671"),
            ("Body", "“smart” — quotes…"),
            ("SmartEncoded", "TRUE"),
        ])
        .unwrap();
        assert_eq!(ok.from, None);
        assert_eq!(ok.body, "\"smart\" - quotes...");
        let plain = live(&[
            ("From", "+14155550100"),
            ("To", "+14155552671"),
            ("Body", "“smart”"),
        ])
        .unwrap();
        assert_eq!(plain.body, "“smart”");
        // Test credentials ignore MessagingServiceSid.
        let err = create_request(
            &p(&[
                ("MessagingServiceSid", "MGaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"),
                ("To", "+14155552671"),
                ("Body", "hi"),
            ]),
            Credentials::Test,
        )
        .unwrap_err();
        assert_eq!(err.code, 21603);
    }

    #[test]
    fn accepted_request_is_normalised() {
        let ok = live(&[
            ("From", "+14155550100"),
            ("To", "+1 (415) 555-2671"),
            ("Body", "hi"),
            ("MediaUrl", "https://x.test/a.png"),
            ("StatusCallback", "http://127.0.0.1:1/status"),
            ("SmartEncoded", "true"),
        ])
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
