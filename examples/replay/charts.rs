//! SVG charts with plotters, shared by the `replay` and `simulate` examples: a frontier of
//! revenue against lead Gini with intervals, Lorenz curves, and leads per rep per week.

use plotters::coord::Shift;
use plotters::prelude::*;
use std::path::Path;

/// A result with its interval: (mean, lo, hi).
pub type Span = (f64, f64, f64);

/// One point of the frontier chart.
pub struct Point {
    /// Its label.
    pub label: String,
    /// Lead Gini.
    pub gini: Span,
    /// Expected revenue (or its difference from a baseline).
    pub revenue: Span,
    /// The curve it belongs to (points of one curve are joined in order), if any.
    pub curve: Option<usize>,
}

type Res = Result<(), Box<dyn std::error::Error>>;

const PALETTE: [RGBColor; 8] = [
    RGBColor(31, 119, 180),
    RGBColor(255, 127, 14),
    RGBColor(44, 160, 44),
    RGBColor(148, 103, 189),
    RGBColor(140, 86, 75),
    RGBColor(227, 119, 194),
    RGBColor(188, 189, 34),
    RGBColor(23, 190, 207),
];

fn color(i: usize) -> RGBColor {
    PALETTE[i % PALETTE.len()]
}

fn bounds(values: impl Iterator<Item = f64>, pad: f64) -> (f64, f64) {
    let (lo, hi) = values
        .filter(|v| v.is_finite())
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| {
            (a.min(v), b.max(v))
        });
    if lo > hi {
        return (0.0, 1.0);
    }
    let margin = ((hi - lo) * pad).max(1e-9);
    (lo - margin, hi + margin)
}

const CURVES: [RGBColor; 2] = [RGBColor(214, 39, 40), RGBColor(60, 60, 60)];

/// Revenue (as labelled by `y_desc`) against lead Gini, with 95% intervals on both axes;
/// points of a curve joined (curve names in `curves`), `baseline` a horizontal reference line.
pub fn frontier(
    path: &Path,
    title: &str,
    y_desc: &str,
    points: &[Point],
    curves: &[&str],
    baseline: f64,
) -> Res {
    let root = SVGBackend::new(path, (960, 640)).into_drawing_area();
    root.fill(&WHITE)?;
    let (x0, x1) = bounds(points.iter().flat_map(|p| [p.gini.1, p.gini.2]), 0.05);
    let (y0, y1) = bounds(points.iter().flat_map(|p| [p.revenue.1, p.revenue.2]), 0.05);
    let mut chart = ChartBuilder::on(&root)
        .caption(title, ("sans-serif", 20))
        .margin(16)
        .x_label_area_size(44)
        .y_label_area_size(72)
        .build_cartesian_2d(x0.min(0.0)..x1, y0..y1)?;
    chart
        .configure_mesh()
        .x_desc("lead Gini (0 = equal counts; mean and 95% interval over seeds)")
        .y_desc(y_desc)
        .light_line_style(WHITE.mix(0.0))
        .draw()?;
    chart
        .draw_series(LineSeries::new(
            [(x0.min(0.0), baseline), (x1, baseline)],
            BLACK.mix(0.4),
        ))?
        .label("historical")
        .legend(|(x, y)| PathElement::new([(x, y), (x + 16, y)], BLACK.mix(0.4)));
    for (c, name) in curves.iter().enumerate() {
        let style = CURVES[c % CURVES.len()].stroke_width(2);
        let line: Vec<(f64, f64)> = points
            .iter()
            .filter(|p| p.curve == Some(c))
            .map(|p| (p.gini.0, p.revenue.0))
            .collect();
        chart
            .draw_series(LineSeries::new(line, style))?
            .label(*name)
            .legend(move |(x, y)| PathElement::new([(x, y), (x + 16, y)], style));
    }
    for (i, p) in points.iter().enumerate() {
        let c = match p.curve {
            Some(curve) => CURVES[curve % CURVES.len()],
            None => color(i),
        };
        let (g, r) = (p.gini, p.revenue);
        chart.draw_series([ErrorBar::new_vertical(
            g.0,
            r.1,
            r.0,
            r.2,
            c.stroke_width(1),
            6,
        )])?;
        chart.draw_series([ErrorBar::new_horizontal(
            r.0,
            g.1,
            g.0,
            g.2,
            c.stroke_width(1),
            6,
        )])?;
        chart.draw_series([Circle::new((g.0, r.0), 4, c.filled())])?;
        // Labels alternate above and below their point, so neighbours overlap less.
        let dy = if i % 2 == 0 { -16 } else { 6 };
        chart.draw_series([EmptyElement::at((g.0, r.0))
            + Text::new(
                p.label.clone(),
                (6, dy),
                ("sans-serif", 12).into_font().color(&c),
            )])?;
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperLeft)
        .background_style(WHITE.mix(0.9))
        .border_style(BLACK.mix(0.3))
        .draw()?;
    root.present()?;
    Ok(())
}

/// Lorenz curves: for each series (amounts per rep), the share of the total held by the
/// poorest x% of reps. The diagonal is an equal split.
pub fn lorenz(path: &Path, title: &str, series: &[(String, Vec<f64>)]) -> Res {
    let root = SVGBackend::new(path, (720, 640)).into_drawing_area();
    root.fill(&WHITE)?;
    let mut chart = ChartBuilder::on(&root)
        .caption(title, ("sans-serif", 20))
        .margin(16)
        .x_label_area_size(44)
        .y_label_area_size(56)
        .build_cartesian_2d(0.0..1.0, 0.0..1.0)?;
    chart
        .configure_mesh()
        .x_desc("share of reps, fewest leads first")
        .y_desc("share of the total")
        .draw()?;
    chart.draw_series(LineSeries::new([(0.0, 0.0), (1.0, 1.0)], BLACK.mix(0.3)))?;
    for (i, (name, amounts)) in series.iter().enumerate() {
        let mut sorted: Vec<f64> = amounts.iter().map(|x| x.max(0.0)).collect();
        sorted.sort_by(f64::total_cmp);
        let total: f64 = sorted.iter().sum::<f64>().max(1e-12);
        let n = sorted.len().max(1) as f64;
        let mut acc = 0.0;
        let mut curve = vec![(0.0, 0.0)];
        for (k, x) in sorted.iter().enumerate() {
            acc += x;
            curve.push(((k + 1) as f64 / n, acc / total));
        }
        let style = color(i).stroke_width(2);
        chart
            .draw_series(LineSeries::new(curve, style))?
            .label(name.as_str())
            .legend(move |(x, y)| PathElement::new([(x, y), (x + 16, y)], style));
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperLeft)
        .background_style(WHITE.mix(0.9))
        .border_style(BLACK.mix(0.3))
        .draw()?;
    root.present()?;
    Ok(())
}

/// One panel of leads per rep per week: one thin line per rep.
pub struct Weekly {
    /// The panel's title.
    pub title: String,
    /// Weeks (rows of `counts`).
    pub weeks: usize,
    /// Reps (columns of `counts`).
    pub reps: usize,
    /// Leads, week-major: `counts[week * reps + rep]`.
    pub counts: Vec<f64>,
}

fn weekly_panel(area: &DrawingArea<SVGBackend<'_>, Shift>, panel: &Weekly, top: f64) -> Res {
    let mut chart = ChartBuilder::on(area)
        .caption(&panel.title, ("sans-serif", 14))
        .margin(6)
        .x_label_area_size(24)
        .y_label_area_size(36)
        .build_cartesian_2d(0.0..panel.weeks.max(1) as f64, 0.0..top)?;
    chart.configure_mesh().x_labels(6).y_labels(4).draw()?;
    for rep in 0..panel.reps {
        let line: Vec<(f64, f64)> = (0..panel.weeks)
            .map(|w| {
                (
                    w as f64,
                    panel
                        .counts
                        .get(w * panel.reps + rep)
                        .copied()
                        .unwrap_or(0.0),
                )
            })
            .collect();
        chart.draw_series(LineSeries::new(line, color(rep).mix(0.5)))?;
    }
    Ok(())
}

/// Leads per rep per week, one panel per policy (two columns).
pub fn weekly(path: &Path, title: &str, panels: &[Weekly]) -> Res {
    let rows = panels.len().div_ceil(2).max(1);
    let root = SVGBackend::new(path, (1100, 40 + 220 * rows as u32)).into_drawing_area();
    root.fill(&WHITE)?;
    let root = root.titled(title, ("sans-serif", 20))?;
    let top = panels
        .iter()
        .flat_map(|p| p.counts.iter().copied())
        .fold(1.0f64, f64::max)
        * 1.05;
    let cols = if panels.len() > 1 { 2 } else { 1 };
    for (area, panel) in root.split_evenly((rows, cols)).iter().zip(panels) {
        weekly_panel(area, panel, top)?;
    }
    root.present()?;
    Ok(())
}
