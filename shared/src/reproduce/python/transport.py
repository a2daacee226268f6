import http.client
import json
import shutil
import sys
import unicodedata
import urllib.parse
import urllib.request


class Failure(Exception):
    """A step that failed, told in the registry's own words: printed, then exit 1."""


def printable(text):
    """Text safe for a terminal: every control character (escape sequences, OSC 52 clipboard
    writes, carriage returns) but the line break shown as `?`."""
    return "".join("?" if c != "\n" and unicodedata.category(c) == "Cc" else c for c in str(text))


def plain(value):
    """A value from the server, on one line: every control character, line breaks too, as `?`."""
    return "".join("?" if unicodedata.category(c) == "Cc" else c for c in str(value))


def say(text):
    """Progress for the person running this: on standard error, so that standard output
    holds the result alone. Registry text never reaches the terminal raw."""
    print(printable(text), file=sys.stderr, flush=True)


class KeepEveryAnswer(urllib.request.HTTPErrorProcessor):
    """Hands every answer back as it came, redirects and errors included.

    urllib's own redirect handler would follow a blob's 307 to a CDN and send the
    Authorization header along; here redirects are followed by hand (see send), and a
    failed answer's body is read for the registry's error."""

    def http_response(self, request, response):
        return response

    https_response = http_response


def http_opener():
    """An opener that speaks HTTP and HTTPS only (no file:, ftp: or data: handler) and
    follows no redirect itself."""
    opener = urllib.request.OpenerDirector()
    for handler in (
        urllib.request.ProxyHandler(),
        urllib.request.UnknownHandler(),
        urllib.request.HTTPHandler(),
        urllib.request.HTTPSHandler(),
        KeepEveryAnswer(),
    ):
        opener.add_handler(handler)
    return opener


OPENER = http_opener()
REDIRECT_STATUSES = (301, 302, 303, 307, 308)
DEFAULT_PORTS = {"http": 80, "https": 443}


def checked_url(url, what):
    """`url` when it is http: or https: with a host; any other URL is refused unopened."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme.lower() not in DEFAULT_PORTS or not parts.hostname:
        raise Failure(f"{what}: refusing {plain(url)[:200]} (only http: and https: URLs are opened)")
    return url


def origin(url):
    """scheme://host[:port] (the port when not the scheme's default): what Authorization is
    bound to."""
    parts = urllib.parse.urlsplit(url)
    scheme, host = parts.scheme.lower(), (parts.hostname or "").lower()
    try:
        port = parts.port
    except ValueError:
        raise Failure(f"{plain(url)[:200]}: not a valid port") from None
    if ":" in host:
        host = f"[{host}]"
    if port is not None and port != DEFAULT_PORTS.get(scheme):
        host += f":{port}"
    return scheme + "://" + host


def shown(url):
    """A URL as progress shows it: path and query, without the host."""
    parts = urllib.parse.urlsplit(url)
    return parts.path + ("?" + parts.query if parts.query else "")


def send(method, url, headers=None, authorization=None, body=None, home=None, follow=True):
    """One HTTP request, redirects followed by hand (at most MAX_REDIRECTS hops) unless
    `follow` is false (then a redirect is the answer).

    `authorization` belongs to the origin `home` and is decided here, for each hop: it goes
    with a request only when that request's origin is `home`. A blob's redirect leads to a
    CDN or an object store whose URL is itself signed, and which must not see (S3 even
    rejects) the registry's credentials. Returns the final URL and the response."""
    if authorization and not home:
        raise Failure(f"{method}: Authorization without the origin it belongs to")
    url = checked_url(url, method)
    start = home or origin(url)
    for _ in range(MAX_REDIRECTS + 1):
        sent = dict(headers or {})
        if authorization and origin(url) == home:
            sent["Authorization"] = authorization
        request = urllib.request.Request(url, data=body, headers=sent, method=method)
        response = OPENER.open(request, timeout=TIMEOUT)
        if response.status not in REDIRECT_STATUSES or not follow:
            return url, response
        location = response.headers.get("Location")
        response.close()
        if not location:
            raise Failure(f"{method}: HTTP {response.status} without a Location header")
        target = checked_url(urllib.parse.urljoin(url, location), f"{method}: the redirect")
        if url.lower().startswith("https:") and not target.lower().startswith("https:"):
            raise Failure(f"{method}: refusing a redirect from https to plain http")
        if origin(target) != start:
            # Only the host: the URL carries a signature that is as good as a credential.
            host = plain(urllib.parse.urlsplit(target).netloc)
            say(f"  HTTP {response.status}: redirected to {host}, sent there without Authorization")
        if response.status == 303:
            method, body = "GET", None
        url = target
    raise Failure(f"{method}: more than {MAX_REDIRECTS} redirects")


def is_success(response):
    return 200 <= response.status < 300


def registry_error(what, response):
    """The failure of a step as the server told it: the HTTP status, then the `code:
    message` of each error in its JSON body (the distribution spec's error format), or the
    message of a token server or web API, or the body's first line."""
    body = response.read(MAX_ERROR_BYTES)
    response.close()
    status = f"{what}: HTTP {response.status} {plain(response.reason or '')}".rstrip()
    said = error_words(body)
    if response.status == 429 and response.headers.get("Retry-After"):
        said = (said + "; " if said else "") + "retry after " + plain(response.headers["Retry-After"]) + " s"
    return Failure(f"{status}: {said}" if said else status)


def error_words(body):
    """The message of an error body, on one line and without control characters."""
    return plain(body_words(body))


def body_words(body):
    try:
        answer = json.loads(body)
    except ValueError:
        answer = None
    if isinstance(answer, dict):
        errors = answer.get("errors")
        if isinstance(errors, list) and errors:
            return "; ".join(
                f"{error.get('code', 'UNKNOWN')}: {error.get('message', '')}".rstrip(": ")
                for error in errors
                if isinstance(error, dict)
            )
        for key in ("message", "detail", "error_description", "error"):
            if isinstance(answer.get(key), str) and answer[key].strip():
                return answer[key].strip()
    lines = body.decode("utf-8", "replace").strip().splitlines()
    return lines[0].strip()[:300] if lines else ""


def read_capped(response, limit, what):
    """A whole (small) body, refused when longer than `limit`."""
    data = response.read(limit + 1)
    response.close()
    if len(data) > limit:
        raise Failure(f"{what} is larger than {limit} bytes: not read")
    return data


def read_json(response, what, limit=MAX_JSON_BYTES):
    try:
        return json.loads(read_capped(response, limit, what))
    except ValueError as problem:
        raise Failure(f"{what} is not JSON: {problem}") from None


def lines_out(lines):
    """Result lines as standard output's bytes, each ending in a newline."""
    return "".join(line + "\n" for line in lines).encode("utf-8", "surrogateescape")


def run(main):
    """Runs main(); what it returns (bytes, or an open file) goes to standard output, only
    when every step succeeded."""
    try:
        output = main()
    except Failure as failure:
        say(f"error: {failure}")
        sys.exit(1)
    except (OSError, http.client.HTTPException) as problem:
        hint = ""
        if "CERTIFICATE" in str(problem).upper():
            hint = " (a company CA? set SSL_CERT_FILE to its PEM file)"
        say(f"error: the connection failed: {problem}{hint}")
        sys.exit(1)
    except KeyboardInterrupt:
        sys.exit(130)
    if hasattr(output, "read"):
        shutil.copyfileobj(output, sys.stdout.buffer, CHUNK)
    else:
        sys.stdout.buffer.write(output)
    sys.stdout.flush()
