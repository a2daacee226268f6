//! The view as a POSIX `sh` script using only `curl`, `jq` and `sha256sum`.

use super::Flow;

/// The whole script, runnable as is (`sh script.sh`).
pub fn script(flow: &Flow) -> String {
    // Placeholder until the generator lands (issue 10): says what it will be.
    format!(
        "#!/bin/sh\n# Reproduces {}\nexit 1\n",
        flow.subject.describe()
    )
}
