//! The merged filesystem: layers applied in order (symlinks are resolved in [`super::resolve`]).
//!
//! The merge works over borrowed layers and answers rows (a layer and an index into it), not
//! copies: an image's listings are already held once, and a merge of many large layers must
//! not hold them a second time.

use std::collections::BTreeMap;
use std::ops::Bound;

use super::path::is_under;
use super::{Entry, EntryKind};

/// One entry of a merged view: the `index`th entry of layer `layer` (0 = bottom); with
/// history, `hidden_by` names the layer that deleted or overwrote it. Indices are `u32` so a
/// row is 16 bytes: a merge of millions of entries stays small.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MergedRow {
    pub layer: u32,
    pub index: u32,
    pub hidden_by: Option<u32>,
}

impl MergedRow {
    /// The entry this row names, as it is in its layer.
    pub fn entry<'a>(&self, layers: &[&'a [Entry]]) -> &'a Entry {
        &layers[self.layer as usize][self.index as usize]
    }

    /// A copy of the entry with [`Entry::layer`] and [`Entry::hidden_by`] set, as a merged
    /// listing sends it.
    pub fn to_entry(&self, layers: &[&[Entry]]) -> Entry {
        Entry {
            layer: Some(self.layer as usize),
            hidden_by: self.hidden_by.map(|h| h as usize),
            ..self.entry(layers).clone()
        }
    }
}

/// Applies layers in order (bottom first), as a container runtime does: a later entry
/// replaces an earlier one at the same path, a whiteout deletes a path and everything below
/// it, an opaque whiteout hides everything a lower layer put below its directory, and
/// replacing a directory with a non-directory drops the directory's contents. The same layer
/// may appear twice: it is applied again where it appears.
///
/// Returns the visible entries in path order; with `keep_hidden`, deleted and overwritten
/// entries too (per path the visible one first, then what it hid, most recent first), with
/// [`MergedRow::hidden_by`] set. Whiteout entries themselves are not part of the result.
///
/// # Panics
/// With more than `u32::MAX` layers or entries in a layer (callers cap both far lower).
pub fn merge_layers(layers: &[&[Entry]], keep_hidden: bool) -> Vec<MergedRow> {
    let mut merge = Merge {
        visible: BTreeMap::new(),
        hidden: Vec::new(),
        keep_hidden,
    };
    for (layer, entries) in layers.iter().enumerate() {
        merge.apply(small(layer), entries);
    }
    let Merge {
        visible,
        mut hidden,
        ..
    } = merge;
    let mut rows: Vec<MergedRow> = visible.into_values().map(|(row, _)| row).collect();
    if keep_hidden {
        rows.append(&mut hidden);
        let path = |r: &MergedRow| r.entry(layers).path.as_str();
        rows.sort_by(|a, b| {
            path(a)
                .cmp(path(b))
                .then(b.hidden_by.is_none().cmp(&a.hidden_by.is_none()))
                .then(b.layer.cmp(&a.layer))
        });
    }
    rows
}

/// [`merge_layers`] as entries (copies with `layer` and `hidden_by` set): for small stacks
/// and tests.
pub fn merged_entries(layers: &[Vec<Entry>], keep_hidden: bool) -> Vec<Entry> {
    let layers: Vec<&[Entry]> = layers.iter().map(Vec::as_slice).collect();
    merge_layers(&layers, keep_hidden)
        .iter()
        .map(|row| row.to_entry(&layers))
        .collect()
}

fn small(n: usize) -> u32 {
    u32::try_from(n).expect("a merge holds fewer than 2^32 layers and entries per layer")
}

struct Merge<'a> {
    /// Visible rows by path (the path borrowed from the entry), and whether each is a
    /// directory.
    visible: BTreeMap<&'a str, (MergedRow, bool)>,
    hidden: Vec<MergedRow>,
    keep_hidden: bool,
}

impl<'a> Merge<'a> {
    fn apply(&mut self, layer: u32, entries: &'a [Entry]) {
        // Whiteouts and opaque markers apply to lower layers only, so they go first: an
        // opaque directory may list its new contents before or after the marker.
        for entry in entries {
            match entry.kind {
                EntryKind::Whiteout => self.remove(&entry.path, false, layer),
                EntryKind::OpaqueWhiteout => self.remove(&entry.path, true, layer),
                _ => {}
            }
        }
        for (index, entry) in entries.iter().enumerate() {
            if matches!(entry.kind, EntryKind::Whiteout | EntryKind::OpaqueWhiteout) {
                continue;
            }
            let is_dir = entry.kind == EntryKind::Dir;
            // A directory over a directory keeps the lower one's contents.
            let was_dir = self
                .visible
                .get(entry.path.as_str())
                .is_some_and(|(_, dir)| *dir);
            if was_dir && !is_dir {
                self.remove(&entry.path, true, layer);
            }
            let row = MergedRow {
                layer,
                index: small(index),
                hidden_by: None,
            };
            if let Some((previous, _)) = self.visible.insert(&entry.path, (row, is_dir)) {
                self.hide(previous, layer);
            }
        }
    }

    /// Removes `path` (unless `contents_only`) and everything below it.
    fn remove(&mut self, path: &str, contents_only: bool, layer: u32) {
        let doomed: Vec<&'a str> = self
            .visible
            .range::<str, _>((Bound::Included(path), Bound::Unbounded))
            .map(|(p, _)| *p)
            .take_while(|p| p.starts_with(path))
            .filter(|p| (!contents_only && *p == path) || is_under(p, path))
            .collect();
        for p in doomed {
            if let Some((gone, _)) = self.visible.remove(p) {
                self.hide(gone, layer);
            }
        }
    }

    fn hide(&mut self, mut row: MergedRow, layer: u32) {
        if self.keep_hidden {
            row.hidden_by = Some(layer);
            self.hidden.push(row);
        }
    }
}
