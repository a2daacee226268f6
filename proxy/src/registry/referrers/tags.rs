//! The tags paperwork is filed under where there is no referrers API: the referrers tag
//! schema's `sha256-<hex>` (an OCI index of the referrers) and cosign's legacy
//! `sha256-<hex>.sig`, `.att`, `.sbom`. A 404 for any of them is the normal "none".

use futures_util::future::join_all;
use lading_shared::Digest;
use lading_shared::Manifest;
use lading_shared::api::{ExchangePurpose, Referrer, ReferrerSource};
use lading_shared::manifest::{MAX_MANIFEST_BYTES, manifest_digest};
use lading_shared::media_type::MANIFEST_ACCEPT;
use lading_shared::supply::{CosignSuffix, ReferrerKind, cosign_tag};
use reqwest::{Method, StatusCode};

use super::api::read_page;
use super::complete::described;
use super::{Found, MAX_REFERRERS};
use crate::error::{Fetching, ProxyError};
use crate::registry::cache::Fetched;
use crate::registry::transport::{header_string, read_capped};
use crate::registry::{RawManifest, Session};

impl Session {
    /// The fallback index's entries, or none (a 404, or a tag that is no index: noted).
    pub(super) async fn read_fallback(
        &self,
        repository: &str,
        tag: &str,
        found: &mut Found,
    ) -> Vec<Referrer> {
        let fetched = match self.supply_tag(repository, tag).await {
            Ok(Some((raw, _))) => raw,
            Ok(None) => return Vec::new(),
            Err(error) => {
                found.notes.push(format!(
                    "the referrers tag {tag} could not be read: {error}"
                ));
                found.partial = true;
                return Vec::new();
            }
        };
        if !matches!(fetched.manifest, Manifest::Index(_)) {
            found.notes.push(format!(
                "the referrers tag {tag} is a {}, not an index: ignored",
                fetched.media_type
            ));
            return Vec::new();
        }
        let mut entries = Vec::new();
        let room = MAX_REFERRERS.saturating_sub(found.referrers.len());
        match read_page(&fetched.bytes, &mut entries, ReferrerSource::TagSchema) {
            Ok(skipped) if skipped > 0 => found.notes.push(format!(
                "{skipped} entries of the referrers tag {tag} were not descriptors and were \
                 skipped"
            )),
            Ok(_) => {}
            Err(e) => found.notes.push(format!(
                "the referrers tag {tag} is not a readable index: {e}"
            )),
        }
        entries.truncate(room);
        for entry in &mut entries {
            entry.tag = Some(tag.to_string());
        }
        entries
    }

    /// cosign's attachments for `subject` that exist, each read to tell what it is.
    pub(super) async fn cosign_tags(
        &self,
        repository: &str,
        subject: &Digest,
        found: &mut Found,
    ) -> Vec<Referrer> {
        let looks = CosignSuffix::ALL.map(|suffix| {
            let tag = cosign_tag(subject, suffix);
            async move {
                let fetched = self.supply_tag(repository, &tag).await;
                (suffix, tag, fetched)
            }
        });
        let mut referrers = Vec::new();
        for (suffix, tag, fetched) in join_all(looks).await {
            match fetched {
                Ok(Some((raw, digest))) => {
                    referrers.push(cosign_referrer(&raw, digest, suffix, tag))
                }
                Ok(None) => {}
                Err(error) => {
                    found
                        .notes
                        .push(format!("cosign's tag {tag} could not be read: {error}"));
                    found.partial = true;
                }
            }
        }
        referrers
    }

    /// The manifest a supply-chain tag names, `None` on a 404. Not cached by tag: these
    /// tags move whenever someone signs again.
    async fn supply_tag(&self, repository: &str, tag: &str) -> Result<Option<Fetched>, ProxyError> {
        let url = self.url(&format!("/v2/{repository}/manifests/{tag}"));
        let accept = MANIFEST_ACCEPT.join(", ");
        let scopes = [Session::pull_scope(repository)];
        let note = format!("GET the tag {tag} (a 404 means there is none)");
        let response = self
            .send(
                Method::GET,
                &url,
                Some(&accept),
                &scopes,
                ExchangePurpose::Referrers,
                &note,
            )
            .await?;
        if response.status() == StatusCode::NOT_FOUND {
            // The body says which 404 it was, for the trace; a missing tag is expected.
            self.error_body(response).await;
            return Ok(None);
        }
        if !response.status().is_success() {
            return Err(self.upstream_failure(response, Fetching::Manifest).await);
        }
        let content_type = header_string(response.headers(), "content-type");
        let bytes = read_capped(response, MAX_MANIFEST_BYTES, "manifest").await?;
        let digest = manifest_digest(&bytes, None);
        let raw = RawManifest::decode(bytes, content_type, None, &self.registry)?;
        Ok(Some((std::sync::Arc::new(raw), digest)))
    }
}

fn cosign_referrer(
    raw: &RawManifest,
    digest: Digest,
    suffix: CosignSuffix,
    tag: String,
) -> Referrer {
    let (artifact_type, annotations, kind) = described(raw);
    let kind = match suffix {
        CosignSuffix::Sbom => ReferrerKind::CosignSbom,
        _ => kind,
    };
    Referrer {
        digest,
        artifact_type,
        media_type: Some(raw.media_type.clone()),
        size: raw.bytes.len() as u64,
        annotations,
        source: ReferrerSource::CosignTag,
        kind,
        tag: Some(tag),
        describes: None,
        completed: false,
        error: None,
    }
}
