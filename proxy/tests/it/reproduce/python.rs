//! The generated Python scripts executed for real (`python3 FILE`, standard library only)
//! against the stand's registries — plain, htpasswd, token — a paginated tag list, and a
//! World whose blobs redirect to a CDN that refuses `Authorization`. Each script's stdout
//! must be exactly what lading's API showed for the view ([`expected_output`]); a wrong
//! password must fail with the registry's error and print nothing.

use std::path::Path;

use lading_shared::digest::Digest;
use lading_shared::reproduce::{Kind, Subject, python};

use super::stand::{Access, Creds, ScriptRun, Stand, expected_output};

/// Runs the view's script and compares its stdout with the API's answer; checks what a
/// download view left in its working directory.
#[track_caller]
fn reproduce(stand: &Stand, subject: &Subject, creds: Creds) -> ScriptRun {
    let (flow, api) = stand.view(subject);
    let script = python::script(&flow);
    let run = stand.run(Kind::Python, &script, creds);
    run.assert_success();
    assert_eq!(
        run.stdout_text(),
        String::from_utf8_lossy(&expected_output(subject, &api)),
        "{subject:?}: stdout differs from the API's answer\n--- stderr\n{}\n{}",
        run.stderr,
        stand.registry_output()
    );
    match subject {
        Subject::Blob { digest, .. } => {
            let saved = run.cwd.join(digest.to_string().replace(':', "-"));
            let bytes = std::fs::read(&saved).expect("the blob was saved");
            assert!(
                digest.verifies(&bytes),
                "the saved blob hashes to its digest"
            );
        }
        Subject::Export { .. } => {
            let archive = api["archive"].as_str().expect("archive name");
            assert_layout(&run.cwd.join(archive), &api["digest"]);
        }
        _ => {}
    }
    assert_no_leftovers(&run.cwd, subject);
    run
}

/// The export is an OCI layout whose index names the manifest, with every blob present.
fn assert_layout(archive: &Path, digest: &serde_json::Value) {
    let listing = std::process::Command::new("tar")
        .arg("-tf")
        .arg(archive)
        .output()
        .expect("tar runs");
    assert!(listing.status.success(), "{archive:?} is a tar");
    let names = String::from_utf8_lossy(&listing.stdout).into_owned();
    for wanted in ["oci-layout", "index.json", "manifest.json"] {
        assert!(names.lines().any(|l| l == wanted), "{wanted} in {names}");
    }
    let digest = Digest::parse(digest.as_str().expect("digest")).expect("a digest");
    let manifest = format!("blobs/sha256/{}", digest.hex());
    assert!(
        names.lines().any(|l| l == manifest),
        "{manifest} in {names}"
    );
    let index = std::process::Command::new("tar")
        .arg("-xOf")
        .arg(archive)
        .arg("index.json")
        .output()
        .expect("tar runs");
    let index: serde_json::Value = serde_json::from_slice(&index.stdout).expect("index.json");
    assert_eq!(index["manifests"][0]["digest"], digest.to_string());
    assert!(
        names
            .lines()
            .filter(|l| l.starts_with("blobs/sha256/"))
            .count()
            >= 4,
        "{names}"
    );
}

/// Nothing but the view's download is left behind (no partial files).
fn assert_no_leftovers(cwd: &Path, subject: &Subject) {
    let left: Vec<String> = std::fs::read_dir(cwd)
        .expect("cwd")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    let allowed = matches!(subject, Subject::Blob { .. } | Subject::Export { .. }) as usize;
    assert_eq!(left.len(), allowed, "{subject:?} left {left:?}");
}

/// Every view of a stand, reproduced with `creds`.
fn every_view(access: Access, creds: Creds) {
    let stand = Stand::start(access);
    for subject in stand.fixtures().subjects() {
        reproduce(&stand, &subject, creds);
    }
}

#[test]
fn every_view_of_a_plain_registry() {
    every_view(Access::Plain, Creds::None);
}

#[test]
fn every_view_of_an_htpasswd_registry() {
    every_view(Access::Htpasswd, Creds::Good);
}

#[test]
fn every_view_of_a_token_registry() {
    every_view(Access::Token, Creds::Good);
}

#[test]
fn every_platform_of_the_index_and_its_layers() {
    let stand = Stand::start(Access::Token);
    let fixtures = stand.fixtures();
    for i in 0..fixtures.content().platforms.len() {
        reproduce(&stand, &fixtures.platform(i), Creds::Good);
        reproduce(&stand, &fixtures.platform_layer(i), Creds::Good);
    }
}

#[test]
fn a_tag_list_of_several_pages() {
    let stand = Stand::paged_tags();
    let subject = stand.fixtures().tags();
    reproduce(&stand, &subject, Creds::None);
    let (flow, _) = stand.view(&subject);
    assert!(
        flow.pages >= 3,
        "the stand pages its tags: {} pages",
        flow.pages
    );
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

#[test]
fn blobs_through_a_cdn_redirect() {
    let stand = Stand::redirecting();
    let fixtures = stand.fixtures();
    for subject in [
        fixtures.blob(),
        fixtures.layer(),
        fixtures.file(),
        fixtures.export(),
        fixtures.index(),
    ] {
        let run = reproduce(&stand, &subject, Creds::None);
        if !matches!(subject, Subject::Manifest(_)) {
            // The CDN refuses Authorization: success alone proves it was not sent; the
            // progress says so too.
            assert!(
                run.stderr.contains("redirected to")
                    && run.stderr.contains("without Authorization"),
                "{}",
                run.stderr
            );
        }
    }
}

/// A wrong password: the registry's refusal on stderr, exit 1, nothing on stdout.
#[test]
fn a_wrong_password_fails_with_the_registrys_error() {
    for access in [Access::Htpasswd, Access::Token] {
        let stand = Stand::start(access);
        for subject in [stand.fixtures().index(), stand.fixtures().file()] {
            let (flow, _) = stand.view(&subject);
            let run = stand.run(Kind::Python, &python::script(&flow), Creds::Wrong);
            run.assert_failed_cleanly();
            assert_eq!(run.status.code(), Some(1), "{}", run.stderr);
            assert!(
                run.stderr.contains("HTTP 401"),
                "{access:?}: {}",
                run.stderr
            );
            if access == Access::Htpasswd {
                assert!(run.stderr.contains("UNAUTHORIZED"), "{}", run.stderr);
            }
            assert!(
                !run.stderr.contains(super::stand::WRONG_PASSWORD),
                "the password is never echoed: {}",
                run.stderr
            );
        }
    }
}

/// A view made with credentials needs them: without, the script says so before any request.
#[test]
fn missing_credentials_are_named() {
    let stand = Stand::start(Access::Htpasswd);
    let (flow, _) = stand.view(&stand.fixtures().tags());
    let run = stand.run(Kind::Python, &python::script(&flow), Creds::None);
    run.assert_failed_cleanly();
    assert!(run.stderr.contains("REGISTRY_USER"), "{}", run.stderr);
}

/// The oldest Python the scripts promise (3.9, where installed) runs every view of the plain
/// registry with the same output.
#[test]
fn every_view_on_python_3_9() {
    let interpreter = "python3.9";
    let present = std::process::Command::new(interpreter)
        .arg("-c")
        .arg("pass")
        .output()
        .is_ok_and(|o| o.status.success());
    if !present {
        eprintln!("{interpreter} is not installed: skipped");
        return;
    }
    let stand = Stand::start(Access::Plain);
    for subject in stand.fixtures().subjects() {
        let (flow, api) = stand.view(&subject);
        let dir = tempfile::tempdir().expect("temp dir");
        let file = dir.path().join("script.py");
        std::fs::write(&file, python::script(&flow)).expect("write the script");
        let run = std::process::Command::new("timeout")
            .args(["-k", "5", "60", interpreter])
            .arg(&file)
            .current_dir(dir.path())
            .env_remove("REGISTRY_USER")
            .env_remove("REGISTRY_PASSWORD")
            .output()
            .expect("run the script");
        let stderr = String::from_utf8_lossy(&run.stderr);
        assert!(run.status.success(), "{subject:?}: {stderr}");
        assert_eq!(
            String::from_utf8_lossy(&run.stdout),
            String::from_utf8_lossy(&expected_output(&subject, &api)),
            "{subject:?}: {stderr}"
        );
    }
}

/// Runs `script` with python3 inside `world`'s namespace (its names resolve to it, its CA
/// trusted), with `creds` as REGISTRY_USER / REGISTRY_PASSWORD.
fn run_in_world(
    world: &lading_testkit::World,
    script: &str,
    creds: Option<(&str, &str)>,
) -> std::process::Output {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("script.py");
    std::fs::write(&file, script).expect("write the script");
    let mut command = std::process::Command::new("timeout");
    command
        .args(["-k", "5", "60"])
        .args(world.namespace_prefix())
        .arg("python3")
        .arg(&file)
        .current_dir(dir.path())
        .env_remove("REGISTRY_USER")
        .env_remove("REGISTRY_PASSWORD")
        .env("SSL_CERT_FILE", world.ca_pem());
    if let Some((user, password)) = creds {
        command
            .env("REGISTRY_USER", user)
            .env("REGISTRY_PASSWORD", password);
    }
    command.output().expect("run the script")
}

/// A Docker Hub namespace through Hub's web API (the registry has no catalog there):
/// anonymously its public repositories, every page; signed in (`POST /v2/auth/token`) its
/// private one too, the JWT going only to hub.docker.com.
#[test]
fn a_docker_hub_namespace_through_the_web_api() {
    use lading_testkit::docker_hub;
    let world = lading_testkit::World::start(lading_testkit::Vendor::DockerHub);
    let subject = Subject::Catalog {
        registry: "docker.io".into(),
        namespace: Some(docker_hub::NAMESPACE.into()),
    };
    let script = python::script(&lading_shared::reproduce::Flow::new(subject, &[]));
    let anonymous = run_in_world(&world, &script, None);
    let stderr = String::from_utf8_lossy(&anonymous.stderr);
    assert!(anonymous.status.success(), "{stderr}");
    let names: Vec<String> = String::from_utf8_lossy(&anonymous.stdout)
        .lines()
        .map(str::to_string)
        .collect();
    assert!(
        names.len() >= docker_hub::NAMESPACE_PUBLIC_REPOS,
        "{} names: {stderr}",
        names.len()
    );
    assert!(
        names.iter().all(|n| n.starts_with("ladingcorp/")),
        "{names:?}"
    );
    assert!(names.contains(&docker_hub::APP_REPO.to_string()));
    assert!(!names.contains(&docker_hub::PRIVATE_REPO.to_string()));
    let mut unique = names.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), names.len(), "no page read twice");

    world.clear_requests();
    let signed_in = run_in_world(
        &world,
        &script,
        Some((docker_hub::USERNAME, docker_hub::PASSWORD)),
    );
    let stderr = String::from_utf8_lossy(&signed_in.stderr);
    assert!(signed_in.status.success(), "{stderr}");
    let listed = String::from_utf8_lossy(&signed_in.stdout);
    assert!(
        listed.lines().any(|l| l == docker_hub::PRIVATE_REPO),
        "{listed}\n{stderr}"
    );
    let requests = world.requests();
    assert!(
        requests
            .iter()
            .any(|r| r.method == "POST" && r.path_and_query == "/v2/auth/token")
    );
    assert!(
        requests.iter().all(|r| r.host == docker_hub::HUB_HOST),
        "only the web API was asked: {:?}",
        requests.iter().map(|r| &r.host).collect::<Vec<_>>()
    );

    let wrong = run_in_world(&world, &script, Some((docker_hub::USERNAME, "wrong")));
    assert_eq!(wrong.status.code(), Some(1));
    assert!(wrong.stdout.is_empty(), "no partial output");
    assert!(
        String::from_utf8_lossy(&wrong.stderr).contains("Docker Hub sign-in: HTTP 401"),
        "{}",
        String::from_utf8_lossy(&wrong.stderr)
    );
}
