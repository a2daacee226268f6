//! What a referrer (or any manifest beside an image) is, from its artifact type, config
//! media type and layers' media types — the facts a referrers listing or a manifest gives.

use serde::{Deserialize, Serialize};

/// The media and artifact types that tell supply-chain manifests apart.
pub mod types {
    pub const EMPTY: &str = "application/vnd.oci.empty.v1+json";
    pub const COSIGN_SIMPLE_SIGNING: &str = "application/vnd.dev.cosign.simplesigning.v1+json";
    pub const DSSE_ENVELOPE: &str = "application/vnd.dsse.envelope.v1+json";
    pub const SIGSTORE_BUNDLE_PREFIX: &str = "application/vnd.dev.sigstore.bundle";
    pub const NOTATION_SIGNATURE: &str = "application/vnd.cncf.notary.signature";
    pub const BUILDKIT_ATTESTATION: &str = "application/vnd.docker.attestation.manifest.v1+json";
    pub const IN_TOTO: &str = "application/vnd.in-toto+json";
    pub const HELM_CONFIG: &str = "application/vnd.cncf.helm.config.v1+json";
    pub const WASM_CONFIG: &str = "application/vnd.wasm.config.v0+json";
    pub const SIF_CONFIG: &str = "application/vnd.sylabs.sif.config.v1+json";
    pub const ORAS_DEFAULT: &str = "application/vnd.unknown.artifact.v1";
    pub const ARTIFACT_MANIFEST: &str = "application/vnd.oci.artifact.manifest.v1+json";
    pub const SPDX_JSON: &str = "application/spdx+json";
    pub const CYCLONEDX_JSON: &str = "application/vnd.cyclonedx+json";
    pub const SYFT_JSON: &str = "application/vnd.syft+json";
    /// BuildKit's index annotations on an attestation entry.
    pub const REFERENCE_TYPE: &str = "vnd.docker.reference.type";
    pub const REFERENCE_DIGEST: &str = "vnd.docker.reference.digest";
    pub const ATTESTATION_MANIFEST: &str = "attestation-manifest";
}

/// What a referrer is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReferrerKind {
    /// cosign's legacy signature manifest (simple-signing layers).
    CosignSignature,
    /// cosign's legacy attestation manifest (DSSE envelope layers).
    CosignAttestation,
    /// cosign's deprecated `.sbom` attachment.
    CosignSbom,
    /// A Sigstore bundle (cosign 3): a signature or an attestation.
    SigstoreBundle,
    NotationSignature,
    /// BuildKit's attestation manifest (provenance, SBOM) for one platform.
    BuildkitAttestation,
    /// An SBOM attached as its own artifact (SPDX, CycloneDX, Syft).
    Sbom,
    HelmChart,
    Wasm,
    Sif,
    /// ORAS-pushed files.
    Files,
    /// A container image (a referrer can be one, e.g. a debug image).
    Image,
    Unknown,
}

impl ReferrerKind {
    pub fn label(self) -> &'static str {
        match self {
            ReferrerKind::CosignSignature => "cosign signature",
            ReferrerKind::CosignAttestation => "cosign attestation",
            ReferrerKind::CosignSbom => "cosign SBOM attachment",
            ReferrerKind::SigstoreBundle => "Sigstore bundle",
            ReferrerKind::NotationSignature => "Notation signature",
            ReferrerKind::BuildkitAttestation => "BuildKit attestation",
            ReferrerKind::Sbom => "SBOM",
            ReferrerKind::HelmChart => "Helm chart",
            ReferrerKind::Wasm => "WebAssembly module",
            ReferrerKind::Sif => "Apptainer SIF image",
            ReferrerKind::Files => "files (ORAS)",
            ReferrerKind::Image => "container image",
            ReferrerKind::Unknown => "artifact",
        }
    }

    /// A signature of some form (what the verify control is offered for).
    pub fn is_signature(self) -> bool {
        matches!(
            self,
            ReferrerKind::CosignSignature
                | ReferrerKind::SigstoreBundle
                | ReferrerKind::NotationSignature
        )
    }

    /// Attestations and SBOMs: statements about the image.
    pub fn is_attestation(self) -> bool {
        matches!(
            self,
            ReferrerKind::CosignAttestation
                | ReferrerKind::BuildkitAttestation
                | ReferrerKind::Sbom
                | ReferrerKind::CosignSbom
        )
    }
}

/// Classifies from what a listing or a manifest says: `artifact_type` (the manifest's, or the
/// listing's), the config's media type and the layers' media types (empty when unknown).
/// Types are compared without parameters and case-insensitively.
pub fn classify(
    artifact_type: Option<&str>,
    config_media_type: Option<&str>,
    layer_media_types: &[&str],
) -> ReferrerKind {
    let essence = |t: &str| {
        t.split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase()
    };
    let artifact = artifact_type
        .map(essence)
        .filter(|t| !t.is_empty() && t != types::EMPTY);
    let config = config_media_type.map(essence);
    let layers: Vec<String> = layer_media_types.iter().map(|t| essence(t)).collect();
    let any_layer = |f: &dyn Fn(&str) -> bool| layers.iter().any(|l| f(l));
    // The artifact type (or the config's type, as the spec falls back to) first.
    for declared in artifact.iter().chain(config.iter()) {
        let t = declared.as_str();
        let kind = match t {
            _ if t.starts_with(types::SIGSTORE_BUNDLE_PREFIX) => ReferrerKind::SigstoreBundle,
            types::NOTATION_SIGNATURE => ReferrerKind::NotationSignature,
            types::BUILDKIT_ATTESTATION => ReferrerKind::BuildkitAttestation,
            types::HELM_CONFIG => ReferrerKind::HelmChart,
            types::WASM_CONFIG => ReferrerKind::Wasm,
            types::SIF_CONFIG => ReferrerKind::Sif,
            types::ORAS_DEFAULT => ReferrerKind::Files,
            types::SPDX_JSON | types::CYCLONEDX_JSON | types::SYFT_JSON => ReferrerKind::Sbom,
            _ if t.starts_with("application/vnd.cyclonedx") || t.starts_with("text/spdx") => {
                ReferrerKind::Sbom
            }
            _ => continue,
        };
        return kind;
    }
    if any_layer(&|l| l == types::COSIGN_SIMPLE_SIGNING) {
        return ReferrerKind::CosignSignature;
    }
    if any_layer(&|l| l.starts_with(types::SIGSTORE_BUNDLE_PREFIX)) {
        return ReferrerKind::SigstoreBundle;
    }
    if any_layer(&|l| l == types::DSSE_ENVELOPE) {
        return ReferrerKind::CosignAttestation;
    }
    if any_layer(&|l| l == types::IN_TOTO || l.starts_with("application/vnd.in-toto.")) {
        return ReferrerKind::BuildkitAttestation;
    }
    if any_layer(&|l| {
        l == types::SPDX_JSON || l == types::SYFT_JSON || l.starts_with("application/vnd.cyclonedx")
    }) {
        return ReferrerKind::Sbom;
    }
    if any_layer(&|l| l == "application/jose+json" || l == "application/cose") {
        return ReferrerKind::NotationSignature;
    }
    let image_config = config.as_deref().is_some_and(|c| {
        c == "application/vnd.oci.image.config.v1+json"
            || c == "application/vnd.docker.container.image.v1+json"
    });
    if image_config && artifact.is_none() {
        return ReferrerKind::Image;
    }
    if (artifact.is_some() || config.as_deref() == Some(types::EMPTY))
        && any_layer(&|l| l == "application/vnd.oci.image.layer.v1.tar")
    {
        return ReferrerKind::Files;
    }
    ReferrerKind::Unknown
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn artifact_type_decides_before_layers() {
        let bundle = "application/vnd.dev.sigstore.bundle.v0.3+json";
        assert_eq!(
            classify(Some(bundle), Some(types::EMPTY), &[bundle]),
            ReferrerKind::SigstoreBundle
        );
        // Older Notation: no artifact type, the config's media type says it.
        assert_eq!(
            classify(
                None,
                Some(types::NOTATION_SIGNATURE),
                &["application/jose+json"]
            ),
            ReferrerKind::NotationSignature
        );
        assert_eq!(
            classify(
                Some(types::EMPTY),
                Some(types::EMPTY),
                &["application/cose"]
            ),
            ReferrerKind::NotationSignature
        );
    }

    #[test]
    fn cosign_legacy_and_buildkit_by_layers() {
        let oci_config = "application/vnd.oci.image.config.v1+json";
        assert_eq!(
            classify(None, Some(oci_config), &[types::COSIGN_SIMPLE_SIGNING]),
            ReferrerKind::CosignSignature
        );
        assert_eq!(
            classify(None, Some(oci_config), &[types::DSSE_ENVELOPE]),
            ReferrerKind::CosignAttestation
        );
        assert_eq!(
            classify(None, Some(oci_config), &[types::IN_TOTO, types::IN_TOTO]),
            ReferrerKind::BuildkitAttestation
        );
        assert_eq!(
            classify(Some(types::BUILDKIT_ATTESTATION), Some(types::EMPTY), &[]),
            ReferrerKind::BuildkitAttestation
        );
    }

    #[test]
    fn artifacts_and_the_unknown() {
        assert_eq!(
            classify(None, Some(types::HELM_CONFIG), &[]),
            ReferrerKind::HelmChart
        );
        assert_eq!(
            classify(Some("APPLICATION/VND.WASM.CONFIG.V0+JSON; x=y"), None, &[]),
            ReferrerKind::Wasm
        );
        assert_eq!(
            classify(
                Some("application/x-thing"),
                Some(types::EMPTY),
                &["application/vnd.oci.image.layer.v1.tar"]
            ),
            ReferrerKind::Files
        );
        assert_eq!(
            classify(Some("application/x-thing"), None, &["application/x-other"]),
            ReferrerKind::Unknown
        );
        assert_eq!(
            classify(None, Some("application/vnd.oci.image.config.v1+json"), &[]),
            ReferrerKind::Image
        );
    }
}
