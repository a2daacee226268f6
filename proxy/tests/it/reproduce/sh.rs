//! The generated POSIX sh scripts, run for real (`sh` = dash) against the stand's registries
//! — plain, htpasswd and token-auth, a paged tag list, a GHCR World whose blobs redirect to a
//! CDN — their stdout compared byte for byte with what lading's API answered for the same
//! view ([`expected_output`]), their downloads checked on disk, their failures checked for
//! the registry's error and an empty stdout.

use std::process::Command;

use lading_shared::Digest;
use lading_shared::reproduce::{Kind, Subject, sh};

use super::stand::{Access, Creds, ScriptRun, Stand, expected_output};

/// Runs the view's script and compares its stdout with the API's answer; returns the run.
#[track_caller]
fn reproduce(stand: &Stand, subject: &Subject, creds: Creds) -> ScriptRun {
    let (flow, api) = stand.view(subject);
    let script = sh::script(&flow);
    let run = stand.run(Kind::Sh, &script, creds);
    run.assert_success();
    let expected = expected_output(subject, &api);
    assert_eq!(
        run.stdout_text(),
        String::from_utf8_lossy(&expected),
        "{subject:?}: the script's stdout differs from the API's answer\n--- stderr\n{}\n--- script\n{script}",
        run.stderr
    );
    assert_eq!(run.stdout, expected, "{subject:?}: bytes differ");
    check_downloads(subject, &run);
    run
}

/// A blob view saves `sha256-HEX`; an export writes an OCI layout tar.
fn check_downloads(subject: &Subject, run: &ScriptRun) {
    match subject {
        Subject::Blob { digest, .. } => {
            let saved = run.cwd.join(format!("sha256-{}", digest.hex()));
            let bytes = std::fs::read(&saved).expect("the blob is saved as sha256-HEX");
            assert!(digest.verifies(&bytes), "the saved blob's digest");
        }
        Subject::Export { .. } => {
            let archive = run.stdout_text();
            let name = archive
                .lines()
                .find_map(|l| l.strip_prefix("archive "))
                .expect("an archive line");
            let digest = archive
                .lines()
                .find_map(|l| l.strip_prefix("digest "))
                .expect("a digest line");
            let digest = Digest::parse(digest).expect("a digest");
            let path = run.cwd.join(name);
            let listing = Command::new("tar")
                .arg("-tf")
                .arg(&path)
                .output()
                .expect("tar -tf");
            assert!(listing.status.success(), "the archive is a tar");
            let names = String::from_utf8_lossy(&listing.stdout).to_string();
            for needed in ["oci-layout", "index.json", "manifest.json"] {
                assert!(names.lines().any(|n| n == needed), "{needed} in\n{names}");
            }
            let manifest_blob = format!("blobs/sha256/{}", digest.hex());
            assert!(names.lines().any(|n| n == manifest_blob), "{names}");
            let dir = tempfile::tempdir().expect("temp dir");
            let unpacked = Command::new("tar")
                .arg("-xf")
                .arg(&path)
                .arg("-C")
                .arg(dir.path())
                .status()
                .expect("tar -xf");
            assert!(unpacked.success());
            let index: serde_json::Value = serde_json::from_slice(
                &std::fs::read(dir.path().join("index.json")).expect("index.json"),
            )
            .expect("index.json is JSON");
            assert_eq!(index["manifests"][0]["digest"], digest.to_string());
            // Every blob of the layout is stored under its own digest.
            for entry in std::fs::read_dir(dir.path().join("blobs/sha256")).expect("blobs") {
                let entry = entry.expect("a blob");
                let hex = entry.file_name().to_string_lossy().to_string();
                let blob = Digest::parse(&format!("sha256:{hex}")).expect("a digest name");
                let bytes = std::fs::read(entry.path()).expect("read a blob");
                assert!(blob.verifies(&bytes), "blob {hex} is what its name says");
            }
        }
        _ => {}
    }
}

/// Every view of a docker-registry stand, reproduced by its script.
fn every_view(access: Access, creds: Creds) -> Stand {
    let stand = Stand::start(access);
    for subject in stand.fixtures().subjects() {
        let run = reproduce(&stand, &subject, creds);
        assert!(run.stderr.contains("> GET"), "progress goes to stderr");
    }
    // A platform's layer, reached through the index.
    reproduce(&stand, &stand.fixtures().platform_layer(0), creds);
    stand
}

/// The script of a view that failed to authenticate: non-zero, the registry's (or token
/// server's) answer on stderr, nothing on stdout.
#[track_caller]
fn fails_cleanly(stand: &Stand, subject: &Subject, creds: Creds) -> ScriptRun {
    let (flow, _) = stand.view(subject);
    let run = stand.run(Kind::Sh, &sh::script(&flow), creds);
    run.assert_failed_cleanly();
    assert_eq!(run.status.code(), Some(1), "{}", run.stderr);
    assert!(
        run.stderr.contains("error: ") || run.stderr.contains("failed: "),
        "{}",
        run.stderr
    );
    assert!(
        run.cwd.read_dir().expect("cwd").next().is_none(),
        "no file left behind"
    );
    run
}

#[test]
fn plain_registry_views_are_reproduced() {
    every_view(Access::Plain, Creds::None);
}

#[test]
fn htpasswd_registry_views_are_reproduced_with_credentials_from_the_environment() {
    let stand = every_view(Access::Htpasswd, Creds::Good);
    let fixtures = stand.fixtures();
    let run = fails_cleanly(&stand, &fixtures.platform(0), Creds::Wrong);
    assert!(run.stderr.contains("401"), "{}", run.stderr);
    // The view was made with credentials: without them the script says so before asking.
    let run = fails_cleanly(&stand, &fixtures.image(), Creds::None);
    assert!(run.stderr.contains("REGISTRY_PASSWORD"), "{}", run.stderr);
}

#[test]
fn token_registry_views_are_reproduced_with_the_token_dance() {
    let stand = every_view(Access::Token, Creds::Good);
    let fixtures = stand.fixtures();
    for subject in [fixtures.index(), fixtures.blob(), fixtures.file()] {
        let run = fails_cleanly(&stand, &subject, Creds::Wrong);
        // The token server refused the wrong password: its status and its own words.
        assert!(
            run.stderr.contains("the token request failed"),
            "{}",
            run.stderr
        );
        assert!(
            run.stderr.contains("401") || run.stderr.contains("403"),
            "{}",
            run.stderr
        );
        assert!(run.stderr.contains("the server said"), "{}", run.stderr);
    }
}

#[test]
fn a_tag_list_of_several_pages_is_followed_by_its_link_headers() {
    let stand = Stand::paged_tags();
    let subject = stand.fixtures().tags();
    let run = reproduce(&stand, &subject, Creds::None);
    let pages = run.stderr.matches("tags/list").count();
    assert!(pages >= 3, "pages asked for: {pages}\n{}", run.stderr);
    assert!(run.stderr.contains("Link rel=\"next\""), "{}", run.stderr);
}

#[test]
fn blobs_redirected_to_a_cdn_are_fetched_without_authorization() {
    let stand = Stand::redirecting();
    let fixtures = stand.fixtures();
    for subject in [
        fixtures.blob(),
        fixtures.file(),
        fixtures.layer(),
        fixtures.index(),
    ] {
        let run = reproduce(&stand, &subject, Creds::None);
        if !matches!(subject, Subject::Manifest(_)) {
            assert!(
                run.stderr.contains("Authorization is not sent there"),
                "{subject:?}: no redirect seen\n{}",
                run.stderr
            );
        }
    }
    reproduce(&stand, &fixtures.export(), Creds::None);
}

/// Docker Hub itself (`registry-1.docker.io`, `auth.docker.io`, blobs 307 to its CDN): what a
/// person copying the script for `alpine` meets first.
#[test]
fn docker_hub_images_layers_and_tags_reproduce() {
    let stand = Stand::world_of(lading_testkit::Vendor::DockerHub);
    for subject in stand.fixtures().pull_views() {
        reproduce(&stand, &subject, Creds::None);
    }
}

/// Docker Hub has no catalog: a namespace's repositories come from its web API, signed in
/// through `POST hub.docker.com/v2/auth/token` when credentials are set. Run in a Docker
/// Hub World (the stand has no Hub stand), compared with the World's own repositories.
#[test]
fn a_docker_hub_namespace_is_listed_through_the_hub_web_api() {
    use lading_testkit::{Vendor, World};
    let world = World::start(Vendor::DockerHub);
    let fixtures = world.fixtures();
    let namespace = fixtures.public_repo.split('/').next().expect("a namespace");
    let subject = Subject::Catalog {
        registry: "docker.io".into(),
        namespace: Some(namespace.to_string()),
    };
    let script = sh::script(&lading_shared::reproduce::Flow::new(subject, &[]));
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("script.sh");
    std::fs::write(&file, &script).expect("write the script");
    let run = |signed_in: bool| {
        let mut command = Command::new("timeout");
        command
            .args(["-k", "5", "60"])
            .args(world.namespace_prefix());
        command
            .arg("sh")
            .arg(&file)
            .current_dir(dir.path())
            .env_clear();
        command
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", dir.path())
            .env("CURL_CA_BUNDLE", world.ca_pem());
        if signed_in {
            let (user, password) = fixtures.credentials.clone().expect("Hub credentials");
            command
                .env("REGISTRY_USER", user)
                .env("REGISTRY_PASSWORD", password);
        }
        let out = command.output().expect("run the script");
        let stderr = String::from_utf8_lossy(&out.stderr).to_string();
        assert!(out.status.success(), "{stderr}\n{script}");
        (String::from_utf8(out.stdout).expect("utf-8"), stderr)
    };
    // The World's Hub lists more than its pushed repositories (generated ones, several
    // pages of them): every name is checked for shape, the pushed ones for presence.
    let (anonymous, stderr) = run(false);
    let listed: Vec<&str> = anonymous.lines().collect();
    assert!(
        listed.contains(&fixtures.public_repo.as_str()),
        "{anonymous}\n{stderr}"
    );
    for name in &listed {
        let rest = name
            .strip_prefix(&format!("{namespace}/"))
            .expect("NAMESPACE/NAME");
        assert!(!rest.is_empty() && !rest.contains('/'), "{name}");
    }
    let mut unique = listed.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), listed.len(), "each repository once");
    if listed.len() > 100 {
        assert!(stderr.matches("/repositories?").count() > 1, "{stderr}");
    }
    let (signed_in, stderr) = run(true);
    assert!(
        stderr.contains("POST https://hub.docker.com/v2/auth/token"),
        "{stderr}"
    );
    let signed: Vec<&str> = signed_in.lines().collect();
    for name in &listed {
        assert!(signed.contains(name), "{name} missing when signed in");
    }
    if let Some(private) = fixtures.private_repo.as_deref()
        && private.starts_with(&format!("{namespace}/"))
    {
        assert!(
            signed.contains(&private),
            "{private} when signed in\n{stderr}"
        );
        assert!(!listed.contains(&private), "{private} listed anonymously");
    }
}
