//! Which parameter, header and JSON member names carry a secret value.
//!
//! Over-redaction is the accepted failure: a hidden start time or checksum costs a reader
//! little, a shown signature is a leak. So short names some CDN uses for a hash (`st`, `h`,
//! `md5`) are hidden wherever they appear.

/// Names (lower case, without `-`, `_`, `.`) whose values are secret.
const SECRET_NAMES: [&str; 25] = [
    "sig", // Azure SAS signature
    // Azure SAS expiry and version: not secret alone, but issue 9 asks that no part of a
    // SAS that dates or identifies the grant reach a page (`sp`, `sr` stay: the rights).
    "se",
    "sv",
    "policy",         // CloudFront custom policy (signed with the key pair)
    "keypairid",      // CloudFront
    "googleaccessid", // GCS V2 signing
    "hdnts",          // Akamai token (query, cookie or path)
    "hdnea",          // Akamai edge authorization
    "hdntl",          // Akamai token lifetime
    "hmac",           // Akamai token part (`exp=…~acl=…~hmac=…`)
    "verify",         // Docker Hub's Cloudflare CDN (`verify=EXPIRY-HMAC`)
    "sign",           // Tencent Cloud CDN (types A, D), Qiniu and Volcengine anti-leech
    "md5",            // nginx `secure_link` (`md5=HASH&expires=…`), Gcore, CDN77
    "upt",            // Upyun token anti-leech (`_upt=HASH+EXPIRY`)
    // Old nginx `secure_link` as its docs spell it (`st=HASH&e=EXPIRES`). Akamai also uses
    // `st` for a start *time* (hidden too: worth less than the hash it may be).
    "st",
    "h",    // Limelight/Edgio MediaVault (`e=EXPIRES&h=HASH`)
    "hash", // KeyCDN, CacheFly and many `secure_link` setups name the hash so
    "qak",  // Tencent COS access key id (like `AWSAccessKeyId`)
    "auth",
    "key",
    "jwt", // GHCR blob redirects, many token CDNs
    "pass",
    "pwd",
    "otp",
    "ticket",
];
/// Name endings whose values are secret: `X-Amz-Signature`, `X-Goog-Credential`,
/// `X-Amz-Security-Token`, `access_token`, `__token__`, `client_secret`, `x-registry-auth`,
/// `set-cookie`, `x-api-key`, `proxy-authorization`, `AWSAccessKeyId`, `OSSAccessKeyId`,
/// `wsSecret` (Wangsu), `txSecret` (Tencent live), `auth_key` (Alibaba, Huawei and Volcengine
/// CDNs), `X-Auth-Key` (Cloudflare), B2's `Authorization`, Fastly's and Bunny's `token` …
const SECRET_SUFFIXES: [&str; 18] = [
    "signature", // AWS SigV2 and SigV4, GCS V4, CloudFront, Tencent `q-signature`, TOS, OBS
    "accesskeyid",
    "sig",
    "credential",
    "credentials",
    "token",
    "secret",
    "password",
    "passwd",
    "apikey",
    "authkey",
    "accesskey",
    "secretkey",
    "privatekey",
    "registryauth",
    "cookie",
    "authorization",
    "sessionid",
];

/// Whether a parameter or header named `name` carries a secret, whatever its case and
/// separators (`X-Amz-Signature`, `x_amz_signature`, `XAMZSIGNATURE`).
pub fn is_secret_name(name: &str) -> bool {
    let name: String = name
        .chars()
        .filter(|c| !matches!(c, '-' | '_' | '.'))
        .map(|c| c.to_ascii_lowercase())
        .collect();
    !name.is_empty()
        && (SECRET_NAMES.contains(&name.as_str())
            || SECRET_SUFFIXES.iter().any(|s| name.ends_with(s)))
}
