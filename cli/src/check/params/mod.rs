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
//! Parameters several concepts use are here; the others are in `params/<concept>.rs`, named as
//! the step files that use them, and re-exported.
//!
//! Parameters named `{…}` in the middle of a sentence never match an empty text. Those at the end
//! of a sentence and glued to the word before (`composes {string}{composition}`) are its optional
//! clauses: they match the empty text too, which reads as "none given".

use std::fmt;
use std::ops::Deref;
use std::str::FromStr;

use chrono::TimeDelta;
use convsms::domain::model::{InteractionNumber, PartyTable};
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

/// A whole number (or `a`, `an`: one) and a word: a duration in seconds, minutes, hours, days or
/// weeks, or several joined by `, ` or ` and ` (`1 week and 2 days`). Any word
/// matches, so that another unit (`90 mins`) is refused naming the units ([`Duration`]'s
/// reading) rather than left to "no step matches", wherever a duration is written.
macro_rules! duration {
    () => {
        r"(?:(?:\d+|an?) [A-Za-z]+(?:(?:, | and )(?:\d+|an?) [A-Za-z]+)*)"
    };
}

/// Implements [`cucumber::Parameter`] with a regex built from the fragments above.
macro_rules! parameter {
    ($ty:ty, $name:literal, $regex:expr) => {
        impl cucumber::Parameter for $ty {
            const REGEX: &'static str = $regex;
            const NAME: &'static str = $name;
        }
    };
}

mod actions;
mod compose;
mod conversation;
mod inbox;
mod people;
mod phone;
mod profiles;
mod provider;
mod routing;
mod virtual_agent;

pub use actions::*;
pub use compose::*;
pub use conversation::*;
pub use inbox::*;
pub use people::*;
pub use phone::*;
pub use profiles::*;
pub use provider::*;
pub use routing::*;
pub use virtual_agent::*;

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
    // The closing quote is the first one no backslash escapes (`\"` is a quote in the text).
    let mut escaped = false;
    let end = r.char_indices().find_map(|(i, c)| {
        let closes = c == '"' && !escaped;
        escaped = c == '\\' && !escaped;
        closes.then_some(i)
    })?;
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

// ----- Shared by several concepts ---------------------------------------------------------

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

/// A duration: `30 seconds`, `1 minute`, `an hour`, `2 hours`, `a day`, `3 days`, `2 weeks` (7
/// days each), or their sum, joined by `, ` or ` and ` (`1 week and 2 days`, `1 day, 2 hours
/// and 30 minutes`). Its
/// pattern takes any word after the number, so that another unit (`90 mins`) is refused naming
/// the units rather than left to "no step matches".
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Duration(pub TimeDelta);
parameter!(Duration, "duration", duration!());

impl FromStr for Duration {
    type Err = Unhonoured;
    fn from_str(words: &str) -> Result<Self, Unhonoured> {
        let parts: Vec<&str> = words.split(", ").flat_map(|p| p.split(" and ")).collect();
        if parts.len() > 1 {
            let mut sum = TimeDelta::zero();
            for part in parts {
                let Duration(d) = part.parse()?;
                sum = sum
                    .checked_add(&d)
                    .ok_or_else(|| Unhonoured(format!("{words} is too long a time")))?;
            }
            return Ok(Duration(sum));
        }
        let Some((n, unit)) = words.split_once(' ') else {
            return unread(words, "a duration");
        };
        let too_long = || Unhonoured(format!("{words} is too long a time"));
        let n: i64 = match n {
            "a" | "an" => 1,
            n => n.parse().map_err(|_| too_long())?,
        };
        let delta = match unit.trim_end_matches('s') {
            "second" => TimeDelta::try_seconds(n),
            "minute" => TimeDelta::try_minutes(n),
            "hour" => TimeDelta::try_hours(n),
            "day" => TimeDelta::try_days(n),
            "week" => TimeDelta::try_weeks(n),
            _ => {
                return unhonoured(format!(
                    "'{unit}' is not a unit of time; the units are second(s), minute(s), \
                     hour(s), day(s) and week(s)"
                ))
            }
        };
        delta.map(Duration).ok_or_else(too_long)
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

// ----- The words, for the catalogue ------------------------------------------------------------

/// A parameter's words as `convsms steps` shows them: every form it takes and the words it matches
/// but refuses, with the refusal computed by its reading (so the text shown is the text a failing
/// step prints).
///
/// The catalogue's tests check that every form matches the regex and reads, that every refused
/// word matches the regex and is refused, and that the forms take every alternative and every
/// optional part of the regex (those of a shared fragment once, in its owner's entry: see
/// [`FRAGMENTS`]).
pub struct Words {
    /// Its name in step expressions, such as `requester` for `{requester}`.
    pub name: &'static str,
    /// What it stands for, in a few words.
    pub about: &'static str,
    /// Its regex.
    #[cfg_attr(not(test), allow(dead_code))]
    pub regex: &'static str,
    /// Every form it takes. An optional clause is written with its leading space; `""` is the
    /// clause left out.
    pub forms: &'static [&'static str],
    /// Words its regex matches but its reading refuses.
    pub refused: &'static [&'static str],
    /// Reads words as the step would: `Err` carries the refusal.
    pub read: fn(&str) -> Result<(), String>,
}

/// Regex fragments several parameters share: (the fragment's text, the parameter whose forms
/// take its alternatives). Other parameters' forms need not repeat them.
#[cfg(test)]
pub const FRAGMENTS: &[(&str, &str)] = &[
    (table_words!(), "requester"),
    (duration!(), "duration"),
    (r#"(?:(?:, | and )"[^"]+")*"#, "list"),
];

/// One [`Words`] entry for parameter type `$ty`.
macro_rules! words {
    ($ty:ty, $about:expr, [$($form:expr),* $(,)?]$(, refused [$($bad:expr),* $(,)?])?) => {
        Words {
            name: <$ty as cucumber::Parameter>::NAME,
            about: $about,
            regex: <$ty as cucumber::Parameter>::REGEX,
            forms: &[$($form),*],
            refused: &[$($($bad),*)?],
            read: |w| w.parse::<$ty>().map(|_| ()).map_err(|e| e.to_string()),
        }
    };
}

/// The words of every parameter of the step library, in the order the catalogue shows them.
pub fn words() -> Vec<Words> {
    vec![
        words!(Requester, "a requester record: its table and its name", [
            r#"sys_user "Ada Lovelace""#,
            r#"user "Ada Lovelace""#,
            r#"consumer "Bea Brown""#,
            r#"customer contact "Cy Chen""#,
            r#"contact "Cy Chen""#,
        ]),
        words!(RequesterOrNobody, "a requester record, or nobody", [r#"consumer "Bea Brown""#, "nobody"]),
        words!(RequesterOrGuest, "a requester record, or the guest user (an unknown number)", [
            r#"sys_user "Ada Lovelace""#,
            "the guest user",
        ]),
        words!(NewRequester, "a requester to create: table, then optionally a name (made up when left out), a mobile phone (national numbers are read in the country) or none, a country", [
            "consumer",
            r#"consumer "Bea Brown""#,
            r#"consumer "Bea Brown" with mobile phone "07400 123456" located in "GB""#,
            r#"contact "Cy Chen" with no mobile phone"#,
        ]),
        words!(InteractionNo, "an interaction: IMS and seven digits, numbered from IMS0001001 in the order they open", ["IMS0001001"], refused ["IMS1"]),
        words!(Count, "a count: a whole number or no (the noun singular or plural)", ["0", "3", "no"], refused ["99999999999999999999999"]),
        words!(Duration, "a duration", [
            "1 second", "30 seconds", "1 minute", "10 minutes", "1 hour", "2 hours", "1 day", "3 days",
            "1 week", "2 weeks", "a day", "an hour", "1 week and 2 days", "1 day, 2 hours",
            "1 day and an hour", "2 days and a minute", "1 day, 2 hours and 30 minutes",
        ], refused ["9999999999999 days", "90 mins", "1 week and 90 mins"]),
        words!(At, "a moment on the scenario's clock (UTC): a time of day (a check's any day, but `was closed at` wants the date; an advance's next at or after now), or a date and time", [
            r#""09:10:00""#,
            r#""2026-01-07 09:30:00""#,
        ], refused [r#""25:00:00""#, r#""2026-02-30 09:00:00""#, r#""2026-12-31 23:59:60""#]),
        words!(List, "quoted texts joined by , or and", [
            r#""+14155550100""#,
            r#""+14155550100" and "+14155550101""#,
            r#""+14155550100", "+14155550101""#,
            r#""+14155550100", "+14155550101" and "+14155550102""#,
        ]),
        words!(Switch, "on or off", ["on", "off"]),
        words!(Where, "an encoded query on the interaction (ServiceNow's syntax), or none", [
            "",
            r#" where "state=work_in_progress""#,
        ]),
        words!(Media, "the media of an MMS a handset sends: one, several, or none; absolute http(s) URLs, each an image or not as its type says (the one given, else its URL's extension's); one may give its MIME type, which the handset then sends whatever its URL's name says", [
            "",
            r#" with the image "https://example.com/a.png""#,
            r#" with the images "https://example.com/a.png" and "https://example.com/b.jpg""#,
            r#" with the file "https://example.com/a.pdf""#,
            r#" with the files "https://example.com/a.pdf" and "https://example.com/b.vcf""#,
            r#" with the files "https://example.com/a.png" and "https://example.com/b.pdf""#,
            r#" with the image "https://example.com/media/7f3a" of type "image/heic""#,
            r#" with the file "https://example.com/media/7f3b" of type "application/pdf""#,
        ], refused [
            r#" with the image "https://example.com/a.png" and "https://example.com/b.jpg""#,
            r#" with the images "https://example.com/a.png""#,
            r#" with the image "https://example.com/media/7f3a""#,
            r#" with the image "https://example.com/media/7f3a" of type "heic""#,
            r#" with the image "https://example.com/media/7f3a" of type "application/pdf""#,
            r#" with the file "https://example.com/media/7f3a" of type "image/png""#,
            r#" with the images "https://example.com/a" and "https://example.com/b" of type "image/png""#,
            r#" with the file "https://example.com/a.png""#,
            r#" with the image "example.com/a.png""#,
        ]),
        words!(MessageRef, "a message: numbered as the transcript numbers it (every line, internal ones too), the last an interaction sent its requester (whatever its status), or as sent to the handset, oldest first, delivered or not (so a check of an undelivered one's status names it; `reads` fails for one that never arrived, and reads Twilio's own STOP and START confirmations as the handset got them)", [
            "message #2 of IMS0001001",
            "the last message sent in IMS0001001",
            r#"the 1st message "+14155552671" received"#,
            r#"the 2nd message "+14155552671" received"#,
            r#"the 3rd message "+14155552671" received"#,
            r#"the 4th message "+14155552671" received"#,
            r#"the last message "+14155552671" received"#,
        ], refused [
            r#"the 2th message "+14155552671" received"#,
            r#"the 0th message "+14155552671" received"#,
        ]),
        words!(Assignee, "who an interaction is assigned to", ["the virtual agent", r#"agent "alice""#, "nobody"]),
        words!(Group, "a live group profile: user names in joining order, or empty", [r#""alice, bob""#, "empty"]),
        words!(Integration, "another integration that owns numbers", ["ServiceNowTwilioDirect", "Twilio Notify"]),
        words!(NumberUse, "whose a number is", [
            "a Conversational SMS provider number",
            "not a Conversational SMS provider number",
            "a ServiceNowTwilioDirect number",
            "still a Twilio Notify number",
        ]),
        words!(Carrier, "how a handset's carrier treats messages to it", [
            "reachable",
            "unreachable",
            "an unknown handset",
            "a landline",
            "filtered by its carrier",
            "failing with an unknown error",
            "not a mobile number",
        ]),
        words!(SendFault, "how Twilio's Messages API answers sends: every one, the next ones, or a share drawn from the fault seed, of every number's or of one number's; a 500 or no answer \"after creating the message\" is an answer lost after the message was created", [
            "every send with HTTP 500",
            "the next send with HTTP 500 after creating the message",
            "the next send with no answer after creating the message",
            "every send with HTTP 429",
            "2% of sends with HTTP 429",
            "2.5% of sends with HTTP 500",
            r#"10% of sends to or from "+14155550100" with HTTP 500"#,
            "the next send with HTTP 429",
            r#"the next 2 sends to or from "+14155550100" with HTTP 500"#,
            "sends normally again",
        ], refused [
            "every send with HTTP 503",
            "every send with HTTP 429 after creating the message",
            "every send with no answer",
            "the next 0 sends with HTTP 429",
            "150% of sends with HTTP 429",
            r#"2% of sends to or from "12" with HTTP 429"#,
        ]),
        words!(ListFault, "how Twilio's message list answers (the engine reads it after a send whose answer was lost): every one, the next ones, or a share drawn from the fault seed, of every number's or of one number's", [
            "every message list with HTTP 500",
            "the next message list with HTTP 500",
            r#"the next 2 message lists to or from "+14155550100" with HTTP 429"#,
            "10% of message lists with HTTP 500",
            "2.5% of message lists with HTTP 429",
            "every message list with HTTP 429",
            "message lists normally again",
        ], refused [
            "every message list with HTTP 503",
            "the next 0 message lists with HTTP 500",
        ]),
        words!(StatusCallbackFault, "what Twilio does to status callbacks: every one, the next ones, or a share drawn from the fault seed, of every number's or of one number's", [
            "drops every status callback",
            "duplicates every status callback",
            "reorders status callbacks",
            "delays every status callback by 120 seconds",
            "duplicates 3% of status callbacks",
            r#"reorders 3% of status callbacks to or from "+14155550100""#,
            r#"delays 3% of status callbacks to or from "+14155550101" by 30 seconds"#,
            "drops 0.5% of status callbacks",
            "reorders status callback",
            "drops every status callbacks",
            "drops the next status callback",
            r#"duplicates the next 2 status callbacks to or from "+14155550100""#,
            "delays the next status callback by 5 minutes",
        ], refused [
            "reorders the next status callback by 5 seconds",
            "reorders status callbacks by 5 seconds",
            "delays every status callback",
            "delays every status callback by 90 mins",
        ]),
        words!(InboundWebhookFault, "which inbound webhooks time out (the engine gets them, their answer is lost): every one, the next ones, or a share", [
            "times out on every inbound webhook",
            "times out on 1% of inbound webhooks",
            "times out on 0.5% of inbound webhooks",
            r#"times out on 5% of inbound webhooks to or from "+14155550100""#,
            "times out on the next inbound webhook",
            "times out on the next 3 inbound webhooks",
        ], refused ["times out on 101% of inbound webhooks", "times out on the next 0 inbound webhooks"]),
        words!(Signature, "an inbound webhook's X-Twilio-Signature, or Twilio's of another body", [r#"the signature "bm90IGEgc2lnbmF0dXJl""#, "no signature", r#"Twilio's signature of "Hi""#]),
        words!(ErrorCode, "a Twilio error code, or none", ["", " with error 30003"]),
        words!(NewAction, "a new messaging action, active or not", ["a messaging action", "an inactive messaging action"]),
        words!(ActionEvent, "a messaging action's event", [
            r#""requester message without agent response""#,
            r#""agent message without requester response""#,
        ], refused [r#""requester message without agent reply""#]),
        words!(Effect, "what a messaging action does", [
            r#"prompts the agent "Bea is waiting""#,
            r#"prompts the requester "Are you still there?""#,
            "reassigns",
            r#"sets state "on_hold""#,
        ]),
        words!(Notification, "an agent's workspace notification", [
            r#"the workspace notification "Bea is waiting" for IMS0001001"#,
        ]),
        words!(ComposeScope, "where Compose SMS is opened: on an interaction, for a requester, or neither", [
            "",
            " on interaction IMS0001001",
            r#" for consumer "Bea Brown""#,
        ]),
        words!(Composition, "the optional fields of a Compose SMS send, in this order", [
            "",
            r#" with the attachment "photo.png" of type "image/png""#,
            " on interaction IMS0001001",
            r#" from "+14155550100""#,
            r#" to "(415) 555-2671""#,
            r#" for consumer "Bea Brown""#,
        ]),
        words!(Ongoing, "the ongoing interaction Compose SMS shows, or none", ["the ongoing interaction IMS0001001", "no ongoing interaction"]),
        words!(Warning, "a warning shown to the agent (any part of it), or none", [r#"the warning "currently associated with""#, "no warning"]),
        words!(ForConsumer, "the consumer a number is validated for, or none", ["", r#" for consumer "Bea Brown""#]),
        words!(InRegion, "a region, or none", ["", r#" in region "GB""#]),
        words!(Activity, "active or inactive", ["active", "inactive"]),
        words!(MobilePhone, "a record's mobile phone, or none", [r#"mobile phone "+14155552671""#, "no mobile phone"]),
        words!(AgentPresence, "an agent's presence on the SMS channel", ["available", "away", "offline"]),
        words!(InOrder, "a queue's order (the lowest first), or none", ["", " in order 10", " in order -5"]),
        words!(WithAgents, "a queue's agents in preference order, or none", ["", r#" with agent "bob""#, r#" with agents "bob", "carol""#]),
        words!(Verdict, "an agent's answer to an offer", ["accepts", "rejects"]),
        words!(Offer, "which work item: the only one offered, or an interaction's", ["offered work item", "work item for IMS0001001"]),
        words!(InboxOffers, "what a Workspace Inbox offers, oldest first", [
            "offers IMS0001001",
            "offers IMS0001001 and IMS0001002",
            "offers IMS0001001, IMS0001002",
            "offers IMS0001001, IMS0001002 and IMS0001003",
            "is empty",
        ]),
        words!(Waiting, "what waits in a queue, in line (oldest first: the order they will be offered in)", [
            "waiting IMS0001002",
            "waiting IMS0001002 and IMS0001003",
            "waiting IMS0001002, IMS0001003",
            "waiting IMS0001002, IMS0001003 and IMS0001004",
            "nothing waiting",
        ]),
        words!(AgentReply, "what an agent does in a conversation: reply, reply and close, or close", [
            r#"replies "On it" in IMS0001001"#,
            r#"replies "All sorted, goodbye" and closes IMS0001001"#,
            r#"replies "It says \"shipped\"" in IMS0001001"#,
            "closes IMS0001001",
        ], refused [r#"replies "" in IMS0001001"#]),
        words!(Attached, "the media agents see on a requester's message: images (image/*) and other files, or none", [
            "",
            " with 1 image",
            " with 2 images",
            " with 1 image and 1 file",
            " with 2 images and 2 files",
            " with 1 file",
            " with 3 files",
        ], refused [" with 1 images", " with 2 file"]),
        words!(ReceivedMedia, "the media a handset received on one message: images (image/*) and other files", [
            "1 image",
            "2 images",
            "1 file",
            "2 files",
            "1 image and 1 file",
            "2 images and 2 files",
        ], refused ["1 images", "2 file", "0 images"]),
        words!(NewMessage, "with or without (a new message)", ["with", "without"]),
        words!(Receives, "receives or does not receive", ["receives", "does not receive"]),
        words!(Failure, "how an undeliverable send ended: failed (refused or not sent) or undelivered (sent, not delivered)", ["failed", "undelivered"]),
        words!(CaseState, "a case's state", ["open", "resolved"]),
        words!(TopicPosition, "where a conversation waits in the virtual agent's topics, or no topic", [
            r#"topic "order_status" at node "ask_need""#,
            "no topic",
        ]),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use convsms_sim::{ApiFault, CallbackFault, FaultScope};

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
            ("2 weeks", 1_209_600),
        ] {
            assert!(matches::<Duration>(words), "{words}");
            assert_eq!(words.parse::<Duration>().unwrap().0.num_seconds(), secs);
        }
        // Another unit matches, so that its refusal names the units.
        assert!(matches::<Duration>("5 fortnights"));
        assert_eq!(
            "5 fortnights".parse::<Duration>().unwrap_err().to_string(),
            "'fortnights' is not a unit of time; the units are second(s), minute(s), hour(s), \
             day(s) and week(s)"
        );
        assert_eq!(
            "1 week and 2 days".parse::<Duration>().unwrap(),
            Duration(TimeDelta::days(9))
        );
        assert_eq!(
            "1 day, 2 hours and 30 minutes".parse::<Duration>().unwrap(),
            Duration(TimeDelta::minutes(24 * 60 + 150))
        );
        assert!(matches::<Duration>("a day and an hour"));
        assert_eq!(
            "1 week and 90 mins"
                .parse::<Duration>()
                .unwrap_err()
                .to_string(),
            "'mins' is not a unit of time; the units are second(s), minute(s), hour(s), \
             day(s) and week(s)"
        );
        assert_eq!("no".parse::<Count>().unwrap(), Count(0));
        assert_eq!("3".parse::<Count>().unwrap(), Count(3));
    }

    #[test]
    fn a_callback_fault_uses_its_delay_or_refuses_one() {
        let fault = |w: &str| w.parse::<StatusCallbackFault>().map(|f| f.fault);
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
        let words = "delays every status callback by 90 mins";
        assert!(matches::<StatusCallbackFault>(words));
        let refused = fault(words).unwrap_err().to_string();
        assert!(
            refused.contains("'mins' is not a unit of time"),
            "{refused}"
        );
    }

    #[test]
    fn a_share_of_requests_and_a_number_scope_are_read() {
        let send: SendFault = r#"10% of sends to or from "+1 415 555 0100" with HTTP 500"#
            .parse()
            .unwrap();
        assert_eq!(send.fault, Some(ApiFault::ServerError));
        assert_eq!(
            send.strikes,
            Strikes {
                which: convsms_sim::Strikes::Share(0.1),
                scope: FaultScope::Number("+14155550100".into()),
            }
        );
        let lost: SendFault = "2% of sends with HTTP 500 after creating the message"
            .parse()
            .unwrap();
        assert!(matches::<SendFault>(
            "2% of sends with HTTP 500 after creating the message"
        ));
        assert_eq!(lost.fault, Some(ApiFault::ServerErrorAfterCreate));
        assert_eq!(lost.strikes.which.share(), Some(0.02));
        let refused = "the next send with HTTP 429 after creating the message"
            .parse::<SendFault>()
            .unwrap_err();
        assert!(
            refused
                .to_string()
                .contains("only HTTP 500 can come after creating the message"),
            "{refused}"
        );
        let every: SendFault = "every send with HTTP 429".parse().unwrap();
        assert_eq!(every.strikes.which, convsms_sim::Strikes::Share(1.0));
        assert_eq!(every.strikes.scope, FaultScope::Global);
        let delayed: StatusCallbackFault = "delays 2.5% of status callbacks by 30 seconds"
            .parse()
            .unwrap();
        assert_eq!(delayed.fault, CallbackFault::Delay { seconds: 30 });
        assert_eq!(delayed.strikes.which.share(), Some(0.025));
        // The forms read before shares existed still read as every callback.
        for words in [
            "reorders status callback",
            "drops every status callbacks",
            "duplicates every status callback",
        ] {
            assert!(matches::<StatusCallbackFault>(words), "{words}");
            let every: StatusCallbackFault = words.parse().unwrap();
            assert_eq!(every.strikes.which.share(), Some(1.0), "{words}");
        }
        // The soak's shares read back as the same f64 it sets (percent / 100).
        for percent in [1, 2, 3, 5, 10] {
            let words = format!("times out on {percent}% of inbound webhooks");
            let w: InboundWebhookFault = words.parse().unwrap();
            assert_eq!(w.strikes.which.share(), Some(f64::from(percent) / 100.0));
        }
        let refused = "150% of sends with HTTP 429"
            .parse::<SendFault>()
            .unwrap_err();
        assert!(refused.to_string().contains("at most 100%"), "{refused}");
        let refused =
            r#"2% of sends to or from "12" with HTTP 429"#.parse::<SendFault>().unwrap_err();
        assert!(refused.to_string().starts_with("\"12\": "), "{refused}");
    }

    #[test]
    fn the_next_requests_are_counted() {
        use convsms_sim::Strikes::Next;
        let send: SendFault = "the next send with HTTP 429".parse().unwrap();
        assert_eq!(send.strikes.which, Next(1));
        assert_eq!(send.fault, Some(ApiFault::RateLimit));
        let send: SendFault = r#"the next 3 sends to or from "+1 415 555 0100" with HTTP 500"#
            .parse()
            .unwrap();
        assert_eq!(
            send.strikes,
            Strikes {
                which: Next(3),
                scope: FaultScope::Number("+14155550100".into()),
            }
        );
        let dropped: StatusCallbackFault = "drops the next status callback".parse().unwrap();
        assert_eq!(
            (dropped.fault, dropped.strikes.which),
            (CallbackFault::Drop, Next(1))
        );
        let delayed: StatusCallbackFault = "delays the next 2 status callbacks by 1 minute"
            .parse()
            .unwrap();
        assert_eq!(
            (delayed.fault, delayed.strikes.which),
            (CallbackFault::Delay { seconds: 60 }, Next(2))
        );
        let timeouts: InboundWebhookFault =
            "times out on the next 2 inbound webhooks".parse().unwrap();
        assert_eq!(timeouts.strikes.which, Next(2));
        for (words, says) in [
            ("the next 0 sends with HTTP 429", "strikes nothing"),
            (
                "the next 99999999999 sends with HTTP 429",
                "too many to count",
            ),
        ] {
            assert!(matches::<SendFault>(words), "{words}");
            let refused = words.parse::<SendFault>().unwrap_err().to_string();
            assert!(refused.contains(says), "{words}: {refused}");
        }
    }

    #[test]
    fn an_unanswerable_http_status_is_refused() {
        assert!(matches::<SendFault>("every send with HTTP 503"));
        let refused = "every send with HTTP 503".parse::<SendFault>().unwrap_err();
        assert!(refused.to_string().contains("500 or 429, not 503"));
    }
}
