//! Authority as data: the team's departments (who manages whom), and the index the permission
//! rules read, built once per configuration.
//!
//! A department (部门) lists its reps, its managers and the department above it. A manager
//! manages every rep of their departments and of the departments below them, except a rep who
//! manages that department or one above it: never themselves, their peers or their own
//! managers (a head manager listed as a rep of a department below is not managed by that
//! department's manager). Separate department trees are separate: rank is not compared
//! across them. Pools grant membership by rep and by department
//! ([`PoolDef::departments`](super::PoolDef::departments)), and name their admins
//! ([`PoolDef::admins`](super::PoolDef::admins)); the policy's own
//! [`admins`](super::PoolPolicy::admins) administer every pool and the policy.

use crate::config::{ConfigError, ConfigRule};
use crate::ids::{DeptId, PoolId, RepId};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// The departments of a policy, by id.
pub(crate) type Departments = BTreeMap<DeptId, Department>;
/// The pools of a policy, by id.
pub(crate) type Pools = BTreeMap<PoolId, PoolDef>;

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

/// A pool (公海) of a department or product line, and the reps who may work it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PoolDef {
    /// Display name.
    #[serde(default)]
    pub name: String,
    /// Reps who may claim from it and be given its clients. With `departments`, empty in both
    /// means every rep.
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    pub members: BTreeSet<RepId>,
    /// Departments whose reps (and those of the departments below) are members.
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    pub departments: BTreeSet<DeptId>,
    /// The pool's admins (管理员): they assign, transfer, release and flag its clients, and
    /// move clients between pools they administer. They need not be on the team.
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    pub admins: BTreeSet<RepId>,
}

/// Checks a policy's departments on their own: parents and the pools' departments are
/// defined, and no department is its own ancestor.
pub(super) fn validate(departments: &Departments, pools: &Pools) -> Result<(), ConfigError> {
    for (id, dept) in departments {
        if let Some(parent) = dept.parent {
            if !departments.contains_key(&parent) {
                return Err(ConfigError::new(
                    format!("departments.{}.parent", id.0),
                    ConfigRule::UndefinedDept { dept: parent },
                ));
            }
        }
        // A chain longer than the number of departments has gone round a cycle.
        let mut at = dept.parent;
        for _ in 0..departments.len() {
            match at {
                Some(up) if up == *id => {
                    return Err(ConfigError::new(
                        format!("departments.{}.parent", id.0),
                        ConfigRule::Cycle { dept: *id },
                    ));
                }
                Some(up) => at = departments.get(&up).and_then(|d| d.parent),
                None => break,
            }
        }
    }
    for (pool, def) in pools {
        if let Some(dept) = def
            .departments
            .iter()
            .find(|d| !departments.contains_key(d))
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

impl Org {
    /// The index of a policy's departments (validated: parents defined, no cycle).
    pub(crate) fn new(departments: &Departments) -> Self {
        let mut org = Org::default();
        // Bounded by the department count, so a cycle cannot loop (validation refuses one).
        let chain = |from: DeptId| {
            let mut chain = Vec::new();
            let mut at = Some(from);
            while let Some(d) = at.filter(|_| chain.len() < departments.len()) {
                let Some(dept) = departments.get(&d) else {
                    break;
                };
                chain.push((d, dept));
                at = dept.parent;
            }
            chain
        };
        for (id, dept) in departments {
            let chain = chain(*id);
            for rep in &dept.reps {
                org.units
                    .entry(*rep)
                    .or_default()
                    .extend(chain.iter().map(|(d, _)| *d));
                // From the top down: the managers of a department manage the rep unless the rep
                // manages that department or one above it (a head manager listed below is not
                // managed by their subordinates, nor by their peers).
                let mut outranks = false;
                let managers = org.managers.entry(*rep).or_default();
                for (_, unit) in chain.iter().rev() {
                    outranks |= unit.managers.contains(rep);
                    if !outranks {
                        managers.extend(unit.managers.iter().copied());
                    }
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
    #[inline]
    pub(crate) fn is_member(&self, pools: &Pools, rep: RepId, pool: PoolId) -> bool {
        let Some(def) = pools.get(&pool) else {
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

    /// True when `person` administers `pool`: one of the policy's `admins`, or of the pool's.
    pub(crate) fn is_admin(
        admins: &BTreeSet<RepId>,
        pools: &Pools,
        person: RepId,
        pool: PoolId,
    ) -> bool {
        admins.contains(&person)
            || pools
                .get(&pool)
                .is_some_and(|def| def.admins.contains(&person))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dept(parent: Option<u64>, managers: &[u64], reps: &[u64]) -> Department {
        Department {
            name: String::new(),
            parent: parent.map(DeptId),
            managers: managers.iter().copied().map(RepId).collect(),
            reps: reps.iter().copied().map(RepId).collect(),
        }
    }

    /// Sales (managed by 100, rep 3) has East (managed by 10; reps 1, 2 and 10 itself) below.
    fn departments() -> Departments {
        BTreeMap::from([
            (DeptId(1), dept(None, &[100], &[3])),
            (DeptId(2), dept(Some(1), &[10], &[1, 2, 10])),
        ])
    }

    fn pool(departments: &[u64], members: &[u64]) -> PoolDef {
        PoolDef {
            departments: departments.iter().copied().map(DeptId).collect(),
            members: members.iter().copied().map(RepId).collect(),
            ..PoolDef::default()
        }
    }

    #[test]
    fn a_manager_manages_their_departments_and_those_below_but_not_themselves() {
        let org = Org::new(&departments());
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
        let mut departments = departments();
        departments
            .get_mut(&DeptId(2))
            .unwrap()
            .reps
            .insert(RepId(100));
        let org = Org::new(&departments);
        assert!(!org.manages(RepId(10), RepId(100)), "10 is managed by 100");
        assert!(org.manages(RepId(100), RepId(10)));
    }

    #[test]
    fn separate_department_trees_are_not_ranked_against_each_other() {
        // Company (CEO 1) > Sales (X 2) > East (Y 3; reps 10 and X); Projects, on its own, is
        // headed by Y; Key accounts, on its own, by rep 11 of the company.
        let departments = BTreeMap::from([
            (DeptId(1), dept(None, &[1], &[11])),
            (DeptId(2), dept(Some(1), &[2], &[])),
            (DeptId(3), dept(Some(2), &[3], &[10, 2])),
            (DeptId(4), dept(None, &[3], &[])),
            (DeptId(5), dept(None, &[11], &[])),
        ]);
        let org = Org::new(&departments);
        assert!(
            !org.manages(RepId(3), RepId(2)),
            "Y does not manage X, who manages Y"
        );
        assert!(org.manages(RepId(1), RepId(2)), "the CEO manages X");
        assert!(org.manages(RepId(3), RepId(10)));
        assert!(org.manages(RepId(2), RepId(10)));
        assert!(
            org.manages(RepId(1), RepId(11)),
            "heading a separate tree does not lift 11 above the CEO"
        );
    }

    #[test]
    fn pool_membership_by_department_includes_the_departments_below() {
        let pools = Pools::from([(PoolId(5), pool(&[1], &[])), (PoolId(6), pool(&[2], &[7]))]);
        let org = Org::new(&departments());
        assert!(org.is_member(&pools, RepId(1), PoolId(5)));
        assert!(org.is_member(&pools, RepId(3), PoolId(5)));
        assert!(!org.is_member(&pools, RepId(3), PoolId(6)));
        assert!(org.is_member(&pools, RepId(7), PoolId(6)), "by name");
        assert!(!org.is_member(&pools, RepId(8), PoolId(5)));
        assert!(
            org.is_member(&pools, RepId(8), PoolId(9)),
            "an undefined pool is open"
        );
    }

    #[test]
    fn admins_of_the_policy_administer_every_pool_and_a_pools_admins_their_own() {
        let mut export = pool(&[], &[]);
        export.admins.insert(RepId(21));
        let pools = Pools::from([(PoolId(7), export)]);
        let admins = BTreeSet::from([RepId(20)]);
        assert!(Org::is_admin(&admins, &pools, RepId(20), PoolId(0)));
        assert!(Org::is_admin(&admins, &pools, RepId(21), PoolId(7)));
        assert!(!Org::is_admin(&admins, &pools, RepId(21), PoolId(0)));
    }

    #[test]
    fn parents_must_exist_and_not_loop() {
        let mut departments = departments();
        departments.insert(DeptId(3), dept(Some(9), &[], &[]));
        let err = validate(&departments, &Pools::new()).unwrap_err();
        assert_eq!(err.path, "departments.3.parent");
        assert_eq!(err.rule, ConfigRule::UndefinedDept { dept: DeptId(9) });
        departments.insert(DeptId(3), dept(Some(4), &[], &[]));
        departments.insert(DeptId(4), dept(Some(3), &[], &[]));
        let err = validate(&departments, &Pools::new()).unwrap_err();
        assert_eq!(err.rule, ConfigRule::Cycle { dept: DeptId(3) });
        departments.insert(DeptId(4), dept(Some(4), &[], &[]));
        departments.remove(&DeptId(3));
        let err = validate(&departments, &Pools::new()).unwrap_err();
        assert_eq!(err.rule, ConfigRule::Cycle { dept: DeptId(4) });
    }

    #[test]
    fn a_pool_may_only_name_defined_departments() {
        let pools = Pools::from([(PoolId(5), pool(&[8], &[]))]);
        let err = validate(&departments(), &pools).unwrap_err();
        assert_eq!(err.path, "pools.5.departments");
        assert_eq!(err.rule, ConfigRule::UndefinedDept { dept: DeptId(8) });
    }
}
