//! Snapshot checks whose failure says what changed: the unified diff between the stored snapshot
//! and this run's transcript goes into the step's error, so the console, the JUnit `<failure>`
//! and the HTML report all show it (insta alone prints its diff to stdout, interleaved with the
//! other scenarios, and fails with "snapshot assertion for '…' failed in line …").
//!
//! insta still decides and writes: `INSTA_UPDATE`, `.snap.new` files and `CI=true` (never write,
//! fail on drift) behave as before.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;

use anyhow::bail;

/// The first line of a snapshot diff in a failure message; the HTML report colours the lines of
/// a diff that follows it.
pub const DIFF_HEADER: &str = "--- stored snapshot";

/// Compares `text` with the snapshot `name` in `dir` (absolute) through insta. `shown_dir` is
/// the folder as the user gave it, for messages.
///
/// # Errors
/// The transcript does not match the stored snapshot (the diff), or there is none yet.
pub fn check(dir: &Path, shown_dir: &Path, name: &str, text: &str) -> anyhow::Result<()> {
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path(dir);
    settings.set_prepend_module_to_snapshot(false);
    settings.set_omit_expression(true);
    let outcome = catch_unwind(AssertUnwindSafe(|| {
        settings.bind(|| insta::assert_snapshot!(name, text));
    }));
    let Err(panic) = outcome else {
        return Ok(());
    };
    let file = format!("{name}.snap");
    let shown = shown_dir.join(&file);
    let insta_says = panic
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| panic.downcast_ref::<&str>().copied())
        .unwrap_or("insta failed");
    let stored = match insta::Snapshot::from_file(&dir.join(&file)) {
        Ok(s) => s.contents().as_text().map(ToString::to_string),
        Err(_) => None,
    };
    let Some(stored) = stored else {
        bail!(
            "there is no snapshot {} yet; this run's transcript:\n{text}\n\
             To accept it: INSTA_UPDATE=always convsms check, then review the new file.",
            shown.display()
        );
    };
    let diff = diff(&stored, text);
    if diff.lines().count() <= 3 {
        // Nothing to show: say what insta said.
        bail!("{insta_says} ({})\n{diff}", shown.display());
    }
    bail!(
        "the transcript does not match the snapshot {}:\n{diff}\n\
         To accept the change: INSTA_UPDATE=always convsms check, then review the diff.",
        shown.display(),
    );
}

/// A unified diff from the stored snapshot to this run's text, headed by [`DIFF_HEADER`].
pub fn diff(stored: &str, new: &str) -> String {
    let stored = format!("{}\n", stored.trim_end_matches('\n'));
    let new = format!("{}\n", new.trim_end_matches('\n'));
    let diff = similar::TextDiff::from_lines(&stored, &new);
    let mut out = diff
        .unified_diff()
        .context_radius(2)
        .header(&DIFF_HEADER[4..], "this run")
        .to_string();
    if out.is_empty() {
        out = format!(
            "{DIFF_HEADER}\n+++ this run\n(no line differs: only whitespace or line ends)\n"
        );
    }
    out.trim_end().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_diff_names_both_sides_and_marks_the_changed_line() {
        let d = diff("a\nb\nc\n", "a\nB\nc");
        assert!(d.starts_with(DIFF_HEADER), "{d}");
        assert!(d.contains("\n+++ this run\n"), "{d}");
        assert!(d.contains("\n-b\n+B\n"), "{d}");
    }
}
