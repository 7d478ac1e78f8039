//! A matrix as a heat map on the viridis scale, row player against column player, with a
//! colour bar and, where cells are large enough, the values written in them.

use super::*;
use crate::palette::{viridis, viridis_is_dark};
use crate::scale::{fmt, nice_step};
use crate::svg::n as num;

pub struct HeatTexts<'a> {
    pub title: &'a str,
    pub desc: &'a str,
    /// E.g. "Player (row)".
    pub rows: &'a str,
    /// E.g. "Opponent (column)".
    pub cols: &'a str,
    /// The colour bar's label with the unit.
    pub unit: &'a str,
    /// Shown in cells without a value.
    pub missing: &'a str,
}

/// `values[i][j]` for `names[i]` against `names[j]`; `decimals` for the cell labels.
pub fn chart(
    id: &str,
    names: &[String],
    values: &[Vec<Option<f64>>],
    domain: Option<(f64, f64)>,
    decimals: usize,
    t: &HeatTexts<'_>,
) -> String {
    let count = names.len().max(1);
    let room = label_room(names).min(220.0);
    let bar_w = 110.0;
    let cell = ((760.0 - room - bar_w - 24.0) / count as f64).clamp(8.0, 60.0);
    let grid_w = cell * count as f64;
    // Column names are written at 50 degrees above the grid.
    let top = 44.0 + room * 0.77 + 8.0;
    let f = Frame {
        x: room + 16.0,
        y: top,
        w: grid_w,
        h: grid_w,
    };
    let height = f.bottom() + 62.0;
    let mut svg = Svg::new(id, 760.0, height.max(260.0), t.title, t.desc);
    title(&mut svg, t.title);
    let finite = values
        .iter()
        .flatten()
        .flatten()
        .copied()
        .filter(|v| v.is_finite());
    let (lo, hi) = domain.unwrap_or_else(|| {
        finite.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| {
            (a.min(v), b.max(v))
        })
    });
    let (lo, hi) = if lo.is_finite() && hi.is_finite() && hi > lo {
        (lo, hi)
    } else if lo.is_finite() {
        (lo - 0.5, lo + 0.5)
    } else {
        (0.0, 1.0)
    };
    let pos = |v: f64| (v - lo) / (hi - lo);
    let show_values = cell >= 30.0;
    for (i, row) in values.iter().enumerate().take(count) {
        for (j, v) in row.iter().enumerate().take(count) {
            let (x, y) = (f.x + cell * j as f64, f.y + cell * i as f64);
            let label = format!(
                "{} vs {}: {}",
                names[i],
                names[j],
                v.map_or(t.missing.to_string(), |v| fmt(v, decimals))
            );
            svg.group_with_title(&label);
            match v {
                Some(v) if v.is_finite() => {
                    svg.rect(
                        x,
                        y,
                        cell,
                        cell,
                        &viridis(pos(*v)),
                        r##"stroke="#ffffff" stroke-width="0.5""##,
                    );
                    if show_values {
                        let ink = if viridis_is_dark(pos(*v)) {
                            "#ffffff"
                        } else {
                            "#000000"
                        };
                        svg.text(
                            x + cell / 2.0,
                            y + cell / 2.0 + 4.0,
                            Anchor::Middle,
                            11.0,
                            &fmt(*v, decimals),
                            &format!(r#"fill="{ink}""#),
                        );
                    }
                }
                _ => {
                    svg.rect(
                        x,
                        y,
                        cell,
                        cell,
                        "#eeeeee",
                        r##"stroke="#ffffff" stroke-width="0.5""##,
                    );
                    if show_values {
                        svg.text(
                            x + cell / 2.0,
                            y + cell / 2.0 + 4.0,
                            Anchor::Middle,
                            11.0,
                            "–",
                            r##"fill="#555555""##,
                        );
                    }
                }
            }
            svg.end_group();
        }
    }
    let font = if cell < 13.0 {
        cell.max(8.0)
    } else {
        TICK_SIZE
    };
    for (i, name) in names.iter().enumerate() {
        let cy = f.y + cell * (i as f64 + 0.5) + font / 3.0;
        svg.text(
            f.x - 6.0,
            cy,
            Anchor::End,
            font,
            name,
            r##"fill="#222222""##,
        );
        let cx = f.x + cell * (i as f64 + 0.5) + font / 3.0;
        svg.text(
            cx,
            f.y - 6.0,
            Anchor::Start,
            font,
            name,
            &format!(
                r##"fill="#222222" transform="rotate(-50 {} {})""##,
                num(cx),
                num(f.y - 6.0)
            ),
        );
    }
    svg.text(
        f.x + f.w / 2.0,
        f.bottom() + 20.0,
        Anchor::Middle,
        LABEL_SIZE,
        t.cols,
        r##"fill="#222222""##,
    );
    svg.text(
        f.x + f.w / 2.0,
        f.bottom() + 40.0,
        Anchor::Middle,
        LABEL_SIZE,
        t.rows,
        r##"fill="#222222" font-style="italic""##,
    );
    // Colour bar.
    let (bx, by, bh) = (f.right() + 24.0, f.y, f.h.max(120.0));
    let steps = 40;
    for k in 0..steps {
        let v0 = k as f64 / steps as f64;
        svg.rect(
            bx,
            by + bh * (1.0 - v0 - 1.0 / steps as f64),
            14.0,
            bh / steps as f64 + 0.5,
            &viridis(v0 + 0.5 / steps as f64),
            "",
        );
    }
    svg.rect(
        bx,
        by,
        14.0,
        bh,
        "none",
        r##"stroke="#222222" stroke-width="0.5""##,
    );
    let step = nice_step((hi - lo) / 4.0);
    let mut v = (lo / step).ceil() * step;
    while v <= hi + 1e-9 * step {
        let y = by + bh * (1.0 - pos(v));
        svg.line(bx + 14.0, y, bx + 18.0, y, INK, 1.0, "");
        svg.text(
            bx + 21.0,
            y + 4.0,
            Anchor::Start,
            TICK_SIZE,
            &fmt(v, decimals),
            r##"fill="#222222""##,
        );
        v += step;
    }
    let lx = bx + 70.0;
    let ly = by + bh / 2.0;
    svg.text(
        lx,
        ly,
        Anchor::Middle,
        LABEL_SIZE,
        t.unit,
        &format!(
            r##"fill="#222222" transform="rotate(90 {} {})""##,
            num(lx),
            num(ly)
        ),
    );
    svg.finish()
}
