//! Snapshot diffs for failure messages: the unified diff (the `similar` crate) between the
//! stored snapshot and this run's transcript goes into the step's error, so the console, the JUnit
//! `<failure>` and the HTML report all show it. The snapshot files themselves are
//! [`crate::check::snapshot`]'s.

/// The first line of a snapshot diff in a failure message; the HTML report colours the lines of
/// a diff that follows it.
pub const DIFF_HEADER: &str = "--- stored snapshot";

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
