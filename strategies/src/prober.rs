//! Probing strategies (Axelrod's `prober` module): open with a test sequence, exploit
//! opponents that do not retaliate, and play Tit For Tat with those that do.

use serde::Deserialize;
use vertrouwen_plugins_api::abi::StrategyDescriptor;
use vertrouwen_plugins_api::{
    strategy_exports, Classifiers, History, MatchContext, Move, Rng, Strategy,
};

use crate::params;

use Move::{C, D};

/// Tit For Tat's reply: the opponent's last move, C on the first turn.
fn tit_for_tat(history: &History<'_>) -> Move {
    history.last_opponent().unwrap_or(C)
}

/// Plays C then D; keeps cooperating (until the opponent defects twice in all) only if the
/// opponent opened with exactly C, D too, and otherwise defects.
pub struct CollectiveStrategy;

impl Strategy for CollectiveStrategy {
    fn create(text: &str) -> Result<Self, String> {
        params::parse::<()>(text).map(|()| CollectiveStrategy)
    }
    fn reset(&mut self, _ctx: &MatchContext) {}
    fn decide(&mut self, history: &History<'_>, _rng: &mut Rng) -> Move {
        match history.len() {
            0 => C,
            1 => D,
            _ if history.opponent_defections() > 1 => D,
            _ => Move::cooperate_if(history.opponent()[..2] == [C, D]),
        }
    }
}

#[derive(Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
struct DetectiveParams {
    /// The opening, as a string of C and D; `None` means "CDCC".
    initial_actions: Option<String>,
}

/// Plays an opening (C, D, C, C by default); if the opponent never defected during it,
/// defects for the rest of the match, otherwise plays Tit For Tat.
pub struct Detective {
    opening: Vec<Move>,
    /// Whether the opponent defected during the opening, once the opening is over.
    provoked: Option<bool>,
}

impl Strategy for Detective {
    fn create(text: &str) -> Result<Self, String> {
        let p: DetectiveParams = params::parse(text)?;
        let opening = match p.initial_actions {
            Some(s) => params::moves("initial_actions", &s)?,
            None => vec![C, D, C, C],
        };
        Ok(Detective {
            opening,
            provoked: None,
        })
    }
    fn reset(&mut self, _ctx: &MatchContext) {
        self.provoked = None;
    }
    fn decide(&mut self, history: &History<'_>, _rng: &mut Rng) -> Move {
        let n = history.len();
        if let Some(&m) = self.opening.get(n) {
            return m;
        }
        let k = self.opening.len();
        // Scanned once, when the opening ends.
        let provoked = *self
            .provoked
            .get_or_insert_with(|| history.opponent()[..k].contains(&D));
        if provoked {
            tit_for_tat(history)
        } else {
            D
        }
    }
}

/// Which of the three opening-test strategies a [`Prober`] is.
#[derive(Clone, Copy)]
enum ProberKind {
    /// D, C, C; defects forever if the opponent answered turns 2 and 3 with C, C.
    Prober,
    /// D, C, C; cooperates forever if the opponent answered turns 2 and 3 with D, C.
    Prober2,
    /// D, C; defects forever if the opponent cooperated on turn 2.
    Prober3,
    /// D, D, C, C; defects forever if the opponent answered turns 2 and 3 with C, C.
    HardProber,
}

/// The Prober family: a fixed opening, then a verdict on the opponent's answers to it
/// (exploit, or cooperate forever), and Tit For Tat when there is no verdict.
pub struct Prober {
    kind: ProberKind,
}

impl Prober {
    fn with_kind(text: &str, kind: ProberKind) -> Result<Self, String> {
        params::parse::<()>(text).map(|()| Prober { kind })
    }
}

macro_rules! prober_kind {
    ($name:ident, $kind:ident, $doc:expr) => {
        #[doc = $doc]
        pub struct $name(Prober);

        impl Strategy for $name {
            fn create(text: &str) -> Result<Self, String> {
                Prober::with_kind(text, ProberKind::$kind).map($name)
            }
            fn reset(&mut self, ctx: &MatchContext) {
                self.0.reset(ctx)
            }
            fn decide(&mut self, history: &History<'_>, rng: &mut Rng) -> Move {
                self.0.decide(history, rng)
            }
        }
    };
}

prober_kind!(
    Prober2,
    Prober2,
    "Plays D, C, C; cooperates forever if the opponent answered turns 2-3 with D, C, else Tit For Tat."
);
prober_kind!(
    Prober3,
    Prober3,
    "Plays D, C; defects forever if the opponent cooperated on turn 2, else Tit For Tat."
);
prober_kind!(
    HardProber,
    HardProber,
    "Plays D, D, C, C; defects forever if the opponent cooperated on turns 2-3, else Tit For Tat."
);

impl Strategy for Prober {
    fn create(text: &str) -> Result<Self, String> {
        Prober::with_kind(text, ProberKind::Prober)
    }
    fn reset(&mut self, _ctx: &MatchContext) {}
    fn decide(&mut self, history: &History<'_>, _rng: &mut Rng) -> Move {
        let n = history.len();
        let opp = history.opponent();
        match self.kind {
            ProberKind::Prober | ProberKind::Prober2 => {
                if n < 3 {
                    return [D, C, C][n];
                }
            }
            ProberKind::Prober3 => {
                if n < 2 {
                    return [D, C][n];
                }
            }
            ProberKind::HardProber => {
                if n < 4 {
                    return [D, D, C, C][n];
                }
            }
        }
        match self.kind {
            ProberKind::Prober | ProberKind::HardProber if opp[1..3] == [C, C] => D,
            ProberKind::Prober2 if opp[1..3] == [D, C] => C,
            ProberKind::Prober3 if opp[1] == C => D,
            _ => tit_for_tat(history),
        }
    }
}

/// The 20-move opening of [`Prober4`].
const PROBER4_OPENING: [Move; 20] = [C, C, D, C, D, D, D, C, C, D, C, D, C, C, D, C, D, D, C, D];

/// Plays a fixed 20-move opening while counting the opponent's defections that answer its
/// own defections (just) and those that answer its cooperations (unjust). If the two counts
/// differ by at most 2 it defects forever; otherwise it cooperates 5 times and then plays
/// Tit For Tat.
pub struct Prober4 {
    just: u32,
    unjust: u32,
}

impl Strategy for Prober4 {
    fn create(text: &str) -> Result<Self, String> {
        params::parse::<()>(text).map(|()| Prober4 { just: 0, unjust: 0 })
    }
    fn reset(&mut self, _ctx: &MatchContext) {
        self.just = 0;
        self.unjust = 0;
    }
    fn decide(&mut self, history: &History<'_>, _rng: &mut Rng) -> Move {
        let n = history.len();
        let opening = PROBER4_OPENING.len();
        if n < opening {
            // Axelrod scores the rounds before each opening move, so the last opening
            // round (turn 20) is never counted.
            if n > 0 && history.last_opponent() == Some(D) {
                match history.last_own() {
                    Some(D) => self.just += 1,
                    _ => self.unjust += 1,
                }
            }
            return PROBER4_OPENING[n];
        }
        if self.just.abs_diff(self.unjust) <= 2 {
            D
        } else if n < opening + 5 {
            C
        } else {
            tit_for_tat(history)
        }
    }
}

#[derive(Deserialize)]
#[serde(default, deny_unknown_fields)]
struct ProbeParams {
    p: f64,
}

impl Default for ProbeParams {
    fn default() -> Self {
        ProbeParams { p: 0.1 }
    }
}

fn probe_classifiers(p: f64, depth: u32) -> Option<Classifiers> {
    // Axelrod classifies p = 0 and p = 1 as deterministic.
    Some(Classifiers::new(Some(depth), p != 0.0 && p != 1.0, 0))
}

/// Tit For Tat that, after an opponent's cooperation, defects anyway with probability `p`.
pub struct NaiveProber {
    p: f64,
}

impl Strategy for NaiveProber {
    fn create(text: &str) -> Result<Self, String> {
        let p: ProbeParams = params::parse(text)?;
        Ok(NaiveProber {
            p: params::probability("p", p.p)?,
        })
    }
    fn classifiers(&self) -> Option<Classifiers> {
        probe_classifiers(self.p, 1)
    }
    fn reset(&mut self, _ctx: &MatchContext) {}
    fn decide(&mut self, history: &History<'_>, rng: &mut Rng) -> Move {
        match history.last_opponent() {
            None => C,
            Some(D) => D,
            Some(C) => Move::cooperate_if(rng.chance(1.0 - self.p)),
        }
    }
}

/// Like [`NaiveProber`], but when the opponent retaliates against one of its random probes
/// it cooperates once (remorse) instead of continuing the feud.
pub struct RemorsefulProber {
    p: f64,
    /// Whether the previous move was a random probe.
    probing: bool,
}

impl Strategy for RemorsefulProber {
    fn create(text: &str) -> Result<Self, String> {
        let p: ProbeParams = params::parse(text)?;
        Ok(RemorsefulProber {
            p: params::probability("p", p.p)?,
            probing: false,
        })
    }
    fn classifiers(&self) -> Option<Classifiers> {
        probe_classifiers(self.p, 2)
    }
    fn reset(&mut self, _ctx: &MatchContext) {
        self.probing = false;
    }
    fn decide(&mut self, history: &History<'_>, rng: &mut Rng) -> Move {
        match history.last_opponent() {
            None => C,
            Some(D) => {
                let remorse = self.probing;
                self.probing = false;
                Move::cooperate_if(remorse)
            }
            Some(C) => {
                self.probing = !rng.chance(1.0 - self.p);
                Move::defect_if(self.probing)
            }
        }
    }
}

pub const EXPORTS: &[StrategyDescriptor] = strategy_exports![
    Prober {
        name: "Prober",
        description: "Opens D, C, C; defects forever if the opponent cooperated on turns 2 and 3, otherwise plays Tit For Tat.",
        params: "()",
        memory_depth: None,
        stochastic: false,
        makes_use_of: [],
    },
    Prober2 {
        name: "Prober 2",
        description: "Opens D, C, C; cooperates forever if the opponent answered turns 2 and 3 with D, C, otherwise plays Tit For Tat.",
        params: "()",
        memory_depth: None,
        stochastic: false,
        makes_use_of: [],
    },
    Prober3 {
        name: "Prober 3",
        description: "Opens D, C; defects forever if the opponent cooperated on turn 2, otherwise plays Tit For Tat.",
        params: "()",
        memory_depth: None,
        stochastic: false,
        makes_use_of: [],
    },
    Prober4 {
        name: "Prober 4",
        description: "Plays a fixed 20-move opening, compares the opponent's provoked and unprovoked defections, then defects forever if they are nearly equal, else cooperates 5 turns and plays Tit For Tat.",
        params: "()",
        memory_depth: None,
        stochastic: false,
        makes_use_of: [],
    },
    HardProber {
        name: "Hard Prober",
        description: "Opens D, D, C, C; defects forever if the opponent cooperated on turns 2 and 3, otherwise plays Tit For Tat.",
        params: "()",
        memory_depth: None,
        stochastic: false,
        makes_use_of: [],
    },
    CollectiveStrategy {
        name: "CollectiveStrategy",
        description: "Opens C, D; cooperates until the opponent's second defection if the opponent also opened C, D, otherwise defects.",
        params: "()",
        memory_depth: None,
        stochastic: false,
        makes_use_of: [],
    },
    Detective {
        name: "Detective",
        description: "Opens C, D, C, C; defects forever if the opponent never defected in the opening, otherwise plays Tit For Tat.",
        params: "(initial_actions: None)",
        memory_depth: None,
        stochastic: false,
        makes_use_of: [],
    },
    NaiveProber {
        name: "Naive Prober",
        description: "Tit For Tat that defects with probability p (default 0.1) after an opponent's cooperation.",
        params: "(p: 0.1)",
        memory_depth: Some(1),
        stochastic: true,
        makes_use_of: [],
    },
    RemorsefulProber {
        name: "Remorseful Prober",
        description: "Naive Prober that cooperates once when the opponent retaliates against one of its random probes.",
        params: "(p: 0.1)",
        memory_depth: Some(2),
        stochastic: true,
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

    fn make<S: Strategy>() -> S {
        S::create("()").unwrap()
    }

    #[test]
    fn probers_exploit_or_reciprocate() {
        assert_eq!(against(&mut make::<Prober>(), "CCCCC"), "DCCDD");
        assert_eq!(against(&mut make::<Prober>(), "CDCDC"), "DCCCD");
        assert_eq!(against(&mut make::<Prober2>(), "CDCDD"), "DCCCC");
        assert_eq!(against(&mut make::<Prober3>(), "CCCC"), "DCDD");
        assert_eq!(against(&mut make::<Prober3>(), "DDCC"), "DCDC");
        assert_eq!(against(&mut make::<HardProber>(), "CCCCC"), "DDCCD");
    }

    #[test]
    fn collective_and_detective() {
        assert_eq!(
            against(&mut make::<CollectiveStrategy>(), "CDCCDC"),
            "CDCCCD"
        );
        assert_eq!(against(&mut make::<CollectiveStrategy>(), "CCCC"), "CDDD");
        assert_eq!(against(&mut make::<Detective>(), "CCCCCC"), "CDCCDD");
        assert_eq!(against(&mut make::<Detective>(), "CDCCDC"), "CDCCCD");
        let mut short = Detective::create("(initial_actions: Some(\"D\"))").unwrap();
        assert_eq!(against(&mut short, "DCD"), "DDC");
        assert!(Detective::create("(initial_actions: Some(\"X\"))").is_err());
    }

    #[test]
    fn prober4_turns_defector_against_cooperator() {
        let mut p = make::<Prober4>();
        let all_c = "C".repeat(30);
        let expected = "CCDCDDDCCDCDCCDCDDCDDDDDDDDDDD";
        assert_eq!(against(&mut p, &all_c), expected);
    }

    #[test]
    fn naive_and_remorseful_probers() {
        assert!(NaiveProber::create("(p: 1.5)").is_err());
        let mut never = NaiveProber::create("(p: 0.0)").unwrap();
        assert_eq!(against(&mut never, "CDCD"), "CCDC");
        let mut always = RemorsefulProber::create("(p: 1.0)").unwrap();
        // Probes after every C, and shows remorse for the retaliation that follows.
        assert_eq!(against(&mut always, "CCDDC"), "CDDCD");
        assert!(!always.classifiers().unwrap().is_stochastic());
    }
}
