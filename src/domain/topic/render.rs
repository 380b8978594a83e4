//! The SMS rendering contract: what the requester's handset receives for each control and response
//! (VA-2, VA-4..VA-6, VA-8). Live agents' Text, Card and Image replies use the same functions.
//!
//! | node | body (lines joined with `\n`) | media |
//! |---|---|---|
//! | text input, text response | the text as is | none |
//! | static / dynamic choice | prompt, `1. label` per option, [`CHOICE_HINT`] | none |
//! | boolean | prompt, [`BOOLEAN_HINT`] | none |
//! | file picker | prompt, [`FILE_HINT`] | none |
//! | image | the alt text (empty when none) | the image URL |
//! | link | `label: url` (the URL alone when the label is empty) | none |
//! | card | optional title, then `Label: value` per field | none |
//! | a re-prompt | a sorry line ([`SORRY`] or [`images_only`]), then the whole question | none |
//!
//! An empty prompt or title adds no line. Each [`Outbound`] is one SMS or MMS; splitting into
//! segments is the provider's business.

use std::borrow::Cow;

use serde::{Deserialize, Serialize};

use super::model::ChoiceOption;

/// After a choice's numbered list.
pub const CHOICE_HINT: &str = "Reply with a number or the option's name.";
/// After a boolean's question.
pub const BOOLEAN_HINT: &str = "Reply YES or NO.";
/// After a file picker's question.
pub const FILE_HINT: &str = "Reply with an image (a picture message).";
/// First line of a re-prompt when a reply does not fit the control (VA-10).
pub const SORRY: &str = "Sorry, I didn't get that.";
/// First line of a File Picker's re-prompt when the reply carries media that are not images (VA-5).
pub const IMAGES_ONLY: &str = "Sorry, I can only accept images.";

/// First line of a File Picker's re-prompt when the reply carries no medium of the picker's
/// `types` (VA-5): [`IMAGES_ONLY`] for `image/*`; for exact types, the types it takes, so that a
/// requester whose JPEG a PNG-only picker refused knows what to send: "Sorry, I can only accept
/// images of type image/png or image/gif."
#[must_use]
pub fn images_only(types: &[String]) -> Cow<'static, str> {
    if types.is_empty() || types.iter().any(|t| t == "image/*") {
        return Cow::Borrowed(IMAGES_ONLY);
    }
    let listed = match types {
        [one] => one.clone(),
        [rest @ .., last] => format!("{} or {last}", rest.join(", ")),
        [] => unreachable!("checked above"),
    };
    Cow::Owned(format!("Sorry, I can only accept images of type {listed}."))
}

/// One message to the requester: an SMS, or an MMS when `media` is not empty.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Outbound {
    /// The text; may be empty for an MMS.
    pub body: String,
    /// Media URLs, in order (Twilio's `MediaUrl`s).
    pub media: Vec<String>,
}

impl Outbound {
    /// An SMS with this body and no media.
    pub fn sms(body: impl Into<String>) -> Self {
        Outbound {
            body: body.into(),
            media: vec![],
        }
    }
}

/// A Text response or a Text input's prompt: the text as is.
pub fn text(body: &str) -> Outbound {
    Outbound::sms(body)
}

/// An Image response: an MMS whose body is the alt text (possibly empty), so a handset that does
/// not show the picture still says what it was.
pub fn image(url: &str, alt: &str) -> Outbound {
    Outbound {
        body: alt.to_owned(),
        media: vec![url.to_owned()],
    }
}

/// A Link response: `label: url`, or the URL alone when the label is empty.
pub fn link(label: &str, url: &str) -> Outbound {
    if label.trim().is_empty() {
        Outbound::sms(url)
    } else {
        Outbound::sms(format!("{label}: {url}"))
    }
}

/// A Card: the title line if any, then one `Label: value` line per `(label, value)` (trailing
/// spaces trimmed, so an empty value gives `Label:`).
pub fn card(title: Option<&str>, fields: &[(String, String)]) -> Outbound {
    let lines = fields
        .iter()
        .map(|(label, value)| format!("{label}: {value}").trim_end().to_owned());
    Outbound::sms(join(title.into_iter().map(str::to_owned).chain(lines)))
}

/// A Static or Dynamic Choice: the prompt, `1. label` .. `n. label`, then [`CHOICE_HINT`].
pub fn choice(prompt: &str, options: &[ChoiceOption]) -> Outbound {
    let lines = options
        .iter()
        .enumerate()
        .map(|(i, o)| format!("{}. {}", i + 1, o.label));
    Outbound::sms(join(
        std::iter::once(prompt.to_owned())
            .chain(lines)
            .chain(std::iter::once(CHOICE_HINT.to_owned())),
    ))
}

/// A Boolean: the prompt, then [`BOOLEAN_HINT`].
pub fn boolean(prompt: &str) -> Outbound {
    Outbound::sms(join([prompt.to_owned(), BOOLEAN_HINT.to_owned()]))
}

/// A File Picker: the prompt, then [`FILE_HINT`].
pub fn file_picker(prompt: &str) -> Outbound {
    Outbound::sms(join([prompt.to_owned(), FILE_HINT.to_owned()]))
}

/// A re-prompt: `sorry` on the first line, then the question again, in one SMS.
pub fn reprompt(sorry: &str, question: Outbound) -> Outbound {
    Outbound {
        body: join([sorry.to_owned(), question.body]),
        media: question.media,
    }
}

fn join(lines: impl IntoIterator<Item = String>) -> String {
    lines
        .into_iter()
        .filter(|l| !l.trim().is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opts() -> Vec<ChoiceOption> {
        vec![
            ChoiceOption::new("Where is my order?", "track"),
            ChoiceOption::new("Cancel it", "cancel"),
        ]
    }

    #[test]
    fn images_only_names_the_exact_types_a_picker_takes() {
        let t = |v: &[&str]| images_only(&v.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>());
        assert_eq!(t(&["image/*"]), IMAGES_ONLY);
        assert_eq!(t(&["image/png", "image/*"]), IMAGES_ONLY);
        assert_eq!(
            t(&["image/png"]),
            "Sorry, I can only accept images of type image/png."
        );
        assert_eq!(
            t(&["image/png", "image/gif", "image/jpeg"]),
            "Sorry, I can only accept images of type image/png, image/gif or image/jpeg."
        );
    }

    #[test]
    fn text_is_as_is() {
        assert_eq!(text("Hello  there "), Outbound::sms("Hello  there "));
    }

    #[test]
    fn choice_is_a_numbered_list_with_a_hint() {
        assert_eq!(
            choice("What do you need?", &opts()).body,
            "What do you need?\n1. Where is my order?\n2. Cancel it\n\
             Reply with a number or the option's name."
        );
        assert_eq!(
            choice("", &opts()).body,
            "1. Where is my order?\n2. Cancel it\nReply with a number or the option's name."
        );
        assert!(choice("Q", &opts()).media.is_empty());
    }

    #[test]
    fn boolean_and_file_picker_hints() {
        assert_eq!(
            boolean("Has it arrived?").body,
            "Has it arrived?\nReply YES or NO."
        );
        assert_eq!(
            file_picker("Send a photo.").body,
            "Send a photo.\nReply with an image (a picture message)."
        );
    }

    #[test]
    fn image_is_an_mms_with_the_alt_text() {
        assert_eq!(
            image("https://x.test/a.png", "A parcel"),
            Outbound {
                body: "A parcel".into(),
                media: vec!["https://x.test/a.png".into()]
            }
        );
        assert_eq!(image("https://x.test/a.png", "").body, "");
    }

    #[test]
    fn link_is_label_colon_url() {
        assert_eq!(
            link("Track it", "https://x.test/t/1").body,
            "Track it: https://x.test/t/1"
        );
        assert_eq!(link(" ", "https://x.test").body, "https://x.test");
    }

    #[test]
    fn card_is_one_line_per_field() {
        let fields = vec![
            ("Case".to_owned(), "CS0001".to_owned()),
            ("State".to_owned(), "Open".to_owned()),
            ("Notes".to_owned(), String::new()),
        ];
        assert_eq!(
            card(Some("Your case"), &fields).body,
            "Your case\nCase: CS0001\nState: Open\nNotes:"
        );
        assert_eq!(card(None, &fields[..1]).body, "Case: CS0001");
    }

    #[test]
    fn reprompt_prefixes_the_whole_question() {
        assert_eq!(
            reprompt(SORRY, boolean("Has it arrived?")).body,
            "Sorry, I didn't get that.\nHas it arrived?\nReply YES or NO."
        );
    }
}
