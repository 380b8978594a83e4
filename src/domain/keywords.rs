//! SMS update notifications: the START, STOP and Notification keywords (seed 003, NOTIF-1..5).
//!
//! A registered user (a `sys_user` other than the guest) manages whether they receive SMS updates
//! of their conversations by texting a keyword alone: `START` turns them on, `STOP` off, and
//! `Notification` replies the current setting. They are off until the user opts in (NOTIF-1).
//! Guests, consumers and customer contacts get a reply saying only registered users can subscribe,
//! and nothing is stored (NOTIF-5). Matching ignores case and surrounding white space; a keyword
//! inside a longer message is just text.
//!
//! **With Twilio's opt-out handling** (the default on long codes, Twilio reference §7), `STOP` and
//! `START` are also Twilio's keywords: Twilio blocks (or unblocks) the pair, sends its own
//! confirmation and forwards the keyword with `OptOutType`. The engine then records the
//! subscription change but sends no reply of its own after `STOP` (Twilio would refuse it with
//! 21610); after `START` it confirms the subscription. With Twilio's handling off (Advanced Opt-Out
//! managed by the application), the engine replies to every keyword itself. Twilio's other
//! opt-out words (`UNSUBSCRIBE`, `CANCEL`, ...) opt the handset out at Twilio too, so a message
//! Twilio marks `OptOutType=STOP` counts as `STOP` whatever its word ([`keyword_of`]).
//!
//! **What the setting is for**: the SMS update notifications themselves ([`receives_updates`],
//! [`case_update_text`]): a registered user who opted in is texted when a case of theirs
//! changes state.

use crate::domain::model::{Party, PartyTable};

/// Whether `party`, whose SMS update setting is `subscription` (`None`: never set), is sent SMS
/// update notifications (seed 003: "Notifications are disabled by default"; "only users with
/// ServiceNow accounts can receive these notifications; guest users such as consumer or customer
/// contacts cannot"): a registered `sys_user` (not the guest) whose setting is on, NOTIF-1..5.
pub fn receives_updates(party: &Party, subscription: Option<bool>) -> bool {
    party.table == PartyTable::SysUser && !party.is_guest() && subscription == Some(true)
}

/// The SMS update notification of a case whose state changed:
/// `Update on your case CS0001001 (Router broken): it is now resolved.` (without a short
/// description, `Update on your case CS0001001: it is now resolved.`). The wording is ours: the
/// seeds leave a notification's content to the instance ("Define Virtual Agent notification
/// contents").
pub fn case_update_text(number: &str, short_description: &str, state: &str) -> String {
    let about = short_description.trim();
    if about.is_empty() {
        format!("Update on your case {number}: it is now {state}.")
    } else {
        format!("Update on your case {number} ({about}): it is now {state}.")
    }
}

/// A notification keyword.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Keyword {
    /// `START`: turn SMS updates on (NOTIF-2).
    Start,
    /// `STOP`: turn SMS updates off (NOTIF-3).
    Stop,
    /// `Notification`: reply the current setting (NOTIF-4).
    Notification,
}

/// The keyword a message consists of, if it is one (any case, surrounding white space ignored).
pub fn keyword(body: &str) -> Option<Keyword> {
    let word = body.trim();
    if word.eq_ignore_ascii_case("start") {
        Some(Keyword::Start)
    } else if word.eq_ignore_ascii_case("stop") {
        Some(Keyword::Stop)
    } else if word.eq_ignore_ascii_case("notification") {
        Some(Keyword::Notification)
    } else {
        None
    }
}

/// The keyword of an inbound message given Twilio's `OptOutType` for it (`STOP`, `START`,
/// `HELP`, or `None` when Twilio did not act on it): `Stop` whatever the word when Twilio opted
/// the handset out (`UNSUBSCRIBE`, `CANCEL`, `QUIT`... Twilio reference §7), since Twilio now
/// refuses every send to the handset with 21610: the user is recorded as opted out (NOTIF-3)
/// and the virtual agent does not answer. Otherwise [`keyword`] of the body: Twilio's other
/// opt-in words (`YES`, `UNSTOP`) and help words stay text, so that "yes" still answers a
/// virtual agent's question.
pub fn keyword_of(body: &str, opt_out_type: Option<&str>) -> Option<Keyword> {
    if opt_out_type.is_some_and(|t| t.eq_ignore_ascii_case("STOP")) {
        Some(Keyword::Stop)
    } else {
        keyword(body)
    }
}

/// Reply to START.
pub const SUBSCRIBED: &str =
    "You will receive SMS updates about your conversations. Reply STOP to stop them.";
/// Reply to STOP (when the application, not Twilio, handles opt-out).
pub const UNSUBSCRIBED: &str =
    "You will no longer receive SMS updates. Reply START to receive them again.";
/// Reply to Notification when updates are on.
pub const STATUS_ON: &str = "SMS update notifications are ON. Reply STOP to turn them off.";
/// Reply to Notification when updates are off.
pub const STATUS_OFF: &str = "SMS update notifications are OFF. Reply START to turn them on.";
/// Reply to guests, consumers and customer contacts.
pub const REGISTERED_ONLY: &str =
    "Only registered users can subscribe to SMS update notifications.";

/// What to do with a keyword.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Decision {
    /// The new setting to store for the user, if it changes or is set.
    pub set: Option<bool>,
    /// The reply to send, if any.
    pub reply: Option<&'static str>,
}

/// Decides a keyword from `requester` (`None` = guest), whose setting is `current` (`None` = never
/// set, which means off), given whether Twilio already handled it (`OptOutType` present).
pub fn decide(
    keyword: Keyword,
    requester: Option<&Party>,
    current: Option<bool>,
    handled_by_provider: bool,
) -> Decision {
    let registered = requester.is_some_and(|p| p.table == PartyTable::SysUser && !p.is_guest());
    if !registered {
        return Decision {
            set: None,
            reply: match keyword {
                // Twilio confirmed the opt-out itself and would refuse our reply.
                Keyword::Stop if handled_by_provider => None,
                _ => Some(REGISTERED_ONLY),
            },
        };
    }
    match keyword {
        Keyword::Start => Decision {
            set: Some(true),
            reply: Some(SUBSCRIBED),
        },
        Keyword::Stop => Decision {
            set: Some(false),
            reply: (!handled_by_provider).then_some(UNSUBSCRIBED),
        },
        Keyword::Notification => Decision {
            set: None,
            reply: Some(if current.unwrap_or(false) {
                STATUS_ON
            } else {
                STATUS_OFF
            }),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::model::GUEST_SYS_ID;

    fn party(table: PartyTable, id: &str) -> Party {
        Party::fixture(table, id)
    }

    /// Only a registered sys_user whose setting is on receives updates: never set is off
    /// (NOTIF-1), and the guest, consumers and contacts never do (NOTIF-5).
    #[test]
    fn only_a_registered_user_who_opted_in_receives_updates() {
        let ada = party(PartyTable::SysUser, "ada");
        assert!(receives_updates(&ada, Some(true)));
        assert!(!receives_updates(&ada, Some(false)));
        assert!(!receives_updates(&ada, None));
        for p in [
            party(PartyTable::SysUser, GUEST_SYS_ID),
            party(PartyTable::CsmConsumer, "bea"),
            party(PartyTable::CustomerContact, "cy"),
        ] {
            assert!(!receives_updates(&p, Some(true)), "{p:?}");
        }
        assert_eq!(
            case_update_text("CS0001001", " Router broken ", "resolved"),
            "Update on your case CS0001001 (Router broken): it is now resolved."
        );
        assert_eq!(
            case_update_text("CS0001001", "", "closed"),
            "Update on your case CS0001001: it is now closed."
        );
    }

    #[test]
    fn twilio_opt_out_words_are_stop_only_when_twilio_opted_the_handset_out() {
        assert_eq!(keyword_of("UNSUBSCRIBE", Some("STOP")), Some(Keyword::Stop));
        assert_eq!(keyword_of("cancel", Some("STOP")), Some(Keyword::Stop));
        assert_eq!(
            keyword_of("cancel", None),
            None,
            "Twilio's handling off: just text"
        );
        assert_eq!(
            keyword_of("yes", Some("START")),
            None,
            "an answer, not an opt-in"
        );
        assert_eq!(keyword_of("START", Some("START")), Some(Keyword::Start));
        assert_eq!(
            keyword_of("Notification", None),
            Some(Keyword::Notification)
        );
    }

    #[test]
    fn keywords_ignore_case_and_spaces_but_not_other_words() {
        assert_eq!(keyword("  start "), Some(Keyword::Start));
        assert_eq!(keyword("STOP"), Some(Keyword::Stop));
        assert_eq!(keyword("notification\n"), Some(Keyword::Notification));
        assert_eq!(keyword("please stop"), None);
        assert_eq!(keyword("notifications"), None);
    }

    #[test]
    fn only_registered_users_subscribe() {
        let user = party(PartyTable::SysUser, "u");
        assert_eq!(
            decide(Keyword::Start, Some(&user), None, false).set,
            Some(true)
        );
        assert_eq!(
            decide(Keyword::Stop, Some(&user), Some(true), true).reply,
            None
        );
        assert_eq!(
            decide(Keyword::Stop, Some(&user), Some(true), false).reply,
            Some(UNSUBSCRIBED)
        );
        assert_eq!(
            decide(Keyword::Notification, Some(&user), None, false).reply,
            Some(STATUS_OFF)
        );
        for other in [
            party(PartyTable::SysUser, GUEST_SYS_ID),
            party(PartyTable::CsmConsumer, "c"),
            party(PartyTable::CustomerContact, "k"),
        ] {
            let d = decide(Keyword::Start, Some(&other), None, false);
            assert_eq!(
                d,
                Decision {
                    set: None,
                    reply: Some(REGISTERED_ONLY)
                }
            );
        }
        assert_eq!(
            decide(Keyword::Notification, None, None, false).reply,
            Some(REGISTERED_ONLY)
        );
    }
}
