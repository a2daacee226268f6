//! `Repository::parse` (what `/?repo=` takes) as a table: Docker's normalisation of a name
//! without tag or digest, and the error for input that carries one.

use crate::reference_cases;

use lading_shared::ReferenceError;
use lading_shared::Repository;
use reference_cases::{component, port, registry};

/// `(registry, repository, familiar)` or the error.
type RepositoryWant = Result<(&'static str, &'static str, &'static str), ReferenceError>;

#[test]
fn repository_table() {
    use ReferenceError::*;
    let cases: Vec<(&str, RepositoryWant)> = vec![
        ("alpine", Ok(("docker.io", "library/alpine", "alpine"))),
        ("user/app", Ok(("docker.io", "user/app", "user/app"))),
        ("docker.io/library/alpine", Ok(("docker.io", "library/alpine", "alpine"))),
        ("index.docker.io/user/app", Ok(("docker.io", "user/app", "user/app"))),
        ("registry-1.docker.io/alpine", Ok(("docker.io", "library/alpine", "alpine"))),
        ("ghcr.io/org/app", Ok(("ghcr.io", "org/app", "ghcr.io/org/app"))),
        ("localhost:5000/a/b", Ok(("localhost:5000", "a/b", "localhost:5000/a/b"))),
        ("[::1]:5000/x", Ok(("[::1]:5000", "x", "[::1]:5000/x"))),
        ("Registry.Example.com/x", Ok(("Registry.Example.com", "x", "Registry.Example.com/x"))),
        ("alpine:3.9", Err(UnexpectedTagOrDigest("alpine:3.9".into()))),
        ("ghcr.io/a/b:v1", Err(UnexpectedTagOrDigest("ghcr.io/a/b:v1".into()))),
        ("localhost:5000", Err(UnexpectedTagOrDigest("localhost:5000".into()))),
        (
            "ghcr.io/a/b@sha256:ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
            Err(UnexpectedTagOrDigest(
                "ghcr.io/a/b@sha256:ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"
                    .into(),
            )),
        ),
        ("", Err(Empty)),
        ("a b", Err(Whitespace(' '))),
        ("https://ghcr.io/a", Err(Scheme("https".into()))),
        ("ghcr.io/", Err(MissingRepository)),
        ("[::1]:5000", Err(MissingRepository)),
        ("Alpine", Err(Uppercase("Alpine".into()))),
        ("a..b", Err(component("a..b"))),
        ("user/", Err(component(""))),
        ("host:port/x", Err(port("host:port", "port"))),
        ("[fe80::1%eth0]:5000/x", Err(registry("[fe80::1%eth0]:5000"))),
    ];
    for (input, want) in cases {
        let got = Repository::parse(input);
        match (want, got) {
            (Ok((registry, repository, familiar)), Ok(got)) => {
                assert_eq!(
                    (got.registry.as_str(), got.repository.as_str()),
                    (registry, repository),
                    "{input}"
                );
                assert_eq!(got.familiar(), familiar, "{input}");
                assert_eq!(
                    got.to_string(),
                    format!("{registry}/{repository}"),
                    "{input}"
                );
                assert_eq!(
                    Repository::parse(&got.to_string()),
                    Ok(got.clone()),
                    "{input}"
                );
            }
            (want, got) => assert_eq!(
                got.map(|r| r.to_string()),
                want.map(|_| String::new()),
                "{input}"
            ),
        }
    }
}
