//! The seed documents' allocation rules 1-5, each by name, through the default policy.

mod alloc_support;

use alloc_support::{MapView, client, now, region};
use chrono::{NaiveDate, TimeZone, Utc};
use leadpool::TeamZone;
use leadpool::allocate::{
    Allocator, Policy, PriorContact, Ranking, Request, Team, Territory, TerritoryInner,
};
use leadpool::ids::{ClientId, RepId};
use leadpool::model::{ContactLevel, DedupeKeys, Metric, Metrics, Rep, Source};
use leadpool::rng::seeded;
use std::collections::BTreeMap;

fn team() -> Team {
    Team::new([
        Rep::new(RepId(1), "Ann").with_regions([region("CN")]),
        Rep::new(RepId(2), "Bo").with_regions([region("CN/Guangdong")]),
        Rep::new(RepId(3), "Cai").with_regions([region("CN/Guangdong/Shenzhen")]),
        Rep::new(RepId(4), "Di").with_regions([region("CN/Guangdong/Shenzhen")]),
        Rep::new(RepId(5), "Eve").with_regions([region("US")]),
    ])
}

#[test]
fn rule_1_trade_show_card_goes_to_the_rep_who_contacted_the_company_first() {
    let team = team();
    let policy = Policy::seed_default().build(&team).unwrap();
    let keys = DedupeKeys::from_raw(
        Some("ACME Co., Ltd."),
        Some("+86 138 0013 8000"),
        None,
        None,
    );
    let mut view = MapView::default();
    view.prior.push((
        keys.clone(),
        PriorContact {
            rep: RepId(4),
            client: ClientId(77),
            level: Some(ContactLevel::Visit),
            since: Utc.with_ymd_and_hms(2026, 3, 1, 0, 0, 0).unwrap(),
        },
    ));
    let card_keys = DedupeKeys::from_raw(Some("acme"), None, None, None);
    let card = client(
        1,
        Source::TradeShow {
            received_by: RepId(2),
        },
    )
    .with_keys(card_keys);
    let request = Request::new(&card, &team, now()).with_view(&view);
    let decision = policy.allocate(&request, &mut seeded(1));
    assert_eq!(decision.rep, Some(RepId(4)), "{:#?}", decision.explanation);

    // Without an earlier contact, the rep who received the card at the booth follows up.
    let fresh = client(
        2,
        Source::TradeShow {
            received_by: RepId(2),
        },
    )
    .with_keys(DedupeKeys::from_raw(Some("Globex"), None, None, None));
    let request = Request::new(&fresh, &team, now()).with_view(&view);
    assert_eq!(
        policy.allocate(&request, &mut seeded(1)).rep,
        Some(RepId(2))
    );
}

#[test]
fn rule_2_sub_account_inquiry_belongs_to_the_sub_account_owner() {
    let team = team();
    let policy = Policy::seed_default().build(&team).unwrap();
    let inquiry = client(3, Source::PlatformSubAccount { rep: RepId(5) });
    let decision = policy.allocate(&Request::new(&inquiry, &team, now()), &mut seeded(1));
    assert_eq!(decision.rep, Some(RepId(5)));
}

#[test]
fn rule_2_master_account_goes_to_this_months_inquiry_leader() {
    let team = team();
    let policy = Policy::seed_default().build(&team).unwrap();
    let day = |m, d| NaiveDate::from_ymd_opt(2026, m, d).unwrap();
    let mut metrics = Metrics::new();
    // Rep 1 led last month by far; this month rep 3 leads.
    metrics.record(RepId(1), day(10, 20), "inquiries", 50.0);
    metrics.record(RepId(1), day(11, 3), "inquiries", 4.0);
    metrics.record(RepId(3), day(11, 5), "inquiries", 6.0);
    metrics.record(RepId(2), day(11, 20), "inquiries", 5.0);
    let inquiry = client(4, Source::PlatformMaster);
    let request = Request::new(&inquiry, &team, now()).with_metrics(&metrics);
    let decision = policy.allocate(&request, &mut seeded(1));
    assert_eq!(decision.rep, Some(RepId(3)));
    // The decision is the published audit record: it names the rule and the figure.
    let json = serde_json::to_string(&decision).unwrap();
    assert!(
        json.contains(r#""step":"ranked","key":"master_account""#),
        "{json}"
    );
    assert!(json.contains("6.0") || json.contains(":6"), "{json}");
}

#[test]
fn rule_3_website_inquiry_goes_to_last_weeks_top_performer_with_the_week_boundary_in_utc_plus_8() {
    let team = team();
    let weights = BTreeMap::from([
        (Metric::from("sample_orders"), 3.0),
        (Metric::from("follow_ups"), 1.0),
    ]);
    let ranking = Ranking::previous_week(&team, weights);
    let mut metrics = Metrics::new();
    let day = |d| NaiveDate::from_ymd_opt(2026, 11, d).unwrap();
    // Week of Mon 16 - Sun 22 November (team days), and the week before it.
    metrics.record(RepId(2), day(20), "sample_orders", 2.0); // 6 points last week
    metrics.record(RepId(3), day(21), "follow_ups", 5.0); // 5 points last week
    metrics.record(RepId(4), day(12), "sample_orders", 9.0); // the week before
    // Sunday 22 November 17:00 UTC is already Monday 23 November 01:00 in UTC+8.
    let sunday_utc = Utc.with_ymd_and_hms(2026, 11, 22, 17, 0, 0).unwrap();
    let inquiry = client(5, Source::Website);
    let zone = TeamZone::east_hours(8).unwrap();
    let in_china = Request::new(&inquiry, &team, sunday_utc)
        .with_zone(zone)
        .with_metrics(&metrics);
    assert_eq!(
        ranking.allocate(&in_china, &mut seeded(1)).rep,
        Some(RepId(2))
    );
    // In UTC the same instant is still Sunday, so "last week" is 9-15 November.
    let in_utc = Request::new(&inquiry, &team, sunday_utc).with_metrics(&metrics);
    assert_eq!(
        ranking.allocate(&in_utc, &mut seeded(1)).rep,
        Some(RepId(4))
    );
}

#[test]
fn rule_4_directory_list_goes_to_the_most_specific_territory() {
    let team = team();
    let policy = Policy::seed_default().build(&team).unwrap();
    let in_nanshan =
        client(6, Source::DirectorySearch).with_region(region("CN/Guangdong/Shenzhen/Nanshan"));
    let in_guangzhou =
        client(7, Source::DirectorySearch).with_region(region("CN/Guangdong/Guangzhou"));
    let in_beijing = client(8, Source::DirectorySearch).with_region(region("CN/Beijing"));
    let pick = |c| {
        policy
            .allocate(&Request::new(c, &team, now()), &mut seeded(1))
            .rep
    };
    assert!(matches!(pick(&in_nanshan), Some(RepId(3) | RepId(4))));
    assert_eq!(pick(&in_guangzhou), Some(RepId(2)));
    assert_eq!(pick(&in_beijing), Some(RepId(1)));
}

#[test]
fn rule_4_a_territory_whose_reps_are_all_unavailable_falls_back_to_its_parent() {
    let team = Team::new([
        Rep::new(RepId(1), "Ann").with_regions([region("CN/Guangdong")]),
        Rep::new(RepId(2), "Bo")
            .with_regions([region("CN/Guangdong/Shenzhen")])
            .with_availability(leadpool::model::Availability::OnLeave {
                until: now() + chrono::Duration::days(3),
            }),
    ]);
    let territory = Territory::new(&team);
    let c = client(9, Source::DirectorySearch).with_region(region("CN/Guangdong/Shenzhen"));
    let decision = territory.allocate(&Request::new(&c, &team, now()), &mut seeded(1));
    assert_eq!(decision.rep, Some(RepId(1)));
    assert_eq!(
        decision.explanation.excluded().next().unwrap().rep,
        RepId(2)
    );
}

#[test]
fn a_lead_outside_every_territory_goes_to_the_default_after_the_territories_are_explained() {
    let team = team();
    let territory =
        Territory::new(&team).with_default(Box::new(leadpool::allocate::LeastLoaded::new(4)));
    let lead = client(11, Source::Website).with_region(region("JP/Tokyo"));
    let request = Request::new(&lead, &team, now());
    let decision = territory.allocate(&request, &mut seeded(1));
    // Nobody covers Japan: the default (least loaded, lowest id on a tie) decides.
    assert_eq!(decision.rep, Some(RepId(1)));
    let steps: Vec<_> = decision.explanation.steps().collect();
    assert!(
        matches!(steps.first(), Some(leadpool::reason::Step::NoTerritory)),
        "{steps:?}"
    );
    assert!(
        matches!(
            steps.last(),
            Some(leadpool::reason::Step::LeastLoaded { rep: RepId(1), .. })
        ),
        "{steps:?}"
    );
    // Allocating into a kept decision gives the same.
    let mut kept = territory.allocate(
        &Request::new(&client(12, Source::Website), &team, now()),
        &mut seeded(2),
    );
    territory.allocate_into(&request, &mut seeded(1), &mut kept);
    assert_eq!(kept, decision);
}

#[test]
fn rule_5_purchased_list_goes_to_the_rep_holding_most_clients_in_the_region() {
    let team = team();
    let policy = Policy::seed_default().build(&team).unwrap();
    let mut view = MapView::default();
    view.held
        .insert((RepId(3), "CN/Guangdong/Shenzhen".into()), 4);
    view.held
        .insert((RepId(4), "CN/Guangdong/Shenzhen".into()), 11);
    let lead =
        client(10, Source::PurchasedList).with_region(region("CN/Guangdong/Shenzhen/Futian"));
    let request = Request::new(&lead, &team, now()).with_view(&view);
    let decision = policy.allocate(&request, &mut seeded(1));
    assert_eq!(decision.rep, Some(RepId(4)));
    assert_eq!(decision.explanation.figure(), Some(11.0));
    // The strategy on its own says the same.
    let territory = Territory::new(&team).with_inner(TerritoryInner::MostHeldInRegion);
    assert_eq!(
        territory.allocate(&request, &mut seeded(1)).rep,
        Some(RepId(4))
    );
}

#[test]
fn the_default_policy_round_trips_through_json_and_toml() {
    let policy = Policy::seed_default();
    let json = serde_json::to_string_pretty(&policy).unwrap();
    assert_eq!(serde_json::from_str::<Policy>(&json).unwrap(), policy);
    let toml_text = toml::to_string(&policy).unwrap();
    assert_eq!(toml::from_str::<Policy>(&toml_text).unwrap(), policy);
}
