//! Blob streaming against scripted servers on loopback, for what distribution 2.8 cannot
//! show: CDNs that ignore `Range`, blobs that do not match their digest, foreign layers.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use lading_shared::Digest;
use lading_testkit::BackgroundServer;

const BASIC: &str = "Basic dXNlcjpwdw=="; // user:pw

/// A registry (Basic auth, like the one above) whose blobs are served by the registry
/// itself, by a CDN it redirects to, or only by a foreign-layer host named in `urls`.
/// Neither the registry nor the other host honours `Range`.
#[derive(Clone)]
struct BlobScript {
    manifest: Vec<u8>,
    /// Served by the registry, by digest (bytes may be wrong on purpose).
    registry_blobs: HashMap<String, Vec<u8>>,
    /// `http://cdn` to redirect every other blob to, as `{cdn}/{digest}`.
    redirect_to: Option<String>,
}

/// The CDN or foreign-layer host: blobs by path, every request's headers recorded.
#[derive(Clone)]
struct HostScript {
    blobs: HashMap<String, Vec<u8>>,
    seen: Arc<Mutex<Vec<HeaderMap>>>,
}

async fn blob_registry(State(s): State<BlobScript>, uri: Uri, headers: HeaderMap) -> Response {
    if headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        != Some(BASIC)
    {
        let challenge = [(header::WWW_AUTHENTICATE, "Basic realm=\"test\"")];
        return (StatusCode::UNAUTHORIZED, challenge, "").into_response();
    }
    let path = uri.path();
    if path == "/v2/" {
        return "{}".into_response();
    }
    if path.contains("/manifests/") {
        let content_type = [(
            header::CONTENT_TYPE,
            "application/vnd.oci.image.manifest.v1+json",
        )];
        return (content_type, s.manifest.clone()).into_response();
    }
    let digest = path.rsplit('/').next().unwrap_or_default();
    if let Some(bytes) = s.registry_blobs.get(digest) {
        return bytes.clone().into_response();
    }
    match &s.redirect_to {
        Some(cdn) => (
            StatusCode::TEMPORARY_REDIRECT,
            [(header::LOCATION, format!("{cdn}/{digest}"))],
            "",
        )
            .into_response(),
        None => (
            StatusCode::NOT_FOUND,
            r#"{"errors":[{"code":"BLOB_UNKNOWN","message":"blob unknown to registry"}]}"#,
        )
            .into_response(),
    }
}

async fn blob_host(State(s): State<HostScript>, uri: Uri, headers: HeaderMap) -> Response {
    s.seen.lock().unwrap().push(headers);
    match s.blobs.get(uri.path().trim_start_matches('/')) {
        Some(bytes) => bytes.clone().into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

struct BlobSetup {
    registry: BackgroundServer,
    host: BackgroundServer,
    seen: Arc<Mutex<Vec<HeaderMap>>>,
    layer: Vec<u8>,
    layer_digest: String,
}

/// One image with one 64 KiB layer. `place` decides where the layer's bytes live.
#[derive(Clone, Copy, PartialEq)]
enum Place {
    /// On a CDN the registry redirects to.
    Cdn,
    /// On the registry, with one byte flipped (same length, wrong digest).
    RegistryCorrupted,
    /// Only at the descriptor's `urls`, on another host; the registry answers 404.
    ForeignUrls,
}

fn blob_setup(place: Place) -> BlobSetup {
    let layer = lading_testkit::fixtures::noise(42, 64 * 1024);
    let layer_digest = Digest::sha256(&layer).to_string();
    let config =
        br#"{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]}}"#;
    let config_digest = Digest::sha256(config).to_string();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let host = BackgroundServer::start(
        "scripted-blob-host",
        Router::new().fallback(blob_host).with_state(HostScript {
            blobs: HashMap::from([(layer_digest.clone(), layer.clone())]),
            seen: seen.clone(),
        }),
    );
    let host_url = format!("http://{}", host.addr());
    let mut layer_descriptor = serde_json::json!({
        "mediaType": "application/vnd.oci.image.layer.v1.tar+gzip",
        "digest": layer_digest, "size": layer.len(),
    });
    if place == Place::ForeignUrls {
        layer_descriptor["mediaType"] =
            "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip".into();
        layer_descriptor["urls"] = serde_json::json!([format!("{host_url}/{layer_digest}")]);
    }
    let manifest = serde_json::json!({
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": { "mediaType": "application/vnd.oci.image.config.v1+json", "digest": config_digest, "size": config.len() },
        "layers": [layer_descriptor],
    });
    let mut registry_blobs = HashMap::from([(config_digest, config.to_vec())]);
    if place == Place::RegistryCorrupted {
        let mut corrupted = layer.clone();
        corrupted[40_000] ^= 0xff;
        registry_blobs.insert(layer_digest.clone(), corrupted);
    }
    let script = BlobScript {
        manifest: serde_json::to_vec(&manifest).unwrap(),
        registry_blobs,
        redirect_to: (place == Place::Cdn).then_some(host_url),
    };
    let registry = BackgroundServer::start(
        "scripted-blob-registry",
        Router::new().fallback(blob_registry).with_state(script),
    );
    BlobSetup {
        registry,
        host,
        seen,
        layer,
        layer_digest,
    }
}

impl BlobSetup {
    /// `lading` on a socket, allowed to reach the registry and the other host.
    fn lading(&self) -> BackgroundServer {
        let allow_hosts = [self.registry.addr(), self.host.addr()]
            .iter()
            .map(|a| a.to_string().parse().unwrap())
            .collect();
        let settings = lading::Settings {
            allow_hosts,
            docker_config: None,
            ..Default::default()
        };
        let state = lading::AppState::new(settings).unwrap();
        BackgroundServer::start("lading", lading::app(state))
    }

    /// GET `path` of `lading` for this image (and its layer, for /api/blob), as user:pw.
    async fn get(
        &self,
        lading: &BackgroundServer,
        path: &str,
        range: Option<&str>,
    ) -> reqwest::Response {
        let reference = format!("{}/r/app:v1", self.registry.addr());
        let mut url = url::Url::parse(&format!("http://{}{path}", lading.addr())).unwrap();
        url.query_pairs_mut().append_pair("ref", &reference);
        if path == "/api/blob" {
            url.query_pairs_mut()
                .append_pair("digest", &self.layer_digest);
        }
        let mut request = reqwest::Client::new()
            .get(url)
            .header(lading_shared::api::CREDENTIALS_HEADER, "dXNlcjpwdw==");
        if let Some(range) = range {
            request = request.header(header::RANGE, range);
        }
        request.send().await.expect("lading answers")
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn cdn_ignoring_range_still_yields_the_exact_range() {
    let setup = blob_setup(Place::Cdn);
    let lading = setup.lading();
    let answer = setup
        .get(&lading, "/api/blob", Some("bytes=1000-2999"))
        .await;
    assert_eq!(answer.status(), StatusCode::PARTIAL_CONTENT);
    let size = setup.layer.len();
    let content_range = format!("bytes 1000-2999/{size}");
    assert_eq!(
        answer.headers()[header::CONTENT_RANGE],
        content_range.as_str()
    );
    assert_eq!(answer.headers()[header::CONTENT_LENGTH], "2000");
    let bytes = answer.bytes().await.unwrap();
    assert_eq!(&bytes[..], &setup.layer[1000..3000]);
    let seen = setup.seen.lock().unwrap();
    assert_eq!(
        seen[0][header::RANGE],
        "bytes=1000-2999",
        "Range was passed on"
    );
    assert!(seen[0].get(header::AUTHORIZATION).is_none());
}

#[tokio::test(flavor = "multi_thread")]
async fn blob_not_matching_its_digest_breaks_the_download_instead_of_completing() {
    let setup = blob_setup(Place::RegistryCorrupted);
    let lading = setup.lading();
    let answer = setup.get(&lading, "/api/blob", None).await;
    // Headers left before the bytes were checked; the body must not complete.
    assert_eq!(answer.status(), StatusCode::OK);
    assert_eq!(
        answer.headers()[header::CONTENT_LENGTH],
        setup.layer.len().to_string().as_str()
    );
    let body = answer.bytes().await;
    assert!(
        body.is_err(),
        "a corrupted blob downloaded as complete: {:?}",
        body.map(|b| b.len())
    );

    let export = setup.get(&lading, "/api/export", None).await;
    assert_eq!(export.status(), StatusCode::OK);
    assert!(
        export.bytes().await.is_err(),
        "a corrupted export downloaded as complete"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn foreign_layer_is_fetched_from_its_urls_without_authorization() {
    let setup = blob_setup(Place::ForeignUrls);
    let lading = setup.lading();
    let answer = setup.get(&lading, "/api/blob", None).await;
    assert_eq!(answer.status(), StatusCode::OK);
    let bytes = answer.bytes().await.unwrap();
    assert_eq!(Digest::sha256(&bytes).to_string(), setup.layer_digest);
    let seen = setup.seen.lock().unwrap();
    assert_eq!(seen.len(), 1);
    assert!(
        seen[0].get(header::AUTHORIZATION).is_none(),
        "Authorization leaked to the foreign-layer host"
    );
}
