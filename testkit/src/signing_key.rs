//! The RSA key and self-signed certificate the token server signs with.
//!
//! Made once per test process with the `openssl` CLI: RSA key generation in pure-Rust crates is
//! slow in debug builds, and openssl also gives the certificate distribution's
//! `rootcertbundle` needs. Signing uses `ring` (already linked through rustls).

use std::path::Path;
use std::process::Command;
use std::sync::{Arc, OnceLock};

use data_encoding::BASE32_NOPAD;
use ring::rand::SystemRandom;
use ring::signature::{RSA_PKCS1_SHA256, RsaKeyPair};
use sha2::{Digest, Sha256};

/// RSA modulus size; ring refuses anything smaller than 2048 bits.
const RSA_BITS: u32 = 2048;
/// Certificate validity; a test process never lives this long.
const CERT_DAYS: u32 = 30;

pub(crate) struct SigningKey {
    key_pair: RsaKeyPair,
    cert_pem: String,
    key_id: String,
}

impl SigningKey {
    /// The process-wide key, generated on first use.
    pub(crate) fn shared() -> Arc<SigningKey> {
        static KEY: OnceLock<Arc<SigningKey>> = OnceLock::new();
        KEY.get_or_init(|| Arc::new(generate())).clone()
    }

    /// PEM of the self-signed certificate holding the public key.
    pub(crate) fn cert_pem(&self) -> &str {
        &self.cert_pem
    }

    /// libtrust key id of the public key: what distribution matches a JWT's `kid` against.
    pub(crate) fn key_id(&self) -> &str {
        &self.key_id
    }

    /// RS256 (RSASSA-PKCS1-v1_5 with SHA-256) signature over `message`.
    pub(crate) fn sign_rs256(&self, message: &[u8]) -> Vec<u8> {
        let mut signature = vec![0u8; self.key_pair.public().modulus_len()];
        self.key_pair
            .sign(
                &RSA_PKCS1_SHA256,
                &SystemRandom::new(),
                message,
                &mut signature,
            )
            .expect("RSA signing");
        signature
    }
}

/// libtrust's key id: SHA-256 over the DER SubjectPublicKeyInfo, the first 240 bits in base32
/// (48 characters), as 12 groups of 4 joined by ':'.
pub(crate) fn libtrust_key_id(spki_der: &[u8]) -> String {
    let hash = Sha256::digest(spki_der);
    let encoded = BASE32_NOPAD.encode(&hash[..30]);
    let groups: Vec<&str> = (0..12).map(|i| &encoded[i * 4..i * 4 + 4]).collect();
    groups.join(":")
}

fn generate() -> SigningKey {
    let dir = tempfile::tempdir().expect("temp dir for key generation");
    let key_pem = dir.path().join("key.pem");
    let cert_pem = dir.path().join("cert.pem");
    let key_der = dir.path().join("key.der");
    let spki_der = dir.path().join("pub.der");
    openssl(&[
        "req",
        "-x509",
        "-newkey",
        &format!("rsa:{RSA_BITS}"),
        "-nodes",
        "-sha256",
        "-days",
        &CERT_DAYS.to_string(),
        "-subj",
        "/CN=lading-testkit token signer",
        "-keyout",
        path(&key_pem),
        "-out",
        path(&cert_pem),
    ]);
    // ring wants PKCS#8 DER; libtrust hashes the DER SubjectPublicKeyInfo.
    // (`pkey -outform DER` writes PKCS#1 for RSA; `pkcs8 -topk8` writes PKCS#8.)
    let pkcs8_args = ["pkcs8", "-topk8", "-nocrypt", "-in", path(&key_pem)];
    openssl(
        &[
            &pkcs8_args[..],
            &["-outform", "DER", "-out", path(&key_der)],
        ]
        .concat(),
    );
    let spki_args = ["pkey", "-in", path(&key_pem), "-pubout", "-outform", "DER"];
    openssl(&[&spki_args[..], &["-out", path(&spki_der)]].concat());

    let key_pair = RsaKeyPair::from_pkcs8(&read(&key_der)).expect("openssl wrote a PKCS#8 RSA key");
    SigningKey {
        key_pair,
        cert_pem: String::from_utf8(read(&cert_pem)).expect("PEM is ASCII"),
        key_id: libtrust_key_id(&read(&spki_der)),
    }
}

fn openssl(args: &[&str]) {
    let out = Command::new("openssl")
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("cannot run openssl (apt-get install openssl): {e}"));
    assert!(
        out.status.success(),
        "openssl {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn path(p: &Path) -> &str {
    p.to_str().expect("temp paths are UTF-8")
}

fn read(p: &Path) -> Vec<u8> {
    std::fs::read(p).unwrap_or_else(|e| panic!("read {}: {e}", p.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_id_has_libtrust_shape() {
        let id = libtrust_key_id(b"not really DER, the shape is what matters");
        let groups: Vec<&str> = id.split(':').collect();
        assert_eq!(groups.len(), 12, "{id}");
        assert!(groups.iter().all(|g| g.len() == 4), "{id}");
        assert!(
            id.chars()
                .all(|c| c == ':' || c.is_ascii_uppercase() || ('2'..='7').contains(&c)),
            "{id}"
        );
    }

    #[test]
    fn generated_key_signs() {
        let key = SigningKey::shared();
        assert_eq!(key.sign_rs256(b"hello").len(), 256);
        assert!(key.cert_pem().starts_with("-----BEGIN CERTIFICATE-----"));
    }
}
