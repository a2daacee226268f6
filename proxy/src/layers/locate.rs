//! What a path is in a view of an image (its merged filesystem or one layer): an entry, a
//! directory implied by deeper entries, a broken link, or nothing (with near paths), found
//! through the view's [`PathIndex`], symlinks followed. Only the entries answered are copied.

use std::sync::Arc;

use lading_shared::Descriptor;
use lading_shared::layer::{
    Entry, EntryKind, Lookup, MAX_PREVIEW_CHILDREN, MergedRow, Resolved, file_name, parent,
    resolve_path,
};

use super::engine::Engine;
use super::index::{Child, PathIndex};
use super::index_cache::View as IndexView;
use super::listing::Listing;
use super::merged::merge_input;
use super::suggest::nearest;
use crate::error::ProxyError;
use crate::registry::image::ResolvedImage;

/// An image's merged filesystem, or one of its layers, with the index to find paths in it.
pub struct View {
    /// Bottom first; one listing for a layer view.
    pub listings: Vec<Arc<Listing>>,
    pub index: Arc<PathIndex>,
    /// The image layer the view's layer 0 is (0 for the merged view).
    pub base: usize,
    /// How answers name it: "image sha256:…", "layer 2 (sha256:…) of image sha256:…".
    pub name: String,
}

impl View {
    /// The merged filesystem of `image`, from `listings` (bottom first); its index from the
    /// cache of this image's scope, or built once on a blocking thread and kept when every
    /// listing was verified.
    pub async fn merged(
        engine: &Engine,
        image: &ResolvedImage,
        listings: Vec<Arc<Listing>>,
    ) -> Result<View, ProxyError> {
        let key = IndexView::Image(image.digest.clone());
        let index = cached_or_built(engine, image, &key, &listings, PathIndex::merged).await?;
        Ok(View {
            listings,
            index,
            base: 0,
            name: format!("image {}", image.digest),
        })
    }

    /// Layer `layer` of `image` alone.
    pub async fn layer(
        engine: &Engine,
        image: &ResolvedImage,
        layer: usize,
        listing: Arc<Listing>,
    ) -> Result<View, ProxyError> {
        let digest = &image.manifest.layers[layer].digest;
        let key = IndexView::Layer(digest.clone());
        let listings = vec![listing];
        let build = |listings: &[Arc<Listing>]| PathIndex::layer(&listings[0]);
        let index = cached_or_built(engine, image, &key, &listings, build).await?;
        Ok(View {
            listings,
            index,
            base: layer,
            // Counted from 1, as every page counts layers.
            name: format!("layer #{} ({digest}) of image {}", layer + 1, image.digest),
        })
    }

    /// The layers as the index rows count them.
    pub fn layers(&self) -> Vec<&[Entry]> {
        if self.index.is_merged() {
            merge_input(&self.listings)
        } else {
            vec![self.listings[0].entries.as_slice()]
        }
    }

    /// The image layer a row of this view is in.
    pub fn image_layer(&self, row_layer: u32) -> usize {
        self.base + row_layer as usize
    }

    /// The descriptor of the image layer a row of this view is in.
    pub fn descriptor<'a>(&self, image: &'a ResolvedImage, row_layer: u32) -> &'a Descriptor {
        &image.manifest.layers[self.image_layer(row_layer)]
    }
}

async fn cached_or_built(
    engine: &Engine,
    image: &ResolvedImage,
    key: &IndexView,
    listings: &[Arc<Listing>],
    build: fn(&[Arc<Listing>]) -> Result<PathIndex, ProxyError>,
) -> Result<Arc<PathIndex>, ProxyError> {
    let layers = match key {
        IndexView::Image(_) => merge_input(listings),
        IndexView::Layer(_) => vec![listings[0].entries.as_slice()],
    };
    if let Some(index) = engine.indexes.get(image, key).await
        && index.fits(&layers)
    {
        return Ok(index);
    }
    let owned = listings.to_vec();
    let index = tokio::task::spawn_blocking(move || build(&owned))
        .await
        .map_err(|e| ProxyError::Internal(format!("the path index was not built: {e}")))??;
    let index = Arc::new(index);
    if listings.iter().all(|l| l.verified) {
        engine.indexes.insert(image, key, index.clone()).await;
    }
    Ok(index)
}

/// What a path named in a view.
#[derive(Debug, Clone)]
pub struct Located {
    /// The entry answered: the path's (symlinks followed), or a broken link itself. An
    /// implied directory is made up (mode 0755, as runtimes create it).
    pub entry: Entry,
    /// Its row; `None` for an implied directory.
    pub row: Option<MergedRow>,
    /// The row layer it is in (an implied directory: the layer of what implies it).
    pub layer: u32,
    /// The symlinks followed to reach it, in order.
    pub resolved_from: Vec<String>,
    /// For a broken link (target missing, a loop): where the walk found nothing.
    pub dangling: Option<String>,
    /// The links loop (`resolved_from` is one turn of it).
    pub looped: bool,
}

/// Finds `path` in `view`, following symlinks within it.
pub fn locate(view: &View, path: &str) -> Result<Located, ProxyError> {
    let layers = view.layers();
    let index = &view.index;
    let resolved = resolve_path(path, |p| index.lookup(&layers, p));
    let (mut followed, dangling, looped) = match resolved {
        Resolved::Found { path, followed } => {
            return Ok(found(view, &layers, &path, followed));
        }
        Resolved::Missing {
            missing,
            followed,
            broken_link: true,
        } => (followed, missing, false),
        Resolved::Loop { at, followed } => {
            // One turn of the loop says it all; the walk went round it until its limit.
            let mut seen = std::collections::HashSet::new();
            let turn = followed.into_iter().take_while(|p| seen.insert(p.clone()));
            (turn.collect(), at, true)
        }
        Resolved::Missing { missing, .. } => return Err(not_in_view(view, &layers, &missing)),
    };
    // A broken link answers as itself: it is there, only what it names is not. A loop
    // answers as the link asked for (the first of the turn).
    let link = match looped {
        true => followed.first().cloned().unwrap_or_default(),
        false => followed.pop().unwrap_or_default(),
    };
    let row = index
        .find(&layers, &link)
        .ok_or_else(|| ProxyError::Internal(format!("the link {link} left the index")))?;
    Ok(Located {
        entry: to_entry(view, &layers, row),
        row: Some(row),
        layer: row.layer,
        resolved_from: followed,
        dangling: Some(dangling),
        looped,
    })
}

fn found(view: &View, layers: &[&[Entry]], path: &str, followed: Vec<String>) -> Located {
    let (entry, row, layer) = match view.index.find(layers, path) {
        Some(row) => (to_entry(view, layers, row), Some(row), row.layer),
        None => {
            let layer = view.index.implied_by(layers, path).map_or(0, |r| r.layer);
            (implied_dir(view, path, layer), None, layer)
        }
    };
    Located {
        entry,
        row,
        layer,
        resolved_from: followed,
        dangling: None,
        looped: false,
    }
}

/// The direct children of directory `dir` (at most [`MAX_PREVIEW_CHILDREN`], by name) and
/// how many it has.
pub fn children(view: &View, dir: &str) -> (Vec<Entry>, u64) {
    let layers = view.layers();
    let mut shown = Vec::new();
    let mut total = 0u64;
    view.index.for_each_child(&layers, dir, |_, child| {
        total += 1;
        if shown.len() < MAX_PREVIEW_CHILDREN {
            shown.push(match child {
                Child::Row(row) => to_entry(view, &layers, row),
                Child::Implied(path, layer) => implied_dir(view, path, layer),
            });
        }
    });
    shown.sort_by(|a, b| a.path.cmp(&b.path));
    (shown, total)
}

fn to_entry(view: &View, layers: &[&[Entry]], row: MergedRow) -> Entry {
    if view.index.is_merged() {
        row.to_entry(layers)
    } else {
        row.entry(layers).clone()
    }
}

fn implied_dir(view: &View, path: &str, layer: u32) -> Entry {
    Entry {
        mode: 0o755,
        layer: view.index.is_merged().then_some(layer as usize),
        ..Entry::new(path, EntryKind::Dir)
    }
}

/// `missing` is not in the view: said so, with what deleted it if a layer did, and near
/// paths in the deepest directory that is there.
fn not_in_view(view: &View, layers: &[&[Entry]], missing: &str) -> ProxyError {
    let message = match view.index.deleted_by(layers, missing) {
        Some(layer) => format!(
            // Layers are counted from 1 on every page.
            "{missing} is not in {}: layer #{} deleted it",
            view.name,
            view.image_layer(layer) + 1
        ),
        None => format!("{missing} is not in {}", view.name),
    };
    ProxyError::NotInImage {
        message,
        suggestions: near_paths(view, layers, missing),
    }
}

fn near_paths(view: &View, layers: &[&[Entry]], missing: &str) -> Vec<String> {
    let is_dir = |p: &str| match view.index.lookup(layers, p) {
        Lookup::Entry(entry) => entry.kind == EntryKind::Dir,
        Lookup::ImpliedDir => true,
        Lookup::Missing => false,
    };
    // The deepest directory there, and the name wanted in it.
    let mut wanted = missing;
    let mut dir = parent(missing);
    while !is_dir(dir) {
        wanted = dir;
        dir = parent(dir);
    }
    let mut names = Vec::new();
    view.index
        .for_each_child(layers, dir, |name, _| names.push(name));
    let prefix = if dir == "/" { "" } else { dir };
    nearest(file_name(wanted), names)
        .into_iter()
        .map(|name| format!("{prefix}/{name}"))
        .collect()
}

/// Where a file read gets its bytes: a layer's listing and an entry in it.
#[derive(Debug, Clone)]
pub struct DataEntry {
    /// The image layer (bottom = 0).
    pub layer: usize,
    pub listing: Arc<Listing>,
    pub index: usize,
}

/// The entry whose bytes a file read serves for `row`: the file itself, or a hard link's
/// target, written earlier in the same layer or, as runtimes allow when they apply layers in
/// order, in a layer below (in a merged view; a layer alone has nothing below).
pub fn data_entry(view: &View, row: MergedRow) -> Result<DataEntry, ProxyError> {
    let layer = row.layer as usize;
    let mut at = DataEntry {
        layer,
        listing: view.listings[layer].clone(),
        index: row.index as usize,
    };
    let mut below = &view.listings[..layer];
    // Hard links to hard links are legal; a few hops is plenty.
    for _ in 0..8 {
        let entry = &at.listing.entries[at.index];
        if entry.kind != EntryKind::Hardlink {
            at.layer += view.base;
            return Ok(at);
        }
        let target = entry.link.as_deref().unwrap_or("");
        let earlier = at.listing.entries[..at.index]
            .iter()
            .rposition(|e| e.path == target);
        if let Some(index) = earlier {
            at.index = index;
            continue;
        }
        let (layer, index) = below
            .iter()
            .enumerate()
            .rev()
            .find_map(|(layer, l)| l.find(target).map(|index| (layer, index)))
            .ok_or_else(|| match view.index.is_merged() {
                true => ProxyError::BadUpstream(format!(
                    "hard link {} points at {target}, which no layer holds before it",
                    entry.path
                )),
                // A layer alone: the target is in a layer below, as runtimes allow.
                false => ProxyError::Unsupported(format!(
                    "hard link {} points at {target}, which this layer does not hold: an \
                     earlier layer wrote it, so its bytes are in the merged filesystem",
                    entry.path
                )),
            })?;
        at = DataEntry {
            layer,
            listing: below[layer].clone(),
            index,
        };
        below = &below[..layer];
    }
    Err(ProxyError::BadUpstream(format!(
        "{} is a chain of too many hard links",
        row.entry(&view.layers()).path
    )))
}

/// What a person calls an entry of `kind`.
pub fn kind_noun(kind: EntryKind) -> &'static str {
    match kind {
        EntryKind::File => "file",
        EntryKind::Hardlink => "hard link",
        EntryKind::Dir => "directory",
        EntryKind::Symlink => "symlink",
        EntryKind::CharDevice => "character device",
        EntryKind::BlockDevice => "block device",
        EntryKind::Fifo => "named pipe",
        EntryKind::Whiteout | EntryKind::OpaqueWhiteout => "whiteout",
        EntryKind::Other => "special entry",
    }
}

#[cfg(test)]
mod tests;
