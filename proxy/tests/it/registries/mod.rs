//! Lading against faithful fakes of the registries people use (`lading_testkit::World`):
//! each under its real host name over TLS, trusted through `--ca-cert`, reached through the
//! OS resolver in a private mount namespace — as a new user would run it. Per vendor: the
//! image view of one image and of an index (the platform table), a layer listing, and for
//! registries with auth, a private repository denied anonymously then read signed in.
//! Tag lists and catalogs are `registry_lists`.

/// The four checks every vendor passes, one test each.
macro_rules! vendor_suite {
    ($vendor:expr) => {
        vendor_suite!(@public $vendor);

        #[tokio::test(flavor = "multi_thread")]
        async fn private_repository_denied_then_signed_in() {
            let stand = super::Stand::start($vendor);
            super::denied_then_signed_in(&stand).await;
        }
    };
    (@public $vendor:expr) => {
        #[tokio::test(flavor = "multi_thread")]
        async fn image_view_of_one_image() {
            let stand = super::Stand::start($vendor);
            super::image_view_of_one_image(&stand).await;
        }

        #[tokio::test(flavor = "multi_thread")]
        async fn image_view_of_the_index() {
            let stand = super::Stand::start($vendor);
            super::image_view_of_the_index(&stand).await;
        }

        #[tokio::test(flavor = "multi_thread")]
        async fn layer_listing() {
            let stand = super::Stand::start($vendor);
            super::layer_listing(&stand).await;
        }
    };
}

mod acr;
mod artifact_registry;
mod artifactory;
mod docker_hub;
mod ecr;
mod gcr;
mod ghcr;
mod gitlab;
mod harbor;
mod public_ecr;
mod quay;

use lading_shared::api::{BasicCredentials, CREDENTIALS_HEADER};
use lading_testkit::{LadingProcess, SeenRequest, Vendor, World};
use serde_json::Value;

use crate::support::{Answer, Listing, RawAnswer, encode};

/// A World and a `lading` trusting it.
pub struct Stand {
    pub world: World,
    pub lading: LadingProcess,
    http: reqwest::Client,
}

impl Stand {
    pub fn start(vendor: Vendor) -> Stand {
        let world = World::start(vendor);
        let lading = world.lading(&crate::lading_bin(), &[]);
        let http = reqwest::Client::builder()
            .timeout(std::time::Duration::from_secs(90))
            .build()
            .unwrap();
        Stand {
            world,
            lading,
            http,
        }
    }

    /// `registry/repo:tag`, as a person types it.
    pub fn reference(&self, repo: &str, tag: &str) -> String {
        format!("{}/{repo}:{tag}", self.world.registry())
    }

    pub async fn get_raw(&self, path: &str, credentials: Option<(&str, &str)>) -> RawAnswer {
        let mut request = self.http.get(format!("{}{path}", self.lading.base_url()));
        if let Some((user, password)) = credentials {
            let value = BasicCredentials::new(user, password).encode();
            request = request.header(CREDENTIALS_HEADER, value);
        }
        let response = request
            .send()
            .await
            .unwrap_or_else(|e| panic!("{path}: {e}\nlading said:\n{}", self.lading.output()));
        let status = axum::http::StatusCode::from_u16(response.status().as_u16()).unwrap();
        let headers = response.headers().clone();
        let body = response.bytes().await.unwrap().to_vec();
        RawAnswer {
            status,
            headers,
            body,
        }
    }

    pub async fn get(&self, path: &str, credentials: Option<(&str, &str)>) -> Answer {
        let raw = self.get_raw(path, credentials).await;
        Answer {
            status: raw.status,
            json: raw.json(),
        }
    }

    pub async fn image(&self, reference: &str, credentials: Option<(&str, &str)>) -> Answer {
        self.get(
            &format!("/api/image?ref={}", encode(reference)),
            credentials,
        )
        .await
    }

    pub async fn listing(
        &self,
        reference: &str,
        layer: &str,
        credentials: Option<(&str, &str)>,
    ) -> Listing {
        let path = format!("/api/layer?ref={}&digest={layer}", encode(reference));
        Listing::parse(&self.get_raw(&path, credentials).await)
    }

    /// What the fakes saw on `host`.
    pub fn requests_to(&self, host: &str) -> Vec<SeenRequest> {
        self.world
            .requests()
            .into_iter()
            .filter(|r| r.host == host)
            .collect()
    }

    pub fn credentials(&self) -> Option<(&str, &str)> {
        let (user, password) = self.world.fixtures().credentials.as_ref()?;
        Some((user.as_str(), password.as_str()))
    }

    /// What the "public" repository needs: nothing, except on ECR (a private registry
    /// has no anonymous pulls at all) and ACR (anonymous pull is off until an administrator
    /// turns it on, as on a new registry).
    pub fn public_credentials(&self) -> Option<(&str, &str)> {
        match self.world.vendor() {
            Vendor::Acr | Vendor::Ecr => self.credentials(),
            _ => None,
        }
    }
}

/// `/api/image` of a single-image tag: the manifest by its digest, its config read.
pub async fn image_view_of_one_image(stand: &Stand) -> Answer {
    let f = stand.world.fixtures();
    let reference = stand.reference(&f.public_repo, &f.image_tag);
    let answer = stand.image(&reference, stand.public_credentials()).await;
    assert_eq!(answer.status, 200, "{:#}", answer.json);
    assert_eq!(
        answer.json["digest"],
        f.image.manifest.digest.to_string(),
        "{:#}",
        answer.json
    );
    assert!(
        answer.json.get("config_error").is_none(),
        "{}: {:#?}",
        answer.json["config_error"],
        answer.exchanges()
    );
    assert_eq!(
        answer.json["config"]["digest"],
        f.image.config.digest.to_string(),
        "{:#}",
        answer.json
    );
    assert!(
        answer.json.get("config_error").is_none(),
        "{:#}",
        answer.json
    );
    answer
}

/// `/api/image` of an index tag: the index itself, each child summarised (the platform
/// table), none failing.
pub async fn image_view_of_the_index(stand: &Stand) -> Answer {
    let f = stand.world.fixtures();
    let reference = stand.reference(&f.public_repo, &f.index_tag);
    let answer = stand.image(&reference, stand.public_credentials()).await;
    assert_eq!(answer.status, 200, "{:#}", answer.json);
    assert_eq!(
        answer.json["digest"],
        f.index.index.manifest.digest.to_string()
    );
    let children = answer.json["children"]
        .as_array()
        .expect("a platform table");
    let digests: Vec<&str> = children
        .iter()
        .filter_map(|c| c["digest"].as_str())
        .collect();
    for platform in [&f.index.linux_amd64, &f.index.linux_arm64_v8] {
        let digest = platform.manifest.digest.to_string();
        assert!(
            digests.contains(&digest.as_str()),
            "{digest} not in {digests:?}"
        );
    }
    for child in children {
        assert!(child.get("error").is_none(), "a child failed: {child:#}");
    }
    answer
}

/// `/api/layer` of every layer of the single image: each lists, and the files the fixture
/// put there are found.
pub async fn layer_listing(stand: &Stand) {
    let f = stand.world.fixtures();
    let reference = stand.reference(&f.public_repo, &f.image_tag);
    let mut paths = Vec::new();
    for layer in &f.image.layers {
        let digest = layer.digest.to_string();
        let listing = stand
            .listing(&reference, &digest, stand.public_credentials())
            .await;
        assert!(
            listing.done().entries > 0,
            "{layer:?}: {:?}",
            listing.done()
        );
        paths.extend(listing.entries.iter().map(|e| e.path.clone()));
    }
    assert!(paths.iter().any(|p| p == "/etc/os-release"), "{paths:?}");
}

/// The private repository: anonymous is `unauthorized` or `denied` with a message naming
/// the registry; signed in, the same view works. Returns the two answers.
pub async fn denied_then_signed_in(stand: &Stand) -> (Answer, Answer) {
    let f = stand.world.fixtures();
    let private = f.private_repo.as_deref().expect("a private repository");
    let reference = stand.reference(private, &f.private_tag);
    let anonymous = stand.image(&reference, None).await;
    let kind = anonymous.kind().to_string();
    assert!(
        matches!(kind.as_str(), "unauthorized" | "denied"),
        "{:#}",
        anonymous.json
    );
    assert!(
        matches!(anonymous.status.as_u16(), 401 | 403),
        "{:#}",
        anonymous.json
    );
    let message = anonymous.json["message"].as_str().unwrap_or_default();
    assert!(message.contains(stand.world.registry()), "{message}");
    assert!(
        message.contains("credentials") || message.contains("denied"),
        "a person must learn to sign in: {message}"
    );

    let signed_in = stand.image(&reference, stand.credentials()).await;
    assert_eq!(signed_in.status, 200, "{:#}", signed_in.json);
    let image = f.private_image.as_ref().expect("the private image");
    assert_eq!(signed_in.json["digest"], image.manifest.digest.to_string());
    let trace = signed_in.json["trace"].to_string();
    let (_, password) = stand.credentials().unwrap();
    assert!(!trace.contains(password), "no credential in the trace");
    (anonymous, signed_in)
}

/// The exchanges of an answer's trace with `purpose`.
pub fn with_purpose<'a>(answer: &'a Answer, purpose: &str) -> Vec<&'a Value> {
    answer.json["trace"]
        .as_array()
        .map(|t| t.iter().filter(|e| e["purpose"] == purpose).collect())
        .unwrap_or_default()
}

/// No request carrying `Authorization` ever reached `host` (a CDN or object store).
pub fn no_authorization_reached(stand: &Stand, host: &str) {
    let requests = stand.requests_to(host);
    for request in &requests {
        assert!(
            request.header("authorization").is_none(),
            "Authorization sent to {host}: {request:?}"
        );
    }
}
