//! The fixed helper parts tested in Python on their own: the challenge parser, Link
//! pagination, error words, tar listing and extraction, digest checks.

use super::Part;
use super::tests::python;

/// The helper parts alone (no view), for testing their functions in Python.
fn helpers() -> String {
    [Part::Prelude, Part::Transport, Part::Auth, Part::Lists]
        .iter()
        .map(|p| p.text())
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn the_challenge_parser_is_tolerant() {
    let checks = r#"
got = parse_challenges(['Bearer realm="https://auth.example/token",service="reg.example",scope="repository:a/b:pull,push"'])
assert got == [("bearer", {"realm": "https://auth.example/token", "service": "reg.example", "scope": "repository:a/b:pull,push"})], got
got = parse_challenges(['Basic realm="Registry Realm", Bearer realm=https://t.example/x ,service=svc', 'Bearer realm="second"'])
assert got == [("basic", {"realm": "Registry Realm"}), ("bearer", {"realm": "https://t.example/x", "service": "svc"}), ("bearer", {"realm": "second"})], got
got = parse_challenges(['bearer  REALM = "a\\"b" , error="insufficient_scope"'])
assert got == [("bearer", {"realm": 'a"b', "error": "insufficient_scope"})], got
assert parse_challenges(["", "=", ",,", 'Bearer realm="unterminated']) == [("bearer", {"realm": "unterminated"})]
"#;
    let (ok, _, err) = python(&format!("{}\n{checks}", helpers()), b"");
    assert!(ok, "{err}");
}

#[test]
fn next_links_are_found_resolved_and_checked() {
    let checks = r#"
assert next_link(['</v2/a/tags/list?n=2&last=b>; rel="next"']) == "/v2/a/tags/list?n=2&last=b"
assert next_link(['<https://reg.example/p?x=1>; rel="prev", <?last=c>; type="a"; rel="next"']) == "?last=c"
assert next_link(['<https://reg.example/p>; rel=next']) == "https://reg.example/p"
assert next_link(['<https://reg.example/p>; rel="prev"']) is None
assert next_link([]) is None
registry = Registry("https://reg.example", "repository:a:pull", None)
page = "https://reg.example/v2/a/tags/list?n=2"
assert next_page(registry, "/v2/a/tags/list?n=2&last=b", page, "l") == "https://reg.example/v2/a/tags/list?n=2&last=b"
assert next_page(registry, "?last=c", page, "l") == "https://reg.example/v2/a/tags/list?last=c"
assert next_page(registry, "https://REG.example:443/v2/a/tags/list?last=d", page, "l").endswith("?last=d")
assert next_page(registry, "/a/tags/list?last=e", page, "l") == "https://reg.example/v2/a/tags/list?last=e"
for link in ("https://reg.example/p", "http://reg.example/v2/a", "https://evil.example/v2/a", "?n=2"):
    try:
        next_page(registry, link, page, "l")
        raise AssertionError(link)
    except Failure:
        pass
assert error_words(b'{"errors":[{"code":"UNAUTHORIZED","message":"authentication required","detail":null}]}') == "UNAUTHORIZED: authentication required"
assert error_words(b'{"details":"x","message":"incorrect username or password"}') == "incorrect username or password"
assert error_words(b"<html>\n<body>oops") == "<html>"
"#;
    let (ok, _, err) = python(&format!("{}\n{checks}", helpers()), b"");
    assert!(ok, "{err}");
}

/// Every helper part, for testing the layer and blob functions in Python.
fn all_helpers() -> String {
    use Part::*;
    [
        Prelude, Transport, Auth, Manifests, Lists, Hub, Blobs, Layers, Export,
    ]
    .iter()
    .map(|p| p.text())
    .collect::<Vec<_>>()
    .join("\n")
}

#[test]
fn layers_are_listed_and_read_as_tar_names_them() {
    let checks = r#"
import gzip, io, tarfile
raw = io.BytesIO()
with tarfile.open(fileobj=raw, mode="w", format=tarfile.GNU_FORMAT) as t:
    def add(name, data=None, kind=tarfile.REGTYPE, link=""):
        info = tarfile.TarInfo(name); info.type = kind; info.linkname = link
        info.size = len(data) if data is not None else 0
        t.addfile(info, io.BytesIO(data) if data is not None else None)
    add("./", kind=tarfile.DIRTYPE)
    add("./etc/", kind=tarfile.DIRTYPE)
    add("./etc/a", b"first")
    add("./etc/b", kind=tarfile.LNKTYPE, link="./etc/a")
    add("./etc/.wh.gone", b"")
    add("./etc/a", b"second")
    add("./" + "long/" * 30 + "name", b"deep")
body = raw.getvalue()
# Two gzip members, as pigz and eStargz write them.
packed = gzip.compress(body[:1024]) + gzip.compress(body[1024:])
for blob in (io.BytesIO(body), io.BytesIO(packed)):
    paths = layer_paths(blob)
    assert paths == ["etc", "etc/a", "etc/b", "etc/.wh.gone", "etc/a", "long/" * 30 + "name"], paths
    assert file_bytes(blob, "/etc/a").read() == b"second"
    assert file_bytes(blob, "etc/b").read() == b"first"
    try:
        file_bytes(blob, "/etc/missing")
        raise AssertionError("a missing file is an error")
    except Failure as failure:
        assert "not in this layer" in str(failure)
if sys.version_info < (3, 14):
    try:
        layer_paths(io.BytesIO(b"\x28\xb5\x2f\xfd" + b"\0" * 600))
        raise AssertionError("zstd without the standard library's support is an error")
    except Failure as failure:
        assert "zstd" in str(failure) and "3.14" in str(failure)
"#;
    let (ok, _, err) = python(&format!("{}\n{checks}", all_helpers()), b"");
    assert!(ok, "{err}");
}

#[test]
fn a_blob_that_does_not_hash_to_its_digest_is_an_error() {
    let checks = r#"
import hashlib, io
data = b"layer bytes" * 1000
good = "sha256:" + hashlib.sha256(data).hexdigest()
out = io.BytesIO()
assert copy_verified(io.BufferedReader(io.BytesIO(data)), good, out) == len(data)
assert out.getvalue() == data
bad = "sha256:" + "0" * 64
try:
    copy_verified(io.BufferedReader(io.BytesIO(data)), bad, io.BytesIO())
    raise AssertionError("a mismatch is an error")
except Failure as failure:
    assert good in str(failure), failure
try:
    verify_manifest(b"{}", bad, None)
    raise AssertionError("a manifest mismatch is an error")
except Failure as failure:
    assert "asked for" in str(failure)
for value in ("../../etc/passwd", "sha256:abc", None, "sha256:" + "A" * 64):
    try:
        checked_digest(value, "a digest")
        raise AssertionError(value)
    except Failure:
        pass
"#;
    let (ok, _, err) = python(&format!("{}\n{checks}", all_helpers()), b"");
    assert!(ok, "{err}");
}
