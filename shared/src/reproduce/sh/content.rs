//! Shell functions for content: digests, manifests (HEAD first, the `Accept` list, the
//! digest check), the image a view is about (an index's platform child), blobs (redirects
//! followed by hand) and layers (decompressed by their magic bytes, listed, a file taken).

/// Digests: computed with `sha256sum`, and checked before one becomes a URL or file name.
pub const DIGESTS: &str = r##"need sha256sum "install coreutils (it checks every digest)"

# digest_of ALGORITHM FILE: "algorithm:hex" of the file's bytes.
digest_of() {
  case $1 in
    sha256) d_hex=$(sha256sum < "$2" | cut -d ' ' -f 1) ;;
    sha512) need sha512sum "install coreutils"; d_hex=$(sha512sum < "$2" | cut -d ' ' -f 1) ;;
    *) fail "digest algorithm '$1' is not one this script can check" ;;
  esac
  printf '%s:%s\n' "$1" "$d_hex"
}

# valid_digest DIGEST: refuses anything but algorithm:lowercase-hex of the right length (a
# digest read from a manifest goes into URLs and file names).
valid_digest() {
  case $1 in
    sha256:*) v_hex=${1#sha256:} v_length=64 ;;
    sha512:*) v_hex=${1#sha512:} v_length=128 ;;
    *) fail "'$1' is not a sha256 or sha512 digest" ;;
  esac
  case $v_hex in *[!0-9a-f]*) fail "'$1' is not a digest" ;; esac
  [ "${#v_hex}" -eq "$v_length" ] || fail "'$1' is not a digest"
}
"##;

/// Manifests and the image a view is about.
pub const MANIFESTS: &str = r##"# family MEDIA_TYPE: index, image, schema1 or none.
family() {
  case $1 in
    application/vnd.oci.image.index.v1+json | application/vnd.docker.distribution.manifest.list.v2+json) echo index ;;
    application/vnd.oci.image.manifest.v1+json | application/vnd.docker.distribution.manifest.v2+json) echo image ;;
    application/vnd.docker.distribution.manifest.v1+json | application/vnd.docker.distribution.manifest.v1+prettyjws) echo schema1 ;;
    *) echo none ;;
  esac
}

# fetch_manifest REFERENCE: the manifest a tag or digest names, into $WORK/manifest, its
# sha256 checked. Sets MANIFEST_DIGEST, MANIFEST_TYPE and MANIFEST_SHAPE (index, image).
fetch_manifest() {
  m_url="$REGISTRY/v2/$REPOSITORY/manifests/$1"
  if [ "$HEAD_FIRST" = yes ]; then
    api HEAD "$m_url" -H "Accept: $ACCEPT"
    case $STATUS in
      2??) say "  Docker-Content-Digest: $(header docker-content-digest | sed -n '1p')" ;;
      405 | 501) say "  this registry does not answer HEAD: GET instead" ;;
      401) registry_error "HEAD of the manifest $1" ;;
      *) say "  a HEAD answer has no body: GET once to read the registry's error" ;;
    esac
  fi
  api GET "$m_url" -H "Accept: $ACCEPT"
  [ "$STATUS" = 200 ] || registry_error "GET of the manifest $1"
  mv "$WORK/body" "$WORK/manifest"
  # A digest reference must match exactly; for a tag, the digest the registry names.
  case $1 in
    *:*) m_expected=$1 ;;
    *) m_expected=$(header docker-content-digest | sed -n '1p') ;;
  esac
  m_algorithm=sha256
  [ -z "$m_expected" ] || m_algorithm=${m_expected%%:*}
  MANIFEST_DIGEST=$(digest_of "$m_algorithm" "$WORK/manifest")
  if [ -n "$m_expected" ] && [ "$MANIFEST_DIGEST" != "$m_expected" ]; then
    fail "the manifest's bytes hash to $MANIFEST_DIGEST, not $m_expected"
  fi
  say "  the manifest's digest: $MANIFEST_DIGEST"
  MANIFEST_SHAPE=$(jq -r 'if type != "object" then "none"
      elif has("manifests") then "index" elif has("config") and has("layers") then "image"
      elif has("fsLayers") then "schema1" else "none" end' "$WORK/manifest" 2>/dev/null) ||
    fail "the manifest is not JSON"
  # Its media type: Content-Type, else the body's mediaType, when it names this shape.
  m_declared=$(header content-type | sed -n '1p' | sed 's/;.*//; s/[[:space:]]*$//')
  m_in_body=$(jq -r '.mediaType | strings' "$WORK/manifest")
  case $MANIFEST_SHAPE in
    index) MANIFEST_TYPE=application/vnd.oci.image.index.v1+json ;;
    image) MANIFEST_TYPE=application/vnd.oci.image.manifest.v1+json ;;
    schema1) fail "$1 is a Docker schema 1 manifest (deprecated); this script reads OCI and Docker v2" ;;
    *) fail "the answer is neither an image manifest nor an index" ;;
  esac
  if [ "$(family "$m_declared")" = "$MANIFEST_SHAPE" ]; then MANIFEST_TYPE=$m_declared
  elif [ "$(family "$m_in_body")" = "$MANIFEST_SHAPE" ]; then MANIFEST_TYPE=$m_in_body
  fi
}

# resolve_image: the image the view is about. For an index, the platform image PLATFORM
# (checked to be listed in it; when PLATFORM is empty, the index's only runnable one),
# fetched by digest.
resolve_image() {
  fetch_manifest "$REFERENCE"
  if [ "$MANIFEST_SHAPE" = index ]; then
    INDEX_DIGEST=$MANIFEST_DIGEST
    i_child=$PLATFORM
    if [ -z "$i_child" ]; then
      i_child=$(jq -r '[.manifests[] | select((.platform.os // "unknown") != "unknown"
          and (.annotations["vnd.docker.reference.type"] // "") != "attestation-manifest")]
        | if length == 1 then .[0].digest else empty end' "$WORK/manifest")
      [ -n "$i_child" ] || fail "$REFERENCE is an index of several platforms: choose one"
    elif ! jq -e --arg d "$i_child" 'any(.manifests[]; .digest == $d)' "$WORK/manifest" >/dev/null; then
      fail "the platform image $i_child is not listed in the index $INDEX_DIGEST"
    fi
    valid_digest "$i_child"
    say "  an index: its platform image $i_child is listed in it"
    fetch_manifest "$i_child"
  fi
  [ "$MANIFEST_SHAPE" = image ] || fail "$MANIFEST_DIGEST is not an image manifest"
}

# print_index, print_image: the manifest as the view shows it, into the result.
print_index() {
  printf 'digest %s\nmediaType %s\n' "$MANIFEST_DIGEST" "$MANIFEST_TYPE" >> "$WORK/out"
  jq -r '.manifests[] | "platform \(.digest) " + (if .platform then
      [.platform.os // "unknown", .platform.architecture // "unknown"]
        + (if .platform.variant then [.platform.variant] else [] end) | join("/")
    else "unknown/unknown" end)' "$WORK/manifest" >> "$WORK/out"
}
print_image() {
  printf 'digest %s\nmediaType %s\n' "$MANIFEST_DIGEST" "$MANIFEST_TYPE" >> "$WORK/out"
  jq -r '"config \(.config.digest)", (.layers[] | "layer \(.digest) \(.size)")' \
    "$WORK/manifest" >> "$WORK/out"
}

# in_image DIGEST [layers]: whether the image's config or one of its layers has DIGEST.
in_image() {
  jq -e --arg d "$1" --arg only "${2:-}" \
    'any(((if $only == "" then [.config] else [] end) + .layers)[]; .digest == $d)' \
    "$WORK/manifest" >/dev/null
}
"##;

/// Blobs, redirects followed by hand.
pub const BLOBS: &str = r##"# fetch_blob DIGEST FILE: GET /v2/NAME/blobs/DIGEST into FILE, its digest checked. A
# redirect (usually to a CDN or an object store) is followed here, at most 5 hops, without
# Authorization unless it stays on the registry.
fetch_blob() {
  valid_digest "$1"
  b_url="$REGISTRY/v2/$REPOSITORY/blobs/$1"
  b_hops=0
  while :; do
    api GET "$b_url"
    case $STATUS in
      200) break ;;
      301 | 302 | 303 | 307 | 308)
        b_hops=$((b_hops + 1))
        [ "$b_hops" -le 5 ] || fail "more than 5 redirects for blob $1"
        b_location=$(header location | sed -n '1p')
        [ -n "$b_location" ] || fail "a $STATUS redirect without a Location header"
        b_next=$(resolve "$b_location" "$b_url")
        case $b_url in
          https:*) case $b_next in https:*) ;; *) fail "refused: a redirect from https to plain http" ;; esac ;;
        esac
        if [ "$(origin "$b_next")" != "$AUTH_ORIGIN" ]; then
          say "  redirected to $(origin "$b_next"): the URL carries its own permission, so Authorization is not sent there"
        fi
        b_url=$b_next ;;
      *) registry_error "GET of blob $1" ;;
    esac
  done
  b_actual=$(digest_of "${1%%:*}" "$WORK/body")
  [ "$b_actual" = "$1" ] || fail "blob $1: its bytes hash to $b_actual"
  say "  the blob's bytes match its digest"
  mv "$WORK/body" "$2"
}
"##;

/// Layers: decompressed by magic bytes, listed, one file extracted.
pub const LAYERS: &str = r##"# GNU tar escapes unusual characters in the names it lists unless told not to.
TAR_LIST=
if tar --version 2>/dev/null | grep -q 'GNU tar'; then TAR_LIST=--quoting-style=literal; fi

# unpack_layer BLOB TAR: the layer as a plain tar. Its first bytes say how it is compressed
# (media types are not always right): 1f 8b gzip, 28 b5 2f fd zstd, else a plain tar.
unpack_layer() {
  u_magic=$(od -An -tx1 -N4 "$1" | tr -d ' \n')
  case $u_magic in
    1f8b*) say "  gzip-compressed"; gzip -dc < "$1" > "$2" || fail "the layer does not decompress with gzip" ;;
    28b52ffd) say "  zstd-compressed"
      need zstd "this layer is zstd-compressed: install zstd (Debian/Ubuntu: apt-get install zstd)"
      zstd -dcq < "$1" > "$2" || fail "the layer does not decompress with zstd" ;;
    *) say "  not compressed"; cp "$1" "$2" ;;
  esac
  tar ${TAR_LIST:+"$TAR_LIST"} -tf "$2" > "$WORK/members" || fail "the layer is not a tar archive"
}

# layer_names: the members as the view names them: without a leading ./ or /, without a
# trailing /, the root entry left out.
layer_names() {
  sed -e 's|^\./||' -e 's|^/*||' -e 's|/*$||' "$WORK/members" | awk '$0 != "" && $0 != "."'
}

# extract_file TAR PATH FILE: the member named PATH (the last one, as a later entry
# replaces an earlier one), its bytes into FILE.
extract_file() {
  x_found=$(WANT=$2 awk 'BEGIN { want = ENVIRON["WANT"]; sub(/^(\.\/|\/)+/, "", want) }
    { n = $0; sub(/^\.\//, "", n); sub(/^\/+/, "", n); sub(/\/+$/, "", n)
      if (n == want) { count++; member = $0 } }
    END { if (count) print count " " member }' "$WORK/members")
  [ -n "$x_found" ] || fail "$2 is not in this layer"
  x_count=${x_found%% *} x_member=${x_found#* }
  if [ "$x_count" -gt 1 ]; then
    [ -n "$TAR_LIST" ] || fail "$2 is in the layer $x_count times: this needs GNU tar to take the last"
    tar -xOf "$1" "--occurrence=$x_count" -- "$x_member" > "$3" || fail "tar could not extract $2"
  else
    tar -xOf "$1" -- "$x_member" > "$3" || fail "tar could not extract $2"
  fi
}
"##;
