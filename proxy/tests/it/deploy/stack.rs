//! The deployment under test: a docker-registry, two `lading` processes and Debian's nginx in
//! front of them with scripts/deploy's configuration, all on loopback; and what each says
//! happened: nginx's access log (cache status, which instance) and the instances' own
//! request logs (tower-http's span of every request they started).

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use lading_testkit::nginx::Nginx;
use lading_testkit::{LadingProcess, Registry};
use reqwest::header::HeaderMap;

/// The files a person deploys, read at build time: the suite runs exactly those.
const SITE_CONF: &str = include_str!("../../../../scripts/deploy/lading.conf");
const MAIN_CONF: &str = include_str!("../../../../scripts/deploy/standalone.conf");
/// The instances log one line per request they start (tower-http's span), and little else.
const INSTANCE_LOG: &str = "warn,tower_http::trace=debug";
/// What an instance logs when a request reaches it.
const STARTED: &str = "started processing request";
/// Other processes write their logs after answering: how long a line may take to appear.
const LOG_WAIT: Duration = Duration::from_secs(10);
/// One request through the stack, a debug build listing a 64 MiB layer included.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(300);
const POLL: Duration = Duration::from_millis(20);

pub struct Stack {
    pub registry: Registry,
    pub instances: [LadingProcess; 2],
    pub nginx: Nginx,
    client: reqwest::Client,
    markers: AtomicUsize,
}

/// One answer, read whole.
pub struct Reply {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl Reply {
    /// nginx's `X-Cache-Status` (HIT, MISS, BYPASS), "" when it sent none.
    pub fn cache_status(&self) -> &str {
        self.header("x-cache-status")
    }

    pub fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
    }

    pub fn json<T: serde::de::DeserializeOwned>(&self) -> T {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| {
            panic!(
                "{e}: {} {}",
                self.status,
                String::from_utf8_lossy(&self.body)
            )
        })
    }
}

/// One line of nginx's access log (`log_format lading_upstream`).
#[derive(Debug, Clone)]
pub struct AccessLine {
    pub method: String,
    pub uri: String,
    pub cache: String,
    /// The instance's address, "-" when nginx answered alone.
    pub upstream: String,
}

impl Stack {
    /// A plain registry, two instances allowed to reach it, nginx in front.
    pub fn start() -> Stack {
        let registry = Registry::plain();
        let host = registry.host();
        let args = ["--allow-host", host.as_str(), "--trust-forwarded-for"];
        let env = [("LADING_LOG", INSTANCE_LOG)];
        let bin = crate::lading_bin();
        let instances = [
            LadingProcess::spawn_with_env(&bin, &args, &env),
            LadingProcess::spawn_with_env(&bin, &args, &env),
        ];
        let upstreams = [instances[0].addr(), instances[1].addr()];
        let nginx = Nginx::start(lading_shared::api::HEALTH_PATH, |listen, prefix| {
            configure(listen, prefix, upstreams)
        });
        let client = reqwest::Client::builder()
            .timeout(REQUEST_TIMEOUT)
            .build()
            .expect("HTTP client");
        Stack {
            registry,
            instances,
            nginx,
            client,
            markers: AtomicUsize::new(0),
        }
    }

    /// GET through nginx with extra request headers.
    pub async fn get(&self, path: &str, headers: &[(&str, &str)]) -> Reply {
        let mut request = self.client.get(format!("{}{path}", self.nginx.base_url()));
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        read(request).await
    }

    /// POST a form through nginx, as the app's download forms do.
    pub async fn post_form(&self, path: &str, fields: &[(&str, &str)]) -> Reply {
        let body: String = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(fields)
            .finish();
        let request = self
            .client
            .post(format!("{}{path}", self.nginx.base_url()))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body);
        read(request).await
    }

    /// GET from one instance directly, past nginx.
    pub async fn get_direct(&self, instance: usize, path: &str) -> Reply {
        let url = format!("{}{path}", self.instances[instance].base_url());
        read(self.client.get(url)).await
    }

    /// Which instance has this address (nginx's `$upstream_addr`).
    pub fn instance_at(&self, upstream: &str) -> usize {
        self.instances
            .iter()
            .position(|i| i.addr() == upstream)
            .unwrap_or_else(|| panic!("{upstream:?} is neither instance"))
    }

    /// The API requests (path and query) each instance has started, health probes left out.
    /// A marker request sent to each first and awaited in its log makes the count complete:
    /// a log is one ordered stream, so every request before the marker is in it.
    pub async fn requests_seen(&self) -> [Vec<String>; 2] {
        let mut seen = [Vec::new(), Vec::new()];
        for (n, instance) in self.instances.iter().enumerate() {
            let marker = format!("/api/health?settled={}", self.next_marker());
            assert_eq!(self.get_direct(n, &marker).await.status, 200);
            let log = wait_for(&format!("{marker} in instance {n}'s log"), || {
                let output = instance.output();
                let settled = started_uris(&output).any(|uri| uri == marker);
                match settled {
                    true => Ok(output),
                    false => Err(output),
                }
            });
            seen[n] = started_uris(&log)
                .filter(|uri| uri.starts_with("/api/") && !uri.starts_with("/api/health"))
                .map(str::to_owned)
                .collect();
        }
        seen
    }

    /// nginx's access-log lines for exactly `uri`: `count` of them, no more.
    pub fn access(&self, uri: &str, count: usize) -> Vec<AccessLine> {
        let path = self.nginx.prefix().join("access.log");
        let lines = || {
            let text = std::fs::read_to_string(&path).unwrap_or_default();
            text.lines()
                .filter_map(parse_access)
                .filter(|line| line.uri == uri)
                .collect::<Vec<_>>()
        };
        let what = format!("{count} access-log lines for {uri}");
        let found = wait_for(&what, || {
            let found = lines();
            match found.len() >= count {
                true => Ok(found),
                false => Err(std::fs::read_to_string(&path).unwrap_or_default()),
            }
        });
        assert_eq!(found.len(), count, "{uri}: {found:#?}");
        found
    }

    fn next_marker(&self) -> usize {
        self.markers.fetch_add(1, Ordering::Relaxed)
    }
}

async fn read(request: reqwest::RequestBuilder) -> Reply {
    let response = request.send().await.expect("request through the stack");
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let body = response.bytes().await.expect("answer body").to_vec();
    Reply {
        status,
        headers,
        body,
    }
}

/// Writes scripts/deploy's two files into `prefix` with the values run-two.sh would use.
fn configure(listen: &str, prefix: &Path, upstreams: [&str; 2]) -> PathBuf {
    let temp = prefix.join("temp");
    std::fs::create_dir_all(&temp).expect("nginx temp dir");
    let prefix_text = prefix.to_str().expect("UTF-8 temp path");
    let cache = format!("{prefix_text}/cache");
    let access = format!("{prefix_text}/access.log");
    let site = render(
        SITE_CONF,
        &[
            ("@LISTEN@", listen),
            ("@CACHE_DIR@", &cache),
            ("@ACCESS_LOG@", &access),
            ("@INSTANCE_A@", upstreams[0]),
            ("@INSTANCE_B@", upstreams[1]),
        ],
    );
    std::fs::write(prefix.join("lading.conf"), site).expect("write lading.conf");
    let main = render(MAIN_CONF, &[("@PREFIX@", prefix_text)]);
    let main_path = prefix.join("nginx.conf");
    std::fs::write(&main_path, main).expect("write nginx.conf");
    main_path
}

/// The template with every `@NAME@` replaced; a placeholder left over is a test bug.
fn render(template: &str, values: &[(&str, &str)]) -> String {
    let text = values
        .iter()
        .fold(template.to_owned(), |text, (name, value)| {
            text.replace(name, value)
        });
    let leftover = text.lines().find(|line| {
        let code = line.split('#').next().unwrap_or_default();
        code.split('@').nth(1).is_some_and(|name| {
            !name.is_empty() && name.bytes().all(|b| b.is_ascii_uppercase() || b == b'_')
        })
    });
    assert!(leftover.is_none(), "unrendered placeholder: {leftover:?}");
    text
}

/// The URIs of the requests an instance's log says it started.
fn started_uris(log: &str) -> impl Iterator<Item = &str> {
    log.lines()
        .filter(|l| l.contains(STARTED))
        .filter_map(|line| {
            let rest = line.split_once(" uri=")?.1;
            Some(rest.split_once(' ')?.0)
        })
}

/// `TIME METHOD URI STATUS cache=… upstream=…`; the upstream part may hold ", " when nginx
/// tried a second instance.
fn parse_access(line: &str) -> Option<AccessLine> {
    let (head, upstream) = line.split_once(" upstream=")?;
    let mut fields = head.split(' ');
    let (_time, method, uri, _status) = (
        fields.next()?,
        fields.next()?,
        fields.next()?,
        fields.next()?,
    );
    let cache = fields.next()?.strip_prefix("cache=")?;
    Some(AccessLine {
        method: method.to_owned(),
        uri: uri.to_owned(),
        cache: cache.to_owned(),
        upstream: upstream.to_owned(),
    })
}

/// Polls `probe` until it gives a value; after [`LOG_WAIT`] panics with `what` and the last
/// state it described.
fn wait_for<T>(what: &str, mut probe: impl FnMut() -> Result<T, String>) -> T {
    let deadline = Instant::now() + LOG_WAIT;
    loop {
        match probe() {
            Ok(value) => return value,
            Err(state) if Instant::now() > deadline => {
                panic!("no {what} within {LOG_WAIT:?}; last seen:\n{state}")
            }
            Err(_) => std::thread::sleep(POLL),
        }
    }
}
