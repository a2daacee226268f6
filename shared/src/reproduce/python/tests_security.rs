//! The helper parts against hostile servers, in Python: local mock HTTP servers (a
//! registry and an "evil" host on another port, so another origin) that redirect, link
//! and challenge where credentials must not go, and answer with terminal escapes.

use super::Part;
use super::tests::python;

/// The helper parts a registry view uses, then mock servers: `serve(name)` starts one on
/// 127.0.0.1, answering with `ROUTES[name](path, authorization)` and recording every request
/// in `SEEN` as (name, path, Authorization).
fn with_mocks(checks: &str) -> String {
    let parts = [
        Part::Prelude,
        Part::Transport,
        Part::Auth,
        Part::Manifests,
        Part::Lists,
    ];
    let helpers: Vec<&str> = parts.iter().map(|p| p.text()).collect();
    format!("{}\n{MOCKS}\n{checks}", helpers.join("\n"))
}

const MOCKS: &str = r#"
import io, threading, unicodedata
from http.server import ThreadingHTTPServer, BaseHTTPRequestHandler

SEEN, ROUTES = [], {}


def serve(name):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_GET(self):
            authorization = self.headers.get("Authorization")
            SEEN.append((name, self.path, authorization))
            status, headers, body = ROUTES[name](self.path, authorization)
            reason = dict(headers).pop("reason", None)
            self.send_response(status, reason)
            for key, value in headers:
                if key != "reason":
                    self.send_header(key, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_port}"


REG, EVIL = serve("registry"), serve("evil")
CREDS = ("user", "secret")
BASIC = basic(CREDS)
JSON = [("Content-Type", "application/json")]


def basic_registry(pages):
    """A Basic-auth registry whose /v2/ answers 200 with credentials, `pages(path)` the rest."""
    def route(path, authorization):
        if authorization != BASIC:
            return 401, [("WWW-Authenticate", 'Basic realm="r"')], b"{}"
        if path == "/v2/":
            return 200, JSON, b"{}"
        return pages(path)
    ROUTES["registry"] = route


def evil(path, authorization):
    if "last=" in path:
        return 200, JSON, b'{"tags":[]}'
    return 200, JSON + [("Link", '</v2/a/tags/list?last=x>; rel="next"')], b'{"tags":["evil"]}'


ROUTES["evil"] = evil


def fails(call, words):
    try:
        call()
    except Failure as failure:
        assert words in str(failure), failure
        return str(failure)
    raise AssertionError(f"no Failure ({words})")


def to_evil():
    return [s for s in SEEN if s[0] == "evil"]


def tags(registry):
    return list_pages(registry, "/v2/a/tags/list", "tags", "tag list")


def signed_in():
    SEEN.clear()
    registry = Registry(REG, "repository:a:pull", CREDS)
    registry.ping()
    return registry
"#;

#[track_caller]
fn check(checks: &str) {
    let (ok, _, err) = python(&with_mocks(checks), b"");
    assert!(ok, "{err}");
}

/// F2: a list page redirected to another host is refused before that host is asked; a
/// Link to another origin or outside /v2/ is refused; Authorization never leaves the
/// registry's origin, whatever URL a request names.
#[test]
fn credentials_stay_on_the_registrys_origin() {
    check(
        r#"
basic_registry(lambda path: (307, [("Location", EVIL + "/v2/a/tags/list")], b""))
registry = signed_in()
fails(lambda: tags(registry), "redirected to " + EVIL)
assert to_evil() == [], SEEN

for link in (EVIL + "/v2/a/tags/list?last=a", "//127.0.0.1:1/v2/a/tags/list", "https:" + REG[5:] + "/v2/a"):
    basic_registry(lambda path: (200, JSON + [("Link", f'<{link}>; rel="next"')], b'{"tags":["a"]}'))
    registry = signed_in()
    fails(lambda: tags(registry), "on another host")
    assert to_evil() == [] and len(SEEN) == 2, SEEN
for link in ("/steal", "/v2x/a", "file:///etc/passwd", "ftp://127.0.0.1/x"):
    basic_registry(lambda path: (200, JSON + [("Link", f'<{link}>; rel="next"')], b'{"tags":["a"]}'))
    registry = signed_in()
    fails(lambda: tags(registry), "refus")

def paged(path):
    if "last=" not in path:
        return 200, JSON + [("Link", '</v2/a/tags/list?last=a>; rel="next"')], b'{"tags":["a"]}'
    if "last=b" not in path:  # Artifactory names the next page without /v2
        return 200, JSON + [("Link", '</a/tags/list?last=b>; rel="next"')], b'{"tags":["b"]}'
    return 200, JSON, b'{"tags":["c"]}'
basic_registry(paged)
assert tags(signed_in()) == ["a", "b", "c"]
assert all(s[2] == BASIC for s in SEEN[1:]), SEEN

# A whole URL on another origin, asked directly or reached by a redirect: no Authorization.
registry = signed_in()
registry.request("GET", EVIL + "/v2/a/tags/list")[1].close()
basic_registry(lambda path: (302, [("Location", EVIL + "/cdn/blob")], b""))
final, response = registry.request("GET", "/v2/a/blobs/sha256:x")
response.close()
assert final == EVIL + "/cdn/blob", final
assert [s[2] for s in to_evil()] == [None, None], SEEN
assert SEEN[-2] == ("registry", "/v2/a/blobs/sha256:x", BASIC), SEEN

# An origin is scheme, host and port, default ports and case folded.
assert origin("HTTPS://Reg.Example:443/v2/") == "https://reg.example" == origin("https://reg.example")
assert origin("http://reg.example:5000/x") == "http://reg.example:5000" != origin("http://reg.example/")
assert origin("http://user@reg.example/") == "http://reg.example"
try:
    send("GET", REG + "/v2/", {}, BASIC)
    raise AssertionError("Authorization without its origin is refused")
except Failure:
    pass
"#,
    );
}

/// F3: a Bearer realm on plain http gets no credentials from an https registry; a realm
/// that is not http(s) is refused for every registry.
#[test]
fn a_realm_must_be_as_safe_as_the_registry() {
    check(
        r#"
secure = Registry("https://reg.example", "repository:a:pull", CREDS)
fails(lambda: checked_realm(secure, "http://auth.example/token"), "plain http")
assert checked_realm(secure, "https://auth.example/token") == "https://auth.example/token"
loopback = Registry(REG, "repository:a:pull", CREDS)
assert checked_realm(loopback, EVIL + "/token") == EVIL + "/token"
for realm in ("file:///etc/passwd", "ftp://auth.example/token", "data:,token", "gopher://x/"):
    fails(lambda: checked_realm(secure, realm), "only http: and https:")
    fails(lambda: checked_realm(loopback, realm), "only http: and https:")

# The whole exchange: a challenge naming a file: realm is refused before anything is read.
ROUTES["registry"] = lambda path, authorization: (
    401, [("WWW-Authenticate", 'Bearer realm="file:///etc/passwd",service="reg"')], b"{}")
fails(lambda: signed_in(), "only http: and https:")
# A 401 from another host (after a redirect) is not answered: its realm gets nothing.
ROUTES["registry"] = lambda path, authorization: (307, [("Location", EVIL + "/v2/a/tags/list")], b"")
ROUTES["evil"] = lambda path, authorization: (
    401, [("WWW-Authenticate", f'Bearer realm="{EVIL}/token"')], b"{}")
registry = Registry(REG, "repository:a:pull", CREDS)
final, response = registry.request("GET", "/v2/a/tags/list")
response.close()
assert response.status == 401 and registry.authorization is None, SEEN
assert not [s for s in SEEN if s[1].startswith("/token")], SEEN
"#,
    );
}

/// F6: registry text (the reason phrase, a JSON message, Retry-After, any progress value)
/// reaches the terminal with every control character as `?`, on one line.
#[test]
fn registry_text_reaches_the_terminal_without_control_characters() {
    check(
        r#"
import sys
osc52 = "\x1b]52;c;cm0gLXJmIH4K\x07"
message = '{"errors":[{"code":"DENIED","message":"a\\u001b[31mred\\nforged: line\\u009b\\r"}]}'
ROUTES["registry"] = lambda path, authorization: (
    429, [("reason", "Slow " + osc52), ("Retry-After", "5\x1b[2J")] + JSON, message.encode())
def main():
    _, response = send("GET", REG + "/v2/")
    raise registry_error("GET /v2/", response)
captured, sys.stderr = sys.stderr, io.StringIO()
try:
    run(main)
except SystemExit as exit:
    assert exit.code == 1
shown_text, sys.stderr = sys.stderr.getvalue(), captured
assert shown_text.count("\n") == 1 and shown_text.endswith("\n"), repr(shown_text)
assert not [c for c in shown_text[:-1] if unicodedata.category(c) == "Cc"], repr(shown_text)
assert "HTTP 429 Slow ?]52;c;cm0gLXJmIH4K?" in shown_text, repr(shown_text)
assert "DENIED: a?[31mred?forged: line??" in shown_text, repr(shown_text)
assert "retry after 5?[2J s" in shown_text, repr(shown_text)

assert error_words(b"\x1b]0;title\x07 first\nsecond") == "?]0;title? first"
assert plain("tab\there\nnl\x7f\x9b") == "tab?here?nl??"
captured, sys.stderr = sys.stderr, io.StringIO()
say("GET \x1b[2J /v2/\nnext line \x00 \u00e9")
shown_text, sys.stderr = sys.stderr.getvalue(), captured
assert shown_text == "GET ?[2J /v2/\nnext line ? \u00e9\n", repr(shown_text)
"#,
    );
}

/// Only http: and https: URLs are opened, first or after a redirect, by an opener that has
/// no file:, ftp: or data: handler and follows no redirect itself.
#[test]
fn only_http_urls_are_opened() {
    check(
        r#"
kinds = {type(handler).__name__ for handler in OPENER.handlers}
assert not kinds & {"FileHandler", "FTPHandler", "CacheFTPHandler", "DataHandler", "HTTPRedirectHandler"}, kinds
assert {"HTTPHandler", "HTTPSHandler", "KeepEveryAnswer"} <= kinds, kinds
for url in ("file:///etc/passwd", "ftp://127.0.0.1/x", "data:,hello", "/v2/", "http:///v2/"):
    fails(lambda: send("GET", url), "only http: and https:")
for target in ("file:///etc/passwd", "data:text/plain,hello", "ftp://127.0.0.1/x"):
    ROUTES["registry"] = lambda path, authorization: (302, [("Location", target)], b"")
    fails(lambda: send("GET", REG + "/v2/a/blobs/x"), "the redirect: refusing")
    registry = Registry(REG, "repository:a:pull", None)
    fails(lambda: registry.request("GET", "/v2/a/blobs/x"), "only http: and https:")
fails(lambda: Registry("file:///etc", "s", None), "only http: and https:")
# Without follow, a redirect is the answer, unfollowed.
ROUTES["registry"] = lambda path, authorization: (307, [("Location", EVIL + "/x")], b"")
SEEN.clear()
final, response = send("GET", REG + "/v2/", follow=False)
response.close()
assert response.status == 307 and final == REG + "/v2/" and to_evil() == [], SEEN
"#,
    );
}
