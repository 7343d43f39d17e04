//! Monte Carlo over seeds: every (policy, seed) run in parallel with rayon, reduced in order.
//! Each run is a pure function of its seed, so the result does not depend on the thread count.

use crate::world::Factory;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use leadpool::sim::{Counterfactual, Figures, RunResult, Summary};
use rayon::prelude::*;
use std::io::IsTerminal;

/// One policy over all seeds.
pub struct Evaluated {
    /// The policy's name.
    pub name: String,
    /// Figures per seed, in seed order.
    pub figures: Vec<Figures>,
    /// The summary over seeds.
    pub summary: Summary,
    /// Mean leads received per rep (team order).
    pub mean_received: Vec<f64>,
    /// Mean leads received per week and rep (week-major).
    pub mean_weekly: Vec<f64>,
}

/// A progress bar on stderr, hidden when stderr is not a terminal or when `quiet`.
pub fn progress(total: u64, quiet: bool) -> ProgressBar {
    if quiet || !std::io::stderr().is_terminal() {
        return ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::hidden());
    }
    let bar = ProgressBar::new(total);
    if let Ok(style) = ProgressStyle::with_template(
        "{msg:>12} [{bar:40}] {pos}/{len} runs, {elapsed} ({eta} left)",
    ) {
        bar.set_style(style.progress_chars("=> "));
    }
    bar
}

fn mean_of(runs: &[RunResult], f: impl Fn(&RunResult) -> &[u64]) -> Vec<f64> {
    let Some(first) = runs.first() else {
        return Vec::new();
    };
    let mut sums = vec![0.0; f(first).len()];
    for run in runs {
        for (s, x) in sums.iter_mut().zip(f(run)) {
            *s += *x as f64;
        }
    }
    sums.iter().map(|s| s / runs.len() as f64).collect()
}

/// Runs every policy on seeds `0..seeds`.
pub fn evaluate(
    replay: &Counterfactual<'_>,
    policies: &[(String, Factory<'_>)],
    seeds: u64,
    bar: &ProgressBar,
) -> Vec<Evaluated> {
    let jobs: Vec<(usize, u64)> = (0..policies.len())
        .flat_map(|p| (0..seeds).map(move |s| (p, s)))
        .collect();
    let runs: Vec<RunResult> = jobs
        .par_iter()
        .map(|&(p, seed)| {
            let mut learner = (policies[p].1)();
            let run = replay.run(learner.as_mut(), seed);
            bar.inc(1);
            run
        })
        .collect();
    policies
        .iter()
        .zip(runs.chunks(seeds.max(1) as usize))
        .map(|((name, _), runs)| {
            let figures: Vec<Figures> = runs.iter().map(RunResult::figures).collect();
            let weekly: Vec<RunResult> = runs
                .iter()
                .map(|r| RunResult {
                    received: r.weekly.iter().map(|&x| u64::from(x)).collect(),
                    ..RunResult::default()
                })
                .collect();
            Evaluated {
                name: name.clone(),
                summary: Summary::of(&figures),
                mean_received: mean_of(runs, |r| &r.received),
                mean_weekly: mean_of(&weekly, |r| &r.received),
                figures,
            }
        })
        .collect()
}
