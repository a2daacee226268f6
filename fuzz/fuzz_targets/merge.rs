//! `merge_layers` (as `merged_entries`) and `resolve_symlinks` on arbitrary layer stacks.
//! Paths are built from a tiny alphabet so layers collide (overwrite, whiteout, opaque dirs,
//! dir → file) often.
//!
//! Asserts: no panic and no hang; the merge is sorted by path with unique paths, holds no
//! whiteouts, and names a real layer for each entry; `keep_hidden` adds hidden entries but
//! leaves the visible ones exactly as without it; symlink resolution ends (40 hops at most)
//! at a normalised path.

#![no_main]

use std::collections::BTreeMap;

use arbitrary::Arbitrary;
use lading_shared::layer::{Entry, EntryKind, merged_entries, normalize_path, resolve_symlinks};
use libfuzzer_sys::fuzz_target;

const NAMES: [&str; 6] = ["a", "b", "lib", "..", ".", "usr"];
const KINDS: [EntryKind; 5] = [
    EntryKind::File,
    EntryKind::Dir,
    EntryKind::Symlink,
    EntryKind::Whiteout,
    EntryKind::OpaqueWhiteout,
];

#[derive(Debug, Arbitrary)]
struct Raw {
    components: Vec<u8>,
    kind: u8,
    /// Symlink target: components, and whether it is absolute.
    link: Vec<u8>,
    absolute: bool,
}

fn path(components: &[u8]) -> String {
    let parts: Vec<&str> = components
        .iter()
        .take(6)
        .map(|c| NAMES[usize::from(*c) % NAMES.len()])
        .collect();
    parts.join("/")
}

fn entry(raw: &Raw) -> Entry {
    let kind = KINDS[usize::from(raw.kind) % KINDS.len()];
    let mut entry = Entry::new(normalize_path(&path(&raw.components)), kind);
    if kind == EntryKind::Symlink {
        let target = path(&raw.link);
        entry.link = Some(if raw.absolute {
            format!("/{target}")
        } else {
            target
        });
    }
    entry
}

fuzz_target!(|input: Vec<Vec<Raw>>| {
    let layers: Vec<Vec<Entry>> = input
        .iter()
        .take(8)
        .map(|layer| layer.iter().take(64).map(entry).collect())
        .collect();
    let merged = merged_entries(&layers, false);
    for pair in merged.windows(2) {
        assert!(pair[0].path < pair[1].path, "{pair:?}");
    }
    for e in &merged {
        assert!(!matches!(
            e.kind,
            EntryKind::Whiteout | EntryKind::OpaqueWhiteout
        ));
        assert!(e.layer.is_some_and(|l| l < layers.len()) && e.hidden_by.is_none());
    }
    let with_hidden = merged_entries(&layers, true);
    let visible: Vec<&Entry> = with_hidden
        .iter()
        .filter(|e| e.hidden_by.is_none())
        .collect();
    assert_eq!(visible, merged.iter().collect::<Vec<_>>());
    let by_path: BTreeMap<&str, &Entry> = merged.iter().map(|e| (e.path.as_str(), e)).collect();
    let lookup = |p: &str| by_path.get(p).copied();
    for e in &merged {
        if let Some((target, followed)) = resolve_symlinks(&e.path, lookup) {
            assert_eq!(normalize_path(&target), target);
            assert!(followed.len() <= 40);
        }
    }
});
