//! Issue 4, SSRF: a reference naming a private or loopback host in any spelling is refused
//! (`refused_host`, 403) before any connection is made, unless the host is allow-listed.
//!
//! Loopback spellings aim at a [`ConnectionTrap`] on the port they name, so "refused" means
//! "never connected", not "connected and then failed". Hosts that are not on this machine
//! (10/8, 169.254.169.254, …) could not be reached anyway; the trace proves no request left.

use crate::support::{Answer, Lading, encode};
use lading_testkit::fixtures::ConnectionTrap;

/// Registry-host spellings of a private address; `PORT` becomes the trap's port.
const PRIVATE_HOSTS: &[&str] = &[
    "127.0.0.1:PORT",
    "127.0.0.2:PORT",
    "2130706433:PORT",
    "0177.0.0.1:PORT",
    "0x7f.0.0.1:PORT",
    "0x7f000001:PORT",
    "0X7F000001:PORT",
    "127.1:PORT",
    "0:PORT",
    "0.0.0.0:PORT",
    "[::1]:PORT",
    "[::]:PORT",
    "[::ffff:7f00:1]:PORT",
    "[::7f00:1]:PORT",
    "[::ffff:0:7f00:1]:PORT",
    "[64:ff9b::7f00:1]:PORT",
    "[2002:7f00:1::]:PORT",
    "10.1:PORT",
    "10.0.0.1:PORT",
    "172.16.0.1:PORT",
    "192.168.0.1:PORT",
    "100.64.0.1:PORT",
    "169.254.169.254:PORT",
    "2852039166:PORT",
    "[fe80::1]:PORT",
    "[fc00::1]:PORT",
    "[fd00:ec2::254]:PORT",
    "224.0.0.1:PORT",
    "[ff02::1]:PORT",
    "255.255.255.255:PORT",
];

/// Spellings the reference grammar rejects first (distribution's grammar: an IPv6 literal is
/// hex and ':' only), so they never reach the guard: `invalid_reference`, 400.
const GRAMMAR_REJECTS: &[&str] = &[
    "[::ffff:127.0.0.1]:PORT",
    "[::127.0.0.1]:PORT",
    "[64:ff9b::169.254.169.254]:PORT",
];

fn no_request_left(answer: &Answer) -> bool {
    answer
        .exchanges()
        .iter()
        .all(|(_, status, _)| status.is_none())
}

#[tokio::test(flavor = "multi_thread")]
async fn private_hosts_in_every_spelling_are_refused_without_a_connection() {
    let trap = ConnectionTrap::start();
    let lading = Lading::allowing(&[]);
    for spelling in PRIVATE_HOSTS {
        let host = spelling.replace("PORT", &trap.port().to_string());
        let answer = lading.image(&format!("{host}/x:y")).await;
        assert_eq!(
            (answer.status.as_u16(), answer.kind()),
            (403, "refused_host"),
            "{host}: {:#}",
            answer.json
        );
        assert!(no_request_left(&answer), "{host}: {:#}", answer.json);
        let message = answer.json["message"].as_str().unwrap_or_default();
        assert!(message.contains("--allow-host"), "{host}: {message}");
    }
    assert_eq!(trap.connections(), 0, "a refused host was connected to");
}

/// IPv6 spellings of loopback, aimed at a trap on `[::1]` (this machine has IPv6 loopback;
/// the v4 trap above cannot see a connection to `::1`).
#[tokio::test(flavor = "multi_thread")]
async fn ipv6_loopback_spellings_are_refused_without_a_connection() {
    let trap = ConnectionTrap::on("[::1]:0").expect("IPv6 loopback");
    let lading = Lading::allowing(&[]);
    for host in ["[::1]", "[0:0:0:0:0:0:0:1]", "[::0001]"] {
        let answer = lading.image(&format!("{host}:{}/x:y", trap.port())).await;
        assert_eq!(answer.kind(), "refused_host", "{host}: {:#}", answer.json);
    }
    assert_eq!(trap.connections(), 0);
    // The control: allowed, the same address is reached.
    let allowed = Lading::allowing(&[&format!("[::1]:{}", trap.port())]);
    let answer = allowed.image(&format!("[::1]:{}/x:y", trap.port())).await;
    assert_eq!(answer.kind(), "unreachable", "{:#}", answer.json);
    assert!(trap.connections() >= 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn spellings_the_reference_grammar_rejects_are_bad_requests() {
    let trap = ConnectionTrap::start();
    let lading = Lading::allowing(&[]);
    for spelling in GRAMMAR_REJECTS {
        let host = spelling.replace("PORT", &trap.port().to_string());
        let answer = lading.image(&format!("{host}/x:y")).await;
        assert_eq!(
            (answer.status.as_u16(), answer.kind()),
            (400, "invalid_reference"),
            "{host}: {:#}",
            answer.json
        );
        assert!(answer.exchanges().is_empty());
    }
    assert_eq!(trap.connections(), 0);
}

/// Every API route that names a registry goes through the same guard.
#[tokio::test(flavor = "multi_thread")]
async fn every_route_refuses_a_private_registry() {
    let trap = ConnectionTrap::start();
    let lading = Lading::allowing(&[]);
    let host = format!("2130706433:{}", trap.port());
    let digest = format!("sha256:{}", "a".repeat(64));
    let image = encode(&format!("{host}/x:y"));
    for path in [
        format!("/api/image?ref={image}"),
        format!("/api/tags?repo={}", encode(&format!("{host}/x"))),
        format!("/api/blob?ref={image}&digest={digest}"),
        format!("/api/export?ref={image}"),
        format!("/api/file?ref={image}&path=/etc/passwd&preview=10"),
        format!("/api/layer?ref={image}&digest={digest}"),
        format!("/api/merged?ref={image}"),
    ] {
        let answer = lading.get_raw(&path).await;
        let text = String::from_utf8_lossy(&answer.body);
        // Listings answer 200 and report failure in their stream's last line.
        assert!(
            answer.status == 403 || text.contains("refused_host"),
            "{path}: {} {text}",
            answer.status
        );
        assert!(text.contains("refused_host"), "{path}: {text}");
    }
    assert_eq!(trap.connections(), 0);
}

/// The control: the trap does see a connection once the host is allowed, so the zero above
/// means "refused", not "the trap cannot count".
#[tokio::test(flavor = "multi_thread")]
async fn an_allowed_spelling_does_connect() {
    let trap = ConnectionTrap::start();
    let port = trap.port().to_string();
    let lading = Lading::allowing(&[&format!("127.0.0.1:{port}")]);
    // The allow-list and request URLs normalise alike: the decimal spelling is 127.0.0.1.
    let answer = lading.image(&format!("2130706433:{port}/x:y")).await;
    assert_eq!(answer.kind(), "unreachable", "{:#}", answer.json);
    assert!(trap.connections() >= 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn allow_listing_one_port_does_not_open_the_others() {
    let trap = ConnectionTrap::start();
    let lading = Lading::allowing(&["127.0.0.1:1", "localhost:1"]);
    for host in ["127.0.0.1", "localhost", "2130706433"] {
        let answer = lading.image(&format!("{host}:{}/x:y", trap.port())).await;
        assert_eq!(
            answer.kind(),
            "port_not_allowed",
            "{host}: {:#}",
            answer.json
        );
    }
    assert_eq!(trap.connections(), 0);
}
