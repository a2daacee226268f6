use super::*;

const HEX: &str = "4aa3054270f7a70b4528f2064ee90961788e1e1518703592ae4463de3b889dec";
const COMMIT: &str = "b0d3c9a2e1f4a5b6c7d8e9f00112233445566778";

/// BuildKit 0.27's v0.2 predicate, mode=min (no buildConfig).
fn v0_2_min() -> String {
    format!(
        r#"{{"builder":{{"id":"https://github.com/octo-org/octo-repo/actions/runs/1"}},"buildType":"https://mobyproject.org/buildkit@v1","materials":[{{"uri":"pkg:docker/docker/dockerfile@1","digest":{{"sha256":"{HEX}"}}}},{{"uri":"pkg:docker/alpine@latest?platform=linux%2Famd64","digest":{{"sha256":"{HEX}"}}}},{{"uri":"https://github.com/octo-org/octo-repo.git#main","digest":{{"sha1":"{COMMIT}"}}}}],"invocation":{{"configSource":{{"uri":"https://github.com/octo-org/octo-repo.git#main","digest":{{"sha1":"{COMMIT}"}},"entryPoint":"Dockerfile"}},"parameters":{{"frontend":"gateway.v0","args":{{"build-arg:VERSION":"1.2","cmdline":"docker/dockerfile:1","source":"docker/dockerfile:1"}},"locals":[{{"name":"context"}}]}},"environment":{{"platform":"linux/amd64"}}}},"metadata":{{"buildInvocationID":"h3x8w0fz","buildStartedOn":"2025-12-01T12:00:00.123Z","buildFinishedOn":"2025-12-01T12:01:30.456Z","completeness":{{"parameters":true,"environment":true,"materials":false}},"reproducible":false,"https://mobyproject.org/buildkit@v1#metadata":{{"vcs":{{"source":"https://github.com/octo-org/octo-repo","revision":"{COMMIT}"}}}}}}}}"#
    )
}

#[test]
fn buildkit_v0_2_min() {
    let predicate: Value = serde_json::from_str(&v0_2_min()).unwrap();
    let p = decode_provenance(SLSA_PROVENANCE_V0_2, &predicate).unwrap();
    assert_eq!(p.version, SlsaVersion::V0_2);
    assert_eq!(
        p.builder_id.as_deref(),
        Some("https://github.com/octo-org/octo-repo/actions/runs/1")
    );
    assert_eq!(p.build_type.as_deref(), Some(BUILDKIT_BUILD_TYPE));
    assert_eq!(p.buildkit_mode, Some(BuildkitMode::Min));
    assert_eq!(
        p.source_repository.as_deref(),
        Some("https://github.com/octo-org/octo-repo")
    );
    assert_eq!(p.source_commit.as_deref(), Some(COMMIT));
    assert_eq!(
        p.config_source.as_deref(),
        Some("https://github.com/octo-org/octo-repo.git#main")
    );
    assert_eq!(p.entry_point.as_deref(), Some("Dockerfile"));
    assert_eq!(p.frontend.as_deref(), Some("gateway.v0"));
    assert_eq!(p.build_args["build-arg:VERSION"], "1.2");
    assert_eq!(p.platform.as_deref(), Some("linux/amd64"));
    assert_eq!(p.started.as_deref(), Some("2025-12-01T12:00:00.123Z"));
    assert_eq!(p.finished.as_deref(), Some("2025-12-01T12:01:30.456Z"));
    assert_eq!(p.invocation_id.as_deref(), Some("h3x8w0fz"));
    assert_eq!(p.reproducible, Some(false));
    let images: Vec<Option<&str>> = p.materials.iter().map(|m| m.image.as_deref()).collect();
    let dockerfile = format!("docker.io/docker/dockerfile:1@sha256:{HEX}");
    let alpine = format!("docker.io/library/alpine:latest@sha256:{HEX}");
    assert_eq!(images, [Some(&*dockerfile), Some(&*alpine), None]);
    assert_eq!(p.materials[2].digest["sha1"], COMMIT);
    // A digest that is no digest is not pinned.
    let odd = v0_2_min().replace(&format!(r#"{{"sha256":"{HEX}"}}"#), r#"{"sha256":"xyz"}"#);
    let p = decode_provenance(SLSA_PROVENANCE_V0_2, &serde_json::from_str(&odd).unwrap()).unwrap();
    assert_eq!(
        p.materials[0].image.as_deref(),
        Some("docker.io/docker/dockerfile:1")
    );
    assert_eq!(p.materials_dropped, 0);
}

#[test]
fn buildkit_v0_2_max_and_the_statement_around_it() {
    let max = v0_2_min().replacen(
        r#""builder""#,
        r#""buildConfig":{"llbDefinition":[]},"builder""#,
        1,
    );
    let statement = format!(
        r#"{{"_type":"https://in-toto.io/Statement/v0.1","predicateType":"https://slsa.dev/provenance/v0.2","subject":[{{"name":"pkg:docker/octo/app@v1?platform=linux%2Famd64","digest":{{"sha256":"{HEX}"}}}}],"predicate":{max}}}"#
    );
    let p = decode_provenance_attestation(statement.as_bytes()).unwrap();
    assert_eq!(p.buildkit_mode, Some(BuildkitMode::Max));
    let sbom = statement.replace(
        "https://slsa.dev/provenance/v0.2",
        "https://spdx.dev/Document",
    );
    assert_eq!(
        decode_provenance_attestation(sbom.as_bytes()).unwrap_err(),
        SupplyError::NotProvenance("https://spdx.dev/Document".into())
    );
}

#[test]
fn buildkit_v1() {
    let predicate = format!(
        r#"{{"buildDefinition":{{"buildType":"https://mobyproject.org/buildkit@v1","externalParameters":{{"configSource":{{"uri":"https://github.com/octo-org/octo-repo.git#refs/tags/v1","digest":{{"sha1":"{COMMIT}"}},"path":"build/Dockerfile"}},"request":{{"frontend":"dockerfile.v0","args":{{"build-arg:A":"b","target":"release"}}}}}},"internalParameters":{{"buildConfig":{{"llbDefinition":[]}},"builderPlatform":"linux/arm64"}},"resolvedDependencies":[{{"uri":"pkg:docker/ghcr.io/org/base@2?platform=linux%2Farm64","digest":{{"sha256":"{HEX}"}}}}]}},"runDetails":{{"builder":{{"id":""}},"metadata":{{"invocationID":"abc","startedOn":"2025-12-01T12:00:00Z","finishedOn":"2025-12-01T12:02:00Z","buildkit_metadata":{{}}}}}}}}"#
    );
    let predicate: Value = serde_json::from_str(&predicate).unwrap();
    let p = decode_provenance("https://slsa.dev/provenance/v1", &predicate).unwrap();
    assert_eq!(p.version, SlsaVersion::V1);
    assert_eq!(p.builder_id, None, "an empty id is no id");
    assert_eq!(p.buildkit_mode, Some(BuildkitMode::Max));
    // No VCS metadata: the config source stands in.
    assert_eq!(
        p.source_repository.as_deref(),
        Some("https://github.com/octo-org/octo-repo.git#refs/tags/v1")
    );
    assert_eq!(p.source_commit.as_deref(), Some(COMMIT));
    assert_eq!(p.entry_point.as_deref(), Some("build/Dockerfile"));
    assert_eq!(p.frontend.as_deref(), Some("dockerfile.v0"));
    assert_eq!(p.build_args["target"], "release");
    assert_eq!(p.platform.as_deref(), Some("linux/arm64"));
    assert_eq!(p.invocation_id.as_deref(), Some("abc"));
    assert_eq!(p.started.as_deref(), Some("2025-12-01T12:00:00Z"));
    assert_eq!(
        p.materials[0].image,
        Some(format!("ghcr.io/org/base:2@sha256:{HEX}"))
    );
}

#[test]
fn github_v1_is_not_buildkit() {
    let predicate = r#"{"buildDefinition":{"buildType":"https://actions.github.io/buildtypes/workflow/v1","externalParameters":{"workflow":{"ref":"refs/heads/main","repository":"https://github.com/octo-org/octo-repo","path":".github/workflows/release.yml"}},"resolvedDependencies":[{"uri":"git+https://github.com/octo-org/octo-repo@refs/heads/main","digest":{"gitCommit":"b0d3"}}]},"runDetails":{"builder":{"id":"https://github.com/actions/runner/github-hosted"},"metadata":{"invocationId":"https://github.com/octo-org/octo-repo/actions/runs/1/attempts/1"}}}"#;
    let predicate: Value = serde_json::from_str(predicate).unwrap();
    let p = decode_provenance(SLSA_PROVENANCE_V1, &predicate).unwrap();
    assert_eq!(p.buildkit_mode, None);
    assert_eq!(
        p.invocation_id.as_deref(),
        Some("https://github.com/octo-org/octo-repo/actions/runs/1/attempts/1")
    );
    assert_eq!(p.materials[0].image, None);
    assert_eq!(p.materials[0].digest["gitCommit"], "b0d3");
}
