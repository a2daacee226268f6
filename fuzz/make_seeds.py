#!/usr/bin/env python3
"""Regenerates fuzz/seeds/<target>/ (committed) from the repository's own test inputs and
small archives built here. Deterministic: run it again and git sees no change.

Usage: python3 fuzz/make_seeds.py   (needs the `zstd` CLI for the zstd layers)
"""
import base64
import gzip
import hashlib
import io
import pathlib
import random
import re
import shutil
import subprocess
import tarfile
import zlib

FUZZ = pathlib.Path(__file__).resolve().parent
ROOT = FUZZ.parent
SEEDS = FUZZ / "seeds"


def write(target, name, data):
    d = SEEDS / target
    d.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        data = data.encode()
    (d / name).write_bytes(data)


def rust_consts(text):
    """`pub const NAME: &str = "…";` (plain strings) → {NAME: value}."""
    return dict(re.findall(r'pub const (\w+): &str =\s*"([^"]*)";', text))


# --- reference: every literal input of the reference tables -----------------------------
def references():
    cases = ROOT / "shared/tests/it/reference_cases"
    consts = rust_consts((cases / "mod.rs").read_text())
    seen = set()
    for file in ["valid.rs", "invalid.rs"]:
        text = (cases / file).read_text()
        pattern = r'(?:ok|err)\(\s*(?:format!\()?"((?:[^"\\]|\\.)*)"(?:\.to_string\(\)\s*\+\s*(\w+))?'
        for literal, suffix in re.findall(pattern, text):
            value = literal.encode().decode("unicode_escape")
            value = re.sub(r"\{(\w+)\}", lambda m: consts.get(m.group(1), m.group(0)), value)
            value += consts.get(suffix, "")
            seen.add(value)
    # The last one: the crash of RESULTS.md finding 1 (familiar form must parse back).
    for extra in ["ghcr.io/org/app:v1", "quay.io/coreos/etcd", "localhost:5000/x@" + consts["D1"],
                  "docker.io/lidocker.io/library/dock/dockeratest"]:
        seen.add(extra)
    for value in sorted(seen):
        write("reference", hashlib.sha1(value.encode()).hexdigest()[:16], value)


# --- challenge: header values as registries send them (one value per line) --------------
CHALLENGES = {
    "docker_hub": 'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/alpine:pull"',
    "docker_hub_error": 'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:samalba/my-app:pull,push",error="insufficient_scope"',
    "ghcr": 'Bearer realm="https://ghcr.io/token",service="ghcr.io",scope="repository:a/b:pull,push"',
    "quay": 'Bearer realm="https://quay.io/v2/auth",service="quay.io"',
    "harbor": 'Bearer realm="https://harbor.example.com/service/token",service="harbor-registry",scope="repository:library/nginx:pull"',
    "harbor_basic": 'Basic realm="harbor"',
    "ecr_basic": 'Basic realm="https://123456789012.dkr.ecr.us-east-1.amazonaws.com/",service="ecr.amazonaws.com"',
    "acr": 'Bearer realm="https://myregistry.azurecr.io/oauth2/token",service="myregistry.azurecr.io"',
    "unquoted": "Bearer realm = https://r.example/token , service=r.example",
    "two_in_one": 'Basic realm="x", Bearer realm="/token",service="s"',
    "two_lines": 'Basic realm="Registry Realm"\nBearer realm="https://t/"',
    "escapes": 'BEARER REALM="https://t/\\"q\\"",Service="s"',
    "junk": '\n,,,\n=\nNegotiate abc==',
    "no_realm": 'Bearer service="s"',
}


def challenges():
    for name, value in CHALLENGES.items():
        write("challenge", name, value)


# --- manifest: fixtures, with the mode byte the target reads first -----------------------
# Modes: index into CONTENT_TYPES of fuzz_targets/manifest.rs; 10 = no Content-Type;
# 11 = image config (then one byte: the number of layers).
MODES = {"OCI_INDEX": 0, "OCI_MANIFEST": 1, "DOCKER_LIST": 2, "DOCKER_MANIFEST": 3,
         "SCHEMA1_PAYLOAD": 5, "OCI_ARTIFACT": 1, "HELM_CHART": 7}


def manifests():
    text = (ROOT / "shared/tests/it/fixtures/mod.rs").read_text()
    raw = re.findall(r'pub const (\w+): &str = r(#+)"(.*?)"\2;', text, re.S)
    for name, _, body in raw:
        if name == "DOCKER_CONFIG":
            write("manifest", "config_docker", bytes([11, 3]) + body.encode())
            continue
        mode = MODES.get(name)
        if mode is not None:
            write("manifest", name.lower(), bytes([mode]) + body.encode())
        write("manifest", name.lower() + "_untyped", bytes([10]) + body.encode())
    config = '{"architecture":"amd64","os":"linux","history":[{"created_by":"RUN |1 A=1 /bin/sh -c make # buildkit"},{"empty_layer":true}],"config":{"Cmd":"sh","Entrypoint":null}}'
    write("manifest", "config_oci", bytes([11, 2]) + config.encode())
    # RESULTS.md finding 2: a float serde_json parses inexactly.
    floats = '{"config":{"Healthcheck":{"Interval":3.0000008e+88,"Retries":3}},"history":[{}]}'
    write("manifest", "config_float", bytes([11, 1]) + floats.encode())


# --- layer_listing: small tars, every compression -----------------------------------------
def add(tar, name, kind=tarfile.REGTYPE, data=b"", link="", mode=0o644):
    info = tarfile.TarInfo(name)
    info.type, info.mode, info.size, info.linkname = kind, mode, len(data), link
    info.mtime, info.uid, info.gid, info.uname = 1704164645, 1000, 100, "app"
    tar.addfile(info, io.BytesIO(data) if data else None)


def tar_bytes(fmt, build):
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w", format=fmt) as tar:
        build(tar)
    return out.getvalue()


def sample(tar):
    add(tar, "./", tarfile.DIRTYPE, mode=0o755)
    add(tar, "./etc/", tarfile.DIRTYPE, mode=0o755)
    add(tar, "./etc/hostname", data=b"lading\n")
    add(tar, "etc/alias", tarfile.SYMTYPE, link="hostname", mode=0o777)
    add(tar, "etc/hard", tarfile.LNKTYPE, link="./etc/hostname")
    add(tar, "usr/bin/tool", data=b"\x7fELF" * 64, mode=0o4755)
    add(tar, "var/.wh.cache")
    add(tar, "opt/app/.wh..wh..opq")
    add(tar, "run/pipe", tarfile.FIFOTYPE)


def long_names(tar):
    long_dir = "usr/share/a-directory-name-long-enough/to-need/more-than-one-hundred-bytes"
    add(tar, long_dir + "/pax-fïle-ünïcode", data=b"pax")
    add(tar, long_dir + "/link", tarfile.SYMTYPE, link=long_dir + "/pax-fïle-ünïcode")


def gzip_members(data, members):
    step = -(-len(data) // members)
    return b"".join(gzip.compress(data[i:i + step], 6, mtime=0) for i in range(0, len(data), step))


def zstd(data):
    return subprocess.run(["zstd", "-q", "-c", "-3"], input=data, stdout=subprocess.PIPE, check=True).stdout


def layers():
    plain = tar_bytes(tarfile.USTAR_FORMAT, sample)
    write("layer_listing", "plain.tar", plain)
    write("layer_listing", "empty.tar", bytes(1024))
    write("layer_listing", "pax.tar", tar_bytes(tarfile.PAX_FORMAT, long_names))
    write("layer_listing", "gnu.tar", tar_bytes(tarfile.GNU_FORMAT, long_names))
    write("layer_listing", "plain.tar.gz", gzip.compress(plain, 6, mtime=0))
    write("layer_listing", "members.tar.gz", gzip_members(plain, 3))
    write("layer_listing", "plain.tar.zst", zstd(plain))
    write("layer_listing", "frames.tar.zst", zstd(plain[:2048]) + zstd(plain[2048:]))
    write("layer_listing", "truncated.tar.gz", gzip.compress(plain, 6, mtime=0)[:200])
    # Past the 4 MiB checkpoint spacing: deflate block-boundary checkpoints (not byte
    # aligned, with a 32 KiB window), one Z_BLOCK flush per 256 KiB.
    rng = random.Random(4)
    body = bytearray(4 * 1024 * 1024 + 600 * 1024)
    for i in range(0, len(body), 1024):
        body[i:i + 8] = rng.randbytes(8)
    big = tar_bytes(tarfile.USTAR_FORMAT, lambda t: add(t, "big", data=bytes(body)))
    z = zlib.compressobj(6, zlib.DEFLATED, 31)
    blocks = [z.compress(big[i:i + (256 << 10)]) + z.flush(zlib.Z_BLOCK)
              for i in range(0, len(big), 256 << 10)]
    write("layer_listing", "checkpoints.tar.gz", b"".join(blocks) + z.flush())


# --- merge: bytes for `arbitrary` (any bytes decode to some layer stack) ------------------
def merges():
    rng = random.Random(7)
    for i in range(4):
        write("merge", f"random{i}", rng.randbytes(64 << i))


# --- supply: a mode byte (the decoder, see fuzz_targets/supply.rs), then the document -----
def supplies():
    hexd = "4aa3054270f7a70b4528f2064ee90961788e1e1518703592ae4463de3b889dec"
    payload = ('{"critical":{"identity":{"docker-reference":"index.docker.io/namespace/image"},'
               '"image":{"docker-manifest-digest":"sha256:' + hexd + '"},'
               '"type":"cosign container image signature"},"optional":null}').encode()
    statement = ('{"_type":"https://in-toto.io/Statement/v1","subject":[{"name":"pkg:docker/a@b",'
                 '"digest":{"sha256":"' + hexd + '"}}],"predicateType":"https://slsa.dev/provenance/v1",'
                 '"predicate":{"buildDefinition":{"buildType":"https://mobyproject.org/buildkit@v1",'
                 '"resolvedDependencies":[{"uri":"pkg:docker/alpine@latest?platform=linux%2Famd64",'
                 '"digest":{"sha256":"' + hexd + '"}}]},"runDetails":{"builder":{"id":"b"}}}}').encode()
    envelope = ('{"payloadType":"application/vnd.in-toto+json","payload":"'
                + base64.b64encode(statement).decode() + '","signatures":[{"keyid":"","sig":"AAAA"}]}').encode()
    sbom = (b'{"spdxVersion":"SPDX-2.2","name":"x","creationInfo":{"created":"2024-01-01T00:00:00Z",'
            b'"creators":["Tool: syft"]},"packages":[{"SPDXID":"SPDXRef-1","name":"busybox",'
            b'"versionInfo":"1.36.1-r2","licenseConcluded":"GPL-2.0-only","externalRefs":[{'
            b'"referenceCategory":"PACKAGE_MANAGER","referenceType":"purl",'
            b'"referenceLocator":"pkg:apk/alpine/busybox@1.36.1-r2?arch=x86_64"}]}]}')
    for name, mode, doc in [
        ("simple-signing", 0, payload), ("dsse", 1, envelope), ("attestation", 2, envelope),
        ("provenance", 6, statement), ("sbom", 7, sbom), ("pretty", 9, envelope),
        ("tag", 10, f"sha256-{hexd}.sig".encode()),
    ]:
        write("supply", name, bytes([mode]) + doc)


if __name__ == "__main__":
    shutil.rmtree(SEEDS, ignore_errors=True)
    references()
    challenges()
    manifests()
    layers()
    merges()
    supplies()
    for d in sorted(SEEDS.iterdir()):
        files = list(d.iterdir())
        print(f"{d.name}: {len(files)} seeds, {sum(f.stat().st_size for f in files)} bytes")
