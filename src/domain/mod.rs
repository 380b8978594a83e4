//! The pure decisions of Conversational SMS: no clock, no store, no network; the only IO is
//! reading topic files (`topic::load_dir`).
//!
//! Each module takes what the engine loaded for one event (and `now` where time matters) and
//! returns what must change; [`crate::engine`] applies the decision in one transaction. Nothing
//! here imports the store, rusqlite, tokio, axum, reqwest or the simulator (a test in this module
//! reads every file under `src/domain/` to keep it so).
//!
//! - [`model`]: the records, named after ServiceNow's tables and states.
//! - [`phone`]: [`phone::E164`] and [`phone::Region`] over libphonenumber.
//! - [`conversation`]: messaging profiles (PROFILE), requester routing (REQ), the agent-initiated
//!   rows (AGENT) and profile validation (VALIDATE).
//! - [`delivery`]: a transcript message's direction and delivery status, and their order.
//! - [`keywords`]: the START / STOP / Notification keywords (NOTIF).
//! - [`topic`]: virtual-agent topics: format, loader, SMS rendering, replies, the runtime (VA).
//! - [`messaging_actions`]: messaging actions and the idle timeout (ACTION).
//! - [`work_assignment`]: Advanced Work Assignment for SMS (ROUTE, INBOX, SYSMSG).
//! - [`encoded_query`]: ServiceNow encoded queries, the filters of the two above.

pub mod conversation;
pub mod delivery;
pub mod encoded_query;
pub mod keywords;
pub mod messaging_actions;
pub mod model;
pub mod phone;
#[cfg(test)]
mod proptests;
pub mod topic;
pub mod work_assignment;

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};

    /// What domain code must not name: the adapters and the runtime around it.
    const FORBIDDEN: [&str; 11] = [
        "crate::store",
        "crate::engine",
        "crate::web",
        "crate::twilio",
        "crate::provider",
        "crate::clock",
        "rusqlite",
        "tokio",
        "axum",
        "reqwest",
        "convsms_sim",
    ];

    fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                rust_files(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }

    /// What domain code outside its tests must not name either: the network, the environment,
    /// unseeded randomness and wall time; and files, but in `topic/load.rs` (topic folders).
    const FORBIDDEN_OUTSIDE_TESTS: [&str; 7] = [
        "std::net",
        "std::env",
        "rand::",
        "thread_rng",
        "Instant::now",
        "chrono::Local",
        "std::fs",
    ];

    /// The invariant ARCHITECTURE.md states: nothing under `src/domain/` imports the store,
    /// rusqlite, tokio, axum, reqwest or the simulator, nor reads the clock (`Utc::now`,
    /// `SystemTime`); outside its tests, nothing names the network, the environment, `rand` or
    /// `Instant::now`, and only `topic/load.rs` names `std::fs`.
    #[test]
    fn domain_code_does_no_io() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/domain");
        let mut files = vec![];
        rust_files(&root, &mut files);
        files.sort();
        assert!(files.len() >= 10, "found only {files:?}");
        let mut found = vec![];
        for file in &files {
            let text = std::fs::read_to_string(file).unwrap();
            // This test's own list is data, not an import: the scan stops where this module starts.
            let code = if file.ends_with("domain/mod.rs") {
                text.split("#[cfg(test)]\nmod tests").next().unwrap()
            } else {
                &text
            };
            // A file's tests (its `mod tests`, last by convention) may read fixtures and the
            // environment.
            let before_tests = code.split("#[cfg(test)]\nmod tests").next().unwrap();
            let reads_topics = file.ends_with("topic/load.rs");
            for (n, line) in code.lines().enumerate() {
                let line = line.split("//").next().unwrap();
                for word in FORBIDDEN.iter().chain(&["Utc::now", "SystemTime"]) {
                    if line.contains(word) {
                        found.push(format!("{}:{}: {word}", file.display(), n + 1));
                    }
                }
            }
            for (n, line) in before_tests.lines().enumerate() {
                let line = line.split("//").next().unwrap();
                for word in FORBIDDEN_OUTSIDE_TESTS {
                    if line.contains(word) && !(reads_topics && word == "std::fs") {
                        found.push(format!("{}:{}: {word}", file.display(), n + 1));
                    }
                }
                // `use std::{env, fs};` names them without writing `std::env`.
                let listed = line.split("std::{").skip(1).flat_map(|rest| {
                    rest.split(|c: char| !c.is_alphanumeric() && c != '_')
                        .filter(|w| ["env", "fs", "net"].contains(w))
                });
                for word in listed {
                    if !(reads_topics && word == "fs") {
                        found.push(format!("{}:{}: std::{{{word}}}", file.display(), n + 1));
                    }
                }
            }
        }
        assert!(
            found.is_empty(),
            "domain code reaches outside:\n{}",
            found.join("\n")
        );
    }
}
