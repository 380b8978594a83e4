//! `convsms soak merge a.json b.json ...`: the `--json` reports of a `--partition`ed soak's
//! shards, combined into the report of the whole run.
//!
//! The shards must share the seed and every option but `--partition`, the shard count and the
//! virtual start, and be distinct shards; anything else is refused with the file and the
//! difference named (exit 2), as is a set with a shard missing unless `--allow-missing`.
//! Counts, invariant checks, messages per hour, agent slot-seconds,
//! the delivery mix and the faults are added; the duration histograms are merged from their
//! buckets (so the percentiles are those of every shard's durations together); the virtual end
//! is the latest; the transcripts digest is the FNV-1a of the shards' digests in shard order; the
//! run passed when every shard did.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context as _;
use clap::Args;

use super::report::{Fnv, Report, Wall};
use crate::partition::Partition;

/// `convsms soak merge`'s arguments.
#[derive(Clone, Debug, Args)]
pub struct MergeArgs {
    /// The shards' `convsms soak --partition I/N --json FILE` reports.
    #[arg(required = true, value_name = "REPORT")]
    pub reports: Vec<PathBuf>,
    /// Write the merged report as JSON to FILE.
    #[arg(long, value_name = "FILE")]
    pub json: Option<PathBuf>,
    /// Write the merged report as a self-contained HTML page with charts to FILE.
    #[arg(long, value_name = "FILE")]
    pub html: Option<PathBuf>,
    /// Merge even when some shards' reports are missing (the report then covers part of the
    /// population, and says so); without it a missing shard is refused.
    #[arg(long)]
    pub allow_missing: bool,
}

/// Runs `convsms soak merge`: prints the merged summary table and writes the files asked for;
/// 0 when every shard passed, 1 when one did not, 2 when the reports cannot be read or merged
/// or hold no inbound message at all (as [`super::verdict`] says of a soak).
pub fn run(args: &MergeArgs) -> ExitCode {
    let inputs: Vec<(&str, &Path)> = args
        .reports
        .iter()
        .map(|r| ("a report", r.as_path()))
        .collect();
    if let Err(e) = super::check_outputs(args.json.as_deref(), args.html.as_deref(), &inputs) {
        eprintln!("convsms soak merge: {e}");
        return ExitCode::from(2);
    }
    let (shards, report) = match read_all(&args.reports).and_then(|r| Ok((merge(&r)?, r))) {
        Ok((report, shards)) => (shards, report),
        Err(e) => {
            eprintln!("convsms soak merge: {e:#}");
            return ExitCode::from(2);
        }
    };
    // As `--jobs` does: which shard broke what, not only that the merged run failed.
    for (path, r) in &shards {
        if let Some(v) = &r.violation {
            let shard = r.shards.first().map_or("?".to_owned(), ToString::to_string);
            eprintln!(
                "convsms soak merge: shard {shard} ({}): {v}",
                path.display()
            );
        }
    }
    if let Some(total) = report.shards.first().map(|p| p.total()) {
        if report.shards.len() < total {
            let missing: Vec<String> = (1..=total)
                .filter(|i| !report.shards.iter().any(|p| p.index() == *i))
                .map(|i| format!("{i}/{total}"))
                .collect();
            // A merge of some shards must not read as the whole run passing.
            if !args.allow_missing {
                eprintln!(
                    "convsms soak merge: shards {} missing: give every shard's report, or \
                     --allow-missing for a report of part of the population",
                    missing.join(" ")
                );
                return ExitCode::from(2);
            }
            eprintln!(
                "convsms soak merge: shards {} missing: the report covers part of the population",
                missing.join(" ")
            );
        }
    }
    let _ = report.print(&mut std::io::stdout().lock());
    if let Err(e) = report.save(args.json.as_deref(), args.html.as_deref()) {
        eprintln!("convsms soak merge: {e:#}");
        return ExitCode::from(2);
    }
    super::verdict(&report)
}

/// Reads `--json` reports, each with its path.
///
/// # Errors
/// A file cannot be read or is not a soak report (the path is named).
pub fn read_all(paths: &[PathBuf]) -> anyhow::Result<Vec<(PathBuf, Report)>> {
    paths
        .iter()
        .map(|p| {
            let text =
                std::fs::read_to_string(p).with_context(|| format!("reading {}", p.display()))?;
            let report = serde_json::from_str(&text).with_context(|| {
                format!("{} is not a `convsms soak --json` report", p.display())
            })?;
            Ok((p.clone(), report))
        })
        .collect()
}

/// The shards' reports (each with the path it came from, for messages) as one report.
///
/// # Errors
/// No report; a report that is not a shard; shards of different seeds, options, shard counts or
/// virtual starts; the same shard twice. Each message names the files and the difference.
pub fn merge(reports: &[(PathBuf, Report)]) -> anyhow::Result<Report> {
    let Some((first_path, first)) = reports.first() else {
        anyhow::bail!("no report to merge");
    };
    let shard = |path: &Path, r: &Report| match (r.options.partition, r.shards.as_slice()) {
        (Some(p), [only]) if *only == p => Ok(p),
        _ => Err(anyhow::anyhow!(
            "{} is not the report of one shard (run `convsms soak --partition I/N --json FILE`)",
            path.display()
        )),
    };
    let total = shard(first_path, first)?.total();
    let mut options = first.options.clone();
    options.partition = None;
    let mut shards: Vec<(Partition, &PathBuf)> = vec![];
    for (path, r) in reports {
        let p = shard(path, r)?;
        let mut o = r.options.clone();
        o.partition = None;
        if o != options {
            let a = serde_json::to_value(&options)?;
            let b = serde_json::to_value(&o)?;
            // Every key of either: one only a shard run with a defect has is a difference too.
            let keys: std::collections::BTreeSet<&String> = [&a, &b]
                .into_iter()
                .filter_map(|v| v.as_object())
                .flat_map(|o| o.keys())
                .collect();
            let differ: Vec<String> = keys
                .into_iter()
                .filter(|k| a.get(k.as_str()) != b.get(k.as_str()))
                .map(|k| {
                    let shown = |v: &serde_json::Value| match v.get(k.as_str()) {
                        Some(x) => x.to_string(),
                        None => "none".to_owned(),
                    };
                    format!(
                        "{k} {} in {}, {} in {}",
                        shown(&a),
                        first_path.display(),
                        shown(&b),
                        path.display()
                    )
                })
                .collect();
            anyhow::bail!(
                "the reports were not run with the same options (only --partition may differ): {}",
                differ.join("; ")
            );
        }
        anyhow::ensure!(
            p.total() == total,
            "{} is shard {p} but {} is of {total} shards: merge shards of one split",
            path.display(),
            first_path.display()
        );
        anyhow::ensure!(
            r.virtual_start == first.virtual_start,
            "{} starts at virtual time {} but {} at {}: not the same soak",
            path.display(),
            r.virtual_start,
            first_path.display(),
            first.virtual_start
        );
        if let Some((_, earlier)) = shards.iter().find(|(q, _)| *q == p) {
            anyhow::bail!(
                "shard {p} is given twice: {} and {}",
                earlier.display(),
                path.display()
            );
        }
        shards.push((p, path));
    }
    let mut sorted: Vec<&Report> = reports.iter().map(|(_, r)| r).collect();
    sorted.sort_by_key(|r| r.shards[0]);
    let mut shards: Vec<Partition> = shards.into_iter().map(|(p, _)| p).collect();
    shards.sort();
    let sum = |f: fn(&Report) -> u64| sorted.iter().map(|r| f(r)).sum::<u64>();
    let mut digest = Fnv::default();
    let mut checks = std::collections::BTreeMap::new();
    let mut examined = std::collections::BTreeMap::new();
    let mut metrics = super::metrics::Summary::default();
    let mut violations = vec![];
    for r in &sorted {
        digest.feed(r.transcripts_digest.as_bytes());
        for (name, n) in &r.checks {
            *checks.entry(name.clone()).or_insert(0) += n;
        }
        for (name, n) in &r.examined {
            *examined.entry(name.clone()).or_insert(0) += n;
        }
        // Each shard ran agents of its own under the same names: keep them apart.
        let mut shard_metrics = r.metrics.clone();
        shard_metrics.agents = std::mem::take(&mut shard_metrics.agents)
            .into_iter()
            .map(|(name, a)| (format!("{name} (shard {})", r.shards[0]), a))
            .collect();
        metrics = metrics.merge(&shard_metrics);
        if let Some(v) = &r.violation {
            violations.push(format!("shard {}: {v}", r.shards[0]));
        }
    }
    let latest = sorted
        .iter()
        .max_by_key(|r| r.virtual_seconds)
        .map_or(first, |r| *r);
    let mut merged = Report {
        options,
        shards,
        passed: sorted.iter().all(|r| r.passed),
        violation: (!violations.is_empty()).then(|| violations.join("; ")),
        broken: sorted.iter().find_map(|r| r.broken.clone()),
        events: sum(|r| r.events),
        inbound: sum(|r| r.inbound),
        redelivered: sum(|r| r.redelivered),
        outbound: sum(|r| r.outbound),
        requesters: sum(|r| r.requesters),
        conversations: sum(|r| r.conversations),
        refused: sum(|r| r.refused),
        webhook_faults: sum(|r| r.webhook_faults),
        // Every shard drew the whole population: the same draws.
        invalid_number_draws: sorted
            .iter()
            .map(|r| r.invalid_number_draws)
            .max()
            .unwrap_or(0),
        virtual_start: first.virtual_start.clone(),
        virtual_end: latest.virtual_end.clone(),
        virtual_seconds: latest.virtual_seconds,
        transcripts_digest: digest.hex(),
        checks,
        examined,
        metrics,
        wall: Wall::default(),
    };
    // The shards' wall seconds added: what the run cost, not how long CI waited.
    let seconds: f64 = sorted.iter().map(|r| r.wall.seconds).sum();
    let by_activity = Wall::activities_of(sorted.iter().map(|r| &r.wall));
    merged.wall = Wall::new(seconds, merged.messages(), by_activity);
    merged.wall.shards_summed = true;
    Ok(merged)
}

#[cfg(test)]
pub(crate) mod tests {
    use clap::Parser;

    use super::*;
    use crate::soak::{soak, SoakArgs};

    #[derive(Parser)]
    struct Cli {
        #[command(flatten)]
        args: SoakArgs,
    }

    /// A small soak's arguments (`--conversations 30 --messages 150 --agents 4
    /// --check-every 25`), then `extra`; the rest are the command line's defaults.
    pub(crate) fn small(extra: &[&str]) -> SoakArgs {
        let base = [
            "soak",
            "--conversations",
            "30",
            "--messages",
            "150",
            "--agents",
            "4",
            "--check-every",
            "25",
        ];
        Cli::parse_from(base.iter().chain(extra)).args
    }

    /// The report of a soak as `--json` writes it and `merge` reads it back.
    async fn shard(extra: &[&str]) -> Report {
        let outcome = soak(&small(extra)).await.unwrap();
        assert!(outcome.violation.is_none(), "{:?}", outcome.violation);
        serde_json::from_value(outcome.report.to_json()).unwrap()
    }

    /// A shard's report as builds before `requesters`, `options.check_every` and a `null`
    /// `options.messages` wrote it still reads, with those at their defaults.
    #[tokio::test(flavor = "current_thread")]
    async fn a_report_of_an_older_build_still_reads() {
        let new = shard(&["--seed", "5", "--partition", "1/2"]).await;
        let mut old = new.to_json();
        old.as_object_mut().unwrap().remove("requesters");
        let options = old["options"].as_object_mut().unwrap();
        options.remove("check_every");
        options.insert("messages".into(), 150.into());
        let read: Report = serde_json::from_value(old).unwrap();
        assert_eq!(read.requesters, 0);
        assert_eq!(read.options.check_every, None);
        assert_eq!(read.options.messages, Some(150));
        let mut table = vec![];
        read.print(&mut table).unwrap();
        let table = String::from_utf8(table).unwrap();
        assert!(
            table.contains(", 30 requesters, 4 agents"),
            "--conversations stands in: {table}"
        );
    }

    #[tokio::test(flavor = "current_thread")]
    async fn two_shards_merge_into_their_sums_and_other_options_are_refused() {
        let a = shard(&["--seed", "5", "--partition", "1/2", "--faults", "heavy"]).await;
        let b = shard(&["--seed", "5", "--partition", "2/2", "--faults", "heavy"]).await;
        assert_eq!(
            (a.inbound, b.inbound),
            (75, 75),
            "each shard sends its half"
        );
        let given = |r: &[(&str, &Report)]| -> Vec<(PathBuf, Report)> {
            r.iter()
                .map(|(p, r)| (PathBuf::from(p), (*r).clone()))
                .collect()
        };
        // Given in either order, the merge is the same.
        let m = merge(&given(&[("b.json", &b), ("a.json", &a)])).unwrap();
        let again = merge(&given(&[("a.json", &a), ("b.json", &b)])).unwrap();
        assert_eq!(
            serde_json::to_value(&m.metrics).unwrap(),
            serde_json::to_value(&again.metrics).unwrap()
        );
        assert_eq!(m.transcripts_digest, again.transcripts_digest);
        assert!(m.passed);
        assert_eq!(m.shards.len(), 2);
        assert_eq!(m.options.partition, None);
        assert_eq!(m.inbound, 150);
        assert_eq!(m.requesters, a.requesters + b.requesters);
        assert_eq!(m.requesters, 30);
        // Each shard's agents are people of their own: kept apart, all counted.
        let names: Vec<&str> = m.metrics.agents.keys().map(String::as_str).collect();
        assert_eq!(names.len(), a.metrics.agents.len() + b.metrics.agents.len());
        assert!(names.contains(&"agent01 (shard 1/2)") && names.contains(&"agent01 (shard 2/2)"));
        let mut table = vec![];
        m.print(&mut table).unwrap();
        let table = String::from_utf8(table).unwrap();
        assert!(
            table.contains(" interactions, 30 requesters, 8 agents (4 in each of 2 shards)\n"),
            "{table}"
        );
        for (merged, x, y) in [
            (m.outbound, a.outbound, b.outbound),
            (m.events, a.events, b.events),
            (m.conversations, a.conversations, b.conversations),
            (m.redelivered, a.redelivered, b.redelivered),
            (
                m.metrics.first_response.count,
                a.metrics.first_response.count,
                b.metrics.first_response.count,
            ),
            (
                m.metrics.queue_wait.count,
                a.metrics.queue_wait.count,
                b.metrics.queue_wait.count,
            ),
            (
                m.metrics.still_waiting.count,
                a.metrics.still_waiting.count,
                b.metrics.still_waiting.count,
            ),
            (
                m.metrics.hours.iter().map(|h| h.outbound).sum(),
                a.metrics.hours.iter().map(|h| h.outbound).sum(),
                b.metrics.hours.iter().map(|h| h.outbound).sum::<u64>(),
            ),
            (
                m.metrics.delivery.values().sum(),
                a.metrics.delivery.values().sum(),
                b.metrics.delivery.values().sum::<u64>(),
            ),
            (
                m.metrics.faults.injected.values().sum(),
                a.metrics.faults.injected.values().sum(),
                b.metrics.faults.injected.values().sum::<u64>(),
            ),
        ] {
            assert_eq!(merged, x + y);
        }
        assert!(a.metrics.first_response.count > 0, "agents answered");
        let api: u64 = (m.metrics.faults.injected.iter())
            .filter(|(k, _)| k.starts_with("api_"))
            .map(|(_, n)| n)
            .sum();
        assert!(api > 0, "heavy faults struck the create API");
        for (name, n) in &m.checks {
            assert_eq!(*n, a.checks[name] + b.checks[name], "{name}");
        }
        for (name, n) in &m.examined {
            assert_eq!(*n, a.examined[name] + b.examined[name], "{name}");
        }
        // Every inbound message the webhook acknowledged was looked at by invariant 1.
        assert!(
            a.examined["1 inbound-in-one-transcript-once"] >= a.inbound,
            "{:?}",
            a.examined
        );
        assert!(m.metrics.first_response.max >= a.metrics.first_response.max);
        assert_eq!(
            m.metrics.first_response.max,
            a.metrics
                .first_response
                .max
                .max(b.metrics.first_response.max)
        );

        // Another seed: refused, naming the option, its values and the files.
        let mut c = b.clone();
        c.options.seed = 6;
        let e = merge(&given(&[("a.json", &a), ("c.json", &c)]))
            .unwrap_err()
            .to_string();
        assert!(e.contains("seed 5 in a.json, 6 in c.json"), "{e}");
        assert!(e.contains("only --partition may differ"), "{e}");
        // Another rate of checks: refused too.
        let mut c = b.clone();
        c.options.check_every = Some(7);
        let e = merge(&given(&[("a.json", &a), ("c.json", &c)]))
            .unwrap_err()
            .to_string();
        assert!(e.contains("check_every 25 in a.json, 7 in c.json"), "{e}");
        // A shard run with an injected defect and one without: refused, the key only one has
        // named too.
        let mut c = b.clone();
        c.options.injected_defect = Some("duplicate-send".into());
        let e = merge(&given(&[("a.json", &a), ("c.json", &c)]))
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("injected_defect none in a.json, \"duplicate-send\" in c.json"),
            "{e}"
        );
        // A partial merge says which shard it lacks.
        let partial = merge(&given(&[("a.json", &a)])).unwrap();
        assert_eq!(partial.missing_shards(), ["2/2".parse().unwrap()]);
        let mut table = vec![];
        partial.print(&mut table).unwrap();
        let table = String::from_utf8(table).unwrap();
        assert!(
            table.contains("shards 1/2 merged, PARTIAL: shard 2/2 missing"),
            "{table}"
        );
        assert!(table.contains("wall time (the shards' added)"), "{table}");
        assert!(m.missing_shards().is_empty());
        // The same shard twice, shards of different splits, a whole run.
        let e = merge(&given(&[("a.json", &a), ("a2.json", &a)])).unwrap_err();
        assert!(
            e.to_string()
                .contains("shard 1/2 is given twice: a.json and a2.json"),
            "{e}"
        );
        let mut d = b.clone();
        d.options.partition = "2/3".parse().ok();
        d.shards = d.options.partition.into_iter().collect();
        let e = merge(&given(&[("a.json", &a), ("d.json", &d)])).unwrap_err();
        assert!(e.to_string().contains("d.json is shard 2/3"), "{e}");
        let mut whole = a.clone();
        whole.options.partition = None;
        whole.shards.clear();
        let e = merge(&given(&[("whole.json", &whole)])).unwrap_err();
        assert!(
            e.to_string()
                .contains("whole.json is not the report of one shard"),
            "{e}"
        );
    }
}
