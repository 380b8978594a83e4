//! Pure decisions of Conversational SMS: no IO, no clock, no store.
//!
//! Each function takes what the engine loaded for one event and returns what must change; the
//! engine ([`crate::engine`]) applies the decision in one transaction.

use crate::domain::model::{
    ChannelUserProfile, Handler, Interaction, Party, PartyTable, SysId, GUEST_SYS_ID,
};

/// Who an inbound SMS is opened for, and what happens to the messaging profile (PROFILE-1..4).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ProfileDecision {
    /// Use the number's active profile as it is; the interaction is opened for the record it links,
    /// or for the guest user when it links nobody (PROFILE-2, PROFILE-4).
    UseProfile {
        /// The active profile.
        profile: SysId,
        /// The record it links.
        opened_for: Option<(PartyTable, SysId)>,
    },
    /// A guest profile (linked to nobody) gets linked to the record that now has the number.
    LinkGuestProfile {
        /// The active guest profile.
        profile: SysId,
        /// The record with the number.
        user: Party,
    },
    /// No profile yet: create one linked to `user`, or to nobody (guest) when `None`
    /// (PROFILE-1, PROFILE-3).
    CreateProfile {
        /// The sys_user with the number, if any.
        user: Option<Party>,
    },
}

/// The record an inbound number belongs to, before its messaging profile is considered
/// (PROFILE-1..3).
///
/// - `user`: the sys_user whose mobile phone is the number. Seed 002 matches inbound numbers
///   against sys_user records only, and that stays the default: it wins whenever there is one.
/// - `customers`: the consumers and customer contacts whose mobile phone is the number, used only
///   when `match_customers` (the sys_property
///   [`crate::engine::properties::MATCH_CUSTOMER_PHONES`]) is on: then the one such record is the
///   requester, so a consumer's first text already has her record (her open cases in a Dynamic
///   Choice). Several such records mean nobody: the number is shared, and guessing would show one
///   person another's records; the conversation opens for the guest and an agent re-links it
///   (PROFILE-4).
pub fn record_for_number(
    user: Option<Party>,
    customers: Vec<Party>,
    match_customers: bool,
) -> Option<Party> {
    if user.is_some() || !match_customers {
        return user;
    }
    let mut customers = customers.into_iter();
    match (customers.next(), customers.next()) {
        (Some(one), None) => Some(one),
        _ => None,
    }
}

/// Matches an inbound number to a requester (seed 002, "Messaging profiles").
///
/// `user` is the record whose mobile phone is the number ([`record_for_number`]: a sys_user, or
/// with the property on a consumer or contact); `profile` the number's active messaging profile.
/// When both exist and disagree, the profile wins (PROFILE-4): the record is left as it is and an
/// agent can re-link later.
pub fn match_profile(user: Option<Party>, profile: Option<&ChannelUserProfile>) -> ProfileDecision {
    match (user, profile) {
        (Some(user), Some(p)) if p.user.is_none() => ProfileDecision::LinkGuestProfile {
            profile: p.sys_id.clone(),
            user,
        },
        (_, Some(p)) => ProfileDecision::UseProfile {
            profile: p.sys_id.clone(),
            opened_for: p.user.clone(),
        },
        (user, None) => ProfileDecision::CreateProfile { user },
    }
}

/// What an inbound SMS does to the conversation (REQ-1..3).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum InboundRoute {
    /// The pair has an active interaction: the message joins it, whoever handles it (REQ-2, REQ-3).
    Join(Box<Interaction>),
    /// No active interaction: open one, handled by `handler` (REQ-1).
    Open {
        /// The virtual agent when it is enabled, else a live agent (or the queue when none is free).
        handler: Handler,
    },
    /// No active interaction, the virtual agent off, and the SMS is a START / STOP / Notification
    /// keyword (NOTIF-1..5): an interaction holds it and the system's answer and closes at once
    /// (`closed_complete`), without a word to the requester. A command to the notification system
    /// is no conversation, so no live agent is offered it, and the requester is not told "An
    /// agent will be with you shortly." (after STOP, Twilio would refuse even that). With the
    /// virtual agent on, the interaction opens with it as usual, and the keyword does not wake
    /// it (our choice: the seeds are silent).
    AnswerKeyword,
}

/// Routes an inbound SMS. A new interaction goes to the virtual agent when it is enabled, else
/// to the queue, from where live-agent routing takes it, unless it would open for a keyword
/// (`keyword`: START / STOP / Notification, [`crate::domain::keywords::keyword_of`]) that no
/// virtual agent receives ([`InboundRoute::AnswerKeyword`]).
pub fn route_inbound(
    active: Option<Interaction>,
    virtual_agent_enabled: bool,
    keyword: bool,
) -> InboundRoute {
    match active {
        Some(i) => InboundRoute::Join(Box::new(i)),
        None if virtual_agent_enabled => InboundRoute::Open {
            handler: Handler::VirtualAgent,
        },
        None if keyword => InboundRoute::AnswerKeyword,
        None => InboundRoute::Open {
            handler: Handler::Queue,
        },
    }
}

/// What an agent's outbound SMS does to the conversation (AGENT-1..4).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ComposeAction {
    /// No active interaction: open one assigned to the agent, who joins the live group (AGENT-1).
    Open,
    /// Append to the active interaction; assignment does not change; `join` when the agent is
    /// not yet in its live group (AGENT-2). An interaction waiting in the queue is assigned to the
    /// composing agent (nobody had it).
    Append {
        /// The active interaction.
        interaction: SysId,
        /// Whether the interaction has no assignee and takes the composing agent.
        assign: bool,
        /// Whether the interaction is opened for the guest user and the agent writes to a known
        /// record: the interaction (and the number's profile, if it links nobody) is linked to
        /// that record, now that the agent has said who the number belongs to.
        identify: bool,
    },
    /// Close the virtual agent's interaction and open a new one for the agent (AGENT-3).
    ReplaceVirtualAgent {
        /// The VA interaction to close.
        close: SysId,
    },
    /// The active interaction is with another requester record: close it, deactivate its profile,
    /// create a profile for the current requester and open a new interaction (AGENT-4).
    ReplaceRequester {
        /// The interaction to close.
        close: SysId,
        /// Its channel user profile, to deactivate.
        deactivate_profile: Option<SysId>,
    },
}

/// Whether an agent writing to `requester` writes to the requester of `i` (AGENT-4 is about "a
/// different contact, consumer or user"). The guest user is nobody known, so it is never a
/// different user, both ways: an agent writing to the guest joins the conversation as it is, and
/// an agent writing to a known record joins a conversation opened for the guest (an unknown number
/// that texted in, whose owner the agent now names) rather than closing it.
pub fn same_requester(i: &Interaction, requester: &Party) -> bool {
    let guest_interaction = i.opened_for.0 == PartyTable::SysUser && i.opened_for.1 == GUEST_SYS_ID;
    requester.is_guest() || guest_interaction || requester.is(&i.opened_for)
}

/// Decides an agent-initiated send to `requester` on a pair whose active interaction is `active`.
///
/// A guest is never "a different user" ([`same_requester`]): the agent joins the conversation
/// (or, with the virtual agent on it, AGENT-3 applies); a guest conversation the agent joins for a
/// known record becomes that record's ([`ComposeAction::Append::identify`]).
pub fn decide_compose(active: Option<&Interaction>, requester: &Party) -> ComposeAction {
    let Some(i) = active else {
        return ComposeAction::Open;
    };
    let same_requester = same_requester(i, requester);
    if !same_requester {
        return ComposeAction::ReplaceRequester {
            close: i.sys_id.clone(),
            deactivate_profile: i.profile.clone(),
        };
    }
    match &i.handler {
        Handler::VirtualAgent => ComposeAction::ReplaceVirtualAgent {
            close: i.sys_id.clone(),
        },
        Handler::Agent(_) | Handler::Queue => ComposeAction::Append {
            interaction: i.sys_id.clone(),
            assign: i.handler == Handler::Queue,
            identify: !requester.is_guest() && !requester.is(&i.opened_for),
        },
    }
}

/// What a profile check finds for a number about to be used for `requester` (VALIDATE-1).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ProfileCheck {
    /// The number has no profile, or its profile links `requester` (or nobody).
    Ok,
    /// The number's active profile links another record: warn, and re-link on send.
    LinkedToOther {
        /// The profile.
        profile: SysId,
        /// The record it links now.
        linked: (PartyTable, SysId),
    },
}

/// Checks the number's active profile against the requester an agent writes to.
pub fn check_profile(profile: Option<&ChannelUserProfile>, requester: &Party) -> ProfileCheck {
    match profile.and_then(|p| p.user.clone().map(|u| (p, u))) {
        Some((p, linked)) if !requester.is_guest() && !requester.is(&linked) => {
            ProfileCheck::LinkedToOther {
                profile: p.sys_id.clone(),
                linked,
            }
        }
        _ => ProfileCheck::Ok,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::model::{
        InteractionNumber, InteractionState, InteractionType, GUEST_SYS_ID,
    };
    use crate::domain::phone::E164;

    fn party(table: PartyTable, id: &str) -> Party {
        Party::fixture(table, id)
    }

    fn interaction(handler: Handler, opened_for: (PartyTable, &str)) -> Interaction {
        Interaction {
            sys_id: "i1".into(),
            number: InteractionNumber::from_counter(1001),
            kind: InteractionType::Messaging,
            state: InteractionState::New,
            active: true,
            handler,
            opened_for: (opened_for.0, opened_for.1.into()),
            profile: Some("p1".into()),
            requester_phone: E164::parse("+14155552671", None).ok(),
            provider_phone: None,
            va_node: None,
            opened_at: Default::default(),
            va_state: None,
        }
    }

    fn profile(user: Option<(PartyTable, &str)>) -> ChannelUserProfile {
        ChannelUserProfile {
            sys_id: "p1".into(),
            phone: E164::parse("+14155552671", None).unwrap(),
            user: user.map(|(t, s)| (t, s.into())),
            active: true,
        }
    }

    #[test]
    fn profile_rows() {
        let u = party(PartyTable::SysUser, "u1");
        assert_eq!(
            match_profile(Some(u.clone()), None),
            ProfileDecision::CreateProfile {
                user: Some(u.clone())
            }
        );
        assert_eq!(
            match_profile(None, None),
            ProfileDecision::CreateProfile { user: None }
        );
        let other = profile(Some((PartyTable::SysUser, "u2")));
        assert_eq!(
            match_profile(Some(u.clone()), Some(&other)),
            ProfileDecision::UseProfile {
                profile: "p1".into(),
                opened_for: Some((PartyTable::SysUser, "u2".into()))
            }
        );
        assert!(matches!(
            match_profile(Some(u), Some(&profile(None))),
            ProfileDecision::LinkGuestProfile { .. }
        ));
    }

    #[test]
    fn an_inbound_number_matches_a_sys_user_and_with_the_property_one_consumer_or_contact() {
        let u = party(PartyTable::SysUser, "u1");
        let bea = party(PartyTable::CsmConsumer, "bea");
        let cy = party(PartyTable::CustomerContact, "cy");
        // The default: sys_user only (seed 002).
        assert_eq!(record_for_number(None, vec![bea.clone()], false), None);
        assert_eq!(
            record_for_number(Some(u.clone()), vec![bea.clone()], false),
            Some(u.clone())
        );
        // With the property: a sys_user still wins; else the one consumer or contact.
        assert_eq!(
            record_for_number(Some(u.clone()), vec![bea.clone()], true),
            Some(u)
        );
        assert_eq!(
            record_for_number(None, vec![bea.clone()], true),
            Some(bea.clone())
        );
        assert_eq!(
            record_for_number(None, vec![cy.clone()], true),
            Some(cy.clone())
        );
        // A shared number is nobody's: the guest, until an agent re-links.
        assert_eq!(record_for_number(None, vec![bea, cy], true), None);
        assert_eq!(record_for_number(None, vec![], true), None);
    }

    #[test]
    fn compose_rows() {
        let b = party(PartyTable::CsmConsumer, "b");
        assert_eq!(decide_compose(None, &b), ComposeAction::Open);
        let with_agent = interaction(Handler::Agent("a1".into()), (PartyTable::CsmConsumer, "b"));
        assert!(matches!(
            decide_compose(Some(&with_agent), &b),
            ComposeAction::Append { assign: false, .. }
        ));
        let with_va = interaction(Handler::VirtualAgent, (PartyTable::CsmConsumer, "b"));
        assert!(matches!(
            decide_compose(Some(&with_va), &b),
            ComposeAction::ReplaceVirtualAgent { .. }
        ));
        let other = interaction(Handler::Agent("a1".into()), (PartyTable::CsmConsumer, "a"));
        assert!(matches!(
            decide_compose(Some(&other), &b),
            ComposeAction::ReplaceRequester { .. }
        ));
        let guest = party(PartyTable::SysUser, GUEST_SYS_ID);
        assert!(matches!(
            decide_compose(Some(&other), &guest),
            ComposeAction::Append {
                identify: false,
                ..
            }
        ));
    }

    #[test]
    fn a_guest_conversation_is_not_a_different_user_for_a_known_requester() {
        let b = party(PartyTable::CsmConsumer, "b");
        let guest = (PartyTable::SysUser, GUEST_SYS_ID);
        // With a live agent, or waiting in the queue: the agent joins, and it becomes b's.
        let with_agent = interaction(Handler::Agent("a1".into()), guest);
        assert_eq!(
            decide_compose(Some(&with_agent), &b),
            ComposeAction::Append {
                interaction: "i1".into(),
                assign: false,
                identify: true
            }
        );
        let queued = interaction(Handler::Queue, guest);
        assert_eq!(
            decide_compose(Some(&queued), &b),
            ComposeAction::Append {
                interaction: "i1".into(),
                assign: true,
                identify: true
            }
        );
        // With the virtual agent: AGENT-3, not AGENT-4 (no profile is deactivated).
        let with_va = interaction(Handler::VirtualAgent, guest);
        assert_eq!(
            decide_compose(Some(&with_va), &b),
            ComposeAction::ReplaceVirtualAgent { close: "i1".into() }
        );
        // A known requester's own conversation is not re-identified.
        let hers = interaction(Handler::Agent("a1".into()), (PartyTable::CsmConsumer, "b"));
        assert!(matches!(
            decide_compose(Some(&hers), &b),
            ComposeAction::Append {
                identify: false,
                ..
            }
        ));
        assert!(same_requester(&with_agent, &b) && same_requester(&hers, &b));
        assert!(!same_requester(
            &interaction(Handler::Agent("a1".into()), (PartyTable::CsmConsumer, "a")),
            &b
        ));
    }

    #[test]
    fn inbound_rows() {
        assert_eq!(
            route_inbound(None, true, false),
            InboundRoute::Open {
                handler: Handler::VirtualAgent
            }
        );
        assert_eq!(
            route_inbound(None, false, false),
            InboundRoute::Open {
                handler: Handler::Queue
            }
        );
        // A keyword with the virtual agent on opens with it (the keyword does not wake it);
        // with it off, no live agent is asked to answer it.
        assert_eq!(
            route_inbound(None, true, true),
            InboundRoute::Open {
                handler: Handler::VirtualAgent
            }
        );
        assert_eq!(
            route_inbound(None, false, true),
            InboundRoute::AnswerKeyword
        );
        let active = interaction(Handler::Queue, (PartyTable::CsmConsumer, "a"));
        assert_eq!(
            route_inbound(Some(active.clone()), false, true),
            InboundRoute::Join(Box::new(active))
        );
    }
}
