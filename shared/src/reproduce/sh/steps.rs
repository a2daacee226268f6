//! What each view's script does, step by step: the values it needs (quoted once, at the top
//! of the script), the shell functions it uses, and its steps, each explained in the
//! registry's terms. Step code refers to values only through shell variables, so nothing
//! from the trace or the view is ever spliced into code.

use super::{content, http, lists};
use crate::reference::DOCKER_HUB;
use crate::reproduce::{Flow, ImageTarget, Subject, file_stem};

/// Pages of a list followed at most (Lading's own bound for catalogs; tags stop sooner).
pub const MAX_PAGES: u32 = 1000;
/// Docker Hub's web API.
pub const HUB_URL: &str = "https://hub.docker.com";

/// A value the script needs: its variable, the value, and what it is.
pub struct Value {
    pub name: &'static str,
    pub value: String,
    pub what: &'static str,
}

/// One step: its explanation (comment lines) and its code.
pub struct Step {
    pub why: &'static str,
    pub code: &'static str,
}

/// A view's script, before it is written out.
pub struct Plan {
    pub values: Vec<Value>,
    pub functions: Vec<&'static str>,
    pub steps: Vec<Step>,
    /// What standard output holds, for the header.
    pub prints: &'static str,
    /// Whether layers are read (tar, gzip, zstd are then needed).
    pub layers: bool,
}

fn value(name: &'static str, value: impl Into<String>, what: &'static str) -> Value {
    Value {
        name,
        value: value.into(),
        what,
    }
}

const PING: Step = Step {
    why: "Ping: GET /v2/. A registry that wants credentials answers 401 Unauthorized with a
challenge, the WWW-Authenticate header, naming how to authenticate: Basic (user name and
password on every request) or Bearer (ask the token server its realm names for a token
for a scope, SCOPE above, then send that token). The challenge is read now,
not copied from Lading's trace: a token is short-lived, and the realm may move.",
    code: "ping",
};

const RESOLVE: Step = Step {
    why: "The manifest: GET /v2/NAME/manifests/REFERENCE with the Accept list (the registry
picks the format it answers in from it; without the OCI types some answer an older format
or 404). HEAD first when Lading did: it names the digest (Docker-Content-Digest) without
a body, and Docker Hub counts GETs, not HEADs, against its pull limit. The bytes' sha256
is checked against the digest asked for, or the one the registry named. For an index (a
list of platform images), the chosen platform's image is fetched by its digest.",
    code: "resolve_image",
};

/// The plan for `flow`'s view.
pub fn plan(flow: &Flow) -> Plan {
    match &flow.subject {
        Subject::Manifest(image) => manifest(flow, image),
        Subject::Tags { repository } => {
            let mut plan = registry_plan(flow, &repository.repository, None);
            plan.values.push(page_size(flow));
            plan.functions.push(lists::PAGES);
            plan.steps.push(Step {
                why: "The tag list: GET /v2/NAME/tags/list, page by page. A registry sends a
long list in pages: each page's Link header (rel=\"next\") names the next page, relative
to the registry; the last page has none. Tags are printed in the registry's order, each
once; entries that are not tags ([A-Za-z0-9_][A-Za-z0-9._-]{0,127}) are left out.",
                code: r#"FIRST_PAGE="$REGISTRY/v2/$REPOSITORY/tags/list"
[ -z "$PAGE_SIZE" ] || FIRST_PAGE="$FIRST_PAGE?n=$PAGE_SIZE"
walk_pages "$FIRST_PAGE" tags
jq -Rr 'select(test("^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$"))' "$WORK/names" |
  awk '!seen[$0]++' >> "$WORK/out""#,
            });
            plan.prints = "one tag per line, in the registry's order, every page";
            plan
        }
        Subject::Catalog {
            registry,
            namespace: Some(namespace),
        } if registry == DOCKER_HUB => hub_namespace(flow, namespace),
        Subject::Catalog { namespace, .. } => catalog(flow, namespace.as_deref()),
        Subject::Layer { image, layer } => {
            let mut plan = image_plan(flow, image);
            plan.values
                .push(value("LAYER", layer.to_string(), "the layer's digest"));
            plan.functions.push(content::LAYERS);
            plan.layers = true;
            plan.steps.push(Step {
                why: "The layer: GET /v2/NAME/blobs/DIGEST (a layer is a blob: a tar archive,
usually gzip- or zstd-compressed), its sha256 checked, then its members listed in archive
order.",
                code: r#"in_image "$LAYER" layers || fail "$LAYER is not a layer of image $MANIFEST_DIGEST"
fetch_blob "$LAYER" "$WORK/layer"
unpack_layer "$WORK/layer" "$WORK/layer.tar"
layer_names >> "$WORK/out""#,
            });
            plan.prints = "one path per line, in archive order";
            plan
        }
        Subject::File { image, layer, path } => {
            let mut plan = image_plan(flow, image);
            plan.values.push(value(
                "LAYER",
                layer.to_string(),
                "the layer holding the file",
            ));
            plan.values.push(value(
                "FILE_PATH",
                path.as_str(),
                "the file's path in the layer",
            ));
            plan.functions.push(content::LAYERS);
            plan.layers = true;
            plan.steps.push(Step {
                why: "The file: the layer holding it (GET /v2/NAME/blobs/DIGEST, its sha256
checked), decompressed, and the file's bytes taken from the tar.",
                code: r#"in_image "$LAYER" layers || fail "$LAYER is not a layer of image $MANIFEST_DIGEST"
fetch_blob "$LAYER" "$WORK/layer"
unpack_layer "$WORK/layer" "$WORK/layer.tar"
extract_file "$WORK/layer.tar" "$FILE_PATH" "$WORK/out""#,
            });
            plan.prints = "the file's bytes, exactly";
            plan
        }
        Subject::Blob { image, digest } => {
            let mut plan = image_plan(flow, image);
            plan.values
                .push(value("BLOB", digest.to_string(), "the blob's digest"));
            plan.steps.push(Step {
                why: "The blob: GET /v2/NAME/blobs/DIGEST. Registries often answer 307 with a
Location on a CDN or object store; that URL is signed (it carries its own permission), and
the registry's Authorization must not go to another host, so redirects are followed here
by hand, without it. The bytes' sha256 must equal the digest.",
                code: r#"in_image "$BLOB" || fail "$BLOB is neither a layer nor the config of image $MANIFEST_DIGEST"
fetch_blob "$BLOB" "$WORK/blob"
SAVED="sha256-${BLOB#*:}"
[ "${BLOB%%:*}" = sha256 ] || SAVED="${BLOB%%:*}-${BLOB#*:}"
printf '%s %s\n' "$BLOB" "$(wc -c < "$WORK/blob" | tr -d ' ')" >> "$WORK/out"
mv "$WORK/blob" "./$SAVED"
say "saved ./$SAVED""#,
            });
            plan.prints = "the blob's digest and size (it is saved as sha256-HEX here)";
            plan
        }
        Subject::Export { image } => export(flow, image),
    }
}

/// The `n` Lading asked a list page for (empty: none sent).
fn page_size(flow: &Flow) -> Value {
    let n = flow.page_size.map(|n| n.to_string()).unwrap_or_default();
    value(
        "PAGE_SIZE",
        n,
        "entries asked for per page (n=; a hint registries may ignore)",
    )
}

/// Values, functions and the ping every registry script shares.
fn registry_plan(flow: &Flow, repository: &str, reference: Option<String>) -> Plan {
    let mut values = vec![
        value(
            "REGISTRY",
            flow.base_url.as_str(),
            "where the registry's API is",
        ),
        value(
            "REPOSITORY",
            repository,
            "the repository (NAME in /v2/NAME/…)",
        ),
    ];
    if let Some(reference) = reference {
        values.push(value("REFERENCE", reference, "a tag or a digest"));
    }
    values.push(value(
        "SCOPE",
        flow.scope().unwrap_or_default(),
        "the token scope Lading asked for",
    ));
    Plan {
        values,
        functions: vec![http::REQUEST, http::AUTHENTICATE],
        steps: vec![PING],
        prints: "",
        layers: false,
    }
}

/// Adds what image views need: the reference, the Accept list, HEAD first.
fn image_plan(flow: &Flow, image: &ImageTarget) -> Plan {
    let reference = &image.reference;
    let mut plan = registry_plan(flow, &reference.repository, Some(reference.identifier()));
    let platform = image.platform.as_ref().map(|d| d.to_string());
    plan.values.push(value(
        "PLATFORM",
        platform.unwrap_or_default(),
        "for an index: the platform image's digest",
    ));
    plan.values.push(value(
        "ACCEPT",
        flow.accept.join(", "),
        "the manifest formats accepted, as Lading sent them",
    ));
    let head = if flow.head_first { "yes" } else { "no" };
    plan.values.push(value(
        "HEAD_FIRST",
        head,
        "HEAD each manifest before the GET",
    ));
    plan.functions
        .extend([content::DIGESTS, content::MANIFESTS, content::BLOBS]);
    plan.steps.push(RESOLVE);
    plan
}

fn manifest(flow: &Flow, image: &ImageTarget) -> Plan {
    let mut plan = image_plan(flow, image);
    plan.functions.retain(|f| *f != content::BLOBS);
    if image.platform.is_some() {
        plan.steps.push(Step {
            why: "The platform image as the view shows it: its digest and media type, its
config's digest, its layers bottom first (digest and size).",
            code: "print_image",
        });
        plan.prints = "digest, mediaType, config, then per layer (bottom first) digest and size";
        return plan;
    }
    let last = plan.steps.len() - 1;
    plan.steps[last] = Step {
        why: RESOLVE.why,
        code: "fetch_manifest \"$REFERENCE\"",
    };
    plan.steps.push(Step {
        why: "The manifest as the view shows it. An index lists one manifest per platform
(digest, os/architecture/variant); an image names its config and its layers.",
        code: r#"case $MANIFEST_SHAPE in
  index) print_index ;;
  *) print_image ;;
esac"#,
    });
    plan.prints = "digest and mediaType; for an index one `platform DIGEST OS/ARCH[/VARIANT]` per \
                   child; for an image `config DIGEST` and one `layer DIGEST SIZE` per layer";
    plan
}

fn catalog(flow: &Flow, namespace: Option<&str>) -> Plan {
    let mut plan = registry_plan(flow, "", None);
    plan.values.retain(|v| v.name != "REPOSITORY");
    plan.values.push(value(
        "NAMESPACE",
        namespace.unwrap_or_default(),
        "only repositories within it (empty: all)",
    ));
    plan.values.push(page_size(flow));
    plan.functions.push(lists::PAGES);
    plan.steps.push(Step {
        why: "The catalog: GET /v2/_catalog, page by page (each page's Link header names the
next). It needs the scope registry:catalog:*, which many registries do not grant. Names
that are not repository names are left out; the list is sorted.",
        code: r#"FIRST_PAGE="$REGISTRY/v2/_catalog"
[ -z "$PAGE_SIZE" ] || FIRST_PAGE="$FIRST_PAGE?n=$PAGE_SIZE"
walk_pages "$FIRST_PAGE" repositories
jq -Rr --arg ns "$NAMESPACE" '($ns | rtrimstr("/")) as $p
  | select(test("^[a-z0-9]+((\\.|_|__|-+)[a-z0-9]+)*(/[a-z0-9]+((\\.|_|__|-+)[a-z0-9]+)*)*$"))
  | select($p == "" or . == $p or startswith($p + "/"))' "$WORK/names" | sort -u >> "$WORK/out""#,
    });
    plan.prints = "one repository per line, sorted";
    plan
}

fn hub_namespace(flow: &Flow, namespace: &str) -> Plan {
    let _ = flow;
    Plan {
        values: vec![
            value("HUB", HUB_URL, "Docker Hub's web API"),
            value(
                "NAMESPACE",
                namespace,
                "the Docker Hub namespace (user or organisation)",
            ),
        ],
        functions: vec![http::REQUEST, lists::HUB],
        steps: vec![
            Step {
                why: "Docker Hub's registry has no catalog; its web API (hub.docker.com, a
separate service with its own sign-in) lists a namespace's repositories. Signed in (with
REGISTRY_USER and REGISTRY_PASSWORD, or a personal access token), private ones show too.",
                code: "if have_credentials; then hub_sign_in; fi",
            },
            Step {
                why: "The repositories: GET /v2/namespaces/NS/repositories, page by page.",
                code: r#"hub_repositories
jq -Rr 'select(test("^[a-z0-9]+((\\.|_|__|-+)[a-z0-9]+)*$"))' "$WORK/names" |
  sed "s|^|$NAMESPACE/|" >> "$WORK/out""#,
            },
        ],
        prints: "one repository (NAMESPACE/NAME) per line, in the API's order",
        layers: false,
    }
}

fn export(flow: &Flow, image: &ImageTarget) -> Plan {
    let mut plan = image_plan(flow, image);
    let reference = &image.reference;
    let name = match &reference.tag {
        Some(tag) => format!("{}/{}:{tag}", reference.registry, reference.repository),
        None => format!("{}/{}", reference.registry, reference.repository),
    };
    plan.values
        .push(value("IMAGE_NAME", name, "the name the layout records"));
    plan.values.push(value(
        "TAG",
        reference.tag.clone().unwrap_or_default(),
        "the tag the layout records (empty: none)",
    ));
    plan.values.push(value(
        "ARCHIVE",
        format!("{}.tar", file_stem(&flow.subject)),
        "the archive written here",
    ));
    plan.functions.push(super::export::EXPORT);
    plan.steps.push(Step {
        why: "The blobs: the config and every layer (GET /v2/NAME/blobs/DIGEST, redirects
followed by hand, each sha256 checked), then an OCI image layout (oci-layout, index.json,
blobs/sha256/HEX; with manifest.json it also loads with `docker load`), tarred.",
        code: r#"write_layout
printf 'digest %s\narchive %s\n' "$MANIFEST_DIGEST" "$ARCHIVE" >> "$WORK/out"
mv "$WORK/export.tar" "./$ARCHIVE"
say "saved ./$ARCHIVE""#,
    });
    plan.prints = "the manifest's digest and the archive's name (it is written here)";
    plan
}
