//! The ledger contract: versions from 0, checked writes.

use super::{Rows, ensure_eq, ok, rows::probe};
use crate::error::{Conflict, StoreError};
use crate::ids::RepId;
use crate::model::RepLedger;
use crate::store::{Store, Versioned, Write};

/// A ledger never written reads as an empty ledger at version 0; writes are version-checked
/// like clients, with `LedgerConflict`, and every field round-trips.
pub(crate) fn ledger_versions<S: Store + ?Sized>(store: &S) {
    const C: &str = "ledger_versions";
    probe().require_empty(store, C);
    let rep = RepId(3);
    let empty = Versioned {
        version: 0,
        value: RepLedger::new(rep),
    };
    ensure_eq!(
        C,
        ok(C, "ledger", store.ledger(rep)),
        empty,
        "a ledger never written"
    );
    let mut ledger = super::busy_ledger(rep);
    let write = |ledger: &RepLedger, expected| {
        store.commit_writes(&[Write::Ledger {
            ledger: ledger.clone(),
            expected,
        }])
    };
    ensure_eq!(
        C,
        ok(C, "first write", write(&ledger, 0)),
        vec![1],
        "first write"
    );
    let stored = Versioned {
        version: 1,
        value: ledger.clone(),
    };
    ensure_eq!(
        C,
        ok(C, "ledger", store.ledger(rep)),
        stored,
        "ledger after a write"
    );

    let mut stale = ledger.clone();
    stale.fixture_set_holding(9, 0);
    for expected in [0, 2] {
        let conflict = StoreError::Conflict(Conflict::Ledger {
            rep,
            expected,
            found: 1,
        });
        ensure_eq!(
            C,
            write(&stale, expected),
            Err(conflict),
            "write expecting {expected}"
        );
        ensure_eq!(
            C,
            ok(C, "ledger", store.ledger(rep)),
            stored,
            "ledger after refusal"
        );
    }
    ledger.fixture_set_holding(3, 1);
    ensure_eq!(
        C,
        ok(C, "second write", write(&ledger, 1)),
        vec![2],
        "second write"
    );
    ensure_eq!(
        C,
        ok(C, "ledger", store.ledger(rep)).version,
        2,
        "version after two"
    );
    let untouched = Versioned {
        version: 0,
        value: RepLedger::new(RepId(4)),
    };
    ensure_eq!(
        C,
        ok(C, "ledger", store.ledger(RepId(4))),
        untouched,
        "another rep's ledger"
    );
}
