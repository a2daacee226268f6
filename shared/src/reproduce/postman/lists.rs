//! The list views' requests: registry lists paged by `Link` (tags, catalog), and Docker
//! Hub's web API paged by `next`. Each first page's test script sets `next_page` and runs
//! the "next page" request again until the list ends (Postman's `setNextRequest`).

use super::steps::Step;
use super::target::{Base, Target, component};
use super::tests_js;
use crate::api::ExchangePurpose;
use crate::reproduce::Flow;

/// The Docker Hub web API host (its namespace listings are not part of the registry API).
const HUB_WEB: &str = "https://hub.docker.com";
/// The `page_size` Lading asks Docker Hub's web API for.
const HUB_PAGE_SIZE: &str = "100";
/// The variable a list page's test script puts the next page's URL in.
const NEXT_PAGE: &str = "next_page";

/// A list (tags, catalog): the first page, then the next pages by the `Link` header.
pub(super) fn pages(flow: &Flow, what: &str, path: String, title: &str, field: &str) -> Vec<Step> {
    let query = flow
        .page_size
        .map(|n| vec![("n".to_string(), n.to_string())])
        .unwrap_or_default();
    let next_name = format!("{what}: next page");
    let mut first = Step::new(
        &format!("{what}: first page"),
        "GET",
        Target::registry(path, query),
        format!(
            "`GET {title}`, one page{}. When there are more, the registry sends a `Link: \
             <…>; rel=\"next\"` header: the test script reads it (a relative link is against \
             this page's URL) and runs \"{next_name}\" until no Link comes. A Link to \
             another origin (scheme, host, port) than `{{{{registry}}}}`, or outside `/v2/`, \
             is refused: the run stops with a failing test (the credentials are the \
             registry's alone).",
            flow.page_size
                .map(|n| format!(" of at most {n} (`n`)"))
                .unwrap_or_default()
        ),
    );
    first.test = Some(tests_js::link_page(field, &next_name));
    let mut next = Step::new(
        &next_name,
        "GET",
        Target {
            base: Base::Whole(NEXT_PAGE),
            path: String::new(),
            query: Vec::new(),
        },
        "The next page, at the URL the previous page's `Link` header gave (`last=` says \
         where the list goes on)."
            .to_string(),
    );
    next.test = Some(tests_js::link_page(field, &next_name));
    vec![first, next]
}

/// Docker Hub's web API: a namespace's repositories, followed by the answer's `next`.
pub(super) fn hub_repositories(flow: &Flow, namespace: &str) -> Vec<Step> {
    let recorded = flow
        .trace
        .iter()
        .find(|e| e.purpose == ExchangePurpose::HubApi)
        .and_then(|e| Target::absolute(&e.url));
    let target = recorded
        .or_else(|| {
            Target::absolute(&format!(
                "{HUB_WEB}/v2/namespaces/{}/repositories?page_size={HUB_PAGE_SIZE}",
                component(namespace)
            ))
        })
        .into_iter();
    let next_name = "repositories: next page";
    let mut list: Vec<Step> = target
        .map(|target| {
            let mut step = Step::new(
                "repositories: first page",
                "GET",
                target,
                "Docker Hub has no registry catalog; its web API lists a namespace's \
                 repositories (`GET /v2/namespaces/<ns>/repositories`), paged by the \
                 answer's `next` URL, followed only on https://hub.docker.com under `/v2/` \
                 (anything else stops the run with a failing test). No authentication \
                 needed for public repositories."
                    .to_string(),
            );
            step.test = Some(tests_js::hub_page(next_name, HUB_WEB));
            step
        })
        .collect();
    let mut next = Step::new(
        next_name,
        "GET",
        Target {
            base: Base::Whole(NEXT_PAGE),
            path: String::new(),
            query: Vec::new(),
        },
        "The next page, at the answer's `next` URL.".to_string(),
    );
    next.test = Some(tests_js::hub_page(next_name, HUB_WEB));
    list.push(next);
    list
}
