//! The typed words of step sentences: every `{parameter}` of the step library's cucumber
//! expressions, with its regex and how its words read as a value.
//!
//! A parameter's regex decides what matches. Its `FromStr` takes the matched words apart and fails
//! only on words that match but cannot be honoured (a delay on a fault that takes none, an HTTP
//! status the simulated Twilio cannot answer), saying why; cucumber reports such a step as
//! "<argument> can not be parsed to <type>: <why>".
//!
//! Regex fragments several parameters share (the requester tables, a quoted text, a list, a time
//! unit) are macros written once here; the parameters built from them implement
//! [`cucumber::Parameter`] through [`parameter!`], as its derive takes a literal regex only.
//!
//! Parameters named `{…}` in the middle of a sentence never match an empty text. Those at the end
//! of a sentence and glued to the word before (`composes {string}{composition}`) are its optional
//! clauses: they match the empty text too, which reads as "none given".

use std::fmt;
use std::ops::Deref;
use std::str::FromStr;

use chrono::{NaiveTime, TimeDelta};
use convsms::domain::messaging_actions::{Action, Event};
use convsms::domain::model::{InteractionNumber, PartyTable};
use convsms::domain::work_assignment::Presence;
use convsms_sim::{ApiFault, CallbackFault, CarrierProfile};
use cucumber::Parameter;

// ----- Shared regex fragments and helpers ----------------------------------------------------

/// The words for a requester's table (see [`TABLES`]).
macro_rules! table_words {
    () => {
        "(?:sys_user|user|consumer|customer contact|contact)"
    };
}

/// A double-quoted, non-empty text.
macro_rules! quoted {
    () => {
        r#""[^"]+""#
    };
}

/// A requester record: table words and a quoted name, such as `consumer "Bea Brown"`.
macro_rules! requester {
    () => {
        concat!(table_words!(), " ", quoted!())
    };
}

/// Quoted texts joined by `, ` or ` and `.
macro_rules! quoted_list {
    () => {
        concat!(quoted!(), "(?:(?:, | and )", quoted!(), ")*")
    };
}

/// A whole number of seconds, minutes, hours or days.
macro_rules! duration {
    () => {
        r"\d+ (?:seconds?|minutes?|hours?|days?)"
    };
}

/// Implements [`cucumber::Parameter`] with a regex built from the fragments above.
macro_rules! parameter {
    ($ty:ty, $name:literal, $regex:expr) => {
        impl Parameter for $ty {
            const REGEX: &'static str = $regex;
            const NAME: &'static str = $name;
        }
    };
}

/// The table words of [`table_words!`] and the table each names.
pub const TABLES: &[(&str, PartyTable)] = &[
    ("sys_user", PartyTable::SysUser),
    ("user", PartyTable::SysUser),
    ("consumer", PartyTable::CsmConsumer),
    ("customer contact", PartyTable::CustomerContact),
    ("contact", PartyTable::CustomerContact),
];

/// Words that match a parameter but cannot be honoured. Its `Debug` is its message, as cucumber
/// shows a failed parse with `{:?}`.
pub struct Unhonoured(String);

impl fmt::Debug for Unhonoured {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Display for Unhonoured {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Unhonoured {}

fn unhonoured<T>(why: impl Into<String>) -> Result<T, Unhonoured> {
    Err(Unhonoured(why.into()))
}

/// For words the parameter's regex let through but its reading does not know: a bug here.
fn unread<T>(words: &str, what: &str) -> Result<T, Unhonoured> {
    unhonoured(format!("cannot read '{words}' as {what}"))
}

/// Takes `prefix` then a double-quoted text off the front of `rest`; returns the text.
fn take_quoted(rest: &mut &str, prefix: &str) -> Option<String> {
    let r = rest.strip_prefix(prefix)?.strip_prefix('"')?;
    let end = r.find('"')?;
    *rest = &r[end + 1..];
    Some(r[..end].to_owned())
}

/// Takes `prefix` then a word (up to the next space) off the front of `rest`.
fn take_word<'a>(rest: &mut &'a str, prefix: &str) -> Option<&'a str> {
    let r = rest.strip_prefix(prefix)?;
    let end = r.find(' ').unwrap_or(r.len());
    *rest = &r[end..];
    Some(&r[..end])
}

/// Takes a table word (a whole word) off the front of `rest`.
fn take_table(rest: &mut &str) -> Option<PartyTable> {
    TABLES.iter().find_map(|(word, table)| {
        let r = rest.strip_prefix(word)?;
        if r.is_empty() || r.starts_with(' ') {
            *rest = r;
            Some(*table)
        } else {
            None
        }
    })
}

/// Every double-quoted text of `words`, in order.
fn quoted_texts(words: &str) -> Vec<String> {
    words
        .split('"')
        .skip(1)
        .step_by(2)
        .map(str::to_owned)
        .collect()
}

/// An interaction number read from a word.
fn interaction_number(word: &str) -> Result<InteractionNumber, Unhonoured> {
    InteractionNumber::parse(word).map_err(|e| Unhonoured(e.to_string()))
}

// ----- Records ---------------------------------------------------------------------------------

/// A requester record by table and name: `sys_user "Ada Lovelace"`, `consumer "Bea Brown"`,
/// `customer contact "Cy Chen"` (also `user`, `contact`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Requester {
    /// Its table.
    pub table: PartyTable,
    /// Its name.
    pub name: String,
}
parameter!(Requester, "requester", requester!());

impl FromStr for Requester {
    type Err = Unhonoured;
    fn from_str(words: &str) -> Result<Self, Unhonoured> {
        let mut rest = words;
        match (take_table(&mut rest), take_quoted(&mut rest, " ")) {
            (Some(table), Some(name)) if rest.is_empty() => Ok(Requester { table, name }),
            _ => unread(words, "a requester"),
        }
    }
}

impl fmt::Display for Requester {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} \"{}\"", self.table.as_str(), self.name)
    }
}

impl Requester {
    /// As the engine takes it.
    pub fn as_pair(&self) -> (PartyTable, &str) {
        (self.table, &self.name)
    }
}

/// `nobody` or a [`Requester`].
#[derive(Clone, Debug)]
pub struct RequesterOrNobody(pub Option<Requester>);
parameter!(
    RequesterOrNobody,
    "requester_or_nobody",
    concat!("nobody|", requester!())
);

impl FromStr for RequesterOrNobody {
    type Err = Unhonoured;
    fn from_str(words: &str) -> Result<Self, Unhonoured> {
        match words {
            "nobody" => Ok(RequesterOrNobody(None)),
            _ => words.parse().map(|r| RequesterOrNobody(Some(r))),
        }
    }
}

/// `the guest user` (the sys_user named Guest) or a [`Requester`].
#[derive(Clone, Debug)]
pub struct RequesterOrGuest(pub Requester);
parameter!(
    RequesterOrGuest,
    "requester_or_guest",
    concat!("the guest user|", requester!())
);

impl FromStr for RequesterOrGuest {
    type Err = Unhonoured;
    fn from_str(words: &str) -> Result<Self, Unhonoured> {
        match words {
            "the guest user" => Ok(RequesterOrGuest(Requester {
                table: PartyTable::SysUser,
                name: "Guest".to_owned(),
            })),
            _ => words.parse().map(RequesterOrGuest),
        }
    }
}

/// A requester record to create: table words, then optionally a quoted name, `with mobile phone
/// "…"` and `located in "GB"`.
#[derive(Clone, Debug)]
pub struct NewRequester {
    /// Its table.
    pub table: PartyTable,
    /// Its name; made up when not given.
    pub name: Option<String>,
    /// Its mobile phone as written (national numbers are read in `country`).
    pub phone: Option<String>,
    /// Its country, ISO 3166-1 alpha-2.
    pub country: Option<String>,
}
parameter!(
    NewRequester,
    "new_requester",
    concat!(
        table_words!(),
        "(?: ",
        quoted!(),
        ")?(?: with mobile phone ",
        quoted!(),
        r#")?(?: located in "[A-Za-z]{2}")?"#
    )
);

impl FromStr for NewRequester {
    type Err = Unhonoured;
    fn from_str(words: &str) -> Result<Self, Unhonoured> {
        let mut rest = words;
        let Some(table) = take_table(&mut rest) else {
            return unread(words, "a requester");
        };
        let new = NewRequester {
            table,
            name: take_quoted(&mut rest, " "),
            phone: take_quoted(&mut rest, " with mobile phone "),
            country: take_quoted(&mut rest, " located in "),
        };
        if rest.is_empty() {
            Ok(new)
        } else {
            unread(words, "a requester")
        }
    }
}

/// `no mobile phone` or `mobile phone "…"`.
#[derive(Clone, Debug)]
pub struct MobilePhone(pub Option<String>);
parameter!(
    MobilePhone,
    "mobile_phone",
    concat!("no mobile phone|mobile phone ", quoted!())
);

impl FromStr for MobilePhone {
    type Err = Unhonoured;
    fn from_str(words: &str) -> Result<Self, Unhonoured> {
        Ok(MobilePhone(quoted_texts(words).into_iter().next()))
    }
}

/// `open` or `resolved`: a customer service case's state.
#[derive(Clone, Copy, Debug, Parameter)]
#[param(name = "case_state", regex = "open|resolved")]
pub struct CaseState(pub &'static str);

impl FromStr for CaseState {
    type Err = Unhonoured;
    fn from_str(words: &str) -> Result<Self, Unhonoured> {
        match words {
            "open" => Ok(CaseState("open")),
            "resolved" => Ok(CaseState("resolved")),
            _ => unread(words, "a case state"),
        }
    }
}

// ----- Numbers, counts, time -------------------------------------------------------------------

/// An interaction number, such as `IMS0001001`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InteractionNo(pub InteractionNumber);

impl Deref for InteractionNo {
    type Target = InteractionNumber;
    fn deref(&self) -> &InteractionNumber {
        &self.0
    }
}
parameter!(InteractionNo, "interaction", r"\S+");

impl FromStr for InteractionNo {
    type Err = Unhonoured;
    fn from_str(words: &str) -> Result<Self, Unhonoured> {
        interaction_number(words).map(InteractionNo)
    }
}

/// A count: a whole number or `no` (zero).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Parameter)]
#[param(name = "count", regex = r"\d+|no")]
pub struct Count(pub usize);

impl FromStr for Count {
    type Err = Unhonoured;
    fn from_str(words: &str) -> Result<Self, Unhonoured> {
        match words {
            "no" => Ok(Count(0)),
            n => n
                .parse()
                .map(Count)
                .or_else(|_| unhonoured(format!("{n} is too large a count"))),
        }
    }
}

/// A duration: `30 seconds`, `1 minute`, `2 hours`, `3 days`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Duration(pub TimeDelta);
parameter!(Duration, "duration", duration!());

impl FromStr for Duration {
    type Err = Unhonoured;
    fn from_str(words: &str) -> Result<Self, Unhonoured> {
        let Some((n, unit)) = words.split_once(' ') else {
            return unread(words, "a duration");
        };
        let too_long = || Unhonoured(format!("{words} is too long a time"));
        let n: i64 = n.parse().map_err(|_| too_long())?;
        let delta = match unit.trim_end_matches('s') {
            "second" => TimeDelta::try_seconds(n),
            "minute" => TimeDelta::try_minutes(n),
            "hour" => TimeDelta::try_hours(n),
            "day" => TimeDelta::try_days(n),
            _ => return unread(words, "a duration"),
        };
        delta.map(Duration).ok_or_else(too_long)
    }
}

/// A time of day on the scenario's clock (UTC), quoted: `"09:10:00"`.
#[derive(Clone, Copy, Debug, Parameter)]
#[param(name = "time_of_day", regex = r#""\d\d:\d\d:\d\d""#)]
pub struct TimeOfDay(pub NaiveTime);

impl FromStr for TimeOfDay {
    type Err = Unhonoured;
    fn from_str(words: &str) -> Result<Self, Unhonoured> {
        let text = words.trim_matches('"');
        NaiveTime::parse_from_str(text, "%H:%M:%S")
            .map(TimeOfDay)
            .or_else(|_| unhonoured(format!("{text} is not a time of day (HH:MM:SS)")))
    }
}

/// Quoted texts joined by `, ` or ` and `: `"+14155550100" and "+14155550101"`.
#[derive(Clone, Debug)]
pub struct List(pub Vec<String>);
parameter!(List, "list", quoted_list!());

impl FromStr for List {
    type Err = Unhonoured;
    fn from_str(words: &str) -> Result<Self, Unhonoured> {
        Ok(List(quoted_texts(words)))
    }
}

// ----- The provider and Twilio's faults --------------------------------------------------------

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

/// An inbound webhook's signature: `the signature "…"` or `no signature`.
#[derive(Clone, Debug, Parameter)]
#[param(name = "signature", regex = r#"the signature "[^"]*"|no signature"#)]
pub struct Signature(pub Option<String>);

impl FromStr for Signature {
    type Err = Unhonoured;
    fn from_str(words: &str) -> Result<Self, Unhonoured> {
        Ok(Signature(quoted_texts(words).into_iter().next()))
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

// ----- Conversations ---------------------------------------------------------------------------

/// An optional clause `with the image "…"` or `with the file "…"`: a media URL.
#[derive(Clone, Debug, Parameter)]
#[param(name = "media", regex = r#"(?: with the (?:image|file) "[^"]+")?"#)]
pub struct Media(pub Vec<String>);

impl FromStr for Media {
    type Err = Unhonoured;
    fn from_str(words: &str) -> Result<Self, Unhonoured> {
        Ok(Media(quoted_texts(words)))
    }
}

/// Who an interaction is assigned to: `the virtual agent`, `agent "alice"` or `nobody`; as a
/// user_name (`virtual.agent` for the virtual agent).
#[derive(Clone, Debug, Parameter)]
#[param(name = "assignee", regex = r#"the virtual agent|agent "[^"]+"|nobody"#)]
pub struct Assignee(pub Option<String>);

impl FromStr for Assignee {
    type Err = Unhonoured;
    fn from_str(words: &str) -> Result<Self, Unhonoured> {
        Ok(Assignee(match words {
            "the virtual agent" => Some("virtual.agent".to_owned()),
            "nobody" => None,
            _ => quoted_texts(words).into_iter().next(),
        }))
    }
}

/// A live group profile: `"alice, bob"` (user_names) or `empty`.
#[derive(Clone, Debug, Parameter)]
#[param(name = "group", regex = r#""[^"]*"|empty"#)]
pub struct Group(pub Vec<String>);

impl FromStr for Group {
    type Err = Unhonoured;
    fn from_str(words: &str) -> Result<Self, Unhonoured> {
        Ok(Group(
            words
                .trim_matches('"')
                .split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty() && *s != "empty")
                .map(str::to_owned)
                .collect(),
        ))
    }
}

// ----- Compose SMS -----------------------------------------------------------------------------

/// The optional clauses of opening Compose SMS: ` on interaction IMS0001001`, then ` for
/// consumer "Bea Brown"`.
#[derive(Clone, Debug, Default)]
pub struct ComposeScope {
    /// The interaction the agent opens it from.
    pub interaction: Option<InteractionNumber>,
    /// The requester it is opened for.
    pub requester: Option<Requester>,
}
parameter!(
    ComposeScope,
    "compose_scope",
    concat!(r"(?: on interaction \S+)?(?: for ", requester!(), ")?")
);

impl FromStr for ComposeScope {
    type Err = Unhonoured;
    fn from_str(words: &str) -> Result<Self, Unhonoured> {
        let mut rest = words;
        let interaction = take_word(&mut rest, " on interaction ")
            .map(interaction_number)
            .transpose()?;
        let requester = rest.strip_prefix(" for ").map(str::parse).transpose()?;
        if requester.is_none() && !rest.is_empty() {
            return unread(words, "where Compose SMS is opened");
        }
        Ok(ComposeScope {
            interaction,
            requester,
        })
    }
}

/// The optional clauses of a Compose SMS send, in this order: ` with the attachment "photo.png"
/// of type "image/png"`, ` on interaction IMS0001001`, ` from "+14155550100"`, ` to "(415)
/// 555-2671"`, ` for consumer "Bea Brown"`.
#[derive(Clone, Debug, Default)]
pub struct Composition {
    /// The attachment: (file name, content type).
    pub attachment: Option<(String, String)>,
    /// The interaction the agent composes from.
    pub interaction: Option<InteractionNumber>,
    /// The From number as typed.
    pub from: Option<String>,
    /// The To number as typed ("Other"); the default To when `None`.
    pub to: Option<String>,
    /// The requester composed for.
    pub requester: Option<Requester>,
}
parameter!(
    Composition,
    "composition",
    concat!(
        "(?: with the attachment ",
        quoted!(),
        " of type ",
        quoted!(),
        r")?(?: on interaction \S+)?(?: from ",
        quoted!(),
        ")?(?: to ",
        quoted!(),
        ")?(?: for ",
        requester!(),
        ")?"
    )
);

impl FromStr for Composition {
    type Err = Unhonoured;
    fn from_str(words: &str) -> Result<Self, Unhonoured> {
        let mut rest = words;
        let attachment = match take_quoted(&mut rest, " with the attachment ") {
            Some(file) => match take_quoted(&mut rest, " of type ") {
                Some(content_type) => Some((file, content_type)),
                None => return unread(words, "an attachment"),
            },
            None => None,
        };
        let interaction = take_word(&mut rest, " on interaction ")
            .map(interaction_number)
            .transpose()?;
        let from = take_quoted(&mut rest, " from ");
        let to = take_quoted(&mut rest, " to ");
        let requester = rest.strip_prefix(" for ").map(str::parse).transpose()?;
        if requester.is_none() && !rest.is_empty() {
            return unread(words, "a Compose SMS send");
        }
        Ok(Composition {
            attachment,
            interaction,
            from,
            to,
            requester,
        })
    }
}

/// What the Compose SMS form shows as ongoing: `the ongoing interaction IMS0001001` or `no
/// ongoing interaction`.
#[derive(Clone, Debug, Parameter)]
#[param(
    name = "ongoing",
    regex = r"the ongoing interaction \S+|no ongoing interaction"
)]
pub struct Ongoing(pub Option<InteractionNumber>);

impl FromStr for Ongoing {
    type Err = Unhonoured;
    fn from_str(words: &str) -> Result<Self, Unhonoured> {
        match words.strip_prefix("the ongoing interaction ") {
            Some(n) => interaction_number(n).map(|n| Ongoing(Some(n))),
            None => Ok(Ongoing(None)),
        }
    }
}

/// A warning shown to the agent: `the warning "…"` (any part of it) or `no warning`.
#[derive(Clone, Debug, Parameter)]
#[param(name = "warning", regex = r#"the warning "[^"]+"|no warning"#)]
pub struct Warning(pub Option<String>);

impl FromStr for Warning {
    type Err = Unhonoured;
    fn from_str(words: &str) -> Result<Self, Unhonoured> {
        Ok(Warning(quoted_texts(words).into_iter().next()))
    }
}

// ----- ServiceNow's validation endpoints -------------------------------------------------------

/// An optional clause ` for consumer "Bea Brown"`.
#[derive(Clone, Debug, Parameter)]
#[param(name = "for_consumer", regex = r#"(?: for consumer "[^"]+")?"#)]
pub struct ForConsumer(pub Option<String>);

impl FromStr for ForConsumer {
    type Err = Unhonoured;
    fn from_str(words: &str) -> Result<Self, Unhonoured> {
        Ok(ForConsumer(quoted_texts(words).into_iter().next()))
    }
}

/// An optional clause ` in region "GB"`.
#[derive(Clone, Debug, Parameter)]
#[param(name = "in_region", regex = r#"(?: in region "[^"]+")?"#)]
pub struct InRegion(pub Option<String>);

impl FromStr for InRegion {
    type Err = Unhonoured;
    fn from_str(words: &str) -> Result<Self, Unhonoured> {
        Ok(InRegion(quoted_texts(words).into_iter().next()))
    }
}

// ----- Switches --------------------------------------------------------------------------------

/// `on` or `off`.
#[derive(Clone, Copy, Debug, Parameter)]
#[param(name = "on_off", regex = "on|off")]
pub struct Switch(pub bool);

impl FromStr for Switch {
    type Err = Unhonoured;
    fn from_str(words: &str) -> Result<Self, Unhonoured> {
        Ok(Switch(words == "on"))
    }
}

/// `active` or `inactive`.
#[derive(Clone, Copy, Debug, Parameter)]
#[param(name = "activity", regex = "active|inactive")]
pub struct Activity(pub bool);

impl FromStr for Activity {
    type Err = Unhonoured;
    fn from_str(words: &str) -> Result<Self, Unhonoured> {
        Ok(Activity(words == "active"))
    }
}

/// `with` or `without` (a new message).
#[derive(Clone, Copy, Debug, Parameter)]
#[param(name = "with_or_without", regex = "with|without")]
pub struct NewMessage(pub bool);

impl FromStr for NewMessage {
    type Err = Unhonoured;
    fn from_str(words: &str) -> Result<Self, Unhonoured> {
        Ok(NewMessage(words == "with"))
    }
}

/// `receives` or `does not receive`.
#[derive(Clone, Copy, Debug, Parameter)]
#[param(name = "receives", regex = "receives|does not receive")]
pub struct Receives(pub bool);

impl FromStr for Receives {
    type Err = Unhonoured;
    fn from_str(words: &str) -> Result<Self, Unhonoured> {
        Ok(Receives(words == "receives"))
    }
}

// ----- The virtual agent -----------------------------------------------------------------------

/// Where a conversation waits: `topic "order_status" at node "ask_need"` or `no topic`.
#[derive(Clone, Debug, Parameter)]
#[param(
    name = "topic_position",
    regex = r#"topic "[^"]+" at node "[^"]+"|no topic"#
)]
pub struct TopicPosition(pub Option<(String, String)>);

impl FromStr for TopicPosition {
    type Err = Unhonoured;
    fn from_str(words: &str) -> Result<Self, Unhonoured> {
        match quoted_texts(words).as_slice() {
            [topic, node] => Ok(TopicPosition(Some((topic.clone(), node.clone())))),
            [] => Ok(TopicPosition(None)),
            _ => unread(words, "a topic position"),
        }
    }
}

// ----- Messaging actions -----------------------------------------------------------------------

/// `a messaging action` (active) or `an inactive messaging action`.
#[derive(Clone, Copy, Debug, Parameter)]
#[param(
    name = "a_messaging_action",
    regex = "an? messaging action|an inactive messaging action"
)]
pub struct NewAction {
    /// Whether it is active.
    pub active: bool,
}

impl FromStr for NewAction {
    type Err = Unhonoured;
    fn from_str(words: &str) -> Result<Self, Unhonoured> {
        Ok(NewAction {
            active: !words.contains("inactive"),
        })
    }
}

/// A messaging action's event, quoted: `"requester message without agent response"` or `"agent
/// message without requester response"`.
#[derive(Clone, Copy, Debug, Parameter)]
#[param(
    name = "event",
    regex = r#""(?:requester message without agent response|agent message without requester response)""#
)]
pub struct ActionEvent(pub Event);

impl FromStr for ActionEvent {
    type Err = Unhonoured;
    fn from_str(words: &str) -> Result<Self, Unhonoured> {
        match words.trim_matches('"') {
            "requester message without agent response" => {
                Ok(ActionEvent(Event::RequesterWithoutAgentResponse))
            }
            "agent message without requester response" => {
                Ok(ActionEvent(Event::AgentWithoutRequesterResponse))
            }
            _ => unread(words, "a messaging action's event"),
        }
    }
}

/// What a messaging action does: `prompts the agent "…"`, `prompts the requester "…"`,
/// `reassigns`, `sets state "on_hold"`.
#[derive(Clone, Debug, Parameter)]
#[param(
    name = "effect",
    regex = r#"prompts the agent "[^"]*"|prompts the requester "[^"]*"|reassigns|sets state "[^"]*""#
)]
pub struct Effect(pub Action);

impl FromStr for Effect {
    type Err = Unhonoured;
    fn from_str(words: &str) -> Result<Self, Unhonoured> {
        let text = quoted_texts(words).into_iter().next().unwrap_or_default();
        Ok(Effect(if words.starts_with("prompts the agent") {
            Action::PromptAgent { text }
        } else if words.starts_with("prompts the requester") {
            Action::PromptRequester { text }
        } else if words == "reassigns" {
            Action::Reassign
        } else {
            Action::SetState { state: text }
        }))
    }
}

/// An optional clause ` where "state=work_in_progress"`: an encoded query (an empty one is none).
#[derive(Clone, Debug, Parameter)]
#[param(name = "where", regex = r#"(?: where "[^"]*")?"#)]
pub struct Where(pub Option<String>);

impl FromStr for Where {
    type Err = Unhonoured;
    fn from_str(words: &str) -> Result<Self, Unhonoured> {
        Ok(Where(
            quoted_texts(words)
                .into_iter()
                .next()
                .filter(|q| !q.is_empty()),
        ))
    }
}

// ----- Advanced Work Assignment ----------------------------------------------------------------

/// An agent's presence on the SMS channel: `available`, `away` or `offline`.
#[derive(Clone, Copy, Debug, Parameter)]
#[param(name = "presence", regex = "available|away|offline")]
pub struct AgentPresence(pub Presence);

impl FromStr for AgentPresence {
    type Err = Unhonoured;
    fn from_str(words: &str) -> Result<Self, Unhonoured> {
        match Presence::parse(words) {
            Some(p) => Ok(AgentPresence(p)),
            None => unread(words, "a presence"),
        }
    }
}

/// An optional clause ` in order 10`: a queue's order.
#[derive(Clone, Copy, Debug, Parameter)]
#[param(name = "in_order", regex = r"(?: in order -?\d+)?")]
pub struct InOrder(pub Option<i32>);

impl FromStr for InOrder {
    type Err = Unhonoured;
    fn from_str(words: &str) -> Result<Self, Unhonoured> {
        match words.strip_prefix(" in order ") {
            None => Ok(InOrder(None)),
            Some(n) => n
                .parse()
                .map(|n| InOrder(Some(n)))
                .or_else(|_| unhonoured(format!("{n} is too large a queue order"))),
        }
    }
}

/// An optional clause ` with agent "bob"` or ` with agents "bob", "carol"`.
#[derive(Clone, Debug)]
pub struct WithAgents(pub Vec<String>);
parameter!(
    WithAgents,
    "with_agents",
    concat!("(?: with agents? ", quoted_list!(), ")?")
);

impl FromStr for WithAgents {
    type Err = Unhonoured;
    fn from_str(words: &str) -> Result<Self, Unhonoured> {
        Ok(WithAgents(quoted_texts(words)))
    }
}

/// `accepts` or `rejects` (a work item).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Parameter)]
#[param(name = "verdict", regex = "accepts|rejects")]
pub enum Verdict {
    /// The agent takes it.
    Accept,
    /// The agent declines it.
    Reject,
}

impl FromStr for Verdict {
    type Err = Unhonoured;
    fn from_str(words: &str) -> Result<Self, Unhonoured> {
        Ok(if words == "accepts" {
            Verdict::Accept
        } else {
            Verdict::Reject
        })
    }
}

/// Which work item: `offered work item` (the only one offered) or `work item for IMS0001001`.
#[derive(Clone, Debug, Parameter)]
#[param(name = "offer", regex = r"offered work item|work item for \S+")]
pub struct Offer(pub Option<InteractionNumber>);

impl FromStr for Offer {
    type Err = Unhonoured;
    fn from_str(words: &str) -> Result<Self, Unhonoured> {
        match words.strip_prefix("work item for ") {
            Some(n) => interaction_number(n).map(|n| Offer(Some(n))),
            None => Ok(Offer(None)),
        }
    }
}

/// What a Workspace Inbox holds: `offers IMS0001001 and IMS0001002` or `is empty`.
#[derive(Clone, Debug, Parameter)]
#[param(name = "inbox", regex = r"offers \S+(?:(?:, | and )\S+)*|is empty")]
pub struct InboxOffers(pub Vec<InteractionNumber>);

impl FromStr for InboxOffers {
    type Err = Unhonoured;
    fn from_str(words: &str) -> Result<Self, Unhonoured> {
        let list = words.strip_prefix("offers ").unwrap_or_default();
        list.replace(" and ", ", ")
            .split(", ")
            .filter(|s| !s.is_empty())
            .map(interaction_number)
            .collect::<Result<_, _>>()
            .map(InboxOffers)
    }
}

/// An agent's workspace notification: `the workspace notification "…" for IMS0001001` or `no
/// workspace notification`.
#[derive(Clone, Debug, Parameter)]
#[param(
    name = "notification",
    regex = r#"the workspace notification "[^"]+" for \S+|no workspace notification"#
)]
pub struct Notification(pub Option<(String, InteractionNumber)>);

impl FromStr for Notification {
    type Err = Unhonoured;
    fn from_str(words: &str) -> Result<Self, Unhonoured> {
        let mut rest = words;
        match take_quoted(&mut rest, "the workspace notification ") {
            None => Ok(Notification(None)),
            Some(text) => match rest.strip_prefix(" for ") {
                Some(n) => interaction_number(n).map(|n| Notification(Some((text, n)))),
                None => unread(words, "a workspace notification"),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matches<P: Parameter>(words: &str) -> bool {
        regex::Regex::new(&format!("^(?:{})$", P::REGEX))
            .unwrap()
            .is_match(words)
    }

    #[test]
    fn every_table_word_is_in_the_regex_and_reads_as_its_table() {
        let alternation = table_words!()
            .trim_start_matches("(?:")
            .trim_end_matches(')');
        let words: Vec<&str> = alternation.split('|').collect();
        assert_eq!(words.len(), TABLES.len());
        for (word, table) in TABLES {
            assert!(words.contains(word), "{word} is not in table_words!");
            let text = format!("{word} \"Bea Brown\"");
            assert!(matches::<Requester>(&text), "{text}");
            let r: Requester = text.parse().unwrap();
            assert_eq!((r.table, r.name.as_str()), (*table, "Bea Brown"));
        }
    }

    #[test]
    fn optional_clauses_read_as_none_when_absent() {
        for (words, ok) in [("", true), (" on interaction IMS0001001", true)] {
            assert_eq!(matches::<ComposeScope>(words), ok);
        }
        let c: Composition = "".parse().unwrap();
        assert!(c.attachment.is_none() && c.to.is_none() && c.requester.is_none());
        let c: Composition =
            r#" with the attachment "a.png" of type "image/png" on interaction IMS0001001 from "+1" to "(415) 555-2671" for customer contact "Cy Chen""#
                .parse()
                .unwrap();
        assert_eq!(c.attachment, Some(("a.png".into(), "image/png".into())));
        assert_eq!(c.interaction.unwrap().as_str(), "IMS0001001");
        assert_eq!(c.from.as_deref(), Some("+1"));
        assert_eq!(c.to.as_deref(), Some("(415) 555-2671"));
        assert_eq!(c.requester.unwrap().table, PartyTable::CustomerContact);
        assert_eq!("".parse::<ErrorCode>().unwrap().0, None);
        assert_eq!(
            " with error 30003".parse::<ErrorCode>().unwrap().0,
            Some(30003)
        );
    }

    #[test]
    fn durations_and_counts() {
        for (words, secs) in [
            ("1 second", 1),
            ("30 seconds", 30),
            ("1 minute", 60),
            ("2 hours", 7200),
            ("3 days", 259_200),
        ] {
            assert!(matches::<Duration>(words), "{words}");
            assert_eq!(words.parse::<Duration>().unwrap().0.num_seconds(), secs);
        }
        assert!(!matches::<Duration>("5 fortnights"));
        assert_eq!("no".parse::<Count>().unwrap(), Count(0));
        assert_eq!("3".parse::<Count>().unwrap(), Count(3));
    }

    #[test]
    fn a_callback_fault_uses_its_delay_or_refuses_one() {
        let fault = |w: &str| w.parse::<StatusCallbackFault>().map(|f| f.0);
        assert_eq!(
            fault("delays every status callback by 120 seconds").unwrap(),
            CallbackFault::Delay { seconds: 120 }
        );
        assert_eq!(
            fault("delays every status callback by 2 minutes").unwrap(),
            CallbackFault::Delay { seconds: 120 }
        );
        assert_eq!(
            fault("reorders status callbacks").unwrap(),
            CallbackFault::Reorder
        );
        assert_eq!(
            fault("drops every status callback").unwrap(),
            CallbackFault::Drop
        );
        let words = "reorders status callbacks by 5 seconds";
        assert!(matches::<StatusCallbackFault>(words));
        let refused = fault(words).unwrap_err().to_string();
        assert!(
            refused.contains("'by 5 seconds' cannot be honoured"),
            "{refused}"
        );
        assert!(fault("delays every status callback").is_err());
        assert!(fault("delays every status callback by 100000 days").is_err());
    }

    #[test]
    fn an_unanswerable_http_status_is_refused() {
        assert!(matches::<SendFault>("every send with HTTP 503"));
        let refused = "every send with HTTP 503".parse::<SendFault>().unwrap_err();
        assert!(refused.to_string().contains("500 or 429, not 503"));
    }
}
