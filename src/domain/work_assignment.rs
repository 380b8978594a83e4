//! Advanced Work Assignment (AWA) for the SMS service channel, the Ongoing tab and the system
//! messages of a conversation (seed 002; ROUTE-1..2, INBOX-1..3, SYSMSG-1).
//!
//! Pure: no IO, no clock, no store. The engine loads queues, agents and work items (plain data,
//! one row each), calls these functions with `now`, and writes back what changed.
//!
//! # Routing (ROUTE-1, ROUTE-2, INBOX-3)
//!
//! - A conversation handed to live agents gets a [`WorkItem`] in the first [`Queue`] (lowest
//!   [`Queue::order`], then sys_id) whose routing condition matches the interaction
//!   ([`queue_for`]).
//! - [`route`] offers waiting items, **oldest first** (`created_at`, then sys_id, across queues),
//!   each to an agent of its queue who is [`Presence::Available`], has free SMS capacity and has
//!   not declined that item. Among those, the agent with the most free capacity wins; ties go to
//!   the agent listed first in the queue; an agent who let an offer of that item time out comes
//!   after every other (see below). An item nobody can take waits, without blocking younger
//!   items that someone can take.
//! - **Capacity:** an agent's load is the number of their active work items that are
//!   [`WorkItemState::Offered`] or [`WorkItemState::Accepted`]: an outstanding offer holds a slot
//!   until it is accepted, rejected, times out or is withdrawn. [`route`] never makes an offer that
//!   would take an agent over [`Agent::sms_capacity`]. Lowering a capacity below the current load
//!   ([`set_capacity`]) withdraws the agent's newest offers beyond it and revokes no accepted
//!   work; the agent gets no new offers until the load falls below it.
//! - An offer lasts `offer_timeout_secs` ([`DEFAULT_OFFER_TIMEOUT_SECS`] = 60 s, our choice: the
//!   seed is silent). The agent sees it in the Workspace Inbox ([`inbox`]) and accepts
//!   ([`accept`]) or rejects ([`reject`]) it. An offer not accepted by `expires_at` times out
//!   ([`expire`], at `expires_at`, not a second earlier).
//! - A rejected item goes back to waiting, keeps its age (so it stays first in line) and is
//!   **never offered to that agent again** ([`WorkItem::declined_by`]). If every member of its
//!   queue has declined it, it waits until the queue gains a member ([`stranded`] tells).
//! - **A timeout is not a decline** (our choice: the seed is silent). A timed-out item goes back to
//!   waiting, first in line, and goes to another agent who can take it; the agent who let it time
//!   out ([`WorkItem::timed_out_by`]) is offered it again only when nobody else can take it, and
//!   among several such agents the one whose offer lapsed longest ago comes first. So a
//!   conversation never waits while a member of its queue who has not rejected it is available
//!   with free capacity: a single agent who misses one offer is offered it again at once.
//! - **Presence:** only Available agents get offers. An agent leaving Available (Away, Offline)
//!   has their outstanding offers withdrawn back to [`WorkItemState::Pending`] (not declined: they
//!   may get it again on return); conversations they accepted stay theirs and keep counting.
//!   See [`set_presence`].
//! - A completed conversation ([`complete`]) frees its slot; [`route`] then offers the oldest
//!   waiting item.
//!
//! ServiceNow's `awa_work_item` states are Queued, Pending Accept, Accepted and Canceled. Ours map
//! as: `Pending`, `Rejected`, `TimedOut` = Queued (waiting; the last two record how the last offer
//! ended), `Offered` = Pending Accept, `Accepted` = Accepted (with `active` false once the
//! conversation completes), `Cancelled` = Canceled.
//!
//! # Ongoing tab (INBOX-1, INBOX-2)
//!
//! [`Ongoing`]: per agent, their active SMS conversations, each with a new-message indicator set
//! by a requester message and cleared when the agent reads (or replies in) the conversation.
//! Completed conversations leave the tab.
//!
//! # System messages (SYSMSG-1)
//!
//! [`SystemMessage`]: agents see every system message in the conversation
//! ([`SystemMessage::agent_text`]); the requester receives by SMS only the subset
//! [`SystemMessage::sms_text`] returns, so a long-running SMS conversation is not flooded.

use std::collections::HashMap;

use chrono::{DateTime, TimeDelta, Utc};

use crate::domain::encoded_query::{EncodedQuery, Record};
use crate::domain::model::SysId;

/// How long an offer waits for the agent's answer, in seconds, unless configured otherwise.
pub const DEFAULT_OFFER_TIMEOUT_SECS: i64 = 60;

/// An agent's presence in the workspace.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Presence {
    /// Receives offers.
    Available,
    /// Signed in, receives no offers.
    Away,
    /// Signed out, receives no offers.
    Offline,
}

impl Presence {
    /// The stored value: `available`, `away`, `offline`.
    pub fn as_str(self) -> &'static str {
        match self {
            Presence::Available => "available",
            Presence::Away => "away",
            Presence::Offline => "offline",
        }
    }

    /// Parses [`Presence::as_str`]'s values; `None` for anything else.
    pub fn parse(s: &str) -> Option<Presence> {
        [Presence::Available, Presence::Away, Presence::Offline]
            .into_iter()
            .find(|p| p.as_str() == s)
    }
}

/// A live agent as AWA sees them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Agent {
    /// The agent's sys_user sys_id.
    pub sys_id: SysId,
    /// Presence now.
    pub presence: Presence,
    /// How many SMS work items (offered + accepted, active) the agent may hold at once: the
    /// agent's capacity on the SMS service channel.
    pub sms_capacity: u32,
}

/// An AWA queue of the SMS service channel.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Queue {
    /// Its sys_id.
    pub sys_id: SysId,
    /// Display name.
    pub name: String,
    /// Evaluation order: the lowest first.
    pub order: i32,
    /// Routing condition on the interaction; `None` takes every interaction.
    pub condition: Option<EncodedQuery>,
    /// Member agents' sys_ids, in preference order (the first wins ties).
    pub agents: Vec<SysId>,
}

/// The state of an `awa_work_item`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum WorkItemState {
    /// Waiting in its queue, never offered (or its offer was withdrawn).
    Pending,
    /// Offered to [`WorkItem::agent`] until [`WorkItem::offer_expires_at`].
    Offered,
    /// Accepted by [`WorkItem::agent`].
    Accepted,
    /// Waiting again: the last offer was rejected.
    Rejected,
    /// Waiting again: the last offer timed out.
    TimedOut,
    /// Withdrawn before acceptance (for example the conversation closed). Final.
    Cancelled,
}

impl WorkItemState {
    /// The stored value: `pending`, `offered`, `accepted`, `rejected`, `timed_out`, `cancelled`.
    pub fn as_str(self) -> &'static str {
        match self {
            WorkItemState::Pending => "pending",
            WorkItemState::Offered => "offered",
            WorkItemState::Accepted => "accepted",
            WorkItemState::Rejected => "rejected",
            WorkItemState::TimedOut => "timed_out",
            WorkItemState::Cancelled => "cancelled",
        }
    }

    /// Parses [`WorkItemState::as_str`]'s values; `None` for anything else.
    pub fn parse(s: &str) -> Option<WorkItemState> {
        [
            WorkItemState::Pending,
            WorkItemState::Offered,
            WorkItemState::Accepted,
            WorkItemState::Rejected,
            WorkItemState::TimedOut,
            WorkItemState::Cancelled,
        ]
        .into_iter()
        .find(|w| w.as_str() == s)
    }

    /// Whether an item in this state waits for an offer: Pending, Rejected or TimedOut.
    pub fn is_waiting(self) -> bool {
        matches!(
            self,
            WorkItemState::Pending | WorkItemState::Rejected | WorkItemState::TimedOut
        )
    }
}

/// An `awa_work_item` row: one conversation waiting for, offered to or accepted by an agent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WorkItem {
    /// Its sys_id.
    pub sys_id: SysId,
    /// The interaction it routes.
    pub interaction: SysId,
    /// The queue it waits in.
    pub queue: SysId,
    /// When it entered the queue: its place in line (oldest first).
    pub created_at: DateTime<Utc>,
    /// Its state.
    pub state: WorkItemState,
    /// False once cancelled or, after acceptance, once the conversation completed.
    pub active: bool,
    /// The agent it is offered to or accepted by; `None` while waiting or cancelled.
    pub agent: Option<SysId>,
    /// When the current offer was made.
    pub offered_at: Option<DateTime<Utc>>,
    /// When the current offer times out.
    pub offer_expires_at: Option<DateTime<Utc>>,
    /// Agents who rejected it (or had it taken from them by a Reassign), each once: never
    /// offered it again. (A store can keep it as comma-separated sys_ids: they contain no commas.)
    pub declined_by: Vec<SysId>,
    /// Agents who let an offer of it time out, each once, the longest ago first: offered it
    /// again only when nobody else can take it (a timeout is not a decline).
    pub timed_out_by: Vec<SysId>,
}

impl WorkItem {
    /// A new waiting item in `queue`, created at `now`.
    pub fn new(sys_id: &str, interaction: &str, queue: &str, now: DateTime<Utc>) -> WorkItem {
        WorkItem {
            sys_id: sys_id.to_owned(),
            interaction: interaction.to_owned(),
            queue: queue.to_owned(),
            created_at: now,
            state: WorkItemState::Pending,
            active: true,
            agent: None,
            offered_at: None,
            offer_expires_at: None,
            declined_by: Vec::new(),
            timed_out_by: Vec::new(),
        }
    }

    /// Whether it holds a slot of `agent`'s capacity: active, Offered or Accepted, theirs.
    pub fn holds_slot_of(&self, agent: &str) -> bool {
        self.active
            && matches!(self.state, WorkItemState::Offered | WorkItemState::Accepted)
            && self.agent.as_deref() == Some(agent)
    }

    fn back_to_queue(&mut self, state: WorkItemState) {
        if let Some(agent) = self.agent.take() {
            match state {
                WorkItemState::Rejected if !self.declined_by.contains(&agent) => {
                    self.declined_by.push(agent);
                }
                WorkItemState::TimedOut => {
                    self.timed_out_by.retain(|a| *a != agent);
                    self.timed_out_by.push(agent);
                }
                _ => {}
            }
        }
        self.state = state;
        self.offered_at = None;
        self.offer_expires_at = None;
    }
}

/// An offer [`route`] decided: `agent` gets `item` until `expires_at`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Offer {
    /// The work item's sys_id.
    pub item: SysId,
    /// Its interaction.
    pub interaction: SysId,
    /// Its queue.
    pub queue: SysId,
    /// The agent offered it.
    pub agent: SysId,
    /// When (the `now` of [`route`]).
    pub offered_at: DateTime<Utc>,
    /// When it times out.
    pub expires_at: DateTime<Utc>,
}

impl Offer {
    /// Records the offer on its work item: Offered to the agent until `expires_at`.
    pub fn apply(&self, item: &mut WorkItem) {
        debug_assert_eq!(item.sys_id, self.item);
        item.state = WorkItemState::Offered;
        item.agent = Some(self.agent.clone());
        item.offered_at = Some(self.offered_at);
        item.offer_expires_at = Some(self.expires_at);
    }
}

/// Why an agent's answer or a state change was refused. Nothing changes when one is returned.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum AwaError {
    /// Accept or reject of an item that is not offered (waiting, accepted, cancelled).
    #[error("work item {item} is {state}, not offered", state = state.as_str())]
    NotOffered {
        /// The item.
        item: SysId,
        /// Its state.
        state: WorkItemState,
    },
    /// Accept or reject by an agent the item is not offered to.
    #[error("work item {item} is not offered to agent {agent}")]
    OfferedToAnother {
        /// The item.
        item: SysId,
        /// The agent who answered.
        agent: SysId,
    },
    /// Accept at or after the offer's `expires_at`: the offer timed out.
    #[error("the offer of work item {item} expired at {expired_at}")]
    OfferExpired {
        /// The item.
        item: SysId,
        /// When it expired.
        expired_at: DateTime<Utc>,
    },
    /// Complete of an item that is not an active accepted item.
    #[error("work item {item} is not an active accepted item (state {state})", state = state.as_str())]
    NotAccepted {
        /// The item.
        item: SysId,
        /// Its state.
        state: WorkItemState,
    },
    /// Cancel of an item already accepted (complete it instead) or already cancelled.
    #[error("work item {item} cannot be cancelled in state {state}", state = state.as_str())]
    NotCancellable {
        /// The item.
        item: SysId,
        /// Its state.
        state: WorkItemState,
    },
}

/// The queue a conversation goes to: the first by (`order`, sys_id) whose condition matches the
/// interaction (`record` holds its fields, preloaded); `None` when none does (ROUTE-1).
pub fn queue_for<'a>(queues: &'a [Queue], record: &Record) -> Option<&'a Queue> {
    let mut ordered: Vec<&Queue> = queues.iter().collect();
    ordered.sort_by(|a, b| (a.order, &a.sys_id).cmp(&(b.order, &b.sys_id)));
    ordered
        .into_iter()
        .find(|q| q.condition.as_ref().is_none_or(|c| c.eval(record)))
}

/// How many slots `agent` holds: their active Offered and Accepted items.
pub fn load(agent: &str, items: &[WorkItem]) -> u32 {
    items.iter().filter(|i| i.holds_slot_of(agent)).count() as u32
}

/// [`load`] of every agent who holds a slot, by agent sys_id, in one reading of `items`; the
/// offers due at `now` (if given) left out, as [`expire`] would free them.
fn loads(items: &[WorkItem], now: Option<DateTime<Utc>>) -> HashMap<&str, u32> {
    let mut loads = HashMap::new();
    for item in items {
        let Some(agent) = item.agent.as_deref() else {
            continue;
        };
        if item.holds_slot_of(agent) && !now.is_some_and(|now| offer_due(item, now)) {
            *loads.entry(agent).or_insert(0) += 1;
        }
    }
    loads
}

/// Whether [`expire`] at `now` sends `item` back to its queue.
fn offer_due(item: &WorkItem, now: DateTime<Utc>) -> bool {
    item.active
        && item.state == WorkItemState::Offered
        && item.offer_expires_at.is_some_and(|at| at <= now)
}

/// How many more items `agent` may be offered now (zero when at or over capacity).
pub fn free_capacity(agent: &Agent, items: &[WorkItem]) -> u32 {
    agent
        .sms_capacity
        .saturating_sub(load(&agent.sys_id, items))
}

/// Whether an available agent has a free slot among `items`. When not, [`route`] offers nothing
/// whatever items wait: a routing pass then needs only the items that hold slots (active, Offered
/// or Accepted), after [`expire`], and not the whole queue.
pub fn any_free_slot(agents: &[Agent], items: &[WorkItem]) -> bool {
    free_slot_among(agents, &loads(items, None))
}

/// [`any_free_slot`] among `items` as [`expire`] at `now` would leave them (the offers due at
/// `now` freed), without changing them: what a routing pass needs to know before it reads the
/// waiting items.
pub fn any_free_slot_at(agents: &[Agent], items: &[WorkItem], now: DateTime<Utc>) -> bool {
    free_slot_among(agents, &loads(items, Some(now)))
}

fn free_slot_among(agents: &[Agent], loads: &HashMap<&str, u32>) -> bool {
    agents.iter().any(|a| {
        a.presence == Presence::Available
            && a.sms_capacity > loads.get(a.sys_id.as_str()).copied().unwrap_or(0)
    })
}

/// Decides the offers to make at `now` (ROUTE-1, ROUTE-2): see the module docs for the rules.
///
/// `offer_timeout_secs` below 1 counts as 1. Items in a queue missing from `queues` are not
/// offered, nor are queue members missing from `agents`. Apply the offers with [`Offer::apply`] (or use [`step`], which expires, routes and
/// applies). Offers already outstanding are left as they are: call [`expire`] first so timed-out
/// ones go to the next agent.
pub fn route(
    queues: &[Queue],
    agents: &[Agent],
    items: &[WorkItem],
    now: DateTime<Utc>,
    offer_timeout_secs: i64,
) -> Vec<Offer> {
    let timeout = TimeDelta::try_seconds(offer_timeout_secs.max(1)).unwrap_or(TimeDelta::MAX);
    let expires_at = now
        .checked_add_signed(timeout)
        .unwrap_or(DateTime::<Utc>::MAX_UTC);
    let load = loads(items, None);
    let mut free: HashMap<&str, u32> = agents
        .iter()
        .filter(|a| a.presence == Presence::Available)
        .map(|a| {
            let held = load.get(a.sys_id.as_str()).copied().unwrap_or(0);
            (a.sys_id.as_str(), a.sms_capacity.saturating_sub(held))
        })
        .collect();
    let mut waiting: Vec<&WorkItem> = items
        .iter()
        .filter(|i| i.active && i.state.is_waiting())
        .collect();
    waiting.sort_by(|a, b| (a.created_at, &a.sys_id).cmp(&(b.created_at, &b.sys_id)));

    let mut offers = Vec::new();
    for item in waiting {
        let Some(queue) = queues.iter().find(|q| q.sys_id == item.queue) else {
            continue;
        };
        if let Some((agent, slots)) = pick_agent(item, queue, &free) {
            free.insert(agent, slots - 1);
            offers.push(Offer {
                item: item.sys_id.clone(),
                interaction: item.interaction.clone(),
                queue: item.queue.clone(),
                agent: agent.to_owned(),
                offered_at: now,
                expires_at,
            });
        }
    }
    offers
}

/// The agent `item` goes to among its queue's members with free slots (`free`: available agents'
/// free capacity) who have not declined it: the most free slots, then the first listed; an agent
/// who let an offer of it time out only when no other can take it, the longest ago first.
fn pick_agent<'a>(
    item: &WorkItem,
    queue: &'a Queue,
    free: &HashMap<&str, u32>,
) -> Option<(&'a str, u32)> {
    let mut best: Option<(&str, u32)> = None;
    let mut lapsed: Option<(&str, u32, usize)> = None;
    for member in &queue.agents {
        if item.declined_by.contains(member) {
            continue;
        }
        let slots = free.get(member.as_str()).copied().unwrap_or(0);
        if slots == 0 {
            continue;
        }
        match item.timed_out_by.iter().position(|a| a == member) {
            Some(when) => {
                if lapsed.is_none_or(|(_, _, w)| when < w) {
                    lapsed = Some((member.as_str(), slots, when));
                }
            }
            None => {
                if best.is_none_or(|(_, b)| slots > b) {
                    best = Some((member.as_str(), slots));
                }
            }
        }
    }
    best.or(lapsed.map(|(agent, slots, _)| (agent, slots)))
}

/// The agent accepts the item offered to them (INBOX-3). It becomes Accepted and keeps its slot.
///
/// # Errors
/// [`AwaError::NotOffered`], [`AwaError::OfferedToAnother`], or [`AwaError::OfferExpired`] when
/// `now >= offer_expires_at`.
pub fn accept(item: &mut WorkItem, agent: &str, now: DateTime<Utc>) -> Result<(), AwaError> {
    check_offer(item, agent)?;
    if let Some(expired_at) = item.offer_expires_at.filter(|&at| now >= at) {
        return Err(AwaError::OfferExpired {
            item: item.sys_id.clone(),
            expired_at,
        });
    }
    item.state = WorkItemState::Accepted;
    item.offer_expires_at = None;
    Ok(())
}

/// The agent rejects the item offered to them (INBOX-3): it waits again (Rejected), keeps its
/// place in line, and is never offered to this agent again. Accepted even after the offer's
/// expiry, and a decline all the same (unlike a timeout, the agent said no).
///
/// # Errors
/// [`AwaError::NotOffered`] or [`AwaError::OfferedToAnother`].
pub fn reject(item: &mut WorkItem, agent: &str) -> Result<(), AwaError> {
    check_offer(item, agent)?;
    item.back_to_queue(WorkItemState::Rejected);
    Ok(())
}

fn check_offer(item: &WorkItem, agent: &str) -> Result<(), AwaError> {
    if item.state != WorkItemState::Offered || !item.active {
        return Err(AwaError::NotOffered {
            item: item.sys_id.clone(),
            state: item.state,
        });
    }
    if item.agent.as_deref() != Some(agent) {
        return Err(AwaError::OfferedToAnother {
            item: item.sys_id.clone(),
            agent: agent.to_owned(),
        });
    }
    Ok(())
}

/// An offer that timed out, as [`expire`] reports it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Timeout {
    /// The work item's sys_id.
    pub item: SysId,
    /// The agent who let it time out.
    pub agent: SysId,
    /// Whether that agent had let an offer of this item time out before: agents are told of a
    /// timeout once per agent and item ([`SystemMessage::OfferTimedOut`]), not every minute an
    /// absent agent is offered it again.
    pub again: bool,
}

/// Times out every offer with `offer_expires_at <= now`: each item waits again (TimedOut), keeps
/// its place in line and goes to that agent again only when nobody else can take it
/// ([`WorkItem::timed_out_by`]). Returns the timeouts, in the order of `items`.
pub fn expire(items: &mut [WorkItem], now: DateTime<Utc>) -> Vec<Timeout> {
    let mut timed_out = Vec::new();
    for item in items.iter_mut() {
        if offer_due(item, now) {
            let agent = item.agent.clone();
            let again = agent
                .as_ref()
                .is_some_and(|a| item.timed_out_by.contains(a));
            item.back_to_queue(WorkItemState::TimedOut);
            if let Some(agent) = agent {
                timed_out.push(Timeout {
                    item: item.sys_id.clone(),
                    agent,
                    again,
                });
            }
        }
    }
    timed_out
}

/// Withdraws an item before acceptance (the conversation closed, or went back to the virtual
/// agent): Cancelled, inactive, no agent. Frees the slot of an outstanding offer.
///
/// # Errors
/// [`AwaError::NotCancellable`] when Accepted (use [`complete`]) or already Cancelled.
pub fn cancel(item: &mut WorkItem) -> Result<(), AwaError> {
    if !item.active
        || matches!(
            item.state,
            WorkItemState::Accepted | WorkItemState::Cancelled
        )
    {
        return Err(AwaError::NotCancellable {
            item: item.sys_id.clone(),
            state: item.state,
        });
    }
    item.back_to_queue(WorkItemState::Cancelled);
    item.active = false;
    Ok(())
}

/// The accepted conversation is completed (or reassigned away from the agent, ACTION-7): the item
/// goes inactive and frees the agent's slot.
///
/// # Errors
/// [`AwaError::NotAccepted`] unless it is an active Accepted item.
pub fn complete(item: &mut WorkItem) -> Result<(), AwaError> {
    if !item.active || item.state != WorkItemState::Accepted {
        return Err(AwaError::NotAccepted {
            item: item.sys_id.clone(),
            state: item.state,
        });
    }
    item.active = false;
    Ok(())
}

/// Sets the agent's SMS capacity. Accepted items stay theirs whatever the new capacity (nothing
/// taken on is revoked); outstanding offers beyond it are withdrawn back to Pending, the newest
/// first, not counted as declined, so that another agent with room gets them now rather than
/// when the offer lapses (as leaving Available withdraws them all). Returns the withdrawn items'
/// sys_ids.
pub fn set_capacity(agent: &mut Agent, capacity: u32, items: &mut [WorkItem]) -> Vec<SysId> {
    agent.sms_capacity = capacity;
    let mine = |i: &WorkItem| i.active && i.agent.as_deref() == Some(agent.sys_id.as_str());
    let held = items
        .iter()
        .filter(|i| mine(i) && matches!(i.state, WorkItemState::Offered | WorkItemState::Accepted))
        .count();
    let mut over = held.saturating_sub(capacity as usize);
    let mut offers: Vec<usize> = (0..items.len())
        .filter(|&n| mine(&items[n]) && items[n].state == WorkItemState::Offered)
        .collect();
    // Newest offer first (ties by sys_id, for a deterministic choice).
    offers.sort_by(|&a, &b| {
        (items[b].offered_at, &items[b].sys_id).cmp(&(items[a].offered_at, &items[a].sys_id))
    });
    let mut withdrawn = Vec::new();
    for n in offers {
        if over == 0 {
            break;
        }
        items[n].back_to_queue(WorkItemState::Pending);
        withdrawn.push(items[n].sys_id.clone());
        over -= 1;
    }
    withdrawn
}

/// Sets the agent's presence. Leaving Available withdraws the agent's outstanding offers back to
/// Pending (not counted as declined); accepted items stay theirs. Returns the withdrawn items'
/// sys_ids.
pub fn set_presence(agent: &mut Agent, presence: Presence, items: &mut [WorkItem]) -> Vec<SysId> {
    agent.presence = presence;
    if presence == Presence::Available {
        return Vec::new();
    }
    let mut withdrawn = Vec::new();
    for item in items.iter_mut() {
        if item.active
            && item.state == WorkItemState::Offered
            && item.agent.as_deref() == Some(agent.sys_id.as_str())
        {
            item.back_to_queue(WorkItemState::Pending);
            withdrawn.push(item.sys_id.clone());
        }
    }
    withdrawn
}

/// What one routing pass changed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Step {
    /// Offers that timed out; their items are waiting for the next agent (or offered again).
    pub timed_out: Vec<Timeout>,
    /// Offers made (already applied to the items).
    pub offers: Vec<Offer>,
    /// The positions in `items` of the items the pass changed (timed out, offered, or both),
    /// ascending, each once: the ones to write back.
    pub changed: Vec<usize>,
}

/// One routing pass at `now`: [`expire`], then [`route`], then [`Offer::apply`] each offer.
pub fn step(
    queues: &[Queue],
    agents: &[Agent],
    items: &mut [WorkItem],
    now: DateTime<Utc>,
    offer_timeout_secs: i64,
) -> Step {
    let mut changed: Vec<usize> = (0..items.len())
        .filter(|&i| offer_due(&items[i], now))
        .collect();
    let timed_out = expire(items, now);
    let offers = route(queues, agents, items, now, offer_timeout_secs);
    for offer in &offers {
        if let Some(i) = items.iter().position(|i| i.sys_id == offer.item) {
            offer.apply(&mut items[i]);
            changed.push(i);
        }
    }
    changed.sort_unstable();
    changed.dedup();
    Step {
        timed_out,
        offers,
        changed,
    }
}

/// Whether a waiting item can never be offered as things stand: its queue is gone, or every member
/// of its queue has declined it. (Presence and capacity do not strand an item: they change.)
pub fn stranded(item: &WorkItem, queues: &[Queue]) -> bool {
    if !(item.active && item.state.is_waiting()) {
        return false;
    }
    match queues.iter().find(|q| q.sys_id == item.queue) {
        None => true,
        Some(q) => q.agents.iter().all(|a| item.declined_by.contains(a)),
    }
}

/// The items waiting in `queue` (Pending, Rejected or TimedOut, active), in line: oldest first
/// (`created_at`, then sys_id), the order [`route`] offers them in (ROUTE-2).
pub fn waiting_in<'a>(queue: &str, items: &'a [WorkItem]) -> Vec<&'a WorkItem> {
    let mut waiting: Vec<&WorkItem> = items
        .iter()
        .filter(|i| i.active && i.state.is_waiting() && i.queue == queue)
        .collect();
    waiting.sort_by(|a, b| (a.created_at, &a.sys_id).cmp(&(b.created_at, &b.sys_id)));
    waiting
}

/// The agent's Workspace Inbox (INBOX-3): the items offered to them whose offer has not expired at
/// `now`, oldest first.
pub fn inbox<'a>(agent: &str, items: &'a [WorkItem], now: DateTime<Utc>) -> Vec<&'a WorkItem> {
    let mut offered: Vec<&WorkItem> = items
        .iter()
        .filter(|i| {
            i.active
                && i.state == WorkItemState::Offered
                && i.agent.as_deref() == Some(agent)
                && i.offer_expires_at.is_none_or(|at| now < at)
        })
        .collect();
    offered.sort_by(|a, b| (a.created_at, &a.sys_id).cmp(&(b.created_at, &b.sys_id)));
    offered
}

/// One conversation in an agent's Ongoing tab.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OngoingEntry {
    /// The interaction.
    pub interaction: SysId,
    /// The assigned agent.
    pub agent: SysId,
    /// The new-message indicator (record highlight): a requester message the agent has not read.
    pub unread: bool,
    /// The time of the last message either way, or of the assignment.
    pub last_activity_at: DateTime<Utc>,
}

/// The Ongoing tab of every agent (INBOX-1, INBOX-2): plain data, one entry per active SMS
/// conversation assigned to a live agent.
///
/// Choices where the seed is silent: an agent's own reply also clears the indicator (they had the
/// conversation open); only the assigned agent's read clears it; a reassignment keeps the
/// indicator (the new agent has not read it either).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Ongoing {
    /// The entries, in no particular order.
    pub entries: Vec<OngoingEntry>,
}

impl Ongoing {
    fn entry(&mut self, interaction: &str) -> Option<&mut OngoingEntry> {
        self.entries
            .iter_mut()
            .find(|e| e.interaction == interaction)
    }

    /// The conversation is assigned to `agent` (accepted work item, or agent-initiated): it shows
    /// in their tab. If it was another agent's, it moves.
    pub fn assign(&mut self, interaction: &str, agent: &str, now: DateTime<Utc>) {
        match self.entry(interaction) {
            Some(e) => {
                e.agent = agent.to_owned();
                e.last_activity_at = now;
            }
            None => self.entries.push(OngoingEntry {
                interaction: interaction.to_owned(),
                agent: agent.to_owned(),
                unread: false,
                last_activity_at: now,
            }),
        }
    }

    /// A requester SMS arrived (INBOX-1): the indicator is set. No effect on a conversation that is
    /// not in any tab (with the virtual agent, or in the queue).
    pub fn requester_message(&mut self, interaction: &str, now: DateTime<Utc>) {
        if let Some(e) = self.entry(interaction) {
            e.unread = true;
            e.last_activity_at = now;
        }
    }

    /// The assigned agent replied: the indicator is cleared.
    pub fn agent_message(&mut self, interaction: &str, now: DateTime<Utc>) {
        if let Some(e) = self.entry(interaction) {
            e.unread = false;
            e.last_activity_at = now;
        }
    }

    /// `agent` opened the conversation (INBOX-1): the indicator is cleared if they are the assigned
    /// agent. Returns whether it was set and is now cleared.
    pub fn read(&mut self, interaction: &str, agent: &str) -> bool {
        match self.entry(interaction) {
            Some(e) if e.agent == agent && e.unread => {
                e.unread = false;
                true
            }
            _ => false,
        }
    }

    /// The conversation left live agents without completing (Reassign, ACTION-7; back to the
    /// queue): it leaves the tab.
    pub fn unassign(&mut self, interaction: &str) {
        self.entries.retain(|e| e.interaction != interaction);
    }

    /// The conversation completed (INBOX-2): it no longer shows.
    pub fn complete(&mut self, interaction: &str) {
        self.unassign(interaction);
    }

    /// `agent`'s tab: their conversations, the most recent activity first (then interaction).
    pub fn for_agent(&self, agent: &str) -> Vec<&OngoingEntry> {
        let mut mine: Vec<&OngoingEntry> =
            self.entries.iter().filter(|e| e.agent == agent).collect();
        mine.sort_by(|a, b| {
            b.last_activity_at
                .cmp(&a.last_activity_at)
                .then_with(|| a.interaction.cmp(&b.interaction))
        });
        mine
    }

    /// The tab indicator: how many of `agent`'s conversations have a new message.
    pub fn unread_count(&self, agent: &str) -> usize {
        self.entries
            .iter()
            .filter(|e| e.agent == agent && e.unread)
            .count()
    }
}

/// A system message posted into a conversation (SYSMSG-1).
///
/// | message | agents see | requester gets by SMS |
/// |---|---|---|
/// | `QueueWaiting` | "Waiting for an agent in {queue}." | "An agent will be with you shortly." |
/// | `AgentJoined` | "{agent} joined the conversation." | "You are now chatting with {agent}." |
/// | `PromptRequester` | "Prompt sent to requester: {text}" | {text} (ACTION-6) |
/// | `Closed` | "The conversation was closed." | "This conversation is closed." |
/// | `AgentLeft` | "{agent} left the conversation." | nothing |
/// | `Transferred` | "{from} transferred the conversation to {to}." | nothing |
/// | `OfferRejected` | "{agent} rejected the conversation." | nothing |
/// | `OfferTimedOut` | "The offer to {agent} timed out." | nothing |
/// | `Reassigned` | "{agent} was removed; the conversation is back in the queue." | nothing |
/// | `StateChanged` | "State changed to {state}." | nothing |
/// | `AgentStarted` | "{agent} joined the conversation." | nothing |
/// | `IdleClosed` | "The virtual agent closed the conversation after no reply (idle timeout)." | "This conversation is closed." |
/// | `IdleClosedKeywordsOnly` | "Closed after no reply (idle timeout); only keywords were exchanged, so the requester was not told." | nothing |
/// | `KeywordAnswered` | "Closed once answered: a keyword opened it with the virtual agent off, so no agent was offered it." | nothing |
/// | `ActionClosed` | "The messaging action '{action}' closed the conversation ({state})." | "This conversation is closed." |
/// | `KeywordReply` | (the SMS itself) | {text} |
/// | `UpdateNotification` | (the SMS itself) | {text} |
/// | `NotificationSent` | "Closed once sent: an SMS update notification opened it." | nothing |
///
/// The SMS subset is what the requester needs to know (someone is coming, who they talk to, the
/// action's prompt, the end); the rest is workspace bookkeeping. A transfer (to an agent or a
/// queue), an agent leaving and a Reassign reach the requester as `QueueWaiting`, since nobody
/// holds the conversation until someone accepts, then as the new agent's `AgentJoined`.
///
/// Every close that ends the conversation tells the requester "This conversation is closed.",
/// whoever closed it: an agent, the virtual agent's idle timeout, or a messaging action that sets
/// a closed state (our choice: the seed is silent, and the idle timeout and a closing action are
/// the same thing at two durations). A conversation an agent's Compose SMS replaces (AGENT-3,
/// AGENT-4) is not told: the agent's own message follows at once. Nor is one that only ever held
/// START / STOP / Notification keywords and the system's answers (`IdleClosedKeywordsOnly`): the
/// requester never started a conversation, so "This conversation is closed." two hours after
/// "SMS update notifications are ON." would tell them of one they did not have (our choice: the
/// seed is silent).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SystemMessage {
    /// The conversation waits in a queue for a live agent.
    QueueWaiting {
        /// The queue's name.
        queue: String,
    },
    /// A live agent joined (accepted the work item, or started the conversation).
    AgentJoined {
        /// The agent's display name.
        agent: String,
    },
    /// A live agent left the conversation.
    AgentLeft {
        /// The agent's display name.
        agent: String,
    },
    /// The conversation was transferred.
    Transferred {
        /// Who transferred it.
        from: String,
        /// The agent or queue it went to.
        to: String,
    },
    /// An agent rejected the offer.
    OfferRejected {
        /// The agent's display name.
        agent: String,
    },
    /// An offer timed out.
    OfferTimedOut {
        /// The agent's display name.
        agent: String,
    },
    /// The assigned agent was removed by a messaging action (ACTION-7).
    Reassigned {
        /// The agent's display name.
        agent: String,
    },
    /// The interaction's state changed (ACTION-8).
    StateChanged {
        /// The new state value.
        state: String,
    },
    /// A messaging action's Prompt requester (ACTION-6): the SMS itself is the agents' view of it.
    PromptRequester {
        /// The configured text.
        text: String,
    },
    /// The conversation was closed.
    Closed,
    /// An agent started the conversation with Compose SMS: their own SMS introduces them, so the
    /// requester gets no "You are now chatting with" (AGENT-1).
    AgentStarted {
        /// The agent's display name.
        agent: String,
    },
    /// The virtual agent's idle timeout closed the conversation (ACTION-5).
    IdleClosed,
    /// The idle timeout closed an interaction in which neither the virtual agent nor a live agent
    /// ever wrote: it held only keywords (NOTIF-1..5) and the system's answers. Agents see why it
    /// closed; the requester, who never started a conversation, is not told.
    IdleClosedKeywordsOnly,
    /// A keyword opened the interaction while the virtual agent is off, and it closed once the
    /// system answered ([`crate::domain::conversation::InboundRoute::AnswerKeyword`]): no live
    /// agent was offered a command to the notification system, and the requester is not told.
    KeywordAnswered,
    /// A messaging action's Set state closed the conversation (ACTION-8).
    ActionClosed {
        /// The messaging action's name.
        action: String,
        /// The closed state it set: `closed_complete` or `closed_abandoned`.
        state: String,
    },
    /// The system's answer to a START / STOP / Notification keyword (NOTIF-1..5): the SMS itself
    /// is the agents' view of it.
    KeywordReply {
        /// The reply.
        text: String,
    },
    /// An SMS update notification to a user who opted in (seed 003): the SMS itself is the
    /// agents' view of it.
    UpdateNotification {
        /// The notification ([`crate::domain::keywords::case_update_text`]).
        text: String,
    },
    /// An SMS update notification opened the interaction, with no conversation under way on the
    /// pair, and it closed once sent: nobody was offered it, and the requester is not told (a
    /// reply opens a conversation of its own).
    NotificationSent,
}

impl SystemMessage {
    /// The internal line agents see in the workspace transcript; `None` when the requester's SMS
    /// is itself what agents see (a prompt, a keyword reply). Agents see every system message.
    pub fn agent_text(&self) -> Option<String> {
        Some(match self {
            SystemMessage::QueueWaiting { queue } => format!("Waiting for an agent in {queue}."),
            SystemMessage::AgentJoined { agent } => format!("{agent} joined the conversation."),
            SystemMessage::AgentLeft { agent } => format!("{agent} left the conversation."),
            SystemMessage::Transferred { from, to } => {
                format!("{from} transferred the conversation to {to}.")
            }
            SystemMessage::OfferRejected { agent } => format!("{agent} rejected the conversation."),
            SystemMessage::OfferTimedOut { agent } => format!("The offer to {agent} timed out."),
            SystemMessage::Reassigned { agent } => {
                format!("{agent} was removed; the conversation is back in the queue.")
            }
            SystemMessage::StateChanged { state } => format!("State changed to {state}."),
            SystemMessage::Closed => "The conversation was closed.".to_owned(),
            SystemMessage::AgentStarted { agent } => format!("{agent} joined the conversation."),
            SystemMessage::IdleClosed => {
                "The virtual agent closed the conversation after no reply (idle timeout)."
                    .to_owned()
            }
            SystemMessage::IdleClosedKeywordsOnly => {
                "Closed after no reply (idle timeout); only keywords were exchanged, so the requester was not told."
                    .to_owned()
            }
            SystemMessage::KeywordAnswered => {
                "Closed once answered: a keyword opened it with the virtual agent off, so no agent was offered it."
                    .to_owned()
            }
            SystemMessage::ActionClosed { action, state } => {
                format!("The messaging action '{action}' closed the conversation ({state}).")
            }
            SystemMessage::NotificationSent => {
                "Closed once sent: an SMS update notification opened it.".to_owned()
            }
            SystemMessage::PromptRequester { .. }
            | SystemMessage::KeywordReply { .. }
            | SystemMessage::UpdateNotification { .. } => return None,
        })
    }

    /// The SMS the requester receives for this message, or `None` when it is for agents only.
    pub fn sms_text(&self) -> Option<String> {
        match self {
            SystemMessage::QueueWaiting { .. } => {
                Some("An agent will be with you shortly.".to_owned())
            }
            SystemMessage::AgentJoined { agent } => {
                Some(format!("You are now chatting with {agent}."))
            }
            SystemMessage::PromptRequester { text }
            | SystemMessage::KeywordReply { text }
            | SystemMessage::UpdateNotification { text } => Some(text.clone()),
            SystemMessage::Closed
            | SystemMessage::IdleClosed
            | SystemMessage::ActionClosed { .. } => Some("This conversation is closed.".to_owned()),
            SystemMessage::AgentLeft { .. }
            | SystemMessage::Transferred { .. }
            | SystemMessage::OfferRejected { .. }
            | SystemMessage::OfferTimedOut { .. }
            | SystemMessage::Reassigned { .. }
            | SystemMessage::StateChanged { .. }
            | SystemMessage::AgentStarted { .. }
            | SystemMessage::IdleClosedKeywordsOnly
            | SystemMessage::KeywordAnswered
            | SystemMessage::NotificationSent => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn t0() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, 12, 9, 0, 0).unwrap()
    }

    fn at(s: i64) -> DateTime<Utc> {
        t0() + TimeDelta::seconds(s)
    }

    fn agent(id: &str, capacity: u32) -> Agent {
        Agent {
            sys_id: id.into(),
            presence: Presence::Available,
            sms_capacity: capacity,
        }
    }

    fn queue(id: &str, order: i32, condition: &str, agents: &[&str]) -> Queue {
        Queue {
            sys_id: id.into(),
            name: id.to_uppercase(),
            order,
            condition: (!condition.is_empty()).then(|| EncodedQuery::parse(condition).unwrap()),
            agents: agents.iter().map(|a| a.to_string()).collect(),
        }
    }

    fn item(id: &str, queue: &str, created: i64) -> WorkItem {
        WorkItem::new(id, &format!("int-{id}"), queue, at(created))
    }

    fn find<'a>(items: &'a mut [WorkItem], id: &str) -> &'a mut WorkItem {
        items.iter_mut().find(|i| i.sys_id == id).unwrap()
    }

    fn timeouts(step: &Step) -> Vec<(&str, &str, bool)> {
        step.timed_out
            .iter()
            .map(|t| (t.item.as_str(), t.agent.as_str(), t.again))
            .collect()
    }

    fn offered(step: &Step) -> Vec<(&str, &str)> {
        step.offers
            .iter()
            .map(|o| (o.item.as_str(), o.agent.as_str()))
            .collect()
    }

    #[test]
    fn queue_for_takes_the_first_matching_queue_by_order() {
        let queues = vec![
            queue("general", 100, "", &[]),
            queue("spanish", 10, "language=es", &[]),
            queue("vip", 10, "vip=true^ORpriority=1", &[]),
        ];
        let rec = |pairs: &[(&str, &str)]| -> Record {
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect()
        };
        assert_eq!(
            queue_for(&queues, &rec(&[("language", "es")]))
                .unwrap()
                .sys_id,
            "spanish"
        );
        assert_eq!(
            queue_for(&queues, &rec(&[("priority", "1")]))
                .unwrap()
                .sys_id,
            "vip"
        );
        // Both match at order 10: sys_id breaks the tie.
        assert_eq!(
            queue_for(&queues, &rec(&[("language", "es"), ("vip", "true")]))
                .unwrap()
                .sys_id,
            "spanish"
        );
        assert_eq!(queue_for(&queues, &rec(&[])).unwrap().sys_id, "general");
        assert!(queue_for(&queues[1..], &rec(&[])).is_none());
    }

    #[test]
    fn offers_go_to_an_available_agent_with_capacity_in_the_right_queue() {
        // ROUTE-1, INBOX-3
        let queues = vec![
            queue("billing", 1, "", &["ann"]),
            queue("tech", 2, "", &["bob"]),
        ];
        let agents = vec![agent("ann", 2), agent("bob", 2)];
        let mut items = vec![item("w1", "tech", 0)];
        let s = step(
            &queues,
            &agents,
            &mut items,
            at(5),
            DEFAULT_OFFER_TIMEOUT_SECS,
        );
        assert_eq!(offered(&s), [("w1", "bob")]);
        assert_eq!(s.offers[0].expires_at, at(65));
        assert_eq!(items[0].state, WorkItemState::Offered);
        assert_eq!(inbox("bob", &items, at(6)).len(), 1);
        assert!(inbox("ann", &items, at(6)).is_empty());
        accept(&mut items[0], "bob", at(10)).unwrap();
        assert_eq!(items[0].state, WorkItemState::Accepted);
        assert!(inbox("bob", &items, at(11)).is_empty());
        assert_eq!(load("bob", &items), 1);
    }

    #[test]
    fn the_most_free_capacity_wins_then_queue_order() {
        let queues = vec![queue("q", 1, "", &["ann", "bob", "cat"])];
        let agents = vec![agent("ann", 1), agent("bob", 3), agent("cat", 3)];
        let mut items = vec![item("w1", "q", 0), item("w2", "q", 1), item("w3", "q", 2)];
        let s = step(&queues, &agents, &mut items, at(5), 60);
        // bob (3 free, listed before cat), cat (3 free), then bob (2) ties cat (2): bob first.
        assert_eq!(offered(&s), [("w1", "bob"), ("w2", "cat"), ("w3", "bob")]);
    }

    #[test]
    fn nobody_available_means_waiting_then_oldest_first() {
        // ROUTE-2
        let queues = vec![queue("q", 1, "", &["ann"])];
        let mut agents = vec![agent("ann", 1)];
        agents[0].presence = Presence::Offline;
        // Stored out of age order on purpose.
        let mut items = vec![
            item("w3", "q", 30),
            item("w1", "q", 10),
            item("w2", "q", 20),
        ];
        assert!(step(&queues, &agents, &mut items, at(40), 60)
            .offers
            .is_empty());

        set_presence(&mut agents[0], Presence::Available, &mut items);
        let s = step(&queues, &agents, &mut items, at(50), 60);
        assert_eq!(offered(&s), [("w1", "ann")]);
        // At capacity: nothing more.
        assert!(step(&queues, &agents, &mut items, at(51), 60)
            .offers
            .is_empty());
        accept(find(&mut items, "w1"), "ann", at(52)).unwrap();
        assert!(step(&queues, &agents, &mut items, at(53), 60)
            .offers
            .is_empty());
        // Capacity frees up: the oldest waiting item comes next.
        complete(find(&mut items, "w1")).unwrap();
        let s = step(&queues, &agents, &mut items, at(60), 60);
        assert_eq!(offered(&s), [("w2", "ann")]);
        accept(find(&mut items, "w2"), "ann", at(61)).unwrap();
        complete(find(&mut items, "w2")).unwrap();
        let s = step(&queues, &agents, &mut items, at(70), 60);
        assert_eq!(offered(&s), [("w3", "ann")]);
    }

    #[test]
    fn oldest_first_across_queues_and_no_head_of_line_blocking() {
        let queues = vec![
            queue("a", 1, "", &["ann"]),
            queue("b", 2, "", &["ann", "bob"]),
        ];
        let agents = vec![agent("ann", 1), agent("bob", 1)];
        let mut items = vec![item("young", "a", 20), item("old", "b", 10)];
        let s = step(&queues, &agents, &mut items, at(30), 60);
        // "old" goes first, to ann (listed first, same free capacity as bob);
        // "young" can only go to ann, who is now full: it waits.
        assert_eq!(offered(&s), [("old", "ann")]);
        // An item nobody can take does not hold back a younger one.
        let mut items = vec![item("old", "a", 10), item("young", "b", 20)];
        items[0].declined_by.push("ann".into());
        let s = step(&queues, &agents, &mut items, at(30), 60);
        assert_eq!(offered(&s), [("young", "ann")]);
    }

    #[test]
    fn a_queue_s_waiting_items_are_in_line_oldest_first() {
        let queues = vec![queue("q", 1, "", &["ann"]), queue("r", 2, "", &[])];
        let agents = vec![agent("ann", 1)];
        let mut items = vec![
            item("w3", "q", 30),
            item("w1", "q", 10),
            item("w2", "q", 20),
            item("x1", "r", 5),
        ];
        step(&queues, &agents, &mut items, at(40), 60);
        // w1 is offered: it no longer waits; the others wait in line, per queue.
        let ids = |q: &str, items: &[WorkItem]| -> Vec<String> {
            waiting_in(q, items)
                .iter()
                .map(|i| i.sys_id.clone())
                .collect()
        };
        assert_eq!(ids("q", &items), ["w2", "w3"]);
        assert_eq!(ids("r", &items), ["x1"]);
        // A rejected item keeps its place in line.
        reject(find(&mut items, "w1"), "ann").unwrap();
        assert_eq!(ids("q", &items), ["w1", "w2", "w3"]);
        cancel(find(&mut items, "w2")).unwrap();
        assert_eq!(ids("q", &items), ["w1", "w3"]);
    }

    #[test]
    fn a_rejected_offer_goes_to_the_next_agent_never_back() {
        let queues = vec![queue("q", 1, "", &["ann", "bob"])];
        let agents = vec![agent("ann", 5), agent("bob", 1)];
        let mut items = vec![item("w1", "q", 0)];
        let s = step(&queues, &agents, &mut items, at(1), 60);
        assert_eq!(offered(&s), [("w1", "ann")]);
        reject(&mut items[0], "ann").unwrap();
        assert_eq!(items[0].state, WorkItemState::Rejected);
        assert_eq!(items[0].agent, None);
        assert_eq!(items[0].declined_by, ["ann"]);
        assert_eq!(load("ann", &items), 0);
        // ann has more free capacity, but declined it: bob gets it.
        let s = step(&queues, &agents, &mut items, at(2), 60);
        assert_eq!(offered(&s), [("w1", "bob")]);
        reject(&mut items[0], "bob").unwrap();
        // Everyone declined: it waits, stranded, and is offered to nobody.
        assert!(stranded(&items[0], &queues));
        assert!(step(&queues, &agents, &mut items, at(3), 60)
            .offers
            .is_empty());
        // A new member of the queue gets it.
        let mut queues = queues;
        queues[0].agents.push("cat".into());
        let agents = [agents, vec![agent("cat", 1)]].concat();
        assert!(!stranded(&items[0], &queues));
        let s = step(&queues, &agents, &mut items, at(4), 60);
        assert_eq!(offered(&s), [("w1", "cat")]);
    }

    #[test]
    fn a_timed_out_offer_goes_to_the_next_agent_at_expiry_not_before() {
        let queues = vec![queue("q", 1, "", &["ann", "bob"])];
        let agents = vec![agent("ann", 1), agent("bob", 1)];
        let mut items = vec![item("w1", "q", 0)];
        step(&queues, &agents, &mut items, at(0), 60);
        assert_eq!(items[0].agent.as_deref(), Some("ann"));
        let s = step(
            &queues,
            &agents,
            &mut items,
            at(60) - TimeDelta::milliseconds(1),
            60,
        );
        assert_eq!(s, Step::default());
        assert_eq!(
            accept(&mut items[0].clone(), "ann", at(60)),
            Err(AwaError::OfferExpired {
                item: "w1".into(),
                expired_at: at(60)
            })
        );
        let s = step(&queues, &agents, &mut items, at(60), 60);
        assert_eq!(timeouts(&s), [("w1", "ann", false)]);
        assert_eq!(offered(&s), [("w1", "bob")]);
        assert!(
            items[0].declined_by.is_empty(),
            "a timeout is not a decline"
        );
        assert_eq!(items[0].timed_out_by, ["ann"]);
        // bob lets it time out too: ann's lapsed longest ago, so she is offered it again.
        let s = step(&queues, &agents, &mut items, at(120), 60);
        assert_eq!(timeouts(&s), [("w1", "bob", false)]);
        assert_eq!(offered(&s), [("w1", "ann")]);
        assert!(!stranded(&items[0], &queues));
        // ann again: bob's turn; a second timeout by the same agent is reported as such.
        let s = step(&queues, &agents, &mut items, at(180), 60);
        assert_eq!(timeouts(&s), [("w1", "ann", true)]);
        assert_eq!(offered(&s), [("w1", "bob")]);
        assert_eq!(items[0].timed_out_by, ["bob", "ann"]);
        accept(&mut items[0], "bob", at(181)).unwrap();
        assert_eq!(items[0].state, WorkItemState::Accepted);
    }

    #[test]
    fn a_single_agent_who_misses_an_offer_is_offered_it_again() {
        let queues = vec![queue("q", 1, "", &["ann"])];
        let agents = vec![agent("ann", 1)];
        let mut items = vec![item("w1", "q", 0)];
        step(&queues, &agents, &mut items, at(0), 60);
        let s = step(&queues, &agents, &mut items, at(60), 60);
        assert_eq!(timeouts(&s), [("w1", "ann", false)]);
        assert_eq!(offered(&s), [("w1", "ann")]);
        assert_eq!(s.offers[0].expires_at, at(120));
        assert_eq!(inbox("ann", &items, at(61)).len(), 1);
    }

    #[test]
    fn an_agent_who_let_it_time_out_comes_after_every_other_even_with_more_free_capacity() {
        let queues = vec![queue("q", 1, "", &["ann", "bob", "cat"])];
        let mut agents = vec![agent("ann", 3), agent("bob", 1), agent("cat", 1)];
        let mut items = vec![item("w1", "q", 0)];
        step(&queues, &agents, &mut items, at(0), 60);
        assert_eq!(items[0].agent.as_deref(), Some("ann"));
        agents[1].presence = Presence::Away;
        let s = step(&queues, &agents, &mut items, at(60), 60);
        assert_eq!(offered(&s), [("w1", "cat")], "cat, not ann with more room");
        reject(&mut items[0], "cat").unwrap();
        // cat declined, bob is away: ann, who only let it lapse, gets it again.
        let s = step(&queues, &agents, &mut items, at(61), 60);
        assert_eq!(offered(&s), [("w1", "ann")]);
        // A rejection after a timeout is a decline all the same.
        reject(&mut items[0], "ann").unwrap();
        assert_eq!(items[0].declined_by, ["cat", "ann"]);
        assert!(step(&queues, &agents, &mut items, at(62), 60)
            .offers
            .is_empty());
    }

    #[test]
    fn answers_are_checked() {
        let queues = vec![queue("q", 1, "", &["ann"])];
        let agents = vec![agent("ann", 1)];
        let mut items = vec![item("w1", "q", 0)];
        assert_eq!(
            accept(&mut items[0], "ann", at(1)),
            Err(AwaError::NotOffered {
                item: "w1".into(),
                state: WorkItemState::Pending
            })
        );
        step(&queues, &agents, &mut items, at(1), 60);
        let before = items[0].clone();
        assert_eq!(
            accept(&mut items[0], "bob", at(2)),
            Err(AwaError::OfferedToAnother {
                item: "w1".into(),
                agent: "bob".into()
            })
        );
        assert_eq!(
            reject(&mut items[0], "bob"),
            Err(AwaError::OfferedToAnother {
                item: "w1".into(),
                agent: "bob".into()
            })
        );
        assert_eq!(items[0], before, "a refused answer changes nothing");
        assert_eq!(
            complete(&mut items[0]),
            Err(AwaError::NotAccepted {
                item: "w1".into(),
                state: WorkItemState::Offered
            })
        );
        accept(&mut items[0], "ann", at(2)).unwrap();
        assert_eq!(
            reject(&mut items[0], "ann"),
            Err(AwaError::NotOffered {
                item: "w1".into(),
                state: WorkItemState::Accepted
            })
        );
        assert_eq!(
            cancel(&mut items[0]),
            Err(AwaError::NotCancellable {
                item: "w1".into(),
                state: WorkItemState::Accepted
            })
        );
        complete(&mut items[0]).unwrap();
        assert!(complete(&mut items[0]).is_err());
        assert!(AwaError::NotOffered {
            item: "w1".into(),
            state: WorkItemState::TimedOut
        }
        .to_string()
        .contains("timed_out"));
    }

    #[test]
    fn cancelling_frees_the_slot_and_the_item_is_never_offered() {
        let queues = vec![queue("q", 1, "", &["ann"])];
        let agents = vec![agent("ann", 1)];
        let mut items = vec![item("w1", "q", 0), item("w2", "q", 1)];
        step(&queues, &agents, &mut items, at(1), 60);
        cancel(&mut items[0]).unwrap();
        assert_eq!(items[0].state, WorkItemState::Cancelled);
        assert!(!items[0].active);
        assert_eq!(
            cancel(&mut items[0]),
            Err(AwaError::NotCancellable {
                item: "w1".into(),
                state: WorkItemState::Cancelled
            })
        );
        let s = step(&queues, &agents, &mut items, at(2), 60);
        assert_eq!(offered(&s), [("w2", "ann")]);
        assert!(!stranded(&items[0], &queues));
    }

    #[test]
    fn presence_changes() {
        let queues = vec![queue("q", 1, "", &["ann", "bob"])];
        let mut agents = vec![agent("ann", 2), agent("bob", 1)];
        let mut items = vec![item("w1", "q", 0), item("w2", "q", 1)];
        agents[1].presence = Presence::Away;
        let s = step(&queues, &agents, &mut items, at(1), 60);
        assert_eq!(offered(&s), [("w1", "ann"), ("w2", "ann")]);
        accept(&mut items[0], "ann", at(2)).unwrap();

        // ann goes away: the outstanding offer is withdrawn, the accepted item stays hers.
        let withdrawn = set_presence(&mut agents[0], Presence::Away, &mut items);
        assert_eq!(withdrawn, ["w2"]);
        assert_eq!(items[1].state, WorkItemState::Pending);
        assert!(items[1].declined_by.is_empty());
        assert_eq!(items[0].state, WorkItemState::Accepted);
        assert_eq!(load("ann", &items), 1);
        assert!(step(&queues, &agents, &mut items, at(3), 60)
            .offers
            .is_empty());

        // bob comes back: he gets it.
        set_presence(&mut agents[1], Presence::Available, &mut items);
        let s = step(&queues, &agents, &mut items, at(4), 60);
        assert_eq!(offered(&s), [("w2", "bob")]);
        // bob goes offline; ann is back: the withdrawn offer may go to either, not declined.
        assert_eq!(
            set_presence(&mut agents[1], Presence::Offline, &mut items),
            ["w2"]
        );
        set_presence(&mut agents[0], Presence::Available, &mut items);
        let s = step(&queues, &agents, &mut items, at(5), 60);
        assert_eq!(offered(&s), [("w2", "ann")]);
    }

    #[test]
    fn lowering_capacity_revokes_nothing_and_blocks_new_offers() {
        let queues = vec![queue("q", 1, "", &["ann"])];
        let mut agents = vec![agent("ann", 2)];
        let mut items = vec![item("w1", "q", 0), item("w2", "q", 1), item("w3", "q", 2)];
        step(&queues, &agents, &mut items, at(1), 60);
        accept(&mut items[0], "ann", at(2)).unwrap();
        accept(&mut items[1], "ann", at(2)).unwrap();
        agents[0].sms_capacity = 1;
        assert_eq!(free_capacity(&agents[0], &items), 0);
        complete(&mut items[0]).unwrap();
        assert!(step(&queues, &agents, &mut items, at(3), 60)
            .offers
            .is_empty());
        complete(&mut items[1]).unwrap();
        assert_eq!(
            offered(&step(&queues, &agents, &mut items, at(4), 60)),
            [("w3", "ann")]
        );
    }

    #[test]
    fn lowering_capacity_withdraws_the_newest_offers_beyond_it_not_accepted_work() {
        let queues = vec![queue("q", 1, "", &["ann", "bob"])];
        let mut agents = vec![agent("ann", 3), agent("bob", 1)];
        agents[1].presence = Presence::Away;
        let mut items = vec![item("w1", "q", 0), item("w2", "q", 1), item("w3", "q", 2)];
        step(&queues, &agents, &mut items, at(1), 60);
        accept(&mut items[0], "ann", at(2)).unwrap();
        // ann holds w1 (accepted), w2 and w3 (offered at the same instant: w3 is the later id).
        let withdrawn = set_capacity(&mut agents[0], 2, &mut items);
        assert_eq!(withdrawn, ["w3"]);
        assert_eq!(load("ann", &items), 2);
        let withdrawn = set_capacity(&mut agents[0], 0, &mut items);
        assert_eq!(withdrawn, ["w2"], "the accepted item stays");
        assert_eq!(items[0].state, WorkItemState::Accepted);
        assert!(items.iter().all(|i| i.declined_by.is_empty()));
        // bob with room gets one now, without waiting for the offer to lapse.
        set_presence(&mut agents[1], Presence::Available, &mut items);
        let s = step(&queues, &agents, &mut items, at(3), 60);
        assert_eq!(offered(&s), [("w2", "bob")]);
        // Raising it withdraws nothing.
        assert!(set_capacity(&mut agents[0], 5, &mut items).is_empty());
    }

    #[test]
    fn capacity_is_never_exceeded_under_many_items() {
        let queues = vec![
            queue("q1", 1, "", &["a1", "a2", "a3"]),
            queue("q2", 2, "", &["a2", "a3", "a4"]),
        ];
        let mut agents = vec![
            agent("a1", 1),
            agent("a2", 2),
            agent("a3", 3),
            agent("a4", 2),
        ];
        let mut items: Vec<WorkItem> = (0..200)
            .map(|n| item(&format!("w{n:03}"), if n % 3 == 0 { "q2" } else { "q1" }, n))
            .collect();
        // A small deterministic generator: no randomness between runs.
        let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
        let mut next = move |m: u64| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed % m
        };
        let mut offers_made = 0;
        let mut saw_full = false;
        for tick in 0..2000 {
            let now = at(200 + tick * 7);
            let s = step(&queues, &agents, &mut items, now, 30);
            for o in &s.offers {
                let it = items.iter().find(|i| i.sys_id == o.item).unwrap();
                assert!(
                    !it.declined_by.contains(&o.agent),
                    "{} offered again to {}",
                    o.item,
                    o.agent
                );
                offers_made += 1;
            }
            for a in &agents {
                let load = load(&a.sys_id, &items);
                assert!(load <= a.sms_capacity, "{} over capacity", a.sys_id);
                saw_full |= load == a.sms_capacity && a.presence == Presence::Available;
            }
            // Oldest first: no waiting item is older than an item just offered in its queue,
            // unless no member of that queue could have taken it.
            for o in &s.offers {
                let offered_at = items
                    .iter()
                    .find(|i| i.sys_id == o.item)
                    .unwrap()
                    .created_at;
                for w in items
                    .iter()
                    .filter(|i| i.active && i.state.is_waiting() && i.queue == o.queue)
                {
                    assert!(
                        w.created_at >= offered_at || w.declined_by.contains(&o.agent),
                        "{} waits while younger {} was offered",
                        w.sys_id,
                        o.item
                    );
                }
            }
            // Agents answer at random.
            for it in items.iter_mut() {
                match (it.state, it.active, next(10)) {
                    (WorkItemState::Offered, true, 0..=4) => {
                        let a = it.agent.clone().unwrap();
                        accept(it, &a, now).unwrap()
                    }
                    (WorkItemState::Offered, true, 5) => {
                        let a = it.agent.clone().unwrap();
                        reject(it, &a).unwrap()
                    }
                    (WorkItemState::Accepted, true, 0..=1) => complete(it).unwrap(),
                    (WorkItemState::Pending, true, 9) if next(20) == 0 => cancel(it).unwrap(),
                    _ => {}
                }
            }
            if tick % 50 == 0 {
                let who = next(4) as usize;
                let presence =
                    [Presence::Available, Presence::Away, Presence::Offline][next(3) as usize];
                set_presence(&mut agents[who], presence, &mut items);
                agents[who].sms_capacity = 1 + next(3) as u32;
            }
        }
        for it in &items {
            let mut seen = it.declined_by.clone();
            seen.sort();
            seen.dedup();
            assert_eq!(seen.len(), it.declined_by.len());
        }
        // The run made progress.
        let accepted = items
            .iter()
            .filter(|i| i.state == WorkItemState::Accepted)
            .count();
        let stranded_n = items.iter().filter(|i| stranded(i, &queues)).count();
        assert!(
            accepted > 100 && offers_made >= accepted,
            "{offers_made} offers, {accepted} accepted"
        );
        assert!(stranded_n < 10, "{stranded_n} stranded");
        assert!(
            saw_full,
            "capacity was never reached: the test proves nothing"
        );
        assert!(
            items
                .iter()
                .filter(|i| i.state == WorkItemState::Accepted)
                .count()
                > 50
        );
    }

    #[test]
    fn stored_values_round_trip() {
        for s in [
            WorkItemState::Pending,
            WorkItemState::Offered,
            WorkItemState::Accepted,
            WorkItemState::Rejected,
            WorkItemState::TimedOut,
            WorkItemState::Cancelled,
        ] {
            assert_eq!(WorkItemState::parse(s.as_str()), Some(s));
        }
        for p in [Presence::Available, Presence::Away, Presence::Offline] {
            assert_eq!(Presence::parse(p.as_str()), Some(p));
        }
        assert_eq!(Presence::parse("busy"), None);
    }

    #[test]
    fn ongoing_tab_shows_new_messages_until_read() {
        // INBOX-1
        let mut tab = Ongoing::default();
        tab.requester_message("i0", at(0)); // not assigned to anyone: nothing shows
        assert!(tab.entries.is_empty());
        tab.assign("i1", "ann", at(1));
        tab.assign("i2", "ann", at(2));
        tab.assign("i3", "bob", at(3));
        assert_eq!(tab.unread_count("ann"), 0);
        tab.requester_message("i1", at(10));
        assert_eq!(tab.unread_count("ann"), 1);
        let mine: Vec<_> = tab
            .for_agent("ann")
            .iter()
            .map(|e| (e.interaction.as_str(), e.unread))
            .collect();
        assert_eq!(mine, [("i1", true), ("i2", false)]);
        assert!(
            !tab.read("i1", "bob"),
            "another agent's read does not clear it"
        );
        assert!(tab.read("i1", "ann"));
        assert!(!tab.read("i1", "ann"));
        assert_eq!(tab.unread_count("ann"), 0);
        // A reply clears it too.
        tab.requester_message("i2", at(20));
        tab.agent_message("i2", at(21));
        assert_eq!(tab.unread_count("ann"), 0);
        assert_eq!(tab.for_agent("ann")[0].interaction, "i2");
    }

    #[test]
    fn ongoing_tab_drops_completed_and_follows_reassignment() {
        // INBOX-2
        let mut tab = Ongoing::default();
        tab.assign("i1", "ann", at(1));
        tab.assign("i2", "ann", at(2));
        tab.requester_message("i2", at(3));
        tab.complete("i1");
        assert_eq!(tab.for_agent("ann").len(), 1);
        tab.assign("i2", "bob", at(4));
        assert!(tab.for_agent("ann").is_empty());
        assert_eq!(tab.unread_count("bob"), 1);
        tab.unassign("i2");
        assert!(tab.entries.is_empty());
    }

    #[test]
    fn every_close_that_ends_the_conversation_tells_the_requester() {
        let closes = [
            SystemMessage::Closed,
            SystemMessage::IdleClosed,
            SystemMessage::ActionClosed {
                action: "Close abandoned conversation".into(),
                state: "closed_abandoned".into(),
            },
        ];
        for m in &closes {
            assert_eq!(
                m.sms_text().as_deref(),
                Some("This conversation is closed."),
                "{m:?}"
            );
        }
        assert_eq!(
            closes[2].agent_text().as_deref(),
            Some("The messaging action 'Close abandoned conversation' closed the conversation (closed_abandoned).")
        );
        // Only keywords were exchanged: agents see why it closed, the requester gets nothing.
        assert_eq!(SystemMessage::IdleClosedKeywordsOnly.sms_text(), None);
        assert_eq!(SystemMessage::KeywordAnswered.sms_text(), None);
        assert!(SystemMessage::IdleClosedKeywordsOnly
            .agent_text()
            .is_some_and(|t| t.contains("only keywords")));
        // Replaced by an agent's Compose SMS: their own message follows, nothing else is sent.
        assert_eq!(
            SystemMessage::AgentStarted {
                agent: "Ann".into()
            }
            .sms_text(),
            None
        );
    }

    #[test]
    fn requesters_get_only_the_sms_subset_agents_see_all() {
        // SYSMSG-1
        let all = [
            SystemMessage::QueueWaiting {
                queue: "Billing".into(),
            },
            SystemMessage::AgentJoined {
                agent: "Ann".into(),
            },
            SystemMessage::AgentLeft {
                agent: "Ann".into(),
            },
            SystemMessage::Transferred {
                from: "Ann".into(),
                to: "Bob".into(),
            },
            SystemMessage::OfferRejected {
                agent: "Ann".into(),
            },
            SystemMessage::OfferTimedOut {
                agent: "Ann".into(),
            },
            SystemMessage::Reassigned {
                agent: "Ann".into(),
            },
            SystemMessage::StateChanged {
                state: "on_hold".into(),
            },
            SystemMessage::PromptRequester {
                text: "Are you still there?".into(),
            },
            SystemMessage::Closed,
        ];
        for m in &all {
            // Agents see every one: as an internal line, or as the SMS itself.
            assert!(m.agent_text().is_some() || m.sms_text().is_some(), "{m:?}");
        }
        let sms: Vec<String> = all.iter().filter_map(SystemMessage::sms_text).collect();
        assert_eq!(
            sms,
            [
                "An agent will be with you shortly.",
                "You are now chatting with Ann.",
                "Are you still there?",
                "This conversation is closed.",
            ]
        );
        assert_eq!(
            all[3].agent_text().as_deref(),
            Some("Ann transferred the conversation to Bob.")
        );
        assert_eq!(
            all[8].agent_text(),
            None,
            "the prompt's SMS is what agents see"
        );
    }
}
