//! [`Auditor`]: reads what changed in the store and the simulator since its last look and runs
//! the [`invariants`] on it.
//!
//! Each check costs what changed since the last one, not what the run holds: transcript rows
//! written or changed since the last check (a log the first check starts on the store's
//! connection, [`convsms::store::Tx::audit_take_message_changes`]), the
//! simulator's messages after the last SID counter seen ([`convsms_sim::Simulator::messages_after`]),
//! the inbound SIDs acknowledged since, timers settled since or overdue, the active work items and
//! agents. What the invariants must remember across checks is compact: one byte per outbound row
//! for statuses ([`StatusTracker`]), the blocked pairs ([`OptOutTracker`]), eight bytes and a time
//! per settled timer ([`TimerTracker`]). A fresh auditor on a store looks at everything once: the
//! same code checks a soak as it runs and a scenario's world at its end.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Utc};
use convsms::domain::delivery::{DeliveryStatus, Direction};
use convsms::domain::messaging_actions::{DEFAULT_IDLE_TIMEOUT_SECS, IDLE_TIMEOUT_PROPERTY};
use convsms::domain::model::{AuthorKind, InteractionNumber, PartyTable};
use convsms::domain::work_assignment::{Agent, SystemMessage, WorkItem, WorkItemState};
use convsms::store::{AuditRow, StoreError};
use twilio_wire::message::MessageStatus;
use twilio_wire::sid::MessageSid;

use super::invariants::{
    self, ActiveSms, AgentLoad, Invariant, OptOutTracker, RetryTracker, Routing, Row, SimRow,
    StatusTracker, TimerTracker, Violation,
};
use crate::check::world::Stack;

/// The simulator's status and `ErrorCode` of a SID ([`convsms_sim::Simulator::status_of`]).
type SimStatus<'a> = dyn Fn(&MessageSid) -> Option<(MessageStatus, Option<u32>)> + 'a;

/// How many simulator messages one read takes (the rest at the next read of the same check).
const SIM_PAGE: usize = 10_000;

/// The invariants' memory across checks, and how many times each was checked.
#[derive(Debug)]
pub struct Auditor {
    /// Timers settled at or after this virtual time are read at the next check.
    since: DateTime<Utc>,
    /// Whether a check ran: later checks read the transcript rows changed since from the log
    /// the first one started; the first reads them all.
    logging: bool,
    /// The simulator's messages up to this SID counter were read.
    sim_counter: u64,
    statuses: StatusTracker,
    opt_outs: OptOutTracker,
    timers: TimerTracker,
    retries: RetryTracker,
    /// Messages the simulator created that no row held at the last check, excused then by a
    /// send awaiting a look in Twilio's list (invariant 2): judged again at each check until a
    /// row holds them.
    excused: Vec<SimRow>,
    /// Interactions closed at the last look's instant or later, with the last transcript rowid
    /// before each close: only a row of the same instant needs it (a later one is later in time
    /// too), so the map keeps one instant's closes.
    closes_now: HashMap<InteractionNumber, (DateTime<Utc>, i64)>,
    /// The last transcript rowid whose cases invariant 13 judged (a row changes again with
    /// each status: it is judged once, when it is new).
    cases_judged_to: i64,
    /// MessageSids whose status callbacks a scenario wrote itself: invariant 3 does not hold
    /// their status to the simulator's, which never sent those reports.
    pub hand_reported: std::collections::HashSet<MessageSid>,
    /// An idle timeout (seconds) shorter than the store's that idle closes may have been made
    /// under: a scenario that changed it judges its closes by the shortest it had.
    pub idle_timeout_at_most: Option<i64>,
    /// Who declined each open conversation so far (invariant 14), forgotten at its close.
    pub declined: invariants::Declined,
    /// Checks per invariant.
    pub checks: BTreeMap<Invariant, u64>,
    /// What each invariant's checks looked at, in all: the subjects of each check (inbound
    /// messages acknowledged, sends, transcript rows changed, active pairs, agents, work items,
    /// simulator messages, timers and closes), so that a run whose checks saw nothing shows it.
    pub examined: BTreeMap<Invariant, u64>,
}

impl Default for Auditor {
    fn default() -> Self {
        Auditor {
            since: DateTime::<Utc>::MIN_UTC,
            logging: false,
            sim_counter: 0,
            statuses: StatusTracker::default(),
            opt_outs: OptOutTracker::default(),
            timers: TimerTracker::default(),
            retries: RetryTracker::default(),
            excused: Vec::new(),
            closes_now: HashMap::new(),
            cases_judged_to: 0,
            hand_reported: std::collections::HashSet::new(),
            idle_timeout_at_most: None,
            declined: invariants::Declined::new(),
            checks: Invariant::ALL.iter().map(|i| (*i, 0)).collect(),
            examined: Invariant::ALL.iter().map(|i| (*i, 0)).collect(),
        }
    }
}

/// A store row as the invariants read it.
fn row(r: AuditRow) -> Row {
    let m = r.message;
    Row {
        rowid: r.rowid,
        interaction: r.interaction,
        pair: r.pair,
        seq: m.seq,
        direction: m.direction,
        body: m.body,
        media: !m.media.is_empty(),
        sid: m.provider_sid,
        status: m.status,
        attempts: m.attempts,
        error_code: m.error_code,
        author: m.author_kind,
        created_at: m.created_at,
        updated_at: m.updated_at,
        next_attempt_at: r.next_attempt_at,
        unconfirmed_since: r.unconfirmed_since,
    }
}

/// A simulator message as the invariants read it.
fn sim_row(m: twilio_wire::message::Message) -> SimRow {
    SimRow {
        segments: m.num_segments.parse().unwrap_or(0),
        sid: m.sid,
        direction: m.direction,
        from: m.from.unwrap_or_default(),
        to: m.to,
        body: m.body,
        error_code: m.error_code,
    }
}

/// Each agent's capacity and the interactions of the work items holding one of their slots, with
/// what they kept when their capacity was lowered (`kept`, by agent sys_id) and still hold as
/// accepted work: an offer is never kept.
pub fn loads(
    agents: &[Agent],
    items: &[WorkItem],
    numbers: &HashMap<String, InteractionNumber>,
    kept: &BTreeMap<String, Vec<InteractionNumber>>,
) -> Vec<AgentLoad> {
    agents
        .iter()
        .map(|a| AgentLoad {
            agent: a.sys_id.to_string(),
            capacity: a.sms_capacity,
            held: items
                .iter()
                .filter(|w| w.holds_slot_of(&a.sys_id))
                .filter_map(|w| numbers.get(&w.interaction).cloned())
                .collect(),
            kept: kept
                .get(&a.sys_id)
                .into_iter()
                .flatten()
                .filter(|n| {
                    items.iter().any(|w| {
                        w.holds_slot_of(&a.sys_id)
                            && w.state == WorkItemState::Accepted
                            && numbers.get(&w.interaction) == Some(*n)
                    })
                })
                .cloned()
                .collect(),
        })
        .collect()
}

/// After `agent`'s (a user_name) SMS capacity changed: the work they keep aside (`kept`, by
/// agent sys_id) for invariant 5 when they hold more than the new capacity, which is their
/// accepted work alone, since the engine revokes no accepted work but withdraws the offers
/// beyond the capacity (so an offer they still hold while over it breaks invariant 5); nothing
/// when they are within it. Only their entry changes: work another agent holds beyond their capacity
/// is no more theirs to keep for this change. Both `convsms soak` and the step `Then every soak
/// invariant holds` go by it, and by [`trim_kept`].
///
/// # Errors
/// The store cannot be read.
pub fn keep_over_capacity(
    stack: &Stack,
    now: DateTime<Utc>,
    agent: &str,
    kept: &mut BTreeMap<String, Vec<InteractionNumber>>,
) -> Result<(), StoreError> {
    let Some(user) = stack
        .store
        .read(|tx| tx.party_by_name(PartyTable::SysUser, agent))?
    else {
        return Ok(());
    };
    let r = routing(stack, now)?;
    let load = loads(&r.agents, &r.items, &r.numbers, kept)
        .into_iter()
        .find(|l| l.agent == user.sys_id.as_str());
    match load {
        Some(l) if l.held.len() > l.capacity as usize => {
            let accepted = r
                .items
                .iter()
                .filter(|w| w.holds_slot_of(&l.agent) && w.state == WorkItemState::Accepted)
                .filter_map(|w| r.numbers.get(&w.interaction).cloned())
                .collect();
            kept.insert(l.agent, accepted);
        }
        _ => {
            kept.remove(user.sys_id.as_str());
        }
    }
    Ok(())
}

/// What an agent kept aside ([`keep_over_capacity`]) counts only while they still hold it and
/// are still over capacity: `kept` trimmed to that, by the agents' `loads` now.
pub fn trim_kept(loads: &[AgentLoad], kept: &mut BTreeMap<String, Vec<InteractionNumber>>) {
    for l in loads {
        if l.held.len() <= l.capacity as usize {
            kept.remove(&l.agent);
        } else if let Some(kept) = kept.get_mut(&l.agent) {
            kept.retain(|n| l.held.contains(n));
        }
    }
}

/// The agents, queues, active work items and their interactions' numbers, at `now`.
///
/// # Errors
/// The store cannot be read.
pub fn routing(stack: &Stack, now: DateTime<Utc>) -> Result<Routing, StoreError> {
    stack.store.read(|tx| {
        let items = tx.awa_active_items()?;
        let numbers = tx.audit_active_item_interactions()?.into_iter().collect();
        Ok(Routing {
            now,
            agents: tx.awa_agents()?,
            queues: tx.awa_queues()?,
            items,
            numbers,
            closed_with_items: tx.audit_closed_with_active_items()?,
        })
    })
}

impl Auditor {
    /// One more check of `i`, which looked at `subjects` things.
    pub(crate) fn count(&mut self, i: Invariant, subjects: usize) {
        *self.checks.entry(i).or_default() += 1;
        *self.examined.entry(i).or_default() += subjects as u64;
    }

    /// Starts the store's logs before any traffic (the changed transcript rows, each status
    /// change, each offer), so that the first check judges every offer and status change of the
    /// run, not only those after it. Without it the first check starts them.
    ///
    /// # Errors
    /// The store cannot be read or the log's triggers made.
    pub fn start_log(&mut self, stack: &Stack) -> Result<(), StoreError> {
        stack.store.read(|tx| tx.audit_log_message_changes())?;
        stack.store.write(|tx| tx.audit_follow_moves())?;
        self.logging = true;
        Ok(())
    }

    /// Runs invariants 1-5, 5b (each offer written since the last check, from the store's offer
    /// log), 7-9, 11 (each SMS interaction opened since, from the log) and 12 on what changed
    /// since the last check, at virtual time `now`:
    /// `acked` are the inbound SIDs the webhook acknowledged (or re-acknowledged) since the last
    /// check, `kept` the work agents kept when their capacity was lowered, `last_tick` when the
    /// engine last ran what was due. The first violation stops it.
    ///
    /// # Errors
    /// The store cannot be read (the outer result; the inner one is the verdict).
    pub fn check(
        &mut self,
        stack: &Stack,
        now: DateTime<Utc>,
        acked: &[MessageSid],
        kept: &BTreeMap<String, Vec<InteractionNumber>>,
        last_tick: DateTime<Utc>,
    ) -> Result<Result<(), Violation>, StoreError> {
        let mut sim = vec![];
        loop {
            let page = stack.sim.messages_after(self.sim_counter, SIM_PAGE);
            let Some(last) = page.last() else { break };
            self.sim_counter = u64::try_from(last.sid.number()).unwrap_or(u64::MAX);
            sim.extend(page.into_iter().map(sim_row));
        }
        let since = self.since;
        let logging = self.logging;
        let excused = std::mem::take(&mut self.excused);
        let mut acked = acked.to_vec();
        acked.sort();
        acked.dedup();
        let acked = &acked[..];
        // The closes since the last look, with the last transcript row before each: a row of
        // the same instant written after a close has a higher rowid (invariant 8).
        let closes = stack.store.read(|tx| tx.audit_take_closed())?;
        for c in &closes {
            if let (Ok(n), Ok(at)) = (
                InteractionNumber::parse(&c.interaction),
                DateTime::parse_from_rfc3339(&c.closed_at),
            ) {
                self.closes_now
                    .insert(n, (at.with_timezone(&Utc), c.last_rowid));
            }
        }
        let idle_notes: Vec<String> = [
            SystemMessage::IdleClosed,
            SystemMessage::IdleClosedKeywordsOnly,
        ]
        .iter()
        .filter_map(SystemMessage::agent_text)
        .collect();
        let (
            (changed, before_replies, idle_closes, idle_timeout, citations),
            (moves, offers, opened),
            by_sid,
            (shared, active_sms),
            timers,
            closed,
            (awaiting, excused_owners),
        ) = stack.store.read(|tx| {
            let taken = if logging {
                tx.audit_take_message_changes()?
            } else {
                None
            };
            let moves = tx.audit_take_status_moves()?;
            let offers = tx.audit_take_offers()?;
            let opened = tx.audit_take_opened()?;
            // The first look (or, a bug, a connection without the log): every row.
            let changed = match taken {
                Some(changed) => changed,
                None => tx.audit_log_message_changes()?,
            };
            // When the interactions with a changed agent or virtual-agent message closed.
            let mut closed = vec![];
            let mut seen = std::collections::BTreeSet::new();
            for r in changed.iter().filter(|r| {
                matches!(
                    r.message.author_kind,
                    convsms::domain::model::AuthorKind::Agent
                        | convsms::domain::model::AuthorKind::VirtualAgent
                )
            }) {
                if let (true, Some(at)) = (seen.insert(&r.interaction), r.closed_at) {
                    closed.push((r.interaction.clone(), at));
                }
            }

            let changed: Vec<Row> = changed.into_iter().map(row).collect();
            // A keyword reply refused after a retry changed in a later check than its STOP:
            // read the row before it too (written just before it, by the same webhook).
            let stops: Vec<i64> = changed
                .iter()
                .filter(|r| invariants::refused_keyword_reply(r))
                .filter(|r| {
                    !changed
                        .iter()
                        .any(|c| c.interaction == r.interaction && c.seq == r.seq - 1)
                })
                .map(|r| r.rowid - 1)
                .collect();
            let before_replies: Vec<Row> = if stops.is_empty() {
                vec![]
            } else {
                let rows = tx.audit_messages_with_rowids(&stops)?;
                rows.into_iter().map(row).collect()
            };
            // The rows owning the acknowledged inbound SIDs and the simulator's new sends: read
            // with the changes when they changed (a SID is on one row at most: the column is
            // UNIQUE), by SID otherwise.
            let in_changed: HashMap<&MessageSid, &Row> = changed
                .iter()
                .filter_map(|r| r.sid.as_ref().map(|sid| (sid, r)))
                .collect();
            let mut by_sid = vec![];
            let new_sends = sim
                .iter()
                .filter(|m| m.direction == twilio_wire::message::Direction::OutboundApi);
            for sid in acked.iter().chain(new_sends.map(|m| &m.sid)) {
                match in_changed.get(sid) {
                    Some(r) => by_sid.push((*r).clone()),
                    None => by_sid.extend(tx.audit_messages_with_sid(sid)?.into_iter().map(row)),
                }
            }
            // The idle closes written since: when the silence each ended began (invariant 8).
            let idle_closes: Vec<(Row, Option<DateTime<Utc>>)> = changed
                .iter()
                .filter(|r| r.direction == Direction::Internal && idle_notes.contains(&r.body))
                .map(|r| {
                    tx.audit_last_message_before(&r.interaction, r.seq, r.created_at)
                        .map(|last| (r.clone(), last))
                })
                .collect::<Result<_, _>>()?;
            // The virtual agent's messages naming cases, with their owners (invariant 13).
            let mut citations = vec![];
            for r in changed
                .iter()
                .filter(|r| r.author == AuthorKind::VirtualAgent && r.rowid > self.cases_judged_to)
            {
                let named = invariants::cases_named(&r.body);
                if named.is_empty() {
                    continue;
                }
                let Some(i) = tx.interaction(&r.interaction)? else {
                    continue;
                };
                let cases = named
                    .into_iter()
                    .map(|(n, option)| {
                        let found = tx.audit_case(&n)?;
                        Ok((n, option, found))
                    })
                    .collect::<Result<Vec<_>, StoreError>>()?;
                let (table, sys_id) = (i.opened_for.0, i.opened_for.1.to_string());
                let name_of = |table, id: &str| -> Result<String, StoreError> {
                    Ok(tx
                        .party(table, id)?
                        .map_or_else(|| id.to_owned(), |p| p.name))
                };
                let mut others = BTreeMap::new();
                for (t, owner, _) in cases.iter().filter_map(|(_, _, f)| f.as_ref()) {
                    if (t, owner) != (&table, &sys_id) {
                        others.insert(owner.clone(), name_of(*t, owner)?);
                    }
                }
                citations.push(invariants::CaseCitation {
                    interaction: r.interaction.clone(),
                    seq: r.seq,
                    requester: (table, sys_id.clone(), name_of(table, &sys_id)?),
                    others,
                    cases,
                });
            }
            let idle_timeout = tx
                .property(IDLE_TIMEOUT_PROPERTY)?
                .and_then(|v| v.trim().parse::<i64>().ok())
                .unwrap_or(DEFAULT_IDLE_TIMEOUT_SECS)
                .min(self.idle_timeout_at_most.unwrap_or(i64::MAX));
            Ok::<_, StoreError>((
                (
                    changed,
                    before_replies,
                    idle_closes,
                    idle_timeout,
                    citations,
                ),
                (moves, offers, opened),
                by_sid,
                (tx.audit_active_sms_pairs_shared()?, tx.audit_active_sms()?),
                tx.audit_timers_since(since, last_tick)?,
                closed,
                (
                    tx.audit_awaiting_look()?
                        .into_iter()
                        .map(row)
                        .collect::<Vec<_>>(),
                    excused
                        .iter()
                        .map(|m| tx.audit_messages_with_sid(&m.sid))
                        .collect::<Result<Vec<_>, _>>()?
                        .into_iter()
                        .flatten()
                        .map(row)
                        .collect::<Vec<_>>(),
                ),
            ))
        })?;
        let Routing {
            agents,
            items,
            numbers,
            ..
        } = self::routing(stack, now)?;
        if !logging {
            // From the first look on, each status change too (schema: in a write).
            stack.store.write(|tx| tx.audit_follow_moves())?;
        }
        self.since = now;
        // Rows written from here on are at `now` or later: closes before `now` need no rowid.
        self.closes_now.retain(|_, (at, _)| *at >= now);
        self.logging = true;
        self.count(Invariant::OldestFirst, offers.made.len());
        self.count(Invariant::OpenedForItsProfile, opened.len());
        self.count(Invariant::OwnCasesOnly, citations.len());
        if let Some(last) = changed.iter().map(|r| r.rowid).max() {
            self.cases_judged_to = self.cases_judged_to.max(last);
        }
        // Judged with the timers' check (in `judge`): more subjects, not another check.
        *self.examined.entry(Invariant::Timers).or_default() += idle_closes.len() as u64;
        let never_back = invariants::never_offered_back(&offers, &mut self.declined)
            .map(|judged| self.count(Invariant::NeverOfferedBack, judged));
        // Closed: never offered again, whoever declined it.
        for c in &closes {
            self.declined.remove(&c.interaction);
        }
        Ok(invariants::none_passed_over(&offers)
            .and(never_back)
            .and_then(|()| invariants::idle_closes_never_early(&idle_closes, idle_timeout))
            .and_then(|()| invariants::opened_for_its_profile(&opened))
            .and_then(|()| invariants::own_cases_only(&citations))
            .and_then(|()| invariants::no_reply_to_a_handled_stop(&changed, &before_replies))
            .and_then(|()| {
                self.judge(
                    acked,
                    (&sim, &excused),
                    (&awaiting, &excused_owners),
                    &changed,
                    &moves,
                    &by_sid,
                    &shared,
                    &active_sms,
                    &agents,
                    &items,
                    &numbers,
                    kept,
                    &timers,
                    &closed,
                    last_tick,
                    &|sid| stack.sim.status_of(sid),
                )
            }))
    }

    #[allow(clippy::too_many_arguments)]
    fn judge(
        &mut self,
        acked: &[MessageSid],
        (sim, excused): (&[SimRow], &[SimRow]),
        (awaiting, excused_owners): (&[Row], &[Row]),
        changed: &[Row],
        moves: &[(i64, String, String)],
        by_sid: &[Row],
        shared: &[(String, String, Vec<InteractionNumber>)],
        active_sms: &[convsms::store::ActiveAudit],
        agents: &[Agent],
        items: &[WorkItem],
        numbers: &HashMap<String, InteractionNumber>,
        kept: &BTreeMap<String, Vec<InteractionNumber>>,
        timers: &[convsms::store::TimerAudit],
        closed: &[(InteractionNumber, DateTime<Utc>)],
        last_tick: DateTime<Utc>,
        sim_status: &SimStatus<'_>,
    ) -> Result<(), Violation> {
        self.count(Invariant::InboundOnce, acked.len());
        invariants::inbound_once(acked, by_sid)?;
        invariants::inbound_in_its_conversation(sim, by_sid)?;
        let sends = sim
            .iter()
            .filter(|m| m.direction == twilio_wire::message::Direction::OutboundApi)
            .count();
        self.count(Invariant::OutboundAtMostOnce, sends);
        let mut owners: Vec<Row> = changed.to_vec();
        owners.extend(
            by_sid
                .iter()
                .filter(|r| !changed.iter().any(|c| c.rowid == r.rowid))
                .cloned(),
        );
        // The messages excused at the last check are judged again, with their owners if any.
        owners.extend(
            excused_owners
                .iter()
                .filter(|r| !owners.iter().any(|o| o.rowid == r.rowid))
                .cloned()
                .collect::<Vec<_>>(),
        );
        let sent_now: std::borrow::Cow<'_, [SimRow]> = if excused.is_empty() {
            sim.into()
        } else {
            excused
                .iter()
                .chain(sim)
                .cloned()
                .collect::<Vec<_>>()
                .into()
        };
        self.excused = invariants::outbound_at_most_once(&sent_now, &owners, awaiting)?;
        self.retries.check(changed)?;
        self.count(Invariant::StatusForward, changed.len());
        invariants::status_moves(moves, changed)?;
        self.statuses.check(changed)?;
        invariants::status_is_twilios(changed, |sid| {
            if self.hand_reported.contains(sid) {
                return None;
            }
            let (status, code) = sim_status(sid)?;
            Some((DeliveryStatus::from_twilio(status)?, code))
        })?;
        let active: Vec<ActiveSms> = shared
            .iter()
            .flat_map(|(requester, provider, numbers)| {
                numbers.iter().map(|n| ActiveSms {
                    interaction: n.clone(),
                    requester: requester.clone(),
                    provider: provider.clone(),
                })
            })
            .collect();
        self.count(Invariant::OneActivePerPair, active_sms.len());
        invariants::one_active_per_pair(&active)?;
        invariants::every_active_sms_has_its_pair(active_sms)?;
        self.count(Invariant::AssigneeInLiveGroup, active_sms.len());
        invariants::assignee_in_live_group(active_sms)?;
        invariants::nothing_stranded(active_sms)?;
        self.count(Invariant::Capacity, agents.len());
        invariants::capacity(&loads(agents, items, numbers, kept))?;
        self.count(Invariant::OptOut, sim.len());
        self.opt_outs.check(sim)?;
        self.count(Invariant::Timers, timers.len() + closed.len());
        self.timers.check(timers, last_tick)?;
        invariants::closed_stay_quiet(changed, closed, &self.closes_now)?;
        let sent: Vec<SimRow> = sim
            .iter()
            .filter(|m| m.direction != twilio_wire::message::Direction::Inbound)
            .cloned()
            .collect();
        self.count(Invariant::Segments, sent.len());
        // A row's send and its SID are written in one engine call, so each send is in exactly
        // one check's window, with its row.
        invariants::segments(&sent, changed)
    }

    /// Runs invariants 5b and 6 on the routing state right after a tick's routing pass at `now`.
    ///
    /// # Errors
    /// The store cannot be read.
    pub fn check_routing(
        &mut self,
        stack: &Stack,
        now: DateTime<Utc>,
    ) -> Result<Result<(), Violation>, StoreError> {
        let r = routing(stack, now)?;
        // What each judges: the items waiting (6: none may wait for a free member; 5b: none
        // may be passed over by an offer of this pass).
        let waiting = r.waiting().count();
        self.count(Invariant::OldestFirst, waiting);
        self.count(Invariant::Liveness, waiting);
        Ok(invariants::oldest_first(&r).and_then(|()| invariants::liveness(&r)))
    }

    /// Runs invariant 6 alone on the routing state at `now`: what a scenario's step can check
    /// between any two steps. 5b's reading of the routing state needs to know which offers the
    /// last routing pass made, which only the soak, checking right after a wait, does: in a
    /// scenario several steps make offers at one instant (5b's offer log, in [`Auditor::check`],
    /// serves both).
    ///
    /// # Errors
    /// The store cannot be read.
    pub fn check_liveness(
        &mut self,
        stack: &Stack,
        now: DateTime<Utc>,
    ) -> Result<Result<(), Violation>, StoreError> {
        let r = routing(stack, now)?;
        self.count(Invariant::Liveness, r.waiting().count());
        Ok(invariants::liveness(&r))
    }

    /// Invariant 2 at the end of a run: every send is final. Call it right after
    /// [`Auditor::check`]: what that check read is every outbound row's status, so this reads
    /// only the rows it last saw in flight, not the whole table.
    ///
    /// # Errors
    /// The store cannot be read.
    pub fn check_settled(&mut self, stack: &Stack) -> Result<Result<(), Violation>, StoreError> {
        let unsettled = self.statuses.unsettled();
        let in_flight: Vec<Row> = stack
            .store
            .read(|tx| tx.audit_messages_with_rowids(&unsettled))?
            .into_iter()
            .map(row)
            .collect();
        self.count(Invariant::OutboundAtMostOnce, in_flight.len());
        Ok(invariants::settled(&in_flight))
    }
}

/// The last transcript row's rowid and how many outbound messages the simulator has created:
/// what [`invariants::redelivery_changed_nothing`] compares before and after a re-delivery.
///
/// # Errors
/// The store cannot be read.
pub fn writes_and_sends(stack: &Stack) -> anyhow::Result<(i64, u64)> {
    use anyhow::Context as _;
    let rowid = stack
        .store
        .read(|tx| tx.audit_last_message_rowid())
        .context("reading the last transcript row")?;
    Ok((rowid, stack.sim.outbound_created()))
}

/// Every transcript row, by interaction number and seq (for short runs: replays and scenarios).
///
/// # Errors
/// The store cannot be read.
pub fn all_rows(stack: &Stack) -> Result<Vec<Row>, StoreError> {
    let mut rows = vec![];
    stack
        .store
        .read(|tx| tx.audit_each_message(|r| rows.push(row(r.clone()))))?;
    Ok(rows)
}

/// The digest of every transcript row (interaction, seq, direction, who wrote it, when, body,
/// media, sid, status, error code, attempts) and the metrics' tally of them, read one row at a
/// time.
///
/// # Errors
/// The store cannot be read.
pub fn transcripts_digest(stack: &Stack) -> Result<(String, super::metrics::RowTally), StoreError> {
    let mut digest = super::report::Fnv::default();
    let mut tally = super::metrics::RowTally::default();
    stack.store.read(|tx| {
        tx.audit_each_message(|r| {
            let m = &r.message;
            tally.add(m.direction, m.status, m.error_code, m.attempts);
            digest.feed(r.interaction.to_string().as_bytes());
            digest.feed(m.seq.to_string().as_bytes());
            digest.feed(format!("{:?}", m.direction).as_bytes());
            digest.feed(format!("{:?}", m.author_kind).as_bytes());
            digest.feed(m.author.as_deref().unwrap_or("").as_bytes());
            digest.feed(m.created_at.to_rfc3339().as_bytes());
            digest.feed(m.body.as_bytes());
            for media in &m.media {
                // Its path: the simulator's media URLs name a loopback port of this run.
                let url = url::Url::parse(&media.url);
                digest.feed(
                    url.as_ref()
                        .map_or(media.url.as_str(), url::Url::path)
                        .as_bytes(),
                );
                digest.feed(media.content_type.as_bytes());
            }
            digest.feed(format!("{:?}/{}", m.error_code, m.attempts).as_bytes());
            digest.feed(
                m.provider_sid
                    .as_ref()
                    .map_or("", |s| s.as_str())
                    .as_bytes(),
            );
            digest.feed(m.status.as_str().as_bytes());
        })
    })?;
    Ok((digest.hex(), tally))
}
