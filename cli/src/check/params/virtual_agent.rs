//! Typed parameters of the virtual agent: cases and where a conversation waits.

use std::str::FromStr;

use cucumber::Parameter;

use super::{quoted_texts, unread, Unhonoured};

/// `open` or `resolved`: a customer service case's state.
#[derive(Clone, Copy, Debug, Parameter)]
#[param(name = "case_state", regex = "open|resolved")]
pub struct CaseState(pub &'static str);

impl FromStr for CaseState {
    type Err = Unhonoured;
    fn from_str(words: &str) -> Result<Self, Unhonoured> {
        match words {
            "open" => Ok(CaseState("open")),
            "resolved" => Ok(CaseState("resolved")),
            _ => unread(words, "a case state"),
        }
    }
}

/// Where a conversation waits: `topic "order_status" at node "ask_need"` or `no topic`.
#[derive(Clone, Debug, Parameter)]
#[param(
    name = "topic_position",
    regex = r#"topic "[^"]+" at node "[^"]+"|no topic"#
)]
pub struct TopicPosition(pub Option<(String, String)>);

impl FromStr for TopicPosition {
    type Err = Unhonoured;
    fn from_str(words: &str) -> Result<Self, Unhonoured> {
        match quoted_texts(words).as_slice() {
            [topic, node] => Ok(TopicPosition(Some((topic.clone(), node.clone())))),
            [] => Ok(TopicPosition(None)),
            _ => unread(words, "a topic position"),
        }
    }
}
