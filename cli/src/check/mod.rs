//! `convsms check` and `convsms steps`: runs Gherkin features against the whole engine.
//!
//! - [`world`]: the per-scenario world (engine, simulated Twilio, SQLite, clock), one file per
//!   concept.
//! - [`steps`]: the step library, one file per concept; each step calls one World method.
//! - [`params`]: the typed parameters of step sentences (`{requester}`, `{duration}`, `{count}`…).
//! - [`features`]: reading feature files, and refusing what would pass without checking anything.
//! - [`console`]: the console report in the user's words, and each scenario's outcome.
//! - [`report`]: the JUnit and HTML reports and the coverage of scenarios left out.
//! - [`catalogue`]: `convsms steps`, the step catalogue (examples, words, refusals).
//! - [`rows`]: the row catalogue `@row:` tags name (the project's `features/rows.tsv`, or built in).
//! - [`select`]: which scenarios run (`--tags`, `--name`, `FILE:LINE`).
//! - [`snapshot`]: transcript snapshots, named by feature path and scenario.
//! - [`suggest`]: near misses ("did you mean").
//! - [`topics`]: the virtual agent's topics every world starts with (a folder, or built in).
//! - this module: the runner (many paths, tag filters, strict mode, the project folder) and the
//!   row-coverage table.
//!
//! The World and steps live in the binary, not the library: cucumber collects steps with
//! `inventory`, which a linker may drop from a library crate (cucumber-rs issues 271 and 304).

mod catalogue;
pub mod console;
pub mod features;
pub mod params;
pub mod report;
pub mod rows;
pub mod select;
pub mod snapshot;
#[cfg(test)]
mod step_shape;
pub mod steps;
pub mod suggest;
pub mod topics;
pub mod world;

use std::collections::{BTreeMap, HashMap};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use cucumber::codegen::{StepConstructor, WorldInventory};
use cucumber::gherkin::{self, StepType};
use cucumber::{event, parser, World as _, WriterExt as _};
use futures::stream;

pub use catalogue::print_steps;
use console::ScenarioResult;
use world::ConvWorld;

/// Options of `convsms check`, as its command line takes them (`convsms check --help`).
#[derive(Clone, Debug, Default, clap::Args)]
pub struct CheckOptions {
    /// Feature files or folders [default: features, or the --accept files]. A file may name
    /// lines, as `features/phone/validation.feature:16` (several: `:12:30`): only the scenarios
    /// written there run (an outline's Examples row runs that row).
    pub paths: Vec<PathBuf>,
    /// Run only the scenarios whose tags (their own, their rule's and feature's, an Examples
    /// table's) match a Cucumber tag expression: tags joined with `and`, `or`, `not` and
    /// parentheses, for example '@row:AGENT-1 or @row:AGENT-2' or 'not @soak'.
    #[arg(long)]
    pub tags: Option<String>,
    /// Run only the scenarios whose title matches REGEX (case-sensitive, anywhere in the
    /// title, an outline's placeholders filled in).
    #[arg(long, value_name = "REGEX")]
    pub name: Option<String>,
    /// Write a JUnit XML report to FILE.
    #[arg(long, value_name = "FILE")]
    pub junit: Option<PathBuf>,
    /// Write an HTML report to FILE: one self-contained page with every scenario's steps,
    /// failures, snapshot diffs and transcripts, and the row coverage.
    #[arg(long, value_name = "FILE")]
    pub html: Option<PathBuf>,
    /// Print the row-coverage table after the report: every row of the project's
    /// features/rows.tsv, or of the built-in catalogue (the seeds' rows) when it has none.
    #[arg(long)]
    pub coverage: bool,
    /// How many scenarios run at once (at least 1).
    #[arg(long, default_value_t = 16, value_parser = parse_concurrency)]
    pub concurrency: usize,
    /// Folder of transcript snapshots [default: snapshots/ of the project folder, the
    /// nearest folder above the first feature path with a features/ or topics/ folder].
    #[arg(long, value_name = "DIR")]
    pub snapshots: Option<PathBuf>,
    /// Folder of virtual-agent topics (*.toml) every scenario starts with [default: topics/
    /// of the project folder; when there is none, or outside any project folder, the built-in
    /// topics greeting, talk_to_agent, order_status and open_cases].
    #[arg(long, value_name = "DIR")]
    pub topics: Option<PathBuf>,
    /// Write the transcript snapshots of the scenarios of FILE (a feature file or folder)
    /// instead of comparing them; review the .snap diff before committing. Repeatable.
    #[arg(long, value_name = "FILE")]
    pub accept: Vec<PathBuf>,
    /// Fail a scenario that leaves a refusal unchecked (on when the environment variable
    /// CI is true).
    #[arg(long)]
    pub strict: bool,
    /// Run only shard I of N (1-based, as `cargo nextest --partition count:I/N`): of the
    /// scenarios --tags, --name and the paths' lines keep, in file order (the feature files sorted), the k-th (from 0)
    /// runs in shard k % N + 1. The N shards' JUnit files together cover the suite once.
    #[arg(long, value_name = "I/N")]
    pub partition: Option<crate::partition::Partition>,
}

/// The scenarios shard `p` runs: of those `wanted` keeps, in the order of `features` and of
/// their scenarios (a feature's own, then its rules'), the k-th (from 0) when `p.keeps(k)`.
pub fn partition_scenarios(
    features: &[gherkin::Feature],
    p: crate::partition::Partition,
    wanted: impl Fn(&gherkin::Feature, Option<&gherkin::Rule>, &gherkin::Scenario) -> bool,
) -> std::collections::HashSet<console::ScenarioKey> {
    let kept = features::every_scenario(features)
        .filter(|(f, r, s)| wanted(f, *r, s))
        .map(|(f, _, s)| console::key(f, s));
    p.select(kept).into_iter().collect()
}

/// The project folder of a run: the nearest folder, from the first feature path up, that has a
/// `features/` or `topics/` folder, else the current folder when it has one. Given as `""` when
/// it is the current folder, so paths under it print as the user would type them. `None` when
/// there is none: feature files run on their own (a soak's failure, say), whose scenarios start
/// with the built-in topics and whose snapshots are under the current folder.
fn find_project(first: &Path) -> Option<PathBuf> {
    let is_project = |d: &Path| d.join("features").is_dir() || d.join("topics").is_dir();
    let cwd = std::env::current_dir().unwrap_or_default();
    let cwd = cwd.canonicalize().unwrap_or(cwd);
    let found = first.canonicalize().ok().and_then(|start| {
        let start = if start.is_dir() {
            start.as_path()
        } else {
            start.parent().unwrap_or(&start)
        };
        start
            .ancestors()
            .find(|d| is_project(d))
            .map(Path::to_owned)
    });
    match found {
        Some(d) if d == cwd => Some(PathBuf::new()),
        Some(d) => Some(
            d.strip_prefix(&cwd)
                .map_or_else(|_| d.clone(), Path::to_owned),
        ),
        None => is_project(&cwd).then(PathBuf::new),
    }
}

/// A folder option: as given (relative to the current folder), else `name` in the project
/// folder; an error naming the folder and the option when it does not exist.
fn folder(given: Option<&PathBuf>, root: &Path, name: &str) -> io::Result<PathBuf> {
    let option = format!("--{name} DIR");
    let (dir, why) = match given {
        Some(d) => (d.clone(), format!("given with {option}")),
        None => (
            root.join(name),
            format!(
                "the default: {name}/ of the project folder {}, the nearest folder above the \
                 first feature path with a features/ or topics/ folder; set another with {option}",
                shown_root(root)
            ),
        ),
    };
    if dir.is_dir() {
        Ok(dir)
    } else if dir.exists() {
        Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!(
                "the {name} folder {} is a file, not a folder ({why}); give a folder",
                dir.display()
            ),
        ))
    } else {
        Err(io::Error::new(
            io::ErrorKind::NotFound,
            format!("the {name} folder {} does not exist ({why})", dir.display()),
        ))
    }
}

/// The project folder as messages show it: `.` for the current folder.
fn shown_root(root: &Path) -> String {
    if root.as_os_str().is_empty() {
        ".".to_owned()
    } else {
        root.display().to_string()
    }
}

/// `path` made absolute with links resolved, so that two ways of naming one file compare equal;
/// as given when it does not exist.
fn canonical(path: &Path) -> PathBuf {
    path.canonicalize().unwrap_or_else(|_| path.to_owned())
}

/// Whether strict mode is on by default: the environment variable `CI` is `true` (or `1`).
pub fn ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v.eq_ignore_ascii_case("true") || v == "1")
}

/// Feeds the features read by [`features::load`] to cucumber.
struct Parsed;

impl parser::Parser<Vec<gherkin::Feature>> for Parsed {
    type Cli = cucumber::cli::Empty;
    type Output = stream::Iter<std::vec::IntoIter<parser::Result<gherkin::Feature>>>;

    fn parse(self, input: Vec<gherkin::Feature>, _: Self::Cli) -> Self::Output {
        stream::iter(input.into_iter().map(Ok).collect::<Vec<_>>())
    }
}

/// The sentence of the snapshot step.
const SNAPSHOT_SENTENCE: &str = "the transcript matches the snapshot";

/// The step library for the runner: the World's steps, plus one that fails a scenario with a
/// problem found when reading it ([`features::PROBLEM`]), whatever its keyword.
fn step_collection() -> cucumber::step::Collection<ConvWorld> {
    fn problem(
        _: &mut ConvWorld,
        ctx: cucumber::step::Context,
    ) -> futures::future::LocalBoxFuture<'_, ()> {
        let text = ctx
            .step
            .value
            .trim_start_matches(features::PROBLEM)
            .to_owned();
        Box::pin(async move { std::panic::panic_any(text) })
    }
    let re = regex::Regex::new(&format!("^{}", regex::escape(features::PROBLEM)))
        .expect("a valid regex");
    ConvWorld::collection()
        .given(None, re.clone(), problem)
        .when(None, re.clone(), problem)
        .then(None, re, problem)
}

/// Matches step sentences whatever keyword introduces them, as Cucumber JVM and cucumber-js do
/// (cucumber-rs looks only among the steps of the step's keyword, and `And` takes the keyword of
/// the step before it, so `And Twilio answers sends normally again` after a `Then` found
/// nothing).
pub struct Matcher {
    sets: Vec<(StepType, regex::RegexSet)>,
}

/// The matcher of the step library, built once per process.
///
/// # Panics
/// A step's regex does not compile (a bug of the step library, which a test catches).
pub fn library() -> &'static Matcher {
    static LIBRARY: std::sync::LazyLock<Matcher> = std::sync::LazyLock::new(|| {
        Matcher::new(&registered_steps()).expect("the step library's regexes compile")
    });
    &LIBRARY
}

impl Matcher {
    /// The matcher of the registered steps.
    ///
    /// # Errors
    /// A step's regex does not compile (a bug of the step library).
    pub fn new(steps: &[StepDef]) -> Result<Self, regex::Error> {
        let set = |keyword: &str| {
            regex::RegexSet::new(
                steps
                    .iter()
                    .filter(|s| s.keyword == keyword)
                    .map(|s| s.regex.as_str()),
            )
        };
        Ok(Matcher {
            sets: vec![
                (StepType::Given, set("Given")?),
                (StepType::When, set("When")?),
                (StepType::Then, set("Then")?),
            ],
        })
    }

    /// Whether a sentence (without its keyword) is a step of the library, under any keyword.
    pub fn is_step(&self, text: &str) -> bool {
        self.sets.iter().any(|(_, s)| s.is_match(text))
    }

    /// The keyword type a step is run as: its own when a step of that keyword matches it (so
    /// `When interaction IMS0001001 is closed` closes it and `Then ...` checks it), else the
    /// first of Given, When, Then whose steps match it. Unchanged when nothing matches (an
    /// undefined step).
    pub fn resolve(&self, ty: StepType, text: &str) -> StepType {
        let matches = |t: StepType| {
            self.sets
                .iter()
                .find(|(k, _)| *k == t)
                .is_some_and(|(_, s)| s.is_match(text))
        };
        if matches(ty) {
            return ty;
        }
        [StepType::Given, StepType::When, StepType::Then]
            .into_iter()
            .find(|t| *t != ty && matches(*t))
            .unwrap_or(ty)
    }

    /// Sets every step's keyword type with [`Matcher::resolve`].
    pub fn retype(&self, feature: &mut gherkin::Feature) {
        let mut steps: Vec<&mut gherkin::Step> = vec![];
        if let Some(b) = &mut feature.background {
            steps.extend(b.steps.iter_mut());
        }
        steps.extend(
            feature
                .scenarios
                .iter_mut()
                .flat_map(|s| s.steps.iter_mut()),
        );
        for r in &mut feature.rules {
            if let Some(b) = &mut r.background {
                steps.extend(b.steps.iter_mut());
            }
            steps.extend(r.scenarios.iter_mut().flat_map(|s| s.steps.iter_mut()));
        }
        for step in steps {
            step.ty = self.resolve(step.ty, &step.value);
        }
    }
}

/// Reads `--concurrency`: a whole number of scenarios, at least 1.
fn parse_concurrency(text: &str) -> Result<usize, String> {
    crate::soak::at_least_one(text, "scenarios at once", "the default is 16")
}

/// Runs the features; returns whether everything passed (and, with coverage, every row passes).
///
/// # Errors
/// A folder is missing, the folders given hold no feature file, the topics do not load, `--tags` is not a tag expression, `--name` is not
/// a regular expression or matches no title, a `FILE:LINE` names a folder, line 0 or a line past
/// the end of its file, the JUnit file cannot be written: each names the path or option.
pub async fn run(opts: CheckOptions) -> io::Result<bool> {
    let given = if !opts.paths.is_empty() {
        opts.paths.clone()
    } else if !opts.accept.is_empty() {
        opts.accept.clone()
    } else {
        vec![PathBuf::from("features")]
    };
    let select::Paths { paths, lines } = select::split_paths(&given)?;
    // Nothing to run (exit 2, not a failed run): no path exists, or only folders are given and
    // none holds a feature file (a folder that cannot be read is reported by the run instead).
    let nothing_to_run = |what: &str| {
        let shown: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
        Err(io::Error::new(
            io::ErrorKind::NotFound,
            format!(
                "{what} {}; give the feature files or folders to run",
                shown.join(", ")
            ),
        ))
    };
    if !paths.iter().any(|p| p.exists()) {
        return nothing_to_run("no such file or folder:");
    }
    let (found, errors) = features::feature_files(&paths);
    if found.is_empty()
        && paths.iter().all(|p| p.is_dir())
        && errors.iter().all(|e| e.reason == features::NO_FEATURE_FILE)
    {
        return nothing_to_run("no .feature file in");
    }
    let project = find_project(&paths[0]);
    let root = project.clone().unwrap_or_default();
    // Read before the features: their `@row:` tags are checked against it.
    if !rows::use_project(&root)? && opts.coverage && project.is_some() {
        println!(
            "no features/rows.tsv in the project folder {}: coverage counts the built-in rows \
             (the seeds' {}); add the file (a row a line: ID<TAB>statement) to count your own",
            shown_root(&root),
            rows::rows().len()
        );
    }
    let snapshots = opts
        .snapshots
        .clone()
        .unwrap_or_else(|| root.join("snapshots"));
    if snapshots.exists() && !snapshots.is_dir() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!(
                "the snapshots folder {} is a file, not a folder; give a folder with \
                 --snapshots DIR",
                snapshots.display()
            ),
        ));
    }
    let sources = if opts.topics.is_none() && !root.join("topics").is_dir() {
        let built_in: Vec<&str> = topics::BUILT_IN_TOPICS
            .iter()
            .map(|(file, _)| file.trim_end_matches(".toml"))
            .collect();
        if project.is_some() {
            // As `convsms serve` does: a project of features alone still runs.
            println!(
                "no topics/ folder in the project folder {}: the scenarios start with the \
                 built-in topics ({}); give --topics DIR for your own",
                shown_root(&root),
                built_in.join(", ")
            );
        }
        if project.is_none() {
            // Nothing else says which topics answer: a file run on its own.
            println!(
                "no project folder (a folder with features/ or topics/) above {} or here: the \
                 scenarios start with the built-in topics ({}); give --topics DIR for your own",
                paths[0].display(),
                built_in.join(", ")
            );
        }
        topics::TopicSources::built_in()
    } else {
        let dir = folder(opts.topics.as_ref(), &root, "topics")?;
        // Refuse a broken topics folder before any scenario runs (VA-9), naming file and node.
        let set = convsms::domain::topic::TopicSet::load_dir(&dir)
            .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e.to_string()))?;
        if set.fallback().is_none() {
            // Not an error (a desk may want only its triggers), but a silence nobody expects.
            println!(
                "the topics folder {} has no fallback topic (fallback = true): a requester's \
                 first message that no trigger matches gets no answer from the virtual agent",
                dir.display()
            );
        }
        topics::TopicSources::read(&dir)?
    };
    // A second run in one process (tests) keeps the first run's topics.
    topics::use_sources(sources);
    let outputs = report::Outputs {
        junit: opts.junit.clone(),
        html: opts.html.clone(),
    };
    let recorder = report::Recorder::default();
    let transcripts = report::Transcripts::default();
    let kept = transcripts.clone();

    let steps = registered_steps();
    let matcher = Matcher::new(&steps)
        .map_err(|e| io::Error::other(format!("the step library's regexes: {e}")))?;
    let snapshot_step = steps
        .iter()
        .filter_map(|s| regex::Regex::new(&s.regex).ok())
        .find(|r| r.is_match(SNAPSHOT_SENTENCE));
    let mut loaded = features::load(&paths, &|ty, text| {
        matcher.is_step(text).then(|| matcher.resolve(ty, text))
    });
    for f in &mut loaded.features {
        matcher.retype(f);
    }
    // A report path that cannot be written, or would overwrite a feature, fails before the
    // scenarios run, and leaves every file as it was.
    let read: Vec<&Path> = (loaded.features.iter().filter_map(|f| f.path.as_deref()))
        .chain(loaded.errors.iter().map(|e| e.path.as_path()))
        .chain(paths.iter().map(PathBuf::as_path))
        .collect();
    outputs.check(&read)?;
    let selection = std::sync::Arc::new(select::Selection::new(
        opts.tags.as_deref(),
        opts.name.as_deref(),
        lines,
        &loaded,
    )?);
    let snapshot_names = name_snapshots(
        &mut loaded,
        project.as_deref(),
        &snapshots,
        snapshot_step.as_ref(),
    );
    for e in &loaded.errors {
        println!("✘  {e}");
    }
    let accept: Vec<PathBuf> = select::split_paths(&opts.accept)?
        .paths
        .iter()
        .map(|p| canonical(p))
        .collect();
    // An --accept file outside the paths run would have nothing compared, and the run would
    // say its snapshots were up to date.
    let run_roots: Vec<PathBuf> = paths.iter().map(|p| canonical(p)).collect();
    if let Some(outside) = accept.iter().find(|a| {
        !run_roots
            .iter()
            .any(|r| a.starts_with(r) || r.starts_with(a))
    }) {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!(
                "--accept names {}, which is not among the files this run checks ({}): add it \
                 to the paths, or give no paths to run the --accept files themselves",
                outside.display(),
                paths
                    .iter()
                    .map(|p| p.display().to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        ));
    }

    let shard = match opts.partition {
        None => None,
        Some(p) => {
            let keys = partition_scenarios(&loaded.features, p, |f, r, s| selection.keeps(f, r, s));
            if keys.is_empty() {
                // As for filters: a shard never passes having run nothing.
                let selected = features::every_scenario(&loaded.features)
                    .filter(|(f, r, s)| selection.keeps(f, *r, s))
                    .count();
                return Err(io::Error::new(
                    io::ErrorKind::InvalidInput,
                    format!(
                        "--partition {p}: no scenario falls to this shard (the run selects \
                         {selected}); give at most {selected} shard{}",
                        if selected == 1 { "" } else { "s" }
                    ),
                ));
            }
            println!(
                "partition {p}: {} scenario{} of this shard run (--partition); the other shards run the rest",
                keys.len(),
                if keys.len() == 1 { "" } else { "s" }
            );
            Some(keys)
        }
    };
    let shared = console::Shared::default();
    let writer = console::Report::new(shared.clone())
        .tee::<ConvWorld, _>(
            recorder
                .clone()
                .discard_stats_writes()
                .discard_arbitrary_writes(),
        )
        .normalized();
    let strict = opts.strict;
    let unchecked = shared.clone();
    let snapshot_dir = snapshots.clone();
    let named_snapshot_dir = opts.snapshots.clone();
    let result = cucumber::Cucumber::<_, _, _, _, _, cucumber::cli::Empty>::custom(
        Parsed,
        cucumber::runner::Basic::default(),
        writer,
    )
    .with_cli(cucumber::cli::Opts::<_, _, _, cucumber::cli::Empty>::default())
    .steps(step_collection())
    .max_concurrent_scenarios(opts.concurrency.max(1))
    .fail_on_skipped()
    .before(move |feature, _rule, scenario, world| {
        let key = console::key(feature, scenario);
        let path = feature.path.clone().unwrap_or_default();
        let canon = canonical(&path);
        world.snapshot = world::SnapshotTarget {
            dir: snapshot_dir.clone(),
            named_dir: named_snapshot_dir.clone(),
            name: snapshot_names.get(&key).cloned().unwrap_or_default(),
            feature: path.display().to_string(),
            accept: accept.iter().any(|a| canon.starts_with(a)),
            accepted: None,
            compared: false,
            checked: false,
        };
        Box::pin(async {})
    })
    .after(move |feature, _rule, scenario, finished, world| {
        kept.record(feature, scenario, world.as_deref());
        let unchecked = unchecked.clone();
        let key = console::key(feature, scenario);
        let passed = matches!(finished, event::ScenarioFinished::StepPassed);
        let refusals = world
            .as_deref()
            .map(|w| w.unchecked_refusals())
            .unwrap_or_default();
        // Strict mode fails a passing scenario that left a refusal unchecked (below).
        let fails = !passed || (strict && !refusals.is_empty());
        if let Some(w) = world.as_deref().filter(|w| w.snapshot.accept) {
            if fails {
                snapshot::ACCEPT_FAILED.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            } else {
                snapshot::write_accepted(&w.snapshot);
            }
        }
        Box::pin(async move {
            if refusals.is_empty() {
                return;
            }
            let n = refusals.len();
            unchecked.lock().unchecked.insert(key, refusals);
            if strict && passed {
                std::panic::panic_any(format!(
                    "strict mode (--strict, on when CI=true): {} no step checked (listed \
                         below); check each after its step, for example with `Then the request \
                         is refused with \"...\"`",
                    if n == 1 {
                        "a refusal that".to_owned()
                    } else {
                        format!("{n} refusals that")
                    }
                ));
            }
        })
    })
    .filter_run(loaded.features, move |feature, rule, scenario| {
        selection.keeps(feature, rule, scenario)
            && shard
                .as_ref()
                .is_none_or(|keys| keys.contains(&console::key(feature, scenario)))
    })
    .await;
    use cucumber::writer::Stats as _;
    let mut ok = !result.execution_has_failed()
        && loaded.errors.is_empty()
        && snapshot::WRITE_FAILED.load(std::sync::atomic::Ordering::Relaxed) == 0;
    if !loaded.errors.is_empty() {
        // A file may have several problems, each listed: count the paths.
        let paths: std::collections::BTreeSet<_> = loaded.errors.iter().map(|e| &e.path).collect();
        println!(
            "{} could not be run (listed at the top)",
            if paths.len() == 1 {
                "1 feature path".to_owned()
            } else {
                format!("{} feature paths", paths.len())
            }
        );
    }
    // Every scenario of the catalogue, for rows whose scenarios --tags or the paths left out.
    let catalogue = report::coverage::scenarios_under(&root.join("features")).await;
    let mut st = shared.lock();
    // The run names files as given (`features/a.feature`, `./features/a.feature`, absolute); the
    // catalogue as found under the root: one scenario is one entry whichever way it is named.
    let same_file = |path: &str| canonical(Path::new(path));
    let seen: std::collections::HashSet<(PathBuf, usize)> = st
        .scenarios
        .keys()
        .map(|(path, line)| (same_file(path), *line))
        .collect();
    for (k, tags) in catalogue {
        if seen.contains(&(same_file(&k.0), k.1)) {
            continue;
        }
        st.scenarios.entry(k).or_insert(console::ScenarioResult {
            tags,
            ran: false,
            failed: false,
        });
    }
    let table = coverage(&st.scenarios);
    if st.scenarios.is_empty() && loaded.errors.is_empty() {
        let shown: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
        eprintln!("convsms check: no scenario found in {}", shown.join(", "));
        ok = false;
    }
    print_setup_times();
    print_accepted(&snapshots, opts.accept.is_empty());
    if opts.coverage {
        // The table informs; the exit status follows the scenarios (a failing row is a failing
        // scenario already).
        print_coverage(&table);
    }
    let mut run_report = recorder.report();
    transcripts.attach(&mut run_report);
    run_report
        .parse_errors
        .extend(loaded.errors.iter().map(ToString::to_string));
    let info = report::RunInfo {
        paths: given.clone(),
        tags: opts.tags.clone(),
        partition: opts.partition.map(|p| p.to_string()),
    };
    report::write(
        &outputs,
        &run_report,
        &info,
        &report::coverage::rows(&table),
    )?;
    Ok(ok)
}

/// Names every scenario's snapshot (by feature path and scenario, see [`snapshot::name`]), and
/// fails the scenarios that check a snapshot another scenario of the run would share.
fn name_snapshots(
    loaded: &mut features::Loaded,
    project: Option<&Path>,
    dir: &Path,
    snapshot_step: Option<&regex::Regex>,
) -> HashMap<console::ScenarioKey, String> {
    let mut names = HashMap::new();
    let mut users: BTreeMap<String, Vec<(String, usize)>> = BTreeMap::new();
    for f in &loaded.features {
        let path = f.path.clone().unwrap_or_default();
        let names_root = snapshot::names_root(project, dir, &path);
        for s in features::scenarios(f) {
            let row = loaded
                .example_rows
                .get(&(path.clone(), s.position.line))
                .copied();
            let name = snapshot::name(names_root, &path, &s.name, row);
            let key = console::key(f, s);
            let checks =
                snapshot_step.is_some_and(|re| s.steps.iter().any(|st| re.is_match(&st.value)));
            if checks {
                users.entry(name.clone()).or_default().push(key.clone());
            }
            names.insert(key, name);
        }
    }
    let mut problems: HashMap<console::ScenarioKey, String> = HashMap::new();
    for (name, keys) in users {
        if keys.len() < 2 {
            continue;
        }
        let all: Vec<String> = keys.iter().map(|(p, l)| format!("{p}:{l}")).collect();
        for k in &keys {
            problems.insert(
                k.clone(),
                format!(
                    "these scenarios would share the snapshot {}: {}; give them different names",
                    snapshot::path(dir, &name).display(),
                    all.join(", ")
                ),
            );
        }
    }
    if !problems.is_empty() {
        for f in &mut loaded.features {
            let path = f
                .path
                .as_ref()
                .map(|p| p.display().to_string())
                .unwrap_or_default();
            let scenarios = f
                .scenarios
                .iter_mut()
                .chain(f.rules.iter_mut().flat_map(|r| r.scenarios.iter_mut()));
            for s in scenarios {
                if let Some(p) = problems.remove(&(path.clone(), s.position.line)) {
                    features::add_problem_step(s, vec![(s.position.line, p)]);
                }
            }
        }
    }
    names
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

/// Lists the snapshots `--accept` wrote, and asks for a review.
fn print_accepted(dir: &Path, none_asked: bool) {
    if none_asked {
        return;
    }
    let mut written = snapshot::WRITTEN
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .clone();
    written.sort();
    let compared = snapshot::COMPARED.load(std::sync::atomic::Ordering::Relaxed);
    let cut_short = snapshot::ACCEPT_FAILED.load(std::sync::atomic::Ordering::Relaxed);
    if cut_short > 0 {
        println!(
            "--accept: {cut_short} scenario(s) of the accepted files failed; a failing \
             scenario's snapshot is not written, whether its snapshot step ran before the \
             failure or not at all"
        );
    }
    if written.is_empty() {
        match compared {
            0 => println!(
                "--accept: no passing scenario of the accepted files ran a snapshot step; nothing \
                 written"
            ),
            n => println!(
                "--accept: {n} passing scenario(s) checked a snapshot and every one was already \
                 up to date; nothing written"
            ),
        }
        return;
    }
    println!(
        "--accept wrote {} snapshot file(s); review the change (git diff {}) before committing:",
        written.len(),
        dir.display()
    );
    for w in written {
        println!("  {}", w.display());
    }
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
    rows::rows()
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
    let _ = writeln!(
        out,
        "\nRow coverage ({} row{} of {})",
        table.len(),
        if table.len() == 1 { "" } else { "s" },
        rows::source()
    );
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
    fn partitions_split_the_suite_once_evenly_after_the_tag_filter() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../features");
        let loaded = features::load(&[root], &|ty, _| Some(ty));
        let all: std::collections::HashSet<console::ScenarioKey> = loaded
            .features
            .iter()
            .flat_map(|f| features::scenarios(f).map(|s| console::key(f, s)))
            .collect();
        assert!(all.len() > 50, "only {} scenarios", all.len());
        // Odd lines only: a filter (like --tags) applies before the split.
        let odd = |_: &gherkin::Feature, _: Option<&gherkin::Rule>, s: &gherkin::Scenario| {
            s.position.line % 2 == 1
        };
        for (wanted, expected) in [
            (None, all.clone()),
            (
                Some(odd),
                all.iter().filter(|k| k.1 % 2 == 1).cloned().collect(),
            ),
        ] {
            for n in 1..=3 {
                let shards: Vec<_> = (1..=n)
                    .map(|i| {
                        let p = crate::partition::Partition::new(i, n).unwrap();
                        partition_scenarios(&loaded.features, p, |f, r, s| {
                            wanted.is_none_or(|w| w(f, r, s))
                        })
                    })
                    .collect();
                let total: usize = shards.iter().map(|s| s.len()).sum();
                let union: std::collections::HashSet<_> =
                    shards.iter().flatten().cloned().collect();
                assert_eq!(union, expected, "1..={n}/{n} cover the suite");
                assert_eq!(total, expected.len(), "no scenario in two shards of {n}");
                let (min, max) = (
                    shards.iter().map(|s| s.len()).min().unwrap(),
                    shards.iter().map(|s| s.len()).max().unwrap(),
                );
                assert!(max - min <= 1, "{n} shards of sizes {min}..{max}");
            }
        }
    }

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
    fn every_example_finds_one_step_whatever_keyword_introduces_it() {
        let steps = registered_steps();
        let matcher = Matcher::new(&steps).unwrap();
        for (_, examples) in steps::EXAMPLES {
            for ex in *examples {
                let text = suggest::without_keyword(ex);
                for ty in [StepType::Given, StepType::When, StepType::Then] {
                    let keyword = match matcher.resolve(ty, text) {
                        StepType::Given => "Given",
                        StepType::When => "When",
                        StepType::Then => "Then",
                    };
                    let found = matching_steps(&steps, &format!("{keyword} {text}"));
                    assert_eq!(found.len(), 1, "{ex:?} after {ty:?} finds {found:?}");
                }
            }
        }
        // The keyword decides between two steps of one sentence.
        let closed = "interaction IMS0001001 is closed";
        assert_eq!(matcher.resolve(StepType::When, closed), StepType::When);
        assert_eq!(matcher.resolve(StepType::Then, closed), StepType::Then);
        assert_eq!(
            matcher.resolve(StepType::Then, "Twilio answers sends normally again"),
            StepType::Given
        );
    }

    #[test]
    fn rows_match_the_catalogue() {
        let rows = rows::rows();
        assert_eq!(rows.len(), 60);
        assert!(rows.iter().any(|r| r.0 == "PROVIDER-4"));
    }

    #[test]
    fn slugs() {
        assert_eq!(slug("Agent composes: SMS!"), "agent_composes_sms");
    }
}
