//! The admission rules: may this actor ask for this ([`permit`](permission), the permission
//! matrix), and may this rep take these clients now, by this route ([`admit`]), and if not, why.
//!
//! Permissions are rules too and are decided here, once, for every command: see the
//! [permission module](permission) for the matrix of actions × actors.
//!
//! One function, [`admit`], answers for every route a client can take to a rep. `decide`
//! calls it for claims, assignments, transfers, handovers and deals; the allocators' team view
//! ([`super::PoolView`]) calls it for every candidate of a rule assignment; the simulation
//! calls it before a simulated rep claims. No rule is written anywhere else, so no path can get
//! around one.
//!
//! | rule | claim | rule assignment | manager assignment | transfer | handover | deal on a public client |
//! |---|---|---|---|---|---|---|
//! | rep on the team | ✓ | ✓ | ✓ | ✓ | ✓ | ✓ |
//! | rep available (not inactive, not on leave) | ✓ | ✓ | ✓ | ✓ | ✓ | ✓ |
//! | rep a member of the client's pool | ✓ | ✓ | ✓ | ✓ | ✓ | ✓ |
//! | embargo after entering the public pool | ✓ | | | | | ✓ |
//! | reclaim cooldown after a release | ✓ | ✓ | | | | ✓ |
//! | 撞单 protection by another rep's contact or deal | ✓ | ✓ | ✓ | | | ✓ |
//! | private-pool cap | ✓ | ✓ | ✓ | ✓ | ✓ | ✓ |
//! | daily claim limit | ✓ | | | | | ✓ |
//!
//! The checks run in the order of the table's rows and the first that fails is the answer.
//! Transfers and handovers are a manager moving clients away from their owner, with their
//! history: the protection and cooldown of the clients they move are the owner's, not the
//! receiver's business. A deal on a public client is a claim and a deal in one command. An
//! import is refused only for its own data (history in the future) and a duplicate key.

pub mod permission;

pub use permission::{Action, Forbidden, Grant, Need, PermissionMatrix};
pub(crate) use permission::{Subject, permit};

use super::config::Config;
use super::state::PoolState;
use crate::conflict::{ContactVerdict, Protection, may_contact};
use crate::ids::RepId;
use crate::model::{Availability, Client, Rep};
use crate::reason::Refusal;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// A route a client can take to a rep.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Route {
    /// The rep takes a public client.
    Claim,
    /// An allocation rule gives the rep a public client.
    RuleAssignment,
    /// A manager gives the rep a public client.
    ManagerAssignment,
    /// A manager moves clients from their owner to the rep.
    Transfer,
    /// A client its owner has not closed goes to the rep, with its history.
    Handover,
    /// The rep closes a deal on a public client: a claim and a deal in one.
    Deal,
}

impl Route {
    /// Every route.
    pub const ALL: [Route; 6] = [
        Route::Claim,
        Route::RuleAssignment,
        Route::ManagerAssignment,
        Route::Transfer,
        Route::Handover,
        Route::Deal,
    ];

    fn embargo(self) -> bool {
        matches!(self, Route::Claim | Route::Deal)
    }

    fn cooldown(self) -> bool {
        matches!(self, Route::Claim | Route::RuleAssignment | Route::Deal)
    }

    fn protection(self) -> bool {
        matches!(
            self,
            Route::Claim | Route::RuleAssignment | Route::ManagerAssignment | Route::Deal
        )
    }

    fn daily_limit(self) -> bool {
        matches!(self, Route::Claim | Route::Deal)
    }
}

/// May `rep` take `clients` now by `route`? `Ok` or the first rule that refuses, in the order
/// of the table in the [module docs](self). The cap counts all of `clients` together (a
/// transfer of five needs room for five); clients with a deal in force count only when the
/// policy counts them.
pub fn admit(
    state: &PoolState,
    route: Route,
    rep: RepId,
    clients: &[&Client],
    now: DateTime<Utc>,
) -> Result<(), Refusal> {
    admit_at(state, route, rep, clients, now).map_err(|(_, refusal)| refusal)
}

/// [`admit`], saying which of `clients` a per-client rule refused (0 for the rules about the
/// rep or the whole batch).
pub(crate) fn admit_at(
    state: &PoolState,
    route: Route,
    rep: RepId,
    clients: &[&Client],
    now: DateTime<Utc>,
) -> Result<(), (usize, Refusal)> {
    let profile = state.rep(rep).ok_or((0, Refusal::NotOnTeam))?;
    admit_rep(state, route, profile, clients, now)
}

/// [`admit_at`] for a rep on the team, its profile already found (the first rule passed).
pub(crate) fn admit_rep(
    state: &PoolState,
    route: Route,
    profile: &Rep,
    clients: &[&Client],
    now: DateTime<Utc>,
) -> Result<(), (usize, Refusal)> {
    match clients {
        [client] => admit_one(state, route, profile, client, now),
        _ => admit_batch(state, route, profile, clients, now),
    }
}

/// [`admit_rep`] for one client (most commands): the rules in one pass, inlined where a
/// command admits its one client.
#[inline(always)]
pub(crate) fn admit_one(
    state: &PoolState,
    route: Route,
    profile: &Rep,
    client: &Client,
    now: DateTime<Utc>,
) -> Result<(), (usize, Refusal)> {
    available(profile, now).map_err(|refusal| (0, refusal))?;
    one_client(state, route, profile.id, client, now).map_err(|refusal| (0, refusal))?;
    rep_rules(
        state,
        route,
        profile,
        1,
        || usize::from(client.custody().deal.is_some()),
        now,
    )
    .map_err(|refusal| (0, refusal))
}

/// [`admit_rep`] for a batch of clients (a transfer): each per-client rule for every client
/// before the next rule.
#[inline(never)]
fn admit_batch(
    state: &PoolState,
    route: Route,
    profile: &Rep,
    clients: &[&Client],
    now: DateTime<Utc>,
) -> Result<(), (usize, Refusal)> {
    available(profile, now).map_err(|refusal| (0, refusal))?;
    batch_rules(state, route, profile.id, clients, now)?;
    let won = || {
        clients
            .iter()
            .filter(|c| c.custody().deal.is_some())
            .count()
    };
    rep_rules(state, route, profile, clients.len(), won, now).map_err(|refusal| (0, refusal))
}

/// The second rule of the table: the rep is available (not inactive, not on leave).
#[inline(always)]
fn available(profile: &Rep, now: DateTime<Utc>) -> Result<(), Refusal> {
    if profile.availability.is_available(now) {
        return Ok(());
    }
    let until = match profile.availability {
        Availability::OnLeave { until } => Some(until),
        _ => None,
    };
    Err(Refusal::Unavailable { until })
}

/// The last rules of the table, about the rep taking `adding` clients (`adding_won` of them
/// with a deal in force): the private-pool cap, then the daily claim limit.
#[inline(always)]
fn rep_rules(
    state: &PoolState,
    route: Route,
    profile: &Rep,
    adding: usize,
    adding_won: impl FnOnce() -> usize,
    now: DateTime<Utc>,
) -> Result<(), Refusal> {
    let policy = state.policy();
    let rep = profile.id;
    let ledger = state.ledger_ref(rep);
    if let Some(cap) = policy.cap_for(rep, Some(profile)) {
        let (holding, held_won) = ledger.map_or((0, 0), |l| (l.holding(), l.holding_won()));
        // The won clients are counted only when the policy leaves them out (the count over
        // the clients cost a loop's setup for every admission).
        let (holding, adding) = if policy.cap_excludes_won {
            (holding.saturating_sub(held_won), adding - adding_won())
        } else {
            (holding, adding)
        };
        let adding = u32::try_from(adding).unwrap_or(u32::MAX);
        if holding.saturating_add(adding) > cap {
            return Err(Refusal::CapReached { holding, cap });
        }
    }
    if route.daily_limit() {
        if let Some(limit) = policy.daily_claim_limit {
            let day = policy.zone.day_of(now);
            let claims = ledger.map_or(0, |l| l.claims_on(day));
            if claims >= limit {
                return Err(Refusal::DailyLimit { claims, limit, day });
            }
        }
    }
    Ok(())
}

/// The per-client rules for one client, in order: what [`batch_rules`] answers for a batch of
/// one, in one pass (the four loops over a one-client slice cost more than the rules).
#[inline(always)]
fn one_client(
    state: &PoolState,
    route: Route,
    rep: RepId,
    client: &Client,
    now: DateTime<Utc>,
) -> Result<(), Refusal> {
    let [first, second, third, fourth] = ClientRule::IN_ORDER;
    first.check(state, route, rep, client, now)?;
    second.check(state, route, rep, client, now)?;
    third.check(state, route, rep, client, now)?;
    fourth.check(state, route, rep, client, now)
}

/// The per-client rules for a batch of clients (a transfer): each rule for every client
/// before the next rule, so the batch is refused by the earliest rule any client fails.
#[inline(always)]
fn batch_rules(
    state: &PoolState,
    route: Route,
    rep: RepId,
    clients: &[&Client],
    now: DateTime<Utc>,
) -> Result<(), (usize, Refusal)> {
    for rule in ClientRule::IN_ORDER {
        for (i, client) in clients.iter().enumerate() {
            rule.check(state, route, rep, client, now)
                .map_err(|refusal| (i, refusal))?;
        }
    }
    Ok(())
}

/// The rules about each client a rep takes, rows 3 to 6 of the table in the
/// [module docs](self), in that order.
#[derive(Clone, Copy)]
enum ClientRule {
    Member,
    Embargo,
    Cooldown,
    Protection,
}

impl ClientRule {
    /// In the table's order.
    const IN_ORDER: [ClientRule; 4] = [
        ClientRule::Member,
        ClientRule::Embargo,
        ClientRule::Cooldown,
        ClientRule::Protection,
    ];

    /// This rule for `rep` taking `client` by `route` now.
    // Inlined where the rule is a constant (one client's pass).
    #[inline(always)]
    fn check(
        self,
        state: &PoolState,
        route: Route,
        rep: RepId,
        client: &Client,
        now: DateTime<Utc>,
    ) -> Result<(), Refusal> {
        let policy = state.policy();
        match self {
            ClientRule::Member => {
                let pool = client.pool();
                if !state.config().is_member(rep, pool) {
                    return Err(Refusal::NotMember { pool });
                }
            }
            ClientRule::Embargo => {
                if route.embargo() {
                    if let Some(until) = policy.embargo_until(client, now) {
                        return Err(Refusal::Embargoed { until });
                    }
                }
            }
            ClientRule::Cooldown => {
                if route.cooldown() {
                    if let Some(until) = policy.cooldown_until(client, rep, now) {
                        return Err(Refusal::Cooldown { until });
                    }
                }
            }
            ClientRule::Protection => {
                if route.protection() {
                    protection(client, rep, now, policy.protection_days)?;
                }
            }
        }
        Ok(())
    }
}

/// May `rep` contact `client` now, as the verdict a CRM shows before a call
/// ([`Pool::may_contact`](crate::pool::Pool::may_contact)) and the rule a logged contact
/// passes: the owner may; anyone else only as a member of the client's pool (a contact
/// protects the client from other reps, so an outsider's would block the pool's own members)
/// and where no other rep's contact, deal or ownership protects it (撞单).
pub(crate) fn contact_verdict(
    config: &Config,
    client: &Client,
    rep: RepId,
    now: DateTime<Utc>,
) -> ContactVerdict {
    let pool = client.pool();
    if client.owner() != Some(rep) && !config.is_member(rep, pool) {
        return ContactVerdict::NotMember { pool };
    }
    may_contact(client, rep, now, config.policy().protection_days)
}

/// [`contact_verdict`] as a refusal, for `decide`.
pub(crate) fn contact(
    state: &PoolState,
    client: &Client,
    rep: RepId,
    now: DateTime<Utc>,
) -> Result<(), Refusal> {
    refusal(contact_verdict(state.config(), client, rep, now))
}

/// The 撞单 rule as a refusal: another rep's contact or deal (or ownership) protects `client`
/// from `rep`.
#[inline]
fn protection(client: &Client, rep: RepId, now: DateTime<Utc>, days: u32) -> Result<(), Refusal> {
    refusal(may_contact(client, rep, now, days))
}

/// A contact verdict's stop as the refusal it is.
fn refusal(verdict: ContactVerdict) -> Result<(), Refusal> {
    match verdict {
        ContactVerdict::NotMember { pool } => Err(Refusal::NotMember { pool }),
        ContactVerdict::Refused {
            by,
            level,
            since,
            protection,
        } => Err(Refusal::Protected {
            by,
            level,
            since,
            until: match protection {
                Protection::Window { until } => Some(until),
                _ => None,
            },
        }),
        _ => Ok(()),
    }
}

/// A client's imported history is refused when it says something that has not happened yet:
/// a contact dated after `now` (it would protect the client from the future on). Returns the
/// position and date of the first such contact.
pub(crate) fn check_import(
    client: &Client,
    now: DateTime<Utc>,
) -> Result<(), (usize, DateTime<Utc>)> {
    match client
        .contacts()
        .iter()
        .enumerate()
        .find(|(_, c)| c.at > now)
    {
        Some((position, contact)) => Err((position, contact.at)),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests;
