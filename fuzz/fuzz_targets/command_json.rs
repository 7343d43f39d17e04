//! Any JSON as a pool command, decided against a small pool with history: accepted (and then
//! the events apply and replay to the same state) or refused with nothing changed. Never a
//! panic.
#![no_main]

use chrono::{Duration, TimeZone, Utc};
use leadpool::allocate::Team;
use leadpool::model::{Client, Rep, Source};
use leadpool::pool::{Actor, Command, Config, PoolPolicy, PoolState, execute};
use leadpool::{ClientId, RepId};
use libfuzzer_sys::fuzz_target;

fn pool() -> (Config, PoolState, Vec<leadpool::pool::Event>) {
    let team = Team::new((1..=3).map(|i| Rep::new(RepId(i), "r")));
    let policy = PoolPolicy {
        private_cap: Some(3),
        remind_after_days: Some(2),
        release_after_reminder_days: 1,
        cooldown_days: 2,
        daily_claim_limit: Some(2),
        protection_days: 3,
        admins: [RepId(9)].into(),
        ..PoolPolicy::default()
    };
    let config = Config::new(team, policy).expect("a valid policy");
    let mut state = PoolState::new(config.clone());
    let t0 = Utc.with_ymd_and_hms(2026, 11, 2, 9, 0, 0).unwrap();
    let mut log = Vec::new();
    for id in 1..=4 {
        let client = Client::new(ClientId(id), "c", Source::Website, t0);
        log.extend(execute(&mut state, Actor::System, Command::Import { client: Box::new(client) }, t0).unwrap());
    }
    log.extend(execute(&mut state, Actor::Rep(RepId(1)), Command::Claim { client: ClientId(1), rep: RepId(1) }, t0).unwrap());
    (config, state, log)
}

fuzz_target!(|data: &[u8]| {
    // `[actor, command]`: any actor, any command.
    let Ok((actor, command)) = serde_json::from_slice::<(Actor, Command)>(data) else {
        return;
    };
    let (config, mut state, mut log) = pool();
    let before = state.clone();
    let now = Utc.with_ymd_and_hms(2026, 11, 3, 9, 0, 0).unwrap() + Duration::hours(1);
    match execute(&mut state, actor, command, now) {
        Ok(events) => {
            log.extend(events);
            assert_eq!(PoolState::replay(config, &log), state, "the log rebuilds the state");
        }
        Err(err) => {
            assert_eq!(state, before, "a refused command changed the state");
            let _ = err.to_string();
        }
    }
});
