//! Counterfactual replay of the CRM Sales Opportunities data set (8,800 real opportunities,
//! 35 agents in three regional offices): if the team had used policy P, who would have got
//! which lead, and what would it have won?
//!
//! An outcome model is fitted on the 6,711 closed opportunities (`model::WinModel`:
//! win probability by agent x product x sector with hierarchical Beta-binomial shrinkage,
//! strengths chosen by cross-validated likelihood; deal value per product; days to close per
//! agent). Each policy then allocates the real stream of leads (times, products, accounts,
//! offices as recorded), outcomes are drawn from the model for the rep it chose, over 200
//! Monte Carlo seeds in parallel, and each figure is printed as a mean with a 95% interval.
//! The recorded assignment is scored under the same model as the row `historical`. The
//! learning allocator (`leadpool::allocate::Learned`, Thompson sampling with a minimum share)
//! learns only from the outcomes it is told as they close; `oracle` reads the model itself and
//! is a ceiling, not a policy.
//!
//! ```text
//! cargo run --release --example replay                      # the table
//! cargo run --release --example replay -- --json            # the whole report as JSON
//! cargo run --release --example replay -- --fit             # out-of-sample check of the model
//! cargo run --release --example replay -- --sensitivity     # the assumptions varied
//! cargo run --release --example replay -- --plot docs       # SVG charts
//! cargo run --release --example replay -- --pool-sim        # the old full-pool replay
//! ```

mod analysis;
mod dataset;
mod fit;
mod model;
mod montecarlo;
mod oracle;
mod plot;
mod pool_sim;
mod report;
mod world;

use clap::Parser;
use dataset::Dataset;
use leadpool::sim::Assumptions;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Counterfactual replay of real CRM opportunities under several allocation policies.
#[derive(Parser, Debug)]
#[command(version)]
struct Args {
    /// Monte Carlo seeds (0..N).
    #[arg(long, default_value_t = 200)]
    seeds: u64,
    /// The learning allocator's minimum share, in equal shares (0..=1).
    #[arg(long, default_value_t = analysis::FLOOR)]
    floor: f64,
    /// Assumption: log-odds of winning lost per open lead above the reference load.
    #[arg(long, default_value_t = 0.0)]
    load_slope: f64,
    /// Assumption: odds multiplier of agents with no history (newcomers).
    #[arg(long, default_value_t = 1.0)]
    newcomer_odds: f64,
    /// Print the whole report as JSON.
    #[arg(long)]
    json: bool,
    /// Print the out-of-sample check of the outcome model and stop.
    #[arg(long)]
    fit: bool,
    /// Rerun the main policies with each assumption varied.
    #[arg(long)]
    sensitivity: bool,
    /// Write SVG charts into this directory.
    #[arg(long, value_name = "DIR")]
    plot: Option<PathBuf>,
    /// No progress bar.
    #[arg(long)]
    quiet: bool,
    /// The previous replay: the whole pool state machine, recorded outcomes, five policies.
    #[arg(long)]
    pool_sim: bool,
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

fn emit(text: &str) -> Result<(), Box<dyn std::error::Error>> {
    match std::io::stdout().lock().write_all(text.as_bytes()) {
        // A reader that stops early (`| head`) is not an error.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        result => Ok(result?),
    }
}

fn run(args: Args) -> Result<(), Box<dyn std::error::Error>> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/data/crm-sales-opportunities");
    let data = Dataset::load(&dir)?;
    if args.pool_sim {
        return pool_sim::run(&data);
    }
    let world = world::World::new(&data)?;
    if args.fit {
        return emit(&fit::check(&world)?);
    }
    let options = analysis::Options {
        seeds: args.seeds,
        floor: args.floor,
        quiet: args.quiet,
        frontier: true,
    };
    if args.sensitivity {
        let (model, _) = world.fit(&world.closed)?;
        let assumptions = Assumptions {
            load_slope: args.load_slope,
            load_reference: world.reference_load(&model),
            newcomer_odds: args.newcomer_odds,
        };
        return emit(&analysis::sensitivity(
            &world,
            &model,
            assumptions,
            &options,
        )?);
    }
    let (report, evaluated, weeks) =
        analysis::replay_report(&world, &options, args.load_slope, args.newcomer_odds)?;
    if let Some(dir) = &args.plot {
        plot::replay_charts(dir, &report, &evaluated, weeks)?;
        eprintln!("charts written to {}", dir.display());
    }
    if args.json {
        return emit(&(report::json(&report)? + "\n"));
    }
    let mut text = format!(
        "Counterfactual replay: {} leads of the CRM Sales Opportunities data set, {} reps ({} with no history), {} seeds; outcomes drawn from the fitted model (mean [95% interval])\n\n",
        report.leads, report.reps, world.newcomers, report.seeds
    );
    text += &report::table(&report.policies, report.reps);
    text +=
        "\nThe learning allocator and the oracle at a range of minimum shares (the frontier):\n\n";
    text += &report::table(&report.frontier, report.reps);
    text += &analysis::verdict(&report);
    emit(&text)
}
