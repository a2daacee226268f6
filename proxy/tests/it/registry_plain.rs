//! The image and tag APIs against a real, anonymous `docker-registry`, with every kind of
//! manifest the harness can push.

use crate::support;

use crate::support::Lading;
use lading_shared::api::{ImageResponse, TagsResponse};
use lading_shared::manifest::EntryKind;
use lading_shared::{Digest, Manifest, MediaType};
use lading_testkit::Registry;
use lading_testkit::fixtures;

fn image_response(answer: &support::Answer) -> ImageResponse {
    assert_eq!(answer.status, 200, "{:#}", answer.json);
    serde_json::from_value(answer.json.clone()).expect("ImageResponse")
}

#[tokio::test(flavor = "multi_thread")]
async fn oci_index_shows_platforms_sizes_and_attestation_of_its_image() {
    let registry = Registry::plain();
    let pushed =
        fixtures::push_oci_index_with_attestation(&registry.pusher(), "team/multi", "v1").await;
    let lading = Lading::allowing(&[&registry.host()]);

    let answer = lading
        .image(&format!("{}/team/multi:v1", registry.host()))
        .await;
    let image = image_response(&answer);
    assert_eq!(image.digest.to_string(), pushed.index.manifest.digest);
    assert_eq!(image.media_type, MediaType::OciIndex);
    assert_eq!(
        image.raw.as_bytes(),
        pushed.index.manifest_bytes.as_slice(),
        "raw is byte-exact"
    );
    let Manifest::Index(index) = &image.manifest else {
        panic!("not an index")
    };
    let amd64 = Digest::parse(&pushed.linux_amd64.manifest.digest).unwrap();
    let kinds: Vec<EntryKind> = index.entries().into_iter().map(|e| e.kind).collect();
    assert_eq!(
        kinds.iter().filter(|k| **k == EntryKind::Platform).count(),
        2
    );
    assert!(kinds.contains(&EntryKind::Attestation {
        of: Some(amd64.clone())
    }));
    // Each platform's compressed layer size comes from its own manifest.
    let child = image
        .children
        .iter()
        .find(|c| c.digest == amd64)
        .expect("amd64 summarised");
    let want: u64 = pushed.linux_amd64.layers.iter().map(|l| l.size).sum();
    assert_eq!(child.layers_size, Some(want));
    assert_eq!(child.layer_count, Some(pushed.linux_amd64.layers.len()));
    assert!(child.error.is_none());

    // Following a platform by digest gives its image with config and history.
    let platform = lading
        .image(&format!("{}/team/multi@{amd64}", registry.host()))
        .await;
    let platform = image_response(&platform);
    assert_eq!(platform.digest, amd64);
    let config = platform.config.expect("config fetched");
    assert_eq!(config.digest.to_string(), pushed.linux_amd64.config.digest);
    assert!(config.image.is_some(), "{:?}", config.parse_error);
}

#[tokio::test(flavor = "multi_thread")]
async fn docker_manifest_list_keeps_windows_os_version() {
    let registry = Registry::plain();
    let pushed = fixtures::push_docker_manifest_list(&registry.pusher(), "lib/list", "1").await;
    let lading = Lading::allowing(&[&registry.host()]);
    let image = image_response(
        &lading
            .image(&format!("{}/lib/list:1", registry.host()))
            .await,
    );
    assert_eq!(image.media_type, MediaType::DockerManifestList);
    assert_eq!(image.digest.to_string(), pushed.list.manifest.digest);
    let Manifest::Index(index) = &image.manifest else {
        panic!("not a list")
    };
    let windows = index
        .manifests
        .iter()
        .find(|d| d.platform.as_ref().is_some_and(|p| p.os == "windows"))
        .expect("windows entry");
    assert_eq!(
        windows.platform.as_ref().unwrap().os_version.as_deref(),
        Some(fixtures::WINDOWS_OS_VERSION)
    );
    assert_eq!(image.children.len(), 3);
}

#[tokio::test(flavor = "multi_thread")]
async fn docker_v2_image_has_config_history_and_docker_only_fields() {
    let registry = Registry::plain();
    let pushed = fixtures::push_docker_image(&registry.pusher(), "app/docker", "2.0").await;
    let lading = Lading::allowing(&[&registry.host()]);
    let image = image_response(
        &lading
            .image(&format!("{}/app/docker:2.0", registry.host()))
            .await,
    );
    assert_eq!(image.media_type, MediaType::DockerManifest);
    let Manifest::Image(manifest) = &image.manifest else {
        panic!("not an image")
    };
    let config = image.config.expect("config");
    let typed = config.image.expect("typed config");
    assert!(
        typed.config.as_ref().unwrap().healthcheck.is_some(),
        "Docker-only Healthcheck kept"
    );
    assert!(
        config.raw.contains("container_config"),
        "raw config is complete"
    );
    let rows = lading_shared::history_rows(&typed.history, &manifest.layers);
    let with_layers = rows.iter().filter(|r| r.layer.is_some()).count();
    assert_eq!(with_layers, pushed.layers.len());
    assert!(rows.iter().any(|r| r.empty_layer));
    assert!(rows.iter().all(|r| !r.command.contains("#(nop)")));
}

#[tokio::test(flavor = "multi_thread")]
async fn oci_image_label_payloads_arrive_as_data() {
    let registry = Registry::plain();
    fixtures::push_oci_image(&registry.pusher(), "app/oci", "latest").await;
    let lading = Lading::allowing(&[&registry.host()]);
    // No tag: `latest` is implied, and the notes say so.
    let image = image_response(&lading.image(&format!("{}/app/oci", registry.host())).await);
    assert!(
        image.notes.iter().any(|n| n.contains("latest")),
        "{:?}",
        image.notes
    );
    let labels = &image.config.unwrap().image.unwrap().config.unwrap().labels;
    assert_eq!(
        labels.get(fixtures::XSS_LABEL_KEY).map(String::as_str),
        Some(fixtures::XSS_LABEL_VALUE)
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn artifacts_render_generically() {
    let registry = Registry::plain();
    let artifacts = fixtures::push_artifacts(&registry.pusher(), "charts/demo", None).await;
    let lading = Lading::allowing(&[&registry.host()]);
    for pushed in [
        &artifacts.helm_chart,
        &artifacts.unknown_config,
        &artifacts.sbom,
    ] {
        let tag = pushed.tag.as_deref().unwrap();
        let image = image_response(
            &lading
                .image(&format!("{}/charts/demo:{tag}", registry.host()))
                .await,
        );
        let Manifest::Image(manifest) = &image.manifest else {
            panic!("{tag}: not a manifest")
        };
        assert!(!manifest.is_container_image(), "{tag} is an artifact");
        let config = image
            .config
            .unwrap_or_else(|| panic!("{tag}: {:?}", image.config_error));
        assert!(config.image.is_none());
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn nested_index_entries_are_navigable() {
    let registry = Registry::plain();
    let nested = fixtures::push_nested_index(&registry.pusher(), "deep/nest", "n").await;
    let lading = Lading::allowing(&[&registry.host()]);
    let outer = image_response(
        &lading
            .image(&format!("{}/deep/nest:n", registry.host()))
            .await,
    );
    let Manifest::Index(index) = &outer.manifest else {
        panic!()
    };
    assert!(index.entries().iter().any(|e| e.kind == EntryKind::Index));
    let inner = lading
        .image(&format!(
            "{}/deep/nest@{}",
            registry.host(),
            nested.inner.manifest.digest
        ))
        .await;
    assert!(matches!(
        image_response(&inner).manifest,
        Manifest::Index(_)
    ));
}

#[tokio::test(flavor = "multi_thread")]
async fn schema1_manifest_digest_is_over_the_payload() {
    let registry = Registry::plain();
    let pushed = fixtures::push_schema1_image(&registry.pusher(), "old/one", "s1").await;
    let lading = Lading::allowing(&[&registry.host()]);
    let image = image_response(
        &lading
            .image(&format!("{}/old/one:s1", registry.host()))
            .await,
    );
    assert!(image.media_type.is_schema1());
    assert_eq!(image.digest.to_string(), pushed.manifest.digest);
    let Manifest::Schema1(s1) = &image.manifest else {
        panic!()
    };
    assert!(s1.image_config().is_some());
}

#[tokio::test(flavor = "multi_thread")]
async fn second_view_is_served_by_head_and_cache() {
    let registry = Registry::plain();
    fixtures::push_oci_image(&registry.pusher(), "cache/me", "v").await;
    let lading = Lading::allowing(&[&registry.host()]);
    let reference = format!("{}/cache/me:v", registry.host());
    let first = lading.image(&reference).await;
    let methods: Vec<String> = first.exchanges().into_iter().map(|e| e.0).collect();
    // Nothing cached yet: a HEAD first would only add a round trip (issue 11).
    assert_eq!(methods, ["GET", "GET", "GET"], "ping, manifest, config");
    let second = lading.image(&reference).await;
    let methods: Vec<String> = second.exchanges().into_iter().map(|e| e.0).collect();
    assert_eq!(
        methods,
        ["HEAD"],
        "the manifest bytes and the config come from cache after a HEAD"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn tag_list_of_a_real_registry() {
    let registry = Registry::plain();
    let pushed = fixtures::push_many_tags(&registry.pusher(), "many/tags", 300).await;
    let lading = Lading::allowing(&[&registry.host()]);
    let answer = lading.tags(&format!("{}/many/tags", registry.host())).await;
    assert_eq!(answer.status, 200, "{:#}", answer.json);
    let tags: TagsResponse = serde_json::from_value(answer.json).unwrap();
    let mut got = tags.tags.clone();
    let mut want = pushed.tags.clone();
    got.sort();
    want.sort();
    assert_eq!(got, want);
}

#[tokio::test(flavor = "multi_thread")]
async fn errors_are_typed_and_carry_the_trace() {
    let registry = Registry::plain();
    fixtures::push_oci_image(&registry.pusher(), "there/is", "v1").await;
    let host = registry.host();
    let lading = Lading::allowing(&[&host]);

    let missing_tag = lading.image(&format!("{host}/there/is:nope")).await;
    assert_eq!(
        (missing_tag.status.as_u16(), missing_tag.kind()),
        (404, "manifest_unknown")
    );
    assert!(
        !missing_tag.exchanges().is_empty(),
        "the failed exchanges are shown"
    );

    let missing_repo = lading.tags(&format!("{host}/not/here")).await;
    assert_eq!(
        (missing_repo.status.as_u16(), missing_repo.kind()),
        (404, "name_unknown")
    );

    let invalid = lading.image("Upper/Case:tag").await;
    assert_eq!(
        (invalid.status.as_u16(), invalid.kind()),
        (400, "invalid_reference")
    );
    assert!(
        invalid.json["message"]
            .as_str()
            .unwrap()
            .contains("lowercase")
    );

    let missing_param = lading.get("/api/image", None).await;
    assert_eq!(
        (missing_param.status.as_u16(), missing_param.kind()),
        (400, "bad_request")
    );

    // The same registry without --allow-host is refused before any connection.
    let strict = Lading::allowing(&[]);
    let refused = strict.image(&format!("{host}/there/is:v1")).await;
    assert_eq!(
        (refused.status.as_u16(), refused.kind()),
        (403, "refused_host")
    );
    assert!(
        refused.json["message"]
            .as_str()
            .unwrap()
            .contains("--allow-host")
    );
    assert!(
        refused.exchanges().iter().all(|e| e.1.is_none()),
        "nothing was answered"
    );
}
