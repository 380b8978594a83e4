//! Near misses: the edit distance between two texts, the catalogue sentences closest to a step
//! nobody wrote ("did you mean"), and the Gherkin keyword a misspelt word was meant to be.

use super::steps;

/// The optimal-string-alignment distance between `a` and `b`, by characters: insertions,
/// deletions, substitutions and swaps of two neighbours each cost 1.
pub fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    // Three rows: two back (for swaps), one back, current.
    let mut before: Vec<usize> = vec![0; b.len() + 1];
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur: Vec<usize> = vec![0; b.len() + 1];
    for i in 1..=a.len() {
        cur[0] = i;
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut d = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d = d.min(before[j - 2] + 1);
            }
            cur[j] = d;
        }
        std::mem::swap(&mut before, &mut prev);
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
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
///   text: prose rarely starts a line so;
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
    (near && ((capital && long) || is_step(rest))).then_some(k)
}

/// Why `text` (a step without its keyword) is no sentence of the library when it would be one
/// with a value written as the library writes it (`is_step` says what is): typographic quotes
/// where the library has straight ones, a fraction where it counts whole numbers, a negative
/// count. What is inside straight quotes (numbers, bodies) is left as written.
pub fn value_slip(text: &str, is_step: &dyn Fn(&str) -> bool) -> Option<String> {
    const CURLY: &[char] = &['\u{201c}', '\u{201d}', '\u{201e}', '\u{00ab}', '\u{00bb}'];
    if text.contains(CURLY) {
        let straight = text.replace(CURLY, "\"");
        if is_step(&straight) {
            return Some(format!(
                "its values are in typographic quotes (\u{201c}\u{2026}\u{201d}), which the \
                 library does not read: write them in straight quotes, {straight}"
            ));
        }
    }
    let bare = outside_quotes(text);
    let fraction = regex::Regex::new(r"\b(\d+)[.,](\d+)\b(?: (\w+))?").expect("a valid regex");
    // `1,000` is a thousands separator, not a fraction.
    let thousands = |c: &regex::Captures<'_>| {
        c.get(2).is_some_and(|p| p.len() == 3)
            && bare[c.get(1).expect("a group").end()..].starts_with(',')
    };
    if let Some(c) = fraction.captures(&bare).filter(|c| !thousands(c)) {
        let (number, whole) = (c.get(0).expect("a match"), c.get(1).expect("a group"));
        let number_end = c.get(2).expect("a group").end();
        let mut rounded = text.to_owned();
        rounded.replace_range(number.start()..number_end, whole.as_str());
        if is_step(&rounded) {
            let written = &text[number.start()..number_end];
            let smaller = c.get(3).and_then(|unit| {
                let (to, per) = match unit.as_str().trim_end_matches('s') {
                    "minute" => ("seconds", 60.0),
                    "hour" => ("minutes", 60.0),
                    "day" => ("hours", 24.0),
                    "week" => ("days", 7.0),
                    _ => return None,
                };
                let n = written.replace(',', ".").parse::<f64>().ok()? * per;
                (n.fract() == 0.0)
                    .then(|| format!(" (for {written} {} write {n} {to})", unit.as_str()))
            });
            return Some(format!(
                "{written} is not a whole number: the library's counts and durations are whole \
                 numbers{}",
                smaller.unwrap_or_default()
            ));
        }
    }
    let negative = regex::Regex::new(r"(?:^| )-(\d+)\b").expect("a valid regex");
    if let Some(digits) = negative.captures(&bare).and_then(|c| c.get(1)) {
        let mut positive = text.to_owned();
        positive.remove(digits.start() - 1);
        if is_step(&positive) {
            return Some(format!(
                "-{} is negative: the library's counts and capacities are whole numbers from 0",
                digits.as_str()
            ));
        }
    }
    None
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
        assert_eq!(lost_step_keyword("Any requester may text", &never), None);
        assert_eq!(lost_step_keyword("And so on", &never), None);
        assert_eq!(
            lost_step_keyword("Seed 002, requester initiated", &never),
            None
        );
        assert_eq!(lost_step_keyword("Given", &never), None);
    }
}
