//! `{var}` placeholders in topic texts.
//!
//! A placeholder is `{` + a name + `}`, the name being letters, digits and `_`, optionally followed
//! by one `.` and a suffix (`{case.label}`, `{photo.type}`). `{{` and `}}` are literal braces.
//! Anything else in braces (`{ }`, `{a b}`) is left as written. A variable with no value yet is
//! replaced by nothing.

use std::collections::BTreeMap;

/// `text` with every placeholder replaced by its variable's value (empty when unset), `{{` by `{`
/// and `}}` by `}`.
pub fn fill(text: &str, vars: &BTreeMap<String, String>) -> String {
    let mut out = String::with_capacity(text.len());
    scan(text, |piece| match piece {
        Piece::Literal(s) => out.push_str(s),
        Piece::Var(name) => out.push_str(vars.get(name).map(String::as_str).unwrap_or("")),
    });
    out
}

/// The longest body Twilio sends, in UTF-16 code units: a longer `Body` is refused with 21617
/// (reference §2.2).
pub const MAX_BODY_UNITS: usize = 1_600;

/// As [`fill`], for a text the requester receives: when the filled text would be longer than
/// `max` UTF-16 code units, the longest values are cut to a fair share of what the topic's own
/// words leave (shorter values stay whole; a cut value ends with [`CUT_MARK`]), so that a long reply echoed back (`'{issue}'`)
/// still makes one message Twilio accepts, not a 21617 refusal and silence. The topic's own
/// words are never cut: when they alone are longer than `max`, the values are left out and the
/// text is still too long for Twilio.
pub fn fill_within(text: &str, vars: &BTreeMap<String, String>, max: usize) -> String {
    let full = fill(text, vars);
    let units = |s: &str| s.encode_utf16().count();
    if units(&full) <= max {
        return full;
    }
    let value = |name: &str| vars.get(name).map(String::as_str).unwrap_or("");
    let mut literal = 0;
    let mut lengths = vec![];
    scan(text, |piece| match piece {
        Piece::Literal(s) => literal += units(s),
        Piece::Var(name) => lengths.push(units(value(name))),
    });
    // Fair shares: values shorter than their share stay whole and leave the rest to the longer
    // ones, which are all cut to one length (`share`).
    lengths.sort_unstable();
    let mut room = max.saturating_sub(literal);
    let mut share = room;
    for (i, len) in lengths.iter().enumerate() {
        share = room / (lengths.len() - i);
        if *len > share {
            break;
        }
        room -= len;
    }
    let mut out = String::with_capacity(full.len());
    scan(text, |piece| match piece {
        Piece::Literal(s) => out.push_str(s),
        Piece::Var(name) => {
            let v = value(name);
            if units(v) <= share {
                out.push_str(v);
            } else {
                out.push_str(&cut(v, share));
            }
        }
    });
    out
}

/// What marks a cut text: three full stops, not `…`, which is not in the GSM-7 alphabet and
/// would make the whole message UCS-2 (about twice the segments).
pub const CUT_MARK: &str = "...";

/// `text` when it is at most `max` UTF-16 code units, else its first characters and
/// [`CUT_MARK`] in `max` units (nothing when `max` leaves no room for the mark). A character
/// is never split.
pub fn cut(text: &str, max: usize) -> String {
    if text.encode_utf16().count() <= max {
        return text.to_owned();
    }
    let Some(room) = max.checked_sub(CUT_MARK.len()) else {
        return String::new();
    };
    let mut out = String::new();
    let mut used = 0;
    for c in text.chars() {
        used += c.len_utf16();
        if used > room {
            break;
        }
        out.push(c);
    }
    out.push_str(CUT_MARK);
    out
}

/// The names of the placeholders of `text`, in order, repeats included.
pub fn placeholders(text: &str) -> Vec<String> {
    let mut names = vec![];
    scan(text, |piece| {
        if let Piece::Var(name) = piece {
            names.push(name.to_owned());
        }
    });
    names
}

/// Whether `name` is a plain variable name: letters, digits and `_`, not empty.
pub fn is_var_name(name: &str) -> bool {
    !name.is_empty() && name.chars().all(|c| c.is_alphanumeric() || c == '_')
}

fn is_placeholder_name(name: &str) -> bool {
    match name.split_once('.') {
        Some((base, suffix)) => is_var_name(base) && is_var_name(suffix),
        None => is_var_name(name),
    }
}

enum Piece<'a> {
    Literal(&'a str),
    Var(&'a str),
}

fn scan<'a>(text: &'a str, mut f: impl FnMut(Piece<'a>)) {
    let mut rest = text;
    while !rest.is_empty() {
        if let Some(r) = rest.strip_prefix("{{") {
            f(Piece::Literal("{"));
            rest = r;
        } else if let Some(r) = rest.strip_prefix("}}") {
            f(Piece::Literal("}"));
            rest = r;
        } else if let Some(r) = rest.strip_prefix('{') {
            match r.find('}') {
                Some(end) if is_placeholder_name(&r[..end]) => {
                    f(Piece::Var(&r[..end]));
                    rest = &r[end + 1..];
                }
                _ => {
                    f(Piece::Literal("{"));
                    rest = r;
                }
            }
        } else {
            let first = rest.chars().next().map_or(1, char::len_utf8);
            let end = rest[first..]
                .find(['{', '}'])
                .map_or(rest.len(), |i| i + first);
            f(Piece::Literal(&rest[..end]));
            rest = &rest[end..];
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars() -> BTreeMap<String, String> {
        [
            ("case", "CS0001"),
            ("case.label", "CS0001 Broken router"),
            ("name", "Ada"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect()
    }

    #[test]
    fn fills_known_and_empties_unknown() {
        let v = vars();
        assert_eq!(fill("Hi {name}!", &v), "Hi Ada!");
        assert_eq!(
            fill("{case.label} ({case})", &v),
            "CS0001 Broken router (CS0001)"
        );
        assert_eq!(fill("[{missing}]", &v), "[]");
        assert_eq!(fill("no placeholders é", &v), "no placeholders é");
        assert_eq!(fill("é{name}", &v), "éAda");
    }

    #[test]
    fn a_long_value_is_cut_so_the_text_fits_one_message() {
        let long: String = "é".repeat(2_000);
        let v: BTreeMap<String, String> =
            [("issue".to_owned(), long), ("n".to_owned(), "7".to_owned())]
                .into_iter()
                .collect();
        let text = "Thanks, I have noted: '{issue}' ({n}).";
        let out = fill_within(text, &v, MAX_BODY_UNITS);
        assert_eq!(out.encode_utf16().count(), MAX_BODY_UNITS);
        assert!(out.starts_with("Thanks, I have noted: 'éé") && out.ends_with("é...' (7)."));
        // Within the limit, as fill; an emoji (two units) is never split.
        assert_eq!(fill_within("{n}", &v, 5), "7");
        let emoji: BTreeMap<String, String> = [("e".to_owned(), "😀😀😀".to_owned())]
            .into_iter()
            .collect();
        assert_eq!(fill_within("<{e}>", &emoji, 7), "<😀...>");
        assert_eq!(fill_within("<{e}>", &emoji, 6), "<...>");
        // Two long values share the room; a short one keeps its whole length.
        let two: BTreeMap<String, String> = [
            ("a".to_owned(), "a".repeat(1_000)),
            ("b".to_owned(), "b".repeat(1_000)),
            ("c".to_owned(), "c".repeat(10)),
        ]
        .into_iter()
        .collect();
        let out = fill_within("{a}|{b}|{c}", &two, 100);
        assert_eq!(out.encode_utf16().count(), 100);
        let (a, b, c) = ("a".repeat(41), "b".repeat(41), "c".repeat(10));
        assert_eq!(out, format!("{a}...|{b}...|{c}"));
        // The topic's own words longer than the limit: the values go, the words stay.
        assert_eq!(fill_within("0123456789{c}", &two, 8), "0123456789");
    }

    #[test]
    fn braces_that_are_not_placeholders_stay() {
        let v = vars();
        assert_eq!(fill("{{name}} is {name}", &v), "{name} is Ada");
        assert_eq!(
            fill("a { b } {a b} {} {x.y.z} }", &v),
            "a { b } {a b} {} {x.y.z} }"
        );
        assert_eq!(fill("{name", &v), "{name");
        assert_eq!(fill("ünï {name}cöde", &v), "ünï Adacöde");
    }

    #[test]
    fn lists_placeholders() {
        assert_eq!(
            placeholders("{a} {{b}} {c.label} {a} { d }"),
            vec!["a", "c.label", "a"]
        );
        assert!(is_var_name("case_1"));
        assert!(!is_var_name("case.label"));
        assert!(!is_var_name(""));
    }
}
