//! `convsms bench engine`: the engine's inbound path on its own, from the webhook's form to the
//! replies handed to the provider, on a real SQLite file in WAL mode.
//!
//! Each round opens a fresh database file in a temporary folder (removed afterwards) and sets it up
//! as a deployment would be: two Conversational SMS provider numbers, `--requesters` requesters
//! whose phones are on `sys_user` (half), `csm_consumer` (a quarter) and `customer_contact` (an
//! eighth) records or on nobody's (an eighth, who text as guests), a third of them with a
//! messaging profile already (returning requesters), consumers' and contacts' phones matched
//! (`com.glide.cs.sms.profile.match_consumer_contact_phone`), and one SMS queue with `--agents`
//! available agents of SMS capacity 3. The virtual agent is off (new conversations wait in the
//! queue, and the first `3 × --agents` are offered), unless `--virtual-agent` turns it on with the
//! topics of `--topics` (the built-in topics when the default `topics/` is not there).
//!
//! Then `--messages` inbound messages go through [`convsms::web::inbound_webhook`], the function
//! `POST /sms/inbound` runs once axum has read the request: the `X-Twilio-Signature` check
//! (HMAC-SHA1 over the URL and the form), the form read as Twilio's inbound message webhook (§4.1),
//! the profile match, the interaction joined or opened, work assignment, and the replies written
//! and handed to the provider. Requester `k mod --requesters` sends message `k`, so the first
//! round of requesters opens conversations and the others join them. The forms are built and
//! signed before the clock starts (that is Twilio's work). Time is a [`ManualClock`] moved 50 ms
//! per message; SIDs are counters: every round stores the same rows.
//!
//! The provider is [`RecordingProvider`], an in-process [`SmsProvider`] that accepts every send
//! (status `queued`, SIDs from a counter apart from the inbound ones) and keeps it in memory: the figures are the engine's,
//! not a network's. Messages go one after another on one thread (the store is one SQLite
//! connection behind a mutex: concurrent webhooks queue on it).
//!
//! It prints, for each round, messages per second of wall time and per second of the thread's CPU
//! time (`/proc/thread-self/schedstat`: on a machine shared with other work the wall figure
//! measures the machine's load as well), the sends and the database's size; then the minimum,
//! median and maximum of both rates and the peak resident memory (`VmHWM` of
//! `/proc/self/status`).

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use anyhow::Context as _;
use async_trait::async_trait;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use chrono::{TimeDelta, TimeZone, Utc};
use clap::Args;
use convsms::clock::ManualClock;
use convsms::domain::model::{PartyTable, AGENT_ROLE};
use convsms::domain::phone::{Region, E164};
use convsms::domain::topic::TopicSet;
use convsms::domain::work_assignment::Presence;
use convsms::engine::{properties, Engine, EngineConfig, CONVERSATIONAL_SMS};
use convsms::provider::{DeliveryState, OutboundSms, ProviderError, SentSms, SmsProvider};
use convsms::store::SqliteStore;
use convsms::web::{self, WebState, INBOUND_PATH, STATUS_PATH};
use twilio_wire::message::MessageStatus;
use twilio_wire::sid::{AccountSid, MessageSid};
use twilio_wire::webhook::InboundMessage;

use crate::sim_cmd::{DEFAULT_ACCOUNT_SID, DEFAULT_AUTH_TOKEN};

/// The engine's public URL in the benchmark: signatures are computed over it; nothing listens.
const PUBLIC_URL: &str = "http://127.0.0.1:4020";
/// The Conversational SMS provider numbers; requester `i` texts number `i mod 2`.
const PROVIDER_NUMBERS: [&str; 2] = ["+14155550100", "+14155550101"];
/// How far the manual clock moves per message.
const STEP_MS: i64 = 50;
/// The provider's SIDs start above this counter, apart from the inbound messages' (1 and up).
const OUTBOUND_SID_BASE: u64 = 1 << 48;
/// Each agent's SMS capacity.
const AGENT_CAPACITY: u32 = 3;

/// The options of `convsms bench engine`.
#[derive(Debug, Args)]
pub struct BenchEngineArgs {
    /// Inbound messages per round.
    #[arg(long, default_value_t = 20_000)]
    pub messages: usize,
    /// Distinct requesters (phones) sending them, in turn.
    #[arg(long, default_value_t = 1_000)]
    pub requesters: usize,
    /// Rounds, each on a fresh database file.
    #[arg(long, default_value_t = 3)]
    pub rounds: usize,
    /// Agents in the SMS queue, each available with SMS capacity 3.
    #[arg(long, default_value_t = 20)]
    pub agents: usize,
    /// Turns the virtual agent on: new conversations go to the topics of --topics.
    #[arg(long)]
    pub virtual_agent: bool,
    /// The topics folder the virtual agent uses with --virtual-agent; when the default topics/
    /// is not there, the built-in topics greeting, talk_to_agent, order_status and open_cases.
    #[arg(long, default_value = "topics")]
    pub topics: PathBuf,
    /// Where the temporary database folders go (default: the system's temporary folder).
    #[arg(long)]
    pub dir: Option<PathBuf>,
}

/// The benchmark's [`SmsProvider`]: accepts every send as `queued` with a counter SID (`SM` +
/// 32 hex digits, from 2^48 up) and one segment, and keeps the message in memory; reports every SID it gave as
/// `queued`. Nothing leaves the process.
#[derive(Default)]
pub struct RecordingProvider {
    next: AtomicU64,
    sent: Mutex<Vec<OutboundSms>>,
}

impl RecordingProvider {
    /// How many messages were sent.
    pub fn sent(&self) -> usize {
        self.sent
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .len()
    }
}

#[async_trait]
impl SmsProvider for RecordingProvider {
    async fn send(&self, sms: &OutboundSms) -> Result<SentSms, ProviderError> {
        let n = self.next.fetch_add(1, Ordering::Relaxed) + 1;
        self.sent
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(sms.clone());
        Ok(SentSms {
            sid: MessageSid::sms(OUTBOUND_SID_BASE + n),
            status: MessageStatus::Queued,
            num_segments: 1,
        })
    }

    async fn fetch_state(&self, _sid: &MessageSid) -> Result<DeliveryState, ProviderError> {
        Ok(DeliveryState {
            status: MessageStatus::Queued,
            error_code: None,
            error_message: None,
        })
    }
}

/// One round's figures.
struct Round {
    elapsed: Duration,
    /// CPU time of the thread that ran the messages, when the OS says.
    cpu: Option<Duration>,
    sends: usize,
    db_bytes: u64,
}

/// Runs the benchmark: 0 when every message was answered 200, 1 otherwise, 2 on bad options.
pub fn run(args: BenchEngineArgs) -> ExitCode {
    let zero: Vec<String> = [
        ("--messages", args.messages),
        ("--requesters", args.requesters),
        ("--rounds", args.rounds),
        ("--agents", args.agents),
    ]
    .iter()
    .filter(|(_, n)| *n == 0)
    .map(|(name, _)| format!("{name} 0"))
    .collect();
    if !zero.is_empty() {
        eprintln!(
            "convsms bench engine: {}: --messages, --requesters, --rounds and --agents must each \
             be at least 1",
            zero.join(", ")
        );
        return ExitCode::from(2);
    }
    if args.requesters > 7_000_000 {
        eprintln!("convsms bench engine: --requesters must be at most 7,000,000");
        return ExitCode::from(2);
    }
    if let Err(e) = check_folders(&args) {
        eprintln!("convsms bench engine: {e}");
        return ExitCode::from(2);
    }
    let rt = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("convsms bench engine: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match rt.block_on(bench(&args)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("convsms bench engine: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// Refuses `--dir` and `--topics` paths that are not folders, before the table's header: the
/// rounds' databases are made inside `--dir`, which must exist.
fn check_folders(args: &BenchEngineArgs) -> Result<(), String> {
    if let Some(dir) = &args.dir {
        crate::outputs::existing_folder(
            "--dir",
            dir,
            "an existing folder for the rounds' temporary databases",
        )?;
    }
    if args.virtual_agent && args.topics != Path::new("topics") {
        crate::outputs::existing_folder("--topics", &args.topics, crate::outputs::TOPICS_FOLDER)?;
    }
    Ok(())
}

async fn bench(args: &BenchEngineArgs) -> anyhow::Result<()> {
    let topics = if !args.virtual_agent {
        None
    } else if !args.topics.is_dir() && args.topics == std::path::Path::new("topics") {
        Some(Arc::new(
            crate::check::topics::TopicSources::built_in().load()?,
        ))
    } else {
        Some(Arc::new(TopicSet::load_dir(&args.topics).map_err(|e| {
            anyhow::anyhow!("loading the topics of {}: {e}", args.topics.display())
        })?))
    };
    println!(
        "convsms bench engine: {} inbound messages per round from {} requesters, {} agents, \
         virtual agent {}, SQLite file in WAL mode, {} round{}",
        args.messages,
        args.requesters,
        args.agents,
        if args.virtual_agent { "on" } else { "off" },
        args.rounds,
        if args.rounds == 1 { "" } else { "s" },
    );
    let forms = signed_forms(args)?;
    println!(
        "{:>5} {:>9} {:>8} {:>10} {:>8} {:>12} {:>8} {:>9}",
        "round", "messages", "seconds", "msg/s", "cpu s", "msg/cpu-s", "sends", "db MiB"
    );
    let mut rates = Vec::with_capacity(args.rounds);
    let mut cpu_rates = Vec::with_capacity(args.rounds);
    for round in 1..=args.rounds {
        let dir = args
            .dir
            .clone()
            .unwrap_or_else(std::env::temp_dir)
            .join(format!(
                "convsms-bench-engine-{}-{round}",
                std::process::id()
            ));
        std::fs::create_dir_all(&dir)
            .with_context(|| format!("making the round's folder {}", dir.display()))?;
        let result = one_round(args, &dir, &forms, topics.clone()).await;
        let _ = std::fs::remove_dir_all(&dir);
        let r = result?;
        let rate = args.messages as f64 / r.elapsed.as_secs_f64();
        rates.push(rate);
        // The kernel adds a thread's CPU time as it is scheduled, so a round too short for that
        // reads 0: no figure rather than an infinite rate.
        let cpu = r.cpu.map(|c| c.as_secs_f64()).filter(|c| *c > 0.0);
        if let Some(c) = cpu {
            cpu_rates.push(args.messages as f64 / c);
        }
        println!(
            "{:>5} {:>9} {:>8.2} {:>10.0} {:>8} {:>12} {:>8} {:>9.1}",
            round,
            args.messages,
            r.elapsed.as_secs_f64(),
            rate,
            cpu.map_or("-".to_owned(), |c| format!("{c:.2}")),
            cpu.map_or("-".to_owned(), |c| format!(
                "{:.0}",
                args.messages as f64 / c
            )),
            r.sends,
            r.db_bytes as f64 / (1024.0 * 1024.0),
        );
    }
    println!("{}", summary("msg/s", &mut rates));
    if !cpu_rates.is_empty() {
        println!("{}", summary("msg per CPU second", &mut cpu_rates));
    }
    if let Some(kib) = peak_rss_kib() {
        println!("peak RSS (VmHWM): {:.1} MiB", kib as f64 / 1024.0);
    }
    Ok(())
}

/// `what over N rounds: min …, median …, max …` of `rates` (sorted in place; not empty). The
/// median of an even number of rounds is the mean of the middle two.
fn summary(what: &str, rates: &mut [f64]) -> String {
    rates.sort_by(f64::total_cmp);
    let n = rates.len();
    let median = if n % 2 == 1 {
        rates[n / 2]
    } else {
        (rates[n / 2 - 1] + rates[n / 2]) / 2.0
    };
    format!(
        "{what} over {n} round{}: min {:.0}, median {median:.0}, max {:.0}",
        if n == 1 { "" } else { "s" },
        rates[0],
        rates[n - 1],
    )
}

/// The CPU time this thread has run (`/proc/thread-self/schedstat`, first field, nanoseconds),
/// where `/proc` is available.
fn thread_cpu_time() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let ns: u64 = stat.split_whitespace().next()?.parse().ok()?;
    Some(Duration::from_nanos(ns))
}

/// The phone of requester `i`: `+1 415 2xx xxxx` upwards, all valid US numbers.
fn requester_phone(i: usize) -> String {
    format!("+1415{}", 2_000_000 + i)
}

/// Every message's form body and `X-Twilio-Signature`, as Twilio would post them.
fn signed_forms(args: &BenchEngineArgs) -> anyhow::Result<Vec<(Vec<u8>, HeaderValue)>> {
    let account = AccountSid::parse(DEFAULT_ACCOUNT_SID)?;
    let url = format!("{PUBLIC_URL}{INBOUND_PATH}");
    let mut out = Vec::with_capacity(args.messages);
    for k in 0..args.messages {
        let i = k % args.requesters;
        let body = format!("Hi, this is requester {i}: my order has not arrived yet (message {k})");
        let params = InboundMessage::sms(
            MessageSid::sms(k as u64 + 1),
            account.clone(),
            &requester_phone(i),
            PROVIDER_NUMBERS[i % PROVIDER_NUMBERS.len()],
            &body,
        )
        .to_params();
        let signature = twilio_wire::signature::sign(DEFAULT_AUTH_TOKEN, &url, &params);
        let form = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(&params)
            .finish();
        out.push((form.into_bytes(), HeaderValue::from_str(&signature)?));
    }
    Ok(out)
}

/// Sets up a fresh database in `dir`, then times the messages through the webhook's path.
async fn one_round(
    args: &BenchEngineArgs,
    dir: &Path,
    forms: &[(Vec<u8>, HeaderValue)],
    topics: Option<Arc<TopicSet>>,
) -> anyhow::Result<Round> {
    let path = dir.join("convsms.sqlite");
    let store = Arc::new(SqliteStore::open(&path)?);
    let clock = ManualClock::starting_at(Utc.with_ymd_and_hms(2026, 1, 5, 9, 0, 0).unwrap());
    let provider = Arc::new(RecordingProvider::default());
    let engine = Arc::new(Engine::new(
        store.clone(),
        provider.clone(),
        Arc::new(clock.clone()),
    ));
    engine.configure(EngineConfig {
        status_callback: Some(format!("{PUBLIC_URL}{STATUS_PATH}")),
        public_url: PUBLIC_URL.to_owned(),
    });
    if let Some(topics) = topics {
        engine.set_topics(topics);
    }
    setup(args, &engine, &clock)?;
    let state = WebState {
        engine: engine.clone(),
        auth_token: DEFAULT_AUTH_TOKEN.to_owned(),
        public_url: PUBLIC_URL.to_owned(),
    };
    let sends_before = provider.sent();

    let cpu_start = thread_cpu_time();
    let started = Instant::now();
    for (k, (body, signature)) in forms.iter().enumerate() {
        let mut headers = HeaderMap::with_capacity(1);
        headers.insert("x-twilio-signature", signature.clone());
        let response = web::inbound_webhook(&state, &headers, body).await;
        if response.status() != StatusCode::OK {
            let status = response.status();
            let bytes = axum::body::to_bytes(response.into_body(), 64 * 1024)
                .await
                .unwrap_or_default();
            anyhow::bail!(
                "message {k} was answered {status}: {}",
                String::from_utf8_lossy(&bytes)
            );
        }
        clock.advance(TimeDelta::milliseconds(STEP_MS));
    }
    let elapsed = started.elapsed();
    let cpu = thread_cpu_time()
        .zip(cpu_start)
        .map(|(end, start)| end.saturating_sub(start));

    let db_bytes = ["convsms.sqlite", "convsms.sqlite-wal"]
        .iter()
        .filter_map(|f| std::fs::metadata(dir.join(f)).ok())
        .map(|m| m.len())
        .sum();
    Ok(Round {
        elapsed,
        cpu,
        sends: provider.sent() - sends_before,
        db_bytes,
    })
}

/// Provider numbers, requesters and their profiles, agents in one SMS queue, properties.
fn setup(args: &BenchEngineArgs, engine: &Engine, clock: &ManualClock) -> anyhow::Result<()> {
    for (i, n) in PROVIDER_NUMBERS.iter().enumerate() {
        engine.add_provider_number(
            &format!("Conversational SMS {}", i + 1),
            CONVERSATIONAL_SMS,
            n,
        )?;
    }
    let agents: Vec<String> = (1..=args.agents).map(|a| format!("agent.{a:03}")).collect();
    let now = convsms::clock::Clock::now(clock);
    let us = Region::parse("US")?;
    engine.store().write(|tx| -> anyhow::Result<()> {
        tx.set_property(properties::MATCH_CUSTOMER_PHONES, "true")?;
        tx.set_property(
            properties::VIRTUAL_AGENT_ENABLED,
            if args.virtual_agent { "true" } else { "false" },
        )?;
        for i in 0..args.requesters {
            let phone = E164::parse(&requester_phone(i), None)?;
            let table = match i % 8 {
                0..=3 => Some(PartyTable::SysUser),
                4 | 5 => Some(PartyTable::CsmConsumer),
                6 => Some(PartyTable::CustomerContact),
                _ => None,
            };
            let party = match table {
                Some(t) => Some(tx.insert_party(
                    t,
                    &format!("Requester {i}"),
                    None,
                    Some(&phone),
                    Some(us),
                )?),
                None => None,
            };
            if i % 3 == 0 {
                tx.insert_profile(&phone, party.as_ref(), now)?;
            }
        }
        for a in &agents {
            let u = tx.insert_party(PartyTable::SysUser, a, Some(a), None, None)?;
            tx.grant_role(&u.sys_id, AGENT_ROLE)?;
        }
        Ok(())
    })?;
    let names: Vec<&str> = agents.iter().map(String::as_str).collect();
    engine.save_sms_queue("Customer Service SMS", 100, None, &names)?;
    for a in &agents {
        engine.set_sms_capacity(a, AGENT_CAPACITY)?;
        engine.set_sms_presence(a, Presence::Available)?;
    }
    Ok(())
}

/// The process's peak resident set size in KiB (`VmHWM` in `/proc/self/status`), where `/proc`
/// is available.
fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))?
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

#[cfg(test)]
mod tests {
    use super::summary;

    #[test]
    fn the_summary_s_median_of_an_even_count_is_the_mean_of_the_middle_two() {
        assert_eq!(
            summary("msg/s", &mut [9632.0, 8978.0]),
            "msg/s over 2 rounds: min 8978, median 9305, max 9632"
        );
        assert_eq!(
            summary("msg/s", &mut [3.0, 1.0, 2.0]),
            "msg/s over 3 rounds: min 1, median 2, max 3"
        );
        assert_eq!(
            summary("msg/s", &mut [5.0]),
            "msg/s over 1 round: min 5, median 5, max 5"
        );
    }
}
