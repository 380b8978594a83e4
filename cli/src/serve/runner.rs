//! The one task that owns the engine's world: every action of the API is a catalogue step run
//! here, one at a time, and journaled; reads run here too, so they see a consistent state.
//!
//! cucumber's step functions return `!Send` futures and the world is `!Sync`, so the world stays
//! on this task ([`Runner::run`], on a `LocalSet`) and the axum handlers talk to it through a
//! [`Handle`] (an mpsc channel of commands, each with a oneshot for its answer).
//!
//! Running a step is what `convsms check` does with a line of a feature file: the sentence is
//! read as Gherkin, its keyword resolved as the runner resolves it ([`Matcher::resolve`]), the
//! matching step function of the library called on the world. A panic (a failed check, an
//! error) is caught and answered as [`StepError::Failed`]; a refusal the world keeps for
//! `Then the request is refused with "…"` is answered as [`Ran::refused`]. What succeeded (or
//! was refused, with a check of the refusal; or warned, with a check of the warning) is appended
//! to the journal in the same order, so the export ([`super::export`]) replays it.

use std::any::Any;
use std::panic::AssertUnwindSafe;

use anyhow::Context as _;
use chrono::{DateTime, TimeDelta, Utc};
use cucumber::gherkin::{self, GherkinEnv, StepType};
use cucumber::World as _;
use futures::FutureExt as _;
use tokio::sync::{broadcast, mpsc, oneshot};

use crate::check::world::{quote, ConvWorld};
use crate::check::{registered_steps, suggest, Matcher};

/// Why a step sentence was not run, or failed.
#[derive(Debug, thiserror::Error)]
pub enum StepError {
    /// Not a step sentence: no keyword, several lines, or no step of the library matches.
    #[error("{0}")]
    NotAStep(String),
    /// The step ran and failed (a check that did not hold, an error), with its message.
    #[error("{0}")]
    Failed(String),
}

/// What a step that ran came to.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Ran {
    /// The sentence as journaled, with its resolved keyword.
    pub step: String,
    /// The refusal the engine answered with, when it refused the action.
    pub refused: Option<String>,
    /// What the action wrote to the store or sent through the simulated Twilio, when it did
    /// (a refused send is kept in the transcript as failed: a refusal with something written).
    pub wrote: Option<String>,
    /// The virtual time after the step (RFC 3339).
    pub now: DateTime<Utc>,
}

/// Something the server tells the page: a step ran, time moved, a wire event happened.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Notice {
    /// `step`, `time` or `wire`.
    pub kind: &'static str,
    /// What happened, as JSON.
    pub data: serde_json::Value,
}

type ReadFn = Box<dyn FnOnce(&mut Runner) -> Box<dyn Any + Send> + Send>;

/// A command for the runner.
pub enum Command {
    Step {
        sentence: String,
        docstring: Option<String>,
        reply: oneshot::Sender<Result<Ran, StepError>>,
    },
    Read {
        f: ReadFn,
        reply: oneshot::Sender<Box<dyn Any + Send>>,
    },
}

/// The API's way to the world: cheap to clone, `Send`.
#[derive(Clone)]
pub struct Handle {
    tx: mpsc::Sender<Command>,
    /// Notices for Server-Sent Events subscribers.
    pub notices: broadcast::Sender<Notice>,
}

impl Handle {
    /// Runs a step sentence (`When "+14155552671" texts "Hi" to "+14155550100"`), with a
    /// docstring for the steps that take one.
    ///
    /// # Errors
    /// [`StepError`]; a stopped server answers [`StepError::Failed`].
    pub async fn step(
        &self,
        sentence: String,
        docstring: Option<String>,
    ) -> Result<Ran, StepError> {
        let (reply, rx) = oneshot::channel();
        self.tx
            .send(Command::Step {
                sentence,
                docstring,
                reply,
            })
            .await
            .map_err(|_| StepError::Failed("the server is stopping".into()))?;
        rx.await
            .map_err(|_| StepError::Failed("the server is stopping".into()))?
    }

    /// Runs `f` on the world (between steps) and answers what it returns.
    ///
    /// # Errors
    /// The server is stopping.
    pub async fn read<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Runner) -> T + Send + 'static,
    ) -> anyhow::Result<T> {
        let (reply, rx) = oneshot::channel();
        let f: ReadFn = Box::new(move |r| Box::new(f(r)));
        self.tx
            .send(Command::Read { f, reply })
            .await
            .ok()
            .context("the server is stopping")?;
        let any = rx.await.ok().context("the server is stopping")?;
        any.downcast::<T>()
            .map(|b| *b)
            .map_err(|_| anyhow::anyhow!("a read answered the wrong type (a bug)"))
    }
}

/// The world and what running steps on it needs.
pub struct Runner {
    /// The scenario world the steps act on.
    pub world: ConvWorld,
    collection: cucumber::step::Collection<ConvWorld>,
    matcher: Matcher,
    /// Which start of the server on this database this is (1 for the first).
    pub generation: i64,
    saved_clock: DateTime<Utc>,
    /// The virtual time the journal accounts for: time that passed since (the `--clock wall`
    /// ticker) is journaled as `When N seconds pass` before the next step.
    journaled_to: DateTime<Utc>,
    notices: broadcast::Sender<Notice>,
}

impl Runner {
    /// A runner of `world`, started for the `generation`th time on its database.
    ///
    /// # Errors
    /// A step's regex does not compile (a bug).
    pub fn new(
        world: ConvWorld,
        generation: i64,
        notices: broadcast::Sender<Notice>,
    ) -> anyhow::Result<Runner> {
        let saved_clock = world.now();
        let journaled_to = world
            .stack
            .store
            .read(|tx| tx.journal_latest(1))
            .context("reading the journal")?
            .first()
            .map_or(crate::check::world::epoch(), |j| j.at);
        Ok(Runner {
            journaled_to,
            world,
            collection: ConvWorld::collection(),
            matcher: Matcher::new(&registered_steps()).context("compiling the steps")?,
            generation,
            saved_clock,
            notices,
        })
    }

    /// A handle and the receiving end of its commands.
    pub fn channel(notices: broadcast::Sender<Notice>) -> (Handle, Commands) {
        let (tx, rx) = mpsc::channel(256);
        (Handle { tx, notices }, Commands(rx))
    }

    /// The virtual time the journal accounts for: under `--clock wall`, the time that passed
    /// after it is not journaled until the next step.
    pub fn journaled_to(&self) -> DateTime<Utc> {
        self.journaled_to
    }

    /// The virtual clock's now.
    pub fn now(&self) -> DateTime<Utc> {
        self.world.now()
    }

    /// Carries out one command, then saves the clock if it moved.
    pub async fn apply(&mut self, cmd: Command) {
        match cmd {
            Command::Step {
                sentence,
                docstring,
                reply,
            } => {
                let out = self.run_step(&sentence, docstring.as_deref(), true).await;
                let _ = reply.send(out);
            }
            Command::Read { f, reply } => {
                let _ = reply.send(f(self));
            }
        }
        self.save_clock();
    }

    /// Moves the clock by `by` and runs what came due (the `--clock wall` ticker), journaling
    /// nothing: the export writes the time that passed before the next action.
    ///
    /// # Errors
    /// The engine's tick fails.
    pub async fn pass_wall_time(&mut self, by: TimeDelta) -> anyhow::Result<()> {
        self.world.stack.pass_time(by).await?;
        self.save_clock();
        Ok(())
    }

    /// Writes the clock to the database when it moved, so a restart resumes at it.
    fn save_clock(&mut self) {
        let now = self.now();
        if now == self.saved_clock {
            return;
        }
        let saved = self
            .world
            .stack
            .store
            .write(|tx| tx.set_serve_state("clock", &now.to_rfc3339()));
        match saved {
            Ok(()) => {
                self.saved_clock = now;
                let _ = self.notices.send(Notice {
                    kind: "time",
                    data: serde_json::json!({ "now": now }),
                });
            }
            Err(e) => tracing::error!("saving the clock: {e}"),
        }
    }

    /// Runs one step sentence on the world; journals it (and a check of its refusal, if it was
    /// refused) when `journal` is set and it did not fail.
    ///
    /// # Errors
    /// [`StepError`].
    pub async fn run_step(
        &mut self,
        sentence: &str,
        docstring: Option<&str>,
        journal: bool,
    ) -> Result<Ran, StepError> {
        let (ty, text) = keyword(sentence)?;
        let ty = self.matcher.resolve(ty, text);
        let step = gherkin_step(ty, text, docstring)?;
        let found = self
            .collection
            .find(&step)
            .map_err(|e| StepError::NotAStep(format!("'{text}' matches several steps: {e}")))?;
        let Some((step_fn, _, _, ctx)) = found else {
            if let Some(slip) = suggest::value_slip(text, &|t| self.matcher.is_step(t)) {
                return Err(StepError::NotAStep(format!(
                    "'{text}' is no step of the library: {slip}"
                )));
            }
            let near = suggest::closest_examples(text, 3);
            return Err(StepError::NotAStep(format!(
                "'{text}' is no step of the library (convsms steps lists them all){}",
                if near.is_empty() {
                    String::new()
                } else {
                    format!("; did you mean: {}", near.join(" | "))
                }
            )));
        };
        let acts = ty != StepType::Then;
        if acts {
            // A fresh action: its refusal (if any) is its own, "nothing was written" compares
            // with the state before it.
            self.world
                .mark()
                .map_err(|e| StepError::Failed(e.to_string()))?;
            self.world.last_error = None;
        }
        let before = self.now();
        let outcome = {
            let _quiet = QuietPanics::new();
            AssertUnwindSafe(step_fn(&mut self.world, ctx))
                .catch_unwind()
                .await
        };
        if let Err(panic) = outcome {
            return Err(StepError::Failed(panic_text(&*panic)));
        }
        let refused = if acts {
            self.world.last_error.clone()
        } else {
            None
        };
        let wrote = if acts {
            self.world
                .check_nothing_written()
                .err()
                .map(|e| e.to_string())
        } else {
            None
        };
        let mut step = format!("{} {text}", keyword_of(ty));
        if let Some(doc) = docstring {
            // The journal keeps the docstring under its step, as a feature file writes it.
            step.push_str(&docstring_block(doc));
        }
        if journal {
            let mut lines = vec![];
            let gap = (before - self.journaled_to).num_seconds();
            if let Some(pass) = super::export::passes(gap) {
                lines.push(pass);
            }
            lines.push(step.clone());
            if let Some(e) = &refused {
                let excerpt = refusal_excerpt(e);
                if excerpt.chars().any(char::is_alphanumeric) {
                    lines.push(format!(
                        "Then the request is refused with {}",
                        quote(&excerpt)
                    ));
                } else {
                    // Nothing of it reads the same on the next run: say it, check nothing.
                    lines.push(format!("# The engine refused it: {}", e.replace('\n', " ")));
                }
                self.world.refusal_checked();
            } else if let Some(w) = self.world.shown_warning().filter(|_| acts) {
                // The warning the agent saw (a number linked to someone else, VALIDATE-1): the
                // replay must show it again.
                let excerpt = refusal_excerpt(&w);
                if excerpt.chars().any(char::is_alphanumeric) {
                    lines.push(format!(
                        "Then the agent sees the warning {}",
                        quote(&excerpt)
                    ));
                }
            }
            let (now, generation) = (self.now(), self.generation);
            let written = self.world.stack.store.write(|tx| {
                for l in &lines {
                    tx.journal_append(now, generation, l)?;
                }
                Ok::<_, rusqlite::Error>(())
            });
            if let Err(e) = written {
                return Err(StepError::Failed(format!(
                    "the step ran but could not be journaled: {e}"
                )));
            }
            // Whole seconds are journaled; the fraction left carries over to the next step.
            self.journaled_to += TimeDelta::seconds(gap.max(0)) + (now - before);
        }
        let ran = Ran {
            step,
            refused,
            wrote,
            now: self.now(),
        };
        let _ = self.notices.send(Notice {
            kind: "step",
            data: serde_json::to_value(&ran).unwrap_or_default(),
        });
        Ok(ran)
    }
}

/// The receiving end of a [`Handle`].
pub struct Commands(mpsc::Receiver<Command>);

impl Commands {
    /// The next command; `None` once every handle is dropped.
    pub async fn recv(&mut self) -> Option<Command> {
        self.0.recv().await
    }
}

/// The keyword type and the rest of a sentence (`And`/`But` count as `When`: the matcher
/// resolves them as it does any keyword).
fn keyword(sentence: &str) -> Result<(StepType, &str), StepError> {
    let sentence = sentence.trim();
    if sentence.contains('\n') {
        return Err(StepError::NotAStep(
            "a step is one line; put a multi-line text in \"docstring\"".into(),
        ));
    }
    let (word, rest) = sentence.split_once(' ').unwrap_or((sentence, ""));
    let ty = match word {
        "Given" => StepType::Given,
        "When" | "And" | "But" => StepType::When,
        "Then" => StepType::Then,
        _ => {
            return Err(StepError::NotAStep(format!(
                "'{sentence}' does not start with Given, When, Then, And or But"
            )))
        }
    };
    let rest = rest.trim();
    if rest.is_empty() {
        return Err(StepError::NotAStep(format!(
            "'{word}' needs a sentence after it"
        )));
    }
    Ok((ty, rest))
}

/// The keyword a step of this type is written with.
fn keyword_of(ty: StepType) -> &'static str {
    match ty {
        StepType::Given => "Given",
        StepType::When => "When",
        StepType::Then => "Then",
    }
}

/// A docstring as a feature file writes it under its step, between `"""`, or between ``` when
/// it holds `"""` (a TOML multi-line string), which Gherkin would read as its end.
pub(crate) fn docstring_block(doc: &str) -> String {
    let fence = docstring_fence(doc);
    let mut out = format!("\n  {fence}\n");
    for line in doc.lines() {
        out.push_str("  ");
        out.push_str(line);
        out.push('\n');
    }
    out.push_str("  ");
    out.push_str(fence);
    out
}

/// The delimiter a docstring of `doc` takes: `"""` unless `doc` holds it, then ```.
fn docstring_fence(doc: &str) -> &'static str {
    if doc.contains("\"\"\"") {
        "```"
    } else {
        "\"\"\""
    }
}

/// The step as the Gherkin parser reads it from a one-step scenario, so that docstrings and
/// escapes read as in a feature file.
fn gherkin_step(
    ty: StepType,
    text: &str,
    docstring: Option<&str>,
) -> Result<gherkin::Step, StepError> {
    let mut src = format!(
        "Feature: API\n  Scenario: API\n    {} {text}\n",
        keyword_of(ty)
    );
    if let Some(doc) = docstring {
        if doc.contains("\"\"\"") && doc.contains("```") {
            return Err(StepError::NotAStep(
                "a docstring cannot hold both three double quotes and three backticks (Gherkin \
                 has no other delimiter)"
                    .into(),
            ));
        }
        let fence = docstring_fence(doc);
        src.push_str(&format!("      {fence}\n"));
        for line in doc.lines() {
            src.push_str("      ");
            src.push_str(line);
            src.push('\n');
        }
        src.push_str(&format!("      {fence}\n"));
    }
    let feature = gherkin::Feature::parse(&src, GherkinEnv::default()).map_err(|e| {
        StepError::NotAStep(format!("'{text}' does not read as a Gherkin step: {e}"))
    })?;
    let mut step = feature
        .scenarios
        .into_iter()
        .next()
        .and_then(|s| s.steps.into_iter().next())
        .ok_or_else(|| StepError::NotAStep(format!("'{text}' does not read as a Gherkin step")))?;
    step.ty = ty;
    Ok(step)
}

/// The longest part of a refusal that `Then the request is refused with "…"` finds in the same
/// refusal of a later run: without a double quote (a `{string}` cannot hold one), a backslash
/// (a `{string}` cannot end in one) or a URL (the simulator's and the engine's loopback ports
/// differ from run to run). Empty when the refusal is nothing else.
fn refusal_excerpt(e: &str) -> String {
    static URL: std::sync::LazyLock<regex::Regex> =
        std::sync::LazyLock::new(|| regex::Regex::new(r"\S*://\S*").expect("a valid regex"));
    e.split(['"', '\\'])
        .flat_map(|part| URL.split(part))
        .map(str::trim)
        .max_by_key(|p| p.len())
        .unwrap_or_default()
        .to_owned()
}

/// A panic's message (a step's error, a failed check).
fn panic_text(panic: &(dyn Any + Send)) -> String {
    if let Some(s) = panic.downcast_ref::<String>() {
        s.clone()
    } else if let Some(s) = panic.downcast_ref::<&str>() {
        (*s).to_owned()
    } else {
        "the step panicked".to_owned()
    }
}

thread_local! {
    static QUIET: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// While alive, panics on this thread print nothing (a failed step is answered to its caller,
/// not logged as a crash). The hook is installed once and defers to the default one otherwise.
struct QuietPanics;

impl QuietPanics {
    fn new() -> Self {
        static HOOK: std::sync::Once = std::sync::Once::new();
        HOOK.call_once(|| {
            let default = std::panic::take_hook();
            std::panic::set_hook(Box::new(move |info| {
                if !QUIET.with(std::cell::Cell::get) {
                    default(info);
                }
            }));
        });
        QUIET.with(|q| q.set(true));
        QuietPanics
    }
}

impl Drop for QuietPanics {
    fn drop(&mut self) {
        QUIET.with(|q| q.set(false));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sentences_need_a_keyword_and_one_line() {
        assert!(matches!(keyword("texts"), Err(StepError::NotAStep(_))));
        assert!(matches!(keyword("When"), Err(StepError::NotAStep(_))));
        assert!(matches!(keyword("When a\nb"), Err(StepError::NotAStep(_))));
        let (ty, rest) = keyword("  And 1 minute passes ").unwrap();
        assert_eq!((ty, rest), (StepType::When, "1 minute passes"));
    }

    #[test]
    fn a_refusal_check_quotes_no_double_quote() {
        assert_eq!(
            refusal_excerpt(r#"the number "abc" is not a valid phone number"#),
            "is not a valid phone number"
        );
        assert_eq!(
            refusal_excerpt(
                "the SMS provider is unavailable: Twilio answered HTTP 500 at \
                 http://127.0.0.1:39317/2010-04-01/Accounts/AC1/Messages.json: boom"
            ),
            "the SMS provider is unavailable: Twilio answered HTTP 500 at",
            "no loopback port"
        );
        assert_eq!(
            refusal_excerpt(r"C:\new\tmp is not a file"),
            "tmp is not a file"
        );
        assert_eq!(
            refusal_excerpt("http://127.0.0.1:4010/x"),
            "",
            "nothing stable"
        );
    }

    #[test]
    fn docstrings_read_as_in_a_feature_file() {
        let s = gherkin_step(
            StepType::Given,
            r#"the topic file "a.toml":"#,
            Some("x = 1\ny = 2"),
        )
        .unwrap();
        assert_eq!(s.docstring.as_deref().map(str::trim), Some("x = 1\ny = 2"));
    }

    async fn runner() -> Runner {
        let topics = convsms::domain::topic::TopicSet::from_sources(std::iter::empty())
            .expect("no topics load");
        let stack = crate::check::world::Stack::start(topics).await.unwrap();
        let (notices, _) = broadcast::channel(16);
        Runner::new(ConvWorld::on(stack), 1, notices).unwrap()
    }

    fn journal(r: &Runner) -> Vec<String> {
        r.world
            .stack
            .store
            .read(|tx| tx.journal_after(0))
            .unwrap()
            .into_iter()
            .map(|j| j.step)
            .collect()
    }

    #[tokio::test(flavor = "current_thread")]
    async fn every_step_the_page_sends_runs() {
        // The faults panel: radio values (sent with "Given ") and buttons' data-step.
        let page = super::super::page::INDEX;
        let attr = |name: &str| -> Vec<String> {
            page.split(&format!("{name}=\""))
                .skip(1)
                .filter_map(|rest| rest.split_once('"').map(|(v, _)| v.to_owned()))
                .collect()
        };
        let mut steps: Vec<String> = page
            .split("type=\"radio\"")
            .skip(1)
            .filter_map(|rest| {
                let value = rest.split_once("value=\"")?.1.split_once('"')?.0;
                Some(format!("Given {value}"))
            })
            .collect();
        steps.extend(attr("data-step"));
        assert!(steps.len() >= 10, "{steps:?}");
        let mut r = runner().await;
        for step in &steps {
            r.run_step(step, None, true)
                .await
                .unwrap_or_else(|e| panic!("{step}: {e}"));
        }
    }

    #[tokio::test(flavor = "current_thread")]
    async fn wall_time_between_steps_is_journaled_in_whole_seconds_before_the_next() {
        let mut r = runner().await;
        r.run_step("Given the virtual agent is off", None, true)
            .await
            .unwrap();
        // The --clock wall ticker: 90.6 s in four ticks, no step in between.
        for ms in [30_000, 30_000, 30_000, 600] {
            r.pass_wall_time(TimeDelta::milliseconds(ms)).await.unwrap();
        }
        r.run_step("Given an agent \"bob\"", None, true)
            .await
            .unwrap();
        // The 0.6 s left over carries to the next gap: 0.6 + 59.4 = 60 s.
        r.pass_wall_time(TimeDelta::milliseconds(59_400))
            .await
            .unwrap();
        r.run_step("When agent \"bob\" becomes available", None, true)
            .await
            .unwrap();
        assert_eq!(
            journal(&r),
            [
                "Given the virtual agent is off",
                "When 90 seconds pass",
                "Given an agent \"bob\"",
                "When 1 minute passes",
                "When agent \"bob\" becomes available",
            ]
        );
    }

    /// The export's checks read the state at the export: the wall time that passed after the
    /// last step is replayed before them, so a timer that fired meanwhile fires in the replay.
    #[tokio::test(flavor = "current_thread")]
    async fn the_export_replays_the_wall_time_after_the_last_step() {
        let mut r = runner().await;
        for step in [
            "Given the Conversational SMS provider number \"+14155550100\"",
            "Given the virtual agent is off",
            "Given no messaging actions are active",
            "Given a messaging action \"Ping\" on \"requester message without agent response\" after 20 seconds that prompts the requester \"Still there?\"",
            "When \"+14155552671\" texts \"Hi\" to \"+14155550100\"",
        ] {
            r.run_step(step, None, true).await.unwrap();
        }
        r.pass_wall_time(TimeDelta::milliseconds(25_500))
            .await
            .unwrap();
        let feature = super::super::export::feature(&r, None).unwrap();
        let last = "When \"+14155552671\" texts \"Hi\" to \"+14155550100\"\n";
        let at = feature.find(last).expect("the last step") + last.len();
        assert!(
            feature[at..].starts_with(
                "    # The time that passed since the last step, up to the export.\n    When 25 seconds pass\n"
            ),
            "{feature}"
        );
        assert!(
            feature
                .contains("Then \"+14155552671\" receives \"Still there?\" from \"+14155550100\"")
                && feature.contains("Then interaction IMS0001001 has no pending timer"),
            "{feature}"
        );
        // Nothing was journaled for it: the next step still says the time that passed.
        assert_eq!(journal(&r).len(), 5);
    }

    /// A message an API client scheduled has not reached the handset until its `SendAt`.
    #[tokio::test(flavor = "current_thread")]
    async fn a_scheduled_send_is_received_only_once_sent() {
        let mut r = runner().await;
        r.run_step(
            "Given the Conversational SMS provider number \"+14155550100\"",
            None,
            true,
        )
        .await
        .unwrap();
        let sim = &r.world.stack.sim;
        // Scheduling needs a Messaging Service (Twilio's 35118).
        let service = sim
            .create_service(&convsms_sim::ServiceSetup {
                params: vec![("FriendlyName".into(), "Reminders".into())],
                senders: vec!["+14155550100".into()],
            })
            .unwrap();
        let send_at = (r.now() + TimeDelta::minutes(10)).to_rfc3339();
        let created = reqwest::Client::new()
            .post(format!(
                "{}/2010-04-01/Accounts/{}/Messages.json",
                sim.base_url(),
                sim.account_sid()
            ))
            .basic_auth(sim.account_sid(), Some(sim.auth_token()))
            .form(&[
                ("To", "+14155552671"),
                ("MessagingServiceSid", service.sid.as_str()),
                ("Body", "Your appointment is tomorrow"),
                ("ScheduleType", "fixed"),
                ("SendAt", send_at.as_str()),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(created.status(), 201);
        assert!(r.world.received("+14155552671").is_empty(), "scheduled");
        assert_eq!(
            r.world.undelivered_note("+14155552671"),
            format!(
                "\nscheduled for it, not sent yet:\n  from Messaging Service {}: \"Your appointment is tomorrow\"",
                service.sid.as_str()
            )
        );
        r.pass_wall_time(TimeDelta::minutes(10)).await.unwrap();
        let got = r.world.received("+14155552671");
        assert_eq!(got.len(), 1, "sent at its SendAt");
        assert_eq!(r.world.undelivered_note("+14155552671"), "");
        assert_eq!(got[0].body, "Your appointment is tomorrow");
    }

    #[tokio::test(flavor = "current_thread")]
    async fn refusals_are_journaled_with_their_check_and_failures_not_at_all() {
        let mut r = runner().await;
        let ran = r
            .run_step(
                "When an administrator adds \"12\" as a Conversational SMS provider number",
                None,
                true,
            )
            .await
            .unwrap();
        let refusal = ran.refused.expect("refused");
        let failed = r
            .run_step("When agent \"nobody\" becomes available", None, true)
            .await;
        assert!(matches!(failed, Err(StepError::Failed(_))), "{failed:?}");
        let unknown = r.run_step("When the moon rises", None, true).await;
        assert!(
            matches!(unknown, Err(StepError::NotAStep(_))),
            "{unknown:?}"
        );
        let j = journal(&r);
        assert_eq!(j.len(), 2, "{j:?}");
        assert!(
            j[1].starts_with("Then the request is refused with \""),
            "{j:?}"
        );
        assert!(
            refusal.contains(j[1].split('"').nth(1).unwrap()),
            "{j:?} {refusal}"
        );
    }

    /// A warning the agent saw (VALIDATE-1) is journaled with its check, after the validation
    /// and after the send; an action without one adds no check.
    #[tokio::test(flavor = "current_thread")]
    async fn warnings_are_journaled_with_their_check() {
        let mut r = runner().await;
        for step in [
            "Given the Conversational SMS provider number \"+14155550100\"",
            "Given an agent \"alice\"",
            "Given a consumer \"Ann Archer\" with mobile phone \"+14155552671\"",
            "Given a consumer \"Bea Brown\"",
            "Given a messaging profile links \"+14155552671\" to consumer \"Ann Archer\"",
            "When the agent validates the profile of \"+14155552671\" for consumer \"Bea Brown\"",
            "When agent \"alice\" composes \"Hello Bea\" to \"+14155552671\" for consumer \"Bea Brown\"",
            "When agent \"alice\" composes \"Again\" on interaction IMS0001001",
        ] {
            r.run_step(step, None, true).await.unwrap();
        }
        let j = journal(&r);
        let checks: Vec<&String> = j
            .iter()
            .filter(|l| l.contains("sees the warning"))
            .collect();
        assert_eq!(checks.len(), 2, "{j:?}");
        assert!(
            j.iter()
                .any(|l| l.starts_with("Then the agent sees the warning \"")
                    && l.contains("currently associated with consumer Ann Archer")),
            "{j:?}"
        );
        assert!(
            j.iter()
                .any(|l| l.contains("will associate it with consumer Bea Brown")),
            "{j:?}"
        );
        assert!(j.last().unwrap().contains("\"Again\""), "{j:?}");
    }

    /// Within one instant, the timeline gives an interaction's system messages in the order
    /// they were posted (a join before the leave that follows it).
    #[tokio::test(flavor = "current_thread")]
    async fn the_timeline_keeps_one_instant_s_system_messages_in_order() {
        let mut r = runner().await;
        for step in [
            "Given the Conversational SMS provider number \"+14155550100\"",
            "Given the virtual agent is off",
            "Given an agent \"alice\" who is available for SMS",
            "When \"+14155552671\" texts \"Hi\" to \"+14155550100\"",
            "When agent \"alice\" accepts the offered work item",
            "When agent \"alice\" leaves IMS0001001",
        ] {
            r.run_step(step, None, true).await.unwrap();
        }
        let lines: Vec<String> = crate::serve::timeline::read(&r.world.stack.store, 200)
            .unwrap()
            .into_iter()
            .filter(|e| e.kind == "system_message")
            .map(|e| e.detail)
            .collect();
        let at = |text: &str| lines.iter().position(|l| l == text).unwrap();
        assert!(
            at("alice joined the conversation.") < at("alice left the conversation."),
            "{lines:?}"
        );
        assert!(
            at("Waiting for an agent in Conversational SMS.")
                < at("alice joined the conversation."),
            "{lines:?}"
        );
    }
}
