//! Fulcio's certificate extensions (OID arc 1.3.6.1.4.1.57264.1), named as Fulcio's
//! `docs/oid-info.md` names them. 1.1–1.6 hold the raw string (deprecated); from 1.8 on the
//! value is a DER UTF8String.

use x509_cert::der::asn1::{Any, Ia5String, PrintableString, Utf8StringRef};
use x509_cert::der::{Decode, Tag, Tagged};

use super::CertExtension;
use crate::supply::decode::hex;

const ARC: &str = "1.3.6.1.4.1.57264.1.";

const NAMES: [(u32, &str); 22] = [
    (1, "Issuer (v1)"),
    (2, "GitHub Workflow Trigger (v1)"),
    (3, "GitHub Workflow SHA (v1)"),
    (4, "GitHub Workflow Name (v1)"),
    (5, "GitHub Workflow Repository (v1)"),
    (6, "GitHub Workflow Ref (v1)"),
    (7, "OtherName SAN"),
    (8, "Issuer"),
    (9, "Build Signer URI"),
    (10, "Build Signer Digest"),
    (11, "Runner Environment"),
    (12, "Source Repository URI"),
    (13, "Source Repository Digest"),
    (14, "Source Repository Ref"),
    (15, "Source Repository Identifier"),
    (16, "Source Repository Owner URI"),
    (17, "Source Repository Owner Identifier"),
    (18, "Build Config URI"),
    (19, "Build Config Digest"),
    (20, "Build Trigger"),
    (21, "Run Invocation URI"),
    (22, "Source Repository Visibility At Signing"),
];

/// Names and decodes `oid` when it is one of Fulcio's; `None` for any other extension.
pub(super) fn describe(oid: &str, value: &[u8]) -> Option<CertExtension> {
    let number: u32 = oid.strip_prefix(ARC)?.parse().ok()?;
    let name = NAMES.iter().find(|(n, _)| *n == number).map_or_else(
        || format!("Fulcio extension {number}"),
        |(_, name)| name.to_string(),
    );
    let value = if number <= 6 {
        raw_text(value)
    } else {
        Any::from_der(value).map_or_else(|_| raw_text(value), |any| any_text(&any))
    };
    Some(CertExtension {
        oid: oid.to_string(),
        name,
        value,
    })
}

/// A DER string value as text; anything else as hex (never guessed at).
pub(super) fn any_text(any: &Any) -> String {
    let bytes = any.value();
    let string = match any.tag() {
        Tag::Utf8String => Utf8StringRef::new(bytes).ok().map(|s| s.to_string()),
        Tag::Ia5String => Ia5String::new(bytes).ok().map(|s| s.to_string()),
        Tag::PrintableString => PrintableString::new(bytes).ok().map(|s| s.to_string()),
        _ => None,
    };
    string.unwrap_or_else(|| hex(bytes))
}

fn raw_text(bytes: &[u8]) -> String {
    std::str::from_utf8(bytes).map_or_else(|_| hex(bytes), str::to_string)
}
