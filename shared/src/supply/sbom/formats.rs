//! One reader per SBOM format, over lenient JSON: fields missing or `null` are left out,
//! never an error.

use serde_json::Value;

use super::{MAX_PACKAGES, Sbom, SbomFormat, SbomPackage};
use crate::supply::decode::str_at;
use crate::supply::purl::purl_type;

/// The most tool entries kept.
const MAX_TOOLS: usize = 64;
/// How deep CycloneDX's nested `components` are followed.
const MAX_COMPONENT_NESTING: usize = 8;

fn owned(value: &Value, key: &str) -> Option<String> {
    str_at(value, key)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

fn list(value: &Value) -> &[Value] {
    value.as_array().map_or(&[], Vec::as_slice)
}

fn sbom(format: SbomFormat, version: Option<String>) -> Sbom {
    Sbom {
        format,
        version,
        name: None,
        tools: Vec::new(),
        created: None,
        package_count: 0,
        packages: Vec::new(),
        packages_dropped: 0,
        in_toto: false,
    }
}

fn push(out: &mut Sbom, package: impl FnOnce() -> Option<SbomPackage>) {
    out.package_count += 1;
    if out.packages.len() >= MAX_PACKAGES {
        out.packages_dropped += 1;
    } else if let Some(p) = package() {
        out.packages.push(p);
    }
}

fn package(
    name: Option<String>,
    version: Option<String>,
    own_type: Option<String>,
    license: Option<String>,
    purl: Option<String>,
) -> Option<SbomPackage> {
    Some(SbomPackage {
        name: name?,
        version,
        package_type: purl.as_deref().and_then(purl_type).or(own_type),
        license,
        purl,
    })
}

/// SPDX 2.2 / 2.3 JSON.
pub(super) fn spdx(doc: &Value) -> Sbom {
    let version = owned(doc, "spdxVersion").map(|v| v.trim_start_matches("SPDX-").to_string());
    let mut out = sbom(SbomFormat::Spdx, version);
    out.name = owned(doc, "name");
    let info = &doc["creationInfo"];
    out.created = owned(info, "created");
    out.tools = list(&info["creators"])
        .iter()
        .filter_map(Value::as_str)
        .take(MAX_TOOLS)
        .map(str::to_string)
        .collect();
    for p in list(&doc["packages"]) {
        push(&mut out, || {
            let license = [owned(p, "licenseConcluded"), owned(p, "licenseDeclared")]
                .into_iter()
                .flatten()
                .find(|l| l != "NOASSERTION")
                .or_else(|| owned(p, "licenseConcluded"));
            package(
                owned(p, "name"),
                owned(p, "versionInfo"),
                None,
                license,
                spdx_purl(p),
            )
        });
    }
    out
}

/// The purl among `externalRefs`; 2.3 writes `PACKAGE-MANAGER`, 2.2 (and BuildKit, syft)
/// `PACKAGE_MANAGER`.
fn spdx_purl(p: &Value) -> Option<String> {
    list(&p["externalRefs"])
        .iter()
        .filter(|r| str_at(r, "referenceType") == Some("purl"))
        .find(|r| {
            str_at(r, "referenceCategory")
                .is_none_or(|c| c.replace('_', "-").eq_ignore_ascii_case("PACKAGE-MANAGER"))
        })
        .and_then(|r| owned(r, "referenceLocator"))
}

/// CycloneDX 1.4–1.6 JSON.
pub(super) fn cyclonedx(doc: &Value) -> Sbom {
    let mut out = sbom(SbomFormat::CycloneDx, owned(doc, "specVersion"));
    let metadata = &doc["metadata"];
    out.name = owned(&metadata["component"], "name");
    out.created = owned(metadata, "timestamp");
    // 1.4: an array of tools; 1.5+: an object of `components` and `services`.
    let tools = &metadata["tools"];
    let entries = tools.as_array().cloned().unwrap_or_else(|| {
        [&tools["components"], &tools["services"]]
            .into_iter()
            .flat_map(|l| list(l).iter().cloned())
            .collect()
    });
    out.tools = entries
        .iter()
        .filter_map(|t| {
            let name = owned(t, "name")?;
            Some(match owned(t, "version") {
                Some(v) => format!("{name} {v}"),
                None => name,
            })
        })
        .take(MAX_TOOLS)
        .collect();
    components(&mut out, list(&doc["components"]), 0);
    out
}

fn components(out: &mut Sbom, list_of: &[Value], depth: usize) {
    for c in list_of {
        push(out, || {
            package(
                owned(c, "name"),
                owned(c, "version"),
                owned(c, "type"),
                cyclonedx_license(c),
                owned(c, "purl"),
            )
        });
        if depth < MAX_COMPONENT_NESTING {
            components(out, list(&c["components"]), depth + 1);
        }
    }
}

/// `licenses`: `[{license:{id|name}}]` or `[{expression}]`; several are joined with ", ".
fn cyclonedx_license(c: &Value) -> Option<String> {
    let names: Vec<String> = list(&c["licenses"])
        .iter()
        .filter_map(|l| {
            owned(l, "expression")
                .or_else(|| owned(&l["license"], "id"))
                .or_else(|| owned(&l["license"], "name"))
        })
        .collect();
    (!names.is_empty()).then(|| names.join(", "))
}

/// Syft's own JSON.
pub(super) fn syft(doc: &Value) -> Sbom {
    let mut out = sbom(SbomFormat::Syft, owned(&doc["schema"], "version"));
    let descriptor = &doc["descriptor"];
    if let Some(name) = owned(descriptor, "name") {
        out.tools.push(match owned(descriptor, "version") {
            Some(v) => format!("{name} {v}"),
            None => name,
        });
    }
    out.name = owned(&doc["source"], "name");
    for a in list(&doc["artifacts"]) {
        push(&mut out, || {
            let licenses: Vec<String> = list(&a["licenses"])
                .iter()
                .filter_map(|l| match l {
                    Value::String(s) => Some(s.clone()),
                    other => owned(other, "spdxExpression").or_else(|| owned(other, "value")),
                })
                .collect();
            let license = (!licenses.is_empty()).then(|| licenses.join(", "));
            package(
                owned(a, "name"),
                owned(a, "version"),
                owned(a, "type"),
                license,
                owned(a, "purl"),
            )
        });
    }
    out
}
