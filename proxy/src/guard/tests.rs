//! The guard's tables: every address family and spelling the issue lists, row by row.

use super::*;

fn url(text: &str) -> Url {
    Url::parse(text).unwrap()
}

/// Every row of issue 4's list, as a URL the proxy could be asked to fetch, with the range it
/// belongs to. The URL parser (WHATWG) turns decimal, octal, hex and short IPv4 spellings
/// into the address they mean before the guard sees them, so they are refused as such.
const REFUSED: &[(&str, &str)] = &[
    ("https://127.0.0.1/", "loopback"),
    ("https://127.255.255.254/", "loopback, end of 127/8"),
    ("https://[::1]/", "IPv6 loopback"),
    ("https://10.0.0.1/", "RFC 1918 10/8"),
    ("https://10.255.255.255/", "RFC 1918 10/8"),
    ("https://172.16.5.4/", "RFC 1918 172.16/12"),
    ("https://172.31.255.255/", "RFC 1918 172.16/12, end"),
    ("https://192.168.1.1/", "RFC 1918 192.168/16"),
    ("https://100.64.0.1/", "CGNAT 100.64/10"),
    ("https://100.127.255.254/", "CGNAT 100.64/10, end"),
    ("https://169.254.169.254/", "cloud metadata"),
    ("https://169.254.0.1/", "IPv4 link-local"),
    ("https://[fe80::1]/", "IPv6 link-local"),
    ("https://[febf::1]/", "IPv6 link-local, end of fe80::/10"),
    ("https://[fec0::1]/", "deprecated site-local"),
    ("https://[fc00::1]/", "unique-local fc00::/7"),
    ("https://[fd12:3456::1]/", "unique-local fd00::/8"),
    ("https://[fdff:ffff::1]/", "unique-local, end"),
    ("https://0.0.0.0/", "this network"),
    ("https://0.1.2.3/", "this network 0/8"),
    ("https://[::]/", "IPv6 unspecified"),
    ("https://224.0.0.1/", "multicast 224/4"),
    ("https://239.255.255.250/", "multicast (SSDP)"),
    ("https://[ff02::1]/", "IPv6 multicast"),
    ("https://[ff0e::1]/", "IPv6 global-scope multicast"),
    ("https://255.255.255.255/", "broadcast"),
    ("https://240.0.0.1/", "reserved 240/4"),
    ("https://192.0.0.8/", "IETF protocol assignments"),
    ("https://192.88.99.1/", "6to4 relay anycast"),
    ("https://198.18.0.1/", "benchmarking"),
    ("https://[::ffff:127.0.0.1]/", "IPv4-mapped loopback"),
    ("https://[::ffff:7f00:1]/", "IPv4-mapped loopback, hex"),
    ("https://[::ffff:169.254.169.254]/", "IPv4-mapped metadata"),
    ("https://[::ffff:10.0.0.1]/", "IPv4-mapped RFC 1918"),
    ("https://[::127.0.0.1]/", "IPv4-compatible loopback"),
    ("https://[::10.0.0.1]/", "IPv4-compatible RFC 1918"),
    (
        "https://[::ffff:0:127.0.0.1]/",
        "IPv4-translated (RFC 2765) loopback",
    ),
    ("https://[64:ff9b::a9fe:a9fe]/", "NAT64 embedding metadata"),
    ("https://[64:ff9b::7f00:1]/", "NAT64 embedding loopback"),
    ("https://[64:ff9b::10.1.2.3]/", "NAT64 embedding RFC 1918"),
    (
        "https://[64:ff9b:1::8.8.8.8]/",
        "local-use NAT64 (RFC 8215)",
    ),
    ("https://[2002:7f00:1::]/", "6to4 embedding loopback"),
    ("https://[2002:a00:1::1]/", "6to4 embedding 10.0.0.1"),
    ("https://[2002:a9fe:a9fe::]/", "6to4 embedding metadata"),
    ("https://[2001:0:4136:e378::1]/", "Teredo"),
    ("https://[2001:db8::1]/", "IPv6 documentation"),
    ("https://[100::1]/", "IPv6 discard-only"),
    // Odd IPv4 spellings of a registry host.
    ("https://2130706433/", "decimal 127.0.0.1"),
    ("https://0177.0.0.1/", "octal 127.0.0.1"),
    ("https://0x7f.0.0.1/", "hex 127.0.0.1"),
    ("https://0x7f000001/", "hex 127.0.0.1, one number"),
    ("https://0x7f.1/", "hex, short"),
    ("https://127.1/", "short 127.0.0.1"),
    ("https://10.1/", "short 10.0.0.1"),
    ("https://0251.0376.0251.0376/", "octal 169.254.169.254"),
    ("https://0xa9fea9fe/", "hex 169.254.169.254"),
    ("https://2852039166/", "decimal 169.254.169.254"),
    ("https://0/", "decimal 0.0.0.0"),
];

/// Public neighbours of the refused ranges: the guard must not refuse the whole world.
const PUBLIC: &[&str] = &[
    "https://8.8.8.8/",
    "https://9.255.255.255/",
    "https://11.0.0.1/",
    "https://100.63.255.255/",
    "https://100.128.0.1/",
    "https://172.15.255.255/",
    "https://172.32.0.1/",
    "https://169.253.255.255/",
    "https://192.167.255.255/",
    "https://223.255.255.255/",
    "https://[2606:4700::1111]/",
    "https://[::ffff:8.8.8.8]/",
    "https://[64:ff9b::8.8.8.8]/",
    "https://[2002:808:808::]/",
    "https://example.com/",
];

#[test]
fn refuses_every_private_target_in_every_spelling() {
    let guard = Guard::default();
    for (target, why) in REFUSED {
        assert!(
            matches!(
                guard.check_url(&url(target)),
                Err(GuardError::PrivateAddress { .. })
            ),
            "{target} ({why}) must be refused as private"
        );
    }
    for target in PUBLIC {
        assert!(guard.check_url(&url(target)).is_ok(), "{target} must pass");
    }
}

#[test]
fn odd_ipv4_spellings_mean_the_address_they_spell() {
    let cases = [
        ("2130706433", "127.0.0.1"),
        ("0177.0.0.1", "127.0.0.1"),
        ("0x7f.0.0.1", "127.0.0.1"),
        ("0x7f000001", "127.0.0.1"),
        ("127.1", "127.0.0.1"),
        ("10.1", "10.0.0.1"),
        ("0xa9fea9fe", "169.254.169.254"),
    ];
    for (spelling, meant) in cases {
        let parsed = url(&format!("https://{spelling}:5000/v2/"));
        assert_eq!(parsed.host_str(), Some(meant), "{spelling}");
        // The allow-list parses the same way, so allowing one spelling allows the address.
        let allowed: AllowedHost = format!("{spelling}:5000").parse().unwrap();
        let guard = Guard::new(vec![allowed]);
        assert!(
            guard
                .check_url(&url(&format!("https://{meant}:5000/v2/")))
                .is_ok()
        );
    }
}

#[test]
fn refused_targets_stay_refused_when_only_another_port_is_allowed() {
    let guard = Guard::new(vec![
        "127.0.0.1:5000".parse().unwrap(),
        "localhost:5000".parse().unwrap(),
    ]);
    for target in [
        "http://127.0.0.1:6000/",
        "http://2130706433:6000/",
        "http://[::ffff:127.0.0.1]:5000/", // another spelling is another host
        "http://localhost:6000/",
        "https://169.254.169.254/",
    ] {
        assert!(guard.check_url(&url(target)).is_err(), "{target}");
    }
}

/// Regression: "allow-listed for another port only" was reported as a private address
/// `0.0.0.0`, which sent operators looking for a DNS problem.
#[test]
fn another_port_is_refused_as_port_not_allowed_naming_the_open_ports() {
    let guard = Guard::new(vec![
        "127.0.0.1:5000".parse().unwrap(),
        "registry.internal:5000".parse().unwrap(),
        "registry.internal:5001".parse().unwrap(),
        "8.8.8.8:5000".parse().unwrap(),
    ]);
    let cases: [(&str, &str, u16, &[u16]); 3] = [
        ("http://127.0.0.1:6000/", "127.0.0.1", 6000, &[5000]),
        ("http://2130706433:6000/", "127.0.0.1", 6000, &[5000]),
        (
            "https://registry.internal/v2/",
            "registry.internal",
            443,
            &[5000, 5001],
        ),
    ];
    for (target, want_host, want_port, want_allowed) in cases {
        match guard.check_url(&url(target)) {
            Err(GuardError::PortNotAllowed {
                host,
                port,
                allowed,
            }) => {
                assert_eq!((host.as_str(), port), (want_host, want_port), "{target}");
                assert_eq!(allowed, want_allowed, "{target}");
            }
            other => panic!("{target}: {other:?}"),
        }
    }
    let message = guard
        .check_url(&url("https://registry.internal/v2/"))
        .unwrap_err()
        .to_string();
    assert!(
        message.contains("port 5000 or 5001 only, not 443"),
        "{message}"
    );
    assert!(
        message.contains("--allow-host registry.internal:443"),
        "{message}"
    );
    assert!(!message.contains("0.0.0.0"), "{message}");
    // A public address needs no exemption, whatever port the list names for it.
    assert!(guard.check_url(&url("https://8.8.8.8:6000/")).is_ok());
    assert_eq!(
        guard.allowed_hosts(),
        [
            "127.0.0.1:5000",
            "registry.internal:5000",
            "registry.internal:5001",
            "8.8.8.8:5000"
        ]
    );
}

#[test]
fn resolved_answers_keep_only_public_addresses() {
    let guard = Guard::default();
    let addr = |text: &str| SocketAddr::new(text.parse().unwrap(), 0);
    let mixed = vec![
        addr("127.0.0.1"),
        addr("8.8.8.8"),
        addr("fd00::1"),
        addr("2606:4700::1"),
    ];
    assert_eq!(
        guard.screen("mixed.example", mixed.clone()).unwrap(),
        vec![addr("8.8.8.8"), addr("2606:4700::1")],
        "private answers are dropped, never connected to"
    );
    for private in ["127.0.0.1", "169.254.169.254", "::ffff:10.0.0.1", "fe80::1"] {
        assert!(matches!(
            guard.screen("rebind.example", vec![addr(private)]),
            Err(GuardError::PrivateAddress { .. })
        ));
    }
    assert!(matches!(
        guard.screen("empty.example", Vec::new()),
        Err(GuardError::NoAddress { .. })
    ));
    let allowed = Guard::new(vec!["registry.internal".parse().unwrap()]);
    assert_eq!(
        allowed.screen("REGISTRY.internal", mixed.clone()).unwrap(),
        mixed,
        "an allow-listed name keeps every address"
    );
}

#[test]
fn allow_list_is_per_host_and_port_and_enables_plain_http_for_loopback() {
    let guard = Guard::new(vec![
        "127.0.0.1:5000".parse().unwrap(),
        "localhost".parse().unwrap(),
    ]);
    assert!(guard.check_url(&url("http://127.0.0.1:5000/v2/")).is_ok());
    assert!(guard.check_url(&url("http://127.0.0.1:5001/v2/")).is_err());
    assert!(guard.check_url(&url("http://localhost:9999/v2/")).is_ok());
    assert_eq!(guard.scheme_for("127.0.0.1:5000"), "http");
    assert_eq!(guard.scheme_for("127.0.0.1:5001"), "https");
    assert_eq!(guard.scheme_for("ghcr.io"), "https");
    assert!(matches!(
        guard.check_url(&url("http://example.com/")),
        Err(GuardError::PlainHttp { .. })
    ));
    assert!(matches!(
        guard.check_url(&url("file:///etc/passwd")),
        Err(GuardError::Scheme(_))
    ));
}

#[tokio::test]
async fn resolver_drops_private_answers_unless_allowed() {
    let refused = Guard::default().resolver();
    let err = refused
        .resolve("localhost".parse().unwrap())
        .await
        .err()
        .unwrap();
    assert!(err.to_string().contains("private or loopback"), "{err}");
    let allowed = Guard::new(vec!["localhost".parse().unwrap()]).resolver();
    assert!(allowed.resolve("localhost".parse().unwrap()).await.is_ok());
}

/// An allow-listed private host is for people to name: a public registry's redirect, token
/// realm, `Link` or foreign-layer URL must not reach it; an allow-listed registry's may.
#[test]
fn allow_listed_hosts_are_not_reachable_by_hops_from_other_registries() {
    let guard = Guard::new(vec![
        "127.0.0.1:5000".parse().unwrap(),
        "127.0.0.1:5001".parse().unwrap(),
    ]);
    let private = url("http://127.0.0.1:5000/v2/");
    let public_origin = url("https://registry.example/v2/");
    let allowed_origin = url("http://127.0.0.1:5001/v2/");
    assert!(matches!(
        guard.check_hop(&private, &public_origin),
        Err(GuardError::AllowListedHop { .. })
    ));
    assert!(guard.check_hop(&private, &allowed_origin).is_ok());
    assert!(
        guard.check_hop(&private, &private).is_ok(),
        "the registry itself"
    );
    assert!(
        guard
            .check_hop(&url("https://cdn.example/blob"), &public_origin)
            .is_ok(),
        "public hops stay allowed"
    );
}

/// Issue 9: only names that are loopback by their spelling get plain HTTP; a real registry
/// name mapped to 127.77.x.y in `/etc/hosts`, or a `*.localhost` name (Caddy serves those
/// over HTTPS with its local CA), keeps HTTPS even when allow-listed.
#[test]
fn only_literal_loopback_names_get_plain_http() {
    let guard = Guard::new(
        [
            "localhost",
            "127.0.0.1",
            "127.8.9.10:5000",
            "[::1]",
            "registry.localhost",
            "ghcr.io",
            "registry.internal",
        ]
        .iter()
        .map(|h| h.parse().unwrap())
        .collect(),
    );
    for (host, scheme) in [
        ("localhost:5000", "http"),
        ("LOCALHOST", "http"),
        ("127.0.0.1:5000", "http"),
        ("127.8.9.10:5000", "http"),
        ("[::1]:5000", "http"),
        ("registry.localhost", "https"),
        ("ghcr.io", "https"),
        ("registry.internal:5000", "https"),
    ] {
        assert_eq!(guard.scheme_for(host), scheme, "{host}");
    }
    assert!(matches!(
        guard.check_url(&url("http://registry.localhost/v2/")),
        Err(GuardError::PlainHttp { .. })
    ));
    assert!(matches!(
        guard.check_url(&url("http://ghcr.io/v2/")),
        Err(GuardError::PlainHttp { .. })
    ));
}

#[test]
fn host_entries_match_urls_by_host_and_port() {
    let any_port = AllowedHost::parse("Registry.Example", "--insecure-host").unwrap();
    let one_port = AllowedHost::parse("registry.example:8443", "--insecure-host").unwrap();
    assert!(any_port.matches(&url("https://registry.example/v2/")));
    assert!(any_port.matches(&url("https://registry.example:8443/v2/")));
    assert!(!any_port.matches(&url("https://cdn.registry.example/v2/")));
    assert!(one_port.matches(&url("https://registry.example:8443/v2/")));
    assert!(!one_port.matches(&url("https://registry.example/v2/")));
    assert_eq!(one_port.to_string(), "registry.example:8443");
    let err = AllowedHost::parse("a/b", "--insecure-host").unwrap_err();
    assert!(err.contains("--insecure-host"), "{err}");
}
