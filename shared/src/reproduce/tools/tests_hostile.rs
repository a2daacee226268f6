//! Hostile names never become code: the snippets are run by `sh` with stand-in tools that
//! record their arguments, and a payload that would create a marker file must arrive as one
//! plain argument instead.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use super::tests::{assert_sh_parses, flow};
use super::*;
use crate::reproduce::{ImageTarget, Subject};

const LAYER: &str = "sha256:3333333333333333333333333333333333333333333333333333333333333333";

/// A temporary directory, removed on drop.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Scratch {
        let dir = std::env::temp_dir().join(format!(
            "lading-tools-{name}-{}-{:?}",
            std::process::id(),
            std::thread::current().id()
        ));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(dir.join("bin")).unwrap();
        fs::create_dir_all(dir.join("work")).unwrap();
        Scratch(dir)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

/// Values that would run `touch MARK` if they reached the shell unquoted (`MARK` is
/// replaced by the scratch directory's marker path).
fn payloads() -> Vec<String> {
    vec![
        "'$(touch MARK)'".to_string(),
        "\"; touch MARK; \"".to_string(),
        "`touch MARK`".to_string(),
        "x\ntouch MARK\n".to_string(),
        "a'b;touch MARK #".to_string(),
    ]
}

/// An image whose repository and tag are `payload` (as a deserialised view could carry:
/// `Reference`'s fields are not re-validated).
fn hostile_image(payload: &str) -> ImageTarget {
    ImageTarget {
        reference: Reference {
            registry: "localhost:5000".to_string(),
            repository: format!("lading/{payload}"),
            tag: Some(payload.to_string()),
            digest: None,
        },
        platform: None,
    }
}

fn hostile_subjects(payload: &str) -> Vec<Subject> {
    let image = hostile_image(payload);
    let layer = Digest::parse(LAYER).unwrap();
    vec![
        Subject::Manifest(image.clone()),
        Subject::Tags {
            repository: image.reference.repository(),
        },
        Subject::Catalog {
            registry: format!("localhost:5000{payload}"),
            namespace: None,
        },
        Subject::Layer {
            image: image.clone(),
            layer: layer.clone(),
        },
        Subject::File {
            image: image.clone(),
            layer: layer.clone(),
            path: format!("/etc/{payload}"),
        },
        Subject::Blob {
            image: image.clone(),
            digest: layer,
        },
        Subject::Export { image },
    ]
}

/// Stand-ins for the five tools: each appends its arguments to `args.log`, one per record.
fn install_stubs(bin: &Path, log: &Path) {
    for tool in ["crane", "regctl", "skopeo", "oras", "docker"] {
        let path = bin.join(tool);
        let script = format!(
            "#!/bin/sh\nfor a in \"$@\"; do printf '%s\\036' \"$a\" >> '{}'; done\n\
             printf '\\035' >> '{}'\nexit 0\n",
            log.display(),
            log.display()
        );
        fs::write(&path, script).unwrap();
        Command::new("chmod").arg("+x").arg(&path).status().unwrap();
    }
}

#[test]
fn hostile_names_reach_the_tools_as_single_arguments() {
    let scratch = Scratch::new("hostile");
    let bin = scratch.0.join("bin");
    let log = scratch.0.join("args.log");
    let mark = scratch.0.join("pwned");
    install_stubs(&bin, &log);
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    for payload in payloads() {
        let payload = payload.replace("MARK", &mark.display().to_string());
        for subject in hostile_subjects(&payload) {
            for credentials in [false, true] {
                let flow = flow(subject.clone(), credentials);
                for reproduction in commands(&flow) {
                    let Ok(text) = reproduction.text else {
                        continue;
                    };
                    let what = format!("{:?} {subject:?}", reproduction.kind);
                    // Comments stay comments: a newline in a name cannot end one.
                    let header = text.lines().take_while(|l| l.starts_with('#')).count();
                    assert!(header >= 1, "{what}\n{text}");
                    assert!(
                        !text.lines().nth(header).unwrap_or("").starts_with("touch"),
                        "{what}\n{text}"
                    );
                    assert_sh_parses(&text);
                    let _ = fs::remove_file(&log);
                    let script = scratch.0.join("snippet.sh");
                    fs::write(&script, &text).unwrap();
                    let status = Command::new("sh")
                        .arg(&script)
                        .current_dir(scratch.0.join("work"))
                        .env("PATH", &path)
                        .env("HOME", &scratch.0)
                        .env("REGISTRY_USER", "user")
                        .env("REGISTRY_PASSWORD", "pass")
                        .output()
                        .unwrap();
                    assert!(!mark.exists(), "{what} ran the payload\n{text}\n{status:?}");
                    let args = fs::read_to_string(&log).unwrap_or_default();
                    let args: Vec<&str> = args.split(['\u{1e}', '\u{1d}']).collect();
                    let whole = |needle: &str| args.iter().any(|a| a.contains(needle));
                    assert!(
                        whole(&payload),
                        "{what}: {payload:?} not one argument\n{args:?}"
                    );
                }
            }
        }
    }
}

/// The brief's own values (not run: the run above uses the same shapes with a marker).
#[test]
fn the_brief_hostile_values_parse_as_quoted_words() {
    for payload in ["'$(touch /tmp/x)'", "\"; rm -rf ~; \"", "a\nb"] {
        for subject in hostile_subjects(payload) {
            for reproduction in commands(&flow(subject, true)) {
                if let Ok(text) = reproduction.text {
                    assert_sh_parses(&text);
                    let quoted = quote(payload);
                    assert!(quoted.starts_with('\''), "{quoted}");
                }
            }
        }
    }
}

/// The crane/oras/skopeo way of reading one file: the entry's own spelling looked up in
/// the listing, then extracted — run on a real tar whose entry has a hostile name.
#[test]
fn a_file_with_a_hostile_name_is_extracted_by_its_own_name() {
    let scratch = Scratch::new("extract");
    // Relative to the working directory: a file name holds no `/`.
    let mark = scratch.0.join("work").join("pwned");
    let name = "x'$(touch pwned)\"; `touch pwned` $HOME";
    let tree = scratch.0.join("tree");
    fs::create_dir_all(tree.join("etc")).unwrap();
    fs::write(tree.join("etc").join(name), b"the bytes\n").unwrap();
    let layer = scratch.0.join("work").join("layer.tar.gz");
    let made = Command::new("tar")
        .arg("-czf")
        .arg(&layer)
        .arg("-C")
        .arg(&tree)
        .arg("./etc")
        .status()
        .unwrap();
    assert!(made.success());
    let steps = blob::extract("layer.tar.gz", &format!("/etc/{name}")).unwrap();
    let script = chain(String::new(), &steps);
    let out = Command::new("sh")
        .arg("-c")
        .arg(&script)
        .current_dir(scratch.0.join("work"))
        .output()
        .unwrap();
    assert!(!mark.exists(), "{script}");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(out.stdout, b"the bytes\n");
}

#[test]
fn a_path_with_a_newline_has_no_listing_lookup() {
    let why = blob::extract("f", "/etc/a\nb").unwrap_err();
    assert!(why.contains("control character"), "{why}");
}
