//! The soak's invariants (issue 10), each a function over what the store and the simulator hold
//! at one moment, returning the first [`Violation`] it finds.
//!
//! The functions read small views ([`Row`], [`SimRow`], [`ActiveSms`], [`AgentLoad`]) that
//! [`super`] builds from the SQLite store and the simulator, so a unit test can craft a
//! violation in a few lines. Numbering follows the issue; 6-8 (liveness, opt-out, timers) are
//! not written yet.

use std::collections::{BTreeMap, HashMap};
use std::fmt;

use convsms::domain::delivery::{DeliveryStatus, Direction};
use convsms::domain::model::InteractionNumber;
use convsms::engine::delivery::MAX_SEND_ATTEMPTS;
use serde::Serialize;
use twilio_wire::message::Direction as SimDirection;
use twilio_wire::sid::MessageSid;

/// One of the invariants the soak checks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Invariant {
    /// 1. Every acknowledged inbound SMS is in exactly one transcript, once.
    InboundOnce,
    /// 2. Every outbound message reaches the simulator at most once.
    OutboundAtMostOnce,
    /// 3. No delivery status moves backwards.
    StatusForward,
    /// 4. At most one active SMS interaction per (requester, provider) pair.
    OneActivePerPair,
    /// 5. No agent holds more SMS work than their capacity.
    Capacity,
    /// 9. The transcript's segment count equals the simulator's.
    Segments,
}

impl Invariant {
    /// Every invariant, in the order.
    pub const ALL: [Invariant; 6] = [
        Invariant::InboundOnce,
        Invariant::OutboundAtMostOnce,
        Invariant::StatusForward,
        Invariant::OneActivePerPair,
        Invariant::Capacity,
        Invariant::Segments,
    ];

    /// Its short name, as the report and the JSON show it.
    pub fn name(self) -> &'static str {
        match self {
            Invariant::InboundOnce => "1 inbound-in-one-transcript-once",
            Invariant::OutboundAtMostOnce => "2 outbound-sent-at-most-once",
            Invariant::StatusForward => "3 status-never-backwards",
            Invariant::OneActivePerPair => "4 one-active-sms-per-pair",
            Invariant::Capacity => "5 agent-within-sms-capacity",
            Invariant::Segments => "9 segments-match-simulator",
        }
    }
}

impl fmt::Display for Invariant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A broken invariant: which, the interaction concerned (when one is), and what was seen.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Violation {
    /// The invariant.
    pub invariant: Invariant,
    /// The interaction whose transcript explains it, if any.
    pub interaction: Option<InteractionNumber>,
    /// What was seen, in words.
    pub detail: String,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invariant {} broken: {}", self.invariant, self.detail)
    }
}

fn broken(
    invariant: Invariant,
    interaction: Option<&InteractionNumber>,
    detail: String,
) -> Result<(), Violation> {
    Err(Violation {
        invariant,
        interaction: interaction.cloned(),
        detail,
    })
}

/// One transcript row, as the invariants read it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Row {
    /// Its interaction.
    pub interaction: InteractionNumber,
    /// Its position in the transcript.
    pub seq: i64,
    /// Which way it went.
    pub direction: Direction,
    /// Its text.
    pub body: String,
    /// Whether it carries media (an MMS: segments do not apply).
    pub media: bool,
    /// Twilio's MessageSid, once it has one.
    pub sid: Option<MessageSid>,
    /// Its delivery status.
    pub status: DeliveryStatus,
    /// How many times the engine handed it to the provider.
    pub attempts: i64,
}

/// One message of the simulator, as the invariants read it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SimRow {
    /// Its SID.
    pub sid: MessageSid,
    /// Which way it went.
    pub direction: SimDirection,
    /// `num_segments`.
    pub segments: usize,
}

/// An active SMS interaction: who with, on which provider number.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ActiveSms {
    /// The interaction.
    pub interaction: InteractionNumber,
    /// The requester's number (E.164).
    pub requester: String,
    /// The provider number (E.164).
    pub provider: String,
}

/// An agent's SMS capacity and the work items holding a slot of it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AgentLoad {
    /// The agent's user_name (or sys_id).
    pub agent: String,
    /// Their SMS capacity.
    pub capacity: u32,
    /// The interactions of the active Offered or Accepted work items they hold.
    pub held: Vec<InteractionNumber>,
}

/// Invariant 1: Every inbound SMS the webhook acknowledged (`acked`) is in exactly one transcript,
/// once.
pub fn inbound_once(acked: &[MessageSid], rows: &[Row]) -> Result<(), Violation> {
    let mut seen: HashMap<&MessageSid, Vec<&Row>> = HashMap::new();
    for r in rows.iter().filter(|r| r.direction == Direction::Inbound) {
        if let Some(sid) = &r.sid {
            seen.entry(sid).or_default().push(r);
        }
    }
    for sid in acked {
        match seen.get(sid).map(Vec::as_slice).unwrap_or_default() {
            [_] => {}
            [] => {
                return broken(
                    Invariant::InboundOnce,
                    None,
                    format!("the acknowledged inbound {sid} is in no transcript"),
                )
            }
            many => {
                let places: Vec<String> = many
                    .iter()
                    .map(|r| format!("{} #{}", r.interaction, r.seq))
                    .collect();
                return broken(
                    Invariant::InboundOnce,
                    Some(&many[0].interaction),
                    format!(
                        "the inbound {sid} is in the transcripts {} times: {}",
                        many.len(),
                        places.join(", ")
                    ),
                );
            }
        }
    }
    Ok(())
}

/// Invariant 2: Every outbound message reaches the simulator at most once: no two transcript rows
/// share a MessageSid, and every message the simulator created through its API belongs to a
/// transcript row (a second create for the same row would leave one behind).
pub fn outbound_at_most_once(sim: &[SimRow], rows: &[Row]) -> Result<(), Violation> {
    let mut owner: HashMap<&MessageSid, &Row> = HashMap::new();
    for r in rows.iter().filter(|r| r.direction == Direction::Outbound) {
        if r.attempts > MAX_SEND_ATTEMPTS {
            return broken(
                Invariant::OutboundAtMostOnce,
                Some(&r.interaction),
                format!(
                    "{} #{} was handed to the provider {} times, more than the retry policy's {MAX_SEND_ATTEMPTS}",
                    r.interaction, r.seq, r.attempts
                ),
            );
        }
        if let Some(sid) = &r.sid {
            if let Some(first) = owner.insert(sid, r) {
                return broken(
                    Invariant::OutboundAtMostOnce,
                    Some(&r.interaction),
                    format!(
                        "{sid} is the send of both {} #{} and {} #{}",
                        first.interaction, first.seq, r.interaction, r.seq
                    ),
                );
            }
        }
    }
    for m in sim
        .iter()
        .filter(|m| m.direction == SimDirection::OutboundApi)
    {
        if !owner.contains_key(&m.sid) {
            return broken(
                Invariant::OutboundAtMostOnce,
                None,
                format!(
                    "the simulator holds the outbound {} that no transcript row sent (a duplicate send?)",
                    m.sid
                ),
            );
        }
    }
    Ok(())
}

/// Invariant 2, at the end of a run (after the retry policy and status reconciliation had time
/// to act): every outbound message ended in a final status.
pub fn settled(rows: &[Row]) -> Result<(), Violation> {
    for r in rows.iter().filter(|r| r.direction == Direction::Outbound) {
        if !r.status.is_final() {
            return broken(
                Invariant::OutboundAtMostOnce,
                Some(&r.interaction),
                format!(
                    "{} #{} is still {} after {} attempts at the end of the run",
                    r.interaction,
                    r.seq,
                    r.status.as_str(),
                    r.attempts
                ),
            );
        }
    }
    Ok(())
}

/// Invariant 3: No delivery status moves backwards: remembers each outbound message's status across
/// checks.
#[derive(Debug, Default)]
pub struct StatusTracker {
    last: HashMap<(InteractionNumber, i64), DeliveryStatus>,
}

impl StatusTracker {
    /// Compares every outbound row's status with the one seen at the last check, then remembers
    /// it.
    pub fn check(&mut self, rows: &[Row]) -> Result<(), Violation> {
        for r in rows.iter().filter(|r| r.direction == Direction::Outbound) {
            let key = (r.interaction.clone(), r.seq);
            if let Some(before) = self.last.get(&key) {
                if let (Some(a), Some(b)) = (before.rank(), r.status.rank()) {
                    let final_changed =
                        before.is_final() && r.status.is_final() && *before != r.status;
                    if b < a || final_changed {
                        return broken(
                            Invariant::StatusForward,
                            Some(&r.interaction),
                            format!(
                                "{} #{} ({}) went from {} back to {}",
                                r.interaction,
                                r.seq,
                                r.sid.as_ref().map_or("no sid", |s| s.as_str()),
                                before.as_str(),
                                r.status.as_str()
                            ),
                        );
                    }
                }
            }
            self.last.insert(key, r.status);
        }
        Ok(())
    }
}

/// Invariant 4: At most one active SMS interaction per (requester number, provider number) pair.
pub fn one_active_per_pair(active: &[ActiveSms]) -> Result<(), Violation> {
    let mut pairs: BTreeMap<(&str, &str), &InteractionNumber> = BTreeMap::new();
    for a in active {
        if let Some(first) = pairs.insert((&a.requester, &a.provider), &a.interaction) {
            return broken(
                Invariant::OneActivePerPair,
                Some(&a.interaction),
                format!(
                    "{first} and {} are both active between {} and {}",
                    a.interaction, a.requester, a.provider
                ),
            );
        }
    }
    Ok(())
}

/// Invariant 5: No agent holds more SMS work (active Offered or Accepted items) than their
/// capacity.
pub fn capacity(loads: &[AgentLoad]) -> Result<(), Violation> {
    for l in loads {
        if l.held.len() > l.capacity as usize {
            let held: Vec<String> = l.held.iter().map(ToString::to_string).collect();
            return broken(
                Invariant::Capacity,
                l.held.last(),
                format!(
                    "{} holds {} SMS work items ({}) with a capacity of {}",
                    l.agent,
                    l.held.len(),
                    held.join(", "),
                    l.capacity
                ),
            );
        }
    }
    Ok(())
}

/// Invariant 9: Every sent SMS (no media) takes as many segments in the transcript (its body,
/// counted as Twilio does) as the simulator says.
pub fn segments(sim: &[SimRow], rows: &[Row]) -> Result<(), Violation> {
    let by_sid: HashMap<&MessageSid, &SimRow> = sim.iter().map(|m| (&m.sid, m)).collect();
    for r in rows
        .iter()
        .filter(|r| r.direction == Direction::Outbound && !r.media)
    {
        let Some(sid) = &r.sid else { continue };
        let Some(m) = by_sid.get(sid) else { continue };
        let ours = twilio_wire::segments::num_segments(&r.body);
        if ours != m.segments {
            return broken(
                Invariant::Segments,
                Some(&r.interaction),
                format!(
                    "{} #{} ({sid}) takes {ours} segments in the transcript, {} in the simulator",
                    r.interaction, r.seq, m.segments
                ),
            );
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ims(n: u32) -> InteractionNumber {
        format!("IMS{n:07}").parse().unwrap()
    }

    fn row(i: u32, seq: i64, direction: Direction, sid: Option<u64>) -> Row {
        Row {
            interaction: ims(i),
            seq,
            direction,
            body: "Hello".to_owned(),
            media: false,
            sid: sid.map(MessageSid::sms),
            status: if direction == Direction::Inbound {
                DeliveryStatus::Received
            } else {
                DeliveryStatus::Queued
            },
            attempts: i64::from(direction == Direction::Outbound),
        }
    }

    fn sim(sid: u64, direction: SimDirection, segments: usize) -> SimRow {
        SimRow {
            sid: MessageSid::sms(sid),
            direction,
            segments,
        }
    }

    #[test]
    fn an_inbound_in_no_transcript_or_in_two_is_caught() {
        let acked = [MessageSid::sms(1), MessageSid::sms(2)];
        let good = [
            row(1, 1, Direction::Inbound, Some(1)),
            row(1, 2, Direction::Outbound, Some(3)),
            row(2, 1, Direction::Inbound, Some(2)),
        ];
        assert_eq!(inbound_once(&acked, &good), Ok(()));
        let lost = inbound_once(&acked, &good[..2]).unwrap_err();
        assert_eq!(lost.invariant, Invariant::InboundOnce);
        assert!(lost.detail.contains("in no transcript"), "{lost}");
        let mut twice = good.to_vec();
        twice.push(row(3, 1, Direction::Inbound, Some(2)));
        let v = inbound_once(&acked, &twice).unwrap_err();
        assert_eq!(v.interaction, Some(ims(2)));
        assert!(v.detail.contains("2 times"), "{v}");
    }

    #[test]
    fn a_second_send_of_one_row_is_caught() {
        let rows = [
            row(1, 1, Direction::Inbound, Some(1)),
            row(1, 2, Direction::Outbound, Some(2)),
        ];
        let sims = [
            sim(1, SimDirection::Inbound, 1),
            sim(2, SimDirection::OutboundApi, 1),
            sim(4, SimDirection::OutboundReply, 1),
        ];
        assert_eq!(outbound_at_most_once(&sims, &rows), Ok(()));
        // The engine sent row #2 again: the simulator holds SM…3 that no row owns.
        let mut again = sims.to_vec();
        again.push(sim(3, SimDirection::OutboundApi, 1));
        let v = outbound_at_most_once(&again, &rows).unwrap_err();
        assert_eq!(v.invariant, Invariant::OutboundAtMostOnce);
        // Two rows claiming one send.
        let mut shared = rows.to_vec();
        shared.push(row(2, 1, Direction::Outbound, Some(2)));
        let v = outbound_at_most_once(&sims, &shared).unwrap_err();
        assert_eq!(v.interaction, Some(ims(2)));
        // More attempts than the retry policy allows.
        let mut tried = rows.to_vec();
        tried[1].attempts = MAX_SEND_ATTEMPTS + 1;
        let v = outbound_at_most_once(&sims, &tried).unwrap_err();
        assert!(v.detail.contains("retry policy"), "{v}");
    }

    #[test]
    fn a_send_not_final_at_the_end_is_caught() {
        let mut r = row(1, 2, Direction::Outbound, Some(2));
        for (status, ok) in [
            (DeliveryStatus::Delivered, true),
            (DeliveryStatus::Failed, true),
            (DeliveryStatus::Sent, false),
            (DeliveryStatus::Retrying, false),
        ] {
            r.status = status;
            assert_eq!(settled(std::slice::from_ref(&r)).is_ok(), ok, "{status:?}");
        }
        // Inbound rows are not sends.
        assert_eq!(settled(&[row(1, 1, Direction::Inbound, Some(1))]), Ok(()));
    }

    #[test]
    fn a_status_moving_back_is_caught_across_checks() {
        let mut t = StatusTracker::default();
        let mut r = row(1, 2, Direction::Outbound, Some(2));
        r.status = DeliveryStatus::Sent;
        assert_eq!(t.check(std::slice::from_ref(&r)), Ok(()));
        r.status = DeliveryStatus::Delivered;
        assert_eq!(t.check(std::slice::from_ref(&r)), Ok(()));
        r.status = DeliveryStatus::Sending;
        let v = t.check(std::slice::from_ref(&r)).unwrap_err();
        assert_eq!(v.invariant, Invariant::StatusForward);
        assert!(v.detail.contains("delivered back to sending"), "{v}");
        // One final status to another is a move back too.
        let mut t = StatusTracker::default();
        r.status = DeliveryStatus::Delivered;
        t.check(std::slice::from_ref(&r)).unwrap();
        r.status = DeliveryStatus::Undelivered;
        assert!(t.check(std::slice::from_ref(&r)).is_err());
    }

    #[test]
    fn two_active_interactions_for_one_pair_are_caught() {
        let a = |i, req: &str, prov: &str| ActiveSms {
            interaction: ims(i),
            requester: req.to_owned(),
            provider: prov.to_owned(),
        };
        let ok = [
            a(1, "+447400123456", "+14155550100"),
            a(2, "+447400123456", "+14155550101"),
            a(3, "+33612345678", "+14155550100"),
        ];
        assert_eq!(one_active_per_pair(&ok), Ok(()));
        let mut bad = ok.to_vec();
        bad.push(a(4, "+33612345678", "+14155550100"));
        let v = one_active_per_pair(&bad).unwrap_err();
        assert_eq!(
            (v.invariant, v.interaction.clone()),
            (Invariant::OneActivePerPair, Some(ims(4)))
        );
    }

    #[test]
    fn an_agent_over_capacity_is_caught() {
        let mut l = AgentLoad {
            agent: "alice".to_owned(),
            capacity: 2,
            held: vec![ims(1), ims(2)],
        };
        assert_eq!(capacity(std::slice::from_ref(&l)), Ok(()));
        l.held.push(ims(3));
        let v = capacity(&[l]).unwrap_err();
        assert_eq!(
            (v.invariant, v.interaction.clone()),
            (Invariant::Capacity, Some(ims(3)))
        );
        assert!(v.detail.contains("holds 3"), "{v}");
    }

    #[test]
    fn a_segment_count_the_simulator_disagrees_with_is_caught() {
        let mut r = row(1, 2, Direction::Outbound, Some(2));
        r.body = "é😀".repeat(40); // UCS-2: 120 code units, 2 segments of 67
        let two = [sim(2, SimDirection::OutboundApi, 2)];
        assert_eq!(segments(&two, std::slice::from_ref(&r)), Ok(()));
        let one = [sim(2, SimDirection::OutboundApi, 1)];
        let v = segments(&one, std::slice::from_ref(&r)).unwrap_err();
        assert_eq!(v.invariant, Invariant::Segments);
        // MMS rows are not counted in segments.
        r.media = true;
        assert_eq!(segments(&one, &[r]), Ok(()));
    }
}
