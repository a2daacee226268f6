//! URLs of the "inside the layers" views and API calls. Views live in the query string
//! (`/?image=REF&layer=DIGEST[&path=/p]`, `/?image=REF&fs=merged[&path=/p]`), so every one
//! is a link that opens fresh; API URLs follow `lading_shared::layer`'s contract.

use lading_shared::api::CREDENTIALS_FIELD;
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

/// `GET` of a file's JSON preview, at most `bytes` bytes (its download is [`Download::file`]).
pub fn file_api_url(image: &str, source: &Source, path: &str, bytes: u64) -> String {
    format!(
        "{}&preview={bytes}",
        Download::file(image, source, path).href()
    )
}

/// A download: an API path and its fields. As a link (no credentials) the fields are the
/// query; for a private image the same fields are posted as a form with the credentials,
/// since a link cannot carry the credentials header (see `lading_shared::layer::EXPORT_PATH`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Download {
    pub path: &'static str,
    /// `ref` first: [`Download::image`] reads it.
    pub fields: Vec<(&'static str, String)>,
}

impl Download {
    /// A layer blob as stored (compressed).
    pub fn blob(image: &str, digest: &str) -> Download {
        Download::of(BLOB_PATH, image, vec![("digest", digest.to_owned())])
    }

    /// The image as a tar (OCI layout + `docker load`).
    pub fn export(image: &str) -> Download {
        Download::of(EXPORT_PATH, image, Vec::new())
    }

    /// A file's exact bytes, from one layer or the merged filesystem.
    pub fn file(image: &str, source: &Source, path: &str) -> Download {
        let mut fields = vec![("path", path.to_owned())];
        if let Source::Layer(digest) = source {
            fields.push(("digest", digest.clone()));
        }
        Download::of(FILE_PATH, image, fields)
    }

    fn of(path: &'static str, image: &str, rest: Vec<(&'static str, String)>) -> Download {
        let mut fields = vec![("ref", image.to_owned())];
        fields.extend(rest);
        Download { path, fields }
    }

    /// The image the download belongs to (its registry decides the credentials).
    pub fn image(&self) -> &str {
        &self.fields[0].1
    }

    /// The plain link: shareable, streamed by the browser.
    pub fn href(&self) -> String {
        let query: Vec<String> = self
            .fields
            .iter()
            .map(|(name, value)| format!("{name}={}", encode_query_value(value)))
            .collect();
        format!("{}?{}", self.path, query.join("&"))
    }

    /// The hidden fields of the form that downloads with `credentials`.
    pub fn form_fields(&self, credentials: &str) -> Vec<(&'static str, String)> {
        let mut fields = self.fields.clone();
        fields.push((CREDENTIALS_FIELD, credentials.to_owned()));
        fields
    }
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
            file_api_url(IMAGE, &layer, "/etc/hostname", 65536),
            "/api/file?ref=localhost:5000/team/api@sha256:abc&path=/etc/hostname&digest=sha256:def&preview=65536"
        );
    }

    #[test]
    fn downloads_as_links_and_as_forms() {
        let layer = Source::Layer("sha256:def".to_owned());
        let cases = [
            (
                Download::file(IMAGE, &Source::Merged, "/x y"),
                "/api/file?ref=localhost:5000/team/api@sha256:abc&path=/x%20y",
            ),
            (
                Download::file(IMAGE, &layer, "/x"),
                "/api/file?ref=localhost:5000/team/api@sha256:abc&path=/x&digest=sha256:def",
            ),
            (
                Download::blob(IMAGE, "sha256:def"),
                "/api/blob?ref=localhost:5000/team/api@sha256:abc&digest=sha256:def",
            ),
            (
                Download::export(IMAGE),
                "/api/export?ref=localhost:5000/team/api@sha256:abc",
            ),
        ];
        for (download, href) in cases {
            assert_eq!(download.href(), href);
            assert_eq!(download.image(), IMAGE);
        }
        let form = Download::blob(IMAGE, "sha256:def").form_fields("dTpw");
        let want = [
            ("ref", IMAGE),
            ("digest", "sha256:def"),
            ("credentials", "dTpw"),
        ];
        let want: Vec<(&str, String)> = want.iter().map(|(n, v)| (*n, v.to_string())).collect();
        assert_eq!(form, want, "form values are raw: the browser encodes them");
    }
}
