//! Issue 9, TLS trust: lading against the World's ghcr.io fake (its real names, a CA made in
//! code) trusted through `--ca-cert`, not trusted, with a wrong-name or expired certificate,
//! and with `--insecure-host` for one host — each failure kind `tls`, saying what failed
//! and naming the fix. And the fake's signed CDN redirect (`se`/`sig`/`sv`) never reaches the
//! trace or the log.

use lading_testkit::{LadingProcess, LeafCert, Vendor, World, WorldOptions};
use serde_json::Value;

use crate::support::{Answer, Listing, RawAnswer, encode};

/// The CDN host ghcr.io's blob redirects lead to.
const CDN: &str = "pkg-containers.githubusercontent.com";

/// A World and a lading started with `args` inside its namespace (no flag added).
struct Stand {
    world: World,
    lading: LadingProcess,
}

impl Stand {
    fn start(world: World, args: &[String], env: &[(&str, &str)]) -> Stand {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let lading = LadingProcess::spawn_wrapped(
            &world.namespace_prefix(),
            &crate::lading_bin(),
            &args,
            env,
        );
        Stand { world, lading }
    }

    async fn raw(&self, path: &str) -> RawAnswer {
        let response = reqwest::Client::new()
            .get(format!("{}{path}", self.lading.base_url()))
            .timeout(std::time::Duration::from_secs(90))
            .send()
            .await
            .unwrap_or_else(|e| panic!("{path}: {e}\nlading said:\n{}", self.lading.output()));
        RawAnswer {
            status: axum::http::StatusCode::from_u16(response.status().as_u16()).unwrap(),
            headers: response.headers().clone(),
            body: response.bytes().await.unwrap().to_vec(),
        }
    }

    async fn get(&self, path: &str) -> Answer {
        let raw = self.raw(path).await;
        Answer {
            status: raw.status,
            json: raw.json(),
        }
    }

    fn reference(&self) -> String {
        let f = self.world.fixtures();
        format!(
            "{}/{}:{}",
            self.world.registry(),
            f.public_repo,
            f.image_tag
        )
    }

    async fn image(&self) -> Answer {
        self.get(&format!("/api/image?ref={}", encode(&self.reference())))
            .await
    }

    async fn tags(&self) -> Answer {
        let repo = format!(
            "{}/{}",
            self.world.registry(),
            self.world.fixtures().public_repo
        );
        self.get(&format!("/api/tags?repo={}", encode(&repo))).await
    }

    async fn listing(&self) -> Listing {
        let layer = self.world.fixtures().image.layers[0].digest.to_string();
        let path = format!(
            "/api/layer?ref={}&digest={layer}",
            encode(&self.reference())
        );
        Listing::parse(&self.raw(&path).await)
    }
}

/// `--allow-host` for every host of `world` (they resolve to 127.77.x.y).
fn allow_all(world: &World) -> Vec<String> {
    world
        .hosts()
        .into_iter()
        .flat_map(|h| ["--allow-host".to_string(), h])
        .collect()
}

fn trusting(world: &World) -> Vec<String> {
    let mut args = vec![
        "--ca-cert".to_string(),
        world.ca_pem().display().to_string(),
    ];
    args.extend(allow_all(world));
    args
}

fn ghcr(leaf: LeafCert) -> World {
    World::start_with(
        Vendor::Ghcr,
        WorldOptions {
            leaf,
            ..Default::default()
        },
    )
}

fn insecure_tls(answer: &Value) -> bool {
    answer["registry_notes"]["insecure_tls"] == Value::Bool(true)
}

#[tokio::test(flavor = "multi_thread")]
async fn a_ca_given_with_ca_cert_is_trusted() {
    let world = ghcr(LeafCert::Valid);
    let args = trusting(&world);
    let stand = Stand::start(world, &args, &[]);
    let answer = stand.image().await;
    assert_eq!(answer.status, 200, "{:#}", answer.json);
    assert!(
        answer.json.get("config_error").is_none(),
        "{:#}",
        answer.json
    );
    assert!(
        !insecure_tls(&answer.json),
        "{:#}",
        answer.json["registry_notes"]
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn an_unknown_issuer_says_so_and_names_ca_cert() {
    let world = ghcr(LeafCert::Valid);
    let args = allow_all(&world);
    let stand = Stand::start(world, &args, &[]);
    let answer = stand.image().await;
    let message = answer.assert_kind(502, "tls");
    for part in [
        "ghcr.io",
        "certificate authority this Lading does not trust",
        "unknown authority",
        "--ca-cert",
        "--insecure-host ghcr.io",
    ] {
        assert!(message.contains(part), "{part}: {message}");
    }
    assert_eq!(answer.json["registry"], "ghcr.io", "{:#}", answer.json);
    assert!(!message.contains("malformed"), "{message}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_certificate_for_another_name_says_which_name() {
    let world = ghcr(LeafCert::WrongName);
    let args = trusting(&world);
    let stand = Stand::start(world, &args, &[]);
    let answer = stand.image().await;
    let message = answer.assert_kind(502, "tls");
    assert!(
        message.contains("is for wrong.lading.test, not for ghcr.io"),
        "{message}"
    );
    assert!(message.contains("--ca-cert"), "{message}");
}

#[tokio::test(flavor = "multi_thread")]
async fn an_expired_certificate_says_when() {
    let world = ghcr(LeafCert::Expired);
    let args = trusting(&world);
    let stand = Stand::start(world, &args, &[]);
    let answer = stand.image().await;
    let message = answer.assert_kind(502, "tls");
    assert!(message.contains("certificate expired on 20"), "{message}");
    assert!(message.contains("clock says"), "{message}");
    assert!(message.contains("--insecure-host ghcr.io"), "{message}");
}

/// `--insecure-host ghcr.io` alone: the registry is reached, but the blob redirect to the
/// CDN (another host) is still verified and fails; with both hosts insecure every view
/// works and says it was insecure.
#[tokio::test(flavor = "multi_thread")]
async fn insecure_host_is_per_host_and_every_view_says_so() {
    let world = ghcr(LeafCert::Valid);
    let mut args = allow_all(&world);
    args.extend(["--insecure-host".to_string(), "ghcr.io".to_string()]);
    let stand = Stand::start(world, &args, &[]);
    let tags = stand.tags().await;
    assert_eq!(tags.status, 200, "{:#}", tags.json);
    assert!(
        insecure_tls(&tags.json),
        "{:#}",
        tags.json["registry_notes"]
    );
    // The manifest comes from ghcr.io; its config, through the CDN, fails verification.
    let image = stand.image().await;
    assert_eq!(image.status, 200, "{:#}", image.json);
    let config_error = image.json["config_error"].as_str().unwrap_or_default();
    assert!(
        config_error.contains(&format!("{CDN}'s certificate is self-signed or signed by")),
        "the CDN hop was verified: {:#}",
        image.json
    );
    assert!(
        insecure_tls(&image.json),
        "{:#}",
        image.json["registry_notes"]
    );
    let log = stand.lading.output();
    assert!(
        log.contains("NOT verified for ghcr.io (--insecure-host)"),
        "{log}"
    );

    let world = stand.world;
    drop(stand.lading);
    let mut args = allow_all(&world);
    for host in world.hosts() {
        args.extend(["--insecure-host".to_string(), host]);
    }
    let stand = Stand::start(world, &args, &[]);
    let image = stand.image().await;
    assert_eq!(image.status, 200, "{:#}", image.json);
    assert!(
        insecure_tls(&image.json),
        "{:#}",
        image.json["registry_notes"]
    );
    let tags = stand.tags().await;
    assert_eq!(tags.status, 200, "{:#}", tags.json);
    assert!(
        insecure_tls(&tags.json),
        "{:#}",
        tags.json["registry_notes"]
    );
    let listing = stand.listing().await;
    assert!(listing.done().entries > 0, "{:?}", listing.done());
    assert!(
        listing.done().registry_notes.insecure_tls,
        "{:?}",
        listing.done()
    );
}

#[test]
fn a_missing_ca_cert_file_stops_lading_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("company-ca.pem");
    let not_pem = dir.path().join("notes.txt");
    std::fs::write(&not_pem, "not a certificate").unwrap();
    for (file, why) in [
        (&missing, "No such file"),
        (&not_pem, "holds no PEM certificate"),
    ] {
        let output = std::process::Command::new(crate::lading_bin())
            .args(["--listen", "127.0.0.1:0", "--ca-cert"])
            .arg(file)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(!output.status.success(), "started: {stderr}");
        assert!(stderr.contains(&file.display().to_string()), "{stderr}");
        assert!(stderr.contains(why), "{stderr}");
    }
    // The same through the environment, comma-separated.
    let output = std::process::Command::new(crate::lading_bin())
        .args(["--listen", "127.0.0.1:0"])
        .env(
            "LADING_CA_CERTS",
            format!("{},{}", not_pem.display(), missing.display()),
        )
        .output()
        .unwrap();
    assert!(!output.status.success());
}

/// ghcr.io redirects blobs to an Azure-style signed URL (`se`, `sig`, `sv`): the values
/// reach neither the trace nor the log, even at `LADING_LOG=trace`.
#[tokio::test(flavor = "multi_thread")]
async fn cdn_signatures_reach_neither_the_trace_nor_the_log() {
    let world = ghcr(LeafCert::Valid);
    let args = trusting(&world);
    let stand = Stand::start(world, &args, &[("LADING_LOG", "trace")]);
    let answer = stand.image().await;
    assert_eq!(answer.status, 200, "{:#}", answer.json);
    let cdn_queries: Vec<String> = stand
        .world
        .requests()
        .into_iter()
        .filter(|r| r.host == CDN)
        .filter_map(|r| r.path_and_query.split_once('?').map(|(_, q)| q.to_string()))
        .collect();
    assert!(!cdn_queries.is_empty(), "the config came through the CDN");
    let secrets: Vec<String> = cdn_queries
        .iter()
        .flat_map(|q| url::form_urlencoded::parse(q.as_bytes()).into_owned())
        .filter(|(name, _)| matches!(name.as_str(), "sig" | "se" | "sv"))
        .flat_map(|(_, value)| {
            // As sent and as percent-encoded in a URL.
            let encoded: String = url::form_urlencoded::byte_serialize(value.as_bytes()).collect();
            [value, encoded]
        })
        .filter(|v| v.len() >= 6)
        .collect();
    assert!(!secrets.is_empty(), "{cdn_queries:?}");
    let trace = answer.json["trace"].to_string();
    assert!(trace.contains("sig=<redacted>"), "{trace}");
    let log = stand.lading.output();
    for secret in &secrets {
        assert!(
            !trace.contains(secret.as_str()),
            "{secret} in the trace: {trace}"
        );
        assert!(!log.contains(secret.as_str()), "{secret} in the log");
    }
}
