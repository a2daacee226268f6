//! Image references (`alpine:3.9`, `ghcr.io/org/app@sha256:…`, `[::1]:5000/a/b:v2`) parsed and
//! normalised the way Docker does it.
//!
//! Hand-written rather than regex-based: the regex crate costs ~900 KB of wasm, and a
//! hand-written parser can say exactly *what* is wrong with an input.

mod grammar;
mod pasted;

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::digest::{Digest, DigestError};
use grammar::{validate_component, validate_registry, validate_tag};
pub use pasted::{Pasted, pasted};

/// Docker Hub's canonical registry name.
pub const DOCKER_HUB: &str = "docker.io";
/// Docker Hub's API host: `docker.io` itself serves no registry API.
pub const DOCKER_HUB_API_HOST: &str = "registry-1.docker.io";
/// Legacy Hub names that normalise to [`DOCKER_HUB`] (see [`normalize_registry_host`]).
pub const DOCKER_HUB_ALIASES: [&str; 2] = ["index.docker.io", "registry-1.docker.io"];
/// Hub's implicit namespace for official images.
const OFFICIAL_NAMESPACE: &str = "library";
pub const DEFAULT_TAG: &str = "latest";
/// Distribution's limit on the repository path. The registry host is not counted: distribution
/// accepts `example.com/` followed by 255 characters (`RepositoryNameTotalLengthMax`).
pub const MAX_NAME_LEN: usize = 255;
pub const MAX_TAG_LEN: usize = 128;

/// What is wrong with a reference, precisely enough for a person to fix it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReferenceError {
    #[error("the reference is empty")]
    Empty,
    #[error("references contain no spaces or control characters (found {0:?})")]
    Whitespace(char),
    #[error("drop the \"{0}://\" scheme: a reference names a registry host, not a URL")]
    Scheme(String),
    #[error("the repository name is missing")]
    MissingRepository,
    #[error("the repository name is {0} characters long; at most {MAX_NAME_LEN} are allowed")]
    NameTooLong(usize),
    #[error("\"{0}\" is not a valid registry host")]
    InvalidRegistry(String),
    #[error("\"{port}\" is not a valid port in registry \"{registry}\"")]
    InvalidPort { registry: String, port: String },
    #[error("repository names must be lowercase (\"{0}\")")]
    Uppercase(String),
    #[error(
        "\"{component}\" is not a valid repository path component: use lowercase letters and \
         digits, separated by '.', '_', '__' or dashes, and no empty components"
    )]
    InvalidComponent { component: String },
    #[error("the tag after ':' is empty")]
    EmptyTag,
    #[error(
        "\"{0}\" is not a valid tag: tags are 1 to 128 letters, digits, '_', '.' or '-', \
         not starting with '.' or '-'"
    )]
    InvalidTag(String),
    #[error("invalid digest: {0}")]
    InvalidDigest(#[from] DigestError),
    #[error("a 64-character hex string is an image ID, not a reference; add a repository name")]
    LooksLikeImageId,
    #[error("a repository reference takes no tag or digest (\"{0}\")")]
    UnexpectedTagOrDigest(String),
}

/// A registry and a repository in it: what `/?repo=` names and what tag lists belong to.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Repository {
    /// Normalised registry name (`docker.io`, `ghcr.io`, `localhost:5000`, `[::1]:5000`).
    pub registry: String,
    /// Repository path within the registry (`library/alpine`).
    pub repository: String,
}

/// A parsed, normalised image reference.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Reference {
    pub registry: String,
    pub repository: String,
    /// The tag as written; `None` when only a digest was given.
    pub tag: Option<String>,
    /// The digest, which wins over the tag when both are given.
    pub digest: Option<Digest>,
}

impl Repository {
    /// Parses `REGISTRY/REPOSITORY` (or a short Docker Hub name) with Docker's normalisation.
    pub fn parse(input: &str) -> Result<Repository, ReferenceError> {
        let input = check_characters(input)?;
        check_ipv6_has_repository(input)?;
        // Before the name is checked: `alpine:3.9` should say "no tag here", not complain
        // about a ':' in a path component.
        if input.contains('@') || name_has_tag(input) {
            return Err(ReferenceError::UnexpectedTagOrDigest(input.to_string()));
        }
        parse_name(input)
    }

    /// The host the registry API is served from (Docker Hub's differs from its name).
    pub fn api_host(&self) -> &str {
        api_host(&self.registry)
    }

    /// The short form Docker prints (`alpine`, `user/app`, `ghcr.io/org/app`).
    pub fn familiar(&self) -> String {
        if self.registry == DOCKER_HUB {
            let short = self
                .repository
                .strip_prefix("library/")
                .filter(|rest| !rest.contains('/'))
                .unwrap_or(&self.repository);
            // Unlike Docker's FamiliarString: `docker.io/my.org/app` shortened to
            // `my.org/app` would parse back as registry `my.org` (found by fuzzing).
            let first = short.split_once('/').map(|(first, _)| first);
            if !first.is_some_and(looks_like_registry) {
                return short.to_string();
            }
        }
        format!("{}/{}", self.registry, self.repository)
    }
}

impl fmt::Display for Repository {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.registry, self.repository)
    }
}

/// Whether the text after the last '/' carries a `:tag`.
fn name_has_tag(input: &str) -> bool {
    input
        .rsplit('/')
        .next()
        .is_some_and(|last| last.contains(':'))
}

/// `[::1]:5000` alone is a registry without a repository; without this check its last ':'
/// would be read as a tag separator (tag `1]`).
fn check_ipv6_has_repository(input: &str) -> Result<(), ReferenceError> {
    if input.starts_with('[') && !input.contains('/') {
        return Err(ReferenceError::MissingRepository);
    }
    Ok(())
}

impl Reference {
    /// Parses a reference with Docker's normalisation: `ubuntu` becomes
    /// `docker.io/library/ubuntu:latest`.
    pub fn parse(input: &str) -> Result<Reference, ReferenceError> {
        let input = check_characters(input)?;
        check_ipv6_has_repository(input)?;
        let (rest, digest) = match input.split_once('@') {
            Some((rest, digest)) => (rest, Some(Digest::parse(digest)?)),
            None => (input, None),
        };
        // The tag separator is a ':' after the last '/', so a registry port is never a tag.
        let last_slash = rest.rfind('/').map_or(0, |i| i + 1);
        let (name, tag) = match rest[last_slash..].rfind(':') {
            Some(i) => {
                let (name, tag) = rest.split_at(last_slash + i);
                (name, Some(&tag[1..]))
            }
            None => (rest, None),
        };
        if tag.is_none() && digest.is_none() && is_image_id(name) {
            return Err(ReferenceError::LooksLikeImageId);
        }
        let tag = tag.map(validate_tag).transpose()?;
        let Repository {
            registry,
            repository,
        } = parse_name(name)?;
        let tag = match (tag, &digest) {
            (None, None) => Some(DEFAULT_TAG.to_string()),
            (tag, _) => tag,
        };
        Ok(Reference {
            registry,
            repository,
            tag,
            digest,
        })
    }

    pub fn repository(&self) -> Repository {
        Repository {
            registry: self.registry.clone(),
            repository: self.repository.clone(),
        }
    }

    /// What to put after `/manifests/`: the digest when there is one, else the tag.
    pub fn identifier(&self) -> String {
        match (&self.digest, &self.tag) {
            (Some(digest), _) => digest.to_string(),
            (None, Some(tag)) => tag.clone(),
            (None, None) => DEFAULT_TAG.to_string(),
        }
    }

    /// The same image pinned to `digest` (the tag is dropped: a digest reference is exact).
    pub fn pinned(&self, digest: &Digest) -> Reference {
        Reference {
            digest: Some(digest.clone()),
            tag: None,
            ..self.clone()
        }
    }

    pub fn api_host(&self) -> &str {
        api_host(&self.registry)
    }

    /// The short form Docker prints (`alpine:3.9`).
    pub fn familiar(&self) -> String {
        let mut out = self.repository().familiar();
        push_suffix(&mut out, self);
        out
    }

    /// How the input was expanded, for people learning the rules.
    pub fn normalization_notes(&self, input: &str) -> Vec<String> {
        let input = input.trim();
        let mut notes = Vec::new();
        let first = input.split('/').next().unwrap_or_default();
        let explicit_registry = input.contains('/') && looks_like_registry(first);
        if !explicit_registry {
            notes.push(format!(
                "No registry host given (the first path part has no '.' or ':' and is not \
                 \"localhost\"), so the registry is Docker Hub, \"{DOCKER_HUB}\"."
            ));
        } else if DOCKER_HUB_ALIASES.contains(&first) {
            notes.push(format!("\"{first}\" is an alias of \"{DOCKER_HUB}\"."));
        }
        if self.registry == DOCKER_HUB {
            notes.push(format!(
                "Docker Hub's registry API is served from \"{DOCKER_HUB_API_HOST}\"."
            ));
            let name = if explicit_registry {
                input.split_once('/').map_or("", |(_, rest)| rest)
            } else {
                input
            };
            let name = name.split(['@', ':']).next().unwrap_or_default();
            if !name.contains('/') {
                notes.push(format!(
                    "Single-name Hub repositories live in the \"{OFFICIAL_NAMESPACE}/\" \
                     namespace (official images)."
                ));
            }
        }
        let after_slash = input.rsplit('/').next().unwrap_or_default();
        if self.digest.is_none() && !after_slash.contains(':') {
            notes.push(format!("No tag given, so the tag is \"{DEFAULT_TAG}\"."));
        }
        if self.digest.is_some() && after_slash.split('@').next().unwrap_or("").contains(':') {
            notes.push("Both a tag and a digest were given: the digest wins.".to_string());
        }
        notes
    }
}

impl fmt::Display for Reference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut out = format!("{}/{}", self.registry, self.repository);
        push_suffix(&mut out, self);
        f.write_str(&out)
    }
}

fn push_suffix(out: &mut String, reference: &Reference) {
    if let Some(tag) = &reference.tag {
        out.push(':');
        out.push_str(tag);
    }
    if let Some(digest) = &reference.digest {
        out.push('@');
        out.push_str(&digest.to_string());
    }
}

/// A registry host as references name it: Docker Hub's legacy names (`index.docker.io`,
/// `registry-1.docker.io`, as `docker login` writes them into config.json) become
/// [`DOCKER_HUB`]; every other host is returned as given.
pub fn normalize_registry_host(host: &str) -> &str {
    if DOCKER_HUB_ALIASES
        .iter()
        .any(|alias| alias.eq_ignore_ascii_case(host))
    {
        DOCKER_HUB
    } else {
        host
    }
}

fn api_host(registry: &str) -> &str {
    if registry == DOCKER_HUB {
        DOCKER_HUB_API_HOST
    } else {
        registry
    }
}

fn check_characters(input: &str) -> Result<&str, ReferenceError> {
    let input = input.trim();
    if input.is_empty() {
        return Err(ReferenceError::Empty);
    }
    if let Some(c) = input.chars().find(|c| c.is_whitespace() || c.is_control()) {
        return Err(ReferenceError::Whitespace(c));
    }
    if let Some((scheme, _)) = input.split_once("://") {
        return Err(ReferenceError::Scheme(scheme.to_string()));
    }
    Ok(input)
}

fn is_image_id(name: &str) -> bool {
    name.len() == 64 && name.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Docker's rule: the first component is a registry if it has '.' or ':' or is `localhost`
/// (or holds uppercase letters, which a repository cannot).
fn looks_like_registry(first: &str) -> bool {
    first.contains(['.', ':'])
        || first == "localhost"
        || first.starts_with('[')
        || first.chars().any(|c| c.is_ascii_uppercase())
}

fn parse_name(name: &str) -> Result<Repository, ReferenceError> {
    if name.is_empty() {
        return Err(ReferenceError::MissingRepository);
    }
    let (registry, repository) = match name.split_once('/') {
        Some((first, rest)) if looks_like_registry(first) => (validate_registry(first)?, rest),
        _ => (DOCKER_HUB.to_string(), name),
    };
    if repository.is_empty() {
        return Err(ReferenceError::MissingRepository);
    }
    let repository = if registry == DOCKER_HUB && !repository.contains('/') {
        format!("{OFFICIAL_NAMESPACE}/{repository}")
    } else {
        repository.to_string()
    };
    for component in repository.split('/') {
        validate_component(component)?;
    }
    if repository.len() > MAX_NAME_LEN {
        return Err(ReferenceError::NameTooLong(repository.len()));
    }
    Ok(Repository {
        registry,
        repository,
    })
}

/// Whether `tag` is a valid tag (used to sort junk out of tag lists).
pub fn is_valid_tag(tag: &str) -> bool {
    validate_tag(tag).is_ok()
}
