//! Typed parameters of conversations: media, assignment, the live group profile.

use std::str::FromStr;

use convsms::domain::delivery::DeliveryStatus;
use convsms::domain::model::InteractionNumber;
use convsms_sim::InboundMedia;
use cucumber::Parameter;

use super::{
    interaction_number, quoted_texts, take_quoted, take_word, unhonoured, unread, Unhonoured,
};

/// An optional clause with the media of an MMS: `with the image "…"`, `with the file "…"`, or
/// several in one MMS: `with the images "…" and "…"` (`files` alike, which may mix images and
/// other files); one file may give its MIME type, `with the image "https://cdn.example/m/7f3a"
/// of type "image/heic"`, which the handset then sends (as the webhook's `MediaContentType0`)
/// whatever its URL's name says. The media, in order, each an absolute http(s) URL.
///
/// "the image" names one URL and "the images" several: the other way round is refused. Each is
/// an image when its type (given, else its URL's extension's, [`InboundMedia::type_of_url`]) is
/// `image/*`, as agents will see it: "image" for anything else is refused, and so is "file"
/// for an image or for files that are all images. A type is refused when it is not one MIME
/// type, and after several URLs.
#[derive(Clone, Debug)]
pub struct Media(pub Vec<InboundMedia>);
parameter!(
    Media,
    "media",
    concat!(
        "(?: with the (?:images?|files?) ",
        quoted_list!(),
        r#"(?: of type "[^"]*")?)?"#
    )
);

impl FromStr for Media {
    type Err = Unhonoured;
    fn from_str(words: &str) -> Result<Self, Unhonoured> {
        let mut urls = quoted_texts(words);
        // The last quoted text is a type when the clause ends `" of type "…"`.
        let given = urls
            .last()
            .filter(|t| words.ends_with(&format!("\" of type \"{t}\"")))
            .cloned();
        if given.is_some() {
            urls.pop();
        }
        let Some(kind) = words
            .strip_prefix(" with the ")
            .and_then(|w| w.split(' ').next())
        else {
            return Ok(Media(vec![]));
        };
        let image = kind.starts_with("image");
        match (kind.strip_suffix('s'), urls.len()) {
            (None, 1) | (Some(_), 2..) => {}
            (None, n) => {
                return unhonoured(format!(
                    "'the {kind}' names one, not {n}: write 'with the {kind}s \"…\" and \"…\"'"
                ))
            }
            (Some(one), _) => {
                return unhonoured(format!(
                    "'the {kind}' names several, not one: write 'with the {one} \"…\"'"
                ))
            }
        }
        if given.is_some() && urls.len() > 1 {
            return unhonoured(format!(
                "'of type' gives the type of one file, not of {}: write one step per file, or \
                 name each as its type (a.png, b.pdf)",
                urls.len()
            ));
        }
        let mut media = Vec::with_capacity(urls.len());
        for url in &urls {
            let m = InboundMedia::checked(url, given.as_deref())
                .or_else(|e| unhonoured(e.to_string()))?;
            media.push(m);
        }
        // Several files may mix images and others (agents see each as what it is); one file,
        // or files that are all images, are said as what agents see.
        let mixed = !image && media.iter().any(|m| !m.is_image());
        for m in &media {
            let url = &m.url;
            // The handset sends the type given, else the one its file's name says (as
            // MediaContentType): agents see an image exactly when that type is image/*.
            match (image, m.is_image() && !mixed, &m.content_type) {
                (true, false, Some(t)) => {
                    return unhonoured(format!(
                        "an image's type is image/…, not {t}: write 'with the file' for other \
                         files"
                    ))
                }
                (true, false, None) if urls.len() > 1 => {
                    return unhonoured(format!(
                        "\"{url}\" is not named as an image (.jpg, .jpeg, .png, .gif, .webp): \
                         the handset sends the type its file name says; 'with the files' may mix \
                         images and other files"
                    ))
                }
                (true, false, None) => {
                    return unhonoured(format!(
                        "\"{url}\" is not named as an image (.jpg, .jpeg, .png, .gif, .webp): \
                         the handset sends the type its file name says; name an image file, \
                         give its type ('of type \"image/heic\"'), or write 'with the file'"
                    ))
                }
                (false, true, Some(t)) => {
                    return unhonoured(format!(
                        "{t} is an image's type: write 'with the image' (agents see it as an \
                         image)"
                    ))
                }
                (false, true, None) if urls.len() > 1 => {
                    return unhonoured(
                        "these are all named as images: agents see images; write 'with the \
                         images'"
                            .to_owned(),
                    )
                }
                (false, true, None) => {
                    return unhonoured(format!(
                        "\"{url}\" is named as an image ({}): agents see it as one; write \
                         'with the image', or give the file's type ('of type \"application/pdf\"')",
                        m.content_type()
                    ))
                }
                _ => {}
            }
        }
        Ok(Media(media))
    }
}

/// A message of a conversation, numbered as the transcript numbers it (`message #2 of
/// IMS0001001`: every line, the requester's, the agents', the system's internal ones) or as the
/// requester saw them (`the 2nd message "+14155552671" received`, `the last message
/// "+14155552671" received`: what that handset received, oldest first, across its
/// conversations).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MessageRef {
    /// Message `seq` (from 1) of an interaction's transcript.
    Transcript {
        /// The interaction.
        interaction: InteractionNumber,
        /// Its number in the transcript.
        seq: i64,
    },
    /// The last message an interaction sent to its requester (`the last message sent in
    /// IMS0001001`): its outbound transcript row with the highest number, whatever its status.
    LastSent {
        /// The interaction.
        interaction: InteractionNumber,
    },
    /// The `nth` (from 1) message a handset received; `None`, the last.
    Received {
        /// The handset.
        phone: String,
        /// Which, from 1; `None` for the last.
        nth: Option<usize>,
    },
}
parameter!(
    MessageRef,
    "message",
    r#"message #\d+ of \S+|the last message sent in \S+|the (?:\d+(?:st|nd|rd|th)|last) message "[^"]+" received"#
);

/// The English ordinal suffix of `n`: `st`, `nd`, `rd` or `th`.
fn ordinal_suffix(n: usize) -> &'static str {
    match (n % 10, n % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    }
}

impl FromStr for MessageRef {
    type Err = Unhonoured;
    fn from_str(words: &str) -> Result<Self, Unhonoured> {
        let mut rest = words;
        if let Some(seq) = take_word(&mut rest, "message #") {
            let seq = seq
                .parse()
                .or_else(|_| unhonoured(format!("#{seq} is too large a message number")))?;
            return match rest.strip_prefix(" of ") {
                Some(n) => Ok(MessageRef::Transcript {
                    interaction: interaction_number(n)?,
                    seq,
                }),
                None => unread(words, "a message"),
            };
        }
        let Some(ordinal) = take_word(&mut rest, "the ") else {
            return unread(words, "a message");
        };
        if ordinal == "last" {
            if let Some(n) = rest.strip_prefix(" message sent in ") {
                return Ok(MessageRef::LastSent {
                    interaction: interaction_number(n)?,
                });
            }
            return match take_quoted(&mut rest, " message ") {
                Some(phone) if rest == " received" => Ok(MessageRef::Received { phone, nth: None }),
                _ => unread(words, "a message"),
            };
        }
        let digits = ordinal.trim_end_matches(|c: char| c.is_ascii_alphabetic());
        let nth: usize = digits
            .parse()
            .or_else(|_| unhonoured(format!("{ordinal} is too large a message number")))?;
        let suffix = ordinal_suffix(nth);
        if nth == 0 || ordinal != format!("{nth}{suffix}") {
            return unhonoured(format!(
                "'{ordinal}' is not an ordinal: messages count from the 1st; write {}{}",
                nth.max(1),
                ordinal_suffix(nth.max(1))
            ));
        }
        match take_quoted(&mut rest, " message ") {
            Some(phone) if rest == " received" => Ok(MessageRef::Received {
                phone,
                nth: Some(nth),
            }),
            _ => unread(words, "a message"),
        }
    }
}

impl std::fmt::Display for MessageRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            MessageRef::Transcript { interaction, seq } => {
                write!(f, "message #{seq} of {interaction}")
            }
            MessageRef::LastSent { interaction } => {
                write!(f, "the last message sent in {interaction}")
            }
            MessageRef::Received {
                phone,
                nth: Some(nth),
            } => {
                write!(
                    f,
                    "the {nth}{} message \"{phone}\" received",
                    ordinal_suffix(*nth)
                )
            }
            MessageRef::Received { phone, nth: None } => {
                write!(f, "the last message \"{phone}\" received")
            }
        }
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

/// How a send ended when Twilio could not deliver it: `failed` (refused, or not sent) or
/// `undelivered` (sent, but the carrier could not deliver it), Twilio's two final failure
/// statuses (§3).
#[derive(Clone, Copy, Debug, Parameter)]
#[param(name = "failure", regex = "failed|undelivered")]
pub struct Failure(pub DeliveryStatus);

impl FromStr for Failure {
    type Err = Unhonoured;
    fn from_str(words: &str) -> Result<Self, Unhonoured> {
        match words {
            "failed" => Ok(Failure(DeliveryStatus::Failed)),
            "undelivered" => Ok(Failure(DeliveryStatus::Undelivered)),
            other => unhonoured(format!("{other:?} is not failed or undelivered")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_image_is_named_as_one_and_counted_right() {
        let ok = Media::from_str(
            r#" with the images "https://a.example/x.PNG?s=1" and "https://b.example/b.jpeg#f""#,
        );
        assert_eq!(ok.unwrap().0.len(), 2);
        let file = Media::from_str(r#" with the file "https://a.example/Media/ME1""#);
        assert_eq!(
            file.unwrap().0,
            [InboundMedia::at("https://a.example/Media/ME1")]
        );
        // A type given goes with the URL, whatever its name says; a URL that merely reads
        // like the clause is a URL.
        let typed = Media::from_str(
            r#" with the image "https://a.example/Media/ME1" of type "image/heic""#,
        );
        assert_eq!(
            typed.unwrap().0,
            [InboundMedia {
                url: "https://a.example/Media/ME1".into(),
                content_type: Some("image/heic".parse().unwrap()),
            }]
        );
        let odd = Media::from_str(r#" with the file "https://a.example/x of type y""#);
        assert_eq!(
            odd.unwrap().0,
            [InboundMedia::at("https://a.example/x of type y")]
        );
        let e = format!(
            "{:?}",
            Media::from_str(r#" with the image "https://a.example/Media/ME1""#).unwrap_err()
        );
        assert!(e.contains("is not named as an image"), "{e}");
        let e = format!(
            "{:?}",
            Media::from_str(r#" with the image "a.png" and "b.png""#).unwrap_err()
        );
        assert!(e.contains("names one, not 2"), "{e}");
    }
}
