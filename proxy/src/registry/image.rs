//! From a reference (and, for an index, a chosen platform) to one image manifest: what every
//! layer route starts from.

use std::sync::Arc;

use lading_shared::manifest::EntryKind;
use lading_shared::{Digest, ImageManifest, Manifest, Reference};

use super::access::ContentScope;
use super::{RawManifest, Session};
use crate::error::ProxyError;

/// Indexes nest (an index of indexes); deeper than this is junk or an attack.
const MAX_INDEX_DEPTH: usize = 4;

/// One image manifest, reached from the reference a person gave.
///
/// It is also the proof of access the layer caches ask for: only [`Session::resolve_image`]
/// makes one (`scope` is private), and only after the registry answered this request's own
/// manifest requests with success.
#[derive(Debug, Clone)]
pub struct ResolvedImage {
    pub repository: String,
    scope: ContentScope,
    /// Digest of the image manifest (a platform's, when the reference names an index).
    pub digest: Digest,
    pub raw: Arc<RawManifest>,
    pub manifest: ImageManifest,
}

impl ResolvedImage {
    /// Where its content came from and who reached it: the key of every cache of it.
    pub fn scope(&self) -> &ContentScope {
        &self.scope
    }
}

impl Session {
    /// Fetches the image manifest `reference` names. For an index, `platform` picks the
    /// child by digest; without it, an index with exactly one runnable platform resolves to
    /// it and any other index is a clear error listing the choices.
    pub async fn resolve_image(
        &self,
        reference: &Reference,
        platform: Option<&Digest>,
    ) -> Result<ResolvedImage, ProxyError> {
        let repository = &reference.repository;
        let mut identifier = reference.identifier();
        for _ in 0..MAX_INDEX_DEPTH {
            let (raw, digest) = self.fetch_manifest(repository, &identifier).await?;
            let (_, manifest) =
                Manifest::decode(&raw.bytes, raw.content_type.as_deref()).map_err(|e| {
                    ProxyError::BadUpstream(format!(
                        "{} sent a manifest Lading cannot read: {e}",
                        self.registry
                    ))
                })?;
            match manifest {
                Manifest::Image(manifest) => {
                    return Ok(ResolvedImage {
                        repository: repository.clone(),
                        scope: self.content_scope(repository),
                        digest,
                        raw,
                        manifest,
                    });
                }
                Manifest::Schema1(_) => {
                    return Err(ProxyError::BadRequest(format!(
                        "{digest} is a schema 1 manifest: its layers are not listed by Lading"
                    )));
                }
                Manifest::Index(index) => {
                    let entries = index.entries();
                    let child = match platform {
                        Some(wanted) => entries
                            .iter()
                            .find(|e| &e.descriptor.digest == wanted)
                            // A nested index may hold the platform further down.
                            .or_else(|| entries.iter().find(|e| e.kind == EntryKind::Index)),
                        None => {
                            let runnable: Vec<_> = entries
                                .iter()
                                .filter(|e| {
                                    matches!(e.kind, EntryKind::Platform | EntryKind::Index)
                                })
                                .collect();
                            match runnable.as_slice() {
                                [only] => Some(*only),
                                _ => {
                                    return Err(ProxyError::BadRequest(format!(
                                        "{digest} is an index of {} entries: choose a platform \
                                         (platform=DIGEST)",
                                        runnable.len()
                                    )));
                                }
                            }
                        }
                    };
                    let Some(child) = child else {
                        return Err(ProxyError::BadRequest(format!(
                            "index {digest} has no entry {}",
                            platform.map(|p| p.to_string()).unwrap_or_default()
                        )));
                    };
                    identifier = child.descriptor.digest.to_string();
                }
            }
        }
        Err(ProxyError::BadUpstream(format!(
            "indexes nested deeper than {MAX_INDEX_DEPTH} levels"
        )))
    }
}
