//! The scenario world: one engine, one simulated Twilio, one SQLite database and one manual clock
//! per scenario, sharing nothing with other scenarios.
//!
//! Steps are thin: their typed parameters ([`crate::check::params`]) read the words, and each
//! calls one method here. The methods live by concept, as the steps do: `world/<concept>.rs` for
//! `steps/<concept>.rs`; this file holds the world, its setup and what several concepts share.
//!
//! Every method returns [`anyhow::Result`], its error in the user's words. Methods that act
//! ("When") record the store's count of committed row changes and the simulator's count of
//! outbound messages first (both O(1), so a step costs the same at step 2,000 as at step 1), so
//! "Then nothing was written" can compare; refusals are kept in [`ConvWorld::last_error`] for
//! "Then ... is refused with ...". A refusal that no step checks before the next action (or the
//! end of the scenario) is kept in [`ConvWorld::unchecked_refusals`]: the runner prints it, and
//! fails the scenario in strict mode.

mod actions;
mod compose;
mod conversation;
mod inbox;
mod notifications;
mod people;
mod phone;
mod profiles;
mod provider;
mod routing;
mod soak;
mod virtual_agent;

pub(crate) use virtual_agent::{case_card_body, topic_position};

use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::Context as _;
use chrono::{DateTime, TimeZone, Utc};
use convsms::clock::ManualClock;
use convsms::domain::model::{Interaction, InteractionNumber, Message, Party, PartyTable};
use convsms::domain::topic::TopicSet;
use convsms::engine::{ComposeForm, Engine, EngineConfig, SendOutcome};
use convsms::provider::SmsProvider;
use convsms::store::SqliteStore;
use convsms::twilio::{MessagesApi, TwilioClient};
use convsms::web::{self, WebState, INBOUND_PATH, STATUS_PATH};
use convsms_sim::{FormAnswer, FormReceiver, PostedForm, RestForms, SimConfig, Simulator};
use cucumber::gherkin::Step;
use rand::SeedableRng;
use twilio_wire::message::{Direction, Message as TwilioMessage, MessageStatus};
use twilio_wire::sid::MessageSid;

use crate::soak::defect::Defect;

/// Where scenarios start: Monday 5 January 2026, 09:00:00 UTC.
pub fn epoch() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 1, 5, 9, 0, 0).unwrap()
}

/// How long each world took to build (database, simulator, engine server), for the run summary.
pub static SETUP_TIMES: std::sync::Mutex<Vec<std::time::Duration>> =
    std::sync::Mutex::new(Vec::new());

/// The per-scenario stack.
pub(crate) struct Stack {
    pub(crate) clock: ManualClock,
    pub(crate) store: Arc<SqliteStore>,
    pub(crate) engine: Arc<Engine>,
    pub(crate) sim: Simulator,
    pub(crate) engine_url: String,
    pub(crate) http: reqwest::Client,
    server: tokio::task::JoinHandle<()>,
    /// Invariant 6 judged inside [`Stack::pass_time`], at each instant the engine ran what fell
    /// due ([`StopLiveness`]): off until the soak or a scenario's world turns it on.
    pub(crate) stop_liveness: std::sync::Mutex<StopLiveness>,
}

/// Invariant 6 at every instant inside a wait at which the engine ran what can change routing
/// ([`Engine::tick_due`] with messaging actions, idle closes or offers' expiry due; retries and
/// reconciliation leave routing as it was): the engine routes after whatever can change it, so
/// nothing may wait for a free member of its queue there either. A check after a whole wait
/// sees only its end, whose full tick routes again and would hide a pass the engine skipped at
/// an instant on the way (after a messaging action closed a conversation and freed its agent's
/// slot, say). The
/// first violation is kept for the soak's next check (or the scenario's `Then every soak
/// invariant holds`) to report.
#[derive(Debug, Default)]
pub(crate) struct StopLiveness {
    /// Whether to judge.
    pub(crate) on: bool,
    /// Instants judged, and the waiting work items they looked at, since last taken.
    pub(crate) checks: u64,
    pub(crate) examined: u64,
    /// The first violation found.
    pub(crate) violation: Option<crate::soak::invariants::Violation>,
}

/// Wraps the engine's `SmsProvider` port, given the stack's store and clock.
pub(crate) type ProviderHook = Box<
    dyn FnOnce(Arc<dyn SmsProvider>, &Arc<SqliteStore>, &ManualClock) -> Arc<dyn SmsProvider>
        + Send,
>;

/// Wraps the engine's web app (webhook, StatusCallback, ServiceNow endpoints), given the
/// stack's store and clock.
pub(crate) type AppHook =
    Box<dyn FnOnce(axum::Router, &Arc<SqliteStore>, &ManualClock) -> axum::Router + Send>;

/// What `convsms serve` puts into a stack that scenarios leave out.
#[derive(Default)]
pub(crate) struct Hooks {
    /// The engine's listener (`--port`) instead of loopback port 0.
    pub(crate) engine_listener: Option<tokio::net::TcpListener>,
    /// Wraps the provider port (the timeline's "send out" events).
    pub(crate) provider: Option<ProviderHook>,
    /// Wraps the engine's app (serve's API beside it, the timeline's webhook events).
    pub(crate) app: Option<AppHook>,
}

/// How the engine and the simulated Twilio reach each other.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum Transport {
    /// The whole signed wire over loopback HTTP: the engine's web server on a port, the
    /// simulator's on another, reqwest in between.
    #[default]
    Http,
    /// Everything below HTTP, without sockets: each send's form and Basic credentials handed to
    /// the simulator's create-message handler as values ([`TwilioClient::with_messages_api`],
    /// [`Simulator::rest_forms`]), each webhook's and status callback's signed form to the
    /// engine's handlers ([`Simulator::receive_forms_in_process`], [`web::receive_form`]); other
    /// requests (fetches, media) go to the other side's axum app in process
    /// ([`TwilioClient::in_process`], [`Simulator::route_in_process`]).
    #[value(
        help = "Everything below HTTP, without sockets: each send's form and Basic \
        credentials handed to the simulator's create-message handler as values, each webhook's \
        and status callback's signed form to the engine's handlers; other requests (fetches, \
        media) go to the other side's axum app in process"
    )]
    Inproc,
}

/// Where a [`Stack`] keeps the engine's database.
#[derive(Clone, Copy, Debug, Default)]
pub enum Database<'a> {
    /// A fresh private in-memory database (scenarios).
    #[default]
    Memory,
    /// This SQLite file (WAL), every write committed on its own (`convsms serve`).
    File(&'a std::path::Path),
    /// This SQLite file with group commit ([`SqliteStore::open_grouped`]): for a batch run
    /// whose database is read afterwards (`convsms soak --db`).
    Grouped(&'a std::path::Path),
}

/// How many writes share a commit in a [`Database::Grouped`] file. 10,000 rather than 1,000:
/// each commit writes every page its group dirtied once (the indexes' right edges, the
/// counters), so fewer commits write fewer pages to the WAL and checkpoint less often
/// (`convsms soak --conversations 10000 --messages 100000 --db`: 0.955x the wall time, paired,
/// median of 3; a checkpoint every 16,000 WAL pages instead of 4,000 on top of it changed
/// nothing, 1.007x). The page cache (64 MiB) holds a group's pages.
const WRITES_PER_COMMIT: u32 = 10_000;

/// The engine's webhooks as the simulator's [`FormReceiver`] under [`Transport::Inproc`]: the
/// signed forms handed to [`web::receive_form`] as values.
struct EngineForms(WebState);

#[async_trait::async_trait]
impl FormReceiver for EngineForms {
    async fn post_form(&self, form: PostedForm<'_>) -> Option<FormAnswer> {
        let answer =
            web::receive_form(&self.0, form.path, Some(form.signature), form.params).await?;
        Some(FormAnswer {
            status: answer.status.as_u16(),
            body: answer.body.into(),
        })
    }
}

/// The simulator's create-message route as the engine's [`MessagesApi`] under
/// [`Transport::Inproc`]: each send's form handed over as values.
struct SimulatorMessages(RestForms);

#[async_trait::async_trait]
impl MessagesApi for SimulatorMessages {
    async fn create_message(
        &self,
        url: &str,
        authorization: &str,
        params: Vec<(String, String)>,
    ) -> Option<Result<(u16, axum::body::Bytes), String>> {
        self.0.create_message(url, authorization, params).await
    }
}

/// The public URL the engine has under [`Transport::Inproc`] (no socket listens there).
const INPROC_ENGINE_URL: &str = "http://engine.inproc.invalid";

impl Stack {
    /// Builds the stack a scenario runs on: an in-memory SQLite database, the simulated Twilio
    /// and the engine's web server on loopback port 0, a manual clock at [`epoch`] shared by
    /// both, the engine signed up for the simulator's webhooks and status callbacks, and the
    /// virtual agent's `topics`.
    ///
    /// # Errors
    /// A port cannot be bound or the database cannot be created.
    pub(crate) async fn start(topics: TopicSet) -> anyhow::Result<Stack> {
        Stack::start_with(topics, Transport::Http, Database::Memory).await
    }

    /// Like [`Stack::start`], over `transport`, with the database `db` (a file is created, or
    /// opened and migrated when it exists), and the defect the
    /// environment variable [`crate::soak::defect::ENV`] names, if any (a harness self-test).
    ///
    /// # Errors
    /// A port cannot be bound, the database cannot be created or opened, or the environment
    /// variable names no known defect.
    pub(crate) async fn start_with(
        topics: TopicSet,
        transport: Transport,
        db: Database<'_>,
    ) -> anyhow::Result<Stack> {
        let defect = Defect::from_env()?;
        Stack::start_with_defect(topics, transport, db, defect).await
    }

    /// Like [`Stack::start_with`], with `defect` injected (none: the real stack) whatever the
    /// environment says.
    ///
    /// # Errors
    /// As [`Stack::start_with`].
    pub(crate) async fn start_with_defect(
        topics: TopicSet,
        transport: Transport,
        db: Database<'_>,
        defect: Option<Defect>,
    ) -> anyhow::Result<Stack> {
        Stack::start_hooked(topics, transport, db, defect, Hooks::default()).await
    }

    /// Like [`Stack::start_with_defect`], with `convsms serve`'s [`Hooks`] in place (under
    /// [`Transport::Http`]: a listener of its own for the engine, the provider and the engine's
    /// app wrapped).
    ///
    /// # Errors
    /// As [`Stack::start_with`].
    pub(crate) async fn start_hooked(
        topics: TopicSet,
        transport: Transport,
        db: Database<'_>,
        defect: Option<Defect>,
        hooks: Hooks,
    ) -> anyhow::Result<Stack> {
        let clock = ManualClock::starting_at(epoch());
        let store = Arc::new(match db {
            Database::Memory => SqliteStore::open_in_memory().context("opening the database")?,
            Database::File(path) => SqliteStore::open(path)
                .with_context(|| format!("opening the database {}", path.display()))?,
            Database::Grouped(path) => SqliteStore::open_grouped(path, WRITES_PER_COMMIT)
                .with_context(|| format!("opening the database {}", path.display()))?,
        });
        let sim = Simulator::start(
            SimConfig::for_tests(),
            crate::sim_clock::for_simulator(clock.clone()),
        )
        .await
        .context("starting the simulated Twilio")?;
        let (listener, engine_url) = match transport {
            Transport::Http => {
                let listener = match hooks.engine_listener {
                    Some(l) => l,
                    None => web::bind(0).await.context("binding the engine's port")?.0,
                };
                let addr = listener
                    .local_addr()
                    .context("reading the engine's address")?;
                (Some(listener), format!("http://{addr}"))
            }
            Transport::Inproc => (None, INPROC_ENGINE_URL.to_owned()),
        };
        let provider = match transport {
            Transport::Http => {
                TwilioClient::new(&sim.base_url(), sim.account_sid(), sim.auth_token())
            }
            Transport::Inproc => TwilioClient::in_process(
                sim.app(),
                &sim.base_url(),
                sim.account_sid(),
                sim.auth_token(),
            )
            .with_messages_api(Arc::new(SimulatorMessages(sim.rest_forms()))),
        };
        let provider: Arc<dyn SmsProvider> = match defect {
            None => Arc::new(provider),
            Some(d) => d.wrap(Arc::new(provider)),
        };
        let provider = match hooks.provider {
            None => provider,
            Some(wrap) => wrap(provider, &store, &clock),
        };
        let engine = Arc::new(Engine::new(
            store.clone(),
            provider,
            Arc::new(clock.clone()),
        ));
        engine.configure(EngineConfig {
            status_callback: Some(format!("{engine_url}{STATUS_PATH}")),
            public_url: engine_url.clone(),
        });
        let state = WebState {
            engine: engine.clone(),
            auth_token: sim.auth_token().to_owned(),
            public_url: engine_url.clone(),
        };
        let app = web::router(state.clone());
        let (app, hooked) = match hooks.app {
            None => (app, false),
            Some(wrap) => (wrap(app, &store, &clock), true),
        };
        let server = match listener {
            Some(listener) => tokio::spawn(async move {
                let _ = axum::serve(listener, app).await;
            }),
            None => {
                sim.route_in_process(&engine_url, app);
                if !hooked {
                    sim.receive_forms_in_process(&engine_url, Arc::new(EngineForms(state)));
                }
                tokio::spawn(async {})
            }
        };
        sim.set_sms_url(&format!("{engine_url}{INBOUND_PATH}"));
        engine.set_topics(Arc::new(topics));
        Ok(Stack {
            clock,
            store,
            engine,
            sim,
            engine_url,
            http: reqwest::Client::new(),
            server,
            stop_liveness: std::sync::Mutex::default(),
        })
    }
}

impl Stack {
    /// Moves the shared clock by `by`, stopping at each instant on the way at which something
    /// falls due, so that it runs at its own time and in order: Twilio's side (status
    /// transitions and their callbacks, `Simulator::run_due`) at each of its instants, the
    /// engine's at each of its own ([`Engine::next_tick_due`], [`Engine::tick_due`]: messaging
    /// actions, idle closes, offers, retries, status reconciliation), and everything
    /// ([`Engine::tick`]) at the end.
    ///
    /// Work already overdue when the span starts (an idle timeout shortened since the last tick)
    /// runs first, at the start. A StatusCallback can only settle or postpone what the engine has
    /// due, never bring it nearer, so what the engine has due is asked again only after it ran
    /// something: at worst it is asked at an instant where nothing is left to do.
    ///
    /// # Errors
    /// The engine's tick fails (a database error).
    pub(crate) async fn pass_time(&self, by: chrono::TimeDelta) -> anyhow::Result<()> {
        use convsms::clock::Clock;
        let target = self.clock.now() + by;
        // From long before now: work already overdue (a property changed since the last tick)
        // runs first, at now, not after what falls due later.
        let mut due = self
            .engine
            .next_tick_due(self.clock.now() - chrono::TimeDelta::days(3650))
            .context("finding when the engine has work next")?;
        let mut progress = Progress::new(self.clock.now());
        loop {
            let now = self.clock.now();
            let engine_next = due.earliest();
            let at = [self.sim.next_due(), engine_next]
                .into_iter()
                .flatten()
                .min()
                .filter(|&at| at < target)
                .map_or(target, |at| at.max(now));
            progress.stop_at(at)?;
            self.clock.set(at);
            self.sim.run_due().await;
            if at == target {
                self.engine
                    .tick()
                    .await
                    .context("running what became due")?;
                return Ok(());
            }
            if engine_next.is_some_and(|e| e <= at) {
                // What can change routing: messaging actions and idle closes (closing or
                // reassigning conversations frees agents' slots), offers' expiry.
                let due_at = |t: Option<DateTime<Utc>>| t.is_some_and(|t| t <= at);
                let closing = due_at(due.timer) || due_at(due.idle_close);
                let routing = closing || due_at(due.offer_expiry);
                due = self
                    .engine
                    .tick_due(due)
                    .await
                    .context("running what became due")?;
                engine_moved_on(due.earliest(), at)?;
                if routing {
                    self.judge_liveness(at, closing)?;
                }
            }
        }
    }

    /// Invariant 6 at `at`, right after the engine ran what fell due then, when
    /// [`Stack::stop_liveness`] is on and nothing broke it yet; with `closing` (messaging
    /// actions or idle closes ran, which can close conversations) its part that no closed
    /// conversation keeps an active work item too.
    ///
    /// # Errors
    /// The store cannot be read.
    fn judge_liveness(&self, at: DateTime<Utc>, closing: bool) -> anyhow::Result<()> {
        let mut judge = self
            .stop_liveness
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if !judge.on || judge.violation.is_some() {
            return Ok(());
        }
        judge.checks += 1;
        // Nothing can wait for a free agent when no agent is free or nothing waits: both are
        // cheaper reads than the whole routing state (an overloaded desk has nobody free and a
        // long queue; a quiet one everybody free and nobody waiting). Only a close can leave a
        // closed conversation's item active.
        let (can_wait, closed_with_items) = self
            .store
            .read(|tx| {
                let closed = if closing {
                    tx.audit_closed_with_active_items()?
                } else {
                    vec![]
                };
                let holding = tx.awa_items_holding_slots()?;
                let free = tx.awa_agents()?.iter().any(|a| {
                    a.presence == convsms::domain::work_assignment::Presence::Available
                        && convsms::domain::work_assignment::free_capacity(a, &holding) > 0
                });
                Ok::<_, convsms::store::StoreError>((free && tx.awa_any_waiting()?, closed))
            })
            .context("reading the agents' load")?;
        judge.violation = crate::soak::invariants::items_in_step(&closed_with_items).err();
        if !can_wait || judge.violation.is_some() {
            return Ok(());
        }
        let r = crate::soak::audit::routing(self, at).context("reading the routing state")?;
        judge.examined += r.waiting().count() as u64;
        judge.violation = crate::soak::invariants::liveness(&r).err();
        Ok(())
    }
}

/// Most stops [`Stack::pass_time`] makes at one instant before it calls time stuck. Each stop
/// runs everything due then; only work that keeps making work due at the same instant (a
/// StatusCallback whose answer makes a send whose callback is due at once, over and over) needs
/// a second, and no real chain comes near this many.
const STOPS_AT_ONE_INSTANT: u32 = 10_000;

/// Counts [`Stack::pass_time`]'s stops at one instant, so that an engine or simulator that
/// keeps work due without doing it fails the step instead of hanging the run (counted, not
/// timed: the same run stops at the same stop).
struct Progress {
    at: DateTime<Utc>,
    stops: u32,
}

impl Progress {
    fn new(at: DateTime<Utc>) -> Self {
        Progress { at, stops: 0 }
    }

    /// Records a stop at `at`.
    ///
    /// # Errors
    /// The [`STOPS_AT_ONE_INSTANT`]-th stop in a row at one instant.
    fn stop_at(&mut self, at: DateTime<Utc>) -> anyhow::Result<()> {
        if at != self.at {
            *self = Progress::new(at);
        }
        self.stops += 1;
        if self.stops >= STOPS_AT_ONE_INSTANT {
            return Err(TimeStuck {
                detail: format!(
                    "time is stuck at {}: {STOPS_AT_ONE_INSTANT} rounds of the work due then \
                     left work due then again, so the clock could never move on (a defect of \
                     the engine or the simulated Twilio, not of the scenario)",
                    at.format("%Y-%m-%d %H:%M:%S UTC")
                ),
            }
            .into());
        }
        Ok(())
    }
}

/// [`Engine::tick_due`]'s promise: what it returns falls due strictly after the instant it ran
/// at. Work it left due at `at` or before would be asked for again at once, forever.
///
/// # Errors
/// `earliest` is at or before `at`.
fn engine_moved_on(earliest: Option<DateTime<Utc>>, at: DateTime<Utc>) -> anyhow::Result<()> {
    match earliest {
        Some(e) if e <= at => Err(TimeStuck {
            detail: format!(
                "the engine's tick at {} left work due at {}, not after it: it did not run \
                 what was due, so time could never move on (an engine defect, not the \
                 scenario's)",
                at.format("%Y-%m-%d %H:%M:%S UTC"),
                e.format("%Y-%m-%d %H:%M:%S UTC")
            ),
        }
        .into()),
        _ => Ok(()),
    }
}

/// [`Stack::pass_time`] could not move the clock on: work due at `at` stayed due however often
/// it ran ([`Progress::stop_at`], [`engine_moved_on`]). A defect of the engine or the simulated
/// Twilio, never of a scenario or of the soak's traffic: the soak reports it as invariant 8's
/// violation (a timer, or other work, never done) and shrinks it like any other.
#[derive(Debug, thiserror::Error)]
#[error("{detail}")]
pub(crate) struct TimeStuck {
    /// What was seen, in words, with the instant time is stuck at (UTC, to the second).
    pub(crate) detail: String,
}

impl Drop for Stack {
    fn drop(&mut self) {
        self.server.abort();
    }
}

impl Stack {
    /// Stops the engine's and the simulator's servers and waits until they have stopped, then
    /// drops the stack: everything it holds is freed now, not when the runtime next gets to the
    /// stopped tasks (whose apps hold the simulator's state and the engine). The shrinker
    /// replays hundreds of stacks on one busy current-thread runtime; dropped without this,
    /// each kept its simulator (16 MB at 7,000 events) for the rest of the run.
    pub(crate) async fn close(mut self) {
        self.server.abort();
        let _ = (&mut self.server).await;
        self.sim.stop_server().await;
    }
}

/// The seed of made-up names (requesters created without one) until a step names another.
pub const NAMES_SEED: u64 = 2026;

/// Where a scenario's transcript snapshot is, and what to do with it.
#[derive(Clone, Debug, Default)]
pub struct SnapshotTarget {
    /// The snapshots folder (`--snapshots`).
    pub dir: PathBuf,
    /// The folder as `--snapshots` named it, when it did (the `--accept` hint repeats it).
    pub named_dir: Option<PathBuf>,
    /// The file's name without `.snap` (see [`crate::check::snapshot::name`]).
    pub name: String,
    /// The scenario's feature file, as the user named it (for messages and the file's header).
    pub feature: String,
    /// Whether `Then the transcript matches the snapshot` writes the snapshot (`--accept`)
    /// instead of comparing.
    pub accept: bool,
    /// Under `--accept`, the transcript the snapshot step saw when it differs from the file (or
    /// there is none yet): written once the whole scenario has passed
    /// ([`crate::check::snapshot::write_accepted`]), never for a scenario that fails later.
    pub accepted: Option<String>,
    /// Under `--accept`, whether a snapshot step ran (counted once the scenario has passed).
    pub compared: bool,
    /// Whether the scenario's snapshot step ran (a second one fails).
    pub checked: bool,
}

/// What the last HTTP call to the engine answered.
#[derive(Clone, Debug)]
pub struct HttpAnswer {
    /// HTTP status.
    pub status: u16,
    /// Body as text.
    pub body: String,
}

/// One scenario's world.
#[derive(cucumber::World)]
#[world(init = Self::start)]
pub struct ConvWorld {
    pub(crate) stack: Stack,
    /// The scenario's transcript snapshot.
    pub snapshot: SnapshotTarget,
    /// The last refusal, as the user would read it.
    pub last_error: Option<String>,
    /// The last Compose SMS form shown.
    pub last_form: Option<ComposeForm>,
    /// The last Compose SMS send.
    pub last_send: Option<SendOutcome>,
    /// The validation endpoint the last step called (`validate_phone_number`,
    /// `validate_profile`), whose answer is [`ConvWorld::last_http`]; `None` after any other step.
    pub(crate) last_endpoint: Option<&'static str>,
    /// The last HTTP answer (webhooks, ServiceNow endpoints).
    pub last_http: Option<HttpAnswer>,
    /// The last inbound message the simulator delivered.
    pub last_inbound: Option<MessageSid>,
    before: Option<(u64, u64)>,
    /// Whether a step has read [`ConvWorld::last_error`] (a check of the refusal).
    refusal_checked: std::sync::atomic::AtomicBool,
    /// Earlier refusals no step checked, oldest first.
    unchecked: Vec<Refusal>,
    /// When [`ConvWorld::last_error`] was kept (wall time: only for naming its step in a
    /// report, see [`Refusal`]).
    last_error_at: Option<std::time::SystemTime>,
    faker: rand_chacha::ChaCha12Rng,
    /// Topic files a scenario added or replaced: (file name, text).
    extra_topics: Vec<(String, String)>,
    /// Whether the scenario's topics are the built-in ones
    /// ([`ConvWorld::given_built_in_topics`]), not the run's.
    built_in_topics: bool,
    /// Whether the virtual agent answers only with the topic files steps load
    /// ([`ConvWorld::given_only_topic_files`]): neither the run's nor the built-in ones.
    only_topic_files: bool,
    /// The work each agent held beyond a capacity lowered since (by agent sys_id): theirs to
    /// keep, as invariant 5 allows.
    kept_over_capacity: std::collections::BTreeMap<String, Vec<InteractionNumber>>,
    /// Who declined each conversation, as invariant 14 remembers it from one `Then every soak
    /// invariant holds` to the next (each takes the store's offer log).
    pub(crate) declined: crate::soak::invariants::Declined,
    /// The first webhook re-delivery that made the engine write or send something (invariant 2,
    /// [`crate::soak::invariants::redelivery_changed_nothing`]): `Then every soak invariant
    /// holds` reports it.
    pub(crate) redelivery_violation: Option<crate::soak::invariants::Violation>,
    /// The MessageSids of the status callbacks the scenario wrote itself (`When Twilio reports
    /// message … as …`), which invariant 3 does not compare with the simulator's status.
    pub(crate) hand_reported: std::collections::HashSet<twilio_wire::sid::MessageSid>,
    /// The shortest idle timeout (`com.glide.cs.conversation_idle_timeout`, seconds) a step
    /// set, if any: an idle close is judged by it, or by the default it may have replaced.
    pub(crate) shortest_idle_timeout: Option<i64>,
    /// Whether the store's audit log has followed every status change since the world began (a
    /// scenario's world; not `serve`'s, which would keep the log for as long as it runs).
    pub(crate) follows_status_moves: bool,
}

impl fmt::Debug for ConvWorld {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ConvWorld")
            .field("engine_url", &self.stack.engine_url)
            .field("simulator", &self.stack.sim.base_url())
            .field("last_error", &self.last_error)
            .finish_non_exhaustive()
    }
}

/// A refusal no step checked: its text and when it was kept, by the wall clock, which is what
/// names the step that made it in a report: the first step of its scenario to finish at or
/// after that instant (cucumber stamps each step's events with the same clock;
/// [`Refusal::step`]). Nothing the scenario checks reads that time.
#[derive(Clone, Debug)]
pub struct Refusal {
    /// The refusal, as the engine or Twilio gave it.
    pub text: String,
    /// When the World kept it; `None` when unknown (a refusal set without
    /// [`ConvWorld::refused`]), which names no step.
    pub at: Option<std::time::SystemTime>,
}

impl Refusal {
    /// The step (its line and words) that made this refusal, of `steps` (each: when it
    /// finished, its line, its keyword and text), in the order they ran: the first to finish at
    /// or after [`Refusal::at`]; `None` when none did, or the instant is unknown.
    pub fn step<'s>(
        &self,
        steps: impl IntoIterator<Item = (std::time::SystemTime, usize, &'s str)>,
    ) -> Option<(usize, &'s str)> {
        let at = self.at?;
        steps
            .into_iter()
            .find(|(finished, _, _)| *finished >= at)
            .map(|(_, line, words)| (line, words))
    }

    /// The refusal as a report shows it: `line 12, When agent "alcie" composes "Hi": no
    /// sys_user named 'alcie'`, or its text alone when no step is named.
    pub fn shown(&self, step: Option<(usize, &str)>) -> String {
        match step {
            Some((line, words)) => format!("line {line}, {words}: {}", self.text),
            None => self.text.clone(),
        }
    }
}

/// A message a handset received: who sent it, its text and how many media it carried.
#[derive(Clone, Debug)]
pub struct Received {
    /// Its MessageSid at the simulated Twilio (`SM` + 32 hex digits).
    pub sid: MessageSid,
    /// The number it came from.
    pub from: String,
    /// Its text.
    pub body: String,
    /// The MIME types of the media it carried, in order (`image/png`, `application/pdf`).
    pub media: Vec<String>,
}

impl Received {
    /// How many of its media are images (`image/*`) and how many other files.
    pub fn images_and_files(&self) -> (usize, usize) {
        let images = self
            .media
            .iter()
            .filter(|t| t.starts_with("image/"))
            .count();
        (images, self.media.len() - images)
    }
}

impl fmt::Display for Received {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "from {}: {}", self.from, quote_expected(&self.body))?;
        if !self.media.is_empty() {
            write!(f, " with media {}", self.media.join(", "))?;
        }
        Ok(())
    }
}

/// Whether a message never reached the handset: the carrier refused it (`undelivered`,
/// `failed`) or it was canceled before it went out.
fn never_arrived(m: &TwilioMessage) -> bool {
    matches!(
        m.status,
        MessageStatus::Undelivered | MessageStatus::Failed | MessageStatus::Canceled
    )
}

/// Refuses an expected text that is empty or blank: every text contains it, so a check of it
/// would pass whatever happened.
///
/// # Errors
/// Says so, and what to quote instead.
pub(crate) fn words_expected(text: &str) -> anyhow::Result<()> {
    anyhow::ensure!(
        !text.trim().is_empty(),
        "the expected text is empty, and every text contains it, so this check would pass \
         whatever happened; quote words of the text you expect, such as \"not a valid phone number\""
    );
    Ok(())
}

/// A text as a step quotes it, in double quotes (the inverse of [`unescape`]): a line break
/// written `\n`, a double quote `\"`, and a backslash `\\` where [`unescape`] would otherwise
/// read it with what follows (before `n`, `\`, `"` or the closing quote); any other backslash
/// as it is, so that a text without those (a name, `C:\tmp`) is quoted as written.
pub(crate) fn quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\n' => out.push_str("\\n"),
            '"' => out.push_str("\\\""),
            '\\' if matches!(chars.peek(), None | Some('n' | '\\' | '"')) => out.push_str("\\\\"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// An expected text as a `Then` step quotes it: [`quote`].
pub(crate) fn quote_expected(text: &str) -> String {
    quote(text)
}

/// A quoted text of a step as the message holds it: `\n` is a line break, `\\` a backslash and
/// `\"` a double quote; any other backslash stays as written (`C:\tmp`).
pub(crate) fn unescape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, chars.peek()) {
            ('\\', Some('n')) => {
                chars.next();
                out.push('\n');
            }
            ('\\', Some('\\')) => {
                chars.next();
                out.push('\\');
            }
            ('\\', Some('"')) => {
                chars.next();
                out.push('"');
            }
            _ => out.push(c),
        }
    }
    out
}

/// Items one per line, indented, for a failure message; `(none)` when there are none.
pub(crate) fn lines<T: fmt::Display>(items: impl IntoIterator<Item = T>) -> String {
    let out: String = items.into_iter().map(|i| format!("\n  {i}")).collect();
    if out.is_empty() {
        " (none)".to_owned()
    } else {
        out
    }
}

/// Items joined with `, `; `none` when there are none.
pub(crate) fn joined<T: fmt::Display>(items: impl IntoIterator<Item = T>) -> String {
    let out: Vec<String> = items.into_iter().map(|i| i.to_string()).collect();
    if out.is_empty() {
        "none".to_owned()
    } else {
        out.join(", ")
    }
}

/// A step's docstring (the text between `"""` lines), without its leading line break.
pub(crate) fn docstring(step: &Step) -> anyhow::Result<String> {
    step.docstring
        .as_ref()
        .map(|d| d.trim_start_matches('\n').to_owned())
        .context("this step needs a docstring: the text between \"\"\" lines under it")
}

impl ConvWorld {
    /// Builds a fresh stack: in-memory SQLite, simulator and engine on loopback port 0.
    ///
    /// # Errors
    /// A port cannot be bound or the database cannot be created.
    pub async fn start() -> anyhow::Result<Self> {
        let started = std::time::Instant::now();
        let world = Self::build().await?;
        SETUP_TIMES
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(started.elapsed());
        Ok(world)
    }

    async fn build() -> anyhow::Result<Self> {
        let topics = super::topics::topic_sources().load()?;
        let stack = Stack::start(topics).await?;
        let mut world = ConvWorld::on(stack);
        // `Then every soak invariant holds` sees each status change of the scenario, not only
        // the statuses at its look: a status that went back between two steps is caught.
        world
            .store()
            .read(|tx| tx.audit_log_message_changes())
            .context("starting the store's log of changed transcript rows")?;
        world
            .store()
            .write(|tx| tx.audit_follow_moves())
            .context("following the transcript's status changes")?;
        world.follows_status_moves = true;
        // ... and invariant 6 at each instant time passing stops at (reported by that step).
        world
            .stack
            .stop_liveness
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .on = true;
        Ok(world)
    }

    /// A world on a stack built elsewhere (`convsms serve`'s).
    pub(crate) fn on(stack: Stack) -> Self {
        ConvWorld {
            stack,
            snapshot: SnapshotTarget::default(),
            last_error: None,
            last_form: None,
            last_send: None,
            last_endpoint: None,
            last_http: None,
            last_inbound: None,
            before: None,
            refusal_checked: std::sync::atomic::AtomicBool::new(false),
            unchecked: vec![],
            last_error_at: None,
            faker: rand_chacha::ChaCha12Rng::seed_from_u64(NAMES_SEED),
            extra_topics: vec![],
            built_in_topics: false,
            only_topic_files: false,
            kept_over_capacity: std::collections::BTreeMap::new(),
            declined: crate::soak::invariants::Declined::new(),
            redelivery_violation: None,
            hand_reported: std::collections::HashSet::new(),
            shortest_idle_timeout: None,
            follows_status_moves: false,
        }
    }

    /// Draws the world's made-up data (names of requesters created without one) from `seed`.
    /// Made-up names come from `seed`'s generator from here on (`Given made-up names come from
    /// seed 7`; [`NAMES_SEED`] until then).
    pub(crate) fn reseed(&mut self, seed: u64) {
        self.faker = rand_chacha::ChaCha12Rng::seed_from_u64(seed);
    }

    pub(crate) fn engine(&self) -> &Engine {
        &self.stack.engine
    }

    pub(crate) fn store(&self) -> &SqliteStore {
        &self.stack.store
    }

    /// The scenario clock's now.
    pub(crate) fn now(&self) -> DateTime<Utc> {
        convsms::clock::Clock::now(&self.stack.clock)
    }

    /// Remembers the state before an action, for "nothing was written"; a refusal of the
    /// previous action that no step checked is set aside as unchecked.
    pub(crate) fn mark(&mut self) -> anyhow::Result<()> {
        self.set_aside_unchecked();
        self.last_form = None;
        self.last_send = None;
        self.last_endpoint = None;
        self.last_http = None;
        self.before = Some((
            self.store().committed_changes(),
            self.stack.sim.outbound_created(),
        ));
        Ok(())
    }

    /// Keeps a refusal for "Then the request is refused with ...".
    pub(crate) fn refused(&mut self, e: impl fmt::Display) {
        self.set_aside_unchecked();
        self.last_error = Some(e.to_string());
        self.last_error_at = Some(std::time::SystemTime::now());
    }

    /// Forgets the last refusal, keeping it as unchecked when no step checked it.
    fn set_aside_unchecked(&mut self) {
        let checked = self
            .refusal_checked
            .swap(false, std::sync::atomic::Ordering::SeqCst);
        let at = self.last_error_at.take();
        if let Some(e) = self.last_error.take() {
            if !checked {
                self.unchecked.push(Refusal { text: e, at });
            }
        }
    }

    /// Notes that a step checked the last refusal (its text, its HTTP status).
    pub(crate) fn refusal_checked(&self) {
        if self.last_error.is_some() {
            self.refusal_checked
                .store(true, std::sync::atomic::Ordering::SeqCst);
        }
    }

    /// Every refusal of the scenario so far that no step checked, oldest first.
    pub fn unchecked_refusals(&self) -> Vec<Refusal> {
        let mut all = self.unchecked.clone();
        if !self
            .refusal_checked
            .load(std::sync::atomic::Ordering::SeqCst)
        {
            all.extend(self.last_error.clone().map(|text| Refusal {
                text,
                at: self.last_error_at,
            }));
        }
        all
    }

    /// What the last refusal was, for a failure message.
    pub(crate) fn last_error_text(&self) -> String {
        match &self.last_error {
            Some(e) => format!("the last refusal: {e}"),
            None => "nothing was refused".to_owned(),
        }
    }

    /// A requester or agent record by table and name.
    pub(crate) fn party(&self, table: PartyTable, name: &str) -> anyhow::Result<Party> {
        self.store()
            .read(|tx| tx.party_by_name(table, name))
            .with_context(|| format!("looking up the {} named '{name}'", table.as_str()))?
            .with_context(|| format!("no {} is named '{name}'", table.as_str()))
    }

    /// An interaction by number, or an error saying which exist.
    pub(crate) fn interaction(&self, number: &InteractionNumber) -> anyhow::Result<Interaction> {
        self.store()
            .read(|tx| tx.interaction(number))
            .with_context(|| format!("looking up interaction {number}"))?
            .with_context(|| {
                let all = self.interaction_numbers().unwrap_or_default();
                format!(
                    "no interaction {number}; the interactions are: {}",
                    joined(all)
                )
            })
    }

    /// Every interaction number, sorted.
    pub(crate) fn interaction_numbers(&self) -> anyhow::Result<Vec<InteractionNumber>> {
        let all = self
            .store()
            .read(|tx| tx.interactions())
            .context("listing the interactions")?;
        Ok(all.into_iter().map(|i| i.number).collect())
    }

    /// An interaction's transcript rows, oldest first.
    pub(crate) fn messages(&self, number: &InteractionNumber) -> anyhow::Result<Vec<Message>> {
        let i = self.interaction(number)?;
        self.store()
            .read(|tx| tx.transcript(&i.sys_id))
            .with_context(|| format!("reading the transcript of {number}"))
    }

    /// Message `seq` (from 1) of an interaction's transcript.
    pub(crate) fn message(&self, number: &InteractionNumber, seq: i64) -> anyhow::Result<Message> {
        let all = self.messages(number)?;
        let count = all.len();
        all.into_iter()
            .find(|m| m.seq == seq)
            .with_context(|| format!("{number} has no message #{seq}; it has {count}"))
    }

    /// The human-readable transcript of an interaction.
    pub(crate) fn transcript(&self, number: &InteractionNumber) -> anyhow::Result<String> {
        convsms::transcript::render(self.store(), number)
            .with_context(|| format!("rendering the transcript of {number}"))
    }

    /// What a handset received, oldest first: the outbound messages to it that the carrier did
    /// not refuse. One on its way (`accepted`, `queued`, `sending`, `sent`) counts (the handset
    /// has it seconds later); one `undelivered`, `failed` or `canceled` does not (see
    /// [`ConvWorld::undelivered_note`]). Nor does one whose media the simulator could not fetch:
    /// it fails at the simulator's next run of due changes. Nor one still `scheduled` (an API
    /// client's `SendAt`, in `convsms serve`): it has not gone out yet. A URL of the simulated
    /// Twilio in a body (a topic repeating a requester's file back) reads with
    /// [`conversation::SIMULATOR_IN_SNAPSHOTS`] for its address, as in snapshots.
    pub(crate) fn received(&self, phone: &str) -> Vec<Received> {
        self.outbound_to(phone)
            .into_iter()
            .filter(|m| !never_arrived(m) && m.status != MessageStatus::Scheduled)
            .filter(|m| !self.stack.sim.fails_for_media(&m.sid))
            .map(|m| Received {
                media: self.stack.sim.media_types(&m.sid).unwrap_or_default(),
                sid: m.sid,
                from: m.from.unwrap_or_default(),
                body: m.body.replace(
                    &self.stack.sim.base_url(),
                    conversation::SIMULATOR_IN_SNAPSHOTS,
                ),
            })
            .collect()
    }

    /// For a failure message about what `phone` received: the messages sent to it that never
    /// arrived (`undelivered`, `failed` or `canceled`, with Twilio's error code when it gave
    /// one), then the engine's sends Twilio refused outright (21610 after STOP, ...), then
    /// those still `scheduled`, one per line after a heading each; empty when there are none.
    pub(crate) fn undelivered_note(&self, phone: &str) -> String {
        let outbound = self.outbound_to(phone);
        let scheduled: Vec<String> = outbound
            .iter()
            .filter(|m| m.status == MessageStatus::Scheduled)
            .map(|m| {
                let from = match (&m.from, &m.messaging_service_sid) {
                    (Some(from), _) => from.clone(),
                    (None, Some(service)) => format!("Messaging Service {service}"),
                    (None, None) => "its Messaging Service's sender".to_owned(),
                };
                format!("from {from}: {}", quote(&m.body))
            })
            .collect();
        let scheduled = if scheduled.is_empty() {
            String::new()
        } else {
            format!("\nscheduled for it, not sent yet:{}", lines(scheduled))
        };
        let lost: Vec<String> = outbound
            .into_iter()
            .filter(never_arrived)
            .map(|m| {
                let error = m
                    .error_code
                    .map_or(String::new(), |c| format!(", error {c}"));
                format!(
                    "from {}: {} ({}{error})",
                    m.from.unwrap_or_default(),
                    quote(&m.body),
                    m.status
                )
            })
            .collect();
        let lost = if lost.is_empty() {
            String::new()
        } else {
            format!("\nsent to it but never delivered:{}", lines(lost))
        };
        let (unknown, refused): (Vec<_>, Vec<_>) = self
            .failed_sends_to(phone)
            .into_iter()
            .partition(|(refused, _)| !refused);
        let heading = |title: &str, sends: Vec<(bool, String)>| {
            if sends.is_empty() {
                String::new()
            } else {
                format!("\n{title}:{}", lines(sends.into_iter().map(|(_, s)| s)))
            }
        };
        let refused = heading(
            "the engine's sends to it that Twilio refused (never sent)",
            refused,
        );
        let unknown = heading(
            "the engine's sends to it whose answer was lost, failed with their fate unknown \
             (Twilio may have delivered them)",
            unknown,
        );
        format!("{lost}{refused}{unknown}{scheduled}")
    }

    /// The engine's outbound messages to `phone` that failed without a MessageSid, oldest
    /// first, as "from +14155550100: "Hi" (error 21610: ...)", each with whether Twilio refused
    /// it (an error code: an opted-out handset's 21610, an invalid number's 21211, ...) rather
    /// than the answer being lost and the engine giving up on it, its fate unknown (no code).
    /// Empty when the store cannot be read: this only adds to a failure message.
    fn failed_sends_to(&self, phone: &str) -> Vec<(bool, String)> {
        let read = self.store().read(|tx| {
            let mut out = vec![];
            for i in tx.interactions()? {
                if i.requester_phone
                    .as_ref()
                    .is_none_or(|p| p.as_str() != phone)
                {
                    continue;
                }
                let from = i.provider_phone.map(|p| p.as_str().to_owned());
                for m in tx.transcript(&i.sys_id)? {
                    if m.direction == convsms::domain::delivery::Direction::Outbound
                        && m.provider_sid.is_none()
                        && m.status == convsms::domain::delivery::DeliveryStatus::Failed
                    {
                        out.push((m.created_at, m.seq, from.clone(), m));
                    }
                }
            }
            Ok::<_, convsms::store::StoreError>(out)
        });
        let mut found = read.unwrap_or_default();
        found.sort_by_key(|(at, seq, ..)| (*at, *seq));
        found
            .into_iter()
            .map(|(_, _, from, m)| {
                let error = match (m.error_code, m.error_message.as_deref()) {
                    (Some(c), Some(text)) if !text.is_empty() => format!(" (error {c}: {text})"),
                    (Some(c), _) => format!(" (error {c})"),
                    (None, _) => String::new(),
                };
                let line = format!(
                    "from {}: {}{error}",
                    from.unwrap_or_default(),
                    quote(&m.body)
                );
                (m.error_code.is_some(), line)
            })
            .collect()
    }

    /// The messages sent to `phone`, oldest first, each with the simulator's status, unless the
    /// engine recorded that it never arrived (then the engine's status and error code): a `When
    /// Twilio reports … as "undelivered"` step tells the engine alone (a forged StatusCallback),
    /// and what the scenario then says Twilio reported must not count as received on the handset
    /// either.
    pub(crate) fn outbound_to(&self, phone: &str) -> Vec<TwilioMessage> {
        let mut all = self.stack.sim.messages_to(phone);
        all.retain(|m| m.direction != Direction::Inbound);
        for m in all.iter_mut().filter(|m| !never_arrived(m)) {
            let recorded = self
                .store()
                .read(|tx| tx.message_outcome_by_sid(&m.sid))
                .ok()
                .flatten()
                .and_then(|(status, code)| {
                    Some((MessageStatus::from_wire(status.as_str())?, code))
                });
            if let Some((status, code)) = recorded.filter(|(s, _)| {
                matches!(
                    s,
                    MessageStatus::Undelivered | MessageStatus::Failed | MessageStatus::Canceled
                )
            }) {
                m.status = status;
                m.error_code = code.and_then(|c| u32::try_from(c).ok());
            }
        }
        all
    }

    /// The MessageSids of the messages sent to a handset, oldest first, whatever became of them
    /// (`the 2nd message "+1…" received has status "undelivered"` names them so); inbound
    /// messages excluded.
    pub(crate) fn received_sids(&self, phone: &str) -> Vec<MessageSid> {
        self.stack
            .sim
            .messages_to(phone)
            .into_iter()
            .filter(|m| m.direction != Direction::Inbound)
            .map(|m| m.sid)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::{
        engine_moved_on, epoch, quote_expected, unescape, Database, Progress, Refusal, Stack,
        Transport, STOPS_AT_ONE_INSTANT,
    };

    /// Time stuck at one instant fails on the last stop allowed, and only when the stops are in
    /// a row: a stop at a later instant starts the count again.
    #[test]
    fn time_stuck_at_one_instant_fails_the_step() {
        let later = epoch() + chrono::TimeDelta::seconds(1);
        let mut p = Progress::new(epoch());
        for _ in 1..STOPS_AT_ONE_INSTANT {
            p.stop_at(epoch()).unwrap();
        }
        p.stop_at(later).unwrap();
        for _ in 2..STOPS_AT_ONE_INSTANT {
            p.stop_at(later).unwrap();
        }
        let e = p.stop_at(later).unwrap_err().to_string();
        assert!(
            e.starts_with("time is stuck at 2026-") && e.contains("10000 rounds"),
            "{e}"
        );
    }

    /// The engine leaving work due at the instant its tick ran (or before) fails the step;
    /// work due after it, or none, is fine.
    #[test]
    fn an_engine_tick_that_leaves_its_work_due_fails_the_step() {
        let at = epoch() + chrono::TimeDelta::minutes(5);
        for left in [at, at - chrono::TimeDelta::seconds(1)] {
            let e = engine_moved_on(Some(left), at).unwrap_err().to_string();
            assert!(e.contains("left work due at"), "{e}");
        }
        engine_moved_on(Some(at + chrono::TimeDelta::seconds(1)), at).unwrap();
        engine_moved_on(None, at).unwrap();
    }

    /// A refusal belongs to the first step that finished at or after it was kept: the step that
    /// was running then (steps of a scenario run one after another).
    #[test]
    fn a_refusal_names_the_step_running_when_it_was_kept() {
        let t = |ms: u64| std::time::UNIX_EPOCH + std::time::Duration::from_millis(ms);
        let steps = [
            (t(10), 3, "Given a"),
            (t(20), 4, "When b"),
            (t(30), 5, "Then c"),
        ];
        let refusal = |at| Refusal {
            text: "no".into(),
            at: Some(at),
        };
        assert_eq!(refusal(t(15)).step(steps), Some((4, "When b")));
        assert_eq!(refusal(t(20)).step(steps), Some((4, "When b")));
        assert_eq!(refusal(t(5)).step(steps), Some((3, "Given a")));
        assert_eq!(refusal(t(31)).step(steps), None);
        assert_eq!(
            refusal(t(15)).shown(refusal(t(15)).step(steps)),
            "line 4, When b: no"
        );
        assert_eq!(refusal(t(31)).shown(None), "no");
        let unknown = Refusal {
            text: "no".into(),
            at: None,
        };
        assert_eq!(unknown.step(steps), None);
    }

    /// A stack dropped frees its store and simulator: the soak's shrinker starts hundreds of
    /// them, and in process the simulator's routes hold the engine, whose provider holds the
    /// simulator (a cycle the simulator's drop breaks). Before, each replay kept its whole
    /// in-memory database (23 MB at 7,000 events): 1 GB after 40 replays.
    #[tokio::test(flavor = "current_thread")]
    async fn a_dropped_stack_frees_its_store() {
        for transport in [Transport::Inproc, Transport::Http] {
            let stack = Stack::start_with_defect(
                convsms::domain::topic::TopicSet::default(),
                transport,
                Database::Memory,
                None,
            )
            .await
            .unwrap();
            let store = std::sync::Arc::downgrade(&stack.store);
            drop(stack);
            // Aborted server tasks are dropped when the runtime next runs them.
            for _ in 0..16 {
                if store.strong_count() == 0 {
                    break;
                }
                tokio::task::yield_now().await;
            }
            assert_eq!(
                store.strong_count(),
                0,
                "{transport:?}: the store outlives its stack"
            );
        }
    }

    #[test]
    fn an_expected_text_is_quoted_and_read_back_the_same() {
        for text in [
            "plain",
            "two\nlines",
            r"C:\new\tmp",
            r"a \\ b",
            "end\\",
            r#"say "hi" now"#,
            r#"a \" b"#,
        ] {
            let quoted = quote_expected(text);
            assert_eq!(unescape(&quoted[1..quoted.len() - 1]), text, "{quoted}");
        }
        assert_eq!(unescape(r"C:\tmp"), r"C:\tmp", "another backslash stays");
        assert_eq!(
            super::quote(r"C:\tmp"),
            r#""C:\tmp""#,
            "and is quoted as written"
        );
        assert_eq!(super::quote(r"C:\new"), r#""C:\\new""#);
        assert_eq!(unescape(r"a\nb"), "a\nb");
    }
}
