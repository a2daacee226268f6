import gzip
import shutil
import tarfile
import tempfile

GZIP_MAGIC = b"\x1f\x8b"
ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"


def layer_stream(blob):
    """A layer blob (an open file) as its uncompressed tar stream.

    A layer is a tar, gzip- or zstd-compressed or plain; its first bytes tell which
    (a media type can be wrong)."""
    blob.seek(0)
    magic = blob.read(4)
    blob.seek(0)
    if magic.startswith(GZIP_MAGIC):
        return gzip.GzipFile(fileobj=blob, mode="rb")  # reads multi-member gzip too
    if magic == ZSTD_MAGIC:
        try:
            from compression import zstd  # the standard library has zstd from Python 3.14
        except ImportError:
            raise Failure(
                "the layer is zstd-compressed, and Python's standard library reads zstd only "
                "from Python 3.14 on: run this with Python 3.14, or use the sh script (zstd -dc)"
            ) from None
        return zstd.ZstdFile(blob, mode="rb")
    return blob


def listed_name(name):
    """A path as the listing shows it: as the tar names it, without a leading ./ or / and a
    trailing /."""
    if name.startswith("./"):
        name = name[2:]
    elif name.startswith("/"):
        name = name[1:]
    return name.rstrip("/")


def layer_paths(blob):
    """Every entry's path, in archive order (the root entry . left out)."""
    paths = []
    try:
        with tarfile.open(fileobj=layer_stream(blob), mode="r|") as archive:
            for member in archive:
                name = listed_name(member.name)
                if name and name != ".":
                    paths.append(name)
    except (tarfile.TarError, EOFError, OSError) as problem:
        raise Failure(f"the layer is not a readable tar: {problem}") from None
    return paths


def file_bytes(blob, path):
    """The bytes of `path` in a layer, in a temporary file: its last entry of that name (a
    later entry replaces an earlier one), hard links and symbolic links inside the layer
    followed."""
    wanted = listed_name(path)
    extracted = tempfile.TemporaryFile()
    with tempfile.TemporaryFile() as plain:
        try:
            shutil.copyfileobj(layer_stream(blob), plain, CHUNK)
            plain.seek(0)
            with tarfile.open(fileobj=plain, mode="r:") as archive:
                members = [m for m in archive.getmembers() if listed_name(m.name) == wanted]
                if not members:
                    raise Failure(f"{path} is not in this layer")
                member = members[-1]
                if member.isdir():
                    raise Failure(f"{path} is a directory in this layer, not a file")
                content = archive.extractfile(member)
                if content is None:
                    raise Failure(f"{path} is a {member.type!r} entry without bytes")
                shutil.copyfileobj(content, extracted, CHUNK)
                extracted.seek(0)
                return extracted
        except (tarfile.TarError, EOFError, KeyError) as problem:
            raise Failure(f"cannot read {path} from the layer: {problem}") from None
