//! A diagnostic, not a policy: an allocator that reads the outcome model itself and gives each
//! lead to the rep the model rates highest, under the same minimum-share floor as the learning
//! allocator. No real allocator can know the model; its row is the ceiling any learner could
//! reach at that floor on this model.

use crate::model::Fitted;
use crate::world::{Factory, World};
use leadpool::allocate::{Decision, Explanation, from_fn};
use leadpool::label::Label;
use leadpool::reason::Step;
use leadpool::sim::Fixed;

/// The oracle at `floor` equal shares (same floor rule and window as `learned`).
pub fn oracle<'w>(world: &'w World, model: &'w Fitted, floor: f64) -> Factory<'w> {
    let window = u64::from(world.learned_policy(floor).window_days.saturating_sub(1));
    let min_share = floor / world.team.len() as f64;
    Box::new(move || {
        Box::new(Fixed(from_fn(move |request, _rng| {
            let id = request.client().id();
            let Some(&(segment, context)) = (id.0 as usize)
                .checked_sub(1)
                .and_then(|i| world.keys.get(i))
            else {
                return Decision::unassigned(id, Explanation::default());
            };
            let today = request.zone().day_of(request.now());
            let days = today - chrono::Days::new(window)..today + chrono::Days::new(1);
            let reps = request.team().reps();
            let received: Vec<u32> = reps
                .iter()
                .map(|r| request.view().received_in(r.id, days.clone()))
                .collect();
            let target = min_share * (received.iter().map(|&r| f64::from(r)).sum::<f64>() + 1.0);
            let eligible = reps
                .iter()
                .enumerate()
                .filter(|(_, r)| request.check(r).is_none());
            let under = eligible
                .clone()
                .filter(|(i, _)| f64::from(received[*i]) < target)
                .min_by_key(|(i, r)| (received[*i], request.view().last_assigned_at(r.id), r.id));
            let best = under.or_else(|| {
                eligible
                    .map(|(i, r)| (model.wins.p(i, segment, context), i, r))
                    .max_by(|(p, i, _), (q, j, _)| p.total_cmp(q).then(j.cmp(i)))
                    .map(|(_, i, r)| (i, r))
            });
            match best {
                Some((_, rep)) => {
                    let step = Step::Custom {
                        rule: Label::new("oracle: the model's best rep (diagnostic)"),
                        rep: Some(rep.id),
                    };
                    Decision::assigned(id, rep.id, Explanation::new(step))
                }
                None => Decision::unassigned(id, Explanation::default()),
            }
        })))
    })
}
