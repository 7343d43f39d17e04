//! The data set mapped onto the crate's counterfactual machinery: model keys, observations,
//! the lead stream and the policies compared.
//!
//! Keys: agent = the rep's team position (the 35 agents of sales_teams.csv, in file order),
//! segment = the product (products.csv order), context = the account's sector (sorted, plus
//! "none" for the Prospecting rows without an account). Observations are the 6,711 closed
//! opportunities (Won or Lost), in engage-date order; the 2,089 still open at the snapshot
//! have no outcome to learn from, but are leads like any other in the replay.

use crate::dataset::{Dataset, Stage};
use crate::model::{
    CloseDelays, Fitted, Observation, STRENGTH_GRID, SegmentValues, Selection, Shape, WinModel,
};
use crate::pool_sim::{ranking_policy, recorded_performance, score_policy, tiered};
use chrono::NaiveDate;
use leadpool::allocate::{
    Allocator, Decision, Explanation, LearnedPolicy, Policy, SegmentField, Team, TerritoryPolicy,
    from_fn,
};
use leadpool::ids::{ClientId, RepId};
use leadpool::label::Label;
use leadpool::model::Metrics;
use leadpool::reason::Step;
use leadpool::sim::{Fixed, Lead, Learner};

/// Cross-validation folds for the shrinkage strengths.
pub const FOLDS: usize = 5;

/// One closed opportunity: when it was engaged and how it went.
#[derive(Clone, Copy, Debug)]
pub struct Closed {
    /// The lead.
    pub client: ClientId,
    /// The engage date.
    pub engaged: NaiveDate,
    /// Days from engage to close.
    pub days: f64,
    /// The close value (0 when lost).
    pub value: f64,
    /// Keys and outcome.
    pub obs: Observation,
}

/// The data set in the model's keys.
pub struct World {
    /// The team (tiers from recorded wins, for score-weighted allocation).
    pub team: Team,
    /// Every opportunity as a lead, in arrival order.
    pub leads: Vec<Lead>,
    /// The recorded agent of each lead, by client id - 1.
    pub recorded: Vec<RepId>,
    /// The (segment, context) keys of each lead, by client id - 1.
    pub keys: Vec<(usize, usize)>,
    /// Product names (segments).
    pub products: Vec<String>,
    /// Sector names (contexts; the last is "none").
    pub sectors: Vec<String>,
    /// List price per product.
    pub list_prices: Vec<f64>,
    /// The closed opportunities, in engage-date order.
    pub closed: Vec<Closed>,
    /// The agents' recorded activity, for the ranking policy.
    pub metrics: Metrics,
    /// Agents with no opportunity in the data.
    pub newcomers: usize,
}

impl World {
    /// Maps the data set.
    pub fn new(data: &Dataset) -> Result<Self, Box<dyn std::error::Error>> {
        let team = tiered(&data.team, &data.history);
        let products: Vec<String> = data.products.iter().map(|p| p.product.clone()).collect();
        let list_prices = data.products.iter().map(|p| p.sales_price).collect();
        let mut sectors: Vec<String> = data
            .stream
            .arrivals()
            .iter()
            .filter_map(|a| a.client.industry().map(str::to_owned))
            .collect();
        sectors.sort();
        sectors.dedup();
        sectors.push("none".to_owned());
        let mut leads = Vec::with_capacity(data.stream.len());
        let mut recorded = vec![RepId(0); data.stream.len()];
        let mut keys = vec![(0, 0); data.stream.len()];
        let mut closed = Vec::new();
        for arrival in data.stream.arrivals() {
            let client = &arrival.client;
            let segment = client
                .tags()
                .iter()
                .find_map(|t| products.iter().position(|p| p == t))
                .ok_or_else(|| format!("{}: no product tag", client.id()))?;
            let context = client
                .industry()
                .as_ref()
                .and_then(|i| sectors.iter().position(|s| s == i))
                .unwrap_or(sectors.len() - 1);
            let h = data
                .history
                .get(&client.id())
                .ok_or_else(|| format!("{}: no history", client.id()))?;
            let agent = team
                .position(h.rep)
                .ok_or_else(|| format!("{}: unknown rep", client.id()))?;
            if let Some(i) = (client.id().0 as usize).checked_sub(1) {
                if let (Some(rep), Some(key)) = (recorded.get_mut(i), keys.get_mut(i)) {
                    (*rep, *key) = (h.rep, (segment, context));
                }
            }
            let engaged = arrival.at.date_naive();
            let outcome = match h.stage {
                Stage::Won { closed, value } => Some((closed, value, true)),
                Stage::Lost { closed } => Some((closed, 0.0, false)),
                Stage::Open => None,
            };
            if let Some((day, value, won)) = outcome {
                closed.push(Closed {
                    client: client.id(),
                    engaged,
                    days: (day - engaged).num_days() as f64,
                    value,
                    obs: Observation {
                        agent,
                        segment,
                        context,
                        won,
                    },
                });
            }
            leads.push(Lead {
                client: client.clone(),
                segment,
                context,
            });
        }
        closed.sort_by_key(|c| c.engaged);
        let active: std::collections::BTreeSet<RepId> =
            data.history.values().map(|h| h.rep).collect();
        Ok(Self {
            newcomers: team.len() - active.len(),
            team,
            leads,
            recorded,
            keys,
            products,
            sectors,
            list_prices,
            closed,
            metrics: recorded_performance(data),
        })
    }

    /// The model's shape.
    pub fn shape(&self) -> Shape {
        Shape {
            agents: self.team.len(),
            segments: self.products.len(),
            contexts: self.sectors.len(),
        }
    }

    /// Fits the outcome model on `closed` (strengths by cross-validated likelihood).
    pub fn fit(
        &self,
        closed: &[Closed],
    ) -> Result<(Fitted, Selection), Box<dyn std::error::Error>> {
        let obs: Vec<Observation> = closed.iter().map(|c| c.obs).collect();
        let (wins, selection) = WinModel::fit_selected(self.shape(), &obs, &STRENGTH_GRID, FOLDS)?;
        let won: Vec<(usize, f64)> = closed
            .iter()
            .filter(|c| c.obs.won)
            .map(|c| (c.obs.segment, c.value))
            .collect();
        let days: Vec<(usize, f64)> = closed.iter().map(|c| (c.obs.agent, c.days)).collect();
        let model = Fitted {
            wins,
            values: SegmentValues::fit(self.products.len(), &won, &self.list_prices),
            delays: CloseDelays::fit(self.team.len(), &days),
        };
        Ok((model, selection))
    }

    /// The mean open load the recorded agent held when a lead arrived, each lead held for its
    /// agent's mean days to close under `model`: the load at which the fitted rates hold.
    pub fn reference_load(&self, model: &Fitted) -> f64 {
        let mut closes: Vec<Vec<i64>> = vec![Vec::new(); self.team.len()];
        let mut total = 0.0;
        for lead in &self.leads {
            let rep = self.recorded_rep(lead.client.id());
            let Some(pos) = rep.and_then(|r| self.team.position(r)) else {
                continue;
            };
            let now = lead.client.created_at().timestamp();
            closes[pos].retain(|&c| c > now);
            total += closes[pos].len() as f64;
            let days = model.delays.agent_mean(pos);
            closes[pos].push(now + (days * 86_400.0) as i64);
        }
        total / self.leads.len().max(1) as f64
    }

    /// The agent recorded for a client.
    pub fn recorded_rep(&self, client: ClientId) -> Option<RepId> {
        (client.0 as usize)
            .checked_sub(1)
            .and_then(|i| self.recorded.get(i))
            .copied()
    }

    /// The learning allocator's configuration at a minimum share of `floor` equal shares
    /// (`floor / n` of all leads). Segments: the products, read from the leads' tags.
    pub fn learned_policy(&self, floor: f64) -> LearnedPolicy {
        LearnedPolicy {
            segment_field: SegmentField::Tag,
            segments: self.products.clone(),
            min_share: floor / self.team.len() as f64,
            ..LearnedPolicy::default()
        }
    }
}

/// Makes a fresh policy instance for one seed's run.
pub type Factory<'w> = Box<dyn Fn() -> Box<dyn Learner + 'w> + Sync + 'w>;

fn fixed<'w>(allocator: Box<dyn Allocator + 'w>) -> Box<dyn Learner + 'w> {
    Box::new(Fixed(allocator))
}

/// A policy from its serde form, built fresh for each run.
fn built<'w>(team: &'w Team, policy: Policy) -> Result<Factory<'w>, Box<dyn std::error::Error>> {
    policy.build(team)?; // configuration errors surface once, here
    Ok(Box::new(move || match policy.build(team) {
        Ok(allocator) => fixed(allocator),
        Err(_) => fixed(Box::new(from_fn(|r, _| {
            Decision::unassigned(r.client().id(), Explanation::default())
        }))),
    }))
}

/// The learning allocator at `floor` equal shares.
pub fn learned(world: &World, floor: f64) -> Result<Factory<'_>, Box<dyn std::error::Error>> {
    let config = world.learned_policy(floor);
    let team = &world.team;
    config.build_learned(team)?;
    Ok(Box::new(move || match config.build_learned(team) {
        Ok(learned) => Box::new(learned),
        Err(_) => fixed(Box::new(from_fn(|r, _| {
            Decision::unassigned(r.client().id(), Explanation::default())
        }))),
    }))
}

/// The policies compared, in table order, `learned` at `floor` equal shares.
pub fn policies(
    world: &World,
    floor: f64,
) -> Result<Vec<(String, Factory<'_>)>, Box<dyn std::error::Error>> {
    let historical: Factory<'_> = Box::new(|| {
        fixed(Box::new(from_fn(|request, _rng| {
            match world.recorded_rep(request.client().id()) {
                Some(rep) => Decision::assigned(
                    request.client().id(),
                    rep,
                    Explanation::new(Step::Custom {
                        rule: Label::new("historical: the agent recorded in the data set"),
                        rep: Some(rep),
                    }),
                ),
                None => Decision::unassigned(request.client().id(), Explanation::default()),
            }
        })))
    });
    let score = score_policy();
    let ranking = ranking_policy();
    let team = &world.team;
    Ok(vec![
        ("historical".to_owned(), historical),
        (
            "round-robin".to_owned(),
            built(
                team,
                Policy::RoundRobin {
                    key: None,
                    rejoin: Default::default(),
                },
            )?,
        ),
        (
            "territory".to_owned(),
            built(team, Policy::Territory(TerritoryPolicy::default()))?,
        ),
        (
            "least-loaded".to_owned(),
            built(
                team,
                Policy::LeastLoaded {
                    default_capacity: 100,
                },
            )?,
        ),
        ("score-weighted".to_owned(), built(team, score)?),
        ("performance top-5".to_owned(), built(team, ranking)?),
        ("learned".to_owned(), learned(world, floor)?),
    ])
}
