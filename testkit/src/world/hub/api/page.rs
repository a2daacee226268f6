//! Django REST pages as the Hub sends them: `page` from 1, `page_size` default 10 and
//! silently capped at 100, absolute `next`/`previous` URLs on `https://hub.docker.com` (the
//! link back to page 1 drops `page`, as Django does), 404 for a page past the end.

use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{Value, json};

use super::error;

pub const DEFAULT_PAGE_SIZE: usize = 10;
pub const MAX_PAGE_SIZE: usize = 100;
const ORIGIN: &str = "https://hub.docker.com";

/// The paging parameters of a query, and the others a link must keep.
#[derive(Debug)]
pub struct PageQuery {
    pub page: usize,
    pub page_size: usize,
    pub ordering: Option<String>,
    pub name: Option<String>,
    pub query: Option<String>,
}

fn encode(value: &str) -> String {
    url::form_urlencoded::byte_serialize(value.as_bytes()).collect()
}

impl PageQuery {
    /// `Err` (404 "Invalid page") for a page that is not a positive number.
    pub fn parse(raw: Option<&str>) -> Result<PageQuery, Response> {
        let mut query = PageQuery {
            page: 1,
            page_size: DEFAULT_PAGE_SIZE,
            ordering: None,
            name: None,
            query: None,
        };
        for (key, value) in url::form_urlencoded::parse(raw.unwrap_or("").as_bytes()).take(64) {
            let value = value.into_owned();
            match key.as_ref() {
                "page" => match value.parse::<usize>() {
                    Ok(page) if page >= 1 => query.page = page,
                    _ => return Err(invalid_page()),
                },
                "page_size" => {
                    if let Ok(size) = value.parse::<usize>()
                        && size > 0
                    {
                        query.page_size = size.min(MAX_PAGE_SIZE);
                    }
                }
                "ordering" if !value.is_empty() => query.ordering = Some(value),
                "name" if !value.is_empty() => query.name = Some(value),
                "query" => query.query = Some(value),
                _ => {}
            }
        }
        Ok(query)
    }

    /// `path?page=N&page_size=S[&…]`; page 1 without `page`.
    fn link(&self, path: &str, page: usize) -> String {
        let mut params = Vec::new();
        if page > 1 {
            params.push(format!("page={page}"));
        }
        params.push(format!("page_size={}", self.page_size));
        if let Some(query) = &self.query {
            params.push(format!("query={}", encode(query)));
        }
        if let Some(ordering) = &self.ordering {
            params.push(format!("ordering={}", encode(ordering)));
        }
        if let Some(name) = &self.name {
            params.push(format!("name={}", encode(name)));
        }
        format!("{ORIGIN}{path}?{}", params.join("&"))
    }

    /// `{count, next, previous, results}` of this page of `items`, or 404 past the end.
    /// `missing` is what an absent link is (`null`; the search API sends `""`).
    pub fn page(&self, path: &str, items: Vec<Value>, missing: Value) -> Result<Value, Response> {
        let count = items.len();
        let start = (self.page - 1).saturating_mul(self.page_size);
        if start >= count && self.page > 1 {
            return Err(invalid_page());
        }
        let results: Vec<Value> = items.into_iter().skip(start).take(self.page_size).collect();
        let next = if start + results.len() < count {
            Value::from(self.link(path, self.page + 1))
        } else {
            missing.clone()
        };
        let previous = if self.page > 1 {
            Value::from(self.link(path, self.page - 1))
        } else {
            missing
        };
        Ok(json!({ "count": count, "next": next, "previous": previous, "results": results }))
    }
}

fn invalid_page() -> Response {
    error(
        StatusCode::NOT_FOUND,
        "httperror 404: Invalid page.",
        json!({}),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn items(n: usize) -> Vec<Value> {
        (0..n).map(Value::from).collect()
    }

    #[test]
    fn page_size_is_capped_and_links_are_absolute() {
        let query = PageQuery::parse(Some("page=2&page_size=500&ordering=-name")).expect("parses");
        assert_eq!(query.page_size, 100);
        let page = query
            .page("/v2/x", items(250), Value::Null)
            .expect("a page");
        assert_eq!(page["count"], 250);
        assert_eq!(page["results"][0], 100);
        assert_eq!(
            page["next"],
            "https://hub.docker.com/v2/x?page=3&page_size=100&ordering=-name"
        );
        assert_eq!(
            page["previous"],
            "https://hub.docker.com/v2/x?page_size=100&ordering=-name"
        );
    }

    #[test]
    fn past_the_end_is_404_but_an_empty_first_page_is_not() {
        let query = PageQuery::parse(Some("page=4&page_size=100")).expect("parses");
        assert!(query.page("/v2/x", items(250), Value::Null).is_err());
        let first = PageQuery::parse(None).expect("parses");
        let page = first
            .page("/v2/x", Vec::new(), Value::Null)
            .expect("empty page");
        assert_eq!(page["next"], Value::Null);
        assert!(PageQuery::parse(Some("page=0")).is_err());
    }
}
