//! The naive baselines: what a CRM writes without indexes, a linear scan over every rep or
//! client, recomputed per call. Built only into the benchmark programs (never into the crate),
//! and shared by the criterion groups and the instruction-count program so both compare against
//! the same code.
#![allow(dead_code)]

pub mod allocate;
pub mod day;
pub mod sweep;
