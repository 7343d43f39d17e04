//! Property: every public model type survives a JSON round trip unchanged (a CRM stores them
//! as they are), and the configuration-facing ones survive TOML too.

mod pool_support;

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use leadpool::allocate::{AllocState, Decision, Explanation, Team};
use leadpool::calendar::TeamZone;
use leadpool::ids::{ClientId, PoolId, RepId};
use leadpool::label::Label;
use leadpool::model::*;
use leadpool::reason::{ExclusionReason, Refusal, Step};
use leadpool::store::{Versioned, Write};
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

/// A client as the engine keeps it: described by the builders, then put through a random
/// life in a pool (claims, follow-ups, releases, deals, flags), so every custody field the
/// engine writes is exercised.
fn client() -> impl Strategy<Value = Client> {
    (
        (
            1..1000u64,
            word(),
            source(),
            region(),
            proptest::option::of(word()),
        ),
        (
            proptest::collection::vec(word(), 0..3),
            any::<(u8, u8, u8)>(),
            keys(),
            proptest::collection::vec(contact(), 0..3),
            (any::<bool>(), any::<bool>(), proptest::option::of("[A-C]")),
        ),
        (
            instant(),
            proptest::collection::vec((0u8..6, 1u64..4, 0i64..400), 0..8),
        ),
    )
        .prop_map(
            |(
                (id, name, source, region, industry),
                (tags, (b, u, f), keys, history, (locked, open, level)),
                (created_at, life),
            )| {
                let mut client = Client::new(ClientId(id), name, source, created_at)
                    .with_region(region)
                    .with_tags(tags)
                    .with_lead(LeadInputs {
                        budget: b,
                        urgency: u,
                        product_fit: f,
                    })
                    .with_keys(keys)
                    .with_flags(locked, open, level.as_deref())
                    .with_history(history.into_iter().filter(|c| c.at <= created_at));
                if let Some(industry) = industry {
                    client = client.with_industry(industry);
                }
                lived(client, created_at, &life)
            },
        )
}

/// `client` after `life`: each step a command (claim, follow-up, release, deal, lock, sweep)
/// by a rep, some hours after the import. Refused steps change nothing.
fn lived(client: Client, at: DateTime<Utc>, life: &[(u8, u64, i64)]) -> Client {
    use leadpool::pool::{Command, Config, Flag, PoolPolicy, PoolState, execute};
    let id = client.id();
    let team = Team::new((1..=3).map(|i| Rep::new(RepId(i), format!("rep {i}"))));
    let policy = pool_support::administered(PoolPolicy {
        remind_after_days: Some(3),
        release_after_reminder_days: 2,
        ..PoolPolicy::default()
    });
    let mut state = PoolState::new(Config::new(team, policy).unwrap());
    if execute(
        &mut state,
        leadpool::pool::Actor::System,
        Command::Import {
            client: Box::new(client.clone()),
        },
        at,
    )
    .is_err()
    {
        return client;
    }
    for (what, rep, hours) in life {
        let rep = RepId(*rep);
        let now = at + chrono::Duration::hours(*hours);
        let command = match what {
            0 => Command::Claim { client: id, rep },
            1 => Command::FollowUp {
                client: id,
                rep,
                level: ContactLevel::Visit,
                note: "去拜访了".into(),
            },
            2 => Command::Release {
                client: id,
                rep,
                note: "no budget".into(),
            },
            3 => Command::MarkDeal {
                client: id,
                closed_by: rep,
            },
            4 => Command::SetFlag {
                client: id,
                flag: Flag::Locked(rep == RepId(1)),
            },
            _ => Command::Sweep,
        };
        let actor = pool_support::actor_for(&command);
        let _ = execute(&mut state, actor, command, now);
    }
    state.client(id).cloned().unwrap_or(client)
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
        roundtrip(&PoolId(id))?;
        roundtrip(&TeamZone::east_minutes(minutes).unwrap())?;
        let _ = holding;
        let ledger = lived_ledger(RepId(id), day.unwrap_or(0));
        roundtrip(&ledger)?;
        roundtrip(&Write::Ledger { ledger, expected: 0 })?;
    }

    #[test]
    fn metrics_round_trip(entries in proptest::collection::vec((0u64..4, 0i64..60, "[a-z_]{1,8}", -1e6f64..1e6), 0..20)) {
        let mut m = Metrics::new();
        let base = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
        for (rep, day, name, value) in entries {
            m.record(RepId(rep), base + chrono::Duration::days(day), name.as_str(), value);
        }
        roundtrip(&m)?;
    }

    #[test]
    fn decisions_and_state_round_trip(client in any::<u64>(), rep in proptest::option::of(any::<u64>()), figure in proptest::option::of(-1e9f64..1e9), at in instant()) {
        let mut explanation = Explanation::new(Step::Routed { source: SourceKind::Website })
            .with_considered(3);
        if let Some(figure) = figure {
            explanation = explanation.with_figure(figure);
        }
        explanation.exclude(RepId(1), ExclusionReason::Refused(Refusal::Unavailable { until: Some(at) }));
        explanation.exclude(RepId(2), ExclusionReason::Refused(Refusal::CapReached { holding: 5, cap: 5 }));
        explanation.exclude(RepId(3), ExclusionReason::Refused(Refusal::Cooldown { until: at }));
        explanation.exclude(RepId(4), ExclusionReason::Custom { rule: Label::new("vip only") });
        let decision = match rep {
            Some(rep) => Decision::assigned(ClientId(client), RepId(rep), explanation),
            None => Decision::unassigned(ClientId(client), explanation),
        };
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

/// A ledger as the engine keeps it after `days` days of one claim a day.
fn lived_ledger(rep: RepId, days: u32) -> RepLedger {
    use leadpool::pool::{Command, Config, PoolPolicy, PoolState, execute};
    let team = Team::new([Rep::new(rep, "r")]);
    let mut state = PoolState::new(Config::new(team, PoolPolicy::default()).unwrap());
    let start = Utc.with_ymd_and_hms(2026, 1, 1, 9, 0, 0).unwrap();
    for d in 0..days.min(40) {
        let id = ClientId(u64::from(d) + 1);
        let at = start + chrono::Duration::days(i64::from(d));
        let client = Client::new(id, "c", Source::Website, at);
        let _ = execute(
            &mut state,
            leadpool::pool::Actor::System,
            Command::Import {
                client: Box::new(client),
            },
            at,
        );
        let _ = execute(
            &mut state,
            leadpool::pool::Actor::Rep(rep),
            Command::Claim { client: id, rep },
            at,
        );
    }
    state.ledger(rep)
}

#[test]
fn custody_timers_are_stored_flat_beside_the_other_custody_fields() {
    // Stores keep client documents: the JSON shape is part of the contract.
    let at = Utc.with_ymd_and_hms(2026, 11, 24, 1, 0, 0).unwrap();
    let stored = serde_json::json!({
        "remind_at": "2026-11-24T01:00:00Z",
        "release": { "at": "2026-11-24T01:00:00Z", "rule": "no_follow_up", "days": 10 },
        "locked": true,
    });
    let custody: Custody = serde_json::from_value(stored).unwrap();
    let timers = Timers {
        remind_at: Some(at),
        release: Some(ScheduledRelease {
            at,
            cause: RecycleCause {
                rule: RecycleKind::NoFollowUp,
                days: 10,
            },
        }),
    };
    assert_eq!((custody.timers(), custody.locked()), (timers, true));
    let json = serde_json::to_value(&custody).unwrap();
    assert_eq!(json["remind_at"], "2026-11-24T01:00:00Z");
    assert_eq!(json["release"]["rule"], "no_follow_up");
    assert_eq!(json["release"]["days"], 10);
    assert!(json.get("timers").is_none());
    let back: Custody = serde_json::from_value(json).unwrap();
    assert_eq!(back, custody);
}
