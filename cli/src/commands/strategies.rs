//! `vertrouwen strategies`: every strategy with its classifiers.

use vertrouwen_output::schema::StrategyJson;
use vertrouwen_output::{json_text, text};

use crate::args::StrategiesArgs;
use crate::failure::Failure;
use crate::settings;
use crate::terminal::{note, print};

pub fn list(a: StrategiesArgs) -> Result<(), Failure> {
    let registry = settings::registry(&a.plugins, None)?;
    if a.json {
        let list: Vec<StrategyJson> = registry
            .entries()
            .iter()
            .map(|e| {
                let mut uses = Vec::new();
                if e.classifiers.uses_length() {
                    uses.push("length".to_string());
                }
                if e.classifiers.uses_game() {
                    uses.push("game".to_string());
                }
                StrategyJson {
                    name: e.name.clone(),
                    description: e.description.clone(),
                    stochastic: e.classifiers.is_stochastic(),
                    memory_depth: e.classifiers.memory(),
                    makes_use_of: uses,
                    params: e.default_params.clone(),
                    source: e.source.to_string(),
                }
            })
            .collect();
        print(&json_text(&list)?)
    } else {
        print(&text::strategy_list(registry.entries()))?;
        note(&format!("{} strategies", registry.entries().len()));
        Ok(())
    }
}
