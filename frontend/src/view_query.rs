//! The page's query, read once into types: which view ([`Page`]) and how it is set up
//! ([`ListingState`], the filter, the tag order, the Raw JSON tab). Writing a [`ViewQuery`]
//! back gives the same link, so every view state survives Back, a reload and a shared link.

use lading_shared::layer::normalize_path;
use lading_shared::{Digest, Reference};

use crate::layer_links::{Source, Subject};
use crate::pages::learn_page::Topic;

/// Query parameters (fixed: shared links depend on them).
pub const IMAGE: &str = "image";
pub const REPO: &str = "repo";
pub const REGISTRY: &str = "registry";
pub const NAMESPACE: &str = "namespace";
pub const PLATFORM: &str = "platform";
pub const LAYER: &str = "layer";
pub const FS: &str = "fs";
pub const FS_MERGED: &str = "merged";
pub const PATH: &str = "path";
/// The explainer pages (`learn=pull|push`), with `ref=` the reference their links use.
pub const LEARN: &str = "learn";
pub const REF: &str = "ref";
const FILTER: &str = "q";
const SORT: &str = "sort";
const SORT_SIZE: &str = "size";
const ORDER: &str = "order";
const HIDDEN: &str = "hidden";
const ALL: &str = "all";
const OPEN: &str = "open";
const SHUT: &str = "shut";
const RAW: &str = "raw";
const EXACT: &str = "exact";
const ON: &str = "1";

/// Every parameter a view link may carry, as text (checked by [`Page::parse`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ViewQuery {
    pub image: Option<String>,
    pub repo: Option<String>,
    /// The repositories of a registry (`registry=`), of a Hub namespace or under a prefix
    /// (`namespace=`).
    pub registry: Option<String>,
    pub namespace: Option<String>,
    pub platform: Option<String>,
    pub layer: Option<String>,
    pub fs: Option<String>,
    pub path: Option<String>,
    /// The filter box of a listing or a tag list.
    pub filter: String,
    /// The tag list's order (`TagOrder::id`).
    pub order: Option<String>,
    pub listing: ListingState,
    /// The Raw JSON document shown (its title, lower case), when not the first.
    pub raw: Option<String>,
    /// Raw JSON as the exact bytes received rather than indented.
    pub exact: bool,
    pub learn: Option<String>,
    pub reference: Option<String>,
}

/// How a listing is set up besides its filter.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListingState {
    pub by_size: bool,
    pub show_hidden: bool,
    /// Open folders, by path (when not `all`).
    pub open: Vec<String>,
    /// "Expand all": every folder open except those in `shut`.
    pub all: bool,
    pub shut: Vec<String>,
}

impl ListingState {
    pub fn is_open(&self, path: &str) -> bool {
        if self.all {
            !self.shut.iter().any(|p| p == path)
        } else {
            self.open.iter().any(|p| p == path)
        }
    }

    /// Opens a closed folder, closes an open one.
    pub fn toggle(&mut self, path: &str) {
        let list = if self.all {
            &mut self.shut
        } else {
            &mut self.open
        };
        match list.iter().position(|p| p == path) {
            Some(i) => {
                list.remove(i);
            }
            None => list.push(path.to_owned()),
        }
    }

    pub fn expand_all(&mut self) {
        (self.all, self.open, self.shut) = (true, Vec::new(), Vec::new());
    }

    pub fn collapse_all(&mut self) {
        (self.all, self.open, self.shut) = (false, Vec::new(), Vec::new());
    }
}

impl ViewQuery {
    /// Reads decoded `(name, value)` pairs; unknown names are ignored, a repeated single
    /// value keeps the last.
    pub fn from_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> ViewQuery {
        let mut q = ViewQuery::default();
        let text = |v: &str| Some(v.to_owned());
        for (name, value) in pairs {
            match name {
                IMAGE => q.image = text(value),
                REPO => q.repo = text(value),
                REGISTRY => q.registry = text(value),
                NAMESPACE => q.namespace = text(value),
                PLATFORM => q.platform = text(value),
                LAYER => q.layer = text(value),
                FS => q.fs = text(value),
                PATH => q.path = text(value),
                LEARN => q.learn = text(value),
                REF => q.reference = text(value),
                FILTER => q.filter = value.to_owned(),
                ORDER => q.order = text(value),
                SORT => q.listing.by_size = value == SORT_SIZE,
                HIDDEN => q.listing.show_hidden = is_on(value),
                ALL => q.listing.all = is_on(value),
                OPEN => q.listing.open.push(value.to_owned()),
                SHUT => q.listing.shut.push(value.to_owned()),
                RAW => q.raw = text(value),
                EXACT => q.exact = is_on(value),
                _ => {}
            }
        }
        q
    }

    /// The pairs to write, subject first, defaults left out.
    pub fn pairs(&self) -> Vec<(&'static str, String)> {
        let mut out = Vec::new();
        let singles = [
            (IMAGE, &self.image),
            (REPO, &self.repo),
            (REGISTRY, &self.registry),
            (NAMESPACE, &self.namespace),
            (PLATFORM, &self.platform),
            (LAYER, &self.layer),
            (FS, &self.fs),
            (PATH, &self.path),
            (ORDER, &self.order),
            (RAW, &self.raw),
            (LEARN, &self.learn),
            (REF, &self.reference),
        ];
        for (name, value) in singles {
            if let Some(value) = value {
                out.push((name, value.clone()));
            }
        }
        if !self.filter.is_empty() {
            out.push((FILTER, self.filter.clone()));
        }
        let l = &self.listing;
        let flags = [
            (SORT, l.by_size, SORT_SIZE),
            (HIDDEN, l.show_hidden, ON),
            (ALL, l.all, ON),
            (EXACT, self.exact, ON),
        ];
        for (name, on, value) in flags {
            if on {
                out.push((name, value.to_owned()));
            }
        }
        out.extend(l.open.iter().map(|p| (OPEN, p.clone())));
        out.extend(l.shut.iter().map(|p| (SHUT, p.clone())));
        out
    }
}

fn is_on(value: &str) -> bool {
    matches!(value, "1" | "true" | "on" | "yes")
}

/// Which view the query names. Listings and files carry their subject, typed; the image and
/// tag pages read their (free-text) input themselves, and are keyed by it so a new subject
/// gets a fresh page with its loading state instead of the old page under a new URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Page {
    Home,
    /// An explainer page; `reference` (as typed) for its live links.
    Learn {
        topic: Topic,
        reference: Option<String>,
    },
    Image {
        input: String,
        platform: Option<String>,
    },
    Tags {
        input: String,
    },
    /// `registry` as typed; `namespace` blank-free or none.
    Catalog {
        registry: String,
        namespace: Option<String>,
    },
    Listing(Subject),
    File {
        subject: Subject,
        path: String,
    },
    /// A listing or file link that cannot be followed: what is wrong, for the error view.
    Invalid {
        what: &'static str,
        input: String,
        message: String,
    },
}

impl Page {
    pub fn parse(query: &ViewQuery) -> Page {
        if let Some(learn) = &query.learn {
            return match Topic::parse(learn) {
                Some(topic) => Page::Learn {
                    topic,
                    reference: query.reference.clone(),
                },
                None => invalid(crate::pages::learn_page::WHAT, learn, &"`pull` or `push`"),
            };
        }
        let Some(image) = &query.image else {
            return match (&query.repo, &query.registry) {
                (Some(input), _) => Page::Tags {
                    input: input.clone(),
                },
                (None, Some(registry)) => catalog(registry, query.namespace.as_deref()),
                (None, None) => Page::Home,
            };
        };
        let source = match (&query.layer, query.fs.as_deref()) {
            (Some(layer), _) => match Digest::parse(layer) {
                Ok(digest) => Source::Layer(digest),
                Err(e) => return invalid("Layer", layer, &e),
            },
            (None, Some(FS_MERGED)) => Source::Merged,
            (None, Some(other)) => {
                let message = format!("`fs` can only be `{FS_MERGED}`, not `{other}`.");
                return invalid("Filesystem", other, &message);
            }
            (None, None) => {
                return Page::Image {
                    input: image.clone(),
                    platform: query.platform.clone(),
                };
            }
        };
        let reference = match Reference::parse(image.trim()) {
            Ok(reference) => reference,
            Err(e) => return invalid("Image", image, &e),
        };
        let platform = match query.platform.as_deref().map(Digest::parse).transpose() {
            Ok(platform) => platform,
            Err(e) => return invalid("Platform", query.platform.as_deref().unwrap_or(""), &e),
        };
        let subject = Subject {
            reference,
            platform,
            source,
        };
        match &query.path {
            Some(path) => Page::File {
                subject,
                path: normalize_path(path),
            },
            None => Page::Listing(subject),
        }
    }
}

/// A Hub namespace is one word (`bitnami/` is `bitnami`); elsewhere the namespace is a
/// prefix, and `team/` must not become `team` (which would match `teams/…`).
fn catalog(registry: &str, namespace: Option<&str>) -> Page {
    let registry = registry.trim();
    let hub = lading_shared::reference::normalize_registry_host(registry)
        == lading_shared::reference::DOCKER_HUB;
    let namespace = namespace
        .map(|n| match hub {
            true => n.trim().trim_matches('/'),
            false => n.trim().trim_start_matches('/'),
        })
        .filter(|n| !n.is_empty())
        .map(str::to_owned);
    Page::Catalog {
        registry: registry.to_owned(),
        namespace,
    }
}

fn invalid(what: &'static str, input: &str, message: &dyn std::fmt::Display) -> Page {
    Page::Invalid {
        what,
        input: input.to_owned(),
        message: message.to_string(),
    }
}

#[cfg(test)]
mod tests;
