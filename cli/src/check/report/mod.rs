//! Reports of a `convsms check` run for CI and for people: JUnit XML ([`junit`]), a
//! self-contained HTML page ([`html`]), the row catalogue's coverage of scenarios that did not
//! run ([`coverage`]) and snapshot diffs in failure messages ([`snapshot`]).
//!
//! [`Recorder`] is a cucumber [`Writer`] teed beside the console output: it keeps every feature,
//! scenario and step of the (normalized) event stream with its outcome, failure message and
//! timing. The runner's after-hook keeps each scenario's transcripts ([`Transcripts::record`]),
//! rendered by [`convsms::transcript`] from the World just before it is dropped.

pub mod coverage;
pub mod html;
pub mod junit;
pub mod snapshot;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use convsms::transcript::Transcript;
use cucumber::{event, gherkin, parser, Event, Writer};

use super::world::ConvWorld;

/// A scenario, as the runner keys it: (feature file as cucumber gives it, scenario line).
pub type ScenarioKey = (String, usize);

/// The key of a scenario of a feature (the same as the coverage collector's).
pub fn key(feature: &gherkin::Feature, scenario: &gherkin::Scenario) -> ScenarioKey {
    super::console::key(feature, scenario)
}

/// What a run did, in the order features and scenarios were reported.
#[derive(Clone, Debug, Default)]
pub struct Report {
    /// When the run started.
    pub started: Option<SystemTime>,
    /// When it finished.
    pub finished: Option<SystemTime>,
    /// Features that ran (at least one scenario started).
    pub features: Vec<FeatureReport>,
    /// Files that could not be parsed, with the parser's message.
    pub parse_errors: Vec<String>,
}

/// One feature file.
#[derive(Clone, Debug, Default)]
pub struct FeatureReport {
    /// The runner's key of the file.
    pub key: String,
    /// `Feature:` name.
    pub name: String,
    /// The file, relative to the current folder when under it.
    pub path: String,
    /// The free text under `Feature:`.
    pub description: Option<String>,
    /// Its tags, without `@`.
    pub tags: Vec<String>,
    /// Its scenarios that ran, in the order they were reported.
    pub scenarios: Vec<ScenarioReport>,
}

/// One scenario (one per example row of an outline).
#[derive(Clone, Debug)]
pub struct ScenarioReport {
    /// `Scenario`, `Scenario Outline`, `Example`…
    pub keyword: String,
    /// Its name, placeholders filled in.
    pub name: String,
    /// The rule it belongs to, if any.
    pub rule: Option<String>,
    /// Its line (the example row's, for an outline).
    pub line: usize,
    /// Tags of the feature, rule and scenario (and examples), without `@`.
    pub tags: Vec<String>,
    /// The example row of an outline: (column, value).
    pub example: Vec<(String, String)>,
    /// Background steps, then the scenario's.
    pub steps: Vec<StepReport>,
    /// A hook's failure.
    pub hook_failure: Option<String>,
    /// When it started and finished.
    pub started: Option<SystemTime>,
    /// When it finished.
    pub finished: Option<SystemTime>,
    /// The transcripts of its interactions at its end, or why they could not be read.
    pub transcripts: Result<Vec<Transcript>, String>,
    /// Refusals (a `When` the engine or Twilio refused) that no later step checked, oldest
    /// first, each after the line and words of the step that made it (`line 12, When …: …`): a
    /// note when the run is not strict, the cause of the failure when it is.
    pub unchecked: Vec<String>,
}

/// One step of a scenario.
#[derive(Clone, Debug)]
pub struct StepReport {
    /// `Given `, `When `, `And `… as written (trailing space included).
    pub keyword: String,
    /// The step's text.
    pub text: String,
    /// Its docstring.
    pub docstring: Option<String>,
    /// Its data table.
    pub table: Option<Vec<Vec<String>>>,
    /// Whether it comes from a `Background:`.
    pub background: bool,
    /// Its position in the file.
    pub line: usize,
    col: usize,
    /// What happened to it.
    pub status: StepStatus,
    /// When it finished (cucumber's stamp of its event), to name the step of a refusal no step
    /// checked ([`crate::check::world::Refusal::step`]).
    finished: Option<SystemTime>,
}

/// What happened to a step.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StepStatus {
    /// Never reached: an earlier step failed.
    NotRun,
    /// Passed.
    Passed,
    /// Skipped (no step matched and skipping was allowed).
    Skipped,
    /// No step of the library matches it.
    Undefined,
    /// Several steps match it; the message names them.
    Ambiguous(String),
    /// It failed; the message.
    Failed(String),
}

impl StepStatus {
    /// `passed`, `failed`, `undefined`, `ambiguous`, `skipped` or `not run`.
    pub fn label(&self) -> &'static str {
        match self {
            Self::NotRun => "not run",
            Self::Passed => "passed",
            Self::Skipped => "skipped",
            Self::Undefined => "undefined",
            Self::Ambiguous(_) => "ambiguous",
            Self::Failed(_) => "failed",
        }
    }
}

/// Why a scenario failed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Failure {
    /// `failed step`, `undefined step`, `ambiguous step`, `skipped step` or `hook failed`.
    pub kind: &'static str,
    /// The step, as written (`Then there are 3 interactions`), and its line; none for a hook.
    pub step: Option<(String, usize)>,
    /// A one-line summary for JUnit's `message` attribute.
    pub summary: String,
    /// The whole message (a snapshot diff included).
    pub message: String,
}

impl ScenarioReport {
    /// The scenario's name, the rule's first, and an outline's example row after it
    /// (`Name (count = 0)`): stable from run to run, with no line or column in it.
    pub fn full_name(&self) -> String {
        let mut name = match &self.rule {
            Some(r) => format!("{r} › {}", self.name),
            None => self.name.clone(),
        };
        if !self.example.is_empty() {
            let cells: Vec<String> = self
                .example
                .iter()
                .map(|(k, v)| format!("{k} = {}", shorten(v, 40)))
                .collect();
            name = format!("{name} ({})", cells.join(", "));
        }
        name
    }

    /// Why it failed, if it did.
    pub fn failure(&self) -> Option<Failure> {
        for s in &self.steps {
            let written = format!("{}{}", s.keyword, s.text);
            let (kind, message) = match &s.status {
                StepStatus::NotRun | StepStatus::Passed => continue,
                StepStatus::Undefined => (
                    "undefined step",
                    // As the console says it: a value written otherwise, or the closest
                    // sentences of the catalogue.
                    format!(
                        "Undefined step \"{written}\": {}",
                        crate::check::console::undefined(&s.text)
                    ),
                ),
                StepStatus::Ambiguous(m) => ("ambiguous step", format!("Ambiguous step: {m}")),
                StepStatus::Skipped => (
                    "skipped step",
                    format!("Skipped step: \"{written}\" matched no step"),
                ),
                StepStatus::Failed(m) => ("failed step", m.clone()),
            };
            let first = message.lines().next().unwrap_or_default();
            let summary = match kind {
                "failed step" => format!("{written}: {first}"),
                _ => first.to_owned(),
            };
            return Some(Failure {
                kind,
                step: Some((written, s.line)),
                summary,
                message,
            });
        }
        self.hook_failure.as_ref().map(|m| Failure {
            kind: "hook failed",
            step: None,
            summary: m.lines().next().unwrap_or_default().to_owned(),
            message: m.clone(),
        })
    }

    /// Whether it passed.
    pub fn passed(&self) -> bool {
        self.failure().is_none()
    }

    /// How long it took.
    pub fn duration(&self) -> Duration {
        elapsed(self.started, self.finished)
    }
}

impl FeatureReport {
    /// Its scenarios' test names ([`ScenarioReport::full_name`]), a later one that repeats an
    /// earlier one numbered (`Name (count = 0) #2`), in the order of `scenarios`.
    pub fn test_names(&self) -> Vec<String> {
        let mut seen: HashMap<String, usize> = HashMap::new();
        self.scenarios
            .iter()
            .map(|s| {
                let name = s.full_name();
                let n = seen.entry(name.clone()).or_default();
                *n += 1;
                if *n == 1 {
                    name
                } else {
                    format!("{name} #{n}")
                }
            })
            .collect()
    }

    /// How many of its scenarios failed.
    pub fn failed(&self) -> usize {
        self.scenarios.iter().filter(|s| !s.passed()).count()
    }

    /// The sum of its scenarios' durations.
    pub fn duration(&self) -> Duration {
        self.scenarios.iter().map(ScenarioReport::duration).sum()
    }
}

impl Report {
    /// Every scenario that ran.
    pub fn scenarios(&self) -> impl Iterator<Item = (&FeatureReport, &ScenarioReport)> {
        self.features
            .iter()
            .flat_map(|f| f.scenarios.iter().map(move |s| (f, s)))
    }

    /// How long the run took.
    pub fn duration(&self) -> Duration {
        elapsed(self.started, self.finished)
    }
}

fn elapsed(from: Option<SystemTime>, to: Option<SystemTime>) -> Duration {
    match (from, to) {
        (Some(a), Some(b)) => b.duration_since(a).unwrap_or_default(),
        _ => Duration::ZERO,
    }
}

/// At most `max` characters of `s` on one line, `…` when cut.
pub fn shorten(s: &str, max: usize) -> String {
    let one_line = s.replace('\n', "\\n");
    if one_line.chars().count() <= max {
        one_line
    } else {
        let cut: String = one_line.chars().take(max.saturating_sub(1)).collect();
        format!("{cut}…")
    }
}

/// A path relative to the current folder when it is under it.
pub fn relative(path: &Path) -> String {
    std::env::current_dir()
        .ok()
        .and_then(|cwd| path.strip_prefix(cwd).ok().map(Path::to_path_buf))
        .unwrap_or_else(|| path.to_path_buf())
        .display()
        .to_string()
}

/// The cucumber writer that fills a [`Report`].
#[derive(Clone, Default)]
pub struct Recorder(pub Arc<Mutex<Report>>);

impl Recorder {
    /// What was recorded so far.
    pub fn report(&self) -> Report {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }
}

impl Writer<ConvWorld> for Recorder {
    type Cli = cucumber::cli::Empty;

    async fn handle_event(
        &mut self,
        ev: parser::Result<Event<event::Cucumber<ConvWorld>>>,
        _: &Self::Cli,
    ) {
        let mut report = self.0.lock().unwrap_or_else(|p| p.into_inner());
        let ev = match ev {
            Ok(ev) => ev,
            Err(e) => {
                report.parse_errors.push(e.to_string());
                return;
            }
        };
        let at = ev.at;
        match ev.value {
            event::Cucumber::Started => report.started = Some(at),
            event::Cucumber::Finished => report.finished = Some(at),
            event::Cucumber::Feature(feature, fev) => match fev {
                event::Feature::Scenario(sc, ev) => {
                    report.scenario_event(&feature, None, &sc, ev.event, at);
                }
                event::Feature::Rule(rule, event::Rule::Scenario(sc, ev)) => {
                    report.scenario_event(&feature, Some(&rule), &sc, ev.event, at);
                }
                _ => {}
            },
            event::Cucumber::ParsingFinished { .. } => {}
        }
    }
}

impl Report {
    fn feature(&mut self, feature: &gherkin::Feature) -> &mut FeatureReport {
        let key = feature
            .path
            .as_ref()
            .map_or_else(|| feature.name.clone(), |p| p.display().to_string());
        if let Some(i) = self.features.iter().position(|f| f.key == key) {
            return &mut self.features[i];
        }
        self.features.push(FeatureReport {
            key,
            name: feature.name.clone(),
            path: feature
                .path
                .as_deref()
                .map_or_else(|| feature.name.clone(), relative),
            description: feature
                .description
                .as_ref()
                .map(|d| d.trim().to_owned())
                .filter(|d| !d.is_empty()),
            tags: feature.tags.clone(),
            scenarios: vec![],
        });
        self.features.last_mut().expect("just pushed")
    }

    fn scenario_event(
        &mut self,
        feature: &gherkin::Feature,
        rule: Option<&gherkin::Rule>,
        sc: &gherkin::Scenario,
        ev: event::Scenario<ConvWorld>,
        at: SystemTime,
    ) {
        let f = self.feature(feature);
        let line = sc.position.line;
        if matches!(ev, event::Scenario::Started) {
            let fresh = new_scenario(feature, rule, sc, at);
            match f.scenarios.iter_mut().find(|s| s.line == line) {
                Some(s) => *s = fresh, // a retry starts over
                None => f.scenarios.push(fresh),
            }
            return;
        }
        let Some(s) = f.scenarios.iter_mut().find(|s| s.line == line) else {
            return;
        };
        match ev {
            event::Scenario::Started => {}
            event::Scenario::Background(step, st) => s.step_event(&step, true, st, at),
            event::Scenario::Step(step, st) => s.step_event(&step, false, st, at),
            event::Scenario::Hook(which, event::Hook::Failed(_, info)) => {
                s.hook_failure = Some(format!(
                    "The {which} hook failed: {}",
                    crate::check::console::panic_text(&info)
                ));
            }
            event::Scenario::Hook(..) | event::Scenario::Log(_) => {}
            event::Scenario::Finished => s.finished = Some(at),
        }
    }
}

fn new_scenario(
    feature: &gherkin::Feature,
    rule: Option<&gherkin::Rule>,
    sc: &gherkin::Scenario,
    at: SystemTime,
) -> ScenarioReport {
    let step = |s: &gherkin::Step, background: bool| StepReport {
        keyword: s.keyword.clone(),
        text: s.value.clone(),
        docstring: s.docstring.clone(),
        table: s.table.as_ref().map(|t| t.rows.clone()),
        background,
        line: s.position.line,
        col: s.position.col,
        status: StepStatus::NotRun,
        finished: None,
    };
    let mut steps: Vec<StepReport> = vec![];
    let backgrounds = feature
        .background
        .iter()
        .chain(rule.and_then(|r| r.background.as_ref()));
    for bg in backgrounds {
        steps.extend(bg.steps.iter().map(|s| step(s, true)));
    }
    steps.extend(sc.steps.iter().map(|s| step(s, false)));
    let mut tags = feature.tags.clone();
    tags.extend(rule.iter().flat_map(|r| r.tags.iter().cloned()));
    tags.extend(sc.tags.iter().cloned());
    // An expanded outline keeps one example with its header row and this scenario's row.
    let example = match sc.examples.as_slice() {
        [ex] => match ex.table.as_ref().map(|t| t.rows.as_slice()) {
            Some([header, row]) => header.iter().cloned().zip(row.iter().cloned()).collect(),
            _ => vec![],
        },
        _ => vec![],
    };
    ScenarioReport {
        keyword: sc.keyword.clone(),
        name: sc.name.clone(),
        rule: rule.map(|r| r.name.clone()),
        line: sc.position.line,
        tags,
        example,
        steps,
        hook_failure: None,
        started: Some(at),
        finished: None,
        transcripts: Ok(vec![]),
        unchecked: vec![],
    }
}

impl ScenarioReport {
    fn step_event(
        &mut self,
        step: &gherkin::Step,
        background: bool,
        ev: event::Step<ConvWorld>,
        at: SystemTime,
    ) {
        let status = match ev {
            event::Step::Started => return,
            event::Step::Passed(..) => StepStatus::Passed,
            event::Step::Skipped => StepStatus::Skipped,
            event::Step::Failed(_, _, _, err) => match err {
                event::StepError::NotFound => StepStatus::Undefined,
                event::StepError::AmbiguousMatch(e) => StepStatus::Ambiguous(e.to_string()),
                event::StepError::Panic(info) => {
                    StepStatus::Failed(crate::check::console::panic_text(&info))
                }
            },
        };
        let found = self.steps.iter_mut().find(|s| {
            s.background == background
                && s.line == step.position.line
                && s.col == step.position.col
                && s.status == StepStatus::NotRun
        });
        match found {
            Some(s) => {
                s.status = status;
                s.finished = Some(at);
            }
            None => self.steps.push(StepReport {
                keyword: step.keyword.clone(),
                text: step.value.clone(),
                docstring: step.docstring.clone(),
                table: step.table.as_ref().map(|t| t.rows.clone()),
                background,
                line: step.position.line,
                col: step.position.col,
                status,
                finished: Some(at),
            }),
        }
    }
}

/// Each scenario's transcripts and unchecked refusals at its end, filled by the runner's
/// after-hook.
#[derive(Clone, Default)]
pub struct Transcripts(Arc<Mutex<HashMap<ScenarioKey, Kept>>>);

/// A scenario's transcripts (or why they could not be read), and its refusals no step checked.
type Kept = (
    Result<Vec<Transcript>, String>,
    Vec<crate::check::world::Refusal>,
);

impl Transcripts {
    /// Keeps the transcript of every interaction of a scenario's world, and the refusals no step
    /// checked (nothing when the world could not be built).
    pub fn record(
        &self,
        feature: &gherkin::Feature,
        scenario: &gherkin::Scenario,
        world: Option<&ConvWorld>,
    ) {
        let Some(world) = world else { return };
        let transcripts = world
            .interaction_numbers()
            .and_then(|numbers| {
                numbers
                    .iter()
                    .map(|n| {
                        convsms::transcript::load(world.store(), n)
                            .map_err(|e| anyhow::anyhow!("rendering the transcript of {n}: {e}"))
                    })
                    .collect::<anyhow::Result<Vec<_>>>()
            })
            .map_err(|e| format!("{e:#}"));
        self.0.lock().unwrap_or_else(|p| p.into_inner()).insert(
            key(feature, scenario),
            (transcripts, world.unchecked_refusals()),
        );
    }

    /// Puts the kept transcripts into the report's scenarios.
    pub fn attach(&self, report: &mut Report) {
        let mut kept = self.0.lock().unwrap_or_else(|p| p.into_inner());
        for f in &mut report.features {
            for s in &mut f.scenarios {
                if let Some((t, unchecked)) = kept.remove(&(f.key.clone(), s.line)) {
                    s.transcripts = t;
                    let words: Vec<(SystemTime, usize, String)> = s
                        .steps
                        .iter()
                        .filter_map(|st| {
                            let words = format!("{}{}", st.keyword, st.text);
                            st.finished.map(|at| (at, st.line, words))
                        })
                        .collect();
                    s.unchecked = unchecked
                        .iter()
                        .map(|r| {
                            let steps = words.iter().map(|(at, l, w)| (*at, *l, w.as_str()));
                            r.shown(r.step(steps))
                        })
                        .collect();
                }
            }
        }
    }
}

/// Where the reports go.
#[derive(Clone, Debug, Default)]
pub struct Outputs {
    /// JUnit XML.
    pub junit: Option<PathBuf>,
    /// HTML.
    pub html: Option<PathBuf>,
}

impl Outputs {
    /// Refuses, before any scenario runs and without touching any file, report paths that could
    /// not be written at the end, that name one file twice, or that name one of `features` (the
    /// feature files the run reads): see [`crate::outputs::check`].
    ///
    /// # Errors
    /// `InvalidInput`, naming the option, the path and what to give instead.
    pub fn check(&self, features: &[&Path]) -> std::io::Result<()> {
        let outputs: Vec<(&str, &Path)> = self
            .files()
            .map(|(p, what)| {
                let option = if what.contains("JUnit") {
                    "--junit"
                } else {
                    "--html"
                };
                (option, p.as_path())
            })
            .collect();
        let inputs: Vec<(&str, &Path)> = features.iter().map(|p| ("a feature file", *p)).collect();
        crate::outputs::check(&outputs, &inputs)
            .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidInput, e))
    }

    /// The report files asked for, each with what it is and the option that sets it.
    fn files(&self) -> impl Iterator<Item = (&PathBuf, &'static str)> {
        let junit = self.junit.iter().map(|p| (p, "the JUnit report"));
        let html = self.html.iter().map(|p| (p, "the HTML report"));
        junit.chain(html)
    }
}

/// What the run was asked, for the HTML report's header.
#[derive(Clone, Debug, Default)]
pub struct RunInfo {
    /// The feature files or folders.
    pub paths: Vec<PathBuf>,
    /// The tag expression.
    pub tags: Option<String>,
    /// `--partition I/N`: this run is one shard of the suite.
    pub partition: Option<String>,
}

/// Writes the reports asked for.
///
/// # Errors
/// A report file cannot be written.
pub fn write(
    outputs: &Outputs,
    report: &Report,
    run: &RunInfo,
    coverage: &[coverage::Row],
) -> std::io::Result<()> {
    if let Some(p) = &outputs.junit {
        std::fs::write(p, junit::render(report))
            .map_err(|e| with_path(e, p, "the JUnit report"))?;
    }
    if let Some(p) = &outputs.html {
        std::fs::write(p, html::render(report, run, coverage))
            .map_err(|e| with_path(e, p, "the HTML report"))?;
    }
    Ok(())
}

/// `cannot write the JUnit report to out/junit.xml (--junit FILE): No such file or directory`.
fn with_path(e: std::io::Error, p: &Path, what: &str) -> std::io::Error {
    let option = if what.contains("JUnit") {
        "--junit"
    } else {
        "--html"
    };
    let reason = match e.raw_os_error() {
        // The OS's words without Rust's "(os error N)".
        Some(_) => e
            .to_string()
            .split(" (os error")
            .next()
            .unwrap_or_default()
            .to_owned(),
        None => e.to_string(),
    };
    std::io::Error::new(
        e.kind(),
        format!(
            "cannot write {what} to {} ({option} FILE): {reason}",
            p.display()
        ),
    )
}
