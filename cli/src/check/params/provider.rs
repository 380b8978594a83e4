//! Typed parameters of the provider: other integrations, carriers, Twilio's faults, webhooks and status callbacks.

use std::str::FromStr;

use convsms::domain::phone::E164;
use convsms_sim::Strikes as Which;
use convsms_sim::{ApiFault, CallbackFault, CarrierProfile, FaultScope};
use cucumber::Parameter;

use super::{quoted_texts, take_quoted, unhonoured, unread, Duration, Unhonoured};

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

/// Which requests a fault rule strikes: `every …` (each one, drawing nothing), `the next …` or
/// `the next 3 …` (that many, then the rule is gone: one-off faults), or a share such as `2% of
/// …` (each request draws from the simulator's seeded generator, `Given Twilio draws its faults
/// from seed 7`), optionally only those `to or from "+14155550100"` (a number's rule wins over
/// the rule for every number).
#[derive(Clone, Debug, PartialEq)]
pub struct Strikes {
    /// A share in `[0, 1]` (1 for `every`), or the next `n`.
    pub which: Which,
    /// Where the rule applies: every message, or those to or from one number (E.164).
    pub scope: FaultScope,
}

/// `every …`, `the next [N] …` or a share, written `2%` or `2.5%`, then optionally ` to or from
/// "…"`. `$next` is the noun after `the next`, singular or plural (`sends?`).
macro_rules! strikes {
    ($every:literal, $share:literal, $next:literal) => {
        concat!(
            "(?:",
            $every,
            "|the next (?:[0-9]+ )?",
            $next,
            r"|[0-9]+(?:\.[0-9]+)?% of ",
            $share,
            r#")(?: to or from "[^"]+")?"#
        )
    };
}

impl Strikes {
    /// Reads `every …`, `the next [N] …` or `N% of …` (the noun already matched by the regex:
    /// `share` is its plural, which `the next` also takes in the singular, without its final
    /// `s`), then the optional scope, from the front of `rest`.
    fn take(rest: &mut &str, every: &str, share: &str) -> Result<Strikes, Unhonoured> {
        let which = if let Some(r) = rest.strip_prefix(every) {
            *rest = r;
            Which::Share(1.0)
        } else if let Some(r) = rest.strip_prefix("the next ") {
            let (n, r) = match r.split_once(' ') {
                Some((digits, after))
                    if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) =>
                {
                    let n: u32 = digits.parse().or_else(|_| {
                        unhonoured(format!("{digits} {share} are too many to count"))
                    })?;
                    (n, after)
                }
                _ => (1, r),
            };
            if n == 0 {
                return unhonoured(format!(
                    "'the next 0 {share}' strikes nothing: say how many, at least 1, or leave \
                     the step out"
                ));
            }
            let singular = share.strip_suffix('s').unwrap_or(share);
            *rest = r
                .strip_prefix(share)
                .or_else(|| r.strip_prefix(singular))
                .map_or_else(|| unread(r, share), Ok)?;
            Which::Next(n)
        } else {
            let (percent, r) = rest
                .split_once("% of ")
                .and_then(|(p, r)| Some((p, r.strip_prefix(share)?)))
                .map_or_else(|| unread(rest, "a share of requests"), Ok)?;
            let n: f64 = percent
                .parse()
                .or_else(|_| unhonoured(format!("{percent}% is not a share")))?;
            if n > 100.0 {
                return unhonoured(format!(
                    "{percent}% of {share} cannot be struck: a share is at most 100%"
                ));
            }
            *rest = r;
            Which::Share(n / 100.0)
        };
        let scope = match take_quoted(rest, " to or from ") {
            None => FaultScope::Global,
            Some(number) => FaultScope::Number(
                E164::parse(&number, None)
                    .map_err(|e| Unhonoured(format!("\"{number}\": {e}")))?
                    .as_str()
                    .to_owned(),
            ),
        };
        Ok(Strikes { which, scope })
    }
}

/// How Twilio's Messages API answers sends: `every send with HTTP 500` (or 429), the next ones
/// (`the next send with HTTP 429`, `the next 2 sends to or from "+14155550100" with HTTP
/// 500`), a share of them (`2% of sends with HTTP 429`; see [`Strikes`]), or `sends normally
/// again` (every such rule removed). `with HTTP 500 after creating the message` creates the
/// message (it goes out, its callbacks come) and answers the same 500: a create whose answer
/// was lost; `with no answer after creating the message` creates it and closes the
/// connection at once without an answer (what a reset or a timeout leaves a client, without
/// the wait).
#[derive(Clone, Debug)]
pub struct SendFault {
    /// The answer (`None`: sends are answered normally again, every rule removed).
    pub fault: Option<ApiFault>,
    /// Which sends get it.
    pub strikes: Strikes,
}
parameter!(
    SendFault,
    "api_fault",
    concat!(
        strikes!("every send", "sends", "sends?"),
        r" with (?:HTTP \d{3}|no answer)(?: after creating the message)?|sends normally again"
    )
);

impl FromStr for SendFault {
    type Err = Unhonoured;
    fn from_str(words: &str) -> Result<Self, Unhonoured> {
        let every = Strikes {
            which: Which::Share(1.0),
            scope: FaultScope::Global,
        };
        if words == "sends normally again" {
            return Ok(SendFault {
                fault: None,
                strikes: every,
            });
        }
        let mut rest = words;
        let strikes = Strikes::take(&mut rest, "every send", "sends")?;
        if rest == " with no answer after creating the message" {
            return Ok(SendFault {
                fault: Some(ApiFault::ResetAfterCreate),
                strikes,
            });
        }
        if rest == " with no answer" {
            return unhonoured(
                "'with no answer' needs 'after creating the message': the simulated Twilio \
                 closes the connection after the create (a lost answer); a send that never \
                 reaches it is a refused connection"
                    .to_owned(),
            );
        }
        let fault = match rest.strip_prefix(" with HTTP ") {
            Some("500") => ApiFault::ServerError,
            Some("500 after creating the message") => ApiFault::ServerErrorAfterCreate,
            Some("429") => ApiFault::RateLimit,
            Some(other) if other.ends_with(" after creating the message") => {
                return unhonoured(format!(
                    "only HTTP 500 can come after creating the message (a lost answer), not {}",
                    other.trim_end_matches(" after creating the message")
                ))
            }
            Some(other) => {
                return unhonoured(format!(
                    "the simulated Twilio can answer sends with HTTP 500 or 429, not {other}"
                ))
            }
            None => return unread(words, "a send fault"),
        };
        Ok(SendFault {
            fault: Some(fault),
            strikes,
        })
    }
}

/// How Twilio's message list (`GET …/Messages.json`, which the engine reads after a send whose
/// answer was lost) answers: `every message list with HTTP 500` (or 429), the next ones (`the
/// next message list with HTTP 500`, `the next 2 message lists to or from "+14155550100" with
/// HTTP 429`), a share of them (`10% of message lists with HTTP 500`; see [`Strikes`]), or
/// `message lists normally again` (every such rule removed). A number's rule strikes lists
/// filtered `To` or `From` it.
#[derive(Clone, Debug)]
pub struct ListFault {
    /// The answer (`None`: lists are answered normally again, every rule removed).
    pub fault: Option<ApiFault>,
    /// Which lists get it.
    pub strikes: Strikes,
}
parameter!(
    ListFault,
    "list_fault",
    concat!(
        strikes!("every message list", "message lists", "message lists?"),
        r" with HTTP \d{3}|message lists normally again"
    )
);

impl FromStr for ListFault {
    type Err = Unhonoured;
    fn from_str(words: &str) -> Result<Self, Unhonoured> {
        if words == "message lists normally again" {
            return Ok(ListFault {
                fault: None,
                strikes: Strikes {
                    which: Which::Share(1.0),
                    scope: FaultScope::Global,
                },
            });
        }
        let mut rest = words;
        let strikes = Strikes::take(&mut rest, "every message list", "message lists")?;
        let fault = match rest.strip_prefix(" with HTTP ") {
            Some("500") => ApiFault::ServerError,
            Some("429") => ApiFault::RateLimit,
            Some(other) => {
                return unhonoured(format!(
                    "the simulated Twilio can answer message lists with HTTP 500 or 429, not \
                     {other}"
                ))
            }
            None => return unread(words, "a message list fault"),
        };
        Ok(ListFault {
            fault: Some(fault),
            strikes,
        })
    }
}

/// What Twilio does to status callbacks: `drops every status callback`, `duplicates every
/// status callback`, `reorders status callbacks`, `delays every status callback by 120 seconds`,
/// to the next ones (`drops the next status callback`, `duplicates the next 2 status callbacks
/// to or from "+14155550100"`; a reorder counts only the non-final callbacks it holds back), or
/// to a share of them (`duplicates 3% of status callbacks`; see [`Strikes`]).
///
/// Only a delay takes a duration, in whole seconds: a duration on another fault, or a delay
/// without one, is refused rather than ignored.
#[derive(Clone, Debug)]
pub struct StatusCallbackFault {
    /// What happens to a struck callback.
    pub fault: CallbackFault,
    /// Which callbacks are struck.
    pub strikes: Strikes,
}
parameter!(
    StatusCallbackFault,
    "callback_fault",
    concat!(
        "(?:drops|duplicates|reorders|delays) (?:status callbacks?|",
        strikes!(
            "every status callbacks?",
            "status callbacks",
            "status callbacks?"
        ),
        ")(?: by ",
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
        let (verb, which) = fault
            .split_once(' ')
            .map_or_else(|| unread(words, "a status callback fault"), Ok)?;
        let mut rest = which;
        // `status callback(s)` and `every status callback(s)` say every one.
        let every = [
            "every status callbacks",
            "status callbacks",
            "status callback",
        ]
        .into_iter()
        .find_map(|form| rest.strip_prefix(form));
        let normal;
        if let Some(after) = every {
            normal = format!("every status callback{after}");
            rest = &normal;
        }
        let strikes = Strikes::take(&mut rest, "every status callback", "status callbacks")?;
        if !rest.is_empty() {
            return unread(words, "a status callback fault");
        }
        let fault = match (verb, by) {
            ("delays", Some(by)) => {
                let Duration(delta) = by.parse()?;
                let seconds = u32::try_from(delta.num_seconds())
                    .or_else(|_| unhonoured(format!("{by} is too long a delay")))?;
                CallbackFault::Delay { seconds }
            }
            ("delays", None) => {
                return unhonoured(
                    "say how long Twilio delays them, such as 'Twilio delays every status callback by 120 seconds'",
                )
            }
            (verb, Some(by)) => {
                return unhonoured(format!(
                    "Twilio {verb} status callbacks without delaying them, so 'by {by}' cannot be honoured: \
                     leave it out, or write 'Twilio delays {which} by {by}'"
                ))
            }
            ("drops", None) => CallbackFault::Drop,
            ("duplicates", None) => CallbackFault::Duplicate,
            ("reorders", None) => CallbackFault::Reorder,
            _ => return unread(words, "a status callback fault"),
        };
        Ok(StatusCallbackFault { fault, strikes })
    }
}

/// What Twilio does to the inbound-message webhook: `times out on every inbound webhook`, on the
/// next ones (`times out on the next inbound webhook`, `… the next 2 inbound webhooks`) or on a
/// share of them (`times out on 1% of inbound webhooks`), optionally `to or from "…"` (see
/// [`Strikes`]). A timed-out webhook reached the engine, which may have acted on it; its answer
/// is lost, as when it comes after Twilio's 15-second deadline (error 11200), and the handset's
/// text is refused with "timed out".
#[derive(Clone, Debug)]
pub struct InboundWebhookFault {
    /// Which webhooks time out.
    pub strikes: Strikes,
}
parameter!(
    InboundWebhookFault,
    "webhook_fault",
    concat!(
        "times out on ",
        strikes!(
            "every inbound webhook",
            "inbound webhooks",
            "inbound webhooks?"
        )
    )
);

impl FromStr for InboundWebhookFault {
    type Err = Unhonoured;
    fn from_str(words: &str) -> Result<Self, Unhonoured> {
        let mut rest = words
            .strip_prefix("times out on ")
            .map_or_else(|| unread(words, "a webhook fault"), Ok)?;
        let strikes = Strikes::take(&mut rest, "every inbound webhook", "inbound webhooks")?;
        if !rest.is_empty() {
            return unread(words, "a webhook fault");
        }
        Ok(InboundWebhookFault { strikes })
    }
}

/// An inbound webhook's signature: `the signature "…"` (that `X-Twilio-Signature` header, as
/// written) or `no signature` (as is `the signature ""`: no header is sent); or `Twilio's
/// signature of "…"`, the signature Twilio computes for a webhook of that body (the same URL,
/// numbers and MessageSid), under which the step posts another body: a webhook tampered with on
/// the way (PROVIDER-4).
#[derive(Clone, Debug, Parameter)]
#[param(
    name = "signature",
    regex = r#"the signature "[^"]*"|no signature|Twilio's signature of "[^"]*""#
)]
pub enum Signature {
    /// The header as written, or none.
    Header(Option<String>),
    /// Twilio's signature of a webhook with this body.
    SignedFor(String),
}

impl FromStr for Signature {
    type Err = Unhonoured;
    fn from_str(words: &str) -> Result<Self, Unhonoured> {
        let quoted = quoted_texts(words).into_iter().next();
        if words.starts_with("Twilio's") {
            return Ok(Signature::SignedFor(quoted.unwrap_or_default()));
        }
        Ok(Signature::Header(quoted.filter(|s| !s.is_empty())))
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
