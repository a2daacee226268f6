//! From a reference (and, for an index, a chosen platform) to one image manifest: what every
//! layer route starts from, and the one path from a query to an opened image.

use std::sync::Arc;

use lading_shared::api::PlatformCandidate;
use lading_shared::layer::LayerQuery;
use lading_shared::manifest::{EntryKind, IndexEntry, REFERENCE_TYPE_ANNOTATION};
use lading_shared::{Descriptor, Digest, ImageIndex, ImageManifest, Manifest, Reference};

use super::access::ContentScope;
use super::credentials::Credentials;
use super::{RawManifest, Session, Upstream};
use crate::error::ProxyError;
use crate::trace::Trace;

/// Indexes nest (an index of indexes); deeper than this is junk or an attack.
const MAX_INDEX_DEPTH: usize = 4;

/// One image manifest, reached from the reference a person gave.
///
/// It is also the proof of access the layer caches ask for: only [`Session::resolve_image`]
/// makes one (`scope` is private), and only once the registry answered this request's own
/// manifest requests with success, or its scope stood proven so cached manifests could be
/// answered without asking (`registry::access`).
#[derive(Debug, Clone)]
pub struct ResolvedImage {
    pub repository: String,
    scope: ContentScope,
    /// Digest of the image manifest (a platform's, when the reference names an index).
    pub digest: Digest,
    /// The image manifest as received and decoded (`raw.media_type` is its media type).
    pub raw: Arc<RawManifest>,
    pub manifest: ImageManifest,
}

impl ResolvedImage {
    /// Where its content came from and who reached it: the key of every cache of it.
    pub fn scope(&self) -> &ContentScope {
        &self.scope
    }
}

/// Opens a session for `query.reference` and resolves it (and `query.platform`) to one
/// image: the start of every layer, file, blob and export route.
pub async fn open_image(
    upstream: &Arc<Upstream>,
    credentials: Option<Credentials>,
    query: &LayerQuery,
    trace: &Trace,
) -> Result<(Session, Reference, ResolvedImage), ProxyError> {
    let reference = Reference::parse(&query.reference)?;
    let session =
        Session::for_repository(upstream, &reference.repository(), credentials, trace).await?;
    let assumed = super::missing::tag_was_assumed(&query.reference, &reference);
    let image = session
        .resolve_image(&reference, query.platform.as_ref(), assumed)
        .await?;
    Ok((session, reference, image))
}

impl Session {
    /// Fetches the image manifest `reference` names. For an index, `platform` picks the
    /// child by digest; without it, an index with exactly one runnable platform resolves to
    /// it and any other index asks the person to choose ([`ProxyError::ChoosePlatform`]).
    /// `tag_assumed`: the person gave no tag (see [`Session::fetch_reference`]).
    pub async fn resolve_image(
        &self,
        reference: &Reference,
        platform: Option<&Digest>,
        tag_assumed: bool,
    ) -> Result<ResolvedImage, ProxyError> {
        let repository = &reference.repository;
        let (mut raw, mut digest) = self.fetch_reference(reference, tag_assumed).await?;
        for _ in 0..MAX_INDEX_DEPTH {
            match &raw.manifest {
                Manifest::Image(manifest) => {
                    return Ok(ResolvedImage {
                        repository: repository.clone(),
                        scope: self.content_scope(repository),
                        digest,
                        manifest: manifest.clone(),
                        raw,
                    });
                }
                Manifest::Schema1(_) => return Err(schema1_unsupported(&digest)),
                Manifest::Index(index) => {
                    let child = choose_child(index, &digest, platform)?;
                    (raw, digest) = self.fetch_manifest(repository, &child.to_string()).await?;
                }
            }
        }
        Err(ProxyError::BadUpstream(format!(
            "indexes nested deeper than {MAX_INDEX_DEPTH} levels"
        )))
    }
}

/// Schema 1 manifests name their layers but Lading reads only OCI and Docker v2 layer lists.
pub fn schema1_unsupported(digest: &Digest) -> ProxyError {
    ProxyError::Unsupported(format!(
        "{digest} is a Docker schema 1 manifest (deprecated): Lading shows its manifest and \
         history on the image page, but does not list, merge or export its layers"
    ))
}

/// The child of `index` to descend into: the entry `platform` names (or, failing that, a
/// nested index that may hold it), else the one runnable entry.
fn choose_child(
    index: &ImageIndex,
    digest: &Digest,
    platform: Option<&Digest>,
) -> Result<Digest, ProxyError> {
    let entries = index.entries();
    let child = match platform {
        Some(wanted) => entries
            .iter()
            .find(|e| &e.descriptor.digest == wanted)
            // A nested index may hold the platform further down.
            .or_else(|| entries.iter().find(|e| e.kind == EntryKind::Index)),
        None => match runnable(&entries).as_slice() {
            [only] => Some(*only),
            runnable => {
                let message = format!(
                    "{digest} is an index of {} runnable entries: choose a platform",
                    runnable.len()
                );
                return Err(choose_platform(index, message));
            }
        },
    };
    match (child, platform) {
        (Some(child), _) => Ok(child.descriptor.digest.clone()),
        (None, wanted) => {
            let wanted = wanted.map(Digest::to_string).unwrap_or_default();
            let message = format!("index {digest} has no entry {wanted}: choose one of its own");
            Err(choose_platform(index, message))
        }
    }
}

fn runnable<'a, 'b>(entries: &'b [IndexEntry<'a>]) -> Vec<&'b IndexEntry<'a>> {
    entries
        .iter()
        .filter(|e| matches!(e.kind, EntryKind::Platform | EntryKind::Index))
        .collect()
}

/// "Choose a platform", with every entry of the index as a candidate.
pub fn choose_platform(index: &ImageIndex, message: String) -> ProxyError {
    ProxyError::ChoosePlatform {
        message,
        candidates: candidates(index),
    }
}

/// Every entry of `index`, in its order, as the page offers them (attestations included,
/// marked by BuildKit's reference type so the page can set them apart).
pub fn candidates(index: &ImageIndex) -> Vec<PlatformCandidate> {
    index.manifests.iter().map(candidate).collect()
}

fn candidate(descriptor: &Descriptor) -> PlatformCandidate {
    PlatformCandidate {
        digest: descriptor.digest.clone(),
        platform: descriptor.platform.clone(),
        media_type: Some(descriptor.media_type.clone()),
        reference_type: descriptor
            .annotation(REFERENCE_TYPE_ANNOTATION)
            .map(str::to_string),
    }
}
