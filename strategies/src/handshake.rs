//! Handshake (Axelrod's `handshake` module): recognise a copy of oneself by an opening
//! signature.

use serde::Deserialize;
use vertrouwen_plugins_api::abi::StrategyDescriptor;
use vertrouwen_plugins_api::{strategy_exports, History, MatchContext, Move, Rng, Strategy};

use crate::params;

#[derive(Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
struct HandshakeParams {
    /// The signature as a string of C and D; `None` (or empty) means "CD".
    initial_plays: Option<String>,
}

/// Plays a signature opening (C, D by default); afterwards cooperates forever if the
/// opponent opened with the same signature, and defects forever otherwise.
pub struct Handshake {
    signature: Vec<Move>,
    /// Whether the opponent answered with the signature, once the opening is over.
    matched: Option<bool>,
}

impl Strategy for Handshake {
    fn create(text: &str) -> Result<Self, String> {
        let p: HandshakeParams = params::parse(text)?;
        let mut signature =
            params::moves("initial_plays", p.initial_plays.as_deref().unwrap_or(""))?;
        if signature.is_empty() {
            // Axelrod falls back to the default for an empty signature too.
            signature = vec![Move::C, Move::D];
        }
        Ok(Handshake {
            signature,
            matched: None,
        })
    }
    fn reset(&mut self, _ctx: &MatchContext) {
        self.matched = None;
    }
    fn decide(&mut self, history: &History<'_>, _rng: &mut Rng) -> Move {
        if let Some(&m) = self.signature.get(history.len()) {
            return m;
        }
        let k = self.signature.len();
        // Compared once, when the opening ends.
        let signature = &self.signature;
        let matched = *self
            .matched
            .get_or_insert_with(|| history.opponent()[..k] == signature[..]);
        Move::cooperate_if(matched)
    }
}

pub const EXPORTS: &[StrategyDescriptor] = strategy_exports![Handshake {
    name: "Handshake",
    description:
        "Opens C, D; cooperates forever if the opponent opened C, D too, otherwise defects forever.",
    params: "(initial_plays: None)",
    memory_depth: None,
    stochastic: false,
    makes_use_of: [],
},];

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
    fn cooperates_only_with_the_signature() {
        let mut h = Handshake::create("()").unwrap();
        assert_eq!(against(&mut h, "CDDDD"), "CDCCC");
        assert_eq!(against(&mut h, "CCCCC"), "CDDDD");
        let mut custom = Handshake::create("(initial_plays: Some(\"DDC\"))").unwrap();
        assert_eq!(against(&mut custom, "DDCDD"), "DDCCC");
        assert!(Handshake::create("(initial_plays: Some(\"CQ\"))").is_err());
    }
}
