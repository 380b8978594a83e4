//! `convsms sim` as a user runs it, and the simulated Twilio driven by the REAL official SDKs:
//! twilio-python and twilio-node, pinned in `tests/sdk/requirements.txt` and
//! `tests/sdk/package-lock.json` and installed by `.ci/run` (a venv at `target/sdk-venv`, `npm ci`
//! in `tests/sdk/`). Each SDK script gets its own `convsms sim --port 0`, prints one line per check
//! and exits 0 only when every check passed.
//!
//! On a clean clone the tests install the pinned SDKs themselves, as `.ci/run` does (registries
//! reachable); if that fails they fail and say how to install them by hand; set
//! `CONVSMS_SKIP_SDK_TESTS=1` to skip the two SDK tests instead. `CONVSMS_SDK_PYTHON` overrides the
//! Python interpreter (default `<target dir>/sdk-venv/bin/python`).

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Arc, Condvar, Mutex};
use std::thread::{self, JoinHandle};
use std::time::Duration;

use wait_timeout::ChildExt;

const ACCOUNT_SID: &str = "AC0123456789abcdef0123456789abcdef";
const AUTH_TOKEN: &str = "sdk-conformance-token";
const NUMBERS: [&str; 2] = ["+14155550100", "+14155550101"];
/// How long one SDK script may run (its own waits are bounded; this catches a hang).
const SCRIPT_TIMEOUT: Duration = Duration::from_secs(240);

fn manifest_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// `convsms` with none of the Twilio variables of the caller's environment.
fn convsms() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_convsms"));
    c.current_dir(manifest_dir());
    for var in [
        "TWILIO_ACCOUNT_SID",
        "TWILIO_AUTH_TOKEN",
        "TWILIO_EDGE",
        "TWILIO_REGION",
    ] {
        c.env_remove(var);
    }
    c
}

/// A pipe read to its end on a thread, into a string other threads can watch.
struct Drain {
    text: Arc<(Mutex<String>, Condvar)>,
    reader: JoinHandle<()>,
}

impl Drain {
    fn new(mut from: impl Read + Send + 'static) -> Drain {
        let text = Arc::new((Mutex::new(String::new()), Condvar::new()));
        let sink = text.clone();
        let reader = thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n) = from.read(&mut buf) {
                if n == 0 {
                    break;
                }
                let (text, grew) = &*sink;
                text.lock()
                    .unwrap()
                    .push_str(&String::from_utf8_lossy(&buf[..n]));
                grew.notify_all();
            }
        });
        Drain { text, reader }
    }

    /// What was read so far.
    fn so_far(&self) -> String {
        self.text.0.lock().unwrap().clone()
    }

    /// Waits (up to `timeout`) until the text contains `what`; the text then (or at the timeout).
    fn wait_for(&self, what: &str, timeout: Duration) -> String {
        let (text, grew) = &*self.text;
        let guard = text.lock().unwrap();
        let (guard, _) = grew
            .wait_timeout_while(guard, timeout, |t| !t.contains(what))
            .unwrap();
        guard.clone()
    }

    /// Everything, once the pipe is closed (the process exited or was killed).
    fn finish(self) -> String {
        self.reader.join().expect("the pipe reader");
        Arc::try_unwrap(self.text)
            .map(|(text, _)| text.into_inner().unwrap())
            .unwrap_or_else(|shared| shared.0.lock().unwrap().clone())
    }
}

/// A running `convsms sim`; killed when dropped.
struct Sim {
    child: Child,
    base_url: String,
    /// Everything it printed: the banner (after its first line) and stderr.
    output: Drain,
    stderr: Drain,
}

impl Sim {
    /// Starts `convsms sim <args>` and reads the base URL from its first stdout line.
    fn start(mut cmd: Command) -> Sim {
        let mut child = cmd
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start convsms sim");
        let stderr = Drain::new(child.stderr.take().unwrap());
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let mut first = String::new();
        stdout.read_line(&mut first).expect("read the first line");
        let base_url = first.trim().to_owned();
        if !base_url.starts_with("http://127.0.0.1:") {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "convsms sim did not print its base URL first: {first:?}\nstderr: {}",
                stderr.finish()
            );
        }
        let output = Drain::new(stdout);
        Sim {
            child,
            base_url,
            output,
            stderr,
        }
    }

    /// Starts the simulator the SDK scripts expect.
    fn for_sdks() -> Sim {
        let mut cmd = convsms();
        cmd.args([
            "sim",
            "--port",
            "0",
            "--account-sid",
            ACCOUNT_SID,
            "--auth-token",
            AUTH_TOKEN,
        ]);
        for n in NUMBERS {
            cmd.args(["--number", n]);
        }
        Sim::start(cmd)
    }

    /// Waits (up to 10 s) until the banner's text contains `what`.
    fn wait_output(&self, what: &str) -> String {
        self.output.wait_for(what, Duration::from_secs(10))
    }
}

impl Drop for Sim {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Runs `cmd` to completion (killed after `timeout`); its exit status, stdout and stderr.
fn run_with_timeout(mut cmd: Command, timeout: Duration) -> (Option<ExitStatus>, String, String) {
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {cmd:?}: {e}"));
    let out = Drain::new(child.stdout.take().unwrap());
    let err = Drain::new(child.stderr.take().unwrap());
    let status = child.wait_timeout(timeout).expect("wait");
    if status.is_none() {
        let _ = child.kill();
        let _ = child.wait();
    }
    (status, out.finish(), err.finish())
}

/// Runs one SDK script (`program script`) against a fresh simulator and asserts every check
/// passed.
fn run_sdk_script(name: &str, program: &Path, script: &str) {
    let sim = Sim::for_sdks();
    let mut cmd = Command::new(program);
    cmd.arg(manifest_dir().join("tests/sdk").join(script))
        .current_dir(manifest_dir().join("tests/sdk"))
        .env("SIM_BASE_URL", &sim.base_url)
        .env("SIM_ACCOUNT_SID", ACCOUNT_SID)
        .env("SIM_AUTH_TOKEN", AUTH_TOKEN)
        .env("SIM_NUMBERS", NUMBERS.join(","))
        .env("NO_PROXY", "127.0.0.1,localhost")
        .env("no_proxy", "127.0.0.1,localhost");
    for var in [
        "TWILIO_ACCOUNT_SID",
        "TWILIO_AUTH_TOKEN",
        "TWILIO_EDGE",
        "TWILIO_REGION",
        "HTTP_PROXY",
        "http_proxy",
    ] {
        cmd.env_remove(var);
    }
    let (status, stdout, stderr) = run_with_timeout(cmd, SCRIPT_TIMEOUT);
    // The check lines show with `cargo test -- --nocapture`, and in full on failure.
    println!("{stdout}");
    let failed: Vec<&str> = stdout.lines().filter(|l| l.starts_with("FAIL")).collect();
    assert!(
        status.is_some_and(|s| s.success()) && failed.is_empty(),
        "{name} SDK checks failed ({}):\n{}\n\n--- {name} stdout ---\n{stdout}\n--- {name} stderr ---\n{stderr}\n--- convsms sim stderr ---\n{}",
        status.map_or("timed out".to_owned(), |s| s.to_string()),
        failed.join("\n"),
        sim.stderr.so_far(),
    );
    assert!(
        stdout.lines().any(|l| l.starts_with("ok ")),
        "{name}: no check ran:\n{stdout}"
    );
}

/// Runs an install step of a pinned SDK (from the package registries); its failure is reported by
/// the "installed" check that follows, with the manual commands.
fn bootstrap(cmd: &mut Command) {
    match cmd.output() {
        Ok(o) if o.status.success() => {}
        Ok(o) => eprintln!(
            "SDK install step {cmd:?} failed: {}",
            String::from_utf8_lossy(&o.stderr)
        ),
        Err(e) => eprintln!("SDK install step {cmd:?} could not start: {e}"),
    }
}

fn skip_sdk_tests() -> bool {
    let skip = std::env::var_os("CONVSMS_SKIP_SDK_TESTS").is_some_and(|v| v == "1");
    if skip {
        eprintln!("CONVSMS_SKIP_SDK_TESTS=1: SDK conformance tests skipped");
    }
    skip
}

/// The venv `.ci/run` makes: `$CARGO_TARGET_DIR/sdk-venv`, i.e. beside the binary's profile dir.
fn python() -> PathBuf {
    if let Some(p) = std::env::var_os("CONVSMS_SDK_PYTHON") {
        return PathBuf::from(p);
    }
    let exe = Path::new(env!("CARGO_BIN_EXE_convsms"));
    let target = exe.parent().and_then(Path::parent).expect("target dir");
    target.join("sdk-venv/bin/python")
}

#[test]
fn python_sdk_conformance() {
    if skip_sdk_tests() {
        return;
    }
    let python = python();
    let probe_sdk = || {
        Command::new(&python)
            .args(["-c", "import twilio; print(twilio.__version__)"])
            .output()
    };
    let mut probe = probe_sdk();
    if !probe.as_ref().is_ok_and(|o| o.status.success())
        && std::env::var_os("CONVSMS_SDK_PYTHON").is_none()
    {
        // A clean clone: install the pinned SDK exactly as .ci/run does, into target/.
        let venv = python.parent().and_then(Path::parent).expect("venv dir");
        bootstrap(Command::new("python3").arg("-m").arg("venv").arg(venv));
        bootstrap(
            Command::new(venv.join("bin/pip"))
                .args(["install", "--quiet", "--disable-pip-version-check", "-r"])
                .arg(manifest_dir().join("tests/sdk/requirements.txt")),
        );
        probe = probe_sdk();
    }
    let installed = probe.as_ref().is_ok_and(|o| o.status.success());
    assert!(
        installed,
        "twilio-python is not installed for {}: run\n  python3 -m venv target/sdk-venv && \
         target/sdk-venv/bin/pip install -r tests/sdk/requirements.txt\n\
         (as .ci/run does), or set CONVSMS_SKIP_SDK_TESTS=1 ({probe:?})",
        python.display()
    );
    run_sdk_script("python", &python, "sdk_python.py");
}

#[test]
fn node_sdk_conformance() {
    if skip_sdk_tests() {
        return;
    }
    let marker = manifest_dir().join("tests/sdk/node_modules/twilio/package.json");
    if !marker.exists() {
        // A clean clone: install the locked SDK exactly as .ci/run does.
        bootstrap(
            Command::new("npm")
                .args(["ci", "--no-audit", "--no-fund"])
                .current_dir(manifest_dir().join("tests/sdk")),
        );
    }
    let installed = marker.exists();
    assert!(
        installed,
        "twilio-node is not installed: run\n  (cd tests/sdk && npm ci)\n\
         (as .ci/run does), or set CONVSMS_SKIP_SDK_TESTS=1"
    );
    run_sdk_script("node", Path::new("node"), "sdk_node.js");
}

#[test]
fn sim_validates_its_options_reads_the_environment_and_stops_on_ctrl_c() {
    let refused = |args: &[&str], what: &str| {
        let out = convsms().arg("sim").args(args).output().expect("run sim");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(what), "{args:?}: {stderr}");
    };
    refused(
        &["--account-sid", "AC123"],
        "AC followed by 32 hexadecimal digits",
    );
    refused(&["--number", "4155550100"], "not an E.164 number");
    refused(
        &["--number", "+1 415 555 0100"],
        "did you mean +14155550100?",
    );
    refused(&["--number", "+6512"], "not a valid phone number");
    refused(&["--sms-url", "ftp://x.test/sms"], "not an http(s) URL");
    refused(&["--auth-token", ""], "auth token is empty");

    // The credentials come from the environment when the flags are absent.
    let mut cmd = convsms();
    cmd.args(["sim", "--port", "0"])
        .env("TWILIO_ACCOUNT_SID", "ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")
        .env("TWILIO_AUTH_TOKEN", "from-the-environment");
    let sim = Sim::start(cmd);
    let banner = sim.wait_output("Ctrl-C");
    assert!(
        banner.contains("account SID  ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"),
        "{banner}"
    );
    assert!(
        banner.contains("auth token   from-the-environment"),
        "{banner}"
    );
    assert!(banner.contains("numbers      +14155550100"), "{banner}");
    assert!(
        banner.contains(&format!(
            "{}/2010-04-01/Accounts/ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/Messages.json",
            sim.base_url
        )),
        "{banner}"
    );

    // A taken port is a clear error, exit status 2 (the server cannot start).
    let port = sim.base_url.rsplit(':').next().unwrap().to_owned();
    let out = convsms()
        .args(["sim", "--port", &port])
        .output()
        .expect("run sim");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains(&format!("cannot listen on 127.0.0.1:{port}")),
        "{stderr}"
    );

    // Ctrl-C (SIGINT) stops it gracefully with status 0.
    let mut sim = sim;
    let pid = sim.child.id().to_string();
    let kill = Command::new("kill")
        .args(["-INT", &pid])
        .status()
        .expect("kill");
    assert!(kill.success());
    let status = sim
        .child
        .wait_timeout(Duration::from_secs(10))
        .unwrap()
        .expect("convsms sim stops within 10 s of SIGINT");
    assert!(status.success(), "{status}");
}
