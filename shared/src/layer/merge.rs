//! The merged filesystem: layers applied in order, and symlinks resolved inside it.

use super::path::{is_under, join, normalize_path, parent};
use super::{Entry, EntryKind};

/// Applies layers in order (bottom first), as a container runtime does: a later entry
/// replaces an earlier one at the same path, a whiteout deletes a path and everything below
/// it, an opaque whiteout hides everything a lower layer put below its directory, and
/// replacing a directory with a non-directory drops the directory's contents.
///
/// Returns the visible entries in path order, each with [`Entry::layer`] set; with
/// `keep_hidden`, deleted and overwritten entries are included too, with
/// [`Entry::hidden_by`] naming the layer that hid them. Whiteout entries themselves are not
/// part of the result.
pub fn merge_layers(layers: &[Vec<Entry>], keep_hidden: bool) -> Vec<Entry> {
    use std::collections::BTreeMap;
    let mut visible: BTreeMap<String, Entry> = BTreeMap::new();
    let mut hidden: Vec<Entry> = Vec::new();
    for (index, entries) in layers.iter().enumerate() {
        // Whiteouts and opaque markers apply to lower layers only, so collect them first:
        // an opaque directory may list its new contents before or after the marker.
        let mut removals: Vec<(String, bool)> = Vec::new(); // (path, contents only)
        for entry in entries {
            match entry.kind {
                EntryKind::Whiteout => removals.push((entry.path.clone(), false)),
                EntryKind::OpaqueWhiteout => removals.push((entry.path.clone(), true)),
                _ => {}
            }
        }
        for (path, contents_only) in removals {
            let doomed: Vec<String> = visible
                .range(path.clone()..)
                .map(|(p, _)| p)
                .take_while(|p| *p == &path || p.starts_with(&path))
                .filter(|p| (!contents_only && *p == &path) || is_under(p, &path))
                .cloned()
                .collect();
            for p in doomed {
                if let Some(mut gone) = visible.remove(&p)
                    && keep_hidden
                {
                    gone.hidden_by = Some(index);
                    hidden.push(gone);
                }
            }
        }
        for entry in entries {
            if matches!(entry.kind, EntryKind::Whiteout | EntryKind::OpaqueWhiteout) {
                continue;
            }
            let mut entry = entry.clone();
            entry.layer = Some(index);
            entry.hidden_by = None;
            if let Some(previous) = visible.get(&entry.path) {
                // A directory over a directory keeps the lower one's contents.
                let replaces_dir = previous.kind == EntryKind::Dir && entry.kind != EntryKind::Dir;
                if replaces_dir {
                    let below: Vec<String> = visible
                        .range(entry.path.clone()..)
                        .map(|(p, _)| p)
                        .take_while(|p| p.starts_with(&entry.path))
                        .filter(|p| is_under(p, &entry.path))
                        .cloned()
                        .collect();
                    for p in below {
                        if let Some(mut gone) = visible.remove(&p)
                            && keep_hidden
                        {
                            gone.hidden_by = Some(index);
                            hidden.push(gone);
                        }
                    }
                }
            }
            if let Some(mut previous) = visible.insert(entry.path.clone(), entry)
                && keep_hidden
            {
                previous.hidden_by = Some(index);
                hidden.push(previous);
            }
        }
    }
    let mut result: Vec<Entry> = visible.into_values().collect();
    if keep_hidden {
        result.extend(hidden);
        // Per path: the visible entry first, then what it hid, most recent first.
        result.sort_by(|a, b| {
            a.path
                .cmp(&b.path)
                .then(b.hidden_by.is_none().cmp(&a.hidden_by.is_none()))
                .then(b.layer.cmp(&a.layer))
        });
    }
    result
}

/// Resolves `path` through symlinks within the merged filesystem `lookup`, at most 40 hops
/// (as Linux does). Relative targets resolve against the link's directory; absolute ones
/// against the image root, never the host. Returns the final path and the links followed,
/// or `None` for a loop or a dangling link.
pub fn resolve_symlinks<'a>(
    path: &str,
    lookup: impl Fn(&str) -> Option<&'a Entry>,
) -> Option<(String, Vec<String>)> {
    let mut followed = Vec::new();
    let mut current = normalize_path(path);
    for _ in 0..40 {
        // Resolve each directory component too: /lib -> usr/lib makes /lib/x /usr/lib/x.
        let mut resolved = String::from("/");
        let mut changed = false;
        let components: Vec<&str> = current.split('/').filter(|c| !c.is_empty()).collect();
        for (i, component) in components.iter().enumerate() {
            let candidate = join(&resolved, component);
            match lookup(&candidate) {
                Some(entry) if entry.kind == EntryKind::Symlink => {
                    let target = entry.link.as_deref().unwrap_or("");
                    let base = if target.starts_with('/') {
                        "/"
                    } else {
                        parent(&candidate)
                    };
                    let rest = components[i + 1..].join("/");
                    followed.push(candidate.clone());
                    current = normalize_path(&format!("{base}/{target}/{rest}"));
                    changed = true;
                    break;
                }
                Some(_) => resolved = candidate,
                // Tars often omit directory entries: a missing directory is implied.
                None if i + 1 < components.len() => resolved = candidate,
                None => return None,
            }
        }
        if !changed {
            return Some((current, followed));
        }
    }
    None
}
