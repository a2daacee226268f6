//! The hostile side of the memory attacks: layers whose names expand to hundreds of MiB,
//! manifests naming a layer again and again, tag lists of junk, a registry serving them, and
//! a watch on the child's resident memory that stops it at the ceiling.

use std::collections::HashMap;
use std::io::{Read, Write};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use axum::Router;
use axum::extract::State;
use axum::http::{StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use lading_testkit::BackgroundServer;
use lading_testkit::fixtures::{Blob, media_types};
use serde_json::json;
use tar::{EntryType, Header};

/// One PAX record, `"<len> key=value\n"` (the length counts itself).
fn pax_record(key: &str, value: &[u8]) -> Vec<u8> {
    let rest = key.len() + value.len() + 3;
    let mut len = rest + 1;
    while len.to_string().len() + rest != len {
        len += 1;
    }
    let mut record = format!("{len} {key}=").into_bytes();
    record.extend_from_slice(value);
    record.push(b'\n');
    record
}

fn header(kind: EntryType, path: &str, size: u64) -> Header {
    let mut h = Header::new_ustar();
    h.set_entry_type(kind);
    h.set_path(path).unwrap();
    h.set_size(size);
    h.set_mode(0o644);
    h.set_mtime(1_704_164_645);
    h.set_cksum();
    h
}

/// A gzip layer written entry by entry through `gzip -9` (a debug flate2 deflates a few MiB a
/// second; these tars are hundreds of MiB and never held whole).
pub fn gzip_layer(write: impl FnOnce(&mut tar::Builder<&mut dyn Write>)) -> Blob {
    let mut child = Command::new("/usr/bin/gzip")
        .args(["-9", "-n", "-c"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("run gzip");
    let mut stdout = child.stdout.take().unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut out = Vec::new();
        stdout.read_to_end(&mut out).map(|_| out)
    });
    {
        let sink: &mut dyn Write = &mut stdin;
        let mut builder = tar::Builder::new(sink);
        write(&mut builder);
        builder.finish().expect("finish the tar");
    }
    drop(stdin);
    let bytes = reader.join().unwrap().expect("read gzip");
    assert!(child.wait().unwrap().success());
    Blob::new(media_types::OCI_LAYER_GZIP, bytes)
}

/// Appends one entry preceded by a PAX header holding `records`.
pub fn pax_entry(b: &mut tar::Builder<&mut dyn Write>, kind: EntryType, records: &[(&str, &[u8])]) {
    let body: Vec<u8> = records.iter().flat_map(|(k, v)| pax_record(k, v)).collect();
    b.append(
        &header(EntryType::XHeader, "pax", body.len() as u64),
        body.as_slice(),
    )
    .unwrap();
    b.append(&header(kind, "x", 0), &[][..]).unwrap();
}

/// Finding 2: one file whose name (a GNU long-name record) is 32 MiB; 32 KB compressed.
pub fn long_name_layer() -> Blob {
    gzip_layer(|b| {
        let name = vec![b'n'; 32 << 20];
        b.append(
            &header(EntryType::GNULongName, "././@LongLink", name.len() as u64),
            name.as_slice(),
        )
        .unwrap();
        b.append(&header(EntryType::Regular, "x", 0), &[][..])
            .unwrap();
    })
}

/// Finding 3: `count` symlinks whose path, target and owner names are PAX records of 240 KiB
/// each (~1 MiB of names per entry, just under one PAX header's cap).
pub fn owner_bomb_layer(count: usize) -> Blob {
    gzip_layer(|b| {
        let big = vec![b'o'; 240 << 10];
        for i in 0..count {
            let mut path = format!("{i:08}").into_bytes();
            path.extend_from_slice(&big);
            let records: [(&str, &[u8]); 4] = [
                ("path", &path),
                ("linkpath", &big),
                ("uname", &big),
                ("gname", &big),
            ];
            pax_entry(b, EntryType::Symlink, &records);
        }
    })
}

/// Every name as long as the caps allow (path and target 4096, owners 256 bytes): each entry
/// holds ~9 KiB, `count` of them past the per-layer cap when `count` > ~14,500.
pub fn at_cap_layer(count: usize) -> Blob {
    gzip_layer(|b| {
        let target = vec![b't'; 4096];
        let owner = vec![b'u'; 256];
        for i in 0..count {
            let path = format!("/{i:08}/{}", "p".repeat(4086));
            let records: [(&str, &[u8]); 4] = [
                ("path", path.as_bytes()),
                ("linkpath", &target),
                ("uname", &owner),
                ("gname", &owner),
            ];
            pax_entry(b, EntryType::Symlink, &records);
        }
    })
}

/// An ordinary small layer: `etc/` and a few files.
pub fn small_layer() -> Blob {
    gzip_layer(|b| {
        b.append(&header(EntryType::Directory, "etc/", 0), &[][..])
            .unwrap();
        for name in ["etc/hostname", "etc/motd", "etc/os-release"] {
            b.append(&header(EntryType::Regular, name, 3), &b"abc"[..])
                .unwrap();
        }
    })
}

/// A registry serving images (a manifest naming `layers` in order, duplicates allowed) and a
/// paged tag list, counting requests by path.
pub struct HostileRegistry {
    server: BackgroundServer,
    requests: Arc<Mutex<HashMap<String, usize>>>,
}

#[derive(Clone)]
struct Served {
    files: Arc<HashMap<String, (String, Bytes)>>,
    tag_pages: Arc<Vec<Bytes>>,
    requests: Arc<Mutex<HashMap<String, usize>>>,
}

impl HostileRegistry {
    /// `images`: (repository, layers bottom first); every image is tagged `latest`.
    pub fn start(images: &[(&str, Vec<&Blob>)], tag_pages: Vec<Bytes>) -> HostileRegistry {
        let mut files = HashMap::new();
        let config = Blob::json(
            media_types::OCI_CONFIG,
            &json!({"architecture": "amd64", "os": "linux", "rootfs": {"type": "layers", "diff_ids": []}}),
        );
        for (repo, layers) in images {
            let manifest = json!({
                "schemaVersion": 2,
                "mediaType": media_types::OCI_MANIFEST,
                "config": config.descriptor().to_json(),
                "layers": layers.iter().map(|l| l.descriptor().to_json()).collect::<Vec<_>>(),
            });
            let manifest = serde_json::to_vec(&manifest).unwrap();
            let path = format!("/v2/{repo}/manifests/latest");
            files.insert(path, (media_types::OCI_MANIFEST.into(), manifest.into()));
            for blob in layers.iter().copied().chain([&config]) {
                let path = format!("/v2/{repo}/blobs/{}", blob.digest());
                let bytes = Bytes::from(blob.bytes.clone());
                files.insert(path, ("application/octet-stream".into(), bytes));
            }
        }
        let requests = Arc::new(Mutex::new(HashMap::new()));
        let served = Served {
            files: Arc::new(files),
            tag_pages: Arc::new(tag_pages),
            requests: requests.clone(),
        };
        let router = Router::new().fallback(answer).with_state(served);
        HostileRegistry {
            server: BackgroundServer::start("hostile-registry", router),
            requests,
        }
    }

    pub fn host(&self) -> String {
        self.server.addr().to_string()
    }

    /// GETs of `path` so far.
    pub fn requests(&self, path: &str) -> usize {
        self.requests
            .lock()
            .unwrap()
            .get(path)
            .copied()
            .unwrap_or(0)
    }
}

async fn answer(State(served): State<Served>, uri: Uri) -> Response {
    let path = uri.path().to_string();
    *served
        .requests
        .lock()
        .unwrap()
        .entry(path.clone())
        .or_default() += 1;
    if path == "/v2/" {
        return "{}".into_response();
    }
    if path.ends_with("/tags/list") {
        let page: usize = uri
            .query()
            .and_then(|q| q.split('&').find_map(|p| p.strip_prefix("page=")))
            .and_then(|n| n.parse().ok())
            .unwrap_or(0);
        let Some(body) = served.tag_pages.get(page) else {
            return StatusCode::NOT_FOUND.into_response();
        };
        let mut response =
            ([(header::CONTENT_TYPE, "application/json")], body.clone()).into_response();
        if page + 1 < served.tag_pages.len() {
            let link = format!("<{path}?page={}>; rel=\"next\"", page + 1);
            response
                .headers_mut()
                .insert(header::LINK, link.parse().unwrap());
        }
        return response;
    }
    match served.files.get(&path) {
        Some((content_type, bytes)) => (
            [(header::CONTENT_TYPE, content_type.clone())],
            bytes.clone(),
        )
            .into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

/// Watches a process's resident memory; past `kill_kib` it kills it at once (a build without
/// the caps would otherwise take the machine's memory), and reports the peak.
pub struct RssWatch {
    pid: u32,
    stop: Arc<AtomicBool>,
    killed_at: Arc<AtomicU64>,
    thread: Option<JoinHandle<()>>,
}

/// `VmHWM` (peak) or `VmRSS` of `pid`, in KiB.
pub fn status_kib(pid: u32, field: &str) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix(field))
        .and_then(|v| {
            v.trim_start_matches(':')
                .trim()
                .trim_end_matches("kB")
                .trim()
                .parse()
                .ok()
        })
        .unwrap_or(0)
}

impl RssWatch {
    pub fn start(pid: u32, kill_kib: u64) -> RssWatch {
        let stop = Arc::new(AtomicBool::new(false));
        let killed_at = Arc::new(AtomicU64::new(0));
        let (stopping, killed) = (stop.clone(), killed_at.clone());
        let thread = std::thread::spawn(move || {
            while !stopping.load(Ordering::Relaxed) {
                let rss = status_kib(pid, "VmRSS");
                if rss > kill_kib {
                    let _ = Command::new("kill").args(["-9", &pid.to_string()]).status();
                    killed.store(rss, Ordering::Relaxed);
                    return;
                }
                std::thread::sleep(Duration::from_millis(10));
            }
        });
        RssWatch {
            pid,
            stop,
            killed_at,
            thread: Some(thread),
        }
    }

    /// Panics if the watch had to kill the process (an answer that broke off says why).
    pub fn check(&self, what: &str) {
        let killed = self.killed_at.load(Ordering::Relaxed);
        assert!(
            killed == 0,
            "{what}: lading reached {} MiB of resident memory and was stopped",
            killed >> 10
        );
    }

    /// The peak resident memory in KiB; panics if the watch had to kill the process.
    pub fn finish(mut self, what: &str) -> u64 {
        let peak = status_kib(self.pid, "VmHWM");
        self.stop.store(true, Ordering::Relaxed);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
        let killed = self.killed_at.load(Ordering::Relaxed);
        assert!(
            killed == 0,
            "{what}: lading reached {} MiB of resident memory and was stopped",
            killed >> 10
        );
        eprintln!("{what}: peak RSS {} MiB", peak >> 10);
        peak
    }
}
