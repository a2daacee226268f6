//! A request URL in Postman's form (`raw` plus its parts), built so that no text from the
//! registry can become a Postman variable or break out of its place: every value is
//! percent-encoded here, `{` and `}` included (Postman would read `{{…}}` as a variable).

use serde_json::{Value, json};

use super::REGISTRY_VAR;

/// Where a URL starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Base {
    /// `{{registry}}`: the registry base URL variable.
    Registry,
    /// A variable holding a whole URL (`{{next_page}}`), set by an earlier test script.
    Whole(&'static str),
    /// `scheme://authority` of another host (a token realm, Docker Hub's web API).
    Origin { scheme: String, authority: String },
}

/// A URL: its base, a path (already encoded, starting with `/`) and query pairs (encoded).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Target {
    pub base: Base,
    pub path: String,
    pub query: Vec<(String, String)>,
}

impl Target {
    /// `{{registry}}` + `path` (segments encoded by the caller with [`segment`]).
    pub fn registry(path: String, query: Vec<(String, String)>) -> Target {
        Target {
            base: Base::Registry,
            path,
            query,
        }
    }

    /// An absolute URL from the registry (a realm): origin, path and query kept, every
    /// character Postman or a URL would read specially encoded. `None` if not http(s).
    pub fn absolute(url: &str) -> Option<Target> {
        let (scheme, rest) = url.split_once("://")?;
        let scheme = scheme.to_ascii_lowercase();
        if scheme != "http" && scheme != "https" {
            return None;
        }
        let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
        let (authority, rest) = rest.split_at(end);
        if authority.is_empty() {
            return None;
        }
        let rest = rest.split('#').next().unwrap_or_default();
        let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
        let path = if path.is_empty() { "/" } else { path };
        let query = query
            .split('&')
            .filter(|p| !p.is_empty())
            .map(|p| {
                let (k, v) = p.split_once('=').unwrap_or((p, ""));
                (inert(k), inert(v))
            })
            .collect();
        Some(Target {
            base: Base::Origin {
                scheme,
                authority: inert(authority),
            },
            path: inert(path),
            query,
        })
    }

    /// The text Postman shows and sends.
    pub fn raw(&self) -> String {
        let mut raw = match &self.base {
            Base::Registry => format!("{{{{{REGISTRY_VAR}}}}}"),
            Base::Whole(var) => format!("{{{{{var}}}}}"),
            Base::Origin { scheme, authority } => format!("{scheme}://{authority}"),
        };
        raw.push_str(&self.path);
        if !self.query.is_empty() {
            let pairs: Vec<String> = self.query.iter().map(|(k, v)| format!("{k}={v}")).collect();
            raw.push('?');
            raw.push_str(&pairs.join("&"));
        }
        raw
    }

    /// Postman's URL object (`raw`, `protocol`, `host`, `port`, `path`, `query`), as its
    /// own exports write it: the SDK reads the parts, not `raw`.
    pub fn to_json(&self) -> Value {
        let mut url = json!({ "raw": self.raw() });
        let Some(map) = url.as_object_mut() else {
            return url;
        };
        let host: Vec<String> = match &self.base {
            Base::Registry => vec![format!("{{{{{REGISTRY_VAR}}}}}")],
            Base::Whole(var) => vec![format!("{{{{{var}}}}}")],
            Base::Origin { scheme, authority } => {
                map.insert("protocol".into(), json!(scheme));
                let (host, port) = split_port(authority);
                if let Some(port) = port {
                    map.insert("port".into(), json!(port));
                }
                host.split('.').map(str::to_string).collect()
            }
        };
        map.insert("host".into(), json!(host));
        if !self.path.is_empty() {
            let path: Vec<&str> = self.path.trim_start_matches('/').split('/').collect();
            map.insert("path".into(), json!(path));
        }
        if !self.query.is_empty() {
            let query: Vec<Value> = self
                .query
                .iter()
                .map(|(k, v)| json!({ "key": k, "value": v }))
                .collect();
            map.insert("query".into(), json!(query));
        }
        url
    }
}

/// `host` and `port` of an authority (`[::1]:5000` → `[::1]`, `5000`).
fn split_port(authority: &str) -> (&str, Option<&str>) {
    let host_end = authority.rfind(']').map_or(0, |i| i + 1);
    match authority[host_end..].rfind(':') {
        Some(i) => {
            let at = host_end + i;
            (&authority[..at], Some(&authority[at + 1..]))
        }
        None => (authority, None),
    }
}

/// One path segment or query value from the view (a repository path component, a tag, a
/// scope): everything but RFC 3986's unreserved characters percent-encoded.
pub(super) fn component(text: &str) -> String {
    encode(text, |b| b.is_ascii_alphanumeric() || b"-._~".contains(&b))
}

/// A path from the view (`library/alpine`, `sha256:…`): each segment encoded like a
/// [`component`] but `:` and `@` kept (RFC 3986 allows them in a path segment, and the
/// spec writes digests that way), `/` kept between segments.
pub(super) fn segments(path: &str) -> String {
    path.split('/')
        .map(|s| encode(s, |b| b.is_ascii_alphanumeric() || b"-._~:@".contains(&b)))
        .collect::<Vec<_>>()
        .join("/")
}

/// URL text from the registry (a realm): kept as written where it is plain URL text, but
/// `{`, `}`, quotes, spaces, controls and non-ASCII encoded, so it can neither name a
/// Postman variable nor carry anything but a URL.
fn inert(text: &str) -> String {
    encode(text, |b| {
        b.is_ascii_graphic() && !b"{}\"<>\\^`|".contains(&b)
    })
}

fn encode(text: &str, keep: impl Fn(u8) -> bool) -> String {
    let mut out = String::with_capacity(text.len());
    for &b in text.as_bytes() {
        if keep(b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}
