//! The per-view main part: the view's values as Python literals, then `main()` performing
//! the view's steps in the trace's order, each commented in the registry's terms.

use super::literal::{py_opt, py_str};
use crate::api::ExchangePurpose;
use crate::reproduce::{Flow, ImageTarget, Subject, file_stem};

/// The constants and `main()` of the script.
pub fn main_part(flow: &Flow) -> String {
    let mut out =
        String::from("# ---- This view: its values, as Lading saw them in the trace ----\n\n");
    out.push_str(&constants(flow));
    out.push_str("\n\ndef main():\n");
    out.push_str(&steps(flow));
    out
}

fn constants(flow: &Flow) -> String {
    let mut lines: Vec<String> = Vec::new();
    if let Subject::Catalog {
        namespace: Some(namespace),
        ..
    } = &flow.subject
    {
        lines.push(format!(
            "NAMESPACE = {}  # the Docker Hub namespace",
            py_str(namespace)
        ));
        return lines.join("\n") + "\n";
    }
    lines.push(format!(
        "REGISTRY_API = {}  # where the registry's API answered",
        py_str(&flow.base_url)
    ));
    let scope = flow.scope().unwrap_or_default();
    lines.push(format!(
        "SCOPE = {}  # what a Bearer token is asked for: the least this view needs",
        py_str(&scope)
    ));
    lines.push(format!(
        "CREDENTIALS_REQUIRED = {}",
        if flow.credentials { "True" } else { "False" }
    ));
    match &flow.subject {
        Subject::Tags { repository } => {
            lines.push(format!("REPOSITORY = {}", py_str(&repository.repository)));
            lines.push(format!("PAGE_SIZE = {}", page_size(flow)));
        }
        Subject::Catalog { .. } => lines.push(format!("PAGE_SIZE = {}", page_size(flow))),
        other => {
            if let Some(image) = other.image() {
                image_constants(flow, image, &mut lines);
            }
        }
    }
    match &flow.subject {
        Subject::Layer { layer, .. } | Subject::File { layer, .. } => {
            lines.push(format!("LAYER = {}", py_str(&layer.to_string())));
        }
        Subject::Blob { digest, .. } => {
            lines.push(format!("BLOB = {}", py_str(&digest.to_string())));
        }
        _ => {}
    }
    if let Subject::File { path, .. } = &flow.subject {
        lines.push(format!(
            "PATH = {}  # the file, inside the layer",
            py_str(path)
        ));
    }
    if let Subject::Export { image } = &flow.subject {
        lines.push(format!(
            "REGISTRY_NAME = {}",
            py_str(&image.reference.registry)
        ));
        lines.push(format!("TAG = {}", py_opt(image.reference.tag.as_deref())));
        let archive = format!("{}.tar", file_stem(&flow.subject));
        lines.push(format!("ARCHIVE = {}", py_str(&archive)));
    }
    lines.join("\n") + "\n"
}

fn image_constants(flow: &Flow, image: &ImageTarget, lines: &mut Vec<String>) {
    let reference = &image.reference;
    lines.push(format!("REPOSITORY = {}", py_str(&reference.repository)));
    lines.push(format!(
        "REFERENCE = {}  # a tag, or a digest",
        py_str(&reference.identifier())
    ));
    let platform = image.platform.as_ref().map(ToString::to_string);
    lines.push(format!(
        "PLATFORM = {}  # the index entry the view chose",
        py_opt(platform.as_deref())
    ));
    lines.push(
        "# The manifest types accepted, most specific first: a registry answers only with a\n\
         # type the client lists (ghcr.io answers 404 when the OCI index type is missing)."
            .to_string(),
    );
    let accept: Vec<String> = flow
        .accept
        .iter()
        .map(|t| format!("    {},", py_str(t)))
        .collect();
    lines.push(format!("ACCEPT = \", \".join([\n{}\n])", accept.join("\n")));
    lines.push(format!(
        "HEAD_FIRST = {}  # Lading asked with HEAD first",
        if flow.head_first { "True" } else { "False" }
    ));
}

fn page_size(flow: &Flow) -> String {
    flow.page_size.map_or("None".to_string(), |n| n.to_string())
}

/// The body of `main()`.
fn steps(flow: &Flow) -> String {
    if let Subject::Catalog {
        namespace: Some(_), ..
    } = &flow.subject
    {
        return HUB_STEPS.to_string();
    }
    let mut out = String::from(OPENING);
    out.push_str(match &flow.subject {
        Subject::Tags { .. } => TAGS_STEPS,
        Subject::Catalog { .. } => CATALOG_STEPS,
        Subject::Manifest(image) if image.platform.is_some() => PLATFORM_STEPS,
        Subject::Manifest(_) => MANIFEST_STEPS,
        Subject::Layer { .. } | Subject::File { .. } | Subject::Blob { .. } => RESOLVE,
        Subject::Export { .. } => EXPORT_STEPS,
    });
    out.push_str(match &flow.subject {
        Subject::Layer { .. } => LAYER_STEPS,
        Subject::File { .. } => FILE_STEPS,
        Subject::Blob { .. } => BLOB_STEPS,
        _ => "",
    });
    if matches!(flow.subject, Subject::Manifest(_)) {
        let config = flow
            .trace
            .iter()
            .any(|e| e.purpose == ExchangePurpose::Config);
        let step = if config { CONFIG_STEP } else { "" };
        out = out.replace("{config}", step);
    }
    out
}

const OPENING: &str = r#"    # The ping tells how the registry wants to be spoken to: 200 means anonymously; a 401
    # carries a challenge (WWW-Authenticate), Basic or Bearer, answered at once.
    registry = Registry(REGISTRY_API, SCOPE, environment_credentials(CREDENTIALS_REQUIRED))
    registry.ping()
"#;

const MANIFEST_STEPS: &str = r#"    manifest = fetch_manifest(registry, REPOSITORY, REFERENCE, ACCEPT, HEAD_FIRST)
    if manifest.is_index():
        # An index (a multi-platform image) lists one manifest per platform.
        return lines_out(index_lines(manifest))
{config}    return lines_out(image_lines(manifest))
"#;

const PLATFORM_STEPS: &str = r#"    # The index first, to check that it lists the platform; then that platform's image
    # manifest, by its digest (so its bytes are checked against the index's entry).
    manifest = resolve_image(registry, REPOSITORY, REFERENCE, PLATFORM, ACCEPT, HEAD_FIRST)
{config}    return lines_out(image_lines(manifest))
"#;

const CONFIG_STEP: &str = r#"    # The image's config is a blob too: fetched and its digest checked, as the view did.
    config, _ = image_blobs(manifest)
    with tempfile.TemporaryFile() as file:
        fetch_blob(registry, REPOSITORY, config["digest"], file)
"#;

const TAGS_STEPS: &str = r#"    path = f"/v2/{REPOSITORY}/tags/list"
    if PAGE_SIZE:
        path += f"?n={PAGE_SIZE}"
    return lines_out(list_pages(registry, path, "tags", "tag list"))
"#;

const CATALOG_STEPS: &str = r#"    # The catalog needs its own scope (registry:catalog:*); many registries offer none.
    path = "/v2/_catalog" + (f"?n={PAGE_SIZE}" if PAGE_SIZE else "")
    return lines_out(list_pages(registry, path, "repositories", "catalog"))
"#;

const RESOLVE: &str = r#"    # The image the view is about (for an index, the platform it chose); only a blob this
    # image names is fetched.
    image = resolve_image(registry, REPOSITORY, REFERENCE, PLATFORM, ACCEPT, HEAD_FIRST)
"#;

const LAYER_STEPS: &str = r#"    blob_of_image(image, LAYER)
    with tempfile.TemporaryFile() as blob:
        fetch_blob(registry, REPOSITORY, LAYER, blob)
        return lines_out(layer_paths(blob))
"#;

const FILE_STEPS: &str = r#"    blob_of_image(image, LAYER)
    with tempfile.TemporaryFile() as blob:
        fetch_blob(registry, REPOSITORY, LAYER, blob)
        return file_bytes(blob, PATH)
"#;

const BLOB_STEPS: &str = r#"    blob_of_image(image, BLOB)
    name = BLOB.replace(":", "-")
    size = save_atomically(name, lambda file: fetch_blob(registry, REPOSITORY, BLOB, file))
    say(f"saved {name}")
    return lines_out([f"{BLOB} {size}"])
"#;

const EXPORT_STEPS: &str = r#"    # The image the view is about (for an index, the platform it chose).
    image = resolve_image(registry, REPOSITORY, REFERENCE, PLATFORM, ACCEPT, HEAD_FIRST)
    if TAG:
        name = f"{REGISTRY_NAME}/{REPOSITORY}:{TAG}"
    else:
        name = f"{REGISTRY_NAME}/{REPOSITORY}@{image.digest}"
    save_atomically(ARCHIVE, lambda file: write_layout(file, registry, REPOSITORY, image, name, TAG))
    say(f"wrote {ARCHIVE}")
    return lines_out([f"digest {image.digest}", f"archive {ARCHIVE}"])
"#;

const HUB_STEPS: &str = r#"    # Docker Hub's registry has no catalog; its web API lists a namespace's repositories.
    # A sign-in is optional: with credentials, private repositories show too.
    credentials = environment_credentials(False)
    authorization = hub_sign_in(credentials) if credentials else None
    return lines_out(hub_repositories(NAMESPACE, authorization))
"#;
