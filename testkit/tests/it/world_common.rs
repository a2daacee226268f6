//! Shared skopeo checks of the World's fakes.

use lading_testkit::World;
use lading_testkit::fixtures::PushedImage;
use serde_json::Value;

/// `skopeo inspect` → its `Digest`.
pub fn inspect_digest(world: &World, reference: &str, extra: &[&str]) -> String {
    let mut args = vec!["inspect"];
    args.extend_from_slice(extra);
    args.push(reference);
    let out = world.skopeo_ok(&args);
    let json: Value = serde_json::from_str(&out).expect("skopeo inspect prints JSON");
    json["Digest"].as_str().expect("Digest").to_owned()
}

/// `skopeo list-tags` → its `Tags`, in the order given.
pub fn list_tags(world: &World, repository: &str, extra: &[&str]) -> Vec<String> {
    let mut args = vec!["list-tags"];
    args.extend_from_slice(extra);
    args.push(repository);
    let out = world.skopeo_ok(&args);
    let json: Value = serde_json::from_str(&out).expect("skopeo list-tags prints JSON");
    json["Tags"]
        .as_array()
        .expect("Tags")
        .iter()
        .map(|t| t.as_str().unwrap_or_default().to_owned())
        .collect()
}

/// `skopeo copy REF dir:…` and the copy holds exactly the image's manifest and blobs.
pub fn assert_copied(world: &World, reference: &str, image: &PushedImage, extra: &[&str]) {
    let dest = tempfile::tempdir().expect("temp dir");
    let target = format!("dir:{}", dest.path().display());
    let mut args = vec!["copy"];
    args.extend_from_slice(extra);
    args.extend([reference, target.as_str()]);
    world.skopeo_ok(&args);
    let manifest = std::fs::read(dest.path().join("manifest.json")).expect("manifest.json");
    assert_eq!(manifest, image.manifest_bytes, "copied manifest differs");
    for blob in image.layers.iter().chain([&image.config]) {
        let hex = blob.digest.strip_prefix("sha256:").unwrap();
        let bytes = std::fs::read(dest.path().join(hex))
            .unwrap_or_else(|e| panic!("blob {hex} not copied: {e}"));
        assert_eq!(bytes.len() as u64, blob.size, "blob {hex} size");
    }
}

/// No request to `host` carried `Authorization` (credentials never follow a redirect).
pub fn assert_no_auth_to(world: &World, host: &str) {
    let leaked: Vec<_> = world
        .requests()
        .into_iter()
        .filter(|r| r.host == host && r.header("authorization").is_some())
        .collect();
    assert!(
        leaked.is_empty(),
        "Authorization sent to {host}: {leaked:?}"
    );
}

/// How skopeo should read a World's public repository.
pub struct Check<'a> {
    /// Credentials even for the public repository (ECR, ACR).
    pub creds_for_public: bool,
    /// Tags `list-tags` must print, in order.
    pub expected_tags: Vec<String>,
    /// Hosts that must never see `Authorization` (CDN/storage hosts).
    pub no_auth_hosts: &'a [&'a str],
}

/// The public repository's tags sorted byte-wise (distribution's order).
pub fn lexical(world: &World) -> Vec<String> {
    let mut tags = world.fixtures().tags.clone();
    tags.sort();
    tags
}

/// `--creds USER:PASSWORD` of the World.
pub fn creds(world: &World) -> Vec<String> {
    let (user, password) = world.fixtures().credentials.clone().expect("credentials");
    vec!["--creds".to_owned(), format!("{user}:{password}")]
}

/// inspect, raw index, list-tags, copy to dir: of the public repository; the private one
/// denied without and read with credentials.
pub fn cross_check(world: &World, check: Check<'_>) {
    let f = world.fixtures();
    let public = format!("docker://{}/{}", world.registry(), f.public_repo);
    let creds = f
        .credentials
        .as_ref()
        .map(|_| creds(world))
        .unwrap_or_default();
    let creds: Vec<&str> = creds.iter().map(String::as_str).collect();
    let public_creds: &[&str] = if check.creds_for_public { &creds } else { &[] };
    if check.creds_for_public {
        let denied = world.skopeo(&["inspect", &format!("{public}:latest")]);
        assert!(
            !denied.status.success(),
            "anonymous inspect of {public} succeeded"
        );
    }
    let latest = format!("{public}:{}", f.image_tag);
    assert_eq!(
        inspect_digest(world, &latest, public_creds),
        f.image.manifest.digest
    );
    let mut raw = vec!["inspect", "--raw"];
    raw.extend_from_slice(public_creds);
    let index = format!("{public}:{}", f.index_tag);
    raw.push(&index);
    assert_eq!(
        world.skopeo_ok(&raw).as_bytes(),
        f.index.index.manifest_bytes.as_slice()
    );
    assert_eq!(
        list_tags(world, &public, public_creds),
        check.expected_tags,
        "list-tags of {public}"
    );
    assert_copied(world, &latest, &f.image, &with_src(public_creds));
    for host in check.no_auth_hosts {
        assert_no_auth_to(world, host);
    }
    if let Some(private) = &f.private_repo {
        let private = format!("docker://{}/{private}:{}", world.registry(), f.private_tag);
        let denied = world.skopeo(&["inspect", &private]);
        assert!(
            !denied.status.success(),
            "anonymous inspect of {private} succeeded"
        );
        let image = f.private_image.as_ref().expect("private image");
        assert_eq!(
            inspect_digest(world, &private, &creds),
            image.manifest.digest
        );
        assert_copied(world, &private, image, &with_src(&creds));
    }
}

/// `--creds X` → `--src-creds X` for skopeo copy.
fn with_src<'a>(creds: &[&'a str]) -> Vec<&'a str> {
    creds
        .iter()
        .map(|a| if *a == "--creds" { "--src-creds" } else { a })
        .collect()
}

/// GET `url` through the World's client → (status, headers, body text).
pub async fn get(
    world: &World,
    url: &str,
    headers: &[(&str, &str)],
) -> (u16, reqwest::header::HeaderMap, String) {
    let mut request = world.client().get(url);
    for (k, v) in headers {
        request = request.header(*k, *v);
    }
    let response = request
        .send()
        .await
        .unwrap_or_else(|e| panic!("GET {url}: {e}"));
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    (status, headers, response.text().await.expect("body"))
}

/// A header's value as text ("" when absent).
pub fn header<'a>(headers: &'a reqwest::header::HeaderMap, name: &str) -> &'a str {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
}
