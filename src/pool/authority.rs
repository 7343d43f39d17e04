//! Authority as data: the team's departments (who manages whom), and the index the permission
//! rules read, built once per configuration.
//!
//! A department (部门) lists its reps, its managers and the department above it. A manager
//! manages every rep of their departments and of the departments below them, never themselves
//! and never someone who manages a department as high as theirs or higher (a head manager
//! listed as a rep of a department below is not managed by that department's manager). Pools grant membership by rep and by department
//! ([`PoolDef::departments`](super::PoolDef::departments)), and name their admins
//! ([`PoolDef::admins`](super::PoolDef::admins)); the policy's own
//! [`admins`](super::PoolPolicy::admins) administer every pool and the policy.

use super::policy::PoolPolicy;
use crate::config::{ConfigError, ConfigRule};
use crate::ids::{DeptId, PoolId, RepId};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// A department (部门): its reps, its managers, the department above it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Department {
    /// Display name.
    #[serde(default)]
    pub name: String,
    /// The department above, whose managers manage this one's reps too.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<DeptId>,
    /// Who manages the department's reps (and those of the departments below). They need not
    /// be on the team.
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    pub managers: BTreeSet<RepId>,
    /// The reps of the department (each on the team).
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    pub reps: BTreeSet<RepId>,
}

/// Checks the departments of `policy` on their own: parents and the pools' departments are
/// defined, and no department is its own ancestor.
pub(super) fn validate(policy: &PoolPolicy) -> Result<(), ConfigError> {
    for (id, dept) in &policy.departments {
        if let Some(parent) = dept.parent {
            if !policy.departments.contains_key(&parent) {
                return Err(ConfigError::new(
                    format!("departments.{}.parent", id.0),
                    ConfigRule::UndefinedDept { dept: parent },
                ));
            }
        }
        // A chain longer than the number of departments has gone round a cycle.
        let mut at = dept.parent;
        for _ in 0..policy.departments.len() {
            match at {
                Some(up) if up == *id => {
                    return Err(ConfigError::new(
                        format!("departments.{}.parent", id.0),
                        ConfigRule::Cycle { dept: *id },
                    ));
                }
                Some(up) => at = policy.departments.get(&up).and_then(|d| d.parent),
                None => break,
            }
        }
    }
    for (pool, def) in &policy.pools {
        if let Some(dept) = def
            .departments
            .iter()
            .find(|d| !policy.departments.contains_key(d))
        {
            return Err(ConfigError::new(
                format!("pools.{}.departments", pool.0),
                ConfigRule::UndefinedDept { dept: *dept },
            ));
        }
    }
    Ok(())
}

/// Who belongs to and who manages whom, per rep, resolved through the department tree once per
/// configuration: the permission and membership rules look a rep up instead of walking it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Org {
    /// Each rep's departments and every department above them, ascending.
    units: BTreeMap<RepId, Vec<DeptId>>,
    /// Each rep's managers (of those departments), ascending, never the rep.
    managers: BTreeMap<RepId, Vec<RepId>>,
}

/// Each manager's rank: the depth (0 at the top) of the highest department they manage.
fn ranks(policy: &PoolPolicy) -> BTreeMap<RepId, usize> {
    let mut rank = BTreeMap::new();
    for (id, dept) in &policy.departments {
        let mut depth = 0;
        let mut at = policy.departments.get(id).and_then(|d| d.parent);
        while let Some(up) = at {
            if depth >= policy.departments.len() {
                break;
            }
            depth += 1;
            at = policy.departments.get(&up).and_then(|d| d.parent);
        }
        for manager in &dept.managers {
            let best = rank.entry(*manager).or_insert(depth);
            *best = (*best).min(depth);
        }
    }
    rank
}

impl Org {
    /// The index of `policy`'s departments (validated: parents defined, no cycle).
    pub(crate) fn new(policy: &PoolPolicy) -> Self {
        let mut org = Org::default();
        for (id, dept) in &policy.departments {
            for rep in &dept.reps {
                let mut at = Some(*id);
                // Bounded by the department count, so a cycle cannot loop (validation refuses
                // one anyway).
                for _ in 0..policy.departments.len() {
                    let Some(unit) = at.and_then(|d| policy.departments.get(&d).map(|x| (d, x)))
                    else {
                        break;
                    };
                    org.units.entry(*rep).or_default().push(unit.0);
                    let managers = org.managers.entry(*rep).or_default();
                    managers.extend(unit.1.managers.iter().filter(|m| *m != rep));
                    at = unit.1.parent;
                }
            }
        }
        for list in org.units.values_mut() {
            list.sort_unstable();
            list.dedup();
        }
        for list in org.managers.values_mut() {
            list.sort_unstable();
            list.dedup();
        }
        // Nobody is managed by someone of their own rank or below: a head manager listed as a
        // rep of a department below is not managed by that department's manager.
        let rank = ranks(policy);
        for (rep, list) in org.managers.iter_mut() {
            if let Some(own) = rank.get(rep) {
                list.retain(|m| rank.get(m).is_some_and(|theirs| theirs < own));
            }
        }
        org
    }

    /// True when `manager` manages `rep` (through any department, never themselves).
    pub(crate) fn manages(&self, manager: RepId, rep: RepId) -> bool {
        self.managers
            .get(&rep)
            .is_some_and(|list| list.binary_search(&manager).is_ok())
    }

    /// True when `rep` may work clients of `pool`: the pool is open to every rep, or names the
    /// rep, or one of the rep's departments (or one above them).
    pub(crate) fn is_member(&self, policy: &PoolPolicy, rep: RepId, pool: PoolId) -> bool {
        let Some(def) = policy.pools.get(&pool) else {
            return true;
        };
        if def.members.is_empty() && def.departments.is_empty() {
            return true;
        }
        def.members.contains(&rep)
            || self
                .units
                .get(&rep)
                .is_some_and(|units| units.iter().any(|d| def.departments.contains(d)))
    }

    /// True when `person` administers `pool`: an admin of the policy, or of the pool.
    pub(crate) fn is_admin(policy: &PoolPolicy, person: RepId, pool: PoolId) -> bool {
        policy.admins.contains(&person)
            || policy
                .pools
                .get(&pool)
                .is_some_and(|def| def.admins.contains(&person))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pool::PoolDef;

    fn dept(parent: Option<u64>, managers: &[u64], reps: &[u64]) -> Department {
        Department {
            name: String::new(),
            parent: parent.map(DeptId),
            managers: managers.iter().copied().map(RepId).collect(),
            reps: reps.iter().copied().map(RepId).collect(),
        }
    }

    /// Sales (managed by 100) has East (managed by 10, reps 1 and 2, and 10 itself) below it.
    fn policy() -> PoolPolicy {
        PoolPolicy {
            departments: BTreeMap::from([
                (DeptId(1), dept(None, &[100], &[3])),
                (DeptId(2), dept(Some(1), &[10], &[1, 2, 10])),
            ]),
            ..PoolPolicy::default()
        }
    }

    #[test]
    fn a_manager_manages_their_departments_and_those_below_but_not_themselves() {
        let org = Org::new(&policy());
        assert!(org.manages(RepId(10), RepId(1)));
        assert!(
            org.manages(RepId(100), RepId(1)),
            "from the department above"
        );
        assert!(
            org.manages(RepId(100), RepId(10)),
            "the manager's own manager"
        );
        assert!(!org.manages(RepId(10), RepId(10)), "never themselves");
        assert!(
            !org.manages(RepId(10), RepId(3)),
            "not the department above"
        );
        assert!(!org.manages(RepId(1), RepId(2)), "reps manage nobody");
    }

    #[test]
    fn a_head_manager_listed_below_is_not_managed_by_their_subordinate() {
        let mut policy = policy();
        policy
            .departments
            .get_mut(&DeptId(2))
            .unwrap()
            .reps
            .insert(RepId(100));
        let org = Org::new(&policy);
        assert!(!org.manages(RepId(10), RepId(100)), "10 is managed by 100");
        assert!(org.manages(RepId(100), RepId(10)));
    }

    #[test]
    fn pool_membership_by_department_includes_the_departments_below() {
        let mut policy = policy();
        policy.pools.insert(
            PoolId(5),
            PoolDef {
                departments: BTreeSet::from([DeptId(1)]),
                ..PoolDef::default()
            },
        );
        policy.pools.insert(
            PoolId(6),
            PoolDef {
                departments: BTreeSet::from([DeptId(2)]),
                members: BTreeSet::from([RepId(7)]),
                ..PoolDef::default()
            },
        );
        let org = Org::new(&policy);
        assert!(org.is_member(&policy, RepId(1), PoolId(5)));
        assert!(org.is_member(&policy, RepId(3), PoolId(5)));
        assert!(!org.is_member(&policy, RepId(3), PoolId(6)));
        assert!(org.is_member(&policy, RepId(7), PoolId(6)), "by name");
        assert!(!org.is_member(&policy, RepId(8), PoolId(5)));
        assert!(
            org.is_member(&policy, RepId(8), PoolId(9)),
            "an undefined pool is open"
        );
    }

    #[test]
    fn parents_must_exist_and_not_loop() {
        let mut policy = policy();
        policy
            .departments
            .insert(DeptId(3), dept(Some(9), &[], &[]));
        let err = validate(&policy).unwrap_err();
        assert_eq!(err.path, "departments.3.parent");
        assert_eq!(err.rule, ConfigRule::UndefinedDept { dept: DeptId(9) });
        policy
            .departments
            .insert(DeptId(3), dept(Some(4), &[], &[]));
        policy
            .departments
            .insert(DeptId(4), dept(Some(3), &[], &[]));
        let err = validate(&policy).unwrap_err();
        assert_eq!(err.rule, ConfigRule::Cycle { dept: DeptId(3) });
        policy
            .departments
            .insert(DeptId(4), dept(Some(4), &[], &[]));
        policy.departments.remove(&DeptId(3));
        let err = validate(&policy).unwrap_err();
        assert_eq!(err.rule, ConfigRule::Cycle { dept: DeptId(4) });
    }

    #[test]
    fn a_pool_may_only_name_defined_departments() {
        let mut policy = policy();
        policy.pools.insert(
            PoolId(5),
            PoolDef {
                departments: BTreeSet::from([DeptId(8)]),
                ..PoolDef::default()
            },
        );
        policy.default_pool = PoolId(5);
        let err = validate(&policy).unwrap_err();
        assert_eq!(err.path, "pools.5.departments");
        assert_eq!(err.rule, ConfigRule::UndefinedDept { dept: DeptId(8) });
    }
}
