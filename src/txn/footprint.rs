//! [`Footprint`]: what a command needs read before it can be decided.

use crate::ids::{ClientId, RepId};
use crate::model::DedupeKey;
use crate::pool::{Command, TransferScope};
use chrono::{DateTime, Utc};

/// The rows a command reads: clients (by id, by dedupe key, by owner, by deadline) and rep
/// ledgers. A store answers it with one [`Snapshot`](super::Snapshot) in one batched read
/// ([`Store::load`](crate::store::Store::load)).
///
/// Besides what is listed, a snapshot always holds the configuration with its version and the
/// ledger of the owner of every client it returns (a release, a transfer or a sweep changes
/// the owner's holdings).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Footprint {
    clients: Vec<ClientId>,
    keys: Vec<DedupeKey>,
    owned_by: Vec<RepId>,
    all_owned: bool,
    due_by: Option<DateTime<Utc>>,
    reps: Vec<RepId>,
    all_reps: bool,
}

impl Footprint {
    /// What `command` reads.
    pub fn of(command: &Command) -> Self {
        let mut footprint = Self::default();
        match command {
            Command::Import { client } => {
                footprint.clients.push(client.id());
                footprint.keys.extend(client.keys().iter());
            }
            Command::Claim { client, rep }
            | Command::Assign { client, rep, .. }
            | Command::FollowUp { client, rep, .. }
            | Command::Release { client, rep, .. }
            | Command::MarkDeal {
                client,
                closed_by: rep,
            }
            | Command::Handover { client, to: rep } => {
                footprint.clients.push(*client);
                footprint.reps.push(*rep);
            }
            Command::SetFlag { client, .. }
            | Command::MovePool { client, .. }
            | Command::SweepClient { client } => footprint.clients.push(*client),
            Command::Transfer { from, to, scope } => {
                footprint.reps.extend([*from, *to]);
                match scope {
                    TransferScope::All => footprint.owned_by.push(*from),
                    TransferScope::Only(named) => footprint.clients.extend(named.iter().copied()),
                }
            }
            Command::Sweep => footprint.due_by = Some(DateTime::<Utc>::MAX_UTC),
            Command::ChangePolicy { .. } => footprint.all_owned = true,
            Command::ChangeTeam { .. } => footprint.all_reps = true,
        }
        footprint.normalise()
    }

    /// What a sweep reads at `now`: every client due by then. (The pool facades sweep one
    /// client per commit instead, with [`Command::SweepClient`].)
    pub fn sweep(now: DateTime<Utc>) -> Self {
        Self {
            due_by: Some(now),
            ..Self::default()
        }
    }

    /// What an allocation rule reads to assign `client`: the client (its own history is its
    /// prior contact: dedupe keys are unique) and every rep's ledger (loads, receipts, limits).
    pub fn assignment(client: ClientId) -> Self {
        Self {
            clients: vec![client],
            all_reps: true,
            ..Self::default()
        }
    }

    /// One client, for a read such as the contact check.
    pub fn client(id: ClientId) -> Self {
        Self {
            clients: vec![id],
            ..Self::default()
        }
    }

    /// The configuration only.
    pub fn config() -> Self {
        Self::default()
    }

    /// Reads these ledgers too.
    pub fn with_reps(mut self, reps: impl IntoIterator<Item = RepId>) -> Self {
        self.reps.extend(reps);
        self.normalise()
    }

    /// Reads the clients carrying these dedupe keys too.
    pub fn with_keys(mut self, keys: impl IntoIterator<Item = DedupeKey>) -> Self {
        self.keys.extend(keys);
        self.normalise()
    }

    /// Reads these clients too.
    pub fn with_clients(mut self, ids: impl IntoIterator<Item = ClientId>) -> Self {
        self.clients.extend(ids);
        self.normalise()
    }

    /// Reads the clients these reps own too.
    pub fn with_owned_by(mut self, reps: impl IntoIterator<Item = RepId>) -> Self {
        self.owned_by.extend(reps);
        self.normalise()
    }

    fn normalise(mut self) -> Self {
        self.clients.sort_unstable();
        self.clients.dedup();
        self.keys.sort_unstable();
        self.keys.dedup();
        self.owned_by.sort_unstable();
        self.owned_by.dedup();
        self.reps.sort_unstable();
        self.reps.dedup();
        self
    }

    /// Clients read by id, ascending.
    pub fn clients(&self) -> &[ClientId] {
        &self.clients
    }

    /// Clients carrying any of these dedupe keys are read too; ascending.
    pub fn keys(&self) -> &[DedupeKey] {
        &self.keys
    }

    /// Clients owned by these reps are read too; ascending.
    pub fn owned_by(&self) -> &[RepId] {
        &self.owned_by
    }

    /// Whether every owned client is read (a policy change retimes them all).
    pub fn all_owned(&self) -> bool {
        self.all_owned
    }

    /// Clients whose deadline is at or before this instant are read too.
    pub fn due_by(&self) -> Option<DateTime<Utc>> {
        self.due_by
    }

    /// Ledgers read, ascending (besides the owners' of the clients read).
    pub fn reps(&self) -> &[RepId] {
        &self.reps
    }

    /// Whether every stored ledger is read.
    pub fn all_reps(&self) -> bool {
        self.all_reps
    }
}
