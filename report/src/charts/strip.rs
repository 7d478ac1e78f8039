//! How long trust took to build: one row per strategy, a dot per opponent at the mean first
//! turn of trust in their matches, a diamond at the strategy's mean over all its matches, and
//! how many opponents it never built trust with. Turns are on a log scale, since trust often
//! comes at once or not for a long time.

use super::*;
use crate::scale::fmt;

pub struct StripTexts<'a> {
    pub title: &'a str,
    pub desc: &'a str,
    pub axis: &'a str,
    pub opponent: &'a str,
    pub mean: &'a str,
    /// "never: {n}" column header.
    pub never: &'a str,
}

/// A row: name, the strategy's mean, per-opponent `(opponent, mean built_at or None)`.
pub struct StripRow {
    pub name: String,
    pub mean: Option<f64>,
    pub opponents: Vec<(String, Option<f64>)>,
}

pub fn chart(id: &str, rows: &[StripRow], t: &StripTexts<'_>) -> String {
    let names: Vec<String> = rows.iter().map(|r| r.name.clone()).collect();
    let left = label_room(&names).max(80.0) + 10.0;
    let band = 24.0;
    let f = Frame {
        x: left,
        y: 70.0,
        w: 760.0 - left - 100.0,
        h: band * rows.len() as f64,
    };
    let height = f.bottom() + 56.0;
    let mut svg = Svg::new(id, 760.0, height, t.title, t.desc);
    title(&mut svg, t.title);
    let hi = rows
        .iter()
        .flat_map(|r| r.opponents.iter().filter_map(|o| o.1).chain(r.mean))
        .fold(1.0_f64, f64::max);
    let decades = [
        1.0, 2.0, 5.0, 10.0, 20.0, 50.0, 100.0, 200.0, 500.0, 1000.0, 2000.0, 5000.0, 10000.0,
    ];
    let top = decades.iter().copied().find(|&d| d >= hi).unwrap_or(hi);
    let x = Linear::new((0.0, top.log10()), (f.x, f.right()));
    let ticks: Vec<f64> = decades.iter().copied().filter(|&d| d <= top).collect();
    for &d in &ticks {
        let px = x.map(d.log10());
        svg.line(px, f.y, px, f.bottom(), GRID, 1.0, "");
        svg.line(px, f.bottom(), px, f.bottom() + 5.0, INK, 1.0, "");
        svg.text(
            px,
            f.bottom() + 18.0,
            Anchor::Middle,
            TICK_SIZE,
            &fmt(d, 0),
            r##"fill="#222222""##,
        );
    }
    svg.line(f.x, f.bottom(), f.right(), f.bottom(), INK, 1.0, "");
    svg.text(
        f.x + f.w / 2.0,
        f.bottom() + 38.0,
        Anchor::Middle,
        LABEL_SIZE,
        t.axis,
        r##"fill="#222222""##,
    );
    // Legend.
    svg.circle(
        f.x + 6.0,
        46.0,
        4.5,
        "#56B4E9",
        r##"stroke="#222222" stroke-width="0.6" fill-opacity="0.8""##,
    );
    svg.text(
        f.x + 16.0,
        50.0,
        Anchor::Start,
        TICK_SIZE,
        t.opponent,
        r##"fill="#222222""##,
    );
    let dx = f.x + 30.0 + crate::svg::text_width(t.opponent, TICK_SIZE);
    svg.polyline(
        &[(dx, 40.0), (dx + 7.0, 47.0), (dx, 54.0), (dx - 7.0, 47.0)],
        true,
        "#D55E00",
        "#222222",
        "",
    );
    svg.text(
        dx + 12.0,
        50.0,
        Anchor::Start,
        TICK_SIZE,
        t.mean,
        r##"fill="#222222""##,
    );
    svg.text(
        f.right() + 90.0,
        62.0,
        Anchor::End,
        TICK_SIZE,
        t.never,
        r##"fill="#222222" font-weight="600""##,
    );
    let mut labels = Vec::new();
    for (k, r) in rows.iter().enumerate() {
        let cy = f.y + band * (k as f64 + 0.5);
        labels.push((cy, r.name.clone()));
        if k % 2 == 0 {
            svg.rect(
                f.x,
                cy - band / 2.0,
                f.w,
                band,
                "#f4f4f4",
                r#"fill-opacity="0.7""#,
            );
        }
        for (o, v) in &r.opponents {
            if let Some(v) = v {
                svg.group_with_title(&format!("{} – {o}: {}", r.name, fmt(*v, 1)));
                svg.circle(
                    x.map(v.max(1.0).log10()),
                    cy,
                    4.5,
                    "#56B4E9",
                    r##"stroke="#222222" stroke-width="0.6" fill-opacity="0.8""##,
                );
                svg.end_group();
            }
        }
        if let Some(m) = r.mean {
            let px = x.map(m.max(1.0).log10());
            svg.group_with_title(&format!("{}: {}", r.name, fmt(m, 1)));
            svg.polyline(
                &[
                    (px, cy - 7.0),
                    (px + 7.0, cy),
                    (px, cy + 7.0),
                    (px - 7.0, cy),
                ],
                true,
                "#D55E00",
                "#222222",
                "",
            );
            svg.end_group();
        }
        let never = r.opponents.iter().filter(|o| o.1.is_none()).count();
        svg.text(
            f.right() + 90.0,
            cy + 4.0,
            Anchor::End,
            TICK_SIZE,
            &format!("{never}/{}", r.opponents.len()),
            r##"fill="#222222""##,
        );
    }
    band_labels(&mut svg, f.x - 8.0, &labels);
    svg.finish()
}
