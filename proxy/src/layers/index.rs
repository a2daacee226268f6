//! A per-view path index: for each path, which layer and which entry of it wrote it, so a file
//! click finds its path (and a directory its children) without merging again or copying an
//! entry. The index holds rows (16 bytes each), never entries: the entries stay in the
//! listings, which every use of an index holds beside it.
//!
//! A merged index is exactly what `/api/merged` sends (visible rows and, after each, what they
//! hid), so that answer is served from it too. A layer's index has one row per path: the last
//! entry written there, a whiteout marker only where nothing else is.

use std::mem::size_of;
use std::sync::Arc;

use lading_shared::layer::{Entry, EntryKind, Lookup, MergedRow, merge_layers};

use super::budget::{LISTING_MEMORY, Reservation};
use super::listing::Listing;
use super::merged::{merge_input, merge_memory};
use crate::error::ProxyError;

/// The rows of one view of an image, in path order.
#[derive(Debug)]
pub struct PathIndex {
    /// Path order; per path the visible row first, then (merged) what it hid.
    rows: Vec<MergedRow>,
    /// Entries per layer of what it was built from: an index is only used with listings of
    /// the same shape (a listing re-read after eviction is the same; anything else is
    /// rebuilt, never trusted).
    shape: Vec<usize>,
    /// Built from a whole image (rows carry their layer) or from one layer.
    merged: bool,
    /// Its rows, drawn from the listing budget for as long as it is held.
    memory: Reservation,
}

/// A direct child of a directory, as an index sees it.
#[derive(Debug, Clone, Copy)]
pub enum Child<'a> {
    Row(MergedRow),
    /// A directory no entry names, implied by deeper ones (`path`, the layer of the first).
    Implied(&'a str, u32),
}

impl PathIndex {
    /// The merged filesystem of an image's listings (bottom first).
    pub fn merged(listings: &[Arc<Listing>]) -> Result<PathIndex, ProxyError> {
        let layers = merge_input(listings);
        let _working = merge_memory(&layers)?;
        let rows = merge_layers(&layers, true);
        PathIndex::new(rows, shape(&layers), true)
    }

    /// One layer alone.
    pub fn layer(listing: &Listing) -> Result<PathIndex, ProxyError> {
        let entries = &listing.entries;
        let _working = merge_memory(&[entries.as_slice()])?;
        let marker = |i: usize| {
            matches!(
                entries[i].kind,
                EntryKind::Whiteout | EntryKind::OpaqueWhiteout
            )
        };
        let mut order: Vec<usize> = (0..entries.len()).collect();
        // Per path the row to keep first: not a marker, then the last written.
        order.sort_unstable_by(|&a, &b| {
            entries[a]
                .path
                .cmp(&entries[b].path)
                .then(marker(a).cmp(&marker(b)))
                .then(b.cmp(&a))
        });
        order.dedup_by(|later, first| entries[*later].path == entries[*first].path);
        let rows = order
            .into_iter()
            .map(|index| MergedRow {
                layer: 0,
                index: index as u32,
                hidden_by: None,
            })
            .collect();
        PathIndex::new(rows, vec![entries.len()], false)
    }

    fn new(
        mut rows: Vec<MergedRow>,
        shape: Vec<usize>,
        merged: bool,
    ) -> Result<PathIndex, ProxyError> {
        rows.shrink_to_fit();
        let mut memory = Reservation::new(&LISTING_MEMORY);
        memory.resize(weight_of(rows.capacity(), shape.len()))?;
        Ok(PathIndex {
            rows,
            shape,
            merged,
            memory,
        })
    }

    /// The heap it holds: what the index cache weighs and the budget is charged.
    pub fn weight(&self) -> u64 {
        self.memory.bytes()
    }

    pub fn is_merged(&self) -> bool {
        self.merged
    }

    /// Every row, for `/api/merged`.
    pub fn rows(&self) -> &[MergedRow] {
        &self.rows
    }

    /// Whether it was built from listings shaped like `layers`.
    pub fn fits(&self, layers: &[&[Entry]]) -> bool {
        self.shape.len() == layers.len()
            && self.shape.iter().zip(layers).all(|(n, l)| *n == l.len())
    }

    /// The visible row at `path`.
    pub fn find(&self, layers: &[&[Entry]], path: &str) -> Option<MergedRow> {
        let at = self.first_at_or_after(layers, path);
        let row = *self.rows.get(at)?;
        (row.entry(layers).path == path && row.hidden_by.is_none()).then_some(row)
    }

    /// The layer that last deleted or replaced `path`, when nothing visible is there now.
    pub fn deleted_by(&self, layers: &[&[Entry]], path: &str) -> Option<u32> {
        let at = self.first_at_or_after(layers, path);
        let row = self.rows.get(at)?;
        if row.entry(layers).path != path {
            return None;
        }
        row.hidden_by
    }

    /// What the filesystem holds at `path`: an entry, a directory implied by deeper entries
    /// (the root always), or nothing.
    pub fn lookup<'a>(&self, layers: &[&'a [Entry]], path: &str) -> Lookup<'a> {
        if let Some(row) = self.find(layers, path) {
            return Lookup::Entry(row.entry(layers));
        }
        if path == "/" || self.implied_by(layers, path).is_some() {
            Lookup::ImpliedDir
        } else {
            Lookup::Missing
        }
    }

    /// The first visible row below `dir`: what implies it when no entry names it.
    pub fn implied_by(&self, layers: &[&[Entry]], dir: &str) -> Option<MergedRow> {
        let prefix = dir_prefix(dir);
        let at = self.first_at_or_after(layers, &prefix);
        self.rows[at..]
            .iter()
            .take_while(|row| row.entry(layers).path.starts_with(prefix.as_str()))
            .find(|row| row.hidden_by.is_none())
            .copied()
    }

    /// Calls `each` with every direct child of `dir` in path order, each once, implied
    /// directories included; the rows scanned are `dir`'s subtree.
    pub fn for_each_child<'a>(
        &self,
        layers: &[&'a [Entry]],
        dir: &str,
        mut each: impl FnMut(&'a str, Child<'a>),
    ) {
        let prefix = dir_prefix(dir);
        let start = self.first_at_or_after(layers, &prefix);
        // A child `c` is at most two runs: its own row, then (after names like `c-x`, which
        // sort between) the block of paths under `c/`. The block is counted once, and not at
        // all when the row was.
        let mut last_block: Option<&str> = None;
        for row in &self.rows[start..] {
            let path = row.entry(layers).path.as_str();
            let Some(rest) = path.strip_prefix(prefix.as_str()) else {
                break;
            };
            if row.hidden_by.is_some() || rest.is_empty() {
                continue;
            }
            match rest.find('/') {
                None => each(rest, Child::Row(*row)),
                Some(end) => {
                    let name = &rest[..end];
                    if last_block == Some(name) {
                        continue;
                    }
                    last_block = Some(name);
                    let child = &path[..prefix.len() + end];
                    if self.find(layers, child).is_none() {
                        each(name, Child::Implied(child, row.layer));
                    }
                }
            }
        }
    }

    /// Index of the first row whose path is not before `path`.
    fn first_at_or_after(&self, layers: &[&[Entry]], path: &str) -> usize {
        self.rows
            .partition_point(|row| row.entry(layers).path.as_str() < path)
    }
}

/// `/usr/` for `/usr`, `/` for the root: what every path below starts with.
fn dir_prefix(dir: &str) -> String {
    if dir == "/" {
        "/".to_owned()
    } else {
        format!("{dir}/")
    }
}

fn shape(layers: &[&[Entry]]) -> Vec<usize> {
    layers.iter().map(|l| l.len()).collect()
}

/// The heap of an index of `rows` rows over `layers` layers.
fn weight_of(rows: usize, layers: usize) -> u64 {
    (size_of::<PathIndex>() + rows * size_of::<MergedRow>() + layers * size_of::<usize>()) as u64
}

#[cfg(test)]
mod tests;
