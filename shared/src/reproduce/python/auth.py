import base64
import os
import urllib.parse


def environment_credentials(required):
    """REGISTRY_USER and REGISTRY_PASSWORD from the environment, or None when unset.

    They are read here and nowhere else, and never written into this file."""
    user = os.environ.get("REGISTRY_USER", "")
    password = os.environ.get("REGISTRY_PASSWORD", "")
    if user:
        return user, password
    if required:
        raise Failure(
            "this view was made with credentials: set REGISTRY_USER and REGISTRY_PASSWORD"
        )
    return None


def basic(credentials):
    """`Basic base64(user:password)`, the Authorization of a Basic challenge and of a token
    request."""
    pair = f"{credentials[0]}:{credentials[1]}".encode("utf-8")
    return "Basic " + base64.b64encode(pair).decode("ascii")


def parse_challenges(values):
    """`WWW-Authenticate` header values into [(scheme, {parameter: value})].

    Tolerant of what registries send: several challenges in one header or in several
    headers, quoted values holding commas (`scope="repository:a:pull,push"`) and
    backslash escapes, unquoted values, stray spaces."""
    found = []
    for text in values:
        i = 0
        while i < len(text):
            while i < len(text) and text[i] in " \t,":
                i += 1
            start = i
            while i < len(text) and text[i] not in " \t,=":
                i += 1
            word = text[start:i]
            after = i
            while after < len(text) and text[after] in " \t":
                after += 1
            if after < len(text) and text[after] == "=":
                value, i = parameter_value(text, after + 1)
                if found and word:
                    found[-1][1][word.lower()] = value
            elif word:
                found.append((word.lower(), {}))
            elif i < len(text):
                i += 1
    return found


def parameter_value(text, i):
    """A parameter's value at text[i:]: a quoted string or a token. Returns it and the index
    after it."""
    while i < len(text) and text[i] in " \t":
        i += 1
    if i < len(text) and text[i] == '"':
        value, i = [], i + 1
        while i < len(text) and text[i] != '"':
            if text[i] == "\\" and i + 1 < len(text):
                i += 1
            value.append(text[i])
            i += 1
        return "".join(value), i + 1
    start = i
    while i < len(text) and text[i] not in " \t,":
        i += 1
    return text[start:i], i


class Registry:
    """The registry's API at `base`, spoken to as its challenge asks.

    The challenge is read when the script runs, not copied from the trace: a registry may
    change how it authenticates, and a token from the trace would have expired. The
    registry owns its origin (from `base`): its Authorization goes to that origin only,
    whatever URL a request names or is redirected to."""

    def __init__(self, base, scope, credentials):
        self.base = checked_url(base.rstrip("/"), "the registry")
        self.origin = origin(self.base)
        self.scope = scope
        self.credentials = credentials
        self.authorization = None  # sent with every request once a challenge is answered
        self.answered = False

    def ping(self):
        """`GET /v2/` without credentials: 200 means none are needed; a 401 carries the
        challenge (`WWW-Authenticate`) saying how to authenticate."""
        say("GET /v2/ (the ping: which authentication does the registry want?)")
        url, response = send("GET", self.base + "/v2/", home=self.origin)
        if response.status == 401 and origin(url) == self.origin:
            self.answer(url, response)
        elif is_success(response):
            response.close()
            say("  HTTP 200: the registry asks for no credentials")
        else:
            raise registry_error("GET /v2/", response)

    def answer(self, url, response):
        """Answers a 401's challenge: Basic sends the credentials with every request; Bearer
        trades them (or nothing, anonymously) for a token at the realm, for one scope."""
        challenges = dict(reversed(parse_challenges(response.headers.get_all("WWW-Authenticate") or [])))
        if "bearer" in challenges:
            response.close()
            self.authorization = "Bearer " + fetch_token(self, url, challenges["bearer"])
        elif "basic" in challenges:
            response.close()
            if not self.credentials:
                raise Failure(
                    "the registry asks for a user name and password (a Basic challenge): "
                    "set REGISTRY_USER and REGISTRY_PASSWORD"
                )
            say("  HTTP 401, Basic challenge: the credentials go with every request")
            self.authorization = basic(self.credentials)
        else:
            raise registry_error("the registry refused without a challenge this script can answer", response)
        self.answered = True

    def url(self, path):
        """`path` under the registry's base, or a whole URL as is (its origin decides whether
        Authorization goes along, in send)."""
        return path if "://" in path else self.base + path

    def request(self, method, path, accept=None, follow=True):
        """One request to the registry (`path` under its base, or a whole URL), with what the
        challenge asked for. A registry that let the ping through may still challenge a
        later request: that challenge (the registry's own, not a redirect target's) is
        answered once and the request repeated."""
        url = self.url(path)
        headers = {"Accept": accept} if accept else {}
        final, response = send(method, url, headers, self.authorization, home=self.origin, follow=follow)
        challenged = response.status == 401 and response.headers.get("WWW-Authenticate")
        if challenged and not self.answered and origin(final) == self.origin:
            self.answer(final, response)
            final, response = send(method, url, headers, self.authorization, home=self.origin, follow=follow)
        return final, response


def checked_realm(registry, realm):
    """The token server's URL, refused unless https: (or http: for a registry that is itself
    plain http, a loopback one): the credentials go there."""
    realm = checked_url(realm, "the Bearer challenge's realm")
    if realm.lower().startswith("http:") and not registry.base.lower().startswith("http:"):
        raise Failure(
            f"the token server {plain(origin(realm))} is plain http for an https registry: "
            "refused (the credentials would go in cleartext)"
        )
    return realm


def fetch_token(registry, url, challenge):
    """The token request: `GET realm?service=…&scope=…` (the realm and service from the
    challenge, the scope being what this view needs: pulling one repository, or reading
    the catalog). With credentials they go to the token server as Basic; without, the
    token is anonymous. The answer holds `token` (or `access_token`, in OAuth2 style)."""
    realm = challenge.get("realm")
    if not realm:
        raise Failure("the registry's Bearer challenge names no realm (token server)")
    realm = checked_realm(registry, urllib.parse.urljoin(url, realm))  # a realm may be relative
    scope, credentials = registry.scope, registry.credentials
    query = []
    if challenge.get("service"):
        query.append("service=" + urllib.parse.quote(challenge["service"], safe=""))
    query.append("scope=" + urllib.parse.quote(scope, safe=":/*"))
    token_url = realm + ("&" if "?" in realm else "?") + "&".join(query)
    who = "with REGISTRY_USER's credentials" if credentials else "anonymously"
    say(f"  HTTP 401, Bearer challenge: a token for scope {scope} from {plain(origin(realm))}, {who}")
    authorization = basic(credentials) if credentials else None
    home = origin(realm)
    _, response = send("GET", token_url, {"Accept": "application/json"}, authorization, home=home)
    if not is_success(response):
        raise registry_error("the token request", response)
    answer = read_json(response, "the token server's answer")
    token = (answer.get("token") or answer.get("access_token")) if isinstance(answer, dict) else None
    if not isinstance(token, str) or not token:
        raise Failure("the token server answered without a token")
    return token
