//! `POST /api/verify?ref=IMAGE&signature=DIGEST`, body a PEM public key: checks each
//! signature in the signature manifest DIGEST under that key and against the digest IMAGE
//! names now (see `verify/check.rs`), and says in words what was and was not checked. The
//! key is read before any registry is asked, so a bad paste costs no upstream request.

mod check;
mod key;

use axum::body::Body;
use axum::extract::State;
use axum::response::Response;
use lading_shared::api::{
    Exchange, MAX_VERIFY_KEY_BYTES, RegistryNotes, SignatureCheck, VerifyQuery, VerifyResponse,
    verify_outcome,
};
use lading_shared::{Digest, Manifest, Reference};

use super::answer::{Caching, Traced, answer_json, open_named};
use super::cacheable::{Audience, Completeness, Conditional};
use crate::AppState;
use crate::error::{Failure, ProxyError};
use crate::extract::{ApiQuery, BrowserCredentials};
use crate::limits::budget::{LISTING_MEMORY, Reservation};
use crate::registry::Session;
use crate::trace::Trace;
use check::{LayerKind, layer_kind};
use key::PublicKey;

/// Signature layers checked per manifest (cosign appends one per `cosign sign`).
pub const MAX_SIGNATURE_LAYERS: usize = 32;

impl Traced for VerifyResponse {
    fn set_trace(&mut self, trace: Vec<Exchange>, notes: RegistryNotes) {
        self.trace = trace;
        self.registry_notes = notes;
    }

    /// Tags move and signatures are added: an answer is never immutable.
    fn completeness(&self) -> Completeness {
        Completeness::Partial
    }
}

pub async fn verify_signature(
    State(state): State<AppState>,
    BrowserCredentials(credentials): BrowserCredentials,
    conditional: Conditional,
    ApiQuery(query): ApiQuery<VerifyQuery>,
    body: Body,
) -> Result<Response, Failure> {
    let trace = Trace::default();
    let key = read_key(body).await.map_err(|e| trace.fail(e))?;
    let (reference, session) =
        open_named(&state.upstream, &query.reference, credentials, &trace).await?;
    let registry = reference.registry.clone();
    let caching = Caching {
        conditional: &conditional,
        audience: Audience::of(&session),
    };
    let work = async {
        let assumed = crate::registry::missing::tag_was_assumed(&query.reference, &reference);
        let response = verify(&session, reference, assumed, query.signature, key).await?;
        Ok((response, Reservation::new(&LISTING_MEMORY)))
    };
    answer_json(&state, &registry, &trace, caching, work).await
}

/// The body, bounded, as one PEM public key.
async fn read_key(body: Body) -> Result<PublicKey, ProxyError> {
    let too_large = || {
        ProxyError::BadRequest(format!(
            "the key is larger than {MAX_VERIFY_KEY_BYTES} bytes: paste one PEM public key \
             (cosign.pub)"
        ))
    };
    let bytes = axum::body::to_bytes(body, MAX_VERIFY_KEY_BYTES)
        .await
        .map_err(|_| too_large())?;
    let text = std::str::from_utf8(&bytes).map_err(|_| {
        ProxyError::BadRequest("the key is not text: paste the PEM public key (cosign.pub)".into())
    })?;
    PublicKey::from_pem(text)
}

async fn verify(
    session: &Session,
    reference: Reference,
    tag_assumed: bool,
    signature: Digest,
    key: PublicKey,
) -> Result<VerifyResponse, ProxyError> {
    let repository = reference.repository.clone();
    // cosign signs the manifest a reference names, an index included: no platform chosen.
    let (_, image_digest) = session.fetch_reference(&reference, tag_assumed).await?;
    let (raw, _) = session
        .fetch_manifest(&repository, &signature.to_string())
        .await?;
    let Manifest::Image(manifest) = &raw.manifest else {
        return Err(ProxyError::Unsupported(format!(
            "{signature} is not a signature manifest: it is a {}, not an image manifest with \
             signature layers",
            raw.media_type.as_str()
        )));
    };
    let mut signatures = Vec::new();
    let mut others = 0usize;
    for layer in &manifest.layers {
        if layer_kind(layer) == LayerKind::Other {
            others += 1;
        } else if signatures.len() < MAX_SIGNATURE_LAYERS {
            signatures
                .push(check::check_layer(session, &repository, layer, &key, &image_digest).await);
        }
    }
    let checkable = manifest.layers.len() - others;
    let not_checked = not_checked(checkable, others, &signatures);
    let verified = signatures
        .iter()
        .any(|s| s.outcome == verify_outcome::VERIFIED && s.matches_image);
    Ok(VerifyResponse {
        checked: checked(&reference, &image_digest, &key, &signatures),
        not_checked,
        reference,
        image_digest,
        signature,
        key: key.summary,
        signatures,
        verified,
        registry_notes: RegistryNotes::default(),
        trace: Vec::new(),
    })
}

fn checked(
    reference: &Reference,
    image: &Digest,
    key: &PublicKey,
    signatures: &[SignatureCheck],
) -> Vec<String> {
    if signatures.is_empty() {
        return vec![format!("{reference} resolved now to {image}")];
    }
    vec![
        format!("{reference} resolved now to {image}"),
        format!(
            "each signature against the pasted {} key {}",
            key.summary.algorithm, key.summary.fingerprint
        ),
        "each signed payload's bytes against its digest in the signature manifest".into(),
        "that the signed payload names the image's current digest".into(),
    ]
}

fn not_checked(checkable: usize, others: usize, signatures: &[SignatureCheck]) -> Vec<String> {
    let mut out = vec![
        "the Rekor transparency log inclusion".to_string(),
        "the certificate chain to Fulcio's root".into(),
        "who the signer is (identity in the certificate)".into(),
        "timestamps (RFC 3161 or the log's integrated time)".into(),
        "the docker-reference name and optional claims in the payload".into(),
        "signatures in other manifests (other referrers or .sig tags)".into(),
    ];
    if checkable == 0 {
        out.push("no layer of this manifest holds a cosign or Sigstore signature".into());
    }
    if checkable > signatures.len() {
        out.push(format!(
            "{} signature layers past the first {MAX_SIGNATURE_LAYERS}",
            checkable - signatures.len()
        ));
    }
    if others > 0 {
        out.push(format!("{others} layers of other media types"));
    }
    if signatures.iter().any(|s| s.kind == check::BUNDLE_MESSAGE) {
        out.push("message signatures in Sigstore bundles".into());
    }
    out
}
