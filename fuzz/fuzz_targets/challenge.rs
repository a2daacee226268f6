//! The proxy's `WWW-Authenticate` parser (`registry::challenge::select`) on arbitrary header
//! values: the input is split on '\n' into several values, as several header lines arrive.
//!
//! Asserts: no panic and no hang (the tokenizer must always advance); a Bearer answer needs
//! a `bearer` scheme in the input and a Basic one a `basic` scheme; repeating the values
//! changes nothing (the first challenge of a scheme wins).

#![no_main]

use lading::registry::challenge::{Challenge, select};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let values: Vec<&str> = text.split('\n').collect();
    let chosen = select(values.iter().copied());
    let lower = text.to_ascii_lowercase();
    match &chosen {
        Some(Challenge::Bearer { .. }) => assert!(lower.contains("bearer")),
        Some(Challenge::Basic { .. }) => assert!(lower.contains("basic")),
        Some(Challenge::Anonymous) => panic!("a header never says anonymous"),
        None => {}
    }
    let twice = select(values.iter().chain(values.iter()).copied());
    assert_eq!(twice, chosen, "{values:?}");
});
