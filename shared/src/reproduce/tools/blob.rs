//! The steps after a tool has saved a blob to a file, the same for every tool: check its
//! digest, print its digest and size, list it as a tar, or extract one file from it.

use super::quote;
use crate::digest::Digest;

/// `sha256-HEX`: the name the scripts save a blob under (only `[a-z0-9-]`: safe bare).
pub(super) fn file_name(digest: &Digest) -> String {
    format!("{}-{}", digest.algorithm().name(), digest.hex())
}

/// Checks `file` against `digest` with `sha256sum -c` (or `sha512sum`), which fails on a
/// mismatch; its `FILE: OK` goes to stderr so stdout stays the view's output.
pub(super) fn verify(digest: &Digest, file: &str) -> String {
    let algorithm = digest.algorithm().name();
    format!(
        "echo {} | {algorithm}sum -c - >&2",
        quote(&format!("{}  {file}", digest.hex()))
    )
}

/// Prints `DIGEST SIZE`, what the blob view prints.
pub(super) fn digest_and_size(digest: &Digest, file: &str) -> String {
    format!("echo \"{digest} $(wc -c < {})\"", quote(file))
}

/// Lists a layer: `tar` reads gzip, zstd or plain tar alike from a file (not from a pipe,
/// so the blob is saved first).
pub(super) fn list(file: &str) -> String {
    format!("tar -tf {}", quote(file))
}

/// Extracts one file to stdout. Layers name their entries `etc/x`, `./etc/x` or `/etc/x`,
/// and tar matches names literally, so the entry's own spelling is looked up first.
pub(super) fn extract(file: &str, path: &str) -> Result<Vec<String>, String> {
    if path.chars().any(char::is_control) {
        return Err(
            "the path holds a control character, which tar's listing does not print as \
             is, so the entry cannot be looked up by name"
                .to_string(),
        );
    }
    let bare = relative(path);
    let names = [bare.to_string(), format!("./{bare}"), format!("/{bare}")]
        .iter()
        .map(|name| format!("-e {}", quote(name)))
        .collect::<Vec<_>>()
        .join(" ");
    let file = quote(file);
    Ok(vec![
        format!("entry=$(tar -tf {file} | grep -Fx {names} | head -n 1)"),
        "[ -n \"$entry\" ]".to_string(),
        format!("tar -xOf {file} -- \"$entry\""),
    ])
}

/// A path inside a layer without its leading `/` or `./`.
pub(super) fn relative(path: &str) -> &str {
    let mut rest = path;
    loop {
        let next = rest
            .strip_prefix("./")
            .or_else(|| rest.strip_prefix('/'))
            .unwrap_or(rest);
        if next == rest {
            return rest;
        }
        rest = next;
    }
}
