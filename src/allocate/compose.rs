//! Composition by wrapping: route by source, fall back, filter, adapt a closure.

use super::eligibility::Chain;
use super::{Allocator, Decision, Eligibility, EligibilityRules, Explanation, Request};
use crate::model::SourceKind;
use crate::rng::Rng;

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
        .unwrap_or(SourceKind::ALL.len() - 1)
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
        let kind = request.client.source.kind();
        let chosen = self.routes[slot(kind)].as_ref().or(self.default.as_ref());
        let Some(allocator) = chosen else {
            let explanation = Explanation {
                rule: "router".to_owned(),
                reason: format!("no route for source {kind:?}"),
                ..Explanation::default()
            };
            return Decision::unassigned(request.client.id, explanation);
        };
        let mut decision = allocator.allocate(request, rng);
        let inner = std::mem::take(&mut decision.explanation);
        decision.explanation = Explanation {
            rule: format!("router:{kind:?}"),
            considered: inner.considered,
            reason: format!("source {kind:?} routed to {}", inner.rule),
            figure: inner.figure,
            steps: vec![inner],
            ..Explanation::default()
        };
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
        let mut steps = Vec::new();
        let mut updates = Vec::new();
        let mut considered = 0u32;
        for allocator in &self.chain {
            let mut decision = allocator.allocate(request, rng);
            considered = considered.saturating_add(decision.explanation.considered);
            updates.append(&mut decision.updates);
            if decision.rep.is_some() && steps.is_empty() {
                decision.updates = updates;
                return decision;
            }
            let explanation = std::mem::take(&mut decision.explanation);
            let winner = explanation.rule.clone();
            let figure = explanation.figure;
            steps.push(explanation);
            if let Some(rep) = decision.rep {
                let explanation = Explanation {
                    rule: "fallback".to_owned(),
                    considered,
                    reason: format!("attempt {} ({winner}) decided", steps.len()),
                    figure,
                    steps,
                    ..Explanation::default()
                };
                let mut decision = Decision::assigned(request.client.id, rep, explanation);
                decision.updates = updates;
                return decision;
            }
        }
        let explanation = Explanation {
            rule: "fallback".to_owned(),
            considered,
            reason: format!("all {} strategies left the client unassigned", steps.len()),
            steps,
            ..Explanation::default()
        };
        let mut decision = Decision::unassigned(request.client.id, explanation);
        decision.updates = updates;
        decision
    }
}

/// Applies an eligibility rule before the inner strategy: every rep the inner strategy
/// examines must pass it (and any rule of an enclosing filter).
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
        self.inner.allocate(&filtered, rng)
    }
}

/// A closure as a strategy (see [`from_fn`]).
pub struct FnAllocator<F>(F);

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

/// Makes a closure a strategy, e.g. a CRM's own rule inside a [`Fallback`].
pub fn from_fn<F>(f: F) -> FnAllocator<F>
where
    F: Fn(&Request<'_>, &mut dyn Rng) -> Decision,
{
    FnAllocator(f)
}
