//! Injected faults on the simulator's HTTP requests to the app, deterministic and seeded.
//!
//! Two families exist, each set globally or for one number (a rule for a number applies when the
//! message's `From` or `To` is that number; it wins over the global rule):
//!
//! * [`WebhookFault`], on the inbound "A message comes in" webhook (§4.1):
//!   * [`WebhookFault::ServerError`]: the app is **not** contacted; the attempt ends as if it had
//!     answered HTTP 500 with an empty body.
//!   * [`WebhookFault::Timeout`]: the request **is** delivered (the app sees it and may act on
//!     it), but its answer is thrown away, as when it arrives after Twilio's 15 s deadline. No
//!     time passes: the simulator never sleeps.
//!
//!   A webhook fault strikes the *first* attempt of a delivery only. Retries, which happen only
//!   when the URL asks for them with connection overrides (`#rc=`, `#rp=`, see
//!   [`crate::webhook`]), go through unfaulted, so a test can watch the app get the same
//!   `MessageSid` and `I-Twilio-Idempotency-Token` twice. Every failed attempt is logged as
//!   debugger error 11200 ([`crate::Simulator::errors`]).
//! * [`CallbackFault`], on status callbacks (§3.1):
//!   * [`CallbackFault::Drop`]: never sent;
//!   * [`CallbackFault::Duplicate`]: sent twice in a row, identical (same parameters, same
//!     `I-Twilio-Idempotency-Token`);
//!   * [`CallbackFault::Delay`]: held for `seconds` of the simulator's clock after its transition
//!     and sent by the first [`crate::Simulator::run_due`] at or after that instant, so it can
//!     arrive after a later status's callback;
//!   * [`CallbackFault::Reorder`]: a non-final callback (`sent`) is held back and sent right after
//!     the same message's next callback (so `delivered` arrives before `sent`); a final callback
//!     struck by it is sent normally, as there is nothing left to swap it with.
//!
//! Each rule strikes as its [`Strikes`] say: the next `n` candidate requests
//! ([`Strikes::Next`]: counted down, the rule is removed after its last strike, and nothing is
//! drawn), or a share of them ([`Strikes::Share`], a `probability` in `[0, 1]`: values outside
//! are clamped, NaN counts as 0). At probability 1 (the usual case) it strikes every time and
//! draws nothing; below 1 each candidate request draws once from a ChaCha8 stream of its family
//! and its pair of numbers (`From` and `To`, in either order), keyed by [`crate::Simulator::set_fault_seed`] (seed 0 until set) ([`Draws`]). Whether
//! the n-th such request between two numbers is struck depends on the seed, the pair and n alone:
//! the same seed and the same requests strike the same ones, and requests between other numbers
//! do not move it (a soak's shrinker leaves out other conversations and keeps this one's faults).
//!
//! Every family, the create-API faults of `api_faults` included, chooses through [`pick`]: its
//! rules are `Vec<Rule<Kind>>` set with [`Rule::set`]. Adding another family means one more such
//! field, a `set_*` method that calls [`Rule::set`] on it and a `pick_*` method that calls
//! [`pick`]; `POST /_sim/faults` then takes one more optional key next to `callback`,
//! `webhook` and `api`.

use std::collections::HashMap;
use std::hash::Hasher;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

use crate::numbers;

/// Where a fault applies.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FaultScope {
    /// Every message.
    Global,
    /// Messages whose `From` or `To` is this number (E.164, for example `+14155552671`; other
    /// spellings are normalised when libphonenumber can read them).
    Number(String),
}

/// A fault on the inbound message webhook (§4.1). See the module docs of `faults`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum WebhookFault {
    /// The attempt fails with HTTP 500 without reaching the app (JSON `{"kind": "server_error"}`).
    ServerError,
    /// The app gets the request but its answer is lost to a timeout (JSON `{"kind": "timeout"}`).
    Timeout,
}

/// A fault on status callbacks (§3.1). See the module docs of `faults`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum CallbackFault {
    /// Not sent at all (JSON `{"kind": "drop"}`).
    Drop,
    /// Sent twice, identically (JSON `{"kind": "duplicate"}`).
    Duplicate,
    /// Non-final callbacks are sent after the next one (JSON `{"kind": "reorder"}`).
    Reorder,
    /// Sent `seconds` of simulated time after its transition (JSON
    /// `{"kind": "delay", "seconds": 10}`).
    Delay {
        /// Whole seconds of the simulator's clock.
        seconds: u32,
    },
}

/// Which of the requests a fault rule applies to it strikes.
///
/// An `f64` converts to [`Strikes::Share`], so `sim.set_api_fault(scope, fault, 0.5)` reads as
/// before.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Strikes {
    /// Each one with this chance in `[0, 1]` (clamped when set; NaN counts as 0): 1 strikes
    /// every one and 0 none, drawing nothing; strictly between, each draws from the seeded
    /// stream of its pair of numbers ([`crate::Simulator::set_fault_seed`]).
    Share(f64),
    /// The next `n` of them, drawing nothing; the rule is removed after its last strike (so a
    /// global rule a number's rule hid applies again). `Next(0)` removes the rule at once.
    /// A [`CallbackFault::Reorder`] counts only the callbacks it holds back: a final one, or
    /// one whose message has a callback held already, is not a candidate.
    Next(u32),
}

impl From<f64> for Strikes {
    fn from(probability: f64) -> Strikes {
        Strikes::Share(probability)
    }
}

impl Strikes {
    /// The chance of a [`Strikes::Share`] (clamped), `None` for [`Strikes::Next`].
    pub fn share(self) -> Option<f64> {
        match self {
            Strikes::Share(p) => Some(clamp_probability(p)),
            Strikes::Next(_) => None,
        }
    }
}

impl std::fmt::Display for Strikes {
    /// `probability 0.5`, or `the next 2`: how the inspector lists a rule.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Strikes::Share(p) => write!(f, "probability {p}"),
            Strikes::Next(n) => write!(f, "the next {n}"),
        }
    }
}

/// One fault rule of a family.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Rule<K> {
    /// Where it applies; a [`FaultScope::Number`] is stored normalised.
    pub(crate) scope: FaultScope,
    /// What happens.
    pub(crate) kind: K,
    /// Which candidate requests it strikes (a share clamped to `[0, 1]`; a count of those left).
    pub(crate) strikes: Strikes,
}

impl<K> Rule<K> {
    /// Replaces the rule of `scope` in `rules` with `kind` striking as `strikes` say, or
    /// removes it when `kind` is `None` (or `strikes` is `Next(0)`).
    pub(crate) fn set(
        rules: &mut Vec<Rule<K>>,
        scope: FaultScope,
        kind: Option<K>,
        strikes: impl Into<Strikes>,
    ) {
        let scope = normalise_scope(scope);
        rules.retain(|r| r.scope != scope);
        let strikes = match strikes.into() {
            Strikes::Share(p) => Strikes::Share(clamp_probability(p)),
            Strikes::Next(0) => return,
            next => next,
        };
        if let Some(kind) = kind {
            rules.push(Rule {
                scope,
                kind,
                strikes,
            });
        }
    }
}

/// `p` clamped to `[0, 1]`; NaN becomes 0.
pub(crate) fn clamp_probability(p: f64) -> f64 {
    if p.is_nan() {
        0.0
    } else {
        p.clamp(0.0, 1.0)
    }
}

/// The seeded draws of one fault family: a ChaCha8 stream for each pair of numbers.
///
/// The n-th draw between two numbers (normalised, in either order) is the n-th block of the
/// stream the pair and the family name (`family`) select, under the key the fault seed gives
/// (SipHash-1-3 with fixed keys of the names picks the stream: the same on every build and
/// toolchain, so a written feature's faults strike the same requests later too). So it depends
/// on the seed, the pair and n alone, and requests between other numbers draw from other
/// streams.
#[derive(Debug)]
pub(crate) struct Draws {
    family: &'static str,
    rng: ChaCha8Rng,
    /// How many draws each pair made so far, by the pair's stream.
    made: HashMap<u64, u64>,
}

impl Draws {
    /// Draws of `family` (its name keys its streams apart from the other families'), seed 0.
    pub(crate) fn new(family: &'static str) -> Draws {
        Draws {
            family,
            rng: ChaCha8Rng::seed_from_u64(0),
            made: HashMap::new(),
        }
    }

    /// Starts every stream again from `seed`.
    pub(crate) fn reseed(&mut self, seed: u64) {
        self.rng = ChaCha8Rng::seed_from_u64(seed);
        self.made.clear();
    }

    /// The next draw between `parties` (normalised; one or two numbers): true with
    /// `probability`.
    fn draw(&mut self, parties: &[String], probability: f64) -> bool {
        let a = parties.first().map_or("", String::as_str);
        let b = parties.get(1).map_or("", String::as_str);
        let mut h = siphasher::sip::SipHasher13::new_with_keys(0, 0);
        // The bytes themselves, each name ended by a 0 (std's `Hash` for `str` is not promised
        // to stay the same).
        for part in [self.family, a.min(b), a.max(b)] {
            h.write(part.as_bytes());
            h.write_u8(0);
        }
        let stream = h.finish();
        // Two pairs whose streams collide (one chance in 2^64) would share a count: harmless.
        let n = self.made.entry(stream).or_insert(0);
        self.rng.set_stream(stream);
        // One 16-word block per draw: a draw uses two words, the rest are left unused.
        self.rng.set_word_pos(u128::from(*n) * 16);
        *n += 1;
        self.rng.random_bool(probability)
    }
}

/// The one place a seeded fault is chosen, for every family (webhook, callback and the create
/// API's [`crate::ApiFault`]): the kind of the rule striking a request about a message between
/// `parties` (its `From` and `To`, in any order, any spelling libphonenumber can read), if one
/// strikes.
///
/// The rule is the first [`FaultScope::Number`] rule naming one of `parties`, else the
/// [`FaultScope::Global`] rule, else none. A [`Strikes::Next`] rule strikes when the request is
/// a candidate for it (`counts` says whether its kind counts this request) and counts one
/// down, removed after its last; a [`Strikes::Share`] strikes for sure at probability 1 and
/// never at 0, without drawing; strictly between, it draws once from `draws` (the pair's
/// stream), so the same seed and the same requests between two numbers strike the same ones.
/// Without rules nothing is parsed and nothing drawn.
pub(crate) fn pick<K: Copy>(
    rules: &mut Vec<Rule<K>>,
    draws: &mut Draws,
    parties: &[&str],
    counts: impl Fn(K) -> bool,
) -> Option<K> {
    if rules.is_empty() {
        return None;
    }
    let normal: Vec<String> = parties.iter().map(|n| numbers::normalise(n)).collect();
    let at = rules
        .iter()
        .position(|r| matches!(&r.scope, FaultScope::Number(n) if normal.contains(n)))
        .or_else(|| rules.iter().position(|r| r.scope == FaultScope::Global))?;
    let rule = &mut rules[at];
    let kind = rule.kind;
    match &mut rule.strikes {
        Strikes::Next(left) => {
            if !counts(kind) {
                return None;
            }
            *left = left.saturating_sub(1);
            if *left == 0 {
                rules.remove(at);
            }
            Some(kind)
        }
        Strikes::Share(p) if *p >= 1.0 => Some(kind),
        Strikes::Share(p) if *p <= 0.0 => None,
        Strikes::Share(p) => draws.draw(&normal, *p).then_some(kind),
    }
}

fn normalise_scope(scope: FaultScope) -> FaultScope {
    match scope {
        FaultScope::Number(n) => FaultScope::Number(numbers::normalise(&n)),
        global => global,
    }
}

/// How many times each kind of fault struck since the simulator started (the create API's, the
/// message list's, the inbound webhook's and the status callbacks'): what a soak or a test injected, as opposed to
/// the rules it set. Counts only grow; [`crate::Simulator::clear_faults`] keeps them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FaultTally {
    /// Create requests answered 429 / 20429 ([`crate::ApiFault::RateLimit`]).
    pub api_rate_limit: u64,
    /// Create requests answered 500 / 20500 ([`crate::ApiFault::ServerError`]).
    pub api_server_error: u64,
    /// Create requests that created the message and were answered 500 / 20500
    /// ([`crate::ApiFault::ServerErrorAfterCreate`]).
    pub api_server_error_after_create: u64,
    /// Create requests slowed down ([`crate::ApiFault::Latency`]).
    pub api_latency: u64,
    /// Create requests that created the message and had their connection closed instead of
    /// an answer ([`crate::ApiFault::ResetAfterCreate`]).
    #[serde(default)]
    pub api_reset_after_create: u64,
    /// List requests (`GET …/Messages.json`) answered 429 / 20429 (a list rule's
    /// [`crate::ApiFault::RateLimit`]).
    #[serde(default)]
    pub list_rate_limit: u64,
    /// List requests answered 500 / 20500 (a list rule's [`crate::ApiFault::ServerError`]).
    #[serde(default)]
    pub list_server_error: u64,
    /// List requests slowed down (a list rule's [`crate::ApiFault::Latency`]).
    #[serde(default)]
    pub list_latency: u64,
    /// Webhook deliveries failed with 500 before reaching the app ([`WebhookFault::ServerError`]).
    pub webhook_server_error: u64,
    /// Webhook deliveries whose answer was lost ([`WebhookFault::Timeout`]).
    pub webhook_timeout: u64,
    /// Status callbacks never sent ([`CallbackFault::Drop`]).
    pub callback_drop: u64,
    /// Status callbacks sent twice ([`CallbackFault::Duplicate`]).
    pub callback_duplicate: u64,
    /// Status callbacks struck by [`CallbackFault::Reorder`].
    pub callback_reorder: u64,
    /// Status callbacks held back ([`CallbackFault::Delay`]).
    pub callback_delay: u64,
}

/// Every fault rule and the seeded draws that decide the probabilistic ones.
#[derive(Debug)]
pub(crate) struct Faults {
    seed: u64,
    /// Draws of the webhook rules.
    webhook_draws: Draws,
    /// Draws of the callback rules.
    callback_draws: Draws,
    /// Webhook and callback faults that struck (the create API's are counted in `api_faults`).
    pub(crate) tally: FaultTally,
    /// Rules for status callbacks.
    pub(crate) callback: Vec<Rule<CallbackFault>>,
    /// Rules for the inbound webhook.
    pub(crate) webhook: Vec<Rule<WebhookFault>>,
}

impl Default for Faults {
    fn default() -> Self {
        Faults {
            seed: 0,
            webhook_draws: Draws::new("webhook"),
            callback_draws: Draws::new("callback"),
            callback: Vec::new(),
            webhook: Vec::new(),
            tally: FaultTally::default(),
        }
    }
}

impl Faults {
    /// Restarts the draws from `seed`.
    pub(crate) fn reseed(&mut self, seed: u64) {
        self.seed = seed;
        self.webhook_draws.reseed(seed);
        self.callback_draws.reseed(seed);
    }

    /// The seed the draws last started from.
    #[cfg(test)]
    pub(crate) fn seed(&self) -> u64 {
        self.seed
    }

    /// Removes every rule (the draws keep their positions).
    pub(crate) fn clear(&mut self) {
        self.callback.clear();
        self.webhook.clear();
    }

    /// The callback fault for a message between `parties` (its `From` and `To`), if one strikes;
    /// `holdable` says whether a reorder could hold this callback back (a non-final one, none
    /// of its message's held already): a [`Strikes::Next`] reorder counts only those (see
    /// [`Strikes::Next`]).
    pub(crate) fn pick_callback(
        &mut self,
        parties: &[&str],
        holdable: bool,
    ) -> Option<CallbackFault> {
        let counts = |kind| holdable || kind != CallbackFault::Reorder;
        let kind = pick(
            &mut self.callback,
            &mut self.callback_draws,
            parties,
            counts,
        )?;
        let t = &mut self.tally;
        *match kind {
            CallbackFault::Drop => &mut t.callback_drop,
            CallbackFault::Duplicate => &mut t.callback_duplicate,
            CallbackFault::Reorder => &mut t.callback_reorder,
            CallbackFault::Delay { .. } => &mut t.callback_delay,
        } += 1;
        Some(kind)
    }

    /// The webhook fault for an inbound message between `parties`, if one strikes.
    pub(crate) fn pick_webhook(&mut self, parties: &[&str]) -> Option<WebhookFault> {
        let kind = pick(&mut self.webhook, &mut self.webhook_draws, parties, |_| {
            true
        })?;
        let t = &mut self.tally;
        *match kind {
            WebhookFault::ServerError => &mut t.webhook_server_error,
            WebhookFault::Timeout => &mut t.webhook_timeout,
        } += 1;
        Some(kind)
    }
}

impl crate::Simulator {
    /// Sets (or with `fault: None` removes) the status-callback fault of `scope`, striking the
    /// callbacks `strikes` say: a probability in `[0, 1]` (an `f64`, clamped; 1 = every
    /// callback) or [`Strikes::Next`]. See the `faults` module docs for what each
    /// [`CallbackFault`] does.
    pub fn set_callback_fault(
        &self,
        scope: FaultScope,
        fault: Option<CallbackFault>,
        strikes: impl Into<Strikes>,
    ) {
        let mut state = self.core.state();
        Rule::set(&mut state.faults.callback, scope, fault, strikes);
    }

    /// Sets (or with `fault: None` removes) the inbound-webhook fault of `scope`, striking the
    /// first attempt of the deliveries `strikes` say: a probability in `[0, 1]` (an `f64`,
    /// clamped; 1 = every delivery) or [`Strikes::Next`].
    pub fn set_webhook_fault(
        &self,
        scope: FaultScope,
        fault: Option<WebhookFault>,
        strikes: impl Into<Strikes>,
    ) {
        let mut state = self.core.state();
        Rule::set(&mut state.faults.webhook, scope, fault, strikes);
    }

    /// Restarts the fault generator from `seed` (it starts from 0 otherwise). Only rules with a
    /// probability strictly between 0 and 1 draw from it.
    pub fn set_fault_seed(&self, seed: u64) {
        self.core.state().faults.reseed(seed);
        self.core.api_faults.reseed(seed);
        self.core.list_faults.reseed(seed);
    }

    /// How many times each kind of fault struck so far, every family (see [`FaultTally`]).
    pub fn faults_struck(&self) -> FaultTally {
        let mut tally = self.core.state().faults.tally;
        self.core.api_faults.add_tally(&mut tally);
        self.core.list_faults.add_list_tally(&mut tally);
        tally
    }

    /// Removes every fault rule, callback and webhook, global and per number.
    pub fn clear_faults(&self) {
        self.core.state().faults.clear();
        self.core.api_faults.clear();
        self.core.list_faults.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: &str = "+14155550100";
    const B: &str = "+14155552671";

    #[test]
    fn number_rules_win_over_the_global_rule_and_none_removes() {
        let mut f = Faults::default();
        Rule::set(
            &mut f.callback,
            FaultScope::Global,
            Some(CallbackFault::Drop),
            1.0,
        );
        Rule::set(
            &mut f.callback,
            FaultScope::Number("+1 415-555-2671".into()),
            Some(CallbackFault::Delay { seconds: 3 }),
            1.0,
        );
        assert_eq!(
            f.pick_callback(&[A, B], false),
            Some(CallbackFault::Delay { seconds: 3 })
        );
        assert_eq!(
            f.pick_callback(&[A, "+14155550199"], false),
            Some(CallbackFault::Drop)
        );
        Rule::set(&mut f.callback, FaultScope::Global, None, 1.0);
        assert_eq!(f.pick_callback(&[A, "+14155550199"], false), None);
        assert_eq!(f.callback.len(), 1);
        f.clear();
        assert_eq!(f.pick_callback(&[A, B], false), None);
    }

    #[test]
    fn probabilities_are_clamped_and_draws_follow_the_seed() {
        assert_eq!(clamp_probability(2.0), 1.0);
        assert_eq!(clamp_probability(-1.0), 0.0);
        assert_eq!(clamp_probability(f64::NAN), 0.0);

        let pattern = |seed: u64| {
            let mut f = Faults::default();
            f.reseed(seed);
            Rule::set(
                &mut f.webhook,
                FaultScope::Global,
                Some(WebhookFault::Timeout),
                0.5,
            );
            (0..64)
                .map(|_| f.pick_webhook(&[A, B]).is_some())
                .collect::<Vec<bool>>()
        };
        assert_eq!(pattern(7), pattern(7));
        assert_ne!(pattern(7), pattern(8));
        let hits = pattern(7).iter().filter(|b| **b).count();
        assert!((10..54).contains(&hits), "{hits} of 64");

        let mut never = Faults::default();
        Rule::set(
            &mut never.webhook,
            FaultScope::Global,
            Some(WebhookFault::ServerError),
            0.0,
        );
        assert_eq!(never.pick_webhook(&[A, B]), None);
        assert_eq!(never.seed(), 0);
    }

    /// `Strikes::Next(n)` strikes the next n candidates without drawing, then the rule is gone
    /// and the global rule it hid applies again; a reorder counts only non-final callbacks.
    #[test]
    fn the_next_n_strike_then_the_rule_is_gone() {
        let mut f = Faults::default();
        Rule::set(
            &mut f.callback,
            FaultScope::Global,
            Some(CallbackFault::Duplicate),
            1.0,
        );
        Rule::set(
            &mut f.callback,
            FaultScope::Number(B.into()),
            Some(CallbackFault::Drop),
            Strikes::Next(2),
        );
        let picked: Vec<_> = (0..4).map(|_| f.pick_callback(&[A, B], true)).collect();
        let drop = Some(CallbackFault::Drop);
        let dup = Some(CallbackFault::Duplicate);
        assert_eq!(picked, [drop, drop, dup, dup]);
        assert_eq!(f.callback.len(), 1, "the spent rule is removed");
        assert_eq!(f.tally.callback_drop, 2);
        assert!(f.callback_draws.made.is_empty(), "nothing drawn");

        let mut r = Faults::default();
        Rule::set(
            &mut r.callback,
            FaultScope::Global,
            Some(CallbackFault::Reorder),
            Strikes::Next(1),
        );
        assert_eq!(
            r.pick_callback(&[A, B], false),
            None,
            "one it cannot hold back is not counted"
        );
        assert_eq!(r.pick_callback(&[A, B], true), Some(CallbackFault::Reorder));
        assert_eq!(r.pick_callback(&[A, B], true), None);
        assert!(r.callback.is_empty());

        // Next(0) sets nothing (and removes the scope's rule); nothing is drawn either way.
        let mut w = Faults::default();
        Rule::set(
            &mut w.webhook,
            FaultScope::Global,
            Some(WebhookFault::Timeout),
            1.0,
        );
        Rule::set(
            &mut w.webhook,
            FaultScope::Global,
            Some(WebhookFault::Timeout),
            Strikes::Next(0),
        );
        assert!(w.webhook.is_empty());
        assert_eq!(Strikes::Next(3).to_string(), "the next 3");
        assert_eq!(Strikes::from(0.25).share(), Some(0.25));
        assert_eq!(Strikes::Next(3).share(), None);
    }

    /// Every family chooses through [`pick`], which draws once per candidate request when
    /// `0 < p < 1`, from the stream of the request's pair of numbers: a pair's strikes are the
    /// same whatever requests between other numbers (or of other families) came between them,
    /// and whichever order its two numbers are given in.
    #[test]
    fn a_pairs_strikes_do_not_move_with_other_pairs_requests() {
        const C: &str = "+14155550177";
        let seed = 7;
        let webhook_rules = |f: &mut Faults| {
            Rule::set(
                &mut f.webhook,
                FaultScope::Global,
                Some(WebhookFault::Timeout),
                0.5,
            );
            Rule::set(
                &mut f.callback,
                FaultScope::Global,
                Some(CallbackFault::Drop),
                0.5,
            );
        };
        let mut alone = Faults::default();
        alone.reseed(seed);
        webhook_rules(&mut alone);
        let by_itself: Vec<bool> = (0..64)
            .map(|_| alone.pick_webhook(&[A, B]).is_some())
            .collect();
        let mut mixed = Faults::default();
        mixed.reseed(seed);
        webhook_rules(&mut mixed);
        let among_others: Vec<bool> = (0..64)
            .map(|i| {
                let _ = mixed.pick_webhook(&[A, C]);
                let _ = mixed.pick_callback(&[A, B], false);
                let parties = if i % 2 == 0 { [A, B] } else { [B, A] };
                mixed.pick_webhook(&parties).is_some()
            })
            .collect();
        assert_eq!(by_itself, among_others);
        let hits = by_itself.iter().filter(|b| **b).count();
        assert!((10..54).contains(&hits), "{hits} of 64");
        // Another pair, and another family on the same pair, draw other streams.
        let mut other = Faults::default();
        other.reseed(seed);
        webhook_rules(&mut other);
        let other_pair: Vec<bool> = (0..64)
            .map(|_| other.pick_webhook(&[A, C]).is_some())
            .collect();
        assert_ne!(other_pair, by_itself);
        let callbacks: Vec<bool> = (0..64)
            .map(|_| other.pick_callback(&[A, B], false).is_some())
            .collect();
        assert_ne!(callbacks, by_itself);

        // The create API draws the same way, from streams of its own.
        let api_pattern = |interleave: bool| {
            let api = crate::api_faults::ApiFaultState::default();
            api.reseed(seed);
            api.set(FaultScope::Global, Some(crate::ApiFault::RateLimit), 0.5);
            (0..64)
                .map(|_| {
                    if interleave {
                        let _ = api.decide(C, A);
                    }
                    api.decide(B, A).error.is_some()
                })
                .collect::<Vec<bool>>()
        };
        assert_eq!(api_pattern(false), api_pattern(true));
        assert_ne!(api_pattern(false), by_itself);

        // No draw for a request no rule applies to, nor at probability 0 or 1.
        let mut g = Faults::default();
        g.reseed(seed);
        Rule::set(
            &mut g.webhook,
            FaultScope::Number(B.into()),
            Some(WebhookFault::ServerError),
            0.5,
        );
        Rule::set(
            &mut g.callback,
            FaultScope::Global,
            Some(CallbackFault::Duplicate),
            1.0,
        );
        let mut picked = Vec::new();
        for _ in 0..8 {
            assert_eq!(g.pick_webhook(&[A, "+14155550199"]), None);
            assert_eq!(g.pick_callback(&[A], false), Some(CallbackFault::Duplicate));
            picked.push(g.pick_webhook(&[B]).is_some());
        }
        let mut h = Faults::default();
        h.reseed(seed);
        Rule::set(
            &mut h.webhook,
            FaultScope::Number(B.into()),
            Some(WebhookFault::ServerError),
            0.5,
        );
        let undisturbed: Vec<bool> = (0..8).map(|_| h.pick_webhook(&[B]).is_some()).collect();
        assert_eq!(picked, undisturbed);
        // Reseeding starts every stream again.
        h.reseed(seed);
        let again: Vec<bool> = (0..8).map(|_| h.pick_webhook(&[B]).is_some()).collect();
        assert_eq!(again, undisturbed);
    }

    /// A pair's strikes are pinned: a written feature's `3% of status callbacks` must strike
    /// the same callbacks on a later build or toolchain (the stream is chosen by SipHash-1-3
    /// with fixed keys, the draws are ChaCha8's).
    const PINNED: &str = "010011101010010100001011";

    #[test]
    fn a_pairs_strikes_are_the_same_on_every_build() {
        let mut d = Draws::new("webhook");
        d.reseed(7);
        let pair = [A.to_owned(), B.to_owned()];
        let drawn: String = (0..24)
            .map(|_| if d.draw(&pair, 0.5) { '1' } else { '0' })
            .collect();
        assert_eq!(drawn, PINNED);
    }

    #[test]
    fn json_shapes() {
        let f: CallbackFault = serde_json::from_str(r#"{"kind":"delay","seconds":10}"#).unwrap();
        assert_eq!(f, CallbackFault::Delay { seconds: 10 });
        let w: WebhookFault = serde_json::from_str(r#"{"kind":"server_error"}"#).unwrap();
        assert_eq!(w, WebhookFault::ServerError);
        assert_eq!(
            serde_json::to_string(&CallbackFault::Reorder).unwrap(),
            r#"{"kind":"reorder"}"#
        );
    }
}
