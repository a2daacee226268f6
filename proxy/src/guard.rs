//! The target guard: which hosts the proxy may talk to.
//!
//! Lading fetches URLs that strangers (and hostile registries, through realms, redirects and
//! `Link` headers) choose, so every outgoing connection is checked. Two checks cooperate:
//! [`Guard::check_url`] runs before every request and redirect hop and handles IP literals,
//! ports and schemes; [`GuardedResolver`] is reqwest's DNS resolver, so the addresses checked
//! are the addresses connected to (no DNS-rebinding window between check and connect).
//!
//! Policy, in one place: an address is public only if it is global unicast ([`is_public`]);
//! IPv6 forms that embed IPv4 are judged by the IPv4 inside; a name whose answers mix public
//! and private addresses keeps only the public ones; the allow-list (`--allow-host`) is the
//! only exemption, per host and optionally per port. Hosts are compared after the URL
//! parser's normalisation, so `2130706433`, `0x7f.1` and `127.0.0.1` are one host. The tests
//! in `guard/tests.rs` and `proxy/tests/ssrf_*.rs` prove it row by row (issue 4).

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;

use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use url::{Host, Url};

mod host_entry;

pub use host_entry::AllowedHost;
use host_entry::same_host;

/// Why a target was refused. Carried through reqwest's error chain from the resolver. URLs
/// in it are redacted when it is built ([`crate::redact`]): it is shown and logged as is.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GuardError {
    #[error(
        "{host} resolves to a private or loopback address ({ip}); start lading with \
         --allow-host {host} to allow it"
    )]
    PrivateAddress { host: String, ip: IpAddr },
    #[error(
        "{host} is allow-listed for port {allowed} only, not {port}; start lading with \
         --allow-host {host}:{port} (or --allow-host {host} for every port) to allow it",
        allowed = join_ports(.allowed)
    )]
    PortNotAllowed {
        host: String,
        port: u16,
        allowed: Vec<u16>,
    },
    #[error("{host} did not resolve to any address")]
    NoAddress { host: String },
    #[error("only http and https URLs can be fetched, not {0:?}")]
    Scheme(String),
    #[error("{url} uses plain http; only allow-listed loopback hosts are spoken to over http")]
    PlainHttp { url: String },
    #[error("{0} has no host")]
    NoHost(String),
    #[error(
        "{target} is allow-listed for people to name, not for {origin} to send Lading to \
         (a redirect, token realm, page link or layer URL from another registry)"
    )]
    AllowListedHop { target: String, origin: String },
}

/// The allow-list and the address policy.
#[derive(Debug, Clone, Default)]
pub struct Guard {
    allowed: Arc<Vec<AllowedHost>>,
}

impl Guard {
    pub fn new(allowed: Vec<AllowedHost>) -> Guard {
        Guard {
            allowed: Arc::new(allowed),
        }
    }

    /// Whether public registries (global unicast addresses) may be reached: always, by this
    /// guard's policy; the allow-list only adds private hosts. Said by the guard so that a
    /// future flag closing them changes one place.
    pub fn reaches_public_registries(&self) -> bool {
        true
    }

    /// Whether `host` (any port) appears in the allow-list.
    fn host_allowed(&self, host: &Host<&str>) -> bool {
        self.allowed.iter().any(|a| same_host(&a.host, host))
    }

    /// The ports `host` is allow-listed for (empty when it is allowed on any port).
    fn ports_of(&self, host: &Host<&str>) -> Vec<u16> {
        let mut ports: Vec<u16> = self
            .allowed
            .iter()
            .filter(|a| same_host(&a.host, host))
            .filter_map(|a| a.port)
            .collect();
        ports.sort_unstable();
        ports.dedup();
        ports
    }

    /// The allow-list as the operator wrote it, `host` or `host:port` (for `/api/health`).
    pub fn allowed_hosts(&self) -> Vec<String> {
        self.allowed.iter().map(ToString::to_string).collect()
    }

    fn host_port_allowed(&self, host: &Host<&str>, port: u16) -> bool {
        self.allowed
            .iter()
            .any(|a| same_host(&a.host, host) && a.port.is_none_or(|p| p == port))
    }

    /// Whether `url`'s host (and port) is on the allow-list.
    pub fn is_allow_listed(&self, url: &Url) -> bool {
        url.host().is_some_and(|host| {
            self.host_port_allowed(&host, url.port_or_known_default().unwrap_or(443))
        })
    }

    /// Checks a URL a registry sent Lading to (redirect, token realm, `Link`, foreign layer):
    /// as [`Guard::check_url`], and an allow-listed host is reachable only from an
    /// allow-listed registry, so a public registry cannot aim Lading at the private hosts an
    /// operator opened for people to name.
    pub fn check_hop(&self, url: &Url, origin: &Url) -> Result<(), GuardError> {
        self.check_url(url)?;
        if self.is_allow_listed(url) && !self.is_allow_listed(origin) {
            return Err(GuardError::AllowListedHop {
                target: crate::redact::url(url),
                origin: origin.host_str().unwrap_or_default().to_string(),
            });
        }
        Ok(())
    }

    /// Checks a URL before a request or redirect hop. Host names are checked again, after
    /// resolution, by [`GuardedResolver`].
    pub fn check_url(&self, url: &Url) -> Result<(), GuardError> {
        if !matches!(url.scheme(), "http" | "https") {
            return Err(GuardError::Scheme(url.scheme().to_string()));
        }
        let host = url
            .host()
            .ok_or_else(|| GuardError::NoHost(crate::redact::url(url)))?;
        let port = url.port_or_known_default().unwrap_or(443);
        let allowed = self.host_port_allowed(&host, port);
        let ip = host_ip(&host);
        // Allow-listed for another port only: this port gets no exemption (and the resolver
        // would grant one by name), so refuse here, saying which ports are open. A public
        // IP literal needs no exemption and passes below.
        if !allowed && self.host_allowed(&host) && ip.is_none_or(|ip| !is_public(ip)) {
            return Err(GuardError::PortNotAllowed {
                host: host.to_string(),
                port,
                allowed: self.ports_of(&host),
            });
        }
        if let Some(ip) = ip
            && !allowed
            && !is_public(ip)
        {
            return Err(GuardError::PrivateAddress {
                host: host_port(&host, port),
                ip,
            });
        }
        if url.scheme() == "http" && !(allowed && self.is_loopback_host(&host)) {
            return Err(GuardError::PlainHttp {
                url: crate::redact::url(url),
            });
        }
        Ok(())
    }

    /// Allowed loopback hosts are spoken to over plain HTTP, as Docker does for localhost.
    /// Only literal loopback: a name that merely resolves there (a registry's real name in
    /// `/etc/hosts`, a `*.localhost` name a local proxy such as Caddy serves with its own CA)
    /// keeps HTTPS.
    pub fn scheme_for(&self, registry_host: &str) -> &'static str {
        let Ok(url) = Url::parse(&format!("http://{registry_host}/")) else {
            return "https";
        };
        let Some(host) = url.host() else {
            return "https";
        };
        let port = url.port_or_known_default().unwrap_or(80);
        if self.host_port_allowed(&host, port) && self.is_loopback_host(&host) {
            "http"
        } else {
            "https"
        }
    }

    /// `localhost`, `127.x.y.z`, `::1`: the names that are loopback by their spelling.
    fn is_loopback_host(&self, host: &Host<&str>) -> bool {
        match host_ip(host) {
            Some(ip) => ip.is_loopback(),
            None => host.to_string().eq_ignore_ascii_case("localhost"),
        }
    }

    /// The resolver reqwest must use so resolved addresses are checked before connecting.
    pub fn resolver(&self) -> Arc<GuardedResolver> {
        Arc::new(GuardedResolver {
            guard: self.clone(),
        })
    }
}

fn host_ip(host: &Host<&str>) -> Option<IpAddr> {
    match host {
        Host::Ipv4(ip) => Some(IpAddr::V4(*ip)),
        Host::Ipv6(ip) => Some(IpAddr::V6(*ip)),
        Host::Domain(_) => None,
    }
}

/// `5000`, `5000 or 5001`, `5000, 5001 or 5002`.
fn join_ports(ports: &[u16]) -> String {
    let texts: Vec<String> = ports.iter().map(u16::to_string).collect();
    match texts.split_last() {
        None => "another port".into(),
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
    }
}

fn host_port(host: &Host<&str>, port: u16) -> String {
    format!("{host}:{port}")
}

/// Resolves names and drops every non-public address unless the name is allow-listed.
///
/// Resolution happens once, here, and reqwest connects only to the addresses returned: there
/// is no second lookup an attacker's DNS could answer differently (DNS rebinding).
#[derive(Debug)]
pub struct GuardedResolver {
    guard: Guard,
}

impl Resolve for GuardedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let guard = self.guard.clone();
        Box::pin(async move {
            let host = name.as_str().to_string();
            let addrs: Vec<SocketAddr> =
                tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            let kept = guard
                .screen(&host, addrs)
                .map_err(|e| Box::new(e) as Box<dyn std::error::Error + Send + Sync>)?;
            Ok(Box::new(kept.into_iter()) as Addrs)
        })
    }
}

impl Guard {
    /// What a lookup of `host` may connect to. A name answering both public and private
    /// addresses keeps only the public ones: the private ones are never handed to the
    /// connector, so a rebinding setup (one public record, one `127.0.0.1`, hoping the client
    /// falls back) reaches nothing private, while split-horizon names still work publicly.
    fn screen(&self, host: &str, addrs: Vec<SocketAddr>) -> Result<Vec<SocketAddr>, GuardError> {
        let allowed = self.host_allowed(&Host::Domain(host));
        let first_private = addrs.iter().map(SocketAddr::ip).find(|ip| !is_public(*ip));
        let kept: Vec<SocketAddr> = addrs
            .into_iter()
            .filter(|a| allowed || is_public(a.ip()))
            .collect();
        if kept.is_empty() {
            let host = host.to_string();
            return Err(match first_private {
                Some(ip) => GuardError::PrivateAddress { host, ip },
                None => GuardError::NoAddress { host },
            });
        }
        Ok(kept)
    }
}

/// Whether `ip` is a globally routable unicast address. Everything else — loopback, private,
/// CGNAT, link-local (cloud metadata at 169.254.169.254), unique-local, multicast, broadcast,
/// documentation and reserved ranges, and IPv6 forms embedding such IPv4 addresses — is not.
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_public_v4(v4),
        IpAddr::V6(v6) => is_public_v6(v6),
    }
}

fn is_public_v4(ip: Ipv4Addr) -> bool {
    let [a, b, c, _] = ip.octets();
    let reserved = a == 0                                   // 0.0.0.0/8 "this network"
        || a == 10                                          // RFC 1918
        || a == 127                                         // loopback
        || (a == 100 && (64..128).contains(&b))             // CGNAT 100.64/10
        || (a == 169 && b == 254)                           // link-local, cloud metadata
        || (a == 172 && (16..32).contains(&b))              // RFC 1918
        || (a == 192 && b == 168)                           // RFC 1918
        || (a == 192 && b == 0 && c == 0)                   // IETF protocol assignments
        || (a == 192 && b == 0 && c == 2)                   // TEST-NET-1
        || (a == 192 && b == 88 && c == 99)                 // 6to4 relay anycast (RFC 7526)
        || (a == 198 && (b == 18 || b == 19))               // benchmarking
        || (a == 198 && b == 51 && c == 100)                // TEST-NET-2
        || (a == 203 && b == 0 && c == 113)                 // TEST-NET-3
        || a >= 224; // multicast, reserved, broadcast
    !reserved
}

fn is_public_v6(ip: Ipv6Addr) -> bool {
    if let Some(v4) = embedded_v4(ip) {
        return is_public_v4(v4);
    }
    let [first, second, ..] = ip.segments();
    // Global unicast is 2000::/3 (RFC 4291 §2.4, IANA): everything else — ::/8 with its
    // IPv4-translated `::ffff:0:a.b.c.d` form, 100::/64 discard, 64:ff9b:1::/48 local NAT64,
    // fc00::/7, fe80::/10, fec0::/10, ff00::/8 — is refused by this one rule.
    let global_unicast = (first & 0xe000) == 0x2000;
    let reserved = !global_unicast
        || (first == 0x2001 && second == 0x0db8) // documentation
        || (first == 0x2001 && second == 0x0000) // Teredo: tunnels to an obfuscated IPv4
        || (first == 0x3fff && second < 0x1000); // documentation (RFC 9637)
    !reserved
}

/// IPv4 addresses hidden inside IPv6: mapped (`::ffff:a.b.c.d`), compatible (`::a.b.c.d`),
/// NAT64 (`64:ff9b::/96`) and 6to4 (`2002::/16`).
fn embedded_v4(ip: Ipv6Addr) -> Option<Ipv4Addr> {
    let s = ip.segments();
    let tail = || Ipv4Addr::new((s[6] >> 8) as u8, s[6] as u8, (s[7] >> 8) as u8, s[7] as u8);
    if s[..5] == [0; 5]
        && (s[5] == 0xffff || (s[5] == 0 && !ip.is_loopback() && !ip.is_unspecified()))
    {
        return Some(tail());
    }
    if s[0] == 0x0064 && s[1] == 0xff9b && s[2..6] == [0; 4] {
        return Some(tail());
    }
    if s[0] == 0x2002 {
        return Some(Ipv4Addr::new(
            (s[1] >> 8) as u8,
            s[1] as u8,
            (s[2] >> 8) as u8,
            s[2] as u8,
        ));
    }
    None
}

#[cfg(test)]
mod tests;
