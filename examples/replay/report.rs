//! The counterfactual report: the side-by-side table and its JSON form (`replay --json`).
//!
//! JSON: `{"seeds", "leads", "reps", "assumptions", "policies": [..], "frontier": [..]}`; each
//! policy is an object with `name` and each figure as `{"mean", "lo", "hi"}` under
//! `expected_wins`, `expected_revenue`, `lead_gini`, `value_gini`, `jain`, `min_share`, plus
//! `max_min` (null when some seed left a rep with nothing) and `revenue_vs_historical` (the
//! paired difference from the `historical` row over the same seeds, in percent).

use crate::montecarlo::Evaluated;
use leadpool::sim::{Assumptions, Interval, Summary};
use serde::Serialize;
use std::fmt::Write;

/// One policy's row.
#[derive(Clone, Debug, Serialize)]
pub struct Row {
    /// The policy.
    pub name: String,
    /// The minimum share of a learning (or oracle) row, in equal shares.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub floor: Option<f64>,
    /// Its figures over the seeds.
    #[serde(flatten)]
    pub summary: Summary,
    /// Revenue minus `historical`'s on the same seed, in percent of `historical`'s.
    pub revenue_vs_historical: Option<Interval>,
}

/// The whole report.
#[derive(Clone, Debug, Serialize)]
pub struct Report {
    /// Monte Carlo seeds (0..seeds).
    pub seeds: u64,
    /// Leads replayed.
    pub leads: usize,
    /// Reps in the team.
    pub reps: usize,
    /// The assumptions of the outcome model.
    pub assumptions: Assumptions,
    /// The policies, side by side.
    pub policies: Vec<Row>,
    /// The learning allocator (and the oracle) at a range of minimum shares.
    pub frontier: Vec<Row>,
}

/// Rows from evaluated policies, each compared with `historical` (seed by seed) when present.
pub fn rows(
    evaluated: &[Evaluated],
    historical: Option<&Evaluated>,
    floors: &[Option<f64>],
) -> Vec<Row> {
    evaluated
        .iter()
        .enumerate()
        .map(|(i, e)| Row {
            name: e.name.clone(),
            floor: floors.get(i).copied().flatten(),
            summary: e.summary,
            revenue_vs_historical: historical.map(|h| {
                let diffs: Vec<f64> = e
                    .figures
                    .iter()
                    .zip(&h.figures)
                    .map(|(a, b)| 100.0 * (a.revenue - b.revenue) / b.revenue.max(1.0))
                    .collect();
                Interval::of(&diffs)
            }),
        })
        .collect()
}

/// The report as pretty JSON.
pub fn json(report: &Report) -> serde_json::Result<String> {
    serde_json::to_string_pretty(report)
}

fn span(i: &Interval, scale: f64, decimals: usize) -> String {
    format!(
        "{:.d$} [{:.d$}, {:.d$}]",
        i.mean / scale,
        i.lo / scale,
        i.hi / scale,
        d = decimals
    )
}

/// The side-by-side table, one line per row.
pub fn table(rows: &[Row], reps: usize) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{:<22} {:>20} {:>24} {:>20} {:>21} {:>21} {:>6} {:>7} {:>18}",
        "policy",
        "expected wins",
        "expected revenue, $k",
        "vs historical, %",
        "lead Gini",
        "value Gini",
        "Jain",
        "max/min",
        "min share, x equal"
    );
    let equal = 1.0 / reps.max(1) as f64;
    for row in rows {
        let s = &row.summary;
        let vs = match &row.revenue_vs_historical {
            Some(i) if row.name != "historical" => {
                format!("{:+.1} [{:+.1}, {:+.1}]", i.mean, i.lo, i.hi)
            }
            _ => "-".to_owned(),
        };
        let ratio = s
            .max_min
            .map_or_else(|| "inf".to_owned(), |i| format!("{:.2}", i.mean));
        let _ = writeln!(
            out,
            "{:<22} {:>20} {:>24} {:>20} {:>21} {:>21} {:>6.3} {:>7} {:>18}",
            row.name,
            span(&s.expected_wins, 1.0, 0),
            span(&s.expected_revenue, 1000.0, 0),
            vs,
            span(&s.lead_gini, 1.0, 3),
            span(&s.value_gini, 1.0, 3),
            s.jain.mean,
            ratio,
            span(&s.min_share, equal, 2),
        );
    }
    out
}
