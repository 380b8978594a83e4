//! What the invariants read at one moment, taken from a stack's store and simulator, and the one
//! sequence that runs them: shared by `convsms soak` and the step `Then every soak invariant
//! holds` (so a shrunk feature checks exactly what the soak checked).

use std::collections::HashMap;

use convsms::domain::model::InteractionType;
use convsms::store::SqliteStore;
use convsms_sim::Simulator;
use twilio_wire::sid::MessageSid;

use super::invariants::{
    self, ActiveSms, AgentLoad, Invariant, Row, SimRow, StatusTracker, Violation,
};

/// What the invariants read at one moment.
#[derive(Clone, Debug, Default)]
pub struct Snapshot {
    /// Every transcript row of every interaction.
    pub rows: Vec<Row>,
    /// Every message the simulator holds.
    pub sim: Vec<SimRow>,
    /// The active SMS interactions.
    pub active: Vec<ActiveSms>,
    /// Each agent's SMS capacity and the work holding it.
    pub loads: Vec<AgentLoad>,
}

impl Snapshot {
    /// Reads the store (in one read transaction) and the simulator.
    ///
    /// # Errors
    /// The store cannot be read.
    pub fn take(store: &SqliteStore, sim: &Simulator) -> anyhow::Result<Snapshot> {
        let (interactions, transcripts, agents, items) = store.read(|tx| {
            let interactions = tx.interactions()?;
            let mut transcripts = Vec::with_capacity(interactions.len());
            for i in &interactions {
                transcripts.push(tx.transcript(&i.sys_id)?);
            }
            Ok::<_, convsms::store::StoreError>((
                interactions,
                transcripts,
                tx.awa_agents()?,
                tx.awa_active_items()?,
            ))
        })?;
        let mut rows = vec![];
        let mut active = vec![];
        let mut by_sys_id = HashMap::new();
        for (i, messages) in interactions.iter().zip(transcripts) {
            by_sys_id.insert(i.sys_id.clone(), i.number.clone());
            if i.active && i.kind == InteractionType::Messaging {
                if let (Some(r), Some(p)) = (&i.requester_phone, &i.provider_phone) {
                    active.push(ActiveSms {
                        interaction: i.number.clone(),
                        requester: r.as_str().to_owned(),
                        provider: p.as_str().to_owned(),
                    });
                }
            }
            rows.extend(messages.into_iter().map(|m| Row {
                interaction: i.number.clone(),
                seq: m.seq,
                direction: m.direction,
                body: m.body,
                media: !m.media.is_empty(),
                sid: m.provider_sid,
                status: m.status,
                attempts: m.attempts,
            }));
        }
        let loads = agents
            .iter()
            .map(|a| AgentLoad {
                agent: a.sys_id.to_string(),
                capacity: a.sms_capacity,
                held: items
                    .iter()
                    .filter(|w| w.holds_slot_of(&a.sys_id))
                    .filter_map(|w| by_sys_id.get(&w.interaction).cloned())
                    .collect(),
            })
            .collect();
        let sim = sim
            .messages()
            .into_iter()
            .map(|m| SimRow {
                segments: m.num_segments.parse().unwrap_or(0),
                sid: m.sid,
                direction: m.direction,
            })
            .collect();
        Ok(Snapshot {
            rows,
            sim,
            active,
            loads,
        })
    }
}

/// Whether an inbound text the webhook answered 200 must be in a transcript (invariant 1): every
/// text but the opt-out keywords STOP and START, which Twilio and the engine answer without one.
pub fn acknowledged(body: &str) -> bool {
    let keyword = body.trim().to_ascii_uppercase();
    keyword != "STOP" && keyword != "START"
}

/// Runs every invariant the soak checks along the way on `snapshot`, in the order,
/// calling `count` before each; the first violation stops it. `acked` are the inbound
/// MessageSids the webhook acknowledged ([`acknowledged`]); `statuses` remembers delivery
/// statuses across calls.
///
/// # Errors
/// The first broken invariant.
pub fn judge(
    snapshot: &Snapshot,
    acked: &[MessageSid],
    statuses: &mut StatusTracker,
    count: &mut dyn FnMut(Invariant),
) -> Result<(), Violation> {
    let Snapshot {
        rows,
        sim,
        active,
        loads,
    } = snapshot;
    count(Invariant::InboundOnce);
    invariants::inbound_once(acked, rows)?;
    count(Invariant::OutboundAtMostOnce);
    invariants::outbound_at_most_once(sim, rows)?;
    count(Invariant::StatusForward);
    statuses.check(rows)?;
    count(Invariant::OneActivePerPair);
    invariants::one_active_per_pair(active)?;
    count(Invariant::Capacity);
    invariants::capacity(loads)?;
    count(Invariant::Segments);
    invariants::segments(sim, rows)
}
