//! The ledger contract: versions from 0, checked writes.

use super::{base, ensure_eq, ns, ok, rows::probe};
use crate::error::StoreError;
use crate::ids::RepId;
use crate::store::{ClientStore, RepLedger, Versioned, Write};

/// A ledger never written reads as an empty ledger at version 0; writes are version-checked
/// like clients, with `LedgerConflict`, and every field round-trips.
pub fn ledger_versions<S: ClientStore + ?Sized>(store: &S) {
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
    let mut ledger = RepLedger::new(rep);
    ledger.holding = 2;
    ledger.holding_won = 1;
    ledger.day = Some(base().date_naive());
    ledger.claims_today = 2;
    ledger.last_assigned_at = Some(base() + ns(1));
    let write = |ledger: &RepLedger, expected| {
        store.commit(&[Write::Ledger {
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
    stale.holding = 9;
    for expected in [0, 2] {
        let conflict = StoreError::LedgerConflict {
            rep,
            expected,
            found: 1,
        };
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
    ledger.holding = 3;
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
