//! `Reference::parse` as a table, cases learnt from distribution's
//! `reference/reference_test.go` and `normalize_test.go` plus the quirks Lading cares about.
//!
//! Every valid row states what Docker would make of the input (registry, repository, tag,
//! digest); every invalid row states the exact error a person would be shown.

use crate::reference_cases;
use lading_shared::reference::{MAX_NAME_LEN, MAX_TAG_LEN, is_valid_tag};
use lading_shared::{Digest, Reference, ReferenceError};

use reference_cases::invalid::invalid_cases;
use reference_cases::valid::valid_cases;
use reference_cases::*;

fn check(case: &Case) -> Result<(), String> {
    let got = Reference::parse(&case.input);
    let want = match (&case.want, got) {
        (Err(want), Err(got)) if *want == got => return Ok(()),
        (Err(want), got) => return Err(format!("want error {want:?}, got {got:?}")),
        (Ok(_), Err(got)) => return Err(format!("want success, got {got:?}")),
        (Ok(want), Ok(got)) => (want, got),
    };
    let (want, got) = want;
    let mut problems = Vec::new();
    let mut same = |what: &str, want: &dyn std::fmt::Debug, got: &dyn std::fmt::Debug| {
        let (want, got) = (format!("{want:?}"), format!("{got:?}"));
        if want != got {
            problems.push(format!("{what}: want {want}, got {got}"));
        }
    };
    same("registry", &want.registry, &got.registry.as_str());
    same("repository", &want.repository, &got.repository);
    same("tag", &want.tag, &got.tag);
    same(
        "digest",
        &want.digest,
        &got.digest.as_ref().map(Digest::to_string),
    );
    if let Some(display) = &want.display {
        same("display", display, &got.to_string());
    }
    if let Some(familiar) = &want.familiar {
        same("familiar", familiar, &got.familiar());
    }
    // Display is canonical: parsing it again gives the same reference.
    same(
        "reparse",
        &Ok::<_, ReferenceError>(got.clone()),
        &Reference::parse(&got.to_string()),
    );
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("; "))
    }
}

#[test]
fn reference_table() {
    let cases: Vec<Case> = valid_cases().into_iter().chain(invalid_cases()).collect();
    assert!(
        cases.len() >= 140,
        "the table shrank to {} rows",
        cases.len()
    );
    let failures: Vec<String> = cases
        .iter()
        .filter_map(|case| {
            check(case)
                .err()
                .map(|why| format!("{:?}: {why}", case.input))
        })
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} rows failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

#[test]
fn every_error_says_what_to_fix() {
    for case in invalid_cases() {
        let error = case.want.err().expect("invalid rows only");
        assert!(!error.to_string().is_empty());
    }
    let long = Reference::parse(&format!("example.com/{}", "a".repeat(300))).unwrap_err();
    assert!(
        long.to_string().contains(&MAX_NAME_LEN.to_string()),
        "{long}"
    );
}

#[test]
fn tag_limit_constant_matches_the_grammar() {
    assert!(is_valid_tag(&"a".repeat(MAX_TAG_LEN)));
    assert!(!is_valid_tag(&"a".repeat(MAX_TAG_LEN + 1)));
    let junk = ["", ".x", "-x", "a b", D1];
    assert!(
        junk.iter().all(|t| !is_valid_tag(t)),
        "junk accepted as tags"
    );
    assert!(is_valid_tag("sha256-0123abc.sig"));
}
