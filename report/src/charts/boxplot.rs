//! Horizontal box plots, one row per category (Axelrod-Python's ranking boxplot, turned so
//! that long strategy names stay readable).

use super::*;
use crate::palette::OKABE_ITO;
use crate::scale::nice_domain;

/// Quantile with linear interpolation between order statistics (numpy's default).
pub fn quantile(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let pos = q * (sorted.len() - 1) as f64;
    let (lo, hi) = (pos.floor() as usize, pos.ceil() as usize);
    sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo as f64)
}

/// Texts of a box plot.
pub struct BoxTexts<'a> {
    pub title: &'a str,
    pub desc: &'a str,
    pub axis: &'a str,
    /// Legend entries: box, median, whisker, outlier.
    pub legend: [&'a str; 3],
}

/// One box per row: `rows[k] = (name, values)`, top to bottom.
pub fn chart(id: &str, rows: &[(String, Vec<f64>)], t: &BoxTexts<'_>) -> String {
    let names: Vec<String> = rows.iter().map(|r| r.0.clone()).collect();
    let left = label_room(&names).max(80.0) + 10.0;
    let band = 24.0;
    let f = Frame {
        x: left,
        y: 64.0,
        w: 760.0 - left - 24.0,
        h: band * rows.len() as f64,
    };
    let height = f.bottom() + 56.0;
    let mut svg = Svg::new(id, 760.0, height, t.title, t.desc);
    title(&mut svg, t.title);
    let all = rows.iter().flat_map(|r| r.1.iter().copied());
    let (lo, hi) = all.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| {
        (a.min(v), b.max(v))
    });
    let (d0, d1) = nice_domain(lo, hi, 6);
    let x = Linear::new((d0, d1), (f.x, f.right()));
    let ticks = x.ticks(6);
    x_axis(&mut svg, &f, &x, &ticks, t.axis, true);
    let fill = OKABE_ITO[1];
    legend(
        &mut svg,
        left,
        46.0,
        f.w,
        &[
            (fill.to_string(), t.legend[0].to_string()),
            ("#000000".to_string(), t.legend[1].to_string()),
            ("#ffffff".to_string(), t.legend[2].to_string()),
        ],
    );
    let mut labels = Vec::new();
    for (k, (name, values)) in rows.iter().enumerate() {
        let cy = f.y + band * (k as f64 + 0.5);
        labels.push((cy, name.clone()));
        let mut v: Vec<f64> = values.iter().copied().filter(|x| x.is_finite()).collect();
        if v.is_empty() {
            continue;
        }
        v.sort_by(f64::total_cmp);
        let (q1, med, q3) = (quantile(&v, 0.25), quantile(&v, 0.5), quantile(&v, 0.75));
        let iqr = q3 - q1;
        let lo_w = v
            .iter()
            .copied()
            .find(|&x| x >= q1 - 1.5 * iqr)
            .unwrap_or(q1);
        let hi_w = v
            .iter()
            .rev()
            .copied()
            .find(|&x| x <= q3 + 1.5 * iqr)
            .unwrap_or(q3);
        svg.group_with_title(&format!(
            "{name}: median {}, quartiles {} to {}, {} values",
            crate::scale::fmt(med, 3),
            crate::scale::fmt(q1, 3),
            crate::scale::fmt(q3, 3),
            v.len()
        ));
        svg.line(x.map(lo_w), cy, x.map(q1), cy, INK, 1.0, "");
        svg.line(x.map(q3), cy, x.map(hi_w), cy, INK, 1.0, "");
        for w in [lo_w, hi_w] {
            svg.line(x.map(w), cy - 5.0, x.map(w), cy + 5.0, INK, 1.0, "");
        }
        let bw = (x.map(q3) - x.map(q1)).max(1.0);
        svg.rect(
            x.map(q1),
            cy - 8.0,
            bw,
            16.0,
            fill,
            r##"stroke="#222222" stroke-width="1""##,
        );
        svg.line(
            x.map(med),
            cy - 8.0,
            x.map(med),
            cy + 8.0,
            "#000000",
            2.5,
            "",
        );
        for &o in v.iter().filter(|&&o| o < lo_w || o > hi_w) {
            svg.circle(
                x.map(o),
                cy,
                3.0,
                "#ffffff",
                r##"stroke="#222222" stroke-width="1""##,
            );
        }
        svg.end_group();
    }
    band_labels(&mut svg, f.x - 8.0, &labels);
    svg.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numpy_quantiles() {
        let v = [1.0, 2.0, 3.0, 4.0];
        assert_eq!(quantile(&v, 0.5), 2.5);
        assert_eq!(quantile(&v, 0.25), 1.75);
        assert_eq!(quantile(&[5.0], 0.75), 5.0);
    }
}
