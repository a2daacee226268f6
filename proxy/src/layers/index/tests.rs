//! Finding paths and children among rows, as a merge orders them.

use lading_shared::layer::{Compression, EntryKind};

use super::*;

pub fn listing(entries: Vec<Entry>) -> Arc<Listing> {
    let mut listing = Listing::new(Compression::None, Reservation::none());
    listing.data_offsets = vec![0; entries.len()];
    listing.entries = entries;
    listing.verified = true;
    Arc::new(listing)
}

fn names(index: &PathIndex, layers: &[&[Entry]], dir: &str) -> Vec<(String, bool)> {
    let mut names = Vec::new();
    index.for_each_child(layers, dir, |name, child| {
        names.push((name.to_string(), matches!(child, Child::Implied(..))))
    });
    names
}

#[test]
fn children_are_each_counted_once_implied_ones_too() {
    let file = |p: &str| Entry::new(p, EntryKind::File);
    let listings = [listing(vec![
        Entry::new("/d/c", EntryKind::Dir),
        // `c-x` sorts between `c` and `c/…`: `c` must not be counted twice.
        file("/d/c-x"),
        file("/d/c/y"),
        file("/d/e/f"),
        file("/d/e/g"),
        file("/top"),
    ])];
    let index = PathIndex::merged(&listings).unwrap();
    let layers = merge_input(&listings);
    let want = |list: &[(&str, bool)]| -> Vec<(String, bool)> {
        list.iter().map(|(n, i)| (n.to_string(), *i)).collect()
    };
    assert_eq!(
        names(&index, &layers, "/d"),
        want(&[("c", false), ("c-x", false), ("e", true)])
    );
    assert_eq!(
        names(&index, &layers, "/"),
        want(&[("d", true), ("top", false)])
    );
    assert!(names(&index, &layers, "/top").is_empty());
    assert!(matches!(index.lookup(&layers, "/d/e"), Lookup::ImpliedDir));
    assert!(matches!(index.lookup(&layers, "/d/c-"), Lookup::Missing));
    assert!(index.fits(&layers));
    assert!(!index.fits(&[]));
}

#[test]
fn a_layer_index_keeps_the_last_entry_of_a_path_and_markers_only_alone() {
    let listing = listing(vec![
        Entry::new("/a", EntryKind::File),
        Entry::new("/var/cache", EntryKind::OpaqueWhiteout),
        Entry::new("/var/cache", EntryKind::Dir),
        Entry {
            size: 2,
            ..Entry::new("/a", EntryKind::File)
        },
        Entry::new("/gone", EntryKind::Whiteout),
    ]);
    let index = PathIndex::layer(&listing).unwrap();
    let layers = [listing.entries.as_slice()];
    let find = |p: &str| index.find(&layers, p).map(|row| row.index);
    assert_eq!(find("/a"), Some(3));
    assert_eq!(find("/var/cache"), Some(2));
    assert_eq!(find("/gone"), Some(4));
    assert!(!index.is_merged());
    assert!(index.weight() >= 3 * std::mem::size_of::<MergedRow>() as u64);
}
