//! Shell-style wildcards for filtering listings: `*` matches any run of characters
//! (including `/`, so `*.conf` finds config files at any depth in a full-path search) and `?`
//! exactly one. No brackets or escapes: a person filtering file names rarely needs them, and
//! a hand-written matcher keeps regex's weight out of the wasm.

/// Whether `pattern` contains a wildcard, i.e. should be matched as a glob rather than as a
/// substring.
pub fn is_glob(pattern: &str) -> bool {
    pattern.contains(['*', '?'])
}

/// Matches all of `text` against `pattern`. Linear backtracking (remember the last `*` and
/// retry one character further), so a hostile pattern like `*a*a*a*b` stays O(n·m).
pub fn glob_match(pattern: &str, text: &str) -> bool {
    let pattern: Vec<char> = pattern.chars().collect();
    let text: Vec<char> = text.chars().collect();
    let (mut p, mut t) = (0, 0);
    // Where the last `*` was, and the text position it currently stands for up to.
    let mut star: Option<(usize, usize)> = None;
    while t < text.len() {
        match pattern.get(p) {
            Some('*') => {
                star = Some((p, t));
                p += 1;
            }
            Some(&c) if c == '?' || c == text[t] => {
                p += 1;
                t += 1;
            }
            _ => match star {
                Some((star_p, star_t)) => {
                    p = star_p + 1;
                    t = star_t + 1;
                    star = Some((star_p, star_t + 1));
                }
                None => return false,
            },
        }
    }
    pattern[p..].iter().all(|&c| c == '*')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table() {
        let cases = [
            ("", "", true),
            ("", "a", false),
            ("*", "", true),
            ("*", "anything/at/all", true),
            ("?", "a", true),
            ("?", "", false),
            ("?", "ab", false),
            ("*.conf", "nginx.conf", true),
            ("*.conf", "/etc/nginx/nginx.conf", true),
            ("*.conf", "nginx.conf.bak", false),
            ("lib*.so.?", "libc.so.6", true),
            ("lib*.so.?", "libc.so.61", false),
            ("a*b*c", "aXXbYYc", true),
            ("a*b*c", "aXXcYYb", false),
            ("*a*a*a*b", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", false),
            ("**", "x", true),
            ("/usr/*/python?", "/usr/bin/python3", true),
            ("ümlaut?", "ümlaut!", true),
            ("exact", "exact", true),
            ("exact", "Exact", false),
        ];
        for (pattern, text, expected) in cases {
            assert_eq!(
                glob_match(pattern, text),
                expected,
                "{pattern:?} vs {text:?}"
            );
        }
    }

    #[test]
    fn wildcards_make_a_glob() {
        assert!(is_glob("*.so"));
        assert!(is_glob("python?"));
        assert!(!is_glob("busybox"));
    }
}
