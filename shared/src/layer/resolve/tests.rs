//! Walks through a small filesystem: found, missing, broken links, loops.

use super::*;

fn filesystem() -> Vec<Entry> {
    let link = |path: &str, target: &str| Entry {
        link: Some(target.into()),
        ..Entry::new(path, EntryKind::Symlink)
    };
    vec![
        Entry::new("/usr", EntryKind::Dir),
        Entry::new("/usr/lib/libc.so", EntryKind::File),
        link("/lib", "usr/lib"),
        link("/etc/alias", "hostname"),
        Entry::new("/etc/hostname", EntryKind::File),
        link("/dangling", "/nowhere/file"),
        link("/chain", "dangling"),
        link("/loop1", "loop2"),
        link("/loop2", "/loop1"),
        link("/up", "../../../usr"),
    ]
}

fn walk(path: &str) -> Resolved {
    let entries = filesystem();
    let lookup = |p: &str| match entries.iter().find(|e| e.path == p) {
        Some(entry) => Lookup::Entry(entry),
        // `/usr/lib` and `/etc` are only implied by what is under them.
        None if ["/", "/usr/lib", "/etc"].contains(&p) => Lookup::ImpliedDir,
        None => Lookup::Missing,
    };
    resolve_path(path, lookup)
}

fn found(path: &str, followed: &[&str]) -> Resolved {
    Resolved::Found {
        path: path.into(),
        followed: followed.iter().map(|s| s.to_string()).collect(),
    }
}

fn missing(path: &str, followed: &[&str], broken_link: bool) -> Resolved {
    Resolved::Missing {
        missing: path.into(),
        followed: followed.iter().map(|s| s.to_string()).collect(),
        broken_link,
    }
}

#[test]
fn walks_end_found_missing_broken_or_looping() {
    let cases = [
        ("/etc/hostname", found("/etc/hostname", &[])),
        ("/etc/alias", found("/etc/hostname", &["/etc/alias"])),
        ("/lib/libc.so", found("/usr/lib/libc.so", &["/lib"])),
        // A link to an implied directory is found, not missing.
        ("/lib", found("/usr/lib", &["/lib"])),
        ("/", found("/", &[])),
        ("/up", found("/usr", &["/up"])),
        ("/no/such", missing("/no/such", &[], false)),
        // Through a linked directory, a missing file is the path's fault, not the link's.
        ("/lib/nope", missing("/usr/lib/nope", &["/lib"], false)),
        ("/dangling", missing("/nowhere/file", &["/dangling"], true)),
        (
            "/chain",
            missing("/nowhere/file", &["/chain", "/dangling"], true),
        ),
    ];
    for (path, want) in cases {
        assert_eq!(walk(path), want, "{path}");
    }
    match walk("/loop1") {
        Resolved::Loop { followed, .. } => assert_eq!(followed.len(), MAX_SYMLINK_HOPS),
        other => panic!("a loop, not {other:?}"),
    }
}
