//! A small SVG writer: escaped text and attributes, numbers without noise, and the accessible
//! frame every chart shares (`role="img"`, `<title>` and `<desc>` referenced by
//! `aria-labelledby`, a viewBox so the chart scales with the page). The charts are inline in
//! HTML, where the parser puts `<svg>` in the SVG namespace, so no namespace URL is written.

use std::fmt::Write as _;

/// Escapes text for XML content and attribute values.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if (c as u32) < 0x20 && c != '\n' && c != '\t' => {}
            c => out.push(c),
        }
    }
    out
}

/// A coordinate with at most two decimals and no trailing zeros (non-finite: 0).
pub fn n(x: f64) -> String {
    if !x.is_finite() {
        return "0".into();
    }
    let s = format!("{:.2}", x);
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" {
        "0".into()
    } else {
        s.to_string()
    }
}

/// Text anchor.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Anchor {
    Start,
    Middle,
    End,
}

impl Anchor {
    fn as_str(self) -> &'static str {
        match self {
            Anchor::Start => "start",
            Anchor::Middle => "middle",
            Anchor::End => "end",
        }
    }
}

/// Rough width of `text` at `size` px in a sans-serif font, for layout (no font metrics are
/// available or needed: labels get generous room).
pub fn text_width(text: &str, size: f64) -> f64 {
    text.chars().count() as f64 * size * 0.56
}

/// One chart being written.
pub struct Svg {
    id: String,
    width: f64,
    height: f64,
    title: String,
    desc: String,
    body: String,
}

impl Svg {
    /// A chart `width` x `height` (user units = CSS px at 100%), with its accessible title and
    /// a one-sentence description of what it shows.
    pub fn new(id: &str, width: f64, height: f64, title: &str, desc: &str) -> Self {
        Svg {
            id: id.to_string(),
            width,
            height,
            title: title.to_string(),
            desc: desc.to_string(),
            body: String::new(),
        }
    }

    pub fn width(&self) -> f64 {
        self.width
    }

    pub fn rect(&mut self, x: f64, y: f64, w: f64, h: f64, fill: &str, extra: &str) {
        let _ = write!(
            self.body,
            r#"<rect x="{}" y="{}" width="{}" height="{}" fill="{fill}"{}/>"#,
            n(x),
            n(y),
            n(w.max(0.0)),
            n(h.max(0.0)),
            attrs(extra)
        );
    }

    // Two end points are four numbers; grouping them in tuples would only add noise.
    #[allow(clippy::too_many_arguments)]
    pub fn line(
        &mut self,
        x1: f64,
        y1: f64,
        x2: f64,
        y2: f64,
        stroke: &str,
        width: f64,
        extra: &str,
    ) {
        let _ = write!(
            self.body,
            r#"<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{stroke}" stroke-width="{}"{}/>"#,
            n(x1),
            n(y1),
            n(x2),
            n(y2),
            n(width),
            attrs(extra)
        );
    }

    pub fn circle(&mut self, cx: f64, cy: f64, r: f64, fill: &str, extra: &str) {
        let _ = write!(
            self.body,
            r#"<circle cx="{}" cy="{}" r="{}" fill="{fill}"{}/>"#,
            n(cx),
            n(cy),
            n(r),
            attrs(extra)
        );
    }

    /// A path from points (`M x y L x y ...`), optionally closed.
    pub fn polyline(
        &mut self,
        points: &[(f64, f64)],
        close: bool,
        fill: &str,
        stroke: &str,
        extra: &str,
    ) {
        if points.is_empty() {
            return;
        }
        let mut d = String::new();
        for (k, (x, y)) in points.iter().enumerate() {
            let _ = write!(d, "{}{} {}", if k == 0 { "M" } else { " L" }, n(*x), n(*y));
        }
        if close {
            d.push_str(" Z");
        }
        let _ = write!(
            self.body,
            r#"<path d="{d}" fill="{fill}" stroke="{stroke}"{}/>"#,
            attrs(extra)
        );
    }

    /// Text at (x, y) (baseline), escaped.
    pub fn text(&mut self, x: f64, y: f64, anchor: Anchor, size: f64, content: &str, extra: &str) {
        let _ = write!(
            self.body,
            r#"<text x="{}" y="{}" text-anchor="{}" font-size="{}"{}>{}</text>"#,
            n(x),
            n(y),
            anchor.as_str(),
            n(size),
            attrs(extra),
            esc(content)
        );
    }

    /// Opens a group with a tooltip-like `<title>` (shown on hover, read by screen readers).
    pub fn group_with_title(&mut self, title: &str) {
        let _ = write!(self.body, "<g><title>{}</title>", esc(title));
    }

    pub fn end_group(&mut self) {
        self.body.push_str("</g>");
    }

    /// The finished `<svg>` element.
    pub fn finish(self) -> String {
        format!(
            r##"<svg class="chart" viewBox="0 0 {w} {h}" width="{w}" height="{h}" role="img" aria-labelledby="{id}-title {id}-desc" font-family="system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"><title id="{id}-title">{title}</title><desc id="{id}-desc">{desc}</desc><rect x="0" y="0" width="{w}" height="{h}" fill="#ffffff"/>{body}</svg>"##,
            w = n(self.width),
            h = n(self.height),
            id = esc(&self.id),
            title = esc(&self.title),
            desc = esc(&self.desc),
            body = self.body
        )
    }
}

fn attrs(extra: &str) -> String {
    if extra.is_empty() {
        String::new()
    } else {
        format!(" {extra}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_and_formats() {
        assert_eq!(esc("a<b & \"c\"'"), "a&lt;b &amp; &quot;c&quot;&#39;");
        assert_eq!(n(1.0), "1");
        assert_eq!(n(1.256), "1.26");
        assert_eq!(n(-0.001), "0");
        assert_eq!(n(f64::NAN), "0");
    }
}
