//! URLs of the "inside the layers" views and API calls. Views live in the query string
//! (`/?image=REF&layer=DIGEST[&path=/p]`, `/?image=REF&fs=merged[&path=/p]`), so every one
//! is a link that opens fresh; API URLs follow `lading_shared::layer`'s contract.

use lading_shared::layer::{BLOB_PATH, EXPORT_PATH, FILE_PATH, LAYER_PATH, MERGED_PATH};

use crate::format::encode_query_value;

/// Query parameters of the views (fixed: shared links depend on them).
pub const LAYER_PARAM: &str = "layer";
pub const FS_PARAM: &str = "fs";
pub const FS_MERGED: &str = "merged";
pub const PATH_PARAM: &str = "path";

/// Which filesystem a view looks at.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Source {
    /// One layer, by digest.
    Layer(String),
    /// Every layer applied in order.
    Merged,
}

/// `sha256:0123456789ab`: enough to tell layers apart in a title or breadcrumb.
pub fn short_digest(digest: &str) -> String {
    digest.chars().take(19).collect()
}

/// The listing view of `source` in image `image`.
pub fn listing_href(image: &str, source: &Source) -> String {
    let image = encode_query_value(image);
    match source {
        Source::Layer(digest) => format!(
            "/?image={image}&{LAYER_PARAM}={}",
            encode_query_value(digest)
        ),
        Source::Merged => format!("/?image={image}&{FS_PARAM}={FS_MERGED}"),
    }
}

/// The file view of `path`.
pub fn file_href(image: &str, source: &Source, path: &str) -> String {
    format!(
        "{}&{PATH_PARAM}={}",
        listing_href(image, source),
        encode_query_value(path)
    )
}

/// The NDJSON listing stream of `source`.
pub fn listing_api_url(image: &str, source: &Source) -> String {
    let image = encode_query_value(image);
    match source {
        Source::Layer(digest) => format!(
            "{LAYER_PATH}?ref={image}&digest={}",
            encode_query_value(digest)
        ),
        Source::Merged => format!("{MERGED_PATH}?ref={image}"),
    }
}

/// A file's bytes: a JSON preview of at most `preview` bytes, or the exact bytes.
pub fn file_api_url(image: &str, source: &Source, path: &str, preview: Option<u64>) -> String {
    let mut url = format!(
        "{FILE_PATH}?ref={}&path={}",
        encode_query_value(image),
        encode_query_value(path)
    );
    if let Source::Layer(digest) = source {
        url.push_str(&format!("&digest={}", encode_query_value(digest)));
    }
    if let Some(bytes) = preview {
        url.push_str(&format!("&preview={bytes}"));
    }
    url
}

/// A layer blob as stored (compressed), for download.
pub fn blob_api_url(image: &str, digest: &str) -> String {
    format!(
        "{BLOB_PATH}?ref={}&digest={}",
        encode_query_value(image),
        encode_query_value(digest)
    )
}

/// The image as a tar (OCI layout + `docker load`).
pub fn export_api_url(image: &str) -> String {
    format!("{EXPORT_PATH}?ref={}", encode_query_value(image))
}

#[cfg(test)]
mod tests {
    use super::*;

    const IMAGE: &str = "localhost:5000/team/api@sha256:abc";

    #[test]
    fn view_urls() {
        let layer = Source::Layer("sha256:def".to_owned());
        assert_eq!(
            listing_href(IMAGE, &layer),
            "/?image=localhost:5000/team/api@sha256:abc&layer=sha256:def"
        );
        assert_eq!(
            listing_href(IMAGE, &Source::Merged),
            "/?image=localhost:5000/team/api@sha256:abc&fs=merged"
        );
        assert_eq!(
            file_href(IMAGE, &Source::Merged, "/etc/a b+c"),
            "/?image=localhost:5000/team/api@sha256:abc&fs=merged&path=/etc/a%20b%2Bc"
        );
    }

    #[test]
    fn api_urls() {
        let layer = Source::Layer("sha256:def".to_owned());
        assert_eq!(
            listing_api_url(IMAGE, &layer),
            "/api/layer?ref=localhost:5000/team/api@sha256:abc&digest=sha256:def"
        );
        assert_eq!(
            listing_api_url(IMAGE, &Source::Merged),
            "/api/merged?ref=localhost:5000/team/api@sha256:abc"
        );
        assert_eq!(
            file_api_url(IMAGE, &layer, "/etc/hostname", Some(65536)),
            "/api/file?ref=localhost:5000/team/api@sha256:abc&path=/etc/hostname&digest=sha256:def&preview=65536"
        );
        assert_eq!(
            file_api_url(IMAGE, &Source::Merged, "/x", None),
            "/api/file?ref=localhost:5000/team/api@sha256:abc&path=/x"
        );
        assert_eq!(
            blob_api_url(IMAGE, "sha256:def"),
            "/api/blob?ref=localhost:5000/team/api@sha256:abc&digest=sha256:def"
        );
        assert_eq!(
            export_api_url(IMAGE),
            "/api/export?ref=localhost:5000/team/api@sha256:abc"
        );
    }
}
