//! Horizontal bars, one row per category and one bar per series in it, with optional error
//! bars and a dashed reference line (e.g. the neutral fixation probability).

use super::*;
use crate::scale::{fmt, nice_domain};

pub struct BarTexts<'a> {
    pub title: &'a str,
    pub desc: &'a str,
    /// The value axis label with its unit.
    pub axis: &'a str,
}

/// A series of bars: its legend label, colour and one value (with an optional +- error) per
/// row.
pub struct Series {
    pub label: String,
    pub colour: String,
    pub values: Vec<Option<f64>>,
    pub errors: Option<Vec<f64>>,
}

/// A dashed vertical line at `value`, labelled in the legend (several are allowed).
pub struct Reference {
    pub value: f64,
    pub label: String,
}

pub fn chart(
    id: &str,
    rows: &[String],
    series: &[Series],
    references: &[Reference],
    decimals: usize,
    t: &BarTexts<'_>,
) -> String {
    let left = label_room(rows).max(60.0) + 10.0;
    let bar = 14.0;
    let band = bar * series.len() as f64 + 10.0;
    let legend_items: Vec<(String, String)> = series
        .iter()
        .map(|s| (s.colour.clone(), s.label.clone()))
        .collect();
    let f0 = Frame {
        x: left,
        y: 0.0,
        w: 760.0 - left - 60.0,
        h: 0.0,
    };
    // Legend first, to know where the bars start.
    let mut probe = Svg::new("probe", 760.0, 100.0, "", "");
    let mut items = legend_items.clone();
    for r in references {
        items.push(("#ffffff".into(), r.label.clone()));
    }
    let legend_h = legend(&mut probe, f0.x, 0.0, f0.w, &items);
    let f = Frame {
        y: 46.0 + legend_h,
        h: band * rows.len() as f64,
        ..f0
    };
    let height = f.bottom() + 56.0;
    let mut svg = Svg::new(id, 760.0, height, t.title, t.desc);
    title(&mut svg, t.title);
    let mut lo: f64 = 0.0;
    let mut hi: f64 = 0.0;
    for s in series {
        for (k, v) in s.values.iter().enumerate() {
            if let Some(v) = v.filter(|v| v.is_finite()) {
                let e = s.errors.as_ref().map_or(0.0, |e| e[k]);
                lo = lo.min(v - e);
                hi = hi.max(v + e);
            }
        }
    }
    for r in references {
        hi = hi.max(r.value);
        lo = lo.min(r.value);
    }
    let (d0, d1) = nice_domain(lo, hi, 5);
    let x = Linear::new((d0, d1), (f.x, f.right()));
    let ticks = x.ticks(5);
    x_axis(&mut svg, &f, &x, &ticks, t.axis, true);
    // The legend, with dashed swatches for the references.
    let mut cx = f.x;
    let mut cy = 46.0;
    for (colour, label) in &legend_items {
        let w = 18.0 + crate::svg::text_width(label, TICK_SIZE) + 16.0;
        if cx + w > f.right() && cx > f.x {
            cx = f.x;
            cy += 20.0;
        }
        svg.rect(
            cx,
            cy - 10.0,
            12.0,
            12.0,
            colour,
            r##"stroke="#444444" stroke-width="0.5""##,
        );
        svg.text(
            cx + 18.0,
            cy,
            Anchor::Start,
            TICK_SIZE,
            label,
            r##"fill="#222222""##,
        );
        cx += w;
    }
    for r in references {
        let w = 30.0 + crate::svg::text_width(&r.label, TICK_SIZE) + 16.0;
        if cx + w > f.right() && cx > f.x {
            cx = f.x;
            cy += 20.0;
        }
        svg.line(
            cx,
            cy - 4.0,
            cx + 22.0,
            cy - 4.0,
            "#000000",
            2.0,
            r#"stroke-dasharray="5 3""#,
        );
        svg.text(
            cx + 28.0,
            cy,
            Anchor::Start,
            TICK_SIZE,
            &r.label,
            r##"fill="#222222""##,
        );
        cx += w;
    }
    let zero = x.map(0.0_f64.clamp(d0, d1));
    let mut labels = Vec::new();
    for (k, name) in rows.iter().enumerate() {
        let top = f.y + band * k as f64 + 5.0;
        labels.push((top + bar * series.len() as f64 / 2.0, name.clone()));
        for (s_i, s) in series.iter().enumerate() {
            let Some(v) = s.values[k].filter(|v| v.is_finite()) else {
                continue;
            };
            let y = top + bar * s_i as f64;
            let (a, b) = (zero.min(x.map(v)), zero.max(x.map(v)));
            svg.group_with_title(&format!("{name}, {}: {}", s.label, fmt(v, decimals)));
            svg.rect(
                a,
                y + 1.0,
                (b - a).max(1.0),
                bar - 2.0,
                &s.colour,
                r##"stroke="#222222" stroke-width="0.5""##,
            );
            if let Some(e) = s.errors.as_ref().map(|e| e[k]).filter(|e| *e > 0.0) {
                let cy = y + bar / 2.0;
                svg.line(x.map(v - e), cy, x.map(v + e), cy, "#000000", 1.2, "");
                for end in [v - e, v + e] {
                    svg.line(
                        x.map(end),
                        cy - 4.0,
                        x.map(end),
                        cy + 4.0,
                        "#000000",
                        1.2,
                        "",
                    );
                }
            }
            svg.end_group();
            let text_x = x.map(v) + if v >= 0.0 { 4.0 } else { -4.0 };
            let anchor = if v >= 0.0 { Anchor::Start } else { Anchor::End };
            if s.errors.is_none() {
                svg.text(
                    text_x,
                    y + bar - 3.0,
                    anchor,
                    11.0,
                    &fmt(v, decimals),
                    r##"fill="#333333""##,
                );
            }
        }
    }
    for r in references {
        let rx = x.map(r.value);
        svg.line(
            rx,
            f.y,
            rx,
            f.bottom(),
            "#000000",
            2.0,
            r#"stroke-dasharray="5 3""#,
        );
    }
    band_labels(&mut svg, f.x - 8.0, &labels);
    let _ = cy;
    svg.finish()
}
