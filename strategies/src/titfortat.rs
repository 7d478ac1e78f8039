//! Why this file is long: it is one family of 27 small strategies, as Axelrod-Python groups them; each is
//! short, and about 90 lines are tests.
//!
//! Tit For Tat and its many relatives: strategies that answer the opponent's recent moves,
//! with variations in how long they remember, how hard they punish and how they forgive.

use serde::Deserialize;
use vertrouwen_plugins_api::abi::StrategyDescriptor;
use vertrouwen_plugins_api::{
    strategy_exports, Classifiers, History, MatchContext, Move, Rng, Strategy,
};

use crate::params;

/// `true` when the last `k` entries of `moves` exist and are all `m`.
fn ends_with_run(moves: &[Move], k: usize, m: Move) -> bool {
    moves.len() >= k && moves[moves.len() - k..].iter().all(|&x| x == m)
}

/// `true` when `m` occurs among the last `k` entries of `moves` (fewer if the history is short).
fn among_last(moves: &[Move], k: usize, m: Move) -> bool {
    moves[moves.len().saturating_sub(k)..].contains(&m)
}

/// Whether the next turn is one of the last `k` turns of a match of announced length: the
/// rule Axelrod's `FinalTransformer` applies (nothing changes when the length is unknown or the
/// match has overrun it).
pub(crate) fn in_final_turns(length: Option<u64>, played: usize, k: u64) -> bool {
    match length {
        Some(n) => {
            let played = played as u64;
            played < n && n - played <= k
        }
        None => false,
    }
}

/// Cooperates first, then repeats the opponent's previous move.
pub struct TitForTat;

impl Strategy for TitForTat {
    fn create(params: &str) -> Result<Self, String> {
        params::parse::<()>(params).map(|()| TitForTat)
    }
    fn reset(&mut self, _ctx: &MatchContext) {}
    fn decide(&mut self, history: &History<'_>, _rng: &mut Rng) -> Move {
        history.last_opponent().unwrap_or(Move::C)
    }
}

/// Defects only when the opponent defected on both of the last two turns.
pub struct TitFor2Tats;

impl Strategy for TitFor2Tats {
    fn create(params: &str) -> Result<Self, String> {
        params::parse::<()>(params).map(|()| TitFor2Tats)
    }
    fn reset(&mut self, _ctx: &MatchContext) {}
    fn decide(&mut self, history: &History<'_>, _rng: &mut Rng) -> Move {
        Move::defect_if(ends_with_run(history.opponent(), 2, Move::D))
    }
}

/// Defects when the opponent defected on either of the last two turns, so each defection is
/// answered twice.
pub struct TwoTitsForTat;

impl Strategy for TwoTitsForTat {
    fn create(params: &str) -> Result<Self, String> {
        params::parse::<()>(params).map(|()| TwoTitsForTat)
    }
    fn reset(&mut self, _ctx: &MatchContext) {}
    fn decide(&mut self, history: &History<'_>, _rng: &mut Rng) -> Move {
        Move::defect_if(among_last(history.opponent(), 2, Move::D))
    }
}

/// Like Two Tits For Tat, but after a recent opponent defection it still cooperates with
/// probability equal to the opponent's overall cooperation rate.
pub struct DynamicTwoTitsForTat;

impl Strategy for DynamicTwoTitsForTat {
    fn create(params: &str) -> Result<Self, String> {
        params::parse::<()>(params).map(|()| DynamicTwoTitsForTat)
    }
    fn reset(&mut self, _ctx: &MatchContext) {}
    fn decide(&mut self, history: &History<'_>, rng: &mut Rng) -> Move {
        if history.is_empty() || !among_last(history.opponent(), 2, Move::D) {
            return Move::C;
        }
        let p = history.opponent_cooperations() as f64 / history.len() as f64;
        Move::cooperate_if(rng.chance(p))
    }
}

/// Defects first, then plays the opposite of the opponent's previous move.
pub struct Bully;

impl Strategy for Bully {
    fn create(params: &str) -> Result<Self, String> {
        params::parse::<()>(params).map(|()| Bully)
    }
    fn reset(&mut self, _ctx: &MatchContext) {}
    fn decide(&mut self, history: &History<'_>, _rng: &mut Rng) -> Move {
        Move::cooperate_if(history.last_opponent() == Some(Move::D))
    }
}

/// Tit For Tat that probes with a defection while the opponent has never defected, and
/// apologises with a cooperation when a defection of its own was answered.
pub struct SneakyTitForTat;

impl Strategy for SneakyTitForTat {
    fn create(params: &str) -> Result<Self, String> {
        params::parse::<()>(params).map(|()| SneakyTitForTat)
    }
    fn reset(&mut self, _ctx: &MatchContext) {}
    fn decide(&mut self, history: &History<'_>, _rng: &mut Rng) -> Move {
        let n = history.len();
        if n < 2 {
            return Move::C;
        }
        if history.opponent_defections() == 0 {
            return Move::D;
        }
        let last = history.opponent()[n - 1];
        if last == Move::D && history.own()[n - 2] == Move::D {
            return Move::C;
        }
        last
    }
}

/// Tit For Tat that defects on the first turn.
pub struct SuspiciousTitForTat;

impl Strategy for SuspiciousTitForTat {
    fn create(params: &str) -> Result<Self, String> {
        params::parse::<()>(params).map(|()| SuspiciousTitForTat)
    }
    fn reset(&mut self, _ctx: &MatchContext) {}
    fn decide(&mut self, history: &History<'_>, _rng: &mut Rng) -> Move {
        Move::cooperate_if(history.last_opponent() == Some(Move::C))
    }
}

/// Cooperates first, then plays the opposite of the opponent's previous move.
pub struct AntiTitForTat;

impl Strategy for AntiTitForTat {
    fn create(params: &str) -> Result<Self, String> {
        params::parse::<()>(params).map(|()| AntiTitForTat)
    }
    fn reset(&mut self, _ctx: &MatchContext) {}
    fn decide(&mut self, history: &History<'_>, _rng: &mut Rng) -> Move {
        Move::defect_if(history.last_opponent() == Some(Move::C))
    }
}

/// Defects when the opponent defected in any of the last three turns.
pub struct HardTitForTat;

impl Strategy for HardTitForTat {
    fn create(params: &str) -> Result<Self, String> {
        params::parse::<()>(params).map(|()| HardTitForTat)
    }
    fn reset(&mut self, _ctx: &MatchContext) {}
    fn decide(&mut self, history: &History<'_>, _rng: &mut Rng) -> Move {
        Move::defect_if(among_last(history.opponent(), 3, Move::D))
    }
}

/// Defects when the opponent's last three moves contain two consecutive defections.
pub struct HardTitFor2Tats;

impl Strategy for HardTitFor2Tats {
    fn create(params: &str) -> Result<Self, String> {
        params::parse::<()>(params).map(|()| HardTitFor2Tats)
    }
    fn reset(&mut self, _ctx: &MatchContext) {}
    fn decide(&mut self, history: &History<'_>, _rng: &mut Rng) -> Move {
        let opp = history.opponent();
        let recent = &opp[opp.len().saturating_sub(3)..];
        Move::defect_if(recent.windows(2).any(|w| w == [Move::D, Move::D]))
    }
}

#[derive(Deserialize)]
#[serde(default, deny_unknown_fields)]
struct OmegaParams {
    deadlock_threshold: u32,
    randomness_threshold: u32,
}

impl Default for OmegaParams {
    fn default() -> Self {
        OmegaParams {
            deadlock_threshold: 3,
            randomness_threshold: 8,
        }
    }
}

/// Tit For Tat that breaks C/D alternation deadlocks by cooperating twice, and defects for good
/// once a "randomness" score of the opponent (move changes and disagreements, less mutual
/// cooperation streaks) reaches a threshold.
pub struct OmegaTFT {
    deadlock_threshold: i64,
    randomness_threshold: i64,
    deadlock_counter: i64,
    randomness_counter: i64,
}

impl Strategy for OmegaTFT {
    fn create(params: &str) -> Result<Self, String> {
        let p: OmegaParams = params::parse(params)?;
        Ok(OmegaTFT {
            deadlock_threshold: p.deadlock_threshold.into(),
            randomness_threshold: p.randomness_threshold.into(),
            deadlock_counter: 0,
            randomness_counter: 0,
        })
    }
    fn reset(&mut self, _ctx: &MatchContext) {
        self.deadlock_counter = 0;
        self.randomness_counter = 0;
    }
    fn decide(&mut self, history: &History<'_>, _rng: &mut Rng) -> Move {
        let n = history.len();
        if n == 0 {
            return Move::C;
        }
        let opp = history.opponent();
        if n == 1 {
            return opp[0];
        }
        if self.deadlock_counter >= self.deadlock_threshold {
            // Two cooperations in a row to break the deadlock, then start counting again.
            if self.deadlock_counter == self.deadlock_threshold {
                self.deadlock_counter = self.deadlock_threshold + 1;
            } else {
                self.deadlock_counter = 0;
            }
            return Move::C;
        }
        let (prev, last) = (opp[n - 2], opp[n - 1]);
        if prev == Move::C && last == Move::C {
            self.randomness_counter -= 1;
        }
        if prev != last {
            self.randomness_counter += 1;
        }
        if history.own()[n - 1] != last {
            self.randomness_counter += 1;
        }
        if self.randomness_counter >= self.randomness_threshold {
            return Move::D;
        }
        if prev != last {
            self.deadlock_counter += 1;
        } else {
            self.deadlock_counter = 0;
        }
        last
    }
}

/// Beaufils' Gradual: answers the k-th opponent defection (counted outside punishments) with k
/// defections followed by two cooperations, ignoring the opponent meanwhile.
pub struct OriginalGradual {
    calming: bool,
    punishing: bool,
    punishment_count: u64,
    punishment_limit: u64,
}

impl Strategy for OriginalGradual {
    fn create(params: &str) -> Result<Self, String> {
        params::parse::<()>(params)?;
        Ok(OriginalGradual {
            calming: false,
            punishing: false,
            punishment_count: 0,
            punishment_limit: 0,
        })
    }
    fn reset(&mut self, _ctx: &MatchContext) {
        self.calming = false;
        self.punishing = false;
        self.punishment_count = 0;
        self.punishment_limit = 0;
    }
    fn decide(&mut self, history: &History<'_>, _rng: &mut Rng) -> Move {
        if self.calming {
            self.calming = false;
            return Move::C;
        }
        if self.punishing {
            if self.punishment_count < self.punishment_limit {
                self.punishment_count += 1;
                return Move::D;
            }
            // The first of the two calming cooperations is played here.
            self.calming = true;
            self.punishing = false;
            self.punishment_count = 0;
            return Move::C;
        }
        if history.last_opponent() == Some(Move::D) {
            self.punishing = true;
            self.punishment_count += 1;
            self.punishment_limit += 1;
            return Move::D;
        }
        Move::C
    }
}

/// Gradual as in the CRISTAL-SMAC library: an opponent defection seen outside a punishment is
/// answered with as many defections as the opponent has made in total, then two cooperations.
pub struct Gradual {
    calm_count: u64,
    punish_count: u64,
}

impl Strategy for Gradual {
    fn create(params: &str) -> Result<Self, String> {
        params::parse::<()>(params)?;
        Ok(Gradual {
            calm_count: 0,
            punish_count: 0,
        })
    }
    fn reset(&mut self, _ctx: &MatchContext) {
        self.calm_count = 0;
        self.punish_count = 0;
    }
    fn decide(&mut self, history: &History<'_>, _rng: &mut Rng) -> Move {
        if history.is_empty() {
            return Move::C;
        }
        if self.punish_count > 0 {
            self.punish_count -= 1;
            return Move::D;
        }
        if self.calm_count > 0 {
            self.calm_count -= 1;
            return Move::C;
        }
        if history.last_opponent() == Some(Move::D) {
            // This defection is the first of the punishment.
            self.punish_count = history.opponent_defections() as u64 - 1;
            self.calm_count = 2;
            return Move::D;
        }
        Move::C
    }
}

/// Tit For Tat that, when noise turned its intended cooperation into a defection against a
/// cooperating opponent, becomes contrite and keeps cooperating until a cooperation of its own
/// goes through. Without noise it plays exactly Tit For Tat.
pub struct ContriteTitForTat {
    contrite: bool,
    /// The move this strategy chose last turn, before noise.
    last_intended: Option<Move>,
}

impl Strategy for ContriteTitForTat {
    fn create(params: &str) -> Result<Self, String> {
        params::parse::<()>(params)?;
        Ok(ContriteTitForTat {
            contrite: false,
            last_intended: None,
        })
    }
    fn reset(&mut self, _ctx: &MatchContext) {
        self.contrite = false;
        self.last_intended = None;
    }
    fn decide(&mut self, history: &History<'_>, _rng: &mut Rng) -> Move {
        let choice = self.choose(history);
        self.last_intended = Some(choice);
        choice
    }
}

impl ContriteTitForTat {
    fn choose(&mut self, history: &History<'_>) -> Move {
        let (Some(own), Some(opp)) = (history.last_own(), history.last_opponent()) else {
            return Move::C;
        };
        if self.contrite && own == Move::C {
            self.contrite = false;
            return Move::C;
        }
        if self.last_intended != Some(own) && own == Move::D && opp == Move::C {
            self.contrite = true;
        }
        opp
    }
}

#[derive(Deserialize)]
#[serde(default, deny_unknown_fields)]
struct AdaptiveParams {
    rate: f64,
}

impl Default for AdaptiveParams {
    fn default() -> Self {
        AdaptiveParams { rate: 0.5 }
    }
}

/// Keeps an exponentially smoothed image of the opponent's cooperation (starting at `rate`,
/// moving towards 1 after a C and 0 after a D by the fraction `rate`), and cooperates while that
/// image is at least 0.5.
pub struct AdaptiveTitForTat {
    rate: f64,
    world: f64,
}

impl Strategy for AdaptiveTitForTat {
    fn create(params: &str) -> Result<Self, String> {
        let p: AdaptiveParams = params::parse(params)?;
        let rate = params::probability("rate", p.rate)?;
        Ok(AdaptiveTitForTat { rate, world: rate })
    }
    fn reset(&mut self, _ctx: &MatchContext) {
        self.world = self.rate;
    }
    fn decide(&mut self, history: &History<'_>, _rng: &mut Rng) -> Move {
        let Some(last) = history.last_opponent() else {
            return Move::C;
        };
        // Same arithmetic as Axelrod so the threshold comparisons round identically.
        if last == Move::C {
            self.world += self.rate * (1.0 - self.world);
        } else {
            self.world -= self.rate * self.world;
        }
        Move::cooperate_if(self.world >= 0.5)
    }
}

/// Tit For Tat until the opponent defects twice in a row, then defects for ever.
pub struct SpitefulTitForTat {
    retaliating: bool,
}

impl Strategy for SpitefulTitForTat {
    fn create(params: &str) -> Result<Self, String> {
        params::parse::<()>(params)?;
        Ok(SpitefulTitForTat { retaliating: false })
    }
    fn reset(&mut self, _ctx: &MatchContext) {
        self.retaliating = false;
    }
    fn decide(&mut self, history: &History<'_>, _rng: &mut Rng) -> Move {
        let Some(last) = history.last_opponent() else {
            return Move::C;
        };
        if ends_with_run(history.opponent(), 2, Move::D) {
            self.retaliating = true;
        }
        if self.retaliating {
            Move::D
        } else {
            last
        }
    }
}

/// Cooperates twice, then copies the opponent when its last two moves agree and otherwise
/// repeats its own previous move.
pub struct SlowTitForTwoTats2;

impl Strategy for SlowTitForTwoTats2 {
    fn create(params: &str) -> Result<Self, String> {
        params::parse::<()>(params).map(|()| SlowTitForTwoTats2)
    }
    fn reset(&mut self, _ctx: &MatchContext) {}
    fn decide(&mut self, history: &History<'_>, _rng: &mut Rng) -> Move {
        let n = history.len();
        if n < 2 {
            return Move::C;
        }
        let opp = history.opponent();
        if opp[n - 2] == opp[n - 1] {
            opp[n - 1]
        } else {
            history.own()[n - 1]
        }
    }
}

/// Tit For Tat that defects on the last turn of a match of known length.
pub struct Alexei {
    length: Option<u64>,
}

impl Strategy for Alexei {
    fn create(params: &str) -> Result<Self, String> {
        params::parse::<()>(params)?;
        Ok(Alexei { length: None })
    }
    fn reset(&mut self, ctx: &MatchContext) {
        self.length = ctx.length;
    }
    fn decide(&mut self, history: &History<'_>, _rng: &mut Rng) -> Move {
        if in_final_turns(self.length, history.len(), 1) {
            return Move::D;
        }
        history.last_opponent().unwrap_or(Move::C)
    }
}

/// Tit For Tat that defects for ever once the opponent has defected five times, and defects on
/// the last turn of a match of known length.
pub struct EugineNier {
    length: Option<u64>,
    is_defector: bool,
}

impl Strategy for EugineNier {
    fn create(params: &str) -> Result<Self, String> {
        params::parse::<()>(params)?;
        Ok(EugineNier {
            length: None,
            is_defector: false,
        })
    }
    fn reset(&mut self, ctx: &MatchContext) {
        self.length = ctx.length;
        self.is_defector = false;
    }
    fn decide(&mut self, history: &History<'_>, _rng: &mut Rng) -> Move {
        let choice = match history.last_opponent() {
            None => Move::C,
            Some(last) => {
                if history.opponent_defections() >= 5 {
                    self.is_defector = true;
                }
                if self.is_defector {
                    Move::D
                } else {
                    last
                }
            }
        };
        if in_final_turns(self.length, history.len(), 1) {
            Move::D
        } else {
            choice
        }
    }
}

#[derive(Deserialize)]
#[serde(default, deny_unknown_fields)]
#[allow(non_snake_case)] // Axelrod's parameter names are the capitals N and M.
struct NTitsParams {
    N: u32,
    M: u32,
}

impl Default for NTitsParams {
    fn default() -> Self {
        NTitsParams { N: 3, M: 2 }
    }
}

/// After `M` consecutive opponent defections, defects on the next `N` turns (a new run of `M`
/// restarts the count). `M = 0` means it always retaliates.
pub struct NTitsForMTats {
    n: u32,
    m: u32,
    retaliate_count: u32,
}

impl Strategy for NTitsForMTats {
    fn create(params: &str) -> Result<Self, String> {
        let p: NTitsParams = params::parse(params)?;
        Ok(NTitsForMTats {
            n: p.N,
            m: p.M,
            retaliate_count: 0,
        })
    }
    fn classifiers(&self) -> Option<Classifiers> {
        Some(Classifiers::new(Some(self.n.max(self.m)), false, 0))
    }
    fn reset(&mut self, _ctx: &MatchContext) {
        self.retaliate_count = 0;
    }
    fn decide(&mut self, history: &History<'_>, _rng: &mut Rng) -> Move {
        if self.m == 0 || ends_with_run(history.opponent(), self.m as usize, Move::D) {
            self.retaliate_count = self.n;
        }
        if self.retaliate_count > 0 {
            self.retaliate_count -= 1;
            return Move::D;
        }
        Move::C
    }
}

/// Tit For Tat, except that after its own defection met a cooperation it flips a coin: heads it
/// cooperates, tails it defects for ever. Defects on the last turn of a match of known length.
pub struct Michaelos {
    length: Option<u64>,
    is_defector: bool,
}

impl Strategy for Michaelos {
    fn create(params: &str) -> Result<Self, String> {
        params::parse::<()>(params)?;
        Ok(Michaelos {
            length: None,
            is_defector: false,
        })
    }
    fn reset(&mut self, ctx: &MatchContext) {
        self.length = ctx.length;
        self.is_defector = false;
    }
    fn decide(&mut self, history: &History<'_>, rng: &mut Rng) -> Move {
        let choice = self.choose(history, rng);
        if in_final_turns(self.length, history.len(), 1) {
            Move::D
        } else {
            choice
        }
    }
}

impl Michaelos {
    fn choose(&mut self, history: &History<'_>, rng: &mut Rng) -> Move {
        let (Some(own), Some(opp)) = (history.last_own(), history.last_opponent()) else {
            return Move::C;
        };
        if self.is_defector {
            return Move::D;
        }
        if own == Move::D && opp == Move::C {
            if rng.chance(0.5) {
                return Move::C;
            }
            self.is_defector = true;
            return Move::D;
        }
        opp
    }
}

#[derive(Deserialize)]
#[serde(default, deny_unknown_fields)]
struct RandomTftParams {
    p: f64,
}

impl Default for RandomTftParams {
    fn default() -> Self {
        RandomTftParams { p: 0.5 }
    }
}

/// Cooperates first, then alternates between copying the opponent's last move and
/// cooperating with probability `p`.
pub struct RandomTitForTat {
    p: f64,
    act_random: bool,
}

impl Strategy for RandomTitForTat {
    fn create(params: &str) -> Result<Self, String> {
        let p: RandomTftParams = params::parse(params)?;
        Ok(RandomTitForTat {
            p: params::probability("p", p.p)?,
            act_random: false,
        })
    }
    fn classifiers(&self) -> Option<Classifiers> {
        // Axelrod treats p = 0 and p = 1 as deterministic.
        let stochastic = self.p != 0.0 && self.p != 1.0;
        Some(Classifiers::new(Some(1), stochastic, 0))
    }
    fn reset(&mut self, _ctx: &MatchContext) {
        self.act_random = false;
    }
    fn decide(&mut self, history: &History<'_>, rng: &mut Rng) -> Move {
        let Some(last) = history.last_opponent() else {
            return Move::C;
        };
        if self.act_random {
            self.act_random = false;
            return Move::cooperate_if(rng.chance(self.p));
        }
        self.act_random = true;
        last
    }
}

/// Tit For Tat that, after an opponent cooperation, cooperates only with probability 0.9.
pub struct BurnBothEnds;

impl Strategy for BurnBothEnds {
    fn create(params: &str) -> Result<Self, String> {
        params::parse::<()>(params).map(|()| BurnBothEnds)
    }
    fn reset(&mut self, _ctx: &MatchContext) {}
    fn decide(&mut self, history: &History<'_>, rng: &mut Rng) -> Move {
        match history.last_opponent() {
            None => Move::C,
            Some(Move::C) => Move::cooperate_if(rng.chance(0.9)),
            Some(Move::D) => Move::D,
        }
    }
}

pub const EXPORTS: &[StrategyDescriptor] = strategy_exports![
    TitForTat {
        name: "Tit For Tat",
        description: "Cooperates on the first turn, then repeats the opponent's previous move.",
        params: "()",
        memory_depth: Some(1),
        stochastic: false,
        makes_use_of: [],
    },
    TitFor2Tats {
        name: "Tit For 2 Tats",
        description: "Cooperates unless the opponent defected on both of the last two turns.",
        params: "()",
        memory_depth: Some(2),
        stochastic: false,
        makes_use_of: [],
    },
    TwoTitsForTat {
        name: "Two Tits For Tat",
        description: "Defects if the opponent defected on either of the last two turns, so every defection is answered twice.",
        params: "()",
        memory_depth: Some(2),
        stochastic: false,
        makes_use_of: [],
    },
    DynamicTwoTitsForTat {
        name: "Dynamic Two Tits For Tat",
        description: "Two Tits For Tat that, when it would punish, still cooperates with probability equal to the opponent's cooperation rate so far.",
        params: "()",
        memory_depth: None,
        stochastic: true,
        makes_use_of: [],
    },
    Bully {
        name: "Bully",
        description: "Defects on the first turn, then plays the opposite of the opponent's previous move.",
        params: "()",
        memory_depth: Some(1),
        stochastic: false,
        makes_use_of: [],
    },
    SneakyTitForTat {
        name: "Sneaky Tit For Tat",
        description: "Tit For Tat that defects while the opponent has never defected, and cooperates to make amends when its own defection was answered.",
        params: "()",
        memory_depth: None,
        stochastic: false,
        makes_use_of: [],
    },
    SuspiciousTitForTat {
        name: "Suspicious Tit For Tat",
        description: "Tit For Tat that opens with a defection.",
        params: "()",
        memory_depth: Some(1),
        stochastic: false,
        makes_use_of: [],
    },
    AntiTitForTat {
        name: "Anti Tit For Tat",
        description: "Cooperates on the first turn, then plays the opposite of the opponent's previous move.",
        params: "()",
        memory_depth: Some(1),
        stochastic: false,
        makes_use_of: [],
    },
    HardTitForTat {
        name: "Hard Tit For Tat",
        description: "Defects if the opponent defected on any of the last three turns.",
        params: "()",
        memory_depth: Some(3),
        stochastic: false,
        makes_use_of: [],
    },
    HardTitFor2Tats {
        name: "Hard Tit For 2 Tats",
        description: "Defects if the opponent's last three moves include two defections in a row.",
        params: "()",
        memory_depth: Some(3),
        stochastic: false,
        makes_use_of: [],
    },
    OmegaTFT {
        name: "Omega TFT",
        description: "Tit For Tat that breaks alternating C/D deadlocks and switches to permanent defection when the opponent looks random.",
        params: "(deadlock_threshold: 3, randomness_threshold: 8)",
        memory_depth: None,
        stochastic: false,
        makes_use_of: [],
    },
    OriginalGradual {
        name: "Original Gradual",
        description: "Beaufils' Gradual: punishes the n-th defection (noticed outside a punishment) with n defections, then cooperates twice.",
        params: "()",
        memory_depth: None,
        stochastic: false,
        makes_use_of: [],
    },
    Gradual {
        name: "Gradual",
        description: "Punishes a defection with as many defections as the opponent has made in total, then cooperates twice.",
        params: "()",
        memory_depth: None,
        stochastic: false,
        makes_use_of: [],
    },
    ContriteTitForTat {
        name: "Contrite Tit For Tat",
        description: "Tit For Tat that, when noise made it defect against a cooperator, keeps cooperating until one of its cooperations goes through.",
        params: "()",
        memory_depth: Some(3),
        stochastic: false,
        makes_use_of: [],
    },
    AdaptiveTitForTat {
        name: "Adaptive Tit For Tat",
        description: "Keeps a smoothed estimate of the opponent's cooperativeness, updated at the given rate, and cooperates while it is at least one half.",
        params: "(rate: 0.5)",
        memory_depth: None,
        stochastic: false,
        makes_use_of: [],
    },
    SpitefulTitForTat {
        name: "Spiteful Tit For Tat",
        description: "Tit For Tat until the opponent defects twice in a row, then always defects.",
        params: "()",
        memory_depth: None,
        stochastic: false,
        makes_use_of: [],
    },
    SlowTitForTwoTats2 {
        name: "Slow Tit For Two Tats 2",
        description: "Cooperates twice, then copies the opponent when its last two moves agree and otherwise repeats its own last move.",
        params: "()",
        memory_depth: Some(2),
        stochastic: false,
        makes_use_of: [],
    },
    Alexei {
        name: "Alexei",
        description: "Tit For Tat that defects on the last turn when the match length is known.",
        params: "()",
        memory_depth: None,
        stochastic: false,
        makes_use_of: [length],
    },
    EugineNier {
        name: "EugineNier",
        description: "Tit For Tat that always defects after the opponent's fifth defection, and on the last turn when the match length is known.",
        params: "()",
        memory_depth: None,
        stochastic: false,
        makes_use_of: [length],
    },
    NTitsForMTats {
        name: "N Tit(s) For M Tat(s)",
        description: "After M consecutive opponent defections, defects on the next N turns.",
        params: "(N: 3, M: 2)",
        memory_depth: Some(3),
        stochastic: false,
        makes_use_of: [],
    },
    Michaelos {
        name: "Michaelos",
        description: "Tit For Tat that, after its defection met a cooperation, either cooperates or turns into a permanent defector with equal chance; defects on a known last turn.",
        params: "()",
        memory_depth: None,
        stochastic: true,
        makes_use_of: [length],
    },
    RandomTitForTat {
        name: "Random Tit for Tat",
        description: "Cooperates first, then alternates between copying the opponent and cooperating with probability p.",
        params: "(p: 0.5)",
        memory_depth: Some(1),
        stochastic: true,
        makes_use_of: [],
    },
    BurnBothEnds {
        name: "Burn Both Ends",
        description: "Tit For Tat that answers a cooperation with cooperation only nine times in ten.",
        params: "()",
        memory_depth: Some(1),
        stochastic: true,
        makes_use_of: [],
    },
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testkit::{against_sequence, play, seq};

    #[test]
    fn simple_reactive_rules() {
        let opp = "CDDCCDCCC";
        assert_eq!(seq::<TitForTat>(opp), "CCDDCCDCC");
        assert_eq!(seq::<TitFor2Tats>(opp), "CCCDCCCCC");
        assert_eq!(seq::<TwoTitsForTat>(opp), "CCDDDCDDC");
        assert_eq!(seq::<Bully>(opp), "DDCCDDCDD");
        assert_eq!(seq::<SuspiciousTitForTat>(opp), "DCDDCCDCC");
        assert_eq!(seq::<AntiTitForTat>(opp), "CDCCDDCDD");
        assert_eq!(seq::<HardTitForTat>(opp), "CCDDDDDDD");
        assert_eq!(seq::<HardTitFor2Tats>(opp), "CCCDDCCCC");
        assert_eq!(seq::<SlowTitForTwoTats2>(opp), "CCCDDCCCC");
    }

    #[test]
    fn sneaky_probes_then_repents() {
        assert_eq!(seq::<SneakyTitForTat>("CCCDDC"), "CCDDCC");
    }

    #[test]
    fn gradual_variants() {
        // Gradual: the second defection (turn 6) is punished twice because the opponent has
        // defected twice in total.
        assert_eq!(seq::<Gradual>("CDCCCCDCCCCCC"), "CCDCCCCDDCCCC");
        assert_eq!(seq::<OriginalGradual>("CDCCCCDCCCCCC"), "CCDCCCCDDCCCC");
        // They differ once the punishments grow: Gradual counts every opponent defection.
        assert_eq!(seq::<Gradual>("DCDCCCCDCCC"), "CDCCCCCCDDD");
        assert_eq!(seq::<OriginalGradual>("DCDCCCCDCCC"), "CDCCCCCCDDC");
    }

    #[test]
    fn final_turn_defection() {
        let mut a = Alexei::create("()").unwrap();
        assert_eq!(against_sequence(&mut a, "CCCC", Some(4)), "CCCD");
        assert_eq!(against_sequence(&mut a, "CCCC", None), "CCCC");
        let mut e = EugineNier::create("()").unwrap();
        assert_eq!(against_sequence(&mut e, "DDDDDCC", None), "CDDDDDD");
    }

    #[test]
    fn n_tits_for_m_tats() {
        let mut s = NTitsForMTats::create("()").unwrap();
        assert_eq!(against_sequence(&mut s, "DDCCCCC", None), "CCDDDCC");
        let mut t = NTitsForMTats::create("(N: 1, M: 1)").unwrap();
        assert_eq!(against_sequence(&mut t, "CDDC", None), "CCDD");
        assert_eq!(s.classifiers().unwrap().memory(), Some(3));
        assert!(NTitsForMTats::create("(n: 1)").is_err());
    }

    #[test]
    fn omega_tft_breaks_deadlock() {
        // Against Suspicious Tit For Tat the C/D echo is broken by two cooperations.
        let mut o = OmegaTFT::create("()").unwrap();
        let (om, sm) = play(&mut o, &mut SuspiciousTitForTat, 12);
        assert_eq!((om.as_str(), sm.as_str()), ("CDCDCCCCCCCC", "DCDCDCCCCCCC"));
        // An alternating opponent looks random and is then defected against for good.
        let mut o = OmegaTFT::create("()").unwrap();
        assert_eq!(
            against_sequence(&mut o, "DCDCDCDCDCDCDCDC", None),
            "CDCDCCCDDDDDDDDD"
        );
        assert!(OmegaTFT::create("(deadlock_threshold: -1)").is_err());
    }

    #[test]
    fn adaptive_and_spiteful() {
        assert_eq!(seq::<AdaptiveTitForTat>("CDCDDC"), "CCDCDD");
        assert!(AdaptiveTitForTat::create("(rate: 1.5)").is_err());
        assert_eq!(seq::<SpitefulTitForTat>("CDCDDCC"), "CCDCDDD");
    }

    #[test]
    fn random_tft_classifiers_and_params() {
        assert!(RandomTitForTat::create("(p: -0.1)").is_err());
        let s = RandomTitForTat::create("(p: 1.0)").unwrap();
        assert!(!s.classifiers().unwrap().is_stochastic());
        assert_eq!(seq::<ContriteTitForTat>("CDDC"), "CCDD");
    }

    #[test]
    fn stochastic_rules_respect_certainties() {
        // Against a pure defector the dynamic variant has no cooperations to copy.
        assert_eq!(seq::<DynamicTwoTitsForTat>("DDDD"), "CDDD");
        assert_eq!(seq::<BurnBothEnds>("DDDD"), "CDDD");
        let mut m = Michaelos::create("()").unwrap();
        assert_eq!(against_sequence(&mut m, "DDDD", Some(4)), "CDDD");
    }
}
