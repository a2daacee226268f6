//! The registry side of `bench/view.sh` and `bench/serve.sh`: a real `docker-registry` holding
//! one OCI index of five platform images plus one BuildKit-style attestation manifest (six
//! children, the shape of a typical multi-platform release), tagged.
//!
//!     cargo run --release -p lading-testkit --bin lading-bench-index
//!
//! Prints `key=value` lines (`registry`, `repo`, `tag`, `digest` of the index, `children`,
//! then one `platform=OS/ARCH[/VARIANT]` per platform image, for `skopeo --override-*`), then
//! `ready`; stops the registry on SIGTERM or Ctrl-C.

use lading_testkit::fixtures::media_types::{OCI_CONFIG, OCI_INDEX, OCI_MANIFEST};
use lading_testkit::fixtures::{
    Blob, CREATED, Descriptor, ImageSpec, LayerBuilder, noise, push_image, push_index,
    push_sbom_attestation,
};
use lading_testkit::{Pusher, Registry};
use serde_json::{Value, json};
use tokio::signal::unix::{SignalKind, signal};

const REPO: &str = "bench/index";
const TAG: &str = "v1";
/// (os, architecture, variant) of each platform image, in index order.
const PLATFORMS: [(&str, &str, Option<&str>); 5] = [
    ("linux", "amd64", None),
    ("linux", "arm64", Some("v8")),
    ("linux", "arm", Some("v7")),
    ("linux", "ppc64le", None),
    ("linux", "s390x", None),
];
/// Sizes of each platform image's layers: views read manifests and configs, never layers,
/// so small layers keep the push quick while the manifests keep a realistic shape.
const LAYER_SIZES: [usize; 3] = [4096, 1024, 512];

#[tokio::main(flavor = "multi_thread")]
async fn main() {
    let registry = Registry::plain();
    let pusher = registry.pusher();
    let mut entries = Vec::new();
    let mut amd64 = None;
    for (seed, &(os, arch, variant)) in PLATFORMS.iter().enumerate() {
        let platform = platform_json(os, arch, variant);
        let spec = platform_spec(&platform, seed as u64 + 1);
        let image = push_image(&pusher, REPO, None, &spec).await;
        amd64.get_or_insert_with(|| image.manifest.digest.clone());
        entries.push(image.manifest.with_platform(platform));
    }
    let subject = amd64.expect("at least one platform");
    entries.push(push_attestation(&pusher, &subject).await);
    let children = entries.len();
    let index = push_index(&pusher, REPO, Some(TAG), OCI_INDEX, entries).await;

    println!("registry={}", registry.host());
    println!("repo={REPO}");
    println!("tag={TAG}");
    println!("digest={}", index.manifest.digest);
    println!("children={children}");
    for (os, arch, variant) in PLATFORMS {
        match variant {
            Some(variant) => println!("platform={os}/{arch}/{variant}"),
            None => println!("platform={os}/{arch}"),
        }
    }
    println!("ready");

    let mut term = signal(SignalKind::terminate()).expect("SIGTERM handler");
    tokio::select! {
        _ = term.recv() => {}
        _ = tokio::signal::ctrl_c() => {}
    }
    drop(registry);
}

fn platform_json(os: &str, arch: &str, variant: Option<&str>) -> Value {
    let mut platform = json!({ "architecture": arch, "os": os });
    if let Some(variant) = variant {
        platform["variant"] = json!(variant);
    }
    platform
}

/// An OCI image for `platform`: config naming it, [`LAYER_SIZES`] layers of noise.
fn platform_spec(platform: &Value, seed: u64) -> ImageSpec {
    let layers: Vec<_> = LAYER_SIZES
        .iter()
        .enumerate()
        .map(|(i, &size)| {
            LayerBuilder::new()
                .file(
                    &format!("opt/app/part{i}.bin"),
                    noise(seed * 10 + i as u64, size),
                )
                .build()
        })
        .collect();
    let mut config = platform.clone();
    config["created"] = json!(CREATED);
    config["config"] = json!({ "Env": ["PATH=/usr/bin:/bin"], "Cmd": ["/opt/app/run"] });
    config["rootfs"] = json!({
        "type": "layers",
        "diff_ids": layers.iter().map(|l| l.diff_id.clone()).collect::<Vec<_>>(),
    });
    let blobs = layers.into_iter().map(|l| l.blob).collect();
    ImageSpec::new(OCI_MANIFEST, Blob::json(OCI_CONFIG, &config), blobs)
}

/// A BuildKit attestation manifest about `subject`, as `docker buildx` pushes beside each
/// platform; returns its index entry.
async fn push_attestation(pusher: &Pusher, subject: &str) -> Descriptor {
    push_sbom_attestation(pusher, REPO, TAG, subject, "bench-sbom")
        .await
        .1
}
