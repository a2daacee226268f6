//! Layers applied in order as a container runtime applies them: replacement, whiteouts,
//! opaque directories, a directory replaced by a file; symlink resolution inside the image.

use lading_shared::layer::{
    Compression, Entry, EntryKind, merge_layers, merged_entries, normalize_path, resolve_symlinks,
    whiteout,
};

fn entry(path: &str, kind: EntryKind) -> Entry {
    Entry::new(path, kind)
}

fn file(path: &str) -> Entry {
    entry(path, EntryKind::File)
}

fn dir(path: &str) -> Entry {
    entry(path, EntryKind::Dir)
}

fn link(path: &str, target: &str) -> Entry {
    Entry {
        link: Some(target.into()),
        ..entry(path, EntryKind::Symlink)
    }
}

fn paths(entries: &[Entry]) -> Vec<(String, Option<usize>, Option<usize>)> {
    entries
        .iter()
        .map(|e| (e.path.clone(), e.layer, e.hidden_by))
        .collect()
}

fn visible(entries: &[Entry]) -> Vec<(&str, usize)> {
    entries
        .iter()
        .map(|e| (e.path.as_str(), e.layer.unwrap()))
        .collect()
}

#[test]
fn tar_paths_normalise() {
    for (raw, want) in [
        ("./usr/bin/", "/usr/bin"),
        ("usr//bin", "/usr/bin"),
        ("/usr/bin/.", "/usr/bin"),
        ("./", "/"),
        ("", "/"),
        ("../../etc/passwd", "/etc/passwd"),
        ("a/../../b", "/b"),
        ("ünïcode/файл", "/ünïcode/файл"),
    ] {
        assert_eq!(normalize_path(raw), want, "{raw:?}");
    }
}

#[test]
fn whiteouts_are_recognised() {
    assert_eq!(
        whiteout("/etc/.wh.motd"),
        Some((EntryKind::Whiteout, "/etc/motd".into()))
    );
    assert_eq!(
        whiteout("/.wh.tmp"),
        Some((EntryKind::Whiteout, "/tmp".into()))
    );
    assert_eq!(
        whiteout("/var/cache/.wh..wh..opq"),
        Some((EntryKind::OpaqueWhiteout, "/var/cache".into()))
    );
    assert_eq!(whiteout("/etc/motd"), None);
    assert_eq!(whiteout("/etc/.wh."), None);
    assert_eq!(whiteout("/etc/wh.x"), None);
}

#[test]
fn later_layers_replace_and_whiteouts_delete() {
    let layers = vec![
        vec![
            dir("/etc"),
            file("/etc/motd"),
            file("/etc/passwd"),
            dir("/tmp"),
            file("/tmp/a"),
        ],
        vec![
            file("/etc/passwd"),
            entry("/etc/motd", EntryKind::Whiteout),
            entry("/tmp", EntryKind::Whiteout),
        ],
    ];
    let merged = merged_entries(&layers, false);
    assert_eq!(visible(&merged), [("/etc", 0), ("/etc/passwd", 1)]);

    let history = merged_entries(&layers, true);
    assert_eq!(
        paths(&history),
        [
            ("/etc".into(), Some(0), None),
            ("/etc/motd".into(), Some(0), Some(1)),
            ("/etc/passwd".into(), Some(1), None),
            ("/etc/passwd".into(), Some(0), Some(1)),
            ("/tmp".into(), Some(0), Some(1)),
            ("/tmp/a".into(), Some(0), Some(1)),
        ]
    );
}

#[test]
fn opaque_directories_hide_lower_contents_but_keep_their_own() {
    let layers = vec![
        vec![
            dir("/var"),
            dir("/var/cache"),
            file("/var/cache/old"),
            file("/var/cached"),
        ],
        // The new content may come before the marker in the archive.
        vec![
            file("/var/cache/new"),
            entry("/var/cache", EntryKind::OpaqueWhiteout),
            dir("/var/cache"),
        ],
    ];
    let merged = merged_entries(&layers, false);
    assert_eq!(
        visible(&merged),
        [
            ("/var", 0),
            ("/var/cache", 1),
            ("/var/cache/new", 1),
            ("/var/cached", 0)
        ]
    );
}

#[test]
fn a_file_over_a_directory_drops_its_contents() {
    let layers = vec![
        vec![
            dir("/opt"),
            dir("/opt/app"),
            file("/opt/app/bin"),
            file("/opt/apple"),
        ],
        vec![file("/opt/app")],
        vec![dir("/opt/app"), file("/opt/app/new")],
    ];
    let merged = merged_entries(&layers, false);
    assert_eq!(
        visible(&merged),
        [
            ("/opt", 0),
            ("/opt/app", 2),
            ("/opt/app/new", 2),
            ("/opt/apple", 0)
        ]
    );
}

#[test]
fn a_directory_over_a_directory_keeps_lower_contents() {
    let layers = vec![
        vec![dir("/usr"), file("/usr/a")],
        vec![dir("/usr"), file("/usr/b")],
    ];
    assert_eq!(
        visible(&merged_entries(&layers, false)),
        [("/usr", 1), ("/usr/a", 0), ("/usr/b", 1)]
    );
}

#[test]
fn symlinks_resolve_inside_the_image() {
    let layers = vec![vec![
        dir("/usr"),
        dir("/usr/lib"),
        file("/usr/lib/libc.so"),
        link("/lib", "usr/lib"),
        link("/usr/lib/libc.so.6", "libc.so"),
        link("/abs", "/usr/lib/libc.so.6"),
        link("/escape", "../../../../usr/lib/libc.so"),
        link("/loop1", "loop2"),
        link("/loop2", "loop1"),
        link("/dangling", "nowhere"),
        file("/implied/dir/file"),
    ]];
    let merged = merged_entries(&layers, false);
    let lookup = |p: &str| merged.iter().find(|e| e.path == p);
    let resolve = |p: &str| resolve_symlinks(p, lookup).map(|(path, _)| path);
    assert_eq!(
        resolve("/lib/libc.so.6").as_deref(),
        Some("/usr/lib/libc.so")
    );
    assert_eq!(resolve("/abs").as_deref(), Some("/usr/lib/libc.so"));
    assert_eq!(resolve("/escape").as_deref(), Some("/usr/lib/libc.so"));
    assert_eq!(
        resolve("/implied/dir/file").as_deref(),
        Some("/implied/dir/file")
    );
    assert_eq!(resolve("/loop1"), None);
    assert_eq!(resolve("/dangling"), None);
    let (_, followed) = resolve_symlinks("/lib/libc.so.6", lookup).unwrap();
    assert_eq!(followed, ["/lib", "/usr/lib/libc.so.6"]);
}

#[test]
fn compression_is_sniffed_from_bytes() {
    assert_eq!(
        Compression::sniff(&[0x1f, 0x8b, 8, 0]),
        Some(Compression::Gzip)
    );
    assert_eq!(
        Compression::sniff(&[0x28, 0xb5, 0x2f, 0xfd, 0]),
        Some(Compression::Zstd)
    );
    let mut tar = vec![0u8; 512];
    tar[0] = b'a';
    tar[257..262].copy_from_slice(b"ustar");
    assert_eq!(Compression::sniff(&tar), Some(Compression::None));
    assert_eq!(Compression::sniff(&[0u8; 1024]), Some(Compression::None));
    assert_eq!(Compression::sniff(b"PK\x03\x04"), None);
    assert_eq!(Compression::sniff(b""), None);
}

#[test]
fn a_layer_listed_twice_is_applied_again_where_it_appears() {
    let base = vec![dir("/etc"), file("/etc/a"), file("/etc/b")];
    let middle = vec![entry("/etc/a", EntryKind::Whiteout), file("/etc/c")];
    // base, middle, base: the third layer writes /etc/a back over the whiteout.
    let layers: Vec<&[Entry]> = vec![&base, &middle, &base];
    let rows = merge_layers(&layers, true);
    let got: Vec<(&str, u32, Option<u32>)> = rows
        .iter()
        .map(|r| (r.entry(&layers).path.as_str(), r.layer, r.hidden_by))
        .collect();
    assert_eq!(
        got,
        [
            ("/etc", 2, None),
            ("/etc", 0, Some(2)),
            ("/etc/a", 2, None),
            ("/etc/a", 0, Some(1)),
            ("/etc/b", 2, None),
            ("/etc/b", 0, Some(2)),
            ("/etc/c", 1, None),
        ]
    );
    // Rows point into the layers: nothing was copied.
    assert!(std::ptr::eq(rows[2].entry(&layers), &base[1]));
    let entry = rows[3].to_entry(&layers);
    assert_eq!((entry.layer, entry.hidden_by), (Some(0), Some(1)));
}
