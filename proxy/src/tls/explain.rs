//! A failed TLS handshake in a person's words: what failed (the issuer is unknown, the name
//! does not match, the certificate expired) and what fixes it (`--ca-cert`, or for a test
//! box `--insecure-host`), in one or two sentences.
//!
//! rustls says what failed exactly, but reqwest buries its error a few levels down its chain,
//! inside an `io::Error` whose `source()` skips it: [`find_rustls`] looks inside those too.

use std::error::Error as StdError;

use rustls::pki_types::UnixTime;
use rustls::{AlertDescription, CertificateError, Error as RustlsError};

use crate::error::ProxyError;

/// Names from a certificate shown at most (a hostile certificate may list thousands).
const MAX_NAMES_SHOWN: usize = 5;
/// A name longer than this is cut (DNS names are at most 253 characters).
const MAX_NAME_CHARS: usize = 255;

/// `ProxyError::Tls` when `error`'s chain holds a rustls error; `host` is `HOST[:PORT]`.
pub fn failure(host: &str, error: &(dyn StdError + 'static)) -> Option<ProxyError> {
    let tls = find_rustls(error)?;
    Some(ProxyError::Tls {
        host: host.to_string(),
        message: explain(host, tls, UnixTime::now()),
    })
}

/// The rustls error in `error`'s chain. An `io::Error`'s `source()` is its inner error's
/// source, not the inner error, and reqwest's chain nests them: step into them by hand.
fn find_rustls<'a>(error: &'a (dyn StdError + 'static)) -> Option<&'a RustlsError> {
    let mut next = Some(error);
    while let Some(e) = next {
        if let Some(tls) = e.downcast_ref::<RustlsError>() {
            return Some(tls);
        }
        next = match e
            .downcast_ref::<std::io::Error>()
            .and_then(std::io::Error::get_ref)
        {
            Some(inner) => Some(inner as &(dyn StdError + 'static)),
            None => e.source(),
        };
    }
    None
}

/// What went wrong with `host`'s TLS, and the fix. `now` is this machine's clock (shown
/// when a validity period is the problem: the clock may be what is wrong).
pub fn explain(host: &str, error: &RustlsError, now: UnixTime) -> String {
    let test_box = format!("on a test box, --insecure-host {host} skips the check");
    let or_test_box = format!("or, on a test box, with --insecure-host {host}");
    let cannot = |what: &str| {
        format!("--ca-cert cannot fix {what}: renew or reissue the certificate, or, {test_box}")
    };
    match error {
        RustlsError::InvalidCertificate(cert) => match cert {
            CertificateError::UnknownIssuer => format!(
                "{host}'s certificate is self-signed or signed by a certificate authority this \
                 Lading does not trust (what other tools report as \"x509: certificate signed \
                 by unknown authority\"). Start lading with --ca-cert FILE (that CA's PEM \
                 certificate) {or_test_box}."
            ),
            CertificateError::NotValidForNameContext { presented, .. } => format!(
                "{host}'s certificate is for {}, not for {}. {}.",
                names(presented),
                bare(host),
                cannot("a name")
            ),
            CertificateError::NotValidForName => format!(
                "{host}'s certificate is for another name, not for {}. {}.",
                bare(host),
                cannot("a name")
            ),
            CertificateError::ExpiredContext { not_after, .. } => format!(
                "{host}'s certificate expired on {} (this machine's clock says {}). {}.",
                date(*not_after),
                date(now),
                cannot("an expired certificate")
            ),
            CertificateError::Expired => format!(
                "{host}'s certificate has expired (this machine's clock says {}). {}.",
                date(now),
                cannot("an expired certificate")
            ),
            CertificateError::NotValidYetContext { not_before, .. } => format!(
                "{host}'s certificate is not valid until {}, and this machine's clock says {}: \
                 check the clock. {}.",
                date(*not_before),
                date(now),
                cannot("a certificate not yet valid")
            ),
            CertificateError::NotValidYet => format!(
                "{host}'s certificate is not valid yet (this machine's clock says {}): check \
                 the clock. {}.",
                date(now),
                cannot("a certificate not yet valid")
            ),
            CertificateError::Revoked => {
                format!("{host}'s certificate has been revoked. {}.", cannot("that"))
            }
            CertificateError::BadEncoding => format!(
                "{host} sent a certificate that cannot be read. {}.",
                cannot("that")
            ),
            CertificateError::BadSignature => format!(
                "{host}'s certificate does not carry a valid signature of the authority it \
                 names: if that authority was reissued, give its current PEM with \
                 --ca-cert FILE {or_test_box}."
            ),
            CertificateError::InvalidPurpose | CertificateError::InvalidPurposeContext { .. } => {
                format!(
                    "{host}'s certificate is not issued for TLS servers (its extended key \
                     usage). {}.",
                    cannot("that")
                )
            }
            other => format!(
                "{host}'s certificate was refused ({other}). If a certificate authority of \
                 your own signed it, start lading with --ca-cert FILE (its PEM) \
                 {or_test_box}."
            ),
        },
        RustlsError::InvalidMessage(_)
        | RustlsError::InappropriateMessage { .. }
        | RustlsError::InappropriateHandshakeMessage { .. } => format!(
            "{host} did not answer in TLS: it may be a plain-HTTP registry, which Lading \
             speaks to only on allow-listed loopback names (localhost, 127.x, ::1). This is \
             not a certificate problem: --ca-cert and --insecure-host do not change it."
        ),
        RustlsError::AlertReceived(alert) => {
            let why = match alert {
                AlertDescription::CertificateRequired => {
                    " it wants a client certificate, which Lading does not send"
                }
                AlertDescription::HandshakeFailure | AlertDescription::ProtocolVersion => {
                    " it shares no TLS version or cipher with Lading (TLS 1.2 and 1.3)"
                }
                _ => "",
            };
            format!(
                "{host} refused the TLS handshake ({alert:?}):{why}. This is not a certificate \
                 Lading refused, so --ca-cert does not change it."
            )
        }
        RustlsError::PeerIncompatible(why) => format!(
            "{host} and Lading share no TLS version or cipher (Lading speaks TLS 1.2 and 1.3: \
             {why:?}); --ca-cert does not change that."
        ),
        other => format!(
            "the TLS handshake with {host} failed ({other}). If its certificate is signed by \
             a certificate authority of your own, start lading with --ca-cert FILE \
             {or_test_box}."
        ),
    }
}

/// `registry.example` of `registry.example:8443` (certificates name hosts, not ports).
fn bare(host: &str) -> &str {
    match host.rsplit_once(':') {
        Some((name, port)) if port.bytes().all(|b| b.is_ascii_digit()) && !name.ends_with(':') => {
            name
        }
        _ => host,
    }
}

/// The names a certificate presents, as rustls lists them (`DnsName("a.example")`), read
/// back to `a.example`, at most [`MAX_NAMES_SHOWN`].
fn names(presented: &[String]) -> String {
    if presented.is_empty() {
        return "no host name at all".to_string();
    }
    let mut shown: Vec<String> = presented
        .iter()
        .take(MAX_NAMES_SHOWN)
        .map(|p| {
            let name = p
                .strip_prefix("DnsName(\"")
                .and_then(|n| n.strip_suffix("\")"))
                .or_else(|| {
                    p.strip_prefix("IpAddress(")
                        .and_then(|n| n.strip_suffix(')'))
                })
                .unwrap_or(p);
            name.chars().take(MAX_NAME_CHARS).collect()
        })
        .collect();
    if presented.len() > MAX_NAMES_SHOWN {
        shown.push(format!("{} more", presented.len() - MAX_NAMES_SHOWN));
    }
    match shown.split_last() {
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
        None => String::new(),
    }
}

/// `2026-03-01 12:00 UTC`.
fn date(time: UnixTime) -> String {
    let format = time::macros::format_description!("[year]-[month]-[day] [hour]:[minute] UTC");
    i64::try_from(time.as_secs())
        .ok()
        .and_then(|s| time::OffsetDateTime::from_unix_timestamp(s).ok())
        .and_then(|t| t.format(format).ok())
        .unwrap_or_else(|| format!("{} s after 1970", time.as_secs()))
}
