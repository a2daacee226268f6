//! Splitting a byte stream into NDJSON lines. Network chunks end anywhere: in the middle of a
//! line, even in the middle of a UTF-8 character, so bytes are buffered until a newline and
//! only whole lines are decoded.

/// Bytes held back waiting for a newline; a longer "line" is not the contract.
pub const MAX_LINE_BYTES: usize = 64 * 1024 * 1024;

#[derive(Debug, Default)]
pub struct LineSplitter {
    pending: Vec<u8>,
}

#[derive(Debug, PartialEq, Eq)]
pub enum LineError {
    TooLong,
    NotUtf8,
}

impl LineSplitter {
    /// Feeds a chunk; returns the lines it completed (without `\n` or `\r\n`, blank lines
    /// skipped).
    pub fn push(&mut self, chunk: &[u8]) -> Result<Vec<String>, LineError> {
        let mut lines = Vec::new();
        let mut rest = chunk;
        while let Some(i) = rest.iter().position(|&b| b == b'\n') {
            self.pending.extend_from_slice(&rest[..i]);
            rest = &rest[i + 1..];
            let line = std::mem::take(&mut self.pending);
            if let Some(line) = decode(line)? {
                lines.push(line);
            }
        }
        self.pending.extend_from_slice(rest);
        if self.pending.len() > MAX_LINE_BYTES {
            return Err(LineError::TooLong);
        }
        Ok(lines)
    }

    /// The last line, when the stream ended without a final newline.
    pub fn finish(&mut self) -> Result<Option<String>, LineError> {
        decode(std::mem::take(&mut self.pending))
    }
}

fn decode(mut line: Vec<u8>) -> Result<Option<String>, LineError> {
    if line.last() == Some(&b'\r') {
        line.pop();
    }
    if line.iter().all(u8::is_ascii_whitespace) {
        return Ok(None);
    }
    String::from_utf8(line)
        .map(Some)
        .map_err(|_| LineError::NotUtf8)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(chunks: &[&[u8]]) -> Vec<String> {
        let mut splitter = LineSplitter::default();
        let mut lines = Vec::new();
        for chunk in chunks {
            lines.extend(splitter.push(chunk).expect("valid"));
        }
        lines.extend(splitter.finish().expect("valid"));
        lines
    }

    #[test]
    fn whole_lines_in_one_chunk() {
        assert_eq!(
            split(&[b"{\"a\":1}\n{\"b\":2}\n"]),
            ["{\"a\":1}", "{\"b\":2}"]
        );
    }

    #[test]
    fn a_line_spanning_chunks() {
        assert_eq!(
            split(&[b"{\"a\"", b":1", b"}\n{\"b", b"\":2}\n"]),
            ["{\"a\":1}", "{\"b\":2}"]
        );
    }

    #[test]
    fn a_character_split_between_chunks() {
        let text = "{\"p\":\"/caf\u{e9}\"}\n".as_bytes();
        let cut = text.iter().position(|&b| b == 0xc3).expect("é starts") + 1;
        assert_eq!(
            split(&[&text[..cut], &text[cut..]]),
            ["{\"p\":\"/caf\u{e9}\"}"]
        );
    }

    #[test]
    fn crlf_blank_lines_and_no_final_newline() {
        assert_eq!(split(&[b"a\r\n\n  \nb"]), ["a", "b"]);
    }

    #[test]
    fn invalid_utf8_is_an_error() {
        let mut splitter = LineSplitter::default();
        assert_eq!(splitter.push(b"\xff\n"), Err(LineError::NotUtf8));
    }
}
