//! Typed parameters of the Compose SMS form.

use std::str::FromStr;

use convsms::domain::model::InteractionNumber;
use cucumber::Parameter;

use super::{
    interaction_number, quoted_texts, take_quoted, take_word, unread, Requester, Unhonoured,
};

/// The optional clauses of opening Compose SMS: ` on interaction IMS0001001`, then ` for
/// consumer "Bea Brown"`.
#[derive(Clone, Debug, Default)]
pub struct ComposeScope {
    /// The interaction the agent opens it from.
    pub interaction: Option<InteractionNumber>,
    /// The requester it is opened for.
    pub requester: Option<Requester>,
}
parameter!(
    ComposeScope,
    "compose_scope",
    concat!(r"(?: on interaction \S+)?(?: for ", requester!(), ")?")
);

impl FromStr for ComposeScope {
    type Err = Unhonoured;
    fn from_str(words: &str) -> Result<Self, Unhonoured> {
        let mut rest = words;
        let interaction = take_word(&mut rest, " on interaction ")
            .map(interaction_number)
            .transpose()?;
        let requester = rest.strip_prefix(" for ").map(str::parse).transpose()?;
        if requester.is_none() && !rest.is_empty() {
            return unread(words, "where Compose SMS is opened");
        }
        Ok(ComposeScope {
            interaction,
            requester,
        })
    }
}

/// The optional clauses of a Compose SMS send, in this order: ` with the attachment "photo.png"
/// of type "image/png"`, ` on interaction IMS0001001`, ` from "+14155550100"`, ` to "(415)
/// 555-2671"`, ` for consumer "Bea Brown"`.
#[derive(Clone, Debug, Default)]
pub struct Composition {
    /// The attachment: (file name, content type).
    pub attachment: Option<(String, String)>,
    /// The interaction the agent composes from.
    pub interaction: Option<InteractionNumber>,
    /// The From number as typed.
    pub from: Option<String>,
    /// The To number as typed ("Other"); the default To when `None`.
    pub to: Option<String>,
    /// The requester composed for.
    pub requester: Option<Requester>,
}
parameter!(
    Composition,
    "composition",
    concat!(
        "(?: with the attachment ",
        quoted!(),
        " of type ",
        quoted!(),
        // From and To may be empty (`to ""`): the form's fields left blank, which Compose
        // SMS refuses, naming the field.
        r#")?(?: on interaction \S+)?(?: from "[^"]*")?(?: to "[^"]*")?(?: for "#,
        requester!(),
        ")?"
    )
);

impl FromStr for Composition {
    type Err = Unhonoured;
    fn from_str(words: &str) -> Result<Self, Unhonoured> {
        let mut rest = words;
        let attachment = match take_quoted(&mut rest, " with the attachment ") {
            Some(file) => match take_quoted(&mut rest, " of type ") {
                Some(content_type) => Some((file, content_type)),
                None => return unread(words, "an attachment"),
            },
            None => None,
        };
        let interaction = take_word(&mut rest, " on interaction ")
            .map(interaction_number)
            .transpose()?;
        let from = take_quoted(&mut rest, " from ");
        let to = take_quoted(&mut rest, " to ");
        let requester = rest.strip_prefix(" for ").map(str::parse).transpose()?;
        if requester.is_none() && !rest.is_empty() {
            return unread(words, "a Compose SMS send");
        }
        Ok(Composition {
            attachment,
            interaction,
            from,
            to,
            requester,
        })
    }
}

/// What the Compose SMS form shows as ongoing: `the ongoing interaction IMS0001001` or `no
/// ongoing interaction`.
#[derive(Clone, Debug, Parameter)]
#[param(
    name = "ongoing",
    regex = r"the ongoing interaction \S+|no ongoing interaction"
)]
pub struct Ongoing(pub Option<InteractionNumber>);

impl FromStr for Ongoing {
    type Err = Unhonoured;
    fn from_str(words: &str) -> Result<Self, Unhonoured> {
        match words.strip_prefix("the ongoing interaction ") {
            Some(n) => interaction_number(n).map(|n| Ongoing(Some(n))),
            None => Ok(Ongoing(None)),
        }
    }
}

/// A warning shown to the agent: `the warning "…"` (any part of it) or `no warning`.
#[derive(Clone, Debug, Parameter)]
#[param(name = "warning", regex = r#"the warning "[^"]+"|no warning"#)]
pub struct Warning(pub Option<String>);

impl FromStr for Warning {
    type Err = Unhonoured;
    fn from_str(words: &str) -> Result<Self, Unhonoured> {
        Ok(Warning(quoted_texts(words).into_iter().next()))
    }
}
