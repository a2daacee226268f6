//! Inputs Docker refuses, and the exact error a person is shown.

use super::*;

pub fn invalid_cases() -> Vec<Case> {
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
