//! What a soak tells people (a summary table on stdout) and machines (`--json`).
//!
//! Everything but [`Report::wall`] depends only on the seed, the options and the binary, so two
//! runs of one seed give the same JSON once `wall` is dropped.

use std::collections::BTreeMap;
use std::io::{self, Write};
use std::path::Path;

use anyhow::Context as _;

use serde::{Deserialize, Serialize};

use super::metrics::Summary;
use crate::partition::Partition;

/// The soak's options as the report shows them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Options {
    /// `--seed`.
    pub seed: u64,
    /// `--conversations`: requesters' handsets.
    pub conversations: usize,
    /// `--messages`: acknowledged inbound messages to reach (`null` when `--duration` bounded
    /// the run instead).
    #[serde(default)]
    pub messages: Option<u64>,
    /// `--agents`.
    pub agents: usize,
    /// `--faults`.
    pub faults: String,
    /// `--duration` in virtual seconds, when the run was bounded by time instead of messages.
    #[serde(default)]
    pub duration_seconds: Option<i64>,
    /// `--virtual-agent`: whether conversations went to the virtual agent first.
    #[serde(default = "yes")]
    pub virtual_agent: bool,
    /// `--transport`: `inproc` or `http` (the same transcripts either way).
    #[serde(default)]
    pub transport: String,
    /// `--partition I/N`: the shard this run was (`null` for a whole or a merged run).
    #[serde(default)]
    pub partition: Option<Partition>,
    /// `--check-every`: events between invariant checks (`null` in reports written before it
    /// was recorded). Shards checked at different rates are not merged.
    #[serde(default)]
    pub check_every: Option<u64>,
    /// The defect injected on purpose (`CONVSMS_INJECT_DEFECT`, a harness self-test:
    /// `duplicate-send`), absent when none was: a break it caused is not the engine's, and a
    /// shard run with it is not merged with one run without.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub injected_defect: Option<String>,
    /// The build that ran it: `convsms 0.1.0 (1a2b3c4d5e6f)`, the version and the commit it
    /// was built from ([`this_build`]); empty in reports written before it was recorded. The
    /// same seed and options on the same build give the same report, and shards of different
    /// builds are not merged.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub build: String,
}

/// This binary's build: `convsms 0.1.0 (1a2b3c4d5e6f)`, the commit from `git` when it was
/// built (`cli/build.rs`), or `convsms 0.1.0` alone outside a git checkout.
pub fn this_build() -> String {
    match env!("CONVSMS_COMMIT") {
        "" => format!("convsms {}", env!("CARGO_PKG_VERSION")),
        commit => format!("convsms {} ({commit})", env!("CARGO_PKG_VERSION")),
    }
}

fn yes() -> bool {
    true
}

impl Options {
    /// The options that shape the run besides the seed and the faults, as the summary's and
    /// the HTML page's headers show them: `inproc, virtual agent on, checks every 50 events,
    /// 8000 messages, 1000 requesters, 8 agents; convsms 0.1.0 (1a2b3c4d5e6f)` (`30d` in place
    /// of the messages for a `--duration` run; the build when the report has it).
    pub fn settings(&self) -> String {
        let bound = match (self.messages, self.duration_seconds) {
            (_, Some(d)) => duration_words(d),
            (Some(n), None) => plural(n, "message", "messages"),
            (None, None) => "messages not recorded".to_owned(),
        };
        let transport = if self.transport.is_empty() {
            "inproc"
        } else {
            &self.transport
        };
        let checks = match self.check_every {
            Some(1) => ", checks after every event".to_owned(),
            Some(n) => format!(", checks every {n} events"),
            None => String::new(),
        };
        format!(
            "{transport}, virtual agent {}{checks}, {bound}, {}, {}{}",
            if self.virtual_agent { "on" } else { "off" },
            plural(self.conversations as u64, "requester", "requesters"),
            plural(self.agents as u64, "agent", "agents"),
            if self.build.is_empty() {
                String::new()
            } else {
                format!("; {}", self.build)
            }
        )
    }
}

/// A `--duration` as people write it: in the largest unit that divides it (`200 days`,
/// `36 hours`, `90 minutes`, `45 seconds`); humantime would write `200d` as `6months 17days
/// 8h 38m 24s`.
pub fn duration_words(seconds: i64) -> String {
    let s = seconds.max(0).unsigned_abs();
    match s {
        _ if s >= 86_400 && s.is_multiple_of(86_400) => plural(s / 86_400, "day", "days"),
        _ if s >= 3_600 && s.is_multiple_of(3_600) => plural(s / 3_600, "hour", "hours"),
        _ if s >= 60 && s.is_multiple_of(60) => plural(s / 60, "minute", "minutes"),
        _ => plural(s, "second", "seconds"),
    }
}

/// `1 message`, `2 messages`.
pub fn plural(n: u64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// A span of virtual time as the summary shows it: days from one day up, else hours from one
/// hour up, else minutes (`2.5 days`, `5.2 hours`, `31 minutes`).
pub fn span(seconds: i64) -> String {
    let s = seconds.max(0) as f64;
    if s >= 86_400.0 {
        format!("{:.1} days", s / 86_400.0)
    } else if s >= 3_600.0 {
        format!("{:.1} hours", s / 3_600.0)
    } else {
        plural((s / 60.0).round() as u64, "minute", "minutes")
    }
}

/// The order of the invariant table: by the invariant's number (`2` before `10`, `5` before
/// `5b`), then its name.
fn invariant_order(name: &str) -> (u64, &str) {
    let digits = name.bytes().take_while(u8::is_ascii_digit).count();
    (name[..digits].parse().unwrap_or(u64::MAX), &name[digits..])
}

/// Wall-clock figures: the only part of a report that differs between runs of one seed.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Wall {
    /// Seconds the soak took.
    pub seconds: f64,
    /// Messages (inbound and outbound) per wall second.
    pub messages_per_second: f64,
    /// Where the seconds went, by activity: `setup` (the stack and the population), each event
    /// kind (`text`, `mms`, `reply`, `compose`, `answer`, `presence`, `capacity`, `redeliver`,
    /// and `wait`: virtual time passing, with the StatusCallbacks, retries, timers and routing
    /// it brings), `checks` (the invariants, every `--check-every` events), `load samples`
    /// (the agents' load for the utilisation figure, at events where no check read it) and
    /// `settle` (the closing waits and checks). What is left of `seconds` is the report itself
    /// (the transcripts digest).
    #[serde(default)]
    pub by_activity: BTreeMap<String, Spent>,
    /// Whether `seconds` is the shards' seconds added (`soak merge` of shards run apart: what
    /// the run cost, not how long anyone waited), not one run's wall time.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub shards_summed: bool,
}

/// Wall time spent on one activity of a soak.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Spent {
    /// How many times it ran.
    pub count: u64,
    /// Seconds, in all.
    pub seconds: f64,
}

impl Spent {
    /// One more run that began at `started`.
    pub fn add(&mut self, started: std::time::Instant) {
        self.count += 1;
        self.seconds += started.elapsed().as_secs_f64();
    }
}

impl Wall {
    /// The figures of a run of `seconds` that sent `messages`, its time spent as `by_activity`.
    pub fn new(seconds: f64, messages: u64, by_activity: BTreeMap<String, Spent>) -> Self {
        Wall {
            seconds,
            messages_per_second: messages as f64 / seconds.max(1e-9),
            by_activity,
            shards_summed: false,
        }
    }

    /// `by_activity` added up over `walls` (shards of one soak).
    pub fn activities_of<'a>(walls: impl IntoIterator<Item = &'a Wall>) -> BTreeMap<String, Spent> {
        let mut sum = BTreeMap::<String, Spent>::new();
        for w in walls {
            for (k, s) in &w.by_activity {
                let t = sum.entry(k.clone()).or_default();
                t.count += s.count;
                t.seconds += s.seconds;
            }
        }
        sum
    }

    /// The breakdown as one line, largest first: `wait 43% (5502 × 380 µs), text 29% (…), …`;
    /// activities under 1% of the time and the time no activity took (the report) are summed as
    /// `other`. Shares are of `seconds`, or of the activities' sum when that is more (`--jobs`
    /// shards ran side by side: their activities add up to more than the run took).
    pub fn breakdown(&self) -> String {
        let busy: f64 = self.by_activity.values().map(|s| s.seconds).sum();
        let total = self.seconds.max(busy).max(1e-9);
        let mut shown: Vec<(&String, &Spent)> = self
            .by_activity
            .iter()
            .filter(|(_, s)| s.seconds / total >= 0.01)
            .collect();
        shown.sort_by(|a, b| b.1.seconds.total_cmp(&a.1.seconds).then(a.0.cmp(b.0)));
        let mut parts: Vec<String> = shown
            .iter()
            .map(|(k, s)| {
                let each = s.seconds / s.count.max(1) as f64;
                format!(
                    "{k} {:.0}% ({} × {})",
                    100.0 * s.seconds / total,
                    s.count,
                    short_duration(each)
                )
            })
            .collect();
        let other = total - shown.iter().map(|(_, s)| s.seconds).sum::<f64>();
        if other / total >= 0.005 {
            parts.push(format!("other {:.0}%", 100.0 * other / total));
        }
        parts.join(", ")
    }
}

/// A duration given in seconds, written in µs (under a millisecond, whole) or ms (one decimal):
/// `380 µs`, `2.5 ms`.
fn short_duration(seconds: f64) -> String {
    if seconds >= 1e-3 {
        format!("{:.1} ms", seconds * 1e3)
    } else {
        format!("{:.0} µs", seconds * 1e6)
    }
}

/// A soak's outcome.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Report {
    /// The options.
    pub options: Options,
    /// The shards of the population this report covers: empty for a whole run, `["2/4"]` for a
    /// `--partition 2/4` run, every merged shard for `convsms soak merge`.
    #[serde(default)]
    pub shards: Vec<Partition>,
    /// Whether every invariant held.
    pub passed: bool,
    /// The broken invariant, virtual time and detail, when one broke, in one line.
    pub violation: Option<String>,
    /// The same in fields, for machines: the first violation (in a merged report, the first
    /// shard's, in shard order).
    #[serde(default)]
    pub broken: Option<Broken>,
    /// Events drawn and carried out.
    pub events: u64,
    /// Inbound texts the engine's webhook acknowledged, keywords included: what `--messages`
    /// counts. A text whose webhook Twilio saw time out is not counted (the engine may have
    /// stored it all the same), so the transcripts can hold more inbound rows than this.
    pub inbound: u64,
    /// Webhooks the simulator delivered again (Twilio retries).
    pub redelivered: u64,
    /// Outbound messages the simulator created through its API (accepted by Twilio: a send it
    /// refused, 21610 to an opted-out handset for example, is a `failed` transcript row
    /// without a MessageSid, counted in the delivery mix but not here).
    pub outbound: u64,
    /// Requesters whose handsets the run drew traffic from: `--conversations`, or a shard's
    /// share of them (`0` in reports written before it was recorded).
    #[serde(default)]
    pub requesters: u64,
    /// Interactions the engine opened.
    pub conversations: u64,
    /// Agent actions the engine refused (an offer gone, nothing to answer).
    pub refused: u64,
    /// Webhook timeouts the simulator injected and reported back to the soak (an answer other
    /// than 200 is the engine's and breaks invariant 1 instead).
    pub webhook_faults: u64,
    /// Candidate phone numbers drawn and found invalid by the phone library.
    pub invalid_number_draws: u64,
    /// Virtual time at the start (RFC 3339).
    pub virtual_start: String,
    /// Virtual time at the end (RFC 3339).
    pub virtual_end: String,
    /// Virtual seconds covered.
    pub virtual_seconds: i64,
    /// FNV-1a digest (hex) of every transcript row (interaction, seq, direction, body, sid,
    /// status) at the end: equal digests, equal transcripts.
    pub transcripts_digest: String,
    /// Checks per invariant, by name.
    pub checks: BTreeMap<String, u64>,
    /// What each invariant's checks looked at, in all, by name (see
    /// `Auditor::examined`): a check that looked at nothing checked nothing. Absent from
    /// reports written before it was recorded.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub examined: BTreeMap<String, u64>,
    /// Messages per virtual hour, first-response and queue-wait distributions, agent
    /// utilisation, delivery status mix, faults injected and recovered.
    pub metrics: Summary,
    /// Wall-clock figures (differ between runs).
    pub wall: Wall,
}

/// A broken invariant, in fields (`Report::broken`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Broken {
    /// The invariant as the checks table names it: `2 outbound-sent-at-most-once`.
    pub invariant: String,
    /// The virtual time of the check that found it (RFC 3339): checks run every
    /// `--check-every` events, so the break itself may be earlier.
    pub at: String,
    /// The interaction whose transcript shows it (`IMS0001002`), when there is one.
    pub interaction: Option<String>,
    /// What was seen, in words.
    pub detail: String,
    /// The shard that saw it (`2/4`), for a `--partition` run or a merged report.
    pub shard: Option<Partition>,
}

impl Report {
    /// The summary's population: interactions, requesters and agents; each shard has agents of
    /// its own, so merged shards have that many times `--agents`.
    fn population(&self) -> String {
        let o = &self.options;
        let requesters = match self.requesters {
            0 => o.conversations as u64,
            n => n,
        };
        let agents = match self.shards.len() {
            0 | 1 => plural(o.agents as u64, "agent", "agents"),
            n => format!(
                "{} agents ({} in each of {n} shards)",
                n * o.agents,
                o.agents
            ),
        };
        format!(
            "{}, {}, {agents}",
            plural(self.conversations, "interaction", "interactions"),
            plural(requesters, "requester", "requesters")
        )
    }

    /// Messages both ways.
    pub fn messages(&self) -> u64 {
        self.inbound + self.outbound
    }

    /// The JSON of `--json`.
    #[cfg(test)]
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::to_value(self).unwrap_or(serde_json::Value::Null)
    }

    /// Writes the report as JSON to `json` and as an HTML page to `html`, those given.
    ///
    /// # Errors
    /// A file cannot be written or a chart drawn; the message names the file.
    pub fn save(&self, json: Option<&Path>, html: Option<&Path>) -> anyhow::Result<()> {
        if let Some(path) = json {
            // Streamed from the report: no JSON tree or string of a long run's hours in memory.
            let write = || -> anyhow::Result<()> {
                let mut out = std::io::BufWriter::new(std::fs::File::create(path)?);
                serde_json::to_writer_pretty(&mut out, self)?;
                out.write_all(b"\n")?;
                out.flush()?;
                Ok(())
            };
            write().with_context(|| format!("writing {}", path.display()))?;
        }
        if let Some(path) = html {
            let page = super::html::render(self)
                .with_context(|| format!("rendering {}", path.display()))?;
            std::fs::write(path, page).with_context(|| format!("writing {}", path.display()))?;
        }
        Ok(())
    }

    /// The shards of a merged or shard report that are not in it, in order (`soak merge
    /// --allow-missing` leaves them out): empty for a whole run, a lone shard's own report, or a
    /// complete merge.
    pub fn missing_shards(&self) -> Vec<Partition> {
        let Some(total) = self.shards.first().map(|p| p.total()) else {
            return vec![];
        };
        if self.options.partition.is_some() {
            return vec![]; // one shard's own report
        }
        (1..=total)
            .filter(|i| !self.shards.iter().any(|p| p.index() == *i))
            .filter_map(|i| Partition::new(i, total).ok())
            .collect()
    }

    /// How the report's scope reads after its seed: "", ", partition 1/2", ", shards 1/2 2/2
    /// merged", or with the shards left out of a partial merge named.
    fn scope(&self) -> String {
        let shards: Vec<String> = self.shards.iter().map(ToString::to_string).collect();
        let missing: Vec<String> = self
            .missing_shards()
            .iter()
            .map(ToString::to_string)
            .collect();
        match (shards.len(), self.options.partition) {
            (0, _) => String::new(),
            (1, Some(_)) => format!(", partition {}", shards[0]),
            _ if missing.is_empty() => format!(", shards {} merged", shards.join(" ")),
            _ => format!(
                ", shards {} merged, PARTIAL: shard{} {} missing",
                shards.join(" "),
                if missing.len() == 1 { "" } else { "s" },
                missing.join(" ")
            ),
        }
    }

    /// Prints the summary table.
    ///
    /// # Errors
    /// Writing fails.
    pub fn print(&self, out: &mut impl Write) -> io::Result<()> {
        let o = &self.options;
        writeln!(
            out,
            "soak summary (seed {}, faults {}{}{})\n  options: {}",
            o.seed,
            o.faults,
            self.scope(),
            match &o.injected_defect {
                Some(d) => format!(", defect {d} injected on purpose"),
                None => String::new(),
            },
            o.settings()
        )?;
        let rows: Vec<(String, String)> = vec![
            (
                "result".into(),
                if self.passed {
                    "every invariant held".into()
                } else {
                    "INVARIANT BROKEN".into()
                },
            ),
            (
                "messages".into(),
                format!(
                    "{} ({} inbound, {} outbound accepted by Twilio, {} redelivered)",
                    self.messages(),
                    self.inbound,
                    self.outbound,
                    self.redelivered
                ),
            ),
            ("population".into(), self.population()),
            (
                "events".into(),
                format!(
                    "{} ({} refused, {} webhook faults)",
                    self.events, self.refused, self.webhook_faults
                ),
            ),
            (
                "virtual time".into(),
                format!(
                    "{} → {} ({})",
                    self.virtual_start,
                    self.virtual_end,
                    span(self.virtual_seconds)
                ),
            ),
        ];
        let rows = rows.into_iter().chain(self.metrics.table_rows()).chain([
            ("transcripts digest".into(), self.transcripts_digest.clone()),
            (
                if self.wall.shards_summed {
                    "wall time (the shards' added)".into()
                } else {
                    "wall time".into()
                },
                format!("{:.2} s", self.wall.seconds),
            ),
            ("wall time by activity".into(), self.wall.breakdown()),
            (
                "messages/s (both ways)".into(),
                format!(
                    "{:.0} ({:.0} inbound)",
                    self.wall.messages_per_second,
                    self.inbound as f64 / self.wall.seconds.max(1e-9)
                ),
            ),
        ]);
        for (k, mut v) in rows {
            if !self.passed && k == "faults recovered" {
                // A run stops at the check that found the violation: what was in flight then
                // was never followed to its end.
                v.push_str(" (counted until the run stopped at the violation)");
            }
            writeln!(out, "  {k:<36} {v}")?;
        }
        writeln!(out, "  invariant checks:")?;
        let mut checks: Vec<(&String, &u64)> = self.checks.iter().collect();
        checks.sort_by(|a, b| invariant_order(a.0).cmp(&invariant_order(b.0)));
        for (name, n) in checks {
            let not_reached = if *n == 0 && !self.passed {
                "not reached before the run stopped; "
            } else {
                ""
            };
            match (self.examined.get(name).filter(|m| **m > 0), not_reached) {
                (Some(m), _) => writeln!(out, "    {name:<34} {n} ({not_reached}{m} examined)")?,
                (None, "") => match self.examined.get(name) {
                    Some(m) => writeln!(out, "    {name:<34} {n} ({m} examined)")?,
                    None => writeln!(out, "    {name:<34} {n}")?,
                },
                (None, _) => writeln!(
                    out,
                    "    {name:<34} {n} (not reached before the run stopped)"
                )?,
            }
        }
        Ok(())
    }
}

/// A 64-bit FNV-1a hash, stable across runs and platforms (std's hashers are not).
#[derive(Clone, Copy, Debug)]
pub struct Fnv(u64);

impl Default for Fnv {
    fn default() -> Self {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
}

impl Fnv {
    /// Feeds `bytes`, then a separator.
    pub fn feed(&mut self, bytes: &[u8]) {
        for b in bytes.iter().chain(&[0xff]) {
            self.0 ^= u64::from(*b);
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
    }

    /// The hash.
    pub fn value(&self) -> u64 {
        self.0
    }

    /// The hash in hex.
    pub fn hex(self) -> String {
        format!("{:016x}", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The breakdown names the activities of 1% or more, largest first, with their count and
    /// time each, and sums the rest (small activities and time no activity took) as `other`;
    /// shards' activities add up.
    #[test]
    fn the_wall_time_breakdown_is_largest_first_and_sums_the_rest() {
        let spent = |count, seconds| Spent { count, seconds };
        let by = BTreeMap::from([
            ("text".to_owned(), spent(15_000, 1.5)),
            ("wait".to_owned(), spent(5_000, 2.0)),
            ("checks".to_owned(), spent(100, 0.25)),
            ("capacity".to_owned(), spent(10, 0.02)),
        ]);
        let wall = Wall::new(5.0, 50_000, by);
        assert_eq!(wall.messages_per_second, 10_000.0);
        assert_eq!(
            wall.breakdown(),
            "wait 40% (5000 × 400 µs), text 30% (15000 × 100 µs), checks 5% (100 × 2.5 ms), \
             other 25%"
        );
        let both = Wall::activities_of([&wall, &wall]);
        assert_eq!(both["text"], spent(30_000, 3.0));
        assert_eq!(both.len(), 4);
        // Two shards side by side in 5 s: shares of the 7.54 s they spent between them.
        let side_by_side = Wall::new(5.0, 100_000, both);
        assert_eq!(
            side_by_side.breakdown(),
            "wait 53% (10000 × 400 µs), text 40% (30000 × 100 µs), checks 7% (200 × 2.5 ms), \
             other 1%"
        );
    }

    #[test]
    fn the_digest_sees_every_field_and_its_boundaries() {
        let digest = |parts: &[&str]| {
            let mut f = Fnv::default();
            for p in parts {
                f.feed(p.as_bytes());
            }
            f.hex()
        };
        assert_eq!(digest(&["a", "b"]), digest(&["a", "b"]));
        assert_ne!(digest(&["a", "b"]), digest(&["ab", ""]));
        assert_ne!(digest(&["a", "b"]), digest(&["a", "c"]));
        assert_eq!(Fnv::default().hex().len(), 16);
    }
}
