//! Reps who left or are on leave receive nothing by any route, while their clients can still
//! be moved away (the peers' lesson: inactive reps are never fed leads).
mod pool_support;

use leadpool::allocate::Team;
use leadpool::ids::ClientId;
use leadpool::model::{Availability, Rep};
use leadpool::pool::{Assigner, Command, PoolError, TransferScope};
use leadpool::reason::Refusal;
use pool_support::*;

fn world_with(b_availability: Availability) -> World {
    let team = Team::new([
        Rep::new(A, "active"),
        Rep::new(B, "away").with_availability(b_availability),
    ]);
    World::with_team(team, seed_policy())
}

#[test]
fn a_rep_on_leave_cannot_claim_until_back() {
    let back = day(5);
    let mut w = world_with(Availability::OnLeave { until: back });
    w.import([1]);
    assert_eq!(
        w.claim(1, B, day(1)),
        Err(PoolError::Refused {
            client: ClientId(1),
            rep: B,
            reason: Refusal::Unavailable { until: Some(back) }
        })
    );
    assert_eq!(w.owner(1), None, "a refused claim changes nothing");
    assert_eq!(
        w.state.ledger(B).claims_on(day(1).date_naive()),
        0,
        "nor uses the daily quota"
    );
    w.claim(1, B, back).unwrap();
    assert_eq!(w.owner(1), Some(B));
}

#[test]
fn an_inactive_rep_receives_nothing_by_assignment_transfer_or_handover() {
    let mut w = world_with(Availability::Inactive);
    w.import([1, 2]);
    let manager = Assigner::Manager;
    let refused = w.run(
        Command::Assign {
            client: ClientId(1),
            rep: B,
            by: manager,
        },
        day(1),
    );
    assert_eq!(
        refused,
        Err(PoolError::Refused {
            client: ClientId(1),
            rep: B,
            reason: Refusal::Unavailable { until: None }
        })
    );
    w.claim(2, A, day(1)).unwrap();
    let to_b = Command::Transfer {
        from: A,
        to: B,
        scope: TransferScope::All,
    };
    assert!(matches!(
        w.run(to_b, day(2)),
        Err(PoolError::Refused {
            reason: Refusal::Unavailable { .. },
            ..
        })
    ));
    let handover = Command::Handover {
        client: ClientId(2),
        to: B,
    };
    assert!(matches!(
        w.run(handover, day(200)),
        Err(PoolError::Refused {
            reason: Refusal::Unavailable { .. },
            ..
        })
    ));
    assert_eq!((w.owner(1), w.owner(2)), (None, Some(A)));
}

#[test]
fn a_departed_reps_clients_can_still_be_moved_away() {
    let mut w = World::new(2, seed_policy());
    w.import([1, 2]);
    w.claim(1, B, day(0)).unwrap();
    w.claim(2, B, day(0)).unwrap();
    // B leaves: the team changes, then a manager's one-click move hands everything to A.
    let team = Team::new([
        Rep::new(A, "stays"),
        Rep::new(B, "left").with_availability(Availability::Inactive),
    ]);
    w.run(
        Command::ChangeTeam {
            team: Box::new(team),
        },
        day(1),
    )
    .unwrap();
    assert_eq!(w.holding(B), 2);
    w.run(
        Command::Transfer {
            from: B,
            to: A,
            scope: TransferScope::All,
        },
        day(1),
    )
    .unwrap();
    assert_eq!((w.owner(1), w.owner(2)), (Some(A), Some(A)));
    assert_eq!((w.holding(A), w.holding(B)), (2, 0));
}
