//! Media types: the known ones as variants with predicates, anything else kept verbatim.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// How a layer's tar is compressed: declared by its media type ([`MediaType::compression`])
/// or sniffed from its first bytes ([`Compression::sniff`]; media types lie). The one enum
/// for both: where a format may be unknown, it is an `Option`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Compression {
    /// An uncompressed tar.
    None,
    Gzip,
    Zstd,
}

impl Compression {
    /// Sniffs the first bytes of a blob (at least 262 to see a tar; fewer may say `None`,
    /// which means neither gzip, zstd nor a tar: not listable).
    pub fn sniff(head: &[u8]) -> Option<Compression> {
        if head.starts_with(&[0x1f, 0x8b]) {
            Some(Compression::Gzip)
        } else if head.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]) {
            Some(Compression::Zstd)
        } else if head.len() >= 262 && &head[257..262] == b"ustar" {
            Some(Compression::None)
        } else if head.len() >= 512 && head[..512].iter().all(|&b| b == 0) {
            // An empty tar is two zero blocks.
            Some(Compression::None)
        } else {
            None
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Compression::Gzip => "gzip",
            Compression::Zstd => "zstd",
            Compression::None => "uncompressed",
        }
    }

    /// What a file of this tar is called after `.tar` would (`.gz`, `.zst`, nothing).
    pub fn tar_extension(self) -> &'static str {
        match self {
            Compression::Gzip => "tar.gz",
            Compression::Zstd => "tar.zst",
            Compression::None => "tar",
        }
    }
}

macro_rules! media_types {
    ($($variant:ident => $text:literal,)*) => {
        /// Each known media type's text, named after its variant, for constant lists such
        /// as [`MANIFEST_ACCEPT`] (the enum cannot be `const`-evaluated: `Other` owns text).
        #[allow(non_upper_case_globals)]
        pub mod essence {
            $(pub const $variant: &str = $text;)*
        }

        /// A media type. Parameters (`; charset=…`) are stripped when parsing.
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub enum MediaType {
            $($variant,)*
            Other(String),
        }

        impl MediaType {
            pub fn parse(input: &str) -> MediaType {
                let essence = input.split(';').next().unwrap_or_default().trim();
                match essence.to_ascii_lowercase().as_str() {
                    $($text => MediaType::$variant,)*
                    _ => MediaType::Other(essence.to_string()),
                }
            }

            pub fn as_str(&self) -> &str {
                match self {
                    $(MediaType::$variant => $text,)*
                    MediaType::Other(text) => text,
                }
            }
        }
    };
}

media_types! {
    OciIndex => "application/vnd.oci.image.index.v1+json",
    OciManifest => "application/vnd.oci.image.manifest.v1+json",
    OciConfig => "application/vnd.oci.image.config.v1+json",
    OciLayer => "application/vnd.oci.image.layer.v1.tar",
    OciLayerGzip => "application/vnd.oci.image.layer.v1.tar+gzip",
    OciLayerZstd => "application/vnd.oci.image.layer.v1.tar+zstd",
    OciLayerNondistributable => "application/vnd.oci.image.layer.nondistributable.v1.tar",
    OciLayerNondistributableGzip => "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip",
    OciLayerNondistributableZstd => "application/vnd.oci.image.layer.nondistributable.v1.tar+zstd",
    OciEmpty => "application/vnd.oci.empty.v1+json",
    DockerManifestList => "application/vnd.docker.distribution.manifest.list.v2+json",
    DockerManifest => "application/vnd.docker.distribution.manifest.v2+json",
    DockerConfig => "application/vnd.docker.container.image.v1+json",
    DockerLayerGzip => "application/vnd.docker.image.rootfs.diff.tar.gzip",
    DockerLayerZstd => "application/vnd.docker.image.rootfs.diff.tar.zstd",
    DockerForeignLayerGzip => "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip",
    DockerPluginConfig => "application/vnd.docker.plugin.v1+json",
    DockerSchema1 => "application/vnd.docker.distribution.manifest.v1+json",
    DockerSchema1Signed => "application/vnd.docker.distribution.manifest.v1+prettyjws",
    InToto => "application/vnd.in-toto+json",
    HelmConfig => "application/vnd.cncf.helm.config.v1+json",
    HelmChart => "application/vnd.cncf.helm.chart.content.v1.tar+gzip",
}

/// The Accept list for manifest requests, most specific first. Every type is needed:
/// ghcr answers 404 when the OCI index type is missing; distribution answers 404 for an OCI
/// manifest when no OCI type is listed.
pub const MANIFEST_ACCEPT: [&str; 6] = [
    essence::OciIndex,
    essence::OciManifest,
    essence::DockerManifestList,
    essence::DockerManifest,
    essence::DockerSchema1Signed,
    essence::DockerSchema1,
];

impl MediaType {
    /// An index of manifests (OCI index or Docker manifest list).
    pub fn is_index(&self) -> bool {
        matches!(self, MediaType::OciIndex | MediaType::DockerManifestList)
    }

    /// A single-image manifest (OCI, Docker v2 or schema 1).
    pub fn is_image_manifest(&self) -> bool {
        matches!(self, MediaType::OciManifest | MediaType::DockerManifest) || self.is_schema1()
    }

    pub fn is_schema1(&self) -> bool {
        matches!(
            self,
            MediaType::DockerSchema1 | MediaType::DockerSchema1Signed
        )
    }

    /// Anything served from `/manifests/`.
    pub fn is_manifest(&self) -> bool {
        self.is_index() || self.is_image_manifest()
    }

    /// A container image configuration (OCI or Docker).
    pub fn is_image_config(&self) -> bool {
        matches!(self, MediaType::OciConfig | MediaType::DockerConfig)
    }

    /// A filesystem layer whose contents are a tar stream.
    pub fn is_layer(&self) -> bool {
        self.compression().is_some()
    }

    /// Whether a layer of this type can hold a filesystem: a known layer type, or an unknown
    /// one that says tar (or says nothing, `application/octet-stream`) — media types lie, the
    /// bytes are sniffed. JSON, text and other payloads (attestations, SBOMs, signatures) not.
    pub fn may_be_filesystem(&self) -> bool {
        match self {
            MediaType::Other(other) => {
                let other = other.to_ascii_lowercase();
                other.contains("tar")
                    || other.contains("rootfs")
                    || other == "application/octet-stream"
            }
            known => known.is_layer(),
        }
    }

    /// Non-distributable ("foreign") layers are fetched from their descriptor's `urls`.
    pub fn is_foreign_layer(&self) -> bool {
        matches!(
            self,
            MediaType::DockerForeignLayerGzip
                | MediaType::OciLayerNondistributable
                | MediaType::OciLayerNondistributableGzip
                | MediaType::OciLayerNondistributableZstd
        )
    }

    /// Compression declared by a layer media type; `None` for non-layers.
    pub fn compression(&self) -> Option<Compression> {
        match self {
            MediaType::OciLayer | MediaType::OciLayerNondistributable => Some(Compression::None),
            MediaType::OciLayerGzip
            | MediaType::OciLayerNondistributableGzip
            | MediaType::DockerLayerGzip
            | MediaType::DockerForeignLayerGzip => Some(Compression::Gzip),
            MediaType::OciLayerZstd
            | MediaType::OciLayerNondistributableZstd
            | MediaType::DockerLayerZstd => Some(Compression::Zstd),
            _ => None,
        }
    }

    /// A short human name ("OCI index", "Docker manifest list", …).
    pub fn describe(&self) -> &str {
        match self {
            MediaType::OciIndex => "OCI image index",
            MediaType::OciManifest => "OCI image manifest",
            MediaType::OciConfig => "OCI image config",
            MediaType::DockerManifestList => "Docker manifest list",
            MediaType::DockerManifest => "Docker image manifest v2",
            MediaType::DockerConfig => "Docker image config",
            MediaType::DockerSchema1 | MediaType::DockerSchema1Signed => {
                "Docker schema 1 manifest (deprecated)"
            }
            MediaType::OciEmpty => "empty",
            MediaType::InToto => "in-toto attestation",
            MediaType::HelmConfig => "Helm chart config",
            MediaType::HelmChart => "Helm chart",
            other if other.is_layer() => "layer",
            _ => "other",
        }
    }
}

impl fmt::Display for MediaType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for MediaType {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for MediaType {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Ok(MediaType::parse(&text))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn which_layers_may_hold_a_filesystem() {
        for (text, filesystem) in [
            ("application/vnd.oci.image.layer.v1.tar+gzip", true),
            ("application/vnd.docker.image.rootfs.diff.tar.gzip", true),
            ("application/vnd.oci.image.layer.v1.tar+zstd", true),
            (
                "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip",
                true,
            ),
            // Unknown, but saying tar or nothing: sniffed, not refused.
            ("application/x-tar", true),
            ("application/octet-stream", true),
            ("application/vnd.in-toto+json", false),
            ("application/vnd.dev.cosign.simplesigning.v1+json", false),
            ("text/spdx", false),
            ("application/vnd.cyclonedx+json", false),
        ] {
            assert_eq!(
                MediaType::parse(text).may_be_filesystem(),
                filesystem,
                "{text}"
            );
        }
    }

    #[test]
    fn parses_known_types_with_parameters_and_case() {
        assert_eq!(
            MediaType::parse("application/vnd.oci.image.index.v1+json; charset=utf-8"),
            MediaType::OciIndex
        );
        assert_eq!(
            MediaType::parse("Application/VND.Docker.Distribution.Manifest.V2+JSON"),
            MediaType::DockerManifest
        );
        let other = MediaType::parse("application/x-custom");
        assert_eq!(other, MediaType::Other("application/x-custom".into()));
        assert_eq!(other.as_str(), "application/x-custom");
    }

    #[test]
    fn predicates() {
        assert!(MediaType::DockerManifestList.is_index());
        assert!(MediaType::DockerSchema1Signed.is_image_manifest());
        assert!(MediaType::DockerLayerGzip.is_layer());
        assert!(MediaType::DockerForeignLayerGzip.is_foreign_layer());
        assert_eq!(
            MediaType::OciLayerZstd.compression(),
            Some(Compression::Zstd)
        );
        assert!(!MediaType::OciConfig.is_layer());
        assert!(
            MANIFEST_ACCEPT
                .iter()
                .all(|t| MediaType::parse(t).is_manifest())
        );
        // Every manifest type the table knows is accepted: a new one cannot be forgotten.
        for known in [
            MediaType::OciIndex,
            MediaType::OciManifest,
            MediaType::DockerManifestList,
            MediaType::DockerManifest,
            MediaType::DockerSchema1,
            MediaType::DockerSchema1Signed,
        ] {
            assert!(MANIFEST_ACCEPT.contains(&known.as_str()), "{known}");
        }
    }
}
