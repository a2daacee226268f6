//! Supply-chain paperwork beside an image: what a referrer is ([`ReferrerKind`]), the tags
//! cosign and the referrers tag schema file things under, and (in the submodules) the
//! decoding of signatures, attestations, provenance and SBOMs. Formats:
//! `SUPPLY-CHAIN.md` in the product's shared notes; nothing here verifies anything.
//!
//! Every decoder takes bytes, bounds them ([`MAX_DOCUMENT_BYTES`], [`MAX_PAYLOAD_BYTES`],
//! serde_json's depth limit) and answers a summary or a [`SupplyError`].

mod bundle;
mod cert;
mod decode;
mod dsse;
mod error;
mod kind;
mod notation;
mod pretty;
mod provenance;
mod purl;
mod rekor;
#[cfg(test)]
mod robust;
mod sbom;
mod signing;
mod tags;

pub use bundle::{BundleContent, MAX_TLOG_ENTRIES, SigstoreBundle, decode_bundle};
pub use cert::{
    CertExtension, CertificateSummary, MAX_CERTIFICATE_BYTES, MAX_CHAIN_CERTIFICATES, SanEntry,
    decode_certificate, decode_certificate_chain,
};
pub use decode::{MAX_DOCUMENT_BYTES, MAX_PAYLOAD_BYTES};
pub use dsse::{
    DsseEnvelope, DsseSignature, IN_TOTO_PAYLOAD_TYPE, MAX_SUBJECTS, STATEMENT_V0_1, STATEMENT_V1,
    Statement, StatementVersion, Subject, decode_attestation, decode_dsse, decode_statement, pae,
};
pub use error::SupplyError;
pub use kind::{ReferrerKind, classify, types};
pub use notation::{
    COSE_MEDIA_TYPE, JWS_MEDIA_TYPE, NotationJws, NotationSignature, THUMBPRINT_ANNOTATION,
    TargetArtifact, decode_notation, decode_notation_jws, decode_thumbprints,
};
pub use pretty::{
    DecodedPayload, MAX_DECODED_PAYLOADS, MAX_PAYLOAD_NESTING, MAX_PRETTY_BYTES,
    MAX_PRETTY_TOTAL_BYTES, PrettyJson, pretty_json,
};
pub use provenance::{
    BUILDKIT_BUILD_TYPE, BuildkitMode, MAX_MATERIALS, Material, Provenance, SLSA_PROVENANCE_V0_2,
    SLSA_PROVENANCE_V1, SlsaVersion, decode_provenance, decode_provenance_attestation,
};
pub use purl::{Purl, parse_purl, purl_image_reference, purl_type};
pub use rekor::{RekorEntry, decode_rekor_bundle};
pub use sbom::{MAX_PACKAGES, Sbom, SbomFormat, SbomPackage, decode_sbom, decode_sbom_value};
pub use signing::{
    CosignLayerSummary, SimpleSigning, annotations as cosign_annotations, decode_simple_signing,
    summarize_cosign_annotations,
};
pub use tags::{CosignSuffix, SupplyTag, cosign_tag, fallback_tag, parse_supply_tag};
