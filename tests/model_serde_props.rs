//! Property: every public model type survives a JSON round trip unchanged (a CRM stores them
//! as they are), and the configuration-facing ones survive TOML too.

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use leadpool::allocate::{AllocState, Decision, Exclusion, ExclusionReason, Explanation, Team};
use leadpool::calendar::TeamZone;
use leadpool::ids::{ClientId, PoolId, RepId, TeamId};
use leadpool::model::*;
use leadpool::store::{RepLedger, Versioned, Write};
use proptest::prelude::*;
use serde::{Serialize, de::DeserializeOwned};

fn roundtrip<T: Serialize + DeserializeOwned + PartialEq + std::fmt::Debug>(
    value: &T,
) -> Result<(), TestCaseError> {
    let json = serde_json::to_string(value).map_err(|e| TestCaseError::fail(e.to_string()))?;
    let back: T =
        serde_json::from_str(&json).map_err(|e| TestCaseError::fail(format!("{e}: {json}")))?;
    prop_assert_eq!(&back, value, "json: {}", json);
    Ok(())
}

fn instant() -> impl Strategy<Value = DateTime<Utc>> {
    // 1990..2100, to the microsecond.
    (631_152_000_000_000i64..4_102_444_800_000_000).prop_map(|us| Utc.timestamp_micros(us).unwrap())
}

fn word() -> impl Strategy<Value = String> {
    "[a-zA-Z0-9 华强电子]{1,12}"
        .prop_map(|s| s.trim().to_owned())
        .prop_filter("non-empty", |s| !s.is_empty())
}

fn region() -> impl Strategy<Value = Region> {
    proptest::collection::vec("[A-Za-z][A-Za-z0-9]{0,8}", 0..4)
        .prop_map(|segs| Region::new(segs).unwrap())
}

fn source() -> impl Strategy<Value = Source> {
    prop_oneof![
        any::<u64>().prop_map(|r| Source::TradeShow {
            received_by: RepId(r)
        }),
        any::<u64>().prop_map(|r| Source::PlatformSubAccount { rep: RepId(r) }),
        Just(Source::PlatformMaster),
        Just(Source::Website),
        Just(Source::DirectorySearch),
        Just(Source::PurchasedList),
        word().prop_map(|label| Source::Other { label }),
    ]
}

fn level() -> impl Strategy<Value = ContactLevel> {
    proptest::sample::select(ContactLevel::ALL.to_vec())
}

fn contact() -> impl Strategy<Value = Contact> {
    (any::<u64>(), level(), instant(), ".{0,20}").prop_map(|(rep, level, at, note)| Contact {
        rep: RepId(rep),
        level,
        at,
        note,
    })
}

fn keys() -> impl Strategy<Value = DedupeKeys> {
    (
        proptest::option::of(word()),
        proptest::option::of("[0-9 +-]{0,15}"),
        proptest::option::of("[a-z]{1,5}@[a-z]{1,5}\\.com"),
    )
        .prop_map(|(c, p, e)| {
            DedupeKeys::from_raw(c.as_deref(), p.as_deref(), e.as_deref(), Some("86"))
        })
}

fn custody() -> impl Strategy<Value = Custody> {
    (
        proptest::option::of(instant()),
        proptest::option::of(instant()),
        proptest::option::of((any::<u64>(), instant(), ".{0,20}")),
        proptest::option::of(instant()),
        any::<bool>(),
        proptest::option::of((any::<u64>(), instant())),
        proptest::option::of("[A-C]"),
    )
        .prop_map(
            |(owned_since, last_follow_up, release, remind_at, locked, deal, level)| Custody {
                owned_since,
                last_follow_up,
                last_release: release.map(|(from, at, reason)| Release {
                    from: RepId(from),
                    at,
                    reason,
                }),
                timers: Timers {
                    remind_at,
                    release_at: remind_at,
                    release_reason: remind_at.map(|_| "not followed up for 10 days".to_owned()),
                },
                locked,
                deal: deal.map(|(r, at)| (RepId(r), at)),
                level,
                ..Custody::default()
            },
        )
}

fn client() -> impl Strategy<Value = Client> {
    (
        (
            any::<u64>(),
            word(),
            source(),
            region(),
            proptest::option::of(word()),
        ),
        (
            proptest::collection::vec(word(), 0..3),
            any::<(u8, u8, u8)>(),
            keys(),
            any::<u64>(),
        ),
        (
            proptest::option::of(any::<u64>()),
            proptest::option::of(instant()),
            custody(),
            proptest::collection::vec(contact(), 0..3),
            instant(),
        ),
    )
        .prop_map(
            |(
                (id, name, source, region, industry),
                (tags, (b, u, f), keys, pool),
                (owner, deadline, custody, contacts, created_at),
            )| Client {
                id: ClientId(id),
                name,
                source,
                region,
                industry,
                tags,
                lead: LeadInputs {
                    budget: b,
                    urgency: u,
                    product_fit: f,
                },
                keys,
                pool: PoolId(pool),
                owner: owner.map(RepId),
                deadline,
                custody,
                contacts,
                created_at,
            },
        )
}

fn rep() -> impl Strategy<Value = Rep> {
    (
        any::<u64>(),
        word(),
        prop_oneof![
            Just(Availability::Active),
            Just(Availability::Inactive),
            instant().prop_map(|until| Availability::OnLeave { until })
        ],
        proptest::collection::vec(region(), 0..3),
        proptest::collection::vec(word(), 0..3),
        any::<u8>(),
        any::<u32>(),
        proptest::option::of(any::<u32>()),
    )
        .prop_map(
            |(id, name, availability, regions, skills, tier, weight, cap)| Rep {
                id: RepId(id),
                name,
                availability,
                regions,
                skills,
                tier: Tier(tier),
                weight,
                cap_override: cap,
            },
        )
}

proptest! {
    #[test]
    fn clients_round_trip(c in client()) {
        roundtrip(&c)?;
        roundtrip(&Versioned { version: 3, value: c.clone() })?;
        roundtrip(&Write::Update { client: c.clone(), expected: 2 })?;
        roundtrip(&Write::Insert { client: c })?;
    }

    #[test]
    fn reps_and_teams_round_trip(reps in proptest::collection::vec(rep(), 0..5)) {
        for r in &reps {
            roundtrip(r)?;
            roundtrip(&r.availability)?;
        }
        roundtrip(&Team::new(reps))?;
    }

    #[test]
    fn small_types_round_trip(
        r in region(), s in source(), c in contact(), k in keys(), id in any::<u64>(),
        minutes in -1439i32..1440, holding in any::<u32>(), day in proptest::option::of(0u32..3000),
    ) {
        roundtrip(&r)?;
        roundtrip(&s)?;
        roundtrip(&s.kind())?;
        roundtrip(&c)?;
        roundtrip(&c.level)?;
        roundtrip(&k)?;
        for key in k.iter() {
            roundtrip(&key)?;
        }
        roundtrip(&ClientId(id))?;
        roundtrip(&RepId(id))?;
        roundtrip(&TeamId(id))?;
        roundtrip(&PoolId(id))?;
        roundtrip(&TeamZone::east_minutes(minutes).unwrap())?;
        let ledger = RepLedger {
            rep: RepId(id),
            holding,
            day: day.map(|d| NaiveDate::from_ymd_opt(2020, 1, 1).unwrap() + chrono::Duration::days(i64::from(d))),
            ..RepLedger::default()
        };
        roundtrip(&ledger)?;
        roundtrip(&Write::Ledger { ledger, expected: 0 })?;
    }

    #[test]
    fn metrics_round_trip(entries in proptest::collection::vec((0u64..4, 0i64..60, "[a-z_]{1,8}", -1e6f64..1e6), 0..20)) {
        let mut m = Metrics::new();
        let base = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
        for (rep, day, name, value) in entries {
            m.record(RepId(rep), base + chrono::Duration::days(day), &name, value);
        }
        roundtrip(&m)?;
    }

    #[test]
    fn decisions_and_state_round_trip(client in any::<u64>(), rep in proptest::option::of(any::<u64>()), figure in proptest::option::of(-1e9f64..1e9), at in instant()) {
        let explanation = Explanation {
            rule: "round_robin".into(),
            considered: 3,
            excluded: vec![
                Exclusion { rep: RepId(1), reason: ExclusionReason::Unavailable { until: Some(at) } },
                Exclusion { rep: RepId(2), reason: ExclusionReason::AtCap { holding: 5, cap: 5 } },
                Exclusion { rep: RepId(3), reason: ExclusionReason::Cooldown { until: at } },
            ],
            reason: "longest since last assignment".into(),
            figure,
            steps: vec![Explanation { rule: "inner".into(), ..Explanation::default() }],
        };
        let decision = Decision { client: ClientId(client), rep: rep.map(RepId), explanation, updates: vec![] };
        roundtrip(&decision)?;
        roundtrip(&AllocState::new())?;
    }
}

#[test]
fn configuration_types_read_from_toml() {
    let rep: Rep = toml::from_str(
        r#"
        id = 7
        name = "Li Lei"
        regions = ["CN/Guangdong/Shenzhen", "CN/Guangdong/Dongguan"]
        skills = ["technical", "cnc"]
        tier = 2
        weight = 3
        cap_override = 150
        availability = { status = "on_leave", until = "2026-12-01T00:00:00Z" }
        "#,
    )
    .unwrap();
    assert_eq!(rep.regions[1].to_string(), "CN/Guangdong/Dongguan");
    assert_eq!(
        rep.availability,
        Availability::OnLeave {
            until: Utc.with_ymd_and_hms(2026, 12, 1, 0, 0, 0).unwrap()
        }
    );
    let back: Rep = toml::from_str(&toml::to_string(&rep).unwrap()).unwrap();
    assert_eq!(back, rep);
    let minimal: Rep = serde_json::from_str(r#"{"id": 1, "name": "Han Meimei"}"#).unwrap();
    assert_eq!(minimal, Rep::new(RepId(1), "Han Meimei"));
}

#[test]
fn custody_timers_are_stored_flat_beside_the_other_custody_fields() {
    // Stores keep client documents: the JSON shape is part of the contract.
    let at = Utc.with_ymd_and_hms(2026, 11, 24, 1, 0, 0).unwrap();
    let custody = Custody {
        timers: Timers {
            remind_at: Some(at),
            release_at: None,
            release_reason: Some("not followed up for 10 days".into()),
        },
        locked: true,
        ..Custody::default()
    };
    let json = serde_json::to_value(&custody).unwrap();
    assert_eq!(json["remind_at"], "2026-11-24T01:00:00Z");
    assert_eq!(json["release_reason"], "not followed up for 10 days");
    assert!(json.get("timers").is_none() && json.get("release_at").is_none());
    let back: Custody = serde_json::from_value(json).unwrap();
    assert_eq!(back, custody);
}
