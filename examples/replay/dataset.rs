//! The CRM Sales Opportunities data set (examples/data/crm-sales-opportunities, Maven
//! Analytics, see its README) read with the `csv` crate and turned into a leadpool team and
//! lead stream.
//!
//! Mapping:
//! - each of the 35 agents becomes a rep (ids 1..=35 in `sales_teams.csv` order) whose
//!   territory is its regional office (`Central`, `East`, `West`);
//! - each opportunity becomes a lead (client ids 1..=8,800 in `sales_pipeline.csv` order)
//!   arriving at 09:00 UTC on its engage date, in the region of the office of the agent who
//!   worked it, with the account's sector as industry and the sector, the account's country and
//!   the product as tags (each absent when the row has no account);
//! - the 500 Prospecting rows have no engage date: they arrive on the last engage date of the
//!   data set (the pipeline's open tail at the snapshot), so all 8,800 are replayed;
//! - the product's list price is the lead's value; the recorded agent, stage, close date and
//!   close value are kept as [`Historical`] for comparison.
//!
//! The data's own spellings are normalised: product "GTXPro" is "GTX Pro" in products.csv,
//! and sector "technolgy" is read as "technology".

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use leadpool::allocate::Team;
use leadpool::ids::{ClientId, RepId};
use leadpool::model::{Client, DedupeKeys, LeadInputs, Region, Rep, Source};
use leadpool::sim::{Arrival, LeadStream};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::error::Error;
use std::path::Path;

/// One agent (sales_teams.csv).
#[derive(Clone, Debug, Deserialize)]
pub struct Agent {
    /// Name.
    pub sales_agent: String,
    /// Central, East or West.
    pub regional_office: String,
}

/// One account (accounts.csv).
#[derive(Clone, Debug, Deserialize)]
pub struct Account {
    /// Name.
    pub account: String,
    /// Sector ("technolgy" as spelled in the data).
    pub sector: String,
    /// Annual revenue, millions.
    pub revenue: f64,
    /// Country of the head office.
    pub office_location: String,
}

/// One product (products.csv).
#[derive(Clone, Debug, Deserialize)]
pub struct Product {
    /// Name.
    pub product: String,
    /// List price.
    pub sales_price: f64,
}

/// One opportunity row (sales_pipeline.csv); empty cells read as `None`.
#[derive(Clone, Debug, Deserialize)]
pub struct Opportunity {
    /// The data set's id.
    pub opportunity_id: String,
    /// The agent who worked it.
    pub sales_agent: String,
    /// The product.
    pub product: String,
    /// The account, when known.
    pub account: Option<String>,
    /// Won, Lost, Engaging or Prospecting.
    pub deal_stage: String,
    /// When the agent engaged.
    pub engage_date: Option<NaiveDate>,
    /// When it closed.
    pub close_date: Option<NaiveDate>,
    /// The deal value (0 for lost).
    pub close_value: Option<f64>,
}

/// How an opportunity really went.
#[derive(Clone, Debug, PartialEq)]
pub enum Stage {
    /// Won for this value on this date.
    Won {
        /// Close date.
        closed: NaiveDate,
        /// Close value.
        value: f64,
    },
    /// Lost on this date.
    Lost {
        /// Close date.
        closed: NaiveDate,
    },
    /// Still open at the snapshot (Engaging or Prospecting).
    Open,
}

/// The recorded history of one lead.
#[derive(Clone, Debug)]
pub struct Historical {
    /// The rep who worked it.
    pub rep: RepId,
    /// How it went.
    pub stage: Stage,
}

/// The whole data set, read and mapped.
pub struct Dataset {
    /// The agents, in file order.
    pub agents: Vec<Agent>,
    /// The products, in file order.
    pub products: Vec<Product>,
    /// The team built from them.
    pub team: Team,
    /// The lead stream.
    pub stream: LeadStream,
    /// The recorded history by client id.
    pub history: BTreeMap<ClientId, Historical>,
    /// How many opportunities were read.
    pub opportunities: usize,
    /// How many Prospecting rows got the documented arrival (no engage date).
    pub prospecting_without_date: usize,
}

fn read<T: for<'de> Deserialize<'de>>(path: &Path) -> Result<Vec<T>, Box<dyn Error>> {
    let mut reader =
        csv::Reader::from_path(path).map_err(|e| format!("cannot open {}: {e}", path.display()))?;
    let mut rows = Vec::new();
    for (line, row) in reader.deserialize().enumerate() {
        rows.push(row.map_err(|e| format!("{} row {}: {e}", path.display(), line + 2))?);
    }
    Ok(rows)
}

/// The product name as products.csv spells it.
fn product_name(raw: &str) -> &str {
    if raw == "GTXPro" { "GTX Pro" } else { raw }
}

/// The sector with the data's misspelling corrected.
fn sector_name(raw: &str) -> &str {
    if raw == "technolgy" {
        "technology"
    } else {
        raw
    }
}

/// Scales `x` in `lo..=hi` to 0..=100.
fn rating(x: f64, lo: f64, hi: f64) -> u8 {
    if hi <= lo {
        return 50;
    }
    (((x - lo) / (hi - lo)) * 100.0).round().clamp(0.0, 100.0) as u8
}

fn at_nine(day: NaiveDate) -> DateTime<Utc> {
    day.and_time(NaiveTime::from_hms_opt(9, 0, 0).unwrap_or(NaiveTime::MIN))
        .and_utc()
}

impl Dataset {
    /// Reads the four CSVs under `dir`.
    pub fn load(dir: &Path) -> Result<Self, Box<dyn Error>> {
        let agents: Vec<Agent> = read(&dir.join("sales_teams.csv"))?;
        let accounts: Vec<Account> = read(&dir.join("accounts.csv"))?;
        let products: Vec<Product> = read(&dir.join("products.csv"))?;
        let rows: Vec<Opportunity> = read(&dir.join("sales_pipeline.csv"))?;

        let mut rep_of = BTreeMap::new();
        let mut office_of = BTreeMap::new();
        let mut reps = Vec::new();
        for (i, agent) in agents.iter().enumerate() {
            let id = RepId(i as u64 + 1);
            let office: Region = agent.regional_office.parse()?;
            rep_of.insert(agent.sales_agent.clone(), id);
            office_of.insert(id, office.clone());
            reps.push(Rep::new(id, agent.sales_agent.clone()).with_regions([office]));
        }
        let account_of: BTreeMap<&str, &Account> =
            accounts.iter().map(|a| (a.account.as_str(), a)).collect();
        let price_of: BTreeMap<&str, f64> = products
            .iter()
            .map(|p| (p.product.as_str(), p.sales_price))
            .collect();
        let (min_rev, max_rev) = accounts.iter().fold((f64::MAX, 0.0f64), |(lo, hi), a| {
            (lo.min(a.revenue), hi.max(a.revenue))
        });
        let (min_price, max_price) = products.iter().fold((f64::MAX, 0.0f64), |(lo, hi), p| {
            (lo.min(p.sales_price.ln()), hi.max(p.sales_price.ln()))
        });
        let last_engaged = rows
            .iter()
            .filter_map(|r| r.engage_date)
            .max()
            .ok_or("no opportunity has an engage date")?;

        let mut arrivals = Vec::with_capacity(rows.len());
        let mut history = BTreeMap::new();
        let mut prospecting_without_date = 0;
        for (i, row) in rows.iter().enumerate() {
            let id = ClientId(i as u64 + 1);
            let rep = *rep_of.get(&row.sales_agent).ok_or_else(|| {
                format!("{}: unknown agent {}", row.opportunity_id, row.sales_agent)
            })?;
            let product = product_name(&row.product);
            let price = *price_of
                .get(product)
                .ok_or_else(|| format!("{}: unknown product {product}", row.opportunity_id))?;
            let engaged = match row.engage_date {
                Some(day) => day,
                None if row.deal_stage == "Prospecting" => {
                    prospecting_without_date += 1;
                    last_engaged
                }
                None => return Err(format!("{}: no engage date", row.opportunity_id).into()),
            };
            let account = row.account.as_deref().and_then(|a| account_of.get(a));
            let at = at_nine(engaged);
            let mut client = Client::new(
                id,
                row.account
                    .clone()
                    .unwrap_or_else(|| row.opportunity_id.clone()),
                Source::Other {
                    label: "crm-sales-opportunities".into(),
                },
                at,
            )
            .with_region(office_of.get(&rep).cloned().unwrap_or_default())
            .with_lead(LeadInputs {
                budget: account.map_or(50, |a| rating(a.revenue, min_rev, max_rev)),
                urgency: 50,
                product_fit: rating(price.ln(), min_price, max_price),
            })
            // Opportunities of one account are separate deals: key them by opportunity id so
            // dedupe does not fold them together.
            .with_keys(DedupeKeys::from_raw(
                Some(&row.opportunity_id),
                None,
                None,
                None,
            ));
            if let Some(account) = account {
                let sector = sector_name(&account.sector);
                client = client
                    .with_industry(sector)
                    .with_tags([sector, account.office_location.as_str()]);
            }
            client = client.with_tags([product]);
            let stage = match (row.deal_stage.as_str(), row.close_date) {
                ("Won", Some(closed)) => Stage::Won {
                    closed,
                    value: row.close_value.unwrap_or(0.0),
                },
                ("Lost", Some(closed)) => Stage::Lost { closed },
                _ => Stage::Open,
            };
            arrivals.push(Arrival {
                at,
                client,
                value: price,
            });
            history.insert(id, Historical { rep, stage });
        }
        Ok(Self {
            agents,
            products,
            team: Team::new(reps),
            stream: LeadStream::new(arrivals),
            history,
            opportunities: rows.len(),
            prospecting_without_date,
        })
    }
}
