//! The unassigned queue: leads nobody could take, kept visible with their reasons.

use super::Decision;
use crate::ids::ClientId;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// A lead left unassigned: when, and the decision that says why nobody got it. Stored flat
/// (`{"at": …, "client": …, "rep": null, "explanation": …}`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
struct Entry {
    at: DateTime<Utc>,
    #[serde(flatten)]
    decision: Decision,
}

/// Leads nobody could take, oldest first, never silently dropped. A client appears once (its
/// latest attempt); a successful later decision removes it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct UnassignedQueue {
    #[serde(default)]
    entries: Vec<Entry>,
}

impl UnassignedQueue {
    /// An empty queue.
    pub fn new() -> Self {
        Self::default()
    }

    /// Records a decision: an unassigned one is queued (or refreshed), an assigned one
    /// removes its client. Returns true when the client is in the queue afterwards.
    pub fn record(&mut self, decision: &Decision, at: DateTime<Utc>) -> bool {
        let existing = self
            .entries
            .iter()
            .position(|e| e.decision.client == decision.client);
        match (decision.rep, existing) {
            (Some(_), Some(i)) => {
                self.entries.remove(i);
                false
            }
            (Some(_), None) => false,
            (None, Some(i)) => {
                self.entries[i] = Entry {
                    at,
                    decision: decision.clone(),
                };
                true
            }
            (None, None) => {
                self.entries.push(Entry {
                    at,
                    decision: decision.clone(),
                });
                true
            }
        }
    }

    /// Removes a client (e.g. assigned by hand), returning when it was queued and the
    /// decision that left it unassigned.
    pub fn remove(&mut self, client: ClientId) -> Option<(DateTime<Utc>, Decision)> {
        let i = self
            .entries
            .iter()
            .position(|e| e.decision.client == client)?;
        let entry = self.entries.remove(i);
        Some((entry.at, entry.decision))
    }

    /// The queued leads, oldest first: when each was decided, and the decision (its
    /// explanation says why nobody got it).
    pub fn iter(&self) -> impl Iterator<Item = (DateTime<Utc>, &Decision)> {
        self.entries.iter().map(|e| (e.at, &e.decision))
    }

    /// How many leads wait.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True when nothing waits.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}
