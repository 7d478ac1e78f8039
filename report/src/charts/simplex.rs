//! The simplex of three strategies' shares (as egttools draws it): each point of the
//! triangle is a population, a corner is a population of one strategy, and the trajectory
//! shows where the dynamics took the shares.

use super::*;

pub struct SimplexTexts<'a> {
    pub title: &'a str,
    pub desc: &'a str,
    pub start: &'a str,
    pub end: &'a str,
    pub grid: &'a str,
}

/// `shares[point]` holds three shares summing to 1.
pub fn chart(id: &str, names: &[String; 3], shares: &[Vec<f64>], t: &SimplexTexts<'_>) -> String {
    let height = 520.0;
    let mut svg = Svg::new(id, 760.0, height, t.title, t.desc);
    title(&mut svg, t.title);
    let side = 400.0;
    let (cx, top) = (380.0, 80.0);
    let h = side * 3f64.sqrt() / 2.0;
    let corners = [
        (cx, top),
        (cx - side / 2.0, top + h),
        (cx + side / 2.0, top + h),
    ];
    let at = |s: &[f64]| -> (f64, f64) {
        let total: f64 = s.iter().take(3).sum::<f64>().max(1e-300);
        let w: Vec<f64> = s.iter().take(3).map(|v| v / total).collect();
        (
            w[0] * corners[0].0 + w[1] * corners[1].0 + w[2] * corners[2].0,
            w[0] * corners[0].1 + w[1] * corners[1].1 + w[2] * corners[2].1,
        )
    };
    // Grid lines where one share is 0.2, 0.4, 0.6, 0.8.
    for k in 1..5 {
        let v = k as f64 / 5.0;
        for i in 0..3 {
            let (j, l) = ((i + 1) % 3, (i + 2) % 3);
            let mut a = [0.0; 3];
            a[i] = v;
            a[j] = 1.0 - v;
            let mut b = [0.0; 3];
            b[i] = v;
            b[l] = 1.0 - v;
            let (p, q) = (at(&a), at(&b));
            svg.line(p.0, p.1, q.0, q.1, GRID, 1.0, "");
        }
    }
    let outline: Vec<(f64, f64)> = corners.to_vec();
    svg.polyline(&outline, true, "none", INK, r#"stroke-width="1.5""#);
    svg.text(
        corners[0].0,
        corners[0].1 - 12.0,
        Anchor::Middle,
        LABEL_SIZE,
        &names[0],
        r##"font-weight="600" fill="#222222""##,
    );
    svg.text(
        corners[1].0 - 6.0,
        corners[1].1 + 22.0,
        Anchor::Middle,
        LABEL_SIZE,
        &names[1],
        r##"font-weight="600" fill="#222222""##,
    );
    svg.text(
        corners[2].0 + 6.0,
        corners[2].1 + 22.0,
        Anchor::Middle,
        LABEL_SIZE,
        &names[2],
        r##"font-weight="600" fill="#222222""##,
    );
    let pts: Vec<(f64, f64)> = shares.iter().map(|s| at(s)).collect();
    svg.polyline(&pts, false, "none", "#0072B2", r#"stroke-width="2.5""#);
    if let (Some(first), Some(last)) = (pts.first(), pts.last()) {
        svg.circle(
            first.0,
            first.1,
            6.0,
            "#ffffff",
            r##"stroke="#0072B2" stroke-width="2.5""##,
        );
        svg.circle(
            last.0,
            last.1,
            6.0,
            "#D55E00",
            r##"stroke="#222222" stroke-width="1""##,
        );
    }
    let y = top + h + 56.0;
    svg.circle(
        90.0,
        y - 4.0,
        6.0,
        "#ffffff",
        r##"stroke="#0072B2" stroke-width="2.5""##,
    );
    svg.text(
        102.0,
        y,
        Anchor::Start,
        TICK_SIZE,
        t.start,
        r##"fill="#222222""##,
    );
    svg.circle(
        300.0,
        y - 4.0,
        6.0,
        "#D55E00",
        r##"stroke="#222222" stroke-width="1""##,
    );
    svg.text(
        312.0,
        y,
        Anchor::Start,
        TICK_SIZE,
        t.end,
        r##"fill="#222222""##,
    );
    svg.text(
        90.0,
        y + 24.0,
        Anchor::Start,
        TICK_SIZE,
        t.grid,
        r##"fill="#555555""##,
    );
    svg.finish()
}
