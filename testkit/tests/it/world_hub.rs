//! The Docker Hub World: skopeo (a real client) against the registry, token server and CDN
//! under their real names, and direct HTTPS checks (trusting the World's CA, names resolved
//! to the World's addresses) that every answer has the shape REGISTRIES.md records.

mod api;
mod registry;

use std::process::{Command, Output};

use lading_testkit::docker_hub::{
    ACCESS_TOKEN, ALPINE_LIST_TAG, ALPINE_PLATFORMS, APP_REPO, CDN_HOST, LIBRARY_ALPINE, PASSWORD,
    PRIVATE_REPO, R2_HOST, REGISTRY_HOST, THROTTLED_REPO, USERNAME,
};
use lading_testkit::fixtures::sha256_digest;
use lading_testkit::{Vendor, World, WorldOptions};
use serde_json::Value;

use super::world_common::{assert_copied, assert_no_auth_to, inspect_digest, list_tags};

/// An HTTPS client that trusts only the World's CA and resolves every World host to its
/// address (no namespace needed); redirects are not followed, so tests see them.
pub fn client(world: &World) -> reqwest::Client {
    let pem = std::fs::read(world.ca_pem()).expect("ca.pem");
    let mut builder = reqwest::Client::builder()
        .tls_built_in_root_certs(false)
        .add_root_certificate(reqwest::Certificate::from_pem(&pem).expect("CA PEM"))
        .redirect(reqwest::redirect::Policy::none())
        .timeout(std::time::Duration::from_secs(30));
    for host in world.hosts() {
        builder = builder.resolve(&host, world.addr_of(&host).expect("served"));
    }
    builder.build().expect("reqwest client")
}

/// skopeo with global flags (`--override-arch` …) before the subcommand, which
/// [`World::skopeo`] cannot place.
fn skopeo_global(world: &World, global: &[&str], args: &[&str]) -> Output {
    let (subcommand, rest) = args.split_first().expect("a subcommand");
    Command::new("timeout")
        .args(["-k", "5", "120"])
        .args(world.namespace_prefix())
        .arg("skopeo")
        .args(global)
        .arg(subcommand)
        .arg(if *subcommand == "copy" {
            "--src-cert-dir"
        } else {
            "--cert-dir"
        })
        .arg(world.cert_dir())
        .args(["--retry-times", "0"])
        .args(rest)
        .env("REGISTRY_AUTH_FILE", world.dir().join("auth.json"))
        .env("HOME", world.dir())
        .output()
        .expect("run skopeo")
}

fn stdout_json(output: &Output) -> Value {
    assert!(
        output.status.success(),
        "skopeo failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("skopeo prints JSON")
}

#[test]
fn skopeo_pulls_every_platform_of_alpine_3_9() {
    let world = World::start(Vendor::DockerHub);
    assert_eq!(world.registry(), "docker.io");
    let alpine = format!("docker://docker.io/{LIBRARY_ALPINE}:{ALPINE_LIST_TAG}");
    let raw = world.skopeo_ok(&["inspect", "--raw", &alpine]);
    let list: Value = serde_json::from_str(&raw).expect("the list is JSON");
    assert_eq!(
        list["mediaType"],
        "application/vnd.docker.distribution.manifest.list.v2+json"
    );
    let entries = list["manifests"].as_array().expect("manifests");
    assert_eq!(entries.len(), 7, "{raw}");
    for (entry, (arch, variant)) in entries.iter().zip(ALPINE_PLATFORMS) {
        assert_eq!(entry["platform"]["architecture"], arch);
        assert_eq!(entry["platform"]["variant"].as_str(), variant);
        assert_eq!(
            entry["mediaType"],
            "application/vnd.docker.distribution.manifest.v2+json"
        );
        let mut global = vec!["--override-os", "linux", "--override-arch", arch];
        if let Some(variant) = variant {
            global.extend(["--override-variant", variant]);
        }
        let inspected = stdout_json(&skopeo_global(&world, &global, &["inspect", &alpine]));
        // skopeo names the list's digest and the chosen platform's layers.
        assert_eq!(
            inspected["Digest"],
            sha256_digest(raw.as_bytes()),
            "{arch} {variant:?}"
        );
        assert_eq!(inspected["Architecture"], arch);
        let child = format!(
            "docker://docker.io/{LIBRARY_ALPINE}@{}",
            entry["digest"].as_str().unwrap()
        );
        let child: Value =
            serde_json::from_str(&world.skopeo_ok(&["inspect", "--raw", &child])).expect("JSON");
        assert_eq!(
            inspected["Layers"][0], child["layers"][0]["digest"],
            "{arch} {variant:?}"
        );
    }
    let tags = list_tags(&world, &format!("docker://docker.io/{LIBRARY_ALPINE}"), &[]);
    assert_eq!(tags, ["3.19", "3.9", "latest"]);

    // One platform copied whole: blobs come from the CDN, never with Authorization.
    world.clear_requests();
    let dest = tempfile::tempdir().expect("temp dir");
    let target = format!("dir:{}", dest.path().display());
    let copied = skopeo_global(
        &world,
        &["--override-arch", "s390x"],
        &["copy", &alpine, &target],
    );
    assert!(
        copied.status.success(),
        "{}",
        String::from_utf8_lossy(&copied.stderr)
    );
    let manifest: Value = serde_json::from_slice(
        &std::fs::read(dest.path().join("manifest.json")).expect("manifest"),
    )
    .expect("JSON");
    let layer = manifest["layers"][0]["digest"].as_str().expect("a layer");
    assert!(
        dest.path()
            .join(layer.trim_start_matches("sha256:"))
            .exists()
    );
    let cdn = world
        .requests()
        .into_iter()
        .filter(|r| r.host == CDN_HOST)
        .count();
    assert_eq!(cdn, 2, "config and layer fetched from {CDN_HOST}");
    assert_no_auth_to(&world, CDN_HOST);
}

#[test]
fn skopeo_reads_the_standard_content_and_the_private_repository() {
    let world = World::start(Vendor::DockerHub);
    let f = world.fixtures();
    assert_eq!(f.public_repo, APP_REPO);
    let public = format!("docker://docker.io/{APP_REPO}");
    assert_eq!(
        inspect_digest(&world, &format!("{public}:latest"), &[]),
        f.image.manifest.digest
    );
    // Docker Hub sends every tag at once (byte-wise sorted).
    let mut expected = f.tags.clone();
    expected.sort();
    assert_eq!(list_tags(&world, &public, &[]), expected);
    world.clear_requests();
    assert_copied(&world, &format!("{public}:latest"), &f.image, &[]);
    assert_no_auth_to(&world, CDN_HOST);
    assert!(world.requests().iter().any(|r| r.host == CDN_HOST));

    let private = format!("docker://docker.io/{PRIVATE_REPO}:{}", f.private_tag);
    let denied = world.skopeo(&["inspect", &private]);
    assert!(
        !denied.status.success(),
        "anonymous inspect of the private repository succeeded"
    );
    let stderr = String::from_utf8_lossy(&denied.stderr);
    assert!(stderr.contains("authentication required"), "{stderr}");
    let want = &f
        .private_image
        .as_ref()
        .expect("private image")
        .manifest
        .digest;
    for secret in [PASSWORD, ACCESS_TOKEN] {
        let creds = format!("{USERNAME}:{secret}");
        assert_eq!(
            &inspect_digest(&world, &private, &["--creds", &creds]),
            want
        );
    }
    let wrong = world.skopeo(&["inspect", "--creds", "ladingbot:wrong", &private]);
    assert!(!wrong.status.success());

    let throttled = world.skopeo(&[
        "inspect",
        &format!("docker://docker.io/{THROTTLED_REPO}:latest"),
    ]);
    assert!(
        !throttled.status.success(),
        "a pull over the limit succeeded"
    );
    let stderr = String::from_utf8_lossy(&throttled.stderr);
    assert!(
        stderr.contains("toomanyrequests") || stderr.contains("TOOMANYREQUESTS"),
        "{stderr}"
    );

    let tokens: Vec<_> = world
        .requests()
        .into_iter()
        .filter(|r| r.host == "auth.docker.io")
        .collect();
    assert!(!tokens.is_empty());
    assert!(
        tokens
            .iter()
            .all(|r| r.path_and_query.contains("service=registry.docker.io"))
    );
    assert!(world.requests().iter().any(|r| r.host == REGISTRY_HOST));
}

#[test]
fn alternate_world_pages_tags_and_redirects_to_r2() {
    let options = WorldOptions {
        alternate: true,
        ..WorldOptions::default()
    };
    let world = World::start_with(Vendor::DockerHub, options);
    let f = world.fixtures();
    let public = format!("docker://docker.io/{APP_REPO}");
    world.clear_requests();
    assert_eq!(list_tags(&world, &public, &[]).len(), f.tags.len());
    let pages = world
        .requests()
        .iter()
        .filter(|r| r.host == REGISTRY_HOST && r.path().ends_with("/tags/list"))
        .filter(|r| r.header("authorization").is_some())
        .count();
    assert_eq!(pages, 2, "{} tags at 100 a page", f.tags.len());
    assert_copied(&world, &format!("{public}:latest"), &f.image, &[]);
    let r2: Vec<_> = world
        .requests()
        .into_iter()
        .filter(|r| r.host == R2_HOST)
        .collect();
    assert!(!r2.is_empty(), "blobs came from R2");
    assert!(
        r2.iter()
            .all(|r| r.path_and_query.contains("X-Amz-Signature="))
    );
    assert_no_auth_to(&world, R2_HOST);
}
