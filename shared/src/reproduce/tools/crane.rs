//! crane (go-containerregistry's CLI): `crane manifest`, `digest`, `ls`, `catalog`, `blob`,
//! `pull --format oci`; `--insecure` allows plain HTTP; `crane auth login … --password-stdin`
//! stores the credentials in Docker's config.json, where every later command finds them.

use super::{View, blob, blob_ref, chain, pinned, quote, stdin_login};
use crate::reproduce::Subject;

pub(super) fn command(view: &View) -> Result<String, String> {
    view.catalog_unsupported("crane")?;
    let crane = if view.plain_http {
        "crane --insecure"
    } else {
        "crane"
    };
    let mut steps = Vec::new();
    if view.login {
        let login = format!("{crane} auth login");
        steps.push(stdin_login(&login, view.registry, "--password-stdin"));
    }
    match view.subject {
        Subject::Manifest(image) => {
            let reference = quote(&pinned(image).to_string());
            steps.push(format!("{crane} manifest {reference} > manifest.json"));
            steps.push(format!("{crane} digest {reference}"));
            steps.push("cat manifest.json".to_string());
        }
        Subject::Tags { repository } => {
            steps.push(format!("{crane} ls {}", quote(&repository.to_string())));
        }
        Subject::Catalog { registry, .. } => {
            steps.push(format!("{crane} catalog {}", quote(registry)));
        }
        Subject::Layer { image, layer } => {
            let file = blob::file_name(layer);
            let source = quote(&blob_ref(image, layer));
            steps.push(format!("{crane} blob {source} > {file}"));
            steps.push(blob::verify(layer, &file));
            steps.push(blob::list(&file));
        }
        Subject::File { image, layer, path } => {
            let file = blob::file_name(layer);
            let source = quote(&blob_ref(image, layer));
            steps.push(format!("{crane} blob {source} > {file}"));
            steps.push(blob::verify(layer, &file));
            steps.extend(blob::extract(&file, path)?);
        }
        Subject::Blob { image, digest } => {
            let file = blob::file_name(digest);
            let source = quote(&blob_ref(image, digest));
            steps.push(format!("{crane} blob {source} > {file}"));
            steps.push(blob::verify(digest, &file));
            steps.push(blob::digest_and_size(digest, &file));
        }
        Subject::Export { image } => {
            let reference = quote(&pinned(image).to_string());
            let dir = quote(&view.stem);
            // `pull --format oci` writes an OCI image layout directory; tar makes it one file.
            steps.push(format!("{crane} pull --format oci {reference} {dir}"));
            steps.push(format!(
                "tar -cf {} -C {dir} .",
                quote(&format!("{}.tar", view.stem))
            ));
            steps.push(format!("{crane} digest {reference}"));
        }
    }
    Ok(chain(view.header("crane"), &steps))
}
