//! [`Snapshot`]: what a store read for one command, with the versions to write against.

use crate::ids::{ClientId, RepId};
use crate::model::{Client, RepLedger};
use crate::pool::{Config, PoolError, PoolState};
use crate::store::{Version, Versioned};
use std::collections::BTreeMap;

/// The configuration, clients and ledgers a store read for a [`Footprint`](super::Footprint),
/// each with the version it was read at. A store adapter builds one with [`Snapshot::new`]
/// and the `add_*` methods; [`Plan::decide`](super::Plan::decide) decides a command on it.
///
/// A ledger it does not hold reads as an empty ledger at version 0 (never written).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Snapshot {
    config: Option<Versioned<Config>>,
    clients: BTreeMap<ClientId, Versioned<Client>>,
    ledgers: BTreeMap<RepId, Versioned<RepLedger>>,
}

impl Snapshot {
    /// A snapshot of a store whose configuration is `config` (`None`: not installed yet).
    pub fn new(config: Option<Versioned<Config>>) -> Self {
        Self {
            config,
            ..Self::default()
        }
    }

    /// Adds a client read (a second read of the same id replaces the first).
    pub fn add_client(&mut self, client: Versioned<Client>) {
        self.clients.insert(client.value.id(), client);
    }

    /// Adds a ledger read.
    pub fn add_ledger(&mut self, ledger: Versioned<RepLedger>) {
        self.ledgers.insert(ledger.value.rep(), ledger);
    }

    /// The configuration with its version, if installed.
    pub fn config(&self) -> Option<&Versioned<Config>> {
        self.config.as_ref()
    }

    /// The configuration's version (0: none installed).
    pub fn config_version(&self) -> Version {
        self.config.as_ref().map_or(0, |c| c.version)
    }

    /// A client read.
    pub fn client(&self, id: ClientId) -> Option<&Versioned<Client>> {
        self.clients.get(&id)
    }

    /// The clients read, in id order.
    pub fn clients(&self) -> impl Iterator<Item = &Versioned<Client>> + '_ {
        self.clients.values()
    }

    /// The version a client was read at (0: not read, or not stored).
    pub fn client_version(&self, id: ClientId) -> Version {
        self.clients.get(&id).map_or(0, |c| c.version)
    }

    /// The version a ledger was read at (0: not read, or never written).
    pub fn ledger_version(&self, rep: RepId) -> Version {
        self.ledgers.get(&rep).map_or(0, |l| l.version)
    }

    /// The ledgers read, in rep order.
    pub fn ledgers(&self) -> impl Iterator<Item = &Versioned<RepLedger>> + '_ {
        self.ledgers.values()
    }

    /// The partial pool state the snapshot describes: what `decide` and the allocators read.
    pub(crate) fn state(&self) -> Result<PoolState, PoolError> {
        let config = self.config.as_ref().ok_or(PoolError::NotConfigured)?;
        let mut state = PoolState::new(config.value.clone());
        for client in self.clients.values() {
            state.load_client(Box::new(client.value.clone()));
        }
        for ledger in self.ledgers.values() {
            state.load_ledger(ledger.value.clone());
        }
        Ok(state)
    }
}
