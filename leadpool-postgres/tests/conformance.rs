//! The whole store-contract conformance suite of leadpool, against PostgreSQL: every contract
//! on a fresh schema.

mod common;

use common::{Blocking, database_url, fresh_store, runtime};
use leadpool::conformance::{self, Contract};

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
    let passed = conformance::run_all(fresh);
    assert_eq!(passed, Contract::ALL);
    eprintln!(
        "{} store contracts held on PostgreSQL ({:.1?})",
        passed.len(),
        started.elapsed()
    );
}
