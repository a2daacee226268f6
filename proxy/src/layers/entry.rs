//! One tar header (with its PAX and GNU long-name extensions) as an [`Entry`].

use std::io::{self, Read};

use lading_shared::layer::{Entry, EntryKind, normalize_path, whiteout};
use tar::EntryType;

/// The entry, or `None` for headers that describe no file (PAX global headers).
pub fn to_entry<R: Read>(entry: &mut tar::Entry<'_, R>) -> io::Result<Option<Entry>> {
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
    // `././@LongLink` records.
    let mut path = normalize_path(&String::from_utf8_lossy(&entry.path_bytes()));
    let mut kind = kind;
    if let Some((whiteout_kind, target)) = whiteout(&path) {
        kind = whiteout_kind;
        path = target;
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
    apply_pax(entry, &mut out)?;
    Ok(Some(out))
}

/// PAX records override the header's numeric and name fields (large ids, sub-second or
/// pre-1970 times, non-ASCII user names).
fn apply_pax<R: Read>(entry: &mut tar::Entry<'_, R>, out: &mut Entry) -> io::Result<()> {
    let Some(extensions) = entry.pax_extensions()? else {
        return Ok(());
    };
    for extension in extensions {
        let extension = extension?;
        let Ok(value) = extension.value() else {
            continue;
        };
        match extension.key() {
            Ok("uid") => out.uid = value.parse().unwrap_or(out.uid),
            Ok("gid") => out.gid = value.parse().unwrap_or(out.gid),
            Ok("uname") => out.uname = Some(value.to_owned()),
            Ok("gname") => out.gname = Some(value.to_owned()),
            Ok("mtime") => {
                let seconds = value.split('.').next().unwrap_or(value);
                out.mtime = seconds.parse().unwrap_or(out.mtime);
            }
            _ => {}
        }
    }
    Ok(())
}
