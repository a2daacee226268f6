//! Manifest GET/HEAD by tag or digest, with `Accept` negotiation.

use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::routes::reply;
use super::{Engine, Fault};
use crate::fixtures::media_types::{DOCKER_MANIFEST, DOCKER_MANIFEST_LIST, DOCKER_SCHEMA1_SIGNED};
use crate::world::store::StoredManifest;

/// The media types a request's `Accept` headers name (parameters dropped).
fn accepted(headers: &HeaderMap) -> Vec<String> {
    headers
        .get_all(header::ACCEPT)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|t| {
            t.split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase()
        })
        .filter(|t| !t.is_empty())
        .collect()
}

pub fn manifest(engine: &Engine, repo: &str, reference: &str, headers: &HeaderMap) -> Response {
    let profile = &engine.profile;
    let found = engine
        .store
        .read(repo, |r| {
            (r.manifest(reference).cloned(), r.manifests.clone())
        })
        .unwrap_or_default();
    let (Some(stored), all) = found else {
        let fault = Fault::ManifestUnknown { repo, reference };
        return reply(profile, (profile.errors)(&fault));
    };
    let mut accept = accepted(headers);
    if accept.is_empty() {
        // distribution: no Accept means a schema1-era client.
        accept = vec![DOCKER_MANIFEST.to_owned(), DOCKER_SCHEMA1_SIGNED.to_owned()];
    }
    let takes = |t: &str| !profile.accept.strict || accept.iter().any(|a| a == t || a == "*/*");
    let mut serve = stored.clone();
    if !takes(&stored.media_type)
        && profile.accept.list_fallback
        && stored.media_type == DOCKER_MANIFEST_LIST
        && let Some(child) = amd64_child(&stored).and_then(|d| all.get(&d).cloned())
    {
        serve = child;
    }
    if !takes(&serve.media_type) {
        let fault = Fault::NotAccepted {
            stored: &serve.media_type,
            reference,
        };
        return reply(profile, (profile.errors)(&fault));
    }
    manifest_response(engine, &serve)
}

fn manifest_response(engine: &Engine, m: &StoredManifest) -> Response {
    let mut response = (
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, m.media_type.clone()),
            (header::ETAG, format!("\"{}\"", m.digest)),
        ],
        m.bytes.as_ref().clone(),
    )
        .into_response();
    if let Ok(digest) = HeaderValue::from_str(&m.digest) {
        response
            .headers_mut()
            .insert("docker-content-digest", digest);
    }
    response
        .headers_mut()
        .insert(header::CONTENT_LENGTH, HeaderValue::from(m.bytes.len()));
    super::routes::api_version(&engine.profile, &mut response);
    response
}

/// The digest of the linux/amd64 entry of a list.
fn amd64_child(list: &StoredManifest) -> Option<String> {
    let json = list.json();
    json["manifests"].as_array()?.iter().find_map(|entry| {
        let platform = &entry["platform"];
        (platform["os"] == "linux" && platform["architecture"] == "amd64")
            .then(|| entry["digest"].as_str().map(String::from))
            .flatten()
    })
}
