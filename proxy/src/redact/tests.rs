//! Tables: every parameter family seen in signed URLs, their spellings, and text around them.

use super::*;
use reqwest::header::HeaderValue;

const R: &str = REDACTED;

/// `(input, shown)` with `<r>` standing for [`REDACTED`].
fn check(cases: &[(&str, &str)]) {
    for (input, want) in cases {
        let want = want.replace("<r>", R);
        assert_eq!(text(input), want, "input: {input}");
    }
}

#[test]
fn signed_url_families_keep_names_and_lose_values() {
    check(&[
        // AWS SigV4 (S3, ECR, GHCR's pkg-containers).
        (
            "https://s3.example/b?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIA%2F20240101%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20240101T000000Z&X-Amz-Expires=300&X-Amz-Security-Token=FQoGZXIvYXdz&X-Amz-SignedHeaders=host&X-Amz-Signature=deadbeef",
            "https://s3.example/b?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=<r>&X-Amz-Date=20240101T000000Z&X-Amz-Expires=300&X-Amz-Security-Token=<r>&X-Amz-SignedHeaders=host&X-Amz-Signature=<r>",
        ),
        // AWS SigV2.
        (
            "https://b.s3.example/k?AWSAccessKeyId=AKIAX&Expires=1700000000&Signature=vjbyPxybd%2BZ",
            "https://b.s3.example/k?AWSAccessKeyId=<r>&Expires=1700000000&Signature=<r>",
        ),
        // GCS V4 and V2.
        (
            "https://storage.example/o?X-Goog-Algorithm=GOOG4-RSA-SHA256&X-Goog-Credential=sa%40p.iam&X-Goog-Signature=0123abcd",
            "https://storage.example/o?X-Goog-Algorithm=GOOG4-RSA-SHA256&X-Goog-Credential=<r>&X-Goog-Signature=<r>",
        ),
        (
            "https://storage.example/o?GoogleAccessId=sa@p.iam&Expires=1&Signature=abc%3D",
            "https://storage.example/o?GoogleAccessId=<r>&Expires=1&Signature=<r>",
        ),
        // Azure SAS: `sig` is the secret; its expiry and version go too (issue 9).
        (
            "https://acct.blob.example/c/b?sv=2021-08-06&se=2024-01-01T00%3A00Z&sr=b&sp=r&sig=AbC%2Fd%3D",
            "https://acct.blob.example/c/b?sv=<r>&se=<r>&sr=b&sp=r&sig=<r>",
        ),
        // CloudFront (quay.io).
        (
            "https://d1.cloudfront.example/x?Expires=1&Policy=eyJTdGF0ZW1lbnQi~&Signature=a~b-c_&Key-Pair-Id=APKAEXAMPLE",
            "https://d1.cloudfront.example/x?Expires=1&Policy=<r>&Signature=<r>&Key-Pair-Id=<r>",
        ),
        // Akamai, in the query and in the path.
        (
            "https://a.example/f?hdnts=exp=1~acl=/*~hmac=0fe1&__token__=st=1~hmac=99",
            "https://a.example/f?hdnts=<r>&__token__=<r>",
        ),
        (
            "https://a.example/hdnea=exp=1~hmac=77/f",
            "https://a.example/hdnea=<r>",
        ),
        // Docker Hub's Cloudflare CDN.
        (
            "https://production.cloudflare.docker.example/registry-v2/data?verify=1700000000-Q2xvdWQ",
            "https://production.cloudflare.docker.example/registry-v2/data?verify=<r>",
        ),
        // Generic names.
        (
            "https://r.example/p?token=t1&access_token=t2&auth=t3&jwt=t4&password=t5&secret=t6&key=t7&client_secret=t8&api_key=t9&n=100",
            "https://r.example/p?token=<r>&access_token=<r>&auth=<r>&jwt=<r>&password=<r>&secret=<r>&key=<r>&client_secret=<r>&api_key=<r>&n=100",
        ),
    ]);
}

#[test]
fn names_match_in_any_case_and_spelling() {
    check(&[
        ("?x-amz-signature=a", "?x-amz-signature=<r>"),
        ("?X-AMZ-SIGNATURE=a", "?X-AMZ-SIGNATURE=<r>"),
        ("?x_amz_signature=a", "?x_amz_signature=<r>"),
        ("?SIG=a&Sig=b", "?SIG=<r>&Sig=<r>"),
        ("?Token=a&TOKEN=b", "?Token=<r>&TOKEN=<r>"),
        // Percent-encoded names and `=`.
        ("?X%2DAmz%2DSignature=a", "?X%2DAmz%2DSignature=<r>"),
        ("?%58-Amz-Signature=a", "?%58-Amz-Signature=<r>"),
        ("?X-Amz-Signature%3Da&n=1", "?X-Amz-Signature%3D<r>&n=1"),
        // A signed URL nested in another URL's query, once and twice encoded.
        (
            "https://r.example/go?to=https%3A%2F%2Fcdn%2Fb%3FX-Amz-Signature%3Dabc%26n%3D1&x=1",
            "https://r.example/go?to=https%3A%2F%2Fcdn%2Fb%3FX-Amz-Signature%3D<r>%26n%3D1&x=1",
        ),
        (
            "?to=https%253A%252F%252Fcdn%253Fsig%253Dabc%2526n%253D1",
            "?to=https%253A%252F%252Fcdn%253Fsig%253D<r>%2526n%253D1",
        ),
    ]);
}

#[test]
fn duplicates_fragments_and_edges() {
    check(&[
        // Every occurrence, not the first only.
        ("?sig=a&sig=b&sig=c", "?sig=<r>&sig=<r>&sig=<r>"),
        // Fragments carry tokens too (OAuth implicit flow).
        (
            "https://h/p?n=1#access_token=abc&x=1",
            "https://h/p?n=1#access_token=<r>&x=1",
        ),
        ("https://h/p?sig=abc#frag", "https://h/p?sig=<r>#frag"),
        // Empty values, names without `=`, and look-alikes stay.
        ("?sig=&token", "?sig=&token"),
        ("?design=x&configsig", "?design=x&configsig"),
        ("?n=1&last=tag-1", "?n=1&last=tag-1"),
        // `=` inside a value (base64 padding, Akamai) does not end it.
        ("?Signature=ab==cd&n=1", "?Signature=<r>&n=1"),
        // `;`, `,`, `/`, `+` inside a value do not end it.
        ("?sig=a;b,c/d+e&n=1", "?sig=<r>&n=1"),
        // Quoted values (`WWW-Authenticate` parameters, `Link` targets).
        (
            r#"Bearer realm="https://a/t",token="abc",x="y""#,
            r#"Bearer realm="https://a/t",token="<r>",x="y""#,
        ),
        (
            "<https://h/v2/t?n=1&token=abc>; rel=\"next\"",
            "<https://h/v2/t?n=1&token=<r>>; rel=\"next\"",
        ),
        // Nothing to do.
        ("", ""),
        ("plain text", "plain text"),
        ("=", "="),
        ("%", "%"),
        ("%zz=1", "%zz=1"),
        ("sig=", "sig="),
    ]);
}

#[test]
fn userinfo_is_removed_from_every_url() {
    check(&[
        ("https://user:pw@h.example/p", "https://<r>@h.example/p"),
        ("https://tokenonly@h.example", "https://<r>@h.example"),
        ("http://u:p%40x@h:5000/v2/", "http://<r>@h:5000/v2/"),
        // The last `@` of the authority; an `@` in the path is not userinfo.
        ("https://a@b@h/p", "https://<r>@h/p"),
        ("https://h/p@q", "https://h/p@q"),
        ("https://h?x=a@b", "https://h?x=a@b"),
        // In free text, and encoded inside another URL.
        (
            "could not reach https://u:pw@h/x: refused",
            "could not reach https://<r>@h/x: refused",
        ),
        (
            "?to=https%3A%2F%2Fu%3Apw%40h%2F",
            "?to=https%3A%2F%2F<r>%40h%2F",
        ),
    ]);
}

#[test]
fn text_around_urls_is_kept() {
    check(&[
        (
            // `)` and `:` may be part of a value, so the redaction runs to the space.
            "error sending request for url (https://cdn/b?X-Amz-Signature=abc): refused",
            "error sending request for url (https://cdn/b?X-Amz-Signature=<r> refused",
        ),
        (
            r#"redirect to an invalid URL "http://[bad?sig=abc": invalid IPv6"#,
            r#"redirect to an invalid URL "http://[bad?sig=<r>": invalid IPv6"#,
        ),
        (
            "https://cdn/b?sig=abc uses plain http; only …",
            "https://cdn/b?sig=<r> uses plain http; only …",
        ),
        // Non-ASCII around and inside values.
        ("é?sig=ü€b&n=ü", "é?sig=<r>&n=ü"),
        ("?sig=\u{fffd}\u{fffd}secret", "?sig=<r>"),
    ]);
}

#[test]
fn parsed_urls_are_redacted_like_text() {
    let url = Url::parse("https://u:pw@cdn.example/b?X-Amz-Signature=abc&n=1#sig=x").unwrap();
    assert_eq!(
        super::url(&url),
        format!("https://{R}@cdn.example/b?X-Amz-Signature={R}&n=1#sig={R}")
    );
}

#[test]
fn secret_header_names() {
    for name in [
        "authorization",
        "proxy-authorization",
        "cookie",
        "set-cookie",
        "x-registry-auth",
        "x-amz-security-token",
        "x-auth-token",
        "x-docker-token",
        "x-api-key",
        "x-auth-key",
        "sign",
        "auth_key",
        "wsSecret",
        "txSecret",
        "_upt",
        "md5",
        "st",
    ] {
        assert!(is_secret_name(name), "{name}");
    }
    for name in [
        "www-authenticate",
        "location",
        "link",
        "content-type",
        "docker-content-digest",
        "content-security-policy",
        "x-amz-request-id",
        "content-md5",
        "design",
        "last",
        "n",
        "",
    ] {
        assert!(!is_secret_name(name), "{name}");
    }
}

#[test]
fn headers_are_redacted_whole_or_as_text() {
    let mut map = HeaderMap::new();
    map.insert("authorization", HeaderValue::from_static("Bearer s3cr3t"));
    map.insert(
        "set-cookie",
        HeaderValue::from_static("session=zzz; Path=/"),
    );
    map.insert(
        "location",
        HeaderValue::from_static("https://cdn/b?X-Amz-Signature=abc&n=1"),
    );
    map.insert(
        "content-location",
        HeaderValue::from_static("https://u:pw@cdn/b"),
    );
    map.insert(
        "link",
        HeaderValue::from_static("</v2/t?last=a&token=abc>; rel=\"next\""),
    );
    map.insert(
        "www-authenticate",
        HeaderValue::from_static(r#"Bearer realm="https://auth/token",service="r""#),
    );
    // Not UTF-8: the invalid bytes are read lossily, the secret after them still found.
    map.insert(
        "x-odd",
        HeaderValue::from_bytes(b"https://cdn/\xff\xfe?sig=ab\xffcd").unwrap(),
    );
    let shown: Vec<(String, String)> = headers(&map)
        .into_iter()
        .map(|h| (h.name, h.value))
        .collect();
    let want = [
        ("authorization", "Bearer <redacted, 6 chars>".to_string()),
        ("set-cookie", "<redacted, 19 chars>".to_string()),
        ("location", format!("https://cdn/b?X-Amz-Signature={R}&n=1")),
        ("content-location", format!("https://{R}@cdn/b")),
        ("link", format!("</v2/t?last=a&token={R}>; rel=\"next\"")),
        (
            "www-authenticate",
            r#"Bearer realm="https://auth/token",service="r""#.to_string(),
        ),
        ("x-odd", format!("https://cdn/\u{fffd}\u{fffd}?sig={R}")),
    ];
    for (name, value) in want {
        assert!(
            shown.contains(&(name.to_string(), value.clone())),
            "{name}: want {value:?} in {shown:?}"
        );
    }
}

#[test]
fn registry_error_bodies_are_redacted() {
    let body = br#"{"errors":[{"code":"BLOB_UNKNOWN","message":"see https://cdn/b?sig=m1",
        "detail":{"url":"https://cdn/b?X-Amz-Signature=d1","token":"d2","n":[{"password":7}]}}]}"#;
    let errors = registry_errors(lading_shared::api::parse_registry_errors(body));
    let shown = serde_json::to_string(&errors).unwrap();
    for secret in ["m1", "d1", "d2", "7"] {
        assert!(!shown.contains(secret), "{secret} in {shown}");
    }
    assert!(shown.contains("X-Amz-Signature=<redacted>"), "{shown}");
}

#[test]
fn cdn_and_object_store_signing_families() {
    check(&[
        // Tencent Cloud CDN type A (`sign=TIMESTAMP-RAND-UID-MD5`) and D; Qiniu; Volcengine.
        (
            "https://cdn.example/f?sign=1700000000-abc-0-0f1e2d&t=1700000000",
            "https://cdn.example/f?sign=<r>&t=1700000000",
        ),
        // nginx `secure_link`, new style and the old `st=HASH&e=EXPIRES`.
        (
            "https://h/f?md5=_e4Nc3iduzkWRm01TBBNYw&expires=2147483647",
            "https://h/f?md5=<r>&expires=2147483647",
        ),
        (
            "https://h/f?st=XYZhash&e=1700000000",
            "https://h/f?st=<r>&e=1700000000",
        ),
        // Upyun, Alibaba/Huawei CDN type A, Wangsu, Tencent live.
        (
            "https://h/f?_upt=abcd12341700000000",
            "https://h/f?_upt=<r>",
        ),
        (
            "https://h/f?auth_key=1700000000-0-0-80cd3862d699b7118eed99103f2a3a4f",
            "https://h/f?auth_key=<r>",
        ),
        (
            "https://h/f?wsSecret=0f1e&wsTime=1700000000&txSecret=99&txTime=65",
            "https://h/f?wsSecret=<r>&wsTime=1700000000&txSecret=<r>&txTime=65",
        ),
        // Limelight/Edgio MediaVault, KeyCDN, generic `hash`.
        (
            "https://h/f?e=1700000000&h=0f1e2d",
            "https://h/f?e=1700000000&h=<r>",
        ),
        (
            "https://h/f?token=Ab1&expire=1&hash=x",
            "https://h/f?token=<r>&expire=1&hash=<r>",
        ),
        // Fastly and Bunny (query and path forms), Backblaze B2, Tencent COS, TOS, OSS V4.
        (
            "https://x.b-cdn.net/bcdn_token=Q2xvdWQ&expires=1&token_path=%2F/f",
            "https://x.b-cdn.net/bcdn_token=<r>&expires=1&token_path=%2F/f",
        ),
        (
            "https://f000.backblazeb2.example/file/b/k?Authorization=3_20240101_abc",
            "https://f000.backblazeb2.example/file/b/k?Authorization=<r>",
        ),
        (
            "https://b.cos.example/k?q-sign-algorithm=sha1&q-ak=AKIDx&q-key-time=1;2&q-signature=ab",
            "https://b.cos.example/k?q-sign-algorithm=sha1&q-ak=<r>&q-key-time=1;2&q-signature=<r>",
        ),
        (
            "?X-Tos-Credential=AK%2F1&X-Tos-Signature=ab&x-oss-signature=cd&x-oss-credential=ef",
            "?X-Tos-Credential=<r>&X-Tos-Signature=<r>&x-oss-signature=<r>&x-oss-credential=<r>",
        ),
        // Google Cloud CDN / Media CDN.
        (
            "?URLPrefix=aHR0cHM6&Expires=1&KeyName=k&Signature=ab&edge-cache-token=Expires=1~Signature=x",
            "?URLPrefix=aHR0cHM6&Expires=1&KeyName=k&Signature=<r>&edge-cache-token=<r>",
        ),
    ]);
}

mod issue9;

#[test]
fn error_bodies_lose_json_secrets_and_echoed_credentials() {
    let cases = [
        r#"{"token":"0123456789abcdef0123456789abcdef01234567"}"#,
        r#"{"access_token": "ghs_abcdefabcdefabcdefabcdef"}"#,
        r#"{"detail":{"password":"hunter2-correct-horse"}}"#,
        r#"{"identifier":"alice","secret":"S3cretPassw0rd"}"#,
        r#"{"refresh_token":"3f2a9c1e-1111-2222-3333-444455556666"}"#,
        "echo: Authorization: Basic YWxpY2U6aHVudGVyMg== (denied)",
        "Authorization: Bearer some-opaque-token-value-12345\r\nHost: x",
    ];
    let secrets = [
        "0123456789abcdef0123456789abcdef01234567",
        "ghs_abcdefabcdefabcdefabcdef",
        "hunter2-correct-horse",
        "S3cretPassw0rd",
        "3f2a9c1e-1111-2222-3333-444455556666",
        "YWxpY2U6aHVudGVyMg==",
        "some-opaque-token-value-12345",
    ];
    for (body, secret) in cases.iter().zip(secrets) {
        let shown = super::body(body);
        assert!(!shown.contains(secret), "{body} → {shown}");
        assert!(shown.contains(super::REDACTED), "{shown}");
    }
    // What is not a secret stays readable, odd characters included.
    let plain = r#"{"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown"}]}"#;
    assert!(super::body(plain).contains("MANIFEST_UNKNOWN"));
    assert_eq!(
        super::body("basic\u{3000}x bearer "),
        "basic\u{3000}x bearer "
    );
    assert_eq!(super::body("not found"), "not found");
}
