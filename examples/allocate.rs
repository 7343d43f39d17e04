//! Loads an allocation policy from JSON (`examples/allocate_policy.json`, or a path given as
//! the first argument), builds it for a small team, and prints who gets each incoming lead and
//! why: the explanation in words (`--lang en`, the default, or `--lang zh-CN`) and as the JSON
//! a CRM stores. Decisions are applied to the state as they are made, as a live CRM would;
//! leads nobody can take land in the unassigned queue with their reasons.
//!
//! `cargo run --example allocate [-- [POLICY.json] [--lang zh-CN]]`

use chrono::{Duration, NaiveDate, TimeZone, Utc};
use leadpool::TeamZone;
use leadpool::allocate::{
    AllocState, Decision, Explanation, Policy, PriorContact, Request, Team, TeamView,
    UnassignedQueue,
};
use leadpool::i18n::{Lang, Locale, Render};
use leadpool::ids::{ClientId, RepId};
use leadpool::model::{
    Availability, Client, ContactLevel, DedupeKeys, LeadInputs, Metrics, Region, Rep, Source,
};
use leadpool::rng::seeded;

const POLICY: &str = include_str!("allocate_policy.json");

/// What this demo's "CRM" knows: one earlier contact, a few holdings, some open loads.
struct DemoView {
    acme: DedupeKeys,
}

impl TeamView for DemoView {
    fn open_load(&self, rep: RepId) -> u32 {
        [3, 8, 1, 5, 2][(rep.0 as usize - 1) % 5]
    }
    fn prior_contact(&self, keys: &DedupeKeys) -> Option<PriorContact> {
        if !keys.matches(&self.acme) {
            return None;
        }
        Some(PriorContact {
            rep: RepId(3),
            client: ClientId(900),
            level: Some(ContactLevel::Sample),
            since: Utc.with_ymd_and_hms(2026, 6, 2, 3, 0, 0).single()?,
        })
    }
    fn held_in_region(&self, rep: RepId, region: &Region) -> u32 {
        match (rep.0, region.to_string().as_str()) {
            (2, "CN/Zhejiang") => 12,
            (4, "CN/Zhejiang") => 30,
            _ => 0,
        }
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let lang: Lang = match args.iter().position(|a| a == "--lang") {
        Some(i) => args.get(i + 1).ok_or("--lang needs a value")?.parse()?,
        None => Lang::En,
    };
    let file = args
        .iter()
        .enumerate()
        .find(|(i, a)| !a.starts_with("--") && (*i == 0 || args[i - 1] != "--lang"))
        .map(|(_, a)| a.clone());
    let text = match file {
        Some(path) => std::fs::read_to_string(path)?,
        None => POLICY.to_owned(),
    };
    let policy: Policy = serde_json::from_str(&text)?;
    let now = Utc
        .with_ymd_and_hms(2026, 11, 24, 2, 0, 0)
        .single()
        .ok_or("bad instant")?;
    let zone: TeamZone = "+08:00".parse()?;
    let team = Team::new([
        Rep::new(RepId(1), "Li Na")
            .with_regions(["CN/Guangdong".parse()?])
            .with_tier(2),
        Rep::new(RepId(2), "Wang Wei")
            .with_regions(["CN/Zhejiang".parse()?])
            .with_weight(2),
        Rep::new(RepId(3), "Zhang Min")
            .with_regions(["CN/Guangdong/Shenzhen".parse()?])
            .with_tier(1),
        Rep::new(RepId(4), "Chen Jie")
            .with_regions(["CN/Zhejiang".parse()?])
            .with_tier(2),
        Rep::new(RepId(5), "Liu Yang").with_availability(Availability::OnLeave {
            until: now + Duration::days(5),
        }),
    ]);
    let allocator = policy.build(&team)?;

    let mut metrics = Metrics::new();
    let day = |d| NaiveDate::from_ymd_opt(2026, 11, d).ok_or("bad day");
    metrics.record(RepId(2), day(18)?, "sample_orders", 4.0);
    metrics.record(RepId(4), day(19)?, "inquiries_handled", 9.0);
    metrics.record(RepId(1), day(3)?, "inquiries", 7.0);
    metrics.record(RepId(3), day(20)?, "inquiries", 11.0);

    let acme = DedupeKeys::from_raw(Some("ACME Co., Ltd."), None, None, None);
    let view = DemoView { acme: acme.clone() };
    let lead = |id, source, region: &str| -> Result<Client, Box<dyn std::error::Error>> {
        Ok(Client::new(ClientId(id), format!("lead {id}"), source, now)
            .with_region(region.parse()?))
    };
    let leads = vec![
        lead(
            1,
            Source::TradeShow {
                received_by: RepId(1),
            },
            "CN/Guangdong",
        )?
        .with_keys(DedupeKeys::from_raw(Some("acme"), None, None, None)),
        lead(
            2,
            Source::TradeShow {
                received_by: RepId(1),
            },
            "CN/Guangdong",
        )?,
        lead(3, Source::PlatformMaster, "US")?,
        lead(4, Source::Website, "DE")?,
        lead(5, Source::DirectorySearch, "CN/Guangdong/Shenzhen/Nanshan")?,
        lead(6, Source::DirectorySearch, "CN/Zhejiang/Hangzhou")?,
        lead(7, Source::DirectorySearch, "CN/Zhejiang/Ningbo")?,
        lead(8, Source::PurchasedList, "CN/Zhejiang/Wenzhou")?,
        lead(9, Source::PurchasedList, "JP/Tokyo")?,
        lead(
            10,
            Source::Other {
                label: "referral".into(),
            },
            "CN",
        )?
        .with_lead(LeadInputs {
            budget: 95,
            urgency: 80,
            product_fit: 90,
        }),
        lead(11, Source::PlatformSubAccount { rep: RepId(5) }, "CN")?,
    ];

    let mut state = AllocState::new();
    let mut queue = UnassignedQueue::new();
    let mut rng = seeded(2026);
    // One decision kept for every lead and refilled by `allocate_into`, as a live CRM's loop
    // would keep it (`allocate` returns a new one each time, with the same content).
    let mut decision = Decision::unassigned(ClientId(0), Explanation::default());
    for client in &leads {
        let request = Request::new(client, &team, now)
            .with_zone(zone)
            .with_view(&view)
            .with_state(&state)
            .with_metrics(&metrics);
        allocator.allocate_into(&request, &mut rng, &mut decision);
        let who = decision
            .rep
            .and_then(|r| team.get(r))
            .map_or("nobody".to_owned(), |r| r.name.clone());
        println!("{} ({:?}) -> {who}", client.name(), client.source().kind());
        println!(
            "  {}",
            decision
                .explanation
                .render(Locale::new(lang).with_zone(zone))
        );
        println!("{}", serde_json::to_string_pretty(&decision.explanation)?);
        queue.record(&decision, now);
        state.apply(&decision);
    }
    println!("unassigned queue ({} waiting):", queue.len());
    println!("{}", serde_json::to_string_pretty(&queue)?);
    Ok(())
}
