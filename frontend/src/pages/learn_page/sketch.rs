//! The explainer pages' sequence diagrams: a typical pull and push, drawn by the views'
//! own diagram from a made-up message list.

use lading_shared::reproduce::diagram::Message;
use lading_shared::reproduce::{Endpoint, Lane};

use crate::components::sequence_diagram::{Arrow, Column};

/// The lanes: the client (in the app's diagrams Lading's lane), the registry, the token
/// server and, for a pull, the CDN.
pub fn columns(pull: bool) -> Vec<Column> {
    let column = |lane, title: &str, host: Option<&str>| Column {
        lane,
        title: title.to_string(),
        host: host.map(str::to_string),
    };
    let client = if pull {
        "docker pull, crane, Lading"
    } else {
        "docker push, crane"
    };
    let mut out = vec![
        column(Lane::Lading, "Client", Some(client)),
        column(Lane::Registry, "Registry", Some("/v2/…")),
        column(
            Lane::TokenServer,
            "Token server",
            Some("the challenge's realm"),
        ),
    ];
    if pull {
        out.push(column(Lane::Cdn, "CDN", Some("the blob's Location")));
    }
    out
}

/// Request and answer pairs: `(to, request, endpoint, status, answer)`.
type Exchange = (Lane, &'static str, Option<Endpoint>, u16, &'static str);

const PULL: &[Exchange] = &[
    (
        Lane::Registry,
        "GET /v2/",
        Some(Endpoint::Base),
        401,
        "401 challenge",
    ),
    (
        Lane::TokenServer,
        "GET <realm>?scope=repository:<name>:pull",
        None,
        200,
        "200 token",
    ),
    (
        Lane::Registry,
        "HEAD /v2/<name>/manifests/<tag>",
        Some(Endpoint::Manifest),
        200,
        "200 digest",
    ),
    (
        Lane::Registry,
        "GET /v2/<name>/manifests/<tag>",
        Some(Endpoint::Manifest),
        200,
        "200 index",
    ),
    (
        Lane::Registry,
        "GET /v2/<name>/manifests/<digest>",
        Some(Endpoint::Manifest),
        200,
        "200 image manifest",
    ),
    (
        Lane::Registry,
        "GET /v2/<name>/blobs/<config>",
        Some(Endpoint::Blob),
        200,
        "200 config",
    ),
    (
        Lane::Registry,
        "GET /v2/<name>/blobs/<layer>",
        Some(Endpoint::Blob),
        307,
        "307 redirect",
    ),
    (
        Lane::Cdn,
        "GET <Location>, no Authorization",
        None,
        200,
        "200 layer",
    ),
    (
        Lane::Registry,
        "GET /v2/<name>/tags/list?n=100",
        Some(Endpoint::TagsPaged),
        200,
        "200 + Link next",
    ),
];

const PUSH: &[Exchange] = &[
    (
        Lane::Registry,
        "GET /v2/",
        Some(Endpoint::Base),
        401,
        "401 challenge",
    ),
    (
        Lane::TokenServer,
        "GET <realm>?scope=repository:<name>:pull,push",
        None,
        200,
        "200 token",
    ),
    (
        Lane::Registry,
        "HEAD /v2/<name>/blobs/<digest>",
        Some(Endpoint::Blob),
        404,
        "404 not there",
    ),
    (
        Lane::Registry,
        "POST …/blobs/uploads/?mount=…&from=…",
        Some(Endpoint::Mount),
        202,
        "202 not mounted",
    ),
    (
        Lane::Registry,
        "POST /v2/<name>/blobs/uploads/",
        Some(Endpoint::UploadStart),
        202,
        "202 Location",
    ),
    (
        Lane::Registry,
        "PATCH <location>",
        Some(Endpoint::UploadChunk),
        202,
        "202 Range",
    ),
    (
        Lane::Registry,
        "PUT <location>?digest=<digest>",
        Some(Endpoint::UploadClose),
        201,
        "201 Created",
    ),
    (
        Lane::Registry,
        "PUT /v2/<name>/manifests/<tag>",
        Some(Endpoint::ManifestPut),
        201,
        "201 Created",
    ),
];

/// The arrows of a typical pull or push.
pub fn arrows(pull: bool) -> Vec<Arrow> {
    let exchanges = if pull { PULL } else { PUSH };
    let mut out = Vec::with_capacity(exchanges.len() * 2);
    for &(lane, request, endpoint, status, answer) in exchanges {
        let message = |from, to, label: &str, reply| Message {
            from,
            to,
            label: label.to_string(),
            request: None,
            reply,
        };
        out.push(Arrow::new(
            message(Lane::Lading, lane, request, false),
            Some(None),
            endpoint,
        ));
        out.push(Arrow::new(
            message(lane, Lane::Lading, answer, true),
            Some(Some(status)),
            None,
        ));
    }
    out
}
