use super::*;

/// `ref=r.example/team/app@sha256:aa…`, encoded.
fn pinned() -> String {
    format!("ref=r.example%2Fteam%2Fapp%40sha256%3A{}", "a".repeat(64))
}

const TAGGED: &str = "ref=r.example%2Fteam%2Fapp%3Av1";

/// `digest=sha256:bb…`, encoded.
fn layer() -> String {
    format!("digest=sha256%3A{}", "b".repeat(64))
}

fn conditional(
    method: Method,
    path: &str,
    query: &str,
    if_none_match: Option<&str>,
) -> Conditional {
    let mut headers = HeaderMap::new();
    if let Some(tag) = if_none_match {
        headers.insert(header::IF_NONE_MATCH, HeaderValue::from_str(tag).unwrap());
    }
    Conditional::of(&method, path, query, &headers)
}

#[test]
fn only_answers_pinned_by_digest_are_validated() {
    let (pinned, layer) = (pinned(), layer());
    let cases = [
        (IMAGE_PATH, pinned.clone(), true),
        (IMAGE_PATH, TAGGED.to_string(), false),
        (MERGED_PATH, pinned.clone(), true),
        (FILE_PATH, format!("{pinned}&path=%2Fetc&preview=16"), true),
        (EXPORT_PATH, pinned.clone(), true),
        // One layer or blob is named by its own digest too.
        (LAYER_PATH, format!("{pinned}&{layer}"), true),
        (LAYER_PATH, pinned.clone(), false),
        (BLOB_PATH, format!("{TAGGED}&{layer}"), false),
        (BLOB_PATH, format!("{pinned}&{layer}"), true),
        (
            "/api/tags",
            "repo=r.example%2Fteam%2Fapp".to_string(),
            false,
        ),
        ("/api/catalog", "registry=r.example".to_string(), false),
        (
            IMAGE_PATH,
            "ref=not%20a%20reference%40sha256%3A".to_string(),
            false,
        ),
    ];
    for (path, query, validated) in cases {
        assert_eq!(by_digest(path, &query), validated, "{path}?{query}");
    }
}

#[test]
fn the_etag_names_the_revision_and_ignores_spelling_and_rev() {
    let pinned = pinned();
    let one = etag(1, IMAGE_PATH, &format!("{pinned}&platform=sha256%3Acc"));
    assert!(one.to_str().unwrap().starts_with("W/\"r1-"), "{one:?}");
    // Order, the app's `rev` and percent-encoding choices do not change what is asked.
    let reordered = etag(1, IMAGE_PATH, &format!("rev=7&platform=sha256:cc&{pinned}"));
    assert_eq!(one, reordered);
    // Another revision, route or question: another tag.
    assert_ne!(
        one,
        etag(2, IMAGE_PATH, &format!("{pinned}&platform=sha256%3Acc"))
    );
    assert_ne!(
        one,
        etag(1, EXPORT_PATH, &format!("{pinned}&platform=sha256%3Acc"))
    );
    assert_ne!(one, etag(1, IMAGE_PATH, &pinned));
}

#[test]
fn if_none_match_is_compared_weakly_and_star_is_not_a_match() {
    let pinned = pinned();
    let ours = etag(API_REVISION, IMAGE_PATH, &pinned);
    let text = ours.to_str().unwrap().to_string();
    let strong = text.trim_start_matches("W/").to_string();
    for (sent, held) in [
        (text.clone(), true),
        (strong.clone(), true),
        (format!("\"other\", {text}"), true),
        ("\"other\"".to_string(), false),
        ("*".to_string(), false),
    ] {
        let asked = conditional(Method::GET, IMAGE_PATH, &pinned, Some(&sent));
        assert_eq!(asked.held, held, "{sent}");
    }
    // A POST is never answered from what a client holds.
    let posted = conditional(Method::POST, IMAGE_PATH, &pinned, Some(&text));
    assert!(!posted.held && posted.etag.is_none());
}

fn stamped(
    asked: &Conditional,
    status: StatusCode,
    audience: Audience,
    whole: Completeness,
) -> Response {
    asked.stamp(status.into_response(), audience, whole)
}

fn cache_control(response: &Response) -> &str {
    response.headers()[header::CACHE_CONTROL].to_str().unwrap()
}

#[test]
fn each_answer_gets_the_headers_of_its_kind() {
    use Audience::{Anyone, Private};
    use Completeness::{Complete, Partial, Unknown};
    let pinned = pinned();
    let by_digest = conditional(Method::GET, IMAGE_PATH, &pinned, None);
    let tagged = conditional(Method::GET, IMAGE_PATH, TAGGED, None);
    let posted = conditional(Method::POST, EXPORT_PATH, &pinned, None);
    let ok = StatusCode::OK;
    let cases = [
        (&by_digest, ok, Anyone, Complete, IMMUTABLE, true),
        (&by_digest, ok, Private, Complete, PRIVATE, true),
        (&by_digest, ok, Anyone, Partial, SHORT_LIVED, false),
        (&by_digest, ok, Private, Partial, PRIVATE, false),
        (&by_digest, ok, Anyone, Unknown, NO_STORE, false),
        (
            &by_digest,
            StatusCode::PARTIAL_CONTENT,
            Anyone,
            Complete,
            IMMUTABLE,
            true,
        ),
        (
            &by_digest,
            StatusCode::NOT_FOUND,
            Anyone,
            Complete,
            NO_STORE,
            false,
        ),
        (
            &by_digest,
            StatusCode::RANGE_NOT_SATISFIABLE,
            Anyone,
            Complete,
            NO_STORE,
            false,
        ),
        (&tagged, ok, Anyone, Complete, SHORT_LIVED, false),
        (&tagged, ok, Private, Complete, PRIVATE, false),
        (&posted, ok, Anyone, Complete, NO_STORE, false),
    ];
    for (asked, status, audience, whole, want, validated) in cases {
        let response = stamped(asked, status, audience, whole);
        let what = format!("{status} {audience:?} {whole:?}");
        assert_eq!(response.status(), status, "{what}");
        assert_eq!(cache_control(&response), want, "{what}");
        assert_eq!(
            response.headers().contains_key(header::ETAG),
            validated,
            "{what}"
        );
    }
}

#[test]
fn a_held_complete_answer_is_not_sent_again() {
    let pinned = pinned();
    let tag = etag(API_REVISION, IMAGE_PATH, &pinned);
    let held = conditional(
        Method::GET,
        IMAGE_PATH,
        &pinned,
        Some(tag.to_str().unwrap()),
    );
    let answer = stamped(
        &held,
        StatusCode::OK,
        Audience::Private,
        Completeness::Complete,
    );
    assert_eq!(answer.status(), StatusCode::NOT_MODIFIED);
    assert_eq!(cache_control(&answer), PRIVATE);
    assert_eq!(answer.headers()[header::ETAG], tag);
    // A partial answer is sent whole: what the client holds is not what there is now.
    let answer = stamped(
        &held,
        StatusCode::OK,
        Audience::Anyone,
        Completeness::Partial,
    );
    assert_eq!(answer.status(), StatusCode::OK);
    let failed = stamped(
        &held,
        StatusCode::UNAUTHORIZED,
        Audience::Private,
        Completeness::Complete,
    );
    assert_eq!(failed.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(cache_control(&failed), NO_STORE);
    assert!(held.shown(Audience::Anyone).is_some());
    assert!(
        conditional(Method::GET, IMAGE_PATH, &pinned, None)
            .shown(Audience::Anyone)
            .is_none()
    );
}
