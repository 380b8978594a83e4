//! The faults a soak injects (`--faults light|heavy`), as one plan: what
//! [`super::Soak`]'s setup sets on the simulator, and what the feature writer writes as catalogue
//! steps, so that a shrunk feature strikes the requests its replays struck.
//!
//! Every rule below 100% draws from the simulator's streams, seeded with the soak's seed
//! (`Given Twilio draws its faults from seed 7`): one draw per request a rule applies to, from
//! the stream of the request's family and pair of numbers, in the order that pair's requests
//! come. A feature that makes the same requests between the same numbers (a written feature
//! replays the soak's events on the same stack) therefore strikes the same ones, even with other
//! conversations left out. Carriers are set per handset and draw nothing.

use convsms::domain::phone::E164;
use convsms_sim::{ApiFault, CallbackFault, CarrierProfile, FaultScope, Simulator, WebhookFault};

use super::Faults;
use crate::check::world::quote;

/// What a rule does to the requests it strikes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RuleKind {
    /// A send (Messages API create) is answered with an error.
    Api(ApiFault),
    /// A message list (`GET …/Messages.json`, the engine's look after a lost answer) is
    /// answered with an error.
    List(ApiFault),
    /// An inbound webhook's answer is lost (the engine got the request).
    Webhook(WebhookFault),
    /// A status callback is dropped, duplicated, reordered or delayed.
    Callback(CallbackFault),
}

/// One fault rule of the plan.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PlannedRule {
    /// `None`: every number's requests; `Some(i)`: those to or from provider number `i` (an
    /// index into the soak's provider numbers), which wins over the rule for every number.
    pub on: Option<usize>,
    /// What it does.
    pub kind: RuleKind,
    /// The share of the requests it applies to that it strikes, in whole percent (1–100).
    pub percent: u32,
}

impl PlannedRule {
    /// The probability the simulator takes (`percent / 100`, the same `f64` a step's `3%`
    /// reads as).
    pub fn probability(&self) -> f64 {
        f64::from(self.percent) / 100.0
    }
}

/// The faults of a soak: its seed, the rules, and the handsets whose carrier fails them.
#[derive(Clone, Debug, PartialEq)]
pub struct FaultPlan {
    /// The seed the simulator's fault generator starts from (the soak's).
    pub seed: u64,
    /// The rules, global ones first.
    pub rules: Vec<PlannedRule>,
    /// Handsets (indexes into the soak's handsets) whose carrier fails every message to them.
    pub carriers: Vec<(usize, CarrierProfile)>,
}

impl FaultPlan {
    /// The plan of `faults` for `handsets` requesters and `providers` provider numbers; `None`
    /// for [`Faults::None`].
    ///
    /// Light: 2% of sends answered 429 (on the first provider number instead 2% answered 500
    /// after the message was created: a lost answer, and 20% of its message lists answered 500,
    /// so some lost answers are confirmed only at the retry; on the fourth 2% closed without an
    /// answer after the create), 1% of inbound webhooks timed out, 3% of
    /// status callbacks duplicated, and on the first three provider numbers reordered, delayed
    /// 30 s and duplicated instead; one handset in 50 unreachable (30003) or failing (30008).
    /// Heavy: 10%, 5% and 10%, the third number's callbacks dropped and delays of 90 s, 10% of
    /// the first number's sends answered 500, half the second's 429 and 10% of the third's 500
    /// after the create (a third of its message lists 500), 10% of the fourth's closed without
    /// an answer after the create; one handset in 20.
    pub fn new(faults: Faults, seed: u64, handsets: usize, providers: usize) -> Option<FaultPlan> {
        let (api, webhook, callback, every) = match faults {
            Faults::None => return None,
            Faults::Light => (2, 1, 3, 50),
            Faults::Heavy => (10, 5, 10, 20),
        };
        let global = |kind, percent| PlannedRule {
            on: None,
            kind,
            percent,
        };
        let mut rules = vec![
            global(RuleKind::Api(ApiFault::RateLimit), api),
            global(RuleKind::Webhook(WebhookFault::Timeout), webhook),
            global(RuleKind::Callback(CallbackFault::Duplicate), callback),
        ];
        // Per-number rules take precedence over the global one: the other kinds go on the first
        // three provider numbers; the last keeps the global rule, so every mode duplicates too.
        let kinds = match faults {
            Faults::Heavy => [
                CallbackFault::Reorder,
                CallbackFault::Delay { seconds: 90 },
                CallbackFault::Drop,
            ],
            _ => [
                CallbackFault::Reorder,
                CallbackFault::Delay { seconds: 30 },
                CallbackFault::Duplicate,
            ],
        };
        debug_assert!(kinds.len() < providers);
        for (i, kind) in kinds.into_iter().enumerate().take(providers) {
            rules.push(PlannedRule {
                on: Some(i),
                kind: RuleKind::Callback(kind),
                percent: callback,
            });
        }
        // Answers lost after the create: only a look at Twilio's list tells the engine that
        // the message went out, and sending it again would send it twice (invariant 2).
        let lost_on = if faults == Faults::Heavy { 2 } else { 0 };
        if lost_on < providers {
            rules.push(PlannedRule {
                on: Some(lost_on),
                kind: RuleKind::Api(ApiFault::ServerErrorAfterCreate),
                percent: api,
            });
            // The list failing too: the retry must look before it sends (never blind).
            rules.push(PlannedRule {
                on: Some(lost_on),
                kind: RuleKind::List(ApiFault::ServerError),
                percent: if faults == Faults::Heavy { 33 } else { 20 },
            });
        }
        // Creates whose connection closes without an answer (a reset, a timeout): the engine
        // looks for the message only before the retry, not at once.
        if providers > 3 {
            rules.push(PlannedRule {
                on: Some(3),
                kind: RuleKind::Api(ApiFault::ResetAfterCreate),
                percent: api,
            });
        }
        if faults == Faults::Heavy && providers > 1 {
            rules.push(PlannedRule {
                on: Some(0),
                kind: RuleKind::Api(ApiFault::ServerError),
                percent: api,
            });
            // A number under rate limiting: one send in 32 there is refused five times in a
            // row, which the retry policy ends as failed (invariant 2 counts the attempts).
            rules.push(PlannedRule {
                on: Some(1),
                kind: RuleKind::Api(ApiFault::RateLimit),
                percent: 50,
            });
        }
        let carriers = (0..handsets)
            .filter(|i| i % every == every - 1)
            .map(|i| {
                let profile = if i % (2 * every) == every - 1 {
                    CarrierProfile::Unreachable
                } else {
                    CarrierProfile::UnknownError
                };
                (i, profile)
            })
            .collect();
        Some(FaultPlan {
            seed,
            rules,
            carriers,
        })
    }

    /// Sets the plan on `sim`: the seed, the carriers of `handsets`, the rules on `providers`.
    pub fn apply(&self, sim: &Simulator, handsets: &[E164], providers: &[E164]) {
        sim.set_fault_seed(self.seed);
        for (i, profile) in &self.carriers {
            sim.set_carrier(handsets[*i].as_str(), *profile);
        }
        for r in &self.rules {
            let scope = match r.on {
                None => FaultScope::Global,
                Some(i) => FaultScope::Number(providers[i].as_str().to_owned()),
            };
            let p = r.probability();
            match r.kind {
                RuleKind::Api(f) => sim.set_api_fault(scope, Some(f), p),
                RuleKind::List(f) => sim.set_list_fault(scope, Some(f), p),
                RuleKind::Webhook(f) => sim.set_webhook_fault(scope, Some(f), p),
                RuleKind::Callback(f) => sim.set_callback_fault(scope, Some(f), p),
            }
        }
    }

    /// The Given steps that set the part of the plan a feature's requests can meet: the seed,
    /// the global rules, the rules of the provider numbers in `providers` and the carriers of
    /// the handsets in `handsets` (indexes; the numbers are `numbers` and `phones`).
    pub fn steps(
        &self,
        providers: &[usize],
        numbers: &[E164],
        handsets: &[usize],
        phones: &[E164],
    ) -> Vec<String> {
        let mut steps = vec![format!(
            "Given Twilio draws its faults from seed {}",
            self.seed
        )];
        for r in &self.rules {
            let scope = match r.on {
                None => String::new(),
                Some(i) if providers.contains(&i) => {
                    format!(" to or from {}", quote(numbers[i].as_str()))
                }
                Some(_) => continue,
            };
            let share = r.percent;
            steps.push(match r.kind {
                RuleKind::Api(f) => {
                    let answer = match f {
                        ApiFault::RateLimit => "HTTP 429",
                        ApiFault::ServerError => "HTTP 500",
                        ApiFault::ServerErrorAfterCreate => "HTTP 500 after creating the message",
                        ApiFault::ResetAfterCreate => "no answer after creating the message",
                        ApiFault::Latency { .. } => unreachable!("the plan adds no latency"),
                    };
                    format!("Given Twilio answers {share}% of sends{scope} with {answer}")
                }
                RuleKind::List(f) => {
                    let answer = match f {
                        ApiFault::RateLimit => "HTTP 429",
                        _ => "HTTP 500",
                    };
                    format!("Given Twilio answers {share}% of message lists{scope} with {answer}")
                }
                RuleKind::Webhook(_) => {
                    format!("Given Twilio times out on {share}% of inbound webhooks{scope}")
                }
                RuleKind::Callback(f) => {
                    let (verb, by) = match f {
                        CallbackFault::Drop => ("drops", String::new()),
                        CallbackFault::Duplicate => ("duplicates", String::new()),
                        CallbackFault::Reorder => ("reorders", String::new()),
                        CallbackFault::Delay { seconds } => {
                            ("delays", format!(" by {seconds} seconds"))
                        }
                    };
                    format!("Given Twilio {verb} {share}% of status callbacks{scope}{by}")
                }
            });
        }
        for (i, profile) in &self.carriers {
            if handsets.contains(i) {
                let words = match profile {
                    CarrierProfile::Unreachable => "unreachable",
                    _ => "failing with an unknown error",
                };
                steps.push(format!(
                    "Given the handset {} is {words}",
                    quote(phones[*i].as_str())
                ));
            }
        }
        steps
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_faults_no_plan_and_heavy_strikes_more_than_light() {
        assert_eq!(FaultPlan::new(Faults::None, 1, 100, 4), None);
        let light = FaultPlan::new(Faults::Light, 1, 100, 4).unwrap();
        let heavy = FaultPlan::new(Faults::Heavy, 1, 100, 4).unwrap();
        assert_eq!(light.carriers.len(), 2);
        assert_eq!(heavy.carriers.len(), 5);
        let share = |p: &FaultPlan| p.rules.iter().map(|r| r.percent).sum::<u32>();
        assert!(share(&heavy) > share(&light));
        assert!(heavy
            .rules
            .iter()
            .any(|r| r.kind == RuleKind::Callback(CallbackFault::Drop)));
    }

    #[test]
    fn the_steps_name_only_what_the_feature_uses_and_read_back_as_the_plan() {
        let plan = FaultPlan::new(Faults::Light, 9, 100, 4).unwrap();
        let numbers: Vec<E164> = (0..4)
            .map(|i| E164::parse(&format!("+1415555010{i}"), None).unwrap())
            .collect();
        let phones: Vec<E164> = (0..100)
            .map(|i| E164::parse(&format!("+1415555{:04}", 2000 + i), None).unwrap())
            .collect();
        let steps = plan.steps(&[1], &numbers, &[49, 50], &phones);
        assert_eq!(
            steps,
            [
                "Given Twilio draws its faults from seed 9",
                "Given Twilio answers 2% of sends with HTTP 429",
                "Given Twilio times out on 1% of inbound webhooks",
                "Given Twilio duplicates 3% of status callbacks",
                "Given Twilio delays 3% of status callbacks to or from \"+14155550101\" by 30 seconds",
                "Given the handset \"+14155552049\" is unreachable",
            ]
        );
        // Each rule's step reads back as the rule: the same share, as the same f64.
        use crate::check::params::{InboundWebhookFault, SendFault, StatusCallbackFault};
        let probability = |step: &str| -> f64 {
            if let Some(w) = step.strip_prefix("Given Twilio answers ") {
                w.parse::<SendFault>()
                    .unwrap()
                    .strikes
                    .which
                    .share()
                    .unwrap()
            } else if let Some(w) = step.strip_prefix("Given Twilio times") {
                format!("times{w}")
                    .parse::<InboundWebhookFault>()
                    .unwrap()
                    .strikes
                    .which
                    .share()
                    .unwrap()
            } else {
                let w = step.strip_prefix("Given Twilio ").unwrap();
                w.parse::<StatusCallbackFault>()
                    .unwrap()
                    .strikes
                    .which
                    .share()
                    .unwrap()
            }
        };
        let rules: Vec<f64> = steps[1..5].iter().map(|s| probability(s)).collect();
        let planned: Vec<f64> = [0, 1, 2, 4]
            .into_iter()
            .map(|i| plan.rules[i].probability())
            .collect();
        assert_eq!(rules, planned);

        // The first number's lost answers, and its message lists that fail too.
        let steps = plan.steps(&[0], &numbers, &[], &phones);
        let list =
            "Given Twilio answers 20% of message lists to or from \"+14155550100\" with HTTP 500";
        assert_eq!(
            steps[steps.len() - 2..],
            [
                "Given Twilio answers 2% of sends to or from \"+14155550100\" with HTTP 500 after creating the message",
                list,
            ]
        );
        let read: crate::check::params::ListFault =
            list["Given Twilio answers ".len()..].parse().unwrap();
        assert_eq!(read.fault, Some(ApiFault::ServerError));
        let planned = plan
            .rules
            .iter()
            .find(|r| matches!(r.kind, RuleKind::List(_)))
            .unwrap();
        assert_eq!(read.strikes.which.share(), Some(planned.probability()));
    }
}
