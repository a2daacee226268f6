//! Package URLs (`pkg:docker/alpine@latest?platform=linux%2Famd64`,
//! `pkg:apk/alpine/busybox@1.36.1-r2?arch=x86_64`): the type for SBOM rows, and for
//! `pkg:docker/…` the image it names, as a Lading reference.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::Reference;

/// A purl's parts, percent-decoded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Purl {
    pub purl_type: String,
    /// The path between type and name (`library`, `ghcr.io/org`); empty when none.
    pub namespace: String,
    pub name: String,
    pub version: Option<String>,
    pub qualifiers: BTreeMap<String, String>,
}

/// Parses `pkg:<type>/[<namespace>/]<name>[@<version>][?<qualifiers>][#<subpath>]`.
pub fn parse_purl(text: &str) -> Option<Purl> {
    let rest = text.trim().strip_prefix("pkg:")?.trim_start_matches('/');
    let rest = rest.split('#').next().unwrap_or(rest);
    let (rest, query) = rest.split_once('?').unwrap_or((rest, ""));
    let (path, version) = match rest.rsplit_once('@') {
        Some((path, version)) if !version.contains('/') => (path, Some(percent_decode(version))),
        _ => (rest, None),
    };
    let (purl_type, path) = path.split_once('/')?;
    let (namespace, name) = path.rsplit_once('/').unwrap_or(("", path));
    if purl_type.is_empty() || name.is_empty() {
        return None;
    }
    let qualifiers = query
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .map(|(k, v)| (k.to_ascii_lowercase(), percent_decode(v)))
        .collect();
    Some(Purl {
        purl_type: purl_type.to_ascii_lowercase(),
        namespace: namespace
            .split('/')
            .map(percent_decode)
            .collect::<Vec<_>>()
            .join("/"),
        name: percent_decode(name),
        version,
        qualifiers,
    })
}

/// The purl's type (`apk`, `deb`, `npm`), lowercase.
pub fn purl_type(text: &str) -> Option<String> {
    parse_purl(text).map(|p| p.purl_type)
}

/// The image a `pkg:docker/…` purl names, normalised (`docker.io/library/alpine:latest`).
/// BuildKit writes Docker's familiar name (namespace + name) and the tag or digest as the
/// version, a digest beside a tag as the `digest` qualifier.
pub fn purl_image_reference(text: &str) -> Option<String> {
    let purl = parse_purl(text)?;
    if purl.purl_type != "docker" {
        return None;
    }
    let mut name = if purl.namespace.is_empty() {
        purl.name.clone()
    } else {
        format!("{}/{}", purl.namespace, purl.name)
    };
    match purl.version.as_deref() {
        Some(v) if v.contains(':') => {
            name.push('@');
            name.push_str(v);
        }
        Some(tag) => {
            name.push(':');
            name.push_str(tag);
            if let Some(digest) = purl.qualifiers.get("digest") {
                name.push('@');
                name.push_str(digest);
            }
        }
        None => {}
    }
    Reference::parse(&name).ok().map(|r| r.to_string())
}

/// Decodes `%XX` escapes (`+` is literal in a purl); a malformed escape is kept as written.
fn percent_decode(text: &str) -> String {
    crate::reproduce::percent_decode_with(text, false)
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEX: &str = "4aa3054270f7a70b4528f2064ee90961788e1e1518703592ae4463de3b889dec";

    #[test]
    fn docker_purls_become_references() {
        let table = [
            (
                "pkg:docker/alpine@latest?platform=linux%2Famd64",
                Some("docker.io/library/alpine:latest".to_string()),
            ),
            (
                "pkg:docker/docker/dockerfile@1",
                Some("docker.io/docker/dockerfile:1".to_string()),
            ),
            (
                "pkg:docker/ghcr.io/org/app@v2.1?platform=linux%2Farm64%2Fv8",
                Some("ghcr.io/org/app:v2.1".to_string()),
            ),
            (
                &format!("pkg:docker/alpine@sha256%3A{HEX}"),
                Some(format!("docker.io/library/alpine@sha256:{HEX}")),
            ),
            (
                &format!("pkg:docker/alpine@3.20?digest=sha256%3A{HEX}"),
                Some(format!("docker.io/library/alpine:3.20@sha256:{HEX}")),
            ),
            ("pkg:apk/alpine/busybox@1.36.1-r2?arch=x86_64", None),
            ("https://github.com/docker/buildx.git#main", None),
            ("pkg:docker/NOT VALID@x", None),
        ];
        for (purl, expected) in table {
            assert_eq!(purl_image_reference(purl), expected, "{purl}");
        }
    }

    #[test]
    fn purl_parts() {
        let p = parse_purl("pkg:apk/alpine/busybox@1.36.1-r2?arch=x86_64&distro=alpine-3.20.3")
            .unwrap();
        assert_eq!(p.purl_type, "apk");
        assert_eq!(p.namespace, "alpine");
        assert_eq!(p.name, "busybox");
        assert_eq!(p.version.as_deref(), Some("1.36.1-r2"));
        assert_eq!(p.qualifiers["arch"], "x86_64");
        assert_eq!(
            purl_type("pkg:npm/%40angular/core@16.0.0").as_deref(),
            Some("npm")
        );
        assert_eq!(
            parse_purl("pkg:npm/%40angular/core@16.0.0")
                .unwrap()
                .namespace,
            "@angular"
        );
        assert_eq!(purl_type("pkg:golang"), None);
        assert_eq!(purl_type("not a purl"), None);
        assert_eq!(percent_decode("100%zz%2"), "100%zz%2");
    }
}
