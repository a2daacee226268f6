//! Manifests and configs as JSON: re-indented with digests made useful (a child manifest's
//! digest opens it, any other digest copies on click), or the exact text as received.

use crate::components::link::Link;
use lading_shared::Digest;
use leptos::prelude::*;

use crate::components::copy_button::{CopyButton, CopyText};
use crate::pretty_json::{Line, TokenKind, pretty_lines};
use crate::view_state::ViewState;

/// One document to show, with the digests inside it that name manifests (and their views).
#[derive(Debug, Clone)]
pub struct RawDocument {
    pub title: String,
    pub text: String,
    pub links: Vec<(String, String)>,
}

#[component]
pub fn RawJson(documents: Vec<RawDocument>) -> impl IntoView {
    let several = documents.len() > 1;
    // The tab and the formatting live in the URL (replaced), so Back and links keep them.
    let view = ViewState::get();
    let (tab, exact_bytes) = view.query.with_untracked(|q| (q.raw.clone(), q.exact));
    let initial = tab
        .and_then(|t| documents.iter().position(|d| d.title.to_lowercase() == t))
        .unwrap_or(0);
    let documents = StoredValue::new(documents);
    let selected = RwSignal::new(initial);
    let exact = RwSignal::new(exact_bytes);
    let select = move |i: usize| {
        selected.set(i);
        let tab =
            documents.with_value(|d| d.get(i).filter(|_| i > 0).map(|d| d.title.to_lowercase()));
        view.update(|q| q.raw = tab);
    };
    let set_exact = move |on: bool| {
        exact.set(on);
        view.update(|q| q.exact = on);
    };
    let tabs = documents.with_value(|docs| {
        docs.iter()
            .enumerate()
            .map(|(i, doc)| {
                let title = doc.title.clone();
                let testid = format!("raw-tab-{}", title.to_lowercase());
                view! {
                    <button
                        type="button"
                        data-testid=testid
                        aria-pressed=move || (selected.get() == i).to_string()
                        on:click=move |_| select(i)
                    >
                        {title}
                    </button>
                }
            })
            .collect_view()
    });
    let body = move || {
        let doc = documents.with_value(|docs| docs.get(selected.get()).cloned())?;
        let lines = if exact.get() {
            None
        } else {
            pretty_lines(&doc.text)
        };
        let size = doc.text.len();
        Some(view! {
            <div class="raw-meta muted small">
                {format!("{size} bytes")}
                {(!exact.get() && lines.is_none()).then_some(" · not indentable JSON, shown as received")}
                " " <CopyButton text=doc.text.clone() what="the exact text" />
            </div>
            {match lines {
                Some(lines) => view! { <pre class="json">{render_lines(lines, &doc.links)}</pre> }.into_any(),
                None => view! { <pre class="json exact">{doc.text}</pre> }.into_any(),
            }}
        })
    };
    view! {
        <section class="card" data-testid="raw-json">
            <div class="card-header">
                <h2>"Raw JSON"</h2>
                {several.then(|| view! { <div class="segmented" role="group" aria-label="Document">{tabs}</div> })}
                <div class="segmented" role="group" aria-label="Formatting">
                    <button type="button" aria-pressed=move || (!exact.get()).to_string() on:click=move |_| set_exact(false)>
                        "Indented"
                    </button>
                    <button type="button" aria-pressed=move || exact.get().to_string() on:click=move |_| set_exact(true)>
                        "Exact bytes"
                    </button>
                </div>
            </div>
            {body}
        </section>
    }
}

/// Indented JSON lines as spans (keys, strings, literals), digests copyable or linked.
pub fn render_lines(lines: Vec<Line>, links: &[(String, String)]) -> impl IntoView + use<> {
    lines
        .into_iter()
        .map(|line| {
            let indent = "  ".repeat(line.indent);
            let tokens = line
                .tokens
                .into_iter()
                .map(|token| {
                    let digest = token
                        .plain_string()
                        .filter(|s| {
                            matches!(token.kind, TokenKind::Str) && Digest::parse(s).is_ok()
                        })
                        .map(String::from);
                    match (token.kind, digest) {
                        (TokenKind::Str, Some(digest)) => {
                            let href = links
                                .iter()
                                .find(|(d, _)| *d == digest)
                                .map(|(_, h)| h.clone());
                            view! { <JsonDigest digest href /> }.into_any()
                        }
                        (TokenKind::Key, _) => {
                            view! { <span class="j-key">{token.text}</span> }.into_any()
                        }
                        (TokenKind::Str, None) => {
                            view! { <span class="j-str">{token.text}</span> }.into_any()
                        }
                        (TokenKind::Literal, _) => {
                            view! { <span class="j-lit">{token.text}</span> }.into_any()
                        }
                        (TokenKind::Punct, _) => token.text.into_any(),
                    }
                })
                .collect_view();
            view! { {indent}{tokens}"\n" }
        })
        .collect_view()
}

/// A digest string inside JSON: a link when it names a manifest Lading can open, otherwise
/// a button that copies it.
#[component]
fn JsonDigest(digest: String, href: Option<String>) -> impl IntoView {
    match href {
        Some(href) => view! {
            "\""<Link href=href class="j-digest" title="Open this manifest">{digest}</Link>"\""
        }
        .into_any(),
        None => view! { "\""<CopyText text=digest />"\"" }.into_any(),
    }
}
