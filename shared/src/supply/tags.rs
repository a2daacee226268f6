//! The tags supply-chain tools file things under: cosign's `sha256-<hex>.sig` / `.att` /
//! `.sbom` beside the image, and the referrers tag schema's `sha256-<hex>` (an index of the
//! referrers, for registries without the API).

use serde::{Deserialize, Serialize};

use crate::digest::Digest;

/// cosign's legacy attachment suffixes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CosignSuffix {
    Sig,
    Att,
    Sbom,
}

impl CosignSuffix {
    pub const ALL: [CosignSuffix; 3] = [CosignSuffix::Sig, CosignSuffix::Att, CosignSuffix::Sbom];

    pub fn as_str(self) -> &'static str {
        match self {
            CosignSuffix::Sig => "sig",
            CosignSuffix::Att => "att",
            CosignSuffix::Sbom => "sbom",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            CosignSuffix::Sig => "signature",
            CosignSuffix::Att => "attestation",
            CosignSuffix::Sbom => "SBOM",
        }
    }
}

/// A tag that is paperwork for another manifest rather than an image of its own.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SupplyTag {
    /// The manifest it belongs to.
    pub subject: Digest,
    /// `None`: the referrers fallback tag; else cosign's attachment.
    pub cosign: Option<CosignSuffix>,
}

/// `sha256-<hex>`: the referrers tag schema's tag for `subject`.
pub fn fallback_tag(subject: &Digest) -> String {
    let text = subject.to_string();
    text.replacen(':', "-", 1)
}

/// `sha256-<hex>.<suffix>`: cosign's tag for `subject`'s attachment.
pub fn cosign_tag(subject: &Digest, suffix: CosignSuffix) -> String {
    format!("{}.{}", fallback_tag(subject), suffix.as_str())
}

/// Reads a tag as supply-chain paperwork (`sha256-<64 hex>` with an optional cosign suffix),
/// or `None` for any other tag. Only exact digests count: `sha256-abc` is an ordinary tag.
pub fn parse_supply_tag(tag: &str) -> Option<SupplyTag> {
    let (stem, cosign) = match tag.rsplit_once('.') {
        Some((stem, suffix)) => {
            let suffix = CosignSuffix::ALL
                .into_iter()
                .find(|s| s.as_str() == suffix)?;
            (stem, Some(suffix))
        }
        None => (tag, None),
    };
    let (algorithm, hex) = stem.split_once('-')?;
    let subject: Digest = format!("{algorithm}:{hex}").parse().ok()?;
    Some(SupplyTag { subject, cosign })
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEX: &str = "4aa3054270f7a70b4528f2064ee90961788e1e1518703592ae4463de3b889dec";

    #[test]
    fn tags_round_trip() {
        let digest: Digest = format!("sha256:{HEX}").parse().unwrap();
        assert_eq!(fallback_tag(&digest), format!("sha256-{HEX}"));
        let sig = cosign_tag(&digest, CosignSuffix::Sig);
        assert_eq!(sig, format!("sha256-{HEX}.sig"));
        assert_eq!(
            parse_supply_tag(&sig),
            Some(SupplyTag {
                subject: digest.clone(),
                cosign: Some(CosignSuffix::Sig)
            })
        );
        assert_eq!(
            parse_supply_tag(&fallback_tag(&digest)).map(|t| t.cosign),
            Some(None)
        );
    }

    #[test]
    fn ordinary_tags_are_not_paperwork() {
        for tag in [
            "latest",
            "sha256-abc",
            "sha256-abc.sig",
            &format!("sha256-{HEX}.zip"),
            &format!("sha256-{HEX}x"),
            "3.9",
        ] {
            assert_eq!(parse_supply_tag(tag), None, "{tag}");
        }
    }
}
