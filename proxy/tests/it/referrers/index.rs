//! BuildKit's attestations inside an index are referrers too (`source` = index), in both
//! forms: ≤ 0.31's plain image manifest and 0.32's artifact with `subject`.

use lading_testkit::Registry;
use lading_testkit::fixtures::push_oci_index_with_attestation;
use lading_testkit::fixtures::supply::push_buildkit_artifact_index;

use super::{referrer, referrers};
use crate::support::Lading;

const ATTESTATION: &str = "application/vnd.docker.attestation.manifest.v1+json";

#[tokio::test(flavor = "multi_thread")]
async fn attestation_manifests_of_both_buildkit_forms_are_listed() {
    let registry = Registry::plain();
    let pusher = registry.pusher();
    let old = push_oci_index_with_attestation(&pusher, "team/old", "v1").await;
    let new = push_buildkit_artifact_index(&pusher, "team/new", "v1").await;
    let lading = Lading::allowing(&[&registry.host()]);

    let answer = referrers(&lading, &format!("{}/team/old:v1", registry.host()), None).await;
    assert_eq!(answer.status, 200, "{:#}", answer.json);
    assert_eq!(answer.json["subject"], old.index.manifest.digest.as_str());
    let found = referrer(&answer, &old.attestation.manifest.digest);
    assert_eq!(found["source"], "index");
    assert_eq!(found["kind"], "buildkit_attestation");
    assert_eq!(found["describes"], old.linux_amd64.manifest.digest.as_str());
    // No artifact type in the entry: read from the manifest (its config's media type).
    assert_eq!(
        found["artifact_type"],
        "application/vnd.oci.image.config.v1+json"
    );
    assert_eq!(found["completed"], true);
    assert_eq!(
        answer.json["referrers"].as_array().unwrap().len(),
        1,
        "{:#}",
        answer.json
    );

    let answer = referrers(&lading, &format!("{}/team/new:v1", registry.host()), None).await;
    assert_eq!(answer.status, 200, "{:#}", answer.json);
    let found = referrer(&answer, &new.attestation.manifest.digest);
    assert_eq!(found["source"], "index");
    assert_eq!(found["kind"], "buildkit_attestation");
    assert_eq!(found["describes"], new.linux_amd64.manifest.digest.as_str());
    assert_eq!(found["artifact_type"], ATTESTATION);
    assert_eq!(
        found["completed"], false,
        "the entry said its type: not read"
    );

    // Filtered locally: attestations only when asked for their type.
    let none = referrers(
        &lading,
        &format!("{}/team/old:v1", registry.host()),
        Some(ATTESTATION),
    )
    .await;
    assert_eq!(
        none.json["referrers"],
        serde_json::json!([]),
        "{:#}",
        none.json
    );
    let some = referrers(
        &lading,
        &format!("{}/team/new:v1", registry.host()),
        Some(ATTESTATION),
    )
    .await;
    assert_eq!(
        some.json["referrers"].as_array().unwrap().len(),
        1,
        "{:#}",
        some.json
    );
}
