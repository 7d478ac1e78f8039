//! # vertrouwen-strategies: the built-in strategy library
//!
//! Written against `vertrouwen-plugins-api` exactly as a third-party plugin would be: every
//! strategy implements the safe [`Strategy`](vertrouwen_plugins_api::Strategy) trait and is
//! exported through [`export_plugin!`](vertrouwen_plugins_api::export_plugin). The crate is
//! linked statically into the `vertrouwen` binary ([`plugin_header`]) and also builds as a
//! `cdylib` that the engine can load like any submission.
//!
//! One module per family; each has an `EXPORTS` list. Strategies that also exist in
//! Axelrod-Python 4.14.0 carry its display name, default parameters and classifiers, and play
//! its moves (deterministic ones move for move; the fixture tests in `tests/` prove it).

pub mod params;

pub mod basic;
pub mod titfortat;
pub mod grudger;
pub mod punisher;
pub mod retaliate;
pub mod backstabber;
pub mod appeaser;
pub mod oncebitten;
pub mod forgiver;
pub mod resurrection;
pub mod grumpy;
pub mod doubler;
pub mod verybad;
pub mod mutual;
pub mod inverse;
pub mod negation;
pub mod averagecopier;
pub mod axelrod_first;
pub mod axelrod_second;
pub mod fsm;
pub mod lookerup;
pub mod sequence_player;
pub mod mathematicalconstants;
pub mod hunter;
pub mod ann;
pub mod gambler;
pub mod hmm;
pub mod qlearner;
pub mod prober;
pub mod handshake;
pub mod gradualkiller;
pub mod cycler;
pub mod gobymajority;
pub mod memoryone;
pub mod zero_determinant;
pub mod apavlov;
pub mod adaptive;
pub mod memorytwo;
pub mod frequency_analyzer;
pub mod momentum;
pub mod shortmem;
pub mod revised_downing;
pub mod worse_and_worse;
pub mod better_and_better;
pub mod selfsteem;
pub mod stalker;
pub mod calculator;
pub mod adaptor;
pub mod bush_mosteller;

vertrouwen_plugins_api::export_plugin! {
    plugin: "vertrouwen-strategies",
    version: env!("CARGO_PKG_VERSION"),
    families: [
        basic::EXPORTS,
        titfortat::EXPORTS,
        grudger::EXPORTS,
        punisher::EXPORTS,
        retaliate::EXPORTS,
        backstabber::EXPORTS,
        appeaser::EXPORTS,
        oncebitten::EXPORTS,
        forgiver::EXPORTS,
        resurrection::EXPORTS,
        grumpy::EXPORTS,
        doubler::EXPORTS,
        verybad::EXPORTS,
        mutual::EXPORTS,
        inverse::EXPORTS,
        negation::EXPORTS,
        averagecopier::EXPORTS,
        axelrod_first::EXPORTS,
        axelrod_second::EXPORTS,
        fsm::EXPORTS,
        lookerup::EXPORTS,
        sequence_player::EXPORTS,
        mathematicalconstants::EXPORTS,
        hunter::EXPORTS,
        ann::EXPORTS,
        gambler::EXPORTS,
        hmm::EXPORTS,
        qlearner::EXPORTS,
        prober::EXPORTS,
        handshake::EXPORTS,
        gradualkiller::EXPORTS,
        cycler::EXPORTS,
        gobymajority::EXPORTS,
        memoryone::EXPORTS,
        zero_determinant::EXPORTS,
        apavlov::EXPORTS,
        adaptive::EXPORTS,
        memorytwo::EXPORTS,
        frequency_analyzer::EXPORTS,
        momentum::EXPORTS,
        shortmem::EXPORTS,
        revised_downing::EXPORTS,
        worse_and_worse::EXPORTS,
        better_and_better::EXPORTS,
        selfsteem::EXPORTS,
        stalker::EXPORTS,
        calculator::EXPORTS,
        adaptor::EXPORTS,
        bush_mosteller::EXPORTS,
    ],
}
