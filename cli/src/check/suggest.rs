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

#[cfg(test)]
mod tests {
    use super::*;

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
