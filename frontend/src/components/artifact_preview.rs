//! The content of an artifact's small layer, inline: an in-toto statement, an SBOM, a
//! signature payload, a Helm provenance file. Only text and JSON media types, only blobs of
//! at most [`MAX_PREVIEW_BYTES`] (by the descriptor and by `Content-Length`), always as text
//! (JSON re-indented by `pretty_json`, never parsed into markup).

use lading_shared::Descriptor;
use lading_shared::layer::LayerQuery;
use leptos::prelude::*;

use crate::api::fetch_small_blob;
use crate::components::raw_json::render_lines;
use crate::credentials::Credentials;
use crate::format::human_size;
use crate::pretty_json::pretty_lines;

/// Blobs up to this size are fetched and shown; larger ones only offer their download.
pub const MAX_PREVIEW_BYTES: u64 = 256 * 1024;

/// How a media type's bytes can be shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PreviewKind {
    Json,
    Text,
}

/// JSON (`…json`, `…+json`: in-toto, DSSE, SPDX, CycloneDX, cosign, JWS) or text
/// (`text/…`, YAML, Helm `.prov`); `None` for archives and other binaries.
pub fn preview_kind(media_type: &str) -> Option<PreviewKind> {
    let media_type = media_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    if media_type.ends_with("json") {
        return Some(PreviewKind::Json);
    }
    let text = media_type.starts_with("text/")
        || media_type.ends_with("+yaml")
        || media_type.ends_with(".yaml")
        || media_type.ends_with(".prov")
        || media_type == "application/x-pem-file";
    text.then_some(PreviewKind::Text)
}

/// Why a layer is not shown inline, or `None` when it can be.
pub fn not_previewed(layer: &Descriptor) -> Option<String> {
    preview_kind(layer.media_type.as_str())?;
    (layer.size > MAX_PREVIEW_BYTES).then(|| {
        format!(
            "{} is more than the {} shown inline; download it instead.",
            human_size(layer.size),
            human_size(MAX_PREVIEW_BYTES)
        )
    })
}

#[component]
pub fn ArtifactPreview(
    /// The manifest's reference, pinned to its digest.
    image: String,
    registry: String,
    layer: Descriptor,
) -> impl IntoView {
    let kind = preview_kind(layer.media_type.as_str());
    let too_big = not_previewed(&layer);
    let title = layer
        .annotations
        .as_ref()
        .and_then(|a| {
            a.get("org.opencontainers.image.title")
                .or_else(|| a.get("in-toto.io/predicate-type"))
                .or_else(|| a.get("predicateType"))
        })
        .cloned();
    let body = match (kind, too_big) {
        (None, _) => None,
        (Some(_), Some(reason)) => Some(view! { <p class="muted small">{reason}</p> }.into_any()),
        (Some(kind), None) => {
            let query = LayerQuery {
                reference: image,
                digest: Some(layer.digest.clone()),
                ..LayerQuery::default()
            };
            Some(view! { <FetchedText query registry kind /> }.into_any())
        }
    };
    body.map(|body| {
        view! {
            <figure class="artifact-preview" data-testid="artifact-preview">
                <figcaption class="small">
                    <code>{layer.media_type.to_string()}</code>
                    {title.map(|t| view! { " · " <span class="value">{t}</span> })}
                    " · " {human_size(layer.size)}
                </figcaption>
                {body}
            </figure>
        }
    })
}

#[component]
fn FetchedText(query: LayerQuery, registry: String, kind: PreviewKind) -> impl IntoView {
    let credentials = Credentials::get();
    let text = LocalResource::new(move || {
        let query = query.clone();
        let header = credentials.header_for(&registry);
        async move { fetch_text(&query, header).await }
    });
    move || {
        text.get().map(|result| match result {
            Ok(text) => match (kind, pretty_lines(&text)) {
                (PreviewKind::Json, Some(lines)) => {
                    view! { <pre class="json">{render_lines(lines, &[])}</pre> }.into_any()
                }
                _ => view! { <pre class="json exact">{text}</pre> }.into_any(),
            },
            Err(reason) => view! { <p class="muted small">{reason}</p> }.into_any(),
        })
    }
}

/// The blob as text, or why it is not shown.
async fn fetch_text(query: &LayerQuery, credentials: Option<String>) -> Result<String, String> {
    let bytes = fetch_small_blob(query, MAX_PREVIEW_BYTES, credentials)
        .await
        .map_err(|e| e.message)?;
    String::from_utf8(bytes).map_err(|_| "The content is not text; download it instead.".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_is_shown_inline() {
        let cases = [
            ("application/vnd.in-toto+json", Some(PreviewKind::Json)),
            (
                "application/vnd.dsse.envelope.v1+json",
                Some(PreviewKind::Json),
            ),
            ("application/spdx+json", Some(PreviewKind::Json)),
            (
                "application/vnd.dev.cosign.simplesigning.v1+json",
                Some(PreviewKind::Json),
            ),
            ("application/jose+json", Some(PreviewKind::Json)),
            ("application/json; charset=utf-8", Some(PreviewKind::Json)),
            ("text/plain", Some(PreviewKind::Text)),
            (
                "application/vnd.cncf.helm.chart.provenance.v1.prov",
                Some(PreviewKind::Text),
            ),
            ("application/vnd.cncf.helm.chart.content.v1.tar+gzip", None),
            ("application/vnd.oci.image.layer.v1.tar+gzip", None),
            ("application/wasm", None),
            ("application/cose", None),
            ("", None),
        ];
        for (media_type, want) in cases {
            assert_eq!(preview_kind(media_type), want, "{media_type:?}");
        }
    }
}
