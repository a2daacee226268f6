//! `GET /api/catalog?registry=HOST[&namespace=NS]`: a registry's repositories (its
//! `_catalog`, every page, filtered by a namespace prefix), or a Docker Hub namespace's
//! (the Hub web API, every page).

use axum::extract::State;
use axum::response::Response;
use lading_shared::api::{CatalogQuery, CatalogResponse, CatalogSource};
use lading_shared::reference::{DOCKER_HUB, Repository, normalize_registry_host};

use super::answer::{Caching, answer_json};
use super::cacheable::{Audience, Conditional};
use crate::AppState;
use crate::error::{Failure, ProxyError};
use crate::extract::{ApiQuery, BrowserCredentials};
use crate::hub::{Hub, HubCredentials};
use crate::limits::budget::{LISTING_MEMORY, Reservation};
use crate::registry::Session;
use crate::registry::catalog::instead;
use crate::trace::Trace;

/// Registries known to offer no catalog: asked nothing, told what to use instead.
const NO_CATALOG: [&str; 2] = [DOCKER_HUB, "ghcr.io"];

pub async fn list_catalog(
    State(state): State<AppState>,
    BrowserCredentials(credentials): BrowserCredentials,
    HubCredentials(hub_credentials): HubCredentials,
    conditional: Conditional,
    ApiQuery(query): ApiQuery<CatalogQuery>,
) -> Result<Response, Failure> {
    let trace = Trace::default();
    let registry = registry_of(&query.registry).map_err(|e| trace.fail(e))?;
    let namespace = query
        .namespace
        .as_deref()
        .map(str::trim)
        .filter(|ns| !ns.is_empty())
        .map(str::to_string);
    let root = Repository {
        registry: registry.clone(),
        repository: String::new(),
    };
    // Opening a session asks the registry nothing; it says whose answer this will be.
    let session = Session::for_repository(&state.upstream, &root, credentials, &trace)
        .await
        .map_err(|e| trace.fail(e))?;
    // Docker Hub's web API is asked with the Hub sign-in alone; still, an answer to a call
    // that carried (or would use) any credentials is kept as theirs.
    let caching = Caching {
        conditional: &conditional,
        audience: Audience::of(&session).also_signed_in(hub_credentials.is_some()),
    };
    let work = async {
        let mut response = CatalogResponse {
            registry: registry.clone(),
            namespace: namespace.clone(),
            source: CatalogSource::Catalog,
            repositories: Vec::new(),
            skipped_count: 0,
            pages: 0,
            total: None,
            registry_notes: Default::default(),
            trace: Vec::new(),
        };
        match (&*registry, namespace.as_deref()) {
            (DOCKER_HUB, Some(namespace)) => {
                let hub = Hub::open(&state.upstream, &trace, hub_credentials.as_ref()).await?;
                let listed = hub.list_namespace(namespace.trim_end_matches('/')).await?;
                response.source = CatalogSource::DockerHubApi;
                response.repositories = listed.repositories;
                response.skipped_count = listed.skipped;
                response.pages = listed.pages;
                response.total = listed.total;
            }
            (host, _) if NO_CATALOG.contains(&host) => {
                return Err(ProxyError::NoCatalog(instead(host)));
            }
            (_, namespace) => {
                let catalog = session.list_catalog(namespace).await?;
                response.repositories = catalog.repositories;
                response.skipped_count = catalog.skipped;
                response.pages = catalog.pages;
            }
        }
        let mut memory = Reservation::new(&LISTING_MEMORY);
        memory.resize(heap(&response))?;
        Ok((response, memory))
    };
    answer_json(&state, &registry, &trace, caching, work).await
}

/// `HOST[:PORT]` as references normalise it (`index.docker.io` → `docker.io`); a word that
/// is not a host (`myregistry`) is refused rather than read as a Docker Hub name.
fn registry_of(input: &str) -> Result<String, ProxyError> {
    let input = input.trim().trim_end_matches('/');
    let bad =
        |why: String| ProxyError::BadRequest(format!("{input:?} is not a registry host: {why}"));
    if input.is_empty() || input.contains('/') {
        return Err(bad("name the host alone (registry=ghcr.io)".into()));
    }
    let parsed = Repository::parse(&format!("{input}/x")).map_err(|e| bad(e.to_string()))?;
    if parsed.registry == DOCKER_HUB && normalize_registry_host(input) != DOCKER_HUB {
        return Err(bad(
            "a registry host has a '.' or a port, or is localhost (docker.io for Docker Hub)"
                .into(),
        ));
    }
    Ok(parsed.registry)
}

/// What the answer holds, charged to the memory budget until it is sent.
fn heap(response: &CatalogResponse) -> u64 {
    response
        .repositories
        .iter()
        .map(|r| {
            (std::mem::size_of_val(r)
                + r.name.len() * 2
                + r.description.as_ref().map_or(0, |d| d.len() * 2)
                + 64) as u64
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registries_are_hosts_normalised_as_references_are() {
        assert_eq!(registry_of("docker.io").unwrap(), "docker.io");
        assert_eq!(registry_of("index.docker.io").unwrap(), "docker.io");
        assert_eq!(registry_of("ghcr.io").unwrap(), "ghcr.io");
        assert_eq!(registry_of("localhost:5000").unwrap(), "localhost:5000");
        assert_eq!(registry_of(" r.example/ ").unwrap(), "r.example");
        for bad in ["", "myregistry", "r.example/team", "https://r.example"] {
            assert!(registry_of(bad).is_err(), "{bad:?}");
        }
    }
}
