//! Image configs as builders write them, and the history-to-layer alignment the image view
//! shows (`empty_layer` steps own no layer; history and layers may disagree in length).

use crate::fixtures;

use fixtures::*;
use lading_shared::manifest::ImageManifest;
use lading_shared::{Descriptor, History, HistoryRow, ImageConfig, history_rows};

fn layers(count: usize) -> Vec<Descriptor> {
    let manifest: ImageManifest = serde_json::from_str(OCI_MANIFEST).unwrap();
    manifest.layers.into_iter().cycle().take(count).collect()
}

fn step(created_by: &str, empty_layer: bool) -> History {
    History {
        created_by: Some(created_by.to_string()),
        empty_layer,
        ..Default::default()
    }
}

/// `(command, layer)` per row: what the history table shows.
fn summary(rows: &[HistoryRow]) -> Vec<(&str, Option<usize>)> {
    rows.iter().map(|r| (r.command.as_str(), r.layer)).collect()
}

#[test]
fn docker_config_keeps_docker_only_fields() {
    let config: ImageConfig = serde_json::from_str(DOCKER_CONFIG).unwrap();
    assert_eq!(config.architecture.as_deref(), Some("amd64"));
    assert_eq!(config.created.as_deref(), Some("2023-11-20T14:03:51.2Z"));
    let c = config.config.as_ref().unwrap();
    assert_eq!(c.user.as_deref(), Some("app"));
    assert!(c.exposed_ports.contains_key("8080/tcp"));
    assert_eq!(
        c.env,
        ["PATH=/usr/local/bin:/usr/bin:/bin", "APP_ENV=production"]
    );
    assert_eq!(
        c.entrypoint.as_deref(),
        Some(&["/usr/local/bin/app".to_string()][..])
    );
    assert_eq!(c.cmd.as_deref(), Some(&["serve".to_string()][..]));
    assert!(c.volumes.contains_key("/data"));
    assert_eq!(c.working_dir.as_deref(), Some("/srv"));
    assert_eq!(c.labels["maintainer"], "ops@example.com");
    assert_eq!(c.stop_signal.as_deref(), Some("SIGTERM"));
    // The fields typed OCI structs drop.
    assert_eq!(c.healthcheck.as_ref().unwrap()["Retries"], 3);
    assert_eq!(c.shell.as_deref().map(<[String]>::len), Some(4));
    assert_eq!(
        c.on_build.as_deref(),
        Some(&["COPY . /srv".to_string()][..])
    );
    assert_eq!(config.history.len(), 6);
    assert_eq!(config.rootfs.as_ref().unwrap().diff_ids.len(), 3);
    // Typed again after a round trip (the API sends it to the frontend).
    let again: ImageConfig =
        serde_json::from_str(&serde_json::to_string(&config).unwrap()).unwrap();
    assert_eq!(again, config);
}

#[test]
fn minimal_and_windows_configs() {
    let minimal: ImageConfig =
        serde_json::from_str(r#"{"architecture":"arm64","os":"linux","variant":"v8"}"#).unwrap();
    assert_eq!(minimal.variant.as_deref(), Some("v8"));
    assert!(minimal.config.is_none() && minimal.history.is_empty());
    let windows: ImageConfig = serde_json::from_str(
        r#"{"architecture":"amd64","os":"windows","os.version":"10.0.20348.2402",
            "config":{"Cmd":"c:\\windows\\system32\\cmd.exe","Env":null,"Entrypoint":null}}"#,
    )
    .unwrap();
    assert_eq!(windows.os_version.as_deref(), Some("10.0.20348.2402"));
    let cmd = windows.config.unwrap().cmd.unwrap();
    assert_eq!(cmd, [r"c:\windows\system32\cmd.exe"]);
}

#[test]
fn history_rows_skip_empty_layers() {
    let config: ImageConfig = serde_json::from_str(DOCKER_CONFIG).unwrap();
    let rows = history_rows(&config.history, &layers(3));
    assert_eq!(
        summary(&rows),
        [
            ("ADD file:9a1e in /", Some(0)),
            ("CMD [\"bash\"]", None),
            ("RUN apt-get update && apt-get install -y curl", Some(1)),
            ("COPY file:77aa in /usr/local/bin/app", Some(2)),
            ("ENTRYPOINT [\"/usr/local/bin/app\"]", None),
            ("CMD [\"serve\"]", None),
        ]
    );
    assert!(rows[1].empty_layer && !rows[2].empty_layer);
    assert_eq!(rows[0].created.as_deref(), Some("2023-11-01T00:00:00Z"));
}

#[test]
fn history_rows_when_history_is_shorter_than_layers() {
    let history = [step("/bin/sh -c #(nop) ADD file:9a1e in / ", false)];
    let rows = history_rows(&history, &layers(3));
    assert_eq!(
        summary(&rows),
        [
            ("ADD file:9a1e in /", Some(0)),
            ("", Some(1)),
            ("", Some(2))
        ]
    );
    let note = rows[2].comment.as_deref().unwrap();
    assert!(note.contains("no history"), "{note}");

    // No history at all (`"history": null`, or a hand-built image).
    let rows = history_rows(&[], &layers(2));
    assert_eq!(summary(&rows), [("", Some(0)), ("", Some(1))]);
}

#[test]
fn history_rows_when_history_is_longer_than_layers() {
    let history = [
        step("/bin/sh -c #(nop) ADD file:9a1e in / ", false),
        step("/bin/sh -c apk add curl", false),
        step("/bin/sh -c #(nop)  CMD [\"sh\"]", true),
        step("/bin/sh -c rm -rf /tmp/*", false),
    ];
    let rows = history_rows(&history, &layers(1));
    assert_eq!(
        summary(&rows),
        [
            ("ADD file:9a1e in /", Some(0)),
            ("RUN apk add curl", None),
            ("CMD [\"sh\"]", None),
            ("RUN rm -rf /tmp/*", None),
        ]
    );
    // The row still says it should have had a layer: the image is inconsistent, not empty.
    assert!(!rows[1].empty_layer);
    assert!(history_rows(&[], &[]).is_empty());
}

#[test]
fn buildkit_history_with_build_args_and_comments() {
    let config: ImageConfig = serde_json::from_str(
        r#"{"architecture":"amd64","os":"linux","history":[
            {"created":"2024-05-02T09:10:00Z","created_by":"ADD alpine-minirootfs.tar.gz / # buildkit","comment":"buildkit.dockerfile.v0"},
            {"created":"2024-05-02T09:11:00Z","created_by":"RUN |1 TARGETARCH=amd64 /bin/sh -c apk add --no-cache ca-certificates # buildkit","comment":"buildkit.dockerfile.v0"},
            {"created":"2024-05-02T09:12:00Z","created_by":"WORKDIR /app","comment":"buildkit.dockerfile.v0","empty_layer":true},
            {"created":"2024-05-02T09:12:44Z","created_by":"CMD [\"/app/server\"]","comment":"buildkit.dockerfile.v0","empty_layer":true}
        ]}"#,
    )
    .unwrap();
    let rows = history_rows(&config.history, &layers(2));
    assert_eq!(
        summary(&rows),
        [
            ("ADD alpine-minirootfs.tar.gz /", Some(0)),
            (
                "RUN TARGETARCH=amd64 apk add --no-cache ca-certificates",
                Some(1)
            ),
            ("WORKDIR /app", None),
            ("CMD [\"/app/server\"]", None),
        ]
    );
    assert_eq!(rows[3].comment.as_deref(), Some("buildkit.dockerfile.v0"));
}

#[test]
fn schema1_history_lines_up_with_its_layers() {
    let manifest: lading_shared::Schema1Manifest = serde_json::from_str(SCHEMA1_PAYLOAD).unwrap();
    let config = manifest.image_config().unwrap();
    // Schema 1 lists a layer (the empty tar) even for throwaway steps; only real ones count.
    let real: Vec<Descriptor> = layers(1);
    let rows = history_rows(&config.history, &real);
    assert_eq!(
        summary(&rows),
        [
            ("ADD file:b35e4 in /", Some(0)),
            ("ENV GREETING=hi", None),
            ("CMD [\"/hello\"]", None)
        ]
    );
}

/// Found by fuzzing: floats in fields kept as raw JSON changed in their last bits between the
/// proxy (serialising) and the frontend (parsing).
#[test]
fn raw_json_floats_survive_the_api_round_trip() {
    let body = r#"{"architecture":"amd64","os":"linux","config":{"Healthcheck":{"Interval":3.0000008e+88,"Retries":0.1}},"rootfs":{"type":"layers","diff_ids":[]}}"#;
    let config: ImageConfig = serde_json::from_str(body).unwrap();
    let again: ImageConfig =
        serde_json::from_str(&serde_json::to_string(&config).unwrap()).unwrap();
    assert_eq!(again, config);
    let text = serde_json::to_string(&again).unwrap();
    assert!(
        text.contains("3.0000008e88") || text.contains("3.0000008e+88"),
        "{text}"
    );
}
