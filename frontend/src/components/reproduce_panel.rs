//! The "Reproduce" panel: the view as things a person can run on their own machine — a
//! POSIX `sh` script (curl + jq), a Python 3 script (standard library only) and the
//! one-liners of crane, regctl, skopeo, oras and docker — generated in `lading-shared` from
//! the view's parameters and its trace. Each text is the whole content of one
//! `<pre data-reproduce="KIND">`, exactly what its copy button copies and its download
//! holds: no line numbers or markup inside. Credentials never appear in them: the scripts
//! read `REGISTRY_USER` and `REGISTRY_PASSWORD` from the environment.
//!
//! A view can offer other subjects beside its own (the image page: a layer's download, the
//! export), picked in a selector; one `pre` per kind for the chosen subject, all shown.

mod choice;

use lading_shared::reproduce::{
    Flow, Kind, PASSWORD_VAR, Reproduction, USER_VAR, file_stem, reproductions,
};
use leptos::prelude::*;

use crate::components::copy_button::CopyButton;
use crate::components::export_links::BlobLink;

pub use choice::{Choice, filesystem_reproduction, image_choices, image_target};

const SCRIPT_MIME: &str = "text/plain;charset=utf-8";

#[component]
pub fn ReproducePanel(
    flow: Flow,
    /// What the selector offers; empty: only the flow's own subject, no selector.
    #[prop(optional)]
    choices: Vec<Choice>,
    /// Said above the selector (why this view is reproduced by parts).
    #[prop(default = None)]
    note: Option<String>,
) -> impl IntoView {
    let choices = if choices.is_empty() {
        vec![Choice::this_view(flow.subject.clone())]
    } else {
        choices
    };
    let selected = RwSignal::new(0usize);
    let selector =
        (choices.len() > 1).then(|| view! { <SubjectSelector choices=choices.clone() selected /> });
    let base = StoredValue::new(flow);
    let choices = StoredValue::new(choices);
    let active = RwSignal::new(Kind::Sh);
    // The chosen subject's flow: the same trace read for it (auth, scope, Accept list).
    let chosen = move || {
        let subject = choices.with_value(|c| c.get(selected.get()).map(|c| c.subject.clone()));
        base.with_value(|flow| match subject {
            Some(subject) if subject != flow.subject => Flow::new(subject, &flow.trace),
            _ => flow.clone(),
        })
    };
    view! {
        <details class="panel reproduce" data-testid="reproduce-panel">
            <summary><span class="panel-title">"Reproduce"</span></summary>
            <p class="small reproduce-intro">
                "Scripts and commands that make the same requests from your machine and print \
                 what this view shows, generated from its trace. Credentials are never \
                 embedded: they are read from "
                <code>{USER_VAR}</code> " and " <code>{PASSWORD_VAR}</code>
                " in the environment."
            </p>
            {note.map(|note| view! { <p class="notice small reproduce-note">{note}</p> })}
            {selector}
            {move || view! { <Reproductions flow=chosen() active /> }}
        </details>
    }
}

/// "Reproduce: this view / download layer 2 (…) / export the image".
#[component]
fn SubjectSelector(choices: Vec<Choice>, selected: RwSignal<usize>) -> impl IntoView {
    let options = choices
        .into_iter()
        .enumerate()
        .map(|(i, choice)| {
            view! {
                <option value=i.to_string() selected=move || selected.get() == i>{choice.label}</option>
            }
        })
        .collect_view();
    view! {
        <label class="reproduce-subject">
            <span class="muted small">"Reproduce"</span>
            <select
                data-testid="reproduce-subject"
                on:change=move |ev| {
                    if let Ok(i) = event_target_value(&ev).parse() {
                        selected.set(i);
                    }
                }
            >
                {options}
            </select>
        </label>
    }
}

/// The reproductions of one subject, every kind shown (a reader and a checker both see
/// each whole text), with a row of buttons that jump to each.
#[component]
fn Reproductions(flow: Flow, active: RwSignal<Kind>) -> impl IntoView {
    let stem = file_stem(&flow.subject);
    let what = flow.subject.describe();
    let needs_credentials = flow.credentials;
    let all = reproductions(&flow);
    let jumps = all
        .iter()
        .map(|r| {
            let kind = r.kind;
            let missing = r.text.is_err();
            view! {
                <button
                    type="button"
                    aria-controls=format!("reproduce-{}", kind.as_str())
                    aria-current=move || (active.get() == kind).then_some("true")
                    class:missing=missing
                    title=missing.then_some("no equivalent for this view")
                    on:click=move |_| {
                        active.set(kind);
                        jump_to(&format!("reproduce-{}", kind.as_str()));
                    }
                >
                    {kind.label()}
                </button>
            }
        })
        .collect_view();
    let sections = all
        .into_iter()
        .map(|reproduction| {
            view! { <ReproductionView reproduction stem=stem.clone() needs_credentials /> }
        })
        .collect_view();
    view! {
        <p class="small reproduce-what" data-testid="reproduce-what">
            "Reproduces " {what} "."
        </p>
        <nav class="reproduce-tabs" aria-label="Ways to reproduce">{jumps}</nav>
        {sections}
    }
}

/// Scrolls the section with `id` into view (inside the page; no navigation).
fn jump_to(id: &str) {
    if let Some(element) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(id))
    {
        element.scroll_into_view();
    }
}

#[component]
fn ReproductionView(
    reproduction: Reproduction,
    stem: String,
    needs_credentials: bool,
) -> impl IntoView {
    let kind = reproduction.kind;
    let body = match reproduction.text {
        Ok(text) => {
            let file_name = kind.file_name(&stem);
            view! {
                <RunLine kind file_name=file_name.clone() needs_credentials />
                <div class="reproduce-actions">
                    <CopyButton text=text.clone() what=format!("the {} text", kind.label()) />
                    <BlobLink text=text.clone() mime=SCRIPT_MIME file_name=file_name.clone() button=true>
                        "Download " <code>{file_name}</code>
                    </BlobLink>
                </div>
                <pre class="reproduce-text" data-reproduce=kind.as_str()>{text}</pre>
            }
            .into_any()
        }
        Err(why) => view! {
            <p class="no-equivalent" data-no-equivalent=kind.as_str()>
                {format!("{}: no equivalent — {why}", kind.as_str())}
            </p>
        }
        .into_any(),
    };
    view! {
        <section class="reproduction" id=format!("reproduce-{}", kind.as_str())>
            <h3 class="reproduction-title">{kind.label()}</h3>
            {body}
        </section>
    }
}

/// How to run the downloaded text, with the credentials as environment variables.
#[component]
fn RunLine(kind: Kind, file_name: String, needs_credentials: bool) -> impl IntoView {
    let runner = match kind {
        Kind::Python => "python3",
        _ => "sh",
    };
    let command = format!("{USER_VAR}=… {PASSWORD_VAR}=… {runner} {file_name}");
    let when = if needs_credentials {
        "This view used credentials: the script stops without them."
    } else {
        "Needed only if the registry asks for credentials; used when set."
    };
    view! {
        <p class="small reproduce-run">
            "Run: " <code class="run-command">{command}</code>
            " " <span class="muted">{when}</span>
        </p>
    }
}
