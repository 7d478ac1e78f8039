//! Why this file is long: it holds the 16 entrants of one tournament, as Axelrod-Python groups them;
//! about 280 lines are tests of their quirks.
//!
//! The entrants of Axelrod's first tournament (1980), as Axelrod-Python 4.14.0 interprets the
//! published descriptions, quirks included.

use serde::Deserialize;
use vertrouwen_plugins_api::abi::StrategyDescriptor;
use vertrouwen_plugins_api::{
    strategy_exports, Classifiers, History, MatchContext, Move, Payoffs, Rng, Strategy,
};

use crate::params;

use Move::{C, D};

/// `true` with probability `p`; like Axelrod's `random_choice`, certain outcomes draw nothing.
fn random_choice(rng: &mut Rng, p: f64) -> Move {
    if p <= 0.0 {
        D
    } else if p >= 1.0 {
        C
    } else {
        Move::cooperate_if(rng.chance(p))
    }
}

/// Payoffs of one round as `(own, opponent)`.
pub(crate) fn round_scores(game: &Payoffs, own: Move, opponent: Move) -> (f64, f64) {
    match (own, opponent) {
        (C, C) => (game.r, game.r),
        (C, D) => (game.s, game.t),
        (D, C) => (game.t, game.s),
        (D, D) => (game.p, game.p),
    }
}

/// The complementary error function, accurate to about 1e-14 (enough to compare a p-value
/// against a significance level; std has no `erfc`).
fn erfc(x: f64) -> f64 {
    if x < 0.0 {
        return 2.0 - erfc(-x);
    }
    if x < 2.5 {
        // Maclaurin series of erf; for x < 2.5 the terms stay small enough to lose little.
        let x2 = x * x;
        let mut term = x;
        let mut sum = x;
        // 60 terms reach double precision for x < 2.5 (the last is below 1e-25).
        for n in 1..=60 {
            let n = n as f64;
            term *= -x2 / n;
            sum += term / (2.0 * n + 1.0);
        }
        1.0 - sum * 2.0 / std::f64::consts::PI.sqrt()
    } else {
        // Continued fraction, evaluated from the tail; converges fast for large x.
        let mut f = x;
        for k in (1..=60).rev() {
            f = x + (k as f64 / 2.0) / f;
        }
        (-x * x).exp() / (f * std::f64::consts::PI.sqrt())
    }
}

/// The p-value of scipy's `chisquare([a, b])`: the goodness of fit of two counts to an even
/// split, with one degree of freedom (survival function `erfc(sqrt(stat / 2))`).
pub(crate) fn even_split_p_value(a: usize, b: usize) -> f64 {
    let n = (a + b) as f64;
    if n == 0.0 {
        return f64::NAN;
    }
    let e = n / 2.0;
    let stat = ((a as f64 - e).powi(2) + (b as f64 - e).powi(2)) / e;
    erfc((stat / 2.0).sqrt())
}

/// The move Axelrod's `FinalTransformer((D, D))` forces: defection on the last two turns of a
/// match of announced length; `None` otherwise.
fn final_two_defections(length: Option<u64>, played: usize) -> Option<Move> {
    let length = length?;
    let played = played as u64;
    if played < length && length - played <= 2 {
        Some(D)
    } else {
        None
    }
}

#[derive(Deserialize)]
#[serde(default, deny_unknown_fields)]
struct DavisParams {
    rounds_to_cooperate: i64,
}

impl Default for DavisParams {
    fn default() -> Self {
        DavisParams {
            rounds_to_cooperate: 10,
        }
    }
}

/// Cooperates for the first `rounds_to_cooperate` turns, then plays Grudger: defects for good
/// once the opponent has ever defected.
pub struct FirstByDavis {
    rounds_to_cooperate: usize,
}

impl Strategy for FirstByDavis {
    fn create(params: &str) -> Result<Self, String> {
        let p: DavisParams = params::parse(params)?;
        let rounds_to_cooperate = usize::try_from(p.rounds_to_cooperate).map_err(|_| {
            format!(
                "parameter `rounds_to_cooperate` must be a non-negative integer, got {}",
                p.rounds_to_cooperate
            )
        })?;
        Ok(FirstByDavis {
            rounds_to_cooperate,
        })
    }
    fn reset(&mut self, _ctx: &MatchContext) {}
    fn decide(&mut self, history: &History<'_>, _rng: &mut Rng) -> Move {
        if history.len() < self.rounds_to_cooperate {
            return C;
        }
        Move::defect_if(history.opponent_defections() > 0)
    }
}

/// Estimates how likely the opponent is to cooperate after its own cooperation (alpha) and
/// defection (beta), and picks the move with the higher expected payoff against that reactive
/// opponent; ties alternate. Defects on the first two turns.
pub struct FirstByDowning {
    game: Payoffs,
    coop_after_c: u32,
    coop_after_d: u32,
}

impl Strategy for FirstByDowning {
    fn create(params: &str) -> Result<Self, String> {
        params::parse::<()>(params)?;
        Ok(FirstByDowning {
            game: Payoffs::STANDARD,
            coop_after_c: 0,
            coop_after_d: 0,
        })
    }
    fn reset(&mut self, ctx: &MatchContext) {
        self.game = ctx.game;
        self.coop_after_c = 0;
        self.coop_after_d = 0;
    }
    fn decide(&mut self, history: &History<'_>, _rng: &mut Rng) -> Move {
        let own = history.own();
        let opp = history.opponent();
        match own.len() {
            0 => return D,
            1 => {
                // The opponent's opening move counts as a reply to an imagined cooperation.
                if opp[0] == C {
                    self.coop_after_c += 1;
                }
                return D;
            }
            _ => {}
        }
        let n = own.len();
        if opp[n - 1] == C {
            match own[n - 2] {
                C => self.coop_after_c += 1,
                D => self.coop_after_d += 1,
            }
        }
        let alpha = self.coop_after_c as f64 / (history.own_cooperations() + 1) as f64;
        let beta = self.coop_after_d as f64 / history.own_defections().max(2) as f64;
        let g = &self.game;
        let cooperate = alpha * g.r + (1.0 - alpha) * g.s;
        let defect = beta * g.t + (1.0 - beta) * g.p;
        if cooperate > defect {
            C
        } else if cooperate < defect {
            D
        } else {
            own[n - 1].flip()
        }
    }
}

#[derive(Deserialize)]
#[serde(default, deny_unknown_fields)]
struct FeldParams {
    start_coop_prob: f64,
    end_coop_prob: f64,
    rounds_of_decay: i64,
}

impl Default for FeldParams {
    fn default() -> Self {
        FeldParams {
            start_coop_prob: 1.0,
            end_coop_prob: 0.5,
            rounds_of_decay: 200,
        }
    }
}

/// Tit for tat, except that a cooperation is returned only with a probability falling
/// linearly from `start_coop_prob` to `end_coop_prob` over `rounds_of_decay` turns.
pub struct FirstByFeld {
    start: f64,
    end: f64,
    rounds: f64,
}

impl Strategy for FirstByFeld {
    fn create(params: &str) -> Result<Self, String> {
        let p: FeldParams = params::parse(params)?;
        if p.rounds_of_decay <= 0 {
            return Err(format!(
                "parameter `rounds_of_decay` must be a positive integer, got {}",
                p.rounds_of_decay
            ));
        }
        Ok(FirstByFeld {
            start: params::probability("start_coop_prob", p.start_coop_prob)?,
            end: params::probability("end_coop_prob", p.end_coop_prob)?,
            rounds: p.rounds_of_decay as f64,
        })
    }
    fn reset(&mut self, _ctx: &MatchContext) {}
    fn decide(&mut self, history: &History<'_>, rng: &mut Rng) -> Move {
        match history.last_opponent() {
            None => C,
            Some(D) => D,
            Some(C) => {
                let slope = (self.end - self.start) / self.rounds;
                let p = (self.start + slope * history.len() as f64).max(self.end);
                random_choice(rng, p)
            }
        }
    }
}

#[derive(Deserialize)]
#[serde(default, deny_unknown_fields)]
struct AlphaParams {
    alpha: f64,
}

impl Default for AlphaParams {
    fn default() -> Self {
        AlphaParams { alpha: 0.05 }
    }
}

/// Tit for tat for 50 turns, a defection on turn 51, five more turns of tit for tat; then
/// defects for good if a chi-squared test finds the opponent random, plays tit for tat against
/// tit for tat or a twin, and otherwise cooperates with a defection every 5 to 14 turns (numpy's `randint(5, 15)`
/// excludes 15).
pub struct FirstByGraaskamp {
    alpha: f64,
    opponent_is_random: bool,
    next_random_defection_turn: Option<usize>,
    /// Indices checked so far for the "opponent echoes me" and "opponent equals me" tests.
    checked: usize,
    opponent_is_tft: bool,
    opponent_is_twin: bool,
}

impl Strategy for FirstByGraaskamp {
    fn create(params: &str) -> Result<Self, String> {
        let p: AlphaParams = params::parse(params)?;
        Ok(FirstByGraaskamp {
            alpha: params::probability("alpha", p.alpha)?,
            opponent_is_random: false,
            next_random_defection_turn: None,
            checked: 0,
            opponent_is_tft: true,
            opponent_is_twin: true,
        })
    }
    fn reset(&mut self, _ctx: &MatchContext) {
        self.opponent_is_random = false;
        self.next_random_defection_turn = None;
        self.checked = 0;
        self.opponent_is_tft = true;
        self.opponent_is_twin = true;
    }
    fn decide(&mut self, history: &History<'_>, rng: &mut Rng) -> Move {
        let own = history.own();
        let opp = history.opponent();
        let n = own.len();
        // Both tests only ever turn false, so they are updated with the new turns only.
        while self.checked < n {
            let i = self.checked;
            if i >= 1 && opp[i] != own[i - 1] {
                self.opponent_is_tft = false;
            }
            if opp[i] != own[i] {
                self.opponent_is_twin = false;
            }
            self.checked += 1;
        }
        if n == 0 {
            return C;
        }
        if n < 56 {
            return Move::defect_if(opp[n - 1] == D || n == 50);
        }
        let p = even_split_p_value(
            history.opponent_cooperations(),
            history.opponent_defections(),
        );
        self.opponent_is_random = p >= self.alpha || self.opponent_is_random;
        if self.opponent_is_random {
            return D;
        }
        if self.opponent_is_tft || self.opponent_is_twin {
            return opp[n - 1];
        }
        let next = *self
            .next_random_defection_turn
            .get_or_insert_with(|| 5 + rng.below(10) as usize + n);
        if n == next {
            self.next_random_defection_turn = Some(5 + rng.below(10) as usize + n);
            return D;
        }
        C
    }
}

/// Cooperates when both players did the same on the previous turn, otherwise cooperates with
/// probability 2/7.
pub struct FirstByGrofman;

impl Strategy for FirstByGrofman {
    fn create(params: &str) -> Result<Self, String> {
        params::parse::<()>(params).map(|()| FirstByGrofman)
    }
    fn reset(&mut self, _ctx: &MatchContext) {}
    fn decide(&mut self, history: &History<'_>, rng: &mut Rng) -> Move {
        if history.last_own() == history.last_opponent() {
            return C;
        }
        random_choice(rng, 2.0 / 7.0)
    }
}

#[derive(Deserialize)]
#[serde(default, deny_unknown_fields)]
struct JossParams {
    p: f64,
}

impl Default for JossParams {
    fn default() -> Self {
        JossParams { p: 0.9 }
    }
}

/// Cooperates first; afterwards cooperates with probability `p` after an opponent's
/// cooperation and always defects after an opponent's defection.
pub struct FirstByJoss {
    p: f64,
}

impl Strategy for FirstByJoss {
    fn create(params: &str) -> Result<Self, String> {
        let p: JossParams = params::parse(params)?;
        Ok(FirstByJoss {
            p: params::probability("p", p.p)?,
        })
    }
    fn classifiers(&self) -> Option<Classifiers> {
        // As a memory-one player (p, 0, p, 0): deterministic when p is 0 or 1, memoryless when
        // every entry is 0.
        let stochastic = self.p > 0.0 && self.p < 1.0;
        let depth = if self.p == 0.0 { 0 } else { 1 };
        Some(Classifiers::new(Some(depth), stochastic, 0))
    }
    fn reset(&mut self, _ctx: &MatchContext) {}
    fn decide(&mut self, history: &History<'_>, rng: &mut Rng) -> Move {
        match history.last_opponent() {
            None => C,
            Some(D) => D,
            Some(C) => random_choice(rng, self.p),
        }
    }
}

/// Tit for tat for three turns (defecting on the third if the opponent opened D, C); then
/// scores the last three rounds as A = 16 a1 + 4 a2 + a3 (a = 0 for CC, 2 when only the
/// opponent defected, 1 when only it did, 3 for DD) and defects only for nineteen listed A.
pub struct FirstByNydegger;

const NYDEGGER_DEFECT: [u32; 19] = [
    1, 6, 7, 17, 22, 23, 26, 29, 30, 31, 33, 38, 39, 45, 49, 54, 55, 58, 61,
];

impl Strategy for FirstByNydegger {
    fn create(params: &str) -> Result<Self, String> {
        params::parse::<()>(params).map(|()| FirstByNydegger)
    }
    fn reset(&mut self, _ctx: &MatchContext) {}
    fn decide(&mut self, history: &History<'_>, _rng: &mut Rng) -> Move {
        let own = history.own();
        let opp = history.opponent();
        let n = own.len();
        match n {
            0 => return C,
            1 => return opp[0],
            2 => {
                if opp[0] == D && opp[1] == C {
                    return D;
                }
                return opp[1];
            }
            _ => {}
        }
        let a = |i: usize| match (own[i], opp[i]) {
            (C, C) => 0,
            (C, D) => 2,
            (D, C) => 1,
            (D, D) => 3,
        };
        let score = 16 * a(n - 1) + 4 * a(n - 2) + a(n - 3);
        Move::defect_if(NYDEGGER_DEFECT.contains(&score))
    }
}

/// Cooperates until the opponent defects against its cooperation, then retaliates with k
/// defections, k growing by one with each such provocation.
pub struct FirstByShubik {
    retaliating: bool,
    retaliation_length: u32,
    retaliation_remaining: u32,
}

impl FirstByShubik {
    fn count_down(&mut self) {
        if self.retaliating {
            self.retaliation_remaining -= 1;
            if self.retaliation_remaining == 0 {
                self.retaliating = false;
            }
        }
    }
}

impl Strategy for FirstByShubik {
    fn create(params: &str) -> Result<Self, String> {
        params::parse::<()>(params)?;
        Ok(FirstByShubik {
            retaliating: false,
            retaliation_length: 0,
            retaliation_remaining: 0,
        })
    }
    fn reset(&mut self, _ctx: &MatchContext) {
        self.retaliating = false;
        self.retaliation_length = 0;
        self.retaliation_remaining = 0;
    }
    fn decide(&mut self, history: &History<'_>, _rng: &mut Rng) -> Move {
        let (Some(own), Some(opp)) = (history.last_own(), history.last_opponent()) else {
            return C;
        };
        if self.retaliating {
            self.count_down();
            return D;
        }
        if opp == D && own == C {
            self.retaliating = true;
            self.retaliation_length += 1;
            self.retaliation_remaining = self.retaliation_length;
            self.count_down();
            return D;
        }
        C
    }
}

/// Cooperates for 11 turns, then cooperates with probability 0.1 below the opponent's
/// cooperation rate over the last ten turns.
pub struct FirstByTullock;

impl Strategy for FirstByTullock {
    fn create(params: &str) -> Result<Self, String> {
        params::parse::<()>(params).map(|()| FirstByTullock)
    }
    fn reset(&mut self, _ctx: &MatchContext) {}
    fn decide(&mut self, history: &History<'_>, rng: &mut Rng) -> Move {
        let n = history.len();
        if n < 11 {
            return C;
        }
        let recent = &history.opponent()[n - 10..];
        let coops = recent.iter().filter(|&&m| m == C).count();
        let p = (coops as f64 / 10.0 - 0.1).max(0.0);
        random_choice(rng, p)
    }
}

/// Each turn cooperates with a probability drawn uniformly from [0.3, 0.7].
pub struct FirstByAnonymous;

impl Strategy for FirstByAnonymous {
    fn create(params: &str) -> Result<Self, String> {
        params::parse::<()>(params).map(|()| FirstByAnonymous)
    }
    fn reset(&mut self, _ctx: &MatchContext) {}
    fn decide(&mut self, _history: &History<'_>, rng: &mut Rng) -> Move {
        let p = (3.0 + 4.0 * rng.next_f64()) / 10.0;
        random_choice(rng, p)
    }
}

/// Cooperates four turns, then tit for tat; from turn 15 on, every 15th turn a chi-squared test
/// decides whether the opponent looks random, and while it does this defects. Defects on the
/// last two turns of a match of known length.
pub struct FirstBySteinAndRapoport {
    alpha: f64,
    length: Option<u64>,
    opponent_is_random: bool,
}

impl Strategy for FirstBySteinAndRapoport {
    fn create(params: &str) -> Result<Self, String> {
        let p: AlphaParams = params::parse(params)?;
        Ok(FirstBySteinAndRapoport {
            alpha: params::probability("alpha", p.alpha)?,
            length: None,
            opponent_is_random: false,
        })
    }
    fn reset(&mut self, ctx: &MatchContext) {
        self.length = ctx.length;
        self.opponent_is_random = false;
    }
    fn decide(&mut self, history: &History<'_>, _rng: &mut Rng) -> Move {
        let action = self.inner(history);
        final_two_defections(self.length, history.len()).unwrap_or(action)
    }
}

impl FirstBySteinAndRapoport {
    fn inner(&mut self, history: &History<'_>) -> Move {
        let round = history.len() + 1;
        if round < 5 {
            return C;
        }
        let last = history.opponent()[round - 2];
        if round < 15 {
            return last;
        }
        if round.is_multiple_of(15) {
            let p = even_split_p_value(
                history.opponent_cooperations(),
                history.opponent_defections(),
            );
            self.opponent_is_random = p >= self.alpha;
        }
        if self.opponent_is_random {
            D
        } else {
            last
        }
    }
}

/// Tit for tat with retaliation runs that grow by one per opponent defection run; gives the
/// opponent a "fresh start" (two cooperations, history forgotten) when it is 10 points behind,
/// cooperated last, at least 20 turns have passed since the last one, at least 10 remain, and
/// its defection count is 3 standard deviations off an even split. Defects on the last two
/// turns of a match of known length.
pub struct FirstByTidemanAndChieruzzi {
    game: Payoffs,
    length: Option<u64>,
    retaliating: bool,
    retaliation_length: u32,
    retaliation_remaining: u32,
    own_score: f64,
    opponent_score: f64,
    last_fresh_start: usize,
    fresh_start: bool,
    remembered_defections: usize,
}

impl Strategy for FirstByTidemanAndChieruzzi {
    fn create(params: &str) -> Result<Self, String> {
        params::parse::<()>(params)?;
        let mut s = FirstByTidemanAndChieruzzi {
            game: Payoffs::STANDARD,
            length: None,
            retaliating: false,
            retaliation_length: 0,
            retaliation_remaining: 0,
            own_score: 0.0,
            opponent_score: 0.0,
            last_fresh_start: 0,
            fresh_start: false,
            remembered_defections: 0,
        };
        s.reset(&MatchContext::standard(None));
        Ok(s)
    }
    fn reset(&mut self, ctx: &MatchContext) {
        self.game = ctx.game;
        self.length = ctx.length;
        self.retaliating = false;
        self.retaliation_length = 0;
        self.retaliation_remaining = 0;
        self.own_score = 0.0;
        self.opponent_score = 0.0;
        self.last_fresh_start = 0;
        self.fresh_start = false;
        self.remembered_defections = 0;
    }
    fn decide(&mut self, history: &History<'_>, _rng: &mut Rng) -> Move {
        let action = self.inner(history);
        final_two_defections(self.length, history.len()).unwrap_or(action)
    }
}

impl FirstByTidemanAndChieruzzi {
    fn count_down(&mut self) {
        if self.retaliating {
            self.retaliation_remaining -= 1;
            if self.retaliation_remaining == 0 {
                self.retaliating = false;
            }
        }
    }

    fn inner(&mut self, history: &History<'_>) -> Move {
        let (Some(own_last), Some(opp_last)) = (history.last_own(), history.last_opponent()) else {
            return C;
        };
        if opp_last == D {
            self.remembered_defections += 1;
        }
        let (a, b) = round_scores(&self.game, own_last, opp_last);
        self.own_score += a;
        self.opponent_score += b;

        if self.fresh_start {
            self.fresh_start = false;
            return C;
        }

        let round = history.len() + 1;
        let valid_fresh_start = self.last_fresh_start == 0 || round - self.last_fresh_start >= 20;
        if valid_fresh_start {
            let valid_points = self.own_score - self.opponent_score >= 10.0;
            // An unannounced length counts as infinite, so this holds.
            let valid_rounds = self.length.is_none_or(|l| l as i64 - round as i64 >= 10);
            if valid_points && valid_rounds && opp_last == C {
                let n = history.len() as f64;
                let sd = n.sqrt() / 2.0;
                let lower = n / 2.0 - 3.0 * sd;
                let upper = n / 2.0 + 3.0 * sd;
                let remembered = self.remembered_defections as f64;
                if remembered <= lower || remembered >= upper {
                    self.last_fresh_start = round;
                    self.retaliating = false;
                    self.retaliation_length = 0;
                    self.retaliation_remaining = 0;
                    self.remembered_defections = 0;
                    self.fresh_start = true;
                    return C;
                }
            }
        }

        if self.retaliating {
            self.count_down();
            return D;
        }
        if opp_last == D {
            self.retaliating = true;
            self.retaliation_length += 1;
            self.retaliation_remaining = self.retaliation_length;
            self.count_down();
            return D;
        }
        C
    }
}

pub const EXPORTS: &[StrategyDescriptor] = strategy_exports![
    FirstByDavis {
        name: "First by Davis",
        description: "Cooperates for the first 10 turns, then defects for good once the opponent has ever defected.",
        params: "(rounds_to_cooperate: 10)",
        memory_depth: None,
        stochastic: false,
        makes_use_of: [],
    },
    FirstByShubik {
        name: "First by Shubik",
        description: "Cooperates; when the opponent defects against its cooperation it retaliates with k defections, k growing by one each time.",
        params: "()",
        memory_depth: None,
        stochastic: false,
        makes_use_of: [],
    },
    FirstByTidemanAndChieruzzi {
        name: "First by Tideman and Chieruzzi",
        description: "Tit for tat with growing retaliation runs and occasional fresh starts for an opponent that is behind; defects on the last two turns.",
        params: "()",
        memory_depth: None,
        stochastic: false,
        makes_use_of: [game, length],
    },
    FirstByNydegger {
        name: "First by Nydegger",
        description: "Tit for tat for three turns, then defects only for nineteen weighted codes of the last three rounds.",
        params: "()",
        memory_depth: Some(3),
        stochastic: false,
        makes_use_of: [],
    },
    FirstByDowning {
        name: "First by Downing",
        description: "Estimates the opponent's cooperation rates after its own C and D and plays whichever move pays more in expectation; opens D, D.",
        params: "()",
        memory_depth: None,
        stochastic: false,
        makes_use_of: [game],
    },
    FirstBySteinAndRapoport {
        name: "First by Stein and Rapoport",
        description: "Cooperates four turns, then tit for tat, defecting while a chi-squared test says the opponent looks random; defects on the last two turns.",
        params: "(alpha: 0.05)",
        memory_depth: None,
        stochastic: false,
        makes_use_of: [length],
    },
    FirstByAnonymous {
        name: "First by Anonymous",
        description: "Cooperates each turn with a probability drawn uniformly between 0.3 and 0.7.",
        params: "()",
        memory_depth: Some(0),
        stochastic: true,
        makes_use_of: [],
    },
    FirstByFeld {
        name: "First by Feld",
        description: "Tit for tat whose chance of returning a cooperation falls linearly from 1 to 0.5 over 200 turns.",
        params: "(start_coop_prob: 1.0, end_coop_prob: 0.5, rounds_of_decay: 200)",
        memory_depth: Some(200),
        stochastic: true,
        makes_use_of: [],
    },
    FirstByGraaskamp {
        name: "First by Graaskamp",
        description: "Tit for tat with a probe on turn 51; then defects against random-looking opponents, mirrors tit for tat and twins, and otherwise defects every 5 to 14 turns.",
        params: "(alpha: 0.05)",
        memory_depth: None,
        stochastic: true,
        makes_use_of: [],
    },
    FirstByGrofman {
        name: "First by Grofman",
        description: "Cooperates when both players did the same last turn, otherwise with probability 2/7.",
        params: "()",
        memory_depth: Some(1),
        stochastic: true,
        makes_use_of: [],
    },
    FirstByJoss {
        name: "First by Joss",
        description: "Tit for tat that returns a cooperation only with probability p (default 0.9).",
        params: "(p: 0.9)",
        memory_depth: Some(1),
        stochastic: true,
        makes_use_of: [],
    },
    FirstByTullock {
        name: "First by Tullock",
        description: "Cooperates 11 turns, then cooperates 10 percentage points less often than the opponent did over the last ten turns.",
        params: "()",
        memory_depth: None,
        stochastic: true,
        makes_use_of: [],
    },
];

/// Helpers shared by the tests of both tournament modules: play against fixed sequences, tit
/// for tat or a twin, and compare with move strings recorded from Axelrod-Python 4.14.0.
#[cfg(test)]
pub(crate) mod reference {
    use super::*;

    /// Plays a fixed sequence of moves, whatever the other side does.
    struct Fixed(Vec<Move>);
    impl Strategy for Fixed {
        fn create(_: &str) -> Result<Self, String> {
            Ok(Fixed(Vec::new()))
        }
        fn reset(&mut self, _: &MatchContext) {}
        fn decide(&mut self, h: &History<'_>, _: &mut Rng) -> Move {
            self.0[h.len()]
        }
    }

    struct Tft;
    impl Strategy for Tft {
        fn create(_: &str) -> Result<Self, String> {
            Ok(Tft)
        }
        fn reset(&mut self, _: &MatchContext) {}
        fn decide(&mut self, h: &History<'_>, _: &mut Rng) -> Move {
            h.last_opponent().unwrap_or(C)
        }
    }

    fn moves_str(m: &[Move]) -> String {
        m.iter().map(|m| m.as_char()).collect()
    }

    /// Plays `turns` turns of a fixed-length standard match; returns both move strings.
    pub(crate) fn play<A: Strategy, B: Strategy>(
        a: &mut A,
        b: &mut B,
        turns: usize,
    ) -> (String, String) {
        play_seeded(a, b, turns, 1)
    }

    /// [`play`] with the players' random streams taken from `seed`.
    pub(crate) fn play_seeded<A: Strategy, B: Strategy>(
        a: &mut A,
        b: &mut B,
        turns: usize,
        seed: u64,
    ) -> (String, String) {
        let ctx = MatchContext::standard(Some(turns as u64));
        a.reset(&ctx);
        b.reset(&ctx);
        let (mut ra, mut rb) = (Rng::for_stream(seed, 0), Rng::for_stream(seed, 1));
        let (mut ma, mut mb) = (Vec::with_capacity(turns), Vec::with_capacity(turns));
        for _ in 0..turns {
            let x = a.decide(&History::new(&ma, &mb), &mut ra);
            let y = b.decide(&History::new(&mb, &ma), &mut rb);
            ma.push(x);
            mb.push(y);
        }
        (moves_str(&ma), moves_str(&mb))
    }

    /// Checks every recorded line `<class> <opponent> <moves>` for class `class`, where the
    /// opponent is a named fixed sequence from the `SEQS` block, `tft` or `self`.
    pub(crate) fn check<S: Strategy>(data: &str, class: &str) {
        let mut seqs = std::collections::HashMap::new();
        let mut checked = 0;
        for line in data.lines() {
            let parts: Vec<&str> = line.split_whitespace().collect();
            if parts.len() == 2 {
                seqs.insert(parts[0], parts[1]);
                continue;
            }
            if parts.len() != 3 || parts[0] != class {
                continue;
            }
            let mut s = S::create("").unwrap();
            let expected = parts[2];
            let got = match parts[1] {
                "tft" => play(&mut s, &mut Tft, expected.len()).0,
                "self" => play(&mut s, &mut S::create("").unwrap(), expected.len()).0,
                seq => {
                    let moves = params::moves("seq", seqs[seq]).unwrap();
                    play(&mut s, &mut Fixed(moves), expected.len()).0
                }
            };
            let first_diff = got.chars().zip(expected.chars()).position(|(a, b)| a != b);
            assert_eq!(
                got, expected,
                "{class} vs {}: first difference at turn {first_diff:?}",
                parts[1]
            );
            checked += 1;
        }
        assert!(checked > 0, "no reference lines for {class}");
    }

    /// Checks a stochastic strategy's mean cooperation rate over `matches` 200-turn matches
    /// against each opponent of its line `rates <class> <opponent>=<rate> ...` in `rates` (rates
    /// measured with Axelrod-Python over 60 seeds); opponents as in [`check`].
    pub(crate) fn check_rates<S: Strategy>(data: &str, class: &str) {
        let (seq_data, rates) = (data, data);
        let seqs: std::collections::HashMap<&str, &str> = seq_data
            .lines()
            .filter_map(|l| {
                let p: Vec<&str> = l.split_whitespace().collect();
                (p.len() == 2).then(|| (p[0], p[1]))
            })
            .collect();
        let line = rates
            .lines()
            .find(|l| l.starts_with(&format!("rates {class} ")))
            .unwrap_or_else(|| panic!("no rates for {class}"));
        let matches = 300;
        for item in line.split_whitespace().skip(2) {
            let (opp, expected) = item.split_once('=').unwrap();
            let expected: f64 = expected.parse().unwrap();
            let mut cooperations = 0;
            for seed in 0..matches {
                let mut s = S::create("").unwrap();
                let own = match opp {
                    "tft" => play_seeded(&mut s, &mut Tft, 200, seed).0,
                    seq => {
                        let moves = params::moves("seq", seqs[seq]).unwrap();
                        play_seeded(&mut s, &mut Fixed(moves), 200, seed).0
                    }
                };
                cooperations += own.chars().filter(|&c| c == 'C').count();
            }
            let rate = cooperations as f64 / (200 * matches) as f64;
            assert!(
                (rate - expected).abs() < 0.05,
                "{class} vs {opp}: cooperation rate {rate:.4}, Axelrod-Python {expected}"
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::reference::{check, check_rates, play};
    use super::*;

    const REFERENCE: &str = include_str!("axelrod_first_reference.txt");

    #[test]
    fn davis_matches_axelrod() {
        check::<FirstByDavis>(REFERENCE, "FirstByDavis");
    }
    #[test]
    fn shubik_matches_axelrod() {
        check::<FirstByShubik>(REFERENCE, "FirstByShubik");
    }
    #[test]
    fn tideman_and_chieruzzi_matches_axelrod() {
        check::<FirstByTidemanAndChieruzzi>(REFERENCE, "FirstByTidemanAndChieruzzi");
    }
    #[test]
    fn nydegger_matches_axelrod() {
        check::<FirstByNydegger>(REFERENCE, "FirstByNydegger");
    }
    #[test]
    fn downing_matches_axelrod() {
        check::<FirstByDowning>(REFERENCE, "FirstByDowning");
    }
    #[test]
    fn stein_and_rapoport_matches_axelrod() {
        check::<FirstBySteinAndRapoport>(REFERENCE, "FirstBySteinAndRapoport");
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
        anonymous_cooperates_like_axelrod: FirstByAnonymous,
        feld_cooperates_like_axelrod: FirstByFeld,
        graaskamp_cooperates_like_axelrod: FirstByGraaskamp,
        grofman_cooperates_like_axelrod: FirstByGrofman,
        joss_cooperates_like_axelrod: FirstByJoss,
        tullock_cooperates_like_axelrod: FirstByTullock,
    }

    /// Without an announced length neither end-game rule fires (Axelrod treats it as
    /// infinite).
    #[test]
    fn unknown_length_disables_the_final_defections() {
        let ctx = MatchContext::standard(None);
        let own = vec![C; 199];
        let mut s = FirstBySteinAndRapoport::create("").unwrap();
        s.reset(&ctx);
        let mut rng = Rng::seed_from_u64(0);
        assert_eq!(s.decide(&History::new(&own, &own), &mut rng), C);
        let mut t = FirstByTidemanAndChieruzzi::create("").unwrap();
        t.reset(&ctx);
        assert_eq!(t.decide(&History::new(&own, &own), &mut rng), C);
        // With the length announced as 200, turn 200 is one of the last two.
        s.reset(&MatchContext::standard(Some(200)));
        assert_eq!(s.decide(&History::new(&own, &own), &mut rng), D);
    }

    #[test]
    fn p_values_match_scipy() {
        // scipy.stats.chisquare([30, 20]).pvalue and ([14, 0]).pvalue.
        assert!((even_split_p_value(30, 20) - 0.15729920705028105).abs() < 1e-12);
        assert!((even_split_p_value(14, 0) - 0.000_182_810_632_981_862).abs() < 1e-14);
        assert_eq!(even_split_p_value(7, 7), 1.0);
    }

    #[test]
    fn params_are_validated() {
        let e = FirstByDavis::create("(rounds_to_cooperate: -1)")
            .err()
            .unwrap();
        assert!(e.contains("rounds_to_cooperate"), "{e}");
        assert!(FirstByFeld::create("(rounds_of_decay: -3)").is_err());
        assert!(FirstByFeld::create("(rounds_of_decay: 0)").is_err());
        assert!(FirstByFeld::create("(end_coop_prob: 1.5)").is_err());
        assert!(FirstByJoss::create("(p: 2.0)").is_err());
        assert!(FirstByGraaskamp::create("(beta: 0.1)").is_err());
        assert_eq!(
            FirstByJoss::create("(p: 1.0)").unwrap().classifiers(),
            Some(Classifiers::new(Some(1), false, 0))
        );
    }

    fn rate<S: Strategy>(params: &str, opponent_defects: bool, turns: usize) -> f64 {
        struct Fixed(Move);
        impl Strategy for Fixed {
            fn create(_: &str) -> Result<Self, String> {
                Ok(Fixed(C))
            }
            fn reset(&mut self, _: &MatchContext) {}
            fn decide(&mut self, _: &History<'_>, _: &mut Rng) -> Move {
                self.0
            }
        }
        let mut s = S::create(params).unwrap();
        let (own, _) = play(&mut s, &mut Fixed(Move::defect_if(opponent_defects)), turns);
        own.chars().filter(|&c| c == 'C').count() as f64 / turns as f64
    }

    #[test]
    fn stochastic_entrants_cooperate_at_the_expected_rates() {
        // 4000 turns: binomial sd at most 0.008; bounds are about 5 sd.
        let r = rate::<FirstByAnonymous>("()", false, 4000);
        assert!((r - 0.5).abs() < 0.04, "anonymous {r}");
        let r = rate::<FirstByJoss>("()", false, 4000);
        assert!((r - 0.9).abs() < 0.03, "joss {r}");
        assert_eq!(rate::<FirstByJoss>("()", true, 100), 0.01);
        // Against a defector it alternates between disagreeing (C w.p. 2/7) and agreeing
        // (then C), so its long-run cooperation rate is 1 / (1 + 5/7) = 7/12.
        let r = rate::<FirstByGrofman>("()", true, 4000);
        assert!((r - 7.0 / 12.0).abs() < 0.04, "grofman vs defector {r}");
        assert_eq!(rate::<FirstByGrofman>("()", false, 100), 1.0);
        // Feld: the cooperation probability reaches 0.5 by turn 200 and stays there.
        let r = rate::<FirstByFeld>("(rounds_of_decay: 1)", false, 4000);
        assert!((r - 0.5).abs() < 0.04, "feld {r}");
        // Tullock against a cooperator: 0.9 after turn 11.
        let r = rate::<FirstByTullock>("()", false, 4000);
        assert!((r - 0.9).abs() < 0.03, "tullock {r}");
        // Graaskamp against a cooperator: neither random nor an echo of itself after its probe
        // on turn 51, so it defects once every 5 to 14 turns.
        let mut g = FirstByGraaskamp::create("").unwrap();
        let (own, _) = play(&mut g, &mut crate::basic::Cooperator, 4000);
        let defections: Vec<usize> = own.match_indices('D').map(|(i, _)| i).collect();
        assert_eq!(defections[0], 50);
        // The first gap runs from the probe to a draw made on turn 57, so it is longer.
        let gaps: Vec<usize> = defections[1..].windows(2).map(|w| w[1] - w[0]).collect();
        assert_eq!(gaps.iter().min(), Some(&5), "{:?}", &gaps[..20]);
        assert_eq!(gaps.iter().max(), Some(&14), "{:?}", &gaps[..20]);
    }
}
