//! Linear scales, round tick values, and numbers written for people.

/// Maps the domain `[d0, d1]` onto the range `[r0, r1]`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Linear {
    pub d0: f64,
    pub d1: f64,
    pub r0: f64,
    pub r1: f64,
}

impl Linear {
    pub fn new(domain: (f64, f64), range: (f64, f64)) -> Self {
        let (mut d0, mut d1) = domain;
        if !(d0.is_finite() && d1.is_finite()) {
            (d0, d1) = (0.0, 1.0);
        }
        if d0 == d1 {
            (d0, d1) = (d0 - 0.5, d1 + 0.5);
        }
        Linear {
            d0,
            d1,
            r0: range.0,
            r1: range.1,
        }
    }

    pub fn map(&self, x: f64) -> f64 {
        self.r0 + (x - self.d0) / (self.d1 - self.d0) * (self.r1 - self.r0)
    }

    /// Round tick values inside the domain, about `count` of them.
    pub fn ticks(&self, count: usize) -> Vec<f64> {
        let (lo, hi) = (self.d0.min(self.d1), self.d0.max(self.d1));
        let step = nice_step((hi - lo) / count.max(1) as f64);
        let first = (lo / step).ceil() as i64;
        let last = (hi / step + 1e-9).floor() as i64;
        (first..=last).map(|k| k as f64 * step).collect()
    }
}

/// 1, 2 or 5 times a power of ten, at least `raw`.
pub fn nice_step(raw: f64) -> f64 {
    if !(raw.is_finite() && raw > 0.0) {
        return 1.0;
    }
    let p = 10f64.powf(raw.log10().floor());
    let m = raw / p;
    let f = if m <= 1.0 {
        1.0
    } else if m <= 2.0 {
        2.0
    } else if m <= 5.0 {
        5.0
    } else {
        10.0
    };
    f * p
}

/// A domain widened to round ends: `(floor, ceil)` to the step of about `count` ticks.
pub fn nice_domain(lo: f64, hi: f64, count: usize) -> (f64, f64) {
    if !(lo.is_finite() && hi.is_finite()) {
        return (0.0, 1.0);
    }
    if lo == hi {
        let pad = if lo == 0.0 { 1.0 } else { lo.abs() * 0.1 };
        return nice_domain(lo - pad, hi + pad, count);
    }
    let step = nice_step((hi - lo) / count.max(1) as f64);
    ((lo / step).floor() * step, (hi / step).ceil() * step)
}

/// A number for a label: up to `decimals` decimals, trailing zeros dropped, `-0` as `0`.
pub fn fmt(x: f64, decimals: usize) -> String {
    if !x.is_finite() {
        return "–".into();
    }
    let s = format!("{x:.decimals$}");
    let s = if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    };
    if s == "-0" {
        "0".into()
    } else {
        s
    }
}

/// A tick label: as many decimals as the tick step needs.
pub fn tick_label(x: f64, ticks: &[f64]) -> String {
    let step = if ticks.len() > 1 {
        (ticks[1] - ticks[0]).abs()
    } else {
        1.0
    };
    let decimals = if step >= 1.0 {
        0
    } else {
        (-step.log10()).ceil().max(0.0) as usize
    };
    let s = fmt(x, decimals);
    // Large numbers with a thin space every three digits are easier to read.
    if x.abs() >= 10_000.0 && decimals == 0 {
        group_thousands(&s)
    } else {
        s
    }
}

fn group_thousands(s: &str) -> String {
    let (sign, digits) = s.strip_prefix('-').map_or(("", s), |d| ("-", d));
    let mut out = String::new();
    for (k, c) in digits.chars().enumerate() {
        if k > 0 && (digits.len() - k) % 3 == 0 {
            out.push('\u{2009}');
        }
        out.push(c);
    }
    format!("{sign}{out}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_are_round_and_inside() {
        let s = Linear::new((0.0, 3.2), (0.0, 100.0));
        assert_eq!(s.ticks(4), vec![0.0, 1.0, 2.0, 3.0]);
        assert_eq!(nice_step(0.23), 0.5);
        assert_eq!(nice_domain(0.3, 2.7, 5), (0.0, 3.0));
        assert_eq!(s.map(1.6), 50.0);
        assert_eq!(tick_label(0.5, &[0.0, 0.5]), "0.5");
        assert_eq!(tick_label(20000.0, &[0.0, 10000.0]), "20\u{2009}000");
        assert_eq!(fmt(-0.0001, 2), "0");
    }
}
