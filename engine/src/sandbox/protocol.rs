//! The messages between the engine and a worker process, and their framing.
//!
//! Frames are a little-endian `u32` length followed by a `postcard` encoding of one message.
//! The engine treats everything a worker sends as hostile: a frame longer than the receiver's
//! limit is refused before anything is allocated for it, and a frame that does not decode is a
//! protocol error of that worker's plugin.
//!
//! Move records cross as bit sets ([`pack_moves`]), eight turns a byte.

use std::io::{Read, Write};

use serde::{Deserialize, Serialize};

use crate::fault::Fault;
use crate::game::Game;
use crate::matchup::{MatchLength, MatchSpec};
use vertrouwen_plugins_api::{Classifiers, Move};

/// A player the worker may have to create: a strategy name and parameters.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PlayerDef {
    pub name: String,
    pub params: Option<String>,
    /// A built-in strategy (linked into the worker), or one of the worker's plugin.
    pub builtin: bool,
}

/// A match's settings, as they cross the boundary.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct WireSpec {
    /// Fixed turns, or 0 for a random length.
    pub fixed_turns: u64,
    pub prob_end: f64,
    /// Cap of a random length (0: none).
    pub cap: u64,
    pub noise: f64,
    pub game: [f64; 4],
}

impl WireSpec {
    pub fn from_spec(spec: &MatchSpec) -> Self {
        let (fixed_turns, prob_end, cap) = match spec.length {
            MatchLength::Fixed(t) => (t, 0.0, 0),
            MatchLength::Geometric { prob_end, cap } => (0, prob_end, cap.unwrap_or(0)),
        };
        let g = spec.game;
        WireSpec {
            fixed_turns,
            prob_end,
            cap,
            noise: spec.noise,
            game: [g.r, g.s, g.t, g.p],
        }
    }

    /// The spec, validated (a worker must not trust what it is sent either).
    pub fn to_spec(self) -> Result<MatchSpec, crate::matchup::MatchSpecError> {
        let [r, s, t, p] = self.game;
        let spec = MatchSpec {
            length: if self.fixed_turns > 0 {
                MatchLength::Fixed(self.fixed_turns)
            } else {
                MatchLength::Geometric {
                    prob_end: self.prob_end,
                    cap: (self.cap > 0).then_some(self.cap),
                }
            },
            noise: self.noise,
            game: Game { r, s, t, p },
            // Trust is measured by the engine on the record, never by the worker.
            trust_run: crate::trust::DEFAULT_TRUST_RUN,
        };
        spec.validate()?;
        Ok(spec)
    }
}

/// One match a worker plays entirely by itself: both players are available in it.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct MatchJob {
    /// The engine's match index (also names the match in reports).
    pub job: u64,
    pub p1: u32,
    pub p2: u32,
    pub spec: WireSpec,
    pub seed: u64,
}

/// One lane of a relayed match: this worker plays `player` on one side; the engine relays the
/// moves turn by turn through shared memory.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct RelayLane {
    pub job: u64,
    pub player: u32,
    /// 0: player 1 of the match, 1: player 2 (decides the random streams it gets).
    pub side: u8,
    pub spec: WireSpec,
    pub seed: u64,
}

/// Engine to worker.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Request {
    /// The session's players, by the engine's player index; `None` for players this worker does
    /// not hold. Answered by [`Response::Players`].
    Players(Vec<Option<PlayerDef>>),
    /// Play these matches; answered by one [`Response::Match`] per job, then
    /// [`Response::BatchDone`].
    Play(Vec<MatchJob>),
    /// Play these lanes turn by turn through the relay page; answered by
    /// [`Response::RelayDone`] when the engine ends the relay.
    Relay(Vec<RelayLane>),
    /// Exit cleanly.
    Exit,
}

/// Classifiers, as they cross the boundary.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct WireClassifiers {
    pub memory_depth: i64,
    pub stochastic: bool,
    pub makes_use_of: u32,
}

impl From<Classifiers> for WireClassifiers {
    fn from(c: Classifiers) -> Self {
        WireClassifiers {
            memory_depth: c.memory_depth,
            stochastic: c.is_stochastic(),
            makes_use_of: c.makes_use_of,
        }
    }
}

impl From<WireClassifiers> for Classifiers {
    fn from(c: WireClassifiers) -> Self {
        Classifiers {
            memory_depth: c.memory_depth,
            stochastic: u8::from(c.stochastic),
            makes_use_of: c.makes_use_of,
        }
    }
}

/// A strategy a worker's plugin exports.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct WireStrategy {
    pub name: String,
    pub description: String,
    pub default_params: String,
    pub memory_depth: i64,
    pub stochastic: bool,
    pub makes_use_of: u32,
}

impl WireStrategy {
    pub fn classifiers(&self) -> Classifiers {
        Classifiers {
            memory_depth: self.memory_depth,
            stochastic: u8::from(self.stochastic),
            makes_use_of: self.makes_use_of,
        }
    }
}

/// How one match a worker played ended.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum MatchOutcome {
    /// The record: `turns` turns, both players' played moves packed (player 1 then player 2).
    Played { turns: u32, moves: Vec<u8> },
    /// A player failed: which side (0 or 1), the 1-based turn (`None`: creating or resetting
    /// it) and why.
    Fault {
        side: u8,
        turn: Option<u64>,
        fault: Fault,
    },
    /// Not played, because one of its players failed earlier.
    Skipped,
}

/// Worker to engine.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Response {
    /// The plugin loaded and the sandbox is in place.
    Ready {
        plugin: String,
        version: String,
        strategies: Vec<WireStrategy>,
    },
    /// The plugin could not be loaded.
    LoadFailed {
        message: String,
    },
    /// Per requested player (same order): its instance's classifiers, or why it could not be
    /// created; `None` where the request had `None`.
    Players(Vec<Option<Result<WireClassifiers, String>>>),
    Match {
        job: u64,
        outcome: MatchOutcome,
    },
    BatchDone,
    /// A lane's player failed while relaying.
    RelayFault {
        job: u64,
        turn: Option<u64>,
        fault: Fault,
    },
    RelayDone,
}

/// A frame could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum FrameError {
    #[error("the other side closed the channel")]
    Closed,
    #[error("a frame of {len} bytes exceeds the limit of {limit} bytes")]
    TooLong { len: usize, limit: usize },
    #[error("a frame does not decode: {0}")]
    Decode(String),
    #[error("{0}")]
    Io(#[from] std::io::Error),
}

/// Writes one message as a frame.
pub fn write_frame<T: Serialize>(out: &mut impl Write, message: &T) -> Result<(), FrameError> {
    let body = postcard::to_stdvec(message).map_err(|e| FrameError::Decode(e.to_string()))?;
    let len = u32::try_from(body.len()).map_err(|_| FrameError::TooLong {
        len: body.len(),
        limit: u32::MAX as usize,
    })?;
    out.write_all(&len.to_le_bytes())?;
    out.write_all(&body)?;
    out.flush()?;
    Ok(())
}

/// Reads one frame's bytes, refusing frames longer than `limit` before allocating them.
pub fn read_frame_bytes(input: &mut impl Read, limit: usize) -> Result<Vec<u8>, FrameError> {
    let mut len = [0u8; 4];
    match input.read_exact(&mut len) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => return Err(FrameError::Closed),
        Err(e) => return Err(e.into()),
    }
    let len = u32::from_le_bytes(len) as usize;
    if len > limit {
        return Err(FrameError::TooLong { len, limit });
    }
    let mut body = vec![0u8; len];
    input.read_exact(&mut body).map_err(|e| {
        if e.kind() == std::io::ErrorKind::UnexpectedEof {
            FrameError::Closed
        } else {
            FrameError::Io(e)
        }
    })?;
    Ok(body)
}

/// Decodes a frame's bytes.
pub fn decode<T: for<'de> Deserialize<'de>>(body: &[u8]) -> Result<T, FrameError> {
    postcard::from_bytes(body).map_err(|e| FrameError::Decode(e.to_string()))
}

/// Packs two equally long move sequences into bits: `a` then `b`, each padded to whole bytes.
/// Eight moves at a time: a million-turn record packs in well under a millisecond.
pub fn pack_moves(a: &[Move], b: &[Move]) -> Vec<u8> {
    let per = a.len().div_ceil(8);
    let mut out = Vec::with_capacity(2 * per);
    for (k, seq) in [a, b].into_iter().enumerate() {
        out.extend(seq.chunks(8).take(per).map(|eight| {
            eight
                .iter()
                .enumerate()
                .fold(0u8, |byte, (i, &m)| byte | (m as u8) << i)
        }));
        out.resize((k + 1) * per, 0);
    }
    out
}

/// Unpacks what [`pack_moves`] packed for `turns` turns; `None` if the length is wrong.
pub fn unpack_moves(
    packed: &[u8],
    turns: usize,
    a: &mut Vec<Move>,
    b: &mut Vec<Move>,
) -> Option<()> {
    let per = turns.div_ceil(8);
    if packed.len() != 2 * per {
        return None;
    }
    let (bits_a, bits_b) = packed.split_at(per);
    for (bits, seq) in [(bits_a, a), (bits_b, b)] {
        seq.clear();
        seq.reserve(turns);
        for &byte in bits {
            seq.extend((0..8).map(|i| Move::defect_if(byte >> i & 1 == 1)));
        }
        seq.truncate(turns);
    }
    Some(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_round_trip_and_long_frames_are_refused() {
        let mut buf = Vec::new();
        let msg = Request::Play(vec![MatchJob {
            job: 7,
            p1: 0,
            p2: 3,
            spec: WireSpec::from_spec(&MatchSpec::fixed(200)),
            seed: 9,
        }]);
        write_frame(&mut buf, &msg).unwrap();
        let body = read_frame_bytes(&mut buf.as_slice(), 1 << 20).unwrap();
        assert_eq!(decode::<Request>(&body).unwrap(), msg);
        let e = read_frame_bytes(&mut buf.as_slice(), 4).unwrap_err();
        assert!(matches!(e, FrameError::TooLong { limit: 4, .. }), "{e}");
        let huge = u32::MAX.to_le_bytes();
        let e = read_frame_bytes(&mut huge.as_slice(), 1 << 20).unwrap_err();
        assert!(matches!(e, FrameError::TooLong { .. }), "{e}");
        assert!(matches!(
            read_frame_bytes(&mut [1u8, 0].as_slice(), 10),
            Err(FrameError::Closed)
        ));
        assert!(decode::<Request>(&[0xFF, 0xFF, 0xFF]).is_err());
    }

    #[test]
    fn moves_pack_into_bits() {
        use Move::*;
        let a = [C, D, D, C, C, C, C, C, D];
        let b = [D, D, C, C, C, C, C, C, C];
        let packed = pack_moves(&a, &b);
        assert_eq!(packed.len(), 4);
        let (mut x, mut y) = (Vec::new(), Vec::new());
        unpack_moves(&packed, 9, &mut x, &mut y).unwrap();
        assert_eq!((x.as_slice(), y.as_slice()), (&a[..], &b[..]));
        assert!(unpack_moves(&packed, 17, &mut x, &mut y).is_none());
        // Whole bytes, and no turns at all.
        let long: Vec<Move> = (0..64).map(|t| Move::defect_if(t % 3 == 0)).collect();
        let rev: Vec<Move> = long.iter().rev().copied().collect();
        unpack_moves(&pack_moves(&long, &rev), 64, &mut x, &mut y).unwrap();
        assert_eq!((x.as_slice(), y.as_slice()), (&long[..], &rev[..]));
        assert!(pack_moves(&[], &[]).is_empty());
        unpack_moves(&[], 0, &mut x, &mut y).unwrap();
        assert!(x.is_empty() && y.is_empty());
    }

    #[test]
    fn specs_cross_and_are_validated() {
        let spec = MatchSpec::new(Some(50), Some(0.1), 0.05, Game::STANDARD).unwrap();
        assert_eq!(WireSpec::from_spec(&spec).to_spec().unwrap(), spec);
        let mut bad = WireSpec::from_spec(&spec);
        bad.noise = 7.0;
        assert!(bad.to_spec().is_err());
    }
}
