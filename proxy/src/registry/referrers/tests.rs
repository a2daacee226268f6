use super::*;

const A: &str = "sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
const B: &str = "sha256:4aa3054270f7a70b4528f2064ee90961788e1e1518703592ae4463de3b889dec";

fn descriptor(json: serde_json::Value) -> Descriptor {
    serde_json::from_value(json).unwrap()
}

#[test]
fn the_first_source_wins_and_the_count_is_bounded() {
    let d = descriptor(serde_json::json!({
        "mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": A, "size": 1,
        "artifactType": "application/spdx+json"
    }));
    let mut found = Found::default();
    let mut seen = HashSet::new();
    found.push(&mut seen, listed(&d, ReferrerSource::Api, None));
    found.push(
        &mut seen,
        listed(&d, ReferrerSource::TagSchema, Some("sha256-x")),
    );
    assert_eq!(found.referrers.len(), 1);
    assert_eq!(found.referrers[0].source, ReferrerSource::Api);
    assert_eq!(found.referrers[0].kind, ReferrerKind::Sbom);
    for i in 0..MAX_REFERRERS + 5 {
        let mut r = listed(&d, ReferrerSource::Api, None);
        r.digest = lading_shared::Digest::sha256(&i.to_be_bytes());
        found.push(&mut seen, r);
    }
    assert_eq!(found.referrers.len(), MAX_REFERRERS);
    assert!(found.partial);
    assert_eq!(found.notes.len(), 1, "{:?}", found.notes);
}

#[test]
fn the_filter_compares_types_without_parameters_or_case() {
    let d = descriptor(serde_json::json!({
        "mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": A, "size": 1,
        "artifactType": "application/vnd.cncf.notary.signature"
    }));
    let r = listed(&d, ReferrerSource::Api, None);
    assert!(matches_type(&r, None));
    assert!(matches_type(
        &r,
        Some("Application/VND.cncf.notary.signature; x=1")
    ));
    assert!(!matches_type(&r, Some("application/spdx+json")));
    let mut untyped = r.clone();
    untyped.artifact_type = None;
    assert!(!matches_type(
        &untyped,
        Some("application/vnd.cncf.notary.signature")
    ));
}

#[test]
fn only_attestation_manifests_of_an_index_are_referrers() {
    let entries: Vec<Descriptor> = vec![
        descriptor(serde_json::json!({
            "mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": B, "size": 9,
            "platform": { "architecture": "amd64", "os": "linux" }
        })),
        descriptor(serde_json::json!({
            "mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": A, "size": 9,
            "platform": { "architecture": "unknown", "os": "unknown" },
            "annotations": {
                "vnd.docker.reference.type": "attestation-manifest",
                "vnd.docker.reference.digest": B
            }
        })),
        descriptor(serde_json::json!({
            "mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": A, "size": 9,
            "annotations": { "vnd.docker.reference.type": "something-else" }
        })),
    ];
    let found = attestations_in(&entries);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].source, ReferrerSource::Index);
    assert_eq!(found[0].kind, ReferrerKind::BuildkitAttestation);
    assert_eq!(
        found[0]
            .describes
            .as_ref()
            .map(|d| d.to_string())
            .as_deref(),
        Some(B)
    );
}
