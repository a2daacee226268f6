//! `GET /api/image?ref=REFERENCE`: a manifest of any kind with what its view needs — child
//! summaries for an index, the config blob for an image.

use axum::extract::State;
use axum::response::Response;
use futures_util::StreamExt;
use lading_shared::api::{ChildSummary, ConfigBlob, ImageQuery, ImageResponse};
use lading_shared::manifest::EntryKind;
use lading_shared::{Descriptor, ImageConfig, ImageIndex, ImageManifest, Manifest, Reference};

use crate::AppState;
use crate::error::{Failure, ProxyError};
use crate::extract::{ApiQuery, BrowserCredentials};
use crate::layers::budget::Reservation;
use crate::limits::within;
use crate::registry::Session;
use crate::trace::Trace;

/// Configs are JSON documents; 4 MiB is the spec's suggested manifest limit too.
pub const MAX_CONFIG_BYTES: usize = 4 * 1024 * 1024;
/// Children of one index summarised (each costs a manifest request).
pub const MAX_CHILDREN: usize = 64;
/// Memory an answer may take per manifest byte (the raw text, escaped, and the decoded
/// manifest serialised again) and per config byte (its raw text as JSON: a control byte
/// escapes to six), reserved before the answer is built.
const ANSWER_PER_MANIFEST_BYTE: u64 = 6;
const ANSWER_PER_CONFIG_BYTE: u64 = 8;
/// Child manifests fetched at once.
pub const CHILD_CONCURRENCY: usize = 4;

pub async fn get_image(
    State(state): State<AppState>,
    BrowserCredentials(credentials): BrowserCredentials,
    ApiQuery(query): ApiQuery<ImageQuery>,
) -> Result<Response, Failure> {
    let trace = Trace::default();
    // Parsed again inside; here only to name the registry if the answer times out.
    let registry =
        Reference::parse(&query.reference).map_or_else(|_| String::new(), |r| r.registry);
    let work = fetch_image(&state, credentials, &query.reference, &trace);
    match within(state.upstream.limits.answer, &registry, work).await {
        Ok((mut response, memory)) => {
            response.trace = trace.exchanges();
            super::json::charged(&response, memory).map_err(|error| Failure {
                error,
                trace: trace.exchanges(),
            })
        }
        Err(error) => Err(Failure {
            error,
            trace: trace.exchanges(),
        }),
    }
}

async fn fetch_image(
    state: &AppState,
    credentials: Option<crate::registry::credentials::Credentials>,
    input: &str,
    trace: &Trace,
) -> Result<(ImageResponse, Reservation), ProxyError> {
    let reference = Reference::parse(input)?;
    let session = Session::open(
        state.upstream.clone(),
        &reference.registry,
        reference.api_host(),
        credentials,
        trace.clone(),
    )
    .await?;
    let (raw, digest) = session
        .fetch_manifest(&reference.repository, &reference.identifier())
        .await?;
    // Charged before the answer is built: its copies and JSON are what a hostile registry
    // can make tens of MiB (see `super::json`).
    let mut memory = super::json::charge(ANSWER_PER_MANIFEST_BYTE * raw.bytes.len() as u64)?;
    let (media_type, manifest) = Manifest::decode(&raw.bytes, raw.content_type.as_deref())
        .map_err(|e| {
            ProxyError::BadUpstream(format!(
                "{} sent a manifest Lading cannot read: {e}",
                reference.registry
            ))
        })?;
    let mut response = ImageResponse {
        notes: reference.normalization_notes(input),
        digest,
        header_digest: raw.header_digest.clone(),
        media_type,
        content_type: raw.content_type.clone(),
        size: raw.bytes.len() as u64,
        raw: String::from_utf8_lossy(&raw.bytes).into_owned(),
        manifest: manifest.clone(),
        index: None,
        children: Vec::new(),
        config: None,
        config_error: None,
        trace: Vec::new(),
        reference,
    };
    match &manifest {
        Manifest::Index(index) => {
            response.children = summarize_children(&session, &response.reference, index).await;
        }
        Manifest::Image(image) => {
            let config = image.config.size.min(MAX_CONFIG_BYTES as u64);
            let held = memory.bytes() + ANSWER_PER_CONFIG_BYTE * config;
            memory.resize(held)?;
            match fetch_config(&session, &response.reference, image).await {
                Ok(config) => response.config = Some(config),
                Err(error) => response.config_error = Some(error.to_string()),
            }
        }
        Manifest::Schema1(_) => {}
    }
    Ok((response, memory))
}

/// Fetches each child manifest (bounded) to learn its layer count and compressed size.
async fn summarize_children(
    session: &Session,
    reference: &Reference,
    index: &ImageIndex,
) -> Vec<ChildSummary> {
    let wanted: Vec<&Descriptor> = index
        .entries()
        .into_iter()
        .filter(|e| e.kind != EntryKind::Index)
        .map(|e| e.descriptor)
        .collect();
    let (fetch, skip) = wanted.split_at(wanted.len().min(MAX_CHILDREN));
    // Futures are built eagerly so the stream does not hold a borrowing closure (which
    // trips the higher-ranked lifetime check axum's Send bound needs).
    let futures: Vec<_> = fetch
        .iter()
        .map(|d| summarize_child(session, reference, d))
        .collect();
    let mut children: Vec<ChildSummary> = futures_util::stream::iter(futures)
        .buffered(CHILD_CONCURRENCY)
        .collect()
        .await;
    children.extend(skip.iter().map(|d| ChildSummary {
        digest: d.digest.clone(),
        media_type: Some(d.media_type.clone()),
        layers_size: None,
        layer_count: None,
        error: Some(format!(
            "not summarised: only the first {MAX_CHILDREN} entries are"
        )),
    }));
    children
}

async fn summarize_child(
    session: &Session,
    reference: &Reference,
    descriptor: &Descriptor,
) -> ChildSummary {
    let mut summary = ChildSummary {
        digest: descriptor.digest.clone(),
        media_type: None,
        layers_size: None,
        layer_count: None,
        error: None,
    };
    let fetched = session
        .fetch_manifest(&reference.repository, &descriptor.digest.to_string())
        .await;
    let decoded = fetched.and_then(|(raw, _)| {
        Manifest::decode(&raw.bytes, raw.content_type.as_deref())
            .map_err(|e| ProxyError::BadUpstream(e.to_string()))
    });
    match decoded {
        Ok((media_type, manifest)) => {
            summary.media_type = Some(media_type);
            match manifest {
                Manifest::Image(image) => {
                    summary.layers_size = Some(image.layers_size());
                    summary.layer_count = Some(image.layers.len());
                }
                Manifest::Schema1(s1) => summary.layer_count = Some(s1.fs_layers.len()),
                Manifest::Index(_) => {}
            }
        }
        Err(error) => summary.error = Some(error.to_string()),
    }
    summary
}

async fn fetch_config(
    session: &Session,
    reference: &Reference,
    image: &ImageManifest,
) -> Result<ConfigBlob, ProxyError> {
    let descriptor = &image.config;
    if descriptor.size > MAX_CONFIG_BYTES as u64 {
        return Err(ProxyError::TooLarge {
            what: "the config blob".into(),
            limit: MAX_CONFIG_BYTES as u64,
        });
    }
    let bytes = session
        .fetch_blob(
            &reference.repository,
            &descriptor.digest,
            MAX_CONFIG_BYTES,
            "the config blob",
        )
        .await?;
    let (image_config, parse_error) = if descriptor.media_type.is_image_config() {
        match serde_json::from_slice::<ImageConfig>(&bytes) {
            Ok(config) => (Some(config), None),
            Err(e) => (None, Some(e.to_string())),
        }
    } else {
        (None, None)
    };
    Ok(ConfigBlob {
        digest: descriptor.digest.clone(),
        media_type: descriptor.media_type.clone(),
        size: bytes.len() as u64,
        raw: String::from_utf8_lossy(&bytes).into_owned(),
        image: image_config,
        parse_error,
    })
}
