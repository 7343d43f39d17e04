//! Configuration is a contract: unknown fields are refused, documented defaults are real
//! defaults, every policy and team is validated when loaded or built, and a refusal names the
//! field and the rule broken. A cap or limit of 0 stays valid.

mod pool_support;

use leadpool::allocate::{Policy, RankingMode, RankingPolicy, Team};
use leadpool::config::{ConfigError, ConfigRule};
use leadpool::ids::{PoolId, RepId};
use leadpool::model::Rep;
use leadpool::pool::{Command, Config, PoolDef, PoolError, PoolPolicy};
#[cfg(feature = "sim")]
use leadpool::sim::SimPolicy;
use pool_support::*;

fn team3() -> Team {
    team(3)
}

#[test]
fn a_misspelt_field_is_an_error_wherever_it_is() {
    for json in [
        r#"{"private_capp": 5}"#,
        r#"{"pools": {"0": {"name": "main", "memberz": [1]}}}"#,
        r#"{"recycle": [{"kind": "no_deal", "days": 9, "remind": 1}]}"#,
    ] {
        let err = serde_json::from_str::<PoolPolicy>(json).unwrap_err();
        assert!(err.to_string().contains("unknown field"), "{json}: {err}");
    }
    for json in [
        r#"{"strategy": "round_robin", "keyy": "x"}"#,
        r#"{"strategy": "least_loaded", "capacity": 5}"#,
        r#"{"strategy": "ranking", "weights": {"x": 1}, "windows": "this_week"}"#,
        r#"{"strategy": "filter", "rules": {"pool_rule": true}, "inner": {"strategy": "owner_first"}}"#,
        r#"{"strategy": "filter", "rules": {"quota": {"per_dya": 3}}, "inner": {"strategy": "owner_first"}}"#,
        r#"{"strategy": "score", "tiers": [], "factors": {"budgett": 1}}"#,
        r#"{"strategy": "territory", "inner": "round_robin", "fallback": null}"#,
    ] {
        let err = serde_json::from_str::<Policy>(json).unwrap_err();
        assert!(err.to_string().contains("unknown field"), "{json}: {err}");
    }
    #[cfg(feature = "sim")]
    {
        let sim = r#"{"allocation": {"strategy": "owner_first"}, "pol": {}}"#;
        assert!(serde_json::from_str::<SimPolicy>(sim).is_err());
    }
}

#[test]
fn documented_defaults_are_real_defaults() {
    // A ranking without "mode" is top-1, as documented.
    let ranking: Policy =
        serde_json::from_str(r#"{"strategy": "ranking", "weights": {"inquiries": 1}}"#).unwrap();
    let Policy::Ranking(RankingPolicy { mode, .. }) = &ranking else {
        panic!("{ranking:?}");
    };
    assert_eq!(*mode, RankingMode::Top1);
    assert!(ranking.build(&team3()).is_ok());
    // Top-k needs its k, and only top-k takes one.
    assert!(
        serde_json::from_str::<Policy>(r#"{"strategy":"ranking","weights":{},"mode":"top_k"}"#)
            .is_err()
    );
    assert!(
        serde_json::from_str::<Policy>(r#"{"strategy":"ranking","weights":{},"k":3}"#).is_err()
    );
    // An empty pool policy is the default policy.
    assert_eq!(
        serde_json::from_str::<PoolPolicy>("{}").unwrap(),
        PoolPolicy::default()
    );
    assert_eq!(
        toml::from_str::<PoolPolicy>("").unwrap(),
        PoolPolicy::default()
    );
}

#[test]
fn weights_must_be_finite_and_bounded_and_the_error_names_the_path() {
    let policy: Policy = serde_json::from_str(
        r#"{"strategy": "router", "routes": {"website": {"strategy": "fallback", "chain": [
            {"strategy": "ranking", "weights": {"inquiries": 1e308}},
            {"strategy": "round_robin"}]}}}"#,
    )
    .unwrap();
    let err = policy.build(&team3()).err().unwrap();
    assert_eq!(err.path, "routes.website.chain[0].weights.inquiries");
    assert!(matches!(err.rule, ConfigRule::OutOfRange { value, .. } if value == 1e308));
    // Score factors of 1e308 used to make every score NaN and strand every lead.
    let score: Policy = serde_json::from_str(
        r#"{"strategy": "score", "factors": {"budget": 1e308, "urgency": 1e308, "product_fit": 1}, "tiers": [{"min_score": 0, "rep_tiers": [0]}]}"#,
    )
    .unwrap();
    let err = score.build(&team3()).err().unwrap();
    assert_eq!(err.path, "factors.budget");
}

#[test]
fn a_team_naming_a_rep_twice_is_refused() {
    let json = r#"[{"id": 1, "name": "a"}, {"id": 2, "name": "b"}, {"id": 1, "name": "c"}]"#;
    let err = serde_json::from_str::<Team>(json).unwrap_err();
    assert!(
        err.to_string()
            .contains("[2].id: rep#1 appears more than once"),
        "{err}"
    );
    let err = Team::try_new([Rep::new(RepId(1), "a"), Rep::new(RepId(1), "b")]).unwrap_err();
    assert_eq!(err.rule, ConfigRule::DuplicateRep { rep: RepId(1) });
}

#[test]
fn the_policy_and_the_team_must_name_the_same_reps() {
    let mut policy = PoolPolicy::default();
    policy.pools.insert(
        PoolId(0),
        PoolDef {
            name: "main".into(),
            members: [RepId(1), RepId(9)].into(),
            ..PoolDef::default()
        },
    );
    let err = Config::new(team3(), policy).unwrap_err();
    assert_eq!(
        err,
        ConfigError {
            path: "pools.0.members".into(),
            rule: ConfigRule::UnknownRep { rep: RepId(9) }
        }
    );
    let policy = PoolPolicy {
        cap_overrides: [(RepId(7), 3)].into(),
        ..PoolPolicy::default()
    };
    assert_eq!(
        Config::new(team3(), policy).unwrap_err().path,
        "cap_overrides.7"
    );
}

#[test]
fn a_policy_change_is_validated_and_a_refused_one_changes_nothing() {
    let mut w = World::new(2, seed_policy());
    let before = w.state.clone();
    let bad = PoolPolicy {
        default_pool: PoolId(5),
        ..seed_policy()
    };
    let err = w
        .run(
            Command::ChangePolicy {
                policy: Box::new(bad),
            },
            t0(),
        )
        .unwrap_err();
    assert!(matches!(
        err,
        PoolError::Config(ConfigError { ref path, rule: ConfigRule::UndefinedPool { pool: PoolId(5) } }) if path == "default_pool"
    ));
    assert_eq!(w.state, before);
}

#[test]
fn a_rep_holding_clients_cannot_leave_the_team() {
    let mut w = World::new(2, seed_policy());
    w.import([1]);
    w.claim(1, B, t0()).unwrap();
    let smaller = Team::new([Rep::new(A, "stays")]);
    let err = w
        .run(
            Command::ChangeTeam {
                team: Box::new(smaller.clone()),
            },
            t0(),
        )
        .unwrap_err();
    assert_eq!(err, PoolError::StillHolds { rep: B, holding: 1 });
    w.run(
        Command::Transfer {
            from: B,
            to: A,
            scope: leadpool::pool::TransferScope::All,
        },
        t0(),
    )
    .unwrap();
    w.run(
        Command::ChangeTeam {
            team: Box::new(smaller),
        },
        t0(),
    )
    .unwrap();
    assert_eq!(w.state.team().len(), 1);
    assert_eq!(w.replayed(), w.state, "the team change is in the log");
}

#[test]
fn a_cap_or_limit_of_zero_is_valid_and_freezes_claims() {
    let policy = PoolPolicy {
        private_cap: Some(0),
        daily_claim_limit: Some(0),
        ..PoolPolicy::default()
    };
    let mut w = World::new(1, policy);
    w.import([1]);
    assert!(matches!(
        w.claim(1, A, t0()),
        Err(PoolError::Refused {
            reason: leadpool::reason::Refusal::CapReached { holding: 0, cap: 0 },
            ..
        })
    ));
}

#[test]
#[cfg(feature = "sim")]
fn the_examples_configuration_files_stay_valid() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
    let allocation: Policy =
        serde_json::from_str(&std::fs::read_to_string(dir.join("allocate_policy.json")).unwrap())
            .unwrap();
    let reps = (1..=5).map(|i| Rep::new(RepId(i), "r"));
    allocation.build(&Team::new(reps)).unwrap();
    for entry in std::fs::read_dir(dir.join("policies")).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        let policy: SimPolicy =
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        policy.build(&team3()).unwrap();
        policy.config(team3()).unwrap();
    }
    // The seed default round-trips through JSON and TOML.
    let seed = SimPolicy::seed_default();
    let json = serde_json::to_string(&seed).unwrap();
    assert_eq!(serde_json::from_str::<SimPolicy>(&json).unwrap(), seed);
    let toml_text = toml::to_string(&seed.pool).unwrap();
    assert_eq!(toml::from_str::<PoolPolicy>(&toml_text).unwrap(), seed.pool);
}
