//! Charts over a numeric horizontal axis: shares stacked over time, simulation trajectories
//! with their spread over runs, and histograms.

use super::*;
use crate::charts::boxplot::quantile;
use crate::scale::{fmt, nice_domain};

pub struct XyTexts<'a> {
    pub title: &'a str,
    pub desc: &'a str,
    pub x: &'a str,
    pub y: &'a str,
}

/// At most `max` indices spread evenly over `0..len` (first and last included): a chart
/// has no more pixels than that.
fn thin(len: usize, max: usize) -> Vec<usize> {
    if len <= max {
        return (0..len).collect();
    }
    let mut idx: Vec<usize> = (0..max).map(|k| k * (len - 1) / (max - 1)).collect();
    idx.dedup();
    idx
}

/// Shares of each strategy stacked to 1 over time: `shares[point][strategy]`.
pub fn stack(
    id: &str,
    names: &[String],
    colours: &[String],
    times: &[f64],
    shares: &[Vec<f64>],
    t: &XyTexts<'_>,
) -> String {
    let f0 = Frame {
        x: 70.0,
        y: 46.0,
        w: 760.0 - 70.0 - 24.0,
        h: 300.0,
    };
    let mut probe = Svg::new("p", 760.0, 10.0, "", "");
    let items: Vec<(String, String)> = colours.iter().cloned().zip(names.iter().cloned()).collect();
    let legend_h = legend(&mut probe, f0.x, 0.0, f0.w, &items);
    let height = f0.bottom() + 56.0 + legend_h + 10.0;
    let mut svg = Svg::new(id, 760.0, height, t.title, t.desc);
    title(&mut svg, t.title);
    let (t0, t1) = (
        times.first().copied().unwrap_or(0.0),
        times.last().copied().unwrap_or(1.0),
    );
    let x = Linear::new((t0, t1), (f0.x, f0.right()));
    let y = Linear::new((0.0, 1.0), (f0.bottom(), f0.y));
    let idx = thin(times.len().min(shares.len()), 500);
    let mut lower = vec![0.0; idx.len()];
    for (k, name) in names.iter().enumerate() {
        let upper: Vec<f64> = idx
            .iter()
            .zip(&lower)
            .map(|(&p, lo)| lo + shares[p].get(k).copied().unwrap_or(0.0).max(0.0))
            .collect();
        let mut pts: Vec<(f64, f64)> = idx
            .iter()
            .zip(&upper)
            .map(|(&p, &u)| (x.map(times[p]), y.map(u.min(1.0))))
            .collect();
        pts.extend(
            idx.iter()
                .zip(&lower)
                .rev()
                .map(|(&p, &l)| (x.map(times[p]), y.map(l.min(1.0)))),
        );
        let last = shares.last().and_then(|s| s.get(k)).copied().unwrap_or(0.0);
        svg.group_with_title(&format!("{name}: {} at the end", fmt(last, 3)));
        svg.polyline(&pts, true, &colours[k], "#ffffff", r#"stroke-width="0.4""#);
        svg.end_group();
        lower = upper;
    }
    x_axis(&mut svg, &f0, &x, &x.ticks(6), t.x, false);
    y_axis(&mut svg, &f0, &y, &y.ticks(5), t.y, false);
    legend(&mut svg, f0.x, f0.bottom() + 62.0, f0.w, &items);
    svg.finish()
}

/// Trajectories of sampled simulation runs, one panel per strategy shown: the share of the
/// population (count / population) of each run as a thin line, the 10-90% band over runs and
/// the mean. `counts[run][point][strategy]`.
#[allow(clippy::too_many_arguments)]
pub fn trajectories(
    id: &str,
    names: &[String],
    shown: &[usize],
    steps: &[u64],
    counts: &[Vec<Vec<usize>>],
    population: usize,
    texts: &XyTexts<'_>,
    band_label: &str,
    mean_label: &str,
) -> String {
    let panel_h = 150.0;
    let gap = 70.0;
    let top = 70.0;
    let height = top + (panel_h + gap) * shown.len() as f64 + 10.0;
    let mut svg = Svg::new(id, 760.0, height, texts.title, texts.desc);
    title(&mut svg, texts.title);
    let items = vec![
        ("#bbbbbb".to_string(), band_label.to_string()),
        ("#000000".to_string(), mean_label.to_string()),
    ];
    legend(&mut svg, 70.0, 46.0, 600.0, &items);
    let last = steps.last().copied().unwrap_or(1).max(1) as f64;
    let pop = population.max(1) as f64;
    for (p, &k) in shown.iter().enumerate() {
        let f = Frame {
            x: 70.0,
            y: top + (panel_h + gap) * p as f64 + 14.0,
            w: 760.0 - 70.0 - 24.0,
            h: panel_h,
        };
        let x = Linear::new((0.0, last), (f.x, f.right()));
        let y = Linear::new((0.0, 1.0), (f.bottom(), f.y));
        svg.text(
            f.x,
            f.y - 6.0,
            Anchor::Start,
            LABEL_SIZE,
            &names[k],
            r##"font-weight="600" fill="#222222""##,
        );
        x_axis(&mut svg, &f, &x, &x.ticks(6), texts.x, true);
        y_axis(&mut svg, &f, &y, &y.ticks(4), texts.y, true);
        let share =
            |run: &Vec<Vec<usize>>, i: usize| run[i].get(k).copied().unwrap_or(0) as f64 / pop;
        // Band: 10% and 90% quantiles over runs at each step.
        let mut hi_pts = Vec::new();
        let mut lo_pts = Vec::new();
        let mut mean_pts = Vec::new();
        for (i, &s) in steps.iter().enumerate() {
            let mut v: Vec<f64> = counts
                .iter()
                .filter(|r| i < r.len())
                .map(|r| share(r, i))
                .collect();
            if v.is_empty() {
                continue;
            }
            v.sort_by(f64::total_cmp);
            let sx = x.map(s as f64);
            hi_pts.push((sx, y.map(quantile(&v, 0.9))));
            lo_pts.push((sx, y.map(quantile(&v, 0.1))));
            mean_pts.push((sx, y.map(v.iter().sum::<f64>() / v.len() as f64)));
        }
        let mut band = hi_pts.clone();
        band.extend(lo_pts.iter().rev());
        svg.polyline(&band, true, "#bbbbbb", "none", r#"fill-opacity="0.6""#);
        for run in counts {
            let pts: Vec<(f64, f64)> = steps
                .iter()
                .enumerate()
                .filter(|(i, _)| *i < run.len())
                .map(|(i, &s)| (x.map(s as f64), y.map(share(run, i))))
                .collect();
            // One dark colour for every panel: a panel is one strategy already, and light
            // categorical colours (yellow) would vanish on white.
            svg.polyline(
                &pts,
                false,
                "none",
                "#0072B2",
                r#"stroke-width="1" stroke-opacity="0.5""#,
            );
        }
        svg.polyline(&mean_pts, false, "none", "#000000", r#"stroke-width="2.5""#);
    }
    svg.finish()
}

/// A histogram of `values` in round bins.
pub fn histogram(id: &str, values: &[f64], colour: &str, t: &XyTexts<'_>) -> String {
    let f = Frame {
        x: 70.0,
        y: 46.0,
        w: 760.0 - 70.0 - 24.0,
        h: 240.0,
    };
    let height = f.bottom() + 56.0;
    let mut svg = Svg::new(id, 760.0, height, t.title, t.desc);
    title(&mut svg, t.title);
    let (lo, hi) = values
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &v| {
            (a.min(v), b.max(v))
        });
    let (d0, d1) = nice_domain(lo.min(0.0), hi, 20);
    let width = crate::scale::nice_step((d1 - d0) / 20.0);
    let bins = (((d1 - d0) / width).ceil() as usize).max(1);
    let mut counts = vec![0usize; bins];
    for &v in values {
        let b = (((v - d0) / width).floor() as usize).min(bins - 1);
        counts[b] += 1;
    }
    let x = Linear::new((d0, d0 + width * bins as f64), (f.x, f.right()));
    let top = *counts.iter().max().unwrap_or(&1) as f64;
    let (_, c1) = nice_domain(0.0, top, 5);
    let y = Linear::new((0.0, c1), (f.bottom(), f.y));
    y_axis(&mut svg, &f, &y, &y.ticks(5), t.y, true);
    for (b, &c) in counts.iter().enumerate() {
        let (a, z) = (d0 + width * b as f64, d0 + width * (b + 1) as f64);
        svg.group_with_title(&format!("{}–{}: {c}", fmt(a, 0), fmt(z, 0)));
        svg.rect(
            x.map(a) + 0.5,
            y.map(c as f64),
            x.map(z) - x.map(a) - 1.0,
            f.bottom() - y.map(c as f64),
            colour,
            "",
        );
        svg.end_group();
    }
    x_axis(&mut svg, &f, &x, &x.ticks(8), t.x, false);
    svg.finish()
}
