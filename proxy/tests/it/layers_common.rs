//! What the layer tests share: the expected rows of the entry zoo and small request helpers.
//!
//! Expectations are written out here from what the fixtures put in the tars, never computed
//! with `lading-shared`, so the code under test does not vouch for itself.

use crate::support::{Lading, Listing, encode};
use lading_shared::layer::{Entry, EntryKind};
use lading_testkit::Registry;
use lading_testkit::fixtures::{self, Layer, PushedImage};

/// The fields an entry must carry, with empty owner names read as absent and whiteouts
/// compared by path and kind only (their marker's mode and size mean nothing).
#[derive(Debug, PartialEq)]
pub struct Row {
    pub path: String,
    pub kind: EntryKind,
    pub mode: u32,
    pub size: u64,
    pub link: Option<String>,
    pub owner: (u64, u64, Option<String>, Option<String>),
}

pub fn row(entry: &Entry) -> Row {
    let name = |n: &Option<String>| n.clone().filter(|n| !n.is_empty());
    let marker = matches!(entry.kind, EntryKind::Whiteout | EntryKind::OpaqueWhiteout);
    Row {
        path: entry.path.clone(),
        kind: entry.kind,
        mode: if marker { 0 } else { entry.mode },
        size: if marker { 0 } else { entry.size },
        link: entry.link.clone(),
        owner: (entry.uid, entry.gid, name(&entry.uname), name(&entry.gname)),
    }
}

pub fn want(path: &str, kind: EntryKind, mode: u32, size: usize) -> Row {
    Row {
        path: path.into(),
        kind,
        mode,
        size: size as u64,
        link: None,
        owner: (0, 0, None, None),
    }
}

impl Row {
    fn link(mut self, target: &str) -> Row {
        self.link = Some(target.into());
        self
    }

    fn owner(mut self, uid: u64, gid: u64, user: &str, group: &str) -> Row {
        self.owner = (uid, gid, Some(user.into()), Some(group.into()));
        self
    }
}

/// [`fixtures::entry_zoo`] as a listing must show it, in archive order.
pub fn zoo_rows() -> Vec<Row> {
    use EntryKind::*;
    let long = |dir: &str, len: usize| format!("/{}", fixtures::long_name(dir, len));
    let far = format!("/{}", fixtures::long_name("opt/target", 150));
    let hostname = fixtures::ZOO_HOSTNAME.len();
    vec![
        want("/etc", Dir, 0o755, 0),
        want("/etc/hostname", File, 0o644, hostname),
        want("/etc/alias", Symlink, 0o777, 0).link("hostname"),
        want("/etc/root-alias", Symlink, 0o777, 0).link("/etc/hostname"),
        want("/usr", Dir, 0o755, 0),
        want("/usr/bin", Dir, 0o755, 0),
        want("/usr/bin/tool", File, 0o755, fixtures::ZOO_TOOL_SIZE),
        want("/usr/bin/tool-link", Hardlink, 0o644, 0).link("/usr/bin/tool"),
        want("/usr/bin/su", File, 0o4755, 500).owner(0, 0, "root", "root"),
        want("/usr/bin/wall", File, 0o2755, 400).owner(0, 5, "root", "tty"),
        want("/tmp", Dir, 0o1777, 0),
        want("/home/app", Dir, 0o700, 0).owner(1000, 1000, "app", "app"),
        want("/home/app/.profile", File, 0o600, 12).owner(1000, 1000, "app", "app"),
        want(&long("srv/gnu", 180), File, 0o644, "gnu long name\n".len()),
        want(&long("srv/pax", 150), File, 0o644, "pax name\n".len()),
        want(
            &long("srv/pax", 300),
            File,
            0o644,
            "pax very long name\n".len(),
        ),
        want(&long("srv/ustar", 200), File, 0o644, "ustar prefix\n".len()),
        want("/srv/données/日本語.txt", File, 0o644, "unicode\n".len()),
        want("/srv/far", Symlink, 0o777, 0).link(&far),
        want("/dev/null", CharDevice, 0o666, 0),
        want("/run/control", Fifo, 0o644, 0),
        want("/etc/motd", Whiteout, 0, 0),
        want("/var/cache", OpaqueWhiteout, 0, 0),
    ]
}

pub async fn push(registry: &Registry, repo: &str, layers: Vec<Layer>) -> PushedImage {
    fixtures::push_layers(&registry.pusher(), repo, "v1", layers).await
}

pub fn reference(registry: &Registry, image: &PushedImage) -> String {
    encode(&format!("{}/{}:v1", registry.host(), image.repo))
}

pub async fn list_layer(lading: &Lading, reference: &str, digest: &str) -> Listing {
    let path = format!("/api/layer?ref={reference}&digest={}", encode(digest));
    lading.listing(&path).await
}
