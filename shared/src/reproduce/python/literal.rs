//! Values from the trace or the view as Python source: always a double-quoted string
//! literal with every character that could end it or hide in it escaped, so that a
//! hostile registry name, tag or path is only ever data.

use std::fmt::Write as _;

/// `text` as a Python string literal (`"…"`): `\` and `"` escaped, control characters as
/// `\n`, `\r`, `\t` or `\xNN`, anything outside ASCII as `\uNNNN` / `\UNNNNNNNN` (the file
/// stays ASCII, and no look-alike character can pass for a quote).
pub fn py_str(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    out.push_str(&escaped(text));
    out.push('"');
    out
}

/// `Some` as [`py_str`], `None` as Python's `None`.
pub fn py_opt(text: Option<&str>) -> String {
    text.map_or_else(|| "None".to_string(), py_str)
}

/// The inside of a literal (also what a docstring may safely hold).
pub fn escaped(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_ascii_control() => {
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            c if c.is_ascii() => out.push(c),
            c if (c as u32) <= 0xffff => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => {
                let _ = write!(out, "\\U{:08x}", c as u32);
            }
        }
    }
    out
}
