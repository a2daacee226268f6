//! Symlinks resolved inside an image's filesystem, as the kernel would inside a container:
//! relative targets against the link's directory, absolute ones against the image root
//! (never the host), `..` never above the root, at most [`MAX_SYMLINK_HOPS`] links.
//!
//! The filesystem is only known through a `lookup`, so the same walk serves the merged view
//! and a single layer, and it says *how* a walk ended: found, missing (the path itself, or a
//! link's target: a broken link), or a loop.

use super::path::{join, normalize_path, parent};
use super::{Entry, EntryKind};

/// Links followed before a walk counts as a loop (Linux's `MAXSYMLINKS`).
pub const MAX_SYMLINK_HOPS: usize = 40;

/// What a filesystem holds at one path.
#[derive(Debug, Clone, Copy)]
pub enum Lookup<'a> {
    Entry(&'a Entry),
    /// No entry, but deeper entries imply a directory (tars often omit them), or the root.
    ImpliedDir,
    Missing,
}

/// How a walk ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolved {
    /// `path` (after the links in `followed`) exists, as an entry or an implied directory.
    Found { path: String, followed: Vec<String> },
    /// `missing` is not there. `broken_link`: it is the target of the last link followed
    /// (that link dangles); otherwise the path asked for (perhaps through a linked
    /// directory) is simply not in the filesystem.
    Missing {
        missing: String,
        followed: Vec<String>,
        broken_link: bool,
    },
    /// More than [`MAX_SYMLINK_HOPS`] links; `at` is where the walk stood.
    Loop { at: String, followed: Vec<String> },
}

/// Walks `path` through the filesystem `lookup` describes, following every symlink on the
/// way, directory components included (`/lib -> usr/lib` makes `/lib/x` `/usr/lib/x`).
pub fn resolve_path<'a>(path: &str, lookup: impl Fn(&str) -> Lookup<'a>) -> Resolved {
    let mut followed = Vec::new();
    let mut current = normalize_path(path);
    // The last link followed was the walk's final component: if its target is missing,
    // the link is broken (rather than the person's path being wrong).
    let mut last_link_final = false;
    loop {
        match step(&current, &lookup) {
            Step::Done => {
                return Resolved::Found {
                    path: current,
                    followed,
                };
            }
            Step::Missing => {
                let broken_link = last_link_final && !followed.is_empty();
                return Resolved::Missing {
                    missing: current,
                    followed,
                    broken_link,
                };
            }
            Step::Link { link, next, last } => {
                if followed.len() == MAX_SYMLINK_HOPS {
                    return Resolved::Loop {
                        at: current,
                        followed,
                    };
                }
                followed.push(link);
                current = next;
                last_link_final = last;
            }
        }
    }
}

/// [`resolve_path`] over a lookup of entries alone (missing directories count as implied):
/// the final path and the links followed, or `None` for a missing path or a loop.
pub fn resolve_symlinks<'a>(
    path: &str,
    lookup: impl Fn(&str) -> Option<&'a Entry>,
) -> Option<(String, Vec<String>)> {
    let lookup = |p: &str| match lookup(p) {
        Some(entry) => Lookup::Entry(entry),
        None if p == "/" => Lookup::ImpliedDir,
        None => Lookup::Missing,
    };
    match resolve_path(path, lookup) {
        Resolved::Found { path, followed } => Some((path, followed)),
        Resolved::Missing { .. } | Resolved::Loop { .. } => None,
    }
}

enum Step {
    Done,
    Missing,
    /// The component `link` is a symlink; the walk goes on at `next`. `last`: it was the
    /// final component.
    Link {
        link: String,
        next: String,
        last: bool,
    },
}

/// One pass over the components of `current`, up to the first symlink.
fn step<'a>(current: &str, lookup: &impl Fn(&str) -> Lookup<'a>) -> Step {
    let components: Vec<&str> = current.split('/').filter(|c| !c.is_empty()).collect();
    let mut resolved = String::from("/");
    for (i, component) in components.iter().enumerate() {
        let candidate = join(&resolved, component);
        let last = i + 1 == components.len();
        match lookup(&candidate) {
            Lookup::Entry(entry) if entry.kind == EntryKind::Symlink => {
                let target = entry.link.as_deref().unwrap_or("");
                let base = if target.starts_with('/') {
                    "/"
                } else {
                    parent(&candidate)
                };
                let rest = components[i + 1..].join("/");
                let next = normalize_path(&format!("{base}/{target}/{rest}"));
                return Step::Link {
                    link: candidate,
                    next,
                    last,
                };
            }
            Lookup::Entry(_) | Lookup::ImpliedDir => resolved = candidate,
            // A lookup of entries alone cannot tell an implied directory: the final
            // component decides.
            Lookup::Missing if !last => resolved = candidate,
            Lookup::Missing => return Step::Missing,
        }
    }
    Step::Done
}

#[cfg(test)]
mod tests;
