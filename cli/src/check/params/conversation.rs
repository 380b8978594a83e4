//! Typed parameters of conversations: media, assignment, the live group profile.

use std::str::FromStr;

use cucumber::Parameter;

use super::{quoted_texts, Unhonoured};

/// An optional clause `with the image "…"` or `with the file "…"`: a media URL.
#[derive(Clone, Debug, Parameter)]
#[param(name = "media", regex = r#"(?: with the (?:image|file) "[^"]+")?"#)]
pub struct Media(pub Vec<String>);

impl FromStr for Media {
    type Err = Unhonoured;
    fn from_str(words: &str) -> Result<Self, Unhonoured> {
        Ok(Media(quoted_texts(words)))
    }
}

/// Who an interaction is assigned to: `the virtual agent`, `agent "alice"` or `nobody`; as a
/// user_name (`virtual.agent` for the virtual agent).
#[derive(Clone, Debug, Parameter)]
#[param(name = "assignee", regex = r#"the virtual agent|agent "[^"]+"|nobody"#)]
pub struct Assignee(pub Option<String>);

impl FromStr for Assignee {
    type Err = Unhonoured;
    fn from_str(words: &str) -> Result<Self, Unhonoured> {
        Ok(Assignee(match words {
            "the virtual agent" => Some("virtual.agent".to_owned()),
            "nobody" => None,
            _ => quoted_texts(words).into_iter().next(),
        }))
    }
}

/// A live group profile: `"alice, bob"` (user_names) or `empty`.
#[derive(Clone, Debug, Parameter)]
#[param(name = "group", regex = r#""[^"]*"|empty"#)]
pub struct Group(pub Vec<String>);

impl FromStr for Group {
    type Err = Unhonoured;
    fn from_str(words: &str) -> Result<Self, Unhonoured> {
        let names = match words {
            "empty" => "",
            quoted => quoted.trim_matches('"'),
        };
        Ok(Group(
            names
                .split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect(),
        ))
    }
}
