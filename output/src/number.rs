//! Numbers in CSV files: the shortest text that reads back as the same double (Ryu, the
//! algorithm serde_json uses for `results.json`, so a number is written the same way in both):
//! `0.1`, `30.0`, `2.1147e-43`. NaN and infinities are refused: every result is a finite number.

use crate::WriteError;

/// The shortest round-trip text of a finite `x`.
pub fn shortest(x: f64) -> Result<String, WriteError> {
    if !x.is_finite() {
        return Err(WriteError::NonFinite(x));
    }
    Ok(ryu::Buffer::new().format_finite(x).to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shortest_round_trip_text() {
        for (x, text) in [
            (0.1, "0.1"),
            (30.0, "30.0"),
            (0.1 + 0.2, "0.30000000000000004"),
            (2.1147e-43, "2.1147e-43"),
            (1e16, "1e16"),
            (-0.0, "-0.0"),
        ] {
            assert_eq!(shortest(x).unwrap(), text);
            assert_eq!(text.parse::<f64>().unwrap().to_bits(), x.to_bits());
        }
        assert!(shortest(f64::NAN).is_err());
        assert!(shortest(f64::NEG_INFINITY).is_err());
    }
}
