//! Validated values from user input: each type can only hold a value in its range, so a spec
//! built from them needs no second check.
//!
//! The same types are read from study files (serde `try_from`, so a bad value is reported at
//! its own line and column by the RON parser) and from command-line flags (`FromStr`, so clap
//! names the flag). Every error says what was expected.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::matchup::MAX_TURNS;

/// A value out of its range, or text that is not a value of the expected kind.
#[derive(Clone, Debug, Error, PartialEq, Eq)]
#[error("{0}")]
pub struct ValueError(pub String);

fn err<T>(message: String) -> Result<T, ValueError> {
    Err(ValueError(message))
}

fn parse_f64(text: &str) -> Result<f64, ValueError> {
    let t = text.trim();
    t.parse::<f64>()
        .map_err(|_| ValueError(format!("cannot read {t:?} as a number")))
}

fn parse_u64(text: &str) -> Result<u64, ValueError> {
    let t = text.trim();
    t.parse::<u64>()
        .map_err(|_| ValueError(format!("cannot read {t:?} as a whole number >= 0")))
}

/// Declares a newtype over a number with a range check, `TryFrom`, `FromStr`, `get` and
/// `Display`.
macro_rules! bounded {
    ($(#[$doc:meta])* $name:ident($raw:ty, $raw_name:literal), $parse:expr, |$v:ident| $check:expr) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, PartialOrd, Serialize, Deserialize)]
        #[serde(try_from = $raw_name, into = $raw_name)]
        pub struct $name($raw);

        impl $name {
            /// The value.
            pub fn get(self) -> $raw {
                self.0
            }
        }

        impl TryFrom<$raw> for $name {
            type Error = ValueError;
            fn try_from($v: $raw) -> Result<Self, ValueError> {
                let checked: Result<(), String> = $check;
                checked.map_err(ValueError)?;
                Ok($name($v))
            }
        }

        impl From<$name> for $raw {
            fn from(v: $name) -> $raw {
                v.0
            }
        }

        impl FromStr for $name {
            type Err = ValueError;
            fn from_str(text: &str) -> Result<Self, ValueError> {
                let parse: fn(&str) -> Result<$raw, ValueError> = $parse;
                $name::try_from(parse(text)?)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }
    };
}

bounded!(
    /// A probability: finite, in `[0, 1]` (noise, mutation).
    Probability(f64, "f64"),
    parse_f64,
    |v| if (0.0..=1.0).contains(&v) {
        Ok(())
    } else {
        Err(format!("expected a probability in [0, 1], got {v}"))
    }
);

bounded!(
    /// The probability that a match ends after each turn: in `(0, 1]`.
    EndProbability(f64, "f64"),
    parse_f64,
    |v| if v > 0.0 && v <= 1.0 {
        Ok(())
    } else {
        Err(format!(
            "expected the chance that a match ends after each turn, in (0, 1], got {v}"
        ))
    }
);

bounded!(
    /// Turns of a match: `1..=MAX_TURNS` (what a match can count; memory is checked later).
    Turns(u64, "u64"),
    parse_u64,
    |v| if (1..=MAX_TURNS).contains(&v) {
        Ok(())
    } else {
        Err(format!("expected a number of turns from 1 to {MAX_TURNS}, got {v}"))
    }
);

bounded!(
    /// Matches per pair (or per stochastic pair): at least 1.
    Repetitions(u32, "u32"),
    |t| {
        let v = parse_u64(t)?;
        u32::try_from(v).map_err(|_| ValueError(format!("expected at most {} repetitions, got {v}", u32::MAX)))
    },
    |v| if v >= 1 {
        Ok(())
    } else {
        Err("expected at least 1 repetition, got 0".to_string())
    }
);

impl From<Repetitions> for u64 {
    fn from(v: Repetitions) -> u64 {
        u64::from(v.get())
    }
}

bounded!(
    /// A finite population's size: at least 2 (an upper bound comes from memory, see
    /// [`crate::study::memory`]).
    Population(u64, "u64"),
    parse_u64,
    |v| if v >= 2 {
        Ok(())
    } else {
        Err(format!("expected a population of at least 2, got {v}"))
    }
);

bounded!(
    /// A master seed: any whole number from 0 to 2^64 - 1.
    Seed(u64, "u64"),
    parse_u64,
    |_v| Ok(())
);

bounded!(
    /// An intensity of selection (`w` of the Moran process, `beta` of the Fermi process):
    /// finite and `>= 0`.
    Intensity(f64, "f64"),
    parse_f64,
    |v| if v.is_finite() && v >= 0.0 {
        Ok(())
    } else {
        Err(format!("expected an intensity of selection, finite and >= 0, got {v}"))
    }
);

bounded!(
    /// The end time of the continuous replicator equation: finite and `> 0`.
    Time(f64, "f64"),
    parse_f64,
    |v| if v.is_finite() && v > 0.0 {
        Ok(())
    } else {
        Err(format!("expected a time, finite and > 0, got {v}"))
    }
);

bounded!(
    /// Output intervals of a continuous trajectory: at least 1.
    Points(u64, "u64"),
    parse_u64,
    |v| if v >= 1 {
        Ok(())
    } else {
        Err("expected at least 1 output interval, got 0".to_string())
    }
);

bounded!(
    /// Generations of the discrete replicator map (0 gives just the initial shares).
    Generations(u64, "u64"),
    parse_u64,
    |_v| Ok(())
);

bounded!(
    /// Independent runs of a simulation: at least 1.
    Runs(u64, "u64"),
    parse_u64,
    |v| if v >= 1 {
        Ok(())
    } else {
        Err("expected at least 1 run, got 0".to_string())
    }
);

bounded!(
    /// A step limit: at least 1.
    Steps(u64, "u64"),
    parse_u64,
    |v| if v >= 1 {
        Ok(())
    } else {
        Err("expected a step limit of at least 1, got 0".to_string())
    }
);

bounded!(
    /// A payoff: any finite number.
    Payoff(f64, "f64"),
    parse_f64,
    |v| if v.is_finite() {
        Ok(())
    } else {
        Err(format!("expected a finite payoff, got {v}"))
    }
);

/// The longest label: long enough for any name, short enough that a table stays a table.
pub const MAX_LABEL_CHARS: usize = 1 << 20;

/// A player's or strategy's name in the results: one line of text, not empty.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Label(String);

impl Label {
    /// The text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The text, owned.
    pub fn into_string(self) -> String {
        self.0
    }
}

impl TryFrom<String> for Label {
    type Error = ValueError;
    fn try_from(s: String) -> Result<Self, ValueError> {
        if s.trim().is_empty() {
            return err("expected a label with at least one visible character".into());
        }
        if let Some(c) = s.chars().find(|c| c.is_control()) {
            return err(format!(
                "a label is one line of text; it contains the control character {c:?}"
            ));
        }
        if s.chars().count() > MAX_LABEL_CHARS {
            return err(format!(
                "expected a label of at most {MAX_LABEL_CHARS} characters, got {}",
                s.chars().count()
            ));
        }
        Ok(Label(s))
    }
}

impl From<Label> for String {
    fn from(l: Label) -> String {
        l.0
    }
}

impl FromStr for Label {
    type Err = ValueError;
    fn from_str(s: &str) -> Result<Self, ValueError> {
        Label::try_from(s.to_string())
    }
}

impl fmt::Display for Label {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Initial shares of an infinite population: finite, `>= 0`, with a positive finite sum
/// (normalised by the dynamics; counts may be given).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "Vec<f64>", into = "Vec<f64>")]
pub struct Shares(Vec<f64>);

impl Shares {
    /// The shares as given (not normalised).
    pub fn as_slice(&self) -> &[f64] {
        &self.0
    }

    /// Number of shares.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Never true for a valid value (kept for clippy's `len` convention).
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// `n` equal shares.
    pub fn uniform(n: usize) -> Shares {
        Shares(vec![1.0 / n.max(1) as f64; n.max(1)])
    }

    /// Parses `"0.2,0.3,0.5"` (the `--x0` flag).
    pub fn parse_list(text: &str) -> Result<Shares, ValueError> {
        let values = text
            .split(',')
            .enumerate()
            .map(|(i, v)| parse_f64(v).map_err(|e| ValueError(format!("share {}: {}", i + 1, e.0))))
            .collect::<Result<Vec<_>, _>>()?;
        Shares::try_from(values)
    }
}

impl TryFrom<Vec<f64>> for Shares {
    type Error = ValueError;
    fn try_from(v: Vec<f64>) -> Result<Self, ValueError> {
        if v.is_empty() {
            return err("expected at least one share".into());
        }
        if let Some((i, x)) = v
            .iter()
            .enumerate()
            .find(|(_, x)| !x.is_finite() || **x < 0.0)
        {
            return err(format!(
                "expected shares that are finite and >= 0; share {} is {x}",
                i + 1
            ));
        }
        let total: f64 = v.iter().sum();
        if !(total > 0.0 && total.is_finite()) {
            return err(format!(
                "expected shares with a positive, finite sum, got {total}"
            ));
        }
        Ok(Shares(v))
    }
}

impl From<Shares> for Vec<f64> {
    fn from(s: Shares) -> Vec<f64> {
        s.0
    }
}

impl FromStr for Shares {
    type Err = ValueError;
    fn from_str(text: &str) -> Result<Self, ValueError> {
        Shares::parse_list(text)
    }
}

/// A memory budget in bytes, written as a number with an optional unit: `4G`, `512M`, `64K`,
/// `4GiB`, `1000000` (bytes). Units are powers of 1024.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct MemoryLimit(u64);

impl MemoryLimit {
    /// The default budget of a run: 4 GiB.
    pub const DEFAULT: MemoryLimit = MemoryLimit(4 << 30);

    /// A budget of `bytes`.
    pub fn bytes(bytes: u64) -> MemoryLimit {
        MemoryLimit(bytes)
    }

    /// The budget in bytes.
    pub fn get(self) -> u64 {
        self.0
    }
}

impl Default for MemoryLimit {
    fn default() -> Self {
        MemoryLimit::DEFAULT
    }
}

impl FromStr for MemoryLimit {
    type Err = ValueError;
    fn from_str(text: &str) -> Result<Self, ValueError> {
        let t = text.trim();
        let split = t
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(t.len());
        let (number, unit) = t.split_at(split);
        let shift = match unit.trim().to_ascii_uppercase().as_str() {
            "" | "B" => 0,
            "K" | "KB" | "KIB" => 10,
            "M" | "MB" | "MIB" => 20,
            "G" | "GB" | "GIB" => 30,
            "T" | "TB" | "TIB" => 40,
            other => {
                return err(format!(
                    "unknown unit {other:?} in {t:?}; expected a size such as 4G, 512M or 1000000"
                ))
            }
        };
        let n: f64 = number.parse().map_err(|_| {
            ValueError(format!(
                "expected a size such as 4G, 512M or 1000000, got {t:?}"
            ))
        })?;
        let bytes = n * (1u64 << shift) as f64;
        if !(bytes >= 1.0 && bytes < u64::MAX as f64) {
            return err(format!("expected a size of at least 1 byte, got {t:?}"));
        }
        Ok(MemoryLimit(bytes as u64))
    }
}

impl fmt::Display for MemoryLimit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&human_bytes(self.0 as f64))
    }
}

/// `1.5 GiB`-style text for a byte count.
pub fn human_bytes(bytes: f64) -> String {
    const UNITS: [&str; 7] = ["bytes", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"];
    let mut v = bytes;
    let mut unit = 0;
    while v >= 1024.0 && unit + 1 < UNITS.len() {
        v /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{v:.0} bytes")
    } else {
        format!("{v:.1} {}", UNITS[unit])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_are_checked_with_messages_that_say_what_was_expected() {
        assert!(Probability::try_from(1.5).unwrap_err().0.contains("[0, 1]"));
        assert!(Probability::try_from(f64::NAN).is_err());
        assert_eq!(Probability::try_from(1.0).unwrap().get(), 1.0);
        assert!(EndProbability::try_from(0.0).is_err());
        assert!(Turns::try_from(0).is_err());
        assert!(Turns::try_from(MAX_TURNS + 1).is_err());
        assert!(Repetitions::from_str("0").is_err());
        assert!(Repetitions::from_str("4294967296")
            .unwrap_err()
            .0
            .contains("at most"));
        assert!(Population::try_from(1).is_err());
        assert!(Intensity::try_from(-0.1).is_err());
        assert!(Intensity::try_from(f64::INFINITY).is_err());
        assert!(Time::try_from(0.0).is_err());
        assert!(Points::from_str("x").unwrap_err().0.contains("\"x\""));
        assert!(Payoff::try_from(f64::NEG_INFINITY).is_err());
    }

    #[test]
    fn labels_are_one_visible_line() {
        assert!(Label::from_str("").is_err());
        assert!(Label::from_str("  ").is_err());
        assert!(Label::from_str("a\nb").is_err());
        assert_eq!(
            Label::from_str("Tit For Tat").unwrap().as_str(),
            "Tit For Tat"
        );
        let long = "x".repeat(65_536);
        assert!(Label::from_str(&long).is_ok());
    }

    #[test]
    fn shares_and_memory_sizes_parse() {
        assert_eq!(
            Shares::parse_list("0.2, 0.3,0.5").unwrap().as_slice(),
            &[0.2, 0.3, 0.5]
        );
        assert!(Shares::parse_list("1,-2")
            .unwrap_err()
            .0
            .contains("share 2"));
        assert!(Shares::parse_list("0,0").is_err());
        assert!(Shares::parse_list("1,x").unwrap_err().0.contains("share 2"));
        assert_eq!(MemoryLimit::from_str("4G").unwrap().get(), 4 << 30);
        assert_eq!(MemoryLimit::from_str("512 MiB").unwrap().get(), 512 << 20);
        assert_eq!(MemoryLimit::from_str("1000").unwrap().get(), 1000);
        assert!(MemoryLimit::from_str("4Q").is_err());
        assert!(MemoryLimit::from_str("0").is_err());
        assert_eq!(human_bytes(1536.0), "1.5 KiB");
    }
}
