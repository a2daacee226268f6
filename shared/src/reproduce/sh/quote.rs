//! Making a value from the trace or the view safe to land in a script: as a single-quoted
//! shell word, or as comment text.
//!
//! Single quotes are the one shell quoting with no special characters inside (no `$`, no
//! backquote, no backslash), so a value becomes code only by closing the quote: each `'` is
//! written as `'\''` (close, an escaped quote, reopen). A newline inside single quotes is
//! literal. NUL cannot be held by a shell variable at all, so it is dropped.

/// `value` as one shell word, whatever it holds.
pub fn sh_quote(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('\'');
    for c in value.chars() {
        match c {
            '\'' => out.push_str(r"'\''"),
            '\0' => {}
            c => out.push(c),
        }
    }
    out.push('\'');
    out
}

/// `text` for a `#` comment: a newline (or any control character) would end the comment
/// and start a command, so every one becomes `?`.
pub fn comment(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { '?' } else { c })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::process::Command;

    /// What `sh` makes of `printf %s WORD`: the value back, byte for byte, and nothing run.
    fn through_sh(value: &str) -> String {
        let script = format!("printf '%s' {}", sh_quote(value));
        let out = Command::new("/bin/sh")
            .arg("-c")
            .arg(&script)
            .output()
            .expect("run /bin/sh");
        assert!(out.status.success(), "{script}");
        String::from_utf8(out.stdout).expect("utf-8")
    }

    #[test]
    fn hostile_values_stay_one_word() {
        let marker = std::env::temp_dir().join(format!("lading-sh-quote-{}", std::process::id()));
        let m = marker.display();
        let hostile = [
            format!("'$(touch {m})'"),
            format!("\"; touch {m}; \""),
            format!("`touch {m}`"),
            format!("a\ntouch {m}\n"),
            format!("'\n touch {m} #"),
            format!("\\'; touch {m}; echo \\"),
            "$HOME ${PATH} $((1+1)) * ? [a] ~ !x &|<>;".to_string(),
            String::new(),
            "''''".to_string(),
            "é ü 🐳\t\r".to_string(),
        ];
        for value in &hostile {
            assert_eq!(&through_sh(value), value, "{value:?}");
        }
        assert!(!marker.exists(), "a quoted value ran a command");
    }

    #[test]
    fn nul_is_dropped_and_quotes_are_escaped() {
        assert_eq!(sh_quote("a\0b"), "'ab'");
        assert_eq!(sh_quote("it's"), r"'it'\''s'");
        assert_eq!(sh_quote(""), "''");
    }

    #[test]
    fn comments_cannot_end_early() {
        assert_eq!(comment("a\nrm -rf ~\r\u{7}b"), "a?rm -rf ~??b");
        assert_eq!(comment("plain: text"), "plain: text");
    }
}
