//! The `convsms` command: `check` runs Gherkin features against the engine and a simulated
//! Twilio, `steps` prints the step library, `validate-number` checks phone numbers, `sim` serves
//! the simulated Twilio on its own and `bench-sim` measures it.

mod bench_sim;
mod check;
mod sim_clock;
mod sim_cmd;

use std::io::{self, BufWriter, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use convsms::domain::phone::{self, Region};

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
    Check {
        /// Feature files or folders [default: features, or the --accept files].
        paths: Vec<PathBuf>,
        /// Cucumber tag expression, for example '@row:AGENT-1 or @row:AGENT-2'.
        #[arg(long)]
        tags: Option<String>,
        /// Write a JUnit XML report to FILE.
        #[arg(long, value_name = "FILE")]
        junit: Option<PathBuf>,
        /// Print the row-coverage table (every row of features/rows.tsv) after the report.
        #[arg(long)]
        coverage: bool,
        /// How many scenarios run at once.
        #[arg(long, default_value_t = 16)]
        concurrency: usize,
        /// Folder of transcript snapshots [default: snapshots/ of the project folder, the
        /// nearest folder above the first feature path with a features/ or topics/ folder].
        #[arg(long, value_name = "DIR")]
        snapshots: Option<PathBuf>,
        /// Folder of virtual-agent topics (*.toml) every scenario starts with [default: topics/
        /// of the project folder].
        #[arg(long, value_name = "DIR")]
        topics: Option<PathBuf>,
        /// Write the transcript snapshots of the scenarios of FILE (a feature file or folder)
        /// instead of comparing them; review the .snap diff before committing. Repeatable.
        #[arg(long, value_name = "FILE")]
        accept: Vec<PathBuf>,
        /// Fail a scenario that leaves a refusal unchecked (on when the environment variable
        /// CI is true).
        #[arg(long)]
        strict: bool,
    },
    /// Prints every step of the step library with an example.
    Steps,
    /// Validates a phone number (or one per line from stdin with '-') and prints JSON.
    ValidateNumber {
        /// ISO 3166-1 alpha-2 region for national numbers, for example GB.
        #[arg(long)]
        region: Option<String>,
        /// The number, or '-' to read one number per line from stdin.
        number: String,
    },
    /// Serves the simulated Twilio on 127.0.0.1 until Ctrl-C; prints its base URL first.
    Sim(sim_cmd::SimArgs),
    /// Measures the simulated Twilio's POST Messages.json in-process (req/s, latency, memory).
    BenchSim(bench_sim::BenchArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Check {
            paths,
            tags,
            junit,
            coverage,
            concurrency,
            snapshots,
            topics,
            accept,
            strict,
        } => {
            let rt = tokio::runtime::Builder::new_multi_thread()
                .enable_all()
                .build()
                .expect("tokio runtime");
            let opts = check::CheckOptions {
                paths,
                tags,
                junit,
                coverage,
                concurrency,
                snapshots,
                topics,
                accept,
                strict: strict || check::ci(),
            };
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
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("convsms steps: {e}");
                    ExitCode::FAILURE
                }
            }
        }
        Command::ValidateNumber { region, number } => {
            let region = match region.as_deref().map(Region::parse).transpose() {
                Ok(r) => r,
                Err(e) => {
                    eprintln!("convsms validate-number: {e}");
                    return ExitCode::from(2);
                }
            };
            let stdout = io::stdout().lock();
            let result = if number == "-" {
                phone::validate_lines(io::stdin().lock(), stdout, region).map(|_| ())
            } else {
                let mut out = stdout;
                writeln!(out, "{}", phone::validation_json(&number, region))
            };
            match result {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("convsms validate-number: {e}");
                    ExitCode::FAILURE
                }
            }
        }
        Command::Sim(args) => sim_cmd::run(args),
        Command::BenchSim(args) => bench_sim::run(args),
    }
}
