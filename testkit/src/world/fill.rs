//! The standard content of a vendor World: a public repository with more than one page of
//! tags (single images, an OCI index, a Docker manifest list), a nested repository, and a
//! private repository. Tags are pushed one after another so their push times (and so any
//! "oldest first" order) follow [`WorldFixtures::tags`].

use crate::Pusher;
use crate::fixtures::{
    AttestedIndex, ManifestList, PushedImage, push_docker_image, push_docker_manifest_list,
    push_oci_image, push_oci_index_with_attestation, tag_names,
};

use super::store::Store;

/// Tags of the public repository besides the index, list and Docker ones: more than one
/// 100-per-page page.
pub const MANY_TAGS: usize = 130;
pub const INDEX_TAG: &str = "multi";
pub const LIST_TAG: &str = "list";
pub const DOCKER_TAG: &str = "docker";
pub const IMAGE_TAG: &str = "latest";

/// What a World holds, for tests to assert against.
#[derive(Clone, Debug)]
pub struct WorldFixtures {
    /// What a person types (`ghcr.io`).
    pub registry: String,
    /// The public repository with many tags.
    pub public_repo: String,
    /// Every tag of `public_repo`, oldest push first.
    pub tags: Vec<String>,
    /// Single-image OCI tag (two gzip layers): `latest` and every generated tag point at it.
    pub image_tag: String,
    pub image: PushedImage,
    /// An OCI index (linux/amd64, linux/arm64/v8, an attestation).
    pub index_tag: String,
    pub index: AttestedIndex,
    /// A Docker manifest list (linux/amd64, windows/amd64, linux/arm/v7).
    pub list_tag: String,
    pub list: ManifestList,
    /// A Docker schema2 image.
    pub docker_tag: String,
    pub docker: PushedImage,
    /// `public_repo` + `/nested`, one tag (`latest`): a child repository.
    pub nested_repo: String,
    /// Readable only with `credentials` (None for registries without auth).
    pub private_repo: Option<String>,
    pub private_tag: String,
    pub private_image: Option<PushedImage>,
    /// `(user, password)` that reads everything.
    pub credentials: Option<(String, String)>,
    /// Every repository, sorted.
    pub repositories: Vec<String>,
}

/// Pushes the standard content; `private` is the private repository's name, if any.
pub async fn standard(
    pusher: &Pusher,
    store: &Store,
    registry: &str,
    public: &str,
    private: Option<&str>,
    credentials: Option<(String, String)>,
) -> WorldFixtures {
    let image = push_oci_image(pusher, public, IMAGE_TAG).await;
    let mut tags = vec![IMAGE_TAG.to_owned()];
    for tag in tag_names(MANY_TAGS + 1)
        .into_iter()
        .filter(|t| t != IMAGE_TAG)
    {
        store.tag(public, &tag, &image.manifest.digest);
        tags.push(tag);
    }
    let index = push_oci_index_with_attestation(pusher, public, INDEX_TAG).await;
    let list = push_docker_manifest_list(pusher, public, LIST_TAG).await;
    let docker = push_docker_image(pusher, public, DOCKER_TAG).await;
    tags.extend([INDEX_TAG, LIST_TAG, DOCKER_TAG].map(String::from));
    let nested_repo = format!("{public}/nested");
    push_oci_image(pusher, &nested_repo, IMAGE_TAG).await;
    let private_image = match private {
        Some(repo) => {
            store.set_private(repo, true);
            Some(push_docker_image(pusher, repo, IMAGE_TAG).await)
        }
        None => None,
    };
    WorldFixtures {
        registry: registry.to_owned(),
        public_repo: public.to_owned(),
        tags,
        image_tag: IMAGE_TAG.to_owned(),
        image,
        index_tag: INDEX_TAG.to_owned(),
        index,
        list_tag: LIST_TAG.to_owned(),
        list,
        docker_tag: DOCKER_TAG.to_owned(),
        docker,
        nested_repo,
        private_repo: private.map(String::from),
        private_tag: IMAGE_TAG.to_owned(),
        private_image,
        credentials,
        repositories: store.repositories(),
    }
}
