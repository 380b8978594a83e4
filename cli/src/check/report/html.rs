//! The HTML report: one self-contained page (inline CSS, no script, nothing fetched) a QA lead can
//! open or attach to a CI run.
//!
//! It opens with the totals and the failures, then every feature with its scenarios (a failed
//! one open, a passed one folded): steps with their status, the failure message with its
//! snapshot diff coloured, and the transcript of each interaction as a conversation (who said
//! what, when, delivery status). The row-coverage table closes it. maud escapes every value it
//! interpolates; only the style sheet below goes in as it is.

use maud::{html, Markup, PreEscaped, DOCTYPE};

use convsms::domain::delivery::Direction;
use convsms::transcript::{Line, Transcript};

use super::coverage::Row;
use super::snapshot::DIFF_HEADER;
use super::{FeatureReport, Report, RunInfo, ScenarioReport, StepReport, StepStatus};
use crate::check::Coverage;

/// The HTML page of a run.
pub fn render(report: &Report, run: &RunInfo, coverage: &[Row]) -> String {
    let total = report.scenarios().count();
    let failed: Vec<(usize, &FeatureReport, &ScenarioReport)> = report
        .features
        .iter()
        .enumerate()
        .flat_map(|(i, f)| f.scenarios.iter().map(move |s| (i, f, s)))
        .filter(|(_, _, s)| !s.passed())
        .collect();
    let steps: usize = report.scenarios().map(|(_, s)| s.steps.len()).sum();
    let steps_passed = report
        .scenarios()
        .flat_map(|(_, s)| &s.steps)
        .filter(|s| s.status == StepStatus::Passed)
        .count();
    let ok = failed.is_empty() && report.parse_errors.is_empty() && total > 0;
    let when = report
        .started
        .map(|t| {
            chrono::DateTime::<chrono::Utc>::from(t)
                .format("%Y-%m-%d %H:%M:%S UTC")
                .to_string()
        })
        .unwrap_or_default();
    let paths: Vec<String> = run.paths.iter().map(|p| p.display().to_string()).collect();
    let page = html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { "convsms check — " (if ok { "passed" } else { "FAILED" }) }
                style { (PreEscaped(CSS)) }
            }
            body {
                header.top.ok[ok].bad[!ok] {
                    div.wrap {
                        h1 { "convsms check " span.verdict { (if ok { "passed" } else { "failed" }) } }
                        p.meta {
                            (when) " · " (paths.join(", "))
                            @if let Some(t) = &run.tags { " · tags " code { (t) } }
                            @if let Some(p) = &run.partition { " · partition " code { (p) } " (one shard of the suite)" }
                            " · " (format!("{:.2} s", report.duration().as_secs_f64()))
                        }
                        div.totals {
                            (total_card("features", report.features.len(), &[]))
                            (total_card("scenarios", total, &[
                                (total - failed.len(), "passed", "pass"),
                                (failed.len(), "failed", "fail"),
                            ]))
                            (total_card("steps", steps, &[
                                (steps_passed, "passed", "pass"),
                                (steps - steps_passed, "failed or not run", "fail"),
                            ]))
                            @if !coverage.is_empty() {
                                @let count = |k| coverage.iter().filter(|r| r.status == k).count();
                                (total_card("catalogue rows", coverage.len(), &[
                                    (count(Coverage::Passing), "passing", "pass"),
                                    (count(Coverage::Failing), "failing", "fail"),
                                    (count(Coverage::Covered), "not run", "other"),
                                    (count(Coverage::Uncovered), "uncovered", "other"),
                                ]))
                            }
                        }
                    }
                }
                main.wrap {
                    @if !report.parse_errors.is_empty() {
                        section.card.problems {
                            h2 { "Feature files that do not parse" }
                            @for e in &report.parse_errors { pre.message { (e) } }
                        }
                    }
                    @if !failed.is_empty() {
                        section.card.problems {
                            h2 { (failed.len()) " failed scenario" @if failed.len() != 1 { "s" } }
                            ul.failures {
                                @for (i, f, s) in &failed {
                                    li {
                                        a href=(format!("#{}", anchor(*i, s))) { (s.full_name()) }
                                        span.where { " — " (f.name) }
                                        @if let Some(fail) = s.failure() {
                                            div.why { span.kind { (fail.kind) } " " (fail.summary) }
                                        }
                                    }
                                }
                            }
                        }
                    }
                    @if !report.features.is_empty() {
                    nav.card.toc {
                        h2 { "Features" }
                        ul {
                            @for (i, f) in report.features.iter().enumerate() {
                                li {
                                    span.dot.ok[f.failed() == 0].bad[f.failed() > 0] {}
                                    a href=(format!("#f{i}")) { (f.name) }
                                    span.count {
                                        (f.scenarios.len() - f.failed()) " / " (f.scenarios.len()) " passed"
                                    }
                                }
                            }
                        }
                    }
                    }
                    @for (i, f) in report.features.iter().enumerate() {
                        (feature(i, f))
                    }
                    @if !coverage.is_empty() {
                        (coverage_table(report, coverage))
                    }
                }
                footer.wrap { "Generated by " code { "convsms check --html" } "." }
            }
        }
    };
    page.into_string()
}

/// A total in the header, with its parts that are not zero (`3 passed · 1 failed`).
fn total_card(what: &str, n: usize, parts: &[(usize, &str, &str)]) -> Markup {
    let parts: Vec<_> = parts.iter().filter(|p| p.0 > 0).collect();
    html! {
        div.total {
            div.n { (n) }
            div.what { (what) }
            @if !parts.is_empty() {
                div.split {
                    @for (i, (count, label, class)) in parts.iter().enumerate() {
                        @if i > 0 { " · " }
                        span class=(class) { (count) " " (label) }
                    }
                }
            }
        }
    }
}

fn anchor(feature: usize, s: &ScenarioReport) -> String {
    format!("f{feature}-l{}", s.line)
}

fn feature(i: usize, f: &FeatureReport) -> Markup {
    html! {
        section.feature id=(format!("f{i}")) {
            h2 {
                span.dot.ok[f.failed() == 0].bad[f.failed() > 0] {}
                (f.name)
            }
            p.path { code { (f.path) } (tags(&f.tags)) }
            @if let Some(d) = &f.description { p.description { (d) } }
            @for (s, name) in f.scenarios.iter().zip(f.test_names()) { (scenario(i, f, s, &name)) }
        }
    }
}

fn tags(tags: &[String]) -> Markup {
    html! { @for t in tags { " " span.tag { "@" (t) } } }
}

fn scenario(i: usize, f: &FeatureReport, s: &ScenarioReport, name: &str) -> Markup {
    let failure = s.failure();
    let passed = failure.is_none();
    let own_tags: Vec<String> = s
        .tags
        .iter()
        .filter(|t| !f.tags.contains(t))
        .cloned()
        .collect();
    html! {
        // A passed scenario with a refusal no step checked opens too: in strict mode (CI) it
        // is a failure, and otherwise it is what the reader must see.
        details.scenario.passed[passed].failed[!passed] id=(anchor(i, s))
            open[!passed || !s.unchecked.is_empty()] {
            summary {
                span.mark { (if passed { "✔" } else { "✘" }) }
                span.name { (name) }
                @if !s.unchecked.is_empty() {
                    span.badge.warn { (format!("⚠ {} unchecked refusal{}", s.unchecked.len(),
                        if s.unchecked.len() == 1 { "" } else { "s" })) }
                }
                (tags(&own_tags))
                span.time { (format!("{:.0} ms", s.duration().as_secs_f64() * 1e3)) }
            }
            div.body {
                p.path { code { (f.path) ":" (s.line) } " · " (s.keyword) }
                ol.steps {
                    @for st in &s.steps { (step(st)) }
                }
                @if let Some(fail) = &failure {
                    div.failure {
                        div.kind { (fail.kind) }
                        @if let Some((step, line)) = &fail.step {
                            div.step { (step) span.where { " at " (f.path) ":" (line) } }
                        }
                        (message(&fail.message))
                    }
                }
                @if !s.unchecked.is_empty() {
                    div.unchecked {
                        h3 { "Refusals no step checked" }
                        ul { @for r in &s.unchecked { li { (message(r)) } } }
                    }
                }
                @match &s.transcripts {
                    Ok(ts) => {
                        @if !ts.is_empty() {
                            h3 { "Transcript" @if ts.len() > 1 { "s" } " at the end of the scenario" }
                            @for t in ts { (transcript(t)) }
                        }
                    }
                    Err(e) => { p.muted { "The transcripts could not be read: " (e) } }
                }
            }
        }
    }
}

fn step(st: &StepReport) -> Markup {
    let (class, mark) = match &st.status {
        StepStatus::Passed => ("passed", "✔"),
        StepStatus::NotRun => ("notrun", "–"),
        StepStatus::Skipped => ("skipped", "?"),
        StepStatus::Undefined => ("undefined", "?"),
        StepStatus::Ambiguous(_) => ("failed", "✘"),
        StepStatus::Failed(_) => ("failed", "✘"),
    };
    html! {
        li class=(class) {
            span.mark title=(st.status.label()) { (mark) }
            span.kw { (st.keyword.trim()) } " " (st.text)
            @if st.background { span.bg { "background" } }
            @if !matches!(st.status, StepStatus::Passed | StepStatus::Failed(_) | StepStatus::NotRun) {
                span.label { (st.status.label()) }
            }
            @if let Some(d) = &st.docstring { pre.doc { (d.trim_start_matches('\n')) } }
            @if let Some(rows) = &st.table {
                table.data {
                    @for r in rows { tr { @for c in r { td { (c) } } } }
                }
            }
        }
    }
}

/// A failure message; the lines of a snapshot diff in it are coloured.
fn message(text: &str) -> Markup {
    let mut in_diff = false;
    html! {
        pre.message {
            @for line in text.lines() {
                @let class = {
                    if line.starts_with(DIFF_HEADER) { in_diff = true; }
                    else if in_diff && (line.is_empty() || line.starts_with("If the new transcript")) { in_diff = false; }
                    match (in_diff, line.chars().next()) {
                        (true, _) if line.starts_with("--- ") || line.starts_with("+++ ") => "hdr",
                        (true, _) if line.starts_with("@@") => "hunk",
                        (true, Some('+')) => "add",
                        (true, Some('-')) => "del",
                        (true, _) => "ctx",
                        (false, _) => "txt",
                    }
                };
                span class=(class) { (line) "\n" }
            }
        }
    }
}

fn transcript(t: &Transcript) -> Markup {
    html! {
        div.transcript {
            div.thead {
                strong { (t.number) }
                " · " (t.kind) " · requester " code { (t.requester_phone) }
                " ⇄ provider " code { (t.provider_phone) }
                " · opened for " (t.opened_for_table) " " strong { (t.opened_for) }
            }
            div.tmeta {
                span.state.closed[!t.active] { (t.state) } " "
                (if t.active { "active" } else { "closed" })
                " · assigned to " (t.assigned_to)
                " · live group: "
                @if t.live_group.is_empty() { "(none)" } @else { (t.live_group.join(", ")) }
            }
            div.chat {
                @for l in &t.lines { (bubble(l)) }
            }
        }
    }
}

fn bubble(l: &Line) -> Markup {
    let side = match l.direction {
        Direction::Inbound => "in",
        Direction::Outbound => "out",
        Direction::Internal => "internal",
    };
    let status = match l.status.as_str() {
        "delivered" | "read" | "received" => "good",
        "failed" | "undelivered" => "bad",
        "retrying" => "warn",
        _ => "plain",
    };
    let detail = l
        .status_detail
        .strip_prefix(l.status.as_str())
        .unwrap_or(&l.status_detail)
        .trim();
    html! {
        div class=(format!("msg {side}")) {
            div.who { "#" (l.seq) " · " strong { (l.who) } " " (l.arrow()) " · " (l.at.format("%Y-%m-%d %H:%M:%S")) }
            div.text { (l.body) }
            @for (ct, url) in &l.media { div.media { "📎 " (ct) " " code { (url) } } }
            div.status {
                span class=(format!("badge {status}")) { (l.status) }
                @if !detail.is_empty() { " " span.detail { (detail) } }
                @if let Some(c) = &l.cost { " · " (c) }
            }
        }
    }
}

fn coverage_table(report: &Report, rows: &[Row]) -> Markup {
    let count = |k| rows.iter().filter(|r| r.status == k).count();
    html! {
        section.card.coverage id="coverage" {
            h2 { "Row coverage" }
            p.muted {
                (count(Coverage::Passing)) " passing · "
                (count(Coverage::Failing)) " failing · "
                (count(Coverage::Covered)) " covered (not run) · "
                (count(Coverage::Uncovered)) " uncovered — every row of "
                (crate::check::rows::source()) " and the scenarios tagged " code { "@row:ID" } "."
            }
            table.rows {
                thead { tr { th { "row" } th { "status" } th { "statement" } th { "scenarios" } } }
                tbody {
                    @for r in rows {
                        @let tag = format!("row:{}", r.id);
                        @let class = match r.status {
                            Coverage::Passing => "good",
                            Coverage::Failing => "bad",
                            Coverage::Covered => "warn",
                            Coverage::Uncovered => "plain",
                        };
                        tr {
                            td.id { code { (r.id) } }
                            td { span class=(format!("badge {class}")) { (r.status.label()) } }
                            td { (r.statement) }
                            td.links {
                                @for (i, f) in report.features.iter().enumerate() {
                                    @for s in f.scenarios.iter().filter(|s| s.tags.contains(&tag)) {
                                        a.sc.passed[s.passed()].failed[!s.passed()] href=(format!("#{}", anchor(i, s))) title=(s.full_name()) {
                                            (super::shorten(&s.full_name(), 48))
                                        }
                                    }
                                }
                                @let ran = report.scenarios().filter(|(_, s)| s.tags.contains(&tag)).count();
                                @if r.scenarios > ran {
                                    span.muted { (r.scenarios - ran) " not run" }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

const CSS: &str = r#"
:root { --ok:#1a7f37; --ok-bg:#dafbe1; --bad:#cf222e; --bad-bg:#ffebe9; --warn:#9a6700;
  --warn-bg:#fff8c5; --muted:#59636e; --line:#d1d9e0; --bg:#f6f8fa; --card:#fff; --accent:#0969da; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.5 "Liberation Sans", "DejaVu Sans", system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif;
  color: #1f2328; background: var(--bg); }
code, pre { font-family: "DejaVu Sans Mono", "Liberation Mono", ui-monospace, Menlo, Consolas, monospace; font-size: 13px; }
a { color: var(--accent); text-decoration: none; } a:hover { text-decoration: underline; }
.wrap { max-width: 1120px; margin: 0 auto; padding: 0 24px; }
header.top { color: #fff; padding: 28px 0 24px; margin-bottom: 24px; }
header.top.ok { background: linear-gradient(120deg, #116329, #1a7f37); }
header.top.bad { background: linear-gradient(120deg, #82071e, #cf222e); }
header h1 { margin: 0; font-size: 28px; font-weight: 600; }
header .verdict { font-weight: 400; opacity: .9; }
header .meta { margin: 4px 0 18px; opacity: .9; }
header .meta code { background: rgba(255,255,255,.18); padding: 1px 6px; border-radius: 4px; }
.totals { display: flex; gap: 14px; flex-wrap: wrap; }
.total { background: rgba(255,255,255,.14); border-radius: 10px; padding: 10px 18px; min-width: 150px; }
.total .n { font-size: 26px; font-weight: 700; line-height: 1.1; }
.total .what { text-transform: uppercase; letter-spacing: .06em; font-size: 12px; opacity: .85; }
.total .split { font-size: 13px; margin-top: 2px; }
.card { background: var(--card); border: 1px solid var(--line); border-radius: 10px; padding: 16px 22px; margin-bottom: 22px; }
.card h2 { margin: 0 0 10px; font-size: 18px; }
.problems { border-left: 5px solid var(--bad); }
.failures { margin: 0; padding-left: 20px; } .failures li { margin: 6px 0; }
.failures .where { color: var(--muted); }
.why { font-size: 14px; color: #1f2328; } .why .kind, .failure .kind { display: inline-block; background: var(--bad-bg);
  color: var(--bad); border-radius: 4px; padding: 0 6px; font-size: 12px; font-weight: 600; text-transform: uppercase; letter-spacing: .04em; }
.toc ul { list-style: none; margin: 0; padding: 0; columns: 2; column-gap: 32px; }
.toc li { padding: 3px 0; break-inside: avoid; display: flex; align-items: center; gap: 8px; }
.toc .count { margin-left: auto; color: var(--muted); font-size: 13px; white-space: nowrap; }
.dot { display: inline-block; width: 10px; height: 10px; border-radius: 50%; flex: none; }
.dot.ok { background: var(--ok); } .dot.bad { background: var(--bad); }
section.feature { margin: 34px 0 10px; }
section.feature > h2 { font-size: 21px; margin: 0; display: flex; align-items: center; gap: 10px; }
.path { color: var(--muted); margin: 2px 0 8px; font-size: 13px; }
.description { white-space: pre-line; color: #3d444d; margin: 4px 0 14px; max-width: 80ch; }
.tag { display: inline-block; background: #ddf4ff; color: #0550ae; border-radius: 999px; padding: 0 8px; font-size: 12px; }
details.scenario { background: var(--card); border: 1px solid var(--line); border-left: 5px solid var(--ok);
  border-radius: 8px; margin: 10px 0; }
details.scenario.failed { border-left-color: var(--bad); }
details.scenario > summary { cursor: pointer; padding: 10px 14px; display: flex; align-items: center; gap: 8px; list-style: none; }
details.scenario > summary::-webkit-details-marker { display: none; }
details.scenario > summary::before { content: "▸"; color: var(--muted); width: 10px; }
details.scenario[open] > summary::before { content: "▾"; }
summary .mark { font-weight: 700; } .passed > summary .mark { color: var(--ok); } .failed > summary .mark { color: var(--bad); }
summary .name { font-weight: 600; }
summary .time { margin-left: auto; color: var(--muted); font-size: 13px; white-space: nowrap; }
.scenario .body { padding: 0 18px 16px 36px; border-top: 1px solid var(--line); }
ol.steps { list-style: none; padding: 0; margin: 8px 0; }
ol.steps li { padding: 3px 8px; border-radius: 4px; }
ol.steps .mark { display: inline-block; width: 20px; font-weight: 700; }
ol.steps .passed .mark { color: var(--ok); }
ol.steps .failed { background: var(--bad-bg); } ol.steps .failed .mark { color: var(--bad); }
ol.steps .undefined, ol.steps .skipped { background: var(--warn-bg); } ol.steps .undefined .mark { color: var(--warn); }
ol.steps .notrun { color: #8c959f; }
.kw { font-weight: 700; color: #8250df; } .notrun .kw { color: inherit; }
.bg, .label { font-size: 11px; border: 1px solid var(--line); border-radius: 4px; padding: 0 5px; margin-left: 8px; color: var(--muted); text-transform: uppercase; }
.label { border-color: var(--warn); color: var(--warn); font-weight: 700; }
pre.doc { background: var(--bg); border: 1px solid var(--line); border-radius: 6px; padding: 6px 10px; margin: 4px 0 4px 28px; white-space: pre-wrap; }
table.data { border-collapse: collapse; margin: 4px 0 4px 28px; font-size: 13px; }
table.data td { border: 1px solid var(--line); padding: 2px 8px; }
.failure { border: 1px solid #ffcecb; background: #fff8f7; border-radius: 8px; padding: 10px 14px; margin: 10px 0 14px; }
.failure .step { font-weight: 600; margin: 6px 0; } .failure .where { color: var(--muted); font-weight: 400; font-size: 13px; }
pre.message { margin: 0; white-space: pre-wrap; word-break: break-word; background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: 8px 10px; }
pre.message span { display: block; }
pre.message .add { background: var(--ok-bg); color: #116329; }
pre.message .del { background: var(--bad-bg); color: #82071e; }
pre.message .hunk { color: #8250df; } pre.message .hdr { color: var(--muted); font-weight: 700; }
h3 { font-size: 15px; margin: 16px 0 8px; }
.transcript { border: 1px solid var(--line); border-radius: 10px; overflow: hidden; margin: 8px 0 14px; }
.thead { background: #eef1f4; padding: 8px 14px; font-size: 14px; }
.tmeta { padding: 4px 14px 6px; font-size: 13px; color: var(--muted); background: #eef1f4; border-bottom: 1px solid var(--line); }
.state { font-weight: 700; color: var(--ok); } .state.closed { color: var(--muted); }
.chat { padding: 12px 14px; display: flex; flex-direction: column; gap: 10px; background: #fbfcfd; }
.msg { max-width: 72%; border-radius: 14px; padding: 8px 12px; }
.msg.in { align-self: flex-start; background: #eaeef2; border-bottom-left-radius: 4px; }
.msg.out { align-self: flex-end; background: #ddf4ff; border-bottom-right-radius: 4px; }
.msg.internal { align-self: center; max-width: 85%; background: var(--warn-bg); border: 1px dashed #d4a72c; font-style: italic; }
.msg .who { font-size: 12px; color: var(--muted); }
.msg .text { white-space: pre-wrap; word-break: break-word; margin: 2px 0; }
.msg .media { font-size: 13px; }
.msg .status { font-size: 12px; color: var(--muted); }
.msg .detail { font-family: "DejaVu Sans Mono", monospace; font-size: 11px; }
.badge { display: inline-block; border-radius: 999px; padding: 0 8px; font-size: 12px; font-weight: 600; white-space: nowrap; }
.badge.good { background: var(--ok-bg); color: var(--ok); } .badge.bad { background: var(--bad-bg); color: var(--bad); }
.badge.warn { background: var(--warn-bg); color: var(--warn); } .badge.plain { background: #eaeef2; color: #424a53; }
section.coverage { margin-top: 34px; }
table.rows { width: 100%; border-collapse: collapse; font-size: 14px; }
table.rows th { text-align: left; color: var(--muted); font-weight: 600; border-bottom: 2px solid var(--line); padding: 6px 8px; }
table.rows td { border-bottom: 1px solid var(--line); padding: 6px 8px; vertical-align: top; }
table.rows td.id { white-space: nowrap; }
td.links a.sc { display: block; font-size: 13px; } td.links a.sc.failed { color: var(--bad); }
.muted { color: var(--muted); }
footer { color: var(--muted); font-size: 13px; padding: 20px 24px 40px; }
@media print { header.top { -webkit-print-color-adjust: exact; print-color-adjust: exact; } details.scenario { break-inside: avoid; } }
"#;
