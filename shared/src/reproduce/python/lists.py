import re
import urllib.parse

LINK = re.compile(r"<([^>]*)>((?:\s*;\s*[^;,]*)*)")


def next_link(values, current):
    """The `Link: <URL>; rel="next"` header of a list page: where the next page is
    (relative URLs resolved against the page's), or None on the last page."""
    for value in values:
        for target, parameters in LINK.findall(value):
            for parameter in parameters.split(";"):
                name, _, rel = parameter.partition("=")
                if name.strip().lower() == "rel" and "next" in rel.strip().strip('"').lower().split():
                    return urllib.parse.urljoin(current, target)
    return None


def list_pages(registry, path, key, what):
    """Every item of a paginated list (`tags` of tags/list, `repositories` of _catalog).

    The registry may return a list in pages: the `n` parameter asks for a page size (many
    registries ignore it), and each page that is not the last names the next one in its
    `Link` header. Pages are followed until none is named; the items are kept in the
    registry's order."""
    items, url, pages = [], path, 0
    while url:
        pages += 1
        if pages > MAX_PAGES:
            raise Failure(f"the {what} has more than {MAX_PAGES} pages")
        say(f"GET {shown(url)} ({what}, page {pages})")
        final, response = registry.request("GET", url, "application/json")
        if not is_success(response):
            raise registry_error(f"GET {what} page {pages}", response)
        links = response.headers.get_all("Link") or []
        page = read_json(response, f"{what} page {pages}")
        listed = page.get(key) if isinstance(page, dict) else None
        for item in listed or []:
            if isinstance(item, str):  # registries have been seen listing null
                items.append(item)
        url = next_link(links, final)
        if url and origin(url) != origin(final):
            raise Failure(f"the {what}'s next page is on another host ({origin(url)}): not followed")
    say(f"  {len(items)} entries in {pages} page(s)")
    return items
