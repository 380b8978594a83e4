//! Writes a soak's (shrunk) events as a feature file of catalogue steps (`convsms steps`), so
//! `convsms check` on it replays them on a fresh world and fails for the same reason.
//!
//! The file has one `@soak` scenario: Given steps for the setup the soak does (the virtual
//! agent off, or answering with the built-in topics as in the soak; the provider numbers and
//! requesters the events use, every agent available, in queue "Soak", with their capacity), one
//! When step per event that did something ([`steps`], one `match` over [`Event`]), and `Then
//! every soak invariant holds`, which runs the soak's invariants ([`super::audit::Auditor`]) on
//! the scenario's store and simulator.

use std::fmt::Write as _;

use convsms::domain::model::{InteractionNumber, PartyTable};
use convsms::domain::phone::E164;
use twilio_wire::sid::MessageSid;

use super::invariants::{Row, Violation};
use super::traffic::{Event, Handoff, Handset, Kind};
use crate::check::world::quote;

/// How long each of the soak's closing waits is (minutes).
pub const SETTLE_MINUTES: i64 = 30;

/// The queue the soak puts every agent in.
pub const QUEUE: &str = "Soak";

/// What an event came to when the soak carried it out: what the feature writer needs to name it
/// in catalogue steps (the interaction an agent's action landed on, whether a refusal made it a
/// no-op).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Applied {
    /// Carried out as drawn (a text, a presence change, time passing).
    Done,
    /// Nothing happened: an empty inbox or Ongoing tab, a refusal, a re-delivery of a message
    /// that is not there. No step is written.
    Nothing,
    /// An agent answered the offer of an interaction.
    Answered {
        /// The agent who did (index): the event's, or the one after them it fell to.
        agent: usize,
        /// The interaction offered.
        interaction: InteractionNumber,
    },
    /// An agent replied in (`sent`) and/or closed (`closed`) this interaction.
    Replied {
        /// The agent who did (index): the event's, or the one after them it fell to.
        agent: usize,
        /// The interaction picked from their Ongoing tab.
        interaction: InteractionNumber,
        /// The From number the agent chose (the interaction's provider number).
        from: Option<String>,
        /// Whether the reply was sent (not refused).
        sent: bool,
        /// What of the provider's refusal of a sent reply the agent was shown, to check after it
        /// ([`provider_refusal`]).
        provider_refused: Option<String>,
        /// Whether the interaction was closed.
        closed: bool,
    },
    /// An agent's Compose SMS went out; the provider refused it when `provider_refused` says
    /// what the agent was shown ([`provider_refusal`]).
    Composed {
        /// What to check after the step.
        provider_refused: Option<String>,
    },
    /// An agent sent the card of a case into this interaction.
    CardSent {
        /// The agent who did (index): the event's, or the one after them it fell to.
        agent: usize,
        /// The interaction picked from their Ongoing tab.
        interaction: InteractionNumber,
        /// The case (`CS…`).
        case: String,
        /// The provider's refusal, as the step that checks it reads it.
        provider_refused: Option<String>,
    },
    /// An agent handed this interaction on.
    Transferred {
        /// The agent who did (index): the event's, or the one after them it fell to.
        agent: usize,
        /// The interaction picked from their Ongoing tab.
        interaction: InteractionNumber,
        /// Where it went: for [`Handoff::Agent`], the agent who was offered it (index).
        to: Handoff,
    },
    /// Twilio re-delivered the webhook of this inbound message.
    Redelivered {
        /// Its MessageSid.
        sid: MessageSid,
        /// Its interaction and place in the transcript, once located
        /// ([`locate_redelivered`]); no step is written without it.
        message: Option<(InteractionNumber, i64)>,
        /// Whether its answer was lost to an injected webhook timeout.
        timed_out: bool,
    },
    /// A text (or MMS) whose webhook timed out, an injected fault: the engine got it, its
    /// answer was lost. The step is followed by the check of its refusal ([`TIMED_OUT`]).
    TimedOut,
}

/// What a text whose webhook timed out is refused with, as `convsms check` shows it (the
/// simulator's `webhook POST to … timed out (injected fault)`).
pub const TIMED_OUT: &str = "timed out (injected fault)";

/// Finds the transcript row of every re-delivered message in `rows`.
pub fn locate_redelivered(applied: &mut [Applied], rows: &[Row]) {
    for a in applied {
        if let Applied::Redelivered { sid, message, .. } = a {
            *message = rows
                .iter()
                .find(|r| r.sid.as_ref() == Some(sid))
                .map(|r| (r.interaction.clone(), r.seq));
        }
    }
}

/// The population and setup a soak's events name by index.
#[derive(Clone, Debug)]
pub struct Population {
    /// The handsets (as drawn, before any opt-out).
    pub handsets: Vec<Handset>,
    /// The provider numbers.
    pub providers: Vec<convsms::domain::phone::E164>,
    /// The agents' user_names.
    pub agents: Vec<String>,
    /// Each agent's SMS capacity.
    pub capacities: Vec<u32>,
    /// Agents (indexes into `agents`) the run left out: no step creates them.
    pub absent: Vec<usize>,
    /// Whether the virtual agent answers first (with the built-in topics, as in the soak).
    pub virtual_agent: bool,
    /// The faults the simulator strikes (`None`: none).
    pub faults: Option<super::fault_plan::FaultPlan>,
    /// The orders the virtual agent can look up.
    pub orders: Vec<super::traffic::Order>,
}

/// The When steps of one event that came to `applied` (none when it did nothing). A new
/// [`Event`] kind gets its arm here.
pub fn steps(event: &Event, applied: &Applied, p: &Population) -> Vec<String> {
    if *applied == Applied::Nothing {
        return vec![];
    }
    match (event, applied) {
        (Event::Text { from, to, body }, _) => {
            let mut steps = vec![format!(
                "When {} texts {} to {}",
                quote(p.handsets[*from].number.as_str()),
                quote(body),
                quote(p.providers[*to].as_str())
            )];
            steps.extend(timeout_checked(*applied == Applied::TimedOut));
            steps
        }
        (
            Event::Redeliver(_),
            Applied::Redelivered {
                message: Some((n, seq)),
                timed_out,
                ..
            },
        ) => {
            let mut steps = vec![format!(
                "When Twilio delivers the webhook of message #{seq} of {n} again"
            )];
            steps.extend(timeout_checked(*timed_out));
            steps
        }
        (Event::Presence(a, presence), _) => {
            let verb = match presence {
                convsms::domain::work_assignment::Presence::Available => "becomes",
                _ => "goes",
            };
            vec![format!(
                "When agent {} {verb} {}",
                quote(&p.agents[*a]),
                presence.as_str()
            )]
        }
        (Event::Answer { accept, .. }, Applied::Answered { agent, interaction }) => vec![format!(
            "When agent {} {} the work item for {interaction}",
            quote(&p.agents[*agent]),
            if *accept { "accepts" } else { "rejects" }
        )],
        (
            Event::Reply { body, .. },
            Applied::Replied {
                agent,
                interaction,
                from: Some(from),
                sent: true,
                provider_refused,
                closed,
            },
        ) => {
            // With several provider numbers the agent picks the conversation's own From.
            let agent = quote(&p.agents[*agent]);
            let mut steps = vec![format!(
                "When agent {agent} composes {} on interaction {interaction} from {}",
                quote(body),
                quote(from)
            )];
            steps.extend(refusal_checked(provider_refused.as_deref()));
            if *closed {
                steps.push(format!("When agent {agent} closes {interaction}"));
            }
            steps
        }
        (
            Event::Reply { body, .. },
            Applied::Replied {
                agent,
                interaction,
                sent,
                provider_refused,
                closed,
                ..
            },
        ) => {
            let agent = quote(&p.agents[*agent]);
            match (sent, closed, provider_refused) {
                (true, true, None) => vec![format!(
                    "When agent {agent} replies {} and closes {interaction}",
                    quote(body)
                )],
                (true, closed, refused) => {
                    // A refusal is checked right after the reply, before any close.
                    let mut steps = vec![format!(
                        "When agent {agent} replies {} in {interaction}",
                        quote(body)
                    )];
                    steps.extend(refusal_checked(refused.as_deref()));
                    if *closed {
                        steps.push(format!("When agent {agent} closes {interaction}"));
                    }
                    steps
                }
                (false, true, _) => vec![format!("When agent {agent} closes {interaction}")],
                (false, false, _) => vec![],
            }
        }
        (
            Event::Transfer { .. },
            Applied::Transferred {
                agent,
                interaction,
                to,
            },
        ) => {
            let agent = quote(&p.agents[*agent]);
            vec![match to {
                Handoff::Agent(to) => format!(
                    "When agent {agent} transfers {interaction} to agent {}",
                    quote(&p.agents[*to])
                ),
                Handoff::Queue => format!(
                    "When agent {agent} transfers {interaction} to queue {}",
                    quote(QUEUE)
                ),
                Handoff::Leave => format!("When agent {agent} leaves {interaction}"),
            }]
        }
        (
            Event::Card { .. },
            Applied::CardSent {
                agent,
                interaction,
                case,
                provider_refused,
            },
        ) => {
            let mut steps = vec![format!(
                "When agent {} sends the card of case {} on interaction {interaction}",
                quote(&p.agents[*agent]),
                quote(case)
            )];
            steps.extend(refusal_checked(provider_refused.as_deref()));
            steps
        }
        (Event::Wait(seconds), _) => vec![duration_passes(*seconds)],
        (
            Event::Mms {
                from,
                to,
                body,
                media,
            },
            _,
        ) => {
            let urls: Vec<String> = media
                .iter()
                .enumerate()
                .map(|(k, file)| quote(&super::media_url(*from, k, *file)))
                .collect();
            // "the image(s)" when every file is one (the step checks), "the file(s)" otherwise.
            let kind = if media.iter().all(|f| *f < super::traffic::IMAGE_FILES) {
                "image"
            } else {
                "file"
            };
            let list = match urls.as_slice() {
                [one] => format!("the {kind} {one}"),
                [init @ .., last] => format!("the {kind}s {} and {last}", init.join(", ")),
                [] => String::new(),
            };
            let mut steps = vec![format!(
                "When {} texts {} with {list} to {}",
                quote(p.handsets[*from].number.as_str()),
                quote(body),
                quote(p.providers[*to].as_str())
            )];
            steps.extend(timeout_checked(*applied == Applied::TimedOut));
            steps
        }
        (Event::Capacity(a, capacity), _) => vec![format!(
            "When agent {}'s SMS capacity becomes {capacity}",
            quote(&p.agents[*a])
        )],
        (
            Event::Compose {
                agent,
                to,
                from,
                body,
                image,
            },
            _,
        ) => {
            let h = &p.handsets[*to];
            let attachment = if *image {
                r#" with the attachment "receipt.png" of type "image/png""#
            } else {
                ""
            };
            let requester = match h.kind {
                Kind::Known(table) => format!(" for {} {}", table_words(table), quote(&h.name)),
                Kind::Unknown => String::new(),
            };
            let mut steps = vec![format!(
                "When agent {} composes {}{attachment} from {} to {}{requester}",
                quote(&p.agents[*agent]),
                quote(body),
                quote(p.providers[*from].as_str()),
                quote(h.number.as_str())
            )];
            if let Applied::Composed { provider_refused } = applied {
                steps.extend(refusal_checked(provider_refused.as_deref()));
            }
            steps
        }
        // A re-delivery of a message in no transcript, or an outcome that does not fit its
        // event (`apply` makes none).
        _ => vec![],
    }
}

/// `When 90 seconds pass`, in the largest unit that divides it.
fn duration_passes(seconds: i64) -> String {
    let (n, unit) = [(86_400, "day"), (3_600, "hour"), (60, "minute")]
        .into_iter()
        .find(|(s, _)| seconds % s == 0)
        .map_or((seconds, "second"), |(s, u)| (seconds / s, u));
    if n == 1 {
        format!("When 1 {unit} passes")
    } else {
        format!("When {n} {unit}s pass")
    }
}

/// A requester table in the catalogue's words.
fn table_words(t: PartyTable) -> &'static str {
    match t {
        PartyTable::SysUser => "sys_user",
        PartyTable::CsmConsumer => "consumer",
        PartyTable::CustomerContact => "customer contact",
    }
}

/// What the feature says about where it came from.
#[derive(Clone, Debug)]
pub struct Origin {
    /// The soak's seed.
    pub seed: u64,
    /// The violation the events break.
    pub violation: Violation,
    /// How many events the soak carried out up to the violation.
    pub events_before: usize,
    /// How many replays the shrinking took.
    pub trials: usize,
    /// The faults the violation needed (see [`super::shrink::Written::faults`]).
    pub faults: super::Faults,
    /// The defect injected on purpose, when one was ([`super::defect::ENV`]).
    pub defect: Option<super::defect::Defect>,
}

/// The feature file: `events` (each with what it came to in `applied`, the same length or
/// shorter: the events after the violation are left out) on `p`, ending with the invariant
/// check; `settle` adds the soak's closing waits (`When time passes until every send has
/// settled`) and the check that every send settled.
pub fn write(
    origin: &Origin,
    events: &[Event],
    applied: &[Applied],
    p: &Population,
    settle: bool,
) -> String {
    let steps = scenario(events, applied, p, settle);
    let v = &origin.violation;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Feature: soak seed {} breaks invariant {}",
        origin.seed, v.invariant
    );
    let _ = writeln!(out);
    let _ = writeln!(
        out,
        "  Written by convsms soak --seed {}: {} of the {} events that led to the violation",
        origin.seed,
        events.len(),
        origin.events_before
    );
    let _ = writeln!(
        out,
        "  (shrunk in {}) still break invariant {}, here as:",
        super::report::plural(origin.trials as u64, "replay", "replays"),
        v.invariant
    );
    let _ = writeln!(out, "  {}", v.detail.replace('\n', " "));
    if let Some(d) = origin.defect {
        let _ = writeln!(
            out,
            "  Found with a defect injected on purpose ({}={}, a harness self-test): convsms",
            super::defect::ENV,
            d.name()
        );
        let _ = writeln!(
            out,
            "  check fails on it only with that variable set, and passes without it."
        );
    }
    if origin.faults != super::Faults::None {
        let _ = writeln!(
            out,
            "  It did not occur without the soak's {} faults: the Given steps set them, drawn from",
            origin.faults.as_str()
        );
        let _ = writeln!(
            out,
            "  seed {} as in the soak, so the same requests are struck.",
            origin.seed
        );
    }
    let _ = writeln!(out);
    let _ = writeln!(out, "  @soak");
    let _ = writeln!(out, "  Scenario: seed {} shrunk", origin.seed);
    for step in steps {
        let _ = writeln!(out, "    {step}");
    }
    out
}

/// The feature of a replay that broke nothing: every event of `convsms soak --seed {seed}` with
/// `options` (as its command line reads), ending with the soak's invariants and the settle. What
/// the `features/soak/` fixture of the feature writer is.
#[cfg(test)]
pub fn write_replay(
    seed: u64,
    options: &str,
    events: &[Event],
    applied: &[Applied],
    p: &Population,
) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "Feature: soak seed {seed} replayed");
    let _ = writeln!(out);
    let _ = writeln!(
        out,
        "  Written by the soak's feature writer from every event of `convsms soak --seed {seed} {options}`"
    );
    let _ = writeln!(
        out,
        "  (cli/src/soak/feature.rs, test `the_writer_reproduces_the_committed_replay`): each event"
    );
    let _ = writeln!(
        out,
        "  kind as catalogue steps, run by `convsms check` like any feature. Regenerate it with"
    );
    let _ = writeln!(
        out,
        "  CONVSMS_WRITE_SOAK_FIXTURE=1 cargo test -p convsms-cli --bin convsms the_writer_reproduces"
    );
    let _ = writeln!(out);
    let _ = writeln!(out, "  @soak");
    let _ = writeln!(out, "  Scenario: seed {seed} replayed");
    for step in scenario(events, applied, p, true) {
        let _ = writeln!(out, "    {step}");
    }
    out
}

/// The scenario's steps: the setup the events need, one or more `When` per event that did
/// something, and the invariant check (after the soak's closing waits, with `settle`).
fn scenario(events: &[Event], applied: &[Applied], p: &Population, settle: bool) -> Vec<String> {
    let mut when = vec![];
    for (e, a) in events.iter().zip(applied) {
        when.extend(steps(e, a, p));
    }
    let mut given = vec![];
    given.push(
        if p.virtual_agent {
            // The soak's topics in any project, whatever its topics/ folder holds.
            "Given the virtual agent answers with the built-in topics"
        } else {
            "Given the virtual agent is off"
        }
        .to_owned(),
    );
    let used = |f: &dyn Fn(&Event) -> Option<usize>| {
        let mut v: Vec<usize> = events
            .iter()
            .zip(applied)
            .filter_map(|(e, _)| f(e))
            .collect();
        v.sort_unstable();
        v.dedup();
        v
    };
    // The requesters the events name, and those who share a phone with one of them: who else
    // has a number decides whom the engine takes a text from it to be (PROFILE-4).
    let with_sharers = |named: Vec<usize>| {
        let phones: std::collections::HashSet<&str> = named
            .iter()
            .map(|&i| p.handsets[i].number.as_str())
            .collect();
        (0..p.handsets.len())
            .filter(|&j| phones.contains(p.handsets[j].number.as_str()))
            .collect::<Vec<usize>>()
    };
    let providers = used(&|e| match e {
        Event::Text { to, .. } | Event::Mms { to, .. } => Some(*to),
        Event::Compose { from, .. } => Some(*from),
        _ => None,
    });
    if !providers.is_empty() {
        let numbers: Vec<String> = providers
            .iter()
            .map(|i| quote(p.providers[*i].as_str()))
            .collect();
        let s = if numbers.len() == 1 { "" } else { "s" };
        given.push(format!(
            "Given the Conversational SMS provider number{s} {}",
            numbers.join(" and ")
        ));
    }
    let requesters = with_sharers(used(&|e| match e {
        Event::Text { from, .. } | Event::Mms { from, .. } => Some(*from),
        Event::Compose { to, .. } => Some(*to),
        _ => None,
    }));
    for &i in &requesters {
        let h = &p.handsets[i];
        if let Kind::Known(table) = h.kind {
            given.push(format!(
                "Given a {} {} with mobile phone {} located in {}",
                table_words(table),
                quote(&h.name),
                quote(h.number.as_str()),
                quote(&h.region.to_string())
            ));
            // Their cases: the virtual agent lists the open ones, agents send their cards.
            for c in &h.cases {
                given.push(format!(
                    "Given {} {} has {} case {} about {}",
                    table_words(table),
                    quote(&h.name),
                    if c.open { "an open" } else { "a resolved" },
                    quote(&c.number),
                    quote(c.about)
                ));
            }
        }
    }
    // The orders a text names: the virtual agent looks them up.
    let texted: std::collections::HashSet<&str> = events
        .iter()
        .filter_map(|e| match e {
            Event::Text { body, .. } => Some(body.as_str()),
            _ => None,
        })
        .collect();
    for o in p
        .orders
        .iter()
        .filter(|o| texted.contains(o.number.as_str()))
    {
        given.push(format!(
            "Given the order {} is {} with {}, expected {}",
            quote(&o.number),
            quote(o.state),
            quote(o.carrier),
            quote(o.expected)
        ));
    }
    if let Some(plan) = &p.faults {
        let handsets = requesters;
        let phones: Vec<E164> = p.handsets.iter().map(|h| h.number.clone()).collect();
        given.extend(plan.steps(&providers, &p.providers, &handsets, &phones));
    }
    let present: Vec<(&String, u32)> = (p.agents.iter().zip(p.capacities.iter().copied()))
        .enumerate()
        .filter(|(i, _)| !p.absent.contains(i))
        .map(|(_, a)| a)
        .collect();
    for (a, _) in &present {
        given.push(format!(
            "Given an agent {} who is available for SMS",
            quote(a)
        ));
    }
    let agents: Vec<String> = present.iter().map(|(a, _)| quote(a)).collect();
    given.push(format!(
        "Given a queue {} for SMS with agent{} {}",
        quote(QUEUE),
        if agents.len() == 1 { "" } else { "s" },
        agents.join(", ")
    ));
    for (a, c) in &present {
        given.push(format!("Given agent {} has SMS capacity {c}", quote(a)));
    }
    let mut then = vec![];
    if settle {
        // The soak's settle, as one step: its 30-minute waits until every send is final.
        then.push("When time passes until every send has settled".to_owned());
        then.push("Then every soak invariant holds and every send has settled".to_owned());
    } else {
        then.push("Then every soak invariant holds".to_owned());
    }
    given.into_iter().chain(when).chain(then).collect()
}

/// What of a provider's refusal of an agent's send the written feature checks: Twilio's code
/// (`Twilio error 21610`, or `Twilio error 20429` for a refusal the engine retries, which comes
/// of the soak's faults and is struck again by the feature's fault steps; the text shown to the
/// agent also carries Twilio's message and advice, which the check need not repeat; for a 5xx
/// or an answer that never came, the first words of what the agent reads, as the rest names
/// the URL). `None` for no refusal the engine reports today (kept for those it may).
pub fn provider_refusal(e: &convsms::provider::ProviderError) -> Option<String> {
    match e {
        convsms::provider::ProviderError::Rejected { code, .. } => {
            Some(format!("Twilio error {code}"))
        }
        // The rest names the URL, whose port differs from run to run.
        convsms::provider::ProviderError::NoAnswer(_) => {
            Some("the SMS provider did not answer".to_owned())
        }
        convsms::provider::ProviderError::Unavailable(_) => {
            Some("the SMS provider is unavailable".to_owned())
        }
    }
}

/// The step that checks that the webhook before it timed out, if it did: `convsms check`
/// keeps it as a refusal, and `--strict` fails a refusal no step checked.
fn timeout_checked(timed_out: bool) -> Option<String> {
    timed_out.then(|| format!("Then the request is refused with {}", quote(TIMED_OUT)))
}

/// The step that checks a provider's refusal of the send before it, if there was one: the agent
/// was shown it, and `convsms check --strict` fails a refusal no step checked.
fn refusal_checked(refused: Option<&str>) -> Option<String> {
    refused.map(|r| format!("Then the request is refused with {}", quote(r)))
}

/// How many steps a feature file has (lines starting with a step keyword).
pub fn count_steps(feature: &str) -> usize {
    feature
        .lines()
        .map(str::trim_start)
        .filter(|l| {
            ["Given ", "When ", "Then ", "And ", "But "]
                .iter()
                .any(|k| l.starts_with(k))
        })
        .count()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::soak::{replay, soak, Faults, SoakArgs, Switch};

    /// `features/soak/replayed.feature`: what the writer makes of every event of a short soak
    /// (seed 23, 200 messages, whose transfers go to an agent, to the queue and by leaving,
    /// with a phone two people share, an MMS of other files than images, a case's card and an
    /// order looked up)
    /// with the virtual agent on (texts, MMS, keywords, re-deliveries, presence, capacity,
    /// offers, replies, cards, closes, transfers, Compose SMS, waits). The suite runs it with `convsms check`, so
    /// together they show that a written feature replays what the soak did.
    #[tokio::test(flavor = "current_thread")]
    async fn the_writer_reproduces_the_committed_replay() {
        let args = SoakArgs {
            conversations: 20,
            messages: 200,
            agents: 3,
            faults: Faults::None,
            virtual_agent: Switch::On,
            check_every: 20,
            shrink_trials: 0,
            ..SoakArgs::for_tests(23)
        };
        let events = soak(&args).await.unwrap().events.unwrap();
        let r = replay(&args, &events).await.unwrap();
        assert_eq!(r.violation, None);
        let kinds: std::collections::BTreeSet<&str> = events.iter().map(Event::activity).collect();
        assert_eq!(kinds.len(), 11, "every event kind: {kinds:?}");
        let text = write_replay(
            23,
            "--conversations 20 --messages 200 --agents 3 --faults none",
            &events,
            &r.applied,
            &r.population,
        );
        for handoff in [
            " transfers IMS",
            " to agent \"",
            " to queue \"",
            " leaves IMS",
        ] {
            assert!(
                text.contains(handoff),
                "every way a transfer is written: {handoff}"
            );
        }
        assert!(text.contains(" with the file"), "an MMS of other files");
        assert!(
            text.contains(" sends the card of case \"CS")
                && text.contains(" has an open case \"CS"),
            "an agent sends a case's card"
        );
        assert!(
            text.contains("Given the order \""),
            "a requester texts an order number"
        );
        // ... when the virtual agent asks for it: it then asks what to do with that order.
        let mut s = crate::soak::Soak::start(&args).await.unwrap();
        for e in &events {
            s.apply(e.clone()).await.unwrap();
        }
        let rows = crate::soak::audit::all_rows(&s.stack).unwrap();
        assert!(
            rows.iter().any(|r| r
                .body
                .strip_prefix("What would you like to do with order ")
                .and_then(|t| t.split('?').next())
                .is_some_and(|n| text.contains(&format!("Given the order \"{n}\"")))),
            "the virtual agent looks up an order the feature creates"
        );
        let phones: Vec<&str> = text
            .lines()
            .filter_map(|l| l.split("with mobile phone ").nth(1))
            .collect();
        let mut people_by_phone = phones.clone();
        people_by_phone.sort_unstable();
        people_by_phone.dedup();
        assert!(
            people_by_phone.len() < phones.len(),
            "a phone two people share"
        );
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../features/soak/replayed.feature"
        );
        if std::env::var_os("CONVSMS_WRITE_SOAK_FIXTURE").is_some() {
            std::fs::write(path, &text).unwrap();
        }
        let committed = std::fs::read_to_string(path).unwrap_or_default();
        assert!(
            committed == text,
            "{path} is not what the writer makes of seed 23 now; if the traffic or the writer \
             changed on purpose, regenerate it (see its description) and review the diff"
        );
    }
}
