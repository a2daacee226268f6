//! What the Supply chain section says, as plain functions (tested without a browser): how the
//! registry answered the referrers API, what was looked at when nothing was found, the
//! groups referrers fall into, and the annotations worth a column.

use lading_shared::api::{Referrer, ReferrersApi, ReferrersResponse};
use lading_shared::supply::{CosignSuffix, cosign_tag};

/// `org.opencontainers.image.created`: when the referrer was made.
pub const CREATED: &str = "org.opencontainers.image.created";
/// `org.opencontainers.image.title`: ORAS file names, SBOM file names.
pub const TITLE: &str = "org.opencontainers.image.title";
/// Where tools state an attestation's predicate type: BuildKit's layers, Sigstore bundles,
/// cosign's legacy `.att` layers.
pub const PREDICATE_TYPES: [&str; 3] = [
    "in-toto.io/predicate-type",
    "dev.sigstore.bundle.predicateType",
    "predicateType",
];

/// The three groups of the section, in the order they are shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Group {
    Signatures,
    Attestations,
    Other,
}

impl Group {
    pub const ALL: [Group; 3] = [Group::Signatures, Group::Attestations, Group::Other];

    pub fn of(referrer: &Referrer) -> Group {
        if referrer.kind.is_signature() {
            Group::Signatures
        } else if referrer.kind.is_attestation() {
            Group::Attestations
        } else {
            Group::Other
        }
    }

    pub fn heading(self) -> &'static str {
        match self {
            Group::Signatures => "Signatures",
            Group::Attestations => "Attestations & SBOMs",
            Group::Other => "Other artifacts",
        }
    }

    /// For test ids and CSS.
    pub fn id(self) -> &'static str {
        match self {
            Group::Signatures => "signatures",
            Group::Attestations => "attestations",
            Group::Other => "other",
        }
    }
}

/// How the registry answered the referrers API, in words.
pub fn api_words(response: &ReferrersResponse) -> String {
    match &response.api {
        ReferrersApi::Served { pages, filtered } => {
            let pages = format!("{pages} page{}", if *pages == 1 { "" } else { "s" });
            let filter = match (&response.artifact_type, filtered) {
                (_, true) => ", filtered by the registry",
                (Some(_), false) => ", not filtered by the registry: filtered here",
                (None, false) => "",
            };
            format!("the registry serves the referrers API ({pages}{filter})")
        }
        ReferrersApi::Absent { why } => match &response.fallback_tag {
            Some(tag) => format!("no referrers API ({why}): read the fallback tag {tag}"),
            None => format!("no referrers API ({why})"),
        },
        ReferrersApi::NotAsked => {
            "the referrers API was not asked (a schema-1 manifest cannot be referred to)".into()
        }
    }
}

/// What was looked at, for the empty state: the API (or its fallback tag), cosign's tags,
/// and the proxy's own notes.
pub fn looked_at(response: &ReferrersResponse) -> Vec<String> {
    let mut places = vec![api_words(response)];
    let tags: Vec<String> = CosignSuffix::ALL
        .into_iter()
        .map(|s| cosign_tag(&response.subject, s))
        .collect();
    places.push(format!("cosign's tags {}", tags.join(", ")));
    places.extend(response.notes.iter().cloned());
    places
}

/// The first predicate type any of the known annotations states.
pub fn predicate_type(referrer: &Referrer) -> Option<&str> {
    PREDICATE_TYPES
        .iter()
        .find_map(|key| referrer.annotations.get(*key))
        .map(String::as_str)
}

#[cfg(test)]
mod tests {
    use super::*;
    use lading_shared::api::ReferrerSource;
    use lading_shared::supply::ReferrerKind;
    use lading_shared::{Digest, Reference};

    const HEX: &str = "4aa3054270f7a70b4528f2064ee90961788e1e1518703592ae4463de3b889dec";

    fn response(api: ReferrersApi) -> ReferrersResponse {
        let subject: Digest = format!("sha256:{HEX}").parse().unwrap();
        ReferrersResponse {
            reference: Reference::parse("example.com/a/b:1").unwrap(),
            subject,
            referrers: Vec::new(),
            api,
            fallback_tag: None,
            artifact_type: None,
            notes: Vec::new(),
            registry_notes: Default::default(),
            trace: Vec::new(),
        }
    }

    fn referrer(kind: ReferrerKind) -> Referrer {
        Referrer {
            digest: format!("sha256:{HEX}").parse().unwrap(),
            artifact_type: None,
            media_type: None,
            size: 0,
            annotations: Default::default(),
            source: ReferrerSource::Api,
            kind,
            tag: None,
            describes: None,
            completed: false,
            error: None,
        }
    }

    #[test]
    fn the_api_state_in_words() {
        let mut served = response(ReferrersApi::Served {
            pages: 2,
            filtered: true,
        });
        assert_eq!(
            api_words(&served),
            "the registry serves the referrers API (2 pages, filtered by the registry)"
        );
        served.api = ReferrersApi::Served {
            pages: 1,
            filtered: false,
        };
        assert_eq!(
            api_words(&served),
            "the registry serves the referrers API (1 page)"
        );
        served.artifact_type = Some("application/spdx+json".into());
        assert!(api_words(&served).ends_with("not filtered by the registry: filtered here)"));
        let mut absent = response(ReferrersApi::Absent { why: "404".into() });
        absent.fallback_tag = Some(format!("sha256-{HEX}"));
        assert_eq!(
            api_words(&absent),
            format!("no referrers API (404): read the fallback tag sha256-{HEX}")
        );
    }

    #[test]
    fn the_empty_state_names_every_place_looked_at() {
        let mut absent = response(ReferrersApi::Absent { why: "404".into() });
        absent.notes.push("the index holds no attestation".into());
        let places = looked_at(&absent);
        assert_eq!(places.len(), 3);
        assert!(places[1].contains(&format!("sha256-{HEX}.sig")));
        assert!(places[1].contains(".att") && places[1].contains(".sbom"));
        assert_eq!(places[2], "the index holds no attestation");
    }

    #[test]
    fn groups_and_predicate_types() {
        assert_eq!(
            Group::of(&referrer(ReferrerKind::CosignSignature)),
            Group::Signatures
        );
        assert_eq!(
            Group::of(&referrer(ReferrerKind::NotationSignature)),
            Group::Signatures
        );
        assert_eq!(
            Group::of(&referrer(ReferrerKind::BuildkitAttestation)),
            Group::Attestations
        );
        assert_eq!(
            Group::of(&referrer(ReferrerKind::Sbom)),
            Group::Attestations
        );
        assert_eq!(Group::of(&referrer(ReferrerKind::HelmChart)), Group::Other);
        let mut att = referrer(ReferrerKind::CosignAttestation);
        assert_eq!(predicate_type(&att), None);
        att.annotations.insert(
            "predicateType".into(),
            "https://slsa.dev/provenance/v1".into(),
        );
        assert_eq!(predicate_type(&att), Some("https://slsa.dev/provenance/v1"));
    }
}
