use std::process::Command;

use super::*;
use crate::api::{Exchange, ExchangePurpose, Header};
use crate::digest::Digest;
use crate::reference::{Reference, Repository};
use crate::reproduce::test_support::assert_sh_parses;
use crate::reproduce::{ImageTarget, Subject};

const HEX_A: &str = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
const HEX_B: &str = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";
/// A password and a token as a trace could hold them, were it not redacted.
const PASSWORD: &str = "pw-Zq7$x y:z";
const TOKEN: &str = "eyJ-token-never-in-a-script";
const ACCEPT: &str = "application/vnd.oci.image.index.v1+json, application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json";

fn digest(hex: &str) -> Digest {
    Digest::parse(&format!("sha256:{hex}")).unwrap()
}

fn image(platform: bool) -> ImageTarget {
    ImageTarget {
        reference: Reference::parse("r.example/team/app:v1").unwrap(),
        platform: platform.then(|| digest(HEX_A)),
    }
}

fn every_subject() -> Vec<Subject> {
    let repository = Repository::parse("r.example/team/app").unwrap();
    vec![
        Subject::Manifest(image(false)),
        Subject::Manifest(image(true)),
        Subject::Tags { repository },
        Subject::Catalog {
            registry: "r.example".into(),
            namespace: None,
        },
        Subject::Catalog {
            registry: "r.example".into(),
            namespace: Some("team".into()),
        },
        Subject::Catalog {
            registry: "docker.io".into(),
            namespace: Some("library".into()),
        },
        Subject::Layer {
            image: image(true),
            layer: digest(HEX_B),
        },
        Subject::File {
            image: image(false),
            layer: digest(HEX_B),
            path: "/etc/os-release".into(),
        },
        Subject::Blob {
            image: image(true),
            digest: digest(HEX_B),
        },
        Subject::Export { image: image(true) },
    ]
}

fn exchange(purpose: ExchangePurpose, method: &str, url: &str, status: u16) -> Exchange {
    Exchange {
        method: method.into(),
        url: url.into(),
        status: Some(status),
        purpose,
        ..Exchange::default()
    }
}

fn header(name: &str, value: &str) -> Header {
    Header {
        name: name.into(),
        value: value.into(),
    }
}

/// A token registry's trace, with the secrets left in (the real trace redacts them).
fn bearer_trace() -> Vec<Exchange> {
    let mut ping = exchange(ExchangePurpose::Ping, "GET", "https://r.example/v2/", 401);
    ping.response_headers = vec![header(
        "WWW-Authenticate",
        r#"Bearer realm="https://auth.r.example/token",service="r.example""#,
    )];
    let mut token = exchange(
        ExchangePurpose::Token,
        "GET",
        "https://auth.r.example/token?service=r.example&scope=repository%3Ateam%2Fapp%3Apull&account=me",
        200,
    );
    token.request_headers = vec![header("Authorization", "Basic bWU6cHctWnE3JHggeTp6")];
    let mut head = exchange(
        ExchangePurpose::ManifestHead,
        "HEAD",
        "https://r.example/v2/team/app/manifests/v1",
        200,
    );
    head.request_headers = vec![
        header("Accept", ACCEPT),
        header("Authorization", &format!("Bearer {TOKEN}")),
    ];
    let redirect = exchange(
        ExchangePurpose::Redirect,
        "GET",
        &format!("https://cdn.example/blob?sig={TOKEN}"),
        200,
    );
    vec![ping, token, head, redirect]
}

/// shellcheck as POSIX sh (`scripts/setup.sh` installs it; a missing one fails loudly).
fn shellcheck(script: &str) {
    let mut child = Command::new("shellcheck")
        .args(["-s", "sh", "-S", "warning", "-"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("shellcheck is missing: apt-get install shellcheck (scripts/setup.sh does)");
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(script.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "shellcheck:\n{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

#[test]
fn every_view_parses_as_posix_sh() {
    for subject in every_subject() {
        for trace in [Vec::new(), bearer_trace()] {
            let text = script(&Flow::new(subject.clone(), &trace));
            assert!(text.starts_with("#!/bin/sh\n"), "{text}");
            assert_sh_parses(&text);
            shellcheck(&text);
            assert!(text.ends_with("\nfinish\n"));
        }
    }
}

#[test]
fn the_exact_scope_and_accept_list_are_used() {
    for subject in every_subject() {
        let flow = Flow::new(subject.clone(), &bearer_trace());
        let text = script(&flow);
        if matches!(&subject, Subject::Catalog { registry, namespace: Some(_) } if registry == "docker.io")
        {
            assert!(text.contains("HUB='https://hub.docker.com'"), "{text}");
            assert!(text.contains("POST \"$HUB/v2/auth/token\""));
            continue;
        }
        assert!(
            text.contains("SCOPE='repository:team/app:pull'\n"),
            "{subject:?}"
        );
        assert!(text.contains("REGISTRY='https://r.example'\n"));
        if subject.image().is_some() {
            assert!(text.contains(&format!("ACCEPT='{ACCEPT}'\n")), "{text}");
            assert!(text.contains("HEAD_FIRST='yes'\n"));
        }
    }
    let catalog = Subject::Catalog {
        registry: "r.example".into(),
        namespace: None,
    };
    let text = script(&Flow::new(catalog, &[]));
    assert!(text.contains("SCOPE='registry:catalog:*'\n"), "{text}");
    assert!(!text.contains("HEAD_FIRST"));
}

#[test]
fn no_credential_or_token_is_inlined() {
    for subject in every_subject() {
        let hub = matches!(&subject, Subject::Catalog { registry, .. } if registry == "docker.io");
        let flow = Flow::new(subject, &bearer_trace());
        assert!(flow.credentials);
        let text = script(&flow);
        for secret in [PASSWORD, TOKEN, "bWU6cHctWnE3JHggeTp6", "sig="] {
            assert!(!text.contains(secret), "{secret} in\n{text}");
        }
        assert!(text.contains("$REGISTRY_PASSWORD") || text.contains("env.REGISTRY_PASSWORD"));
        // The view was made with credentials: the script asks for them (the Hub's web API
        // is a separate sign-in, optional).
        assert_eq!(text.contains("have_credentials || fail"), !hub, "{text}");
    }
}

#[test]
fn a_view_made_anonymously_uses_credentials_only_when_set() {
    let text = script(&Flow::new(Subject::Manifest(image(false)), &[]));
    assert!(!text.contains("have_credentials || fail \"this view"));
    assert!(text.contains("Optional: used when set"));
}

/// A hostile reference and path: quoted, they are data. The script runs for real (against
/// a closed port, so it fails at the ping) and must not run any of them.
#[test]
fn hostile_values_never_become_code() {
    let marker = std::env::temp_dir().join(format!("lading-sh-hostile-{}", std::process::id()));
    let m = marker.display().to_string();
    let hostile = [
        format!("'$(touch {m})'"),
        format!("\"; touch {m}; \""),
        format!("x\ntouch {m}\n#"),
        format!("`touch {m}`"),
    ];
    for value in &hostile {
        let reference = Reference {
            registry: "127.0.0.1:9".into(),
            repository: value.clone(),
            tag: Some(value.clone()),
            digest: None,
        };
        let target = ImageTarget {
            reference,
            platform: None,
        };
        let subjects = [
            Subject::File {
                image: target.clone(),
                layer: digest(HEX_B),
                path: value.clone(),
            },
            Subject::Export {
                image: target.clone(),
            },
            Subject::Catalog {
                registry: "127.0.0.1:9".into(),
                namespace: Some(value.clone()),
            },
            Subject::Catalog {
                registry: "docker.io".into(),
                namespace: Some(value.clone()),
            },
        ];
        for subject in subjects {
            let mut flow = Flow::new(subject, &[]);
            // Never the Hub itself from a test: a closed local port instead.
            flow.base_url = "http://127.0.0.1:9".into();
            let text = script(&flow).replace("https://hub.docker.com", "http://127.0.0.1:9");
            assert_sh_parses(&text);
            let out = Command::new("/bin/sh")
                .args(["-c", &text])
                .env_remove("REGISTRY_USER")
                .output()
                .expect("run the script");
            assert!(!out.status.success());
            assert!(out.stdout.is_empty(), "stdout on failure");
            assert!(!marker.exists(), "a hostile value ran:\n{text}");
        }
    }
}

#[test]
fn the_header_names_what_it_needs_and_prints() {
    let subject = Subject::Layer {
        image: image(true),
        layer: digest(HEX_B),
    };
    let text = script(&Flow::new(subject, &bearer_trace()));
    for needed in [
        "curl, jq, sha256sum",
        "REGISTRY_USER",
        "REGISTRY_PASSWORD",
        "CURL_CA_BUNDLE",
        "zstd",
        "one path per line",
        "Bearer: tokens from https://auth.r.example/token",
        "blobs were redirected to cdn.example",
    ] {
        assert!(text.contains(needed), "{needed} missing from\n{text}");
    }
}

#[test]
fn scripts_stay_small_enough_to_read() {
    for subject in every_subject() {
        let text = script(&Flow::new(subject.clone(), &bearer_trace()));
        assert!(
            text.lines().count() < 600,
            "{subject:?}: {}",
            text.lines().count()
        );
    }
}
