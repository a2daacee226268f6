import hashlib
import io
import json
import tarfile

LAYOUT_VERSION = "1.0.0"


def tar_add(archive, path, data):
    """A file of the layout, from bytes."""
    entry = tarfile.TarInfo(path)
    entry.size = len(data)
    entry.mode = 0o644
    archive.addfile(entry, io.BytesIO(data))


class Hashing:
    """A blob's response read through a hash, for tarfile to copy from."""

    def __init__(self, response, algorithm):
        self.response = response
        self.hasher = hashlib.new(algorithm)

    def read(self, size=-1):
        chunk = self.response.read(size)
        self.hasher.update(chunk)
        return chunk


def tar_add_blob(archive, registry, repository, descriptor):
    """A blob streamed from the registry into the archive, its digest checked on the way.
    The tar header needs the size first: it comes from the descriptor."""
    digest = descriptor["digest"]
    algorithm, hex_digest = digest.split(":")
    response = open_blob(registry, repository, digest)
    entry = tarfile.TarInfo(f"blobs/{algorithm}/{hex_digest}")
    entry.size = descriptor_size(descriptor)
    entry.mode = 0o644
    reader = Hashing(response, algorithm)
    try:
        archive.addfile(entry, reader)
    except OSError as problem:
        raise Failure(f"blob {digest}: shorter than the {entry.size} bytes its descriptor says ({problem})") from None
    if response.read(1):
        raise Failure(f"blob {digest}: longer than the {entry.size} bytes its descriptor says")
    response.close()
    actual = f"{algorithm}:{reader.hasher.hexdigest()}"
    if actual != digest:
        raise Failure(f"blob {digest}: its bytes hash to {actual}")
    say(f"  digest checked: {digest} ({entry.size} bytes)")


def write_layout(file, registry, repository, image, name, tag):
    """An OCI image layout, tarred: `oci-layout`, `index.json` naming the image manifest,
    and `blobs/ALGORITHM/HEX` for the manifest, the config and each layer (each blob once).
    `manifest.json` makes the same archive loadable with `docker load`."""
    config, layers = image_blobs(image)
    annotations = {"io.containerd.image.name": name}
    if tag:
        annotations["org.opencontainers.image.ref.name"] = tag
    index = {
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.index.v1+json",
        "manifests": [
            {
                "mediaType": image.media_type,
                "digest": image.digest,
                "size": len(image.raw),
                "annotations": annotations,
            }
        ],
    }
    algorithm, hex_digest = image.digest.split(":")
    docker = [
        {
            "Config": "blobs/" + config["digest"].replace(":", "/"),
            "RepoTags": [name] if tag else [],
            "Layers": ["blobs/" + layer["digest"].replace(":", "/") for layer in layers],
        }
    ]
    with tarfile.open(fileobj=file, mode="w|", format=tarfile.PAX_FORMAT) as archive:
        tar_add(archive, "oci-layout", json.dumps({"imageLayoutVersion": LAYOUT_VERSION}).encode())
        tar_add(archive, "index.json", json.dumps(index).encode())
        tar_add(archive, "manifest.json", json.dumps(docker).encode())
        tar_add(archive, f"blobs/{algorithm}/{hex_digest}", image.raw)
        seen = {image.digest}
        for descriptor in [config] + layers:
            if descriptor["digest"] not in seen:
                seen.add(descriptor["digest"])
                tar_add_blob(archive, registry, repository, descriptor)
