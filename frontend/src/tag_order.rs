//! Tag ordering and filtering for the tag list: version-aware ("3.9" before "3.10",
//! "1.0.0-rc1" before "1.0.0"), alphabetical, as the registry sent them, or newest push
//! first where the registry gives dates.
//!
//! Ordering goes through a precomputed key rather than a hand-written comparator: Rust's
//! sort may panic on a comparator that is not a total order, and ad-hoc pre-release rules
//! easily create cycles. A lexicographic order over an `Ord` token type cannot.

use std::cmp::Reverse;
use std::collections::HashMap;

use lading_shared::glob::{glob_match, is_glob};

/// Words that mark a pre-release when they follow `-` or `.` ("1.0.0-rc1", "2.0.beta").
const PRERELEASE_WORDS: [&str; 8] = [
    "alpha", "beta", "rc", "pre", "preview", "dev", "snapshot", "nightly",
];

/// Suffixes cosign puts after `sha256-<hex>`: signature, attestation, SBOM.
const SIGNATURE_SUFFIXES: [&str; 3] = [".sig", ".att", ".sbom"];

/// Hex digits in a sha256 digest.
const SHA256_HEX: usize = 64;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TagOrder {
    /// Highest version first: words ("latest", "edge") then 3.20, 3.19, …, 3.9.
    VersionDescending,
    VersionAscending,
    Alphabetical,
    /// Exactly as the registry listed them (distribution does not sort).
    AsReceived,
    /// Newest first by the date the registry gives (pushed, else created); undated tags
    /// last, by version. Offered only when there are dates.
    RecentlyPushed,
}

impl TagOrder {
    pub const ALL: [TagOrder; 5] = [
        TagOrder::VersionDescending,
        TagOrder::VersionAscending,
        TagOrder::Alphabetical,
        TagOrder::AsReceived,
        TagOrder::RecentlyPushed,
    ];

    pub fn id(self) -> &'static str {
        match self {
            TagOrder::VersionDescending => "version-desc",
            TagOrder::VersionAscending => "version-asc",
            TagOrder::Alphabetical => "alpha",
            TagOrder::AsReceived => "received",
            TagOrder::RecentlyPushed => "pushed",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            TagOrder::VersionDescending => "Version, highest first",
            TagOrder::VersionAscending => "Version, lowest first",
            TagOrder::Alphabetical => "Alphabetical",
            TagOrder::AsReceived => "As the registry sent them",
            TagOrder::RecentlyPushed => "Recently pushed (newest first)",
        }
    }

    pub fn from_id(id: &str) -> TagOrder {
        TagOrder::ALL
            .into_iter()
            .find(|o| o.id() == id)
            .unwrap_or(TagOrder::VersionDescending)
    }
}

/// One piece of a tag. Declaration order is the sort order: a pre-release sorts before the
/// end of the tag, which sorts before any further text.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Token {
    PreRelease(String),
    End,
    Separator(u8),
    /// Digits without leading zeros, compared by length first, so "10" > "9".
    Number(usize, String),
    Word(String),
}

fn version_key(tag: &str) -> Vec<Token> {
    // "v1.2.3" is version 1.2.3, not a word: many projects tag that way.
    let tag = match tag.strip_prefix(['v', 'V']) {
        Some(rest) if rest.starts_with(|c: char| c.is_ascii_digit()) => rest,
        _ => tag,
    };
    let bytes = tag.as_bytes();
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let start = i;
        let b = bytes[i];
        if b.is_ascii_digit() {
            while i < bytes.len() && bytes[i].is_ascii_digit() {
                i += 1;
            }
            let digits = tag[start..i].trim_start_matches('0');
            tokens.push(Token::Number(digits.len(), digits.to_string()));
        } else if b.is_ascii_alphabetic() {
            while i < bytes.len() && bytes[i].is_ascii_alphabetic() {
                i += 1;
            }
            tokens.push(Token::Word(tag[start..i].to_ascii_lowercase()));
        } else {
            i += 1;
            let word_end = bytes[i..]
                .iter()
                .position(|c| !c.is_ascii_alphabetic())
                .map_or(bytes.len(), |n| i + n);
            let word = tag[i..word_end].to_ascii_lowercase();
            if matches!(b, b'-' | b'.') && PRERELEASE_WORDS.contains(&word.as_str()) {
                tokens.push(Token::PreRelease(word));
                i = word_end;
            } else {
                tokens.push(Token::Separator(b));
            }
        }
    }
    tokens.push(Token::End);
    tokens
}

/// A tag named after a digest (`sha256-<64 hex>`, optionally `.sig`/`.att`/`.sbom`): what
/// cosign and friends push next to an image. Signatures, not versions.
fn is_digest_tag(tag: &str) -> bool {
    let Some(rest) = tag.strip_prefix("sha256-") else {
        return false;
    };
    let hex = SIGNATURE_SUFFIXES
        .iter()
        .find_map(|suffix| rest.strip_suffix(suffix))
        .unwrap_or(rest);
    hex.len() == SHA256_HEX && hex.bytes().all(|b| b.is_ascii_hexdigit())
}

/// `tags` in the chosen order (a new vector; the input stays as received). In both version
/// orders, digest-shaped tags come after every other.
pub fn sort_tags(tags: &[String], order: TagOrder) -> Vec<String> {
    sort_dated_tags(tags, order, &HashMap::new())
}

/// [`sort_tags`], with each tag's date (milliseconds since 1970) for
/// [`TagOrder::RecentlyPushed`].
pub fn sort_dated_tags(
    tags: &[String],
    order: TagOrder,
    dates: &HashMap<String, i64>,
) -> Vec<String> {
    let mut sorted = tags.to_vec();
    match order {
        TagOrder::RecentlyPushed => {
            sorted = sort_tags(tags, TagOrder::VersionDescending);
            // Stable: equal and missing dates keep the version order.
            sorted.sort_by_key(|t| {
                dates
                    .get(t)
                    .map_or((true, Reverse(0)), |d| (false, Reverse(*d)))
            });
        }
        TagOrder::VersionAscending => {
            sorted.sort_by_cached_key(|t| (is_digest_tag(t), version_key(t), t.clone()));
        }
        TagOrder::VersionDescending => {
            sorted.sort_by_cached_key(|t| (is_digest_tag(t), Reverse((version_key(t), t.clone()))));
        }
        TagOrder::Alphabetical => sorted.sort(),
        TagOrder::AsReceived => {}
    }
    sorted
}

/// Names and their ASCII lower-case keys, made once per order: a keystroke only scans.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KeyedNames {
    pub names: Vec<String>,
    keys: Vec<String>,
}

impl KeyedNames {
    pub fn new(names: Vec<String>) -> KeyedNames {
        let keys = names.iter().map(|n| n.to_ascii_lowercase()).collect();
        KeyedNames { names, keys }
    }

    /// The indices of the names containing `needle`, ignoring ASCII case; all of them when
    /// `needle` is blank. With `*` or `?`, a glob over the whole name: the listing's rule.
    pub fn matching(&self, needle: &str) -> Vec<usize> {
        let filter = TextFilter::new(needle);
        let keyed = self.names.iter().zip(&self.keys);
        let found = keyed
            .enumerate()
            .filter(|(_, (n, k))| filter.matches_keyed(n, k));
        found.map(|(i, _)| i).collect()
    }
}

/// The tag list's filter rule, for any list of names (tags, repositories).
pub enum TextFilter {
    All,
    Glob(String),
    Substring(String),
}

impl TextFilter {
    pub fn new(needle: &str) -> TextFilter {
        let needle = needle.trim();
        if is_glob(needle) {
            TextFilter::Glob(needle.to_owned())
        } else if needle.is_empty() {
            TextFilter::All
        } else {
            TextFilter::Substring(needle.to_ascii_lowercase())
        }
    }

    pub fn matches(&self, text: &str) -> bool {
        match self {
            TextFilter::All => true,
            TextFilter::Glob(pattern) => glob_match(pattern, text),
            TextFilter::Substring(needle) => text.to_ascii_lowercase().contains(needle.as_str()),
        }
    }

    /// [`TextFilter::matches`] with `text` already in ASCII lower case (`key`).
    pub fn matches_keyed(&self, text: &str, key: &str) -> bool {
        match self {
            TextFilter::Substring(needle) => key.contains(needle.as_str()),
            other => other.matches(text),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn owned(tags: &[&str]) -> Vec<String> {
        tags.iter().map(|t| t.to_string()).collect()
    }

    fn filter_tags(tags: &[String], needle: &str) -> Vec<String> {
        let found = KeyedNames::new(tags.to_vec()).matching(needle);
        found.into_iter().map(|i| tags[i].clone()).collect()
    }

    #[test]
    fn versions_sort_numerically_with_prereleases_first() {
        let tags = owned(&[
            "3.10",
            "latest",
            "3.9",
            "1.0.0",
            "1.0.0-rc1",
            "3.9-alpine",
            "1.0.0-alpine",
            "v2",
            "edge",
            "1.0.0-beta.2",
            "1.0.0-beta.10",
            "010",
            "version",
        ]);
        let want = owned(&[
            "1.0.0-beta.2",
            "1.0.0-beta.10",
            "1.0.0-rc1",
            "1.0.0",
            "1.0.0-alpine",
            "v2",
            "3.9",
            "3.9-alpine",
            "3.10",
            "010",
            "edge",
            "latest",
            "version",
        ]);
        assert_eq!(sort_tags(&tags, TagOrder::VersionAscending), want);
        let mut reversed = want.clone();
        reversed.reverse();
        assert_eq!(sort_tags(&tags, TagOrder::VersionDescending), reversed);
    }

    #[test]
    fn other_orders() {
        let tags = owned(&["b", "a10", "a9", "A1"]);
        assert_eq!(
            sort_tags(&tags, TagOrder::Alphabetical),
            owned(&["A1", "a10", "a9", "b"])
        );
        assert_eq!(sort_tags(&tags, TagOrder::AsReceived), tags);
        for order in TagOrder::ALL {
            assert_eq!(TagOrder::from_id(order.id()), order);
        }
        assert_eq!(TagOrder::from_id("nonsense"), TagOrder::VersionDescending);
    }

    #[test]
    fn recently_pushed_is_newest_first_then_undated_by_version() {
        let tags = owned(&["1.0", "2.0", "old", "new", "undated"]);
        let dates = HashMap::from([
            ("old".to_owned(), 10),
            ("new".to_owned(), 30),
            ("1.0".to_owned(), 20),
            ("2.0".to_owned(), 20),
        ]);
        assert_eq!(
            sort_dated_tags(&tags, TagOrder::RecentlyPushed, &dates),
            owned(&["new", "2.0", "1.0", "old", "undated"])
        );
    }

    #[test]
    fn leading_zeros_do_not_break_the_total_order() {
        let tags = owned(&["01", "1", "001", "1.0", "1.00"]);
        let sorted = sort_tags(&tags, TagOrder::VersionAscending);
        assert_eq!(sorted, owned(&["001", "01", "1", "1.0", "1.00"]));
    }

    #[test]
    fn ten_thousand_tags_sort_without_panicking() {
        let tags: Vec<String> = (0..10_000)
            .map(|i| match i % 4 {
                0 => format!("{}.{}.{}", i % 7, i % 13, i),
                1 => format!("{}.{}-rc{}", i % 5, i % 3, i % 11),
                2 => format!("build-{i}"),
                _ => format!("{i:x}-alpine"),
            })
            .collect();
        let sorted = sort_tags(&tags, TagOrder::VersionDescending);
        assert_eq!(sorted.len(), tags.len());
    }

    #[test]
    fn filters_case_insensitively() {
        let tags = owned(&["3.9-Alpine", "3.9", "edge"]);
        assert_eq!(filter_tags(&tags, "alp"), owned(&["3.9-Alpine"]));
        assert_eq!(filter_tags(&tags, "  "), tags);
        assert!(filter_tags(&tags, "zzz").is_empty());
    }

    #[test]
    fn wildcards_glob_the_whole_tag() {
        let tags = owned(&["3.9-alpine", "3.9", "3.19", "edge", "alpine"]);
        assert_eq!(filter_tags(&tags, "3.?"), owned(&["3.9"]));
        assert_eq!(
            filter_tags(&tags, "*alpine"),
            owned(&["3.9-alpine", "alpine"])
        );
        assert_eq!(
            filter_tags(&tags, " 3.* "),
            owned(&["3.9-alpine", "3.9", "3.19"])
        );
        assert!(
            filter_tags(&tags, "lp*e").is_empty(),
            "whole tag, not a substring"
        );
    }

    #[test]
    fn digest_tags_sort_after_versions_both_ways() {
        let hex = "0123456789abcdef".repeat(4);
        let sig = format!("sha256-{hex}.sig");
        let att = format!("sha256-{hex}.att");
        let bare = format!("sha256-{hex}");
        let short = "sha256-abc".to_owned();
        let tags = vec![
            sig.clone(),
            "1.0".to_owned(),
            bare.clone(),
            "latest".to_owned(),
            short.clone(),
            att.clone(),
            "2.0".to_owned(),
        ];
        let cases = [
            (
                TagOrder::VersionAscending,
                vec!["1.0", "2.0", "latest", &short, &bare, &att, &sig],
            ),
            (
                TagOrder::VersionDescending,
                vec![&short, "latest", "2.0", "1.0", &sig, &att, &bare],
            ),
        ];
        for (order, want) in cases {
            assert_eq!(sort_tags(&tags, order), owned(&want), "{order:?}");
        }
        let not_digests = [format!("sha256-{hex}.txt"), format!("sha512-{hex}"), short];
        for tag in not_digests {
            assert!(!is_digest_tag(&tag), "{tag}");
        }
    }
}
