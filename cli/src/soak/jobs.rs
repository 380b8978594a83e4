//! `convsms soak --jobs N`: one run as N `--partition` shards at once, one thread each (its own
//! runtime, stack and database), whose reports are combined as `convsms soak merge` combines
//! theirs. A machine's cores do what N CI runners would.
//!
//! The outcome is that of `--partition 1/N` ... `N/N` run one by one and merged: the same seed
//! and `--jobs` give the same report (the shards do not share anything but the seed). With
//! `--db FILE`, shard k keeps its database in FILE with `.k` before the extension (`big.db`:
//! `big.1.db`, `big.2.db`). A shard that breaks an invariant is printed and shrunk as a whole run
//! is (the first such shard's is the one shrunk into `soak-failure-<seed>.feature`; the others
//! are printed with the `--partition` that reruns them); the run then exits 1.

use std::io::{self, Write as _};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use super::progress::{Progress, ProgressGroup};
use super::report::{Report, Wall};
use super::{merge, print_violation, shrink, soak_with, Outcome, SoakArgs};
use crate::partition::Partition;

/// Runs `convsms soak --jobs N` (N ≥ 2) and prints what it found, with `convsms soak`'s exit
/// codes: 0 when every invariant held in every shard, 1 when one broke, 2 when a shard could not
/// run (nothing is started when a shard's database file exists already).
pub fn run(args: &SoakArgs) -> ExitCode {
    match run_shards(args) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("convsms soak: {e:#}");
            ExitCode::from(2)
        }
    }
}

fn run_shards(args: &SoakArgs) -> anyhow::Result<ExitCode> {
    let (done, report) = soak_jobs(args, &ProgressGroup::stderr())?;
    let mut out = io::stdout().lock();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let mut shrunk = false;
    for (a, outcome) in &done {
        if let Some((v, at, transcript)) = &outcome.violation {
            let shard = a.partition.map(|p| p.to_string()).unwrap_or_default();
            let _ = writeln!(out, "shard {shard}:");
            let _ = print_violation(
                &mut out,
                args.seed,
                args.check_every,
                v,
                *at,
                transcript.as_deref(),
            );
            if shrunk {
                // One feature per seed: the first shard's. This one reproduces on its own.
                let _ = writeln!(
                    out,
                    "(not shrunk: the feature is the first shard's; `--partition {shard}` with the same options reruns this shard alone)"
                );
            } else if a.shrink_trials > 0 {
                shrunk = true;
                match rt.block_on(shrink::write_failure(a, outcome)) {
                    Ok(written) => {
                        let _ = written.print(&mut out);
                    }
                    Err(e) => eprintln!("convsms soak: shrinking the failure: {e:#}"),
                }
            }
        }
    }
    let _ = report.print(&mut out);
    report.save(args.json.as_deref(), args.html.as_deref())?;
    Ok(super::verdict(&report))
}

/// Runs the shards of `args` at once (one thread each, bars in `group`) and merges their reports
/// (`wall`: the whole run's). Returns each shard's arguments and outcome, in shard order, and the
/// merged report.
///
/// # Errors
/// [`shard_args`]'s; a shard that could not run (named); reports that do not merge (a bug).
pub fn soak_jobs(
    args: &SoakArgs,
    group: &ProgressGroup,
) -> anyhow::Result<(Vec<(SoakArgs, Outcome)>, Report)> {
    let started = Instant::now();
    let shards = shard_args(args)?;
    let outcomes: Vec<anyhow::Result<Outcome>> = std::thread::scope(|scope| {
        let running: Vec<_> = shards
            .iter()
            .map(|a| {
                let progress = group.bar(super::progress_goal(a), a.partition);
                scope.spawn(move || run_one(a, progress))
            })
            .collect();
        running
            .into_iter()
            .map(|h| {
                h.join()
                    .unwrap_or_else(|_| Err(anyhow::anyhow!("its thread panicked")))
            })
            .collect()
    });
    let mut done = vec![];
    for (a, outcome) in shards.into_iter().zip(outcomes) {
        let shard = a.partition.map(|p| p.to_string()).unwrap_or_default();
        let outcome = outcome.map_err(|e| e.context(format!("shard {shard}")))?;
        done.push((a, outcome));
    }
    let reports: Vec<(PathBuf, Report)> = done
        .iter()
        .map(|(a, o)| {
            let name = a
                .partition
                .map(|p| format!("shard {p}"))
                .unwrap_or_default();
            (PathBuf::from(name), o.report.clone())
        })
        .collect();
    let mut report = merge::merge(&reports)?;
    let seconds = started.elapsed().as_secs_f64();
    // The shards ran side by side: their activities' seconds add up to more than the run's.
    let by_activity = Wall::activities_of(done.iter().map(|(_, o)| &o.report.wall));
    report.wall = Wall::new(seconds, report.messages(), by_activity);
    Ok((done, report))
}

/// The shards' arguments: `--partition k/N` and shard k's `--db`, no `--json` or `--html` (the
/// merged report is written instead).
///
/// # Errors
/// `--jobs` is 0, or a shard's database file exists already (named).
pub fn shard_args(args: &SoakArgs) -> anyhow::Result<Vec<SoakArgs>> {
    anyhow::ensure!(args.jobs >= 1, "--jobs 0: give at least 1");
    let mut shards = vec![];
    for k in 1..=args.jobs {
        let mut a = args.clone();
        a.jobs = 1;
        a.json = None;
        a.html = None;
        a.partition = Some(Partition::new(k, args.jobs).map_err(anyhow::Error::msg)?);
        if let Some(db) = &args.db {
            let path = shard_db(db, k);
            anyhow::ensure!(
                !path.exists(),
                "--db {}: shard {k}'s database {} exists; the soak needs fresh databases (remove it, or name another --db)",
                db.display(),
                path.display()
            );
            a.db = Some(path);
        }
        shards.push(a);
    }
    Ok(shards)
}

/// Shard `k`'s database: `db` with `.k` before its extension (`big.db` → `big.2.db`; `big` →
/// `big.2`).
pub fn shard_db(db: &Path, k: usize) -> PathBuf {
    let stem = db.file_stem().unwrap_or_default().to_string_lossy();
    let name = match db.extension() {
        Some(ext) => format!("{stem}.{k}.{}", ext.to_string_lossy()),
        None => format!("{stem}.{k}"),
    };
    db.with_file_name(name)
}

/// One shard on this thread, on its own current-thread runtime.
fn run_one(args: &SoakArgs, progress: Progress) -> anyhow::Result<Outcome> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    rt.block_on(soak_with(args, progress))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::soak::merge::tests::small;
    use crate::soak::soak;

    /// `--jobs 2` is `--partition 1/2` and `2/2` run one by one and merged: the same report but
    /// the wall figures, every invariant checked in both shards; `--jobs 1` is a plain run.
    #[tokio::test(flavor = "current_thread")]
    async fn two_jobs_are_the_two_shards_merged() {
        let extra = ["--seed", "5", "--faults", "heavy"];
        let (done, jobs) = soak_jobs(
            &small(&[&extra[..], &["--jobs", "2"]].concat()),
            &ProgressGroup::hidden(),
        )
        .unwrap();
        assert_eq!(done.len(), 2);
        let mut one_by_one = vec![];
        for shard in ["1/2", "2/2"] {
            let outcome = soak(&small(&[&extra[..], &["--partition", shard]].concat()))
                .await
                .unwrap();
            one_by_one.push((PathBuf::from(shard), outcome.report));
        }
        let merged = merge::merge(&one_by_one).unwrap();
        let without_wall = |r: &Report| {
            let mut v = r.to_json();
            v.as_object_mut().unwrap().remove("wall");
            v
        };
        assert_eq!(without_wall(&jobs), without_wall(&merged));
        assert!(jobs.passed);
        assert_eq!(jobs.inbound, 150);
        assert!(jobs.checks.values().all(|&n| n > 0), "{:?}", jobs.checks);
        let whole = soak(&small(&extra)).await.unwrap().report;
        assert_eq!(whole.shards, vec![], "a one-job run is no shard");
    }

    #[test]
    fn an_existing_shard_database_is_refused_before_any_shard_starts() {
        let dir = std::env::temp_dir().join(format!("convsms-jobs-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("big.2.db"), "").unwrap();
        let db = dir.join("big.db");
        let args = small(&["--jobs", "2", "--db", db.to_str().unwrap()]);
        let e = soak_jobs(&args, &ProgressGroup::hidden()).unwrap_err();
        assert!(format!("{e:#}").contains("big.2.db exists"), "{e:#}");
        assert!(!dir.join("big.1.db").exists(), "shard 1 was not started");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn shard_databases_are_named_after_the_file() {
        assert_eq!(
            shard_db(Path::new("runs/big.db"), 2),
            PathBuf::from("runs/big.2.db")
        );
        assert_eq!(shard_db(Path::new("big"), 1), PathBuf::from("big.1"));
    }
}
