//! Inputs Docker accepts, and what it makes of each.

use super::*;

pub fn valid_cases() -> Vec<Case> {
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
