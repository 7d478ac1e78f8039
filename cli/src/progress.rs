//! Progress of long runs on standard error: a bar with the rate and the time left, drawn only
//! when standard error is a terminal (indicatif hides it otherwise) and not with `--quiet`.
//! It also forwards every match to the interactions file when one is asked for.

use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressState, ProgressStyle};
use vertrouwen_engine::tournament::observe::{PlayedMatch, RunObserver};
use vertrouwen_output::interactions::Interactions;

/// What the command line watches a tournament with.
pub struct Watch<'a> {
    bar: ProgressBar,
    interactions: Option<&'a Interactions>,
}

impl<'a> Watch<'a> {
    pub fn new(quiet: bool, interactions: Option<&'a Interactions>) -> Self {
        let target = if quiet {
            ProgressDrawTarget::hidden()
        } else {
            ProgressDrawTarget::stderr_with_hz(4)
        };
        let bar = ProgressBar::with_draw_target(None, target);
        bar.set_style(
            ProgressStyle::with_template(
                "{bar:30} {human_pos}/{human_len} matches  {rate}  {elapsed} elapsed, about {eta} left",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .with_key(
                "rate",
                |state: &ProgressState, w: &mut dyn std::fmt::Write| {
                    // A full terminal is no reason to fail a run: drop the frame.
                    let _ = write!(w, "{:.0} matches/s", state.per_sec());
                },
            ),
        );
        Watch { bar, interactions }
    }

    /// Removes the bar from the terminal.
    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

impl RunObserver for Watch<'_> {
    fn started(&self, jobs: usize) {
        self.bar.set_length(jobs as u64);
        // Short runs never draw: the first frame waits a moment.
        self.bar.enable_steady_tick(Duration::from_millis(250));
    }

    fn wants_matches(&self) -> bool {
        self.interactions.is_some()
    }

    fn played(&self, m: &PlayedMatch<'_>) {
        if let Some(i) = self.interactions {
            i.played(m);
        }
    }

    fn progress(&self, done: usize) {
        // `set_position` is an atomic store; drawing happens on indicatif's own tick.
        self.bar.set_position(done as u64);
    }
}
