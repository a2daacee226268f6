//! A tag that is not there, explained: which tag, whether Lading assumed it, the tags near
//! it, and whether the repository exists at all.
//!
//! A `HEAD` of a missing manifest carries no error body; the one `GET` after it (see
//! `manifests`) reads the registry's own, but registries word "no such tag" and "no such
//! repository" alike (Harbor's `UNKNOWN` "not found", GHCR's one answer for private and
//! missing). One extra request, the first page of the tag list
//! (bounded like any tag page, and in time), settles it, and is recorded in the trace: a
//! repository's absence is reported as such, never as a missing tag of a repository that
//! does not exist.

use std::cmp::Reverse;
use std::sync::Arc;
use std::time::Duration;

use lading_shared::api::ErrorKind;
use lading_shared::reference::DEFAULT_TAG;
use lading_shared::{Digest, Reference};

use super::tags::TagPagesWanted;
use super::{RawManifest, Session};
use crate::error::ProxyError;

/// Near tags offered for a missing one.
pub const MAX_SUGGESTIONS: usize = 5;
/// The longest the tag-list look-up may add to an answer that is already a failure.
pub const MISSING_TAG_LOOKUP: Duration = Duration::from_secs(5);

impl Session {
    /// [`Session::fetch_manifest`] for the manifest a person named, with a missing tag
    /// explained (see the module comment). `tag_assumed`: no tag was given, so the tag is
    /// `latest` by Docker's rule, and the message says so.
    pub async fn fetch_reference(
        &self,
        reference: &Reference,
        tag_assumed: bool,
    ) -> Result<(Arc<RawManifest>, Digest), ProxyError> {
        let fetched = self
            .fetch_manifest(&reference.repository, &reference.identifier())
            .await;
        match fetched {
            Err(error) if error.kind() == ErrorKind::ManifestUnknown => match &reference.tag {
                Some(tag) if reference.digest.is_none() => {
                    Err(self.missing_tag(reference, tag, tag_assumed, error).await)
                }
                _ => Err(error),
            },
            other => other,
        }
    }

    async fn missing_tag(
        &self,
        reference: &Reference,
        tag: &str,
        assumed: bool,
        error: ProxyError,
    ) -> ProxyError {
        let first = self.read_tags(&reference.repository, TagPagesWanted::First);
        let tags = match tokio::time::timeout(MISSING_TAG_LOOKUP, first).await {
            Ok(Ok(pages)) => pages.sorted.tags,
            Ok(Err(listing)) if listing.kind() == ErrorKind::NameUnknown => return listing,
            // Slow, refused or odd: the registry's own answer stands, the tag still named.
            _ => Vec::new(),
        };
        let mut suggestions = near_tags(tag, &tags);
        if assumed && suggestions.is_empty() {
            suggestions = tags.into_iter().take(MAX_SUGGESTIONS).collect();
        }
        let repository = reference.repository().familiar();
        let mut message = match assumed {
            true => format!(
                "no tag given, so Lading asked for :{DEFAULT_TAG}, which {repository} has not"
            ),
            false => format!("{repository} has no tag {tag:?}"),
        };
        if !suggestions.is_empty() {
            let noun = if assumed { "tags it has" } else { "near tags" };
            message.push_str(&format!("; {noun}: {}", suggestions.join(", ")));
        }
        error.explained(message, suggestions)
    }
}

/// Whether `reference`'s tag is Docker's default because `input` named none.
pub fn tag_was_assumed(input: &str, reference: &Reference) -> bool {
    let last = input.trim().rsplit('/').next().unwrap_or_default();
    reference.digest.is_none()
        && reference.tag.as_deref() == Some(DEFAULT_TAG)
        && !last.contains([':', '@'])
}

/// Up to [`MAX_SUGGESTIONS`] of `tags` a person may have meant by `missing`: tags that
/// extend it first (`3.19` → `3.19.1`), then by edit distance, then by a longer common
/// prefix. Far tags are left out: an unrelated suggestion is noise.
pub fn near_tags(missing: &str, tags: &[String]) -> Vec<String> {
    let wanted = missing.to_ascii_lowercase();
    let limit = (wanted.chars().count() / 3).max(2);
    let mut near: Vec<(bool, usize, Reverse<usize>, &String)> = tags
        .iter()
        .filter(|tag| tag.as_str() != missing)
        .filter_map(|tag| {
            let lower = tag.to_ascii_lowercase();
            let distance = strsim::levenshtein(&wanted, &lower);
            let prefix = common_prefix(&wanted, &lower);
            let extends = lower.starts_with(&wanted);
            let close = distance <= limit || extends || prefix >= 3;
            close.then_some((!extends, distance, Reverse(prefix), tag))
        })
        .collect();
    near.sort();
    near.into_iter()
        .take(MAX_SUGGESTIONS)
        .map(|(.., tag)| tag.clone())
        .collect()
}

fn common_prefix(a: &str, b: &str) -> usize {
    a.chars().zip(b.chars()).take_while(|(x, y)| x == y).count()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tags(list: &[&str]) -> Vec<String> {
        list.iter().map(|t| t.to_string()).collect()
    }

    #[test]
    fn near_tags_extend_then_resemble() {
        let alpine = tags(&["3.18", "3.19.1", "3.20", "edge", "latest", "3.19.0"]);
        let cases: [(&str, &[String], &[&str]); 7] = [
            ("3.19", &alpine, &["3.19.0", "3.19.1", "3.18", "3.20"]),
            ("lates", &alpine, &["latest"]),
            ("Latest", &alpine, &["latest"]),
            ("egde", &alpine, &["edge"]),
            ("nightly", &alpine, &[]),
            (
                "v1",
                &tags(&["v1.0", "v2", "v10", "1"]),
                &["v10", "v1.0", "v2", "1"],
            ),
            ("anything", &[], &[]),
        ];
        for (missing, list, want) in cases {
            assert_eq!(near_tags(missing, list), want, "{missing}");
        }
        let many: Vec<String> = (0..20).map(|i| format!("1.{i}")).collect();
        assert_eq!(near_tags("1.1", &many).len(), MAX_SUGGESTIONS);
    }

    #[test]
    fn the_default_tag_is_assumed_only_when_none_was_written() {
        let cases = [
            ("alpine", true),
            ("docker.io/library/alpine", true),
            ("localhost:5000/app", true),
            ("alpine:latest", false),
            ("localhost:5000/app:latest", false),
            ("alpine:3.19", false),
        ];
        for (input, want) in cases {
            let reference = Reference::parse(input).unwrap();
            assert_eq!(tag_was_assumed(input, &reference), want, "{input}");
        }
        let pinned = format!("alpine@sha256:{}", "a".repeat(64));
        let reference = Reference::parse(&pinned).unwrap();
        assert!(!tag_was_assumed(&pinned, &reference));
    }
}
