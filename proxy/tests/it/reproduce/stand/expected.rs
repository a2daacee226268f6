//! The one comparator: what a generated script must print on stdout for a view, computed
//! from lading's answer to that view ([`super::Stand::view`]'s value), in the format the
//! brief fixes (one item per line, each line ending in `\n`).

use base64::Engine as _;
use lading_shared::reproduce::Subject;
use serde_json::Value;

/// The exact stdout a script reproducing `subject` prints, from `api` (the value
/// [`super::Stand::view`] returned for it). Panics when `api` lacks what is needed.
pub fn expected_output(subject: &Subject, api: &Value) -> Vec<u8> {
    let lines: Vec<String> = match subject {
        Subject::Manifest(_) => manifest_lines(api),
        Subject::Tags { .. } => strings(&api["tags"], "tags"),
        Subject::Catalog { .. } => api["repositories"]
            .as_array()
            .expect("a catalog answer has repositories")
            .iter()
            .map(|r| text(&r["name"], "repository name"))
            .collect(),
        Subject::Layer { .. } => api["entries"]
            .as_array()
            .expect("a layer view has entries")
            .iter()
            .filter_map(tar_name)
            .collect(),
        Subject::File { .. } => {
            return base64::engine::general_purpose::STANDARD
                .decode(text(&api["bytes_base64"], "the file's bytes"))
                .expect("base64");
        }
        Subject::Blob { .. } => vec![format!(
            "{} {}",
            text(&api["digest"], "blob digest"),
            api["size"].as_u64().expect("blob size")
        )],
        Subject::Export { .. } => vec![
            format!("digest {}", text(&api["digest"], "manifest digest")),
            format!("archive {}", text(&api["archive"], "archive name")),
        ],
    };
    lines
        .iter()
        .flat_map(|l| format!("{l}\n").into_bytes())
        .collect()
}

fn text(value: &Value, what: &str) -> String {
    value
        .as_str()
        .unwrap_or_else(|| panic!("{what} missing: {value}"))
        .to_string()
}

fn strings(value: &Value, what: &str) -> Vec<String> {
    value
        .as_array()
        .unwrap_or_else(|| panic!("{what} missing: {value}"))
        .iter()
        .map(|v| text(v, what))
        .collect()
}

/// `digest`, `mediaType`, then an index's `platform` lines or an image's `config` and
/// `layer` lines, from the manifest exactly as received (`raw`).
fn manifest_lines(api: &Value) -> Vec<String> {
    let raw: Value =
        serde_json::from_str(&text(&api["raw"], "raw manifest")).expect("the manifest is JSON");
    let media_type = api["media_type"]
        .as_str()
        .or_else(|| raw["mediaType"].as_str())
        .expect("a media type");
    let mut lines = vec![
        format!("digest {}", text(&api["digest"], "digest")),
        format!("mediaType {media_type}"),
    ];
    if let Some(children) = raw["manifests"].as_array() {
        for child in children {
            let platform = &child["platform"];
            let name = match (platform["os"].as_str(), platform["architecture"].as_str()) {
                (Some(os), Some(arch)) => match platform["variant"].as_str() {
                    Some(variant) => format!("{os}/{arch}/{variant}"),
                    None => format!("{os}/{arch}"),
                },
                _ => "unknown/unknown".to_string(),
            };
            lines.push(format!(
                "platform {} {name}",
                text(&child["digest"], "child digest")
            ));
        }
    } else {
        lines.push(format!(
            "config {}",
            text(&raw["config"]["digest"], "config digest")
        ));
        for layer in raw["layers"].as_array().into_iter().flatten() {
            lines.push(format!(
                "layer {} {}",
                text(&layer["digest"], "layer digest"),
                layer["size"].as_u64().expect("layer size")
            ));
        }
    }
    lines
}

/// The name a tar listing shows for an entry of lading's listing: the normalised path
/// without its leading `/`; whiteouts as the `.wh.` entries they were; the root omitted.
fn tar_name(entry: &Value) -> Option<String> {
    let path = text(&entry["path"], "entry path");
    let path = path.trim_start_matches('/').trim_end_matches('/');
    let kind = entry["kind"].as_str().unwrap_or_default();
    let (parent, name) = match path.rsplit_once('/') {
        Some((parent, name)) => (format!("{parent}/"), name),
        None => (String::new(), path),
    };
    match kind {
        "whiteout" => Some(format!("{parent}.wh.{name}")),
        "opaque_whiteout" if path.is_empty() => Some(".wh..wh..opq".to_string()),
        "opaque_whiteout" => Some(format!("{path}/.wh..wh..opq")),
        _ if path.is_empty() => None,
        _ => Some(path.to_string()),
    }
}
