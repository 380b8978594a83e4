//! `convsms soak`: seeded fake traffic through the real engine, the simulated Twilio and the
//! virtual agent, in process or over loopback HTTP (`--transport`), on a manual clock, with the
//! invariants checked all along (issue 10).
//!
//! A tour: [`traffic`] draws the population and every event from one seeded generator; this
//! module carries events out one at a time (no concurrency, no wall time), so a seed reproduces a
//! run; [`audit`] reads what changed since the last check and runs [`invariants`]; [`metrics`],
//! [`report`], [`html`] and [`progress`] tell people and machines what happened; [`merge`]
//! combines `--partition` shards and [`jobs`] runs them at once (`--jobs`); [`fault_plan`] is `--faults` as one plan of rules,
//! which the setup sets on the simulator and [`feature`] writes as Given steps; [`shrink`],
//! [`feature`] and [`defect`] turn a violation into a small feature file and prove the harness
//! catches one.
//!
//! Every `--check-every` events and at the end it runs the invariants; the first violation stops the run, which prints the seed, the invariant, the
//! virtual time and the interaction's transcript and exits 1. It also shrinks the events that
//! led there ([`shrink`]: replays of fewer events on fresh stacks) and writes them as a feature
//! file of catalogue steps ([`feature`]), so `convsms check` on it fails for the same reason.

pub mod audit;
pub mod defect;
pub mod fault_plan;
pub mod feature;
pub mod html;
pub mod invariants;
pub mod jobs;
pub mod merge;
pub mod metrics;
pub mod progress;
pub mod report;
pub mod shrink;
pub mod traffic;

use std::collections::BTreeMap;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use anyhow::Context as _;
use chrono::{DateTime, TimeDelta, Utc};
use clap::{Args, Subcommand, ValueEnum};
use convsms::clock::Clock as _;
use convsms::domain::model::{PartyTable, AGENT_ROLE};
use convsms::domain::phone::E164;
use convsms::domain::topic::TopicSet;
use convsms::domain::work_assignment::{Presence, WorkItemState};
use convsms::engine::work_assignment::TransferTarget;
use convsms::engine::{Attachment, ComposeRequest, ToField, CONVERSATIONAL_SMS};
use convsms::error::WorkAssignmentRefusal;
use convsms_sim::SimError;

use crate::check::world::{Database, Stack, Transport};
use crate::partition::Partition;
use audit::Auditor;
use defect::Defect;
use fault_plan::FaultPlan;
use feature::Applied;
use invariants::Violation;
use metrics::{Metrics, LOAD_SAMPLE_EVERY};
use progress::Progress;
use report::{Options, Report, Spent, Wall};
use traffic::{Event, Handoff, Kind, Traffic};

/// The inbound messages this run sends: `--messages`, or the shard's share of it.
fn messages_target(args: &SoakArgs) -> u64 {
    args.partition
        .map_or(args.messages, |p| p.share(args.messages))
}

/// What this run's progress bar counts towards: `--duration`, else [`messages_target`].
fn progress_goal(args: &SoakArgs) -> progress::Goal {
    args.duration.map_or_else(
        || progress::Goal::Inbound(messages_target(args)),
        progress::Goal::Virtual,
    )
}

impl Soak {
    /// What the progress bar shows now.
    fn figures(&self) -> progress::Figures {
        progress::Figures {
            events: self.events,
            inbound: self.acked,
            messages: self.acked + self.stack.sim.outbound_created(),
            now: self.now(),
            active: self.metrics.active,
            checks: self.audit.checks.values().sum(),
        }
    }
}

/// The image agents attach in Compose SMS: a 1x1 PNG.
const SOAK_PNG: &[u8] = &[
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1f, 0x15, 0xc4,
    0x89, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0xf8, 0xcf, 0xc0, 0xf0,
    0x1f, 0x00, 0x05, 0x00, 0x01, 0xff, 0x89, 0x99, 0x3d, 0x1d, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45,
    0x4e, 0x44, 0xae, 0x42, 0x60, 0x82,
];

/// The URL of file `k` (from 0) of handset `from`'s MMS, `file` an index into
/// [`traffic::MEDIA_FILES`]: `https://cdn.example.com/soak/{from}/{k}-{name}` (the simulator does
/// not fetch inbound media; the webhook's content type follows the extension).
pub fn media_url(from: usize, k: usize, file: usize) -> String {
    format!(
        "https://cdn.example.com/soak/{from}/{k}-{}",
        traffic::MEDIA_FILES[file]
    )
}

/// How many recent acknowledged inbound SIDs Twilio's re-deliveries pick from.
const RECENT: usize = 10_000;

/// How many provider numbers the soak's account has: with `--faults`, three each carry a
/// callback fault of their own and the fourth the account-wide one (duplicates).
const PROVIDERS: usize = 4;

/// The most events a soak records for shrinking (a run that carries out more keeps only whether
/// it overflowed; rerunning the seed with fewer `--messages` regenerates them).
pub const MAX_RECORDED: usize = 200_000;

/// The most 30-minute waits the closing settle makes (two virtual days).
pub const MAX_SETTLE_WAITS: usize = 96;

/// How hard the simulated Twilio misbehaves.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Faults {
    /// No faults.
    None,
    /// A few: 429 answers, 500 answers after the create (lost answers), duplicated, reordered
    /// and delayed callbacks, webhook timeouts, one handset in 50 unreachable.
    Light,
    /// Many, and 500 answers that created nothing and dropped callbacks too; one handset in 20
    /// unreachable.
    Heavy,
}

impl Faults {
    fn as_str(self) -> &'static str {
        match self {
            Faults::None => "none",
            Faults::Light => "light",
            Faults::Heavy => "heavy",
        }
    }
}

/// On or off.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Switch {
    /// On.
    On,
    /// Off.
    Off,
}

/// `convsms soak`'s arguments.
#[derive(Clone, Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct SoakArgs {
    /// `convsms soak merge`, instead of a soak.
    #[command(subcommand)]
    pub command: Option<SoakCommand>,
    /// The seed every decision is drawn from.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Requesters' handsets (sys_users, consumers, contacts and unknown numbers).
    #[arg(long, allow_negative_numbers = true, default_value_t = 1_000, value_parser = parse_conversations)]
    pub conversations: usize,
    /// Inbound messages to send (the soak ends when the engine acknowledged this many).
    #[arg(long, allow_negative_numbers = true, default_value_t = 8_000, conflicts_with = "duration", value_parser = parse_messages)]
    pub messages: u64,
    /// Run for this much virtual time instead of a number of messages (`30d`, `12h`, `2w`:
    /// humantime's units; 1 second to 100 years). A desk's night (1 to 6 silent hours) under
    /// way when it ends is seen to its end, so the run may go past it by up to 6 hours.
    #[arg(long, value_parser = parse_duration, value_name = "DURATION")]
    pub duration: Option<TimeDelta>,
    /// Agents in the SMS queue.
    #[arg(long, allow_negative_numbers = true, default_value_t = 8, value_parser = parse_agents)]
    pub agents: usize,
    /// Faults the simulated Twilio injects.
    #[arg(long, value_enum, default_value_t = Faults::Light)]
    pub faults: Faults,
    /// How the engine and the simulated Twilio reach each other: `inproc` hands the same signed
    /// forms and credentials to the other side's handlers in process, without sockets (fast),
    /// `http` sends them over loopback.
    #[arg(long, value_enum, default_value_t = Transport::Inproc)]
    pub transport: Transport,
    /// Keep the engine's database in this SQLite file (WAL) instead of memory; it must not
    /// exist yet. Ten thousand writes share each commit (group commit); the last group is
    /// committed when the run ends.
    #[arg(long, value_name = "FILE")]
    pub db: Option<PathBuf>,
    /// Whether new conversations go to the virtual agent first (the project's greeting,
    /// talk_to_agent, order_status and open_cases topics, built in) or straight to live agents
    /// (a START / STOP / Notification keyword alone is then answered, and its interaction closes
    /// at once).
    #[arg(long, value_enum, default_value_t = Switch::On, value_name = "on|off")]
    pub virtual_agent: Switch,
    /// Check the invariants after every N events (and at the end).
    #[arg(long, allow_negative_numbers = true, default_value_t = 100, value_name = "N", value_parser = parse_check_every)]
    pub check_every: u64,
    /// Write the report as JSON to FILE.
    #[arg(long, value_name = "FILE")]
    pub json: Option<PathBuf>,
    /// Write the report as a self-contained HTML page with charts to FILE.
    #[arg(long, value_name = "FILE")]
    pub html: Option<PathBuf>,
    /// Run shard I of N (1-based, as `cargo nextest --partition`): the requesters whose index
    /// in the seed's population is I-1 modulo N (with those sharing their phone), and their
    /// share of --messages; combine the
    /// shards' --json reports with `convsms soak merge`.
    #[arg(long, value_name = "I/N")]
    pub partition: Option<Partition>,
    /// Run as N shards at once, one thread each (`--partition 1/N` ... `N/N`, merged as
    /// `convsms soak merge` merges them): N cores, about N times faster. The report is that of
    /// the N shards, not of a one-job run; with --db FILE, shard k's database is FILE with `.k`
    /// before its extension.
    #[arg(
        long,
        allow_negative_numbers = true,
        value_name = "N",
        default_value_t = 1,
        conflicts_with = "partition",
        value_parser = parse_jobs
    )]
    pub jobs: usize,
    /// Where a broken invariant's shrunk feature is written (`soak-failure-<seed>.feature`).
    #[arg(long, value_name = "DIR", default_value = ".")]
    pub failure_dir: PathBuf,
    /// At most this many replays to shrink a broken invariant's events (0: write no feature).
    #[arg(long, value_name = "N", default_value_t = 500)]
    pub shrink_trials: usize,
    /// A defect injected on purpose (a harness self-test; on the command line the environment
    /// variable `CONVSMS_INJECT_DEFECT` sets it).
    #[arg(skip)]
    pub defect: Option<Defect>,
    /// Agents (indexes) left out of the run: not created, not in the queue, offered nothing
    /// (shrinking only: [`shrink`] drops agents a violation does not need; their events must
    /// be gone too).
    #[arg(skip)]
    pub absent_agents: Vec<usize>,
    /// The fault rules to set instead of `--faults`' whole plan, when `--faults` is not none
    /// (shrinking only: [`shrink`] leaves out the rules a violation does not need).
    #[arg(skip)]
    pub fault_plan: Option<FaultPlan>,
}

/// `convsms soak`'s subcommands.
#[derive(Clone, Debug, Subcommand)]
pub enum SoakCommand {
    /// Combines the --json reports of a partitioned soak's shards (same seed and options) into
    /// one: counts and invariant checks added, histograms merged; exits 0 when every shard
    /// passed, 1 when one did not, 2 when the reports cannot be merged or the shards together
    /// acknowledged no inbound message.
    Merge(merge::MergeArgs),
}

/// Reads a count of the command line that must be a whole number of at least 1: `what` names
/// it in the error, `hint` says what to give.
pub(crate) fn at_least_one<T: std::str::FromStr + PartialOrd + From<u8>>(
    text: &str,
    what: &str,
    hint: &str,
) -> Result<T, String> {
    match text.parse::<T>() {
        Ok(n) if n >= T::from(1) => Ok(n),
        // Digits alone that do not parse are past the type's range.
        Err(_) if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) => Err(format!(
            "{text} is too large a number of {what}: give a whole number, at least 1, that \
             this machine can count ({hint})"
        )),
        _ => Err(format!(
            "{text} is not a number of {what}: give a whole number, at least 1 ({hint})"
        )),
    }
}

/// Reads `--jobs`: a whole number, at least 1.
fn parse_jobs(text: &str) -> Result<usize, String> {
    at_least_one(text, "jobs", "one per core: 2 on a 2-core machine")
}

/// Reads `--conversations`: a whole number, at least 1 (a soak of nobody checks nothing).
fn parse_conversations(text: &str) -> Result<usize, String> {
    at_least_one(text, "requesters", "the default is 1000")
}

/// Reads `--messages`: a whole number, at least 1 (a soak of no message checks nothing).
fn parse_messages(text: &str) -> Result<u64, String> {
    at_least_one(text, "inbound messages", "the default is 8000")
}

/// Reads `--agents`: a whole number, at least 1 (without an agent, a conversation that asks
/// for one waits forever, which invariant 6 forbids).
fn parse_agents(text: &str) -> Result<usize, String> {
    at_least_one(text, "agents", "the default is 8")
}

/// Reads `--check-every`: a whole number of events, at least 1 (1: after every event).
fn parse_check_every(text: &str) -> Result<u64, String> {
    at_least_one(
        text,
        "events between checks",
        "1 checks after every event; the default is 100",
    )
}

/// Reads `--duration`: a humantime duration (`30d`, `12h 30m`), at least a second.
fn parse_duration(text: &str) -> Result<TimeDelta, String> {
    let d = humantime::parse_duration(text)
        .map_err(|e| format!("{e}; expected a duration such as 30d, 12h or 90m"))?;
    TimeDelta::from_std(d)
        .ok()
        .filter(|d| d.num_seconds() >= 1 && *d <= TimeDelta::days(36_525))
        .ok_or_else(|| format!("{text} is not between 1 second and 100 years"))
}

/// A soak's outcome: the report, and the violation with the transcript that shows it.
#[derive(Debug)]
pub struct Outcome {
    /// The report (its `wall` filled in).
    pub report: Report,
    /// The violation, the virtual time it was seen at and the interaction's transcript.
    pub violation: Option<(Violation, DateTime<Utc>, Option<String>)>,
    /// The events carried out, up to the violation (`None` past [`MAX_RECORDED`]).
    pub events: Option<Vec<Event>>,
}

/// Checks, before a soak of minutes starts, what would otherwise fail only at its end or leave a
/// shard with nothing to do: each shard (of `--jobs` or `--partition`) gets at least one of
/// `--messages`, and the `--json` and `--html` files can be written: each one's folder exists,
/// the path is not a folder, and the file (or a new one in its folder) opens for writing.
///
/// # Errors
/// Names the option, the value and what is wrong with it.
fn check_before_run(args: &SoakArgs) -> Result<(), String> {
    let shards = args.partition.map_or(args.jobs, |p| p.total());
    // Requesters are dealt to shards in turn: with fewer than shards, one gets none. Found now,
    // before any shard's database is created.
    if args.conversations < shards {
        return Err(format!(
            "--conversations {} leaves some of the {shards} shards no requester: give at least \
             {shards}",
            args.conversations
        ));
    }
    if args.duration.is_none() && args.messages < shards as u64 {
        return Err(format!(
            "--messages {} leaves some of the {shards} shards no message: give at least {shards}",
            args.messages
        ));
    }
    if let Some(db) = &args.db {
        crate::outputs::in_a_folder("--db", db)?;
        // SQLite would say only "unable to open database file" when the folder takes no file.
        let folder = match db.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        };
        tempfile::Builder::new()
            .prefix(".convsms-")
            .tempfile_in(folder)
            .map_err(|e| {
                format!(
                    "--db {}: its folder {} cannot be written ({e}); give a file in a folder \
                     you can write to",
                    db.display(),
                    folder.display()
                )
            })?;
    }
    // The failure feature's folder is made when a violation is shrunk: a file in its way is
    // found now, not after the run.
    let dir = &args.failure_dir;
    if dir.exists() && !dir.is_dir() {
        return Err(format!(
            "--failure-dir {}: is a file; give the folder soak-failure-<seed>.feature goes in",
            dir.display()
        ));
    }
    // A folder not there yet is made (with its missing parents) when a violation is shrunk:
    // the nearest folder that exists must take a new one, found now rather than at the end.
    // A dangling symbolic link is there too, as what it is: not a folder.
    let there = |p: &Path| p.symlink_metadata().is_ok();
    if there(dir) && !dir.is_dir() {
        return Err(format!(
            "--failure-dir {}: is not a folder (a file, or a link to nothing); give the folder \
             soak-failure-<seed>.feature goes in",
            dir.display()
        ));
    }
    if dir.is_dir() && args.shrink_trials > 0 {
        // The feature is written at the end: a folder that takes no file is found now.
        tempfile::Builder::new()
            .prefix(".convsms-")
            .tempfile_in(dir)
            .map_err(|e| {
                let default = if dir == Path::new(".") {
                    " (the default: the current folder)"
                } else {
                    ""
                };
                format!(
                    "--failure-dir {}{default}: cannot be written ({e}); give a folder you can \
                     write to, or --shrink-trials 0 to write no feature if an invariant breaks",
                    dir.display()
                )
            })?;
    } else if !dir.exists() {
        let parent = dir
            .ancestors()
            .skip(1)
            .map(|p| {
                if p.as_os_str().is_empty() {
                    Path::new(".")
                } else {
                    p
                }
            })
            .find(|p| there(p))
            .unwrap_or(Path::new("."));
        if !parent.is_dir() {
            return Err(format!(
                "--failure-dir {}: {} is not a folder to make it in (a file, or a link to \
                 nothing)",
                dir.display(),
                parent.display()
            ));
        }
        tempfile::Builder::new()
            .prefix(".convsms-")
            .tempdir_in(parent)
            .map_err(|e| {
                format!(
                    "--failure-dir {}: cannot be made in {} ({e}); give a folder you can write to",
                    dir.display(),
                    parent.display()
                )
            })?;
    }
    // The reports are written at the end: never over the database the run writes.
    let mut databases: Vec<PathBuf> = vec![];
    if let Some(db) = &args.db {
        databases.push(db.clone());
        if args.jobs != 1 {
            databases.extend((1..=args.jobs).map(|k| jobs::shard_db(db, k)));
        }
    }
    let inputs: Vec<(&str, &Path)> = databases
        .iter()
        .map(|p| ("the soak's database (--db)", p.as_path()))
        .collect();
    check_outputs(args.json.as_deref(), args.html.as_deref(), &inputs)
}

/// Refuses report files that could not be written at the end, or that would overwrite one of
/// `inputs` (`soak merge`'s reports): see [`crate::outputs::check`].
pub(crate) fn check_outputs(
    json: Option<&Path>,
    html: Option<&Path>,
    inputs: &[(&str, &Path)],
) -> Result<(), String> {
    let outputs: Vec<(&str, &Path)> = [("--json", json), ("--html", html)]
        .into_iter()
        .filter_map(|(o, p)| p.map(|p| (o, p)))
        .collect();
    crate::outputs::check(&outputs, inputs)
}

/// Runs `convsms soak` and prints what it found: 0 when every invariant held, 1 when one broke,
/// 2 when the soak could not run or ran no traffic ([`verdict`]).
pub fn run(args: SoakArgs) -> ExitCode {
    if let Some(SoakCommand::Merge(m)) = &args.command {
        return merge::run(m);
    }
    if let Err(e) = check_before_run(&args) {
        eprintln!("convsms soak: {e}");
        return ExitCode::from(2);
    }
    if args.jobs != 1 {
        return jobs::run(&args);
    }
    let rt = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("convsms soak: starting the runtime: {e}");
            return ExitCode::from(2);
        }
    };
    let progress = Progress::stderr(progress_goal(&args));
    let outcome = match rt.block_on(soak_with(&args, progress)) {
        Ok(o) => o,
        Err(e) => {
            eprintln!("convsms soak: {e:#}");
            return ExitCode::from(2);
        }
    };
    let mut out = io::stdout().lock();
    if let Some((v, at, transcript)) = &outcome.violation {
        let _ = print_violation(
            &mut out,
            args.seed,
            args.check_every,
            v,
            *at,
            transcript.as_deref(),
        );
        if args.shrink_trials > 0 {
            match rt.block_on(shrink::write_failure(&args, &outcome)) {
                Ok(written) => {
                    let _ = written.print(&mut out);
                }
                Err(e) => eprintln!("convsms soak: shrinking the failure: {e:#}"),
            }
        }
    }
    let _ = outcome.report.print(&mut out);
    if let Err(e) = outcome
        .report
        .save(args.json.as_deref(), args.html.as_deref())
    {
        eprintln!("convsms soak: {e:#}");
        return ExitCode::from(2);
    }
    verdict(&outcome.report)
}

/// The exit code of a finished soak (or merged shards), with a line on stderr when it is not 0,
/// so that a run whose stdout went to a file still says why: 1 when an invariant broke, 2 when
/// the run acknowledged no inbound message (a `--duration` too short for any traffic: every
/// invariant "held" over nothing), else 0.
pub(crate) fn verdict(report: &Report) -> ExitCode {
    if !report.passed {
        eprintln!(
            "convsms soak: FAILED: {} (the transcript and how to rerun it are on stdout)",
            report.violation.as_deref().unwrap_or("an invariant broke")
        );
        return ExitCode::FAILURE;
    }
    if report.inbound == 0 {
        eprintln!(
            "convsms soak: the run acknowledged no inbound message in {} of virtual time, so no \
             invariant was checked against any traffic; give a longer --duration (a day or more)",
            report::span(report.virtual_seconds)
        );
        return ExitCode::from(2);
    }
    ExitCode::SUCCESS
}

/// Prints a violation as `convsms soak` does: the seed, the invariant, the virtual time, what was
/// seen and the interaction's transcript.
///
/// # Errors
/// Writing fails.
pub fn print_violation(
    out: &mut impl Write,
    seed: u64,
    check_every: u64,
    v: &Violation,
    at: DateTime<Utc>,
    transcript: Option<&str>,
) -> io::Result<()> {
    let when = if check_every == 1 {
        "checks run after every event"
    } else {
        "checks run every --check-every events; --check-every 1 finds it when it happens"
    };
    writeln!(
        out,
        "convsms soak: seed {seed} broke invariant {}, found by the check at virtual time {} \
         ({when})\n  {}",
        v.invariant,
        at.to_rfc3339(),
        v.detail
    )?;
    if let (Some(n), Some(t)) = (&v.interaction, transcript) {
        writeln!(out, "transcript of {n}:\n{t}")?;
    }
    let defect = std::env::var(defect::ENV).ok();
    writeln!(
        out,
        "rerun: {}",
        rerun_command(std::env::args().skip(1), seed, defect.as_deref())
    )
}

/// The command that reruns this soak: `convsms` and the arguments it was given (`args`, without
/// the program's path), with `--seed {seed}` added when they did not name the seed, after the
/// injected defect's variable when one was set (`defect`), quoted for a POSIX shell; with
/// `--db`, a reminder that the soak refuses a database file that exists.
fn rerun_command(args: impl Iterator<Item = String>, seed: u64, defect: Option<&str>) -> String {
    let mut words: Vec<String> = std::iter::once("convsms".to_owned()).chain(args).collect();
    if !words
        .iter()
        .any(|w| w == "--seed" || w.starts_with("--seed="))
    {
        words.push("--seed".to_owned());
        words.push(seed.to_string());
    }
    let Ok(mut command) = shlex::try_join(words.iter().map(String::as_str)) else {
        return format!("convsms soak --seed {seed} (with the same options)");
    };
    if let Some(d) = defect {
        let d = shlex::try_quote(d).map_or_else(|_| d.to_owned(), |q| q.into_owned());
        command = format!("{}={d} {command}", defect::ENV);
    }
    if words.iter().any(|w| w == "--db" || w.starts_with("--db=")) {
        command.push_str(
            " (after removing the --db file, or with another: the soak refuses one that exists)",
        );
    }
    command
}

/// The soak's running state: the stack, the traffic and what the invariants remember.
struct Soak {
    stack: Stack,
    traffic: Traffic,
    /// Inbound messages the webhook acknowledged (keywords too).
    acked: u64,
    /// Inbound SIDs acknowledged or re-acknowledged since the last check.
    unverified: Vec<twilio_wire::sid::MessageSid>,
    /// The last [`RECENT`] acknowledged inbound SIDs, for Twilio's re-deliveries.
    recent: std::collections::VecDeque<twilio_wire::sid::MessageSid>,
    audit: Auditor,
    /// Work agents kept when their capacity was lowered below their load, by agent sys_id.
    kept: BTreeMap<String, Vec<convsms::domain::model::InteractionNumber>>,
    /// When the engine last ran what was due.
    last_tick: DateTime<Utc>,
    /// Whether the next tick is followed by the routing invariants (5b, 6).
    routing_check_due: bool,
    /// The first violation a routing check found, reported at the next check.
    routing_violation: Option<Violation>,
    /// A genuine webhook the engine answered with other than 200 (the soak injects only
    /// timeouts, so such an answer is the engine's): the message is lost, which breaks
    /// invariant 1; or a request the engine failed (invariant 10). The first is reported at
    /// the next check.
    pending_violation: Option<Violation>,
    /// The events whose engine answers invariant 10 has counted.
    events_judged: u64,
    /// Each agent's SMS capacity, drawn at setup.
    capacities: Vec<u32>,
    /// Agents left out of the run (`SoakArgs::absent_agents`).
    absent_agents: Vec<usize>,
    /// The events carried out, while recording (see [`MAX_RECORDED`]).
    record: Option<Vec<Event>>,
    events: u64,
    redelivered: u64,
    /// Re-delivered webhooks acknowledged since the last check, and those a passing check of
    /// invariant 1 found stored once (the report's "deduplicated").
    redelivered_unverified: u64,
    redelivered_verified: u64,
    refused: u64,
    webhook_faults: u64,
    metrics: Metrics,
    progress: Progress,
    /// Wall time by activity (setup, event kinds, checks, settle), for the report.
    spent: BTreeMap<&'static str, Spent>,
    /// The faults set on the simulator (`None` without `--faults`).
    fault_plan: Option<FaultPlan>,
}

/// Runs a soak in the current runtime and returns its outcome (`wall` filled in).
///
/// # Errors
/// The stack cannot start, or the engine fails in a way that is not a refusal (a database
/// error).
// Without a progress bar: what tests and the shrinker call (`run` shows the bar through
// `soak_with`).
#[cfg_attr(not(test), allow(dead_code))]
pub async fn soak(args: &SoakArgs) -> anyhow::Result<Outcome> {
    soak_with(args, Progress::hidden()).await
}

/// [`soak`], showing `progress` as it goes.
///
/// # Errors
/// As [`soak`].
pub async fn soak_with(args: &SoakArgs, progress: Progress) -> anyhow::Result<Outcome> {
    let started = Instant::now();
    let mut s = Soak::start(args).await?;
    s.progress = progress;
    let virtual_start = s.now();
    let violation = s.drive(args).await?;
    let at = s.now();
    let violation = violation.map(|v| {
        let transcript = s.transcript(&v);
        (v, at, transcript)
    });
    s.progress.finish();
    let report = s.report(args, virtual_start, &violation, started)?;
    // `--db`'s last group of writes, copied from the WAL into the file, so that the file alone
    // holds the whole run for whoever reads (or copies) it next.
    s.stack
        .store
        .checkpoint()
        .context("committing the database's last writes")?;
    Ok(Outcome {
        report,
        violation,
        events: s.record.take(),
    })
}

/// What a replay of given events found: the violation and the index of the event after which
/// it was seen (`None`: at the end, after the soak's closing wait), what each event came to,
/// and the population the events name by index.
#[derive(Debug)]
pub struct Replayed {
    /// The first violation, if any.
    pub violation: Option<Violation>,
    /// The event after which it was seen; `None` when at the end (or never).
    pub at: Option<usize>,
    /// What each event carried out came to, in order (up to `at`).
    pub applied: Vec<Applied>,
    /// The population and setup the events ran on.
    pub population: feature::Population,
}

/// Runs a fresh stack (the soak's setup for `args`) on exactly `events`, checking every
/// invariant after each event, then settles as the soak does at its end and checks once more.
/// No generator draws are made: a [`Event::Redeliver`] beyond the acknowledged messages is
/// skipped.
///
/// # Errors
/// The stack cannot start or the engine fails in a way that is not a refusal.
pub async fn replay(args: &SoakArgs, events: &[Event]) -> anyhow::Result<Replayed> {
    let mut s = Soak::start(args).await?;
    let population = feature::Population {
        handsets: s.traffic.handsets.clone(),
        providers: s.traffic.providers.clone(),
        agents: s.traffic.agents.clone(),
        capacities: s.capacities.clone(),
        absent: args.absent_agents.clone(),
        virtual_agent: args.virtual_agent == Switch::On,
        faults: s.fault_plan.clone(),
        orders: s.traffic.orders.clone(),
    };
    let mut applied = Vec::with_capacity(events.len());
    for (i, e) in events.iter().enumerate() {
        applied.push(s.apply(e.clone()).await?);
        if let Err(v) = s.check(false)? {
            feature::locate_redelivered(&mut applied, &audit::all_rows(&s.stack)?);
            s.stack.close().await;
            return Ok(Replayed {
                violation: Some(v),
                at: Some(i),
                applied,
                population,
            });
        }
    }
    let violation = s.settle().await?;
    feature::locate_redelivered(&mut applied, &audit::all_rows(&s.stack)?);
    s.stack.close().await;
    Ok(Replayed {
        violation,
        at: None,
        applied,
        population,
    })
}

impl Soak {
    /// The stack, the population and the faults, at virtual time [`crate::check::world::epoch`].
    async fn start(args: &SoakArgs) -> anyhow::Result<Soak> {
        let started = Instant::now();
        if let Some(db) = &args.db {
            anyhow::ensure!(
                !db.exists(),
                "--db {}: the file exists; the soak needs a fresh database (remove it, or name another)",
                db.display()
            );
        }
        let topics = match args.virtual_agent {
            Switch::On => TopicSet::from_sources(crate::check::topics::BUILT_IN_TOPICS)
                .context("loading the built-in topics")?,
            Switch::Off => TopicSet::default(),
        };
        let defect = match args.defect {
            Some(d) => Some(d),
            None => Defect::from_env()?,
        };
        let db = match &args.db {
            Some(path) => Database::Grouped(path),
            None => Database::Memory,
        };
        let stack = Stack::start_with_defect(topics, args.transport, db, defect).await?;
        stack.stop_liveness.lock().expect("a fresh lock").on = true;
        let mut traffic = Traffic::new(args.seed, args.conversations, PROVIDERS, args.agents)?;
        if let Some(p) = args.partition {
            traffic.keep_partition(p)?;
        }
        let metrics = Metrics::new(stack.clock.now());
        let mut s = Soak {
            stack,
            traffic,
            acked: 0,
            unverified: vec![],
            recent: std::collections::VecDeque::new(),
            audit: Auditor::default(),
            kept: BTreeMap::new(),
            last_tick: crate::check::world::epoch(),
            routing_check_due: true,
            routing_violation: None,
            pending_violation: None,
            events_judged: 0,
            capacities: vec![],
            absent_agents: args.absent_agents.clone(),
            record: Some(vec![]),
            events: 0,
            redelivered: 0,
            redelivered_unverified: 0,
            redelivered_verified: 0,
            refused: 0,
            webhook_faults: 0,
            metrics,
            progress: Progress::hidden(),
            spent: BTreeMap::new(),
            fault_plan: None,
        };
        s.setup(args)?;
        s.audit
            .start_log(&s.stack)
            .context("starting the store's logs for the checks")?;
        s.spent.entry("setup").or_default().add(started);
        Ok(s)
    }

    /// Draws and carries out events until `--messages` inbound messages were acknowledged (or
    /// `--duration` passed, and a night under way ended), checking every `--check-every` events,
    /// then lets two hours pass and checks again. The first violation stops it.
    async fn drive(&mut self, args: &SoakArgs) -> anyhow::Result<Option<Violation>> {
        let every = args.check_every;
        let until = args.duration.map(|d| self.now() + d);
        let target = messages_target(args);
        self.progress.traffic_starts(self.now());
        self.sample_load()?;
        // A night under way is seen to its end (the agents back), even past `--duration`.
        while self.traffic.night_under_way()
            || match until {
                Some(until) => self.now() < until,
                None => self.acked < target,
            }
        {
            let event = self.traffic.next(self.recent.len());
            if let Some(record) = &mut self.record {
                if record.len() < MAX_RECORDED {
                    record.push(event.clone());
                } else {
                    self.record = None;
                }
            }
            let (activity, started) = (event.activity(), Instant::now());
            self.apply(event).await?;
            self.spent.entry(activity).or_default().add(started);
            self.events += 1;
            let (now, outbound) = (self.now(), self.stack.sim.outbound_created());
            self.metrics.on_event(now, self.acked, outbound);
            self.progress.update(&self.figures());
            let sample = self.events.is_multiple_of(LOAD_SAMPLE_EVERY);
            // A violation already seen is checked at once: the run stops there (time stuck
            // would stick again at every later wait).
            if self.events.is_multiple_of(every) || self.pending_violation.is_some() {
                let started = Instant::now();
                let checked = self.check(sample)?;
                self.spent.entry("checks").or_default().add(started);
                if let Err(v) = checked {
                    return Ok(Some(v));
                }
            } else if sample {
                let started = Instant::now();
                self.sample_load()?;
                self.spent.entry("load samples").or_default().add(started);
            }
        }
        self.sample_load()?;
        let started = Instant::now();
        let settled = self.settle().await?;
        self.spent.entry("settle").or_default().add(started);
        Ok(settled)
    }

    /// Lets every callback, retry and timer come due (each wait may start new sends: an idle
    /// close notice, a reminder) in 30-minute waits until every send is final (at most
    /// [`MAX_SETTLE_WAITS`]), then checks every invariant once more. After each wait the
    /// auditor reads what changed (which may already break an invariant) and then only the
    /// sends it saw in flight. A written feature's `When time passes until every send has
    /// settled` makes the same waits.
    async fn settle(&mut self) -> anyhow::Result<Option<Violation>> {
        let mut settled = Ok(());
        let mut waits = 0;
        while waits < MAX_SETTLE_WAITS {
            self.wait(TimeDelta::minutes(feature::SETTLE_MINUTES))
                .await?;
            waits += 1;
            self.sample_load()?;
            if let Err(v) = self.audit_changes()? {
                return Ok(Some(v));
            }
            // Invariant 6 as judged at each stop of that wait.
            if let Some(v) = self.take_stop_liveness() {
                return Ok(Some(v));
            }
            settled = self.audit.check_settled(&self.stack)?;
            if settled.is_ok() {
                break;
            }
        }
        Ok(settled.err().or(self.check(false)?.err()))
    }

    /// The transcript of the interaction a violation names, rendered.
    fn transcript(&self, v: &Violation) -> Option<String> {
        v.interaction
            .as_ref()
            .and_then(|n| convsms::transcript::render(&self.stack.store, n).ok())
    }

    fn now(&self) -> DateTime<Utc> {
        self.stack.clock.now()
    }

    /// Provider numbers, requesters, agents in one queue, the virtual agent on or off, and
    /// faults.
    fn setup(&mut self, args: &SoakArgs) -> anyhow::Result<()> {
        let engine = &self.stack.engine;
        self.stack
            .store
            .write(|tx| {
                tx.set_property(
                    convsms::engine::properties::VIRTUAL_AGENT_ENABLED,
                    if args.virtual_agent == Switch::On {
                        "true"
                    } else {
                        "false"
                    },
                )
            })
            .context("turning the virtual agent on or off")?;
        for n in &self.traffic.providers {
            let n = engine
                .add_provider_number("Conversational SMS", CONVERSATIONAL_SMS, n.as_str())
                .with_context(|| format!("adding the provider number {}", n.as_str()))?;
            self.stack.sim.add_number(n.as_str());
        }
        let handsets = self.traffic.handsets.clone();
        let orders = self.traffic.orders.clone();
        let agents: Vec<String> = (self.traffic.agents.iter().enumerate())
            .filter(|(i, _)| !args.absent_agents.contains(i))
            .map(|(_, a)| a.clone())
            .collect();
        self.stack
            .store
            .write(|tx| {
                for h in &handsets {
                    if let Kind::Known(table) = h.kind {
                        let party =
                            tx.insert_party(table, &h.name, None, Some(&h.number), Some(h.region))?;
                        for c in &h.cases {
                            let state = if c.open { "open" } else { "resolved" };
                            tx.insert_case(&c.number, c.about, state, &party)?;
                        }
                    }
                }
                for o in &orders {
                    tx.insert_order(&o.number, o.state, o.carrier, o.expected)?;
                }
                for a in &agents {
                    let u = tx.insert_party(PartyTable::SysUser, a, Some(a), None, None)?;
                    tx.grant_role(&u.sys_id, AGENT_ROLE)?;
                }
                Ok::<_, rusqlite::Error>(())
            })
            .context("creating the requesters and agents")?;
        let names: Vec<&str> = agents.iter().map(String::as_str).collect();
        engine
            .save_sms_queue("Soak", 100, None, &names)
            .context("saving the SMS queue")?;
        let mut desk = vec![];
        for i in 0..self.traffic.agents.len() {
            // Drawn for every agent, present or not: the same capacities either way.
            let capacity = 1 + self.traffic.pick(4) as u32;
            self.capacities.push(capacity);
            if !args.absent_agents.contains(&i) {
                desk.push((i, capacity));
            }
        }
        // One write and one routing pass for the whole desk (nothing waits yet).
        let desk: Vec<(&str, u32, Presence)> = (desk.into_iter())
            .map(|(i, capacity)| {
                let name = self.traffic.agents[i].as_str();
                (name, capacity, Presence::Available)
            })
            .collect();
        engine.set_sms_agents(&desk)?;
        let sim = &self.stack.sim;
        // The plan sets the fault seed with its rules (without faults nothing draws).
        self.fault_plan = FaultPlan::new(
            args.faults,
            args.seed,
            self.traffic.handsets.len(),
            self.traffic.providers.len(),
        )
        .map(|whole| args.fault_plan.clone().unwrap_or(whole));
        if let Some(plan) = &self.fault_plan {
            let phones: Vec<E164> = (self.traffic.handsets.iter())
                .map(|h| h.number.clone())
                .collect();
            plan.apply(sim, &phones, &self.traffic.providers);
        }
        Ok(())
    }

    /// Moves the clock and runs what came due: Twilio's side, then the engine's.
    ///
    /// Time stuck at one instant ([`crate::check::world::TimeStuck`]) is no error of the run
    /// but invariant 8's violation, left for the next check ([`Soak::time_stuck`]).
    async fn wait(&mut self, by: TimeDelta) -> anyhow::Result<()> {
        if let Err(e) = self.stack.pass_time(by).await {
            return self.time_stuck(e);
        }
        self.last_tick = self.now();
        if self.routing_check_due && self.routing_violation.is_none() {
            self.routing_check_due = false;
            let now = self.now();
            self.routing_violation = self.audit.check_routing(&self.stack, now)?.err();
        }
        Ok(())
    }

    /// Records `e`, a wait's failure, as invariant 8's pending violation when it is time stuck
    /// at one instant (work due that running never clears: the engine's timers or the
    /// simulated Twilio's deliveries never done), which the drive checks at once.
    ///
    /// # Errors
    /// `e` itself, for any other failure (the store could not be read or written).
    fn time_stuck(&mut self, e: anyhow::Error) -> anyhow::Result<()> {
        let Some(stuck) = e.downcast_ref::<crate::check::world::TimeStuck>() else {
            return Err(e);
        };
        if self.pending_violation.is_none() {
            self.pending_violation = Some(Violation {
                invariant: invariants::Invariant::Timers,
                interaction: None,
                detail: stuck.detail.clone(),
            });
        }
        Ok(())
    }

    /// Carries out one event and says what it came to (for the feature writer).
    async fn apply(&mut self, event: Event) -> anyhow::Result<Applied> {
        let engine = self.stack.engine.clone();
        Ok(match event {
            Event::Text { from, to, body } => self.text(from, to, body, &[]).await?,
            Event::Mms {
                from,
                to,
                body,
                media,
            } => {
                let urls: Vec<String> = media
                    .iter()
                    .enumerate()
                    .map(|(k, file)| media_url(from, k, *file))
                    .collect();
                self.text(from, to, body, &urls).await?
            }
            Event::Capacity(a, capacity) => {
                let agent = self.traffic.agents[a].clone();
                engine.set_sms_capacity(&agent, capacity)?;
                self.keep_over_capacity(&agent)?;
                Applied::Done
            }
            Event::Compose {
                agent,
                to,
                from,
                body,
                image,
            } => {
                let h = &self.traffic.handsets[to];
                let requester = match h.kind {
                    Kind::Known(table) => Some((table, h.name.clone())),
                    Kind::Unknown => None,
                };
                let sent = engine
                    .send_sms(ComposeRequest {
                        agent: self.traffic.agents[agent].clone(),
                        interaction: None,
                        requester,
                        from: Some(self.traffic.providers[from].as_str().to_owned()),
                        to: ToField::Other(h.number.as_str().to_owned()),
                        body,
                        attachment: image.then(|| Attachment {
                            file_name: "receipt.png".to_owned(),
                            content_type: "image/png".to_owned(),
                            data: SOAK_PNG.to_vec(),
                        }),
                    })
                    .await;
                match sent {
                    Err(e) => {
                        self.refused_by_engine(&e, "a Compose SMS");
                        Applied::Nothing
                    }
                    Ok(out) => Applied::Composed {
                        provider_refused: out
                            .provider_error
                            .as_ref()
                            .and_then(feature::provider_refusal),
                    },
                }
            }
            Event::Redeliver(i) => {
                let Some(sid) = self.recent.get(i).cloned() else {
                    return Ok(Applied::Nothing);
                };
                let mut timed_out = false;
                let before = audit::writes_and_sends(&self.stack)?;
                match self.stack.sim.redeliver_inbound(&sid).await {
                    Ok(d) if d.http_status() == Some(200) => {
                        self.redelivered += 1;
                        self.redelivered_unverified += 1;
                        self.unverified.push(sid.clone());
                    }
                    Ok(d) => self.engine_refused(&d, "a re-delivery of"),
                    Err(SimError::WebhookTimeout { .. }) => {
                        self.webhook_faults += 1;
                        timed_out = true;
                    }
                    Err(e) => return Err(e).with_context(|| format!("re-delivering {sid}")),
                }
                let after = audit::writes_and_sends(&self.stack)?;
                self.redelivery_changed_nothing(&sid, before, after);
                Applied::Redelivered {
                    sid,
                    message: None,
                    timed_out,
                }
            }
            Event::Presence(a, presence) => {
                let agent = &self.traffic.agents[a];
                engine.set_sms_presence(agent, presence)?;
                Applied::Done
            }
            Event::Answer { agent, accept } => {
                let mut offered = None;
                for index in self.agents_from(agent) {
                    let name = &self.traffic.agents[index];
                    if let Some(n) = engine.workspace_inbox(name)?.into_iter().next() {
                        offered = Some((index, name.clone(), n));
                        break;
                    }
                }
                match offered {
                    None => {
                        self.refused += 1;
                        Applied::Nothing
                    }
                    Some((index, name, n)) => {
                        let r = if accept {
                            engine.accept_work_item(&name, Some(&n)).await.map(|_| ())
                        } else {
                            engine.reject_work_item(&name, Some(&n)).await.map(|_| ())
                        };
                        if let Err(e) = r {
                            self.refused_by_engine(&e, "an agent's answer to an offer");
                            Applied::Nothing
                        } else {
                            if accept {
                                self.metrics.on_accept(&self.stack.store, &n, self.now())?;
                            }
                            Applied::Answered {
                                agent: index,
                                interaction: n,
                            }
                        }
                    }
                }
            }
            Event::Reply {
                agent,
                pick,
                body,
                close,
            } => {
                let Some((index, n)) = self.busy_agent(agent, pick)? else {
                    self.refused += 1;
                    return Ok(Applied::Nothing);
                };
                let agent = self.traffic.agents[index].clone();
                // The agent picks the conversation's own number in the From list, as the form
                // preselects it for a reply in an open conversation.
                let from = (self.stack.store)
                    .read(|tx| tx.interaction(&n))
                    .context("reading the interaction an agent replies in")?
                    .and_then(|i| i.provider_phone)
                    .map(|p| p.as_str().to_owned());
                let reply_from = from.clone();
                let outcome = engine
                    .send_sms(ComposeRequest {
                        agent: agent.clone(),
                        interaction: Some(n.clone()),
                        from,
                        to: ToField::Default,
                        body,
                        ..ComposeRequest::default()
                    })
                    .await;
                let sent = outcome.is_ok();
                let provider_refused = match outcome {
                    Ok(o) => o
                        .provider_error
                        .as_ref()
                        .and_then(feature::provider_refusal),
                    Err(e) => {
                        self.refused_by_engine(&e, "an agent's reply");
                        None
                    }
                };
                if sent {
                    self.metrics.on_reply(&self.stack.store, &n)?;
                }
                let closed = if close {
                    match engine.close_by(&agent, &n).await {
                        Ok(_) => true,
                        Err(e) => {
                            self.refused_by_engine(&e, "an agent's close");
                            false
                        }
                    }
                } else {
                    false
                };
                Applied::Replied {
                    agent: index,
                    interaction: n,
                    from: reply_from,
                    sent,
                    provider_refused,
                    closed,
                }
            }
            Event::Card { agent, pick } => {
                let Some((index, n, case)) = self.card_to_send(agent, pick)? else {
                    self.refused += 1;
                    return Ok(Applied::Nothing);
                };
                let body = crate::check::world::case_card_body(&self.stack.store, &case)?
                    .with_context(|| format!("the case {case} has no card"))?;
                let agent = self.traffic.agents[index].clone();
                let outcome = engine
                    .send_sms(ComposeRequest {
                        agent,
                        interaction: Some(n.clone()),
                        body,
                        ..ComposeRequest::default()
                    })
                    .await;
                let provider_refused = match outcome {
                    Ok(o) => {
                        self.metrics.on_reply(&self.stack.store, &n)?;
                        o.provider_error
                            .as_ref()
                            .and_then(feature::provider_refusal)
                    }
                    Err(e) => {
                        self.refused_by_engine(&e, "an agent's card");
                        return Ok(Applied::Nothing);
                    }
                };
                Applied::CardSent {
                    agent: index,
                    interaction: n,
                    case,
                    provider_refused,
                }
            }
            Event::Transfer { agent, pick, to } => {
                let Some((index, n)) = self.busy_agent(agent, pick)? else {
                    self.refused += 1;
                    return Ok(Applied::Nothing);
                };
                let name = self.traffic.agents[index].clone();
                let mut failed: Option<convsms::Error> = None;
                let done = match to {
                    Handoff::Agent(first) => {
                        // The first agent from `first` who can take it (available, a free
                        // slot), as an agent would pick a colleague the workspace shows free.
                        let mut went = None;
                        let others: Vec<usize> =
                            self.agents_from(first).filter(|&i| i != index).collect();
                        for other in others {
                            let target = self.traffic.agents[other].clone();
                            match engine
                                .transfer(&name, &n, TransferTarget::Agent(&target))
                                .await
                            {
                                Ok(()) => {
                                    went = Some(Handoff::Agent(other));
                                    break;
                                }
                                Err(convsms::Error::WorkAssignment(
                                    WorkAssignmentRefusal::CannotTake { .. },
                                )) => {}
                                Err(e) => {
                                    failed = Some(e);
                                    break;
                                }
                            }
                        }
                        went
                    }
                    Handoff::Queue => engine
                        .transfer(&name, &n, TransferTarget::Queue(feature::QUEUE))
                        .await
                        .map_err(|e| failed = Some(e))
                        .ok()
                        .map(|()| Handoff::Queue),
                    Handoff::Leave => engine
                        .leave(&name, &n)
                        .await
                        .map_err(|e| failed = Some(e))
                        .ok()
                        .map(|()| Handoff::Leave),
                };
                if let Some(e) = &failed {
                    if e.class() == convsms::error::ErrorClass::Bug {
                        self.count_engine_failure(format!("the engine failed a transfer: {e}"));
                    }
                }
                match done {
                    Some(to) => Applied::Transferred {
                        agent: index,
                        interaction: n,
                        to,
                    },
                    None => {
                        self.refused += 1;
                        Applied::Nothing
                    }
                }
            }
            Event::Wait(seconds) => {
                self.wait(TimeDelta::seconds(seconds)).await?;
                Applied::Done
            }
        })
    }

    /// The agents' indexes from `first` on, wrapping round: whom an answer or a reply drawn for
    /// agent `first` falls to, in turn.
    /// The first agent from `first` (index, wrapping round) with a conversation in their Ongoing
    /// tab, and the one of them `pick` chooses (modulo their number); `None` when nobody has one.
    fn busy_agent(
        &self,
        first: usize,
        pick: u32,
    ) -> anyhow::Result<Option<(usize, convsms::domain::model::InteractionNumber)>> {
        for index in self.agents_from(first) {
            let ongoing = self.stack.engine.ongoing_tab(&self.traffic.agents[index])?;
            if !ongoing.is_empty() {
                let n = ongoing[pick as usize % ongoing.len()].interaction.clone();
                return Ok(Some((index, n)));
            }
        }
        Ok(None)
    }

    /// The card an agent sends ([`Event::Card`]): agent `first`, or the first after them with
    /// a conversation whose requester has an open case; among those conversations the one
    /// `pick` names (modulo their number), and its requester's first open case. `None` when no
    /// agent has such a conversation.
    fn card_to_send(
        &self,
        first: usize,
        pick: u32,
    ) -> anyhow::Result<Option<(usize, convsms::domain::model::InteractionNumber, String)>> {
        for index in self.agents_from(first) {
            let ongoing = self.stack.engine.ongoing_tab(&self.traffic.agents[index])?;
            if ongoing.is_empty() {
                continue;
            }
            // One read for the whole tab: each conversation's requester's first open case.
            let mut with_cases = (self.stack.store)
                .read(|tx| -> Result<Vec<_>, convsms::store::StoreError> {
                    let mut found = vec![];
                    for entry in ongoing {
                        let Some(i) = tx.interaction(&entry.interaction)? else {
                            continue;
                        };
                        let Some(party) = tx.party(i.opened_for.0, &i.opened_for.1)? else {
                            continue;
                        };
                        if let Some((case, _)) = tx.open_cases(&party)?.into_iter().next() {
                            found.push((entry.interaction, case));
                        }
                    }
                    Ok(found)
                })
                .context("reading the cases of the conversations' requesters")?;
            if !with_cases.is_empty() {
                let (n, case) = with_cases.swap_remove(pick as usize % with_cases.len());
                return Ok(Some((index, n, case)));
            }
        }
        Ok(None)
    }

    fn agents_from(&self, first: usize) -> impl Iterator<Item = usize> + '_ {
        let n = self.traffic.agents.len();
        (first..n)
            .chain(0..first.min(n))
            .filter(|i| !self.absent_agents.contains(i))
    }

    /// After `agent`'s capacity changed: remembers the work they hold beyond it (which the
    /// engine lets them keep), or forgets it when they are within it.
    fn keep_over_capacity(&mut self, agent: &str) -> anyhow::Result<()> {
        let now = self.now();
        Ok(audit::keep_over_capacity(
            &self.stack,
            now,
            agent,
            &mut self.kept,
        )?)
    }

    /// Every agent's capacity and held work ([`AgentLoad::kept`] filled in).
    fn snapshot_loads(&self) -> anyhow::Result<Vec<invariants::AgentLoad>> {
        let r = audit::routing(&self.stack, self.now())?;
        Ok(audit::loads(&r.agents, &r.items, &r.numbers, &self.kept))
    }

    /// Handset `from` texts provider number `to`: `body` and `media` URLs. Each text the engine
    /// acknowledged counts, keywords (Twilio's and ServiceNow's) too: the engine stores each in a
    /// transcript.
    /// [`Applied::TimedOut`] when an injected fault lost the webhook's answer.
    async fn text(
        &mut self,
        from: usize,
        to: usize,
        body: String,
        media: &[String],
    ) -> anyhow::Result<Applied> {
        let handset = self.traffic.handsets[from].number.as_str().to_owned();
        let provider = self.traffic.providers[to].as_str().to_owned();
        let twilio = convsms_sim::opt_out_keyword(&body);
        match self
            .stack
            .sim
            .send_inbound(&handset, &provider, &body, media)
            .await
        {
            Ok(d) if d.http_status() == Some(200) => {
                match twilio {
                    Some(twilio_wire::webhook::OptOutType::Stop) => {
                        self.traffic.handsets[from].opted_out = Some(to);
                    }
                    Some(twilio_wire::webhook::OptOutType::Start) => {
                        let h = &mut self.traffic.handsets[from];
                        if h.opted_out == Some(to) {
                            h.opted_out = None;
                        }
                    }
                    _ => {}
                }
                // Every text, keywords included: the engine stores each in a transcript.
                self.acked += 1;
                self.unverified.push(d.sid.clone());
                self.recent.push_back(d.sid);
                if self.recent.len() > RECENT {
                    self.recent.pop_front();
                }
            }
            Ok(d) => self.engine_refused(&d, "the webhook of"),
            Err(SimError::WebhookTimeout { .. }) => {
                self.webhook_faults += 1;
                return Ok(Applied::TimedOut);
            }
            Err(e) => return Err(e).with_context(|| format!("{handset} texting {provider}")),
        }
        Ok(Applied::Done)
    }

    /// Records that the engine answered a genuine, signed webhook (`what` its inbound message
    /// `d.sid`) with other than 200: the message is lost (invariant 1), reported at the next
    /// check. The first such answer (or engine failure, [`Soak::refused_by_engine`]) is the one
    /// reported.
    /// Counts a request the engine refused (a wrong request or a configuration it does not
    /// allow: the traffic draws such), or, when the engine failed instead (a store error or a
    /// bug, `ErrorClass::Bug`), records invariant 10's violation, reported at the next check.
    fn refused_by_engine(&mut self, e: &convsms::Error, what: &str) {
        if e.class() != convsms::error::ErrorClass::Bug {
            self.refused += 1;
            return;
        }
        self.count_engine_failure(format!("the engine failed {what}: {e}"));
    }

    fn count_engine_failure(&mut self, detail: String) {
        if self.pending_violation.is_none() {
            self.pending_violation = Some(Violation {
                invariant: invariants::Invariant::EngineAnswers,
                interaction: None,
                detail,
            });
        }
    }

    /// Records invariant 2's verdict on a re-delivery of `sid`
    /// ([`invariants::redelivery_changed_nothing`]) as the pending violation.
    fn redelivery_changed_nothing(
        &mut self,
        sid: &twilio_wire::sid::MessageSid,
        before: (i64, u64),
        after: (i64, u64),
    ) {
        if self.pending_violation.is_none() {
            self.pending_violation =
                invariants::redelivery_changed_nothing(sid, before, after).err();
        }
    }

    fn engine_refused(&mut self, d: &convsms_sim::InboundDelivery, what: &str) {
        if self.pending_violation.is_some() {
            return;
        }
        let detail = match &d.answer {
            Some(a) => {
                let answer: String = a.body.chars().take(300).collect();
                format!(
                    "the engine answered HTTP {} to {what} {}, a genuine signed webhook (the \
                     soak injects only timeouts), so the message is lost; its answer: {answer:?}",
                    a.http_status, d.sid
                )
            }
            None => format!(
                "{what} {} was posted nowhere (no SMS URL applied), so the message is lost",
                d.sid
            ),
        };
        self.pending_violation = Some(Violation {
            invariant: invariants::Invariant::InboundOnce,
            interaction: None,
            detail,
        });
    }

    /// Reads the agents' load (as [`Soak::check`] does) and hands it to the utilisation figure.
    ///
    /// # Errors
    /// The store cannot be read.
    fn sample_load(&mut self) -> anyhow::Result<()> {
        let now = self.now();
        let loads = self.snapshot_loads()?;
        self.metrics.on_load_sample(&self.stack.store, now, &loads)
    }

    /// Reads the store and the simulator and runs every invariant, counting the checks; with
    /// `sample_load`, the agents' load it read is also the utilisation figure's next sample.
    ///
    /// # Errors
    /// The store cannot be read (the outer result; the inner one is the invariants' verdict).
    fn check(&mut self, sample_load: bool) -> anyhow::Result<Result<(), Violation>> {
        self.routing_check_due = true;
        if let Some(v) = self.pending_violation.take() {
            return Ok(Err(v));
        }
        if let Some(v) = self.routing_violation.take() {
            return Ok(Err(v));
        }
        if let Some(v) = self.take_stop_liveness() {
            return Ok(Err(v));
        }
        let now = self.now();
        let loads = self.snapshot_loads()?;
        audit::trim_kept(&loads, &mut self.kept);
        self.metrics.active = self.stack.store.read(|tx| tx.audit_active_sms_count())?;
        if sample_load {
            self.metrics
                .on_load_sample(&self.stack.store, now, &loads)?;
        }
        self.audit_changes()
    }

    /// Invariant 6 as [`Stack::pass_time`] judged it at each instant of the waits since the last
    /// check ([`crate::check::world::StopLiveness`]): its counts go to the report, and its
    /// first violation, if any, is returned.
    fn take_stop_liveness(&mut self) -> Option<Violation> {
        let mut judge = self
            .stack
            .stop_liveness
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let (checks, examined) = (judge.checks, judge.examined);
        (judge.checks, judge.examined) = (0, 0);
        let violation = judge.violation.take();
        drop(judge);
        let liveness = invariants::Invariant::Liveness;
        *self.audit.checks.entry(liveness).or_default() += checks;
        *self.audit.examined.entry(liveness).or_default() += examined;
        violation
    }

    /// The auditor's check of what changed since its last ([`Auditor::check`]), without the
    /// routing invariants and the metrics' snapshot that [`Soak::check`] adds.
    fn audit_changes(&mut self) -> anyhow::Result<Result<(), Violation>> {
        // Invariant 10 looked at every request since the last check (an engine failure among
        // them is the pending violation below).
        let requests = self.events - self.events_judged;
        self.events_judged = self.events;
        self.audit
            .count(invariants::Invariant::EngineAnswers, requests as usize);
        if let Some(v) = invariants::callbacks_taken(&self.stack.sim.refused_status_callbacks()) {
            self.count_engine_failure(v.detail);
        }
        // Also for the closing settle's checks, which come here directly.
        if let Some(v) = self.pending_violation.take() {
            return Ok(Err(v));
        }
        let verdict = self.audit.check(
            &self.stack,
            self.now(),
            &self.unverified,
            &self.kept,
            self.last_tick,
        )?;
        self.unverified.clear();
        // A check that found nothing wrong checked invariant 1 on them, as on every SID.
        if verdict.is_ok() {
            self.redelivered_verified += self.redelivered_unverified;
        }
        self.redelivered_unverified = 0;
        Ok(verdict)
    }

    fn report(
        &self,
        args: &SoakArgs,
        virtual_start: DateTime<Utc>,
        violation: &Option<(Violation, DateTime<Utc>, Option<String>)>,
        started: Instant,
    ) -> anyhow::Result<Report> {
        let end = self.now();
        let conversations = self
            .stack
            .store
            .read(|tx| tx.audit_interaction_count())
            .context("counting the interactions")?;
        let (digest, tally) =
            audit::transcripts_digest(&self.stack).context("reading the transcripts")?;
        let still_waiting = self
            .stack
            .store
            .read(|tx| tx.awa_active_items())
            .context("reading the work items")?
            .into_iter()
            .filter(|w| w.state != WorkItemState::Accepted)
            .map(|w| end - w.created_at);
        let still_waiting = metrics::Durations::of(still_waiting);
        let outbound = self.stack.sim.outbound_created();
        let mut metrics = self.metrics.clone();
        metrics.on_event(end, self.acked, outbound);
        let metrics = metrics.summary(
            end,
            still_waiting,
            tally,
            self.stack.sim.faults_struck(),
            (self.redelivered, self.redelivered_verified),
        );
        let mut report = Report {
            options: Options {
                seed: args.seed,
                conversations: args.conversations,
                messages: args.duration.is_none().then_some(args.messages),
                agents: args.agents,
                faults: args.faults.as_str().to_owned(),
                duration_seconds: args.duration.map(|d| d.num_seconds()),
                virtual_agent: args.virtual_agent == Switch::On,
                transport: match args.transport {
                    Transport::Http => "http",
                    Transport::Inproc => "inproc",
                }
                .to_owned(),
                partition: args.partition,
                check_every: Some(args.check_every),
                injected_defect: args
                    .defect
                    .or_else(|| Defect::from_env().ok().flatten())
                    .map(|d| d.name().to_owned()),
                build: report::this_build(),
            },
            shards: args.partition.into_iter().collect(),
            passed: violation.is_none(),
            violation: violation
                .as_ref()
                .map(|(v, at, _)| format!("{v} (at {})", at.to_rfc3339())),
            broken: violation.as_ref().map(|(v, at, _)| report::Broken {
                invariant: v.invariant.to_string(),
                at: at.to_rfc3339(),
                interaction: v.interaction.as_ref().map(|n| n.as_str().to_owned()),
                detail: v.detail.clone(),
                shard: args.partition,
            }),
            events: self.events,
            inbound: self.acked,
            redelivered: self.redelivered,
            outbound,
            requesters: self.traffic.handsets.len() as u64,
            conversations,
            refused: self.refused,
            webhook_faults: self.webhook_faults,
            invalid_number_draws: self.traffic.invalid_draws,
            virtual_start: virtual_start.to_rfc3339(),
            virtual_end: end.to_rfc3339(),
            virtual_seconds: (end - virtual_start).num_seconds(),
            transcripts_digest: digest,
            metrics,
            checks: self
                .audit
                .checks
                .iter()
                .map(|(i, n)| (i.name().to_owned(), *n))
                .collect(),
            examined: self
                .audit
                .examined
                .iter()
                .map(|(i, n)| (i.name().to_owned(), *n))
                .collect(),
            wall: Wall::default(),
        };
        let seconds = started.elapsed().as_secs_f64();
        let by_activity = self
            .spent
            .iter()
            .map(|(k, s)| ((*k).to_owned(), *s))
            .collect();
        report.wall = Wall::new(seconds, report.messages(), by_activity);
        Ok(report)
    }
}

#[cfg(test)]
impl SoakArgs {
    /// A small soak of `seed` (30 requesters, 150 inbound messages, 4 agents, no faults,
    /// in process, the virtual agent on, checks every 25 events, no shrinking): for tests.
    pub fn for_tests(seed: u64) -> SoakArgs {
        SoakArgs {
            seed,
            conversations: 30,
            messages: 150,
            duration: None,
            agents: 4,
            faults: Faults::None,
            transport: Transport::Inproc,
            db: None,
            virtual_agent: Switch::On,
            check_every: 25,
            json: None,
            html: None,
            partition: None,
            jobs: 1,
            command: None,
            failure_dir: PathBuf::from("."),
            shrink_trials: 0,
            defect: None,
            absent_agents: vec![],
            fault_plan: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::invariants::Invariant;
    use super::*;

    #[test]
    fn jobs_are_a_whole_number_from_one() {
        assert_eq!(parse_jobs("2"), Ok(2));
        assert_eq!(parse_jobs("1"), Ok(1));
        for bad in ["0", "-1", "two", ""] {
            let e = parse_jobs(bad).unwrap_err();
            assert!(e.contains("at least 1"), "{bad}: {e}");
        }
    }

    #[test]
    fn shards_without_messages_and_report_files_that_cannot_be_written_are_refused_before_the_run()
    {
        let dir = std::env::temp_dir().join(format!("convsms-soak-out-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let with = |json: PathBuf, html: Option<PathBuf>| SoakArgs {
            json: Some(json),
            html,
            ..SoakArgs::for_tests(1)
        };
        assert_eq!(check_before_run(&with(dir.join("r.json"), None)), Ok(()));
        assert_eq!(check_before_run(&with("r.json".into(), None)), Ok(()));
        let e = check_before_run(&with(dir.join("none").join("r.json"), None)).unwrap_err();
        assert!(
            e.starts_with("--json ") && e.contains("create it first"),
            "{e}"
        );
        let e = check_before_run(&with(dir.join("r.json"), Some(dir.join("r.json")))).unwrap_err();
        assert!(
            e.contains("both name") && e.contains("give two files"),
            "{e}"
        );
        let e = check_before_run(&with("r.json".into(), Some("./r.json".into()))).unwrap_err();
        assert!(e.contains("both name"), "{e}");
        let in_the_way = SoakArgs {
            failure_dir: dir.join("r.json"),
            ..SoakArgs::for_tests(1)
        };
        std::fs::write(dir.join("r.json"), "{}").unwrap();
        let e = check_before_run(&in_the_way).unwrap_err();
        assert!(
            e.starts_with("--failure-dir ") && e.contains("is a file"),
            "{e}"
        );
        std::fs::remove_file(dir.join("r.json")).unwrap();
        let e = check_before_run(&with(dir.join("r.json"), Some(dir.clone()))).unwrap_err();
        assert!(e.starts_with("--html ") && e.contains("is a folder"), "{e}");
        let e = check_before_run(&with(PathBuf::from("not-yet/"), None)).unwrap_err();
        assert!(e.contains("is a folder"), "{e}");
        // A folder nobody may create files in, root included; the probe leaves nothing in `dir`.
        let e = check_before_run(&with(PathBuf::from("/proc/r.json"), None)).unwrap_err();
        assert!(
            e.starts_with("--json /proc/r.json: cannot be written ("),
            "{e}"
        );
        let existing = dir.join("kept.json");
        std::fs::write(&existing, "{}").unwrap();
        assert_eq!(check_before_run(&with(existing.clone(), None)), Ok(()));
        assert_eq!(std::fs::read_to_string(&existing).unwrap(), "{}");
        let left: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(left, ["kept.json"]);
        let few = |messages: u64, jobs: usize, partition: Option<&str>| SoakArgs {
            messages,
            jobs,
            partition: partition.map(|p| p.parse().unwrap()),
            ..SoakArgs::for_tests(1)
        };
        assert_eq!(check_before_run(&few(2, 2, None)), Ok(()));
        let e = check_before_run(&few(1, 2, None)).unwrap_err();
        assert_eq!(
            e,
            "--messages 1 leaves some of the 2 shards no message: give at least 2"
        );
        assert!(check_before_run(&few(2, 1, Some("3/3"))).is_err());
        let timed = SoakArgs {
            duration: Some(TimeDelta::days(1)),
            ..few(1, 2, None)
        };
        assert_eq!(check_before_run(&timed), Ok(()));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn counts_of_nothing_are_refused_with_what_to_give() {
        assert_eq!(parse_conversations("200"), Ok(200));
        assert_eq!(parse_agents("1"), Ok(1));
        assert_eq!(parse_check_every("1"), Ok(1));
        assert_eq!(parse_messages("15000"), Ok(15_000));
        let e = parse_agents("0").unwrap_err();
        assert_eq!(
            e,
            "0 is not a number of agents: give a whole number, at least 1 (the default is 8)"
        );
        assert!(parse_conversations("0")
            .unwrap_err()
            .contains("number of requesters"));
        assert!(parse_check_every("0")
            .unwrap_err()
            .contains("1 checks after every event"));
        assert!(parse_messages("-5")
            .unwrap_err()
            .contains("inbound messages"));
    }

    fn small(seed: u64, faults: Faults) -> SoakArgs {
        SoakArgs {
            faults,
            ..SoakArgs::for_tests(seed)
        }
    }

    async fn report_without_wall(args: &SoakArgs) -> serde_json::Value {
        let outcome = soak(args).await.unwrap();
        assert!(outcome.violation.is_none(), "{:?}", outcome.violation);
        let mut json = outcome.report.to_json();
        let wall = json.as_object_mut().unwrap().remove("wall");
        assert!(wall.is_some(), "the wall-time figures are under \"wall\"");
        json
    }

    #[tokio::test(flavor = "current_thread")]
    async fn one_seed_gives_one_report_and_another_seed_another() {
        let a = report_without_wall(&small(11, Faults::Heavy)).await;
        let b = report_without_wall(&small(11, Faults::Heavy)).await;
        assert_eq!(a, b);
        assert_eq!(a["inbound"], 150);
        assert!(a["outbound"].as_u64().unwrap() > 0, "{a}");
        for (name, n) in a["checks"].as_object().unwrap() {
            assert!(n.as_u64().unwrap() >= 2, "{name} checked {n} times");
        }
        let injected = &a["metrics"]["faults"]["injected"];
        for kind in [
            "callback_drop",
            "callback_duplicate",
            "callback_reorder",
            "callback_delay",
            "api_rate_limit",
            "api_server_error",
            "api_server_error_after_create",
        ] {
            assert!(
                injected[kind].as_u64() > Some(0),
                "heavy faults strike {kind}: {injected}"
            );
        }
        let c = report_without_wall(&small(12, Faults::Heavy)).await;
        assert_ne!(a["transcripts_digest"], c["transcripts_digest"]);
    }

    #[tokio::test(flavor = "current_thread")]
    async fn a_genuine_webhook_the_engine_refuses_breaks_invariant_1_at_the_next_check() {
        let mut s = Soak::start(&small(3, Faults::None)).await.unwrap();
        assert_eq!(s.check(false).unwrap(), Ok(()));
        let refused = convsms_sim::InboundDelivery {
            sid: twilio_wire::sid::MessageSid::sms(9),
            answer: Some(convsms_sim::WebhookAnswer {
                http_status: 500,
                body: "database is locked".to_owned(),
            }),
        };
        s.engine_refused(&refused, "the webhook of");
        let v = s.check(false).unwrap().unwrap_err();
        assert_eq!(v.invariant, invariants::Invariant::InboundOnce);
        assert!(
            v.detail
                .contains("answered HTTP 500 to the webhook of SM00000000000000000000000000000009")
                && v.detail.contains("database is locked"),
            "{v}"
        );
        // Reported once; the next check looks at the store again.
        assert_eq!(s.check(false).unwrap(), Ok(()));
    }

    /// A refusal the traffic drew is counted; an engine that fails a request (a store error)
    /// breaks invariant 10 at the next check, not counted as a refusal.
    #[tokio::test(flavor = "current_thread")]
    async fn an_engine_failure_is_no_refusal_but_breaks_invariant_10() {
        let mut s = Soak::start(&small(3, Faults::None)).await.unwrap();
        assert_eq!(s.check(false).unwrap(), Ok(()));
        let refused = s.refused;
        s.refused_by_engine(&convsms::Error::NoProvider, "a Compose SMS");
        assert_eq!(s.refused, refused + 1);
        assert_eq!(s.check(false).unwrap(), Ok(()));
        let failed = convsms::Error::Store(rusqlite::Error::SqliteFailure(
            rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_CONSTRAINT),
            Some("UNIQUE constraint failed: interaction.active_pair".to_owned()),
        ));
        s.refused_by_engine(&failed, "a Compose SMS");
        assert_eq!(s.refused, refused + 1, "not counted as a refusal");
        let v = s.check(false).unwrap().unwrap_err();
        assert_eq!(v.invariant, invariants::Invariant::EngineAnswers);
        assert!(
            v.detail.contains("the engine failed a Compose SMS")
                && v.detail.contains("UNIQUE constraint failed"),
            "{v}"
        );
    }

    #[tokio::test(flavor = "current_thread")]
    async fn how_often_the_invariants_are_checked_changes_no_figure() {
        let often = report_without_wall(&small(3, Faults::Light)).await;
        let rarely = report_without_wall(&SoakArgs {
            check_every: 100_000,
            ..small(3, Faults::Light)
        })
        .await;
        assert_eq!(often["transcripts_digest"], rarely["transcripts_digest"]);
        assert_eq!(often["metrics"], rarely["metrics"]);
        assert_ne!(often["checks"], rarely["checks"]);
        let busy: u64 = often["metrics"]["agents"]
            .as_object()
            .unwrap()
            .values()
            .map(|a| a["busy_slot_seconds"].as_u64().unwrap())
            .sum();
        assert!(busy > 0, "agents held work: {}", often["metrics"]["agents"]);
    }

    #[tokio::test(flavor = "current_thread")]
    async fn utilisation_counts_capacity_from_the_first_instant_to_the_last() {
        // In a run where no agent's capacity changes, each agent's capacity-seconds are their
        // capacity times the run's virtual seconds: only if the load was sampled at its first
        // instant and counted to its end.
        for seed in 1..=10 {
            let args = SoakArgs {
                messages: 20,
                check_every: 100_000,
                ..small(seed, Faults::None)
            };
            let outcome = soak(&args).await.unwrap();
            let events = outcome.events.unwrap();
            if events.iter().any(|e| matches!(e, Event::Capacity(..))) {
                continue;
            }
            let r = &outcome.report;
            let seconds = u64::try_from(r.virtual_seconds).unwrap();
            assert!(!r.metrics.agents.is_empty());
            for (name, a) in &r.metrics.agents {
                let capacity = a.capacity_slot_seconds / seconds;
                assert!(
                    (1..=4).contains(&capacity) && a.capacity_slot_seconds % seconds == 0,
                    "{name}: {} capacity-seconds over {seconds} s",
                    a.capacity_slot_seconds
                );
            }
            return;
        }
        panic!("every seed of 1 to 10 changed a capacity: pick others");
    }

    #[tokio::test(flavor = "current_thread")]
    async fn agents_send_cases_cards_and_the_virtual_agent_lists_open_cases() {
        let dir = std::env::temp_dir().join(format!("convsms-soak-cases-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let db = dir.join("cases.db");
        let _ = std::fs::remove_file(&db);
        report_without_wall(&SoakArgs {
            messages: 1_500,
            conversations: 200,
            db: Some(db.clone()),
            ..small(1, Faults::None)
        })
        .await;
        let conn = rusqlite::Connection::open(&db).unwrap();
        let count = |sql: &str| -> i64 { conn.query_row(sql, [], |r| r.get(0)).unwrap() };
        // Agents' cards, each of an open case of the conversation's requester.
        let card = |who: &str, own: bool| {
            count(&format!(
                "SELECT count(*) FROM sys_cs_message m JOIN interaction i ON i.sys_id = m.interaction
                 LEFT JOIN sn_customerservice_case c ON c.number = substr(m.body, 7, 9)
                     AND c.contact_table = i.opened_for_table AND c.contact = i.opened_for
                     AND c.state = 'open'
                 WHERE m.author_kind = '{who}' AND m.body LIKE 'Case: CS%'
                   AND (c.number IS NOT NULL) = {own}"
            ))
        };
        let (cards, strays) = (card("agent", true), card("agent", false));
        // The virtual agent: lists of open cases, a case's card, an order's question.
        let listed = count(
            "SELECT count(*) FROM sys_cs_message WHERE body LIKE 'Which of your open cases?%'",
        );
        let va_cards = card("virtual_agent", true) + card("virtual_agent", false);
        let orders = count(
            "SELECT count(*) FROM sys_cs_message WHERE body LIKE 'What would you like to do with order%'",
        );
        assert!(
            cards > 0 && strays == 0 && listed > 0 && va_cards > 0 && orders > 0,
            "{cards} agents' cards of the requester's open cases, {strays} of another case, \
             {listed} open-case lists, {va_cards} cards by the virtual agent, {orders} orders asked about"
        );
        drop(conn);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[tokio::test(flavor = "current_thread")]
    async fn inproc_and_http_give_the_same_transcripts_and_a_file_database_the_same_as_memory() {
        let dir = std::env::temp_dir().join(format!("convsms-soak-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let db = dir.join("soak.db");
        let _ = std::fs::remove_file(&db);
        let inproc = report_without_wall(&small(5, Faults::Heavy)).await;
        let http = report_without_wall(&SoakArgs {
            transport: Transport::Http,
            db: Some(db.clone()),
            ..small(5, Faults::Heavy)
        })
        .await;
        assert_eq!(inproc["transcripts_digest"], http["transcripts_digest"]);
        assert_eq!(inproc["outbound"], http["outbound"]);
        assert_eq!(inproc["checks"], http["checks"]);
        let rows: i64 = rusqlite::Connection::open(&db)
            .unwrap()
            .query_row("SELECT count(*) FROM sys_cs_message", [], |r| r.get(0))
            .unwrap();
        assert!(rows >= 150, "the file holds the transcripts: {rows} rows");
        let again = soak(&SoakArgs {
            db: Some(db.clone()),
            ..small(5, Faults::Heavy)
        })
        .await
        .unwrap_err();
        assert!(
            format!("{again:#}").contains("the file exists"),
            "{again:#}"
        );
        let _ = std::fs::remove_dir_all(&dir);
    }

    /// What the engine's connection writes after a check reaches the next one through the
    /// store's change log: a delivered send written back to sending breaks invariant 3.
    #[tokio::test(flavor = "current_thread")]
    async fn a_status_written_back_in_the_live_store_is_caught_by_the_next_check() {
        use convsms::domain::delivery::{DeliveryStatus, Direction};

        let args = small(3, Faults::None);
        let mut s = Soak::start(&args).await.unwrap();
        assert_eq!(s.drive(&args).await.unwrap(), None);
        assert_eq!(s.check(false).unwrap(), Ok(()));
        let delivered = audit::all_rows(&s.stack)
            .unwrap()
            .into_iter()
            .find(|r| r.direction == Direction::Outbound && r.status == DeliveryStatus::Delivered)
            .and_then(|r| r.sid)
            .expect("a delivered send");
        let now = s.now();
        s.stack
            .store
            .write(|tx| {
                let (message, _) = tx.message_by_sid(&delivered)?.expect("its row");
                tx.set_message_status(&message, DeliveryStatus::Sending, None, now)
            })
            .unwrap();
        let v = s.check(false).unwrap().unwrap_err();
        assert_eq!(v.invariant, Invariant::StatusForward, "{v}");
        assert!(v.detail.contains("delivered back to sending"), "{v}");
    }

    /// The end-of-run check reads the sends the last check saw in flight: one written after the
    /// run, never handed to the provider, is caught.
    #[tokio::test(flavor = "current_thread")]
    async fn a_send_still_pending_at_the_end_is_caught() {
        use convsms::domain::delivery::{DeliveryStatus, Direction};
        use convsms::domain::model::AuthorKind;

        let args = small(3, Faults::None);
        let mut s = Soak::start(&args).await.unwrap();
        assert_eq!(s.drive(&args).await.unwrap(), None);
        assert_eq!(s.settle().await.unwrap(), None, "the run itself settles");
        let now = s.now();
        s.stack
            .store
            .write(|tx| {
                let first = tx.interactions()?.remove(0);
                tx.insert_message(
                    &first.sys_id,
                    Direction::Outbound,
                    AuthorKind::System,
                    None,
                    "never sent",
                    &[],
                    None,
                    DeliveryStatus::Pending,
                    now,
                )
            })
            .unwrap();
        assert_eq!(s.audit_changes().unwrap(), Ok(()));
        let v = s.audit.check_settled(&s.stack).unwrap().unwrap_err();
        assert_eq!(v.invariant, Invariant::OutboundAtMostOnce, "{v}");
        assert!(
            v.detail.contains("is still pending after 0 attempts"),
            "{v}"
        );
    }

    #[tokio::test(flavor = "current_thread")]
    async fn an_agent_over_capacity_in_the_live_store_is_caught_with_a_transcript() {
        // The first of a few small soaks that ends with an agent holding accepted work (an
        // offer is withdrawn when the capacity is lowered).
        let mut busy_end = None;
        for seed in 3..13 {
            let args = small(seed, Faults::None);
            let mut s = Soak::start(&args).await.unwrap();
            assert_eq!(s.drive(&args).await.unwrap(), None);
            // Outside the soak: it knows of no capacity it lowered.
            s.kept.clear();
            let held = s.snapshot_loads().unwrap();
            let items = audit::routing(&s.stack, s.now()).unwrap().items;
            let accepted = |agent: &str| {
                items.iter().any(|w| {
                    w.state == convsms::domain::work_assignment::WorkItemState::Accepted
                        && w.holds_slot_of(agent)
                })
            };
            if let Some(l) = held.into_iter().find(|l| accepted(&l.agent)) {
                busy_end = Some((seed, s, l));
                break;
            }
        }
        let (seed, mut s, held) =
            busy_end.expect("an agent holding accepted work after one of ten soaks");
        // Someone lowers a busy agent's capacity below their load, unknown to the soak (its own
        // capacity changes go through `keep_over_capacity`).
        let busy = s
            .stack
            .store
            .read(|tx| tx.user_name(&held.agent))
            .unwrap()
            .expect("the agent's user_name");
        s.stack.engine.set_sms_capacity(&busy, 0).unwrap();
        // Another agent's capacity change since keeps aside only that agent's work.
        let other = s
            .traffic
            .agents
            .iter()
            .find(|a| **a != busy)
            .unwrap()
            .clone();
        s.stack.engine.set_sms_capacity(&other, 4).unwrap();
        s.keep_over_capacity(&other).unwrap();
        let v = s.check(false).unwrap().unwrap_err();
        assert_eq!(v.invariant, Invariant::Capacity, "{v}");
        let transcript = s.transcript(&v).expect("the interaction's transcript");
        let mut printed = vec![];
        print_violation(&mut printed, seed, 100, &v, s.now(), Some(&transcript)).unwrap();
        let printed = String::from_utf8(printed).unwrap();
        for part in [
            &format!(
                "seed {seed} broke invariant 5 agent-within-sms-capacity, found by the check at virtual time 2026-"
            ),
            &v.detail,
            &transcript,
        ] {
            assert!(printed.contains(part), "no {part:?} in:\n{printed}");
        }
        assert!(
            transcript.contains(&v.interaction.unwrap().to_string()),
            "{transcript}"
        );
    }

    /// A small soak (seed 3 on) that ends with an active SMS interaction a live agent has.
    async fn soak_with_an_agents_conversation() -> (Soak, convsms::domain::model::Interaction) {
        use convsms::domain::model::Handler;
        for seed in 3..13 {
            let args = small(seed, Faults::None);
            let mut s = Soak::start(&args).await.unwrap();
            assert_eq!(s.drive(&args).await.unwrap(), None);
            assert_eq!(s.check(false).unwrap(), Ok(()));
            let with_agent = s
                .stack
                .store
                .read(|tx| tx.interactions())
                .unwrap()
                .into_iter()
                .find(|i| i.active && matches!(i.handler, Handler::Agent(_)));
            if let Some(i) = with_agent {
                return (s, i);
            }
        }
        panic!("no agent's conversation at the end of ten small soaks");
    }

    /// Invariant 12 through the live auditor: an agent's conversation handed to an agent who
    /// never joined its live group profile.
    #[tokio::test(flavor = "current_thread")]
    async fn an_assignee_outside_the_live_group_in_the_live_store_is_caught() {
        use convsms::domain::model::{Handler, PartyTable};
        let (mut s, i) = soak_with_an_agents_conversation().await;
        let Handler::Agent(holder) = &i.handler else {
            unreachable!()
        };
        let stranger = s
            .traffic
            .agents
            .iter()
            .map(|name| {
                s.stack
                    .store
                    .read(|tx| tx.party_by_name(PartyTable::SysUser, name))
                    .unwrap()
                    .unwrap()
                    .sys_id
            })
            .find(|id| id != holder)
            .unwrap();
        s.stack
            .store
            .write(|tx| tx.assign(&i.sys_id, &Handler::Agent(stranger.clone())))
            .unwrap();
        let v = s.check(false).unwrap().unwrap_err();
        assert_eq!(v.invariant, Invariant::AssigneeInLiveGroup, "{v}");
        assert_eq!(v.interaction, Some(i.number), "{v}");
    }

    /// Invariant 13 through the live auditor: a virtual agent's list that offers a case of
    /// another requester.
    #[tokio::test(flavor = "current_thread")]
    async fn a_list_of_someone_else_s_case_in_the_live_store_is_caught() {
        use convsms::domain::delivery::{DeliveryStatus, Direction};
        use convsms::domain::model::{AuthorKind, PartyTable};
        let (mut s, i) = soak_with_an_agents_conversation().await;
        assert_eq!(s.check(false).unwrap(), Ok(()));
        s.stack
            .store
            .write(|tx| {
                let ann = tx.insert_party(PartyTable::SysUser, "Ann Other", None, None, None)?;
                tx.insert_case("CS9999999", "Not yours", "open", &ann)
            })
            .unwrap();
        let now = s.now();
        s.stack
            .store
            .write(|tx| {
                tx.insert_message(
                    &i.sys_id,
                    Direction::Outbound,
                    AuthorKind::VirtualAgent,
                    None,
                    "Which of your open cases?\n1. CS9999999 Not yours",
                    &[],
                    None,
                    DeliveryStatus::Pending,
                    now,
                )
            })
            .unwrap();
        let v = s.check(false).unwrap().unwrap_err();
        assert_eq!(v.invariant, Invariant::OwnCasesOnly, "{v}");
        assert_eq!(v.interaction, Some(i.number), "{v}");
        assert!(
            v.detail.contains("(a case of sys_user Ann Other), to "),
            "{v}"
        );
    }

    /// Invariant 6 through the live auditor: a conversation taken from its agent and put
    /// nowhere (no work item).
    #[tokio::test(flavor = "current_thread")]
    async fn a_conversation_nobody_has_in_the_live_store_is_caught() {
        use convsms::domain::model::Handler;
        let (mut s, i) = soak_with_an_agents_conversation().await;
        s.stack
            .store
            .write(|tx| {
                tx.assign(&i.sys_id, &Handler::Queue)?;
                if let Some(mut item) = tx.awa_item_for(&i.sys_id)? {
                    item.active = false;
                    tx.save_awa_item(&item)?;
                }
                Ok::<_, convsms::store::StoreError>(())
            })
            .unwrap();
        let v = s.check(false).unwrap().unwrap_err();
        assert_eq!(v.invariant, Invariant::Liveness, "{v}");
        assert!(v.detail.contains("is active with nobody"), "{v}");
    }

    /// Invariant 11 through the live auditor: an interaction opened for the guest user through
    /// a messaging profile that links someone.
    #[tokio::test(flavor = "current_thread")]
    async fn an_interaction_opened_for_another_than_its_profile_links_is_caught() {
        use convsms::domain::model::{Handler, InteractionType, PartyTable, GUEST_SYS_ID};
        let args = small(3, Faults::None);
        let mut s = Soak::start(&args).await.unwrap();
        assert_eq!(s.drive(&args).await.unwrap(), None);
        assert_eq!(s.check(false).unwrap(), Ok(()));
        let now = s.now();
        let providers = s.traffic.providers.clone();
        let phones: Vec<_> = s
            .traffic
            .handsets
            .iter()
            .map(|h| h.number.clone())
            .collect();
        s.stack
            .store
            .write(|tx| {
                let guest = tx.party(PartyTable::SysUser, GUEST_SYS_ID)?.unwrap();
                for phone in &phones {
                    let Some(profile) = tx.active_profile(phone)? else {
                        continue;
                    };
                    if profile.user.is_none() {
                        continue;
                    }
                    for provider in &providers {
                        if tx.active_sms_interaction(phone, provider)?.is_none() {
                            tx.insert_interaction(
                                InteractionType::Messaging,
                                &Handler::VirtualAgent,
                                &guest,
                                Some(&profile.sys_id),
                                Some(phone),
                                Some(provider),
                                None,
                                now,
                            )?;
                            return Ok::<_, convsms::store::StoreError>(());
                        }
                    }
                }
                panic!("no linked profile with a free pair");
            })
            .unwrap();
        let v = s.check(false).unwrap().unwrap_err();
        assert_eq!(v.invariant, Invariant::OpenedForItsProfile, "{v}");
    }

    /// Invariant 8 through the live auditor: a messaging-action timer settled as fired before
    /// it was due.
    #[tokio::test(flavor = "current_thread")]
    async fn a_timer_fired_early_in_the_live_store_is_caught() {
        use convsms::domain::messaging_actions::TimerState;
        for seed in 3..13 {
            let args = small(seed, Faults::None);
            let mut s = Soak::start(&args).await.unwrap();
            assert_eq!(s.drive(&args).await.unwrap(), None);
            assert_eq!(s.check(false).unwrap(), Ok(()));
            let now = s.now();
            let pending = s
                .stack
                .store
                .read(|tx| tx.timers(Some(TimerState::Pending)))
                .unwrap()
                .into_iter()
                .find(|t| t.due_at > now);
            let Some(t) = pending else { continue };
            s.stack
                .store
                .write(|tx| {
                    tx.set_timer_state(&t.interaction, &t.action, t.event, TimerState::Fired, now)
                })
                .unwrap();
            let v = s.check(false).unwrap().unwrap_err();
            assert_eq!(v.invariant, Invariant::Timers, "{v}");
            return;
        }
        panic!("no pending timer at the end of ten small soaks");
    }

    /// Invariant 10 through the live stack: status callbacks the engine answers 404 (its
    /// StatusCallback URL mistyped) are counted by the simulator and fail the next check.
    #[tokio::test(flavor = "current_thread")]
    async fn status_callbacks_the_engine_refuses_in_the_live_stack_are_caught() {
        let args = small(3, Faults::None);
        let mut s = Soak::start(&args).await.unwrap();
        assert_eq!(s.drive(&args).await.unwrap(), None);
        assert_eq!(s.check(false).unwrap(), Ok(()));
        let mut config = s.stack.engine.settings();
        let url = config
            .status_callback
            .clone()
            .expect("a StatusCallback URL");
        config.status_callback = Some(format!("{url}-mistyped"));
        s.stack.engine.configure(config);
        // A new requester's text: the engine answers, and the answer's callbacks go astray.
        let from = s.traffic.handsets.len() - 1;
        s.text(from, 0, "hello".into(), &[]).await.unwrap();
        s.stack.pass_time(TimeDelta::minutes(1)).await.unwrap();
        let v = s.check(false).unwrap().unwrap_err();
        assert_eq!(v.invariant, Invariant::EngineAnswers, "{v}");
        assert!(v.detail.contains("HTTP 404"), "{v}");
    }

    /// Time stuck at one instant during a wait is invariant 8's violation, reported by the next
    /// check with what was seen, not an error ending the run without a seed's feature; any
    /// other failure of a wait stays an error.
    #[tokio::test(flavor = "current_thread")]
    async fn time_stuck_in_a_wait_is_a_violation_the_next_check_reports() {
        let args = small(3, Faults::None);
        let mut s = Soak::start(&args).await.unwrap();
        assert_eq!(s.drive(&args).await.unwrap(), None);
        let stuck = crate::check::world::TimeStuck {
            detail: "the engine's tick at … left work due at …, not after it".into(),
        };
        s.time_stuck(stuck.into()).unwrap();
        let other = s.time_stuck(anyhow::anyhow!("disk I/O error")).unwrap_err();
        assert_eq!(other.to_string(), "disk I/O error");
        let v = s.check(false).unwrap().unwrap_err();
        assert_eq!(v.invariant, Invariant::Timers, "{v}");
        assert!(v.detail.contains("left work due at"), "{v}");
        assert_eq!(s.check(false).unwrap(), Ok(()), "reported once");
    }

    /// Invariant 3 through the live auditor: a send marked undelivered in the transcript while
    /// Twilio still has it queued (a callback applied to the wrong row would look so).
    #[tokio::test(flavor = "current_thread")]
    async fn a_final_status_twilio_does_not_have_in_the_live_store_is_caught() {
        use convsms::domain::delivery::{DeliveryStatus, Direction};
        let args = small(3, Faults::None);
        let mut s = Soak::start(&args).await.unwrap();
        assert_eq!(s.drive(&args).await.unwrap(), None);
        assert_eq!(s.check(false).unwrap(), Ok(()));
        let from = s.traffic.handsets.len() - 1;
        s.text(from, 0, "hello".into(), &[]).await.unwrap();
        // The engine's answer is queued at Twilio: no time passed.
        let queued = audit::all_rows(&s.stack)
            .unwrap()
            .into_iter()
            .rfind(|r| r.direction == Direction::Outbound && r.status == DeliveryStatus::Queued)
            .and_then(|r| r.sid)
            .expect("the answer, queued");
        let now = s.now();
        s.stack
            .store
            .write(|tx| {
                let (message, _) = tx.message_by_sid(&queued)?.expect("its row");
                tx.set_message_status(
                    &message,
                    DeliveryStatus::Undelivered,
                    Some((30003, "Unreachable destination handset")),
                    now,
                )
            })
            .unwrap();
        let v = s.check(false).unwrap().unwrap_err();
        assert_eq!(v.invariant, Invariant::StatusForward, "{v}");
        assert!(v.detail.contains("at Twilio"), "{v}");
    }

    #[tokio::test(flavor = "current_thread")]
    async fn an_offer_kept_beyond_a_lowered_capacity_is_caught() {
        use convsms::domain::work_assignment::WorkItemState;
        // A small soak that ends with an agent holding accepted work.
        let mut found = None;
        for seed in 3..13 {
            let args = small(seed, Faults::None);
            let mut s = Soak::start(&args).await.unwrap();
            assert_eq!(s.drive(&args).await.unwrap(), None);
            let items = s.stack.store.read(|tx| tx.awa_active_items()).unwrap();
            if let Some(w) = items
                .into_iter()
                .find(|w| w.state == WorkItemState::Accepted)
            {
                found = Some((s, w));
                break;
            }
        }
        let (mut s, accepted) = found.expect("accepted work after one of ten soaks");
        let agent_id = accepted.agent.clone().unwrap();
        let agent = s
            .stack
            .store
            .read(|tx| tx.user_name(&agent_id))
            .unwrap()
            .unwrap();
        // Lowered to 0 as the soak lowers capacities: the accepted work is theirs to keep.
        s.stack.engine.set_sms_capacity(&agent, 0).unwrap();
        s.keep_over_capacity(&agent).unwrap();
        assert_eq!(s.check(false).unwrap(), Ok(()));
        // An engine that kept an offer beyond the capacity: the same conversation, offered.
        let mut offered = accepted.clone();
        offered.state = WorkItemState::Offered;
        s.stack
            .store
            .write(|tx| tx.save_awa_item(&offered))
            .unwrap();
        let v = s.check(false).unwrap().unwrap_err();
        assert_eq!(v.invariant, Invariant::Capacity, "{v}");
        assert!(v.detail.contains("with a capacity of 0"), "{v}");
    }

    #[test]
    fn the_rerun_command_is_the_one_given_with_its_seed() {
        let args = |a: &[&str]| {
            a.iter()
                .map(|s| s.to_string())
                .collect::<Vec<_>>()
                .into_iter()
        };
        assert_eq!(
            rerun_command(
                args(&["soak", "--faults", "heavy", "--db", "my soak.db"]),
                7,
                None
            ),
            "convsms soak --faults heavy --db 'my soak.db' --seed 7 (after removing the --db \
             file, or with another: the soak refuses one that exists)"
        );
        assert_eq!(
            rerun_command(args(&["soak", "--seed", "9", "--messages", "200"]), 9, None),
            "convsms soak --seed 9 --messages 200"
        );
        assert_eq!(
            rerun_command(args(&["soak"]), 1, Some("duplicate-send")),
            "CONVSMS_INJECT_DEFECT=duplicate-send convsms soak --seed 1"
        );
    }
}
