//! The virtual-agent stub: one "greeting" topic as a pure state machine.
//!
//! Nodes: `ask_issue` (greeted, waiting for the issue) → `noted` (issue captured, offering a live
//! agent). At any node, a message asking for a person ("agent", "human", "representative",
//! "person", any case) transfers to a live agent. A later issue replaces this with topic files.

/// The node the topic starts at, after the greeting.
pub const START_NODE: &str = "ask_issue";

/// The greeting sent when the virtual agent opens a conversation.
pub const GREETING: &str = "Hi, this is the virtual agent. What can I help you with today?";

/// What the virtual agent does with one requester message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VaStep {
    /// Replies to send, in order.
    pub replies: Vec<String>,
    /// The node to wait at next; `None` when the conversation leaves the virtual agent.
    pub next_node: Option<String>,
    /// Whether to hand the conversation to a live agent.
    pub transfer: bool,
}

/// Whether the text asks for a live agent.
pub fn wants_live_agent(text: &str) -> bool {
    text.split(|c: char| !c.is_alphanumeric())
        .map(str::to_ascii_lowercase)
        .any(|w| matches!(w.as_str(), "agent" | "human" | "representative" | "person"))
}

/// The first step of a new conversation: greet, or transfer at once if asked.
pub fn start(text: &str) -> VaStep {
    if wants_live_agent(text) {
        return transfer();
    }
    VaStep {
        replies: vec![GREETING.to_owned()],
        next_node: Some(START_NODE.to_owned()),
        transfer: false,
    }
}

/// Continues the topic at `node` with the requester's `text` (REQ-3).
pub fn continue_at(node: &str, text: &str) -> VaStep {
    if wants_live_agent(text) {
        return transfer();
    }
    let captured = text.trim();
    match node {
        START_NODE => VaStep {
            replies: vec![format!(
                "Thanks, I have noted: '{captured}'. Reply AGENT to talk to a live agent."
            )],
            next_node: Some("noted".to_owned()),
            transfer: false,
        },
        _ => VaStep {
            replies: vec![format!(
                "I have added: '{captured}'. Reply AGENT to talk to a live agent."
            )],
            next_node: Some("noted".to_owned()),
            transfer: false,
        },
    }
}

fn transfer() -> VaStep {
    VaStep {
        replies: vec!["Transferring you to a live agent.".to_owned()],
        next_node: None,
        transfer: true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn greets_captures_and_transfers() {
        assert_eq!(start("hello").next_node.as_deref(), Some(START_NODE));
        let s = continue_at(START_NODE, "my router is broken");
        assert!(s.replies[0].contains("my router is broken"));
        assert_eq!(s.next_node.as_deref(), Some("noted"));
        assert!(continue_at("noted", "Can I talk to an AGENT?").transfer);
        assert!(start("agent please").transfer);
        assert!(!wants_live_agent("agents of change"));
    }
}
