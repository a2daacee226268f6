//! What a hostile registry must not get out of a collection run: credentials sent along a
//! `Link` or `next` to another origin, Basic credentials to a cleartext realm, or
//! Authorization kept on a blob redirect to the same host name on another port or scheme.

use super::*;

/// [`token_trace`] against an https registry (`https://registry.test`).
fn https_token_trace(realm: &str) -> Vec<Exchange> {
    let mut trace = token_trace(realm);
    for e in &mut trace {
        e.url = e
            .url
            .replace("http://127.0.0.1:5000", "https://registry.test");
    }
    trace
}

fn tags(trace: &[Exchange]) -> Value {
    doc(
        Subject::Tags {
            repository: Repository::parse("127.0.0.1:5000/lib/app").unwrap(),
        },
        trace,
    )
}

#[test]
fn a_link_is_followed_only_on_the_registry_origin_under_v2() {
    let d = tags(&[]);
    for name in ["tags: first page", "tags: next page"] {
        let test = script(find(&d, name), "test");
        // Resolved against this page, checked against {{registry}}'s scheme, host and port.
        assert!(test.contains("function resolveUrl(ref, base)"), "{test}");
        assert!(test.contains("var url = resolveUrl(ref, requestUrl());"));
        assert!(test.contains("origin !== originOf(allowed)"));
        assert!(test.contains(r#"authority += scheme === "https" ? ":443" : ":80";"#));
        assert!(test.contains(r#"path.indexOf("/v2/") !== 0"#));
        assert!(test.contains(r#"nextPage(next[1], pm.variables.get("registry"))"#));
        // Refused: a failing test, and the run stops.
        assert!(test.contains(r#"refuse("the Link stays on the registry", page.why)"#));
        assert!(test.contains("pm.test(test, function () { throw new Error(why); });"));
        assert!(test.contains("  setNext(null);\n}"));
        // next_page is set only from a checked URL.
        assert_eq!(
            test.matches("pm.collectionVariables.set(\"next_page\"")
                .count(),
            2
        );
        assert!(test.contains(r#"pm.collectionVariables.set("next_page", page.url);"#));
        assert!(
            !test.contains("/^https?:/.test(url)"),
            "the old check is back"
        );
    }
    // The next page still carries the registry's auth: that is why its URL is checked.
    let d = tags(&token_trace("http://127.0.0.1:5001/token"));
    assert_eq!(
        find(&d, "tags: next page")["request"]["auth"]["type"],
        "bearer"
    );
    let description = find(&d, "tags: first page")["request"]["description"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(description.contains("another origin"), "{description}");
}

#[test]
fn the_hub_next_page_stays_on_docker_hub() {
    let d = doc(
        Subject::Catalog {
            registry: "docker.io".to_string(),
            namespace: Some("library".to_string()),
        },
        &[],
    );
    for name in ["repositories: first page", "repositories: next page"] {
        let test = script(find(&d, name), "test");
        assert!(test.contains(r#"nextPage(page.next, "https://hub.docker.com")"#));
        assert!(test.contains(r#"refuse("the next page stays on Docker Hub", next.why)"#));
        assert!(test.contains(r#"pm.collectionVariables.set("next_page", next.url);"#));
        assert!(!test.contains(r#"set("next_page", page.next)"#));
    }
}

#[test]
fn a_cleartext_realm_behind_an_https_registry_gets_no_credentials() {
    // With credentials in the view, and without (credentials only when set).
    let with = https_token_trace("http://auth.test/token");
    let mut without = with.clone();
    without[1].request_headers.clear();
    for trace in [with, without] {
        let d = doc(
            Subject::Manifest(image("registry.test/lib/app:1.0", None)),
            &trace,
        );
        let token = find(&d, "token");
        assert_eq!(token["request"]["auth"]["type"], "noauth");
        assert!(
            token["event"]
                .as_array()
                .unwrap()
                .iter()
                .all(|e| e["listen"] != "prerequest"),
            "a pre-request script could add the credentials"
        );
        let description = token["request"]["description"].as_str().unwrap();
        assert!(description.contains("NO CREDENTIALS"), "{description}");
        assert!(description.contains("plain `http:`"), "{description}");
        assert!(script(token, "test").contains("credentials withheld"));
        let text = serde_json::to_string(token).unwrap();
        assert!(!text.contains("REGISTRY_PASSWORD"), "{text}");
    }
    // An https realm, and a plain-http (loopback) registry's http realm, get them.
    for (trace, reference) in [
        (
            https_token_trace("https://auth.test/token"),
            "registry.test/lib/app:1.0",
        ),
        (
            token_trace("http://127.0.0.1:5001/token"),
            "127.0.0.1:5000/lib/app:1.0",
        ),
    ] {
        let d = doc(Subject::Manifest(image(reference, None)), &trace);
        assert_eq!(find(&d, "token")["request"]["auth"]["type"], "basic");
    }
}

#[test]
fn blob_redirects_are_fetched_by_a_follow_up_without_credentials() {
    let d = doc(
        Subject::Export {
            image: image("127.0.0.1:5000/lib/app:1.0", None),
        },
        &token_trace("http://127.0.0.1:5001/token"),
    );
    assert!(
        d["variable"]
            .as_array()
            .unwrap()
            .iter()
            .any(|v| v["key"] == "blob_location")
    );
    // (blob, its follow-up, where the blob goes without a redirect)
    for (blob, follow, skip) in [
        (
            "config (end-2)",
            "config (end-2): redirect",
            "\"layer 1 (end-2)\"",
        ),
        ("layer 1 (end-2)", "layer 1 (end-2): redirect", "null"),
    ] {
        let item = find(&d, blob);
        assert_eq!(item["protocolProfileBehavior"]["followRedirects"], false);
        assert_eq!(item["request"]["auth"]["type"], "bearer");
        let test = script(item, "test");
        assert!(test.contains("[301, 302, 303, 307, 308].indexOf(pm.response.code)"));
        assert!(
            test.contains(r#"resolveUrl(pm.response.headers.get("Location") || "", requestUrl())"#)
        );
        assert!(test.contains(r#"pm.collectionVariables.set("blob_location", location);"#));
        assert!(test.contains(&format!("setNext(\"{follow}\");")), "{test}");
        assert!(test.contains(&format!("setNext({skip});")), "{test}");
        assert!(test.contains("bodyDigest()).to.eql(expected)"));
        let description = item["request"]["description"].as_str().unwrap();
        assert!(description.contains("does NOT follow it"), "{description}");

        let next = find(&d, follow);
        assert_eq!(next["request"]["url"]["raw"], "{{blob_location}}");
        assert_eq!(next["request"]["auth"]["type"], "noauth");
        assert_eq!(
            next["protocolProfileBehavior"]["followAuthorizationHeader"],
            false
        );
        assert!(script(next, "test").contains("bodyDigest()).to.eql(expected)"));
    }
    assert!(
        script(find(&d, "layer 1 (end-2): redirect"), "test")
            .contains(&format!("var expected = \"{LAYER}\";"))
    );
    assert!(
        script(find(&d, "config (end-2): redirect"), "test")
            .contains(r#"var expected = pm.variables.get("config_digest");"#)
    );
}

#[test]
fn hostile_challenge_values_stay_inert_json_and_urls() {
    let hostile = "x\"}],\"injected\":1,\"a\":\"{{REGISTRY_PASSWORD}}'$(touch /tmp/x)'\n";
    let realm = format!("https://auth.test/t{hostile}");
    let mut trace = token_trace(&realm);
    trace[0].response_headers[0].value =
        r#"Bearer realm="https://auth.test/t{{REGISTRY_PASSWORD}}?a=$(x)",service="{{token}}"; rm -rf ~""#
            .to_string();
    trace[1].url = format!("https://auth.test/t?scope={hostile}");
    let d = doc(
        Subject::Manifest(image("127.0.0.1:5000/lib/app:1.0", None)),
        &trace,
    );
    assert!(d.get("injected").is_none());
    let token = find(&d, "token");
    let raw = token["request"]["url"]["raw"].as_str().unwrap();
    assert!(!raw.contains("{{"), "a variable from the registry: {raw}");
    assert!(
        !raw.contains(' ') && !raw.contains('"') && !raw.contains('\n'),
        "{raw}"
    );
    assert!(raw.starts_with("https://auth.test/t%7B%7BREGISTRY_PASSWORD%7D%7D?a=$(x)&service="));
    // Round trip: every string in the document is JSON, nothing parsed out of place.
    let again: Value = serde_json::from_str(&serde_json::to_string(&d).unwrap()).unwrap();
    assert_eq!(again, d);
}
