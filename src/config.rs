//! Configuration as a contract: every policy and team is validated when it is loaded or
//! built, and a refusal is a [`ConfigError`] naming the field path and the rule it broke.
//!
//! The serde forms of [`PoolPolicy`](crate::pool::PoolPolicy),
//! [`Policy`](crate::allocate::Policy) and [`Team`](crate::allocate::Team) deny unknown fields
//! (a misspelt `"private_capp"` is an error, not a pool without a cap) and validate on
//! deserialisation; [`Config::new`](crate::pool::Config::new) checks the policy against the
//! team (pool members and cap overrides must be reps of the team).

use crate::ids::{DeptId, PoolId, RepId};
use std::fmt;
use thiserror::Error;

/// The largest weight a configuration may give a factor or a metric. Scores stay finite for
/// any finite metric value below about 1e300.
pub(crate) const MAX_WEIGHT: f64 = 1e6;

/// A configuration was refused: `path` names the field (e.g. `pools.7.members`,
/// `routes.website.chain[0].weights.inquiries`), `rule` what is wrong with it.
#[derive(Clone, Debug, PartialEq, Error)]
#[error("{path}: {rule}")]
pub struct ConfigError {
    /// Where in the configuration, as a dotted path (`[i]` for list positions).
    pub path: String,
    /// The rule the value broke.
    pub rule: ConfigRule,
}

/// The rule a refused configuration value broke.
#[derive(Clone, Debug, PartialEq, Error)]
#[non_exhaustive]
pub enum ConfigRule {
    /// A pool is named but not defined in `pools`.
    #[error("{pool} is not defined in `pools`")]
    UndefinedPool {
        /// The pool named.
        pool: PoolId,
    },
    /// A rep is named who is not on the team.
    #[error("{rep} is not on the team")]
    UnknownRep {
        /// The rep named.
        rep: RepId,
    },
    /// The same rep appears twice in a team.
    #[error("{rep} appears more than once")]
    DuplicateRep {
        /// The rep.
        rep: RepId,
    },
    /// A number is NaN or infinite.
    #[error("must be a finite number, got {value}")]
    NotFinite {
        /// The value given.
        value: f64,
    },
    /// A number is outside its allowed range.
    #[error("must be between {min} and {max}, got {value}")]
    OutOfRange {
        /// The value given.
        value: f64,
        /// The smallest allowed.
        min: f64,
        /// The largest allowed.
        max: f64,
    },
    /// A list or name that must not be empty is.
    #[error("must not be empty")]
    Empty,
    /// A department is named but not defined in `departments`.
    #[error("{dept} is not defined in `departments`")]
    UndefinedDept {
        /// The department named.
        dept: DeptId,
    },
    /// A department is its own ancestor.
    #[error("{dept} is its own ancestor")]
    Cycle {
        /// A department on the cycle.
        dept: DeptId,
    },
    /// A name is used twice where names must be unique.
    #[error("{name:?} is used more than once")]
    Duplicate {
        /// The name.
        name: String,
    },
}

impl ConfigError {
    /// A refusal of the value at `path`.
    pub fn new(path: impl Into<String>, rule: ConfigRule) -> Self {
        Self {
            path: path.into(),
            rule,
        }
    }

    /// The same refusal one level down: `prefix.path`.
    pub fn under(mut self, prefix: &str) -> Self {
        self.path = join(prefix, &self.path);
        self
    }
}

/// `prefix.field`, or `field` alone when the prefix is empty; list positions (`[i]`) attach
/// without a dot.
pub(crate) fn join(prefix: &str, field: &str) -> String {
    match (
        prefix.is_empty(),
        field.starts_with('[') || field.is_empty(),
    ) {
        (true, _) => field.to_owned(),
        (false, true) => format!("{prefix}{field}"),
        (false, false) => format!("{prefix}.{field}"),
    }
}

/// Checks a weight: finite and within `0..=MAX_WEIGHT`.
pub(crate) fn check_weight(path: impl fmt::Display, value: f64) -> Result<(), ConfigError> {
    if !value.is_finite() {
        return Err(ConfigError::new(
            path.to_string(),
            ConfigRule::NotFinite { value },
        ));
    }
    check_range(path, value, 0.0, MAX_WEIGHT)
}

/// Checks that `value` lies in `min..=max`.
pub(crate) fn check_range(
    path: impl fmt::Display,
    value: f64,
    min: f64,
    max: f64,
) -> Result<(), ConfigError> {
    if (min..=max).contains(&value) {
        Ok(())
    } else {
        Err(ConfigError::new(
            path.to_string(),
            ConfigRule::OutOfRange { value, min, max },
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_join_with_dots_and_attach_list_positions() {
        assert_eq!(join("", "pools"), "pools");
        assert_eq!(join("routes.website", "chain"), "routes.website.chain");
        assert_eq!(join("chain", "[2]"), "chain[2]");
        let e = ConfigError::new("weights.x", ConfigRule::Empty).under("chain[0]");
        assert_eq!(e.path, "chain[0].weights.x");
        assert_eq!(e.to_string(), "chain[0].weights.x: must not be empty");
    }

    #[test]
    fn weights_must_be_finite_and_bounded() {
        assert!(check_weight("w", 0.0).is_ok());
        assert!(check_weight("w", MAX_WEIGHT).is_ok());
        assert!(matches!(
            check_weight("w", f64::NAN).unwrap_err().rule,
            ConfigRule::NotFinite { .. }
        ));
        assert!(matches!(
            check_weight("w", 1e308).unwrap_err().rule,
            ConfigRule::OutOfRange { .. }
        ));
        assert!(check_weight("w", -1.0).is_err());
    }
}
