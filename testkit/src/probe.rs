//! A tiny blocking HTTP probe used while waiting for a child process to come up.
//!
//! Blocking on purpose: constructors stay synchronous and usable from any test, and no async
//! client has to exist before the thing it talks to.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

/// Connect and read timeout of one probe; a healthy loopback server answers in microseconds.
const PROBE_TIMEOUT: Duration = Duration::from_millis(500);
/// A status line fits easily; the rest of the response is ignored.
const STATUS_LINE_LIMIT: usize = 256;

/// The status code of `GET path` on `addr` ("127.0.0.1:PORT"), or `None` if nothing answered
/// with an HTTP status line.
pub(crate) fn http_status(addr: &str, path: &str) -> Option<u16> {
    let socket: SocketAddr = addr.parse().ok()?;
    let mut stream = TcpStream::connect_timeout(&socket, PROBE_TIMEOUT).ok()?;
    stream.set_read_timeout(Some(PROBE_TIMEOUT)).ok()?;
    stream.set_write_timeout(Some(PROBE_TIMEOUT)).ok()?;
    let request = format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).ok()?;

    let mut head = Vec::new();
    let mut chunk = [0u8; 64];
    while !head.windows(2).any(|w| w == b"\r\n") && head.len() < STATUS_LINE_LIMIT {
        let n = stream.read(&mut chunk).ok()?;
        if n == 0 {
            break;
        }
        head.extend_from_slice(&chunk[..n]);
    }
    parse_status_line(&head)
}

fn parse_status_line(head: &[u8]) -> Option<u16> {
    let line = std::str::from_utf8(head).ok()?.lines().next()?;
    let mut parts = line.split_whitespace();
    if !parts.next()?.starts_with("HTTP/") {
        return None;
    }
    parts.next()?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::parse_status_line;

    #[test]
    fn reads_status_lines() {
        assert_eq!(parse_status_line(b"HTTP/1.1 200 OK\r\n"), Some(200));
        assert_eq!(
            parse_status_line(b"HTTP/1.0 401 Unauthorized\r\nX: y"),
            Some(401)
        );
        assert_eq!(parse_status_line(b"SSH-2.0-OpenSSH\r\n"), None);
        assert_eq!(parse_status_line(b""), None);
    }
}
