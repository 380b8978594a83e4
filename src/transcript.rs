//! Human-readable transcripts of interactions: who said what to whom, when, with delivery status.
//!
//! This is what snapshots store, so it reads like a conversation, not a Debug dump:
//!
//! ```text
//! IMS0001001 · messaging/sms · +14155552671 ⇄ +14155550100 · opened for sys_user Ada Lovelace
//! state new · assigned to virtual agent · live group: (none)
//!   #1 09:00:00 requester → "Hi"                                   [received SM…0001]
//!   #2 09:00:00 virtual agent → "Hi, this is the virtual agent…" (1 segment, GSM-7) [queued SM…0002]
//!   #3 09:00:05 agent alice → "Hello"            [delivered at 09:03:05 after 2 attempts SM…0003]
//! ```
//!
//! [`load`] gives the same transcript as data ([`Transcript`], one [`Line`] per message), for
//! reports that lay it out otherwise (`convsms check --html`); its `Display` is [`render`]'s text.

use std::fmt;

use chrono::{DateTime, Utc};

use crate::domain::delivery::{DeliveryStatus, Direction};
use crate::domain::model::{AuthorKind, Handler, Interaction, InteractionNumber, Message};
use crate::error::Error;
use crate::store::SqliteStore;

/// One interaction's transcript, as data.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Transcript {
    /// `IMS0001001`.
    pub number: String,
    /// `messaging`.
    pub kind: String,
    /// The requester's phone, `-` when none.
    pub requester_phone: String,
    /// The provider's phone, `-` when none.
    pub provider_phone: String,
    /// The table of the record it is opened for (`sys_user`, `csm_consumer`…).
    pub opened_for_table: String,
    /// That record's name.
    pub opened_for: String,
    /// `new`, `work_in_progress`, `closed_complete`…
    pub state: String,
    /// Whether it is still active.
    pub active: bool,
    /// `virtual agent`, `nobody (waiting for an agent)` (`nobody` once closed) or the agent's
    /// name.
    pub assigned_to: String,
    /// The live group profile's members.
    pub live_group: Vec<String>,
    /// The messages, oldest first.
    pub lines: Vec<Line>,
}

/// One message of a transcript.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Line {
    /// Position in the interaction, from 1.
    pub seq: i64,
    /// When it was written.
    pub at: DateTime<Utc>,
    /// `requester`, `virtual agent`, `agent alice`, `system`…
    pub who: String,
    /// Which way it went.
    pub direction: Direction,
    /// Its text.
    pub body: String,
    /// Its media as (content type, URL without a loopback host and port).
    pub media: Vec<(String, String)>,
    /// What an outbound message costs on the air: `MMS` or `1 segment, GSM-7`.
    pub cost: Option<String>,
    /// The delivery status (`received`, `queued`, `delivered`, `failed`…).
    pub status: String,
    /// The whole status as the text transcript shows it between brackets: status, when it last
    /// changed, attempts, MessageSid, provider error.
    pub status_detail: String,
}

impl Line {
    /// The arrow of the text transcript: `→ us`, `→ requester` or `(internal)`.
    pub fn arrow(&self) -> &'static str {
        match self.direction {
            Direction::Inbound => "→ us",
            Direction::Outbound => "→ requester",
            Direction::Internal => "(internal)",
        }
    }
}

/// What the workspace shows of a message's delivery error: the code, Twilio's ErrorMessage when
/// the provider gave one, then what the code means in plain words
/// ([`crate::provider::advice`]) when it is a code agents meet: `error 30003: Unreachable
/// destination handset. The handset is switched off or out of coverage.` A StatusCallback
/// carries ErrorCode but seldom ErrorMessage (Twilio §3.1): then `error 30003: The handset is
/// switched off or out of coverage.`. For a send that never reached the provider, its reason (no
/// code). `None` for a message without an error.
pub fn delivery_error(m: &Message) -> Option<String> {
    let given = m
        .error_message
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty());
    match m.error_code {
        Some(code) => {
            let meaning = u32::try_from(code).ok().and_then(crate::provider::advice);
            Some(match (given, meaning) {
                (Some(given), Some(meaning)) if given != meaning => {
                    let stop = if given.ends_with(['.', '!', '?']) {
                        ""
                    } else {
                        "."
                    };
                    format!("error {code}: {given}{stop} {meaning}")
                }
                (Some(text), _) | (None, Some(text)) => format!("error {code}: {text}"),
                (None, None) => format!("error {code}: (no message from the provider)"),
            })
        }
        None => given.map(str::to_owned),
    }
}

/// Loads one interaction's transcript.
///
/// # Errors
/// [`Error::UnknownInteraction`]; [`Error::Store`].
pub fn load(store: &SqliteStore, number: &InteractionNumber) -> Result<Transcript, Error> {
    store.read(|tx| {
        let i: Interaction = tx
            .interaction(number)?
            .ok_or_else(|| Error::UnknownInteraction(number.to_string()))?;
        let opened_for = tx
            .party(i.opened_for.0, &i.opened_for.1)?
            .map_or_else(|| i.opened_for.1.clone(), |p| p.name);
        let handler = match &i.handler {
            Handler::VirtualAgent => "virtual agent".to_owned(),
            Handler::Queue if i.active => "nobody (waiting for an agent)".to_owned(),
            Handler::Queue => "nobody".to_owned(),
            Handler::Agent(a) => tx.user_name(a)?.unwrap_or_else(|| a.clone()),
        };
        let live_group = tx.live_group(&i.sys_id)?;
        let phone = |p: &Option<crate::domain::phone::E164>| {
            p.as_ref().map_or("-".to_owned(), |p| p.to_string())
        };
        let mut lines = vec![];
        for m in tx.transcript(&i.sys_id)? {
            let who = match (m.author_kind, &m.author) {
                (AuthorKind::Agent, Some(a)) => format!("agent {a}"),
                (AuthorKind::VirtualAgent, _) => "virtual agent".to_owned(),
                (k, _) => k.as_str().to_owned(),
            };
            let mut status = m.status.to_string();
            if m.status == DeliveryStatus::Retrying {
                // Not "retrying at": the time is the failed attempt's, not the next one's.
                status = format!(
                    "retrying: attempt {} failed at {}",
                    m.attempts.max(1),
                    m.updated_at.format("%H:%M:%S")
                );
            } else {
                if m.updated_at != m.created_at && m.direction == Direction::Outbound {
                    status = format!("{status} at {}", m.updated_at.format("%H:%M:%S"));
                }
                if m.attempts > 1 {
                    status = format!("{status} after {} attempts", m.attempts);
                }
            }
            if let Some(sid) = &m.provider_sid {
                status = format!("{status} {sid}");
            }
            match (delivery_error(&m), m.error_code) {
                (Some(error), Some(_)) => status = format!("{status} {error}"),
                (Some(reason), None) => status = format!("{status}: {reason}"),
                (None, _) => {}
            }
            lines.push(Line {
                seq: m.seq,
                at: m.created_at,
                who,
                direction: m.direction,
                media: m
                    .media
                    .iter()
                    .map(|media| {
                        (
                            media.content_type.clone(),
                            stable_url(&media.url).to_owned(),
                        )
                    })
                    .collect(),
                cost: (m.direction == Direction::Outbound)
                    .then(|| cost(&m.body, !m.media.is_empty())),
                body: m.body,
                status: m.status.to_string(),
                status_detail: status,
            });
        }
        Ok(Transcript {
            number: i.number.to_string(),
            kind: i.kind.as_str().to_owned(),
            requester_phone: phone(&i.requester_phone),
            provider_phone: phone(&i.provider_phone),
            opened_for_table: i.opened_for.0.as_str().to_owned(),
            opened_for,
            state: i.state.as_str().to_owned(),
            active: i.active,
            assigned_to: handler,
            live_group,
            lines,
        })
    })
}

/// Renders one interaction's transcript.
///
/// # Errors
/// [`Error::UnknownInteraction`]; [`Error::Store`].
pub fn render(store: &SqliteStore, number: &InteractionNumber) -> Result<String, Error> {
    load(store, number).map(|t| t.to_string())
}

impl fmt::Display for Transcript {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "{} · {} · requester {} ⇄ provider {} · opened for {} {}",
            self.number,
            self.kind,
            self.requester_phone,
            self.provider_phone,
            self.opened_for_table,
            self.opened_for
        )?;
        writeln!(
            f,
            "state {} · {} · assigned to {} · live group: {}",
            self.state,
            if self.active { "active" } else { "closed" },
            self.assigned_to,
            if self.live_group.is_empty() {
                "(none)".to_owned()
            } else {
                self.live_group.join(", ")
            }
        )?;
        for line in &self.lines {
            write!(
                f,
                "  #{} {} {} {}: {:?}",
                line.seq,
                line.at.format("%Y-%m-%d %H:%M:%S"),
                line.who,
                line.arrow(),
                line.body
            )?;
            for (content_type, url) in &line.media {
                write!(f, " +media({content_type} {url})")?;
            }
            if let Some(cost) = &line.cost {
                write!(f, " ({cost})")?;
            }
            writeln!(f, " [{}]", line.status_detail)?;
        }
        Ok(())
    }
}

/// How many SMS segments a text without media takes, as the transcript shows it (Twilio §8:
/// 160 GSM-7 characters or 70 UCS-2 code units alone, 153 or 67 per segment once split); the
/// soak's invariant 9 compares it with the simulator's `num_segments`.
pub fn segments(body: &str) -> usize {
    twilio_wire::segments::num_segments(body)
}

/// What an outbound message costs on the air (Twilio §8): `MMS`, or `N segment(s), GSM-7|UCS-2`.
fn cost(body: &str, has_media: bool) -> String {
    use twilio_wire::segments::{encoding, Encoding};
    if has_media {
        return "MMS".to_owned();
    }
    let n = segments(body);
    let enc = match encoding(body) {
        Encoding::Gsm7 => "GSM-7",
        Encoding::Ucs2 => "UCS-2",
    };
    format!("{n} segment{}, {enc}", if n == 1 { "" } else { "s" })
}

/// A media URL without a loopback host and port (`http://127.0.0.1:41234/topics/a.png` →
/// `/topics/a.png`), so transcripts do not depend on the ports a run happened to get.
fn stable_url(url: &str) -> &str {
    match url.strip_prefix("http://127.0.0.1:") {
        Some(rest) => rest.find('/').map_or(url, |i| &rest[i..]),
        None => url,
    }
}

#[cfg(test)]
mod tests {
    use chrono::{Duration, TimeZone};

    use super::*;
    use crate::domain::model::{InteractionType, PartyTable};
    use crate::domain::phone::E164;

    #[test]
    fn a_send_waiting_to_be_retried_says_which_attempt_failed_and_when() {
        let store = SqliteStore::open_in_memory().unwrap();
        let t0 = Utc.with_ymd_and_hms(2026, 1, 5, 9, 0, 0).unwrap();
        let number = store
            .write(|tx| {
                let bea = tx.insert_party(PartyTable::CsmConsumer, "Bea", None, None, None)?;
                let i = tx.insert_interaction(
                    InteractionType::Messaging,
                    &Handler::VirtualAgent,
                    &bea,
                    None,
                    E164::parse("+14155552671", None).ok().as_ref(),
                    E164::parse("+14155550100", None).ok().as_ref(),
                    None,
                    t0,
                )?;
                let m = tx.insert_message(
                    &i.sys_id,
                    Direction::Outbound,
                    AuthorKind::VirtualAgent,
                    None,
                    "Hi",
                    &[],
                    None,
                    DeliveryStatus::Pending,
                    t0,
                )?;
                let failed_at = t0 + Duration::seconds(30);
                tx.schedule_retry(
                    &m,
                    (None, "unavailable"),
                    failed_at + Duration::seconds(60),
                    None,
                    failed_at,
                )?;
                Ok::<_, crate::store::StoreError>(i.number)
            })
            .unwrap();
        let text = render(&store, &number).unwrap();
        assert!(
            text.contains("[retrying: attempt 1 failed at 09:00:30"),
            "not the next attempt's time: {text}"
        );
    }
}
