//! Contact levels and the contact log.

use crate::ids::RepId;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// How far a rep has gone with a client. Ordered: phone < visit < sample < cooperating.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ContactLevel {
    /// A phone call (or message). Protects nothing on its own.
    Phone,
    /// A visit in person.
    Visit,
    /// A sample sent.
    Sample,
    /// A deal: the client is cooperating.
    Cooperating,
}

impl ContactLevel {
    /// Every level, lowest first.
    pub const ALL: [ContactLevel; 4] = [
        ContactLevel::Phone,
        ContactLevel::Visit,
        ContactLevel::Sample,
        ContactLevel::Cooperating,
    ];
}

/// One logged contact: who, how far, when, and a free note.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contact {
    /// The rep who made the contact.
    pub rep: RepId,
    /// How far the contact went.
    pub level: ContactLevel,
    /// When it happened.
    pub at: DateTime<Utc>,
    /// What the rep wrote about it.
    #[serde(default)]
    pub note: String,
}
