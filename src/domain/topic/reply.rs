//! Lenient reading of the requester's replies (VA-2, VA-4, VA-5, VA-10). Nothing here fails: a
//! reply that fits nothing is `None` (or [`ImageReply::NoMedia`] / [`ImageReply::NotAnImage`]),
//! and the runtime re-prompts.

use super::model::ChoiceOption;

/// The reply as compared with options and branch values: surrounding whitespace and punctuation
/// (anything not a letter or digit) removed, inner whitespace runs collapsed to one space, lower
/// case. `"  Yes! "` → `"yes"`, `"#2."` → `"2"`, `"Cancel   IT"` → `"cancel it"`.
pub fn normalize(s: &str) -> String {
    s.trim_matches(|c: char| !c.is_alphanumeric())
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// The index (from 0) of the option a reply selects, if any:
///
/// 1. a number from 1 to the number of options (`"2"`, `"#2"`, `"2."`, `" 02 "`);
/// 2. else an option whose label equals the reply, normalised ([`normalize`]);
/// 3. else an option whose value equals it.
///
/// The first option wins when several match; a number out of range can still match a label or
/// value (`"1001"`).
pub fn choice(reply: &str, options: &[ChoiceOption]) -> Option<usize> {
    let r = normalize(reply);
    if r.is_empty() {
        return None;
    }
    if r.bytes().all(|b| b.is_ascii_digit()) {
        if let Ok(n) = r.parse::<usize>() {
            if (1..=options.len()).contains(&n) {
                return Some(n - 1);
            }
        }
    }
    options
        .iter()
        .position(|o| normalize(&o.label) == r)
        .or_else(|| options.iter().position(|o| normalize(&o.value) == r))
}

/// A Boolean reply: `yes`, `y`, `true` → `Some(true)`; `no`, `n`, `false` → `Some(false)`, in any
/// case, surrounding spaces and punctuation ignored (`"Yes!"`, `" N "`); anything else `None`.
pub fn boolean(reply: &str) -> Option<bool> {
    match normalize(reply).as_str() {
        "yes" | "y" | "true" => Some(true),
        "no" | "n" | "false" => Some(false),
        _ => None,
    }
}

/// What a File Picker makes of a reply's media.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ImageReply<'a> {
    /// The first media item of an accepted type: (URL, content type as sent).
    Accepted(&'a str, &'a str),
    /// Media came, none of an accepted type; the first one's content type.
    NotAnImage(&'a str),
    /// No media at all (a text reply).
    NoMedia,
}

/// Picks the first of `media` ((URL, content type) pairs) whose type matches one of `accepted`
/// (see [`type_matches`]).
pub fn image<'a>(media: &'a [(String, String)], accepted: &[String]) -> ImageReply<'a> {
    if let Some((url, ct)) = media
        .iter()
        .find(|(_, ct)| accepted.iter().any(|p| type_matches(ct, p)))
    {
        return ImageReply::Accepted(url, ct);
    }
    match media.first() {
        Some((_, ct)) => ImageReply::NotAnImage(ct),
        None => ImageReply::NoMedia,
    }
}

/// Whether a content type matches a pattern: compared in lower case, parameters (`; charset=…`)
/// ignored; `type/*` matches any subtype of `type`, anything else must be equal.
/// `("IMAGE/PNG", "image/*")` → true, `("image/", "image/*")` → false.
pub fn type_matches(content_type: &str, pattern: &str) -> bool {
    let ct = essence(content_type);
    let p = essence(pattern);
    match p.strip_suffix("/*") {
        Some(top) => ct
            .split_once('/')
            .is_some_and(|(t, sub)| t == top && !sub.is_empty()),
        None => ct == p && !ct.is_empty(),
    }
}

fn essence(content_type: &str) -> String {
    content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opts() -> Vec<ChoiceOption> {
        vec![
            ChoiceOption::new("Where is my order?", "track"),
            ChoiceOption::new("Cancel it", "cancel"),
            ChoiceOption::new("Order 1001", "1001"),
        ]
    }

    #[test]
    fn choice_leniency_table() {
        let table: &[(&str, Option<usize>)] = &[
            ("1", Some(0)),
            ("2", Some(1)),
            (" 3 ", Some(2)),
            ("#2", Some(1)),
            ("2.", Some(1)),
            ("(1)", Some(0)),
            ("02", Some(1)),
            ("where is my order", Some(0)),
            ("WHERE IS MY ORDER?", Some(0)),
            ("  where   is my order?! ", Some(0)),
            ("cancel it.", Some(1)),
            ("Cancel", Some(1)),
            ("TRACK", Some(0)),
            ("1001", Some(2)),
            ("order 1001", Some(2)),
            ("4", None),
            ("0", None),
            ("-1", Some(0)), // punctuation around the number is ignored
            ("cancel it please", None),
            ("", None),
            ("?!", None),
            ("one", None),
        ];
        for (reply, want) in table {
            assert_eq!(choice(reply, &opts()), *want, "reply {reply:?}");
        }
    }

    #[test]
    fn a_number_in_range_beats_a_label() {
        let o = vec![ChoiceOption::new("2", "two"), ChoiceOption::new("1", "one")];
        assert_eq!(choice("2", &o), Some(1));
        assert_eq!(choice("one", &o), Some(1));
    }

    #[test]
    fn boolean_leniency_table() {
        let table: &[(&str, Option<bool>)] = &[
            ("yes", Some(true)),
            ("YES", Some(true)),
            ("Yes!", Some(true)),
            (" y ", Some(true)),
            ("Y", Some(true)),
            ("true", Some(true)),
            ("no", Some(false)),
            ("No.", Some(false)),
            ("N", Some(false)),
            ("n", Some(false)),
            ("FALSE", Some(false)),
            ("yes please", None),
            ("maybe", None),
            ("1", None),
            ("", None),
        ];
        for (reply, want) in table {
            assert_eq!(boolean(reply), *want, "reply {reply:?}");
        }
    }

    #[test]
    fn content_types() {
        let img = vec!["image/*".to_owned()];
        assert!(type_matches("image/png", "image/*"));
        assert!(type_matches("IMAGE/JPEG; name=a.jpg", "image/*"));
        assert!(!type_matches("image/", "image/*"));
        assert!(!type_matches("application/pdf", "image/*"));
        assert!(type_matches("image/png", "image/png"));
        assert!(!type_matches("image/gif", "image/png"));
        let media = |v: &[(&str, &str)]| -> Vec<(String, String)> {
            v.iter()
                .map(|(u, t)| (u.to_string(), t.to_string()))
                .collect()
        };
        let m = media(&[("u1", "application/pdf"), ("u2", "image/png")]);
        assert_eq!(image(&m, &img), ImageReply::Accepted("u2", "image/png"));
        let m = media(&[("u1", "application/pdf")]);
        assert_eq!(image(&m, &img), ImageReply::NotAnImage("application/pdf"));
        assert_eq!(image(&[], &img), ImageReply::NoMedia);
    }
}
