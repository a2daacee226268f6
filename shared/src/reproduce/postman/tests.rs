use serde_json::Value;

use super::*;
use crate::api::{Exchange, ExchangePurpose, Header};
use crate::digest::Digest;
use crate::reference::{Reference, Repository};
pub(super) use crate::reproduce::test_support::exchange;
use crate::reproduce::{ImageTarget, Subject};

pub(super) const CHILD: &str =
    "sha256:1111111111111111111111111111111111111111111111111111111111111111";
pub(super) const LAYER: &str =
    "sha256:2222222222222222222222222222222222222222222222222222222222222222";

/// A token-auth pull of an index and one of its platforms, with credentials.
pub(super) fn token_trace(realm: &str) -> Vec<Exchange> {
    let challenge = format!(r#"Bearer realm="{realm}",service="registry.test""#);
    vec![
        exchange(
            "GET",
            "http://127.0.0.1:5000/v2/",
            401,
            ExchangePurpose::Ping,
            &[],
            &[("www-authenticate", &challenge)],
        ),
        exchange(
            "GET",
            &format!("{realm}?scope=repository%3Alib%2Fapp%3Apull&service=registry.test"),
            200,
            ExchangePurpose::Token,
            &[("authorization", "Basic <redacted>")],
            &[],
        ),
        exchange(
            "HEAD",
            "http://127.0.0.1:5000/v2/lib/app/manifests/1.0",
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
            &format!("http://127.0.0.1:5000/v2/lib/app/blobs/{LAYER}"),
            200,
            ExchangePurpose::Blob,
            &[],
            &[],
        ),
    ]
}

pub(super) fn image(reference: &str, platform: Option<&str>) -> ImageTarget {
    ImageTarget {
        reference: Reference::parse(reference).unwrap(),
        platform: platform.map(|d| Digest::parse(d).unwrap()),
    }
}

pub(super) fn doc(subject: Subject, trace: &[Exchange]) -> Value {
    let text = collection(&Flow::new(subject, trace));
    serde_json::from_str(&text).expect("the collection is JSON")
}

pub(super) fn names(doc: &Value) -> Vec<String> {
    doc["item"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["name"].as_str().unwrap().to_string())
        .collect()
}

pub(super) fn find<'a>(doc: &'a Value, name: &str) -> &'a Value {
    doc["item"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["name"] == name)
        .unwrap_or_else(|| panic!("no item {name}"))
}

pub(super) fn script(item: &Value, listen: &str) -> String {
    item["event"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["listen"] == listen)
        .flat_map(|e| e["script"]["exec"].as_array().unwrap().iter())
        .map(|l| l.as_str().unwrap())
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn a_platform_view_reproduces_ping_token_head_index_and_child() {
    let d = doc(
        Subject::Manifest(image("127.0.0.1:5000/lib/app:1.0", Some(CHILD))),
        &token_trace("http://127.0.0.1:5001/token"),
    );
    assert_eq!(d["info"]["schema"], SCHEMA);
    assert_eq!(
        names(&d),
        [
            "ping (end-1)",
            "token",
            "manifest HEAD (end-3)",
            "manifest GET (end-3)",
            "platform manifest GET (end-3)"
        ]
    );
    let vars: Vec<(&str, &str)> = d["variable"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| (v["key"].as_str().unwrap(), v["value"].as_str().unwrap()))
        .collect();
    assert!(vars.contains(&("registry", "http://127.0.0.1:5000")));
    assert!(vars.contains(&("REGISTRY_USER", "")));
    assert!(vars.contains(&("REGISTRY_PASSWORD", "")));
    assert!(vars.contains(&("token", "")));

    let token = find(&d, "token");
    assert_eq!(
        token["request"]["url"]["raw"],
        "http://127.0.0.1:5001/token?service=registry.test&scope=repository%3Alib%2Fapp%3Apull"
    );
    assert_eq!(token["request"]["url"]["port"], "5001");
    assert_eq!(token["request"]["auth"]["type"], "basic");
    assert_eq!(
        token["request"]["auth"]["basic"][0]["value"],
        "{{REGISTRY_USER}}"
    );
    assert_eq!(
        token["request"]["auth"]["basic"][1]["value"],
        "{{REGISTRY_PASSWORD}}"
    );
    let stores = script(token, "test");
    assert!(stores.contains("answer.token || answer.access_token"));
    assert!(stores.contains("pm.collectionVariables.set(\"token\", token)"));

    let head = find(&d, "manifest HEAD (end-3)");
    assert_eq!(head["request"]["method"], "HEAD");
    assert_eq!(
        head["request"]["url"]["raw"],
        "{{registry}}/v2/lib/app/manifests/1.0"
    );
    assert_eq!(
        head["request"]["url"]["path"],
        serde_json::json!(["v2", "lib", "app", "manifests", "1.0"])
    );
    assert_eq!(
        head["request"]["header"][0]["value"],
        "application/vnd.oci.image.index.v1+json, application/vnd.oci.image.manifest.v1+json"
    );
    assert_eq!(head["request"]["auth"]["type"], "bearer");
    assert_eq!(head["request"]["auth"]["bearer"][0]["value"], "{{token}}");
    let child = find(&d, "platform manifest GET (end-3)");
    assert_eq!(
        child["request"]["url"]["raw"],
        format!("{{{{registry}}}}/v2/lib/app/manifests/{CHILD}")
    );
    assert!(
        script(find(&d, "manifest GET (end-3)"), "test")
            .contains(&format!("m.digest === \"{CHILD}\""))
    );
}

#[test]
fn anonymous_token_requests_send_credentials_only_when_set() {
    let mut trace = token_trace("https://auth.test/token");
    trace[1].request_headers.clear();
    let d = doc(
        Subject::Manifest(image("127.0.0.1:5000/lib/app:1.0", None)),
        &trace,
    );
    let token = find(&d, "token");
    assert_eq!(token["request"]["auth"]["type"], "noauth");
    assert!(script(token, "prerequest").contains("if (user)"));
    assert!(
        d["info"]["description"]
            .as_str()
            .unwrap()
            .contains("used when set")
    );
}

#[test]
fn basic_registries_send_credentials_on_every_request_and_blobs_drop_them_on_redirect() {
    let trace = vec![
        exchange(
            "GET",
            "http://127.0.0.1:5000/v2/",
            401,
            ExchangePurpose::Ping,
            &[],
            &[("www-authenticate", "Basic realm=\"registry\"")],
        ),
        exchange(
            "GET",
            &format!("http://127.0.0.1:5000/v2/lib/app/blobs/{LAYER}"),
            200,
            ExchangePurpose::Blob,
            &[("authorization", "<redacted>")],
            &[],
        ),
    ];
    let d = doc(
        Subject::Blob {
            image: image("127.0.0.1:5000/lib/app:1.0", None),
            digest: Digest::parse(LAYER).unwrap(),
        },
        &trace,
    );
    assert_eq!(
        names(&d),
        ["ping (end-1)", "blob (end-2)", "blob (end-2): redirect"]
    );
    assert_eq!(
        find(&d, "ping (end-1)")["request"]["auth"]["type"],
        "noauth"
    );
    let blob = find(&d, "blob (end-2)");
    assert_eq!(blob["request"]["auth"]["type"], "basic");
    assert_eq!(blob["protocolProfileBehavior"]["followRedirects"], false);
    assert!(script(blob, "test").contains(&format!("var expected = \"{LAYER}\"")));
}

#[test]
fn lists_follow_link_pages_and_exports_list_their_layers() {
    let mut page = exchange(
        "GET",
        "http://127.0.0.1:5000/v2/lib/app/tags/list?n=2",
        200,
        ExchangePurpose::TagPage,
        &[],
        &[],
    );
    page.response_headers.clear();
    let d = doc(
        Subject::Tags {
            repository: Repository::parse("127.0.0.1:5000/lib/app").unwrap(),
        },
        &[page],
    );
    assert_eq!(
        names(&d),
        ["ping (end-1)", "tags: first page", "tags: next page"]
    );
    let first = find(&d, "tags: first page");
    assert_eq!(
        first["request"]["url"]["raw"],
        "{{registry}}/v2/lib/app/tags/list?n=2"
    );
    assert!(script(first, "test").contains("setNext(\"tags: next page\")"));
    assert_eq!(
        find(&d, "tags: next page")["request"]["url"]["raw"],
        "{{next_page}}"
    );

    let d = doc(
        Subject::Export {
            image: image("127.0.0.1:5000/lib/app:1.0", None),
        },
        &token_trace("http://127.0.0.1:5001/token"),
    );
    let all = names(&d);
    assert_eq!(
        &all[all.len() - 4..],
        [
            "config (end-2)",
            "config (end-2): redirect",
            "layer 1 (end-2)",
            "layer 1 (end-2): redirect"
        ]
    );
}

#[test]
fn no_credential_or_token_from_the_trace_lands_in_the_collection() {
    let mut trace = token_trace("http://127.0.0.1:5001/token");
    trace[1].request_headers = vec![Header {
        name: "authorization".into(),
        value: "Basic c2VjcmV0OnMzY3IzdA==".into(),
    }];
    trace[2].request_headers.push(Header {
        name: "authorization".into(),
        value: "Bearer eyJhbGciOi.secret".into(),
    });
    let text = collection(&Flow::new(
        Subject::Manifest(image("127.0.0.1:5000/lib/app:1.0", None)),
        &trace,
    ));
    for secret in ["c2VjcmV0OnMzY3IzdA", "eyJhbGciOi", "redacted"] {
        assert!(!text.contains(secret), "{secret} leaked");
    }
}

#[test]
fn hostile_view_values_are_javascript_string_literals() {
    assert_eq!(
        tests_js::manifest_get(Some("a\"); require('child_process');//"), None)
            .lines()
            .find(|l| l.starts_with("var expected"))
            .unwrap(),
        r#"var expected = "a\"); require('child_process');//" || pm.response.headers.get("Docker-Content-Digest");"#
    );
    let path = target::segments("a b/{{x}}/c");
    assert_eq!(path, "a%20b/%7B%7Bx%7D%7D/c");
}

#[test]
fn a_view_without_a_trace_still_reproduces_its_steps() {
    // A download view records no exchange of its own: the plan comes from the view.
    let d = doc(
        Subject::Layer {
            image: image("127.0.0.1:5000/lib/app:1.0", None),
            layer: Digest::parse(LAYER).unwrap(),
        },
        &[],
    );
    assert_eq!(
        names(&d),
        ["ping (end-1)", "layer (end-2)", "layer (end-2): redirect"]
    );
    assert_eq!(
        find(&d, "layer (end-2)")["request"]["url"]["raw"],
        format!("{{{{registry}}}}/v2/lib/app/blobs/{LAYER}")
    );
}

#[test]
fn a_hub_namespace_lists_through_the_web_api_without_registry_steps() {
    let d = doc(
        Subject::Catalog {
            registry: "docker.io".to_string(),
            namespace: Some("library".to_string()),
        },
        &[],
    );
    assert_eq!(
        names(&d),
        ["repositories: first page", "repositories: next page"]
    );
    let first = find(&d, "repositories: first page");
    assert_eq!(
        first["request"]["url"]["raw"],
        "https://hub.docker.com/v2/namespaces/library/repositories?page_size=100"
    );
    assert_eq!(first["request"]["auth"]["type"], "noauth");
    assert!(script(first, "test").contains("page.next"));
}

mod security;
