//! `convsms check` and `convsms steps`: runs Gherkin features against the whole engine.
//!
//! - [`world`]: the per-scenario world (engine, simulated Twilio, SQLite, clock), one file per
//!   concept.
//! - [`steps`]: the step library, one file per concept; each step calls one World method.
//! - [`params`]: the typed parameters of step sentences (`{requester}`, `{duration}`, `{count}`…).
//! - [`catalogue`]: `convsms steps`, the step catalogue (examples, words, refusals).
//! - this module: the runner (many paths, tag filters, JUnit) and the row-coverage table.
//!
//! The World and steps live in the binary, not the library: cucumber collects steps with
//! `inventory`, which a linker may drop from a library crate (cucumber-rs issues 271 and 304).

mod catalogue;
pub mod params;
pub mod report;
#[cfg(test)]
mod step_shape;
pub mod steps;
pub mod world;

use std::collections::BTreeMap;
use std::io::{self, Write};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use cucumber::codegen::{StepConstructor, WorldInventory};
use cucumber::gherkin;
use cucumber::tag::Ext as _;
use cucumber::{event, parser, writer, Event, World as _, Writer, WriterExt as _};
use futures::stream::{self, StreamExt as _};

pub use catalogue::print_steps;
use world::ConvWorld;

/// The topics folder every world starts with, and its `*.toml` files as (file name, text), read
/// once per run by [`run`] (or on first use, from `topics/`).
static TOPIC_SOURCES: std::sync::OnceLock<(PathBuf, Vec<(String, String)>)> =
    std::sync::OnceLock::new();

/// The base topics: the folder and its files' (name, text), sorted by name.
pub fn topic_sources() -> &'static (PathBuf, Vec<(String, String)>) {
    TOPIC_SOURCES.get_or_init(|| {
        let dir = PathBuf::from("topics");
        let files = read_topic_files(&dir).unwrap_or_default();
        (dir, files)
    })
}

fn read_topic_files(dir: &std::path::Path) -> io::Result<Vec<(String, String)>> {
    let mut files = vec![];
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.extension().is_some_and(|e| e == "toml") {
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            files.push((name, std::fs::read_to_string(&path)?));
        }
    }
    files.sort();
    Ok(files)
}

/// The row catalogue: `ID<TAB>statement`, `#` comments.
pub const ROWS: &str = include_str!("../../../features/rows.tsv");

/// Options of `convsms check`.
#[derive(Clone, Debug, Default)]
pub struct CheckOptions {
    /// Feature files or folders.
    pub paths: Vec<PathBuf>,
    /// A cucumber tag expression (`@row:AGENT-1 and not @slow`).
    pub tags: Option<String>,
    /// Where to write JUnit XML.
    pub junit: Option<PathBuf>,
    /// Where to write the HTML report.
    pub html: Option<PathBuf>,
    /// Whether to print the row-coverage table.
    pub coverage: bool,
    /// How many scenarios run at once.
    pub concurrency: usize,
    /// The folder of snapshot files.
    pub snapshots: PathBuf,
    /// The folder of virtual-agent topics every scenario starts with.
    pub topics: PathBuf,
}

/// Reads features from several files or folders, in the order given.
struct MultiParser;

impl parser::Parser<Vec<PathBuf>> for MultiParser {
    type Cli = cucumber::cli::Empty;
    type Output = stream::BoxStream<'static, parser::Result<gherkin::Feature>>;

    fn parse(self, input: Vec<PathBuf>, _: Self::Cli) -> Self::Output {
        let streams = input
            .into_iter()
            .map(|p| parser::Parser::<PathBuf>::parse(parser::Basic::new(), p, Default::default()));
        stream::iter(streams).flatten().boxed()
    }
}

/// One scenario's outcome, by (feature path, line).
#[derive(Clone, Debug, Default)]
struct ScenarioResult {
    tags: Vec<String>,
    ran: bool,
    failed: bool,
}

/// Collects the tags of every parsed scenario and the outcome of every scenario run.
#[derive(Clone, Default)]
struct Collector(Arc<Mutex<CollectorState>>);

#[derive(Default)]
struct CollectorState {
    scenarios: BTreeMap<(String, usize), ScenarioResult>,
    parse_errors: usize,
}

fn key(feature: &gherkin::Feature, scenario: &gherkin::Scenario) -> (String, usize) {
    let path = feature
        .path
        .as_ref()
        .map_or_else(|| feature.name.clone(), |p| p.display().to_string());
    (path, scenario.position.line)
}

impl Writer<ConvWorld> for Collector {
    type Cli = cucumber::cli::Empty;

    async fn handle_event(
        &mut self,
        ev: parser::Result<Event<event::Cucumber<ConvWorld>>>,
        _: &Self::Cli,
    ) {
        let mut st = self.0.lock().expect("collector");
        let ev = match ev {
            Ok(ev) => ev.value,
            Err(_) => {
                st.parse_errors += 1;
                return;
            }
        };
        let event::Cucumber::Feature(feature, fev) = ev else {
            return;
        };
        match fev {
            event::Feature::Started => {
                let scenarios = feature
                    .scenarios
                    .iter()
                    .chain(feature.rules.iter().flat_map(|r| r.scenarios.iter()));
                for sc in scenarios {
                    let mut tags: Vec<String> = feature.tags.clone();
                    tags.extend(sc.tags.iter().cloned());
                    st.scenarios.entry(key(&feature, sc)).or_default().tags = tags;
                }
            }
            event::Feature::Scenario(sc, ev)
            | event::Feature::Rule(_, event::Rule::Scenario(sc, ev)) => {
                let entry = st.scenarios.entry(key(&feature, &sc)).or_default();
                match ev.event {
                    event::Scenario::Started => entry.ran = true,
                    event::Scenario::Step(_, event::Step::Failed(..))
                    | event::Scenario::Background(_, event::Step::Failed(..))
                    | event::Scenario::Step(_, event::Step::Skipped)
                    | event::Scenario::Background(_, event::Step::Skipped) => entry.failed = true,
                    event::Scenario::Hook(_, event::Hook::Failed(..)) => entry.failed = true,
                    _ => {}
                }
            }
            _ => {}
        }
    }
}

/// A row's coverage.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Coverage {
    /// At least one tagged scenario ran and every tagged scenario that ran passed.
    Passing,
    /// A tagged scenario failed.
    Failing,
    /// Tagged scenarios exist but none ran (filtered out).
    Covered,
    /// No scenario is tagged with the row.
    Uncovered,
}

/// The rows of [`ROWS`] as (ID, statement).
pub fn rows() -> Vec<(&'static str, &'static str)> {
    ROWS.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .filter_map(|l| l.split_once('\t'))
        .collect()
}

/// Runs the features; returns whether everything passed (and, with coverage, every row passes).
///
/// # Errors
/// The JUnit file cannot be created or written.
pub async fn run(opts: CheckOptions) -> io::Result<bool> {
    // Refuse a broken topics folder before any scenario runs (VA-9), naming file and node.
    if let Err(e) = convsms::domain::topic::TopicSet::load_dir(&opts.topics) {
        return Err(io::Error::new(io::ErrorKind::InvalidData, e.to_string()));
    }
    let files = read_topic_files(&opts.topics)?;
    let _ = TOPIC_SOURCES.set((opts.topics.clone(), files));
    let collector = Collector::default();
    let outputs = report::Outputs {
        junit: opts.junit.clone(),
        html: opts.html.clone(),
    };
    outputs.prepare()?;
    let recorder = report::Recorder::default();
    let transcripts = report::Transcripts::default();
    let kept = transcripts.clone();
    let tag_filter = match opts.tags.as_deref().map(str::parse::<gherkin::tagexpr::TagOperation>) {
        Some(Ok(op)) => Some(op),
        Some(Err(e)) => {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("--tags is not a tag expression ({e}); expected something like '@row:AGENT-1 and not @slow'"),
            ))
        }
        None => None,
    };
    let snapshots = opts.snapshots.clone();
    let writer = writer::Basic::raw(io::stdout(), writer::Coloring::Auto, 0)
        .summarized()
        .tee::<ConvWorld, _>(
            recorder
                .clone()
                .discard_stats_writes()
                .discard_arbitrary_writes(),
        )
        .tee::<ConvWorld, _>(
            collector
                .clone()
                .discard_stats_writes()
                .discard_arbitrary_writes(),
        )
        .normalized();
    let result = ConvWorld::cucumber::<PathBuf>()
        .with_parser(MultiParser)
        .with_writer(writer)
        .with_cli(cucumber::cli::Opts::<_, _, _, cucumber::cli::Empty>::default())
        .max_concurrent_scenarios(opts.concurrency.max(1))
        .fail_on_skipped()
        .before(move |feature, _rule, scenario, world| {
            let stem = feature
                .path
                .as_ref()
                .and_then(|p| p.file_stem())
                .map_or_else(
                    || feature.name.clone(),
                    |s| s.to_string_lossy().into_owned(),
                );
            world.snapshot_name = format!("{}__{}", slug(&stem), slug(&scenario.name));
            world.snapshot_dir = snapshots.clone();
            Box::pin(async {})
        })
        .after(move |feature, _rule, scenario, _finished, world| {
            kept.record(feature, scenario, world.as_deref());
            Box::pin(async {})
        })
        .filter_run(opts.paths.clone(), move |feature, rule, scenario| {
            tag_filter.as_ref().is_none_or(|op| {
                op.eval(
                    feature
                        .tags
                        .iter()
                        .chain(rule.iter().flat_map(|r| &r.tags))
                        .chain(scenario.tags.iter()),
                )
            })
        })
        .await;
    use cucumber::writer::Stats as _;
    let mut ok = !result.execution_has_failed() && result.parsing_errors() == 0;
    // Every scenario of the catalogue, for rows whose scenarios --tags or the paths left out.
    let catalogue = report::coverage::scenarios_under(std::path::Path::new("features")).await;
    let mut st = collector.0.lock().expect("collector");
    if st.scenarios.is_empty() {
        eprintln!("convsms check: no scenario found under {:?}", opts.paths);
        ok = false;
    }
    print_setup_times();
    for (k, tags) in catalogue {
        st.scenarios.entry(k).or_insert(ScenarioResult {
            tags,
            ran: false,
            failed: false,
        });
    }
    let table = coverage(&st.scenarios);
    if opts.coverage {
        // The table informs; the exit status follows the scenarios (a failing row is a failing
        // scenario already).
        print_coverage(&table);
    }
    let mut run_report = recorder.report();
    transcripts.attach(&mut run_report);
    let info = report::RunInfo {
        paths: opts.paths.clone(),
        tags: opts.tags.clone(),
    };
    report::write(
        &outputs,
        &run_report,
        &info,
        &report::coverage::rows(&table),
    )?;
    Ok(ok)
}

/// Prints how long the scenario worlds took to build.
fn print_setup_times() {
    let mut times = world::SETUP_TIMES
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .clone();
    if times.is_empty() {
        return;
    }
    times.sort();
    let total: std::time::Duration = times.iter().sum();
    let mean = total / times.len() as u32;
    println!(
        "World setup (SQLite + simulated Twilio + engine server): {} worlds, mean {:.2} ms, median {:.2} ms, max {:.2} ms",
        times.len(),
        mean.as_secs_f64() * 1e3,
        times[times.len() / 2].as_secs_f64() * 1e3,
        times[times.len() - 1].as_secs_f64() * 1e3
    );
}

fn coverage(
    scenarios: &BTreeMap<(String, usize), ScenarioResult>,
) -> Vec<(&'static str, &'static str, Coverage, usize)> {
    rows()
        .into_iter()
        .map(|(id, text)| {
            let tag = format!("row:{id}");
            let tagged: Vec<&ScenarioResult> = scenarios
                .values()
                .filter(|s| s.tags.contains(&tag))
                .collect();
            let ran: Vec<_> = tagged.iter().filter(|s| s.ran).collect();
            let c = if tagged.is_empty() {
                Coverage::Uncovered
            } else if ran.iter().any(|s| s.failed) {
                Coverage::Failing
            } else if ran.is_empty() {
                Coverage::Covered
            } else {
                Coverage::Passing
            };
            (id, text, c, tagged.len())
        })
        .collect()
}

fn print_coverage(table: &[(&str, &str, Coverage, usize)]) {
    let mut out = io::stdout().lock();
    let _ = writeln!(out, "\nRow coverage ({} rows)", table.len());
    let _ = writeln!(
        out,
        "{:<11} {:<17} {:>9}  statement",
        "row", "status", "scenarios"
    );
    for (id, text, c, n) in table {
        let _ = writeln!(out, "{id:<11} {:<17} {n:>9}  {text}", c.label());
    }
    let count = |k| table.iter().filter(|r| r.2 == k).count();
    let _ = writeln!(
        out,
        "{} passing, {} failing, {} covered (not run), {} uncovered",
        count(Coverage::Passing),
        count(Coverage::Failing),
        count(Coverage::Covered),
        count(Coverage::Uncovered)
    );
}

/// `Agent composes: SMS!` → `agent_composes_sms`.
pub fn slug(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('_') {
            out.push('_');
        }
    }
    out.trim_matches('_').to_owned()
}

/// A registered step: keyword and regex.
#[derive(Clone, Debug)]
pub struct StepDef {
    /// Given, When or Then.
    pub keyword: &'static str,
    /// The step's regex.
    pub regex: String,
    /// Where it is defined.
    pub location: String,
}

/// Every registered step, sorted by keyword then regex.
pub fn registered_steps() -> Vec<StepDef> {
    fn collect<T>(keyword: &'static str, out: &mut Vec<StepDef>)
    where
        T: StepConstructor<ConvWorld> + cucumber::codegen::inventory::Collect + 'static,
    {
        for s in cucumber::codegen::inventory::iter::<T> {
            let (loc, regex, _) = s.inner();
            out.push(StepDef {
                keyword,
                regex: regex().as_str().to_owned(),
                location: format!("{}:{}", loc.path, loc.line),
            });
        }
    }
    let mut out = vec![];
    collect::<<ConvWorld as WorldInventory>::Given>("Given", &mut out);
    collect::<<ConvWorld as WorldInventory>::When>("When", &mut out);
    collect::<<ConvWorld as WorldInventory>::Then>("Then", &mut out);
    out.sort_by(|a, b| (a.keyword, &a.regex).cmp(&(b.keyword, &b.regex)));
    out
}

/// The steps an example sentence matches.
pub fn matching_steps<'a>(steps: &'a [StepDef], example: &str) -> Vec<&'a StepDef> {
    let Some((keyword, text)) = example.split_once(' ') else {
        return vec![];
    };
    steps
        .iter()
        .filter(|s| s.keyword == keyword)
        .filter(|s| regex::Regex::new(&s.regex).is_ok_and(|r| r.is_match(text)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_step_has_an_example_and_every_example_matches_one_step() {
        let steps = registered_steps();
        assert!(
            steps.len() >= 40,
            "only {} steps registered: inventory dropped some?",
            steps.len()
        );
        let mut covered = vec![false; steps.len()];
        for (_, examples) in steps::EXAMPLES {
            for ex in *examples {
                let m = matching_steps(&steps, ex);
                assert_eq!(
                    m.len(),
                    1,
                    "example {ex:?} matches {} steps: {m:?}",
                    m.len()
                );
                let i = steps.iter().position(|s| std::ptr::eq(s, m[0])).unwrap();
                covered[i] = true;
            }
        }
        let missing: Vec<_> = steps
            .iter()
            .zip(&covered)
            .filter(|(_, c)| !**c)
            .map(|(s, _)| &s.regex)
            .collect();
        assert!(missing.is_empty(), "steps without an example: {missing:#?}");
    }

    #[test]
    fn rows_match_the_catalogue() {
        let rows = rows();
        assert_eq!(rows.len(), 60);
        assert!(rows.iter().any(|r| r.0 == "PROVIDER-4"));
    }

    #[test]
    fn slugs() {
        assert_eq!(slug("Agent composes: SMS!"), "agent_composes_sms");
    }
}
