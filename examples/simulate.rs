//! The main job: simulate a sales team under an allocation policy and report how fair it was.
//!
//! With no arguments: a synthetic team of 20 reps over 8 weeks under the seed documents'
//! default rules, seed 42. `--help` lists the flags.

use chrono::{DateTime, TimeZone, Utc};
use clap::Parser;
use leadpool::sim::{
    LeadStream, SeededBehaviour, SimPolicy, Simulation, StreamConfig, SyntheticTeam, TeamConfig,
};
use std::io::Write;
use std::path::PathBuf;

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

    // Progress only when the run is long enough to wait for.
    let show_progress = stream.len() > 200_000 || days > 366;
    let mut stderr = std::io::stderr();
    let outcome = Simulation::new(
        team.team.clone(),
        &allocator,
        policy.pool.clone(),
        &stream,
        start,
        days,
    )
    .with_seed(args.seed)
    .with_label(policy.name.clone())
    .with_behaviour(&behaviour)
    .keep_events(false)
    .run_with_progress(|done, total| {
        if show_progress && (done % 7 == 0 || done == total) {
            let _ = write!(stderr, "\rsimulated day {done}/{total}");
            if done == total {
                let _ = writeln!(stderr);
            }
        }
    });

    let text = if args.json {
        serde_json::to_string_pretty(&outcome.report)? + "\n"
    } else {
        outcome.report.to_string()
    };
    match std::io::stdout().lock().write_all(text.as_bytes()) {
        // A reader that stops early (`| head`) is not an error.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        result => Ok(result?),
    }
}
