//! `convsms serve`: the engine as a local server a developer drives by hand, on a durable SQLite
//! file, with everything that happened exportable as a feature file.
//!
//! One process holds what a scenario holds (`check::world::Stack`): the engine with its webhook,
//! StatusCallback and ServiceNow endpoints, the simulated Twilio wired to it with signed webhooks
//! and callbacks, the virtual agent on the topic folder, and a virtual clock. The engine's port
//! (`--port`) also serves the JSON API ([`api`]), behind [`guard`].
//!
//! A tour:
//!
//! * [`runner`]: the task that owns the world; every action is a catalogue step run there and
//!   journaled (`x_convsms_serve_journal`), reads run between steps.
//! * [`api`]: the routes; typed ones build step sentences, `POST /api/steps` runs any.
//! * [`export`]: the journal and the checks of the state now, as a `.feature` file.
//! * [`timeline`]: wire events recorded by hooks on the provider port and the engine's app, merged
//!   with the engine's own events and the journal; Server-Sent Events.
//! * [`guard`]: loopback `Host`, no cross-site writes, `--token`.
//! * [`page`]: the browser page at `/` (HTML, CSS and JS embedded), a client of the JSON API.
//!
//! **Durable.** The database is a SQLite file in WAL: a webhook is answered 200 only after its
//! transaction committed, so `kill -9` loses nothing acknowledged. The clock is saved after every
//! command; a restart resumes it, re-registers the provider numbers with the (fresh) simulated
//! Twilio, makes its SIDs count on from above every stored one, journals [`RESTART_STEP`] so
//! that the export's replay forgets what the simulated Twilio forgot, and runs what came due.

pub mod api;
pub mod export;
pub mod guard;
pub mod page;
pub mod runner;
pub mod timeline;

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context as _;
use chrono::{DateTime, Utc};
use clap::{Args, ValueEnum};
use tokio::sync::broadcast;

use crate::check::world::{epoch, ConvWorld, Database, Hooks, Stack, Transport};
use runner::Runner;

/// The step a restart journals first: the export's replay forgets what the restarted simulated
/// Twilio forgot, at the same point.
pub const RESTART_STEP: &str = "When the simulated Twilio restarts";

/// Puts the API beside the engine's app (and the guard around both).
pub type ApiMount = Box<dyn FnOnce(axum::Router) -> axum::Router + Send>;

/// The provider number a new database starts with.
pub const DEFAULT_PROVIDER_NUMBER: &str = "+14155550100";
/// The agent a new database starts with (available for SMS, in the default queue).
pub const DEFAULT_AGENT: &str = "alice";
/// How often `--clock wall` moves the virtual clock and runs what came due.
const WALL_TICK: Duration = Duration::from_millis(250);

/// How the virtual clock moves.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ClockMode {
    /// Only when told (`POST /api/time/advance`): time is data.
    Manual,
    /// At the speed of real time, from where it stood; timers fire on their own.
    Wall,
}

/// The options of `convsms serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// The SQLite database file (WAL): created when missing, resumed when it exists.
    #[arg(long, default_value = "convsms.db")]
    pub db: PathBuf,
    /// The port of the engine and the API; 0 lets the OS choose (the first stdout line says).
    #[arg(long, default_value_t = 8080)]
    pub port: u16,
    /// The virtual agent's topic folder (`*.toml`); when the default topics/ is not there, the
    /// built-in topics greeting, talk_to_agent, order_status and open_cases.
    #[arg(long, default_value = "topics")]
    pub topics: PathBuf,
    /// How the virtual clock moves.
    #[arg(long, value_enum, default_value_t = ClockMode::Manual)]
    pub clock: ClockMode,
    /// The seed of made-up data (names of requesters created without one).
    #[arg(long, default_value_t = crate::check::world::NAMES_SEED)]
    pub seed: u64,
    /// The address to listen on; anything but loopback requires --token.
    #[arg(long, default_value_t = IpAddr::V4(Ipv4Addr::LOCALHOST))]
    pub bind: IpAddr,
    /// A token every request must carry as `Authorization: Bearer <token>` (Twilio's signed
    /// webhooks excepted).
    #[arg(long, env = "CONVSMS_SERVE_TOKEN", hide_env_values = true)]
    pub token: Option<String>,
    /// Writes the export (`GET /api/export/feature`) to this file when the server stops.
    #[arg(long, value_name = "FILE")]
    pub record: Option<PathBuf>,
}

/// Runs `convsms serve` until Ctrl-C or SIGTERM: exit 0, or 2 when it cannot start.
pub fn run(args: ServeArgs) -> ExitCode {
    let rt = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("convsms serve: starting the runtime: {e}");
            return ExitCode::from(2);
        }
    };
    let local = tokio::task::LocalSet::new();
    match local.block_on(&rt, serve(args)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("convsms serve: {e:#}");
            ExitCode::from(2)
        }
    }
}

async fn serve(args: ServeArgs) -> anyhow::Result<()> {
    if !args.bind.is_loopback() && args.token.is_none() {
        anyhow::bail!(
            "--bind {} serves other machines: give --token too (every request must then carry it)",
            args.bind
        );
    }
    if args.token.as_deref() == Some("") {
        anyhow::bail!("--token is empty: give a secret of your own");
    }
    crate::outputs::in_a_folder("--db", &args.db).map_err(anyhow::Error::msg)?;
    if let Some(record) = &args.record {
        // Checked now, not when the server stops: the session's export would be lost, or
        // written over the database it came from.
        let mut wal = args.db.clone().into_os_string();
        wal.push("-wal");
        let wal = PathBuf::from(wal);
        crate::outputs::check(
            &[("--record", record)],
            &[
                ("the --db database", &args.db),
                ("the database's WAL", &wal),
            ],
        )
        .map_err(anyhow::Error::msg)?;
    }
    if args.topics.is_dir() {
        crate::check::topics::use_topic_dir(&args.topics)?;
    } else if args.topics != std::path::Path::new("topics") {
        crate::outputs::existing_folder("--topics", &args.topics, crate::outputs::TOPICS_FOLDER)
            .map_err(anyhow::Error::msg)?;
    }
    let topics = crate::check::topics::topic_sources().load()?;
    let listener = tokio::net::TcpListener::bind(SocketAddr::new(args.bind, args.port))
        .await
        .with_context(|| format!("listening on {}:{}", args.bind, args.port))?;
    let (notices, _) = broadcast::channel(1024);
    let (handle, mut commands) = Runner::channel(notices.clone());
    let guard = guard::Guard {
        token: args.token.clone(),
    };
    let api_handle = handle.clone();
    let mount: ApiMount = Box::new(move |engine_app| {
        api::router(api_handle)
            .merge(engine_app)
            // After the merge: it applies to the routes registered before it.
            .method_not_allowed_fallback(api::method_not_allowed)
            .fallback(api::not_found)
            .layer(axum::middleware::from_fn(move |req, next| {
                guard::check(guard.clone(), req, next)
            }))
    });
    let hooks = Hooks {
        engine_listener: Some(listener),
        provider: Some(timeline::provider_hook(notices.clone())),
        app: Some(timeline::app_hook(notices.clone(), mount)),
    };
    let stack = Stack::start_hooked(
        topics,
        Transport::Http,
        Database::File(&args.db),
        None,
        hooks,
    )
    .await?;
    let (generation, clock) = resume(&stack)?;
    let mut world = ConvWorld::on(stack);
    world.reseed(args.seed);
    // The topic files this start answers with, for the export (a file edited and reloaded, or
    // edited before a restart, is not what the folder holds at export time).
    let started_with = serde_json::to_string(&crate::check::topics::topic_sources().files)
        .context("writing down the topic files")?;
    world
        .store()
        .write(|tx| tx.set_serve_state(&export::topics_state_key(generation), &started_with))
        .context("saving the topic files of this start")?;
    let mut runner = Runner::new(world, generation, notices)?;
    // A restart's simulated Twilio is a new one, which forgot its messages, opt-outs, carriers
    // and faults, and its engine has its default send-from/send-to extension again: the
    // export's replay forgets them at the same point. And the export replays
    // made-up names from this seed: a start that reseeds says so in it (a restart too, since its
    // generator starts afresh where the replay's would go on).
    let mut journaled = vec![];
    if generation > 1 {
        journaled.push(RESTART_STEP.to_owned());
        // The engine's settings that live in memory start afresh too.
        journaled.push("Given the default send-from/send-to extension".to_owned());
    }
    if generation > 1 || args.seed != crate::check::world::NAMES_SEED {
        journaled.push(format!("Given made-up names come from seed {}", args.seed));
    }
    for step in journaled {
        runner
            .run_step(&step, None, true)
            .await
            .with_context(|| format!("journaling the start: {step}"))?;
    }
    if generation == 1 {
        for step in [
            format!("Given the Conversational SMS provider number \"{DEFAULT_PROVIDER_NUMBER}\""),
            format!("Given an agent \"{DEFAULT_AGENT}\" who is available for SMS"),
        ] {
            runner
                .run_step(&step, None, true)
                .await
                .with_context(|| format!("setting up a new database: {step}"))?;
        }
    }
    // What came due while the server was down runs now (retries, offers, reconciliation).
    runner
        .pass_wall_time(chrono::TimeDelta::zero())
        .await
        .context("running what came due")?;
    print_banner(&runner, &args, generation, clock);
    drop(handle);

    let stop = shutdown_signal();
    tokio::pin!(stop);
    let mut wall = tokio::time::interval(WALL_TICK);
    let mut last = tokio::time::Instant::now();
    // Real time not yet passed on: the clock moves in whole seconds, as `check` moves it and the
    // export writes it. A clock at a fraction of a second would put work due at a time the
    // store keeps to the millisecond between two of its instants, and it would run only at the
    // end of the next jump.
    let mut carry = chrono::TimeDelta::zero();
    loop {
        let cmd = tokio::select! {
            c = commands.recv() => match c { Some(c) => Some(c), None => break },
            _ = wall.tick(), if args.clock == ClockMode::Wall => None,
            _ = &mut stop => break,
        };
        match cmd {
            Some(c) => runner.apply(c).await,
            None => {
                let now = tokio::time::Instant::now();
                carry += chrono::TimeDelta::from_std(now - last).unwrap_or_default();
                last = now;
                let by = take_whole_seconds(&mut carry);
                if by.is_zero() {
                    continue;
                }
                if let Err(e) = runner.pass_wall_time(by).await {
                    tracing::error!("running what came due: {e:#}");
                }
            }
        }
    }
    if let Some(path) = &args.record {
        let text = export::feature(&runner, None)?;
        std::fs::write(path, text).with_context(|| format!("writing {}", path.display()))?;
        eprintln!("convsms serve: wrote {}", path.display());
    }
    Ok(())
}

/// Reads where an earlier run on this database stopped: counts this start, moves the clock to
/// the saved time, re-registers the provider numbers with the fresh simulated Twilio and makes
/// its SIDs count on from above the stored ones. Answers (generation, the clock's time).
fn resume(stack: &Stack) -> anyhow::Result<(i64, DateTime<Utc>)> {
    let (generation, saved, numbers, max_sid) = stack
        .store
        .write(|tx| {
            let generation = tx
                .serve_state("generation")?
                .and_then(|g| g.parse::<i64>().ok())
                .unwrap_or(0)
                + 1;
            tx.set_serve_state("generation", &generation.to_string())?;
            let saved = tx.serve_state("clock")?;
            let numbers: Vec<String> = tx
                .table_records("sys_cs_provider_number")?
                .unwrap_or_default()
                .into_iter()
                .filter_map(|r| r.get("number").cloned())
                .collect();
            Ok::<_, rusqlite::Error>((generation, saved, numbers, tx.max_message_sid_counter()?))
        })
        .context("reading the server's state")?;
    if let Some(saved) = saved {
        let at = DateTime::parse_from_rfc3339(&saved)
            .with_context(|| format!("the saved clock '{saved}' is not an RFC 3339 time"))?
            .with_timezone(&Utc);
        stack.clock.advance(at - epoch());
    }
    for n in numbers {
        stack.sim.add_number(&n);
    }
    // A first start counts from 1, as `convsms check` does, so that the export's replay gives
    // the same SIDs (a media URL a topic repeats back carries them); each restart from the next
    // block of 2^32 above the stored ones, as its journaled `When the simulated Twilio restarts`
    // does on replay.
    if generation > 1 {
        stack.sim.count_sids_from(((max_sid >> 32) + 1) << 32);
    }
    Ok((generation, convsms::clock::Clock::now(&stack.clock)))
}

/// The whole seconds of `carry`, taken out of it (the fraction stays for the next tick).
fn take_whole_seconds(carry: &mut chrono::TimeDelta) -> chrono::TimeDelta {
    let whole = chrono::TimeDelta::seconds(carry.num_seconds());
    *carry -= whole;
    whole
}

/// Prints where everything is; the base URL alone on the first line. A closed stdout is not an
/// error (the server keeps serving).
fn print_banner(r: &Runner, args: &ServeArgs, generation: i64, clock: DateTime<Utc>) {
    use std::io::Write as _;
    let mut out = std::io::stdout().lock();
    let base = r.world.stack.engine_url.clone();
    let sim = &r.world.stack.sim;
    let _ = writeln!(out, "{base}");
    let _ = writeln!(
        out,
        "  API:              {base}/api  (docs/serve.md; GET /api/steps lists every action)"
    );
    if args.token.is_some() {
        let _ = writeln!(
            out,
            "  page:             {base}/?token=<the --token> (once: a cookie then carries it)"
        );
    }
    let _ = writeln!(
        out,
        "  engine webhook:   {base}/sms/inbound, StatusCallback {base}/sms/status"
    );
    let _ = writeln!(
        out,
        "  simulated Twilio: {} (account {}, auth token {})",
        sim.base_url(),
        sim.account_sid(),
        sim.auth_token()
    );
    let _ = writeln!(
        out,
        "  database:         {} ({}, start {generation})",
        args.db.display(),
        if generation == 1 { "new" } else { "resumed" }
    );
    let _ = writeln!(
        out,
        "  clock:            {} ({})",
        clock.format("%Y-%m-%d %H:%M:%S UTC"),
        match args.clock {
            ClockMode::Manual => "manual: POST /api/time/advance",
            ClockMode::Wall => "wall: real time",
        }
    );
    if generation == 1 {
        let _ = writeln!(
            out,
            "  set up:           provider number {DEFAULT_PROVIDER_NUMBER}, agent \"{DEFAULT_AGENT}\" available"
        );
    }
    let _ = out.flush();
}

async fn shutdown_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut term =
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(s) => s,
                Err(_) => {
                    let _ = ctrl_c.await;
                    return;
                }
            };
        tokio::select! {
            _ = ctrl_c => {},
            _ = term.recv() => {},
        }
    }
    #[cfg(not(unix))]
    {
        let _ = ctrl_c.await;
    }
}

#[cfg(test)]
mod wall_tests {
    use super::take_whole_seconds;
    use chrono::TimeDelta;

    #[test]
    fn the_wall_clock_passes_whole_seconds_and_keeps_the_fraction() {
        let mut carry = TimeDelta::zero();
        let mut passed = TimeDelta::zero();
        // Four 250 ms ticks and a late one of 1.3 s: 2.3 s of real time.
        for ms in [250, 250, 250, 250, 1300] {
            carry += TimeDelta::milliseconds(ms);
            passed += take_whole_seconds(&mut carry);
            assert_eq!(passed.subsec_nanos(), 0, "whole seconds only");
        }
        assert_eq!(passed, TimeDelta::seconds(2));
        assert_eq!(carry, TimeDelta::milliseconds(300));
    }
}
