//! Composition by wrapping: route by source, fall back, filter, adapt a closure.
//!
//! Wrappers check what they wrap: whatever the inner strategy returns (a custom one included),
//! a wrapper never passes on a rep the request's rules exclude. It asks the inner strategy
//! again with that rep excluded, a few times, and otherwise leaves the client unassigned; each
//! veto is a [`Step::Vetoed`] in the explanation.

use super::eligibility::{Chain, Vetoed, check_id};
use super::explain::Explanation;
use super::{Allocator, Decision, Eligibility, EligibilityRules, Request, Updates};
use crate::ids::RepId;
use crate::model::SourceKind;
use crate::reason::{ExclusionReason, Step};
use crate::rng::Rng;

/// How many vetoed choices a wrapper re-asks its inner strategy about before giving up.
const MAX_VETOES: usize = 3;

/// Runs `inner` on `request` and checks the rep it returns against the request's rules
/// (team, availability, eligibility); a vetoed rep is excluded and the strategy asked again.
/// Only the accepted attempt's state updates are kept.
fn vetted(inner: &dyn Allocator, request: &Request<'_>, rng: &mut dyn Rng) -> Decision {
    let mut vetoes: Vec<(RepId, ExclusionReason)> = Vec::new();
    loop {
        let guard = Vetoed {
            vetoed: &vetoes,
            then: request.eligibility,
        };
        let retry = Request {
            eligibility: Some(&guard),
            ..*request
        };
        let asked = if vetoes.is_empty() { request } else { &retry };
        let mut decision = inner.allocate(asked, rng);
        let veto = decision.rep.and_then(|rep| {
            check_id(request, rep)
                .or_else(|| {
                    vetoes
                        .iter()
                        .find(|(id, _)| *id == rep)
                        .map(|(_, reason)| reason.clone())
                })
                .map(|reason| (rep, reason))
        });
        let Some((rep, reason)) = veto else {
            return with_vetoes(decision, &vetoes);
        };
        // A strategy that returns a rep it was told is excluded ignores the rules: asking it
        // again cannot help.
        let ignores_rules = vetoes.iter().any(|(id, _)| *id == rep);
        if !ignores_rules {
            vetoes.push((rep, reason));
        }
        if ignores_rules || vetoes.len() >= MAX_VETOES {
            decision.rep = None;
            decision.updates = Updates::new();
            return with_vetoes(decision, &vetoes);
        }
    }
}

/// `decision` with the vetoes that preceded it, first, in its explanation.
fn with_vetoes(mut decision: Decision, vetoes: &[(RepId, ExclusionReason)]) -> Decision {
    if vetoes.is_empty() {
        return decision;
    }
    let mut explanation = Explanation::default();
    for (rep, reason) in vetoes {
        explanation.exclude(*rep, reason.clone());
        explanation.push(Step::Vetoed {
            rep: *rep,
            reason: reason.clone(),
        });
    }
    explanation.absorb(std::mem::take(&mut decision.explanation));
    decision.explanation = explanation;
    decision
}

/// Picks the allocator by the client's [`SourceKind`] (O(1): a slot per kind).
#[derive(Default)]
pub struct Router {
    routes: [Option<Box<dyn Allocator>>; SourceKind::ALL.len()],
    default: Option<Box<dyn Allocator>>,
}

impl std::fmt::Debug for Router {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let routed: Vec<SourceKind> = SourceKind::ALL
            .iter()
            .zip(&self.routes)
            .filter(|(_, r)| r.is_some())
            .map(|(k, _)| *k)
            .collect();
        f.debug_struct("Router")
            .field("routes", &routed)
            .field("default", &self.default.is_some())
            .finish()
    }
}

fn slot(kind: SourceKind) -> usize {
    SourceKind::ALL
        .iter()
        .position(|k| *k == kind)
        .unwrap_or_default()
}

impl Router {
    /// A router with no route (every client unassigned until routes are added).
    pub fn new() -> Self {
        Self::default()
    }

    /// Routes clients of `kind` to `allocator` (builder style; replaces an earlier route).
    pub fn route(mut self, kind: SourceKind, allocator: Box<dyn Allocator>) -> Self {
        self.routes[slot(kind)] = Some(allocator);
        self
    }

    /// The allocator for kinds without a route (builder style).
    pub fn otherwise(mut self, allocator: Box<dyn Allocator>) -> Self {
        self.default = Some(allocator);
        self
    }
}

impl Allocator for Router {
    fn allocate(&self, request: &Request<'_>, rng: &mut dyn Rng) -> Decision {
        let source = request.client.source().kind();
        let chosen = self.routes[slot(source)].as_ref().or(self.default.as_ref());
        let Some(allocator) = chosen else {
            let explanation = Explanation::new(Step::NoRoute { source });
            return Decision::unassigned(request.client.id(), explanation);
        };
        let mut decision = vetted(allocator.as_ref(), request, rng);
        let mut explanation = Explanation::new(Step::Routed { source });
        explanation.absorb(std::mem::take(&mut decision.explanation));
        decision.explanation = explanation;
        decision
    }
}

/// Tries each allocator in turn; the first that assigns someone wins. The explanation lists
/// every attempt. State updates of failed attempts (e.g. calibrations) are kept too.
#[derive(Default)]
pub struct Fallback {
    chain: Vec<Box<dyn Allocator>>,
}

impl std::fmt::Debug for Fallback {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Fallback")
            .field("len", &self.chain.len())
            .finish()
    }
}

impl Fallback {
    /// A chain of allocators, tried in order.
    pub fn new(chain: Vec<Box<dyn Allocator>>) -> Self {
        Self { chain }
    }

    /// Appends an allocator (builder style).
    pub fn then(mut self, allocator: Box<dyn Allocator>) -> Self {
        self.chain.push(allocator);
        self
    }
}

impl Allocator for Fallback {
    fn allocate(&self, request: &Request<'_>, rng: &mut dyn Rng) -> Decision {
        let mut explanation = Explanation::default();
        let mut updates = Updates::new();
        let mut attempts = 0u32;
        for allocator in &self.chain {
            attempts = attempts.saturating_add(1);
            let mut decision = vetted(allocator.as_ref(), request, rng);
            updates.append(&mut decision.updates);
            if decision.rep.is_some() && attempts == 1 {
                decision.updates = updates;
                return decision;
            }
            explanation.absorb(std::mem::take(&mut decision.explanation));
            if let Some(rep) = decision.rep {
                explanation.push(Step::FallbackDecided { attempt: attempts });
                let mut decision = Decision::assigned(request.client.id(), rep, explanation);
                decision.updates = updates;
                return decision;
            }
        }
        explanation.push(Step::FallbackExhausted { attempts });
        let mut decision = Decision::unassigned(request.client.id(), explanation);
        decision.updates = updates;
        decision
    }
}

/// Applies an eligibility rule to the inner strategy: every rep the inner strategy examines
/// must pass it (and any rule of an enclosing filter), and a rep it returns anyway is vetoed.
pub struct Filter<A, E = EligibilityRules> {
    inner: A,
    rule: E,
}

impl<A: std::fmt::Debug, E: std::fmt::Debug> std::fmt::Debug for Filter<A, E> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Filter")
            .field("inner", &self.inner)
            .field("rule", &self.rule)
            .finish()
    }
}

impl<A: Allocator, E: Eligibility> Filter<A, E> {
    /// Wraps `inner` with `rule`.
    pub fn new(inner: A, rule: E) -> Self {
        Self { inner, rule }
    }
}

impl<A: Allocator, E: Eligibility> Allocator for Filter<A, E> {
    fn allocate(&self, request: &Request<'_>, rng: &mut dyn Rng) -> Decision {
        let chain = Chain {
            first: &self.rule,
            then: request.eligibility,
        };
        let filtered = Request {
            eligibility: Some(&chain),
            ..*request
        };
        vetted(&self.inner, &filtered, rng)
    }
}

/// A closure as a strategy (see [`from_fn`]).
struct FnAllocator<F>(F);

impl<F> std::fmt::Debug for FnAllocator<F> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("FnAllocator")
    }
}

impl<F> Allocator for FnAllocator<F>
where
    F: Fn(&Request<'_>, &mut dyn Rng) -> Decision,
{
    fn allocate(&self, request: &Request<'_>, rng: &mut dyn Rng) -> Decision {
        (self.0)(request, rng)
    }
}

/// Makes a closure a strategy, e.g. a CRM's own rule inside a [`Fallback`]. Wrap it in a
/// [`Filter`] (or a [`Router`], a [`Fallback`]) and the rules hold whatever it returns.
pub fn from_fn<F>(f: F) -> impl Allocator + std::fmt::Debug
where
    F: Fn(&Request<'_>, &mut dyn Rng) -> Decision,
{
    FnAllocator(f)
}
