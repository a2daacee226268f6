//! The filter box of a listing: a case-insensitive substring, or, once it holds `*` or `?`,
//! a glob over the whole name (or path) — `*.so` must not match `libc.so.6`.

use lading_shared::glob::{glob_match, is_glob};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NameFilter {
    Everything,
    Substring(String),
    Glob(String),
}

impl NameFilter {
    pub fn parse(input: &str) -> NameFilter {
        let input = input.trim();
        if input.is_empty() {
            NameFilter::Everything
        } else if is_glob(input) {
            NameFilter::Glob(input.to_owned())
        } else {
            NameFilter::Substring(input.to_lowercase())
        }
    }

    pub fn is_active(&self) -> bool {
        *self != NameFilter::Everything
    }

    pub fn matches(&self, text: &str) -> bool {
        match self {
            NameFilter::Everything => true,
            NameFilter::Substring(needle) => text.to_lowercase().contains(needle.as_str()),
            NameFilter::Glob(pattern) => glob_match(pattern, text),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn substring_or_glob() {
        let cases = [
            ("", "anything", true),
            ("Host", "hostname", true),
            ("host", "passwd", false),
            ("*.conf", "nginx.conf", true),
            ("*.conf", "nginx.conf.bak", false),
            ("/etc/*.conf", "/etc/nginx/nginx.conf", true),
            ("python?", "python3", true),
        ];
        for (filter, text, expected) in cases {
            assert_eq!(
                NameFilter::parse(filter).matches(text),
                expected,
                "{filter:?} vs {text:?}"
            );
        }
    }
}
