//! The readable rendering of a [`SimReport`]: fixed-width tables, no colour, the same bytes
//! for the same report.

use super::report::SimReport;
use crate::fairness::{FairnessReport, Spread};
use std::fmt::{self, Display, Formatter};

fn ratio(r: Option<f64>) -> String {
    r.map_or_else(|| "inf".to_owned(), |r| format!("{r:.2}"))
}

fn spread_line(f: &mut Formatter<'_>, label: &str, s: &Spread) -> fmt::Result {
    writeln!(
        f,
        "  {label:<8} total {:>12.0}  mean {:>10.1}  min {:>10.0}  max {:>10.0}  Gini {:.3}  Jain {:.3}  weighted Jain {:.3}  max/min {}",
        s.total,
        s.mean,
        s.min,
        s.max,
        s.gini,
        s.jain,
        s.weighted_jain,
        ratio(s.max_min_ratio)
    )
}

/// Renders the team-level figures of one fairness report.
fn fairness_block(f: &mut Formatter<'_>, report: &FairnessReport) -> fmt::Result {
    spread_line(f, "leads", &report.counts)?;
    spread_line(f, "value", &report.values)?;
    if let Some(o) = &report.outcomes {
        spread_line(f, "revenue", &o.revenue)?;
        writeln!(
            f,
            "  outcomes won {} lost {}  conversion {:.1}%  win rate {:.1}%  mean days to close {}",
            o.totals.won,
            o.totals.lost,
            100.0 * o.conversion_rate,
            100.0 * o.win_rate,
            o.mean_days_to_close
                .map_or_else(|| "-".to_owned(), |d| format!("{d:.1}"))
        )?;
    }
    Ok(())
}

impl Display for SimReport {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "leadpool simulation: {} reps, {} days from {} (UTC{})",
            self.reps.len(),
            self.days,
            self.start
                .with_timezone(&self.zone.offset())
                .format("%Y-%m-%d %H:%M"),
            self.zone
        )?;
        if let Some(seed) = self.seed {
            write!(f, ", seed {seed}")?;
        }
        writeln!(f, ", policy: {}", self.policy)?;
        writeln!(f)?;
        writeln!(f, "Per rep")?;
        writeln!(
            f,
            "  {:<8} {:<14} {:>4} {:>3} {:>8} {:>7} {:>6} {:>10} {:>7} {:>6} {:>8} {:>5} {:>5} {:>10} {:>7} {:>7}",
            "rep",
            "name",
            "tier",
            "wt",
            "assigned",
            "claimed",
            "share",
            "value",
            "follow",
            "remind",
            "released",
            "won",
            "lost",
            "revenue",
            "conv%",
            "holding"
        )?;
        for (row, fair) in self.reps.iter().zip(&self.overall.reps) {
            let name: String = row.name.chars().take(14).collect();
            writeln!(
                f,
                "  {:<8} {:<14} {:>4} {:>3} {:>8} {:>7} {:>5.1}% {:>10.0} {:>7} {:>6} {:>8} {:>5} {:>5} {:>10.0} {:>6.1}% {:>7}",
                row.rep.to_string(),
                name,
                row.tier,
                row.weight,
                row.assigned,
                row.claimed,
                100.0 * fair.share,
                row.value,
                row.follow_ups,
                row.reminders,
                row.released,
                row.outcomes.won,
                row.outcomes.lost,
                row.outcomes.revenue,
                100.0 * fair.conversion_rate,
                row.holding
            )?;
        }
        writeln!(f)?;
        writeln!(f, "Fairness, overall")?;
        fairness_block(f, &self.overall)?;
        writeln!(f)?;
        writeln!(f, "Fairness, week by week (leads and value received)")?;
        writeln!(
            f,
            "  {:<10} {:>6} {:>6} {:>6} {:>8} {:>8} {:>6} {:>6}",
            "week of", "leads", "Gini", "Jain", "max/min", "value G", "won", "lost"
        )?;
        for week in &self.weekly {
            let c = &week.fairness.counts;
            let (won, lost) = week
                .fairness
                .outcomes
                .as_ref()
                .map_or((0, 0), |o| (o.totals.won, o.totals.lost));
            writeln!(
                f,
                "  {:<10} {:>6.0} {:>6.3} {:>6.3} {:>8} {:>8.3} {:>6} {:>6}",
                week.week.to_string(),
                c.total,
                c.gini,
                c.jain,
                ratio(c.max_min_ratio),
                week.fairness.values.gini,
                won,
                lost
            )?;
        }
        let p = &self.pool;
        writeln!(f)?;
        writeln!(f, "Pool")?;
        writeln!(
            f,
            "  arrivals {}  imported {}  duplicates {}  assigned {}  left unassigned {}",
            p.arrivals, p.imported, p.duplicates, p.assigned, p.unassigned
        )?;
        writeln!(
            f,
            "  follow-ups {}  reminders {}  releases {}  claims {} (refused {})  reclaims {} (by former owner {})",
            p.follow_ups,
            p.reminders,
            p.releases,
            p.claims,
            p.claims_refused,
            p.reclaims,
            p.reclaims_by_former_owner
        )?;
        writeln!(
            f,
            "  deals won {}  lost {}  in the public pool at the end {}",
            p.deals_won, p.deals_lost, p.public_at_end
        )
    }
}

#[cfg(test)]
mod tests {
    use super::super::report::{PoolCounts, RepRow, SimReport, WeeklyFairness};
    use crate::ids::RepId;
    use chrono::{NaiveDate, TimeZone, Utc};

    fn report() -> SimReport {
        let reps: Vec<RepRow> = (1..=3)
            .map(|i| RepRow {
                rep: RepId(i),
                name: format!("Rep {i:02}"),
                weight: 1,
                assigned: 10 * i,
                value: 1000.0 * i as f64,
                ..RepRow::default()
            })
            .collect();
        let overall = SimReport::fairness_of(&reps);
        SimReport {
            policy: "test".into(),
            seed: Some(7),
            start: Utc.with_ymd_and_hms(2026, 11, 23, 0, 0, 0).unwrap(),
            zone: crate::calendar::TeamZone::east_hours(8).unwrap(),
            days: 7,
            weekly: vec![WeeklyFairness {
                week: NaiveDate::from_ymd_opt(2026, 11, 23).unwrap(),
                fairness: overall.clone(),
            }],
            overall,
            reps,
            pool: PoolCounts {
                releases: 4,
                reclaims: 2,
                ..PoolCounts::default()
            },
        }
    }

    #[test]
    fn the_text_report_shows_every_rep_the_fairness_figures_and_the_pool_traffic() {
        let text = report().to_string();
        for needle in [
            "rep#1",
            "rep#3",
            "Rep 02",
            "Gini",
            "Jain",
            "max/min 3.00",
            "releases 4",
            "reclaims 2",
            "2026-11-23",
            "seed 7",
        ] {
            assert!(text.contains(needle), "missing {needle:?} in\n{text}");
        }
        assert_eq!(text, report().to_string());
    }
}
