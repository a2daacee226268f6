//! `tags/list` and `_catalog`: ordering, `n`/`last` paging, `Link` styles, vendor extras.

use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use super::routes::{api_version, reply};
use super::{CatalogRules, Engine, Fault, Identity, OverMax, TagOrder};
use crate::world::store::Repo;

/// Largest `n` honoured when the profile sets no maximum (a hostile `n` costs nothing here).
const UNBOUNDED_N: usize = 100_000;

/// `n` and `last` of a query string (`n` unparsable counts as absent).
fn paging(query: &str) -> (Option<usize>, Option<String>) {
    let mut n = None;
    let mut last = None;
    for (key, value) in url::form_urlencoded::parse(query.as_bytes()) {
        match key.as_ref() {
            "n" => n = value.parse().ok(),
            "last" if !value.is_empty() => last = Some(value.into_owned()),
            _ => {}
        }
    }
    (n, last)
}

fn encode(value: &str) -> String {
    url::form_urlencoded::byte_serialize(value.as_bytes()).collect()
}

pub fn tags(engine: &Engine, repo: &str, query: &str, headers: &HeaderMap) -> Response {
    let profile = &engine.profile;
    let rules = &profile.tags;
    let Some(mut all) = engine.store.read(repo, |r| r.tags.clone()) else {
        return reply(profile, (profile.errors)(&Fault::NameUnknown { repo }));
    };
    match rules.order {
        TagOrder::Lexical => all.sort_by(|a, b| a.name.as_bytes().cmp(b.name.as_bytes())),
        TagOrder::OldestFirst => all.sort_by_key(|t| t.pushed_ms),
    }
    let (mut n, mut last) = if rules.honour_n {
        paging(query)
    } else {
        (None, None)
    };
    if let (Some(asked), Some((max, over))) = (n, rules.max_n)
        && asked > max
    {
        match over {
            OverMax::Cap => n = Some(max),
            OverMax::Reject => {
                return reply(profile, (profile.errors)(&Fault::BadN { n: asked, max }));
            }
        }
    }
    let start = match last.take() {
        None => 0,
        Some(last) => match rules.order {
            TagOrder::Lexical => all.partition_point(|t| t.name.as_bytes() <= last.as_bytes()),
            TagOrder::OldestFirst => all
                .iter()
                .position(|t| t.name == last)
                .map_or(all.len(), |i| i + 1),
        },
    };
    let size = n
        .or(rules.default_page)
        .unwrap_or(UNBOUNDED_N)
        .min(UNBOUNDED_N);
    let page: Vec<String> = all
        .iter()
        .skip(start)
        .take(size)
        .map(|t| t.name.clone())
        .collect();
    let more = start + page.len() < all.len();
    let mut body = json!({ "name": repo, "tags": page });
    if let Some(extend) = rules.extend {
        // A snapshot: `extend` may read the store again (Google lists child repositories),
        // and the store's lock is not re-entrant.
        let store = engine.store.clone();
        if let Some(content) = store.read(repo, Repo::clone) {
            extend(&store, repo, &content, &mut body, start == 0);
        }
    }
    let link = match (&rules.link, page.last()) {
        (Some(template), Some(last)) if more && (n.is_some() || !rules.link_only_with_n) => {
            let tail = repo.split_once('/').map_or(repo, |(_, t)| t);
            Some(
                template
                    .replace("{repo}", repo)
                    .replace("{tail}", tail)
                    .replace("{host}", host(headers, &profile.host))
                    .replace("{n}", &size.to_string())
                    .replace("{last}", &encode(last)),
            )
        }
        _ => None,
    };
    page_response(engine, body, link)
}

fn host<'a>(headers: &'a HeaderMap, fallback: &'a str) -> &'a str {
    headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or(fallback)
}

fn page_response(engine: &Engine, body: serde_json::Value, link: Option<String>) -> Response {
    let mut response = (
        StatusCode::OK,
        [(header::CONTENT_TYPE, "application/json")],
        body.to_string(),
    )
        .into_response();
    if let Some(link) = link.and_then(|l| HeaderValue::from_str(&l).ok()) {
        response.headers_mut().insert(header::LINK, link);
    }
    api_version(&engine.profile, &mut response);
    response
}

pub fn catalog(engine: &Engine, identity: &Identity, query: &str) -> Response {
    let profile = &engine.profile;
    let CatalogRules::Offered { default_page, link } = &profile.catalog else {
        return reply(profile, (profile.errors)(&Fault::NoCatalog));
    };
    let all: Vec<String> = engine
        .store
        .repositories()
        .into_iter()
        .filter(|r| engine.may_read(identity, r))
        .collect();
    let (n, last) = paging(query);
    let start = last.map_or(0, |last| {
        all.partition_point(|r| r.as_str() <= last.as_str())
    });
    let size = n.or(*default_page).unwrap_or(UNBOUNDED_N).min(UNBOUNDED_N);
    let page: Vec<&String> = all.iter().skip(start).take(size).collect();
    let more = start + page.len() < all.len();
    let link = match (link, page.last()) {
        (Some(template), Some(last)) if more => Some(
            template
                .replace("{host}", &profile.host)
                .replace("{n}", &size.to_string())
                .replace("{last}", &encode(last)),
        ),
        _ => None,
    };
    page_response(engine, json!({ "repositories": page }), link)
}
