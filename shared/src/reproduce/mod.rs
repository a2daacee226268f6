//! A view turned into things a person can take away and run: a POSIX `sh` script (curl +
//! jq), a Python 3 script (standard library only), the one-liners of the common registry
//! tools, a sequence diagram (Mermaid) and the trace as HAR 1.2 and a Postman collection.
//!
//! Everything here is generated from two inputs, written once for the page and the tests:
//! the view's parameters ([`Subject`]) and the typed trace the proxy recorded, read into a
//! [`Flow`] (how the registry authenticates, which scope and `Accept` list were used, where
//! blobs were redirected). The scripts do not replay the trace byte for byte — a token or a
//! signed CDN URL in it would be stale, and it is redacted — they perform the same protocol
//! steps in the same order, reading the challenge and following redirects at run time, so
//! they also work for a registry the trace came from today and the reader runs tomorrow.

use serde::{Deserialize, Serialize};

use crate::digest::Digest;
use crate::reference::{Reference, Repository};

pub mod diagram;
mod endpoint;
mod flow;
pub mod har;
pub mod mermaid;
pub mod postman;
pub mod python;
mod query;
pub(crate) use query::percent_decode_with;
pub mod sh;
#[cfg(test)]
mod test_support;
pub mod tools;

pub use endpoint::{Endpoint, SPEC_URL};
pub use flow::{Auth, Flow, Lane, registry_base_url};

/// The environment variables every generated artefact reads credentials from (named in each
/// script's header; never inlined).
pub const USER_VAR: &str = "REGISTRY_USER";
pub const PASSWORD_VAR: &str = "REGISTRY_PASSWORD";

/// An image a view is about: a reference, and for an index the platform chosen from it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImageTarget {
    pub reference: Reference,
    /// For a reference naming an index: the child (platform image) the view used.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub platform: Option<Digest>,
}

/// What a view shows, as the parameters a script needs to show the same.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "view", rename_all = "snake_case")]
pub enum Subject {
    /// `/?image=`: a manifest (an image, an index, or with `platform` one platform of an
    /// index). Prints the digest and media type; for an index its platforms (digest,
    /// os/architecture/variant); for an image its config digest and layers (digest, size).
    Manifest(ImageTarget),
    /// `/?repo=`: every tag, all pages followed. Prints one tag per line.
    Tags { repository: Repository },
    /// `/?registry=`: a registry's catalog (`/v2/_catalog`, all pages), or for Docker Hub
    /// the repositories of `namespace` through Hub's web API. Prints one name per line.
    Catalog {
        registry: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        namespace: Option<String>,
    },
    /// A layer's file listing: the blob fetched, its digest checked, its tar listed. Prints
    /// one path per line (as the tar names it, without a leading `./` or `/`).
    Layer { image: ImageTarget, layer: Digest },
    /// One file of an image: the layer holding it fetched and checked, the file extracted.
    /// `path` is the path inside the layer (after symlinks were followed: the page's
    /// resolved path). Writes the file's bytes to standard output.
    File {
        image: ImageTarget,
        layer: Digest,
        path: String,
    },
    /// A blob download: fetched (through any redirect), digest checked, saved as
    /// `sha256-HEX` in the current directory. Prints the digest and size.
    Blob { image: ImageTarget, digest: Digest },
    /// An image export: manifest, config and layers into an OCI image layout, tarred.
    /// Prints the manifest digest and the archive name.
    Export { image: ImageTarget },
}

impl Subject {
    /// The registry the view speaks to (`docker.io`, `localhost:5000`).
    pub fn registry(&self) -> &str {
        match self {
            Subject::Manifest(image)
            | Subject::Layer { image, .. }
            | Subject::File { image, .. }
            | Subject::Blob { image, .. }
            | Subject::Export { image } => &image.reference.registry,
            Subject::Tags { repository } => &repository.registry,
            Subject::Catalog { registry, .. } => registry,
        }
    }

    /// The image, for the views about one.
    pub fn image(&self) -> Option<&ImageTarget> {
        match self {
            Subject::Manifest(image)
            | Subject::Layer { image, .. }
            | Subject::File { image, .. }
            | Subject::Blob { image, .. }
            | Subject::Export { image } => Some(image),
            Subject::Tags { .. } | Subject::Catalog { .. } => None,
        }
    }

    /// The Lading API call the page made for this view (`GET /api/image?ref=alpine:3.9`):
    /// the browser's arrow in the diagram.
    pub fn api_call(&self) -> String {
        let image_query = |image: &ImageTarget| {
            let mut q = format!("ref={}", image.reference);
            if let Some(platform) = &image.platform {
                q.push_str(&format!("&platform={platform}"));
            }
            q
        };
        match self {
            Subject::Manifest(image) => format!("GET /api/image?{}", image_query(image)),
            Subject::Tags { repository } => format!("GET /api/tags?repo={repository}"),
            Subject::Catalog {
                registry,
                namespace,
            } => match namespace {
                Some(ns) => format!("GET /api/catalog?registry={registry}&namespace={ns}"),
                None => format!("GET /api/catalog?registry={registry}"),
            },
            Subject::Layer { image, layer } => {
                format!("GET /api/layer?{}&digest={layer}", image_query(image))
            }
            Subject::File { image, layer, path } => {
                format!(
                    "GET /api/file?{}&digest={layer}&path={path}",
                    image_query(image)
                )
            }
            Subject::Blob { image, digest } => {
                format!("GET /api/blob?{}&digest={digest}", image_query(image))
            }
            Subject::Export { image } => format!("GET /api/export?{}", image_query(image)),
        }
    }

    /// A short description for headers and file names ("tags of docker.io/library/alpine").
    pub fn describe(&self) -> String {
        match self {
            Subject::Manifest(image) => match &image.platform {
                Some(platform) => format!("{} (platform {platform})", image.reference),
                None => format!("the manifest of {}", image.reference),
            },
            Subject::Tags { repository } => {
                format!(
                    "the tags of {}/{}",
                    repository.registry, repository.repository
                )
            }
            Subject::Catalog {
                registry,
                namespace: Some(ns),
            } => format!("the repositories of {registry}/{ns}"),
            Subject::Catalog { registry, .. } => format!("the catalog of {registry}"),
            Subject::Layer { image, layer } => format!("layer {layer} of {}", image.reference),
            Subject::File { image, path, .. } => format!("{path} in {}", image.reference),
            Subject::Blob { image, digest } => format!("blob {digest} of {}", image.reference),
            Subject::Export { image } => format!("an export of {}", image.reference),
        }
    }
}

/// The kinds of reproduction a page offers, as `<pre data-reproduce="KIND">` names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Sh,
    Python,
    Crane,
    Regctl,
    Skopeo,
    Oras,
    Docker,
}

impl Kind {
    pub const ALL: [Kind; 7] = [
        Kind::Sh,
        Kind::Python,
        Kind::Crane,
        Kind::Regctl,
        Kind::Skopeo,
        Kind::Oras,
        Kind::Docker,
    ];

    /// The `data-reproduce` value.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Sh => "sh",
            Kind::Python => "python",
            Kind::Crane => "crane",
            Kind::Regctl => "regctl",
            Kind::Skopeo => "skopeo",
            Kind::Oras => "oras",
            Kind::Docker => "docker",
        }
    }

    /// A label for people.
    pub fn label(self) -> &'static str {
        match self {
            Kind::Sh => "sh (curl + jq)",
            Kind::Python => "Python 3",
            Kind::Crane => "crane",
            Kind::Regctl => "regctl",
            Kind::Skopeo => "skopeo",
            Kind::Oras => "oras",
            Kind::Docker => "docker",
        }
    }

    /// The file name a download of this text gets (`lading-tags.sh`).
    pub fn file_name(self, stem: &str) -> String {
        match self {
            Kind::Sh => format!("{stem}.sh"),
            Kind::Python => format!("{stem}.py"),
            other => format!("{stem}-{}.sh", other.as_str()),
        }
    }
}

/// One way to reproduce a view: the text to run, or why this tool has none.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reproduction {
    pub kind: Kind,
    /// `Ok(text)`: exactly what the page shows and the copy button copies. `Err(why)`: the
    /// tool has no equivalent for this view, said so.
    pub text: Result<String, String>,
}

/// Every reproduction of a view, in [`Kind::ALL`] order.
pub fn reproductions(flow: &Flow) -> Vec<Reproduction> {
    let mut all = vec![
        Reproduction {
            kind: Kind::Sh,
            text: Ok(sh::script(flow)),
        },
        Reproduction {
            kind: Kind::Python,
            text: Ok(python::script(flow)),
        },
    ];
    all.extend(tools::commands(flow));
    all
}

/// A file-name stem for downloads of this view's artefacts, distinct per subject
/// (`lading-alpine-3.9`, `lading-alpine-3.9-layer-0123456789ab`, `lading-alpine-tags`).
pub fn file_stem(subject: &Subject) -> String {
    let short = |digest: &Digest| digest.hex().chars().take(12).collect::<String>();
    let name = match subject {
        Subject::Manifest(image) => match &image.platform {
            Some(platform) => format!(
                "{}-platform-{}",
                image.reference.familiar(),
                short(platform)
            ),
            None => image.reference.familiar(),
        },
        Subject::Layer { image, layer } => {
            format!("{}-layer-{}", image.reference.familiar(), short(layer))
        }
        Subject::File { image, path, .. } => {
            let base = path.rsplit('/').find(|p| !p.is_empty()).unwrap_or("file");
            format!("{}-file-{base}", image.reference.familiar())
        }
        Subject::Blob { image, digest } => {
            format!("{}-blob-{}", image.reference.familiar(), short(digest))
        }
        Subject::Export { image } => format!("{}-export", image.reference.familiar()),
        Subject::Tags { repository } => format!("{}-tags", repository.familiar()),
        Subject::Catalog {
            registry,
            namespace: Some(ns),
        } => format!("{registry}-{ns}-catalog"),
        Subject::Catalog { registry, .. } => format!("{registry}-catalog"),
    };
    // Only characters every file system and shell takes as they are (a registry's names
    // may hold anything; this lands in a file name and a run line).
    let clean: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' {
                c
            } else {
                '-'
            }
        })
        .collect();
    let clean = clean.trim_matches(|c| c == '-' || c == '.');
    let clean: String = clean.chars().take(100).collect();
    format!("lading-{clean}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_stems_differ_per_subject_and_are_plain() {
        let reference = Reference::parse("ghcr.io/org/app:v1").unwrap();
        let image = ImageTarget {
            reference: reference.clone(),
            platform: None,
        };
        let layer = Digest::parse(&format!("sha256:{}", "ab".repeat(32))).unwrap();
        let subjects = [
            Subject::Manifest(image.clone()),
            Subject::Layer {
                image: image.clone(),
                layer: layer.clone(),
            },
            Subject::Blob {
                image: image.clone(),
                digest: layer.clone(),
            },
            Subject::File {
                image: image.clone(),
                layer: layer.clone(),
                path: "/etc/os-release".into(),
            },
            Subject::Export {
                image: image.clone(),
            },
            Subject::Tags {
                repository: reference.repository(),
            },
            Subject::Catalog {
                registry: "ghcr.io".into(),
                namespace: None,
            },
        ];
        let stems: Vec<String> = subjects.iter().map(file_stem).collect();
        let unique: std::collections::HashSet<_> = stems.iter().collect();
        assert_eq!(unique.len(), stems.len(), "{stems:?}");
        assert_eq!(stems[0], "lading-ghcr.io-org-app-v1");
        assert_eq!(stems[1], "lading-ghcr.io-org-app-v1-layer-abababababab");
        assert_eq!(stems[3], "lading-ghcr.io-org-app-v1-file-os-release");
        let hostile = Subject::File {
            image,
            layer,
            path: "/x/'$(rm -rf ~)'; ..\n".into(),
        };
        let stem = file_stem(&hostile);
        assert!(
            stem.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.'),
            "{stem}"
        );
    }
}
