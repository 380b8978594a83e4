//! `convsms steps`: the step catalogue, so QA never has to read Rust.
//!
//! It prints, in this order:
//!
//! 1. every step's example sentences, by concept (`steps::EXAMPLES`), with a sentence for every
//!    alternative a step's own words offer (`1 minute passes` and `30 minutes pass`, `there is 1
//!    interaction` and `there are 2 interactions`);
//! 2. the words: every form each typed parameter takes (`consumer "Bea Brown"`, `customer contact
//!    "Cy Chen"`, …) and the words a parameter matches but refuses, with the refusal as a failing
//!    step prints it ([`crate::check::params::words`]);
//! 3. the refusals: what the engine answers when it refuses a request, for `Then the request is
//!    refused with "…"`, and what Twilio's refusals mean to the agent;
//! 4. steps without an example (none, tests make sure), then the number of steps.
//!
//! Every text in 2 and 3 is computed by the code that produces it (a parameter's reading, the
//! engine's error), not copied. The tests check that the examples and forms take every
//! alternative and optional part of the steps' and parameters' regexes.

use std::io::{self, Write};

use chrono::{TimeZone, Utc};
use convsms::domain::encoded_query::EncodedQuery;
use convsms::domain::messaging_actions::{Action, ActionError, Event, MessagingAction};
use convsms::domain::model::{InteractionNumber, PartyTable, AGENT_ROLE};
use convsms::domain::phone::{Region, E164};
use convsms::domain::work_assignment::WorkItemState;
use convsms::error::WorkAssignmentRefusal;
use convsms::provider::ProviderError;
use convsms::Error;

use super::params::{words, Words};
use super::{matching_steps, registered_steps, steps};

/// Prints the step catalogue (see the module docs).
pub fn print_steps(out: &mut impl Write) -> io::Result<()> {
    let steps = registered_steps();
    let mut shown = vec![false; steps.len()];
    for (concept, examples) in steps::EXAMPLES {
        writeln!(out, "# {concept}")?;
        for ex in *examples {
            for m in matching_steps(&steps, ex) {
                if let Some(i) = steps.iter().position(|s| std::ptr::eq(s, m)) {
                    shown[i] = true;
                }
            }
            writeln!(out, "  {ex}")?;
        }
        writeln!(out)?;
    }
    print_words(out, &words())?;
    print_refusals(out)?;
    let missing: Vec<_> = steps.iter().zip(&shown).filter(|(_, s)| !**s).collect();
    if !missing.is_empty() {
        writeln!(out, "# steps without an example")?;
        for (s, _) in missing {
            writeln!(out, "  {} /{}/  ({})", s.keyword, s.regex, s.location)?;
        }
    }
    writeln!(out, "{} steps", steps.len())?;
    Ok(())
}

/// A form as shown: an optional clause without its leading space, `(left out)` for none.
fn shown_form(form: &str) -> &str {
    match form.trim_start() {
        "" => "(left out)",
        f => f,
    }
}

fn print_words(out: &mut impl Write, all: &[Words]) -> io::Result<()> {
    writeln!(
        out,
        "# words: every form each part of a sentence takes, and the words refused with why"
    )?;
    writeln!(
        out,
        "  {{string}}: any text in double quotes (Cucumber's {{string}} takes single quotes too); in a message's text (texted, replied, composed, received or seen), \\n is a line break, \\\" a double quote and \\\\ a backslash"
    )?;
    writeln!(out, "  {{int}}: a whole number")?;
    for w in all {
        writeln!(out, "  {{{}}}: {}", w.name, w.about)?;
        for form in w.forms {
            writeln!(out, "    {}", shown_form(form))?;
        }
        for bad in w.refused {
            let why = match (w.read)(bad) {
                Err(why) => why,
                Ok(()) => "(accepted: a bug in the catalogue)".to_owned(),
            };
            writeln!(out, "    refused: {} → {why}", shown_form(bad))?;
        }
    }
    writeln!(out)
}

/// The engine's refusals, by what they are about, each with sample values.
fn refusals() -> Vec<(&'static str, Vec<Error>)> {
    let e164 = |n: &str| E164::parse(n, None).expect("a valid sample number");
    let phone_error = |n: &str, region: Option<&str>| {
        let region = region.map(|r| Region::parse(r).expect("a sample region"));
        Error::from(E164::parse(n, region).expect_err("a sample that is refused"))
    };
    let number = |n: &str| InteractionNumber::parse(n).expect("a sample interaction number");
    let query_error = EncodedQuery::parse("state=^^x").expect_err("a sample invalid query");
    let action = |name: &str, duration_secs, action| MessagingAction {
        name: name.to_owned(),
        event: Event::AgentWithoutRequesterResponse,
        duration_secs,
        active: true,
        filter: None,
        action,
    };
    let action_error = |a: MessagingAction| {
        Error::InvalidAction(a.validate().expect_err("a sample that is refused"))
    };
    let wa = Error::WorkAssignment;
    vec![
        (
            "phone numbers (Compose SMS To, validation, webhooks)",
            vec![
                phone_error("", None),
                phone_error("call me maybe", None),
                phone_error("+1 200 555 0100", None),
                Error::from(Region::parse("USA").expect_err("a sample bad region")),
            ],
        ),
        (
            "records and interactions",
            vec![
                Error::UnknownRecord {
                    table: PartyTable::CsmConsumer.as_str(),
                    name: "Zoe Zed".to_owned(),
                    near: vec![],
                },
                Error::UnknownInteraction("IMS0009999".to_owned()),
            ],
        ),
        (
            "Compose SMS",
            vec![
                Error::MissingRole {
                    user: "eve".to_owned(),
                    role: AGENT_ROLE,
                },
                Error::NoProvider,
                Error::FromRequired {
                    choices: vec![e164("+14155550100"), e164("+14155550101")],
                },
                Error::FromNotAllowed {
                    from: "+14155550199".to_owned(),
                    choices: vec![e164("+14155550100"), e164("+14155550101")],
                },
                Error::NoRecipient,
                Error::NoRecipientNamed,
                Error::EmptyMessage,
                Error::AttachmentTypeNotAllowed {
                    content_type: "application/pdf".to_owned(),
                    allowed: "image/*".to_owned(),
                },
            ],
        ),
        (
            "provider numbers and webhooks",
            vec![
                Error::ProviderNumberInUse {
                    number: e164("+14155550199"),
                    application: "ServiceNowTwilioDirect".to_owned(),
                    integration: "servicenowtwiliodirect".to_owned(),
                },
                Error::ProviderSetup {
                    number: e164("+14155550199"),
                    source: ProviderError::Rejected {
                        http_status: 404,
                        code: 20404,
                        message: "+14155550199 is not one of the Twilio account's incoming phone numbers".to_owned(),
                        more_info: "https://www.twilio.com/docs/errors/20404".to_owned(),
                    },
                },
                Error::NotAProviderNumber(e164("+14155550199")),
                Error::BadWebhook("missing X-Twilio-Signature header".to_owned()),
                Error::BadWebhook(
                    "X-Twilio-Signature does not match http://127.0.0.1:8080/sms/inbound and the posted parameters"
                        .to_owned(),
                ),
            ],
        ),
        (
            "sys_properties",
            vec![
                convsms::engine::check_property("com.glide.cs.conversation_idle_timout", "60")
                    .expect_err("a sample unknown property"),
                convsms::engine::check_property(
                    "com.glide.cs.conversation_idle_timeout",
                    "soon",
                )
                .expect_err("a sample bad value"),
            ],
        ),
        (
            "messaging actions",
            vec![
                action_error(action(" ", 60, Action::Reassign)),
                action_error(action("Nudge", 0, Action::Reassign)),
                action_error(action(
                    "Nudge",
                    60,
                    Action::PromptAgent {
                        text: String::new(),
                    },
                )),
                action_error(action(
                    "Hold",
                    60,
                    Action::SetState {
                        state: String::new(),
                    },
                )),
                Error::InvalidAction(ActionError::DuplicateName {
                    name: "Nudge".to_owned(),
                }),
                Error::InvalidAction(ActionError::Filter {
                    name: "Broken".to_owned(),
                    source: query_error.clone(),
                }),
            ],
        ),
        (
            "queues and the Workspace Inbox",
            vec![
                wa(WorkAssignmentRefusal::DefaultQueueName {
                    default: convsms::engine::work_assignment::DEFAULT_QUEUE,
                }),
                wa(WorkAssignmentRefusal::InvalidCondition {
                    queue: "Broken".to_owned(),
                    error: query_error,
                }),
                wa(WorkAssignmentRefusal::NeverRouted {
                    interaction: number("IMS0001001"),
                }),
                wa(WorkAssignmentRefusal::NothingOffered {
                    agent: "bob".to_owned(),
                }),
                wa(WorkAssignmentRefusal::SeveralOffered {
                    agent: "alice".to_owned(),
                    offered: vec![number("IMS0001001"), number("IMS0001002")],
                }),
                wa(WorkAssignmentRefusal::NotOffered {
                    interaction: number("IMS0001001"),
                    state: WorkItemState::Accepted,
                    agent: "alice".to_owned(),
                }),
                wa(WorkAssignmentRefusal::OfferedToAnother {
                    interaction: number("IMS0001001"),
                    agent: "bob".to_owned(),
                    offered_to: Some("alice".to_owned()),
                }),
                wa(WorkAssignmentRefusal::OfferExpired {
                    interaction: number("IMS0001001"),
                    agent: "alice".to_owned(),
                    expired_at: Utc.with_ymd_and_hms(2026, 1, 5, 9, 1, 0).unwrap(),
                }),
            ],
        ),
        (
            "transfers and leaving",
            vec![
                wa(WorkAssignmentRefusal::Closed {
                    interaction: number("IMS0001001"),
                    state: "closed_complete".to_owned(),
                }),
                wa(WorkAssignmentRefusal::NotAssigned {
                    interaction: number("IMS0001001"),
                    agent: "bob".to_owned(),
                    held: "assigned to alice".to_owned(),
                }),
                wa(WorkAssignmentRefusal::TransferToSelf {
                    interaction: number("IMS0001001"),
                    agent: "alice".to_owned(),
                }),
                wa(WorkAssignmentRefusal::CannotTake {
                    interaction: number("IMS0001001"),
                    agent: "carol".to_owned(),
                    why: "they are away".to_owned(),
                }),
                wa(WorkAssignmentRefusal::UnknownQueue {
                    queue: "Shiping".to_owned(),
                    queues: vec!["Conversational SMS".to_owned(), "Shipping".to_owned()],
                }),
            ],
        ),
    ]
}

/// The Twilio error codes the agent reads in plain words ([`convsms::provider::advice`]).
const TWILIO_CODES: &[u32] = &[
    11200, 20003, 20429, 21211, 21212, 21214, 21408, 21606, 21610, 21612, 21614, 21617, 21620,
    21623, 30003, 30005, 30006, 30007, 30008, 30019,
];

fn print_refusals(out: &mut impl Write) -> io::Result<()> {
    writeln!(
        out,
        "# refusals: what the engine answers when it refuses, for 'Then the request is refused with \"…\"' (quote any part; the values are samples)"
    )?;
    for (about, errors) in refusals() {
        writeln!(out, "  {about}")?;
        for e in errors {
            writeln!(out, "    {e}")?;
        }
    }
    let sample = ProviderError::Rejected {
        http_status: 400,
        code: 21610,
        message: "Attempt to send to unsubscribed recipient".to_owned(),
        more_info: "https://www.twilio.com/docs/errors/21610".to_owned(),
    };
    writeln!(
        out,
        "  Twilio's refusals (answered to the send, for `the request is refused with`) and \
         delivery errors (30xxx, arriving later by StatusCallback, for `ends with a failed or \
         undelivered message with error N`): the agent sees Twilio's message and code, then \
         what the code means"
    )?;
    writeln!(out, "    {sample}")?;
    for code in TWILIO_CODES {
        if let Some(advice) = convsms::provider::advice(*code) {
            writeln!(out, "    {code}: {advice}")?;
        }
    }
    writeln!(out)
}

/// The name of an engine refusal's kind; `None` for a failure that is not a refusal. Every
/// variant is named here, so a new one fails to compile until it is: then give it a sample in
/// [`refusals`] (a test checks every kind has one).
#[cfg(test)]
fn refusal_kind(e: &Error) -> Option<&'static str> {
    Some(match e {
        Error::InvalidPhoneNumber(_) => "InvalidPhoneNumber",
        Error::UnknownInteraction(_) => "UnknownInteraction",
        Error::UnknownRecord { .. } => "UnknownRecord",
        Error::MissingRole { .. } => "MissingRole",
        Error::FromRequired { .. } => "FromRequired",
        Error::FromNotAllowed { .. } => "FromNotAllowed",
        Error::NoRecipient => "NoRecipient",
        Error::NoRecipientNamed => "NoRecipientNamed",
        Error::EmptyMessage => "EmptyMessage",
        Error::AttachmentTypeNotAllowed { .. } => "AttachmentTypeNotAllowed",
        Error::NotAProviderNumber(_) => "NotAProviderNumber",
        Error::BadWebhook(_) => "BadWebhook",
        Error::InvalidAction(_) => "InvalidAction",
        Error::InvalidProperty { .. } => "InvalidProperty",
        Error::WorkAssignment(_) => "WorkAssignment",
        Error::NoProvider => "NoProvider",
        Error::ProviderNumberInUse { .. } => "ProviderNumberInUse",
        Error::ProviderSetup { .. } => "ProviderSetup",
        Error::Store(_) => return None,
    })
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use regex::Regex;
    use regex_syntax::ast::{self, Ast, GroupKind, RepetitionKind};

    use super::*;
    use crate::check::params::FRAGMENTS;

    /// Where a regex may vary: an alternation (which branch) or an optional part (`?`, `*`: there
    /// or not).
    #[derive(Clone, Debug)]
    enum Point {
        Alternation { at: (usize, usize), branches: usize },
        Optional { at: (usize, usize) },
    }

    /// An enclosing node a variant must pass through: an optional part (made present) or an
    /// alternation (its `usize`-th branch).
    type Path = Vec<((usize, usize), Option<usize>)>;

    fn span(a: &Ast) -> (usize, usize) {
        (a.span().start.offset, a.span().end.offset)
    }

    fn children(a: &Ast) -> Vec<&Ast> {
        match a {
            Ast::Alternation(x) => x.asts.iter().collect(),
            Ast::Concat(x) => x.asts.iter().collect(),
            Ast::Group(x) => vec![&x.ast],
            Ast::Repetition(x) => vec![&x.ast],
            _ => vec![],
        }
    }

    /// How a node is rewritten for one variant.
    enum Rewrite {
        Branch(usize),
        Present,
        Absent,
    }

    /// The regex with nodes rewritten (by span).
    fn render(a: &Ast, src: &str, rw: &dyn Fn((usize, usize)) -> Option<Rewrite>) -> String {
        let kids = children(a);
        match (rw(span(a)), a) {
            (Some(Rewrite::Branch(b)), Ast::Alternation(x)) => {
                format!("(?:{})", render(&x.asts[b], src, rw))
            }
            (Some(Rewrite::Present), Ast::Repetition(x)) => {
                let many = matches!(x.op.kind, RepetitionKind::ZeroOrMore);
                format!(
                    "(?:{}){}",
                    render(&x.ast, src, rw),
                    if many { "+" } else { "" }
                )
            }
            (Some(Rewrite::Absent), _) => String::new(),
            _ => {
                let (start, end) = span(a);
                let mut out = String::new();
                let mut at = start;
                for k in kids {
                    let (ks, ke) = span(k);
                    out.push_str(&src[at..ks]);
                    out.push_str(&render(k, src, rw));
                    at = ke;
                }
                out.push_str(&src[at..end]);
                out
            }
        }
    }

    /// Collects the points of `a`. `skip` says which nodes not to look into (parameters in a
    /// step, shared fragments in a parameter).
    fn points(a: &Ast, skip: &dyn Fn(&Ast) -> bool, path: &Path, out: &mut Vec<(Point, Path)>) {
        if skip(a) {
            return;
        }
        match a {
            Ast::Alternation(x) => {
                out.push((
                    Point::Alternation {
                        at: span(a),
                        branches: x.asts.len(),
                    },
                    path.clone(),
                ));
                for (i, b) in x.asts.iter().enumerate() {
                    let mut p = path.clone();
                    p.push((span(a), Some(i)));
                    points(b, skip, &p, out);
                }
            }
            // Words that may be left out; not a character class that may be empty (`[^"]*`).
            Ast::Repetition(x)
                if matches!(
                    x.op.kind,
                    RepetitionKind::ZeroOrOne | RepetitionKind::ZeroOrMore
                ) && matches!(
                    *x.ast,
                    Ast::Literal(_) | Ast::Group(_) | Ast::Concat(_) | Ast::Alternation(_)
                ) =>
            {
                out.push((Point::Optional { at: span(a) }, path.clone()));
                let mut p = path.clone();
                p.push((span(a), None));
                points(&x.ast, skip, &p, out);
            }
            _ => {
                for k in children(a) {
                    points(k, skip, path, out);
                }
            }
        }
    }

    /// Every variant regex of `src` (anchored): one per branch of each alternation, one with and
    /// one without each optional part, the enclosing parts made to lead to it. With a name for
    /// failure messages.
    fn variants(src: &str, skip: &dyn Fn(&Ast) -> bool) -> Vec<(String, String)> {
        let ast = ast::parse::Parser::new().parse(src).expect("a regex");
        let mut found = vec![];
        points(&ast, skip, &vec![], &mut found);
        let mut out = vec![];
        for (point, path) in found {
            let along = |s: (usize, usize)| {
                path.iter().find(|(p, _)| *p == s).map(|(_, b)| match b {
                    Some(b) => Rewrite::Branch(*b),
                    None => Rewrite::Present,
                })
            };
            match point {
                Point::Alternation { at, branches } => {
                    for b in 0..branches {
                        let rw = |s| {
                            if s == at {
                                Some(Rewrite::Branch(b))
                            } else {
                                along(s)
                            }
                        };
                        out.push((
                            format!("branch {} of {}", b + 1, &src[at.0..at.1]),
                            render(&ast, src, &rw),
                        ));
                    }
                }
                Point::Optional { at } => {
                    let with = |s| {
                        if s == at {
                            Some(Rewrite::Present)
                        } else {
                            along(s)
                        }
                    };
                    let without = |s| {
                        if s == at {
                            Some(Rewrite::Absent)
                        } else {
                            along(s)
                        }
                    };
                    out.push((
                        format!("with {}", &src[at.0..at.1]),
                        render(&ast, src, &with),
                    ));
                    out.push((
                        format!("without {}", &src[at.0..at.1]),
                        render(&ast, src, &without),
                    ));
                }
            }
        }
        out
    }

    fn anchored(re: &str) -> Regex {
        Regex::new(&format!("^(?:{re})$")).expect("a variant that compiles")
    }

    /// A step regex's parameters: its capture groups, as their inner regex.
    fn step_parameters(src: &str) -> Vec<String> {
        fn walk(a: &Ast, src: &str, out: &mut Vec<String>) {
            if let Ast::Group(g) = a {
                if let GroupKind::CaptureIndex(_) = g.kind {
                    let (s, e) = span(&g.ast);
                    out.push(src[s..e].to_owned());
                    return;
                }
            }
            for k in children(a) {
                walk(k, src, out);
            }
        }
        let ast = ast::parse::Parser::new().parse(src).expect("a step regex");
        let mut out = vec![];
        walk(&ast, src, &mut out);
        out
    }

    /// In a step's regex: a parameter (a capture group) or `{string}` (a group holding named
    /// captures) is not the step's own words.
    fn step_skip(src: &str) -> impl Fn(&Ast) -> bool + '_ {
        move |a| match a {
            Ast::Group(g) => match g.kind {
                GroupKind::CaptureIndex(_) | GroupKind::CaptureName { .. } => true,
                GroupKind::NonCapturing(_) => {
                    let (s, e) = span(a);
                    src[s..e].contains("(?P<")
                }
            },
            _ => false,
        }
    }

    const INT: &str = r"(?:-?\d+)|(?:\d+)";

    #[test]
    fn every_alternative_of_a_step_s_own_words_has_an_example() {
        let steps = registered_steps();
        let compiled: Vec<Regex> = steps
            .iter()
            .map(|s| Regex::new(&s.regex).unwrap())
            .collect();
        let examples: Vec<(&str, &str)> = steps::EXAMPLES
            .iter()
            .flat_map(|(_, e)| e.iter().filter_map(|ex| ex.split_once(' ')))
            .collect();
        let mut missing = vec![];
        for (step, re) in steps.iter().zip(&compiled) {
            let mine: Vec<&str> = examples
                .iter()
                .filter(|(keyword, text)| *keyword == step.keyword && re.is_match(text))
                .map(|(_, text)| *text)
                .collect();
            let src = step.regex.trim_start_matches('^').trim_end_matches('$');
            for (what, re) in variants(src, &step_skip(src)) {
                let re = anchored(&re);
                if !mine.iter().any(|ex| re.is_match(ex)) {
                    missing.push(format!("{} /{}/: {what}", step.keyword, step.regex));
                }
            }
        }
        assert!(
            missing.is_empty(),
            "no example takes:\n{}",
            missing.join("\n")
        );
    }

    #[test]
    fn every_parameter_of_a_step_has_its_words() {
        let all = words();
        let mut missing = BTreeSet::new();
        for step in registered_steps() {
            for p in step_parameters(&step.regex) {
                if p != INT && !all.iter().any(|w| w.regex == p) {
                    missing.insert(format!("{p} (in {})", step.location));
                }
            }
        }
        assert!(missing.is_empty(), "parameters without words: {missing:#?}");
        let names: BTreeSet<&str> = all.iter().map(|w| w.name).collect();
        assert_eq!(names.len(), all.len(), "a parameter has two entries");
    }

    #[test]
    fn every_form_reads_every_refused_word_is_refused_and_the_forms_take_every_alternative() {
        let mut problems = vec![];
        for w in words() {
            let re = anchored(w.regex);
            for form in w.forms {
                if !re.is_match(form) {
                    problems.push(format!(
                        "{{{}}}: the form {form:?} does not match /{}/",
                        w.name, w.regex
                    ));
                } else if let Err(e) = (w.read)(form) {
                    problems.push(format!("{{{}}}: the form {form:?} is refused: {e}", w.name));
                }
            }
            for bad in w.refused {
                if !re.is_match(bad) {
                    problems.push(format!(
                        "{{{}}}: the refused {bad:?} does not even match",
                        w.name
                    ));
                } else if (w.read)(bad).is_ok() {
                    problems.push(format!("{{{}}}: {bad:?} is read, not refused", w.name));
                }
            }
            // A fragment another parameter owns is covered there.
            let skip = |a: &Ast| {
                let (s, e) = span(a);
                let text = &w.regex[s..e];
                (s, e) != (0, w.regex.len())
                    && FRAGMENTS
                        .iter()
                        .any(|(f, owner)| *f == text && *owner != w.name)
            };
            for (what, variant) in variants(w.regex, &skip) {
                let re = anchored(&variant);
                if !w.forms.iter().any(|f| re.is_match(f)) {
                    problems.push(format!("{{{}}}: no form takes {what}", w.name));
                }
            }
        }
        assert!(problems.is_empty(), "{}", problems.join("\n"));
    }

    #[test]
    fn the_variants_of_a_regex_are_its_alternatives_and_optional_parts() {
        let v: Vec<String> = variants(r"a(?:b|c)(?: d(?:e|f))?", &|_| false)
            .into_iter()
            .map(|(_, re)| re)
            .collect();
        let takes = |re: &str, s: &str| anchored(re).is_match(s);
        // branch b, branch c, with " d…", without, and e and f each with " d" made present.
        assert_eq!(v.len(), 6, "{v:#?}");
        assert!(takes(&v[0], "ab") && !takes(&v[0], "ac"));
        assert!(takes(&v[1], "ac") && !takes(&v[1], "ab"));
        assert!(takes(&v[2], "ab de") && !takes(&v[2], "ab"));
        assert!(takes(&v[3], "ab") && !takes(&v[3], "ab de"));
        assert!(takes(&v[4], "ab de") && !takes(&v[4], "ab") && !takes(&v[4], "ab df"));
        assert!(takes(&v[5], "ab df") && !takes(&v[5], "ab"));
    }

    #[test]
    fn every_engine_refusal_has_a_sample_and_every_twilio_advice_is_shown() {
        let all = refusals();
        let kinds: BTreeSet<&str> = all
            .iter()
            .flat_map(|(_, e)| e.iter().filter_map(refusal_kind))
            .collect();
        let expected: BTreeSet<&str> = [
            "InvalidPhoneNumber",
            "UnknownInteraction",
            "UnknownRecord",
            "MissingRole",
            "FromRequired",
            "FromNotAllowed",
            "NoRecipient",
            "NoRecipientNamed",
            "EmptyMessage",
            "AttachmentTypeNotAllowed",
            "NotAProviderNumber",
            "BadWebhook",
            "InvalidAction",
            "InvalidProperty",
            "WorkAssignment",
            "NoProvider",
            "ProviderNumberInUse",
            "ProviderSetup",
        ]
        .into();
        assert_eq!(kinds, expected);
        let advised: Vec<u32> = (10_000..100_000)
            .filter(|c| convsms::provider::advice(*c).is_some())
            .collect();
        assert_eq!(advised, TWILIO_CODES);
    }

    #[test]
    fn the_catalogue_shows_forms_refusals_and_engine_texts() {
        let mut out = vec![];
        print_steps(&mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        for want in [
            "  When 1 minute passes",
            "  Then there is 1 interaction",
            "    customer contact \"Cy Chen\"",
            "    refused: every send with HTTP 503 → the simulated Twilio can answer sends with HTTP 500 or 429, not 503",
            "    no To number: the interaction's requester has no phone; choose Other and type one",
            "    21610: The recipient replied STOP",
        ] {
            assert!(text.contains(want), "the catalogue lacks {want:?}");
        }
        assert!(!text.contains("a bug in the catalogue"));
        assert!(!text.contains("steps without an example"));
    }
}
