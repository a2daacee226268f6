//! One `HOST[:PORT]` entry of `--allow-host` or `--insecure-host`, normalised like URLs.

use url::{Host, Url};

/// One `--allow-host` entry: a host, optionally limited to one port.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AllowedHost {
    pub(super) host: Host<String>,
    pub(super) port: Option<u16>,
}

impl std::str::FromStr for AllowedHost {
    type Err = String;

    fn from_str(input: &str) -> Result<Self, Self::Err> {
        AllowedHost::parse(input, "--allow-host")
    }
}

impl AllowedHost {
    /// `HOST[:PORT]` as `flag` (`--allow-host`, `--insecure-host`) takes it.
    pub fn parse(input: &str, flag: &str) -> Result<AllowedHost, String> {
        // Parse through the URL parser so `0177.0.0.1`, `[::1]` and `LOCALHOST` normalise
        // exactly as request URLs will.
        let url = Url::parse(&format!("http://{}/", input.trim()))
            .map_err(|e| format!("invalid {flag} {input:?}: {e}"))?;
        let host = url
            .host()
            .ok_or_else(|| format!("invalid {flag} {input:?}: no host"))?
            .to_owned();
        if url.path() != "/" || !url.username().is_empty() {
            return Err(format!("invalid {flag} {input:?}: expected HOST[:PORT]"));
        }
        // `Url` hides the default port 80; keep it when it was written.
        let port = url
            .port()
            .or_else(|| input.trim().ends_with(":80").then_some(80));
        Ok(AllowedHost { host, port })
    }

    /// Whether `url` goes to this host (and this port, when one was given).
    pub fn matches(&self, url: &Url) -> bool {
        url.host().is_some_and(|host| {
            same_host(&self.host, &host)
                && self
                    .port
                    .is_none_or(|p| Some(p) == url.port_or_known_default())
        })
    }
}

impl std::fmt::Display for AllowedHost {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.port {
            Some(port) => write!(f, "{}:{port}", self.host),
            None => write!(f, "{}", self.host),
        }
    }
}

pub(super) fn same_host(allowed: &Host<String>, host: &Host<&str>) -> bool {
    match (allowed, host) {
        (Host::Domain(a), Host::Domain(b)) => a.eq_ignore_ascii_case(b),
        (Host::Ipv4(a), Host::Ipv4(b)) => a == b,
        (Host::Ipv6(a), Host::Ipv6(b)) => a == b,
        _ => false,
    }
}
