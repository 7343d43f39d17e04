//! One step of a run: a command decided by the pool, its events counted, applied, and the
//! clients changing hands noted for their new owner's day.

use super::Run;
use crate::ids::ClientId;
use crate::model::Client;
use crate::pool::{
    Actor, Command, Decided, Event, PoolError, Via, accept_import, decided, decided_import, evolve,
    evolve_reclaim, screened_import,
};
use crate::sim::tally::Context;

impl Run<'_> {
    /// Runs one command asked by `actor` now; on acceptance applies and counts its events.
    /// Refusals change nothing and are returned for the caller to count.
    pub(super) fn execute(&mut self, actor: Actor, command: Command) -> Result<(), PoolError> {
        let decided = decided(&self.state, actor, command, self.now);
        self.absorb_decided(decided)
    }

    /// Imports an arriving client, at the run's time, by the system; true when it entered the
    /// pool (false: refused, or reported as a duplicate of a known client). With the event
    /// log the import is decided and applied as its command would be. Without it nothing
    /// would read the `Imported` event but the pool, which copies the client into its row
    /// either way: the run asks the import's rules about the arriving client where it lies
    /// and copies it straight into the pool, with no box to carry it (`screened_import`,
    /// `PoolState::load_copy` of the client as `accept_import` prepares it; tests compare the
    /// two ways).
    pub(super) fn import(&mut self, client: &Client) -> bool {
        if self.keep_events {
            let decided = decided_import(
                &self.state,
                Actor::System,
                Box::new(client.clone()),
                self.now,
            );
            let imported = matches!(&decided, Ok(Decided::One(Event::Imported { .. })));
            return self.absorb_decided(decided).is_ok() && imported;
        }
        match screened_import(&self.state, Actor::System, client, self.now) {
            Ok(None) => {
                self.tally.imported();
                let now = self.now;
                self.state
                    .load_copy(client, |copy| accept_import(copy, now));
                true
            }
            Ok(Some(duplicate)) => {
                self.absorb(duplicate);
                false
            }
            Err(_) => false,
        }
    }

    /// Applies and counts the events of a command decided at the run's time (by `decided` or
    /// one of the pool's typed entries, which skip building and dispatching a [`Command`]).
    /// Matched rather than iterated: the one event of most commands is read in place; matched
    /// in place rather than through `?`, which copies the event once more.
    #[inline(always)]
    pub(super) fn absorb_decided(
        &mut self,
        decided: Result<Decided, PoolError>,
    ) -> Result<(), PoolError> {
        match decided {
            Ok(Decided::One(event)) => self.absorb(event),
            Ok(Decided::Many(events)) => events.into_iter().for_each(|e| self.absorb(e)),
            Err(refused) => return Err(refused),
        }
        Ok(())
    }

    /// Counts one accepted event, applies it to the pool and notes a client changing hands.
    /// The event was decided at the run's time (`self.now`), which the tally reads from there.
    fn absorb(&mut self, event: Event) {
        // The tally reads only the event and the client as it was, so it counts before the
        // pool changes. Only custody changes need the client: contacts, reminders and imports
        // (most events) cost no extra lookup.
        match &event {
            Event::OwnerChanged {
                client, to, via, ..
            } => {
                let slot = self.team.position(*to);
                // A rule's assignment is counted by the lead's value and source alone.
                let custody = !matches!(via, Via::Assign { .. });
                let ctx = self.context(*client, custody);
                self.tally.observe_custody(&event, slot, &ctx);
                if let Some(slot) = slot {
                    self.open.gained(slot, *client);
                }
            }
            Event::DealMarked {
                client,
                credited_to,
                ..
            } => {
                let slot = self.team.position(*credited_to);
                let ctx = self.context(*client, true);
                self.tally.observe_custody(&event, slot, &ctx);
            }
            _ => self.tally.observe(&event),
        }
        if self.keep_events {
            evolve(&mut self.state, &event);
            self.events.push(event);
            return;
        }
        // A rule assignment's explanation box is kept for the next one; an imported client or
        // a logged contact moves into the pool, not copied.
        if let Some(explanation) = evolve_reclaim(&mut self.state, event) {
            // The arrival took the spare before it asked for the assignment, so there is
            // nothing to drop here.
            if self.spare.is_none() {
                self.spare = Some(explanation);
            }
        }
    }

    /// What the tally needs to know about a client changing hands, read before the change:
    /// the lead's value and source, and with `custody` its last release and holding time (up
    /// to the run's time).
    #[inline(always)]
    fn context(&self, id: ClientId, custody: bool) -> Context {
        let now = self.now;
        let (value, source) = self.book.get(id);
        let custody = custody
            .then(|| self.state.client(id).map(|c| c.custody()))
            .flatten();
        Context {
            value,
            source,
            released_from: custody.and_then(|c| c.last_release.as_ref().map(|r| r.from)),
            held_days: custody.and_then(|c| c.owned_since).map_or(0.0, |since| {
                (now - since).num_seconds().max(0) as f64 / 86_400.0
            }),
        }
    }
}
