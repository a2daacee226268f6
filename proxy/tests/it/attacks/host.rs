//! Finding 5 (DNS rebinding): a page on the attacker's name, re-pointed at 127.0.0.1, sends
//! its own name as `Host`. Against the real binary, every name this instance does not serve
//! gets 421 on the API and on the app's page; localhost, IP literals and `--public-url`
//! pass; a rebinding page cannot post a download form nor, in local mode, read a private
//! image with the server's own credentials.

use std::path::Path;
use std::time::Duration;

use base64::Engine;
use lading_shared::layer::BLOB_PATH;
use lading_testkit::{LadingProcess, Registry, fixtures};
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const PUBLIC: &str = "lading.example";
/// An API route that answers without any upstream request (the registry is refused), and
/// one that does not exist: both behind the Host check.
const API: &[&str] = &["/api/image?ref=127.0.0.1:1/x", "/api/no-such-thing"];
/// The app's page and an asset path.
const PAGES: &[&str] = &["/", "/index.html", "/r/alpine"];
const ANSWER_WITHIN: Duration = Duration::from_secs(10);

fn lading(args: &[&str]) -> LadingProcess {
    LadingProcess::spawn(Path::new(env!("CARGO_BIN_EXE_lading")), args)
}

struct Answer {
    status: u16,
    body: String,
}

impl Answer {
    fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or(Value::Null)
    }
}

/// Sends `head` (request line and headers, without the blank line) and `body` as they are.
async fn send(to: &str, head: &str, body: &str) -> Answer {
    let mut stream = TcpStream::connect(to).await.unwrap();
    let request = format!("{head}\r\nConnection: close\r\n\r\n{body}");
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    tokio::time::timeout(ANSWER_WITHIN, stream.read_to_end(&mut answer))
        .await
        .expect("an answer in time")
        .unwrap();
    let answer = String::from_utf8_lossy(&answer).into_owned();
    let status = answer
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let body = answer
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap_or_default();
    Answer { status, body }
}

async fn get(to: &str, path: &str, host: Option<&str>) -> Answer {
    let host = host.map(|h| format!("\r\nHost: {h}")).unwrap_or_default();
    send(to, &format!("GET {path} HTTP/1.1{host}"), "").await
}

/// A 421: in the API's error shape on `/api/`, as plain words on a page a person opened.
fn assert_misdirected(answer: &Answer, what: &str) {
    assert_eq!(answer.status, 421, "{what}: {}", answer.body);
    match answer.json() {
        Value::Null => assert!(
            answer.body.starts_with("421 Misdirected Request\n\n"),
            "{what}: {}",
            answer.body
        ),
        json => assert_eq!(json["kind"], "misdirected_host", "{what}: {}", answer.body),
    }
}

/// Every forged name, on the API and on the app's page.
#[tokio::test(flavor = "multi_thread")]
async fn a_forged_host_is_misdirected_on_every_route() {
    let lading = lading(&["--public-url", &format!("https://{PUBLIC}")]);
    let to = lading.addr();
    let port = to.rsplit(':').next().unwrap();
    let forged = [
        "evil.example".to_string(),
        format!("evil.example:{port}"),
        format!("localhost.evil.example:{port}"),
        format!("127.0.0.1.nip.io:{port}"),
        format!("{PUBLIC}.evil.example"),
        "evil.example.".to_string(),
        "EVIL.EXAMPLE".to_string(),
        "app.localhost".to_string(),
        String::new(),
        "user@localhost".to_string(),
    ];
    for host in &forged {
        for path in API.iter().chain(PAGES) {
            let answer = get(to, path, Some(host)).await;
            assert_misdirected(&answer, &format!("Host {host:?} on {path}"));
            let json = !matches!(answer.json(), Value::Null);
            assert_eq!(json, path.starts_with("/api/"), "{path}: {}", answer.body);
        }
    }
    let answer = get(to, "/api/no-such-thing", Some("evil.example:8080")).await;
    let message = answer.json()["message"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert!(
        message.contains("--public-url http://evil.example:8080"),
        "the refusal says which flag to set: {message}"
    );
}

/// The request line and the Host header cannot disagree, nor be doubled, to smuggle a name.
#[tokio::test(flavor = "multi_thread")]
async fn a_host_hidden_in_the_request_line_is_misdirected() {
    let lading = lading(&[]);
    let to = lading.addr();
    let cases = [
        format!("GET http://evil.example/ HTTP/1.1\r\nHost: {to}"),
        format!(
            "GET http://evil.example:{}/api/no-such-thing HTTP/1.1\r\nHost: {to}",
            1
        ),
        format!("GET http://{to}/ HTTP/1.1\r\nHost: evil.example"),
        format!("GET http://localhost/ HTTP/1.1\r\nHost: {to}"),
        format!("GET / HTTP/1.1\r\nHost: {to}\r\nHost: evil.example"),
    ];
    for head in &cases {
        let answer = send(to, head, "").await;
        assert!(
            answer.status == 421 || answer.status == 400,
            "{head:?}: {} {}",
            answer.status,
            answer.body
        );
    }
    // Absolute form naming this server is fine (RFC 9112 says servers accept it).
    let answer = send(
        to,
        &format!("GET http://{to}/api/no-such-thing HTTP/1.1\r\nHost: {to}"),
        "",
    )
    .await;
    assert_eq!(answer.status, 400, "{}", answer.body);
}

/// localhost, IP literals and the public URL's name pass, in any case, with any port;
/// health answers whatever the name (load balancers probe it by theirs).
#[tokio::test(flavor = "multi_thread")]
async fn served_names_pass() {
    let lading = lading(&["--public-url", &format!("https://{PUBLIC}")]);
    let to = lading.addr();
    let port = to.rsplit(':').next().unwrap();
    let served = [
        to.to_string(),
        format!("localhost:{port}"),
        "LOCALHOST".to_string(),
        format!("[::1]:{port}"),
        "192.0.2.7:9000".to_string(),
        PUBLIC.to_string(),
        format!("{}.", PUBLIC.to_uppercase()),
    ];
    for host in &served {
        for path in API.iter().chain(PAGES) {
            let answer = get(to, path, Some(host)).await;
            assert_ne!(
                answer.status, 421,
                "Host {host:?} on {path}: {}",
                answer.body
            );
            assert!(answer.status > 0, "Host {host:?} on {path}: no answer");
        }
    }
    let answer = get(to, "/api/no-such-thing", None).await;
    assert_eq!(answer.status, 400, "HTTP/1.1 without Host is not a browser");
    for host in ["evil.example", "lb-probe.internal:8080"] {
        let answer = get(to, "/api/health", Some(host)).await;
        assert_eq!(answer.status, 200, "health for {host}");
    }
}

fn form_post(host: &str, origin: &str, form: &str) -> String {
    format!(
        "POST {BLOB_PATH} HTTP/1.1\r\nHost: {host}\r\nOrigin: {origin}\r\n\
         Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}",
        form.len()
    )
}

/// The download form: the rebinding page's post (its own name in Host and Origin) is
/// refused, and so is another site's post to the right host; the public URL's page passes.
#[tokio::test(flavor = "multi_thread")]
async fn a_download_form_from_another_name_is_refused() {
    let lading = lading(&["--public-url", &format!("https://{PUBLIC}")]);
    let to = lading.addr();
    let form = format!("ref=127.0.0.1:1/x&digest=sha256:{}", "0".repeat(64));
    let rebinding = form_post("evil.example", "http://evil.example", &form);
    assert_misdirected(&send(to, &rebinding, &form).await, "rebinding form post");
    let rebinding = form_post("evil.example:80", "http://evil.example:80", &form);
    assert_misdirected(
        &send(to, &rebinding, &form).await,
        "rebinding form post, port",
    );
    let cross_site = form_post(to, "http://evil.example", &form);
    let answer = send(to, &cross_site, &form).await;
    assert_eq!(
        (answer.status, &answer.json()["kind"]),
        (403, &"denied".into())
    );
    // Lading's own pages: the public URL behind a proxy that sends its own Host, and the
    // address itself. Both reach the handler (which refuses the loopback registry).
    for (host, origin) in [
        (to.to_string(), format!("https://{PUBLIC}")),
        (to.to_string(), format!("http://{to}")),
    ] {
        let answer = send(to, &form_post(&host, &origin, &form), &form).await;
        assert_eq!(
            answer.json()["kind"],
            "refused_host",
            "{origin}: {}",
            answer.body
        );
    }
}

/// Local mode: the server holds credentials for a private registry. The same request that
/// reads the private image from Lading's own page gets 421 from a rebinding page, before
/// any upstream request.
#[tokio::test(flavor = "multi_thread")]
async fn a_rebinding_page_cannot_read_with_the_servers_credentials() {
    const USER: &str = "alice";
    const PASSWORD: &str = "s3cret-rebinding";
    let registry = Registry::htpasswd(USER, PASSWORD);
    fixtures::push_oci_image(&registry.pusher(), "private/app", "v1").await;
    let config_dir = tempfile::tempdir().unwrap();
    let auth = base64::engine::general_purpose::STANDARD.encode(format!("{USER}:{PASSWORD}"));
    let config = serde_json::json!({ "auths": { registry.host(): { "auth": auth } } });
    std::fs::write(config_dir.path().join("config.json"), config.to_string()).unwrap();
    let lading = LadingProcess::spawn_with_env(
        Path::new(env!("CARGO_BIN_EXE_lading")),
        &[
            "--allow-host",
            "127.0.0.1",
            "--docker-config",
            config_dir.path().to_str().unwrap(),
        ],
        &[],
    );
    let to = lading.addr();
    let port = to.rsplit(':').next().unwrap();
    let reference = format!("{}/private/app:v1", registry.host());
    let path = format!(
        "/api/image?ref={}",
        url::form_urlencoded::byte_serialize(reference.as_bytes()).collect::<String>()
    );
    let own = get(to, &path, Some(to)).await;
    assert_eq!(
        own.status, 200,
        "the server's credentials work: {}",
        own.body
    );
    for host in [
        format!("evil.example:{port}"),
        format!("rebind.127.0.0.1.nip.io:{port}"),
    ] {
        let rebinding = get(to, &path, Some(&host)).await;
        assert_misdirected(&rebinding, &host);
        assert!(
            !rebinding.body.contains("sha256:"),
            "nothing of the image: {}",
            rebinding.body
        );
    }
}
