//! Debian's distribution registry has no referrers API: the fallback tag `sha256-<hex>`
//! (entries completed from their manifests where the index says too little) and cosign's
//! legacy tags are what Lading reads.

use lading_testkit::Registry;
use lading_testkit::fixtures::push_oci_image;
use lading_testkit::fixtures::supply::{
    fallback_tag_of, push_cosign_attestation, push_cosign_sbom, push_cosign_signature,
    push_fallback_index, referrer_entry,
};

use super::{
    NOTATION, Paperwork, REPO, TAG, digests, referrer, referrers, referrers_purpose_recorded,
};
use crate::support::{Lading, encode};

#[tokio::test(flavor = "multi_thread")]
async fn distribution_is_read_through_its_fallback_tag_and_cosign_tags() {
    let registry = Registry::plain();
    let pusher = registry.pusher();
    let paperwork = Paperwork::push(&pusher, REPO).await;
    let subject = &paperwork.image.manifest;
    // As cosign 3 through go-containerregistry < v0.22.1 wrote them: the bundle and the old
    // Notation form bare; the rest complete.
    let mut entries = vec![
        referrer_entry(&paperwork.bundle, false),
        referrer_entry(&paperwork.notation_old, false),
    ];
    for complete in [
        &paperwork.notation,
        &paperwork.helm,
        &paperwork.wasm,
        &paperwork.sif,
        &paperwork.oras,
    ] {
        entries.push(referrer_entry(complete, true));
    }
    push_fallback_index(&pusher, REPO, subject, entries).await;
    let sig = push_cosign_signature(&pusher, REPO, subject).await;
    let att = push_cosign_attestation(&pusher, REPO, subject).await;
    let sbom = push_cosign_sbom(&pusher, REPO, subject).await;
    let lading = Lading::allowing(&[&registry.host()]);
    let reference = format!("{}/{REPO}:{TAG}", registry.host());

    let answer = referrers(&lading, &reference, None).await;
    assert_eq!(answer.status, 200, "{:#}", answer.json);
    let json = &answer.json;
    assert_eq!(json["subject"], subject.digest.as_str());
    assert_eq!(json["api"]["state"], "absent", "{json:#}");
    assert!(
        json["api"]["why"].as_str().unwrap().contains("404"),
        "{json:#}"
    );
    assert_eq!(json["fallback_tag"], fallback_tag_of(subject).as_str());
    assert!(referrers_purpose_recorded(&answer), "{json:#}");

    let kinds = [
        (&paperwork.bundle, "sigstore_bundle", true),
        (&paperwork.notation_old, "notation_signature", true),
        (&paperwork.notation, "notation_signature", false),
        (&paperwork.helm, "helm_chart", false),
        (&paperwork.wasm, "wasm", false),
        (&paperwork.sif, "sif", false),
        (&paperwork.oras, "files", false),
    ];
    for (pushed, kind, completed) in kinds {
        let found = referrer(&answer, &pushed.manifest.digest);
        assert_eq!(found["source"], "tag-schema", "{found:#}");
        assert_eq!(found["kind"], kind, "{found:#}");
        assert_eq!(found["completed"], completed, "{found:#}");
        assert_eq!(found["tag"], fallback_tag_of(subject).as_str());
        assert!(found.get("error").is_none(), "{found:#}");
    }
    // Completed from the manifest: the type (the old form's from its config) and annotations.
    let bundle = referrer(&answer, &paperwork.bundle.manifest.digest);
    assert_eq!(bundle["artifact_type"], super::BUNDLE);
    assert_eq!(
        bundle["annotations"]["dev.sigstore.bundle.content"],
        "dsse-envelope"
    );
    let old = referrer(&answer, &paperwork.notation_old.manifest.digest);
    assert_eq!(old["artifact_type"], NOTATION);
    assert!(old["annotations"]["io.cncf.notary.x509chain.thumbprint#S256"].is_string());

    for (pushed, kind, suffix) in [
        (&sig, "cosign_signature", "sig"),
        (&att, "cosign_attestation", "att"),
        (&sbom, "cosign_sbom", "sbom"),
    ] {
        let found = referrer(&answer, &pushed.manifest.digest);
        assert_eq!(found["source"], "cosign-tag", "{found:#}");
        assert_eq!(found["kind"], kind, "{found:#}");
        assert_eq!(
            found["tag"],
            format!("{}.{suffix}", fallback_tag_of(subject))
        );
    }
    assert_eq!(digests(&answer).len(), 10, "{json:#}");

    // The filter holds for every source, the completed entries included.
    let notation = referrers(&lading, &reference, Some(NOTATION)).await;
    let mut want = vec![
        paperwork.notation.manifest.digest.clone(),
        paperwork.notation_old.manifest.digest.clone(),
    ];
    want.sort();
    let mut got = digests(&notation);
    got.sort();
    assert_eq!(got, want, "{:#}", notation.json);
    assert_eq!(notation.json["artifact_type"], NOTATION);
}

#[tokio::test(flavor = "multi_thread")]
async fn an_image_without_paperwork_has_no_referrers_and_is_kept_briefly() {
    let registry = Registry::plain();
    let image = push_oci_image(&registry.pusher(), "team/bare", TAG).await;
    let lading = Lading::allowing(&[&registry.host()]);
    // Even by digest: referrers arrive whenever someone signs, so never immutable.
    let reference = format!("{}/team/bare@{}", registry.host(), image.manifest.digest);

    let answer = referrers(&lading, &reference, None).await;
    assert_eq!(answer.status, 200, "{:#}", answer.json);
    assert_eq!(answer.json["referrers"], serde_json::json!([]));
    assert_eq!(answer.json["api"]["state"], "absent");
    let statuses: Vec<Option<u64>> = answer.exchanges().iter().map(|e| e.1).collect();
    assert!(
        statuses.iter().filter(|s| **s == Some(404)).count() >= 5,
        "{statuses:?}"
    );

    let raw = lading
        .get_raw(&format!("/api/referrers?ref={}", encode(&reference)))
        .await;
    assert_eq!(raw.status, 200);
    assert_eq!(raw.headers["cache-control"], "public, max-age=10");
    assert!(raw.headers.get("etag").is_none(), "{:?}", raw.headers);
}
