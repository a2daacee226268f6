import sys

# Limits, so that a misbehaving server cannot make this script wait or read forever.
TIMEOUT = 60  # seconds, for each connection and each read
MAX_REDIRECTS = 5  # hops followed for one request
MAX_PAGES = 1000  # pages of one list
MAX_JSON_BYTES = 16 * 1024 * 1024  # one JSON answer (a list page, a token)
MAX_MANIFEST_BYTES = 4 * 1024 * 1024  # one manifest (the distribution spec's suggested cap)
MAX_ERROR_BYTES = 64 * 1024  # the part of an error body read for its message
CHUNK = 1024 * 1024  # blobs are streamed in pieces of this size, never held whole

if sys.version_info < (3, 9):
    sys.exit("error: this script needs Python 3.9 or later")
