//! Who may do what: the whole permission matrix, cell by cell, read from the same table README
//! shows (`Action::grant`). For every action and every kind of actor, one actor who holds the
//! cell's authority is accepted and one who lacks it is refused with a `Forbidden` naming the
//! actor, the action and the missing authority, and the refused command changes nothing.

mod pool_support;

use leadpool::ManualClock;
use leadpool::i18n::{Lang, Render};
use leadpool::ids::{ClientId, DeptId, PoolId, RepId};
use leadpool::model::{ContactLevel, Rep};
use leadpool::pool::admission::PermissionMatrix;
use leadpool::pool::{
    Action, Actor, ActorKind, Assigner, Command, Department, Event, Flag, Forbidden, Grant, Need,
    PoolDef, PoolError, PoolPolicy, TransferScope,
};
use leadpool::pool::{Config, Pool};
use leadpool::store::{MemoryStore, Store};
use leadpool::txn::Footprint;
use pool_support::{A, B, C, World, client, day, t0};
use std::collections::BTreeMap;

/// Manager M runs the sales department (reps A and B) and through it the one below (rep C),
/// which manager N runs.
const M: RepId = RepId(10);
const N: RepId = RepId(11);
/// P administers the policy and every pool; X only the export pool; Y no pool at all (an admin
/// by title, of nothing here).
const P: RepId = RepId(20);
const X: RepId = RepId(21);
const Y: RepId = RepId(22);
const EXPORT: PoolId = PoolId(7);
/// Client 1 is public in the default pool; client 2 is A's, in the default pool, held long
/// enough to be handed over on day 100.
const PUBLIC: ClientId = ClientId(1);
const OWNED: ClientId = ClientId(2);

fn policy() -> PoolPolicy {
    let sales = Department {
        name: "sales".into(),
        managers: [M].into(),
        reps: [A, B].into(),
        ..Department::default()
    };
    let south = Department {
        name: "south".into(),
        parent: Some(DeptId(1)),
        managers: [N].into(),
        reps: [C].into(),
    };
    let export = PoolDef {
        name: "export".into(),
        departments: [DeptId(2)].into(),
        admins: [X].into(),
        ..PoolDef::default()
    };
    PoolPolicy {
        admins: [P].into(),
        departments: BTreeMap::from([(DeptId(1), sales), (DeptId(2), south)]),
        pools: BTreeMap::from([(PoolId::DEFAULT, PoolDef::default()), (EXPORT, export)]),
        reps_transfer_own: true,
        handover_after_days: 90,
        ..PoolPolicy::default()
    }
}

fn world() -> World {
    let team =
        leadpool::allocate::Team::new([Rep::new(A, "A"), Rep::new(B, "B"), Rep::new(C, "C")]);
    let mut w = World::with_team(team, policy());
    w.import([PUBLIC.0, OWNED.0]);
    w.claim(OWNED.0, A, t0()).expect("A claims client 2");
    w
}

/// The command for `action`, about rep A: A claims, is assigned, releases, follows up or
/// closes; A's client 2 is transferred or handed over to B, locked, moved; client 9 is imported
/// into the export pool.
fn command(action: Action) -> Command {
    match action {
        Action::Import => Command::Import {
            client: Box::new(client(9).with_pool(EXPORT)),
        },
        // A migrated client whose history says B visited it (which would protect it from A).
        Action::ImportHistory => Command::Import {
            client: Box::new(client(9).with_pool(EXPORT).with_history([
                leadpool::model::Contact {
                    rep: B,
                    level: ContactLevel::Visit,
                    at: t0(),
                    note: "visited before the migration".into(),
                },
            ])),
        },
        Action::Claim => Command::Claim {
            client: PUBLIC,
            rep: A,
        },
        Action::Assign => Command::Assign {
            client: PUBLIC,
            rep: A,
            by: Assigner::Manager,
        },
        Action::AssignByRule => Command::Assign {
            client: PUBLIC,
            rep: A,
            by: Assigner::Rule {
                explanation: Box::new(leadpool::allocate::Explanation::new(
                    leadpool::reason::Step::NamedRep { rep: A },
                )),
            },
        },
        Action::Transfer => Command::Transfer {
            from: A,
            to: B,
            scope: TransferScope::Only(vec![OWNED]),
        },
        Action::Handover => Command::Handover {
            client: OWNED,
            to: B,
        },
        Action::FollowUp => Command::FollowUp {
            client: OWNED,
            rep: A,
            level: ContactLevel::Phone,
            note: String::new(),
        },
        Action::Release => Command::Release {
            client: OWNED,
            rep: A,
            note: "moved abroad".into(),
        },
        Action::MarkDeal => Command::MarkDeal {
            client: OWNED,
            closed_by: A,
        },
        Action::SetFlag => Command::SetFlag {
            client: OWNED,
            flag: Flag::Locked(true),
        },
        Action::MovePool => Command::MovePool {
            client: PUBLIC,
            to: EXPORT,
        },
        Action::ChangePolicy => Command::ChangePolicy {
            policy: Box::new(PoolPolicy {
                private_cap: Some(10),
                ..policy()
            }),
        },
        Action::ChangeTeam => Command::ChangeTeam {
            team: Box::new(leadpool::allocate::Team::new([
                Rep::new(A, "A"),
                Rep::new(B, "B"),
                Rep::new(C, "C"),
                Rep::new(RepId(4), "D"),
            ])),
        },
        Action::Sweep => Command::Sweep,
        other => panic!("no scenario for {other:?}"),
    }
}

/// The pool the command's client is in.
fn pool_of(action: Action) -> PoolId {
    match action {
        Action::Import | Action::ImportHistory => EXPORT,
        _ => PoolId::DEFAULT,
    }
}

/// An actor of `kind` who holds `grant` for `action`'s command, if anyone of that kind can.
fn holder(grant: Grant, action: Action) -> Option<Actor> {
    Some(match grant {
        Grant::Never => return None,
        Grant::Always => Actor::System,
        Grant::Themselves | Grant::TheirOwnIfAllowed => Actor::Rep(A),
        Grant::MemberOfPool => Actor::Rep(C),
        Grant::AdminOfPool if pool_of(action) == EXPORT => Actor::Admin(X),
        Grant::AdminOfPool
        | Grant::AdminOfBothPools
        | Grant::AdminNotOwner
        | Grant::PolicyAdmin => Actor::Admin(P),
        Grant::ManagerOfRep | Grant::ManagerOfOwner | Grant::ManagerOfBoth => Actor::Manager(M),
        other => panic!("no holder for {other:?}"),
    })
}

/// An actor of `kind` who lacks `grant` for `action`'s command, and the authority they lack.
fn lacker(grant: Grant, kind: ActorKind, action: Action) -> Option<(Actor, Need)> {
    Some(match grant {
        Grant::Always => return None,
        Grant::Never => (
            match kind {
                ActorKind::Rep => Actor::Rep(A),
                ActorKind::Manager => Actor::Manager(M),
                ActorKind::Admin => Actor::Admin(P),
                ActorKind::System => Actor::System,
            },
            Need::AnotherRole,
        ),
        Grant::Themselves | Grant::TheirOwnIfAllowed => {
            (Actor::Rep(B), Need::Themselves { rep: A })
        }
        Grant::MemberOfPool => (Actor::Rep(A), Need::MemberOf { pool: EXPORT }),
        Grant::AdminOfPool | Grant::AdminNotOwner => (
            Actor::Admin(Y),
            Need::AdminOf {
                pool: pool_of(action),
            },
        ),
        Grant::AdminOfBothPools => (
            Actor::Admin(X),
            Need::AdminOf {
                pool: PoolId::DEFAULT,
            },
        ),
        Grant::PolicyAdmin => (Actor::Admin(X), Need::PolicyAdmin),
        Grant::ManagerOfRep | Grant::ManagerOfOwner | Grant::ManagerOfBoth => {
            (Actor::Manager(N), Need::ManagerOf { rep: A })
        }
        other => panic!("no lacker for {other:?}"),
    })
}

#[test]
fn every_cell_of_the_matrix_admits_its_holder_and_forbids_the_rest() {
    let mut checked = 0;
    for action in Action::ALL {
        for kind in ActorKind::ALL {
            let grant = action.grant(kind);
            if let Some(actor) = holder(grant, action) {
                assert_eq!(
                    actor.kind(),
                    kind,
                    "{action:?}: the holder asks as a {kind:?}"
                );
                let mut w = world();
                let events = w
                    .run_as(actor, command(action), day(100))
                    .unwrap_or_else(|e| panic!("{action:?} by {actor:?} ({grant:?}): {e}"));
                assert!(
                    events.iter().all(|e| e.actor() == actor),
                    "{action:?}: every event records who asked"
                );
                checked += 1;
            }
            if let Some((actor, needs)) = lacker(grant, kind, action) {
                assert_eq!(
                    actor.kind(),
                    kind,
                    "{action:?}: the lacker asks as a {kind:?}"
                );
                let mut w = world();
                let before = w.state.clone();
                let refused = w.run_as(actor, command(action), day(100));
                let expected = Forbidden {
                    actor,
                    action,
                    needs,
                };
                assert_eq!(
                    refused,
                    Err(PoolError::Forbidden(expected)),
                    "{action:?} by {actor:?}"
                );
                assert_eq!(w.state, before, "{action:?} by {actor:?} changed the state");
                checked += 1;
            }
        }
    }
    let both = Action::ALL
        .iter()
        .flat_map(|a| ActorKind::ALL.map(|k| a.grant(k)))
        .filter(|g| !matches!(g, Grant::Never | Grant::Always))
        .count();
    assert_eq!(
        checked,
        15 * 4 + both,
        "every cell checked, both ways where it has two"
    );
}

#[test]
fn reps_move_their_own_clients_only_where_the_policy_allows() {
    let mut w = world();
    let mut closed = policy();
    closed.reps_transfer_own = false;
    w.run_as(
        Actor::Admin(P),
        Command::ChangePolicy {
            policy: Box::new(closed),
        },
        day(1),
    )
    .unwrap();
    for action in [Action::Transfer, Action::Handover] {
        let refused = w.run_as(Actor::Rep(A), command(action), day(100));
        assert_eq!(
            refused,
            Err(PoolError::Forbidden(Forbidden {
                actor: Actor::Rep(A),
                action,
                needs: Need::OwnTransfersAllowed,
            }))
        );
    }
}

#[test]
fn nobody_flags_their_own_client_not_even_an_admin() {
    // P, an admin of every pool, also sells: a client P owns may not be locked by P.
    let team = leadpool::allocate::Team::new([Rep::new(A, "A"), Rep::new(P, "P")]);
    let mut w = World::with_team(
        team,
        PoolPolicy {
            admins: [P].into(),
            ..PoolPolicy::default()
        },
    );
    w.import([1]);
    w.claim(1, P, t0()).unwrap();
    let lock = || Command::SetFlag {
        client: ClientId(1),
        flag: Flag::Locked(true),
    };
    assert_eq!(
        w.run_as(Actor::Admin(P), lock(), day(1)),
        Err(PoolError::Forbidden(Forbidden {
            actor: Actor::Admin(P),
            action: Action::SetFlag,
            needs: Need::NotTheOwner { owner: P },
        }))
    );
    assert_eq!(
        w.run_as(Actor::Rep(P), lock(), day(1)).unwrap_err(),
        PoolError::Forbidden(Forbidden {
            actor: Actor::Rep(P),
            action: Action::SetFlag,
            needs: Need::AnotherRole,
        })
    );
    assert!(!w.state.client(ClientId(1)).unwrap().custody().locked());
}

#[test]
fn a_managers_own_clients_are_not_theirs_to_assign_or_flag() {
    // M manages the sales department and is listed among its reps: never their own manager.
    let mut policy = policy();
    policy
        .departments
        .get_mut(&DeptId(1))
        .unwrap()
        .reps
        .insert(M);
    let team = leadpool::allocate::Team::new([
        Rep::new(A, "A"),
        Rep::new(B, "B"),
        Rep::new(C, "C"),
        Rep::new(M, "M"),
    ]);
    let mut w = World::with_team(team, policy);
    w.import([1]);
    let assign = Command::Assign {
        client: ClientId(1),
        rep: M,
        by: Assigner::Manager,
    };
    assert_eq!(
        w.run_as(Actor::Manager(M), assign, day(1)).unwrap_err(),
        PoolError::Forbidden(Forbidden {
            actor: Actor::Manager(M),
            action: Action::Assign,
            needs: Need::ManagerOf { rep: M },
        })
    );
    w.claim(1, M, day(1)).unwrap();
    let lock = Command::SetFlag {
        client: ClientId(1),
        flag: Flag::Locked(true),
    };
    assert_eq!(
        w.run_as(Actor::Manager(M), lock, day(1)).unwrap_err(),
        PoolError::Forbidden(Forbidden {
            actor: Actor::Manager(M),
            action: Action::SetFlag,
            needs: Need::ManagerOf { rep: M },
        })
    );
}

#[test]
fn a_pool_admin_administers_their_pool_only() {
    let mut w = world();
    w.import([5]);
    w.run_as(
        Actor::Admin(P),
        Command::MovePool {
            client: ClientId(5),
            to: EXPORT,
        },
        day(1),
    )
    .unwrap();
    // X administers the export pool: may give its clients to C (a member), not pool 0's.
    let to_c = |id| Command::Assign {
        client: ClientId(id),
        rep: C,
        by: Assigner::Manager,
    };
    w.run_as(Actor::Admin(X), to_c(5), day(2)).unwrap();
    assert_eq!(w.owner(5), Some(C));
    assert!(matches!(
        w.run_as(Actor::Admin(X), to_c(1), day(2)),
        Err(PoolError::Forbidden(Forbidden {
            needs: Need::AdminOf {
                pool: PoolId::DEFAULT
            },
            ..
        }))
    ));
    // Membership by department: A (sales) may not take an export client; C (south) may.
    assert!(w.state.config().is_member(C, EXPORT));
    assert!(!w.state.config().is_member(A, EXPORT));
}

#[test]
fn a_policy_change_must_leave_an_admin() {
    let mut w = world();
    let orphan = PoolPolicy {
        admins: Default::default(),
        ..policy()
    };
    let refused = w
        .run_as(
            Actor::Admin(P),
            Command::ChangePolicy {
                policy: Box::new(orphan),
            },
            day(1),
        )
        .unwrap_err();
    assert!(
        matches!(refused, PoolError::Config(ref e) if e.path == "admins"),
        "{refused}"
    );
}

#[test]
fn events_record_the_actor_and_replay_to_the_same_state() {
    let mut w = world();
    w.run_as(Actor::Manager(M), command(Action::Assign), day(1))
        .unwrap();
    w.run_as(Actor::Manager(M), command(Action::SetFlag), day(1))
        .unwrap();
    let last: Vec<Actor> = w.log.iter().rev().take(2).map(Event::actor).collect();
    assert_eq!(last, [Actor::Manager(M), Actor::Manager(M)]);
    let json = serde_json::to_string(w.log.last().unwrap()).unwrap();
    assert!(
        json.contains(r#""actor":{"kind":"manager","id":10}"#),
        "{json}"
    );
    assert_eq!(w.replayed(), w.state);
}

#[test]
fn readme_and_the_module_docs_show_the_matrix_the_code_decides() {
    let table = PermissionMatrix.render(Lang::En).to_string();
    let readme = include_str!("../README.md");
    assert!(
        readme.contains(&table),
        "README's matrix differs; it should read:\n{table}"
    );
    let docs: String = include_str!("../src/pool/admission/permission.rs")
        .lines()
        .filter_map(|l| l.strip_prefix("//! "))
        .filter(|l| l.starts_with('|'))
        .map(|l| format!("{l}\n"))
        .collect();
    assert_eq!(docs, table, "the admission module's matrix differs");
    let zh = PermissionMatrix.render(Lang::ZhCn).to_string();
    assert!(
        readme.contains(&zh),
        "README's Chinese matrix differs; it should read:\n{zh}"
    );
}

/// Everything a store holds that a command could change: every client row (with its timers and
/// version), every ledger, the log's length.
fn stored(pool: &Pool<MemoryStore, ManualClock>) -> (Vec<String>, Vec<String>, usize) {
    let clients = pool
        .store()
        .clients()
        .iter()
        .map(|c| format!("{c:?}"))
        .collect();
    let reps = [A, B, C, RepId(4)];
    let snapshot = pool
        .store()
        .load(&Footprint::config().with_reps(reps))
        .unwrap();
    let ledgers = snapshot.ledgers().map(|l| format!("{l:?}")).collect();
    let log = pool.store().events(0, usize::MAX).unwrap().len();
    (clients, ledgers, log)
}

#[test]
fn a_command_by_an_actor_without_the_authority_changes_nothing_in_the_store() {
    use proptest::prelude::*;
    use proptest::test_runner::{Config as Cases, TestRunner};
    let actors = [
        Actor::Rep(A),
        Actor::Rep(B),
        Actor::Rep(C),
        Actor::Manager(M),
        Actor::Manager(N),
        Actor::Admin(P),
        Actor::Admin(X),
        Actor::Admin(Y),
        Actor::System,
    ];
    let forbidden = std::cell::Cell::new(0u32);
    let accepted = std::cell::Cell::new(0u32);
    let steps = prop::collection::vec((0..Action::ALL.len(), 0..actors.len(), 1..15i64), 1..25);
    let mut runner = TestRunner::new(Cases::with_cases(64));
    runner
        .run(&steps, |steps| {
            let clock = ManualClock::new(t0());
            let team = leadpool::allocate::Team::new([
                Rep::new(A, "A"),
                Rep::new(B, "B"),
                Rep::new(C, "C"),
            ]);
            let config = Config::new(team, policy()).unwrap();
            let pool = Pool::bootstrap(MemoryStore::new(), config, clock.clone()).unwrap();
            pool.import(Actor::System, client(PUBLIC.0)).unwrap();
            pool.import(Actor::System, client(OWNED.0)).unwrap();
            pool.claim(OWNED, A).unwrap();
            for (action, actor, days) in steps {
                clock.set(day(days * 10));
                let (action, actor) = (Action::ALL[action], actors[actor]);
                let before = stored(&pool);
                match pool.execute(actor, command(action)) {
                    Err(PoolError::Forbidden(f)) => {
                        forbidden.set(forbidden.get() + 1);
                        prop_assert_eq!((f.actor, f.action), (actor, action));
                        prop_assert_eq!(&stored(&pool), &before, "{:?} by {:?}", action, actor);
                    }
                    Ok(events) => {
                        accepted.set(accepted.get() + 1);
                        prop_assert!(events.iter().all(|e| e.actor() == actor));
                    }
                    Err(_) => prop_assert_eq!(&stored(&pool), &before, "a refusal wrote"),
                }
            }
            Ok(())
        })
        .unwrap();
    assert!(forbidden.get() > 100, "{} forbidden", forbidden.get());
    assert!(accepted.get() > 20, "{} accepted", accepted.get());
}
