//! Docker's legacy schema 1 manifests: the unsigned and signed forms, the image config
//! rebuilt from `history[].v1Compatibility`, and the digest over the signed payload.

use crate::fixtures;

use fixtures::*;
use lading_shared::{Digest, MediaType};

#[test]
fn schema1_unsigned_builds_an_image_config() {
    let (media_type, manifest) = schema1(SCHEMA1_PAYLOAD, Some(SCHEMA1_TYPE));
    assert_eq!(media_type, MediaType::DockerSchema1);
    assert_eq!(
        (manifest.name.as_str(), manifest.tag.as_str()),
        ("library/hello", "v1")
    );
    let oldest_first: Vec<String> = manifest
        .layers_oldest_first()
        .iter()
        .map(|d| d.to_string())
        .collect();
    assert_eq!(oldest_first, [L1, EMPTY_TAR, EMPTY_TAR]);

    let config = manifest.image_config().unwrap();
    assert_eq!(config.architecture.as_deref(), Some("amd64"));
    assert_eq!(config.os.as_deref(), Some("linux"));
    assert_eq!(config.config.unwrap().cmd, Some(vec!["/hello".to_string()]));
    let history: Vec<(Option<&str>, &str, bool)> = config
        .history
        .iter()
        .map(|h| {
            (
                h.created.as_deref(),
                h.created_by.as_deref().unwrap_or(""),
                h.empty_layer,
            )
        })
        .collect();
    assert_eq!(
        history,
        [
            (
                Some("2017-01-01T00:00:01Z"),
                "/bin/sh -c #(nop) ADD file:b35e4 in / ",
                false
            ),
            (
                Some("2017-01-01T00:00:02Z"),
                "/bin/sh -c #(nop)  ENV GREETING=hi",
                true
            ),
            (
                Some("2017-01-01T00:00:03Z"),
                "/bin/sh -c #(nop)  CMD [\"/hello\"]",
                true
            ),
        ]
    );
}

#[test]
fn schema1_signed_digest_payload_is_the_body_without_signatures() {
    let signed = signed_schema1();
    let (media_type, manifest) = schema1(&signed, Some(SCHEMA1_SIGNED_TYPE));
    assert_eq!(media_type, MediaType::DockerSchema1Signed);
    assert_eq!(
        manifest,
        schema1(SCHEMA1_PAYLOAD, None).1,
        "signatures change nothing else"
    );

    let payload = lading_shared::manifest::schema1_digest_payload(signed.as_bytes()).unwrap();
    assert_eq!(String::from_utf8(payload.clone()).unwrap(), SCHEMA1_PAYLOAD);
    // Cut the signatures block out by hand: the same bytes.
    let start = signed.find(",\n   \"signatures\": [").unwrap();
    assert_eq!(payload, format!("{}\n}}", &signed[..start]).into_bytes());
    // The digest a registry reports for a signed manifest is over that payload.
    assert_ne!(Digest::sha256(&payload), Digest::sha256(signed.as_bytes()));
    // Unsigned manifests hash as they are.
    assert_eq!(
        lading_shared::manifest::schema1_digest_payload(SCHEMA1_PAYLOAD.as_bytes()),
        None
    );
}

#[test]
fn schema1_digest_payload_refuses_a_lying_protected_header() {
    let signed = signed_schema1();
    let too_long = protected_header(signed.len() + 1);
    let body = signed.replace(&protected_header(SCHEMA1_PAYLOAD.len() - 2), &too_long);
    assert_eq!(
        lading_shared::manifest::schema1_digest_payload(body.as_bytes()),
        None
    );
}
