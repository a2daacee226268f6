//! Issue 10, "show me the flow": the artefacts a view offers (sh and Python scripts, tool
//! one-liners, HAR, Postman, Mermaid) generated from real traces and run for real against
//! the test registries. [`stand`] is the shared harness every suite here uses.

// A harness shared by several suites: not every suite uses every helper.
#[allow(dead_code, unused_imports)]
pub mod stand;

mod exports;
mod leaks;
mod python;
mod sh;
mod tools;
