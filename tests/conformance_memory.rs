//! The store conformance suite on the embedded [`MemoryStore`]: the reference adapter must
//! honour every contract it documents.

use leadpool::conformance;
use leadpool::store::MemoryStore;

#[test]
fn memory_store_honours_every_store_contract() {
    let report = conformance::run_all(MemoryStore::new);
    let all: Vec<&str> = conformance::CONTRACTS
        .iter()
        .map(|(name, _)| *name)
        .collect();
    assert_eq!(report.passed, all, "{report}");
}

#[test]
fn memory_store_indexes_match_a_scan_under_other_seeds() {
    for seed in [1, 7, 99] {
        conformance::indexes_match_scan_seeded(&MemoryStore::new(), seed, 200);
    }
}

#[test]
fn memory_store_survives_claim_races_from_two_to_sixteen_threads() {
    for threads in [2, 3, 16] {
        conformance::concurrent_claims_with(&MemoryStore::new(), threads);
    }
}
