//! The soak's traffic: a population drawn from one seeded generator, and the next event.
//!
//! Every decision (who exists, who texts what, which agent does what, how much virtual time
//! passes) is a draw from [`Traffic`]'s generator, in the order the soak asks, so a seed gives
//! the same run every time. The generator is ChaCha12 named as such (`rand_chacha`), not rand's
//! `StdRng`: rand documents `StdRng`'s algorithm as free to change between its releases, which
//! would change every seed's run and digest with a dependency update.

use convsms::domain::model::PartyTable;
use convsms::domain::phone::{Region, E164};
use convsms::domain::work_assignment::Presence;
use fake::Fake;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha12Rng;
use std::collections::{HashMap, VecDeque};

/// Mobile-number shapes of twelve regions: (region, E.164 prefix, digits after it).
const MOBILE_SHAPES: [(&str, &str, usize); 12] = [
    ("US", "+1415", 7),
    ("CA", "+1604", 7),
    ("GB", "+447", 9),
    ("DE", "+49151", 8),
    ("FR", "+336", 8),
    ("ES", "+346", 8),
    ("IT", "+393", 9),
    ("NL", "+316", 8),
    ("AU", "+614", 8),
    ("IN", "+919", 9),
    ("BR", "+55119", 8),
    ("JP", "+8190", 8),
];

/// Bodies that need UCS-2 (or carry emoji): what a real service desk sees besides plain text.
const UNICODE_BODIES: [&str; 6] = [
    "Merci beaucoup, ça marche 😀",
    "Danke! Können Sie mich zurückrufen?",
    "お世話になっております。注文の件です",
    "Спасибо, жду ответа",
    "👍👍 thanks",
    "¿Cuándo llega mi pedido? 📦",
];

/// Twilio's longest message body, in characters.
const MAX_BODY_CHARS: usize = 1_600;

/// Who a handset belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A record of this table with this mobile phone.
    Known(PartyTable),
    /// A number no record has.
    Unknown,
}

/// One requester's handset.
#[derive(Clone, Debug)]
pub struct Handset {
    /// Their name (made up), for known requesters.
    pub name: String,
    /// Who they are.
    pub kind: Kind,
    /// Their mobile number, valid in its region.
    pub number: E164,
    /// Its region.
    pub region: Region,
    /// The provider number (index) they texted STOP to last, if they have not texted START to it
    /// since: the soak stops them texting until they do. Twilio's opt-out is per pair (handset,
    /// provider number), so a START to another number would leave this one refusing every
    /// reply with 21610, and such pairs would pile up over a long run.
    pub opted_out: Option<usize>,
    /// Their customer service cases (half of the known requesters have one or two), which the
    /// virtual agent's open-cases topic lists (its Dynamic Choice and Card) and agents send as
    /// cards (VA-8).
    pub cases: Vec<Case>,
}

/// A requester's customer service case (`sn_customerservice_case`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Case {
    /// `CS` + 7 digits, unique in the population.
    pub number: String,
    /// Its short description.
    pub about: &'static str,
    /// Open, or resolved (which the open-cases topic leaves out).
    pub open: bool,
}

/// What cases are about.
const CASE_SUBJECTS: [&str; 8] = [
    "Router broken",
    "Refund request",
    "Late delivery",
    "Billing question",
    "Damaged lamp",
    "Password reset",
    "Wrong item sent",
    "Cancel my plan",
];

/// An order (`x_convsms_order`), which the virtual agent's order_status topic looks up by the
/// number a requester texts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Order {
    /// Four digits (`1001`…), unique.
    pub number: String,
    /// Where it is.
    pub state: &'static str,
    /// Who carries it.
    pub carrier: &'static str,
    /// When it is expected.
    pub expected: &'static str,
}

const ORDER_STATES: [&str; 4] = ["Processing", "Shipped", "In transit", "Delivered"];
const CARRIERS: [&str; 4] = ["UPS", "FedEx", "DHL", "USPS"];
const EXPECTED: [&str; 5] = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"];

/// What the virtual agent asked a pair (handset, provider number) last, as the traffic
/// remembers it: the requester's next text there most often answers it, right (an order's
/// number, a choice) or not.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum VaAsk {
    /// "What is your order number?" (the order topic's first question).
    OrderNumber,
    /// "What would you like to do with order …?" (track, change the address, cancel).
    OrderNeed,
    /// "Which of your open cases?" (a numbered list).
    CasePick,
}

/// The chance that a requester's next text answers what the virtual agent asked.
const ANSWER_CHANCE: f64 = 0.8;

/// How many requesters there are for each order in the population (at least one order).
const REQUESTERS_PER_ORDER: usize = 20;

/// The share of known requesters who have cases (one or two).
const CASE_CHANCE: f64 = 0.5;

/// What happens next.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Event {
    /// Handset `from` (an index into the handsets) texts provider number `to` (an index).
    Text {
        /// Handset index.
        from: usize,
        /// Provider number index.
        to: usize,
        /// The text.
        body: String,
    },
    /// Twilio re-delivers the webhook of an earlier acknowledged inbound message (index into the
    /// acknowledged ones; a replay of fewer events skips it when there are not that many).
    Redeliver(usize),
    /// An agent (index) changes presence.
    Presence(usize, Presence),
    /// An agent answers the oldest offer in their inbox: agent `agent`, or when nothing is
    /// offered to them, the first agent after them (by index, wrapping round) with an offer.
    /// Agents answer the offers they get, and an answer drawn for one with none answers
    /// another's: drawn for a random agent alone, most answers found an empty inbox and most
    /// offers lapsed, and a conversation waited hours for an agent while the desk was open.
    Answer {
        /// Agent index: the first asked.
        agent: usize,
        /// Accept (or reject).
        accept: bool,
    },
    /// An agent replies in one of their conversations (`pick` modulo the number of
    /// conversations in their Ongoing tab); `close` closes it after. Agent `agent`, or when
    /// their Ongoing tab is empty, the first agent after them (by index, wrapping round) with a
    /// conversation, as with [`Event::Answer`].
    Reply {
        /// Agent index: the first asked.
        agent: usize,
        /// Which conversation of the Ongoing tab, modulo its length.
        pick: u32,
        /// The reply.
        body: String,
        /// Whether they close it after.
        close: bool,
    },
    /// Virtual time passes (seconds).
    Wait(i64),
    /// Handset `from` sends an MMS with `media` files (and maybe a caption) to provider `to`.
    Mms {
        /// Handset index.
        from: usize,
        /// Provider number index.
        to: usize,
        /// The caption (may be empty).
        body: String,
        /// Its files (1-3), as indexes into [`MEDIA_FILES`]; their URLs are
        /// `https://cdn.example.com/soak/…` ([`super::media_url`]; the simulator does not fetch
        /// inbound media, and the webhook's `MediaContentTypeN` follows the extension).
        media: Vec<usize>,
    },
    /// An agent (index) changes their SMS capacity.
    Capacity(usize, u32),
    /// An agent (index) starts a conversation from Compose SMS: to a handset (index), from a
    /// provider number (index), with an image attached or not.
    Compose {
        /// Agent index.
        agent: usize,
        /// Handset index.
        to: usize,
        /// Provider number index.
        from: usize,
        /// The text.
        body: String,
        /// Whether a small PNG is attached (an MMS the simulator fetches from the engine).
        image: bool,
    },
    /// An agent sends the card of a case (VA-8) into one of their conversations whose requester
    /// has an open case (`pick` modulo their number): the first of those cases. Agent `agent`,
    /// or the first after them with such a conversation, as with [`Event::Reply`].
    Card {
        /// Agent index: the first asked.
        agent: usize,
        /// Which conversation of the Ongoing tab, modulo its length.
        pick: u32,
    },
    /// An agent hands one of their conversations on (`pick` modulo the number in their Ongoing
    /// tab): to another agent, to the queue, or by leaving it. Agent `agent`, or when their
    /// Ongoing tab is empty, the first agent after them with a conversation, as with
    /// [`Event::Reply`].
    Transfer {
        /// Agent index: the first asked.
        agent: usize,
        /// Which conversation of the Ongoing tab, modulo its length.
        pick: u32,
        /// Where it goes.
        to: Handoff,
    },
}

/// Where [`Event::Transfer`] hands a conversation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Handoff {
    /// To an agent (index): this one, or the first after them who can take it (available, a
    /// free slot), never the agent who holds it.
    Agent(usize),
    /// To the soak's queue.
    Queue,
    /// The agent leaves it: back to the queue it came through.
    Leave,
}

impl Event {
    /// The event's kind, as the report's wall-time breakdown names it (`text`, `wait`, …).
    pub fn activity(&self) -> &'static str {
        match self {
            Event::Text { .. } => "text",
            Event::Redeliver(_) => "redeliver",
            Event::Presence(..) => "presence",
            Event::Answer { .. } => "answer",
            Event::Reply { .. } => "reply",
            Event::Wait(_) => "wait",
            Event::Mms { .. } => "mms",
            Event::Capacity(..) => "capacity",
            Event::Compose { .. } => "compose",
            Event::Transfer { .. } => "transfer",
            Event::Card { .. } => "card",
        }
    }
}

/// What requesters answer the virtual agent with, besides free text: topic triggers, choice
/// numbers, yes and no, and asking for a live agent mid-topic.
const VA_ANSWERS: [&str; 10] = [
    "agent", "order", "cases", "1", "2", "3", "7", "yes", "no", "AGENT",
];

/// The files requesters send by MMS: images first ([`IMAGE_FILES`] of them), then other files
/// (a PDF, a contact card, a video, a text file), which the virtual agent's File Picker
/// re-prompts for (VA-5) and agents see as attachments.
pub const MEDIA_FILES: [&str; 7] = [
    "photo.jpg",
    "screenshot.png",
    "sticker.gif",
    "receipt.pdf",
    "contact.vcf",
    "clip.mp4",
    "note.txt",
];

/// How many of [`MEDIA_FILES`] are images.
pub const IMAGE_FILES: usize = 3;

/// The share of MMS files that are not images.
const OTHER_FILE_CHANCE: f64 = 0.2;

/// Keywords requesters text now and then: Twilio's HELP and ServiceNow's Notification.
const KEYWORDS: [&str; 3] = ["HELP", "Notification", "info"];

/// Conversations under way that a requester's next text may continue: the (handset, provider
/// number) pairs that texted last, at most this many.
const RECENT_PAIRS: usize = 12;

/// The chance that a requester's text continues a conversation under way ([`RECENT_PAIRS`])
/// rather than comes from anyone (most often someone back after weeks).
const CONTINUE_CHANCE: f64 = 0.75;

/// The chance that a known requester's mobile phone is one an earlier known requester has too
/// (a household's or a desk's shared phone): the same number on two records, as PROFILE-4
/// (a sys_user and a profile pointing to different people) and AGENT-4 (an agent writing to
/// another person on a number with an active interaction) describe.
const SHARED_PHONE_CHANCE: f64 = 0.03;

/// The seeded generator and the population it drew.
pub struct Traffic {
    rng: ChaCha12Rng,
    /// Each agent's presence as the events drawn so far left it (all Available at first, as the
    /// soak sets them up).
    presence: Vec<Presence>,
    /// Events drawn ahead (a night's), handed out before anything new is drawn.
    pending: VecDeque<Event>,
    /// The (handset, provider number) pairs that texted last, the most recent last: the
    /// conversations a requester's text most often continues ([`Traffic::sender`]).
    recent: VecDeque<(usize, usize)>,
    /// For each handset, the others with the same phone number (indexes; mostly none).
    mates: Vec<Vec<usize>>,
    /// The requesters' handsets.
    pub handsets: Vec<Handset>,
    /// The provider numbers.
    pub providers: Vec<E164>,
    /// The agents' user_names.
    pub agents: Vec<String>,
    /// How many candidate numbers were drawn and found invalid (then drawn again).
    pub invalid_draws: u64,
    /// The orders (one for every [`REQUESTERS_PER_ORDER`] requesters, at most 8,999): a
    /// requester answering the order topic texts one of their numbers, or one that is none.
    pub orders: Vec<Order>,
    /// What the virtual agent asked each pair last, by the texts that start its topics.
    asks: HashMap<(usize, usize), VaAsk>,
}

/// The kind of requester `i`. Every four consecutive indexes hold one of each kind (a quarter
/// each), rotated by an offset drawn for the block (a generator seeded with the block's index,
/// independent of `--seed`), so that the requesters a `--partition I/N` shard keeps (index ≡
/// I-1 modulo N) hold every kind too: by `i % 4`, shard 1 of 2 held only sys_users and
/// contacts, and each shard of 4 a single kind.
fn kind_of(i: usize) -> Kind {
    let block = u64::try_from(i / 4).unwrap_or(u64::MAX);
    let offset = ChaCha12Rng::seed_from_u64(block).random_range(0..4);
    match (i % 4 + offset) % 4 {
        0 => Kind::Known(PartyTable::SysUser),
        1 => Kind::Known(PartyTable::CsmConsumer),
        2 => Kind::Known(PartyTable::CustomerContact),
        _ => Kind::Unknown,
    }
}

impl Traffic {
    /// Draws a population of `handsets` requesters (a quarter each sys_users, consumers,
    /// contacts and unknown numbers), `providers` US provider numbers and `agents` agents.
    ///
    /// # Errors
    /// A region code is not known to the phone library, or no valid number came out of 1,000
    /// draws for a region.
    pub fn new(
        seed: u64,
        handsets: usize,
        providers: usize,
        agents: usize,
    ) -> anyhow::Result<Self> {
        let mut t = Traffic {
            rng: ChaCha12Rng::seed_from_u64(seed),
            handsets: vec![],
            providers: vec![],
            agents: (1..=agents).map(|i| format!("agent{i:02}")).collect(),
            presence: vec![Presence::Available; agents],
            pending: VecDeque::new(),
            recent: VecDeque::new(),
            mates: vec![],
            invalid_draws: 0,
            orders: vec![],
            asks: HashMap::new(),
        };
        let mut taken = std::collections::HashSet::new();
        for _ in 0..providers {
            let (n, _) = t.unique_number(0, &mut taken)?;
            t.providers.push(n);
        }
        let mut case_count = 0u32;
        for i in 0..handsets {
            let shape = t.rng.random_range(0..MOBILE_SHAPES.len());
            let (mut number, mut region) = t.unique_number(shape, &mut taken)?;
            let kind = kind_of(i);
            if let (Kind::Known(_), Some(earlier)) = (kind, t.sharing(i)) {
                let h: &Handset = &t.handsets[earlier];
                (number, region) = (h.number.clone(), h.region);
            }
            let name = format!(
                "{} {i}",
                fake::faker::name::en::Name().fake_with_rng::<String, _>(&mut t.rng)
            );
            let mut cases = vec![];
            if matches!(kind, Kind::Known(_)) && t.chance(CASE_CHANCE) {
                for _ in 0..1 + t.pick(2) {
                    case_count += 1;
                    cases.push(Case {
                        number: format!("CS{case_count:07}"),
                        about: CASE_SUBJECTS[t.pick(CASE_SUBJECTS.len())],
                        open: t.chance(2.0 / 3.0),
                    });
                }
            }
            t.handsets.push(Handset {
                name,
                kind,
                number,
                region,
                opted_out: None,
                cases,
            });
        }
        t.mates = Traffic::find_mates(&t.handsets);
        for k in 0..(handsets / REQUESTERS_PER_ORDER).clamp(1, 8_999) {
            let order = Order {
                number: (1001 + k).to_string(),
                state: ORDER_STATES[t.pick(ORDER_STATES.len())],
                carrier: CARRIERS[t.pick(CARRIERS.len())],
                expected: EXPECTED[t.pick(EXPECTED.len())],
            };
            t.orders.push(order);
        }
        Ok(t)
    }

    /// Keeps only the handsets of shard `p` (index `k` of the population kept when
    /// `p.keeps(k)`, or when `p.keeps(j)` for the first handset `j` with the same phone: a
    /// household stays whole), after the whole population was drawn, so every shard of a seed draws the
    /// same people; then gives the shard its own stream of events (derived from the seed and
    /// `p`'s index; the one shard of `1/1` keeps the seed's stream, so it is the whole run).
    /// With one stream for all, shards of equal size would carry out the same
    /// events on their own requesters: the same counts to the last message, half the coverage.
    ///
    /// # Errors
    /// The shard keeps no handset (fewer `--conversations` than shards).
    pub fn keep_partition(&mut self, p: crate::partition::Partition) -> anyhow::Result<()> {
        let all = self.handsets.len();
        // A household's members go with its first member (the lowest index with its number):
        // the shard that keeps one keeps the others, so shared phones happen in shards too.
        let mut first: HashMap<&str, usize> = HashMap::new();
        for (k, h) in self.handsets.iter().enumerate() {
            first.entry(h.number.as_str()).or_insert(k);
        }
        let kept: Vec<bool> = (self.handsets.iter())
            .map(|h| p.keeps(first[h.number.as_str()]))
            .collect();
        self.handsets = (std::mem::take(&mut self.handsets).into_iter())
            .zip(kept)
            .filter_map(|(h, keep)| keep.then_some(h))
            .collect();
        self.mates = Traffic::find_mates(&self.handsets);
        // Indexes into the handsets as they were.
        self.recent.clear();
        anyhow::ensure!(
            !self.handsets.is_empty(),
            "--partition {p} keeps none of the {all} requesters: give at least {} --conversations",
            p.total()
        );
        // One shard of one is the whole run (nextest's convention): it keeps the seed's stream.
        if p.total() > 1 {
            let stream: u64 = self.rng.random();
            self.rng = ChaCha12Rng::seed_from_u64(
                stream ^ (p.index() as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15),
            );
        }
        Ok(())
    }

    /// Whether requester `i` shares the phone of a known requester among the eight before it,
    /// and whose (an index): drawn for every requester with such a one before it (used for the
    /// known ones only), with [`SHARED_PHONE_CHANCE`]. A `--partition I/N` shard keeps a
    /// household whole ([`Traffic::keep_partition`]).
    fn sharing(&mut self, i: usize) -> Option<usize> {
        let known: Vec<usize> = (0..i)
            .rev()
            .take(8)
            .filter(|&j| matches!(self.handsets[j].kind, Kind::Known(_)))
            .collect();
        if known.is_empty() || !self.rng.random_bool(SHARED_PHONE_CHANCE) {
            return None;
        }
        Some(known[self.rng.random_range(0..known.len())])
    }

    fn unique_number(
        &mut self,
        shape: usize,
        taken: &mut std::collections::HashSet<String>,
    ) -> anyhow::Result<(E164, Region)> {
        let (code, prefix, digits) = MOBILE_SHAPES[shape];
        let region = Region::parse(code)?;
        for _ in 0..1_000 {
            let tail: String = (0..digits)
                .map(|_| char::from(b'0' + self.rng.random_range(0..10u8)))
                .collect();
            let candidate = format!("{prefix}{tail}");
            match E164::parse(&candidate, Some(region)) {
                Ok(n) if n.region() == Some(region) && taken.insert(n.as_str().to_owned()) => {
                    return Ok((n, region))
                }
                _ => self.invalid_draws += 1,
            }
        }
        anyhow::bail!("no valid {code} mobile number in 1,000 draws of {prefix}…")
    }

    /// A number in `0..n` (0 when `n` is 0).
    pub fn pick(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            self.rng.random_range(0..n)
        }
    }

    /// True with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        self.rng.random_bool(p.clamp(0.0, 1.0))
    }

    /// One file of an MMS: an index into [`MEDIA_FILES`], an image four times in five.
    fn media_file(&mut self) -> usize {
        if self.chance(OTHER_FILE_CHANCE) {
            IMAGE_FILES + self.pick(MEDIA_FILES.len() - IMAGE_FILES)
        } else {
            self.pick(IMAGE_FILES)
        }
    }

    /// A requester's text: mostly a sentence, sometimes UCS-2 or emoji, sometimes long
    /// (several segments), now and then Twilio's longest (1,600 characters).
    pub fn body(&mut self) -> String {
        match self.rng.random_range(0..40) {
            0..=5 => UNICODE_BODIES[self.pick(UNICODE_BODIES.len())].to_owned(),
            6 => {
                let words: Vec<String> =
                    fake::faker::lorem::en::Words(40..80).fake_with_rng(&mut self.rng);
                words.join(" ")
            }
            7 => {
                // Twilio's longest body: 1,600 characters (ten GSM-7 segments and more).
                let words: Vec<String> =
                    fake::faker::lorem::en::Words(300..320).fake_with_rng(&mut self.rng);
                let mut text = words.join(" ");
                while text.chars().count() < MAX_BODY_CHARS {
                    text.push_str(" lorem");
                }
                text.chars().take(MAX_BODY_CHARS).collect()
            }
            _ => fake::faker::lorem::en::Sentence(3..12).fake_with_rng(&mut self.rng),
        }
    }

    /// The next event, given how many inbound messages were acknowledged so far.
    pub fn next(&mut self, acked: usize) -> Event {
        if let Some(event) = self.pending.pop_front() {
            return event;
        }
        let agents = self.agents.len();
        match self.rng.random_range(0..100) {
            0..=44 => {
                let (from, mut to) = self.sender();
                if self.handsets[from].opted_out.is_none() {
                    if let Some(ask) = self.asks.remove(&(from, to)) {
                        if self.chance(ANSWER_CHANCE) {
                            let body = self.answer(ask, (from, to));
                            return Event::Text { from, to, body };
                        }
                    }
                }
                let h = &self.handsets[from];
                let body = if let Some(stopped) = h.opted_out {
                    // An opted-out requester's next text is START, now and then, to the number
                    // they stopped.
                    if self.chance(0.3) {
                        to = stopped;
                        "START".to_owned()
                    } else {
                        return Event::Wait(self.rng.random_range(1..60));
                    }
                } else if self.chance(0.01) {
                    "STOP".to_owned()
                } else if self.chance(0.01) {
                    KEYWORDS[self.pick(KEYWORDS.len())].to_owned()
                } else if self.chance(0.05) {
                    let media = (0..1 + self.pick(3)).map(|_| self.media_file()).collect();
                    let body = if self.chance(0.5) {
                        self.body()
                    } else {
                        String::new()
                    };
                    return Event::Mms {
                        from,
                        to,
                        body,
                        media,
                    };
                } else if self.chance(0.25) {
                    let answer = VA_ANSWERS[self.pick(VA_ANSWERS.len())];
                    match answer {
                        "order" => self.asks.insert((from, to), VaAsk::OrderNumber),
                        "cases" => self.asks.insert((from, to), VaAsk::CasePick),
                        _ => None,
                    };
                    answer.to_owned()
                } else {
                    self.body()
                };
                Event::Text { from, to, body }
            }
            45..=46 if acked > 0 => Event::Redeliver(self.pick(acked)),
            47 => Event::Capacity(self.pick(agents), self.rng.random_range(0..5)),
            66 => {
                let agent = self.pick(agents);
                let (to, from) = match self.household_follow_up() {
                    Some(pair) => pair,
                    None => (
                        self.pick(self.handsets.len()),
                        self.pick(self.providers.len()),
                    ),
                };
                let body = self.body();
                let image = self.chance(0.3);
                Event::Compose {
                    agent,
                    to,
                    from,
                    body,
                    image,
                }
            }
            48..=51 => {
                let presence = match self.rng.random_range(0..10) {
                    0..=6 => Presence::Available,
                    7..=8 => Presence::Away,
                    _ => Presence::Offline,
                };
                let agent = self.pick(agents);
                self.presence[agent] = presence;
                Event::Presence(agent, presence)
            }
            52..=65 => Event::Answer {
                agent: self.pick(agents),
                accept: self.chance(0.85),
            },
            84 => {
                let agent = self.pick(agents);
                let pick = self.rng.random();
                let to = match self.rng.random_range(0..4) {
                    0..=1 => Handoff::Agent(self.pick(agents)),
                    2 => Handoff::Queue,
                    _ => Handoff::Leave,
                };
                Event::Transfer { agent, pick, to }
            }
            67..=83 => {
                let agent = self.pick(agents);
                let pick = self.rng.random();
                if self.chance(0.06) {
                    return Event::Card { agent, pick };
                }
                let body = self.body();
                let close = self.chance(0.2);
                Event::Reply {
                    agent,
                    pick,
                    body,
                    close,
                }
            }
            85..=97 => Event::Wait(self.rng.random_range(1..300)),
            // Going silent for hours: idle timeouts, timers, reconciliation.
            _ => {
                let seconds = self.rng.random_range(3_600..6 * 3_600);
                self.night(seconds)
            }
        }
    }

    /// A requester's answer to what the virtual agent asked `pair`: an order's number (one in
    /// five a five-digit number that is no order's), then what to do with it (track it three
    /// times in five), or the first of their open cases.
    fn answer(&mut self, ask: VaAsk, pair: (usize, usize)) -> String {
        match ask {
            VaAsk::OrderNumber => {
                self.asks.insert(pair, VaAsk::OrderNeed);
                if self.chance(0.8) {
                    let k = self.pick(self.orders.len());
                    self.orders[k].number.clone()
                } else {
                    self.rng.random_range(10_000..100_000).to_string()
                }
            }
            VaAsk::OrderNeed => ["1", "1", "1", "2", "3"][self.pick(5)].to_owned(),
            VaAsk::CasePick => "1".to_owned(),
        }
    }

    /// Who texts, and to which provider number: most often ([`CONTINUE_CHANCE`]) one of the
    /// [`RECENT_PAIRS`] conversations under way, so that conversations run to several messages
    /// (a virtual agent's topic answered, a live agent's back and forth), else anyone to any
    /// number, which then is under way in place of the one quiet longest.
    ///
    /// Drawn uniformly, every text was someone's first in weeks: a soak of 100,000 messages
    /// opened more interactions than it sent messages, each a greeting and an idle close, and
    /// no conversation lasted long enough to reach a topic's second step.
    fn sender(&mut self) -> (usize, usize) {
        if !self.recent.is_empty() && self.chance(CONTINUE_CHANCE) {
            let i = self.pick(self.recent.len());
            if let Some(pair) = self.recent.remove(i) {
                self.recent.push_back(pair);
                return pair;
            }
        }
        let pair = (
            self.pick(self.handsets.len()),
            self.pick(self.providers.len()),
        );
        self.recent.retain(|p| *p != pair);
        self.recent.push_back(pair);
        if self.recent.len() > RECENT_PAIRS {
            self.recent.pop_front();
        }
        pair
    }

    /// Half the time when a conversation under way is on a shared phone: the other person on
    /// that phone and the conversation's provider number, (handset index, provider index), for
    /// an agent's Compose SMS (AGENT-4: the conversation with the first is closed, a profile
    /// made for the second).
    fn household_follow_up(&mut self) -> Option<(usize, usize)> {
        let shared: Vec<(usize, usize)> = (self.recent.iter())
            .filter(|(h, _)| !self.mates[*h].is_empty())
            .copied()
            .collect();
        if shared.is_empty() || !self.chance(0.5) {
            return None;
        }
        let (h, provider) = shared[self.pick(shared.len())];
        let mates = &self.mates[h];
        Some((mates[self.rng.random_range(0..mates.len())], provider))
    }

    /// Who else has each handset's phone number ([`Traffic::mates`]).
    fn find_mates(handsets: &[Handset]) -> Vec<Vec<usize>> {
        let mut by_number: HashMap<&str, Vec<usize>> = HashMap::new();
        for (i, h) in handsets.iter().enumerate() {
            by_number.entry(h.number.as_str()).or_default().push(i);
        }
        (handsets.iter().enumerate())
            .map(|(i, h)| {
                let all = &by_number[h.number.as_str()];
                all.iter().copied().filter(|&j| j != i).collect()
            })
            .collect()
    }

    /// Whether a night's events are still to be handed out (the agents are not back yet).
    pub fn night_under_way(&self) -> bool {
        !self.pending.is_empty()
    }

    /// The desk closes for `seconds`: every Available agent goes Away, the time passes, and they
    /// come back Available; the first of these events now, the rest on the next calls.
    ///
    /// Agents leave for the night as they would: left Available through hours in which nobody
    /// answers, every offer would lapse and go round the members every
    /// `DEFAULT_OFFER_TIMEOUT_SECS` all night, a desk no service runs (and, with a routing pass
    /// at each lapse, most of a soak's wall time). Offers still lapse in the day's shorter
    /// silences.
    fn night(&mut self, seconds: i64) -> Event {
        let available: Vec<usize> = (0..self.agents.len())
            .filter(|&a| self.presence[a] == Presence::Available)
            .collect();
        let leave = available
            .iter()
            .map(|&a| Event::Presence(a, Presence::Away));
        let back = available
            .iter()
            .map(|&a| Event::Presence(a, Presence::Available));
        self.pending.extend(leave);
        self.pending.push_back(Event::Wait(seconds));
        self.pending.extend(back);
        self.pending.pop_front().unwrap_or(Event::Wait(seconds))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_few_known_requesters_share_a_phone() {
        let t = Traffic::new(1, 2_000, 3, 4).unwrap();
        let mut by_number: std::collections::BTreeMap<&str, Vec<&Handset>> = Default::default();
        for h in &t.handsets {
            by_number.entry(h.number.as_str()).or_default().push(h);
        }
        let shared: Vec<&Vec<&Handset>> = by_number.values().filter(|v| v.len() > 1).collect();
        // About 3% of the 1,500 known requesters.
        assert!((20..80).contains(&shared.len()), "{} shared", shared.len());
        for people in shared {
            assert!(
                people.iter().all(|h| matches!(h.kind, Kind::Known(_))),
                "an unknown number is nobody's"
            );
            let names: std::collections::BTreeSet<&str> =
                people.iter().map(|h| h.name.as_str()).collect();
            assert_eq!(names.len(), people.len(), "different people");
        }
    }

    #[test]
    fn requesters_send_every_kind_of_text_the_issue_names() {
        let mut t = Traffic::new(3, 300, 3, 4).unwrap();
        let events: Vec<Event> = (0..20_000).map(|i| t.next(i)).collect();
        let texts: Vec<&str> = events
            .iter()
            .filter_map(|e| match e {
                Event::Text { body, .. } => Some(body.as_str()),
                _ => None,
            })
            .collect();
        let has = |what: &str, f: &dyn Fn(&str) -> bool| {
            assert!(texts.iter().any(|b| f(b)), "no text {what}");
        };
        has("of 1,600 characters", &|b| {
            b.chars().count() == MAX_BODY_CHARS
        });
        has("in UCS-2", &|b| {
            twilio_wire::segments::encoding(b) == twilio_wire::segments::Encoding::Ucs2
        });
        // START follows a STOP the soak applied (`Handset::opted_out`), not the traffic alone.
        for keyword in ["STOP", "HELP", "Notification"] {
            has(keyword, &|b| b == keyword);
        }
        let files: Vec<&Vec<usize>> = events
            .iter()
            .filter_map(|e| match e {
                Event::Mms { media, .. } => Some(media),
                _ => None,
            })
            .collect();
        assert!(files.iter().any(|m| m.iter().all(|f| *f < IMAGE_FILES)));
        for (other, name) in MEDIA_FILES.iter().enumerate().skip(IMAGE_FILES) {
            assert!(
                files.iter().any(|m| m.contains(&other)),
                "no MMS with {name}"
            );
        }
    }

    #[test]
    fn requesters_have_cases_and_orders_and_agents_send_cards() {
        let mut t = Traffic::new(2, 2_000, 3, 4).unwrap();
        let known = t
            .handsets
            .iter()
            .filter(|h| matches!(h.kind, Kind::Known(_)));
        let with_cases = known.clone().filter(|h| !h.cases.is_empty()).count();
        let known = known.count();
        assert!(
            (known * 2 / 5..known * 3 / 5).contains(&with_cases),
            "{with_cases} of {known}"
        );
        assert!(t
            .handsets
            .iter()
            .all(|h| matches!(h.kind, Kind::Known(_)) || h.cases.is_empty()));
        let cases: Vec<&Case> = t.handsets.iter().flat_map(|h| &h.cases).collect();
        let numbers: std::collections::BTreeSet<&str> =
            cases.iter().map(|c| c.number.as_str()).collect();
        assert_eq!(numbers.len(), cases.len(), "case numbers are unique");
        assert!(cases.iter().any(|c| c.open) && cases.iter().any(|c| !c.open));
        let events: Vec<Event> = (0..20_000).map(|i| t.next(i)).collect();
        assert!(events.iter().any(|e| matches!(e, Event::Card { .. })));
        assert!(events
            .iter()
            .any(|e| matches!(e, Event::Text { body, .. } if body == "cases")));
        // Orders, one for every 20 requesters, and texts of their numbers and of none.
        assert_eq!(t.orders.len(), 100);
        let texted = |f: &dyn Fn(&str) -> bool| {
            events
                .iter()
                .any(|e| matches!(e, Event::Text { body, .. } if f(body)))
        };
        assert!(texted(&|b| t.orders.iter().any(|o| o.number == b)));
        assert!(texted(
            &|b| b.len() == 5 && b.bytes().all(|c| c.is_ascii_digit())
        ));
    }

    #[test]
    fn a_seed_draws_the_same_population_and_events_and_every_number_is_valid() {
        let mut a = Traffic::new(7, 40, 3, 4).unwrap();
        let mut b = Traffic::new(7, 40, 3, 4).unwrap();
        let numbers = |t: &Traffic| -> Vec<String> {
            t.handsets
                .iter()
                .map(|h| h.number.as_str().to_owned())
                .collect()
        };
        assert_eq!(numbers(&a), numbers(&b));
        // At least ten regions (issue 10), in a population of a few hundred.
        let regions: std::collections::HashSet<String> = Traffic::new(7, 300, 3, 4)
            .unwrap()
            .handsets
            .iter()
            .map(|h| h.region.to_string())
            .collect();
        assert!(regions.len() >= 10, "only {regions:?}");
        for h in &a.handsets {
            assert!(
                E164::parse(h.number.as_str(), None).is_ok(),
                "{}",
                h.number.as_str()
            );
        }
        let ea: Vec<Event> = (0..200).map(|i| a.next(i)).collect();
        let eb: Vec<Event> = (0..200).map(|i| b.next(i)).collect();
        assert_eq!(ea, eb);
        let mut c = Traffic::new(8, 40, 3, 4).unwrap();
        assert_ne!(numbers(&a), numbers(&c));
        let ec: Vec<Event> = (0..200).map(|i| c.next(i)).collect();
        assert_ne!(ea, ec);
    }

    #[test]
    fn at_night_every_available_agent_goes_away_and_comes_back_after_the_wait() {
        let mut t = Traffic::new(7, 40, 3, 4).unwrap();
        t.presence[2] = Presence::Offline;
        let mut events = vec![t.night(7_200)];
        while t.night_under_way() {
            events.push(t.next(0));
        }
        let (away, available) = (Presence::Away, Presence::Available);
        assert_eq!(
            events,
            [
                Event::Presence(0, away),
                Event::Presence(1, away),
                Event::Presence(3, away),
                Event::Wait(7_200),
                Event::Presence(0, available),
                Event::Presence(1, available),
                Event::Presence(3, available),
            ]
        );
        // Presence drawn as an event (not a night's leaving, which comes with a night under way)
        // is what the next night goes by.
        let drawn = loop {
            match t.next(0) {
                Event::Presence(a, p) if p != Presence::Available && !t.night_under_way() => {
                    break a
                }
                _ => {}
            }
        };
        let next_night = t.night(60);
        let mut leaving = vec![next_night];
        while t.night_under_way() {
            leaving.push(t.next(0));
        }
        assert!(
            !leaving.contains(&Event::Presence(drawn, Presence::Away)),
            "agent {drawn} is not available and does not leave: {leaving:?}"
        );
    }

    #[test]
    fn most_texts_continue_a_conversation_under_way_and_new_ones_keep_starting() {
        let mut t = Traffic::new(7, 10_000, 3, 4).unwrap();
        let pairs: Vec<(usize, usize)> = (0..20_000)
            .filter_map(|i| match t.next(i) {
                Event::Text { from, to, .. } | Event::Mms { from, to, .. } => Some((from, to)),
                _ => None,
            })
            .collect();
        let mut per_pair = std::collections::HashMap::<(usize, usize), usize>::new();
        for p in &pairs {
            *per_pair.entry(*p).or_default() += 1;
        }
        let mean = pairs.len() as f64 / per_pair.len() as f64;
        // Drawn from 30,000 pairs uniformly, 9,000 texts would be 1.2 texts per pair.
        assert!(
            (3.0..6.0).contains(&mean),
            "{mean:.2} texts per pair ({} pairs)",
            per_pair.len()
        );
        let consecutive_same = pairs.windows(2).filter(|w| w[0] == w[1]).count();
        assert!(
            consecutive_same * 5 < pairs.len(),
            "conversations interleave: {consecutive_same} of {} texts follow their own pair's",
            pairs.len()
        );
    }

    #[test]
    fn a_quarter_of_each_kind_and_every_shard_holds_every_kind() {
        let kinds: Vec<Kind> = (0..400).map(kind_of).collect();
        for kind in [
            Kind::Known(PartyTable::SysUser),
            Kind::Known(PartyTable::CsmConsumer),
            Kind::Known(PartyTable::CustomerContact),
            Kind::Unknown,
        ] {
            assert_eq!(
                kinds.iter().filter(|k| **k == kind).count(),
                100,
                "{kind:?}"
            );
            for n in 2..=16 {
                for shard in 0..n {
                    assert!(
                        kinds.iter().skip(shard).step_by(n).any(|k| *k == kind),
                        "shard {} of {n} has no {kind:?}",
                        shard + 1
                    );
                }
            }
        }
    }

    #[test]
    fn shards_of_a_seed_share_the_people_and_draw_their_own_events() {
        let shard = |p: &str| {
            let mut t = Traffic::new(7, 40, 3, 4).unwrap();
            t.keep_partition(p.parse().unwrap()).unwrap();
            let events: Vec<Event> = (0..200).map(|i| t.next(i)).collect();
            (t, events)
        };
        let whole = Traffic::new(7, 40, 3, 4).unwrap();
        let (one, e1) = shard("1/2");
        let (two, e2) = shard("2/2");
        let (again, e1_again) = shard("1/2");
        assert_eq!(
            one.handsets.len() + two.handsets.len(),
            whole.handsets.len()
        );
        assert_eq!(one.handsets[0].number, whole.handsets[0].number);
        assert_eq!(two.handsets[0].number, whole.handsets[1].number);
        assert_eq!(e1, e1_again, "a shard is deterministic");
        assert_eq!(again.handsets.len(), one.handsets.len());
        assert_ne!(e1, e2, "each shard draws its own events");
        let mut plain = Traffic::new(7, 40, 3, 4).unwrap();
        let whole_events: Vec<Event> = (0..200).map(|i| plain.next(i)).collect();
        let (all, e_all) = shard("1/1");
        assert_eq!(all.handsets.len(), whole.handsets.len());
        assert_eq!(e_all, whole_events, "the one shard of 1/1 is the whole run");
    }

    /// Shards keep households whole: everyone with a phone is in the shard of its first holder,
    /// and the shards still split the population.
    #[test]
    fn a_shard_keeps_a_household_whole() {
        let whole = Traffic::new(1, 2_000, 3, 4).unwrap();
        let holders = |t: &Traffic| {
            let mut by_number: std::collections::BTreeMap<String, usize> = Default::default();
            for h in &t.handsets {
                *by_number.entry(h.number.as_str().to_owned()).or_default() += 1;
            }
            by_number
        };
        let everyone = holders(&whole);
        assert!(everyone.values().any(|&n| n > 1), "some households");
        for total in [2, 9] {
            let mut kept = 0;
            for index in 1..=total {
                let mut t = Traffic::new(1, 2_000, 3, 4).unwrap();
                t.keep_partition(format!("{index}/{total}").parse().unwrap())
                    .unwrap();
                kept += t.handsets.len();
                for (number, n) in holders(&t) {
                    assert_eq!(n, everyone[&number], "{number} in shard {index}/{total}");
                }
            }
            assert_eq!(kept, whole.handsets.len(), "{total} shards split everyone");
        }
    }
}
