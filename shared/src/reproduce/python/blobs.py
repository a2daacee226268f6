import hashlib
import os
import tempfile


def open_blob(registry, repository, digest):
    """`GET /v2/NAME/blobs/DIGEST`: the response, after any redirect.

    Registries usually answer a blob with a redirect (307) to a CDN or object store; the
    redirect is followed by hand, and Authorization stays with the registry."""
    path = f"/v2/{repository}/blobs/{digest}"
    say(f"GET {path}")
    _, response = registry.request("GET", path)
    if not is_success(response):
        raise registry_error(f"GET blob {digest}", response)
    return response


def copy_verified(response, digest, into):
    """Streams a blob into the file `into`, hashing it on the way; a blob whose bytes do
    not hash to its digest is an error (content addressing: the digest is the name).
    Returns the size."""
    algorithm = digest.split(":")[0]
    hasher = hashlib.new(algorithm)
    size = 0
    while True:
        chunk = response.read(CHUNK)
        if not chunk:
            break
        hasher.update(chunk)
        into.write(chunk)
        size += len(chunk)
    response.close()
    actual = f"{algorithm}:{hasher.hexdigest()}"
    if actual != digest:
        raise Failure(f"blob {digest}: its bytes hash to {actual}")
    say(f"  digest checked: {digest} ({size} bytes)")
    return size


def fetch_blob(registry, repository, digest, into):
    return copy_verified(open_blob(registry, repository, digest), digest, into)


def save_atomically(name, write):
    """Calls write(file) on a temporary file beside `name`, renamed to `name` only when
    it succeeded: a failed step leaves no partial file."""
    handle, temporary = tempfile.mkstemp(dir=".", prefix=".lading-", suffix=".partial")
    try:
        with os.fdopen(handle, "wb") as file:
            result = write(file)
        os.replace(temporary, name)
        temporary = None
        return result
    finally:
        if temporary:
            os.unlink(temporary)


def blob_of_image(image, digest):
    """The config or layer descriptor `digest` names, if the image has it."""
    config, layers = image_blobs(image)
    for descriptor in [config] + layers:
        if descriptor["digest"] == digest:
            return descriptor
    raise Failure(f"{digest} is neither a layer nor the config of image {image.digest}")
