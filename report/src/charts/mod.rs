//! The charts, each a function from model data to one accessible inline `<svg>`. They share
//! the frame drawn here: a title, axes with round ticks and a unit in the label, light grid
//! lines, and legends.
//!
//! Written as SVG directly rather than through a plotting crate: see `lib.rs` for why.

pub mod bars;
pub mod boxplot;
pub mod heatmap;
pub mod simplex;
pub mod strip;
pub mod timeline;
pub mod xy;

use crate::scale::{tick_label, Linear};
use crate::svg::{text_width, Anchor, Svg};

pub const TITLE_SIZE: f64 = 16.0;
pub const LABEL_SIZE: f64 = 13.0;
pub const TICK_SIZE: f64 = 12.0;
pub const INK: &str = "#222222";
pub const GRID: &str = "#d9d9d9";
pub const MUTED: &str = "#555555";

/// The plotting area inside a chart.
#[derive(Clone, Copy, Debug)]
pub struct Frame {
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
}

impl Frame {
    pub fn right(&self) -> f64 {
        self.x + self.w
    }
    pub fn bottom(&self) -> f64 {
        self.y + self.h
    }
}

/// The chart's visible title, top left.
pub fn title(svg: &mut Svg, text: &str) {
    svg.text(
        12.0,
        24.0,
        Anchor::Start,
        TITLE_SIZE,
        text,
        r##"font-weight="600" fill="#222222""##,
    );
}

/// A horizontal axis under the frame with ticks, labels, optional vertical grid lines and the
/// axis label (with its unit) centred below.
pub fn x_axis(svg: &mut Svg, f: &Frame, scale: &Linear, ticks: &[f64], label: &str, grid: bool) {
    for &t in ticks {
        let x = scale.map(t);
        if grid {
            svg.line(x, f.y, x, f.bottom(), GRID, 1.0, "");
        }
        svg.line(x, f.bottom(), x, f.bottom() + 5.0, INK, 1.0, "");
        svg.text(
            x,
            f.bottom() + 18.0,
            Anchor::Middle,
            TICK_SIZE,
            &tick_label(t, ticks),
            r##"fill="#222222""##,
        );
    }
    svg.line(f.x, f.bottom(), f.right(), f.bottom(), INK, 1.0, "");
    svg.text(
        f.x + f.w / 2.0,
        f.bottom() + 38.0,
        Anchor::Middle,
        LABEL_SIZE,
        label,
        r##"fill="#222222""##,
    );
}

/// A vertical axis left of the frame, as [`x_axis`]; the label is written vertically.
pub fn y_axis(svg: &mut Svg, f: &Frame, scale: &Linear, ticks: &[f64], label: &str, grid: bool) {
    let mut widest: f64 = 0.0;
    for &t in ticks {
        let y = scale.map(t);
        if grid {
            svg.line(f.x, y, f.right(), y, GRID, 1.0, "");
        }
        svg.line(f.x - 5.0, y, f.x, y, INK, 1.0, "");
        let text = tick_label(t, ticks);
        widest = widest.max(text_width(&text, TICK_SIZE));
        svg.text(
            f.x - 8.0,
            y + 4.0,
            Anchor::End,
            TICK_SIZE,
            &text,
            r##"fill="#222222""##,
        );
    }
    svg.line(f.x, f.y, f.x, f.bottom(), INK, 1.0, "");
    let lx = f.x - widest - 20.0;
    let ly = f.y + f.h / 2.0;
    svg.text(
        lx,
        ly,
        Anchor::Middle,
        LABEL_SIZE,
        label,
        &format!(
            r##"fill="#222222" transform="rotate(-90 {} {})""##,
            crate::svg::n(lx),
            crate::svg::n(ly)
        ),
    );
}

/// Names along a categorical vertical axis (one per band), right-aligned left of `x`.
pub fn band_labels(svg: &mut Svg, x: f64, names: &[(f64, String)]) {
    for (y, name) in names {
        svg.text(
            x,
            y + 4.0,
            Anchor::End,
            TICK_SIZE,
            name,
            r##"fill="#222222""##,
        );
    }
}

/// A legend of coloured swatches in rows that wrap within `width`; returns the height used.
pub fn legend(svg: &mut Svg, x: f64, y: f64, width: f64, items: &[(String, String)]) -> f64 {
    let (mut cx, mut cy) = (x, y);
    for (colour, label) in items {
        let w = 18.0 + text_width(label, TICK_SIZE) + 16.0;
        if cx + w > x + width && cx > x {
            cx = x;
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
    cy - y + 20.0
}

/// Width needed for the longest of `names` as tick labels.
pub fn label_room(names: &[String]) -> f64 {
    names
        .iter()
        .map(|s| text_width(s, TICK_SIZE))
        .fold(0.0, f64::max)
        + 14.0
}
