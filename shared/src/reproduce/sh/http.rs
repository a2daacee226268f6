//! The shell functions every script starts with: messages, the work directory, one HTTP
//! exchange (`request`), reading headers, and printing a registry's error.
//!
//! `request` never follows a redirect by itself and sends `Authorization` only to the origin
//! the credentials are for (`AUTH_ORIGIN`); the header comes from a file in the private work
//! directory (`curl -H @file`), so no credential or token is ever on a command line.

/// Messages, the work directory, and where standard output goes.
pub const BASICS: &str = r##"# Messages go to standard error, and registry text (status lines, headers, realms) is in
# many of them: every control character but tab and newline (the rest of C0, DEL, and C1
# as UTF-8) is removed, so no answer can move the cursor, retitle the window or write the
# clipboard (OSC 52). A newline inside a value only starts another line.
C1_CONTROLS=$(printf '\302[\200-\237]')
printable() { tr -d '\000-\010\013-\037\177' | sed "s/$C1_CONTROLS//g"; }
say() { printf '%s\n' "$*" | printable >&2; }
fail() { printf 'error: %s\n' "$*" | printable >&2; exit 1; }
need() { command -v "$1" >/dev/null 2>&1 || fail "$1 is needed: $2"; }

need curl "install curl (Debian/Ubuntu: apt-get install curl)"
need jq "install jq (Debian/Ubuntu: apt-get install jq)"

# Everything is written to a private temporary directory, removed at exit, and the result
# goes to standard output only at the very end: a failed step leaves no partial output.
umask 077
WORK=$(mktemp -d) || fail "mktemp could not create a temporary directory"
trap 'rm -rf "$WORK"' EXIT
trap 'exit 1' HUP INT TERM
: > "$WORK/out"
exec 3>&1 1>&2
finish() { cat "$WORK/out" >&3; }
"##;

/// Credentials from the environment, URL helpers and the one HTTP exchange.
pub const REQUEST: &str = r##"have_credentials() {
  if [ -n "${REGISTRY_USER:-}" ]; then
    [ -n "${REGISTRY_PASSWORD:-}" ] || fail "REGISTRY_USER is set but REGISTRY_PASSWORD is not"
    return 0
  fi
  return 1
}

# "Authorization: Basic base64(user:password)", made by jq from the environment.
basic_header() {
  jq -rn '"Authorization: Basic " + ("\(env.REGISTRY_USER):\(env.REGISTRY_PASSWORD)" | @base64)'
}

# Percent-encodes one query value.
uri() { jq -rn --arg v "$1" '$v | @uri'; }

# scheme://host[:port] of a URL.
origin() { printf '%s\n' "$1" | sed -n 's|^\([A-Za-z][A-Za-z0-9+.-]*://[^/?#]*\).*$|\1|p'; }

# A URL as progress shows it: without the query on other hosts (a CDN's signature).
shown() {
  if [ "$(origin "$1")" = "$AUTH_ORIGIN" ]; then printf '%s\n' "$1"; else printf '%s\n' "${1%%\?*}"; fi
}

# resolve REFERENCE BASE: a Location or Link target, possibly relative, made absolute.
resolve() {
  case $1 in
    http://* | https://*) printf '%s\n' "$1" ;;
    //*) printf '%s:%s\n' "${2%%://*}" "$1" ;;
    /*) printf '%s%s\n' "$(origin "$2")" "$1" ;;
    \?*) printf '%s%s\n' "${2%%\?*}" "$1" ;;
    *) r_base=${2%%\?*}; printf '%s/%s\n' "${r_base%/*}" "$1" ;;
  esac
}

# header NAME: every value of that header in the last answer, one per line.
header() {
  tr -d '\r' < "$WORK/headers" | awk -v want="$1" '
    BEGIN { want = tolower(want) }
    { i = index($0, ":")
      if (i > 1 && tolower(substr($0, 1, i - 1)) == want) {
        v = substr($0, i + 1); sub(/^[ \t]+/, "", v); sub(/[ \t]+$/, "", v); print v } }'
}

# request METHOD URL [curl options]: one exchange; redirects are not followed. Sets STATUS;
# the answer's headers are in $WORK/headers, its body in $WORK/body.
request() {
  r_method=$1 r_url=$2
  shift 2
  if [ -s "$WORK/authorization" ] && [ "$(origin "$r_url")" = "$AUTH_ORIGIN" ]; then
    set -- "$@" -H "@$WORK/authorization"
  fi
  case $r_method in
    GET) ;;
    HEAD) set -- "$@" --head ;;
    *) set -- "$@" -X "$r_method" ;;
  esac
  say "> $r_method $(shown "$r_url")"
  : > "$WORK/headers"
  rm -f "$WORK/body"
  if ! STATUS=$(curl -sS -g --connect-timeout 30 -D "$WORK/headers" -o "$WORK/body" \
    -w '%{http_code}' "$@" --url "$r_url"); then
    fail "$r_method $(shown "$r_url") did not complete (curl's message is above)"
  fi
  [ -f "$WORK/body" ] || : > "$WORK/body"
  say "< $(tr -d '\r' < "$WORK/headers" | sed -n '1p')"
}

# registry_error WHAT: the failed answer's status and what the server said; exits 1.
registry_error() {
  e_status=$(tr -d '\r' < "$WORK/headers" | sed -n '1p')
  say "$1 failed: ${e_status:-HTTP $STATUS}"
  e_said=$(jq -r '.errors[] | "\(.code // "ERROR"): \(.message // "")" +
      (if .detail then " (detail: \(.detail | tostring | .[0:300]))" else "" end)' \
    "$WORK/body" 2>/dev/null) || e_said=
  [ -n "$e_said" ] || e_said=$(jq -r '.message // .detail // .error_description // .error //
      empty | tostring' "$WORK/body" 2>/dev/null) || e_said=
  [ -n "$e_said" ] || e_said=$(sed -n '1p' "$WORK/body" | cut -c 1-300)
  if [ -n "$e_said" ]; then
    printf '%s\n' "$e_said" | sed 's/^/  the server said: /' | printable >&2
  else
    e_challenge=$(header www-authenticate | sed -n '1p')
    [ -z "$e_challenge" ] || say "  WWW-Authenticate: $e_challenge"
  fi
  exit 1
}
"##;

/// The registry's challenge, read when the script runs, and answered.
pub const AUTHENTICATE: &str = r##"# challenge_param NAME CHALLENGE: a parameter of a WWW-Authenticate value, quoted or not.
challenge_param() {
  printf '%s\n' "$2" | sed -n -e "s/^.*[ ,]$1=\"\([^\"]*\)\".*\$/\1/p" -e t \
    -e "s/^.*[ ,]$1=\([^ ,\"]*\).*\$/\1/p"
}

# authenticate: answers the challenge in the last 401 (its WWW-Authenticate header).
authenticate() {
  a_challenge=$(header www-authenticate | sed -n '1p')
  a_scheme=$(printf '%s\n' "$a_challenge" | awk '{ print tolower($1) }')
  AUTHENTICATED=yes
  case $a_scheme in
    basic)
      say "  the challenge is Basic: user name and password go on every request"
      have_credentials || fail "the registry wants credentials: set REGISTRY_USER and REGISTRY_PASSWORD"
      basic_header > "$WORK/authorization" ;;
    bearer) bearer_token "$a_challenge" ;;
    *) fail "the registry answered 401 without a challenge this script can answer: '$a_challenge'" ;;
  esac
}

# realm_url REALM: the Bearer realm as an absolute URL, or a failure. The Basic credentials
# go to the realm: only https: is taken, and plain http: only when the registry itself is
# plain http: (a loopback registry), never in cleartext for an https: registry's challenge.
realm_url() {
  case $1 in
    [Hh][Tt][Tt][Pp][Ss]://*) u_url="https://${1#*://}" ;;
    [Hh][Tt][Tt][Pp]://*) u_url="http://${1#*://}" ;;
    [A-Za-z]*:*) case ${1%%:*} in
        *[!A-Za-z0-9+.-]*) u_url=$(resolve "$1" "$REGISTRY/v2/") ;;
        *) fail "the Bearer realm '$1' is not an http: or https: URL: refusing it" ;;
      esac ;;
    *) u_url=$(resolve "$1" "$REGISTRY/v2/") ;;
  esac
  case $u_url in
    https://*) ;;
    http://*) case $REGISTRY in
        http://*) ;;
        *) fail "the Bearer realm '$1' is plain http: for an https: registry: refusing to send credentials to it in cleartext" ;;
      esac ;;
    *) fail "the Bearer realm '$1' is not an http: or https: URL: refusing it" ;;
  esac
  printf '%s\n' "$u_url"
}

# bearer_token CHALLENGE: GET realm?service=…&scope=… (Basic credentials when set); the
# answer's token (or access_token) goes on every later registry request.
bearer_token() {
  t_realm=$(challenge_param realm "$1")
  t_service=$(challenge_param service "$1")
  [ -n "$t_realm" ] || fail "the Bearer challenge names no realm: '$1'"
  t_url=$(realm_url "$t_realm") || exit 1
  case $t_url in *\?*) t_url="$t_url&" ;; *) t_url="$t_url?" ;; esac
  [ -z "$t_service" ] || t_url="${t_url}service=$(uri "$t_service")&"
  t_url="${t_url}scope=$(uri "$SCOPE")"
  say "  the challenge is Bearer: a token from $(shown "$t_realm") for scope $SCOPE"
  if have_credentials; then
    t_url="$t_url&account=$(uri "$REGISTRY_USER")"
    basic_header > "$WORK/basic"
    request GET "$t_url" -H "@$WORK/basic"
    rm -f "$WORK/basic"
  else
    request GET "$t_url"
  fi
  [ "$STATUS" = 200 ] || registry_error "the token request"
  t_token=$(jq -r '.token // .access_token // empty' "$WORK/body" 2>/dev/null) || t_token=
  [ -n "$t_token" ] || fail "the token server's answer holds no token (nor access_token)"
  case $t_token in
    *[![:graph:]]*) fail "the token server's token holds spaces or control characters" ;;
  esac
  printf 'Authorization: Bearer %s\n' "$t_token" > "$WORK/authorization"
}

# ping: GET /v2/. 200: no credentials needed. 401: the challenge says how to authenticate.
ping() {
  request GET "$REGISTRY/v2/"
  case $STATUS in
    200) say "  no challenge: the registry answers without credentials" ;;
    401) authenticate ;;
    *) registry_error "the ping (GET /v2/)" ;;
  esac
}

# api METHOD URL [curl options]: a registry request; a first 401 with a challenge (some
# registries answer the ping without one) is answered, then the request made again.
api() {
  request "$@"
  if [ "$STATUS" = 401 ] && [ "$AUTHENTICATED" = no ] && [ -n "$(header www-authenticate)" ]; then
    authenticate
    request "$@"
  fi
}
"##;
