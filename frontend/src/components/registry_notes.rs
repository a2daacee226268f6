//! What every view of a registry says about how it was reached and what it cost, beside
//! its answer (errors too): a warning when its certificate was not verified
//! (`--insecure-host`), and the pull rate limit with the pulls this view spent.

use lading_shared::api::{PullRateLimit, RegistryNotes};
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
    view! { <div class="registry-notes" data-testid="registry-notes">{insecure}{limit}{spent}</div> }
        .into_any()
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
