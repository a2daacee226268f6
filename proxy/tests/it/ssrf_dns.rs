//! Issue 4, SSRF through DNS: host names are resolved once, by the guard's resolver, and the
//! connection goes to the address it checked. No second lookup (DNS rebinding), no fallback
//! to the system resolver, no HTTP proxy from the environment resolving names behind the
//! guard's back.
//!
//! A name answering public *and* private addresses keeps only the public ones (see
//! `Guard::screen` and its table in `proxy/src/guard/tests.rs`: this machine has no DNS
//! server to script such an answer end to end).

use std::path::Path;

use crate::support::Lading;
use lading_testkit::fixtures::ConnectionTrap;
use lading_testkit::{LadingProcess, ScriptedRegistry, TagScript};

/// `localhost` comes from `/etc/hosts` through the system resolver, like a rebinding name
/// that answers `127.0.0.1` would come from DNS.
#[tokio::test(flavor = "multi_thread")]
async fn a_name_resolving_to_loopback_is_refused_without_a_connection() {
    let trap = ConnectionTrap::start();
    let lading = Lading::allowing(&[]);
    for name in ["localhost", "LOCALHOST"] {
        let answer = lading.image(&format!("{name}:{}/x:y", trap.port())).await;
        assert_eq!(
            (answer.status.as_u16(), answer.kind()),
            (403, "refused_host"),
            "{name}: {:#}",
            answer.json
        );
        let message = answer.json["message"].as_str().unwrap_or_default();
        assert!(
            message.contains("127.0.0.1"),
            "names the address: {message}"
        );
    }
    assert_eq!(
        trap.connections(),
        0,
        "the resolver let a loopback answer through"
    );
}

/// The control: allowed by name, the same name connects — to the trap, the address checked.
#[tokio::test(flavor = "multi_thread")]
async fn an_allowed_name_connects_to_the_address_it_resolved_to() {
    let trap = ConnectionTrap::start();
    let lading = Lading::allowing(&[&format!("localhost:{}", trap.port())]);
    let answer = lading
        .image(&format!("localhost:{}/x:y", trap.port()))
        .await;
    assert_eq!(answer.kind(), "unreachable", "{:#}", answer.json);
    assert!(trap.connections() >= 1);
}

/// With `HTTP_PROXY` and friends set, a client that honours them hands the *name* to the
/// proxy, which resolves it unchecked: the guard's resolver would never run. Lading must
/// ignore them (`no_proxy` on its client).
#[tokio::test(flavor = "multi_thread")]
async fn proxy_environment_variables_are_ignored() {
    let proxy = ConnectionTrap::start();
    let target = ConnectionTrap::start();
    let registry = ScriptedRegistry::start(TagScript::new("team/app", 3));
    let proxy_url = format!("http://{}", proxy.addr());
    let env: Vec<(&str, &str)> = [
        "HTTP_PROXY",
        "HTTPS_PROXY",
        "ALL_PROXY",
        "http_proxy",
        "https_proxy",
        "all_proxy",
    ]
    .into_iter()
    .map(|name| (name, proxy_url.as_str()))
    .collect();
    let lading = LadingProcess::spawn_with_env(
        Path::new(env!("CARGO_BIN_EXE_lading")),
        &["--allow-host", &registry.host()],
        &env,
    );
    let client = reqwest::Client::builder().no_proxy().build().unwrap();
    let get = |query: String| {
        let client = client.clone();
        let url = format!("{}/api/{query}", lading.base_url());
        async move {
            let answer = client.get(url).send().await.expect("lading answers");
            let status = answer.status().as_u16();
            let json: serde_json::Value = answer.json().await.expect("JSON");
            (status, json)
        }
    };

    let (status, json) = get(format!("tags?repo={}/team/app", registry.host())).await;
    assert_eq!(status, 200, "{json:#}");
    assert!(
        registry.request_count() >= 1,
        "the registry was asked directly"
    );

    let (status, json) = get(format!("image?ref=localhost:{}/x:y", target.port())).await;
    assert_eq!(
        (status, json["kind"].as_str()),
        (403, Some("refused_host")),
        "{json:#}"
    );

    assert_eq!(
        proxy.connections(),
        0,
        "lading used the proxy from the environment"
    );
    assert_eq!(target.connections(), 0);
}
