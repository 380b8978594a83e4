//! Runs the `convsms` binary as a user would: the features with coverage, the step catalogue and
//! `validate-number`. (One test binary on purpose: each `tests/*.rs` is linked separately.)

use std::io::Write;
use std::process::{Command, Stdio};

fn convsms() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_convsms"));
    c.current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/..")); // the workspace root: features/, topics/, snapshots/
    c.env("CI", "true"); // insta: never write snapshots from tests, fail on drift
    c
}

/// Every row ID of the catalogue (`features/rows.tsv`): each must be covered by a passing scenario.
fn rows() -> Vec<String> {
    std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../features/rows.tsv"))
        .unwrap()
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .filter_map(|l| l.split('\t').next().map(str::to_owned))
        .collect()
}

#[test]
fn every_feature_passes_and_the_rows_are_covered() {
    let junit = std::env::temp_dir().join(format!("convsms-junit-{}.xml", std::process::id()));
    let out = convsms()
        .args(["check", "--coverage", "--junit"])
        .arg(&junit)
        .output()
        .expect("run convsms check");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "convsms check failed:\n{stdout}\n{stderr}"
    );
    let rows = rows();
    assert_eq!(rows.len(), 60, "the catalogue has 60 rows");
    for row in &rows {
        let line = stdout
            .lines()
            .find(|l| l.split_whitespace().next() == Some(row.as_str()))
            .unwrap_or_else(|| panic!("{row} is missing from the coverage table:\n{stdout}"));
        assert!(line.contains(" passing "), "{row} is not passing: {line}");
    }
    let xml = std::fs::read_to_string(&junit).expect("JUnit report written");
    assert!(xml.contains("<testsuites"), "not JUnit XML: {xml}");
    assert!(!xml.contains("<failure"), "JUnit reports failures");
    let _ = std::fs::remove_file(junit);
}

#[test]
fn a_failing_scenario_fails_the_run() {
    let dir = std::env::temp_dir().join(format!("convsms-failing-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("failing.feature"),
        "Feature: A deliberate failure\n  Scenario: No interaction exists\n    Then there are 3 interactions\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("undefined.feature"),
        "Feature: An undefined step\n  Scenario: Nobody wrote this step\n    Given a step nobody wrote\n",
    )
    .unwrap();
    for f in ["failing.feature", "undefined.feature"] {
        let out = convsms().args(["check"]).arg(dir.join(f)).output().unwrap();
        assert!(
            !out.status.success(),
            "{f} passed:\n{}",
            String::from_utf8_lossy(&out.stdout)
        );
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn steps_lists_every_step_with_an_example() {
    let out = convsms().arg("steps").output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success());
    assert!(!stdout.contains("steps without an example"), "{stdout}");
    let examples = stdout.lines().filter(|l| l.starts_with("  ")).count();
    let total: usize = stdout
        .lines()
        .last()
        .and_then(|l| l.strip_suffix(" steps"))
        .and_then(|n| n.parse().ok())
        .expect("a closing 'N steps' line");
    assert!(
        total >= 40 && examples >= total,
        "{examples} examples for {total} steps"
    );
}

#[test]
fn the_documented_step_catalogue_is_current() {
    let out = convsms().arg("steps").output().unwrap();
    let listing = String::from_utf8_lossy(&out.stdout);
    let doc =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/steps.md")).unwrap();
    assert!(
        doc.contains(listing.as_ref()),
        "docs/steps.md is out of date: regenerate it (see its header) from `convsms steps`"
    );
}

#[test]
fn validate_number_prints_json_for_one_and_for_stdin() {
    let out = convsms()
        .args(["validate-number", "--region", "GB", "07400 123456"])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["e164"], "+447400123456");
    assert_eq!(v["region"], "GB");
    assert_eq!(v["valid"], true);

    let mut child = convsms()
        .args(["validate-number", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"+14155552671\ncall me maybe\n+55 11 96123-4567\n")
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let lines: Vec<serde_json::Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 3);
    assert_eq!(lines[0]["e164"], "+14155552671");
    assert_eq!(lines[1]["valid"], false);
    assert!(lines[1]["error"]
        .as_str()
        .unwrap()
        .contains("not a phone number"));
    assert_eq!(lines[2]["e164"], "+5511961234567");

    assert_eq!(
        out.status.code(),
        Some(1),
        "one invalid line among three exits 1: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("1 of 3 numbers are not valid"));

    let bad = convsms()
        .args(["validate-number", "--region", "XX", "1"])
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2), "a bad region is a usage error");
    let err = String::from_utf8_lossy(&bad.stderr);
    assert!(
        err.contains("--region: 'XX' is not a region libphonenumber knows; expected an ISO 3166-1 alpha-2 code such as US"),
        "{err}"
    );
}

#[test]
fn validate_number_exit_codes_and_the_engines_default_region() {
    // National numbers are read in the engine's default region (US) when --region is absent.
    let us = convsms()
        .args(["validate-number", "(415) 555-2671"])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&us.stdout).unwrap();
    assert_eq!(v["e164"], "+14155552671", "{v}");
    assert_eq!(us.status.code(), Some(0));

    // An invalid number exits 1, or 0 with --exit-zero; the JSON is the same either way.
    for (args, code) in [
        (vec!["validate-number", "call me maybe"], 1),
        (vec!["validate-number", "--exit-zero", "call me maybe"], 0),
    ] {
        let out = convsms().args(&args).output().unwrap();
        assert_eq!(out.status.code(), Some(code), "{args:?}");
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(v["valid"], false);
    }

    // The empty-input message's example is itself a valid number.
    let empty = convsms().args(["validate-number", ""]).output().unwrap();
    let v: serde_json::Value = serde_json::from_slice(&empty.stdout).unwrap();
    let error = v["error"].as_str().unwrap();
    let example = error.rsplit("such as ").next().unwrap();
    let check = convsms()
        .args(["validate-number", example])
        .output()
        .unwrap();
    assert_eq!(
        check.status.code(),
        Some(0),
        "the example {example:?} in {error:?} must be valid"
    );
}
