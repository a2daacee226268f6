//! How files inside layers are shown: `ls -l` modes, tar mtimes, text-or-binary detection and
//! hex dumps. Pure functions, tested natively.

use lading_shared::layer::EntryKind;

/// `-rwxr-xr-x`, with the kind first (`d`, `l`, `c`, `b`, `p`) and set-id/sticky bits as
/// `ls` shows them (`s`/`S`, `t`/`T`). Hard links show as `-`: to `ls` they are files.
pub fn mode_string(kind: EntryKind, mode: u32) -> String {
    let kind_char = match kind {
        EntryKind::Dir | EntryKind::OpaqueWhiteout => 'd',
        EntryKind::Symlink => 'l',
        EntryKind::CharDevice => 'c',
        EntryKind::BlockDevice => 'b',
        EntryKind::Fifo => 'p',
        EntryKind::File | EntryKind::Hardlink | EntryKind::Whiteout | EntryKind::Other => '-',
    };
    let mut out = String::with_capacity(10);
    out.push(kind_char);
    // (shift of the rwx triple, special bit, its letter)
    for (shift, special, letter) in [(6, 0o4000, 's'), (3, 0o2000, 's'), (0, 0o1000, 't')] {
        let bits = (mode >> shift) & 0o7;
        out.push(if bits & 4 != 0 { 'r' } else { '-' });
        out.push(if bits & 2 != 0 { 'w' } else { '-' });
        let exec = bits & 1 != 0;
        out.push(match (mode & special != 0, exec) {
            (true, true) => letter,
            (true, false) => letter.to_ascii_uppercase(),
            (false, true) => 'x',
            (false, false) => '-',
        });
    }
    out
}

/// Seconds since the epoch as `2024-01-02 03:04:05 UTC` (tar mtimes are UTC).
pub fn format_mtime(seconds: i64) -> String {
    let days = seconds.div_euclid(86_400);
    let secs = seconds.rem_euclid(86_400);
    let (year, month, day) = civil_from_days(days);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02}:{:02} UTC",
        secs / 3600,
        secs % 3600 / 60,
        secs % 60
    )
}

/// Howard Hinnant's days-to-civil algorithm: exact for the proleptic Gregorian calendar
/// without a date crate (chrono would add ~100 KB of wasm).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// The bytes as text, if they are text: valid UTF-8 without NULs. A preview cut at its
/// limit may end inside a character; that tail is dropped rather than calling it binary.
pub fn as_text(bytes: &[u8], truncated: bool) -> Option<&str> {
    if bytes.contains(&0) {
        return None;
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => Some(text),
        // `error_len() == None`: the bytes end inside a character, they are not wrong.
        Err(e) if truncated && e.error_len().is_none() => {
            std::str::from_utf8(&bytes[..e.valid_up_to()]).ok()
        }
        Err(_) => None,
    }
}

/// Bytes per hex dump line.
pub const HEX_WIDTH: usize = 16;

/// `hexdump -C` style: offset, 16 bytes in two groups of eight, printable ASCII.
pub fn hex_dump(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(HEX_WIDTH) * 78);
    for (line, chunk) in bytes.chunks(HEX_WIDTH).enumerate() {
        out.push_str(&format!("{:08x}  ", line * HEX_WIDTH));
        for i in 0..HEX_WIDTH {
            match chunk.get(i) {
                Some(b) => out.push_str(&format!("{b:02x} ")),
                None => out.push_str("   "),
            }
            if i == 7 {
                out.push(' ');
            }
        }
        out.push(' ');
        out.push('|');
        out.extend(chunk.iter().map(|&b| {
            if b.is_ascii_graphic() || b == b' ' {
                b as char
            } else {
                '.'
            }
        }));
        out.push_str("|\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modes() {
        let cases = [
            (EntryKind::File, 0o644, "-rw-r--r--"),
            (EntryKind::File, 0o755, "-rwxr-xr-x"),
            (EntryKind::Dir, 0o755, "drwxr-xr-x"),
            (EntryKind::Symlink, 0o777, "lrwxrwxrwx"),
            (EntryKind::File, 0o4755, "-rwsr-xr-x"),
            (EntryKind::File, 0o2644, "-rw-r-Sr--"),
            (EntryKind::Dir, 0o1777, "drwxrwxrwt"),
            (EntryKind::Dir, 0o1770, "drwxrwx--T"),
            (EntryKind::CharDevice, 0o666, "crw-rw-rw-"),
            (EntryKind::Fifo, 0, "p---------"),
        ];
        for (kind, mode, expected) in cases {
            assert_eq!(mode_string(kind, mode), expected, "{kind:?} {mode:o}");
        }
    }

    #[test]
    fn mtimes() {
        assert_eq!(format_mtime(0), "1970-01-01 00:00:00 UTC");
        assert_eq!(format_mtime(1_704_164_645), "2024-01-02 03:04:05 UTC");
        assert_eq!(format_mtime(951_782_400), "2000-02-29 00:00:00 UTC");
        assert_eq!(format_mtime(-1), "1969-12-31 23:59:59 UTC");
    }

    #[test]
    fn text_or_binary() {
        assert_eq!(as_text(b"hello\n", false), Some("hello\n"));
        assert_eq!(as_text(b"a\0b", false), None);
        assert_eq!(as_text(b"\xff\xfe", false), None);
        let cafe = "café".as_bytes();
        let cut = &cafe[..cafe.len() - 1];
        assert_eq!(as_text(cut, true), Some("caf"));
        assert_eq!(as_text(cut, false), None);
    }

    #[test]
    fn hex_dump_lines() {
        let dump = hex_dump(b"0123456789abcdefXY\x00\x7f");
        let lines: Vec<&str> = dump.lines().collect();
        assert_eq!(
            lines,
            [
                "00000000  30 31 32 33 34 35 36 37  38 39 61 62 63 64 65 66  |0123456789abcdef|",
                "00000010  58 59 00 7f                                       |XY..|",
            ]
        );
        assert_eq!(hex_dump(b""), "");
    }
}
