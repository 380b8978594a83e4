//! The send-from / send-to extension point (COMPOSE-8).
//!
//! ServiceNow calls it `AgentInitiatedConversationUtil`; its default implementation is the script
//! include `AgentInitiatedMessagingUtilExtPointImpl`. A customer installs its own implementation to
//! change which provider numbers an agent may send from and which number a message goes to.

use crate::domain::model::{Interaction, InteractionType, Party};
use crate::domain::phone::E164;

/// What the Compose SMS form knows when it asks for numbers.
#[derive(Clone, Debug)]
pub struct ComposeContext<'a> {
    /// The composing agent.
    pub agent: &'a Party,
    /// The interaction the agent composes from, if any.
    pub interaction: Option<&'a Interaction>,
    /// The requester record the message is for, if known.
    pub requester: Option<&'a Party>,
    /// The Conversational SMS provider numbers, sorted.
    pub provider_numbers: &'a [E164],
}

/// Chooses the Send from and Send to numbers of the Compose SMS form.
pub trait AgentInitiatedConversationUtil: Send + Sync {
    /// The provider numbers the agent may send from. One number is preselected (COMPOSE-2);
    /// several make the agent choose (COMPOSE-3); none means Compose SMS is not offered.
    fn send_from(&self, ctx: &ComposeContext<'_>) -> Vec<E164>;

    /// The number the message goes to by default (COMPOSE-4), `None` when unknown.
    fn send_to(&self, ctx: &ComposeContext<'_>) -> Option<E164>;
}

/// The default implementation (`AgentInitiatedMessagingUtilExtPointImpl`).
///
/// - Send from: every Conversational SMS provider number.
/// - Send to: in an open SMS conversation, to its own requester (no other record named), the
///   number the requester texts from (the interaction's `requester_phone`), so that a reply
///   continues that conversation (REQ-2) even when the number is one a messaging profile links
///   to them rather than their mobile phone;
///   for a phone interaction, the consumer originally associated with it (VALIDATE-2); otherwise
///   the requester's mobile phone (COMPOSE-4), else the interaction's requester phone.
#[derive(Clone, Copy, Debug, Default)]
pub struct AgentInitiatedMessagingUtilExtPointImpl;

impl AgentInitiatedConversationUtil for AgentInitiatedMessagingUtilExtPointImpl {
    fn send_from(&self, ctx: &ComposeContext<'_>) -> Vec<E164> {
        ctx.provider_numbers.to_vec()
    }

    fn send_to(&self, ctx: &ComposeContext<'_>) -> Option<E164> {
        let its_own = |i: &Interaction| {
            ctx.requester
                .is_none_or(|r| (r.table, &r.sys_id) == (i.opened_for.0, &i.opened_for.1))
        };
        let texting = ctx
            .interaction
            .filter(|i| i.active && i.kind == InteractionType::Messaging && its_own(i))
            .and_then(|i| i.requester_phone.clone());
        texting
            .or_else(|| ctx.requester.and_then(|r| r.phone.clone()))
            .or_else(|| ctx.interaction.and_then(|i| i.requester_phone.clone()))
    }
}
