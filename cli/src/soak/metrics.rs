//! What a soak measures as it runs, all in virtual time: messages per virtual hour, time to first
//! response and queue wait (as `hdrhistogram` histograms, 3 significant figures), agent
//! utilisation, and at the end the delivery status mix and the faults injected against those
//! recovered.
//!
//! Memory is bounded whatever the run's length: per-hour buckets (one per virtual hour), two
//! fixed-size histograms, one counter pair per agent; nothing per message or per conversation.
//! The [`Summary`] goes into the report and its JSON, and merges ([`Summary::merge`]) when the
//! shards of a `--partition`ed soak are combined, histograms included (their buckets are in the
//! JSON).

use std::collections::{BTreeMap, HashMap, HashSet};

use anyhow::Context as _;
use chrono::{DateTime, TimeDelta, Utc};
use convsms::domain::delivery::{DeliveryStatus, Direction};
use convsms::domain::model::InteractionNumber;
use convsms::domain::work_assignment::WorkItemState;
use convsms::store::{SqliteStore, StoreError};
use convsms_sim::FaultTally;
use hdrhistogram::Histogram;
use serde::{Deserialize, Serialize};

use super::invariants::AgentLoad;

/// Significant figures the duration histograms keep (0.1 % relative error).
const SIGNIFICANT_FIGURES: u8 = 3;
/// The longest duration the histograms hold, in seconds (a year); longer ones count as this.
const MAX_SECONDS: u64 = 366 * 86_400;

/// Every how many events a soak samples the agents' load for the utilisation figure (besides
/// once before the first event, once after the last and once after each closing wait), whatever
/// `--check-every` says: the same traffic gives the same figure.
pub const LOAD_SAMPLE_EVERY: u64 = 100;

/// One virtual hour of a soak, counted from its start.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hour {
    /// Inbound messages the engine acknowledged in that hour.
    pub inbound: u64,
    /// Outbound messages the simulator created in that hour.
    pub outbound: u64,
    /// Agents' held SMS slots integrated over the hour (slot-seconds, sampled before the first
    /// event, every [`LOAD_SAMPLE_EVERY`] events and as the run settles).
    pub busy_slot_seconds: u64,
    /// Agents' SMS capacity integrated over the hour (slot-seconds).
    pub capacity_slot_seconds: u64,
}

/// One agent's share of work over the soak.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgentShare {
    /// Slots held (offered or accepted work, at most their capacity) integrated over virtual time
    /// (slot-seconds).
    pub busy_slot_seconds: u64,
    /// Their SMS capacity integrated over virtual time (slot-seconds).
    pub capacity_slot_seconds: u64,
}

impl AgentShare {
    /// Busy slots over capacity, in `[0, 1]` (0 without capacity).
    pub fn utilisation(&self) -> f64 {
        ratio(self.busy_slot_seconds, self.capacity_slot_seconds)
    }
}

/// A distribution of durations in whole virtual seconds: its percentiles and the histogram's
/// buckets they come from (so two distributions merge exactly as their histograms would).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Durations {
    /// How many durations.
    pub count: u64,
    /// Median (seconds; 0 when empty).
    pub p50: u64,
    /// 90th percentile (seconds).
    pub p90: u64,
    /// 99th percentile (seconds).
    pub p99: u64,
    /// The longest (seconds).
    pub max: u64,
    /// The histogram's non-empty buckets, `[value, count]` by value: `value` is the highest
    /// second the bucket stands for.
    pub buckets: Vec<[u64; 2]>,
}

impl Durations {
    /// The distribution of `durations` (negative ones count as 0 s).
    pub fn of(durations: impl IntoIterator<Item = TimeDelta>) -> Durations {
        let mut h = new_histogram();
        for d in durations {
            record(&mut h, d);
        }
        Durations::from_histogram(&h)
    }

    fn from_histogram(h: &Histogram<u64>) -> Durations {
        if h.is_empty() {
            return Durations::default();
        }
        Durations {
            count: h.len(),
            p50: h.value_at_quantile(0.50),
            p90: h.value_at_quantile(0.90),
            p99: h.value_at_quantile(0.99),
            max: h.max(),
            buckets: h
                .iter_recorded()
                .map(|v| [v.value_iterated_to(), v.count_at_value()])
                .collect(),
        }
    }

    fn histogram(&self) -> Histogram<u64> {
        let mut h = new_histogram();
        for [value, count] in &self.buckets {
            h.saturating_record_n(*value, *count);
        }
        h
    }

    /// Both distributions as one, percentiles recomputed from the merged buckets.
    pub fn merge(&self, other: &Durations) -> Durations {
        let mut h = self.histogram();
        // Same bounds and precision on both sides: adding cannot fail.
        let _ = h.add(other.histogram());
        Durations::from_histogram(&h)
    }
}

/// What happened to the faults the simulator injected.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FaultsSummary {
    /// Faults that struck, by kind (the simulator's [`FaultTally`], as `api_rate_limit`,
    /// `callback_drop`, ...).
    pub injected: BTreeMap<String, u64>,
    /// Outbound messages the engine handed to Twilio more than once (after a 429 or 500).
    pub retried_sends: u64,
    /// Of those, the ones that ended `delivered`: recovered from create-API faults.
    pub retried_sends_delivered: u64,
    /// Webhooks Twilio re-delivered and the engine acknowledged.
    pub redelivered: u64,
    /// Of those, the ones a check that found no violation (so invariant 1 held for them) saw
    /// in one transcript row, once: counted when checked, so a run stopped by a violation of
    /// any invariant counts those checked before it.
    pub redeliveries_deduplicated: u64,
}

impl FaultsSummary {
    /// Creates whose answer was lost after the message was created: answered 500, or never
    /// answered (the connection closed).
    pub fn lost_answers(&self) -> u64 {
        self.count("api_server_error_after_create") + self.count("api_reset_after_create")
    }

    /// Status-callback faults (dropped, duplicated, reordered, delayed) injected.
    pub fn callback_faults(&self) -> u64 {
        self.injected
            .iter()
            .filter(|(k, _)| k.starts_with("callback_"))
            .map(|(_, n)| n)
            .sum()
    }

    fn count(&self, kind: &str) -> u64 {
        self.injected.get(kind).copied().unwrap_or(0)
    }
}

/// The soak's figures, as the report, its JSON and its HTML page show them.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    /// Per virtual hour from the start.
    pub hours: Vec<Hour>,
    /// Time to first response per conversation: from the requester's first message to the
    /// first live agent's reply (conversations never answered are not in it).
    pub first_response: Durations,
    /// Queue wait per accepted offer: from the work item entering the queue to the agent
    /// accepting it.
    pub queue_wait: Durations,
    /// Conversations still waiting for an agent when the run ended (their work item queued,
    /// offered or put back, never accepted): how long each had waited. A queue that grows
    /// faster than agents take from it (too few agents for the traffic, `--virtual-agent
    /// off`) shows here, where invariant 6 does not break: it asks only that no agent with a
    /// free slot stays idle.
    #[serde(default)]
    pub still_waiting: Durations,
    /// Utilisation per agent (user_name).
    pub agents: BTreeMap<String, AgentShare>,
    /// Outbound transcript messages by delivery status at the end.
    pub delivery: BTreeMap<String, u64>,
    /// Of those, the `failed` and `undelivered` ones by status and error code (`failed 21610`,
    /// `undelivered 30003`; `failed none` without a code): why sends did not arrive.
    #[serde(default)]
    pub failures: BTreeMap<String, u64>,
    /// Faults injected and recovered.
    pub faults: FaultsSummary,
}

impl Summary {
    /// Every agent's busy slots over their capacity, in `[0, 1]`.
    pub fn utilisation(&self) -> f64 {
        let (busy, capacity) = self.agents.values().fold((0, 0), |(b, c), a| {
            (b + a.busy_slot_seconds, c + a.capacity_slot_seconds)
        });
        ratio(busy, capacity)
    }

    /// Two shards' figures as one run's: counts added hour by hour and agent by agent,
    /// histograms merged.
    pub fn merge(&self, other: &Summary) -> Summary {
        let mut hours = self.hours.clone();
        if hours.len() < other.hours.len() {
            hours.resize(other.hours.len(), Hour::default());
        }
        for (h, o) in hours.iter_mut().zip(&other.hours) {
            h.inbound += o.inbound;
            h.outbound += o.outbound;
            h.busy_slot_seconds += o.busy_slot_seconds;
            h.capacity_slot_seconds += o.capacity_slot_seconds;
        }
        let mut agents = self.agents.clone();
        for (name, o) in &other.agents {
            let a = agents.entry(name.clone()).or_default();
            a.busy_slot_seconds += o.busy_slot_seconds;
            a.capacity_slot_seconds += o.capacity_slot_seconds;
        }
        let f = &self.faults;
        let o = &other.faults;
        Summary {
            hours,
            first_response: self.first_response.merge(&other.first_response),
            queue_wait: self.queue_wait.merge(&other.queue_wait),
            still_waiting: self.still_waiting.merge(&other.still_waiting),
            agents,
            delivery: add_maps(&self.delivery, &other.delivery),
            failures: add_maps(&self.failures, &other.failures),
            faults: FaultsSummary {
                injected: add_maps(&f.injected, &o.injected),
                retried_sends: f.retried_sends + o.retried_sends,
                retried_sends_delivered: f.retried_sends_delivered + o.retried_sends_delivered,
                redelivered: f.redelivered + o.redelivered,
                redeliveries_deduplicated: f.redeliveries_deduplicated
                    + o.redeliveries_deduplicated,
            },
        }
    }

    /// The summary table's lines about these figures: (label, value).
    pub fn table_rows(&self) -> Vec<(String, String)> {
        let durations = |d: &Durations, (one, many): (&str, &str)| match d.count {
            0 => format!("none measured (0 {many})"),
            1 => format!("{} s (1 {one})", d.max),
            n => format!(
                "p50 {} s, p90 {} s, p99 {} s, max {} s ({n} {many})",
                d.p50, d.p90, d.p99, d.max
            ),
        };
        let listed = |m: &BTreeMap<String, u64>| {
            let parts: Vec<String> = m
                .iter()
                .filter(|(_, n)| **n > 0)
                .map(|(k, n)| format!("{k} {n}"))
                .collect();
            if parts.is_empty() {
                "none".to_owned()
            } else {
                parts.join(", ")
            }
        };
        let busiest = self
            .agents
            .iter()
            .max_by(|a, b| a.1.utilisation().total_cmp(&b.1.utilisation()));
        let f = &self.faults;
        vec![
            (
                "time to first response".into(),
                durations(&self.first_response, ("conversation", "conversations")),
            ),
            (
                "queue wait".into(),
                durations(&self.queue_wait, ("accepted offer", "accepted offers")),
            ),
            (
                "still waiting at the end".into(),
                durations(&self.still_waiting, ("conversation", "conversations")),
            ),
            (
                "agent utilisation".into(),
                if self.agents.values().all(|a| a.busy_slot_seconds == 0) {
                    format!(
                        "0.0 % of SMS capacity (no slot held at the samples, one every \
                         {LOAD_SAMPLE_EVERY} events)"
                    )
                } else {
                    format!(
                        "{:.1} % of SMS capacity{}",
                        100.0 * self.utilisation(),
                        busiest.map_or(String::new(), |(name, a)| format!(
                            " (busiest {name} {:.1} %)",
                            100.0 * a.utilisation()
                        ))
                    )
                },
            ),
            (
                "outbound transcript rows at the end".into(),
                listed(&self.delivery),
            ),
            (
                "failed and undelivered by error".into(),
                if self.failures.is_empty() {
                    "none".to_owned()
                } else {
                    listed(&self.failures)
                },
            ),
            ("faults injected".into(), listed(&f.injected)),
            (
                "faults recovered".into(),
                format!(
                    "{} of {} retried sends delivered, {} of {} re-delivered webhooks deduplicated{}",
                    f.retried_sends_delivered,
                    f.retried_sends,
                    f.redeliveries_deduplicated,
                    f.redelivered,
                    match f.lost_answers() {
                        0 => String::new(),
                        n => format!(
                            ", {} lost after the create ({} answered 500, {} never answered) \
                             found in Twilio's list, not sent again (invariant 2){}",
                            super::report::plural(n, "answer", "answers"),
                            f.count("api_server_error_after_create"),
                            f.count("api_reset_after_create"),
                            match f.count("list_server_error") + f.count("list_rate_limit") {
                                0 => String::new(),
                                k => format!(
                                    "; {k} looks in the list failed, and their sends waited \
                                     for the next look rather than go again blind"
                                ),
                            }
                        ),
                    }
                ),
            ),
        ]
    }
}

/// One agent at a sample: sys_id, held slots (at most the capacity), capacity.
type Slots = (String, u64, u64);

/// The collector a soak feeds as it runs (see the module docs).
#[derive(Clone, Debug)]
pub struct Metrics {
    start: DateTime<Utc>,
    hours: Vec<Hour>,
    first_response: Histogram<u64>,
    queue_wait: Histogram<u64>,
    inbound_seen: u64,
    outbound_seen: u64,
    /// The last utilisation sample: when, and per agent (sys_id) held slots and capacity.
    sample: Option<(DateTime<Utc>, Vec<Slots>)>,
    agents: BTreeMap<String, AgentShare>,
    /// Agents' user_names by sys_id (one entry per agent).
    names: HashMap<String, String>,
    /// Active SMS conversations at the last invariant check.
    pub active: usize,
    /// Conversations whose first live-agent reply is measured already: their later replies
    /// need no read. Bounded (emptied when full, [`ANSWERED_REMEMBERED`]): a conversation it
    /// forgot is read again, and its transcript says it was answered before.
    answered: HashSet<InteractionNumber>,
}

/// How many answered conversations [`Metrics`] remembers.
const ANSWERED_REMEMBERED: usize = 4_096;

impl Metrics {
    /// A collector for a soak starting at virtual time `start`.
    pub fn new(start: DateTime<Utc>) -> Metrics {
        Metrics {
            start,
            hours: vec![],
            first_response: new_histogram(),
            queue_wait: new_histogram(),
            inbound_seen: 0,
            outbound_seen: 0,
            sample: None,
            agents: BTreeMap::new(),
            names: HashMap::new(),
            active: 0,
            answered: HashSet::new(),
        }
    }

    fn hour(&mut self, at: DateTime<Utc>) -> &mut Hour {
        let i = usize::try_from((at - self.start).num_seconds().max(0) / 3_600).unwrap_or(0);
        if self.hours.len() <= i {
            self.hours.resize(i + 1, Hour::default());
        }
        &mut self.hours[i]
    }

    /// After each event (and at the end): `inbound` messages acknowledged and `outbound`
    /// messages created by the simulator so far, at virtual time `now`; what is new since the
    /// last call counts in `now`'s hour.
    pub fn on_event(&mut self, now: DateTime<Utc>, inbound: u64, outbound: u64) {
        let new_in = inbound.saturating_sub(self.inbound_seen);
        let new_out = outbound.saturating_sub(self.outbound_seen);
        if new_in + new_out > 0 {
            let h = self.hour(now);
            h.inbound += new_in;
            h.outbound += new_out;
        }
        self.inbound_seen = inbound;
        self.outbound_seen = outbound;
    }

    /// After an agent's reply in interaction `n` was sent: when it is the conversation's first
    /// live-agent message, records the time from the requester's first message to it.
    ///
    /// # Errors
    /// The store cannot be read.
    pub fn on_reply(&mut self, store: &SqliteStore, n: &InteractionNumber) -> anyhow::Result<()> {
        if self.answered.contains(n) {
            return Ok(());
        }
        if self.answered.len() >= ANSWERED_REMEMBERED {
            self.answered.clear();
        }
        self.answered.insert(n.clone());
        let found = store
            .read(|tx| tx.audit_first_response(n))
            .with_context(|| format!("reading the transcript of {n}"))?;
        if let Some(convsms::store::FirstResponse {
            requester: Some(first),
            agent,
        }) = found
        {
            record(&mut self.first_response, agent - first);
        }
        Ok(())
    }

    /// After an agent accepted the offer of interaction `n` at `now`: records the time its work
    /// item waited since it entered the queue.
    ///
    /// # Errors
    /// The store cannot be read.
    pub fn on_accept(
        &mut self,
        store: &SqliteStore,
        n: &InteractionNumber,
        now: DateTime<Utc>,
    ) -> anyhow::Result<()> {
        let entered = store
            .read(|tx| {
                let Some(i) = tx.interaction(n)? else {
                    return Ok::<_, StoreError>(None);
                };
                Ok(tx
                    .awa_active_items()?
                    .into_iter()
                    .find(|w| w.interaction == i.sys_id && w.state == WorkItemState::Accepted)
                    .map(|w| w.created_at))
            })
            .with_context(|| format!("reading the work item of {n}"))?;
        if let Some(entered) = entered {
            record(&mut self.queue_wait, now - entered);
        }
        Ok(())
    }

    /// A sample of the agents' `loads` at `now`, taken at fixed points of the run (before the
    /// first event, every [`LOAD_SAMPLE_EVERY`] events, after the last and after each closing
    /// wait), never tied to `--check-every`: the same traffic gives the same utilisation. The
    /// previous sample's load (held slots and capacity) counts for the virtual seconds since it.
    ///
    /// # Errors
    /// An agent's user_name cannot be read.
    pub fn on_load_sample(
        &mut self,
        store: &SqliteStore,
        now: DateTime<Utc>,
        loads: &[AgentLoad],
    ) -> anyhow::Result<()> {
        self.integrate_until(now);
        let mut sample = Vec::with_capacity(loads.len());
        for l in loads {
            if !self.names.contains_key(&l.agent) {
                let name = store
                    .read(|tx| tx.user_name(&l.agent))
                    .context("reading an agent's user_name")?
                    .unwrap_or_else(|| l.agent.clone());
                self.names.insert(l.agent.clone(), name);
            }
            let capacity = u64::from(l.capacity);
            sample.push((
                l.agent.clone(),
                (l.held.len() as u64).min(capacity),
                capacity,
            ));
        }
        self.sample = Some((now, sample));
        Ok(())
    }

    /// Counts the last sample's load over `[sample time, until)`, hour by hour.
    fn integrate_until(&mut self, until: DateTime<Utc>) {
        let Some((from, sample)) = self.sample.take() else {
            return;
        };
        let seconds = (until - from).num_seconds().max(0) as u64;
        let (busy, capacity) = sample
            .iter()
            .fold((0, 0), |(b, c), (_, held, cap)| (b + held, c + cap));
        for (agent, held, cap) in &sample {
            let name = self
                .names
                .get(agent)
                .cloned()
                .unwrap_or_else(|| agent.clone());
            let a = self.agents.entry(name).or_default();
            a.busy_slot_seconds += held * seconds;
            a.capacity_slot_seconds += cap * seconds;
        }
        // Split the interval at hour boundaries.
        let mut at = from;
        while at < until {
            let offset = (at - self.start).num_seconds().max(0);
            let hour_end = self.start + TimeDelta::seconds((offset / 3_600 + 1) * 3_600);
            let end = hour_end.min(until);
            let s = (end - at).num_seconds().max(0) as u64;
            let h = self.hour(at);
            h.busy_slot_seconds += busy * s;
            h.capacity_slot_seconds += capacity * s;
            at = end;
        }
        self.sample = Some((until, sample));
    }

    /// The figures at the end (virtual time `end`): `still_waiting` the waits of the
    /// conversations no agent accepted yet, `tally` (one pass over the final
    /// transcripts) gives the delivery mix and the retried sends, `struck` the simulator's
    /// injected faults, `redelivered` the webhooks re-delivered and acknowledged, and
    /// `deduplicated` those of them a passing check of invariant 1 found stored once.
    pub fn summary(
        &self,
        end: DateTime<Utc>,
        still_waiting: Durations,
        tally: RowTally,
        struck: FaultTally,
        (redelivered, deduplicated): (u64, u64),
    ) -> Summary {
        let mut m = self.clone();
        m.integrate_until(end);
        let RowTally {
            delivery,
            failures,
            retried_sends,
            retried_sends_delivered,
        } = tally;
        let injected = match serde_json::to_value(struck) {
            Ok(serde_json::Value::Object(o)) => o
                .into_iter()
                .map(|(k, v)| (k, v.as_u64().unwrap_or(0)))
                .collect(),
            _ => BTreeMap::new(),
        };
        Summary {
            hours: m.hours,
            first_response: Durations::from_histogram(&m.first_response),
            queue_wait: Durations::from_histogram(&m.queue_wait),
            still_waiting,
            agents: m.agents,
            delivery,
            failures,
            faults: FaultsSummary {
                injected,
                retried_sends,
                retried_sends_delivered,
                redelivered,
                redeliveries_deduplicated: deduplicated,
            },
        }
    }
}

/// What the end-of-run pass over every transcript row counts: the delivery status mix of the
/// outbound rows and the sends retried (and of those, delivered). Constant memory.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RowTally {
    /// Outbound rows by delivery status.
    pub delivery: BTreeMap<String, u64>,
    /// Failed and undelivered outbound rows by status and error code.
    pub failures: BTreeMap<String, u64>,
    /// Outbound rows handed to the provider more than once.
    pub retried_sends: u64,
    /// Of those, the ones delivered.
    pub retried_sends_delivered: u64,
}

impl RowTally {
    /// Counts one row (`error_code`: the provider's, when it failed).
    pub fn add(
        &mut self,
        direction: Direction,
        status: DeliveryStatus,
        error_code: Option<i64>,
        attempts: i64,
    ) {
        if direction != Direction::Outbound {
            return;
        }
        *self.delivery.entry(status.as_str().to_owned()).or_default() += 1;
        if matches!(status, DeliveryStatus::Failed | DeliveryStatus::Undelivered) {
            let code = error_code.map_or_else(|| "none".to_owned(), |c| c.to_string());
            *self
                .failures
                .entry(format!("{} {code}", status.as_str()))
                .or_default() += 1;
        }
        if attempts > 1 {
            self.retried_sends += 1;
            self.retried_sends_delivered += u64::from(status == DeliveryStatus::Delivered);
        }
    }
}

fn new_histogram() -> Histogram<u64> {
    // Constant, valid bounds and precision: construction cannot fail.
    Histogram::new_with_bounds(1, MAX_SECONDS, SIGNIFICANT_FIGURES)
        .expect("1 ≤ MAX_SECONDS and 3 significant figures are valid histogram bounds")
}

fn record(h: &mut Histogram<u64>, d: TimeDelta) {
    h.saturating_record(d.num_seconds().max(0) as u64);
}

fn ratio(a: u64, b: u64) -> f64 {
    if b == 0 {
        0.0
    } else {
        a as f64 / b as f64
    }
}

fn add_maps(a: &BTreeMap<String, u64>, b: &BTreeMap<String, u64>) -> BTreeMap<String, u64> {
    let mut out = a.clone();
    for (k, n) in b {
        *out.entry(k.clone()).or_default() += n;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(seconds: i64) -> DateTime<Utc> {
        DateTime::UNIX_EPOCH + TimeDelta::seconds(seconds)
    }

    #[test]
    fn events_land_in_their_virtual_hour() {
        let mut m = Metrics::new(at(0));
        m.on_event(at(10), 1, 0);
        m.on_event(at(20), 1, 2);
        m.on_event(at(2 * 3_600 + 5), 4, 2);
        let s = m.summary(
            at(3 * 3_600),
            Durations::default(),
            RowTally::default(),
            FaultTally::default(),
            (0, 0),
        );
        let counts: Vec<(u64, u64)> = s.hours.iter().map(|h| (h.inbound, h.outbound)).collect();
        assert_eq!(counts, [(1, 2), (0, 0), (3, 0)]);
    }

    #[test]
    fn waits_still_under_way_are_a_distribution_that_merges() {
        let a = Durations::of([TimeDelta::seconds(60), TimeDelta::hours(30)]);
        let b = Durations::of([TimeDelta::seconds(-5)]);
        let near = |v: u64, want: u64| v.abs_diff(want) * 1_000 <= want;
        assert!(a.count == 2 && a.p50 == 60 && near(a.max, 108_000), "{a:?}");
        assert_eq!((b.count, b.max), (1, 0), "a negative wait counts as none");
        let both = a.merge(&b);
        assert!(
            both.count == 3 && both.p50 == 60 && near(both.max, 108_000),
            "{both:?}"
        );
        assert_eq!(Durations::of([]), Durations::default());
    }

    #[test]
    fn utilisation_is_the_held_share_of_capacity_over_virtual_time() {
        let mut m = Metrics::new(at(0));
        // No store needed once the name is known.
        m.names.insert("sys1".into(), "alice".into());
        m.sample = Some((at(0), vec![("sys1".into(), 1, 4)]));
        m.integrate_until(at(1_800));
        m.sample = Some((at(1_800), vec![("sys1".into(), 3, 4)]));
        let s = m.summary(
            at(5_400),
            Durations::default(),
            RowTally::default(),
            FaultTally::default(),
            (0, 0),
        );
        let alice = &s.agents["alice"];
        // 1 of 4 slots for half an hour, then 3 of 4 for an hour: (1800 + 10800) / (4 × 5400).
        assert_eq!(alice.busy_slot_seconds, 1_800 + 3 * 3_600);
        assert_eq!(alice.capacity_slot_seconds, 4 * 5_400);
        assert!((s.utilisation() - 12_600.0 / 21_600.0).abs() < 1e-12);
        // Split at the hour: first hour 1800·1 + 1800·3, second (to 5400 s) 1800·3.
        assert_eq!(s.hours[0].busy_slot_seconds, 1_800 + 5_400);
        assert_eq!(s.hours[1].busy_slot_seconds, 3 * 1_800);
    }

    #[test]
    fn merged_histograms_give_the_percentiles_of_all_durations() {
        let durations = |values: &[u64]| {
            let mut h = new_histogram();
            for v in values {
                h.record(*v).unwrap();
            }
            Durations::from_histogram(&h)
        };
        let a = durations(&[1, 2, 3, 4, 5]);
        let b = durations(&[100, 200, 300, 400, 500]);
        let merged = a.merge(&b);
        let whole = durations(&[1, 2, 3, 4, 5, 100, 200, 300, 400, 500]);
        assert_eq!(merged, whole);
        assert_eq!((merged.count, merged.max), (10, 500));
        assert_eq!(merged.p50, 5);
        // A JSON round trip keeps everything.
        let back: Durations =
            serde_json::from_value(serde_json::to_value(&merged).unwrap()).unwrap();
        assert_eq!(back, merged);
    }
}
