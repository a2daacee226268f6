//! docker: `buildx imagetools inspect --raw` (the manifest as stored), `manifest inspect
//! --insecure` (plain HTTP), `pull` + `save`, `create` + `cp`. Docker works on whole images
//! through its daemon: it has no tag listing, no catalog, and no command that fetches one
//! blob as the registry stores it (`docker save` writes layers uncompressed, with other
//! digests). Plain HTTP is the daemon's `insecure-registries` setting, not a flag
//! (loopback registries are allowed by default).

use super::{View, chain, comment, pinned, quote, stdin_login};
use crate::reproduce::Subject;

pub(super) fn command(view: &View) -> Result<String, String> {
    view.catalog_unsupported("docker")?;
    let mut header = view.header("docker");
    if view.plain_http {
        header.push_str(&comment(
            "Plain HTTP: the Docker daemon must list this registry in \"insecure-registries\" \
             (daemon.json) unless it is a loopback address.",
        ));
    }
    let mut steps = Vec::new();
    if view.login {
        // Docker Hub is docker login's default server.
        let host = if view.hub() { "" } else { view.registry };
        steps.push(stdin_login("docker login", host, "--password-stdin"));
    }
    match view.subject {
        Subject::Manifest(image) => {
            let reference = quote(&pinned(image).familiar());
            if view.plain_http {
                // imagetools goes through BuildKit's registry settings, not the daemon's;
                // `manifest inspect` has its own flag, but prints the manifest re-encoded.
                steps.push(format!("docker manifest inspect --insecure {reference}"));
            } else {
                steps.push(format!(
                    "docker buildx imagetools inspect --raw {reference} > manifest.json"
                ));
                steps.push("sha256sum manifest.json".to_string());
                steps.push("cat manifest.json".to_string());
            }
        }
        Subject::Tags { .. } => {
            return Err("docker has no command that lists a repository's tags".to_string());
        }
        Subject::Catalog { .. } => {
            return Err("docker has no command that lists a registry's repositories".to_string());
        }
        Subject::Layer { .. } => {
            return Err(
                "docker has no command that fetches one layer: it pulls whole images \
                 and `docker save` writes layers uncompressed, under other digests"
                    .to_string(),
            );
        }
        Subject::Blob { .. } => {
            return Err(
                "docker has no command that fetches one blob as the registry stores \
                 it: it pulls whole images into its own store"
                    .to_string(),
            );
        }
        Subject::File { image, path, .. } => {
            // The file as the image's merged filesystem has it (after every layer), read
            // from a container that is created, never started.
            let reference = quote(&pinned(image).familiar());
            let path = quote(&format!("/{}", super::blob::relative(path)));
            steps.push(format!("id=$(docker create {reference} /lading-never-run)"));
            steps.push(format!("docker cp \"$id\":{path} - | tar -xOf -"));
            steps.push("docker rm \"$id\" > /dev/null".to_string());
        }
        Subject::Export { image } => {
            let reference = quote(&pinned(image).familiar());
            steps.push(format!("docker pull {reference}"));
            // Docker 25 and later write an OCI image layout beside docker's own manifest.json.
            steps.push(format!(
                "docker save -o {} {reference}",
                quote(&format!("{}.tar", view.stem))
            ));
            steps.push(format!(
                "docker image inspect --format '{{{{index .RepoDigests 0}}}}' {reference}"
            ));
        }
    }
    Ok(chain(header, &steps))
}
