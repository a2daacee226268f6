//! skopeo: `inspect --raw`, `manifest-digest`, `list-tags`, `copy … dir:` and `copy …
//! oci-archive:`. `skopeo login … --password-stdin` stores the credentials in skopeo's auth
//! file (`$REGISTRY_AUTH_FILE`, else `$XDG_RUNTIME_DIR/containers/auth.json`), where every
//! later command finds them, as the other tools' logins do (`skopeo logout HOST` removes
//! them): `--creds USER:PASSWORD` would put the password in the process's arguments, which
//! any local user can read (`ps`). `--tls-verify=false` allows plain HTTP. It fetches
//! whole images, not single blobs: a layer or blob comes from a `dir:` copy of the image,
//! which keeps each blob as received in a file named by its hex digest.

use super::{View, blob, chain, pinned, quote, stdin_login};
use crate::digest::Digest;
use crate::reproduce::{ImageTarget, Subject};

pub(super) fn command(view: &View) -> Result<String, String> {
    if let Subject::Catalog { .. } = view.subject {
        view.catalog_unsupported("skopeo")?;
        return Err(
            "skopeo has no catalog command: it lists the tags of one repository \
             (`skopeo list-tags`), not the repositories of a registry"
                .to_string(),
        );
    }
    let mut steps = Vec::new();
    if view.login {
        let login = format!("skopeo login{}", options(view, ""));
        // Its "Login Succeeded!" to standard error: standard output is the view's alone.
        let login = stdin_login(&login, view.registry, "--password-stdin");
        steps.push(format!("{login} >&2"));
    }
    match view.subject {
        Subject::Manifest(image) => {
            steps.push(format!(
                "skopeo inspect --raw{} {} > manifest.json",
                options(view, ""),
                docker(image)
            ));
            steps.push("skopeo manifest-digest manifest.json".to_string());
            steps.push("cat manifest.json".to_string());
        }
        Subject::Tags { repository } => {
            // All pages: skopeo follows the registry's `Link` header itself.
            let source = quote(&format!("docker://{repository}"));
            steps.push(format!(
                "skopeo list-tags{} {source} > tags.json",
                options(view, "")
            ));
            steps.push("jq -r '.Tags[]' tags.json".to_string());
        }
        Subject::Catalog { .. } => {}
        Subject::Layer { image, layer } => {
            let file = copy_to_dir(view, image, layer, &mut steps);
            steps.push(blob::verify(layer, &file));
            steps.push(blob::list(&file));
        }
        Subject::File { image, layer, path } => {
            let file = copy_to_dir(view, image, layer, &mut steps);
            steps.push(blob::verify(layer, &file));
            steps.extend(blob::extract(&file, path)?);
        }
        Subject::Blob { image, digest } => {
            let copied = copy_to_dir(view, image, digest, &mut steps);
            let file = blob::file_name(digest);
            steps.push(format!("cp {} {file}", quote(&copied)));
            steps.push(blob::verify(digest, &file));
            steps.push(blob::digest_and_size(digest, &file));
        }
        Subject::Export { image } => {
            let archive = format!("{}.tar", view.stem);
            // An OCI image layout, tarred; a Docker-format manifest is converted to OCI's,
            // so its digest (written to the digest file) can differ from the registry's.
            steps.push(format!(
                "skopeo copy --quiet{} --digestfile digest.txt {} {}",
                options(view, "src-"),
                docker(image),
                quote(&format!("oci-archive:{archive}"))
            ));
            steps.push("echo \"digest $(cat digest.txt)\"".to_string());
            steps.push(format!("echo {}", quote(&format!("archive {archive}"))));
        }
    }
    Ok(chain(view.header("skopeo"), &steps))
}

/// `docker://REFERENCE`, quoted.
fn docker(image: &ImageTarget) -> String {
    quote(&format!("docker://{}", pinned(image)))
}

/// The flags every command takes (the login too), prefixed `src-` for `copy`.
fn options(view: &View, prefix: &str) -> String {
    if view.plain_http {
        format!(" --{prefix}tls-verify=false")
    } else {
        String::new()
    }
}

/// Copies the image to a `dir:` directory (blobs kept as received, no decompression) and
/// returns the path of `digest`'s file in it (unquoted).
fn copy_to_dir(
    view: &View,
    image: &ImageTarget,
    digest: &Digest,
    steps: &mut Vec<String>,
) -> String {
    steps.push(format!(
        "skopeo copy --quiet{} {} {}",
        options(view, "src-"),
        docker(image),
        quote(&format!("dir:{}", view.stem))
    ));
    format!("{}/{}", view.stem, digest.hex())
}
