//! Export: what happened in `convsms serve` as a `.feature` file of catalogue steps, so that a
//! reproduced bug becomes a regression test (`convsms check` on it passes against the same build).
//!
//! The scenario is the journal replayed: every action taken through the API, in order, as the
//! step that did it (the setup `convsms serve` made on a new database included, and the time
//! that passed between actions under `--clock wall`), each refusal followed by the check of it.
//! After them come the checks a QA engineer would write, read from the state now: what each
//! handset received from the engine (each message, and how many; one an app sent straight to the
//! simulated Twilio's API is said in a comment, as the replay cannot send it: the simulated
//! Twilio forgets its messages on a
//! restart, and so does the replay at the restart's journaled `When the simulated Twilio
//! restarts`; a journal from before that step was journaled is checked without the counts, and
//! a comment says so), then who each interaction is opened for and where it stands
//! (open or closed, its state, who it is assigned to, where the virtual agent stands in a
//! conversation it holds, how long its transcript is, each send that
//! never reached the handset with its status and Twilio's error, its work item's state and
//! queue, the messaging actions that fired for it, its pending
//! messaging-action timers), then how many interactions there are, each agent's Workspace Inbox
//! and workspace notifications, and every stored SMS update setting (how many of each, then each). Under
//! `--clock wall` the time that passed after the last step comes before the checks. A name or
//! text no step can quote is said in a comment instead of checked. With a mark (`POST
//! /api/export/mark`), the steps before it are still replayed (they build the state the
//! reproduction starts from) and only what follows is written as "what happened".

use std::collections::{BTreeMap, BTreeSet};

use anyhow::Context as _;
use convsms::domain::messaging_actions::TimerState;
use convsms::domain::model::{Handler, PartyTable};
use twilio_wire::message::Direction;

use super::runner::Runner;
use crate::check::params::Attached;
use crate::check::world::topic_position;
use crate::check::world::{quote, quote_expected};

/// The scenario's name when the caller gives none.
pub const DEFAULT_NAME: &str = "Reproduced with convsms serve";

/// The feature file of everything journaled (see the module docs); `name` names the scenario.
///
/// # Errors
/// The store fails, or a name holds a line break.
pub fn feature(r: &Runner, name: Option<&str>) -> anyhow::Result<String> {
    let name = name.unwrap_or(DEFAULT_NAME);
    anyhow::ensure!(
        !name.contains('\n'),
        "a scenario name is one line; got {}",
        quote(name)
    );
    let store = &r.world.stack.store;
    let (journal, mark) = store
        .read(|tx| {
            let mark = tx
                .serve_state("mark")?
                .and_then(|m| m.parse::<i64>().ok())
                .unwrap_or(0);
            Ok::<_, rusqlite::Error>((tx.journal_after(0)?, mark))
        })
        .context("reading the journal")?;
    // A restart the replay does not reproduce: one journaled before restarts began with their
    // step (the replay's simulated Twilio then holds messages the server's forgot, so the
    // handsets' counts cannot be checked).
    let restarted = journal.iter().any(|j| j.generation != r.generation)
        && (2..=r.generation).any(|g| {
            journal
                .iter()
                .find(|j| j.generation == g)
                .map(|j| j.step.as_str())
                != Some(crate::serve::RESTART_STEP)
        });
    let mut out = String::new();
    out.push_str(&format!(
        "# Exported by convsms serve at {} (virtual time): {} journaled steps.\n",
        r.now().format("%Y-%m-%d %H:%M:%S"),
        journal.len()
    ));
    // The virtual agent's answers depend on the topics: say which, and how to run with them.
    let topics = crate::check::topics::topic_sources();
    out.push_str(&match topics.dir.as_deref() {
        Some(dir) => {
            let dir = dir.canonicalize().unwrap_or_else(|_| dir.to_owned());
            format!(
                "# Its virtual agent answered with the topics of {}: run it with\n\
                 # `convsms check --topics {} <this file>`, or from that project folder.\n",
                dir.display(),
                dir.display()
            )
        }
        None => "# Its virtual agent answered with the built-in topics: run it with\n\
                 # `convsms check <this file>` outside any project folder (or in one without\n\
                 # topics/).\n"
            .to_owned(),
    });
    out.push_str("@serve\nFeature: Reproduced with convsms serve\n\n");
    out.push_str(&format!("  Scenario: {name}\n"));
    let mut marked = mark == 0;
    if !marked {
        out.push_str("    # Before the mark: the state the reproduction starts from.\n");
    }
    let mut topic_files = TopicFiles::at_export(r)?;
    let mut generation = 0;
    for j in &journal {
        if !marked && j.seq > mark {
            out.push_str("    # After the mark: what happened.\n");
            marked = true;
        }
        if j.generation != generation {
            generation = j.generation;
            out.push_str(&topic_files.start(generation));
        }
        topic_files.journaled(&j.step);
        for line in j.step.lines() {
            out.push_str("    ");
            out.push_str(line);
            out.push('\n');
        }
    }
    // Under `--clock wall`, the time that passed since the last step is journaled only before
    // the next one: the checks below read the state now, so the replay goes there too.
    if let Some(pass) = passes((r.now() - r.journaled_to()).num_seconds()) {
        out.push_str(&format!(
            "    # The time that passed since the last step, up to the export.\n    {pass}\n"
        ));
    }
    out.push_str(&checks(r, restarted)?);
    Ok(out)
}

/// The key of `convsms serve`'s state that keeps the topic files start `generation` answered
/// with (their names and texts, JSON).
pub fn topics_state_key(generation: i64) -> String {
    format!("topics.{generation}")
}

/// The topic files the export's replay answers with at each point, against those the server
/// answered with. The replay starts with the topic folder as it is when `convsms check` runs
/// (taken to be the folder at export time), so where a start's files differ from what the replay
/// holds then (a file edited, added or removed since, then reloaded or read again by a restart;
/// a restart after topic files were loaded by step), the export pins them: `Given the virtual
/// agent answers only with the topic files that follow`, then each file the server started
/// with, as `Given the topic file "…":`.
struct TopicFiles {
    /// Each start's files, by generation (none for a database from before they were kept).
    started: BTreeMap<i64, Vec<(String, String)>>,
    /// The replay's files now, name → lines; `None` when unknown (after the built-in topics).
    replay: Option<BTreeMap<String, Vec<String>>>,
}

impl TopicFiles {
    fn at_export(r: &Runner) -> anyhow::Result<TopicFiles> {
        let sources = crate::check::topics::topic_sources();
        let now = match sources.dir.as_deref() {
            Some(dir) => {
                crate::check::topics::TopicSources::read(dir)
                    .with_context(|| format!("reading the topic folder {}", dir.display()))?
                    .files
            }
            None => sources.files.clone(),
        };
        let mut started = BTreeMap::new();
        for g in 1..=r.generation {
            let kept = r
                .world
                .store()
                .read(|tx| tx.serve_state(&topics_state_key(g)))
                .context("reading the topic files of a start")?;
            if let Some(files) = kept.and_then(|k| serde_json::from_str(&k).ok()) {
                started.insert(g, files);
            }
        }
        Ok(TopicFiles {
            started,
            replay: Some(by_name(&now)),
        })
    }

    /// The steps that give the replay, before start `generation`'s first step, exactly the
    /// files that start answered with, when it holds others.
    fn start(&mut self, generation: i64) -> String {
        let Some(files) = self.started.get(&generation) else {
            return String::new();
        };
        let want = by_name(files);
        if self.replay.as_ref() == Some(&want) {
            return String::new();
        }
        let mut out = String::from(
            "    # The topic files the server answered with from here (the folder holds others):\n\
             \x20   Given the virtual agent answers only with the topic files that follow\n",
        );
        for (name, text) in files {
            let step = format!(
                "Given the topic file {}:{}",
                quote(name),
                super::runner::docstring_block(text)
            );
            for line in step.lines() {
                out.push_str("    ");
                out.push_str(line);
                out.push('\n');
            }
        }
        self.replay = Some(want);
        out
    }

    /// Follows a journaled step that changes the topics: a topic file loaded (a reload's, or a
    /// step's), the built-in topics, only the files that follow.
    fn journaled(&mut self, step: &str) {
        let mut rows = step.lines();
        let first = rows.next().unwrap_or_default();
        match first {
            "Given the virtual agent answers with the built-in topics" => {
                self.replay = None;
                return;
            }
            "Given the virtual agent answers only with the topic files that follow" => {
                self.replay = Some(BTreeMap::new());
                return;
            }
            _ => {}
        }
        let name = [
            "When an administrator loads the topic file ",
            "Given the topic file ",
        ]
        .iter()
        .find_map(|p| first.strip_prefix(p))
        .and_then(|rest| rest.strip_suffix(':'))
        .and_then(|q| q.strip_prefix('"')?.strip_suffix('"'));
        let Some(name) = name else { return };
        let text: Vec<String> = rows
            .filter(|l| !matches!(l.trim(), "\"\"\"" | "```"))
            .map(|l| l.strip_prefix("  ").unwrap_or(l).to_owned())
            .collect();
        if let Some(replay) = &mut self.replay {
            replay.insert(name.to_owned(), trimmed(text));
        }
    }
}

/// Files by name, each as its lines.
fn by_name(files: &[(String, String)]) -> BTreeMap<String, Vec<String>> {
    files
        .iter()
        .map(|(name, text)| (name.clone(), lines(text)))
        .collect()
}

/// A file's lines, without the blank ones that end it.
fn lines(text: &str) -> Vec<String> {
    trimmed(text.lines().map(str::to_owned).collect())
}

fn trimmed(mut lines: Vec<String>) -> Vec<String> {
    while lines.last().is_some_and(|l| l.trim().is_empty()) {
        lines.pop();
    }
    lines
}

/// Why a text cannot be a step's `{string}`, or `None` when it can: a double quote or a line
/// break ends it, and so does a backslash at its end (it would escape the closing quote).
pub fn unquotable(text: &str) -> Option<&'static str> {
    let trailing = text.len() - text.trim_end_matches('\\').len();
    if text.contains('"') || text.contains('\n') || text.contains('\r') {
        Some("holds a double quote or a line break")
    } else if trailing % 2 == 1 {
        Some("ends in a backslash")
    } else {
        None
    }
}

/// The checks of the state now (see the module docs), each line indented as a scenario step.
fn checks(r: &Runner, restarted: bool) -> anyhow::Result<String> {
    let mut out = String::new();
    let sim = &r.world.stack.sim;
    let api_sends: BTreeSet<_> = sim
        .messages()
        .into_iter()
        .filter(|m| m.direction == Direction::OutboundApi)
        .map(|m| m.sid)
        .collect();
    let handsets: BTreeSet<String> = sim
        .messages()
        .into_iter()
        .filter_map(|m| match m.direction {
            Direction::Inbound => m.from,
            _ => Some(m.to),
        })
        .collect();
    if restarted {
        out.push_str(
            "    # The server restarted: the simulated Twilio forgot the messages it held, so\n\
             \x20   # only what handsets received since the last restart is checked, not counted.\n",
        );
    }
    if !handsets.is_empty() {
        out.push_str("    # What each handset received.\n");
    }
    for phone in &handsets {
        // A message an app sent straight to the simulated Twilio's API (`outbound-api`, and
        // not one of the engine's sends) is no action of the journal: the replay cannot send
        // it, so it is said, not checked. Twilio's own auto-replies (`outbound-reply`) replay.
        let mut received = vec![];
        let mut direct = vec![];
        for m in r.world.received(phone) {
            let by_engine = !api_sends.contains(&m.sid)
                || r.world
                    .store()
                    .read(|tx| tx.message_by_sid(&m.sid))
                    .context("finding the engine's sends by MessageSid")?
                    .is_some();
            if by_engine {
                received.push(m);
            } else {
                direct.push(m);
            }
        }
        for m in &direct {
            out.push_str(&format!(
                "    # {} also received {} {} from {}, sent straight to the simulated Twilio's \
                 API, not by the engine: not replayed, so not checked.\n",
                quote(phone),
                m.sid,
                if m.body.is_empty() {
                    "(no text)".to_owned()
                } else {
                    format!("({} characters)", m.body.chars().count())
                },
                m.from
            ));
        }
        for m in &received {
            let from = quote(&m.from);
            // A message's text quotes whole (`\"`, `\n`); a carriage return no step carries.
            let line = if m.body.contains('\r') && m.media.is_empty() {
                "# (a text with a carriage return, counted below)".to_owned()
            } else if (m.body.is_empty() || m.body.contains('\r')) && !m.media.is_empty() {
                let (images, files) = m.images_and_files();
                let attached = Attached { images, files }.to_string();
                format!(
                    "Then {} receives a message{attached} from {from}",
                    quote(phone),
                )
            } else {
                format!(
                    "Then {} receives {} from {from}",
                    quote(phone),
                    quote_expected(&m.body)
                )
            };
            out.push_str(&format!("    {line}\n"));
        }
        if !restarted {
            out.push_str(&format!(
                "    Then {} has received {}\n",
                quote(phone),
                plural(received.len(), "message")
            ));
        }
    }
    let interactions = r
        .world
        .store()
        .read(|tx| tx.interactions())
        .context("listing the interactions")?;
    if !interactions.is_empty() {
        out.push_str("    # Where each interaction stands.\n");
    }
    for i in &interactions {
        let n = &i.number;
        // Who it is opened for: a record a step made (or the guest user), as the replay must
        // find it again.
        let party = r
            .world
            .store()
            .read(|tx| tx.party(i.opened_for.0, &i.opened_for.1))
            .with_context(|| format!("reading who {n} is opened for"))?;
        out.push_str(&match party {
            Some(p) if p.is_guest() => {
                format!("    Then interaction {n} is opened for the guest user\n")
            }
            Some(p) if unquotable(&p.name).is_none() => format!(
                "    Then interaction {n} is opened for {} {}\n",
                match p.table {
                    PartyTable::SysUser => "sys_user",
                    other => other.noun(),
                },
                quote(&p.name)
            ),
            _ => format!("    # (interaction {n} is opened for a record no step can name)\n"),
        });
        if !i.active {
            out.push_str(&format!("    Then interaction {n} is closed\n"));
        }
        // Closed how (`closed_complete`, `closed_abandoned`, ...), or where it stands.
        out.push_str(&format!(
            "    Then interaction {n} is in state {}\n",
            quote(i.state.as_str())
        ));
        let who = match &i.handler {
            Handler::Queue => Some("nobody".to_owned()),
            Handler::VirtualAgent => Some("the virtual agent".to_owned()),
            Handler::Agent(a) => {
                let name = r
                    .world
                    .store()
                    .read(|tx| tx.user_name(a))
                    .context("reading an assignee")?
                    .unwrap_or_default();
                unquotable(&name)
                    .is_none()
                    .then(|| format!("agent {}", quote(&name)))
            }
        };
        out.push_str(&match who {
            Some(who) => format!("    Then interaction {n} is assigned to {who}\n"),
            None => format!("    # (interaction {n} is assigned to an agent no step can name)\n"),
        });
        // Where the virtual agent stands in a conversation it still holds: the next text's
        // answer depends on it.
        if i.active && i.handler == Handler::VirtualAgent {
            out.push_str(&match topic_position(i) {
                None => format!("    Then interaction {n} waits in no topic\n"),
                Some((topic, node))
                    if unquotable(&topic).is_none() && unquotable(&node).is_none() =>
                {
                    format!(
                        "    Then interaction {n} waits in topic {} at node {}\n",
                        quote(&topic),
                        quote(&node)
                    )
                }
                Some(_) => {
                    format!("    # (interaction {n} waits at a topic or node no step can name)\n")
                }
            });
        }
        let messages = r
            .world
            .store()
            .read(|tx| tx.transcript(&i.sys_id))
            .with_context(|| format!("reading the transcript of {n}"))?;
        out.push_str(&format!(
            "    Then the transcript of {n} has {}\n",
            plural(messages.len(), "message")
        ));
        // Each send that never reached the handset, with Twilio's error: a refusal (21610 after
        // STOP) or a carrier's, which what handsets received cannot show.
        for m in &messages {
            if m.direction == convsms::domain::delivery::Direction::Outbound
                && matches!(
                    m.status,
                    convsms::domain::delivery::DeliveryStatus::Failed
                        | convsms::domain::delivery::DeliveryStatus::Undelivered
                )
            {
                let error = m
                    .error_code
                    .map_or(String::new(), |c| format!(" with error {c}"));
                out.push_str(&format!(
                    "    Then message #{} of {n} has status {}{error}\n",
                    m.seq,
                    quote(m.status.as_str())
                ));
            }
        }
        // Its work item: the state, and the queue it is in (once handed to live agents).
        let item = r
            .world
            .engine()
            .work_item(n)
            .with_context(|| format!("reading the work item of {n}"))?;
        if let Some(item) = item {
            out.push_str(&format!(
                "    Then the work item for {n} is {}\n",
                quote(item.state.as_str())
            ));
            out.push_str(&if unquotable(&item.queue).is_some() {
                format!("    # (the work item for {n} is in a queue no step can name)\n")
            } else {
                format!(
                    "    Then the work item for {n} is in queue {}\n",
                    quote(&item.queue)
                )
            });
        }
        // The messaging actions that fired for it, each with how many times.
        let mut fired: BTreeMap<String, usize> = BTreeMap::new();
        let timers = r
            .world
            .store()
            .read(|tx| tx.timers(Some(TimerState::Fired)))
            .with_context(|| format!("reading the fired timers of {n}"))?;
        for t in timers.into_iter().filter(|t| t.interaction == i.sys_id) {
            *fired.entry(t.action).or_default() += 1;
        }
        for (action, times) in &fired {
            out.push_str(&if unquotable(action).is_some() {
                format!("    # (a messaging action no step can name fired for {n})\n")
            } else {
                format!(
                    "    Then messaging action {} has fired {} for {n}\n",
                    quote(action),
                    match times {
                        1 => "once".to_owned(),
                        k => format!("{k} times"),
                    }
                )
            });
        }
        // Its messaging-action timers still to fire: how many, then each.
        let timers = r
            .world
            .store()
            .read(|tx| tx.pending_timers(&i.sys_id))
            .with_context(|| format!("reading the timers of {n}"))?;
        out.push_str(&match timers.len() {
            0 => format!("    Then interaction {n} has no pending timer\n"),
            k => format!(
                "    Then interaction {n} has {}\n",
                plural(k, "pending timer")
            ),
        });
        for t in &timers {
            let due = t.due_at.format("%Y-%m-%d %H:%M:%S");
            // The step reads whole seconds; a name it cannot quote is said, not checked.
            out.push_str(&if unquotable(&t.action).is_some()
                || t.due_at.timestamp_subsec_nanos() != 0
            {
                format!("    # (a pending timer no step can name, due at {due})\n")
            } else {
                format!(
                    "    Then interaction {n} has a pending timer {} due at \"{due}\"\n",
                    quote(&t.action)
                )
            });
        }
    }
    out.push_str(&format!(
        "    Then {}\n",
        match interactions.len() {
            0 => "there are no interactions".to_owned(),
            1 => "there is 1 interaction".to_owned(),
            k => format!("there are {k} interactions"),
        }
    ));
    out.push_str(&workspace_and_settings(r)?);
    Ok(out)
}

/// The checks of each agent's workspace notifications and of every stored SMS update setting.
fn workspace_and_settings(r: &Runner) -> anyhow::Result<String> {
    let mut out = String::new();
    let (agents, notifications, settings) = r
        .world
        .store()
        .read(|tx| {
            Ok::<_, convsms::store::StoreError>((
                tx.agents()?,
                tx.workspace_notifications()?,
                tx.subscriptions()?,
            ))
        })
        .context("reading the workspace notifications and SMS update settings")?;
    if !agents.is_empty() {
        out.push_str(
            "    # Each agent's Workspace Inbox, and workspace notifications: how many, then each.\n",
        );
    }
    for a in &agents {
        if unquotable(&a.user_name).is_some() {
            out.push_str("    # (an agent no step can name)\n");
            continue;
        }
        let agent = quote(&a.user_name);
        // What their Workspace Inbox offers, oldest first.
        let offered = r
            .world
            .engine()
            .workspace_inbox(&a.user_name)
            .with_context(|| format!("reading {}'s Workspace Inbox", a.user_name))?;
        out.push_str(&match offered.as_slice() {
            [] => format!("    Then agent {agent}'s Workspace Inbox is empty\n"),
            [one] => format!("    Then agent {agent}'s Workspace Inbox offers {one}\n"),
            [rest @ .., last] => format!(
                "    Then agent {agent}'s Workspace Inbox offers {} and {last}\n",
                rest.iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        });
        let theirs: Vec<_> = notifications
            .iter()
            .filter(|(who, _, _)| *who == a.user_name)
            .map(|(_, number, text)| (number, text))
            .collect();
        out.push_str(&match theirs.len() {
            0 => format!("    Then agent {agent} has no workspace notification\n"),
            k => format!(
                "    Then agent {agent} has {}\n",
                plural(k, "workspace notification")
            ),
        });
        // Each once: the count above says how many times.
        let mut said = BTreeSet::new();
        for (number, text) in theirs {
            if !said.insert((number, text)) {
                continue;
            }
            out.push_str(&match number {
                // The step's text is `"[^"]+"`: anything but a quote or a line break.
                Some(n) if !text.is_empty() && !text.contains(['"', '\n', '\r']) => format!(
                    "    Then agent {agent} has the workspace notification {} for {n}\n",
                    quote(text)
                ),
                _ => format!("    # ({agent} has a workspace notification no step can name)\n"),
            });
        }
    }
    out.push_str("    # SMS update notifications: how many settings are stored, then each.\n");
    out.push_str(&match settings.len() {
        0 => "    Then no SMS update subscription is stored\n".to_owned(),
        1 => "    Then 1 SMS update subscription is stored\n".to_owned(),
        k => format!("    Then {k} SMS update subscriptions are stored\n"),
    });
    for (user, on) in &settings {
        out.push_str(&if unquotable(user).is_some() {
            "    # (a sys_user no step can name)\n".to_owned()
        } else {
            format!(
                "    Then sys_user {} has SMS update notifications {}\n",
                quote(user),
                if *on { "on" } else { "off" }
            )
        });
    }
    Ok(out)
}

fn plural(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

/// A duration as the `{duration}` words of `When 30 minutes pass` read it: the largest unit
/// that divides it (days, hours, minutes, seconds); `None` for no time.
pub fn passes(seconds: i64) -> Option<String> {
    if seconds <= 0 {
        return None;
    }
    let (n, unit) = [
        (86_400, "day"),
        (3_600, "hour"),
        (60, "minute"),
        (1, "second"),
    ]
    .into_iter()
    .find(|(u, _)| seconds % u == 0)
    .map(|(u, name)| (seconds / u, name))
    .unwrap_or((seconds, "second"));
    Some(if n == 1 {
        format!("When 1 {unit} passes")
    } else {
        format!("When {n} {unit}s pass")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_text_is_quotable_unless_a_quote_a_line_break_or_a_last_backslash_ends_it() {
        for ok in ["alice", "C:\\tmp\\\\", "Bea's", ""] {
            assert_eq!(unquotable(ok), None, "{ok:?}");
        }
        for bad in ["q\"x", "two\nlines", "cr\r", "Ada\\", "a\\\\\\"] {
            assert!(unquotable(bad).is_some(), "{bad:?}");
        }
    }

    #[test]
    fn time_reads_in_its_largest_whole_unit() {
        assert_eq!(passes(0), None);
        assert_eq!(passes(1).as_deref(), Some("When 1 second passes"));
        assert_eq!(passes(90).as_deref(), Some("When 90 seconds pass"));
        assert_eq!(passes(120).as_deref(), Some("When 2 minutes pass"));
        assert_eq!(passes(3_600).as_deref(), Some("When 1 hour passes"));
        assert_eq!(passes(172_800).as_deref(), Some("When 2 days pass"));
    }
}
