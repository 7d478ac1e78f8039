//! `vertrouwen games`: the named payoff presets.

use vertrouwen_engine::game::PRESETS;
use vertrouwen_output::schema::{PresetJson, Real};
use vertrouwen_output::{json_text, text};

use crate::args::GamesArgs;
use crate::failure::Failure;
use crate::terminal::print;

pub fn list(a: GamesArgs) -> Result<(), Failure> {
    if a.json {
        let list: Vec<PresetJson> = PRESETS
            .iter()
            .map(|(name, g, about)| PresetJson {
                name: name.to_string(),
                r: Real(g.r),
                s: Real(g.s),
                t: Real(g.t),
                p: Real(g.p),
                description: about.to_string(),
            })
            .collect();
        print(&json_text(&list)?)
    } else {
        print(&text::game_list())
    }
}
