//! The console report of `convsms check`, in the user's words: every scenario and step as it
//! ends, a failure as where (file:line:column) and what (expected and actual, as the step said
//! it), an undefined step with the closest sentences of the catalogue, the refusals a scenario
//! left unchecked, then the summary. It also keeps each scenario's outcome for the row-coverage
//! table.
//!
//! Cucumber's own writer is not used: it shows every failure as "Step panicked. Captured output",
//! and the World's `Debug`.

use std::collections::{BTreeMap, HashMap};
use std::io::{self, IsTerminal as _, Write as _};
use std::sync::{Arc, Mutex};

use cucumber::event::{self, HookType};
use cucumber::{gherkin, parser, Event, Writer};

use super::features::PROBLEM;
use super::suggest;
use super::world::ConvWorld;

/// A scenario's key: its feature file (as given) and its line.
pub type ScenarioKey = (String, usize);

/// The key of a scenario of a feature.
pub fn key(feature: &gherkin::Feature, scenario: &gherkin::Scenario) -> ScenarioKey {
    let path = feature
        .path
        .as_ref()
        .map_or_else(|| feature.name.clone(), |p| p.display().to_string());
    (path, scenario.position.line)
}

/// One scenario's outcome.
#[derive(Clone, Debug, Default)]
pub struct ScenarioResult {
    /// The feature's, rule's and scenario's tags.
    pub tags: Vec<String>,
    /// Whether it ran (not filtered out).
    pub ran: bool,
    /// Whether a step or hook failed.
    pub failed: bool,
}

/// What the report shares with the runner: outcomes, and the refusals each scenario left
/// unchecked (filled by the runner's after-scenario hook, printed when the scenario ends).
#[derive(Clone, Default)]
pub struct Shared(Arc<Mutex<SharedState>>);

/// See [`Shared`].
#[derive(Default)]
pub struct SharedState {
    /// Every parsed scenario's outcome.
    pub scenarios: BTreeMap<ScenarioKey, ScenarioResult>,
    /// Refusals no step checked, by scenario.
    pub unchecked: HashMap<ScenarioKey, Vec<crate::check::world::Refusal>>,
}

impl Shared {
    /// The state, even after a panic elsewhere.
    pub fn lock(&self) -> std::sync::MutexGuard<'_, SharedState> {
        self.0.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// The console writer; see the module documentation.
pub struct Report {
    shared: Shared,
    color: bool,
    features: usize,
    scenarios_passed: usize,
    scenarios_failed: usize,
    steps_passed: usize,
    steps_failed: usize,
    /// Steps of failed scenarios that never ran (those after the failing step).
    steps_not_run: usize,
    hook_errors: usize,
    /// Scenarios that ended with a refusal no step checked (a mistyped name or number often
    /// makes one): the summary says so, since only `--strict` fails them.
    with_unchecked: usize,
    /// Whether the scenario being reported has failed so far.
    current_failed: bool,
    /// How many of the scenario's steps, its background's included, have finished.
    current_steps: usize,
    /// The current scenario's steps that finished: when (cucumber's stamp), line, words; to
    /// name the step of a refusal no step checked.
    finished_steps: Vec<(std::time::SystemTime, usize, String)>,
}

impl Report {
    /// A report to stdout, in colour on a terminal (unless `NO_COLOR` is set).
    pub fn new(shared: Shared) -> Self {
        Report {
            shared,
            color: io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
            features: 0,
            scenarios_passed: 0,
            scenarios_failed: 0,
            steps_passed: 0,
            steps_failed: 0,
            steps_not_run: 0,
            hook_errors: 0,
            with_unchecked: 0,
            current_failed: false,
            current_steps: 0,
            finished_steps: vec![],
        }
    }

    fn paint(&self, code: &str, text: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_owned()
        }
    }

    fn print(&self, text: &str) {
        let _ = writeln!(io::stdout().lock(), "{text}");
    }

    fn scenario_event(
        &mut self,
        feature: &gherkin::Feature,
        rule: Option<&gherkin::Rule>,
        scenario: &gherkin::Scenario,
        ev: event::Scenario<ConvWorld>,
        at: std::time::SystemTime,
        indent: &str,
    ) {
        let key = key(feature, scenario);
        let path = key.0.clone();
        match ev {
            event::Scenario::Started => {
                self.current_failed = false;
                self.current_steps = 0;
                self.finished_steps.clear();
                self.shared.lock().scenarios.entry(key).or_default().ran = true;
                self.print(&format!(
                    "{indent}{}: {}",
                    scenario.keyword.trim(),
                    scenario.name
                ));
            }
            event::Scenario::Background(step, ev) => {
                if !matches!(ev, event::Step::Started) {
                    self.current_steps += 1;
                    let words = format!("{}{}", step.keyword, step.value);
                    self.finished_steps.push((at, step.position.line, words));
                }
                self.step_event(&path, &step, ev, indent, true)
            }
            event::Scenario::Step(step, ev) => {
                if !matches!(ev, event::Step::Started) {
                    self.current_steps += 1;
                    let words = format!("{}{}", step.keyword, step.value);
                    self.finished_steps.push((at, step.position.line, words));
                }
                self.step_event(&path, &step, ev, indent, false)
            }
            event::Scenario::Hook(which, event::Hook::Failed(_, info)) => {
                self.hook_errors += 1;
                self.current_failed = true;
                let when = match which {
                    HookType::Before => "before",
                    HookType::After => "after",
                };
                let msg = panic_text(&info);
                self.print(&self.paint(
                    "31",
                    &format!(
                        "{indent} ✘  {path}:{}: {}",
                        scenario.position.line,
                        indented(&msg, &format!("{indent}    "))
                    ),
                ));
                if msg.is_empty() {
                    self.print(&format!("{indent}    (the {when}-scenario hook failed)"));
                }
            }
            event::Scenario::Hook(..) | event::Scenario::Log(_) => {}
            event::Scenario::Finished => {
                let unchecked = self
                    .shared
                    .lock()
                    .unchecked
                    .remove(&key)
                    .unwrap_or_default();
                if !unchecked.is_empty() {
                    self.with_unchecked += 1;
                }
                for refusal in unchecked {
                    let steps = self
                        .finished_steps
                        .iter()
                        .map(|(at, line, words)| (*at, *line, words.as_str()));
                    let shown = refusal.shown(refusal.step(steps));
                    self.print(&self.paint(
                        "33",
                        &format!(
                            "{indent} !  a refusal no step checked: {}",
                            indented(&shown, &format!("{indent}    "))
                        ),
                    ));
                }
                let failed = self.current_failed;
                // The feature's background runs before every scenario, then its rule's.
                let background = [
                    feature.background.as_ref(),
                    rule.and_then(|r| r.background.as_ref()),
                ]
                .into_iter()
                .flatten()
                .map(|b| b.steps.len())
                .sum::<usize>();
                let not_run =
                    (background + scenario.steps.len()).saturating_sub(self.current_steps);
                if failed && not_run > 0 {
                    // Cucumber stops a scenario at its first failure: say what it never checked.
                    self.steps_not_run += not_run;
                    self.print(&self.paint(
                        "90",
                        &format!(
                            "{indent} –  {not_run} more step{} not run",
                            if not_run == 1 { "" } else { "s" }
                        ),
                    ));
                }
                if failed {
                    self.scenarios_failed += 1;
                } else {
                    self.scenarios_passed += 1;
                }
                if let Some(r) = self.shared.lock().scenarios.get_mut(&key) {
                    r.failed |= failed;
                }
            }
        }
    }

    fn step_event(
        &mut self,
        path: &str,
        step: &gherkin::Step,
        ev: event::Step<ConvWorld>,
        indent: &str,
        background: bool,
    ) {
        let mark = if background { ">" } else { " " };
        let sentence = format!("{}{}", step.keyword, step.value);
        let at = format!("{path}:{}:{}", step.position.line, step.position.col);
        match ev {
            event::Step::Started => {}
            event::Step::Passed(..) => {
                self.steps_passed += 1;
                self.print(&self.paint("32", &format!("{indent} ✔{mark} {sentence}")));
            }
            event::Step::Skipped => {
                // Only undefined steps are skipped; the run fails on them (fail_on_skipped).
                self.fail_step(indent, mark, &sentence, &at, &undefined(&step.value));
            }
            event::Step::Failed(_, _, _, err) => {
                if let Some(problem) = step.value.strip_prefix(PROBLEM) {
                    self.steps_failed += 1;
                    self.current_failed = true;
                    self.print(&self.paint(
                        "31",
                        &format!(
                            "{indent} ✘  {path}:{}: {}",
                            step.position.line,
                            indented(problem, &format!("{indent}    "))
                        ),
                    ));
                    return;
                }
                let why = match &err {
                    event::StepError::NotFound => undefined(&step.value),
                    event::StepError::AmbiguousMatch(e) => {
                        let mut s = "this sentence matches several steps of the library; make it \
                                     match one:"
                            .to_owned();
                        for (re, loc) in &e.possible_matches {
                            s.push_str(&format!("\n  /{}/", re.as_str()));
                            if let Some(loc) = loc {
                                s.push_str(&format!("  ({}:{})", loc.path, loc.line));
                            }
                        }
                        s
                    }
                    event::StepError::Panic(info) => panic_text(info),
                };
                self.fail_step(indent, mark, &sentence, &at, &why);
            }
        }
    }

    fn fail_step(&mut self, indent: &str, mark: &str, sentence: &str, at: &str, why: &str) {
        self.steps_failed += 1;
        self.current_failed = true;
        let more = format!("{indent}    ");
        self.print(&self.paint(
            "31",
            &format!(
                "{indent} ✘{mark} {sentence}\n{more}at {at}\n{more}{}",
                indented(why, &more)
            ),
        ));
    }

    fn summary(&self) {
        let plural = |n: usize, what: &str| {
            if n == 1 {
                format!("{n} {what}")
            } else {
                format!("{n} {what}s")
            }
        };
        let split = |passed: usize, failed: usize, not_run: usize| {
            let mut parts = vec![];
            if passed > 0 {
                parts.push(format!("{passed} passed"));
            }
            if failed > 0 {
                parts.push(format!("{failed} failed"));
            }
            if not_run > 0 {
                parts.push(format!("{not_run} not run"));
            }
            if parts.is_empty() {
                String::new()
            } else {
                format!(" ({})", parts.join(", "))
            }
        };
        let scenarios = self.scenarios_passed + self.scenarios_failed;
        let steps = self.steps_passed + self.steps_failed + self.steps_not_run;
        self.print(&format!(
            "[Summary]\n{}\n{}{}\n{}{}",
            plural(self.features, "feature"),
            plural(scenarios, "scenario"),
            split(self.scenarios_passed, self.scenarios_failed, 0),
            plural(steps, "step"),
            split(self.steps_passed, self.steps_failed, self.steps_not_run),
        ));
        if self.hook_errors > 0 {
            self.print(&format!(
                "{} failed after {} steps",
                plural(self.hook_errors, "scenario"),
                if self.hook_errors == 1 {
                    "its"
                } else {
                    "their"
                }
            ));
        }
        if self.with_unchecked > 0 {
            self.print(&self.paint(
                "33",
                &format!(
                    "{} left a refusal no step checked (marked !): a mistyped name or number \
                     often makes one; check it with `Then the request is refused with \"…\"`, \
                     or fix the step (--strict, on when CI is true, fails such a scenario)",
                    plural(self.with_unchecked, "scenario")
                ),
            ));
        }
    }
}

/// Continuation lines of a message, indented.
fn indented(text: &str, indent: &str) -> String {
    text.trim_end().replace('\n', &format!("\n{indent}"))
}

/// A step's or hook's panic message, without what cucumber adds when a step's words do not
/// read as its parameter's type ("fault can not be parsed to CallbackFault: ...").
pub(crate) fn panic_text(info: &event::Info) -> String {
    let text = info
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| info.downcast_ref::<&str>().map(|s| (*s).to_owned()))
        .unwrap_or_else(|| "the step failed without saying why".to_owned());
    let wrapped = regex::Regex::new(
        r"(?s)^(?:\w+ can not be parsed to \w+|Failed to parse element at \d+ '[^']*'): (.*)$",
    )
    .expect("a valid regex");
    match wrapped.captures(&text) {
        Some(c) => c[1].to_owned(),
        None => text,
    }
}

/// Why an undefined step failed, with the closest sentences of the catalogue.
pub(crate) fn undefined(text: &str) -> String {
    let mut s = "no step of the library matches this sentence".to_owned();
    if let Some(slip) = suggest::value_slip(text, &|t| super::library().is_step(t)) {
        return format!("{s}: {slip}");
    }
    let close = suggest::closest_examples(text, 3);
    if close.is_empty() {
        s.push_str("; `convsms steps` lists every sentence");
    } else {
        s.push_str("; did you mean");
        for c in close {
            s.push_str(&format!("\n  {c}"));
        }
        s.push_str("\n(`convsms steps` lists every sentence)");
    }
    s
}

impl Writer<ConvWorld> for Report {
    type Cli = cucumber::cli::Empty;

    async fn handle_event(
        &mut self,
        ev: parser::Result<Event<event::Cucumber<ConvWorld>>>,
        _: &Self::Cli,
    ) {
        let Ok(ev) = ev else {
            // The runner parses nothing itself: files are read before it starts.
            return;
        };
        let at = ev.at;
        match ev.value {
            event::Cucumber::Feature(feature, fev) => match fev {
                event::Feature::Started => {
                    self.features += 1;
                    let mut shared = self.shared.lock();
                    for r in std::iter::once(None).chain(feature.rules.iter().map(Some)) {
                        let scenarios = r.map_or(&feature.scenarios, |r| &r.scenarios);
                        for sc in scenarios {
                            let mut tags = feature.tags.clone();
                            tags.extend(r.iter().flat_map(|r| r.tags.iter().cloned()));
                            tags.extend(sc.tags.iter().cloned());
                            shared.scenarios.entry(key(&feature, sc)).or_default().tags = tags;
                        }
                    }
                    drop(shared);
                    self.print(&format!("{}: {}", feature.keyword.trim(), feature.name));
                }
                event::Feature::Rule(rule, event::Rule::Started) => {
                    self.print(&format!("  {}: {}", rule.keyword.trim(), rule.name));
                }
                event::Feature::Rule(rule, event::Rule::Scenario(sc, ev)) => {
                    self.scenario_event(&feature, Some(&rule), &sc, ev.event, at, "    ");
                }
                event::Feature::Scenario(sc, ev) => {
                    self.scenario_event(&feature, None, &sc, ev.event, at, "  ");
                }
                event::Feature::Rule(_, event::Rule::Finished) | event::Feature::Finished => {}
            },
            event::Cucumber::Finished => self.summary(),
            event::Cucumber::Started | event::Cucumber::ParsingFinished { .. } => {}
        }
    }
}

impl cucumber::writer::Stats<ConvWorld> for Report {
    fn passed_steps(&self) -> usize {
        self.steps_passed
    }
    fn skipped_steps(&self) -> usize {
        0
    }
    fn failed_steps(&self) -> usize {
        self.steps_failed
    }
    fn retried_steps(&self) -> usize {
        0
    }
    fn parsing_errors(&self) -> usize {
        0
    }
    fn hook_errors(&self) -> usize {
        self.hook_errors
    }
}
