//! `--ca-cert` files, `--insecure-host` matching, and the words for each TLS failure.

use std::io::Write;

use rustls::pki_types::{ServerName, UnixTime};
use rustls::{AlertDescription, CertificateError, Error as RustlsError};

use super::explain::explain;
use super::*;

fn pem() -> String {
    let key = rcgen::KeyPair::generate().unwrap();
    let params = rcgen::CertificateParams::new(vec!["ca.lading.test".to_string()]).unwrap();
    params.self_signed(&key).unwrap().pem()
}

fn file(content: &[u8]) -> tempfile::NamedTempFile {
    let mut file = tempfile::NamedTempFile::new().unwrap();
    file.write_all(content).unwrap();
    file
}

#[test]
fn a_ca_file_may_hold_several_certificates() {
    let bundle = file(format!("# company roots\n{}\n{}", pem(), pem()).as_bytes());
    assert_eq!(read_ca_file(bundle.path()).unwrap().len(), 2);
    let trust = Trust::load(&[bundle.path().to_path_buf()], Vec::new()).unwrap();
    assert_eq!(trust.extra_roots, 2);
}

#[test]
fn an_unusable_ca_file_is_an_error_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("missing-ca.pem");
    let empty = file(b"");
    let text = file(b"not a certificate\n");
    let key_only = file(b"-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n");
    let bad_base64 = file(b"-----BEGIN CERTIFICATE-----\n!!!\n-----END CERTIFICATE-----\n");
    let not_der = file(b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n");
    for (path, why) in [
        (missing.as_path(), "No such file"),
        (empty.path(), "holds no PEM certificate"),
        (text.path(), "holds no PEM certificate"),
        (key_only.path(), "holds no PEM certificate"),
        (bad_base64.path(), "certificate 1"),
        (not_der.path(), "certificate 1"),
        (dir.path(), "--ca-cert"),
    ] {
        let error = Trust::load(&[path.to_path_buf()], Vec::new())
            .err()
            .unwrap_or_else(|| panic!("{} was accepted", path.display()));
        assert!(error.contains(&path.display().to_string()), "{error}");
        assert!(error.contains(why), "{why}: {error}");
        assert!(!error.contains("malformed"), "{error}");
    }
}

#[test]
fn insecure_hosts_match_https_urls_of_that_host_and_port_only() {
    let trust = Trust::load(
        &[],
        vec![
            "registry.test".parse().unwrap(),
            "other.test:8443".parse().unwrap(),
        ],
    )
    .unwrap();
    for (url, insecure) in [
        ("https://registry.test/v2/", true),
        ("https://REGISTRY.test:5000/v2/", true),
        ("http://registry.test/v2/", false),
        ("https://auth.registry.test/token", false),
        ("https://other.test:8443/v2/", true),
        ("https://other.test/v2/", false),
    ] {
        assert_eq!(
            trust.is_insecure(&url::Url::parse(url).unwrap()),
            insecure,
            "{url}"
        );
    }
    assert_eq!(trust.insecure_hosts(), ["registry.test", "other.test:8443"]);
}

fn at(secs: u64) -> UnixTime {
    UnixTime::since_unix_epoch(std::time::Duration::from_secs(secs))
}

fn said(error: CertificateError) -> String {
    explain(
        "registry.test:8443",
        &RustlsError::InvalidCertificate(error),
        at(1_780_000_000),
    )
}

#[test]
fn certificate_failures_say_what_failed_and_the_fix() {
    let unknown = said(CertificateError::UnknownIssuer);
    for part in [
        "certificate authority this Lading does not trust",
        "self-signed",
        "x509: certificate signed by unknown authority",
        "--ca-cert FILE",
        "--insecure-host registry.test:8443",
    ] {
        assert!(unknown.contains(part), "{part}: {unknown}");
    }
    let name = said(CertificateError::NotValidForNameContext {
        expected: ServerName::try_from("registry.test").unwrap(),
        presented: vec![
            "DnsName(\"wrong.lading.test\")".into(),
            "IpAddress(10.0.0.1)".into(),
        ],
    });
    assert!(
        name.contains("is for wrong.lading.test or 10.0.0.1, not for registry.test."),
        "{name}"
    );
    let expired = said(CertificateError::ExpiredContext {
        time: at(1_780_000_000),
        not_after: at(1_767_225_600),
    });
    for part in [
        "expired on 2026-01-01 00:00 UTC",
        "clock says 2026-05-28",
        "--ca-cert",
    ] {
        assert!(expired.contains(part), "{part}: {expired}");
    }
    let early = said(CertificateError::NotValidYetContext {
        time: at(1_780_000_000),
        not_before: at(1_800_000_000),
    });
    assert!(early.contains("not valid until 2027-01-15"), "{early}");
    assert!(early.contains("check the clock"), "{early}");
    for (error, part) in [
        (CertificateError::Revoked, "revoked"),
        (CertificateError::BadEncoding, "cannot be read"),
        (CertificateError::BadSignature, "valid signature"),
        (
            CertificateError::InvalidPurpose,
            "not issued for TLS servers",
        ),
        (CertificateError::UnhandledCriticalExtension, "refused"),
    ] {
        let text = said(error);
        assert!(text.contains(part), "{part}: {text}");
        assert!(text.contains("--ca-cert"), "{text}");
        assert!(
            text.contains("--insecure-host registry.test:8443"),
            "{text}"
        );
        assert!(!text.to_lowercase().contains("malformed"), "{text}");
    }
}

#[test]
fn handshake_failures_that_are_not_certificates_say_so() {
    let now = at(0);
    let plain = explain(
        "r.test",
        &RustlsError::InvalidMessage(rustls::InvalidMessage::InvalidContentType),
        now,
    );
    assert!(plain.contains("did not answer in TLS"), "{plain}");
    let alert = explain(
        "r.test",
        &RustlsError::AlertReceived(AlertDescription::CertificateRequired),
        now,
    );
    assert!(alert.contains("client certificate"), "{alert}");
}

/// reqwest hides the rustls error inside `io::Error`s, whose `source()` skips it.
#[test]
fn the_rustls_error_is_found_inside_io_errors() {
    #[derive(Debug)]
    struct Outer(std::io::Error);
    impl std::fmt::Display for Outer {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("error sending request")
        }
    }
    impl std::error::Error for Outer {
        fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
            Some(&self.0)
        }
    }
    let io = std::io::Error::new(
        std::io::ErrorKind::InvalidData,
        RustlsError::InvalidCertificate(CertificateError::UnknownIssuer),
    );
    // Nested, as reqwest's connector hands it on: the outer `source()` skips both.
    let io = std::io::Error::other(io);
    let error = failure("r.test", &Outer(io)).expect("found");
    assert_eq!(error.kind(), lading_shared::api::ErrorKind::Tls);
    assert!(error.to_string().contains("--ca-cert"), "{error}");
    let plain = std::io::Error::other("connection refused");
    assert!(failure("r.test", &Outer(plain)).is_none());
}
