//! Near misses: the edit distance between two texts, the catalogue sentences closest to a step
//! nobody wrote ("did you mean"), and the Gherkin keyword a misspelt word was meant to be.

use super::steps;

/// The optimal-string-alignment distance between `a` and `b`, by characters: insertions,
/// deletions, substitutions and swaps of two neighbours each cost 1 (`strsim`, the crate clap's
/// own suggestions use).
pub fn distance(a: &str, b: &str) -> usize {
    strsim::osa_distance(a, b)
}

/// A sentence with its values blanked, so that sentences are compared by their words: every
/// quoted text becomes `""` and every run of digits `0`; lower case.
fn shape(sentence: &str) -> String {
    let mut out = String::new();
    let mut chars = sentence.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '"' {
            for c in chars.by_ref() {
                if c == '"' {
                    break;
                }
            }
            out.push_str("\"\"");
        } else if c.is_ascii_digit() {
            while chars.peek().is_some_and(char::is_ascii_digit) {
                chars.next();
            }
            out.push('0');
        } else {
            out.extend(c.to_lowercase());
        }
    }
    out
}

/// The Gherkin step keywords, as a step sentence starts.
pub const STEP_KEYWORDS: &[&str] = &["Given", "When", "Then", "And", "But"];

/// A sentence without its leading step keyword.
pub fn without_keyword(sentence: &str) -> &str {
    let s = sentence.trim_start();
    for k in STEP_KEYWORDS.iter().chain(&["*"]) {
        if let Some(rest) = s.strip_prefix(k) {
            if rest.starts_with(' ') {
                return rest.trim_start();
            }
        }
    }
    s
}

/// Up to `max` example sentences of the catalogue (`convsms steps`) closest to `text` (a step
/// without its keyword), closest first; only those that differ in less than half their words'
/// letters.
pub fn closest_examples(text: &str, max: usize) -> Vec<&'static str> {
    let want = shape(text);
    let mut scored: Vec<(usize, &'static str)> = steps::EXAMPLES
        .iter()
        .flat_map(|(_, examples)| examples.iter().copied())
        .map(|ex| {
            let got = shape(without_keyword(ex));
            let d = distance(&want, &got);
            (d, ex, got.chars().count().max(want.chars().count()))
        })
        .filter(|(d, _, len)| d * 2 < *len)
        .map(|(d, ex, _)| (d, ex))
        .collect();
    scored.sort();
    scored.dedup_by(|a, b| a.1 == b.1);
    scored.into_iter().take(max).map(|(_, ex)| ex).collect()
}

/// The step keyword a description line's first word looks like a near miss of (`Gven`, `Whne`,
/// `given`, `Adn`), when the line should be read as a lost step rather than prose:
///
/// - `Given`, `When`, `Then` (or a one-letter slip of them) with a capital letter, followed by
///   text: prose rarely starts a line so, unless the word is an English one a letter away
///   ([`PROSE_LOOKALIKES`]: "The customer is happy." is prose);
/// - any case, and also `And`/`But` slips of the same length, when the rest of the line is a
///   sentence of the step library (`is_step`).
pub fn lost_step_keyword(line: &str, is_step: &dyn Fn(&str) -> bool) -> Option<&'static str> {
    let line = line.trim();
    let (first, rest) = line.split_once(char::is_whitespace)?;
    let rest = rest.trim();
    if rest.is_empty() {
        return None;
    }
    let word = first.trim_end_matches(':');
    if word.is_empty() || !word.chars().all(char::is_alphabetic) {
        return None;
    }
    let lower = word.to_lowercase();
    let capital = word.chars().next().is_some_and(char::is_uppercase);
    let (d, k) = STEP_KEYWORDS
        .iter()
        .map(|k| (distance(&lower, &k.to_lowercase()), *k))
        .min()?;
    let long = k.len() >= 4;
    let near = d <= 1 && (long || lower.chars().count() == k.len());
    let prose = PROSE_LOOKALIKES.contains(&lower.as_str());
    (near && ((capital && long && !prose) || is_step(rest))).then_some(k)
}

/// English words a letter away from `Given`, `When` or `Then` that start sentences of prose:
/// a description line starting with one is a lost step only when the rest is a step sentence.
const PROSE_LOOKALIKES: &[&str] = &[
    "the", "them", "than", "thin", "thee", "they", "hen", "ten", "wen", "whet", "whey", "wren",
    "give", "giver", "gives", "riven", "liven",
];

/// Why `text` (a step without its keyword) is no sentence of the library when it would be one
/// with its values written as the library writes them (`is_step` says what is): typographic
/// quotes where the library has straight ones, fractions where it counts whole numbers, negative
/// counts. Every slip the sentence needs mended is named, in the order they appear, and only
/// those: a value the sentence reads as it is (a second number that is fine) is not blamed. What
/// is inside straight quotes (numbers, bodies) is left as written.
pub fn value_slip(text: &str, is_step: &dyn Fn(&str) -> bool) -> Option<String> {
    const CURLY: &[char] = &['\u{201c}', '\u{201d}', '\u{201e}', '\u{00ab}', '\u{00bb}'];
    let straight = text.replace(CURLY, "\"");
    // Try with the quotes straightened first; a typographic quote that belongs to a body (inside
    // straight quotes) makes that reading fail, and the numbers are then mended in the text as
    // written.
    let readings = if straight == text {
        vec![(text, false)]
    } else {
        vec![(straight.as_str(), true), (text, false)]
    };
    for (reading, quotes_mended) in readings {
        let edits = number_edits(reading);
        if !quotes_mended && edits.is_empty() {
            continue;
        }
        // The fewest edits that make it a sentence of the library (a sentence has a handful of
        // numbers at most; past 8 only all of them together are tried).
        let n = edits.len();
        let masks: Vec<u32> = if n <= 8 {
            let mut all: Vec<u32> = (0..1u32 << n).collect();
            all.sort_by_key(|m| m.count_ones());
            all
        } else {
            vec![u32::MAX]
        };
        let keep_of = |mask: u32| -> Vec<bool> {
            (0..n)
                .map(|i| mask == u32::MAX || mask >> i & 1 == 1)
                .collect()
        };
        let Some(keep) = masks
            .into_iter()
            .filter(|m| quotes_mended || *m != 0)
            .map(keep_of)
            .find(|keep| is_step(&apply(reading, &edits, keep)))
        else {
            continue;
        };
        let mended = apply(reading, &edits, &keep);
        let quotes = "its values are in typographic quotes (\u{201c}\u{2026}\u{201d}), which the \
                      library does not read: write them in straight quotes";
        let mut slips: Vec<&str> = vec![];
        if quotes_mended {
            slips.push(quotes);
        }
        slips.extend(
            edits
                .iter()
                .zip(&keep)
                .filter(|(_, k)| **k)
                .map(|(e, _)| e.why.as_str()),
        );
        return Some(match slips.as_slice() {
            [only] if *only == quotes => format!("{quotes}, {mended}"),
            [only] => (*only).to_owned(),
            _ => format!("{}; as the library writes it: {mended}", slips.join("; ")),
        });
    }
    None
}

/// One value of a sentence written otherwise than the library writes it, and how to mend it.
struct Edit {
    /// Where the value is, in bytes of the sentence.
    at: std::ops::Range<usize>,
    /// What the library would read there.
    with: String,
    /// What is wrong, for the person who wrote it.
    why: String,
}

/// The fractions and negative numbers of `text` outside straight quotes, left to right, each with
/// the whole or positive number that would replace it.
fn number_edits(text: &str) -> Vec<Edit> {
    static FRACTION: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"\b(\d+)[.,](\d+)\b(?: (\w+))?").expect("a valid regex")
    });
    static NEGATIVE: std::sync::LazyLock<regex::Regex> =
        std::sync::LazyLock::new(|| regex::Regex::new(r"(?:^| )-(\d+)\b").expect("a valid regex"));
    let bare = outside_quotes(text);
    let mut edits = vec![];
    for c in FRACTION.captures_iter(&bare) {
        let (number, whole) = (c.get(0).expect("a match"), c.get(1).expect("a group"));
        let fraction = c.get(2).expect("a group");
        // `1,000` is a thousands separator, not a fraction.
        if fraction.len() == 3 && bare[whole.end()..].starts_with(',') {
            continue;
        }
        let written = &text[number.start()..fraction.end()];
        let smaller = c.get(3).and_then(|unit| {
            let (to, per) = match unit.as_str().trim_end_matches('s') {
                "minute" => ("seconds", 60.0),
                "hour" => ("minutes", 60.0),
                "day" => ("hours", 24.0),
                "week" => ("days", 7.0),
                _ => return None,
            };
            let n = written.replace(',', ".").parse::<f64>().ok()? * per;
            (n.fract() == 0.0).then(|| format!(" (for {written} {} write {n} {to})", unit.as_str()))
        });
        edits.push(Edit {
            at: number.start()..fraction.end(),
            with: whole.as_str().to_owned(),
            why: format!(
                "{written} is not a whole number: the library's counts and durations are whole \
                 numbers{}",
                smaller.unwrap_or_default()
            ),
        });
    }
    for c in NEGATIVE.captures_iter(&bare) {
        let digits = c.get(1).expect("a group");
        // `-1.5` is one value: the fraction's edit names it.
        if bare[digits.end()..].starts_with(['.', ',']) {
            continue;
        }
        edits.push(Edit {
            at: digits.start() - 1..digits.end(),
            with: digits.as_str().to_owned(),
            why: format!(
                "-{} is negative: the library's counts and capacities are whole numbers from 0",
                digits.as_str()
            ),
        });
    }
    edits.sort_by_key(|e| e.at.start);
    edits
}

/// `text` with the edits marked in `keep` made (the rest left as written).
fn apply(text: &str, edits: &[Edit], keep: &[bool]) -> String {
    let mut out = text.to_owned();
    for (e, _) in edits.iter().zip(keep).rev().filter(|(_, k)| **k) {
        out.replace_range(e.at.clone(), &e.with);
    }
    out
}

/// `text` with every character inside straight quotes replaced by `_`, byte for byte, so that
/// positions found in it are positions in `text`.
fn outside_quotes(text: &str) -> String {
    let mut inside = false;
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c == '"' {
            inside = !inside;
            out.push(c);
        } else if inside {
            out.extend(std::iter::repeat_n('_', c.len_utf8()));
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_written_otherwise_are_named() {
        let is_step = |t: &str| {
            [
                r#""+14155552671" texts "hi 1.5" to "+14155550100""#,
                "1 hours pass",
                r#"agent "alice" has SMS capacity 1"#,
            ]
            .contains(&t)
        };
        let curly = value_slip("\u{201c}+14155552671\u{201d} texts \u{201c}hi 1.5\u{201d} to \u{201c}+14155550100\u{201d}", &is_step).unwrap();
        assert!(
            curly.contains(r#"straight quotes, "+14155552671" texts "hi 1.5" to"#),
            "{curly}"
        );
        let half = value_slip("1.5 hours pass", &is_step).unwrap();
        assert_eq!(half, "1.5 is not a whole number: the library's counts and durations are whole numbers (for 1.5 hours write 90 minutes)");
        assert!(value_slip("1,5 hours pass", &is_step).is_some());
        assert_eq!(value_slip("1,000 hours pass", &is_step), None);
        let negative = value_slip(r#"agent "alice" has SMS capacity -1"#, &is_step).unwrap();
        assert!(negative.starts_with("-1 is negative"), "{negative}");
        // Inside quotes a value is the scenario's own; a sentence nothing fixes gets nothing.
        assert_eq!(
            value_slip(r#""+14155552671" texts "hi 1" to "+14155550100""#, &is_step),
            None
        );
        assert_eq!(value_slip("2 fortnights pass", &is_step), None);
    }

    #[test]
    fn every_slip_a_sentence_needs_mended_is_named_and_no_other() {
        let is_step = |t: &str| {
            [
                r#"agent "alice" has SMS capacity 2 after 1 hours"#,
                r#"agent "alice" has SMS capacity 2 after 3 hours"#,
            ]
            .contains(&t)
        };
        // Two fractions: both named, then the sentence as the library writes it.
        let two = value_slip(
            r#"agent "alice" has SMS capacity 2.5 after 1.5 hours"#,
            &is_step,
        )
        .unwrap();
        assert!(two.starts_with("2.5 is not a whole number"), "{two}");
        assert!(two.contains("; 1.5 is not a whole number"), "{two}");
        assert!(
            two.ends_with(
                r#"as the library writes it: agent "alice" has SMS capacity 2 after 1 hours"#
            ),
            "{two}"
        );
        // Typographic quotes and a negative number together.
        let both = value_slip(
            "agent \u{201c}alice\u{201d} has SMS capacity -2 after 3 hours",
            &is_step,
        )
        .unwrap();
        assert!(
            both.starts_with("its values are in typographic quotes"),
            "{both}"
        );
        assert!(both.contains("; -2 is negative"), "{both}");
        // A negative fraction is one slip, not two.
        let is_step2 = |t: &str| t == r#"agent "alice" has SMS capacity 1 after 1 hours"#;
        let one = value_slip(
            r#"agent "alice" has SMS capacity -1.5 after 1 hours"#,
            &is_step2,
        );
        assert!(
            one.is_none() || !one.as_deref().unwrap().contains("-1 is negative"),
            "{one:?}"
        );
        // A number the sentence reads as it is is not blamed: only the one that needs mending.
        let is_step = |t: &str| t == "1 hours pass after 2.5";
        assert_eq!(
            value_slip("1.5 hours pass after 2.5", &is_step).as_deref(),
            Some("1.5 is not a whole number: the library's counts and durations are whole numbers (for 1.5 hours write 90 minutes)")
        );
    }

    #[test]
    fn distances() {
        assert_eq!(distance("given", "given"), 0);
        assert_eq!(distance("gven", "given"), 1);
        assert_eq!(distance("givne", "given"), 1);
        assert_eq!(distance("kitten", "sitting"), 3);
        assert_eq!(distance("", "abc"), 3);
    }

    #[test]
    fn the_closest_sentence_comes_first() {
        let got = closest_examples(r#"a consumr "Ian Isles" with mobile phone "+44""#, 3);
        assert!(
            got.first()
                .is_some_and(|s| s.contains("a consumer") && s.contains("mobile phone")),
            "{got:?}"
        );
        assert!(closest_examples("the moon is made of cheese", 3).is_empty());
    }

    #[test]
    fn lost_steps_and_prose() {
        let never = |_: &str| false;
        let always = |_: &str| true;
        assert_eq!(lost_step_keyword("Gven a step", &never), Some("Given"));
        assert_eq!(lost_step_keyword("Whne it rains", &never), Some("When"));
        assert_eq!(lost_step_keyword("Then: it pours", &never), Some("Then"));
        assert_eq!(lost_step_keyword("given a step", &always), Some("Given"));
        assert_eq!(lost_step_keyword("Adn a step", &always), Some("And"));
        // Prose.
        assert_eq!(
            lost_step_keyword("given the pair, it is unique", &never),
            None
        );
        assert_eq!(lost_step_keyword("An agent reads it", &always), None);
        // English words a letter away from a keyword are prose, unless a step follows.
        assert_eq!(lost_step_keyword("The customer is happy.", &never), None);
        assert_eq!(lost_step_keyword("Give it a minute.", &never), None);
        assert_eq!(lost_step_keyword("They reply within a day.", &never), None);
        assert_eq!(
            lost_step_keyword("Then customer is happy.", &never),
            Some("Then")
        );
        assert_eq!(
            lost_step_keyword("The request is refused", &always),
            Some("Then")
        );
        assert_eq!(lost_step_keyword("Any requester may text", &never), None);
        assert_eq!(lost_step_keyword("And so on", &never), None);
        assert_eq!(
            lost_step_keyword("Seed 002, requester initiated", &never),
            None
        );
        assert_eq!(lost_step_keyword("Given", &never), None);
    }
}
