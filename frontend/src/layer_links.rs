//! What the "inside the layers" views look at ([`Subject`]: an image, maybe a platform of
//! an index, and one layer or the merged filesystem) and the downloads they offer. A
//! download is an API path and the shared [`LayerQuery`]: a link without credentials, a
//! posted form with them (see `lading_shared::layer::EXPORT_PATH`).

use lading_shared::api::CREDENTIALS_FIELD;
use lading_shared::layer::{BLOB_PATH, EXPORT_PATH, FILE_PATH, LayerQuery};
use lading_shared::{Digest, Reference};

use crate::links::api_url;
use crate::view_query::{FS_MERGED, ViewQuery};

/// Which filesystem a view looks at.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Source {
    /// One layer, by digest.
    Layer(Digest),
    /// Every layer applied in order.
    Merged,
}

/// An image's filesystem, as the listing and file views (and their API calls) name it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subject {
    pub reference: Reference,
    /// For a reference that names an index: the platform's image manifest.
    pub platform: Option<Digest>,
    pub source: Source,
}

impl Subject {
    /// The same image, another source (a layer's merged view, a merged row's layer).
    pub fn with_source(&self, source: Source) -> Subject {
        Subject {
            source,
            ..self.clone()
        }
    }

    pub fn registry(&self) -> &str {
        &self.reference.registry
    }

    /// "Layer sha256:0123456789ab" or "Merged filesystem".
    pub fn label(&self) -> String {
        match &self.source {
            Source::Layer(digest) => format!("Layer {}", digest.short()),
            Source::Merged => "Merged filesystem".to_owned(),
        }
    }

    /// The API query: the image, its platform, the layer (for a layer) and a path.
    pub fn query(&self, path: Option<&str>) -> LayerQuery {
        LayerQuery {
            reference: self.reference.to_string(),
            digest: match &self.source {
                Source::Layer(digest) => Some(digest.clone()),
                Source::Merged => None,
            },
            platform: self.platform.clone(),
            path: path.map(str::to_owned),
            preview: None,
        }
    }

    /// The view query: the listing (no `path`) or the view of `path`, nothing set up.
    pub fn view_query(&self, path: Option<&str>) -> ViewQuery {
        let (layer, fs) = match &self.source {
            Source::Layer(digest) => (Some(digest.to_string()), None),
            Source::Merged => (None, Some(FS_MERGED.to_owned())),
        };
        ViewQuery {
            image: Some(self.reference.to_string()),
            platform: self.platform.as_ref().map(Digest::to_string),
            layer,
            fs,
            path: path.map(str::to_owned),
            ..ViewQuery::default()
        }
    }
}

/// A download: an API path, its query, and the registry whose credentials it needs.
#[derive(Debug, Clone)]
pub struct Download {
    pub path: &'static str,
    pub query: LayerQuery,
    pub registry: String,
}

impl Download {
    /// A layer blob as stored (compressed).
    pub fn blob(reference: &Reference, platform: Option<&Digest>, digest: &Digest) -> Download {
        let mut query = image_query(reference, platform);
        query.digest = Some(digest.clone());
        Download::of(BLOB_PATH, reference, query)
    }

    /// The image as a tar (OCI layout + `docker load`).
    pub fn export(reference: &Reference, platform: Option<&Digest>) -> Download {
        Download::of(EXPORT_PATH, reference, image_query(reference, platform))
    }

    /// A file's exact bytes, from one layer or the merged filesystem.
    pub fn file(subject: &Subject, path: &str) -> Download {
        Download::of(FILE_PATH, &subject.reference, subject.query(Some(path)))
    }

    fn of(path: &'static str, reference: &Reference, query: LayerQuery) -> Download {
        Download {
            path,
            query,
            registry: reference.registry.clone(),
        }
    }

    /// The plain link: shareable, streamed by the browser.
    pub fn href(&self) -> String {
        api_url(self.path, &self.query)
    }

    /// The hidden fields of the form that downloads with `credentials`: the query's fields
    /// as raw values (the browser encodes the form).
    pub fn form_fields(&self, credentials: &str) -> Vec<(String, String)> {
        let mut fields: Vec<(String, String)> = match serde_json::to_value(&self.query) {
            Ok(serde_json::Value::Object(map)) => map
                .into_iter()
                .map(|(name, value)| match value {
                    serde_json::Value::String(text) => (name, text),
                    other => (name, other.to_string()),
                })
                .collect(),
            _ => Vec::new(),
        };
        fields.push((CREDENTIALS_FIELD.to_owned(), credentials.to_owned()));
        fields
    }
}

fn image_query(reference: &Reference, platform: Option<&Digest>) -> LayerQuery {
    LayerQuery {
        reference: reference.to_string(),
        platform: platform.cloned(),
        ..LayerQuery::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn digest(c: char) -> Digest {
        Digest::parse(&format!("sha256:{}", c.to_string().repeat(64))).expect("digest")
    }

    #[test]
    fn downloads_as_links_and_as_forms() {
        let reference = Reference::parse("localhost:5000/team/api:v1").expect("reference");
        let layer = digest('d');
        let subject = Subject {
            reference: reference.clone(),
            platform: None,
            source: Source::Layer(layer.clone()),
        };
        let image = "ref=localhost%3A5000%2Fteam%2Fapi%3Av1";
        let d = format!("sha256%3A{}", "d".repeat(64));
        let cases = [
            (
                Download::file(&subject.with_source(Source::Merged), "/x y"),
                format!("/api/file?{image}&path=%2Fx+y"),
            ),
            (
                Download::file(&subject, "/x"),
                format!("/api/file?{image}&digest={d}&path=%2Fx"),
            ),
            (
                Download::blob(&reference, None, &layer),
                format!("/api/blob?{image}&digest={d}"),
            ),
            (
                Download::export(&reference, Some(&digest('e'))),
                format!("/api/export?{image}&platform=sha256%3A{}", "e".repeat(64)),
            ),
        ];
        for (download, href) in cases {
            assert_eq!(download.href(), href);
            assert_eq!(download.registry, "localhost:5000");
        }
        let mut form = Download::blob(&reference, None, &layer).form_fields("dTpw");
        form.sort();
        let want = [
            ("credentials", "dTpw".to_owned()),
            ("digest", layer.to_string()),
            ("ref", reference.to_string()),
        ];
        let want: Vec<(String, String)> = want.into_iter().map(|(n, v)| (n.into(), v)).collect();
        assert_eq!(form, want, "form values are raw: the browser encodes them");
    }
}
