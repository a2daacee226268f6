//! Docker Hub counts manifest GETs against the pull limit: a cold view GETs each manifest
//! once (children by digest, without a HEAD first), a repeat view GETs none (`pulls_spent`
//! 0, and the fake registry saw no manifest GET). Every exchange went over HTTP/2, which the
//! World offers by ALPN as Docker Hub does.

use lading_testkit::Vendor;
use lading_testkit::docker_hub::{ALPINE_LIST_TAG, ALPINE_PLATFORMS, REGISTRY_HOST};

use crate::registries::Stand;

#[tokio::test(flavor = "multi_thread")]
async fn a_repeat_view_on_docker_hub_gets_no_manifest() {
    let stand = Stand::start(Vendor::DockerHub);
    let reference = format!("alpine:{ALPINE_LIST_TAG}");
    let cold = stand.image(&reference, None).await;
    assert_eq!(cold.status, 200, "{:#}", cold.json);
    let manifests = |method: &str| {
        stand
            .requests_to(REGISTRY_HOST)
            .into_iter()
            .filter(|r| r.method == method && r.path().contains("/manifests/"))
            .count()
    };
    // The tag's HEAD (free, and it reads the limit), its GET, one GET per child.
    assert_eq!(manifests("HEAD"), 1, "children are not HEADed first");
    assert_eq!(manifests("GET"), 1 + ALPINE_PLATFORMS.len());
    for exchange in cold.json["trace"].as_array().unwrap() {
        if exchange["url"].as_str().unwrap().contains(REGISTRY_HOST) {
            assert_eq!(exchange["http_version"], "HTTP/2.0", "{exchange:#}");
        }
    }

    stand.world.clear_requests();
    let again = stand.image(&reference, None).await;
    assert_eq!(again.status, 200, "{:#}", again.json);
    assert_eq!(
        again.json["registry_notes"]["pulls_spent"], 0,
        "{:#}",
        again.json["trace"]
    );
    assert_eq!(manifests("GET"), 0, "{:#?}", stand.world.requests());
    assert_eq!(manifests("HEAD"), 1, "a warm tag view is one HEAD");
    let traced = again.json["trace"].as_array().unwrap();
    assert_eq!(traced.len(), 1, "{traced:#?}");
}
