//! The HAR and Postman exports of real traces, read by consumers Lading did not write:
//! `har-validator` (HAR 1.2, the `har-schema` schemas) and a second HAR 1.2 schema; the
//! Postman Collection v2.1.0 JSON schema and Postman's own SDK; and `newman`, which RUNS each
//! collection against the same registries the view spoke to (credentials only through
//! `--env-var`) and must pass every request's checks (token stored, manifest and blob
//! digests verified, every list page followed). A wrong password must fail the run.
//!
//! The consumers are npm packages pinned in `scripts/consumers/`; without them the
//! tests fail, naming the install command (they never skip).

use lading_shared::reproduce::{Flow, Subject, har, postman};
use lading_testkit::{Canned, FOREIGN_HOST, ScriptedRegistry, TagScript};
use serde_json::{Value, json};

use super::stand::{Access, Creds, Stand, WRONG_PASSWORD};

mod consumers;

use consumers::Consumers;

/// Every view of a docker-registry stand: HAR and Postman valid, the collection run green.
fn every_view_exports(access: Access) {
    let consumers = Consumers::find();
    let stand = Stand::start(access);
    let dir = tempfile::tempdir().expect("temp dir");
    for subject in stand.fixtures().subjects() {
        let (flow, api) = stand.view(&subject);
        let what = subject.describe();
        check_har(&consumers, &flow, dir.path(), &what);
        let file = dir.path().join("collection.json");
        std::fs::write(&file, postman::collection(&flow)).expect("write the collection");
        consumers.check_postman(&file, &what);
        let run = consumers.newman(&file, stand.script_credentials(), Creds::Good, None);
        run.assert_passed(&what);
        for value in shown(&stand, &subject, &api) {
            assert!(
                run.logged().contains(&value),
                "{what}: newman's run never printed {value:?}:\n{}",
                run.output
            );
        }
    }
}

#[test]
fn plain_registry_exports_validate_and_run() {
    every_view_exports(Access::Plain);
}

#[test]
fn htpasswd_registry_exports_validate_and_run() {
    every_view_exports(Access::Htpasswd);
}

#[test]
fn token_registry_exports_validate_and_run() {
    every_view_exports(Access::Token);
}

/// The collection reads credentials from its variables only: with a wrong password (or none,
/// where the repository is private) the run fails at the registry's refusal.
#[test]
fn a_wrong_password_fails_the_collection_run() {
    let consumers = Consumers::find();
    for access in [Access::Token, Access::Htpasswd] {
        let stand = Stand::start(access);
        let subject = stand.fixtures().image();
        let (flow, _) = stand.view(&subject);
        let dir = tempfile::tempdir().expect("temp dir");
        let file = dir.path().join("collection.json");
        std::fs::write(&file, postman::collection(&flow)).expect("write the collection");
        for creds in [Creds::Wrong, Creds::None] {
            let run = consumers.newman(&file, stand.script_credentials(), creds, None);
            let what = format!("{access:?} stand, {creds:?}");
            run.assert_failed(&what);
            assert!(
                run.output.contains("401"),
                "{what}: the registry's refusal is not in the run:\n{}",
                run.output
            );
            assert!(
                !run.output.contains(WRONG_PASSWORD),
                "{what}: the password was printed"
            );
        }
    }
}

/// Link pagination (relative links, 4 pages): the collection's loop fetches every page.
#[test]
fn paged_tags_collection_follows_every_link() {
    let consumers = Consumers::find();
    let stand = Stand::paged_tags();
    let subject = stand.fixtures().tags();
    let (flow, _) = stand.view(&subject);
    let dir = tempfile::tempdir().expect("temp dir");
    check_har(&consumers, &flow, dir.path(), "paged tags");
    let file = dir.path().join("collection.json");
    std::fs::write(&file, postman::collection(&flow)).expect("write the collection");
    consumers.check_postman(&file, "paged tags");
    let run = consumers.newman(&file, stand.script_credentials(), Creds::None, None);
    run.assert_passed("paged tags");
    for tag in &stand.fixtures().tags {
        assert!(
            run.logged().contains(&format!("'{tag}'")),
            "tag {tag} never listed:\n{}",
            run.output
        );
    }
    let pages = run.output.matches("tags: next page").count();
    assert!(
        pages >= 3,
        "expected 3 next pages, newman ran {pages}:\n{}",
        run.output
    );
}

/// A hostile registry's `Link` to another origin — another port on the same host, another
/// host, another scheme — is refused: the run stops at a failing test naming why, and the
/// other origin is never asked (it would get the registry's credentials).
#[test]
fn a_cross_origin_link_is_refused() {
    let consumers = Consumers::find();
    let stand = Stand::paged_tags();
    let subject = stand.fixtures().tags();
    let (flow, _) = stand.view(&subject);
    let Subject::Tags { repository } = &subject else {
        panic!("not a tags view: {subject:?}")
    };
    let registry = stand.scripted().expect("a scripted registry");
    let other = ScriptedRegistry::start(TagScript::new(&repository.repository, 1));
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("collection.json");
    std::fs::write(&file, postman::collection(&flow)).expect("write the collection");
    let path = format!("/v2/{}/tags/list", repository.repository);
    let port = registry.host().rsplit_once(':').map(|(_, p)| p.to_string());
    let port = port.expect("a port");
    for link in [
        format!("{}{path}?n=1&last=stolen", other.base_url()),
        format!("http://{FOREIGN_HOST}:{port}{path}?n=1&last=stolen"),
        format!("https://{}{path}?n=1&last=stolen", registry.host()),
        format!("//{FOREIGN_HOST}:{port}{path}?n=1&last=stolen"),
    ] {
        let page = json!({ "name": repository.repository, "tags": ["first"] });
        let canned = Canned::json(200, &page).header("Link", &format!("<{link}>; rel=\"next\""));
        registry.respond(&path, canned);
        let run = consumers.newman(&file, stand.script_credentials(), Creds::Good, None);
        let what = format!("Link {link}");
        run.assert_failed(&what);
        assert!(
            run.output.contains("the Link stays on the registry")
                && run.output.contains("not followed"),
            "{what}: the refusal is not in the run:\n{}",
            run.output
        );
        assert!(
            !run.output.contains("tags: next page"),
            "{what}: the next page ran:\n{}",
            run.output
        );
        assert!(run.logged().contains("'first'"), "{what}:\n{}", run.output);
        assert!(
            !registry.requests().iter().any(|r| r.contains("stolen")),
            "{what}: followed to the registry: {:?}",
            registry.requests()
        );
    }
    assert_eq!(other.request_count(), 0, "{:?}", other.requests());
}

/// Blobs through a redirect to a CDN that refuses `Authorization`: the collection follows
/// it without the registry's credentials (Postman's `followAuthorizationHeader: false`).
#[test]
fn redirected_blob_collection_drops_authorization_at_the_cdn() {
    let consumers = Consumers::find();
    let stand = Stand::redirecting();
    let world = stand.world().expect("a World");
    let registry = world.registry().to_string();
    let dir = tempfile::tempdir().expect("temp dir");
    for subject in [stand.fixtures().blob(), stand.fixtures().image()] {
        let (flow, api) = stand.view(&subject);
        let what = subject.describe();
        check_har(&consumers, &flow, dir.path(), &what);
        let file = dir.path().join("collection.json");
        std::fs::write(&file, postman::collection(&flow)).expect("write the collection");
        consumers.check_postman(&file, &what);
        world.clear_requests();
        let run = consumers.newman(&file, stand.script_credentials(), Creds::None, Some(world));
        run.assert_passed(&what);
        for value in shown(&stand, &subject, &api) {
            assert!(
                run.logged().contains(&value),
                "{what}: {value:?} not printed:\n{}",
                run.output
            );
        }
        let seen = world.requests();
        let blobs = seen
            .iter()
            .filter(|r| r.host == registry && r.path_and_query.contains("/blobs/"));
        assert!(
            blobs.clone().all(|r| r.header("authorization").is_some()),
            "{what}: a blob request to the registry went without its token"
        );
        let cdn: Vec<_> = seen.iter().filter(|r| r.host != registry).collect();
        assert!(
            !cdn.is_empty() || blobs.count() == 0,
            "{what}: no request followed the redirect: {:?}",
            seen.iter()
                .map(|r| (&r.host, &r.path_and_query))
                .collect::<Vec<_>>()
        );
        for request in cdn {
            assert!(
                request.header("authorization").is_none(),
                "{what}: Authorization reached {}",
                request.host
            );
        }
    }
}

/// The HAR is valid for both HAR consumers and holds the trace, entry for entry.
fn check_har(consumers: &Consumers, flow: &Flow, dir: &std::path::Path, what: &str) {
    let text = har::har(flow);
    let file = dir.join("trace.har");
    std::fs::write(&file, &text).expect("write the HAR");
    consumers.check_har(&file, what);
    let doc: Value = serde_json::from_str(&text).expect("HAR is JSON");
    let entries = doc["log"]["entries"].as_array().expect("entries");
    assert_eq!(
        entries.len(),
        flow.trace.len(),
        "{what}: one entry per exchange"
    );
    for (entry, exchange) in entries.iter().zip(&flow.trace) {
        assert_eq!(
            entry["request"]["method"],
            exchange.method.as_str(),
            "{what}"
        );
        assert_eq!(entry["request"]["url"], exchange.url.as_str(), "{what}");
        assert_eq!(
            entry["response"]["status"],
            exchange.status.unwrap_or(0),
            "{what}"
        );
        assert_eq!(entry["time"], exchange.duration_ms, "{what}");
        assert!(
            exchange.started_unix_ms.is_some(),
            "{what}: the proxy recorded no start time for {}",
            exchange.url
        );
    }
}

/// What a run of the view's collection must print (its test scripts log it).
fn shown(stand: &Stand, subject: &Subject, api: &Value) -> Vec<String> {
    let fixtures = stand.fixtures();
    let digest = |v: &Value| v["digest"].as_str().unwrap_or_default().to_string();
    match subject {
        Subject::Manifest(image) => vec![match &image.platform {
            Some(child) => format!("digest {child}"),
            None => format!("digest {}", digest(api)),
        }],
        Subject::Export { .. } => vec![format!("digest {}", digest(api))],
        Subject::Tags { .. } => fixtures.tags.iter().map(|t| format!("'{t}'")).collect(),
        Subject::Catalog { .. } => fixtures
            .catalog
            .iter()
            .flatten()
            .map(|n| format!("'{n}'"))
            .collect(),
        Subject::Layer { layer, .. } | Subject::File { layer, .. } => vec![layer.to_string()],
        Subject::Blob { digest, .. } => vec![digest.to_string()],
    }
}
