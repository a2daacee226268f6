//! Issue 9's list, each format as the service really sends it, in every place a signed URL
//! travels: the trace's URL, a `Location` header, an error message and a log line.

use super::super::*;
use reqwest::header::HeaderValue;

/// `(format, signed URL, secret values)`: every secret must vanish, its name must stay.
const FORMATS: &[(&str, &str, &[&str])] = &[
    (
        "Docker Hub (Cloudflare)",
        "https://production.cloudflare.docker.com/registry-v2/docker/registry/v2/blobs/sha256/ab/abcd/data?verify=1700000000-Vm0wd2QyUXlVWGxWV0d4%2BV1YwZDRW%3D%3D",
        &["1700000000-Vm0w", "V1YwZDRW"],
    ),
    (
        "S3 / R2 presigned",
        "https://docker-images-prod.6aa30f8b08e16409b46e0173d6de2f56.r2.cloudflarestorage.com/registry-v2/data?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Content-Sha256=UNSIGNED-PAYLOAD&X-Amz-Credential=f1baa2dd9b876aeb89efebbfc9e5d5f4%2F20250301%2Fauto%2Fs3%2Faws4_request&X-Amz-Date=20250301T000000Z&X-Amz-Expires=1200&X-Amz-Security-Token=IQoJb3JpZ2luX2VjEJr&X-Amz-SignedHeaders=host&X-Amz-Signature=9d1b5fa4e8d2",
        &["f1baa2dd9b876aeb", "IQoJb3JpZ2luX2VjEJr", "9d1b5fa4e8d2"],
    ),
    (
        "CloudFront (quay.io)",
        "https://cdn01.quay.io/quayio-production-s3/sha256/ab/abcd?Expires=1700000000&Signature=Kq~0d-Zx_Yw&Key-Pair-Id=APKAJ67PQLWGCSP66DGA&Policy=eyJTdGF0ZW1lbnQiOlt7",
        &[
            "Kq~0d-Zx_Yw",
            "APKAJ67PQLWGCSP66DGA",
            "eyJTdGF0ZW1lbnQiOlt7",
        ],
    ),
    (
        "Azure SAS (ACR)",
        "https://weumanaged12.blob.core.windows.net/abcd-0/docker/registry/v2/blobs/sha256/ab/abcd/data?se=2025-03-01T00%3A20%3A00Z&sig=tG5bPz%2BcQ9%3D&sp=r&spr=https&sr=b&sv=2018-03-28&regid=abcd",
        &["2025-03-01T00", "tG5bPz", "2018-03-28"],
    ),
    (
        "GCS V4 (gcr.io, pkg.dev)",
        "https://storage.googleapis.com/artifacts.p.appspot.com/containers/images/sha256:abcd?X-Goog-Algorithm=GOOG4-RSA-SHA256&X-Goog-Credential=gcr-sa%40p.iam.gserviceaccount.com%2F20250301%2Fauto%2Fstorage%2Fgoog4_request&X-Goog-Date=20250301T000000Z&X-Goog-Expires=600&X-Goog-SignedHeaders=host&X-Goog-Signature=1c5a7e0b3f",
        &["gcr-sa", "1c5a7e0b3f"],
    ),
];

#[test]
fn every_format_loses_its_secrets_in_every_place() {
    for (format, signed, secrets) in FORMATS {
        let url = Url::parse(signed).unwrap();
        let mut map = HeaderMap::new();
        map.insert("location", HeaderValue::from_str(signed).unwrap());
        let location = headers(&map).remove(0).value;
        let places = [
            ("trace URL", super::super::url(&url)),
            ("Location header", location),
            (
                "error message",
                text(&format!(
                    "error sending request for url ({signed}): connection refused"
                )),
            ),
            ("log line", text(&format!("WARN blob aborted: {signed}\n"))),
        ];
        for (place, shown) in places {
            for secret in *secrets {
                assert!(!shown.contains(secret), "{format}, {place}: {shown}");
            }
            assert!(shown.contains(REDACTED), "{format}, {place}: {shown}");
        }
    }
}

#[test]
fn names_stay_so_a_reader_learns_what_a_signed_url_is() {
    let shown: String = FORMATS
        .iter()
        .map(|(_, signed, _)| text(signed))
        .collect::<Vec<_>>()
        .join("\n");
    for name in [
        "verify=<redacted>",
        "X-Amz-Signature=<redacted>",
        "X-Amz-Credential=<redacted>",
        "X-Amz-Security-Token=<redacted>",
        "Signature=<redacted>",
        "Key-Pair-Id=<redacted>",
        "Policy=<redacted>",
        "sig=<redacted>",
        "se=<redacted>",
        "sv=<redacted>",
        "X-Goog-Signature=<redacted>",
        "X-Goog-Credential=<redacted>",
        // Not secret: the algorithm, the date and the rights stay readable.
        "X-Amz-Algorithm=AWS4-HMAC-SHA256",
        "sp=r",
        "X-Goog-Date=20250301T000000Z",
    ] {
        assert!(shown.contains(name), "{name} in {shown}");
    }
}
