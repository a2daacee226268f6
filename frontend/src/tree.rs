//! A listing as a directory tree, built incrementally as batches stream in: each entry is
//! placed in O(depth) (a path → node map finds its parent, subtree sizes are updated along
//! the way up), so 100,000 entries cost 100,000 small steps, not a rebuild per batch. Each
//! node keeps its path in lower case for the filter, and each directory its children sorted
//! (`sorted.rs`), so a keystroke is one scan and one walk. Views flatten the expanded part
//! into rows; the list draws only the rows on screen (`components/virtual_list.rs`).

use std::collections::HashMap;

use lading_shared::layer::{Entry, EntryKind, file_name, parent};

use sorted::SortedChildren;

pub type NodeId = usize;
pub const ROOT: NodeId = 0;

#[derive(Debug, Clone, Default)]
pub struct Node {
    pub name: String,
    pub path: String,
    pub parent: Option<NodeId>,
    pub children: Vec<NodeId>,
    /// The entry at this path; `None` for a directory the archive implies but never lists.
    pub entry: Option<Entry>,
    /// Merged listings: entries a later layer deleted or overwrote, most recent first.
    pub hidden: Vec<Entry>,
    /// An opaque whiteout hides what lower layers put in this directory.
    pub opaque: bool,
    /// Size of the visible entries in this subtree (the entry itself included).
    pub size: u64,
    /// Visible entries in this subtree, so fully deleted branches can be left out.
    pub visible: usize,
    /// The path in lower case, made once for the filter; `None` when it already is.
    lower: Option<Box<str>>,
}

impl Node {
    /// The path in lower case (the filter's case-insensitive key).
    pub fn lower_path(&self) -> &str {
        self.lower.as_deref().unwrap_or(&self.path)
    }

    pub fn is_dir(&self) -> bool {
        let kind = self.entry.as_ref().or(self.hidden.first()).map(|e| e.kind);
        !self.children.is_empty()
            || matches!(
                kind,
                None | Some(EntryKind::Dir | EntryKind::OpaqueWhiteout)
            )
    }

    /// What the node's own row shows: the visible entry, or the newest hidden one.
    pub fn shown_entry(&self) -> Option<&Entry> {
        self.entry.as_ref().or(self.hidden.first())
    }

    /// The entry a row of this node shows: its own (`None`) or the `i`th hidden one.
    pub fn row_entry(&self, hidden: Option<usize>) -> Option<&Entry> {
        match hidden {
            Some(i) => self.hidden.get(i),
            None => self.shown_entry(),
        }
    }

    /// Whether a hidden `entry` of this path was overwritten (the hiding layer wrote the path
    /// itself) rather than deleted (a later layer may have written it again since).
    pub fn overwritten(&self, entry: &Entry) -> bool {
        entry.hidden_by.is_some_and(|by| {
            self.entry
                .iter()
                .chain(&self.hidden)
                .any(|e| e.layer == Some(by))
        })
    }
}

#[derive(Debug, Clone)]
pub struct Tree {
    nodes: Vec<Node>,
    index: HashMap<String, NodeId>,
    sorted: SortedChildren,
}

impl Default for Tree {
    fn default() -> Self {
        let root = Node {
            path: "/".to_owned(),
            ..Node::default()
        };
        Tree {
            nodes: vec![root],
            index: HashMap::from([("/".to_owned(), ROOT)]),
            sorted: SortedChildren::default(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortOrder {
    /// Directories first, then by name.
    Name,
    /// Largest first (directories by the size of their subtree).
    Size,
}

/// One line of the rendered tree. Everything that changes while a listing streams in is part
/// of it, so a keyed list re-renders exactly the rows that changed.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Row {
    pub id: NodeId,
    /// `Some(i)`: the `i`th of the node's hidden entries, on a line of its own.
    pub hidden: Option<usize>,
    pub depth: usize,
    pub expanded: bool,
    pub size: u64,
    pub has_entry: bool,
    pub children: usize,
}

/// What a filter found: the matches and their ancestors (to draw), and how many matched.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Matches {
    /// By node id: a flag per node is one store per match, where a set was a hash and an
    /// allocation (100,000 of them for a filter matching everything).
    pub include: Vec<bool>,
    pub count: usize,
}

impl Matches {
    pub fn includes(&self, id: NodeId) -> bool {
        self.include.get(id).copied().unwrap_or(false)
    }
}

pub struct Flatten<'a> {
    pub sort: SortOrder,
    pub show_hidden: bool,
    /// Whether the folder at this path is open (the URL keeps open folders by path).
    pub expanded: &'a dyn Fn(&str) -> bool,
    /// A filter's matches and their ancestors: only these show, all expanded.
    pub include: Option<&'a Matches>,
}

impl Tree {
    pub fn node(&self, id: NodeId) -> &Node {
        &self.nodes[id]
    }

    pub fn insert(&mut self, entry: Entry) {
        let id = self.ensure(&entry.path);
        // The entry may say what kind the node is: its place in its parent's name order.
        if let Some(parent) = self.nodes[id].parent {
            self.sorted.children_changed(parent);
        }
        if entry.kind == EntryKind::OpaqueWhiteout {
            self.nodes[id].opaque = true;
            return;
        }
        if entry.hidden_by.is_some() {
            self.nodes[id].hidden.push(entry);
            return;
        }
        let size = entry.size;
        let previous = self.nodes[id].entry.replace(entry);
        let (old_size, added) = previous.map_or((0, 1), |p| (p.size, 0));
        let mut at = Some(id);
        while let Some(n) = at {
            let node = &mut self.nodes[n];
            node.size = node.size - old_size + size;
            node.visible += added;
            at = node.parent;
            self.sorted.sizes_changed(n);
        }
    }

    /// The node at `path`, creating it and any missing ancestors.
    fn ensure(&mut self, path: &str) -> NodeId {
        if let Some(&id) = self.index.get(path) {
            return id;
        }
        let parent_id = self.ensure(parent(path));
        let id = self.nodes.len();
        let lower = path.to_lowercase();
        self.nodes.push(Node {
            name: file_name(path).to_owned(),
            path: path.to_owned(),
            parent: Some(parent_id),
            lower: (lower != path).then(|| lower.into()),
            ..Node::default()
        });
        self.sorted.children_changed(parent_id);
        self.nodes[parent_id].children.push(id);
        self.index.insert(path.to_owned(), id);
        id
    }

    /// Nodes satisfying `matches` (entries only; hidden ones when shown), and their
    /// ancestors.
    pub fn matching(&self, show_hidden: bool, matches: impl Fn(&Node) -> bool) -> Matches {
        let mut found = Matches {
            include: vec![false; self.nodes.len()],
            count: 0,
        };
        for id in 1..self.nodes.len() {
            let node = &self.nodes[id];
            let listed = node.entry.is_some() || (show_hidden && !node.hidden.is_empty());
            if listed && matches(node) {
                found.count += 1;
                let mut at = Some(id);
                while let Some(n) = at.filter(|&n| !found.include[n]) {
                    found.include[n] = true;
                    at = self.nodes[n].parent;
                }
            }
        }
        found
    }

    /// Every row of the expanded tree, depth first (the list draws only what is on screen).
    pub fn flatten(&self, options: &Flatten) -> Vec<Row> {
        let mut rows = Vec::new();
        self.push_children(ROOT, 0, options, &mut rows);
        rows
    }

    fn push_children(&self, id: NodeId, depth: usize, options: &Flatten, rows: &mut Vec<Row>) {
        let children = self.sorted.get(id, options.sort, || {
            let mut children = self.nodes[id].children.clone();
            self.sort(&mut children, options.sort);
            children
        });
        let shown = children
            .iter()
            .copied()
            .filter(|&c| options.show_hidden || self.nodes[c].visible > 0)
            .filter(|&c| options.include.is_none_or(|m| m.includes(c)));
        for child in shown {
            let node = &self.nodes[child];
            let expanded =
                node.is_dir() && (options.include.is_some() || (options.expanded)(&node.path));
            let row = Row {
                id: child,
                hidden: None,
                depth,
                expanded,
                size: node.size,
                has_entry: node.entry.is_some(),
                children: node.children.len(),
            };
            if options.show_hidden {
                // A path with nothing visible left shows its newest hidden entry as its row.
                let first = usize::from(node.entry.is_none());
                let extra = (first..node.hidden.len()).map(|i| Row {
                    hidden: Some(i),
                    expanded: false,
                    ..row.clone()
                });
                let extra: Vec<Row> = extra.collect();
                rows.push(row);
                rows.extend(extra);
            } else {
                rows.push(row);
            }
            if expanded {
                self.push_children(child, depth + 1, options, rows);
            }
        }
    }

    fn sort(&self, ids: &mut [NodeId], order: SortOrder) {
        let nodes = &self.nodes;
        match order {
            SortOrder::Name => ids.sort_by(|&a, &b| {
                let (a, b) = (&nodes[a], &nodes[b]);
                b.is_dir()
                    .cmp(&a.is_dir())
                    .then_with(|| a.name.cmp(&b.name))
            }),
            SortOrder::Size => ids.sort_by(|&a, &b| {
                let (a, b) = (&nodes[a], &nodes[b]);
                b.size.cmp(&a.size).then_with(|| a.name.cmp(&b.name))
            }),
        }
    }
}

mod sorted;
#[cfg(test)]
mod tests;
