//! The soak's progress bar (`indicatif`), on stderr and only when stderr is a terminal: inbound
//! messages acknowledged out of `--messages`, messages per wall second, the virtual time reached,
//! active conversations and invariant checks. It redraws every [`EVERY`] events, so it costs
//! nothing measurable; the report never depends on it.

use std::io::IsTerminal as _;
use std::time::Instant;

use chrono::{DateTime, Utc};
use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::partition::Partition;

/// Events between two updates.
pub const EVERY: u64 = 256;

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
    started: Instant,
}

impl Progress {
    /// No bar (tests, pipes, `convsms soak merge`).
    pub fn hidden() -> Progress {
        Progress {
            bar: None,
            started: Instant::now(),
        }
    }

    /// A bar on stderr towards `target` inbound messages when stderr is a terminal, else none.
    pub fn stderr(target: u64) -> Progress {
        if !std::io::stderr().is_terminal() {
            return Progress::hidden();
        }
        let bar = ProgressBar::with_draw_target(Some(target), ProgressDrawTarget::stderr());
        Progress::styled(bar, "")
    }

    fn styled(bar: ProgressBar, prefix: &str) -> Progress {
        // The template is a constant: it parses.
        if let Ok(style) = ProgressStyle::with_template(
            "{prefix}{spinner} [{elapsed_precise}] {bar:30} {pos}/{len} inbound  {msg}",
        ) {
            bar.set_style(style);
        }
        bar.set_prefix(prefix.to_owned());
        Progress {
            bar: Some(bar),
            started: Instant::now(),
        }
    }

    /// Redraws the bar when `f.events` is a multiple of [`EVERY`].
    pub fn update(&self, f: &Figures) {
        let Some(bar) = &self.bar else { return };
        if !f.events.is_multiple_of(EVERY) {
            return;
        }
        let rate = f.messages as f64 / self.started.elapsed().as_secs_f64().max(1e-9);
        bar.set_position(f.inbound);
        bar.set_message(format!(
            "{rate:.0} msg/s  virtual {}  {} active  {} checks",
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

    /// Shard `shard`'s bar towards `target` inbound messages, labelled with the shard.
    pub fn bar(&self, target: u64, shard: Option<Partition>) -> Progress {
        let Some(group) = &self.0 else {
            return Progress::hidden();
        };
        let bar = group.add(ProgressBar::new(target));
        let label = shard.map(|p| format!("{p} ")).unwrap_or_default();
        Progress::styled(bar, &label)
    }
}
