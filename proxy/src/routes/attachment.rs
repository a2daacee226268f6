//! What a download is called on disk: `Content-Disposition: attachment` with a name a person
//! recognises (the file's own name, `alpine-0123456789ab.tar.gz` for a layer, `alpine_3.19.tar`
//! for an export), shared by every download route.

use axum::http::HeaderValue;
use lading_shared::{Descriptor, Digest, Reference};

use crate::error::ProxyError;

/// Hex digits of a digest in a file name, as `docker images` shows an image ID.
pub const SHORT_DIGEST: usize = 12;

/// The header for a download saved as `name`.
pub fn header(name: &str) -> Result<HeaderValue, ProxyError> {
    // Only ASCII goes in (the exact name is percent-encoded): a failure is this server's.
    HeaderValue::try_from(content_disposition(name))
        .map_err(|e| ProxyError::Internal(format!("the download's name {name:?}: {e}")))
}

/// A layer or config blob of `repository`: `app-0123456789ab.tar.gz` by its declared
/// compression, `.json` for a config, the bare name for anything else.
pub fn blob_name(repository: &str, descriptor: &Descriptor) -> String {
    let stem = format!(
        "{}-{}",
        last_component(repository),
        short(&descriptor.digest)
    );
    let media_type = &descriptor.media_type;
    match media_type.compression() {
        Some(compression) => format!("{stem}.{}", compression.tar_extension()),
        None if media_type.is_image_config() || media_type.as_str().ends_with("json") => {
            format!("{stem}.json")
        }
        None => stem,
    }
}

/// An exported image: `app_v1.tar`, or `app_0123456789ab.tar` without a tag.
/// `platform`: the image was chosen from the index the reference names, so the tag alone
/// would give every platform's export the same name.
pub fn export_name(reference: &Reference, image: &Digest, platform: bool) -> String {
    let repository = last_component(&reference.repository);
    match &reference.tag {
        Some(tag) if platform => format!("{repository}_{tag}_{}.tar", short(image)),
        Some(tag) => format!("{repository}_{tag}.tar"),
        None => format!("{repository}_{}.tar", short(image)),
    }
}

fn last_component(repository: &str) -> &str {
    repository.rsplit('/').next().unwrap_or(repository)
}

fn short(digest: &Digest) -> &str {
    let hex = digest.hex();
    &hex[..hex.len().min(SHORT_DIGEST)]
}

/// `attachment` with an ASCII fallback name (quotes, backslashes and controls replaced) and
/// the exact UTF-8 name percent-encoded (RFC 6266 / RFC 8187).
pub fn content_disposition(name: &str) -> String {
    let name = if name.is_empty() || name == "/" {
        "file"
    } else {
        name
    };
    let fallback: String = name
        .chars()
        .map(|c| match c {
            ' ' => ' ',
            '"' | '\\' => '_',
            c if c.is_ascii_graphic() => c,
            _ => '_',
        })
        .collect();
    // RFC 8187's attr-char: what is left unencoded.
    const ENCODED: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
        .remove(b'-')
        .remove(b'.')
        .remove(b'_')
        .remove(b'~');
    let encoded = percent_encoding::utf8_percent_encode(name, ENCODED);
    format!("attachment; filename=\"{fallback}\"; filename*=UTF-8''{encoded}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn download_names_are_quoted_safely() {
        let cases = [
            (
                "busybox",
                r#"attachment; filename="busybox"; filename*=UTF-8''busybox"#,
            ),
            (
                "a \"b\"\\c.txt",
                r#"attachment; filename="a _b__c.txt"; filename*=UTF-8''a%20%22b%22%5Cc.txt"#,
            ),
            (
                "ünï\r\n",
                r#"attachment; filename="_n___"; filename*=UTF-8''%C3%BCn%C3%AF%0D%0A"#,
            ),
            ("", r#"attachment; filename="file"; filename*=UTF-8''file"#),
        ];
        for (name, want) in cases {
            assert_eq!(content_disposition(name), want, "{name:?}");
        }
    }

    #[test]
    fn blobs_and_exports_are_named_after_the_repository() {
        let digest = Digest::sha256(b"layer");
        let short = &digest.hex()[..12];
        let blob = |media_type: &str| {
            let descriptor: Descriptor = serde_json::from_value(serde_json::json!({
                "mediaType": media_type, "digest": digest.to_string(), "size": 5,
            }))
            .unwrap();
            blob_name("team/app", &descriptor)
        };
        let cases = [
            ("application/vnd.oci.image.layer.v1.tar+gzip", "tar.gz"),
            ("application/vnd.oci.image.layer.v1.tar+zstd", "tar.zst"),
            ("application/vnd.oci.image.layer.v1.tar", "tar"),
            ("application/vnd.oci.image.config.v1+json", "json"),
        ];
        for (media_type, extension) in cases {
            assert_eq!(blob(media_type), format!("app-{short}.{extension}"));
        }
        assert_eq!(blob("application/octet-stream"), format!("app-{short}"));

        let tagged = Reference::parse("r.example/team/app:v1").unwrap();
        assert_eq!(export_name(&tagged, &digest, false), "app_v1.tar");
        let short = &digest.hex()[..12];
        assert_eq!(
            export_name(&tagged, &digest, true),
            format!("app_v1_{short}.tar")
        );
        let pinned = Reference::parse(&format!("r.example/team/app@{digest}")).unwrap();
        assert_eq!(
            export_name(&pinned, &digest, false),
            format!("app_{short}.tar")
        );
    }
}
