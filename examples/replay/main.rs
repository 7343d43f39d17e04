//! Replays the CRM Sales Opportunities data set (8,800 opportunities) through allocation
//! policies and compares how fairly each spreads them.

mod dataset;

use dataset::Dataset;
use std::path::Path;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/data/crm-sales-opportunities");
    let data = Dataset::load(&dir)?;
    println!(
        "{} opportunities ({} Prospecting without engage date), {} agents, {} leads, {} with history",
        data.opportunities,
        data.prospecting_without_date,
        data.agents.len(),
        data.stream.len(),
        data.history.len()
    );
    let won = data
        .history
        .values()
        .filter(|h| matches!(h.stage, dataset::Stage::Won { .. }) && data.team.get(h.rep).is_some())
        .count();
    println!("{won} won as recorded");
    Ok(())
}
