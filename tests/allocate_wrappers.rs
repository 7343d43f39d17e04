//! Wrappers check what they wrap: whatever the inner strategy returns (a closure that ignores
//! the rules included), a `Filter`, a `Router` or a `Fallback` never passes on a rep the rules
//! exclude; each veto is explained.

mod alloc_support;

use alloc_support::{MapView, client, now};
use leadpool::allocate::{
    Allocator, Decision, EligibilityRules, Explanation, Fallback, Filter, Request, RoundRobin,
    Router, Team, from_fn,
};
use leadpool::ids::RepId;
use leadpool::label::Label;
use leadpool::model::{Availability, Rep, Source, SourceKind};
use leadpool::reason::{ExclusionReason, Refusal, Step};
use leadpool::rng::{Rng, seeded};

fn team() -> Team {
    Team::new([
        Rep::new(RepId(1), "away").with_availability(Availability::Inactive),
        Rep::new(RepId(2), "full"),
        Rep::new(RepId(3), "free"),
    ])
}

/// A CRM's own rule that always names `rep`, ignoring every rule.
fn always(rep: u64) -> impl Allocator + std::fmt::Debug {
    from_fn(move |request: &Request<'_>, _rng: &mut dyn Rng| {
        let step = Step::Custom {
            rule: Label::new("always"),
            rep: Some(RepId(rep)),
        };
        Decision::assigned(request.client().id(), RepId(rep), Explanation::new(step))
    })
}

/// A CRM's own rule that takes the first rep passing the request's rules.
fn first_eligible() -> impl Allocator {
    from_fn(|request: &Request<'_>, _rng: &mut dyn Rng| {
        let id = request.client().id();
        let pick = request
            .team()
            .reps()
            .iter()
            .find(|r| request.check(r).is_none())
            .map(|r| r.id);
        let step = Step::Custom {
            rule: Label::new("first eligible"),
            rep: pick,
        };
        match pick {
            Some(rep) => Decision::assigned(id, rep, Explanation::new(step)),
            None => Decision::unassigned(id, Explanation::new(step)),
        }
    })
}

fn view_with_rep_2_at_cap() -> MapView {
    let mut view = MapView::default();
    view.refuse
        .insert(RepId(2), Refusal::CapReached { holding: 5, cap: 5 });
    view
}

#[test]
fn a_filter_never_returns_a_rep_its_rules_exclude_even_from_a_rule_breaking_closure() {
    let team = team();
    let view = view_with_rep_2_at_cap();
    let lead = client(1, Source::Website);
    let request = Request::new(&lead, &team, now()).with_view(&view);
    for (rep, refusal) in [
        (1, Refusal::Unavailable { until: None }),
        (2, Refusal::CapReached { holding: 5, cap: 5 }),
    ] {
        let filtered = Filter::new(always(rep), EligibilityRules::default());
        let d = filtered.allocate(&request, &mut seeded(1));
        assert_eq!(d.rep, None, "rep#{rep} was passed on");
        let vetoed = ExclusionReason::Refused(refusal);
        assert!(
            d.explanation.steps().any(|s| *s
                == Step::Vetoed {
                    rep: RepId(rep),
                    reason: vetoed.clone()
                }),
            "{:?}",
            d.explanation
        );
        assert!(d.explanation.excluded().any(|e| e.rep == RepId(rep)));
    }
}

#[test]
fn a_vetoed_choice_is_asked_again_without_that_rep() {
    let team = team();
    let view = view_with_rep_2_at_cap();
    let lead = client(1, Source::Website);
    let request = Request::new(&lead, &team, now()).with_view(&view);
    // A CRM rule that applies the filter's rules but forgets availability: it names rep 1, who
    // left. The filter vetoes rep 1 and asks again; rep 2 is at its cap; rep 3 gets the lead.
    let forgets_availability = from_fn(|request: &Request<'_>, _rng: &mut dyn Rng| {
        let id = request.client().id();
        let pick = request.team().reps().iter().find(|r| {
            request
                .eligibility()
                .is_none_or(|rules| rules.exclude(request, r).is_none())
        });
        let step = Step::Custom {
            rule: Label::new("forgets availability"),
            rep: pick.map(|r| r.id),
        };
        match pick {
            Some(rep) => Decision::assigned(id, rep.id, Explanation::new(step)),
            None => Decision::unassigned(id, Explanation::new(step)),
        }
    });
    let filtered = Filter::new(forgets_availability, EligibilityRules::default());
    let d = filtered.allocate(&request, &mut seeded(1));
    assert_eq!(d.rep, Some(RepId(3)));
    let first = d.explanation.steps().next().unwrap();
    let left = ExclusionReason::Refused(Refusal::Unavailable { until: None });
    assert_eq!(
        *first,
        Step::Vetoed {
            rep: RepId(1),
            reason: left
        }
    );
    // A rule-following closure is never vetoed.
    let d = Filter::new(first_eligible(), EligibilityRules::default())
        .allocate(&request, &mut seeded(1));
    assert_eq!(d.rep, Some(RepId(3)));
    assert!(
        !d.explanation
            .steps()
            .any(|s| matches!(s, Step::Vetoed { .. }))
    );
}

#[test]
fn a_router_vetoes_a_rep_off_the_team_or_unavailable() {
    let team = team();
    let lead = client(1, Source::Website);
    let request = Request::new(&lead, &team, now());
    let router = Router::new()
        .route(SourceKind::Website, Box::new(always(9)))
        .otherwise(Box::new(always(1)));
    let d = router.allocate(&request, &mut seeded(1));
    assert_eq!(d.rep, None);
    let steps: Vec<&Step> = d.explanation.steps().collect();
    assert!(matches!(steps[0], Step::Routed { .. }), "{steps:?}");
    assert!(steps.contains(&&Step::Vetoed {
        rep: RepId(9),
        reason: ExclusionReason::Refused(Refusal::NotOnTeam),
    }));
    let other = client(2, Source::DirectorySearch);
    let d = router.allocate(&Request::new(&other, &team, now()), &mut seeded(1));
    assert_eq!(d.rep, None, "rep#1 is inactive");
}

#[test]
fn a_fallback_moves_on_when_a_strategy_returns_an_excluded_rep() {
    let team = team();
    let view = view_with_rep_2_at_cap();
    let lead = client(1, Source::Website);
    let chain = Fallback::new(vec![Box::new(always(2)), Box::new(RoundRobin::new(&team))]);
    let filtered = Filter::new(chain, EligibilityRules::default());
    let d = filtered.allocate(
        &Request::new(&lead, &team, now()).with_view(&view),
        &mut seeded(1),
    );
    assert_eq!(d.rep, Some(RepId(3)));
    let steps: Vec<&Step> = d.explanation.steps().collect();
    assert!(
        matches!(
            steps[..],
            [
                Step::Vetoed { rep: RepId(2), .. },
                Step::Custom { .. },
                Step::NextInRotation { rep: RepId(3), .. },
                Step::FallbackDecided { attempt: 2 }
            ]
        ),
        "{steps:?}"
    );
}

#[test]
fn a_rep_on_leave_is_excluded_until_the_day_they_return() {
    let back = now() + chrono::Duration::days(3);
    let team = Team::new([
        Rep::new(RepId(1), "on leave").with_availability(Availability::OnLeave { until: back }),
        Rep::new(RepId(2), "gone").with_availability(Availability::Inactive),
    ]);
    let lead = client(1, Source::Website);
    let request = Request::new(&lead, &team, now());
    assert_eq!(
        request.check(team.get(RepId(1)).unwrap()),
        Some(ExclusionReason::Refused(Refusal::Unavailable {
            until: Some(back)
        })),
        "the refusal says when the rep returns"
    );
    assert_eq!(
        request.check(team.get(RepId(2)).unwrap()),
        Some(ExclusionReason::Refused(Refusal::Unavailable {
            until: None
        }))
    );
    let on_return = Request::new(&lead, &team, back);
    assert_eq!(on_return.check(team.get(RepId(1)).unwrap()), None);
}

#[test]
fn eligibility_rules_ask_the_pool_unless_told_not_to() {
    let rules: EligibilityRules = serde_json::from_str("{}").unwrap();
    assert!(rules.pool_rules, "the pool's rules apply by default");
    assert_eq!(rules, EligibilityRules::default());
    let off: EligibilityRules = serde_json::from_str(r#"{"pool_rules": false}"#).unwrap();
    assert!(!off.pool_rules);
}

#[test]
fn a_fallback_built_step_by_step_tries_each_strategy_in_turn() {
    let team = team();
    let view = view_with_rep_2_at_cap();
    let lead = client(1, Source::Website);
    let request = Request::new(&lead, &team, now()).with_view(&view);
    let chain = Fallback::new(vec![Box::new(always(1))]).then(Box::new(always(3)));
    let decision =
        Filter::new(chain, EligibilityRules::default()).allocate(&request, &mut seeded(0));
    assert_eq!(decision.rep, Some(RepId(3)), "{}", decision.explanation);
}

#[test]
fn wrappers_describe_themselves_for_debugging() {
    let team = team();
    let router = Router::new()
        .route(SourceKind::Website, Box::new(RoundRobin::new(&team)))
        .otherwise(Box::new(always(3)));
    let text = format!("{router:?}");
    assert!(
        text.starts_with("Router") && text.contains("default: true"),
        "{text}"
    );
    let fallback = Fallback::new(vec![Box::new(always(3))]);
    assert!(format!("{fallback:?}").starts_with("Fallback"));
    let filter = Filter::new(always(3), EligibilityRules::default());
    assert!(format!("{filter:?}").starts_with("Filter"));
    assert!(format!("{:?}", always(3)).contains("FnAllocator"));
}
