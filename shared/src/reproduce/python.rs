//! The view as a Python 3 script using only the standard library.

use super::Flow;

/// The whole script, runnable as is (`python3 script.py`).
pub fn script(flow: &Flow) -> String {
    // Placeholder until the generator lands (issue 10).
    format!(
        "#!/usr/bin/env python3\n# Reproduces {}\nraise SystemExit(1)\n",
        flow.subject.describe()
    )
}
