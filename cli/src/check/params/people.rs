//! Typed parameters of requesters to create.

use std::str::FromStr;

use convsms::domain::model::PartyTable;

use super::{take_quoted, take_table, unread, Unhonoured};

/// A requester record to create: table words, then optionally a quoted name, `with mobile phone
/// "…"` (or `with no mobile phone`, as when none is given: a person with no phone) and `located
/// in "GB"`.
#[derive(Clone, Debug)]
pub struct NewRequester {
    /// Its table.
    pub table: PartyTable,
    /// Its name; made up when not given.
    pub name: Option<String>,
    /// Its mobile phone as written (national numbers are read in `country`).
    pub phone: Option<String>,
    /// Its country, ISO 3166-1 alpha-2.
    pub country: Option<String>,
}
parameter!(
    NewRequester,
    "new_requester",
    concat!(
        table_words!(),
        "(?: ",
        quoted!(),
        ")?(?: with mobile phone ",
        quoted!(),
        r#"| with no mobile phone)?(?: located in "[A-Za-z]{2}")?"#
    )
);

impl FromStr for NewRequester {
    type Err = Unhonoured;
    fn from_str(words: &str) -> Result<Self, Unhonoured> {
        let mut rest = words;
        let Some(table) = take_table(&mut rest) else {
            return unread(words, "a requester");
        };
        let new = NewRequester {
            table,
            name: take_quoted(&mut rest, " "),
            phone: match rest.strip_prefix(" with no mobile phone") {
                Some(r) => {
                    rest = r;
                    None
                }
                None => take_quoted(&mut rest, " with mobile phone "),
            },
            country: take_quoted(&mut rest, " located in "),
        };
        if rest.is_empty() {
            Ok(new)
        } else {
            unread(words, "a requester")
        }
    }
}
