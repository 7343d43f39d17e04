//! The main job: simulate a sales team under an allocation policy and report how fair it was.
//!
//! With no arguments: a synthetic team of 20 reps over 8 weeks under the seed documents'
//! default rules, seed 42. `--help` lists the flags. `--plot DIR` writes the Lorenz curves of
//! leads and value per rep and the leads per rep per week as SVG charts. The report ends with
//! the first assignments' explanations and the first automatic releases, in the language of
//! `--lang` (`en`, the default, or `zh-CN`).

#[path = "replay/charts.rs"]
#[allow(dead_code)] // shared with the replay example, which uses every chart
mod charts;

use chrono::{DateTime, TimeZone, Utc};
use clap::Parser;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use leadpool::i18n::{Lang, Locale, Render};
use leadpool::pool::{Assigner, Event, Via};
use leadpool::sim::{
    LeadStream, SeededBehaviour, SimPolicy, Simulation, StreamConfig, SyntheticTeam, TeamConfig,
};
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

/// Simulate lead allocation and the public/private pool, and report fairness per rep.
#[derive(Parser, Debug)]
#[command(version)]
struct Args {
    /// Seed of the team, the lead stream and every random draw.
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// Number of reps in the synthetic team.
    #[arg(long, default_value_t = 20)]
    reps: u32,
    /// Number of weeks to simulate.
    #[arg(long, default_value_t = 8)]
    weeks: u32,
    /// Leads arriving per working day (default: two per rep).
    #[arg(long)]
    leads_per_day: Option<u32>,
    /// A policy file (JSON: {"name", "allocation", "pool"}); default: the seed rules.
    #[arg(long, value_name = "FILE")]
    policy: Option<PathBuf>,
    /// Print the report as JSON instead of text.
    #[arg(long)]
    json: bool,
    /// Write SVG charts (Lorenz curves, leads per rep per week) into this directory.
    #[arg(long, value_name = "DIR")]
    plot: Option<PathBuf>,
    /// No progress bar (it only shows on a terminal, for long runs).
    #[arg(long)]
    quiet: bool,
    /// The language of the explanations and release reasons: en or zh-CN.
    #[arg(long, default_value = "en")]
    lang: Lang,
    /// How many assignment explanations and automatic releases to show after the report.
    #[arg(long, default_value_t = 3)]
    explain: usize,
}

/// The first `n` rule assignments with their explanations, and the first `n` automatic
/// releases with their reasons, rendered in `locale`.
fn explained(events: &[Event], n: usize, locale: Locale) -> String {
    let mut out = String::new();
    let assignments = events.iter().filter_map(|e| match e {
        Event::OwnerChanged {
            client,
            to,
            via: Via::Assign {
                by: Assigner::Rule { explanation },
            },
            ..
        } => Some(format!(
            "  {client} -> {to}: {}\n",
            explanation.render(locale)
        )),
        _ => None,
    });
    let releases = events.iter().filter_map(|e| match e {
        Event::Released {
            client,
            from,
            reason,
            ..
        } if reason.is_automatic() => {
            Some(format!("  {client} <- {from}: {}\n", reason.render(locale)))
        }
        _ => None,
    });
    let (heading_a, heading_r) = match locale.lang() {
        Lang::ZhCn => ("分配说明", "自动回收"),
        _ => ("Why leads went where they did", "Automatic releases"),
    };
    out.push_str(&format!("\n{heading_a}\n"));
    out.extend(assignments.take(n));
    out.push_str(&format!("\n{heading_r}\n"));
    out.extend(releases.take(n));
    out
}

/// The run's charts.
fn plot(dir: &Path, report: &leadpool::sim::SimReport) -> Result<(), Box<dyn std::error::Error>> {
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let leads: Vec<f64> = report.reps.iter().map(|r| r.received() as f64).collect();
    let value: Vec<f64> = report.reps.iter().map(|r| r.value).collect();
    charts::lorenz(
        &dir.join("lorenz.svg"),
        &format!("Lorenz curves per rep: {}", report.policy),
        &[("leads".to_owned(), leads), ("value".to_owned(), value)],
    )?;
    let reps = report.reps.len();
    let counts: Vec<f64> = report
        .weekly
        .iter()
        .flat_map(|w| (0..reps).map(|i| w.fairness.reps.get(i).map_or(0.0, |r| r.received as f64)))
        .collect();
    charts::weekly(
        &dir.join("weekly.svg"),
        "Leads per rep per week (one line per rep)",
        &[charts::Weekly {
            title: report.policy.clone(),
            weeks: report.weekly.len(),
            reps,
            counts,
        }],
    )?;
    Ok(())
}

fn start() -> Result<DateTime<Utc>, &'static str> {
    // Monday 2026-11-23, 00:00 in UTC+8.
    Utc.with_ymd_and_hms(2026, 11, 22, 16, 0, 0)
        .single()
        .ok_or("bad start instant")
}

fn main() -> std::process::ExitCode {
    match run(Args::parse()) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}

fn run(args: Args) -> Result<(), Box<dyn std::error::Error>> {
    let policy = match &args.policy {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
            serde_json::from_str::<SimPolicy>(&text)
                .map_err(|e| format!("{}: not a simulation policy: {e}", path.display()))?
        }
        None => SimPolicy::seed_default(),
    };
    let team = SyntheticTeam::generate(
        &TeamConfig {
            reps: args.reps,
            ..TeamConfig::default()
        },
        args.seed,
    );
    let days = args.weeks.saturating_mul(7);
    let stream_config = StreamConfig {
        leads_per_day: args.leads_per_day.unwrap_or(args.reps.saturating_mul(2)),
        zone: policy.pool.zone,
        ..StreamConfig::default()
    };
    let start = start()?;
    let stream = LeadStream::synthetic(&stream_config, &team.team, start, days, args.seed);
    let allocator = policy.build(&team.team)?;
    let behaviour = SeededBehaviour::new(args.seed, team.profiles.clone());

    // Progress only when the run is long enough to wait for, on a terminal, unless --quiet.
    let long = stream.len() > 200_000 || days > 366;
    let bar = if long && !args.quiet && std::io::stderr().is_terminal() {
        let bar = ProgressBar::new(u64::from(days));
        if let Ok(style) =
            ProgressStyle::with_template("simulating [{bar:40}] day {pos}/{len} ({eta} left)")
        {
            bar.set_style(style.progress_chars("=> "));
        }
        bar
    } else {
        ProgressBar::with_draw_target(Some(u64::from(days)), ProgressDrawTarget::hidden())
    };
    let config = policy.config(team.team.clone())?;
    let outcome = Simulation::new(config, &allocator, &stream, start, days)
        .with_seed(args.seed)
        .with_label(policy.name.clone())
        .with_behaviour(&behaviour)
        .keep_events(args.explain > 0 && !long)
        .run_with_progress(|done, _| bar.set_position(u64::from(done)));
    bar.finish_and_clear();
    if let Some(dir) = &args.plot {
        plot(dir, &outcome.report)?;
        eprintln!("charts written to {}", dir.display());
    }

    let locale = Locale::new(args.lang).with_zone(policy.pool.zone);
    let text = if args.json {
        serde_json::to_string_pretty(&outcome.report)? + "\n"
    } else {
        outcome.report.to_string() + &explained(&outcome.events, args.explain, locale)
    };
    match std::io::stdout().lock().write_all(text.as_bytes()) {
        // A reader that stops early (`| head`) is not an error.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        result => Ok(result?),
    }
}
