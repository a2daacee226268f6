//! The tool one-liners and the Mermaid export, checked against the real thing: the generated
//! `skopeo` commands run (as a person would paste them: `sh`, credentials only in the
//! environment) against the stand's registries — plain, htpasswd, token, a paged tag list
//! and a World whose blobs redirect to a CDN — and their output compared with lading's API;
//! the Mermaid source of real traces (and a hostile one) read by Mermaid's own parser.

use std::path::{Path, PathBuf};
use std::process::Command;

use lading_shared::api::{Exchange, ExchangePurpose};
use lading_shared::reproduce::{Flow, Kind, Subject, mermaid, tools};
use serde_json::Value;

use super::stand::{Access, Creds, FILE_CONTENT, ScriptRun, Stand, expected_output};

/// The skopeo snippet of a view (panics when there is none).
fn skopeo(flow: &Flow) -> String {
    tools::commands(flow)
        .into_iter()
        .find(|r| r.kind == Kind::Skopeo)
        .expect("a skopeo reproduction")
        .text
        .unwrap_or_else(|why| panic!("{:?}: no skopeo snippet: {why}", flow.subject))
}

/// The credentials a stand's scripts need to succeed.
fn good(stand: &Stand) -> Creds {
    if stand.view_credentials().is_some() {
        Creds::Good
    } else {
        Creds::None
    }
}

#[track_caller]
fn assert_output(run: &ScriptRun, want: &[u8], script: &str) {
    run.assert_success();
    assert_eq!(
        run.stdout_text(),
        String::from_utf8_lossy(want),
        "script:\n{script}\nstderr:\n{}",
        run.stderr
    );
}

/// A tar listing as the view prints it: no leading `./` or `/`, no trailing `/`, no root.
fn view_names(listing: &str) -> String {
    listing
        .lines()
        .map(|l| {
            l.trim_start_matches("./")
                .trim_start_matches('/')
                .trim_end_matches('/')
        })
        .filter(|l| !l.is_empty() && *l != ".")
        .map(|l| format!("{l}\n"))
        .collect()
}

fn tar_names(archive: &Path) -> Vec<String> {
    let out = Command::new("tar")
        .arg("-tf")
        .arg(archive)
        .output()
        .unwrap();
    assert!(out.status.success(), "tar -tf {}", archive.display());
    view_names(&String::from_utf8_lossy(&out.stdout))
        .lines()
        .map(String::from)
        .collect()
}

/// Runs the skopeo snippet of `subject` and checks what it printed (and saved) against the
/// API's answer for the same view.
fn check_view(stand: &Stand, subject: &Subject) {
    let (flow, api) = stand.view(subject);
    if let Subject::Catalog { .. } = subject {
        let why = tools::commands(&flow)[2].text.clone().unwrap_err();
        assert!(why.contains("skopeo"), "{why}");
        return;
    }
    let script = skopeo(&flow);
    let run = stand.run(Kind::Skopeo, &script, good(stand));
    match subject {
        Subject::Manifest(_) => {
            // The digest skopeo computed, then the manifest exactly as the registry sent it.
            let raw = api["raw"].as_str().expect("raw manifest");
            let digest = api["digest"].as_str().expect("digest");
            assert_output(&run, format!("{digest}\n{raw}").as_bytes(), &script);
            let saved = std::fs::read(run.cwd.join("manifest.json")).unwrap();
            assert_eq!(saved, raw.as_bytes());
            if let Some(children) = api_children(&api) {
                for child in children {
                    assert!(raw.contains(&child), "{child} not in the index");
                }
            }
        }
        Subject::Layer { .. } => {
            run.assert_success();
            let want = String::from_utf8(expected_output(subject, &api)).unwrap();
            assert_eq!(
                view_names(&run.stdout_text()),
                want,
                "{script}\n{}",
                run.stderr
            );
        }
        Subject::Blob { digest, .. } => {
            assert_output(&run, &expected_output(subject, &api), &script);
            let saved = std::fs::read(run.cwd.join(format!("sha256-{}", digest.hex()))).unwrap();
            assert!(digest.verifies(&saved));
            assert_eq!(api["bytes_sha256"], digest.to_string());
        }
        Subject::Export { .. } => {
            assert_output(&run, &expected_output(subject, &api), &script);
            let archive = run.cwd.join(api["archive"].as_str().expect("archive name"));
            let names = tar_names(&archive);
            let digest = api["digest"]
                .as_str()
                .unwrap()
                .trim_start_matches("sha256:");
            for want in [
                "oci-layout",
                "index.json",
                &format!("blobs/sha256/{digest}"),
            ] {
                assert!(names.iter().any(|n| n == want), "{want} not in {names:?}");
            }
        }
        _ => assert_output(&run, &expected_output(subject, &api), &script),
    }
}

/// The children digests an index answer lists.
fn api_children(api: &Value) -> Option<Vec<String>> {
    let raw: Value = serde_json::from_str(api["raw"].as_str()?).ok()?;
    let children = raw["manifests"].as_array()?;
    Some(
        children
            .iter()
            .filter_map(|c| c["digest"].as_str().map(String::from))
            .collect(),
    )
}

fn every_view_reproduced_by_skopeo(access: Access) {
    let stand = Stand::start(access);
    let fixtures = stand.fixtures();
    let mut subjects = fixtures.subjects();
    subjects.push(fixtures.platform(0));
    subjects.push(fixtures.platform_layer(1));
    for subject in &subjects {
        check_view(&stand, subject);
    }
    // The file's own bytes, not the API's idea of them only.
    let (flow, _) = stand.view(&fixtures.file());
    let run = stand.run(Kind::Skopeo, &skopeo(&flow), good(&stand));
    assert_eq!(run.stdout, FILE_CONTENT.as_bytes(), "{}", run.stderr);
}

#[test]
fn skopeo_reproduces_every_view_of_a_plain_registry() {
    every_view_reproduced_by_skopeo(Access::Plain);
}

#[test]
fn skopeo_reproduces_every_view_of_an_htpasswd_registry() {
    every_view_reproduced_by_skopeo(Access::Htpasswd);
}

#[test]
fn skopeo_reproduces_every_view_of_a_token_registry() {
    every_view_reproduced_by_skopeo(Access::Token);
}

/// A wrong or missing password: `skopeo login` fails (the registry's refusal, or no user
/// name at all) and the snippet prints nothing (the `&&` chain stops before any output).
#[test]
fn skopeo_with_a_wrong_password_fails_without_output() {
    for access in [Access::Htpasswd, Access::Token] {
        let stand = Stand::start(access);
        let fixtures = stand.fixtures();
        for subject in [fixtures.index(), fixtures.tags(), fixtures.blob()] {
            let (flow, _) = stand.view(&subject);
            let script = skopeo(&flow);
            for creds in [Creds::Wrong, Creds::None] {
                let run = stand.run(Kind::Skopeo, &script, creds);
                run.assert_failed_cleanly();
                let said = run.stderr.to_ascii_lowercase();
                assert!(
                    said.contains("unauthorized")
                        || said.contains("authentication")
                        || said.contains("username can't be empty")
                        || said.contains("invalid username/password")
                        || said.contains("must provide --username")
                        || said.contains("401"),
                    "{access:?} {creds:?}: {}",
                    run.stderr
                );
            }
        }
    }
}

/// All pages of a tag list (relative `Link` headers), in the registry's order.
#[test]
fn skopeo_lists_every_page_of_tags() {
    let stand = Stand::paged_tags();
    let subject = stand.fixtures().tags();
    let (flow, api) = stand.view(&subject);
    assert!(flow.pages >= 3, "{} pages", flow.pages);
    let script = skopeo(&flow);
    let run = stand.run(Kind::Skopeo, &script, Creds::None);
    assert_output(&run, &expected_output(&subject, &api), &script);
}

/// GHCR's blobs answer 307 to a CDN: skopeo follows it (over TLS, the World's CA through
/// `SSL_CERT_FILE`) and the blob and a layer's listing still match.
#[test]
fn skopeo_fetches_blobs_through_a_redirect() {
    let stand = Stand::redirecting();
    let fixtures = stand.fixtures();
    for subject in [fixtures.blob(), fixtures.layer(), fixtures.image()] {
        check_view(&stand, &subject);
    }
}

/// Where the Mermaid parser lives, failing with the install command when it is missing.
fn mermaid_check() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../scripts/consumers");
    assert!(
        dir.join("node_modules/mermaid").is_dir(),
        "Mermaid's parser is not installed: npm ci --prefix scripts/consumers --no-audit \
         --no-fund"
    );
    dir.join("check-mermaid.mjs")
}

/// What Mermaid read from `source`: `{title, actors, messages}` (texts decoded).
fn parse_mermaid(source: &str) -> Value {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("diagram.mmd");
    std::fs::write(&file, source).unwrap();
    let out = Command::new("timeout")
        .args(["60", "node"])
        .arg(mermaid_check())
        .arg(&file)
        .output()
        .expect("node runs");
    assert!(
        out.status.success(),
        "Mermaid refused the diagram: {}\n{source}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("the checker prints JSON")
}

/// The arrows Mermaid read (notes left out: their type is 2), as `(from, to, text)`.
fn arrows(parsed: &Value) -> Vec<(String, String, String)> {
    parsed["messages"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m[3] != 2)
        .map(|m| {
            let s = |i: usize| m[i].as_str().unwrap_or_default().to_string();
            (s(0), s(1), s(2))
        })
        .collect()
}

/// Real traces (token stand: the token server's lane; the World: the CDN's) parse, with one
/// arrow per message of the shared diagram model.
#[test]
fn mermaid_reads_the_diagram_of_real_traces() {
    let token = Stand::start(Access::Token);
    let world = Stand::redirecting();
    let views = [
        (&token, token.fixtures().platform(1)),
        (&token, token.fixtures().tags()),
        (&world, world.fixtures().layer()),
    ];
    for (stand, subject) in views {
        let (flow, _) = stand.view(&subject);
        let source = mermaid::diagram(&flow);
        let parsed = parse_mermaid(&source);
        assert_eq!(parsed["type"], "sequence");
        let messages = lading_shared::reproduce::diagram::messages(&flow);
        let read = arrows(&parsed);
        assert_eq!(read.len(), messages.len(), "{source}");
        for (message, (_, _, text)) in messages.iter().zip(&read) {
            assert!(
                text.ends_with(&message.label),
                "{text:?} vs {:?}",
                message.label
            );
        }
        let actors = parsed["actors"].to_string();
        assert!(actors.contains("Registry"), "{actors}");
        if stand.token_server().is_some() {
            assert!(actors.contains("Token server"), "{actors}");
        } else {
            assert!(
                actors.contains("pkg-containers.githubusercontent.com"),
                "{actors}"
            );
        }
    }
}

/// Hostile URLs in a trace: Mermaid still reads exactly one arrow per exchange and its
/// answer, each text as the trace had it (control characters aside).
#[test]
fn mermaid_reads_hostile_urls_as_text() {
    let urls = [
        "http://evil.test:5000/v2/a;b/manifests/x#frag",
        "http://evil.test/v2/x\nparticipant X as pwned\nL->>X: hi",
        "http://evil.test/v2/%%{init: {'theme':'dark'}}%%",
        "http://evil.test/v2/<img src=x onerror=alert(1)>",
        "http://evil.test/v2/\"; rm -rf ~; \"/$(touch /tmp/x)&amp;#35;",
    ];
    let trace: Vec<Exchange> = urls
        .iter()
        .map(|url| Exchange {
            method: "GET".to_string(),
            url: url.to_string(),
            status: Some(404),
            purpose: ExchangePurpose::ManifestGet,
            ..Exchange::default()
        })
        .collect();
    let stand_subject = Subject::Tags {
        repository: lading_shared::reference::Repository {
            registry: "evil.test:5000".to_string(),
            repository: "a;b#c%%<x>".to_string(),
        },
    };
    let flow = Flow::new(stand_subject, &trace);
    let source = mermaid::diagram(&flow);
    let parsed = parse_mermaid(&source);
    let read = arrows(&parsed);
    assert_eq!(read.len(), 2 + 2 * urls.len(), "{source}\n{parsed}");
    for (i, url) in urls.iter().enumerate() {
        let (from, to, text) = &read[1 + 2 * i];
        assert_eq!((from.as_str(), to.as_str()), ("L", "R"));
        let path = url
            .splitn(4, '/')
            .nth(3)
            .unwrap_or_default()
            .replace('\n', "?");
        assert!(text.ends_with(&format!("/{path}")), "{text:?} vs {path:?}");
    }
    let actors: Vec<&str> = parsed["actors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a[0].as_str().unwrap())
        .collect();
    assert_eq!(actors, ["B", "L", "R"], "{source}");
}
