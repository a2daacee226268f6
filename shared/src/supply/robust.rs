//! Every decoder against hostile bytes (each fixture cut at every length, bytes flipped):
//! an error is fine, a panic is a bug. And every summary survives the trip through JSON
//! that API answers take.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::cert::tests::{FULCIO_LEAF, NOTATION_LEAF, der_of};
use super::*;

const HEX: &str = "4aa3054270f7a70b4528f2064ee90961788e1e1518703592ae4463de3b889dec";

fn fixtures() -> Vec<Vec<u8>> {
    let statement = format!(
        r#"{{"_type":"https://in-toto.io/Statement/v0.1","subject":[{{"name":"pkg:docker/alpine@latest","digest":{{"sha256":"{HEX}"}}}}],"predicateType":"https://slsa.dev/provenance/v0.2","predicate":{{"buildType":"https://mobyproject.org/buildkit@v1","materials":[{{"uri":"pkg:docker/alpine@latest?platform=linux%2Famd64","digest":{{"sha256":"{HEX}"}}}}]}}}}"#
    );
    let envelope = format!(
        r#"{{"payloadType":"application/vnd.in-toto+json","payload":"{}","signatures":[{{"keyid":"","sig":"MEUCIQ=="}}]}}"#,
        STANDARD.encode(&statement)
    );
    let bundle = format!(
        r#"{{"mediaType":"application/vnd.dev.sigstore.bundle.v0.3+json","verificationMaterial":{{"certificate":{{"rawBytes":"{}"}},"tlogEntries":[{{"logIndex":"1","integratedTime":"2"}}]}},"dsseEnvelope":{}}}"#,
        STANDARD.encode(der_of(FULCIO_LEAF)),
        envelope
    );
    let simple = format!(
        r#"{{"critical":{{"identity":{{"docker-reference":"index.docker.io/namespace/image"}},"image":{{"docker-manifest-digest":"sha256:{HEX}"}},"type":"cosign container image signature"}},"optional":null}}"#
    );
    let jws = format!(
        r#"{{"payload":"eyJ0YXJnZXRBcnRpZmFjdCI6e319","protected":"eyJhbGciOiJQUzI1NiJ9","header":{{"x5c":["{}"]}},"signature":"c2ln"}}"#,
        STANDARD.encode(der_of(NOTATION_LEAF))
    );
    let sbom = r#"{"spdxVersion":"SPDX-2.3","packages":[{"name":"busybox","externalRefs":[{"referenceCategory":"PACKAGE_MANAGER","referenceType":"purl","referenceLocator":"pkg:apk/alpine/busybox@1.36.1-r2"}]}]}"#;
    [
        statement,
        envelope,
        bundle,
        simple,
        jws,
        sbom.to_string(),
        FULCIO_LEAF.to_string(),
    ]
    .into_iter()
    .map(String::into_bytes)
    .chain([der_of(FULCIO_LEAF)])
    .collect()
}

fn every_decoder(bytes: &[u8]) {
    let text = String::from_utf8_lossy(bytes);
    let _ = decode_simple_signing(bytes);
    let _ = decode_rekor_bundle(bytes);
    let _ = decode_dsse(bytes).map(|e| e.pae());
    let _ = decode_statement(bytes);
    let _ = decode_attestation(bytes);
    let _ = decode_bundle(bytes);
    let _ = decode_certificate(bytes);
    let _ = decode_certificate_chain(&text);
    let _ = decode_notation(JWS_MEDIA_TYPE, bytes);
    let _ = decode_notation(COSE_MEDIA_TYPE, bytes);
    let _ = decode_thumbprints(&text);
    let _ = decode_provenance_attestation(bytes);
    let _ = decode_sbom(bytes, Some("https://spdx.dev/Document"));
    let _ = pretty_json(bytes);
    let _ = parse_purl(&text);
    let _ = purl_image_reference(&text);
}

#[test]
fn cut_and_flipped_inputs_never_panic() {
    for fixture in fixtures() {
        for end in 0..fixture.len() {
            every_decoder(&fixture[..end]);
        }
        for i in (0..fixture.len()).step_by(7) {
            let mut flipped = fixture.clone();
            flipped[i] ^= 0x5a;
            every_decoder(&flipped);
        }
    }
}

fn round_trip<T: Serialize + DeserializeOwned + PartialEq + std::fmt::Debug>(value: T) {
    let text = serde_json::to_string(&value).unwrap();
    assert_eq!(serde_json::from_str::<T>(&text).unwrap(), value, "{text}");
}

#[test]
fn summaries_survive_json() {
    let f = fixtures();
    round_trip(decode_statement(&f[0]).unwrap());
    let envelope = decode_dsse(&f[1]).unwrap();
    let text = serde_json::to_string(&envelope).unwrap();
    assert!(
        text.contains(&STANDARD.encode(&envelope.payload)),
        "bytes travel as base64"
    );
    round_trip(envelope);
    round_trip(decode_bundle(&f[2]).unwrap());
    round_trip(decode_simple_signing(&f[3]).unwrap());
    round_trip(decode_notation(JWS_MEDIA_TYPE, &f[4]).unwrap());
    round_trip(decode_notation(COSE_MEDIA_TYPE, &[0xd2]).unwrap());
    round_trip(decode_sbom(&f[5], None).unwrap());
    round_trip(decode_certificate(&f[6]).unwrap());
    round_trip(decode_provenance_attestation(&f[0]).unwrap());
    round_trip(pretty_json(&f[2]).unwrap());
    round_trip(summarize_cosign_annotations(&Default::default()));
}
