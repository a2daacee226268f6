//! oras: `manifest fetch`, `resolve`, `repo tags`, `repo ls`, `blob fetch --output`, `cp
//! --to-oci-layout`; `--plain-http` on every command (the login too, which checks the
//! registry); `oras login … --password-stdin`. oras wants Docker Hub names in full
//! (`docker.io/library/alpine`), which is how Lading writes every reference.

use super::{View, blob, blob_ref, chain, pinned, quote, stdin_login};
use crate::reproduce::Subject;

pub(super) fn command(view: &View) -> Result<String, String> {
    view.catalog_unsupported("oras")?;
    let flags = if view.plain_http { " --plain-http" } else { "" };
    let mut steps = Vec::new();
    if view.login {
        let login = format!("oras login{flags}");
        steps.push(stdin_login(&login, view.registry, "--password-stdin"));
    }
    match view.subject {
        Subject::Manifest(image) => {
            let reference = quote(&pinned(image).to_string());
            steps.push(format!(
                "oras manifest fetch{flags} --output manifest.json {reference}"
            ));
            steps.push(format!("oras resolve{flags} {reference}"));
            steps.push("cat manifest.json".to_string());
        }
        Subject::Tags { repository } => {
            steps.push(format!(
                "oras repo tags{flags} {}",
                quote(&repository.to_string())
            ));
        }
        Subject::Catalog { registry, .. } => {
            steps.push(format!("oras repo ls{flags} {}", quote(registry)));
        }
        Subject::Layer { image, layer } => {
            let file = blob::file_name(layer);
            let source = quote(&blob_ref(image, layer));
            steps.push(format!("oras blob fetch{flags} --output {file} {source}"));
            steps.push(blob::verify(layer, &file));
            steps.push(blob::list(&file));
        }
        Subject::File { image, layer, path } => {
            let file = blob::file_name(layer);
            let source = quote(&blob_ref(image, layer));
            steps.push(format!("oras blob fetch{flags} --output {file} {source}"));
            steps.push(blob::verify(layer, &file));
            steps.extend(blob::extract(&file, path)?);
        }
        Subject::Blob { image, digest } => {
            let file = blob::file_name(digest);
            let source = quote(&blob_ref(image, digest));
            steps.push(format!("oras blob fetch{flags} --output {file} {source}"));
            steps.push(blob::verify(digest, &file));
            steps.push(blob::digest_and_size(digest, &file));
        }
        Subject::Export { image } => {
            let reference = quote(&pinned(image).to_string());
            let dir = quote(&view.stem);
            // `--to-oci-layout` writes an OCI image layout directory; tar makes it one file.
            // `cp` names the source's flags `--from-…`.
            let from = if view.plain_http {
                " --from-plain-http"
            } else {
                ""
            };
            steps.push(format!("oras cp{from} --to-oci-layout {reference} {dir}"));
            steps.push(format!(
                "tar -cf {} -C {dir} .",
                quote(&format!("{}.tar", view.stem))
            ));
            steps.push(format!("oras resolve{flags} {reference}"));
        }
    }
    Ok(chain(view.header("oras"), &steps))
}
