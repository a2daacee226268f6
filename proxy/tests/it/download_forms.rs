//! Downloads of a private image as a browser makes them: a plain link cannot carry the
//! credentials header, so the page posts a form (`ref`, `digest`, `platform`, `path` and
//! `credentials`) and the answer streams to disk. Spoken over a real socket to `lading`, in
//! front of an htpasswd `docker-registry`.

use std::path::Path;
use std::time::Duration;

use fantoccini::Locator;
use lading::guard::AllowedHost;
use lading::{AppState, Settings};
use lading_shared::api::CREDENTIALS_FIELD;
use lading_shared::layer::{BLOB_PATH, EXPORT_PATH, FILE_PATH};
use lading_testkit::fixtures::{self, PushedImage};
use lading_testkit::{BackgroundServer, Browser, LadingProcess, Registry};
use reqwest::StatusCode;
use reqwest::header::{CONTENT_DISPOSITION, CONTENT_TYPE, ORIGIN};
use serde_json::Value;

const USER: &str = "reader";
const PASSWORD: &str = "secret";
const REPO: &str = "team/private";
const TAG: &str = "v1";
/// A cold debug `lading` and a cold Chromium on a loaded 2-core machine are slow.
const TIMEOUT: Duration = Duration::from_secs(30);

struct Stand {
    /// Kept alive for the test's length.
    _registry: Registry,
    lading: BackgroundServer,
    image: PushedImage,
    reference: String,
}

impl Stand {
    async fn start() -> Stand {
        let registry = Registry::htpasswd(USER, PASSWORD);
        let image = fixtures::push_oci_image(&registry.pusher(), REPO, TAG).await;
        let host = registry.host();
        let state = AppState::new(Settings {
            allow_hosts: vec![host.parse::<AllowedHost>().unwrap()],
            docker_config: None,
            ..Default::default()
        })
        .expect("state");
        let lading = BackgroundServer::start("lading", lading::app(state));
        let reference = format!("{host}/{REPO}:{TAG}");
        Stand {
            _registry: registry,
            lading,
            image,
            reference,
        }
    }

    fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.lading.addr())
    }

    /// What the page's own forms send as `Origin`.
    fn origin(&self) -> String {
        format!("http://{}", self.lading.addr())
    }

    fn layer(&self) -> String {
        self.image.layers[1].digest.clone()
    }

    /// POSTs `fields` as a form from the page's own origin.
    async fn post(&self, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
        self.post_from(path, fields, Some(&self.origin())).await
    }

    async fn post_from(
        &self,
        path: &str,
        fields: &[(&str, &str)],
        origin: Option<&str>,
    ) -> reqwest::Response {
        let mut request = reqwest::Client::new().post(self.url(path)).form(fields);
        if let Some(origin) = origin {
            request = request.header(ORIGIN, origin);
        }
        request.send().await.expect("lading answers")
    }
}

fn credentials(user: &str, password: &str) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"))
}

/// An error answer: its status and `kind`, with the body for the failure message.
async fn error_of(response: reqwest::Response) -> (u16, String, String) {
    let status = response.status().as_u16();
    let text = response.text().await.unwrap();
    let json: Value =
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{status}: not JSON ({e}): {text}"));
    let kind = json["kind"].as_str().unwrap_or("<no kind>").to_string();
    (status, kind, text)
}

async fn bytes_of(response: reqwest::Response) -> Vec<u8> {
    let status = response.status();
    let body = response.bytes().await.unwrap().to_vec();
    assert_eq!(status, StatusCode::OK, "{}", String::from_utf8_lossy(&body));
    body
}

#[tokio::test(flavor = "multi_thread")]
async fn a_private_layer_downloads_through_a_posted_form() {
    let stand = Stand::start().await;
    let (reference, layer) = (stand.reference.as_str(), stand.layer());
    let secret = credentials(USER, PASSWORD);

    let query = format!(
        "{BLOB_PATH}?ref={}&digest={layer}",
        url::form_urlencoded::byte_serialize(reference.as_bytes()).collect::<String>()
    );
    let link = reqwest::get(stand.url(&query)).await.unwrap();
    assert_eq!(
        error_of(link).await.0,
        401,
        "a plain link carries no credentials"
    );

    let fields = [
        ("ref", reference),
        ("digest", layer.as_str()),
        (CREDENTIALS_FIELD, secret.as_str()),
    ];
    let response = stand.post(BLOB_PATH, &fields).await;
    let disposition = response.headers()[CONTENT_DISPOSITION].to_str().unwrap();
    assert!(disposition.starts_with("attachment"), "{disposition}");
    let blob = bytes_of(response).await;
    assert_eq!(
        fixtures::sha256_digest(&blob),
        layer,
        "the exact layer bytes"
    );

    let wrong = credentials(USER, "wrong-password");
    let fields = [
        ("ref", reference),
        ("digest", layer.as_str()),
        (CREDENTIALS_FIELD, wrong.as_str()),
    ];
    let (status, kind, body) = error_of(stand.post(BLOB_PATH, &fields).await).await;
    assert_eq!((status, kind.as_str()), (401, "unauthorized"), "{body}");
    assert!(
        !body.contains("wrong-password") && !body.contains(&wrong),
        "no credential in the answer: {body}"
    );

    let anonymous = [("ref", reference), ("digest", layer.as_str())];
    let (status, _, body) = error_of(stand.post(BLOB_PATH, &anonymous).await).await;
    assert_eq!(
        status, 401,
        "a form without credentials is anonymous: {body}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_private_image_exports_and_its_files_download_through_posted_forms() {
    let stand = Stand::start().await;
    let reference = stand.reference.as_str();
    let secret = credentials(USER, PASSWORD);

    let fields = [("ref", reference), (CREDENTIALS_FIELD, secret.as_str())];
    let response = stand.post(EXPORT_PATH, &fields).await;
    assert_eq!(response.headers()[CONTENT_TYPE], "application/x-tar");
    let tar = bytes_of(response).await;
    assert_eq!(&tar[257..262], b"ustar", "a tar header first");
    assert_eq!(&tar[..10], b"oci-layout", "the OCI layout marker first");
    let mut archive = tar::Archive::new(tar.as_slice());
    let names: Vec<String> = archive
        .entries()
        .unwrap()
        .map(|e| e.unwrap().path().unwrap().display().to_string())
        .collect();
    let layer_path = format!("blobs/sha256/{}", &stand.layer()["sha256:".len()..]);
    assert!(names.contains(&layer_path), "{names:?}");

    let config = "listen = \"0.0.0.0:8080\"\n";
    let merged = [
        ("ref", reference),
        ("path", "/srv/app/config.toml"),
        (CREDENTIALS_FIELD, secret.as_str()),
    ];
    let response = stand.post(FILE_PATH, &merged).await;
    let disposition = response.headers()[CONTENT_DISPOSITION].to_str().unwrap();
    assert!(disposition.contains("config.toml"), "{disposition}");
    assert_eq!(bytes_of(response).await, config.as_bytes());

    let layer = stand.layer();
    let in_layer = [
        ("ref", reference),
        ("path", "srv/app/config.toml"),
        ("digest", layer.as_str()),
        (CREDENTIALS_FIELD, secret.as_str()),
        // Ignored: a posted form always downloads, never previews.
        ("preview", "4"),
    ];
    let response = stand.post(FILE_PATH, &in_layer).await;
    assert_eq!(bytes_of(response).await, config.as_bytes());
}

#[tokio::test(flavor = "multi_thread")]
async fn forms_from_other_sites_and_malformed_forms_are_refused() {
    let stand = Stand::start().await;
    let (reference, layer) = (stand.reference.as_str(), stand.layer());
    let secret = credentials(USER, PASSWORD);
    let fields = [
        ("ref", reference),
        ("digest", layer.as_str()),
        (CREDENTIALS_FIELD, secret.as_str()),
    ];

    for origin in ["http://evil.example", "null", "https://127.0.0.1:1"] {
        let response = stand.post_from(BLOB_PATH, &fields, Some(origin)).await;
        let (status, kind, body) = error_of(response).await;
        assert_eq!((status, kind.as_str()), (403, "denied"), "{origin}: {body}");
    }
    // Not from a browser form (curl, scripts): no `Origin`, nothing to check.
    let response = stand.post_from(BLOB_PATH, &fields, None).await;
    assert_eq!(fixtures::sha256_digest(&bytes_of(response).await), layer);

    let padding = "x".repeat(lading::extract::MAX_FORM_BYTES);
    let oversized = [("ref", reference), ("padding", padding.as_str())];
    let (status, kind, body) = error_of(stand.post(EXPORT_PATH, &oversized).await).await;
    assert_eq!((status, kind.as_str()), (400, "bad_request"), "{body}");
    assert!(body.contains("larger than"), "{body}");

    let no_ref = [(CREDENTIALS_FIELD, secret.as_str())];
    let (status, kind, body) = error_of(stand.post(EXPORT_PATH, &no_ref).await).await;
    assert_eq!((status, kind.as_str()), (400, "bad_request"), "{body}");

    let garbled = [("ref", reference), (CREDENTIALS_FIELD, "not base64!")];
    let (status, kind, body) = error_of(stand.post(EXPORT_PATH, &garbled).await).await;
    assert_eq!((status, kind.as_str()), (400, "bad_request"), "{body}");

    let json = reqwest::Client::new()
        .post(stand.url(EXPORT_PATH))
        .header(ORIGIN, stand.origin())
        .json(&serde_json::json!({ "ref": reference }))
        .send()
        .await
        .unwrap();
    let (status, kind, body) = error_of(json).await;
    assert_eq!(
        (status, kind.as_str()),
        (400, "bad_request"),
        "only forms: {body}"
    );
}

/// The page itself: signed in, a download is a form whose post passes the same-origin check
/// (the page's `Referrer-Policy` must not make the browser send `Origin: null`) and streams
/// without leaving the page; no credential reaches an `href` or a log line, even at debug.
#[tokio::test(flavor = "multi_thread")]
async fn signed_in_the_page_downloads_by_posting_a_form() {
    lading_testkit::require_frontend_dist();
    let registry = Registry::htpasswd(USER, PASSWORD);
    fixtures::push_oci_image(&registry.pusher(), REPO, TAG).await;
    let host = registry.host();
    let lading = LadingProcess::spawn_with_env(
        Path::new(env!("CARGO_BIN_EXE_lading")),
        &["--allow-host", host.as_str()],
        &[("LADING_LOG", "debug")],
    );
    let browser = Browser::start().await;
    let page = format!("{}/?image={host}/{REPO}:{TAG}", lading.base_url());
    browser.goto(&page).await;

    let client = browser.client();
    let username = Locator::Css("[data-testid=sign-in] input[name=username]");
    let username = client.wait().at_most(TIMEOUT).for_element(username).await;
    let username = username.expect("a 401 offers sign-in");
    username.send_keys(USER).await.unwrap();
    let password = Locator::Css("[data-testid=sign-in] input[name=password]");
    let password = client.find(password).await.unwrap();
    password.send_keys(PASSWORD).await.unwrap();
    browser
        .click("[data-testid=sign-in] button[type=submit]")
        .await;
    browser
        .wait_for_text("[data-testid=layer-table]", "2 layers", TIMEOUT)
        .await;

    // The action carries the query too (never the credentials): a reverse proxy shards
    // posted downloads by `ref`/`digest` in the URL, as it does links.
    let export =
        "form.download-form[method=post][action^='/api/export?'] button[data-testid=export-link]";
    assert_eq!(
        browser.count(export).await,
        1,
        "signed in, the export is a form"
    );
    assert_eq!(browser.count("a[data-testid=export-link]").await, 0);
    assert_eq!(
        browser
            .count("form.download-form[action^='/api/blob?']")
            .await,
        2,
        "one per layer"
    );
    let secret = credentials(USER, PASSWORD);
    for link in client.find_all(Locator::Css("a[href]")).await.unwrap() {
        let href = link.attr("href").await.unwrap().unwrap_or_default();
        assert!(!href.contains(&secret), "a credential in a link: {href}");
    }
    for form in client.find_all(Locator::Css("form[action]")).await.unwrap() {
        let action = form.attr("action").await.unwrap().unwrap_or_default();
        assert!(
            !action.contains(&secret),
            "a credential in a form's URL: {action}"
        );
    }

    browser.click(export).await;
    let deadline = std::time::Instant::now() + TIMEOUT;
    let answered = loop {
        let output = plain(&lading.output());
        let posted = output
            .lines()
            .find(|l| l.contains("method=POST uri=/api/export") && l.contains("status="));
        if let Some(line) = posted {
            break line.to_string();
        }
        assert!(
            std::time::Instant::now() < deadline,
            "no POST reached lading:\n{output}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    assert!(answered.contains("status=200"), "{answered}");
    let current = client.current_url().await.unwrap();
    assert_eq!(current.as_str(), page, "an attachment: the page stays");
    let output = lading.output();
    assert!(
        !output.contains(PASSWORD) && !output.contains(&secret),
        "a credential in lading's log:\n{output}"
    );
    browser.close().await;
}

/// Log text without its ANSI colours.
fn plain(log: &str) -> String {
    let mut out = String::with_capacity(log.len());
    let mut chars = log.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            chars.by_ref().find(|&c| c == 'm');
        } else {
            out.push(c);
        }
    }
    out
}
