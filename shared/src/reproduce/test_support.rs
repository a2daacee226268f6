//! Builders the generators' unit tests share.

use std::io::Write;
use std::process::{Command, Stdio};

use crate::api::{Exchange, ExchangePurpose, Header};

/// An exchange as the proxy records it, with these request and response headers.
pub(crate) fn exchange(
    method: &str,
    url: &str,
    status: u16,
    purpose: ExchangePurpose,
    request: &[(&str, &str)],
    response: &[(&str, &str)],
) -> Exchange {
    let headers = |list: &[(&str, &str)]| {
        list.iter()
            .map(|(n, v)| Header {
                name: n.to_string(),
                value: v.to_string(),
            })
            .collect()
    };
    Exchange {
        method: method.to_string(),
        url: url.to_string(),
        status: Some(status),
        duration_ms: 1,
        request_headers: headers(request),
        response_headers: headers(response),
        purpose,
        ..Exchange::default()
    }
}

/// `sh -n` (dash on Debian): the text parses as a POSIX shell script.
pub(crate) fn assert_sh_parses(script: &str) {
    let mut child = Command::new("/bin/sh")
        .arg("-n")
        .stdin(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run /bin/sh -n");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(script.as_bytes())
        .expect("write the script");
    let out = child.wait_with_output().expect("sh -n ends");
    assert!(
        out.status.success(),
        "sh -n failed: {}\n{script}",
        String::from_utf8_lossy(&out.stderr)
    );
}
