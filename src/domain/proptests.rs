//! Property tests of the invariants the domain modules state:
//!
//! 1. [`crate::domain::encoded_query`]: `Display` and [`EncodedQuery::parse`] round-trip,
//!    print∘parse is idempotent, and the parser refuses any other text without panicking, at a
//!    byte position inside it.
//! 2. [`crate::domain::delivery::DeliveryStatus::advances_to`]: a message's delivery status only
//!    moves forward.
//! 3. [`crate::domain::work_assignment`]: driven as `engine::work_assignment` drives it, no offer
//!    takes an agent over capacity, offers go oldest first, and a waiting item never waits while a
//!    member of its queue who has not rejected it is available with free capacity (a timed-out
//!    offer is not a decline; the agent who let it lapse comes after every other).
//!
//! At most 256 cases each; the whole file runs in well under 2 s.

use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use proptest::prelude::*;
use proptest::sample::subsequence;

use crate::domain::delivery::{DeliveryStatus, ALL_STATUSES};
use crate::domain::encoded_query::{Condition, EncodedQuery, Operator};
use crate::domain::work_assignment::{
    self as awa, Agent, Presence, Queue, Step, WorkItem, WorkItemState, DEFAULT_OFFER_TIMEOUT_SECS,
};

fn config() -> ProptestConfig {
    ProptestConfig::with_cases(256)
}

// ----- 1. encoded queries ---------------------------------------------------------------------

/// One condition as plain data: field, operator, values (as `Condition::values` gives them).
type Cond = (String, Operator, Vec<String>);
/// `^NQ` groups of `^` terms of `^OR` conditions, as `EncodedQuery::groups` gives them.
type Model = Vec<Vec<Vec<Cond>>>;

fn regex(pattern: &str) -> impl Strategy<Value = String> {
    proptest::string::string_regex(pattern).expect("a valid pattern")
}

/// Text that looks like the syntax, so values and strings hit the parser's edge cases.
const TOKENS: &str = "(=|!=|IN|NOT IN|NOT LIKE|ISEMPTY|OR|NQ|EQ|ORDERBY|LIKE|a|é| ){1,4}";

/// A value of `=`/`!=` (may be empty) or, with `min = 1`, of the text operators: no `^`.
fn value(min: usize) -> impl Strategy<Value = String> {
    prop_oneof![regex(&format!("[^^]{{{min},8}}")), regex(TOKENS)]
}

/// An `IN`/`NOT IN` item: non-empty, no `^`, no `,`.
fn item() -> impl Strategy<Value = String> {
    prop_oneof![regex("[^^,]{1,6}"), regex(TOKENS)]
}

fn condition() -> impl Strategy<Value = Cond> {
    let field = "[a-z0-9_.]{1,10}";
    let single = |op| value(1).prop_map(move |v| (op, vec![v]));
    let list = |op| prop::collection::vec(item(), 1..4).prop_map(move |v| (op, v));
    let operator_and_values = prop_oneof![
        value(0).prop_map(|v| (Operator::Eq, vec![v])),
        value(0).prop_map(|v| (Operator::Ne, vec![v])),
        list(Operator::In),
        list(Operator::NotIn),
        Just((Operator::IsEmpty, vec![])),
        Just((Operator::IsNotEmpty, vec![])),
        single(Operator::StartsWith),
        single(Operator::EndsWith),
        single(Operator::Like),
        single(Operator::NotLike),
    ];
    (field, operator_and_values).prop_map(|(f, (op, values))| (f, op, values))
}

fn model() -> impl Strategy<Value = Model> {
    let term = prop::collection::vec(condition(), 1..3);
    let group = prop::collection::vec(term, 1..4);
    prop::collection::vec(group, 1..3)
}

/// ServiceNow's syntax for `model`, written independently of `Display`.
fn text_of(model: &Model) -> String {
    let cond = |(f, op, values): &Cond| format!("{f}{}{}", op.as_str(), values.join(","));
    let term = |t: &Vec<Cond>| t.iter().map(cond).collect::<Vec<_>>().join("^OR");
    let group = |g: &Vec<Vec<Cond>>| g.iter().map(term).collect::<Vec<_>>().join("^");
    model.iter().map(group).collect::<Vec<_>>().join("^NQ")
}

fn model_of(query: &EncodedQuery) -> Model {
    let cond = |c: &Condition| (c.field().to_owned(), c.operator(), c.values().to_vec());
    query
        .groups()
        .iter()
        .map(|g| g.iter().map(|t| t.iter().map(cond).collect()).collect())
        .collect()
}

/// Near-syntax strings: many parse, many fail somewhere interesting.
fn near_query() -> impl Strategy<Value = String> {
    let token = prop::sample::select(vec![
        "a",
        "state",
        "x.y",
        "1",
        "=",
        "!=",
        "IN",
        "NOT IN",
        "NOT LIKE",
        "ISEMPTY",
        "ISNOTEMPTY",
        "STARTSWITH",
        "LIKE",
        "^",
        "^OR",
        "^NQ",
        "^EQ",
        ",",
        "ORDERBY",
        "GROUPBY",
        "EQ",
        "OR",
        "NQ",
        "é",
        " ",
        "Z",
    ]);
    prop::collection::vec(token, 0..12).prop_map(|t| t.concat())
}

proptest! {
    #![proptest_config(config())]

    /// `parse(print(q)) == q` for every well-formed query, and the printer writes ServiceNow's
    /// syntax (the text the query was built from).
    #[test]
    fn encoded_query_round_trips(model in model()) {
        let text = text_of(&model);
        let query = EncodedQuery::parse(&text).map_err(|e| TestCaseError::fail(format!("{text:?}: {e}")))?;
        prop_assert_eq!(&model_of(&query), &model);
        prop_assert_eq!(&query.to_string(), &text);
        prop_assert_eq!(EncodedQuery::parse(&query.to_string()), Ok(query));
    }

    /// Whatever the text: no panic; a query it parses to prints as text that parses to the same
    /// query and prints the same again; a refusal names a byte position inside the text.
    #[test]
    fn encoded_query_parse_is_total_and_print_parse_idempotent(
        text in prop_oneof![near_query(), ".{0,30}", model().prop_map(|m| text_of(&m) + "^EQ")]
    ) {
        match EncodedQuery::parse(&text) {
            Ok(query) => {
                let printed = query.to_string();
                let again = EncodedQuery::parse(&printed);
                prop_assert_eq!(again.as_ref(), Ok(&query), "{:?} printed as {:?}", text, printed);
                prop_assert_eq!(again.unwrap().to_string(), printed);
            }
            Err(e) => {
                prop_assert!(e.position <= text.len(), "{:?}: {}", text, e);
                prop_assert!(text.is_char_boundary(e.position), "{:?}: {}", text, e);
            }
        }
    }
}

// ----- 2. delivery statuses -------------------------------------------------------------------

/// The order the lifecycle documents (PROVIDER-3), restated here as the oracle; `received` and
/// `internal` are outside it (`None`: never move, never moved to).
fn rank(status: DeliveryStatus) -> Option<u8> {
    use DeliveryStatus::*;
    match status {
        Pending | Retrying => Some(0),
        Accepted | Scheduled => Some(1),
        Queued => Some(2),
        Sending => Some(3),
        Sent => Some(4),
        Delivered | Undelivered | Failed | Canceled => Some(5),
        Received | Internal => None,
    }
}

fn status() -> impl Strategy<Value = DeliveryStatus> {
    prop::sample::select(ALL_STATUSES.to_vec())
}

/// The engine's rule (`Engine::handle_status`): store the report if it advances.
fn apply(current: &mut DeliveryStatus, reported: DeliveryStatus) -> bool {
    let advances = current.advances_to(reported);
    if advances {
        *current = reported;
    }
    advances
}

proptest! {
    #![proptest_config(config())]

    /// In any order, with duplicates: the status never moves back, a duplicate changes nothing,
    /// and the final rank is the highest seen (so it does not depend on the order).
    #[test]
    fn delivery_status_only_moves_forward(
        initial in status(),
        reports in prop::collection::vec(status(), 0..16),
    ) {
        let mut current = initial;
        for &reported in &reports {
            let before = rank(current);
            let changed = apply(&mut current, reported);
            prop_assert!(rank(current) >= before, "{reported} moved it back from {before:?}");
            prop_assert!(!changed || rank(current) > before, "{reported} changed a same-rank status");
            prop_assert!(!apply(&mut current, reported), "a duplicate {reported} changed it");
        }
        let highest = rank(initial).map(|r0| reports.iter().filter_map(|&r| rank(r)).fold(r0, u8::max));
        prop_assert_eq!(rank(current), highest);
    }
}

// ----- 3. work assignment ---------------------------------------------------------------------

const AGENTS: [&str; 4] = ["a0", "a1", "a2", "a3"];
const QUEUES: [&str; 2] = ["q0", "q1"];

/// One thing that happens, applied as the engine applies it (`engine/work_assignment.rs`).
#[derive(Clone, Debug)]
enum Event {
    /// A conversation is handed to live agents 1 s after the last event (`awa_route`).
    Arrive { queue: usize },
    /// Time passes, then `Engine::tick` runs a pass.
    Advance { secs: i64 },
    /// An agent accepts the `pick`-th item of their inbox (`accept_work_item`).
    Accept { agent: usize, pick: usize },
    /// An agent rejects the `pick`-th item of their inbox (`reject_work_item`).
    Reject { agent: usize, pick: usize },
    /// The `pick`-th active conversation closes (`awa_closed`: complete or cancel, then a pass).
    Close { pick: usize },
    /// The `pick`-th accepted conversation is reassigned (Reassign: routed again without its agent).
    Reassign { pick: usize },
    /// `set_sms_presence`.
    Presence { agent: usize, presence: Presence },
    /// `set_sms_capacity`.
    Capacity { agent: usize, capacity: u32 },
}

fn presence() -> impl Strategy<Value = Presence> {
    prop::sample::select(vec![
        Presence::Available,
        Presence::Available,
        Presence::Away,
        Presence::Offline,
    ])
}

fn event() -> impl Strategy<Value = Event> {
    let agent = 0..AGENTS.len();
    prop_oneof![
        4 => (0..QUEUES.len()).prop_map(|queue| Event::Arrive { queue }),
        2 => (0..90i64).prop_map(|secs| Event::Advance { secs }),
        4 => (agent.clone(), 0..3usize).prop_map(|(agent, pick)| Event::Accept { agent, pick }),
        1 => (agent.clone(), 0..3usize).prop_map(|(agent, pick)| Event::Reject { agent, pick }),
        2 => (0..8usize).prop_map(|pick| Event::Close { pick }),
        1 => (0..8usize).prop_map(|pick| Event::Reassign { pick }),
        1 => (agent.clone(), presence()).prop_map(|(agent, presence)| Event::Presence { agent, presence }),
        1 => (agent, 0..4u32).prop_map(|(agent, capacity)| Event::Capacity { agent, capacity }),
    ]
}

/// Queues and agents, in the shape the store loads them.
fn setup() -> impl Strategy<Value = (Vec<Queue>, Vec<Agent>)> {
    let members = || subsequence(AGENTS.to_vec(), 1..=AGENTS.len()).prop_shuffle();
    let queues = (members(), members()).prop_map(|(m0, m1)| {
        [m0, m1]
            .into_iter()
            .enumerate()
            .map(|(n, members)| Queue {
                sys_id: QUEUES[n].to_owned(),
                name: QUEUES[n].to_uppercase(),
                order: n as i32,
                condition: None,
                agents: members.into_iter().map(str::to_owned).collect(),
            })
            .collect()
    });
    let agents = prop::collection::vec((presence(), 0..4u32), AGENTS.len()).prop_map(|a| {
        a.into_iter()
            .zip(AGENTS)
            .map(|((presence, sms_capacity), id)| Agent {
                sys_id: id.to_owned(),
                presence,
                sms_capacity,
            })
            .collect()
    });
    (queues, agents)
}

/// The rows the engine holds between events: queues, agents, active work items, the clock.
struct World {
    queues: Vec<Queue>,
    agents: Vec<Agent>,
    items: Vec<WorkItem>,
    now: DateTime<Utc>,
    created: usize,
    /// The oracle's own record of who turned each item down: agents who rejected it or had it
    /// taken from them by a Reassign (timeouts are not in it), by item sys_id.
    turned_down: std::collections::HashMap<String, Vec<String>>,
}

/// An item's place in line.
fn key(item: &WorkItem) -> (DateTime<Utc>, &str) {
    (item.created_at, item.sys_id.as_str())
}

impl World {
    fn queue(&self, id: &str) -> &Queue {
        self.queues
            .iter()
            .find(|q| q.sys_id == id)
            .expect("known queue")
    }

    fn agent(&self, id: &str) -> &Agent {
        self.agents
            .iter()
            .find(|a| a.sys_id == id)
            .expect("known agent")
    }

    fn new_item(&mut self, queue: &str, declined_by: Vec<String>) {
        self.created += 1;
        let id = format!("w{:03}", self.created);
        let mut item = WorkItem::new(&id, &format!("i{id}"), queue, self.now);
        item.declined_by = declined_by.clone();
        self.turned_down.insert(id, declined_by);
        self.items.push(item);
    }

    /// `Engine::awa_pass`: [`awa::step`] at now, then the routing checks.
    fn pass(&mut self) -> Result<Step, TestCaseError> {
        // What `Engine::awa_pass` asks before it reads the waiting items: the same answer as
        // expiring a copy of the items and asking `any_free_slot`.
        let mut expired = self.items.clone();
        awa::expire(&mut expired, self.now);
        prop_assert_eq!(
            awa::any_free_slot_at(&self.agents, &self.items, self.now),
            awa::any_free_slot(&self.agents, &expired)
        );
        let before = self.items.clone();
        let step = awa::step(
            &self.queues,
            &self.agents,
            &mut self.items,
            self.now,
            DEFAULT_OFFER_TIMEOUT_SECS,
        );
        // The items the engine writes back are exactly the ones the pass changed.
        let differ: Vec<usize> = (0..before.len())
            .filter(|&i| before[i] != self.items[i])
            .collect();
        prop_assert_eq!(&step.changed, &differ);
        self.check_pass(&step)?;
        // What lets `Engine::awa_pass` skip a pass when nothing it reads changed: the items a
        // pass leaves are a fixed point of `step` until the earliest offer it left expires.
        let due = self
            .items
            .iter()
            .filter(|i| i.active && i.state == WorkItemState::Offered)
            .filter_map(|i| i.offer_expires_at)
            .min()
            .unwrap_or(self.now + TimeDelta::days(1));
        let later = (due - TimeDelta::seconds(1)).max(self.now);
        let mut again = self.items.clone();
        let second = awa::step(
            &self.queues,
            &self.agents,
            &mut again,
            later,
            DEFAULT_OFFER_TIMEOUT_SECS,
        );
        prop_assert_eq!(
            second,
            Step::default(),
            "a second pass at {} did something",
            later
        );
        prop_assert_eq!(&again, &self.items);
        Ok(step)
    }

    fn apply(&mut self, event: &Event) -> Result<(), TestCaseError> {
        match *event {
            Event::Arrive { queue } => {
                self.now += TimeDelta::seconds(1);
                self.new_item(QUEUES[queue], Vec::new());
                self.pass()?;
            }
            Event::Advance { secs } => {
                self.now += TimeDelta::seconds(secs);
                self.pass()?;
            }
            Event::Accept { agent, pick } | Event::Reject { agent, pick } => {
                self.pass()?;
                let agent = AGENTS[agent];
                let inbox: Vec<String> = awa::inbox(agent, &self.items, self.now)
                    .iter()
                    .map(|i| i.sys_id.clone())
                    .collect();
                let Some(id) = inbox.get(pick % inbox.len().max(1)) else {
                    return Ok(());
                };
                let now = self.now;
                let item = self
                    .items
                    .iter_mut()
                    .find(|i| &i.sys_id == id)
                    .expect("in inbox");
                if matches!(event, Event::Accept { .. }) {
                    prop_assert_eq!(awa::accept(item, agent, now), Ok(()));
                } else {
                    prop_assert_eq!(awa::reject(item, agent), Ok(()));
                    let down = self.turned_down.entry(id.clone()).or_default();
                    if !down.iter().any(|d| d == agent) {
                        down.push(agent.to_owned());
                    }
                    self.pass()?;
                }
            }
            Event::Close { pick } => {
                if !self.items.is_empty() {
                    let n = pick % self.items.len();
                    let item = &mut self.items[n];
                    if item.state == WorkItemState::Accepted {
                        prop_assert_eq!(awa::complete(item), Ok(()));
                    } else {
                        prop_assert_eq!(awa::cancel(item), Ok(()));
                    }
                }
                self.pass()?;
            }
            Event::Reassign { pick } => {
                let accepted: Vec<usize> = (0..self.items.len())
                    .filter(|&n| self.items[n].state == WorkItemState::Accepted)
                    .collect();
                if let Some(&n) = accepted.get(pick % accepted.len().max(1)) {
                    let item = &mut self.items[n];
                    let (queue, agent) = (item.queue.clone(), item.agent.clone());
                    prop_assert_eq!(awa::complete(item), Ok(()));
                    self.new_item(&queue, agent.into_iter().collect());
                }
                self.pass()?;
            }
            Event::Presence { agent, presence } => {
                awa::set_presence(&mut self.agents[agent], presence, &mut self.items);
                self.pass()?;
            }
            Event::Capacity { agent, capacity } => {
                awa::set_capacity(&mut self.agents[agent], capacity, &mut self.items);
                self.pass()?;
            }
        }
        // The engine loads only active items.
        self.items.retain(|i| i.active);
        Ok(())
    }

    /// After a pass: each offer went to an available agent who had not declined it, within their
    /// capacity, and to one who had let it time out only when no other could take it; no older
    /// item waits for the agent a younger one went to; and no waiting item is left with an agent
    /// who could take it now, timed-out offers included.
    fn check_pass(&self, step: &Step) -> Result<(), TestCaseError> {
        let turned_down =
            |w: &WorkItem| self.turned_down.get(&w.sys_id).cloned().unwrap_or_default();
        let could_take = |w: &WorkItem, agent: &str| {
            self.queue(&w.queue).agents.iter().any(|m| m == agent)
                && !turned_down(w).iter().any(|d| d == agent)
        };
        for w in &self.items {
            prop_assert_eq!(&w.declined_by, &turned_down(w), "{} declined by", &w.sys_id);
        }
        let waiting: Vec<&WorkItem> = self
            .items
            .iter()
            .filter(|i| i.active && i.state.is_waiting())
            .collect();
        for offer in &step.offers {
            let agent = self.agent(&offer.agent);
            let item = self
                .items
                .iter()
                .find(|i| i.sys_id == offer.item)
                .expect("offered item");
            prop_assert_eq!(agent.presence, Presence::Available);
            prop_assert!(
                could_take(item, &agent.sys_id),
                "{} offered to {}",
                item.sys_id,
                agent.sys_id
            );
            let load = awa::load(&agent.sys_id, &self.items);
            prop_assert!(
                load <= agent.sms_capacity,
                "offer took {} to {load}/{}",
                agent.sys_id,
                agent.sms_capacity
            );
            if item.timed_out_by.contains(&agent.sys_id) {
                for other in &self.agents {
                    let free = other.presence == Presence::Available
                        && awa::free_capacity(other, &self.items) > 0;
                    prop_assert!(
                        !(free
                            && could_take(item, &other.sys_id)
                            && !item.timed_out_by.contains(&other.sys_id)),
                        "{} went back to {}, who let it time out, while {} is free",
                        item.sys_id,
                        agent.sys_id,
                        other.sys_id
                    );
                }
            }
            for w in waiting.iter().filter(|w| key(w) < key(item)) {
                prop_assert!(
                    !could_take(w, &agent.sys_id),
                    "{} went to {} while older {} waits for them",
                    item.sys_id,
                    agent.sys_id,
                    w.sys_id
                );
            }
        }
        for w in &waiting {
            for agent in &self.agents {
                let free = agent.presence == Presence::Available
                    && awa::free_capacity(agent, &self.items) > 0;
                prop_assert!(
                    !(free && could_take(w, &agent.sys_id)),
                    "{} waits while {} is free",
                    w.sys_id,
                    agent.sys_id
                );
            }
        }
        Ok(())
    }
}

proptest! {
    #![proptest_config(config())]

    /// After every event: no agent's load (active offered + accepted items) rose above their
    /// capacity (a lowered capacity withdraws offers but revokes no accepted work, so an older
    /// excess of accepted items may remain), agents who
    /// are not available hold no offers, and every pass routed oldest first ([`World::check_pass`]).
    #[test]
    fn work_assignment_respects_capacity_and_age(
        (queues, agents) in setup(),
        events in prop::collection::vec(event(), 1..60),
    ) {
        let mut world = World {
            queues,
            agents,
            items: Vec::new(),
            now: Utc.with_ymd_and_hms(2026, 3, 12, 9, 0, 0).unwrap(),
            created: 0,
            turned_down: Default::default(),
        };
        for event in &events {
            let before: Vec<u32> = AGENTS.iter().map(|a| awa::load(a, &world.items)).collect();
            world.apply(event)?;
            for (agent, before) in world.agents.iter().zip(before) {
                let load = awa::load(&agent.sys_id, &world.items);
                prop_assert!(
                    load <= agent.sms_capacity || load <= before,
                    "after {event:?}: {} holds {load} of {}", agent.sys_id, agent.sms_capacity
                );
                if agent.presence != Presence::Available {
                    prop_assert!(
                        !world.items.iter().any(|i| i.holds_slot_of(&agent.sys_id) && i.state == WorkItemState::Offered),
                        "after {event:?}: {} is {:?} with an offer", agent.sys_id, agent.presence
                    );
                }
            }
        }
    }
}
