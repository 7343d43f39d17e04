//! The client record: what it is, where it came from, and where it stands in the pools.

use super::{Contact, ContactLevel, DedupeKeys, Region, Source};
use crate::ids::{ClientId, PoolId, RepId};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Lead-score inputs, each a 0–100 rating the CRM fills in (from a form, a model or a rep).
/// Values above 100 are read as 100.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct LeadInputs {
    /// How much the client can spend, rated 0–100.
    #[serde(default)]
    pub budget: u8,
    /// How soon the client needs to buy, rated 0–100.
    #[serde(default)]
    pub urgency: u8,
    /// How well the products fit the client's need, rated 0–100.
    #[serde(default)]
    pub product_fit: u8,
}

/// Why a client was released back to the public pool, as shown to everyone.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Release {
    /// The owner it was released from.
    pub from: RepId,
    /// When it was released; the reclaim cooldown counts from here.
    pub at: DateTime<Utc>,
    /// The reason, e.g. "not followed up for 30 days".
    pub reason: String,
}

/// The pending timers of one owned client: the owner's reminder and the automatic release,
/// computed by the pool policy (`PoolPolicy::timers`) and kept in [`Custody::timers`].
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Timers {
    /// When the owner's reminder falls due (if not yet sent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remind_at: Option<DateTime<Utc>>,
    /// When the client returns to the public pool unless followed up.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub release_at: Option<DateTime<Utc>>,
    /// The reason that release will carry (e.g. "not followed up for 30 days").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub release_reason: Option<String>,
}

/// Where a client stands in the pool life cycle. The pool state machine keeps it; the store
/// indexes `owner`, `pool` and `deadline` from the enclosing [`Client`].
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Custody {
    /// When the current owner took the client (claim, assignment, transfer or handover).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owned_since: Option<DateTime<Utc>>,
    /// The last follow-up by the owner.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_follow_up: Option<DateTime<Utc>>,
    /// When the client (re-)entered the public pool; an embargo counts from here.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pooled_at: Option<DateTime<Utc>>,
    /// The latest release, kept for the reclaim cooldown and the public reason.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_release: Option<Release>,
    /// The pending reminder and release (stored flat: `remind_at`, `release_at`,
    /// `release_reason` sit beside the other custody fields in JSON).
    #[serde(flatten)]
    pub timers: Timers,
    /// Locked by a manager: exempt from automatic release.
    #[serde(default)]
    pub locked: bool,
    /// When a deal was marked, and whom it was credited to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deal: Option<(RepId, DateTime<Utc>)>,
    /// Whether the client has an open opportunity (a recycle rule may require one).
    #[serde(default)]
    pub open_opportunity: bool,
    /// The client's level name (e.g. "A", "B"), for per-level recycle days.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub level: Option<String>,
}

/// A client (客户) or lead (线索).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Client {
    /// Its id.
    pub id: ClientId,
    /// Display name (the company or person).
    pub name: String,
    /// The channel it came through.
    pub source: Source,
    /// Where it is; the world when unknown.
    #[serde(default)]
    pub region: Region,
    /// Its industry, if known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub industry: Option<String>,
    /// Need and skill tags ("technical", "price-driven", a product line…).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    /// Lead-score inputs.
    #[serde(default)]
    pub lead: LeadInputs,
    /// Normalised keys that identify the company.
    #[serde(default)]
    pub keys: DedupeKeys,
    /// The pool it belongs to.
    #[serde(default)]
    pub pool: PoolId,
    /// Its owner, when it is in a private pool; `None` means it is in the public pool.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<RepId>,
    /// The earliest pending timer (reminder or release), indexed by stores so a sweep reads
    /// only what is due. Kept equal to the earlier of `custody.timers.remind_at` and
    /// `custody.timers.release_at` by the pool state machine.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deadline: Option<DateTime<Utc>>,
    /// Pool life-cycle facts.
    #[serde(default)]
    pub custody: Custody,
    /// Every contact logged, oldest first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub contacts: Vec<Contact>,
    /// When the client was first recorded.
    pub created_at: DateTime<Utc>,
}

impl Client {
    /// A new public-pool client in the default pool, with no history.
    pub fn new(id: ClientId, name: impl Into<String>, source: Source, at: DateTime<Utc>) -> Self {
        Self {
            id,
            name: name.into(),
            source,
            region: Region::world(),
            industry: None,
            tags: Vec::new(),
            lead: LeadInputs::default(),
            keys: DedupeKeys::default(),
            pool: PoolId::DEFAULT,
            owner: None,
            deadline: None,
            custody: Custody::default(),
            contacts: Vec::new(),
            created_at: at,
        }
    }

    /// Sets the region (builder style).
    pub fn with_region(mut self, region: Region) -> Self {
        self.region = region;
        self
    }

    /// Sets the industry (builder style).
    pub fn with_industry(mut self, industry: impl Into<String>) -> Self {
        self.industry = Some(industry.into());
        self
    }

    /// Adds need or skill tags (builder style).
    pub fn with_tags<I, S>(mut self, tags: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.tags.extend(tags.into_iter().map(Into::into));
        self
    }

    /// Sets the lead-score inputs (builder style).
    pub fn with_lead(mut self, lead: LeadInputs) -> Self {
        self.lead = lead;
        self
    }

    /// Sets the dedupe keys (builder style).
    pub fn with_keys(mut self, keys: DedupeKeys) -> Self {
        self.keys = keys;
        self
    }

    /// True when nobody owns the client.
    pub fn is_public(&self) -> bool {
        self.owner.is_none()
    }

    /// The highest contact level any rep reached, with the latest contact at that level.
    pub fn highest_contact(&self) -> Option<&Contact> {
        self.contacts
            .iter()
            .max_by(|a, b| a.level.cmp(&b.level).then(a.at.cmp(&b.at)))
    }

    /// The latest contact at or above `level`.
    pub fn latest_contact_at_least(&self, level: ContactLevel) -> Option<&Contact> {
        self.contacts
            .iter()
            .filter(|c| c.level >= level)
            .max_by_key(|c| c.at)
    }

    /// The rep a deal on this client is credited to, if one was marked.
    pub fn deal_owner(&self) -> Option<RepId> {
        self.custody.deal.as_ref().map(|(rep, _)| *rep)
    }

    /// Recomputes [`Client::deadline`] from the custody timers.
    pub fn refresh_deadline(&mut self) {
        self.deadline = match (
            self.custody.timers.remind_at,
            self.custody.timers.release_at,
        ) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
    }
}
