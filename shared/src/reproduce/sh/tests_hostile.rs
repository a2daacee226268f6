//! A hostile registry against the script's own functions, run for real under `/bin/sh`:
//! escape sequences in what it answers never reach the terminal, and a Bearer realm that
//! would take the credentials in cleartext (or to another scheme) is refused.

use std::process::{Command, Output};

use super::http;

/// ESC sequences a registry could send: an OSC 52 clipboard write, a CSI colour and cursor
/// move, a window title (BEL-terminated), a carriage return, DEL, and C1 CSI as UTF-8.
const HOSTILE: &str = "a\u{1b}]52;c;ZWNobyBwd25lZA==\u{7}b\u{1b}[31m\u{1b}[2Jc\r\u{1b}]0;title\u{7}d\u{7f}e\u{9b}31mf\u{8}g";
/// What is left of it: the text between the control characters.
const LEFT: &str = "a]52;c;ZWNobyBwd25lZA==b[31m[2Jc]0;titlede31mfg";

/// The script's start (as [`super::script`] writes it) and its functions, then `body`, run
/// by `/bin/sh -c` with `args` as `$1`….
fn run(body: &str, args: &[&str]) -> Output {
    let script = format!(
        "set -eu\nLC_ALL=C\nexport LC_ALL\n{}{}{}{body}\n",
        http::BASICS,
        http::REQUEST,
        http::AUTHENTICATE
    );
    Command::new("/bin/sh")
        .arg("-c")
        .arg(&script)
        .arg("sh")
        .args(args)
        .env_remove("REGISTRY_USER")
        .env_remove("REGISTRY_PASSWORD")
        .output()
        .expect("run /bin/sh")
}

/// No control character but newline and tab, no DEL, no C1 (as UTF-8) in `bytes`.
#[track_caller]
fn assert_printable(bytes: &[u8]) {
    let text = String::from_utf8_lossy(bytes);
    let bad = text
        .chars()
        .find(|&c| c.is_control() && c != '\n' && c != '\t');
    assert_eq!(
        bad, None,
        "a control character reached the terminal: {text:?}"
    );
}

#[test]
fn say_and_fail_remove_control_characters() {
    let out = run("say \"< $1\"; fail \"it said $1\"", &[HOSTILE]);
    assert_eq!(out.status.code(), Some(1));
    assert_printable(&out.stderr);
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        format!("< {LEFT}\nerror: it said {LEFT}\n")
    );
    // Ordinary text, UTF-8 included, and tabs and newlines, are left alone.
    let out = run("say \"$1\"", &["é € 日本\tx\ny"]);
    assert_eq!(String::from_utf8_lossy(&out.stderr), "é € 日本\tx\ny\n");
}

/// Every line `request` and `registry_error` print about a hostile answer (status line,
/// `WWW-Authenticate`, the body's message) is printable. `curl` is a function here that
/// answers as such a registry would.
#[test]
fn a_hostile_answer_reaches_the_terminal_printable() {
    let fake_curl = r#"
curl() {
  while [ $# -gt 0 ]; do
    case $1 in -D) c_headers=$2; shift ;; -o) c_body=$2; shift ;; esac
    shift
  done
  printf 'HTTP/1.1 401 %s\r\nWWW-Authenticate: %s\r\n\r\n' "$H" "$H" > "$c_headers"
  printf '<html>%s</html>\n' "$H" > "$c_body"
  printf 401
}
REGISTRY=https://r.example AUTH_ORIGIN=https://r.example H=$1
request GET "$REGISTRY/v2/"
registry_error "the ping"
"#;
    let out = run(fake_curl, &[HOSTILE]);
    assert_eq!(out.status.code(), Some(1));
    assert_printable(&out.stderr);
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(said.contains(&format!("< HTTP/1.1 401 {LEFT}")), "{said}");
    assert!(
        said.contains(&format!("the server said: <html>{LEFT}")),
        "{said}"
    );
    // A JSON error's message, and the challenge when the body says nothing.
    let json = fake_curl
        .replace("'<html>%s</html>\\n'", "'{\"message\":\"%s\"}'")
        .replace("H=$1", "H=$(printf '%s' \"$1\" | sed 's/\"//g')");
    let out = run(&json, &[HOSTILE]);
    assert_printable(&out.stderr);
    let empty = fake_curl.replace("'<html>%s</html>\\n' \"$H\"", "''");
    let out = run(&empty, &[HOSTILE]);
    assert_printable(&out.stderr);
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(
        said.contains(&format!("WWW-Authenticate: {LEFT}")),
        "{said}"
    );
}

/// `realm_url REALM` under `REGISTRY`: the URL printed (to fd 3, the script's standard
/// output), or the failure's message.
fn realm(registry: &str, realm: &str) -> Result<String, String> {
    let out = run("REGISTRY=$1; realm_url \"$2\" >&3", &[registry, realm]);
    let said = String::from_utf8_lossy(&out.stderr).into_owned();
    if out.status.success() {
        assert_eq!(said, "");
        Ok(String::from_utf8_lossy(&out.stdout).trim_end().to_string())
    } else {
        assert!(out.stdout.is_empty());
        Err(said)
    }
}

#[test]
fn a_realm_gets_credentials_in_cleartext_only_from_a_plain_http_registry() {
    let https = "https://r.example";
    let plain = "http://127.0.0.1:5000";
    for (registry, given, url) in [
        (
            https,
            "https://auth.r.example/token",
            "https://auth.r.example/token",
        ),
        (
            https,
            "HTTPS://auth.r.example/token",
            "https://auth.r.example/token",
        ),
        (https, "/token?x=1", "https://r.example/token?x=1"),
        (
            https,
            "//auth.r.example/token",
            "https://auth.r.example/token",
        ),
        (
            plain,
            "http://127.0.0.1:5001/token",
            "http://127.0.0.1:5001/token",
        ),
        (
            plain,
            "https://auth.example/token",
            "https://auth.example/token",
        ),
        (plain, "token", "http://127.0.0.1:5000/v2/token"),
    ] {
        assert_eq!(
            realm(registry, given).as_deref(),
            Ok(url),
            "{registry} {given}"
        );
    }
    for given in ["http://auth.r.example/token", "HTTP://auth.r.example/token"] {
        let why = realm(https, given).unwrap_err();
        assert!(why.contains(given) && why.contains("cleartext"), "{why}");
    }
    for registry in [https, plain] {
        for given in [
            "file:///etc/passwd",
            "ftp://auth.example/token",
            "gopher:auth",
            "javascript:alert(1)",
        ] {
            let why = realm(registry, given).unwrap_err();
            assert!(
                why.contains(given) && why.contains("not an http: or https: URL"),
                "{why}"
            );
        }
    }
}

/// The refusal comes before any request: the Basic credentials are never sent.
#[test]
fn bearer_token_refuses_an_http_realm_before_sending_anything() {
    let body = r#"
request() { echo "REQUESTED $*"; exit 3; }
REGISTRY=https://r.example AUTH_ORIGIN=https://r.example SCOPE=repository:a:pull
REGISTRY_USER=me REGISTRY_PASSWORD=secret
bearer_token "$1"
"#;
    let out = run(
        body,
        &["Bearer realm=\"http://auth.r.example/token\",service=\"r.example\""],
    );
    assert_eq!(out.status.code(), Some(1));
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(!said.contains("REQUESTED"), "{said}");
    assert!(said.contains("http://auth.r.example/token"), "{said}");
    assert!(said.contains("cleartext"), "{said}");
}
