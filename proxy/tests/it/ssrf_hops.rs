//! Issue 4, SSRF through URLs a hostile registry chooses: blob redirects (on every download
//! route), token realms, `Link` pagination and foreign-layer `urls`. Each is checked by the
//! guard like the first request; none may reach a private address or a non-HTTP scheme.
//!
//! The registry is allow-listed (it is on loopback); the targets it names are not. Loopback
//! targets are a [`ConnectionTrap`], so "refused" is proven as "never connected".

use crate::support;

use crate::support::{Lading, encode};
use lading::{AppState, Settings, app};
use lading_testkit::fixtures::{ConnectionTrap, layer_descriptor, script_image};
use lading_testkit::{BackgroundServer, Canned, ScriptedRegistry, TagScript};
use serde_json::json;

const REPO: &str = "team/app";
const TAG: &str = "v1";
const LAYER: &[u8] = b"layer bytes that are never fetched";
const GZIP_LAYER: &str = "application/vnd.oci.image.layer.v1.tar+gzip";
const FOREIGN_LAYER: &str = "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip";

/// Where a hostile answer points, `TRAP` standing for the trap's port.
fn aim(target: &str, trap: &ConnectionTrap) -> String {
    target.replace("TRAP", &trap.port().to_string())
}

fn registry_with_image(layer: serde_json::Value) -> ScriptedRegistry {
    let registry = ScriptedRegistry::start(TagScript::new(REPO, 3));
    script_image(&registry, REPO, TAG, vec![layer]);
    registry
}

#[tokio::test(flavor = "multi_thread")]
async fn blob_redirects_to_private_targets_are_refused_on_every_download_route() {
    let trap = ConnectionTrap::start();
    let digest = layer_descriptor(GZIP_LAYER, LAYER)["digest"]
        .as_str()
        .unwrap()
        .to_string();
    for target in [
        "http://169.254.169.254/latest/meta-data/",
        "http://127.0.0.1:TRAP/blob",
        "http://2130706433:TRAP/blob",
        "http://[::ffff:7f00:1]:TRAP/blob",
        "https://10.0.0.1/blob",
    ] {
        let target = aim(target, &trap);
        let registry = registry_with_image(layer_descriptor(GZIP_LAYER, LAYER));
        registry.respond(
            &format!("/v2/{REPO}/blobs/{digest}"),
            Canned::new(307, "text/plain", "").header("location", &target),
        );
        let lading = Lading::allowing(&[&registry.host()]);
        let image = encode(&format!("{}/{REPO}:{TAG}", registry.host()));

        let blob = lading
            .get_raw(&format!("/api/blob?ref={image}&digest={digest}"))
            .await;
        assert_eq!(blob.status, 403, "{target}: {:#}", blob.json());
        assert!(refused(&blob.json()["kind"]), "{target}");

        let listing = lading
            .get_raw(&format!("/api/layer?ref={image}&digest={digest}"))
            .await;
        let last = String::from_utf8_lossy(&listing.body);
        let last = last.lines().last().unwrap_or_default();
        assert!(
            last.contains("refused_host") || last.contains("port_not_allowed"),
            "{target}: {last}"
        );

        // An export has sent its headers before the first blob: refusal breaks the body.
        let export = export_body(&registry, &image).await;
        assert!(export.is_err(), "{target}: the export completed");
    }
    assert_eq!(trap.connections(), 0, "a redirect reached the trap");
}

/// `/api/export` through a socket: its failure mid-body is a broken transfer.
async fn export_body(registry: &ScriptedRegistry, image: &str) -> Result<Vec<u8>, String> {
    let settings = Settings {
        allow_hosts: vec![registry.host().parse().unwrap()],
        ..Settings::default()
    };
    let server = BackgroundServer::start("lading", app(AppState::new(settings).unwrap()));
    let url = format!("http://{}/api/export?ref={image}", server.addr());
    let answer = reqwest::get(url).await.map_err(|e| e.to_string())?;
    if !answer.status().is_success() {
        return Err(answer.status().to_string());
    }
    let body = answer.bytes().await.map_err(|e| e.to_string())?;
    Ok(body.to_vec())
}

/// Fresh app per realm: the challenge is cached per registry.
async fn image_with_realm(realm: &str) -> support::Answer {
    let registry = registry_with_image(layer_descriptor(GZIP_LAYER, LAYER));
    let challenge = format!("Bearer realm=\"{realm}\",service=\"hostile\"");
    registry.respond(
        &format!("/v2/{REPO}/manifests/{TAG}"),
        Canned::json(
            401,
            &json!({"errors":[{"code":"UNAUTHORIZED","message":"token"}]}),
        )
        .header("www-authenticate", &challenge),
    );
    let lading = Lading::allowing(&[&registry.host()]);
    lading
        .image(&format!("{}/{REPO}:{TAG}", registry.host()))
        .await
}

#[tokio::test(flavor = "multi_thread")]
async fn hostile_token_realms_are_not_contacted() {
    let trap = ConnectionTrap::start();
    for realm in [
        "http://127.0.0.1:TRAP/token",
        "http://2130706433:TRAP/token",
        "http://0x7f.1:TRAP/token",
        "http://[::ffff:127.0.0.1]:TRAP/token",
        "http://[::1]:TRAP/token",
        "http://localhost:TRAP/token",
        "//127.0.0.1:TRAP/token",
        "http://169.254.169.254/latest/meta-data/iam/security-credentials/",
        "file:///etc/passwd",
        "gopher://127.0.0.1:TRAP/_token",
    ] {
        let realm = aim(realm, &trap);
        let answer = image_with_realm(&realm).await;
        assert_eq!(answer.status.as_u16(), 403, "{realm}: {:#}", answer.json);
        assert!(refused(&answer.json["kind"]), "{realm}: {:#}", answer.json);
    }
    assert_eq!(trap.connections(), 0, "a token realm reached the trap");
}

#[tokio::test(flavor = "multi_thread")]
async fn an_allowed_realm_redirecting_to_a_private_host_is_not_followed() {
    let trap = ConnectionTrap::start();
    let realm = ScriptedRegistry::start(TagScript::new("unused/repo", 0));
    realm.respond(
        "/token",
        Canned::new(302, "text/plain", "")
            .header("location", &aim("http://127.0.0.1:TRAP/token", &trap)),
    );
    let registry = registry_with_image(layer_descriptor(GZIP_LAYER, LAYER));
    let challenge = format!(
        "Bearer realm=\"{}/token\",service=\"hostile\"",
        realm.base_url()
    );
    registry.respond(
        &format!("/v2/{REPO}/manifests/{TAG}"),
        Canned::json(401, &json!({})).header("www-authenticate", &challenge),
    );
    let lading = Lading::allowing(&[&registry.host(), &realm.host()]);
    let answer = lading
        .image(&format!("{}/{REPO}:{TAG}", registry.host()))
        .await;
    assert_ne!(answer.status, 200, "{:#}", answer.json);
    assert_eq!(realm.request_count(), 1, "the realm itself was asked once");
    assert_eq!(
        trap.connections(),
        0,
        "the token request followed a redirect"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn pagination_links_off_the_registry_api_are_refused() {
    let trap = ConnectionTrap::start();
    for link in [
        "http://169.254.169.254/v2/team/app/tags/list?last=a",
        "http://127.0.0.1:TRAP/v2/team/app/tags/list?last=a",
        "https://REGISTRY/v2/team/app/tags/list?last=a",
        "/admin/secrets?last=a",
        "/v2/../admin?last=a",
    ] {
        let registry = ScriptedRegistry::start(TagScript::new("other/repo", 0));
        let link = aim(link, &trap).replace("REGISTRY", &registry.host());
        registry.respond(
            &format!("/v2/{REPO}/tags/list"),
            Canned::json(200, &json!({"name": REPO, "tags": ["a"]}))
                .header("link", &format!("<{link}>; rel=\"next\"")),
        );
        let lading = Lading::allowing(&[&registry.host()]);
        let answer = lading.tags(&format!("{}/{REPO}", registry.host())).await;
        assert_eq!(answer.kind(), "bad_upstream", "{link}: {:#}", answer.json);
        let requests = registry.requests();
        assert!(
            requests
                .iter()
                .all(|r| r.split(' ').nth(1).unwrap().starts_with("/v2/")),
            "{link}: {requests:?}"
        );
    }
    assert_eq!(trap.connections(), 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn foreign_layer_urls_to_private_targets_or_other_schemes_are_refused() {
    let trap = ConnectionTrap::start();
    for url in [
        "http://169.254.169.254/latest/meta-data",
        "file:///etc/passwd",
        "ftp://127.0.0.1:TRAP/layer.tar.gz",
        "gopher://127.0.0.1:TRAP/_GET%20/",
        "http://127.0.0.1:TRAP/layer.tar.gz",
        "https://[::ffff:7f00:1]:TRAP/layer.tar.gz",
        "data:application/octet-stream;base64,AAAA",
    ] {
        let url = aim(url, &trap);
        let mut layer = layer_descriptor(FOREIGN_LAYER, LAYER);
        layer["urls"] = json!([url]);
        let digest = layer["digest"].as_str().unwrap().to_string();
        let registry = registry_with_image(layer);
        let lading = Lading::allowing(&[&registry.host()]);
        let image = encode(&format!("{}/{REPO}:{TAG}", registry.host()));
        let blob = lading
            .get_raw(&format!("/api/blob?ref={image}&digest={digest}"))
            .await;
        assert_eq!(blob.status, 403, "{url}: {:#}", blob.json());
        assert!(refused(&blob.json()["kind"]), "{url}");
    }
    assert_eq!(trap.connections(), 0, "a foreign URL reached the trap");
}

/// Refused by the guard: a private target, or (for the allow-listed registry's own host on
/// another port, `127.0.0.1:TRAP`) a port the allow-list does not open.
fn refused(kind: &serde_json::Value) -> bool {
    kind == "refused_host" || kind == "port_not_allowed"
}
