//! `vertrouwen match A B`: one match, its moves and scores.

use vertrouwen_engine::matchup::{play_recorded, MatchLength, MAX_TURNS};
use vertrouwen_engine::values::human_bytes;
use vertrouwen_output::{convert, json_line, text};

use crate::args::MatchArgs;
use crate::failure::Failure;
use crate::settings;
use crate::terminal::print;

/// A total score beyond this could overflow (payoff times turns).
const LARGEST_TOTAL: f64 = 1e300;

pub fn play(a: MatchArgs) -> Result<(), Failure> {
    let registry = settings::registry(&a.plugins, None)?;
    let mut spec = settings::match_spec(a.turns, a.prob_end, a.noise, &a.game)?;
    vertrouwen_engine::trust::validate_run(a.trust_run)
        .map_err(|m| Failure::flag("--trust-run", m))?;
    spec.trust_run = a.trust_run;
    let longest = match spec.length {
        MatchLength::Fixed(t) => t,
        MatchLength::Geometric { cap, .. } => cap.unwrap_or(MAX_TURNS),
    };
    let largest = spec.game.largest_payoff();
    if largest * longest as f64 > LARGEST_TOTAL {
        return Err(Failure::flag(
            "--game",
            format!("a payoff of {largest:e} over up to {longest} turns could overflow the largest number (about 1.8e308); scale the game down"),
        ));
    }
    let needs = spec.recorded_match_bytes(a.seed.get());
    let limit = a.memory.max_memory;
    if needs > limit.get() as f64 {
        return Err(Failure::flag(
            "--turns",
            format!(
                "needs about {} of memory for the moves of a match of {} turns; the limit is {}{}",
                human_bytes(needs),
                spec.turns_for(a.seed.get()),
                human_bytes(limit.get() as f64),
                crate::failure::MEMORY_HINT
            ),
        ));
    }
    let p1 = registry.resolve(&a.player1)?;
    let p2 = registry.resolve(&a.player2)?;
    let rec = play_recorded(
        [(p1, a.params1.as_deref()), (p2, a.params2.as_deref())],
        &spec,
        a.seed.get(),
    )?;
    if a.json {
        print(&json_line(&convert::match_document(&rec))?)
    } else {
        print(&text::match_report(&rec))?;
        print(&format!(
            "{:>12}: {}\n",
            "trust",
            crate::report_cmd::trust_marks(&rec)
        ))
    }
}
