//! The unassigned queue: leads nobody could take, kept visible with their reasons.

use super::{Decision, Explanation};
use crate::ids::ClientId;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// A lead left unassigned, with the explanation of why.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct UnassignedLead {
    /// The client.
    pub client: ClientId,
    /// When the decision was made.
    pub at: DateTime<Utc>,
    /// Why nobody got it.
    pub explanation: Explanation,
}

/// Leads nobody could take, oldest first, never silently dropped. A client appears once (its
/// latest attempt); a successful later decision removes it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct UnassignedQueue {
    #[serde(default)]
    entries: Vec<UnassignedLead>,
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
            .position(|e| e.client == decision.client);
        match (decision.rep, existing) {
            (Some(_), Some(i)) => {
                self.entries.remove(i);
                false
            }
            (Some(_), None) => false,
            (None, Some(i)) => {
                self.entries[i].at = at;
                self.entries[i].explanation = decision.explanation.clone();
                true
            }
            (None, None) => {
                self.entries.push(UnassignedLead {
                    client: decision.client,
                    at,
                    explanation: decision.explanation.clone(),
                });
                true
            }
        }
    }

    /// Removes a client (e.g. assigned by hand), returning its entry.
    pub fn remove(&mut self, client: ClientId) -> Option<UnassignedLead> {
        let i = self.entries.iter().position(|e| e.client == client)?;
        Some(self.entries.remove(i))
    }

    /// The queued leads, oldest first.
    pub fn iter(&self) -> impl Iterator<Item = &UnassignedLead> {
        self.entries.iter()
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
