//! The domain model: clients, reps, sources, regions, contacts, dedupe keys and metrics.
//!
//! Every type here derives serde traits: a CRM stores them as they are.

mod client;
mod contact;
mod contact_log;
mod dedupe;
mod ledger;
mod metrics;
mod region;
mod release;
mod rep;
mod source;

pub(crate) use client::CustodyMut;
pub use client::{Client, Custody, Deal, LeadInputs};
pub use contact::{Contact, ContactLevel};
pub(crate) use contact_log::ContactLog;
pub use dedupe::{DedupeKey, DedupeKeys, normalize_company, normalize_email, normalize_phone};
pub use ledger::RepLedger;
pub use metrics::{CustomMetric, Metric, Metrics};
pub use region::Region;
pub use release::{RecycleCause, RecycleKind, Release, ReleaseReason, ScheduledRelease, Timers};
pub use rep::{Availability, Rep, Tier};
pub use source::{Source, SourceKind};
