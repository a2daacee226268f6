//! Each directory's children in each order, sorted the first time a view asks and kept until
//! an insert changes them: a keystroke in the filter or a scroll re-flattens the tree without
//! sorting 100,000 names again. A new child (or a child's kind becoming known) changes its
//! parent's name order; a new entry's size changes the size order all the way up.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use super::{NodeId, SortOrder};

#[derive(Debug, Default)]
pub struct SortedChildren(Mutex<[HashMap<NodeId, Arc<[NodeId]>>; 2]>);

/// A copy starts empty: the cache is rebuilt on demand, never shared.
impl Clone for SortedChildren {
    fn clone(&self) -> Self {
        SortedChildren::default()
    }
}

fn slot(order: SortOrder) -> usize {
    match order {
        SortOrder::Name => 0,
        SortOrder::Size => 1,
    }
}

impl SortedChildren {
    /// `id`'s children in `order`, sorted by `sort` unless already known.
    pub fn get(
        &self,
        id: NodeId,
        order: SortOrder,
        sort: impl FnOnce() -> Vec<NodeId>,
    ) -> Arc<[NodeId]> {
        let mut maps = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        maps[slot(order)]
            .entry(id)
            .or_insert_with(|| sort().into())
            .clone()
    }

    /// `id`'s children changed (one was added, or one's kind became known).
    pub fn children_changed(&self, id: NodeId) {
        let mut maps = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        maps.iter_mut().for_each(|m| {
            m.remove(&id);
        });
    }

    /// A size below `id` changed: the size order of `id`'s own children.
    pub fn sizes_changed(&self, id: NodeId) {
        let mut maps = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        maps[slot(SortOrder::Size)].remove(&id);
    }
}
