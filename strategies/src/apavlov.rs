//! Adaptive Pavlov (Axelrod's `apavlov` module): classify the opponent every six turns from
//! its last six moves and answer each class in its own way.

use vertrouwen_plugins_api::abi::StrategyDescriptor;
use vertrouwen_plugins_api::{strategy_exports, History, MatchContext, Move, Rng, Strategy};

use crate::params;

use Move::{C, D};

/// What the opponent has been classified as.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Class {
    Unknown,
    Cooperative,
    AllD,
    Stft,
    PavlovD,
    Random,
}

/// Tit For Tat for the first six turns. Then, on every sixth turn, looks at the opponent's
/// last six moves: all C is Cooperative, all D is ALLD, DCDCDC is STFT, DDCDDC is PavlovD;
/// a window matching none keeps the previous class (Random if there was none). Defects
/// against ALLD and Random, plays TFT against Cooperative, cooperates on the first two
/// turns of each six against STFT and then plays TFT, and against PavlovD defects on the
/// first of each six and cooperates otherwise.
pub struct APavlov2006 {
    class: Class,
}

/// Tit For Tat for the first six turns. Then, on every sixth turn, counts the opponent's
/// defections among its last six moves: none is Cooperative, four or more is ALLD, exactly
/// three is STFT; otherwise the previous class stays (Random if there was none). Defects
/// against ALLD and Random, plays TFT against Cooperative, and against STFT defects only
/// after two opponent defections in a row.
pub struct APavlov2011 {
    class: Class,
}

fn tft(history: &History<'_>) -> Move {
    history.last_opponent().unwrap_or(C)
}

impl Strategy for APavlov2006 {
    fn create(text: &str) -> Result<Self, String> {
        params::parse::<()>(text).map(|()| APavlov2006 {
            class: Class::Unknown,
        })
    }
    fn reset(&mut self, _ctx: &MatchContext) {
        self.class = Class::Unknown;
    }
    fn decide(&mut self, history: &History<'_>, _rng: &mut Rng) -> Move {
        let n = history.len();
        if n < 6 {
            return tft(history);
        }
        if n.is_multiple_of(6) {
            let last6 = &history.opponent()[n - 6..];
            let class = match last6 {
                [C, C, C, C, C, C] => Some(Class::Cooperative),
                [D, D, D, D, D, D] => Some(Class::AllD),
                [D, C, D, C, D, C] => Some(Class::Stft),
                [D, D, C, D, D, C] => Some(Class::PavlovD),
                _ => None,
            };
            if let Some(c) = class {
                self.class = c;
            } else if self.class == Class::Unknown {
                self.class = Class::Random;
            }
        }
        match self.class {
            Class::Random | Class::AllD => D,
            Class::Stft if n % 6 < 2 => C,
            Class::Stft | Class::Cooperative => tft(history),
            Class::PavlovD => Move::defect_if(n.is_multiple_of(6)),
            Class::Unknown => C,
        }
    }
}

impl Strategy for APavlov2011 {
    fn create(text: &str) -> Result<Self, String> {
        params::parse::<()>(text).map(|()| APavlov2011 {
            class: Class::Unknown,
        })
    }
    fn reset(&mut self, _ctx: &MatchContext) {
        self.class = Class::Unknown;
    }
    fn decide(&mut self, history: &History<'_>, _rng: &mut Rng) -> Move {
        let n = history.len();
        if n < 6 {
            return tft(history);
        }
        let opp = history.opponent();
        if n.is_multiple_of(6) {
            let defections = opp[n - 6..].iter().filter(|&&m| m == D).count();
            let class = match defections {
                0 => Some(Class::Cooperative),
                3 => Some(Class::Stft),
                4.. => Some(Class::AllD),
                _ => None,
            };
            if let Some(c) = class {
                self.class = c;
            } else if self.class == Class::Unknown {
                self.class = Class::Random;
            }
        }
        match self.class {
            Class::Random | Class::AllD => D,
            Class::Stft => Move::defect_if(opp[n - 2..] == [D, D]),
            _ => tft(history),
        }
    }
}

pub const EXPORTS: &[StrategyDescriptor] = strategy_exports![
    APavlov2006 {
        name: "Adaptive Pavlov 2006",
        description: "Tit For Tat for six turns, then every six turns classifies the opponent (cooperative, ALLD, STFT, PavlovD or random) from its last six moves and answers accordingly.",
        params: "()",
        memory_depth: None,
        stochastic: false,
        makes_use_of: [],
    },
    APavlov2011 {
        name: "Adaptive Pavlov 2011",
        description: "Tit For Tat for six turns, then every six turns classifies the opponent (cooperative, ALLD, STFT or random) by its defections in the last six moves and answers accordingly.",
        params: "()",
        memory_depth: None,
        stochastic: false,
        makes_use_of: [],
    },
];

#[cfg(test)]
mod tests {
    use super::*;

    /// Plays `s` against a fixed sequence of opponent moves and returns its moves.
    fn against(s: &mut impl Strategy, opponent: &str) -> String {
        let opp = params::moves("opponent", opponent).unwrap();
        let mut rng = Rng::seed_from_u64(0);
        s.reset(&MatchContext::standard(Some(opp.len() as u64)));
        let mut own = Vec::new();
        for t in 0..opp.len() {
            let m = s.decide(&History::new(&own, &opp[..t]), &mut rng);
            own.push(m);
        }
        own.iter().map(|m| m.as_char()).collect()
    }

    #[test]
    fn classifies_every_six_turns() {
        let mut a = APavlov2006::create("()").unwrap();
        // STFT window: C on the first two of six, then TFT.
        assert_eq!(against(&mut a, "DCDCDCDCDCDCD"), "CDCDCDCCCDCDC");
        let mut pavlov_d = APavlov2006::create("()").unwrap();
        assert_eq!(against(&mut pavlov_d, "DDCDDCCCCCCCC"), "CDDCDDDCCCCCC");
        let mut b = APavlov2011::create("()").unwrap();
        // Three defections in six: STFT, so only two Ds in a row are punished.
        assert_eq!(against(&mut b, "DCDCDCDDCCCC"), "CDCDCDCCDCCC");
    }
}
