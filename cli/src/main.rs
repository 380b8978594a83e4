//! The `convsms` command: `check` runs Gherkin features against the engine and a simulated
//! Twilio, `steps` prints the step library, `validate-number` checks phone numbers, `sim` serves
//! the simulated Twilio on its own, `serve` runs the engine by hand on a SQLite file, `soak`
//! drives seeded traffic and checks invariants (`soak merge` combines shards), `bench-sim`
//! measures the simulator and `bench engine` the engine's inbound path.
//!
//! Its modules, by command: `check` (`check` and `steps`: the runner, the World, the step
//! library and the reports), `serve`, `soak`, `sim_cmd` (`sim`) with `sim_seed` (its
//! `--seed-file`), `bench_sim` (`bench-sim`), `bench_engine` (`bench engine`), and
//! `validate-number` in this file; shared by several: `outputs` (the files a command writes
//! when it ends, checked before it starts), `partition` (`--partition I/N`) and `sim_clock`
//! (one clock for the engine and the simulator).

mod bench_engine;
mod bench_sim;
mod check;
mod outputs;
mod partition;
mod serve;
mod sim_clock;
mod sim_cmd;
mod sim_seed;
mod soak;

use std::ffi::OsStr;
use std::io::{self, BufWriter, IsTerminal as _, Write};
use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// mimalloc instead of glibc's allocator. Measured with `convsms bench-sim --baseline --fill
/// 100000 --list-every 1s` (16 connections, a full retention window, the delivery lifecycle
/// on): with glibc the simulator did 0.57 of the bare axum handler's requests per second with a
/// p99 of 4.7 ms, most of the gap in malloc and free of the messages' small strings (a full
/// window frees one message per create); with mimalloc 0.73 and 1.0 ms. The memory a
/// `/_sim/reset` frees goes back to the system as the server's threads go on working.
///
/// With mimalloc's `override` feature the C code linked in (SQLite) allocates through it as
/// well, instead of glibc's `malloc`: `convsms soak --conversations 10000 --messages 15000`
/// paired against the same build without it, 0.957x the wall time (median of 5).
///
/// Built with libmimalloc-sys's `no_thp` (cli/Cargo.toml): mimalloc then does not
/// `madvise(MADV_HUGEPAGE)` its arenas. With it, every page mimalloc purged (a second after
/// it was last used) and used again came back as a 2 MiB transparent huge page the kernel
/// zeroes whole: `perf` put the kernel's `clear_page_erms` under mimalloc's fresh pages at 12%
/// of a soak's samples (`convsms soak --conversations 10000 --messages 10000`: 2,538 page
/// faults, about 5 GB zeroed, where 4 KiB pages took 28,913 faults, 113 MB). Paired with
/// `farm-bench` (`--messages 20000 --db`, 5 pairs): 0.83x the wall time, 0.23x the system
/// time, peak 193 MiB against 226 MiB; at 100,000 messages (2 pairs) 0.97x, 297 MiB against
/// 330 MiB. The feature only stops mimalloc's `madvise`: it is
/// what counts where transparent huge pages are `madvise` (this machine's setting); where
/// they are `always`, the kernel still hands out 2 MiB pages, and
/// `MIMALLOC_ALLOW_THP=0` in the environment turns them off for the process.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
use convsms::domain::phone::{self, Region};
use convsms::engine::DEFAULT_REGION_CODE;

/// Offline simulator and conformance harness for ServiceNow Conversational SMS over Twilio.
#[derive(Debug, Parser)]
#[command(name = "convsms", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Runs .feature files (default: features/) and prints a cucumber report.
    Check(check::CheckOptions),
    /// Prints every step of the step library with an example.
    Steps,
    /// Validates a phone number (or one per line from stdin with '-') and prints one JSON object
    /// per number. Exits 0 when every number is valid, 1 when any is not (unless --exit-zero),
    /// 2 on a usage or I/O error.
    ValidateNumber {
        /// ISO 3166-1 alpha-2 region national numbers are read in, for example GB; default: the
        /// engine's default region (glide.phone_number.default_region), US.
        #[arg(long)]
        region: Option<String>,
        /// Exit 0 even when some numbers are invalid (for pipelines that read the JSON).
        #[arg(long)]
        exit_zero: bool,
        /// The number, or '-' to read one number per line from stdin.
        number: String,
    },
    /// Serves the simulated Twilio on 127.0.0.1 until Ctrl-C; prints its base URL first.
    Sim(sim_cmd::SimArgs),
    /// Serves the engine, the simulated Twilio and the virtual agent on a SQLite file, with a JSON
    /// API to drive them by hand and export what happened as a feature; prints its base URL first.
    Serve(serve::ServeArgs),
    /// Drives seeded fake traffic through the engine and the simulated Twilio on a virtual
    /// clock, checking invariants all along; exits 0 when every one held, 1 when one broke.
    ///
    /// Exits 2 when it could not run, or ran no traffic (a `--duration` too short for any
    /// message). It logs errors only (`RUST_LOG=warn` shows the engine's warnings, most of them
    /// the faults it injects on purpose).
    Soak(soak::SoakArgs),
    /// Measures the simulated Twilio's POST Messages.json in-process (req/s, latency, memory).
    BenchSim(bench_sim::BenchArgs),
    /// Benchmarks of the engine itself.
    #[command(subcommand)]
    Bench(Bench),
}

#[derive(Debug, Subcommand)]
enum Bench {
    /// Measures the engine's inbound path (webhook form, signature, profile match, SQLite file in
    /// WAL, replies handed to an in-memory provider): inbound messages per second.
    Engine(bench_engine::BenchEngineArgs),
}

/// Whether log lines on stderr carry ANSI colours: only when stderr is a terminal, and not when
/// `NO_COLOR` is set to a non-empty value (<https://no-color.org>). A pipe or a file gets plain
/// text.
fn log_colours(stderr_is_terminal: bool, no_color: Option<&OsStr>) -> bool {
    stderr_is_terminal && no_color.is_none_or(OsStr::is_empty)
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    // Logs (the engine's and the simulator's) go to stderr; `RUST_LOG=convsms=debug` shows every
    // send, retry and status move, `RUST_LOG=info` the conversations. Default: warnings only.
    // Coloured only on a terminal, and never with NO_COLOR set. A soak logs errors only by
    // default: the warnings its injected faults draw from the engine (a lost answer it cannot
    // confirm yet, a retry) are what it injects on purpose, counted in its summary.
    let default_filter = match cli.command {
        Command::Soak(_) => "error",
        _ => "warn",
    };
    let _ = tracing_subscriber::fmt()
        .with_writer(io::stderr)
        .with_ansi(log_colours(
            io::stderr().is_terminal(),
            std::env::var_os("NO_COLOR").as_deref(),
        ))
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default_filter)),
        )
        .try_init();
    match cli.command {
        Command::Check(mut opts) => {
            let rt = tokio::runtime::Builder::new_multi_thread()
                .enable_all()
                .build()
                .expect("tokio runtime");
            opts.strict = opts.strict || check::ci();
            match rt.block_on(check::run(opts)) {
                Ok(true) => ExitCode::SUCCESS,
                Ok(false) => ExitCode::FAILURE,
                Err(e) => {
                    eprintln!("convsms check: {e}");
                    ExitCode::from(2)
                }
            }
        }
        Command::Steps => {
            let mut out = BufWriter::new(io::stdout().lock());
            match check::print_steps(&mut out).and_then(|()| out.flush()) {
                // `convsms steps | head`: the reader has what it wanted.
                Ok(()) => ExitCode::SUCCESS,
                Err(e) if e.kind() == io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("convsms steps: {e}");
                    ExitCode::FAILURE
                }
            }
        }
        Command::ValidateNumber {
            region,
            exit_zero,
            number,
        } => {
            let region = region.as_deref().unwrap_or(DEFAULT_REGION_CODE);
            let region = match Region::parse(region) {
                Ok(r) => r,
                Err(e) => {
                    eprintln!("convsms validate-number: --region: {e}");
                    return ExitCode::from(2);
                }
            };
            let stdout = io::stdout().lock();
            let result = if number == "-" {
                phone::validate_lines(io::stdin().lock(), stdout, Some(region))
            } else {
                let mut out = stdout;
                let verdict = phone::validation_json(&number, Some(region));
                let invalid = u64::from(verdict["valid"] != true);
                writeln!(out, "{verdict}").map(|()| phone::Tally { lines: 1, invalid })
            };
            if let Ok(phone::Tally { lines: 0, .. }) = result {
                eprintln!("convsms validate-number: stdin held no line: no number was validated");
            }
            match result {
                Ok(t) if t.invalid == 0 || exit_zero => ExitCode::SUCCESS,
                Ok(t) => {
                    eprintln!(
                        "convsms validate-number: {} of {} number{} {} not valid (--exit-zero to \
                         exit 0 anyway)",
                        t.invalid,
                        t.lines,
                        if t.lines == 1 { "" } else { "s" },
                        if t.invalid == 1 { "is" } else { "are" },
                    );
                    ExitCode::FAILURE
                }
                // `convsms validate-number - < numbers.txt | head`: the reader has what it wanted.
                Err(e) if e.kind() == io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
                Err(e) if number == "-" => {
                    eprintln!("convsms validate-number: reading the numbers from stdin: {e}");
                    ExitCode::from(2)
                }
                Err(e) => {
                    eprintln!("convsms validate-number: {e}");
                    ExitCode::from(2)
                }
            }
        }
        Command::Sim(args) => sim_cmd::run(args),
        Command::Serve(args) => serve::run(args),
        Command::BenchSim(args) => bench_sim::run(args),
        Command::Bench(Bench::Engine(args)) => bench_engine::run(args),
        Command::Soak(args) => soak::run(args),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn logs_are_coloured_only_on_a_terminal_without_no_color() {
        assert!(log_colours(true, None));
        assert!(log_colours(true, Some(OsStr::new(""))));
        assert!(!log_colours(true, Some(OsStr::new("1"))));
        assert!(!log_colours(false, None));
        assert!(!log_colours(false, Some(OsStr::new("1"))));
    }
}
