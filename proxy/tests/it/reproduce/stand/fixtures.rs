//! What a stand holds, built in code and pushed over the registry API, and the [`Subject`]s
//! of its views ready to use.

use lading_shared::digest::Digest;
use lading_shared::reference::{Reference, Repository};
use lading_shared::reproduce::{ImageTarget, Subject};
use lading_testkit::fixtures::media_types::{OCI_CONFIG, OCI_INDEX, OCI_MANIFEST};
use lading_testkit::fixtures::{
    Blob, CREATED, ImageSpec, LayerBuilder, PushedImage, noise, push_image, push_index,
};
use lading_testkit::{Pusher, ScriptedRegistry};
use serde_json::json;

use super::block_on;

/// The repository every fixture is in.
pub const REPO: &str = "lading/stand";
/// A second repository (one tag) so a catalog lists more than one name.
pub const OTHER_REPO: &str = "lading/other";
/// The OCI index: linux/amd64, then linux/arm64/v8.
pub const INDEX_TAG: &str = "multi";
/// The single image (two gzip layers; the first holds [`FILE_PATH`]).
pub const IMAGE_TAG: &str = "latest";
/// More tags on the single image.
pub const EXTRA_TAGS: [&str; 2] = ["v1.0", "v1.1"];
/// The file a File view reads, as the page names it (the tar names it `etc/lading.txt`).
pub const FILE_PATH: &str = "/etc/lading.txt";
pub const FILE_CONTENT: &str = "Lading test stand\nthe file a script extracts, byte for byte\n";
/// `paged_tags`: repository, number of tags (`tag-00000` …) and page size (4 pages).
pub const PAGED_REPO: &str = "lading/paged";
pub const PAGED_TAGS: usize = 10;
pub const PAGED_PAGE_SIZE: usize = 3;

/// One image as pushed.
#[derive(Debug, Clone)]
pub struct ImageFixture {
    /// `linux/amd64`, `linux/arm64/v8`.
    pub platform: String,
    pub digest: Digest,
    pub config: Digest,
    /// `(digest, size)` bottom first.
    pub layers: Vec<(Digest, u64)>,
}

/// The image content of a stand (absent on `paged_tags`).
#[derive(Debug, Clone)]
pub struct StandContent {
    /// `REGISTRY/REPO:multi`.
    pub index: Reference,
    pub index_digest: Digest,
    /// In index order: linux/amd64, linux/arm64/v8 (each two gzip layers, the first holding
    /// `etc/lading.txt` naming the platform).
    pub platforms: Vec<ImageFixture>,
    /// `REGISTRY/REPO:latest`.
    pub image_ref: Reference,
    pub image: ImageFixture,
    /// The image's layer holding [`FILE_PATH`] (its first).
    pub file_layer: Digest,
}

/// References and digests for tests.
#[derive(Debug, Clone)]
pub struct StandFixtures {
    /// As a reference names it: `127.0.0.1:PORT`, `ghcr.io`.
    pub registry: String,
    pub repository: Repository,
    /// Every tag of `repository`: sorted for docker-registry stands (which list them in
    /// storage-directory order, not lexically: compare scripts with `expected_output`, and
    /// with this as a set), in listing order for `paged_tags` and `redirecting`.
    pub tags: Vec<String>,
    /// The catalog's names, when the registry offers one (`None`: no catalog).
    pub catalog: Option<Vec<String>>,
    pub content: Option<StandContent>,
}

impl StandFixtures {
    /// The image content; panics on a stand without any (`paged_tags`).
    pub fn content(&self) -> &StandContent {
        self.content
            .as_ref()
            .expect("this stand holds no images (paged_tags has tags only)")
    }

    /// The index view: `Manifest(REPO:multi)`.
    pub fn index(&self) -> Subject {
        Subject::Manifest(target(&self.content().index, None))
    }

    /// The view of platform `i` of the index (0 = linux/amd64, 1 = linux/arm64/v8).
    pub fn platform(&self, i: usize) -> Subject {
        let content = self.content();
        Subject::Manifest(target(
            &content.index,
            Some(content.platforms[i].digest.clone()),
        ))
    }

    /// The single image's view: `Manifest(REPO:latest)`.
    pub fn image(&self) -> Subject {
        Subject::Manifest(target(&self.content().image_ref, None))
    }

    pub fn tags(&self) -> Subject {
        Subject::Tags {
            repository: self.repository.clone(),
        }
    }

    /// The catalog view, where the registry has one.
    pub fn catalog(&self) -> Option<Subject> {
        self.catalog.as_ref().map(|_| Subject::Catalog {
            registry: self.registry.clone(),
            namespace: None,
        })
    }

    /// The listing of the image's first layer (the one holding [`FILE_PATH`]).
    pub fn layer(&self) -> Subject {
        let content = self.content();
        Subject::Layer {
            image: target(&content.image_ref, None),
            layer: content.file_layer.clone(),
        }
    }

    /// The listing of platform `i`'s second layer (through the index).
    pub fn platform_layer(&self, i: usize) -> Subject {
        let content = self.content();
        let platform = &content.platforms[i];
        Subject::Layer {
            image: target(&content.index, Some(platform.digest.clone())),
            layer: platform.layers[1].0.clone(),
        }
    }

    /// [`FILE_PATH`] in the image's first layer.
    pub fn file(&self) -> Subject {
        let content = self.content();
        Subject::File {
            image: target(&content.image_ref, None),
            layer: content.file_layer.clone(),
            path: FILE_PATH.to_string(),
        }
    }

    /// A download of the image's second (larger) layer.
    pub fn blob(&self) -> Subject {
        let content = self.content();
        Subject::Blob {
            image: target(&content.image_ref, None),
            digest: content.image.layers[1].0.clone(),
        }
    }

    /// An export of the single image.
    pub fn export(&self) -> Subject {
        Subject::Export {
            image: target(&self.content().image_ref, None),
        }
    }

    /// What a pull from a big registry exercises: the index, a platform, tags, a layer, the
    /// file and a blob (the last three through its CDN).
    pub fn pull_views(&self) -> Vec<Subject> {
        vec![
            self.index(),
            self.platform(1),
            self.tags(),
            self.layer(),
            self.file(),
            self.blob(),
        ]
    }

    /// Every view this stand has, one of each kind (index, a platform, the image, tags,
    /// catalog where offered, a layer, the file, a blob, the export).
    pub fn subjects(&self) -> Vec<Subject> {
        if self.content.is_none() {
            return vec![self.tags()];
        }
        let mut all = vec![self.index(), self.platform(1), self.image(), self.tags()];
        all.extend(self.catalog());
        all.extend([self.layer(), self.file(), self.blob(), self.export()]);
        all
    }
}

fn target(reference: &Reference, platform: Option<Digest>) -> ImageTarget {
    ImageTarget {
        reference: reference.clone(),
        platform,
    }
}

fn digest(text: &str) -> Digest {
    Digest::parse(text).expect("the testkit computes valid digests")
}

fn fixture(platform: &str, pushed: &PushedImage) -> ImageFixture {
    ImageFixture {
        platform: platform.to_string(),
        digest: digest(&pushed.manifest.digest),
        config: digest(&pushed.config.digest),
        layers: pushed
            .layers
            .iter()
            .map(|l| (digest(&l.digest), l.size))
            .collect(),
    }
}

/// An image of two gzip layers: `etc/lading.txt` (+ a symlink to it, directories) below,
/// binaries above; sizes vary with `seed` so every image has its own digests.
fn spec(os: &str, arch: &str, variant: Option<&str>, lading_txt: &str, seed: u64) -> ImageSpec {
    let bottom = LayerBuilder::new()
        .dir("etc")
        .file("etc/lading.txt", lading_txt)
        .symlink("etc/lading-link.txt", "lading.txt")
        .file("etc/os-release", "NAME=\"Lading Stand\"\nID=lading\n")
        .dir("usr")
        .dir("usr/bin")
        .build();
    let top = LayerBuilder::new()
        .file_with_mode(
            "usr/bin/tool",
            noise(seed, 3000 + 700 * seed as usize),
            0o755,
        )
        .dir("srv")
        .file("srv/data.bin", noise(seed + 100, 1500))
        .build();
    let mut config = json!({
        "created": CREATED,
        "architecture": arch,
        "os": os,
        "config": { "Cmd": ["/usr/bin/tool"], "Env": [format!("STAND_PLATFORM={os}/{arch}")] },
        "rootfs": { "type": "layers", "diff_ids": [bottom.diff_id, top.diff_id] },
    });
    if let Some(variant) = variant {
        config["variant"] = json!(variant);
    }
    ImageSpec::new(
        OCI_MANIFEST,
        Blob::json(OCI_CONFIG, &config),
        vec![bottom.blob, top.blob],
    )
}

/// Pushes the standard content into [`REPO`] (and [`OTHER_REPO`]) of the registry `pusher`
/// reaches, named `registry` in references.
pub(super) fn push_standard(pusher: &Pusher, registry: &str) -> StandFixtures {
    block_on(async {
        let amd64 = push_image(
            pusher,
            REPO,
            None,
            &spec("linux", "amd64", None, "platform linux/amd64\n", 1),
        )
        .await;
        let arm64 = push_image(
            pusher,
            REPO,
            None,
            &spec("linux", "arm64", Some("v8"), "platform linux/arm64/v8\n", 2),
        )
        .await;
        let entries = vec![
            amd64
                .manifest
                .clone()
                .with_platform(json!({"architecture": "amd64", "os": "linux"})),
            arm64
                .manifest
                .clone()
                .with_platform(json!({"architecture": "arm64", "os": "linux", "variant": "v8"})),
        ];
        let index = push_index(pusher, REPO, Some(INDEX_TAG), OCI_INDEX, entries).await;
        let image_spec = spec("linux", "amd64", None, FILE_CONTENT, 3);
        let image = push_image(pusher, REPO, Some(IMAGE_TAG), &image_spec).await;
        for tag in EXTRA_TAGS {
            pusher
                .push_manifest(REPO, tag, OCI_MANIFEST, &image.manifest_bytes)
                .await;
        }
        let other = spec("linux", "amd64", None, "another repository\n", 4);
        push_image(pusher, OTHER_REPO, Some(IMAGE_TAG), &other).await;

        let reference = |tag: &str| {
            Reference::parse(&format!("{registry}/{REPO}:{tag}")).expect("fixture reference")
        };
        let mut tags = push_order();
        tags.sort();
        let image = fixture("linux/amd64", &image);
        let file_layer = image.layers[0].0.clone();
        StandFixtures {
            registry: registry.to_string(),
            repository: Repository {
                registry: registry.to_string(),
                repository: REPO.to_string(),
            },
            tags,
            catalog: Some(vec![OTHER_REPO.to_string(), REPO.to_string()]),
            content: Some(StandContent {
                index: reference(INDEX_TAG),
                index_digest: digest(&index.manifest.digest),
                platforms: vec![
                    fixture("linux/amd64", &amd64),
                    fixture("linux/arm64/v8", &arm64),
                ],
                image_ref: reference(IMAGE_TAG),
                image,
                file_layer,
            }),
        }
    })
}

/// The tags of [`REPO`] in the order [`push_standard`] pushed them.
pub(super) fn push_order() -> Vec<String> {
    [INDEX_TAG, IMAGE_TAG]
        .into_iter()
        .chain(EXTRA_TAGS)
        .map(String::from)
        .collect()
}

/// The fixtures of [`super::Stand::paged_tags`].
pub(super) fn paged(registry: &ScriptedRegistry) -> StandFixtures {
    StandFixtures {
        registry: registry.host(),
        repository: Repository {
            registry: registry.host(),
            repository: PAGED_REPO.to_string(),
        },
        tags: registry.tags(),
        catalog: None,
        content: None,
    }
}
