//! The filter box of a listing, one rule for a layer and the merged filesystem: the pattern
//! is matched against the entry's name, or against its full path once it holds a `/`. It is
//! a case-insensitive substring, or, once it holds `*` or `?`, a glob over the whole name
//! (or path) — `*.so` must not match `libc.so.6`. A path glob that does not start at the
//! root (`links/*`) matches at any depth: `/links/a` and `/x/links/a`.

use lading_shared::glob::{glob_match, is_glob};
use lading_shared::layer::file_name;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NameFilter {
    Everything,
    Substring { needle: String, by_path: bool },
    Glob { pattern: String, by_path: bool },
}

impl NameFilter {
    pub fn parse(input: &str) -> NameFilter {
        let input = input.trim();
        let by_path = input.contains('/');
        if input.is_empty() {
            NameFilter::Everything
        } else if is_glob(input) {
            // `*` crosses `/`, so `*/links/*` is `links/*` under any folder, or the root.
            let anchored = !by_path || input.starts_with(['/', '*']);
            let pattern = match anchored {
                true => input.to_owned(),
                false => format!("*/{input}"),
            };
            NameFilter::Glob { pattern, by_path }
        } else {
            NameFilter::Substring {
                needle: input.to_lowercase(),
                by_path,
            }
        }
    }

    pub fn is_active(&self) -> bool {
        *self != NameFilter::Everything
    }

    /// Whether the entry at `path` (normalised, absolute) matches.
    #[cfg(test)]
    pub fn matches(&self, path: &str) -> bool {
        self.matches_keyed(path, &path.to_lowercase())
    }

    /// [`NameFilter::matches`] with `path` already in lower case (`lower`), as the tree keeps
    /// it: a keystroke over 100,000 entries then lowers nothing.
    pub fn matches_keyed(&self, path: &str, lower: &str) -> bool {
        let subject = |path, by_path: bool| if by_path { path } else { file_name(path) };
        match self {
            NameFilter::Everything => true,
            NameFilter::Substring { needle, by_path } => {
                subject(lower, *by_path).contains(needle.as_str())
            }
            NameFilter::Glob { pattern, by_path } => glob_match(pattern, subject(path, *by_path)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_unless_the_pattern_has_a_slash() {
        let cases = [
            ("", "/anything", true),
            ("Host", "/etc/hostname", true),
            ("host", "/etc/passwd", false),
            // A name pattern does not see the directories above.
            ("etc", "/etc/passwd", false),
            ("*.conf", "/etc/nginx/nginx.conf", true),
            ("*.conf", "/etc/nginx.conf.bak", false),
            ("python?", "/usr/bin/python3", true),
            // With a slash, the full path.
            ("etc/", "/etc/passwd", true),
            ("/etc/*.conf", "/etc/nginx/nginx.conf", true),
            ("/usr/*/python3", "/usr/bin/python3", true),
            ("/bin/", "/usr/sbin/x", false),
            // A path glob not from the root: at any depth, its first part a whole name.
            ("links/*", "/links/a", true),
            ("links/*", "/x/links/a", true),
            ("links/*", "/symlinks/a", false),
            ("links/*", "/links", false),
            ("usr/*/python3", "/usr/bin/python3", true),
            ("usr/*/python3", "/opt/usr/bin/python3", true),
            ("/links/*", "/x/links/a", false),
        ];
        for (filter, path, expected) in cases {
            assert_eq!(
                NameFilter::parse(filter).matches(path),
                expected,
                "{filter:?} vs {path:?}"
            );
        }
    }
}
