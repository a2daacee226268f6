//! The flow panels of issue 10 in a real browser against a real registry: on every view
//! (index, image, platform, tags, catalog, layer listing, file) the control labelled
//! "Reproduce" opens scripts whose `pre` text is what the copy button copies and the
//! download holds; the HAR, Postman and Mermaid exports are in-page links whose contents
//! parse; the sequence diagram has an arrow per request and per answer (plus the browser's
//! own two) and points the Requests panel at a row on hover, focus and click; a long trace
//! stays inside its box; the explainer pages list every spec endpoint. Screenshots at desktop
//! and phone width, light and dark, go to `test-artifacts/issue10/`. Needs the built
//! frontend in `dist/`; the page helpers and the registry stand are `browser_look`'s.

mod views;

mod diagram;
mod learn;
mod looks;
mod panels;
