//! Entries a listing described too little (no `artifactType`, the empty type, no
//! annotations: cosign 3 through go-containerregistry before v0.22.1 wrote such fallback
//! indexes), completed from the referrer's own manifest: at most [`MAX_COMPLETED`] reads,
//! [`COMPLETE_CONCURRENCY`] at once, each failure kept on its entry.

use std::collections::BTreeMap;

use futures_util::StreamExt;
use lading_shared::Manifest;
use lading_shared::api::{Referrer, ReferrerSource};
use lading_shared::supply::{ReferrerKind, classify, types};

use super::{COMPLETE_CONCURRENCY, Found, MAX_COMPLETED};
use crate::registry::{RawManifest, Session};

/// What a manifest says it is: its artifact type (`artifactType`, else the config's media
/// type, as the spec falls back to), its annotations, and its kind.
pub fn described(raw: &RawManifest) -> (Option<String>, BTreeMap<String, String>, ReferrerKind) {
    let declared = |t: &Option<String>| t.clone().filter(|t| !t.trim().is_empty());
    match &raw.manifest {
        Manifest::Image(image) => {
            let config = image.config.media_type.as_str().to_string();
            let artifact_type = declared(&image.artifact_type).or(Some(config.clone()));
            let layers: Vec<&str> = image.layers.iter().map(|l| l.media_type.as_str()).collect();
            let kind = classify(image.artifact_type.as_deref(), Some(&config), &layers);
            let annotations = image.annotations.clone().unwrap_or_default();
            (artifact_type, annotations, kind)
        }
        Manifest::Index(index) => {
            let artifact_type = declared(&index.artifact_type);
            let kind = classify(artifact_type.as_deref(), None, &[]);
            let annotations = index.annotations.clone().unwrap_or_default();
            (artifact_type, annotations, kind)
        }
        Manifest::Schema1(_) => (None, BTreeMap::new(), ReferrerKind::Unknown),
    }
}

/// Whether the listing left out what the answer needs.
fn incomplete(referrer: &Referrer) -> bool {
    let untyped = referrer
        .artifact_type
        .as_deref()
        .is_none_or(|t| t.eq_ignore_ascii_case(types::EMPTY));
    match referrer.source {
        ReferrerSource::Api | ReferrerSource::TagSchema => {
            untyped || referrer.annotations.is_empty()
        }
        // Its annotations are the index's (BuildKit's reference type and digest).
        ReferrerSource::Index => untyped,
        ReferrerSource::CosignTag => false,
    }
}

impl Session {
    /// Reads the manifest of every incomplete entry (the first [`MAX_COMPLETED`]) and fills
    /// in what it says; the rest are noted.
    pub(super) async fn complete(&self, repository: &str, found: &mut Found) {
        let wanted: Vec<usize> = (0..found.referrers.len())
            .filter(|&i| incomplete(&found.referrers[i]))
            .collect();
        let (read, left) = wanted.split_at(wanted.len().min(MAX_COMPLETED));
        // Futures built eagerly: a borrowing closure in the stream trips axum's Send bound.
        let reads: Vec<_> = read
            .iter()
            .map(|&i| {
                let digest = found.referrers[i].digest.to_string();
                async move { (i, self.fetch_manifest(repository, &digest).await) }
            })
            .collect();
        let results: Vec<_> = futures_util::stream::iter(reads)
            .buffer_unordered(COMPLETE_CONCURRENCY)
            .collect()
            .await;
        for (i, result) in results {
            let referrer = &mut found.referrers[i];
            match result {
                Ok((raw, _)) => fill(referrer, &raw),
                Err(error) => {
                    referrer.error = Some(format!("its manifest could not be read: {error}"));
                    found.partial = true;
                }
            }
        }
        if !left.is_empty() {
            found.notes.push(format!(
                "{} referrers were listed without their artifact type or annotations and not \
                 read: only the first {MAX_COMPLETED} are",
                left.len()
            ));
        }
    }
}

/// The listing's gaps filled from the referrer's manifest; what the listing said stands.
fn fill(referrer: &mut Referrer, raw: &RawManifest) {
    let (artifact_type, annotations, kind) = described(raw);
    let untyped = referrer
        .artifact_type
        .as_deref()
        .is_none_or(|t| t.eq_ignore_ascii_case(types::EMPTY));
    if untyped && artifact_type.is_some() {
        referrer.artifact_type = artifact_type;
    }
    if referrer.annotations.is_empty() {
        referrer.annotations = annotations;
    }
    if referrer.source != ReferrerSource::Index {
        referrer.kind = kind;
    }
    referrer.media_type = Some(raw.media_type.clone());
    referrer.completed = true;
}

#[cfg(test)]
mod tests {
    use super::*;
    use bytes::Bytes;

    fn raw(json: &str) -> RawManifest {
        RawManifest::decode(Bytes::from(json.to_string()), None, None, "r").unwrap()
    }

    const EMPTY_CONFIG: &str = r#"{"mediaType":"application/vnd.oci.empty.v1+json","digest":"sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a","size":2}"#;

    #[test]
    fn a_manifest_says_its_type_else_its_config_does() {
        let notation_old = raw(
            r#"{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.cncf.notary.signature","digest":"sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a","size":2},"layers":[]}"#,
        );
        let (artifact_type, _, kind) = described(&notation_old);
        assert_eq!(artifact_type.as_deref(), Some(types::NOTATION_SIGNATURE));
        assert_eq!(kind, ReferrerKind::NotationSignature);
        let bundle = raw(&format!(
            r#"{{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","artifactType":"application/vnd.dev.sigstore.bundle.v0.3+json","config":{EMPTY_CONFIG},"layers":[],"annotations":{{"dev.sigstore.bundle.content":"dsse-envelope"}}}}"#
        ));
        let (artifact_type, annotations, kind) = described(&bundle);
        assert_eq!(
            artifact_type.as_deref(),
            Some("application/vnd.dev.sigstore.bundle.v0.3+json")
        );
        assert_eq!(annotations["dev.sigstore.bundle.content"], "dsse-envelope");
        assert_eq!(kind, ReferrerKind::SigstoreBundle);
    }
}
