//! Above an image chosen from an index (`?image=INDEX&platform=CHILD`): "platform
//! linux/arm64 of INDEX", a link back to the index, and a compact switcher to the other
//! platforms, so the context survives the click into one platform.

use lading_shared::api::{IndexContext, PlatformCandidate};
use lading_shared::{Digest, Reference};
use leptos::prelude::*;

use crate::components::link::Link;
use crate::links::{image_href, view_href};
use crate::view_query::ViewQuery;

/// BuildKit's `vnd.docker.reference.type` of an attestation: not a platform to switch to.
const ATTESTATION_TYPE: &str = "attestation-manifest";

/// The view of the platform `child` of the index `index`, keeping the index in the URL.
pub fn platform_href(index: &Reference, child: &Digest) -> String {
    view_href(&ViewQuery {
        image: Some(index.to_string()),
        platform: Some(child.to_string()),
        ..ViewQuery::default()
    })
}

/// The view the page is on (image, listing or file), for the platform `child` of its index:
/// the same filesystem, path, filter and open folders. The raw-document choice is dropped:
/// another platform's documents are other documents.
pub fn same_view_for_platform(current: &ViewQuery, child: &Digest) -> String {
    view_href(&ViewQuery {
        image: current.image.clone(),
        layer: current.layer.clone(),
        fs: current.fs.clone(),
        path: current.path.clone(),
        filter: current.filter.clone(),
        listing: current.listing.clone(),
        platform: Some(child.to_string()),
        ..ViewQuery::default()
    })
}

/// A candidate a person would pick: a runnable platform, not an attestation or `unknown/unknown`.
pub fn is_runnable_platform(candidate: &PlatformCandidate) -> bool {
    candidate.reference_type.as_deref() != Some(ATTESTATION_TYPE)
        && !candidate.platform.as_ref().is_some_and(|p| p.is_unknown())
}

/// "linux/arm64/v8", or the short digest when the entry names no platform.
pub fn candidate_name(candidate: &PlatformCandidate) -> String {
    match &candidate.platform {
        Some(platform) => platform.to_string(),
        None => candidate.digest.short(),
    }
}

#[component]
pub fn PlatformContext(index: IndexContext, current: Digest) -> impl IntoView {
    let IndexContext {
        reference,
        digest: _,
        platforms,
    } = index;
    let entry = platforms.iter().find(|c| c.digest == current);
    let (what, this) = match entry {
        Some(c) if is_runnable_platform(c) => ("Platform ", candidate_name(c)),
        Some(c) if c.reference_type.is_some() => ("Entry ", "attestation".to_owned()),
        _ => ("Entry ", current.short()),
    };
    let back = image_href(&reference);
    let others: Vec<PlatformCandidate> = platforms
        .into_iter()
        .filter(|c| is_runnable_platform(c) && c.digest != current)
        .collect();
    let switcher = (!others.is_empty()).then(|| {
        let links = others
            .into_iter()
            .map(|c| {
                let href = platform_href(&reference, &c.digest);
                view! { <li><Link href=href class="chip" testid="platform-switch">{candidate_name(&c)}</Link></li> }
            })
            .collect_view();
        view! {
            <span class="muted">"Other platforms:"</span>
            <ul class="chips">{links}</ul>
        }
    });
    view! {
        <nav class="platform-context" aria-label="Platform of an index" data-testid="platform-context">
            <span>
                {what} <strong data-testid="current-platform">{this}</strong> " of "
                <Link href=back testid="back-to-index"><code>{reference.familiar()}</code></Link>
            </span>
            {switcher}
        </nav>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_platform_keeps_the_view() {
        let child = Digest::parse(&format!("sha256:{}", "c".repeat(64))).expect("digest");
        let current = ViewQuery::from_pairs([
            ("image", "alpine:3.20"),
            ("fs", "merged"),
            ("path", "/etc/os-release"),
            ("q", "*.conf"),
            ("open", "/etc"),
            ("raw", "config"),
        ]);
        let href = same_view_for_platform(&current, &child);
        let want = format!(
            "/?image=alpine:3.20&platform=sha256:{}&fs=merged&path=/etc/os-release&q=%2A.conf&open=/etc",
            "c".repeat(64)
        );
        assert_eq!(href, want);
    }
}
