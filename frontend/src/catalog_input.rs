//! What a person types to browse a registry or open a repository, read into the views'
//! terms: `docker.io/bitnami`, `bitnami` (a Docker Hub namespace), `ghcr.io`,
//! `localhost:5000/team/` (a catalog under a prefix); `team/app` on the registry at hand.

use lading_shared::Repository;
use lading_shared::reference::{DOCKER_HUB, normalize_registry_host};

/// `(registry, namespace)` of a catalog page; `None` for blank input.
pub fn catalog_target(input: &str) -> Option<(String, Option<String>)> {
    let text = input.trim();
    let text = text
        .strip_prefix("https://")
        .or_else(|| text.strip_prefix("http://"))
        .unwrap_or(text)
        .trim_start_matches('/');
    if text.is_empty() {
        return None;
    }
    let (first, rest) = text.split_once('/').unwrap_or((text, ""));
    // The reference rule: a first part with a dot or a port, or `localhost`, is a host.
    let host = first.contains(['.', ':']) || first == "localhost";
    let (registry, namespace) = match host {
        true => (normalize_registry_host(first).to_owned(), rest.to_owned()),
        false => (DOCKER_HUB.to_owned(), text.to_owned()),
    };
    let namespace = match registry == DOCKER_HUB {
        // A Hub namespace is one word: `bitnami/redis` browses `bitnami`.
        true => namespace.split('/').next().unwrap_or_default().to_owned(),
        false => namespace,
    };
    Some((registry, Some(namespace).filter(|n| !n.is_empty())))
}

/// The repository `input` names on `registry`: as typed when it starts with the registry,
/// else under it (`team/app` on `ghcr.io` is `ghcr.io/team/app`).
pub fn repository_on(registry: &str, input: &str) -> Result<Repository, String> {
    let input = input.trim().trim_matches('/');
    let full = match input.starts_with(&format!("{registry}/")) {
        true => input.to_owned(),
        false => format!("{registry}/{input}"),
    };
    Repository::parse(&full).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catalogs_by_what_was_typed() {
        let hub = |ns: &str| Some(("docker.io".to_owned(), Some(ns.to_owned())));
        assert_eq!(catalog_target("bitnami"), hub("bitnami"));
        assert_eq!(catalog_target(" docker.io/library "), hub("library"));
        assert_eq!(
            catalog_target("index.docker.io/bitnami/redis"),
            hub("bitnami")
        );
        assert_eq!(
            catalog_target("https://ghcr.io"),
            Some(("ghcr.io".to_owned(), None))
        );
        assert_eq!(
            catalog_target("localhost:5000/team/"),
            Some(("localhost:5000".to_owned(), Some("team/".to_owned())))
        );
        assert_eq!(catalog_target("  "), None);
    }

    #[test]
    fn repositories_on_the_registry_at_hand() {
        let on = |r: &str, i: &str| repository_on(r, i).map(|r| r.to_string());
        assert_eq!(on("ghcr.io", "team/app"), Ok("ghcr.io/team/app".to_owned()));
        assert_eq!(
            on("ghcr.io", "ghcr.io/team/app"),
            Ok("ghcr.io/team/app".to_owned())
        );
        assert_eq!(
            on("docker.io", "nginx"),
            Ok("docker.io/library/nginx".to_owned())
        );
        assert!(on("ghcr.io", "Not Valid").is_err());
    }
}
