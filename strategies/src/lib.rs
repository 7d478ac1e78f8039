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

vertrouwen_plugins_api::export_plugin! {
    plugin: "vertrouwen-strategies",
    version: env!("CARGO_PKG_VERSION"),
    families: [
        basic::EXPORTS,
    ],
}
