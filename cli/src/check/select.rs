//! Which scenarios a `convsms check` runs: `--tags`, `--name REGEX` and `FILE:LINE` paths (as
//! Cucumber's runners take them: `features/x.feature:12`, or several lines `x.feature:12:30`).
//!
//! A line points at the scenario written there (any line of it, its tags' and title's), at one
//! Examples row of an outline (the row's line) or at every row (another line of the outline),
//! or, above the file's first scenario (title, description, background), at every scenario of
//! the file (above a rule's first scenario, at every scenario of the rule). A line past the end
//! of the file, or filters that together select no scenario, are refused before anything runs,
//! so a filter that selects nothing never passes as a green run.

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
/// with a colon in its name; a file also given whole, or inside a folder given whole, runs
/// whole.
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
        if !path.exists() {
            // `F:abc`, `F:16:`: the file exists and only what follows it is wrong.
            let text = p.to_string_lossy();
            let file = text
                .match_indices(':')
                .map(|(i, _)| Path::new(&text[..i]))
                .find(|f| f.is_file());
            if let Some(file) = file {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidInput,
                    format!(
                        "{}: after the feature file {}, `:` takes line numbers only, as in \
                         {}:16 or {}:16:20",
                        p.display(),
                        file.display(),
                        file.display(),
                        file.display()
                    ),
                ));
            }
        }
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
    // A file given whole, or found in a folder given whole, runs whole.
    out.lines.retain(|file, _| {
        !whole
            .iter()
            .any(|w| file == w || (w.is_dir() && file.starts_with(w)))
    });
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
    /// expression, no scenario's name matches `--name`, a line is past the end of its file, or
    /// the filters given together select no scenario.
    pub fn new(
        tags: Option<&str>,
        name: Option<&str>,
        lines: HashMap<PathBuf, Vec<usize>>,
        loaded: &Loaded,
    ) -> io::Result<Self> {
        let invalid = |m: String| io::Error::new(io::ErrorKind::InvalidInput, m);
        let (tags_given, name_given) = (tags, name);
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
        for ((path, _), span) in &loaded.spans {
            if let Some(row) = span.row {
                rows.entry((path.clone(), span.lines.0))
                    .or_default()
                    .push(row);
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
            let all = || features::every_scenario(&loaded.features);
            if !all().any(|(_, _, s)| r.is_match(&s.name)) {
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
        let all = || features::every_scenario(&loaded.features);
        let filtered =
            selection.tags.is_some() || selection.name.is_some() || !selection.lines.is_empty();
        // With no scenario loaded at all, the files' own errors say why.
        let loaded_any = all().next().is_some();
        if filtered && loaded_any && !all().any(|(f, r, s)| selection.keeps(f, r, s)) {
            let mut given = vec![];
            if let Some(t) = tags_given {
                given.push(format!("--tags '{t}'"));
            }
            if let Some(n) = name_given {
                given.push(format!("--name '{n}'"));
            }
            if !selection.lines.is_empty() {
                given.push("the lines given".to_owned());
            }
            return Err(invalid(format!(
                "{} {} no scenario of the {} loaded, so the run would check nothing; \
                 `convsms check --help` says how each selects",
                given.join(" and "),
                if given.len() == 1 {
                    "selects"
                } else {
                    "select"
                },
                all().count()
            )));
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
    # | 9 |
      | 3 |

    Examples: more
      | n |
      | 5 |

  Rule: A rule
    Background:
      Given an agent \"alice\"

    Scenario: Third
      When 4 seconds pass
";

    /// The titles `FILE:LINE...` runs in FEATURE, and the error when it is refused.
    fn run(lines: &[usize], name: Option<&str>) -> Result<Vec<String>, String> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("lines.feature");
        std::fs::write(&path, FEATURE).unwrap();
        let loaded = features::load(std::slice::from_ref(&path), &|ty, _| Some(ty));
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
        let outline = ["Second 2", "Second 3", "Second 5"];
        let all = ["First", "Second 2", "Second 3", "Second 5", "Third"];
        assert_eq!(run(&[], None).unwrap(), all);
        // The feature's title and background: every scenario.
        assert_eq!(run(&[1], None).unwrap(), all);
        assert_eq!(run(&[3], None).unwrap(), all);
        // The title or a step of a scenario, or the blank line after it.
        for line in [5, 6, 7] {
            assert_eq!(run(&[line], None).unwrap(), ["First"], "line {line}");
        }
        // The outline's tags, title, step, Examples keywords and headers, a comment between
        // its rows: every row.
        for line in [8, 9, 10, 12, 13, 14, 16, 19, 20] {
            assert_eq!(run(&[line], None).unwrap(), outline, "line {line}");
        }
        // A row, blank lines and comments in the table counted: that row.
        assert_eq!(run(&[15], None).unwrap(), ["Second 2"]);
        assert_eq!(run(&[17], None).unwrap(), ["Second 3"]);
        assert_eq!(run(&[21], None).unwrap(), ["Second 5"]);
        // A rule's title and background: its scenarios.
        for line in [23, 24, 25, 27, 28] {
            assert_eq!(run(&[line], None).unwrap(), ["Third"], "line {line}");
        }
        assert_eq!(run(&[28, 5], None).unwrap(), ["First", "Third"]);
        let past = run(&[29], None).unwrap_err();
        assert!(
            past.contains(":29 is past the end of the file, which has 28 lines"),
            "{past}"
        );
    }

    #[test]
    fn a_name_runs_the_scenarios_whose_title_matches_and_one_nobody_has_is_refused() {
        assert_eq!(
            run(&[], Some("^Second")).unwrap(),
            ["Second 2", "Second 3", "Second 5"]
        );
        assert_eq!(run(&[17], Some("Second")).unwrap(), ["Second 3"]);
        let none = run(&[], Some("Fourth")).unwrap_err();
        assert!(
            none.contains("no scenario's title matches --name 'Fourth' (of 5 scenarios)"),
            "{none}"
        );
        // Filters that each select something, but nothing together.
        let apart = run(&[5], Some("Second")).unwrap_err();
        assert!(
            apart.contains("--name 'Second' and the lines given select no scenario of the 5"),
            "{apart}"
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
        let folder = tempfile::tempdir().unwrap();
        let inside = format!("{}/x.feature:16", folder.path().display());
        let split = split_paths(&[folder.path().to_owned(), p(&inside)]).unwrap();
        assert!(split.lines.is_empty(), "{:?}", split.lines);
        let zero = split_paths(&[p("a.feature:0")]).unwrap_err().to_string();
        assert!(zero.contains("counted from 1"), "{zero}");
        let dir = tempfile::tempdir().unwrap();
        let folder = split_paths(&[PathBuf::from(format!("{}:3", dir.path().display()))])
            .unwrap_err()
            .to_string();
        assert!(folder.contains("is a folder"), "{folder}");
        let file = dir.path().join("v.feature");
        std::fs::write(&file, "Feature: v\n").unwrap();
        for tail in [":abc", ":16:"] {
            let e = split_paths(&[PathBuf::from(format!("{}{tail}", file.display()))])
                .unwrap_err()
                .to_string();
            assert!(e.contains("`:` takes line numbers only"), "{e}");
        }
    }
}
