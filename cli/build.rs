//! Build script: the commit the binary is built from, as `CONVSMS_COMMIT` (12 hex digits, empty
//! outside a git checkout or without git), which the soak's reports carry with the version
//! (`soak::report::Options::build`) so that "the same seed on the same build" can be checked
//! from two reports, and `soak merge` refuses shards of different builds.

use std::path::Path;
use std::process::Command;

fn main() {
    let commit = Command::new("git")
        .args(["rev-parse", "--short=12", "HEAD"])
        .output()
        .ok()
        .filter(|o| o.status.success())
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .map(|s| s.trim().to_owned())
        .unwrap_or_default();
    println!("cargo:rustc-env=CONVSMS_COMMIT={commit}");
    // Built again when HEAD moves: a commit, a checkout. (A path that does not exist would make
    // cargo run this script on every build, so only those there are named.)
    for p in ["../.git/HEAD", "../.git/refs/heads", "../.git/packed-refs"] {
        if Path::new(p).exists() {
            println!("cargo:rerun-if-changed={p}");
        }
    }
    println!("cargo:rerun-if-changed=build.rs");
}
