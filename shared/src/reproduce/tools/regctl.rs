//! regctl (regclient's CLI): `manifest get --format raw-body`, `image digest`, `tag ls`,
//! `repo ls`, `blob get`, `blob get-file`, `image export`. Plain HTTP is a registry
//! setting (`regctl registry set HOST --tls disabled`, kept in regctl's config file), and
//! so is the login (`regctl registry login HOST -u … --pass-stdin`).

use super::{View, blob, chain, pinned, quote, stdin_login};
use crate::reproduce::Subject;

pub(super) fn command(view: &View) -> Result<String, String> {
    view.catalog_unsupported("regctl")?;
    let host = quote(view.registry);
    let mut steps = Vec::new();
    // Before the login: `registry login` checks it can reach the registry.
    if view.plain_http {
        steps.push(format!("regctl registry set {host} --tls disabled"));
    }
    if view.login {
        steps.push(stdin_login(
            "regctl registry login",
            view.registry,
            "--pass-stdin",
        ));
    }
    match view.subject {
        Subject::Manifest(image) => {
            let reference = quote(&pinned(image).to_string());
            steps.push(format!(
                "regctl manifest get {reference} --format raw-body > manifest.json"
            ));
            steps.push(format!("regctl image digest {reference}"));
            steps.push("cat manifest.json".to_string());
        }
        Subject::Tags { repository } => {
            steps.push(format!("regctl tag ls {}", quote(&repository.to_string())));
        }
        Subject::Catalog { .. } => steps.push(format!("regctl repo ls {host}")),
        Subject::Layer { image, layer } => {
            let file = blob::file_name(layer);
            let repository = quote(&image.reference.repository().to_string());
            steps.push(format!("regctl blob get {repository} {layer} > {file}"));
            steps.push(blob::verify(layer, &file));
            steps.push(blob::list(&file));
        }
        Subject::File { image, layer, path } => {
            // get-file reads the layer (gzip, zstd or tar) and finds the entry however the
            // tar spells it (`etc/x`, `./etc/x`).
            let repository = quote(&image.reference.repository().to_string());
            steps.push(format!(
                "regctl blob get-file {repository} {layer} {}",
                quote(&format!("/{}", blob::relative(path)))
            ));
        }
        Subject::Blob { image, digest } => {
            let file = blob::file_name(digest);
            let repository = quote(&image.reference.repository().to_string());
            steps.push(format!("regctl blob get {repository} {digest} > {file}"));
            steps.push(blob::verify(digest, &file));
            steps.push(blob::digest_and_size(digest, &file));
        }
        Subject::Export { image } => {
            let reference = quote(&pinned(image).to_string());
            // A tar that is both an OCI image layout and `docker load`-able.
            steps.push(format!(
                "regctl image export {reference} {}",
                quote(&format!("{}.tar", view.stem))
            ));
            steps.push(format!("regctl image digest {reference}"));
        }
    }
    Ok(chain(view.header("regctl"), &steps))
}
