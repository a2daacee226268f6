//! Re-indents JSON text for display without parsing it into a map.
//!
//! Going through `serde_json::Value` would sort keys (no `preserve_order` here) and normalise
//! numbers and escapes, so the "pretty" view would no longer show what the registry sent.
//! Instead the raw text is split into tokens and only whitespace is changed; strings keep
//! their escapes exactly as received.

/// Above this size the pretty view is not offered: the exact text renders far cheaper.
pub const MAX_PRETTY_BYTES: usize = 512 * 1024;
const INDENT_LIMIT: usize = 64;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TokenKind {
    /// An object key, with its quotes.
    Key,
    /// A string value, with its quotes.
    Str,
    /// A number, `true`, `false` or `null`.
    Literal,
    /// Brackets, braces, `,` and `: `.
    Punct,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    pub kind: TokenKind,
    pub text: String,
}

impl Token {
    /// A string's content when it needs no unescaping (digests, media types, most values).
    pub fn plain_string(&self) -> Option<&str> {
        let inner = self.text.strip_prefix('"')?.strip_suffix('"')?;
        (!inner.contains('\\')).then_some(inner)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Line {
    pub indent: usize,
    pub tokens: Vec<Token>,
}

/// Splits `text` into indented lines, or `None` if it is not well-formed enough to indent
/// (the caller then shows the exact text).
pub fn pretty_lines(text: &str) -> Option<Vec<Line>> {
    if text.len() > MAX_PRETTY_BYTES {
        return None;
    }
    let bytes = text.as_bytes();
    let mut lines = vec![Line::default()];
    let mut stack: Vec<u8> = Vec::new();
    let mut i = 0;
    let push = |lines: &mut Vec<Line>, kind, text: &str| {
        let line = lines.last_mut().expect("there is always a line");
        line.tokens.push(Token {
            kind,
            text: text.to_string(),
        });
    };
    let newline = |lines: &mut Vec<Line>, indent: usize| {
        lines.push(Line {
            indent,
            tokens: Vec::new(),
        });
    };
    while i < bytes.len() {
        let b = bytes[i];
        match b {
            b' ' | b'\t' | b'\n' | b'\r' => i += 1,
            b'{' | b'[' => {
                let close = if b == b'{' { b'}' } else { b']' };
                let next = skip_whitespace(bytes, i + 1);
                if bytes.get(next) == Some(&close) {
                    push(
                        &mut lines,
                        TokenKind::Punct,
                        if b == b'{' { "{}" } else { "[]" },
                    );
                    i = next + 1;
                    continue;
                }
                stack.push(close);
                if stack.len() > INDENT_LIMIT {
                    return None;
                }
                push(&mut lines, TokenKind::Punct, &text[i..=i]);
                newline(&mut lines, stack.len());
                i += 1;
            }
            b'}' | b']' => {
                if stack.pop() != Some(b) {
                    return None;
                }
                newline(&mut lines, stack.len());
                push(&mut lines, TokenKind::Punct, &text[i..=i]);
                i += 1;
            }
            b',' => {
                push(&mut lines, TokenKind::Punct, ",");
                newline(&mut lines, stack.len());
                i += 1;
            }
            b':' => {
                push(&mut lines, TokenKind::Punct, ": ");
                i += 1;
            }
            b'"' => {
                let end = string_end(bytes, i)?;
                let after = skip_whitespace(bytes, end);
                let kind = if bytes.get(after) == Some(&b':') {
                    TokenKind::Key
                } else {
                    TokenKind::Str
                };
                push(&mut lines, kind, &text[i..end]);
                i = end;
            }
            b'-' | b'0'..=b'9' | b'a'..=b'z' => {
                let end = bytes[i..]
                    .iter()
                    .position(|c| !(c.is_ascii_alphanumeric() || b"+-.".contains(c)))
                    .map_or(bytes.len(), |n| i + n);
                push(&mut lines, TokenKind::Literal, &text[i..end]);
                i = end;
            }
            _ => return None,
        }
    }
    if !stack.is_empty() {
        return None;
    }
    lines.retain(|line| !line.tokens.is_empty());
    Some(lines)
}

fn skip_whitespace(bytes: &[u8], mut i: usize) -> usize {
    while i < bytes.len() && bytes[i].is_ascii_whitespace() {
        i += 1;
    }
    i
}

/// The index just past the closing quote of the string starting at `start`.
fn string_end(bytes: &[u8], start: usize) -> Option<usize> {
    let mut i = start + 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'"' => return Some(i + 1),
            _ => i += 1,
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(lines: &[Line]) -> String {
        lines
            .iter()
            .map(|l| {
                let text: String = l.tokens.iter().map(|t| t.text.as_str()).collect();
                format!("{}{}", "  ".repeat(l.indent), text)
            })
            .collect::<Vec<_>>()
            .join("\n")
    }

    #[test]
    fn indents_and_keeps_key_order_and_escapes() {
        let raw = r#"{"z":1,"a":{"s":"x\"y","e":[],"o":{}},"l":[true,null,-1.5e3]}"#;
        let lines = pretty_lines(raw).unwrap();
        let want = "{\n  \"z\": 1,\n  \"a\": {\n    \"s\": \"x\\\"y\",\n    \"e\": [],\n    \
                    \"o\": {}\n  },\n  \"l\": [\n    true,\n    null,\n    -1.5e3\n  ]\n}";
        assert_eq!(render(&lines), want);
        assert_eq!(lines[1].tokens[0].kind, TokenKind::Key);
        assert_eq!(lines[3].tokens[2].kind, TokenKind::Str);
    }

    #[test]
    fn reindents_already_pretty_text_identically() {
        let raw = "{\n   \"a\" : [ 1 , 2 ]\n}\n";
        assert_eq!(
            render(&pretty_lines(raw).unwrap()),
            "{\n  \"a\": [\n    1,\n    2\n  ]\n}"
        );
    }

    #[test]
    fn plain_strings_expose_digests() {
        let lines = pretty_lines(r#"{"digest":"sha256:abc","x":"a\nb"}"#).unwrap();
        assert_eq!(lines[1].tokens[2].plain_string(), Some("sha256:abc"));
        assert_eq!(lines[2].tokens[2].plain_string(), None);
    }

    #[test]
    fn rejects_what_it_cannot_indent() {
        for bad in ["{", "[1}", "\"open", "<html>", "{\"a\":1}}"] {
            assert!(pretty_lines(bad).is_none(), "{bad:?}");
        }
    }
}
