//! Shell functions for lists: a registry's pages (tags, catalog) walked by their `Link`
//! header, and Docker Hub's web API (a namespace's repositories) walked by `next`.

/// Registry list pages.
pub const PAGES: &str = r##"# next_link: the rel="next" target of the last answer's Link header(s), if any
# (`Link: </v2/NAME/tags/list?n=100&last=b>; rel="next"`).
next_link() {
  header link | awk '{ s = $0
    while (match(s, /<[^>]*>[^<]*/)) {
      g = substr(s, RSTART, RLENGTH); s = substr(s, RSTART + RLENGTH)
      u = g; sub(/^</, "", u); sub(/>.*$/, "", u)
      p = g; sub(/^<[^>]*>/, "", p)
      if (p ~ /rel="?next"?([ ;,]|$)/) { print u; exit } } }'
}

# walk_pages URL FIELD: GETs every page of a list, appending the strings of its FIELD array
# to $WORK/names. A page names the next one in its Link header (relative to this one);
# the last page has none.
walk_pages() {
  p_url=$1 p_count=0
  : > "$WORK/names"
  while :; do
    p_count=$((p_count + 1))
    [ "$p_count" -le "$MAX_PAGES" ] || fail "more than $MAX_PAGES pages: stopped"
    api GET "$p_url"
    [ "$STATUS" = 200 ] || registry_error "page $p_count of the list"
    jq -r --arg f "$2" '.[$f] // [] | .[] | strings' "$WORK/body" >> "$WORK/names" ||
      fail "page $p_count is not the expected JSON ({\"$2\": [...]})"
    p_link=$(next_link)
    [ -n "$p_link" ] || break
    p_next=$(resolve "$p_link" "$p_url")
    p_origin=$(origin "$p_next")
    [ "$p_origin" = "$(origin "$p_url")" ] || fail "the next page is on another host ($p_origin): refused"
    p_path=${p_next#"$p_origin"}
    case $p_path in
      /v2/*) ;;
      # Artifactory names the next page without /v2: the same endpoint once prefixed.
      *) [ "/v2${p_path%%\?*}" = "$(printf '%s\n' "${p_url#"$p_origin"}" | sed 's/?.*//')" ] ||
           fail "the next page is outside the registry API ($p_path): refused"
         p_next="$p_origin/v2$p_path" ;;
    esac
    [ "$p_next" != "$p_url" ] || fail "the Link header names the same page again: stopped"
    say "  Link rel=\"next\": there is a page $((p_count + 1))"
    p_url=$p_next
  done
  say "  $p_count page(s)"
}
"##;

/// Docker Hub's web API: a sign-in and a namespace's repositories.
pub const HUB: &str = r##"# hub_sign_in: POST /v2/auth/token {"identifier", "secret"} → a JWT for the web API (the
# Hub's own sign-in, separate from the registry's tokens), sent on its later requests.
hub_sign_in() {
  jq -n '{identifier: env.REGISTRY_USER, secret: env.REGISTRY_PASSWORD}' > "$WORK/sign-in.json"
  request POST "$HUB/v2/auth/token" -H 'Content-Type: application/json' \
    -H 'Accept: application/json' --data-binary "@$WORK/sign-in.json"
  rm -f "$WORK/sign-in.json"
  [ "$STATUS" = 200 ] || registry_error "the Docker Hub sign-in"
  h_jwt=$(jq -r '.access_token // empty' "$WORK/body" 2>/dev/null) || h_jwt=
  [ -n "$h_jwt" ] || fail "Docker Hub's sign-in answered without an access_token"
  case $h_jwt in
    *[![:graph:]]*) fail "Docker Hub's token holds spaces or control characters" ;;
  esac
  printf 'Authorization: Bearer %s\n' "$h_jwt" > "$WORK/authorization"
}

# hub_repositories: every page of GET /v2/namespaces/NS/repositories, the names into
# $WORK/names. A page names the next in its "next" field; past the last, Hub answers 404.
hub_repositories() {
  h_url="$HUB/v2/namespaces/$(uri "$NAMESPACE")/repositories?page_size=100&page=1"
  h_page=1
  : > "$WORK/names"
  while :; do
    request GET "$h_url" -H 'Accept: application/json'
    if [ "$STATUS" = 404 ] && [ "$h_page" -gt 1 ]; then break; fi
    [ "$STATUS" = 200 ] || registry_error "page $h_page of the repositories of $NAMESPACE"
    jq -r '.results // [] | .[] | .name | strings' "$WORK/body" >> "$WORK/names" ||
      fail "page $h_page is not the expected JSON"
    h_next=$(jq -r '.next // empty | strings' "$WORK/body")
    h_listed=$(jq -r '.results // [] | length' "$WORK/body")
    { [ -n "$h_next" ] && [ "$h_listed" -gt 0 ]; } || break
    case $h_next in
      "$HUB"/*) ;;
      *) fail "the next page is not on $HUB: refused" ;;
    esac
    h_page=$((h_page + 1))
    [ "$h_page" -le "$MAX_PAGES" ] || fail "more than $MAX_PAGES pages: stopped"
    h_url=$h_next
  done
  say "  $h_page page(s)"
}
"##;
