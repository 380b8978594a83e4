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

use std::fmt::Write;

use crate::domain::delivery::Direction;
use crate::domain::model::{AuthorKind, Handler, Interaction, InteractionNumber};
use crate::error::Error;
use crate::store::SqliteStore;

/// Renders one interaction's transcript.
///
/// # Errors
/// [`Error::UnknownInteraction`]; [`Error::Store`].
pub fn render(store: &SqliteStore, number: &InteractionNumber) -> Result<String, Error> {
    store.read(|tx| {
        let i: Interaction = tx
            .interaction(number)?
            .ok_or_else(|| Error::UnknownInteraction(number.to_string()))?;
        let opened_for = tx
            .party(i.opened_for.0, &i.opened_for.1)?
            .map_or_else(|| i.opened_for.1.clone(), |p| p.name);
        let handler = match &i.handler {
            Handler::VirtualAgent => "virtual agent".to_owned(),
            Handler::Queue => "nobody (waiting for an agent)".to_owned(),
            Handler::Agent(a) => tx.user_name(a)?.unwrap_or_else(|| a.clone()),
        };
        let group = tx.live_group(&i.sys_id)?;
        let mut out = String::new();
        let phone = |p: &Option<crate::domain::phone::E164>| {
            p.as_ref().map_or("-".to_owned(), |p| p.to_string())
        };
        let _ = writeln!(
            out,
            "{} · {} · requester {} ⇄ provider {} · opened for {} {}",
            i.number,
            i.kind.as_str(),
            phone(&i.requester_phone),
            phone(&i.provider_phone),
            i.opened_for.0.as_str(),
            opened_for
        );
        let _ = writeln!(
            out,
            "state {} · {} · assigned to {} · live group: {}",
            i.state.as_str(),
            if i.active { "active" } else { "closed" },
            handler,
            if group.is_empty() {
                "(none)".to_owned()
            } else {
                group.join(", ")
            }
        );
        for m in tx.transcript(&i.sys_id)? {
            let who = match (m.author_kind, &m.author) {
                (AuthorKind::Agent, Some(a)) => format!("agent {a}"),
                (AuthorKind::VirtualAgent, _) => "virtual agent".to_owned(),
                (k, _) => k.as_str().to_owned(),
            };
            let arrow = match m.direction {
                Direction::Inbound => "→ us",
                Direction::Outbound => "→ requester",
                Direction::Internal => "(internal)",
            };
            let mut status = m.status.to_string();
            if m.updated_at != m.created_at && m.direction == Direction::Outbound {
                status = format!("{status} at {}", m.updated_at.format("%H:%M:%S"));
            }
            if m.attempts > 1 {
                status = format!("{status} after {} attempts", m.attempts);
            }
            if let Some(sid) = &m.provider_sid {
                status = format!("{status} {sid}");
            }
            if let Some(code) = m.error_code {
                status = format!(
                    "{status} error {code}: {}",
                    m.error_message.as_deref().unwrap_or("")
                );
            }
            let _ = write!(
                out,
                "  #{} {} {} {}: {:?}",
                m.seq,
                m.created_at.format("%Y-%m-%d %H:%M:%S"),
                who,
                arrow,
                m.body
            );
            for media in &m.media {
                let _ = write!(
                    out,
                    " +media({} {})",
                    media.content_type,
                    stable_url(&media.url)
                );
            }
            if m.direction == Direction::Outbound {
                let _ = write!(out, " ({})", cost(&m.body, !m.media.is_empty()));
            }
            let _ = writeln!(out, " [{status}]");
        }
        Ok(out)
    })
}

/// What an outbound message costs on the air (Twilio §8): `MMS`, or `N segment(s), GSM-7|UCS-2`.
fn cost(body: &str, has_media: bool) -> String {
    use twilio_wire::segments::{encoding, num_segments, Encoding};
    if has_media {
        return "MMS".to_owned();
    }
    let n = num_segments(body);
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
