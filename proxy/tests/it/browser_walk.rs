//! The walk through the layer views, in a real browser (issue 8): view state lives in the
//! URL and comes back on Back (filter, sort, open folders, scroll, the Raw JSON tab, the tag
//! filter and order); signing in on a layer page lists it; directories, symlinks (broken
//! too) and missing paths have pages of their own; one filter rule with a match count; a long
//! listing can be cancelled and what arrived stays usable. Needs the built frontend (`dist/`).

mod stand;

mod back;
mod listing;
mod pages;
