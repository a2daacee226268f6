//! The OCI 1.1 referrers API in the variants registries show, served by a front for the
//! real distribution registry: the filter applied and said or not (Lading filters anyway),
//! `Link` pages (a foreign origin refused), Harbor 2.9.1's `application/json` and a 404
//! (both mean "no API": the fallback tag is read), failures, incomplete entries, a token.

use lading_testkit::fixtures::supply::{push_fallback_index, referrer_entry};
use lading_testkit::{
    FOREIGN_HOST, NextLink, ReferrersMode, ReferrersRegistry, Registry, ServedApi, TokenPolicy,
    TokenServer,
};

use super::{
    BUNDLE, NOTATION, Paperwork, REPO, TAG, digests, referrer, referrers,
    referrers_purpose_recorded,
};
use crate::support::Lading;

/// A distribution registry behind a referrers front, the paperwork pushed and referred.
struct Stand {
    _registry: Registry,
    front: ReferrersRegistry,
    lading: Lading,
    paperwork: Paperwork,
}

impl Stand {
    /// Every referrer listed complete, except the bundle (bare, as cosign 3 wrote them).
    async fn start(mode: ReferrersMode) -> Stand {
        let registry = Registry::plain();
        let paperwork = Paperwork::push(&registry.pusher(), REPO).await;
        let front = ReferrersRegistry::start(&registry.base_url(), mode);
        let subject = &paperwork.image.manifest.digest;
        for pushed in paperwork.referrers() {
            let complete = pushed.manifest.digest != paperwork.bundle.manifest.digest;
            front.refer(subject, referrer_entry(pushed, complete));
        }
        let lading = Lading::allowing(&[&front.host()]);
        Stand {
            _registry: registry,
            front,
            lading,
            paperwork,
        }
    }

    fn reference(&self) -> String {
        format!("{}/{REPO}:{TAG}", self.front.host())
    }

    fn referrer_requests(&self) -> Vec<String> {
        self.front
            .requests()
            .into_iter()
            .filter(|r| r.contains("/referrers/"))
            .collect()
    }
}

fn served(filter: bool, page_size: usize, link: NextLink) -> ReferrersMode {
    ReferrersMode::Served(ServedApi {
        filter,
        page_size,
        link,
    })
}

#[tokio::test(flavor = "multi_thread")]
async fn the_api_lists_every_referrer_and_completes_the_bare_ones() {
    let stand = Stand::start(served(true, 100, NextLink::Relative)).await;
    let answer = referrers(&stand.lading, &stand.reference(), None).await;
    assert_eq!(answer.status, 200, "{:#}", answer.json);
    let json = &answer.json;
    assert_eq!(
        json["api"],
        serde_json::json!({ "state": "served", "pages": 1, "filtered": false })
    );
    assert!(json.get("fallback_tag").is_none(), "{json:#}");
    assert!(referrers_purpose_recorded(&answer), "{json:#}");
    let want: Vec<String> = stand
        .paperwork
        .referrers()
        .iter()
        .map(|p| p.manifest.digest.clone())
        .collect();
    assert_eq!(digests(&answer), want);
    for pushed in stand.paperwork.referrers() {
        assert_eq!(referrer(&answer, &pushed.manifest.digest)["source"], "api");
    }
    let bundle = referrer(&answer, &stand.paperwork.bundle.manifest.digest);
    assert_eq!(bundle["completed"], true, "{bundle:#}");
    assert_eq!(bundle["artifact_type"], BUNDLE);
    assert_eq!(bundle["kind"], "sigstore_bundle");
    assert_eq!(
        bundle["annotations"]["dev.sigstore.bundle.predicateType"],
        "https://sigstore.dev/cosign/sign/v1"
    );
    let notation = referrer(&answer, &stand.paperwork.notation.manifest.digest);
    assert_eq!(
        notation["completed"], false,
        "complete listings are not read again"
    );
    // Beside the subject's tag and cosign's tags, only the bare bundle's manifest was read.
    let by_digest: Vec<String> = stand
        .front
        .requests()
        .into_iter()
        .filter(|r| r.contains("/manifests/sha256:"))
        .collect();
    let bundle_get = format!(
        "GET /v2/{REPO}/manifests/{}",
        stand.paperwork.bundle.manifest.digest
    );
    assert_eq!(by_digest, [bundle_get]);
}

#[tokio::test(flavor = "multi_thread")]
async fn the_filter_is_passed_on_and_applied_here_whether_or_not_the_registry_did() {
    for registry_filters in [true, false] {
        let stand = Stand::start(served(registry_filters, 100, NextLink::Relative)).await;
        let answer = referrers(&stand.lading, &stand.reference(), Some(NOTATION)).await;
        assert_eq!(answer.status, 200, "{:#}", answer.json);
        assert_eq!(
            answer.json["api"]["filtered"], registry_filters,
            "{:#}",
            answer.json
        );
        let mut want = vec![
            stand.paperwork.notation.manifest.digest.clone(),
            stand.paperwork.notation_old.manifest.digest.clone(),
        ];
        want.sort();
        let mut got = digests(&answer);
        got.sort();
        assert_eq!(got, want, "filter at the registry: {registry_filters}");
        let asked = stand.referrer_requests();
        assert!(
            asked
                .iter()
                .all(|r| r.contains("artifactType=application%2Fvnd.cncf.notary.signature")),
            "{asked:?}"
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn link_pages_are_followed_on_the_same_origin_only() {
    for link in [NextLink::Relative, NextLink::Absolute] {
        let stand = Stand::start(served(true, 2, link)).await;
        let answer = referrers(&stand.lading, &stand.reference(), None).await;
        assert_eq!(answer.status, 200, "{:#}", answer.json);
        assert_eq!(
            answer.json["api"]["pages"], 4,
            "{link:?}: {:#}",
            answer.json
        );
        assert_eq!(digests(&answer).len(), 7, "{link:?}");
        assert_eq!(stand.referrer_requests().len(), 4);
    }
    let stand = Stand::start(served(true, 2, NextLink::ForeignHost)).await;
    let answer = referrers(&stand.lading, &stand.reference(), None).await;
    assert_eq!(answer.status, 200, "{:#}", answer.json);
    assert_eq!(answer.json["api"]["pages"], 1);
    assert_eq!(digests(&answer).len(), 2);
    let notes = answer.json["notes"].to_string();
    assert!(notes.contains("another origin"), "{notes}");
    let urls: Vec<(String, Option<u64>, String)> = answer.exchanges();
    assert!(
        urls.iter().all(|(_, _, url)| !url.contains(FOREIGN_HOST)),
        "{urls:?}"
    );
    let raw = stand
        .lading
        .get_raw(&format!(
            "/api/referrers?ref={}",
            crate::support::encode(&stand.reference())
        ))
        .await;
    assert_eq!(raw.headers["cache-control"], "public, max-age=10");
}

#[tokio::test(flavor = "multi_thread")]
async fn json_content_type_or_404_mean_no_api_and_the_fallback_tag_is_read() {
    for mode in [ReferrersMode::JsonContentType, ReferrersMode::NotFound] {
        let stand = Stand::start(mode).await;
        let registry_pusher = stand._registry.pusher();
        let subject = &stand.paperwork.image.manifest;
        let entry = referrer_entry(&stand.paperwork.helm, false);
        push_fallback_index(&registry_pusher, REPO, subject, vec![entry]).await;
        let answer = referrers(&stand.lading, &stand.reference(), None).await;
        assert_eq!(answer.status, 200, "{:#}", answer.json);
        let why = answer.json["api"]["why"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        match mode {
            ReferrersMode::JsonContentType => assert!(why.contains("application/json"), "{why}"),
            _ => assert!(why.contains("404"), "{why}"),
        }
        // Only the fallback's one entry: the API's listing is not taken for one.
        assert_eq!(
            digests(&answer),
            [stand.paperwork.helm.manifest.digest.as_str()]
        );
        let helm = referrer(&answer, &stand.paperwork.helm.manifest.digest);
        assert_eq!(helm["source"], "tag-schema");
        assert_eq!(helm["completed"], true);
        assert_eq!(helm["kind"], "helm_chart");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_failing_api_is_an_error_not_an_absence() {
    let stand = Stand::start(ReferrersMode::Status(503)).await;
    let answer = referrers(&stand.lading, &stand.reference(), None).await;
    assert!(answer.status.as_u16() >= 500, "{:#}", answer.json);
    let message = answer.json["message"].as_str().unwrap_or_default();
    assert!(
        message.contains("referrers API") && message.contains("503"),
        "{message}"
    );
    assert!(
        !answer.json["trace"].to_string().contains("sha256-"),
        "no fallback was read"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_token_registry_answers_with_the_token_lading_fetched() {
    let tokens = TokenServer::start(TokenPolicy::default());
    let registry = Registry::token(&tokens);
    let paperwork = Paperwork::push(&registry.pusher(), REPO).await;
    let front =
        ReferrersRegistry::start(&registry.base_url(), served(true, 100, NextLink::Relative));
    front.refer(
        &paperwork.image.manifest.digest,
        referrer_entry(&paperwork.notation, true),
    );
    let realm = url::Url::parse(&tokens.realm())
        .unwrap()
        .authority()
        .to_string();
    let lading = Lading::allowing(&[&front.host(), &realm]);
    let reference = format!("{}/{REPO}:{TAG}", front.host());

    let answer = referrers(&lading, &reference, None).await;
    assert_eq!(answer.status, 200, "{:#}", answer.json);
    assert_eq!(
        digests(&answer),
        [paperwork.notation.manifest.digest.as_str()]
    );
    assert!(tokens.request_count() >= 1);
    let trace = answer.json["trace"].as_array().unwrap().clone();
    let api = trace
        .iter()
        .find(|e| {
            e["url"].as_str().is_some_and(|u| u.contains("/referrers/")) && e["status"] == 200
        })
        .unwrap_or_else(|| panic!("{trace:#?}"));
    assert!(
        api["request_headers"]
            .to_string()
            .contains("Bearer <redacted"),
        "{api:#}"
    );
}
