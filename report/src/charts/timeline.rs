//! One match turn by turn: both players' moves as coloured cells, the stretches of trust
//! under them, betrayals marked, and how long trust took to come back. Long matches wrap into
//! rows of 100 turns.

use super::*;
use crate::model::Timeline;
use crate::palette::OKABE_ITO;

pub struct TimelineTexts<'a> {
    pub title: &'a str,
    pub desc: &'a str,
    pub cooperate: &'a str,
    pub defect: &'a str,
    pub trust: &'a str,
    pub betrayal: &'a str,
    pub lost: &'a str,
    pub turn: &'a str,
    /// "(first {n} turns shown)" when cut.
    pub cut: Option<String>,
}

const PER_ROW: usize = 100;
/// Turns shown at most.
pub const MAX_TURNS: usize = 600;

pub fn chart(id: &str, m: &Timeline, t: &TimelineTexts<'_>) -> String {
    let names = vec![m.player1.clone(), m.player2.clone()];
    let left = label_room(&names).max(60.0) + 10.0;
    let turns = m.moves1.len().min(MAX_TURNS);
    let rows = turns.div_ceil(PER_ROW).max(1);
    let cell = (760.0 - left - 24.0) / PER_ROW as f64;
    let block = 82.0;
    let top = 80.0;
    let height = top + block * rows as f64 + if t.cut.is_some() { 24.0 } else { 0.0 };
    let mut svg = Svg::new(id, 760.0, height, t.title, t.desc);
    title(&mut svg, t.title);
    let (c, d, trust) = ("#0072B2", OKABE_ITO[5], OKABE_ITO[2]);
    // Legend.
    let mut lx = left;
    for (colour, label) in [(c, t.cooperate), (d, t.defect), (trust, t.trust)] {
        svg.rect(lx, 40.0, 12.0, 12.0, colour, "");
        svg.text(
            lx + 17.0,
            50.0,
            Anchor::Start,
            TICK_SIZE,
            label,
            r##"fill="#222222""##,
        );
        lx += 34.0 + crate::svg::text_width(label, TICK_SIZE);
    }
    svg.polyline(
        &[(lx, 40.0), (lx + 12.0, 40.0), (lx + 6.0, 51.0)],
        true,
        "#000000",
        "none",
        "",
    );
    svg.text(
        lx + 17.0,
        50.0,
        Anchor::Start,
        TICK_SIZE,
        t.betrayal,
        r##"fill="#222222""##,
    );
    lx += 34.0 + crate::svg::text_width(t.betrayal, TICK_SIZE);
    svg.text(
        lx,
        50.0,
        Anchor::Start,
        TICK_SIZE,
        &format!("✕ {}", t.lost),
        r##"fill="#222222""##,
    );
    let in_trust = |turn: u32| m.trust_runs.iter().any(|[a, b]| *a <= turn && turn <= *b);
    for row in 0..rows {
        let y0 = top + block * row as f64;
        let first = row * PER_ROW;
        let last = (first + PER_ROW).min(turns);
        svg.text(
            left - 8.0,
            y0 + 15.0,
            Anchor::End,
            TICK_SIZE,
            &m.player1,
            r##"fill="#222222""##,
        );
        svg.text(
            left - 8.0,
            y0 + 31.0,
            Anchor::End,
            TICK_SIZE,
            &m.player2,
            r##"fill="#222222""##,
        );
        for i in first..last {
            let x = left + cell * (i - first) as f64;
            let turn = i as u32 + 1;
            svg.rect(
                x,
                y0 + 4.0,
                cell - 0.6,
                14.0,
                if m.moves1[i] { c } else { d },
                "",
            );
            svg.rect(
                x,
                y0 + 20.0,
                cell - 0.6,
                14.0,
                if m.moves2[i] { c } else { d },
                "",
            );
            if in_trust(turn) {
                svg.rect(x, y0 + 37.0, cell, 6.0, trust, "");
            }
            for (list, y) in [(&m.betrayals1, y0 + 4.0), (&m.betrayals2, y0 + 20.0)] {
                if list.contains(&turn) {
                    let cx = x + cell / 2.0;
                    svg.group_with_title(&format!("{} {turn}", t.turn));
                    svg.polyline(
                        &[(cx - 5.0, y - 9.0), (cx + 5.0, y - 9.0), (cx, y - 1.0)],
                        true,
                        "#000000",
                        "none",
                        "",
                    );
                    svg.end_group();
                }
            }
            if m.unrecovered == Some(turn) {
                svg.text(
                    x + cell / 2.0,
                    y0 + 56.0,
                    Anchor::Middle,
                    13.0,
                    "✕",
                    r##"fill="#000000""##,
                );
            }
        }
        // Turn ticks every 10 turns.
        for i in (first..=last).step_by(10) {
            let x = left + cell * (i - first) as f64;
            svg.line(x, y0 + 44.0, x, y0 + 48.0, INK, 1.0, "");
            if (i - first).is_multiple_of(20) || i == last {
                svg.text(
                    x,
                    y0 + 60.0,
                    Anchor::Middle,
                    11.0,
                    &i.to_string(),
                    r##"fill="#444444""##,
                );
            }
        }
    }
    svg.text(
        left,
        height - 8.0,
        Anchor::Start,
        TICK_SIZE,
        &format!(
            "{} →{}",
            t.turn,
            t.cut
                .as_deref()
                .map(|c| format!("  {c}"))
                .unwrap_or_default()
        ),
        r##"fill="#444444""##,
    );
    svg.finish()
}
