//! One thread's means of playing matches between the players of a spec.
//!
//! A worker lives as long as its thread's share of a run: each player's instances are created
//! the first time the thread needs them and then reset before every match, never created
//! again. Instance creation can be costly (trained tables, meta teams), and a run plays each
//! player in many matches, so creating per match (or per scheduling split) wastes most of the
//! time on small matches. Results cannot depend on reuse: `reset` must forget the previous
//! match completely (checked for every built-in by `tests/tests/reset_completeness.rs`).

use crate::loader::Instance;
use crate::matchup::{MatchError, MatchScratch, MatchSpec, MatchStats, PlayerLabel};

use super::PlayerSpec;

/// Reusable buffers and lazily created instances, two per player (self-play needs two distinct
/// objects). Used by tournaments and by the real-match payoffs of the dynamics.
pub(crate) struct MatchWorker {
    scratch: MatchScratch,
    instances: Vec<[Option<Instance>; 2]>,
    /// Each player's source as text, for error labels (made once, not per match).
    sources: Vec<String>,
}

impl MatchWorker {
    pub(crate) fn new(players: &[PlayerSpec]) -> Self {
        MatchWorker {
            scratch: MatchScratch::new(),
            instances: (0..players.len()).map(|_| [None, None]).collect(),
            sources: players.iter().map(|p| p.entry.source.to_string()).collect(),
        }
    }

    /// The moves of the last match played.
    pub(crate) fn moves(&self) -> (&[crate::Move], &[crate::Move]) {
        self.scratch.moves()
    }

    /// Plays player `i` (first) against player `j` with the given seed.
    pub(crate) fn play(
        &mut self,
        players: &[PlayerSpec],
        i: usize,
        j: usize,
        spec: &MatchSpec,
        seed: u64,
    ) -> Result<MatchStats, MatchError> {
        for (p, slot) in [(i, 0), (j, 1)] {
            if self.instances[p][slot].is_none() {
                let ps = &players[p];
                self.instances[p][slot] = Some(ps.entry.instantiate(ps.params.as_deref())?);
            }
        }
        // Take both instances out so they can be borrowed mutably at once.
        let (Some(mut a), Some(mut b)) = (self.instances[i][0].take(), self.instances[j][1].take())
        else {
            unreachable!("both instances were created above");
        };
        let labels = [
            PlayerLabel {
                name: &players[i].label,
                source: &self.sources[i],
            },
            PlayerLabel {
                name: &players[j].label,
                source: &self.sources[j],
            },
        ];
        let result = self.scratch.play([&mut a, &mut b], labels, spec, seed);
        self.instances[i][0] = Some(a);
        self.instances[j][1] = Some(b);
        result
    }
}
