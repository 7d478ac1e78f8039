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

/// Formats a finite float as Python's `repr` does, for `summary.csv` (compared with
/// Axelrod-Python's own): shortest round-trip digits, `.0` on integral values, scientific
/// notation below 1e-4 and from 1e16 on (`1e-05`, `1.5e+16`).
pub fn py_float(x: f64) -> Result<String, WriteError> {
    if !x.is_finite() {
        return Err(WriteError::NonFinite(x));
    }
    if x == 0.0 {
        return Ok(if x.is_sign_negative() { "-0.0" } else { "0.0" }.into());
    }
    if !(1e-4..1e16).contains(&x.abs()) {
        let s = format!("{x:e}");
        let (mantissa, exp) = s.split_once('e').expect("`{:e}` writes an exponent");
        let exp: i32 = exp.parse().expect("`{:e}` writes exponent digits");
        let sign = if exp < 0 { '-' } else { '+' };
        return Ok(format!("{mantissa}e{sign}{:02}", exp.abs()));
    }
    let s = format!("{x}");
    Ok(if s.contains('.') { s } else { format!("{s}.0") })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Expected texts are CPython 3.11's `repr` of the same doubles.
    #[test]
    fn python_float_formatting() {
        for (x, text) in [
            (2.0, "2.0"),
            (0.0, "0.0"),
            (-0.0, "-0.0"),
            (2.1750000000000003, "2.1750000000000003"),
            (1e-5, "1e-05"),
            (0.0001, "0.0001"),
            (1.5e16, "1.5e+16"),
            (-3.25, "-3.25"),
            (123456789.0, "123456789.0"),
        ] {
            assert_eq!(py_float(x).unwrap(), text);
        }
        assert!(py_float(f64::NAN).is_err());
        assert!(py_float(f64::INFINITY).is_err());
    }

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
