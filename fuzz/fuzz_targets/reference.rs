//! `Reference::parse` and `Repository::parse` on arbitrary text (lossy UTF-8).
//!
//! Asserts: no panic; an accepted reference prints (`Display`) to text that parses back to
//! the same value, and so does its short (`familiar`) form; the same for repositories.

#![no_main]

use lading_shared::{Reference, Repository};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let input = String::from_utf8_lossy(data);
    if let Ok(reference) = Reference::parse(&input) {
        for shown in [reference.to_string(), reference.familiar()] {
            let again = Reference::parse(&shown)
                .unwrap_or_else(|e| panic!("{input:?} → {shown:?} no longer parses: {e}"));
            assert_eq!(again, reference, "{input:?} → {shown:?}");
        }
        let _ = reference.normalization_notes(&input);
        let _ = reference.identifier();
        check_repository(&reference.repository());
    }
    if let Ok(repository) = Repository::parse(&input) {
        check_repository(&repository);
    }
});

fn check_repository(repository: &Repository) {
    for shown in [repository.to_string(), repository.familiar()] {
        let again = Repository::parse(&shown)
            .unwrap_or_else(|e| panic!("{repository:?} → {shown:?} no longer parses: {e}"));
        assert_eq!(&again, repository, "{shown:?}");
    }
    let _ = repository.api_host();
}
