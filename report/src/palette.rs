//! Colours that survive colour blindness: Okabe and Ito's eight categorical colours, and the
//! viridis scale (perceptually uniform, readable in grey) for values and for more categories.

/// Okabe & Ito (2008), "Color Universal Design": orange, sky blue, bluish green, yellow, blue,
/// vermillion, reddish purple, black.
pub const OKABE_ITO: [&str; 8] = [
    "#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7", "#000000",
];

/// Viridis (matplotlib's default map) at eleven evenly spaced stops; values in between are
/// interpolated linearly.
const VIRIDIS: [(u8, u8, u8); 11] = [
    (0x44, 0x01, 0x54),
    (0x48, 0x24, 0x75),
    (0x41, 0x44, 0x87),
    (0x35, 0x5f, 0x8d),
    (0x2a, 0x78, 0x8e),
    (0x21, 0x91, 0x8c),
    (0x22, 0xa8, 0x84),
    (0x44, 0xbf, 0x70),
    (0x7a, 0xd1, 0x51),
    (0xbd, 0xdf, 0x26),
    (0xfd, 0xe7, 0x25),
];

/// Viridis at `t` in [0, 1] (clamped), as `#rrggbb`.
pub fn viridis(t: f64) -> String {
    let t = if t.is_finite() {
        t.clamp(0.0, 1.0)
    } else {
        0.0
    };
    let x = t * (VIRIDIS.len() - 1) as f64;
    let k = (x.floor() as usize).min(VIRIDIS.len() - 2);
    let f = x - k as f64;
    let (a, b) = (VIRIDIS[k], VIRIDIS[k + 1]);
    let mix = |p: u8, q: u8| (f64::from(p) + (f64::from(q) - f64::from(p)) * f).round() as u8;
    format!(
        "#{:02x}{:02x}{:02x}",
        mix(a.0, b.0),
        mix(a.1, b.1),
        mix(a.2, b.2)
    )
}

/// Whether text on viridis at `t` should be white (dark background) rather than black.
pub fn viridis_is_dark(t: f64) -> bool {
    t < 0.55
}

/// `count` categorical colours: Okabe-Ito up to eight, viridis steps beyond.
pub fn categorical(count: usize) -> Vec<String> {
    if count <= OKABE_ITO.len() {
        OKABE_ITO[..count].iter().map(|c| c.to_string()).collect()
    } else {
        (0..count)
            .map(|i| viridis(i as f64 / (count - 1) as f64))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn viridis_ends_and_categories() {
        assert_eq!(viridis(0.0), "#440154");
        assert_eq!(viridis(1.0), "#fde725");
        assert_eq!(viridis(2.0), "#fde725");
        assert_eq!(categorical(3), vec!["#E69F00", "#56B4E9", "#009E73"]);
        assert_eq!(categorical(12).len(), 12);
    }
}
