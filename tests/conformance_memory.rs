//! The store conformance suite on the embedded [`MemoryStore`]: the reference adapter must
//! honour every contract it documents.

use leadpool::conformance::{self, Contract};
use leadpool::store::MemoryStore;

#[test]
fn memory_store_honours_every_store_contract() {
    let report = conformance::run_all(MemoryStore::new);
    assert_eq!(report, Contract::ALL);
}

#[test]
fn contracts_have_distinct_names_and_say_what_they_require() {
    let names: std::collections::BTreeSet<&str> = Contract::ALL.iter().map(|c| c.name()).collect();
    assert_eq!(names.len(), Contract::ALL.len());
    for contract in Contract::ALL {
        assert!(contract.meaning().len() > 20, "{contract:?}");
    }
}
