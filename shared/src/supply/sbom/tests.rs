use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

use super::*;

const HEX: &str = "4aa3054270f7a70b4528f2064ee90961788e1e1518703592ae4463de3b889dec";

/// SPDX 2.3 as BuildKit's syft scanner writes it (`PACKAGE_MANAGER`, as 2.2 spelled it).
fn spdx(version: &str, category: &str) -> String {
    format!(
        r#"{{"spdxVersion":"SPDX-{version}","dataLicense":"CC0-1.0","SPDXID":"SPDXRef-DOCUMENT","name":"sbom","creationInfo":{{"created":"2025-12-01T12:00:00Z","creators":["Organization: Anchore, Inc","Tool: syft-v1.18.1","Tool: buildkit-v0.27.0"]}},"packages":[{{"SPDXID":"SPDXRef-busybox","name":"busybox","versionInfo":"1.36.1-r2","licenseConcluded":"NOASSERTION","licenseDeclared":"GPL-2.0-only","supplier":"Person: Sören Tempel","externalRefs":[{{"referenceCategory":"SECURITY","referenceType":"cpe23Type","referenceLocator":"cpe:2.3:a:busybox:busybox:1.36.1-r2:*:*:*:*:*:*:*"}},{{"referenceCategory":"{category}","referenceType":"purl","referenceLocator":"pkg:apk/alpine/busybox@1.36.1-r2?arch=x86_64"}}]}},{{"SPDXID":"SPDXRef-file","name":"no-purl","licenseConcluded":"MIT"}}]}}"#
    )
}

#[test]
fn spdx_both_category_spellings() {
    for (version, category) in [("2.3", "PACKAGE-MANAGER"), ("2.2", "PACKAGE_MANAGER")] {
        let s = decode_sbom(spdx(version, category).as_bytes(), None).unwrap();
        assert_eq!(s.format, SbomFormat::Spdx);
        assert_eq!(s.version.as_deref(), Some(version));
        assert_eq!(s.name.as_deref(), Some("sbom"));
        assert_eq!(s.created.as_deref(), Some("2025-12-01T12:00:00Z"));
        assert_eq!(s.tools.len(), 3);
        assert_eq!(s.package_count, 2);
        let busybox = &s.packages[0];
        assert_eq!(
            busybox,
            &SbomPackage {
                name: "busybox".into(),
                version: Some("1.36.1-r2".into()),
                package_type: Some("apk".into()),
                license: Some("GPL-2.0-only".into()),
                purl: Some("pkg:apk/alpine/busybox@1.36.1-r2?arch=x86_64".into()),
            },
            "{category}"
        );
        assert_eq!(s.packages[1].license.as_deref(), Some("MIT"));
        assert_eq!(s.packages[1].package_type, None);
    }
}

#[test]
fn in_toto_wrapped_bare_and_dsse() {
    let statement = format!(
        r#"{{"_type":"https://in-toto.io/Statement/v0.1","predicateType":"https://spdx.dev/Document","subject":[{{"name":"x","digest":{{"sha256":"{HEX}"}}}}],"predicate":{}}}"#,
        spdx("2.3", "PACKAGE-MANAGER")
    );
    let s = decode_sbom(statement.as_bytes(), None).unwrap();
    assert!(s.in_toto);
    assert_eq!(s.packages.len(), 2);
    let envelope = format!(
        r#"{{"payloadType":"application/vnd.in-toto+json","payload":"{}","signatures":[]}}"#,
        STANDARD.encode(&statement)
    );
    assert_eq!(decode_sbom(envelope.as_bytes(), None).unwrap(), s);
}

#[test]
fn cyclonedx_tool_shapes_and_licenses() {
    let v16 = r#"{"bomFormat":"CycloneDX","specVersion":"1.6","metadata":{"timestamp":"2025-12-01T12:00:00Z","tools":{"components":[{"type":"application","author":"anchore","name":"syft","version":"1.18.1"}]},"component":{"type":"container","name":"alpine:3.20"}},"components":[{"type":"library","name":"busybox","version":"1.36.1-r2","purl":"pkg:apk/alpine/busybox@1.36.1-r2","licenses":[{"license":{"id":"GPL-2.0-only"}}],"components":[{"type":"library","name":"inner","licenses":[{"license":{"name":"Custom"}}]}]},{"type":"library","name":"ssl","licenses":[{"expression":"Apache-2.0 OR MIT"}]}]}"#;
    let s = decode_sbom(v16.as_bytes(), None).unwrap();
    assert_eq!(s.format, SbomFormat::CycloneDx);
    assert_eq!(s.version.as_deref(), Some("1.6"));
    assert_eq!(s.tools, ["syft 1.18.1"]);
    assert_eq!(s.name.as_deref(), Some("alpine:3.20"));
    assert_eq!(s.package_count, 3);
    let licenses: Vec<_> = s.packages.iter().map(|p| p.license.as_deref()).collect();
    assert_eq!(
        licenses,
        [
            Some("GPL-2.0-only"),
            Some("Custom"),
            Some("Apache-2.0 OR MIT")
        ]
    );
    assert_eq!(s.packages[0].package_type.as_deref(), Some("apk"));
    // No purl: the component's own type.
    assert_eq!(s.packages[2].package_type.as_deref(), Some("library"));
    let v14 = r#"{"bomFormat":"CycloneDX","specVersion":"1.4","metadata":{"tools":[{"vendor":"anchore","name":"syft","version":"0.80.0"}]},"components":[]}"#;
    let s = decode_sbom(v14.as_bytes(), None).unwrap();
    assert_eq!(s.tools, ["syft 0.80.0"]);
    assert_eq!(s.version.as_deref(), Some("1.4"));
}

#[test]
fn syft_json_licenses_as_strings_or_objects() {
    let syft = r#"{"artifacts":[{"name":"busybox","version":"1.36.1-r2","type":"apk","purl":"pkg:apk/alpine/busybox@1.36.1-r2","licenses":["GPL-2.0-only"]},{"name":"left-pad","version":"1.3.0","type":"npm","licenses":[{"value":"WTFPL","spdxExpression":"WTFPL","type":"declared"}]}],"source":{"name":"alpine"},"descriptor":{"name":"syft","version":"1.18.1"},"schema":{"version":"16.0.18","url":"https://raw.githubusercontent.com/anchore/syft/main/schema/json/schema-16.0.18.json"}}"#;
    let s = decode_sbom(syft.as_bytes(), Some(crate::supply::types::SYFT_JSON)).unwrap();
    assert_eq!(s.format, SbomFormat::Syft);
    assert_eq!(s.version.as_deref(), Some("16.0.18"));
    assert_eq!(s.tools, ["syft 1.18.1"]);
    assert_eq!(s.packages[0].license.as_deref(), Some("GPL-2.0-only"));
    assert_eq!(s.packages[1].license.as_deref(), Some("WTFPL"));
    assert_eq!(s.packages[1].package_type.as_deref(), Some("npm"));
}

#[test]
fn hint_decides_when_markers_are_missing() {
    let bare = r#"{"components":[{"name":"a"}]}"#;
    let s = decode_sbom(bare.as_bytes(), Some("https://cyclonedx.org/bom/v1.5")).unwrap();
    assert_eq!(s.format, SbomFormat::CycloneDx);
    let err = decode_sbom(bare.as_bytes(), None).unwrap_err();
    assert!(matches!(err, SupplyError::UnknownSbom(_)), "{err}");
    let err = decode_sbom(
        br#"{"@context":"https://spdx.org/rdf/3.0.1/spdx-context.jsonld","@graph":[]}"#,
        None,
    )
    .unwrap_err();
    assert!(err.to_string().contains("SPDX 3"), "{err}");
    assert!(matches!(
        decode_sbom(b"[1]", None),
        Err(SupplyError::UnknownSbom(_))
    ));
}

#[test]
fn packages_past_the_bound_are_counted_not_kept() {
    let one = r#"{"name":"p","versionInfo":"1"}"#;
    let packages = vec![one; MAX_PACKAGES + 3].join(",");
    let doc = format!(r#"{{"spdxVersion":"SPDX-2.3","packages":[{packages}]}}"#);
    let s = decode_sbom(doc.as_bytes(), None).unwrap();
    assert_eq!(s.package_count, MAX_PACKAGES + 3);
    assert_eq!(s.packages.len(), MAX_PACKAGES);
    assert_eq!(s.packages_dropped, 3);
}
