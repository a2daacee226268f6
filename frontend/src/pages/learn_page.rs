//! `/?learn=pull` and `/?learn=push`: the registry protocol's steps as a numbered
//! walk-through, each naming the distribution-spec endpoints it uses (`end-1` … `end-13`,
//! linked to the spec) and linking the live views that show it, for an example image or the
//! one `ref=` names. Lading only reads registries: the push page explains, it cannot show.

mod sketch;
mod steps;

use lading_shared::Reference;
use lading_shared::reproduce::Endpoint;
use leptos::prelude::*;

use crate::components::link::Link;
use crate::components::sequence_diagram::Diagram;
use crate::links::{image_input_href, repo_href, view_href};
use crate::pages::set_title;
use crate::view_query::{FS_MERGED, ViewQuery};
use steps::{Live, Step};

/// What [`crate::view_query::Page::Invalid`] calls a `learn=` that names no page.
pub const WHAT: &str = "Learn page";

/// The image the live links open when the URL names none: a Docker Hub index.
const EXAMPLE: &str = "alpine:3.9";

/// Which walk-through.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Topic {
    Pull,
    Push,
}

impl Topic {
    /// The `learn=` value.
    pub fn parse(value: &str) -> Option<Topic> {
        match value.trim() {
            "pull" => Some(Topic::Pull),
            "push" => Some(Topic::Push),
            _ => None,
        }
    }

    fn as_str(self) -> &'static str {
        match self {
            Topic::Pull => "pull",
            Topic::Push => "push",
        }
    }

    fn title(self) -> &'static str {
        match self {
            Topic::Pull => "How pulling works",
            Topic::Push => "How pushing works",
        }
    }
}

/// The explainer page of `topic`, its live links made for `reference` when there is one.
pub fn learn_href(topic: Topic, reference: Option<&str>) -> String {
    view_href(&ViewQuery {
        learn: Some(topic.as_str().to_owned()),
        reference: reference.map(str::to_owned),
        ..ViewQuery::default()
    })
}

#[component]
pub fn LearnPage(topic: Topic, reference: Option<String>) -> impl IntoView {
    set_title(Some(topic.title()));
    // A `ref=` that does not parse falls back to the example, and says so.
    let typed = reference.filter(|r| !r.trim().is_empty());
    let parsed = typed.as_deref().map(|r| Reference::parse(r.trim()));
    let (input, refused) = match (&typed, parsed) {
        (Some(typed), Some(Ok(_))) => (typed.trim().to_owned(), None),
        (Some(typed), Some(Err(e))) => (EXAMPLE.to_owned(), Some(format!("`{typed}`: {e}"))),
        _ => (EXAMPLE.to_owned(), None),
    };
    let (steps, other) = match topic {
        Topic::Pull => (steps::PULL, Topic::Push),
        Topic::Push => (steps::PUSH, Topic::Pull),
    };
    let pull = topic == Topic::Pull;
    let used: Vec<Endpoint> = steps
        .iter()
        .flat_map(|s| s.endpoints.iter().copied())
        .collect();
    let items = steps
        .iter()
        .enumerate()
        .map(|(i, step)| view! { <StepItem number=i + 1 step input=input.clone() /> })
        .collect_view();
    let other_href = learn_href(other, typed.as_deref());
    view! {
        <article class="learn" data-testid="learn-page" data-topic=topic.as_str()>
            <h1>{topic.title()}</h1>
            <p class="lede">{intro(topic)}</p>
            <p class="muted small" data-testid="learn-example">
                "Live links open " <code>{input.clone()}</code>
                {refused.map(|why| view! { " (not the " <code>"ref"</code> " given, " {why} ")" })}
                ". Add " <code>"&ref=IMAGE"</code> " to the address to follow your own image. "
                <Link href=other_href>{other.title()}</Link>
            </p>
            <section class="panel learn-diagram" aria-label="A typical conversation">
                <h2>"The conversation"</h2>
                <Diagram
                    columns=sketch::columns(pull)
                    arrows=sketch::arrows(pull)
                    label=format!("Sequence diagram of a typical {}", topic.as_str())
                />
            </section>
            <ol class="learn-steps" data-testid="learn-steps">{items}</ol>
            <SpecTable used />
        </article>
    }
}

fn intro(topic: Topic) -> &'static str {
    match topic {
        Topic::Pull => {
            "A pull is a handful of HTTP requests: find out how the registry wants to be \
             authenticated, get a token for the repository, resolve the tag to a digest, get \
             the manifest (and for a multi-platform index, one platform's), then the config \
             and the layers, each checked against its digest. Every view of Lading shows \
             these requests in its Requests panel and its diagram."
        }
        Topic::Push => {
            "Lading never pushes: it only reads registries, so this page explains the steps \
             and cannot show them live. A push uploads every blob the registry does not have \
             yet (the layers and the config), then the manifest that names them. The live \
             links show what a push leaves behind."
        }
    }
}

/// `learn=` with another value: which pages there are.
#[component]
pub fn UnknownTopic(input: String) -> impl IntoView {
    set_title(Some("Not found"));
    view! {
        <section class="error-view" data-testid="error-view" data-kind="not_found">
            <h2>"No such explainer page"</h2>
            <p>"There is no " <code>{format!("learn={input}")}</code> " page. There are two: "
                <Link href=learn_href(Topic::Pull, None)>{Topic::Pull.title()}</Link> " ("
                <code>"learn=pull"</code> ") and "
                <Link href=learn_href(Topic::Push, None)>{Topic::Push.title()}</Link> " ("
                <code>"learn=push"</code> ")."</p>
        </section>
    }
}

/// One numbered step: its endpoints, what happens, where to see it.
#[component]
fn StepItem(number: usize, step: &'static Step, input: String) -> impl IntoView {
    let endpoints = step
        .endpoints
        .iter()
        .map(|&endpoint| view! { <EndpointLine endpoint /> })
        .collect_view();
    let live = (!step.live.is_empty()).then(|| {
        let links = step
            .live
            .iter()
            .map(|&live| view! { <li><Link href=live_href(live, &input)>{live.label()}</Link></li> })
            .collect_view();
        view! { <p class="learn-live small">"See it: "</p><ul class="inline-list learn-live-links">{links}</ul> }
    });
    view! {
        <li class="learn-step" id=format!("step-{number}")>
            <h2>{step.title}</h2>
            <ul class="learn-endpoints">{endpoints}</ul>
            <p>{prose(step.text)}</p>
            {live}
        </li>
    }
}

/// `end-3 GET | HEAD /v2/<name>/manifests/<reference>: pull a manifest`, linked to the spec.
#[component]
fn EndpointLine(endpoint: Endpoint) -> impl IntoView {
    let id = endpoint.id();
    let badge = id.unwrap_or("spec");
    view! {
        <li data-endpoint=id>
            <a class="badge badge-index" href=endpoint.spec_link() target="_blank" rel="noopener noreferrer">
                {badge}
            </a>
            " " <code>{endpoint.route()}</code> " " <span class="muted">{endpoint.title()}</span>
        </li>
    }
}

/// Every endpoint of the spec, those this walk-through uses marked.
#[component]
fn SpecTable(used: Vec<Endpoint>) -> impl IntoView {
    let rows = Endpoint::SPEC
        .into_iter()
        .map(|endpoint| {
            let here = used.contains(&endpoint).then_some("here");
            view! {
                <tr data-spec-endpoint=endpoint.id() class:learn-used=here.is_some()>
                    <td data-label="ID">
                        <a href=endpoint.spec_link() target="_blank" rel="noopener noreferrer">
                            <code>{endpoint.id()}</code>
                        </a>
                    </td>
                    <td data-label="Route"><code>{endpoint.route()}</code></td>
                    <td data-label="What">{endpoint.title()}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <section class="panel learn-spec">
            <h2>"Every endpoint of the distribution spec"</h2>
            <p class="muted small">"Highlighted: the ones this walk-through uses."</p>
            <div class="table-wrap">
                <table class="stack" data-testid="spec-endpoints">
                    <thead><tr><th scope="col">"ID"</th><th scope="col">"Route"</th><th scope="col">"What"</th></tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        </section>
    }
}

/// The view that shows a step, for the image typed as `input`.
fn live_href(live: Live, input: &str) -> String {
    match live {
        Live::Image => image_input_href(input),
        Live::Tags => Reference::parse(input)
            .map(|r| repo_href(&r.repository()))
            .unwrap_or_else(|_| image_input_href(input)),
        Live::Files => view_href(&ViewQuery {
            image: Some(input.to_owned()),
            fs: Some(FS_MERGED.to_owned()),
            ..ViewQuery::default()
        }),
    }
}

/// Text with `backticked` parts shown as code (text nodes only: nothing is parsed as HTML).
fn prose(text: &'static str) -> impl IntoView {
    text.split('`')
        .enumerate()
        .map(|(i, part)| match i % 2 {
            0 => part.into_any(),
            _ => view! { <code>{part}</code> }.into_any(),
        })
        .collect_view()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_walk_throughs_cover_every_spec_endpoint() {
        let covered: Vec<Endpoint> = steps::PULL
            .iter()
            .chain(steps::PUSH)
            .flat_map(|s| s.endpoints.iter().copied())
            .collect();
        for endpoint in Endpoint::SPEC {
            assert!(covered.contains(&endpoint), "{endpoint:?} is in no step");
        }
        assert_eq!(Topic::parse("pull"), Some(Topic::Pull));
        assert_eq!(Topic::parse("fetch"), None);
        assert_eq!(learn_href(Topic::Push, Some("a:b")), "/?learn=push&ref=a:b");
        assert_eq!(
            live_href(Live::Tags, "alpine:3.9"),
            "/?repo=docker.io/library/alpine"
        );
    }
}
