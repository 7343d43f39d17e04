//! The domain model: clients, reps, sources, regions, contacts, dedupe keys and metrics.
//!
//! Every type here derives serde traits: a CRM stores them as they are.

mod client;
mod contact;
mod dedupe;
mod metrics;
mod region;
mod rep;
mod source;

pub use client::{Client, Custody, LeadInputs, Release, Timers};
pub use contact::{Contact, ContactLevel};
pub use dedupe::{DedupeKey, DedupeKeys, normalize_company, normalize_email, normalize_phone};
pub use metrics::Metrics;
pub use region::Region;
pub use rep::{Availability, Rep, Tier};
pub use source::{Source, SourceKind};
