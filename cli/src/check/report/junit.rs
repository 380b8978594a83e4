//! JUnit XML for CI, written from the [`Report`] with quick-xml (which escapes every attribute
//! and text).
//!
//! - `<testsuites>` carries the totals (`tests`, `failures`, `errors`, `skipped`, `time`).
//! - One `<testsuite>` per feature file, named after the feature, with its `file`.
//! - One `<testcase>` per scenario: `classname` is the feature's name, `name` the scenario's
//!   ([`ScenarioReport::full_name`]: no `:line:col`, an outline's example row in it), `file` and
//!   `line` beside.
//! - A failed scenario has `<failure type="failed step|undefined step|ambiguous step|…"
//!   message="one line">` whose text is the whole message, snapshot diff included; a feature file
//!   that does not parse is an `<error type="parse error">` in a suite of its own.
//! - `<system-out>` lists the steps with their status, the refusals no step checked, then the
//!   transcripts; a failed scenario's `<failure>` ends with those refusals too (under
//!   `--strict` they are why it failed).

use std::io;

use quick_xml::events::{BytesDecl, BytesText, Event};
use quick_xml::Writer;

use super::{Report, ScenarioReport};

/// The JUnit XML document of a run.
pub fn render(report: &Report) -> String {
    let mut out = Vec::new();
    let mut w = Writer::new_with_indent(&mut out, b' ', 2);
    write(&mut w, report).expect("writing XML to memory cannot fail");
    String::from_utf8(out).expect("quick-xml writes UTF-8")
}

fn write(w: &mut Writer<&mut Vec<u8>>, report: &Report) -> io::Result<()> {
    w.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
    let tests = report.scenarios().count() + report.parse_errors.len();
    let failures = report.scenarios().filter(|(_, s)| !s.passed()).count();
    let errors = report.parse_errors.len();
    let time = secs(report.duration());
    w.create_element("testsuites")
        .with_attributes([
            ("name", "convsms check"),
            ("tests", tests.to_string().as_str()),
            ("failures", failures.to_string().as_str()),
            ("errors", errors.to_string().as_str()),
            ("skipped", "0"),
            ("time", time.as_str()),
        ])
        .write_inner_content(|w| {
            for f in &report.features {
                w.create_element("testsuite")
                    .with_attributes([
                        ("name", clean(&f.name).as_str()),
                        ("file", clean(&f.path).as_str()),
                        ("tests", f.scenarios.len().to_string().as_str()),
                        ("failures", f.failed().to_string().as_str()),
                        ("errors", "0"),
                        ("skipped", "0"),
                        ("time", secs(f.duration()).as_str()),
                    ])
                    .write_inner_content(|w| {
                        for (s, name) in f.scenarios.iter().zip(f.test_names()) {
                            testcase(w, &f.name, &f.path, &name, s)?;
                        }
                        Ok(())
                    })?;
            }
            if !report.parse_errors.is_empty() {
                let n = report.parse_errors.len().to_string();
                w.create_element("testsuite")
                    .with_attributes([
                        ("name", "feature files that do not parse"),
                        ("tests", n.as_str()),
                        ("failures", "0"),
                        ("errors", n.as_str()),
                        ("skipped", "0"),
                    ])
                    .write_inner_content(|w| {
                        for (i, e) in report.parse_errors.iter().enumerate() {
                            w.create_element("testcase")
                                .with_attributes([
                                    ("classname", "parse errors"),
                                    ("name", format!("parse error {}", i + 1).as_str()),
                                ])
                                .write_inner_content(|w| {
                                    w.create_element("error")
                                        .with_attributes([
                                            ("type", "parse error"),
                                            ("message", one_line(e).as_str()),
                                        ])
                                        .write_text_content(BytesText::new(&clean(e)))?;
                                    Ok(())
                                })?;
                        }
                        Ok(())
                    })?;
            }
            Ok(())
        })?;
    Ok(())
}

fn testcase(
    w: &mut Writer<&mut Vec<u8>>,
    feature: &str,
    path: &str,
    name: &str,
    s: &ScenarioReport,
) -> io::Result<()> {
    w.create_element("testcase")
        .with_attributes([
            ("name", clean(name).as_str()),
            ("classname", clean(feature).as_str()),
            ("file", clean(path).as_str()),
            ("line", s.line.to_string().as_str()),
            ("time", secs(s.duration()).as_str()),
        ])
        .write_inner_content(|w| {
            if let Some(f) = s.failure() {
                let mut body = String::new();
                if let Some((step, line)) = &f.step {
                    body.push_str(&format!("{step}\n  at {path}:{line}\n\n"));
                }
                body.push_str(&f.message);
                body.push_str(&unchecked(s));
                w.create_element("failure")
                    .with_attributes([("type", f.kind), ("message", one_line(&f.summary).as_str())])
                    .write_text_content(BytesText::new(&clean(&body)))?;
            }
            w.create_element("system-out")
                .write_text_content(BytesText::new(&clean(&system_out(s))))?;
            Ok(())
        })?;
    Ok(())
}

/// The steps with their status, then the transcripts as the snapshots show them.
fn system_out(s: &ScenarioReport) -> String {
    let mut out = String::new();
    for st in &s.steps {
        let mark = match st.status.label() {
            "passed" => "✔",
            "not run" => "-",
            _ => "✘",
        };
        let bg = if st.background { " (background)" } else { "" };
        out.push_str(&format!(
            "{mark} {}{}  [{}{bg}]\n",
            st.keyword,
            st.text,
            st.status.label()
        ));
    }
    out.push_str(&unchecked(s));
    match &s.transcripts {
        Ok(ts) if ts.is_empty() => {}
        Ok(ts) => {
            out.push_str("\nTranscripts at the end of the scenario:\n");
            for t in ts {
                out.push_str(&t.to_string());
            }
        }
        Err(e) => out.push_str(&format!("\nThe transcripts could not be read: {e}\n")),
    }
    out
}

/// The refusals no step checked, after a blank line and a heading; empty when there are none.
fn unchecked(s: &ScenarioReport) -> String {
    if s.unchecked.is_empty() {
        return String::new();
    }
    let mut out = "\n\nRefusals no step checked:\n".to_owned();
    for r in &s.unchecked {
        out.push_str(&format!("! {r}\n"));
    }
    out
}

fn secs(d: std::time::Duration) -> String {
    format!("{:.3}", d.as_secs_f64())
}

/// The first line, for an attribute.
fn one_line(s: &str) -> String {
    clean(s.lines().next().unwrap_or_default())
}

/// Text without the characters XML 1.0 cannot carry, even escaped (control characters such as
/// a terminal's ESC), each replaced by U+FFFD.
fn clean(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '\t' | '\n' | '\r' => c,
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => '\u{FFFD}',
            c => c,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_replaced_and_markup_escaped() {
        let report = Report {
            parse_errors: vec!["bad \u{1b}[31m <file> & \"it\"".to_owned()],
            ..Report::default()
        };
        let xml = render(&report);
        assert!(!xml.contains('\u{1b}'), "{xml}");
        assert!(xml.contains("bad \u{FFFD}[31m &lt;file&gt; &amp;"), "{xml}");
        assert!(
            xml.contains(r#"<testsuites name="convsms check" tests="1" failures="0" errors="1""#),
            "{xml}"
        );
    }
}
