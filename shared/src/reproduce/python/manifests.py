import hashlib
import json
import re

INDEX_TYPES = (
    "application/vnd.oci.image.index.v1+json",
    "application/vnd.docker.distribution.manifest.list.v2+json",
)
IMAGE_TYPES = (
    "application/vnd.oci.image.manifest.v1+json",
    "application/vnd.docker.distribution.manifest.v2+json",
)
SCHEMA1_TYPES = (
    "application/vnd.docker.distribution.manifest.v1+json",
    "application/vnd.docker.distribution.manifest.v1+prettyjws",
)
DIGEST = re.compile(r"(sha256:[0-9a-f]{64}|sha512:[0-9a-f]{128})")
MAX_INDEX_DEPTH = 4


def checked_digest(value, what):
    """A digest from a manifest, checked before it becomes part of a URL or a file name."""
    if not isinstance(value, str) or not DIGEST.fullmatch(value):
        raise Failure(f"{what} is not a sha256 or sha512 digest: {value!r}")
    return value


class Manifest:
    def __init__(self, digest, media_type, body, raw):
        self.digest = digest
        self.media_type = media_type
        self.body = body  # the decoded JSON
        self.raw = raw  # the bytes as received: what the digest covers

    def is_index(self):
        return self.media_type in INDEX_TYPES


def fetch_manifest(registry, repository, reference, accept, head_first):
    """`HEAD` then `GET /v2/NAME/manifests/REFERENCE` with the Accept list.

    The Accept header lists every manifest type this script reads: a registry answers
    only with a type the client accepts (some answer 404 for an OCI index not listed).
    HEAD first tells the digest without the registry counting a pull (Docker Hub's rate
    limit counts GETs); the GET then brings the bytes, whose sha256 is checked against
    the digest asked for, or else the one the registry announced."""
    path = f"/v2/{repository}/manifests/{reference}"
    announced = None
    if head_first:
        say(f"HEAD {path} (the digest, without a pull counted)")
        _, response = registry.request("HEAD", path, accept)
        if is_success(response):
            announced = response.headers.get("Docker-Content-Digest")
            response.close()
        elif response.status == 429:
            raise registry_error(f"HEAD {path}", response)
        else:
            # A HEAD answer has no body: the registry's reason is in a GET's answer.
            response.close()
            say(f"  HTTP {response.status}: a GET tells the registry's reason")
    say(f"GET {path}")
    _, response = registry.request("GET", path, accept)
    if not is_success(response):
        raise registry_error(f"GET {path}", response)
    content_type = response.headers.get("Content-Type", "")
    announced = response.headers.get("Docker-Content-Digest") or announced
    raw = read_capped(response, MAX_MANIFEST_BYTES, "the manifest")
    try:
        body = json.loads(raw)
    except ValueError as problem:
        raise Failure(f"the manifest is not JSON: {problem}") from None
    if not isinstance(body, dict):
        raise Failure("the manifest is not a JSON object")
    media_type = manifest_media_type(content_type, body)
    if media_type in SCHEMA1_TYPES:
        raise Failure(
            f"{reference} is a Docker schema 1 manifest (deprecated): this script reads OCI "
            "and Docker v2 manifests only"
        )
    asked = reference if DIGEST.fullmatch(reference) else None
    return Manifest(verify_manifest(raw, asked, announced), media_type, body, raw)


def verify_manifest(raw, asked, announced):
    """The manifest's digest: the hash of its bytes, which must be the digest asked for
    (a digest reference is a promise of exactly these bytes) or, for a tag, the one in
    `Docker-Content-Digest` when the registry sent it."""
    expected = asked or (announced if announced and DIGEST.fullmatch(announced) else None)
    algorithm = expected.split(":")[0] if expected else "sha256"
    actual = algorithm + ":" + hashlib.new(algorithm, raw).hexdigest()
    if expected and actual != expected:
        source = "asked for" if asked else "the registry announced (Docker-Content-Digest)"
        raise Failure(f"the manifest's bytes hash to {actual}, not {expected} {source}")
    say(f"  digest checked: {actual}")
    return actual


def manifest_media_type(content_type, body):
    """The manifest's type: Content-Type first, the body's mediaType second, its shape last
    (OCI bodies may omit mediaType; some servers send application/json). A type naming the
    wrong kind for the body gives way to the shape."""
    known = INDEX_TYPES + IMAGE_TYPES + SCHEMA1_TYPES
    declared = content_type.split(";")[0].strip().lower()
    in_body = body.get("mediaType") if isinstance(body.get("mediaType"), str) else ""
    if "manifests" in body:
        shape = INDEX_TYPES[0]
    elif "config" in body and "layers" in body:
        shape = IMAGE_TYPES[0]
    elif "fsLayers" in body:
        shape = SCHEMA1_TYPES[1] if "signatures" in body else SCHEMA1_TYPES[0]
    else:
        shape = None

    def family(media_type):
        for types in (INDEX_TYPES, IMAGE_TYPES, SCHEMA1_TYPES):
            if media_type in types:
                return types
        return None

    named = declared if declared in known else (in_body if in_body in known else None)
    if named and shape and family(named) != family(shape):
        return in_body if family(in_body) == family(shape) else shape
    if named:
        return named
    if shape:
        return shape
    raise Failure("the answer is neither an index nor an image manifest")


def platform_name(platform):
    """os/architecture[/variant], or unknown/unknown for an entry without a platform (an
    attestation, an artifact)."""
    if not isinstance(platform, dict):
        return "unknown/unknown"
    name = f"{platform.get('os') or 'unknown'}/{platform.get('architecture') or 'unknown'}"
    return name + "/" + platform["variant"] if platform.get("variant") else name


def children(index):
    """An index's entries, each digest checked."""
    entries = index.body.get("manifests")
    if not isinstance(entries, list):
        raise Failure("the index has no manifests list")
    checked = []
    for entry in entries:
        if not isinstance(entry, dict):
            raise Failure("an index entry is not a JSON object")
        checked_digest(entry.get("digest"), "an index entry's digest")
        checked.append(entry)
    return checked


def runnable(entry):
    """An entry that is a platform's image (or a nested index), not an attestation."""
    annotations = entry.get("annotations") if isinstance(entry.get("annotations"), dict) else {}
    if annotations.get("vnd.docker.reference.type") == "attestation-manifest":
        return False
    if entry.get("mediaType") in INDEX_TYPES:
        return True
    return platform_name(entry.get("platform")) != "unknown/unknown"


def choose_child(index, platform):
    """The index entry the view chose: `platform` by digest, or the only runnable one."""
    entries = children(index)
    if platform:
        for entry in entries:
            if entry["digest"] == platform:
                say(f"  the index lists {platform} ({plain(platform_name(entry.get('platform')))})")
                return platform
        nested = [e for e in entries if e.get("mediaType") in INDEX_TYPES]
        if nested:
            return nested[0]["digest"]
        raise Failure(f"index {index.digest} does not list {platform}")
    candidates = [e for e in entries if runnable(e)]
    if len(candidates) != 1:
        raise Failure(f"{index.digest} is an index of {len(candidates)} runnable entries: choose a platform")
    return candidates[0]["digest"]


def resolve_image(registry, repository, reference, platform, accept, head_first):
    """The image manifest the view is about: the reference's, or for an index the chosen
    platform's (fetched by its digest, so its bytes are checked against the index)."""
    manifest = fetch_manifest(registry, repository, reference, accept, head_first)
    for _ in range(MAX_INDEX_DEPTH):
        if not manifest.is_index():
            return manifest
        child = choose_child(manifest, platform)
        manifest = fetch_manifest(registry, repository, child, accept, head_first)
    raise Failure(f"indexes nested deeper than {MAX_INDEX_DEPTH} levels")


def image_blobs(image):
    """The config and the layers (bottom first) of an image manifest, digests checked."""
    config = image.body.get("config")
    layers = image.body.get("layers")
    if not isinstance(config, dict) or not isinstance(layers, list):
        raise Failure("the image manifest has no config or no layers list")
    checked_digest(config.get("digest"), "the config's digest")
    for layer in layers:
        if not isinstance(layer, dict):
            raise Failure("a layer descriptor is not a JSON object")
        checked_digest(layer.get("digest"), "a layer's digest")
    return config, layers


def descriptor_size(descriptor):
    size = descriptor.get("size")
    return size if isinstance(size, int) and not isinstance(size, bool) and size >= 0 else 0


def index_lines(index):
    lines = [f"digest {index.digest}", f"mediaType {index.media_type}"]
    for entry in children(index):
        lines.append(f"platform {entry['digest']} {platform_name(entry.get('platform'))}")
    return lines


def image_lines(image):
    config, layers = image_blobs(image)
    lines = [f"digest {image.digest}", f"mediaType {image.media_type}", f"config {config['digest']}"]
    for layer in layers:
        lines.append(f"layer {layer['digest']} {descriptor_size(layer)}")
    return lines
