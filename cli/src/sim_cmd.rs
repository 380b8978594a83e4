//! `convsms sim`: the simulated Twilio (`convsms_sim`) as a standalone server on 127.0.0.1, for
//! the official SDKs, twilio-cli-like tools, curl, or an app under development.
//!
//! The first line printed on stdout is the base URL alone (`http://127.0.0.1:4010`), so a script
//! that started it with `--port 0` can read the port the OS chose; the lines after it give the
//! credentials, the numbers and how to point the SDKs at it. It serves until Ctrl-C (SIGINT) or
//! SIGTERM, then stops gracefully.

use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use clap::Args;
use convsms::clock::SystemClock;
use convsms_sim::{DeliveryTiming, SimConfig, Simulator, DEFAULT_RETAIN};

use crate::sim_seed::Seed;
use twilio_wire::sid::AccountSid;

/// The account SID when neither `--account-sid` nor `TWILIO_ACCOUNT_SID` is given.
pub const DEFAULT_ACCOUNT_SID: &str = "AC00000000000000000000000000000001";
/// The Auth Token when neither `--auth-token` nor `TWILIO_AUTH_TOKEN` is given.
pub const DEFAULT_AUTH_TOKEN: &str = "0123456789abcdef0123456789abcdef";
/// The account's number when no `--number` is given.
pub const DEFAULT_NUMBER: &str = "+14155550100";
/// How often due status transitions are flushed (delivery lifecycle).
const FLUSH_EVERY: Duration = Duration::from_millis(200);
/// How long Ctrl-C waits for in-flight requests before the process exits.
const STOP_WITHIN: Duration = Duration::from_secs(2);
/// How long Ctrl-C waits for a flush in progress before leaving it behind.
const ABANDON_AFTER: Duration = Duration::from_millis(300);

/// The options of `convsms sim`.
#[derive(Debug, Args)]
pub struct SimArgs {
    /// TCP port on 127.0.0.1; 0 lets the OS choose (the first stdout line tells which).
    #[arg(long, default_value_t = 4010)]
    pub port: u16,
    /// The simulated account's SID: AC followed by 32 hex digits.
    #[arg(
        long,
        env = "TWILIO_ACCOUNT_SID",
        default_value = DEFAULT_ACCOUNT_SID,
        value_parser = parse_account_sid
    )]
    pub account_sid: String,
    /// The account's Auth Token (Basic-auth password and webhook signing key).
    #[arg(
        long,
        env = "TWILIO_AUTH_TOKEN",
        default_value = DEFAULT_AUTH_TOKEN,
        hide_env_values = true,
        value_parser = parse_auth_token
    )]
    pub auth_token: String,
    /// A number the account owns, in E.164 (+14155550100); repeat for several.
    /// Default: +14155550100.
    #[arg(long = "number", value_name = "E164", value_parser = parse_e164)]
    pub numbers: Vec<String>,
    /// The numbers' messaging webhook ("A message comes in"), an absolute http(s) URL.
    #[arg(long, value_name = "URL", value_parser = parse_sms_url)]
    pub sms_url: Option<String>,
    /// How long a connection may take to send a request's headers, or stay idle between
    /// requests, before the server closes it (humantime: 30s, 500ms).
    #[arg(long, value_name = "DURATION", default_value = "30s", value_parser = parse_timeout)]
    pub header_timeout: Duration,
    /// How long a request body may take to arrive whole before the request is answered 408
    /// (humantime: 30s, 500ms).
    #[arg(long, value_name = "DURATION", default_value = "30s", value_parser = parse_timeout)]
    pub body_timeout: Duration,
    /// A shared setup to start from (TOML: the account, numbers and their webhooks, API keys,
    /// Messaging Services, carriers, opt-outs; see docs/sim-seed.md). Its [account] replaces
    /// --account-sid, --auth-token and --sms-url.
    #[arg(long, value_name = "FILE")]
    pub seed_file: Option<std::path::PathBuf>,
    /// Messages kept: past this many, the oldest settled ones (final, nothing pending) are
    /// dropped and answer 404; a message in flight is never dropped.
    #[arg(long, value_name = "N", default_value_t = DEFAULT_RETAIN)]
    pub retain: usize,
    /// When outbound statuses change: realistic (sending +0.5 s, sent +1 s, final +2.5 s),
    /// fast (+0.1 s, +0.2 s, +0.5 s), instant (all due at once), or three delays, each after
    /// the step before: SENDING,SENT,FINAL (e.g. 500ms,1s,2s: final 3.5 s after creation).
    #[arg(long, value_name = "MODE", default_value = "realistic", value_parser = parse_timing)]
    pub timing: DeliveryTiming,
}

/// A humantime duration (`30s`, `500ms`) of at least a millisecond.
fn parse_timeout(s: &str) -> Result<Duration, String> {
    match humantime::parse_duration(s) {
        Ok(d) if d >= Duration::from_millis(1) => Ok(d),
        Ok(_) => Err(format!(
            "'{s}' is shorter than a millisecond; expected for example 30s or 500ms"
        )),
        Err(e) => Err(format!(
            "'{s}' is not a duration ({e}); expected for example 30s or 500ms"
        )),
    }
}

/// `instant`, `fast`, `realistic`, or three durations (humantime: `500ms`, `1s`, `1m 30s`)
/// separated by commas: the delays to `sending`, then to `sent`, then to the final status.
pub fn parse_timing(s: &str) -> Result<DeliveryTiming, String> {
    match s.trim() {
        "instant" => return Ok(DeliveryTiming::INSTANT),
        "fast" => return Ok(DeliveryTiming::FAST),
        "realistic" => return Ok(DeliveryTiming::REALISTIC),
        _ => {}
    }
    let expected = "expected instant, fast, realistic, or three delays such as 500ms,1s,2s \
                    (to sending, then to sent, then to the final status)";
    let parts: Vec<&str> = s.split(',').map(str::trim).collect();
    let [sending, sent, fin] = parts[..] else {
        return Err(format!("'{s}' is not a delivery timing; {expected}"));
    };
    let read = |part: &str, step: &str| {
        humantime::parse_duration(part).map_err(|e| {
            format!("'{part}' (the delay to {step}) is not a duration ({e}); {expected}")
        })
    };
    Ok(DeliveryTiming {
        to_sending: read(sending, "sending")?,
        to_sent: read(sent, "sent")?,
        to_final: read(fin, "the final status")?,
    })
}

/// `AC` + 32 hex digits.
pub(crate) fn parse_account_sid(s: &str) -> Result<String, String> {
    AccountSid::parse(s)
        .map(|sid| sid.as_str().to_owned())
        .map_err(|_| {
            format!(
                "'{s}' is not an Account SID; expected AC followed by 32 hexadecimal digits, \
                 for example {DEFAULT_ACCOUNT_SID}"
            )
        })
}

/// Not empty, no whitespace (it goes into a Basic-auth header).
pub(crate) fn parse_auth_token(s: &str) -> Result<String, String> {
    if s.is_empty() {
        Err(format!(
            "the auth token is empty; expected a secret such as {DEFAULT_AUTH_TOKEN}"
        ))
    } else if s.chars().any(|c| c.is_whitespace() || c.is_control()) {
        Err("the auth token contains whitespace or control characters".to_owned())
    } else {
        Ok(s.to_owned())
    }
}

/// Strict E.164 (`+`, then 2 to 15 digits, no leading 0) and valid for libphonenumber.
pub(crate) fn parse_e164(s: &str) -> Result<String, String> {
    let digits = s.strip_prefix('+').unwrap_or("");
    let shaped = (2..=15).contains(&digits.len())
        && digits.bytes().all(|b| b.is_ascii_digit())
        && !digits.starts_with('0');
    if !shaped {
        let hint = match convsms::domain::phone::E164::parse(s, None) {
            Ok(e164) => format!(" (did you mean {}?)", e164.as_str()),
            Err(_) => String::new(),
        };
        return Err(format!(
            "'{s}' is not an E.164 number; expected '+', the country code and the number, \
             digits only, for example {DEFAULT_NUMBER}{hint}"
        ));
    }
    match convsms::domain::phone::E164::parse(s, None) {
        Ok(_) => Ok(s.to_owned()),
        Err(e) => Err(format!("'{s}' is not a valid phone number: {e}")),
    }
}

/// An absolute http(s) URL with a host.
pub(crate) fn parse_sms_url(s: &str) -> Result<String, String> {
    match url::Url::parse(s) {
        Ok(u) if matches!(u.scheme(), "http" | "https") && u.host().is_some() => Ok(s.to_owned()),
        Ok(_) => Err(format!(
            "'{s}' is not an http(s) URL; expected for example http://127.0.0.1:8080/sms/inbound"
        )),
        Err(e) => Err(format!("'{s}' is not a URL ({e})")),
    }
}

impl SimArgs {
    /// The simulator configuration these options describe.
    pub fn config(&self) -> SimConfig {
        let numbers = if self.numbers.is_empty() {
            vec![DEFAULT_NUMBER.to_owned()]
        } else {
            self.numbers.clone()
        };
        SimConfig {
            port: self.port,
            account_sid: self.account_sid.clone(),
            auth_token: self.auth_token.clone(),
            numbers,
            sms_url: self.sms_url.clone(),
            header_read_timeout: self.header_timeout,
            body_read_timeout: self.body_timeout,
            retain: self.retain,
            timing: self.timing,
            ..SimConfig::for_tests()
        }
    }
}

/// Runs `convsms sim` to completion: 0 after Ctrl-C, 2 when the server cannot start (a port in
/// use, a refused seed file), as `convsms serve`.
pub fn run(args: SimArgs) -> ExitCode {
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("convsms sim: cannot start the async runtime: {e}");
            return ExitCode::from(2);
        }
    };
    let seed = match args.seed_file.as_deref().map(Seed::load).transpose() {
        Ok(seed) => seed,
        Err(e) => {
            eprintln!("convsms sim: {e}");
            return ExitCode::from(2);
        }
    };
    let mut config = args.config();
    if let Some(seed) = &seed {
        seed.configure(&mut config, &args.numbers);
    }
    let result = rt.block_on(serve(config, seed.as_ref()));
    // Do not wait for a task that is still busy (a flush in progress).
    rt.shutdown_timeout(ABANDON_AFTER);
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("convsms sim: {e}");
            ExitCode::from(2)
        }
    }
}

/// Starts the simulator, prints how to reach it, runs due transitions every 200 ms and stops
/// on Ctrl-C / SIGTERM.
async fn serve(config: SimConfig, seed: Option<&Seed>) -> Result<(), Box<dyn std::error::Error>> {
    let shown = config.clone();
    let sim = Simulator::start(config, crate::sim_clock::for_simulator(SystemClock)).await?;
    if let Some(seed) = seed {
        if let Err(e) = seed.apply(&sim) {
            sim.shutdown().await;
            return Err(e.into());
        }
    }
    let numbers: Vec<String> = sim
        .incoming_phone_numbers()
        .into_iter()
        .map(|n| n.phone_number)
        .collect();
    println!("{}", banner(&sim, &shown, &numbers));

    // Due transitions run on their own task, so that a long flush (many messages in flight)
    // never delays Ctrl-C.
    let sim = Arc::new(sim);
    let flusher = tokio::spawn({
        let sim = sim.clone();
        async move {
            let mut tick = tokio::time::interval(FLUSH_EVERY);
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
            loop {
                tick.tick().await;
                flush_due(&sim).await;
            }
        }
    });
    shutdown_signal().await;
    eprintln!("convsms sim: stopping");
    flusher.abort();
    let _ = tokio::time::timeout(ABANDON_AFTER, flusher).await;
    // The flusher has let go of its handle unless it is stuck inside one long flush; then the
    // process exits without waiting for it (see `run`).
    if let Ok(sim) = Arc::try_unwrap(sim) {
        let _ = tokio::time::timeout(STOP_WITHIN, sim.shutdown()).await;
    }
    Ok(())
}

/// Applies the status transitions that are due by now and starts posting their status
/// callbacks, each message's on its own task, so that an app's slow callback URL holds up no
/// other message: on its own the simulator moves nothing (see `convsms_sim`'s `delivery`
/// module).
async fn flush_due(sim: &Simulator) {
    sim.run_due_detached().await;
}

/// What `convsms sim` prints at start: the base URL alone on the first line, then the details
/// (`numbers`: every number the account owns once the seed file, if any, is applied).
fn banner(sim: &Simulator, config: &SimConfig, numbers: &[String]) -> String {
    let base = sim.base_url();
    let t = config.timing;
    let secs = |d: std::time::Duration| format!("{}s", d.as_secs_f64());
    let ac = sim.account_sid();
    format!(
        "{base}\n\
         Simulated Twilio (2010-04-01 Messages API) listening on {base}\n  \
         account SID  {ac}\n  \
         auth token   {token}\n  \
         test creds   {test_ac} / {test_token} (magic numbers only)\n  \
         numbers      {numbers}\n  \
         SMS URL      {sms_url}\n  \
         retention    {retain} messages\n  \
         timing       sending +{sending}, sent +{sent}, final +{fin} after creation\n  \
         Messages     {base}/2010-04-01/Accounts/{ac}/Messages.json\n  \
         messaging    {base}/messaging/v1/Services (messaging.twilio.com)\n  \
         control      {base}/_sim/messages\n  \
         inspector    {base}/ (in a browser)\n  \
         Python SDK   client.api.base_url = \"{base}\"\n  \
         Node SDK     client.api.baseUrl = \"{base}\"\n\
         (leave TWILIO_EDGE and TWILIO_REGION unset) Ctrl-C to stop.",
        token = sim.auth_token(),
        test_ac = sim.test_account_sid(),
        test_token = sim.test_auth_token(),
        numbers = numbers.join(", "),
        sms_url = config
            .sms_url
            .as_deref()
            .unwrap_or("(none: inbound messages are recorded, posted nowhere and answered by Twilio's default reply)"),
        retain = config.retain,
        sending = secs(t.to_sending),
        sent = secs(t.to_sending + t.to_sent),
        fin = secs(t.total()),
    )
}

/// Resolves on Ctrl-C (SIGINT) or SIGTERM.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validates_account_sid_numbers_token_and_url() {
        assert!(parse_account_sid(DEFAULT_ACCOUNT_SID).is_ok());
        let e = parse_account_sid("AC123").unwrap_err();
        assert!(e.contains("32 hexadecimal"), "{e}");
        assert!(parse_account_sid("SM00000000000000000000000000000001").is_err());

        assert_eq!(parse_e164("+14155550100").unwrap(), "+14155550100");
        let e = parse_e164("+1 415 555 0100").unwrap_err();
        assert!(e.contains("did you mean +14155550100?"), "{e}");
        let e = parse_e164("4155550100").unwrap_err();
        assert!(e.contains("not an E.164 number"), "{e}");
        let e = parse_e164("+6512").unwrap_err();
        assert!(e.contains("not a valid phone number"), "{e}");

        assert!(parse_auth_token("").is_err());
        assert!(parse_auth_token("a b").is_err());
        assert!(parse_sms_url("http://127.0.0.1:8080/sms").is_ok());
        assert!(parse_sms_url("ftp://x.test/sms").is_err());
        assert!(parse_sms_url("/sms").is_err());

        assert_eq!(parse_timeout("200ms"), Ok(Duration::from_millis(200)));
        assert_eq!(parse_timeout("30s"), Ok(Duration::from_secs(30)));
        assert!(parse_timeout("0s")
            .unwrap_err()
            .contains("shorter than a millisecond"));
        assert!(parse_timeout("soon")
            .unwrap_err()
            .contains("not a duration"));
    }
}
