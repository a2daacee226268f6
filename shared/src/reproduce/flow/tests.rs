use super::*;
use crate::reference::Reference;
use crate::reproduce::ImageTarget;
use crate::reproduce::test_support::exchange;

fn alpine() -> Subject {
    Subject::Manifest(ImageTarget {
        reference: Reference::parse("alpine:3.9").unwrap(),
        platform: None,
    })
}

#[test]
fn a_docker_hub_trace_reads_as_bearer_with_the_exact_scope() {
    let trace = [
        exchange(
            "GET",
            "https://registry-1.docker.io/v2/",
            401,
            ExchangePurpose::Ping,
            &[],
            &[(
                "www-authenticate",
                r#"Bearer realm="https://auth.docker.io/token",service="registry.docker.io""#,
            )],
        ),
        exchange(
            "GET",
            "https://auth.docker.io/token?scope=repository%3Alibrary%2Falpine%3Apull&service=registry.docker.io",
            200,
            ExchangePurpose::Token,
            &[],
            &[],
        ),
        exchange(
            "HEAD",
            "https://registry-1.docker.io/v2/library/alpine/manifests/3.9",
            200,
            ExchangePurpose::ManifestHead,
            &[(
                "accept",
                "application/vnd.oci.image.index.v1+json, application/vnd.oci.image.manifest.v1+json",
            )],
            &[],
        ),
        exchange(
            "GET",
            "https://registry-1.docker.io/v2/library/alpine/blobs/sha256:ab",
            307,
            ExchangePurpose::Blob,
            &[],
            &[],
        ),
        exchange(
            "GET",
            "https://production.cloudflare.docker.com/registry-v2/x?X-Amz-Signature=<redacted>",
            200,
            ExchangePurpose::Redirect,
            &[],
            &[],
        ),
    ];
    let flow = Flow::new(alpine(), &trace);
    assert_eq!(flow.base_url, "https://registry-1.docker.io");
    assert_eq!(
        flow.auth,
        Auth::Bearer {
            realm: "https://auth.docker.io/token".into(),
            service: Some("registry.docker.io".into()),
            scopes: vec!["repository:library/alpine:pull".into()],
        }
    );
    assert_eq!(
        flow.scope().as_deref(),
        Some("repository:library/alpine:pull")
    );
    assert_eq!(flow.accept.len(), 2);
    assert!(flow.head_first);
    assert!(!flow.credentials);
    assert_eq!(flow.redirect_hosts, ["production.cloudflare.docker.com"]);
}

#[test]
fn basic_and_anonymous_registries_and_an_empty_trace() {
    let basic = [exchange(
        "GET",
        "http://127.0.0.1:5000/v2/",
        401,
        ExchangePurpose::Ping,
        &[],
        &[("WWW-Authenticate", r#"Basic realm="Registry Realm""#)],
    )];
    assert_eq!(Flow::new(alpine(), &basic).auth, Auth::Basic);
    assert_eq!(
        Flow::new(alpine(), &basic).base_url,
        "http://127.0.0.1:5000"
    );
    let empty = Flow::new(alpine(), &[]);
    assert_eq!(empty.auth, Auth::Anonymous);
    assert_eq!(empty.base_url, "https://registry-1.docker.io");
    assert_eq!(empty.accept.len(), MANIFEST_ACCEPT.len());
    assert_eq!(registry_base_url("localhost:5000"), "http://localhost:5000");
    assert_eq!(registry_base_url("127.0.0.1:5000"), "http://127.0.0.1:5000");
    assert_eq!(registry_base_url("[::1]:5000"), "http://[::1]:5000");
    assert_eq!(
        registry_base_url("registry.localhost"),
        "https://registry.localhost"
    );
    assert_eq!(registry_base_url("ghcr.io"), "https://ghcr.io");
}

#[test]
fn credentials_pages_and_challenge_parameters() {
    let trace = [
        exchange(
            "GET",
            "https://r.example/token?service=s&scope=repository:a:pull",
            200,
            ExchangePurpose::Token,
            &[("authorization", "Basic <redacted, 12 chars>")],
            &[],
        ),
        exchange(
            "GET",
            "https://r.example/v2/a/tags/list?n=50",
            200,
            ExchangePurpose::TagPage,
            &[],
            &[],
        ),
        exchange(
            "GET",
            "https://r.example/v2/a/tags/list?n=50&last=x",
            200,
            ExchangePurpose::TagPage,
            &[],
            &[],
        ),
    ];
    let subject = Subject::Tags {
        repository: crate::reference::Repository::parse("r.example/a").unwrap(),
    };
    let flow = Flow::new(subject, &trace);
    assert!(flow.credentials);
    assert_eq!(flow.page_size, Some(50));
    assert_eq!(flow.pages, 2);
    assert!(matches!(&flow.auth, Auth::Bearer { realm, .. } if realm == "https://r.example/token"));
    assert_eq!(
        challenge_param(r#"Bearer service="x",realm="https://a/t?x=1,2""#, "realm").as_deref(),
        Some("https://a/t?x=1,2")
    );
    assert_eq!(
        challenge_param("Bearer realm=https://a/t,service=s", "service").as_deref(),
        Some("s")
    );
    assert_eq!(
        query_values("https://r/t?scope=repository%3Aa%2Fb%3Apull%&n=1", "scope"),
        ["repository:a/b:pull%"]
    );
}

#[test]
fn a_warm_trace_without_a_challenge_is_still_bearer() {
    let trace = [exchange(
        "HEAD",
        "https://r.example/v2/a/manifests/v1",
        200,
        ExchangePurpose::ManifestHead,
        &[("authorization", "Bearer <redacted, 900 chars>")],
        &[],
    )];
    let flow = Flow::new(alpine(), &trace);
    assert!(matches!(&flow.auth, Auth::Bearer { realm, .. } if realm.is_empty()));
    assert_eq!(
        flow.scope().as_deref(),
        Some("repository:library/alpine:pull")
    );
}
