//! The row catalogue a run counts coverage against: every behaviour a scenario can claim with an
//! `@row:ID` tag. The project's `features/rows.tsv` when it has one, read when the run starts, so
//! that QA can add a row without a new build; else [`BUILT_IN`], the rows of ServiceNow's
//! Conversational SMS seeds (../shared/spec/rows.md) as this repository's `features/rows.tsv`
//! states them.
//!
//! The format: one row a line, `ID<TAB>statement`; the ID in upper case (`AGENT-3`, letters,
//! digits, `-` and `_`); lines starting with `#` and blank lines are comments.

use std::io;
use std::path::Path;
use std::sync::Mutex;

/// The built-in catalogue: this repository's `features/rows.tsv`.
pub const BUILT_IN: &str = include_str!("../../../features/rows.tsv");

/// The catalogue of the run under way: its text (leaked: one per run) and where it came from.
static CURRENT: Mutex<Option<(&'static str, String)>> = Mutex::new(None);

/// Where the built-in catalogue says it comes from, in messages.
const BUILT_IN_SOURCE: &str = "the built-in row catalogue (the seeds' rows)";

/// Uses `root`'s `features/rows.tsv` for this run when there is one, else [`BUILT_IN`]. Returns
/// whether the project has its own.
///
/// # Errors
/// The file cannot be read; a line is not `ID<TAB>statement` with an upper-case ID and a
/// statement (`InvalidData`, naming the file, the line and what was expected); an ID is
/// listed twice.
pub fn use_project(root: &Path) -> io::Result<bool> {
    let path = root.join("features").join("rows.tsv");
    let (text, source, own) = if path.is_file() {
        let text = std::fs::read_to_string(&path)
            .map_err(|e| io::Error::new(e.kind(), format!("{}: {e}", path.display())))?;
        let shown = path.display().to_string();
        parse(&text)
            .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, format!("{shown}:{e}")))?;
        (
            Box::leak(text.into_boxed_str()) as &'static str,
            shown,
            true,
        )
    } else {
        (BUILT_IN, BUILT_IN_SOURCE.to_owned(), false)
    };
    *CURRENT.lock().unwrap_or_else(|p| p.into_inner()) = Some((text, source));
    Ok(own)
}

/// The rows of the run's catalogue as (ID, statement), in file order ([`BUILT_IN`] before a run
/// chose one).
pub fn rows() -> Vec<(&'static str, &'static str)> {
    let text = CURRENT
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .as_ref()
        .map_or(BUILT_IN, |c| c.0);
    parse(text).unwrap_or_default()
}

/// Where the run's catalogue comes from, for messages: its file, or the built-in catalogue.
pub fn source() -> String {
    CURRENT
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .as_ref()
        .map_or_else(|| BUILT_IN_SOURCE.to_owned(), |c| c.1.clone())
}

/// Reads a catalogue's rows.
///
/// # Errors
/// `"N: what was wrong"` for line N (from 1).
fn parse(text: &str) -> Result<Vec<(&str, &str)>, String> {
    let mut rows: Vec<(&str, &str)> = Vec::new();
    // A byte-order mark, as a spreadsheet saving TSV may write, is not part of the first ID.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    for (n, line) in text.lines().enumerate() {
        let n = n + 1;
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let expected = "expected a row as ID<TAB>statement, the ID in upper case (for example \
                        AGENT-1), or a comment starting with #";
        let Some((id, statement)) = line.split_once('\t') else {
            return Err(format!("{n}: no tab in {line:?}; {expected}"));
        };
        let id_ok = !id.is_empty()
            && id
                .chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '-' || c == '_');
        if !id_ok {
            return Err(format!("{n}: {id:?} is not a row ID; {expected}"));
        }
        if statement.trim().is_empty() {
            return Err(format!("{n}: row {id} says nothing; {expected}"));
        }
        if rows.iter().any(|(known, _)| *known == id) {
            return Err(format!("{n}: row {id} is listed twice"));
        }
        rows.push((id, statement));
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_built_in_catalogue_reads_whole() {
        let rows = parse(BUILT_IN).unwrap();
        assert_eq!(rows.len(), 60);
        assert_eq!(rows[0].0, "PROFILE-1");
        assert!(rows.iter().any(|r| r.0 == "PROVIDER-4"));
    }

    #[test]
    fn a_bad_line_is_named_with_what_was_expected() {
        for (text, says) in [
            ("# c\nA-1\tok\nA-2 no tab\n", "3: no tab"),
            ("a-1\tlower case\n", "1: \"a-1\" is not a row ID"),
            ("A-1\t  \n", "1: row A-1 says nothing"),
            ("A-1\tone\n\nA-1\ttwo\n", "3: row A-1 is listed twice"),
        ] {
            let e = parse(text).unwrap_err();
            assert!(e.starts_with(says), "{text:?}: {e}");
        }
        assert_eq!(
            parse("# only\n\nMY-1\tMine.\n").unwrap(),
            vec![("MY-1", "Mine.")]
        );
        assert_eq!(
            parse("\u{feff}MY-1\tMine.\n").unwrap(),
            vec![("MY-1", "Mine.")]
        );
    }
}
