//! A distribution registry holding an image with its paperwork beside it, built in code
//! from the exact forms in SUPPLY-CHAIN.md: a cosign `.sig` (simple-signing layer), a
//! cosign `.att` (DSSE envelope layer), and the referrers fallback index `sha256-<hex>`
//! listing an SBOM (`push_artifacts`); plus a bare image nothing refers to.

use std::time::Duration;

use lading_testkit::fixtures::media_types::{OCI_CONFIG, OCI_MANIFEST};
use lading_testkit::fixtures::{
    AttestedIndex, Blob, ImageSpec, PushedImage, push_artifacts, push_image, push_oci_image,
    push_oci_index_with_attestation,
};
use lading_testkit::{LadingProcess, Pusher, Registry};
use serde_json::json;

/// A cold debug `lading` and a cold Chromium on a loaded 2-core machine.
pub const TIMEOUT: Duration = Duration::from_secs(45);
pub const REPO: &str = "team/signed";
pub const TAG: &str = "v1";
/// An image with no paperwork at all.
pub const BARE_REPO: &str = "team/bare";
/// A BuildKit-style index: two platforms and an attestation manifest for linux/amd64.
pub const INDEX_REPO: &str = "team/attested";
pub const SIMPLE_SIGNING: &str = "application/vnd.dev.cosign.simplesigning.v1+json";
pub const DSSE: &str = "application/vnd.dsse.envelope.v1+json";
pub const PREDICATE: &str = "https://slsa.dev/provenance/v1";
/// Script in an annotation the section shows: it must stay text.
pub const HOSTILE_TITLE: &str = "<img src=x onerror=\"document.title='pwned'\">";

pub struct SupplyStand {
    pub registry: Registry,
    pub lading: LadingProcess,
    pub image: PushedImage,
    pub signature: PushedImage,
    pub attestation: PushedImage,
    pub index: AttestedIndex,
    /// The paperwork tags pushed into [`REPO`].
    pub paperwork: Vec<String>,
}

impl SupplyStand {
    pub async fn start() -> SupplyStand {
        lading_testkit::require_frontend_dist();
        let registry = Registry::plain();
        let pusher = registry.pusher();
        let image = push_oci_image(&pusher, REPO, TAG).await;
        push_oci_image(&pusher, BARE_REPO, TAG).await;
        let index = push_oci_index_with_attestation(&pusher, INDEX_REPO, TAG).await;
        let hex = image
            .manifest
            .digest
            .strip_prefix("sha256:")
            .expect("a sha256 digest")
            .to_owned();
        let signature = push_signature(&pusher, REPO, &image, &format!("sha256-{hex}.sig")).await;
        let attestation = push_attestation(&pusher, &format!("sha256-{hex}.att")).await;
        // Helm, an unknown artifact, an SBOM with `subject`, and the fallback index.
        push_artifacts(&pusher, REPO, Some(&image.manifest)).await;
        let paperwork = vec![
            format!("sha256-{hex}"),
            format!("sha256-{hex}.att"),
            format!("sha256-{hex}.sig"),
        ];
        let host = registry.host();
        let lading = crate::support::lading_allowing(&[&host]);
        SupplyStand {
            registry,
            lading,
            image,
            signature,
            attestation,
            index,
            paperwork,
        }
    }

    pub fn url(&self, query: &str) -> String {
        format!("{}/{query}", self.lading.base_url())
    }

    pub fn reference(&self, repo: &str, tag: &str) -> String {
        format!("{}/{repo}:{tag}", self.registry.host())
    }
}

/// cosign's legacy signature manifest: one simple-signing layer whose payload names the
/// image's digest, the signature in the layer's annotation.
pub async fn push_signature(
    pusher: &Pusher,
    repo: &str,
    image: &PushedImage,
    tag: &str,
) -> PushedImage {
    let payload = format!(
        "{{\"critical\":{{\"identity\":{{\"docker-reference\":\"{}\"}},\"image\":{{\"docker-manifest-digest\":\"{}\"}},\"type\":\"cosign container image signature\"}},\"optional\":null}}",
        repo, image.manifest.digest
    );
    let layer = Blob::new(SIMPLE_SIGNING, payload.into_bytes())
        .with_annotation("dev.cosignproject.cosign/signature", "MEUCIQDfixture==");
    let mut spec = ImageSpec::new(OCI_MANIFEST, cosign_config(), vec![layer]);
    spec.annotations.insert(
        "org.opencontainers.image.title".into(),
        HOSTILE_TITLE.into(),
    );
    push_image(pusher, repo, Some(tag), &spec).await
}

/// cosign's legacy attestation manifest: one DSSE envelope layer with `predicateType`.
async fn push_attestation(pusher: &Pusher, tag: &str) -> PushedImage {
    let envelope = json!({
        "payloadType": "application/vnd.in-toto+json",
        "payload": "e30=",
        "signatures": [{ "keyid": "", "sig": "MEUCIQDfixture==" }],
    });
    let layer = Blob::json(DSSE, &envelope).with_annotation("predicateType", PREDICATE);
    let spec = ImageSpec::new(OCI_MANIFEST, cosign_config(), vec![layer]);
    push_image(pusher, REPO, Some(tag), &spec).await
}

/// The config cosign writes for its attachments: an image config with no layers.
fn cosign_config() -> Blob {
    Blob::json(
        OCI_CONFIG,
        &json!({ "architecture": "", "os": "", "config": {}, "rootfs": { "type": "layers", "diff_ids": [] } }),
    )
}
