//! Advanced Work Assignment on the engine (seed 002; ROUTE-1..2, INBOX-1..3, SYSMSG-1): queues,
//! presence and capacity, work items offered in the Workspace Inbox, the Ongoing tab, and the
//! system messages posted into conversations.
//!
//! The decisions are [`crate::domain::work_assignment`]'s; this module loads the rows, calls it at the clock's now and
//! writes back what changed, in the caller's transaction.
//!
//! # How a conversation reaches a live agent
//!
//! 1. `Engine::route_to_live_agent` (virtual agent off, or the virtual agent transfers; a
//!    messaging action's Reassign) leaves the interaction unassigned (state new) and creates a
//!    work item in the first queue whose condition matches the interaction. The default queue
//!    [`DEFAULT_QUEUE`] comes last and takes everything; its members are every agent with SMS
//!    presence. The requester is told "An agent will be with you shortly." ([`SystemMessage::QueueWaiting`]).
//! 2. A routing pass ([`awa::step`]) offers waiting items, oldest first, to available members with
//!    free SMS capacity. It runs whenever something may have changed: a new item, an answer, a
//!    close, a presence or capacity change, and every [`Engine::tick`] (offers time out after
//!    [`awa::DEFAULT_OFFER_TIMEOUT_SECS`] on the engine's clock).
//! 3. The agent accepts in the Workspace Inbox ([`Engine::accept_work_item`]): the interaction is
//!    assigned to them (work_in_progress), they join the live group profile, it shows in their
//!    Ongoing tab, and [`SystemMessage::AgentJoined`] is posted ("You are now chatting with alice."
//!    by SMS). A rejection ([`Engine::reject_work_item`]) sends it to the next agent, never back
//!    to the one who rejected it; a timeout sends it to the next agent too, and back to the one who
//!    let it lapse only when nobody else can take it (a timeout is not a decline).
//! 4. Closing the interaction completes the work item: the slot frees and the oldest waiting item
//!    is offered.
//!
//! # Choices where the seed is silent
//!
//! - An agent's SMS capacity defaults to [`DEFAULT_SMS_CAPACITY`] (3): SMS conversations are
//!   long-running, so an agent holds several at once.
//! - Only work items take capacity: a conversation the agent started themselves (Compose SMS) is
//!   not a work item. An agent who composes into a conversation waiting in the queue takes it: its
//!   work item is cancelled.
//! - Every system message is an internal transcript line with [`SystemMessage::agent_text`];
//!   those with a [`SystemMessage::sms_text`] also go to the requester by SMS, sent once the
//!   transaction that posted them has committed (`awa_sms_outbox`).
//! - A Reassign routes the conversation again without the agent it was taken from.
//! - An agent transfers a conversation assigned to them ([`Engine::transfer`]) to another agent,
//!   who is offered it at once (and must be available with a free slot), or to a queue; or leaves
//!   it ([`Engine::leave`]), and it goes back to the queue it came through. The agent it leaves
//!   is never offered the work item that puts it back, as after a Reassign (a later requeue's
//!   may be), and leaves its live group profile; the
//!   requester is told "An agent will be with you shortly." each time. A transfer the named
//!   agent rejects waits in the queue it came through for its other members: the seed names
//!   transfers only among system messages (SYSMSG-1). A Reassign, unlike leaving, routes by
//!   condition again: the messaging action's "back to routing" (ACTION-7).

use chrono::{DateTime, Utc};

use crate::domain::encoded_query::EncodedQuery;
use crate::domain::model::{Handler, Interaction, InteractionNumber, Party, PartyTable, SysId};
use crate::domain::work_assignment::{
    self as awa, Agent, Ongoing, Presence, SystemMessage, WorkItem, WorkItemState,
    DEFAULT_OFFER_TIMEOUT_SECS,
};
use crate::engine::core::Engine;
use crate::engine::records::find_party;
use crate::engine::system_messages::SmsTiming;
use crate::error::{Error, WorkAssignmentRefusal};
use crate::store::{InteractionFields, Tx, DEFAULT_QUEUE_SYS_ID};

/// An agent's capacity on the SMS service channel unless set otherwise.
pub const DEFAULT_SMS_CAPACITY: u32 = 3;
/// The name of the default SMS queue (last in order, takes every interaction).
pub const DEFAULT_QUEUE: &str = "Conversational SMS";

/// One conversation of an agent's Ongoing tab, as the workspace shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OngoingRow {
    /// The interaction.
    pub interaction: InteractionNumber,
    /// The new-message indicator.
    pub unread: bool,
    /// The last message either way, or the assignment.
    pub last_activity_at: DateTime<Utc>,
}

/// A work item as the workspace shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WorkItemView {
    /// The interaction it routes.
    pub interaction: InteractionNumber,
    /// Its queue's name.
    pub queue: String,
    /// Its state.
    pub state: WorkItemState,
    /// False once cancelled or completed.
    pub active: bool,
    /// The user_name of the agent it is offered to or accepted by.
    pub agent: Option<String>,
    /// The user_names of the agents who rejected it (or had it taken from them by a Reassign).
    pub declined_by: Vec<String>,
}

fn refused(refusal: WorkAssignmentRefusal) -> Error {
    Error::WorkAssignment(refusal)
}

fn user_name(tx: &Tx<'_>, sys_id: &str) -> Result<String, Error> {
    Ok(tx.user_name(sys_id)?.unwrap_or_else(|| sys_id.to_owned()))
}

/// [`Engine::set_sms_presence`] without its routing pass: the agent's SMS row written (created
/// with [`DEFAULT_SMS_CAPACITY`] if they have none), their outstanding offers withdrawn when they
/// leave Available.
fn write_presence(tx: &Tx<'_>, agent: &str, presence: Presence) -> Result<(), Error> {
    let first = Agent {
        sys_id: SysId::default(),
        presence,
        sms_capacity: DEFAULT_SMS_CAPACITY,
    };
    write_agent(tx, agent, first, |row, items| {
        awa::set_presence(row, presence, items)
    })
}

/// [`Engine::set_sms_capacity`] without its routing pass: the agent's SMS row written (created,
/// offline, if they have none), the offers beyond a lowered capacity withdrawn.
fn write_capacity(tx: &Tx<'_>, agent: &str, capacity: u32) -> Result<(), Error> {
    let first = Agent {
        sys_id: SysId::default(),
        presence: Presence::Offline,
        sms_capacity: capacity,
    };
    write_agent(tx, agent, first, |row, items| {
        awa::set_capacity(row, capacity, items)
    })
}

/// Changes `agent`'s SMS row with `change` (`first`, theirs, when they have none yet), which
/// answers the work items it withdrew among those holding slots; writes those and the row.
fn write_agent(
    tx: &Tx<'_>,
    agent: &str,
    first: Agent,
    change: impl FnOnce(&mut Agent, &mut [WorkItem]) -> Vec<SysId>,
) -> Result<(), Error> {
    let party = agent_party(tx, agent)?;
    let mut row = tx.awa_agent(&party.sys_id)?.unwrap_or(Agent {
        sys_id: party.sys_id.clone(),
        ..first
    });
    // Leaving Available or lowering capacity withdraws offers: only the items holding slots
    // matter.
    let mut items = tx.awa_items_holding_slots()?;
    let withdrawn = change(&mut row, &mut items);
    for item in items.iter().filter(|i| withdrawn.contains(&i.sys_id)) {
        tx.save_awa_item(item)?;
    }
    tx.save_awa_agent(&row)?;
    Ok(())
}

fn agent_party(tx: &Tx<'_>, user_name: &str) -> Result<Party, Error> {
    find_party(tx, PartyTable::SysUser, user_name)
}

/// Where an agent transfers a conversation ([`Engine::transfer`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TransferTarget<'a> {
    /// Another agent, by user_name: offered to them at once.
    Agent(&'a str),
    /// An SMS queue, by name (the default queue is "Conversational SMS").
    Queue(&'a str),
}

/// Where [`Engine::requeue`] puts a conversation.
#[derive(Clone, Copy)]
enum Requeue<'a> {
    /// The first queue whose condition matches it (routing, a Reassign).
    ByCondition,
    /// The queue it came through, or the first whose condition matches it when it has never
    /// been in one (an agent leaving it).
    Back,
    /// This queue (sys_id): a transfer to it.
    Queue(&'a str),
    /// Offered to this agent (sys_id) in the queue it came through: a transfer to them.
    Agent(&'a str),
}

/// The open interaction `number`, which must be assigned to the agent named `agent`
/// (a user_name): [`Error::UnknownRecord`] for an unknown name, else as [`assigned_to`].
pub(super) fn held_by(
    tx: &Tx<'_>,
    agent: &str,
    number: &InteractionNumber,
) -> Result<Interaction, Error> {
    assigned_to(tx, number, &agent_party(tx, agent)?)
}

/// The open interaction `number`, which must be assigned to `agent`.
fn assigned_to(
    tx: &Tx<'_>,
    number: &InteractionNumber,
    agent: &Party,
) -> Result<Interaction, Error> {
    let i = tx
        .interaction(number)?
        .ok_or_else(|| Error::UnknownInteraction(number.to_string()))?;
    let held = match (&i.handler, i.active) {
        (_, false) => {
            return Err(refused(WorkAssignmentRefusal::Closed {
                interaction: number.clone(),
                state: i.state.as_str().to_owned(),
            }))
        }
        (Handler::Agent(a), true) if *a == agent.sys_id => return Ok(i),
        (Handler::Agent(a), true) => format!("assigned to {}", user_name(tx, a)?),
        (Handler::VirtualAgent, true) => "with the virtual agent".to_owned(),
        (Handler::Queue, true) => "waiting for an agent".to_owned(),
    };
    Err(refused(WorkAssignmentRefusal::NotAssigned {
        interaction: number.clone(),
        agent: agent.name.clone(),
        held,
    }))
}

/// Refuses a transfer to an agent who is not available or has no free SMS slot.
fn can_take(tx: &Tx<'_>, number: &InteractionNumber, to: &Party) -> Result<(), Error> {
    let why = match tx.awa_agent(&to.sys_id)? {
        None => Some("they have no SMS presence".to_owned()),
        Some(a) if a.presence != Presence::Available => {
            Some(format!("they are {}", a.presence.as_str()))
        }
        Some(a) => {
            let items = tx.awa_items_holding_slots()?;
            (awa::free_capacity(&a, &items) == 0).then(|| match a.sms_capacity {
                1 => "their only SMS slot is taken".to_owned(),
                n => format!("all {n} of their SMS slots are taken"),
            })
        }
    };
    match why {
        None => Ok(()),
        Some(why) => Err(refused(WorkAssignmentRefusal::CannotTake {
            interaction: number.clone(),
            agent: to.name.clone(),
            why,
        })),
    }
}

impl Engine {
    // ----- configuration ----------------------------------------------------------------------

    /// Creates or replaces (by name) an SMS queue: evaluated by `order` (lowest first), taking the
    /// interactions `condition` matches (a ServiceNow encoded query on the interaction; `None`
    /// takes all), offered to `agents` (user_names, in preference order). Waiting items are routed
    /// again at once.
    ///
    /// # Errors
    /// [`Error::WorkAssignment`] for an invalid condition or the default queue's name;
    /// [`Error::UnknownRecord`] for an unknown agent. Nothing is saved.
    pub fn save_sms_queue(
        &self,
        name: &str,
        order: i32,
        condition: Option<&str>,
        agents: &[&str],
    ) -> Result<(), Error> {
        let now = self.clock.now();
        if name == DEFAULT_QUEUE {
            return Err(refused(WorkAssignmentRefusal::DefaultQueueName {
                default: DEFAULT_QUEUE,
            }));
        }
        let condition = condition
            .map(|c| {
                EncodedQuery::parse_on(c, &crate::domain::model::INTERACTION_FIELDS).map_err(
                    |error| {
                        refused(WorkAssignmentRefusal::InvalidCondition {
                            queue: name.to_owned(),
                            error,
                        })
                    },
                )
            })
            .transpose()?;
        self.store.write(|tx| {
            let members = agents
                .iter()
                .map(|a| agent_party(tx, a).map(|p| p.sys_id))
                .collect::<Result<Vec<SysId>, Error>>()?;
            tx.save_awa_queue(name, order, condition.as_ref(), &members)?;
            self.awa_pass(tx, now)?;
            Ok(())
        })
    }

    /// Sets an agent's presence on the SMS channel (creating their SMS row with
    /// [`DEFAULT_SMS_CAPACITY`] if they have none). Leaving Available withdraws their outstanding
    /// offers (to be offered again); becoming Available routes waiting items to them.
    ///
    /// # Errors
    /// [`Error::UnknownRecord`].
    pub fn set_sms_presence(&self, agent: &str, presence: Presence) -> Result<(), Error> {
        let now = self.clock.now();
        self.store.write(|tx| {
            write_presence(tx, agent, presence)?;
            self.awa_pass(tx, now)?;
            Ok(())
        })
    }

    /// Sets an agent's SMS capacity (creating their SMS row, offline, if they have none). Lowering
    /// it below their load revokes no accepted work but withdraws the offers beyond it, newest
    /// first ([`awa::set_capacity`]), for agents with room; raising it routes waiting items to
    /// them.
    ///
    /// # Errors
    /// [`Error::UnknownRecord`].
    pub fn set_sms_capacity(&self, agent: &str, capacity: u32) -> Result<(), Error> {
        let now = self.clock.now();
        self.store.write(|tx| {
            write_capacity(tx, agent, capacity)?;
            self.awa_pass(tx, now)?;
            Ok(())
        })
    }

    /// A desk opening at once: each agent's SMS capacity, then presence, written as
    /// [`Engine::set_sms_capacity`] and [`Engine::set_sms_presence`] write them, in one write
    /// with one routing pass after the last, as at one instant. So what waits is offered once
    /// every agent is there, to whoever has most room: who gets what can differ from calls one
    /// by one, where the first agent made available takes what waits up to their capacity.
    /// Setting them one by one runs a pass per call, each reading every agent: for a desk of
    /// thousands, a setup that grows with the square of its size.
    ///
    /// # Errors
    /// [`Error::UnknownRecord`] for an agent who is not a sys_user: nothing is set.
    pub fn set_sms_agents(&self, agents: &[(&str, u32, Presence)]) -> Result<(), Error> {
        let now = self.clock.now();
        self.store.write(|tx| {
            for (agent, capacity, presence) in agents {
                write_capacity(tx, agent, *capacity)?;
                write_presence(tx, agent, *presence)?;
            }
            self.awa_pass(tx, now)?;
            Ok(())
        })
    }

    // ----- the workspace ----------------------------------------------------------------------

    /// The interactions offered to `agent` in their Workspace Inbox now, oldest first (INBOX-3).
    ///
    /// # Errors
    /// [`Error::UnknownRecord`].
    pub fn workspace_inbox(&self, agent: &str) -> Result<Vec<InteractionNumber>, Error> {
        let now = self.clock.now();
        self.store.read(|tx| {
            let party = agent_party(tx, agent)?;
            // The inbox holds offers: only the items holding slots matter.
            let items = tx.awa_items_holding_slots()?;
            let mut out = vec![];
            for item in awa::inbox(&party.sys_id, &items, now) {
                if let Some(i) = tx.interaction_by_sys_id(&item.interaction)? {
                    out.push(i.number);
                }
            }
            Ok(out)
        })
    }

    /// `agent` accepts a work item offered to them (INBOX-3): the one for `interaction`, or the
    /// only one in their Workspace Inbox. The interaction is assigned to them (work_in_progress),
    /// they join its live group profile, it shows in their Ongoing tab, and "alice joined the
    /// conversation." is posted (the requester gets "You are now chatting with alice.").
    ///
    /// # Errors
    /// [`Error::WorkAssignment`] when nothing (or not that) is offered to them, or the offer
    /// expired; [`Error::UnknownRecord`], [`Error::UnknownInteraction`]. Nothing is written.
    pub async fn accept_work_item(
        &self,
        agent: &str,
        interaction: Option<&InteractionNumber>,
    ) -> Result<InteractionNumber, Error> {
        self.answer_offer(
            agent,
            interaction,
            awa::accept,
            |tx, item, party, number, now| {
                let i = tx
                    .interaction_by_sys_id(&item.interaction)?
                    .ok_or_else(|| Error::UnknownInteraction(number.to_string()))?;
                tx.assign(&i.sys_id, &Handler::Agent(party.sys_id.clone()))?;
                tx.join_live_group(&i.sys_id, &party.sys_id, now)?;
                let name = user_name(tx, &party.sys_id)?;
                self.post_system_message(
                    tx,
                    &i,
                    &SystemMessage::AgentJoined { agent: name },
                    now,
                    SmsTiming::AfterCommit,
                )?;
                let mut tab = Ongoing {
                    entries: tx.ongoing_entry(&i.sys_id)?.into_iter().collect(),
                };
                tab.assign(&i.sys_id, &party.sys_id, now);
                tx.save_ongoing(&i.sys_id, tab.entries.first())?;
                Ok(())
            },
        )
        .await
    }

    /// `agent` rejects a work item offered to them (INBOX-3): the one for `interaction`, or the
    /// only one in their Workspace Inbox. It goes to the next agent who can take it (never back to
    /// them), or waits, first in line.
    ///
    /// # Errors
    /// As [`Engine::accept_work_item`]. Nothing is written.
    pub async fn reject_work_item(
        &self,
        agent: &str,
        interaction: Option<&InteractionNumber>,
    ) -> Result<InteractionNumber, Error> {
        self.answer_offer(
            agent,
            interaction,
            |item, agent, _now| awa::reject(item, agent),
            |tx, item, party, _number, now| {
                if let Some(i) = tx.interaction_by_sys_id(&item.interaction)? {
                    let name = user_name(tx, &party.sys_id)?;
                    self.post_system_message(
                        tx,
                        &i,
                        &SystemMessage::OfferRejected { agent: name },
                        now,
                        SmsTiming::AfterCommit,
                    )?;
                }
                self.awa_pass(tx, now).map(|_| ())
            },
        )
        .await
    }

    /// Answers the offer of a work item in one transaction: finds the item offered to `agent`
    /// (for `interaction`, or the only one), applies `answer` (accept or reject, pure), stores it,
    /// runs `then`, and sends the system SMS it posted. A refused answer writes nothing.
    async fn answer_offer(
        &self,
        agent: &str,
        interaction: Option<&InteractionNumber>,
        answer: impl FnOnce(&mut WorkItem, &str, DateTime<Utc>) -> Result<(), awa::AwaError>,
        then: impl FnOnce(
            &Tx<'_>,
            &WorkItem,
            &Party,
            &InteractionNumber,
            DateTime<Utc>,
        ) -> Result<(), Error>,
    ) -> Result<InteractionNumber, Error> {
        let now = self.clock.now();
        let number = self.store.write(|tx| {
            let party = agent_party(tx, agent)?;
            self.awa_pass(tx, now)?;
            let mut item = self.answered_item(tx, &party, interaction, now)?;
            let number = self.item_number(tx, &item)?;
            if let Err(e) = answer(&mut item, &party.sys_id, now) {
                return Err(self.answer_refused(tx, &number, agent, e)?);
            }
            tx.save_awa_item(&item)?;
            then(tx, &item, &party, &number, now)?;
            Ok::<_, Error>(number)
        })?;
        self.flush_system_sms().await?;
        Ok(number)
    }

    /// `agent` transfers a conversation assigned to them (SYSMSG-1: "alice transferred the
    /// conversation to bob.", for agents only); the requester is told "An agent will be with you
    /// shortly." To an agent: it is offered to them at once, ahead of anything waiting, for the
    /// usual offer time, in the queue it came through; accepting makes it theirs ("You are now
    /// chatting with bob." by SMS). A rejection leaves it waiting there for the queue's other
    /// members; a lapsed offer goes to them too, and back to the named agent when none can take
    /// it if the named agent is a member (a timeout is not a decline). To a queue: it waits there. Either way it leaves
    /// `agent`'s Ongoing tab and live group profile, frees their slot, and its new work item is
    /// never offered to them (a later requeue's may be).
    ///
    /// # Errors
    /// [`Error::WorkAssignment`] when the conversation is closed
    /// ([`WorkAssignmentRefusal::Closed`]) or not assigned to `agent`
    /// ([`WorkAssignmentRefusal::NotAssigned`]), when `agent` names themselves
    /// ([`WorkAssignmentRefusal::TransferToSelf`]), when the agent named cannot take it now
    /// (not available, or no free SMS slot: [`WorkAssignmentRefusal::CannotTake`]) or no queue
    /// has the name ([`WorkAssignmentRefusal::UnknownQueue`]); [`Error::UnknownRecord`] for an
    /// unknown agent, [`Error::UnknownInteraction`]. Nothing is written.
    pub async fn transfer(
        &self,
        agent: &str,
        number: &InteractionNumber,
        to: TransferTarget<'_>,
    ) -> Result<(), Error> {
        let now = self.clock.now();
        self.store.write(|tx| {
            let party = agent_party(tx, agent)?;
            self.awa_pass(tx, now)?;
            let i = assigned_to(tx, number, &party)?;
            match to {
                TransferTarget::Agent(target) => {
                    let to = agent_party(tx, target)?;
                    if to.sys_id == party.sys_id {
                        return Err(refused(WorkAssignmentRefusal::TransferToSelf {
                            interaction: number.clone(),
                            agent: party.name.clone(),
                        }));
                    }
                    can_take(tx, number, &to)?;
                    self.post_system_message(
                        tx,
                        &i,
                        &SystemMessage::Transferred {
                            from: party.name.clone(),
                            to: to.name.clone(),
                        },
                        now,
                        SmsTiming::AfterCommit,
                    )?;
                    self.requeue(tx, &i, now, Requeue::Agent(&to.sys_id))
                }
                TransferTarget::Queue(name) => {
                    let queues = tx.awa_queues()?;
                    let Some(queue) = queues.iter().find(|q| q.name == name) else {
                        let mut names: Vec<String> = queues.into_iter().map(|q| q.name).collect();
                        names.sort();
                        return Err(refused(WorkAssignmentRefusal::UnknownQueue {
                            queue: name.to_owned(),
                            queues: names,
                        }));
                    };
                    self.post_system_message(
                        tx,
                        &i,
                        &SystemMessage::Transferred {
                            from: party.name.clone(),
                            to: queue.name.clone(),
                        },
                        now,
                        SmsTiming::AfterCommit,
                    )?;
                    self.requeue(tx, &i, now, Requeue::Queue(&queue.sys_id))
                }
            }
        })?;
        self.flush_system_sms().await
    }

    /// `agent` leaves a conversation assigned to them without closing it (SYSMSG-1: "alice left
    /// the conversation.", for agents only): it goes back to the queue it came through (a
    /// conversation the agent started, never in a queue, to the first whose condition matches
    /// it), the requester is told "An agent will be with you shortly.", and it is offered to the
    /// queue's other members, never to `agent` again. It leaves their Ongoing tab and live group
    /// profile and frees their slot.
    ///
    /// # Errors
    /// [`Error::WorkAssignment`] when the conversation is closed
    /// ([`WorkAssignmentRefusal::Closed`]) or not assigned to `agent`
    /// ([`WorkAssignmentRefusal::NotAssigned`]); [`Error::UnknownRecord`],
    /// [`Error::UnknownInteraction`]. Nothing is written.
    pub async fn leave(&self, agent: &str, number: &InteractionNumber) -> Result<(), Error> {
        let now = self.clock.now();
        self.store.write(|tx| {
            let party = agent_party(tx, agent)?;
            self.awa_pass(tx, now)?;
            let i = assigned_to(tx, number, &party)?;
            self.post_system_message(
                tx,
                &i,
                &SystemMessage::AgentLeft {
                    agent: party.name.clone(),
                },
                now,
                SmsTiming::AfterCommit,
            )?;
            self.requeue(tx, &i, now, Requeue::Back)
        })?;
        self.flush_system_sms().await
    }

    /// `agent`'s Ongoing tab (INBOX-1, INBOX-2): their active SMS conversations, the most recent
    /// activity first, each with its new-message indicator.
    ///
    /// # Errors
    /// [`Error::UnknownRecord`].
    pub fn ongoing_tab(&self, agent: &str) -> Result<Vec<OngoingRow>, Error> {
        self.store.read(|tx| {
            let party = agent_party(tx, agent)?;
            let tab = Ongoing {
                entries: tx.ongoing_entries_of(&party.sys_id)?,
            };
            let mut rows = vec![];
            for e in tab.for_agent(&party.sys_id) {
                let Some(i) = tx.interaction_by_sys_id(&e.interaction)? else {
                    continue;
                };
                if i.active && i.handler == Handler::Agent(party.sys_id.clone()) {
                    rows.push(OngoingRow {
                        interaction: i.number,
                        unread: e.unread,
                        last_activity_at: e.last_activity_at,
                    });
                }
            }
            Ok(rows)
        })
    }

    /// `agent` opens a conversation in the workspace (INBOX-1): its new-message indicator clears
    /// if it is theirs. Returns whether it was set.
    ///
    /// # Errors
    /// [`Error::UnknownRecord`], [`Error::UnknownInteraction`].
    pub fn read_conversation(
        &self,
        agent: &str,
        interaction: &InteractionNumber,
    ) -> Result<bool, Error> {
        self.store.write(|tx| {
            let party = agent_party(tx, agent)?;
            let i = tx
                .interaction(interaction)?
                .ok_or_else(|| Error::UnknownInteraction(interaction.to_string()))?;
            let mut tab = Ongoing {
                entries: tx.ongoing_entry(&i.sys_id)?.into_iter().collect(),
            };
            let cleared = tab.read(&i.sys_id, &party.sys_id);
            if cleared {
                tx.save_ongoing(&i.sys_id, tab.entries.first())?;
            }
            Ok(cleared)
        })
    }

    /// The interactions waiting in the SMS queue named `queue`, in line: oldest first, the order
    /// they will be offered in (ROUTE-2). Offered and accepted ones do not wait.
    ///
    /// # Errors
    /// [`Error::UnknownRecord`] when no SMS queue has that name.
    pub fn queue_waiting(&self, queue: &str) -> Result<Vec<InteractionNumber>, Error> {
        self.store.read(|tx| {
            let queues = tx.awa_queues()?;
            let q =
                queues
                    .iter()
                    .find(|q| q.name == queue)
                    .ok_or_else(|| Error::UnknownRecord {
                        table: "awa_queue",
                        near: queues
                            .iter()
                            .filter(|q| {
                                crate::domain::model::squeezed(&q.name)
                                    == crate::domain::model::squeezed(queue)
                            })
                            .map(|q| q.name.clone())
                            .collect(),
                        name: queue.to_owned(),
                    })?;
            let items = tx.awa_active_items()?;
            let mut out = vec![];
            for item in awa::waiting_in(&q.sys_id, &items) {
                out.push(self.item_number(tx, item)?);
            }
            Ok(out)
        })
    }

    /// The latest work item of an interaction (`None` if it was never handed to live agents).
    ///
    /// # Errors
    /// [`Error::UnknownInteraction`].
    pub fn work_item(
        &self,
        interaction: &InteractionNumber,
    ) -> Result<Option<WorkItemView>, Error> {
        self.store.read(|tx| {
            let i = tx
                .interaction(interaction)?
                .ok_or_else(|| Error::UnknownInteraction(interaction.to_string()))?;
            let Some(item) = tx.awa_item_for(&i.sys_id)? else {
                return Ok(None);
            };
            Ok(Some(WorkItemView {
                interaction: i.number,
                queue: tx
                    .awa_queue_name(&item.queue)?
                    .unwrap_or_else(|| item.queue.clone()),
                state: item.state,
                active: item.active,
                agent: item
                    .agent
                    .as_deref()
                    .map(|a| user_name(tx, a))
                    .transpose()?,
                declined_by: item
                    .declined_by
                    .iter()
                    .map(|a| user_name(tx, a))
                    .collect::<Result<_, _>>()?,
            }))
        })
    }

    // ----- hooks the engine calls -------------------------------------------------------------

    /// Hands an interaction to live agents (REQ-1 without the virtual agent, VA-7, ROUTE-1): it
    /// waits unassigned in the first matching Advanced Work Assignment queue, the requester is
    /// told, and a routing pass offers it to an available agent with free SMS capacity, who takes
    /// it by accepting in the Workspace Inbox. An interaction already waiting or offered is left as
    /// it is.
    pub(super) fn route_to_live_agent(
        &self,
        tx: &Tx<'_>,
        i: &Interaction,
        now: DateTime<Utc>,
    ) -> Result<(), Error> {
        self.requeue(tx, i, now, Requeue::ByCondition)
    }

    /// Puts `i` in a new work item: in the first queue whose condition matches it, back in the
    /// queue it came through, in a queue chosen by its agent, or offered straight to an agent (a
    /// transfer). The agent who held it (the handler the caller saw, or the agent who had
    /// accepted its last work item) is never offered the new item (`declined_by`; a later
    /// requeue's item may go to them) and leaves its live group profile;
    /// their accepted item completes and leaves their Ongoing tab in the routing pass that
    /// follows. The requester is told "An agent will be with you shortly.": nobody holds the
    /// conversation until someone accepts it. An interaction already waiting or offered is left
    /// as it is.
    fn requeue(
        &self,
        tx: &Tx<'_>,
        i: &Interaction,
        now: DateTime<Utc>,
        to: Requeue<'_>,
    ) -> Result<(), Error> {
        let previous = tx.awa_item_for(&i.sys_id)?;
        if previous
            .as_ref()
            .is_some_and(|p| p.active && p.state != WorkItemState::Accepted)
        {
            return Ok(());
        }
        tx.assign(&i.sys_id, &Handler::Queue)?;
        let queue = match to {
            Requeue::Queue(queue) => queue.to_owned(),
            Requeue::ByCondition | Requeue::Back | Requeue::Agent(_) => {
                // Leaving and a transfer to an agent keep the queue it came through.
                let came_through = match to {
                    Requeue::Agent(_) | Requeue::Back => previous.as_ref().map(|p| p.queue.clone()),
                    _ => None,
                };
                match came_through {
                    Some(queue) => queue,
                    None => {
                        let queues = tx.awa_queues()?;
                        let wanted = InteractionFields::read_by(
                            queues.iter().filter_map(|q| q.condition.as_ref()),
                        );
                        let record = tx.interaction_fields(&i.sys_id, wanted)?;
                        awa::queue_for(&queues, &record)
                            .map_or_else(|| DEFAULT_QUEUE_SYS_ID.to_owned(), |q| q.sys_id.clone())
                    }
                }
            }
        };
        let mut item = WorkItem::new(&tx.new_sys_id()?, &i.sys_id, &queue, now);
        let taken_from = match &i.handler {
            Handler::Agent(a) => Some(a.clone()),
            _ => previous
                .filter(|p| p.active && p.state == WorkItemState::Accepted)
                .and_then(|p| p.agent),
        };
        if let Some(agent) = &taken_from {
            // Removed, transferred away or gone: no longer in the live group profile.
            tx.leave_live_group(&i.sys_id, agent, now)?;
        }
        item.declined_by.extend(taken_from);
        if let Requeue::Agent(agent) = to {
            awa::Offer {
                item: item.sys_id.clone(),
                interaction: i.sys_id.clone(),
                queue: queue.clone(),
                agent: agent.to_owned(),
                offered_at: now,
                expires_at: now + chrono::TimeDelta::seconds(DEFAULT_OFFER_TIMEOUT_SECS),
            }
            .apply(&mut item);
        }
        tx.save_awa_item(&item)?;
        let name = tx
            .awa_queue_name(&queue)?
            .unwrap_or_else(|| DEFAULT_QUEUE.to_owned());
        self.post_system_message(
            tx,
            i,
            &SystemMessage::QueueWaiting { queue: name },
            now,
            SmsTiming::AfterCommit,
        )?;
        self.awa_pass(tx, now)?;
        Ok(())
    }

    /// Runs what AWA has due at `now` (offer timeouts, then offers) and sends the system messages
    /// waiting for requesters. Called by [`Engine::tick`].
    ///
    /// # Errors
    /// [`Error::Store`]; a send failure is recorded on the message, not returned.
    pub(crate) async fn awa_tick(&self, now: DateTime<Utc>) -> Result<(), Error> {
        self.store.write(|tx| self.awa_pass(tx, now).map(|_| ()))?;
        self.flush_system_sms().await
    }

    /// A requester's SMS was stored in `i` (INBOX-1): the new-message indicator of its Ongoing tab
    /// entry is set.
    pub(crate) fn awa_requester_message(
        &self,
        tx: &Tx<'_>,
        i: &Interaction,
        now: DateTime<Utc>,
    ) -> Result<(), Error> {
        let mut tab = Ongoing {
            entries: tx.ongoing_entry(&i.sys_id)?.into_iter().collect(),
        };
        if tab.entries.is_empty() {
            return Ok(());
        }
        tab.requester_message(&i.sys_id, now);
        tx.save_ongoing(&i.sys_id, tab.entries.first())?;
        Ok(())
    }

    /// An agent (`author`, sys_id) sent an SMS in `i`: the conversation shows in its assigned
    /// agent's Ongoing tab (an agent-initiated one appears there), and the assigned agent's own
    /// reply clears the indicator. A conversation an agent took from the queue this way leaves AWA,
    /// and one the message closed frees its slot.
    pub(crate) fn awa_agent_message(
        &self,
        tx: &Tx<'_>,
        i: &Interaction,
        author: &str,
        now: DateTime<Utc>,
    ) -> Result<(), Error> {
        let Some(i) = tx.interaction_by_sys_id(&i.sys_id)? else {
            return Ok(());
        };
        if let (true, Handler::Agent(assigned)) = (i.active, &i.handler) {
            let mut tab = Ongoing {
                entries: tx.ongoing_entry(&i.sys_id)?.into_iter().collect(),
            };
            tab.assign(&i.sys_id, assigned, now);
            if author == assigned {
                tab.agent_message(&i.sys_id, now);
            }
            tx.save_ongoing(&i.sys_id, tab.entries.first())?;
        }
        // A conversation this message closed (AGENT-3, AGENT-4) or took from the queue.
        self.awa_pass(tx, now)?;
        Ok(())
    }

    /// Interaction `i` was closed (INBOX-2, ROUTE-2): its work item completes (or is cancelled if
    /// nobody had accepted it), it leaves the Ongoing tab, and the freed slot goes to the oldest
    /// waiting item.
    pub(crate) fn awa_closed(
        &self,
        tx: &Tx<'_>,
        _i: &Interaction,
        now: DateTime<Utc>,
    ) -> Result<(), Error> {
        self.awa_pass(tx, now).map(|_| ())
    }

    // ----- internals --------------------------------------------------------------------------

    /// One routing pass at `now`: work items and Ongoing entries catch up with their interactions
    /// (closed: completed or cancelled and out of the tab; taken by an agent directly: cancelled;
    /// reassigned away: completed), then [`awa::step`] times out due offers and makes new ones.
    /// Each agent's first timeout of an item is posted as [`SystemMessage::OfferTimedOut`] (agents
    /// only); the offers an absent agent keeps missing are not posted again.
    ///
    /// Its cost follows what can change, not the length of the queue: only the items and entries
    /// out of step are loaded for the catch-up, and the waiting items only when an available agent
    /// has a free slot once due offers have timed out ([`awa::any_free_slot`]); otherwise the step
    /// runs on the items that hold slots, with the same outcome. And it is skipped, returning an
    /// empty [`awa::Step`], while nothing it reads has changed since the last pass on this
    /// connection and none of the offers that pass left is due ([`Tx::awa_routing_settled`]):
    /// a pass leaves a fixed point of [`awa::step`] until then (a property test).
    fn awa_pass(&self, tx: &Tx<'_>, now: DateTime<Utc>) -> Result<awa::Step, Error> {
        if tx.awa_routing_settled(now)? {
            return Ok(awa::Step::default());
        }
        let queues = tx.awa_queues()?;
        let agents = tx.awa_agents()?;
        if !tx.awa_in_step()? {
            catch_up(tx)?;
        } else if cfg!(debug_assertions) {
            // What the skip relies on, checked in every test: nothing is out of step.
            let items = tx.awa_items_out_of_step()?;
            let entries = tx.ongoing_entries_out_of_step()?;
            assert!(
                items.is_empty() && entries.is_empty(),
                "the catch-up was skipped with items {items:?} and Ongoing entries {entries:?} \
                 out of step"
            );
        }
        let mut items = tx.awa_items_holding_slots()?;
        if awa::any_free_slot_at(&agents, &items, now) {
            // Every active item, in the order of `Tx::awa_active_items`, without reading the
            // holding ones twice.
            items.extend(tx.awa_waiting_items()?);
            items.sort_by(|a, b| (a.created_at, &a.sys_id).cmp(&(b.created_at, &b.sys_id)));
        }
        let step = awa::step(
            &queues,
            &agents,
            &mut items,
            now,
            DEFAULT_OFFER_TIMEOUT_SECS,
        );
        for &i in &step.changed {
            tx.save_awa_item(&items[i])?;
        }
        for timeout in step.timed_out.iter().filter(|t| !t.again) {
            let Some(item) = items.iter().find(|o| o.sys_id == timeout.item) else {
                continue;
            };
            if let Some(i) = tx.interaction_by_sys_id(&item.interaction)? {
                let name = user_name(tx, &timeout.agent)?;
                self.post_system_message(
                    tx,
                    &i,
                    &SystemMessage::OfferTimedOut { agent: name },
                    now,
                    SmsTiming::AfterCommit,
                )?;
            }
        }
        tx.awa_routed(&items)?;
        Ok(step)
    }

    /// The work item an answer is about: the interaction's, or the only one in the agent's inbox.
    fn answered_item(
        &self,
        tx: &Tx<'_>,
        agent: &Party,
        interaction: Option<&InteractionNumber>,
        now: DateTime<Utc>,
    ) -> Result<WorkItem, Error> {
        let name = &agent.name;
        match interaction {
            Some(n) => {
                let i = tx
                    .interaction(n)?
                    .ok_or_else(|| Error::UnknownInteraction(n.to_string()))?;
                tx.awa_item_for(&i.sys_id)?.ok_or_else(|| {
                    refused(WorkAssignmentRefusal::NeverRouted {
                        interaction: n.clone(),
                    })
                })
            }
            None => {
                let items = tx.awa_items_holding_slots()?;
                let offered = awa::inbox(&agent.sys_id, &items, now);
                match offered.as_slice() {
                    [one] => Ok((*one).clone()),
                    [] => Err(refused(WorkAssignmentRefusal::NothingOffered {
                        agent: name.clone(),
                    })),
                    several => {
                        let mut offered = vec![];
                        for w in several {
                            offered.push(self.item_number(tx, w)?);
                        }
                        Err(refused(WorkAssignmentRefusal::SeveralOffered {
                            agent: name.clone(),
                            offered,
                        }))
                    }
                }
            }
        }
    }

    fn item_number(&self, tx: &Tx<'_>, item: &WorkItem) -> Result<InteractionNumber, Error> {
        tx.interaction_by_sys_id(&item.interaction)?
            .map(|i| i.number)
            .ok_or_else(|| Error::UnknownInteraction(item.interaction.clone()))
    }

    /// An AWA refusal in the agent's words.
    fn answer_refused(
        &self,
        tx: &Tx<'_>,
        number: &InteractionNumber,
        agent: &str,
        e: awa::AwaError,
    ) -> Result<Error, Error> {
        let interaction = number.clone();
        let agent = agent.to_owned();
        Ok(refused(match e {
            awa::AwaError::NotOffered { state, .. } => WorkAssignmentRefusal::NotOffered {
                interaction,
                state,
                agent,
            },
            awa::AwaError::OfferedToAnother { .. } => {
                let item = tx.interaction(number)?.map(|i| i.sys_id);
                let other = match item {
                    Some(i) => tx.awa_item_for(&i)?.and_then(|w| w.agent),
                    None => None,
                };
                WorkAssignmentRefusal::OfferedToAnother {
                    interaction,
                    agent,
                    offered_to: other.map(|a| user_name(tx, &a)).transpose()?,
                }
            }
            awa::AwaError::OfferExpired { expired_at, .. } => WorkAssignmentRefusal::OfferExpired {
                interaction,
                agent,
                expired_at,
            },
            other => WorkAssignmentRefusal::Rule(other),
        }))
    }
}

/// Completes (Accepted) or cancels (any other state) every active work item out of step with its
/// interaction, and removes every Ongoing entry out of step, then remembers that nothing is
/// ([`Tx::awa_caught_up`]). An item whose state allows neither (active but Cancelled: not a row
/// the engine writes) stays as it is, and then nothing is remembered: the next pass catches up
/// again, as every pass did before the catch-up could be skipped.
fn catch_up(tx: &Tx<'_>) -> Result<(), Error> {
    let mut all_fixed = true;
    for mut item in tx.awa_items_out_of_step()? {
        let fixed = if item.state == WorkItemState::Accepted {
            awa::complete(&mut item)
        } else {
            awa::cancel(&mut item)
        };
        if fixed.is_ok() {
            tx.save_awa_item(&item)?;
        }
        all_fixed &= fixed.is_ok();
    }
    for e in tx.ongoing_entries_out_of_step()? {
        let mut tab = Ongoing {
            entries: vec![e.clone()],
        };
        tab.complete(&e.interaction);
        tx.save_ongoing(&e.interaction, tab.entries.first())?;
    }
    if all_fixed {
        tx.awa_caught_up()?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use chrono::TimeZone;

    use super::*;
    use crate::clock::ManualClock;
    use crate::store::SqliteStore;
    use crate::twilio::TwilioClient;

    /// The INSERT of SMS interaction `i1` (IMS0000001, opened for the guest at 09:00) in `state`.
    fn interaction_i1(state: &str, active: bool) -> String {
        format!(
            "INSERT INTO interaction (sys_id, number, type, channel, state, active,
                 opened_for_table, opened_for, opened_at)
             VALUES ('i1', 'IMS0000001', 'messaging', 'sms', '{state}', {},
                     'sys_user', '{}', '2026-01-05T09:00:00.000Z')",
            u8::from(active),
            crate::domain::model::GUEST_SYS_ID
        )
    }

    /// The INSERT of an active work item of `interaction` in the default queue, in `state`,
    /// created at 09:00.
    fn work_item(sys_id: &str, interaction: &str, state: &str) -> String {
        format!(
            "INSERT INTO awa_work_item (sys_id, interaction, queue, state, active,
                 declined_by, created_at, timed_out_by)
             VALUES ('{sys_id}', '{interaction}', '{}', '{state}', 1, '',
                     '2026-01-05T09:00:00.000Z', '')",
            crate::store::DEFAULT_QUEUE_SYS_ID
        )
    }

    /// An engine on an in-memory store at 2026-01-05 09:00 whose provider is never reached:
    /// these tests route nothing that sends.
    fn engine_in_memory() -> (Arc<SqliteStore>, Engine, ManualClock) {
        let store = Arc::new(SqliteStore::open_in_memory().unwrap());
        let clock =
            ManualClock::starting_at(chrono::Utc.with_ymd_and_hms(2026, 1, 5, 9, 0, 0).unwrap());
        let provider = TwilioClient::new(
            "http://127.0.0.1:9",
            "AC00000000000000000000000000000001",
            "t",
        );
        let engine = Engine::new(store.clone(), Arc::new(provider), Arc::new(clock.clone()));
        (store, engine, clock)
    }

    /// A desk set at once ([`Engine::set_sms_agents`]) gives each agent the row their calls one
    /// by one give; one agent who is not a sys_user sets nothing for any of them; and the desk's
    /// routing pass offers what waits.
    #[tokio::test]
    async fn a_desk_set_at_once_writes_the_rows_its_calls_would_all_or_nothing_and_routes() {
        let (store, engine, _) = engine_in_memory();
        store
            .write(|tx| {
                for n in ["ann", "bo", "cy", "di"] {
                    tx.insert_party(PartyTable::SysUser, n, Some(n), None, None)?;
                }
                Ok::<_, rusqlite::Error>(())
            })
            .unwrap();
        let row = |name: &str| {
            store
                .read(|tx| {
                    let party = agent_party(tx, name)?;
                    Ok::<_, Error>(tx.awa_agent(&party.sys_id)?)
                })
                .unwrap()
                .map(|a| (a.presence, a.sms_capacity))
        };
        engine
            .set_sms_agents(&[("ann", 3, Presence::Available), ("bo", 1, Presence::Away)])
            .unwrap();
        engine.set_sms_capacity("cy", 3).unwrap();
        engine.set_sms_presence("cy", Presence::Available).unwrap();
        engine.set_sms_capacity("di", 1).unwrap();
        engine.set_sms_presence("di", Presence::Away).unwrap();
        assert_eq!(row("ann"), row("cy"));
        assert_eq!(row("bo"), row("di"));
        assert_eq!(row("ann"), Some((Presence::Available, 3)));
        let refused =
            engine.set_sms_agents(&[("ann", 4, Presence::Offline), ("nobody", 1, Presence::Away)]);
        assert!(
            matches!(refused, Err(Error::UnknownRecord { .. })),
            "{refused:?}"
        );
        assert_eq!(
            row("ann"),
            Some((Presence::Available, 3)),
            "nothing was set"
        );
        // A conversation waiting in the default queue (every agent is a member) is offered by
        // the desk's one pass.
        store
            .write(|tx| {
                tx.0.execute_batch(&format!(
                    "{}; {};",
                    interaction_i1("new", true),
                    work_item("w1", "i1", "pending")
                ))
            })
            .unwrap();
        engine
            .set_sms_agents(&[("di", 1, Presence::Available)])
            .unwrap();
        let offered = store
            .read(|tx| tx.awa_items_holding_slots())
            .unwrap()
            .into_iter()
            .map(|w| (w.sys_id, w.state, w.agent.is_some()))
            .collect::<Vec<_>>();
        assert_eq!(
            offered,
            [("w1".into(), WorkItemState::Offered, true)],
            "the desk's pass offered what waited"
        );
    }

    /// A work item out of step that no catch-up can fix (active but Cancelled: not a row the
    /// engine writes) does not let later passes skip the catch-up: each looks at it again, and
    /// debug builds do not find it behind a skipped catch-up. An item it can fix is fixed once.
    #[tokio::test]
    async fn what_a_catch_up_cannot_fix_is_looked_at_again_by_every_pass() {
        let (store, engine, clock) = engine_in_memory();
        store
            .write(|tx| {
                tx.0.execute_batch(&format!(
                    "{}; {}; {};",
                    interaction_i1("closed_complete", false),
                    work_item("stuck", "i1", "cancelled"),
                    work_item("fixable", "i1", "pending")
                ))
            })
            .unwrap();
        let out_of_step = || {
            store
                .read(|tx| tx.awa_items_out_of_step())
                .unwrap()
                .into_iter()
                .map(|i| i.sys_id)
                .collect::<Vec<_>>()
        };
        assert_eq!(out_of_step(), ["fixable", "stuck"]);
        for pass in 1..=3 {
            // A change a routing pass reads (not one that puts anything out of step), so that
            // the pass runs.
            store
                .write(|tx| {
                    tx.0.execute_batch(&format!(
                        "UPDATE awa_queue SET name = 'Conversational SMS {pass}'"
                    ))
                })
                .unwrap();
            clock.advance(chrono::TimeDelta::minutes(1));
            engine.tick().await.unwrap();
            assert_eq!(out_of_step(), ["stuck"], "after pass {pass}");
            assert!(!store.read(|tx| tx.awa_in_step()).unwrap());
        }
    }
}
