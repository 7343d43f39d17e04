//! Tests of the default rep model: its fixed draws, its shortcuts against the plain model.

use super::*;
use crate::rng::seeded;
use chrono::TimeZone;

fn today(team: &Team) -> Today<'_> {
    let now = Utc.with_ymd_and_hms(2026, 11, 23, 2, 0, 0).unwrap();
    Today {
        day: now.date_naive(),
        now,
        team,
    }
}

#[test]
fn a_neglected_client_stays_neglected_for_its_owner() {
    let model = SeededBehaviour::new(3, BTreeMap::new());
    let team = Team::new([Rep::new(RepId(1), "a")]);
    let rep = &team.reps()[0];
    let neglected = (1..500)
        .map(ClientId)
        .find(|&c| !model.works(rep.id, c))
        .expect("15% of clients are neglected at diligence 0.85");
    let client = Client::new(
        neglected,
        "x",
        crate::model::Source::Website,
        today(&team).now,
    );
    let mut rng = seeded(1);
    assert!((0..200).all(|_| {
        model
            .follow_up(&today(&team), rep, &client, &mut rng)
            .is_none()
    }));
}

#[test]
fn diligence_sets_the_share_of_clients_worked() {
    let model = SeededBehaviour::new(8, BTreeMap::new());
    let worked = (0..10_000)
        .filter(|&c| model.works(RepId(4), ClientId(c)))
        .count();
    assert!(
        (8_200..8_800).contains(&worked),
        "{worked} of 10,000 at 0.85"
    );
}

#[test]
fn the_diligent_model_follows_up_everything_and_never_closes() {
    let model = SeededBehaviour::diligent(1);
    let team = Team::new([Rep::new(RepId(1), "a")]);
    let rep = &team.reps()[0];
    let mut rng = seeded(2);
    for id in 0..100 {
        let c = Client::new(
            ClientId(id),
            "x",
            crate::model::Source::Website,
            today(&team).now,
        );
        assert!(model.follow_up(&today(&team), rep, &c, &mut rng).is_some());
        assert!(
            model
                .close(&today(&team), rep, &c, 10.0, &mut rng)
                .is_none()
        );
    }
    assert_eq!(model.claims_wanted(&today(&team), rep, &mut rng), 0);
}

/// The close model as written before its shortcut: the score always read, `chance`
/// always asked.
fn plain_close(
    profile: &RepProfile,
    client: &Client,
    value: f64,
    rng: &mut dyn Rng,
) -> Option<Close> {
    let lead = client.lead();
    let score = (u32::from(lead.budget.min(100))
        + u32::from(lead.urgency.min(100))
        + u32::from(lead.product_fit.min(100))) as f64
        / 3.0;
    if chance(rng, profile.win_per_follow_up * (0.5 + score / 100.0)) {
        Some(Close::Won { value })
    } else if chance(rng, profile.loss_per_follow_up) {
        Some(Close::Lost)
    } else {
        None
    }
}

/// Rates that are edge cases for the shortcuts: zeros of both signs, the smallest
/// subnormal, 1, infinities and NaN, beside any value.
fn rate() -> impl proptest::strategy::Strategy<Value = f64> {
    proptest::prop_oneof![
        proptest::strategy::Just(0.0),
        proptest::strategy::Just(-0.0),
        proptest::strategy::Just(f64::from_bits(1)),
        proptest::strategy::Just(1.0),
        proptest::strategy::Just(f64::INFINITY),
        proptest::strategy::Just(f64::NEG_INFINITY),
        proptest::strategy::Just(f64::NAN),
        0.0..1.0f64,
        proptest::num::f64::ANY,
    ]
}

#[test]
fn the_works_shortcuts_hold_at_their_edges() {
    let (rep, client) = (RepId(3), ClientId(11));
    for d in [1.0, 1.5, f64::INFINITY] {
        assert!(works(7, d, rep, client));
    }
    for d in [0.0, -0.0, -1.0, f64::NEG_INFINITY, f64::NAN] {
        assert!(!works(7, d, rep, client));
    }
    // The largest draw is still below 1.
    assert!(((u64::MAX >> 11) as f64 / (1u64 << 53) as f64) < 1.0);
}

proptest::proptest! {
    /// Whatever the diligence, `works` answers as the pair's draw compared with it.
    #[test]
    fn works_answers_as_the_pair_draw_does(
        seed in proptest::prelude::any::<u64>(),
        rep in proptest::prelude::any::<u64>(),
        client in proptest::prelude::any::<u64>(),
        diligence in rate(),
    ) {
        let (rep, client) = (RepId(rep), ClientId(client));
        proptest::prop_assert_eq!(
            works(seed, diligence, rep, client),
            pair_draw(seed, rep, client) < diligence
        );
    }

    /// Whatever the rates and the lead, `close` answers as the plain model does and draws
    /// exactly as many numbers.
    #[test]
    fn close_answers_and_draws_as_the_plain_model_does(
        win in rate(),
        loss in rate(),
        budget in proptest::prelude::any::<u8>(),
        urgency in proptest::prelude::any::<u8>(),
        product_fit in proptest::prelude::any::<u8>(),
        seed in proptest::prelude::any::<u64>(),
    ) {
        let profile = RepProfile {
            win_per_follow_up: win,
            loss_per_follow_up: loss,
            ..RepProfile::default()
        };
        let model = SeededBehaviour {
            seed: 1,
            profiles: BTreeMap::new(),
            default_profile: profile,
        };
        let team = Team::new([Rep::new(RepId(1), "a")]);
        let rep = &team.reps()[0];
        let client = Client::new(ClientId(9), "x", crate::model::Source::Website, today(&team).now)
            .with_lead(crate::model::LeadInputs { budget, urgency, product_fit });
        let (mut fast, mut plain) = (seeded(seed), seeded(seed));
        let got = model.close(&today(&team), rep, &client, 5.0, &mut fast);
        let expected = plain_close(&profile, &client, 5.0, &mut plain);
        proptest::prop_assert_eq!(got, expected);
        proptest::prop_assert_eq!(fast.next_u64(), plain.next_u64());
    }

    #[test]
    fn any_profile_plays_without_panicking(
        diligence in proptest::num::f64::ANY,
        win in proptest::num::f64::ANY,
        inquiries in proptest::num::f64::ANY,
        cadence in proptest::prelude::any::<u32>(),
        claims in proptest::prelude::any::<u32>(),
    ) {
        let profile = RepProfile {
            diligence,
            cadence_days: cadence,
            win_per_follow_up: win,
            loss_per_follow_up: win,
            claims_per_day: claims,
            inquiries_per_day: inquiries,
        };
        let model = SeededBehaviour {
            seed: 1,
            profiles: BTreeMap::from([(RepId(1), profile)]),
            default_profile: profile,
        };
        let team = Team::new([Rep::new(RepId(1), "a")]);
        let rep = &team.reps()[0];
        let mut rng = seeded(3);
        let client = Client::new(ClientId(9), "x", crate::model::Source::Website, today(&team).now);
        let _ = model.follow_up(&today(&team), rep, &client, &mut rng);
        let _ = model.close(&today(&team), rep, &client, 1.0, &mut rng);
        proptest::prop_assert!(model.claims_wanted(&today(&team), rep, &mut rng) <= claims);
        let mut recorded = 0u32;
        model.daily_metrics(&today(&team), rep, &mut rng, &mut |_, v| {
            assert!(v.is_finite());
            recorded += 1;
        });
        proptest::prop_assert!(recorded <= 3);
    }
}
