//! `convsms bench-sim`: load on the simulated Twilio's `POST …/Messages.json`, in-process, over
//! loopback HTTP with Basic auth and a form body, as an SDK would send it. Every accepted message
//! stays stored, so the later runs also measure a fuller simulator.
//!
//! For each connection count it prints requests per second and the p50 / p99 / max latency (one
//! HTTP/1.1 keep-alive connection per worker, each worker sending its next request when the last
//! answer is read), then the resident memory growth per stored message from `/proc/self/statm`.
//! Client and server share this process and its cores: the figures are for the pair. The client
//! is hyper's bare HTTP/1.1 connection (no pool, no per-request URL parsing), so that as much of
//! the two cores as possible goes to the simulator, as with wrk in its own process.

use std::process::ExitCode;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use base64::Engine as _;
use clap::Args;
use convsms::clock::SystemClock;
use convsms_sim::{SimConfig, Simulator};
use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper::header::{HeaderValue, AUTHORIZATION, CONTENT_TYPE, HOST};
use hyper::Request;
use hyper_util::rt::TokioIo;

use crate::sim_cmd::{DEFAULT_ACCOUNT_SID, DEFAULT_AUTH_TOKEN, DEFAULT_NUMBER};

/// The recipient of every benchmark message.
const TO: &str = "+14155552671";
/// Requests sent before measuring (connection set-up, allocator warm-up).
const WARM_UP: usize = 200;

/// The options of `convsms bench-sim`.
#[derive(Debug, Args)]
pub struct BenchArgs {
    /// Requests per run (one run per connection count).
    #[arg(long, default_value_t = 20_000)]
    pub requests: usize,
    /// Connection counts to measure, comma-separated.
    #[arg(long, value_delimiter = ',', default_value = "1,16")]
    pub connections: Vec<usize>,
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

/// One run's figures.
struct RunStats {
    connections: usize,
    ok: usize,
    errors: usize,
    elapsed: Duration,
    /// Latencies of the accepted requests, sorted.
    latencies: Vec<Duration>,
}

impl RunStats {
    fn percentile(&self, q: f64) -> Duration {
        if self.latencies.is_empty() {
            return Duration::ZERO;
        }
        let i = ((self.latencies.len() - 1) as f64 * q).round() as usize;
        self.latencies[i]
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// Runs the benchmark: 0 when every request was accepted (201), 1 otherwise.
pub fn run(args: BenchArgs) -> ExitCode {
    if args.requests == 0 || args.connections.is_empty() || args.connections.contains(&0) {
        eprintln!("convsms bench-sim: --requests and every --connections value must be at least 1");
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

async fn bench(args: BenchArgs) -> Result<bool, Box<dyn std::error::Error>> {
    let config = SimConfig {
        port: 0,
        account_sid: DEFAULT_ACCOUNT_SID.to_owned(),
        auth_token: DEFAULT_AUTH_TOKEN.to_owned(),
        numbers: vec![DEFAULT_NUMBER.to_owned()],
        sms_url: None,
        ..SimConfig::for_tests()
    };
    let sim = Simulator::start(config, crate::sim_clock::for_simulator(SystemClock)).await?;
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
    let target = Arc::new(Target::new(&sim, &credentials)?);
    let url = format!("{}{}", sim.base_url(), target.path);
    let counter = Arc::new(AtomicUsize::new(0));
    println!(
        "convsms bench-sim: POST {url} (Basic auth as {}, form body, state kept), {} requests per run, {} worker threads",
        credentials.0,
        args.requests,
        tokio::runtime::Handle::current().metrics().num_workers(),
    );

    let warm = load(&target, &counter, WARM_UP, 1).await?;
    let page = page_size();
    let rss_start = resident_bytes(page);
    let stored_start = sim.messages().len();

    println!(
        "{:>11} {:>9} {:>6} {:>8} {:>10} {:>8} {:>8} {:>8}",
        "connections", "requests", "errors", "seconds", "req/s", "p50 ms", "p99 ms", "max ms"
    );
    let mut all_ok = warm.errors == 0;
    let mut first_run_rss: Option<(u64, usize)> = None;
    for &c in &args.connections {
        let stats = load(&target, &counter, args.requests, c).await?;
        all_ok &= stats.errors == 0;
        println!(
            "{:>11} {:>9} {:>6} {:>8.2} {:>10.0} {:>8.3} {:>8.3} {:>8.3}",
            stats.connections,
            stats.ok + stats.errors,
            stats.errors,
            stats.elapsed.as_secs_f64(),
            (stats.ok + stats.errors) as f64 / stats.elapsed.as_secs_f64(),
            ms(stats.percentile(0.50)),
            ms(stats.percentile(0.99)),
            ms(stats.latencies.last().copied().unwrap_or_default()),
        );
        if first_run_rss.is_none() {
            first_run_rss = Some((resident_bytes(page), stats.ok));
        }
    }
    let rss_end = resident_bytes(page);
    let stored_end = sim.messages().len();

    let mib = |b: u64| b as f64 / (1024.0 * 1024.0);
    let per = |grown: u64, n: usize| {
        if n == 0 {
            0.0
        } else {
            grown as f64 / n as f64
        }
    };
    let stored = stored_end - stored_start;
    println!(
        "memory (/proc/self/statm, page {page} B): RSS {:.1} MiB after warm-up ({stored_start} messages), \
         {:.1} MiB at the end ({stored_end} messages)",
        mib(rss_start),
        mib(rss_end),
    );
    if let Some((rss_first, n_first)) = first_run_rss {
        println!(
            "  growth over the first run: {:.0} bytes per stored message ({n_first} messages)",
            per(rss_first.saturating_sub(rss_start), n_first)
        );
    }
    println!(
        "  growth over all runs:      {:.0} bytes per stored message ({stored} messages)",
        per(rss_end.saturating_sub(rss_start), stored)
    );
    sim.shutdown().await;
    Ok(all_ok)
}

/// Where and how the load is sent: the address, the request path and the fixed headers.
struct Target {
    addr: std::net::SocketAddr,
    path: String,
    host: HeaderValue,
    authorization: HeaderValue,
}

impl Target {
    /// The target of `sim`'s create URL, with Basic auth `(user, password)`.
    fn new(
        sim: &Simulator,
        (user, password): &(String, String),
    ) -> Result<Target, Box<dyn std::error::Error>> {
        let base = url::Url::parse(&sim.base_url())?;
        let addr = base
            .socket_addrs(|| None)?
            .into_iter()
            .next()
            .ok_or("the simulator's base URL has no address")?;
        let credentials = format!("{user}:{password}");
        let basic = base64::engine::general_purpose::STANDARD.encode(credentials);
        Ok(Target {
            addr,
            path: format!("/2010-04-01/Accounts/{}/Messages.json", sim.account_sid()),
            host: HeaderValue::from_str(&addr.to_string())?,
            authorization: HeaderValue::from_str(&format!("Basic {basic}"))?,
        })
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
        let stream = tokio::net::TcpStream::connect(target.addr).await?;
        stream.set_nodelay(true)?;
        let (mut sender, connection) =
            hyper::client::conn::http1::handshake::<_, Full<Bytes>>(TokioIo::new(stream)).await?;
        tokio::spawn(connection);
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
                let request = Request::post(target.path.as_str())
                    .header(HOST, target.host.clone())
                    .header(AUTHORIZATION, target.authorization.clone())
                    .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
                    .body(Full::new(Bytes::from(body)))
                    .expect("a request built from valid parts");
                let t = Instant::now();
                if sender.ready().await.is_err() {
                    // The connection is gone: the rest of this worker's share is lost.
                    errors += 1;
                    break;
                }
                let ok = match sender.send_request(request).await {
                    Ok(resp) => {
                        let created = resp.status().as_u16() == 201;
                        resp.into_body().collect().await.is_ok() && created
                    }
                    Err(_) => false,
                };
                if ok {
                    latencies.push(t.elapsed());
                } else {
                    errors += 1;
                    if sender.is_closed() {
                        // The connection is gone: the rest of this worker's share is lost.
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
        connections,
        ok: latencies.len(),
        errors,
        elapsed,
        latencies,
    })
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
