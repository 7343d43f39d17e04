//! The main job (placeholder until the simulation lands): import a handful of clients into the
//! in-memory store, deduplicate a trade-show card against them, and print what the store knows.

use chrono::{Duration, TimeZone, Utc};
use leadpool::ids::{ClientId, RepId};
use leadpool::model::{Client, DedupeKeys, Region, Source};
use leadpool::store::{ClientStore, MemoryStore};
use leadpool::{Clock, ManualClock, TeamZone};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let clock = ManualClock::new(
        Utc.with_ymd_and_hms(2026, 11, 23, 1, 0, 0)
            .single()
            .ok_or("bad start")?,
    );
    let zone: TeamZone = "+08:00".parse()?;
    let store = MemoryStore::new();
    let companies = [
        (
            "深圳市华强电子有限公司",
            "+86 755 8888 0001",
            "CN/Guangdong/Shenzhen",
        ),
        (
            "ACME Trading Co., Ltd.",
            "+1 (415) 555-0100",
            "US/California/San Francisco",
        ),
        (
            "Globex Corporation",
            "+44 20 7946 0000",
            "GB/England/London",
        ),
    ];
    for (i, (name, phone, region)) in companies.iter().enumerate() {
        let keys = DedupeKeys::from_raw(Some(name), Some(phone), None, Some("86"));
        let client = Client::new(ClientId(i as u64 + 1), *name, Source::Website, clock.now())
            .with_region(region.parse::<Region>()?)
            .with_keys(keys);
        store.insert(client)?;
        clock.advance(Duration::hours(5));
    }
    let card = DedupeKeys::from_raw(Some("acme trading"), None, None, Some("86"));
    let source = Source::TradeShow {
        received_by: RepId(7),
    };
    println!(
        "{} clients in the public pool; team day is {}",
        store.public_pool(Default::default())?.len(),
        zone.day_of(clock.now())
    );
    for key in card.iter() {
        for id in store.find_by_key(&key)? {
            println!("card from {:?} matches {} ({key:?})", source.kind(), id);
        }
    }
    Ok(())
}
