//! The view as one-liners of the common registry tools: crane, regctl, skopeo, oras, docker.

use super::{Flow, Kind, Reproduction};

/// One [`Reproduction`] per tool, in [`Kind::ALL`] order (without `sh` and `python`).
pub fn commands(flow: &Flow) -> Vec<Reproduction> {
    let _ = flow;
    Kind::ALL[2..]
        .iter()
        .map(|&kind| Reproduction {
            kind,
            text: Err("not generated yet".to_string()),
        })
        .collect()
}
