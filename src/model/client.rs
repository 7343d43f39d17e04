//! The client record: what it is, where it came from, and where it stands in the pools.

mod copy;

use super::contact_log::ContactLog;
use super::{Contact, ContactLevel, DedupeKeys, Region, Release, Source, Timers};
use crate::hash::KeyHashes;
use crate::ids::{ClientId, PoolId, RepId};
use crate::label::Label;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::sync::Arc;

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

/// A deal in force on a client: whom it is credited to (the owner, seed 001: a deal on another
/// rep's private client belongs to that rep) and who logged the closing contact.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Deal {
    /// The rep credited: the client's owner when the deal was marked.
    pub credited_to: RepId,
    /// The rep who logged the closing contact (kept as data, credited with nothing).
    pub closed_by: RepId,
    /// When.
    pub at: DateTime<Utc>,
}

/// Where a client stands in the pool life cycle. Only the pool's `evolve` changes it: a
/// client read from the pool or a store exposes it read-only through [`Client::custody`] and
/// these accessors.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Custody {
    /// When the current owner took the client (claim, assignment, transfer or handover).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) owned_since: Option<DateTime<Utc>>,
    /// The last follow-up by the owner.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) last_follow_up: Option<DateTime<Utc>>,
    /// When the client (re-)entered the public pool; an embargo counts from here.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) pooled_at: Option<DateTime<Utc>>,
    /// The latest release, kept for the reclaim cooldown and the public reason.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) last_release: Option<Release>,
    /// The pending reminder and release (stored flat: `remind_at` and `release` sit beside the
    /// other custody fields in JSON).
    #[serde(flatten)]
    pub(crate) timers: Timers,
    /// Locked by a manager: exempt from automatic release.
    #[serde(default)]
    pub(crate) locked: bool,
    /// The deal in force, if one was marked since the current owner took the client (a
    /// release ends it: the client no longer cooperates).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) deal: Option<Deal>,
    /// Whether the client has an open opportunity (a recycle rule may require one).
    #[serde(default)]
    pub(crate) open_opportunity: bool,
    /// The client's level name (e.g. "A", "B"), for per-level recycle days.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) level: Option<Label>,
}

impl Custody {
    /// When the current owner took the client (claim, assignment, transfer or handover).
    pub fn owned_since(&self) -> Option<DateTime<Utc>> {
        self.owned_since
    }

    /// The last follow-up by the owner.
    pub fn last_follow_up(&self) -> Option<DateTime<Utc>> {
        self.last_follow_up
    }

    /// When the client (re-)entered the public pool; an embargo counts from here.
    pub fn pooled_at(&self) -> Option<DateTime<Utc>> {
        self.pooled_at
    }

    /// The latest release, kept for the reclaim cooldown and the public reason.
    pub fn last_release(&self) -> Option<&Release> {
        self.last_release.as_ref()
    }

    /// The pending reminder and release.
    pub fn timers(&self) -> Timers {
        self.timers
    }

    /// Locked by a manager: exempt from automatic release.
    pub fn locked(&self) -> bool {
        self.locked
    }

    /// The deal in force, if one was marked since the current owner took the client.
    pub fn deal(&self) -> Option<&Deal> {
        self.deal.as_ref()
    }

    /// Whether the client has an open opportunity.
    pub fn open_opportunity(&self) -> bool {
        self.open_opportunity
    }

    /// The client's level name (e.g. "A", "B"), for per-level recycle days.
    pub fn level(&self) -> Option<&str> {
        self.level.as_ref().map(Label::as_str)
    }
}

/// What a client is and where it came from: fixed when it is imported, shared by every copy
/// of the client (an import event, the pool state, a store row) without being copied.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Card {
    name: String,
    source: Source,
    #[serde(default)]
    region: Region,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    industry: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    tags: Vec<String>,
    #[serde(default)]
    lead: LeadInputs,
    #[serde(default)]
    keys: DedupeKeys,
    created_at: DateTime<Utc>,
    /// The index hashes of `keys`, computed on first use (cleared whenever `keys` change).
    #[serde(skip)]
    hashes: KeyHashes,
}

impl fmt::Debug for Card {
    /// The description, without the hashes kept beside it.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Card")
            .field("name", &self.name)
            .field("source", &self.source)
            .field("region", &self.region)
            .field("industry", &self.industry)
            .field("tags", &self.tags)
            .field("lead", &self.lead)
            .field("keys", &self.keys)
            .field("created_at", &self.created_at)
            .finish()
    }
}

/// A client (客户) or lead (线索).
///
/// What the client is (name, source, region, industry, tags, lead inputs, dedupe keys) is the
/// CRM's to fill in, with the builder methods, before the import. Where the client stands (its
/// pool, owner, custody, timers and contact log) is the pool's alone: read it through the
/// accessors; only the pool's events change it, so no caller can hand a client to a rep past
/// the rules. Cloning a client copies its custody and contact log, never its description.
#[derive(Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Client {
    id: ClientId,
    #[serde(flatten)]
    card: Arc<Card>,
    #[serde(default)]
    pool: PoolId,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    owner: Option<RepId>,
    #[serde(default)]
    custody: Custody,
    #[serde(default, skip_serializing_if = "ContactLog::is_empty")]
    contacts: ContactLog,
}

impl Client {
    /// A new public-pool client in the default pool, with no history.
    pub fn new(id: ClientId, name: impl Into<String>, source: Source, at: DateTime<Utc>) -> Self {
        Self {
            id,
            card: Arc::new(Card {
                name: name.into(),
                source,
                region: Region::world(),
                industry: None,
                tags: Vec::new(),
                lead: LeadInputs::default(),
                keys: DedupeKeys::default(),
                created_at: at,
                hashes: KeyHashes::default(),
            }),
            pool: PoolId::DEFAULT,
            owner: None,
            custody: Custody::default(),
            contacts: ContactLog::Empty,
        }
    }

    fn card_mut(&mut self) -> &mut Card {
        Arc::make_mut(&mut self.card)
    }

    /// Sets the display name (builder style).
    pub fn with_name(mut self, name: impl Into<String>) -> Self {
        self.card_mut().name = name.into();
        self
    }

    /// Sets the region (builder style).
    pub fn with_region(mut self, region: Region) -> Self {
        self.card_mut().region = region;
        self
    }

    /// Sets the industry (builder style).
    pub fn with_industry(mut self, industry: impl Into<String>) -> Self {
        self.card_mut().industry = Some(industry.into());
        self
    }

    /// Adds need or skill tags (builder style).
    pub fn with_tags<I, S>(mut self, tags: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.card_mut()
            .tags
            .extend(tags.into_iter().map(Into::into));
        self
    }

    /// Sets the lead-score inputs (builder style).
    pub fn with_lead(mut self, lead: LeadInputs) -> Self {
        self.card_mut().lead = lead;
        self
    }

    /// Sets the dedupe keys (builder style).
    pub fn with_keys(mut self, keys: DedupeKeys) -> Self {
        let card = self.card_mut();
        card.keys = keys;
        card.hashes.clear();
        self
    }

    /// Sets the public pool an import puts the client in (builder style).
    pub fn with_pool(mut self, pool: PoolId) -> Self {
        self.pool = pool;
        self
    }

    /// Contact history to import with the client, e.g. from a migration (builder style). The
    /// import checks it: nothing may be dated after the import, and the protection it gives
    /// expires like any other (see [`crate::pool::admission`]).
    pub fn with_history(mut self, contacts: impl IntoIterator<Item = Contact>) -> Self {
        self.contacts.extend(contacts);
        self
    }

    /// Flags a manager set before the import: locked, open opportunity, level (builder style).
    pub fn with_flags(mut self, locked: bool, open_opportunity: bool, level: Option<&str>) -> Self {
        self.custody.locked = locked;
        self.custody.open_opportunity = open_opportunity;
        self.custody.level = level.map(Label::new);
        self
    }

    /// Its id.
    pub fn id(&self) -> ClientId {
        self.id
    }

    /// Display name (the company or person).
    pub fn name(&self) -> &str {
        &self.card.name
    }

    /// The channel it came through.
    pub fn source(&self) -> &Source {
        &self.card.source
    }

    /// Where it is; the world when unknown.
    pub fn region(&self) -> &Region {
        &self.card.region
    }

    /// Its industry, if known.
    pub fn industry(&self) -> Option<&str> {
        self.card.industry.as_deref()
    }

    /// Need and skill tags ("technical", "price-driven", a product line…).
    pub fn tags(&self) -> &[String] {
        &self.card.tags
    }

    /// Lead-score inputs.
    pub fn lead(&self) -> LeadInputs {
        self.card.lead
    }

    /// Normalised keys that identify the company.
    pub fn keys(&self) -> &DedupeKeys {
        &self.card.keys
    }

    /// The text and index hash ([`crate::hash::key_hash`]) of its dedupe key of `kind` (see
    /// [`DedupeKeys::text_of`]): the hash is computed once, for every copy of the client.
    #[inline]
    pub(crate) fn dedupe_key(&self, kind: u8) -> Option<(&str, u64)> {
        let text = self.card.keys.text_of(kind)?;
        Some((text, self.card.hashes.get(kind, text)))
    }

    /// When the client was first recorded.
    pub fn created_at(&self) -> DateTime<Utc> {
        self.card.created_at
    }

    /// The pool it belongs to.
    pub fn pool(&self) -> PoolId {
        self.pool
    }

    /// Its owner, when it is in a private pool; `None` means it is in the public pool.
    pub fn owner(&self) -> Option<RepId> {
        self.owner
    }

    /// Pool life-cycle facts: owner since, timers, release, deal, flags.
    pub fn custody(&self) -> &Custody {
        &self.custody
    }

    /// Every contact logged, oldest first.
    pub fn contacts(&self) -> &[Contact] {
        self.contacts.as_slice()
    }

    /// The earliest pending timer (reminder or release): stores index it so a sweep reads
    /// only what is due.
    pub fn deadline(&self) -> Option<DateTime<Utc>> {
        self.custody.timers.deadline()
    }

    /// True when nobody owns the client.
    pub fn is_public(&self) -> bool {
        self.owner.is_none()
    }

    /// The highest contact level any rep reached, with the latest contact at that level.
    pub fn highest_contact(&self) -> Option<&Contact> {
        self.contacts()
            .iter()
            .max_by(|a, b| a.level.cmp(&b.level).then(a.at.cmp(&b.at)))
    }

    /// The latest contact at or above `level`.
    pub fn latest_contact_at_least(&self, level: ContactLevel) -> Option<&Contact> {
        self.contacts()
            .iter()
            .filter(|c| c.level >= level)
            .max_by_key(|c| c.at)
    }

    /// The rep the deal in force is credited to, if one was marked.
    pub fn deal_owner(&self) -> Option<RepId> {
        self.custody.deal.map(|d| d.credited_to)
    }

    /// Mutable access to the pool-owned parts, for the pool's `evolve` only.
    pub(crate) fn custody_mut(&mut self) -> CustodyMut<'_> {
        CustodyMut {
            pool: &mut self.pool,
            owner: &mut self.owner,
            custody: &mut self.custody,
            contacts: &mut self.contacts,
        }
    }

    /// Sets the owner, for the store conformance suite's fixtures only.
    #[cfg(any(test, feature = "conformance"))]
    pub(crate) fn fixture_set_owner(&mut self, owner: Option<RepId>) {
        self.owner = owner;
    }

    /// Sets the pool, for the store conformance suite's fixtures only.
    #[cfg(any(test, feature = "conformance"))]
    pub(crate) fn fixture_set_pool(&mut self, pool: PoolId) {
        self.pool = pool;
    }

    /// Sets the deadline (as a release due then), for the conformance suite's fixtures only.
    #[cfg(any(test, feature = "conformance"))]
    pub(crate) fn fixture_set_deadline(&mut self, at: Option<DateTime<Utc>>) {
        self.custody.timers = Timers {
            remind_at: None,
            release: at.map(|at| super::ScheduledRelease {
                at,
                cause: super::RecycleCause {
                    rule: super::RecycleKind::NoFollowUp,
                    days: 0,
                },
            }),
        };
    }

    /// The dedupe keys, mutable, for the conformance suite's fixtures only.
    #[cfg(any(test, feature = "conformance"))]
    pub(crate) fn fixture_keys(&mut self) -> &mut DedupeKeys {
        let card = self.card_mut();
        card.hashes.clear();
        &mut card.keys
    }

    /// Makes the client what an import admits: public, in its pool, keeping only the flags a
    /// CRM sets on entry and its history (in place: an import keeps the client's box).
    pub(crate) fn admit(&mut self, at: DateTime<Utc>) {
        let incoming = std::mem::take(&mut self.custody);
        self.owner = None;
        self.custody = Custody {
            pooled_at: Some(at),
            locked: incoming.locked,
            open_opportunity: incoming.open_opportunity,
            level: incoming.level,
            ..Custody::default()
        };
    }
}

/// The pool-owned parts of a client, borrowed for change by the pool's `evolve`.
pub(crate) struct CustodyMut<'a> {
    pub pool: &'a mut PoolId,
    pub owner: &'a mut Option<RepId>,
    pub custody: &'a mut Custody,
    pub contacts: &'a mut ContactLog,
}
