use super::*;

fn entry(path: &str, kind: EntryKind, size: u64) -> Entry {
    Entry {
        size,
        ..Entry::new(path, kind)
    }
}

fn file(path: &str, size: u64) -> Entry {
    entry(path, EntryKind::File, size)
}

fn dir(path: &str) -> Entry {
    entry(path, EntryKind::Dir, 0)
}

fn names(tree: &Tree, rows: &[Row]) -> Vec<String> {
    rows.iter()
        .map(|r| {
            let name = &tree.node(r.id).name;
            let marker = if r.hidden.is_some() { "~" } else { "" };
            format!("{}{marker}{name}", "  ".repeat(r.depth))
        })
        .collect()
}

const NONE_OPEN: &dyn Fn(&str) -> bool = &|_| false;
const ALL_OPEN: &dyn Fn(&str) -> bool = &|_| true;

fn flatten(
    tree: &Tree,
    expanded: &dyn Fn(&str) -> bool,
    sort: SortOrder,
    show_hidden: bool,
) -> Vec<Row> {
    tree.flatten(&Flatten {
        sort,
        show_hidden,
        expanded,
        include: None,
    })
}

fn sample() -> Tree {
    let mut tree = Tree::default();
    for e in [
        dir("/etc"),
        file("/etc/hostname", 7),
        file("/etc/passwd", 100),
        // No entry for /usr or /usr/bin: tars often omit directories.
        file("/usr/bin/busybox", 1000),
        file("/zzz", 5000),
    ] {
        tree.insert(e);
    }
    tree
}

#[test]
fn only_the_root_level_shows_until_expanded() {
    let tree = sample();
    let rows = flatten(&tree, NONE_OPEN, SortOrder::Name, false);
    assert_eq!(names(&tree, &rows), ["etc", "usr", "zzz"]);
    let rows = flatten(&tree, ALL_OPEN, SortOrder::Name, false);
    assert_eq!(
        names(&tree, &rows),
        [
            "etc",
            "  hostname",
            "  passwd",
            "usr",
            "  bin",
            "    busybox",
            "zzz"
        ]
    );
}

#[test]
fn directories_sum_their_subtree_and_sort_by_size() {
    let tree = sample();
    let rows = flatten(&tree, NONE_OPEN, SortOrder::Size, false);
    assert_eq!(names(&tree, &rows), ["zzz", "usr", "etc"]);
    assert_eq!(
        rows.iter().map(|r| r.size).collect::<Vec<_>>(),
        [5000, 1000, 107]
    );
    assert_eq!(tree.node(ROOT).size, 6107);
}

#[test]
fn a_repeated_path_replaces_its_entry_and_size() {
    let mut tree = sample();
    tree.insert(file("/etc/passwd", 10));
    assert_eq!(tree.node(ROOT).size, 6017);
    assert_eq!(tree.node(ROOT).visible, 5);
}

#[test]
fn hidden_entries_show_only_on_request() {
    let mut tree = sample();
    let mut old = file("/etc/passwd", 50);
    old.hidden_by = Some(1);
    tree.insert(old);
    let mut deleted = file("/etc/shadow", 9);
    deleted.hidden_by = Some(2);
    tree.insert(deleted);
    let mut gone_dir = dir("/old");
    gone_dir.hidden_by = Some(1);
    tree.insert(gone_dir);
    let mut gone_file = file("/old/x", 1);
    gone_file.hidden_by = Some(1);
    tree.insert(gone_file);

    let rows = flatten(&tree, ALL_OPEN, SortOrder::Name, false);
    assert_eq!(
        names(&tree, &rows),
        [
            "etc",
            "  hostname",
            "  passwd",
            "usr",
            "  bin",
            "    busybox",
            "zzz"
        ]
    );
    let rows = flatten(&tree, ALL_OPEN, SortOrder::Name, true);
    assert_eq!(
        names(&tree, &rows),
        [
            "etc",
            "  hostname",
            "  passwd",
            "  ~passwd",
            "  shadow",
            "old",
            "  x",
            "usr",
            "  bin",
            "    busybox",
            "zzz"
        ]
    );
    let shadow = rows
        .iter()
        .find(|r| tree.node(r.id).name == "shadow")
        .expect("row");
    let shadow = tree.node(shadow.id);
    assert!(
        shadow.entry.is_none() && shadow.hidden.len() == 1,
        "only a hidden entry"
    );
    assert_eq!(tree.node(ROOT).size, 6107, "hidden entries take no space");
}

#[test]
fn a_filter_keeps_matches_and_their_ancestors_expanded() {
    let tree = sample();
    let matches = tree.matching(false, |n| n.name.contains("busy"));
    assert_eq!(matches.count, 1, "ancestors are drawn, not counted");
    let rows = tree.flatten(&Flatten {
        sort: SortOrder::Name,
        show_hidden: false,
        expanded: NONE_OPEN,
        include: Some(&matches),
    });
    assert_eq!(names(&tree, &rows), ["usr", "  bin", "    busybox"]);
}

#[test]
fn sorted_children_follow_later_inserts() {
    let mut tree = sample();
    let by_name = flatten(&tree, ALL_OPEN, SortOrder::Name, false);
    assert_eq!(names(&tree, &by_name)[0], "etc");
    let by_size = flatten(&tree, NONE_OPEN, SortOrder::Size, false);
    assert_eq!(names(&tree, &by_size), ["zzz", "usr", "etc"]);
    // A new folder sorts first by name; a big file deep down moves /etc up by size.
    tree.insert(file("/aaa/x", 1));
    tree.insert(file("/etc/big/blob", 9000));
    let by_name = flatten(&tree, NONE_OPEN, SortOrder::Name, false);
    assert_eq!(names(&tree, &by_name), ["aaa", "etc", "usr", "zzz"]);
    let by_size = flatten(&tree, ALL_OPEN, SortOrder::Size, false);
    assert_eq!(
        names(&tree, &by_size)[..4],
        ["etc", "  big", "    blob", "  passwd"]
    );
}

#[test]
fn every_row_is_flattened_for_the_list_to_draw_a_window_of() {
    let mut tree = Tree::default();
    for i in 0..30_000 {
        tree.insert(file(&format!("/d{}/f{i}", i % 100), 1));
    }
    assert_eq!(tree.node(ROOT).visible, 30_000);
    let rows = flatten(&tree, ALL_OPEN, SortOrder::Name, false);
    assert_eq!(rows.len(), 30_100, "100 folders and their files");
}

#[test]
fn paths_keep_a_lower_case_key() {
    let mut tree = Tree::default();
    tree.insert(file("/Etc/HostName", 1));
    tree.insert(file("/etc/passwd", 1));
    assert_eq!(
        tree.node(tree.index["/Etc/HostName"]).lower_path(),
        "/etc/hostname"
    );
    assert_eq!(
        tree.node(tree.index["/etc/passwd"]).lower_path(),
        "/etc/passwd"
    );
}

#[test]
fn whiteouts_and_opaque_directories_are_marked() {
    let mut tree = Tree::default();
    tree.insert(dir("/var"));
    tree.insert(entry("/var", EntryKind::OpaqueWhiteout, 0));
    tree.insert(entry("/etc/motd", EntryKind::Whiteout, 0));
    let var = tree.node(tree.index["/var"].to_owned());
    assert!(var.opaque);
    assert_eq!(var.entry.as_ref().map(|e| e.kind), Some(EntryKind::Dir));
    let motd = tree.node(tree.index["/etc/motd"]);
    assert_eq!(
        motd.entry.as_ref().map(|e| e.kind),
        Some(EntryKind::Whiteout)
    );
}

#[test]
fn only_some_folders_open_by_path() {
    let tree = sample();
    let open = |path: &str| path == "/usr" || path == "/usr/bin";
    let rows = flatten(&tree, &open, SortOrder::Name, false);
    assert_eq!(
        names(&tree, &rows),
        ["etc", "usr", "  bin", "    busybox", "zzz"]
    );
}

#[test]
fn hidden_entries_only_match_when_shown_and_overwrites_are_told_from_deletions() {
    let mut tree = sample();
    let mut old = file("/etc/passwd", 50);
    (old.layer, old.hidden_by) = (Some(0), Some(1));
    tree.insert(old.clone());
    let mut deleted = file("/etc/shadow", 9);
    (deleted.layer, deleted.hidden_by) = (Some(0), Some(2));
    tree.insert(deleted.clone());
    let mut current = file("/etc/passwd", 10);
    current.layer = Some(1);
    tree.insert(current);
    let shadow = |n: &Node| n.name == "shadow";
    assert_eq!(tree.matching(false, shadow).count, 0);
    assert_eq!(tree.matching(true, shadow).count, 1);
    let passwd = tree.node(tree.index["/etc/passwd"]);
    assert!(passwd.overwritten(&old), "layer 1 wrote /etc/passwd again");
    let shadow = tree.node(tree.index["/etc/shadow"]);
    assert!(!shadow.overwritten(&deleted), "layer 2 only deleted it");
    assert_eq!(shadow.row_entry(None), Some(&deleted));
}
