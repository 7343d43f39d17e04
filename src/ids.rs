//! Identifier newtypes: cheap to copy, hash and order, serialised as bare numbers.

use serde::{Deserialize, Serialize};
use std::fmt;

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident, $prefix:literal) => {
        $(#[$doc])*
        #[derive(
            Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
        )]
        #[serde(transparent)]
        pub struct $name(pub u64);

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, concat!($prefix, "{}"), self.0)
            }
        }

        impl From<u64> for $name {
            fn from(raw: u64) -> Self {
                Self(raw)
            }
        }
    };
}

id_type!(
    /// Identifies a client (customer or lead).
    ClientId,
    "client#"
);
id_type!(
    /// Identifies a rep (salesperson).
    RepId,
    "rep#"
);
id_type!(
    /// Identifies a pool (公海): a team may run several, per department or product line.
    PoolId,
    "pool#"
);

impl PoolId {
    /// The pool that clients enter when no other pool is named.
    pub const DEFAULT: PoolId = PoolId(0);
}
id_type!(
    /// Identifies a department (部门) of the team's organisation: the unit pool membership
    /// and management are granted by (see [`crate::pool::Department`]).
    DeptId,
    "dept#"
);
