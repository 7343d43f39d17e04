//! The naive day: clients in one `Vec`; each lead scans every rep for the least-served eligible
//! one (holding under the cap); each rep scans every client to find its own to follow up; the
//! sweep scans every client. It keeps a hash index for dedupe only, because a linear dedupe
//! scan would take minutes at this size. It keeps **no** events, explanations, timers, ledgers
//! or cap and protection checks beyond the cap count.

use chrono::{DateTime, Duration, Utc};
use leadpool::allocate::Team;
use leadpool::ids::RepId;
use leadpool::model::{Client, Contact, ContactLevel, DedupeKey};
use leadpool::pool::PoolPolicy;
use leadpool::sim::LeadStream;
use std::collections::HashMap;

/// One client as the baseline keeps it: the arrival and its custody, side by side.
struct NaiveClient {
    /// The arrival's description, kept as a CRM keeps its record.
    #[allow(dead_code)]
    client: Client,
    owner: Option<RepId>,
    owned_since: Option<DateTime<Utc>>,
    last_follow_up: Option<DateTime<Utc>>,
    deadline: Option<DateTime<Utc>>,
    contacts: Vec<Contact>,
}

/// The baseline's whole state.
struct NaiveDay {
    clients: Vec<NaiveClient>,
    keys: HashMap<DedupeKey, usize>,
    assigned: Vec<u64>,
    holding: Vec<u32>,
}

/// The same day without indexes (see the module docs); returns how many clients are due at
/// the night's sweep.
#[inline(never)]
pub fn naive_day(
    team: &Team,
    stream: &LeadStream,
    policy: &PoolPolicy,
    start: DateTime<Utc>,
) -> usize {
    let n = team.len();
    let cap = policy.private_cap.unwrap_or(u32::MAX);
    let mut day = NaiveDay {
        clients: Vec::new(),
        keys: HashMap::new(),
        assigned: vec![0; n],
        holding: vec![0; n],
    };
    let remind = Duration::days(i64::from(policy.remind_after_days.unwrap_or(7)));
    for arrival in stream.arrivals() {
        if arrival
            .client
            .keys()
            .iter()
            .any(|k| day.keys.contains_key(&k))
        {
            continue;
        }
        let index = day.clients.len();
        for key in arrival.client.keys().iter() {
            day.keys.insert(key, index);
        }
        let mut client = NaiveClient {
            client: arrival.client.clone(),
            owner: None,
            owned_since: None,
            last_follow_up: None,
            deadline: None,
            contacts: Vec::new(),
        };
        // Scan every rep: the least served under the cap wins, ties to the lower id.
        let mut best: Option<usize> = None;
        for (i, rep) in team.reps().iter().enumerate() {
            if !rep.availability.is_available(arrival.at) || day.holding[i] >= cap {
                continue;
            }
            if best.is_none_or(|b| day.assigned[i] < day.assigned[b]) {
                best = Some(i);
            }
        }
        if let Some(i) = best {
            day.assigned[i] += 1;
            day.holding[i] += 1;
            client.owner = Some(team.reps()[i].id);
            client.owned_since = Some(arrival.at);
            client.deadline = Some(arrival.at + remind);
        }
        day.clients.push(client);
    }
    // Each rep follows up its own clients, found by scanning every client.
    let evening = start + Duration::hours(17);
    for rep in team.reps() {
        for client in day.clients.iter_mut().filter(|c| c.owner == Some(rep.id)) {
            client.contacts.push(Contact {
                rep: rep.id,
                level: ContactLevel::Phone,
                at: evening,
                note: String::new(),
            });
            client.last_follow_up = Some(evening);
            client.deadline = Some(evening + remind);
        }
    }
    // The sweep scans every client for what is due.
    let night = start + Duration::hours(23);
    day.clients
        .iter()
        .filter(|c| c.deadline.is_some_and(|d| d <= night))
        .count()
}
