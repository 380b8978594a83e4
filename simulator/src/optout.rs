//! Twilio's default opt-out handling on long codes (§7): STOP-family keywords block the
//! (account number, handset) pair, START-family keywords lift the block, HELP-family keywords are
//! answered, and every keyword still reaches the app's webhook, marked with `OptOutType`.
//!
//! * Keywords: opt-out `STOP`, `UNSUBSCRIBE`, `END`, `QUIT`, `STOPALL`, `REVOKE`, `OPTOUT`,
//!   `CANCEL`; opt-in `START`, `YES`, `UNSTOP`; help `HELP`, `INFO`. A keyword triggers only when
//!   it is the whole message: case-insensitive, surrounding whitespace (Unicode) ignored; any
//!   other character, punctuation included, makes it an ordinary message (`STOP.` and
//!   `STOP PLEASE` are not keywords). The exact trimming and punctuation rules are UNCONFIRMED
//!   (§7); this is the simulator's choice.
//! * Effect (with handling on, the default): after an opt-out keyword, creating a message from
//!   that account number to that handset answers HTTP 400 / 21610 "Attempt to send to
//!   unsubscribed recipient" and records nothing; a TwiML `<Message>` reply to it is recorded
//!   as `failed` with error 21610. An opt-in keyword lifts the block. The block is per pair:
//!   other numbers of the account can still text the handset. A number in a Messaging Service's
//!   pool blocks the service too ("the user is also opted out … from that Messaging Service",
//!   §7 Scope): while the handset has a STOP to any number of the pool, a send through the
//!   service is refused whichever sender it would pick, and so is a send `From` any pool number
//!   (the simulator's reading), and Twilio sends no HELP or default reply from them. The block
//!   is read from the pool at send time, so it follows numbers joining and leaving it. An
//!   opt-in keyword to any number of the pool lifts the STOP of every number in it.
//! * Auto-replies: Twilio answers each keyword from the texted number (opt-out: the
//!   "successfully been unsubscribed" text; opt-in: the "re-subscribed" text; help: [`HELP_REPLY`]
//!   — its wording is UNCONFIRMED, §7 — except that a blocked handset gets no help reply, as §7
//!   says). An auto-reply is delivered to the handset at once (status `delivered`, direction
//!   `outbound-reply`, `date_sent` = now) and shows in [`crate::Simulator::messages_to`] for the
//!   handset and in the control API's log (`GET /_sim/messages`, marked `"twilio_reply": true`),
//!   but it is not one of the account's messages: it is absent from
//!   [`crate::Simulator::messages`], status callbacks and the REST API, whose list leaves it out
//!   and whose fetch answers 404 / 20404 (§7: Twilio's replies are "not stored as your
//!   messages"), and has no lifecycle. It takes the next SID of the shared message counter
//!   (`SM…`), so later SIDs move on by one.
//! * The keyword message itself is recorded and POSTed to the SMS URL as any inbound message,
//!   with one extra parameter, `OptOutType` = `STOP`, `START` or `HELP`, after `ApiVersion`
//!   (Twilio documents it for Advanced Opt-Out; the simulator sends it whenever it handles the
//!   keyword).
//! * Without an SMS URL (§7: "the block works … even if your number currently has no messaging
//!   request URL"), a keyword is handled all the same: the message is recorded, the block and the
//!   keyword's auto-reply happen, and nothing is posted. Any other text gets Twilio's default
//!   reply, [`NO_URL_REPLY`] (observed wording, §7), delivered as the auto-replies are, unless the
//!   pair is blocked (the simulator's reading: Twilio sends nothing to a blocked handset from
//!   that number; UNCONFIRMED for its own reply). That reply is not part of the opt-out
//!   handling: with handling off, no text is a keyword and no pair is blocked, so every text gets
//!   it.
//! * [`crate::Simulator::set_opt_out_handling`]`(false)` turns all of this off, as when the app
//!   manages consent itself (Advanced Opt-Out with the app in charge): no block is checked, no
//!   keyword auto-reply is sent, no `OptOutType` is added; keywords are plain inbound messages. Blocks
//!   recorded earlier are kept and apply again when handling is turned back on.
//!
//! ServiceNow's own keywords: Conversational SMS handles `START`/`STOP` (and its notification
//! keywords) in the app. With Twilio's handling on, a `STOP` both blocks the pair at the provider
//! (the app's later sends fail with 21610) **and** reaches the app, which should record the
//! opt-out too; a `START` lifts the provider block and reaches the app. Keywords that are not in
//! Twilio's lists reach the app as ordinary messages and never block. With Twilio's handling
//! off, only the app decides.

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use twilio_wire::message::{Direction, MessageStatus};
#[cfg(test)]
use twilio_wire::sid::AccountSid;

use crate::numbers;
use crate::state::{NewMessage, SimState};
use crate::stored::StoredMessage;

/// Twilio's reply to an opt-out keyword (§7, observed wording).
pub(crate) const STOP_REPLY: &str = "You have successfully been unsubscribed. You will not receive any more messages from this number. Reply START to resubscribe.";
/// Twilio's reply to an opt-in keyword (§7, observed wording).
pub(crate) const START_REPLY: &str = "You have successfully been re-subscribed to messages from this number. Reply HELP for help. Reply STOP to unsubscribe. Msg&Data Rates May Apply.";
/// Twilio's reply to a text (not a keyword) to a number with no messaging webhook (§7, observed
/// wording).
pub(crate) const NO_URL_REPLY: &str = "Thanks for the message. Configure your number's SMS URL to change this message. Reply HELP for help. Reply STOP to unsubscribe. Msg&Data rates may apply.";
/// The simulator's reply to a help keyword; Twilio's wording is UNCONFIRMED (§7).
pub(crate) const HELP_REPLY: &str =
    "Reply HELP for help. Reply STOP to unsubscribe. Msg&Data Rates May Apply.";

/// The kind of keyword an inbound message is, as sent in `OptOutType`.
pub(crate) use twilio_wire::webhook::OptOutType;

/// The keyword kind of `body` (`Stop`, `Start` or `Help`), when the whole trimmed body is one
/// of Twilio's keywords (any case): `" stop "` is `Stop`, `"STOP."` and `"stop please"` are
/// ordinary messages (§7; the trimming and punctuation rules are the simulator's choice).
pub fn classify(body: &str) -> Option<OptOutType> {
    OptOutType::of_keyword(body)
}

/// Opt-out blocks and the auto-replies sent to handsets.
#[derive(Debug, Default)]
pub(crate) struct OptOutState {
    /// True when the app manages consent (handling off).
    disabled: bool,
    /// Blocked `(account number, handset)` pairs, both normalised: the numbers the handset
    /// texted STOP to. A Messaging Service's block is read from its pool at send time
    /// ([`blocked`]), so that it follows the pool as numbers join and leave it.
    blocked: BTreeSet<(String, String)>,
    /// Auto-replies delivered to handsets (to keywords, and to texts for a number with no SMS
    /// URL), oldest first, the newest `retain` of them; not account messages.
    pub(crate) auto_replies: std::collections::VecDeque<StoredMessage>,
}

impl OptOutState {
    /// Turns Twilio's handling on or off.
    pub(crate) fn set_handling(&mut self, enabled: bool) {
        self.disabled = !enabled;
    }

    /// True when the handset texted STOP to `number` itself (the pair alone; [`blocked`] is what
    /// a send is refused by).
    #[cfg(test)]
    pub(crate) fn is_blocked(&self, number: &str, handset: &str) -> bool {
        // No block, no parsing: creates stay cheap while nobody has opted out.
        !self.disabled
            && !self.blocked.is_empty()
            && self
                .blocked
                .contains(&(numbers::normalise(number), numbers::normalise(handset)))
    }
}

/// True when Twilio refuses a send (or sends no reply of its own) from the account's `number`
/// to `handset`: handling is on and the handset texted STOP to that number, or to another
/// number of the Messaging Service whose pool holds it now (§7 Scope: "also opted out … from
/// that Messaging Service"; that this covers a send `From` a pool number directly, not through
/// the service, is the simulator's reading).
pub(crate) fn blocked(state: &SimState, number: &str, handset: &str) -> bool {
    let o = &state.optout;
    // No block, no parsing: creates stay cheap while nobody has opted out.
    if o.disabled || o.blocked.is_empty() {
        return false;
    }
    let (number, handset) = (numbers::normalise(number), numbers::normalise(handset));
    o.blocked.contains(&(number.clone(), handset.clone()))
        || state
            .services
            .service_of(&number)
            .is_some_and(|n| pool_blocked(state, n, &handset))
}

/// True when Twilio refuses a send through Messaging Service `service` (the number in its SID)
/// to `handset`: handling is on and the handset texted STOP to a number of its pool.
pub(crate) fn service_blocked(state: &SimState, service: u128, handset: &str) -> bool {
    let o = &state.optout;
    !o.disabled
        && !o.blocked.is_empty()
        && pool_blocked(state, service, &numbers::normalise(handset))
}

/// True when the handset (normalised) texted STOP to a number of `service`'s pool.
fn pool_blocked(state: &SimState, service: u128, handset: &str) -> bool {
    state.services.pool_of(service).any(|p| {
        state
            .optout
            .blocked
            .contains(&(p.to_owned(), handset.to_owned()))
    })
}

/// Handles an inbound message from `handset` to the account's `number` (both normalised) before
/// it is recorded: when handling is on and `body` is a keyword, updates the block and delivers
/// the auto-reply (taking the next message SID). Returns the `OptOutType` to add to the webhook.
pub(crate) fn on_inbound(
    state: &mut SimState,
    number: &str,
    handset: &str,
    body: &str,
    now: DateTime<Utc>,
) -> Option<OptOutType> {
    if state.optout.disabled {
        return None;
    }
    let kind = classify(body)?;
    let reply = match kind {
        OptOutType::Stop => {
            let pair = (number.to_owned(), handset.to_owned());
            state.optout.blocked.insert(pair);
            Some(STOP_REPLY)
        }
        OptOutType::Start => {
            // Re-subscribed to the number, and to its service: every pool number's STOP goes.
            let pool: Vec<String> = match state.services.service_of(number) {
                Some(n) => state.services.pool_of(n).map(str::to_owned).collect(),
                None => vec![],
            };
            for p in pool.into_iter().chain([number.to_owned()]) {
                state.optout.blocked.remove(&(p, handset.to_owned()));
            }
            Some(START_REPLY)
        }
        OptOutType::Help => (!blocked(state, number, handset)).then_some(HELP_REPLY),
    };
    if let Some(text) = reply {
        auto_reply(state, number, handset, text, now);
    }
    Some(kind)
}

/// Twilio's default reply to a text (not a keyword, see [`on_inbound`]) from `handset` to the
/// account's `number` (both normalised) when no SMS URL applies: [`NO_URL_REPLY`], delivered as
/// the keywords' auto-replies are (taking the next message SID), unless the handset opted out
/// of that number ([`blocked`]).
pub(crate) fn no_url_reply(state: &mut SimState, number: &str, handset: &str, now: DateTime<Utc>) {
    if !blocked(state, number, handset) {
        auto_reply(state, number, handset, NO_URL_REPLY, now);
    }
}

/// Delivers Twilio's `text` from `number` to `handset` at once: `delivered`, `outbound-reply`,
/// not one of the account's messages (see the module docs).
fn auto_reply(state: &mut SimState, number: &str, handset: &str, text: &str, now: DateTime<Utc>) {
    let (sid, _) = state.next_message_sid(false);
    let message = SimState::new_message(NewMessage {
        sid,
        direction: Direction::OutboundReply,
        status: MessageStatus::Delivered,
        from: number,
        to: handset,
        body: text,
        num_media: 0,
        now,
        sent: Some(now),
    });
    let cap = state.retain();
    crate::state::push_bounded(&mut state.optout.auto_replies, message, cap);
}

impl crate::Simulator {
    /// Turns Twilio's default opt-out handling on (the default) or off. Off is what Advanced
    /// Opt-Out with app-managed consent looks like: no 21610 block, no auto-replies, no
    /// `OptOutType` parameter. Blocks recorded while on are kept and apply again once it is back
    /// on. See the `optout` module docs.
    pub fn set_opt_out_handling(&self, enabled: bool) {
        self.core.state().optout.set_handling(enabled);
    }

    /// Records that `handset` opted out of messages from the account's `number` (both valid
    /// numbers, stored in E.164), as if it had texted STOP, without a message or an auto-reply:
    /// for a shared setup (`convsms sim --seed-file`). `/_sim/reset` forgets it.
    pub fn add_opt_out(&self, number: &str, handset: &str) {
        self.core
            .state()
            .optout
            .blocked
            .insert((numbers::normalise(number), numbers::normalise(handset)));
    }

    /// True when sends from the account's `number` to `handset` are currently refused with 21610
    /// (handling is on and the handset opted out of that number, or of another number of the
    /// Messaging Service whose pool holds it).
    pub fn is_opted_out(&self, number: &str, handset: &str) -> bool {
        blocked(&self.core.state(), number, handset)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keywords_are_whole_trimmed_words_in_any_case() {
        for w in OptOutType::Stop.keywords() {
            assert_eq!(classify(w), Some(OptOutType::Stop), "{w}");
            assert_eq!(classify(&w.to_lowercase()), Some(OptOutType::Stop), "{w}");
        }
        assert_eq!(classify("  sToP \n"), Some(OptOutType::Stop));
        assert_eq!(classify("\u{a0}Unstop\t"), Some(OptOutType::Start));
        assert_eq!(classify("yes"), Some(OptOutType::Start));
        assert_eq!(classify("info"), Some(OptOutType::Help));
        for not in [
            "STOP PLEASE",
            "please cancel",
            "STOP.",
            "",
            "stop!",
            "S TOP",
        ] {
            assert_eq!(classify(not), None, "{not}");
        }
        assert_eq!(OptOutType::Help.as_str(), "HELP");
    }

    #[test]
    fn blocks_are_per_pair_and_ignored_while_disabled() {
        let mut s = SimState::new(
            AccountSid::from_counter(1),
            vec![],
            None,
            crate::state::DEFAULT_RETAIN,
        );
        let t = crate::delivery::testing::t0();
        assert_eq!(
            on_inbound(&mut s, "+14155550100", "+14155552671", "stop", t),
            Some(OptOutType::Stop)
        );
        assert!(s.optout.is_blocked("+14155550100", "+1 415 555 2671"));
        assert!(!s.optout.is_blocked("+14155550101", "+14155552671"));
        // HELP while blocked: forwarded, not answered.
        assert_eq!(
            on_inbound(&mut s, "+14155550100", "+14155552671", "HELP", t),
            Some(OptOutType::Help)
        );
        assert_eq!(s.optout.auto_replies.len(), 1);
        s.optout.disabled = true;
        assert!(!s.optout.is_blocked("+14155550100", "+14155552671"));
        assert_eq!(
            on_inbound(&mut s, "+14155550100", "+14155552671", "START", t),
            None
        );
        s.optout.disabled = false;
        assert!(s.optout.is_blocked("+14155550100", "+14155552671"));
    }
}
