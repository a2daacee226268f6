import re
import urllib.parse

LINK = re.compile(r"<([^>]*)>((?:\s*;\s*[^;,]*)*)")


def next_link(values):
    """The target of a list page's `Link: <URL>; rel="next"` header, as written (see
    next_page), or None on the last page."""
    for value in values:
        for target, parameters in LINK.findall(value):
            for parameter in parameters.split(";"):
                name, _, rel = parameter.partition("=")
                if name.strip().lower() == "rel" and "next" in rel.strip().strip('"').lower().split():
                    return target
    return None


def next_page(registry, link, page, what):
    """The next page's URL from a `Link` target (resolved against the registry's page):
    refused unless it is on the registry's own origin and under its /v2/ API. Artifactory
    names the next page without /v2: the same endpoint, once prefixed."""
    url = checked_url(urllib.parse.urljoin(page, link), f"the {what}'s next page")
    if origin(url) != registry.origin:
        raise Failure(f"the {what}'s next page is on another host ({plain(origin(url))}): refused")
    api = urllib.parse.urlsplit(registry.base).path + "/v2"
    parts = urllib.parse.urlsplit(url)
    if not parts.path.startswith(api + "/"):
        if api + parts.path != urllib.parse.urlsplit(page).path:
            raise Failure(f"the {what}'s next page is outside the registry API ({plain(parts.path)[:200]}): refused")
        url = urllib.parse.urlunsplit(parts._replace(path=api + parts.path))
    if url == page:
        raise Failure(f"the {what}'s Link header names the same page again: stopped")
    return url


def list_pages(registry, path, key, what):
    """Every item of a paginated list (`tags` of tags/list, `repositories` of _catalog).

    The registry may return a list in pages: the `n` parameter asks for a page size (many
    registries ignore it), and each page that is not the last names the next one in its
    `Link` header. Pages are followed until none is named; the items are kept in the
    registry's order. A page comes from the registry itself: a redirected one is refused
    (its Link would lead on from another host)."""
    items, url, pages = [], registry.url(path), 0
    while url:
        pages += 1
        if pages > MAX_PAGES:
            raise Failure(f"the {what} has more than {MAX_PAGES} pages")
        say(f"GET {plain(shown(url))} ({what}, page {pages})")
        _, response = registry.request("GET", url, "application/json", follow=False)
        if response.status in REDIRECT_STATUSES:
            response.close()
            target = plain(response.headers.get("Location") or "nowhere")[:200]
            raise Failure(f"GET {what} page {pages}: HTTP {response.status}, redirected to {target}: refused")
        if not is_success(response):
            raise registry_error(f"GET {what} page {pages}", response)
        links = response.headers.get_all("Link") or []
        page = read_json(response, f"{what} page {pages}")
        listed = page.get(key) if isinstance(page, dict) else None
        for item in listed or []:
            if isinstance(item, str):  # registries have been seen listing null
                items.append(item)
        link = next_link(links)
        url = next_page(registry, link, url, what) if link else None
    say(f"  {len(items)} entries in {pages} page(s)")
    return items
