//! The supply-chain decoders (`lading_shared::supply`): signatures, envelopes, bundles,
//! certificates, provenance, SBOMs, the raw-JSON pretty printer, and supply tags.
//!
//! Input: the first byte picks the decoder, the rest is the document (a registry's bytes).
//!
//! Asserts: no panic; every summary that decodes survives the JSON round trip an API answer
//! makes.

#![no_main]

use lading_shared::supply::*;
use libfuzzer_sys::fuzz_target;
use serde::Serialize;
use serde::de::DeserializeOwned;

fuzz_target!(|data: &[u8]| {
    let Some((&mode, body)) = data.split_first() else {
        return;
    };
    match mode % 12 {
        0 => round_trip(decode_simple_signing(body)),
        1 => round_trip(decode_dsse(body)),
        2 => round_trip(decode_attestation(body)),
        3 => round_trip(decode_bundle(body)),
        4 => round_trip(decode_certificate(body)),
        5 => round_trip(decode_notation(JWS_MEDIA_TYPE, body)),
        6 => round_trip(decode_provenance_attestation(body)),
        7 => round_trip(decode_sbom(body, None)),
        8 => round_trip(decode_rekor_bundle(body)),
        9 => {
            let _ = pretty_json(body);
        }
        10 => {
            if let Ok(text) = std::str::from_utf8(body) {
                round_trip(decode_certificate_chain(text));
                let _ = decode_thumbprints(text);
                let _ = parse_purl(text);
                if let Some(tag) = parse_supply_tag(text) {
                    let back = match tag.cosign {
                        Some(suffix) => cosign_tag(&tag.subject, suffix),
                        None => fallback_tag(&tag.subject),
                    };
                    assert_eq!(parse_supply_tag(&back), Some(tag));
                }
            }
        }
        _ => {
            let text = String::from_utf8_lossy(body);
            let mut parts = text.splitn(3, '\n');
            let (a, b, c) = (parts.next(), parts.next(), parts.next().unwrap_or(""));
            let layers: Vec<&str> = c.lines().collect();
            let _ = classify(a, b, &layers);
        }
    }
});

fn round_trip<T, E>(decoded: Result<T, E>)
where
    T: Serialize + DeserializeOwned + PartialEq + std::fmt::Debug,
{
    if let Ok(summary) = decoded {
        let json = serde_json::to_string(&summary).expect("a summary serialises");
        let back: T = serde_json::from_str(&json)
            .unwrap_or_else(|e| panic!("{json} does not deserialise: {e}"));
        assert_eq!(back, summary, "{json}");
    }
}
