//! The permission matrix's own checks: its rows, the subject read only where a cell reads
//! it, nobody acting for another in claims and follow-ups.

use super::*;

#[test]
fn every_action_has_a_row_and_only_the_system_sweeps() {
    for (row, action) in Action::ALL.iter().enumerate() {
        assert_eq!(*action as usize, row, "{action:?} is declared out of order");
        for kind in ActorKind::ALL {
            assert_eq!(action.grant(kind), MATRIX[row][kind.index()]);
        }
    }
    for kind in ActorKind::ALL {
        let expected = if kind == ActorKind::System {
            Grant::Always
        } else {
            Grant::Never
        };
        assert_eq!(Action::Sweep.grant(kind), expected);
    }
}

/// The subject is built for exactly the cells that read it, and the answer is the cell's
/// own: every action, every kind of actor, subjects naming the actor or someone else.
#[test]
fn the_subject_is_built_only_for_a_cell_that_reads_it() {
    use crate::ids::PoolId;
    use std::cell::Cell;
    let config = Config::default();
    let actors = [
        Actor::Rep(RepId(1)),
        Actor::Manager(RepId(1)),
        Actor::Admin(RepId(1)),
        Actor::System,
    ];
    let subjects = [
        Subject::default(),
        Subject {
            rep: Some(RepId(1)),
            owner: Some(RepId(1)),
            pool: Some(PoolId::DEFAULT),
            to_pool: None,
        },
        Subject {
            rep: Some(RepId(2)),
            owner: Some(RepId(3)),
            pool: Some(PoolId::DEFAULT),
            to_pool: Some(PoolId::DEFAULT),
        },
    ];
    for action in Action::ALL {
        for actor in actors {
            for subject in subjects {
                let built = Cell::new(false);
                let answer = permit(&config, actor, action, || {
                    built.set(true);
                    subject
                });
                let grant = action.grant(actor.kind());
                // Read by every cell a person may hold: not by one that always grants,
                // never grants, or grants people only (asked by the system).
                let reads =
                    !matches!(grant, Grant::Always | Grant::Never) && actor.person().is_some();
                assert_eq!(built.get(), reads, "{action:?} {actor:?}");
                let expected = match grant {
                    Grant::Always => Ok(()),
                    grant => permit_grant(&config, actor, action, grant, || subject),
                };
                assert_eq!(answer, expected, "{action:?} {actor:?} {subject:?}");
            }
        }
    }
}

#[test]
fn no_person_acts_for_another_in_claims_and_follow_ups() {
    for action in [Action::Claim, Action::FollowUp] {
        assert_eq!(action.grant(ActorKind::Rep), Grant::Themselves);
        for kind in [ActorKind::Manager, ActorKind::Admin, ActorKind::System] {
            assert_eq!(action.grant(kind), Grant::Never, "{action:?} by {kind:?}");
        }
    }
}
