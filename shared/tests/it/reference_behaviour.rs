//! What a parsed reference does: normalisation notes for people learning the rules, the
//! identifier a manifest is fetched by, pinning, API hosts, serde; and the regressions found
//! while writing `reference_table.rs`.

use lading_shared::reference::{DOCKER_HUB_API_HOST, MAX_NAME_LEN};
use lading_shared::{Digest, Reference, ReferenceError, Repository};

const D1: &str = "sha256:ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff";
const D2: &str = "sha256:86e0e091d0da6bde2456dbb48306f3956bbeb2eae1b5b9a43045843f69fe4aaa";

/// Regression (found by fuzz/fuzz_targets/reference.rs): the short form of a Hub repository
/// whose namespace looks like a host (`docker.io/my.org/app`) was `my.org/app`, which parses
/// as registry `my.org`; it must keep `docker.io/`.
#[test]
fn familiar_form_of_hub_repository_with_host_like_namespace_parses_back() {
    for input in [
        "docker.io/my.org/app",
        "docker.io/localhost/app:1",
        "docker.io/lidocker.io/library/dock/dockeratest",
    ] {
        let reference = Reference::parse(input).unwrap();
        assert_eq!(reference.registry, "docker.io", "{input}");
        assert!(reference.familiar().starts_with("docker.io/"), "{input}");
        assert_eq!(
            Reference::parse(&reference.familiar()).unwrap(),
            reference,
            "{input}"
        );
        let repository = reference.repository();
        assert_eq!(
            Repository::parse(&repository.familiar()).unwrap(),
            repository
        );
    }
    // Unambiguous short forms are unchanged.
    assert_eq!(
        Reference::parse("docker.io/user/app").unwrap().familiar(),
        "user/app:latest"
    );
    assert_eq!(
        Reference::parse("library/a.b").unwrap().familiar(),
        "a.b:latest"
    );
}

/// Regression: `Repository::parse("alpine:3.9")` used to complain about the path component
/// `alpine:3.9` instead of saying that a repository takes no tag.
#[test]
fn repository_with_tag_is_reported_as_a_tag_not_a_bad_component() {
    assert_eq!(
        Repository::parse("ghcr.io/org/app:v1"),
        Err(ReferenceError::UnexpectedTagOrDigest(
            "ghcr.io/org/app:v1".into()
        ))
    );
}

/// Regression: the 255 limit counted the registry host, rejecting names Docker accepts.
#[test]
fn name_limit_counts_the_repository_path_only() {
    let at_limit = format!(
        "a-very-long-registry-host.example.com/{}",
        "a".repeat(MAX_NAME_LEN)
    );
    assert!(Reference::parse(&at_limit).is_ok());
    assert!(Repository::parse(&at_limit).is_ok());
    let over = format!("{at_limit}a");
    assert_eq!(
        Reference::parse(&over),
        Err(ReferenceError::NameTooLong(MAX_NAME_LEN + 1))
    );
}

/// Regression: Rust's IPv6 parser accepts an embedded IPv4 tail that Docker's grammar
/// (hex and ':' only) rejects.
#[test]
fn ipv6_literal_with_ipv4_tail_is_rejected() {
    assert_eq!(
        Reference::parse("[::ffff:10.0.0.1]:5000/x"),
        Err(ReferenceError::InvalidRegistry(
            "[::ffff:10.0.0.1]:5000".into()
        ))
    );
}

/// Regression: a bare IPv6 registry failed with an error about something else: `[::1]` as an
/// invalid tag `1]`, `[::1]:5000` as an invalid Hub repository `[::1]`.
#[test]
fn bare_ipv6_registry_reports_the_missing_repository() {
    for input in ["[::1]", "[::1]:5000", "[::1]:5000@sha256:x"] {
        assert_eq!(
            Reference::parse(input),
            Err(ReferenceError::MissingRepository),
            "{input}"
        );
    }
}

fn notes(input: &str) -> Vec<String> {
    Reference::parse(input).unwrap().normalization_notes(input)
}

fn mentions(notes: &[String], text: &str) -> bool {
    notes.iter().any(|n| n.contains(text))
}

#[test]
fn normalization_notes_explain_each_expansion() {
    let alpine = notes("alpine");
    assert_eq!(alpine.len(), 4, "{alpine:#?}");
    assert!(
        mentions(&alpine, "Docker Hub, \"docker.io\""),
        "{alpine:#?}"
    );
    assert!(mentions(&alpine, DOCKER_HUB_API_HOST), "{alpine:#?}");
    assert!(mentions(&alpine, "\"library/\""), "{alpine:#?}");
    assert!(mentions(&alpine, "\"latest\""), "{alpine:#?}");

    // Fully spelled out: only the API-host fact is worth saying.
    let full = notes("docker.io/library/alpine:3.9");
    assert_eq!(full.len(), 1, "{full:#?}");
    assert!(mentions(&full, DOCKER_HUB_API_HOST), "{full:#?}");

    // Another registry, pinned by digest: nothing was expanded.
    let ghcr = notes(&format!("ghcr.io/a/b@{D2}"));
    assert!(ghcr.is_empty(), "{ghcr:#?}");

    let alias = notes("index.docker.io/alpine");
    assert!(
        mentions(&alias, "\"index.docker.io\" is an alias"),
        "{alias:#?}"
    );
    assert!(mentions(&alias, "\"library/\""), "{alias:#?}");
    assert!(!mentions(&alias, "No registry host"), "{alias:#?}");

    let both = notes(&format!("user/app:1.0@{D2}"));
    assert!(mentions(&both, "the digest wins"), "{both:#?}");
    assert!(
        !mentions(&both, "\"library/\"") && !mentions(&both, "\"latest\""),
        "{both:#?}"
    );

    let local = notes("localhost:5000/app");
    assert_eq!(local.len(), 1, "{local:#?}");
    assert!(mentions(&local, "\"latest\""), "{local:#?}");
}

#[test]
fn identifier_pinned_sibling_and_api_host() {
    let digest = Digest::parse(D2).unwrap();
    let tagged = Reference::parse("alpine:3.9").unwrap();
    assert_eq!(tagged.identifier(), "3.9");
    assert_eq!(tagged.api_host(), DOCKER_HUB_API_HOST);
    assert_eq!(tagged.repository().api_host(), "registry-1.docker.io");

    let pinned = tagged.pinned(&digest);
    assert_eq!(pinned.tag, None);
    assert_eq!(pinned.digest.as_ref(), Some(&digest));
    assert_eq!(pinned.identifier(), D2);
    assert_eq!(pinned.to_string(), format!("docker.io/library/alpine@{D2}"));
    assert_eq!(pinned.familiar(), format!("alpine@{D2}"));
    assert_eq!(pinned.repository(), tagged.repository());

    // The digest wins over the tag for what goes after /manifests/.
    let both = Reference::parse(&format!("ghcr.io/o/a:v1@{D1}")).unwrap();
    assert_eq!(both.identifier(), D1);
    assert_eq!(both.api_host(), "ghcr.io");

    let local = Reference::parse("localhost:5000/x").unwrap();
    assert_eq!(
        (local.identifier().as_str(), local.api_host()),
        ("latest", "localhost:5000")
    );
    // An alias is normalised first, so its API host is Hub's too.
    let alias = Repository::parse("index.docker.io/user/app").unwrap();
    assert_eq!(alias.api_host(), DOCKER_HUB_API_HOST);
}

#[test]
fn reference_serde_round_trip() {
    let reference = Reference::parse(&format!("[::1]:5000/a/b:v2@{D1}")).unwrap();
    let json = serde_json::to_value(&reference).unwrap();
    assert_eq!(json["registry"], "[::1]:5000");
    assert_eq!(json["digest"], D1);
    assert_eq!(
        serde_json::from_value::<Reference>(json).unwrap(),
        reference
    );
}
