//! `/api/referrers` against real servers on loopback: Debian's distribution registry (no
//! referrers API: the fallback tag and cosign's tags), and a front for it that serves the
//! OCI 1.1 API in the variants registries show (`lading_testkit::ReferrersRegistry`).

mod api;
mod fallback;
mod index;

use lading_testkit::Pusher;
use lading_testkit::fixtures::supply::{
    ArtifactForm, NotationForm, push_artifact_referrer, push_notation_signature,
    push_sigstore_bundle,
};
use lading_testkit::fixtures::{PushedImage, push_oci_image};
use serde_json::Value;

use crate::support::{Answer, Lading, encode};

pub const REPO: &str = "team/app";
pub const TAG: &str = "v1";
pub const NOTATION: &str = "application/vnd.cncf.notary.signature";
pub const BUNDLE: &str = "application/vnd.dev.sigstore.bundle.v0.3+json";

/// An image and the referrers pushed beside it (each with `subject` = the image).
pub struct Paperwork {
    pub image: PushedImage,
    pub bundle: PushedImage,
    pub notation: PushedImage,
    pub notation_old: PushedImage,
    pub helm: PushedImage,
    pub wasm: PushedImage,
    pub sif: PushedImage,
    pub oras: PushedImage,
}

impl Paperwork {
    pub async fn push(pusher: &Pusher, repo: &str) -> Paperwork {
        let image = push_oci_image(pusher, repo, TAG).await;
        let subject = &image.manifest;
        let artifact = |form| push_artifact_referrer(pusher, repo, subject, form);
        Paperwork {
            bundle: push_sigstore_bundle(pusher, repo, subject).await,
            notation: push_notation_signature(pusher, repo, subject, NotationForm::ArtifactType)
                .await,
            notation_old: push_notation_signature(
                pusher,
                repo,
                subject,
                NotationForm::ConfigMediaType,
            )
            .await,
            helm: artifact(ArtifactForm::Helm).await,
            wasm: artifact(ArtifactForm::Wasm).await,
            sif: artifact(ArtifactForm::Sif).await,
            oras: artifact(ArtifactForm::Oras).await,
            image,
        }
    }

    /// Every referrer, in push order.
    pub fn referrers(&self) -> [&PushedImage; 7] {
        [
            &self.bundle,
            &self.notation,
            &self.notation_old,
            &self.helm,
            &self.wasm,
            &self.sif,
            &self.oras,
        ]
    }
}

/// `/api/referrers` for `reference`, filtered by `artifact_type` when given.
pub async fn referrers(lading: &Lading, reference: &str, artifact_type: Option<&str>) -> Answer {
    let mut path = format!("/api/referrers?ref={}", encode(reference));
    if let Some(wanted) = artifact_type {
        path.push_str(&format!("&artifactType={}", encode(wanted)));
    }
    lading.get(&path, None).await
}

/// The referrer of `digest` in an answer, panicking with the answer when it is missing.
#[track_caller]
pub fn referrer<'a>(answer: &'a Answer, digest: &str) -> &'a Value {
    answer.json["referrers"]
        .as_array()
        .and_then(|all| all.iter().find(|r| r["digest"] == digest))
        .unwrap_or_else(|| panic!("no referrer {digest}: {:#}", answer.json))
}

/// The digests listed, in order.
pub fn digests(answer: &Answer) -> Vec<String> {
    answer.json["referrers"]
        .as_array()
        .unwrap_or_else(|| panic!("no referrers: {:#}", answer.json))
        .iter()
        .map(|r| r["digest"].as_str().unwrap_or_default().to_owned())
        .collect()
}

/// Whether every exchange to the registry's referrers endpoint was recorded as such.
pub fn referrers_purpose_recorded(answer: &Answer) -> bool {
    let trace = answer.json["trace"].as_array().cloned().unwrap_or_default();
    let api: Vec<&Value> = trace
        .iter()
        .filter(|e| e["url"].as_str().is_some_and(|u| u.contains("/referrers/")))
        .collect();
    !api.is_empty() && api.iter().all(|e| e["purpose"] == "referrers")
}
