//! `--interactions FILE`: one CSV row per match played, streamed as the run goes (like
//! Axelrod-Python's interactions file), never held in memory as a whole.
//!
//! Rows come in schedule order whatever the thread count (so the file is byte-identical for
//! any number of threads): repetition 0 plays every pair in pair order, later repetitions the
//! pairs that are not cached. A deterministic pair of a noise-free, fixed-length tournament is
//! played once and stands for every repetition: its row says `all` in the `repetition`
//! column. Threads finish matches out of order; a finished row waits in memory only until the
//! rows before it are written (a window of a few scheduling chunks).
//!
//! The file is written as `FILE.partial` and renamed to `FILE` by [`Interactions::finish`], so
//! a `FILE` that exists is complete; a run that fails leaves the `.partial` file, which says
//! in its name that it is not.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::BufWriter;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

use vertrouwen_engine::tournament::observe::{PlayedMatch, RunObserver};
use vertrouwen_engine::tournament::tally::Repetitions;
use vertrouwen_engine::Game;

use crate::number::shortest;
use crate::{OutputError, WriteError};

const HEADER: [&str; 13] = [
    "job",
    "index",
    "repetition",
    "player1",
    "player2",
    "seed",
    "turns",
    "score1",
    "score2",
    "cooperations1",
    "cooperations2",
    "moves1",
    "moves2",
];

struct State {
    writer: csv::Writer<BufWriter<File>>,
    /// The job number of the next row to write.
    next: usize,
    /// Finished rows waiting for the rows before them.
    waiting: BTreeMap<usize, Vec<String>>,
    /// The first write error; nothing more is written after it.
    error: Option<WriteError>,
}

/// The interactions file of one run: a [`RunObserver`] that wants every match.
pub struct Interactions {
    target: PathBuf,
    partial: PathBuf,
    labels: Vec<String>,
    game: Game,
    state: Mutex<State>,
}

fn lock(m: &Mutex<State>) -> MutexGuard<'_, State> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl Interactions {
    /// Starts `target` (as `target.partial`) for a tournament of players `labels` playing
    /// `game`.
    pub fn create(target: &Path, labels: Vec<String>, game: Game) -> Result<Self, OutputError> {
        let mut name = target.as_os_str().to_owned();
        name.push(".partial");
        let partial = PathBuf::from(name);
        let file = File::create(&partial).map_err(|e| OutputError::File {
            path: partial.clone(),
            source: e.into(),
        })?;
        let mut writer = csv::WriterBuilder::new()
            .terminator(csv::Terminator::Any(b'\n'))
            .from_writer(BufWriter::new(file));
        writer.write_record(HEADER).map_err(|e| OutputError::File {
            path: partial.clone(),
            source: e.into(),
        })?;
        Ok(Interactions {
            target: target.to_path_buf(),
            partial,
            labels,
            game,
            state: Mutex::new(State {
                writer,
                next: 0,
                waiting: BTreeMap::new(),
                error: None,
            }),
        })
    }

    fn row(&self, m: &PlayedMatch<'_>) -> Result<Vec<String>, WriteError> {
        let (s1, s2) = m.stats.scores(&self.game);
        let text = |moves: &[vertrouwen_engine::Move]| -> String {
            moves.iter().map(|x| x.as_char()).collect()
        };
        let cooperations = |moves: &[vertrouwen_engine::Move]| {
            moves
                .iter()
                .filter(|&&x| x == vertrouwen_engine::Move::C)
                .count()
                .to_string()
        };
        Ok(vec![
            m.job.to_string(),
            m.index.to_string(),
            match m.repetitions {
                Repetitions::One(r) => r.to_string(),
                Repetitions::All => "all".into(),
            },
            self.labels[m.i].clone(),
            self.labels[m.j].clone(),
            m.seed.to_string(),
            m.stats.turns.to_string(),
            shortest(s1)?,
            shortest(s2)?,
            cooperations(m.moves[0]),
            cooperations(m.moves[1]),
            text(m.moves[0]),
            text(m.moves[1]),
        ])
    }

    /// Writes what is still waiting, flushes, syncs and renames the file into place.
    pub fn finish(self) -> Result<PathBuf, OutputError> {
        let partial = self.partial.clone();
        let fail = |e: WriteError| OutputError::File {
            path: partial.clone(),
            source: e,
        };
        let state = self.state.into_inner().unwrap_or_else(|p| p.into_inner());
        if let Some(e) = state.error {
            return Err(fail(e));
        }
        if let Some((&job, _)) = state.waiting.iter().next() {
            return Err(fail(WriteError::Io(std::io::Error::other(format!(
                "the row of match job {job} came before job {} was played",
                state.next
            )))));
        }
        let file = state
            .writer
            .into_inner()
            .map_err(|e| fail(WriteError::Io(std::io::Error::other(e.to_string()))))?
            .into_inner()
            .map_err(|e| fail(WriteError::Io(e.into_error())))?;
        file.sync_all().map_err(|e| fail(e.into()))?;
        std::fs::rename(&self.partial, &self.target).map_err(|e| fail(e.into()))?;
        Ok(self.target)
    }
}

impl RunObserver for Interactions {
    fn wants_matches(&self) -> bool {
        true
    }

    fn played(&self, m: &PlayedMatch<'_>) {
        let row = self.row(m);
        let mut state = lock(&self.state);
        if state.error.is_some() {
            return;
        }
        let row = match row {
            Ok(r) => r,
            Err(e) => {
                state.error = Some(e);
                return;
            }
        };
        state.waiting.insert(m.job, row);
        let State {
            writer,
            next,
            waiting,
            error,
        } = &mut *state;
        while let Some(row) = waiting.remove(next) {
            if let Err(e) = writer.write_record(&row) {
                *error = Some(e.into());
                return;
            }
            *next += 1;
        }
        if *next > 0 && *next % 4096 == 0 {
            if let Err(e) = writer.flush() {
                *error = Some(e.into());
            }
        }
    }
}
