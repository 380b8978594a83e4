//! Build script: the commit the binary is built from, as `CONVSMS_COMMIT` (`git describe
//! --always --dirty --abbrev=12`: 12 hex digits, `-dirty` when the sources differed from it;
//! empty outside a git checkout or without git), which the soak's reports carry with the
//! version (`soak::report::Options::build`) so that "the same seed on the same build" can be
//! checked from two reports, and `soak merge` refuses shards of different builds.

use std::path::PathBuf;
use std::process::Command;

fn git(args: &[&str]) -> Option<String> {
    Command::new("git")
        .args(args)
        .output()
        .ok()
        .filter(|o| o.status.success())
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .map(|s| s.trim().to_owned())
}

fn main() {
    let commit = git(&["describe", "--always", "--dirty", "--abbrev=12"]).unwrap_or_default();
    println!("cargo:rustc-env=CONVSMS_COMMIT={commit}");
    // Run again when HEAD moves (a commit, a checkout: the files git names, which a worktree or
    // a submodule keeps elsewhere than ../.git) or the sources change (dirty or not). A path
    // that does not exist would make cargo run this script on every build: only those there.
    let mut watched: Vec<PathBuf> = ["HEAD", "refs/heads", "packed-refs", "index"]
        .iter()
        .filter_map(|p| git(&["rev-parse", "--path-format=absolute", "--git-path", p]))
        .map(PathBuf::from)
        .collect();
    watched.extend(["../src", "../cli/src", "../simulator/src", "../wire/src"].map(PathBuf::from));
    for p in watched.iter().filter(|p| p.exists()) {
        println!("cargo:rerun-if-changed={}", p.display());
    }
    println!("cargo:rerun-if-changed=build.rs");
}
