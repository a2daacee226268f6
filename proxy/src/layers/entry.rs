//! One tar header (with its PAX and GNU long-name extensions) as an [`Entry`], its names
//! capped: a listing keeps every entry, so what one entry may hold bounds what a layer costs.
//!
//! Past a cap the listing stops with a `TooLarge` naming the entry, rather than keeping a
//! truncated name: a cut path is another path (the merge and file reads would be wrong), and
//! no runtime unpacks a path past `PATH_MAX` anyway. The extension headers these names come
//! from are capped before they are read (`layers::headers`).

use std::io::{self, Read};

use lading_shared::layer::{Entry, EntryKind, normalize_path, whiteout};
use tar::EntryType;

use super::headers::MAX_LONG_NAME_BYTES;
use crate::error::ProxyError;

/// A path inside the image, normalised: Linux's `PATH_MAX`, the longest path a runtime can
/// open in one call.
pub const MAX_PATH_BYTES: usize = 4096;
/// A symlink's target (`PATH_MAX` too: the kernel refuses longer ones) or a hard link's.
pub const MAX_LINK_BYTES: usize = 4096;
/// A user or group name: Linux's `LOGIN_NAME_MAX` (ustar's own fields hold 32 bytes; only a
/// PAX record can carry more).
pub const MAX_OWNER_NAME_BYTES: usize = 256;
/// Characters of a path quoted in an error.
const QUOTED_CHARS: usize = 80;

/// Why an entry could not be read: the archive is broken, or a name is past its cap.
pub enum EntryError {
    Io(io::Error),
    Limit(ProxyError),
}

impl From<io::Error> for EntryError {
    fn from(error: io::Error) -> EntryError {
        EntryError::Io(error)
    }
}

/// Refuses `value` (the `what` of entry `number`, at `path`) past `limit` bytes.
fn capped(
    value: &[u8],
    limit: usize,
    what: &str,
    number: usize,
    path: &[u8],
) -> Result<(), EntryError> {
    if value.len() <= limit {
        return Ok(());
    }
    let quoted: String = String::from_utf8_lossy(path)
        .chars()
        .take(QUOTED_CHARS)
        .collect();
    Err(EntryError::Limit(ProxyError::TooLarge {
        what: format!(
            "the {what} of tar entry {number} ({quoted:?}…, {} bytes)",
            value.len()
        ),
        limit: limit as u64,
    }))
}

/// The entry (the `number`th of its layer), or `None` for headers that describe no file (PAX
/// global headers).
pub fn to_entry<R: Read>(
    entry: &mut tar::Entry<'_, R>,
    number: usize,
) -> Result<Option<Entry>, EntryError> {
    let header = entry.header();
    let entry_type = header.entry_type();
    let kind = match entry_type {
        EntryType::Regular | EntryType::Continuous | EntryType::GNUSparse => EntryKind::File,
        EntryType::Directory => EntryKind::Dir,
        EntryType::Symlink => EntryKind::Symlink,
        EntryType::Link => EntryKind::Hardlink,
        EntryType::Char => EntryKind::CharDevice,
        EntryType::Block => EntryKind::BlockDevice,
        EntryType::Fifo => EntryKind::Fifo,
        EntryType::XGlobalHeader => return Ok(None),
        _ => EntryKind::Other,
    };
    // `path_bytes` and `link_name_bytes` already apply PAX `path`/`linkpath` and GNU
    // `././@LongLink` records. A raw path as long as a long-name record may be is refused
    // before it is normalised (which allocates per component), a longer normalised one after.
    let raw_path = entry.path_bytes();
    let raw_limit = MAX_LONG_NAME_BYTES as usize;
    capped(&raw_path, raw_limit, "path", number, &raw_path)?;
    let mut path = normalize_path(&String::from_utf8_lossy(&raw_path));
    drop(raw_path);
    capped(
        path.as_bytes(),
        MAX_PATH_BYTES,
        "path",
        number,
        path.as_bytes(),
    )?;
    let mut kind = kind;
    if let Some((whiteout_kind, target)) = whiteout(&path) {
        kind = whiteout_kind;
        path = target;
    }
    if let Some(raw) = entry.link_name_bytes() {
        capped(&raw, MAX_LINK_BYTES, "link target", number, path.as_bytes())?;
    }
    let link = entry.link_name_bytes().map(|raw| {
        let raw = String::from_utf8_lossy(&raw).into_owned();
        if kind == EntryKind::Hardlink {
            normalize_path(&raw)
        } else {
            raw
        }
    });
    let lossy = |b: Option<&[u8]>| {
        b.filter(|b| !b.is_empty())
            .map(|b| String::from_utf8_lossy(b).into_owned())
    };
    let mut out = Entry {
        path,
        kind,
        // Numeric fields that fail to parse are shown as 0 rather than failing the listing.
        mode: header.mode().unwrap_or(0) & 0o7777,
        uid: header.uid().unwrap_or(0),
        gid: header.gid().unwrap_or(0),
        uname: lossy(header.username_bytes()),
        gname: lossy(header.groupname_bytes()),
        size: entry.size(),
        mtime: header
            .mtime()
            .map_or(0, |t| i64::try_from(t).unwrap_or(i64::MAX)),
        link: link.filter(|l| !l.is_empty()),
        layer: None,
        hidden_by: None,
    };
    apply_pax(entry, &mut out, number)?;
    Ok(Some(out))
}

/// PAX records override the header's numeric and name fields (large ids, sub-second or
/// pre-1970 times, non-ASCII user names).
fn apply_pax<R: Read>(
    entry: &mut tar::Entry<'_, R>,
    out: &mut Entry,
    number: usize,
) -> Result<(), EntryError> {
    let Some(extensions) = entry.pax_extensions()? else {
        return Ok(());
    };
    for extension in extensions {
        let extension = extension?;
        let Ok(value) = extension.value() else {
            continue;
        };
        let owner = |value: &str| {
            capped(
                value.as_bytes(),
                MAX_OWNER_NAME_BYTES,
                "owner name",
                number,
                out.path.as_bytes(),
            )
            .map(|()| Some(value.to_owned()))
        };
        match extension.key() {
            Ok("uid") => out.uid = value.parse().unwrap_or(out.uid),
            Ok("gid") => out.gid = value.parse().unwrap_or(out.gid),
            Ok("uname") => out.uname = owner(value)?,
            Ok("gname") => out.gname = owner(value)?,
            Ok("mtime") => {
                let seconds = value.split('.').next().unwrap_or(value);
                out.mtime = seconds.parse().unwrap_or(out.mtime);
            }
            _ => {}
        }
    }
    Ok(())
}
