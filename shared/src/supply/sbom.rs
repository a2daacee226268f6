//! SBOMs summarised: SPDX 2.2/2.3 JSON, CycloneDX 1.4–1.6 JSON, Syft JSON, bare or inside an
//! in-toto Statement (BuildKit, cosign). The JSON itself says which format it is; a media
//! type or predicate type is the fallback.

mod formats;
#[cfg(test)]
mod tests;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::SupplyError;
use super::decode::{base64, json, str_at};

/// The most packages kept from one SBOM; the rest are counted.
pub const MAX_PACKAGES: usize = 100_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SbomFormat {
    Spdx,
    CycloneDx,
    Syft,
}

impl SbomFormat {
    pub fn label(self) -> &'static str {
        match self {
            SbomFormat::Spdx => "SPDX",
            SbomFormat::CycloneDx => "CycloneDX",
            SbomFormat::Syft => "Syft",
        }
    }
}

/// An SBOM, summarised.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sbom {
    pub format: SbomFormat,
    /// The format's version (`2.3`, `1.6`, Syft's schema `16.0.14`), when it says.
    pub version: Option<String>,
    /// The document's name (SPDX `name`, CycloneDX `metadata.component.name`).
    pub name: Option<String>,
    /// Tools / creators that wrote it (`Tool: syft-1.18.1`, `syft 1.18.1`).
    pub tools: Vec<String>,
    /// When it was written, as written.
    pub created: Option<String>,
    /// How many packages the document lists (kept + dropped).
    pub package_count: usize,
    pub packages: Vec<SbomPackage>,
    /// Packages past [`MAX_PACKAGES`], counted but not kept.
    pub packages_dropped: usize,
    /// Whether it came inside an in-toto Statement.
    pub in_toto: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SbomPackage {
    pub name: String,
    pub version: Option<String>,
    /// The purl's type (`apk`, `deb`, `npm`), else the document's own type field.
    pub package_type: Option<String>,
    pub license: Option<String>,
    pub purl: Option<String>,
}

/// Decodes an SBOM blob. `hint` is a media type or predicate type that came with it
/// (layer media type, `predicateType` annotation); the JSON's own markers win over it.
pub fn decode_sbom(bytes: &[u8], hint: Option<&str>) -> Result<Sbom, SupplyError> {
    let root: Value = json("SBOM", bytes)?;
    decode_sbom_value(root, hint)
}

/// [`decode_sbom`] on JSON already parsed (a Statement's predicate, say).
pub fn decode_sbom_value(root: Value, hint: Option<&str>) -> Result<Sbom, SupplyError> {
    let (document, hint, in_toto) = unwrap_statement(root, hint)?;
    let format = detect(&document, hint.as_deref())?;
    let mut sbom = match format {
        SbomFormat::Spdx => formats::spdx(&document),
        SbomFormat::CycloneDx => formats::cyclonedx(&document),
        SbomFormat::Syft => formats::syft(&document),
    };
    sbom.in_toto = in_toto;
    Ok(sbom)
}

/// Peels a DSSE envelope and an in-toto Statement, taking the predicate type as the hint.
fn unwrap_statement(
    mut root: Value,
    hint: Option<&str>,
) -> Result<(Value, Option<String>, bool), SupplyError> {
    if let (Some(_), Some(payload)) = (str_at(&root, "payloadType"), str_at(&root, "payload")) {
        let bytes = base64("DSSE payload", payload)?;
        root = json("DSSE payload", &bytes)?;
    }
    if root.get("_type").is_some() && root.get("predicate").is_some() {
        let predicate_type = str_at(&root, "predicateType").map(str::to_string);
        let predicate = root
            .get_mut("predicate")
            .map(Value::take)
            .unwrap_or_default();
        return Ok((predicate, predicate_type.or(hint.map(str::to_string)), true));
    }
    Ok((root, hint.map(str::to_string), false))
}

fn detect(document: &Value, hint: Option<&str>) -> Result<SbomFormat, SupplyError> {
    if !document.is_object() {
        return Err(SupplyError::UnknownSbom(
            "the document is not a JSON object".into(),
        ));
    }
    if document.get("spdxVersion").is_some() {
        return Ok(SbomFormat::Spdx);
    }
    if str_at(document, "bomFormat").is_some_and(|f| f.eq_ignore_ascii_case("CycloneDX")) {
        return Ok(SbomFormat::CycloneDx);
    }
    let syft_schema = document["schema"]["url"]
        .as_str()
        .is_some_and(|u| u.contains("anchore/syft"));
    let syft_descriptor = str_at(&document["descriptor"], "name") == Some("syft");
    if document.get("artifacts").is_some() && (syft_schema || syft_descriptor) {
        return Ok(SbomFormat::Syft);
    }
    if document.get("@graph").is_some() || document.get("@context").is_some() {
        return Err(SupplyError::UnknownSbom(
            "SPDX 3 (JSON-LD) is not summarised yet".into(),
        ));
    }
    let hint = hint.unwrap_or("").to_ascii_lowercase();
    let format = if hint.contains("spdx") && document.get("packages").is_some() {
        SbomFormat::Spdx
    } else if hint.contains("cyclonedx") && document.get("components").is_some() {
        SbomFormat::CycloneDx
    } else if hint.contains("syft") && document.get("artifacts").is_some() {
        SbomFormat::Syft
    } else {
        return Err(SupplyError::UnknownSbom(format!(
            "no spdxVersion, bomFormat or Syft schema{}",
            if hint.is_empty() {
                String::new()
            } else {
                format!(", and \"{hint}\" does not match its fields")
            }
        )));
    };
    Ok(format)
}
