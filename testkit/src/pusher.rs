//! Uploads blobs and manifests over the distribution API, with whatever credentials the
//! registry needs: none, Basic, or a push token minted directly with the token server's key.
//!
//! Panics on failure: it builds fixtures, and a fixture that did not arrive makes every later
//! assertion meaningless. The message carries the registry's status and body.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use reqwest::header::{AUTHORIZATION, CONTENT_TYPE, LOCATION};
use url::Url;

use crate::fixtures::{Blob, Descriptor};
use crate::jwt::{Access, Minter, Validity};

/// Lifetime of a minted push token; one fixture push takes well under a second.
const PUSH_TOKEN_LIFETIME: u64 = 600;
/// Longest registry error body quoted in a panic message.
const ERROR_BODY_LIMIT: usize = 4096;

#[derive(Clone)]
pub(crate) enum PushAuth {
    Anonymous,
    Basic { user: String, password: String },
    Bearer(Minter),
}

#[derive(Clone)]
pub struct Pusher {
    http: reqwest::Client,
    base_url: String,
    auth: PushAuth,
}

impl Pusher {
    pub(crate) fn new(base_url: String, auth: PushAuth) -> Self {
        let http = reqwest::Client::builder()
            .no_proxy()
            .build()
            .expect("build reqwest client");
        Self {
            http,
            base_url,
            auth,
        }
    }

    /// "http://127.0.0.1:PORT" of the registry pushed to.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// A plain HTTP client (no proxy) for tests that want to talk to the registry themselves.
    pub fn http(&self) -> &reqwest::Client {
        &self.http
    }

    /// The `Authorization` value that may pull and push `repo`, if the registry needs one.
    pub fn authorization(&self, repo: &str) -> Option<String> {
        match &self.auth {
            PushAuth::Anonymous => None,
            PushAuth::Basic { user, password } => Some(format!(
                "Basic {}",
                STANDARD.encode(format!("{user}:{password}"))
            )),
            PushAuth::Bearer(minter) => {
                let access = [Access::repository(repo, &["pull", "push", "delete"])];
                let token = minter.mint(
                    "testkit-pusher",
                    &access,
                    Validity::For(PUSH_TOKEN_LIFETIME),
                );
                Some(format!("Bearer {token}"))
            }
        }
    }

    /// Uploads one blob (POST then PUT with `digest=`: distribution ignores the body of a
    /// single POST with a digest) and returns its descriptor.
    pub async fn push_blob(&self, repo: &str, blob: &Blob) -> Descriptor {
        let digest = blob.digest();
        let start = format!("{}/v2/{repo}/blobs/uploads/", self.base_url);
        let response = self.send(repo, self.http.post(&start)).await;
        let response = expect_status(response, 202, &format!("POST {start}")).await;
        let location = response
            .headers()
            .get(LOCATION)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_else(|| panic!("POST {start}: 202 without Location"))
            .to_owned();
        let mut upload = Url::parse(&start)
            .and_then(|base| base.join(&location))
            .unwrap_or_else(|e| panic!("bad upload Location {location:?}: {e}"));
        upload.query_pairs_mut().append_pair("digest", &digest);
        let request = self
            .http
            .put(upload.as_str())
            .header(CONTENT_TYPE, "application/octet-stream")
            .body(blob.bytes.clone());
        let response = self.send(repo, request).await;
        expect_status(response, 201, &format!("PUT blob {digest} to {repo}")).await;
        blob.descriptor()
    }

    /// PUTs a manifest under `reference` (a tag or its digest) with `media_type` as
    /// Content-Type, checks the registry's `Docker-Content-Digest`, returns its descriptor.
    pub async fn push_manifest(
        &self,
        repo: &str,
        reference: &str,
        media_type: &str,
        bytes: &[u8],
    ) -> Descriptor {
        let descriptor = Descriptor::new(media_type, bytes);
        let answered = self.put_manifest(repo, reference, media_type, bytes).await;
        if let Some(answered) = answered {
            assert_eq!(
                answered, descriptor.digest,
                "registry digests manifest {repo}:{reference} differently"
            );
        }
        descriptor
    }

    /// PUTs a manifest and returns the registry's `Docker-Content-Digest`, if any.
    pub(crate) async fn put_manifest(
        &self,
        repo: &str,
        reference: &str,
        media_type: &str,
        bytes: &[u8],
    ) -> Option<String> {
        let url = format!("{}/v2/{repo}/manifests/{reference}", self.base_url);
        let request = self
            .http
            .put(&url)
            .header(CONTENT_TYPE, media_type)
            .body(bytes.to_vec());
        let response = self.send(repo, request).await;
        let response =
            expect_status(response, 201, &format!("PUT manifest {repo}:{reference}")).await;
        response
            .headers()
            .get("docker-content-digest")
            .and_then(|v| v.to_str().ok())
            .map(String::from)
    }

    async fn send(&self, repo: &str, mut request: reqwest::RequestBuilder) -> reqwest::Response {
        if let Some(value) = self.authorization(repo) {
            request = request.header(AUTHORIZATION, value);
        }
        request
            .send()
            .await
            .unwrap_or_else(|e| panic!("request to {} failed: {e}", self.base_url))
    }
}

async fn expect_status(
    response: reqwest::Response,
    expected: u16,
    what: &str,
) -> reqwest::Response {
    if response.status().as_u16() == expected {
        return response;
    }
    let status = response.status();
    let body: String = response
        .text()
        .await
        .unwrap_or_default()
        .chars()
        .take(ERROR_BODY_LIMIT)
        .collect();
    panic!("{what}: expected {expected}, got {status}: {body}");
}
