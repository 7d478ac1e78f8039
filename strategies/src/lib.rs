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
pub mod presets;
#[cfg(test)]
mod testkit;

pub mod adaptive;
pub mod adaptor;
pub mod ann;
pub mod apavlov;
pub mod appeaser;
pub mod averagecopier;
pub mod axelrod_first;
pub mod axelrod_second;
pub mod backstabber;
pub mod basic;
pub mod better_and_better;
pub mod bush_mosteller;
pub mod calculator;
pub mod cycler;
pub mod doubler;
pub mod forgiver;
pub mod frequency_analyzer;
pub mod fsm;
pub mod gambler;
pub mod gobymajority;
pub mod gradualkiller;
pub mod grudger;
pub mod grumpy;
pub mod handshake;
pub mod hmm;
pub mod hunter;
pub mod inverse;
pub mod lookerup;
pub mod mathematicalconstants;
pub mod memoryone;
pub mod memorytwo;
pub mod meta;
pub mod momentum;
pub mod mutual;
pub mod negation;
pub mod oncebitten;
pub mod prober;
pub mod punisher;
pub mod qlearner;
pub mod resurrection;
pub mod retaliate;
pub mod revised_downing;
pub mod selfsteem;
pub mod sequence_player;
pub mod shortmem;
pub mod stalker;
pub mod titfortat;
pub mod trust;
pub mod verybad;
pub mod worse_and_worse;
pub mod zero_determinant;

/// Exports every family (through `export_plugin!`) and lists them in [`FAMILIES`], from one
/// list so that the two cannot disagree.
macro_rules! families {
    ($($family:ident),* $(,)?) => {
        vertrouwen_plugins_api::export_plugin! {
            plugin: "vertrouwen-strategies",
            version: env!("CARGO_PKG_VERSION"),
            families: [$($family::EXPORTS),*],
        }

        /// Every family module's name and exports, in export order: the header lists the
        /// strategies of `FAMILIES[0]` first, then those of `FAMILIES[1]`, and so on (benches
        /// and tests use it to group the built-ins by family).
        pub const FAMILIES: &[(&str, &[vertrouwen_plugins_api::abi::StrategyDescriptor])] =
            &[$((stringify!($family), $family::EXPORTS)),*];
    };
}

families![
    basic,
    titfortat,
    grudger,
    punisher,
    retaliate,
    backstabber,
    appeaser,
    oncebitten,
    forgiver,
    resurrection,
    grumpy,
    doubler,
    verybad,
    mutual,
    inverse,
    negation,
    averagecopier,
    axelrod_first,
    axelrod_second,
    fsm,
    lookerup,
    sequence_player,
    mathematicalconstants,
    hunter,
    ann,
    gambler,
    hmm,
    qlearner,
    prober,
    handshake,
    gradualkiller,
    cycler,
    gobymajority,
    memoryone,
    zero_determinant,
    apavlov,
    adaptive,
    memorytwo,
    frequency_analyzer,
    momentum,
    shortmem,
    revised_downing,
    worse_and_worse,
    better_and_better,
    selfsteem,
    stalker,
    calculator,
    adaptor,
    bush_mosteller,
    trust,
    meta,
];

/// Other names users know these strategies by: Axelrod-Python 4.14.0's class-level names where
/// they differ from the name a default instance prints (`axl.GoByMajority5.name` is
/// "Go By Majority 5", `str(axl.GoByMajority5())` is "Soft Go By Majority: 5"). Pairs of
/// (alias, display name); engines register them with `Registry::add_alias`.
pub const ALIASES: &[(&str, &str)] = &[
    ("Go By Majority", "Soft Go By Majority"),
    ("Go By Majority 5", "Soft Go By Majority: 5"),
    ("Go By Majority 10", "Soft Go By Majority: 10"),
    ("Go By Majority 20", "Soft Go By Majority: 20"),
    ("Go By Majority 40", "Soft Go By Majority: 40"),
    ("Hard Go By Majority 5", "Hard Go By Majority: 5"),
    ("Hard Go By Majority 10", "Hard Go By Majority: 10"),
    ("Hard Go By Majority 20", "Hard Go By Majority: 20"),
    ("Hard Go By Majority 40", "Hard Go By Majority: 40"),
];
