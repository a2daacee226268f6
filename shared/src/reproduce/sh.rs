//! The view as a POSIX `sh` script using only `curl`, `jq` and `sha256sum` (with `tar`,
//! `gzip` and, for zstd layers, `zstd` where layers are read), runnable under dash.
//!
//! The script is laid out for a reader: a header saying what it does and needs, the values
//! of the view (each quoted once, by [`sh_quote`]), small shell functions (`request`,
//! `authenticate`, `fetch_manifest`, `fetch_blob`, …), then the view's steps, each
//! explained in the registry's terms. Step code names values only through variables.

mod content;
mod export;
mod header;
mod http;
mod lists;
mod quote;
mod steps;

pub use quote::{comment, sh_quote};

use super::Flow;

/// The whole script, runnable as is (`sh script.sh`).
pub fn script(flow: &Flow) -> String {
    let plan = steps::plan(flow);
    let mut out = header::header(flow, &plan);
    out.push_str("\nset -eu\nLC_ALL=C\nexport LC_ALL\n");
    out.push_str("\n# --- The view's values (edit them to ask for something else) ---\n");
    let width = plan.values.iter().map(|v| v.name.len()).max().unwrap_or(0);
    for v in &plan.values {
        out.push_str(&format!("# {:width$}  {}\n", v.name, v.what));
    }
    for v in &plan.values {
        out.push_str(&format!("{}={}\n", v.name, sh_quote(&v.value)));
    }
    out.push_str("\n# --- How each step is done ---\n");
    out.push_str(http::BASICS);
    for function in &plan.functions {
        out.push('\n');
        out.push_str(function);
    }
    out.push_str("\n# --- The steps ---\n");
    let hub = plan.values.iter().any(|v| v.name == "HUB");
    let origin = if hub { "$HUB" } else { "$REGISTRY" };
    out.push_str(&format!(
        "# Authorization goes only to this origin; the token, once there is one, is kept in\n\
         # the work directory, never on a command line.\n\
         AUTH_ORIGIN=$(origin \"{origin}\")\n"
    ));
    if !hub {
        out.push_str("AUTHENTICATED=no\n");
    }
    if plan
        .functions
        .iter()
        .any(|f| [lists::PAGES, lists::HUB].contains(f))
    {
        out.push_str(&format!("MAX_PAGES={}\n", steps::MAX_PAGES));
    }
    if flow.credentials && !hub {
        out.push_str(
            "have_credentials || fail \"this view was made with credentials: set REGISTRY_USER \
             and REGISTRY_PASSWORD\"\n",
        );
    }
    for (number, step) in plan.steps.iter().enumerate() {
        out.push('\n');
        let mut lines = step.why.lines();
        if let Some(first) = lines.next() {
            out.push_str(&format!("# {}. {first}\n", number + 1));
        }
        for line in lines {
            out.push_str(&format!("#    {line}\n"));
        }
        out.push_str(step.code);
        out.push('\n');
    }
    out.push_str("\nfinish\n");
    out
}

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_hostile;
