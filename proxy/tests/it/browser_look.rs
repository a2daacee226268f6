//! How the app looks and behaves for a newcomer (issue 8's walk), in a real browser against
//! a real registry: no page scrolls sideways on a phone, the Requests panel keeps long
//! headers in their cells, attestations are artifacts with their JSON inline, a platform
//! page keeps its index, errors offer the way forward, the sign-in popover handles focus,
//! pasted commands open images, copying works without the clipboard API, and the IMAGE ID
//! is shown. Screenshots of every page kind at desktop and phone width, light and dark, go
//! to `test-artifacts/issue8/`. Needs the built frontend in `dist/` (fails without it).

// Shared with `browser_registries`: one way to open a page and judge its layout.
pub(crate) mod stand;

mod behaviour;
mod errors;
mod pages;
