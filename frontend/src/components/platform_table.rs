//! The platforms of an index, one row each, with the attestations BuildKit attached to each
//! platform's image shown beneath it (not as platforms of their own).

use crate::components::link::Link;
use lading_shared::api::ChildSummary;
use lading_shared::{Descriptor, Reference};
use leptos::prelude::*;

use crate::components::digest_label::DigestLabel;
use crate::components::platform_context::platform_href;
use crate::format::human_size;

/// One platform image of an index, with what the proxy learned about it.
#[derive(Debug, Clone)]
pub struct PlatformRow {
    pub descriptor: Descriptor,
    pub summary: Option<ChildSummary>,
    /// Attestation manifests describing this image, with their summaries when fetched.
    pub attestations: Vec<(Descriptor, Option<ChildSummary>)>,
}

#[component]
pub fn PlatformTable(reference: Reference, rows: Vec<PlatformRow>) -> impl IntoView {
    let count = rows.len();
    let sizes: Vec<Option<u64>> = rows
        .iter()
        .map(|r| r.summary.as_ref().and_then(|s| s.layers_size))
        .collect();
    // A registry's sizes may sum past 64 bits: saturated, never wrapped (or a panic).
    let total_size = sizes
        .iter()
        .flatten()
        .fold(0u64, |sum, s| sum.saturating_add(*s));
    let total_layers: usize = rows
        .iter()
        .filter_map(|r| r.summary.as_ref()?.layer_count)
        .sum();
    let partial = sizes.iter().any(Option::is_none);
    let body = rows
        .into_iter()
        .map(|row| view! { <PlatformLines reference=reference.clone() row /> })
        .collect_view();
    view! {
        <div class="table-wrap">
            <table data-testid="platform-table" class="platforms stack">
                <thead>
                    <tr>
                        <th scope="col">"OS"</th>
                        <th scope="col">"Architecture"</th>
                        <th scope="col">"Variant"</th>
                        <th scope="col">"OS version"</th>
                        <th scope="col" class="num">"Compressed size"</th>
                        <th scope="col" class="num">"Layers"</th>
                        <th scope="col">"Manifest digest"</th>
                    </tr>
                </thead>
                {body}
                <tfoot>
                    <tr>
                        <th scope="row" colspan="4" class="stack-full">
                            {format!("{count} platform{}", if count == 1 { "" } else { "s" })}
                        </th>
                        <td class="num" data-label="Compressed size" title=format!("{total_size} bytes")>
                            {if partial { "≥ " } else { "" }} {human_size(total_size)}
                        </td>
                        <td class="num" data-label="Layers">{total_layers}</td>
                        <td class="muted small stack-full">"summed over platforms: a layer two platforms share counts twice"</td>
                    </tr>
                </tfoot>
            </table>
        </div>
    }
}

#[component]
fn PlatformLines(reference: Reference, row: PlatformRow) -> impl IntoView {
    let PlatformRow {
        descriptor,
        summary,
        attestations,
    } = row;
    let platform = descriptor.platform.clone().unwrap_or_default();
    let platform_name = platform.to_string();
    let href = platform_href(&reference, &descriptor.digest);
    let problem = summary.as_ref().and_then(|s| s.error.clone());
    let (size, layers) = match &summary {
        Some(s) => (
            s.layers_size.map(human_size),
            s.layer_count.map(|n| n.to_string()),
        ),
        None => (None, None),
    };
    let unknown = move || view! { <span class="muted" title=problem.clone().unwrap_or_else(|| "not summarised".into())>"?"</span> };
    let attestation_rows = attestations
        .into_iter()
        .map(|(a, summary)| {
            let platform_name = platform_name.clone();
            let size = summary
                .and_then(|s| s.layers_size)
                .map(human_size)
                .unwrap_or_default();
            let href = platform_href(&reference, &a.digest);
            view! {
                <tr class="attestation-row" data-testid="attestation">
                    <td colspan="4" class="stack-full">
                        <span class="tree" aria-hidden="true">"└ "</span>
                        <span class="badge badge-attestation">"attestation"</span>
                        " " <span class="muted small">{format!("for {platform_name}")}</span>
                    </td>
                    <td class="num" data-label="Compressed size">{size}</td>
                    <td class="empty-cell"></td>
                    <td data-label="Manifest digest"><DigestLabel digest=a.digest href=href /></td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <tbody>
            <tr data-testid="platform-row">
                <td data-label="OS"><Link href=href.clone()>{platform.os.clone()}</Link></td>
                <td data-label="Architecture"><Link href=href.clone()>{platform.architecture.clone()}</Link></td>
                <td data-label="Variant" class:empty-cell=platform.variant.is_none()>{platform.variant.clone().unwrap_or_default()}</td>
                <td data-label="OS version" class="small" class:empty-cell=platform.os_version.is_none()>{platform.os_version.clone().unwrap_or_default()}</td>
                <td data-label="Compressed size" class="num">{match size.clone() { Some(s) => s.into_any(), None => unknown().into_any() }}</td>
                <td data-label="Layers" class="num">{match layers.clone() { Some(n) => n.into_any(), None => unknown().into_any() }}</td>
                <td data-label="Manifest digest"><DigestLabel digest=descriptor.digest.clone() href=href /></td>
            </tr>
            {attestation_rows}
        </tbody>
    }
}
