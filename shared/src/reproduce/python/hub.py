import json
import re
import urllib.parse

HUB_API = "https://hub.docker.com"
HUB_NAME = re.compile(r"[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*")


def hub_sign_in(credentials):
    """Docker Hub's web API is not the registry and has its own sign-in: `POST
    /v2/auth/token {"identifier", "secret"}` answers a JWT (`access_token`) that goes with
    each API call as Bearer. A personal access token works as the secret."""
    say(f"POST {HUB_API}/v2/auth/token (signing in to Docker Hub's web API)")
    body = json.dumps({"identifier": credentials[0], "secret": credentials[1]}).encode("utf-8")
    headers = {"Content-Type": "application/json", "Accept": "application/json"}
    _, response = send("POST", HUB_API + "/v2/auth/token", headers, None, body)
    if not is_success(response):
        raise registry_error("the Docker Hub sign-in", response)
    answer = read_json(response, "the Docker Hub sign-in answer")
    token = answer.get("access_token") if isinstance(answer, dict) else None
    if not isinstance(token, str) or not token:
        raise Failure("Docker Hub's sign-in answered without an access_token")
    return "Bearer " + token


def hub_repositories(namespace, authorization):
    """The repositories of a Docker Hub namespace (the registry has no catalog there):
    `GET /v2/namespaces/NS/repositories`, page by page while an answer names a `next`."""
    query = urllib.parse.urlencode({"page_size": 100, "page": 1})
    url = f"{HUB_API}/v2/namespaces/{urllib.parse.quote(namespace, safe='')}/repositories?{query}"
    names, pages = [], 0
    while url:
        pages += 1
        if pages > MAX_PAGES:
            raise Failure(f"the namespace has more than {MAX_PAGES} pages of repositories")
        say(f"GET {plain(urllib.parse.urlsplit(url).path)} (repositories, page {pages})")
        _, response = send("GET", url, {"Accept": "application/json"}, authorization, home=HUB_API)
        if response.status == 404 and pages > 1:
            response.close()  # past the last page: the count changed meanwhile
            break
        if not is_success(response):
            raise registry_error(f"GET the repositories of {namespace}, page {pages}", response)
        page = read_json(response, f"repositories page {pages}")
        results = page.get("results") if isinstance(page, dict) else None
        for repository in results or []:
            name = repository.get("name") if isinstance(repository, dict) else None
            if isinstance(name, str) and HUB_NAME.fullmatch(name):
                names.append(f"{namespace}/{name}")
        url = page.get("next") if isinstance(page, dict) and results else None
        if url and origin(url) != HUB_API:
            raise Failure(f"the next page is not on {HUB_API}: not followed")
    say(f"  {len(names)} repositories in {pages} page(s)")
    return names
