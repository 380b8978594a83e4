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
