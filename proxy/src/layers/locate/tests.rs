//! What paths are in a small merged image: files, links, implied and listed directories,
//! broken links, deleted and missing paths.

use lading_shared::layer::EntryKind;

use super::*;
use crate::layers::index::PathIndex;

fn listing(entries: Vec<Entry>) -> Arc<Listing> {
    use crate::layers::budget::Reservation;
    let mut listing = Listing::new(lading_shared::layer::Compression::None, Reservation::none());
    listing.data_offsets = vec![0; entries.len()];
    listing.entries = entries;
    listing.verified = true;
    Arc::new(listing)
}

fn link(path: &str, target: &str) -> Entry {
    Entry {
        link: Some(target.into()),
        ..Entry::new(path, EntryKind::Symlink)
    }
}

fn image() -> View {
    let file = |p: &str| Entry::new(p, EntryKind::File);
    let base = vec![
        Entry::new("/etc", EntryKind::Dir),
        file("/etc/hostname"),
        file("/etc/motd"),
        link("/etc/alias", "hostname"),
        file("/usr/lib/libc.so"),
        link("/lib", "usr/lib"),
        link("/broken", "/nowhere/file"),
        link("/loop1", "loop2"),
        link("/loop2", "/loop1"),
        file("/opt/keep/x"),
        Entry::new("/dev/null", EntryKind::CharDevice),
    ];
    let top = vec![
        Entry::new("/etc/motd", EntryKind::Whiteout),
        Entry::new("/opt/keep", EntryKind::Whiteout),
        file("/etc/hosts"),
    ];
    let listings = vec![listing(base), listing(top)];
    let index = Arc::new(PathIndex::merged(&listings).unwrap());
    View {
        listings,
        index,
        base: 0,
        name: "image sha256:test".into(),
    }
}

#[test]
fn paths_resolve_to_entries_directories_or_broken_links() {
    let view = image();
    // (asked, entry answered, its kind, links followed, dangling, has a row)
    type Case<'a> = (
        &'a str,
        &'a str,
        EntryKind,
        &'a [&'a str],
        Option<&'a str>,
        bool,
    );
    let cases: [Case; 8] = [
        (
            "/etc/hostname",
            "/etc/hostname",
            EntryKind::File,
            &[],
            None,
            true,
        ),
        (
            "/etc/alias",
            "/etc/hostname",
            EntryKind::File,
            &["/etc/alias"],
            None,
            true,
        ),
        ("/etc", "/etc", EntryKind::Dir, &[], None, true),
        ("/usr", "/usr", EntryKind::Dir, &[], None, false),
        ("/", "/", EntryKind::Dir, &[], None, false),
        ("/lib", "/usr/lib", EntryKind::Dir, &["/lib"], None, false),
        (
            "/broken",
            "/broken",
            EntryKind::Symlink,
            &[],
            Some("/nowhere/file"),
            true,
        ),
        (
            "/dev/null",
            "/dev/null",
            EntryKind::CharDevice,
            &[],
            None,
            true,
        ),
    ];
    for (asked, path, kind, followed, dangling, row) in cases {
        let found = locate(&view, asked).unwrap_or_else(|e| panic!("{asked}: {e}"));
        assert_eq!(
            (found.entry.path.as_str(), found.entry.kind),
            (path, kind),
            "{asked}"
        );
        assert_eq!(found.resolved_from, followed, "{asked}");
        assert_eq!(found.dangling.as_deref(), dangling, "{asked}");
        assert_eq!(found.row.is_some(), row, "{asked}");
    }
    let looping = locate(&view, "/loop1").unwrap();
    assert_eq!(looping.entry.kind, EntryKind::Symlink);
    assert!(looping.dangling.is_some());
}

#[test]
fn missing_and_deleted_paths_are_not_in_the_image_with_near_paths() {
    let view = image();
    let cases: [(&str, &str, &[&str]); 5] = [
        ("/etc/motd", "layer #2 deleted it", &[]),
        ("/opt/keep/x", "layer #2 deleted it", &[]),
        (
            "/etc/hostnme",
            "/etc/hostnme is not in image sha256:test",
            &["/etc/hostname", "/etc/hosts"],
        ),
        ("/ect/hostname", "/ect/hostname is not in", &["/etc"]),
        (
            "/lib/libz.so",
            "/usr/lib/libz.so is not in",
            &["/usr/lib/libc.so"],
        ),
    ];
    for (asked, says, near) in cases {
        match locate(&view, asked) {
            Err(ProxyError::NotInImage {
                message,
                suggestions,
            }) => {
                assert!(message.contains(says), "{asked}: {message}");
                assert_eq!(suggestions, near, "{asked}");
            }
            other => panic!("{asked}: {other:?}"),
        }
    }
}

#[test]
fn a_directory_lists_its_visible_children_by_name() {
    let view = image();
    let names = |dir: &str| {
        let (shown, total) = children(&view, dir);
        assert_eq!(shown.len() as u64, total, "{dir}");
        shown.into_iter().map(|e| e.path).collect::<Vec<_>>()
    };
    assert_eq!(names("/etc"), ["/etc/alias", "/etc/hostname", "/etc/hosts"]);
    // `/opt` went with its only content; `/dev` and `/usr` are implied.
    let root = [
        "/broken", "/dev", "/etc", "/lib", "/loop1", "/loop2", "/usr",
    ];
    assert_eq!(names("/"), root);
    let (usr, _) = children(&view, "/usr");
    assert_eq!((usr[0].kind, usr[0].layer), (EntryKind::Dir, Some(0)));
}
