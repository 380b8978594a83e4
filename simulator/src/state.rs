//! The simulated account's state: owned numbers, the SMS URL, SID counters and the retained
//! messages with what a later feature needs to know about them (status callback URL, media,
//! inbound delivery). It lives in one `std::sync::Mutex` inside [`crate::Core`]; nothing here is
//! async.
//!
//! **Retention.** Messages are kept in a `BTreeMap` keyed by their SID counter (the number in the
//! SID), so the oldest is the first entry. A message is *settled* when its status is final
//! ([`is_final`]) and nothing holds it: every scheduled status change, status callback waiting in
//! `delivery` (delayed or held back) or being POSTed, and inbound webhook delivery in progress
//! holds its message ([`SimState::hold`], [`Hold`]). Whenever more than `retain` messages are
//! stored, the oldest settled ones are dropped (with their media and schedule) until `retain`
//! remain or none is settled: an unsettled message is never dropped, however old. The settled
//! ones are tracked in a `BTreeSet` of counters, so each drop costs O(log n) and a message that
//! stays unsettled costs nothing per later message. A dropped message is gone as a deleted one
//! is; the SID counters and `outbound_created` are not affected. The debugger log and Twilio's
//! keyword auto-replies keep their newest `retain` entries.

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::ops::Bound;

use chrono::{DateTime, Utc};
use twilio_wire::date::rfc2822;
use twilio_wire::message::{Direction, Message, MessageStatus, SubresourceUris, API_VERSION};
use twilio_wire::sid::{AccountSid, MediaSid, MessageSid};

use crate::list::{Start, Window};
use crate::numbers;

/// How many messages are retained by default ([`crate::SimConfig::retain`]).
pub const DEFAULT_RETAIN: usize = 100_000;

/// True for the statuses nothing follows: `delivered`, `undelivered`, `failed`, `received`,
/// `read`, `partially_delivered` and `canceled` (an inbound `received` message is settled only once
/// its webhook delivery is over, see [`Hold`]).
pub(crate) fn is_final(status: MessageStatus) -> bool {
    !matches!(
        status,
        MessageStatus::Queued
            | MessageStatus::Sending
            | MessageStatus::Sent
            | MessageStatus::Accepted
            | MessageStatus::Scheduled
            | MessageStatus::Receiving
    )
}

/// The counter of `sid` (the number its hex digits spell), when it fits a `u64` (every SID the
/// simulator hands out does).
pub(crate) fn counter(sid: &MessageSid) -> Option<u64> {
    u64::try_from(sid.number()).ok()
}

/// Everything the simulated account holds.
#[derive(Debug)]
pub(crate) struct SimState {
    /// Owned numbers, normalised to E.164 when libphonenumber can read them, in insertion order.
    numbers: Vec<String>,
    sms_url: Option<String>,
    /// The last message number handed out (SIDs start at 1); shared by inbound and outbound.
    last_message: u64,
    /// The last media number handed out.
    last_media: u64,
    /// The retained messages by SID counter, oldest first. Boxed: a B-tree node holds 11 entries
    /// and is about half full under appends, so inline records would waste half a node's bytes.
    records: BTreeMap<u64, Box<Record>>,
    /// The counters of the settled retained messages (final, nothing holds them): the ones
    /// retention may drop, oldest first.
    settled: BTreeSet<u64>,
    /// Most messages kept before the oldest settled ones are dropped (see the module docs).
    retain: usize,
    /// How many outbound messages were ever created (deleted and dropped ones included).
    outbound_created: u64,
    /// `SendAt` of retained scheduled messages (`ScheduleType=fixed`), by SID counter.
    send_at: BTreeMap<u64, DateTime<Utc>>,
    /// Carrier profiles, outbound lifecycles, status callbacks not yet sent (`delivery`).
    pub(crate) delivery: crate::delivery::DeliveryState,
    /// Opt-out blocks and Twilio's keyword auto-replies (`optout`).
    pub(crate) optout: crate::optout::OptOutState,
    /// Injected webhook and status-callback faults with their seeded generator (`faults`).
    pub(crate) faults: crate::faults::Faults,
    /// The debugger log, oldest first, its newest `retain` events (`webhook`).
    debugger: VecDeque<crate::webhook::DebuggerEvent>,
}

impl Default for SimState {
    fn default() -> Self {
        SimState {
            numbers: Vec::new(),
            sms_url: None,
            last_message: 0,
            last_media: 0,
            records: BTreeMap::new(),
            settled: BTreeSet::new(),
            retain: DEFAULT_RETAIN,
            outbound_created: 0,
            send_at: BTreeMap::new(),
            delivery: Default::default(),
            optout: Default::default(),
            faults: Default::default(),
            debugger: VecDeque::new(),
        }
    }
}

/// Appends `item` to `log`, then forgets its oldest entries beyond `cap`.
pub(crate) fn push_bounded<T>(log: &mut VecDeque<T>, item: T, cap: usize) {
    log.push_back(item);
    while log.len() > cap {
        log.pop_front();
    }
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
    /// How many holds keep it from being dropped (see the module docs): 0 for a new outbound
    /// message (its lifecycle takes one in `delivery::schedule`), 1 for a new inbound message
    /// (its webhook delivery, released by a [`Hold`]).
    pub(crate) holds: u32,
}

/// A hold on a message ([`SimState::hold`]) taken under the state lock and released when the
/// guard is dropped, for work done outside the lock (an inbound webhook delivery, a status
/// callback being POSTed): a future dropped half-way still releases it. It locks the state when
/// dropped, so never drop one while holding the state lock.
pub(crate) struct Hold<'a> {
    core: &'a crate::Core,
    sid: MessageSid,
}

impl<'a> Hold<'a> {
    /// Takes charge of one hold already counted on message `sid`.
    pub(crate) fn adopt(core: &'a crate::Core, sid: MessageSid) -> Hold<'a> {
        Hold { core, sid }
    }
}

impl Drop for Hold<'_> {
    fn drop(&mut self) {
        self.core.state().release(&self.sid);
    }
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
    /// A state owning `numbers` with SMS URL `sms_url`, retaining `retain` messages, and no
    /// messages.
    pub(crate) fn new(numbers: Vec<String>, sms_url: Option<String>, retain: usize) -> SimState {
        let mut state = SimState {
            sms_url,
            retain,
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
        // Newest first: the media whose bytes arrive late are an inbound MMS's, just recorded.
        let media = self
            .records
            .values_mut()
            .rev()
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

    /// Appends a record (its SID counter is the newest) and applies retention. A record that is
    /// already settled (final, no holds) may be dropped at once when `retain` is 0.
    pub(crate) fn push(&mut self, record: Record) {
        if record.message.direction != Direction::Inbound {
            self.outbound_created += 1;
        }
        let Some(n) = counter(&record.message.sid) else {
            return;
        };
        let settled = is_final(record.message.status) && record.holds == 0;
        self.records.insert(n, Box::new(record));
        if settled {
            self.settled.insert(n);
        }
        self.prune();
    }

    /// The record of message `sid`, if retained: O(log n). `MM…` and `SM…` with the same number
    /// are different SIDs, as Twilio's are.
    pub(crate) fn find(&self, sid: &MessageSid) -> Option<&Record> {
        let record = self.records.get(&counter(sid)?)?;
        (record.message.sid.is_mms() == sid.is_mms()).then_some(&**record)
    }

    /// The record of message `sid`, for changing it, if retained. Call [`SimState::settle`] after
    /// making it final.
    pub(crate) fn find_mut(&mut self, sid: &MessageSid) -> Option<&mut Record> {
        let record = self.records.get_mut(&counter(sid)?)?;
        (record.message.sid.is_mms() == sid.is_mms()).then_some(&mut **record)
    }

    /// Removes message `sid` (and its media and schedule) and returns it, if retained: O(log n).
    pub(crate) fn remove(&mut self, sid: &MessageSid) -> Option<Record> {
        self.find(sid)?;
        let n = counter(sid)?;
        self.send_at.remove(&n);
        self.settled.remove(&n);
        self.records.remove(&n).map(|r| *r)
    }

    /// The retained records, oldest first; `.rev()` gives them newest first.
    pub(crate) fn records(&self) -> impl DoubleEndedIterator<Item = &Record> {
        self.records.values().map(|r| &**r)
    }

    /// The retained records whose SID counter is within `range`, oldest first: O(log n) to find
    /// the first, then O(1) each.
    pub(crate) fn records_in(
        &self,
        range: (Bound<u64>, Bound<u64>),
    ) -> impl DoubleEndedIterator<Item = &Record> {
        self.records.range(range).map(|(_, r)| &**r)
    }

    /// The window `start` and `size` ask for of the unfiltered message list (every retained
    /// message, newest first), read through ranges of the B-tree: O(log n + size), or
    /// O(offset + size) for [`Start::Offset`]. The same window as [`crate::list::window`] cuts
    /// from the whole list.
    pub(crate) fn newest_window(&self, start: Start, size: usize) -> Window<&Record> {
        // `items` holds up to one record past the page, to tell whether more follow.
        fn cut(
            mut items: Vec<&Record>,
            size: usize,
            more_before: bool,
        ) -> (Vec<&Record>, bool, bool) {
            let more_after = items.len() > size;
            items.truncate(size);
            (items, more_before, more_after)
        }
        let (items, more_before, more_after) = match start {
            Start::After(n) => match u64::try_from(n) {
                Ok(n) => cut(
                    self.records_in((Bound::Unbounded, Bound::Excluded(n)))
                        .rev()
                        .take(size + 1)
                        .collect(),
                    size,
                    self.records.range(n..).next().is_some(),
                ),
                Err(_) => cut(self.records().rev().take(size + 1).collect(), size, false),
            },
            Start::Before(n) => {
                let above: Vec<&Record> = match u64::try_from(n) {
                    Ok(n) => self
                        .records_in((Bound::Excluded(n), Bound::Unbounded))
                        .take(size + 1)
                        .collect(),
                    Err(_) => Vec::new(),
                };
                if above.len() < size {
                    // Fewer than a page precede the token: the first page.
                    return self.newest_window(Start::Offset(0), size);
                }
                let more_before = above.len() > size;
                let mut items: Vec<&Record> = above.into_iter().take(size).collect();
                items.reverse();
                let more_after = u64::try_from(n)
                    .map_or(true, |n| self.records.range(..=n).next_back().is_some());
                (items, more_before, more_after)
            }
            Start::Offset(o) => cut(
                self.records().rev().skip(o).take(size + 1).collect(),
                size,
                o > 0 && !self.records.is_empty(),
            ),
        };
        Window {
            items,
            more_before,
            more_after,
        }
    }

    /// How many messages are retained.
    pub(crate) fn len(&self) -> usize {
        self.records.len()
    }

    /// Most messages kept before the oldest settled ones are dropped.
    pub(crate) fn retain(&self) -> usize {
        self.retain
    }

    /// Keeps at most `retain` messages from now on (as far as settled ones allow), dropping the
    /// oldest settled ones at once; the debugger log and auto-replies are cut to their newest
    /// `retain` entries.
    pub(crate) fn set_retention(&mut self, retain: usize) {
        self.retain = retain;
        self.prune();
        while self.debugger.len() > retain {
            self.debugger.pop_front();
        }
        while self.optout.auto_replies.len() > retain {
            self.optout.auto_replies.pop_front();
        }
    }

    /// Adds a hold on message `sid` (a scheduled status change, a callback waiting or being sent,
    /// a webhook delivery); it is not dropped until every hold is released. Unknown SIDs are
    /// ignored.
    pub(crate) fn hold(&mut self, sid: &MessageSid) {
        self.hold_n(sid, 1);
    }

    /// Adds `n` holds on message `sid` (see [`SimState::hold`]).
    pub(crate) fn hold_n(&mut self, sid: &MessageSid, n: u32) {
        if n == 0 {
            return;
        }
        if let Some(record) = self.find_mut(sid) {
            record.holds += n;
            if let Some(c) = counter(sid) {
                self.settled.remove(&c);
            }
        }
    }

    /// Releases one hold on message `sid`, then settles it (see [`SimState::settle`]). Unknown
    /// (deleted or dropped) SIDs are ignored.
    pub(crate) fn release(&mut self, sid: &MessageSid) {
        if let Some(record) = self.find_mut(sid) {
            record.holds = record.holds.saturating_sub(1);
            self.settle(sid);
        }
    }

    /// Marks message `sid` as droppable when its status is final and nothing holds it, then
    /// applies retention. Call it after a change that may have settled it.
    pub(crate) fn settle(&mut self, sid: &MessageSid) {
        let settled = self
            .find(sid)
            .is_some_and(|r| r.holds == 0 && is_final(r.message.status));
        if let (true, Some(n)) = (settled, counter(sid)) {
            self.settled.insert(n);
            self.prune();
        }
    }

    /// Drops the oldest settled messages while more than `retain` are stored.
    fn prune(&mut self) {
        while self.records.len() > self.retain {
            let Some(n) = self.settled.pop_first() else {
                return;
            };
            self.records.remove(&n);
            self.send_at.remove(&n);
        }
    }

    /// Appends `event` to the debugger log, keeping its newest `retain` events.
    pub(crate) fn log_debugger(&mut self, event: crate::webhook::DebuggerEvent) {
        push_bounded(&mut self.debugger, event, self.retain);
    }

    /// The debugger log, oldest first.
    pub(crate) fn debugger(&self) -> Vec<crate::webhook::DebuggerEvent> {
        self.debugger.iter().cloned().collect()
    }

    /// Remembers when scheduled message `sid` is to be sent (`SendAt`).
    pub(crate) fn schedule(&mut self, sid: &MessageSid, at: DateTime<Utc>) {
        if let Some(n) = counter(sid) {
            self.send_at.insert(n, at);
        }
    }

    /// When scheduled message `sid` is to be sent, if it was scheduled (and is retained).
    pub(crate) fn send_at(&self, sid: &MessageSid) -> Option<DateTime<Utc>> {
        self.send_at.get(&counter(sid)?).copied()
    }

    /// Forgets every message, media item and schedule and restarts the SID counters, keeping the
    /// configuration (owned numbers, SMS URL, retention, delivery timing). Everything else in the state returns to
    /// its default.
    pub(crate) fn reset(&mut self) {
        let numbers = std::mem::take(&mut self.numbers);
        let sms_url = self.sms_url.take();
        let timing = self.delivery.timing;
        *self = SimState {
            numbers,
            sms_url,
            retain: self.retain,
            ..SimState::default()
        };
        self.delivery.timing = timing;
    }

    /// How many outbound messages were ever created, deleted and dropped ones included.
    pub(crate) fn outbound_created(&self) -> u64 {
        self.outbound_created
    }

    /// Every retained message, oldest first: O(n).
    pub(crate) fn messages(&self) -> Vec<Message> {
        self.records().map(|r| r.message.clone()).collect()
    }

    /// The retained messages whose SID counter is greater than `after`, oldest first, at most
    /// `limit`: O(log n + limit).
    pub(crate) fn messages_after(&self, after: u64, limit: usize) -> Vec<Message> {
        self.records_in((Bound::Excluded(after), Bound::Unbounded))
            .take(limit)
            .map(|r| r.message.clone())
            .collect()
    }

    /// Every message whose `to` is `to` (compared as given and in E.164), oldest first.
    /// Twilio's opt-out auto-replies to `to` (not account messages) are merged in by SID counter.
    pub(crate) fn messages_to(&self, to: &str) -> Vec<Message> {
        let normal = numbers::normalise(to);
        let mut found: Vec<Message> = self
            .records()
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
        let mut s = SimState::new(vec![], None, DEFAULT_RETAIN);
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
        let s = SimState::new(
            vec!["+1 415-555-2671".into(), "12345".into()],
            None,
            DEFAULT_RETAIN,
        );
        assert!(s.owns("+14155552671"));
        assert!(s.owns("+1 (415) 555-2671"));
        assert!(s.owns("12345"));
        assert!(!s.owns("+14155552672"));
        assert_eq!(s.owned("+1 (415) 555-2671"), Some("+14155552671"));
        assert_eq!(s.owned("12345"), Some("12345"));
        assert_eq!(s.owned("+14155552672"), None);
    }
}

#[cfg(test)]
mod retention_tests {
    use super::*;
    use crate::list::{window, ListQuery};

    /// Appends message `n` (SID counter `n`) with `status` and `holds`, as an outbound create.
    fn push(s: &mut SimState, n: u64, status: MessageStatus, holds: u32) {
        while s.last_message < n {
            s.next_message_sid(false);
        }
        let account = AccountSid::from_counter(1);
        let message = SimState::new_message(
            &account,
            NewMessage {
                sid: MessageSid::sms(n),
                direction: Direction::OutboundApi,
                status,
                from: "+14155550100",
                to: "+14155552671",
                body: "hi",
                num_media: 0,
                now: crate::test_support::t0(),
                sent: None,
            },
        );
        s.push(Record {
            message,
            status_callback: None,
            media: Vec::new(),
            inbound: None,
            holds,
        });
    }

    fn kept(s: &SimState) -> Vec<u64> {
        s.records()
            .map(|r| counter(&r.message.sid).unwrap())
            .collect()
    }

    #[test]
    fn retention_drops_the_oldest_settled_first_and_never_one_in_flight() {
        let mut s = SimState::new(vec![], None, 3);
        push(&mut s, 1, MessageStatus::Queued, 1); // in flight: its lifecycle holds it
        push(&mut s, 2, MessageStatus::Delivered, 0);
        push(&mut s, 3, MessageStatus::Delivered, 1); // a status callback still pending
        s.schedule(&MessageSid::sms(2), crate::test_support::t0());
        assert_eq!(kept(&s), [1, 2, 3]);
        push(&mut s, 4, MessageStatus::Delivered, 0);
        assert_eq!(kept(&s), [1, 3, 4], "the oldest settled one goes first");
        assert_eq!(
            s.send_at(&MessageSid::sms(2)),
            None,
            "its schedule went with it"
        );
        push(&mut s, 5, MessageStatus::Received, 0);
        assert_eq!(kept(&s), [1, 3, 5], "neither the oldest nor a held one");
        assert!(s.find(&MessageSid::sms(4)).is_none());

        // Releasing the callback settles 3 without dropping it: 3 messages are not too many.
        s.release(&MessageSid::sms(3));
        assert_eq!(kept(&s), [1, 3, 5]);
        push(&mut s, 6, MessageStatus::Failed, 0);
        assert_eq!(kept(&s), [1, 5, 6]);

        // Nothing settled: more than `retain` stay stored.
        push(&mut s, 7, MessageStatus::Queued, 1);
        push(&mut s, 8, MessageStatus::Queued, 1);
        assert_eq!(kept(&s), [1, 7, 8]);
        push(&mut s, 9, MessageStatus::Sending, 1);
        assert_eq!(kept(&s), [1, 7, 8, 9]);
        // 1 becomes final once its lifecycle ends; it is then the oldest settled one.
        s.find_mut(&MessageSid::sms(1)).unwrap().message.status = MessageStatus::Delivered;
        s.release(&MessageSid::sms(1));
        assert_eq!(kept(&s), [7, 8, 9]);
        // A hold taken again (a re-delivery) protects a settled message.
        s.find_mut(&MessageSid::sms(7)).unwrap().message.status = MessageStatus::Delivered;
        s.release(&MessageSid::sms(7));
        s.hold(&MessageSid::sms(7));
        s.set_retention(1);
        assert_eq!(kept(&s), [7, 8, 9]);
        s.release(&MessageSid::sms(7));
        assert_eq!(kept(&s), [8, 9]);

        // Counters are not affected; MM and SM with one number are different messages.
        assert_eq!(s.next_message_sid(false).0, MessageSid::sms(10));
        assert_eq!(s.outbound_created(), 9);
        assert!(s.find(&MessageSid::mms(8)).is_none());
        assert!(s.find(&MessageSid::sms(8)).is_some());
        s.set_retention(usize::MAX);
        push(&mut s, 11, MessageStatus::Delivered, 0);
        push(&mut s, 12, MessageStatus::Delivered, 0);
        assert_eq!(kept(&s), [8, 9, 11, 12]);
        assert_eq!(
            s.messages_after(9, 2)
                .iter()
                .map(|m| m.sid.number())
                .collect::<Vec<_>>(),
            [11, 12]
        );
        assert!(s.messages_after(12, 5).is_empty());
        assert!(s.messages_after(u64::MAX, 5).is_empty());
    }

    #[test]
    fn retain_zero_drops_each_message_once_settled() {
        let mut s = SimState::new(vec![], None, 0);
        push(&mut s, 1, MessageStatus::Delivered, 0);
        assert!(kept(&s).is_empty());
        push(&mut s, 2, MessageStatus::Queued, 1);
        assert_eq!(kept(&s), [2]);
        s.find_mut(&MessageSid::sms(2)).unwrap().message.status = MessageStatus::Undelivered;
        s.settle(&MessageSid::sms(2));
        assert_eq!(kept(&s), [2], "settle does not ignore holds");
        s.release(&MessageSid::sms(2));
        assert!(kept(&s).is_empty());
    }

    #[test]
    fn the_debugger_log_and_auto_replies_keep_the_newest_retain() {
        let mut s = SimState::new(vec![], None, 2);
        for i in 0..5 {
            crate::webhook::log(
                &mut s,
                crate::test_support::t0(),
                11200,
                &format!("attempt {i}"),
                None,
                None,
            );
        }
        let messages: Vec<String> = s.debugger().into_iter().map(|e| e.message).collect();
        assert_eq!(
            messages,
            [
                "HTTP retrieval failure: attempt 3",
                "HTTP retrieval failure: attempt 4"
            ]
        );
        let account = AccountSid::from_counter(1);
        for body in ["STOP", "START", "HELP"] {
            crate::optout::on_inbound(
                &mut s,
                &account,
                "+14155550100",
                "+14155552671",
                body,
                crate::test_support::t0(),
            );
        }
        let replies: Vec<u128> = s
            .optout
            .auto_replies
            .iter()
            .map(|m| m.sid.number())
            .collect();
        assert_eq!(replies, [2, 3]);
        s.set_retention(1);
        assert_eq!(s.debugger().len(), 1);
        assert_eq!(s.optout.auto_replies.len(), 1);
    }

    #[test]
    fn unfiltered_windows_from_the_tree_match_the_whole_list() {
        let mut s = SimState::new(vec![], None, usize::MAX);
        for n in [1, 2, 3, 5, 6, 7, 8, 10, 11, 12, 13] {
            push(&mut s, n, MessageStatus::Delivered, 0);
        }
        s.remove(&MessageSid::sms(7));
        let all: Vec<&Record> = s.records().rev().collect();
        let sid = |r: &&Record| r.message.sid.to_string();
        let mut queries = vec!["".to_owned(), "PageToken=nope".to_owned()];
        for size in [1, 2, 3, 4, 20] {
            for page in 0..5 {
                queries.push(format!("PageSize={size}&Page={page}"));
            }
            for n in [0u64, 1, 4, 7, 9, 12, 13, 14, u64::MAX] {
                for kind in ["PA", "PB"] {
                    queries.push(format!(
                        "PageSize={size}&PageToken={kind}{}",
                        MessageSid::mms(n)
                    ));
                }
            }
            queries.push(format!(
                "PageSize={size}&PageToken=PASMffffffffffffffffffffffffffffffff"
            ));
            queries.push(format!(
                "PageSize={size}&PageToken=PBSMffffffffffffffffffffffffffffffff"
            ));
            queries.push(format!(
                "PageSize={size}&PageToken=PBSMzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz&Page=3"
            ));
        }
        let mut pages = 0;
        for q in &queries {
            let query = ListQuery::parse(Some(q), &[]);
            let whole = window(&all, |r| r.message.sid.as_str(), true, &query);
            let fast = s.newest_window(query.start(), query.page_size as usize);
            let shown = |w: &Window<&Record>| {
                (
                    w.items.iter().map(sid).collect::<Vec<_>>(),
                    w.more_before,
                    w.more_after,
                )
            };
            assert_eq!(shown(&fast), shown(&whole), "{q}");
            pages += usize::from(!whole.items.is_empty());
        }
        assert!(pages > queries.len() / 2, "most queries give a page");
    }
}
