//! `replay --plot DIR`: the frontier, the Lorenz curves and leads per rep per week, as SVG.

#[path = "charts.rs"]
mod charts;

use crate::montecarlo::Evaluated;
use crate::report::{Report, Row};
use charts::{Point, Span, Weekly};
use leadpool::sim::Interval;
use std::path::Path;

fn span(i: &Interval) -> Span {
    (i.mean, i.lo, i.hi)
}

/// Writes `frontier.svg`, `lorenz.svg` and `weekly.svg` into `dir`.
pub fn replay_charts(
    dir: &Path,
    report: &Report,
    evaluated: &[Evaluated],
    weeks: usize,
) -> Result<(), Box<dyn std::error::Error>> {
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let curves = [
        "learned (Thompson sampling) by minimum share",
        "oracle (knows the model) by minimum share",
    ];
    let point = |row: &Row, curve: Option<usize>| Point {
        label: match (curve, row.floor) {
            (Some(_), Some(f)) => format!("{f:.2}"),
            _ => row.name.clone(),
        },
        gini: span(&row.summary.lead_gini),
        revenue: match (&row.revenue_vs_historical, row.name.as_str()) {
            (_, "historical") | (None, _) => (0.0, 0.0, 0.0),
            (Some(vs), _) => span(vs),
        },
        curve,
    };
    let mut points: Vec<Point> = report
        .policies
        .iter()
        .filter(|r| r.floor.is_none())
        .map(|r| point(r, None))
        .collect();
    for row in &report.frontier {
        let curve = if row.name.starts_with("learned") {
            0
        } else {
            1
        };
        points.push(point(row, Some(curve)));
    }
    charts::frontier(
        &dir.join("frontier.svg"),
        &format!(
            "Revenue against fairness: {} real leads, outcomes drawn from the fitted model, {} seeds",
            report.leads, report.seeds
        ),
        "expected revenue minus historical's on the same seed, % (mean, 95% interval)",
        &points,
        &curves,
        0.0,
    )?;
    let series: Vec<(String, Vec<f64>)> = evaluated
        .iter()
        .map(|e| (e.name.clone(), e.mean_received.clone()))
        .collect();
    charts::lorenz(
        &dir.join("lorenz.svg"),
        "Lorenz curves of leads per rep (mean over seeds)",
        &series,
    )?;
    let panels: Vec<Weekly> = evaluated
        .iter()
        .map(|e| Weekly {
            title: e.name.clone(),
            weeks,
            reps: report.reps,
            counts: e.mean_weekly.clone(),
        })
        .collect();
    charts::weekly(
        &dir.join("weekly.svg"),
        "Leads per rep per week (one line per rep, mean over seeds)",
        &panels,
    )?;
    Ok(())
}
