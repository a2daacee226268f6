//! What every view of a registry says about how it was reached and what it cost, beside
//! its answer (errors too): a warning when its certificate was not verified
//! (`--insecure-host`), the pull rate limit with the pulls this view spent, and what Lading
//! answered from its own cache without asking the registry.

use lading_shared::api::{CachedKind, CachedRead, PullRateLimit, RegistryNotes};
use lading_shared::reference::{DOCKER_HUB, normalize_registry_host};
use leptos::prelude::*;

use crate::when::window;

#[component]
pub fn RegistryNotesView(
    notes: RegistryNotes,
    /// The registry the notes are about (`docker.io` names Docker Hub's limit).
    #[prop(into)]
    registry: String,
) -> impl IntoView {
    if notes.is_empty() {
        return ().into_any();
    }
    let insecure = notes.insecure_tls.then(|| {
        view! {
            <p class="registry-note insecure" data-testid="insecure-tls" role="note">
                <strong>"Certificate not verified"</strong>
                " (" <code>{format!("--insecure-host {registry}")}</code> "): anyone on the \
                 network path could have answered in its place."
            </p>
        }
    });
    let limit = notes.rate_limit.as_ref().map(|limit| {
        let text = rate_limit_text(&registry, limit, notes.pulls_spent);
        let low = limit.remaining.is_some_and(|r| r * 10 <= limit.limit);
        view! {
            <p class="registry-note rate-limit" class:low=low data-testid="rate-limit">{text}</p>
        }
    });
    // Pulls with no limit reported (a paid plan, another registry): the cost alone.
    let spent = (notes.rate_limit.is_none() && notes.pulls_spent > 0).then(|| {
        view! {
            <p class="registry-note muted" data-testid="pulls-spent">
                {format!("This view cost {}.", pulls(notes.pulls_spent))}
            </p>
        }
    });
    let cached = (!notes.from_cache.is_empty()).then(|| {
        view! {
            <p class="registry-note muted" data-testid="from-cache">
                {from_cache_text(&notes.from_cache)}
            </p>
        }
    });
    view! {
        <div class="registry-notes" data-testid="registry-notes">
            {insecure}{limit}{spent}{cached}
        </div>
    }
    .into_any()
}

/// Reads named one by one before the rest are counted.
const NAMED_READS: usize = 3;

/// "Answered from Lading's cache, no request: manifest sha256:0123456789ab, config
/// sha256:… (this repository's access was shown to the registry within the last 2 minutes)."
pub fn from_cache_text(reads: &[CachedRead]) -> String {
    let named: Vec<String> = reads
        .iter()
        .take(NAMED_READS)
        .map(|r| format!("{} {}", kind(r.what), short(&r.digest.to_string())))
        .collect();
    let mut list = named.join(", ");
    if reads.len() > NAMED_READS {
        list.push_str(&format!(" and {} more", reads.len() - NAMED_READS));
    }
    format!(
        "Answered from Lading's cache, no request: {list} (content addressed by digest, read \
         before by the same identity from this repository, whose access was shown to the \
         registry within the last 2 minutes)."
    )
}

fn kind(what: CachedKind) -> &'static str {
    match what {
        CachedKind::Manifest => "manifest",
        CachedKind::Config => "config",
        CachedKind::Listing => "layer listing",
    }
}

/// `sha256:` and the first 12 hex digits, as `docker images` shows an id.
fn short(digest: &str) -> String {
    match digest.split_once(':') {
        Some((algorithm, hex)) if hex.len() > 12 => format!("{algorithm}:{}", &hex[..12]),
        _ => digest.to_owned(),
    }
}

/// "Docker Hub pull limit: 76 of 100 left per 6 h (counted for 192.0.2.1); this view cost
/// 2 pulls."
pub fn rate_limit_text(registry: &str, limit: &PullRateLimit, spent: u32) -> String {
    let whose = match normalize_registry_host(registry) == DOCKER_HUB {
        true => "Docker Hub pull limit".to_owned(),
        false => format!("Pull limit of {registry}"),
    };
    let left = match limit.remaining {
        Some(remaining) => format!("{remaining} of {} left", limit.limit),
        None => format!("{} pulls", limit.limit),
    };
    let per = limit
        .window_seconds
        .map(|w| format!(" per {}", window(w)))
        .unwrap_or_default();
    let source = limit
        .source
        .as_ref()
        .map(|s| format!(" (counted for {s})"))
        .unwrap_or_default();
    let cost = match spent {
        0 => "this view cost no pulls (a HEAD does not count)".to_owned(),
        n => format!("this view cost {}", pulls(n)),
    };
    format!("{whose}: {left}{per}{source}; {cost}.")
}

fn pulls(n: u32) -> String {
    format!("{n} pull{}", if n == 1 { "" } else { "s" })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cached_reads_are_named_then_counted() {
        let read = |what, seed: &[u8]| CachedRead {
            what,
            digest: lading_shared::Digest::sha256(seed),
        };
        let index = read(CachedKind::Manifest, b"index");
        let hex = index.digest.to_string()["sha256:".len()..][..12].to_owned();
        let one = from_cache_text(std::slice::from_ref(&index));
        assert!(
            one.starts_with(&format!(
                "Answered from Lading's cache, no request: manifest sha256:{hex} ("
            )),
            "{one}"
        );
        let many: Vec<CachedRead> = [b"a", b"b", b"c", b"d", b"e"]
            .iter()
            .map(|s| read(CachedKind::Config, *s))
            .collect();
        let text = from_cache_text(&many);
        assert_eq!(
            text.matches("config sha256:").count(),
            NAMED_READS,
            "{text}"
        );
        assert!(text.contains(" and 2 more ("), "{text}");
    }

    #[test]
    fn the_limit_reads_as_one_sentence() {
        let limit = PullRateLimit {
            limit: 100,
            remaining: Some(76),
            window_seconds: Some(21_600),
            source: Some("192.0.2.1".to_owned()),
        };
        assert_eq!(
            rate_limit_text("docker.io", &limit, 2),
            "Docker Hub pull limit: 76 of 100 left per 6 h (counted for 192.0.2.1); this view cost 2 pulls."
        );
        let bare = PullRateLimit {
            limit: 50,
            remaining: None,
            window_seconds: None,
            source: None,
        };
        assert_eq!(
            rate_limit_text("r.example", &bare, 0),
            "Pull limit of r.example: 50 pulls; this view cost no pulls (a HEAD does not count)."
        );
    }
}
