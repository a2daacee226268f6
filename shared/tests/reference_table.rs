//! `Reference::parse` and `Repository::parse` as tables, cases learnt from distribution's
//! `reference/reference_test.go` and `normalize_test.go` plus the quirks Lading cares about.
//!
//! Every valid row states what Docker would make of the input (registry, repository, tag,
//! digest); every invalid row states the exact error a person would be shown.

use lading_shared::digest::DigestError;
use lading_shared::reference::{MAX_NAME_LEN, MAX_TAG_LEN, is_valid_tag};
use lading_shared::{Digest, Reference, ReferenceError, Repository};

/// A digest that only needs to be well formed.
const D1: &str = "sha256:ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff";
const D2: &str = "sha256:86e0e091d0da6bde2456dbb48306f3956bbeb2eae1b5b9a43045843f69fe4aaa";
/// 64 lowercase hex characters: what `docker images --no-trunc` prints as an image ID.
const HEX64: &str = "1a3f5e7d9c1b3a5f7e9d1c3b5a7f9e1d3c5b7a9f1e3d5d7c9b1a3f5e7d9c1b3a";

/// What a valid input parses to.
struct Want {
    registry: &'static str,
    repository: String,
    tag: Option<String>,
    digest: Option<String>,
    /// `Display`, when the row checks it.
    display: Option<String>,
    /// `familiar()`, when the row checks it.
    familiar: Option<String>,
}

struct Case {
    input: String,
    want: Result<Want, ReferenceError>,
}

fn ok(input: impl Into<String>, registry: &'static str, repository: impl Into<String>) -> Case {
    Case {
        input: input.into(),
        want: Ok(Want {
            registry,
            repository: repository.into(),
            tag: Some("latest".into()),
            digest: None,
            display: None,
            familiar: None,
        }),
    }
}

fn err(input: impl Into<String>, error: ReferenceError) -> Case {
    Case {
        input: input.into(),
        want: Err(error),
    }
}

impl Case {
    fn want(&mut self) -> &mut Want {
        self.want
            .as_mut()
            .expect("only valid rows have fields to set")
    }
    fn tag(mut self, tag: impl Into<String>) -> Case {
        self.want().tag = Some(tag.into());
        self
    }
    /// Digest only: no tag, not even the default.
    fn digest(mut self, digest: impl Into<String>) -> Case {
        let want = self.want();
        want.tag = None;
        want.digest = Some(digest.into());
        self
    }
    /// `name:tag@digest`: both kept, the digest wins when fetching.
    fn tag_and_digest(mut self, tag: &str, digest: &str) -> Case {
        let want = self.want();
        want.tag = Some(tag.into());
        want.digest = Some(digest.into());
        self
    }
    fn display(mut self, display: impl Into<String>) -> Case {
        self.want().display = Some(display.into());
        self
    }
    fn familiar(mut self, familiar: impl Into<String>) -> Case {
        self.want().familiar = Some(familiar.into());
        self
    }
}

fn bad_hex(found: &str) -> ReferenceError {
    ReferenceError::InvalidDigest(DigestError::BadHex {
        algorithm: "sha256",
        expected: 64,
        found: found.into(),
    })
}

fn component(component: &str) -> ReferenceError {
    ReferenceError::InvalidComponent {
        component: component.into(),
    }
}

fn port(registry: &str, port: &str) -> ReferenceError {
    ReferenceError::InvalidPort {
        registry: registry.into(),
        port: port.into(),
    }
}

fn registry(host: &str) -> ReferenceError {
    ReferenceError::InvalidRegistry(host.into())
}

fn uppercase(component: &str) -> ReferenceError {
    ReferenceError::Uppercase(component.into())
}

fn valid_cases() -> Vec<Case> {
    let a255 = "a".repeat(255);
    let path255 = format!("{}a", "a/".repeat(127));
    let tag128 = format!("t{}", "a".repeat(127));
    vec![
        // Docker Hub defaults: registry, "library/" namespace and "latest" tag.
        ok("ubuntu", "docker.io", "library/ubuntu")
            .display("docker.io/library/ubuntu:latest")
            .familiar("ubuntu:latest"),
        ok("ubuntu:22.04", "docker.io", "library/ubuntu").tag("22.04"),
        ok("user/app", "docker.io", "user/app")
            .display("docker.io/user/app:latest")
            .familiar("user/app:latest"),
        ok("library/ubuntu", "docker.io", "library/ubuntu").familiar("ubuntu:latest"),
        ok("docker.io/ubuntu", "docker.io", "library/ubuntu").familiar("ubuntu:latest"),
        ok(
            "docker.io/library/busybox:latest",
            "docker.io",
            "library/busybox",
        ),
        ok("docker.io/library/foo/bar", "docker.io", "library/foo/bar")
            .familiar("library/foo/bar:latest"),
        ok("other/library", "docker.io", "other/library"),
        ok("store/foo/bar", "docker.io", "store/foo/bar"),
        ok(
            "dmcgowan/myapp@".to_string() + D2,
            "docker.io",
            "dmcgowan/myapp",
        )
        .digest(D2)
        .display(format!("docker.io/dmcgowan/myapp@{D2}")),
        // Hub's legacy names normalise to docker.io.
        ok("index.docker.io/debian", "docker.io", "library/debian"),
        ok(
            "index.docker.io/docker/docker",
            "docker.io",
            "docker/docker",
        ),
        ok(
            "registry-1.docker.io/library/redis:7",
            "docker.io",
            "library/redis",
        )
        .tag("7")
        .familiar("redis:7"),
        // localhost is a registry; alone, without a '/', it is a Hub repository.
        ok("localhost/fooo", "localhost", "fooo").familiar("localhost/fooo:latest"),
        ok("localhost/fooo/bar:1", "localhost", "fooo/bar").tag("1"),
        ok("localhost:5000/debian", "localhost:5000", "debian")
            .display("localhost:5000/debian:latest"),
        ok(
            "localhost:5000/a/b:v2@".to_string() + D1,
            "localhost:5000",
            "a/b",
        )
        .tag_and_digest("v2", D1),
        ok("localhost", "docker.io", "library/localhost"),
        ok("localhost:5000", "docker.io", "library/localhost").tag("5000"),
        // Dots and ports make the first component a host; without a '/' they are a name.
        ok("test.com:tag", "docker.io", "library/test.com").tag("tag"),
        ok("test.com/repo:tag", "test.com", "repo").tag("tag"),
        ok("test:5000/repo", "test:5000", "repo"),
        ok("test-com:8080/foo", "test-com:8080", "foo"),
        ok("foo_bar.com:8080", "docker.io", "library/foo_bar.com").tag("8080"),
        ok("foo/foo_bar.com:8080", "docker.io", "foo/foo_bar.com").tag("8080"),
        ok(
            "127.0.0.1:5000/docker/docker",
            "127.0.0.1:5000",
            "docker/docker",
        ),
        ok("192.168.1.1", "docker.io", "library/192.168.1.1"),
        ok("192.168.1.1/repo", "192.168.1.1", "repo"),
        ok("192.168.0.1:8/debian", "192.168.0.1:8", "debian"),
        ok("192.168.1.1:5000/repo:5050", "192.168.1.1:5000", "repo").tag("5050"),
        ok(
            "sub-dom1.foo.com/bar/baz/quux:some-long-tag",
            "sub-dom1.foo.com",
            "bar/baz/quux",
        )
        .tag("some-long-tag"),
        ok(
            "b.gcr.io/test.example.com/my-app:test.example.com",
            "b.gcr.io",
            "test.example.com/my-app",
        )
        .tag("test.example.com"),
        ok("xn--n3h.com/myimage:xn--n3h.com", "xn--n3h.com", "myimage").tag("xn--n3h.com"),
        ok(
            "xn--7o8h.com/myimage:xn--7o8h.com@".to_string() + D1,
            "xn--7o8h.com",
            "myimage",
        )
        .tag_and_digest("xn--7o8h.com", D1),
        ok("gcr.io/library/busybox", "gcr.io", "library/busybox")
            .familiar("gcr.io/library/busybox:latest"),
        ok(
            "quay.io/prometheus/node-exporter:v1.8.2",
            "quay.io",
            "prometheus/node-exporter",
        )
        .tag("v1.8.2")
        .familiar("quay.io/prometheus/node-exporter:v1.8.2"),
        ok(
            "registry.gitlab.com/group/sub/project/image:main",
            "registry.gitlab.com",
            "group/sub/project/image",
        )
        .tag("main"),
        // Uppercase is allowed in the registry host (and makes a first component a host).
        ok("LOCALDOMAIN/fooo", "LOCALDOMAIN", "fooo"),
        ok("Foo/bar", "Foo", "bar").familiar("Foo/bar:latest"),
        ok(
            "REGISTRY.Example.COM:443/team/app:v1",
            "REGISTRY.Example.COM:443",
            "team/app",
        )
        .tag("v1"),
        // IPv6 literals in brackets, with and without a port.
        ok("[::1]:5000/x", "[::1]:5000", "x").display("[::1]:5000/x:latest"),
        ok("[2001:db8::1]/repo", "[2001:db8::1]", "repo"),
        ok("[2001:db8::]:5000/repo", "[2001:db8::]:5000", "repo"),
        ok(
            "[2001:db8:1:2:3:4:5:6]/repo:tag",
            "[2001:db8:1:2:3:4:5:6]",
            "repo",
        )
        .tag("tag"),
        ok(
            "[2001:db8::1]:5000/repo:tag@".to_string() + D1,
            "[2001:db8::1]:5000",
            "repo",
        )
        .tag_and_digest("tag", D1),
        ok(
            "[fc00::1]:5000/docker/docker",
            "[fc00::1]:5000",
            "docker/docker",
        ),
        // Digests: digest-only has no tag; name:tag@digest keeps the tag, the digest wins.
        ok("ghcr.io/org/app@".to_string() + D2, "ghcr.io", "org/app")
            .digest(D2)
            .display(format!("ghcr.io/org/app@{D2}"))
            .familiar(format!("ghcr.io/org/app@{D2}")),
        ok(
            "busybox:latest@".to_string() + D2,
            "docker.io",
            "library/busybox",
        )
        .tag_and_digest("latest", D2)
        .display(format!("docker.io/library/busybox:latest@{D2}"))
        .familiar(format!("busybox:latest@{D2}")),
        ok(
            format!("x@sha512:{}", "0".repeat(128)),
            "docker.io",
            "library/x",
        )
        .digest(format!("sha512:{}", "0".repeat(128))),
        // Without '@', a bare digest is a name and a tag, as `docker pull` reads it.
        ok(D1, "docker.io", "library/sha256").tag(&D1[7..]),
        // Path component separators: '.', '_', '__', any run of '-'.
        ok("a.b", "docker.io", "library/a.b"),
        ok("a_b", "docker.io", "library/a_b"),
        ok("a__b", "docker.io", "library/a__b"),
        ok("a---b", "docker.io", "library/a---b"),
        ok("docker-rules/docker", "docker.io", "docker-rules/docker"),
        ok("dock__er/docker", "docker.io", "dock__er/docker"),
        ok("d/docker", "docker.io", "d/docker"),
        ok("jess/t", "docker.io", "jess/t"),
        ok(
            "ubuntu-12.04-base",
            "docker.io",
            "library/ubuntu-12.04-base",
        ),
        // 64 characters are an image ID only when all hex and nothing else was given.
        ok(
            "thisisthesongthatneverendsitgoesonandonandonthisisthesongthatnev",
            "docker.io",
            "library/thisisthesongthatneverendsitgoesonandonandonthisisthesongthatnev",
        ),
        ok(
            format!("docker.io/{HEX64}"),
            "docker.io",
            format!("library/{HEX64}"),
        ),
        ok(
            format!("{HEX64}:v1"),
            "docker.io",
            format!("library/{HEX64}"),
        )
        .tag("v1"),
        ok(&HEX64[1..], "docker.io", format!("library/{}", &HEX64[1..])),
        ok("dbcc1", "docker.io", "library/dbcc1"),
        // Tags: `[\w][\w.-]{0,127}`, uppercase allowed.
        ok(format!("ubuntu:{tag128}"), "docker.io", "library/ubuntu").tag(tag128),
        ok("lowercase:Uppercase", "docker.io", "library/lowercase").tag("Uppercase"),
        ok("app:_underscore_first", "docker.io", "library/app").tag("_underscore_first"),
        ok("app:v1.2.3-rc.1_build", "docker.io", "library/app").tag("v1.2.3-rc.1_build"),
        // The 255-character limit counts the repository path, not the host.
        ok(format!("example.com/{a255}:tag"), "example.com", a255).tag("tag"),
        ok(
            format!("{path255}:tag-puts-this-over-max"),
            "docker.io",
            path255,
        )
        .tag("tag-puts-this-over-max"),
        // Surrounding whitespace (a pasted line) is trimmed.
        ok("  ubuntu:22.04\n", "docker.io", "library/ubuntu").tag("22.04"),
    ]
}

fn invalid_cases() -> Vec<Case> {
    use ReferenceError::*;
    let hex_upper = HEX64.to_ascii_uppercase();
    vec![
        err("", Empty),
        err("   ", Empty),
        err("ubu ntu", Whitespace(' ')),
        err("ubuntu\t:latest", Whitespace('\t')),
        err("al\npine", Whitespace('\n')),
        err("http://ghcr.io/a/b", Scheme("http".into())),
        err("https://github.com/docker/docker", Scheme("https".into())),
        err("oci://registry/x", Scheme("oci".into())),
        err(":justtag", MissingRepository),
        err(format!("@{D1}"), MissingRepository),
        err("ghcr.io/", MissingRepository),
        err("[2001:db8::1]", MissingRepository),
        err("[2001:db8::1]:5000", MissingRepository),
        err("[2001:db8::1]:tag", MissingRepository),
        err("ubuntu:", EmptyTag),
        err(format!("ubuntu:@{D1}"), EmptyTag),
        err(
            "ubuntu@",
            InvalidDigest(DigestError::MissingSeparator(String::new())),
        ),
        err(
            "ubuntu@sha256",
            InvalidDigest(DigestError::MissingSeparator("sha256".into())),
        ),
        err(
            "repo@sha256:ffffffffffffffffffffffffffffffffff",
            bad_hex("ffffffffffffffffffffffffffffffffff"),
        ),
        err(format!("repo@sha256:{hex_upper}"), bad_hex(&hex_upper)),
        err(
            format!("repo@sha512:{HEX64}"),
            InvalidDigest(DigestError::BadHex {
                algorithm: "sha512",
                expected: 128,
                found: HEX64.into(),
            }),
        ),
        err(
            format!("validname@invaliddigest:{}", &D1[7..]),
            InvalidDigest(DigestError::UnsupportedAlgorithm("invaliddigest".into())),
        ),
        err(
            "x@md5:d41d8cd98f00b204e9800998ecf8427e",
            InvalidDigest(DigestError::UnsupportedAlgorithm("md5".into())),
        ),
        err(
            format!("x@{D1}@{D2}"),
            bad_hex(&format!("{}@{D2}", &D1[7..])),
        ),
        err(HEX64, LooksLikeImageId),
        err(&D1[7..], LooksLikeImageId),
        // Uppercase repositories; distribution reports these separately from bad syntax.
        err("Uppercase:tag", uppercase("Uppercase")),
        err("UBUNTU", uppercase("UBUNTU")),
        err("docker/Docker", uppercase("Docker")),
        err("docker.io/docker/Docker", uppercase("Docker")),
        err("test:5000/Uppercase/lowercase:tag", uppercase("Uppercase")),
        // Separators and component edges.
        err("a..b", component("a..b")),
        err("a-", component("a-")),
        err("-a", component("-a")),
        err("a___b", component("a___b")),
        err("-docker/docker", component("-docker")),
        err("docker-/docker", component("docker-")),
        err("-docker-/docker", component("-docker-")),
        err("____/____", component("____")),
        err("_docker/_docker", component("_docker")),
        // With a '.', the first component is read as a host, so the host rules apply.
        err("dock_.er/docker", registry("dock_.er")),
        err("dock-.er/docker", registry("dock-.er")),
        err("x/dock_.er", component("dock_.er")),
        err("x/dock-.er", component("dock-.er")),
        err("aa/asdf$$^/aa", component("asdf$$^")),
        err("café", component("café")),
        err("ubuntu:latest:x", component("ubuntu:latest")),
        // Empty components: trailing slash, leading slash, '//'.
        err("ubuntu/", component("")),
        err("/ubuntu", component("")),
        err("//", component("")),
        err("docker///docker", component("")),
        err("docker.io/docker///docker", component("")),
        // Registry hosts.
        err("-docker.io/docker/docker", registry("-docker.io")),
        err("my_registry.com/x", registry("my_registry.com")),
        err("ex..ample.com/x", registry("ex..ample.com")),
        err("[fe80::1%eth0]:5000/repo", registry("[fe80::1%eth0]:5000")),
        err("[fe80::1%eth0]/repo", registry("[fe80::1%eth0]")),
        err(
            "[2001:db8:3:4::192.0.2.33]:5000/debian",
            registry("[2001:db8:3:4::192.0.2.33]:5000"),
        ),
        err("[zz::1]:5000/x", registry("[zz::1]:5000")),
        err("[::1/x", registry("[::1")),
        err("[::1]5000/x", registry("[::1]5000")),
        // The '@' is read first, so a zone with '@' ends up as a digest algorithm.
        err(
            "[fe80::1%@invalidzone]:5000/repo",
            InvalidDigest(DigestError::UnsupportedAlgorithm("invalidzone]".into())),
        ),
        // Ports.
        err("localhost:abc/x", port("localhost:abc", "abc")),
        err("localhost:/x", port("localhost:", "")),
        err("host.example:99999/x", port("host.example:99999", "99999")),
        err("fc00::1:5000/debian", port("fc00::1:5000", ":1:5000")),
        err("ubuntu:ta/g", port("ubuntu:ta", "ta")),
        // Tags.
        err(
            format!("ubuntu:t{}", "a".repeat(128)),
            InvalidTag(format!("t{}", "a".repeat(128))),
        ),
        err("ubuntu:.hidden", InvalidTag(".hidden".into())),
        err("ubuntu:-rc", InvalidTag("-rc".into())),
        err("ubuntu:tag+meta", InvalidTag("tag+meta".into())),
        err("ubuntu:tâg", InvalidTag("tâg".into())),
        // Length: the repository path, "library/" included, at most 255.
        err(
            format!("domain/{}:tag", "a".repeat(256)),
            NameTooLong(7 + 256),
        ),
        err(format!("example.com/{}", "a".repeat(256)), NameTooLong(256)),
        err("a".repeat(250), NameTooLong(8 + 250)),
        err(
            format!("{}/docker", "namespace_".repeat(25) + "x"),
            NameTooLong(251 + 7),
        ),
    ]
}

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
