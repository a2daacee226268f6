//! Cached content is answered without a request only while the scope's access is proven:
//! an expired proof costs one `HEAD` (never a `GET`), and a registry's 401 or 404 withdraws
//! the proof so nothing cached is handed out until access is shown again.

use super::stand::{Stand, from_cache, traced};

#[tokio::test(flavor = "multi_thread")]
async fn an_expired_proof_costs_one_head_not_a_get() {
    let stand = Stand::start();
    let pushed = stand.push_five_platforms("expiry/five", "v1").await;
    assert_eq!(
        stand
            .image(&stand.reference("expiry/five", ":v1"), None)
            .await
            .status,
        200
    );
    // What the proof's TTL does after two minutes (its expiry itself is `access`'s unit test).
    stand
        .upstream
        .proofs
        .withdraw(&stand.anonymous_scope("expiry/five"));

    stand.relay.clear();
    let index = &pushed.index.manifest.digest;
    let pinned = stand.reference("expiry/five", &format!("@{index}"));
    let answer = stand.image(&pinned, None).await;
    assert_eq!(answer.status, 200, "{:#}", answer.json);
    let head = vec![(
        "HEAD".to_string(),
        format!("/v2/expiry/five/manifests/{index}"),
    )];
    assert_eq!(
        traced(&answer),
        head,
        "one HEAD proves access, the children ride on it"
    );
    assert_eq!(stand.relay.to("/v2/"), head);
    assert_eq!(from_cache(&answer).len(), 6, "{:?}", from_cache(&answer));
}

/// A registry that starts refusing (`status`): the next request of the scope withdraws its
/// proof, and a view by digest is then refused too instead of answered from the cache.
async fn a_refusal_withdraws_the_proof(status: u16) {
    let stand = Stand::start();
    let pushed = stand.push_five_platforms("revoked/five", "v1").await;
    let by_tag = stand.reference("revoked/five", ":v1");
    assert_eq!(stand.image(&by_tag, None).await.status, 200);
    let scope = stand.anonymous_scope("revoked/five");
    assert!(stand.upstream.proofs.proven(&scope));

    stand.relay.refuse(Some(status));
    let refused = stand.image(&by_tag, None).await;
    assert_eq!(refused.status.as_u16(), status, "{:#}", refused.json);
    assert!(
        !stand.upstream.proofs.proven(&scope),
        "the {status} withdrew the proof"
    );

    stand.relay.clear();
    let index = &pushed.index.manifest.digest;
    let pinned = stand.reference("revoked/five", &format!("@{index}"));
    let answer = stand.image(&pinned, None).await;
    assert_eq!(answer.status.as_u16(), status, "{:#}", answer.json);
    assert!(
        answer.json.get("raw").is_none(),
        "nothing cached was handed out"
    );
    let asked = stand.relay.to("/manifests/");
    assert_eq!(
        asked.first().map(|(m, _)| m.as_str()),
        Some("HEAD"),
        "{asked:?}"
    );

    // Access back: one HEAD shows it, and the cache answers again.
    stand.relay.refuse(None);
    stand.relay.clear();
    let back = stand.image(&pinned, None).await;
    assert_eq!(back.status, 200, "{:#}", back.json);
    assert_eq!(stand.relay.to("/v2/").len(), 1, "{:?}", stand.relay.seen());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_401_withdraws_the_proof() {
    a_refusal_withdraws_the_proof(401).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_404_withdraws_the_proof() {
    a_refusal_withdraws_the_proof(404).await;
}
