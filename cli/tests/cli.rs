//! Runs the `convsms` binary as a user would: the features with coverage, the harness's own
//! refusals (lost steps, unreadable files, shared snapshots, unchecked refusals, huge topics, a bad
//! JUnit path), its messages, the step catalogue and `validate-number`. (One test binary on
//! purpose: each `tests/*.rs` is linked separately.)

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// The workspace root: features/, topics/, snapshots/.
const ROOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/..");

fn convsms() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_convsms"));
    c.current_dir(ROOT);
    c.env("CI", "true"); // strict mode, as in CI
    c
}

/// A fresh temporary folder for one test.
fn temp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("convsms-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Writes `files` (path in `dir`, bytes) and returns `dir`.
fn fixture(dir: &Path, files: &[(&str, &[u8])]) {
    for (name, bytes) in files {
        let path = dir.join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, bytes).unwrap();
    }
}

/// Runs `convsms check ARGS` (strict, from the workspace root).
fn check(args: &[&std::ffi::OsStr]) -> Output {
    convsms().arg("check").args(args).output().unwrap()
}

/// Exit code, stdout and stderr.
fn text(out: &Output) -> (Option<i32>, String, String) {
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

const BACKGROUND: &str = "  Background:\n    Given the Conversational SMS provider number \"+14155550100\"\n    And an agent \"alice\"\n    And a consumer \"Bea Brown\" with mobile phone \"+14155552671\"\n";

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

    let bad = convsms()
        .args(["validate-number", "--region", "XX", "1"])
        .output()
        .unwrap();
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("not a region code"));
}

#[test]
fn scenarios_whose_steps_were_lost_fail_the_run_with_file_and_line() {
    let dir = temp("lost");
    let feature = format!(
        "Feature: Lost steps\n{BACKGROUND}\n  Scenario: No steps at all\n\n  Scenario: A misspelt first keyword\n    Gven a consumer \"Cy Chen\" with mobile phone \"+14155552672\"\n\n  Scenario: Lower case\n    given a consumer \"Cy Chen\" with mobile phone \"+14155552672\"\n    Then there are no interactions\n\n  Scenario: Prose that starts with a keyword-like word is fine\n    Any requester may text; an agent answers.\n    Then there are no interactions\n"
    );
    fixture(&dir, &[("lost.feature", feature.as_bytes())]);
    let path = dir.join("lost.feature");
    let (code, stdout, _) = text(&check(&[path.as_os_str()]));
    assert_eq!(code, Some(1), "{stdout}");
    let shown = path.display();
    for want in [
        format!("{shown}:7: this scenario has no steps"),
        format!("{shown}:9: this scenario has no steps"),
        "line 10 reads like a step".to_owned(),
        "`Gven a consumer".to_owned(),
        "did you mean `Given`?".to_owned(),
        format!("{shown}:13: line 13 reads like a step"),
        "3 failed".to_owned(),
    ] {
        assert!(stdout.contains(&want), "missing {want:?} in:\n{stdout}");
    }
    assert!(
        stdout.contains("4 scenarios (1 passed, 3 failed)"),
        "{stdout}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn unreadable_feature_files_say_where_and_what_is_wrong() {
    let dir = temp("unreadable");
    fixture(
        &dir,
        &[
            (
                "broken.feature",
                b"Feature: Broken\n  Scenario: A\n    Then there are no interactions\n    Wen it rains\n",
            ),
            (
                "latin1.feature",
                b"Feature: Latin-1\n  Scenario: Caf\xe9\n    Then there are no interactions\n",
            ),
            ("empty.feature", b"Feature: Nothing yet\n  Some text.\n"),
            (
                "bom.feature",
                b"\xef\xbb\xbfFeature: With a byte order mark\n  Scenario: Runs\n    Then there are no interactions\n",
            ),
        ],
    );
    let junit = dir.join("junit.xml");
    let (code, stdout, _) = text(&check(&[
        dir.as_os_str(),
        "--junit".as_ref(),
        junit.as_os_str(),
    ]));
    assert_eq!(code, Some(1), "{stdout}");
    let xml = std::fs::read_to_string(&junit).unwrap();
    assert_eq!(xml.matches("<failure").count(), 3, "{xml}");
    assert!(xml.contains("not UTF-8 text: byte 0xE9"), "{xml}");
    let broken = dir.join("broken.feature");
    let latin1 = dir.join("latin1.feature");
    for want in [
        format!(
            "{}:4:5: `Wen it rains` is not a step: a step starts with Given, When, Then, And, But or * (did you mean `When`?)",
            broken.display()
        ),
        format!("{}:2:16: not UTF-8 text: byte 0xE9", latin1.display()),
        format!(
            "{}:1:1: this feature has no scenarios",
            dir.join("empty.feature").display()
        ),
        "3 feature paths could not be run".to_owned(),
        "1 scenario (1 passed)".to_owned(),
    ] {
        assert!(stdout.contains(&want), "missing {want:?} in:\n{stdout}");
    }
    assert!(!stdout.contains("Could not"), "{stdout}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn snapshots_are_named_by_feature_path_and_never_shared() {
    let dir = temp("snapshots");
    let snaps = dir.join("snaps");
    std::fs::create_dir_all(&snaps).unwrap();
    let scenario = |name: &str, text: &str| {
        format!("  Scenario: {name}\n    When \"+14155552671\" texts \"{text}\" to \"+14155550100\"\n    Then the transcript matches the snapshot\n")
    };
    let one = format!("Feature: One\n{BACKGROUND}{}", scenario("Hello", "Hi"));
    let other = format!("Feature: Other\n{BACKGROUND}{}", scenario("Hello", "Bye"));
    let twice = format!(
        "Feature: Twice\n{BACKGROUND}{}{}",
        scenario("Same name", "Hi"),
        scenario("Same name", "Bye")
    );
    fixture(
        &dir,
        &[
            ("features/a/x.feature", one.as_bytes()),
            ("features/b/x.feature", other.as_bytes()),
            ("twice/twice.feature", twice.as_bytes()),
        ],
    );
    let topics = Path::new(ROOT).join("topics");
    let (features, snaps_arg) = (dir.join("features"), snaps.as_os_str());
    let base = [
        "--topics".as_ref(),
        topics.as_os_str(),
        "--snapshots".as_ref(),
        snaps_arg,
    ];
    // Accepting writes one snapshot per feature path and scenario.
    let accept = [&base[..], &["--accept".as_ref(), features.as_os_str()]].concat();
    let (code, stdout, _) = text(&check(&accept));
    assert_eq!(code, Some(0), "{stdout}");
    assert!(
        stdout.contains("--accept wrote 2 snapshot file(s); review the change"),
        "{stdout}"
    );
    let mut written: Vec<String> = std::fs::read_dir(&snaps)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    written.sort();
    assert_eq!(written, ["a__x__hello.snap", "b__x__hello.snap"]);
    let a = std::fs::read_to_string(snaps.join("a__x__hello.snap")).unwrap();
    assert!(a.contains("\"Hi\"") && !a.contains("\"Bye\""), "{a}");
    // The next run compares, and passes.
    let (code, stdout, _) = text(&check(&[&base[..], &[features.as_os_str()]].concat()));
    assert_eq!(code, Some(0), "{stdout}");
    // A change is shown in the user's words, with how to accept it.
    std::fs::write(snaps.join("b__x__hello.snap"), a).unwrap();
    let (code, stdout, _) = text(&check(&[&base[..], &[features.as_os_str()]].concat()));
    assert_eq!(code, Some(1), "{stdout}");
    assert!(stdout.contains("- ") && stdout.contains("+ "), "{stdout}");
    assert!(stdout.contains("convsms check --accept"), "{stdout}");
    assert!(
        !stdout.contains("cargo insta") && !stdout.contains("panicked"),
        "{stdout}"
    );
    // Two scenarios that would share a snapshot are refused, naming both.
    let twice = dir.join("twice/twice.feature");
    let (code, stdout, _) = text(&check(&[&base[..], &[twice.as_os_str()]].concat()));
    assert_eq!(code, Some(1), "{stdout}");
    let both = format!("{0}:6, {0}:9; give them different names", twice.display());
    assert!(stdout.contains(&both), "missing {both:?} in:\n{stdout}");
    assert!(stdout.contains("2 scenarios (2 failed)"), "{stdout}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_refusal_no_step_checks_is_printed_and_fails_in_strict_mode() {
    let dir = temp("refusals");
    let feature = format!(
        "Feature: Refusals\n{BACKGROUND}\n  Scenario: A misspelt agent\n    When agent \"alcie\" composes \"Hi\" for consumer \"Bea Brown\"\n\n  Scenario: Checked\n    When agent \"alcie\" composes \"Hi\" for consumer \"Bea Brown\"\n    Then the request is refused with \"alcie\"\n"
    );
    fixture(&dir, &[("refusals.feature", feature.as_bytes())]);
    let path = dir.join("refusals.feature");
    let lenient = convsms()
        .env_remove("CI")
        .arg("check")
        .arg(&path)
        .output()
        .unwrap();
    let (code, stdout, _) = text(&lenient);
    assert_eq!(code, Some(0), "{stdout}");
    assert_eq!(
        stdout.matches("a refusal no step checked: ").count(),
        1,
        "{stdout}"
    );
    assert!(
        stdout.contains("a refusal no step checked: no sys_user named 'alcie'"),
        "{stdout}"
    );
    for strict in [
        convsms().arg("check").arg(&path).output().unwrap(), // CI=true
        convsms()
            .env_remove("CI")
            .args(["check", "--strict"])
            .arg(&path)
            .output()
            .unwrap(),
    ] {
        let (code, stdout, _) = text(&strict);
        assert_eq!(code, Some(1), "{stdout}");
        assert!(stdout.contains("strict mode"), "{stdout}");
        assert!(
            stdout.contains("2 scenarios (1 passed, 1 failed)"),
            "{stdout}"
        );
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

/// A topic whose start runs `len` text responses in a row.
fn chain_topic(len: usize) -> String {
    let mut t = String::from("name = \"chain\"\ntrigger = [\"chain\"]\nstart = \"n0\"\n");
    for i in 0..len {
        t.push_str(&format!(
            "[nodes.n{i}]\nresponse = \"text\"\ntext = \"{i}\"\n"
        ));
        if i + 1 < len {
            t.push_str(&format!("next = \"n{}\"\n", i + 1));
        }
    }
    t
}

#[test]
fn a_forty_thousand_node_topic_fails_its_scenario_not_the_run() {
    let dir = temp("chain");
    let topic = chain_topic(40_000);
    let docstring: String = topic.lines().map(|l| format!("      {l}\n")).collect();
    let feature = format!(
        "Feature: Huge topics\n\n  Scenario: Fine\n    Then there are no interactions\n\n  Scenario: A chain of 40,000 nodes\n    Given the topic file \"chain.toml\":\n      \"\"\"\n{docstring}      \"\"\"\n    Then there are no interactions\n\n  Scenario: Also fine\n    Then there are no interactions\n"
    );
    fixture(
        &dir,
        &[
            ("chain.feature", feature.as_bytes()),
            ("huge/chain.toml", topic.as_bytes()),
        ],
    );
    let junit = dir.join("junit.xml");
    let path = dir.join("chain.feature");
    let (code, stdout, stderr) = text(&check(&[
        path.as_os_str(),
        "--junit".as_ref(),
        junit.as_os_str(),
    ]));
    assert_eq!(code, Some(1), "{stdout}\n{stderr}");
    assert!(
        stdout.contains("40000 nodes run one after another without waiting for the requester"),
        "{stdout}"
    );
    assert!(
        stdout.contains("3 scenarios (2 passed, 1 failed)"),
        "{stdout}"
    );
    let xml = std::fs::read_to_string(&junit).unwrap();
    assert_eq!(xml.matches("<failure").count(), 1, "{xml}");
    // In the topics folder every scenario starts with: refused before any scenario runs.
    let topics = dir.join("huge");
    let (code, stdout, stderr) = text(&check(&[
        path.as_os_str(),
        "--topics".as_ref(),
        topics.as_os_str(),
    ]));
    assert_eq!(code, Some(2), "{stdout}\n{stderr}");
    assert!(
        stderr.contains("chain.toml: topic `chain`, node `n0`: 40000 nodes"),
        "{stderr}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_junit_file_that_cannot_be_written_is_named_without_a_panic() {
    let feature = Path::new(ROOT).join("features/phone/validation.feature");
    for (junit, why) in [
        ("/dev/full", "No space left on device"),
        (
            "/nonexistent-folder/report.xml",
            "No such file or directory",
        ),
    ] {
        let (code, stdout, stderr) = text(&check(&[
            feature.as_os_str(),
            "--junit".as_ref(),
            junit.as_ref(),
        ]));
        assert_eq!(code, Some(2), "{stdout}\n{stderr}");
        let want = format!("cannot write the JUnit report to {junit} (--junit FILE): {why}");
        assert!(stderr.contains(&want), "missing {want:?} in:\n{stderr}");
        assert!(!stderr.contains("panicked"), "{stderr}");
    }
}

#[test]
fn an_undefined_step_names_its_line_and_the_closest_sentences() {
    let dir = temp("undefined");
    let feature = "Feature: Typos\n  Scenario: A typo\n    Given a consumr \"Bea Brown\" with mobile phone \"+14155552671\"\n";
    fixture(&dir, &[("typo.feature", feature.as_bytes())]);
    let path = dir.join("typo.feature");
    let (code, stdout, _) = text(&check(&[path.as_os_str()]));
    assert_eq!(code, Some(1), "{stdout}");
    let want = format!(
        "at {}:3:5\n      no step of the library matches this sentence; did you mean\n        Given a consumer",
        path.display()
    );
    assert!(stdout.contains(&want), "missing {want:?} in:\n{stdout}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn steps_match_whatever_keyword_introduces_them() {
    let dir = temp("keywords");
    let feature = format!(
        "Feature: Keywords\n{BACKGROUND}\n  Scenario: And and But take any step\n    Given Twilio answers every send with HTTP 500\n    Then there are no interactions\n    And Twilio answers sends normally again\n    But \"+14155552671\" texts \"Hi\" to \"+14155550100\"\n    Given there is 1 interaction\n    * interaction IMS0001001 is assigned to the virtual agent\n"
    );
    fixture(&dir, &[("keywords.feature", feature.as_bytes())]);
    let path = dir.join("keywords.feature");
    let (code, stdout, _) = text(&check(&[path.as_os_str()]));
    assert_eq!(code, Some(0), "{stdout}");
    assert!(stdout.contains("1 scenario (1 passed)"), "{stdout}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn failures_are_told_in_the_users_words() {
    let dir = temp("words");
    let feature = format!(
        "Feature: Words\n{BACKGROUND}\n  Scenario: Wrong assignee\n    When \"+14155552671\" texts \"Hi\" to \"+14155550100\"\n    Then interaction IMS0001001 is assigned to agent \"alcie\"\n\n  Scenario: Words a step cannot honour\n    Given Twilio reorders status callbacks by 5 seconds\n"
    );
    fixture(&dir, &[("words.feature", feature.as_bytes())]);
    let path = dir.join("words.feature");
    let (code, stdout, _) = text(&check(&[path.as_os_str()]));
    assert_eq!(code, Some(1), "{stdout}");
    assert!(
        stdout.contains("IMS0001001 is assigned to virtual.agent, expected alcie"),
        "{stdout}"
    );
    assert!(
        stdout.contains("'by 5 seconds' cannot be honoured"),
        "{stdout}"
    );
    for rust in [
        "panicked",
        "Some(",
        "None",
        "can not be parsed to",
        "ConvWorld",
    ] {
        assert!(!stdout.contains(rust), "{rust:?} in:\n{stdout}");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn topics_and_snapshots_default_to_the_project_of_the_features() {
    // From another folder: the project is found from the feature path.
    let elsewhere = temp("elsewhere");
    let feature = Path::new(ROOT)
        .join("features/requester/requester_initiated.feature")
        .canonicalize()
        .unwrap();
    let out = convsms()
        .current_dir(&elsewhere)
        .arg("check")
        .arg(&feature)
        .output()
        .unwrap();
    let (code, stdout, stderr) = text(&out);
    assert_eq!(code, Some(0), "{stdout}\n{stderr}");
    // Nothing to run here.
    let out = convsms()
        .current_dir(&elsewhere)
        .arg("check")
        .output()
        .unwrap();
    let (code, _, stderr) = text(&out);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(
        stderr
            .contains("no such file or folder: features; give the feature files or folders to run"),
        "{stderr}"
    );
    // A project without topics: the error names the folder and the option.
    fixture(
        &elsewhere,
        &[(
            "features/x.feature",
            b"Feature: X\n  Scenario: Y\n    Then there are no interactions\n",
        )],
    );
    let out = convsms()
        .current_dir(&elsewhere)
        .args(["check", "features/x.feature"])
        .output()
        .unwrap();
    let (code, _, stderr) = text(&out);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(
        stderr.contains("the topics folder topics does not exist")
            && stderr.contains("--topics DIR"),
        "{stderr}"
    );
    let out = convsms()
        .args(["check", "--topics", "no-such-folder", "features/phone"])
        .output()
        .unwrap();
    let (code, _, stderr) = text(&out);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(
        stderr
            .contains("the topics folder no-such-folder does not exist (given with --topics DIR)"),
        "{stderr}"
    );
    std::fs::remove_dir_all(&elsewhere).unwrap();
}
