//! Why this file is long: it holds the 24 entrants of one tournament, ported from long Fortran
//! originals, as Axelrod-Python groups them.
//!
//! The entrants of Axelrod's second tournament (1980), as Axelrod-Python 4.14.0 ports them
//! (mostly from the original Fortran), quirks included.

use vertrouwen_plugins_api::abi::StrategyDescriptor;
use vertrouwen_plugins_api::{
    strategy_exports, History, MatchContext, Move, Payoffs, Rng, Strategy,
};

use crate::axelrod_first::round_scores;
use crate::params;

use Move::{C, D};

/// Like Axelrod's `random_choice`: certain outcomes draw nothing.
fn random_choice(rng: &mut Rng, p: f64) -> Move {
    if p <= 0.0 {
        D
    } else if p >= 1.0 {
        C
    } else {
        Move::cooperate_if(rng.chance(p))
    }
}

/// Implements `create` for a strategy without parameters whose initial state is `Default`.
macro_rules! no_params {
    () => {
        fn create(params: &str) -> Result<Self, String> {
            params::parse::<()>(params)?;
            Ok(Self::default())
        }
    };
}

/// Defects first; after the opponent's first defection apologises with C and plays tit for
/// tat; until then cooperates on turns 2 and 3 and alternates.
#[derive(Default)]
pub struct SecondByTester {
    is_tft: bool,
}

impl Strategy for SecondByTester {
    no_params!();
    fn reset(&mut self, _ctx: &MatchContext) {
        *self = Self::default();
    }
    fn decide(&mut self, history: &History<'_>, _rng: &mut Rng) -> Move {
        let Some(opp) = history.last_opponent() else {
            return D;
        };
        if self.is_tft {
            return opp;
        }
        if opp == D {
            self.is_tft = true;
            return C;
        }
        if history.len() <= 2 {
            return C;
        }
        history.own()[history.len() - 1].flip()
    }
}

/// Defects first; then, until the opponent defects, keeps its own cooperation rate at or
/// below one half; after the opponent's first defection apologises with C and plays tit for
/// tat.
pub struct SecondByGladstein {
    patsy: bool,
}

impl Default for SecondByGladstein {
    fn default() -> Self {
        SecondByGladstein { patsy: true }
    }
}

impl Strategy for SecondByGladstein {
    no_params!();
    fn reset(&mut self, _ctx: &MatchContext) {
        *self = Self::default();
    }
    fn decide(&mut self, history: &History<'_>, _rng: &mut Rng) -> Move {
        let Some(opp) = history.last_opponent() else {
            return D;
        };
        if !self.patsy {
            return opp;
        }
        if opp == D {
            self.patsy = false;
            return C;
        }
        let ratio = history.own_cooperations() as f64 / history.len() as f64;
        Move::defect_if(ratio > 0.5)
    }
}

/// Cooperates twice, tit for tat up to turn 7; then cooperates if the opponent defected at
/// most twice (after its own C) or once (after its own D) in the seven turns before the last.
#[derive(Default)]
pub struct SecondByGrofman;

impl Strategy for SecondByGrofman {
    no_params!();
    fn reset(&mut self, _ctx: &MatchContext) {}
    fn decide(&mut self, history: &History<'_>, _rng: &mut Rng) -> Move {
        let n = history.len();
        if n < 2 {
            return C;
        }
        let opp = history.opponent();
        if n <= 6 {
            return opp[n - 1];
        }
        // Like the Fortran original this ignores the very last turn.
        let defections = opp[n.saturating_sub(8)..n - 1]
            .iter()
            .filter(|&&m| m == D)
            .count();
        let limit = match history.own()[n - 1] {
            C => 2,
            D => 1,
        };
        Move::cooperate_if(defections <= limit)
    }
}

/// Tit for tat that every 25 turns switches to permanent defection against opponents that
/// cooperate rarely or look random, breaks mutual-defection runs of three with a cooperation,
/// and answers a run of three "echo" turns by turning its next defection into a cooperation.
#[derive(Default)]
pub struct SecondByBorufsen {
    cd_counts: u32,
    cc_counts: u32,
    mutual_defect_streak: u32,
    echo_streak: u32,
    flip_next_defect: bool,
    defect_mode: bool,
}

impl SecondByBorufsen {
    fn try_return(&mut self, m: Move) -> Move {
        if m == D && self.flip_next_defect {
            self.flip_next_defect = false;
            return C;
        }
        m
    }
}

impl Strategy for SecondByBorufsen {
    no_params!();
    fn reset(&mut self, _ctx: &MatchContext) {
        *self = Self::default();
    }
    fn decide(&mut self, history: &History<'_>, _rng: &mut Rng) -> Move {
        let turn = history.len() + 1;
        if turn == 1 {
            return C;
        }
        let own = history.own();
        let opp = history.opponent();
        let (own_last, opp_last) = (own[turn - 2], opp[turn - 2]);
        if turn >= 3 && opp_last == C {
            if own[turn - 3] == C {
                self.cc_counts += 1;
            } else {
                self.cd_counts += 1;
            }
        }
        if turn > 2 && turn % 25 == 2 {
            let coming_from_defect = self.defect_mode;
            let coops = self.cd_counts + self.cc_counts;
            self.defect_mode = coops < 3
                || ((8..=17).contains(&coops) && (self.cc_counts as f64 / coops as f64) < 0.7);
            self.cd_counts = 0;
            self.cc_counts = 0;
            if self.defect_mode {
                self.mutual_defect_streak = 0;
                self.echo_streak = 0;
                self.flip_next_defect = false;
            } else if coming_from_defect {
                return D;
            }
        }
        if self.defect_mode {
            return D;
        }
        if own_last == D && opp_last == D {
            self.mutual_defect_streak += 1;
        } else {
            self.mutual_defect_streak = 0;
        }
        if self.mutual_defect_streak >= 3 {
            self.mutual_defect_streak = 0;
            self.echo_streak = 0;
            return C;
        }
        // Two turns back counts as C on turn 2, as in the Fortran.
        let (my_two_back, opp_two_back) = if turn >= 3 {
            (own[turn - 3], opp[turn - 3])
        } else {
            (C, C)
        };
        if own_last != opp_last && own_last == opp_two_back && opp_last == my_two_back {
            self.echo_streak += 1;
        } else {
            self.echo_streak = 0;
        }
        if self.echo_streak >= 3 {
            self.mutual_defect_streak = 0;
            self.echo_streak = 0;
            self.flip_next_defect = true;
        }
        self.try_return(opp_last)
    }
}

/// Colbert's finite state machine: cooperates on turns 1-5 and 7-8 and defects on turn 6;
/// afterwards cooperates until the opponent defects, then answers D, D, C, C.
#[derive(Default)]
pub struct SecondByColbert {
    state: u8,
}

impl Strategy for SecondByColbert {
    no_params!();
    fn reset(&mut self, _ctx: &MatchContext) {
        self.state = 0;
    }
    fn decide(&mut self, history: &History<'_>, _rng: &mut Rng) -> Move {
        let Some(opp) = history.last_opponent() else {
            return C;
        };
        let (next, m) = match (self.state, opp) {
            (s @ 0..=3, _) => (s + 1, C),
            (4, _) => (5, D),
            (5, _) => (6, C),
            (6, _) => (7, C),
            (7, C) => (7, C),
            (7, D) => (8, D),
            (8, _) => (9, D),
            (9, _) => (10, C),
            (_, _) => (7, C),
        };
        self.state = next;
        m
    }
}

/// Keeps a credit score (+1 per opponent cooperation up to 8, -2 per defection down to -7)
/// and cooperates while it is positive; otherwise defects (resetting the credit to 4 in the
/// first ten turns) unless the opponent's defection rate is below 15%.
pub struct SecondByMikkelson {
    credit: i32,
}

impl Default for SecondByMikkelson {
    fn default() -> Self {
        SecondByMikkelson { credit: 7 }
    }
}

impl Strategy for SecondByMikkelson {
    no_params!();
    fn reset(&mut self, _ctx: &MatchContext) {
        *self = Self::default();
    }
    fn decide(&mut self, history: &History<'_>, _rng: &mut Rng) -> Move {
        let turn = history.len() + 1;
        let Some(opp) = history.last_opponent() else {
            return C;
        };
        if opp == C {
            self.credit = (self.credit + 1).min(8);
        } else {
            self.credit = (self.credit - 2).max(-7);
        }
        if turn == 2 || self.credit > 0 {
            return C;
        }
        if turn <= 10 {
            self.credit = 4;
            return D;
        }
        Move::defect_if(history.opponent_defections() as f64 / turn as f64 >= 0.15)
    }
}

/// Tracks how often the opponent's move agrees with its own move two turns before; with high
/// agreement cooperates, with moderate agreement plays tit for tat, else defects. After a
/// long enough run of opponent cooperation it probes with one defection and adapts the run
/// length it needs by how the opponent reacted.
pub struct SecondByRichardHufford {
    num_agreements: u32,
    last_four_agreements: [u32; 4],
    last_four_index: usize,
    streak_needed: i64,
    current_streak: i64,
    /// `None` stands for Axelrod's infinite "no aberration pending".
    last_aberration: Option<usize>,
    coop_after_ab_count: u32,
    def_after_ab_count: u32,
}

impl Default for SecondByRichardHufford {
    fn default() -> Self {
        SecondByRichardHufford {
            num_agreements: 2,
            last_four_agreements: [1; 4],
            last_four_index: 0,
            streak_needed: 21,
            current_streak: 2,
            last_aberration: None,
            coop_after_ab_count: 2,
            def_after_ab_count: 2,
        }
    }
}

impl Strategy for SecondByRichardHufford {
    no_params!();
    fn reset(&mut self, _ctx: &MatchContext) {
        *self = Self::default();
    }
    fn decide(&mut self, history: &History<'_>, _rng: &mut Rng) -> Move {
        let turn = history.len() + 1;
        let Some(opp_last) = history.last_opponent() else {
            return C;
        };
        self.last_four_index = (self.last_four_index + 1) % 4;
        let me_two_ago = if turn > 2 { history.own()[turn - 3] } else { C };
        if me_two_ago == opp_last {
            self.num_agreements += 1;
            self.last_four_agreements[self.last_four_index] = 1;
        } else {
            self.last_four_agreements[self.last_four_index] = 0;
        }

        match self.last_aberration {
            None => {
                if opp_last == C {
                    self.current_streak += 1;
                } else {
                    self.current_streak = 0;
                }
                if self.current_streak >= self.streak_needed {
                    self.last_aberration = Some(turn);
                    if self.current_streak == self.streak_needed {
                        return D;
                    }
                }
            }
            Some(ab) if turn == ab + 2 => {
                self.last_aberration = None;
                if opp_last == C {
                    self.coop_after_ab_count += 1;
                } else {
                    self.def_after_ab_count += 1;
                }
                self.streak_needed = (20.0 * self.def_after_ab_count as f64
                    / self.coop_after_ab_count as f64)
                    .floor() as i64
                    + 1;
                self.current_streak = 0;
                return C;
            }
            Some(_) => {}
        }

        let proportion_agree = self.num_agreements as f64 / turn as f64;
        let last_four: u32 = self.last_four_agreements.iter().sum();
        if proportion_agree > 0.9 && last_four >= 4 {
            C
        } else if proportion_agree >= 0.625 && last_four >= 2 {
            opp_last
        } else {
            D
        }
    }
}

/// Counts, for each (opponent two turns ago, own intended move last turn) context, how often
/// the opponent then cooperated or defected, and predicts-and-matches the likelier reply;
/// after turn 40 defects while the opponent's defection rate is near one half.
#[derive(Default)]
pub struct SecondByYamachi {
    /// Indexed by (them three ago, us two ago, them two ago) as bits 4, 2, 1 (D = 1).
    counts: [u32; 8],
    /// Its own intended moves, before the 50/50 override.
    intended: Vec<Move>,
}

fn bits3(a: Move, b: Move, c: Move) -> usize {
    (a as usize) << 2 | (b as usize) << 1 | c as usize
}

impl SecondByYamachi {
    fn try_return(&mut self, m: Move, turn: usize, opp_defections: usize) -> Move {
        self.intended.push(m);
        if turn > 40 {
            let portion = (opp_defections as f64 + 0.5) / turn as f64;
            if 0.45 < portion && portion < 0.55 {
                return D;
            }
        }
        m
    }
}

impl Strategy for SecondByYamachi {
    no_params!();
    fn reset(&mut self, ctx: &MatchContext) {
        self.counts = [0; 8];
        self.intended.clear();
        self.intended
            .reserve(ctx.length.unwrap_or(1000).min(100_000) as usize);
    }
    fn decide(&mut self, history: &History<'_>, _rng: &mut Rng) -> Move {
        let turn = history.len() + 1;
        if turn == 1 {
            return self.try_return(C, turn, 0);
        }
        let opp = history.opponent();
        let k = self.intended.len();
        let us_last = self.intended[k - 1];
        let (mut them_two_ago, mut us_two_ago, mut them_three_ago) = (C, C, C);
        if turn >= 3 {
            them_two_ago = opp[turn - 3];
            us_two_ago = self.intended[k - 2];
        }
        if turn >= 4 {
            them_three_ago = opp[turn - 4];
        }
        if turn >= 3 {
            self.counts[bits3(them_three_ago, us_two_ago, them_two_ago)] += 1;
        }
        let m = Move::cooperate_if(
            self.counts[bits3(them_two_ago, us_last, C)]
                >= self.counts[bits3(them_two_ago, us_last, D)],
        );
        self.try_return(m, turn, history.opponent_defections())
    }
}

/// Cooperates, checking every sixth turn its average score: the lower it is, the more
/// distrust points it adds and it plays D, C, D; at 7 points it defects for good. Distrust
/// cools by one every 18 turns.
pub struct SecondByRowsam {
    game: Payoffs,
    mode: RowsamMode,
    distrust_points: u32,
    own_score: f64,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum RowsamMode {
    Normal,
    Defect,
    CoopDefCycle1,
    CoopDefCycle2,
}

impl Default for SecondByRowsam {
    fn default() -> Self {
        SecondByRowsam {
            game: Payoffs::STANDARD,
            mode: RowsamMode::Normal,
            distrust_points: 0,
            own_score: 0.0,
        }
    }
}

impl Strategy for SecondByRowsam {
    no_params!();
    fn reset(&mut self, ctx: &MatchContext) {
        *self = Self::default();
        self.game = ctx.game;
    }
    fn decide(&mut self, history: &History<'_>, _rng: &mut Rng) -> Move {
        let turn = history.len() + 1;
        if let (Some(a), Some(b)) = (history.last_own(), history.last_opponent()) {
            self.own_score += round_scores(&self.game, a, b).0;
        }
        match self.mode {
            RowsamMode::Defect => return D,
            RowsamMode::CoopDefCycle1 => {
                self.mode = RowsamMode::CoopDefCycle2;
                return C;
            }
            RowsamMode::CoopDefCycle2 => {
                self.mode = RowsamMode::Normal;
                return D;
            }
            RowsamMode::Normal => {}
        }
        if turn.is_multiple_of(18) && self.distrust_points >= 3 {
            self.distrust_points -= 1;
        }
        if !turn.is_multiple_of(6) {
            return C;
        }
        // Divides by the current turn, not the number played: an off-by-one of the original.
        let per_turn = self.own_score / turn as f64;
        self.distrust_points += if per_turn < 1.0 {
            5
        } else if per_turn < 1.5 {
            3
        } else if per_turn < 2.0 {
            2
        } else if per_turn < 2.5 {
            1
        } else {
            return C;
        };
        self.mode = if self.distrust_points >= 7 {
            RowsamMode::Defect
        } else {
            RowsamMode::CoopDefCycle1
        };
        D
    }
}

/// Tit for tat that defects for good if its own score falls below checkpoints on turns 11,
/// 21, 31, 41, 51 and 101 (23, 53, 83, 113, 143 and 293 points).
pub struct SecondByGraaskampKatzen {
    game: Payoffs,
    own_score: f64,
    defect_mode: bool,
}

impl Default for SecondByGraaskampKatzen {
    fn default() -> Self {
        SecondByGraaskampKatzen {
            game: Payoffs::STANDARD,
            own_score: 0.0,
            defect_mode: false,
        }
    }
}

impl Strategy for SecondByGraaskampKatzen {
    no_params!();
    fn reset(&mut self, ctx: &MatchContext) {
        *self = Self::default();
        self.game = ctx.game;
    }
    fn decide(&mut self, history: &History<'_>, _rng: &mut Rng) -> Move {
        if self.defect_mode {
            return D;
        }
        let turn = history.len() + 1;
        let (Some(own), Some(opp)) = (history.last_own(), history.last_opponent()) else {
            return C;
        };
        self.own_score += round_scores(&self.game, own, opp).0;
        let threshold = match turn {
            11 => Some(23.0),
            21 => Some(53.0),
            31 => Some(83.0),
            41 => Some(113.0),
            51 => Some(143.0),
            101 => Some(293.0),
            _ => None,
        };
        if threshold.is_some_and(|t| self.own_score < t) {
            self.defect_mode = true;
            return D;
        }
        opp
    }
}

/// Tit for tat, forgiving one defection after an odd-length run of opponent defections (at
/// most once per 20 turns), and defecting whenever the opponent defected 5 or more times in
/// a sliding window of 12 turns (lagged by one).
#[derive(Default)]
pub struct SecondByWeiner {
    forgive_flag: bool,
    grudge: usize,
    defect_padding: u32,
    last_twelve: [u8; 12],
    lt_index: usize,
}

impl SecondByWeiner {
    fn try_return(&self, m: Move) -> Move {
        if self.last_twelve.iter().map(|&x| x as u32).sum::<u32>() >= 5 {
            D
        } else {
            m
        }
    }
}

impl Strategy for SecondByWeiner {
    no_params!();
    fn reset(&mut self, _ctx: &MatchContext) {
        *self = Self::default();
    }
    fn decide(&mut self, history: &History<'_>, _rng: &mut Rng) -> Move {
        let n = history.len();
        let Some(opp_last) = history.last_opponent() else {
            return C;
        };
        if n >= 2 {
            self.last_twelve[self.lt_index] = (history.opponent()[n - 2] == D) as u8;
            self.lt_index = (self.lt_index + 1) % 12;
        }
        if self.forgive_flag {
            self.forgive_flag = false;
            self.defect_padding = 0;
            if self.grudge < n + 1 && opp_last == D {
                self.grudge += 20;
                return self.try_return(C);
            }
            return self.try_return(opp_last);
        }
        if opp_last == D {
            self.defect_padding += 1;
        } else {
            if self.defect_padding % 2 == 1 {
                self.forgive_flag = true;
            }
            self.defect_padding = 0;
        }
        self.try_return(opp_last)
    }
}

/// Cooperates for ten turns and after any opponent cooperation; after a defection defects
/// when floor(ln(turn)) times the opponent's defections reaches the turn number.
#[derive(Default)]
pub struct SecondByWhite;

impl Strategy for SecondByWhite {
    no_params!();
    fn reset(&mut self, _ctx: &MatchContext) {}
    fn decide(&mut self, history: &History<'_>, _rng: &mut Rng) -> Move {
        let turn = history.len() + 1;
        if turn <= 10 || history.last_opponent() == Some(C) {
            return C;
        }
        let lhs = (turn as f64).ln().floor() * history.opponent_defections() as f64;
        Move::defect_if(lhs >= turn as f64)
    }
}

/// Defects unless ahead of the opponent by a margin that grows each time the opponent starts
/// a defection run; gives a fresh start (two cooperations, scores forgotten) at most every ten
/// turns when the opponent's defection count is 3 standard deviations off an even split.
pub struct SecondByTidemanAndChieruzzi {
    game: Payoffs,
    own_score: f64,
    opponent_score: f64,
    last_fresh_start: usize,
    fresh_start: bool,
    score_to_beat: f64,
    score_to_beat_inc: f64,
}

impl Default for SecondByTidemanAndChieruzzi {
    fn default() -> Self {
        SecondByTidemanAndChieruzzi {
            game: Payoffs::STANDARD,
            own_score: 0.0,
            opponent_score: 0.0,
            last_fresh_start: 0,
            fresh_start: false,
            score_to_beat: 0.0,
            score_to_beat_inc: 0.0,
        }
    }
}

impl Strategy for SecondByTidemanAndChieruzzi {
    no_params!();
    fn reset(&mut self, ctx: &MatchContext) {
        *self = Self::default();
        self.game = ctx.game;
    }
    fn decide(&mut self, history: &History<'_>, _rng: &mut Rng) -> Move {
        let round = history.len() + 1;
        let (Some(own_last), Some(opp_last)) = (history.last_own(), history.last_opponent()) else {
            return C;
        };
        let (a, b) = round_scores(&self.game, own_last, opp_last);
        self.own_score += a;
        self.opponent_score += b;
        if self.fresh_start {
            self.own_score = 0.0;
            self.opponent_score = 0.0;
            self.score_to_beat = 0.0;
            self.score_to_beat_inc = 0.0;
            self.last_fresh_start = round;
            self.fresh_start = false;
            return C;
        }
        let opp_two_ago = if round >= 3 {
            history.opponent()[round - 3]
        } else {
            C
        };
        let started_defecting = opp_two_ago == C && opp_last == D;
        if started_defecting {
            self.score_to_beat += self.score_to_beat_inc;
            self.score_to_beat_inc += 5.0;
        }
        if self.own_score - self.opponent_score >= self.score_to_beat {
            return C;
        }
        if !started_defecting && round - self.last_fresh_start >= 10 {
            let n = history.len() as f64;
            let sd = n.sqrt() / 2.0;
            let defections = history.opponent_defections() as f64;
            if defections <= n / 2.0 - 3.0 * sd || defections >= n / 2.0 + 3.0 * sd {
                self.fresh_start = true;
                return C;
            }
        }
        D
    }
}

// ---------------------------------------------------------------------------------------------
// Stochastic entrants.

/// Cooperates ten turns, plays tit for tat up to turn 25, then cooperates unless the opponent
/// just defected and its defection rate is at least max(0.4, a uniform draw).
#[derive(Default)]
pub struct SecondByChampion;

impl Strategy for SecondByChampion {
    no_params!();
    fn reset(&mut self, _ctx: &MatchContext) {}
    fn decide(&mut self, history: &History<'_>, rng: &mut Rng) -> Move {
        let n = history.len();
        if n < 10 {
            return C;
        }
        let last = history.opponent()[n - 1];
        if n < 25 {
            return last;
        }
        let rate = history.opponent_defections() as f64 / n as f64;
        if last == D && rate >= rng.next_f64().max(0.4) {
            return D;
        }
        C
    }
}

/// Returns cooperation with cooperation; after a defection cooperates with probability one
/// minus the opponent's overall defection rate.
#[derive(Default)]
pub struct SecondByEatherley;

impl Strategy for SecondByEatherley {
    no_params!();
    fn reset(&mut self, _ctx: &MatchContext) {}
    fn decide(&mut self, history: &History<'_>, rng: &mut Rng) -> Move {
        match history.last_opponent() {
            None | Some(C) => C,
            Some(D) => {
                let rate = history.opponent_defections() as f64 / history.len() as f64;
                random_choice(rng, 1.0 - rate)
            }
        }
    }
}

/// Feathers' "Tranquilizer": cooperates while doing poorly only as tit for tat; when its
/// average score is good, occasionally slips in a defection with a probability adjusted by how
/// the opponent reacted to earlier ones.
pub struct SecondByTranquilizer {
    turns_after_good_defection: u8,
    opponent_consecutive_defections: u32,
    one_turn_after_ratio: f64,
    two_turns_after_ratio: f64,
    one_turn_after_count: f64,
    two_turns_after_count: f64,
    own_score: f64,
    opponent_score: f64,
}

impl Default for SecondByTranquilizer {
    fn default() -> Self {
        SecondByTranquilizer {
            turns_after_good_defection: 0,
            opponent_consecutive_defections: 0,
            one_turn_after_ratio: 5.0,
            two_turns_after_ratio: 0.0,
            one_turn_after_count: 1.0,
            two_turns_after_count: 1.0,
            own_score: 0.0,
            opponent_score: 0.0,
        }
    }
}

impl Strategy for SecondByTranquilizer {
    no_params!();
    fn reset(&mut self, _ctx: &MatchContext) {
        *self = Self::default();
    }
    fn decide(&mut self, history: &History<'_>, rng: &mut Rng) -> Move {
        let n = history.len();
        let (Some(own_last), Some(opp_last)) = (history.last_own(), history.last_opponent()) else {
            return C;
        };
        // Axelrod scores this with the default game whatever the match's game.
        let (a, b) = round_scores(&Payoffs::STANDARD, own_last, opp_last);
        self.own_score += a;
        self.opponent_score += b;

        if opp_last == D {
            self.opponent_consecutive_defections += 1;
        } else {
            self.opponent_consecutive_defections = 0;
        }
        let o = opp_last as u8 as f64;
        let s = own_last as u8 as f64;
        // The payoff-like score of the last round in the original's 0/1 arithmetic.
        let outcome = (3.0 - 3.0 * o) + 2.0 * s - o * s;
        if self.turns_after_good_defection == 2 {
            self.turns_after_good_defection = 0;
            self.two_turns_after_ratio = (self.two_turns_after_ratio * self.two_turns_after_count
                + outcome)
                / (self.two_turns_after_count + 1.0);
            self.two_turns_after_count += 1.0;
        } else if self.turns_after_good_defection == 1 {
            self.turns_after_good_defection = 2;
            self.one_turn_after_ratio = (self.one_turn_after_ratio * self.one_turn_after_count
                + outcome)
                / (self.one_turn_after_count + 1.0);
            self.one_turn_after_count += 1.0;
        }
        if self.turns_after_good_defection == 1 || self.turns_after_good_defection == 2 {
            return C;
        }
        let turns = (n + 1) as f64;
        let average = self.own_score / turns;
        if average >= 2.25 {
            let p = (0.95 - (self.one_turn_after_ratio + self.two_turns_after_ratio - 5.0) / 15.0)
                + 1.0 / (turns * turns)
                - o / 4.0;
            if rng.next_f64() <= p {
                return C;
            }
            self.turns_after_good_defection = 1;
            return D;
        }
        if average >= 1.75 {
            let p = (0.25 + (history.opponent_cooperations() as f64 + 1.0) / turns)
                - self.opponent_consecutive_defections as f64 * 0.25
                + (self.own_score - self.opponent_score) / 100.0
                + 4.0 / turns;
            return Move::cooperate_if(rng.next_f64() <= p);
        }
        opp_last
    }
}

/// Defects against opponents whose replies to its own C and D look random (after turn 26);
/// otherwise repeats the opponent's last three moves if they agree, and else follows its last
/// move with probability 0.9, 0.7 or 0.6 depending on the pattern.
#[derive(Default)]
pub struct SecondByKluepfel {
    cd_counts: u32,
    dd_counts: u32,
    dc_counts: u32,
    cc_counts: u32,
}

impl Strategy for SecondByKluepfel {
    no_params!();
    fn reset(&mut self, _ctx: &MatchContext) {
        *self = Self::default();
    }
    fn decide(&mut self, history: &History<'_>, rng: &mut Rng) -> Move {
        let n = history.len();
        let opp = history.opponent();
        if n >= 2 {
            match (history.own()[n - 2], opp[n - 1]) {
                (D, C) => self.cd_counts += 1,
                (D, D) => self.dd_counts += 1,
                (C, C) => self.cc_counts += 1,
                (C, D) => self.dc_counts += 1,
            }
        }
        if n > 26 {
            let looks_random = |hit: u32, miss: u32| {
                let total = (hit + miss) as f64;
                hit as f64 >= total / 2.0 - 0.75 * total.sqrt()
            };
            if looks_random(self.cd_counts, self.dd_counts)
                && looks_random(self.dc_counts, self.cc_counts)
            {
                return D;
            }
        }
        let back = |k: usize| if n >= k { opp[n - k] } else { C };
        let (one, two, three) = (back(1), back(2), back(3));
        if one == two && two == three {
            return one;
        }
        let r = rng.next_f64();
        let keep = if one == two {
            0.9
        } else if one == C {
            0.7
        } else {
            0.6
        };
        if r < keep {
            one
        } else {
            one.flip()
        }
    }
}

/// Defects against opponents that defect often or look random (by thresholds on turn and
/// defection rate); otherwise cooperates after C and after D defects if the opponent has
/// defected more than 17 times, else with probability 0.5.
#[derive(Default)]
pub struct SecondByCave;

impl Strategy for SecondByCave {
    no_params!();
    fn reset(&mut self, _ctx: &MatchContext) {}
    fn decide(&mut self, history: &History<'_>, rng: &mut Rng) -> Move {
        let turn = history.len() + 1;
        let Some(opp_last) = history.last_opponent() else {
            return C;
        };
        let defects = history.opponent_defections();
        let rate = defects as f64 / turn as f64;
        if (turn > 39 && rate > 0.39) || (turn > 29 && rate > 0.65) || (turn > 19 && rate > 0.79) {
            return D;
        }
        match opp_last {
            C => C,
            D if defects > 17 => D,
            D => random_choice(rng, 0.5),
        }
    }
}

/// Cooperates, but defects when the opponent's defection count (ignoring a first-turn
/// defection) reaches 4, 7 or 9; beyond 9, after a defection cooperates with probability
/// 0.5^(count - 9).
#[derive(Default)]
pub struct SecondByWmAdams;

impl Strategy for SecondByWmAdams {
    no_params!();
    fn reset(&mut self, _ctx: &MatchContext) {}
    fn decide(&mut self, history: &History<'_>, rng: &mut Rng) -> Move {
        if history.len() <= 1 {
            return C;
        }
        let opp = history.opponent();
        let mut defects = history.opponent_defections();
        if opp[0] == D {
            defects -= 1;
        }
        if matches!(defects, 4 | 7 | 9) {
            return D;
        }
        if defects > 9 && opp[opp.len() - 1] == D {
            return random_choice(rng, 0.5f64.powi((defects - 9) as i32));
        }
        C
    }
}

/// Keeps a "flack" score that gains 1 per opponent defection and halves every turn, and
/// cooperates with probability 1 - flack.
#[derive(Default)]
pub struct SecondByGetzler {
    flack: f64,
}

impl Strategy for SecondByGetzler {
    no_params!();
    fn reset(&mut self, _ctx: &MatchContext) {
        self.flack = 0.0;
    }
    fn decide(&mut self, history: &History<'_>, rng: &mut Rng) -> Move {
        let Some(opp) = history.last_opponent() else {
            return C;
        };
        if opp == D {
            self.flack += 1.0;
        }
        self.flack *= 0.5;
        random_choice(rng, 1.0 - self.flack)
    }
}

/// Cooperates with a probability set by the opponent's last three moves (missing ones count
/// as C): 1 unless the opponent defected last turn, 0.5 after C, C, D, 0 after C, D, C, and
/// 0.25 after two defections in a row.
#[derive(Default)]
pub struct SecondByLeyvraz;

impl Strategy for SecondByLeyvraz {
    no_params!();
    fn reset(&mut self, _ctx: &MatchContext) {}
    fn decide(&mut self, history: &History<'_>, rng: &mut Rng) -> Move {
        let opp = history.opponent();
        let n = opp.len();
        let back = |k: usize| if n >= k { opp[n - k] } else { C };
        let p = match (back(3), back(2), back(1)) {
            (C, C, C) => 1.0,
            (C, C, D) => 0.5,
            (C, D, C) => 0.0,
            (C, D, D) => 0.25,
            (D, C, C) | (D, C, D) | (D, D, C) => 1.0,
            (D, D, D) => 0.25,
        };
        random_choice(rng, p)
    }
}

/// Cooperates for five turns, then with a probability set by the opponent's defections in the
/// last five turns (1, 1, 0.88, 0.68, 0.4, 0.04 for 0 to 5).
#[derive(Default)]
pub struct SecondByBlack;

impl Strategy for SecondByBlack {
    no_params!();
    fn reset(&mut self, _ctx: &MatchContext) {}
    fn decide(&mut self, history: &History<'_>, rng: &mut Rng) -> Move {
        let opp = history.opponent();
        let n = opp.len();
        if n < 5 {
            return C;
        }
        let defects = opp[n - 5..].iter().filter(|&&m| m == D).count();
        const PROB: [f64; 6] = [1.0, 1.0, 0.88, 0.68, 0.4, 0.04];
        random_choice(rng, PROB[defects])
    }
}

/// Cooperates four turns and forgives the opponent's first defection; otherwise cooperates
/// with the estimated probability that the opponent cooperates after its own move of two
/// turns ago (estimates start at 0/0 after C and 1/1 after D).
pub struct SecondByAppold {
    /// Opponent cooperations following own C / own D (index by `Move as usize`).
    opp_c_after: [u32; 2],
    total_after: [u32; 2],
    first_opp_def: bool,
}

impl Default for SecondByAppold {
    fn default() -> Self {
        SecondByAppold {
            opp_c_after: [0, 1],
            total_after: [0, 1],
            first_opp_def: false,
        }
    }
}

impl Strategy for SecondByAppold {
    no_params!();
    fn reset(&mut self, _ctx: &MatchContext) {
        *self = Self::default();
    }
    fn decide(&mut self, history: &History<'_>, rng: &mut Rng) -> Move {
        let turn = history.len() + 1;
        let us_two_ago = if turn <= 2 {
            C
        } else {
            history.own()[turn - 3]
        } as usize;
        if turn > 1 {
            self.total_after[us_two_ago] += 1;
            if history.last_opponent() == Some(C) {
                self.opp_c_after[us_two_ago] += 1;
            }
        }
        if turn <= 4 {
            return C;
        }
        if history.last_opponent() == Some(D) && !self.first_opp_def {
            self.first_opp_def = true;
            return C;
        }
        let p = self.opp_c_after[us_two_ago] as f64 / self.total_after[us_two_ago] as f64;
        random_choice(rng, p)
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum HarringtonMode {
    Normal,
    Defect,
    FairWeather,
}

/// Harrington's entry: tit for tat with a probing defection on turn 37 and random probes
/// after it (growing more likely each time unless the opponent punished one), a chi-squared
/// test that switches to defection against random opponents, and special handling of long
/// defection streaks, alternating defections and fair-weather opponents.
pub struct SecondByHarrington {
    mode: HarringtonMode,
    recorded_defects: u32,
    exit_defect_meter: i32,
    was_defective: bool,
    prob: f64,
    /// Rows: (opponent two ago, own two ago) as D bits 1 and 2; columns: opponent's last.
    move_history: [[f64; 2]; 4],
    more_coop: i32,
    last_generous_n_turns_ago: i32,
    burned: bool,
    defect_streak: u32,
    parity_streak: [u32; 2],
    parity_bit: usize,
    parity_limit: u32,
    parity_hits: u32,
}

impl Default for SecondByHarrington {
    fn default() -> Self {
        SecondByHarrington {
            mode: HarringtonMode::Normal,
            recorded_defects: 0,
            exit_defect_meter: 0,
            was_defective: false,
            prob: 0.25,
            move_history: [[0.0; 2]; 4],
            more_coop: 0,
            last_generous_n_turns_ago: 3,
            burned: false,
            defect_streak: 0,
            parity_streak: [0, 0],
            parity_bit: 0,
            parity_limit: 5,
            parity_hits: 0,
        }
    }
}

impl SecondByHarrington {
    fn try_return(&mut self, m: Move, lower_flags: bool, inc_parity: bool) -> Move {
        if lower_flags && m == C {
            self.more_coop -= 1;
            self.last_generous_n_turns_ago += 1;
        }
        if inc_parity && m == D {
            self.parity_streak[self.parity_bit] += 1;
        }
        m
    }

    fn chi_squared(&self, turn: usize) -> f64 {
        let denom = (turn - 2) as f64;
        let rows: [f64; 4] =
            std::array::from_fn(|i| self.move_history[i][0] + self.move_history[i][1]);
        let cols: [f64; 2] = std::array::from_fn(|j| (0..4).map(|i| self.move_history[i][j]).sum());
        let mut chi = 0.0;
        for (i, row) in rows.iter().enumerate() {
            for (j, col) in cols.iter().enumerate() {
                let expect = row * col / denom;
                if expect > 1.0 {
                    chi += (expect - self.move_history[i][j]).powi(2) / expect;
                }
            }
        }
        chi
    }

    fn detect_random(&self, turn: usize) -> bool {
        let denom = (turn - 2) as f64;
        if self.move_history[0][0] / denom >= 0.8 {
            return false;
        }
        let rate = self.recorded_defects as f64 / denom;
        if !(0.25..=0.75).contains(&rate) {
            return false;
        }
        self.chi_squared(turn) <= 3.0
    }
}

impl Strategy for SecondByHarrington {
    no_params!();
    fn reset(&mut self, _ctx: &MatchContext) {
        *self = Self::default();
    }
    fn decide(&mut self, history: &History<'_>, rng: &mut Rng) -> Move {
        let turn = history.len() + 1;
        let Some(opp_last) = history.last_opponent() else {
            return C;
        };
        if self.mode == HarringtonMode::Defect {
            if opp_last == D {
                self.exit_defect_meter += 1;
            } else {
                self.exit_defect_meter -= 3;
            }
            if self.exit_defect_meter >= 11 {
                self.mode = HarringtonMode::Normal;
                self.was_defective = true;
                self.more_coop = 2;
                return self.try_return(C, false, false);
            }
            return self.try_return(D, true, false);
        }
        if !self.was_defective {
            if turn > 2 {
                if opp_last == D {
                    self.recorded_defects += 1;
                }
                let col = opp_last as usize;
                let row =
                    history.opponent()[turn - 3] as usize + 2 * history.own()[turn - 3] as usize;
                self.move_history[row][col] += 1.0;
            }
            if turn.is_multiple_of(15) && turn > 15 && self.detect_random(turn) {
                self.mode = HarringtonMode::Defect;
                return self.try_return(D, false, false);
            }
        }
        if self.last_generous_n_turns_ago == 2 && opp_last == D {
            self.burned = true;
        }
        if turn == 38 && opp_last == D && history.opponent_cooperations() == 36 {
            self.mode = HarringtonMode::FairWeather;
            return self.try_return(C, false, false);
        }
        if self.mode == HarringtonMode::FairWeather {
            if opp_last == D {
                self.mode = HarringtonMode::Normal;
            } else {
                return self.try_return(C, true, false);
            }
        }
        // Streak of opponent defections.
        if opp_last == D {
            self.defect_streak += 1;
        } else {
            self.defect_streak = 0;
        }
        if self.defect_streak >= 20 {
            return self.try_return(D, true, true);
        }
        // Defections on alternating turns (two interleaved streak counters).
        self.parity_bit = 1 - self.parity_bit;
        if opp_last == D {
            self.parity_streak[self.parity_bit] += 1;
        } else {
            self.parity_streak[self.parity_bit] = 0;
        }
        if self.parity_streak[self.parity_bit] >= self.parity_limit {
            self.parity_streak[self.parity_bit] = 0;
            self.parity_hits += 1;
            if self.parity_hits >= 8 {
                self.parity_limit = 3;
            }
            return self.try_return(C, true, true);
        }
        if self.more_coop >= 1 {
            return self.try_return(C, true, true);
        }
        if turn < 37 {
            return self.try_return(opp_last, true, true);
        }
        if turn == 37 {
            self.more_coop = 2;
            self.last_generous_n_turns_ago = 1;
            return self.try_return(D, false, false);
        }
        if self.burned || rng.next_f64() > self.prob {
            return self.try_return(opp_last, true, true);
        }
        self.prob += 0.05;
        self.more_coop = 2;
        self.last_generous_n_turns_ago = 1;
        self.try_return(D, false, false)
    }
}

pub const EXPORTS: &[StrategyDescriptor] = strategy_exports![
    SecondByBorufsen {
        name: "Second by Borufsen",
        description: "Tit for tat that defects for good against rarely cooperating or random-looking opponents (checked every 25 turns) and breaks mutual-defection and echo loops.",
        params: "()",
        memory_depth: None,
        stochastic: false,
        makes_use_of: [],
    },
    SecondByColbert {
        name: "Second by Colbert",
        description: "Cooperates except on turn 6; afterwards answers an opponent defection with D, D, C, C.",
        params: "()",
        memory_depth: Some(4),
        stochastic: false,
        makes_use_of: [],
    },
    SecondByGladstein {
        name: "Second by Gladstein",
        description: "Defects first and exploits while keeping its cooperation rate at most one half; after the opponent's first defection apologises and plays tit for tat.",
        params: "()",
        memory_depth: None,
        stochastic: false,
        makes_use_of: [],
    },
    SecondByGraaskampKatzen {
        name: "Second by GraaskampKatzen",
        description: "Tit for tat that defects for good if its score falls below fixed checkpoints on turns 11, 21, 31, 41, 51 and 101.",
        params: "()",
        memory_depth: None,
        stochastic: false,
        makes_use_of: [game],
    },
    SecondByGrofman {
        name: "Second by Grofman",
        description: "Cooperates if the opponent defected at most two times (one after its own D) in the seven turns before the last; tit for tat early on.",
        params: "()",
        memory_depth: Some(8),
        stochastic: false,
        makes_use_of: [],
    },
    SecondByMikkelson {
        name: "Second by Mikkelson",
        description: "Keeps a credit score raised by opponent cooperations and lowered by defections; cooperates while it is positive or the opponent rarely defects.",
        params: "()",
        memory_depth: None,
        stochastic: false,
        makes_use_of: [],
    },
    SecondByRichardHufford {
        name: "Second by RichardHufford",
        description: "Cooperates, copies or defects by how often the opponent's moves agree with its own of two turns before; probes after long cooperation streaks.",
        params: "()",
        memory_depth: None,
        stochastic: false,
        makes_use_of: [],
    },
    SecondByRowsam {
        name: "Second by Rowsam",
        description: "Cooperates, checking its average score every sixth turn and answering low scores with distrust: D, C, D cycles, then permanent defection.",
        params: "()",
        memory_depth: None,
        stochastic: false,
        makes_use_of: [game],
    },
    SecondByTester {
        name: "Second by Tester",
        description: "Defects first, then alternates to exploit; after the opponent's first defection apologises and plays tit for tat.",
        params: "()",
        memory_depth: None,
        stochastic: false,
        makes_use_of: [],
    },
    SecondByTidemanAndChieruzzi {
        name: "Second by Tideman and Chieruzzi",
        description: "Cooperates while ahead of the opponent by a growing margin, otherwise defects; gives non-random-looking opponents fresh starts.",
        params: "()",
        memory_depth: None,
        stochastic: false,
        makes_use_of: [game],
    },
    SecondByWeiner {
        name: "Second by Weiner",
        description: "Tit for tat that forgives odd-length defection runs occasionally and defects while the opponent defected 5 times in a 12-turn window.",
        params: "()",
        memory_depth: None,
        stochastic: false,
        makes_use_of: [],
    },
    SecondByWhite {
        name: "Second by White",
        description: "Cooperates after cooperation; after a defection defects when floor(ln t) times the opponent's defections reaches the turn t.",
        params: "()",
        memory_depth: None,
        stochastic: false,
        makes_use_of: [],
    },
    SecondByYamachi {
        name: "Second by Yamachi",
        description: "Predicts the opponent's reply from counts of earlier replies in the same context and matches it; defects against roughly 50/50 opponents.",
        params: "()",
        memory_depth: None,
        stochastic: false,
        makes_use_of: [],
    },
    SecondByAppold {
        name: "Second by Appold",
        description: "Cooperates with the estimated probability that the opponent cooperates after its own move of two turns ago.",
        params: "()",
        memory_depth: None,
        stochastic: true,
        makes_use_of: [],
    },
    SecondByBlack {
        name: "Second by Black",
        description: "Cooperates with a probability falling with the opponent's defections in the last five turns.",
        params: "()",
        memory_depth: Some(5),
        stochastic: true,
        makes_use_of: [],
    },
    SecondByCave {
        name: "Second by Cave",
        description: "Defects against frequent defectors; otherwise cooperates after C and after D with probability 0.5.",
        params: "()",
        memory_depth: None,
        stochastic: true,
        makes_use_of: [],
    },
    SecondByChampion {
        name: "Second by Champion",
        description: "Cooperates 10 turns, tit for tat to turn 25, then defects after a defection only if the opponent's defection rate beats max(0.4, a random draw).",
        params: "()",
        memory_depth: None,
        stochastic: true,
        makes_use_of: [],
    },
    SecondByEatherley {
        name: "Second by Eatherley",
        description: "Returns cooperation; after a defection cooperates with probability one minus the opponent's defection rate.",
        params: "()",
        memory_depth: None,
        stochastic: true,
        makes_use_of: [],
    },
    SecondByGetzler {
        name: "Second by Getzler",
        description: "Cooperates with probability one minus a 'flack' score that gains 1 per opponent defection and halves each turn.",
        params: "()",
        memory_depth: None,
        stochastic: true,
        makes_use_of: [],
    },
    SecondByHarrington {
        name: "Second by Harrington",
        description: "Tit for tat with probing defections, a chi-squared randomness test and special responses to streaks and fair-weather opponents.",
        params: "()",
        memory_depth: None,
        stochastic: true,
        makes_use_of: [],
    },
    SecondByKluepfel {
        name: "Second by Kluepfel",
        description: "Defects against random-looking opponents; otherwise mostly repeats the opponent's recent moves, with some randomness.",
        params: "()",
        memory_depth: None,
        stochastic: true,
        makes_use_of: [],
    },
    SecondByLeyvraz {
        name: "Second by Leyvraz",
        description: "Cooperates with a probability set by the opponent's last three moves.",
        params: "()",
        memory_depth: Some(3),
        stochastic: true,
        makes_use_of: [],
    },
    SecondByTranquilizer {
        name: "Second by Tranquilizer",
        description: "Plays tit for tat when doing poorly; when doing well slips in occasional defections, tuned by the opponent's reactions.",
        params: "()",
        memory_depth: None,
        stochastic: true,
        makes_use_of: [],
    },
    SecondByWmAdams {
        name: "Second by WmAdams",
        description: "Cooperates but defects at the opponent's 4th, 7th and 9th defection, and afterwards after defections with growing probability.",
        params: "()",
        memory_depth: None,
        stochastic: true,
        makes_use_of: [],
    },
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::axelrod_first::reference::{check, check_rates};

    const REFERENCE: &str = include_str!("axelrod_second_reference.txt");

    macro_rules! reference_tests {
        ($($test:ident: $ty:ident,)*) => {
            $(
                #[test]
                fn $test() {
                    check::<$ty>(REFERENCE, stringify!($ty));
                }
            )*
        };
    }

    reference_tests! {
        borufsen_matches_axelrod: SecondByBorufsen,
        colbert_matches_axelrod: SecondByColbert,
        gladstein_matches_axelrod: SecondByGladstein,
        graaskamp_katzen_matches_axelrod: SecondByGraaskampKatzen,
        grofman_matches_axelrod: SecondByGrofman,
        mikkelson_matches_axelrod: SecondByMikkelson,
        richard_hufford_matches_axelrod: SecondByRichardHufford,
        rowsam_matches_axelrod: SecondByRowsam,
        tester_matches_axelrod: SecondByTester,
        tideman_and_chieruzzi_matches_axelrod: SecondByTidemanAndChieruzzi,
        weiner_matches_axelrod: SecondByWeiner,
        white_matches_axelrod: SecondByWhite,
        yamachi_matches_axelrod: SecondByYamachi,
    }

    macro_rules! rate_tests {
        ($($test:ident: $ty:ident,)*) => {
            $(
                #[test]
                fn $test() {
                    check_rates::<$ty>(REFERENCE, stringify!($ty));
                }
            )*
        };
    }

    rate_tests! {
        appold_cooperates_like_axelrod: SecondByAppold,
        black_cooperates_like_axelrod: SecondByBlack,
        cave_cooperates_like_axelrod: SecondByCave,
        champion_cooperates_like_axelrod: SecondByChampion,
        eatherley_cooperates_like_axelrod: SecondByEatherley,
        getzler_cooperates_like_axelrod: SecondByGetzler,
        harrington_cooperates_like_axelrod: SecondByHarrington,
        kluepfel_cooperates_like_axelrod: SecondByKluepfel,
        leyvraz_cooperates_like_axelrod: SecondByLeyvraz,
        tranquilizer_cooperates_like_axelrod: SecondByTranquilizer,
        wm_adams_cooperates_like_axelrod: SecondByWmAdams,
    }

    #[test]
    fn parameters_are_rejected() {
        assert!(SecondByWhite::create("(x: 1)").is_err());
        assert!(SecondByHarrington::create("()").is_ok());
    }
}
