//! `convsms bench-sim`: load on the simulated Twilio's `POST …/Messages.json`, in-process, over
//! loopback HTTP with Basic auth and a form body, as an SDK would send it, with the simulator as
//! `convsms sim` runs it: full state, the retention window, and the delivery lifecycle applied
//! every 200 ms on the wall clock (so messages settle and retention drops them).
//!
//! For each connection count it prints requests per second and the p50 / p99 / max latency (one
//! HTTP/1.1 keep-alive connection per worker, each worker sending its next request when the last
//! answer is read), then the resident memory. Client and server share this process and its
//! cores: the figures are for the pair. The client is hyper's bare HTTP/1.1 connection (no pool,
//! no per-request URL parsing), so that as much of the two cores as possible goes to the server,
//! as with wrk in its own process.
//!
//! * `--baseline` also serves a bare axum handler on loopback (the same route, Basic auth header
//!   and form body sent, a fixed 201 JSON answer, no state) and runs the same load on it right
//!   before each simulator run, then prints the simulator's share of the baseline's requests per
//!   second: the ceiling of axum + hyper + loopback TCP on this machine, measured side by side.
//! * `--rounds N` repeats every pair of runs and prints min / median.
//! * `--fill N` creates N messages first (not measured), so the runs see a fuller simulator.
//! * `--list-every 1s` lists `GET …/Messages.json?{--list-query}` on its own connection at that
//!   interval during each simulator run, and prints the list latencies.

use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::http::StatusCode;
use base64::Engine as _;
use clap::Args;
use convsms::clock::SystemClock;
use convsms_sim::{DeliveryTiming, SimConfig, Simulator, DEFAULT_RETAIN};
use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper::client::conn::http1::SendRequest;
use hyper::header::{HeaderValue, AUTHORIZATION, CONTENT_TYPE, HOST};
use hyper::Request;
use hyper_util::rt::TokioIo;

use crate::sim_cmd::{parse_timing, DEFAULT_ACCOUNT_SID, DEFAULT_AUTH_TOKEN, DEFAULT_NUMBER};

/// The recipient of every benchmark message.
const TO: &str = "+14155552671";
/// Requests sent before measuring (connection set-up, allocator warm-up).
const WARM_UP: usize = 200;
/// How often due status transitions are applied, as `convsms sim` does.
const FLUSH_EVERY: Duration = Duration::from_millis(200);

/// The options of `convsms bench-sim`.
#[derive(Debug, Args)]
pub struct BenchArgs {
    /// Requests per run (one run per connection count).
    #[arg(long, default_value_t = 20_000)]
    pub requests: usize,
    /// Connection counts to measure, comma-separated.
    #[arg(long, value_delimiter = ',', default_value = "1,16")]
    pub connections: Vec<usize>,
    /// Also measure a bare axum handler (same route, fixed 201 JSON) right before each run and
    /// print the simulator's share of its requests per second.
    #[arg(long)]
    pub baseline: bool,
    /// Repeat every run this many times and print min / median.
    #[arg(long, default_value_t = 1)]
    pub rounds: usize,
    /// Messages created before the runs (not measured).
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub fill: usize,
    /// List messages at this interval during the simulator's runs (humantime: 1s, 250ms).
    #[arg(long, value_name = "DURATION", value_parser = parse_interval)]
    pub list_every: Option<Duration>,
    /// The query of those lists (after `Messages.json?`).
    #[arg(long, value_name = "QUERY", default_value = "PageSize=50")]
    pub list_query: String,
    /// The simulator's retention window (messages).
    #[arg(long, value_name = "N", default_value_t = DEFAULT_RETAIN)]
    pub retain: usize,
    /// The delivery timetable (as `convsms sim --timing`).
    #[arg(long, value_name = "MODE", default_value = "realistic", value_parser = parse_timing)]
    pub timing: DeliveryTiming,
    /// The Basic-auth credentials of every request: the account SID and its Auth Token, or an
    /// API key (`SK…` and its secret) created before the runs.
    #[arg(long, value_enum, default_value_t = Auth::Token)]
    pub auth: Auth,
}

/// The credentials `bench-sim` sends.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Auth {
    /// `AccountSid:AuthToken`.
    Token,
    /// `SK…:secret` of an API key.
    Key,
}

/// A humantime duration of at least a millisecond.
fn parse_interval(s: &str) -> Result<Duration, String> {
    match humantime::parse_duration(s) {
        Ok(d) if d >= Duration::from_millis(1) => Ok(d),
        Ok(_) => Err(format!(
            "'{s}' is too short; expected at least 1ms, for example 1s"
        )),
        Err(e) => Err(format!(
            "'{s}' is not a duration ({e}); expected for example 1s or 250ms"
        )),
    }
}

/// The rounds of one connection count: the simulator's req/s and p99 (ms), the baseline's
/// req/s (empty without `--baseline`).
struct Series {
    connections: usize,
    sim_rates: Vec<f64>,
    base_rates: Vec<f64>,
    p99s: Vec<f64>,
}

/// One run's figures.
struct RunStats {
    ok: usize,
    errors: usize,
    elapsed: Duration,
    /// Latencies of the accepted requests, sorted.
    latencies: Vec<Duration>,
}

/// The `q` quantile of sorted `values` (nearest rank); zero when empty.
fn percentile(values: &[Duration], q: f64) -> Duration {
    if values.is_empty() {
        return Duration::ZERO;
    }
    let i = ((values.len() - 1) as f64 * q).round() as usize;
    values[i]
}

impl RunStats {
    fn rate(&self) -> f64 {
        (self.ok + self.errors) as f64 / self.elapsed.as_secs_f64()
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// The median of `values` (the lower middle one for an even count); 0 when empty.
fn median(values: &[f64]) -> f64 {
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    v.get(v.len().saturating_sub(1) / 2).copied().unwrap_or(0.0)
}

/// Runs the benchmark: 0 when every request was accepted (201), 1 otherwise, 2 on bad options.
pub fn run(args: BenchArgs) -> ExitCode {
    if args.requests == 0
        || args.rounds == 0
        || args.connections.is_empty()
        || args.connections.contains(&0)
    {
        eprintln!(
            "convsms bench-sim: --requests, --rounds and every --connections value must be at least 1"
        );
        return ExitCode::from(2);
    }
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("convsms bench-sim: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match rt.block_on(bench(args)) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("convsms bench-sim: {e}");
            ExitCode::FAILURE
        }
    }
}

/// The row header of the runs table.
fn header() {
    println!(
        "{:>8} {:>5} {:>11} {:>9} {:>6} {:>8} {:>10} {:>8} {:>8} {:>8}",
        "server",
        "round",
        "connections",
        "requests",
        "errors",
        "seconds",
        "req/s",
        "p50 ms",
        "p99 ms",
        "max ms"
    );
}

fn row(server: &str, round: usize, connections: usize, stats: &RunStats) {
    println!(
        "{:>8} {:>5} {:>11} {:>9} {:>6} {:>8.2} {:>10.0} {:>8.3} {:>8.3} {:>8.3}",
        server,
        round,
        connections,
        stats.ok + stats.errors,
        stats.errors,
        stats.elapsed.as_secs_f64(),
        stats.rate(),
        ms(percentile(&stats.latencies, 0.50)),
        ms(percentile(&stats.latencies, 0.99)),
        ms(stats.latencies.last().copied().unwrap_or_default()),
    );
}

async fn bench(args: BenchArgs) -> Result<bool, Box<dyn std::error::Error>> {
    let config = SimConfig {
        port: 0,
        account_sid: DEFAULT_ACCOUNT_SID.to_owned(),
        auth_token: DEFAULT_AUTH_TOKEN.to_owned(),
        numbers: vec![DEFAULT_NUMBER.to_owned()],
        sms_url: None,
        retain: args.retain,
        timing: args.timing,
        ..SimConfig::for_tests()
    };
    let sim =
        Arc::new(Simulator::start(config, crate::sim_clock::for_simulator(SystemClock)).await?);
    let credentials = match args.auth {
        Auth::Token => (
            DEFAULT_ACCOUNT_SID.to_owned(),
            DEFAULT_AUTH_TOKEN.to_owned(),
        ),
        Auth::Key => {
            let key = sim.create_key("bench-sim");
            (key.key.sid.to_string(), key.secret)
        }
    };
    let flusher = tokio::spawn({
        let sim = sim.clone();
        async move {
            let mut tick = tokio::time::interval(FLUSH_EVERY);
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
            loop {
                tick.tick().await;
                sim.run_due().await;
            }
        }
    });
    let target = Arc::new(Target::new(
        &sim.base_url(),
        sim.account_sid(),
        &credentials,
    )?);
    let baseline = if args.baseline {
        Some(Arc::new(
            start_baseline(sim.account_sid(), &credentials).await?,
        ))
    } else {
        None
    };
    let counter = Arc::new(AtomicUsize::new(0));
    let page = page_size();
    println!(
        "convsms bench-sim: POST {}{} (Basic auth as {}, form body; state, retention {} and \
         delivery lifecycle on), {} requests per run, {} worker threads",
        sim.base_url(),
        target.path,
        credentials.0,
        args.retain,
        args.requests,
        tokio::runtime::Handle::current().metrics().num_workers(),
    );
    let mut all_ok = load(&target, &counter, WARM_UP, 1).await?.errors == 0;
    if let Some(b) = &baseline {
        all_ok &= load(b, &counter, WARM_UP, 1).await?.errors == 0;
    }
    if args.fill > 0 {
        let t = Instant::now();
        let filled = load(&target, &counter, args.fill, 16).await?;
        all_ok &= filled.errors == 0;
        println!(
            "filled {} messages in {:.1} s; {} stored now",
            filled.ok,
            t.elapsed().as_secs_f64(),
            sim.stored()
        );
    }
    let rss_start = resident_bytes(page);
    let stored_start = sim.stored();

    header();
    let mut lists: Vec<Duration> = Vec::new();
    let mut series: Vec<Series> = Vec::new();
    for &c in &args.connections {
        let (mut sim_rates, mut base_rates, mut p99s) = (Vec::new(), Vec::new(), Vec::new());
        for round in 1..=args.rounds {
            if let Some(b) = &baseline {
                let stats = load(b, &counter, args.requests, c).await?;
                all_ok &= stats.errors == 0;
                row("baseline", round, c, &stats);
                base_rates.push(stats.rate());
            }
            let lister = args
                .list_every
                .map(|every| Lister::start(target.clone(), every, args.list_query.clone()));
            let stats = load(&target, &counter, args.requests, c).await?;
            all_ok &= stats.errors == 0;
            row("sim", round, c, &stats);
            sim_rates.push(stats.rate());
            p99s.push(ms(percentile(&stats.latencies, 0.99)));
            if let Some(l) = lister {
                let (latencies, errors) = l.stop().await;
                all_ok &= errors == 0;
                lists.extend(latencies);
            }
        }
        series.push(Series {
            connections: c,
            sim_rates,
            base_rates,
            p99s,
        });
    }
    for Series {
        connections: c,
        sim_rates,
        base_rates,
        p99s,
    } in &series
    {
        let shares: Vec<f64> = sim_rates
            .iter()
            .zip(base_rates)
            .map(|(s, b)| s / b)
            .collect();
        let min = |v: &[f64]| v.iter().copied().fold(f64::INFINITY, f64::min);
        print!(
            "{c} connections: sim {:.0} req/s (min {:.0}), p99 {:.3} ms (max of rounds {:.3})",
            median(sim_rates),
            min(sim_rates),
            median(p99s),
            p99s.iter().copied().fold(0.0, f64::max),
        );
        if shares.is_empty() {
            println!();
        } else {
            println!(
                "; baseline {:.0} req/s; sim / baseline {:.2} (min {:.2}, rounds {})",
                median(base_rates),
                median(&shares),
                min(&shares),
                shares.len()
            );
        }
    }
    if args.list_every.is_some() {
        lists.sort_unstable();
        println!(
            "lists (GET Messages.json?{}) during the simulator runs: {}, p50 {:.3} ms, max {:.3} ms",
            args.list_query,
            lists.len(),
            ms(percentile(&lists, 0.5)),
            ms(lists.last().copied().unwrap_or_default())
        );
    }
    let rss_end = resident_bytes(page);
    let stored_end = sim.stored();
    let mib = |b: u64| b as f64 / (1024.0 * 1024.0);
    println!(
        "memory (/proc/self/statm, page {page} B): RSS {:.1} MiB before the runs ({stored_start} \
         messages stored), {:.1} MiB after ({stored_end} stored, {} created in all); peak {:.1} MiB",
        mib(rss_start),
        mib(rss_end),
        sim.outbound_created(),
        mib(peak_resident_bytes()),
    );
    flusher.abort();
    let _ = flusher.await;
    // What a long-running `convsms sim` gives back after `POST /_sim/reset`.
    sim.reset();
    println!(
        "after Simulator::reset (what POST /_sim/reset does): RSS {:.1} MiB, {} stored",
        mib(resident_bytes(page)),
        sim.stored()
    );
    if let Ok(sim) = Arc::try_unwrap(sim) {
        sim.shutdown().await;
    }
    Ok(all_ok)
}

/// A fixed create answer, about the size of the simulator's.
const BASELINE_ANSWER: &str = r#"{"account_sid":"AC00000000000000000000000000000001","api_version":"2010-04-01","body":"bench message","date_created":"Thu, 24 Aug 2023 05:01:45 +0000","date_sent":null,"date_updated":"Thu, 24 Aug 2023 05:01:45 +0000","direction":"outbound-api","error_code":null,"error_message":null,"from":"+14155550100","messaging_service_sid":null,"num_media":"0","num_segments":"1","price":null,"price_unit":"USD","sid":"SM00000000000000000000000000000001","status":"queued","subresource_uris":{"media":"/2010-04-01/Accounts/AC00000000000000000000000000000001/Messages/SM00000000000000000000000000000001/Media.json"},"to":"+14155552671","uri":"/2010-04-01/Accounts/AC00000000000000000000000000000001/Messages/SM00000000000000000000000000000001.json"}"#;

/// Serves the bare handler of `--baseline` on 127.0.0.1 (port chosen by the OS) until the
/// process ends; where to send the load.
async fn start_baseline(
    account: &str,
    credentials: &(String, String),
) -> Result<Target, Box<dyn std::error::Error>> {
    async fn create(
        axum::extract::Path(_account): axum::extract::Path<String>,
        _body: Bytes,
    ) -> (
        StatusCode,
        [(hyper::header::HeaderName, &'static str); 1],
        &'static str,
    ) {
        (
            StatusCode::CREATED,
            [(CONTENT_TYPE, "application/json")],
            BASELINE_ANSWER,
        )
    }
    let app = axum::Router::new().route(
        "/2010-04-01/Accounts/{account}/Messages.json",
        axum::routing::post(create),
    );
    let listener = tokio::net::TcpListener::bind((std::net::Ipv4Addr::LOCALHOST, 0)).await?;
    let base = format!("http://{}", listener.local_addr()?);
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    Target::new(&base, account, credentials)
}

/// Where and how the load is sent: the address, the request path and the fixed headers.
struct Target {
    addr: std::net::SocketAddr,
    path: String,
    host: HeaderValue,
    authorization: HeaderValue,
}

impl Target {
    /// The target of the create URL of `account` at `base_url`, with Basic auth
    /// `(user, password)`.
    fn new(
        base_url: &str,
        account: &str,
        (user, password): &(String, String),
    ) -> Result<Target, Box<dyn std::error::Error>> {
        let base = url::Url::parse(base_url)?;
        let addr = base
            .socket_addrs(|| None)?
            .into_iter()
            .next()
            .ok_or("the base URL has no address")?;
        let credentials = format!("{user}:{password}");
        let basic = base64::engine::general_purpose::STANDARD.encode(credentials);
        Ok(Target {
            addr,
            path: format!("/2010-04-01/Accounts/{account}/Messages.json"),
            host: HeaderValue::from_str(&addr.to_string())?,
            authorization: HeaderValue::from_str(&format!("Basic {basic}"))?,
        })
    }

    /// A new keep-alive connection to the target.
    async fn connect(&self) -> Result<SendRequest<Full<Bytes>>, Box<dyn std::error::Error>> {
        let stream = tokio::net::TcpStream::connect(self.addr).await?;
        stream.set_nodelay(true)?;
        let (sender, connection) =
            hyper::client::conn::http1::handshake::<_, Full<Bytes>>(TokioIo::new(stream)).await?;
        tokio::spawn(connection);
        Ok(sender)
    }

    /// A request to the target's path (`?query` appended when given).
    fn request(
        &self,
        method: hyper::Method,
        query: Option<&str>,
        body: Bytes,
    ) -> Request<Full<Bytes>> {
        let uri = match query {
            Some(q) => format!("{}?{q}", self.path),
            None => self.path.clone(),
        };
        let mut builder = Request::builder()
            .method(method)
            .uri(uri)
            .header(HOST, self.host.clone())
            .header(AUTHORIZATION, self.authorization.clone());
        if !body.is_empty() {
            builder = builder.header(CONTENT_TYPE, "application/x-www-form-urlencoded");
        }
        builder
            .body(Full::new(body))
            .expect("a request built from valid parts")
    }
}

/// Sends `request` and reads the whole answer: whether it had status `expected`.
async fn exchange(
    sender: &mut SendRequest<Full<Bytes>>,
    request: Request<Full<Bytes>>,
    expected: u16,
) -> Result<bool, ()> {
    if sender.ready().await.is_err() {
        return Err(());
    }
    match sender.send_request(request).await {
        Ok(resp) => {
            let status = resp.status().as_u16();
            Ok(resp.into_body().collect().await.is_ok() && status == expected)
        }
        Err(_) => Ok(false),
    }
}

/// Lists at an interval on its own connection until stopped.
struct Lister {
    stop: Arc<AtomicBool>,
    task: tokio::task::JoinHandle<(Vec<Duration>, usize)>,
}

impl Lister {
    fn start(target: Arc<Target>, every: Duration, query: String) -> Lister {
        let stop = Arc::new(AtomicBool::new(false));
        let task = tokio::spawn({
            let stop = stop.clone();
            async move {
                let (mut latencies, mut errors) = (Vec::new(), 0usize);
                let Ok(mut sender) = target.connect().await else {
                    return (latencies, 1);
                };
                let mut tick = tokio::time::interval(every);
                tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
                loop {
                    tick.tick().await;
                    if stop.load(Ordering::Relaxed) {
                        break;
                    }
                    let request = target.request(hyper::Method::GET, Some(&query), Bytes::new());
                    let t = Instant::now();
                    match exchange(&mut sender, request, 200).await {
                        Ok(true) => latencies.push(t.elapsed()),
                        Ok(false) => errors += 1,
                        Err(()) => {
                            errors += 1;
                            break;
                        }
                    }
                }
                (latencies, errors)
            }
        });
        Lister { stop, task }
    }

    /// Stops listing; the latencies and the count of failed lists.
    async fn stop(self) -> (Vec<Duration>, usize) {
        self.stop.store(true, Ordering::Relaxed);
        self.task.await.unwrap_or_default()
    }
}

/// Sends `requests` creates over `connections` keep-alive connections and times each one.
async fn load(
    target: &Arc<Target>,
    counter: &Arc<AtomicUsize>,
    requests: usize,
    connections: usize,
) -> Result<RunStats, Box<dyn std::error::Error>> {
    let remaining = Arc::new(AtomicUsize::new(requests));
    let started = Instant::now();
    let mut workers = Vec::with_capacity(connections);
    for _ in 0..connections {
        let mut sender = target.connect().await?;
        let target = target.clone();
        let counter = counter.clone();
        let remaining = remaining.clone();
        workers.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            let mut errors = 0usize;
            while remaining
                .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |n| n.checked_sub(1))
                .is_ok()
            {
                let i = counter.fetch_add(1, Ordering::Relaxed);
                let body = format!(
                    "To=%2B{}&From=%2B{}&Body=bench+message+{i}",
                    &TO[1..],
                    &DEFAULT_NUMBER[1..]
                );
                let request = target.request(hyper::Method::POST, None, Bytes::from(body));
                let t = Instant::now();
                match exchange(&mut sender, request, 201).await {
                    Ok(true) => latencies.push(t.elapsed()),
                    Ok(false) if !sender.is_closed() => errors += 1,
                    // The connection is gone: the rest of this worker's share is lost.
                    _ => {
                        errors += 1;
                        break;
                    }
                }
            }
            (latencies, errors)
        }));
    }
    let mut latencies = Vec::with_capacity(requests);
    let mut errors = 0;
    for w in workers {
        let (l, e) = w.await?;
        latencies.extend(l);
        errors += e;
    }
    let elapsed = started.elapsed();
    latencies.sort_unstable();
    Ok(RunStats {
        ok: latencies.len(),
        errors,
        elapsed,
        latencies,
    })
}

/// The process's peak resident set size in bytes (`VmHWM` of `/proc/self/status`); 0 where it
/// cannot be read.
fn peak_resident_bytes() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            let line = s.lines().find(|l| l.starts_with("VmHWM:"))?;
            let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
            Some(kib * 1024)
        })
        .unwrap_or(0)
}

/// The memory page size, from the auxiliary vector (`AT_PAGESZ`); 4096 if it cannot be read.
fn page_size() -> u64 {
    const AT_PAGESZ: u64 = 6;
    const WORD: usize = std::mem::size_of::<usize>();
    if let Ok(auxv) = std::fs::read("/proc/self/auxv") {
        for pair in auxv.chunks_exact(2 * WORD) {
            let word = |b: &[u8]| {
                let mut a = [0u8; 8];
                a[..WORD].copy_from_slice(b);
                u64::from_ne_bytes(a)
            };
            if word(&pair[..WORD]) == AT_PAGESZ {
                return word(&pair[WORD..]);
            }
        }
    }
    4096
}

/// The process's resident set size in bytes (`/proc/self/statm`, second field × page size); 0
/// where `/proc` is not available.
fn resident_bytes(page: u64) -> u64 {
    std::fs::read_to_string("/proc/self/statm")
        .ok()
        .and_then(|s| s.split_whitespace().nth(1)?.parse::<u64>().ok())
        .map_or(0, |pages| pages * page)
}
