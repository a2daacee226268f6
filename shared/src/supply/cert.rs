//! X.509 certificates as a person reads them: subject, issuer, the identity in the SAN,
//! validity, and Fulcio's extensions (who the OIDC issuer was, which workflow signed).
//! Parsed, never verified.

mod fulcio;

use serde::{Deserialize, Serialize};
use sha2::{Digest as _, Sha256};
use x509_cert::Certificate;
use x509_cert::der::{Decode, DecodePem, Encode};
use x509_cert::ext::pkix::SubjectAltName;
use x509_cert::ext::pkix::name::GeneralName;

use super::SupplyError;
use super::decode::hex;

/// The longest chain read from one annotation or header.
pub const MAX_CHAIN_CERTIFICATES: usize = 16;
/// The largest certificate (PEM or DER) read.
pub const MAX_CERTIFICATE_BYTES: usize = 64 * 1024;

const SUBJECT_ALT_NAME: &str = "2.5.29.17";

/// One certificate, summarised.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CertificateSummary {
    /// RFC 4514 text (`CN=…,O=…`); empty for Fulcio's subjectless certificates.
    pub subject: String,
    pub issuer: String,
    pub san: Vec<SanEntry>,
    /// RFC 3339 (`2025-12-01T12:00:00Z`).
    pub not_before: String,
    pub not_after: String,
    /// Lowercase hex, without the sign byte DER may add.
    pub serial: String,
    /// SHA-256 of the DER bytes, lowercase hex (Notation's thumbprint).
    pub sha256: String,
    /// Fulcio's extensions (OID 1.3.6.1.4.1.57264.1.*), in certificate order.
    pub fulcio: Vec<CertExtension>,
}

/// A subject alternative name: `kind` is `email`, `uri`, `dns`, `ip` or `other:<oid>`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SanEntry {
    pub kind: String,
    pub value: String,
}

/// A named extension value (`Issuer (v2)` = `https://token.actions.githubusercontent.com`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CertExtension {
    pub oid: String,
    pub name: String,
    pub value: String,
}

/// Summarises one certificate given as PEM (the first block) or DER.
pub fn decode_certificate(bytes: &[u8]) -> Result<CertificateSummary, SupplyError> {
    check_certificate_size(bytes)?;
    let cert = if looks_like_pem(bytes) {
        let mut chain = parse_pem(bytes)?;
        if chain.is_empty() {
            return Err(SupplyError::Certificate("no PEM CERTIFICATE block".into()));
        }
        chain.swap_remove(0)
    } else {
        Certificate::from_der(bytes).map_err(|e| SupplyError::Certificate(format!("DER: {e}")))?
    };
    summarize(&cert)
}

/// Summarises every certificate in a PEM bundle (cosign's `chain` annotation), in order.
pub fn decode_certificate_chain(pem: &str) -> Result<Vec<CertificateSummary>, SupplyError> {
    let bytes = pem.as_bytes();
    if bytes.len() > MAX_CERTIFICATE_BYTES * MAX_CHAIN_CERTIFICATES {
        return Err(SupplyError::TooLarge {
            what: "certificate chain",
            size: bytes.len(),
            limit: MAX_CERTIFICATE_BYTES * MAX_CHAIN_CERTIFICATES,
        });
    }
    parse_pem(bytes)?.iter().map(summarize).collect()
}

fn check_certificate_size(bytes: &[u8]) -> Result<(), SupplyError> {
    if bytes.len() > MAX_CERTIFICATE_BYTES {
        return Err(SupplyError::TooLarge {
            what: "certificate",
            size: bytes.len(),
            limit: MAX_CERTIFICATE_BYTES,
        });
    }
    Ok(())
}

fn looks_like_pem(bytes: &[u8]) -> bool {
    bytes.trim_ascii_start().starts_with(b"-----BEGIN")
}

/// Splits PEM text into its CERTIFICATE blocks and decodes each. Not x509-cert's
/// `load_pem_chain`: it underflows (panics in debug) on empty or all-newline input.
fn parse_pem(bytes: &[u8]) -> Result<Vec<Certificate>, SupplyError> {
    const BEGIN: &[u8] = b"-----BEGIN CERTIFICATE-----";
    const END: &[u8] = b"-----END CERTIFICATE-----";
    let find = |haystack: &[u8], needle: &[u8]| {
        haystack
            .windows(needle.len())
            .position(|window| window == needle)
    };
    let mut certs = Vec::new();
    let mut rest = bytes;
    while let Some(start) = find(rest, BEGIN) {
        if certs.len() == MAX_CHAIN_CERTIFICATES {
            return Err(SupplyError::TooManyCertificates {
                limit: MAX_CHAIN_CERTIFICATES,
            });
        }
        let block = &rest[start..];
        let end = find(block, END)
            .ok_or_else(|| SupplyError::Certificate("PEM: no -----END CERTIFICATE-----".into()))?
            + END.len();
        let cert = Certificate::from_pem(&block[..end])
            .map_err(|e| SupplyError::Certificate(format!("PEM: {e}")))?;
        certs.push(cert);
        rest = &block[end..];
    }
    Ok(certs)
}

fn summarize(cert: &Certificate) -> Result<CertificateSummary, SupplyError> {
    let der = cert
        .to_der()
        .map_err(|e| SupplyError::Certificate(format!("re-encoding: {e}")))?;
    let tbs = &cert.tbs_certificate;
    let serial = tbs.serial_number.as_bytes();
    let serial = match serial {
        [0, rest @ ..] if !rest.is_empty() => rest,
        all => all,
    };
    let extensions = tbs.extensions.as_deref().unwrap_or_default();
    let mut san = Vec::new();
    let mut fulcio = Vec::new();
    for ext in extensions {
        let oid = ext.extn_id.to_string();
        let value = ext.extn_value.as_bytes();
        if oid == SUBJECT_ALT_NAME {
            san = san_entries(value)?;
        } else if let Some(named) = fulcio::describe(&oid, value) {
            fulcio.push(named);
        }
    }
    Ok(CertificateSummary {
        subject: tbs.subject.to_string(),
        issuer: tbs.issuer.to_string(),
        san,
        not_before: tbs.validity.not_before.to_date_time().to_string(),
        not_after: tbs.validity.not_after.to_date_time().to_string(),
        serial: hex(serial),
        sha256: hex(&Sha256::digest(&der)),
        fulcio,
    })
}

fn san_entries(der: &[u8]) -> Result<Vec<SanEntry>, SupplyError> {
    let names = SubjectAltName::from_der(der)
        .map_err(|e| SupplyError::Certificate(format!("subject alternative name: {e}")))?;
    let entry = |kind: &str, value: String| SanEntry {
        kind: kind.to_string(),
        value,
    };
    Ok(names
        .0
        .iter()
        .map(|name| match name {
            GeneralName::Rfc822Name(s) => entry("email", s.to_string()),
            GeneralName::UniformResourceIdentifier(s) => entry("uri", s.to_string()),
            GeneralName::DnsName(s) => entry("dns", s.to_string()),
            GeneralName::IpAddress(ip) => entry("ip", ip_text(ip.as_bytes())),
            GeneralName::DirectoryName(n) => entry("directory", n.to_string()),
            GeneralName::OtherName(other) => entry(
                &format!("other:{}", other.type_id),
                fulcio::any_text(&other.value),
            ),
            GeneralName::RegisteredId(oid) => entry("registered-id", oid.to_string()),
            GeneralName::EdiPartyName(_) => entry("edi-party", String::new()),
        })
        .collect())
}

fn ip_text(bytes: &[u8]) -> String {
    match bytes {
        [a, b, c, d] => format!("{a}.{b}.{c}.{d}"),
        _ if bytes.len() == 16 => {
            let mut octets = [0u8; 16];
            octets.copy_from_slice(bytes);
            std::net::Ipv6Addr::from(octets).to_string()
        }
        _ => hex(bytes),
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Made with openssl at authoring time (P-256; see testdata/README.md): a Fulcio-shaped
    /// leaf (no subject, a workflow URI SAN, extensions 1.1, 1.8, 1.9, 1.12, 1.13, 1.14,
    /// 1.20) issued by FULCIO_CA, and a self-signed leaf with an email SAN.
    pub(crate) const FULCIO_LEAF: &str = include_str!("testdata/fulcio-leaf.pem");
    pub(crate) const FULCIO_CA: &str = include_str!("testdata/fulcio-ca.pem");
    pub(crate) const NOTATION_LEAF: &str = include_str!("testdata/notation-leaf.pem");
    /// `openssl x509 -outform der | sha256sum` of each.
    pub(crate) const FULCIO_LEAF_SHA256: &str =
        "0d7c5f649ce5d8805c63b0f71cf22bd77c1b40b786f2a99b3923f6932e4ffa9e";
    pub(crate) const NOTATION_LEAF_SHA256: &str =
        "b6fcaef283cc8a98f5d0a0bd527cc54345a2f2c97ce0aba1b71fee5a90d90e70";

    const WORKFLOW: &str =
        "https://github.com/octo-org/octo-repo/.github/workflows/release.yml@refs/heads/main";

    /// The DER bytes of a PEM block, as a bundle's `rawBytes` carries them.
    pub(crate) fn der_of(pem: &str) -> Vec<u8> {
        Certificate::from_pem(pem).unwrap().to_der().unwrap()
    }

    #[test]
    fn fulcio_leaf_from_pem() {
        let cert = decode_certificate(FULCIO_LEAF.as_bytes()).unwrap();
        assert_eq!(cert.subject, "");
        assert_eq!(cert.issuer, "CN=sigstore-intermediate,O=sigstore.dev");
        assert_eq!(cert.serial, "5e11ab1e");
        assert_eq!(cert.sha256, FULCIO_LEAF_SHA256);
        assert_eq!(cert.not_before, "2026-12-02T13:58:18Z");
        assert_eq!(cert.not_after, "2026-12-03T13:58:18Z");
        assert_eq!(
            cert.san,
            [SanEntry {
                kind: "uri".into(),
                value: WORKFLOW.into()
            }]
        );
        let ext: Vec<(&str, &str, &str)> = cert
            .fulcio
            .iter()
            .map(|e| (e.oid.as_str(), e.name.as_str(), e.value.as_str()))
            .collect();
        let issuer = "https://token.actions.githubusercontent.com";
        assert_eq!(
            ext,
            [
                ("1.3.6.1.4.1.57264.1.1", "Issuer (v1)", issuer),
                ("1.3.6.1.4.1.57264.1.8", "Issuer", issuer),
                ("1.3.6.1.4.1.57264.1.9", "Build Signer URI", WORKFLOW),
                (
                    "1.3.6.1.4.1.57264.1.12",
                    "Source Repository URI",
                    "https://github.com/octo-org/octo-repo"
                ),
                (
                    "1.3.6.1.4.1.57264.1.13",
                    "Source Repository Digest",
                    "a1b2c3d4e5f60718293a4b5c6d7e8f9012345678"
                ),
                (
                    "1.3.6.1.4.1.57264.1.14",
                    "Source Repository Ref",
                    "refs/heads/main"
                ),
                ("1.3.6.1.4.1.57264.1.20", "Build Trigger", "push"),
            ]
        );
    }

    #[test]
    fn der_and_pem_agree_and_chains_keep_order() {
        let from_der = decode_certificate(&der_of(NOTATION_LEAF)).unwrap();
        assert_eq!(
            from_der,
            decode_certificate(NOTATION_LEAF.as_bytes()).unwrap()
        );
        assert_eq!(from_der.subject, "O=Lading Test,CN=notation.example");
        assert_eq!(from_der.subject, from_der.issuer);
        assert_eq!(from_der.serial, "07");
        assert_eq!(from_der.sha256, NOTATION_LEAF_SHA256);
        assert_eq!(from_der.san[0].kind, "email");
        assert_eq!(from_der.san[0].value, "signer@example.com");
        assert!(from_der.fulcio.is_empty());
        let chain = decode_certificate_chain(&format!("{FULCIO_LEAF}{FULCIO_CA}")).unwrap();
        assert_eq!(chain.len(), 2);
        assert_eq!(chain[1].subject, "CN=sigstore-intermediate,O=sigstore.dev");
    }

    #[test]
    fn garbage_is_an_error_not_a_panic() {
        for input in [
            &b""[..],
            b"\x30\x03\x02\x01",
            b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
            b"hello",
        ] {
            let err = decode_certificate(input).unwrap_err();
            assert!(matches!(err, SupplyError::Certificate(_)), "{err}");
        }
        let many = FULCIO_CA.repeat(MAX_CHAIN_CERTIFICATES + 1);
        assert_eq!(
            decode_certificate_chain(&many).unwrap_err(),
            SupplyError::TooManyCertificates {
                limit: MAX_CHAIN_CERTIFICATES
            }
        );
        // A truncated DER certificate.
        let der = der_of(FULCIO_LEAF);
        assert!(decode_certificate(&der[..der.len() - 10]).is_err());
    }
}
