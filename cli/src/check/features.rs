//! Reading the `.feature` files of a run, and refusing what would otherwise pass without checking
//! anything.
//!
//! - A file that cannot be run is a [`FileError`] naming the file, the line and column, and what is
//!   wrong: not UTF-8 (a UTF-8 byte order mark is accepted, as other Gherkin tools do), or not
//!   Gherkin (the line the parser stopped at and why, in words: "`Wen b` is not a step").
//! - A feature with no scenarios is a [`FileError`] too.
//! - A scenario with no steps of its own or no `Then` among them (only actions: nothing is
//!   checked), and description text that reads like a step whose
//!   keyword was misspelt (`Gven a consumer ...` is description text to Gherkin, so the step is
//!   lost), are *problems*: the scenario gets a first step that fails with the problem and its
//!   line ([`PROBLEM`]), so the run fails there and the report, JUnit and the coverage table all
//!   show it.
//! - Scenario outlines are expanded here (one scenario per Examples row).

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::path::{Path, PathBuf};

use cucumber::feature::Ext as _;
use cucumber::gherkin::{self, Feature, GherkinEnv, LineCol, Scenario, Step, StepType};

use super::suggest;

/// How a problem step's text starts; the step library has one step matching it, which fails
/// with the rest of the text.
pub const PROBLEM: &str = "\u{26a0} problem: ";

/// A feature file that cannot be run.
#[derive(Clone, Debug)]
pub struct FileError {
    /// The file (or folder) as given.
    pub path: PathBuf,
    /// Where in the file, when known.
    pub at: Option<LineCol>,
    /// What is wrong, in words.
    pub reason: String,
}

impl fmt::Display for FileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.path.display())?;
        if let Some(at) = self.at {
            write!(f, ":{}:{}", at.line, at.col)?;
        }
        write!(f, ": {}", self.reason)
    }
}

/// The features of a run, and the files that could not be read.
#[derive(Debug, Default)]
pub struct Loaded {
    /// Parsed, outlines expanded, problem steps added; in the order of the paths given, files of a
    /// folder in name order.
    pub features: Vec<Feature>,
    /// Files that cannot be run.
    pub errors: Vec<FileError>,
    /// For each scenario of an outline, by (feature path, scenario line): its Examples row,
    /// counted from 1 over all the outline's Examples tables.
    pub example_rows: HashMap<(PathBuf, usize), usize>,
    /// Where each scenario is written, by (feature path, scenario line), for `check FILE:LINE`.
    pub spans: HashMap<(PathBuf, usize), Span>,
}

/// Where a scenario (after expansion) is written in its file, 1-based lines.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Span {
    /// The lines of the scenario, or of the whole outline it was expanded from: from its tags
    /// (or its keyword) to the line before the next scenario or rule, or the file's last line.
    pub lines: (usize, usize),
    /// For a scenario expanded from an outline, its Examples row's line.
    pub row: Option<usize>,
    /// For a scenario of a rule, the rule's own lines (from its tags or keyword to the line
    /// before its first scenario: title, description, background), which belong to every
    /// scenario of the rule.
    pub rule: Option<(usize, usize)>,
    /// The line the file's first scenario or rule starts at: lines above it (the feature's
    /// title, description and background) belong to every scenario.
    pub first: usize,
    /// How many lines the file has.
    pub last: usize,
}

impl Span {
    /// Whether `line` points at this scenario, as `check FILE:LINE` reads it (as Cucumber's
    /// runners do): a line of the scenario, or the line of its Examples row; a line of an
    /// outline that is none of its rows (`rows` lists their lines) points at every row; a line
    /// above the first scenario points at every scenario of the file, one of a rule's own lines
    /// at every scenario of the rule.
    pub fn contains(&self, line: usize, rows: &[usize]) -> bool {
        if line < self.first {
            return line >= 1;
        }
        if self.rule.is_some_and(|(a, b)| (a..=b).contains(&line)) {
            return true;
        }
        match self.row {
            Some(row) if rows.contains(&line) => row == line,
            _ => (self.lines.0..=self.lines.1).contains(&line),
        }
    }
}

/// The reason [`feature_files`] gives for a folder with no feature file in it.
pub const NO_FEATURE_FILE: &str = "no .feature file in this folder";

/// Every `.feature` file of `paths` (files as given; folders searched recursively, in name
/// order), each once.
pub fn feature_files(paths: &[PathBuf]) -> (Vec<PathBuf>, Vec<FileError>) {
    let mut files = vec![];
    let mut errors = vec![];
    for p in paths {
        if p.is_file() {
            files.push(p.clone());
        } else if p.is_dir() {
            let mut found = vec![];
            let mut dirs = vec![p.clone()];
            while let Some(dir) = dirs.pop() {
                let entries = match std::fs::read_dir(&dir) {
                    Ok(e) => e,
                    Err(e) => {
                        errors.push(FileError {
                            path: dir,
                            at: None,
                            reason: format!("cannot read this folder: {e}"),
                        });
                        continue;
                    }
                };
                for entry in entries.flatten() {
                    let path = entry.path();
                    if path.is_dir() {
                        dirs.push(path);
                    } else if path
                        .extension()
                        .is_some_and(|e| e.eq_ignore_ascii_case("feature"))
                    {
                        found.push(path);
                    }
                }
            }
            if found.is_empty() {
                errors.push(FileError {
                    path: p.clone(),
                    at: None,
                    reason: NO_FEATURE_FILE.to_owned(),
                });
            }
            found.sort();
            files.extend(found);
        } else {
            errors.push(FileError {
                path: p.clone(),
                at: None,
                reason: "no such file or folder".to_owned(),
            });
        }
    }
    let mut seen = std::collections::HashSet::new();
    files.retain(|f| seen.insert(f.clone()));
    (files, errors)
}

/// How the step library runs a sentence (without its keyword) written with a keyword type: as
/// a step of which type ([`super::Matcher::resolve`]), `None` when it is no step of the library.
pub type Library<'a> = &'a dyn Fn(StepType, &str) -> Option<StepType>;

/// Reads and checks every feature file of `paths` against the step `library`.
pub fn load(paths: &[PathBuf], library: Library<'_>) -> Loaded {
    let (files, mut errors) = feature_files(paths);
    let mut loaded = Loaded::default();
    for path in files {
        match load_file(&path, library) {
            Ok((feature, rows, spans)) => {
                loaded.example_rows.extend(
                    rows.into_iter()
                        .map(|(line, row)| ((path.clone(), line), row)),
                );
                loaded.spans.extend(
                    spans
                        .into_iter()
                        .map(|(line, span)| ((path.clone(), line), span)),
                );
                loaded.features.push(feature);
            }
            Err(e) => errors.extend(e),
        }
    }
    loaded.errors = errors;
    loaded
}

/// What [`load_file`] returns: the expanded feature, the Examples row of each outline scenario
/// by line, and where each scenario is written by line.
type LoadedFile = (Feature, Vec<(usize, usize)>, Vec<(usize, Span)>);

/// One file: read, parse, check, expand.
fn load_file(path: &Path, library: Library<'_>) -> Result<LoadedFile, Vec<FileError>> {
    let error = |at: Option<LineCol>, reason: String| FileError {
        path: path.to_owned(),
        at,
        reason,
    };
    let bytes =
        std::fs::read(path).map_err(|e| vec![error(None, format!("cannot read it: {e}"))])?;
    let text = decode(bytes).map_err(|(at, reason)| vec![error(at, reason)])?;
    let mut feature = Feature::parse(&text, GherkinEnv::default()).map_err(|e| {
        let (at, reason) = diagnose(&text, &e.to_string());
        vec![error(Some(at), reason)]
    })?;
    feature.path = Some(path.to_owned());
    // What keeps the file from running, all of it at once (the parse's own error stops first).
    let mut errors: Vec<FileError> = bad_row_tags(&feature)
        .into_iter()
        .map(|(at, reason)| error(Some(at), reason))
        .collect();
    add_problems(&text, &mut feature, library);
    let rows = outline_rows(&feature);
    let written = written_lines(&feature, &text);
    let expanded = match feature.expand_examples() {
        Ok(expanded) => expanded,
        Err(e) => {
            errors.push(error(
                Some(e.pos),
                format!(
                    "<{}> is not a column of this outline's Examples table",
                    e.name
                ),
            ));
            return Err(errors);
        }
    };
    if !errors.is_empty() {
        return Err(errors);
    }
    if scenarios(&expanded).next().is_none() {
        return Err(vec![error(
            Some(expanded.position),
            "this feature has no scenarios (or only outlines without Examples rows), so it would \
             pass without checking anything"
                .to_owned(),
        )]);
    }
    let lines: Vec<usize> = scenarios(&expanded).map(|s| s.position.line).collect();
    let spans = lines
        .iter()
        .zip(&rows)
        .map(|(&line, (of, row))| {
            let (span, row_lines) = &written[*of];
            let span = Span {
                row: row.and_then(|r| row_lines.get(r - 1).copied()),
                ..*span
            };
            (line, span)
        })
        .collect();
    let rows = lines
        .into_iter()
        .zip(rows)
        .filter_map(|(line, (_, row))| row.map(|r| (line, r)))
        .collect();
    Ok((expanded, rows, spans))
}

/// Where each scenario of `feature` (before expansion, in [`scenarios`] order) is written in
/// `text`: from its tags (or its keyword) to the line before the next scenario or rule, the
/// last one to the end of the file; and, for an outline, the line of each of its Examples rows
/// in the order the expansion makes them.
fn written_lines(feature: &Feature, text: &str) -> Vec<(Span, Vec<usize>)> {
    let lines: Vec<&str> = text.lines().collect();
    let last_line = lines.len();
    // The tag lines right above a keyword belong to it.
    let start_of = |keyword: usize| {
        let mut start = keyword;
        while start > 1
            && lines
                .get(start - 2)
                .is_some_and(|l| l.trim_start().starts_with('@'))
        {
            start -= 1;
        }
        start
    };
    let mut starts: Vec<usize> = scenarios(feature)
        .map(|s| s.position.line)
        .chain(feature.rules.iter().map(|r| r.position.line))
        .map(start_of)
        .collect();
    starts.sort_unstable();
    let first = starts.first().copied().unwrap_or(1);
    let end_of = |start: usize| {
        starts
            .iter()
            .find(|&&l| l > start)
            .map_or(last_line.max(start), |next| next - 1)
    };
    let written = |s: &Scenario, rule: Option<(usize, usize)>| {
        let start = start_of(s.position.line);
        let span = Span {
            lines: (start, end_of(start)),
            row: None,
            rule,
            first,
            last: last_line,
        };
        (span, examples_rows(s, &lines))
    };
    let own = feature.scenarios.iter().map(|s| written(s, None));
    let ruled = feature.rules.iter().flat_map(|r| {
        // The rule's title, description and background: up to its first scenario.
        let start = start_of(r.position.line);
        let head = (start, end_of(start));
        r.scenarios.iter().map(move |s| written(s, Some(head)))
    });
    own.chain(ruled).collect()
}

/// The line of each Examples row of `outline` (1-based; none for a scenario), in the order
/// cucumber expands them: below each `Examples:` keyword, its description, then the table's
/// header and rows, between which blank lines and comments may stand. Falls back on
/// cucumber's own count (keyword line + 2 + row) if the text does not read so.
fn examples_rows(outline: &Scenario, lines: &[&str]) -> Vec<usize> {
    let mut out = vec![];
    for e in &outline.examples {
        let Some(table) = &e.table else { continue };
        let want = table.rows.len().saturating_sub(1);
        let mut found = vec![];
        let mut header = false;
        // Line k (1-based) is lines[k - 1]: the keyword's next line is lines[keyword].
        for (i, l) in lines.iter().enumerate().skip(e.position.line) {
            let t = l.trim();
            if t.starts_with('|') {
                if header {
                    found.push(i + 1);
                } else {
                    header = true;
                }
            } else if header && !(t.is_empty() || t.starts_with('#')) {
                break;
            }
            if found.len() == want {
                break;
            }
        }
        if found.len() != want {
            found = (0..want).map(|k| e.position.line + 2 + k).collect();
        }
        out.extend(found);
    }
    out
}

/// Every `@row:` tag (of the feature, a rule, a scenario or an Examples table) that names no
/// row of the run's catalogue ([`super::rows`]), or spells `row:` in another case: a tag the coverage report would
/// silently not count. Returns where it is and what to write instead.
fn bad_row_tags(feature: &Feature) -> Vec<(LineCol, String)> {
    let known = super::rows::rows();
    let check = |tags: &[String], at: LineCol| -> Vec<(LineCol, String)> {
        tags.iter()
            .filter_map(|tag| {
                // A row ID behind another word (`@rows:NOTIF-2`, `@req:AGENT-1`): a slip of `row:`.
                if let Some((prefix, id)) = tag.split_once(':') {
                    let row = known.iter().find(|(row, _)| row.eq_ignore_ascii_case(id));
                    if let (false, Some((row, _))) = (prefix.eq_ignore_ascii_case("row"), row) {
                        return Some((
                            at,
                            format!(
                            "@{tag} is not a row tag, so coverage would not count it; expected \
                             @row:{row}"
                        ),
                        ));
                    }
                }
                let (prefix, id) = tag.split_at_checked(4)?;
                if !prefix.eq_ignore_ascii_case("row:") {
                    return None;
                }
                let reason = if prefix != "row:" {
                    format!("@{tag}: row tags are written in lower case; expected @row:{id}")
                } else if known.iter().any(|(row, _)| *row == id) {
                    return None;
                } else {
                    let near: Vec<&str> = known
                        .iter()
                        .map(|(row, _)| *row)
                        .filter(|row| row.eq_ignore_ascii_case(id))
                        .collect();
                    match near.first() {
                        Some(row) => format!("@{tag}: row IDs are upper case; expected @row:{row}"),
                        None => format!(
                            "@{tag} names no row of {}, so coverage would not count it; expected \
                         a row ID such as @row:{} (`convsms check --coverage` lists them)",
                            super::rows::source(),
                            known.first().map_or("AGENT-1", |r| r.0)
                        ),
                    }
                };
                Some((at, reason))
            })
            .collect()
    };
    let mut bad = check(&feature.tags, feature.position);
    for r in &feature.rules {
        bad.extend(check(&r.tags, r.position));
    }
    for s in scenarios(feature) {
        bad.extend(check(&s.tags, s.position));
        for e in &s.examples {
            bad.extend(check(&e.tags, e.position));
        }
    }
    bad
}

/// Every scenario of a feature, its rules' included, in file order.
pub fn scenarios(feature: &Feature) -> impl Iterator<Item = &Scenario> {
    feature
        .scenarios
        .iter()
        .chain(feature.rules.iter().flat_map(|r| r.scenarios.iter()))
}

/// Every scenario of every feature of `features`, with its feature and its rule (if any), in
/// the order of [`scenarios`]: what `--tags`, `--name`, lines and `--partition` choose from.
pub fn every_scenario(
    features: &[Feature],
) -> impl Iterator<Item = (&Feature, Option<&gherkin::Rule>, &Scenario)> {
    features.iter().flat_map(|f| {
        let own = f.scenarios.iter().map(move |s| (f, None, s));
        let ruled =
            (f.rules.iter()).flat_map(move |r| r.scenarios.iter().map(move |s| (f, Some(r), s)));
        own.chain(ruled)
    })
}

fn scenarios_mut(feature: &mut Feature) -> impl Iterator<Item = &mut Scenario> {
    feature.scenarios.iter_mut().chain(
        feature
            .rules
            .iter_mut()
            .flat_map(|r| r.scenarios.iter_mut()),
    )
}

/// For each scenario the expansion will produce, in order: the index (in [`scenarios`] order)
/// of the scenario it comes from, and its Examples row (from 1) when that is an outline.
fn outline_rows(feature: &Feature) -> Vec<(usize, Option<usize>)> {
    let mut out = vec![];
    // Expansion keeps the order of `feature.scenarios`, then of each rule's.
    for (i, s) in scenarios(feature).enumerate() {
        if s.examples.is_empty() {
            out.push((i, None));
        } else {
            let rows: usize = s
                .examples
                .iter()
                .filter_map(|e| e.table.as_ref())
                .map(|t| t.rows.len().saturating_sub(1))
                .sum();
            out.extend((1..=rows).map(|r| (i, Some(r))));
        }
    }
    out
}

/// The file's text: UTF-8, a leading byte order mark dropped. Refused: UTF-16 (with its byte
/// order mark) and bytes that are not UTF-8, naming the line and column of the first bad byte.
fn decode(mut bytes: Vec<u8>) -> Result<String, (Option<LineCol>, String)> {
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Err((
            Some(LineCol { line: 1, col: 1 }),
            "this file is UTF-16 text (it starts with a UTF-16 byte order mark); save it as UTF-8"
                .to_owned(),
        ));
    }
    if bytes.starts_with(&[0xEF, 0xBB, 0xBF]) {
        bytes.drain(..3);
    }
    String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        let bytes = e.as_bytes();
        let good = String::from_utf8_lossy(&bytes[..at]);
        let line = good.matches('\n').count() + 1;
        let col = good.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        (
            Some(LineCol { line, col }),
            format!(
                "not UTF-8 text: byte 0x{:02X} cannot start or continue a UTF-8 character; \
                 save the file as UTF-8",
                bytes[at]
            ),
        )
    })
}

/// Where a file the Gherkin parser refused goes wrong, and why. The parser's own position is
/// often the end of the file and its reason a set of tokens, so the lines are read again: the
/// first one that cannot be where it is is the answer. When none is found, the parser's
/// position and expected tokens are given.
fn diagnose(text: &str, parser_error: &str) -> (LineCol, String) {
    if let Some(found) = first_misplaced_line(text) {
        return found;
    }
    // "Error at 6:1: {\"unknown keyword\"}"
    let re = regex::Regex::new(r"^Error at (\d+):(\d+): \{(.*)\}$").expect("a valid regex");
    if let Some(c) = re.captures(parser_error) {
        let at = LineCol {
            line: c[1].parse().unwrap_or(1),
            col: c[2].parse().unwrap_or(1),
        };
        let mut expected: Vec<String> = c[3]
            .split("\", \"")
            .map(|t| {
                t.trim_matches('"')
                    .replace("\\\"", "\"")
                    .replace("\\\\", "\\")
            })
            .collect();
        expected.sort();
        return (
            at,
            format!(
                "this is not valid Gherkin here (the parser expected: {})",
                expected.join(", ")
            ),
        );
    }
    (
        LineCol { line: 1, col: 1 },
        format!("this is not valid Gherkin ({parser_error})"),
    )
}

/// The Gherkin header keywords (English), and what they open.
const HEADERS: &[(&str, Block)] = &[
    ("Feature:", Block::Feature),
    ("Business Need:", Block::Feature),
    ("Ability:", Block::Feature),
    ("Rule:", Block::Rule),
    ("Background:", Block::Background),
    ("Scenario Outline:", Block::Scenario),
    ("Scenario Template:", Block::Scenario),
    ("Scenario:", Block::Scenario),
    ("Example:", Block::Scenario),
    ("Examples:", Block::Examples),
    ("Scenarios:", Block::Examples),
];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Block {
    Feature,
    Rule,
    Background,
    Scenario,
    Examples,
}

/// Where the lines read so far have left the reader.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Area {
    /// Before `Feature:`.
    Start,
    /// After a header, where description text may follow.
    Description(Block),
    /// After a step (its table and docstring included).
    Steps,
}

fn is_step_line(t: &str) -> bool {
    suggest::STEP_KEYWORDS
        .iter()
        .chain(&["*"])
        .any(|k| t.strip_prefix(k).is_some_and(|r| r.starts_with(' ')))
}

/// What a line that is neither a step nor a header may have been meant as.
fn hint(t: &str) -> String {
    let first = t.split_whitespace().next().unwrap_or("");
    let word = first.trim_end_matches(':').to_lowercase();
    for (k, _) in HEADERS {
        let kw = k.trim_end_matches(':');
        if t.starts_with(kw) && !t.starts_with(k) {
            return format!(" (a `{kw}` line needs a colon: `{k} ...`)");
        }
        if !kw.contains(' ') && suggest::distance(&word, &kw.to_lowercase()) <= 1 {
            return format!(" (did you mean `{k}`?)");
        }
    }
    for k in suggest::STEP_KEYWORDS {
        let d = suggest::distance(&word, &k.to_lowercase());
        if d <= 1 && (k.len() >= 4 || word.len() == k.len()) {
            return format!(" (did you mean `{k}`?)");
        }
    }
    String::new()
}

/// The first line that cannot be where it is (see [`diagnose`]).
fn first_misplaced_line(text: &str) -> Option<(LineCol, String)> {
    let mut area = Area::Start;
    let mut docstring: Option<(&str, LineCol)> = None;
    let mut table: Option<usize> = None;
    for (i, raw) in text.lines().enumerate() {
        let t = raw.trim();
        let at = LineCol {
            line: i + 1,
            col: raw.chars().take_while(|c| c.is_whitespace()).count() + 1,
        };
        if let Some((delim, _)) = docstring {
            if t.starts_with(delim) {
                docstring = None;
            }
            continue;
        }
        if t.is_empty() || t.starts_with('#') {
            continue;
        }
        if t.starts_with('|') {
            let cells = t
                .trim_end_matches('|')
                .replace("\\|", "")
                .matches('|')
                .count();
            let allowed = matches!(area, Area::Steps | Area::Description(Block::Examples));
            if !allowed {
                return Some((
                    at,
                    "a table row must follow a step or `Examples:`".to_owned(),
                ));
            }
            if let Some(n) = table.filter(|n| *n != cells) {
                return Some((
                    at,
                    format!("this table row has {cells} cells, the rows above have {n}"),
                ));
            }
            table = Some(cells);
            continue;
        }
        table = None;
        if t.starts_with('@') {
            continue;
        }
        if let Some((_, block)) = HEADERS.iter().find(|(k, _)| t.starts_with(k)) {
            match (area, block) {
                (Area::Start, Block::Feature) => {}
                (Area::Start, _) => {
                    return Some((at, "a feature file must start with `Feature:`".to_owned()))
                }
                (_, Block::Feature) => {
                    return Some((
                        at,
                        "a second `Feature:`: a file holds one feature".to_owned(),
                    ))
                }
                _ => {}
            }
            area = Area::Description(*block);
            continue;
        }
        if is_step_line(t) {
            match area {
                Area::Start => {
                    return Some((at, "a feature file must start with `Feature:`".to_owned()))
                }
                Area::Description(Block::Feature | Block::Rule | Block::Examples) => {
                    return Some((
                        at,
                        "a step must be inside a `Scenario:` or `Background:` (is that line \
                         missing or misspelt?)"
                            .to_owned(),
                    ))
                }
                _ => area = Area::Steps,
            }
            continue;
        }
        if let Some(delim) = ["\"\"\"", "```"].into_iter().find(|d| t.starts_with(d)) {
            if area != Area::Steps {
                return Some((at, "a docstring (\"\"\") must follow a step".to_owned()));
            }
            docstring = Some((delim, at));
            continue;
        }
        match area {
            Area::Start => {
                return Some((
                    at,
                    format!(
                        "a feature file must start with `Feature:`, not `{t}`{}",
                        hint(t)
                    ),
                ))
            }
            Area::Steps => {
                return Some((
                    at,
                    format!(
                        "`{t}` is not a step: a step starts with Given, When, Then, And, But or \
                         *{}",
                        hint(t)
                    ),
                ))
            }
            Area::Description(_) => {}
        }
    }
    docstring.map(|(delim, at)| {
        (
            at,
            format!("this docstring is never closed: add a line {delim} after its text"),
        )
    })
}

/// A data table or docstring under a step that takes none, with where it is and why: the step
/// library's steps that read one end with a colon (`Given the topic file "x.toml":`, `Then
/// "+1…" receives from "+1…":`), and any other step would run without looking at it.
fn ignored_argument(st: &gherkin::Step) -> Option<(usize, String)> {
    let what = match (&st.docstring, &st.table) {
        (Some(_), _) => "a docstring",
        (None, Some(_)) => "a data table",
        (None, None) => return None,
    };
    if st.value.trim_end().ends_with(':') {
        return None;
    }
    Some((
        st.position.line,
        format!(
            "line {}: `{} {}` takes no argument, so {what} under it would be ignored; remove \
             it, or use a step that reads one (those end with a colon: `convsms steps`)",
            st.position.line,
            st.keyword.trim(),
            st.value
        ),
    ))
}

/// Adds a failing first step to every scenario with a problem: no steps of its own, no check
/// (no step the library runs as a Then step), a `Then` the library runs as an action, or
/// description text (its own, or its feature's, rule's, background's or Examples') that reads
/// like a step whose keyword was misspelt.
fn add_problems(text: &str, feature: &mut Feature, library: Library<'_>) {
    let is_step = &|t: &str| library(StepType::Given, t).is_some();
    let lines: Vec<&str> = text.lines().collect();
    // Description lines that read like steps, as (line, message), by where they are.
    let lost = |description: &Option<String>, header: LineCol| -> Vec<(usize, String)> {
        let Some(d) = description else {
            return vec![];
        };
        let mut from = header.line; // the header's own line; descriptions follow it
        let mut out = vec![];
        for l in d.lines().map(str::trim).filter(|l| !l.is_empty()) {
            let line = (from..lines.len())
                .find(|i| lines[*i].trim() == l)
                .map_or(from, |i| i + 1);
            from = line;
            if let Some(k) = suggest::lost_step_keyword(l, is_step) {
                out.push((
                    line,
                    format!(
                        "line {line} reads like a step, but Gherkin reads it as description \
                         text, so the step is lost: `{l}` (did you mean `{k}`?); a step starts \
                         with Given, When, Then, And, But or *; reword it if it is description"
                    ),
                ));
            }
        }
        out
    };
    let mut for_all = lost(&feature.description, feature.position);
    if let Some(b) = &feature.background {
        for_all.extend(lost(&b.description, b.position));
        for_all.extend(b.steps.iter().filter_map(ignored_argument));
    }
    let mut by_line: BTreeMap<usize, Vec<(usize, String)>> = BTreeMap::new();
    let mut note =
        |s: &Scenario, extra: &[(usize, String)]| {
            let mut found: Vec<(usize, String)> = extra.to_vec();
            found.extend(lost(&s.description, s.position));
            for e in &s.examples {
                found.extend(lost(&e.description, e.position));
            }
            if s.steps.is_empty() {
                found.push((
                    s.position.line,
                    "this scenario has no steps, so it would pass without checking anything"
                        .to_owned(),
                ));
            } else if !s
            .steps
            .iter()
            .any(|st| library(st.ty, &first_example(s, &st.value)) == Some(StepType::Then))
            // A step that is none of the library's fails the scenario on its own, and says so.
            && s.steps.iter().all(|st| is_step(&first_example(s, &st.value)))
            {
                found.push((
                    s.position.line,
                    "this scenario checks nothing: none of its steps is one the library runs as \
                 a Then step, so it would pass whatever happened; add one that says what must \
                 be true afterwards (`convsms steps` lists them; a setup or action sentence \
                 written after `Then` does not check)"
                        .to_owned(),
                ));
            }
            found.extend(s.steps.iter().filter_map(ignored_argument));
            // A `Then` that acts: the reader takes it for a check, and it changes the scenario.
            for st in &s.steps {
                let runs_as = library(st.ty, &first_example(s, &st.value));
                if st.keyword.trim() == "Then" && runs_as.is_some_and(|t| t != StepType::Then) {
                    found.push((
                        st.position.line,
                        format!(
                        "line {}: `Then {}` is no check: the step library has it as a {} step, \
                         which changes the scenario; write it with {}, and check what must be \
                         true with a Then step",
                        st.position.line,
                        st.value,
                        if runs_as == Some(StepType::Given) { "Given" } else { "When" },
                        if runs_as == Some(StepType::Given) { "Given" } else { "When" },
                    ),
                    ));
                }
            }
            if !found.is_empty() {
                by_line.insert(s.position.line, found);
            }
        };
    for s in &feature.scenarios {
        note(s, &for_all);
    }
    for r in &feature.rules {
        let mut for_rule = for_all.clone();
        for_rule.extend(lost(&r.description, r.position));
        if let Some(b) = &r.background {
            for_rule.extend(lost(&b.description, b.position));
            for_rule.extend(b.steps.iter().filter_map(ignored_argument));
        }
        for s in &r.scenarios {
            note(s, &for_rule);
        }
    }
    for s in scenarios_mut(feature) {
        if let Some(found) = by_line.remove(&s.position.line) {
            add_problem_step(s, found);
        }
    }
}

/// `text` with an outline's `<placeholders>` filled from its first Examples row, as cucumber
/// expands it; `text` itself for a scenario (or an outline with no row).
fn first_example(s: &Scenario, text: &str) -> String {
    let row = s
        .examples
        .iter()
        .filter_map(|e| e.table.as_ref())
        .find(|t| t.rows.len() >= 2);
    let Some(table) = row else {
        return text.to_owned();
    };
    table.rows[0]
        .iter()
        .zip(&table.rows[1])
        .fold(text.to_owned(), |t, (name, value)| {
            t.replace(&format!("<{name}>"), value)
        })
}

/// Makes a scenario fail first thing with `problems` (line, message).
pub fn add_problem_step(scenario: &mut Scenario, mut problems: Vec<(usize, String)>) {
    problems.sort();
    problems.dedup();
    let line = problems.first().map_or(scenario.position.line, |p| p.0);
    let text: Vec<String> = problems.into_iter().map(|p| p.1).collect();
    scenario.steps.insert(
        0,
        Step {
            keyword: "* ".to_owned(),
            ty: StepType::Given,
            value: format!("{PROBLEM}{}", text.join("\n")),
            docstring: None,
            table: None,
            span: gherkin::Span { start: 0, end: 0 },
            position: LineCol { line, col: 1 },
        },
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    fn misplaced(text: &str) -> Option<(usize, usize, String)> {
        first_misplaced_line(text).map(|(at, why)| (at.line, at.col, why))
    }

    #[test]
    fn the_line_that_breaks_the_file_is_named() {
        let (line, col, why) =
            misplaced("Feature: X\n  Scenario: A\n    Given a\n    Wen b\n    Then c\n").unwrap();
        assert_eq!((line, col), (4, 5));
        assert!(why.contains("`Wen b` is not a step"), "{why}");
        assert!(why.contains("did you mean `When`?"), "{why}");

        let (line, _, why) = misplaced("Featur: X\n  Scenario: A\n    Given a\n").unwrap();
        assert_eq!(line, 1);
        assert!(why.contains("did you mean `Feature:`?"), "{why}");

        let (line, _, why) =
            misplaced("Feature: X\n  Scenario: A\n    Given a\n      | a | b |\n      | c |\n")
                .unwrap();
        assert_eq!(line, 5);
        assert!(why.contains("1 cells, the rows above have 2"), "{why}");

        let (line, _, why) =
            misplaced("Feature: X\n  Scenario: A\n    Given a\n  Scenario B\n    Given b\n")
                .unwrap();
        assert_eq!(line, 4);
        assert!(why.contains("needs a colon"), "{why}");

        let (line, _, why) =
            misplaced("Feature: X\n  Scenario: A\n    Given a\n    \"\"\"\n    doc\n").unwrap();
        assert_eq!(line, 4);
        assert!(why.contains("never closed"), "{why}");

        assert_eq!(
            misplaced("Feature: X\n  Text\n  Scenario: A\n    Given a\n      | a |\n"),
            None
        );
    }

    #[test]
    fn row_tags_that_coverage_would_not_count_are_refused_where_they_are() {
        let bad = |tags: &str| {
            let text = format!("Feature: X\n\n  Rule: R\n\n  {tags}\n  Scenario: A\n    Given a\n");
            let feature = Feature::parse(&text, GherkinEnv::default()).unwrap();
            bad_row_tags(&feature)
                .into_iter()
                .next()
                .map(|(at, why)| (at.line, why))
        };
        assert_eq!(bad("@row:AGENT-1 @slow"), None);
        let (_, why) = bad("@rows:AGENT-1").unwrap();
        assert_eq!(
            why,
            "@rows:AGENT-1 is not a row tag, so coverage would not count it; expected @row:AGENT-1"
        );
        assert!(bad("@req:agent-1")
            .unwrap()
            .1
            .ends_with("expected @row:AGENT-1"));
        assert_eq!(bad("@issue:42 @slow"), None);
        let (line, why) = bad("@slow @row:REQ-99").unwrap();
        assert_eq!(line, 6);
        assert!(why.starts_with("@row:REQ-99 names no row"), "{why}");
        assert!(bad("@row:agent-1")
            .unwrap()
            .1
            .contains("expected @row:AGENT-1"));
        assert!(bad("@ROW:AGENT-1").unwrap().1.contains("lower case"));
        // Every one is said at once, not one a run.
        let text = "@rows:AGENT-1\nFeature: X\n\n  @row:agent-2\n  Scenario: A\n    Given a\n";
        let feature = Feature::parse(text, GherkinEnv::default()).unwrap();
        assert_eq!(bad_row_tags(&feature).len(), 2);
    }

    #[test]
    fn bad_bytes_are_named_by_line_and_column() {
        let (at, why) = decode(b"Feature: X\n  Scenario: \xE9t\xE9\n".to_vec()).unwrap_err();
        let at = at.unwrap();
        assert_eq!((at.line, at.col), (2, 13));
        assert!(why.contains("0xE9"), "{why}");
        assert_eq!(
            decode(b"\xEF\xBB\xBFFeature: X\n".to_vec()).unwrap(),
            "Feature: X\n"
        );
        assert!(decode(b"\xFF\xFEF\0".to_vec())
            .unwrap_err()
            .1
            .contains("UTF-16"));
    }
}
