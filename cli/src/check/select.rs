//! Which scenarios a `convsms check` runs: `--tags`, `--name REGEX` and `FILE:LINE` paths (as
//! Cucumber's runners take them: `features/x.feature:12`, or several lines `x.feature:12:30`).
//!
//! A line points at the scenario written there (any line of it, its tags' and title's), at one
//! Examples row of an outline (the row's line) or at every row (another line of the outline),
//! or, above the file's first scenario (title, description, background), at every scenario of
//! the file. A line past the end of the file, or a `--name` that no scenario has, is refused
//! before anything runs, so a filter that selects nothing never passes as a green run.

use std::collections::HashMap;
use std::io;
use std::path::{Path, PathBuf};

use cucumber::gherkin;
use cucumber::tag::Ext as _;

use super::features::{self, Loaded};

/// The paths of a run split from their `:LINE` suffixes, and the lines asked for, by file.
#[derive(Debug, Default)]
pub struct Paths {
    /// Files and folders to load, in the order given, each once.
    pub paths: Vec<PathBuf>,
    /// For a file given with lines only (not also whole), those lines in the order given.
    pub lines: HashMap<PathBuf, Vec<usize>>,
}

/// Splits `FILE:LINE[:LINE...]` arguments. A path that exists as given is taken whole, even
/// with a colon in its name.
///
/// # Errors
/// `InvalidInput` when a line is given after a folder, or a line is 0.
pub fn split_paths(given: &[PathBuf]) -> io::Result<Paths> {
    let mut out = Paths::default();
    let mut whole = vec![];
    for p in given {
        let (path, lines) = match split_lines(p) {
            Some((path, lines)) if !p.exists() => (path, lines),
            _ => (p.clone(), vec![]),
        };
        if !lines.is_empty() && path.is_dir() {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!(
                    "{} is a folder: a line (`:{}`) can follow a feature file only, as in \
                     features/phone/validation.feature:16",
                    path.display(),
                    lines[0]
                ),
            ));
        }
        if lines.contains(&0) {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!(
                    "{}: lines are counted from 1, so :0 points at nothing",
                    p.display()
                ),
            ));
        }
        if lines.is_empty() {
            whole.push(path.clone());
        } else {
            out.lines.entry(path.clone()).or_default().extend(lines);
        }
        if !out.paths.contains(&path) {
            out.paths.push(path);
        }
    }
    for p in whole {
        out.lines.remove(&p);
    }
    Ok(out)
}

/// `x.feature:12:30` as (`x.feature`, [12, 30]); `None` without a numeric suffix.
fn split_lines(p: &Path) -> Option<(PathBuf, Vec<usize>)> {
    let text = p.to_str()?;
    let mut parts: Vec<&str> = text.split(':').collect();
    let mut lines = vec![];
    while parts.len() > 1 {
        match parts.last().and_then(|l| l.parse::<usize>().ok()) {
            Some(n) => {
                lines.push(n);
                parts.pop();
            }
            None => break,
        }
    }
    lines.reverse();
    (!lines.is_empty()).then(|| (PathBuf::from(parts.join(":")), lines))
}

/// What a run keeps: `--tags`, `--name` and the lines of [`Paths`].
pub struct Selection {
    tags: Option<gherkin::tagexpr::TagOperation>,
    name: Option<regex::Regex>,
    lines: HashMap<PathBuf, Vec<usize>>,
    spans: HashMap<(PathBuf, usize), features::Span>,
    /// The Examples rows' lines of each outline, by (file, the outline's first line).
    rows: HashMap<(PathBuf, usize), Vec<usize>>,
}

impl Selection {
    /// The selection of a run over `loaded`.
    ///
    /// # Errors
    /// `InvalidInput` when `--tags` is not a tag expression, `--name` is not a regular
    /// expression, no scenario's name matches `--name`, or a line is past the end of its file.
    pub fn new(
        tags: Option<&str>,
        name: Option<&str>,
        lines: HashMap<PathBuf, Vec<usize>>,
        loaded: &Loaded,
    ) -> io::Result<Self> {
        let invalid = |m: String| io::Error::new(io::ErrorKind::InvalidInput, m);
        let tags = match tags.map(str::parse::<gherkin::tagexpr::TagOperation>) {
            Some(Ok(op)) => Some(op),
            Some(Err(e)) => {
                return Err(invalid(format!(
                    "--tags is not a tag expression ({e}); expected something like \
                     '@row:AGENT-1 and not @slow'"
                )))
            }
            None => None,
        };
        let name = match name.map(regex::Regex::new) {
            Some(Ok(r)) => Some(r),
            Some(Err(e)) => {
                return Err(invalid(format!(
                    "--name is not a regular expression ({e}); expected part of a scenario's \
                     title, such as 'STOP' or '^An agent'"
                )))
            }
            None => None,
        };
        let mut rows: HashMap<(PathBuf, usize), Vec<usize>> = HashMap::new();
        for ((path, line), span) in &loaded.spans {
            if span.row.is_some() {
                rows.entry((path.clone(), span.lines.0))
                    .or_default()
                    .push(*line);
            }
        }
        let selection = Self {
            tags,
            name,
            lines,
            spans: loaded.spans.clone(),
            rows,
        };
        if let Some(r) = &selection.name {
            let all = || loaded.features.iter().flat_map(features::scenarios);
            if !all().any(|s| r.is_match(&s.name)) {
                return Err(invalid(format!(
                    "no scenario's title matches --name '{r}' (of {} scenarios); the match is \
                     case-sensitive and finds the expression anywhere in the title",
                    all().count()
                )));
            }
        }
        for (path, lines) in &selection.lines {
            let Some(span) = selection.spans.iter().find(|((p, _), _)| p == path) else {
                continue; // the file could not be loaded: its error is reported already
            };
            let last = span.1.last;
            if let Some(past) = lines.iter().find(|&&l| l > last) {
                return Err(invalid(format!(
                    "{}:{past} is past the end of the file, which has {last} lines",
                    path.display()
                )));
            }
        }
        Ok(selection)
    }

    /// Whether `scenario` (of `rule`, if any, of `feature`) runs.
    pub fn keeps(
        &self,
        feature: &gherkin::Feature,
        rule: Option<&gherkin::Rule>,
        scenario: &gherkin::Scenario,
    ) -> bool {
        self.tags.as_ref().is_none_or(|op| {
            op.eval(
                feature
                    .tags
                    .iter()
                    .chain(rule.iter().flat_map(|r| &r.tags))
                    .chain(scenario.tags.iter()),
            )
        }) && self
            .name
            .as_ref()
            .is_none_or(|r| r.is_match(&scenario.name))
            && self.at_lines(feature, scenario)
    }

    fn at_lines(&self, feature: &gherkin::Feature, scenario: &gherkin::Scenario) -> bool {
        let Some(path) = &feature.path else {
            return true;
        };
        let Some(lines) = self.lines.get(path) else {
            return true;
        };
        let Some(span) = self.spans.get(&(path.clone(), scenario.position.line)) else {
            return false;
        };
        let rows = self
            .rows
            .get(&(path.clone(), span.lines.0))
            .map_or(&[][..], Vec::as_slice);
        lines.iter().any(|&l| span.contains(l, rows))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FEATURE: &str = "\
Feature: Lines
  Background:
    Given the Conversational SMS provider number \"+14155550100\"

  Scenario: First
    When 1 second passes

  @tagged
  Scenario Outline: Second <n>
    When <n> seconds pass

    Examples:
      | n |
      | 2 |
      | 3 |

  Scenario: Third
    When 4 seconds pass
";

    /// The titles `FILE:LINE...` runs in FEATURE, and the error when it is refused.
    fn run(lines: &[usize], name: Option<&str>) -> Result<Vec<String>, String> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("lines.feature");
        std::fs::write(&path, FEATURE).unwrap();
        let loaded = features::load(std::slice::from_ref(&path), &|_| true);
        assert!(loaded.errors.is_empty(), "{:?}", loaded.errors);
        let mut by_file = HashMap::new();
        if !lines.is_empty() {
            by_file.insert(path, lines.to_vec());
        }
        let s = Selection::new(None, name, by_file, &loaded).map_err(|e| e.to_string())?;
        let f = &loaded.features[0];
        Ok(features::scenarios(f)
            .filter(|sc| s.keeps(f, None, sc))
            .map(|sc| sc.name.clone())
            .collect())
    }

    #[test]
    fn a_line_runs_the_scenario_written_there_or_one_examples_row() {
        let all = ["First", "Second 2", "Second 3", "Third"];
        assert_eq!(run(&[], None).unwrap(), all);
        // The feature's title and background: every scenario.
        assert_eq!(run(&[1], None).unwrap(), all);
        assert_eq!(run(&[3], None).unwrap(), all);
        // The title or a step of a scenario, or the blank line after it.
        assert_eq!(run(&[5], None).unwrap(), ["First"]);
        assert_eq!(run(&[6], None).unwrap(), ["First"]);
        assert_eq!(run(&[7], None).unwrap(), ["First"]);
        // The outline's tags, title or step, its Examples header: every row; a row: that row.
        assert_eq!(run(&[8], None).unwrap(), ["Second 2", "Second 3"]);
        assert_eq!(run(&[9], None).unwrap(), ["Second 2", "Second 3"]);
        assert_eq!(run(&[13], None).unwrap(), ["Second 2", "Second 3"]);
        assert_eq!(run(&[14], None).unwrap(), ["Second 2"]);
        assert_eq!(run(&[15], None).unwrap(), ["Second 3"]);
        assert_eq!(run(&[18, 5], None).unwrap(), ["First", "Third"]);
        assert_eq!(run(&[18], None).unwrap(), ["Third"]);
        let past = run(&[19], None).unwrap_err();
        assert!(
            past.contains(":19 is past the end of the file, which has 18 lines"),
            "{past}"
        );
    }

    #[test]
    fn a_name_runs_the_scenarios_whose_title_matches_and_one_nobody_has_is_refused() {
        assert_eq!(run(&[], Some("^Second")).unwrap(), ["Second 2", "Second 3"]);
        assert_eq!(run(&[15], Some("Second")).unwrap(), ["Second 3"]);
        assert_eq!(run(&[5], Some("Second")).unwrap(), Vec::<String>::new());
        let none = run(&[], Some("Fourth")).unwrap_err();
        assert!(
            none.contains("no scenario's title matches --name 'Fourth' (of 4 scenarios)"),
            "{none}"
        );
        let bad = run(&[], Some("(")).unwrap_err();
        assert!(bad.contains("--name is not a regular expression"), "{bad}");
    }

    #[test]
    fn paths_keep_their_lines_and_a_whole_file_wins() {
        let p = |s: &str| PathBuf::from(s);
        let split = split_paths(&[p("a.feature:12:30"), p("b.feature"), p("a.feature:7")]).unwrap();
        assert_eq!(split.paths, [p("a.feature"), p("b.feature")]);
        assert_eq!(split.lines[&p("a.feature")], [12, 30, 7]);
        let split = split_paths(&[p("a.feature:12"), p("a.feature")]).unwrap();
        assert!(split.lines.is_empty());
        let zero = split_paths(&[p("a.feature:0")]).unwrap_err().to_string();
        assert!(zero.contains("counted from 1"), "{zero}");
        let dir = tempfile::tempdir().unwrap();
        let folder = split_paths(&[PathBuf::from(format!("{}:3", dir.path().display()))])
            .unwrap_err()
            .to_string();
        assert!(folder.contains("is a folder"), "{folder}");
    }
}
