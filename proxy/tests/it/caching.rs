//! Issue 11: round trips at the floor and Lading's digest-addressed cache, counted from both
//! sides — the trace Lading writes about itself, and what the registry saw (a counting relay
//! in front of a real `docker-registry`; the World's request log for Docker Hub).
//!
//! The floor of a cold index view by tag is ping, index, all children at once; a warm view
//! of a tag is one `HEAD`; a view by digest is nothing at all, while the scope's access is
//! proven. Every cached answer stays within the registry, repository and identity that read
//! it.

mod children;
mod hub;
mod proofs;
mod stand;
mod views;
