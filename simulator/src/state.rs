//! The simulated account's state: owned numbers, the SMS URL, SID counters and every message
//! with what a later feature needs to know about it (status callback URL, media, inbound
//! delivery). It lives in one `std::sync::Mutex` inside [`crate::Core`]; nothing here is async.

use chrono::{DateTime, Utc};
use twilio_wire::date::rfc2822;
use twilio_wire::message::{Direction, Message, MessageStatus, SubresourceUris, API_VERSION};
use twilio_wire::sid::{AccountSid, MediaSid, MessageSid};

use crate::numbers;

/// Everything the simulated account holds.
#[derive(Debug, Default)]
pub(crate) struct SimState {
    /// Owned numbers, normalised to E.164 when libphonenumber can read them, in insertion order.
    numbers: Vec<String>,
    sms_url: Option<String>,
    /// The last message number handed out (SIDs start at 1); shared by inbound and outbound.
    last_message: u64,
    /// The last media number handed out.
    last_media: u64,
    /// Every message, oldest first.
    records: Vec<Record>,
    /// How many outbound messages were ever created (deleted ones included).
    outbound_created: u64,
    /// Position in `records` of each message, by [`sid_key`]: finding a message is O(1), so a
    /// create costs the same with a million stored messages as with none.
    index: std::collections::HashMap<(bool, u128), usize>,
    /// `SendAt` of scheduled messages (`ScheduleType=fixed`), by SID.
    send_at: std::collections::BTreeMap<MessageSid, DateTime<Utc>>,
    /// Carrier profiles, outbound lifecycles, status callbacks not yet sent (`delivery`).
    pub(crate) delivery: crate::delivery::DeliveryState,
    /// Opt-out blocks and Twilio's keyword auto-replies (`optout`).
    pub(crate) optout: crate::optout::OptOutState,
    /// Injected webhook and status-callback faults with their seeded generator (`faults`).
    pub(crate) faults: crate::faults::Faults,
    /// The debugger log, oldest first (`webhook`).
    pub(crate) debugger: Vec<crate::webhook::DebuggerEvent>,
}

/// A message's identity in the index: `MM` or `SM`, and the number its hex digits spell (so the
/// hex part compares case-insensitively, as Twilio's does).
fn sid_key(sid: &MessageSid) -> (bool, u128) {
    (sid.is_mms(), sid.number())
}

/// One message and its simulator-side details.
#[derive(Clone, Debug)]
pub(crate) struct Record {
    /// The resource as the API shows it.
    pub(crate) message: Message,
    /// The create request's `StatusCallback` (or a TwiML reply's `action`), for status
    /// callbacks (`delivery`).
    pub(crate) status_callback: Option<String>,
    /// The message's media, in `MediaUrl` order.
    #[allow(dead_code)]
    pub(crate) media: Vec<MediaRecord>,
    /// How the inbound webhook was delivered, for inbound messages.
    pub(crate) inbound: Option<InboundRecord>,
}

/// One media item of a message (§2.5).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct MediaRecord {
    /// `ME` + 32 hex.
    pub(crate) sid: MediaSid,
    /// Where the file really is (the `MediaUrl` given to the API or by the handset).
    #[allow(dead_code)]
    pub(crate) source_url: String,
    /// MIME type: the fetched file's `Content-Type` or, without one, guessed from the URL's
    /// extension (`image/jpeg`, ...).
    pub(crate) content_type: String,
    /// The file's bytes once fetched (outbound media at create time, inbound media through
    /// [`SimState::store_media_bytes`]); `None` until then. Served at the media URL without
    /// `.json`.
    pub(crate) bytes: Option<axum::body::Bytes>,
}

/// A media file as fetched (or not) from its `MediaUrl`, ready to become a [`MediaRecord`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct FetchedMedia {
    /// The `MediaUrl` as given.
    pub(crate) source_url: String,
    /// The MIME type to report.
    pub(crate) content_type: String,
    /// The bytes, `None` when the fetch failed.
    pub(crate) bytes: Option<axum::body::Bytes>,
}

/// An inbound webhook as first delivered, kept to re-deliver it identically.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct InboundRecord {
    /// The SMS URL it was POSTed to.
    pub(crate) url: String,
    /// The form parameters, in sending order.
    pub(crate) params: Vec<(String, String)>,
    /// The `I-Twilio-Idempotency-Token` header (UUID-shaped, derived from the message counter).
    pub(crate) idempotency_token: String,
}

/// The fields that differ between new messages; the rest [`SimState::new_message`] fills in.
pub(crate) struct NewMessage<'a> {
    pub(crate) sid: MessageSid,
    pub(crate) direction: Direction,
    pub(crate) status: MessageStatus,
    pub(crate) from: &'a str,
    pub(crate) to: &'a str,
    pub(crate) body: &'a str,
    pub(crate) num_media: usize,
    pub(crate) now: DateTime<Utc>,
    /// When it was sent; `None` leaves `date_sent` null.
    pub(crate) sent: Option<DateTime<Utc>>,
}

impl SimState {
    /// A state owning `numbers` with SMS URL `sms_url` and no messages.
    pub(crate) fn new(numbers: Vec<String>, sms_url: Option<String>) -> SimState {
        let mut state = SimState {
            sms_url,
            ..SimState::default()
        };
        for n in numbers {
            state.add_number(&n);
        }
        state
    }

    /// Gives the account `number` (idempotent).
    pub(crate) fn add_number(&mut self, number: &str) {
        let normal = numbers::normalise(number);
        if !self.numbers.contains(&normal) {
            self.numbers.push(normal);
        }
    }

    /// True when the account owns `number` (compared as given and in E.164).
    pub(crate) fn owns(&self, number: &str) -> bool {
        self.owned(number).is_some()
    }

    /// The owned number `number` is, as the account holds it (E.164 when libphonenumber can read
    /// it, else as configured); `None` when the account does not own it.
    pub(crate) fn owned(&self, number: &str) -> Option<&str> {
        // The common case (the number given exactly as held) costs no parsing.
        if let Some(n) = self.numbers.iter().find(|n| *n == number) {
            return Some(n);
        }
        let normal = numbers::normalise(number);
        self.numbers
            .iter()
            .find(|n| **n == normal)
            .map(String::as_str)
    }

    /// Sets the SMS URL.
    pub(crate) fn set_sms_url(&mut self, url: &str) {
        self.sms_url = Some(url.to_owned());
    }

    /// The SMS URL, if set.
    pub(crate) fn sms_url(&self) -> Option<&str> {
        self.sms_url.as_deref()
    }

    /// The next message SID (`MM…` when `with_media`, else `SM…`) and its counter value.
    pub(crate) fn next_message_sid(&mut self, with_media: bool) -> (MessageSid, u64) {
        self.last_message += 1;
        let n = self.last_message;
        let sid = if with_media {
            MessageSid::mms(n)
        } else {
            MessageSid::sms(n)
        };
        (sid, n)
    }

    /// Media records for `urls`, each with the next `ME…` SID.
    pub(crate) fn new_media(&mut self, urls: &[String]) -> Vec<MediaRecord> {
        urls.iter()
            .map(|url| {
                self.last_media += 1;
                MediaRecord {
                    sid: MediaSid::from_counter(self.last_media),
                    source_url: url.clone(),
                    content_type: guess_content_type(url).to_owned(),
                    bytes: None,
                }
            })
            .collect()
    }

    /// Media records for files fetched already, each with the next `ME…` SID, in order.
    pub(crate) fn new_fetched_media(&mut self, fetched: Vec<FetchedMedia>) -> Vec<MediaRecord> {
        fetched
            .into_iter()
            .map(|f| {
                self.last_media += 1;
                MediaRecord {
                    sid: MediaSid::from_counter(self.last_media),
                    source_url: f.source_url,
                    content_type: f.content_type,
                    bytes: f.bytes,
                }
            })
            .collect()
    }

    /// Stores the bytes (and MIME type) of media `sid` of any message, for example an inbound
    /// MMS's file, so that its media URL serves them. False when no message has that media.
    pub(crate) fn store_media_bytes(
        &mut self,
        sid: &MediaSid,
        content_type: &str,
        bytes: axum::body::Bytes,
    ) -> bool {
        let media = self
            .records
            .iter_mut()
            .flat_map(|r| r.media.iter_mut())
            .find(|m| m.sid.as_str().eq_ignore_ascii_case(sid.as_str()));
        match media {
            Some(m) => {
                m.content_type = content_type.to_owned();
                m.bytes = Some(bytes);
                true
            }
            None => false,
        }
    }

    /// A Message resource of this account with every §2.3 field set: counts as strings, price
    /// null with unit USD, no error, no Messaging Service, dates from `m.now`.
    pub(crate) fn new_message(account: &AccountSid, m: NewMessage<'_>) -> Message {
        let now = rfc2822(m.now);
        Message {
            account_sid: account.clone(),
            api_version: API_VERSION.to_owned(),
            body: m.body.to_owned(),
            date_created: now.clone(),
            date_sent: m.sent.map(rfc2822),
            date_updated: now,
            direction: m.direction,
            error_code: None,
            error_message: None,
            from: Some(m.from.to_owned()),
            messaging_service_sid: None,
            num_media: m.num_media.to_string(),
            // A message with media counts as one segment (§8.1, OAI MMS example).
            num_segments: if m.num_media > 0 {
                "1".to_owned()
            } else {
                twilio_wire::segments::num_segments(m.body).to_string()
            },
            price: None,
            price_unit: Some("USD".to_owned()),
            subresource_uris: SubresourceUris {
                media: Message::media_uri_for(account, &m.sid),
                feedback: None,
            },
            to: m.to.to_owned(),
            uri: Message::uri_for(account, &m.sid),
            sid: m.sid,
            status: m.status,
        }
    }

    /// Appends a record (messages are kept oldest first).
    pub(crate) fn push(&mut self, record: Record) {
        if record.message.direction != Direction::Inbound {
            self.outbound_created += 1;
        }
        self.index
            .insert(sid_key(&record.message.sid), self.records.len());
        self.records.push(record);
    }

    fn position(&self, sid: &MessageSid) -> Option<usize> {
        self.index.get(&sid_key(sid)).copied()
    }

    /// The record of message `sid`, if any.
    pub(crate) fn find(&self, sid: &MessageSid) -> Option<&Record> {
        self.position(sid).map(|i| &self.records[i])
    }

    /// The record of message `sid`, for changing it, if any.
    pub(crate) fn find_mut(&mut self, sid: &MessageSid) -> Option<&mut Record> {
        self.position(sid).map(|i| &mut self.records[i])
    }

    /// Removes message `sid` (and its media) and returns it, if it exists. O(n): deletes are rare.
    pub(crate) fn remove(&mut self, sid: &MessageSid) -> Option<Record> {
        let at = self.position(sid)?;
        let record = self.records.remove(at);
        self.send_at.remove(&record.message.sid);
        self.index.remove(&sid_key(&record.message.sid));
        for i in self.index.values_mut() {
            if *i > at {
                *i -= 1;
            }
        }
        Some(record)
    }

    /// Every record, oldest first.
    pub(crate) fn records(&self) -> &[Record] {
        &self.records
    }

    /// Remembers when scheduled message `sid` is to be sent (`SendAt`).
    pub(crate) fn schedule(&mut self, sid: MessageSid, at: DateTime<Utc>) {
        self.send_at.insert(sid, at);
    }

    /// When scheduled message `sid` is to be sent, if it was scheduled.
    pub(crate) fn send_at(&self, sid: &MessageSid) -> Option<DateTime<Utc>> {
        self.send_at.get(sid).copied()
    }

    /// Forgets every message, media item and schedule and restarts the SID counters, keeping the
    /// configuration (owned numbers, SMS URL). Everything else in the state returns to its
    /// default.
    pub(crate) fn reset(&mut self) {
        let numbers = std::mem::take(&mut self.numbers);
        let sms_url = self.sms_url.take();
        *self = SimState {
            numbers,
            sms_url,
            ..SimState::default()
        };
    }

    /// How many outbound messages were ever created, deleted ones included.
    pub(crate) fn outbound_created(&self) -> u64 {
        self.outbound_created
    }

    /// At most `limit` messages whose SID counter is above `counter`, oldest first.
    pub(crate) fn messages_after(&self, counter: u64, limit: usize) -> Vec<Message> {
        // Records are in SID-counter order (one counter, appended in order; deletes keep it).
        let from = self
            .records
            .partition_point(|r| r.message.sid.number() <= u128::from(counter));
        self.records[from..]
            .iter()
            .take(limit)
            .map(|r| r.message.clone())
            .collect()
    }

    /// Every message, oldest first.
    pub(crate) fn messages(&self) -> Vec<Message> {
        self.records.iter().map(|r| r.message.clone()).collect()
    }

    /// Every message whose `to` is `to` (compared as given and in E.164), oldest first.
    /// Twilio's opt-out auto-replies to `to` (not account messages) are merged in by SID counter.
    pub(crate) fn messages_to(&self, to: &str) -> Vec<Message> {
        let normal = numbers::normalise(to);
        let mut found: Vec<Message> = self
            .records
            .iter()
            .map(|r| &r.message)
            .chain(&self.optout.auto_replies)
            .filter(|m| m.to == normal || m.to == to)
            .cloned()
            .collect();
        // SIDs share one counter; order by it (the hex digits), whatever the SM/MM prefix.
        found.sort_by(|a, b| a.sid.as_str()[2..].cmp(&b.sid.as_str()[2..]));
        found
    }
}

/// A MIME type for a media URL from its path's extension; `application/octet-stream` when unknown.
pub(crate) fn guess_content_type(url: &str) -> &'static str {
    let path = url::Url::parse(url)
        .map(|u| u.path().to_ascii_lowercase())
        .unwrap_or_default();
    let ext = path.rsplit_once('.').map_or("", |(_, e)| e);
    match ext {
        "jpg" | "jpeg" => "image/jpeg",
        "png" => "image/png",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "mp4" => "video/mp4",
        "mp3" => "audio/mpeg",
        "pdf" => "application/pdf",
        "vcf" => "text/vcard",
        "txt" => "text/plain",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sids_share_one_counter_and_media_have_their_own() {
        let mut s = SimState::new(vec![], None);
        assert_eq!(s.next_message_sid(false).0, MessageSid::sms(1));
        assert_eq!(s.next_message_sid(true).0, MessageSid::mms(2));
        let media = s.new_media(&["https://x.test/a.JPG".into(), "https://x.test/b".into()]);
        assert_eq!(media[0].sid, MediaSid::from_counter(1));
        assert_eq!(media[1].sid, MediaSid::from_counter(2));
        assert_eq!(media[0].content_type, "image/jpeg");
        assert_eq!(media[1].content_type, "application/octet-stream");
    }

    #[test]
    fn numbers_are_owned_as_given_or_in_e164() {
        let s = SimState::new(vec!["+1 415-555-2671".into(), "12345".into()], None);
        assert!(s.owns("+14155552671"));
        assert!(s.owns("+1 (415) 555-2671"));
        assert!(s.owns("12345"));
        assert!(!s.owns("+14155552672"));
        assert_eq!(s.owned("+1 (415) 555-2671"), Some("+14155552671"));
        assert_eq!(s.owned("12345"), Some("12345"));
        assert_eq!(s.owned("+14155552672"), None);
    }
}
