//! Image configuration (OCI and Docker), tolerant of Docker-only fields and `null`s, and
//! the history-to-layer alignment every image view needs.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::descriptor::Descriptor;
use crate::serde_util::{null_as_default, string_or_list};

/// The parts of an image config Lading displays. Unknown fields are ignored here; the raw
/// JSON is kept beside it for the "raw" view.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImageConfig {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub author: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub architecture: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub os: Option<String>,
    #[serde(
        rename = "os.version",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub os_version: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub variant: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub config: Option<ContainerConfig>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rootfs: Option<RootFs>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub history: Vec<History>,
}

/// The runtime defaults (`config` in the image config). Keys are PascalCase in both OCI and
/// Docker configs.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ContainerConfig {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user: Option<String>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub exposed_ports: BTreeMap<String, serde_json::Value>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub env: Vec<String>,
    #[serde(default, deserialize_with = "string_or_list")]
    pub entrypoint: Option<Vec<String>>,
    #[serde(default, deserialize_with = "string_or_list")]
    pub cmd: Option<Vec<String>>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub volumes: BTreeMap<String, serde_json::Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub working_dir: Option<String>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub labels: BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stop_signal: Option<String>,
    /// Docker-only fields, kept as JSON: typed OCI structs drop them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub healthcheck: Option<serde_json::Value>,
    #[serde(default, deserialize_with = "string_or_list")]
    pub shell: Option<Vec<String>>,
    #[serde(default, deserialize_with = "string_or_list")]
    pub on_build: Option<Vec<String>>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RootFs {
    #[serde(rename = "type", default)]
    pub kind: String,
    #[serde(default, deserialize_with = "null_as_default")]
    pub diff_ids: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct History {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_by: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub author: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    #[serde(default)]
    pub empty_layer: bool,
}

/// One line of an image's build history with the layer it produced (if any).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryRow {
    pub created: Option<String>,
    /// The Dockerfile-ish instruction, with shell-form noise removed.
    pub command: String,
    pub comment: Option<String>,
    pub empty_layer: bool,
    /// The layer this step wrote, by index into the manifest's layers.
    pub layer: Option<usize>,
}

/// Aligns history with layers: each entry that is not `empty_layer` consumed the next
/// layer. Layers left over (history missing or short) get rows of their own.
pub fn history_rows(history: &[History], layers: &[Descriptor]) -> Vec<HistoryRow> {
    let mut next_layer = 0;
    let mut rows: Vec<HistoryRow> = history
        .iter()
        .map(|h| {
            let layer = (!h.empty_layer && next_layer < layers.len()).then(|| {
                next_layer += 1;
                next_layer - 1
            });
            HistoryRow {
                created: h.created.clone(),
                command: clean_command(h.created_by.as_deref().unwrap_or_default()),
                comment: h.comment.clone(),
                empty_layer: h.empty_layer,
                layer,
            }
        })
        .collect();
    rows.extend((next_layer..layers.len()).map(|i| HistoryRow {
        created: None,
        command: String::new(),
        comment: Some("no history entry for this layer".to_string()),
        empty_layer: false,
        layer: Some(i),
    }));
    rows
}

/// Removes the shell-form noise Docker records: `/bin/sh -c #(nop) CMD ["sh"]` becomes
/// `CMD ["sh"]`, `/bin/sh -c apk add x` becomes `RUN apk add x`, BuildKit's
/// `RUN /bin/sh -c x # buildkit` becomes `RUN x`.
pub fn clean_command(created_by: &str) -> String {
    const NOP: &str = "#(nop)";
    const SHELL: &str = "/bin/sh -c ";
    let text = created_by.trim();
    let text = text.strip_suffix("# buildkit").unwrap_or(text).trim_end();
    if let Some((_, rest)) = text.split_once(NOP) {
        return rest.trim().to_string();
    }
    let (is_run, body) = match text.strip_prefix("RUN ") {
        Some(rest) => (true, rest.trim_start()),
        None => (false, text),
    };
    // Both builders put the build args in effect first: `|2 A=1 B=2 /bin/sh -c cmd` (BuildKit
    // after its `RUN `, e.g. `RUN |1 TARGETARCH=amd64 /bin/sh -c …` in multi-platform builds).
    let (args, command) = match body.split_once(SHELL) {
        Some((counted, command)) if counted.starts_with('|') => {
            let args = counted.split_once(' ').map_or("", |(_, a)| a.trim());
            (args, Some(command))
        }
        _ => ("", body.strip_prefix(SHELL)),
    };
    match command {
        Some(command) if args.is_empty() => format!("RUN {}", command.trim()),
        Some(command) => format!("RUN {args} {}", command.trim()),
        None if is_run => format!("RUN {body}"),
        None => text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cleans_commands() {
        let cases = [
            ("/bin/sh -c #(nop)  CMD [\"/bin/sh\"]", "CMD [\"/bin/sh\"]"),
            ("/bin/sh -c #(nop) ADD file:abc in / ", "ADD file:abc in /"),
            (
                "/bin/sh -c apk add --no-cache curl",
                "RUN apk add --no-cache curl",
            ),
            ("RUN /bin/sh -c make install # buildkit", "RUN make install"),
            ("COPY . /app # buildkit", "COPY . /app"),
            ("|2 A=1 B=2 /bin/sh -c echo $A", "RUN A=1 B=2 echo $A"),
            (
                "RUN |1 TARGETARCH=amd64 /bin/sh -c apt-get update # buildkit",
                "RUN TARGETARCH=amd64 apt-get update",
            ),
            ("|0 /bin/sh -c make", "RUN make"),
            ("ENV PATH=/usr/bin", "ENV PATH=/usr/bin"),
            ("", ""),
        ];
        for (input, want) in cases {
            assert_eq!(clean_command(input), want, "input {input:?}");
        }
    }

    #[test]
    fn tolerates_nulls_and_docker_only_fields() {
        let json = r#"{"architecture":"amd64","os":"linux","config":{"Env":null,
            "Cmd":"sh","Entrypoint":null,"Labels":null,"ExposedPorts":{"80/tcp":{}},
            "Healthcheck":{"Test":["CMD","true"]},"OnBuild":null,"Shell":["/bin/bash","-c"]},
            "container_config":{"Cmd":["x"]},"history":null,"rootfs":{"type":"layers",
            "diff_ids":null}}"#;
        let config: ImageConfig = serde_json::from_str(json).unwrap();
        let c = config.config.unwrap();
        assert_eq!(c.cmd, Some(vec!["sh".to_string()]));
        assert!(c.env.is_empty() && c.labels.is_empty());
        assert!(c.healthcheck.is_some());
        assert!(config.history.is_empty());
    }
}
