//! The Docker Hub fixtures: the World's standard content under `ladingcorp/app` (130+ tags,
//! an OCI index, a Docker manifest list) and `ladingcorp/private`; `library/alpine:3.9` as a
//! seven-platform Docker manifest list with a few more library tags; `ladingcorp/throttled`,
//! over its pull limit; and 130 public `ladingcorp` repositories in the Hub API (only the
//! ones above hold registry content). Layers are real gzip tars.

use serde_json::json;

use super::images::{StoredImage, platform_json, put_image, put_index};
use crate::fixtures::media_types::*;
use crate::fixtures::{Blob, CREATED, Descriptor, LayerBuilder, noise};
use crate::world::store::Store;

pub const LIBRARY_ALPINE: &str = "library/alpine";
/// The seven-platform Docker manifest list (Docker v2 manifests).
pub const ALPINE_LIST_TAG: &str = "3.9";
/// A single linux/amd64 Docker v2 image.
pub const ALPINE_SINGLE_TAG: &str = "3.19";
/// An OCI index of linux/amd64 and linux/arm64/v8.
pub const ALPINE_LATEST_TAG: &str = "latest";
pub const LIBRARY_BUSYBOX: &str = "library/busybox";
pub const BUSYBOX_TAGS: [&str; 2] = ["latest", "1.36"];
pub const NAMESPACE: &str = "ladingcorp";
/// The World's standard public repository (`fixtures().public_repo`).
pub const APP_REPO: &str = "ladingcorp/app";
/// Readable only with [`USERNAME`] and [`PASSWORD`] (registry) or the Hub JWT (Hub API).
pub const PRIVATE_REPO: &str = "ladingcorp/private";
/// Its pulls are over the limit from the start: manifest GET → 429, HEAD → remaining 0.
pub const THROTTLED_REPO: &str = "ladingcorp/throttled";
pub const THROTTLED_TAG: &str = "latest";
/// Public repositories of `ladingcorp` in the Hub API.
pub const NAMESPACE_PUBLIC_REPOS: usize = 130;
pub const USERNAME: &str = "ladingbot";
pub const PASSWORD: &str = "hub-fixture-password";
/// A personal access token: accepted wherever the password is (registry and Hub sign-in).
pub const ACCESS_TOKEN: &str = "dckr_pat_LadingFixtureToken0000000000";

/// The seven platforms of `library/alpine:3.9`, as real `alpine:3.9` lists them.
pub const ALPINE_PLATFORMS: [(&str, Option<&str>); 7] = [
    ("amd64", None),
    ("arm", Some("v6")),
    ("arm", Some("v7")),
    ("arm64", Some("v8")),
    ("386", None),
    ("ppc64le", None),
    ("s390x", None),
];

/// A linux image for one platform: a small alpine-like root filesystem whose binary's size
/// depends on `seed`, so every platform's layer differs.
fn platform_image(
    store: &Store,
    repo: &str,
    tag: Option<&str>,
    (arch, variant): (&str, Option<&str>),
    seed: u64,
    docker: bool,
) -> StoredImage {
    let (manifest_type, config_type, layer_type) = if docker {
        (DOCKER_MANIFEST, DOCKER_CONFIG, DOCKER_LAYER_GZIP)
    } else {
        (OCI_MANIFEST, OCI_CONFIG, OCI_LAYER_GZIP)
    };
    let layer = LayerBuilder::new()
        .dir("bin")
        .dir("etc")
        .file(
            "etc/os-release",
            format!("NAME=\"Alpine Linux\"\nID=alpine\nVERSION_ID=fixture-{arch}\n"),
        )
        .file("etc/alpine-release", "3.9.6\n")
        .file_with_mode(
            "bin/busybox",
            noise(seed, 1500 + 97 * seed as usize % 4000),
            0o755,
        )
        .symlink("bin/sh", "/bin/busybox")
        .build_as(layer_type);
    let mut config = platform_json("linux", arch, variant);
    config["created"] = json!(CREATED);
    config["config"] = json!({
        "Env": ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],
        "Cmd": ["/bin/sh"],
    });
    config["rootfs"] = json!({ "type": "layers", "diff_ids": [layer.diff_id] });
    config["history"] = json!([
        { "created": CREATED, "created_by": "/bin/sh -c #(nop) ADD file:fixture in / " },
        { "created": CREATED, "created_by": "/bin/sh -c #(nop)  CMD [\"/bin/sh\"]", "empty_layer": true },
    ]);
    let config = Blob::json(config_type, &config);
    put_image(store, repo, tag, manifest_type, &config, &[layer.blob])
}

/// A list (Docker) or index (OCI) of one image per platform.
fn put_list(
    store: &Store,
    repo: &str,
    tag: &str,
    media_type: &str,
    platforms: &[(&str, Option<&str>)],
    seed: u64,
) -> Descriptor {
    let docker = media_type == DOCKER_MANIFEST_LIST;
    let entries: Vec<Descriptor> = platforms
        .iter()
        .enumerate()
        .map(|(i, &platform)| {
            let image = platform_image(store, repo, None, platform, seed + i as u64, docker);
            let (arch, variant) = platform;
            image
                .manifest
                .with_platform(platform_json("linux", arch, variant))
        })
        .collect();
    put_index(store, repo, tag, media_type, &entries)
}

/// The library images and the throttled repository (the standard content is pushed apart).
pub fn store_images(store: &Store) -> Descriptor {
    let list = put_list(
        store,
        LIBRARY_ALPINE,
        ALPINE_LIST_TAG,
        DOCKER_MANIFEST_LIST,
        &ALPINE_PLATFORMS,
        100,
    );
    platform_image(
        store,
        LIBRARY_ALPINE,
        Some(ALPINE_SINGLE_TAG),
        ("amd64", None),
        120,
        true,
    );
    let two = [("amd64", None), ("arm64", Some("v8"))];
    put_list(
        store,
        LIBRARY_ALPINE,
        ALPINE_LATEST_TAG,
        OCI_INDEX,
        &two,
        130,
    );
    for (i, tag) in BUSYBOX_TAGS.into_iter().enumerate() {
        platform_image(
            store,
            LIBRARY_BUSYBOX,
            Some(tag),
            ("amd64", None),
            140 + i as u64,
            true,
        );
    }
    platform_image(
        store,
        THROTTLED_REPO,
        Some(THROTTLED_TAG),
        ("amd64", None),
        150,
        true,
    );
    list
}

/// `(name, description, stars, pulls)` of the repositories that hold content.
pub const DESCRIBED: [(&str, &str, u64, u64); 5] = [
    (
        LIBRARY_ALPINE,
        "A minimal Docker image based on Alpine Linux with a complete package index and only 5 MB in size!",
        11_000,
        9_000_000_000,
    ),
    (LIBRARY_BUSYBOX, "Busybox base image.", 3_300, 7_000_000_000),
    (
        APP_REPO,
        "The Lading fixture application: 130+ tags, an index, a manifest list.",
        42,
        123_456,
    ),
    (PRIVATE_REPO, "Only ladingbot sees this.", 0, 12),
    (
        THROTTLED_REPO,
        "Pulls of this one are over the limit.",
        0,
        100,
    ),
];

/// Names of the `ladingcorp` repositories that exist only in the Hub API.
pub fn listed_only_names() -> Vec<String> {
    let kinds = ["api", "web", "worker", "cli", "db", "cache"];
    (0..NAMESPACE_PUBLIC_REPOS - 2)
        .map(|i| format!("{}-{i:03}", kinds[i % kinds.len()]))
        .collect()
}
