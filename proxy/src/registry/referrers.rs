//! The referrers of a manifest (`/api/referrers`): what points at it or is filed beside it.
//!
//! Four sources, read in this order and deduplicated by digest (the first source wins):
//! - the OCI 1.1 referrers API (`api`), every `Link` page on the same origin;
//! - where the registry has no API (a 404, or a 200 that is no OCI index: Harbor 2.9.1 sent
//!   `application/json`), the referrers tag schema's fallback tag `sha256-<hex>` (`tags`);
//! - cosign's legacy tags `sha256-<hex>.sig`, `.att`, `.sbom` (`tags`);
//! - BuildKit's attestation manifests inside the index the reference names (`complete`).
//!
//! Listings in the wild are often incomplete (cosign 3 through go-containerregistry before
//! v0.22.1 wrote no annotations and an empty `artifactType`): such entries are completed
//! from the referrer's own manifest (`complete`), a bounded number of them. The filter asked
//! for is applied here to every source, whatever the registry said it did.

mod api;
mod complete;
mod tags;

use std::collections::{BTreeMap, HashSet};

use lading_shared::api::{Referrer, ReferrerSource, ReferrersApi, ReferrersResponse};
use lading_shared::supply::{ReferrerKind, classify, fallback_tag, types};
use lading_shared::{Descriptor, Manifest, Reference};

use super::Session;
use super::missing::tag_was_assumed;
use crate::error::ProxyError;
use crate::limits::budget::Reservation;

/// Referrers API pages followed (each is one request).
pub const MAX_REFERRER_PAGES: u32 = 20;
/// One referrers page or fallback index, read whole before parsing.
pub const MAX_REFERRERS_PAGE_BYTES: usize = 4 * 1024 * 1024;
/// Referrers kept from all sources together; past it the rest is noted, not listed.
pub const MAX_REFERRERS: usize = 1000;
/// Referrer manifests fetched to complete or classify entries, in all.
pub const MAX_COMPLETED: usize = 64;
/// Of those, fetched at once (as the index view's children are).
pub const COMPLETE_CONCURRENCY: usize = super::view::CHILD_CONCURRENCY;
/// Memory an answer may take per referrer beyond its annotations (digests, types, source).
const ANSWER_PER_REFERRER: u64 = 512;

/// What the listing sources found, before completion and filtering.
#[derive(Default)]
struct Found {
    referrers: Vec<Referrer>,
    notes: Vec<String>,
    /// Something could not be read: the answer is worth asking again soon.
    partial: bool,
    /// Past [`MAX_REFERRERS`] (noted once).
    truncated: bool,
}

impl Found {
    /// Adds `referrer` unless its digest is already listed (an earlier source wins) or the
    /// count is at its limit.
    fn push(&mut self, seen: &mut HashSet<String>, referrer: Referrer) {
        if !seen.insert(referrer.digest.to_string()) {
            return;
        }
        if self.referrers.len() >= MAX_REFERRERS {
            if !self.truncated {
                self.notes.push(format!(
                    "only the first {MAX_REFERRERS} referrers are listed; more were found"
                ));
            }
            self.truncated = true;
            self.partial = true;
            return;
        }
        self.referrers.push(referrer);
    }
}

impl Session {
    /// The referrers of the manifest `input` (parsed as `reference`) names, only those of
    /// `artifact_type` when given. `memory` is charged for the answer as it is built.
    pub async fn list_referrers(
        &self,
        input: &str,
        reference: Reference,
        artifact_type: Option<&str>,
        memory: &mut Reservation,
    ) -> Result<(ReferrersResponse, bool), ProxyError> {
        let assumed = tag_was_assumed(input, &reference);
        let (raw, subject) = self.fetch_reference(&reference, assumed).await?;
        let repository = reference.repository.clone();
        let mut found = Found {
            notes: reference.normalization_notes(input),
            ..Found::default()
        };
        let mut seen = HashSet::new();
        let mut response = ReferrersResponse {
            reference: reference.clone(),
            subject: subject.clone(),
            referrers: Vec::new(),
            api: ReferrersApi::NotAsked,
            fallback_tag: None,
            artifact_type: artifact_type.map(str::to_string),
            notes: Vec::new(),
            registry_notes: Default::default(),
            trace: Vec::new(),
        };
        if let Manifest::Schema1(_) = raw.manifest {
            found.notes.push(
                "a Docker schema 1 manifest cannot be referred to: the referrers API was not \
                 asked"
                    .into(),
            );
        } else {
            let listed = self
                .referrers_api(&repository, &subject, artifact_type)
                .await?;
            response.api = listed.api;
            found.notes.extend(listed.notes);
            found.partial |= listed.partial;
            for referrer in listed.referrers {
                found.push(&mut seen, referrer);
            }
            if let ReferrersApi::Absent { .. } = response.api {
                let tag = fallback_tag(&subject);
                let index = self.read_fallback(&repository, &tag, &mut found).await;
                for referrer in index {
                    found.push(&mut seen, referrer);
                }
                response.fallback_tag = Some(tag);
            }
        }
        for referrer in self.cosign_tags(&repository, &subject, &mut found).await {
            found.push(&mut seen, referrer);
        }
        if let Manifest::Index(index) = &raw.manifest {
            for referrer in attestations_in(&index.manifests) {
                found.push(&mut seen, referrer);
            }
        }
        self.complete(&repository, &mut found).await;
        found.referrers.retain(|r| matches_type(r, artifact_type));
        memory.resize(memory.bytes() + answer_heap(&found.referrers))?;
        response.referrers = found.referrers;
        response.notes = found.notes;
        Ok((response, found.partial))
    }
}

/// A listing's entry as a referrer, its kind from what the listing says (completed later
/// from its manifest when the listing says too little).
fn listed(descriptor: &Descriptor, source: ReferrerSource, tag: Option<&str>) -> Referrer {
    let artifact_type = descriptor
        .artifact_type
        .clone()
        .filter(|t| !t.trim().is_empty());
    Referrer {
        digest: descriptor.digest.clone(),
        kind: classify(artifact_type.as_deref(), None, &[]),
        artifact_type,
        media_type: Some(descriptor.media_type.clone()),
        size: descriptor.size,
        annotations: descriptor.annotations.clone().unwrap_or_default(),
        source,
        tag: tag.map(str::to_string),
        describes: None,
        completed: false,
        error: None,
    }
}

/// BuildKit's attestation manifests among an index's entries (any other reference type is
/// ignored, as BuildKit's own readers do).
fn attestations_in(entries: &[Descriptor]) -> Vec<Referrer> {
    entries
        .iter()
        .filter(|d| d.annotation(types::REFERENCE_TYPE) == Some(types::ATTESTATION_MANIFEST))
        .map(|d| {
            let mut referrer = listed(d, ReferrerSource::Index, None);
            referrer.kind = ReferrerKind::BuildkitAttestation;
            referrer.describes = d
                .annotation(types::REFERENCE_DIGEST)
                .and_then(|digest| digest.parse().ok());
            referrer
        })
        .collect()
}

/// Whether `referrer` is of `wanted` (media types compared without parameters, any case).
fn matches_type(referrer: &Referrer, wanted: Option<&str>) -> bool {
    let Some(wanted) = wanted else {
        return true;
    };
    let essence = |t: &str| {
        t.split(';')
            .next()
            .unwrap_or_default()
            .trim()
            .to_ascii_lowercase()
    };
    referrer
        .artifact_type
        .as_deref()
        .is_some_and(|t| essence(t) == essence(wanted))
}

/// A rough upper bound of what the referrers add to the answer.
fn answer_heap(referrers: &[Referrer]) -> u64 {
    let annotations = |a: &BTreeMap<String, String>| -> u64 {
        a.iter().map(|(k, v)| (k.len() + v.len()) as u64 * 2).sum()
    };
    referrers
        .iter()
        .map(|r| ANSWER_PER_REFERRER + annotations(&r.annotations))
        .sum()
}

#[cfg(test)]
mod tests;
