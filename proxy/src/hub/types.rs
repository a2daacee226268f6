//! Docker Hub web API answers as they arrive (captured shapes, not the published OpenAPI
//! schema, which is wrong about tags). Every field is optional: the Hub omits or nulls them.

use serde::Deserialize;

/// One page: `{"count", "next", "previous", "results"}`.
#[derive(Debug, Deserialize)]
pub struct Page<T> {
    #[serde(default)]
    pub count: Option<u64>,
    /// The next page's URL, or `null` on the last page. Only its presence is used: Lading
    /// asks for `page=N+1` itself rather than follow a URL the answer names.
    #[serde(default)]
    pub next: Option<String>,
    #[serde(default = "Vec::new")]
    pub results: Vec<T>,
}

/// An entry of `GET /v2/namespaces/{ns}/repositories`.
#[derive(Debug, Default, Deserialize)]
pub struct Repository {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub namespace: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub is_private: Option<bool>,
    #[serde(default)]
    pub star_count: Option<u64>,
    #[serde(default)]
    pub pull_count: Option<u64>,
    #[serde(default)]
    pub last_updated: Option<String>,
}

/// An entry of `GET /v2/namespaces/{ns}/repositories/{repo}/tags`.
#[derive(Debug, Default, Deserialize)]
pub struct Tag {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub digest: Option<String>,
    #[serde(default)]
    pub media_type: Option<String>,
    #[serde(default)]
    pub full_size: Option<u64>,
    #[serde(default)]
    pub tag_status: Option<String>,
    #[serde(default)]
    pub tag_last_pushed: Option<String>,
    #[serde(default)]
    pub last_updated: Option<String>,
    #[serde(default)]
    pub images: Option<Vec<Image>>,
}

/// One platform of a tag (`images[]`).
#[derive(Debug, Default, Deserialize)]
pub struct Image {
    #[serde(default)]
    pub architecture: Option<String>,
    #[serde(default)]
    pub os: Option<String>,
    #[serde(default)]
    pub variant: Option<String>,
    #[serde(default)]
    pub digest: Option<String>,
    #[serde(default)]
    pub size: Option<u64>,
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub last_pushed: Option<String>,
}

/// `POST /v2/auth/token`'s answer.
#[derive(Deserialize)]
pub struct SignedIn {
    #[serde(default)]
    pub access_token: Option<String>,
}
