//! The soak's progress bar (`indicatif`), on stderr and only when stderr is a terminal: inbound
//! messages acknowledged out of `--messages` (or, with `--duration`, the virtual time passed out
//! of it), messages per wall second, the virtual time reached, active conversations and
//! invariant checks. The figures after the bar are cut to the terminal's width rather than
//! wrapped. It redraws every [`EVERY`] events, so it costs nothing measurable; the report never
//! depends on it.

use std::cell::Cell;
use std::io::IsTerminal as _;
use std::time::Instant;

use chrono::{DateTime, Utc};
use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::partition::Partition;

/// Events between two updates.
pub const EVERY: u64 = 256;

/// What a bar counts towards: the run's end.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Goal {
    /// `--messages` (or a shard's share): inbound messages acknowledged.
    Inbound(u64),
    /// `--duration`: virtual time passed since the traffic started.
    Virtual(chrono::TimeDelta),
}

impl Goal {
    /// The bar's length: messages, or seconds of virtual time.
    fn len(self) -> u64 {
        match self {
            Goal::Inbound(n) => n,
            Goal::Virtual(d) => d.num_seconds().max(1).unsigned_abs(),
        }
    }

    /// The bar's template: `{pos}/{len} inbound`, or the share of the duration passed.
    fn template(self) -> String {
        // `{wide_msg}`: the figures are cut at the terminal's edge, never wrapped onto a
        // second line that the next redraw would leave behind.
        match self {
            Goal::Inbound(_) => {
                "{prefix}{spinner} [{elapsed_precise}] {bar:24} {pos}/{len} inbound  {wide_msg}"
                    .to_owned()
            }
            Goal::Virtual(d) => format!(
                "{{prefix}}{{spinner}} [{{elapsed_precise}}] {{bar:24}} {{percent}}% of {}  \
                 {{wide_msg}}",
                super::report::duration_words(d.num_seconds())
            ),
        }
    }
}

/// What the bar shows at one moment.
#[derive(Clone, Copy, Debug)]
pub struct Figures {
    /// Events carried out.
    pub events: u64,
    /// Inbound messages acknowledged.
    pub inbound: u64,
    /// Messages both ways.
    pub messages: u64,
    /// The virtual time reached.
    pub now: DateTime<Utc>,
    /// Active SMS conversations at the last check.
    pub active: usize,
    /// Invariant checks so far, every invariant.
    pub checks: u64,
}

/// The bar, or nothing.
#[derive(Debug)]
pub struct Progress {
    bar: Option<ProgressBar>,
    goal: Goal,
    started: Instant,
    /// When the traffic started, in virtual time ([`Progress::traffic_starts`]): where a
    /// [`Goal::Virtual`] bar counts from.
    traffic_started: Cell<Option<DateTime<Utc>>>,
}

impl Progress {
    /// No bar (tests, pipes, `convsms soak merge`).
    pub fn hidden() -> Progress {
        Progress {
            bar: None,
            goal: Goal::Inbound(0),
            started: Instant::now(),
            traffic_started: Cell::new(None),
        }
    }

    /// A bar on stderr towards `goal` when stderr is a terminal, else none.
    pub fn stderr(goal: Goal) -> Progress {
        if !std::io::stderr().is_terminal() {
            return Progress::hidden();
        }
        let bar = ProgressBar::with_draw_target(Some(goal.len()), ProgressDrawTarget::stderr());
        Progress::styled(bar, goal, "")
    }

    fn styled(bar: ProgressBar, goal: Goal, prefix: &str) -> Progress {
        // The template is built from constants and a duration: it parses.
        if let Ok(style) = ProgressStyle::with_template(&goal.template()) {
            bar.set_style(style);
        }
        bar.set_prefix(prefix.to_owned());
        Progress {
            bar: Some(bar),
            goal,
            started: Instant::now(),
            traffic_started: Cell::new(None),
        }
    }

    /// The traffic starts at virtual instant `now`: a [`Goal::Virtual`] bar counts from here.
    pub fn traffic_starts(&self, now: DateTime<Utc>) {
        self.traffic_started.set(Some(now));
    }

    /// Where the bar stands at `f`: inbound messages, or virtual seconds since the traffic
    /// started (at most the bar's length: a night under way may run past `--duration`).
    fn position(&self, f: &Figures) -> u64 {
        match self.goal {
            Goal::Inbound(_) => f.inbound,
            Goal::Virtual(_) => {
                let from = self.traffic_started.get().unwrap_or(f.now);
                (f.now - from)
                    .num_seconds()
                    .max(0)
                    .unsigned_abs()
                    .min(self.goal.len())
            }
        }
    }

    /// Redraws the bar when `f.events` is a multiple of [`EVERY`].
    pub fn update(&self, f: &Figures) {
        let Some(bar) = &self.bar else { return };
        if !f.events.is_multiple_of(EVERY) {
            return;
        }
        let rate = f.messages as f64 / self.started.elapsed().as_secs_f64().max(1e-9);
        bar.set_position(self.position(f));
        let inbound = match self.goal {
            Goal::Inbound(_) => String::new(),
            Goal::Virtual(_) => format!("{} inbound  ", f.inbound),
        };
        bar.set_message(format!(
            "{rate:.0} msg/s  virtual {}  {inbound}{} active  {} checks",
            f.now.format("%Y-%m-%d %H:%M"),
            f.active,
            f.checks
        ));
    }

    /// Removes the bar before the summary prints.
    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

/// The bars of `convsms soak --jobs` shards: one line each, on stderr when it is a terminal.
#[derive(Debug)]
pub struct ProgressGroup(Option<MultiProgress>);

impl ProgressGroup {
    /// Bars on stderr when it is a terminal; otherwise every bar is hidden.
    pub fn stderr() -> ProgressGroup {
        ProgressGroup(
            std::io::stderr()
                .is_terminal()
                .then(|| MultiProgress::with_draw_target(ProgressDrawTarget::stderr())),
        )
    }

    /// Every bar hidden (tests).
    #[cfg(test)]
    pub fn hidden() -> ProgressGroup {
        ProgressGroup(None)
    }

    /// Shard `shard`'s bar towards `goal`, labelled with the shard.
    pub fn bar(&self, goal: Goal, shard: Option<Partition>) -> Progress {
        let Some(group) = &self.0 else {
            return Progress::hidden();
        };
        let bar = group.add(ProgressBar::new(goal.len()));
        let label = shard.map(|p| format!("{p} ")).unwrap_or_default();
        Progress::styled(bar, goal, &label)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeDelta;

    fn figures(inbound: u64, now: DateTime<Utc>) -> Figures {
        Figures {
            events: EVERY,
            inbound,
            messages: 2 * inbound,
            now,
            active: 3,
            checks: 40,
        }
    }

    /// A `--duration` bar counts the virtual time passed since the traffic started, out of the
    /// duration (a night past the end stays at its end), not inbound messages out of the
    /// default `--messages`; a `--messages` bar counts inbound messages. Both templates parse.
    #[test]
    fn a_duration_bar_counts_virtual_time_and_a_messages_bar_inbound_messages() {
        let start = DateTime::parse_from_rfc3339("2026-01-05T09:00:00Z")
            .unwrap()
            .to_utc();
        let two_days = Goal::Virtual(TimeDelta::days(2));
        for goal in [two_days, Goal::Inbound(8_000)] {
            assert!(
                ProgressStyle::with_template(&goal.template()).is_ok(),
                "{goal:?}"
            );
        }
        assert!(two_days.template().contains("% of 2 days"));
        let bar = Progress::styled(ProgressBar::hidden(), two_days, "");
        bar.traffic_starts(start);
        assert_eq!(two_days.len(), 172_800);
        assert_eq!(
            bar.position(&figures(9_000, start + TimeDelta::days(1))),
            86_400
        );
        let past = start + TimeDelta::days(2) + TimeDelta::hours(5);
        assert_eq!(bar.position(&figures(20_000, past)), 172_800);
        let bar = Progress::styled(ProgressBar::hidden(), Goal::Inbound(8_000), "");
        bar.traffic_starts(start);
        assert_eq!(
            bar.position(&figures(1_234, start + TimeDelta::days(1))),
            1_234
        );
    }
}
