//! The shell function writing an export: the resolved image as an OCI image layout
//! (image-spec `image-layout.md`), which is also `docker load`-able, tarred. Laid out as
//! Lading's own export is (`proxy/src/routes/export/layout.rs`).

pub const EXPORT: &str = r##"# write_layout: the image as an OCI image layout in $WORK/layout, tarred to
# $WORK/export.tar: oci-layout, index.json (naming the manifest), manifest.json (for
# docker load), blobs/sha256/HEX (the manifest as received, the config, the layers).
write_layout() {
  l_dir="$WORK/layout"
  l_name=$IMAGE_NAME
  [ -n "$TAG" ] || l_name="$IMAGE_NAME@$MANIFEST_DIGEST"
  mkdir -p "$l_dir/blobs/${MANIFEST_DIGEST%%:*}"
  cp "$WORK/manifest" "$l_dir/blobs/${MANIFEST_DIGEST%%:*}/${MANIFEST_DIGEST#*:}"
  l_size=$(wc -c < "$WORK/manifest" | tr -d ' ')
  jq -r '.config.digest, .layers[].digest' "$WORK/manifest" > "$WORK/blobs"
  while read -r l_digest; do
    valid_digest "$l_digest"
    l_path="$l_dir/blobs/${l_digest%%:*}/${l_digest#*:}"
    if [ ! -f "$l_path" ]; then
      mkdir -p "${l_path%/*}"
      fetch_blob "$l_digest" "$l_path"
    fi
  done < "$WORK/blobs"
  jq -cn '{imageLayoutVersion: "1.0.0"}' > "$l_dir/oci-layout"
  jq -cn --arg type "$MANIFEST_TYPE" --arg digest "$MANIFEST_DIGEST" --argjson size "$l_size" \
    --arg name "$l_name" --arg tag "$TAG" '{schemaVersion: 2,
      mediaType: "application/vnd.oci.image.index.v1+json",
      manifests: [{mediaType: $type, digest: $digest, size: $size,
        annotations: ({"io.containerd.image.name": $name}
          + (if $tag == "" then {} else {"org.opencontainers.image.ref.name": $tag} end))}]}' \
    > "$l_dir/index.json"
  jq -c --arg name "$l_name" --arg tag "$TAG" '[{
      Config: ("blobs/" + (.config.digest | sub(":"; "/"))),
      RepoTags: (if $tag == "" then [] else [$name] end),
      Layers: [.layers[].digest | "blobs/" + sub(":"; "/")]}]' \
    "$WORK/manifest" > "$l_dir/manifest.json"
  (cd "$l_dir" && tar -cf "$WORK/export.tar" oci-layout index.json manifest.json blobs) ||
    fail "tar could not write the archive"
}
"##;
