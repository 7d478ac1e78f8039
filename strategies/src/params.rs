//! Parameter parsing shared by the built-in strategies: RON text into a typed struct.

use serde::de::DeserializeOwned;

/// Parses a strategy's parameter text. Empty text means "all defaults" (`()`).
///
/// Parameter structs should use `#[serde(default, deny_unknown_fields)]` so that a typo in a
/// tournament file is an error that names the field, not a silently ignored value.
pub fn parse<P: DeserializeOwned>(text: &str) -> Result<P, String> {
    let text = if text.trim().is_empty() { "()" } else { text };
    ron::from_str(text).map_err(|e| format!("bad parameters {text:?}: {e}"))
}

/// Checks that a probability lies in [0, 1].
pub fn probability(name: &str, p: f64) -> Result<f64, String> {
    if (0.0..=1.0).contains(&p) {
        Ok(p)
    } else {
        Err(format!(
            "parameter `{name}` must be a probability in [0, 1], got {p}"
        ))
    }
}

/// Parses a string of `C`/`D` characters into moves.
pub fn moves(name: &str, text: &str) -> Result<Vec<vertrouwen_plugins_api::Move>, String> {
    text.chars()
        .map(|c| {
            vertrouwen_plugins_api::Move::from_char(c).ok_or_else(|| {
                format!("parameter `{name}` must contain only C and D, got {text:?}")
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Deserialize, Debug, PartialEq)]
    #[serde(default, deny_unknown_fields)]
    struct P {
        p: f64,
        cycle: String,
    }
    impl Default for P {
        fn default() -> Self {
            P {
                p: 0.5,
                cycle: "CD".into(),
            }
        }
    }

    #[test]
    fn defaults_and_overrides() {
        assert_eq!(parse::<P>("").unwrap(), P::default());
        assert_eq!(parse::<P>("()").unwrap(), P::default());
        assert_eq!(parse::<P>("(p: 0.25)").unwrap().p, 0.25);
    }

    #[test]
    fn unknown_field_is_named() {
        let e = parse::<P>("(q: 1.0)").unwrap_err();
        assert!(e.contains('q'), "{e}");
    }

    #[test]
    fn probability_and_moves_validate() {
        assert!(probability("p", 1.5).is_err());
        assert!(moves("cycle", "CCX").is_err());
        assert_eq!(moves("cycle", "CD").unwrap().len(), 2);
    }
}
