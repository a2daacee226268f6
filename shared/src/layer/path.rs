//! Paths inside an image: tar's spellings normalised, whiteout markers recognised.

use super::EntryKind;

/// Tar paths (`./usr/bin/`, `usr//bin`, `/usr/bin/.`) as one absolute form: `/usr/bin`.
/// `..` never climbs above the root.
pub fn normalize_path(raw: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for part in raw.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            other => parts.push(other),
        }
    }
    if parts.is_empty() {
        "/".to_owned()
    } else {
        format!("/{}", parts.join("/"))
    }
}

/// The parent directory of a normalised path (`/` for top-level entries and the root).
pub fn parent(path: &str) -> &str {
    match path.rfind('/') {
        Some(0) | None => "/",
        Some(i) => &path[..i],
    }
}

/// The last component of a normalised path.
pub fn file_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

const WHITEOUT_PREFIX: &str = ".wh.";
const OPAQUE_MARKER: &str = ".wh..wh..opq";

/// Recognises a whiteout by its normalised path: `(kind, path it applies to)`.
pub fn whiteout(path: &str) -> Option<(EntryKind, String)> {
    let name = file_name(path);
    let dir = parent(path);
    if name == OPAQUE_MARKER {
        Some((EntryKind::OpaqueWhiteout, dir.to_owned()))
    } else {
        let target = name.strip_prefix(WHITEOUT_PREFIX)?;
        (!target.is_empty()).then(|| (EntryKind::Whiteout, join(dir, target)))
    }
}

pub(super) fn join(dir: &str, name: &str) -> String {
    if dir == "/" {
        format!("/{name}")
    } else {
        format!("{dir}/{name}")
    }
}

pub(super) fn is_under(path: &str, dir: &str) -> bool {
    dir == "/"
        || (path.len() > dir.len() && path.starts_with(dir) && path.as_bytes()[dir.len()] == b'/')
}
