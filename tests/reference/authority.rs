//! Who may ask for what, in the reference model: the organisation of the model's team written
//! out by hand (no call into the crate's permission rules), and one function per command saying
//! whether the actor may ask for it.

use super::Reference;
use leadpool::ids::{ClientId, PoolId, RepId};
use leadpool::pool::Actor;

/// Manager 10 runs the sales department (reps 1, 2 and 3) and, through it, the department
/// below (rep 4), which manager 11 runs. Admin 20 administers the policy and every pool;
/// admin 21 only the export pool.
pub const MANAGERS: [u64; 2] = [10, 11];
pub const POLICY_ADMIN: u64 = 20;
pub const EXPORT_ADMIN: u64 = 21;

/// The reps `manager` manages.
fn manages(manager: u64, rep: RepId) -> bool {
    match manager {
        10 => matches!(rep.0, 1..=4),
        11 => rep.0 == 4,
        _ => false,
    }
}

fn administers(admin: u64, pool: PoolId, export: PoolId) -> bool {
    admin == POLICY_ADMIN || (admin == EXPORT_ADMIN && pool == export)
}

impl Reference {
    fn pool_of(&self, id: ClientId) -> PoolId {
        self.clients.get(&id).map_or(PoolId::DEFAULT, |c| c.pool)
    }

    fn owner_of(&self, id: ClientId) -> Option<RepId> {
        self.clients.get(&id).and_then(|c| c.owner)
    }

    /// A rep claims or follows up only for themselves.
    pub fn may_act_for_themselves(actor: Actor, rep: RepId) -> bool {
        actor == Actor::Rep(rep)
    }

    /// Giving a public client to `rep`: their manager or an admin of its pool; by a rule, the
    /// system too.
    pub fn may_assign(
        &self,
        actor: Actor,
        id: ClientId,
        rep: RepId,
        rule: bool,
        export: PoolId,
    ) -> bool {
        // Nobody gives a client to themselves.
        if actor.person() == Some(rep) {
            return false;
        }
        match actor {
            Actor::Manager(m) => manages(m.0, rep),
            Actor::Admin(a) => administers(a.0, self.pool_of(id), export),
            Actor::System => rule,
            _ => false,
        }
    }

    /// Releasing `rep`'s client: `rep`, their manager, an admin of its pool.
    pub fn may_release(&self, actor: Actor, id: ClientId, rep: RepId, export: PoolId) -> bool {
        match actor {
            Actor::Rep(r) => r == rep,
            Actor::Manager(m) => manages(m.0, rep),
            Actor::Admin(a) => administers(a.0, self.pool_of(id), export),
            _ => false,
        }
    }

    /// A deal closed by `rep`: the order system, a manager of the owner (of `rep` on a public
    /// client, which the deal gives to `rep`), an admin of the pool; never a rep.
    pub fn may_mark_deal(&self, actor: Actor, id: ClientId, rep: RepId, export: PoolId) -> bool {
        match actor {
            Actor::System => true,
            Actor::Manager(m) => manages(m.0, self.owner_of(id).unwrap_or(rep)),
            Actor::Admin(a) => administers(a.0, self.pool_of(id), export),
            Actor::Rep(_) => false,
        }
    }

    /// Moving `ids` from `from` to `to`: the owner if the policy lets reps move their own, a
    /// manager of both, an admin of every client's pool (of the policy when nothing moves).
    pub fn may_move(
        &self,
        actor: Actor,
        from: RepId,
        to: RepId,
        ids: &[ClientId],
        export: PoolId,
    ) -> bool {
        // Nobody gives a client to themselves.
        if actor.person() == Some(to) {
            return false;
        }
        match actor {
            Actor::Rep(r) => self.policy.reps_transfer_own && r == from,
            Actor::Manager(m) => manages(m.0, from) && manages(m.0, to),
            Actor::Admin(a) if ids.is_empty() => a.0 == POLICY_ADMIN,
            Actor::Admin(a) => ids
                .iter()
                .all(|id| administers(a.0, self.pool_of(*id), export)),
            Actor::System => false,
        }
    }

    /// Handing client `id` over to `to`.
    pub fn may_hand_over(&self, actor: Actor, id: ClientId, to: RepId, export: PoolId) -> bool {
        match self.owner_of(id) {
            Some(owner) => self.may_move(actor, owner, to, &[id], export),
            None => false,
        }
    }

    /// Locking: a manager of the owner, an admin of the pool who does not own it, the system.
    pub fn may_flag(&self, actor: Actor, id: ClientId, export: PoolId) -> bool {
        match actor {
            Actor::Manager(m) => self.owner_of(id).is_some_and(|o| manages(m.0, o)),
            Actor::Admin(a) => {
                administers(a.0, self.pool_of(id), export) && self.owner_of(id) != Some(a)
            }
            Actor::System => true,
            Actor::Rep(_) => false,
        }
    }

    /// Importing into the default pool (open to every rep): any rep, an admin of it, the system;
    /// with contact history (which protects the client), only the admin or the system.
    pub fn may_import(actor: Actor, history: bool) -> bool {
        match actor {
            Actor::Rep(_) => !history,
            Actor::System => true,
            Actor::Admin(a) => a.0 == POLICY_ADMIN,
            Actor::Manager(_) => false,
        }
    }

    /// Moving a client between pools: an admin of both.
    pub fn may_move_pool(&self, actor: Actor, id: ClientId, to: PoolId, export: PoolId) -> bool {
        match actor {
            Actor::Admin(a) => {
                administers(a.0, self.pool_of(id), export) && administers(a.0, to, export)
            }
            _ => false,
        }
    }

    /// Changing the policy: the policy admin.
    pub fn may_change_policy(actor: Actor) -> bool {
        actor == Actor::Admin(RepId(POLICY_ADMIN))
    }
}
