//! The generator checked without a registry: every view's script parses, holds the
//! trace's exact scope and Accept list, no credential, and hostile values only as data.
//! (Scripts are run for real in `proxy/tests/it/reproduce/python.rs`.)

use std::io::Write as _;
use std::process::{Command, Stdio};

use super::*;
use crate::api::{Exchange, ExchangePurpose, Header};
use crate::digest::Digest;
use crate::reference::{Reference, Repository};
use crate::reproduce::{Flow, ImageTarget, Subject};

const SECRET_TOKEN: &str = "eyJ-the-token-from-the-trace";
const SECRET_PASSWORD: &str = "hunter2-password";
const HOSTILE: [&str; 7] = [
    "'$(touch /tmp/x)'",
    "\"; rm -rf ~; \"",
    "line one\nimport os; os.system('touch /tmp/x')\n",
    "\"\"\" + __import__('os').system('id') + \"\"\"",
    "back\\slash\\\" and \\x41 and \\u0041 {braces} %s",
    "nul\0 esc\x1b del\x7f bell\x07 cr\r tab\t",
    "unicode: é \u{2028} \u{202e} 😀",
];

/// Runs `python3 -c CODE` with `input` on stdin: (success, stdout).
pub(super) fn python(code: &str, input: &[u8]) -> (bool, Vec<u8>, String) {
    let mut child = Command::new("python3")
        .args(["-c", code])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("python3 is installed");
    child.stdin.take().unwrap().write_all(input).unwrap();
    let out = child.wait_with_output().unwrap();
    (
        out.status.success(),
        out.stdout,
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[track_caller]
fn assert_parses(script: &str) {
    // The oldest Python the scripts promise (3.9) must parse them too.
    let (ok, _, err) = python(
        "import ast,sys; ast.parse(sys.stdin.read(), feature_version=(3, 9))",
        script.as_bytes(),
    );
    assert!(ok, "the script does not parse:\n{err}\n{script}");
}

/// The value Python sees for the top-level constant `name` (a literal, or the `ACCEPT`
/// join of literals: evaluated alone, without the script's names).
fn constant(script: &str, name: &str) -> Option<Vec<u8>> {
    let code = format!(
        "import ast,sys\n\
         for node in ast.parse(sys.stdin.read()).body:\n    \
             if isinstance(node, ast.Assign) and getattr(node.targets[0], 'id', '') == {name:?}:\n        \
                 value = eval(compile(ast.Expression(node.value), 'c', 'eval'), {{}})\n        \
                 sys.stdout.buffer.write(value.encode('utf-8'))\n"
    );
    let (ok, out, err) = python(&code, script.as_bytes());
    assert!(ok, "{err}");
    (!out.is_empty()).then_some(out)
}

fn header(name: &str, value: &str) -> Header {
    Header {
        name: name.into(),
        value: value.into(),
    }
}

fn exchange(method: &str, url: &str, status: u16, purpose: ExchangePurpose) -> Exchange {
    Exchange {
        method: method.into(),
        url: url.into(),
        status: Some(status),
        purpose,
        ..Exchange::default()
    }
}

/// A token-auth trace as lading records it: ping, challenge, token (with credentials), HEAD.
fn bearer_trace(scope: &str) -> Vec<Exchange> {
    let mut ping = exchange("GET", "https://reg.example/v2/", 401, ExchangePurpose::Ping);
    ping.response_headers.push(header(
        "www-authenticate",
        r#"Bearer realm="https://auth.example/token",service="reg.example""#,
    ));
    let mut token = exchange(
        "GET",
        &format!("https://auth.example/token?service=reg.example&scope={scope}"),
        200,
        ExchangePurpose::Token,
    );
    token
        .request_headers
        .push(header("authorization", &format!("Basic {SECRET_PASSWORD}")));
    let mut head = exchange(
        "HEAD",
        "https://reg.example/v2/x/manifests/latest",
        200,
        ExchangePurpose::ManifestHead,
    );
    head.request_headers.push(header(
        "accept",
        "application/vnd.oci.image.manifest.v1+json, application/x-test+json",
    ));
    head.request_headers
        .push(header("authorization", &format!("Bearer {SECRET_TOKEN}")));
    vec![ping, token, head]
}

fn digest(n: u8) -> Digest {
    Digest::sha256(&[n])
}

fn target(reference: &str, platform: Option<Digest>) -> ImageTarget {
    ImageTarget {
        reference: Reference::parse(reference).unwrap(),
        platform,
    }
}

fn every_subject() -> Vec<Subject> {
    let image = || target("reg.example/team/app:v1", None);
    vec![
        Subject::Manifest(image()),
        Subject::Manifest(target("reg.example/team/app:v1", Some(digest(1)))),
        Subject::Tags {
            repository: Repository::parse("reg.example/team/app").unwrap(),
        },
        Subject::Catalog {
            registry: "reg.example".into(),
            namespace: None,
        },
        Subject::Catalog {
            registry: "docker.io".into(),
            namespace: Some("library".into()),
        },
        Subject::Layer {
            image: image(),
            layer: digest(2),
        },
        Subject::File {
            image: image(),
            layer: digest(2),
            path: "/etc/os-release".into(),
        },
        Subject::Blob {
            image: target("reg.example/team/app:v1", Some(digest(1))),
            digest: digest(3),
        },
        Subject::Export { image: image() },
    ]
}

#[test]
fn every_view_compiles_with_the_exact_scope_and_accept_and_no_secret() {
    let scope = "repository:team/app:pull";
    for subject in every_subject() {
        let flow = Flow::new(subject.clone(), &bearer_trace(scope));
        let script = script(&flow);
        assert_parses(&script);
        assert!(!script.contains(SECRET_TOKEN), "{subject:?}");
        assert!(!script.contains(SECRET_PASSWORD), "{subject:?}");
        assert!(script.contains("REGISTRY_USER") && script.contains("REGISTRY_PASSWORD"));
        if let Subject::Catalog {
            namespace: Some(_), ..
        } = subject
        {
            assert_eq!(constant(&script, "NAMESPACE").unwrap(), b"library");
            assert!(script.contains("https://hub.docker.com"));
            continue;
        }
        assert_eq!(
            constant(&script, "SCOPE").unwrap(),
            scope.as_bytes(),
            "{subject:?}"
        );
        assert_eq!(
            constant(&script, "REGISTRY_API").unwrap(),
            b"https://reg.example"
        );
        if subject.image().is_some() {
            assert_eq!(
                constant(&script, "ACCEPT").unwrap(),
                b"application/vnd.oci.image.manifest.v1+json, application/x-test+json",
                "{subject:?}"
            );
            assert!(script.contains("HEAD_FIRST = True"));
        }
    }
}

#[test]
fn imports_come_once_at_the_top() {
    for subject in every_subject() {
        let script = script(&Flow::new(subject, &[]));
        let imports: Vec<&str> = script
            .lines()
            .filter(|l| l.starts_with("import ") || l.starts_with("from "))
            .collect();
        let mut unique = imports.clone();
        unique.dedup();
        assert_eq!(imports, unique);
        let last_import = script.rfind("\nimport ").unwrap();
        assert!(last_import < script.find("\ndef ").unwrap());
        assert!(!script.contains("\n\n\n\n"), "{script}");
    }
}

#[test]
fn py_str_makes_hostile_values_data() {
    for value in HOSTILE {
        let literal = py_str(value);
        assert!(literal.is_ascii(), "{literal}");
        assert!(!literal.contains('\n'), "{literal}");
        let (ok, out, err) = python(
            "import ast,sys; sys.stdout.buffer.write(ast.literal_eval(sys.stdin.read()).encode('utf-8'))",
            literal.as_bytes(),
        );
        assert!(ok, "{literal}: {err}");
        assert_eq!(out, value.as_bytes(), "{literal}");
    }
    assert_eq!(py_str("a\"b\\c\n"), r#""a\"b\\c\n""#);
    assert_eq!(py_str("é😀"), r#""\u00e9\U0001f600""#);
}

#[test]
fn hostile_view_values_stay_data() {
    // No Call of `system` or `__import__` may appear anywhere in the parsed script.
    let no_injected_call = "import ast,sys\n\
        tree = ast.parse(sys.stdin.read())\n\
        for node in ast.walk(tree):\n    \
            if isinstance(node, ast.Call):\n        \
                name = getattr(node.func, 'attr', getattr(node.func, 'id', ''))\n        \
                assert name not in ('system', '__import__'), ast.dump(node)\n";
    for value in HOSTILE {
        let subjects = [
            Subject::File {
                image: target("reg.example/team/app:v1", None),
                layer: digest(2),
                path: value.to_string(),
            },
            Subject::Catalog {
                registry: value.to_string(),
                namespace: None,
            },
            Subject::Catalog {
                registry: "docker.io".into(),
                namespace: Some(value.to_string()),
            },
        ];
        for subject in subjects {
            let mut trace = bearer_trace(value);
            trace[0].url = format!("https://reg.example/{value}/v2/");
            let script = script(&Flow::new(subject.clone(), &trace));
            assert_parses(&script);
            let (ok, _, err) = python(no_injected_call, script.as_bytes());
            assert!(ok, "{subject:?}: {err}");
            if let Subject::File { .. } = subject {
                assert_eq!(constant(&script, "PATH").unwrap(), value.as_bytes());
            }
        }
    }
}

#[test]
fn credentials_are_required_only_when_the_view_used_them() {
    let subject = Subject::Tags {
        repository: Repository::parse("reg.example/team/app").unwrap(),
    };
    let with = script(&Flow::new(
        subject.clone(),
        &bearer_trace("repository:team/app:pull"),
    ));
    assert!(with.contains("CREDENTIALS_REQUIRED = True"));
    assert!(with.contains("(required: the view was made with credentials)"));
    let without = script(&Flow::new(subject, &[]));
    assert!(without.contains("CREDENTIALS_REQUIRED = False"));
    assert!(without.contains("(optional: used when set)"));
}

#[test]
fn the_helpers_name_the_contract_variables() {
    assert_eq!(crate::reproduce::USER_VAR, "REGISTRY_USER");
    assert_eq!(crate::reproduce::PASSWORD_VAR, "REGISTRY_PASSWORD");
    assert!(
        Part::Auth
            .text()
            .contains("os.environ.get(\"REGISTRY_USER\"")
    );
    assert!(
        Part::Auth
            .text()
            .contains("os.environ.get(\"REGISTRY_PASSWORD\"")
    );
}

/// pyflakes finds no undefined or unused name in any view's script (`scripts/setup.sh`
/// installs it; a missing one fails loudly).
#[test]
fn every_script_is_clean_under_pyflakes() {
    let (present, _, _) = python("import pyflakes", b"");
    assert!(
        present,
        "pyflakes is missing for python3: apt-get install python3-pyflakes (scripts/setup.sh does)"
    );
    let mut problems = String::new();
    for subject in every_subject() {
        let script = script(&Flow::new(
            subject.clone(),
            &bearer_trace("repository:a:pull"),
        ));
        let (ok, out, err) = python(
            "import sys; from pyflakes.api import check; from pyflakes.reporter import Reporter; \
             sys.exit(1 if check(sys.stdin.read(), 'script.py', Reporter(sys.stdout, sys.stdout)) else 0)",
            script.as_bytes(),
        );
        if !ok {
            problems.push_str(&format!(
                "{subject:?}:\n{}{err}\n",
                String::from_utf8_lossy(&out)
            ));
        }
    }
    assert!(problems.is_empty(), "{problems}");
}
