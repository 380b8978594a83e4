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

use std::collections::{BTreeMap, BTreeSet, BinaryHeap, HashMap, VecDeque};
use std::ops::{Bound, RangeBounds};
use std::sync::Arc;

use chrono::{DateTime, Utc};
use twilio_wire::message::{Direction, Message, MessageStatus};
use twilio_wire::sid::{AccountSid, MediaSid, MessageSid};

use crate::list::{Start, Window};
use crate::numbers;
use crate::stored::{StoredMessage, Text};

/// At most this many dropped records wait to be freed outside the lock ([`SimState::take_dropped`]).
const DROPPED_KEPT: usize = 1024;

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
    /// The account every message belongs to (shown in their JSON, signed into callbacks).
    account: AccountSid,
    /// Owned numbers, normalised to E.164 when libphonenumber can read them, in insertion order.
    numbers: Vec<String>,
    sms_url: Option<String>,
    /// The last message number handed out (SIDs start at 1); shared by inbound and outbound.
    last_message: u64,
    /// The last media number handed out.
    last_media: u64,
    /// The retained messages by SID counter, oldest first. Inline, not boxed: a status change
    /// finds its record in the B-tree's leaf (a record is small: its message is behind an `Arc`,
    /// an inbound delivery behind a `Box`), one cache miss fewer per change than a box would
    /// cost for a message 2.5 s old.
    records: BTreeMap<u64, Record>,
    /// The counters of the settled retained messages (final, nothing holds them): the ones
    /// retention may drop, oldest first.
    settled: BTreeSet<u64>,
    /// The list filters' indexes over `records`.
    index: Indexes,
    /// Records retention has just dropped, to be freed after the state lock is released
    /// ([`SimState::take_dropped`]): freeing a message's strings under the lock made
    /// every create wait for it. At most [`DROPPED_KEPT`]; past that they are freed at once.
    dropped: Vec<Record>,
    /// Most messages kept before the oldest settled ones are dropped (see the module docs).
    retain: usize,
    /// How many outbound messages were ever created (deleted and dropped ones included).
    outbound_created: u64,
    /// `SendAt` of retained scheduled messages (`ScheduleType=fixed`), by SID counter, with the
    /// sender a Messaging Service picked for one, shown as its `from` once it is sent.
    send_at: BTreeMap<u64, (DateTime<Utc>, Option<Text>)>,
    /// Carrier profiles, outbound lifecycles, status callbacks not yet sent (`delivery`).
    pub(crate) delivery: crate::delivery::DeliveryState,
    /// Opt-out blocks and Twilio's keyword auto-replies (`optout`).
    pub(crate) optout: crate::optout::OptOutState,
    /// Injected webhook and status-callback faults with their seeded generator (`faults`).
    pub(crate) faults: crate::faults::Faults,
    /// The debugger log, oldest first, its newest `retain` events (`webhook`).
    debugger: VecDeque<crate::webhook::DebuggerEvent>,
    /// The owned numbers' IncomingPhoneNumber settings (`phone_numbers`): configuration, kept
    /// by [`SimState::reset`].
    pub(crate) phone_numbers: crate::phone_numbers::NumberSettings,
    /// Messaging Services and their sender pools (`services`): configuration, kept by
    /// [`SimState::reset`].
    pub(crate) services: crate::services::Services,
    /// The newest status changes and webhook/callback deliveries, for the inspector page
    /// (`inspector`).
    pub(crate) journal: crate::inspector::Journal,
}

impl Default for SimState {
    fn default() -> Self {
        SimState {
            // `SimState::new` sets the simulator's; this is the default account's SID.
            account: AccountSid::from_counter(1),
            numbers: Vec::new(),
            sms_url: None,
            last_message: 0,
            last_media: 0,
            records: BTreeMap::new(),
            settled: BTreeSet::new(),
            index: Indexes::default(),
            dropped: Vec::new(),
            retain: DEFAULT_RETAIN,
            outbound_created: 0,
            send_at: BTreeMap::new(),
            delivery: Default::default(),
            optout: Default::default(),
            faults: Default::default(),
            debugger: VecDeque::new(),
            phone_numbers: Default::default(),
            services: Default::default(),
            journal: Default::default(),
        }
    }
}

/// The secondary indexes of the retained messages, for the list filters `To`, `From` and
/// `DateSent` (§2.4): kept in step by [`SimState::push`], [`SimState::remove`], retention drops
/// and [`SimState::change_at`]. About 80 bytes per message.
#[derive(Debug, Default)]
struct Indexes {
    /// SID counters by `To`, as stored.
    to: HashMap<String, BTreeSet<u64>>,
    /// SID counters by `From`, as stored (a message without one is not indexed).
    from: HashMap<String, BTreeSet<u64>>,
    /// (`date_sent` in Unix seconds, SID counter) of the messages that have one.
    sent: BTreeSet<(i64, u64)>,
    /// The same, by SID counter: the messages sent, in list order, without the ones still in
    /// flight (the newest, under load) or never sent.
    sent_by_sid: BTreeMap<u64, i64>,
}

/// Adds `n` to the set of `key` in `map`.
fn index_insert(map: &mut HashMap<String, BTreeSet<u64>>, key: &str, n: u64) {
    match map.get_mut(key) {
        Some(set) => {
            set.insert(n);
        }
        None => {
            map.insert(key.to_owned(), BTreeSet::from([n]));
        }
    }
}

/// Removes `n` from the set of `key` in `map`, and the key with its last counter.
fn index_remove(map: &mut HashMap<String, BTreeSet<u64>>, key: &str, n: u64) {
    if let Some(set) = map.get_mut(key) {
        set.remove(&n);
        if set.is_empty() {
            map.remove(key);
        }
    }
}

impl Indexes {
    fn insert(&mut self, n: u64, r: &Record) {
        index_insert(&mut self.to, &r.message.to, n);
        if let Some(from) = &r.message.from {
            index_insert(&mut self.from, from, n);
        }
        if let Some(t) = r.sent_at {
            self.sent.insert((t, n));
            self.sent_by_sid.insert(n, t);
        }
    }

    fn remove(&mut self, n: u64, r: &Record) {
        index_remove(&mut self.to, &r.message.to, n);
        if let Some(from) = &r.message.from {
            index_remove(&mut self.from, from, n);
        }
        if let Some(t) = r.sent_at {
            self.sent.remove(&(t, n));
            self.sent_by_sid.remove(&n);
        }
    }
}

/// What a message list keeps (§2.4), in the indexes' terms. A number filter matches a message
/// whose stored number equals either form.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct ListFilter {
    /// `To`: (as given, normalised to E.164).
    pub(crate) to: Option<(String, String)>,
    /// `From`: (as given, normalised to E.164).
    pub(crate) from: Option<(String, String)>,
    /// `DateSent` bounds in Unix seconds (lower inclusive, upper exclusive); `None` without a
    /// date filter. A message not sent never matches one.
    pub(crate) sent: Option<(Bound<i64>, Bound<i64>)>,
}

impl ListFilter {
    fn is_empty(&self) -> bool {
        self.to.is_none() && self.from.is_none() && self.sent.is_none()
    }

    /// Whether record `r` passes every filter.
    fn matches(&self, r: &Record) -> bool {
        let number = |value: Option<&str>, wanted: &Option<(String, String)>| match wanted {
            None => true,
            Some((given, normal)) => value.is_some_and(|v| v == given || v == normal),
        };
        number(Some(&r.message.to), &self.to)
            && number(r.message.from.as_deref(), &self.from)
            && self
                .sent
                .is_none_or(|range| r.sent_at.is_some_and(|t| range.contains(&t)))
    }
}

/// Which way a list is read: towards older messages (lower SID counters) or newer ones.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Towards {
    Older,
    Newer,
}

/// The counters of `range` in `set`, in the order `way` reads them.
fn walk<'a>(
    set: &'a BTreeSet<u64>,
    range: (Bound<u64>, Bound<u64>),
    way: Towards,
) -> Box<dyn Iterator<Item = u64> + 'a> {
    let it = set.range(range).copied();
    match way {
        Towards::Older => Box::new(it.rev()),
        Towards::Newer => Box::new(it),
    }
}

/// Merges two iterators that each yield counters in the order `way` reads them, without
/// repeating a counter both yield.
fn merge<'a>(
    a: Box<dyn Iterator<Item = u64> + 'a>,
    b: Box<dyn Iterator<Item = u64> + 'a>,
    way: Towards,
) -> impl Iterator<Item = u64> + 'a {
    let (mut a, mut b) = (a.peekable(), b.peekable());
    std::iter::from_fn(move || {
        let first = match (a.peek(), b.peek()) {
            (None, None) => return None,
            (Some(_), None) => true,
            (None, Some(_)) => false,
            (Some(x), Some(y)) => match way {
                Towards::Older => x >= y,
                Towards::Newer => x <= y,
            },
        };
        let next = if first { a.next() } else { b.next() }?;
        // Drop the same counter from the other side.
        if first {
            b.next_if_eq(&next);
        } else {
            a.next_if_eq(&next);
        }
        Some(next)
    })
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
    /// The resource, compact ([`StoredMessage`]), shared so that a list copies pointers under
    /// the state lock and serialises after releasing it; change it with [`Record::message_mut`]
    /// (copy on write).
    pub(crate) message: Arc<StoredMessage>,
    /// `date_sent` in Unix seconds, for the `DateSent` index: [`SimState::push`] reads it from
    /// the message (give `None`) and [`SimState::mark_sent`] sets both.
    pub(crate) sent_at: Option<i64>,
    /// The create request's `StatusCallback` (or a TwiML reply's `action`), for status
    /// callbacks (`delivery`).
    pub(crate) status_callback: Option<String>,
    /// The message's media, in `MediaUrl` order.
    #[allow(dead_code)]
    pub(crate) media: Vec<MediaRecord>,
    /// How the inbound webhook was delivered, for inbound messages that were posted (none when no
    /// SMS URL applied) (boxed: most messages are outbound, and records are stored inline in the
    /// B-tree).
    pub(crate) inbound: Option<Box<InboundRecord>>,
    /// How many holds keep it from being dropped (see the module docs): 0 for a new outbound
    /// message (its lifecycle takes one in `delivery::schedule`), 1 for a new inbound message
    /// posted to a webhook (its delivery, released by a [`Hold`]), 0 for one posted nowhere.
    pub(crate) holds: u32,
}

impl Record {
    /// The message, for changing it. Never change `to`, `from` or `date_sent` this way: the
    /// list indexes follow them (see [`Record::mark_sent`]).
    pub(crate) fn message_mut(&mut self) -> &mut StoredMessage {
        Arc::make_mut(&mut self.message)
    }

    /// Sets `date_sent` (and `sent_at`) to `at`. Only within [`SimState::change_at`], which
    /// moves the message in the `DateSent` index.
    pub(crate) fn mark_sent(&mut self, at: DateTime<Utc>) {
        self.sent_at = Some(at.timestamp());
        self.message_mut().date_sent = Some(at);
    }
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

/// A [`Hold`] that owns its share of the simulator, for a task of its own
/// (`delivery::run_due_detached`): released when dropped, wherever that happens.
pub(crate) struct OwnedHold {
    core: std::sync::Arc<crate::Core>,
    sid: MessageSid,
}

impl OwnedHold {
    /// Takes charge of one hold already counted on message `sid`.
    pub(crate) fn adopt(core: std::sync::Arc<crate::Core>, sid: MessageSid) -> OwnedHold {
        OwnedHold { core, sid }
    }
}

impl Drop for OwnedHold {
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
    pub(crate) params: crate::webhook::Form,
    /// The `I-Twilio-Idempotency-Token` header (UUID-shaped, derived from the message counter).
    pub(crate) idempotency_token: String,
    /// POST or GET (the number's `SmsMethod` or its Messaging Service's `InboundMethod`).
    pub(crate) method: crate::webhook::Method,
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
    /// A state of `account` owning `numbers` with SMS URL `sms_url`, retaining `retain`
    /// messages, and no messages.
    pub(crate) fn new(
        account: AccountSid,
        numbers: Vec<String>,
        sms_url: Option<String>,
        retain: usize,
    ) -> SimState {
        let mut state = SimState {
            account,
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

    /// The owned numbers, in the order they were added (E.164 when libphonenumber can read
    /// them).
    pub(crate) fn numbers(&self) -> &[String] {
        &self.numbers
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

    /// Raises both SID counters to at least `counter` (see `Simulator::count_sids_from`).
    pub(crate) fn count_sids_from(&mut self, counter: u64) {
        self.last_message = self.last_message.max(counter);
        self.last_media = self.last_media.max(counter);
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

    /// Media records for a handset's MMS, each with the next `ME…` SID and the type the handset
    /// gave, else its URL's.
    pub(crate) fn new_inbound_media(&mut self, media: &[crate::InboundMedia]) -> Vec<MediaRecord> {
        media
            .iter()
            .map(|m| {
                self.last_media += 1;
                MediaRecord {
                    sid: MediaSid::from_counter(self.last_media),
                    source_url: m.url.clone(),
                    content_type: m.content_type(),
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

    /// The account every message belongs to.
    pub(crate) fn account(&self) -> &AccountSid {
        &self.account
    }

    /// A message with every §2.3 field set: segments counted, no error, no Messaging Service,
    /// created and updated at `m.now` (price null with unit USD when shown).
    pub(crate) fn new_message(m: NewMessage<'_>) -> StoredMessage {
        StoredMessage {
            sid: m.sid,
            direction: m.direction,
            status: m.status,
            num_media: u32::try_from(m.num_media).unwrap_or(u32::MAX),
            // A message with media counts as one segment (§8.1, OAI MMS example).
            num_segments: if m.num_media > 0 {
                1
            } else {
                u32::try_from(twilio_wire::segments::num_segments(m.body)).unwrap_or(u32::MAX)
            },
            error_code: None,
            date_created: m.now,
            date_updated: m.now,
            date_sent: m.sent,
            body: m.body.into(),
            to: m.to.into(),
            from: Some(m.from.into()),
            messaging_service_sid: None,
            error_message: None,
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
        let mut record = record;
        record.sent_at = record.message.date_sent.map(|t| t.timestamp());
        self.index.insert(n, &record);
        if let Some(old) = self.records.insert(n, record) {
            // A counter is never handed out twice; should it be, the old record's entries go.
            self.index.remove(n, &old);
            if let Some(r) = self.records.get(&n) {
                self.index.insert(n, r);
            }
        }
        if settled {
            self.settled.insert(n);
        }
        self.prune();
    }

    /// The record of message `sid`, if retained: O(log n). `MM…` and `SM…` with the same number
    /// are different SIDs, as Twilio's are.
    pub(crate) fn find(&self, sid: &MessageSid) -> Option<&Record> {
        let record = self.records.get(&counter(sid)?)?;
        (record.message.sid.is_mms() == sid.is_mms()).then_some(record)
    }

    /// The record of message `sid`, for changing it, if retained. Call [`SimState::settle`] after
    /// making it final.
    pub(crate) fn find_mut(&mut self, sid: &MessageSid) -> Option<&mut Record> {
        let record = self.records.get_mut(&counter(sid)?)?;
        (record.message.sid.is_mms() == sid.is_mms()).then_some(record)
    }

    /// The record whose SID counter is `n`, if retained, whatever its `SM`/`MM` prefix: for
    /// the simulator's own bookkeeping (lifecycles), which knows counters, not SIDs from outside.
    pub(crate) fn at(&self, n: u64) -> Option<&Record> {
        self.records.get(&n)
    }

    /// The record whose SID counter is `n`, for changing it (see [`SimState::at`]).
    pub(crate) fn at_mut(&mut self, n: u64) -> Option<&mut Record> {
        self.records.get_mut(&n)
    }

    /// Removes message `sid` (and its media and schedule) and returns it, if retained: O(log n).
    pub(crate) fn remove(&mut self, sid: &MessageSid) -> Option<Record> {
        self.find(sid)?;
        let n = counter(sid)?;
        self.send_at.remove(&n);
        self.settled.remove(&n);
        let record = self.records.remove(&n)?;
        self.index.remove(n, &record);
        Some(record)
    }

    /// Applies `change` to the record with SID counter `n`, found once, then keeps the state in
    /// step with what it changed: the `DateSent` index when `sent_at` moved (see
    /// [`Record::mark_sent`]), and retention when the message is now settled (final, no holds;
    /// it may then be dropped at once). `None` when no such record is retained. This is the
    /// delivery lifecycle's one look-up per status change: a message 2.5 s old is no longer in
    /// the processor's caches.
    pub(crate) fn change_at<R>(
        &mut self,
        n: u64,
        change: impl FnOnce(&mut Record) -> R,
    ) -> Option<R> {
        let record = self.records.get_mut(&n)?;
        let before = record.sent_at;
        let out = change(record);
        let after = record.sent_at;
        let settled = record.holds == 0 && is_final(record.message.status);
        if before != after {
            if let Some(t) = before {
                self.index.sent.remove(&(t, n));
                self.index.sent_by_sid.remove(&n);
            }
            if let Some(t) = after {
                self.index.sent.insert((t, n));
                self.index.sent_by_sid.insert(n, t);
            }
        }
        if settled {
            self.settled.insert(n);
            self.prune();
        }
        Some(out)
    }

    /// Sets `date_sent` of the message with SID counter `n` to `at` (it has just become `sent`),
    /// keeping the `DateSent` index in step. Unknown counters are ignored.
    #[cfg(test)]
    pub(crate) fn mark_sent(&mut self, n: u64, at: DateTime<Utc>) {
        self.change_at(n, |r| r.mark_sent(at));
    }

    /// The retained records, oldest first; `.rev()` gives them newest first.
    pub(crate) fn records(&self) -> impl DoubleEndedIterator<Item = &Record> {
        self.records.values()
    }

    /// The retained records whose SID counter is within `range`, oldest first: O(log n) to find
    /// the first, then O(1) each.
    pub(crate) fn records_in(
        &self,
        range: (Bound<u64>, Bound<u64>),
    ) -> impl DoubleEndedIterator<Item = &Record> {
        self.records.range(range).map(|(_, r)| r)
    }

    /// At most `n` counters of retained messages that pass `filter`, read from `from` (exclusive
    /// or inclusive, as given) `way`, with the number of index entries and records examined
    /// (the cost). Without a filter it reads the B-tree; with `To` or `From` it walks the
    /// smaller number index and checks the other filters on each record; with `DateSent` alone
    /// it runs two walks in step and takes the first to finish: the messages sent, in SID order,
    /// checking each one's date (quick when the matches are recent, as for `DateSent>`, even
    /// with thousands of newer messages still in flight), and the
    /// date index's range, keeping the best `n` (quick when few match). So a page costs
    /// O(log n + page) when the matches are dense among the messages read, and never more than
    /// twice the matches in the date range.
    fn take(
        &self,
        filter: &ListFilter,
        way: Towards,
        from: Bound<u64>,
        n: usize,
    ) -> (Vec<u64>, usize) {
        let range = match way {
            Towards::Older => (Bound::Unbounded, from),
            Towards::Newer => (from, Bound::Unbounded),
        };
        let mut cost = 0usize;
        if n == 0 {
            return (Vec::new(), cost);
        }
        let in_order =
            |range: (Bound<u64>, Bound<u64>)| -> Box<dyn Iterator<Item = (&u64, &Record)> + '_> {
                let it = self.records.range(range);
                match way {
                    Towards::Older => Box::new(it.rev()),
                    Towards::Newer => Box::new(it),
                }
            };
        if filter.is_empty() {
            let found: Vec<u64> = in_order(range).take(n).map(|(c, _)| *c).collect();
            cost += found.len();
            return (found, cost);
        }
        // The number index to walk: the smaller of To's and From's (both forms of the number).
        /// The index sets of a number's two forms (as given, normalised), when it is filtered.
        type Sets<'m> = (Option<&'m BTreeSet<u64>>, Option<&'m BTreeSet<u64>>);
        fn sets<'m>(
            map: &'m HashMap<String, BTreeSet<u64>>,
            wanted: &Option<(String, String)>,
        ) -> Option<Sets<'m>> {
            wanted.as_ref().map(|(given, normal)| {
                let a = map.get(given.as_str());
                let b = (normal != given)
                    .then(|| map.get(normal.as_str()))
                    .flatten();
                (a, b)
            })
        }
        let size = |(a, b): &Sets<'_>| a.map_or(0, BTreeSet::len) + b.map_or(0, BTreeSet::len);
        let driver = match (
            sets(&self.index.to, &filter.to),
            sets(&self.index.from, &filter.from),
        ) {
            (Some(t), Some(f)) => Some(if size(&t) <= size(&f) { t } else { f }),
            (t, f) => t.or(f),
        };
        if let Some((a, b)) = driver {
            let empty = BTreeSet::new();
            let a = walk(a.unwrap_or(&empty), range, way);
            let b = walk(b.unwrap_or(&empty), range, way);
            let mut found = Vec::new();
            for c in merge(a, b, way) {
                cost += 1;
                if self.records.get(&c).is_some_and(|r| filter.matches(r)) {
                    found.push(c);
                    if found.len() == n {
                        break;
                    }
                }
            }
            return (found, cost);
        }
        // DateSent alone: race the walk in SID order against the date index.
        let Some(dates) = filter.sent else {
            return (Vec::new(), cost);
        };
        let lower = match dates.0 {
            Bound::Included(t) => Bound::Included((t, 0)),
            Bound::Excluded(t) => Bound::Excluded((t, u64::MAX)),
            Bound::Unbounded => Bound::Unbounded,
        };
        let upper = match dates.1 {
            Bound::Included(t) => Bound::Included((t, u64::MAX)),
            Bound::Excluded(t) => Bound::Excluded((t, 0)),
            Bound::Unbounded => Bound::Unbounded,
        };
        let sent_in_order =
            |range: (Bound<u64>, Bound<u64>)| -> Box<dyn Iterator<Item = (&u64, &i64)> + '_> {
                let it = self.index.sent_by_sid.range(range);
                match way {
                    Towards::Older => Box::new(it.rev()),
                    Towards::Newer => Box::new(it),
                }
            };
        let mut by_sid = sent_in_order(range);
        let mut by_date = self.index.sent.range((lower, upper));
        let mut found = Vec::new();
        // The best `n` of the date index so far: for Older, the highest counters (a min-heap of
        // them); for Newer, the lowest (a max-heap).
        let mut best: BinaryHeap<std::cmp::Reverse<u64>> = BinaryHeap::new();
        let mut best_newer: BinaryHeap<u64> = BinaryHeap::new();
        loop {
            cost += 1;
            match by_sid.next() {
                None => return (found, cost),
                Some((c, t)) => {
                    if dates.contains(t) {
                        found.push(*c);
                        if found.len() == n {
                            return (found, cost);
                        }
                    }
                }
            }
            cost += 1;
            match by_date.next() {
                Some(&(_, c)) if range.contains(&c) => match way {
                    Towards::Older => {
                        best.push(std::cmp::Reverse(c));
                        if best.len() > n {
                            best.pop();
                        }
                    }
                    Towards::Newer => {
                        best_newer.push(c);
                        if best_newer.len() > n {
                            best_newer.pop();
                        }
                    }
                },
                Some(_) => {}
                None => {
                    let mut found: Vec<u64> = match way {
                        Towards::Older => best.into_iter().map(|r| r.0).collect(),
                        Towards::Newer => best_newer.into_vec(),
                    };
                    found.sort_unstable();
                    if way == Towards::Older {
                        found.reverse();
                    }
                    return (found, cost);
                }
            }
        }
    }

    /// The window `start` and `size` ask for of the message list (every retained message that
    /// passes `filter`, newest first): the same window as [`crate::list::window`] cuts from the
    /// whole filtered list, read through the B-tree and the indexes (see [`SimState::take`]):
    /// O(log n + size) for a dense filter, O(offset + size) for [`Start::Offset`]. Also returns
    /// the number of entries examined.
    pub(crate) fn list_window(
        &self,
        filter: &ListFilter,
        start: Start,
        size: usize,
    ) -> (Window<&Record>, usize) {
        let mut cost = 0;
        let mut take = |way, from, n| {
            let (found, c) = self.take(filter, way, from, n);
            cost += c;
            found
        };
        // `items` holds up to one counter past the page, to tell whether more follow.
        let (counters, more_before, more_after) = match start {
            Start::After(n) => match u64::try_from(n) {
                Ok(n) => {
                    let mut items = take(Towards::Older, Bound::Excluded(n), size + 1);
                    let more_before = !take(Towards::Newer, Bound::Included(n), 1).is_empty();
                    let more_after = items.len() > size;
                    items.truncate(size);
                    (items, more_before, more_after)
                }
                Err(_) => {
                    let mut items = take(Towards::Older, Bound::Unbounded, size + 1);
                    let more_after = items.len() > size;
                    items.truncate(size);
                    (items, false, more_after)
                }
            },
            Start::Before(n) => {
                let above = match u64::try_from(n) {
                    Ok(n) => take(Towards::Newer, Bound::Excluded(n), size + 1),
                    Err(_) => Vec::new(),
                };
                if above.len() < size {
                    // Fewer than a page precede the token: the first page.
                    let (w, c) = self.list_window(filter, Start::Offset(0), size);
                    return (w, cost + c);
                }
                let more_before = above.len() > size;
                let mut items: Vec<u64> = above.into_iter().take(size).collect();
                items.reverse();
                let more_after = match u64::try_from(n) {
                    Ok(n) => !take(Towards::Older, Bound::Included(n), 1).is_empty(),
                    Err(_) => !take(Towards::Older, Bound::Unbounded, 1).is_empty(),
                };
                (items, more_before, more_after)
            }
            Start::Offset(o) => {
                let all = take(
                    Towards::Older,
                    Bound::Unbounded,
                    o.saturating_add(size).saturating_add(1),
                );
                let more_before = o > 0 && !all.is_empty();
                let mut items: Vec<u64> = all.into_iter().skip(o).collect();
                let more_after = items.len() > size;
                items.truncate(size);
                (items, more_before, more_after)
            }
        };
        let items = counters
            .iter()
            .filter_map(|c| self.records.get(c))
            .collect();
        (
            Window {
                items,
                more_before,
                more_after,
            },
            cost,
        )
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
        if let (Some(n), true) = (counter(sid), self.find(sid).is_some()) {
            self.hold_at(n, 1);
        }
    }

    /// Adds `k` holds on the message with SID counter `n` (see [`SimState::hold`]).
    pub(crate) fn hold_at(&mut self, n: u64, k: u32) {
        if k == 0 {
            return;
        }
        if let Some(record) = self.at_mut(n) {
            record.holds += k;
            self.settled.remove(&n);
        }
    }

    /// Releases one hold on message `sid`, then settles it (see [`SimState::settle`]). Unknown
    /// (deleted or dropped) SIDs are ignored.
    pub(crate) fn release(&mut self, sid: &MessageSid) {
        if let (Some(n), true) = (counter(sid), self.find(sid).is_some()) {
            self.release_at(n);
        }
    }

    /// Releases one hold on the message with SID counter `n` (see [`SimState::release`]).
    pub(crate) fn release_at(&mut self, n: u64) {
        if let Some(record) = self.at_mut(n) {
            record.holds = record.holds.saturating_sub(1);
            self.settle_at(n);
        }
    }

    /// Marks message `sid` as droppable when its status is final and nothing holds it, then
    /// applies retention. Call it after a change that may have settled it.
    pub(crate) fn settle(&mut self, sid: &MessageSid) {
        if let (Some(n), true) = (counter(sid), self.find(sid).is_some()) {
            self.settle_at(n);
        }
    }

    /// [`SimState::settle`] for the message with SID counter `n`.
    pub(crate) fn settle_at(&mut self, n: u64) {
        let settled = self
            .at(n)
            .is_some_and(|r| r.holds == 0 && is_final(r.message.status));
        if settled {
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
            if let Some(record) = self.records.remove(&n) {
                self.index.remove(n, &record);
                if self.dropped.len() >= DROPPED_KEPT {
                    self.dropped.clear();
                }
                self.dropped.push(record);
            }
            self.send_at.remove(&n);
        }
    }

    /// The records retention dropped since the last call, to free after releasing the state
    /// lock (`let dropped = state.take_dropped(); drop(state);`).
    pub(crate) fn take_dropped(&mut self) -> Vec<Record> {
        std::mem::take(&mut self.dropped)
    }

    /// Appends `event` to the debugger log, keeping its newest `retain` events.
    pub(crate) fn log_debugger(&mut self, event: crate::webhook::DebuggerEvent) {
        push_bounded(&mut self.debugger, event, self.retain);
    }

    /// The debugger log, oldest first.
    pub(crate) fn debugger(&self) -> Vec<crate::webhook::DebuggerEvent> {
        self.debugger.iter().cloned().collect()
    }

    /// Remembers when scheduled message `sid` is to be sent (`SendAt`), and the sender a
    /// Messaging Service picked for it, which its `from` shows once it is sent (see `services`).
    pub(crate) fn schedule(&mut self, sid: &MessageSid, at: DateTime<Utc>, sender: Option<Text>) {
        if let Some(n) = counter(sid) {
            self.send_at.insert(n, (at, sender));
        }
    }

    /// When scheduled message `sid` is to be sent, if it was scheduled (and is retained).
    pub(crate) fn send_at(&self, sid: &MessageSid) -> Option<DateTime<Utc>> {
        self.send_at.get(&counter(sid)?).map(|(at, _)| *at)
    }

    /// A scheduled message being sent (it is `queued` at its `SendAt` now): the sender its
    /// Messaging Service picked becomes its `from`, in the `From` index too (the one place besides
    /// [`SimState::push`] and removal that keeps that index in step). Nothing for any other
    /// message, or a canceled one.
    pub(crate) fn reveal_scheduled_sender(&mut self, n: u64) {
        let Some(record) = self.records.get_mut(&n) else {
            return;
        };
        if record.message.status == MessageStatus::Canceled {
            // Never sent: it keeps no sender.
            return;
        }
        let Some(from) = self.send_at.get_mut(&n).and_then(|(_, s)| s.take()) else {
            return;
        };
        index_insert(&mut self.index.from, &from, n);
        record.message_mut().from = Some(from);
    }

    /// Forgets every message, media item and schedule and restarts the SID counters, keeping the
    /// configuration (owned numbers and their settings, SMS URL, Messaging Services, retention,
    /// delivery timing). Everything else in the state returns to its default.
    pub(crate) fn reset(&mut self) {
        let numbers = std::mem::take(&mut self.numbers);
        let sms_url = self.sms_url.take();
        let phone_numbers = std::mem::take(&mut self.phone_numbers);
        let services = std::mem::take(&mut self.services).without_assignments();
        let timing = self.delivery.timing;
        *self = SimState {
            account: self.account.clone(),
            numbers,
            sms_url,
            retain: self.retain,
            phone_numbers,
            services,
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
        self.records()
            .map(|r| r.message.wire(&self.account))
            .collect()
    }

    /// The retained messages whose SID counter is greater than `after`, oldest first, at most
    /// `limit`: O(log n + limit).
    pub(crate) fn messages_after(&self, after: u64, limit: usize) -> Vec<Message> {
        self.records_in((Bound::Excluded(after), Bound::Unbounded))
            .take(limit)
            .map(|r| r.message.wire(&self.account))
            .collect()
    }

    /// Every message whose `to` is `to` (compared as given and in E.164), oldest first.
    /// Twilio's opt-out auto-replies to `to` (not account messages) are merged in by SID counter.
    /// O(k log n) for k such messages (the auto-replies are scanned).
    pub(crate) fn messages_to(&self, to: &str) -> Vec<Message> {
        self.messages_page(Some(to), 0, usize::MAX)
            .0
            .into_iter()
            .map(|m| m.wire(&self.account))
            .collect()
    }

    /// At most `limit` messages whose SID counter is greater than `after`, oldest first, and
    /// whether more follow: every retained message, or with `to` those sent to that number
    /// (compared as given and in E.164), with Twilio's opt-out auto-replies (to that number)
    /// merged in by SID counter. The messages are shared, not copied: O(log n + limit) (with `to`, plus a
    /// scan of the auto-replies, at most `retain` of them and rare).
    pub(crate) fn messages_page(
        &self,
        to: Option<&str>,
        after: u64,
        limit: usize,
    ) -> (Vec<Arc<StoredMessage>>, bool) {
        let range = (Bound::Excluded(after), Bound::Unbounded);
        let want = limit.saturating_add(1);
        let mut found: Vec<Arc<StoredMessage>> = match to {
            None => {
                let records = self
                    .records_in(range)
                    .take(want)
                    .map(|r| (r.message.sid.number(), r.message.clone()));
                let replies = self
                    .optout
                    .auto_replies
                    .iter()
                    .filter(|m| m.sid.number() > u128::from(after))
                    .map(|m| (m.sid.number(), Arc::new(m.clone())));
                let mut all: Vec<(u128, Arc<StoredMessage>)> = records.chain(replies).collect();
                all.sort_by_key(|(n, _)| *n);
                all.into_iter().take(want).map(|(_, m)| m).collect()
            }
            Some(to) => {
                let normal = numbers::normalise(to);
                let filter = ListFilter {
                    to: Some((to.to_owned(), normal.clone())),
                    ..ListFilter::default()
                };
                let (counters, _) =
                    self.take(&filter, Towards::Newer, Bound::Excluded(after), want);
                let records = counters
                    .iter()
                    .filter_map(|c| self.records.get(c))
                    .map(|r| (r.message.sid.number(), r.message.clone()));
                let replies = self
                    .optout
                    .auto_replies
                    .iter()
                    .filter(|m| {
                        (m.to == normal || m.to == to) && m.sid.number() > u128::from(after)
                    })
                    .map(|m| (m.sid.number(), Arc::new(m.clone())));
                let mut all: Vec<(u128, Arc<StoredMessage>)> = records.chain(replies).collect();
                // SIDs share one counter; order by it, whatever the SM/MM prefix.
                all.sort_by_key(|(n, _)| *n);
                all.into_iter().take(want).map(|(_, m)| m).collect()
            }
        };
        let more = found.len() > limit;
        found.truncate(limit);
        (found, more)
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
        let mut s = SimState::new(AccountSid::from_counter(1), vec![], None, DEFAULT_RETAIN);
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
            AccountSid::from_counter(1),
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
        let message = SimState::new_message(NewMessage {
            sid: MessageSid::sms(n),
            direction: Direction::OutboundApi,
            status,
            from: "+14155550100",
            to: "+14155552671",
            body: "hi",
            num_media: 0,
            now: crate::test_support::t0(),
            sent: None,
        });
        s.push(Record {
            message: message.into(),
            sent_at: None,
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
        let mut s = SimState::new(AccountSid::from_counter(1), vec![], None, 3);
        push(&mut s, 1, MessageStatus::Queued, 1); // in flight: its lifecycle holds it
        push(&mut s, 2, MessageStatus::Delivered, 0);
        push(&mut s, 3, MessageStatus::Delivered, 1); // a status callback still pending
        s.schedule(&MessageSid::sms(2), crate::test_support::t0(), None);
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
        s.find_mut(&MessageSid::sms(1))
            .unwrap()
            .message_mut()
            .status = MessageStatus::Delivered;
        s.release(&MessageSid::sms(1));
        assert_eq!(kept(&s), [7, 8, 9]);
        // A hold taken again (a re-delivery) protects a settled message.
        s.find_mut(&MessageSid::sms(7))
            .unwrap()
            .message_mut()
            .status = MessageStatus::Delivered;
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
        let mut s = SimState::new(AccountSid::from_counter(1), vec![], None, 0);
        push(&mut s, 1, MessageStatus::Delivered, 0);
        assert!(kept(&s).is_empty());
        push(&mut s, 2, MessageStatus::Queued, 1);
        assert_eq!(kept(&s), [2]);
        s.find_mut(&MessageSid::sms(2))
            .unwrap()
            .message_mut()
            .status = MessageStatus::Undelivered;
        s.settle(&MessageSid::sms(2));
        assert_eq!(kept(&s), [2], "settle does not ignore holds");
        s.release(&MessageSid::sms(2));
        assert!(kept(&s).is_empty());
    }

    #[test]
    fn the_debugger_log_and_auto_replies_keep_the_newest_retain() {
        let mut s = SimState::new(AccountSid::from_counter(1), vec![], None, 2);
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
        for body in ["STOP", "START", "HELP"] {
            crate::optout::on_inbound(
                &mut s,
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

    /// Appends message `n` to `to` from `from`, `date_sent` `sent` seconds after t0 (none when
    /// `None`), settled.
    fn push_to(s: &mut SimState, n: u64, to: &str, from: &str, sent: Option<i64>) {
        while s.last_message < n {
            s.next_message_sid(false);
        }
        let t0 = crate::test_support::t0();
        let message = SimState::new_message(NewMessage {
            sid: MessageSid::sms(n),
            direction: Direction::Inbound,
            status: MessageStatus::Received,
            from,
            to,
            body: "hi",
            num_media: 0,
            now: t0,
            sent: sent.map(|x| t0 + chrono::TimeDelta::seconds(x)),
        });
        s.push(Record {
            message: message.into(),
            sent_at: None,
            status_callback: None,
            media: Vec::new(),
            inbound: None,
            holds: 0,
        });
    }

    const NAMES: &[&str] = &["To", "From", "DateSent", "DateSent<", "DateSent>"];

    /// The filter the API builds from `query`.
    fn filter_of(query: &ListQuery) -> ListFilter {
        let dates = crate::list::DateFilter::from_query(query, "DateSent").unwrap();
        let number = |name: &str| {
            query
                .filter(name)
                .map(|n| (n.to_owned(), numbers::normalise(n)))
        };
        ListFilter {
            to: number("To"),
            from: number("From"),
            sent: (!dates.is_empty()).then(|| dates.seconds()),
        }
    }

    /// The page of the whole list, filtered record by record on the stored strings, as the API
    /// did before the indexes: what every indexed window must equal.
    fn naive<'a>(s: &'a SimState, query: &ListQuery) -> Window<&'a Record> {
        let dates = crate::list::DateFilter::from_query(query, "DateSent").unwrap();
        let f = filter_of(query);
        let number = |value: Option<&str>, wanted: &Option<(String, String)>| match wanted {
            None => true,
            Some((given, normal)) => value.is_some_and(|v| v == given || v == normal),
        };
        let all: Vec<&Record> = s
            .records()
            .rev()
            .filter(|r| {
                number(Some(&r.message.to), &f.to)
                    && number(r.message.from.as_deref(), &f.from)
                    && dates.matches(
                        r.message
                            .date_sent
                            .map(twilio_wire::date::rfc2822)
                            .as_deref(),
                    )
            })
            .collect();
        window(&all, |r| r.message.sid.as_str(), true, query)
    }

    fn shown(w: &Window<&Record>) -> (Vec<String>, bool, bool) {
        (
            w.items.iter().map(|r| r.message.sid.to_string()).collect(),
            w.more_before,
            w.more_after,
        )
    }

    #[test]
    fn indexed_windows_match_the_whole_filtered_list() {
        let mut s = SimState::new(AccountSid::from_counter(1), vec![], None, 40);
        let handsets = ["+14155552671", "+14155552672", "12345"];
        let shops = ["+14155550100", "+14155550101"];
        for n in 1..=60u64 {
            // Dates out of SID order, some a day later, some never sent.
            let sent = match n % 7 {
                0 => None,
                3 => Some(86_400 + (n as i64 * 13) % 50),
                _ => Some((n as i64 * 37) % 100),
            };
            let (to, from) = (handsets[(n % 3) as usize], shops[(n % 2) as usize]);
            push_to(&mut s, n, to, from, sent);
        }
        // Retention kept the newest 40; a delete and a late `sent` change the indexes too.
        assert_eq!(s.len(), 40);
        s.remove(&MessageSid::sms(44));
        s.mark_sent(49, crate::test_support::t0());
        s.mark_sent(
            50,
            crate::test_support::t0() + chrono::TimeDelta::seconds(99),
        );

        let filters = [
            "",
            "To=%2B14155552671",
            "To=%2B1+415+555+2672",
            "To=12345",
            "To=%2B19999999999",
            "From=%2B14155550101",
            "To=%2B14155552672&From=%2B14155550100",
            "DateSent%3E=2023-08-24T05:02:45Z",
            "DateSent%3C=2023-08-24T05:02:00Z",
            "DateSent=2023-08-25",
            "DateSent%3E=2023-08-24T05:02:00.5Z&DateSent%3C=2023-08-24T05:02:30Z",
            "DateSent=2023-08-24&To=%2B14155552671",
            "DateSent=2030-01-01",
        ];
        let mut starts = vec!["".to_owned(), "&PageToken=nope".to_owned()];
        for page in 0..4 {
            starts.push(format!("&Page={page}"));
        }
        for n in [0u64, 1, 21, 30, 44, 45, 52, 60, 61, u64::MAX] {
            for kind in ["PA", "PB"] {
                starts.push(format!("&PageToken={kind}{}", MessageSid::sms(n)));
            }
        }
        starts.push("&PageToken=PASMffffffffffffffffffffffffffffffff".to_owned());
        starts.push("&PageToken=PBSMffffffffffffffffffffffffffffffff".to_owned());
        let (mut compared, mut pages) = (0, 0);
        for f in filters {
            for size in [1, 2, 3, 7, 50] {
                for start in &starts {
                    let q = format!("{f}&PageSize={size}{start}");
                    let query = ListQuery::parse(Some(&q), NAMES);
                    let whole = naive(&s, &query);
                    let (fast, _) =
                        s.list_window(&filter_of(&query), query.start(), query.page_size as usize);
                    assert_eq!(shown(&fast), shown(&whole), "{q}");
                    compared += 1;
                    pages += usize::from(!whole.items.is_empty());
                }
            }
        }
        assert!(
            pages > compared / 3,
            "{pages} of {compared} queries give a page"
        );
    }

    #[test]
    fn a_page_costs_about_its_size_whatever_is_retained() {
        let mut s = SimState::new(AccountSid::from_counter(1), vec![], None, usize::MAX);
        let n = 20_000u64;
        for i in 1..=n {
            // Every 1,000th message to a rare handset; sent one second apart, in SID order.
            let to = if i % 1000 == 0 {
                "+14155552699"
            } else if i % 2 == 0 {
                "+14155552671"
            } else {
                "+14155552672"
            };
            push_to(&mut s, i, to, "+14155550100", Some(i as i64));
        }
        let cost = |q: &str| {
            let query = ListQuery::parse(Some(q), NAMES);
            let (w, cost) =
                s.list_window(&filter_of(&query), query.start(), query.page_size as usize);
            assert_eq!(shown(&w), shown(&naive(&s, &query)), "{q}");
            cost
        };
        // Unfiltered, a dense number, a recent date range, a page further on by token: a page
        // of 50 examines a few pages' worth, not 20,000.
        for q in [
            "PageSize=50",
            "PageSize=50&To=%2B14155552671",
            "PageSize=50&To=%2B14155552671&From=%2B14155550100",
            "PageSize=50&DateSent%3E=2023-08-24T08:00:00Z",
            "PageSize=50&To=%2B14155552671&PageToken=PASM00000000000000000000000000002710",
        ] {
            assert!(cost(q) <= 4 * 51 + 4, "{q}: {}", cost(q));
        }
        // A rare number: its own index (20 entries), not the 20,000 messages.
        assert!(cost("PageSize=50&To=%2B14155552699") <= 2 * 21 + 4);
        assert!(cost("PageSize=50&To=%2B14155552699&From=%2B14155550100") <= 2 * 21 + 4);
        // A date range of the oldest ten messages: the date index (10 entries) wins the race.
        let old = cost("PageSize=5&DateSent%3C=2023-08-24T05:01:55Z");
        assert!(old <= 2 * 11 + 14, "{old}");
        // No message sent that day: nothing to walk in the index.
        assert!(cost("PageSize=50&DateSent=2030-01-01") <= 8);
    }

    #[test]
    fn a_date_page_skips_the_messages_still_in_flight() {
        // Under load the newest messages are not sent yet: 5,000 of them above 20,000 sent.
        let mut s = SimState::new(AccountSid::from_counter(1), vec![], None, usize::MAX);
        for i in 1..=25_000u64 {
            let sent = (i <= 20_000).then_some(i as i64);
            push_to(&mut s, i, "+14155552671", "+14155550100", sent);
        }
        let query = ListQuery::parse(Some("PageSize=50&DateSent%3E=2023-08-24T05:00:00Z"), NAMES);
        let (w, cost) = s.list_window(&filter_of(&query), query.start(), 50);
        assert_eq!(shown(&w), shown(&naive(&s, &query)));
        assert_eq!(w.items[0].message.sid, MessageSid::sms(20_000));
        assert!(cost <= 4 * 51 + 4, "{cost}");
    }
}
