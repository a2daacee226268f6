//! The view as a Python 3 script using only the standard library (3.9 or later).
//!
//! The script is assembled from fixed helper parts — real `.py` files beside this one
//! ([`Part`]), each included only where the view needs it — and a per-view main part
//! ([`views`]) holding the view's values as Python string literals ([`literal::py_str`])
//! and the steps in the trace's order. Helpers read nothing but their arguments, so the
//! same text serves every registry; only the main part differs.

mod header;
mod literal;
mod views;

pub use literal::py_str;

use super::{Flow, Subject};

/// A fixed helper part of the script: a `.py` file, its imports first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Part {
    Prelude,
    Transport,
    Auth,
    Manifests,
    Lists,
    Hub,
    Blobs,
    Layers,
    Export,
}

impl Part {
    fn text(self) -> &'static str {
        match self {
            Part::Prelude => include_str!("python/prelude.py"),
            Part::Transport => include_str!("python/transport.py"),
            Part::Auth => include_str!("python/auth.py"),
            Part::Manifests => include_str!("python/manifests.py"),
            Part::Lists => include_str!("python/lists.py"),
            Part::Hub => include_str!("python/hub.py"),
            Part::Blobs => include_str!("python/blobs.py"),
            Part::Layers => include_str!("python/layers.py"),
            Part::Export => include_str!("python/export.py"),
        }
    }
}

/// The helper parts a view's script needs, in dependency order.
fn parts(subject: &Subject) -> Vec<Part> {
    use Part::*;
    let mut parts = vec![Prelude, Transport];
    parts.extend_from_slice(match subject {
        Subject::Catalog {
            namespace: Some(_), ..
        } => &[Auth, Hub][..],
        Subject::Catalog { .. } | Subject::Tags { .. } => &[Auth, Lists],
        Subject::Manifest(_) => &[Auth, Manifests, Blobs],
        Subject::Blob { .. } => &[Auth, Manifests, Blobs],
        Subject::Layer { .. } | Subject::File { .. } => &[Auth, Manifests, Blobs, Layers],
        Subject::Export { .. } => &[Auth, Manifests, Blobs, Export],
    });
    parts
}

/// The whole script, runnable as is (`python3 script.py`).
pub fn script(flow: &Flow) -> String {
    let mut imports: Vec<&str> = Vec::new();
    let mut bodies: Vec<&str> = Vec::new();
    for part in parts(&flow.subject) {
        let (part_imports, body) = split_imports(part.text());
        imports.extend(part_imports);
        bodies.push(body);
    }
    imports.sort_unstable();
    imports.dedup();
    let mut out = header::docstring(flow);
    out.push('\n');
    for import in imports {
        out.push_str(import);
        out.push('\n');
    }
    // The limits, then what this view does (its values and `main()`) before the helpers
    // it calls: a reader sees the steps first. Python looks names up when `main()` runs.
    let (prelude, helpers) = bodies.split_first().unwrap_or((&"", &[]));
    out.push_str("\n\n");
    out.push_str(prelude.trim_end());
    out.push_str("\n\n\n");
    out.push_str(&views::main_part(flow));
    out.push_str(HELPERS_BANNER);
    for body in helpers {
        out.push_str("\n\n");
        out.push_str(body.trim_end());
        out.push('\n');
    }
    out.push_str("\n\nif __name__ == \"__main__\":\n    run(main)\n");
    out
}

const HELPERS_BANNER: &str =
    "\n\n# ---- The protocol, step by step: the same for every registry ----\n";

/// A part's leading `import` lines, and the rest.
fn split_imports(text: &str) -> (Vec<&str>, &str) {
    let mut imports = Vec::new();
    let mut rest = text;
    while let Some((line, after)) = rest.split_once('\n') {
        if line.starts_with("import ") || line.starts_with("from ") {
            imports.push(line);
        } else if !line.trim().is_empty() {
            break;
        }
        rest = after;
    }
    (imports, rest)
}

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_helpers;
#[cfg(test)]
mod tests_security;
