//! Index entries classified for display: platforms, BuildKit attestations (platform
//! `unknown/unknown`, `vnd.docker.reference.*` annotations), nested indexes, everything else.

use crate::fixtures;

use fixtures::*;
use lading_shared::manifest::EntryKind;
use lading_shared::{Digest, ImageIndex, Manifest};

fn index(body: &str) -> ImageIndex {
    match Manifest::decode(body.as_bytes(), Some(OCI_INDEX_TYPE)) {
        Ok((_, Manifest::Index(index))) => index,
        other => panic!("not an index: {other:?}"),
    }
}

fn digest(text: &str) -> Digest {
    Digest::parse(text).unwrap()
}

#[test]
fn index_entries_are_classified() {
    let index = index(OCI_INDEX);
    let kinds: Vec<EntryKind> = index.entries().into_iter().map(|e| e.kind).collect();
    assert_eq!(
        kinds,
        [
            EntryKind::Platform,
            EntryKind::Platform,
            EntryKind::Attestation {
                of: Some(digest(AMD64))
            },
            EntryKind::Attestation {
                of: Some(digest(ARM64))
            },
            EntryKind::Index,
        ]
    );
    let of_amd64 = index.attestations_of(&digest(AMD64));
    assert_eq!(of_amd64.len(), 1);
    assert_eq!(of_amd64[0].digest, digest(ATT_AMD64));
    assert!(index.attestations_of(&digest(ATT_AMD64)).is_empty());
    assert!(index.attestations_of(&digest(NESTED)).is_empty());
}

#[test]
fn index_entry_classification_edges() {
    let entry = |extra: &str| {
        format!(r#"{{"mediaType":"{OCI_MANIFEST_TYPE}","digest":"{AMD64}","size":10{extra}}}"#)
    };
    let body = format!(
        r#"{{"schemaVersion":2,"manifests":[{},{},{},{},{}]}}"#,
        // Annotation alone marks an attestation, even without the unknown platform.
        entry(r#","annotations":{"vnd.docker.reference.type":"attestation-manifest"}"#),
        // unknown/unknown alone too; a digest that does not parse gives `of: None`.
        entry(
            r#","platform":{"architecture":"unknown","os":"unknown"},
               "annotations":{"vnd.docker.reference.digest":"sha256:nope"}"#
        ),
        // No platform: an index of one image (OCI layouts, Helm) is not a platform table.
        entry(""),
        // A platform but an artifact type: an artifact, not a runnable image.
        entry(
            r#","platform":{"architecture":"amd64","os":"linux"},"artifactType":"application/x""#
        ),
        entry(r#","platform":{"architecture":"riscv64","os":"linux"}"#),
    );
    let index = index(&body);
    let kinds: Vec<EntryKind> = index.entries().into_iter().map(|e| e.kind).collect();
    assert_eq!(
        kinds,
        [
            EntryKind::Attestation { of: None },
            EntryKind::Attestation { of: None },
            EntryKind::Other,
            EntryKind::Other,
            EntryKind::Platform,
        ]
    );
}
