//! Typed parameters of the agent's workspace.

use std::str::FromStr;

use convsms::domain::model::InteractionNumber;
use cucumber::Parameter;

use super::{interaction_number, take_quoted, take_word, unhonoured, unread, Unhonoured};

/// `with` or `without` (a new message).
#[derive(Clone, Copy, Debug, Parameter)]
#[param(name = "with_or_without", regex = "with|without")]
pub struct NewMessage(pub bool);

impl FromStr for NewMessage {
    type Err = Unhonoured;
    fn from_str(words: &str) -> Result<Self, Unhonoured> {
        Ok(NewMessage(words == "with"))
    }
}

/// `receives` or `does not receive`.
#[derive(Clone, Copy, Debug, Parameter)]
#[param(name = "receives", regex = "receives|does not receive")]
pub struct Receives(pub bool);

impl FromStr for Receives {
    type Err = Unhonoured;
    fn from_str(words: &str) -> Result<Self, Unhonoured> {
        Ok(Receives(words == "receives"))
    }
}

/// What an agent does in a conversation from the workspace, in plain words: `replies "…" in
/// IMS0001001` (their SMS joins the conversation, as Compose SMS on the interaction does),
/// `replies "…" and closes IMS0001001` (then ends it: the requester is told it is closed), or
/// `closes IMS0001001`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AgentReply {
    /// The reply's text; `None` when the agent only closes.
    pub text: Option<String>,
    /// Whether the agent then closes the conversation.
    pub close: bool,
    /// The conversation.
    pub interaction: InteractionNumber,
}
parameter!(
    AgentReply,
    "reply",
    r#"replies "[^"\\]*(?:\\.[^"\\]*)*" (?:in|and closes) \S+|closes \S+"#
);

impl FromStr for AgentReply {
    type Err = Unhonoured;
    fn from_str(words: &str) -> Result<Self, Unhonoured> {
        let mut rest = words;
        if let Some(n) = take_word(&mut rest, "closes ") {
            return Ok(AgentReply {
                text: None,
                close: true,
                interaction: interaction_number(n)?,
            });
        }
        let text = take_quoted(&mut rest, "replies ");
        if text.as_deref() == Some("") {
            return unhonoured(
                "an empty reply sends nothing: quote the words the agent writes, or write \
                 `closes IMS…` to close without a reply",
            );
        }
        let (close, n) = match (rest.strip_prefix(" in "), rest.strip_prefix(" and closes ")) {
            (Some(n), _) => (false, n),
            (_, Some(n)) => (true, n),
            _ => return unread(words, "an agent's reply"),
        };
        Ok(AgentReply {
            text,
            close,
            interaction: interaction_number(n)?,
        })
    }
}

/// An optional clause with the media agents see on a requester's message: ` with 2 images`,
/// ` with 1 file`, ` with 1 image and 1 file` (images are media of type `image/*`, files the
/// others). None: no media.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Attached {
    /// How many images.
    pub images: usize,
    /// How many other files.
    pub files: usize,
}
parameter!(
    Attached,
    "attached",
    r"(?: with (?:\d+ images?(?: and \d+ files?)?|\d+ files?))?"
);

impl FromStr for Attached {
    type Err = Unhonoured;
    fn from_str(words: &str) -> Result<Self, Unhonoured> {
        let mut attached = Attached {
            images: 0,
            files: 0,
        };
        let Some(list) = words.strip_prefix(" with ") else {
            return Ok(attached);
        };
        for part in list.split(" and ") {
            let Some((n, noun)) = part.split_once(' ') else {
                return unread(words, "attached media");
            };
            let n: usize = n
                .parse()
                .or_else(|_| unhonoured(format!("{n} is too large a count")))?;
            let plural = noun.ends_with('s');
            if plural == (n == 1) {
                let fix = if n == 1 {
                    noun.trim_end_matches('s').to_owned()
                } else {
                    format!("{noun}s")
                };
                return unhonoured(format!("write '{n} {fix}', not '{n} {noun}'"));
            }
            if noun.starts_with("image") {
                attached.images = n;
            } else {
                attached.files = n;
            }
        }
        Ok(attached)
    }
}

impl std::fmt::Display for Attached {
    /// As written in a step: ` with 1 image`, ` with 2 images and 1 file`, ` with 1 file`, or
    /// nothing for no media.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let noun = |n: usize, one: &str| format!("{n} {one}{}", if n == 1 { "" } else { "s" });
        match (self.images, self.files) {
            (0, 0) => Ok(()),
            (i, 0) => write!(f, " with {}", noun(i, "image")),
            (0, n) => write!(f, " with {}", noun(n, "file")),
            (i, n) => write!(f, " with {} and {}", noun(i, "image"), noun(n, "file")),
        }
    }
}

/// The media a handset received on one message: `1 image`, `2 images`, `1 image and 1 file`,
/// `1 file` (images are media of type `image/*`, as the simulator's Media subresource reports
/// them; files the others). At least one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ReceivedMedia(pub Attached);
parameter!(
    ReceivedMedia,
    "received_media",
    r"\d+ images?(?: and \d+ files?)?|\d+ files?"
);

impl FromStr for ReceivedMedia {
    type Err = Unhonoured;
    fn from_str(words: &str) -> Result<Self, Unhonoured> {
        let attached = Attached::from_str(&format!(" with {words}"))?;
        if attached
            == (Attached {
                images: 0,
                files: 0,
            })
        {
            return unhonoured(format!(
                "'{words}' is no media; write '1 image', '2 images', '1 file' or '1 image and 1 file'"
            ));
        }
        Ok(ReceivedMedia(attached))
    }
}
