//! The routes around the permission matrix an adversarial review found, each closed: a rep
//! may not lock, protect, win or move a client by a side door (an import's record, a deal, an
//! outsider's contact), nobody gives a client to themselves, a lock belongs to one custody, and
//! an actor who may not act learns nothing first.

mod pool_support;

use leadpool::allocate::Team;
use leadpool::ids::{ClientId, DeptId, PoolId, RepId};
use leadpool::model::{Contact, ContactLevel, Rep};
use leadpool::pool::{
    Action, Actor, Assigner, Command, Department, Event, Flag, Forbidden, Need, PoolDef, PoolError,
    PoolPolicy, TransferScope,
};
use leadpool::reason::Refusal;
use pool_support::{A, B, C, World, client, client_with_company, day, t0};
use std::collections::BTreeMap;

/// An admin of the policy who also sells.
const P: RepId = RepId(20);
const M: RepId = RepId(10);
const N: RepId = RepId(11);
const EXPORT: PoolId = PoolId(7);

/// Ten days without a follow-up and the client goes back; contacts protect for 30 days.
fn recycling() -> PoolPolicy {
    PoolPolicy {
        remind_after_days: Some(7),
        release_after_reminder_days: 3,
        protection_days: 30,
        ..PoolPolicy::default()
    }
}

fn import(
    w: &mut World,
    actor: Actor,
    c: leadpool::model::Client,
) -> Result<Vec<Event>, PoolError> {
    w.run_as(
        actor,
        Command::Import {
            client: Box::new(c),
        },
        t0(),
    )
}

fn forbidden(actor: Actor, action: Action, needs: Need) -> Result<Vec<Event>, PoolError> {
    Err(PoolError::Forbidden(Forbidden {
        actor,
        action,
        needs,
    }))
}

fn with_selling_admin(policy: PoolPolicy) -> World {
    let team = Team::new([Rep::new(A, "A"), Rep::new(B, "B"), Rep::new(P, "P")]);
    World::with_team(
        team,
        PoolPolicy {
            admins: [P].into(),
            ..policy
        },
    )
}

#[test]
fn any_part_of_a_record_makes_an_import_a_migration() {
    let contact = Contact {
        rep: B,
        level: ContactLevel::Phone,
        at: t0(),
        note: String::new(),
    };
    let records = [
        client(5).with_flags(true, false, None),
        client(5).with_flags(false, true, None),
        client(5).with_flags(false, false, Some("A")),
        client(5).with_history([contact]),
    ];
    for record in records {
        let mut w = World::new(3, recycling());
        assert_eq!(
            import(&mut w, Actor::Rep(A), record.clone()),
            forbidden(Actor::Rep(A), Action::ImportHistory, Need::AnotherRole),
            "{record:?}"
        );
        let flags = |c: &leadpool::model::Client| {
            let custody = c.custody();
            (
                custody.locked(),
                custody.open_opportunity(),
                custody.level().map(str::to_owned),
            )
        };
        let expected = flags(&record);
        import(&mut w, Actor::Admin(pool_support::ADMIN), record).unwrap();
        // The migration keeps the flags the record came with, and enters the public pool.
        let stored = w.state.client(ClientId(5)).unwrap();
        assert_eq!(flags(stored), expected);
        assert_eq!(stored.owner(), None);
    }
    let mut w = World::new(3, recycling());
    import(&mut w, Actor::Rep(A), client(5)).unwrap();
}

#[test]
fn a_rep_may_not_import_a_lock_or_a_history_that_protects_the_client() {
    let mut w = World::new(3, recycling());
    let locked = client(5).with_flags(true, false, Some("vip"));
    assert_eq!(
        import(&mut w, Actor::Rep(A), locked.clone()),
        forbidden(Actor::Rep(A), Action::ImportHistory, Need::AnotherRole)
    );
    let visited = Contact {
        rep: A,
        level: ContactLevel::Cooperating,
        at: t0(),
        note: String::new(),
    };
    assert_eq!(
        import(
            &mut w,
            Actor::Rep(A),
            client(6).with_history([visited.clone()])
        ),
        forbidden(Actor::Rep(A), Action::ImportHistory, Need::AnotherRole)
    );
    assert!(w.state.is_empty(), "nothing imported");
    // A migration by the system brings both.
    import(&mut w, Actor::System, locked).unwrap();
    import(&mut w, Actor::System, client(6).with_history([visited])).unwrap();
    assert!(w.state.client(ClientId(5)).unwrap().custody().locked());
}

#[test]
fn deals_come_from_the_order_system_a_manager_of_the_owner_or_an_admin_never_the_rep() {
    let d1 = Department {
        managers: [M].into(),
        reps: [A].into(),
        ..Department::default()
    };
    let d2 = Department {
        managers: [N].into(),
        reps: [B].into(),
        ..Department::default()
    };
    let mut w = World::new(
        3,
        PoolPolicy {
            departments: BTreeMap::from([(DeptId(1), d1), (DeptId(2), d2)]),
            ..recycling()
        },
    );
    w.import([5, 6]);
    w.claim(5, A, t0()).unwrap();
    w.claim(6, B, t0()).unwrap();
    let deal = |client, closed_by| Command::MarkDeal {
        client: ClientId(client),
        closed_by,
    };
    // A won deal exempts the client from recycling for good: not the rep's to declare.
    assert_eq!(
        w.run_as(Actor::Rep(A), deal(5, A), day(1)),
        forbidden(Actor::Rep(A), Action::MarkDeal, Need::AnotherRole)
    );
    // M manages A, not B: naming A as the closer does not make B's client M's to close.
    assert_eq!(
        w.run_as(Actor::Manager(M), deal(6, A), day(1)),
        forbidden(
            Actor::Manager(M),
            Action::MarkDeal,
            Need::ManagerOf { rep: B }
        )
    );
    w.run_as(Actor::Manager(N), deal(6, A), day(1)).unwrap();
    w.run_as(Actor::System, deal(5, A), day(1)).unwrap();
    assert_eq!(w.state.client(ClientId(6)).unwrap().deal_owner(), Some(B));
}

#[test]
fn only_a_member_of_the_pool_logs_a_contact_on_its_clients() {
    let export = PoolDef {
        members: [C].into(),
        ..PoolDef::default()
    };
    let policy = PoolPolicy {
        pools: BTreeMap::from([(PoolId::DEFAULT, PoolDef::default()), (EXPORT, export)]),
        ..recycling()
    };
    let mut w = World::new(3, policy);
    import(&mut w, Actor::System, client(5).with_pool(EXPORT)).unwrap();
    // A's visit would protect the client from C, the pool's own member.
    assert_eq!(
        w.contact(5, A, ContactLevel::Visit, t0()),
        Err(PoolError::Refused {
            client: ClientId(5),
            rep: A,
            reason: Refusal::NotMember { pool: EXPORT },
        })
    );
    w.claim(5, C, t0()).unwrap();
}

#[test]
fn nobody_gives_a_client_to_themselves() {
    let mut w = with_selling_admin(PoolPolicy {
        daily_claim_limit: Some(1),
        embargo_days: Some(3),
        ..recycling()
    });
    w.import([5, 6]);
    // P's claim waits for the embargo; assigning to themselves would skip it and the limit.
    assert!(w.claim(5, P, t0()).is_err());
    let to_p = Command::Assign {
        client: ClientId(5),
        rep: P,
        by: Assigner::Manager,
    };
    assert_eq!(
        w.run_as(Actor::Admin(P), to_p, t0()),
        forbidden(Actor::Admin(P), Action::Assign, Need::NotToThemselves)
    );
    w.run_as(
        Actor::Admin(P),
        Command::Assign {
            client: ClientId(6),
            rep: A,
            by: Assigner::Manager,
        },
        t0(),
    )
    .unwrap();
    let to_p = Command::Transfer {
        from: A,
        to: P,
        scope: TransferScope::All,
    };
    assert_eq!(
        w.run_as(Actor::Admin(P), to_p, t0()),
        forbidden(Actor::Admin(P), Action::Transfer, Need::NotToThemselves)
    );
}

#[test]
fn a_lock_belongs_to_one_custody() {
    let mut w = with_selling_admin(recycling());
    w.import([5]);
    // Nothing to lock on a public client: a lock set now would go to whoever takes it next.
    let lock = || Command::SetFlag {
        client: ClientId(5),
        flag: Flag::Locked(true),
    };
    assert_eq!(
        w.run_as(Actor::Admin(P), lock(), t0()),
        Err(PoolError::NotOwned {
            client: ClientId(5)
        })
    );
    w.claim(5, A, t0()).unwrap();
    w.run_as(Actor::Admin(P), lock(), t0()).unwrap();
    w.sweep(day(60));
    assert_eq!(w.owner(5), Some(A), "locked: exempt from recycling");
    w.run_as(
        Actor::Rep(A),
        Command::Release {
            client: ClientId(5),
            rep: A,
            note: "moving on".into(),
        },
        day(61),
    )
    .unwrap();
    assert!(!w.state.client(ClientId(5)).unwrap().custody().locked());
    w.claim(5, P, day(61)).unwrap();
    w.sweep(day(90));
    assert_eq!(w.owner(5), None, "P's custody is not locked: recycled");
    assert_eq!(w.replayed(), w.state);
}

#[test]
fn an_import_names_a_defined_pool_before_anything_is_looked_up() {
    let policy = PoolPolicy {
        pools: BTreeMap::from([
            (
                PoolId::DEFAULT,
                PoolDef {
                    members: [B].into(),
                    ..PoolDef::default()
                },
            ),
            (
                EXPORT,
                PoolDef {
                    members: [C].into(),
                    ..PoolDef::default()
                },
            ),
        ]),
        ..recycling()
    };
    let mut w = World::new(3, policy);
    import(
        &mut w,
        Actor::System,
        client_with_company(5, "ACME").with_pool(EXPORT),
    )
    .unwrap();
    // A, a member of no pool, may not probe the dedupe index through an undefined pool.
    let probe = client_with_company(6, "ACME").with_pool(PoolId(999));
    assert_eq!(
        import(&mut w, Actor::Rep(A), probe),
        Err(PoolError::UnknownPool(PoolId(999)))
    );
    let probe = client_with_company(6, "ACME").with_pool(EXPORT);
    assert_eq!(
        import(&mut w, Actor::Rep(A), probe),
        forbidden(
            Actor::Rep(A),
            Action::Import,
            Need::MemberOf { pool: EXPORT }
        )
    );
}

#[test]
fn a_rep_who_may_move_nothing_is_told_so_before_anything_else() {
    let mut w = World::new(3, recycling());
    w.import([5]);
    w.claim(5, A, t0()).unwrap();
    let mv = Command::Transfer {
        from: B,
        to: C,
        scope: TransferScope::Only(vec![ClientId(5)]),
    };
    assert_eq!(
        w.run_as(Actor::Rep(B), mv, t0()),
        forbidden(Actor::Rep(B), Action::Transfer, Need::OwnTransfersAllowed)
    );
}

#[test]
fn a_head_manager_listed_in_a_department_below_is_not_managed_by_its_manager() {
    let sales = Department {
        managers: [M].into(),
        reps: [A].into(),
        ..Department::default()
    };
    let south = Department {
        parent: Some(DeptId(1)),
        managers: [N].into(),
        reps: [B, M].into(),
        ..Department::default()
    };
    let policy = PoolPolicy {
        departments: BTreeMap::from([(DeptId(1), sales), (DeptId(2), south)]),
        ..recycling()
    };
    let team = Team::new([Rep::new(A, "A"), Rep::new(B, "B"), Rep::new(M, "M")]);
    let mut w = World::with_team(team, policy);
    w.import([5]);
    w.claim(5, M, t0()).unwrap();
    let lock = Command::SetFlag {
        client: ClientId(5),
        flag: Flag::Locked(true),
    };
    assert_eq!(
        w.run_as(Actor::Manager(N), lock, t0()),
        forbidden(
            Actor::Manager(N),
            Action::SetFlag,
            Need::ManagerOf { rep: M }
        )
    );
}

#[test]
fn an_admin_who_sells_does_not_win_their_own_deals() {
    let mut w = with_selling_admin(recycling());
    w.import([5, 6]);
    w.claim(5, P, t0()).unwrap();
    let deal = |client| Command::MarkDeal {
        client: ClientId(client),
        closed_by: P,
    };
    assert_eq!(
        w.run_as(Actor::Admin(P), deal(5), day(1)),
        forbidden(
            Actor::Admin(P),
            Action::MarkDeal,
            Need::NotTheOwner { owner: P }
        )
    );
    // On a public client the deal would make P its owner.
    assert_eq!(
        w.run_as(Actor::Admin(P), deal(6), day(1)),
        forbidden(
            Actor::Admin(P),
            Action::MarkDeal,
            Need::NotTheOwner { owner: P }
        )
    );
    w.run_as(Actor::System, deal(5), day(1)).unwrap();
}

#[test]
fn a_person_sets_no_flag_on_a_public_client() {
    let mut w = with_selling_admin(recycling());
    w.import([5]);
    for flag in [
        Flag::Locked(true),
        Flag::OpenOpportunity(true),
        Flag::Level(Some("vip".into())),
    ] {
        let set = Command::SetFlag {
            client: ClientId(5),
            flag: flag.clone(),
        };
        assert_eq!(
            w.run_as(Actor::Admin(P), set.clone(), t0()),
            Err(PoolError::NotOwned {
                client: ClientId(5)
            }),
            "{flag:?}"
        );
        // The CRM's own data (an opportunity opened, a level computed) may be.
        w.run_as(Actor::System, set, t0()).unwrap();
    }
}

#[test]
fn a_lock_ends_when_the_client_changes_hands() {
    let d1 = Department {
        managers: [M].into(),
        reps: [A].into(),
        ..Department::default()
    };
    let mut w = World::new(
        3,
        PoolPolicy {
            departments: BTreeMap::from([(DeptId(1), d1)]),
            reps_transfer_own: true,
            ..recycling()
        },
    );
    w.import([5]);
    w.claim(5, A, t0()).unwrap();
    w.run_as(
        Actor::Manager(M),
        Command::SetFlag {
            client: ClientId(5),
            flag: Flag::Locked(true),
        },
        t0(),
    )
    .unwrap();
    // A hands M's lock to B, whom M does not manage: the lock stays with A's custody.
    w.run_as(
        Actor::Rep(A),
        Command::Transfer {
            from: A,
            to: B,
            scope: TransferScope::All,
        },
        day(1),
    )
    .unwrap();
    assert!(!w.state.client(ClientId(5)).unwrap().custody().locked());
    w.sweep(day(30));
    assert_eq!(w.owner(5), None, "B's custody is not locked: recycled");
    assert_eq!(w.replayed(), w.state);
}

#[test]
fn the_contact_check_before_a_call_agrees_with_the_rule_a_logged_contact_passes() {
    use leadpool::ManualClock;
    use leadpool::conflict::ContactVerdict;
    use leadpool::pool::{Config, Pool};
    use leadpool::store::MemoryStore;
    let export = PoolDef {
        members: [C].into(),
        ..PoolDef::default()
    };
    let policy = PoolPolicy {
        pools: BTreeMap::from([(PoolId::DEFAULT, PoolDef::default()), (EXPORT, export)]),
        ..recycling()
    };
    let config = Config::new(pool_support::team(3), policy).unwrap();
    let pool = Pool::bootstrap(MemoryStore::new(), config, ManualClock::new(t0())).unwrap();
    pool.import(Actor::System, client(5).with_pool(EXPORT))
        .unwrap();
    let verdict = pool.may_contact(ClientId(5), A).unwrap();
    assert_eq!(verdict, ContactVerdict::NotMember { pool: EXPORT });
    assert!(!verdict.is_allowed());
    let logged = pool.follow_up(ClientId(5), A, ContactLevel::Visit, "");
    assert_eq!(
        logged,
        Err(PoolError::Refused {
            client: ClientId(5),
            rep: A,
            reason: Refusal::NotMember { pool: EXPORT },
        })
    );
    assert_eq!(
        pool.may_contact(ClientId(5), C).unwrap(),
        ContactVerdict::Allowed
    );
    assert!(pool.may_contact(ClientId(5), C).unwrap().is_allowed());
    pool.follow_up(ClientId(5), C, ContactLevel::Visit, "")
        .unwrap();
}
